//! A query limited to the document ids of one level in each segment.
//!
//! The build writes every segment with its item documents first and its resolution documents
//! after them (`level_order`, see `edusearch_indexer::schema::index_settings`). A common word is in almost every resolution
//! body, so a third of the documents its unions visited were resolution documents, passed
//! over only after their postings in seven fields were read and merged. Limited to the items'
//! range, the query's scorer stops at the first resolution document and never reads the rest
//! of its postings; a search of resolutions seeks past the items instead.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// Per segment, the range of document ids of one level.
pub(crate) type LevelRanges = Arc<HashMap<SegmentId, Range<DocId>>>;

/// `inner`, matching only documents within its segment's range (segments without a range are
/// searched whole).
pub(crate) struct LevelRange {
    pub inner: Box<dyn Query>,
    pub ranges: LevelRanges,
}

impl Clone for LevelRange {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.box_clone(),
            ranges: Arc::clone(&self.ranges),
        }
    }
}

impl fmt::Debug for LevelRange {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("LevelRange")
            .field("inner", &self.inner)
            .field("segments", &self.ranges.len())
            .finish()
    }
}

impl Query for LevelRange {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(LevelRangeWeight {
            inner: self.inner.weight(scoring)?,
            ranges: Arc::clone(&self.ranges),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct LevelRangeWeight {
    inner: Box<dyn Weight>,
    ranges: LevelRanges,
}

impl Weight for LevelRangeWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        Ok(match self.ranges.get(&reader.segment_id()) {
            Some(range) => Box::new(RangeScorer::new(inner, range.clone())),
            None => inner,
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if let Some(range) = self.ranges.get(&reader.segment_id())
            && !range.contains(&doc)
        {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} is not of the level searched"
            )));
        }
        self.inner.explain(reader, doc)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        let Some(range) = self.ranges.get(&reader.segment_id()) else {
            return self.inner.for_each(reader, callback);
        };
        let mut scorer = self.inner.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        if doc < range.start {
            doc = scorer.seek(range.start);
        }
        while doc < range.end {
            callback(doc, scorer.score());
            doc = scorer.advance();
        }
        Ok(())
    }
}

/// A scorer ending at the end of a range and starting at its start.
struct RangeScorer {
    inner: Box<dyn Scorer>,
    end: DocId,
    doc: DocId,
}

impl RangeScorer {
    fn new(mut inner: Box<dyn Scorer>, range: Range<DocId>) -> Self {
        let mut doc = inner.doc();
        if doc < range.start {
            doc = inner.seek(range.start);
        }
        let mut scorer = Self {
            inner,
            end: range.end,
            doc,
        };
        scorer.doc = scorer.within(doc);
        scorer
    }

    fn within(&self, doc: DocId) -> DocId {
        if doc < self.end { doc } else { TERMINATED }
    }
}

impl DocSet for RangeScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            let next = self.inner.advance();
            self.doc = self.within(next);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc != TERMINATED {
            self.doc = if target >= self.end {
                TERMINATED
            } else {
                let next = self.inner.seek(target);
                self.within(next)
            };
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for RangeScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}
