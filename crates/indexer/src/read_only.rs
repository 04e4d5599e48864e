//! A tantivy directory for searching a published generation without write access.
//!
//! tantivy takes its meta lock (a file it creates and deletes) whenever a reader loads the
//! segments, which fails on a read-only folder («Failed to acquire Lockfile … Read-only file
//! system»). The lock keeps a writer's garbage collection from deleting files a reader is
//! opening; a published generation never has a writer (a rebuild writes a new generation and
//! switches `CURRENT`), so the reader needs no lock and writes nothing.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// A directory whose files can be read and never written, deleted or locked on disk.
#[derive(Clone, Debug)]
pub struct ReadOnlyDirectory {
    inner: MmapDirectory,
    path: PathBuf,
}

impl ReadOnlyDirectory {
    /// Opens `path` for reading.
    pub fn open(path: &Path) -> Result<Self, tantivy::directory::error::OpenDirectoryError> {
        Ok(Self {
            inner: MmapDirectory::open(path)?,
            path: path.to_path_buf(),
        })
    }

    fn refused(&self, file: &Path) -> Arc<io::Error> {
        Arc::new(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "index generation {} is opened read-only; {} cannot be written",
                self.path.display(),
                file.display()
            ),
        ))
    }
}

impl Directory for ReadOnlyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: self.refused(path),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: self.refused(path),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            self.refused(path).to_string(),
        ))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    /// No lock file: nothing deletes files in a published generation (see the module docs).
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use tantivy::collector::Count;
    use tantivy::query::AllQuery;

    use super::*;
    use crate::{BuildOptions, IndexRoot, NoProgress, build_index, open_index};

    /// Name, size and modification time of every file under `dir`.
    fn listing(dir: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
        let mut files = BTreeMap::new();
        let mut folders = vec![dir.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap().flatten() {
                let metadata = entry.metadata().unwrap();
                if metadata.is_dir() {
                    folders.push(entry.path());
                }
                files.insert(entry.path(), (metadata.len(), metadata.modified().unwrap()));
            }
        }
        files
    }

    /// `search` and `serve` on a read-only index folder failed with «Failed to acquire
    /// Lockfile … Read-only file system». The index is opened through a directory that refuses
    /// every write (tests run as root, which ignores permission bits), and searching it leaves
    /// the folder as it was.
    #[test]
    fn a_read_only_index_is_searched_without_a_lock_or_any_write() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
        let root = IndexRoot::new(dir.path());
        build_index(&root, &BuildOptions::new(&corpus), &NoProgress).unwrap();
        let generation = root.current().unwrap().unwrap();
        let before = listing(dir.path());

        let directory = ReadOnlyDirectory::open(&generation).unwrap();
        assert!(directory.open_write(Path::new("x")).is_err());
        assert!(directory.atomic_write(Path::new("x"), b"x").is_err());
        assert!(directory.delete(Path::new("meta.json")).is_err());

        let (index, _schema) = open_index(&root).unwrap();
        let reader = index.reader().unwrap();
        reader.reload().unwrap();
        let documents = reader.searcher().search(&AllQuery, &Count).unwrap();
        assert!(documents > 0);
        drop(reader);
        assert_eq!(listing(dir.path()), before);
    }
}
