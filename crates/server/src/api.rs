//! The JSON API under `/api`.

use std::fmt::Write;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use edusearch_resolution::Resolution;
use edusearch_search::{FacetCounts, SearchResponse};
use serde::Serialize;

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::params::{Pairs, SEARCH_PARAMS, parse_level};

/// Searches recommendation items or resolutions.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "search",
    params(edusearch_search::SearchRequest),
    responses(
        (status = 200, description = "Hits of the page, the query as understood, facet counts", body = SearchResponse),
        (status = 400, description = "Invalid parameter (code: unknown_parameter, duplicate_parameter, invalid_year, invalid_year_to, invalid_level, invalid_sort, invalid_page, invalid_per_page, invalid_literal, invalid_parameter, query_too_long, per_page_out_of_range, page_out_of_range, year_out_of_range, filter_too_long)", body = ErrorBody),
        (status = 503, description = "Timeout or index unavailable", body = ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    pairs: Pairs,
) -> Result<Json<SearchResponse>, ApiError> {
    pairs.check_strict(SEARCH_PARAMS.as_slice())?;
    let request = pairs.search_request()?;
    let response = state.search(request).await?;
    tracing::info!(
        q = ?response.query.raw,
        total = response.total,
        took_ms = response.took_ms,
        "search"
    );
    Ok(Json(response))
}

/// A whole resolution with its items.
#[utoipa::path(
    get,
    path = "/api/resolutions/{id}",
    tag = "resolutions",
    params(("id" = String, Path, description = "Resolution id (16 hex digits)")),
    responses(
        (status = 200, description = "The resolution", body = Resolution),
        (status = 404, description = "No resolution has this id (code: not_found)", body = ErrorBody),
    )
)]
pub async fn resolution(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Resolution>, ApiError> {
    // An id that is not valid UTF-8 once decoded names no resolution.
    let Ok(Path(id)) = id else {
        return Err(ApiError::not_found("Резолюция не найдена"));
    };
    Ok(Json(fetch_resolution(&state, id).await?))
}

/// Looks a resolution up on the blocking pool; an id that cannot be one is a 404 at once.
pub(crate) async fn fetch_resolution(state: &AppState, id: String) -> Result<Resolution, ApiError> {
    if id.is_empty() || id.chars().count() > edusearch_search::MAX_RESOLUTION_ID_CHARS {
        return Err(ApiError::not_found("Резолюция не найдена"));
    }
    state
        .run_blocking(move |engine| engine.resolution(&id).map_err(ApiError::from))
        .await
}

/// Parameters of `/api/facets`.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct FacetsParams {
    /// `items` (default) or `resolutions`: what is counted.
    level: Option<edusearch_search::Level>,
}

/// Every region, year and topic with its count of items or resolutions.
#[utoipa::path(
    get,
    path = "/api/facets",
    tag = "search",
    params(FacetsParams),
    responses(
        (status = 200, description = "Facet values with counts", body = FacetCounts),
        (status = 400, description = "Invalid parameter (code: unknown_parameter, invalid_level)", body = ErrorBody),
    )
)]
pub async fn facets(
    State(state): State<AppState>,
    pairs: Pairs,
) -> Result<Json<FacetCounts>, ApiError> {
    pairs.check_strict(&["level"])?;
    let level = parse_level(pairs.get("level").unwrap_or_default())?;
    let counts = state
        .run_blocking(move |engine| engine.all_facets(level).map_err(ApiError::from))
        .await?;
    Ok(Json(counts))
}

/// The answer of `/api/health`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// Documents (resolutions and items) in the served index.
    pub documents: u64,
    /// The served index generation folder.
    pub generation: Option<String>,
}

/// Whether the server is up, and what it serves.
#[utoipa::path(
    get,
    path = "/api/health",
    tag = "service",
    responses((status = 200, description = "The server is up", body = Health))
)]
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    let engine = state.engine();
    Json(Health {
        status: "ok",
        documents: engine.num_docs(),
        generation: state.generation_name(),
    })
}

/// The OpenAPI description of this API.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "service",
    responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Response {
    Json(crate::openapi()).into_response()
}

/// `GET /metrics`.
pub async fn metrics_handler(State(state): State<AppState>) -> Response {
    let engine = state.engine();
    let generation = state.generation_name();
    let mut body = state
        .metrics()
        .render(engine.num_docs(), generation.as_deref());
    let (hits, misses) = state.cache_counts();
    body.push_str("# HELP edusearch_search_cache_requests_total Searches answered from the response cache (hit) or run (miss).\n");
    body.push_str("# TYPE edusearch_search_cache_requests_total counter\n");
    let _ = writeln!(
        body,
        "edusearch_search_cache_requests_total{{result=\"hit\"}} {hits}"
    );
    let _ = writeln!(
        body,
        "edusearch_search_cache_requests_total{{result=\"miss\"}} {misses}"
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
