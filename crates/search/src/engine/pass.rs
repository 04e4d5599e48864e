//! The one collector of a search's main pass: the total, the page of hits, the facet counts
//! and the distinct count, with the checks that need no postings done per document.
//!
//! As query clauses, leaving out the resolution documents (an exclusion scorer seeking
//! through 100,000 postings), the boost of the query's topic (an optional scorer) and a facet
//! filter cost more than the text itself on a common word; here they are a bit and a table
//! lookup a document. A facet filter applied here also lets the pass count that facet's own
//! values over the matches without its filter, which otherwise takes a pass of its own.
//! One collector instead of a tuple of four also saves a dynamic call per collector a
//! document. When the engine has packed words ([`super::packed`]), the checks and counts read
//! those instead of the tables.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

use super::FacetField;
use super::collapse::{DistinctGroups, DistinctGroupsSegment};
use super::facet_tables::{FacetTable, SegmentCounts, SegmentValues, ValueCounts};
use super::packed::{PackedCounter, PackedFacts, PackedTest, RESOLUTION_BIT, WIDE_SHIFT};
use super::ranking::{Ranking, RankingSegment, SortKey};

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
    /// The packed words of the same facts as `facets`, `skip`, `filter` and `topic_boost`
    /// (read instead of those when present).
    pub packed: Option<&'a PackedFacts>,
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
    checks: Checks,
    distinct: Option<DistinctGroupsSegment>,
    total: usize,
}

/// How a segment's documents are checked and counted: from packed words when the engine
/// has them, from the facet tables otherwise. One a segment and read for every document, so
/// the larger variant stays inline.
#[allow(clippy::large_enum_variant)]
enum Checks {
    Packed(PackedChecks),
    Tables(TableChecks),
}

/// The checks and counts of one segment from its packed words.
struct PackedChecks {
    narrow: Arc<[u16]>,
    wide: Arc<[u32]>,
    /// [`RESOLUTION_BIT`] when resolution documents are passed over, else 0.
    skip: u64,
    /// By facet discriminant, the counters of the facets counted.
    counts: [Option<PackedCounter>; 3],
    /// The facet filter: (facet discriminant, test).
    filter: Option<(usize, PackedTest)>,
    boost: Option<(PackedTest, Score)>,
    /// The filter reads or counts a field of the wide word.
    wide_for_filter: bool,
    /// A count or the boost reads a field of the wide word.
    wide_after_filter: bool,
}

/// The checks and counts of one segment from the facet tables.
struct TableChecks {
    counts: [Option<SegmentCounts>; 3],
    skip: Option<Arc<[u64]>>,
    filter: Option<SegmentFilter>,
    topic_boost: Option<(Arc<SegmentValues>, u16, Score)>,
}

impl Checks {
    /// The topic boost the document gets (0 without), or `None` when it is passed over.
    #[inline(always)]
    fn check(&mut self, doc: DocId) -> Option<Score> {
        match self {
            Checks::Packed(checks) => checks.check(doc),
            Checks::Tables(checks) => checks.check(doc),
        }
    }
}

impl PackedChecks {
    /// The topic boost the document gets (0 without), or `None` when it is passed over.
    #[inline(always)]
    fn check(&mut self, doc: DocId) -> Option<Score> {
        let doc = doc as usize;
        let mut word = u64::from(self.narrow.get(doc).copied().unwrap_or(0));
        if word & self.skip != 0 {
            return None;
        }
        let wide =
            |word: u64| word | u64::from(self.wide.get(doc).copied().unwrap_or(0)) << WIDE_SHIFT;
        // The wide word is read only when needed: most documents fail a year or region filter
        // on the narrow word alone.
        if self.wide_for_filter {
            word = wide(word);
        }
        let mut filtered = usize::MAX;
        if let Some((facet, test)) = &self.filter {
            // The filter's own facet is counted over the matches without the filter.
            if let Some(counter) = &mut self.counts[*facet] {
                counter.add(word);
            }
            if !test.accepts(word) {
                return None;
            }
            filtered = *facet;
        }
        if self.wide_after_filter && !self.wide_for_filter {
            word = wide(word);
        }
        for (facet, counter) in self.counts.iter_mut().enumerate() {
            if facet != filtered
                && let Some(counter) = counter
            {
                counter.add(word);
            }
        }
        Some(match &self.boost {
            Some((test, boost)) if test.accepts(word) => *boost,
            _ => 0.0,
        })
    }

    fn into_counts(self) -> [Option<Vec<u64>>; 3] {
        self.counts
            .map(|counter| counter.map(PackedCounter::into_counts))
    }
}

impl TableChecks {
    /// The topic boost the document gets (0 without), or `None` when it is passed over.
    #[inline(always)]
    fn check(&mut self, doc: DocId) -> Option<Score> {
        if let Some(skip) = &self.skip
            && super::has_bit(skip, doc)
        {
            return None;
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
                return None;
            }
            filtered = Some(*facet);
        }
        for (facet, counts) in self.counts.iter_mut().enumerate() {
            if let Some(counts) = counts
                && filtered != Some(facet)
            {
                counts.add(doc);
            }
        }
        Some(match &self.topic_boost {
            Some((values, topic, boost)) if values.ids(doc).contains(topic) => *boost,
            _ => 0.0,
        })
    }
}

impl MainPass<'_> {
    fn packed_checks(&self, packed: &PackedFacts, segment: SegmentOrdinal) -> PackedChecks {
        let fields = packed.fields;
        let mut facet = 0;
        let counts = self.facets.map(|table| {
            let field = fields[facet];
            facet += 1;
            table.map(|_| PackedCounter::new(field))
        });
        let topic = &fields[FacetField::Topic as usize];
        let filter = self.filter.as_ref().map(|filter| {
            let facet = filter.facet as usize;
            (facet, fields[facet].test(&filter.accepted))
        });
        let boost = self.topic_boost.as_ref().map(|boost| {
            let mut accepted = vec![false; boost.table.len()];
            if let Some(topic) = accepted.get_mut(usize::from(boost.topic)) {
                *topic = true;
            }
            (topic.test(&accepted), boost.boost)
        });
        let wide_for_filter = self
            .filter
            .as_ref()
            .is_some_and(|filter| fields[filter.facet as usize].is_wide());
        let wide_after_filter = boost.is_some() && topic.is_wide()
            || fields
                .iter()
                .zip(&counts)
                .any(|(field, counter)| counter.is_some() && field.is_wide());
        let segment = segment as usize;
        PackedChecks {
            narrow: packed
                .narrow
                .get(segment)
                .cloned()
                .unwrap_or_else(|| Arc::from(Vec::new())),
            wide: packed
                .wide
                .get(segment)
                .cloned()
                .unwrap_or_else(|| Arc::from(Vec::new())),
            skip: if self.skip.is_some() {
                RESOLUTION_BIT
            } else {
                0
            },
            counts,
            filter,
            boost,
            wide_for_filter,
            wide_after_filter,
        }
    }

    fn table_checks(&self, segment: SegmentOrdinal) -> TableChecks {
        TableChecks {
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
        }
    }
}

impl Collector for MainPass<'_> {
    type Fruit = MainPassFruit;
    type Child = MainPassSegment;

    /// With a facet filter, walks the scorer itself and asks for a document's score only once
    /// it passed the checks: most matches are counted in the filter's facet and passed over,
    /// and scoring them cost a tenth of a two-word search. Without one, the weight's own loop.
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<MainPassSegmentFruit> {
        let mut collector = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        if self.filter.is_none() {
            match alive {
                Some(alive) => weight.for_each(reader, &mut |doc, score| {
                    if alive.is_alive(doc) {
                        collector.collect(doc, score);
                    }
                })?,
                None => weight.for_each(reader, &mut |doc, score| collector.collect(doc, score))?,
            }
            return Ok(collector.harvest());
        }
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|alive| alive.is_alive(doc))
                && let Some(boost) = collector.checks.check(doc)
            {
                collector.accept(doc, scorer.score() + boost);
            }
            doc = scorer.advance();
        }
        Ok(collector.harvest())
    }

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<MainPassSegment> {
        let checks = match self.packed {
            Some(packed) => Checks::Packed(self.packed_checks(packed, segment)),
            None => Checks::Tables(self.table_checks(segment)),
        };
        Ok(MainPassSegment {
            ranking: self.ranking.for_segment(segment, reader)?,
            checks,
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

impl MainPassSegment {
    /// Counts and ranks a document that passed the checks.
    #[inline]
    fn accept(&mut self, doc: DocId, score: Score) {
        self.total += 1;
        self.ranking.collect(doc, score);
        if let Some(distinct) = &mut self.distinct {
            distinct.collect(doc, score);
        }
    }
}

impl SegmentCollector for MainPassSegment {
    type Fruit = MainPassSegmentFruit;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(boost) = self.checks.check(doc) {
            self.accept(doc, score + boost);
        }
    }

    fn harvest(self) -> MainPassSegmentFruit {
        MainPassSegmentFruit {
            total: self.total,
            ranked: self.ranking.harvest(),
            counts: match self.checks {
                Checks::Packed(checks) => checks.into_counts(),
                Checks::Tables(checks) => checks
                    .counts
                    .map(|counts| counts.map(SegmentCounts::into_counts)),
            },
            distinct: self.distinct.map(SegmentCollector::harvest),
        }
    }
}
