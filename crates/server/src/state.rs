//! Shared state: the swappable engine, metrics, and the bound on concurrent searches.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use edusearch_indexer::IndexRoot;
use edusearch_search::{Engine, SearchRequest, SearchResponse};
use tokio::sync::{Mutex, Semaphore};
use tokio::task::JoinHandle;

use crate::cache::ResponseCache;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::{ServerConfig, ServerError};

/// Everything the handlers share; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    root: IndexRoot,
    admin_token: Option<String>,
    data_dir: PathBuf,
    /// The live engine; a reload stores a new one, requests holding the old `Arc` finish on it.
    engine: ArcSwap<Engine>,
    metrics: Metrics,
    /// Bounds the engine work running on the blocking pool at once.
    search_slots: Arc<Semaphore>,
    search_concurrency: usize,
    /// Bounds the expensive requests (export, trends, similar): each holds one of these besides
    /// a search slot, so they never take every search slot.
    heavy_slots: Arc<Semaphore>,
    heavy_concurrency: usize,
    /// How long an expensive request waits for its slot before it is told to retry.
    heavy_wait: Duration,
    /// One reload at a time (the background task and explicit calls).
    reloading: Mutex<()>,
    /// Recent search responses.
    responses: ResponseCache,
}

impl AppState {
    /// Opens the live index generation of `config.index_root`.
    pub fn open(config: &ServerConfig) -> Result<AppState, ServerError> {
        let root = IndexRoot::new(&config.index_root);
        let engine = Engine::open(&root)?;
        let search_concurrency = std::thread::available_parallelism()
            .map(|cores| cores.get() * 2)
            .unwrap_or(4)
            .max(2);
        let heavy_concurrency = heavy_budget(search_concurrency);
        let metrics = Metrics::default();
        metrics.index_loaded();
        Ok(AppState {
            inner: Arc::new(Inner {
                root,
                admin_token: config
                    .admin_token
                    .clone()
                    .filter(|token| !token.trim().is_empty()),
                data_dir: config.data_dir.clone(),
                engine: ArcSwap::from_pointee(engine),
                metrics,
                search_slots: Arc::new(Semaphore::new(search_concurrency)),
                search_concurrency,
                heavy_slots: Arc::new(Semaphore::new(heavy_concurrency)),
                heavy_concurrency,
                heavy_wait: HEAVY_WAIT,
                reloading: Mutex::new(()),
                responses: ResponseCache::new(config.cache_entries),
            }),
        })
    }

    /// The engine in use now; keep the `Arc` for the whole request.
    pub fn engine(&self) -> Arc<Engine> {
        self.inner.engine.load_full()
    }

    /// Name of the generation folder being served («gen-…»).
    pub fn generation_name(&self) -> Option<String> {
        generation_name(self.engine().generation().map(PathBuf::as_path))
    }

    /// How many searches may run at once; further ones wait.
    pub fn search_concurrency(&self) -> usize {
        self.inner.search_concurrency
    }

    /// How many expensive requests (export, trends, similar) may run at once; the other
    /// search slots are kept for searches.
    pub fn heavy_concurrency(&self) -> usize {
        self.inner.heavy_concurrency
    }

    /// The admin token, when reindexing over HTTP is on.
    pub(crate) fn admin_token(&self) -> Option<&str> {
        self.inner.admin_token.as_deref()
    }

    /// The index root.
    pub(crate) fn index_root(&self) -> &IndexRoot {
        &self.inner.root
    }

    /// The corpus folder.
    pub(crate) fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// (hits, misses) of the response cache since start.
    pub(crate) fn cache_counts(&self) -> (u64, u64) {
        self.inner.responses.counts()
    }

    /// Runs a search, or answers it from the cache of recent responses of the served
    /// generation (with `took_ms` of this answer).
    pub(crate) async fn search(&self, request: SearchRequest) -> Result<SearchResponse, ApiError> {
        let started = std::time::Instant::now();
        let engine = self.engine();
        if let Some(cached) = self.inner.responses.get(engine.generation(), &request) {
            let mut response = SearchResponse::clone(&cached);
            response.took_ms = started.elapsed().as_secs_f64() * 1000.0;
            return Ok(response);
        }
        let state = self.clone();
        self.run_blocking(move |engine| {
            let response = engine.search(&request).map_err(ApiError::from)?;
            state
                .inner
                .responses
                .put(engine.generation(), request, Arc::new(response.clone()));
            Ok(response)
        })
        .await
    }

    /// Runs blocking engine work on the blocking pool, within the concurrency bound, on the
    /// engine current when it starts.
    pub(crate) async fn run_blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
    {
        self.run_in(None, work).await
    }

    /// Runs an expensive request (export, trends, similar) within its own budget: it waits at
    /// most [`HEAVY_WAIT`] for one of the [`AppState::heavy_concurrency`] slots, then is
    /// answered with `busy` (503, `Retry-After`), so a burst of them cannot starve searches.
    pub(crate) async fn run_heavy<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
    {
        let heavy = tokio::time::timeout(
            self.inner.heavy_wait,
            self.inner.heavy_slots.clone().acquire_owned(),
        )
        .await
        .map_err(|_| {
            tracing::warn!(
                slots = self.inner.heavy_concurrency,
                "expensive request refused: every slot is busy"
            );
            ApiError::busy()
        })?
        .map_err(|_| ApiError::internal())?;
        self.run_in(Some(heavy), work).await
    }

    async fn run_in<T, F>(
        &self,
        heavy: Option<tokio::sync::OwnedSemaphorePermit>,
        work: F,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = self
            .inner
            .search_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::internal())?;
        let engine = self.engine();
        tokio::task::spawn_blocking(move || {
            let _permits = (permit, heavy);
            work(&engine)
        })
        .await?
    }

    /// Swaps in the index generation `CURRENT` names, if it is not the one being served.
    /// Returns whether a new generation was loaded.
    pub async fn reload_if_changed(&self) -> Result<bool, ServerError> {
        let _guard = self.inner.reloading.lock().await;
        let root = self.inner.root.clone();
        let serving = self.engine().generation().cloned();
        let opened = tokio::task::spawn_blocking(move || -> Result<Option<Engine>, ServerError> {
            let current = root
                .current()
                .map_err(edusearch_search::SearchError::from)?;
            if current.is_none() || current == serving {
                return Ok(None);
            }
            Ok(Some(Engine::open(&root)?))
        })
        .await?;
        match opened {
            Ok(Some(engine)) => {
                let previous = self.generation_name();
                let documents = engine.num_docs();
                let generation = generation_name(engine.generation().map(PathBuf::as_path));
                self.inner.engine.store(Arc::new(engine));
                self.inner.responses.clear();
                self.inner.metrics.index_loaded();
                tracing::info!(
                    previous = previous.as_deref().unwrap_or("-"),
                    generation = generation.as_deref().unwrap_or("-"),
                    documents,
                    "index reloaded"
                );
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(error) => {
                self.inner.metrics.reload_failed();
                Err(error)
            }
        }
    }

    /// Checks for a rebuilt index every `every` until the returned task is aborted.
    pub fn spawn_reloader(&self, every: Duration) -> JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut last_error: Option<String> = None;
            loop {
                ticks.tick().await;
                match state.reload_if_changed().await {
                    Ok(_) => last_error = None,
                    Err(error) => {
                        let text = error_chain(&error);
                        // A rebuild in progress can fail the same way for a while: log once.
                        if last_error.as_deref() != Some(text.as_str()) {
                            tracing::warn!(error = %text, "index reload failed; still serving the previous generation");
                        }
                        last_error = Some(text);
                    }
                }
            }
        })
    }
}

/// How long an expensive request waits for a slot before it gets `busy`.
pub const HEAVY_WAIT: Duration = Duration::from_secs(2);

/// Slots for expensive requests: half the search slots, at least one, and always fewer than
/// all of them so a search finds a slot.
fn heavy_budget(search_concurrency: usize) -> usize {
    debug_assert!(search_concurrency >= 2);
    (search_concurrency / 2).clamp(1, search_concurrency - 1)
}

fn generation_name(path: Option<&Path>) -> Option<String> {
    path.and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned())
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use edusearch_indexer::{BuildOptions, NoProgress, build_index};
    use tower::ServiceExt;

    use super::*;

    fn seed_state(index: &Path) -> AppState {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
        build_index(
            &IndexRoot::new(index),
            &BuildOptions::new(&corpus),
            &NoProgress,
        )
        .unwrap();
        AppState::open(&ServerConfig {
            index_root: index.to_path_buf(),
            data_dir: corpus,
            addr: "127.0.0.1:0".parse().unwrap(),
            admin_token: None,
            cache_entries: 0,
        })
        .unwrap()
    }

    /// Sixteen concurrent exports made an unrelated search answer 503 after 10 s: expensive
    /// requests now have a budget of their own, and those past it are told to retry.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn expensive_requests_filling_their_budget_leave_a_slot_for_searches() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = seed_state(dir.path());
        Arc::get_mut(&mut state.inner).unwrap().heavy_wait = Duration::from_millis(200);
        assert!(state.heavy_concurrency() < state.search_concurrency());
        // Hold every expensive slot with work that waits for the test to release it.
        let (release, released) = std::sync::mpsc::channel::<()>();
        let released = Arc::new(std::sync::Mutex::new(released));
        let mut held = Vec::new();
        for _ in 0..state.heavy_concurrency() {
            let released = Arc::clone(&released);
            let state = state.clone();
            held.push(tokio::spawn(async move {
                state
                    .run_heavy(move |_| {
                        let _ = released.lock().unwrap().recv();
                        Ok(())
                    })
                    .await
            }));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(state.inner.heavy_slots.available_permits(), 0);

        let app = crate::router(state.clone());
        let started = std::time::Instant::now();
        let search = app
            .clone()
            .oneshot(
                Request::get("/api/search?q=%D0%9E%D0%92%D0%97")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(search.status(), StatusCode::OK);
        assert!(started.elapsed() < Duration::from_secs(5));

        let export = app
            .oneshot(
                Request::get("/api/export?format=jsonl&q=%D0%BF%D1%80%D0%BE%D1%84")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(export.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(export.headers()[header::RETRY_AFTER], "2");

        for _ in &held {
            release.send(()).unwrap();
        }
        for task in held {
            task.await.unwrap().unwrap();
        }
    }

    /// A log that keeps every line written to it.
    #[derive(Clone, Default)]
    struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A query with `%0A` and escape sequences wrote a forged line with raw control bytes to
    /// the log: user text is logged escaped, one request one line.
    #[tokio::test]
    async fn control_characters_in_a_query_are_escaped_in_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let state = seed_state(dir.path());
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let forged = "%0A2026-01-01T00:00:00Z%20INFO%20admin%20logged%20in%1B%5B31m%0D";
        for path in ["/api/search", "/api/export", "/"] {
            let response = crate::router(state.clone())
                .oneshot(
                    Request::get(format!("{path}?q=x{forged}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
        }
        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert!(
            text.contains("\\n2026-01-01T00:00:00Z INFO admin logged in\\u{1b}[31m\\r"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text}");
        assert!(
            text.lines().all(|line| !line.starts_with("2026-01-01")),
            "{text}"
        );
    }
}
