//! URLs of the search page: the page's parameters for a request, links that change one thing,
//! and what the engine read from the query made explicit.

use edusearch_search::{SearchRequest, UnderstoodQuery};
use serde_json::Value;

use crate::params::defaults;

/// The parameters of the search page for a request: those that differ from the defaults, the
/// query first (the page size belongs to the API and is left out).
pub fn page_params(request: &SearchRequest) -> Vec<(String, String)> {
    let (Value::Object(fields), Value::Object(default_fields)) = (
        serde_json::to_value(request).unwrap_or(Value::Null),
        defaults(),
    ) else {
        return Vec::new();
    };
    let names = std::iter::once("q").chain(
        fields
            .keys()
            .map(String::as_str)
            .filter(|name| *name != "q"),
    );
    let mut params = Vec::new();
    for name in names {
        let Some(value) = fields.get(name) else {
            continue;
        };
        if name == "per_page" || default_fields.get(name) == Some(value) {
            continue;
        }
        let text = match value {
            Value::Null => continue,
            Value::String(text) => text.clone(),
            Value::Bool(flag) => flag.to_string(),
            Value::Number(number) => number.to_string(),
            other => other.to_string(),
        };
        params.push((name.to_string(), text));
    }
    params
}

/// The URL of the search page for a request.
pub fn page_href(request: &SearchRequest) -> String {
    let params = page_params(request);
    if params.is_empty() {
        return "/".to_string();
    }
    let query: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("{name}={}", encode_component(value)))
        .collect();
    format!("/?{}", query.join("&"))
}

/// A copy of `request` with `change` applied and the first page.
pub fn with(request: &SearchRequest, change: impl FnOnce(&mut SearchRequest)) -> SearchRequest {
    let mut next = request.clone();
    next.page = 1;
    change(&mut next);
    next
}

/// The search page for `base` without its years (from and to).
pub(crate) fn without_years_href(base: &SearchRequest) -> String {
    page_href(&with(base, |next| {
        next.filters.year = None;
        next.filters.year_to = None;
    }))
}

/// Whether any filter is set.
pub fn has_filters(request: &SearchRequest) -> bool {
    !request.filters.is_empty()
}

/// Percent-encodes a query-string component (`application/x-www-form-urlencoded`, space as `+`).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// The search with what the engine took from the query text made explicit: the query is
/// the remaining text and the filters are parameters. Removing one filter from it keeps the
/// others («наставничество Мегион 2023» without the year is still in Мегион).
pub(crate) fn explicit(request: &SearchRequest, understood: &UnderstoodQuery) -> SearchRequest {
    let from_query = understood.year_from_query.is_some()
        || understood.year_to_from_query.is_some()
        || understood.region_from_query.is_some()
        || understood.municipality_from_query.is_some()
        || (understood.filters.topic.is_some() && request.filters.topic.is_none());
    if !from_query {
        return request.clone();
    }
    with(request, |next| {
        next.q = understood.text.clone();
        next.filters = understood.filters.clone();
    })
}

/// The host of an http(s) address («uo.example.ru»), for «сайт …».
pub(crate) fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

#[cfg(test)]
mod tests {
    use edusearch_search::{Level, SearchFilters};

    use super::*;
    use crate::params::Pairs;

    #[test]
    fn urls_carry_what_differs_from_the_defaults() {
        let request = SearchRequest {
            q: "профориентация 2023".into(),
            filters: SearchFilters {
                region: Some("Краснодарский край".into()),
                topic: Some("ОВЗ & инклюзия".into()),
                ..SearchFilters::default()
            },
            level: Level::Resolutions,
            page: 2,
            per_page: 5,
            ..SearchRequest::default()
        };
        let href = page_href(&request);
        assert!(href.starts_with("/?q=%D0%BF"), "{href}");
        assert!(href.contains("&topic=%D0%9E%D0%92%D0%97+%26+"), "{href}");
        assert!(href.contains("&level=resolutions"), "{href}");
        assert!(href.contains("&page=2"), "{href}");
        assert!(!href.contains("per_page"));
        assert_eq!(page_href(&SearchRequest::default()), "/");
        assert_eq!(with(&request, |next| next.filters.region = None).page, 1);
        // What a URL says, parsing gives back.
        let query = href.trim_start_matches("/?");
        let parsed: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
        let back = Pairs(parsed).search_request().unwrap();
        assert_eq!(
            back,
            SearchRequest {
                per_page: back.per_page,
                ..request
            }
        );
    }
}
