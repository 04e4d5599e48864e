//! From raw bytes to clean lines: decoding, page debris, lines broken mid-sentence.

use std::sync::LazyLock;

use regex::Regex;

use crate::ParseError;

/// Share of control characters above which a file is taken for binary.
const MAX_CONTROL_SHARE: f64 = 0.05;

/// Decodes file bytes as UTF-8 text (a leading BOM is dropped).
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, ParseError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    if bytes.contains(&0) {
        return Err(ParseError::Binary);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let offset = error.valid_up_to();
        // Lots of invalid UTF-8 plus control bytes is a binary file rather than a mis-encoded text.
        if control_share(&bytes[..offset.min(4096)]) > MAX_CONTROL_SHARE {
            ParseError::Binary
        } else {
            ParseError::NotUtf8 { offset }
        }
    })?;
    if control_share(text.as_bytes()) > MAX_CONTROL_SHARE {
        return Err(ParseError::Binary);
    }
    Ok(text)
}

fn control_share(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    controls as f64 / bytes.len() as f64
}

/// One line of cleaned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// The text, white space collapsed and trimmed.
    pub text: String,
    /// Whether a blank line (paragraph break) stood before it.
    pub paragraph_start: bool,
}

/// Standalone lines that web pages add around a document.
static DEBRIS_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            \d{1,2}:\d{2}(?::\d{2})?                                  # time of posting
          | (?:всего\s+)?комментари[йяев]*\s*:?\s*\d*                  # comment counters
          | (?:добавить|оставить|написать)\s+комментарий
          | подписаться | отписаться | rss | rss-лента | поделиться | печать
          | версия\s+для\s+печати | распечатать | вернуться(?:\s+назад)? | назад | наверх
          | просмотров\s*:?\s*\d+ | просмотры\s*:?\s*\d+ | \d+\s+просмотр\w*
          | теги\s*:.* | метки\s*:.* | категория\s*:.* | рубрика\s*:.*
          | (?:дата\s+)?(?:публикации|опубликовано|добавлено|размещено)\s*:?.{0,40}
          | нравится | мне\s+нравится | твитнуть | vk | вконтакте | telegram | ok
          | главная(?:\s*[/>»›].*)?
        )$",
    )
    .expect("debris pattern is valid")
});

/// Table-cell and separator marks that page exports leave at line ends («… году. |»).
fn strip_cell_marks(line: &str) -> &str {
    line.trim_end_matches(|c: char| c == '|' || c.is_whitespace())
        .trim_start_matches(|c: char| c == '|' || c.is_whitespace())
}

/// Collapses runs of white space (tabs, no-break spaces) into single spaces and trims.
pub(crate) fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let is_space = |c: char| match c {
        // Russian letters first: they make most of the text and need no Unicode table.
        'А'..='я' | 'Ё' | 'ё' => false,
        _ => c.is_whitespace() || c == '\u{200b}',
    };
    for word in text.split(is_space) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether a line is page debris rather than document text.
pub(crate) fn is_debris(line: &str) -> bool {
    if line.is_empty() {
        return false;
    }
    if !line.chars().any(char::is_alphanumeric) {
        return true;
    }
    DEBRIS_LINE.is_match(line)
}

/// Splits text into cleaned lines: debris dropped, white space collapsed, paragraph breaks kept.
pub(crate) fn clean_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut paragraph_start = true;
    for raw in text.lines() {
        let collapsed = collapse_spaces(raw);
        let stripped = strip_cell_marks(&collapsed);
        if stripped.is_empty() {
            paragraph_start = true;
            continue;
        }
        if is_debris(stripped) {
            paragraph_start = true;
            continue;
        }
        lines.push(Line {
            text: stripped.to_string(),
            paragraph_start,
        });
        paragraph_start = false;
    }
    lines
}

/// Whether a line starts a list item: a bullet or a number («1.», «2)»).
pub(crate) fn starts_list_item(line: &str) -> bool {
    LIST_MARK.is_match(line)
}

/// A list mark at the start of a line: bullet, or number followed by `.` or `)`.
pub(crate) static LIST_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-–—•·*▪►]\s*|\d{1,3}\s*[.)]\s*)").expect("list mark pattern is valid")
});

/// Whether a line ends a sentence or a clause (so the next line is not its continuation).
fn ends_clause(line: &str) -> bool {
    line.ends_with(['.', ';', ':', '!', '?', '»', '"', ')'])
}

/// Joins lines broken mid-sentence: a line that does not end a clause, followed by one that
/// starts with a lowercase letter, is one line (across a paragraph break too, as page exports
/// and PDF conversions break paragraphs anywhere).
pub(crate) fn join_broken_lines(lines: Vec<Line>) -> Vec<Line> {
    let mut joined: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        let continues = joined.last().is_some_and(|previous: &Line| {
            let lowercase_next = || line.text.chars().next().is_some_and(char::is_lowercase);
            // A quotation left open runs on into the next line, whatever its first letter
            // («… в Центрах / «Точка роста»» wrapped by a PDF).
            let open_quote =
                || previous.text.matches('«').count() > previous.text.matches('»').count();
            // A venue or date line of its own («г. Краснодар», «18 августа 2022 г.») stays one.
            let standalone = || {
                super::header::PLACE_LINE.is_match(&line.text)
                    || super::dates::is_date_line(&line.text)
            };
            // Cheapest tests first: most lines end a clause.
            !ends_clause(&previous.text)
                && (lowercase_next() || open_quote())
                && !starts_list_item(&line.text)
                && !standalone()
        });
        match joined.last_mut() {
            Some(previous) if continues => {
                previous.text.push(' ');
                previous.text.push_str(&line.text);
            }
            _ => joined.push(line),
        }
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_debris_is_dropped() {
        let text = "Резолюция совещания\n10:16\nТекст резолюции. |\n|\nВсего комментариев: 0 | |\nПодписаться\nRSS";
        let lines: Vec<_> = clean_lines(text).into_iter().map(|l| l.text).collect();
        assert_eq!(lines, ["Резолюция совещания", "Текст резолюции."]);
    }

    #[test]
    fn debris_words_inside_sentences_stay() {
        assert!(!is_debris(
            "Подписаться на рассылку методических материалов школы"
        ));
        assert!(!is_debris("10:16 — время начала пленарного заседания"));
        assert!(is_debris("Всего комментариев: 12"));
    }

    #[test]
    fn lines_broken_mid_sentence_are_joined() {
        let text = "Руководители приняли участие в 5 секциях, одна\n\nиз которых транслировалась.\n\nНовый абзац.";
        let lines = join_broken_lines(clean_lines(text));
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0].text,
            "Руководители приняли участие в 5 секциях, одна из которых транслировалась."
        );
        assert!(lines[1].paragraph_start);
    }

    #[test]
    fn an_open_quotation_continues_on_the_next_line() {
        let text = "конференции «Внедрение форм работы в\nЦентрах «Точка роста», организованной\nг. Краснодар";
        let lines: Vec<_> = join_broken_lines(clean_lines(text))
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(
            lines,
            [
                "конференции «Внедрение форм работы в Центрах «Точка роста», организованной",
                "г. Краснодар"
            ]
        );
    }

    #[test]
    fn bullets_are_not_joined_to_the_previous_line() {
        let text = "к ранней профессиональной ориентации\n- способствовать взаимодействию";
        assert_eq!(join_broken_lines(clean_lines(text)).len(), 2);
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert!(matches!(decode(b"  \n\t"), Err(ParseError::Empty)));
        assert!(matches!(
            decode(b"PK\x03\x04\x00\x01"),
            Err(ParseError::Binary)
        ));
        assert!(matches!(
            decode(b"\xcf\xf0\xe8\xe2\xe5\xf2 world"),
            Err(ParseError::NotUtf8 { offset: 0 })
        ));
        assert_eq!(decode("\u{feff}Текст".as_bytes()).unwrap(), "Текст");
    }
}
