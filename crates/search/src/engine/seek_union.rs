//! A union of term queries that seeks instead of buffering, for a word required beside
//! other words.
//!
//! A word of an all-words query is a union of its terms in the weighted fields, and the
//! words are intersected. tantivy's union buffers the next 4,096 documents of every term
//! and, asked to jump past them, clears and refills the whole buffer; in an intersection
//! it is asked to jump at every candidate, so a frequent word (say «педагогов», in 40 % of
//! the items) costs a full pass over its postings whichever word drives. This union moves
//! each term to the candidate with the postings' skip list and scores only the documents
//! the intersection keeps: at 100,000 resolutions «наставничество педагогов» costs less
//! than half as many instructions.
//!
//! The score of a document is the sum of its terms' scores in clause order, as tantivy's
//! union sums them, so results and their order do not change.
//!
//! An intersection asks its other words whether they hold each candidate (tantivy's
//! `seek_danger`). While few of the documents found are scored (a facet filter passes over
//! the others), the union looks term by term, the densest first, stops at the first that
//! holds the candidate, and moves the others only for a score.

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, BooleanQuery, BoostQuery, EnableScoring, Explanation,
    Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, TantivyError, Term,
};

use super::block_cursor::BlockCursor;
use super::dense_words::{DenseWords, DocBits};

/// The union of term queries, each with its boost; matches like a `BooleanQuery` of
/// optional boosted term clauses and scores like it.
#[derive(Debug, Clone)]
pub(crate) struct SeekUnionQuery {
    terms: Vec<(Term, Score)>,
    /// Only when its postings are few; tantivy's union otherwise.
    only_sparse: bool,
    /// Where a dense union's documents are kept as bits (see [`DenseWords`]).
    dense_words: Option<Arc<DenseWords>>,
}

/// A union whose terms are in fewer than one document in this many is walked without a
/// buffer when it stands alone: filling a 4,096-document buffer per segment costs more than
/// a rare word's whole walk, while a frequent word (a union in 20–46 % of the documents)
/// is walked faster with one.
const SPARSE_BELOW: u64 = 64;

impl SeekUnionQuery {
    /// The union of `terms` (each with its boost), in this order.
    pub(crate) fn new(terms: Vec<(Term, Score)>) -> Self {
        Self {
            terms,
            only_sparse: false,
            dense_words: None,
        }
    }

    /// The same union, asked about candidates by the bits of its documents kept in
    /// `dense_words` where it is dense.
    pub(crate) fn with_dense_words(mut self, dense_words: Option<Arc<DenseWords>>) -> Self {
        self.dense_words = dense_words;
        self
    }

    /// The same union when its terms' postings are together fewer than 1/[`SPARSE_BELOW`] of
    /// the documents, tantivy's buffered union otherwise: for a union that is the whole
    /// query, visited from its first document to its last.
    pub(crate) fn when_sparse(terms: Vec<(Term, Score)>) -> Self {
        Self {
            terms,
            only_sparse: true,
            dense_words: None,
        }
    }

    /// The terms with their boosts.
    #[cfg(test)]
    pub(crate) fn terms(&self) -> &[(Term, Score)] {
        &self.terms
    }

    /// tantivy's query for the same union.
    fn buffered(&self) -> BooleanQuery {
        BooleanQuery::new(
            self.terms
                .iter()
                .map(|(term, boost)| {
                    let term: Box<dyn Query> =
                        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
                    let clause: Box<dyn Query> = if *boost == 1.0 {
                        term
                    } else {
                        Box::new(BoostQuery::new(term, *boost))
                    };
                    (Occur::Should, clause)
                })
                .collect(),
        )
    }
}

impl Query for SeekUnionQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let EnableScoring::Enabled {
            statistics_provider,
            searcher,
        } = enable_scoring
        else {
            // Without scores the union is any of its terms, which tantivy's union does well.
            return self.buffered().weight(enable_scoring);
        };
        let statistics = KnownStatistics::of(statistics_provider, &self.terms)?;
        if self.only_sparse && statistics.postings().saturating_mul(SPARSE_BELOW) >= statistics.docs
        {
            // The statistics just read are handed on rather than read again.
            let scoring = EnableScoring::enabled_from_statistics_provider(&statistics, searcher);
            return self.buffered().weight(scoring);
        }
        let terms = self
            .terms
            .iter()
            .zip(&statistics.terms)
            .map(|((term, boost), (_, doc_freq, tokens))| {
                // As tantivy's term query weighs a term (`Bm25Weight::for_terms` of one term).
                let average_fieldnorm = *tokens as Score / statistics.docs as Score;
                let bm25 = Bm25Weight::for_one_term(*doc_freq, statistics.docs, average_fieldnorm);
                (term.clone(), bm25, *boost)
            })
            .collect();
        Ok(Box::new(SeekUnionWeight {
            terms,
            dense_words: self.dense_words.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (term, _) in &self.terms {
            visitor(term, false);
        }
    }
}

/// The statistics BM25 reads of a union's terms, read once.
struct KnownStatistics<'a> {
    provider: &'a dyn Bm25StatisticsProvider,
    docs: u64,
    /// Each term with its document frequency and its field's token count.
    terms: Vec<(&'a Term, u64, u64)>,
}

impl<'a> KnownStatistics<'a> {
    fn of(
        provider: &'a dyn Bm25StatisticsProvider,
        terms: &'a [(Term, Score)],
    ) -> tantivy::Result<Self> {
        let docs = provider.total_num_docs()?;
        let terms = terms
            .iter()
            .map(|(term, _)| {
                let tokens = provider.total_num_tokens(term.field())?;
                Ok((term, provider.doc_freq(term)?, tokens))
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(Self {
            provider,
            docs,
            terms,
        })
    }

    fn postings(&self) -> u64 {
        self.terms.iter().map(|(_, doc_freq, _)| doc_freq).sum()
    }
}

impl Bm25StatisticsProvider for KnownStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self.terms.iter().find(|(term, _, _)| term.field() == field) {
            Some((_, _, tokens)) => Ok(*tokens),
            None => self.provider.total_num_tokens(field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        match self.terms.iter().find(|(known, _, _)| *known == term) {
            Some((_, doc_freq, _)) => Ok(*doc_freq),
            None => self.provider.doc_freq(term),
        }
    }
}

struct SeekUnionWeight {
    /// Each term with its BM25 weight and its boost.
    terms: Vec<(Term, Bm25Weight, Score)>,
    dense_words: Option<Arc<DenseWords>>,
}

impl SeekUnionWeight {
    fn union(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<SeekUnion> {
        let mut cursors = Vec::with_capacity(self.terms.len());
        for (term, bm25, term_boost) in &self.terms {
            let field = term.field();
            let inverted_index = reader.inverted_index(field)?;
            let Some(info) = inverted_index.get_term_info(term)? else {
                continue;
            };
            let postings = BlockCursor::new(
                inverted_index
                    .read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?,
            );
            if postings.doc() == TERMINATED {
                continue;
            }
            let fieldnorms = match reader.fieldnorms_readers().get_field(field)? {
                Some(fieldnorms) => fieldnorms,
                None => FieldNormReader::constant(reader.max_doc(), 1),
            };
            cursors.push(TermCursor {
                postings,
                fieldnorms,
                // The same product tantivy's boosted clause passes down.
                bm25: bm25.boost_by(boost * term_boost),
            });
        }
        let mut union = SeekUnion::new(cursors, reader.max_doc());
        if let Some(dense_words) = &self.dense_words
            && DenseWords::is_dense(union.cost(), reader.max_doc())
        {
            union.bits = Bits::Unread(Box::new(UnreadBits {
                dense_words: Arc::clone(dense_words),
                reader: reader.clone(),
                terms: self.terms.iter().map(|(term, _, _)| term.clone()).collect(),
            }));
        }
        Ok(union)
    }
}

impl Weight for SeekUnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.union(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut union = self.union(reader, 1.0)?;
        if union.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        let mut explanation = Explanation::new("sum of the word's terms", union.score());
        for cursor in union
            .cursors
            .iter()
            .filter(|cursor| cursor.postings.doc() == doc)
        {
            let fieldnorm_id = cursor.fieldnorms.fieldnorm_id(doc);
            explanation.add_detail(
                cursor
                    .bm25
                    .explain(fieldnorm_id, cursor.postings.term_freq()),
            );
        }
        Ok(explanation)
    }
}

/// One term's postings in a segment, scored as tantivy's term scorer scores them.
struct TermCursor {
    postings: BlockCursor,
    fieldnorms: FieldNormReader,
    bm25: Bm25Weight,
}

impl TermCursor {
    #[inline]
    fn score(&self) -> Score {
        let doc = self.postings.doc();
        self.bm25
            .score(self.fieldnorms.fieldnorm_id(doc), self.postings.term_freq())
    }
}

/// The union itself: every cursor stays at or after the union's document, except after
/// [`DocSet::seek_danger`] found it or the union moved by its bits (see `behind`).
struct SeekUnion {
    /// In clause order, the order their scores are summed in.
    cursors: Vec<TermCursor>,
    /// Indexes of `cursors`, the term in most documents first: the order in which
    /// `seek_danger` looks for a candidate.
    by_density: Box<[usize]>,
    doc: DocId,
    /// Some cursors may be before `doc`: `seek_danger` stopped at the first term holding it,
    /// or the union moved by its bits. They are moved on when the document is scored or the
    /// union moves by its cursors.
    behind: bool,
    /// `seek_danger` stops at the first term holding a candidate, and a driver with bits
    /// walks them (see [`SCORED_AT_MOST`]).
    stops_early: bool,
    /// Candidates `seek_danger` found, and how many of them were scored, until it judged.
    found: u32,
    scored: u32,
    max_doc: u32,
    /// The union's documents as bits, when it is dense: `seek_danger` answers by them, and a
    /// driver walks them while few of its documents are scored.
    bits: Bits,
}

/// The bits of a dense union's documents in the segment: looked for (and read, at the second
/// search that needs them) when the union is first moved, not when its scorer is made.
enum Bits {
    None,
    Unread(Box<UnreadBits>),
    Read(Arc<DocBits>),
}

struct UnreadBits {
    dense_words: Arc<DenseWords>,
    reader: SegmentReader,
    terms: Box<[Term]>,
}

impl Bits {
    /// The bits, read now if they were not; `None` when the union has none: it is not dense,
    /// its bits are not read at the first search that asks ([`DenseWords::of`]), or reading
    /// its postings failed. The cursors answer then.
    #[inline]
    fn get(&mut self) -> Option<&DocBits> {
        if let Bits::Unread(_) = self {
            self.read();
        }
        match self {
            Bits::Read(bits) => Some(bits),
            _ => None,
        }
    }

    #[cold]
    fn read(&mut self) {
        let Bits::Unread(unread) = std::mem::replace(self, Bits::None) else {
            return;
        };
        match unread.dense_words.of(&unread.reader, &unread.terms) {
            Ok(Some(bits)) => *self = Bits::Read(bits),
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "reading a dense word's documents failed"),
        }
    }
}

/// Candidates found by `seek_danger` before it judges whether stopping at the first term
/// holding one pays.
const JUDGED_AFTER: u32 = 64;

/// Stopping at the first term pays while fewer than one in this many of the candidates found
/// are scored: a scored document needs every term moved to it all the same, and a second
/// loop to do it. Measured at 100,000 resolutions (callgrind, per search): «наставничество
/// педагогов 2023» (1,962 of 21,747 matches scored) 22.09 → 21.35 M instructions, and
/// «наставничество педагогов» (every match scored) 27.38 → 28.75 M if it stopped early.
const SCORED_AT_MOST: u32 = 4;

impl SeekUnion {
    fn new(cursors: Vec<TermCursor>, max_doc: u32) -> Self {
        let mut by_density: Vec<usize> = (0..cursors.len()).collect();
        by_density.sort_by_key(|&index| std::cmp::Reverse(cursors[index].postings.doc_freq()));
        let mut union = Self {
            cursors,
            by_density: by_density.into(),
            doc: TERMINATED,
            behind: false,
            stops_early: true,
            found: 0,
            scored: 0,
            max_doc,
            bits: Bits::None,
        };
        union.doc = union.first_doc();
        union
    }

    /// [`DocSet::advance`]: the cursors on the union's document (or left before it) move on.
    #[inline]
    fn advance_every(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let current = self.doc;
        let mut next = TERMINATED;
        for cursor in &mut self.cursors {
            let mut doc = cursor.postings.doc();
            if doc <= current {
                doc = if doc == current {
                    cursor.postings.advance()
                } else {
                    // Left behind by `seek_danger`.
                    cursor.postings.seek(current + 1)
                };
            }
            next = next.min(doc);
        }
        self.doc = next;
        self.behind = false;
        next
    }

    /// [`DocSet::seek`] to a target past the union's document: every cursor before it moves.
    #[inline]
    fn seek_every(&mut self, target: DocId) -> DocId {
        let mut next = TERMINATED;
        for cursor in &mut self.cursors {
            let mut doc = cursor.postings.doc();
            if doc < target {
                doc = cursor.postings.seek(target);
            }
            next = next.min(doc);
        }
        self.doc = next;
        self.behind = false;
        next
    }

    /// Moves the cursors left before the union's document to it.
    #[inline(never)]
    fn catch_up(&mut self) {
        let doc = self.doc;
        for cursor in &mut self.cursors {
            if cursor.postings.doc() < doc {
                cursor.postings.seek(doc);
            }
        }
        self.behind = false;
    }

    /// The union moved to `next` by its bits; the cursors stay before it until it is scored
    /// or moves again by them.
    #[inline]
    fn move_by_bits(&mut self, next: DocId) -> DocId {
        self.doc = next;
        self.behind = true;
        next
    }

    /// The driver of an intersection moved to `next` by its bits. Scoring a document then
    /// moves every cursor by a search, where walking the cursors would have stepped them: past
    /// [`JUDGED_AFTER`] documents, the union walks its cursors again if many are scored.
    #[inline]
    fn walk_by_bits(&mut self, next: DocId) -> DocId {
        if next != TERMINATED {
            self.judge_found();
        }
        self.move_by_bits(next)
    }

    /// `seek_danger` answered by the union's bits: `next` is its first document past `target`
    /// when it does not hold `target`.
    #[inline]
    fn seek_by_bits(&mut self, target: DocId, next: Option<DocId>) -> SeekDangerResult {
        if let Some(next) = next {
            return SeekDangerResult::SeekLowerBound(self.move_by_bits(next));
        }
        if self.stops_early {
            self.doc = target;
            self.behind = true;
            self.judge_found();
        } else {
            let doc = self.seek_every(target);
            debug_assert_eq!(doc, target, "the bits and the postings agree");
        }
        SeekDangerResult::Found
    }

    /// Counts a candidate found (or, walking by bits, a document walked to) while stopping
    /// early, and judges at [`JUDGED_AFTER`] whether stopping early pays.
    #[inline]
    fn judge_found(&mut self) {
        self.found += 1;
        if self.found == JUDGED_AFTER {
            self.stops_early = self.scored * SCORED_AT_MOST < self.found;
        }
    }

    #[inline]
    fn first_doc(&self) -> DocId {
        self.cursors
            .iter()
            .map(|cursor| cursor.postings.doc())
            .min()
            .unwrap_or(TERMINATED)
    }
}

impl DocSet for SeekUnion {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED
            && self.stops_early
            && let Some(bits) = self.bits.get()
        {
            let next = bits.next_from(self.doc + 1);
            return self.walk_by_bits(next);
        }
        self.advance_every()
    }

    /// A dense union that drives an intersection walks its bits while few of its documents
    /// are scored, and moves its cursors only to those.
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if self.stops_early
            && let Some(bits) = self.bits.get()
        {
            let next = bits.next_from(target);
            return self.walk_by_bits(next);
        }
        // The driver of an intersection is sought one past its document: only the terms on
        // that document move, each to its next one, which `advance` does without a search.
        if target == self.doc + 1 {
            return self.advance_every();
        }
        self.seek_every(target)
    }

    /// Looks for `target` term by term, the densest first, and stops at the first that holds
    /// it: the others are moved only if the document is scored (or when the union moves on).
    /// With a facet filter most documents of an intersection are counted and passed over,
    /// so a dense word's sparser terms skip the candidates it holds anyway. When most are
    /// scored (no filter), a seek like any other.
    ///
    /// A dense union answers from the bits of its documents instead, and moves its cursors
    /// only to a document found (and, stopping early, only to one scored).
    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED {
            if self.doc != TERMINATED {
                self.seek_every(TERMINATED);
            }
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        if self.doc >= target {
            return if self.doc == target {
                SeekDangerResult::Found
            } else {
                SeekDangerResult::SeekLowerBound(self.doc)
            };
        }
        if let Some(bits) = self.bits.get() {
            let next = (!bits.contains(target)).then(|| bits.next_from(target + 1));
            return self.seek_by_bits(target, next);
        }
        if !self.stops_early {
            let doc = self.seek_every(target);
            return if doc == target {
                SeekDangerResult::Found
            } else {
                SeekDangerResult::SeekLowerBound(doc)
            };
        }
        let mut next = TERMINATED;
        for &index in &self.by_density {
            let cursor = &mut self.cursors[index].postings;
            let mut doc = cursor.doc();
            if doc < target {
                doc = cursor.seek(target);
            }
            if doc == target {
                self.doc = target;
                self.behind = true;
                self.judge_found();
                return SeekDangerResult::Found;
            }
            next = next.min(doc);
        }
        self.doc = next;
        self.behind = false;
        SeekDangerResult::SeekLowerBound(next)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        // tantivy's estimate for a union (query/size_hint.rs), so an intersection orders
        // its parts as it did with tantivy's union.
        const CO_LOCATION: f64 = 0.8;
        let max_doc = f64::from(self.max_doc.max(1));
        let not_in_any = self.cursors.iter().fold(1.0, |not_in_any, cursor| {
            not_in_any * (1.0 - f64::from(cursor.postings.doc_freq()) / max_doc * CO_LOCATION)
        });
        (max_doc * (1.0 - not_in_any)).round().min(max_doc) as u32
    }

    fn cost(&self) -> u64 {
        self.cursors
            .iter()
            .map(|cursor| u64::from(cursor.postings.doc_freq()))
            .sum()
    }
}

impl Scorer for SeekUnion {
    fn score(&mut self) -> Score {
        if self.behind {
            self.scored += 1;
            self.catch_up();
        }
        let doc = self.doc;
        let mut score: Score = 0.0;
        for cursor in &self.cursors {
            if cursor.postings.doc() == doc {
                score += cursor.score();
            }
        }
        score
    }
}

#[cfg(test)]
mod tests;
