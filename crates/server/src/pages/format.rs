//! Russian formatting for the pages: dates, plurals, numbers, paragraphs. (Words are marked
//! by the search library's `Highlighter`.)

use edusearch_resolution::MONTHS_GENITIVE;

const MONTHS_NOMINATIVE: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

/// An ISO date (`2023-08-31`, `2023-08` or `2023`) as Russians write it: «31 августа 2023».
pub fn russian_date(iso: &str) -> String {
    let mut parts = iso.split('-');
    let year = parts.next().unwrap_or_default();
    let month = parts
        .next()
        .and_then(|month| month.parse::<usize>().ok())
        .filter(|month| (1..=12).contains(month));
    let day = parts.next().and_then(|day| day.parse::<u8>().ok());
    match (month, day) {
        (Some(month), Some(day)) => format!("{day} {} {year}", MONTHS_GENITIVE[month - 1]),
        (Some(month), None) => format!("{} {year}", MONTHS_NOMINATIVE[month - 1]),
        _ => iso.to_string(),
    }
}

/// The Russian plural form for a count: `plural(21, "пункт", "пункта", "пунктов")` → «пункт».
pub fn plural<'a>(count: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let tens = count % 100;
    if (11..=14).contains(&tens) {
        return many;
    }
    match count % 10 {
        1 => one,
        2..=4 => few,
        _ => many,
    }
}

/// A count with its noun: «12 рекомендаций».
pub fn count_of(count: u64, one: &str, few: &str, many: &str) -> String {
    format!("{} {}", group_digits(count), plural(count, one, few, many))
}

/// Digits grouped by thousands with a narrow no-break space: «10 000».
pub fn group_digits(number: u64) -> String {
    let digits = number.to_string();
    if digits.len() <= 4 {
        return digits;
    }
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(digit);
    }
    out
}

/// The first letter in upper case.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Paragraphs of a text separated by blank lines, single line breaks kept inside them.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(line.trim_end());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_in_russian() {
        assert_eq!(russian_date("2023-08-31"), "31 августа 2023");
        assert_eq!(russian_date("2019-11-01"), "1 ноября 2019");
        assert_eq!(russian_date("2022-09"), "сентябрь 2022");
        assert_eq!(russian_date("2021"), "2021");
        assert_eq!(russian_date("2021-13-01"), "2021-13-01");
    }

    #[test]
    fn plurals_follow_russian_rules() {
        let forms = |n| plural(n, "рекомендация", "рекомендации", "рекомендаций");
        assert_eq!(forms(1), "рекомендация");
        assert_eq!(forms(3), "рекомендации");
        assert_eq!(forms(11), "рекомендаций");
        assert_eq!(forms(22), "рекомендации");
        assert_eq!(forms(25), "рекомендаций");
        assert_eq!(forms(111), "рекомендаций");
        assert_eq!(
            count_of(12345, "пункт", "пункта", "пунктов"),
            "12\u{202f}345 пунктов"
        );
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(
            paragraphs("a\nb\n\n\nc\n"),
            vec!["a\nb".to_string(), "c".to_string()]
        );
    }
}
