//! Deterministic generator of synthetic resolution corpora for edusearch benchmarks.
//!
//! A [`Generator`] recombines the five seed resolutions of `index-data/resolutions` (their
//! recommendation items and intro sentences), the topic terms of the taxonomy and the real
//! municipalities of the place table into resolution texts that look like the seeds: a
//! «РЕЗОЛЮЦИЯ» title block with an event kind and a «…» name, a date line, a place, an intro,
//! sometimes a list of problems that are not recommendations, a recommending phrase and 5–40
//! items (numbered, bulleted, under addressee headings, or numbered inline in one paragraph).
//!
//! The output depends only on the seed and the index of a resolution, so files can be written
//! in any order and in parallel, and the same seed always gives byte-identical files. Each
//! generated resolution carries what the parser is expected to extract from it
//! ([`Expected`]); that is the generator's contract, checked by its tests.

use edusearch_resolution::MONTHS_GENITIVE;
use std::sync::LazyLock;

use edusearch_resolution::{Gazetteer, Taxonomy, parse_resolution};
use regex::Regex;

/// The seed resolutions the vocabulary is drawn from (compiled in, so output does not depend
/// on the working directory).
const SEEDS: [&str; 5] = [
    include_str!("../../../index-data/resolutions/000_9f8d6dd59f86c0fe.txt"),
    include_str!("../../../index-data/resolutions/001_a3bec1d95fbd12b9.txt"),
    include_str!("../../../index-data/resolutions/002_031f62da69e65aea.txt"),
    include_str!("../../../index-data/resolutions/003_19532b6239aba2e0.txt"),
    include_str!("../../../index-data/resolutions/004_51dad73ccb525009.txt"),
];

/// Smallest and largest number of recommendation items of a resolution.
pub const ITEMS_RANGE: (usize, usize) = (5, 40);
/// First and last year of generated events.
pub const YEARS: (i32, i32) = (2015, 2025);
/// Share of files (per mille) that carry web-page debris.
const DEBRIS_PER_MILLE: u64 = 50;
/// Resolutions per output sub-folder.
pub const FILES_PER_FOLDER: usize = 1000;

/// The same phrases the parser takes as the start of the recommendations; text that is not a
/// recommendation must not contain them.
static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)рекоменд|предлага|предложени|решени|решили|постанови|постановля|счита|резолюци",
    )
    .expect("trigger pattern is valid")
});

/// A running number that the inline splitter would take as the start of the next item.
static INLINE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{1,3}\s*[.)]|№|\d{1,2}\s+[а-яё]+\s+\d{4}|\d{1,2}\.\d{1,2}\.\d{4}")
        .expect("number pattern is valid")
});

/// Words that close the list when a line starts with them, or name an event kind.
static RESERVED_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:оргкомитет|участники|председател|секретар|президиум|приложени|принято|одобрен|утвержден)",
    )
    .expect("reserved pattern is valid")
});

/// An infinitive opening an item.
static INFINITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[А-Яа-яЁё]+(?:ть|ться|чь|чься|ти)$").expect("infinitive pattern is valid")
});

/// Verbs that open recommendations, most common first (Zipf-weighted).
const VERBS: &[&str] = &[
    "Обеспечить",
    "Продолжить",
    "Содействовать",
    "Развивать",
    "Способствовать",
    "Организовать",
    "Активизировать",
    "Усилить",
    "Создать",
    "Внедрить",
    "Провести",
    "Использовать",
    "Совершенствовать",
    "Реализовать",
    "Распространить",
    "Предусмотреть",
    "Обобщить",
    "Расширить",
    "Разработать",
    "Поддержать",
    "Систематизировать",
    "Популяризировать",
    "Стимулировать",
    "Актуализировать",
    "Транслировать",
];

/// Addressee headings («Управлению образования:»).
const ADDRESSEES: &[&str] = &[
    "Управлению образования",
    "Образовательным организациям",
    "Руководителям образовательных организаций",
    "Муниципальному методическому центру",
    "Руководителям общеобразовательных организаций",
    "Педагогическим работникам",
    "Руководителям Центров «Точка роста»",
    "Руководителям дошкольных образовательных организаций",
    "Классным руководителям",
    "Методическим объединениям педагогов",
    "Советникам директоров по воспитанию",
    "Организациям дополнительного образования",
];

/// Event kinds: the title form (genitive) and whether it is held in August as a rule.
const KINDS: &[(&str, &str, bool)] = &[
    (
        "августовского совещания педагогических работников",
        "совещания",
        true,
    ),
    ("научно-практической конференции", "конференции", false),
    ("муниципальной конференции", "конференции", false),
    ("педагогического совета", "педсовета", true),
    ("муниципального форума педагогов", "форума", false),
    ("круглого стола", "круглого стола", false),
    ("межрегиональной конференции", "конференции", false),
    (
        "городского совещания педагогических работников",
        "совещания",
        true,
    ),
    ("методического семинара", "семинара", false),
];

/// Openings of event names.
const EVENT_OPENINGS: &[&str] = &[
    "Образовательная среда",
    "Современная школа",
    "Качество образования",
    "Педагог будущего",
    "Создаем будущее сегодня",
    "Образовательная экосистема",
    "Новые горизонты",
    "Ресурсы развития",
    "Территория роста",
    "Школа возможностей",
];

/// Connectives between an opening and a topic in an event name.
const EVENT_LINKS: &[&str] = &[
    "модели, ресурсы, практики",
    "от стратегии к практике",
    "вызовы и решения",
    "опыт и перспективы",
    "курс на индивидуализацию",
];

/// Web-page debris lines (the parser drops them).
const DEBRIS_TOP: &[&str] = &["10:16", "14:02", "Главная / Новости", "Опубликовано: 12:40"];
const DEBRIS_BOTTOM: &[&str] = &[
    "Всего комментариев: 0",
    "Подписаться",
    "RSS",
    "Версия для печати",
    "Поделиться",
];

/// Problem statements (not recommendations) listed before the recommending phrase.
const PROBLEM_INTROS: &[&str] = &[
    "Вместе с тем нерешенными остаются следующие проблемы:",
    "Участники отмечают, что в процессе работы решаются следующие задачи:",
    "Вместе с тем сохраняются следующие трудности:",
];

/// How items are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// «1. Обеспечить …» one item a paragraph.
    Numbered,
    /// «- обеспечить …;» one item a line.
    Bulleted,
    /// Addressee headings, each with its own numbering from 1.
    Addressed,
    /// «… рекомендуют: 1.Обеспечить … 2.Реализовать …» in one paragraph.
    Inline,
}

/// What the parser must extract from a generated resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Date of the event (its last day), `YYYY-MM-DD`.
    pub date: String,
    /// Municipality as the place table names it.
    pub municipality: String,
    /// Federal subject.
    pub region: String,
    /// Items: addressee and text, in order.
    pub items: Vec<(Option<String>, String)>,
    /// Layout of the items.
    pub layout: Layout,
}

/// One generated resolution.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Path relative to the output folder («00/000042.txt»).
    pub relative_path: String,
    /// The file content (UTF-8).
    pub text: String,
    /// What the parser must find.
    pub expected: Expected,
}

/// A municipality the parser locates from the header the generator writes.
#[derive(Debug, Clone)]
struct Municipality {
    name: String,
    /// How it is written in the title («город Мегион», «Ирбейский район»).
    title_form: String,
    region: String,
    /// Region in the genitive, when the parser recognises it in that form.
    region_genitive: Option<String>,
}

/// Zipf-weighted choice over a ranked list.
#[derive(Debug, Clone)]
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(len: usize, exponent: f64) -> Self {
        debug_assert!(len > 0);
        let mut total = 0.0;
        let cumulative = (0..len)
            .map(|rank| {
                total += 1.0 / ((rank + 1) as f64).powf(exponent);
                total
            })
            .collect();
        Self { cumulative }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().expect("non-empty");
        let target = rng.unit() * total;
        self.cumulative
            .partition_point(|&value| value < target)
            .min(self.cumulative.len() - 1)
    }
}

/// SplitMix64: small, fast, and stable across crate versions (output must never change).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.next_u64() % 1000 < per_mille
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Builds resolutions from the seed vocabulary; cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Generator {
    seed: u64,
    /// Item bodies without their verb, Zipf-ranked.
    objects: Vec<String>,
    objects_zipf: Zipf,
    verbs_zipf: Zipf,
    /// Intro sentences, Zipf-ranked.
    sentences: Vec<String>,
    sentences_zipf: Zipf,
    /// Topic phrases from the taxonomy, Zipf-ranked.
    topics: Vec<String>,
    topics_zipf: Zipf,
    /// Words of the seeds by frequency, for a long tail of rarer words.
    words: Vec<String>,
    words_zipf: Zipf,
    /// Places, Zipf-ranked (some municipalities publish far more than others).
    places: Vec<Municipality>,
    places_zipf: Zipf,
}

impl Generator {
    /// A generator for a seed. Builds its vocabulary from the compiled-in seed corpus.
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed ^ 0x5EED_C0DE);
        let gazetteer = Gazetteer::builtin();
        let has_place = |text: &str| !gazetteer.find_mentions(text).is_empty();

        let mut objects = Vec::new();
        let mut sentences = Vec::new();
        let mut word_counts: Vec<(String, usize)> = Vec::new();
        for (index, seed_text) in SEEDS.iter().enumerate() {
            let parsed = parse_resolution(&format!("seed-{index}.txt"), seed_text.as_bytes())
                .expect("seed resolutions parse");
            for item in &parsed.items {
                for clause in item.text.split([';', '\n']) {
                    for (position, piece) in clause.split(", ").enumerate() {
                        let mut words: Vec<&str> = piece.split_whitespace().collect();
                        if position == 0
                            && words
                                .first()
                                .is_some_and(|word| INFINITIVE.is_match(word.trim_matches(',')))
                        {
                            words.remove(0);
                        }
                        let object = words
                            .join(" ")
                            .trim_matches(|c: char| {
                                c == '.' || c == ',' || c == ';' || c.is_whitespace()
                            })
                            .to_string();
                        if usable_fragment(&object, 3, 28) && !has_place(&object) {
                            objects.push(lowercase_first(&object));
                        }
                    }
                }
            }
            let item_texts: Vec<&str> =
                parsed.items.iter().map(|item| item.text.as_str()).collect();
            for paragraph in parsed.body.split("\n\n") {
                if item_texts.iter().any(|item| paragraph.contains(item)) {
                    continue;
                }
                for sentence in paragraph.split(". ") {
                    let sentence = sentence.trim().trim_end_matches('.');
                    let capitalised = sentence.chars().next().is_some_and(char::is_uppercase);
                    let opens_with_verb = sentence
                        .split_whitespace()
                        .next()
                        .is_some_and(|word| INFINITIVE.is_match(word));
                    if capitalised
                        && !opens_with_verb
                        && usable_fragment(sentence, 6, 60)
                        && !RESERVED_START.is_match(sentence)
                        && !has_place(sentence)
                    {
                        sentences.push(format!("{sentence}."));
                    }
                }
            }
            for word in seed_text.split(|c: char| !c.is_alphabetic() && c != '-') {
                let word = word.trim_matches('-');
                if word.chars().count() < 4
                    || !word.chars().all(|c| matches!(c, 'а'..='я' | 'ё' | '-'))
                    || TRIGGER.is_match(word)
                {
                    continue;
                }
                match word_counts.iter_mut().find(|(known, _)| known == word) {
                    Some((_, count)) => *count += 1,
                    None => word_counts.push((word.to_string(), 1)),
                }
            }
        }
        dedup_keep_order(&mut objects);
        dedup_keep_order(&mut sentences);
        // A stable shuffle gives each seed its own Zipf ranking of the fragments.
        shuffle(&mut objects, &mut rng);
        shuffle(&mut sentences, &mut rng);
        word_counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let words: Vec<String> = word_counts.into_iter().map(|(word, _)| word).collect();

        let mut topics: Vec<String> = Taxonomy::builtin()
            .topics()
            .iter()
            .flat_map(|topic| topic.terms.iter())
            .filter(|term| !term.contains('*') && !TRIGGER.is_match(term) && !has_place(term))
            .cloned()
            .collect();
        dedup_keep_order(&mut topics);
        shuffle(&mut topics, &mut rng);

        let mut places = municipalities(gazetteer);
        shuffle(&mut places, &mut rng);

        Self {
            seed,
            objects_zipf: Zipf::new(objects.len(), 0.9),
            objects,
            verbs_zipf: Zipf::new(VERBS.len(), 1.0),
            sentences_zipf: Zipf::new(sentences.len(), 0.6),
            sentences,
            topics_zipf: Zipf::new(topics.len(), 1.0),
            topics,
            words_zipf: Zipf::new(words.len(), 1.0),
            words,
            places_zipf: Zipf::new(places.len(), 0.6),
            places,
        }
    }

    /// Number of municipalities the generator draws from.
    pub fn place_count(&self) -> usize {
        self.places.len()
    }

    /// Relative path of resolution `index` in the output folder.
    pub fn relative_path(index: usize) -> String {
        format!("{:03}/{index:07}.txt", index / FILES_PER_FOLDER)
    }

    /// Generates resolution number `index` (0-based); depends only on the seed and `index`.
    pub fn generate(&self, index: usize) -> Generated {
        let mut rng = Rng::new(
            self.seed
                .wrapping_mul(0x2545_F491_4F6C_DD1D)
                .wrapping_add(index as u64),
        );
        // Warm up so neighbouring indexes diverge at once.
        rng.next_u64();
        let place = &self.places[self.places_zipf.sample(&mut rng)];
        let (kind_title, kind_short, august) = rng.pick(KINDS);
        let year = YEARS.0 + rng.below((YEARS.1 - YEARS.0 + 1) as usize) as i32;
        let month = if august && rng.chance(700) {
            8
        } else {
            rng.between(1, 12)
        };
        let day = rng.between(2, 28);
        let multi_day = rng.chance(150);
        let date_text = if multi_day {
            format!("{}-{day} {} {year}", day - 1, MONTHS_GENITIVE[month - 1])
        } else {
            format!("{day} {} {year}", MONTHS_GENITIVE[month - 1])
        };
        let event = self.event_name(&mut rng);
        let debris = rng.chance(DEBRIS_PER_MILLE);

        let mut out = String::with_capacity(12 * 1024);
        // Title block: two shapes seen in the seeds.
        if rng.chance(600) {
            if rng.chance(300) {
                out.push_str("\n\n");
            }
            out.push_str(if rng.chance(500) {
                "РЕЗОЛЮЦИЯ\n"
            } else {
                "Резолюция\n"
            });
            if debris {
                out.push_str(rng.pick(DEBRIS_TOP));
                out.push('\n');
            }
            let ordinal = ["I ", "II ", "III ", "IV ", "", "", ""];
            out.push_str(rng.pick(&ordinal));
            out.push_str(kind_title);
            out.push('\n');
            out.push_str(&format!("«{event}»\n"));
            out.push_str(&format!(
                "муниципального образования {}\n",
                place.title_form
            ));
            out.push_str(&format!("{date_text} г.\n\n"));
        } else {
            out.push_str(&format!(
                "Резолюция {kind_title} муниципального образования {} {date_text} года\n",
                place.title_form
            ));
            if debris {
                out.push_str(rng.pick(DEBRIS_TOP));
                out.push('\n');
            }
            out.push('\n');
        }

        // Intro: what happened, who took part.
        let participants = rng.between(20, 600);
        let mut intro = format!(
            "В работе {kind_short} по теме «{event}» приняли участие более {participants} человек: руководители и педагоги образовательных организаций"
        );
        match &place.region_genitive {
            Some(region) => intro.push_str(&format!(", представители муниципалитетов {region}.")),
            None => intro.push('.'),
        }
        out.push_str(&intro);
        out.push_str("\n\n");
        let paragraphs = rng.between(2, 5);
        for _ in 0..paragraphs {
            let sentences = rng.between(2, 5);
            let mut paragraph = Vec::with_capacity(sentences);
            for _ in 0..sentences {
                paragraph.push(self.sentence(&mut rng));
            }
            out.push_str(&paragraph.join(" "));
            out.push_str("\n\n");
        }
        if rng.chance(300) {
            out.push_str(rng.pick(PROBLEM_INTROS));
            out.push('\n');
            let problems = rng.between(3, 6);
            for number in 0..problems {
                let end = if number + 1 == problems { "." } else { ";" };
                out.push_str(&format!("- {}{end}\n", self.object(&mut rng)));
            }
            out.push_str(
                "Наличие комплекса проблем требует системного подхода в практике работы.\n\n",
            );
        }

        // The recommendations.
        let count = item_count(&mut rng);
        let layout = match rng.below(10) {
            0..=3 => Layout::Numbered,
            4..=5 => Layout::Bulleted,
            6..=7 => Layout::Addressed,
            _ => Layout::Inline,
        };
        let texts: Vec<String> = (0..count).map(|_| self.item_text(&mut rng)).collect();
        let mut items = Vec::with_capacity(count);
        let trigger = match rng.below(4) {
            0 => format!("Участники {kind_short} рекомендуют:"),
            1 => format!("По итогам работы {kind_short} рекомендовано:"),
            2 => format!("Участники {kind_short} приняли решение:"),
            _ => format!("В связи с этим участники {kind_short} предлагают:"),
        };
        match layout {
            Layout::Numbered => {
                out.push_str(&trigger);
                out.push_str("\n\n");
                let compact = rng.chance(500);
                for (number, text) in texts.iter().enumerate() {
                    let space = if compact { "" } else { " " };
                    out.push_str(&format!("{}.{space}{text}\n", number + 1));
                    if !compact {
                        out.push('\n');
                    }
                    items.push((None, text.clone()));
                }
            }
            Layout::Bulleted => {
                out.push_str(&trigger);
                out.push('\n');
                for (number, text) in texts.iter().enumerate() {
                    let text = lowercase_first(text.trim_end_matches('.'));
                    let end = if number + 1 == count { "." } else { ";" };
                    out.push_str(&format!("- {text}{end}\n"));
                    items.push((None, format!("{text}{end}")));
                }
            }
            Layout::Addressed => {
                out.push_str(&trigger);
                out.push_str("\n\n");
                let groups = rng.between(2, 4).min(count);
                let mut addressees: Vec<&str> = Vec::with_capacity(groups);
                while addressees.len() < groups {
                    let candidate = rng.pick(ADDRESSEES);
                    if !addressees.contains(&candidate) {
                        addressees.push(candidate);
                    }
                }
                let per_group = count.div_ceil(groups);
                for (group, chunk) in texts.chunks(per_group).enumerate() {
                    let addressee = addressees[group.min(groups - 1)];
                    out.push_str(&format!("{addressee}:\n\n"));
                    for (number, text) in chunk.iter().enumerate() {
                        out.push_str(&format!("{}. {text}\n\n", number + 1));
                        items.push((Some(addressee.to_string()), text.clone()));
                    }
                }
            }
            Layout::Inline => {
                let mut paragraph = trigger.clone();
                for (number, text) in texts.iter().enumerate() {
                    let space = if rng.chance(500) { "" } else { " " };
                    paragraph.push_str(&format!(" {}.{space}{text}", number + 1));
                    items.push((None, text.clone()));
                }
                out.push_str(&paragraph);
                out.push_str("\n\n");
            }
        }
        if rng.chance(400) {
            out.push_str(&format!("\nУчастники {kind_short}\n"));
        }
        if debris {
            out.push_str(&format!(
                "\n{}\n{}\n",
                rng.pick(DEBRIS_BOTTOM),
                rng.pick(DEBRIS_BOTTOM)
            ));
        }

        Generated {
            relative_path: Self::relative_path(index),
            text: out,
            expected: Expected {
                date: format!("{year:04}-{month:02}-{day:02}"),
                municipality: place.name.clone(),
                region: place.region.clone(),
                items,
                layout,
            },
        }
    }

    fn event_name(&self, rng: &mut Rng) -> String {
        let topic = &self.topics[self.topics_zipf.sample(rng)];
        let opening = rng.pick(EVENT_OPENINGS);
        if rng.chance(500) {
            format!("{opening}: {topic}")
        } else {
            format!("{opening}: {}, {topic}", rng.pick(EVENT_LINKS))
        }
    }

    fn sentence(&self, rng: &mut Rng) -> String {
        if rng.chance(750) {
            return self.sentences[self.sentences_zipf.sample(rng)].clone();
        }
        // A recombined sentence about a topic.
        let topic = &self.topics[self.topics_zipf.sample(rng)];
        let object = self.object(rng);
        match rng.below(3) {
            0 => format!("В ходе работы обсуждены вопросы по направлению «{topic}»: {object}."),
            1 => format!("Участниками представлен опыт работы в области «{topic}», {object}."),
            _ => format!("Особое внимание уделено теме «{topic}» и задаче: {object}."),
        }
    }

    fn object(&self, rng: &mut Rng) -> String {
        self.objects[self.objects_zipf.sample(rng)].clone()
    }

    fn item_text(&self, rng: &mut Rng) -> String {
        let verb = VERBS[self.verbs_zipf.sample(rng)];
        let mut text = format!("{verb} {}", self.object(rng));
        if rng.chance(450) {
            text.push_str(", ");
            text.push_str(&self.object(rng));
        }
        if rng.chance(350) {
            let topic = &self.topics[self.topics_zipf.sample(rng)];
            text.push_str(&format!(" по направлению «{topic}»"));
        }
        if rng.chance(300) {
            let first = &self.words[self.words_zipf.sample(rng)];
            let second = &self.words[self.words_zipf.sample(rng)];
            text.push_str(&format!(" с учетом {first} {second}"));
        }
        text.push('.');
        text
    }
}

/// 5–40 items, most resolutions with 8–15.
fn item_count(rng: &mut Rng) -> usize {
    let spread = -(1.0 - rng.unit()).ln() * 7.0;
    (ITEMS_RANGE.0 + spread as usize).min(ITEMS_RANGE.1)
}

/// Whether a fragment can be reused: length in words, no running numbers or dates, no
/// recommending phrase, balanced quotes.
fn usable_fragment(text: &str, min_words: usize, max_words: usize) -> bool {
    let words = text.split_whitespace().count();
    (min_words..=max_words).contains(&words)
        && !INLINE_NUMBER.is_match(text)
        && !TRIGGER.is_match(text)
        && !text.contains(':')
        && !text.contains('"')
        && text.matches('«').count() == text.matches('»').count()
        && text.matches('(').count() == text.matches(')').count()
        && !text.chars().any(|c| c.is_ascii_digit())
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        // Keep abbreviations («ФГОС», «ОВЗ») as they are.
        Some(first) if !chars.clone().next().is_some_and(char::is_uppercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_string(),
    }
}

fn dedup_keep_order(items: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    items.retain(|item| seen.insert(item.clone()));
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for index in (1..items.len()).rev() {
        let other = rng.below(index + 1);
        items.swap(index, other);
    }
}

/// Genitive of a subject name by the common patterns («Красноярский край» → «Красноярского
/// края»); checked against the parser before use.
fn region_genitive(name: &str) -> String {
    name.split(' ')
        .map(|word| {
            let replaced = [
                ("ский", "ского"),
                ("цкий", "цкого"),
                ("ный", "ного"),
                ("ской", "ского"),
                ("ая", "ой"),
                ("край", "края"),
                ("область", "области"),
                ("округ", "округа"),
                ("Республика", "Республики"),
            ]
            .iter()
            .find(|(ending, _)| word.ends_with(ending))
            .map(|(ending, genitive)| format!("{}{genitive}", &word[..word.len() - ending.len()]));
            replaced.unwrap_or_else(|| word.to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Municipalities (places without a parent) that the parser locates, with their region, from
/// the header line the generator writes.
fn municipalities(gazetteer: &Gazetteer) -> Vec<Municipality> {
    let mut found = Vec::new();
    for place in gazetteer.places() {
        if place.parent().is_some() {
            continue;
        }
        let name = place.name();
        let title_form = match name.strip_prefix("г. ") {
            Some(town) => format!("город {town}"),
            None => name.to_string(),
        };
        let region = place.region().to_string();
        let header = format!(
            "Резолюция августовского совещания педагогических работников муниципального образования {title_form}"
        );
        let located = gazetteer.locate(&header, "");
        if located.municipality.as_deref() != Some(name)
            || located.region.as_deref() != Some(&region)
        {
            continue;
        }
        let genitive = region_genitive(&region);
        let body = format!("Представители муниципалитетов {genitive}.");
        let with_region = gazetteer.locate(&header, &body);
        let region_genitive = (with_region.region.as_deref() == Some(&region)
            && with_region.municipality.as_deref() == Some(name))
        .then_some(genitive);
        found.push(Municipality {
            name: name.to_string(),
            title_form,
            region,
            region_genitive,
        });
    }
    found
}

#[cfg(test)]
mod tests;
