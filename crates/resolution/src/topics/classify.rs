//! Classification: the rules indexed by their first word, and the topics of texts and queries.

use edusearch_russian::{StemCache, is_stop_word, normalize_word, stem_word, words};

use crate::table_hash::TableMap;

use super::rules::{CaseMode, Element, Token, prefix_start, tokenize};
use super::{BODY_MIN_PASSAGES, Taxonomy, Topic};

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
pub(super) struct RuleIndex {
    /// Rules starting with [`Element::Stem`], by the stem.
    by_stem: TableMap<String, Vec<RuleRef>>,
    /// Rules starting with [`Element::Abbreviation`], by the word.
    by_abbreviation: TableMap<String, Vec<RuleRef>>,
    /// Rules starting with [`Element::Prefix`], by the first [`MIN_PREFIX_CHARS`] letters.
    by_prefix_start: TableMap<String, Vec<RuleRef>>,
}

impl RuleIndex {
    pub(super) fn new(topics: &[Topic]) -> RuleIndex {
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

/// A match of one rule in a text, in word positions.
#[derive(Debug, Clone, Copy)]
struct Hit {
    topic: usize,
    unless: bool,
    start: usize,
    end: usize,
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
            .find(|topic| topic.name_key == name_query)
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
pub(super) fn passages(body: &str) -> impl Iterator<Item = &str> {
    body.split(['.', '!', '?', ';', '\n'])
        .filter(|passage| !passage.trim().is_empty())
}

/// A name as compared by [`Taxonomy::find`]: lowercase, `ё -> е`, single spaces.
pub(super) fn normalize_name(name: &str) -> String {
    normalize_word(&name.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Stems of the words of a text, without stop words.
pub(super) fn content_stems(text: &str) -> Vec<String> {
    words(text)
        .map(|word| normalize_word(word.text))
        .filter(|word| !is_stop_word(word))
        .map(|word| stem_word(&word))
        .collect()
}
