//! Relevance of the baseline and the full pipeline on the judged queries.
//!
//! `cargo bench --bench relevance` indexes `index-data/resolutions` into a temporary folder, runs
//! every query of `tests/relevance/queries.toml` with both pipelines and prints nDCG@10, MRR and
//! recall@20 by query kind, side by side, with the worst queries of the full pipeline.
//! `cargo bench --bench relevance -- --per-query` also lists every query's scores.
//!
//! A measurement, not a test: it fails only when it cannot measure (a broken query file, an
//! index that does not build), never on the figures.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use edusearch_indexer::{BuildOptions, IndexRoot, NoProgress, build_index};
use edusearch_search::eval::{Report, evaluate, load_query_set, render_table};
use edusearch_search::{Engine, Pipeline};

fn main() -> Result<()> {
    let per_query = std::env::args().any(|arg| arg == "--per-query");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let queries_path = repo.join("tests/relevance/queries.toml");
    let text = std::fs::read_to_string(&queries_path)
        .with_context(|| format!("failed to read {}", queries_path.display()))?;
    let set = load_query_set(&text).with_context(|| format!("in {}", queries_path.display()))?;

    let index_dir = tempfile::tempdir().context("failed to create a temporary folder")?;
    let root = IndexRoot::new(index_dir.path());
    let corpus = repo.join("index-data/resolutions");
    let build = build_index(&root, &BuildOptions::new(&corpus), &NoProgress)
        .with_context(|| format!("failed to index {}", corpus.display()))?;
    let engine = Engine::open(&root).context("failed to open the index")?;

    let started = Instant::now();
    let baseline =
        evaluate(&engine, &set, Pipeline::Baseline).context("baseline pipeline failed")?;
    let full = evaluate(&engine, &set, Pipeline::Full).context("full pipeline failed")?;
    let elapsed = started.elapsed();

    println!(
        "Relevance on {} judged queries over {} resolutions ({} items); \
         both pipelines ran in {:.0} ms.\n",
        set.queries.len(),
        build.resolutions,
        build.items,
        elapsed.as_secs_f64() * 1000.0
    );
    println!("{}", render_table(&baseline, &full));
    if per_query {
        print_per_query(&baseline, &full);
    }
    Ok(())
}

/// Every query's scores, baseline → full.
fn print_per_query(baseline: &Report, full: &Report) {
    println!("\n| id | kind | query | nDCG@10 | RR | R@20 |");
    println!("|---|---|---|--:|--:|--:|");
    for (before, after) in baseline.per_query.iter().zip(&full.per_query) {
        debug_assert_eq!(before.id, after.id);
        println!(
            "| {} | {} | {} | {:.3} → {:.3} | {:.3} → {:.3} | {:.3} → {:.3} |",
            after.id,
            after.kind,
            after.query,
            before.ndcg10,
            after.ndcg10,
            before.rr,
            after.rr,
            before.recall20,
            after.recall20
        );
    }
}
