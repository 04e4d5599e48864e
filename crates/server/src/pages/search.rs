//! `GET /`: the search page; the URL carries the whole state.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use edusearch_search::{Level, SearchRequest, SearchResponse, Sort, Stats};

use super::assets::ASSETS;
use super::chips::chips;
use super::facets::{facet_groups, pagination};
use super::format::{count_of, group_digits, plural};
use super::hits::hit_view;
use super::insights;
use super::notices::{correction_view, dropped_view, example_links, no_results, synonyms};
use super::render::{error_page, html_response};
use super::urls::{explicit, has_filters, page_href, page_params, with};
use super::views::{Intro, ResultsView, SearchPage, Tab};
use crate::error::ApiError;
use crate::params::Pairs;
use crate::state::AppState;

/// Hits per page on the search page.
const PAGE_SIZE: usize = 10;

/// `GET /`: the search page; the URL carries the whole state.
pub async fn search_page(
    State(state): State<AppState>,
    pairs: Result<Pairs, ApiError>,
) -> Response {
    let typed = SearchRequest::query(
        pairs
            .as_ref()
            .ok()
            .and_then(|pairs| pairs.get("q"))
            .unwrap_or_default(),
    );
    // Parameters of nobody (trackers, typos) are ignored; the page size belongs to the API.
    let parsed = pairs.and_then(|pairs| {
        let mut request = pairs.search_only(&["per_page"]).search_request()?;
        request.per_page = PAGE_SIZE;
        request.validate()?;
        Ok(request)
    });
    let request = match parsed {
        Ok(request) => request,
        Err(error) => return form_with_error(&typed, error),
    };
    tracing::info!(q = ?request.q, page = request.page, "search page");
    let start_page = request.q.trim().is_empty() && !has_filters(&request);
    let outcome = match state.search(request.clone()).await {
        Ok(response) if start_page => state
            .run_blocking(|engine| Ok(engine.stats()?))
            .await
            .map(|stats| (response, Some(stats))),
        Ok(response) => Ok((response, None)),
        Err(error) => Err(error),
    };
    let (response, stats) = match outcome {
        Ok(found) => found,
        Err(error) if error.status.is_client_error() => return form_with_error(&request, error),
        Err(error) => return error_page(error),
    };
    let results = results_view(&request, &response);
    let intro = stats.map(|stats| intro(&stats));
    let page_title = if request.q.trim().is_empty() {
        "Поиск по резолюциям — edusearch".to_string()
    } else {
        format!("{} — поиск по резолюциям", request.q.trim())
    };
    html_response(
        StatusCode::OK,
        &SearchPage {
            css: &ASSETS.css,
            js: &ASSETS.js,
            page_title,
            q: request.q.clone(),
            hidden: hidden_inputs(&request),
            show_hint: intro.is_some(),
            error: None,
            intro,
            results: Some(results),
        },
    )
}

fn form_with_error(request: &SearchRequest, error: ApiError) -> Response {
    html_response(
        error.status,
        &SearchPage {
            css: &ASSETS.css,
            js: &ASSETS.js,
            page_title: "Неверный запрос — поиск по резолюциям".to_string(),
            q: request.q.clone(),
            hidden: hidden_inputs(request),
            show_hint: true,
            error: Some(error.message.into_owned()),
            intro: None,
            results: None,
        },
    )
}

/// Filters and settings kept when a new query is typed (the page starts again at 1).
fn hidden_inputs(request: &SearchRequest) -> Vec<(String, String)> {
    page_params(request)
        .into_iter()
        .filter(|(name, _)| name != "q" && name != "page")
        .collect()
}

fn intro(stats: &Stats) -> Intro {
    Intro {
        counts: format!(
            "{}, {} из {}",
            count_of(stats.resolutions, "резолюция", "резолюции", "резолюций"),
            count_of(stats.items, "рекомендация", "рекомендации", "рекомендаций"),
            count_of(
                stats.facets.region.len() as u64,
                "региона",
                "регионов",
                "регионов"
            ),
        ),
        examples: example_links(),
    }
}

fn results_view(request: &SearchRequest, response: &SearchResponse) -> ResultsView {
    let understood = &response.query;
    // Links from the results keep what the engine read from the query as explicit filters.
    let base = explicit(request, understood);
    let chips = chips(request, &base, understood);
    let clear_href = (chips.len() > 1).then(|| {
        page_href(&SearchRequest {
            q: base.q.clone(),
            level: request.level,
            sort: request.sort,
            literal: request.literal,
            ..SearchRequest::default()
        })
    });
    let listing_all = understood.text.trim().is_empty() && chips.is_empty();
    let hl = understood.text.trim().to_string();
    ResultsView {
        summary: summary(request, response, listing_all),
        range: range(response, listing_all),
        clear_href,
        level_tabs: level_tabs(request),
        sort_tabs: sort_tabs(request, response),
        collapse_tabs: collapse_tabs(request, response),
        relaxed: understood.relaxed,
        correction: correction_view(request, understood),
        dropped: dropped_view(request, understood),
        synonyms: synonyms(understood),
        hits: response
            .hits
            .iter()
            .map(|hit| hit_view(&base, hit, &hl))
            .collect(),
        facets: facet_groups(&base, response),
        pagination: pagination(request, response),
        empty: response
            .hits
            .is_empty()
            .then(|| no_results(&chips, understood)),
        chips,
        insights: insights::insights(request, response),
    }
}

/// «Найдено 12 рекомендаций», «Новые резолюции» or «Ничего не найдено».
fn summary(request: &SearchRequest, response: &SearchResponse, listing_all: bool) -> String {
    let (one, few, many) = match request.level {
        Level::Items => ("рекомендация", "рекомендации", "рекомендаций"),
        Level::Resolutions => ("резолюция", "резолюции", "резолюций"),
    };
    let total = response.total as u64;
    let verb = if plural(total, "one", "few", "many") == "one" {
        "Найдена"
    } else {
        "Найдено"
    };
    if response.total == 0 {
        "Ничего не найдено".to_string()
    } else if listing_all {
        match request.level {
            Level::Items => "Новые рекомендации",
            Level::Resolutions => "Новые резолюции",
        }
        .to_string()
    } else {
        format!("{verb} {}", count_of(total, one, few, many))
    }
}

/// «показаны 1–10», or «1–10 из 70» when everything is listed.
fn range(response: &SearchResponse, listing_all: bool) -> Option<String> {
    let total = response.total as u64;
    let first = (response.page - 1) * response.per_page + 1;
    let last = first + response.hits.len().saturating_sub(1);
    if listing_all {
        (!response.hits.is_empty()).then(|| format!("{first}–{last} из {}", group_digits(total)))
    } else {
        (response.total > response.hits.len() && !response.hits.is_empty())
            .then(|| format!("показаны {first}–{last}"))
    }
}

/// A tab linking to the search with `change` applied.
fn tab(
    request: &SearchRequest,
    label: &'static str,
    change: impl FnOnce(&mut SearchRequest),
    current: bool,
) -> Tab {
    Tab {
        label,
        href: page_href(&with(request, change)),
        current,
    }
}

fn level_tabs(request: &SearchRequest) -> Vec<Tab> {
    vec![
        tab(
            request,
            "Рекомендации",
            |next| next.level = Level::Items,
            request.level == Level::Items,
        ),
        tab(
            request,
            "Резолюции",
            |next| next.level = Level::Resolutions,
            request.level == Level::Resolutions,
        ),
    ]
}

fn sort_tabs(request: &SearchRequest, response: &SearchResponse) -> Vec<Tab> {
    // Without words to rank by, hits come newest first whatever the order asked.
    if response.query.text.trim().is_empty() || response.total == 0 {
        return Vec::new();
    }
    vec![
        tab(
            request,
            "по релевантности",
            |next| next.sort = Sort::Relevance,
            request.sort == Sort::Relevance,
        ),
        tab(
            request,
            "сначала новые",
            |next| next.sort = Sort::Date,
            request.sort == Sort::Date,
        ),
    ]
}

fn collapse_tabs(request: &SearchRequest, response: &SearchResponse) -> Vec<Tab> {
    let understood = &response.query;
    if request.level != Level::Items || understood.group.is_some() || response.total_matches <= 1 {
        return Vec::new();
    }
    vec![
        tab(
            request,
            "все",
            |next| next.collapse = false,
            !understood.collapse,
        ),
        tab(
            request,
            "без повторов",
            |next| next.collapse = true,
            understood.collapse,
        ),
    ]
}
