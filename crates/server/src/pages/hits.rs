//! The result cards of the search page.

use edusearch_resolution::EventKind;
use edusearch_search::{Hit, Recurrence, SearchRequest};

use super::format::{capitalize, count_of, group_digits, plural, russian_date};
use super::urls::{encode_component, page_href, url_host, with};
use super::views::{HitView, Link};

pub(crate) fn hit_view(base: &SearchRequest, hit: &Hit, hl: &str) -> HitView {
    let mut href = format!("/resolutions/{}", encode_component(&hit.resolution_id));
    if !hl.is_empty() {
        href.push_str("?hl=");
        href.push_str(&encode_component(hl));
    }
    if let Some(position) = hit.item_position {
        href.push_str(&format!("#item-{position}"));
    }
    let place = match (&hit.municipality, &hit.region) {
        (Some(municipality), Some(region)) => Some(format!("{municipality}, {region}")),
        (Some(only), None) | (None, Some(only)) => Some(only.clone()),
        (None, None) => None,
    };
    HitView {
        href,
        item_label: hit
            .item_number
            .as_ref()
            .map(|number| format!("п. {number}")),
        addressee: hit.addressee.as_ref().map(|addressee| Link {
            label: addressee.clone(),
            href: page_href(&with(base, |next| {
                next.filters.addressee = Some(addressee.clone());
            })),
        }),
        highlight: hit.highlight.clone(),
        title: hit.title.clone(),
        event_kind: hit
            .event_kind
            .as_deref()
            .and_then(EventKind::from_name)
            .map(|kind| capitalize(kind.name_ru())),
        date: hit.date.as_deref().map(russian_date),
        place,
        topics: hit
            .topics
            .iter()
            .map(|topic| Link {
                label: topic.clone(),
                href: page_href(&with(base, |next| next.filters.topic = Some(topic.clone()))),
            })
            .collect(),
        recurrence: hit.recurrence.as_ref().map(|recurrence| Link {
            label: recurrence_label(recurrence),
            href: page_href(&SearchRequest {
                group: Some(recurrence.group.clone()),
                ..SearchRequest::default()
            }),
        }),
        source: hit
            .source_url
            .as_deref()
            .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
            .map(|url| Link {
                label: format!("сайт {}", url_host(url)),
                href: url.to_string(),
            }),
    }
}

/// «Встречается в 12 резолюциях (5 регионов, 2019–2023)».
fn recurrence_label(recurrence: &Recurrence) -> String {
    let resolutions = u64::from(recurrence.resolutions);
    let regions = u64::from(recurrence.regions);
    let mut details = Vec::new();
    if regions > 0 {
        details.push(count_of(regions, "регион", "региона", "регионов"));
    }
    match (recurrence.year_from, recurrence.year_to) {
        (Some(from), Some(to)) if from < to => details.push(format!("{from}–{to}")),
        (Some(year), _) | (None, Some(year)) => details.push(year.to_string()),
        (None, None) => {}
    }
    let mut label = format!(
        "Встречается в {} {}",
        group_digits(resolutions),
        plural(resolutions, "резолюции", "резолюциях", "резолюциях")
    );
    if !details.is_empty() {
        label.push_str(&format!(" ({})", details.join(", ")));
    }
    label
}
