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

/// Searches run on the thread that received them (`block_in_place`): while one is busy, the
/// executor goes on elsewhere and other requests are still answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_search_does_not_stall_other_requests() {
    let dir = tempfile::tempdir().unwrap();
    let state = seed_state(dir.path());
    let concurrency = state.search_concurrency();
    // Hold every worker thread in short engine work that waits for the test to release it.
    let (release, released) = std::sync::mpsc::channel::<()>();
    let released = Arc::new(std::sync::Mutex::new(released));
    let (started, starts) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut held = Vec::new();
    for _ in 0..2 {
        let (released, started, state) = (Arc::clone(&released), started.clone(), state.clone());
        held.push(tokio::spawn(async move {
            state
                .run_blocking(move |engine| {
                    started.send(()).unwrap();
                    let _ = released.lock().unwrap().recv();
                    Ok(engine.num_docs())
                })
                .await
        }));
    }
    drop(started);
    let mut starts = starts;
    for _ in 0..2 {
        starts.recv().await.unwrap();
    }
    assert_eq!(
        state.inner.search_slots.available_permits(),
        concurrency - 2
    );

    // Spawned, the request is served by the runtime's workers, not by the test's own thread;
    // the test waits on a plain channel, which needs no worker.
    let (answered, answer) = std::sync::mpsc::channel();
    let app = crate::router(state.clone());
    tokio::spawn(async move {
        let response = app
            .oneshot(
                Request::get("/api/search?q=%D0%9E%D0%92%D0%97")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let _ = answered.send(response.map(|response| response.status()));
    });
    let status = answer.recv_timeout(Duration::from_secs(5));
    for _ in &held {
        release.send(()).unwrap();
    }
    assert_eq!(
        status.expect("a search is answered while two others hold both worker threads"),
        Ok(StatusCode::OK)
    );
    for task in held {
        assert!(task.await.unwrap().unwrap() > 0);
    }
}

/// The search API writes its JSON with its own writer (`crate::json`): for real responses of
/// the seed corpus — hits, highlights, facets, corrections — the same bytes as `serde_json`.
#[tokio::test]
async fn search_responses_are_the_json_serde_json_would_write() {
    let dir = tempfile::tempdir().unwrap();
    let state = seed_state(dir.path());
    for query in [
        "профориентация 2023",
        "ОВЗ",
        "\"Разговоры о важном\"",
        "профариентация",
        "",
    ] {
        let request = edusearch_search::SearchRequest {
            q: query.to_string(),
            ..Default::default()
        };
        let response = state.engine().search(&request).unwrap();
        let mut ours = Vec::new();
        crate::json::write(&mut ours, &response).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string(&response).unwrap(),
            "{query}"
        );
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
