//! Building an index from a corpus folder.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tantivy::directory::MmapDirectory;
use tantivy::indexer::{NoMergePolicy, UserOperation};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use crate::IndexError;
use crate::layout::IndexRoot;
use crate::manifest::{FileEntry, FileStamp, MANIFEST, Manifest};
use crate::read::{DEFAULT_MAX_FILE_BYTES, FileContent, FileReader, Record};
use crate::schema::{IndexSchema, StoredResolution};
use crate::sources::{Source, Sources};
use deferred::{BuildDocument, Deferred};
use merge::LevelMergePolicy;

/// Memory budget of the tantivy writer, shared by its indexing threads (one a core). With two
/// threads a segment is written at about 125,000 documents, above [`merge::SEGMENT_DOCS`], so
/// no segment a full build writes would be worth merging (with 100 MB, segments of 50,000
/// documents were merged four at a time, and merging rewrote every stored document).
const WRITER_MEMORY_BYTES: usize = 200 * 1024 * 1024;

/// Whether a build reads everything or only what changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BuildMode {
    /// Read every file again and write a fresh index.
    Full,
    /// Start from the live index and read only new and changed files (the default; a full
    /// build when there is no index yet, or it was built from another folder).
    #[default]
    Incremental,
}

/// Settings of a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The corpus folder (read recursively).
    pub data_dir: PathBuf,
    /// Files larger than this are skipped.
    pub max_file_bytes: u64,
    /// Memory budget of the tantivy writer.
    pub writer_memory_bytes: usize,
    /// Full or incremental.
    pub mode: BuildMode,
}

impl BuildOptions {
    /// Default settings for a corpus folder.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            writer_memory_bytes: WRITER_MEMORY_BYTES,
            mode: BuildMode::Incremental,
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
    /// Files parsed in this build (new or changed).
    pub changed: usize,
    /// Files known from the previous build and not read again.
    pub unchanged: usize,
    /// Resolutions removed from the index (their files are gone or changed content).
    pub removed: usize,
    /// Files not indexed, with the reason.
    pub skipped: Vec<FileProblem>,
    /// Files indexed with something to check.
    pub warnings: Vec<FileProblem>,
    /// What grouping recurring recommendations found.
    pub grouping: crate::groups::GroupingReport,
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

/// A tantivy failure while writing `generation` becomes «no space left» when a probe write
/// there fails for lack of space; other errors are kept.
fn explain_write_failure(error: IndexError, generation: &Path) -> IndexError {
    match error {
        IndexError::Io { source, .. } if is_no_space(&source) => no_space(generation, source),
        IndexError::Tantivy(_) => match probe_space(generation) {
            Err(source) if is_no_space(&source) => no_space(generation, source),
            _ => error,
        },
        other => other,
    }
}

/// Writes and removes 1 MiB in `folder`.
fn probe_space(folder: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let probe = folder.join(".space-probe");
    let written = fs::File::create(&probe).and_then(|mut file| {
        file.write_all(&[0_u8; 1 << 20])?;
        file.sync_all()
    });
    let _ = fs::remove_file(&probe);
    written
}

fn is_no_space(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

fn no_space(generation: &Path, source: std::io::Error) -> IndexError {
    IndexError::NoSpace {
        path: generation.parent().unwrap_or(generation).to_path_buf(),
        source,
    }
}

/// Every entry below `data_dir` but folders, sorted, hidden files and folders left out.
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
            } else {
                // Devices, FIFOs and sockets too: reading refuses them with a reason, so the
                // summary names them instead of leaving them out without a word.
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Builds a new index generation from the corpus and makes it live when complete.
///
/// In [`BuildMode::Incremental`] the new generation starts as a hard-linked copy of the live
/// one and only new, changed and removed files are worked on (the manifest of content hashes
/// tells which); otherwise everything is read again. A file that cannot be read or parsed is
/// reported and skipped; the served index is replaced only after the new one is committed.
pub fn build_index(
    root: &IndexRoot,
    options: &BuildOptions,
    progress: &dyn BuildProgress,
) -> Result<BuildReport, IndexError> {
    let started = Instant::now();
    let files = collect_files(&options.data_dir)?;
    let _lock = root.lock()?;
    root.remove_stale_generations();
    let previous = match options.mode {
        BuildMode::Full => None,
        BuildMode::Incremental => previous_generation(root, &options.data_dir)?,
    };
    let generation = root.new_generation()?;
    let sources = Sources::load(&options.data_dir);
    let result = write_generation(
        &generation,
        &files,
        options,
        &sources,
        previous.as_ref(),
        progress,
    );
    let mut report = match result {
        Ok(report) => report,
        Err(error) => {
            // tantivy reports a full disk as «an index writer was killed»: find the cause
            // while the partial generation still takes the space, then free it.
            let error = explain_write_failure(error, &generation);
            let _ = fs::remove_dir_all(&generation);
            return Err(error);
        }
    };
    root.publish(&generation)?;
    report.index_path = generation;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The live generation and its manifest, when they were built from the same corpus folder.
fn previous_generation(
    root: &IndexRoot,
    data_dir: &Path,
) -> Result<Option<(PathBuf, Manifest)>, IndexError> {
    let Some(current) = root.current()? else {
        return Ok(None);
    };
    let Some(manifest) = Manifest::load(&current) else {
        return Ok(None);
    };
    // An index written by another version of the schema is rebuilt from scratch.
    let compatible = Index::open_in_dir(&current).ok().is_some_and(|index| {
        IndexSchema::from_schema(&index.schema()).is_some()
            && index.settings().sort_by_field == crate::schema::index_settings().sort_by_field
    });
    if !compatible {
        return Ok(None);
    }
    let same_corpus = fs::canonicalize(data_dir)
        .ok()
        .is_some_and(|dir| dir == Path::new(&manifest.data_dir));
    Ok(same_corpus.then_some((current, manifest)))
}

/// Hard-links the files of an index generation into a new folder (segment files never change
/// in place, and tantivy replaces its meta files by rename, so the copies stay independent).
fn link_generation(from: &Path, to: &Path) -> Result<(), IndexError> {
    let io = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| IndexError::Io {
            action,
            path,
            source,
        }
    };
    for entry in fs::read_dir(from).map_err(io("failed to read", from))? {
        let entry = entry.map_err(io("failed to read", from))?;
        let name = entry.file_name();
        let name_text = name.to_string_lossy();
        if name_text.starts_with(".tantivy")
            || name_text.ends_with(".lock")
            || name_text == MANIFEST
        {
            continue;
        }
        let target = to.join(&name);
        if fs::hard_link(entry.path(), &target).is_err() {
            fs::copy(entry.path(), &target).map_err(io("failed to copy", &entry.path()))?;
        }
    }
    Ok(())
}

fn write_generation(
    generation: &Path,
    files: &[PathBuf],
    options: &BuildOptions,
    sources: &Sources,
    previous: Option<&(PathBuf, Manifest)>,
    progress: &dyn BuildProgress,
) -> Result<BuildReport, IndexError> {
    let schema = Arc::new(IndexSchema::new());
    let directory = MmapDirectory::open(generation).map_err(tantivy::TantivyError::from)?;
    let index = match previous {
        Some((live, _)) => {
            link_generation(live, generation)?;
            Index::open(directory).map_err(|error| IndexError::Unusable {
                path: live.clone(),
                reason: error.to_string(),
            })?
        }
        None => Index::create(
            directory,
            schema.schema.clone(),
            crate::schema::index_settings(),
        )?,
    };
    edusearch_russian::register_analyzers(index.tokenizers());
    let mut writer: IndexWriter<BuildDocument> = index.writer(options.writer_memory_bytes)?;
    // A full build writes large segments and merges none; an update merges its small segments
    // with others of their level.
    match previous {
        Some(_) => writer.set_merge_policy(Box::new(LevelMergePolicy::new(&index))),
        None => writer.set_merge_policy(Box::new(NoMergePolicy)),
    }
    // Items now, resolutions once every file is read (see `deferred`).
    let mut deferred = Deferred::new(generation)?;
    let empty = Manifest::default();
    let old = previous.map_or(&empty, |(_, manifest)| manifest);
    let old_by_hash: HashMap<&str, &FileEntry> = old
        .files
        .values()
        .map(|entry| (entry.hash.as_str(), entry))
        .collect();
    let old_ids: HashSet<&str> = old
        .files
        .values()
        .filter_map(|entry| entry.id.as_deref())
        .collect();

    let mut report = BuildReport::default();
    let mut manifest = Manifest {
        data_dir: fs::canonicalize(&options.data_dir)
            .unwrap_or_else(|_| options.data_dir.clone())
            .to_string_lossy()
            .into_owned(),
        ..Manifest::default()
    };
    // Ids in the index after this build, and the file each was indexed from.
    let mut indexed: HashMap<String, String> = HashMap::new();
    progress.start(files.len());
    let workers = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    // Files are read and parsed in parallel; their outcomes are taken in path order, so which
    // of two copies comes first does not depend on timing.
    let mut grouped = Grouped::new(ADD_GROUP_DOCS);
    in_order::map_in_order(
        files,
        workers,
        PARSE_WINDOW,
        |path| examine(path, &schema, options, sources, old, &old_by_hash),
        |path, (relative, entry, parsed)| {
            report.files_read += 1;
            progress.file_done(path);
            if parsed.is_some() {
                report.changed += 1;
            } else if entry.problem.is_none() {
                report.unchanged += 1;
            }
            if let Some(message) = &entry.problem {
                tracing::warn!(file = %relative, %message, "skipped");
                report.skipped.push(FileProblem {
                    path: relative.clone(),
                    message: message.clone(),
                });
            }
            if let Some(id) = &entry.id {
                match indexed.get(id) {
                    Some(first) => {
                        report.skipped.push(FileProblem {
                            path: relative.clone(),
                            message: format!("same resolution as {first} (id {id}); indexed once"),
                        });
                    }
                    None => {
                        indexed.insert(id.clone(), relative.clone());
                        report.resolutions += 1;
                        report.items += entry.items;
                        for warning in &entry.warnings {
                            report.warnings.push(FileProblem {
                                path: relative.clone(),
                                message: warning.clone(),
                            });
                        }
                        // The items of new content enter the index at once, its resolution
                        // documents at the end; content the index already has under an old name
                        // keeps its documents.
                        if let Some(parsed) = parsed
                            && !old_ids.contains(id.as_str())
                        {
                            for document in parsed.items {
                                grouped.add(&writer, BuildDocument::Made(document))?;
                            }
                            deferred.push(&parsed.stored)?;
                        }
                    }
                }
            }
            manifest.files.insert(relative, entry);
            Ok::<_, IndexError>(())
        },
    )?;
    // Every item is handed over before the first resolution.
    grouped.flush(&writer)?;
    if previous.is_some() && deferred.len() > 0 {
        // The update's items are written as segments of items alone, which may be merged
        // with other segments of items (see `merge`).
        writer.commit()?;
    }
    let mut grouped = Grouped::new(deferred::GROUP_DOCS);
    deferred.drain(&schema, |document| grouped.add(&writer, document))?;
    grouped.flush(&writer)?;
    // Resolutions gone from the corpus leave the index.
    for id in old_ids.iter().filter(|id| !indexed.contains_key(**id)) {
        writer.delete_term(Term::from_field_text(schema.resolution_id, id));
        report.removed += 1;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    // Groups are computed over the whole committed index, so an update regroups old and new
    // items together. The grouping runs on one core; the manifest is written on the other.
    let (grouping, saved) = std::thread::scope(|scope| {
        let saving = scope.spawn(|| manifest.save(generation));
        let grouping = crate::groups::write_groups(&index, generation);
        (grouping, saving.join())
    });
    report.grouping = grouping?;
    saved.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    progress.finish();
    Ok(report)
}

/// How many files may be parsed ahead of the one whose outcome is taken next.
const PARSE_WINDOW: usize = 64;

/// Item documents handed to tantivy's indexing threads together (see [`Grouped`]).
const ADD_GROUP_DOCS: usize = 256;

/// Documents handed to the writer in groups: one hand-off per document (tantivy's
/// `add_document`) made the build about 3 % slower, each a message on the writer's channel that
/// may wake an indexing thread. A group goes to one indexing thread, into one segment, in the
/// order of adding.
struct Grouped {
    pending: Vec<UserOperation<BuildDocument>>,
    size: usize,
}

impl Grouped {
    fn new(size: usize) -> Self {
        Self {
            pending: Vec::with_capacity(size),
            size,
        }
    }

    fn add(
        &mut self,
        writer: &IndexWriter<BuildDocument>,
        document: BuildDocument,
    ) -> Result<(), IndexError> {
        self.pending.push(UserOperation::Add(document));
        if self.pending.len() >= self.size {
            self.flush(writer)?;
        }
        Ok(())
    }

    /// Hands over what is pending.
    fn flush(&mut self, writer: &IndexWriter<BuildDocument>) -> Result<(), IndexError> {
        if !self.pending.is_empty() {
            writer.run(self.pending.drain(..))?;
        }
        Ok(())
    }
}

/// What a build learns of one file: its path in the corpus, its manifest entry, and what it
/// indexes of its resolution when it was parsed anew.
type Examined = (String, FileEntry, Option<Parsed>);

/// A resolution parsed anew: its item documents, and the resolution as its document stores it
/// (both made on the parsing threads: the MinHash signatures and the JSON are a fair share of
/// the work).
struct Parsed {
    items: Vec<TantivyDocument>,
    stored: StoredResolution,
}

/// Reuses what the last build knew of a file when it is unchanged (same size and time, or the
/// same content under any name); reads and parses it otherwise.
fn examine(
    path: &Path,
    schema: &IndexSchema,
    options: &BuildOptions,
    sources: &Sources,
    old: &Manifest,
    old_by_hash: &HashMap<&str, &FileEntry>,
) -> Examined {
    let relative = path
        .strip_prefix(&options.data_dir)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned();
    let source = sources.get(&relative);
    let source_url = source.and_then(Source::address).map(str::to_string);
    let stamp = FileStamp::of(path);
    if let Some(entry) = old
        .files
        .get(&relative)
        .filter(|entry| stamp.is_some_and(|stamp| entry.stamp == stamp))
    {
        let entry = FileEntry {
            source_url,
            ..entry.clone()
        };
        return (relative, entry, None);
    }
    let reader = FileReader {
        max_file_bytes: options.max_file_bytes,
    };
    let content = reader.read_bytes(path);
    let hash = content.as_ref().map(FileContent::hash).unwrap_or_default();
    if let Some(entry) = old_by_hash.get(hash.as_str()).filter(|_| !hash.is_empty()) {
        let entry = FileEntry {
            stamp: stamp.unwrap_or_default(),
            source_url,
            ..(*entry).clone()
        };
        return (relative, entry, None);
    }
    match content.and_then(|content| reader.parse(&content, &relative, source)) {
        Ok(Record { resolution, .. }) => {
            let entry = FileEntry {
                stamp: stamp.unwrap_or_default(),
                hash,
                id: Some(resolution.id.clone()),
                items: resolution.items.len(),
                problem: None,
                warnings: resolution.warnings.clone(),
                source_url,
            };
            let parsed = Parsed {
                items: schema.item_documents(&resolution).collect(),
                stored: StoredResolution::split(resolution),
            };
            (relative, entry, Some(parsed))
        }
        Err(error) => {
            let entry = FileEntry {
                stamp: stamp.unwrap_or_default(),
                hash,
                id: None,
                items: 0,
                problem: Some(error.to_string()),
                warnings: Vec::new(),
                source_url,
            };
            (relative, entry, None)
        }
    }
}

mod deferred;
mod in_order;
mod merge;

#[cfg(test)]
mod broken_input_tests;
#[cfg(test)]
mod incremental_tests;
#[cfg(test)]
mod tests;
