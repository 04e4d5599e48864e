//! Errors of the search library.

use edusearch_indexer::IndexError;
use thiserror::Error;

/// How an error should be treated at the edge (HTTP status, CLI exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is invalid; the user can fix it.
    InvalidInput,
    /// What was asked for does not exist.
    NotFound,
    /// The index is missing or unusable; an operator must act.
    Unavailable,
    /// A bug or an I/O failure.
    Internal,
}

/// What went wrong while searching.
#[derive(Debug, Error)]
pub enum SearchError {
    /// A parameter is out of range or malformed; `message` is Russian, for users.
    #[error("{message}")]
    InvalidInput {
        /// Stable machine-readable code («per_page_out_of_range»).
        code: &'static str,
        /// Human-readable explanation in Russian.
        message: String,
    },
    /// No resolution has this id.
    #[error("resolution {0} not found")]
    NotFound(String),
    /// The index could not be opened.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The search engine failed.
    #[error("search engine error: {0}")]
    Engine(#[from] tantivy::TantivyError),
}

impl SearchError {
    /// How to treat this error at the edge.
    pub fn kind(&self) -> ErrorKind {
        match self {
            SearchError::InvalidInput { .. } => ErrorKind::InvalidInput,
            SearchError::NotFound(_) => ErrorKind::NotFound,
            SearchError::Index(error) if error.is_user_error() => ErrorKind::Unavailable,
            SearchError::Index(_) | SearchError::Engine(_) => ErrorKind::Internal,
        }
    }

    /// Stable machine-readable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            SearchError::InvalidInput { code, .. } => code,
            SearchError::NotFound(_) => "not_found",
            SearchError::Index(_) if self.kind() == ErrorKind::Unavailable => "index_unavailable",
            SearchError::Index(_) | SearchError::Engine(_) => "internal",
        }
    }

    pub(crate) fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        SearchError::InvalidInput {
            code,
            message: message.into(),
        }
    }
}
