//! Locating a resolution: how strongly each mention names the venue, and the decision.

use std::cell::RefCell;
use std::collections::HashMap;

use edusearch_russian::StemCache;

use crate::model::Location;

use super::patterns::{Token, WordClass, tokenize};
use super::scan::{RawMention, Reading};
use super::{Gazetteer, Marker};

/// Least score of the chosen municipality: one strong piece of evidence (venue, issuing body,
/// a line of its own, the header) or several plain mentions.
const MIN_MUNICIPALITY_SCORE: f32 = 5.0;
/// How far the chosen municipality must lead the next one (and ambiguous names).
const MARGIN: f32 = 1.5;
/// Least score of a town to be named as the settlement of its municipality.
const MIN_TOWN_SCORE: f32 = 3.0;
/// Least score of a subject named without a municipality.
const MIN_REGION_SCORE: f32 = 6.0;

/// Marks mentions that stand in a list of places («Анапа, Геленджик и Сочи»).
fn list_flags(text: &str, tokens: &[Token<'_>], mentions: &[RawMention]) -> Vec<bool> {
    let mut flags = vec![false; mentions.len()];
    for index in 1..mentions.len() {
        let previous = tokens[mentions[index - 1].last_token].end;
        let current = tokens[mentions[index].first_token].start;
        if matches!(
            text[previous..current].trim(),
            "," | ";" | "/" | "и" | ", и" | ",и"
        ) {
            flags[index - 1] = true;
            flags[index] = true;
        }
    }
    flags
}

/// How strongly a mention says «this is where the resolution comes from».
fn strength(
    text: &str,
    tokens: &[Token<'_>],
    mention: &RawMention,
    in_header: bool,
    in_list: bool,
) -> f32 {
    let adjective_form = mention.marker == Marker::Bare
        && tokens[mention.last_token].class() == WordClass::Adjective;
    let mut score: f32 = match mention.marker {
        Marker::Municipality => 5.0,
        Marker::Town | Marker::Suffix | Marker::RegionName => 3.0,
        Marker::RegionVariant => 2.0,
        Marker::Bare if adjective_form => 1.0,
        Marker::Bare => 1.5,
    };
    let first = mention.first_token;
    let venue = first > 0 && {
        let before = &tokens[first - 1];
        matches!(before.norm(), "в" | "во")
            && text[before.end..tokens[first].start]
                .chars()
                .all(|c| c.is_whitespace() && c != '\n')
    };
    if venue {
        score = score.max(if mention.marker == Marker::Bare {
            3.0
        } else {
            5.0
        });
    }
    let issuing = is_issuing_body(tokens, first);
    if issuing {
        score = score.max(5.0);
    }
    if stands_alone(text, tokens, mention) {
        score = score.max(6.0);
    }
    if !issuing && at_institution(text, tokens, first) {
        score *= 0.3;
    }
    if in_list {
        score *= 0.2;
    }
    if in_header {
        score *= 3.0;
    }
    score
}

/// «управление образования администрации Ирбейского района», «министерства образования
/// Красноярского края», «ГБОУ ИРО Краснодарского края».
fn is_issuing_body(tokens: &[Token<'_>], first: usize) -> bool {
    let window = &tokens[first.saturating_sub(3)..first];
    window.iter().enumerate().any(|(index, token)| {
        ISSUING_WORDS.contains(&token.stem())
            || token.norm() == "иро"
            || (matches!(token.stem(), "управлен" | "отдел" | "комитет")
                && window
                    .get(index + 1)
                    .is_some_and(|next| next.stem() == "образован"))
    })
}

/// Stems of the bodies that issue resolutions or hold the meetings.
const ISSUING_WORDS: &[&str] = &[
    "администрац",
    "правительств",
    "министерств",
    "департамент",
    "губернатор",
];

/// «МБОУ СОШ №38 г. Краснодара», «МАОУ СОШ №2 (г. Усть-Лабинск»: a school's address.
fn at_institution(text: &str, tokens: &[Token<'_>], first: usize) -> bool {
    let window_start = first.saturating_sub(4);
    let numbered = first > 0 && {
        let number = &tokens[first - 1];
        let before = if first >= 2 { tokens[first - 2].end } else { 0 };
        number.norm().chars().all(|c| c.is_ascii_digit())
            && text[before..number.start].contains('№')
    };
    numbered
        || tokens[window_start..first].iter().any(|token| {
            INSTITUTION_WORDS.contains(&token.norm())
                || matches!(
                    token.stem(),
                    "школ" | "лице" | "лицей" | "гимназ" | "колледж" | "техникум" | "сад"
                )
        })
}

const INSTITUTION_WORDS: &[&str] = &[
    "мбоу",
    "маоу",
    "моу",
    "мкоу",
    "гбоу",
    "гаоу",
    "гоу",
    "мбдоу",
    "мадоу",
    "мдоу",
    "мкдоу",
    "мбудо",
    "маудо",
    "мбу",
    "мау",
    "сош",
    "оош",
    "нош",
    "дод",
    "цдт",
    "ддт",
];

/// A line that holds nothing but the mention (and numbers): «г. Краснодар».
fn stands_alone(text: &str, tokens: &[Token<'_>], mention: &RawMention) -> bool {
    let start = tokens[mention.first_token].start;
    let end = tokens[mention.last_token].end;
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |at| end + at);
    let rest = text[line_start..start]
        .chars()
        .chain(text[end..line_end].chars());
    !rest.into_iter().any(char::is_alphabetic)
}

/// The best key with its score and the runner-up's score.
fn best_two(scores: &HashMap<usize, f32>) -> Option<(usize, f32, f32)> {
    let mut ranked: Vec<(usize, f32)> = scores.iter().map(|(&k, &v)| (k, v)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let (best, score) = *ranked.first()?;
    let second = ranked.get(1).map_or(0.0, |entry| entry.1);
    Some((best, score, second))
}
impl Gazetteer {
    /// Locates a resolution from its header (title block) and body.
    ///
    /// The venue and the issuing body decide: the header, «в г. X», a line «г. X» of its own,
    /// «администрации X района», «муниципального образования город X». Places in a list
    /// («Анапа, Геленджик, … районы»), at a school's address («МБОУ СОШ №38 г. Краснодара») or
    /// merely mentioned count little. The region comes from the chosen municipality, else from
    /// a subject named strongly enough; a name shared by several subjects needs one of them
    /// named in the text. Unknown parts are `None`.
    pub fn locate(&self, header: &str, body: &str) -> Location {
        self.locate_with(header, body, &mut StemCache::new())
    }

    /// [`Gazetteer::locate`] with the stems of a cache the caller shares with other extractors.
    pub(crate) fn locate_with(&self, header: &str, body: &str, stems: &mut StemCache) -> Location {
        // The tokens ask the cache for a word's forms when they need them.
        let cache = RefCell::new(std::mem::take(stems));
        let mut scored = Vec::new();
        for (text, in_header) in [(header, true), (body, false)] {
            let tokens = tokenize(text, &cache);
            let mentions = self.scan(text, &tokens, Reading::Document);
            let in_list = list_flags(text, &tokens, &mentions);
            for (mention, listed) in mentions.into_iter().zip(in_list) {
                let strength = strength(text, &tokens, &mention, in_header, listed);
                scored.push((mention, strength));
            }
        }
        *stems = cache.into_inner();
        self.decide(&scored)
    }

    fn decide(&self, scored: &[(RawMention, f32)]) -> Location {
        // Subjects named in the text, by strength.
        let mut region_scores: HashMap<usize, f32> = HashMap::new();
        for (mention, strength) in scored {
            if let Some(region) = mention.region {
                *region_scores.entry(region).or_default() += strength;
            }
        }
        let top_region = best_two(&region_scores);

        // Municipalities: each mention votes for the municipalities of its places.
        let mut municipality_scores: HashMap<usize, f32> = HashMap::new();
        let mut town_scores: HashMap<usize, f32> = HashMap::new();
        let mut ambiguous = 0.0_f32;
        for (mention, strength) in scored {
            if mention.places.is_empty() {
                continue;
            }
            let named_regions: Vec<usize> = mention
                .places
                .iter()
                .copied()
                .filter(|&place| region_scores.contains_key(&self.places[place].region))
                .collect();
            let candidates = if named_regions.is_empty() {
                mention.places.clone()
            } else {
                named_regions
            };
            let mut municipalities: Vec<usize> = candidates
                .iter()
                .map(|&place| self.places[place].parent.unwrap_or(place))
                .collect();
            municipalities.sort_unstable();
            municipalities.dedup();
            match municipalities.as_slice() {
                [municipality] => {
                    *municipality_scores.entry(*municipality).or_default() += strength;
                    if let [town] = candidates.as_slice()
                        && self.places[*town].parent.is_some()
                    {
                        *town_scores.entry(*town).or_default() += strength;
                    }
                }
                _ => ambiguous += strength,
            }
        }
        // A municipality of the subject the text is about gains.
        if let Some((region, region_score, _)) = top_region
            && region_score >= 2.0
        {
            for (&municipality, score) in municipality_scores.iter_mut() {
                if self.places[municipality].region == region {
                    *score *= 1.5;
                }
            }
        }

        let mut location = Location::default();
        if let Some((municipality, score, second)) = best_two(&municipality_scores)
            && score >= MIN_MUNICIPALITY_SCORE
            && score >= MARGIN * second.max(ambiguous)
        {
            let place = &self.places[municipality];
            location.municipality = Some(place.name.clone());
            location.region = Some(place.region_name.clone());
            location.settlement = town_scores
                .iter()
                .filter(|&(&town, &score)| {
                    self.places[town].parent == Some(municipality) && score >= MIN_TOWN_SCORE
                })
                .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(&town, _)| self.places[town].name.clone());
            return location;
        }
        if let Some((region, score, second)) = top_region
            && score >= MIN_REGION_SCORE
            && score >= 2.0 * second
        {
            location.region = Some(self.regions[region].name.clone());
        }
        location
    }
}
