//! `GET /api/search` and `GET /api/facets`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use edusearch_search::{FacetCounts, SearchResponse};

use crate::error::{ApiError, ErrorBody};
use crate::params::{Pairs, SEARCH_PARAMS, parse_level};
use crate::state::AppState;

/// Searches recommendation items or resolutions.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "search",
    params(edusearch_search::SearchRequest, edusearch_search::SearchFilters),
    responses(
        (status = 200, description = "Hits of the page, the query as understood, facet counts", body = SearchResponse),
        (status = 400, description = "Invalid parameter: `error.code` names it (an ErrorCode: unknown_parameter, invalid_year, invalid_event_kind, query_too_long, …)", body = ErrorBody),
        (status = 503, description = "Timeout or index unavailable", body = ErrorBody),
    )
)]
pub async fn search(State(state): State<AppState>, pairs: Pairs) -> Result<Response, ApiError> {
    pairs.check_strict(SEARCH_PARAMS.as_slice())?;
    let request = pairs.search_request()?;
    let response = state.search(request).await?;
    tracing::info!(
        q = ?response.query.raw,
        total = response.total,
        took_ms = response.took_ms,
        "search"
    );
    Ok(search_json(&response))
}

/// Bytes a hit takes in JSON, about (its text twice, the resolution's title and event).
const HIT_JSON_BYTES: usize = 1_536;

/// The response as JSON written into one buffer sized for its hits (axum's `Json` starts
/// from 128 bytes and grows through a writer, and a page of 20 hits is about 25 KB), by the
/// writer that escapes strings a word at a time (`crate::json`).
fn search_json(response: &SearchResponse) -> Response {
    let mut body = Vec::with_capacity(4_096 + response.hits.len() * HIT_JSON_BYTES);
    match crate::json::write(&mut body, response) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "a search response could not be written as JSON");
            ApiError::internal().into_response()
        }
    }
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
