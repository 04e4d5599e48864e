//! The one collector of a search's main pass: the total, the page of hits, the facet counts
//! and the distinct count, with the checks that need no postings done per document.
//!
//! As query clauses, leaving out the resolution documents (an exclusion scorer seeking
//! through 100,000 postings), the boost of the query's topic (an optional scorer) and a facet
//! filter cost more than the text itself on a common word; here they are a bit and a table
//! lookup a document. A facet filter applied here also lets the pass count that facet's own
//! values over the matches without its filter, which otherwise takes a pass of its own.
//! One collector instead of a tuple of four also saves a dynamic call per collector a
//! document.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::facet_tables::{FacetTable, SegmentCounts, SegmentValues, ValueCounts};
use super::ranking::{Ranking, RankingSegment, SortKey};
use super::{DistinctGroups, DistinctGroupsSegment, FacetField};

/// See the module documentation.
pub(crate) struct MainPass<'a> {
    /// Orders the hits and keeps the page.
    pub ranking: Ranking,
    /// The facets counted by this pass, by [`FacetField`] discriminant.
    pub facets: [Option<&'a FacetTable>; 3],
    /// Per segment, a bit for each resolution document: those are passed over.
    pub skip: Option<&'a [Arc<[u64]>]>,
    /// A facet filter checked here instead of in the query.
    pub filter: Option<FacetFilter<'a>>,
    /// A score added to hits on a topic.
    pub topic_boost: Option<TopicBoost<'a>>,
    /// Counts the hits with each group of recurring items once.
    pub distinct: Option<DistinctGroups<'a>>,
}

/// A facet filter: the documents with one of the accepted values pass.
pub(crate) struct FacetFilter<'a> {
    pub facet: FacetField,
    pub table: &'a FacetTable,
    /// Indexed by value id.
    pub accepted: Arc<[bool]>,
}

/// A score added to the documents with a value of the topic facet.
pub(crate) struct TopicBoost<'a> {
    pub table: &'a FacetTable,
    pub topic: u16,
    pub boost: Score,
}

/// What [`MainPass`] collects.
pub(crate) struct MainPassFruit {
    /// Documents that passed every check.
    pub total: usize,
    pub ranked: Vec<(SortKey, DocAddress)>,
    /// By [`FacetField`] discriminant, for the facets counted.
    pub facets: [Option<ValueCounts>; 3],
    pub distinct: Option<usize>,
}

/// A [`FacetFilter`] over one segment: (facet discriminant, values, accepted value ids).
type SegmentFilter = (usize, Option<Arc<SegmentValues>>, Arc<[bool]>);

/// [`MainPass`] over one segment.
pub(crate) struct MainPassSegment {
    ranking: RankingSegment,
    counts: [Option<SegmentCounts>; 3],
    skip: Option<Arc<[u64]>>,
    filter: Option<SegmentFilter>,
    topic_boost: Option<(Arc<SegmentValues>, u16, Score)>,
    distinct: Option<DistinctGroupsSegment>,
    total: usize,
}

impl Collector for MainPass<'_> {
    type Fruit = MainPassFruit;
    type Child = MainPassSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<MainPassSegment> {
        Ok(MainPassSegment {
            ranking: self.ranking.for_segment(segment, reader)?,
            counts: self
                .facets
                .map(|table| table.map(|table| SegmentCounts::new(table, segment))),
            skip: self
                .skip
                .map(|skip| skip.get(segment as usize).cloned().unwrap_or_default()),
            filter: self.filter.as_ref().map(|filter| {
                (
                    filter.facet as usize,
                    filter.table.segment(segment),
                    Arc::clone(&filter.accepted),
                )
            }),
            topic_boost: self
                .topic_boost
                .as_ref()
                .and_then(|topic| Some((topic.table.segment(segment)?, topic.topic, topic.boost))),
            distinct: self
                .distinct
                .as_ref()
                .map(|distinct| distinct.for_segment(segment, reader))
                .transpose()?,
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<MainPassSegmentFruit>) -> tantivy::Result<MainPassFruit> {
        let mut total = 0;
        let mut ranked = Vec::with_capacity(fruits.len());
        let mut counts: [Vec<Vec<u64>>; 3] = Default::default();
        let mut distinct = Vec::with_capacity(fruits.len());
        for fruit in fruits {
            total += fruit.total;
            ranked.push(fruit.ranked);
            for (all, segment) in counts.iter_mut().zip(fruit.counts) {
                all.extend(segment);
            }
            distinct.extend(fruit.distinct);
        }
        let mut facets: [Option<ValueCounts>; 3] = Default::default();
        for ((facet, table), segments) in facets.iter_mut().zip(self.facets).zip(counts) {
            *facet = table.map(|table| table.merged_counts(segments));
        }
        Ok(MainPassFruit {
            total,
            ranked: self.ranking.merge_fruits(ranked)?,
            facets,
            distinct: match &self.distinct {
                Some(collector) => Some(collector.merge_fruits(distinct)?),
                None => None,
            },
        })
    }
}

/// What [`MainPassSegment`] collects.
pub(crate) struct MainPassSegmentFruit {
    total: usize,
    ranked: Vec<(SortKey, DocAddress)>,
    counts: [Option<Vec<u64>>; 3],
    distinct: Option<(Vec<u64>, usize)>,
}

impl SegmentCollector for MainPassSegment {
    type Fruit = MainPassSegmentFruit;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(skip) = &self.skip
            && skip
                .get(doc as usize / 64)
                .is_some_and(|word| word & (1 << (doc % 64)) != 0)
        {
            return;
        }
        let mut filtered = None;
        if let Some((facet, values, accepted)) = &self.filter {
            let ids = values.as_deref().map_or(&[][..], |values| values.ids(doc));
            // The filter's own facet is counted over the matches without the filter.
            if let Some(counts) = &mut self.counts[*facet] {
                counts.add_ids(ids);
            }
            let passes = ids
                .iter()
                .any(|id| accepted.get(usize::from(*id)).copied().unwrap_or(false));
            if !passes {
                return;
            }
            filtered = Some(*facet);
        }
        self.total += 1;
        let score = match &self.topic_boost {
            Some((values, topic, boost)) if values.ids(doc).contains(topic) => score + boost,
            _ => score,
        };
        self.ranking.collect(doc, score);
        for (facet, counts) in self.counts.iter_mut().enumerate() {
            if let Some(counts) = counts
                && filtered != Some(facet)
            {
                counts.add(doc);
            }
        }
        if let Some(distinct) = &mut self.distinct {
            distinct.collect(doc, score);
        }
    }

    fn harvest(self) -> MainPassSegmentFruit {
        MainPassSegmentFruit {
            total: self.total,
            ranked: self.ranking.harvest(),
            counts: self
                .counts
                .map(|counts| counts.map(SegmentCounts::into_counts)),
            distinct: self.distinct.map(SegmentCollector::harvest),
        }
    }
}
