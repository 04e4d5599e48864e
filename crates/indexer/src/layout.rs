//! The index root: generations, the `CURRENT` pointer and the writer lock.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use tantivy::Index;

use crate::IndexError;
use crate::read_only::ReadOnlyDirectory;
use crate::schema::IndexSchema;

const CURRENT: &str = "CURRENT";
const LOCK: &str = ".lock";
const GENERATION_PREFIX: &str = "gen-";

/// A folder holding index generations and the pointer to the live one.
#[derive(Debug, Clone)]
pub struct IndexRoot {
    root: PathBuf,
}

impl IndexRoot {
    /// The index root at `path` (it need not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { root: path.into() }
    }

    /// The root folder.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The live generation folder, if an index has been built.
    pub fn current(&self) -> Result<Option<PathBuf>, IndexError> {
        self.check_folder()?;
        let pointer = self.root.join(CURRENT);
        match fs::read_to_string(&pointer) {
            Ok(name) => {
                let name = name.trim();
                if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
                    return Err(IndexError::Unusable {
                        path: pointer,
                        reason: format!("CURRENT names an invalid generation {name:?}"),
                    });
                }
                Ok(Some(self.root.join(name)))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
                Err(IndexError::Unusable {
                    path: pointer,
                    reason: "CURRENT is not the name of a generation (not UTF-8 text)".to_string(),
                })
            }
            Err(source) => Err(IndexError::Io {
                action: "failed to read",
                path: pointer,
                source,
            }),
        }
    }

    /// Fails when the root exists and is not a folder (a file, `/dev/null`).
    fn check_folder(&self) -> Result<(), IndexError> {
        match fs::metadata(&self.root) {
            Ok(metadata) if !metadata.is_dir() => Err(IndexError::NotAFolder {
                path: self.root.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// Whether an index has been built here.
    pub fn exists(&self) -> bool {
        matches!(self.current(), Ok(Some(path)) if path.is_dir())
    }

    /// Takes the writer lock; it is released when the guard is dropped.
    pub fn lock(&self) -> Result<WriterLock, IndexError> {
        self.check_folder()?;
        fs::create_dir_all(&self.root).map_err(|source| IndexError::Io {
            action: "failed to create",
            path: self.root.clone(),
            source,
        })?;
        let path = self.root.join(LOCK);
        for _ in 0..2 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    let _ = write!(file, "{}", std::process::id());
                    return Ok(WriterLock { path });
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    let pid = fs::read_to_string(&path)
                        .unwrap_or_default()
                        .trim()
                        .to_string();
                    if process_alive(&pid) {
                        return Err(IndexError::Locked { pid, lock: path });
                    }
                    // The holder died (kill -9, power loss): the lock is stale.
                    let _ = fs::remove_file(&path);
                }
                Err(source) => {
                    return Err(IndexError::Io {
                        action: "failed to create",
                        path,
                        source,
                    });
                }
            }
        }
        Err(IndexError::Locked {
            pid: "unknown".to_string(),
            lock: path,
        })
    }

    /// Creates a fresh, empty generation folder (the caller holds the lock).
    pub(crate) fn new_generation(&self) -> Result<PathBuf, IndexError> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default();
        let path = self.root.join(format!(
            "{GENERATION_PREFIX}{nanos:x}-{}",
            std::process::id()
        ));
        fs::create_dir_all(&path).map_err(|source| IndexError::Io {
            action: "failed to create",
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }

    /// Makes `generation` the live index with one atomic rename, then removes the others.
    pub(crate) fn publish(&self, generation: &Path) -> Result<(), IndexError> {
        let name = generation
            .file_name()
            .and_then(|name| name.to_str())
            .expect("generation folders have UTF-8 names");
        let temporary = self.root.join(format!("{CURRENT}.tmp"));
        let io = |action, path: &Path| {
            let path = path.to_path_buf();
            move |source| IndexError::Io {
                action,
                path,
                source,
            }
        };
        let mut file = fs::File::create(&temporary).map_err(io("failed to create", &temporary))?;
        file.write_all(name.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(io("failed to write", &temporary))?;
        fs::rename(&temporary, self.root.join(CURRENT))
            .map_err(io("failed to switch to", generation))?;
        self.remove_stale_generations();
        Ok(())
    }

    /// Removes every generation but the live one: leftovers of interrupted builds and
    /// replaced indexes (a server still reading one keeps its open files until it reloads).
    pub(crate) fn remove_stale_generations(&self) {
        let current = self.current().ok().flatten();
        let Ok(entries) = fs::read_dir(&self.root) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let is_generation = path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(GENERATION_PREFIX));
            if is_generation
                && Some(&path) != current.as_ref()
                && let Err(error) = fs::remove_dir_all(&path)
            {
                tracing::warn!(path = %path.display(), %error, "failed to remove old index generation");
            }
        }
    }
}

fn process_alive(pid: &str) -> bool {
    match pid.parse::<u32>() {
        Ok(pid) if pid == std::process::id() => true,
        Ok(pid) => {
            Path::new("/proc").join(pid.to_string()).exists() || !Path::new("/proc").exists()
        }
        Err(_) => false,
    }
}

/// The writer lock; dropping it releases the lock.
#[derive(Debug)]
pub struct WriterLock {
    path: PathBuf,
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Opens the live index of a root for searching, with the edusearch analyzers registered.
/// Nothing is written or locked: the folder may be read-only.
pub fn open_index(root: &IndexRoot) -> Result<(Index, IndexSchema), IndexError> {
    let generation = root.current()?.ok_or_else(|| IndexError::NotBuilt {
        path: root.path().to_path_buf(),
    })?;
    if !generation.is_dir() {
        return Err(IndexError::Unusable {
            path: root.path().join(CURRENT),
            reason: format!(
                "CURRENT names the generation {:?}, which is not a folder here",
                generation.file_name().unwrap_or_default()
            ),
        });
    }
    // Read-only: searching needs no lock and no write access (see `read_only`).
    let index = ReadOnlyDirectory::open(&generation)
        .map_err(tantivy::TantivyError::from)
        .and_then(Index::open)
        .map_err(|error| IndexError::Unusable {
            path: generation.clone(),
            reason: error.to_string(),
        })?;
    let schema = IndexSchema::from_schema(&index.schema()).ok_or_else(|| IndexError::Unusable {
        path: generation.clone(),
        reason: "its schema differs from this version's".to_string(),
    })?;
    edusearch_russian::register_analyzers(index.tokenizers());
    Ok((index, schema))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let root = IndexRoot::new(dir.path());
        let first = root.lock().unwrap();
        let second = root.lock().unwrap_err();
        assert!(
            second
                .to_string()
                .contains("being updated by another process")
        );
        drop(first);
        assert!(root.lock().is_ok());
    }

    #[test]
    fn a_stale_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(LOCK), "999999999").unwrap();
        assert!(IndexRoot::new(dir.path()).lock().is_ok());
    }

    #[test]
    fn publishing_switches_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let root = IndexRoot::new(dir.path());
        let _lock = root.lock().unwrap();
        let first = root.new_generation().unwrap();
        root.publish(&first).unwrap();
        let leftover = root.new_generation().unwrap();
        let second = root.new_generation().unwrap();
        root.publish(&second).unwrap();
        assert_eq!(root.current().unwrap(), Some(second.clone()));
        assert!(!first.exists() && !leftover.exists() && second.exists());
    }

    #[test]
    fn no_index_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = open_index(&IndexRoot::new(dir.path())).unwrap_err();
        assert!(error.to_string().contains("edusearch index"), "{error}");
    }
}
