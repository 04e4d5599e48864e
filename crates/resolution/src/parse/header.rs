//! The title block: title, event name and kind, and where the body starts.

use std::sync::LazyLock;

use regex::Regex;

use super::clean::Line;
use super::dates::is_date_line;
use crate::EventKind;

/// How far down a file the «Резолюция …» heading may stand (page debris, approvals above it).
const TITLE_SEARCH_LINES: usize = 15;
/// A title continuation line is never longer than this (longer lines are body paragraphs).
const MAX_TITLE_LINE_CHARS: usize = 400;

/// Where the title block lies among the cleaned lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TitleBlock {
    /// The title, one line, shouted capitals tamed.
    pub title: String,
    /// Index of the first body line (everything before is the header).
    pub body_start: usize,
}

/// A standalone venue line such as «г. Краснодар» or «город Мегион».
pub(crate) static PLACE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:г\.|город|пос\.|п\.|пгт|с\.|ст\.|станица|село)\s*[А-ЯЁ][А-Яа-яЁё-]+(?:\s+[А-ЯЁ][А-Яа-яЁё-]+)?\.?$")
        .expect("place line pattern is valid")
});

/// A Roman numeral as the first word («I научно-практической конференции»).
static ROMAN_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[IVXLС]{1,6}\s").expect("roman pattern is valid"));

/// Finds the title block.
pub(crate) fn title_block(lines: &[Line]) -> TitleBlock {
    let heading = lines
        .iter()
        .take(TITLE_SEARCH_LINES)
        .position(|line| starts_with_heading_word(&line.text));
    let Some(first) = heading else {
        let Some(line) = lines.first() else {
            return TitleBlock {
                title: String::new(),
                body_start: 0,
            };
        };
        // A first line that is a paragraph rather than a heading, or the only line, stays in
        // the body, and its first sentence names the document.
        let running_text = paragraph_first_sentence_end(&line.text)
            .or_else(|| (lines.len() == 1).then_some(line.text.len()));
        if let Some(sentence_end) = running_text {
            return TitleBlock {
                title: truncate_chars(&line.text[..sentence_end], MAX_TITLE_LINE_CHARS),
                body_start: 0,
            };
        }
        return TitleBlock {
            title: truncate_chars(&tame_caps(&line.text), MAX_TITLE_LINE_CHARS),
            body_start: 1,
        };
    };
    let mut end = first + 1;
    while let Some(line) = lines.get(end) {
        if !continues_title(&line.text) {
            break;
        }
        end += 1;
    }
    let title = lines[first..end]
        .iter()
        .map(|line| line.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    // A venue line and a date line right under the title belong to the header, not the body.
    let mut body_start = end;
    while let Some(line) = lines.get(body_start) {
        if PLACE_LINE.is_match(&line.text) || is_date_line(&line.text) {
            body_start += 1;
        } else {
            break;
        }
    }
    TitleBlock {
        title: tame_caps(&title),
        body_start,
    }
}

/// Where the first sentence of a line ends, when the line is a paragraph of running text — two
/// sentences or more, or longer than a title line — rather than a heading; `None` for a heading.
/// A sentence ends at `.`, `!`, `?` or `…` after a word of three letters or more, before a
/// capital or a quote («г. Мегион», «им. А. С. Пушкина» do not end one).
fn paragraph_first_sentence_end(line: &str) -> Option<usize> {
    static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\p{L}{3}[.!?…]\s+[\p{Lu}«\x22(]").expect("sentence end pattern is valid")
    });
    let end = SENTENCE_END.find(line).map(|found| {
        let text = found.as_str();
        let stop = text
            .char_indices()
            .find(|(_, c)| matches!(c, '.' | '!' | '?' | '…'))
            .map_or(text.len(), |(at, c)| at + c.len_utf8());
        found.start() + stop
    });
    match end {
        Some(end) => Some(end),
        None if line.chars().count() > MAX_TITLE_LINE_CHARS => Some(line.len()),
        None => None,
    }
}

/// Whether a line starts with «резолюци» in any letter case.
fn starts_with_heading_word(line: &str) -> bool {
    const HEADING: &str = "резолюци";
    // Lowercasing goes character by character (each gives one or more), so as many characters
    // as the word has decide; only a Greek Σ looks further, and it is no Russian letter anyway.
    let start = line
        .char_indices()
        .nth(HEADING.chars().count())
        .map_or(line, |(end, _)| &line[..end]);
    edusearch_russian::lowercase(start).starts_with(HEADING)
}

fn continues_title(line: &str) -> bool {
    if line.chars().count() > MAX_TITLE_LINE_CHARS
        || PLACE_LINE.is_match(line)
        || is_date_line(line)
    {
        return false;
    }
    let Some(first) = line.chars().next() else {
        return false;
    };
    first.is_lowercase() || matches!(first, '«' | '"' | '„') || ROMAN_START.is_match(line)
}

/// Rewrites a shouted heading word («РЕЗОЛЮЦИЯ») in ordinary case; abbreviations stay.
fn tame_caps(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, word) in text.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let shouted = letters >= 6 && word.chars().all(|c| !c.is_lowercase());
        if !shouted {
            out.push_str(word);
            continue;
        }
        let lowered = word.to_lowercase();
        if index == 0 {
            let mut chars = lowered.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(&lowered);
        }
    }
    out
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_string(),
    }
}

/// The «…» name of the event: from the title, else from «по теме «…»» early in the body.
pub(crate) fn event_name(title: &str, body: &str) -> Option<String> {
    if let Some(start) = title.find('«') {
        return quoted_from(&title[start..]);
    }
    static THEME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:по\s+теме|на\s+тему|тема(?:\s+\w+)?)\s*:?\s*«")
            .expect("theme pattern is valid")
    });
    let found = THEME.find(body)?;
    quoted_from(&body[found.end() - '«'.len_utf8()..])
}

/// The quotation starting at the first character of `text` (a `«`), nested quotes kept.
///
/// Russian typography often merges the closing marks of nested quotes («… «Точка роста»,):
/// an inner quote that closes right before punctuation or the end of the line closes the outer
/// one too, and the missing marks are restored.
pub(crate) fn quoted_from(text: &str) -> Option<String> {
    debug_assert!(text.starts_with('«'));
    let mut depth = 0usize;
    for (offset, ch) in text.char_indices() {
        match ch {
            '«' => depth += 1,
            '»' => {
                depth -= 1;
                let end = offset + ch.len_utf8();
                if depth == 0 {
                    return Some(text[..end].to_string());
                }
                let next = text[end..].chars().next();
                if next.is_none_or(|c| matches!(c, ',' | '.' | ';' | ':' | '\n')) {
                    let mut quoted = text[..end].to_string();
                    quoted.extend(std::iter::repeat_n('»', depth));
                    return Some(quoted);
                }
            }
            '\n' => break,
            _ => {}
        }
    }
    None
}

/// The kind of event: the kind word that comes first in the title, else in the opening text.
pub(crate) fn event_kind(title: &str, opening: &str) -> Option<EventKind> {
    kind_in(&title.to_lowercase()).or_else(|| kind_in(&opening.to_lowercase()))
}

fn kind_in(lowered: &str) -> Option<EventKind> {
    static PATTERNS: LazyLock<Vec<(EventKind, Regex)>> = LazyLock::new(|| {
        [
            (
                EventKind::TeachersCouncil,
                r"педсовет|педагогическ\w* совет",
            ),
            (EventKind::RoundTable, r"кругл\w* стол"),
            (
                EventKind::MethodicalAssociation,
                r"методическ\w* объединени",
            ),
            (EventKind::Conference, r"конференци"),
            (EventKind::Meeting, r"совещани"),
            (EventKind::Congress, r"съезд"),
            (EventKind::Forum, r"форум"),
            (EventKind::Seminar, r"семинар"),
        ]
        .into_iter()
        .map(|(kind, pattern)| (kind, Regex::new(pattern).expect("kind pattern is valid")))
        .collect()
    });
    PATTERNS
        .iter()
        .filter_map(|(kind, pattern)| pattern.find(lowered).map(|found| (found.start(), *kind)))
        .min_by_key(|(position, _)| *position)
        .map(|(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_quotes_are_kept_and_completed() {
        let title = "Резолюция конференции «Внедрение новых форм работы в Центрах «Точка роста», организованной в рамках совещания";
        assert_eq!(
            event_name(title, "").as_deref(),
            Some("«Внедрение новых форм работы в Центрах «Точка роста»»")
        );
        assert_eq!(
            quoted_from("«Проект «Школа» для всех» и др.").as_deref(),
            Some("«Проект «Школа» для всех»")
        );
        assert_eq!(quoted_from("«без конца"), None);
    }

    #[test]
    fn event_name_comes_from_the_theme_when_the_title_has_none() {
        let body = "состоялось совещание по теме: «Образовательная экосистема: курс на индивидуализацию». Далее";
        assert_eq!(
            event_name("Резолюция городского совещания", body).as_deref(),
            Some("«Образовательная экосистема: курс на индивидуализацию»")
        );
    }

    #[test]
    fn first_kind_word_in_the_title_wins() {
        assert_eq!(
            event_kind("Резолюция конференции в рамках августовского совещания", ""),
            Some(EventKind::Conference)
        );
        assert_eq!(
            event_kind("Резолюция августовского совещания", ""),
            Some(EventKind::Meeting)
        );
        assert_eq!(
            event_kind("Решение педагогического совета школы", ""),
            Some(EventKind::TeachersCouncil)
        );
        assert_eq!(
            event_kind("Итоги", "Прошёл круглый стол"),
            Some(EventKind::RoundTable)
        );
    }

    #[test]
    fn heading_word_in_any_case() {
        for line in [
            "Резолюция",
            "РЕЗОЛЮЦИЯ августовского совещания",
            "резолюции конференции",
            "Резолюци",
            "Резолюц",
            "О резолюции",
            "",
            "İРезолюция",
            "ΣРЕЗОЛЮЦИЯ",
        ] {
            assert_eq!(
                starts_with_heading_word(line),
                line.to_lowercase().starts_with("резолюци"),
                "{line:?}"
            );
        }
    }

    #[test]
    fn shouted_heading_is_tamed_but_abbreviations_stay() {
        assert_eq!(
            tame_caps("РЕЗОЛЮЦИЯ конференции ГБОУ ИРО"),
            "Резолюция конференции ГБОУ ИРО"
        );
    }
}
