//! General Russian retrieval: the development set in `../shared/retrieval-dev` (XQuAD-ru, half).
//!
//! ```sh
//! cargo bench --bench retrieval                 # edusearch, and Xapian BM25 when installed
//! cargo bench --bench retrieval -- --misses     # also every question not ranked first
//! EDUSEARCH_RETRIEVAL_SET=FILE cargo bench --bench retrieval
//! ```
//!
//! Each paragraph becomes one `.txt` file of a temporary corpus, which is indexed as any corpus
//! is; each question is searched as typed (question mark and all) at the resolution level, as
//! `edusearch search Q --level resolutions` does, and the question's own paragraph is the one
//! relevant document. Prints MRR@10, recall@1 and recall@10 over all questions, for edusearch
//! and — where Debian's `python3-xapian` is installed — for plain Xapian BM25 with the Snowball
//! stemmer (`benches/compare/xapian_retrieval.py`), side by side in one run.
//!
//! A measurement, not a test: it fails only when it cannot measure.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use edusearch_indexer::{BuildOptions, IndexRoot, NoProgress, build_index};
use edusearch_search::{Engine, Level, Pipeline, SearchRequest};

/// Depth of the ranking that counts (MRR@10, recall@10).
const DEPTH: usize = 10;

struct Question {
    paragraph: usize,
    text: String,
}

fn main() -> Result<()> {
    let show_misses = std::env::args().any(|arg| arg == "--misses");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let set_path = std::env::var_os("EDUSEARCH_RETRIEVAL_SET").map_or_else(
        || repo.join("../shared/retrieval-dev/xquad.ru.dev.json"),
        PathBuf::from,
    );
    let text = std::fs::read_to_string(&set_path).with_context(|| {
        format!(
            "failed to read the retrieval set {} (set EDUSEARCH_RETRIEVAL_SET)",
            set_path.display()
        )
    })?;
    let (paragraphs, questions) =
        parse_squad(&text).with_context(|| format!("{} is not SQuAD JSON", set_path.display()))?;

    let corpus = tempfile::tempdir().context("failed to create a temporary folder")?;
    for (number, paragraph) in paragraphs.iter().enumerate() {
        std::fs::write(corpus.path().join(file_name(number)), paragraph)
            .context("failed to write the corpus")?;
    }
    let index_dir = tempfile::tempdir().context("failed to create a temporary folder")?;
    let root = IndexRoot::new(index_dir.path());
    let build = build_index(&root, &BuildOptions::new(corpus.path()), &NoProgress)
        .context("failed to index the paragraphs")?;
    if build.resolutions != paragraphs.len() {
        bail!(
            "indexed {} documents for {} paragraphs: the benchmark would not measure its own data",
            build.resolutions,
            paragraphs.len()
        );
    }
    let engine = Engine::open(&root).context("failed to open the index")?;

    let baseline = ranks_of(&engine, &questions, Pipeline::Baseline)?;
    let mut ranks = Vec::with_capacity(questions.len());
    let mut misses = Vec::new();
    for question in &questions {
        let request = SearchRequest {
            level: Level::Resolutions,
            per_page: DEPTH,
            ..SearchRequest::query(question.text.clone())
        };
        let response = engine
            .search(&request)
            .with_context(|| format!("search failed: {}", question.text))?;
        let wanted = file_name(question.paragraph);
        let rank = response
            .hits
            .iter()
            .position(|hit| hit.source.ends_with(&wanted))
            .map_or(0, |position| position + 1);
        if rank != 1 {
            let understood = &response.query;
            misses.push(format!(
                "{rank:>2} | {} | searched «{}»{}{}{}{}",
                question.text,
                understood.text,
                understood
                    .filters
                    .year
                    .map(|year| format!(", year {year}"))
                    .unwrap_or_default(),
                understood
                    .filters
                    .region
                    .as_ref()
                    .map(|region| format!(", region {region}"))
                    .unwrap_or_default(),
                understood
                    .filters
                    .municipality
                    .as_ref()
                    .map(|place| format!(", municipality {place}"))
                    .unwrap_or_default(),
                understood
                    .correction
                    .as_ref()
                    .map(|correction| format!(", corrected to «{}»", correction.corrected))
                    .unwrap_or_default(),
            ));
        }
        ranks.push(rank);
    }

    println!(
        "Retrieval on {} questions over {} paragraphs ({}), resolution level, top {DEPTH}.\n",
        questions.len(),
        paragraphs.len(),
        set_path.display()
    );
    println!("| engine | MRR@10 | R@1 | R@10 |");
    println!("|---|--:|--:|--:|");
    print_row("edusearch", &ranks);
    print_row(
        "edusearch, baseline pipeline (text field, any word)",
        &baseline,
    );
    match xapian_ranks(repo, &set_path) {
        Ok(Some((name, xapian))) => {
            if xapian.len() != ranks.len() {
                bail!(
                    "Xapian answered {} questions of {}",
                    xapian.len(),
                    ranks.len()
                );
            }
            print_row(&name, &xapian);
        }
        Ok(None) => println!("\n(Xapian not measured: Debian's python3-xapian is not installed)"),
        Err(error) => println!("\n(Xapian not measured: {error:#})"),
    }
    if show_misses {
        println!("\nQuestions whose paragraph is not first (rank, 0 = not in the top {DEPTH}):");
        for miss in &misses {
            println!("{miss}");
        }
    }
    Ok(())
}

/// The rank of each question's paragraph with `pipeline` (0 when not in the top [`DEPTH`]).
fn ranks_of(engine: &Engine, questions: &[Question], pipeline: Pipeline) -> Result<Vec<usize>> {
    questions
        .iter()
        .map(|question| {
            let request = SearchRequest {
                level: Level::Resolutions,
                per_page: DEPTH,
                ..SearchRequest::query(question.text.clone())
            };
            let response = engine.search_with(&request, pipeline)?;
            let wanted = file_name(question.paragraph);
            Ok(response
                .hits
                .iter()
                .position(|hit| hit.source.ends_with(&wanted))
                .map_or(0, |position| position + 1))
        })
        .collect()
}

fn file_name(paragraph: usize) -> String {
    format!("paragraph-{paragraph:03}.txt")
}

fn parse_squad(text: &str) -> Result<(Vec<String>, Vec<Question>)> {
    let json: serde_json::Value = serde_json::from_str(text)?;
    let mut paragraphs = Vec::new();
    let mut questions = Vec::new();
    let articles = json["data"].as_array().context("no `data` array")?;
    for article in articles {
        for paragraph in article["paragraphs"]
            .as_array()
            .context("no `paragraphs`")?
        {
            let context = paragraph["context"].as_str().context("no `context`")?;
            for qa in paragraph["qas"].as_array().context("no `qas`")? {
                questions.push(Question {
                    paragraph: paragraphs.len(),
                    text: qa["question"]
                        .as_str()
                        .context("no `question`")?
                        .to_string(),
                });
            }
            paragraphs.push(context.to_string());
        }
    }
    Ok((paragraphs, questions))
}

fn print_row(engine: &str, ranks: &[usize]) {
    let count = ranks.len().max(1) as f64;
    let mrr = ranks
        .iter()
        .filter(|&&rank| rank > 0)
        .map(|&rank| 1.0 / rank as f64)
        .sum::<f64>()
        / count;
    let at_1 = ranks.iter().filter(|&&rank| rank == 1).count() as f64 / count;
    let at_10 = ranks.iter().filter(|&&rank| rank > 0).count() as f64 / count;
    println!("| {engine} | {mrr:.3} | {at_1:.3} | {at_10:.3} |");
}

/// Xapian's ranks from `benches/compare/xapian_retrieval.py` under Debian's python3, or `None`
/// when its Xapian bindings are missing.
fn xapian_ranks(repo: &Path, set: &Path) -> Result<Option<(String, Vec<usize>)>> {
    let python = "/usr/bin/python3";
    let has_xapian = Command::new(python)
        .args(["-c", "import xapian"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !has_xapian {
        return Ok(None);
    }
    let output = Command::new(python)
        .arg(repo.join("benches/compare/xapian_retrieval.py"))
        .arg(set)
        .output()
        .context("failed to run benches/compare/xapian_retrieval.py")?;
    if !output.status.success() {
        bail!(
            "benches/compare/xapian_retrieval.py failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let ranks = json["ranks"]
        .as_array()
        .context("no `ranks` in Xapian's answer")?
        .iter()
        .map(|rank| rank.as_u64().map(|rank| rank as usize))
        .collect::<Option<Vec<_>>>()
        .context("a rank is not a number")?;
    let name = json["engine"].as_str().unwrap_or("Xapian BM25").to_string();
    Ok(Some((name, ranks)))
}
