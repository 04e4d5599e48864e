//! Building an index from a corpus folder.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use edusearch_resolution::parse_resolution;
use serde::Serialize;
use tantivy::{Index, IndexWriter, TantivyDocument};

use crate::IndexError;
use crate::layout::IndexRoot;
use crate::schema::IndexSchema;

/// File extensions the indexer reads.
pub const SUPPORTED_EXTENSIONS: &[&str] = &["txt"];

/// Settings of a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The corpus folder (read recursively).
    pub data_dir: PathBuf,
    /// Files larger than this are skipped.
    pub max_file_bytes: u64,
    /// Memory budget of the tantivy writer.
    pub writer_memory_bytes: usize,
}

impl BuildOptions {
    /// Default settings for a corpus folder.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            max_file_bytes: 50 * 1024 * 1024,
            writer_memory_bytes: 100 * 1024 * 1024,
        }
    }
}

/// Receives progress of a build (a progress bar in the CLI, nothing in tests).
pub trait BuildProgress: Sync {
    /// The build will read `total` files.
    fn start(&self, total: usize);
    /// One more file was read (or skipped).
    fn file_done(&self, path: &Path);
    /// Writing is finished.
    fn finish(&self);
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl BuildProgress for NoProgress {
    fn start(&self, _total: usize) {}
    fn file_done(&self, _path: &Path) {}
    fn finish(&self) {}
}

/// A file the build skipped or warns about, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileProblem {
    /// Path relative to the corpus folder.
    pub path: String,
    /// What is wrong and, where it helps, what to do.
    pub message: String,
}

/// What a build did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildReport {
    /// Files looked at.
    pub files_read: usize,
    /// Resolutions indexed.
    pub resolutions: usize,
    /// Recommendation items indexed.
    pub items: usize,
    /// Files not indexed, with the reason.
    pub skipped: Vec<FileProblem>,
    /// Files indexed with something to check.
    pub warnings: Vec<FileProblem>,
    /// The generation folder now live.
    pub index_path: PathBuf,
    /// Wall time of the build.
    #[serde(serialize_with = "serialize_seconds")]
    pub elapsed: Duration,
}

fn serialize_seconds<S: serde::Serializer>(
    duration: &Duration,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

/// Every file below `data_dir`, sorted, hidden files and folders left out.
pub fn collect_files(data_dir: &Path) -> Result<Vec<PathBuf>, IndexError> {
    let unreadable = |source| IndexError::CorpusUnreadable {
        path: data_dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    let mut pending = vec![data_dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = fs::read_dir(&folder).map_err(unreadable)?;
        for entry in entries {
            let entry = entry.map_err(unreadable)?;
            let path = entry.path();
            let hidden = path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with('.'));
            if hidden {
                continue;
            }
            let file_type = entry.file_type().map_err(unreadable)?;
            if file_type.is_dir() {
                pending.push(path);
            } else if file_type.is_file() || file_type.is_symlink() {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Builds a new index generation from the corpus and makes it live when complete.
///
/// A file that cannot be read or parsed is reported in the report and skipped; the served
/// index is replaced only after the new one is fully committed.
pub fn build_index(
    root: &IndexRoot,
    options: &BuildOptions,
    progress: &dyn BuildProgress,
) -> Result<BuildReport, IndexError> {
    let started = Instant::now();
    let files = collect_files(&options.data_dir)?;
    let _lock = root.lock()?;
    root.remove_stale_generations();
    let generation = root.new_generation()?;
    let result = write_generation(&generation, &files, options, progress);
    let mut report = match result {
        Ok(report) => report,
        Err(error) => {
            let _ = fs::remove_dir_all(&generation);
            return Err(error);
        }
    };
    root.publish(&generation)?;
    report.index_path = generation;
    report.elapsed = started.elapsed();
    Ok(report)
}

fn write_generation(
    generation: &Path,
    files: &[PathBuf],
    options: &BuildOptions,
    progress: &dyn BuildProgress,
) -> Result<BuildReport, IndexError> {
    let schema = IndexSchema::new();
    let index = Index::create_in_dir(generation, schema.schema.clone())?;
    edusearch_russian::register_analyzers(index.tokenizers());
    let mut writer: IndexWriter<TantivyDocument> = index.writer(options.writer_memory_bytes)?;
    let mut report = BuildReport::default();
    // Same content under two names is one resolution; the second name is reported.
    let mut seen: HashMap<String, String> = HashMap::new();
    progress.start(files.len());
    for path in files {
        report.files_read += 1;
        let relative = path
            .strip_prefix(&options.data_dir)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let outcome = read_and_parse(path, &relative, options);
        progress.file_done(path);
        let resolution = match outcome {
            Ok(resolution) => resolution,
            Err(message) => {
                tracing::warn!(file = %relative, %message, "skipped");
                report.skipped.push(FileProblem {
                    path: relative,
                    message,
                });
                continue;
            }
        };
        if let Some(first) = seen.get(&resolution.id) {
            report.skipped.push(FileProblem {
                path: relative,
                message: format!(
                    "same resolution as {first} (id {}); indexed once",
                    resolution.id
                ),
            });
            continue;
        }
        seen.insert(resolution.id.clone(), relative.clone());
        for warning in &resolution.warnings {
            report.warnings.push(FileProblem {
                path: relative.clone(),
                message: warning.clone(),
            });
        }
        report.resolutions += 1;
        report.items += resolution.items.len();
        for document in schema.documents(&resolution) {
            writer.add_document(document)?;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    progress.finish();
    Ok(report)
}

fn read_and_parse(
    path: &Path,
    relative: &str,
    options: &BuildOptions,
) -> Result<edusearch_resolution::Resolution, String> {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    if !SUPPORTED_EXTENSIONS.contains(&extension.as_str()) {
        return Err(format!(
            "unsupported format{}; supported: {}",
            if extension.is_empty() {
                String::new()
            } else {
                format!(" .{extension}")
            },
            SUPPORTED_EXTENSIONS
                .iter()
                .map(|extension| format!(".{extension}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let size = fs::metadata(path)
        .map_err(|error| format!("cannot read file: {error}"))?
        .len();
    if size > options.max_file_bytes {
        return Err(format!(
            "file is {} MB, over the {} MB limit",
            size / (1024 * 1024),
            options.max_file_bytes / (1024 * 1024)
        ));
    }
    let bytes = fs::read(path).map_err(|error| format!("cannot read file: {error}"))?;
    parse_resolution(relative, &bytes).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open_index;

    fn corpus() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions")
    }

    #[test]
    fn the_seed_corpus_builds_and_bad_files_are_skipped_with_reasons() {
        let data = tempfile::tempdir().unwrap();
        for file in collect_files(&corpus()).unwrap() {
            fs::copy(&file, data.path().join(file.file_name().unwrap())).unwrap();
        }
        fs::write(data.path().join("empty.txt"), "").unwrap();
        fs::write(data.path().join("image.txt"), [0u8, 159, 146, 150, 0, 1]).unwrap();
        fs::write(data.path().join("notes.pdfx"), "x").unwrap();
        let index_dir = tempfile::tempdir().unwrap();
        let root = IndexRoot::new(index_dir.path());
        let report = build_index(&root, &BuildOptions::new(data.path()), &NoProgress).unwrap();
        assert_eq!(report.files_read, 8);
        assert_eq!(report.resolutions, 5);
        assert_eq!(report.items, 4 + 6 + 33 + 14 + 13);
        let reasons: Vec<_> = report
            .skipped
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                ("empty.txt", "file is empty"),
                ("image.txt", "file is binary, not text"),
                ("notes.pdfx", "unsupported format .pdfx; supported: .txt"),
            ]
        );
        let (index, _) = open_index(&root).unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.num_docs(), 5 + 70);
    }

    #[test]
    fn a_failed_build_leaves_the_live_index_alone() {
        let index_dir = tempfile::tempdir().unwrap();
        let root = IndexRoot::new(index_dir.path());
        build_index(&root, &BuildOptions::new(corpus()), &NoProgress).unwrap();
        let live = root.current().unwrap().unwrap();
        let missing = BuildOptions::new(index_dir.path().join("no-such-folder"));
        assert!(build_index(&root, &missing, &NoProgress).is_err());
        assert_eq!(root.current().unwrap().unwrap(), live);
        assert!(open_index(&root).is_ok());
    }
}
