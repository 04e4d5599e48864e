//! Derivational roots: words of one family (профориентация, профориентационный,
//! профориентировать) meet on one root, so a search for one finds the others.
//!
//! Snowball removes inflection only, so «профориентация» (профориентац) and
//! «профориентационной» (профориентацион) keep different stems. On top of the stem, this
//! module strips derivational suffixes, longest first, as long as the root keeps at least
//! [`MIN_ROOT_CHARS`] letters and is not one of the [`PROTECTED_ROOTS`] that would join
//! unrelated words (образ ≠ образование). The index keeps roots in a separate, lower-weighted
//! field, so exact and inflected forms still rank above derived ones.

/// Derivational suffixes of Snowball stems and what replaces them, longest first.
/// Agent nouns and their activities meet on the adjective stem (наставник, наставничество →
/// наставн; дошкольник → дошкольн, as in дошкольный).
const SUFFIXES: &[(&str, &str)] = &[
    ("ационн", ""),
    ("ацион", ""),
    ("ничеств", "н"),
    ("ирован", ""),
    ("ирова", ""),
    ("ическ", ""),
    ("изац", ""),
    ("тельн", ""),
    ("ован", ""),
    ("ьск", ""),
    ("изм", ""),
    ("ова", ""),
    ("ыва", ""),
    ("ива", ""),
    ("ивн", ""),
    ("ник", "н"),
    ("ств", ""),
    ("ан", ""),
    ("ен", ""),
    ("ац", ""),
    ("а", ""),
];

/// Shortest root a suffix may leave.
pub const MIN_ROOT_CHARS: usize = 5;

/// Roots that must not be produced: they would join unrelated families.
pub const PROTECTED_ROOTS: &[&str] = &[
    "образ",    // образ (image) ≠ образование (education)
    "соверш",   // совершение (an act) ≠ совершенствование (improvement)
    "способ",   // способ (a method) ≠ способствовать (to foster)
    "сообщ",    // сообщение (a message) ≠ сообщество (a community)
    "орган",    // орган (a body) ≠ организация (an organisation)
    "персонал", // персонал (staff) ≠ персонализация
    "национал", // национальный ≠ национализм
    "механ",    // механизм ≠ механический
];

/// Stems whose family must stay apart from the root the rules would give them.
const KEEP: &[&str] = &[
    "воспитанник", // a pupil is not upbringing (воспитание)
    "участник",    // a participant is not participation's topic
    "руководител",
];

/// The derivational root of a Snowball stem (the stem itself when no rule applies).
pub fn derivational_root(stem: &str) -> String {
    if KEEP.contains(&stem) {
        return stem.to_string();
    }
    let mut root = stem.to_string();
    loop {
        let stripped = SUFFIXES.iter().find_map(|(suffix, replacement)| {
            let shorter = root.strip_suffix(suffix)?;
            let long_enough = shorter.chars().count() >= MIN_ROOT_CHARS;
            let allowed = long_enough && !PROTECTED_ROOTS.contains(&shorter);
            allowed.then(|| format!("{shorter}{replacement}"))
        });
        match stripped {
            Some(shorter) => root = shorter,
            None => return root,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stem_word;

    fn root(word: &str) -> String {
        derivational_root(&stem_word(word))
    }

    #[test]
    fn families_meet() {
        for family in [
            &[
                "профориентация",
                "профориентационной",
                "профориентационных",
                "профориентировать",
            ][..],
            &[
                "воспитание",
                "воспитательный",
                "воспитательной",
                "воспитывать",
            ],
            &["наставничество", "наставник", "наставников"],
            &["дошкольники", "дошкольного", "дошкольных"],
            &["цифровизация", "цифровой", "цифровых"],
            &["патриотизм", "патриотического", "патриотическое"],
            &["родители", "родительских", "родителей"],
            &["рекомендация", "рекомендовать", "рекомендуется"],
            &["инклюзия", "инклюзивный", "инклюзивного"],
            &["организация", "организационный", "организовать"],
            &["информация", "информационный", "информирование"],
            &["образование", "образовательный", "образовательных"],
            &["реализация", "реализовать"],
        ] {
            let expected = root(family[0]);
            for word in family {
                assert_eq!(root(word), expected, "{word} should join {}", family[0]);
            }
        }
    }

    #[test]
    fn unrelated_words_stay_apart() {
        for (left, right) in [
            ("образ", "образование"),
            ("воспитанник", "воспитание"),
            ("участник", "участие"),
            ("стандарт", "станция"),
            ("руководитель", "руководство"),
            ("способ", "способствовать"),
            ("сообщение", "сообщество"),
            ("совершить", "совершенствовать"),
            ("орган", "организация"),
            ("персонал", "персонализация"),
            ("национальный", "национализм"),
        ] {
            assert_ne!(root(left), root(right), "{left} must not join {right}");
        }
    }
}
