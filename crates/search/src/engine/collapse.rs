//! Collapsing recurring recommendations: each group of an item counted once, and shown once by
//! its best-ranked hit.

use std::sync::Arc;

use edusearch_indexer::NO_GROUP;
use tantivy::collector::Collector;
use tantivy::query::Query;
use tantivy::{DocAddress, Searcher, SegmentReader};

use super::{Engine, ranked_scores};
use crate::SearchError;
use crate::api::SearchRequest;

impl Engine {
    /// The group of recurring recommendations a document belongs to.
    pub(super) fn group_of(&self, address: DocAddress) -> Option<u32> {
        let group = *self
            .doc_groups
            .get(address.segment_ord as usize)?
            .get(address.doc_id as usize)?;
        (group != NO_GROUP).then_some(group)
    }

    /// The page of hits with each group shown once, by its best-ranked hit. `ranked` is the
    /// first `window` hits; when they hold too few groups for the page, a wider window is read.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn collapse_groups(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        mut ranked: Vec<(f32, DocAddress)>,
        mut window: usize,
        total: usize,
        request: &SearchRequest,
        offset: usize,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        let wanted = offset + request.per_page;
        loop {
            let mut seen = std::collections::HashSet::new();
            let firsts: Vec<(f32, DocAddress)> = ranked
                .iter()
                .copied()
                .filter(|(_, address)| self.group_of(*address).is_none_or(|g| seen.insert(g)))
                .collect();
            if firsts.len() >= wanted || ranked.len() >= total || window >= total {
                return Ok(firsts
                    .into_iter()
                    .skip(offset)
                    .take(request.per_page)
                    .collect());
            }
            window = (window * 4).min(total);
            let collector = self.ranking(window, 0, request.sort);
            ranked = ranked_scores(self.collect(searcher, query, &collector)?, request.sort);
        }
    }
}

/// Hits read per page slot when groups are collapsed (most groups then fit in one pass).
pub(super) const COLLAPSE_OVERFETCH: usize = 8;

/// Counts the hits with each group counted once.
pub(super) struct DistinctGroups<'a> {
    pub(super) doc_groups: &'a [Arc<[u32]>],
    pub(super) groups: usize,
}

/// [`DistinctGroups`] over one segment.
pub(super) struct DistinctGroupsSegment {
    pub(super) doc_groups: Arc<[u32]>,
    pub(super) seen: Vec<u64>,
    pub(super) ungrouped: usize,
}

impl Collector for DistinctGroups<'_> {
    type Fruit = usize;
    type Child = DistinctGroupsSegment;

    fn for_segment(
        &self,
        segment_ord: u32,
        _segment: &SegmentReader,
    ) -> tantivy::Result<DistinctGroupsSegment> {
        Ok(DistinctGroupsSegment {
            doc_groups: self
                .doc_groups
                .get(segment_ord as usize)
                .cloned()
                .unwrap_or_else(|| Arc::from(Vec::new())),
            seen: vec![0; self.groups.div_ceil(64)],
            ungrouped: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<u64>, usize)>) -> tantivy::Result<usize> {
        let mut seen = vec![0u64; self.groups.div_ceil(64)];
        let mut ungrouped = 0;
        for (segment_seen, segment_ungrouped) in fruits {
            for (all, segment) in seen.iter_mut().zip(segment_seen) {
                *all |= segment;
            }
            ungrouped += segment_ungrouped;
        }
        let grouped: u32 = seen.iter().map(|word| word.count_ones()).sum();
        Ok(ungrouped + grouped as usize)
    }
}

impl tantivy::collector::SegmentCollector for DistinctGroupsSegment {
    type Fruit = (Vec<u64>, usize);

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        match self.doc_groups.get(doc as usize) {
            Some(&group) if group != NO_GROUP => {
                self.seen[group as usize / 64] |= 1 << (group % 64);
            }
            _ => self.ungrouped += 1,
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.seen, self.ungrouped)
    }
}
