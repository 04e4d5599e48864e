//! Correction of what was typed: a query in the Latin layout retyped, misspelt words respelt
//! against the words the index and the lexicon know.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use super::Engine;
use crate::SearchError;
use crate::correct;
use crate::understand::Understood;

impl Engine {
    /// How many words of a text the index knows (in any inflected form).
    pub(super) fn known_words(&self, searcher: &Searcher, text: &str) -> usize {
        edusearch_russian::words(text)
            .filter(|word| self.knows(searcher, word.text))
            .count()
    }

    /// Whether a word is a real word: a Russian word form of the lexicon (whether or not the
    /// corpus has it: «музей», «семьей»), or known to the index in some form.
    pub(super) fn knows(&self, searcher: &Searcher, word: &str) -> bool {
        if edusearch_russian::is_word_form(word) {
            return true;
        }
        // Known in some form: as typed, by its stem, or by a derived word (дошкольники →
        // дошкольных), so a real word is never «corrected» into another.
        let analyzed = [self.schema.text, self.schema.text_root]
            .into_iter()
            .filter_map(|field| {
                self.analyze(field, word)
                    .map(|token| Term::from_field_text(field, &token))
            });
        self.has_exact_form(searcher, word)
            || analyzed
                .into_iter()
                .any(|term| searcher.doc_freq(&term).is_ok_and(|count| count > 0))
    }

    /// Whether the corpus has this exact word form (`ё` and case folded).
    pub(super) fn has_exact_form(&self, searcher: &Searcher, word: &str) -> bool {
        let exact = Term::from_field_text(
            self.schema.text_exact,
            &edusearch_russian::normalize_word(word),
        );
        searcher.doc_freq(&exact).is_ok_and(|count| count > 0)
    }

    /// A word as the index's analyzer of `field` writes it (its stem, for the text field).
    pub(super) fn analyze(&self, field: Field, word: &str) -> Option<String> {
        let mut analyzer = self.query_analyzer(field)?;
        let mut stream = analyzer.token_stream(word);
        stream.advance().then(|| stream.token().text.clone())
    }

    /// Misspelt words of the query with their correction («профариентация» →
    /// «профориентация»): words that are neither Russian words of the lexicon nor known to the
    /// index. Their stems are compared with the index's stems within an edit distance that
    /// grows with the length; among the closest the most frequent wins, and the word keeps its
    /// own ending — when that gives a word form of the corpus or of the lexicon, else a form
    /// the lexicon allows (`is_plausible_form`: a stem it lacks with a Russian ending).
    /// Otherwise the closest form of the corpus wins: never «вуз» + «ей».
    pub(super) fn respell(
        &self,
        searcher: &Searcher,
        text: &str,
    ) -> Result<Vec<(String, String)>, SearchError> {
        let mut corrections = Vec::new();
        for word in edusearch_russian::words(text) {
            let normalized = edusearch_russian::normalize_word(word.text);
            let limit = correct::max_distance(normalized.chars().count());
            if limit == 0
                || !normalized.chars().all(char::is_alphabetic)
                || edusearch_russian::is_stop_word(&normalized)
                || self.knows(searcher, word.text)
            {
                continue;
            }
            let Some(stem) = self.analyze(self.schema.text, word.text) else {
                continue;
            };
            let ending = normalized.strip_prefix(stem.as_str()).unwrap_or_default();
            let glued: Vec<String> =
                correct::ranked(self.terms_within(searcher, self.schema.text, &stem, limit)?)
                    .into_iter()
                    .map(|candidate| format!("{candidate}{ending}"))
                    .collect();
            // A form that exists, else one that may exist, else the closest form of the corpus.
            let existing = glued.iter().find(|form| {
                self.has_exact_form(searcher, form) || edusearch_russian::is_word_form(form)
            });
            let plausible = || {
                glued
                    .iter()
                    .find(|form| edusearch_russian::is_plausible_form(form))
            };
            let right = match existing.or_else(plausible) {
                Some(form) => Some(form.clone()),
                None => correct::ranked(self.terms_within(
                    searcher,
                    self.schema.text_exact,
                    &normalized,
                    limit,
                )?)
                .into_iter()
                .next(),
            };
            if let Some(right) = right {
                corrections.push((word.text.to_string(), right));
            }
        }
        Ok(corrections)
    }

    /// The terms of a field within `limit` edits of `target`, each with its distance and its
    /// document count over all segments.
    pub(super) fn terms_within(
        &self,
        searcher: &Searcher,
        field: Field,
        target: &str,
        limit: usize,
    ) -> Result<HashMap<String, (usize, u32)>, SearchError> {
        let mut candidates: HashMap<String, (usize, u32)> = HashMap::new();
        let Ok(automaton_limit) = u8::try_from(limit) else {
            return Ok(candidates);
        };
        // Only the terms within the edit distance are visited: a Levenshtein automaton walks
        // each segment's term dictionary (an FST) instead of comparing with every term.
        let automaton =
            FuzzyTermQuery::new(Term::from_field_text(field, target), automaton_limit, true)
                .automaton()?;
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let doc_freq = stream.value().doc_freq;
                if let Some(found) = candidates.get_mut(candidate) {
                    found.1 += doc_freq;
                } else if let Some(distance) = correct::distance_within(target, candidate, limit) {
                    candidates.insert(candidate.to_string(), (distance, doc_freq));
                }
            }
        }
        Ok(candidates)
    }
}

impl Engine {
    /// The query retyped from the Latin layout, when that gives more words the index knows
    /// (or can respell) than as typed; `None` to keep it.
    pub(super) fn retyped_layout(
        &self,
        searcher: &Searcher,
        query: &str,
    ) -> Result<Option<String>, SearchError> {
        let Some(retyped) = correct::from_latin_layout(query) else {
            return Ok(None);
        };
        let recognised =
            self.known_words(searcher, &retyped) + self.respell(searcher, &retyped)?.len();
        Ok((recognised > self.known_words(searcher, query)).then_some(retyped))
    }

    /// Respells the misspelt words of the understood text, in it and in the query; whether
    /// any was.
    pub(super) fn respell_understood(
        &self,
        searcher: &Searcher,
        understood: &mut Understood,
        query: &mut String,
    ) -> Result<bool, SearchError> {
        let mut respelt = false;
        for (wrong, right) in self.respell(searcher, &understood.text)? {
            understood.text = understood.text.replace(wrong.as_str(), &right);
            *query = query.replace(wrong.as_str(), &right);
            respelt = true;
        }
        Ok(respelt)
    }
}
