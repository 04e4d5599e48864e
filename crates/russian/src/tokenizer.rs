//! The first two steps of the analyzers, quick on Russian text: words, then lowercase with
//! `ё -> е`.
//!
//! They give exactly what tantivy's `SimpleTokenizer` and `LowerCaser` followed by
//! [`YO_FOLD`](crate::YO_FOLD) give (the tests compare them), without a Unicode table lookup for
//! every Cyrillic letter, which made those two steps a quarter of an index build.

use std::mem;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use crate::normalize::cyrillic_lowercase;
pub(crate) use crate::normalize::next_word;

/// Splits a text into words: maximal runs of alphanumeric characters, as tantivy's
/// `SimpleTokenizer` does (and as [`words`](crate::words) does).
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

/// Token stream produced by [`WordTokenizer`].
pub struct WordTokenStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    next: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            next: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        let Some((from, to)) = next_word(self.text, self.next) else {
            self.next = self.text.len();
            return false;
        };
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.text.push_str(&self.text[from..to]);
        self.next = to;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Lowercases each token character by character (as tantivy's `LowerCaser`, which leaves out
/// the context rule of the Greek final sigma) and folds `ё` to `е`.
#[derive(Clone, Copy, Debug)]
pub struct LowerFold;

impl TokenFilter for LowerFold {
    type Tokenizer<T: Tokenizer> = LowerFoldTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> LowerFoldTokenizer<T> {
        LowerFoldTokenizer {
            inner: tokenizer,
            buffer: String::new(),
        }
    }
}

/// Tokenizer wrapper produced by [`LowerFold`].
#[derive(Clone)]
pub struct LowerFoldTokenizer<T> {
    inner: T,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for LowerFoldTokenizer<T> {
    type TokenStream<'a> = LowerFoldStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.buffer.clear();
        LowerFoldStream {
            tail: self.inner.token_stream(text),
            buffer: &mut self.buffer,
        }
    }
}

/// Token stream produced by [`LowerFold`].
pub struct LowerFoldStream<'a, T> {
    tail: T,
    buffer: &'a mut String,
}

impl<T: TokenStream> TokenStream for LowerFoldStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let text = &mut self.tail.token_mut().text;
        if text.is_ascii() {
            text.make_ascii_lowercase();
            return true;
        }
        self.buffer.clear();
        self.buffer.reserve(text.len());
        for ch in text.chars() {
            match ch {
                'A'..='Z' => self.buffer.push(ch.to_ascii_lowercase()),
                '\0'..='\x7f' | 'а'..='я' => self.buffer.push(ch),
                'Ё' | 'ё' => self.buffer.push('е'),
                'А'..='Я' => self.buffer.push(cyrillic_lowercase(ch)),
                _ => self.buffer.extend(ch.to_lowercase().map(fold_yo_char)),
            }
        }
        mem::swap(text, self.buffer);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

fn fold_yo_char(ch: char) -> char {
    match ch {
        'ё' => 'е',
        'Ё' => 'Е',
        other => other,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::*;
    use crate::YO_FOLD;

    /// The seed resolutions' texts (`index-data/resolutions`), for tests on real text.
    pub(crate) fn seed_texts() -> Vec<String> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
        let texts: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
            .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
            .collect();
        assert!(texts.len() >= 5, "seed resolutions missing");
        texts
    }

    /// The seed texts and one of mixed case, `ё`, Greek, a 60-letter word, stop words and a
    /// number: what the cached analyzers must tokenize exactly as the uncached ones.
    pub(crate) fn analysis_texts() -> Vec<String> {
        let mut texts = seed_texts();
        texts.push(format!(
            "ОΔΟΣ Ёлки ёлки ЁЛКИ {} конец и И в В 2023 ΣΑΣ",
            "я".repeat(60)
        ));
        texts
    }

    /// Each token of a text with its offsets and position.
    pub(crate) fn positioned(
        analyzer: &mut TextAnalyzer,
        text: &str,
    ) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((
                token.text.clone(),
                token.offset_from,
                token.offset_to,
                token.position,
            ));
        }
        out
    }

    /// Compares the quick steps with tantivy's on a text.
    fn assert_same(text: &str) {
        let mut reference = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(YO_FOLD)
            .build();
        let mut quick = TextAnalyzer::builder(WordTokenizer::default())
            .filter(LowerFold)
            .build();
        assert_eq!(
            positioned(&mut quick, text),
            positioned(&mut reference, text),
            "{text:?}"
        );
        // The same analyzer again: the token is reset between texts.
        assert_eq!(
            positioned(&mut quick, text),
            positioned(&mut reference, text),
            "{text:?}"
        );
    }

    #[test]
    fn same_tokens_as_tantivy_on_russian_text() {
        for text in [
            "",
            "   ",
            "Резолюция АВГУСТОВСКОГО совещания: «Точка роста», 2023-2024 уч. год; ЁЛКИ и ёжики.",
            "ПРОФОРИЕНТАЦИЯ—профориентация,ФГОС/ФООП №38 (г. Краснодар)\n\nΟΔΟΣ ΣΑΣ İstanbul Ǆ",
            "tail without end",
            "٣٤ ½ Ⅻ x²",
        ] {
            assert_same(text);
        }
    }

    #[test]
    fn same_tokens_as_tantivy_for_every_character() {
        let chars: Vec<char> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .collect();
        for chunk in chars.chunks(1 << 12) {
            let text: String = chunk
                .iter()
                .flat_map(|&ch| [ch, 'Я', ch, ' ', 'ё', ch])
                .collect();
            assert_same(&text);
        }
    }
}
