//! Shared helpers of the performance benchmarks: a generated corpus cached under `target/`,
//! an index built from it, and process memory figures.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use corpus_gen::Generator;
use edusearch_indexer::{BuildMode, BuildOptions, IndexRoot, NoProgress, build_index};

/// Seed of every benchmark corpus.
pub const SEED: u64 = 1;

/// Number of resolutions: `EDUSEARCH_BENCH_RESOLUTIONS`, default 500.
pub fn corpus_size() -> usize {
    std::env::var("EDUSEARCH_BENCH_RESOLUTIONS")
        .ok()
        .and_then(|value| value.replace('_', "").parse().ok())
        .unwrap_or(500)
}

/// The workspace `target/` folder (or `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Writes resolutions `range` of the seed-1 corpus into `dir` (in parallel, like corpus-gen).
pub fn generate_into(dir: &Path, range: std::ops::Range<usize>) {
    let generator = Generator::new(SEED);
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    for index in range.clone().step_by(corpus_gen::FILES_PER_FOLDER) {
        fs::create_dir_all(dir.join(format!("{:03}", index / corpus_gen::FILES_PER_FOLDER)))
            .expect("corpus folder can be created");
    }
    if let Some(last) = range.clone().last() {
        fs::create_dir_all(dir.join(format!("{:03}", last / corpus_gen::FILES_PER_FOLDER)))
            .expect("corpus folder can be created");
    }
    std::thread::scope(|scope| {
        for worker in 0..threads {
            let generator = &generator;
            let range = range.clone();
            scope.spawn(move || {
                for index in range.skip(worker).step_by(threads) {
                    let generated = generator.generate(index);
                    fs::write(dir.join(&generated.relative_path), generated.text)
                        .expect("corpus file can be written");
                }
            });
        }
    });
}

/// The corpus of `size` resolutions: `EDUSEARCH_BENCH_DATA` if set, else generated once into
/// `target/bench-corpus/seed1-SIZE` (the same bytes as `corpus-gen --seed 1`).
pub fn corpus(size: usize) -> PathBuf {
    if let Some(dir) = std::env::var_os("EDUSEARCH_BENCH_DATA") {
        return PathBuf::from(dir);
    }
    let dir = target_dir().join(format!("bench-corpus/seed{SEED}-{size}"));
    let done = dir.join(".complete");
    if !done.exists() {
        let started = Instant::now();
        let _ = fs::remove_dir_all(&dir);
        generate_into(&dir, 0..size);
        fs::write(&done, b"").expect("marker can be written");
        eprintln!(
            "generated {size} resolutions into {} in {:.1} s",
            dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    dir
}

/// An index of the corpus of `size` resolutions: `EDUSEARCH_BENCH_INDEX` if set, else built
/// once into `target/bench-index/seed1-SIZE`.
pub fn index(size: usize) -> IndexRoot {
    if let Some(dir) = std::env::var_os("EDUSEARCH_BENCH_INDEX") {
        return IndexRoot::new(dir);
    }
    let root = IndexRoot::new(target_dir().join(format!("bench-index/seed{SEED}-{size}")));
    // An index of an older schema is built again.
    if !root.exists() || edusearch_indexer::open_index(&root).is_err() {
        let data = corpus(size);
        let mut options = BuildOptions::new(&data);
        options.mode = BuildMode::Full;
        let report = build_index(&root, &options, &NoProgress).expect("bench index builds");
        eprintln!(
            "indexed {} resolutions, {} items in {:.1} s",
            report.resolutions,
            report.items,
            report.elapsed.as_secs_f64()
        );
    }
    root
}

/// Every `.txt` file below `dir`, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).expect("corpus folder is readable") {
            let path = entry.expect("corpus entry is readable").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "txt") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Total size of the files below `dir`, in bytes.
pub fn size_on_disk(dir: &Path) -> u64 {
    let mut total = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(metadata) = entry.metadata() {
                total += metadata.len();
            }
        }
    }
    total
}

/// A `kB` field of `/proc/self/status` («VmHWM», «VmRSS»), in bytes.
pub fn proc_status_bytes(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    let kilobytes: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|value| value.parse().ok())?;
    Some(kilobytes * 1024)
}

/// Resets the peak resident set size (`VmHWM`) so the next phase is measured alone.
pub fn reset_peak_rss() {
    let _ = fs::write("/proc/self/clear_refs", "5");
}

/// Bytes as MB (10^6).
pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}
