//! OpenDocument text (`.odt`): `content.xml` of the ZIP.
//!
//! Headings and paragraphs become paragraphs; list items become lines, numbered from their list
//! style when it is a number style («1.», «a)», with the style's prefix and suffix) and «-»
//! otherwise; table rows become lines with cells separated by tabs. Notes, annotations and
//! tracked deletions are skipped.

use std::collections::HashMap;

use crate::layout::TextBuilder;
use crate::xml::{XmlEvent, attribute, decode, walk};
use crate::zip_container::Container;
use crate::{ExtractError, Format, Limits, Raw};

const FORMAT: Format = Format::Odt;

pub(crate) fn extract(bytes: &[u8], limits: &Limits) -> Result<Raw, ExtractError> {
    let mut container = Container::open(bytes, FORMAT, limits)?;
    let mut warnings = Vec::new();
    if let Some(manifest) = container.read_optional("META-INF/manifest.xml", &mut warnings)?
        && decode(&manifest).contains("manifest:encryption-data")
    {
        return Err(ExtractError::Encrypted);
    }
    let Some(content) = container.read("content.xml")? else {
        return Err(ExtractError::corrupt(
            FORMAT,
            "no content.xml in the archive",
        ));
    };
    let content = decode(&content);
    let mut list_styles = ListStyles::default();
    if let Some(styles) = container.read_optional("styles.xml", &mut warnings)? {
        list_styles.parse(&decode(&styles));
    }
    list_styles.parse(&content);
    let text = content_text(&content, &list_styles, &mut warnings)?;
    Ok(Raw {
        text,
        encoding: None,
        warnings,
    })
}

/// How one level of a list style labels its items.
#[derive(Debug, Clone, Default)]
struct LevelStyle {
    numbered: bool,
    format: String,
    prefix: String,
    suffix: String,
    start: u32,
}

/// `text:list-style` definitions by name, each with its levels (1-based in ODF, 0-based here).
#[derive(Debug, Default)]
struct ListStyles {
    styles: HashMap<String, Vec<LevelStyle>>,
}

impl ListStyles {
    fn parse(&mut self, xml: &str) {
        let mut current: Option<String> = None;
        let _ = walk(xml, |event| match event {
            XmlEvent::Start {
                name: "text:list-style",
                element,
            } => {
                current = attribute(element, "style:name");
            }
            XmlEvent::Start { name, element }
                if matches!(
                    name,
                    "text:list-level-style-number" | "text:list-level-style-bullet"
                ) =>
            {
                let Some(style) = current.as_ref() else {
                    return;
                };
                let level: usize = attribute(element, "text:level")
                    .and_then(|value| value.parse().ok())
                    .unwrap_or(1);
                if !(1..=10).contains(&level) {
                    return;
                }
                let parsed = LevelStyle {
                    numbered: name == "text:list-level-style-number",
                    format: attribute(element, "style:num-format").unwrap_or_default(),
                    prefix: attribute(element, "style:num-prefix").unwrap_or_default(),
                    suffix: attribute(element, "style:num-suffix").unwrap_or_default(),
                    start: attribute(element, "text:start-value")
                        .and_then(|value| value.parse().ok())
                        .unwrap_or(1),
                };
                let levels = self.styles.entry(style.clone()).or_default();
                if levels.len() < level {
                    levels.resize(level, LevelStyle::default());
                }
                levels[level - 1] = parsed;
            }
            XmlEvent::End {
                name: "text:list-style",
            } => current = None,
            _ => {}
        });
    }

    fn level(&self, style: &str, level: usize) -> Option<&LevelStyle> {
        self.styles.get(style)?.get(level)
    }
}

/// One open `text:list`.
struct OpenList {
    style: Option<String>,
    counter: u32,
}

struct Walker<'s> {
    out: TextBuilder,
    styles: &'s ListStyles,
    lists: Vec<OpenList>,
    /// The label waiting for the first paragraph of the current list item.
    pending_label: Option<String>,
    in_list_item: bool,
    paragraph: String,
    paragraph_depth: usize,
    skip_depth: usize,
    table_depth: usize,
    cell: String,
    row: Vec<String>,
    previous_was_line: bool,
    in_body: bool,
}

fn content_text(
    xml: &str,
    styles: &ListStyles,
    warnings: &mut Vec<String>,
) -> Result<String, ExtractError> {
    let mut walker = Walker {
        out: TextBuilder::new(),
        styles,
        lists: Vec::new(),
        pending_label: None,
        in_list_item: false,
        paragraph: String::new(),
        paragraph_depth: 0,
        skip_depth: 0,
        table_depth: 0,
        cell: String::new(),
        row: Vec::new(),
        previous_was_line: false,
        in_body: false,
    };
    if let Err(reason) = walk(xml, |event| walker.visit(event)) {
        if walker.out.len() == 0 {
            return Err(ExtractError::corrupt(FORMAT, reason));
        }
        warnings.push(format!(
            "content.xml is damaged ({reason}); the text after the damage is lost"
        ));
    }
    Ok(walker.out.finish())
}

impl Walker<'_> {
    fn visit(&mut self, event: XmlEvent<'_, '_>) {
        match event {
            XmlEvent::Start { name, element } => {
                if name == "office:body" {
                    self.in_body = true;
                }
                if !self.in_body {
                    return;
                }
                if self.skip_depth > 0
                    || matches!(
                        name,
                        "text:note"
                            | "office:annotation"
                            | "text:tracked-changes"
                            | "text:deletion"
                            | "office:forms"
                    )
                {
                    self.skip_depth += 1;
                    return;
                }
                match name {
                    "text:list" => {
                        let style = attribute(element, "text:style-name")
                            .or_else(|| self.lists.last().and_then(|list| list.style.clone()));
                        self.lists.push(OpenList { style, counter: 0 });
                    }
                    "text:list-item" => {
                        self.in_list_item = true;
                        let start = attribute(element, "text:start-value")
                            .and_then(|value| value.parse().ok());
                        self.pending_label = self.next_label(start);
                    }
                    "text:list-header" => {
                        self.in_list_item = true;
                        self.pending_label = None;
                    }
                    "text:p" | "text:h" => {
                        if self.paragraph_depth > 0 {
                            // A paragraph inside a paragraph (a text box): finish the outer one.
                            self.end_paragraph();
                        }
                        self.paragraph_depth += 1;
                    }
                    "text:s" => {
                        let count: usize = attribute(element, "text:c")
                            .and_then(|value| value.parse().ok())
                            .unwrap_or(1);
                        self.paragraph
                            .extend(std::iter::repeat_n(' ', count.min(100)));
                    }
                    "text:tab" => self.paragraph.push('\t'),
                    "text:line-break" => self.paragraph.push('\n'),
                    "table:table" => self.table_depth += 1,
                    _ => {}
                }
            }
            XmlEvent::End { name } => {
                if !self.in_body {
                    return;
                }
                if self.skip_depth > 0 {
                    self.skip_depth -= 1;
                    return;
                }
                match name {
                    "text:p" | "text:h" => {
                        self.end_paragraph();
                        self.paragraph_depth = self.paragraph_depth.saturating_sub(1);
                    }
                    "text:list" => {
                        self.lists.pop();
                    }
                    "text:list-item" | "text:list-header" => {
                        self.in_list_item = false;
                        self.pending_label = None;
                    }
                    "table:table-cell" if self.table_depth == 1 => {
                        self.row
                            .push(std::mem::take(&mut self.cell).trim().to_owned());
                    }
                    "table:table-row" if self.table_depth == 1 => self.end_row(),
                    "table:table" => self.table_depth = self.table_depth.saturating_sub(1),
                    "office:body" => self.in_body = false,
                    _ => {}
                }
            }
            XmlEvent::Text(text) => {
                if self.in_body && self.skip_depth == 0 && self.paragraph_depth > 0 {
                    self.paragraph.push_str(text);
                }
            }
        }
    }

    /// Advances the innermost list's counter and renders the label of its next item.
    fn next_label(&mut self, start: Option<u32>) -> Option<String> {
        let depth = self.lists.len().checked_sub(1)?;
        let styles = self.styles;
        let list = self.lists.last_mut()?;
        let level = list
            .style
            .as_deref()
            .and_then(|style| styles.level(style, depth));
        let Some(level) = level.filter(|level| level.numbered) else {
            return Some("-".to_owned());
        };
        list.counter = match start {
            Some(start) => start,
            None if list.counter == 0 => level.start,
            None => list.counter.saturating_add(1),
        };
        let number = match level.format.as_str() {
            "" => return Some("-".to_owned()),
            "a" => letter(list.counter, 'a'),
            "A" => letter(list.counter, 'A'),
            "а" => letter(list.counter, 'а'),
            "А" => letter(list.counter, 'А'),
            "i" => roman(list.counter).to_lowercase(),
            "I" => roman(list.counter),
            _ => list.counter.to_string(),
        };
        Some(format!("{}{number}{}", level.prefix, level.suffix))
    }

    fn end_paragraph(&mut self) {
        let text = std::mem::take(&mut self.paragraph);
        let text = text.trim();
        let label = if text.is_empty() {
            None
        } else {
            self.pending_label.take()
        };
        if self.table_depth > 0 {
            if !self.cell.is_empty() && !text.is_empty() {
                self.cell.push(' ');
            }
            if let Some(label) = label {
                self.cell.push_str(&label);
                self.cell.push(' ');
            }
            self.cell.push_str(text);
            return;
        }
        if text.is_empty() {
            return;
        }
        let is_line = self.in_list_item;
        if is_line && self.previous_was_line {
            self.out.line_break();
        } else {
            self.out.paragraph_break();
        }
        if let Some(label) = label {
            self.out.push_str(&label);
            self.out.push_char(' ');
        }
        self.out.push_str(text);
        self.previous_was_line = is_line;
    }

    fn end_row(&mut self) {
        let row = std::mem::take(&mut self.row);
        if row.iter().all(String::is_empty) {
            return;
        }
        if self.previous_was_line {
            self.out.line_break();
        } else {
            self.out.paragraph_break();
        }
        self.out.push_str(&row.join("\t"));
        self.previous_was_line = true;
    }
}

fn letter(value: u32, first: char) -> String {
    let index = value.saturating_sub(1) % 26;
    char::from_u32(first as u32 + index)
        .unwrap_or(first)
        .to_string()
}

fn roman(value: u32) -> String {
    const NUMERALS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    if value == 0 || value >= 4000 {
        return value.to_string();
    }
    let mut rest = value;
    let mut out = String::new();
    for (size, numeral) in NUMERALS {
        while rest >= size {
            out.push_str(numeral);
            rest -= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_tables_and_spaces() {
        let styles_xml = r#"<office:document-content><office:automatic-styles>
            <text:list-style style:name="L1">
              <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/>
              <text:list-level-style-bullet text:level="2" text:bullet-char="•"/>
            </text:list-style></office:automatic-styles>"#;
        let body = r#"<office:body><office:text>
            <text:h text:outline-level="1">Резолюция</text:h>
            <text:p>Слова<text:s text:c="2"/>через<text:tab/>пробелы<text:note><text:note-body><text:p>сноска</text:p></text:note-body></text:note></text:p>
            <text:list text:style-name="L1">
              <text:list-item><text:p>первое</text:p></text:list-item>
              <text:list-item><text:p>второе</text:p>
                <text:list><text:list-item><text:p>вложенное</text:p></text:list-item></text:list>
              </text:list-item>
            </text:list>
            <table:table><table:table-row><table:table-cell><text:p>1</text:p></table:table-cell>
              <table:table-cell><text:p>Совещание</text:p></table:table-cell></table:table-row></table:table>
            <text:p>Конец</text:p>
            </office:text></office:body></office:document-content>"#;
        let xml = format!("{styles_xml}{body}");
        let mut styles = ListStyles::default();
        styles.parse(&xml);
        let mut warnings = Vec::new();
        assert_eq!(
            content_text(&xml, &styles, &mut warnings).unwrap(),
            "Резолюция\n\nСлова  через\tпробелы\n\n1. первое\n2. второе\n- вложенное\n1\tСовещание\n\nКонец"
        );
    }
}
