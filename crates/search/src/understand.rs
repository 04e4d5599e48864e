//! Query understanding: what in the query is a filter (a year) and what is text.

/// Years a query word may name.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// A query split into understood parts and the remaining text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Understood {
    /// The text to search for, understood parts removed.
    pub text: String,
    /// A year named in the query («профориентация 2023», «2023 год»).
    pub year: Option<i32>,
}

/// Splits a query into a year (a four-digit word 1990–2100 outside quotes, with an optional
/// «год»/«году»/«г.» after it) and the remaining text.
pub fn understand(query: &str) -> Understood {
    let mut text_parts: Vec<&str> = Vec::new();
    let mut year = None;
    let mut in_quotes = false;
    let mut skip_year_word = false;
    for part in query.split_whitespace() {
        let quotes = part.matches('"').count();
        let word_in_quotes = in_quotes || part.starts_with('"');
        if quotes % 2 == 1 {
            in_quotes = !in_quotes;
        }
        if skip_year_word {
            skip_year_word = false;
            let lowered = part.to_lowercase();
            if matches!(lowered.trim_end_matches('.'), "год" | "году" | "года" | "г") {
                continue;
            }
        }
        if !word_in_quotes
            && year.is_none()
            && part.len() == 4
            && let Ok(number) = part.parse::<i32>()
            && YEARS.contains(&number)
        {
            year = Some(number);
            skip_year_word = true;
            continue;
        }
        text_parts.push(part);
    }
    Understood {
        text: text_parts.join(" "),
        year,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_becomes_a_filter() {
        assert_eq!(
            understand("профориентация 2023"),
            Understood {
                text: "профориентация".into(),
                year: Some(2023)
            }
        );
        assert_eq!(understand("2023 год наставничество").text, "наставничество");
        assert_eq!(understand("2023 год наставничество").year, Some(2023));
    }

    #[test]
    fn other_numbers_stay_text() {
        assert_eq!(understand("школа 1234").year, None);
        assert_eq!(understand("\"в 2023\" году").year, None);
        assert_eq!(understand("СОШ №2").text, "СОШ №2");
    }
}
