//! Domain synonyms and abbreviations (ОВЗ ↔ ограниченные возможности здоровья). The
//! dictionary is `data/synonyms.toml`; its header documents the format.
//!
//! Synonyms work at index time: the stemming analyzer writes, wherever any term of a group
//! occurs, one more token at the position of the term's first word — the group's *key*
//! ([`Synonyms::key`]). A query then asks for that single key instead of a phrase for every
//! alternative, so «профориентация» costs one term lookup, not a phrase query that reads the
//! positions of every matching document. [`Synonyms::expand`] rewrites queries to keys.

use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::Deserialize;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};
use thiserror::Error;

use crate::{normalize_word, stem_word, words};

/// Why a synonyms file was refused.
#[derive(Debug, Error)]
pub enum SynonymsError {
    /// The TOML does not parse or has unknown keys.
    #[error("synonyms file is not valid: {0}")]
    Syntax(#[from] toml::de::Error),
    /// A group has fewer than two terms.
    #[error("synonym group #{group} needs at least two terms")]
    TooFewTerms {
        /// 1-based group number.
        group: usize,
    },
    /// A term has no words.
    #[error("synonym group #{group} has an empty term")]
    EmptyTerm {
        /// 1-based group number.
        group: usize,
    },
    /// A term stands in two groups.
    #[error("term «{term}» stands in groups #{first} and #{second}")]
    Duplicate {
        /// The term.
        term: String,
        /// 1-based number of the first group.
        first: usize,
        /// 1-based number of the second group.
        second: usize,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    group: Vec<GroupFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupFile {
    terms: Vec<String>,
}

#[derive(Debug, Clone)]
struct Term {
    /// As written in the dictionary.
    text: String,
    /// Stems of its words.
    stems: Vec<String>,
    /// A short abbreviation (≤ 2 letters) must be typed in capitals to count.
    needs_capitals: bool,
}

/// The synonym dictionary.
#[derive(Debug, Clone)]
pub struct Synonyms {
    groups: Vec<Vec<Term>>,
    /// First stem of a term → (group, term) pairs, longest terms first.
    by_first_stem: HashMap<String, Vec<(usize, usize)>>,
    /// The key token of each group.
    keys: Vec<String>,
    /// For the index: first token of a term (as the stemming analyzer writes it) → the
    /// term's tokens and its group, longest terms first.
    by_first_token: FxHashMap<String, Vec<(Vec<String>, usize)>>,
}

/// A synonym found in a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The words of the query that matched.
    pub matched: String,
    /// The other terms of the group.
    pub alternatives: Vec<String>,
}

impl Synonyms {
    /// The dictionary compiled into the binary.
    pub fn builtin() -> &'static Synonyms {
        static BUILTIN: OnceLock<Synonyms> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Synonyms::from_toml(include_str!("../data/synonyms.toml"))
                .expect("the built-in synonyms file is valid (tested)")
        })
    }

    /// Parses a dictionary.
    pub fn from_toml(text: &str) -> Result<Self, SynonymsError> {
        let file: File = toml::from_str(text)?;
        let mut groups = Vec::with_capacity(file.group.len());
        let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
        for (index, group) in file.group.into_iter().enumerate() {
            let number = index + 1;
            if group.terms.len() < 2 {
                return Err(SynonymsError::TooFewTerms { group: number });
            }
            let mut terms = Vec::new();
            for text in group.terms {
                let stems: Vec<String> = words(&text).map(|word| stem_word(word.text)).collect();
                if stems.is_empty() {
                    return Err(SynonymsError::EmptyTerm { group: number });
                }
                if let Some(first) = seen.insert(stems.clone(), number) {
                    return Err(SynonymsError::Duplicate {
                        term: text,
                        first,
                        second: number,
                    });
                }
                let letters = text.chars().filter(|c| c.is_alphabetic()).count();
                let needs_capitals = letters <= 2
                    && text
                        .chars()
                        .filter(|c| c.is_alphabetic())
                        .all(char::is_uppercase);
                terms.push(Term {
                    text,
                    stems,
                    needs_capitals,
                });
            }
            groups.push(terms);
        }
        let mut by_first_stem: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (group_index, group) in groups.iter().enumerate() {
            for (term_index, term) in group.iter().enumerate() {
                by_first_stem
                    .entry(term.stems[0].clone())
                    .or_default()
                    .push((group_index, term_index));
            }
        }
        for candidates in by_first_stem.values_mut() {
            candidates
                .sort_by_key(|&(group, term)| std::cmp::Reverse(groups[group][term].stems.len()));
        }
        let keys: Vec<String> = groups
            .iter()
            .map(|group| group_key(&group[0].text))
            .collect();
        // The index sees what the analyzer writes: stop words gone (a term made only of stop
        // words, like «ВО», never matches there, as it never matched a query), hyphenated words
        // split.
        let mut by_first_token: FxHashMap<String, Vec<(Vec<String>, usize)>> = FxHashMap::default();
        let mut analyzer = crate::analyzer::stems().build();
        for (group_index, group) in groups.iter().enumerate() {
            for term in group {
                let mut tokens = Vec::new();
                let mut stream = analyzer.token_stream(&term.text);
                while stream.advance() {
                    tokens.push(stream.token().text.clone());
                }
                if let Some(first) = tokens.first().cloned() {
                    by_first_token
                        .entry(first)
                        .or_default()
                        .push((tokens, group_index));
                }
            }
        }
        for candidates in by_first_token.values_mut() {
            candidates.sort_by_key(|(tokens, _)| std::cmp::Reverse(tokens.len()));
        }
        Ok(Self {
            groups,
            by_first_stem,
            keys,
            by_first_token,
        })
    }

    /// A hash of what the index writes: each group's key and its terms' tokens.
    pub fn fingerprint(&self) -> u32 {
        let mut entries: Vec<(&Vec<String>, usize)> = self
            .by_first_token
            .values()
            .flatten()
            .map(|(tokens, group)| (tokens, *group))
            .collect();
        entries.sort();
        let mut hash: u32 = 0x811c_9dc5;
        let mut feed = |text: &str| {
            for byte in text.bytes().chain([0]) {
                hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
            }
        };
        for (tokens, group) in entries {
            feed(&self.keys[group]);
            tokens.iter().for_each(|token| feed(token));
        }
        hash
    }

    /// The token the index writes for group `group` wherever one of its terms occurs.
    pub fn key(&self, group: usize) -> &str {
        &self.keys[group]
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether the dictionary is empty.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Rewrites a sanitized query (words, `"phrases"`, `-exclusions`) so that each synonym
    /// becomes its group's key — `(word OR key)` for a single word, so the word still matches
    /// its derived forms and ranks the form as typed first — and returns what matched.
    /// Words inside quotes and excluded words are left alone.
    pub fn expand(&self, query: &str) -> (String, Vec<Expansion>) {
        self.expand_with(query, |word, key| format!("({word} OR {key})"))
    }

    /// [`Synonyms::expand`], with the clause a single matched word becomes written by
    /// `single(word, key)` (the word normalised); a matched phrase always becomes its key.
    pub fn expand_with(
        &self,
        query: &str,
        single: impl Fn(&str, &str) -> String,
    ) -> (String, Vec<Expansion>) {
        let spans: Vec<_> = words(query).collect();
        let mut out = String::with_capacity(query.len() * 2);
        let mut expansions = Vec::new();
        let mut cursor = 0;
        let mut index = 0;
        while index < spans.len() {
            let word = spans[index];
            let before = &query[..word.start];
            let quoted = !before.matches('"').count().is_multiple_of(2);
            let excluded = before.ends_with('-');
            let found = if quoted || excluded {
                None
            } else {
                self.match_at(&spans, index)
            };
            let Some((group, length)) = found else {
                index += 1;
                continue;
            };
            let last = spans[index + length - 1];
            let matched = &query[word.start..last.end];
            if matched.contains('"') {
                // A quote inside the words: the phrase is not the term (and replacing it would
                // unbalance the quotes).
                index += 1;
                continue;
            }
            let matched_stems: Vec<String> = spans[index..index + length]
                .iter()
                .map(|word| stem_word(word.text))
                .collect();
            let alternatives: Vec<String> = self.groups[group]
                .iter()
                .filter(|term| term.stems != matched_stems)
                .map(|term| term.text.clone())
                .collect();
            out.push_str(&query[cursor..word.start]);
            if length == 1 {
                out.push_str(&single(&normalize_word(matched), self.key(group)));
            } else {
                out.push_str(self.key(group));
            }
            cursor = last.end;
            expansions.push(Expansion {
                matched: matched.to_string(),
                alternatives,
            });
            index += length;
        }
        out.push_str(&query[cursor..]);
        (out, expansions)
    }

    /// The longest term starting at word `index`: (group, number of words).
    fn match_at(&self, spans: &[crate::Word<'_>], index: usize) -> Option<(usize, usize)> {
        let first = stem_word(spans[index].text);
        let candidates = self.by_first_stem.get(&first)?;
        candidates.iter().find_map(|&(group, term_index)| {
            let term = &self.groups[group][term_index];
            let length = term.stems.len();
            let window = spans.get(index..index + length)?;
            let stems_match = window
                .iter()
                .zip(&term.stems)
                .all(|(word, stem)| &stem_word(word.text) == stem);
            let capitals_ok = !term.needs_capitals
                || window
                    .iter()
                    .all(|word| word.text.chars().all(|c| !c.is_lowercase()));
            (stems_match && capitals_ok).then_some((group, length))
        })
    }
}

/// How every group key starts.
const KEY_PREFIX: &str = "zsyn";

/// Whether a token is a synonym group's key (which the stemming analyzer writes beside a term
/// of the group).
pub fn is_synonym_key(token: &str) -> bool {
    token.len() == KEY_PREFIX.len() + 8
        && token.starts_with(KEY_PREFIX)
        && token[KEY_PREFIX.len()..]
            .bytes()
            .all(|byte| byte.is_ascii_hexdigit())
}

/// A group's key: Latin letters and digits, which the Russian analyzers keep as they are and
/// which no Russian text contains («zsyn» and a hash of the group's first term).
fn group_key(first_term: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in normalize_word(first_term).bytes() {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    format!("{KEY_PREFIX}{hash:08x}")
}

/// The token filter that writes synonym keys (see the module documentation).
#[derive(Clone, Copy)]
pub struct SynonymKeys {
    synonyms: &'static Synonyms,
}

impl SynonymKeys {
    /// Keys of the built-in dictionary.
    pub fn builtin() -> Self {
        Self {
            synonyms: Synonyms::builtin(),
        }
    }
}

impl std::fmt::Debug for SynonymKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SynonymKeys")
    }
}

impl TokenFilter for SynonymKeys {
    type Tokenizer<T: Tokenizer> = SynonymKeysTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> SynonymKeysTokenizer<T> {
        SynonymKeysTokenizer {
            inner: tokenizer,
            synonyms: self.synonyms,
        }
    }
}

/// Tokenizer wrapper produced by [`SynonymKeys`].
#[derive(Clone)]
pub struct SynonymKeysTokenizer<T> {
    inner: T,
    synonyms: &'static Synonyms,
}

impl<T: Tokenizer> Tokenizer for SynonymKeysTokenizer<T> {
    type TokenStream<'a> = SynonymKeysStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SynonymKeysStream {
            inner: self.inner.token_stream(text),
            synonyms: self.synonyms,
            ahead: VecDeque::new(),
            own: Token::default(),
            from_inner: true,
            pending_key: None,
        }
    }
}

/// Token stream produced by [`SynonymKeysTokenizer`]: the tokens of the inner stream, each
/// term of a synonym group followed by the group's key.
pub struct SynonymKeysStream<S> {
    inner: S,
    synonyms: &'static Synonyms,
    /// Tokens read ahead to match a term of several words, not yet given out.
    ahead: VecDeque<Token>,
    /// The current token when it is not the inner stream's.
    own: Token,
    from_inner: bool,
    /// A key to give out after the current token.
    pending_key: Option<Token>,
}

impl<S: TokenStream> SynonymKeysStream<S> {
    /// Looks for a term starting at the current token; on a match, queues its key.
    fn find_key(&mut self) {
        let synonyms = self.synonyms;
        let current = if self.from_inner {
            self.inner.token()
        } else {
            &self.own
        };
        let Some(candidates) = synonyms.by_first_token.get(current.text.as_str()) else {
            return;
        };
        if self.from_inner {
            // Reading ahead moves the inner stream: keep the current token.
            self.own.clone_from(self.inner.token());
            self.from_inner = false;
        }
        for (tokens, group) in candidates {
            let following = tokens.len() - 1;
            while self.ahead.len() < following && self.inner.advance() {
                self.ahead.push_back(self.inner.token().clone());
            }
            if self.ahead.len() < following
                || !self
                    .ahead
                    .iter()
                    .zip(&tokens[1..])
                    .all(|(token, expected)| token.text == *expected)
            {
                continue;
            }
            let offset_to = match following {
                0 => self.own.offset_to,
                _ => self.ahead[following - 1].offset_to,
            };
            self.pending_key = Some(Token {
                offset_from: self.own.offset_from,
                offset_to,
                position: self.own.position,
                text: synonyms.key(*group).to_string(),
                position_length: 1,
            });
            return;
        }
    }
}

impl<S: TokenStream> TokenStream for SynonymKeysStream<S> {
    fn advance(&mut self) -> bool {
        if let Some(key) = self.pending_key.take() {
            self.own = key;
            self.from_inner = false;
            return true;
        }
        if let Some(next) = self.ahead.pop_front() {
            self.own = next;
            self.from_inner = false;
        } else {
            if !self.inner.advance() {
                return false;
            }
            self.from_inner = true;
        }
        self.find_key();
        true
    }

    fn token(&self) -> &Token {
        if self.from_inner {
            self.inner.token()
        } else {
            &self.own
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.from_inner {
            self.inner.token_mut()
        } else {
            &mut self.own
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_dictionary_loads() {
        assert!(Synonyms::builtin().len() >= 20);
    }

    fn key_of(synonyms: &Synonyms, term: &str) -> String {
        let group = synonyms
            .groups
            .iter()
            .position(|group| group.iter().any(|candidate| candidate.text == term))
            .expect("the term is in the dictionary");
        synonyms.key(group).to_string()
    }

    /// The stemming analyzer's tokens of a text with their byte offsets and positions.
    fn indexed(text: &str) -> Vec<(String, usize, usize, usize)> {
        crate::tokenizer::tests::positioned(&mut crate::analyzer_stem(), text)
    }

    #[test]
    fn an_abbreviation_and_its_phrase_become_the_same_key() {
        let synonyms = Synonyms::builtin();
        let key = key_of(synonyms, "ОВЗ");
        let (query, found) = synonyms.expand("овз");
        assert_eq!(query, format!("(овз OR {key})"));
        assert_eq!(found[0].alternatives, ["ограниченные возможности здоровья"]);
        let (query, found) = synonyms.expand("детей с ограниченными возможностями здоровья");
        assert_eq!(query, format!("детей с {key}"));
        assert_eq!(found[0].matched, "ограниченными возможностями здоровья");
        assert_eq!(found[0].alternatives, ["ОВЗ"]);
    }

    #[test]
    fn multiword_synonyms_in_any_case() {
        let synonyms = Synonyms::builtin();
        let key = key_of(synonyms, "профориентация");
        let (query, _) = synonyms.expand("профессиональной ориентации школьников");
        assert_eq!(query, format!("{key} школьников"));
    }

    #[test]
    fn the_fingerprint_changes_with_what_the_index_writes() {
        let base = "[[group]]\nterms = [\"ОВЗ\", \"ограниченные возможности здоровья\"]\n";
        let one = Synonyms::from_toml(base).unwrap();
        let same = Synonyms::from_toml(base).unwrap();
        let more = Synonyms::from_toml(&format!(
            "{base}[[group]]\nterms = [\"вуз\", \"высшая школа\"]\n"
        ))
        .unwrap();
        assert_eq!(one.fingerprint(), same.fingerprint());
        assert_ne!(one.fingerprint(), more.fingerprint());
        assert!(crate::analyzer_stem_name().starts_with(crate::ANALYZER_STEM));
    }

    #[test]
    fn keys_are_latin_tokens_the_analyzers_keep() {
        let synonyms = Synonyms::builtin();
        for group in 0..synonyms.len() {
            let key = synonyms.key(group);
            assert!(key.starts_with("zsyn") && key.is_ascii(), "{key}");
            for mut analyzer in [crate::analyzer_stem(), crate::analyzer_root()] {
                let mut stream = analyzer.token_stream(key);
                assert!(stream.advance());
                assert_eq!(stream.token().text, key);
                assert!(!stream.advance());
            }
        }
    }

    #[test]
    fn the_index_writes_a_key_over_every_form_of_a_term() {
        let synonyms = Synonyms::builtin();
        let key = key_of(synonyms, "ОВЗ");
        // «детей с ограниченными возможностями здоровья»: the key spans the phrase and takes
        // the position of its first word, so phrase queries over the text are not shifted.
        let text = "для детей с ограниченными возможностями здоровья и их родителей";
        let tokens = indexed(text);
        let at = tokens
            .iter()
            .position(|(token, ..)| *token == key)
            .expect("the key is written");
        let (_, from, to, position) = &tokens[at];
        assert_eq!(&text[*from..*to], "ограниченными возможностями здоровья");
        assert_eq!(tokens[at - 1].0, "ограничен");
        assert_eq!(*position, tokens[at - 1].3);
        assert_eq!(tokens[at + 1].0, "возможн");
        assert_eq!(tokens.last().map(|token| token.0.as_str()), Some("родител"));
        // The abbreviation gets the same key; an unrelated text none.
        let tokens = indexed("Дети с ОВЗ.");
        assert!(tokens.iter().any(|(token, ..)| *token == key));
        assert!(
            !indexed("ограниченные ресурсы здоровья")
                .iter()
                .any(|(token, ..)| token.starts_with("zsyn"))
        );
    }

    #[test]
    fn a_phrase_cut_short_at_the_end_of_the_text_writes_no_key() {
        let tokens = indexed("возможности профессиональной");
        assert_eq!(tokens.len(), 2);
        assert!(tokens.iter().all(|(token, ..)| !token.starts_with("zsyn")));
    }

    #[test]
    fn short_abbreviations_need_capitals() {
        let synonyms = Synonyms::builtin();
        assert_eq!(synonyms.expand("во всех школах").1.len(), 0);
        assert_eq!(synonyms.expand("ВО").1.len(), 1);
    }

    #[test]
    fn quoted_and_excluded_words_stay() {
        let synonyms = Synonyms::builtin();
        assert_eq!(synonyms.expand("\"ОВЗ\" -ФГОС").0, "\"ОВЗ\" -ФГОС");
        // Found by proptest: a quote between the words of a phrase term.
        let odd = "ограниченными\"возможностями здоровья";
        assert_eq!(synonyms.expand(odd).0, odd);
    }

    #[test]
    fn bad_files_are_refused_with_the_group_number() {
        assert!(matches!(
            Synonyms::from_toml("[[group]]\nterms = [\"a\"]"),
            Err(SynonymsError::TooFewTerms { group: 1 })
        ));
        let duplicate = "[[group]]\nterms = [\"ОВЗ\", \"б\"]\n[[group]]\nterms = [\"овз\", \"в\"]";
        assert!(matches!(
            Synonyms::from_toml(duplicate),
            Err(SynonymsError::Duplicate {
                first: 1,
                second: 2,
                ..
            })
        ));
        assert!(Synonyms::from_toml("[[groups]]").is_err());
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn expansion_never_panics_and_keeps_quotes_balanced(query in "(ОВЗ|овз|ВО|\"|-|ограниченными|возможностями|здоровья|[а-яА-Я]{1,8}| ){0,20}") {
            let (expanded, _) = Synonyms::builtin().expand(&query);
            prop_assert_eq!(expanded.matches('"').count() % 2, query.matches('"').count() % 2);
        }
    }
}
