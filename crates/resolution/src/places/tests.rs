//! Locating the seed resolutions, place mentions in text and queries, and the tables.

use edusearch_russian::words;

use super::*;
use crate::model::Location;

const SEEDS: [(&str, &str); 5] = [
    (
        "000",
        include_str!("../../../../index-data/resolutions/000_9f8d6dd59f86c0fe.txt"),
    ),
    (
        "001",
        include_str!("../../../../index-data/resolutions/001_a3bec1d95fbd12b9.txt"),
    ),
    (
        "002",
        include_str!("../../../../index-data/resolutions/002_031f62da69e65aea.txt"),
    ),
    (
        "003",
        include_str!("../../../../index-data/resolutions/003_19532b6239aba2e0.txt"),
    ),
    (
        "004",
        include_str!("../../../../index-data/resolutions/004_51dad73ccb525009.txt"),
    ),
];

/// Splits a seed as the parser does: the title block through the «Резолюция» line(s), their
/// continuation lines and a place line and a date line right after them; the rest is body.
fn split_header(text: &str) -> (&str, &str) {
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        lines.push((offset, line.trim()));
        offset += line.len();
    }
    let Some(title) = lines
        .iter()
        .position(|(_, line)| line.to_lowercase().starts_with("резолюция"))
    else {
        return ("", text);
    };
    let mut end = title + 1;
    let (mut place_seen, mut date_seen) = (false, false);
    let mut next = end;
    while next < lines.len() {
        let line = lines[next].1;
        if line.is_empty() {
            next += 1;
            continue;
        }
        let first = line.chars().next().unwrap_or(' ');
        let continues = !place_seen
            && !date_seen
            && (first.is_lowercase()
                || matches!(first, '«' | '"')
                || line.split(' ').next().is_some_and(is_roman_numeral));
        let place_line = !place_seen && (line.starts_with("г. ") || line.starts_with("город "));
        let date_line = !date_seen && is_date_line(line);
        if !(continues || place_line || date_line) {
            break;
        }
        place_seen |= place_line;
        date_seen |= date_line;
        next += 1;
        end = next;
    }
    let split = lines.get(end).map_or(text.len(), |(offset, _)| *offset);
    text.split_at(split)
}

fn is_roman_numeral(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

fn is_date_line(line: &str) -> bool {
    let words: Vec<_> = words(line).map(|word| word.text.to_lowercase()).collect();
    words
        .iter()
        .any(|word| crate::MONTHS_GENITIVE.contains(&word.as_str()))
        && words.iter().all(|word| {
            word.chars().all(|c| c.is_ascii_digit())
                || crate::MONTHS_GENITIVE.contains(&word.as_str())
                || matches!(word.as_str(), "г" | "год" | "года")
        })
}

fn expected(municipality: &str, settlement: Option<&str>, region: &str) -> Location {
    Location {
        municipality: Some(municipality.to_string()),
        settlement: settlement.map(str::to_string),
        region: Some(region.to_string()),
    }
}

fn seed_expectations() -> [Location; 5] {
    [
        expected(
            "Усть-Лабинский район",
            Some("г. Усть-Лабинск"),
            "Краснодарский край",
        ),
        expected("г. Краснодар", None, "Краснодарский край"),
        expected("г. Армавир", None, "Краснодарский край"),
        expected("Ирбейский район", None, "Красноярский край"),
        expected(
            "г. Мегион",
            None,
            "Ханты-Мансийский автономный округ — Югра",
        ),
    ]
}

#[test]
fn headers_split_as_the_parser_splits_them() {
    let (header, body) = split_header(SEEDS[0].1);
    assert!(
        header
            .trim_end()
            .ends_with("в г. Усть-Лабинске 27 ноября 2019 г.")
    );
    assert!(body.trim_start().starts_with("27 ноября в городе"));
    let (header, body) = split_header(SEEDS[1].1);
    assert!(
        header.trim_end().ends_with("18 августа 2022 г."),
        "{header}"
    );
    assert!(header.contains("г. Краснодар"));
    assert!(
        body.trim_start()
            .starts_with("18 августа 2022 года на базе")
    );
    let (header, _) = split_header(SEEDS[3].1);
    assert!(
        header.trim_end().ends_with("«Создаем будущее сегодня»"),
        "{header}"
    );
    let (header, _) = split_header(SEEDS[4].1);
    assert!(
        header.trim_end().ends_with("г. Мегиона в 2019 году"),
        "{header}"
    );
}

#[test]
fn seeds_are_located_from_header_and_body() {
    let gazetteer = Gazetteer::builtin();
    for ((name, text), want) in SEEDS.iter().zip(seed_expectations()) {
        let (header, body) = split_header(text);
        assert_eq!(gazetteer.locate(header, body), want, "seed {name}");
    }
}

#[test]
fn seeds_are_located_without_a_header() {
    let gazetteer = Gazetteer::builtin();
    for ((name, text), want) in SEEDS.iter().zip(seed_expectations()) {
        assert_eq!(gazetteer.locate("", text), want, "seed {name}");
    }
}

/// The places (display name) and region each mention of `text` names.
fn mentions(text: &str) -> Vec<(String, Marker, Option<String>, Vec<String>)> {
    Gazetteer::builtin()
        .find_mentions(text)
        .into_iter()
        .map(|mention| {
            (
                text[mention.range].to_string(),
                mention.marker,
                mention.region.map(|region| region.name().to_string()),
                mention
                    .places
                    .iter()
                    .map(|place| place.name().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn single_place(text: &str) -> (String, Marker, String) {
    let found = mentions(text);
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    let (span, marker, _, places) = found.into_iter().next().unwrap();
    assert_eq!(places.len(), 1, "{text}: {places:?}");
    (span, marker, places.into_iter().next().unwrap())
}

fn single_region(text: &str) -> (String, String) {
    let found = mentions(text);
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    let (span, _, region, _) = found.into_iter().next().unwrap();
    (span, region.unwrap_or_else(|| panic!("{text}: no region")))
}

#[test]
fn inflected_forms_are_found() {
    let cases = [
        (
            "в г. Усть-Лабинске",
            "г. Усть-Лабинске",
            Marker::Town,
            "г. Усть-Лабинск",
        ),
        (
            "Ирбейского района",
            "Ирбейского района",
            Marker::Suffix,
            "Ирбейский район",
        ),
        (
            "педагогов г. Мегиона",
            "г. Мегиона",
            Marker::Town,
            "г. Мегион",
        ),
        (
            "муниципального образования город Армавир",
            "муниципального образования город Армавир",
            Marker::Municipality,
            "г. Армавир",
        ),
        (
            "на территории городского округа город Мегион",
            "городского округа город Мегион",
            Marker::Municipality,
            "г. Мегион",
        ),
        (
            "в Усть-Лабинском районе",
            "Усть-Лабинском районе",
            Marker::Suffix,
            "Усть-Лабинский район",
        ),
        ("школы Мегиона", "Мегиона", Marker::Bare, "г. Мегион"),
        ("в Орле", "Орле", Marker::Bare, "г. Орёл"),
        ("гимназия г. Орла", "г. Орла", Marker::Town, "г. Орёл"),
        (
            "Усть-Лабинский р-н",
            "Усть-Лабинский р-н",
            Marker::Suffix,
            "Усть-Лабинский район",
        ),
        ("в Тамбове", "Тамбове", Marker::Bare, "г. Тамбов"),
        (
            "города Ростова-на-Дону",
            "города Ростова-на-Дону",
            Marker::Town,
            "г. Ростов-на-Дону",
        ),
        ("Ейска", "Ейска", Marker::Bare, "г. Ейск"),
        (
            "Ейского района",
            "Ейского района",
            Marker::Suffix,
            "Ейский район",
        ),
    ];
    for (text, span, marker, place) in cases {
        assert_eq!(
            single_place(text),
            (span.to_string(), marker, place.to_string()),
            "{text}"
        );
    }
    let regions = [
        (
            "в Краснодарском крае",
            "Краснодарском крае",
            "Краснодарский край",
        ),
        (
            "Красноярского края",
            "Красноярского края",
            "Красноярский край",
        ),
        (
            "Ханты-Мансийского автономного округа – Югры",
            "Ханты-Мансийского автономного округа – Югры",
            "Ханты-Мансийский автономный округ — Югра",
        ),
        ("Тамбовской обл.", "Тамбовской обл", "Тамбовская область"),
        (
            "в Республике Саха (Якутия)",
            "Республике Саха (Якутия",
            "Республика Саха (Якутия)",
        ),
        (
            "в республике Татарстан",
            "республике Татарстан",
            "Республика Татарстан",
        ),
    ];
    for (text, span, region) in regions {
        assert_eq!(
            single_region(text),
            (span.to_string(), region.to_string()),
            "{text}"
        );
    }
}

#[test]
fn variants_name_their_region() {
    let gazetteer = Gazetteer::builtin();
    let cases = [
        ("Кубань", "Краснодарский край"),
        ("ХМАО", "Ханты-Мансийский автономный округ — Югра"),
        ("ХМАО-Югра", "Ханты-Мансийский автономный округ — Югра"),
        ("Югра", "Ханты-Мансийский автономный округ — Югра"),
        ("Кузбасс", "Кемеровская область — Кузбасс"),
        ("Кемеровская область", "Кемеровская область — Кузбасс"),
        ("г. Москва", "Москва"),
        ("город Москва", "Москва"),
        ("Санкт-Петербурга", "Санкт-Петербург"),
        ("СПб", "Санкт-Петербург"),
        ("Якутия", "Республика Саха (Якутия)"),
        ("Чувашия", "Чувашская Республика"),
        ("Башкирия", "Республика Башкортостан"),
        ("Тува", "Республика Тыва"),
        ("ЯНАО", "Ямало-Ненецкий автономный округ"),
        ("КБР", "Кабардино-Балкарская Республика"),
        ("ДНР", "Донецкая Народная Республика"),
        ("Подмосковья", "Московская область"),
        ("Красноярского края", "Красноярский край"),
        ("хмао", "Ханты-Мансийский автономный округ — Югра"),
        ("в красноярском крае", "Красноярский край"),
    ];
    for (variant, region) in cases {
        let found = gazetteer.region(variant.trim_start_matches("в ").trim());
        assert_eq!(found.map(Region::name), Some(region), "{variant}");
    }
    assert_eq!(gazetteer.region("Ирбейский район"), None);
    assert_eq!(gazetteer.region("Краснодарский край и Кубань"), None);
    for (text, region) in [
        ("Опыт Кузбасса", "Кемеровская область — Кузбасс"),
        ("школы ХМАО", "Ханты-Мансийский автономный округ — Югра"),
    ] {
        assert_eq!(single_region(text).1, region, "{text}");
    }
    let query = gazetteer.find_mentions_in_query("наставничество в красноярском крае мегион");
    let names: Vec<_> = query
        .iter()
        .map(|mention| {
            mention
                .region
                .map(|region| region.name().to_string())
                .unwrap_or_else(|| mention.places[0].name().to_string())
        })
        .collect();
    assert_eq!(names, ["Красноярский край", "г. Мегион"]);
}

#[test]
fn common_words_are_not_places() {
    for text in [
        "мирный атом и мирное небо",
        "опыт советского периода",
        "Мирный атом служит людям",
        "Советский Союз",
        "На площадках были рассмотрены вопросы",
        "Владимир Владимирович выступил",
        "ул. Кирова, 5",
        "в 2019 г. Мирный атом",
        "Пласт проблем",
    ] {
        assert_eq!(mentions(text), [], "{text}");
    }
    let mirny = mentions("в г. Мирном");
    assert_eq!(mirny.len(), 1);
    assert_eq!(mirny[0].3.len(), 2, "{mirny:?}");
    let soviet = mentions("в Советском районе");
    assert_eq!(soviet.len(), 1);
    assert_eq!(soviet[0].1, Marker::Suffix);
    assert!(soviet[0].3.len() > 1 && soviet[0].3.iter().all(|name| name == "Советский район"));
}

/// What a query names: the text of each mention with its region or first place.
fn query_mentions(query: &str) -> Vec<(String, String)> {
    Gazetteer::builtin()
        .find_mentions_in_query(query)
        .into_iter()
        .map(|mention| {
            let name = mention.region.map_or_else(
                || mention.places[0].name().to_string(),
                |region| region.name().to_string(),
            );
            (query[mention.range].to_string(), name)
        })
        .collect()
}

#[test]
fn ordinary_words_of_a_query_are_not_places() {
    // Regressions: Немецкий национальный район, Республика Коми, г. Кемь, пгт Прогресс,
    // г. Шарья were read from these words.
    for query in [
        "немецкий язык",
        "кому оказывать помощь",
        "с кем сотрудничать школе",
        "кем быть",
        "Кем быть",
        "прогресс учеников",
        "воздушный шар",
        "в шаре",
        "в прогрессе",
        "восход",
        "заря",
        "родина",
        "томский опыт",
        "ростов и дону",
    ] {
        assert_eq!(query_mentions(query), [], "{query}");
    }
}

#[test]
fn marked_or_proper_names_of_a_query_are_places() {
    for (query, span, name) in [
        (
            "в Красноярском крае",
            "Красноярском крае",
            "Красноярский край",
        ),
        (
            "краснодарский край",
            "краснодарский край",
            "Краснодарский край",
        ),
        ("Мегион", "Мегион", "г. Мегион"),
        ("ирбейского района", "ирбейского района", "Ирбейский район"),
        ("Кубань", "Кубань", "Краснодарский край"),
        ("хмао", "хмао", "Ханты-Мансийский автономный округ — Югра"),
        ("в Армавире", "Армавире", "г. Армавир"),
        ("г. Кемь", "г. Кемь", "г. Кемь"),
        ("город Кемь", "город Кемь", "г. Кемь"),
        ("кемь", "кемь", "г. Кемь"),
        ("республика коми", "республика коми", "Республика Коми"),
        (
            "немецкий национальный район",
            "немецкий национальный район",
            "Немецкий национальный район",
        ),
        ("в томске", "томске", "г. Томск"),
        ("ростов-на-дону", "ростов-на-дону", "г. Ростов-на-Дону"),
        ("крым", "крым", "Республика Крым"),
        ("Томская область", "Томская область", "Томская область"),
    ] {
        assert_eq!(
            query_mentions(query),
            [(span.to_string(), name.to_string())],
            "{query}"
        );
    }
}

#[test]
fn ordinary_forms_are_told_from_proper_ones() {
    for word in [
        "кем",
        "кому",
        "немецкий",
        "томском",
        "прогресс",
        "шар",
        "шаре",
    ] {
        assert!(is_ordinary_form(word), "{word}");
    }
    for word in [
        "кемь",
        "коми",
        "томск",
        "томске",
        "мегион",
        "шарья",
        "армавире",
    ] {
        assert!(!is_ordinary_form(word) || word == "коми", "{word}");
    }
}

#[test]
fn passing_mentions_give_no_location() {
    let gazetteer = Gazetteer::builtin();
    let text = "Участники обсудили опыт коллег из Анапы, Геленджика и Сочи. \
                    Учитель МБОУ СОШ №38 г. Краснодара поделилась практикой. \
                    Делегация Тамбовской области рассказала о проекте.";
    assert_eq!(gazetteer.locate("", text), Location::default());
    let header = "Резолюция педагогического совета";
    assert_eq!(gazetteer.locate(header, text), Location::default());
}

#[test]
fn shared_names_are_disambiguated_by_the_region_in_the_text() {
    let gazetteer = Gazetteer::builtin();
    let ambiguous = mentions("в г. Железногорске");
    assert_eq!(ambiguous[0].3.len(), 2, "{ambiguous:?}");
    let header = "Резолюция августовского совещания\nг. Железногорск";
    assert_eq!(
        gazetteer.locate(header, "Педагоги города обсудили планы."),
        Location::default()
    );
    let location = gazetteer.locate(header, "Педагоги Красноярского края обсудили планы.");
    assert_eq!(
        location,
        expected("г. Железногорск", None, "Красноярский край")
    );
    let location = gazetteer.locate(header, "Педагоги Курской области обсудили планы.");
    assert_eq!(
        location,
        expected("г. Железногорск", None, "Курская область")
    );
}

#[test]
fn a_region_alone_is_kept_when_named_in_the_header() {
    let gazetteer = Gazetteer::builtin();
    let location = gazetteer.locate(
        "Резолюция августовского совещания педагогов Красноярского края",
        "Участники рекомендуют продолжить работу.",
    );
    assert_eq!(location.region.as_deref(), Some("Красноярский край"));
    assert_eq!(location.municipality, None);
}

#[test]
fn builtin_tables_load() {
    let gazetteer = Gazetteer::builtin();
    assert_eq!(gazetteer.regions().count(), 89);
    assert!(gazetteer.places().count() > 2_500);
    let town = gazetteer
        .places()
        .find(|place| place.name() == "г. Усть-Лабинск")
        .unwrap();
    assert_eq!(town.kind(), PlaceKind::City);
    assert_eq!(town.parent(), Some("Усть-Лабинский район"));
    assert_eq!(
        gazetteer.municipality_of(town).name(),
        "Усть-Лабинский район"
    );
    for region in gazetteer.regions() {
        assert_eq!(
            gazetteer.region(region.name()).map(Region::name),
            Some(region.name())
        );
    }
}

#[test]
fn table_errors_name_the_line() {
    let regions = "# comment\nname\toktmo\tvariants\nКраснодарский край\t03\tКубань\n";
    let bad_region = "kind\tname\tregion\tparent\toktmo\tflags\taliases\n\
                          district\tИрбейский район\tКрасноярский край\t\t04619000\t\t\n";
    let error = Gazetteer::from_tables(regions, bad_region).unwrap_err();
    assert_eq!(
        error.to_string(),
        "places.tsv line 2: unknown region \"Красноярский край\""
    );
    let bad_parent = "kind\tname\tregion\tparent\toktmo\tflags\taliases\n\
                          city\tг. Усть-Лабинск\tКраснодарский край\tУсть-Лабинский район\t1\t\t\n";
    let error = Gazetteer::from_tables(regions, bad_parent).unwrap_err();
    assert!(
        matches!(error, PlaceTableError::UnknownParent { line: 2, .. }),
        "{error}"
    );
    let error = Gazetteer::from_tables(regions, "kind\tname\n").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("places.tsv line 1: expected the header")
    );
    let small = "kind\tname\tregion\tparent\toktmo\tflags\taliases\n\
                     district\tУсть-Лабинский район\tКраснодарский край\t\t03657000\t\t\n\
                     city\tг. Усть-Лабинск\tКраснодарский край\tУсть-Лабинский район\t03657101001\t\t\n";
    let gazetteer = Gazetteer::from_tables(regions, small).unwrap();
    let location = gazetteer.locate("Резолюция конференции в г. Усть-Лабинске", "");
    assert_eq!(
        location,
        expected(
            "Усть-Лабинский район",
            Some("г. Усть-Лабинск"),
            "Краснодарский край"
        )
    );
}

#[test]
fn matching_is_fast_enough_for_every_file() {
    let gazetteer = Gazetteer::builtin();
    let text: String = SEEDS
        .iter()
        .map(|(_, text)| *text)
        .collect::<Vec<_>>()
        .join("\n");
    let started = std::time::Instant::now();
    for _ in 0..20 {
        assert!(!gazetteer.find_mentions(&text).is_empty());
    }
    // About 1 MB of text; generous for an unoptimised test build.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

/// The scan of running text skips a word that [`Gazetteer::may_open_name`] rejects: no pattern
/// filed under its forms could match there (each needs its first word capitalised).
fn check_skipped_words_open_no_name(text: &str) {
    let gazetteer = Gazetteer::builtin();
    let stems = std::cell::RefCell::new(edusearch_russian::StemCache::new());
    for token in patterns::tokenize(text, &stems) {
        if gazetteer.may_open_name(&token) {
            continue;
        }
        for key in [token.stem(), token.norm()] {
            for &id in gazetteer.index.get(key).into_iter().flatten() {
                assert_eq!(
                    gazetteer.patterns[id].capital,
                    Some(0),
                    "«{}» (key {key}) was skipped",
                    &text[token.start..token.end]
                );
            }
        }
    }
}

#[test]
fn skipped_words_open_no_name() {
    for (_, text) in SEEDS {
        check_skipped_words_open_no_name(text);
    }
    check_skipped_words_open_no_name(
        "в городском округе, муниципального района, республики Коми, респ. Коми, обл. \
         Тамбовская, р-н имени Лазо, района имени Лазо, ГОРОДСКОГО округа, зато Видяево, \
         ёлки, İstanbul, ǅемал, муниципальный округ, 2019 г. Мегион",
    );
}

proptest::proptest! {
    #[test]
    fn skipped_random_words_open_no_name(
        text in "[а-яё -]{0,12}(город|имен|муниц|район|респ|обл|р-н|ГОР|Рес|İ|ǅ)[а-яА-ЯёЁİǅ -]{0,12}"
    ) {
        check_skipped_words_open_no_name(&text);
    }
}
