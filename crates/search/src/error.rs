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

/// Declares [`ErrorCode`] with its text form, so the two cannot drift apart.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])+ $variant:ident = $text:literal,)+) => {
        /// Every stable machine-readable code an error can carry, in the library's errors and
        /// in the HTTP API's `{"error": {"code", ...}}` (its OpenAPI schema lists them). Codes
        /// never change meaning; new ones may be added.
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The code as sent: `per_page_out_of_range`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)+
                }
            }
        }
    };
}

error_codes! {
    /// The query is longer than `limits::MAX_QUERY_CHARS`.
    QueryTooLong = "query_too_long",
    /// `per_page` is outside 1–`limits::MAX_PER_PAGE`.
    PerPageOutOfRange = "per_page_out_of_range",
    /// The page is 0 or beyond `limits::MAX_RESULT_WINDOW` hits.
    PageOutOfRange = "page_out_of_range",
    /// A year filter is outside 1900–2100.
    YearOutOfRange = "year_out_of_range",
    /// A filter value is longer than `limits::MAX_FILTER_CHARS`.
    FilterTooLong = "filter_too_long",
    /// A group id is not 16 hexadecimal digits.
    InvalidGroup = "invalid_group",
    /// A resolution id has characters or a length no id has.
    InvalidResolutionId = "invalid_resolution_id",
    /// An item id is not `<resolution id>-<position>`.
    InvalidItemId = "invalid_item_id",
    /// A `limit` is outside its range.
    LimitOutOfRange = "limit_out_of_range",
    /// A `limit` is not a number.
    InvalidLimit = "invalid_limit",
    /// A parameter the endpoint does not take.
    UnknownParameter = "unknown_parameter",
    /// A parameter given twice.
    DuplicateParameter = "duplicate_parameter",
    /// The query string could not be parsed.
    InvalidQueryString = "invalid_query_string",
    /// A parameter value that does not parse, of a parameter without a code of its own.
    InvalidParameter = "invalid_parameter",
    /// `year` is not a number.
    InvalidYear = "invalid_year",
    /// `year_to` is not a number.
    InvalidYearTo = "invalid_year_to",
    /// `event_kind` is not a known kind of event.
    InvalidEventKind = "invalid_event_kind",
    /// `level` is not `items` or `resolutions`.
    InvalidLevel = "invalid_level",
    /// `sort` is not `relevance` or `date`.
    InvalidSort = "invalid_sort",
    /// `page` is not a whole number.
    InvalidPage = "invalid_page",
    /// `per_page` is not a whole number.
    InvalidPerPage = "invalid_per_page",
    /// `literal` is not a yes or no.
    InvalidLiteral = "invalid_literal",
    /// `collapse` is not a yes or no.
    InvalidCollapse = "invalid_collapse",
    /// `by` of trends is not `year`, `region` or `topic`.
    InvalidBy = "invalid_by",
    /// `format` of an export is not `csv` or `jsonl`.
    InvalidFormat = "invalid_format",
    /// What was asked for does not exist.
    NotFound = "not_found",
    /// The method is not allowed on this path.
    MethodNotAllowed = "method_not_allowed",
    /// The request body is larger than allowed.
    BodyTooLarge = "body_too_large",
    /// An admin request without the right token.
    Unauthorized = "unauthorized",
    /// Another process is writing the index.
    IndexLocked = "index_locked",
    /// The index is served read-only and cannot be rebuilt from here.
    IndexReadOnly = "index_read_only",
    /// The index is missing or unusable.
    IndexUnavailable = "index_unavailable",
    /// A bug or an I/O failure; details are in the log.
    Internal = "internal",
    /// The request ran longer than the server allows.
    Timeout = "timeout",
    /// Every slot for this kind of request is taken; retry later.
    Busy = "busy",
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What went wrong while searching.
#[derive(Debug, Error)]
pub enum SearchError {
    /// A parameter is out of range or malformed; `message` is Russian, for users.
    #[error("{message}")]
    InvalidInput {
        /// Stable machine-readable code ([`ErrorCode::PerPageOutOfRange`]).
        code: ErrorCode,
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
    pub fn error_code(&self) -> ErrorCode {
        match self {
            SearchError::InvalidInput { code, .. } => *code,
            SearchError::NotFound(_) => ErrorCode::NotFound,
            SearchError::Index(_) if self.kind() == ErrorKind::Unavailable => {
                ErrorCode::IndexUnavailable
            }
            SearchError::Index(_) | SearchError::Engine(_) => ErrorCode::Internal,
        }
    }

    /// The text of [`SearchError::error_code`] («per_page_out_of_range»).
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    pub(crate) fn invalid(code: ErrorCode, message: impl Into<String>) -> Self {
        SearchError::InvalidInput {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_sent_as_its_text_and_no_two_share_one() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(code.as_str().to_string())
            );
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }
}
