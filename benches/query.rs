//! Library search latency (`Engine::search`, full pipeline, facets and snippets as the API
//! returns them) by query kind, on a generated corpus.
//!
//! ```sh
//! cargo bench --bench query                                    # 500 resolutions
//! EDUSEARCH_BENCH_RESOLUTIONS=10000 cargo bench --bench query
//! EDUSEARCH_BENCH_ITERS=2000 cargo bench --bench query         # more samples for p99
//! ```
//!
//! The index is built once into `target/bench-index/seed1-N` (or `EDUSEARCH_BENCH_INDEX`).
//! First a table of p50/p95/p99 over `EDUSEARCH_BENCH_ITERS` (default 500) timed calls per
//! query, then criterion's own estimates (`target/criterion/`).

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use edusearch_search::{Engine, SearchRequest, TrendBy};

/// The query mix: (kind, query). The same list as `benches/compare/queries.tsv`, which the
/// scripts beside it read (`load.sh`, `pg_compare.sh`, `xapian_compare.sh`).
pub const QUERIES: &[(&str, &str)] = &[
    ("common term", "профориентация"),
    ("rare term", "ксенофобия"),
    ("two terms + year", "наставничество педагогов 2023"),
    ("phrase", "\"Разговоры о важном\""),
    ("derived form", "профориентационный"),
    ("abbreviation", "ОВЗ"),
    ("layout-fixed", "ghjajhbtynfwbz"),
    ("typo", "профариентация"),
    ("place only", "Красноярский край"),
];

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let rank = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn percentile_table(engine: &Engine) {
    let iterations: usize = std::env::var("EDUSEARCH_BENCH_ITERS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(500)
        .max(1);
    println!(
        "\nEngine::search latency, {} docs, {iterations} iterations per query (after 20 warm-up)",
        engine.num_docs()
    );
    println!(
        "{:<18} {:<32} {:>8} {:>6} {:>8} {:>8} {:>8} {:>8}",
        "kind", "query", "total", "hits", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    let mut all = Vec::new();
    for (kind, query) in QUERIES {
        let request = SearchRequest::query(*query);
        let response = engine.search(&request).expect("query runs");
        for _ in 0..20 {
            black_box(engine.search(&request).expect("query runs"));
        }
        let mut times = Vec::with_capacity(iterations);
        for _ in 0..iterations {
            let started = Instant::now();
            black_box(engine.search(&request).expect("query runs"));
            times.push(started.elapsed());
        }
        times.sort();
        all.extend_from_slice(&times);
        let corrected = response
            .query
            .correction
            .as_ref()
            .map(|correction| format!(" → {}", correction.corrected))
            .unwrap_or_default();
        println!(
            "{:<18} {:<32} {:>8} {:>6} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            kind,
            format!("{query}{corrected}"),
            response.total,
            response.hits.len(),
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.95)),
            ms(percentile(&times, 0.99)),
            ms(*times.last().expect("timed")),
        );
    }
    all.sort();
    println!(
        "{:<18} {:<32} {:>8} {:>6} {:>8.2} {:>8.2} {:>8.2} {:>8.2}\n",
        "all (mix)",
        "",
        "",
        "",
        ms(percentile(&all, 0.50)),
        ms(percentile(&all, 0.95)),
        ms(percentile(&all, 0.99)),
        ms(*all.last().expect("timed")),
    );
    beyond_table(engine, iterations);
}

/// Latency of trends and of collapsed search (issue 7), outside the search mix.
fn beyond_table(engine: &Engine, iterations: usize) {
    println!("Trends and collapsed search, {iterations} iterations each");
    println!(
        "{:<18} {:<32} {:>8} {:>8} {:>8} {:>8}",
        "kind", "query", "count", "p50 ms", "p95 ms", "p99 ms"
    );
    let timed = |run: &dyn Fn() -> usize| {
        let count = run();
        for _ in 0..10 {
            black_box(run());
        }
        let mut times: Vec<Duration> = (0..iterations)
            .map(|_| {
                let started = Instant::now();
                black_box(run());
                started.elapsed()
            })
            .collect();
        times.sort();
        (count, times)
    };
    for query in ["профориентация", "наставничество педагогов 2023", ""]
    {
        for by in [TrendBy::Year, TrendBy::Region] {
            let request = SearchRequest::query(query);
            let (count, times) = timed(&|| {
                engine
                    .trends(&request, by)
                    .expect("trends run")
                    .buckets
                    .len()
            });
            println!(
                "{:<18} {:<32} {:>8} {:>8.2} {:>8.2} {:>8.2}",
                format!("trends by {by:?}").to_lowercase(),
                query,
                count,
                ms(percentile(&times, 0.50)),
                ms(percentile(&times, 0.95)),
                ms(percentile(&times, 0.99)),
            );
        }
    }
    for query in ["профориентация", "\"Разговоры о важном\""] {
        let request = SearchRequest {
            collapse: true,
            ..SearchRequest::query(query)
        };
        let (count, times) = timed(&|| engine.search(&request).expect("query runs").total);
        println!(
            "{:<18} {:<32} {:>8} {:>8.2} {:>8.2} {:>8.2}",
            "collapsed search",
            query,
            count,
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.95)),
            ms(percentile(&times, 0.99)),
        );
    }
    println!();
}

fn queries(criterion: &mut Criterion) {
    let size = support::corpus_size();
    let root = support::index(size);
    let engine = Engine::open(&root).expect("bench index opens");
    percentile_table(&engine);
    let mut group = criterion.benchmark_group(format!("search/{size}"));
    group.sample_size(30);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for (kind, query) in QUERIES {
        let request = SearchRequest::query(*query);
        group.bench_function(*kind, |bencher| {
            bencher.iter(|| black_box(engine.search(black_box(&request)).expect("query runs")))
        });
    }
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
