//! `/api/resolutions/{id}/similar` (resolutions alike in wording and topics) and
//! `/api/items/{id}/similar` (items of other resolutions alike in wording).

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use edusearch_search::{
    DEFAULT_SIMILAR_LIMIT, SearchError, SimilarItems, SimilarResolutions, check_resolution_id,
    parse_item_id,
};

use crate::error::{ApiError, ErrorBody};
use crate::params::Pairs;
use crate::state::AppState;
use edusearch_search::ErrorCode;

/// Parameters of the similar-entries endpoints.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct SimilarParams {
    /// How many similar entries at most: 1 to 50, default 10.
    limit: Option<usize>,
}

/// Resolutions similar to one resolution in wording and topics, most similar first. Only
/// resolutions close enough are listed, so the list may be shorter than `limit`, or empty.
#[utoipa::path(
    get,
    path = "/api/resolutions/{id}/similar",
    tag = "resolutions",
    params(
        ("id" = String, Path, description = "Resolution id (16 hex digits)"),
        SimilarParams
    ),
    responses(
        (status = 200, description = "Similar resolutions with their score (0–1), place, year and shared topics", body = SimilarResolutions),
        (status = 400, description = "Invalid id or parameter (code: invalid_resolution_id, unknown_parameter, duplicate_parameter, invalid_limit, limit_out_of_range)", body = ErrorBody),
        (status = 404, description = "No resolution has this id (code: not_found)", body = ErrorBody),
        (status = 503, description = "Timeout or index unavailable", body = ErrorBody),
    )
)]
pub async fn similar_resolutions(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    pairs: Pairs,
) -> Result<Json<SimilarResolutions>, ApiError> {
    let limit = parse_limit(&pairs)?;
    let Ok(Path(id)) = id else {
        return Err(ApiError::from(check_resolution_id("").unwrap_err()));
    };
    check_resolution_id(&id)?;
    let similar = state
        .run_heavy(move |engine| {
            engine
                .similar_resolutions(&id, limit)
                .map_err(|error| not_found_as(error, "Резолюция не найдена"))
        })
        .await?;
    Ok(Json(similar))
}

/// Items of other resolutions similar to one item in wording, most similar first. The item id
/// is `{resolution_id}-{position}` (position 1-based, as in the `#item-N` anchors). Only items
/// close enough are listed, so the list may be shorter than `limit`, or empty.
#[utoipa::path(
    get,
    path = "/api/items/{id}/similar",
    tag = "resolutions",
    params(
        ("id" = String, Path, description = "Item id: `{resolution_id}-{position}`, e.g. `87c393a6a0b7b3af-3`"),
        SimilarParams
    ),
    responses(
        (status = 200, description = "Similar items of other resolutions with their score (0–1), place and year", body = SimilarItems),
        (status = 400, description = "Invalid id or parameter (code: invalid_item_id, unknown_parameter, duplicate_parameter, invalid_limit, limit_out_of_range)", body = ErrorBody),
        (status = 404, description = "No item has this id (code: not_found)", body = ErrorBody),
        (status = 503, description = "Timeout or index unavailable", body = ErrorBody),
    )
)]
pub async fn similar_items(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    pairs: Pairs,
) -> Result<Json<SimilarItems>, ApiError> {
    let limit = parse_limit(&pairs)?;
    let Ok(Path(id)) = id else {
        return Err(ApiError::from(parse_item_id("").unwrap_err()));
    };
    let (resolution_id, position) = parse_item_id(&id)?;
    let similar = state
        .run_heavy(move |engine| {
            engine
                .similar_items(&resolution_id, position, limit)
                .map_err(|error| not_found_as(error, "Такого пункта резолюции нет в индексе"))
        })
        .await?;
    Ok(Json(similar))
}

/// `limit`: absent or empty gives the default; anything but a number is refused.
fn parse_limit(pairs: &Pairs) -> Result<usize, ApiError> {
    pairs.check_strict(&["limit"])?;
    let value = pairs.get("limit").unwrap_or_default().trim();
    if value.is_empty() {
        return Ok(DEFAULT_SIMILAR_LIMIT);
    }
    let limit = value.parse::<usize>().map_err(|_| {
        ApiError::bad_request(
            ErrorCode::InvalidLimit,
            format!(
                "limit должен быть числом от 1 до {}",
                edusearch_search::MAX_SIMILAR_LIMIT
            ),
        )
    })?;
    edusearch_search::check_similar_limit(limit)?;
    Ok(limit)
}

/// The API error of a search error, with this message when nothing has the id.
fn not_found_as(error: SearchError, message: &'static str) -> ApiError {
    match error {
        SearchError::NotFound(_) => ApiError::not_found(message),
        other => ApiError::from(other),
    }
}
