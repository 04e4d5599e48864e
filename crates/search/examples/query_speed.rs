//! Times `Engine::search` for one query on an existing index, for profiling (`perf record`).
//!
//! ```sh
//! cargo run --release -p edusearch-search --example query_speed -- INDEX_DIR "профориентация" [RUNS]
//! ```
//!
//! With `RUNS` = 0 it only opens the index and answers once (a baseline for `perf stat`).

use std::time::Instant;

use edusearch_indexer::IndexRoot;
use edusearch_search::{Engine, SearchRequest};

// The allocator of the edusearch binary, so the library is timed as the server runs it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(index), Some(query)) = (args.next(), args.next()) else {
        eprintln!("usage: query_speed INDEX_DIR QUERY [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|runs| runs.parse().ok()).unwrap_or(50);
    let engine = Engine::open(&IndexRoot::new(index)).expect("index opens");
    let request = SearchRequest::query(query);
    let first = engine.search(&request).expect("query runs");
    println!("total {} hits {}", first.total, first.hits.len());
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        std::hint::black_box(engine.search(&request).expect("query runs"));
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    if times.is_empty() {
        return;
    }
    times.sort_by(f64::total_cmp);
    println!(
        "p50 {:.2} ms, min {:.2} ms, max {:.2} ms over {runs} runs",
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}
