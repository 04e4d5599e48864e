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

/// The union of term queries, each with its boost; matches like a `BooleanQuery` of
/// optional boosted term clauses and scores like it.
#[derive(Debug, Clone)]
pub(crate) struct SeekUnionQuery {
    terms: Vec<(Term, Score)>,
    /// Only when its postings are few; tantivy's union otherwise.
    only_sparse: bool,
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
        }
    }

    /// The same union when its terms' postings are together fewer than 1/[`SPARSE_BELOW`] of
    /// the documents, tantivy's buffered union otherwise: for a union that is the whole
    /// query, visited from its first document to its last.
    pub(crate) fn when_sparse(terms: Vec<(Term, Score)>) -> Self {
        Self {
            terms,
            only_sparse: true,
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
        Ok(Box::new(SeekUnionWeight { terms }))
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
        Ok(SeekUnion::new(cursors, reader.max_doc()))
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
/// [`DocSet::seek_danger`] found it (see `behind`).
struct SeekUnion {
    /// In clause order, the order their scores are summed in.
    cursors: Vec<TermCursor>,
    /// Indexes of `cursors`, the term in most documents first: the order in which
    /// `seek_danger` looks for a candidate.
    by_density: Box<[usize]>,
    doc: DocId,
    /// Some cursors may be before `doc`: `seek_danger` stopped at the first term holding it.
    /// They are moved on when the document is scored or the union moves.
    behind: bool,
    /// `seek_danger` stops at the first term holding a candidate (see [`SCORED_AT_MOST`]).
    stops_early: bool,
    /// Candidates `seek_danger` found, and how many of them were scored, until it judged.
    found: u32,
    scored: u32,
    max_doc: u32,
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
        self.advance_every()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
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
    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if !self.stops_early {
            let doc = if self.doc >= target {
                self.doc
            } else {
                self.seek_every(target)
            };
            return if doc == target {
                SeekDangerResult::Found
            } else {
                SeekDangerResult::SeekLowerBound(doc)
            };
        }
        if target >= TERMINATED {
            self.seek(TERMINATED);
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        if self.doc >= target {
            return if self.doc == target {
                SeekDangerResult::Found
            } else {
                SeekDangerResult::SeekLowerBound(self.doc)
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
                self.found += 1;
                if self.found == JUDGED_AFTER {
                    self.stops_early = self.scored * SCORED_AT_MOST < self.found;
                }
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
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, TantivyDocument, doc};

    /// An index where «a» is everywhere and «b» in some documents, in two fields.
    fn index() -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let title = builder.add_text_field("title", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).expect("writer");
        for n in 0..3_000_u32 {
            let mut document = TantivyDocument::default();
            document.add_text(body, if n % 3 == 0 { "a b a" } else { "a c" });
            if n % 7 == 0 {
                document.add_text(title, "b");
            }
            if n % 500 == 0 {
                document.add_text(title, "d");
            }
            writer.add_document(document).expect("added");
        }
        writer.add_document(doc!(body => "d b")).expect("added");
        writer.commit().expect("committed");
        (index, body, title)
    }

    /// A word as tantivy's union of its boosted terms.
    fn tantivy_union(terms: Vec<(Term, Score)>) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            terms
                .into_iter()
                .map(|(term, boost)| term_clause(term, boost))
                .collect(),
        ))
    }

    /// The same word as a `SeekUnionQuery`.
    fn seek_union(terms: Vec<(Term, Score)>) -> Box<dyn Query> {
        Box::new(SeekUnionQuery::new(terms))
    }

    fn term_clause(term: Term, boost: Score) -> (Occur, Box<dyn Query>) {
        let query = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
        (Occur::Should, Box::new(BoostQuery::new(query, boost)))
    }

    #[test]
    fn required_words_match_and_score_as_tantivys_unions() {
        let (index, body, title) = index();
        let searcher = index.reader().expect("reader").searcher();
        let word = |text: &str| {
            vec![
                (Term::from_field_text(body, text), 1.0),
                (Term::from_field_text(title, text), 0.3),
            ]
        };
        for (first, second) in [("b", "d"), ("a", "b"), ("d", "a"), ("b", "c")] {
            let expected = BooleanQuery::new(vec![
                (Occur::Must, tantivy_union(word(first))),
                (Occur::Must, tantivy_union(word(second))),
            ]);
            let ours = BooleanQuery::new(vec![
                (Occur::Must, seek_union(word(first))),
                (Occur::Must, seek_union(word(second))),
            ]);
            let top = TopDocs::with_limit(5_000).order_by_score();
            let expected = searcher.search(&expected, &top).expect("searched");
            let ours = searcher.search(&ours, &top).expect("searched");
            assert!(!ours.is_empty(), "«{first} {second}» matches");
            assert_eq!(ours, expected, "«{first} {second}»");
        }
    }

    #[test]
    fn a_whole_query_union_ranks_as_tantivys_whether_rare_or_frequent() {
        let (index, body, title) = index();
        let searcher = index.reader().expect("reader").searcher();
        for word in ["d", "a", "b"] {
            let terms = vec![
                (Term::from_field_text(body, word), 1.0),
                (Term::from_field_text(title, word), 0.3),
            ];
            let ours = SeekUnionQuery::when_sparse(terms.clone());
            let top = TopDocs::with_limit(5_000).order_by_score();
            let expected = searcher.search(&ours.buffered(), &top).expect("searched");
            let found = searcher.search(&ours, &top).expect("searched");
            assert!(!found.is_empty(), "«{word}» matches");
            assert_eq!(found, expected, "«{word}»");
        }
    }

    #[test]
    fn a_word_alone_matches_every_document_of_its_terms() {
        let (index, body, title) = index();
        let searcher = index.reader().expect("reader").searcher();
        let query = SeekUnionQuery::new(vec![
            (Term::from_field_text(title, "d"), 1.0),
            (Term::from_field_text(body, "d"), 1.0),
            (Term::from_field_text(body, "absent"), 1.0),
        ]);
        let count = searcher
            .search(&query, &tantivy::collector::Count)
            .expect("searched");
        assert_eq!(count, 7, "six titles and one body hold «d»");
        let top = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .expect("searched");
        let explanation = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .expect("weight")
            .explain(searcher.segment_reader(0), top[0].1.doc_id)
            .expect("explained");
        assert!((explanation.value() - top[0].0).abs() < 1e-6);
    }

    /// One segment where «x» is in every 2nd body (twice in every 6th), every 5th title and
    /// every 11th tag, and «y» in every 13th body and every 17th title.
    fn three_fields() -> (Index, [Field; 3]) {
        let mut builder = Schema::builder();
        let fields = [
            builder.add_text_field("body", TEXT),
            builder.add_text_field("title", TEXT),
            builder.add_text_field("tags", TEXT),
        ];
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for n in 0..6_000_u32 {
            let mut body = String::from("z");
            if n % 2 == 0 {
                body.push_str(if n % 6 == 0 { " x x" } else { " x" });
            }
            if n % 13 == 0 {
                body.push_str(" y");
            }
            let mut title = String::from("z");
            if n % 5 == 0 {
                title.push_str(" x");
            }
            if n % 17 == 0 {
                title.push_str(" y y");
            }
            let mut document = TantivyDocument::default();
            document.add_text(fields[0], &body);
            document.add_text(fields[1], &title);
            if n % 11 == 0 {
                document.add_text(fields[2], "x");
            }
            writer.add_document(document).expect("added");
        }
        writer.commit().expect("committed");
        (index, fields)
    }

    #[test]
    fn an_intersection_scoring_some_matches_scores_them_as_tantivys() {
        let (index, fields) = three_fields();
        let searcher = index.reader().expect("reader").searcher();
        let word = |text: &str| -> Vec<(Term, Score)> {
            fields
                .iter()
                .zip([1.0, 0.5, 0.3])
                .map(|(field, boost)| (Term::from_field_text(*field, text), boost))
                .collect()
        };
        let both = |first: Box<dyn Query>, second: Box<dyn Query>| {
            BooleanQuery::new(vec![(Occur::Must, first), (Occur::Must, second)])
        };
        let scorer = |query: BooleanQuery| {
            query
                .weight(EnableScoring::enabled_from_searcher(&searcher))
                .expect("weight")
                .scorer(searcher.segment_reader(0), 1.0)
                .expect("scorer")
        };
        // As with a facet filter: one match in `every` is scored, the others passed over, so
        // the terms of «x» left behind are moved on by a score or by the next seek. One in
        // seven keeps the union stopping at the first term; one in three and every match
        // turn it back to a plain seek after `JUDGED_AFTER` candidates.
        for every in [7, 3, 1] {
            let mut expected = scorer(both(tantivy_union(word("y")), tantivy_union(word("x"))));
            let mut ours = scorer(both(seek_union(word("y")), seek_union(word("x"))));
            let mut matches = 0;
            while expected.doc() != TERMINATED {
                assert_eq!(ours.doc(), expected.doc());
                if matches % every == 0 {
                    assert_eq!(ours.score(), expected.score(), "at {}", ours.doc());
                }
                matches += 1;
                expected.advance();
                ours.advance();
            }
            assert_eq!(ours.doc(), TERMINATED);
            assert!(matches > 300, "{matches} matches");
        }
    }

    #[test]
    fn a_union_found_by_its_densest_term_advances_and_scores_as_tantivys() {
        let (index, fields) = three_fields();
        let searcher = index.reader().expect("reader").searcher();
        let terms: Vec<(Term, Score)> = fields
            .iter()
            .zip([1.0, 0.5, 0.3])
            .map(|(field, boost)| (Term::from_field_text(*field, "x"), boost))
            .collect();
        let scorer = |query: &dyn Query| {
            query
                .weight(EnableScoring::enabled_from_searcher(&searcher))
                .expect("weight")
                .scorer(searcher.segment_reader(0), 1.0)
                .expect("scorer")
        };
        let ours_query = SeekUnionQuery::new(terms);
        let mut expected = scorer(&ours_query.buffered());
        let mut ours = scorer(&ours_query);
        // Every 30th document is looked for, then the next two are stepped to: a found
        // document leaves the sparser terms behind, and `advance` must move them on.
        let mut target = 0;
        while target < 6_000 {
            let found = ours.seek_danger(target);
            let doc = expected.seek(target);
            match found {
                SeekDangerResult::Found => assert_eq!(doc, target),
                SeekDangerResult::SeekLowerBound(bound) => {
                    assert!(
                        doc != target && bound > target && bound <= doc,
                        "at {target}"
                    );
                    ours.seek(doc);
                }
            }
            for _ in 0..2 {
                assert_eq!(ours.advance(), expected.advance());
                assert_eq!(ours.score(), expected.score(), "at {}", ours.doc());
            }
            target = ours.doc().max(target) + 30;
        }
    }
}
