//! Which segments an update merges: small ones of the same level only.
//!
//! A segment holds its items before its resolution documents because the build adds them in
//! that order ([`crate::schema::index_settings`]). tantivy merges an unsorted index by putting
//! whole segments one after the other, so a merge of two segments that both hold items and
//! resolutions would interleave them. An update therefore adds its items and commits before it
//! adds its resolutions, and this policy merges only segments that hold a single level: the
//! result holds one level too. A segment of both levels (the last one of each indexing thread
//! in a full build) is never merged; it is large, as a full build writes segments at its
//! memory budget.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};
use tantivy::{Index, SegmentReader};

use crate::schema::{DocKind, fields};

/// Segments stop growing by merges at about this many documents.
pub(crate) const SEGMENT_DOCS: usize = 100_000;

/// Small segments are merged four at a time, and segments stop at about [`SEGMENT_DOCS`]
/// documents: a search runs one thread per segment, so a large index is left in many
/// segments of similar size (a few large ones keep one core busy while the other idles),
/// and no document is rewritten by more than one merge.
fn log_merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_min_num_segments(4);
    policy.set_max_docs_before_merge(SEGMENT_DOCS);
    policy
}

/// [`LogMergePolicy`] applied to the segments of each level apart.
pub(crate) struct LevelMergePolicy {
    index: Index,
    inner: LogMergePolicy,
    /// The level of each segment looked at so far (`None`: both levels, or unreadable).
    levels: Mutex<HashMap<SegmentId, Option<DocKind>>>,
}

impl LevelMergePolicy {
    /// The policy for the segments of `index`.
    pub(crate) fn new(index: &Index) -> Self {
        Self {
            index: index.clone(),
            inner: log_merge_policy(),
            levels: Mutex::new(HashMap::new()),
        }
    }

    /// The one level of the segment's documents, read from its `level_order` column.
    fn level_of(&self, meta: &SegmentMeta) -> Option<DocKind> {
        let mut levels = self.levels.lock().unwrap_or_else(PoisonError::into_inner);
        *levels
            .entry(meta.id())
            .or_insert_with(|| single_level(&self.index, meta))
    }
}

/// The level of every document of a segment, or `None` when it holds both or cannot be read.
fn single_level(index: &Index, meta: &SegmentMeta) -> Option<DocKind> {
    let reader = SegmentReader::open(&index.segment(meta.clone())).ok()?;
    let column = reader.fast_fields().u64(fields::LEVEL_ORDER).ok()?;
    [DocKind::Item, DocKind::Resolution]
        .into_iter()
        .find(|kind| column.min_value() == kind.order() && column.max_value() == kind.order())
}

impl MergePolicy for LevelMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let mut by_level: [Vec<SegmentMeta>; 2] = Default::default();
        for meta in segments {
            match self.level_of(meta) {
                Some(DocKind::Item) => by_level[0].push(meta.clone()),
                Some(DocKind::Resolution) => by_level[1].push(meta.clone()),
                None => {}
            }
        }
        by_level
            .iter()
            .flat_map(|level| self.inner.compute_merge_candidates(level))
            .collect()
    }
}

impl fmt::Debug for LevelMergePolicy {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("LevelMergePolicy")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}
