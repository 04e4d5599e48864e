//! Word 2007+ (`.docx`): the main document part of the ZIP, paragraph by paragraph.
//!
//! Paragraphs become paragraphs, numbered paragraphs (`w:numPr`, directly or through their style)
//! become lines prefixed with their rendered number («1.», «1.2.», «а)», «-» for bullets), table
//! rows become lines with cells separated by tabs. Deleted revisions, field codes, and the
//! fallback copy of alternate content (which repeats the text box it stands for) are skipped;
//! headers, footers, footnotes and comments are not read.

use std::collections::HashMap;

use crate::layout::TextBuilder;
use crate::xml::{XmlEvent, attribute, decode, walk};
use crate::zip_container::Container;
use crate::{ExtractError, Format, Limits, Raw};

const FORMAT: Format = Format::Docx;

pub(crate) fn extract(bytes: &[u8], limits: &Limits) -> Result<Raw, ExtractError> {
    if bytes.starts_with(&crate::doc::CFB_SIGNATURE) {
        // Office wraps password-protected DOCX in a compound file with an EncryptionInfo stream.
        return Err(if crate::doc::is_encrypted_package(bytes) {
            ExtractError::Encrypted
        } else {
            ExtractError::corrupt(FORMAT, "it is an old binary Word file; rename it to .doc")
        });
    }
    let mut container = Container::open(bytes, FORMAT, limits)?;
    let mut warnings = Vec::new();
    let main_part = main_part_name(&mut container, &mut warnings)?;
    let Some(document) = container.read(&main_part)? else {
        return Err(ExtractError::corrupt(
            FORMAT,
            format!("no main document part {main_part}"),
        ));
    };
    let mut numbering = match container.read_optional("word/numbering.xml", &mut warnings)? {
        Some(xml) => Numbering::parse(&decode(&xml)),
        None => Numbering::default(),
    };
    let styles = match container.read_optional("word/styles.xml", &mut warnings)? {
        Some(xml) => StyleNumbering::parse(&decode(&xml)),
        None => StyleNumbering::default(),
    };
    let text = document_text(&decode(&document), &mut numbering, &styles, &mut warnings)?;
    Ok(Raw {
        text,
        encoding: None,
        warnings,
    })
}

/// The main part named by the package relationships, `word/document.xml` by default.
fn main_part_name(
    container: &mut Container<'_>,
    warnings: &mut Vec<String>,
) -> Result<String, ExtractError> {
    let default = "word/document.xml".to_owned();
    let Some(relationships) = container.read_optional("_rels/.rels", warnings)? else {
        return Ok(default);
    };
    let mut target = None;
    let _ = walk(&decode(&relationships), |event| {
        if let XmlEvent::Start {
            name: "Relationship",
            element,
        } = event
            && attribute(element, "Type").is_some_and(|kind| kind.ends_with("/officeDocument"))
        {
            target = attribute(element, "Target");
        }
    });
    Ok(target
        .map(|target| target.trim_start_matches('/').to_owned())
        .filter(|target| container.contains(target))
        .unwrap_or(default))
}

/// State of the walk over `document.xml`.
struct Walker<'n> {
    out: TextBuilder,
    numbering: &'n mut Numbering,
    styles: &'n StyleNumbering,
    /// Text of the paragraph being read.
    paragraph: String,
    /// Numbering of the paragraph being read: (numId, ilvl), or a style id to look up.
    num_id: Option<String>,
    level: Option<usize>,
    style: Option<String>,
    in_paragraph_properties: bool,
    in_text: bool,
    /// Depth inside elements whose content is not text (deleted runs, fallback content…).
    skip_depth: usize,
    /// Nesting of tables, and the cells and row being assembled in the outermost one.
    table_depth: usize,
    cell: String,
    row: Vec<String>,
    /// What the last block written was, to choose the break before the next one.
    previous: Block,
}

/// Kinds of block; consecutive list items and table rows are lines, anything else a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Paragraph,
    ListItem,
    Row,
}

fn document_text(
    xml: &str,
    numbering: &mut Numbering,
    styles: &StyleNumbering,
    warnings: &mut Vec<String>,
) -> Result<String, ExtractError> {
    let mut walker = Walker {
        out: TextBuilder::new(),
        numbering,
        styles,
        paragraph: String::new(),
        num_id: None,
        level: None,
        style: None,
        in_paragraph_properties: false,
        in_text: false,
        skip_depth: 0,
        table_depth: 0,
        cell: String::new(),
        row: Vec::new(),
        previous: Block::Paragraph,
    };
    let result = walk(xml, |event| walker.visit(event));
    if let Err(reason) = result {
        if walker.out.len() == 0 {
            return Err(ExtractError::corrupt(FORMAT, reason));
        }
        warnings.push(format!(
            "document.xml is damaged ({reason}); the text after the damage is lost"
        ));
    }
    Ok(walker.out.finish())
}

impl Walker<'_> {
    fn visit(&mut self, event: XmlEvent<'_, '_>) {
        match event {
            XmlEvent::Start { name, element } => {
                if self.skip_depth > 0
                    || matches!(
                        name,
                        "w:del"
                            | "w:instrText"
                            | "w:delInstrText"
                            | "mc:Fallback"
                            | "w:rPr"
                            | "w:sectPr"
                    )
                {
                    self.skip_depth += 1;
                    return;
                }
                match name {
                    "w:p" => {
                        self.paragraph.clear();
                        self.num_id = None;
                        self.level = None;
                        self.style = None;
                    }
                    "w:pPr" => self.in_paragraph_properties = true,
                    "w:pStyle" if self.in_paragraph_properties => {
                        self.style = attribute(element, "w:val")
                    }
                    "w:numId" if self.in_paragraph_properties => {
                        self.num_id = attribute(element, "w:val")
                    }
                    "w:ilvl" if self.in_paragraph_properties => {
                        self.level =
                            attribute(element, "w:val").and_then(|level| level.parse().ok())
                    }
                    "w:t" => self.in_text = true,
                    "w:tab" | "w:ptab" if !self.in_paragraph_properties => {
                        self.paragraph.push('\t')
                    }
                    "w:br" | "w:cr" => self.paragraph.push('\n'),
                    "w:noBreakHyphen" => self.paragraph.push('-'),
                    "w:tbl" => self.table_depth += 1,
                    _ => {}
                }
            }
            XmlEvent::End { name } => {
                if self.skip_depth > 0 {
                    self.skip_depth -= 1;
                    return;
                }
                match name {
                    "w:t" => self.in_text = false,
                    "w:pPr" => self.in_paragraph_properties = false,
                    "w:p" => self.end_paragraph(),
                    "w:tc" if self.table_depth == 1 => {
                        self.row
                            .push(std::mem::take(&mut self.cell).trim().to_owned());
                    }
                    "w:tr" if self.table_depth == 1 => self.end_row(),
                    "w:tbl" => self.table_depth = self.table_depth.saturating_sub(1),
                    _ => {}
                }
            }
            XmlEvent::Text(text) => {
                if self.in_text && self.skip_depth == 0 {
                    self.paragraph.push_str(text);
                }
            }
        }
    }

    fn end_paragraph(&mut self) {
        let label = self.label();
        let text = std::mem::take(&mut self.paragraph);
        let text = text.trim();
        if self.table_depth > 0 {
            if !self.cell.is_empty() && !text.is_empty() {
                self.cell.push(' ');
            }
            if let Some(label) = label.filter(|_| !text.is_empty()) {
                self.cell.push_str(&label);
                self.cell.push(' ');
            }
            self.cell.push_str(text);
            return;
        }
        if text.is_empty() {
            return;
        }
        let block = if label.is_some() {
            Block::ListItem
        } else {
            Block::Paragraph
        };
        self.start_block(block);
        if let Some(label) = label {
            self.out.push_str(&label);
            self.out.push_char(' ');
        }
        self.out.push_str(text);
    }

    fn start_block(&mut self, block: Block) {
        if block != Block::Paragraph && block == self.previous {
            self.out.line_break();
        } else {
            self.out.paragraph_break();
        }
        self.previous = block;
    }

    fn end_row(&mut self) {
        let row = std::mem::take(&mut self.row);
        if row.iter().all(String::is_empty) {
            return;
        }
        self.start_block(Block::Row);
        self.out.push_str(&row.join("\t"));
    }

    /// The rendered number of the current paragraph, if it is numbered.
    fn label(&mut self) -> Option<String> {
        let (num_id, level) = match &self.num_id {
            Some(num_id) => (num_id.clone(), self.level.unwrap_or(0)),
            None => {
                let (num_id, level) = self.styles.numbering_of(self.style.as_deref()?)?;
                (num_id.to_owned(), self.level.unwrap_or(level))
            }
        };
        // numId 0 explicitly removes numbering.
        if num_id == "0" {
            return None;
        }
        self.numbering.next_label(&num_id, level.min(8))
    }
}

/// One level of a list definition.
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// `numbering.xml`: list definitions and the running counters of each list.
#[derive(Debug, Default)]
struct Numbering {
    /// abstractNumId → levels.
    abstract_levels: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides by level).
    instances: HashMap<String, (String, HashMap<usize, u32>)>,
    counters: HashMap<String, [Option<u32>; 9]>,
}

impl Numbering {
    fn parse(xml: &str) -> Self {
        let mut numbering = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut level: Option<(usize, Level)> = None;
        let mut num: Option<(String, String, HashMap<usize, u32>)> = None;
        let mut override_level: Option<usize> = None;
        let _ = walk(xml, |event| match event {
            XmlEvent::Start { name, element } => match name {
                "w:abstractNum" => abstract_id = attribute(element, "w:abstractNumId"),
                "w:lvl" if abstract_id.is_some() => {
                    let index = attribute(element, "w:ilvl")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    level = Some((
                        index,
                        Level {
                            start: 1,
                            ..Level::default()
                        },
                    ));
                }
                "w:start" => {
                    if let (Some((_, level)), Some(start)) = (
                        level.as_mut(),
                        attribute(element, "w:val").and_then(|v| v.parse().ok()),
                    ) {
                        level.start = start;
                    }
                }
                "w:numFmt" => {
                    if let (Some((_, level)), Some(format)) =
                        (level.as_mut(), attribute(element, "w:val"))
                    {
                        level.format = format;
                    }
                }
                "w:lvlText" => {
                    if let (Some((_, level)), Some(text)) =
                        (level.as_mut(), attribute(element, "w:val"))
                    {
                        level.text = text;
                    }
                }
                "w:num" => {
                    num =
                        attribute(element, "w:numId").map(|id| (id, String::new(), HashMap::new()));
                }
                "w:abstractNumId" => {
                    if let (Some(num), Some(id)) = (num.as_mut(), attribute(element, "w:val")) {
                        num.1 = id;
                    }
                }
                "w:lvlOverride" => {
                    override_level = attribute(element, "w:ilvl").and_then(|v| v.parse().ok());
                }
                "w:startOverride" => {
                    if let (Some(num), Some(level), Some(start)) = (
                        num.as_mut(),
                        override_level,
                        attribute(element, "w:val").and_then(|v| v.parse().ok()),
                    ) {
                        num.2.insert(level, start);
                    }
                }
                _ => {}
            },
            XmlEvent::End { name } => match name {
                "w:lvl" => {
                    if let (Some(id), Some((index, parsed))) = (abstract_id.as_ref(), level.take())
                        && index < 9
                    {
                        let levels = numbering.abstract_levels.entry(id.clone()).or_default();
                        if levels.len() <= index {
                            levels.resize(index + 1, Level::default());
                        }
                        levels[index] = parsed;
                    }
                }
                "w:abstractNum" => abstract_id = None,
                "w:num" => {
                    if let Some((id, abstract_id, overrides)) = num.take() {
                        numbering.instances.insert(id, (abstract_id, overrides));
                    }
                }
                _ => {}
            },
            XmlEvent::Text(_) => {}
        });
        numbering
    }

    fn level(&self, num_id: &str, level: usize) -> Option<(Level, Option<u32>)> {
        let (abstract_id, overrides) = self.instances.get(num_id)?;
        let definition = self.abstract_levels.get(abstract_id)?.get(level)?.clone();
        Some((definition, overrides.get(&level).copied()))
    }

    /// Advances the counter of `level` in list `num_id` and renders its label.
    fn next_label(&mut self, num_id: &str, level: usize) -> Option<String> {
        let (definition, start_override) = self.level(num_id, level)?;
        match definition.format.as_str() {
            "none" => return None,
            "bullet" => return Some("-".to_owned()),
            _ => {}
        }
        let start = start_override.unwrap_or(definition.start);
        let counters = self.counters.entry(num_id.to_owned()).or_insert([None; 9]);
        counters[level] = Some(counters[level].map_or(start, |count| count.saturating_add(1)));
        for deeper in counters.iter_mut().skip(level + 1) {
            *deeper = None;
        }
        let counters = *counters;
        let mut label = String::new();
        let mut chars = definition.text.chars().peekable();
        while let Some(ch) = chars.next() {
            match (ch, chars.peek().and_then(|digit| digit.to_digit(10))) {
                ('%', Some(digit @ 1..=9)) => {
                    chars.next();
                    let referenced = digit as usize - 1;
                    let (referenced_definition, _) = self
                        .level(num_id, referenced)
                        .unwrap_or((definition.clone(), None));
                    let value = counters[referenced].unwrap_or(referenced_definition.start);
                    let format = if referenced_definition.format.is_empty() {
                        "decimal"
                    } else {
                        referenced_definition.format.as_str()
                    };
                    label.push_str(&format_number(value, format));
                }
                _ => label.push(ch),
            }
        }
        let label = label.trim().to_owned();
        (!label.is_empty()).then_some(label)
    }
}

/// Renders a list counter in one of Word's number formats.
fn format_number(value: u32, format: &str) -> String {
    match format {
        "lowerLetter" => letters(value, 'a', 26),
        "upperLetter" => letters(value, 'A', 26),
        "russianLower" => cyrillic_letter(value, false),
        "russianUpper" => cyrillic_letter(value, true),
        "lowerRoman" => roman(value).to_lowercase(),
        "upperRoman" => roman(value),
        "decimalZero" => format!("{value:02}"),
        _ => value.to_string(),
    }
}

fn letters(value: u32, first: char, count: u32) -> String {
    if value == 0 {
        return "0".to_owned();
    }
    let index = (value - 1) % count;
    let repeat = (value - 1) / count + 1;
    let letter = char::from_u32(first as u32 + index).unwrap_or(first);
    std::iter::repeat_n(letter, repeat.min(10) as usize).collect()
}

/// Word's Russian list letters: а б в … я without ё, й, ъ, ы, ь.
fn cyrillic_letter(value: u32, upper: bool) -> String {
    const LETTERS: &str = "абвгдежзиклмнопрстуфхцчшщэюя";
    let letters: Vec<char> = LETTERS.chars().collect();
    if value == 0 {
        return "0".to_owned();
    }
    let index = ((value - 1) % letters.len() as u32) as usize;
    let letter = letters[index];
    if upper {
        letter.to_uppercase().collect()
    } else {
        letter.to_string()
    }
}

fn roman(mut value: u32) -> String {
    if value == 0 || value >= 4000 {
        return value.to_string();
    }
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
    let mut out = String::new();
    for (size, numeral) in NUMERALS {
        while value >= size {
            out.push_str(numeral);
            value -= size;
        }
    }
    out
}

/// What one style says about numbering.
#[derive(Debug, Default)]
struct StyleEntry {
    /// (numId, ilvl) declared by the style itself.
    numbering: Option<(String, usize)>,
    /// The style it is based on.
    parent: Option<String>,
}

/// A style while it is being parsed.
#[derive(Debug, Default)]
struct PartialStyle {
    id: String,
    num_id: Option<String>,
    level: Option<usize>,
    parent: Option<String>,
}

/// Numbering that paragraph styles carry (`List Number` and the like), following `basedOn`.
#[derive(Debug, Default)]
struct StyleNumbering {
    /// styleId → what it declares.
    styles: HashMap<String, StyleEntry>,
}

impl StyleNumbering {
    fn parse(xml: &str) -> Self {
        let mut parsed = StyleNumbering::default();
        let mut current: Option<PartialStyle> = None;
        let _ = walk(xml, |event| match event {
            XmlEvent::Start { name, element } => match (name, current.as_mut()) {
                ("w:style", _) => {
                    current = attribute(element, "w:styleId").map(|id| PartialStyle {
                        id,
                        ..PartialStyle::default()
                    })
                }
                ("w:numId", Some(style)) => style.num_id = attribute(element, "w:val"),
                ("w:ilvl", Some(style)) => {
                    style.level = attribute(element, "w:val").and_then(|v| v.parse().ok())
                }
                ("w:basedOn", Some(style)) => style.parent = attribute(element, "w:val"),
                _ => {}
            },
            XmlEvent::End { name: "w:style" } => {
                if let Some(style) = current.take() {
                    let numbering = style
                        .num_id
                        .map(|num_id| (num_id, style.level.unwrap_or(0)));
                    let entry = StyleEntry {
                        numbering,
                        parent: style.parent,
                    };
                    parsed.styles.insert(style.id, entry);
                }
            }
            _ => {}
        });
        parsed
    }

    fn numbering_of(&self, style: &str) -> Option<(&str, usize)> {
        let mut current = style;
        // basedOn chains are short; the bound only guards against cycles.
        for _ in 0..16 {
            let entry = self.styles.get(current)?;
            if let Some((num_id, level)) = &entry.numbering {
                return Some((num_id, *level));
            }
            current = entry.parent.as_deref()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBERING: &str = r#"<w:numbering xmlns:w="w">
      <w:abstractNum w:abstractNumId="5">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="russianLower"/><w:lvlText w:val="%2)"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%3."/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="6">
        <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="5"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="6"/></w:num>
    </w:numbering>"#;

    fn paragraph(text: &str, num: Option<(&str, usize)>) -> String {
        let properties = num
            .map(|(id, level)| {
                format!(r#"<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{id}"/></w:numPr></w:pPr>"#)
            })
            .unwrap_or_default();
        format!(
            r#"<w:p>{properties}<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
        )
    }

    fn render(body: &str) -> String {
        let mut numbering = Numbering::parse(NUMBERING);
        let xml = format!(r#"<w:document xmlns:w="w"><w:body>{body}</w:body></w:document>"#);
        let mut warnings = Vec::new();
        document_text(
            &xml,
            &mut numbering,
            &StyleNumbering::default(),
            &mut warnings,
        )
        .unwrap()
    }

    #[test]
    fn numbered_paragraphs_get_their_labels_and_become_lines() {
        let body = [
            paragraph("Рекомендовать:", None),
            paragraph("Первое", Some(("1", 0))),
            paragraph("подпункт", Some(("1", 1))),
            paragraph("ещё подпункт", Some(("1", 1))),
            paragraph("Второе", Some(("1", 0))),
            paragraph("пункт 2.1", Some(("1", 2))),
            paragraph("маркер", Some(("2", 0))),
            paragraph("Конец", None),
        ]
        .concat();
        assert_eq!(
            render(&body),
            "Рекомендовать:\n\n1. Первое\nа) подпункт\nб) ещё подпункт\n2. Второе\n2.1. пункт 2.1\n- маркер\n\nКонец"
        );
    }

    #[test]
    fn tables_become_rows_of_tab_separated_cells() {
        let cell = |text: &str| format!("<w:tc>{}</w:tc>", paragraph(text, None));
        let body = format!(
            "{}<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>{}",
            paragraph("До", None),
            cell("№"),
            cell("Мероприятие"),
            cell("1"),
            cell("Совещание"),
            paragraph("После", None)
        );
        assert_eq!(render(&body), "До\n\n№\tМероприятие\n1\tСовещание\n\nПосле");
    }

    #[test]
    fn deleted_text_field_codes_and_fallbacks_are_skipped() {
        let body = r#"<w:p><w:r><w:t>видно</w:t></w:r><w:del><w:r><w:delText>удалено</w:delText></w:r></w:del>
            <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>
            <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t> 7</w:t></w:r>
            <mc:AlternateContent><mc:Choice><w:t> врезка</w:t></mc:Choice><mc:Fallback><w:t> врезка</w:t></mc:Fallback></mc:AlternateContent>
            <w:r><w:tab/><w:t>после&amp;табуляции</w:t><w:br/><w:t>строка</w:t></w:r></w:p>"#;
        assert_eq!(render(body), "видно 7 врезка\tпосле&табуляции\nстрока");
    }

    #[test]
    fn numbering_can_come_from_the_paragraph_style() {
        let styles = StyleNumbering::parse(
            r#"<w:styles><w:style w:styleId="ListNumber"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
            <w:style w:styleId="MyList"><w:basedOn w:val="ListNumber"/></w:style></w:styles>"#,
        );
        let mut numbering = Numbering::parse(NUMBERING);
        let styled = |text: &str| {
            format!(
                r#"<w:p><w:pPr><w:pStyle w:val="MyList"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
            )
        };
        let xml = format!(
            "<w:document><w:body>{}{}</w:body></w:document>",
            styled("Первое"),
            styled("Второе")
        );
        let mut warnings = Vec::new();
        let text = document_text(&xml, &mut numbering, &styles, &mut warnings).unwrap();
        assert_eq!(text, "1. Первое\n2. Второе");
    }

    #[test]
    fn number_formats() {
        assert_eq!(format_number(4, "upperRoman"), "IV");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
        assert_eq!(format_number(7, "russianUpper"), "Ж");
        assert_eq!(format_number(3, "decimalZero"), "03");
    }
}
