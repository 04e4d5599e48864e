//! `GET /`: the search page; the URL carries the whole state.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use edusearch_search::{Level, SearchRequest, SearchResponse, Sort, Stats};

use super::assets::ASSETS;
use super::facets::{facet_group, pagination};
use super::format::{count_of, group_digits, plural};
use super::hits::hit_view;
use super::insights;
use super::notices::{dropped_view, example_links};
use super::render::{error_page, html_response};
use super::urls::{explicit, has_filters, page_href, page_params, with};
use super::views::{Chip, CorrectionView, Intro, Link, NoResults, ResultsView, SearchPage, Tab};
use crate::AppState;
use crate::error::ApiError;
use crate::params::Pairs;

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
    let base = explicit(request, understood);
    let href = |change: &dyn Fn(&mut SearchRequest)| page_href(&with(&base, change));
    let remove_year = href(&|next| {
        next.year = None;
        next.year_to = None;
    });
    let from_query = |taken: bool| taken.then_some("из запроса");

    let mut chips = Vec::new();
    if let Some(region) = &understood.region {
        chips.push(Chip {
            kind: "Регион",
            value: region.clone(),
            note: from_query(understood.region_from_query.is_some()),
            remove_href: href(&|next| next.region = None),
        });
    }
    if let Some(municipality) = &understood.municipality {
        chips.push(Chip {
            kind: "Муниципалитет",
            value: municipality.clone(),
            note: from_query(understood.municipality_from_query.is_some()),
            remove_href: href(&|next| next.municipality = None),
        });
    }
    if let Some(year) = understood.year {
        let (kind, value) = match understood.year_to {
            Some(last) if last > year => ("Годы", format!("{year}–{last}")),
            _ => ("Год", year.to_string()),
        };
        chips.push(Chip {
            kind,
            value,
            note: from_query(understood.year_from_query.is_some()),
            remove_href: remove_year.clone(),
        });
    }
    if let Some(topic) = &understood.topic {
        chips.push(Chip {
            kind: "Тема",
            value: topic.clone(),
            note: from_query(request.topic.is_none()),
            remove_href: href(&|next| next.topic = None),
        });
    }
    if let Some(addressee) = &understood.addressee {
        chips.push(Chip {
            kind: "Адресат",
            value: addressee.clone(),
            note: None,
            remove_href: href(&|next| next.addressee = None),
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
    let clear_href = (chips.len() > 1).then(|| {
        page_href(&SearchRequest {
            q: base.q.clone(),
            level: request.level,
            sort: request.sort,
            literal: request.literal,
            ..SearchRequest::default()
        })
    });

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
    let listing_all = understood.text.trim().is_empty() && chips.is_empty();
    let summary = if response.total == 0 {
        "Ничего не найдено".to_string()
    } else if listing_all {
        match request.level {
            Level::Items => "Новые рекомендации",
            Level::Resolutions => "Новые резолюции",
        }
        .to_string()
    } else {
        format!("{verb} {}", count_of(total, one, few, many))
    };
    let first = (response.page - 1) * response.per_page + 1;
    let last = first + response.hits.len().saturating_sub(1);
    let range = if listing_all {
        (!response.hits.is_empty()).then(|| format!("{first}–{last} из {}", group_digits(total)))
    } else {
        (response.total > response.hits.len() && !response.hits.is_empty())
            .then(|| format!("показаны {first}–{last}"))
    };

    let correction = understood
        .correction
        .as_ref()
        .map(|correction| CorrectionView {
            searched: correction.corrected.clone(),
            original: correction.original.clone(),
            original_href: page_href(&with(request, |next| {
                next.q = correction.original.clone();
                next.literal = true;
            })),
        });
    let dropped = dropped_view(request, understood);
    let synonyms = understood
        .synonyms
        .iter()
        .filter(|synonym| !synonym.alternatives.is_empty())
        .map(|synonym| format!("{} — {}", synonym.matched, synonym.alternatives.join(", ")))
        .collect();

    let hl = understood.text.trim().to_string();
    let hits = response
        .hits
        .iter()
        .map(|hit| hit_view(&base, hit, &hl))
        .collect();

    let facets = vec![
        facet_group(
            "facet-region",
            "Регион",
            &response.facets.region,
            |value| {
                href(&|next| {
                    next.region = Some(value.to_string());
                    // A town of another region would leave nothing.
                    next.municipality = None;
                })
            },
            href(&|next| next.region = None),
        ),
        facet_group(
            "facet-year",
            "Год",
            &response.facets.year,
            |value| {
                href(&|next| {
                    next.year = value.parse().ok();
                    next.year_to = None;
                })
            },
            remove_year.clone(),
        ),
        facet_group(
            "facet-topic",
            "Тема",
            &response.facets.topic,
            |value| href(&|next| next.topic = Some(value.to_string())),
            href(&|next| next.topic = None),
        ),
    ];

    let empty = response.hits.is_empty().then(|| NoResults {
        remove_filters: chips
            .iter()
            .map(|chip| Link {
                label: format!("{}: {}", chip.kind, chip.value),
                href: chip.remove_href.clone(),
            })
            .collect(),
        fewer_words: understood.text.split_whitespace().count() > 1,
        examples: example_links(),
    });

    let tab = |label, change: &dyn Fn(&mut SearchRequest), current| Tab {
        label,
        href: page_href(&with(request, change)),
        current,
    };
    ResultsView {
        summary,
        range,
        chips,
        clear_href,
        level_tabs: vec![
            tab(
                "Рекомендации",
                &|next| next.level = Level::Items,
                request.level == Level::Items,
            ),
            tab(
                "Резолюции",
                &|next| next.level = Level::Resolutions,
                request.level == Level::Resolutions,
            ),
        ],
        // Without words to rank by, hits come newest first whatever the order asked.
        sort_tabs: if understood.text.trim().is_empty() || response.total == 0 {
            Vec::new()
        } else {
            vec![
                tab(
                    "по релевантности",
                    &|next| next.sort = Sort::Relevance,
                    request.sort == Sort::Relevance,
                ),
                tab(
                    "сначала новые",
                    &|next| next.sort = Sort::Date,
                    request.sort == Sort::Date,
                ),
            ]
        },
        collapse_tabs: if request.level == Level::Items
            && understood.group.is_none()
            && response.total_matches > 1
        {
            vec![
                tab("все", &|next| next.collapse = false, !understood.collapse),
                tab(
                    "без повторов",
                    &|next| next.collapse = true,
                    understood.collapse,
                ),
            ]
        } else {
            Vec::new()
        },
        relaxed: understood.relaxed,
        correction,
        dropped,
        synonyms,
        hits,
        facets,
        pagination: pagination(request, response),
        empty,
        insights: insights::insights(request, response),
    }
}
