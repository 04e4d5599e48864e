//! The directory a build writes through: tantivy's memory-mapped directory, except that the
//! temporary doc stores of a sorted index are read with plain reads.
//!
//! An index sorted by a field ([`crate::schema::index_settings`]) writes each new segment's
//! stored documents to a temporary, uncompressed store, then reads every document back in
//! sorted order into the real store. Read through a memory map, the whole temporary store
//! (hundreds of megabytes for a large segment, both indexing threads at once) stays mapped
//! into the process until the segment is written, and counts in its resident memory; read
//! block by block, it costs one small buffer at a time.

use std::fmt;
use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};

/// Extension tantivy gives a segment's temporary doc store.
const TEMP_STORE_EXTENSION: &str = "temp";

/// [`MmapDirectory`] with temporary doc stores read by `pread` (see the module documentation).
#[derive(Clone, Debug)]
pub(crate) struct BuildDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl BuildDirectory {
    /// The directory of an index folder.
    pub(crate) fn open(root: &Path) -> Result<Self, tantivy::directory::error::OpenDirectoryError> {
        Ok(Self {
            inner: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
        })
    }
}

impl Directory for BuildDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if path
            .extension()
            .is_some_and(|ext| ext == TEMP_STORE_EXTENSION)
        {
            let full = self.root.join(path);
            let file = File::open(&full).map_err(|io_error| match io_error.kind() {
                io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
                _ => OpenReadError::wrap_io_error(io_error, path.to_path_buf()),
            })?;
            let len = file
                .metadata()
                .map_err(|io_error| OpenReadError::wrap_io_error(io_error, path.to_path_buf()))?
                .len();
            return Ok(Arc::new(ReadFile {
                file,
                len: usize::try_from(len).unwrap_or(usize::MAX),
            }));
        }
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(
        &self,
        lock: &Lock,
    ) -> Result<DirectoryLock, tantivy::directory::error::LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// A file read with positioned reads, each range into a buffer of its own.
struct ReadFile {
    file: File,
    len: usize,
}

impl fmt::Debug for ReadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReadFile({} bytes)", self.len)
    }
}

impl HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ReadFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        let end = range.end.min(self.len);
        let start = range.start.min(end);
        let mut buffer = vec![0_u8; end - start];
        self.file.read_exact_at(&mut buffer, start as u64)?;
        Ok(OwnedBytes::new(buffer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_stores_are_read_by_range() {
        let dir = tempfile::tempdir().unwrap();
        let directory = BuildDirectory::open(dir.path()).unwrap();
        let bytes: Vec<u8> = (0..=255).collect();
        for name in ["segment.temp", "segment.store"] {
            directory.atomic_write(Path::new(name), &bytes).unwrap();
            let slice = directory.open_read(Path::new(name)).unwrap();
            assert_eq!(slice.len(), 256);
            assert_eq!(
                slice.read_bytes_slice(10..20).unwrap().as_slice(),
                &bytes[10..20]
            );
            assert_eq!(slice.read_bytes().unwrap().as_slice(), &bytes[..]);
        }
        assert!(matches!(
            directory.open_read(Path::new("missing.temp")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
    }
}
