//! Names compiled into patterns of stems, and the words of a text they are matched against.

use std::cell::{OnceCell, RefCell};
use std::fmt;
use std::rc::Rc;

use edusearch_russian::{StemCache, WordForms, is_uppercase, normalize_word, stem_word, words};

use crate::table_hash::TableMap;

use super::{Gazetteer, Marker, PlaceKind};

/// Words of names that need not be capitalised («Удмуртская Республика», «район имени Лазо»).
const GENERIC_WORDS: &[&str] = &[
    "республика",
    "город",
    "автономный",
    "автономная",
    "область",
    "край",
    "округ",
    "район",
    "муниципальный",
    "муниципальное",
    "городской",
    "образование",
    "народная",
    "имени",
    "поселок",
    "ЗАТО",
];

/// Prefixes of town names, dropped from a pattern: the matcher reads them as markers.
const TOWN_PREFIXES: &[&str] = &["г. ", "город ", "пгт ", "р. п. ", "п. "];

/// Prefixes of municipality names kept in their pattern («городской округ Новая Земля»).
const MUNICIPALITY_PREFIXES: &[&str] = &[
    "городской округ ",
    "муниципальный район ",
    "муниципальный округ ",
    "ЗАТО поселок ",
    "ЗАТО ",
    "район ",
    "округ ",
];

const DISTRICT_SUFFIXES: &[&str] = &[" район", " муниципальный район", " муниципальный округ"];
const OKRUG_SUFFIXES: &[&str] = &[
    " городской округ",
    " муниципальный округ",
    " округ",
    " муниципальное образование",
];

fn strip_any_prefix<'a>(name: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|prefix| name.strip_prefix(prefix))
}

/// The forms under which a place name is matched, with their marker and strictness.
fn place_forms(name: &str, kind: PlaceKind, strict: bool) -> Vec<(String, Marker, bool)> {
    let mut forms = Vec::new();
    if let Some(core) = strip_any_prefix(name, TOWN_PREFIXES) {
        forms.push((core.to_string(), Marker::Bare, strict));
        return forms;
    }
    if let Some(core) = strip_any_prefix(name, MUNICIPALITY_PREFIXES) {
        forms.push((name.to_string(), Marker::Municipality, false));
        forms.push((core.to_string(), Marker::Bare, strict));
        return forms;
    }
    let suffixes: &[&str] = match kind {
        PlaceKind::District => DISTRICT_SUFFIXES,
        PlaceKind::City | PlaceKind::Okrug => OKRUG_SUFFIXES,
    };
    let own_suffix = DISTRICT_SUFFIXES
        .iter()
        .chain(OKRUG_SUFFIXES)
        .filter(|suffix| name.ends_with(**suffix))
        .max_by_key(|suffix| suffix.len());
    match own_suffix {
        Some(own) => {
            let core = &name[..name.len() - own.len()];
            forms.push((name.to_string(), Marker::Suffix, false));
            for suffix in suffixes {
                if suffix != own {
                    forms.push((format!("{core}{suffix}"), Marker::Suffix, false));
                }
            }
            forms.push((core.to_string(), Marker::Bare, strict));
        }
        None => forms.push((name.to_string(), Marker::Bare, strict)),
    }
    forms
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Target {
    Region(usize),
    Place(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum WordClass {
    Adjective,
    Noun,
    Either,
}

/// Endings (after the stem) of adjectives in the nominative, as place names are written.
const NOMINATIVE_ADJECTIVE_ENDINGS: &[&str] =
    &["ий", "ый", "ой", "ая", "ое", "ее", "ие", "ые", "яя"];
/// Endings that only adjectives have.
const ADJECTIVE_ONLY_ENDINGS: &[&str] = &[
    "ого", "его", "ому", "ему", "ый", "ий", "ым", "им", "ая", "яя", "ую", "юю", "ое", "ее", "ые",
    "ие", "ых", "их", "ыми", "ими",
];
/// Endings shared by adjectives and nouns («Усть-Лабинском»).
const SHARED_ENDINGS: &[&str] = &["ой", "ей", "ом", "ем"];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct PatternWord {
    /// Stem, or the whole lowercased word for an abbreviation.
    pub(super) stem: String,
    /// The word itself, lowercased: it matches too, since Snowball stems some nominatives
    /// shorter than the other cases («Тамбов» → «тамб», «Тамбова» → «тамбов»).
    pub(super) norm: String,
    /// A second stem for names with a fleeting vowel («Орёл» → «Орла»).
    pub(super) alt_stem: Option<String>,
    /// Abbreviations («ХМАО», «СПб») match the whole word, written in capitals.
    abbreviation: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Pattern {
    pub(super) words: Vec<PatternWord>,
    pub(super) target: Target,
    pub(super) marker: Marker,
    pub(super) strict: bool,
    /// Whether the name carries its own marker: a generic word («район», «край») or an
    /// abbreviation («ХМАО»).
    pub(super) marked: bool,
    /// The word that must be capitalised in running text.
    pub(super) capital: Option<usize>,
    /// Whether the last word is an adjective («Ирбейский») or a noun («Мегион»).
    pub(super) class: WordClass,
}

impl Pattern {
    fn new(
        form: &str,
        target: Target,
        marker: Marker,
        strict: bool,
        generic: &[String],
    ) -> Option<Pattern> {
        let mut words_out = Vec::new();
        let mut capital = None;
        let mut class = WordClass::Noun;
        let mut marked = false;
        for word in words(form) {
            let uppercase = word.text.chars().filter(|c| c.is_uppercase()).count();
            let abbreviation = uppercase >= 2;
            let norm = normalize_word(word.text);
            let stem = if abbreviation {
                norm.clone()
            } else {
                oblique_stem(&norm)
            };
            marked |= abbreviation || generic.contains(&stem_word(&norm));
            let starts_upper = word.text.chars().next().is_some_and(char::is_uppercase);
            if capital.is_none() && starts_upper && !generic.contains(&stem) {
                capital = Some(words_out.len());
            }
            class = match norm.strip_prefix(stem.as_str()) {
                Some(ending) if NOMINATIVE_ADJECTIVE_ENDINGS.contains(&ending) => {
                    WordClass::Adjective
                }
                _ => WordClass::Noun,
            };
            words_out.push(PatternWord {
                stem,
                norm,
                alt_stem: None,
                abbreviation,
            });
        }
        if words_out.is_empty() {
            return None;
        }
        Some(Pattern {
            words: words_out,
            target,
            marker,
            strict,
            marked,
            capital,
            class,
        })
    }

    fn key(&self) -> &str {
        &self.words[0].stem
    }

    /// «Орёл» → also «орл» (Орла), «Елец» → «ельц», «Торжок» → «торжк».
    fn add_fleeting_vowel_stem(&mut self) {
        if self.class != WordClass::Noun {
            return;
        }
        let Some(last) = self.words.last_mut() else {
            return;
        };
        if last.abbreviation {
            return;
        }
        let stem = &last.norm;
        let oblique = if let Some(base) = stem.strip_suffix("ец") {
            let soft = if base.ends_with('л') { "ь" } else { "" };
            format!("{base}{soft}ца")
        } else if let Some(base) = stem.strip_suffix("ок").or_else(|| stem.strip_suffix("ек")) {
            format!("{base}ка")
        } else if let Some(base) = stem.strip_suffix("ел") {
            format!("{base}ла")
        } else {
            return;
        };
        let alt = stem_word(&oblique);
        if alt != last.stem {
            last.alt_stem = Some(alt);
        }
    }

    /// The number of tokens this pattern covers at `at`, if it matches there.
    pub(super) fn match_at(
        &self,
        text: &str,
        tokens: &[Token],
        at: usize,
        query: bool,
    ) -> Option<usize> {
        for (offset, word) in self.words.iter().enumerate() {
            let token = tokens.get(at + offset)?;
            if offset > 0 && !is_name_gap(&text[tokens[at + offset - 1].end..token.start]) {
                return None;
            }
            let found = if word.abbreviation {
                token.norm() == word.stem && (query || token.uppercase(text) >= 2)
            } else {
                token.stem() == word.stem
                    || token.norm() == word.norm
                    || word.alt_stem.as_deref() == Some(token.stem())
            };
            if !found {
                return None;
            }
        }
        if !query
            && let Some(capital) = self.capital
            && !tokens[at + capital].capitalised
        {
            return None;
        }
        Some(self.words.len())
    }
}

/// The stem a name word has in its oblique cases: «Тамбов» stems to «тамб» (Snowball reads
/// «-ов» as an ending) but «Тамбова», «Тамбове» to «тамбов».
fn oblique_stem(norm: &str) -> String {
    let stem = stem_word(norm);
    let ends_in_consonant = norm
        .chars()
        .last()
        .is_some_and(|c| "бвгджзклмнпрстфхцчшщ".contains(c));
    if !ends_in_consonant {
        return stem;
    }
    let genitive = stem_word(&format!("{norm}а"));
    if genitive.len() > stem.len() && genitive.starts_with(&stem) {
        genitive
    } else {
        stem
    }
}

/// Between the words of one name: spaces, hyphens and dashes, brackets («Саха (Якутия)»).
fn is_name_gap(gap: &str) -> bool {
    gap.chars()
        .all(|c| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '(' | ')'))
}

/// Abbreviations of names' generic words and the stem they stand for: «Тамбовская обл.»,
/// «Респ. Коми».
const STEM_OVERRIDES: &[(&str, &str)] = &[("обл", "област"), ("респ", "республик")];

/// A word of the text being matched.
///
/// What few tokens are asked (the forms, the word class, the number of capitals) is worked
/// out when asked: a text has thousands of words and a handful of names, and the scan looks
/// most words up only when they could open a name (see [`Gazetteer::may_open_name`]).
pub(super) struct Token<'s> {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) capitalised: bool,
    /// The word as written.
    word: &'s str,
    forms: OnceCell<WordForms>,
    stems: &'s RefCell<StemCache>,
}

impl<'s> Token<'s> {
    fn new(text: &'s str, start: usize, end: usize, stems: &'s RefCell<StemCache>) -> Self {
        Token {
            start,
            end,
            capitalised: text.chars().next().is_some_and(is_uppercase),
            word: text,
            forms: OnceCell::new(),
            stems,
        }
    }

    /// Normal form and stem, from the shared cache on first use.
    fn forms(&self) -> &WordForms {
        self.forms.get_or_init(|| {
            let WordForms { normalized, stem } = self.stems.borrow_mut().forms(self.word);
            let stem = match STEM_OVERRIDES
                .iter()
                .find(|(norm, _)| **norm == *normalized)
            {
                Some((_, generic)) => Rc::from(*generic),
                None => stem,
            };
            WordForms { normalized, stem }
        })
    }

    /// The word lowercased, `ё -> е`.
    pub(super) fn norm(&self) -> &str {
        &self.forms().normalized
    }

    /// The Snowball stem of [`Token::norm`] (a generic word's for «обл», «респ», «р-н»).
    pub(super) fn stem(&self) -> &str {
        &self.forms().stem
    }

    /// Whether the word reads as an adjective or a noun, by its ending after the stem.
    pub(super) fn class(&self) -> WordClass {
        match self.norm().strip_prefix(self.stem()) {
            Some(ending) if ADJECTIVE_ONLY_ENDINGS.contains(&ending) => WordClass::Adjective,
            Some(ending) if SHARED_ENDINGS.contains(&ending) => WordClass::Either,
            Some(_) => WordClass::Noun,
            None => WordClass::Either,
        }
    }

    /// The capitals of the word as written in `text`.
    fn uppercase(&self, text: &str) -> usize {
        text[self.start..self.end]
            .chars()
            .filter(|&c| is_uppercase(c))
            .count()
    }

    /// Whether [`Token::norm`] could begin with one of `prefixes` (lowercase Russian or
    /// ASCII), told from the word as written without normalising it: each of its first
    /// characters is folded as [`edusearch_russian::normalize_word`] folds it, and a character
    /// of another alphabet answers «perhaps» (`true`).
    fn may_begin_with_any(&self, prefixes: &[String]) -> bool {
        if let Some(forms) = self.forms.get() {
            return prefixes
                .iter()
                .any(|prefix| forms.normalized.starts_with(prefix.as_str()));
        }
        let Some(first) = self.word.chars().next().map(fold_char) else {
            return false;
        };
        let Some(first) = first else {
            return true;
        };
        prefixes.iter().any(|prefix| {
            let mut expected = prefix.chars();
            if expected.next() != Some(first) {
                return false;
            }
            let mut written = self.word.chars().skip(1);
            for wanted in expected {
                match written.next().map(fold_char) {
                    None => return false,
                    // Lowercased by the Unicode tables, a character may become several.
                    Some(None) => return true,
                    Some(Some(folded)) if folded != wanted => return false,
                    Some(Some(_)) => {}
                }
            }
            true
        })
    }
}

/// A character as [`edusearch_russian::normalize_word`] folds it, when it is Russian or
/// ASCII; `None` for a character of another alphabet.
fn fold_char(ch: char) -> Option<char> {
    match ch {
        'A'..='Z' => Some(ch.to_ascii_lowercase()),
        '\0'..='\x7f' | 'а'..='я' => Some(ch),
        'Ё' | 'ё' => Some('е'),
        'А'..='Я' => char::from_u32(u32::from(ch) + 0x20),
        _ => None,
    }
}

impl fmt::Debug for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("start", &self.start)
            .field("end", &self.end)
            .field("word", &self.word)
            .field("forms", &self.forms.get())
            .finish()
    }
}

/// Words of a text; «р-н» becomes one word «район». Their forms come from `stems` when asked.
pub(super) fn tokenize<'s>(text: &'s str, stems: &'s RefCell<StemCache>) -> Vec<Token<'s>> {
    let raw: Vec<_> = words(text).collect();
    let mut tokens = Vec::with_capacity(raw.len());
    let mut at = 0;
    while at < raw.len() {
        let word = raw[at];
        if let Some(next) = raw.get(at + 1)
            && matches!(word.text, "р" | "Р")
            && matches!(next.text, "н" | "Н")
            && &text[word.end..next.start] == "-"
        {
            let token = Token::new(&text[word.start..next.end], word.start, next.end, stems);
            // A noun: its norm is its stem.
            let district: Rc<str> = Rc::from("район");
            let _ = token.forms.set(WordForms {
                normalized: Rc::clone(&district),
                stem: district,
            });
            tokens.push(token);
            at += 2;
            continue;
        }
        tokens.push(Token::new(word.text, word.start, word.end, stems));
        at += 1;
    }
    tokens
}
impl Gazetteer {
    pub(super) fn build_patterns(&mut self) {
        let generic: Vec<String> = GENERIC_WORDS.iter().map(|word| stem_word(word)).collect();
        let mut patterns = Vec::new();
        for (index, region) in self.regions.iter().enumerate() {
            let forms = std::iter::once((region.name.as_str(), Marker::RegionName)).chain(
                region
                    .variants
                    .iter()
                    .map(|variant| (variant.as_str(), Marker::RegionVariant)),
            );
            for (form, marker) in forms {
                let form = strip_any_prefix(form, TOWN_PREFIXES).unwrap_or(form);
                if let Some(pattern) =
                    Pattern::new(form, Target::Region(index), marker, false, &generic)
                {
                    patterns.push(pattern);
                }
            }
        }
        for (index, place) in self.places.iter().enumerate() {
            for (alias, name) in std::iter::once((false, &place.name))
                .chain(place.aliases.iter().map(|alias| (true, alias)))
            {
                for (form, marker, strict) in place_forms(name, place.kind, place.strict) {
                    // «Советский городской округ» is г. Советск, but a bare «Советский» is not:
                    // the bare form of an alias counts only for a district
                    // («Анабарский» of «Анабарский национальный (долгано-эвенкийский) район»).
                    if alias && marker == Marker::Bare && place.kind != PlaceKind::District {
                        continue;
                    }
                    if let Some(mut pattern) =
                        Pattern::new(&form, Target::Place(index), marker, strict, &generic)
                    {
                        if place.kind == PlaceKind::City && marker == Marker::Bare {
                            pattern.add_fleeting_vowel_stem();
                        }
                        patterns.push(pattern);
                    }
                }
            }
        }
        patterns.sort_by(|a, b| a.key().cmp(b.key()));
        patterns.dedup();
        let mut index: TableMap<String, Vec<usize>> = TableMap::default();
        for (id, pattern) in patterns.iter().enumerate() {
            let first = &pattern.words[0];
            let mut keys = vec![&first.stem, &first.norm];
            keys.extend(&first.alt_stem);
            keys.sort();
            keys.dedup();
            for key in keys {
                index.entry(key.clone()).or_default().push(id);
            }
        }
        self.lowercase_prefixes = lowercase_prefixes(&patterns);
        self.patterns = patterns;
        self.index = index;
    }

    /// Whether a word of running text could open a name: a capitalised word, or one whose
    /// normal form begins with a key of a name that may begin in lower case («городского
    /// округа», «Республики Коми» written «республики»). A word that could not is not looked
    /// up: no pattern found under its forms would match it.
    pub(super) fn may_open_name(&self, token: &Token<'_>) -> bool {
        token.capitalised || token.may_begin_with_any(&self.lowercase_prefixes)
    }
}

/// What the normal form of a lowercase word that opens a name begins with: the keys of the
/// patterns whose first word need not be capitalised, and the abbreviations whose stem is one
/// of them; a prefix that another one begins with is left out.
fn lowercase_prefixes(patterns: &[Pattern]) -> Vec<String> {
    let mut keys: Vec<&str> = Vec::new();
    for pattern in patterns.iter().filter(|pattern| pattern.capital != Some(0)) {
        let first = &pattern.words[0];
        keys.extend([first.stem.as_str(), first.norm.as_str()]);
        keys.extend(first.alt_stem.as_deref());
    }
    for (norm, stem) in STEM_OVERRIDES {
        if keys.contains(stem) {
            keys.push(norm);
        }
    }
    keys.sort_unstable();
    keys.dedup();
    let shortest: Vec<String> = keys
        .iter()
        .filter(|key| {
            !keys
                .iter()
                .any(|other| other != *key && key.starts_with(other))
        })
        .map(|key| key.to_string())
        .collect();
    shortest
}
