//! tantivy analyzers built on the shared normalisation.

use tantivy::tokenizer::{
    RemoveLongFilter, StopWordFilter, TextAnalyzer, TextAnalyzerBuilder, Token, TokenFilter,
    TokenStream, Tokenizer, TokenizerManager,
};

use std::sync::OnceLock;

use crate::cached::{CachedWords, SharedWordTable};
use crate::normalize::{fold_yo, stemmer};
use crate::stopwords::STOP_WORDS;
use crate::synonyms::SynonymKeys;
use crate::thread_words::{Kind, ThreadWords};
use crate::tokenizer::{LowerFold, WordTokenizer};

// The registered names carry a version, bumped whenever an analyzer writes other tokens: the
// schema stores the names, so an index written by an older version is recognised and rebuilt.
/// Base name of the stemming analyzer: lowercase, `ё -> е`, stop words, Snowball Russian stem,
/// synonym keys. It is registered as [`analyzer_stem_name`], which adds a fingerprint of the
/// synonym dictionary.
pub const ANALYZER_STEM: &str = "ru_stem_2";
/// Name of the root analyzer: the stemming analyzer plus derivational roots.
pub const ANALYZER_ROOT: &str = "ru_root_1";
/// Name of the exact analyzer: lowercase and `ё -> е` only, for exact-form matching.
pub const ANALYZER_EXACT: &str = "ru_exact_1";

/// Words longer than this many bytes are dropped (base64 blobs, run-together debris).
const MAX_TOKEN_BYTES: usize = 80;

/// The stemming analyzer used for every searchable text field. Wherever a term of a synonym
/// group occurs it also writes the group's key ([`crate::Synonyms::key`]).
///
/// ```
/// use tantivy::tokenizer::TokenStream;
/// let mut analyzer = edusearch_russian::analyzer_stem();
/// let mut stream = analyzer.token_stream("Рабочих программ в 2023 году для детей с ОВЗ");
/// let mut tokens = Vec::new();
/// while stream.advance() {
///     tokens.push(stream.token().text.clone());
/// }
/// assert_eq!(tokens[..6], ["рабоч", "программ", "2023", "год", "дет", "овз"]);
/// // «ОВЗ» is a term of a synonym group: its key follows, at the same position.
/// assert!(tokens[6].starts_with("zsyn"));
/// ```
pub fn analyzer_stem() -> TextAnalyzer {
    // Synonym keys need the words around each word, so they follow the word table.
    TextAnalyzer::builder(CachedWords::new(analyzer_stem_uncached()))
        .filter(SynonymKeys::builtin())
        .build()
}

/// [`analyzer_stem`] over a word table that outlives it: for analyzers made for a moment (a
/// search marking its hits' words), which then analyse each distinct word once in all. Without
/// `synonym_keys` it writes the same tokens but the keys (quicker, for a search that looks for
/// no key).
pub fn analyzer_stem_shared(table: SharedWordTable, synonym_keys: bool) -> TextAnalyzer {
    let words = CachedWords::shared(analyzer_stem_uncached(), table);
    if synonym_keys {
        TextAnalyzer::builder(words)
            .filter(SynonymKeys::builtin())
            .build()
    } else {
        TextAnalyzer::from(words)
    }
}

/// [`analyzer_root`] over a word table that outlives it (see [`analyzer_stem_shared`]).
pub fn analyzer_root_shared(table: SharedWordTable) -> TextAnalyzer {
    TextAnalyzer::from(CachedWords::shared(analyzer_root_uncached(), table))
}

/// [`analyzer_stem`] without the word table and without synonym keys: what it gives each
/// word (and how queries are read).
pub(crate) fn analyzer_stem_uncached() -> TextAnalyzer {
    stems().build()
}

/// The analyzer over words of a text, each distinct word analysed once.
fn cached(per_word: TextAnalyzer) -> TextAnalyzer {
    TextAnalyzer::from(CachedWords::new(per_word))
}

/// Words, lowercased, `ё -> е`, stop words dropped, stemmed: what the stem and root analyzers
/// share.
pub(crate) fn stems() -> TextAnalyzerBuilder<impl Tokenizer> {
    // WordTokenizer and LowerFold: SimpleTokenizer, LowerCaser and YO_FOLD, quicker.
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerFold)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|word| word.to_string()),
        ))
        .filter(RUSSIAN_STEM)
}

/// The root analyzer: stems reduced to derivational roots (профориентационный → профориент).
pub fn analyzer_root() -> TextAnalyzer {
    cached(analyzer_root_uncached())
}

/// [`analyzer_root`] without the word table.
pub(crate) fn analyzer_root_uncached() -> TextAnalyzer {
    stems().filter(DERIVATION).build()
}

/// The exact analyzer: the same words as [`analyzer_stem`], neither stemmed nor stop-filtered.
pub fn analyzer_exact() -> TextAnalyzer {
    cached(analyzer_exact_uncached())
}

/// [`analyzer_exact`] without the word table.
pub(crate) fn analyzer_exact_uncached() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerFold)
        .build()
}

/// The name the stemming analyzer is registered (and named in the schema) under: its base name
/// and a fingerprint of the synonym dictionary, whose keys it writes — so an index written with
/// another dictionary is recognised and rebuilt.
pub fn analyzer_stem_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        format!(
            "{ANALYZER_STEM}_{:08x}",
            crate::Synonyms::builtin().fingerprint()
        )
    })
}

/// Registers every analyzer edusearch uses under its name, as the index writes text.
///
/// They give the tokens of [`analyzer_stem`], [`analyzer_exact`] and [`analyzer_root`] over one
/// word table per thread ([`ThreadWords`]): a body the index analyses for three fields is split
/// into words once. The exact analyzer gives each word of a text once: its field records only
/// which documents hold a form.
pub fn register_analyzers(manager: &TokenizerManager) {
    manager.register(
        analyzer_stem_name(),
        TextAnalyzer::builder(ThreadWords::new(analyzer_stem_uncached(), Kind::Stem))
            .filter(SynonymKeys::builtin())
            .build(),
    );
    manager.register(
        ANALYZER_EXACT,
        ThreadWords::distinct(analyzer_exact_uncached(), Kind::Exact),
    );
    manager.register(
        ANALYZER_ROOT,
        ThreadWords::new(analyzer_root_uncached(), Kind::Root),
    );
}

/// The analyzers as queries are read: the same, except that the stemming analyzer writes no
/// synonym keys (a query names a key itself, after [`crate::Synonyms::expand`]; a key next to
/// each word would turn every word into a phrase).
pub fn query_analyzers() -> TokenizerManager {
    let manager = TokenizerManager::default();
    manager.register(analyzer_stem_name(), analyzer_stem_uncached());
    manager.register(ANALYZER_EXACT, analyzer_exact_uncached());
    manager.register(ANALYZER_ROOT, analyzer_root_uncached());
    manager
}

/// A token filter that rewrites each token's text with a function (`None`: leave it as is).
#[derive(Clone, Copy)]
pub struct MapTextFilter {
    map: fn(&str) -> Option<String>,
}

impl std::fmt::Debug for MapTextFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MapTextFilter")
    }
}

/// Folds `ё` to `е` (expects lowercased tokens).
pub const YO_FOLD: MapTextFilter = MapTextFilter {
    map: |text| text.contains(['ё', 'Ё']).then(|| fold_yo(text)),
};

/// Stems with the Snowball Russian stemmer from `rust-stemmers`.
pub const RUSSIAN_STEM: MapTextFilter = MapTextFilter {
    map: |text| {
        let stemmed = stemmer().stem(text);
        (stemmed != text).then(|| stemmed.into_owned())
    },
};

/// Replaces stems with their derivational roots (expects stems).
pub const DERIVATION: MapTextFilter = MapTextFilter {
    map: |text| {
        let root = crate::derive::derivational_root(text);
        (root.len() != text.len()).then_some(root)
    },
};

impl TokenFilter for MapTextFilter {
    type Tokenizer<T: Tokenizer> = MapTextTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MapTextTokenizer<T> {
        MapTextTokenizer {
            inner: tokenizer,
            map: self.map,
        }
    }
}

/// Tokenizer wrapper produced by [`MapTextFilter`].
#[derive(Clone)]
pub struct MapTextTokenizer<T> {
    inner: T,
    map: fn(&str) -> Option<String>,
}

impl<T: Tokenizer> Tokenizer for MapTextTokenizer<T> {
    type TokenStream<'a> = MapTextStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MapTextStream {
            tail: self.inner.token_stream(text),
            map: self.map,
        }
    }
}

/// Token stream produced by [`MapTextFilter`].
pub struct MapTextStream<T> {
    tail: T,
    map: fn(&str) -> Option<String>,
}

impl<T: TokenStream> TokenStream for MapTextStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(text) = (self.map)(&token.text) {
            token.text = text;
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
        let text = "Воспитание ребёнка";
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

    /// The analyzers as they were built from tantivy's tokenizer and lowercaser.
    fn reference_analyzers() -> [TextAnalyzer; 3] {
        use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};
        let stems = || {
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
                .filter(LowerCaser)
                .filter(YO_FOLD)
                .filter(StopWordFilter::remove(
                    STOP_WORDS.iter().map(|word| word.to_string()),
                ))
                .filter(RUSSIAN_STEM)
        };
        let exact = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(YO_FOLD)
            .build();
        [stems().build(), stems().filter(DERIVATION).build(), exact]
    }

    #[test]
    fn analyzers_give_the_tokens_of_the_tantivy_steps() {
        let mut texts = crate::tokenizer::tests::seed_texts();
        texts.push(format!("ОΔΟΣ Ёлки {} конец", "я".repeat(60)));
        let mut quick = [analyzer_stem(), analyzer_root(), analyzer_exact()];
        let mut reference = reference_analyzers();
        for text in &texts {
            for (quick, reference) in quick.iter_mut().zip(reference.iter_mut()) {
                // Synonym keys are the stem analyzer's own addition (tested in `synonyms`).
                let mut ours = crate::tokenizer::tests::positioned(quick, text);
                ours.retain(|(token, ..)| !token.starts_with("zsyn"));
                assert_eq!(ours, crate::tokenizer::tests::positioned(reference, text));
            }
        }
    }

    #[test]
    fn registered_analyzers_give_the_tokens_of_the_analyzers() {
        let manager = TokenizerManager::default();
        register_analyzers(&manager);
        let names = [analyzer_stem_name(), ANALYZER_EXACT, ANALYZER_ROOT];
        let mut registered = names.map(|name| manager.get(name).unwrap());
        let mut expected = [analyzer_stem(), analyzer_exact(), analyzer_root()];
        for text in crate::tokenizer::tests::seed_texts() {
            // A document's fields: the body, then texts that begin with it.
            for text in [text.clone(), format!("{text}\nдети с ОВЗ"), text] {
                for ((ours, theirs), name) in
                    registered.iter_mut().zip(expected.iter_mut()).zip(names)
                {
                    let mut expected = crate::tokenizer::tests::positioned(theirs, &text);
                    if name == ANALYZER_EXACT {
                        // Each word written alike once: the field records only which documents
                        // hold a form.
                        let mut seen = std::collections::HashSet::new();
                        expected.retain(|token| seen.insert(&text[token.1..token.2]));
                    }
                    assert_eq!(crate::tokenizer::tests::positioned(ours, &text), expected);
                }
            }
        }
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
