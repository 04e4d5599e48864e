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

use classify::RuleIndex;
use rules::Pattern;

pub use load::TopicError;

mod classify;
mod load;
mod rules;

/// In a resolution without recommendation items, a topic counts for the whole resolution only
/// if its rules match in at least this many passages (sentences or lines) of the body.
pub const BODY_MIN_PASSAGES: usize = 2;

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
    /// The name normalised (lowercase, `ё → е`, single spaces), for [`Taxonomy::find`].
    name_key: String,
}

/// The topic taxonomy: an ordered list of topics with their rules.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    topics: Vec<Topic>,
    index: RuleIndex,
}

impl Taxonomy {
    /// All topics, in taxonomy order.
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }
}

#[cfg(test)]
mod tests;
