//! The highlighter: the words a text query matches, marked in a text. The hits of a search
//! (their snippets) and the page of a resolution (`?hl=`) are marked by this one code, with
//! the analyzers of the index, so a page marks exactly the forms the search matched:
//! inflections through the stems, derived words («профориентационную») through the roots,
//! synonyms through the query's expansion.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use edusearch_russian::{SharedWordTable, analyzer_root_shared, analyzer_stem_shared};
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Score, Searcher};

use super::present::truncate_chars;
use super::{Engine, Pipeline};
use crate::SearchError;
use crate::html::escape_html;

/// The highlighters' analyzers, kept by the engine and cloned for each search (building one
/// builds its stop list), over word tables they share: a word is stemmed once, not once for
/// every hit it appears in.
#[derive(Clone)]
pub(super) struct HighlightAnalyzers {
    stem: TextAnalyzer,
    stem_with_keys: TextAnalyzer,
    root: TextAnalyzer,
}

impl Default for HighlightAnalyzers {
    fn default() -> Self {
        let (stems, roots) = (SharedWordTable::default(), SharedWordTable::default());
        HighlightAnalyzers {
            stem: analyzer_stem_shared(stems.clone(), false),
            stem_with_keys: analyzer_stem_shared(stems, true),
            root: analyzer_root_shared(roots),
        }
    }
}

/// Marks the words of one query in texts; see the module documentation.
pub struct Highlighter {
    /// One pass a field: stems mark inflected forms, roots derived ones.
    passes: Vec<FieldPass>,
    /// Longest fragment shown when a text is longer.
    max_chars: usize,
}

/// The terms of the query in one field, and that field's analyzer.
struct FieldPass {
    /// Term → weight (rarer terms weigh more, as in tantivy's snippets: `1 / (1 + doc_freq)`).
    terms: HashMap<String, Score>,
    analyzer: RefCell<TextAnalyzer>,
}

/// A stretch of text and the marks in it, scored by the terms it holds.
struct Fragment {
    score: Score,
    range: Range<usize>,
    marks: Vec<Range<usize>>,
}

impl FieldPass {
    /// The query's terms in `field` found in the index.
    fn new(
        searcher: &Searcher,
        query: &dyn Query,
        field: Field,
        analyzer: TextAnalyzer,
    ) -> Result<Option<Self>, SearchError> {
        let mut terms = HashMap::new();
        let mut failure = None;
        query.query_terms(&mut |term, _| {
            if term.field() != field || failure.is_some() {
                return;
            }
            let value = term.value();
            let Some(text) = value.as_str() else {
                return;
            };
            match searcher.doc_freq(term) {
                Ok(0) => {}
                Ok(doc_freq) => {
                    terms.insert(text.to_string(), 1.0 / (1.0 + doc_freq as Score));
                }
                Err(error) => failure = Some(error),
            }
        });
        if let Some(error) = failure {
            return Err(error.into());
        }
        Ok((!terms.is_empty()).then(|| FieldPass {
            terms,
            analyzer: RefCell::new(analyzer),
        }))
    }

    /// The best fragment of at most `max_chars` bytes of `text` (tantivy's snippet rule: the
    /// text is cut into fragments at token boundaries; the highest score wins, the earliest
    /// among equals), or `None` when no term occurs.
    fn best_fragment(&self, text: &str, max_chars: usize) -> Option<Fragment> {
        let mut analyzer = self.analyzer.borrow_mut();
        let mut stream = analyzer.token_stream(text);
        let mut best: Option<Fragment> = None;
        let mut current = Fragment::at(0);
        let keep = |fragment: Fragment, best: &mut Option<Fragment>| {
            if fragment.score > 0.0 && best.as_ref().is_none_or(|best| fragment.score > best.score)
            {
                *best = Some(fragment);
            }
        };
        while let Some(token) = stream.next() {
            if token.offset_to - current.range.start > max_chars {
                keep(
                    std::mem::replace(&mut current, Fragment::at(token.offset_from)),
                    &mut best,
                );
            }
            current.range.end = token.offset_to;
            if let Some(score) = self.terms.get(token.text.as_str()) {
                current.score += score;
                current.marks.push(token.offset_from..token.offset_to);
            }
        }
        keep(current, &mut best);
        best
    }
}

impl Fragment {
    fn at(start: usize) -> Self {
        Fragment {
            score: 0.0,
            range: start..start,
            marks: Vec::new(),
        }
    }
}

impl Highlighter {
    /// A highlighter that marks nothing (escapes and cuts only).
    pub fn none() -> Self {
        Self {
            passes: Vec::new(),
            max_chars: usize::MAX,
        }
    }

    /// A highlighter of what `query` matches in the item text fields; texts longer than
    /// `max_chars` are cut to their best fragment.
    pub(super) fn of_query(
        engine: &Engine,
        searcher: &Searcher,
        query: Option<&dyn Query>,
        max_chars: usize,
    ) -> Result<Self, SearchError> {
        let mut passes = Vec::new();
        if let Some(query) = query {
            let analyzers = &engine.highlight_analyzers;
            // Synonym keys are written only where the query asks for one (they cost a look-up
            // of every word in the dictionary).
            let mut asks_for_keys = false;
            query.query_terms(&mut |term, _| {
                asks_for_keys |= term.field() == engine.schema.text
                    && term
                        .value()
                        .as_str()
                        .is_some_and(edusearch_russian::is_synonym_key);
            });
            let stem = if asks_for_keys {
                &analyzers.stem_with_keys
            } else {
                &analyzers.stem
            };
            for (field, analyzer) in [
                (engine.schema.text, stem.clone()),
                (engine.schema.text_root, analyzers.root.clone()),
            ] {
                passes.extend(FieldPass::new(searcher, query, field, analyzer)?);
            }
        }
        Ok(Self { passes, max_chars })
    }

    /// The whole text as escaped HTML with the matched words in `<mark>`.
    pub fn mark(&self, text: &str) -> String {
        self.fragment(text, usize::MAX)
    }

    /// The text as HTML with the matched words in `<mark>`: the whole text when it fits in
    /// the highlighter's length, else the best fragment with `…` where it is cut.
    pub(crate) fn snippet(&self, text: &str) -> String {
        self.fragment(text, self.max_chars)
    }

    fn fragment(&self, text: &str, max_chars: usize) -> String {
        let fits = text.chars().count() <= max_chars;
        let mut window: Option<Range<usize>> = None;
        let mut marks: Vec<Range<usize>> = Vec::new();
        for pass in &self.passes {
            let Some(fragment) = pass.best_fragment(text, max_chars) else {
                continue;
            };
            window.get_or_insert_with(|| fragment.range.clone());
            marks.extend(fragment.marks);
        }
        let Some(window) = window else {
            return escape_html(&truncate_chars(text, max_chars));
        };
        let (start, end) = if fits {
            (0, text.len())
        } else {
            (window.start, window.end)
        };
        marks.sort_by_key(|range| (range.start, std::cmp::Reverse(range.end)));
        let mut html = String::with_capacity(text.len() + 32);
        if start > 0 {
            html.push('…');
        }
        let mut cursor = start;
        for range in marks {
            if range.start < cursor
                || range.end > end
                || !text.is_char_boundary(range.start)
                || !text.is_char_boundary(range.end)
            {
                continue;
            }
            html.push_str(&escape_html(&text[cursor..range.start]));
            html.push_str("<mark>");
            html.push_str(&escape_html(&text[range.clone()]));
            html.push_str("</mark>");
            cursor = range.end;
        }
        html.push_str(&escape_html(&text[cursor..end]));
        if end < text.len() {
            html.push('…');
        }
        html
    }
}

impl Engine {
    /// A highlighter of `words` as a search for them matches («профориентация» marks
    /// «профориентационную работу»), for marking whole texts ([`Highlighter::mark`]).
    pub fn highlighter(&self, words: &str) -> Result<Highlighter, SearchError> {
        let words: String = words
            .chars()
            .take(crate::api::limits::MAX_QUERY_CHARS)
            .collect();
        let (query, _) = self.text_query(&words, Pipeline::Full);
        let searcher = self.reader.searcher();
        Highlighter::of_query(self, &searcher, query.as_deref(), usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::engine;

    #[test]
    fn marked_words_match_inflections_and_derivations_and_stay_escaped() {
        let marker = engine().highlighter("профориентация и <b>").unwrap();
        let html = marker.mark("Усилить профориентационную работу <i>и</i> профориентации");
        assert_eq!(
            html,
            "Усилить <mark>профориентационную</mark> работу &lt;i&gt;и&lt;/i&gt; <mark>профориентации</mark>"
        );
    }

    #[test]
    fn a_synonym_of_the_query_is_marked_as_a_whole() {
        let marker = engine().highlighter("ОВЗ").unwrap();
        let html = marker.mark("Работа с детьми с ограниченными возможностями здоровья и с ОВЗ");
        assert!(
            html.contains("<mark>ограниченными возможностями здоровья</mark>"),
            "{html}"
        );
        assert!(html.ends_with("<mark>ОВЗ</mark>"), "{html}");
        // Without a synonym in the query, no phrase is marked for one.
        let plain = engine().highlighter("работа").unwrap();
        assert_eq!(
            plain.mark("Работа с детьми с ограниченными возможностями здоровья"),
            "<mark>Работа</mark> с детьми с ограниченными возможностями здоровья"
        );
    }

    #[test]
    fn nothing_to_mark_leaves_the_whole_text_escaped() {
        let long = "Очень длинный текст & ещё ".repeat(200);
        for marker in [
            super::Highlighter::none(),
            engine().highlighter("").unwrap(),
            engine().highlighter("2023 ...").unwrap(),
        ] {
            assert_eq!(marker.mark(&long), crate::escape_html(&long));
        }
    }
}
