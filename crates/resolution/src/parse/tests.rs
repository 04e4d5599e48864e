//! The five seed resolutions, parsed end to end: these pin the rules on real documents.

use super::*;
use crate::{EventDate, EventKind};

fn seed(name: &str) -> Resolution {
    let path = format!(
        "{}/../../index-data/resolutions/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    parse_resolution(name, &bytes).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn addressees(resolution: &Resolution) -> Vec<(String, usize)> {
    let mut groups: Vec<(String, usize)> = Vec::new();
    for item in &resolution.items {
        let Some(addressee) = &item.addressee else {
            continue;
        };
        match groups.last_mut() {
            Some((last, count)) if last == addressee => *count += 1,
            _ => groups.push((addressee.clone(), 1)),
        }
    }
    groups
}

#[test]
fn seed_000_ust_labinsk_conference() {
    let r = seed("000_9f8d6dd59f86c0fe.txt");
    assert_eq!(r.date, Some(EventDate::ymd(2019, 11, 27)));
    assert_eq!(r.year, Some(2019));
    assert_eq!(r.event_kind, Some(EventKind::Conference));
    assert_eq!(
        r.event.as_deref(),
        Some(
            "«Реализация естественно-научного профиля и организация агроклассов: модели, ресурсы, возможности сетевого взаимодействия»"
        )
    );
    assert!(
        r.title
            .starts_with("Резолюция I научно-практической конференции «Реализация")
    );
    assert_eq!(r.participants, Some(150));
    assert_eq!(r.items.len(), 4, "{:#?}", r.items);
    assert!(
        r.items[0]
            .text
            .starts_with("обобщить и рекомендовать к распространению")
    );
    assert!(
        r.items[3]
            .text
            .contains("консультационных центров для родителей")
    );
    assert!(r.items.iter().all(|item| item.addressee.is_none()));
    assert!(!r.items.iter().any(|item| item.text.contains("Оргкомитет")));
    assert_eq!(
        r.location.municipality_display().as_deref(),
        Some("Усть-Лабинский район (г. Усть-Лабинск)")
    );
    assert_eq!(r.location.region.as_deref(), Some("Краснодарский край"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn seed_001_krasnodar_tochka_rosta() {
    let r = seed("001_a3bec1d95fbd12b9.txt");
    assert_eq!(r.date, Some(EventDate::ymd(2022, 8, 18)));
    assert_eq!(r.event_kind, Some(EventKind::Conference));
    assert_eq!(
        r.event.as_deref(),
        Some("«Внедрение новых форм работы и образовательных программ в Центрах «Точка роста»»")
    );
    assert_eq!(r.participants, Some(400));
    assert_eq!(r.items.len(), 6, "{:#?}", r.items);
    assert_eq!(
        addressees(&r),
        [
            (
                "Центру непрерывного повышения профессионального мастерства педагогических работников ГБОУ ИРО Краснодарского края".to_string(),
                1
            ),
            ("Руководителям Центров «Точка роста»".to_string(), 5),
        ]
    );
    let numbers: Vec<_> = r.items.iter().map(|item| item.number.as_str()).collect();
    assert_eq!(numbers, ["1", "1", "2", "3", "4", "5"]);
    let positions: Vec<_> = r.items.iter().map(|item| item.position).collect();
    assert_eq!(positions, [1, 2, 3, 4, 5, 6]);
    assert!(!r.items[5].text.contains("Участники конференции"));
    // «одна\n\nиз которых» is one sentence in the body.
    assert!(r.body.contains("в 5 секциях, одна из которых"));
    assert_eq!(r.location.municipality.as_deref(), Some("г. Краснодар"));
    assert_eq!(r.location.region.as_deref(), Some("Краснодарский край"));
    assert!(r.title.ends_with("Краснодарского края"), "{}", r.title);
}

#[test]
fn seed_002_armavir_inline_numbering() {
    let r = seed("002_031f62da69e65aea.txt");
    assert_eq!(r.date, Some(EventDate::ymd(2023, 8, 31)));
    assert_eq!(r.event_kind, Some(EventKind::Meeting));
    assert_eq!(
        r.event.as_deref(),
        Some(
            "«Образовательный суверенитет: от государственной стратегии - к педагогической практике»"
        )
    );
    assert_eq!(r.items.len(), 33, "{:#?}", r.items);
    for (index, item) in r.items.iter().enumerate() {
        assert_eq!(item.number, (index + 1).to_string());
        assert!(item.text.chars().next().unwrap().is_uppercase(), "{item:?}");
    }
    assert!(
        r.items[17]
            .text
            .starts_with("Разработать и утвердить календарный план профориентационных")
    );
    assert!(r.items[23].text.contains("посвященное профориентации"));
    assert!(
        r.items[32].text.ends_with("образовательной политики."),
        "{}",
        r.items[32].text
    );
    for debris in ["10:16", "Всего комментариев", "Подписаться", "RSS", "|"]
    {
        assert!(!r.body.contains(debris), "body keeps {debris:?}");
        assert!(
            !r.items.iter().any(|item| item.text.contains(debris)),
            "item keeps {debris:?}"
        );
    }
    assert_eq!(r.location.municipality.as_deref(), Some("г. Армавир"));
    assert_eq!(r.location.region.as_deref(), Some("Краснодарский край"));
}

#[test]
fn seed_003_irbei_addressees_after_problems() {
    let r = seed("003_19532b6239aba2e0.txt");
    assert_eq!(r.date, Some(EventDate::ymd(2022, 5, 17)));
    assert_eq!(r.event.as_deref(), Some("«Создаем будущее сегодня»"));
    assert_eq!(r.event_kind, Some(EventKind::Conference));
    assert_eq!(r.participants, Some(42));
    assert_eq!(r.items.len(), 14, "{:#?}", r.items);
    assert_eq!(
        addressees(&r),
        [
            ("Управлению образования".to_string(), 5),
            ("Образовательным организациям".to_string(), 9),
        ]
    );
    assert!(
        !r.items
            .iter()
            .any(|item| item.text.contains("несоответствие"))
    );
    assert!(
        !r.items
            .iter()
            .any(|item| item.text.starts_with("Профессиональная ориентация"))
    );
    assert_eq!(r.location.municipality.as_deref(), Some("Ирбейский район"));
    assert_eq!(r.location.region.as_deref(), Some("Красноярский край"));
}

#[test]
fn seed_004_megion_continuations() {
    let r = seed("004_51dad73ccb525009.txt");
    assert_eq!(r.date, Some(EventDate::ymd(2019, 9, 12)));
    assert_eq!(r.date_start, Some(EventDate::ymd(2019, 9, 11)));
    assert_eq!(r.event_kind, Some(EventKind::Meeting));
    assert_eq!(
        r.event.as_deref(),
        Some(
            "«Образовательная экосистема: курс на индивидуализацию, персонализацию и персонификацию образовательной деятельности»"
        )
    );
    assert_eq!(r.participants, Some(250));
    assert_eq!(r.items.len(), 13, "{:#?}", r.items);
    assert!(
        r.items[2]
            .text
            .contains("с ограниченными возможностями здоровья")
    );
    assert!(r.items[8].text.contains("\nРасширять практику реализации"));
    assert!(
        r.items[11]
            .text
            .contains("\nРазработать и внедрить систему мероприятий")
    );
    assert_eq!(r.location.municipality.as_deref(), Some("г. Мегион"));
    assert_eq!(
        r.location.region.as_deref(),
        Some("Ханты-Мансийский автономный округ — Югра")
    );
}

#[test]
fn ids_are_stable_and_content_based() {
    let bytes = std::fs::read(format!(
        "{}/../../index-data/resolutions/003_19532b6239aba2e0.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let first = parse_resolution("a.txt", &bytes).unwrap();
    let again = parse_resolution("b.txt", &bytes).unwrap();
    assert_eq!(first.id, again.id);
    assert_eq!(first.id.len(), 16);
    let mut reflowed = String::from_utf8(bytes).unwrap().replace('\n', "\r\n");
    reflowed.push_str("\r\n\r\nПодписаться\r\n");
    assert_eq!(parse_text("c.txt", &reflowed).unwrap().id, first.id);
    let other = seed("004_51dad73ccb525009.txt");
    assert_ne!(other.id, first.id);
}

#[test]
fn a_text_without_a_list_is_kept_with_a_warning() {
    let r = parse_text(
        "note.txt",
        "Резолюция педагогического совета\n\nСостоялся педсовет 5 марта 2021 года. Обсудили итоги четверти.",
    )
    .unwrap();
    assert!(r.items.is_empty());
    assert_eq!(r.event_kind, Some(EventKind::TeachersCouncil));
    assert_eq!(r.date, Some(EventDate::ymd(2021, 3, 5)));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("no recommendation list"))
    );
}

#[test]
fn a_first_line_of_running_text_stays_in_the_body() {
    let paragraph = "Педагоги района обсудили наставничество. Участники рекомендовали \
                     создать методическое объединение наставников в каждой школе.";
    let r = parse_text("paragraph.txt", paragraph).unwrap();
    assert_eq!(
        r.body, paragraph,
        "every word of the paragraph is searchable"
    );
    assert_eq!(r.title, "Педагоги района обсудили наставничество.");

    let headed = parse_text(
        "headed.txt",
        "Решение педагогического совета МБОУ СОШ № 5 г. Кемь\n\nОбсудили итоги четверти.",
    )
    .unwrap();
    assert_eq!(
        headed.title,
        "Решение педагогического совета МБОУ СОШ № 5 г. Кемь"
    );
    assert_eq!(headed.body, "Обсудили итоги четверти.");

    let one_sentence = "Педагоги района обсудили наставничество молодых учителей.";
    let single = parse_text("single.txt", one_sentence).unwrap();
    assert_eq!(
        single.body, one_sentence,
        "a text of one line is its own body"
    );
}

#[test]
fn non_russian_and_empty_inputs_are_errors() {
    assert!(matches!(
        parse_resolution("e.txt", b""),
        Err(ParseError::Empty)
    ));
    assert!(matches!(
        parse_resolution("l.txt", b"Just an English note."),
        Err(ParseError::NoRussianText)
    ));
    assert!(matches!(
        parse_resolution("b.bin", &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0]),
        Err(ParseError::Binary)
    ));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// The whole count pattern over each sentence, as `participants` did before it tried the
    /// pattern only at numbers.
    fn reference_participants(body: &str) -> Option<u32> {
        static COUNT: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(&format!("(?i){COUNT_PATTERN}")).unwrap());
        body.split(['.', '\n'])
            .filter(|sentence| sentence.to_lowercase().contains("участ"))
            .find_map(|sentence| {
                let captures = COUNT.captures(sentence)?;
                captures["count"]
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
                    .parse()
                    .ok()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = parse_resolution("fuzz.txt", &bytes);
        }

        #[test]
        fn resolution_like_text_never_panics(
            text in "(РЕЗОЛЮЦИЯ|Резолюция|рекомендуют:|предлагают:|Управлению образования:|[0-9]{1,3}[.)]|- |«|»|\n|\n\n| |г\\. Мегион|Ирбейского района|2023|31 августа 2023 года|11-12 сентября|от|№|[а-яА-ЯёЁ]{1,12}|[a-z]{1,5}|[.,;:!?|]){0,120}"
        ) {
            if let Ok(resolution) = parse_text("fuzz.txt", &text) {
                for (index, item) in resolution.items.iter().enumerate() {
                    prop_assert_eq!(item.position as usize, index + 1);
                    prop_assert!(!item.text.trim().is_empty());
                }
            }
        }

        #[test]
        fn participants_as_the_whole_pattern_finds_them(
            text in "(более|Более|свыше|около|всего|участники|Участие|приняли участие|[0-9]{1,4}|[0-9]{1,3} [0-9]{3}|человек|педагогов|работников|слушатели|в|и|г|_|٣|[ .\n,№-]){0,30}"
        ) {
            prop_assert_eq!(participants(&text), reference_participants(&text));
        }

        #[test]
        fn arbitrary_strings_never_panic(text in "\\PC{0,500}") {
            let _ = parse_text("fuzz.txt", &text);
        }
    }
}

#[test]
fn a_date_late_in_a_long_text_is_still_found() {
    let filler = "Участники обсудили вопросы развития образования. ".repeat(200);
    let text =
        format!("Резолюция совещания\n\n{filler}\n\nСовещание состоялось 5 октября 2021 года.");
    let r = parse_text("late.txt", &text).unwrap();
    assert_eq!(r.date, Some(EventDate::ymd(2021, 10, 5)));
}
