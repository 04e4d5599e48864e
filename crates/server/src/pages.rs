//! The server-rendered pages (askama templates in `web/templates`) and the static assets.

use std::path::Path as FsPath;
use std::sync::LazyLock;

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use edusearch_resolution::{EventKind, Resolution};
use edusearch_search::{
    FacetValue, FilterKind, Hit, Level, Recurrence, SearchRequest, SearchResponse, Sort, Stats,
    UnderstoodQuery,
};

use crate::AppState;
use crate::api::fetch_resolution;
use crate::error::ApiError;
use crate::format::{
    capitalize, count_of, group_digits, mark_stems, mark_words, paragraphs, plural, russian_date,
};
use crate::params::{Pairs, encode_component, has_filters, page_href, page_params, with};

mod insights;
mod similar;

/// Hits per page on the search page.
const PAGE_SIZE: usize = 10;
/// Facet values shown before «Ещё».
const FACET_VISIBLE: usize = 8;
/// Example queries offered on the start page and when nothing is found.
const EXAMPLES: &[&str] = &[
    "профориентация 2023",
    "наставничество",
    "Точка роста",
    "ОВЗ",
];
/// Largest source file served as text.
const MAX_SOURCE_BYTES: u64 = 5 * 1024 * 1024;

const STYLE_CSS: &str = include_str!("../../../web/static/style.css");
const APP_JS: &str = include_str!("../../../web/static/app.js");
const FAVICON_SVG: &str = include_str!("../../../web/static/favicon.svg");

/// Versioned asset URLs: the content hash changes the URL, so assets can be cached for good.
struct Assets {
    css: String,
    js: String,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| Assets {
    css: format!("/static/style.css?v={:08x}", fnv1a(STYLE_CSS.as_bytes())),
    js: format!("/static/app.js?v={:08x}", fnv1a(APP_JS.as_bytes())),
});

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(*byte)).wrapping_mul(0x0100_0193)
    })
}

/// A link with a label.
#[derive(Debug, Clone)]
pub struct Link {
    /// Text of the link.
    pub label: String,
    /// Target URL.
    pub href: String,
}

/// One tab of a switch («Рекомендации | Резолюции»).
#[derive(Debug, Clone)]
pub struct Tab {
    /// Text of the tab.
    pub label: &'static str,
    /// Target URL.
    pub href: String,
    /// Whether this is the state shown.
    pub current: bool,
}

/// A filter in force, with the link that removes it.
#[derive(Debug, Clone)]
pub struct Chip {
    /// What is filtered («Регион»).
    pub kind: &'static str,
    /// The value.
    pub value: String,
    /// A hint after the value («из запроса»).
    pub note: Option<&'static str>,
    /// The same search without this filter.
    pub remove_href: String,
}

/// One result card.
#[derive(Debug, Clone)]
pub struct HitView {
    /// Link to the resolution (at the item).
    pub href: String,
    /// «п. 18».
    pub item_label: Option<String>,
    /// Addressee heading of the item, a link filtering by it.
    pub addressee: Option<Link>,
    /// Highlighted text: safe HTML from the engine.
    pub highlight: String,
    /// Title of the resolution.
    pub title: String,
    /// Kind of event («Конференция»).
    pub event_kind: Option<String>,
    /// «31 августа 2023».
    pub date: Option<String>,
    /// «г. Армавир, Краснодарский край».
    pub place: Option<String>,
    /// Topics, each a link adding the topic filter.
    pub topics: Vec<Link>,
    /// «Встречается в 12 резолюциях (5 регионов, 2019–2023)», a link listing them all.
    pub recurrence: Option<Link>,
    /// «сайт uo.example.ru», a link to where a fetched resolution was published.
    pub source: Option<Link>,
}

/// One facet value as a link.
#[derive(Debug, Clone)]
pub struct FacetLink {
    /// The value.
    pub label: String,
    /// Count of hits.
    pub count: String,
    /// Link applying this value.
    pub href: String,
    /// Whether it is the filter in force.
    pub selected: bool,
    /// Link removing it (when selected).
    pub remove_href: String,
}

/// A facet block of the sidebar.
#[derive(Debug, Clone)]
pub struct FacetGroup {
    /// Anchor id.
    pub id: &'static str,
    /// Heading («Регион»).
    pub title: &'static str,
    /// Values shown at once.
    pub visible: Vec<FacetLink>,
    /// Values behind «Ещё».
    pub more: Vec<FacetLink>,
}

/// One entry of the pagination.
#[derive(Debug, Clone)]
pub struct PageLink {
    /// Page number, or `None` for a gap («…»).
    pub number: Option<usize>,
    /// Target URL.
    pub href: String,
    /// Whether it is the page shown.
    pub current: bool,
}

/// The pagination bar.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// «← Назад».
    pub prev: Option<String>,
    /// «Далее →».
    pub next: Option<String>,
    /// Page numbers with gaps.
    pub pages: Vec<PageLink>,
}

/// The results part of the search page.
#[derive(Debug, Clone)]
pub struct ResultsView {
    /// «Найдено 12 рекомендаций».
    pub summary: String,
    /// «показаны 1–10».
    pub range: Option<String>,
    /// Filters in force.
    pub chips: Vec<Chip>,
    /// The search without any filter (when there are filters).
    pub clear_href: Option<String>,
    /// Items / resolutions.
    pub level_tabs: Vec<Tab>,
    /// Relevance / date (empty when there is no text to rank by).
    pub sort_tabs: Vec<Tab>,
    /// Show recurring recommendations every time / once (items only).
    pub collapse_tabs: Vec<Tab>,
    /// Whether only some of the words matched.
    pub relaxed: bool,
    /// The query was corrected before searching.
    pub correction: Option<CorrectionView>,
    /// Filters read from the query found nothing and were set aside.
    pub dropped: Option<DroppedView>,
    /// Synonyms the query was widened with («ОВЗ — ограниченные возможности здоровья»).
    pub synonyms: Vec<String>,
    /// The hits.
    pub hits: Vec<HitView>,
    /// Sidebar facets.
    pub facets: Vec<FacetGroup>,
    /// Pagination, when more than one page.
    pub pagination: Option<Pagination>,
    /// Suggestions when nothing is found.
    pub empty: Option<NoResults>,
    /// Year chart, top regions and export links (when something was found).
    pub insights: Option<insights::Insights>,
}

/// A corrected query, with the way back to what was typed.
#[derive(Debug, Clone)]
pub struct CorrectionView {
    /// The query searched.
    pub searched: String,
    /// The query as typed.
    pub original: String,
    /// The search for the query as typed, uncorrected.
    pub original_href: String,
}

/// Filters read from the query that found nothing, set aside: «В 2015 году ничего не найдено;
/// показаны результаты за все годы» and the search with them, one click away.
#[derive(Debug, Clone)]
pub struct DroppedView {
    /// What was not found and what is shown instead.
    pub message: String,
    /// «Искать только за 2015 год».
    pub label: String,
    /// The search with the filters set (it finds nothing).
    pub href: String,
}

/// What to try when nothing was found.
#[derive(Debug, Clone)]
pub struct NoResults {
    /// Links removing each filter.
    pub remove_filters: Vec<Link>,
    /// Whether to suggest fewer words.
    pub fewer_words: bool,
    /// Example searches.
    pub examples: Vec<Link>,
}

/// The start page's introduction.
#[derive(Debug, Clone)]
pub struct Intro {
    /// «5 резолюций, 70 рекомендаций, 4 региона».
    pub counts: String,
    /// Example searches.
    pub examples: Vec<Link>,
}

/// `GET /`.
#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    css: &'static str,
    js: &'static str,
    page_title: String,
    q: String,
    hidden: Vec<(String, String)>,
    show_hint: bool,
    error: Option<String>,
    intro: Option<Intro>,
    results: Option<ResultsView>,
}

/// A numbered item of a resolution page.
#[derive(Debug, Clone)]
pub struct ItemView {
    /// 1-based position (`id="item-N"`).
    pub position: u32,
    /// Number as printed.
    pub number: String,
    /// Text as safe HTML (words of `?hl=` marked).
    pub html: String,
    /// Its id in the API (`{resolution_id}-{position}`), for the script loading similar items.
    pub item_id: String,
    /// This page with the item's similar items rendered (without the script).
    pub similar_href: String,
    /// Similar items of other resolutions, when rendered with the page (`?similar=N`).
    pub similar: Option<Vec<similar::SimilarEntry>>,
}

/// Items under one addressee heading.
#[derive(Debug, Clone)]
pub struct ItemGroup {
    /// The addressee heading.
    pub heading: Option<String>,
    /// The items, in order.
    pub items: Vec<ItemView>,
}

/// A metadata row of a resolution page.
#[derive(Debug, Clone)]
pub struct MetaRow {
    /// Label («Дата»).
    pub label: &'static str,
    /// Value.
    pub value: String,
    /// Optional link of the value.
    pub href: Option<String>,
}

/// `GET /resolutions/{id}`.
#[derive(Template)]
#[template(path = "resolution.html")]
struct ResolutionPage {
    css: &'static str,
    js: &'static str,
    title: String,
    back_href: String,
    hl: String,
    meta: Vec<MetaRow>,
    topics: Vec<Link>,
    groups: Vec<ItemGroup>,
    item_count: String,
    body: Vec<String>,
    source_href: String,
    /// Similar resolutions; `None` when they could not be looked up.
    similar: Option<Vec<similar::SimilarEntry>>,
}

/// An error or «not found» page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    css: &'static str,
    js: &'static str,
    heading: String,
    message: String,
}

fn html_response(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(error) => {
            tracing::error!(%error, "failed to render a page");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><html lang=\"ru\"><title>Ошибка</title><p>Внутренняя ошибка сервера</p></html>"),
            )
                .into_response()
        }
    }
}

/// The HTML page of an error.
pub fn error_page(error: ApiError) -> Response {
    let heading = match error.status {
        StatusCode::NOT_FOUND => "Страница не найдена",
        status if status.is_client_error() => "Неверный запрос",
        _ => "Сервис временно недоступен",
    };
    html_response(
        error.status,
        &ErrorPage {
            css: &ASSETS.css,
            js: &ASSETS.js,
            heading: heading.to_string(),
            message: error.message.into_owned(),
        },
    )
}

/// The HTML «not found» page.
pub fn not_found_page() -> Response {
    error_page(ApiError::not_found(
        "Такой страницы нет. Начните с поиска на главной странице",
    ))
}

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

fn example_links() -> Vec<Link> {
    EXAMPLES
        .iter()
        .map(|example| Link {
            label: (*example).to_string(),
            href: page_href(&SearchRequest::query(*example)),
        })
        .collect()
}

/// The search with what the engine took from the query text made explicit: the query is
/// the remaining text and the filters are parameters. Removing one filter from it keeps the
/// others («наставничество Мегион 2023» without the year is still in Мегион).
fn explicit(request: &SearchRequest, understood: &UnderstoodQuery) -> SearchRequest {
    let from_query = understood.year_from_query.is_some()
        || understood.year_to_from_query.is_some()
        || understood.region_from_query.is_some()
        || understood.municipality_from_query.is_some()
        || (understood.topic.is_some() && request.topic.is_none());
    if !from_query {
        return request.clone();
    }
    with(request, |next| {
        next.q = understood.text.clone();
        next.region = understood.region.clone();
        next.year = understood.year;
        next.year_to = understood.year_to;
        next.municipality = understood.municipality.clone();
        next.topic = understood.topic.clone();
    })
}

/// The notice of filters set aside, with the search that keeps them.
fn dropped_view(request: &SearchRequest, understood: &UnderstoodQuery) -> Option<DroppedView> {
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
                    next.year = years.next().and_then(Result::ok);
                    next.year_to = years.next().and_then(Result::ok);
                }
                FilterKind::Region => next.region = Some(filter.value.clone()),
                FilterKind::Municipality => next.municipality = Some(filter.value.clone()),
            }
        }
    });
    Some(DroppedView {
        message,
        label,
        href: page_href(&strict),
    })
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

fn hit_view(base: &SearchRequest, hit: &Hit, hl: &str) -> HitView {
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
                next.addressee = Some(addressee.clone());
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
                href: page_href(&with(base, |next| next.topic = Some(topic.clone()))),
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

fn pagination(request: &SearchRequest, response: &SearchResponse) -> Option<Pagination> {
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
    let (resolution, similar) = tokio::join!(
        fetch_resolution(&state, id.clone()),
        similar::load(&state, id, similar_item)
    );
    let resolution = match resolution {
        Ok(resolution) => resolution,
        Err(error) if error.status == StatusCode::NOT_FOUND => {
            return error_page(ApiError::not_found(
                "Такой резолюции нет в индексе: возможно, она была удалена при обновлении",
            ));
        }
        Err(error) => return error_page(error),
    };
    let mut page = resolution_view(&resolution, &hl);
    similar::apply(&mut page, similar);
    html_response(StatusCode::OK, &page)
}

fn resolution_view(resolution: &Resolution, hl: &str) -> ResolutionPage {
    let stems = mark_stems(hl);
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
                region: Some(region.clone()),
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
    let source_href = format!("/resolutions/{}/source", encode_component(&resolution.id));
    meta.push(MetaRow {
        label: "Источник",
        value: resolution.source.clone(),
        href: Some(source_href.clone()),
    });
    for url in web_sources(resolution) {
        meta.push(MetaRow {
            label: "Источник",
            value: format!("сайт {}", url_host(url)),
            href: Some(url.to_string()),
        });
    }

    let mut groups: Vec<ItemGroup> = Vec::new();
    for item in &resolution.items {
        let view = ItemView {
            position: item.position,
            number: item.number.clone(),
            html: mark_words(&item.text, &stems),
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
                    topic: Some(topic.clone()),
                    ..SearchRequest::default()
                }),
            })
            .collect(),
        item_count: group_digits(resolution.items.len() as u64),
        groups,
        body: paragraphs(&resolution.body)
            .iter()
            .map(|paragraph| mark_words(paragraph, &stems))
            .collect(),
        source_href,
        similar: None,
    }
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

/// Reads a corpus file, refusing paths that leave the corpus folder.
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

/// The host of an http(s) address («uo.example.ru»), for «сайт …».
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

fn read_source(data_dir: &FsPath, source: &str) -> Option<Vec<u8>> {
    let root = data_dir.canonicalize().ok()?;
    let path = root.join(source).canonicalize().ok()?;
    if !path.starts_with(&root) || path.metadata().ok()?.len() > MAX_SOURCE_BYTES {
        return None;
    }
    std::fs::read(path).ok()
}

/// `GET /static/{file}`: the embedded stylesheet, script and icon.
pub async fn static_file(Path(file): Path<String>) -> Response {
    let (content_type, body) = match file.as_str() {
        "style.css" => ("text/css; charset=utf-8", STYLE_CSS),
        "app.js" => ("text/javascript; charset=utf-8", APP_JS),
        "favicon.svg" => ("image/svg+xml", FAVICON_SVG),
        _ => return not_found_page(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            // URLs carry a content hash (`?v=`), so a cached copy never goes stale.
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}

/// `GET /favicon.ico`: browsers ask for it whatever the page says.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON_SVG,
    )
        .into_response()
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
