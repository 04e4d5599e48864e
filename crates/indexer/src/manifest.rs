//! The manifest of a generation: which file gave which resolution, with content hashes, so an
//! update reads only what changed and a resolution knows all the files it came from.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::IndexError;

/// File name of the manifest inside a generation folder.
pub const MANIFEST: &str = "edusearch-manifest.json";

/// Size and modification time of a file: when both are unchanged, the file is not read again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub modified_ns: u128,
}

impl FileStamp {
    /// The stamp of a file, if its metadata can be read.
    pub fn of(path: &Path) -> Option<Self> {
        let metadata = fs::metadata(path).ok()?;
        let modified_ns = metadata
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Self {
            size: metadata.len(),
            modified_ns,
        })
    }
}

/// What the last build knew of one corpus file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Size and time when it was read.
    pub stamp: FileStamp,
    /// SHA-256 of its bytes (hex); empty when it could not be read.
    pub hash: String,
    /// Id of the resolution it holds, when it parsed.
    pub id: Option<String>,
    /// Number of recommendation items.
    pub items: usize,
    /// Why it is not indexed, when it is not.
    pub problem: Option<String>,
    /// What the parser noticed.
    pub warnings: Vec<String>,
    /// The web address it was downloaded from (`edusearch fetch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
}

/// The manifest of a generation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// The corpus folder (canonical path) the generation was built from.
    pub data_dir: String,
    /// Corpus files by path relative to the corpus folder.
    pub files: BTreeMap<String, FileEntry>,
}

impl Manifest {
    /// The manifest of a generation folder, if it has a readable one.
    pub fn load(generation: &Path) -> Option<Self> {
        let text = fs::read_to_string(generation.join(MANIFEST)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Writes the manifest into a generation folder.
    pub fn save(&self, generation: &Path) -> Result<(), IndexError> {
        let path = generation.join(MANIFEST);
        let versioned = Self {
            version: 1,
            ..self.clone()
        };
        let json = serde_json::to_vec_pretty(&versioned).expect("a manifest always serialises");
        fs::write(&path, json).map_err(|source| IndexError::Io {
            action: "failed to write",
            path,
            source,
        })
    }

    /// Every corpus file that holds the resolution with this id, in path order.
    pub fn sources_of(&self, id: &str) -> Vec<String> {
        self.files
            .iter()
            .filter(|(_, entry)| entry.id.as_deref() == Some(id))
            .map(|(path, _)| path.clone())
            .collect()
    }

    /// The web addresses of the corpus files that hold the resolution with this id, in path
    /// order, each once.
    pub fn urls_of(&self, id: &str) -> Vec<String> {
        let mut urls: Vec<String> = Vec::new();
        for entry in self.files.values() {
            if entry.id.as_deref() == Some(id)
                && let Some(url) = &entry.source_url
                && !urls.contains(url)
            {
                urls.push(url.clone());
            }
        }
        urls
    }

    /// The id of the resolution a corpus file holds.
    pub fn id_of(&self, relative_path: &str) -> Option<&str> {
        self.files.get(relative_path)?.id.as_deref()
    }
}
