//! Index build throughput on a generated corpus, against bare tantivy on the same item texts.
//!
//! ```sh
//! cargo bench --bench index_build                                   # 500 resolutions
//! EDUSEARCH_BENCH_RESOLUTIONS=10000 cargo bench --bench index_build # ~110 MB of text
//! ```
//!
//! The corpus is generated once into `target/bench-corpus/seed1-N` (`corpus-gen --seed 1`),
//! or taken from `EDUSEARCH_BENCH_DATA`. Phases, each on its own with its own peak RSS:
//!
//! 1. full build (`BuildMode::Full`) of a hard-linked copy of the corpus;
//! 2. incremental build after adding 1% new files (`BuildMode::Incremental`);
//! 3. parsing alone (`parse_resolution` over every file, single thread as the build does);
//! 4. bare tantivy: the parsed item texts into a one-field schema analysed with `ru_stem`,
//!    same writer memory, no parsing — so build / bare is the cost of everything edusearch adds.
//!
//! A measurement, not a test: it fails only when it cannot measure.

#[path = "support/mod.rs"]
mod support;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use edusearch_indexer::{BuildMode, BuildOptions, IndexRoot, NoProgress, build_index};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexWriter, TantivyDocument, doc};

use support::{mb, proc_status_bytes, reset_peak_rss};

struct Phase {
    name: &'static str,
    elapsed: Duration,
    files: usize,
    bytes: u64,
    items: usize,
    peak_rss: Option<u64>,
    index_bytes: Option<u64>,
}

impl Phase {
    fn print(&self) {
        let seconds = self.elapsed.as_secs_f64();
        println!(
            "{:<34} {:>8.2} s {:>9.0} files/s {:>7.1} MB/s {:>9.0} items/s {:>8} {:>9}",
            self.name,
            seconds,
            self.files as f64 / seconds,
            mb(self.bytes) / seconds,
            self.items as f64 / seconds,
            self.peak_rss
                .map_or("-".to_string(), |bytes| format!("{:.0} MB", mb(bytes))),
            self.index_bytes
                .map_or("-".to_string(), |bytes| format!("{:.1} MB", mb(bytes))),
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that names another bench skips this one.
    let filter = std::env::args().skip(1).find(|arg| !arg.starts_with('-'));
    if filter.is_some_and(|filter| !"index_build".contains(filter.as_str())) {
        return;
    }
    let size = support::corpus_size();
    let corpus = support::corpus(size);
    let scratch =
        support::target_dir().join(format!("bench-tmp/index_build-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).expect("scratch folder can be created");

    // A private hard-linked copy: the incremental phase adds files to it.
    let data = scratch.join("data");
    let files = support::files(&corpus);
    for file in &files {
        let relative = file.strip_prefix(&corpus).expect("file below corpus");
        let target = data.join(relative);
        fs::create_dir_all(target.parent().expect("has a parent")).expect("folder can be made");
        if fs::hard_link(file, &target).is_err() {
            fs::copy(file, &target).expect("file can be copied");
        }
    }
    let source_bytes: u64 = files
        .iter()
        .map(|file| fs::metadata(file).map_or(0, |metadata| metadata.len()))
        .sum();
    println!(
        "corpus: {} files, {:.1} MB, from {}",
        files.len(),
        mb(source_bytes),
        corpus.display()
    );
    println!(
        "{:<34} {:>10} {:>15} {:>12} {:>15} {:>8} {:>9}",
        "phase", "wall", "files", "source", "items", "peak RSS", "index"
    );

    // 1. Full build.
    let root = IndexRoot::new(scratch.join("index"));
    let mut options = BuildOptions::new(&data);
    options.mode = BuildMode::Full;
    reset_peak_rss();
    let started = Instant::now();
    let report = build_index(&root, &options, &NoProgress).expect("full build succeeds");
    let full = Phase {
        name: "full build (edusearch)",
        elapsed: started.elapsed(),
        files: report.files_read,
        bytes: source_bytes,
        items: report.items,
        peak_rss: proc_status_bytes("VmHWM"),
        index_bytes: Some(support::size_on_disk(&report.index_path)),
    };
    full.print();
    println!(
        "  grouping recurring items (part of the build): {:.2} s; {} items, {} distinct wordings, \
         {} groups holding {} items",
        report.grouping.elapsed.as_secs_f64(),
        report.grouping.items,
        report.grouping.distinct_wordings,
        report.grouping.groups,
        report.grouping.grouped_items
    );
    if !report.skipped.is_empty() || !report.warnings.is_empty() {
        println!(
            "  note: {} skipped, {} warnings",
            report.skipped.len(),
            report.warnings.len()
        );
    }

    // 2. Incremental: 1% new files.
    let added = (size / 100).max(1);
    support::generate_into(&data, size..size + added);
    let added_bytes: u64 = (size..size + added)
        .map(|index| {
            fs::metadata(data.join(corpus_gen::Generator::relative_path(index)))
                .map_or(0, |metadata| metadata.len())
        })
        .sum();
    options.mode = BuildMode::Incremental;
    reset_peak_rss();
    let started = Instant::now();
    let update = build_index(&root, &options, &NoProgress).expect("incremental build succeeds");
    let incremental = Phase {
        name: "incremental +1% (edusearch)",
        elapsed: started.elapsed(),
        files: update.changed,
        bytes: added_bytes,
        items: update.items - report.items,
        peak_rss: proc_status_bytes("VmHWM"),
        index_bytes: Some(support::size_on_disk(&update.index_path)),
    };
    incremental.print();
    println!(
        "  regrouping the whole index: {:.2} s",
        update.grouping.elapsed.as_secs_f64()
    );
    println!(
        "  ({} files looked at, {} unchanged, {} parsed)",
        update.files_read, update.unchanged, update.changed
    );

    // 3. Parsing alone, over the same files as the full build.
    reset_peak_rss();
    let started = Instant::now();
    let mut item_texts: Vec<String> = Vec::with_capacity(report.items);
    for file in &files {
        let bytes = fs::read(file).expect("file is readable");
        let relative = file.strip_prefix(&corpus).unwrap_or(file).to_string_lossy();
        if let Ok(resolution) = edusearch_resolution::parse_resolution(&relative, &bytes) {
            item_texts.extend(resolution.items.into_iter().map(|item| item.text));
        }
    }
    let parse = Phase {
        name: "parse only (read + parse_resolution)",
        elapsed: started.elapsed(),
        files: files.len(),
        bytes: source_bytes,
        items: item_texts.len(),
        peak_rss: proc_status_bytes("VmHWM"),
        index_bytes: None,
    };
    parse.print();

    // 4. Bare tantivy on the same item texts.
    let bare_dir = scratch.join("bare");
    fs::create_dir_all(&bare_dir).expect("folder can be made");
    reset_peak_rss();
    let started = Instant::now();
    let bare_items = bare_tantivy(&bare_dir, &item_texts, options.writer_memory_bytes);
    let item_bytes: u64 = item_texts.iter().map(|text| text.len() as u64).sum();
    let bare = Phase {
        name: "bare tantivy (items, ru_stem)",
        elapsed: started.elapsed(),
        files: files.len(),
        bytes: item_bytes,
        items: bare_items,
        peak_rss: proc_status_bytes("VmHWM"),
        index_bytes: Some(support::size_on_disk(&bare_dir)),
    };
    bare.print();

    let full_seconds = full.elapsed.as_secs_f64();
    println!();
    println!(
        "full build / bare tantivy: {:.2}x   parse share of full build: {:.0}%   incremental / full: {:.1}%",
        full_seconds / bare.elapsed.as_secs_f64(),
        100.0 * parse.elapsed.as_secs_f64() / full_seconds,
        100.0 * incremental.elapsed.as_secs_f64() / full_seconds,
    );
    println!(
        "(bare MB/s counts item text only; {:.1} MB of items out of {:.1} MB of source)",
        mb(item_bytes),
        mb(source_bytes)
    );
    let _ = fs::remove_dir_all(&scratch);
}

/// Indexes the texts into a one-field schema (stored, like edusearch's item text) with the
/// `ru_stem` analyzer; returns the count.
fn bare_tantivy(dir: &Path, texts: &[String], memory: usize) -> usize {
    let mut builder = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(edusearch_russian::analyzer_stem_name())
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = builder.add_text_field(
        "text",
        TextOptions::default()
            .set_indexing_options(indexing)
            .set_stored(),
    );
    let index = Index::create_in_dir(dir, builder.build()).expect("bare index can be created");
    edusearch_russian::register_analyzers(index.tokenizers());
    let mut writer: IndexWriter<TantivyDocument> = index.writer(memory).expect("bare writer opens");
    for body in texts {
        writer
            .add_document(doc!(text => body.as_str()))
            .expect("document is added");
    }
    writer.commit().expect("bare index commits");
    writer.wait_merging_threads().expect("merges finish");
    texts.len()
}
