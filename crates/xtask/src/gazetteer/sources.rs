//! The two sources read: ОКТМО's municipalities with their names understood, city.csv's towns.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::names::{RegionNames, is_adjective};

/// Federal cities: their inner territories are not municipalities users name.
const FEDERAL_CITIES: [&str; 3] = ["Москва", "Санкт-Петербург", "Севастополь"];

/// How an ОКТМО городской округ is named, which decides its display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum OkrugForm {
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
pub(super) struct Municipality {
    pub(super) code: String,
    pub(super) region: String,
    pub(super) raw_name: String,
    pub(super) district: Option<District>,
    pub(super) okrug: Option<(String, OkrugForm)>,
}

#[derive(Debug, Clone)]
pub(super) struct District {
    pub(super) display: String,
    pub(super) core: String,
    pub(super) aliases: Vec<String>,
}

pub(super) struct Town {
    pub(super) name: String,
    pub(super) region: String,
    pub(super) oktmo: String,
    pub(super) area_type: String,
    pub(super) area: String,
}

pub(super) fn read_municipalities(path: &Path, regions: &RegionNames) -> Result<Vec<Municipality>> {
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
pub(super) fn parse_district(name: &str) -> Option<District> {
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
pub(super) fn parse_okrug(name: &str) -> (String, OkrugForm) {
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

pub(super) fn read_towns(path: &Path, regions: &RegionNames) -> Result<Vec<Town>> {
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
pub(super) fn region_full_name(region_type: &str, region: &str) -> String {
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
