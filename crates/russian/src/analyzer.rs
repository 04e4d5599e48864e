//! tantivy analyzers built on the shared normalisation.

use std::mem;

use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

use crate::normalize::{fold_yo, stemmer};
use crate::stopwords::STOP_WORDS;

/// Name of the stemming analyzer: lowercase, `ё -> е`, stop words, Snowball Russian stem.
pub const ANALYZER_STEM: &str = "ru_stem";
/// Name of the root analyzer: the stemming analyzer plus derivational roots.
pub const ANALYZER_ROOT: &str = "ru_root";
/// Name of the exact analyzer: lowercase and `ё -> е` only, for exact-form matching.
pub const ANALYZER_EXACT: &str = "ru_exact";

/// Words longer than this many bytes are dropped (base64 blobs, run-together debris).
const MAX_TOKEN_BYTES: usize = 80;

/// The stemming analyzer used for every searchable text field.
///
/// ```
/// use tantivy::tokenizer::TokenStream;
/// let mut analyzer = edusearch_russian::analyzer_stem();
/// let mut stream = analyzer.token_stream("Образовательных организаций в 2023 году");
/// let mut tokens = Vec::new();
/// while stream.advance() {
///     tokens.push(stream.token().text.clone());
/// }
/// assert_eq!(tokens, ["образовательн", "организац", "2023", "год"]);
/// ```
pub fn analyzer_stem() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(YoFoldFilter)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|word| word.to_string()),
        ))
        .filter(RussianStemFilter)
        .build()
}

/// The root analyzer: stems reduced to derivational roots (профориентационный → профориент).
pub fn analyzer_root() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(YoFoldFilter)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|word| word.to_string()),
        ))
        .filter(RussianStemFilter)
        .filter(DerivationFilter)
        .build()
}

/// The exact analyzer: the same words as [`analyzer_stem`], neither stemmed nor stop-filtered.
pub fn analyzer_exact() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(YoFoldFilter)
        .build()
}

/// Registers every analyzer edusearch uses under its name.
pub fn register_analyzers(manager: &TokenizerManager) {
    manager.register(ANALYZER_STEM, analyzer_stem());
    manager.register(ANALYZER_EXACT, analyzer_exact());
    manager.register(ANALYZER_ROOT, analyzer_root());
}

/// Token filter that replaces stems with their derivational roots (expects stems).
#[derive(Clone, Copy, Debug, Default)]
pub struct DerivationFilter;

impl TokenFilter for DerivationFilter {
    type Tokenizer<T: Tokenizer> = DerivationTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> DerivationTokenizer<T> {
        DerivationTokenizer { inner: tokenizer }
    }
}

/// Tokenizer wrapper produced by [`DerivationFilter`].
#[derive(Clone)]
pub struct DerivationTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for DerivationTokenizer<T> {
    type TokenStream<'a> = DerivationStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        DerivationStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// Token stream produced by [`DerivationFilter`].
pub struct DerivationStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for DerivationStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let root = crate::derive::derivational_root(&token.text);
        if root.len() != token.text.len() {
            token.text = root;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Token filter that folds `ё` to `е` (expects lowercased tokens).
#[derive(Clone, Copy, Debug, Default)]
pub struct YoFoldFilter;

impl TokenFilter for YoFoldFilter {
    type Tokenizer<T: Tokenizer> = YoFoldTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> YoFoldTokenizer<T> {
        YoFoldTokenizer { inner: tokenizer }
    }
}

/// Tokenizer wrapper produced by [`YoFoldFilter`].
#[derive(Clone)]
pub struct YoFoldTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for YoFoldTokenizer<T> {
    type TokenStream<'a> = YoFoldStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        YoFoldStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// Token stream produced by [`YoFoldFilter`].
pub struct YoFoldStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for YoFoldStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token.text.contains(['ё', 'Ё']) {
            token.text = fold_yo(&token.text);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Token filter that stems with the Snowball Russian stemmer from `rust-stemmers`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RussianStemFilter;

impl TokenFilter for RussianStemFilter {
    type Tokenizer<T: Tokenizer> = RussianStemTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RussianStemTokenizer<T> {
        RussianStemTokenizer { inner: tokenizer }
    }
}

/// Tokenizer wrapper produced by [`RussianStemFilter`].
#[derive(Clone)]
pub struct RussianStemTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for RussianStemTokenizer<T> {
    type TokenStream<'a> = RussianStemStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RussianStemStream {
            tail: self.inner.token_stream(text),
            buffer: String::new(),
        }
    }
}

/// Token stream produced by [`RussianStemFilter`].
pub struct RussianStemStream<T> {
    tail: T,
    buffer: String,
}

impl<T: TokenStream> TokenStream for RussianStemStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let stemmed = stemmer().stem(&token.text);
        if stemmed != token.text.as_str() {
            self.buffer.clear();
            self.buffer.push_str(&stemmed);
            mem::swap(&mut token.text, &mut self.buffer);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn inflected_forms_meet_in_the_index() {
        let mut analyzer = analyzer_stem();
        assert_eq!(
            tokens(&mut analyzer, "образование"),
            tokens(&mut analyzer, "ОБРАЗОВАНИЯ")
        );
        assert_eq!(
            tokens(&mut analyzer, "образовательных"),
            tokens(&mut analyzer, "образовательной")
        );
        assert_eq!(tokens(&mut analyzer, "ёлка"), tokens(&mut analyzer, "елка"));
        assert_eq!(tokens(&mut analyzer, "Ёлки"), ["елк"]);
    }

    #[test]
    fn stop_words_go_numbers_stay() {
        let mut analyzer = analyzer_stem();
        assert_eq!(
            tokens(&mut analyzer, "и в 2023 году для школ"),
            ["2023", "год", "школ"]
        );
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let mut analyzer = analyzer_stem();
        let text = "Профориентация ребёнка";
        let mut stream = analyzer.token_stream(text);
        assert!(stream.advance());
        assert!(stream.advance());
        let token = stream.token();
        assert_eq!(&text[token.offset_from..token.offset_to], "ребёнка");
        assert_eq!(token.text, "ребенк");
    }

    #[test]
    fn root_analyzer_joins_derived_words() {
        let mut analyzer = analyzer_root();
        assert_eq!(
            tokens(&mut analyzer, "профориентация"),
            tokens(&mut analyzer, "профориентационных")
        );
        assert_ne!(
            tokens(&mut analyzer, "образ"),
            tokens(&mut analyzer, "образование")
        );
    }

    #[test]
    fn exact_analyzer_keeps_forms() {
        let mut analyzer = analyzer_exact();
        assert_eq!(
            tokens(&mut analyzer, "Профориентации ёлка и"),
            ["профориентации", "елка", "и"]
        );
    }
}
