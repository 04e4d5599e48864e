//! The sources manifest: where each downloaded file of the corpus came from.
//!
//! One hidden JSON file at the root of the corpus folder, [`SOURCES_FILE`], maps paths relative
//! to the corpus (`web/example.ru/news/123.html`) to what the download knew: the URL asked for,
//! the final URL after redirects, when it was fetched, the content type and the charset of its
//! `Content-Type` header, the validators (`ETag`, `Last-Modified`) for the next run, and the
//! SHA-256 of the bytes. The indexer reads `url`, `final_url` and `charset` from it (see
//! `edusearch_indexer::Sources`); the other fields are for `fetch` itself. Being hidden, the
//! indexer never takes it for a resolution.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::FetchError;

/// File name of the sources manifest at the root of the corpus folder.
pub const SOURCES_FILE: &str = ".edusearch-sources.json";

/// What is known of one downloaded file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceEntry {
    /// The URL asked for.
    pub url: String,
    /// The URL that answered, after redirects.
    pub final_url: String,
    /// When the bytes on disk were downloaded (HTTP date).
    pub fetched_at: String,
    /// When the server was last asked about this URL (HTTP date).
    pub checked_at: String,
    /// The `Content-Type` header, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The `charset` of the `Content-Type` header, for pages that declare it nowhere else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// The `ETag` header, asked back with `If-None-Match`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The `Last-Modified` header, asked back with `If-Modified-Since`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// SHA-256 of the bytes on disk (hex).
    pub sha256: String,
    /// Size of the file in bytes.
    pub size: u64,
    /// The page this document was linked from (`--attachments`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_from: Option<String>,
    /// Set when the server last answered 404 or 410: the status (the file is kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gone: Option<u16>,
}

/// The sources manifest of a corpus folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcesManifest {
    /// Format version.
    pub version: u32,
    /// Downloaded files by path relative to the corpus folder (`/`-separated).
    pub files: BTreeMap<String, SourceEntry>,
}

impl SourcesManifest {
    /// Path of the manifest of a corpus folder.
    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join(SOURCES_FILE)
    }

    /// The manifest of a corpus folder; empty when there is none yet.
    pub fn load(data_dir: &Path) -> Result<Self, FetchError> {
        let path = Self::path_in(data_dir);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(error) => return Err(FetchError::io("failed to read", &path)(error)),
        };
        serde_json::from_str(&text).map_err(|error| FetchError::ManifestUnreadable {
            path,
            reason: error.to_string(),
        })
    }

    /// Writes the manifest by a temporary file and a rename, so a reader never sees half.
    pub fn save(&self, data_dir: &Path) -> Result<(), FetchError> {
        let path = Self::path_in(data_dir);
        let versioned = Self {
            version: 1,
            files: self.files.clone(),
        };
        let json = serde_json::to_vec_pretty(&versioned).expect("a manifest always serialises");
        let temporary = data_dir.join(format!("{SOURCES_FILE}.{}.tmp", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&temporary)?;
            file.write_all(&json)?;
            file.sync_all()?;
            fs::rename(&temporary, &path)
        };
        write().map_err(|error| {
            let _ = fs::remove_file(&temporary);
            FetchError::io("failed to write", &path)(error)
        })
    }

    /// The path and entry of the file downloaded from `url` (as asked for).
    pub fn by_url(&self, url: &str) -> Option<(&String, &SourceEntry)> {
        self.files.iter().find(|(_, entry)| entry.url == url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_round_trips_and_a_missing_one_is_empty() {
        let data = tempfile::tempdir().unwrap();
        assert_eq!(
            SourcesManifest::load(data.path()).unwrap(),
            SourcesManifest::default()
        );
        let mut manifest = SourcesManifest::default();
        manifest.files.insert(
            "web/example.ru/a.html".into(),
            SourceEntry {
                url: "http://example.ru/a".into(),
                final_url: "http://example.ru/a".into(),
                charset: Some("windows-1251".into()),
                ..SourceEntry::default()
            },
        );
        manifest.save(data.path()).unwrap();
        let loaded = SourcesManifest::load(data.path()).unwrap();
        assert_eq!(loaded.version, 1);
        assert_eq!(loaded.files, manifest.files);
        assert_eq!(
            loaded.by_url("http://example.ru/a").unwrap().0,
            "web/example.ru/a.html"
        );

        fs::write(SourcesManifest::path_in(data.path()), "{").unwrap();
        let error = SourcesManifest::load(data.path()).unwrap_err();
        assert!(error.is_user_error() && error.to_string().contains("unreadable"));
    }
}
