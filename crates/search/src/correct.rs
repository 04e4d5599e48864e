//! Forgiving input: a query typed in the wrong keyboard layout, and misspelt words.

use std::collections::HashMap;

/// Latin QWERTY keys and the Russian ЙЦУКЕН letters on the same keys.
const LAYOUT: &[(char, char)] = &[
    ('q', 'й'),
    ('w', 'ц'),
    ('e', 'у'),
    ('r', 'к'),
    ('t', 'е'),
    ('y', 'н'),
    ('u', 'г'),
    ('i', 'ш'),
    ('o', 'щ'),
    ('p', 'з'),
    ('[', 'х'),
    (']', 'ъ'),
    ('a', 'ф'),
    ('s', 'ы'),
    ('d', 'в'),
    ('f', 'а'),
    ('g', 'п'),
    ('h', 'р'),
    ('j', 'о'),
    ('k', 'л'),
    ('l', 'д'),
    (';', 'ж'),
    ('\'', 'э'),
    ('z', 'я'),
    ('x', 'ч'),
    ('c', 'с'),
    ('v', 'м'),
    ('b', 'и'),
    ('n', 'т'),
    ('m', 'ь'),
    (',', 'б'),
    ('.', 'ю'),
    ('`', 'ё'),
];

/// The query retyped in the Russian layout, when it has Latin letters and no Cyrillic ones.
pub fn from_latin_layout(query: &str) -> Option<String> {
    let has_latin = query.chars().any(|c| c.is_ascii_alphabetic());
    let has_cyrillic = query.chars().any(is_cyrillic);
    if !has_latin || has_cyrillic {
        return None;
    }
    Some(
        query
            .chars()
            .map(|c| {
                let lower = c.to_ascii_lowercase();
                match LAYOUT.iter().find(|(latin, _)| *latin == lower) {
                    Some((_, russian)) if c.is_ascii_uppercase() => {
                        russian.to_uppercase().next().unwrap_or(*russian)
                    }
                    Some((_, russian)) => *russian,
                    None => c,
                }
            })
            .collect(),
    )
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё')
}

/// Largest edit distance at which a word of `chars` characters is corrected: short words are
/// too easily turned into other words.
pub fn max_distance(chars: usize) -> usize {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Candidate corrections, best first: the closest, then the most frequent, then in text order.
/// Each candidate comes with its edit distance and its document count.
pub fn ranked(candidates: HashMap<String, (usize, u32)>) -> Vec<String> {
    let mut ranked: Vec<(String, (usize, u32))> = candidates.into_iter().collect();
    ranked.sort_by(
        |(left, (left_distance, left_freq)), (right, (right_distance, right_freq))| {
            left_distance
                .cmp(right_distance)
                .then(right_freq.cmp(left_freq))
                .then(left.cmp(right))
        },
    );
    ranked.into_iter().map(|(candidate, _)| candidate).collect()
}

/// Edit distance in characters (insertions, deletions, substitutions, adjacent
/// transpositions), or `None` when above `limit`.
pub fn distance_within(left: &str, right: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = left.chars().collect();
    let b: Vec<char> = right.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    let mut previous_previous = vec![0usize; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current = vec![0usize; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(previous_previous[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut previous_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|distance| *distance <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_layout_is_retyped() {
        // The example users report has a slip of the finger too: spelling fixes the rest.
        assert_eq!(
            from_latin_layout("ghjabjhbtynfwbz").as_deref(),
            Some("профиориентация")
        );
        assert_eq!(
            from_latin_layout("ghjajhbtynfwbz").as_deref(),
            Some("профориентация")
        );
        assert_eq!(
            from_latin_layout("yfcnfdybxtcndj 2023").as_deref(),
            Some("наставничество 2023")
        );
        assert_eq!(from_latin_layout("профориентация"), None);
        assert_eq!(from_latin_layout("2023"), None);
    }

    #[test]
    fn distances_count_cyrillic_characters() {
        assert_eq!(
            distance_within("профариентация", "профориентация", 2),
            Some(1)
        );
        assert_eq!(
            distance_within("наставнечество", "наставничество", 2),
            Some(1)
        );
        assert_eq!(distance_within("воспитание", "вопситание", 1), Some(1));
        assert_eq!(distance_within("школа", "шкала", 0), None);
        assert_eq!(distance_within("образ", "образование", 2), None);
    }

    #[test]
    fn the_closest_then_the_most_frequent_candidate_comes_first() {
        let candidates = HashMap::from([
            ("тематик".to_string(), (1, 3)),
            ("математик".to_string(), (0, 1)),
            ("грамматик".to_string(), (2, 50)),
            ("автоматик".to_string(), (2, 50)),
        ]);
        assert_eq!(
            ranked(candidates),
            ["математик", "тематик", "автоматик", "грамматик"]
        );
    }

    #[test]
    fn short_words_are_not_corrected() {
        assert_eq!(max_distance(4), 0);
        assert_eq!(max_distance(6), 1);
        assert_eq!(max_distance(14), 2);
    }
}
