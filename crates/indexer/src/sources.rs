//! Where corpus files came from: the sources manifest `edusearch fetch` writes.
//!
//! [`SOURCES_FILE`] is a hidden JSON file at the root of the corpus folder,
//! `{"version": 1, "files": {"web/uo.example.ru/news/123.html": {"url": …, "final_url": …,
//! "charset": "windows-1251", …}}}`, keyed by paths relative to the corpus. The indexer reads
//! three fields of an entry: the web address of the file (`final_url`, else `url`), which
//! becomes the record's `source_url`, and the `charset` of the `Content-Type` header it was
//! served with, for pages that declare their encoding nowhere else. Other fields belong to
//! `fetch`. The format is plain, so a file put in by hand can be given its address too.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use serde::Deserialize;

/// File name of the sources manifest at the root of the corpus folder (written by
/// `edusearch-fetch`, which has the same constant).
pub const SOURCES_FILE: &str = ".edusearch-sources.json";

/// What the indexer takes from one entry of the sources manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Source {
    /// The address asked for.
    #[serde(default)]
    pub url: Option<String>,
    /// The address that answered, after redirects.
    #[serde(default)]
    pub final_url: Option<String>,
    /// The charset of the `Content-Type` header.
    #[serde(default)]
    pub charset: Option<String>,
}

impl Source {
    /// The address shown for the file: where it was found, after redirects.
    pub fn address(&self) -> Option<&str> {
        self.final_url
            .as_deref()
            .or(self.url.as_deref())
            .filter(|url| !url.is_empty())
    }
}

#[derive(Debug, Default, Deserialize)]
struct SourcesFile {
    #[serde(default)]
    files: HashMap<String, Source>,
}

/// The sources of a corpus folder, by path relative to it.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: HashMap<String, Source>,
}

impl Sources {
    /// The sources manifest of a corpus folder; empty when there is none or it is unreadable
    /// (a broken manifest costs the addresses, not the index).
    pub fn load(data_dir: &Path) -> Self {
        let path = data_dir.join(SOURCES_FILE);
        let Ok(text) = fs::read_to_string(&path) else {
            return Self::default();
        };
        match serde_json::from_str::<SourcesFile>(&text) {
            Ok(file) => Self { files: file.files },
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "sources manifest unreadable; ignored");
                Self::default()
            }
        }
    }

    /// The source of a file, by its path relative to the corpus.
    pub fn get(&self, relative_path: &str) -> Option<&Source> {
        self.files.get(&relative_path.replace('\\', "/"))
    }

    /// The source of any file, found through the sources manifest of the nearest folder
    /// above it that has one (for `inspect`, which is given a file and no corpus).
    pub fn for_file(path: &Path) -> Option<Source> {
        let absolute = fs::canonicalize(path).ok()?;
        for folder in absolute.ancestors().skip(1) {
            if !folder.join(SOURCES_FILE).is_file() {
                continue;
            }
            let relative = absolute
                .strip_prefix(folder)
                .ok()?
                .to_string_lossy()
                .into_owned();
            return Self::load(folder).get(&relative).cloned();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_read_by_relative_path_and_found_from_a_file() {
        let data = tempfile::tempdir().unwrap();
        let folder = data.path().join("web/uo.example.ru/news");
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("1.html"), "<p>x</p>").unwrap();
        fs::write(
            data.path().join(SOURCES_FILE),
            r#"{"version": 1, "files": {"web/uo.example.ru/news/1.html": {
                "url": "http://uo.example.ru/news/1", "final_url": "https://uo.example.ru/news/1",
                "charset": "windows-1251", "etag": "\"x\"", "size": 8}}}"#,
        )
        .unwrap();
        let sources = Sources::load(data.path());
        let source = sources.get("web/uo.example.ru/news/1.html").unwrap();
        assert_eq!(source.address(), Some("https://uo.example.ru/news/1"));
        assert_eq!(source.charset.as_deref(), Some("windows-1251"));
        assert_eq!(
            Sources::for_file(&folder.join("1.html")).as_ref(),
            Some(source)
        );
        assert!(sources.get("other.txt").is_none());

        fs::write(data.path().join(SOURCES_FILE), "{broken").unwrap();
        assert!(
            Sources::load(data.path())
                .get("web/uo.example.ru/news/1.html")
                .is_none()
        );
    }
}
