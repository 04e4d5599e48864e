//! Recommendation items: finding the list that recommends, its addressees and its items.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::clean::{LIST_MARK, Line};
use super::dates::is_date_line;

/// An addressee heading is a short line; longer lines ending in a colon are sentences.
const MAX_HEADING_CHARS: usize = 250;

/// An item before its topics are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawItem {
    pub number: String,
    pub addressee: Option<String>,
    pub text: String,
}

/// What the item extractor found.
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    pub items: Vec<RawItem>,
    pub warnings: Vec<String>,
}

/// A phrase that introduces the recommendations («участники … рекомендуют:», «приняли решение:»).
static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
          рекоменд\w*
        | предлага\w+ | предложени[яй]\s*:
        | (?:приняли|принято|принимают)\s+решени\w*
        | \bрешили\b | \bрешение\s*:
        | постанови\w* | постановля\w*
        | счита\w+\s+необходимым
        | (?:приняли|принимают|приняла)\s+резолюци\w*",
    )
    .expect("trigger pattern is valid")
});

/// Stems one of which every [`TRIGGER`] match contains, in any letter case.
static TRIGGER_STEMS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)рекоменд|предлага|предложени|решени|решили|постанов|счита|резолюци")
        .expect("trigger stems pattern is valid")
});

/// The first [`TRIGGER`] match in a line.
///
/// The trigger pattern (Unicode `\b` on Cyrillic text) runs on the slow engines of the regex
/// crate; a line without one of [`TRIGGER_STEMS`] (a quick search) cannot match it.
fn find_trigger(text: &str) -> Option<regex::Match<'_>> {
    if TRIGGER_STEMS.is_match(text) {
        TRIGGER.find(text)
    } else {
        None
    }
}

/// The end of the list: a signature, an approval mark, a date line.
static CLOSING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:оргкомитет|участники\s+(?:конференции|совещания|форума|семинара|съезда|педсовета|круглого\s+стола)|председател|секретар|президиум|приложени|принято|одобрен|утвержден)",
    )
    .expect("closing pattern is valid")
});

/// A numbered item at the start of a line: «18.», «3)», «19.Назначить»; the item text follows.
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<number>\d{1,3})\s*[.)]\s*").expect("numbered pattern is valid")
});

/// The characters that mark a bulleted item.
const BULLETS: [char; 8] = ['-', '–', '—', '•', '·', '*', '▪', '►'];

/// A bulleted item at the start of a line; the item text follows.
static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-–—•·*▪►]\s*").expect("bullet pattern is valid"));

/// A list mark (`mark`, anchored) at the start of a line, and the item text after it: the rest
/// of the line. (Matching the rest in the pattern, `(?P<rest>.*)$`, cost a backtracking search
/// over every item; the rest must hold no line break, as `.` would not match one.)
fn after_mark<'t>(mark: &Regex, text: &'t str) -> Option<(Captures<'t>, &'t str)> {
    let captures = mark.captures(text)?;
    let rest = &text[captures.get(0)?.end()..];
    (!rest.contains('\n')).then_some((captures, rest))
}

/// A number inside running text that may start the next item: «… году. 2.Реализовать».
static INLINE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(?P<number>\d{1,3})\s*[.)]\s*(?P<next>[А-ЯЁA-Z«])")
        .expect("inline number pattern is valid")
});

/// An infinitive opening an item («Обеспечить», «Продолжить», «способствовать»).
static INFINITIVE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[А-Яа-яЁё]+(?:ть|ться|чь|чься|ти)\b").expect("infinitive pattern is valid")
});

/// Finds the recommendation items among the body lines.
pub(crate) fn extract(lines: &[Line]) -> Extracted {
    for (index, line) in lines.iter().enumerate() {
        let Some(found) = find_trigger(&line.text) else {
            continue;
        };
        // The list may start on the trigger line itself, after its colon (numbered inline).
        let after_trigger = &line.text[found.end()..];
        if let Some(colon) = after_trigger.find(':') {
            let rest = after_trigger[colon + 1..].trim();
            let inline = split_inline(rest, None);
            if inline.len() >= 2 {
                return list_from(inline, &lines[index + 1..]);
            }
        }
        let introduces = line.text.ends_with(':')
            || line.text.to_lowercase().contains("рекомендаци")
            || line.text.to_lowercase().contains("решени");
        if !introduces {
            continue;
        }
        let items = parse_list(&lines[index + 1..], Vec::new());
        if !items.is_empty() {
            return Extracted {
                items,
                warnings: Vec::new(),
            };
        }
    }
    fallback(lines)
}

/// Without an introducing phrase, the last list whose items mostly open with an infinitive.
fn fallback(lines: &[Line]) -> Extracted {
    let mut best: Vec<RawItem> = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        if !LIST_MARK.is_match(&lines[index].text) {
            index += 1;
            continue;
        }
        let items = parse_list(&lines[index..], Vec::new());
        let recommending = items
            .iter()
            .filter(|item| INFINITIVE_START.is_match(&item.text))
            .count();
        if !items.is_empty() && recommending * 2 > items.len() {
            best = items;
        }
        index += 1;
        while lines
            .get(index)
            .is_some_and(|line| LIST_MARK.is_match(&line.text))
        {
            index += 1;
        }
    }
    let mut warnings = Vec::new();
    if best.is_empty() {
        warnings.push(
            "no recommendation list found; the resolution is indexed as a whole document"
                .to_string(),
        );
    } else {
        warnings.push(
            "recommendations found without an introducing phrase («рекомендуют:»); check the items"
                .to_string(),
        );
    }
    Extracted {
        items: best,
        warnings,
    }
}

fn list_from(first: Vec<(String, String)>, following: &[Line]) -> Extracted {
    let seeded = first
        .into_iter()
        .map(|(number, text)| RawItem {
            number,
            addressee: None,
            text,
        })
        .collect();
    Extracted {
        items: parse_list(following, seeded),
        warnings: Vec::new(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Numbered,
    Bulleted,
}

/// Reads a list of items from the lines that follow its introduction.
fn parse_list(lines: &[Line], mut items: Vec<RawItem>) -> Vec<RawItem> {
    let mut addressee: Option<String> = None;
    let mut style = (!items.is_empty()).then_some(Style::Numbered);
    let mut pending_heading: Option<String> = None;
    for (index, line) in lines.iter().enumerate() {
        let owned;
        let text = match pending_heading.take() {
            Some(start) => {
                owned = format!("{start} {}", line.text);
                owned.as_str()
            }
            None => line.text.as_str(),
        };
        if CLOSING.is_match(text) && text.chars().count() < 120 || is_date_line(text) {
            break;
        }
        // The patterns start with a digit or a bullet: most lines are told apart by that.
        let first = text.chars().next();
        if first.is_some_and(char::is_numeric)
            && let Some((captures, rest)) = after_mark(&NUMBERED, text)
        {
            let number = captures["number"].to_string();
            let next = number.parse::<u32>().ok().map(|n| n + 1);
            for (number, text) in split_inline(rest, next).into_iter().enumerate().map(
                |(offset, (inline_number, text))| {
                    if offset == 0 {
                        (number.clone(), text)
                    } else {
                        (inline_number, text)
                    }
                },
            ) {
                items.push(RawItem {
                    number,
                    addressee: addressee.clone(),
                    text,
                });
            }
            style = Some(Style::Numbered);
            continue;
        }
        if first.is_some_and(|c| BULLETS.contains(&c))
            && let Some((_, rest)) = after_mark(&BULLET, text)
        {
            let position = items.len() + 1;
            items.push(RawItem {
                number: position.to_string(),
                addressee: addressee.clone(),
                text: rest.to_string(),
            });
            style = Some(Style::Bulleted);
            continue;
        }
        if is_heading(text) {
            addressee = Some(text.trim_end_matches(':').trim().to_string());
            continue;
        }
        // A heading broken over two lines («… ГБОУ ИРО / Краснодарского края:»).
        if let Some(next) = lines.get(index + 1)
            && !LIST_MARK.is_match(&next.text)
            && is_heading(&format!("{text} {}", next.text))
            && !text.ends_with(['.', ';'])
        {
            pending_heading = Some(text.to_string());
            continue;
        }
        // A plain paragraph: the continuation of a numbered item, else the end of the list.
        let continues = match (style, items.last_mut()) {
            (Some(Style::Numbered), Some(last)) => Some(last),
            (Some(Style::Bulleted), Some(last))
                if text.chars().next().is_some_and(char::is_lowercase) =>
            {
                Some(last)
            }
            _ => None,
        };
        match continues {
            Some(last) => {
                last.text.push('\n');
                last.text.push_str(text);
            }
            None => break,
        }
    }
    items.retain(|item| !item.text.trim().is_empty());
    items
}

/// An addressee heading: a short line ending with a colon («Управлению образования:»).
fn is_heading(text: &str) -> bool {
    text.ends_with(':')
        && text.chars().count() <= MAX_HEADING_CHARS
        && text.chars().next().is_some_and(char::is_uppercase)
        && find_trigger(text).is_none()
}

/// Splits running text into items numbered in sequence («1.Обеспечить … 2.Реализовать …»).
///
/// With `expected` set, the text is the rest of item `expected - 1` and only numbers from
/// `expected` on split it; otherwise the text must open with «1.».
fn split_inline(text: &str, expected: Option<u32>) -> Vec<(String, String)> {
    let mut starts: Vec<(usize, usize, u32)> = Vec::new();
    let mut next = expected.unwrap_or(1);
    for captures in INLINE_NUMBER.captures_iter(text) {
        let number_match = captures.name("number").expect("group exists");
        let Ok(number) = number_match.as_str().parse::<u32>() else {
            continue;
        };
        if number != next {
            continue;
        }
        if starts.is_empty() && expected.is_none() && number_match.start() != 0 {
            return Vec::new();
        }
        let body_start = captures.name("next").expect("group exists").start();
        starts.push((number_match.start(), body_start, number));
        next += 1;
    }
    if expected.is_some() {
        let first_end = starts.first().map_or(text.len(), |(start, _, _)| *start);
        let mut pieces = vec![(String::new(), text[..first_end].trim().to_string())];
        pieces.extend(pieces_from(text, &starts));
        return pieces;
    }
    pieces_from(text, &starts)
}

fn pieces_from(text: &str, starts: &[(usize, usize, u32)]) -> Vec<(String, String)> {
    starts
        .iter()
        .enumerate()
        .map(|(index, &(_, body_start, number))| {
            let end = starts
                .get(index + 1)
                .map_or(text.len(), |(next_start, _, _)| *next_start);
            (number.to_string(), text[body_start..end].trim().to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line> {
        super::super::clean::join_broken_lines(super::super::clean::clean_lines(text))
    }

    #[test]
    fn the_trigger_check_finds_what_the_trigger_finds() {
        for text in [
            "Участники конференции РЕКОМЕНДУЮТ:",
            "Приняли Решение:",
            "решили",
            "Считаем необходимым",
            "ПОСТАНОВЛЯЕТ",
            "приняли резолюцию",
            "предложения:",
            "рекᲂмендуют",
            "Обеспечить участие.",
            "",
        ] {
            assert_eq!(
                find_trigger(text).map(|m| m.range()),
                TRIGGER.find(text).map(|m| m.range()),
                "{text:?}"
            );
        }
    }

    /// The list marks as whole-line patterns, as they were before [`after_mark`].
    fn reference_mark(pattern: &str, text: &str) -> Option<(Option<String>, String)> {
        let whole = Regex::new(&format!("{pattern}(?P<rest>.*)$")).unwrap();
        let captures = whole.captures(text)?;
        Some((
            captures.name("number").map(|m| m.as_str().to_string()),
            captures["rest"].to_string(),
        ))
    }

    proptest::proptest! {
        #[test]
        fn list_marks_split_as_whole_line_patterns(
            text in r"([0-9]{1,4}|[.)]|[-–—•]|\s|\n| |[а-яА-Я]{1,5}|٣){0,12}"
        ) {
            for (mark, pattern) in [
                (&*NUMBERED, r"^(?P<number>\d{1,3})\s*[.)]\s*"),
                (&*BULLET, r"^[-–—•·*▪►]\s*"),
            ] {
                let quick = after_mark(mark, &text).map(|(captures, rest)| {
                    (
                        captures.name("number").map(|m| m.as_str().to_string()),
                        rest.to_string(),
                    )
                });
                proptest::prop_assert_eq!(quick, reference_mark(pattern, &text));
            }
        }
    }

    #[test]
    fn inline_numbering_is_split_in_sequence() {
        let pieces = split_inline(
            "1.Обеспечить в 2023-2024 учебном году реализацию. 2.Реализовать комплекс мер, 2 раза в год. 3. Содействовать.",
            None,
        );
        let numbers: Vec<_> = pieces.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(numbers, ["1", "2", "3"]);
        assert_eq!(pieces[1].1, "Реализовать комплекс мер, 2 раза в год.");
    }

    #[test]
    fn a_list_of_tasks_is_not_a_list_of_recommendations() {
        let text = "Решены следующие задачи:\n- создание условий;\n- содействие внедрению.\nВ связи с этим, участники конференции предлагают:\n- обобщить опыт;\n- провести конференцию.\n Оргкомитет конференции.";
        let found = extract(&lines(text));
        let texts: Vec<_> = found.items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, ["обобщить опыт;", "провести конференцию."]);
        assert!(found.warnings.is_empty());
    }

    #[test]
    fn addressee_headings_group_the_items() {
        let text = "по итогам работы рекомендовано:\n\nУправлению образования:\n\n1. Внести предложения.\n\nРуководителям Центров «Точка роста»:\n\n1. Выявить потребность;\n\n2. Развивать взаимодействие.\n\nУчастники конференции";
        let found = extract(&lines(text));
        assert_eq!(found.items.len(), 3);
        assert_eq!(
            found.items[0].addressee.as_deref(),
            Some("Управлению образования")
        );
        assert_eq!(
            found.items[2].addressee.as_deref(),
            Some("Руководителям Центров «Точка роста»")
        );
        assert_eq!(found.items[2].number, "2");
    }

    #[test]
    fn a_heading_broken_over_two_lines_is_one_heading() {
        let text = "рекомендовано:\nЦентру непрерывного повышения мастерства ГБОУ ИРО\nКраснодарского края:\n1. Внести предложения.";
        let found = extract(&lines(text));
        assert_eq!(found.items.len(), 1);
        assert_eq!(
            found.items[0].addressee.as_deref(),
            Some("Центру непрерывного повышения мастерства ГБОУ ИРО Краснодарского края")
        );
    }

    #[test]
    fn continuation_paragraphs_belong_to_the_numbered_item() {
        let text = "участники совещания приняли решение:\n\n9. Содействовать развитию.\n\nРасширять практику.\n\n10. Продолжить изучение.";
        let found = extract(&lines(text));
        assert_eq!(found.items.len(), 2);
        assert_eq!(
            found.items[0].text,
            "Содействовать развитию.\nРасширять практику."
        );
    }

    #[test]
    fn no_list_gives_a_warning_not_an_error() {
        let found = extract(&lines("Состоялась конференция.\n\nВсе выступили."));
        assert!(found.items.is_empty());
        assert_eq!(found.warnings.len(), 1);
    }

    #[test]
    fn infinitive_lists_are_found_without_a_trigger() {
        let text = "Итоги:\n1. Обеспечить участие.\n2. Продолжить работу.";
        let found = extract(&lines(text));
        assert_eq!(found.items.len(), 2);
        assert_eq!(found.warnings.len(), 1);
    }
}
