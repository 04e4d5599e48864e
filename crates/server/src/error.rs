//! Errors of the server: [`ServerError`] for the operator, [`ApiError`] for HTTP clients.

use std::borrow::Cow;
use std::net::SocketAddr;

use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use edusearch_search::{ErrorKind, SearchError};
use serde::Serialize;
use thiserror::Error;

use crate::{BODY_LIMIT, REQUEST_TIMEOUT, pages};

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
    pub code: &'static str,
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
    pub code: String,
    /// Explanation in Russian.
    pub message: String,
}

impl ApiError {
    /// A 400 with a code and a Russian message.
    pub fn bad_request(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
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
            code: "not_found",
            message: message.into(),
        }
    }

    /// A 500 whose details went to the log only.
    pub fn internal() -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "Внутренняя ошибка сервера. Попробуйте позже".into(),
        }
    }

    /// A 503 for a request that ran longer than [`REQUEST_TIMEOUT`].
    pub fn timeout() -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "timeout",
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
            code: "busy",
            message: format!(
                "Сервер занят выгрузками и подсчётами других пользователей. Повторите запрос через {RETRY_AFTER_SECONDS} с"
            )
            .into(),
        }
    }

    fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message.to_string(),
            },
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        match error.kind() {
            ErrorKind::InvalidInput => Self::bad_request(error.code(), error.to_string()),
            ErrorKind::NotFound => Self::not_found("Резолюция не найдена"),
            ErrorKind::Unavailable => {
                tracing::error!(error = %error, code = error.code(), "index unavailable");
                Self {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    code: "index_unavailable",
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

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path == "/metrics"
}

/// Unknown routes: a JSON 404 under `/api`, the HTML «not found» page elsewhere.
pub async fn not_found_fallback(request: Request) -> Response {
    if is_api(request.uri().path()) {
        return ApiError::not_found("Нет такого адреса API. Описание API: /api/openapi.json")
            .into_response();
    }
    pages::not_found_page()
}

/// Routes answered only to POST; every other route is GET (and HEAD).
const POST_ROUTES: [&str; 1] = ["/api/admin/reindex"];

/// A known route with another method than the one it answers; the message names that one.
pub async fn method_not_allowed_fallback(request: Request) -> Response {
    let (method, allow) = if POST_ROUTES.contains(&request.uri().path()) {
        ("POST", "POST")
    } else {
        ("GET", "GET, HEAD")
    };
    let mut response = ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        code: "method_not_allowed",
        message: format!("Этот адрес поддерживает только {method}").into(),
    }
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static(allow));
    response
}

/// Refuses oversized bodies and answers requests that run longer than [`REQUEST_TIMEOUT`].
pub async fn timeout_and_body_limit(request: Request, next: Next) -> Response {
    let declared_length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > BODY_LIMIT as u64) {
        return ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "body_too_large",
            message: format!("Тело запроса больше {BODY_LIMIT} байт").into(),
        }
        .into_response();
    }
    let api = is_api(request.uri().path());
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_s = REQUEST_TIMEOUT.as_secs(), "request timed out");
            if api {
                ApiError::timeout().into_response()
            } else {
                pages::error_page(ApiError::timeout())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    async fn answer(router: Router, request: axum::http::Request<Body>) -> (StatusCode, String) {
        let response = router.oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    fn slow_router() -> Router {
        Router::new()
            .route(
                "/api/slow",
                get(|| async {
                    tokio::time::sleep(REQUEST_TIMEOUT * 6).await;
                    "late"
                }),
            )
            .layer(axum::middleware::from_fn(timeout_and_body_limit))
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_request_is_answered_with_a_timeout_error() {
        let request = axum::http::Request::get("/api/slow")
            .body(Body::empty())
            .unwrap();
        let (status, body) = answer(slow_router(), request).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            body.starts_with("{\"error\":{\"code\":\"timeout\""),
            "{body}"
        );
    }

    #[tokio::test]
    async fn a_large_body_is_refused_before_the_handler() {
        let request = axum::http::Request::post("/api/slow")
            .header(header::CONTENT_LENGTH, (BODY_LIMIT + 1).to_string())
            .body(Body::from(vec![0_u8; BODY_LIMIT + 1]))
            .unwrap();
        let (status, body) = answer(slow_router(), request).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(body.contains("body_too_large"), "{body}");
    }

    /// `GET /api/admin/reindex` said «Этот адрес поддерживает только GET».
    #[tokio::test]
    async fn a_wrong_method_on_reindex_names_post() {
        let router = Router::new()
            .route("/api/admin/reindex", axum::routing::post(|| async { "" }))
            .route("/api/search", get(|| async { "" }))
            .method_not_allowed_fallback(method_not_allowed_fallback);
        let request = axum::http::Request::get("/api/admin/reindex")
            .body(Body::empty())
            .unwrap();
        let (status, body) = answer(router.clone(), request).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(body.contains("только POST"), "{body}");
        let request = axum::http::Request::post("/api/search")
            .body(Body::empty())
            .unwrap();
        let (_, body) = answer(router, request).await;
        assert!(body.contains("только GET"), "{body}");
    }

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
            (error.status, error.code),
            (StatusCode::BAD_REQUEST, "per_page_out_of_range")
        );
        let missing = ApiError::from(SearchError::NotFound("abc".into()));
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(!missing.message.contains("abc"));
    }
}
