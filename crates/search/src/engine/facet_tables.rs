//! Facet values of every document, read once when a generation is opened, so that counting
//! facets over 100,000s of matches is an array lookup a document.
//!
//! tantivy's `FacetCollector` reads each matching document's facet ordinals from the columnar
//! store and maps them to the requested level on every search; on a common word that was a
//! fifth of the search. The tables hold, per segment, the value id (a region, a year, a topic)
//! of every document.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::schema::Facet;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// No value.
const NONE: u16 = u16::MAX;

/// A facet's values with their counts (values with none left out).
pub(crate) type ValueCounts = Vec<(String, u64)>;

/// The values of one facet field (e.g. `/region/…`) for every document of a searcher.
#[derive(Debug, Default)]
pub(crate) struct FacetTable {
    /// Value names by id (the last part of the facet path).
    names: Vec<String>,
    /// By segment, in the searcher's order.
    segments: Vec<Arc<SegmentValues>>,
}

/// The value ids of a segment's documents.
#[derive(Debug)]
pub(crate) enum SegmentValues {
    /// At most one value a document (`NONE` for none).
    Single(Vec<u16>),
    /// Any number: the values of document `d` are `values[offsets[d]..offsets[d + 1]]`.
    Multi { offsets: Vec<u32>, values: Vec<u16> },
}

impl FacetTable {
    /// Reads the values under `root` (one level below it) of the facet field `field`.
    pub(crate) fn build(searcher: &Searcher, field: &str, root: &str) -> tantivy::Result<Self> {
        let root = Facet::from(root);
        let mut ids: HashMap<String, u16> = HashMap::new();
        let mut names: Vec<String> = Vec::new();
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let reader = segment.facet_reader(field)?;
            // Segment ordinal → value id.
            let mut by_ord = Vec::with_capacity(reader.num_facets());
            let mut facet = Facet::root();
            for ord in 0..reader.num_facets() as u64 {
                reader.facet_from_ord(ord, &mut facet)?;
                let id = match facet.to_path().as_slice() {
                    [top, name] if root.to_path().first() == Some(top) => {
                        let next = u16::try_from(names.len()).unwrap_or(NONE);
                        *ids.entry((*name).to_string()).or_insert_with(|| {
                            names.push((*name).to_string());
                            next
                        })
                    }
                    _ => NONE,
                };
                by_ord.push(id);
            }
            let mut offsets = Vec::with_capacity(segment.max_doc() as usize + 1);
            let mut values = Vec::new();
            let mut single = true;
            offsets.push(0u32);
            for doc in 0..segment.max_doc() {
                let start = values.len();
                values.extend(
                    reader
                        .facet_ords(doc)
                        .map(|ord| by_ord[ord as usize])
                        .filter(|id| *id != NONE),
                );
                // A value counts once a document, however often it was added.
                values[start..].sort_unstable();
                let distinct = start + dedup_len(&mut values[start..]);
                values.truncate(distinct);
                single &= values.len() - start <= 1;
                offsets.push(u32::try_from(values.len()).unwrap_or(u32::MAX));
            }
            let table = if single {
                let mut one = vec![NONE; segment.max_doc() as usize];
                for (doc, bounds) in offsets.windows(2).enumerate() {
                    if bounds[1] > bounds[0] {
                        one[doc] = values[bounds[0] as usize];
                    }
                }
                SegmentValues::Single(one)
            } else {
                SegmentValues::Multi { offsets, values }
            };
            segments.push(Arc::new(table));
        }
        Ok(Self { names, segments })
    }

    /// The values of one segment's documents.
    pub(crate) fn segment(&self, segment: SegmentOrdinal) -> Option<Arc<SegmentValues>> {
        self.segments.get(segment as usize).cloned()
    }

    /// The values of every segment's documents, in the searcher's order.
    pub(crate) fn segments(&self) -> &[Arc<SegmentValues>] {
        &self.segments
    }

    /// A table of these value names and segments.
    #[cfg(test)]
    pub(crate) fn from_parts(names: Vec<String>, segments: Vec<SegmentValues>) -> Self {
        Self {
            names,
            segments: segments.into_iter().map(Arc::new).collect(),
        }
    }

    /// The number of distinct values (ids run from 0 to this).
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// Which value ids a predicate on the value names accepts (indexed by id).
    pub(crate) fn accepting(&self, accept: impl Fn(&str) -> bool) -> Arc<[bool]> {
        self.names.iter().map(|name| accept(name)).collect()
    }

    /// The id of a value.
    pub(crate) fn id_of(&self, name: &str) -> Option<u16> {
        let index = self.names.iter().position(|known| known == name)?;
        u16::try_from(index).ok()
    }

    /// The sum of segments' counts by value id, as (name, count) for the values counted.
    pub(crate) fn merged_counts(
        &self,
        segments: impl IntoIterator<Item = Vec<u64>>,
    ) -> ValueCounts {
        let mut counts = vec![0u64; self.names.len()];
        for segment in segments {
            for (total, count) in counts.iter_mut().zip(segment) {
                *total += count;
            }
        }
        self.names
            .iter()
            .zip(counts)
            .filter(|(_, count)| *count > 0)
            .map(|(name, count)| (name.clone(), count))
            .collect()
    }

    /// The collector counting each value over the matching documents.
    pub(crate) fn counter(self: &Arc<Self>) -> FacetCounter {
        FacetCounter {
            table: Arc::clone(self),
        }
    }
}

/// Moves the distinct values of a sorted slice to its front; returns how many there are.
fn dedup_len(sorted: &mut [u16]) -> usize {
    let mut kept = 0;
    for index in 0..sorted.len() {
        if index == 0 || sorted[index] != sorted[kept - 1] {
            sorted[kept] = sorted[index];
            kept += 1;
        }
    }
    kept
}

/// Counts the values of one facet over the matches; its fruit is (value, count) for the values
/// with a count.
pub(crate) struct FacetCounter {
    table: Arc<FacetTable>,
}

impl Collector for FacetCounter {
    type Fruit = ValueCounts;
    type Child = SegmentCounts;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounts> {
        Ok(SegmentCounts::new(&self.table, segment))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u64>>) -> tantivy::Result<Self::Fruit> {
        Ok(self.table.merged_counts(fruits))
    }
}

impl SegmentValues {
    /// The number of documents of the segment.
    pub(crate) fn docs(&self) -> usize {
        match self {
            SegmentValues::Single(ids) => ids.len(),
            SegmentValues::Multi { offsets, .. } => offsets.len().saturating_sub(1),
        }
    }

    /// The value ids of a document (none, one, or for topics several).
    #[inline]
    pub(crate) fn ids(&self, doc: DocId) -> &[u16] {
        let doc = doc as usize;
        match self {
            SegmentValues::Single(ids) => match ids.get(doc) {
                Some(id) if *id != NONE => std::slice::from_ref(id),
                _ => &[],
            },
            SegmentValues::Multi { offsets, values } => {
                match (offsets.get(doc), offsets.get(doc + 1)) {
                    (Some(&start), Some(&end)) => &values[start as usize..end as usize],
                    _ => &[],
                }
            }
        }
    }
}

/// Counts of one segment's values, by id.
#[derive(Debug)]
pub(crate) struct SegmentCounts {
    values: Option<Arc<SegmentValues>>,
    counts: Vec<u64>,
}

impl SegmentCounts {
    /// Counts of a table's values in one segment, all zero.
    pub(crate) fn new(table: &FacetTable, segment: SegmentOrdinal) -> Self {
        Self {
            values: table.segment(segment),
            counts: vec![0; table.len()],
        }
    }

    /// Counts a document's values.
    #[inline]
    pub(crate) fn add(&mut self, doc: DocId) {
        if let Some(values) = self.values.as_deref() {
            for &id in values.ids(doc) {
                self.counts[usize::from(id)] += 1;
            }
        }
    }

    /// Counts value ids already read from this segment's values.
    #[inline]
    pub(crate) fn add_ids(&mut self, ids: &[u16]) {
        for &id in ids {
            self.counts[usize::from(id)] += 1;
        }
    }

    /// The counts by value id.
    pub(crate) fn into_counts(self) -> Vec<u64> {
        self.counts
    }
}

impl SegmentCollector for SegmentCounts {
    type Fruit = Vec<u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.add(doc);
    }

    fn harvest(self) -> Vec<u64> {
        self.into_counts()
    }
}
