//! Errors that stop a whole fetch run (a failure of one URL is an outcome, not an error).

use std::path::PathBuf;

/// Why a fetch run could not go on.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// A URL given by the user cannot be parsed or is not http(s).
    #[error("invalid url {url}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The sources manifest exists but cannot be read as one.
    #[error("the sources manifest {path} is unreadable ({reason}); fix or remove it")]
    ManifestUnreadable {
        /// Path of the manifest.
        path: PathBuf,
        /// What the parser said.
        reason: String,
    },
    /// Another `fetch` is writing into the same corpus.
    #[error(
        "another fetch is writing into this corpus (pid {pid}); wait for it or remove {lock} if it is gone"
    )]
    Locked {
        /// The process holding the lock.
        pid: String,
        /// The lock file.
        lock: PathBuf,
    },
    /// Reading or writing the corpus folder failed.
    #[error("{action} {path}")]
    Io {
        /// What was being done («failed to write»).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl FetchError {
    /// Whether the user can fix it by changing the input (a bad URL, a broken manifest), as
    /// opposed to a failure of the machine.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            FetchError::InvalidUrl { .. }
                | FetchError::ManifestUnreadable { .. }
                | FetchError::Locked { .. }
        )
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> FetchError {
        let path = path.into();
        move |source| FetchError::Io {
            action,
            path,
            source,
        }
    }
}
