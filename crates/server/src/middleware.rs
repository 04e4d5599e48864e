//! The layers and fallbacks around every route: request timeout and body limit, security
//! headers, metrics and the request span, and the answers for unknown routes and methods.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::{BODY_LIMIT, REQUEST_TIMEOUT};
use crate::error::ApiError;
use crate::metrics::UNMATCHED;
use crate::pages;
use crate::state::AppState;
use edusearch_search::ErrorCode;

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
        code: ErrorCode::MethodNotAllowed,
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
            code: ErrorCode::BodyTooLarge,
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

/// Adds the security headers to every answer: no inline or foreign scripts, no framing.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
             connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

fn route_of(request: &Request) -> String {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_string(), |path| path.as_str().to_string())
}

/// Middleware counting every request by route and status and timing it.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = route_of(&request);
    let method = request.method().as_str().to_string();
    let response = next.run(request).await;
    state.metrics().observe(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The span of one request in the logs: method, route and path (the query string is left out,
/// it may be long; the page and API log what was searched for).
pub fn request_span(request: &Request) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route_of(request),
        path = %request.uri().path(),
    )
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
}
