//! Query understanding: which parts of a query are filters (years, places, `field:` syntax),
//! which name a topic, and what text remains to be searched.

use std::sync::LazyLock;

use edusearch_resolution::places::Gazetteer;
use edusearch_resolution::topics::Taxonomy;
use regex::Regex;

/// Years a query may name.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// A query split into understood parts and the remaining text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Understood {
    /// The text to search for, understood parts removed.
    pub text: String,
    /// A year named in the query, or the first year of a range («2019–2022»).
    pub year: Option<i32>,
    /// The last year of a range («2023-2024», «2023/24 учебный год», «2019–2022»).
    pub year_to: Option<i32>,
    /// A federal subject named in the query («в Красноярском крае», «Кубань», «ХМАО»).
    pub region: Option<String>,
    /// A municipality or town named in the query («Мегион», «Ирбейского района»).
    pub municipality: Option<String>,
    /// A topic given with `topic:` (a filter).
    pub topic: Option<String>,
    /// A topic the whole remaining text names («точка роста»): hits on it rank higher.
    pub topic_boost: Option<String>,
    /// The filters read from plain words («2023», «в Мегионе»), with those words; filters
    /// written as `field:value` are not here. They give way when they alone would leave
    /// nothing (see `Engine::search`).
    pub inferred: Vec<Inferred>,
}

/// A filter read from plain words of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inferred {
    /// Which filter.
    pub filter: InferredFilter,
    /// The words of the query it was read from («в 2023 году», «Мегион»).
    pub words: String,
}

/// The kinds of filter a query's plain words can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InferredFilter {
    /// A year or a range of years.
    Year,
    /// A federal subject.
    Region,
    /// A municipality or town.
    Municipality,
}

static FIELD_SYNTAX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(region|year|topic|регион|год|тема):\s*(?:"([^"]*)"|(\S+))"#)
        .expect("field syntax pattern is valid")
});

static YEAR_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[\s(])(?:с\s+)?(\d{4})\s*(?:[-–—/]|\s+по\s+|\s+до\s+)\s*(\d{4}|\d{2})(?:\s*(?:гг?\.?|годы|годов|годах))?(?:\s+(?:уч\.?|учебн\w*)\s*(?:год\w*|г\.?))?(?:$|[\s),.;?!])",
    )
    .expect("year range pattern is valid")
});

static SINGLE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[\s(])(?:в\s+)?(\d{4})(?:\s*(?:год[ауе]?|г\.))?(?:\s+(?:учебн\w*\s+год\w*))?(?:$|[\s),.;?!])")
        .expect("year pattern is valid")
});

/// Prepositions left dangling when a place is taken out of a query.
const PLACE_PREPOSITIONS: &[&str] = &["в", "во", "из", "по", "для"];

/// Understands a query.
pub fn understand(query: &str) -> Understood {
    let mut understood = Understood::default();
    let mut text = take_field_syntax(query, &mut understood);
    text = take_years(&text, &mut understood);
    text = take_place(&text, &mut understood);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty()
        && let Some(topic) = Taxonomy::builtin().find(&text)
    {
        understood.topic_boost = Some(topic.name.clone());
    }
    understood.text = text;
    understood
}

impl Understood {
    fn infer(&mut self, filter: InferredFilter, words: &str) {
        self.inferred.push(Inferred {
            filter,
            words: words.trim().to_string(),
        });
    }

    /// Takes the inferred filters back into the text as words: a question or a description
    /// («сколько школ открыли в 2000 году») is ranked by its words rather than filtered by
    /// what its words seem to name.
    pub fn inferred_back_to_words(&mut self) {
        for inferred in std::mem::take(&mut self.inferred) {
            match inferred.filter {
                InferredFilter::Year => {
                    self.year = None;
                    self.year_to = None;
                }
                InferredFilter::Region => self.region = None,
                InferredFilter::Municipality => self.municipality = None,
            }
            if !self.text.is_empty() {
                self.text.push(' ');
            }
            self.text.push_str(&inferred.words);
        }
    }
}

fn take_field_syntax(query: &str, understood: &mut Understood) -> String {
    let mut rest = String::with_capacity(query.len());
    let mut cursor = 0;
    for captures in FIELD_SYNTAX.captures_iter(query) {
        let whole = captures.get(0).expect("group 0 exists");
        let value = captures
            .get(2)
            .or_else(|| captures.get(3))
            .map_or("", |value| value.as_str())
            .trim();
        if value.is_empty() {
            continue;
        }
        match captures[1].to_lowercase().as_str() {
            "region" | "регион" => {
                understood.region = Some(
                    Gazetteer::builtin()
                        .region(value)
                        .map_or_else(|| value.to_string(), |region| region.name().to_string()),
                );
            }
            "year" | "год" => {
                let mut parts = value
                    .split(['-', '–', '—', '/', '.'])
                    .filter(|p| !p.is_empty());
                let from = parts.next().and_then(|p| p.parse::<i32>().ok());
                let to = parts.next().and_then(|p| p.parse::<i32>().ok());
                match from.filter(|year| YEARS.contains(year)) {
                    Some(from) => {
                        understood.year = Some(from);
                        understood.year_to = to
                            .map(|to| expand_short_year(from, to))
                            .filter(|to| *to > from);
                    }
                    None => continue,
                }
            }
            _ => {
                understood.topic = Some(
                    Taxonomy::builtin()
                        .find(value)
                        .map_or_else(|| value.to_string(), |topic| topic.name.clone()),
                );
            }
        }
        rest.push_str(&query[cursor..whole.start()]);
        rest.push(' ');
        cursor = whole.end();
    }
    rest.push_str(&query[cursor..]);
    rest
}

/// «2023/24» → 2024; «2019–2022» → 2022.
fn expand_short_year(from: i32, to: i32) -> i32 {
    if to < 100 { from / 100 * 100 + to } else { to }
}

fn outside_quotes(text: &str, position: usize) -> bool {
    text[..position].matches('"').count().is_multiple_of(2)
}

fn take_years(text: &str, understood: &mut Understood) -> String {
    if understood.year.is_some() {
        return text.to_string();
    }
    for captures in YEAR_RANGE.captures_iter(text) {
        let whole = captures.get(0).expect("group 0 exists");
        if !outside_quotes(text, whole.start()) {
            continue;
        }
        let (Ok(from), Ok(to)) = (captures[1].parse::<i32>(), captures[2].parse::<i32>()) else {
            continue;
        };
        let to = expand_short_year(from, to);
        if YEARS.contains(&from) && YEARS.contains(&to) && from < to && to - from <= 30 {
            understood.year = Some(from);
            understood.year_to = Some(to);
            understood.infer(InferredFilter::Year, whole.as_str());
            return splice(text, whole.start(), whole.end());
        }
    }
    for captures in SINGLE_YEAR.captures_iter(text) {
        let whole = captures.get(0).expect("group 0 exists");
        if !outside_quotes(text, whole.start()) {
            continue;
        }
        if let Ok(year) = captures[1].parse::<i32>()
            && YEARS.contains(&year)
        {
            understood.year = Some(year);
            understood.infer(InferredFilter::Year, whole.as_str());
            return splice(text, whole.start(), whole.end());
        }
    }
    text.to_string()
}

fn splice(text: &str, start: usize, end: usize) -> String {
    format!("{} {}", &text[..start], &text[end..])
}

fn take_place(text: &str, understood: &mut Understood) -> String {
    let gazetteer = Gazetteer::builtin();
    for mention in gazetteer.find_mentions_in_query(text) {
        if !outside_quotes(text, mention.range.start) {
            continue;
        }
        if mention.places.is_empty() {
            let Some(region) = mention.region else {
                continue;
            };
            if understood.region.is_none() {
                understood.region = Some(region.name().to_string());
                understood.infer(InferredFilter::Region, &text[mention.range.clone()]);
            }
        } else {
            let mut regions: Vec<&str> =
                mention.places.iter().map(|place| place.region()).collect();
            regions.sort_unstable();
            regions.dedup();
            // A name shared by several subjects stays text unless the query names the subject.
            let place = match (regions.as_slice(), &understood.region) {
                ([_], _) => mention.places[0],
                (_, Some(region)) => {
                    match mention.places.iter().find(|place| place.region() == region) {
                        Some(place) => place,
                        None => continue,
                    }
                }
                _ => continue,
            };
            understood.municipality = Some(place.name().to_string());
            understood.infer(InferredFilter::Municipality, &text[mention.range.clone()]);
        }
        let before = text[..mention.range.start].trim_end();
        let start = match before.rsplit_once(char::is_whitespace) {
            Some((_, last)) if PLACE_PREPOSITIONS.contains(&last.to_lowercase().as_str()) => {
                before.len() - last.len()
            }
            None if PLACE_PREPOSITIONS.contains(&before.to_lowercase().as_str()) => 0,
            _ => mention.range.start,
        };
        return splice(text, start, mention.range.end);
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_becomes_a_filter() {
        let understood = understand("профориентация 2023");
        assert_eq!(understood.text, "профориентация");
        assert_eq!(understood.year, Some(2023));
        assert_eq!(understood.year_to, None);
        assert_eq!(understand("2023 год наставничество").text, "наставничество");
        assert_eq!(
            understand("наставничество в 2022 году").text,
            "наставничество"
        );
    }

    #[test]
    fn year_ranges_and_school_years() {
        for (query, from, to) in [
            ("наставничество 2023-2024", 2023, 2024),
            ("2023/24 учебный год воспитание", 2023, 2024),
            ("воспитание 2019–2022", 2019, 2022),
            ("с 2019 по 2021 год ОВЗ", 2019, 2021),
        ] {
            let understood = understand(query);
            assert_eq!(
                (understood.year, understood.year_to),
                (Some(from), Some(to)),
                "{query}"
            );
            assert!(
                !understood.text.chars().any(|c| c.is_ascii_digit()),
                "{query}: {}",
                understood.text
            );
        }
    }

    #[test]
    fn other_numbers_stay_text() {
        assert_eq!(understand("школа 1234").year, None);
        assert_eq!(understand("\"в 2023\" году").year, None);
        assert_eq!(understand("СОШ №2").text, "СОШ №2");
    }

    #[test]
    fn regions_in_any_form() {
        for (query, region) in [
            ("краснодарский край", "Краснодарский край"),
            ("наставничество в Красноярском крае", "Красноярский край"),
            ("Кубань профориентация", "Краснодарский край"),
            ("ХМАО", "Ханты-Мансийский автономный округ — Югра"),
        ] {
            let understood = understand(query);
            assert_eq!(understood.region.as_deref(), Some(region), "{query}");
            assert!(
                !understood.text.to_lowercase().contains("кра"),
                "{query}: {}",
                understood.text
            );
        }
        assert_eq!(
            understand("наставничество в Красноярском крае").text,
            "наставничество"
        );
    }

    #[test]
    fn municipalities_in_any_form() {
        assert_eq!(
            understand("Мегион").municipality.as_deref(),
            Some("г. Мегион")
        );
        assert_eq!(
            understand("ирбейского района").municipality.as_deref(),
            Some("Ирбейский район")
        );
    }

    #[test]
    fn inferred_filters_go_back_to_words() {
        let mut understood =
            understand("сколько школ открыли в 2000 году region:\"Красноярский край\"");
        assert_eq!(understood.year, Some(2000));
        understood.inferred_back_to_words();
        assert_eq!(understood.year, None);
        assert_eq!(understood.text, "сколько школ открыли в 2000 году");
        assert_eq!(
            understood.region.as_deref(),
            Some("Красноярский край"),
            "a filter written as field:value stays"
        );
    }

    #[test]
    fn ordinary_words_stay_text() {
        // Regressions: these became filters on Немецкий национальный район, Республика Коми,
        // г. Кемь, пгт Прогресс and г. Шарья.
        for query in [
            "немецкий язык",
            "кому оказывать помощь",
            "с кем сотрудничать школе",
            "кем быть",
            "прогресс учеников",
            "воздушный шар",
            "восход",
            "заря",
            "родина",
        ] {
            let understood = understand(query);
            assert_eq!(understood.text, query, "{query}");
            assert_eq!(understood.region, None, "{query}");
            assert_eq!(understood.municipality, None, "{query}");
        }
    }

    #[test]
    fn a_capital_inside_a_query_marks_a_place_the_first_word_s_does_not() {
        // «сочи» and «орле» are ordinary word forms too (of «сочить», «орёл»).
        assert_eq!(
            understand("наставничество в Сочи").municipality.as_deref(),
            Some("г. Сочи")
        );
        assert_eq!(
            understand("профориентация в Орле").municipality.as_deref(),
            Some("г. Орёл")
        );
        assert_eq!(understand("наставничество в сочи").municipality, None);
        for query in [
            "Кем быть",
            "Немецкий язык",
            "Прогресс учеников",
            "Воздушный шар",
        ] {
            let understood = understand(query);
            assert_eq!(understood.municipality, None, "{query}");
            assert_eq!(understood.region, None, "{query}");
        }
    }

    #[test]
    fn marked_and_proper_place_names_still_filter() {
        for (query, municipality, text) in [
            ("Мегион", "г. Мегион", ""),
            ("Ирбейского района", "Ирбейский район", ""),
            ("профориентация в Армавире", "г. Армавир", "профориентация"),
            ("г. Кемь", "г. Кемь", ""),
        ] {
            let understood = understand(query);
            assert_eq!(
                understood.municipality.as_deref(),
                Some(municipality),
                "{query}"
            );
            assert_eq!(understood.text, text, "{query}");
        }
        for (query, region) in [
            ("в Красноярском крае", "Красноярский край"),
            ("краснодарский край", "Краснодарский край"),
            ("Кубань", "Краснодарский край"),
            ("ХМАО", "Ханты-Мансийский автономный округ — Югра"),
        ] {
            let understood = understand(query);
            assert_eq!(understood.region.as_deref(), Some(region), "{query}");
            assert_eq!(understood.text, "", "{query}");
        }
    }

    #[test]
    fn field_syntax() {
        let understood =
            understand("наставник region:\"Красноярский край\" year:2022 topic:профориентация");
        assert_eq!(understood.text, "наставник");
        assert_eq!(understood.region.as_deref(), Some("Красноярский край"));
        assert_eq!(understood.year, Some(2022));
        assert_eq!(understood.topic.as_deref(), Some("профориентация"));
    }

    #[test]
    fn a_topic_name_boosts() {
        assert_eq!(
            understand("точка роста").topic_boost.as_deref(),
            Some("Точка роста")
        );
        assert_eq!(understand("курс").topic_boost, None);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn arbitrary_queries_never_panic(query in "\\PC{0,200}") {
            let understood = understand(&query);
            prop_assert!(understood.text.len() <= query.len() + 8);
        }

        #[test]
        fn query_like_input_never_panics(
            query in "(в |во |2023|2019|-|–|/|24|год|году|учебный|region:|year:|topic:|\"|краснодарском|крае|Мегион|ХМАО|Кубань|ОВЗ|г\\. |[а-я]{1,10}| ){0,20}"
        ) {
            let understood = understand(&query);
            if let (Some(from), Some(to)) = (understood.year, understood.year_to) {
                prop_assert!(from < to);
            }
        }
    }
}
