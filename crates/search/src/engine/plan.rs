//! How the words of a query are matched: every word for a few keywords, enough of them for a
//! question or a description.
//!
//! People type two kinds of query. A few keywords («наставничество 2023», «ОВЗ сельская
//! школа») mean every word, and hits with all of them come first. A question or a description
//! («как организовать работу с детьми с ОВЗ в сельской школе») is not meant word for word: the
//! text that answers it rarely repeats every word, and its common words («работа», «школа»)
//! tell less than its rare ones. Such a query is matched when enough of its content words
//! occur ([`minimum_should_match`], as Elasticsearch's `minimum_should_match`), and ranked by
//! BM25 over all of them, so one rare word that matches outweighs several common ones.
//! Question words («какой», «сколько») and stop words decide nothing: they are left out.

use edusearch_russian::{is_function_word, is_question_word, normalize_word, words};

use super::{FacetField, Level};

/// The fields a question or description is matched in: what the documents say, in inflected
/// and derived forms. Headings, addressees, topics and places help keywords find their
/// documents; a sentence is answered by the text (measured on the retrieval development set,
/// `cargo bench --bench retrieval`: headings too cost 0.006 MRR@10).
pub(crate) const LONG_QUERY_FIELDS: &[&str] = &[
    edusearch_indexer::fields::TEXT,
    edusearch_indexer::fields::TEXT_ROOT,
];

/// From this many content words on, a query is read as a description.
pub(crate) const LONG_QUERY_WORDS: usize = 4;
/// From this many content words on, a query phrased as a question is read as one.
pub(crate) const QUESTION_WORDS: usize = 2;

/// Whether a query is phrased as a question: it ends with `?` or opens with a question word
/// («как организовать…», «сколько школ…»).
pub(crate) fn is_question(query: &str) -> bool {
    query.trim_end().ends_with('?')
        || words(query)
            .next()
            .is_some_and(|first| is_question_word(&normalize_word(first.text)))
}

/// How the words of a text query must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Matching {
    /// Every word (a few keywords).
    All,
    /// At least [`minimum_should_match`] of the clauses (a question or a description).
    Enough,
    /// Any word.
    Any,
}

/// The words of a query that are read as a question or description, function words left out;
/// `None` for a query of a few keywords. Quoted phrases and `-exclusions` stay as typed.
pub(crate) fn long_query_text(sanitized: &str, question: bool) -> Option<String> {
    let mut kept: Vec<&str> = Vec::new();
    let mut content = 0;
    let mut in_phrase = false;
    for part in sanitized.split(' ').filter(|part| !part.is_empty()) {
        let quotes = part.matches('"').count();
        let phrase_part = in_phrase || quotes > 0;
        if quotes % 2 == 1 {
            in_phrase = !in_phrase;
        }
        if phrase_part {
            if part.starts_with('"') {
                content += 1;
            }
            kept.push(part);
            continue;
        }
        if part.starts_with('-') {
            kept.push(part);
            continue;
        }
        if is_function_word(&normalize_word(part)) {
            continue;
        }
        content += 1;
        kept.push(part);
    }
    let least = if question {
        QUESTION_WORDS
    } else {
        LONG_QUERY_WORDS
    };
    (content >= least).then(|| kept.join(" "))
}

/// How many of `clauses` optional clauses a hit of a long query must match: all of up to three,
/// then half of them and one more (4 → 3, 6 → 4, 10 → 6), so a question matches the passages
/// that share most of its telling words, and BM25 decides their order. When fewer than a page
/// match, the search is widened to any word, as for keywords.
pub(crate) fn minimum_should_match(clauses: usize) -> usize {
    if clauses <= 2 {
        return clauses;
    }
    1 + clauses.div_ceil(2)
}

/// The filters of a search.
#[derive(Debug, Clone, Default)]
pub(super) struct Filters {
    pub(super) region: Option<String>,
    pub(super) municipality: Option<String>,
    pub(super) year: Option<i32>,
    pub(super) year_to: Option<i32>,
    pub(super) topic: Option<String>,
    pub(super) addressee: Option<String>,
    pub(super) topic_boost: Option<String>,
    pub(super) level: Level,
    /// Id of a group of recurring recommendations.
    pub(super) group: Option<u64>,
}

impl Filters {
    /// Whether the filter of this facet's own field is set.
    pub(super) fn filters(&self, facet: FacetField) -> bool {
        match facet {
            FacetField::Region => self.region.is_some(),
            FacetField::Year => self.year.is_some(),
            FacetField::Topic => self.topic.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_not_a_long_query() {
        assert_eq!(long_query_text("наставничество 2023", false), None);
        assert_eq!(long_query_text("ОВЗ сельская школа", false), None);
        assert_eq!(long_query_text("как и где с ОВЗ", true), None);
    }

    #[test]
    fn questions_are_known_by_their_form() {
        assert!(is_question("Кто пел государственный гимн?"));
        assert!(is_question("как организовать работу с детьми с ОВЗ"));
        assert!(is_question("Сколько школ открыли"));
        assert!(!is_question("наставничество педагогов 2023"));
        assert_eq!(
            long_query_text("Кто пел государственный гимн", true).as_deref(),
            Some("пел государственный гимн")
        );
    }

    #[test]
    fn a_question_keeps_its_content_words() {
        assert_eq!(
            long_query_text(
                "как организовать работу с детьми с ОВЗ в сельской школе",
                false
            )
            .as_deref(),
            Some("организовать работу детьми ОВЗ сельской школе")
        );
        assert_eq!(
            long_query_text(
                "Какие регионы России поддерживают наставничество педагогов",
                false
            )
            .as_deref(),
            Some("регионы России поддерживают наставничество педагогов")
        );
    }

    #[test]
    fn phrases_and_exclusions_stay_as_typed() {
        assert_eq!(
            long_query_text(
                "\"Разговоры о важном\" в школах какого региона -экскурсии",
                false
            )
            .as_deref(),
            None
        );
        assert_eq!(
            long_query_text(
                "\"Разговоры о важном\" в сельских школах какого региона -экскурсии",
                false
            )
            .as_deref(),
            Some("\"Разговоры о важном\" сельских школах региона -экскурсии")
        );
    }

    #[test]
    fn most_clauses_must_match() {
        let expected = [(1, 1), (2, 2), (3, 3), (4, 3), (5, 4), (6, 4), (10, 6)];
        for (clauses, minimum) in expected {
            assert_eq!(minimum_should_match(clauses), minimum, "{clauses}");
        }
    }
}
