//! Questions and descriptions, and filters read from a query's words that give way: on the seed
//! corpus.

use super::tests::{engine, search};
use super::*;
use crate::SearchFilters;
use crate::api::{DroppedFilter, FilterKind, Hit};

#[test]
fn an_inferred_year_that_finds_nothing_gives_way_with_a_notice() {
    let response = search("профориентация 2015");
    assert!(response.total > 0, "the words match in other years");
    assert_eq!(
        response.query.dropped_filters,
        vec![DroppedFilter {
            kind: FilterKind::Year,
            value: "2015".to_string(),
        }]
    );
    assert_eq!(response.query.filters.year, None);
    assert_eq!(response.query.year_from_query, None);
    assert_eq!(response.query.text, "профориентация");
}

#[test]
fn an_inferred_year_that_finds_something_stays_a_filter() {
    let response = search("профориентация 2023");
    assert!(response.query.dropped_filters.is_empty());
    assert!(response.total > 0);
    assert!(response.hits.iter().all(|hit| hit.year == Some(2023)));
}

#[test]
fn an_inferred_place_that_finds_nothing_gives_way() {
    let response = search("агроклассы Мегион");
    assert!(response.total > 0);
    assert_eq!(
        response.query.dropped_filters,
        vec![DroppedFilter {
            kind: FilterKind::Municipality,
            value: "г. Мегион".to_string(),
        }]
    );
    assert_eq!(response.query.filters.municipality, None);
}

#[test]
fn filters_the_user_set_stay_hard() {
    let by_parameter = engine()
        .search(&SearchRequest {
            filters: SearchFilters {
                year: Some(2015),
                ..SearchFilters::default()
            },
            ..SearchRequest::query("профориентация")
        })
        .unwrap();
    assert_eq!(by_parameter.total, 0);
    assert!(by_parameter.query.dropped_filters.is_empty());

    let by_syntax = search("профориентация year:2015");
    assert_eq!(by_syntax.total, 0);
    assert!(by_syntax.query.dropped_filters.is_empty());
}

#[test]
fn nothing_is_dropped_when_the_words_match_nowhere() {
    let response = search("квазипланетология 2015");
    assert_eq!(response.total, 0);
    assert!(response.query.dropped_filters.is_empty());
    assert_eq!(response.query.filters.year, Some(2015));
}

#[test]
fn a_question_does_not_need_every_word() {
    // No recommendation has all of these words; a question is answered by those with most.
    let response = search(
        "как выстроить воспитательную систему противодействия экстремизму в сельских школах",
    );
    assert!(response.total > 0);
    assert!(
        response.hits[0]
            .text
            .contains("противодействия идеологии экстремизма"),
        "{}",
        response.hits[0].text
    );
}

#[test]
fn a_year_in_a_question_is_searched_as_a_word_not_a_filter() {
    let response = search("что рекомендовали педагогам по наставничеству в 2023 году?");
    assert_eq!(response.query.filters.year, None);
    assert!(
        response.query.text.contains("2023"),
        "{}",
        response.query.text
    );
    assert!(response.total > 0);
    let years: std::collections::BTreeSet<_> =
        response.hits.iter().filter_map(|hit| hit.year).collect();
    assert!(years.len() > 1, "hits of several years: {years:?}");
}

#[test]
fn keywords_rank_hits_with_every_word_first() {
    let response = search("наставничество педагогов");
    let has_both = |hit: &Hit| {
        let text = hit.text.to_lowercase();
        text.contains("наставни") && text.contains("педагог")
    };
    let with_both = response.hits.iter().take_while(|hit| has_both(hit)).count();
    assert!(with_both > 0);
    assert!(
        response.hits[with_both..].iter().all(|hit| !has_both(hit)),
        "hits with every word come before the others"
    );
}
