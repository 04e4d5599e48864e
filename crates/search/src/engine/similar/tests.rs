//! Similar resolutions and items on the seed corpus plus three small resolutions written for
//! these tests: a near-duplicate of an Armavir item, and school meals in two towns.

use std::path::Path;
use std::sync::OnceLock;

use edusearch_indexer::{BuildOptions, IndexRoot, NoProgress, build_index};

use super::*;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    let (_, engine) = ENGINE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
        for entry in std::fs::read_dir(seed).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, corpus.join(path.file_name().unwrap())).unwrap();
        }
        for (name, text) in EXTRA {
            std::fs::write(corpus.join(name), text).unwrap();
        }
        let root = IndexRoot::new(dir.path().join("index"));
        build_index(&root, &BuildOptions::new(corpus), &NoProgress).unwrap();
        let engine = Engine::open(&root).unwrap();
        (dir, engine)
    });
    engine
}

const EXTRA: [(&str, &str); 3] = [
    (
        "megion_2024.txt",
        "РЕЗОЛЮЦИЯ\nавгустовского совещания педагогических работников города Мегиона\n\
         28 августа 2024 г.\n\n\
         Участники совещания обсудили организацию питания школьников и профессиональную \
         ориентацию.\n\nУчастники совещания рекомендуют:\n\
         1. Обеспечить организацию бесплатного горячего питания обучающихся 1–4 классов в \
         общеобразовательных организациях, усилить родительский контроль за качеством питания в \
         школьных столовых.\n\
         2. Разработать и утвердить календарный план профориентационных мероприятий в \
         соответствии с региональным планом профориентационных мероприятий на учебный год.\n\
         3. Провести модернизацию пищеблоков школьных столовых и обновить технологическое \
         оборудование.\n",
    ),
    (
        "irbey_2024.txt",
        "РЕЗОЛЮЦИЯ\nавгустовской конференции работников образования Ирбейского района\n\
         27 августа 2024 г.\n\n\
         Конференция рассмотрела вопросы здоровья обучающихся.\n\n\
         Участники конференции рекомендуют:\n\
         1. Организовать горячее питание обучающихся начальных классов, обеспечить контроль \
         качества питания в школьных столовых с участием родителей.\n\
         2. Провести дни здоровья и спортивные соревнования в каждой школе района.\n",
    ),
    (
        "armavir_2024.txt",
        "РЕЗОЛЮЦИЯ\nгородского педагогического совета г. Армавира\n30 августа 2024 г.\n\n\
         Педагогический совет рассмотрел вопросы наставничества.\n\n\
         Педагогический совет решил:\n\
         1. Обеспечить дальнейшее развитие системы наставничества молодых педагогов.\n",
    ),
];

fn item_of(municipality: &str, year: i32, starts: &str) -> (String, u32) {
    let mut request = crate::api::SearchRequest::query("");
    request.filters.municipality = Some(municipality.to_string());
    request.filters.year = Some(year);
    request.per_page = 100;
    let response = engine().search(&request).unwrap();
    let hit = response
        .hits
        .iter()
        .find(|hit| hit.text.starts_with(starts))
        .unwrap_or_else(|| panic!("no item «{starts}» in {municipality} {year}"));
    (hit.resolution_id.clone(), hit.item_position.unwrap())
}

/// Item 18 of the Armavir resolution of 2023: the calendar plan of career-guidance events.
fn career_plan() -> (String, u32) {
    item_of(
        "г. Армавир",
        2023,
        "Разработать и утвердить календарный план",
    )
}

/// Item 1 of the Megion resolution of 2024: hot meals for primary school.
fn megion_meals() -> (String, u32) {
    item_of(
        "г. Мегион",
        2024,
        "Обеспечить организацию бесплатного горячего питания",
    )
}

#[test]
fn a_reworded_item_of_another_resolution_ranks_first() {
    let (resolution_id, position) = career_plan();
    let found = engine()
        .similar_items(&resolution_id, position, 10)
        .unwrap();
    assert_eq!(found.item_id, format!("{resolution_id}-{position}"));
    let first = &found.similar[0];
    assert_eq!(first.municipality.as_deref(), Some("г. Мегион"));
    assert_eq!(first.year, Some(2024));
    assert!(
        first
            .text
            .starts_with("Разработать и утвердить календарный план"),
        "{first:?}"
    );
    assert!(first.score > 0.7 && first.score <= 1.0, "{}", first.score);
    assert_eq!(first.item_id, item_id(&first.resolution_id, first.position));
    assert!(
        found
            .similar
            .windows(2)
            .all(|pair| pair[0].score >= pair[1].score)
    );
}

#[test]
fn the_items_own_resolution_is_left_out() {
    for (resolution_id, position) in [career_plan(), megion_meals()] {
        let found = engine()
            .similar_items(&resolution_id, position, 50)
            .unwrap();
        assert!(!found.similar.is_empty());
        assert!(
            found
                .similar
                .iter()
                .all(|item| item.resolution_id != resolution_id),
            "{found:?}"
        );
    }
}

#[test]
fn school_meals_find_school_meals_and_not_career_guidance() {
    let (resolution_id, position) = megion_meals();
    let found = engine()
        .similar_items(&resolution_id, position, 50)
        .unwrap();
    let first = &found.similar[0];
    assert_eq!(first.municipality.as_deref(), Some("Ирбейский район"));
    assert!(first.text.contains("горячее питание"), "{first:?}");
    assert!(
        first
            .shared_topics
            .contains(&"здоровье и безопасность".to_string())
    );
    for item in &found.similar {
        assert!(!item.text.contains("профориентац"), "{item:?}");
    }
    // And the other way round.
    let (resolution_id, position) = career_plan();
    let found = engine()
        .similar_items(&resolution_id, position, 50)
        .unwrap();
    for item in &found.similar {
        assert!(!item.text.contains("питани"), "{item:?}");
    }
}

#[test]
fn an_item_with_nothing_alike_gets_an_empty_list() {
    // Raising the flag every week: no other resolution says anything like it.
    let (resolution_id, position) = item_of("г. Армавир", 2023, "Продолжить еженедельную");
    let found = engine()
        .similar_items(&resolution_id, position, 10)
        .unwrap();
    assert!(found.similar.is_empty(), "{found:?}");
}

#[test]
fn similar_resolutions_share_wording_and_topics() {
    let (resolution_id, _) = megion_meals();
    let found = engine().similar_resolutions(&resolution_id, 10).unwrap();
    assert!(
        found
            .similar
            .iter()
            .all(|resolution| resolution.resolution_id != resolution_id)
    );
    // The Irbey meeting on school meals shares the wording and two topics.
    let irbey = found
        .similar
        .iter()
        .find(|resolution| {
            resolution.municipality.as_deref() == Some("Ирбейский район")
                && resolution.year == Some(2024)
        })
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(
        irbey
            .shared_topics
            .contains(&"здоровье и безопасность".to_string())
    );
    assert!(
        found
            .similar
            .iter()
            .all(|resolution| resolution.score > 0.0 && resolution.score <= 1.0)
    );
    assert!(
        found
            .similar
            .windows(2)
            .all(|pair| pair[0].score >= pair[1].score)
    );
    // The one-item resolution on mentoring has no wording in common with it.
    assert!(
        found
            .similar
            .iter()
            .all(|resolution| !resolution.title.contains("Армавира")),
        "{found:?}"
    );
}

#[test]
fn the_limit_caps_the_list() {
    let (resolution_id, _) = career_plan();
    let found = engine().similar_resolutions(&resolution_id, 2).unwrap();
    assert_eq!(found.similar.len(), 2);
    for limit in [0, MAX_SIMILAR_LIMIT + 1] {
        let error = engine()
            .similar_resolutions(&resolution_id, limit)
            .unwrap_err();
        assert_eq!(error.code(), "limit_out_of_range");
    }
}

#[test]
fn unknown_ids_are_not_found() {
    let (resolution_id, _) = career_plan();
    assert!(matches!(
        engine().similar_items(&resolution_id, 999, 3),
        Err(SearchError::NotFound(_))
    ));
    assert!(matches!(
        engine().similar_items("0123456789abcdef", 1, 3),
        Err(SearchError::NotFound(_))
    ));
    assert!(matches!(
        engine().similar_resolutions("0123456789abcdef", 3),
        Err(SearchError::NotFound(_))
    ));
    assert_eq!(
        engine().similar_resolutions("nope", 3).unwrap_err().code(),
        "invalid_resolution_id"
    );
}

#[test]
fn item_ids_are_parsed_strictly() {
    assert_eq!(
        parse_item_id("9f8d6dd59f86c0fe-3").unwrap(),
        ("9f8d6dd59f86c0fe".to_string(), 3)
    );
    assert_eq!(
        parse_item_id("9f8d6dd59f86c0fe-18").unwrap(),
        ("9f8d6dd59f86c0fe".to_string(), 18)
    );
    for bad in [
        "",
        "-",
        "9f8d6dd59f86c0fe",
        "9f8d6dd59f86c0fe-",
        "-3",
        "9f8d6dd59f86c0fe-0",
        "9f8d6dd59f86c0fe--3",
        "9f8d6dd59f86c0fe-+3",
        "9f8d6dd59f86c0fe-3a",
        "9f8d6dd59f86c0fe-99999999999",
        "xyz-3",
        "9f8d 6dd5-3",
        "резолюция-3",
    ] {
        let error = parse_item_id(bad).unwrap_err();
        assert_eq!(error.code(), "invalid_item_id", "{bad:?}");
    }
    let long = format!("{}-1", "a".repeat(MAX_RESOLUTION_ID_CHARS + 1));
    assert!(parse_item_id(&long).is_err());
}
