//! Loading a taxonomy: the TOML file checked key by key, its topics' rules compiled.

use std::collections::HashMap;
use std::sync::OnceLock;

use thiserror::Error;

use super::classify::{RuleIndex, content_stems, normalize_name};
use super::rules::{Pattern, RuleProblem, compile_rule};
use super::{Taxonomy, Topic};

/// Keys a `[[topic]]` table may have.
pub(super) const TOPIC_KEYS: [&str; 6] = ["id", "name", "description", "parent", "terms", "unless"];

/// [`TOPIC_KEYS`] as error messages list them.
pub(super) const TOPIC_KEYS_TEXT: &str = "id, name, description, parent, terms, unless";

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

impl Taxonomy {
    /// The taxonomy compiled into the binary from `data/topics.toml`, parsed on first use.
    ///
    /// # Panics
    /// If the compiled-in file is invalid, which the crate's tests rule out.
    pub fn builtin() -> &'static Taxonomy {
        static BUILTIN: OnceLock<Taxonomy> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Taxonomy::from_toml(include_str!("../../data/topics.toml"))
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
    let name_key = normalize_name(&name);

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
        name_key,
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
