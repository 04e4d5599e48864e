//! Errors of index building and opening, and of reading one corpus file.

use std::path::PathBuf;

use edusearch_extract::ExtractError;
use edusearch_resolution::ParseError;
use thiserror::Error;

/// Bytes in a MiB: sizes in messages are whole MB.
const MIB: u64 = 1024 * 1024;

/// What went wrong with an index or a corpus folder.
#[derive(Debug, Error)]
pub enum IndexError {
    /// The corpus folder does not exist or cannot be listed.
    #[error("cannot read corpus folder {path}: {source}")]
    CorpusUnreadable {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// There is no index at the given root yet.
    #[error("no index at {path}; build one with `edusearch index`")]
    NotBuilt {
        /// The index root.
        path: PathBuf,
    },
    /// The index path names a file or a device, not a folder.
    #[error(
        "{path} is not a folder; --index (or EDUSEARCH_INDEX) takes the folder `edusearch index` builds, by default index-data/index"
    )]
    NotAFolder {
        /// The path given.
        path: PathBuf,
    },
    /// The index exists but was written by an incompatible version or is damaged.
    #[error("index at {path} cannot be opened ({reason}); rebuild it with `edusearch index`")]
    Unusable {
        /// The generation folder.
        path: PathBuf,
        /// What tantivy or the schema check said.
        reason: String,
    },
    /// `remove` was given something that is neither an indexed id nor a corpus file.
    #[error(
        "no resolution id or corpus file {target:?}; ids are shown by `edusearch search`, paths are relative to the corpus folder"
    )]
    NotInCorpus {
        /// What was asked for.
        target: String,
    },
    /// `remove` was given something other than one file or one resolution id (a folder, the
    /// corpus itself, an empty name).
    #[error(
        "{target:?} is {what}; remove takes one file of the corpus or one resolution id (shown by `edusearch search`)"
    )]
    NotOneFile {
        /// What was asked for.
        target: String,
        /// What it is («a folder», «the whole corpus folder»).
        what: &'static str,
    },
    /// Another process holds the writer lock.
    #[error(
        "index is being updated by another process (pid {pid}); wait for it or remove {lock} if that process is gone"
    )]
    Locked {
        /// The pid recorded in the lock file.
        pid: String,
        /// The lock file.
        lock: PathBuf,
    },
    /// A file-system operation on the index folder failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done («failed to create»).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The disk holding the index is full.
    #[error(
        "no space left on the disk of {path}; free some space (or point --index elsewhere) and run the command again"
    )]
    NoSpace {
        /// The index root.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// tantivy failed while writing or reading.
    #[error("index engine error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl IndexError {
    /// Whether the error is caused by user input or state (as opposed to an internal failure).
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            IndexError::CorpusUnreadable { .. }
                | IndexError::NotBuilt { .. }
                | IndexError::NotAFolder { .. }
                | IndexError::NoSpace { .. }
                | IndexError::Unusable { .. }
                | IndexError::Locked { .. }
                | IndexError::NotInCorpus { .. }
                | IndexError::NotOneFile { .. }
        )
    }
}

/// Why one file did not become a resolution. The message is the reason the build report gives
/// for skipping the file, so it names no path.
#[derive(Debug, Error)]
pub enum ReadError {
    /// The path names a folder, a FIFO, a socket or a device: opening a FIFO would wait for a
    /// writer and a device may never end, so only regular files are read.
    #[error("{kind}, not a regular file; only regular files are read")]
    NotRegular {
        /// What it is («a FIFO (named pipe)»).
        kind: &'static str,
    },
    /// The file is over the size limit, by what its metadata says or by what reading gave.
    #[error("file is {} MB, over the {} MB limit", .size / MIB, .limit / MIB)]
    TooLarge {
        /// Size in bytes (the limit plus one when reading was cut off).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file could not be opened or read.
    #[error("cannot read file: {error}")]
    Io {
        /// The I/O error (part of the message, so not repeated as a source).
        error: std::io::Error,
    },
    /// No text came out of the file: an unsupported format, a damaged or encrypted document,
    /// binary data, a scan without a text layer.
    #[error(transparent)]
    Extract(#[from] ExtractError),
    /// The text is not a resolution the parser can read (empty, no Russian text).
    #[error(transparent)]
    Parse(#[from] ParseError),
}

impl ReadError {
    /// Whether the file is at fault (as opposed to the machine failing to read it).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, ReadError::Io { .. })
    }
}
