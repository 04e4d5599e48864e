//! The generated table against the committed one, and the name rules of the generator.

use super::sources::{parse_district, parse_okrug, region_full_name};
use super::*;

fn source_dir() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/gazetteer");
    dir.join("city.csv").exists().then_some(dir)
}

const REGIONS: &str = include_str!("../../../resolution/data/regions.tsv");
const PLACES: &str = include_str!("../../../resolution/data/places.tsv");

#[test]
fn generated_table_is_deterministic_and_matches_the_committed_one() {
    let Some(source) = source_dir() else {
        eprintln!("shared/gazetteer not found; skipped");
        return;
    };
    let first = generate(&source, REGIONS).unwrap();
    let second = generate(&source, REGIONS).unwrap();
    assert_eq!(first.table, second.table);
    assert!(
        first.table == PLACES,
        "places.tsv is stale: run `cargo run -p xtask -- gazetteer ../shared/gazetteer`"
    );
}

#[test]
fn okrug_names_are_understood() {
    assert!(same_place("Артемовский", "Артем"));
    assert!(same_place("Находкинский", "Находка"));
    assert!(same_place("Мегион", "Мегион"));
    assert!(!same_place("Богородский", "Ногинск"));
    assert!(!same_place("Старооскольский", "Старый Оскол"));
    assert_eq!(
        parse_okrug("город-курорт Анапа"),
        ("Анапа".to_string(), OkrugForm::City)
    );
    assert_eq!(
        parse_district("Усть-Лабинский муниципальный район")
            .unwrap()
            .display,
        "Усть-Лабинский район"
    );
    assert_eq!(
        parse_district("Муниципальный район Город Краснокаменск и Краснокаменский район")
            .unwrap()
            .display,
        "Краснокаменский район"
    );
    let anabar =
        parse_district("Анабарский национальный (долгано-эвенкийский) муниципальный район")
            .unwrap();
    assert_eq!(anabar.aliases, ["Анабарский район"]);
}

#[test]
fn common_words_are_strict() {
    for name in ["Мирный", "Советский", "Сокол", "Дно", "Видное", "Щучье"]
    {
        assert!(town_is_strict(name), "{name}");
    }
    for name in ["Мегион", "Усть-Лабинск", "Краснодар", "Сосновый Бор"]
    {
        assert!(!town_is_strict(name), "{name}");
    }
}

#[test]
fn city_csv_regions_map_to_canonical_names() {
    let regions = RegionNames::parse(REGIONS).unwrap();
    for (region_type, region, expected) in [
        (
            "АО",
            "Ханты-Мансийский Автономный округ - Югра",
            "Ханты-Мансийский автономный округ — Югра",
        ),
        (
            "обл",
            "Кемеровская область - Кузбасс",
            "Кемеровская область — Кузбасс",
        ),
        ("Респ", "Саха /Якутия/", "Республика Саха (Якутия)"),
        (
            "Респ",
            "Северная Осетия - Алания",
            "Республика Северная Осетия — Алания",
        ),
        (
            "Респ",
            "Кабардино-Балкарская",
            "Кабардино-Балкарская Республика",
        ),
        ("Чувашия", "Чувашская Республика", "Чувашская Республика"),
        ("Аобл", "Еврейская", "Еврейская автономная область"),
        ("г", "Москва", "Москва"),
    ] {
        let full = region_full_name(region_type, region);
        assert_eq!(regions.canonical(&full), Some(expected), "{full}");
    }
    assert_eq!(
        regions.canonical("Архангельская область (без автономного округа)"),
        Some("Архангельская область")
    );
}
