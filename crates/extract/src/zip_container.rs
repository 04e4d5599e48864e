//! ZIP containers (DOCX, ODT) opened with the bomb checks done first.
//!
//! Three lines of defence: the entry count in the end-of-central-directory record is checked
//! before the `zip` crate parses the directory (a directory of a million entries costs memory
//! too); the uncompressed sizes the directory declares are summed before anything is inflated;
//! and every read is capped by what is left of the budget, because declared sizes can lie.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use crate::{ExtractError, Format, Limits};

/// An archive whose directory passed the limits, with a budget for what may still be inflated.
pub(crate) struct Container<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    format: Format,
    budget: u64,
    limit: u64,
}

impl<'a> Container<'a> {
    /// Opens the archive and checks its directory against the limits.
    pub(crate) fn open(
        bytes: &'a [u8],
        format: Format,
        limits: &Limits,
    ) -> Result<Self, ExtractError> {
        if let Some(entries) = declared_entry_count(bytes)
            && entries > limits.max_zip_entries as u64
        {
            return Err(too_many_entries(format, entries, limits));
        }
        let mut archive =
            ZipArchive::new(Cursor::new(bytes)).map_err(|error| zip_error(format, error))?;
        if archive.len() > limits.max_zip_entries {
            return Err(too_many_entries(format, archive.len() as u64, limits));
        }
        let mut declared = 0u64;
        for index in 0..archive.len() {
            let entry = archive
                .by_index_raw(index)
                .map_err(|error| zip_error(format, error))?;
            declared = declared.saturating_add(entry.size());
        }
        if declared > limits.max_uncompressed_bytes {
            return Err(ExtractError::ZipBomb {
                format,
                reason: format!(
                    "entries declare {declared} uncompressed bytes, limit {}",
                    limits.max_uncompressed_bytes
                ),
            });
        }
        Ok(Container {
            archive,
            format,
            budget: limits.max_uncompressed_bytes,
            limit: limits.max_uncompressed_bytes,
        })
    }

    /// Whether an entry of that exact name exists.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// Inflates an entry the text does not depend on (styles, numbering, relationships): a
    /// damaged one is skipped with a warning instead of failing the file.
    pub(crate) fn read_optional(
        &mut self,
        name: &str,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Vec<u8>>, ExtractError> {
        match self.read(name) {
            Err(ExtractError::Corrupt { reason, .. }) => {
                warnings.push(format!("{reason}; read the text without it"));
                Ok(None)
            }
            other => other,
        }
    }

    /// Inflates one entry, `None` when it does not exist; the shared budget caps the read.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ExtractError> {
        let format = self.format;
        let Some(index) = self.archive.index_for_name(name) else {
            return Ok(None);
        };
        let entry = match self.archive.by_index(index) {
            Ok(entry) => entry,
            Err(error) => return Err(zip_error(format, error)),
        };
        if entry.encrypted() {
            return Err(ExtractError::Encrypted);
        }
        let mut data = Vec::with_capacity(entry.size().min(self.budget).min(1 << 24) as usize);
        let read = entry
            .take(self.budget.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|error| {
                ExtractError::corrupt(format, format!("cannot inflate {name}: {error}"))
            })?;
        if read as u64 > self.budget {
            return Err(ExtractError::ZipBomb {
                format,
                reason: format!("{name} inflates past the limit of {} bytes", self.limit),
            });
        }
        self.budget -= read as u64;
        Ok(Some(data))
    }
}

fn too_many_entries(format: Format, entries: u64, limits: &Limits) -> ExtractError {
    ExtractError::ZipBomb {
        format,
        reason: format!("{entries} entries, limit {}", limits.max_zip_entries),
    }
}

fn zip_error(format: Format, error: ZipError) -> ExtractError {
    match error {
        ZipError::UnsupportedArchive(reason) if reason.contains("assword") => {
            ExtractError::Encrypted
        }
        ZipError::InvalidPassword => ExtractError::Encrypted,
        other => ExtractError::corrupt(format, format!("not a readable zip archive ({other})")),
    }
}

/// The entry count the end-of-central-directory record declares (ZIP64 aware), if found.
fn declared_entry_count(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const ZIP64_LOCATOR: &[u8] = b"PK\x06\x07";
    const ZIP64_EOCD: &[u8] = b"PK\x06\x06";
    // The record is 22 bytes plus a comment of at most 64 KiB at the end of the file.
    let search_start = bytes.len().saturating_sub(22 + 0xFFFF);
    let tail = &bytes[search_start..];
    let position = search_start + tail.windows(4).rposition(|window| window == EOCD)?;
    let record = bytes.get(position..position + 22)?;
    let entries = u16::from_le_bytes([record[10], record[11]]);
    if entries != 0xFFFF {
        return Some(u64::from(entries));
    }
    let locator = bytes.get(position.checked_sub(20)?..position)?;
    if &locator[..4] != ZIP64_LOCATOR {
        return None;
    }
    let offset = usize::try_from(u64::from_le_bytes(locator[8..16].try_into().ok()?)).ok()?;
    let record = bytes.get(offset..offset.checked_add(56)?)?;
    if &record[..4] != ZIP64_EOCD {
        return None;
    }
    Some(u64::from_le_bytes(record[32..40].try_into().ok()?))
}

/// Which office format a ZIP holds, judged from its entry names.
pub(crate) fn sniff_office(bytes: &[u8], limits: &Limits) -> Option<Format> {
    let container = Container::open(bytes, Format::Docx, limits).ok()?;
    if container.contains("word/document.xml") {
        Some(Format::Docx)
    } else if container.contains("content.xml") {
        Some(Format::Odt)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_corrupt_not_a_panic() {
        let error = Container::open(b"PK\x03\x04garbage", Format::Docx, &Limits::default())
            .err()
            .unwrap();
        assert!(
            matches!(
                error,
                ExtractError::Corrupt {
                    format: Format::Docx,
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn entry_count_is_read_from_the_end_record() {
        let mut bytes = vec![0u8; 30];
        bytes.extend_from_slice(b"PK\x05\x06\0\0\0\0\x10\x27\x10\x27\0\0\0\0\0\0\0\0\0\0");
        assert_eq!(declared_entry_count(&bytes), Some(10_000));
    }
}
