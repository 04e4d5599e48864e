//! The chips of the filters in force on the search page, each with the link that removes it.

use edusearch_search::{SearchRequest, UnderstoodQuery};

use super::format::capitalize;
use super::urls::{page_href, with, without_years_href};
use super::views::Chip;

/// The filters in force, those read from the query marked «из запроса»; `base` is the search
/// with them explicit, so removing one keeps the others.
pub(crate) fn chips(
    request: &SearchRequest,
    base: &SearchRequest,
    understood: &UnderstoodQuery,
) -> Vec<Chip> {
    let href = |change: &dyn Fn(&mut SearchRequest)| page_href(&with(base, change));
    let from_query = |taken: bool| taken.then_some("из запроса");
    let mut chips = Vec::new();
    if let Some(region) = &understood.filters.region {
        chips.push(Chip {
            kind: "Регион",
            value: region.clone(),
            note: from_query(understood.region_from_query.is_some()),
            remove_href: href(&|next| next.filters.region = None),
        });
    }
    if let Some(municipality) = &understood.filters.municipality {
        chips.push(Chip {
            kind: "Муниципалитет",
            value: municipality.clone(),
            note: from_query(understood.municipality_from_query.is_some()),
            remove_href: href(&|next| next.filters.municipality = None),
        });
    }
    if let Some(year) = understood.filters.year {
        let (kind, value) = match understood.filters.year_to {
            Some(last) if last > year => ("Годы", format!("{year}–{last}")),
            _ => ("Год", year.to_string()),
        };
        chips.push(Chip {
            kind,
            value,
            note: from_query(understood.year_from_query.is_some()),
            remove_href: without_years_href(base),
        });
    }
    if let Some(topic) = &understood.filters.topic {
        chips.push(Chip {
            kind: "Тема",
            value: topic.clone(),
            note: from_query(request.filters.topic.is_none()),
            remove_href: href(&|next| next.filters.topic = None),
        });
    }
    if let Some(addressee) = &understood.filters.addressee {
        chips.push(Chip {
            kind: "Адресат",
            value: addressee.clone(),
            note: None,
            remove_href: href(&|next| next.filters.addressee = None),
        });
    }
    if let Some(kind) = understood.filters.event_kind {
        chips.push(Chip {
            kind: "Мероприятие",
            value: capitalize(kind.name_ru()),
            note: None,
            remove_href: href(&|next| next.filters.event_kind = None),
        });
    }
    if understood.group.is_some() {
        chips.push(Chip {
            kind: "Повторы",
            value: "одна рекомендация во всех резолюциях".to_string(),
            note: None,
            remove_href: href(&|next| next.group = None),
        });
    }
    chips
}
