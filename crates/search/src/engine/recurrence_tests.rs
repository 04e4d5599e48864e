//! Recurring recommendations in search results: the seed corpus plus two resolutions that
//! reuse two of the seed's recommendations (`tests/grouping/corpus`).

use std::path::Path;
use std::sync::OnceLock;

use edusearch_indexer::{BuildOptions, IndexRoot, NoProgress, build_index, collect_files};

use super::*;
use crate::api::Hit;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, tempfile::TempDir, Engine)> = OnceLock::new();
    let (_, _, engine) = ENGINE.get_or_init(|| {
        let data = tempfile::tempdir().unwrap();
        let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for folder in ["index-data/resolutions", "tests/grouping/corpus"] {
            for file in collect_files(&repository.join(folder)).unwrap() {
                std::fs::copy(&file, data.path().join(file.file_name().unwrap())).unwrap();
            }
        }
        let index = tempfile::tempdir().unwrap();
        let root = IndexRoot::new(index.path());
        build_index(&root, &BuildOptions::new(data.path()), &NoProgress).unwrap();
        let engine = Engine::open(&root).unwrap();
        (data, index, engine)
    });
    engine
}

fn search(request: SearchRequest) -> SearchResponse {
    engine().search(&request).unwrap()
}

#[test]
fn a_reused_recommendation_says_where_else_it_recurs() {
    let response = search(SearchRequest::query(
        "родителей и выпускников разговоры о важном",
    ));
    let first = &response.hits[0];
    let recurrence = first.recurrence.as_ref().expect("the item recurs");
    assert_eq!(recurrence.resolutions, 3);
    assert_eq!(recurrence.regions, 3);
    assert_eq!(
        (recurrence.year_from, recurrence.year_to),
        (Some(2023), Some(2025))
    );
    // An item said once has no recurrence.
    let meals = search(SearchRequest::query("горячее питание начальных классов"));
    assert!(meals.hits[0].text.contains("горячее питание"));
    assert_eq!(meals.hits[0].recurrence, None);
}

#[test]
fn collapse_shows_a_group_once_and_counts_it_once() {
    let query = "родителей и выпускников разговоры о важном";
    let plain = search(SearchRequest::query(query));
    let group = plain.hits[0].recurrence.as_ref().unwrap().group.clone();
    let in_group = |hits: &[Hit]| {
        hits.iter()
            .filter(|hit| hit.recurrence.as_ref().is_some_and(|r| r.group == group))
            .count()
    };
    assert_eq!(in_group(&plain.hits), 3);
    let collapsed = search(SearchRequest {
        collapse: true,
        ..SearchRequest::query(query)
    });
    assert!(collapsed.query.collapse);
    assert_eq!(in_group(&collapsed.hits), 1);
    assert_eq!(collapsed.total_matches, plain.total);
    assert_eq!(collapsed.total, plain.total - 2);
    assert_eq!(collapsed.hits[0].recurrence.as_ref().unwrap().group, group);
    // Pages of collapsed hits do not repeat a hit.
    let second = search(SearchRequest {
        collapse: true,
        per_page: 2,
        page: 2,
        ..SearchRequest::query(query)
    });
    let first_page = search(SearchRequest {
        collapse: true,
        per_page: 2,
        ..SearchRequest::query(query)
    });
    for hit in &second.hits {
        assert!(
            !first_page
                .hits
                .iter()
                .any(|other| other.resolution_id == hit.resolution_id
                    && other.item_position == hit.item_position)
        );
    }
}

#[test]
fn the_group_filter_lists_every_item_of_the_group() {
    let plain = search(SearchRequest::query(
        "обновленных ФГОС внедрение и реализацию",
    ));
    let recurrence = plain.hits[0]
        .recurrence
        .clone()
        .expect("the ФГОС item recurs");
    let members = search(SearchRequest {
        group: Some(recurrence.group.clone()),
        ..SearchRequest::default()
    });
    assert_eq!(members.total, 3);
    assert_eq!(
        members.query.group.as_deref(),
        Some(recurrence.group.as_str())
    );
    let mut regions: Vec<_> = members
        .hits
        .iter()
        .filter_map(|hit| hit.region.clone())
        .collect();
    regions.sort();
    regions.dedup();
    assert_eq!(regions.len(), 3);
    // Newest first when nothing is searched.
    assert_eq!(members.hits[0].year, Some(2025));
    let bad = engine().search(&SearchRequest {
        group: Some("zz".into()),
        ..SearchRequest::default()
    });
    assert_eq!(bad.unwrap_err().code(), "invalid_group");
}

#[test]
fn similar_items_list_a_recurring_recommendation_once() {
    let plain = search(SearchRequest::query(
        "родителей и выпускников разговоры о важном",
    ));
    let source = &plain.hits[0];
    let group = source.recurrence.as_ref().unwrap().group.clone();
    let similar = engine()
        .similar_items(&source.resolution_id, source.item_position.unwrap(), 10)
        .unwrap();
    let copies: Vec<_> = similar
        .similar
        .iter()
        .filter(|item| item.recurrence.as_ref().is_some_and(|r| r.group == group))
        .collect();
    // Two copies exist in other resolutions; one entry stands for both.
    assert_eq!(copies.len(), 1, "{:?}", similar.similar);
    assert_eq!(copies[0].recurrence.as_ref().unwrap().resolutions, 3);
}
