//! `GET /api/resolutions/{id}`, and the lookup the resolution pages share with it.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use edusearch_resolution::Resolution;

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

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
