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

/// The same word as a `SeekUnionQuery`, with its documents as bits in `dense_words` where
/// it is dense.
fn seek_union(terms: Vec<(Term, Score)>, dense_words: Option<&Arc<DenseWords>>) -> Box<dyn Query> {
    Box::new(SeekUnionQuery::new(terms).with_dense_words(dense_words.cloned()))
}

/// Each test runs without bits, then twice with them: a set is read at the second search that
/// asks for it. Returns the sets and whether this round uses them.
fn rounds() -> impl Iterator<Item = Option<Arc<DenseWords>>> {
    let dense_words = Arc::new(DenseWords::default());
    [None, Some(Arc::clone(&dense_words)), Some(dense_words)].into_iter()
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
    for dense_words in rounds() {
        for (first, second) in [("b", "d"), ("a", "b"), ("d", "a"), ("b", "c")] {
            let expected = BooleanQuery::new(vec![
                (Occur::Must, tantivy_union(word(first))),
                (Occur::Must, tantivy_union(word(second))),
            ]);
            let ours = BooleanQuery::new(vec![
                (Occur::Must, seek_union(word(first), dense_words.as_ref())),
                (Occur::Must, seek_union(word(second), dense_words.as_ref())),
            ]);
            let top = TopDocs::with_limit(5_000).order_by_score();
            let expected = searcher.search(&expected, &top).expect("searched");
            let ours = searcher.search(&ours, &top).expect("searched");
            assert!(!ours.is_empty(), "«{first} {second}» matches");
            assert_eq!(ours, expected, "«{first} {second}»");
        }
        if let Some(dense_words) = dense_words {
            assert!(dense_words.bytes() > 0, "«a», «b» and «c» are dense");
        }
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

/// A word's terms in the three fields of [`three_fields`], boosted 1, 0.5 and 0.3.
fn three_field_word(fields: &[Field; 3], text: &str) -> Vec<(Term, Score)> {
    fields
        .iter()
        .zip([1.0, 0.5, 0.3])
        .map(|(field, boost)| (Term::from_field_text(*field, text), boost))
        .collect()
}

/// The scorer of `query` in the first segment.
fn first_segment_scorer(searcher: &tantivy::Searcher, query: &dyn Query) -> Box<dyn Scorer> {
    query
        .weight(EnableScoring::enabled_from_searcher(searcher))
        .expect("weight")
        .scorer(searcher.segment_reader(0), 1.0)
        .expect("scorer")
}

#[test]
fn an_intersection_scoring_some_matches_scores_them_as_tantivys() {
    let (index, fields) = three_fields();
    let searcher = index.reader().expect("reader").searcher();
    let word = |text: &str| three_field_word(&fields, text);
    let both = |first: Box<dyn Query>, second: Box<dyn Query>| {
        BooleanQuery::new(vec![(Occur::Must, first), (Occur::Must, second)])
    };
    let scorer = |query: BooleanQuery| first_segment_scorer(&searcher, &query);
    // As with a facet filter: one match in `every` is scored, the others passed over, so
    // the terms of «x» left behind are moved on by a score or by the next seek. One in
    // seven keeps the union stopping at the first term; one in three and every match
    // turn it back to a plain seek after `JUDGED_AFTER` candidates.
    // With bits, both words are dense: «y» drives by its bits and «x» answers by its own.
    for dense_words in rounds() {
        for every in [7, 3, 1] {
            let mut expected = scorer(both(tantivy_union(word("y")), tantivy_union(word("x"))));
            let mut ours = scorer(both(
                seek_union(word("y"), dense_words.as_ref()),
                seek_union(word("x"), dense_words.as_ref()),
            ));
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
        if let Some(dense_words) = dense_words {
            assert!(dense_words.bytes() > 0, "«x» and «y» are dense");
        }
    }
}

#[test]
fn a_union_found_by_its_densest_term_advances_and_scores_as_tantivys() {
    let (index, fields) = three_fields();
    let searcher = index.reader().expect("reader").searcher();
    let terms = three_field_word(&fields, "x");
    let scorer = |query: &dyn Query| first_segment_scorer(&searcher, query);
    // With bits, a candidate not found leaves every cursor behind, and a found one too.
    for dense_words in rounds() {
        let ours_query = SeekUnionQuery::new(terms.clone()).with_dense_words(dense_words);
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
