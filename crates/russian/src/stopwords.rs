//! Russian stop words (the Snowball list), compared after lowercasing and `ё -> е`.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;

/// The stop words, already lowercased and with `ё` folded to `е`.
pub const STOP_WORDS: &[&str] = &[
    "и",
    "в",
    "во",
    "не",
    "что",
    "он",
    "на",
    "я",
    "с",
    "со",
    "как",
    "а",
    "то",
    "все",
    "она",
    "так",
    "его",
    "но",
    "да",
    "ты",
    "к",
    "у",
    "же",
    "вы",
    "за",
    "бы",
    "по",
    "только",
    "ее",
    "мне",
    "было",
    "вот",
    "от",
    "меня",
    "еще",
    "нет",
    "о",
    "из",
    "ему",
    "теперь",
    "когда",
    "даже",
    "ну",
    "вдруг",
    "ли",
    "если",
    "уже",
    "или",
    "ни",
    "быть",
    "был",
    "него",
    "до",
    "вас",
    "нибудь",
    "опять",
    "уж",
    "вам",
    "ведь",
    "там",
    "потом",
    "себя",
    "ничего",
    "ей",
    "может",
    "они",
    "тут",
    "где",
    "есть",
    "надо",
    "ней",
    "для",
    "мы",
    "тебя",
    "их",
    "чем",
    "была",
    "сам",
    "чтоб",
    "без",
    "будто",
    "чего",
    "раз",
    "тоже",
    "себе",
    "под",
    "будет",
    "ж",
    "тогда",
    "кто",
    "этот",
    "того",
    "потому",
    "этого",
    "какой",
    "совсем",
    "ним",
    "здесь",
    "этом",
    "один",
    "почти",
    "мой",
    "тем",
    "чтобы",
    "нее",
    "сейчас",
    "были",
    "куда",
    "зачем",
    "всех",
    "никогда",
    "можно",
    "при",
    "наконец",
    "два",
    "об",
    "другой",
    "хоть",
    "после",
    "над",
    "больше",
    "тот",
    "через",
    "эти",
    "нас",
    "про",
    "всего",
    "них",
    "какая",
    "много",
    "разве",
    "три",
    "эту",
    "моя",
    "впрочем",
    "хорошо",
    "свою",
    "этой",
    "перед",
    "иногда",
    "лучше",
    "чуть",
    "том",
    "нельзя",
    "такой",
    "им",
    "более",
    "всегда",
    "конечно",
    "всю",
    "между",
];

/// Whether a normalised word (lowercase, `ё -> е`) is a stop word.
pub fn is_stop_word(normalized: &str) -> bool {
    // A set, not a scan of the list: the parser and the grouping ask this of every word.
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.iter().copied().collect())
        .contains(normalized)
}

/// Question words in all their forms (lowercased, `ё -> е`), some of them Snowball stop words
/// too: they say that something is asked, not what, so a question is ranked by its other words.
pub const QUESTION_WORDS: &[&str] = &[
    "кто",
    "что",
    "чего",
    "чему",
    "чем",
    "как",
    "когда",
    "где",
    "куда",
    "зачем",
    "какой",
    "какого",
    "какому",
    "каким",
    "каком",
    "какая",
    "какую",
    "какое",
    "какие",
    "каких",
    "какими",
    "каков",
    "какова",
    "каково",
    "каковы",
    "который",
    "которого",
    "которому",
    "которым",
    "котором",
    "которая",
    "которой",
    "которую",
    "которое",
    "которые",
    "которых",
    "которыми",
    "сколько",
    "скольких",
    "скольким",
    "сколькими",
    "почему",
    "отчего",
    "откуда",
    "кого",
    "кому",
    "кем",
    "ком",
    "чей",
    "чьего",
    "чьему",
    "чьим",
    "чьем",
    "чья",
    "чьей",
    "чью",
    "чье",
    "чьи",
    "чьих",
    "чьими",
    "ли",
];

/// Whether a normalised word asks a question («кто», «какой», «сколько», «почему»).
pub fn is_question_word(normalized: &str) -> bool {
    QUESTION_WORDS.contains(&normalized)
}

/// Whether a normalised word is a stop word or a question word: neither tells what a query is
/// about.
pub fn is_function_word(normalized: &str) -> bool {
    QUESTION_WORDS.contains(&normalized)
        || STOP_WORDS.contains(&normalized)
        || crate::lexicon::is_function_form(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_normalised() {
        for word in STOP_WORDS {
            assert_eq!(*word, crate::normalize_word(word), "{word}");
        }
    }

    #[test]
    fn question_and_stop_words_are_function_words() {
        for word in ["какие", "сколько", "почему", "которых", "кто", "где"]
        {
            assert!(is_function_word(word), "{word}");
        }
        for word in QUESTION_WORDS {
            assert_eq!(*word, crate::normalize_word(word), "{word}");
        }
        assert!(!is_function_word("школа"));
        for word in ["среди", "через", "между", "каждый", "которых"] {
            assert!(
                is_function_word(word),
                "{word}: a function word of the dictionary"
            );
        }
        for word in ["данные", "организовать", "после"] {
            assert_eq!(
                is_function_word(word),
                word == "после",
                "{word}: «данные» is also a noun"
            );
        }
    }

    #[test]
    fn content_words_are_not_stop_words() {
        assert!(is_stop_word("для"));
        assert!(!is_stop_word("образование"));
        assert!(!is_stop_word("2023"));
    }
}
