//! Topics: the taxonomy of school-policy themes and the stem-based rules that assign them.
//!
//! The taxonomy lives in `data/topics.toml` (its format is documented at the top of that file) and
//! is compiled into the binary; [`Taxonomy::builtin`] parses it once. Each [`Topic`] has a latin
//! `id`, a short Russian `name` (what users see and the facet value), a description, an optional
//! broader `parent` topic, and rules:
//!
//! - `terms`: the topic matches a text if any term occurs in it. A term is one word or a phrase;
//!   a phrase matches a run of consecutive words, each word compared by its Snowball stem, so
//!   inflection does not matter («ограниченными возможностями здоровья» matches the term
//!   «ограниченные возможности здоровья»). A word ending in `*` is a prefix (`профориент*`
//!   matches «профориентационной»); a word written in capitals only (`ОВЗ`, `ФГОС`) is an
//!   abbreviation, matched as a whole word, case-sensitively; a word written with a capital first
//!   letter (`Точка роста`) only matches a word that is also capitalised, which keeps proper
//!   names apart from common phrases («точки роста» as in "areas for improvement").
//!   A phrase never matches across `. ! ? ; : ( ) [ ]` in the text; commas, dashes and quotes
//!   do not break it.
//! - `unless`: terms of the same syntax; a match of `terms` that overlaps a match of `unless` does
//!   not count («Год педагога и наставника» is not mentoring).
//!
//! A topic with a `parent` implies its parent: an item about «военно-патриотическое воспитание»
//! gets both «патриотическое воспитание» and «воспитание», so that the broad facet also counts
//! the specific one.
//!
//! ```
//! use edusearch_resolution::topics::Taxonomy;
//! let taxonomy = Taxonomy::builtin();
//! let topics = taxonomy.classify("адаптировать планы профориентационной работы для школьников с ограниченными возможностями здоровья");
//! assert_eq!(topics, ["профориентация", "инклюзивное образование и ОВЗ"]);
//! assert_eq!(taxonomy.find("профориентации").unwrap().id, "career_guidance");
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use edusearch_russian::{
    StemCache, WordForms, fold_yo, is_stop_word, is_uppercase, normalize_word, stem_word, words,
};
use thiserror::Error;

use crate::table_hash::TableMap;

/// Minimum number of letters before the `*` of a prefix, so that a rule cannot match half the
/// language by accident.
const MIN_PREFIX_CHARS: usize = 4;

/// In a resolution without recommendation items, a topic counts for the whole resolution only
/// if its rules match in at least this many passages (sentences or lines) of the body.
pub const BODY_MIN_PASSAGES: usize = 2;

/// Keys a `[[topic]]` table may have.
const TOPIC_KEYS: [&str; 6] = ["id", "name", "description", "parent", "terms", "unless"];

/// [`TOPIC_KEYS`] as error messages list them.
const TOPIC_KEYS_TEXT: &str = "id, name, description, parent, terms, unless";

/// Why a topics file could not be loaded. Messages name the topic and the rule at fault.
#[derive(Debug, Error)]
pub enum TopicError {
    /// The text is not valid TOML (the message carries the line and column).
    #[error("topics file is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    /// A key that the format does not know (usually a typo).
    #[error("{place}: unknown key `{key}` (expected one of: {expected})")]
    UnknownKey {
        /// Which table: "top level" or "topic #N (`id`)".
        place: String,
        /// The unknown key.
        key: String,
        /// The keys allowed there.
        expected: &'static str,
    },
    /// A required key is absent.
    #[error("{place}: missing key `{key}`")]
    MissingKey {
        /// Which topic.
        place: String,
        /// The missing key.
        key: &'static str,
    },
    /// A key holds a value of the wrong type.
    #[error("{place}: `{key}` must be {expected}")]
    WrongType {
        /// Which table.
        place: String,
        /// The key.
        key: String,
        /// What the value should be.
        expected: &'static str,
    },
    /// A text value (id, name, description, parent) is empty or white space.
    #[error("{place}: `{key}` is empty")]
    EmptyValue {
        /// Which topic.
        place: String,
        /// The key.
        key: &'static str,
    },
    /// An id that is not lowercase latin.
    #[error("{place}: id `{id}` must consist of lowercase latin letters, digits and `_`")]
    InvalidId {
        /// Which topic.
        place: String,
        /// The id as written.
        id: String,
    },
    /// A name that cannot serve as a facet value.
    #[error("{place}: name `{name}` {reason}")]
    InvalidName {
        /// Which topic.
        place: String,
        /// The name as written.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A topic without any `terms`, which could never match.
    #[error("{place}: `terms` is empty, so the topic could never match")]
    NoTerms {
        /// Which topic.
        place: String,
    },
    /// A rule (one string of `terms` or `unless`) has no words.
    #[error("{place}: rule #{number} of `{key}` is empty")]
    EmptyRule {
        /// Which topic.
        place: String,
        /// `terms` or `unless`.
        key: &'static str,
        /// Position of the rule in its list, from 1.
        number: usize,
    },
    /// A rule that cannot be understood.
    #[error("{place}: rule `{rule}` of `{key}` is invalid: {reason}")]
    InvalidRule {
        /// Which topic.
        place: String,
        /// `terms` or `unless`.
        key: &'static str,
        /// The rule as written.
        rule: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two topics share an id.
    #[error("duplicate topic id `{id}` (topics #{first} and #{second})")]
    DuplicateId {
        /// The id.
        id: String,
        /// Position of the first topic with it, from 1.
        first: usize,
        /// Position of the second one.
        second: usize,
    },
    /// Two topics share a name (compared case- and ё-insensitively).
    #[error("duplicate topic name `{name}` (topics #{first} and #{second})")]
    DuplicateName {
        /// The name.
        name: String,
        /// Position of the first topic with it, from 1.
        first: usize,
        /// Position of the second one.
        second: usize,
    },
    /// A parent that is not the id of a topic defined above.
    #[error("{place}: parent `{parent}` is not the id of a topic defined above it")]
    UnknownParent {
        /// Which topic.
        place: String,
        /// The parent id as written.
        parent: String,
    },
    /// A parent that has a parent itself: the taxonomy has only one level of nesting.
    #[error("{place}: parent `{parent}` has a parent itself; only one level of nesting is allowed")]
    NestedParent {
        /// Which topic.
        place: String,
        /// The parent id.
        parent: String,
    },
    /// The file defines no topics at all.
    #[error("topics file defines no topics (add `[[topic]]` tables)")]
    NoTopics,
}

impl TopicError {
    /// Whether the problem lies in the input (the topics file), as opposed to a bug in edusearch.
    pub fn is_invalid_input(&self) -> bool {
        true
    }
}

/// One topic of the taxonomy with its matching rules.
#[derive(Debug, Clone)]
pub struct Topic {
    /// Stable latin identifier (`career_guidance`).
    pub id: String,
    /// Short Russian name shown to users and used as the facet value («профориентация»).
    pub name: String,
    /// One-sentence Russian description of what the topic covers.
    pub description: String,
    /// Id of the broader topic this one implies, if any.
    pub parent: Option<String>,
    /// The `terms` as written in the file (for documentation and query expansion).
    pub terms: Vec<String>,
    terms_compiled: Vec<Pattern>,
    unless_compiled: Vec<Pattern>,
    parent_index: Option<usize>,
    /// Stems of the name without stop words, for [`Taxonomy::find`].
    name_stems: Vec<String>,
}

/// The topic taxonomy: an ordered list of topics with their rules.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    topics: Vec<Topic>,
    index: RuleIndex,
}

/// One rule of one topic: `terms_compiled[rule]` or, for an exclusion, `unless_compiled[rule]`.
#[derive(Debug, Clone, Copy)]
struct RuleRef {
    topic: usize,
    unless: bool,
    rule: usize,
}

/// The rules by what their first word must be, so that each word of a text is tried only
/// against the rules that can start there (rather than every rule at every word).
#[derive(Debug, Clone, Default)]
struct RuleIndex {
    /// Rules starting with [`Element::Stem`], by the stem.
    by_stem: TableMap<String, Vec<RuleRef>>,
    /// Rules starting with [`Element::Abbreviation`], by the word.
    by_abbreviation: TableMap<String, Vec<RuleRef>>,
    /// Rules starting with [`Element::Prefix`], by the first [`MIN_PREFIX_CHARS`] letters.
    by_prefix_start: TableMap<String, Vec<RuleRef>>,
}

impl RuleIndex {
    fn new(topics: &[Topic]) -> RuleIndex {
        let mut index = RuleIndex::default();
        for (topic_index, topic) in topics.iter().enumerate() {
            let rules = [
                (false, &topic.terms_compiled),
                (true, &topic.unless_compiled),
            ];
            for (unless, patterns) in rules {
                for (rule, pattern) in patterns.iter().enumerate() {
                    let rule_ref = RuleRef {
                        topic: topic_index,
                        unless,
                        rule,
                    };
                    let (map, key) = match &pattern.elements[0] {
                        Element::Stem { stem, .. } => (&mut index.by_stem, stem.clone()),
                        Element::Abbreviation(word) => (&mut index.by_abbreviation, word.clone()),
                        Element::Prefix { prefix, .. } => {
                            let start = prefix_start(prefix);
                            debug_assert!(start.is_some(), "prefixes are checked for length");
                            (
                                &mut index.by_prefix_start,
                                start.unwrap_or(prefix).to_string(),
                            )
                        }
                    };
                    map.entry(key).or_default().push(rule_ref);
                }
            }
        }
        index
    }

    /// The rules whose first element may match the token (in [`CaseMode::Strict`]).
    fn candidates<'a>(&'a self, token: &Token) -> impl Iterator<Item = &'a RuleRef> {
        let by_prefix =
            prefix_start(&token.normalized).and_then(|start| self.by_prefix_start.get(start));
        self.by_stem
            .get(&*token.stem)
            .into_iter()
            .chain(self.by_abbreviation.get(&*token.folded))
            .chain(by_prefix)
            .flatten()
    }
}

/// The first [`MIN_PREFIX_CHARS`] characters of a word, if it has that many.
fn prefix_start(word: &str) -> Option<&str> {
    let mut ends = word
        .char_indices()
        .map(|(offset, ch)| offset + ch.len_utf8());
    ends.nth(MIN_PREFIX_CHARS - 1).map(|end| &word[..end])
}

/// A match of one rule in a text, in word positions.
#[derive(Debug, Clone, Copy)]
struct Hit {
    topic: usize,
    unless: bool,
    start: usize,
    end: usize,
}

/// One word of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Element {
    /// Any inflected form: the Snowball stem must be equal.
    Stem { stem: String, capitalized: bool },
    /// Any word beginning with these (normalised) letters.
    Prefix { prefix: String, capitalized: bool },
    /// An abbreviation: the whole word, case-sensitively (after `ё -> е`).
    Abbreviation(String),
}

/// A compiled rule: consecutive elements.
#[derive(Debug, Clone)]
struct Pattern {
    elements: Vec<Element>,
}

/// Characters that end a phrase: a term never matches across them. Commas, dashes and quotes
/// do not end one («технической, естественно – научной направленности» is one phrase).
const PHRASE_BREAKS: &[char] = &['.', '!', '?', ';', ':', '(', ')', '[', ']'];

/// A word of the classified text, prepared once for every rule.
struct Token<'a> {
    /// As written, with `ё` folded (abbreviations compare against this).
    folded: Cow<'a, str>,
    /// Lowercase, `ё -> е`.
    normalized: Rc<str>,
    stem: Rc<str>,
    capitalized: bool,
    /// Whether a [`PHRASE_BREAKS`] character stands between this word and the previous one.
    break_before: bool,
}

/// Whether letter case is compared (texts) or ignored (users' queries in [`Taxonomy::find`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseMode {
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
    fn matches_at(&self, tokens: &[Token], start: usize, case: CaseMode) -> bool {
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

fn tokenize<'a>(text: &'a str, stems: &mut StemCache) -> Vec<Token<'a>> {
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

impl Topic {
    /// Whether one of the topic's terms, on its own, is the whole of the tokens.
    fn has_term_covering(&self, tokens: &[Token]) -> bool {
        self.terms_compiled.iter().any(|pattern| {
            pattern.elements.len() == tokens.len()
                && pattern.matches_at(tokens, 0, CaseMode::Ignore)
        })
    }
}

impl Taxonomy {
    /// The taxonomy compiled into the binary from `data/topics.toml`, parsed on first use.
    ///
    /// # Panics
    /// If the compiled-in file is invalid, which the crate's tests rule out.
    pub fn builtin() -> &'static Taxonomy {
        static BUILTIN: OnceLock<Taxonomy> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Taxonomy::from_toml(include_str!("../data/topics.toml"))
                .unwrap_or_else(|error| panic!("built-in data/topics.toml is invalid: {error}"))
        })
    }

    /// Parses and checks a topics file (format: see the top of `data/topics.toml`).
    pub fn from_toml(text: &str) -> Result<Taxonomy, TopicError> {
        let table: toml::Table = toml::from_str(text)?;
        let mut raw_topics = None;
        for (key, value) in &table {
            if key != "topic" {
                return Err(TopicError::UnknownKey {
                    place: "top level".to_string(),
                    key: key.clone(),
                    expected: "topic",
                });
            }
            raw_topics = Some(value.as_array().ok_or_else(|| TopicError::WrongType {
                place: "top level".to_string(),
                key: key.clone(),
                expected: "an array of tables, written `[[topic]]`",
            })?);
        }
        let raw_topics = raw_topics.ok_or(TopicError::NoTopics)?;
        if raw_topics.is_empty() {
            return Err(TopicError::NoTopics);
        }

        let mut topics: Vec<Topic> = Vec::with_capacity(raw_topics.len());
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (index, value) in raw_topics.iter().enumerate() {
            let mut topic = parse_topic(index, value)?;
            let place = place(index, Some(&topic.id));
            if let Some(&first) = by_id.get(&topic.id) {
                return Err(TopicError::DuplicateId {
                    id: topic.id,
                    first: first + 1,
                    second: index + 1,
                });
            }
            let name_key = normalize_name(&topic.name);
            if let Some(&first) = by_name.get(&name_key) {
                return Err(TopicError::DuplicateName {
                    name: topic.name,
                    first: first + 1,
                    second: index + 1,
                });
            }
            if let Some(parent) = &topic.parent {
                let parent_index = *by_id.get(parent).ok_or_else(|| TopicError::UnknownParent {
                    place: place.clone(),
                    parent: parent.clone(),
                })?;
                if topics[parent_index].parent.is_some() {
                    return Err(TopicError::NestedParent {
                        place,
                        parent: parent.clone(),
                    });
                }
                topic.parent_index = Some(parent_index);
            }
            by_id.insert(topic.id.clone(), index);
            by_name.insert(name_key, index);
            topics.push(topic);
        }
        let index = RuleIndex::new(&topics);
        Ok(Taxonomy { topics, index })
    }

    /// All topics, in taxonomy order.
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    /// Names of the topics matched by one text (an item, a title), in taxonomy order.
    ///
    /// A topic matches if one of its `terms` occurs in the text outside every match of its
    /// `unless`; a matched topic also brings its parent.
    pub fn classify(&self, text: &str) -> Vec<String> {
        let mut matched = vec![false; self.topics.len()];
        self.mark(&tokenize(text, &mut StemCache::new()), &mut matched);
        self.names(&matched)
    }

    /// Names of the topics of a whole resolution, in taxonomy order.
    ///
    /// A topic counts if
    /// 1. the title (with the event name) matches it — the title says what the meeting was about;
    /// 2. or at least one recommendation item matches it — the items are what was decided;
    /// 3. or, only when the resolution has no items at all, it matches in at least
    ///    [`BODY_MIN_PASSAGES`] passages (sentences or lines) of the body. A single mention in a
    ///    narrative body (a speaker's job title, a list of guests) is not what a resolution is
    ///    about; when there are items, the body is ignored for the same reason.
    ///
    /// A counted topic also brings its parent.
    pub fn classify_resolution(&self, title: &str, items: &[&str], body: &str) -> Vec<String> {
        let mut matched = vec![false; self.topics.len()];
        let stems = &mut StemCache::new();
        self.mark(&tokenize(title, stems), &mut matched);
        for item in items {
            self.mark(&tokenize(item, stems), &mut matched);
        }
        if items.is_empty() {
            self.mark_body(body, stems, &mut matched);
        }
        self.names(&matched)
    }

    /// The parser's path: [`Taxonomy::classify`] of each item (its addressee, a line break and
    /// its text) and [`Taxonomy::classify_resolution`] of the title, the item texts and the
    /// body, with each item tokenized and matched once for both, on the stems of a cache the
    /// parser shares with other extractors.
    pub(crate) fn classify_with_items(
        &self,
        title: &str,
        items: &[(Option<&str>, &str)],
        body: &str,
        stems: &mut StemCache,
    ) -> (Vec<Vec<String>>, Vec<String>) {
        let mut resolution = vec![false; self.topics.len()];
        self.mark(&tokenize(title, stems), &mut resolution);
        let mut item_topics = Vec::with_capacity(items.len());
        for &(addressee, text) in items {
            // The words of the text follow those of the addressee: the resolution counts only
            // the hits from the text's first word on, as if the text stood alone.
            let joined;
            let (classified, text_start) = match addressee {
                Some(addressee) => {
                    joined = format!("{addressee}\n{text}");
                    (joined.as_str(), words(addressee).count())
                }
                None => (text, 0),
            };
            let tokens = tokenize(classified, stems);
            let hits = self.hits(&tokens);
            let mut matched = vec![false; self.topics.len()];
            self.mark_hits(&hits, 0, &mut matched);
            item_topics.push(self.names(&matched));
            self.mark_hits(&hits, text_start, &mut resolution);
        }
        if items.is_empty() {
            self.mark_body(body, stems, &mut resolution);
        }
        (item_topics, self.names(&resolution))
    }

    /// Marks the topics that match in at least [`BODY_MIN_PASSAGES`] passages of the body.
    fn mark_body(&self, body: &str, stems: &mut StemCache, matched: &mut [bool]) {
        let mut passages_per_topic = vec![0usize; self.topics.len()];
        for passage in passages(body) {
            let mut in_passage = vec![false; self.topics.len()];
            self.mark(&tokenize(passage, stems), &mut in_passage);
            for (count, hit) in passages_per_topic.iter_mut().zip(in_passage) {
                *count += usize::from(hit);
            }
        }
        for (index, count) in passages_per_topic.into_iter().enumerate() {
            if count >= BODY_MIN_PASSAGES {
                matched[index] = true;
            }
        }
        self.add_parents(matched);
    }

    /// Finds a topic by its id, by its name (case- and ё-insensitively), by any inflected form of
    /// its name («патриотического воспитания»), or by a text that is exactly one of its terms
    /// («ОВЗ», «волонтёрство»), in that order of preference.
    pub fn find(&self, name_or_id: &str) -> Option<&Topic> {
        let query = name_or_id.trim();
        if query.is_empty() {
            return None;
        }
        let id_query = query.replace('-', "_");
        if let Some(topic) = self
            .topics
            .iter()
            .find(|topic| topic.id.eq_ignore_ascii_case(&id_query))
        {
            return Some(topic);
        }
        let name_query = normalize_name(query);
        if let Some(topic) = self
            .topics
            .iter()
            .find(|topic| normalize_name(&topic.name) == name_query)
        {
            return Some(topic);
        }
        let query_stems = content_stems(query);
        if query_stems.is_empty() {
            return None;
        }
        if let Some(topic) = self
            .topics
            .iter()
            .find(|topic| topic.name_stems == query_stems)
        {
            return Some(topic);
        }
        let tokens = tokenize(query, &mut StemCache::new());
        self.topics
            .iter()
            .find(|topic| topic.has_term_covering(&tokens))
    }

    /// Marks the topics matched by the tokens, and their parents.
    fn mark(&self, tokens: &[Token], matched: &mut [bool]) {
        self.mark_hits(&self.hits(tokens), 0, matched);
    }

    /// Every match of every rule (`terms` and `unless`) in the tokens.
    fn hits(&self, tokens: &[Token]) -> Vec<Hit> {
        let mut hits = Vec::new();
        for (start, token) in tokens.iter().enumerate() {
            for rule in self.index.candidates(token) {
                let topic = &self.topics[rule.topic];
                let pattern = if rule.unless {
                    &topic.unless_compiled[rule.rule]
                } else {
                    &topic.terms_compiled[rule.rule]
                };
                if pattern.matches_at(tokens, start, CaseMode::Strict) {
                    hits.push(Hit {
                        topic: rule.topic,
                        unless: rule.unless,
                        start,
                        end: start + pattern.elements.len(),
                    });
                }
            }
        }
        hits
    }

    /// Marks the topics of the hits that start at word `from` or later (the hits of the text
    /// from that word on), and their parents: a topic counts if a match of its `terms` is
    /// overlapped by no match of its `unless`.
    fn mark_hits(&self, hits: &[Hit], from: usize, matched: &mut [bool]) {
        debug_assert_eq!(matched.len(), self.topics.len());
        let in_range = || hits.iter().filter(|hit| hit.start >= from);
        for term in in_range().filter(|hit| !hit.unless) {
            if matched[term.topic] {
                continue;
            }
            let vetoed = in_range().any(|veto| {
                veto.unless
                    && veto.topic == term.topic
                    && term.start < veto.end
                    && veto.start < term.end
            });
            if !vetoed {
                matched[term.topic] = true;
            }
        }
        self.add_parents(matched);
    }

    fn add_parents(&self, matched: &mut [bool]) {
        for (index, topic) in self.topics.iter().enumerate() {
            if let (true, Some(parent)) = (matched[index], topic.parent_index) {
                matched[parent] = true;
            }
        }
    }

    fn names(&self, matched: &[bool]) -> Vec<String> {
        self.topics
            .iter()
            .zip(matched)
            .filter(|(_, hit)| **hit)
            .map(|(topic, _)| topic.name.clone())
            .collect()
    }
}

/// Splits a body into passages: sentences and lines.
fn passages(body: &str) -> impl Iterator<Item = &str> {
    body.split(['.', '!', '?', ';', '\n'])
        .filter(|passage| !passage.trim().is_empty())
}

/// A name as compared by [`Taxonomy::find`]: lowercase, `ё -> е`, single spaces.
fn normalize_name(name: &str) -> String {
    normalize_word(&name.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Stems of the words of a text, without stop words.
fn content_stems(text: &str) -> Vec<String> {
    words(text)
        .map(|word| normalize_word(word.text))
        .filter(|word| !is_stop_word(word))
        .map(|word| stem_word(&word))
        .collect()
}

/// How errors name a topic: "topic #3 (`career_guidance`)".
fn place(index: usize, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("topic #{} (`{id}`)", index + 1),
        None => format!("topic #{}", index + 1),
    }
}

fn parse_topic(index: usize, value: &toml::Value) -> Result<Topic, TopicError> {
    let table = value.as_table().ok_or_else(|| TopicError::WrongType {
        place: place(index, None),
        key: "topic".to_string(),
        expected: "an array of tables, written `[[topic]]`",
    })?;
    let raw_id = table.get("id").and_then(toml::Value::as_str);
    let place = place(index, raw_id);
    if let Some(key) = table.keys().find(|key| !TOPIC_KEYS.contains(&key.as_str())) {
        return Err(TopicError::UnknownKey {
            place,
            key: key.clone(),
            expected: TOPIC_KEYS_TEXT,
        });
    }

    let id = required_string(table, "id", &place)?;
    if !id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        || !id.starts_with(|c: char| c.is_ascii_lowercase())
    {
        return Err(TopicError::InvalidId { place, id });
    }
    let name = required_string(table, "name", &place)?;
    if name.contains('/') {
        return Err(TopicError::InvalidName {
            place,
            name,
            reason: "must not contain `/` (it is a facet value)",
        });
    }
    if name.trim() != name || name.contains("  ") || name.contains('\n') {
        return Err(TopicError::InvalidName {
            place,
            name,
            reason: "must be one line with single spaces and no leading or trailing space",
        });
    }
    let description = required_string(table, "description", &place)?;
    let parent = match table.get("parent") {
        None => None,
        Some(_) => Some(required_string(table, "parent", &place)?),
    };

    let terms = string_list(table, "terms", &place)?;
    if terms.is_empty() {
        return Err(TopicError::NoTerms { place });
    }
    let unless = string_list(table, "unless", &place)?;
    let terms_compiled = compile_rules(&terms, "terms", &place)?;
    let unless_compiled = compile_rules(&unless, "unless", &place)?;
    let name_stems = content_stems(&name);

    Ok(Topic {
        id,
        name,
        description,
        parent,
        terms,
        terms_compiled,
        unless_compiled,
        parent_index: None,
        name_stems,
    })
}

fn required_string(
    table: &toml::Table,
    key: &'static str,
    place: &str,
) -> Result<String, TopicError> {
    let value = table.get(key).ok_or_else(|| TopicError::MissingKey {
        place: place.to_string(),
        key,
    })?;
    let text = value.as_str().ok_or_else(|| TopicError::WrongType {
        place: place.to_string(),
        key: key.to_string(),
        expected: "a string",
    })?;
    if text.trim().is_empty() {
        return Err(TopicError::EmptyValue {
            place: place.to_string(),
            key,
        });
    }
    Ok(text.to_string())
}

fn string_list(
    table: &toml::Table,
    key: &'static str,
    place: &str,
) -> Result<Vec<String>, TopicError> {
    let Some(value) = table.get(key) else {
        return Ok(Vec::new());
    };
    let wrong_type = || TopicError::WrongType {
        place: place.to_string(),
        key: key.to_string(),
        expected: "an array of strings",
    };
    value
        .as_array()
        .ok_or_else(wrong_type)?
        .iter()
        .map(|item| item.as_str().map(str::to_string).ok_or_else(wrong_type))
        .collect()
}

fn compile_rules(
    rules: &[String],
    key: &'static str,
    place: &str,
) -> Result<Vec<Pattern>, TopicError> {
    rules
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            compile_rule(rule).map_err(|problem| match problem {
                RuleProblem::Empty => TopicError::EmptyRule {
                    place: place.to_string(),
                    key,
                    number: index + 1,
                },
                RuleProblem::Invalid(reason) => TopicError::InvalidRule {
                    place: place.to_string(),
                    key,
                    rule: rule.clone(),
                    reason,
                },
            })
        })
        .collect()
}

enum RuleProblem {
    Empty,
    Invalid(String),
}

/// Compiles one rule: white-space separated chunks; a chunk may hold several words joined by
/// hyphens («естественно-научн*»), the `*` applying to its last word.
fn compile_rule(rule: &str) -> Result<Pattern, RuleProblem> {
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

#[cfg(test)]
mod tests;
