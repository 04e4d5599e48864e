//! `GET /resolutions/{id}` (the resolution with its items) and `GET /resolutions/{id}/source`.

use std::path::Path as FsPath;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use edusearch_resolution::Resolution;
use edusearch_search::{Highlighter, SearchFilters, SearchRequest};

use super::assets::ASSETS;
use super::format::{capitalize, count_of, group_digits, paragraphs, russian_date};
use super::render::{error_page, html_response, not_found_page};
use super::similar;
use super::urls::{encode_component, page_href, url_host};
use super::views::{ItemGroup, ItemView, Link, MetaRow, ResolutionPage};
use crate::api::fetch_resolution;
use crate::error::ApiError;
use crate::params::Pairs;
use crate::state::AppState;

/// Largest source file served as text.
const MAX_SOURCE_BYTES: u64 = 5 * 1024 * 1024;

/// `GET /resolutions/{id}`: the resolution with its items; `?hl=` marks words.
pub async fn resolution_page(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    pairs: Result<Pairs, ApiError>,
) -> Response {
    let Ok(Path(id)) = id else {
        return not_found_page();
    };
    let pairs = pairs.unwrap_or_default();
    // `?similar=N` renders the similar items of item N with the page (for readers without
    // the script, which loads them on demand).
    let similar_item = pairs
        .get("similar")
        .and_then(|value| value.trim().parse::<u32>().ok())
        .filter(|position| *position > 0);
    let hl = pairs
        .get("hl")
        .map(str::to_string)
        .map(|hl| {
            hl.chars()
                .take(edusearch_search::limits::MAX_QUERY_CHARS)
                .collect::<String>()
        })
        .unwrap_or_default();
    let (page, similar) = tokio::join!(
        marked_view(&state, id.clone(), hl),
        similar::load(&state, id, similar_item)
    );
    let mut page = match page {
        Ok(page) => page,
        Err(error) if error.status == StatusCode::NOT_FOUND => {
            return error_page(ApiError::not_found(
                "Такой резолюции нет в индексе: возможно, она была удалена при обновлении",
            ));
        }
        Err(error) => return error_page(error),
    };
    similar::apply(&mut page, similar);
    html_response(StatusCode::OK, &page)
}

/// The page of a resolution with the words of `hl` marked as a search for them matches.
async fn marked_view(state: &AppState, id: String, hl: String) -> Result<ResolutionPage, ApiError> {
    let resolution = fetch_resolution(state, id).await?;
    state
        .run_blocking(move |engine| {
            let marker = engine.highlighter(&hl).unwrap_or_else(|error| {
                tracing::warn!(%error, "words of the search not marked");
                Highlighter::none()
            });
            Ok(resolution_view(&resolution, &hl, &marker))
        })
        .await
}

fn resolution_view(resolution: &Resolution, hl: &str, marker: &Highlighter) -> ResolutionPage {
    let source_href = format!("/resolutions/{}/source", encode_component(&resolution.id));
    let meta = meta_rows(resolution, &source_href);
    let groups = item_groups(resolution, hl, marker);
    let back_href = if hl.trim().is_empty() {
        "/".to_string()
    } else {
        page_href(&SearchRequest::query(hl))
    };
    ResolutionPage {
        css: &ASSETS.css,
        js: &ASSETS.js,
        title: resolution.title.clone(),
        back_href,
        hl: hl.to_string(),
        meta,
        topics: resolution
            .topics
            .iter()
            .map(|topic| Link {
                label: topic.clone(),
                href: page_href(&SearchRequest {
                    filters: SearchFilters {
                        topic: Some(topic.clone()),
                        ..SearchFilters::default()
                    },
                    ..SearchRequest::default()
                }),
            })
            .collect(),
        item_count: group_digits(resolution.items.len() as u64),
        groups,
        body: paragraphs(&resolution.body)
            .iter()
            .map(|paragraph| marker.mark(paragraph))
            .collect(),
        source_href,
        similar: None,
    }
}

/// The metadata rows: event, kind, dates, place, participants and sources.
fn meta_rows(resolution: &Resolution, source_href: &str) -> Vec<MetaRow> {
    let mut meta = Vec::new();
    if let Some(event) = &resolution.event {
        meta.push(MetaRow {
            label: "Мероприятие",
            value: event.clone(),
            href: None,
        });
    }
    if let Some(kind) = resolution.event_kind {
        meta.push(MetaRow {
            label: "Вид",
            value: capitalize(kind.name_ru()),
            href: None,
        });
    }
    if let Some(date) = resolution.date {
        let value = match resolution.date_start.filter(|start| *start != date) {
            Some(start) => date_range(&start.to_string(), &date.to_string()),
            None => russian_date(&date.to_string()),
        };
        meta.push(MetaRow {
            label: "Дата",
            value,
            href: None,
        });
    } else if let Some(year) = resolution.year {
        meta.push(MetaRow {
            label: "Год",
            value: year.to_string(),
            href: None,
        });
    }
    if let Some(municipality) = resolution.location.municipality_display() {
        meta.push(MetaRow {
            label: "Муниципалитет",
            value: municipality,
            href: None,
        });
    }
    if let Some(region) = &resolution.location.region {
        meta.push(MetaRow {
            label: "Регион",
            value: region.clone(),
            href: Some(page_href(&SearchRequest {
                filters: SearchFilters {
                    region: Some(region.clone()),
                    ..SearchFilters::default()
                },
                ..SearchRequest::default()
            })),
        });
    }
    if let Some(participants) = resolution.participants {
        meta.push(MetaRow {
            label: "Участники",
            value: count_of(u64::from(participants), "человек", "человека", "человек"),
            href: None,
        });
    }
    meta.push(MetaRow {
        label: "Источник",
        value: resolution.source.clone(),
        href: Some(source_href.to_string()),
    });
    for url in web_sources(resolution) {
        meta.push(MetaRow {
            label: "Источник",
            value: format!("сайт {}", url_host(url)),
            href: Some(url.to_string()),
        });
    }
    meta
}

/// The items under their addressee headings, words of `hl` marked.
fn item_groups(resolution: &Resolution, hl: &str, marker: &Highlighter) -> Vec<ItemGroup> {
    let mut groups: Vec<ItemGroup> = Vec::new();
    for item in &resolution.items {
        let view = ItemView {
            position: item.position,
            number: item.number.clone(),
            html: marker.mark(&item.text),
            item_id: similar::api_item_id(&resolution.id, item.position),
            similar_href: similar::similar_href(&resolution.id, item.position, hl),
            similar: None,
        };
        match groups.last_mut() {
            Some(group) if group.heading == item.addressee => group.items.push(view),
            _ => groups.push(ItemGroup {
                heading: item.addressee.clone(),
                items: vec![view],
            }),
        }
    }
    groups
}

/// «11–12 сентября 2019», «30 августа – 1 сентября 2019».
fn date_range(start: &str, end: &str) -> String {
    let start_text = russian_date(start);
    let end_text = russian_date(end);
    let start_parts: Vec<&str> = start_text.split(' ').collect();
    let end_parts: Vec<&str> = end_text.split(' ').collect();
    match (start_parts.as_slice(), end_parts.as_slice()) {
        ([day, month, year], [end_day, end_month, end_year]) if year == end_year => {
            if month == end_month {
                format!("{day}–{end_day} {month} {year}")
            } else {
                format!("{day} {month} – {end_day} {end_month} {year}")
            }
        }
        _ => format!("{start_text} – {end_text}"),
    }
}

/// `GET /resolutions/{id}/source`: the source file as the corpus holds it.
pub async fn resolution_source(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return not_found_page();
    };
    let resolution = match fetch_resolution(&state, id).await {
        Ok(resolution) => resolution,
        Err(error) => return error_page(error),
    };
    let data_dir = state.data_dir().to_path_buf();
    let read =
        tokio::task::spawn_blocking(move || read_source(&data_dir, &resolution.source)).await;
    match read {
        Ok(Some(bytes)) => {
            // Files that are not UTF-8 are almost always Windows-1251 in this corpus.
            let charset = if std::str::from_utf8(&bytes).is_ok() {
                "text/plain; charset=utf-8"
            } else {
                "text/plain; charset=windows-1251"
            };
            ([(header::CONTENT_TYPE, charset)], bytes).into_response()
        }
        Ok(None) => error_page(ApiError::not_found(
            "Исходный файл этой резолюции не найден в папке корпуса",
        )),
        Err(error) => error_page(ApiError::from(error)),
    }
}

/// The web addresses a resolution was downloaded from (every source file's, else the
/// record's own), http(s) only: the sources manifest is a plain file anyone can edit.
fn web_sources(resolution: &Resolution) -> Vec<&str> {
    let urls: Vec<&str> = if resolution.source_urls.is_empty() {
        resolution.source_url.as_deref().into_iter().collect()
    } else {
        resolution.source_urls.iter().map(String::as_str).collect()
    };
    urls.into_iter()
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
        .collect()
}

/// Reads a corpus file, refusing paths that leave the corpus folder.
fn read_source(data_dir: &FsPath, source: &str) -> Option<Vec<u8>> {
    let root = data_dir.canonicalize().ok()?;
    let path = root.join(source).canonicalize().ok()?;
    if !path.starts_with(&root) || path.metadata().ok()?.len() > MAX_SOURCE_BYTES {
        return None;
    }
    std::fs::read(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_ranges_share_month_and_year() {
        assert_eq!(
            date_range("2019-09-11", "2019-09-12"),
            "11–12 сентября 2019"
        );
        assert_eq!(
            date_range("2019-08-30", "2019-09-01"),
            "30 августа – 1 сентября 2019"
        );
    }
}
