//! HTTP query service and search page for edusearch.
//!
//! A thin axum edge over [`edusearch_search::Engine`]: a JSON API, a server-rendered search page
//! in Russian that works without JavaScript, Prometheus metrics, and hot reload of the index when
//! a rebuild switches the index root's `CURRENT` generation.
//!
//! # Endpoints
//!
//! | Route | Answer |
//! | --- | --- |
//! | `GET /` | search page; the URL carries the whole state (the parameters of `/api/search` but `per_page`) |
//! | `GET /resolutions/{id}` | a resolution: metadata, items under addressee headings (`id="item-N"`), body; `?hl=` marks words |
//! | `GET /resolutions/{id}/source` | the resolution's source file as plain text |
//! | `GET /api/search` | [`edusearch_search::SearchResponse`] as JSON; parameters are the fields of [`edusearch_search::SearchRequest`] and its [`edusearch_search::SearchFilters`] (`q`, `region`, `year`, `year_to`, `municipality`, `topic`, `addressee`, `event_kind`, `level`, `page`, `per_page`, `sort`, `literal`, `group`, `collapse`) |
//! | `GET /api/resolutions/{id}` | [`edusearch_resolution::Resolution`] as JSON |
//! | `GET /api/resolutions/{id}/similar?limit=` | [`edusearch_search::SimilarResolutions`]: resolutions alike in wording and topics (limit 1–50, default 10) |
//! | `GET /api/items/{id}/similar?limit=` | [`edusearch_search::SimilarItems`]: items of other resolutions alike in wording; the id is `{resolution_id}-{position}` |
//! | `GET /api/facets?level=` | every facet value with its count |
//! | `GET /api/trends?by=year\|region\|topic&…` | [`edusearch_search::Trends`]: the hits of the search (its parameters but `page`, `per_page`) counted by year, region or topic |
//! | `GET /api/export?format=csv\|jsonl&…` | every hit of the search, up to [`edusearch_search::EXPORT_CAP`] (5000), as a CSV or JSON Lines download |
//! | `GET /api/health` | `{"status": "ok", "documents": N, "generation": "gen-…"}` |
//! | `GET /api/openapi.json` | OpenAPI 3 description of the API |
//! | `GET /metrics` | Prometheus text format |
//!
//! # Errors
//!
//! Every API error has one shape, `{"error": {"code": "…", "message": "…"}}`, with a stable
//! machine-readable `code` and a Russian `message` for people. The codes are the variants of
//! [`edusearch_search::ErrorCode`] (the OpenAPI schema `ErrorCode` lists them). Bad input is a
//! 4xx, never a 500: `invalid_query_string`, `unknown_parameter`, `duplicate_parameter` (the API
//! is strict about names; the page ignores names it does not know), `invalid_year`,
//! `invalid_year_to`, `invalid_event_kind`, `invalid_level`, `invalid_sort`, `invalid_page`,
//! `invalid_per_page`, `invalid_literal`, `invalid_parameter`, `query_too_long`,
//! `per_page_out_of_range`, `page_out_of_range`, `year_out_of_range`, `filter_too_long`;
//! `not_found` (404), `method_not_allowed` (405), `body_too_large` (413), `busy`, `timeout` and
//! `index_unavailable` (503), `internal` (500, details only in the log). Empty values (`year=`) count as absent, as
//! HTML forms send them.
//!
//! # Limits
//!
//! - query: at most [`limits::MAX_QUERY_CHARS`] characters (1000);
//! - `per_page`: 1 to [`limits::MAX_PER_PAGE`] (100), default 20; `page` from 1, and no deeper
//!   than result [`limits::MAX_RESULT_WINDOW`] (10 000);
//! - filter values: at most [`limits::MAX_FILTER_CHARS`] characters;
//! - connections: at most [`MAX_CONNECTIONS`] open; request headers must arrive within
//!   [`HEADER_READ_TIMEOUT`] (10 s), and an idle keep-alive connection is closed after it;
//! - every request: [`REQUEST_TIMEOUT`] (10 s); request bodies: [`BODY_LIMIT`] bytes (the API
//!   only reads query strings);
//! - searches run off the async executor (on the thread that received them, which hands the
//!   executor to another), at most [`AppState::search_concurrency`] at once; the rest wait
//!   their turn within the request timeout;
//! - export, trends and similar take at most [`AppState::heavy_concurrency`] of those slots;
//!   one that waits longer than 2 s for its slot gets `busy` (503, `Retry-After: 2`);
//! - the search page shows 10 hits a page.
//!
//! # Metrics
//!
//! `edusearch_http_requests_total{route,method,status}`,
//! `edusearch_http_request_duration_seconds{route}` (histogram), `edusearch_index_documents`,
//! `edusearch_index_generation_info{generation}`, `edusearch_index_reloads_total`,
//! `edusearch_index_reload_failures_total`, `edusearch_index_last_reload_timestamp_seconds`.
//! Requests are logged by `tower-http`'s trace layer (method, route, path, status, latency).
//!
//! # Hot reload
//!
//! [`serve`] checks the index root every [`RELOAD_INTERVAL`]; when `CURRENT` names another
//! generation it opens a new engine and swaps it in. Requests already running keep the engine
//! they started with.

mod api;
mod cache;
mod config;
mod error;
mod json;
mod listen;
mod metrics;
mod middleware;
mod pages;
mod params;
mod state;

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use api::openapi;
pub use config::{
    BODY_LIMIT, DEFAULT_CACHE_ENTRIES, RELOAD_INTERVAL, REQUEST_TIMEOUT, ServerConfig,
};
pub use edusearch_search::limits;
pub use error::ServerError;
pub use listen::{ConnectionLimits, HEADER_READ_TIMEOUT, MAX_CONNECTIONS, serve_connections};
pub use state::AppState;

/// The whole application: pages, API, metrics and the middleware, without a socket.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/search", get(api::search::search))
        .route("/resolutions/{id}", get(api::resolutions::resolution))
        .route(
            "/resolutions/{id}/similar",
            get(api::similar::similar_resolutions),
        )
        .route("/items/{id}/similar", get(api::similar::similar_items))
        .route("/facets", get(api::search::facets))
        .route("/trends", get(api::export::trends))
        .route("/export", get(api::export::export))
        .route("/health", get(api::health::health))
        .route("/openapi.json", get(api::openapi::openapi_json))
        .route("/admin/reindex", axum::routing::post(api::admin::reindex));
    Router::new()
        .route("/", get(pages::search_page))
        .route("/resolutions/{id}", get(pages::resolution_page))
        .route("/resolutions/{id}/source", get(pages::resolution_source))
        .route("/static/{file}", get(pages::static_file))
        .route("/favicon.ico", get(pages::favicon))
        .route("/metrics", get(api::health::metrics_handler))
        .nest("/api", api)
        .fallback(middleware::not_found_fallback)
        .method_not_allowed_fallback(middleware::method_not_allowed_fallback)
        // Layers run bottom-up on the way in: metrics see every answer, timeouts included.
        .layer(axum::middleware::from_fn(
            middleware::timeout_and_body_limit,
        ))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::track,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(middleware::request_span)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}

/// Opens the index, binds `config.addr` and serves until `shutdown` completes, reloading the
/// index when it is rebuilt.
pub async fn serve(
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let state = AppState::open(&config)?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.addr,
            source,
        })?;
    let local = listener.local_addr().map_err(ServerError::Serve)?;
    let reloader = state.spawn_reloader(RELOAD_INTERVAL);
    tracing::info!(
        addr = %local,
        documents = state.engine().num_docs(),
        generation = state.generation_name().as_deref().unwrap_or("-"),
        "open http://{local}/"
    );
    serve_connections(
        listener,
        router(state),
        ConnectionLimits::default(),
        shutdown,
    )
    .await;
    reloader.abort();
    tracing::info!("server stopped");
    Ok(())
}
