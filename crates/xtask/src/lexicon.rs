//! Derives the lexicon files from a dump of the OpenCorpora dictionary
//! (`crates/xtask/opencorpora_forms.py` writes it):
//!
//! - `crates/russian/data/lexicon-stems.txt` and `lexicon-endings.txt`: the Snowball stem of
//!   every word of every ordinary form with the class of endings its forms add to it, for «is
//!   this a Russian word form» (the spelling corrector);
//! - `crates/resolution/data/ordinary-forms.txt`: the words of ordinary forms that meet a stem
//!   or form of a place name word, for «is this word only a place» (the query place matcher);
//! - `crates/russian/data/function-words.txt`: the forms that are only ever function words
//!   (prepositions, conjunctions, particles, pronouns: «среди», «через», «каждый»), which a
//!   question or description is not ranked by.
//!
//! Stems are taken with the project's own normalisation and stemmer, so they are exactly those
//! the index and the matcher compute. Both outputs are sorted sets: the same dump and place
//! tables always give the same bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{Result, bail};
use edusearch_resolution::Gazetteer;
use edusearch_russian::{normalize_word, stem_word, words};

/// The generated files.
pub struct Lexicon {
    /// The text of `lexicon-stems.txt`.
    pub stems: String,
    /// Number of stems.
    pub stem_count: usize,
    /// The text of `lexicon-endings.txt`.
    pub endings: String,
    /// Number of ending classes.
    pub class_count: usize,
    /// The text of `ordinary-forms.txt`.
    pub forms: String,
    /// Number of forms.
    pub form_count: usize,
    /// The text of `function-words.txt`.
    pub function_words: String,
    /// Number of function words.
    pub function_word_count: usize,
}

/// How `lexicon-endings.txt` writes the empty ending.
const EMPTY_ENDING: &str = "-";

/// Reads a dump (`form<TAB>o|f|p` lines, `#` comments) and derives the files; `name_keys` are
/// the stems and forms place name words are matched by ([`Gazetteer::name_word_keys`]).
pub fn generate(dump: &str, name_keys: &BTreeSet<&str>) -> Result<Lexicon> {
    let mut source = None;
    // Stem → the endings its ordinary forms add to it.
    let mut stems: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut forms: BTreeSet<String> = BTreeSet::new();
    let mut function_words: BTreeSet<String> = BTreeSet::new();
    for (index, line) in dump.lines().enumerate() {
        if let Some(comment) = line.strip_prefix('#') {
            source.get_or_insert_with(|| comment.trim().to_string());
            continue;
        }
        let Some((form, flag)) = line.split_once('\t') else {
            bail!("dump line {}: expected «form<TAB>flag»", index + 1);
        };
        match flag {
            "o" => {}
            // A function word is an ordinary form too; a compound («из-за») is split into its
            // words by the tokenizer, each of which stands in the dump on its own.
            "f" if !form.contains('-') => {
                function_words.insert(normalize_word(form));
            }
            "f" => {}
            "p" => continue,
            _ => bail!("dump line {}: unknown flag {flag:?}", index + 1),
        }
        // A compound («крым-сагыз») is an ordinary form as a whole, not each of its words
        // («крым» is a place): the place matcher asks about the words a query joins with
        // hyphens as one.
        let whole = normalize_word(form);
        if whole.contains('-')
            && whole
                .split('-')
                .all(|part| !part.is_empty() && part.chars().all(|c| matches!(c, 'а'..='я')))
            && whole.split('-').any(|part| {
                name_keys.contains(part) || name_keys.contains(stem_word(part).as_str())
            })
        {
            forms.insert(whole.clone());
        }
        // The stem list takes every word of a form, as the tokenizer splits a query.
        let single = !whole.contains('-');
        for word in words(form) {
            let norm = normalize_word(word.text);
            // Russian words only: a Latin word of the dictionary must not make a query typed
            // in the wrong layout look like Russian.
            if !norm.chars().any(|c| matches!(c, 'а'..='я')) {
                continue;
            }
            let stem = stem_word(&norm);
            let Some(ending) = norm.strip_prefix(stem.as_str()) else {
                bail!("the stem {stem:?} of {norm:?} is not its prefix");
            };
            stems
                .entry(stem.clone())
                .or_default()
                .insert(ending.to_string());
            if single && (name_keys.contains(stem.as_str()) || name_keys.contains(norm.as_str())) {
                forms.insert(norm);
            }
        }
    }
    let source = source.unwrap_or_else(|| "OpenCorpora".to_string());
    if stems.is_empty() {
        bail!("the dump holds no ordinary forms");
    }
    // Ending classes, the most common first (so their numbers are short), then in text order.
    let mut class_sizes: HashMap<&BTreeSet<String>, usize> = HashMap::new();
    for endings in stems.values() {
        *class_sizes.entry(endings).or_default() += 1;
    }
    let mut classes: Vec<(&BTreeSet<String>, usize)> = class_sizes.into_iter().collect();
    classes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let class_of: HashMap<&BTreeSet<String>, usize> = classes
        .iter()
        .enumerate()
        .map(|(number, (endings, _))| (*endings, number))
        .collect();
    let header = |name: &str, what: &str| {
        format!(
            "# {name} — {what}.\n\
             # Generated by `cargo run -p xtask -- lexicon DUMP`; do not edit by hand.\n\
             # Source: {source}. Format: see README.md in this directory.\n"
        )
    };
    let stem_lines = stems
        .iter()
        .map(|(stem, endings)| format!("{stem}\t{}", class_of[endings]));
    let class_lines = classes.iter().map(|(endings, _)| {
        endings
            .iter()
            .map(|ending| {
                if ending.is_empty() {
                    EMPTY_ENDING
                } else {
                    ending.as_str()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    });
    Ok(Lexicon {
        stem_count: stems.len(),
        stems: render(
            &header(
                "lexicon-stems.txt",
                "Snowball stems of the ordinary word forms of Russian, with their ending class",
            ),
            stem_lines,
        ),
        class_count: classes.len(),
        endings: render(
            &header(
                "lexicon-endings.txt",
                "the endings of each class, line 0 first; «-» is no ending",
            ),
            class_lines,
        ),
        form_count: forms.len(),
        forms: render(
            &header(
                "ordinary-forms.txt",
                "ordinary word forms that meet a word of a place name",
            ),
            forms.iter().cloned(),
        ),
        function_word_count: function_words.len(),
        function_words: render(
            &header(
                "function-words.txt",
                "word forms that are only ever prepositions, conjunctions, particles or pronouns",
            ),
            function_words.iter().cloned(),
        ),
    })
}

fn render(header: &str, lines: impl Iterator<Item = String>) -> String {
    let mut out = String::from(header);
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The name keys of the built-in place tables.
pub fn builtin_name_keys() -> BTreeSet<&'static str> {
    Gazetteer::builtin().name_word_keys()
}

/// Lines of a generated file that are not comments.
#[cfg(test)]
fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|line| !line.starts_with('#'))
}

/// Checks that the committed files agree with each other and with the place tables; returns
/// what disagrees. (The dump itself is not available in CI, so only consistency is checked.)
#[cfg(test)]
fn check(stems: &str, endings: &str, forms: &str, name_keys: &BTreeSet<&str>) -> Vec<String> {
    let classes = entries(endings).count();
    let mut problems = Vec::new();
    let mut stem_set = std::collections::HashSet::new();
    for line in entries(stems) {
        let class = line.split_once('\t').and_then(|(stem, class)| {
            stem_set.insert(stem);
            class.parse::<usize>().ok()
        });
        if class.is_none_or(|class| class >= classes) {
            problems.push(format!("{line:?}: no stem and ending class"));
        }
    }
    let stem_list: Vec<&str> = entries(stems)
        .map(|line| line.split('\t').next().unwrap_or_default())
        .collect();
    let form_list: Vec<&str> = entries(forms).collect();
    for lines in [stem_list, form_list] {
        if let Some(pair) = lines.windows(2).find(|pair| pair[0] >= pair[1]) {
            problems.push(format!(
                "not sorted and distinct: {:?}, {:?}",
                pair[0], pair[1]
            ));
        }
    }
    for form in entries(forms) {
        if form != normalize_word(form) {
            problems.push(format!("{form:?} is not normalised"));
        }
        let mut meets_a_name = false;
        for part in form.split('-') {
            let stem = stem_word(part);
            if !stem_set.contains(stem.as_str()) {
                problems.push(format!(
                    "{form:?}: the stem {stem:?} is not in the stem list"
                ));
            }
            meets_a_name |= name_keys.contains(stem.as_str()) || name_keys.contains(part);
        }
        if !meets_a_name {
            problems.push(format!("{form:?} meets no place name word"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEMS: &str = include_str!("../../russian/data/lexicon-stems.txt");
    const ENDINGS: &str = include_str!("../../russian/data/lexicon-endings.txt");
    const FORMS: &str = include_str!("../../resolution/data/ordinary-forms.txt");

    #[test]
    fn a_dump_gives_sorted_stems_and_the_forms_that_meet_place_names() {
        let dump = "# test dump\nкем\to\nкемь\tp\nшар\to\nшарами\to\nкто-нибудь\to\nмузей\to\n\
                    крым\tp\nкрым-сагыз\to\n";
        let keys: BTreeSet<&str> = ["кем", "шар", "шарь", "крым"].into_iter().collect();
        let lexicon = generate(dump, &keys).unwrap();
        let stems: Vec<&str> = entries(&lexicon.stems).collect();
        assert_eq!(
            stems,
            [
                "кем\t0",
                "крым\t0",
                "кто\t0",
                "муз\t2",
                "нибуд\t3",
                "сагыз\t0",
                "шар\t1"
            ]
        );
        let endings: Vec<&str> = entries(&lexicon.endings).collect();
        assert_eq!(endings, ["-", "- ами", "ей", "ь"]);
        let forms: Vec<&str> = entries(&lexicon.forms).collect();
        // «крым» is proper: only the compound is an ordinary form.
        assert_eq!(forms, ["кем", "крым-сагыз", "шар", "шарами"]);
        assert!(lexicon.stems.contains("# Source: test dump."));
        assert_eq!(generate(dump, &keys).unwrap().stems, lexicon.stems);
        assert!(generate("кем\tx\n", &keys).is_err());
    }

    #[test]
    fn committed_lexicon_is_consistent_with_the_place_tables() {
        let problems = check(STEMS, ENDINGS, FORMS, &builtin_name_keys());
        assert!(
            problems.is_empty(),
            "the lexicon is stale; rerun `cargo run -p xtask -- lexicon DUMP`:\n{}",
            problems[..problems.len().min(20)].join("\n")
        );
    }
}
