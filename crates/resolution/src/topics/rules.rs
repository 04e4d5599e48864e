//! Rules: terms compiled from their syntax into patterns of words, matched on a text's words.

use std::borrow::Cow;
use std::rc::Rc;

use edusearch_russian::{
    StemCache, WordForms, fold_yo, is_uppercase, normalize_word, stem_word, words,
};

/// Minimum number of letters before the `*` of a prefix, so that a rule cannot match half the
/// language by accident.
const MIN_PREFIX_CHARS: usize = 4;

/// The first [`MIN_PREFIX_CHARS`] characters of a word, if it has that many.
pub(super) fn prefix_start(word: &str) -> Option<&str> {
    let mut ends = word
        .char_indices()
        .map(|(offset, ch)| offset + ch.len_utf8());
    ends.nth(MIN_PREFIX_CHARS - 1).map(|end| &word[..end])
}

/// One word of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Element {
    /// Any inflected form: the Snowball stem must be equal.
    Stem { stem: String, capitalized: bool },
    /// Any word beginning with these (normalised) letters.
    Prefix { prefix: String, capitalized: bool },
    /// An abbreviation: the whole word, case-sensitively (after `ё -> е`).
    Abbreviation(String),
}

/// A compiled rule: consecutive elements.
#[derive(Debug, Clone)]
pub(super) struct Pattern {
    pub(super) elements: Vec<Element>,
}

/// Characters that end a phrase: a term never matches across them. Commas, dashes and quotes
/// do not end one («технической, естественно – научной направленности» is one phrase).
const PHRASE_BREAKS: &[char] = &['.', '!', '?', ';', ':', '(', ')', '[', ']'];

/// A word of the classified text, prepared once for every rule.
pub(super) struct Token<'a> {
    /// As written, with `ё` folded (abbreviations compare against this).
    pub(super) folded: Cow<'a, str>,
    /// Lowercase, `ё -> е`.
    pub(super) normalized: Rc<str>,
    pub(super) stem: Rc<str>,
    capitalized: bool,
    /// Whether a [`PHRASE_BREAKS`] character stands between this word and the previous one.
    break_before: bool,
}

/// Whether letter case is compared (texts) or ignored (users' queries in [`Taxonomy::find`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CaseMode {
    Strict,
    Ignore,
}

impl Element {
    fn matches(&self, token: &Token, case: CaseMode) -> bool {
        let strict = case == CaseMode::Strict;
        match self {
            Element::Stem { stem, capitalized } => {
                *token.stem == **stem && (!strict || !capitalized || token.capitalized)
            }
            Element::Prefix {
                prefix,
                capitalized,
            } => {
                token.normalized.starts_with(prefix.as_str())
                    && (!strict || !capitalized || token.capitalized)
            }
            Element::Abbreviation(exact) => {
                if strict {
                    *token.folded == **exact
                } else {
                    *token.normalized == normalize_word(exact)
                }
            }
        }
    }
}

impl Pattern {
    /// Whether the pattern matches the tokens starting at `start`.
    pub(super) fn matches_at(&self, tokens: &[Token], start: usize, case: CaseMode) -> bool {
        let Some(window) = tokens.get(start..start + self.elements.len()) else {
            return false;
        };
        window.iter().skip(1).all(|token| !token.break_before)
            && self
                .elements
                .iter()
                .zip(window)
                .all(|(element, token)| element.matches(token, case))
    }
}

pub(super) fn tokenize<'a>(text: &'a str, stems: &mut StemCache) -> Vec<Token<'a>> {
    let mut previous_end = 0;
    words(text)
        .map(|word| {
            let gap = &text[previous_end..word.start];
            previous_end = word.end;
            let WordForms { normalized, stem } = stems.forms(word.text);
            let folded = if word.text.contains(['ё', 'Ё']) {
                Cow::Owned(fold_yo(word.text))
            } else {
                Cow::Borrowed(word.text)
            };
            Token {
                folded,
                normalized,
                stem,
                capitalized: word.text.chars().next().is_some_and(is_uppercase),
                break_before: gap.contains(PHRASE_BREAKS),
            }
        })
        .collect()
}

pub(super) enum RuleProblem {
    Empty,
    Invalid(String),
}

/// Compiles one rule: white-space separated chunks; a chunk may hold several words joined by
/// hyphens («естественно-научн*»), the `*` applying to its last word.
pub(super) fn compile_rule(rule: &str) -> Result<Pattern, RuleProblem> {
    let mut elements = Vec::new();
    for chunk in rule.split_whitespace() {
        let (body, is_prefix) = match chunk.strip_suffix('*') {
            Some(body) => (body, true),
            None => (chunk, false),
        };
        if body.contains('*') {
            return Err(RuleProblem::Invalid(format!(
                "`*` may only end a word (in `{chunk}`)"
            )));
        }
        let chunk_words: Vec<&str> = words(body).map(|word| word.text).collect();
        let Some(last) = chunk_words.len().checked_sub(1) else {
            if is_prefix {
                return Err(RuleProblem::Invalid(format!(
                    "`{chunk}` has no letters before `*`"
                )));
            }
            continue;
        };
        for (position, word) in chunk_words.iter().enumerate() {
            elements.push(compile_word(word, is_prefix && position == last)?);
        }
    }
    if elements.is_empty() {
        return Err(RuleProblem::Empty);
    }
    Ok(Pattern { elements })
}

fn compile_word(word: &str, is_prefix: bool) -> Result<Element, RuleProblem> {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let is_abbreviation = letters >= 2 && !word.chars().any(char::is_lowercase);
    let capitalized = word.chars().next().is_some_and(char::is_uppercase);
    if is_abbreviation {
        if is_prefix {
            return Err(RuleProblem::Invalid(format!(
                "abbreviation `{word}` cannot be a prefix: write it whole, or in lowercase"
            )));
        }
        return Ok(Element::Abbreviation(fold_yo(word)));
    }
    if is_prefix {
        let prefix = normalize_word(word);
        if prefix.chars().count() < MIN_PREFIX_CHARS {
            return Err(RuleProblem::Invalid(format!(
                "prefix `{word}*` is too short (at least {MIN_PREFIX_CHARS} letters)"
            )));
        }
        return Ok(Element::Prefix {
            prefix,
            capitalized,
        });
    }
    Ok(Element::Stem {
        stem: stem_word(word),
        capitalized,
    })
}
