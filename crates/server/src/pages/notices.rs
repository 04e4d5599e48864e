//! The notices above the hits: filters set aside, and what to try when nothing was found.

use edusearch_search::{FilterKind, SearchRequest, UnderstoodQuery};

use super::urls::{page_href, with};
use super::views::{Chip, CorrectionView, DroppedView, Link, NoResults};

/// Example queries offered on the start page and when nothing is found.
const EXAMPLES: &[&str] = &[
    "профориентация 2023",
    "наставничество",
    "Точка роста",
    "ОВЗ",
];

pub(crate) fn example_links() -> Vec<Link> {
    EXAMPLES
        .iter()
        .map(|example| Link {
            label: (*example).to_string(),
            href: page_href(&SearchRequest::query(*example)),
        })
        .collect()
}

/// The notice of filters set aside, with the search that keeps them.
pub(crate) fn dropped_view(
    request: &SearchRequest,
    understood: &UnderstoodQuery,
) -> Option<DroppedView> {
    let dropped = &understood.dropped_filters;
    let (message, label) = match dropped.as_slice() {
        [] => return None,
        [only] => match only.kind {
            FilterKind::Year if only.value.contains('–') => (
                format!(
                    "В {} годах ничего не найдено; показаны результаты за все годы.",
                    only.value
                ),
                format!("Искать только за {} годы", only.value),
            ),
            FilterKind::Year => (
                format!(
                    "В {} году ничего не найдено; показаны результаты за все годы.",
                    only.value
                ),
                format!("Искать только за {} год", only.value),
            ),
            FilterKind::Region => (
                format!(
                    "В регионе «{}» ничего не найдено; показаны результаты по всем регионам.",
                    only.value
                ),
                format!("Искать только в регионе «{}»", only.value),
            ),
            FilterKind::Municipality => (
                format!(
                    "В муниципалитете «{}» ничего не найдено; показаны результаты по всем \
                     муниципалитетам.",
                    only.value
                ),
                format!("Искать только в муниципалитете «{}»", only.value),
            ),
        },
        several => {
            let values = several
                .iter()
                .map(|filter| format!("«{}»", filter.value))
                .collect::<Vec<_>>()
                .join(", ");
            (
                format!("С условиями {values} ничего не найдено; показаны результаты без них."),
                format!("Искать только с условиями {values}"),
            )
        }
    };
    let strict = with(request, |next| {
        next.q = understood.text.clone();
        for filter in dropped {
            match filter.kind {
                FilterKind::Year => {
                    let mut years = filter.value.split('–').map(str::parse::<i32>);
                    next.filters.year = years.next().and_then(Result::ok);
                    next.filters.year_to = years.next().and_then(Result::ok);
                }
                FilterKind::Region => next.filters.region = Some(filter.value.clone()),
                FilterKind::Municipality => next.filters.municipality = Some(filter.value.clone()),
            }
        }
    });
    Some(DroppedView {
        message,
        label,
        href: page_href(&strict),
    })
}

/// The query as corrected, with the search for what was typed.
pub(crate) fn correction_view(
    request: &SearchRequest,
    understood: &UnderstoodQuery,
) -> Option<CorrectionView> {
    understood
        .correction
        .as_ref()
        .map(|correction| CorrectionView {
            searched: correction.corrected.clone(),
            original: correction.original.clone(),
            original_href: page_href(&with(request, |next| {
                next.q = correction.original.clone();
                next.literal = true;
            })),
        })
}

/// Synonyms the query was widened with («ОВЗ — ограниченные возможности здоровья»).
pub(crate) fn synonyms(understood: &UnderstoodQuery) -> Vec<String> {
    understood
        .synonyms
        .iter()
        .filter(|synonym| !synonym.alternatives.is_empty())
        .map(|synonym| format!("{} — {}", synonym.matched, synonym.alternatives.join(", ")))
        .collect()
}

/// What to try when nothing was found: removing each filter, fewer words, an example.
pub(crate) fn no_results(chips: &[Chip], understood: &UnderstoodQuery) -> NoResults {
    NoResults {
        remove_filters: chips
            .iter()
            .map(|chip| Link {
                label: format!("{}: {}", chip.kind, chip.value),
                href: chip.remove_href.clone(),
            })
            .collect(),
        fewer_words: understood.text.split_whitespace().count() > 1,
        examples: example_links(),
    }
}
