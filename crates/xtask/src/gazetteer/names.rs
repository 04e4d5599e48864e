//! Names: comparison keys, the subject table's names, and which names are ordinary words.

use std::collections::HashMap;

use anyhow::{Result, bail};

/// Town names that are ordinary words, first names or surnames: the matcher needs «г.» or
/// «город» before them. Adjective-shaped names are added by rule.
const COMMON_WORD_TOWNS: &[&str] = &[
    "Александров",
    "Артем",
    "Асбест",
    "Аша",
    "Бабушкин",
    "Белинский",
    "Бобров",
    "Болгар",
    "Бор",
    "Бородино",
    "Буй",
    "Владимир",
    "Гагарин",
    "Гай",
    "Горняк",
    "Грязи",
    "Губкин",
    "Гусев",
    "Данилов",
    "Демидов",
    "Дмитриев",
    "Дно",
    "Ершов",
    "Ефремов",
    "Жуков",
    "Зея",
    "Зима",
    "Калач",
    "Каменка",
    "Касимов",
    "Кашин",
    "Кириллов",
    "Киров",
    "Клин",
    "Кола",
    "Коммунар",
    "Королёв",
    "Котельники",
    "Кропоткин",
    "Куйбышев",
    "Курган",
    "Курчатов",
    "Куса",
    "Лермонтов",
    "Липки",
    "Лиски",
    "Луга",
    "Любим",
    "Макаров",
    "Маркс",
    "Михайлов",
    "Михайловка",
    "Мураши",
    "Мышкин",
    "Находка",
    "Нестеров",
    "Нея",
    "Обь",
    "Озёры",
    "Орлов",
    "Оса",
    "Остров",
    "Оха",
    "Перевоз",
    "Пересвет",
    "Петушки",
    "Пласт",
    "Плес",
    "Покров",
    "Починок",
    "Реж",
    "Родники",
    "Салават",
    "Семенов",
    "Серов",
    "Сим",
    "Сланцы",
    "Сокол",
    "Сосновка",
    "Старица",
    "Строитель",
    "Суворов",
    "Судак",
    "Тайга",
    "Тара",
    "Терек",
    "Туран",
    "Фурманов",
    "Холм",
    "Чекалин",
    "Чехов",
    "Шахты",
    "Шелехов",
    "Шумиха",
    "Щучье",
    "Энгельс",
];

/// District and okrug names that are ordinary adjectives (Советский, Октябрьский): the matcher
/// needs «район»/«округ» after them.
const COMMON_WORD_DISTRICTS: &[&str] = &[
    "Восточный",
    "Городской",
    "Горный",
    "Дальний",
    "Дзержинский",
    "Железнодорожный",
    "Заводской",
    "Западный",
    "Заречный",
    "Калининский",
    "Кировский",
    "Коммунистический",
    "Комсомольский",
    "Красноармейский",
    "Красногвардейский",
    "Куйбышевский",
    "Ленинский",
    "Лесной",
    "Майский",
    "Молодежный",
    "Национальный",
    "Новый",
    "Октябрьский",
    "Первомайский",
    "Партизанский",
    "Пограничный",
    "Пролетарский",
    "Промышленный",
    "Русский",
    "Свободный",
    "Северный",
    "Советский",
    "Таежный",
    "Фрунзенский",
    "Центральный",
    "Южный",
];

/// Endings of adjectives in the nominative (Мирный, Советский, Видное, Узловая).
const ADJECTIVE_ENDINGS: &[&str] = &["ый", "ий", "ой", "ое", "ая", "ее", "ие", "ые", "яя"];

/// Town names that end like adjectives but are nouns, so they need no marker.
const NOUNS_LIKE_ADJECTIVES: &[&str] = &["Джанкой", "Курчалой", "Сясьстрой"];

/// Canonical subject names with the keys of every name and variant that maps to them.
pub(super) struct RegionNames {
    by_key: HashMap<String, String>,
    /// Adjective stems of subject names («тамбовск» of «Тамбовская область»).
    adjective_stems: Vec<String>,
}

impl RegionNames {
    pub(super) fn parse(text: &str) -> Result<Self> {
        let mut by_key = HashMap::new();
        let mut adjective_stems = Vec::new();
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'));
        match lines.next() {
            Some((_, header)) if header.split('\t').next() == Some("name") => {}
            _ => bail!("regions.tsv: the first line must be the header «name\toktmo\tvariants»"),
        }
        for (index, line) in lines {
            let mut fields = line.split('\t');
            let name = fields.next().unwrap_or_default().trim();
            if name.is_empty() {
                bail!("regions.tsv line {}: empty name", index + 1);
            }
            let _oktmo = fields.next();
            let variants = fields.next().unwrap_or_default();
            for form in std::iter::once(name).chain(variants.split('|')) {
                let form = form.trim();
                if form.is_empty() {
                    continue;
                }
                by_key.insert(name_key(form), name.to_string());
            }
            if let Some(first) = name.split(' ').next()
                && let Some(stem) = adjective_stem(first)
            {
                adjective_stems.push(stem);
            }
        }
        Ok(Self {
            by_key,
            adjective_stems,
        })
    }

    pub(super) fn canonical(&self, name: &str) -> Option<&str> {
        self.by_key.get(&name_key(name)).map(String::as_str)
    }
}

/// A comparison key for names: lowercase, ё→е, «(без …)» dropped, punctuation to spaces.
pub(super) fn name_key(name: &str) -> String {
    let name = match name.find("(без") {
        Some(at) => &name[..at],
        None => name,
    };
    let folded: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'ё' => 'е',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// «Тамбовская» → «тамбовск»: an adjective without its ending, or `None` for other words.
fn adjective_stem(word: &str) -> Option<String> {
    let lower = name_key(word);
    ADJECTIVE_ENDINGS
        .iter()
        .find_map(|ending| lower.strip_suffix(ending))
        .filter(|stem| stem.chars().count() >= 3)
        .map(str::to_string)
}

pub(super) fn is_adjective(word: &str) -> bool {
    adjective_stem(word).is_some()
}

/// Whether a town name is also an ordinary word (Мирный, Советский, Сокол, Дно).
pub(super) fn town_is_strict(name: &str) -> bool {
    if name.contains([' ', '-']) {
        return false;
    }
    (is_adjective(name) && !NOUNS_LIKE_ADJECTIVES.contains(&name))
        || COMMON_WORD_TOWNS
            .iter()
            .any(|word| name_key(word) == name_key(name))
}

/// Whether a district's core name is an ordinary adjective, or the adjective of a subject
/// («Тамбовский район» of Амурская область against «Тамбовская область»).
pub(super) fn district_is_strict(core: &str, regions: &RegionNames) -> bool {
    if core.contains(' ') {
        return false;
    }
    if COMMON_WORD_DISTRICTS
        .iter()
        .any(|word| name_key(word) == name_key(core))
    {
        return true;
    }
    adjective_stem(core).is_some_and(|stem| regions.adjective_stems.contains(&stem))
}
