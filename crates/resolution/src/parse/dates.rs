//! Dates: the event date among the many dates a resolution mentions.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::EventDate;

/// Earliest and latest year taken for an event date.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// «11-12 сентября 2019 года», «27 ноября 2019 г.», «07.05.2018».
const DATE_PATTERN: &str = r"
        (?:\b(?P<from>\d{1,2})\s*[-–—]\s*)?
        \b(?P<day>\d{1,2})\s+(?P<month>январ[яь]|феврал[яь]|марта?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|августа?|сентябр[яь]|октябр[яь]|ноябр[яь]|декабр[яь])\s+(?P<year>\d{4})\b
        | \b(?P<nday>\d{1,2})\.(?P<nmonth>\d{1,2})\.(?P<nyear>\d{4})\b";

/// [`DATE_PATTERN`] anchored at the start of the haystack.
///
/// Every date begins with a digit at a word boundary, so [`date_captures`] tries this only
/// there: running the unanchored pattern over a whole body cost a quarter of the parse, since
/// Unicode `\b` on Cyrillic text keeps the regex engine off its fast paths.
static DATE_AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!("(?ix)^(?:{DATE_PATTERN})")).expect("date pattern is valid")
});

/// The matches of [`DATE_PATTERN`] in `text`, in order and without overlaps, each with the
/// offset its positions are relative to: what `captures_iter` of the unanchored pattern gives.
fn date_captures(text: &str) -> impl Iterator<Item = (usize, Captures<'_>)> {
    captures_at_numbers(text, &DATE_AT)
}

/// The matches of a pattern that begins with `\b\d`, found by trying the pattern anchored
/// (`anchored` is it with a leading `^`) only where a number starts: in order and without
/// overlaps, each with the offset its positions are relative to — what `captures_iter` of the
/// unanchored pattern gives, without running it over the whole text.
pub(crate) fn captures_at_numbers<'t>(
    text: &'t str,
    anchored: &'static Regex,
) -> impl Iterator<Item = (usize, Captures<'t>)> {
    let mut resume = 0;
    let mut previous = None;
    text.char_indices().filter_map(move |(offset, ch)| {
        let before = previous.replace(ch);
        // A match starts with a `\d` (a subset of `is_numeric`) after a word boundary; since a
        // digit is a word character, that means no word character right before it.
        if offset < resume || !may_be_digit(ch) || before.is_some_and(is_regex_word_char) {
            return None;
        }
        let captures = anchored.captures(&text[offset..])?;
        resume = offset + captures.get(0)?.end();
        Some((offset, captures))
    })
}

/// Whether a character may be a `\d` of a pattern (a decimal digit of any script).
pub(crate) fn may_be_digit(ch: char) -> bool {
    if ch.is_ascii() {
        ch.is_ascii_digit()
    } else {
        !matches!(ch, 'А'..='я' | 'Ё' | 'ё') && ch.is_numeric()
    }
}

/// Whether a character is a `\w` of the regex syntax (what its Unicode `\b` looks at).
fn is_regex_word_char(ch: char) -> bool {
    static WORD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\w$").expect("word pattern is valid"));
    if ch.is_ascii() {
        ch.is_ascii_alphanumeric() || ch == '_'
    } else {
        matches!(ch, 'А'..='я' | 'Ё' | 'ё') || WORD.is_match(ch.encode_utf8(&mut [0; 4]))
    }
}

/// A date found in a text, with the first day when it is a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FoundDate {
    /// The date (the last day of a range).
    pub date: EventDate,
    /// The first day of a range («11-12 сентября»).
    pub start: Option<EventDate>,
}

/// Dates that describe when something happened, in text order; dates of cited documents
/// («приказ от 16 августа 2023 года № 606») are left out.
pub(crate) fn event_dates(text: &str) -> Vec<FoundDate> {
    date_captures(text)
        .filter_map(|(offset, captures)| {
            let whole = captures.get(0)?;
            let (start, end) = (offset + whole.start(), offset + whole.end());
            if cites_a_document(&text[..start], &text[end..]) {
                return None;
            }
            let (day, month, year) = match captures.name("day") {
                Some(day) => (
                    day.as_str().parse().ok()?,
                    month_number(captures.name("month")?.as_str())?,
                    captures.name("year")?.as_str().parse().ok()?,
                ),
                None => (
                    captures.name("nday")?.as_str().parse().ok()?,
                    captures.name("nmonth")?.as_str().parse().ok()?,
                    captures.name("nyear")?.as_str().parse().ok()?,
                ),
            };
            if !YEARS.contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
                return None;
            }
            let start = captures
                .name("from")
                .and_then(|from| from.as_str().parse::<u8>().ok())
                .filter(|from| (1..day).contains(from))
                .map(|from| EventDate::ymd(year, month, from));
            Some(FoundDate {
                date: EventDate::ymd(year, month, day),
                start,
            })
        })
        .collect()
}

/// Whether the date belongs to a cited document: «от DATE», «DATE № 474», «приказ … DATE».
fn cites_a_document(before: &str, after: &str) -> bool {
    static FROM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\bот\s*$").expect("from pattern is valid"));
    static NUMBER_AFTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:г\.|года|г)?\s*[№N]").expect("number pattern is valid")
    });
    // «от» can only stand right before the trailing white space; the character before it
    // decides the word boundary. Three characters are enough, and the search stays short.
    let trimmed = before.trim_end_matches(char::is_whitespace);
    let tail_start = trimmed
        .char_indices()
        .nth_back(2)
        .map_or(0, |(start, _)| start);
    FROM.is_match(&before[tail_start..]) || NUMBER_AFTER.is_match(after)
}

fn month_number(name: &str) -> Option<u8> {
    const STEMS: [&str; 12] = [
        "январ",
        "феврал",
        "март",
        "апрел",
        "ма",
        "июн",
        "июл",
        "август",
        "сентябр",
        "октябр",
        "ноябр",
        "декабр",
    ];
    let lowered = name.to_lowercase();
    // «ма» is a prefix of «март»: test longer stems first by checking March before May.
    if lowered.starts_with("март") {
        return Some(3);
    }
    STEMS
        .iter()
        .position(|stem| lowered.starts_with(stem))
        .map(|index| index as u8 + 1)
}

/// Whether a whole line is just a date («18 августа 2022 г.», «27 ноября 2019 года»).
pub(crate) fn is_date_line(line: &str) -> bool {
    static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:\d{1,2}\s*[-–—]\s*)?\d{1,2}\s+[а-яё]+\s+\d{4}\s*(?:г\.?|года?)?\.?$|^\d{1,2}\.\d{1,2}\.\d{4}\s*(?:г\.?|года?)?$",
        )
        .expect("date line pattern is valid")
    });
    line.chars().count() <= 40 && DATE_LINE.is_match(line)
}

/// The first plausible year in a text («… в 2019 году» → 2019).
pub(crate) fn first_year(text: &str) -> Option<i32> {
    static YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b(\d{4})\b").expect("year pattern is valid"));
    YEAR.captures_iter(text)
        .filter_map(|captures| captures[1].parse().ok())
        .find(|year| YEARS.contains(year))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cited_documents_are_not_event_dates() {
        let text = "Во исполнение приказа от 16 августа 2023 года № 606 «О проведении» 31 августа 2023 года в ходе совещания; указ от 07.05.2018 №204";
        let found = event_dates(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].date, EventDate::ymd(2023, 8, 31));
    }

    #[test]
    fn a_range_gives_both_days() {
        let found = event_dates("11-12 сентября 2019 года состоялось городское совещание");
        assert_eq!(found[0].date, EventDate::ymd(2019, 9, 12));
        assert_eq!(found[0].start, Some(EventDate::ymd(2019, 9, 11)));
    }

    #[test]
    fn month_names_in_any_case() {
        let found = event_dates("17 мая 2022 года; 3 марта 2021 г.; 1 Декабря 2020");
        let dates: Vec<_> = found.iter().map(|f| f.date.to_string()).collect();
        assert_eq!(dates, ["2022-05-17", "2021-03-03", "2020-12-01"]);
    }

    #[test]
    fn impossible_dates_are_ignored() {
        assert!(event_dates("45 мая 2022 года, 12 мая 3022 года, 31.13.2020").is_empty());
    }

    #[test]
    fn date_lines() {
        assert!(is_date_line("18 августа 2022 г."));
        assert!(is_date_line("27 ноября 2019 года"));
        assert!(!is_date_line(
            "18 августа 2022 года на базе ГБОУ ИРО Краснодарского края состоялась"
        ));
    }

    /// The unanchored pattern over the whole text: what [`date_captures`] must reproduce.
    fn reference_spans(text: &str) -> Vec<Vec<Option<(usize, usize)>>> {
        static UNANCHORED: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(&format!("(?ix){DATE_PATTERN}")).unwrap());
        UNANCHORED
            .captures_iter(text)
            .map(|captures| {
                captures
                    .iter()
                    .map(|group| group.map(|m| (m.start(), m.end())))
                    .collect()
            })
            .collect()
    }

    fn anchored_spans(text: &str) -> Vec<Vec<Option<(usize, usize)>>> {
        date_captures(text)
            .map(|(offset, captures)| {
                captures
                    .iter()
                    .map(|group| group.map(|m| (offset + m.start(), offset + m.end())))
                    .collect()
            })
            .collect()
    }

    /// The old «от» test over the whole prefix, for comparison with the short tail.
    fn reference_cites(before: &str, after: &str) -> bool {
        static FROM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bот\s*$").unwrap());
        static NUMBER: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^\s*(?:г\.|года|г)?\s*[№N]").unwrap());
        FROM.is_match(before) || NUMBER.is_match(after)
    }

    #[test]
    fn anchored_search_finds_what_the_unanchored_pattern_finds() {
        for text in [
            "11-12 сентября 2019 года, 1 мая 2020г., 3 марта 2021_ 07.05.2018 и 7.5.20188",
            "от12 мая 2020 года; x1 мая 2020; _1 мая 2020; №1 мая 2020; 1 мая 2020",
            "1 - 2 - 3 мая 2020 г. 12\n\nиюня\n2021 1-\nиюля 2022",
            "123 мая 2020, 1.2.3.4.2020, 01.02.2020.03.04.2021, ٣ мая ٢٠٢٠, ᲀ 1 МАЯ 2022",
            "31.12.2023 — 1 января 2024; 5–6 ноября 2019",
            "",
            "2",
        ] {
            assert_eq!(anchored_spans(text), reference_spans(text), "{text:?}");
        }
    }

    #[test]
    fn word_chars_are_the_regex_word_chars() {
        let word = Regex::new(r"^\w$").unwrap();
        for ch in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let expected = word.is_match(ch.encode_utf8(&mut [0; 4]));
            assert_eq!(is_regex_word_char(ch), expected, "{ch:?}");
        }
        let digit = Regex::new(r"^\d$").unwrap();
        for ch in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if digit.is_match(ch.encode_utf8(&mut [0; 4])) {
                assert!(may_be_digit(ch), "{ch:?}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        #[test]
        fn anchored_search_agrees_on_random_texts(
            text in r"([0-9]{1,5}|[0-9]{1,2} мая [0-9]{4}|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}|[ \n.\-–—_№]|от|ОТ|г\.|года|мая|Марта|март|СЕНТЯБРЯ|ноябрь|[a-zа-яё]|٣|ᲂт){0,40}"
        ) {
            proptest::prop_assert_eq!(anchored_spans(&text), reference_spans(&text));
            for (cut, _) in text.char_indices() {
                let (before, after) = text.split_at(cut);
                proptest::prop_assert_eq!(
                    cites_a_document(before, after),
                    reference_cites(before, after)
                );
            }
        }
    }

    #[test]
    fn years_outside_the_range_are_skipped() {
        assert_eq!(first_year("школа №1234 в 2019 году"), Some(2019));
        assert_eq!(first_year("до 3000 года"), None);
    }
}
