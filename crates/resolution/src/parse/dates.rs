//! Dates: the event date among the many dates a resolution mentions.

use std::sync::LazyLock;

use regex::Regex;

use crate::EventDate;

/// Earliest and latest year taken for an event date.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// «11-12 сентября 2019 года», «27 ноября 2019 г.», «07.05.2018».
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?:\b(?P<from>\d{1,2})\s*[-–—]\s*)?
        \b(?P<day>\d{1,2})\s+(?P<month>январ[яь]|феврал[яь]|марта?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|августа?|сентябр[яь]|октябр[яь]|ноябр[яь]|декабр[яь])\s+(?P<year>\d{4})\b
        | \b(?P<nday>\d{1,2})\.(?P<nmonth>\d{1,2})\.(?P<nyear>\d{4})\b",
    )
    .expect("date pattern is valid")
});

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
    DATE.captures_iter(text)
        .filter_map(|captures| {
            let whole = captures.get(0)?;
            if cites_a_document(&text[..whole.start()], &text[whole.end()..]) {
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
    FROM.is_match(before) || NUMBER_AFTER.is_match(after)
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

    #[test]
    fn years_outside_the_range_are_skipped() {
        assert_eq!(first_year("школа №1234 в 2019 году"), Some(2019));
        assert_eq!(first_year("до 3000 года"), None);
    }
}
