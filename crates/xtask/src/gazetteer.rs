//! Derives `places.tsv` (municipalities and towns with their federal subject) from the raw
//! gazetteer: the ОКТМО classifier of 2019 and HFLabs' city.csv (CC BY-SA 4.0).
//!
//! The output is sorted and has no timestamps, so the same input always gives the same bytes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use names::{RegionNames, district_is_strict, name_key, town_is_strict};
use sources::{Municipality, OkrugForm, Town, read_municipalities, read_towns};

mod names;
mod sources;

/// The derived table and what the derivation noticed.
pub struct Generated {
    /// The text of `places.tsv`.
    pub table: String,
    /// Number of place rows in the table.
    pub rows: usize,
    /// Input rows that could not be placed exactly (written to stderr by the caller).
    pub warnings: Vec<String>,
}

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
