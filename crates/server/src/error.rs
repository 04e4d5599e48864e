//! Errors of the server: [`ServerError`] for the operator, [`ApiError`] for HTTP clients.

use std::borrow::Cow;
use std::net::SocketAddr;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use edusearch_search::{ErrorCode, ErrorKind, SearchError};
use serde::Serialize;
use thiserror::Error;

use crate::config::REQUEST_TIMEOUT;

/// What can stop the server from starting or serving.
#[derive(Debug, Error)]
pub enum ServerError {
    /// The index could not be opened (not built, unusable, or of another version).
    #[error("failed to open the index")]
    Index(#[from] SearchError),
    /// The listening socket could not be bound.
    #[error("failed to listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed (in use, permission denied, …).
        #[source]
        source: std::io::Error,
    },
    /// The server failed while serving.
    #[error("server failed")]
    Serve(#[source] std::io::Error),
    /// A background task (opening a new index generation) panicked or was cancelled.
    #[error("background task failed")]
    Task(#[from] tokio::task::JoinError),
}

/// An error answered to an HTTP client as `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// Russian explanation for people.
    pub message: Cow<'static, str>,
}

/// The JSON body of an error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Code and message of an error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code («invalid_year»).
    pub code: ErrorCode,
    /// Explanation in Russian.
    pub message: String,
}

impl ApiError {
    /// A 400 with a code and a Russian message.
    pub fn bad_request(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
        }
    }

    /// A 404 for something that does not exist.
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: ErrorCode::NotFound,
            message: message.into(),
        }
    }

    /// A 500 whose details went to the log only.
    pub fn internal() -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: ErrorCode::Internal,
            message: "Внутренняя ошибка сервера. Попробуйте позже".into(),
        }
    }

    /// A 503 for a request that ran longer than [`REQUEST_TIMEOUT`].
    pub fn timeout() -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: ErrorCode::Timeout,
            message: format!(
                "Запрос выполнялся дольше {} секунд. Попробуйте уточнить его",
                REQUEST_TIMEOUT.as_secs()
            )
            .into(),
        }
    }

    /// A 503 for an expensive request that found every slot of its budget taken; the client
    /// should retry after [`RETRY_AFTER_SECONDS`].
    pub fn busy() -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: ErrorCode::Busy,
            message: format!(
                "Сервер занят выгрузками и подсчётами других пользователей. Повторите запрос через {RETRY_AFTER_SECONDS} с"
            )
            .into(),
        }
    }

    fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message.to_string(),
            },
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        match error.kind() {
            ErrorKind::InvalidInput => Self::bad_request(error.error_code(), error.to_string()),
            ErrorKind::NotFound => Self::not_found("Резолюция не найдена"),
            ErrorKind::Unavailable => {
                tracing::error!(error = %error, code = error.code(), "index unavailable");
                Self {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    code: ErrorCode::IndexUnavailable,
                    message: "Индекс недоступен. Попробуйте позже".into(),
                }
            }
            ErrorKind::Internal => {
                tracing::error!(error = %error, code = error.code(), "search failed");
                Self::internal()
            }
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(error: tokio::task::JoinError) -> Self {
        tracing::error!(%error, "search task failed");
        Self::internal()
    }
}

/// Seconds a client is asked to wait (`Retry-After`) before repeating a request answered with
/// a 503.
pub const RETRY_AFTER_SECONDS: u64 = 2;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        // Every 503 (busy, timeout, index unavailable) is temporary: say when to come back.
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(RETRY_AFTER_SECONDS),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_errors_map_to_statuses_without_internal_details() {
        let invalid = edusearch_search::SearchRequest {
            per_page: 0,
            ..edusearch_search::SearchRequest::default()
        }
        .validate()
        .unwrap_err();
        let error = ApiError::from(invalid);
        assert_eq!(
            (error.status, error.code.as_str()),
            (StatusCode::BAD_REQUEST, "per_page_out_of_range")
        );
        let missing = ApiError::from(SearchError::NotFound("abc".into()));
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(!missing.message.contains("abc"));
    }
}
