//! Word-level normalisation shared by the analyzer and by the rule-based extractors.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

/// The process-wide Snowball Russian stemmer (stateless, so one instance serves every thread).
pub(crate) fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::Russian))
}

/// Replaces `ё`/`Ё` with `е`/`Е`; other characters are kept as they are.
pub fn fold_yo(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ё' => 'е',
            'Ё' => 'Е',
            other => other,
        })
        .collect()
}

/// Lowercases a word and folds `ё` to `е`: the form every comparison in edusearch uses.
pub fn normalize_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    normalize_word_into(word, &mut out);
    out
}

/// Appends [`normalize_word`] of a word to `out` (no allocation when `out` has room).
pub fn normalize_word_into(word: &str, out: &mut String) {
    // One pass for the letters of Russian and ASCII texts; any other character takes the
    // general Unicode path (which also knows context, such as the Greek final sigma).
    let start = out.len();
    for ch in word.chars() {
        match ch {
            'A'..='Z' => out.push(ch.to_ascii_lowercase()),
            '\0'..='\x7f' | 'а'..='я' => out.push(ch),
            'Ё' | 'ё' => out.push('е'),
            'А'..='Я' => out.push(cyrillic_lowercase(ch)),
            _ => {
                out.truncate(start);
                out.push_str(&fold_yo(&word.to_lowercase()));
                return;
            }
        }
    }
}

/// [`str::to_lowercase`], quicker on Russian text: the Russian alphabet, ASCII and common
/// punctuation («», dashes, №) skip the Unicode tables.
pub fn lowercase(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            'A'..='Z' => out.push(ch.to_ascii_lowercase()),
            '\0'..='\x7f'
            | 'а'..='я'
            | 'ё'
            | '\u{a0}'..='\u{bf}'
            | '\u{2000}'..='\u{206f}'
            | '№' => {
                out.push(ch);
            }
            'Ё' => out.push('ё'),
            'А'..='Я' => out.push(cyrillic_lowercase(ch)),
            // The capital sigma lowercases by its context: leave the whole text to the library.
            'Σ' => return text.to_lowercase(),
            _ => out.extend(ch.to_lowercase()),
        }
    }
    out
}

/// [`char::is_uppercase`], without the Unicode tables for ASCII and the Russian alphabet.
pub fn is_uppercase(ch: char) -> bool {
    match ch {
        'A'..='Z' | 'А'..='Я' | 'Ё' => true,
        '\0'..='\x7f' | 'а'..='я' | 'ё' => false,
        _ => ch.is_uppercase(),
    }
}

/// `А..Я` to `а..я`: the basic Cyrillic capitals lie 0x20 below their small letters.
pub(crate) fn cyrillic_lowercase(ch: char) -> char {
    debug_assert!(('А'..='Я').contains(&ch));
    char::from_u32(u32::from(ch) + 0x20).unwrap_or(ch)
}

/// [`char::is_alphanumeric`], with the Russian alphabet and ASCII answered without the Unicode
/// tables (the tokenizer asks this of every character).
#[inline]
pub(crate) fn is_word_char(ch: char) -> bool {
    if ch.is_ascii() {
        ch.is_ascii_alphanumeric()
    } else {
        matches!(ch, 'А'..='я' | 'Ё' | 'ё') || ch.is_alphanumeric()
    }
}

/// Normalises and stems one word with the Snowball Russian stemmer.
///
/// Words that are not Cyrillic (numbers, Latin abbreviations) are only normalised.
pub fn stem_word(word: &str) -> String {
    let normalized = normalize_word(word);
    stemmer().stem(&normalized).into_owned()
}

/// A word's normalised form ([`normalize_word`]) and stem ([`stem_word`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordForms {
    /// Lowercase, `ё -> е`.
    pub normalized: Rc<str>,
    /// The Snowball stem of the normalised form.
    pub stem: Rc<str>,
}

/// Normalises and stems words, each distinct word once: a document repeats most of its words,
/// and several extractors (places, topics) read the same text. One cache serves one document
/// (or a few), on one thread; the forms are shared, not copied.
///
/// ```
/// use edusearch_russian::{StemCache, stem_word};
/// let mut cache = StemCache::new();
/// let forms = cache.forms("Образования");
/// assert_eq!(&*forms.normalized, "образования");
/// assert_eq!(*forms.stem, stem_word("образования"));
/// ```
#[derive(Debug, Default)]
pub struct StemCache {
    forms: FxHashMap<Rc<str>, WordForms>,
}

impl StemCache {
    /// An empty cache.
    pub fn new() -> StemCache {
        StemCache::default()
    }

    /// An empty cache with room for `words` distinct words.
    pub fn with_capacity(words: usize) -> StemCache {
        StemCache {
            forms: FxHashMap::with_capacity_and_hasher(words, Default::default()),
        }
    }

    /// The forms of a word as written: [`normalize_word`] and [`stem_word`] of it.
    pub fn forms(&mut self, word: &str) -> WordForms {
        if let Some(forms) = self.forms.get(word) {
            return forms.clone();
        }
        let normalized: Rc<str> = Rc::from(normalize_word(word));
        // A word already in normal form, a word the stemmer leaves whole: one string serves.
        let stem = match stemmer().stem(&normalized) {
            Cow::Borrowed(stem) if stem.len() == normalized.len() => Rc::clone(&normalized),
            stem => Rc::from(stem.as_ref()),
        };
        let key = if *normalized == *word {
            Rc::clone(&normalized)
        } else {
            Rc::from(word)
        };
        let forms = WordForms { normalized, stem };
        self.forms.insert(key, forms.clone());
        forms
    }
}

/// Distinct words a thread's long-lived cache holds before it starts over.
const THREAD_CACHE_WORDS: usize = 1 << 16;

impl StemCache {
    /// Distinct words in the cache.
    pub fn len(&self) -> usize {
        self.forms.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// Runs `work` with this thread's long-lived cache, so documents after the first find most
    /// of their words stemmed already (an index build parses thousands on each thread). The
    /// cache starts over past a bound; a nested call gets a cache of its own.
    pub fn with_thread_cache<R>(work: impl FnOnce(&mut StemCache) -> R) -> R {
        thread_local! {
            static CACHE: RefCell<StemCache> = RefCell::new(StemCache::new());
        }
        CACHE.with(|cache| match cache.try_borrow_mut() {
            Ok(mut cache) => {
                if cache.len() >= THREAD_CACHE_WORDS {
                    cache.forms.clear();
                }
                work(&mut cache)
            }
            Err(_) => work(&mut StemCache::new()),
        })
    }
}

/// A word of a text with its byte range in that text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word exactly as it stands in the text.
    pub text: &'a str,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

/// Splits a text into words: maximal runs of letters and digits, as the index tokenizer does.
pub fn words(text: &str) -> impl Iterator<Item = Word<'_>> {
    let mut next = 0;
    std::iter::from_fn(move || {
        let (start, end) = next_word(text, next)?;
        next = end;
        Some(Word {
            text: &text[start..end],
            start,
            end,
        })
    })
}

/// The byte range of the first word of `text` at or after byte `from` (a character
/// boundary): a maximal run of [`is_word_char`] characters.
#[inline]
pub(crate) fn next_word(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut at = from;
    loop {
        let (word, length) = word_char_at(text, at)?;
        if word {
            break;
        }
        at += length;
    }
    let start = at;
    while let Some((true, length)) = word_char_at(text, at) {
        at += length;
    }
    Some((start, at))
}

/// Whether the character at byte `at` (a character boundary) is a word character, and its
/// length in bytes; `None` at the end. ASCII and the Russian alphabet are told by their bytes
/// (every word of every text is split: decoding each character was a tenth of the parse).
#[inline]
fn word_char_at(text: &str, at: usize) -> Option<(bool, usize)> {
    let bytes = text.as_bytes();
    let first = *bytes.get(at)?;
    if first.is_ascii() {
        return Some((first.is_ascii_alphanumeric(), 1));
    }
    // UTF-8 of А..п is D0 90..BF, of Ё D0 81, of р..я D1 80..8F, of ё D1 91.
    let russian = match (first, bytes.get(at + 1)) {
        (0xD0, Some(&second)) => second >= 0x90 || second == 0x81,
        (0xD1, Some(&second)) => second <= 0x8F || second == 0x91,
        _ => false,
    };
    if russian {
        return Some((true, 2));
    }
    let ch = text[at..].chars().next()?;
    Some((is_word_char(ch), ch.len_utf8()))
}

/// Hyphenated compounds of a text written as one word («естественно-научный» →
/// «естественнонаучный»), so both spellings can meet.
///
/// Only the hyphens are visited (the index build calls this on every resolution body and
/// item): a compound is a hyphen with a word of letters right before and right after it.
pub fn hyphen_compounds(text: &str) -> Vec<String> {
    let alphabetic = |word: &str| word.chars().all(char::is_alphabetic);
    let mut compounds = Vec::new();
    for (hyphen, _) in text.match_indices('-') {
        let before = &text[..hyphen];
        let left_start = before
            .char_indices()
            .rev()
            .take_while(|(_, ch)| is_word_char(*ch))
            .last()
            .map(|(start, _)| start);
        let after = &text[hyphen + 1..];
        let right_len = after
            .char_indices()
            .find(|(_, ch)| !is_word_char(*ch))
            .map_or(after.len(), |(end, _)| end);
        let Some(left_start) = left_start else {
            continue;
        };
        let (left, right) = (&before[left_start..], &after[..right_len]);
        if !right.is_empty() && alphabetic(left) && alphabetic(right) {
            compounds.push(format!("{left}{right}"));
        }
    }
    compounds
}

/// Stems every word of a text (stop words included), in order.
pub fn stem_words(text: &str) -> Vec<String> {
    words(text).map(|word| stem_word(word.text)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition of [`words`]: characters decoded one by one.
    fn words_by_chars(text: &str) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some((start, ch)) = chars.next() {
            if !is_word_char(ch) {
                continue;
            }
            let mut end = start + ch.len_utf8();
            while let Some(&(offset, next)) = chars.peek() {
                if !is_word_char(next) {
                    break;
                }
                end = offset + next.len_utf8();
                chars.next();
            }
            found.push((start, end));
        }
        found
    }

    proptest! {
        #[test]
        fn words_are_the_runs_of_word_characters(
            text in "[а-яА-ЯёЁa-zA-Z0-9 .,«»№\\-\u{400}-\u{52f}\u{300}-\u{36f}]{0,40}|\\PC{0,40}",
            from_char in 0usize..45,
        ) {
            let spans: Vec<(usize, usize)> =
                words(&text).map(|word| (word.start, word.end)).collect();
            let expected = words_by_chars(&text);
            prop_assert_eq!(&spans, &expected);
            for word in words(&text) {
                prop_assert_eq!(word.text, &text[word.start..word.end]);
            }
            let from = text.char_indices().nth(from_char).map_or(text.len(), |(at, _)| at);
            let next = expected.iter().find(|(start, _)| *start >= from).copied();
            // A word that begins before `from` and goes on past it is found from `from`.
            let inside = expected
                .iter()
                .find(|(start, end)| *start < from && *end > from)
                .map(|&(_, end)| (from, end));
            prop_assert_eq!(next_word(&text, from), inside.or(next));
        }
    }

    /// The definition `hyphen_compounds` keeps: consecutive words with exactly a hyphen
    /// between them, both all letters.
    fn compounds_of_word_pairs(text: &str) -> Vec<String> {
        let spans: Vec<Word<'_>> = words(text).collect();
        let alphabetic = |word: &str| word.chars().all(char::is_alphabetic);
        spans
            .windows(2)
            .filter(|pair| &text[pair[0].end..pair[1].start] == "-")
            .filter(|pair| alphabetic(pair[0].text) && alphabetic(pair[1].text))
            .map(|pair| format!("{}{}", pair[0].text, pair[1].text))
            .collect()
    }

    #[test]
    fn compounds_are_the_hyphen_joined_word_pairs() {
        let mut texts = vec![
            "-начало, конец-, a--b, 5-й класс, IT-куб, «Точка-роста»-2024, ё-моё-",
            "естественно-научного профиля, 2023-2024, школа - город, военно-патриотический",
            "-",
            "",
        ];
        let corpus =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
        let seeds: Vec<String> = std::fs::read_dir(corpus)
            .unwrap()
            .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default())
            .collect();
        texts.extend(seeds.iter().map(String::as_str));
        let mut found = 0;
        for text in texts {
            let compounds = hyphen_compounds(text);
            assert_eq!(compounds, compounds_of_word_pairs(text), "{text:.80}");
            found += compounds.len();
        }
        assert!(found > 10, "the texts hold compounds: {found}");
    }

    #[test]
    fn yo_is_folded_before_stemming() {
        assert_eq!(stem_word("ёлка"), stem_word("елка"));
        assert_eq!(stem_word("Ребёнка"), stem_word("ребенка"));
        assert_eq!(stem_word("ёлка"), "елк");
    }

    #[test]
    fn inflected_forms_share_a_stem() {
        let stem = stem_word("образование");
        for form in ["образования", "образованию", "образованием", "образовании"]
        {
            assert_eq!(stem_word(form), stem, "{form}");
        }
        assert_eq!(stem_word("образовательных"), stem_word("образовательная"));
    }

    #[test]
    fn hyphenated_compounds_are_joined() {
        assert_eq!(
            hyphen_compounds("естественно-научного профиля, 2023-2024, школа - город"),
            ["естественнонаучного"]
        );
    }

    #[test]
    fn word_chars_are_the_alphanumeric_chars() {
        for ch in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(is_word_char(ch), ch.is_alphanumeric(), "{ch:?}");
        }
    }

    #[test]
    fn uppercase_is_the_unicode_uppercase() {
        for ch in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(is_uppercase(ch), ch.is_uppercase(), "{ch:?}");
        }
    }

    #[test]
    fn normalize_word_agrees_with_unicode_lowercase() {
        let general = |word: &str| fold_yo(&word.to_lowercase());
        for ch in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let word = ch.to_string();
            assert_eq!(normalize_word(&word), general(&word), "{ch:?}");
        }
        for word in [
            "",
            "ОБРАЗОВАНИЯ",
            "Ёлка",
            "ФГОС-2021",
            "ОΔΣ",
            "ΟΔΟΣ",
            "İstanbul",
            "Ǆ",
            "Mixed Ёё Σ",
        ] {
            assert_eq!(normalize_word(word), general(word), "{word:?}");
        }
    }

    #[test]
    fn normalizing_twice_changes_nothing() {
        // So a stem of the normalised form is the stem of the word («stem_word(normalized)»).
        for ch in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let once = normalize_word(&ch.to_string());
            assert_eq!(normalize_word(&once), once, "{ch:?}");
        }
        for word in ["ΟΔΟΣ", "ΑΣΑ", "ЁЛКА", "İI"] {
            let once = normalize_word(word);
            assert_eq!(normalize_word(&once), once, "{word:?}");
        }
    }

    #[test]
    fn the_thread_cache_gives_the_forms() {
        for word in ["Образования", "ёлка", "и", "2023"] {
            let forms = StemCache::with_thread_cache(|cache| {
                // A nested call works on a cache of its own.
                let nested = StemCache::with_thread_cache(|inner| inner.forms(word));
                assert_eq!(cache.forms(word), nested);
                cache.forms(word)
            });
            assert_eq!(*forms.stem, stem_word(word));
            assert_eq!(*forms.normalized, normalize_word(word));
        }
    }

    #[test]
    fn cached_forms_are_the_forms() {
        let mut cache = StemCache::new();
        for word in [
            "Образования",
            "образования",
            "ЁЛКИ",
            "2023",
            "ΟΔΟΣ",
            "Образования",
        ] {
            let forms = cache.forms(word);
            assert_eq!(*forms.normalized, normalize_word(word));
            assert_eq!(*forms.stem, stem_word(word));
        }
    }

    #[test]
    fn lowercase_agrees_with_unicode_lowercase() {
        for ch in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let text = format!("Ёж {ch}");
            assert_eq!(lowercase(&text), text.to_lowercase(), "{ch:?}");
        }
        for text in ["", "АΣ", "ΑΣ Я", "Профориентация ЁЛКИ", "İ", "MiXeD"]
        {
            assert_eq!(lowercase(text), text.to_lowercase(), "{text:?}");
        }
    }

    #[test]
    fn words_keep_numbers_and_offsets() {
        let text = "В 2023-2024 учебном году, №2!";
        let found: Vec<_> = words(text).map(|w| w.text).collect();
        assert_eq!(found, ["В", "2023", "2024", "учебном", "году", "2"]);
        let second = words(text).nth(1).unwrap();
        assert_eq!(&text[second.start..second.end], "2023");
    }
}
