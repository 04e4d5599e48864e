//! Russian text analysis for edusearch.
//!
//! One place decides how Russian words are normalised, so that the index, the query parser, the
//! place matcher and the topic rules all agree:
//!
//! 1. split into words (runs of letters and digits; numbers stay tokens),
//! 2. lowercase,
//! 3. fold `ё` to `е` (the Snowball Russian stemmer leaves any word containing `ё` unstemmed),
//! 4. drop stop words,
//! 5. stem with the Snowball Russian stemmer (`rust-stemmers`).
//!
//! ```
//! use edusearch_russian::stem_word;
//! assert_eq!(stem_word("образования"), stem_word("образование"));
//! assert_eq!(stem_word("Ёлка"), stem_word("елки"));
//! ```

mod analyzer;
mod cached;
mod derive;
mod lexicon;
mod normalize;
mod stopwords;
mod synonyms;
mod thread_words;
mod tokenizer;

pub use analyzer::{
    ANALYZER_EXACT, ANALYZER_ROOT, ANALYZER_STEM, DERIVATION, MapTextFilter, RUSSIAN_STEM, YO_FOLD,
    analyzer_exact, analyzer_root, analyzer_root_shared, analyzer_stem, analyzer_stem_name,
    analyzer_stem_shared, query_analyzers, register_analyzers,
};
#[cfg(test)]
pub(crate) use analyzer::{
    analyzer_exact_uncached, analyzer_root_uncached, analyzer_stem_uncached,
};
pub use cached::{CachedWords, CachedWordsStream, SharedWordTable};
pub use derive::{MIN_ROOT_CHARS, PROTECTED_ROOTS, derivational_root};
pub use lexicon::{
    is_function_form, is_known_stem, is_known_word, is_plausible_form, is_word_form, lexicon_len,
};
pub use normalize::{
    StemCache, Word, WordForms, fold_yo, hyphen_compounds, is_uppercase, lowercase, normalize_word,
    normalize_word_into, stem_word, stem_words, words,
};
pub use stopwords::{QUESTION_WORDS, STOP_WORDS, is_function_word, is_question_word, is_stop_word};
pub use synonyms::{
    Expansion, SynonymKeys, SynonymKeysStream, SynonymKeysTokenizer, Synonyms, SynonymsError,
    is_synonym_key,
};
pub use thread_words::{ThreadWords, ThreadWordsStream};
pub use tokenizer::{
    LowerFold, LowerFoldStream, LowerFoldTokenizer, WordTokenStream, WordTokenizer,
};
