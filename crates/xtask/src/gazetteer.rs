//! Derives `places.tsv` (municipalities and towns with their federal subject) from the raw
//! gazetteer: the ОКТМО classifier of 2019 and HFLabs' city.csv (CC BY-SA 4.0).
//!
//! The output is sorted and has no timestamps, so the same input always gives the same bytes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// The derived table and what the derivation noticed.
pub struct Generated {
    /// The text of `places.tsv`.
    pub table: String,
    /// Number of place rows in the table.
    pub rows: usize,
    /// Input rows that could not be placed exactly (written to stderr by the caller).
    pub warnings: Vec<String>,
}

/// Federal cities: their inner territories are not municipalities users name.
const FEDERAL_CITIES: [&str; 3] = ["Москва", "Санкт-Петербург", "Севастополь"];

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    District,
    City,
    Okrug,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::District => "district",
            Kind::City => "city",
            Kind::Okrug => "okrug",
        }
    }
}

/// One row of the output table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct PlaceRow {
    region: String,
    name: String,
    kind: Kind,
    parent: Option<String>,
    oktmo: String,
    strict: bool,
    aliases: Vec<String>,
}

/// How an ОКТМО городской округ is named, which decides its display name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OkrugForm {
    /// «город X», «город-курорт X», «ЗАТО город X».
    City,
    /// «ЗАТО X», «ЗАТО поселок X».
    Zato(String),
    /// «поселок X», «рабочий поселок X»: the display prefix.
    Settlement(&'static str),
    /// «округ Муром».
    OkrugPrefix,
    /// «Красноуфимский округ», «Ковдорский район», «Вилючинский ЗАТО»: kept as written.
    Suffixed,
    /// «Ольский», «Ангарское».
    Adjective,
    /// «Котлас», «Новая Земля».
    Noun,
}

/// A municipality of ОКТМО after its name is understood.
#[derive(Debug, Clone)]
struct Municipality {
    code: String,
    region: String,
    raw_name: String,
    district: Option<District>,
    okrug: Option<(String, OkrugForm)>,
}

#[derive(Debug, Clone)]
struct District {
    display: String,
    core: String,
    aliases: Vec<String>,
}

struct Town {
    name: String,
    region: String,
    oktmo: String,
    area_type: String,
    area: String,
}

/// Reads the two source files and the hand-written region table; returns the place table.
pub fn generate(source: &Path, regions_tsv: &str) -> Result<Generated> {
    let regions = RegionNames::parse(regions_tsv)?;
    let municipalities = read_municipalities(&source.join("oktmo_municipalities.csv"), &regions)?;
    let towns = read_towns(&source.join("city.csv"), &regions)?;
    let mut warnings = Vec::new();
    let rows = derive_rows(&municipalities, &towns, &regions, &mut warnings);
    Ok(Generated {
        table: render(&rows),
        rows: rows.len(),
        warnings,
    })
}

/// Canonical subject names with the keys of every name and variant that maps to them.
struct RegionNames {
    by_key: HashMap<String, String>,
    /// Adjective stems of subject names («тамбовск» of «Тамбовская область»).
    adjective_stems: Vec<String>,
}

impl RegionNames {
    fn parse(text: &str) -> Result<Self> {
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

    fn canonical(&self, name: &str) -> Option<&str> {
        self.by_key.get(&name_key(name)).map(String::as_str)
    }
}

/// A comparison key for names: lowercase, ё→е, «(без …)» dropped, punctuation to spaces.
fn name_key(name: &str) -> String {
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

fn is_adjective(word: &str) -> bool {
    adjective_stem(word).is_some()
}

fn read_municipalities(path: &Path, regions: &RegionNames) -> Result<Vec<Municipality>> {
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("failed to open {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{}: no column {name:?}", path.display()))
    };
    let (code_at, name_at, region_at, level_at) = (
        column("oktmo8")?,
        column("name")?,
        column("region_name")?,
        column("level")?,
    );
    let mut municipalities = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record =
            record.with_context(|| format!("{}: bad row {}", path.display(), index + 2))?;
        if &record[level_at] != "municipality" {
            continue;
        }
        let region = regions.canonical(&record[region_at]).with_context(|| {
            format!(
                "{} row {}: unknown region {:?}",
                path.display(),
                index + 2,
                &record[region_at]
            )
        })?;
        if FEDERAL_CITIES.contains(&region) {
            continue;
        }
        let raw_name = clean_name(&record[name_at]);
        if raw_name.starts_with("Городские округа") || raw_name.starts_with("Муниципальные")
        {
            continue;
        }
        let mut municipality = Municipality {
            code: record[code_at].to_string(),
            region: region.to_string(),
            raw_name: raw_name.clone(),
            district: None,
            okrug: None,
        };
        match parse_district(&raw_name) {
            Some(district) => municipality.district = Some(district),
            None => municipality.okrug = Some(parse_okrug(&raw_name)),
        }
        municipalities.push(municipality);
    }
    Ok(municipalities)
}

/// Collapses runs of spaces and drops the classifier's trailing «/» and «:».
fn clean_name(name: &str) -> String {
    let collapsed = name.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_end_matches(['/', ':', ' '])
        .trim()
        .to_string()
}

/// Understands «X муниципальный район» and «Муниципальный район …»; `None` for other names.
fn parse_district(name: &str) -> Option<District> {
    if let Some(rest) = name.strip_prefix("Муниципальный район ") {
        // «Муниципальный район Город Краснокаменск и Краснокаменский район».
        if let Some(and_at) = rest.find(" и ")
            && rest.to_lowercase().starts_with("город ")
        {
            let display = rest[and_at + " и ".len()..].to_string();
            let core = display.trim_end_matches(" район").to_string();
            return Some(District {
                display,
                core,
                aliases: Vec::new(),
            });
        }
        if let Some(core) = rest.strip_suffix(" район") {
            return Some(District {
                display: rest.to_string(),
                core: core.to_string(),
                aliases: Vec::new(),
            });
        }
        if rest.starts_with("имени ") {
            return Some(District {
                display: format!("район {rest}"),
                core: rest.to_string(),
                aliases: Vec::new(),
            });
        }
        return Some(District {
            display: format!("муниципальный район {rest}"),
            core: rest.to_string(),
            aliases: Vec::new(),
        });
    }
    let core = name.strip_suffix(" муниципальный район")?;
    let mut aliases = Vec::new();
    // «Анабарский национальный (долгано-эвенкийский)», «Таймырский Долгано-Ненецкий»:
    // people also write the first adjective alone.
    if let Some((first, _)) = core.split_once(' ')
        && is_adjective(first)
    {
        aliases.push(format!("{first} район"));
    }
    Some(District {
        display: format!("{core} район"),
        core: core.to_string(),
        aliases,
    })
}

/// Understands the name of a городской округ: its core name and how it is written.
fn parse_okrug(name: &str) -> (String, OkrugForm) {
    for prefix in [
        "ЗАТО город ",
        "город-курорт ",
        "город-герой ",
        "город ",
        "Город ",
    ] {
        if let Some(core) = name.strip_prefix(prefix) {
            return (core.to_string(), OkrugForm::City);
        }
    }
    for prefix in ["ЗАТО поселок ", "ЗАТО "] {
        if let Some(core) = name.strip_prefix(prefix) {
            return (core.to_string(), OkrugForm::Zato(prefix.trim().to_string()));
        }
    }
    if let Some(core) = name.strip_prefix("рабочий поселок (поселок городского типа) ")
    {
        return (core.to_string(), OkrugForm::Settlement("пгт"));
    }
    if let Some(core) = name.strip_prefix("рабочий поселок ") {
        return (core.to_string(), OkrugForm::Settlement("р. п."));
    }
    if let Some(core) = name.strip_prefix("поселок ") {
        return (core.to_string(), OkrugForm::Settlement("п."));
    }
    if let Some(core) = name.strip_prefix("округ ") {
        return (core.to_string(), OkrugForm::OkrugPrefix);
    }
    for suffix in [" округ", " район", " ЗАТО"] {
        if let Some(core) = name.strip_suffix(suffix) {
            return (core.to_string(), OkrugForm::Suffixed);
        }
    }
    // «Шаховская» is a noun phrase for the okrug («городской округ Шаховская»); masculine and
    // neuter adjectives name it as «X городской округ», «X муниципальное образование».
    if !name.contains(' ') && is_adjective(name) && !name.ends_with("ая") {
        (name.to_string(), OkrugForm::Adjective)
    } else {
        (name.to_string(), OkrugForm::Noun)
    }
}

/// The display name of a городской округ that is not a town of city.csv.
fn okrug_display(raw_name: &str, core: &str, form: &OkrugForm) -> (Kind, String) {
    match form {
        OkrugForm::City => (Kind::City, format!("г. {core}")),
        OkrugForm::Zato(prefix) => (Kind::Okrug, format!("{prefix} {core}")),
        OkrugForm::Settlement(prefix) => (Kind::Okrug, format!("{prefix} {core}")),
        OkrugForm::OkrugPrefix | OkrugForm::Suffixed => (Kind::Okrug, raw_name.to_string()),
        OkrugForm::Adjective => (Kind::Okrug, adjective_okrug(core)),
        OkrugForm::Noun => (Kind::Okrug, format!("городской округ {core}")),
    }
}

/// «Ольский» → «Ольский городской округ»; «Ангарское» → «Ангарское муниципальное образование».
fn adjective_okrug(core: &str) -> String {
    if core.ends_with("ое") {
        format!("{core} муниципальное образование")
    } else {
        format!("{core} городской округ")
    }
}

/// Whether a городской округ named `okrug_core` is the town `town` itself («Артемовский» and
/// «Артем», «Находкинский» and «Находка»; not «Богородский» and «Ногинск»).
fn same_place(okrug_core: &str, town: &str) -> bool {
    let okrug: Vec<char> = name_key(okrug_core).chars().collect();
    let town: Vec<char> = name_key(town).chars().collect();
    let common = okrug.iter().zip(&town).take_while(|(a, b)| a == b).count();
    common >= 3 && common + 2 >= town.len()
}

fn read_towns(path: &Path, regions: &RegionNames) -> Result<Vec<Town>> {
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("failed to open {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{}: no column {name:?}", path.display()))
    };
    let (region_type_at, region_at, area_type_at, area_at, city_at, settlement_at, oktmo_at) = (
        column("region_type")?,
        column("region")?,
        column("area_type")?,
        column("area")?,
        column("city")?,
        column("settlement")?,
        column("oktmo")?,
    );
    let mut towns = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record =
            record.with_context(|| format!("{}: bad row {}", path.display(), index + 2))?;
        let full = region_full_name(&record[region_type_at], &record[region_at]);
        let region = regions.canonical(&full).with_context(|| {
            format!(
                "{} row {}: unknown region {full:?}",
                path.display(),
                index + 2
            )
        })?;
        // A town that is a городской округ of Московская область stands in «area»; a federal
        // city is its own region: its row names no town at all.
        let area_town = if &record[area_type_at] == "г" {
            &record[area_at]
        } else {
            ""
        };
        let region_town = if &record[region_type_at] == "г" {
            &record[region_at]
        } else {
            ""
        };
        let name = [
            &record[city_at],
            &record[settlement_at],
            area_town,
            region_town,
        ]
        .into_iter()
        .find(|name| !name.is_empty())
        .unwrap_or_default();
        let name = clean_name(name);
        if name.is_empty() {
            bail!("{} row {}: no town name", path.display(), index + 2);
        }
        towns.push(Town {
            name,
            region: region.to_string(),
            oktmo: record[oktmo_at].to_string(),
            area_type: record[area_type_at].to_string(),
            area: clean_name(&record[area_at]),
        });
    }
    Ok(towns)
}

/// city.csv gives «Респ», «Адыгея»; the region table knows «Республика Адыгея».
fn region_full_name(region_type: &str, region: &str) -> String {
    let lower = region.to_lowercase();
    match region_type {
        "обл" if !lower.contains("область") => format!("{region} область"),
        "край" => format!("{region} край"),
        "Респ" if lower.contains("республика") => region.to_string(),
        "Респ" if lower.ends_with("ая") => format!("{region} Республика"),
        "Респ" => format!("Республика {region}"),
        "АО" if !lower.contains("округ") => format!("{region} автономный округ"),
        "Аобл" => format!("{region} автономная область"),
        _ => region.to_string(),
    }
}

fn derive_rows(
    municipalities: &[Municipality],
    towns: &[Town],
    regions: &RegionNames,
    warnings: &mut Vec<String>,
) -> Vec<PlaceRow> {
    let by_code: HashMap<&str, &Municipality> = municipalities
        .iter()
        .map(|m| (m.code.as_str(), m))
        .collect();
    let mut towns_by_code: HashMap<String, Vec<&Town>> = HashMap::new();
    for town in towns {
        if let Some(code) = municipality_code(&town.oktmo) {
            towns_by_code.entry(code).or_default().push(town);
        }
    }

    // Municipalities first; remember which ones are a town themselves.
    let mut rows: Vec<PlaceRow> = Vec::new();
    let mut display_by_code: HashMap<&str, String> = HashMap::new();
    let mut town_is_municipality: HashSet<(&str, &str)> = HashSet::new();
    for municipality in municipalities {
        let row = if let Some(district) = &municipality.district {
            PlaceRow {
                region: municipality.region.clone(),
                name: district.display.clone(),
                kind: Kind::District,
                parent: None,
                oktmo: municipality.code.clone(),
                strict: district_is_strict(&district.core, regions),
                aliases: district.aliases.clone(),
            }
        } else {
            let (core, form) = municipality
                .okrug
                .clone()
                .expect("okrug when not a district");
            let town = towns_by_code
                .get(municipality.code.as_str())
                .and_then(|candidates| candidates.iter().find(|t| same_place(&core, &t.name)));
            match town {
                Some(town) => {
                    town_is_municipality.insert((town.name.as_str(), town.oktmo.as_str()));
                    let alias = match &form {
                        OkrugForm::Adjective => Some(adjective_okrug(&core)),
                        OkrugForm::Suffixed if municipality.raw_name.ends_with(" ЗАТО") => {
                            Some(format!("{core} городской округ"))
                        }
                        OkrugForm::Suffixed => Some(municipality.raw_name.clone()),
                        _ => None,
                    };
                    PlaceRow {
                        region: municipality.region.clone(),
                        name: format!("г. {}", town.name),
                        kind: Kind::City,
                        parent: None,
                        oktmo: municipality.code.clone(),
                        strict: town_is_strict(&town.name),
                        aliases: alias.into_iter().collect(),
                    }
                }
                None => {
                    let (kind, name) = okrug_display(&municipality.raw_name, &core, &form);
                    let strict = match kind {
                        Kind::City => town_is_strict(&core),
                        _ if form == OkrugForm::Adjective => district_is_strict(&core, regions),
                        _ => town_is_strict(&core),
                    };
                    PlaceRow {
                        region: municipality.region.clone(),
                        name,
                        kind,
                        parent: None,
                        oktmo: municipality.code.clone(),
                        strict,
                        aliases: Vec::new(),
                    }
                }
            }
        };
        display_by_code.insert(municipality.code.as_str(), row.name.clone());
        rows.push(row);
    }

    // Towns that are not a municipality themselves, with the municipality they lie in.
    let okrug_towns: HashSet<(String, String)> = rows
        .iter()
        .filter(|row| row.kind == Kind::City)
        .map(|row| (row.region.clone(), row.name.clone()))
        .collect();
    let mut town_rows = Vec::new();
    for town in towns {
        if town_is_municipality.contains(&(town.name.as_str(), town.oktmo.as_str())) {
            continue;
        }
        // A town whose newer ОКТМО code is unknown to the 2019 classifier, which has it as
        // «город X» (Стародуб, Кудымкар), or a town listed twice.
        if okrug_towns.contains(&(town.region.clone(), format!("г. {}", town.name))) {
            continue;
        }
        let code = municipality_code(&town.oktmo);
        let parent = match code.as_deref().and_then(|code| by_code.get(code)) {
            Some(municipality) => {
                if municipality.region != town.region {
                    warnings.push(format!(
                        "{}: city.csv says {}, ОКТМО says {}; kept ОКТМО",
                        town.name, town.region, municipality.region
                    ));
                }
                Some(display_by_code[municipality.code.as_str()].clone())
            }
            None => parent_by_area(town, &rows, warnings),
        };
        let region = match code.as_deref().and_then(|code| by_code.get(code)) {
            Some(municipality) => municipality.region.clone(),
            None => town.region.clone(),
        };
        town_rows.push(PlaceRow {
            region,
            name: format!("г. {}", town.name),
            kind: Kind::City,
            parent,
            oktmo: town.oktmo.clone(),
            strict: town_is_strict(&town.name),
            aliases: Vec::new(),
        });
    }
    // A town whose parent is «г. X» where X is itself only in city.csv: resolved in a second
    // pass, once every town without a parent is known.
    let own_towns: Vec<(String, String)> = town_rows
        .iter()
        .chain(&rows)
        .filter(|row| row.kind == Kind::City && row.parent.is_none())
        .map(|row| (row.region.clone(), row.name.clone()))
        .collect();
    for row in &mut town_rows {
        if let Some(parent) = &row.parent
            && parent.starts_with("г. ")
            && !own_towns.contains(&(row.region.clone(), parent.clone()))
        {
            warnings.push(format!(
                "{}: parent {parent} is not in the table; left without a parent",
                row.name
            ));
            row.parent = None;
        }
    }
    rows.extend(town_rows);

    rows.sort();
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    rows.retain(|row| {
        let key = (row.region.clone(), row.name.clone());
        if let Some(kept) = seen.get(&key) {
            warnings.push(format!(
                "{} ({}): ОКТМО {} duplicates {kept}; dropped",
                row.name, row.region, row.oktmo
            ));
            return false;
        }
        seen.insert(key, row.oktmo.clone());
        true
    });
    rows
}

/// «03655101001» → «03655000»: the municipality a settlement code belongs to.
fn municipality_code(oktmo: &str) -> Option<String> {
    (oktmo.len() >= 8 && oktmo.is_ascii()).then(|| format!("{}000", &oktmo[..5]))
}

/// The parent of a town whose ОКТМО code is newer than the 2019 classifier, from city.csv's
/// «area» (район or городской округ).
fn parent_by_area(town: &Town, rows: &[PlaceRow], warnings: &mut Vec<String>) -> Option<String> {
    if town.area.is_empty() || town.area == town.name {
        return None;
    }
    if town.area_type == "г" {
        return Some(format!("г. {}", town.area));
    }
    let wanted = format!("{} район", town.area);
    let found = rows.iter().find(|row| {
        row.kind == Kind::District
            && row.region == town.region
            && name_key(&row.name) == name_key(&wanted)
    });
    match found {
        Some(row) => Some(row.name.clone()),
        None => {
            warnings.push(format!(
                "{} ({}): no district {wanted:?}; left without a parent",
                town.name, town.region
            ));
            None
        }
    }
}

/// Whether a town name is also an ordinary word (Мирный, Советский, Сокол, Дно).
fn town_is_strict(name: &str) -> bool {
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
fn district_is_strict(core: &str, regions: &RegionNames) -> bool {
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

fn render(rows: &[PlaceRow]) -> String {
    let mut out = String::new();
    out.push_str(
        "# places.tsv — municipalities and towns of Russia with their federal subject.\n\
         # Generated by `cargo run -p xtask -- gazetteer ../shared/gazetteer`; do not edit by hand.\n\
         # Sources: ОКТМО (2019); city.csv by HFLabs (CC BY-SA 4.0; data from DaData.ru and Wikipedia).\n\
         # Format: see README.md in this directory.\n",
    );
    out.push_str("kind\tname\tregion\tparent\toktmo\tflags\taliases\n");
    for row in rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            row.kind.as_str(),
            row.name,
            row.region,
            row.parent.as_deref().unwrap_or(""),
            row.oktmo,
            if row.strict { "strict" } else { "" },
            row.aliases.join("|"),
        );
    }
    out
}

#[cfg(test)]
mod tests;
