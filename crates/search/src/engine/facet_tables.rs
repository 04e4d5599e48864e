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
enum SegmentValues {
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

pub(crate) struct FacetCounterSegment {
    values: Option<Arc<SegmentValues>>,
    counts: Vec<u64>,
}

impl Collector for FacetCounter {
    type Fruit = ValueCounts;
    type Child = FacetCounterSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<FacetCounterSegment> {
        Ok(FacetCounterSegment {
            values: self.table.segments.get(segment as usize).cloned(),
            counts: vec![0; self.table.names.len()],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u64>>) -> tantivy::Result<Self::Fruit> {
        let mut counts = vec![0u64; self.table.names.len()];
        for fruit in fruits {
            for (total, count) in counts.iter_mut().zip(fruit) {
                *total += count;
            }
        }
        Ok(self
            .table
            .names
            .iter()
            .zip(counts)
            .filter(|(_, count)| *count > 0)
            .map(|(name, count)| (name.clone(), count))
            .collect())
    }
}

impl SegmentCollector for FacetCounterSegment {
    type Fruit = Vec<u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        match self.values.as_deref() {
            Some(SegmentValues::Single(ids)) => {
                if let Some(&id) = ids.get(doc as usize)
                    && id != NONE
                {
                    self.counts[usize::from(id)] += 1;
                }
            }
            Some(SegmentValues::Multi { offsets, values }) => {
                let doc = doc as usize;
                if let (Some(&start), Some(&end)) = (offsets.get(doc), offsets.get(doc + 1)) {
                    for &id in &values[start as usize..end as usize] {
                        self.counts[usize::from(id)] += 1;
                    }
                }
            }
            None => {}
        }
    }

    fn harvest(self) -> Vec<u64> {
        self.counts
    }
}
