//! The «Обзор» block of the search page: a server-rendered SVG bar chart of the hits by year
//! (each bar a link to the search in that year), the top regions, and the export links.

use edusearch_search::{FacetValue, Level, SearchRequest, SearchResponse};

use super::format::{count_of, group_digits};
use super::urls::{encode_component, explicit, page_href, page_params, with};
use super::views::{Insights, Link, YearBar};

/// Regions listed under the chart.
const TOP_REGIONS: usize = 5;
/// Width of the chart's drawing area (SVG user units; the chart scales to its box).
const CHART_WIDTH: u32 = 280;
/// Height of the tallest bar.
const BAR_MAX_HEIGHT: u32 = 80;
/// Room above the bars for counts and below them for years.
const LABEL_ROOM: u32 = 14;
/// Widest bar.
const BAR_MAX_WIDTH: u32 = 36;
/// Space between bars.
const BAR_GAP: u32 = 4;

/// The overview of a result, `None` when nothing was found.
pub fn insights(request: &SearchRequest, response: &SearchResponse) -> Option<Insights> {
    if response.total == 0 {
        return None;
    }
    let base = explicit(request, &response.query);
    let (one, few, many, chart_title) = match request.level {
        Level::Items => (
            "рекомендация",
            "рекомендации",
            "рекомендаций",
            "Рекомендации по годам",
        ),
        Level::Resolutions => ("резолюция", "резолюции", "резолюций", "Резолюции по годам"),
    };
    let mut years: Vec<&FacetValue> = response
        .facets
        .year
        .iter()
        .filter(|value| value.count > 0)
        .collect();
    years.sort_by(|a, b| a.value.cmp(&b.value));
    let most = years
        .iter()
        .map(|value| value.count)
        .max()
        .unwrap_or(1)
        .max(1);
    let slots = u32::try_from(years.len()).unwrap_or(u32::MAX).max(1);
    let width = (CHART_WIDTH / slots).clamp(BAR_GAP + 2, BAR_MAX_WIDTH + BAR_GAP) - BAR_GAP;
    let short_labels = width < 26;
    let bars = years
        .iter()
        .zip(0u32..)
        .map(|(value, index)| {
            let scaled = value.count * u64::from(BAR_MAX_HEIGHT) / most;
            let height = u32::try_from(scaled).unwrap_or(BAR_MAX_HEIGHT).max(2);
            let x = index * (width + BAR_GAP);
            let y = LABEL_ROOM + BAR_MAX_HEIGHT - height;
            let label = if short_labels {
                format!("’{}", value.value.get(2..).unwrap_or(&value.value))
            } else {
                value.value.clone()
            };
            YearBar {
                label,
                title: format!("{}: {}", value.value, count_of(value.count, one, few, many)),
                count: group_digits(value.count),
                href: page_href(&with(&base, |next| {
                    next.filters.year = value.value.parse().ok();
                    next.filters.year_to = None;
                })),
                selected: value.selected,
                x,
                y,
                width,
                height,
                center: x + width / 2,
                count_y: y.saturating_sub(3),
            }
        })
        .collect::<Vec<_>>();
    // A fixed drawing width keeps the scale of a chart with few years (bars stay left).
    let chart_width = CHART_WIDTH.max(slots * (width + BAR_GAP));
    let regions = response
        .facets
        .region
        .iter()
        .filter(|value| value.count > 0)
        .take(TOP_REGIONS)
        .map(|value| {
            (
                Link {
                    label: value.value.clone(),
                    href: page_href(&with(&base, |next| {
                        next.filters.region = Some(value.value.clone());
                        next.filters.municipality = None;
                    })),
                },
                group_digits(value.count),
            )
        })
        .collect();
    Some(Insights {
        chart_title: chart_title.to_string(),
        bars,
        width: chart_width,
        height: LABEL_ROOM + BAR_MAX_HEIGHT + LABEL_ROOM,
        label_y: LABEL_ROOM + BAR_MAX_HEIGHT + LABEL_ROOM - 2,
        regions,
        csv_href: export_href(request, "csv"),
        jsonl_href: export_href(request, "jsonl"),
    })
}

/// `/api/export?format=…&…` with the parameters of the search (not its page).
fn export_href(request: &SearchRequest, format: &str) -> String {
    let mut href = format!("/api/export?format={format}");
    for (name, value) in page_params(request) {
        if name == "page" {
            continue;
        }
        href.push('&');
        href.push_str(&name);
        href.push('=');
        href.push_str(&encode_component(&value));
    }
    href
}
