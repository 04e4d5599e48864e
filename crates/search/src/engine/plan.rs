//! The plan of a search ([`Plan`], made by [`Engine::plan`]): the query corrected and
//! understood, the filters in force, and the text queries; and how the words of a query are
//! matched: every word for a few keywords, enough of them for a question or a description.
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

use tantivy::Searcher;

use super::query::{TextQueries, sanitize};
use super::{Engine, FacetField, Level, Pipeline};
use crate::api::{Correction, CorrectionKind, SearchRequest, parse_group_id};
use crate::understand::{Understood, understand};
use crate::{SearchError, SearchFilters};

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

/// What a search looks for, made from its request by [`Engine::plan`]: the query as corrected
/// and understood, the filters in force, and the text queries that rank the hits.
pub(super) struct Plan {
    /// The query's text, filters and inferences as read from its words.
    pub(super) understood: Understood,
    /// How the query was retyped or respelt, if it was.
    pub(super) correction: Option<Correction>,
    /// Whether the query is phrased as a question ([`is_question`]).
    pub(super) question: bool,
    /// The request's filters, else those read from the query's words.
    pub(super) filters: Filters,
    /// The text queries of the main passes.
    pub(super) queries: TextQueries,
}

impl Engine {
    /// The plan of a search: the query corrected (layout, spelling) and understood (with
    /// the filters its words infer given back to words in a question), the filters, the text
    /// queries.
    pub(super) fn plan(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        pipeline: Pipeline,
    ) -> Result<Plan, SearchError> {
        let full = pipeline == Pipeline::Full;
        let correctable = full && !request.literal;
        // Forgiving input: a query typed in the Latin layout is retyped when that gives words
        // the index knows (or can respell); misspelt words are respelt.
        let retyped = if correctable {
            self.retyped_layout(searcher, &request.q)?
        } else {
            None
        };
        let layout_fixed = retyped.is_some();
        let mut query = retyped.unwrap_or_else(|| request.q.clone());
        let mut understood = if full {
            understand(&query)
        } else {
            Understood {
                text: query.clone(),
                ..Understood::default()
            }
        };
        // A question or description is ranked by its words, the year or place it names among
        // them: it is not meant as a filter («что случилось в 1992 году…»).
        let question = is_question(&query);
        if full
            && !understood.inferred.is_empty()
            && long_query_text(&sanitize(&understood.text), question).is_some()
        {
            understood.inferred_back_to_words();
        }
        let respelt =
            correctable && self.respell_understood(searcher, &mut understood, &mut query)?;
        let correction = (layout_fixed || respelt).then(|| Correction {
            kind: if layout_fixed {
                CorrectionKind::Layout
            } else {
                CorrectionKind::Spelling
            },
            original: request.q.clone(),
            corrected: query.clone(),
        });
        let filters = Filters::of(request, &understood);
        let queries = self.text_queries(&understood.text, pipeline, question);
        Ok(Plan {
            understood,
            correction,
            question,
            filters,
            queries,
        })
    }
}

/// The filters of a search: those in force, and what else narrows or orders the hits.
#[derive(Debug, Clone, Default)]
pub(super) struct Filters {
    /// The filters in force: the request's, else those the query's words set.
    pub(super) in_force: SearchFilters,
    pub(super) topic_boost: Option<String>,
    pub(super) level: Level,
    /// Id of a group of recurring recommendations.
    pub(super) group: Option<u64>,
}

impl Filters {
    /// The request's filters, else those the query's words set.
    pub(super) fn of(request: &SearchRequest, understood: &Understood) -> Self {
        let chosen = request.filters.chosen();
        let (year, year_to) = match chosen.year {
            Some(year) => (Some(year), chosen.year_to.filter(|to| *to > year)),
            None => (understood.year, understood.year_to),
        };
        Filters {
            in_force: SearchFilters {
                region: chosen.region.or_else(|| understood.region.clone()),
                municipality: chosen
                    .municipality
                    .or_else(|| understood.municipality.clone()),
                year,
                year_to,
                topic: chosen.topic.or_else(|| understood.topic.clone()),
                ..chosen
            },
            topic_boost: understood.topic_boost.clone(),
            level: request.level,
            group: request.group.as_deref().and_then(parse_group_id),
        }
    }

    /// Whether the filter of this facet's own field is set.
    pub(super) fn filters(&self, facet: FacetField) -> bool {
        match facet {
            FacetField::Region => self.in_force.region.is_some(),
            FacetField::Year => self.in_force.year.is_some(),
            FacetField::Topic => self.in_force.topic.is_some(),
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
