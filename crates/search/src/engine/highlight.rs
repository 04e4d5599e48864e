//! The highlighter: the words a text query matches, marked in a text. The hits of a search
//! (their snippets) and the page of a resolution (`?hl=`) are marked by this one code, with
//! the analyzers of the index, so a page marks exactly the forms the search matched:
//! inflections through the stems, derived words («профориентационную») through the roots,
//! synonyms through the query's expansion.

use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::snippet::SnippetGenerator;

use super::present::truncate_chars;
use super::{Engine, Pipeline};
use crate::SearchError;
use crate::html::escape_html;

/// Marks the words of one query in texts; see the module documentation.
pub struct Highlighter {
    /// One generator a field: stems mark inflected forms, roots derived ones.
    generators: Vec<SnippetGenerator>,
    /// Longest fragment shown when a text is longer.
    max_chars: usize,
}

impl Highlighter {
    /// A highlighter that marks nothing (escapes and cuts only).
    pub fn none() -> Self {
        Self {
            generators: Vec::new(),
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
        let mut generators = Vec::new();
        if let Some(query) = query {
            for field in [engine.schema.text, engine.schema.text_root] {
                let mut generator = SnippetGenerator::create(searcher, query, field)?;
                generator.set_max_num_chars(max_chars);
                generators.push(generator);
            }
        }
        Ok(Self {
            generators,
            max_chars,
        })
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
        let mut window: Option<std::ops::Range<usize>> = None;
        let mut marks: Vec<std::ops::Range<usize>> = Vec::new();
        for generator in &self.generators {
            let snippet = generator.snippet(text);
            if snippet.is_empty() {
                continue;
            }
            let fragment = snippet.fragment_range();
            window.get_or_insert_with(|| fragment.clone());
            marks.extend(
                snippet
                    .highlighted()
                    .iter()
                    .map(|range| fragment.start + range.start..fragment.start + range.end),
            );
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
