//! The collector of the page of hits: the best `offset + limit` documents by a sort key of
//! (relevance, recency, item order) or (recency, relevance, item order).
//!
//! tantivy's `TopDocs::tweak_score` computes the whole key of every matching document, which
//! reads two fast fields per document. Here a document whose first component (its score, free
//! for relevance order) cannot enter the kept set is dropped before anything is read: on a
//! common word most of the 100,000s of matches are.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};

use tantivy::columnar::ColumnValues;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::api::Sort;

/// A hit's sort key: (first, second, item order), larger first.
pub(crate) type SortKey = (f64, f64, i64);

/// See the module documentation.
pub(crate) struct Ranking {
    pub limit: usize,
    pub offset: usize,
    pub sort: Sort,
    /// The columns of the searcher's segments, in its order (opened once per engine).
    pub columns: Arc<[RankColumns]>,
}

/// The fast fields of one segment a ranking reads: opening them costs more than ranking the
/// few hits of a selective search, so the engine opens them once.
#[derive(Clone)]
pub(crate) struct RankColumns {
    dates: Option<Arc<dyn ColumnValues<i64>>>,
    positions: Option<Arc<dyn ColumnValues<u64>>>,
}

impl RankColumns {
    /// The columns of a segment.
    pub(crate) fn open(reader: &SegmentReader) -> Self {
        let fast = reader.fast_fields();
        RankColumns {
            dates: fast
                .i64(edusearch_indexer::fields::DATE_ORD)
                .ok()
                .map(|column| column.first_or_default_col(0)),
            positions: fast
                .u64(edusearch_indexer::fields::ITEM_POSITION)
                .ok()
                .map(|column| column.first_or_default_col(0)),
        }
    }
}

pub(crate) struct RankingSegment {
    kept: usize,
    by_date: bool,
    segment: SegmentOrdinal,
    dates: Option<Arc<dyn ColumnValues<i64>>>,
    positions: Option<Arc<dyn ColumnValues<u64>>>,
    /// The kept hits, worst on top.
    heap: BinaryHeap<Entry>,
    /// In relevance order, the score a hit must reach to be looked at: the worst kept
    /// score once the heap is full (checked inline; most matches stop here).
    floor: f64,
}

/// A kept hit; ordered so that the heap's top is the one to drop first (the smallest key,
/// and among equal keys the later document, as the merged order puts earlier ones first).
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: SortKey,
    doc: DocId,
}

fn compare_keys(left: &SortKey, right: &SortKey) -> Ordering {
    left.0
        .total_cmp(&right.0)
        .then(left.1.total_cmp(&right.1))
        .then(left.2.cmp(&right.2))
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: the heap is a max-heap and its top must be the worst hit.
        compare_keys(&other.key, &self.key).then(self.doc.cmp(&other.doc))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl Collector for Ranking {
    type Fruit = Vec<(SortKey, DocAddress)>;
    type Child = RankingSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<RankingSegment> {
        let RankColumns { dates, positions } = match self.columns.get(segment as usize) {
            Some(columns) => columns.clone(),
            None => RankColumns::open(reader),
        };
        Ok(RankingSegment {
            kept: self.limit + self.offset,
            by_date: self.sort == Sort::Date,
            segment,
            dates,
            positions,
            heap: BinaryHeap::new(),
            floor: if self.limit + self.offset == 0 {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(SortKey, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_by(|(left_key, left_doc), (right_key, right_doc)| {
            compare_keys(right_key, left_key).then(left_doc.cmp(right_doc))
        });
        Ok(all.into_iter().skip(self.offset).take(self.limit).collect())
    }
}

impl RankingSegment {
    fn date(&self, doc: DocId) -> f64 {
        self.dates.as_ref().map_or(0, |column| column.get_val(doc)) as f64
    }

    fn order(&self, doc: DocId) -> i64 {
        // Earlier items of one resolution first: negate the position.
        -(self
            .positions
            .as_ref()
            .map_or(0, |column| column.get_val(doc)) as i64)
    }
}

impl SegmentCollector for RankingSegment {
    type Fruit = Vec<(SortKey, DocAddress)>;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        if !self.by_date && f64::from(score) < self.floor {
            return;
        }
        self.offer(doc, score);
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.heap
            .into_iter()
            .map(|entry| (entry.key, DocAddress::new(segment, entry.doc)))
            .collect()
    }
}

impl RankingSegment {
    /// Keeps the hit if it ranks among the best so far.
    #[inline(never)]
    fn offer(&mut self, doc: DocId, score: Score) {
        if self.kept == 0 {
            return;
        }
        let score = f64::from(score);
        let first = if self.by_date { self.date(doc) } else { score };
        if self.heap.len() == self.kept
            && let Some(worst) = self.heap.peek()
            && first < worst.key.0
        {
            return;
        }
        let key = if self.by_date {
            (first, score, self.order(doc))
        } else {
            (score, self.date(doc), self.order(doc))
        };
        let entry = Entry { key, doc };
        if self.heap.len() < self.kept {
            self.heap.push(entry);
        } else if let Some(mut worst) = self.heap.peek_mut()
            && entry < *worst
        {
            *worst = entry;
        }
        if !self.by_date
            && self.heap.len() == self.kept
            && let Some(worst) = self.heap.peek()
        {
            self.floor = worst.key.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heap_drops_the_worst_hit_first() {
        let mut heap = BinaryHeap::new();
        for (score, doc) in [(1.0, 3), (3.0, 1), (2.0, 2), (3.0, 0)] {
            heap.push(Entry {
                key: (score, 0.0, 0),
                doc,
            });
        }
        let order: Vec<(f64, DocId)> = std::iter::from_fn(|| heap.pop())
            .map(|entry| (entry.key.0, entry.doc))
            .collect();
        // Worst first: the lowest score; among equal scores the later document.
        assert_eq!(order, [(1.0, 3), (2.0, 2), (3.0, 1), (3.0, 0)]);
    }
}
