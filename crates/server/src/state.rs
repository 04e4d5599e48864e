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
use crate::config::ServerConfig;
use crate::error::ApiError;
use crate::error::ServerError;
use crate::metrics::Metrics;

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
            let responses = &state.inner.responses;
            if responses.is_on() {
                responses.put(engine.generation(), request, Arc::new(response.clone()));
            }
            Ok(response)
        })
        .await
    }

    /// Runs short engine work (a search, a resolution, the facet table) within the concurrency
    /// bound, on the engine current when it starts, on the thread that received the request.
    ///
    /// On the multi-thread runtime this is `block_in_place`: the executor moves to another
    /// thread while this one searches, so other connections go on being served, and the
    /// answer is written without two hand-offs between threads (each a wake-up of a sleeping
    /// CPU, 15–70 µs on the 2-core VM: `benches/README.md`, issue 19, fourth session). Such work
    /// is bounded by the query limits, so the request timeout is not needed to cut it short;
    /// on the current-thread runtime (tests) it goes to the blocking pool as expensive work does.
    pub(crate) async fn run_blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
    {
        let multi_thread = tokio::runtime::Handle::current().runtime_flavor()
            == tokio::runtime::RuntimeFlavor::MultiThread;
        if !multi_thread {
            return self.run_in(None, work).await;
        }
        let _permit = self.search_slot().await?;
        let engine = self.engine();
        tokio::task::block_in_place(move || work(&engine))
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
        let permit = self.search_slot().await?;
        let engine = self.engine();
        tokio::task::spawn_blocking(move || {
            let _permits = (permit, heavy);
            work(&engine)
        })
        .await?
    }

    /// One of the [`AppState::search_concurrency`] slots, waited for.
    async fn search_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        self.inner
            .search_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::internal())
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
mod tests;
