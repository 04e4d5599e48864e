//! What operators poll: `GET /api/health` and the Prometheus `GET /metrics`.

use std::fmt::Write;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::state::AppState;

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
