//! Loading the tables: `regions.tsv` and `places.tsv` parsed and checked row by row.

use std::collections::HashMap;

use thiserror::Error;

use super::{Place, PlaceKind, Region};

pub(super) const REGIONS_TSV: &str = include_str!("../../data/regions.tsv");
pub(super) const PLACES_TSV: &str = include_str!("../../data/places.tsv");

const REGIONS_HEADER: &str = "name\toktmo\tvariants";
const PLACES_HEADER: &str = "kind\tname\tregion\tparent\toktmo\tflags\taliases";

/// Why a place table could not be loaded.
#[derive(Debug, Error)]
pub enum PlaceTableError {
    /// The first line that is not a comment is not the expected header.
    #[error("{table} line {line}: expected the header {expected:?}")]
    Header {
        /// File name of the table.
        table: &'static str,
        /// 1-based line number.
        line: usize,
        /// The header the table must have.
        expected: &'static str,
    },
    /// A row has too few or too many tab-separated fields.
    #[error("{table} line {line}: expected {min} to {max} tab-separated fields, found {found}")]
    FieldCount {
        /// File name of the table.
        table: &'static str,
        /// 1-based line number.
        line: usize,
        /// Fewest fields a row may have.
        min: usize,
        /// Most fields a row may have.
        max: usize,
        /// Fields the row has.
        found: usize,
    },
    /// A field that must have a value is empty.
    #[error("{table} line {line}: empty {field}")]
    EmptyField {
        /// File name of the table.
        table: &'static str,
        /// 1-based line number.
        line: usize,
        /// Column name.
        field: &'static str,
    },
    /// `kind` is not `district`, `city` or `okrug`.
    #[error("places.tsv line {line}: unknown kind {kind:?}")]
    UnknownKind {
        /// 1-based line number.
        line: usize,
        /// The kind as written.
        kind: String,
    },
    /// `flags` holds something other than `strict`.
    #[error("places.tsv line {line}: unknown flag {flag:?}")]
    UnknownFlag {
        /// 1-based line number.
        line: usize,
        /// The flag as written.
        flag: String,
    },
    /// A place names a region that regions.tsv does not list.
    #[error("places.tsv line {line}: unknown region {region:?}")]
    UnknownRegion {
        /// 1-based line number.
        line: usize,
        /// The region as written.
        region: String,
    },
    /// A town names a parent that is not a place of its region.
    #[error("places.tsv line {line}: parent {parent:?} is not a place of {region}")]
    UnknownParent {
        /// 1-based line number.
        line: usize,
        /// The parent as written.
        parent: String,
        /// The region of the town.
        region: String,
    },
    /// The same name is listed twice.
    #[error("{table} line {line}: {name:?} is listed twice")]
    Duplicate {
        /// File name of the table.
        table: &'static str,
        /// 1-based line number.
        line: usize,
        /// The repeated name.
        name: String,
    },
}

impl PlaceTableError {
    /// Whether the problem lies in the input tables (always: the tables are data).
    pub fn is_invalid_input(&self) -> bool {
        true
    }
}

/// Table rows: (1-based line number, fields), comments and blank lines skipped, header checked.
fn rows<'a>(
    table: &'static str,
    text: &'a str,
    header: &'static str,
    min: usize,
    max: usize,
) -> Result<Vec<(usize, Vec<&'a str>)>, PlaceTableError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim_end_matches('\r')))
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'));
    match lines.next() {
        Some((_, line)) if line == header => {}
        Some((line, _)) => {
            return Err(PlaceTableError::Header {
                table,
                line,
                expected: header,
            });
        }
        None => {
            return Err(PlaceTableError::Header {
                table,
                line: 1,
                expected: header,
            });
        }
    }
    lines
        .map(|(line, text)| {
            let fields: Vec<&str> = text.split('\t').map(str::trim).collect();
            if fields.len() < min || fields.len() > max {
                return Err(PlaceTableError::FieldCount {
                    table,
                    line,
                    min,
                    max,
                    found: fields.len(),
                });
            }
            Ok((line, fields))
        })
        .collect()
}

fn split_list(field: Option<&&str>) -> Vec<String> {
    field
        .map(|field| {
            field
                .split('|')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn non_empty(field: Option<&&str>) -> Option<String> {
    field
        .filter(|field| !field.is_empty())
        .map(|field| field.to_string())
}

pub(super) fn parse_regions(text: &str) -> Result<Vec<Region>, PlaceTableError> {
    const TABLE: &str = "regions.tsv";
    let mut regions: Vec<Region> = Vec::new();
    for (line, fields) in rows(TABLE, text, REGIONS_HEADER, 1, 3)? {
        let name = fields[0];
        if name.is_empty() {
            return Err(PlaceTableError::EmptyField {
                table: TABLE,
                line,
                field: "name",
            });
        }
        if regions.iter().any(|region| region.name == name) {
            return Err(PlaceTableError::Duplicate {
                table: TABLE,
                line,
                name: name.to_string(),
            });
        }
        regions.push(Region {
            name: name.to_string(),
            oktmo: non_empty(fields.get(1)),
            variants: split_list(fields.get(2)),
        });
    }
    Ok(regions)
}

pub(super) fn parse_places(text: &str, regions: &[Region]) -> Result<Vec<Place>, PlaceTableError> {
    const TABLE: &str = "places.tsv";
    let region_index: HashMap<&str, usize> = regions
        .iter()
        .enumerate()
        .map(|(index, region)| (region.name.as_str(), index))
        .collect();
    let mut places: Vec<Place> = Vec::new();
    let mut by_name: HashMap<(usize, String), usize> = HashMap::new();
    let mut parents: Vec<(usize, usize, String)> = Vec::new();
    for (line, fields) in rows(TABLE, text, PLACES_HEADER, 5, 7)? {
        let kind = PlaceKind::parse(fields[0]).ok_or_else(|| PlaceTableError::UnknownKind {
            line,
            kind: fields[0].to_string(),
        })?;
        let name = fields[1];
        if name.is_empty() {
            return Err(PlaceTableError::EmptyField {
                table: TABLE,
                line,
                field: "name",
            });
        }
        let region =
            *region_index
                .get(fields[2])
                .ok_or_else(|| PlaceTableError::UnknownRegion {
                    line,
                    region: fields[2].to_string(),
                })?;
        let mut strict = false;
        for flag in fields.get(5).into_iter().flat_map(|flags| flags.split(',')) {
            match flag.trim() {
                "" => {}
                "strict" => strict = true,
                other => {
                    return Err(PlaceTableError::UnknownFlag {
                        line,
                        flag: other.to_string(),
                    });
                }
            }
        }
        if by_name
            .insert((region, name.to_string()), places.len())
            .is_some()
        {
            return Err(PlaceTableError::Duplicate {
                table: TABLE,
                line,
                name: format!("{name} ({})", regions[region].name),
            });
        }
        if !fields[3].is_empty() {
            parents.push((places.len(), line, fields[3].to_string()));
        }
        places.push(Place {
            kind,
            name: name.to_string(),
            region,
            region_name: regions[region].name.clone(),
            parent: None,
            parent_name: None,
            oktmo: non_empty(fields.get(4)),
            strict,
            aliases: split_list(fields.get(6)),
        });
    }
    for (child, line, parent) in parents {
        let region = places[child].region;
        let Some(&parent_index) = by_name.get(&(region, parent.clone())) else {
            return Err(PlaceTableError::UnknownParent {
                line,
                parent,
                region: regions[region].name.clone(),
            });
        };
        places[child].parent = Some(parent_index);
        places[child].parent_name = Some(parent);
    }
    Ok(places)
}
