//! Topic rules on items of the seed resolutions, and errors of the taxonomy format.

use edusearch_russian::StemCache;

use super::classify::passages;
use super::load::{TOPIC_KEYS, TOPIC_KEYS_TEXT};
use super::*;

fn classify(text: &str) -> Vec<String> {
    Taxonomy::builtin().classify(text)
}

#[track_caller]
fn assert_has(text: &str, topics: &[&str]) {
    let found = classify(text);
    for topic in topics {
        assert!(
            found.iter().any(|name| name == topic),
            "{topic:?} not in {found:?} for {text:?}"
        );
    }
}

#[track_caller]
fn assert_lacks(text: &str, topics: &[&str]) {
    let found = classify(text);
    for topic in topics {
        assert!(
            !found.iter().any(|name| name == topic),
            "{topic:?} wrongly in {found:?} for {text:?}"
        );
    }
}

fn error(text: &str) -> String {
    Taxonomy::from_toml(text).unwrap_err().to_string()
}

const MINIMAL: &str =
    "[[topic]]\nid = \"a\"\nname = \"тема\"\ndescription = \"д\"\nterms = [\"слово\"]\n";

#[test]
fn key_list_in_messages_is_complete() {
    assert_eq!(TOPIC_KEYS.join(", "), TOPIC_KEYS_TEXT);
}

#[test]
fn builtin_taxonomy_is_valid() {
    let taxonomy = Taxonomy::builtin();
    assert!(taxonomy.topics().len() >= 20);
    for topic in taxonomy.topics() {
        assert!(!topic.name.contains('/'), "{}", topic.name);
        assert!(!topic.description.is_empty(), "{}", topic.id);
        assert_eq!(
            taxonomy.find(&topic.id).map(|found| &found.id),
            Some(&topic.id)
        );
        assert_eq!(
            taxonomy.find(&topic.name).map(|found| &found.id),
            Some(&topic.id)
        );
    }
}

// Армавир 2023 (002), items as numbered in the resolution.
const ARMAVIR_3: &str = "Содействовать повышению престижа учительской профессии, выявлению творческого потенциала педагогов в рамках масштабирования участия в общенациональных, региональных и муниципальных мероприятиях Года педагога и наставника (всероссийская акция «Учить. Вдохновлять. Развивать», серия акций «Спасибо педагогу и наставнику», проект «Педагогические династии России», проект «Натавники в лицах»).";
const ARMAVIR_4: &str = "Обеспечить дальнейшее развитие системы наставничества, в том числе с учетом использования возможностей современной цифровой образовательной среды.";
const ARMAVIR_8: &str = "Содействовать внедрению новых направлений общественной и волонтёрской (добровольческой) деятельности: медиаволонтерство, патриотическое, спортивное, культурное и эковолонтерство.";
const ARMAVIR_11: &str = "Усилить военно-патриотическую составляющую воспитательной системы на всех уровнях образования: от дошкольных образовательных организаций – до образовательных организаций высшего образования.";
const ARMAVIR_12: &str = "Реализовать проекты и программы по использованию инфраструктуры учебно-методических центров военно-патриотического воспитания молодежи в части формирования навыков в области начальной военной подготовки.";
const ARMAVIR_18: &str = "Разработать и утвердить календарный план профориентационных мероприятий в соответствии с региональным планом профориентационных мероприятий.";
const ARMAVIR_19: &str = "Назначить в каждой школе ответственного за реализацию профориентационной деятельности (уровень – заместитель директора).";
const ARMAVIR_20: &str = "Определить в общеобразовательных организациях перечень основных профориентационных мероприятий на учебный год, включая экскурсии на производство, в образовательные организации среднего профессионального образования и высшего образования, профпробы, встречи с представителями разных профессий, мастер-классы и др.";
const ARMAVIR_23: &str = "Акцентировать внимание на уроках «Технологии» как одном из основных учебных предметов, направленных на профориентацию.";
const ARMAVIR_24: &str = "Предусмотреть в плане внеурочной деятельности в 2023-2024 учебном году занятие, посвященное профориентации, еженедельно по четвергам, продолжительностью 1 академический час (по примеру проекта «Разговоры о важном»).";
const ARMAVIR_28: &str = "Обеспечить внедрение и реализацию требований обновленных федеральных государственных образовательных стандартов.";
const ARMAVIR_29: &str = "Содействовать формированию единого образовательного пространства на основе внедрения федеральных основных образовательных программ (ФООП) в 2023-2024 учебном году.";
const ARMAVIR_31: &str = "Обеспечить дальнейшее развитие системы выявления и поддержки одаренных обучающихся, провести внутренний мониторинг эффективности работы учителей-предметников на предмет выявления лучших педагогов-наставников.";
const ARMAVIR_33: &str = "Продолжить на муниципальном уровне системную работу по оценке качества образования в 2023-2024 учебном году с учетом стратегических ориентиров и задач национальной образовательной политики.";
// Мегион 2019 (004).
const MEGION_2: &str = "Сохранить во всех дошкольных образовательных организациях 100-процентную доступность дошкольного образования для детей в возрасте от 3 до 7 лет, обеспечить реализацию мероприятий по повышению доступности дошкольного образования для детей до 3-х лет, поддержку дошкольного семейного образования за счет развития сети консультативных пунктов.";
const MEGION_3: &str = "Продолжить поэтапное внедрение федеральных государственных образовательных стандартов основного общего образования (9 класс), а также федеральных государственных образовательных стандартов начального общего образования детей с ограниченными\n\nвозможностями здоровья и стандартов обучения детей с интеллектуальными нарушениями (умственной отсталостью); совершенствовать систему их комплексного сопровождения.";
const MEGION_4: &str = "Обеспечить реализацию Концепции филологического образования, обновления содержания образования по учебным предметам «Обществознание», «География», «Основы безопасности жизнедеятельности», «Физическая культура, а также предметные области «Искусство» и «Технология».";
const MEGION_7: &str = "Создать условия (кадровые, инфраструктурные, технологические), направленные на персонализацию образования, раскрытие потенциала каждого обучающегося, с учетом результатов основных оценочных процедур при разработке образовательных программ, индивидуальных образовательных траекторий обучающихся.";
// Ирбейский район 2022 (003).
const IRBEY_OVZ: &str = "адаптировать планы профориентационной работы для школьников с ограниченными возможностями здоровья;";

#[test]
fn career_guidance_in_armavir_items() {
    for item in [ARMAVIR_18, ARMAVIR_19, ARMAVIR_20, ARMAVIR_23, ARMAVIR_24] {
        assert_has(item, &["профориентация"]);
    }
    assert_eq!(classify(ARMAVIR_18), ["профориентация"]);
    assert_has(
        "Заключить соглашения с региональными/муниципальными предприятиями/организациями, образовательными организациями высшего образования и среднего профессионального образования с целью организации экскурсий и профессиональных проб.",
        &["профориентация"],
    );
}

#[test]
fn mentoring_and_digital_environment() {
    assert_eq!(
        classify(ARMAVIR_4),
        ["наставничество", "цифровая образовательная среда"]
    );
    assert_has(
        "реализовать введение в практику управления профессиональным мастерством и профессиональным развитием педагогов новых форматов взаимодействия: наставничества;",
        &["наставничество", "повышение квалификации"],
    );
}

#[test]
fn year_of_teacher_and_mentor_is_not_mentoring() {
    assert_lacks(ARMAVIR_3, &["наставничество"]);
    assert_has(ARMAVIR_3, &["педагогические кадры"]);
    // «педагогов-наставников» outside the name of the year still counts.
    assert_has(ARMAVIR_31, &["наставничество"]);
}

#[test]
fn patriotic_upbringing_implies_upbringing() {
    assert_eq!(
        classify(ARMAVIR_11),
        ["воспитание", "патриотическое воспитание"]
    );
    assert_eq!(
        classify(
            "Продолжить еженедельную церемонию поднятия Государственного флага Российской Федерации."
        ),
        ["воспитание", "патриотическое воспитание"]
    );
    assert_has(
        "Привлечь к работе по военно-патриотическому воспитанию ветеранов боевых действий, в том числе участников специальной военной операции.",
        &["патриотическое воспитание"],
    );
}

#[test]
fn all_levels_from_preschool_is_not_preschool() {
    assert_lacks(ARMAVIR_11, &["дошкольное образование"]);
}

#[test]
fn patriotic_as_a_kind_of_volunteering_is_only_volunteering() {
    assert_eq!(classify(ARMAVIR_8), ["добровольчество и волонтёрство"]);
}

#[test]
fn training_centres_of_patriotic_upbringing_are_not_methodical_work() {
    assert_has(ARMAVIR_12, &["патриотическое воспитание"]);
    assert_lacks(ARMAVIR_12, &["методическая работа"]);
}

#[test]
fn upbringing_is_not_pupils_nor_kindergarten_teachers() {
    assert_has(
        "Выстроить воспитательную систему в целях противодействия идеологии экстремизма.",
        &["воспитание"],
    );
    assert_has(
        "Активизировать деятельность советников директоров по воспитанию.",
        &["воспитание"],
    );
    let pupils = "Профессиональная ориентация обучающихся (воспитанников) на основе внутренних ресурсов самой образовательной организации";
    assert_eq!(classify(pupils), ["профориентация"]);
    assert_lacks(
        "организовать повышение квалификации воспитателей",
        &["воспитание"],
    );
    assert_has(
        "организовать повышение квалификации воспитателей",
        &["дошкольное образование"],
    );
    assert_lacks(
        "совершенствовать воспитательно-образовательный процесс в детском саду",
        &["воспитание"],
    );
}

#[test]
fn standards_and_programmes() {
    assert_eq!(classify(ARMAVIR_28), ["ФГОС и ФООП"]);
    assert_eq!(classify(ARMAVIR_29), ["ФГОС и ФООП"]);
    assert_has("Перейти на обучение по ФГОС СОО", &["ФГОС и ФООП"]);
}

#[test]
fn gifted_children_and_quality_assessment() {
    assert_has(ARMAVIR_31, &["одарённые дети"]);
    assert_lacks(ARMAVIR_31, &["оценка качества образования"]);
    assert_eq!(classify(ARMAVIR_33), ["оценка качества образования"]);
    assert_lacks("поощрять талантливых педагогов", &["одарённые дети"]);
}

#[test]
fn abbreviations_are_case_sensitive_whole_words() {
    assert_has(
        "Проанализировать результаты ВПР в 5-8 классах",
        &["оценка качества образования"],
    );
    assert_lacks(
        "впрочем, проанализировать впр",
        &["оценка качества образования"],
    );
    assert_lacks("ВПРАВЕ ли школа", &["оценка качества образования"]);
    assert_has("обучающихся с ОВЗ", &["инклюзивное образование и ОВЗ"]);
}

#[test]
fn preschool_needs_more_than_education() {
    assert_has(MEGION_2, &["дошкольное образование"]);
    assert_lacks(ARMAVIR_33, &["дошкольное образование"]);
    assert_lacks(
        "Продолжить развитие муниципальной системы образования",
        &["дошкольное образование"],
    );
    assert!(classify(MEGION_4).is_empty(), "{:?}", classify(MEGION_4));
}

#[test]
fn disabilities_phrase_in_any_inflection() {
    assert_eq!(
        classify(MEGION_3),
        ["ФГОС и ФООП", "инклюзивное образование и ОВЗ"]
    );
    assert_eq!(
        classify(IRBEY_OVZ),
        ["профориентация", "инклюзивное образование и ОВЗ"]
    );
    assert_has(
        "для детей с ограниченными возможностями здоровья",
        &["инклюзивное образование и ОВЗ"],
    );
}

#[test]
fn tochka_rosta_items() {
    for item in [
        "Выявить потребность Центров «Точка роста» в обучении педагогических работников, сформировать и направить заявку Федеральному оператору;",
        "Развивать межрегиональное и сетевое взаимодействие Центров «Точка роста», функционирующих на базе образовательных организаций Краснодарского края, способствовать налаживанию новых контактов/связей с другими Центрами;",
        "Способствовать использованию оборудования Центров «Точка роста» на уроках и во внеурочной деятельности;",
        "Развивать, популяризировать проектную деятельность в Центрах «Точка роста».",
        "обеспечить включение в сетевое взаимодействие с организациями по использованию ресурса Точек роста в профессиональной ориентации школьников в 2022-2023 учебном году",
    ] {
        assert_has(item, &["Точка роста"]);
    }
    assert_lacks("определить точки роста каждого педагога", &["Точка роста"]);
}

#[test]
fn natural_science_networking_and_career_guidance_in_ust_labinsk() {
    assert_has(
        "- обобщить и рекомендовать к распространению лучшие образцы организации предпрофильной подготовки и профильного естественно-научного обучения и организации агроклассов на уровне образовательной организации и муниципалитета;",
        &["естественно-научное образование", "профильное обучение"],
    );
    assert_has(
        "- особое внимание при формировании планов муниципальных систем образования уделять развитию сетевого взаимодействия школ, колледжей, вузов и организаций дополнительного образования детей как наиболее эффективному механизму использования образовательных ресурсов;",
        &["сетевое взаимодействие", "дополнительное образование"],
    );
    assert_has(
        "- рекомендовать муниципальным органам управления образования рассмотреть возможности создания на базе образовательных организаций консультационных центров для родителей по самоопределению детей (профориентационное, психолого-педагогическое и тьюторское сопровождение), в том числе с участием работодателей.",
        &["профориентация", "работа с родителями"],
    );
}

#[test]
fn phrases_do_not_cross_brackets() {
    // «технологические), направленные» is not «технологической направленности».
    assert_lacks(MEGION_7, &["инженерно-техническое образование"]);
    assert_has(MEGION_7, &["индивидуализация обучения"]);
    assert_has(
        "обеспечить сопровождение по самоопределению старшеклассников профориентации через протраивание ИОМ, в том числе, проявивших способности технической, естественно – научной направленности;",
        &[
            "инженерно-техническое образование",
            "естественно-научное образование",
            "индивидуализация обучения",
        ],
    );
}

#[test]
fn additional_pre_professional_programmes_are_not_career_guidance() {
    let text = "реализовать дополнительные предпрофессиональные программы в области искусств";
    assert_eq!(classify(text), ["дополнительное образование"]);
}

#[test]
fn sentences_without_topics() {
    for text in [
        "Обеспечить в 2023-2024 учебном году реализацию федеральных инициатив в части развития суверенной национальной системы образования.",
        "Участники конференции считают плодотворным состоявшийся обмен мнениями и накопленным опытом.",
        "В работе совещания приняли участие более 250 работников образования, представители администрации города, общественных организаций.",
        "Создать в общеобразовательных организациях условия для осознанного выбора дальнейшей траектории обучения выпускниками",
        "",
    ] {
        assert!(
            classify(text).is_empty(),
            "{text:?} -> {:?}",
            classify(text)
        );
    }
}

#[test]
fn results_follow_taxonomy_order() {
    let taxonomy = Taxonomy::builtin();
    let order: Vec<&str> = taxonomy
        .topics()
        .iter()
        .map(|topic| topic.name.as_str())
        .collect();
    let found = classify(&format!("{ARMAVIR_33} {ARMAVIR_18} {ARMAVIR_4}"));
    let positions: Vec<usize> = found
        .iter()
        .map(|name| order.iter().position(|known| known == name).unwrap())
        .collect();
    assert!(positions.is_sorted(), "{found:?}");
    assert_eq!(found.len(), 4);
}

#[test]
fn find_by_id_name_inflection_and_term() {
    let taxonomy = Taxonomy::builtin();
    let id = |query: &str| taxonomy.find(query).map(|topic| topic.id.as_str());
    assert_eq!(id("профориентации"), Some("career_guidance"));
    assert_eq!(id("Профориентация"), Some("career_guidance"));
    assert_eq!(id("ФГОС"), Some("standards"));
    assert_eq!(id("фгос и фооп"), Some("standards"));
    assert_eq!(id("патриотическое воспитание"), Some("patriotic"));
    assert_eq!(id("патриотического воспитания"), Some("patriotic"));
    assert_eq!(id("воспитание"), Some("upbringing"));
    assert_eq!(id("tochka_rosta"), Some("tochka_rosta"));
    assert_eq!(id("Tochka-Rosta"), Some("tochka_rosta"));
    assert_eq!(id("точки роста"), Some("tochka_rosta"));
    assert_eq!(id("одаренные дети"), Some("gifted"));
    assert_eq!(id("одарённых детей"), Some("gifted"));
    assert_eq!(id("волонтёрство"), Some("volunteering"));
    assert_eq!(id("ОВЗ"), Some("inclusive"));
    assert_eq!(id("овз"), Some("inclusive"));
    assert_eq!(id("  дошкольного   образования "), Some("preschool"));
    assert_eq!(id("образование"), None);
    assert_eq!(id("профориентация в школе"), None);
    assert_eq!(id(""), None);
    assert_eq!(id("   "), None);
}

#[test]
fn resolution_topics_come_from_title_and_items() {
    let taxonomy = Taxonomy::builtin();
    let title = "I научно-практической конференции «Реализация естественно-научного профиля и организация агроклассов: модели, ресурсы, возможности сетевого взаимодействия»";
    let body = "В Ирбейском детском саду №2 прошёл семинар. Детский сад показал опыт.";
    let topics = taxonomy.classify_resolution(title, &[ARMAVIR_33], body);
    assert_eq!(
        topics,
        [
            "оценка качества образования",
            "сетевое взаимодействие",
            "естественно-научное образование",
            "профильное обучение",
        ]
    );
}

#[test]
fn the_parser_path_classifies_as_the_public_functions() {
    let taxonomy = Taxonomy::builtin();
    let title = "Резолюция конференции «Наставничество: опыт и перспективы»";
    let body = "Профориентация. Профориентация; наставничество.";
    // A term across the addressee and the text counts for the item only, as does an
    // exclusion across them («педагога и / наставника»).
    let items: [(Option<&str>, &str); 6] = [
        (
            Some("Руководителям Центров «Точка"),
            "роста»: развивать проекты",
        ),
        (Some("В Год педагога и"), "наставника провести конкурс"),
        (Some("Управлению образования"), ARMAVIR_33),
        (None, ARMAVIR_18),
        (Some("Руководителям ОО"), ARMAVIR_4),
        (Some(""), "обучающихся с ОВЗ"),
    ];
    let (item_topics, topics) =
        taxonomy.classify_with_items(title, &items, body, &mut StemCache::new());
    for ((addressee, text), found) in items.iter().zip(&item_topics) {
        let classified = match addressee {
            Some(addressee) => format!("{addressee}\n{text}"),
            None => text.to_string(),
        };
        assert_eq!(*found, taxonomy.classify(&classified), "{classified:?}");
    }
    assert!(item_topics[0].contains(&"Точка роста".to_string()));
    assert!(!item_topics[1].contains(&"наставничество".to_string()));
    let texts: Vec<&str> = items.iter().map(|(_, text)| *text).collect();
    assert_eq!(topics, taxonomy.classify_resolution(title, &texts, body));
    assert!(!topics.contains(&"Точка роста".to_string()));

    let (none, topics) = taxonomy.classify_with_items(title, &[], body, &mut StemCache::new());
    assert!(none.is_empty());
    assert_eq!(topics, taxonomy.classify_resolution(title, &[], body));
    assert!(topics.contains(&"профориентация".to_string()));
}

#[test]
fn resolution_without_items_takes_topics_strong_in_body() {
    let taxonomy = Taxonomy::builtin();
    let body = "Обсуждены вопросы профориентационной работы. Опыт Ирбейского детского сада.\nРекомендовано развивать профориентацию и наставничество, участвовать в ВПР; проводить профпробы.";
    let topics = taxonomy.classify_resolution("Резолюция", &[], body);
    assert_eq!(topics, ["профориентация"]);
    // The same body is ignored once the resolution has items.
    let topics = taxonomy.classify_resolution("Резолюция", &[ARMAVIR_4], body);
    assert_eq!(topics, ["наставничество", "цифровая образовательная среда"]);
    // A parent comes with a child found in the body.
    let body = "Военно-патриотическое воспитание. Юнармия.";
    let topics = taxonomy.classify_resolution("", &[], body);
    assert_eq!(topics, ["воспитание", "патриотическое воспитание"]);
}

#[test]
fn rule_syntax_on_a_small_taxonomy() {
    let taxonomy = Taxonomy::from_toml(
        r#"
            [[topic]]
            id = "growth"
            name = "Точка роста"
            description = "центры"
            terms = ["Точка роста", "ЦОС", "агро*"]
            unless = ["агрохолдинг*"]
            "#,
    )
    .unwrap();
    let matches = |text: &str| !taxonomy.classify(text).is_empty();
    assert!(matches("в центрах «Точка роста»"));
    assert!(matches("ТОЧКИ РОСТА"));
    assert!(!matches("точки роста"));
    assert!(matches("ЦОС"));
    assert!(!matches("цос"));
    assert!(matches("агроклассы"));
    assert!(!matches("агрохолдинги региона"));
    // An exclusion only removes the match it overlaps.
    assert!(matches("агрохолдинги и агроклассы"));
}

#[test]
fn error_unknown_key_names_topic_and_key() {
    let text = MINIMAL.replace("terms", "term");
    let message = error(&text);
    assert!(message.contains("topic #1 (`a`)"), "{message}");
    assert!(message.contains("unknown key `term`"), "{message}");
    let message = error(&format!("version = 1\n{MINIMAL}"));
    assert!(
        message.contains("top level: unknown key `version`"),
        "{message}"
    );
}

#[test]
fn error_empty_rule() {
    let text = MINIMAL.replace(r#"["слово"]"#, r#"["слово", "  "]"#);
    assert_eq!(error(&text), "topic #1 (`a`): rule #2 of `terms` is empty");
    let text = format!("{MINIMAL}unless = [\"«»\"]\n");
    assert_eq!(error(&text), "topic #1 (`a`): rule #1 of `unless` is empty");
    let text = MINIMAL.replace(r#"["слово"]"#, "[]");
    assert!(error(&text).contains("`terms` is empty"));
}

#[test]
fn error_duplicates() {
    let second = MINIMAL.replace("тема", "другая");
    assert_eq!(
        error(&format!("{MINIMAL}{second}")),
        "duplicate topic id `a` (topics #1 and #2)"
    );
    let first = MINIMAL.replace("тема", "ёлка");
    let second = MINIMAL.replace("\"a\"", "\"b\"").replace("тема", "Елка");
    assert_eq!(
        error(&format!("{first}{second}")),
        "duplicate topic name `Елка` (topics #1 and #2)"
    );
}

#[test]
fn error_bad_rules() {
    let bad = |rule: &str| error(&MINIMAL.replace("\"слово\"", &format!("\"{rule}\"")));
    assert!(
        bad("во*").contains("prefix `во*` is too short"),
        "{}",
        bad("во*")
    );
    assert!(bad("ФГОС*").contains("abbreviation `ФГОС` cannot be a prefix"));
    assert!(bad("про*фориентация").contains("`*` may only end a word"));
    assert!(bad("*").contains("no letters before `*`"));
    assert!(bad("во*").starts_with("topic #1 (`a`): rule `во*` of `terms` is invalid"));
}

#[test]
fn error_bad_values() {
    assert!(error(&MINIMAL.replace("id = \"a\"\n", "")).contains("topic #1: missing key `id`"));
    assert!(error(&MINIMAL.replace("\"a\"", "\"Career\"")).contains("id `Career` must consist"));
    assert!(error(&MINIMAL.replace("тема", "ФГОС/ФООП")).contains("must not contain `/`"));
    assert!(error(&MINIMAL.replace("\"д\"", "\" \"")).contains("`description` is empty"));
    assert!(
        error(&MINIMAL.replace(r#"["слово"]"#, r#""слово""#))
            .contains("`terms` must be an array of strings")
    );
    assert!(
        error(&MINIMAL.replace(r#"["слово"]"#, "[1]"))
            .contains("`terms` must be an array of strings")
    );
    assert!(error("[topic]\nid = \"a\"\n").contains("array of tables"));
    assert!(error("").contains("defines no topics"));
    assert!(error("[[topic]\n").starts_with("topics file is not valid TOML"));
}

#[test]
fn error_parents() {
    let child = MINIMAL.replace("\"a\"", "\"b\"").replace("тема", "подтема");
    let unknown = format!("{MINIMAL}{child}parent = \"c\"\n");
    assert_eq!(
        error(&unknown),
        "topic #2 (`b`): parent `c` is not the id of a topic defined above it"
    );
    let grandchild = MINIMAL
        .replace("\"a\"", "\"c\"")
        .replace("тема", "подподтема");
    let nested = format!("{MINIMAL}{child}parent = \"a\"\n{grandchild}parent = \"b\"\n");
    assert!(error(&nested).contains("only one level"));
    let valid = format!("{MINIMAL}{child}parent = \"a\"\n");
    let taxonomy = Taxonomy::from_toml(&valid).unwrap();
    assert_eq!(taxonomy.classify("слово"), ["тема", "подтема"]);
    assert_eq!(taxonomy.topics()[1].parent.as_deref(), Some("a"));
}

fn seed_texts() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                text,
            )
        })
        .collect()
}

/// Prints the topics of every passage of the seed resolutions, for a human to check
/// (`cargo test -p edusearch-resolution seed_corpus -- --nocapture`).
#[test]
fn seed_corpus_passages() {
    let seeds = seed_texts();
    assert!(seeds.len() >= 5, "seed resolutions missing");
    for (file, text) in &seeds {
        println!("=== {file}");
        for passage in passages(text) {
            let topics = classify(passage);
            let short: String = passage.trim().chars().take(110).collect();
            println!("{topics:?}  <- {short}");
        }
    }
}
