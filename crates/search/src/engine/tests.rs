//! The engine on the seed corpus.

use std::path::Path;
use std::sync::OnceLock;

use edusearch_indexer::{BuildOptions, IndexRoot, NoProgress, build_index};
use tantivy::query::AllQuery;
use tantivy::schema::Value;

use super::*;
use crate::SearchFilters;
use crate::understand::understand;

/// One index of the seed corpus shared by the tests of this module.
pub(super) fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    let (_, engine) = ENGINE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = IndexRoot::new(dir.path());
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
        build_index(&root, &BuildOptions::new(corpus), &NoProgress).unwrap();
        let engine = Engine::open(&root).unwrap();
        (dir, engine)
    });
    engine
}

pub(super) fn search(q: &str) -> SearchResponse {
    engine().search(&SearchRequest::query(q)).unwrap()
}

#[test]
fn proforientation_2023_finds_armavir_first() {
    let response = search("профориентация 2023");
    assert_eq!(response.query.year_from_query, Some(2023));
    assert_eq!(response.query.filters.year, Some(2023));
    assert_eq!(response.query.text, "профориентация");
    assert!(response.total >= 2);
    assert!(
        response
            .hits
            .iter()
            .all(|hit| hit.municipality.as_deref() == Some("г. Армавир"))
    );
    let top5: Vec<_> = response
        .hits
        .iter()
        .take(5)
        .filter_map(|hit| hit.item_number.as_deref())
        .collect();
    assert!(top5.contains(&"23") && top5.contains(&"24"), "{top5:?}");
    let first = &response.hits[0];
    assert!(
        first.highlight.contains("<mark>профориентаци"),
        "{}",
        first.highlight
    );
    assert_eq!(first.date.as_deref(), Some("2023-08-31"));
}

#[test]
fn inflected_forms_match() {
    let response = search("наставничества");
    assert!(
        response
            .hits
            .iter()
            .any(|hit| hit.text.contains("наставничество") || hit.text.contains("наставничества"))
    );
}

#[test]
fn facet_counts_leave_their_own_filter_out() {
    let mut request = SearchRequest::query("образовательных организаций");
    request.filters.region = Some("Красноярский край".into());
    let response = engine().search(&request).unwrap();
    assert!(
        response
            .hits
            .iter()
            .all(|hit| hit.region.as_deref() == Some("Красноярский край"))
    );
    let regions: Vec<_> = response
        .facets
        .region
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    assert!(regions.contains(&"Краснодарский край"), "{regions:?}");
    let chosen = response.facets.region.iter().find(|v| v.selected).unwrap();
    assert_eq!(chosen.value, "Красноярский край");
    assert_eq!(chosen.count as usize, response.total);
    // The year facet does obey the region filter.
    assert!(response.facets.year.iter().all(|v| v.value == "2022"));
}

#[test]
fn a_year_alone_lists_that_year_newest_first() {
    let response = search("2019");
    assert_eq!(response.total, 4 + 13);
    assert!(response.hits.iter().all(|hit| hit.year == Some(2019)));
    assert_eq!(response.hits[0].date.as_deref(), Some("2019-11-27"));
}

#[test]
fn resolutions_level_returns_resolutions() {
    let mut request = SearchRequest::query("Точка роста");
    request.level = Level::Resolutions;
    let response = engine().search(&request).unwrap();
    assert_eq!(response.hits[0].kind, "resolution");
    assert!(response.hits[0].title.contains("Точка роста"));
}

#[test]
fn odd_input_never_fails() {
    for q in [
        "\"незакрытая кавычка",
        "((",
        "-",
        "AND OR NOT",
        "title:",
        "😀 \u{0} \u{202e}",
        "a:b:c",
        "*",
        "~2",
    ] {
        let response = engine().search(&SearchRequest::query(q));
        assert!(response.is_ok(), "{q:?}: {response:?}");
    }
}

#[test]
fn highlights_are_html_safe() {
    let response = search("<script> воспитания");
    for hit in &response.hits {
        assert!(!hit.highlight.contains("<script>"));
    }
}

#[test]
fn addressee_filter_narrows_to_that_heading() {
    let mut request = SearchRequest::query("");
    request.filters.addressee = Some("руководителям центров «Точка роста»".into());
    let response = engine().search(&request).unwrap();
    assert_eq!(response.total, 5);
}

#[test]
fn a_resolution_is_fetched_whole() {
    let id = search("Мегион").hits[0].resolution_id.clone();
    let resolution = engine().resolution(&id).unwrap();
    assert_eq!(resolution.items.len(), 13);
    assert!(matches!(
        engine().resolution("nope"),
        Err(SearchError::NotFound(_))
    ));
}

#[test]
fn no_common_hit_relaxes_to_any_word() {
    let response = search("агроклассов медиаволонтерство");
    assert!(response.query.relaxed);
    assert!(response.total >= 2);
}

#[test]
fn stats_count_both_levels() {
    let stats = engine().stats().unwrap();
    assert_eq!(stats.resolutions, 5);
    assert_eq!(stats.items, 70);
    let krasnodar = stats
        .facets
        .region
        .iter()
        .find(|v| v.value == "Краснодарский край");
    assert!(krasnodar.is_none() || krasnodar.unwrap().count == 3);
}

fn positions_of(response: &SearchResponse, municipality: &str) -> Vec<u32> {
    response
        .hits
        .iter()
        .filter(|hit| hit.municipality.as_deref() == Some(municipality))
        .filter_map(|hit| hit.item_position)
        .collect()
}

#[test]
fn derived_words_find_each_other_below_inflected_forms() {
    let response = search("профориентация 2023");
    let armavir = positions_of(&response, "г. Армавир");
    for position in [18, 19, 20, 23, 24] {
        assert!(
            armavir.contains(&position),
            "item {position} missing: {armavir:?}"
        );
    }
    let rank = |position| armavir.iter().position(|p| *p == position).unwrap();
    assert!(rank(23) < rank(18) && rank(24) < rank(19), "{armavir:?}");

    let derived = search("профориентационный");
    assert!(
        derived
            .hits
            .iter()
            .any(|hit| hit.text.contains("профориентацию"))
    );
    let upbringing = search("воспитательный");
    assert!(
        upbringing
            .hits
            .iter()
            .any(|hit| hit.text.contains("воспитанию") || hit.text.contains("воспитания"))
    );
}

#[test]
fn abbreviations_find_their_phrases_and_back() {
    let short = search("ОВЗ");
    assert!(
        short
            .hits
            .iter()
            .any(|hit| hit.text.contains("ограниченными возможностями здоровья"))
    );
    assert_eq!(
        short.query.synonyms[0].alternatives,
        ["ограниченные возможности здоровья"]
    );
    let highlighted = short
        .hits
        .iter()
        .find(|hit| hit.text.contains("ограниченными"))
        .unwrap();
    // The whole phrase is marked, as one match of «ОВЗ».
    assert!(
        highlighted
            .highlight
            .contains("<mark>ограниченными возможностями здоровья</mark>"),
        "{}",
        highlighted.highlight
    );

    let long = search("федеральных государственных образовательных стандартов");
    assert!(long.total >= 2);
    let fgos = search("ФГОС");
    assert!(fgos.hits.iter().any(|hit| {
        hit.text
            .contains("федеральных государственных образовательных стандартов")
    }));
}

#[test]
fn wrong_layout_and_typos_are_fixed_with_a_notice() {
    for typed in ["ghjabjhbtynfwbz", "профариентация"] {
        let response = search(typed);
        let correction = response
            .query
            .correction
            .as_ref()
            .unwrap_or_else(|| panic!("{typed}"));
        assert_eq!(correction.corrected, "профориентация", "{typed}");
        assert!(response.total > 0, "{typed}");
    }
    let response = search("наставнечество");
    assert_eq!(
        response.query.correction.unwrap().corrected,
        "наставничество"
    );
    let mut literal = SearchRequest::query("профариентация");
    literal.literal = true;
    let response = engine().search(&literal).unwrap();
    assert!(response.query.correction.is_none());
    assert_eq!(response.total, 0);
}

#[test]
fn real_words_are_not_respelt() {
    // Regressions: these were searched as «тематика», «вузей», «темья», «с темьей».
    for typed in [
        "математика",
        "музей",
        "семья",
        "с семьей",
        "взаимодействие с семьёй",
    ] {
        let response = search(typed);
        assert!(
            response.query.correction.is_none(),
            "{typed}: {:?}",
            response.query.correction
        );
        assert_eq!(response.query.text, typed);
    }
}

#[test]
fn typos_of_the_judged_queries_are_still_fixed() {
    for (typed, right) in [
        ("валонтерство", "волонтерство"),
        ("воспетание", "воспитание"),
        ("допалнительное образование", "дополнительное образование"),
        ("инфраструткура", "инфраструктура"),
        ("точка раста", "точка роста"),
    ] {
        let response = search(typed);
        let correction = response
            .query
            .correction
            .unwrap_or_else(|| panic!("{typed}"));
        assert_eq!(correction.corrected, right, "{typed}");
    }
}

#[test]
fn a_respelling_is_a_real_word_form() {
    for typed in ["профариентацией", "наставнечества", "прафориентация"]
    {
        let response = search(typed);
        let correction = response
            .query
            .correction
            .unwrap_or_else(|| panic!("{typed}"));
        let engine = engine();
        let searcher = engine.reader.searcher();
        assert!(
            engine.has_exact_form(&searcher, &correction.corrected)
                || edusearch_russian::is_word_form(&correction.corrected),
            "{typed} → {}",
            correction.corrected
        );
    }
}

#[test]
fn ordinary_words_are_not_place_filters() {
    for typed in [
        "немецкий язык",
        "кем быть",
        "воздушный шар",
        "прогресс учеников",
    ] {
        let response = search(typed);
        assert_eq!(response.query.region_from_query, None, "{typed}");
        assert_eq!(response.query.municipality_from_query, None, "{typed}");
    }
}

#[test]
fn places_in_the_query_become_filters() {
    let response = search("наставничество в Красноярском крае");
    assert_eq!(
        response.query.region_from_query.as_deref(),
        Some("Красноярский край")
    );
    assert!(response.total > 0);
    assert!(
        response
            .hits
            .iter()
            .all(|hit| hit.region.as_deref() == Some("Красноярский край"))
    );
    let megion = search("Мегион");
    assert_eq!(
        megion.query.filters.municipality.as_deref(),
        Some("г. Мегион")
    );
    assert_eq!(megion.total, 13);
    assert_eq!(search("Кубань").total, 4 + 6 + 33);
}

#[test]
fn year_ranges_filter_by_range() {
    let response = search("2022-2023");
    assert_eq!(
        (response.query.filters.year, response.query.filters.year_to),
        (Some(2022), Some(2023))
    );
    assert_eq!(response.total, 6 + 14 + 33);
}

#[test]
fn compound_spellings_meet() {
    let joined = search("естественнонаучный");
    let hyphenated = search("естественно-научный");
    let spaced = search("естественно научный");
    assert!(joined.total > 0 && hyphenated.total > 0 && spaced.total > 0);
    assert!(
        joined
            .hits
            .iter()
            .any(|hit| hit.text.contains("естественно-научного"))
    );
    assert!(
        hyphenated
            .hits
            .iter()
            .any(|hit| hit.text.contains("естественнонаучной"))
    );
}

#[test]
fn exclusion_and_phrases() {
    let all = search("профориентационных");
    let excluded = search("профориентационных -экскурсии");
    assert!(excluded.total < all.total);
    assert!(
        excluded
            .hits
            .iter()
            .all(|hit| !hit.text.contains("экскурсии"))
    );
    let phrase = search("\"Разговоры о важном\"");
    assert!(phrase.total >= 3);
}

#[test]
fn baseline_is_plain_bm25() {
    let baseline = engine()
        .search_with(
            &SearchRequest::query("профориентация 2023"),
            Pipeline::Baseline,
        )
        .unwrap();
    assert_eq!(baseline.query.filters.year, None);
    assert!(
        baseline
            .hits
            .iter()
            .any(|hit| hit.municipality.as_deref() != Some("г. Армавир"))
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn any_query_is_answered(query in "\\PC{0,120}") {
            let response = engine().search(&SearchRequest::query(query.clone()));
            prop_assert!(response.is_ok(), "{:?}: {:?}", query, response.err());
        }

        #[test]
        fn any_query_with_syntax_is_answered(query in "(\"|-|\\(|\\)|:|\\*|~|\\^|AND|OR|NOT|region:|year:|topic:|2023|ОВЗ|[а-яa-z]{1,8}| ){0,15}") {
            let response = engine().search(&SearchRequest::query(query.clone()));
            prop_assert!(response.is_ok(), "{:?}: {:?}", query, response.err());
        }
    }
}

#[test]
fn derived_forms_are_highlighted_too() {
    let response = search("профориентация 2023");
    let item18 = response
        .hits
        .iter()
        .find(|hit| hit.item_position == Some(18))
        .unwrap();
    assert!(
        item18.highlight.contains("<mark>профориентационных</mark>"),
        "{}",
        item18.highlight
    );
}

#[test]
fn facet_tables_count_what_tantivys_facet_collector_counts() {
    use tantivy::collector::FacetCollector;
    let engine = engine();
    let searcher = engine.reader.searcher();
    for text in ["профориентация", "наставничество педагогов", "ОВЗ", ""]
    {
        for level in [Level::Items, Level::Resolutions] {
            let filters = Filters {
                level,
                ..Filters::default()
            };
            let (text_query, _) = engine.text_query(text, Pipeline::Full);
            let query = engine.with_filters(text_query.as_deref(), &filters, None);
            for facet in FacetField::ALL {
                let mut reference = FacetCollector::for_field(facet.field_name());
                reference.add_facet(facet.root());
                let expected: Vec<(String, u64)> = searcher
                    .search(query.as_ref(), &reference)
                    .unwrap()
                    .get(facet.root())
                    .map(|(value, count)| (value.to_path().last().unwrap().to_string(), count))
                    .collect();
                let mut ours = searcher
                    .search(query.as_ref(), &engine.facet_counter(facet))
                    .unwrap();
                ours.sort();
                let mut expected = expected;
                expected.sort();
                assert!(!expected.is_empty(), "{text:?} {facet:?}");
                assert_eq!(ours, expected, "{text:?} {level:?} {facet:?}");
            }
        }
    }
}

/// The main pass checks the resolution exclusion, the topic boost and one facet filter per
/// document: its total, facet counts and ranking must be what the same filters as query
/// clauses give.
#[test]
fn the_main_pass_counts_and_ranks_as_query_clauses_would() {
    let packed = engine();
    assert!(
        packed.packed.is_some(),
        "the seed corpus's facets fit a word"
    );
    main_pass_matches_query_clauses(packed);
    assert!(
        packed.level_ranges.iter().all(|ranges| !ranges.is_empty()),
        "every segment of the seed index holds its items first"
    );
    // The same engine reading the facet tables and searching whole segments, as for an index
    // whose facets do not fit a word or whose segments mix the levels.
    let mut tables = Engine::from_index(packed.index.clone(), packed.schema.clone()).unwrap();
    tables.packed = None;
    tables.level_ranges = Default::default();
    main_pass_matches_query_clauses(&tables);
}

/// A query limited to one level's document ids matches that level's documents, whether its
/// matches are counted from its scorer or collected with scores.
#[test]
fn a_level_range_query_matches_the_documents_of_its_level() {
    let engine = engine();
    let searcher = engine.reader.searcher();
    for (ranges, level, expected) in [
        (&engine.level_ranges[0], DocKind::Item, 70),
        (&engine.level_ranges[1], DocKind::Resolution, 5),
    ] {
        assert_eq!(ranges.len(), searcher.segment_readers().len());
        for inner in [
            Box::new(AllQuery) as Box<dyn Query>,
            engine.text_query("обучающихся", Pipeline::Full).0.unwrap(),
        ] {
            let query = level_range::LevelRange {
                inner: inner.box_clone(),
                ranges: Arc::clone(ranges),
            };
            let counted = searcher.search(&query, &Count).unwrap();
            let (collected, top) = searcher
                .search(&query, &(Count, TopDocs::with_limit(100).order_by_score()))
                .unwrap();
            assert_eq!(counted, collected, "{inner:?}");
            assert!(counted > 0 && counted <= expected, "{inner:?}: {counted}");
            for (_, address) in top {
                let document: TantivyDocument = searcher.doc(address).unwrap();
                let kind = document
                    .get_first(engine.schema.kind)
                    .and_then(|v| v.as_str());
                assert_eq!(kind, Some(level.as_str()), "{inner:?}");
            }
        }
        let everything = level_range::LevelRange {
            inner: Box::new(AllQuery),
            ranges: Arc::clone(ranges),
        };
        assert_eq!(searcher.search(&everything, &Count).unwrap(), expected);
    }
}

fn main_pass_matches_query_clauses(engine: &Engine) {
    let searcher = engine.reader.searcher();
    let all = engine.all_facets(Level::Items).unwrap();
    let region = all.region[0].value.clone();
    let topic = all.topic[0].value.clone();
    let year: i32 = all.year[0].value.parse().unwrap();
    let set = |in_force: SearchFilters, level: Level| Filters {
        in_force,
        level,
        ..Filters::default()
    };
    let none = SearchFilters::default();
    let cases: Vec<(&str, Filters)> = vec![
        ("профориентация", Filters::default()),
        (
            "профориентация",
            set(
                SearchFilters {
                    year: Some(year),
                    ..none.clone()
                },
                Level::Items,
            ),
        ),
        (
            "педагогов",
            set(
                SearchFilters {
                    region: Some(region.clone()),
                    ..none.clone()
                },
                Level::Items,
            ),
        ),
        (
            "работа",
            set(
                SearchFilters {
                    topic: Some(topic.clone()),
                    year: Some(year - 2),
                    year_to: Some(year),
                    ..none.clone()
                },
                Level::Items,
            ),
        ),
        (
            "обучающихся",
            set(
                SearchFilters {
                    year: Some(year - 3),
                    year_to: Some(year),
                    ..none.clone()
                },
                Level::Resolutions,
            ),
        ),
    ];
    for (text, mut filters) in cases {
        filters.topic_boost = understand(text).topic_boost;
        let (response, text_query) = main_pass_agrees_on_total_and_order(engine, text, &filters);
        for (facet, values) in [
            (FacetField::Region, &response.facets.region),
            (FacetField::Year, &response.facets.year),
            (FacetField::Topic, &response.facets.topic),
        ] {
            let except = filters.filters(facet).then_some(facet);
            let query = engine.with_filters(text_query.as_deref(), &filters, except);
            let mut expected = searcher
                .search(query.as_ref(), &engine.facet_counter(facet))
                .unwrap();
            expected.sort();
            let mut ours: Vec<(String, u64)> = values
                .iter()
                .filter(|value| value.count > 0)
                .map(|value| (value.value.clone(), value.count))
                .collect();
            ours.sort();
            assert_eq!(ours, expected, "{text:?} {filters:?} {facet:?}");
        }
    }
}

/// Runs one case of [`main_pass_matches_query_clauses`]: the total and the page agree with
/// the query clauses; returns the response and the text query for the facet checks.
fn main_pass_agrees_on_total_and_order(
    engine: &Engine,
    text: &str,
    filters: &Filters,
) -> (SearchResponse, Option<Box<dyn Query>>) {
    let searcher = engine.reader.searcher();
    let request = SearchRequest {
        q: text.to_string(),
        filters: filters.in_force.clone(),
        level: filters.level,
        per_page: 50,
        ..SearchRequest::query(text)
    };
    let response = engine.search(&request).unwrap();
    assert!(
        !response.query.relaxed,
        "{text:?} {filters:?}: enough hits with every word"
    );
    let (text_query, _) = engine.text_query(text, Pipeline::Full);
    let query = engine.with_filters(text_query.as_deref(), filters, None);
    let expected_total = searcher.search(query.as_ref(), &Count).unwrap();
    assert!(expected_total > 0, "{text:?} {filters:?}");
    assert_eq!(
        response.total_matches, expected_total,
        "{text:?} {filters:?}"
    );
    // Scores to 1/1000: summed in another order, they may differ in the last bits.
    let milli = |score: f32| (score * 1000.0).round() as i64;
    let expected_order: Vec<(String, Option<u32>, i64)> = engine
        .top_docs(&searcher, query.as_ref(), &request, 0)
        .unwrap()
        .into_iter()
        .map(|(score, address)| {
            let document: TantivyDocument = searcher.doc(address).unwrap();
            let hit = engine.hit(
                stored::StoredFields::from(&document),
                0.0,
                filters.level,
                &highlight::Highlighter::none(),
            );
            (hit.resolution_id, hit.item_position, milli(score))
        })
        .collect();
    let order: Vec<(String, Option<u32>, i64)> = response
        .hits
        .iter()
        .map(|hit| {
            (
                hit.resolution_id.clone(),
                hit.item_position,
                milli(hit.score),
            )
        })
        .collect();
    assert_eq!(order, expected_order, "{text:?} {filters:?}");
    (response, text_query)
}

#[test]
fn the_event_kind_filter_keeps_the_resolutions_of_that_kind_only() {
    let engine = engine();
    let everything = engine
        .search(&SearchRequest {
            level: Level::Resolutions,
            per_page: 100,
            ..SearchRequest::query("")
        })
        .unwrap();
    let kinds: Vec<Option<String>> = everything
        .hits
        .iter()
        .map(|hit| hit.event_kind.clone())
        .collect();
    let mut distinct: Vec<&String> = kinds.iter().flatten().collect();
    distinct.sort();
    distinct.dedup();
    assert!(
        distinct.len() >= 2,
        "the seeds hold several kinds: {kinds:?}"
    );
    for id in distinct {
        let kind = edusearch_resolution::EventKind::from_name(id).unwrap();
        let expected = kinds.iter().flatten().filter(|other| *other == id).count();
        for level in [Level::Resolutions, Level::Items] {
            let filtered = engine
                .search(&SearchRequest {
                    filters: SearchFilters {
                        event_kind: Some(kind),
                        ..SearchFilters::default()
                    },
                    level,
                    per_page: 100,
                    ..SearchRequest::query("")
                })
                .unwrap();
            assert!(filtered.total > 0, "{id} {level:?}");
            assert!(
                filtered
                    .hits
                    .iter()
                    .all(|hit| hit.event_kind.as_deref() == Some(id.as_str())),
                "{id} {level:?}"
            );
            assert_eq!(filtered.query.filters.event_kind, Some(kind));
            if level == Level::Resolutions {
                assert_eq!(filtered.total, expected, "{id}");
            }
        }
    }
}

#[test]
fn a_search_answers_the_same_once_its_frequent_words_are_kept_as_bits() {
    // An engine of its own, so the bits it keeps are this test's.
    let fresh = Engine::from_index(engine().index.clone(), engine().schema.clone()).unwrap();
    let answer = |request: &SearchRequest| {
        let mut response = serde_json::to_value(fresh.search(request).unwrap()).unwrap();
        response["took_ms"] = serde_json::Value::Null;
        response
    };
    // Two frequent words beside a year (a facet filter: few matches scored), and the same
    // words alone (every match scored). The first search walks the postings, the second
    // reads the words' bits, the third uses the bits kept.
    for query in ["работы образовательных 2022", "работы образовательных"]
    {
        let request = SearchRequest::query(query);
        let first = answer(&request);
        assert_eq!(
            first["query"]["relaxed"], false,
            "«{query}» has both words: {first}"
        );
        assert!(first["total"].as_u64().unwrap() >= 10, "«{query}»: {first}");
        assert_eq!(answer(&request), first, "«{query}», second search");
        assert_eq!(answer(&request), first, "«{query}», third search");
    }
    assert!(
        fresh.dense_words.bytes() > 0,
        "the words are frequent enough"
    );
}
