//! Domain synonyms and abbreviations, expanded in queries (ОВЗ ↔ ограниченные возможности
//! здоровья). The dictionary is `data/synonyms.toml`; its header documents the format.

use std::collections::HashMap;
use std::sync::OnceLock;

use edusearch_russian::{normalize_word, stem_word, words};
use serde::Deserialize;
use thiserror::Error;

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
        Ok(Self {
            groups,
            by_first_stem,
        })
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
    /// becomes `(as typed OR alternative OR "alternative phrase")`, and returns what matched.
    /// Words inside quotes and excluded words are left alone.
    pub fn expand(&self, query: &str) -> (String, Vec<Expansion>) {
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
            out.push('(');
            out.push_str(&quote_if_phrase(matched));
            for alternative in &alternatives {
                out.push_str(" OR ");
                out.push_str(&quote_if_phrase(alternative));
            }
            out.push(')');
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
    fn match_at(
        &self,
        spans: &[edusearch_russian::Word<'_>],
        index: usize,
    ) -> Option<(usize, usize)> {
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

fn quote_if_phrase(text: &str) -> String {
    if words(text).count() > 1 {
        let joined: Vec<String> = words(text).map(|word| word.text.to_string()).collect();
        format!("\"{}\"", joined.join(" "))
    } else {
        normalize_word(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_dictionary_loads() {
        assert!(Synonyms::builtin().len() >= 20);
    }

    #[test]
    fn an_abbreviation_expands_to_its_phrase_and_back() {
        let synonyms = Synonyms::builtin();
        let (query, found) = synonyms.expand("овз");
        assert_eq!(query, "(овз OR \"ограниченные возможности здоровья\")");
        assert_eq!(found[0].alternatives, ["ограниченные возможности здоровья"]);
        let (query, _) = synonyms.expand("детей с ограниченными возможностями здоровья");
        assert_eq!(
            query,
            "детей с (\"ограниченными возможностями здоровья\" OR овз)"
        );
    }

    #[test]
    fn multiword_synonyms_in_any_case() {
        let (query, _) = Synonyms::builtin().expand("профессиональной ориентации школьников");
        assert_eq!(
            query,
            "(\"профессиональной ориентации\" OR профориентация) школьников"
        );
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
