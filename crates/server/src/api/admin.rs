//! `POST /api/admin/reindex`: rebuild the index from the corpus folder on an operator's
//! request. Off unless `EDUSEARCH_ADMIN_TOKEN` is set; then it needs `Authorization: Bearer
//! <token>`. The rebuild is incremental, writes a new generation beside the served one, and the
//! server switches to it without failing queries in flight.

use std::borrow::Cow;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use edusearch_indexer::{BuildOptions, BuildReport, IndexError, NoProgress, build_index};
use serde::Serialize;

use crate::error::ApiError;
use crate::state::AppState;
use edusearch_search::ErrorCode;

/// What a reindex did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReindexResponse {
    /// Resolutions in the index now.
    pub resolutions: usize,
    /// Recommendation items in the index now.
    pub items: usize,
    /// Files read anew.
    pub changed: usize,
    /// Files known from before and not read again.
    pub unchanged: usize,
    /// Resolutions removed.
    pub removed: usize,
    /// Files skipped, with the reason.
    pub skipped: Vec<Problem>,
    /// The generation now served.
    pub generation: Option<String>,
    /// Seconds the rebuild took.
    pub seconds: f64,
}

/// A file skipped by a rebuild.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Path in the corpus.
    pub path: String,
    /// Why.
    pub message: String,
}

fn unauthorized() -> Response {
    let error = ApiError {
        status: StatusCode::UNAUTHORIZED,
        code: ErrorCode::Unauthorized,
        message: Cow::Borrowed("Нужен заголовок Authorization: Bearer с токеном администратора"),
    };
    let mut response = error.into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    response
}

/// A write refused because the index folder or its file system is read-only.
fn is_read_only(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
}

/// Compares in time that does not depend on where the strings differ.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

/// Rebuilds the index from the corpus folder and serves the result.
#[utoipa::path(
    post,
    path = "/api/admin/reindex",
    tag = "admin",
    responses(
        (status = 200, description = "The index was updated and is served", body = ReindexResponse),
        (status = 401, description = "Missing or wrong bearer token (code: unauthorized)", body = crate::error::ErrorBody),
        (status = 404, description = "Reindexing is off: EDUSEARCH_ADMIN_TOKEN is not set", body = crate::error::ErrorBody),
        (status = 409, description = "Another process is updating the index (code: index_locked), or the index folder is read-only (code: index_read_only)", body = crate::error::ErrorBody),
    )
)]
pub async fn reindex(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.admin_token() else {
        return ApiError {
            status: StatusCode::NOT_FOUND,
            code: ErrorCode::NotFound,
            message: Cow::Borrowed("Такой страницы нет"),
        }
        .into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    if !given.is_some_and(|given| same_secret(given.as_bytes(), expected.as_bytes())) {
        return unauthorized();
    }
    let root = state.index_root().clone();
    let options = BuildOptions::new(state.data_dir());
    let outcome =
        tokio::task::spawn_blocking(move || build_index(&root, &options, &NoProgress)).await;
    let report: BuildReport = match outcome {
        Ok(Ok(report)) => report,
        Ok(Err(IndexError::Locked { pid, .. })) => {
            return ApiError {
                status: StatusCode::CONFLICT,
                code: ErrorCode::IndexLocked,
                message: Cow::Owned(format!(
                    "Индекс уже обновляет другой процесс (pid {pid}); повторите позже"
                )),
            }
            .into_response();
        }
        Ok(Err(IndexError::Io { source, path, .. })) if is_read_only(&source) => {
            tracing::warn!(path = %path.display(), error = %source, "reindex refused: the index folder is read-only");
            return ApiError {
                status: StatusCode::CONFLICT,
                code: ErrorCode::IndexReadOnly,
                message: Cow::Borrowed(
                    "Папка индекса доступна только для чтения: поиск работает, переиндексация — нет. Перестройте индекс там, где он записывается (edusearch index)",
                ),
            }
            .into_response();
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "reindex failed");
            return ApiError::internal().into_response();
        }
        Err(error) => {
            tracing::error!(%error, "reindex task failed");
            return ApiError::internal().into_response();
        }
    };
    if let Err(error) = state.reload_if_changed().await {
        tracing::error!(%error, "reload after reindex failed");
        return ApiError::internal().into_response();
    }
    tracing::info!(
        resolutions = report.resolutions,
        changed = report.changed,
        "reindexed"
    );
    Json(ReindexResponse {
        resolutions: report.resolutions,
        items: report.items,
        changed: report.changed,
        unchanged: report.unchanged,
        removed: report.removed,
        skipped: report
            .skipped
            .into_iter()
            .map(|problem| Problem {
                path: problem.path,
                message: problem.message,
            })
            .collect(),
        generation: state.generation_name(),
        seconds: report.elapsed.as_secs_f64(),
    })
    .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_compare_whole() {
        assert!(super::same_secret(b"token", b"token"));
        assert!(!super::same_secret(b"token", b"tokem"));
        assert!(!super::same_secret(b"tok", b"token"));
    }
}
