//! Analysis of each distinct word once: an index build sends every word of a text through
//! lowercasing, the stop list, the Snowball stemmer and the derivation rules, and the same
//! few thousand word forms make up most of a corpus.
//!
//! [`CachedWords`] splits a text into words as [`WordTokenizer`] does and looks each word up in
//! a table of the tokens it gave before; only a word seen for the first time goes through the
//! per-word analyzer. Every step of the analyzers works on one token at a time, so a word always
//! gives the same token (or none) wherever it stands, and positions and offsets are the
//! tokenizer's: the tokens are exactly those of the analyzer without the table (the tests
//! compare them).

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{Arc, PoisonError, RwLock};

use rustc_hash::FxHasher;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use crate::tokenizer::{WordTokenStream, WordTokenizer};

/// Distinct words one analyzer remembers before it starts over, so memory stays bounded
/// (a few megabytes) on a corpus with a long tail of rare words. The table is not counted in
/// tantivy's writer memory budget.
const MAX_CACHED_WORDS: usize = 1 << 16;

/// Word as written → its token, `None` when the analyzer drops the word.
type WordTable = HashMap<Box<str>, Option<Box<str>>, BuildHasherDefault<FxHasher>>;

/// A word table that analyzers share and that outlives them: searches build their analyzers
/// for a moment each (to mark the words of their hits), and find there every word an earlier
/// search analysed. Cloning it shares it.
#[derive(Clone, Default)]
pub struct SharedWordTable(Arc<RwLock<WordTable>>);

impl std::fmt::Debug for SharedWordTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedWordTable")
    }
}

/// The table of one analyzer (an index writer's thread), or one shared by many.
#[derive(Clone)]
enum Table {
    Own(WordTable),
    Shared(SharedWordTable),
}

impl Table {
    /// Whether `word` is known: `Some(true)` with its token written into `out`, `Some(false)`
    /// when the analyzer drops it, `None` when it was never analysed.
    fn find(&self, word: &str, out: &mut String) -> Option<bool> {
        let copy = |known: &Option<Box<str>>, out: &mut String| match known {
            Some(text) => {
                out.clear();
                out.push_str(text);
                true
            }
            None => false,
        };
        match self {
            Table::Own(table) => table.get(word).map(|known| copy(known, out)),
            Table::Shared(shared) => shared
                .0
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .get(word)
                .map(|known| copy(known, out)),
        }
    }

    /// Remembers what `word` gives, starting over when the table holds `capacity` words.
    fn remember(&mut self, word: &str, token: Option<&str>, capacity: usize) {
        let insert = |table: &mut WordTable| {
            if table.len() >= capacity {
                table.clear();
            }
            table.insert(Box::from(word), token.map(Box::from));
        };
        match self {
            Table::Own(table) => insert(table),
            Table::Shared(shared) => {
                insert(&mut shared.0.write().unwrap_or_else(PoisonError::into_inner));
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        match self {
            Table::Own(table) => table.len(),
            Table::Shared(shared) => shared
                .0
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .len(),
        }
    }
}

/// A tokenizer that gives the tokens of `per_word` run on each word of a text, analysing each
/// distinct word once.
///
/// `per_word` must start with [`WordTokenizer`] and continue with filters that look at one token
/// at a time (so a word gives at most one token, the same wherever it stands).
#[derive(Clone)]
pub struct CachedWords {
    words: WordTokenizer,
    per_word: TextAnalyzer,
    table: Table,
    capacity: usize,
}

impl CachedWords {
    /// Caches the tokens `per_word` gives each word.
    pub fn new(per_word: TextAnalyzer) -> CachedWords {
        CachedWords::with_capacity(per_word, MAX_CACHED_WORDS)
    }

    /// Caches the tokens `per_word` gives each word in `table`, which other analyzers share.
    pub fn shared(per_word: TextAnalyzer, table: SharedWordTable) -> CachedWords {
        CachedWords {
            words: WordTokenizer::default(),
            per_word,
            table: Table::Shared(table),
            capacity: MAX_CACHED_WORDS,
        }
    }

    fn with_capacity(per_word: TextAnalyzer, capacity: usize) -> CachedWords {
        CachedWords {
            words: WordTokenizer::default(),
            per_word,
            table: Table::Own(WordTable::default()),
            capacity,
        }
    }
}

impl Tokenizer for CachedWords {
    type TokenStream<'a> = CachedWordsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CachedWordsStream<'a> {
        CachedWordsStream {
            words: self.words.token_stream(text),
            per_word: &mut self.per_word,
            table: &mut self.table,
            capacity: self.capacity,
            found: String::new(),
        }
    }
}

/// Token stream produced by [`CachedWords`].
pub struct CachedWordsStream<'a> {
    words: WordTokenStream<'a>,
    per_word: &'a mut TextAnalyzer,
    table: &'a mut Table,
    capacity: usize,
    /// The token found in the table, swapped with the word's (so neither buffer is
    /// reallocated).
    found: String,
}

impl TokenStream for CachedWordsStream<'_> {
    fn advance(&mut self) -> bool {
        while self.words.advance() {
            let token = self.words.token_mut();
            match self.table.find(&token.text, &mut self.found) {
                Some(true) => {
                    std::mem::swap(&mut token.text, &mut self.found);
                    return true;
                }
                Some(false) => continue,
                None => {}
            }
            let analysed = analyse_word(self.per_word, &token.text);
            self.table
                .remember(&token.text, analysed.as_deref(), self.capacity);
            if let Some(text) = analysed {
                token.text = text;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.words.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.words.token_mut()
    }
}

/// The token the analyzer gives a single word, `None` when it drops it.
pub(crate) fn analyse_word(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut stream = analyzer.token_stream(word);
    let text = stream.advance().then(|| stream.token().text.clone());
    debug_assert!(
        !stream.advance(),
        "one word gives at most one token: {word:?}"
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::tests::{analysis_texts as texts, positioned};
    use crate::{analyzer_exact_uncached, analyzer_root_uncached, analyzer_stem_uncached};

    #[test]
    fn cached_tokens_are_the_analyzer_tokens() {
        for (uncached, capacity) in [
            (
                analyzer_stem_uncached as fn() -> TextAnalyzer,
                MAX_CACHED_WORDS,
            ),
            (analyzer_root_uncached, MAX_CACHED_WORDS),
            (analyzer_exact_uncached, MAX_CACHED_WORDS),
            // A table that starts over every few words.
            (analyzer_stem_uncached, 3),
            (analyzer_root_uncached, 1),
        ] {
            let mut cached = TextAnalyzer::from(CachedWords::with_capacity(uncached(), capacity));
            let mut reference = uncached();
            // Twice over every text: the second pass finds every word in the table.
            for text in texts().iter().chain(texts().iter()) {
                let expected = positioned(&mut reference, text);
                assert!(!expected.is_empty());
                assert_eq!(positioned(&mut cached, text), expected);
            }
        }
    }

    #[test]
    fn analyzers_sharing_a_table_give_the_analyzer_tokens() {
        let table = SharedWordTable::default();
        let mut reference = analyzer_stem_uncached();
        for text in texts().iter().chain(texts().iter()) {
            // A new analyzer for each text, as searches make them: the second round finds
            // every word the first one put in the table.
            let mut shared =
                TextAnalyzer::from(CachedWords::shared(analyzer_stem_uncached(), table.clone()));
            assert_eq!(
                positioned(&mut shared, text),
                positioned(&mut reference, text)
            );
        }
        assert!(Table::Shared(table).len() > 10);
    }

    #[test]
    fn the_table_stays_bounded() {
        let mut cached = CachedWords::with_capacity(analyzer_stem_uncached(), 10);
        let text = texts().concat();
        let mut stream = cached.token_stream(&text);
        while stream.advance() {}
        assert!(cached.table.len() <= 10);
    }
}
