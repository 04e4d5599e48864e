//! The «Похожие» parts of a resolution page: similar resolutions, rendered with the page (one
//! query), and under every item its similar items in other resolutions. Those are one query
//! per item — too many to run for a long resolution on every view of a 100k-resolution index —
//! so each item has a closed `<details>` that the page script fills from
//! `/api/items/{id}/similar` when it is first opened. Without the script, the `<details>` holds
//! a link to the same page with `?similar=N`, which renders that one item's list with the page.

use edusearch_search::{ErrorKind, SearchError, SimilarItem, SimilarResolution, item_id};

use super::urls::encode_component;
use super::views::{ResolutionPage, SimilarEntry};
use crate::state::AppState;

/// Similar resolutions listed on a resolution page.
const PAGE_SIMILAR_RESOLUTIONS: usize = 5;
/// Similar items listed under an item (the script asks for as many).
const PAGE_SIMILAR_ITEMS: usize = 3;
/// Characters of a similar item's text shown.
const ITEM_TEXT_CHARS: usize = 240;

/// What the similarity queries of one page view found; `None` where a query failed.
pub struct Similar {
    resolutions: Option<Vec<SimilarEntry>>,
    item: Option<(u32, Vec<SimilarEntry>)>,
}

/// Runs the page's similarity queries: the resolution's, and one item's when `?similar=N`.
pub async fn load(state: &AppState, id: String, item: Option<u32>) -> Similar {
    let resolutions = state
        .run_blocking(move |engine| {
            let similar = engine
                .similar_resolutions(&id, PAGE_SIMILAR_RESOLUTIONS)
                .map_err(|error| log(&error))
                .ok();
            let item = item.and_then(|position| {
                engine
                    .similar_items(&id, position, PAGE_SIMILAR_ITEMS)
                    .map_err(|error| log(&error))
                    .ok()
                    .map(|found| (position, found.similar))
            });
            Ok((similar, item))
        })
        .await;
    match resolutions {
        Ok((resolutions, item)) => Similar {
            resolutions: resolutions.map(|found| {
                found
                    .similar
                    .iter()
                    .map(resolution_entry)
                    .collect::<Vec<_>>()
            }),
            item: item.map(|(position, found)| (position, found.iter().map(item_entry).collect())),
        },
        Err(error) => {
            tracing::warn!(code = error.code.as_str(), "similar entries not loaded");
            Similar {
                resolutions: None,
                item: None,
            }
        }
    }
}

/// Puts what was found into the page.
pub fn apply(page: &mut ResolutionPage, similar: Similar) {
    page.similar = similar.resolutions;
    let Some((position, entries)) = similar.item else {
        return;
    };
    for group in &mut page.groups {
        for item in &mut group.items {
            if item.position == position {
                item.similar = Some(entries.clone());
            }
        }
    }
}

/// The page with one item's similar items rendered (the link for readers without the script).
pub fn similar_href(resolution_id: &str, position: u32, hl: &str) -> String {
    let mut href = format!(
        "/resolutions/{}?similar={position}",
        encode_component(resolution_id)
    );
    if !hl.trim().is_empty() {
        href.push_str("&hl=");
        href.push_str(&encode_component(hl));
    }
    href.push_str(&format!("#item-{position}"));
    href
}

/// The API id of an item, for the script.
pub fn api_item_id(resolution_id: &str, position: u32) -> String {
    item_id(resolution_id, position)
}

fn resolution_entry(similar: &SimilarResolution) -> SimilarEntry {
    SimilarEntry {
        href: format!("/resolutions/{}", encode_component(&similar.resolution_id)),
        label: similar.title.clone(),
        place: place(
            similar.municipality.as_deref(),
            similar.region.as_deref(),
            similar.year,
        ),
        shared_topics: similar.shared_topics.join(", "),
    }
}

fn item_entry(similar: &SimilarItem) -> SimilarEntry {
    SimilarEntry {
        href: format!(
            "/resolutions/{}#item-{}",
            encode_component(&similar.resolution_id),
            similar.position
        ),
        label: shorten(&similar.text, ITEM_TEXT_CHARS),
        place: place(
            similar.municipality.as_deref(),
            similar.region.as_deref(),
            similar.year,
        ),
        shared_topics: String::new(),
    }
}

/// Municipality, region and year, where known, joined with «·» (the region is left out when
/// the municipality already names it, as «г. Москва»).
fn place(municipality: Option<&str>, region: Option<&str>, year: Option<i32>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(municipality) = municipality {
        parts.push(municipality.to_string());
    }
    if let Some(region) = region
        && !municipality.is_some_and(|municipality| municipality.contains(region))
    {
        parts.push(region.to_string());
    }
    if let Some(year) = year {
        parts.push(year.to_string());
    }
    parts.join(" · ")
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_string(),
    }
}

/// Unknown or malformed ids are the page's own 404; other failures are worth a warning.
fn log(error: &SearchError) {
    match error.kind() {
        ErrorKind::NotFound | ErrorKind::InvalidInput => {
            tracing::debug!(%error, "no similar entries");
        }
        ErrorKind::Unavailable | ErrorKind::Internal => {
            tracing::warn!(%error, "similar entries failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_skip_what_is_unknown_or_repeated() {
        assert_eq!(
            place(
                Some("г. Мегион"),
                Some("Ханты-Мансийский автономный округ — Югра"),
                Some(2019)
            ),
            "г. Мегион · Ханты-Мансийский автономный округ — Югра · 2019"
        );
        assert_eq!(
            place(None, Some("Краснодарский край"), None),
            "Краснодарский край"
        );
        assert_eq!(
            place(Some("г. Москва"), Some("Москва"), Some(2024)),
            "г. Москва · 2024"
        );
    }

    #[test]
    fn the_fallback_link_keeps_the_marked_words_and_the_anchor() {
        assert_eq!(
            similar_href("87c393a6a0b7b3af", 3, ""),
            "/resolutions/87c393a6a0b7b3af?similar=3#item-3"
        );
        assert!(similar_href("87c393a6a0b7b3af", 3, "точка роста").contains("&hl=%D1%82"));
    }
}
