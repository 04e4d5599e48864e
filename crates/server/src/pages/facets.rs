//! The sidebar facets and the pagination bar of the search page.

use edusearch_search::{FacetValue, SearchRequest, SearchResponse};

use super::format::group_digits;
use super::urls::{page_href, with, without_years_href};
use super::views::{FacetGroup, FacetLink, PageLink, Pagination};

/// Facet values shown before «Ещё».
const FACET_VISIBLE: usize = 8;

/// The sidebar: regions, years and topics; `base` is the search with what was read from the
/// query explicit.
pub(crate) fn facet_groups(base: &SearchRequest, response: &SearchResponse) -> Vec<FacetGroup> {
    let href = |change: &dyn Fn(&mut SearchRequest)| page_href(&with(base, change));
    vec![
        facet_group(
            "facet-region",
            "Регион",
            &response.facets.region,
            |value| {
                href(&|next| {
                    next.filters.region = Some(value.to_string());
                    // A town of another region would leave nothing.
                    next.filters.municipality = None;
                })
            },
            href(&|next| next.filters.region = None),
        ),
        facet_group(
            "facet-year",
            "Год",
            &response.facets.year,
            |value| {
                href(&|next| {
                    next.filters.year = value.parse().ok();
                    next.filters.year_to = None;
                })
            },
            without_years_href(base),
        ),
        facet_group(
            "facet-topic",
            "Тема",
            &response.facets.topic,
            |value| href(&|next| next.filters.topic = Some(value.to_string())),
            href(&|next| next.filters.topic = None),
        ),
    ]
}

fn facet_group(
    id: &'static str,
    title: &'static str,
    values: &[FacetValue],
    apply: impl Fn(&str) -> String,
    remove_href: String,
) -> FacetGroup {
    let mut links: Vec<FacetLink> = values
        .iter()
        .map(|value| FacetLink {
            label: value.value.clone(),
            count: group_digits(value.count),
            href: apply(&value.value),
            selected: value.selected,
            remove_href: remove_href.clone(),
        })
        .collect();
    // The chosen value stays in sight even when it is not among the first.
    if let Some(index) = links.iter().position(|link| link.selected)
        && index >= FACET_VISIBLE
    {
        let chosen = links.remove(index);
        links.insert(0, chosen);
    }
    let more = if links.len() > FACET_VISIBLE + 2 {
        links.split_off(FACET_VISIBLE)
    } else {
        Vec::new()
    };
    FacetGroup {
        id,
        title,
        visible: links,
        more,
    }
}

pub(crate) fn pagination(request: &SearchRequest, response: &SearchResponse) -> Option<Pagination> {
    let reachable = edusearch_search::limits::MAX_RESULT_WINDOW / response.per_page;
    let pages = response.total.div_ceil(response.per_page).min(reachable);
    if pages <= 1 {
        return None;
    }
    let current = response.page;
    let at = |page: usize| page_href(&with(request, |next| next.page = page));
    let mut numbers: Vec<usize> = vec![1, pages];
    numbers.extend(current.saturating_sub(2).max(1)..=(current + 2).min(pages));
    numbers.sort_unstable();
    numbers.dedup();
    let mut links = Vec::new();
    let mut previous = 0;
    for number in numbers {
        if number > previous + 1 {
            links.push(PageLink {
                number: None,
                href: String::new(),
                current: false,
            });
        }
        links.push(PageLink {
            number: Some(number),
            href: at(number),
            current: number == current,
        });
        previous = number;
    }
    Some(Pagination {
        prev: (current > 1).then(|| at(current - 1)),
        next: (current < pages).then(|| at(current + 1)),
        pages: links,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_shows_neighbours_and_ends() {
        let state = SearchRequest {
            q: "x".into(),
            page: 6,
            ..SearchRequest::default()
        };
        let response = SearchResponse {
            query: serde_json::from_value(serde_json::json!({
                "raw": "x", "text": "x", "year_from_query": null, "region": null, "year": null,
                "topic": null, "addressee": null, "level": "items", "sort": "relevance",
                "relaxed": false
            }))
            .unwrap(),
            total: 200,
            total_matches: 200,
            page: 6,
            per_page: 10,
            took_ms: 1.0,
            hits: Vec::new(),
            facets: Default::default(),
        };
        let bar = pagination(&state, &response).unwrap();
        let numbers: Vec<Option<usize>> = bar.pages.iter().map(|page| page.number).collect();
        assert_eq!(
            numbers,
            [
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(20)
            ]
        );
        assert_eq!(bar.prev.as_deref(), Some("/?q=x&page=5"));
        assert_eq!(bar.next.as_deref(), Some("/?q=x&page=7"));
    }
}
