//! Query-string parameters: strict parsing for the API, lenient for the page, and URL building.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use edusearch_search::{Level, SearchRequest, Sort};

use crate::error::ApiError;

/// Names of the search parameters.
pub const SEARCH_PARAMS: &[&str] = &[
    "q",
    "region",
    "year",
    "topic",
    "addressee",
    "level",
    "page",
    "per_page",
    "sort",
];

/// Longest parameter name quoted back in an error message.
const MAX_QUOTED_NAME_CHARS: usize = 40;

/// The query string as name–value pairs, in order; never rejects a request (a malformed query
/// string becomes an error in the JSON shape, not axum's plain-text rejection).
#[derive(Debug, Clone, Default)]
pub struct Pairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Pairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<Vec<(String, String)>>::from_request_parts(parts, state).await {
            Ok(Query(pairs)) => Ok(Pairs(pairs)),
            Err(rejection) => {
                tracing::debug!(%rejection, "query string rejected");
                Err(ApiError::bad_request(
                    "invalid_query_string",
                    "Не удалось разобрать строку запроса",
                ))
            }
        }
    }
}

impl Pairs {
    /// The first value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Refuses parameters not in `allowed` and parameters given twice.
    pub fn check_strict(&self, allowed: &[&str]) -> Result<(), ApiError> {
        for (index, (name, _)) in self.0.iter().enumerate() {
            if !allowed.contains(&name.as_str()) {
                return Err(ApiError::bad_request(
                    "unknown_parameter",
                    format!(
                        "Неизвестный параметр «{}». Допустимые параметры: {}",
                        quote_name(name),
                        allowed.join(", ")
                    ),
                ));
            }
            if self.0[..index].iter().any(|(earlier, _)| earlier == name) {
                return Err(ApiError::bad_request(
                    "duplicate_parameter",
                    format!("Параметр «{name}» указан несколько раз"),
                ));
            }
        }
        Ok(())
    }

    /// The search the parameters describe; empty values count as absent.
    pub fn search_request(&self) -> Result<SearchRequest, ApiError> {
        let mut request = SearchRequest::default();
        let present = |name: &str| {
            self.get(name)
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        request.q = self.get("q").unwrap_or_default().to_string();
        request.region = present("region").map(str::to_string);
        request.topic = present("topic").map(str::to_string);
        request.addressee = present("addressee").map(str::to_string);
        if let Some(year) = present("year") {
            request.year = Some(year.parse().map_err(|_| {
                ApiError::bad_request("invalid_year", "Год должен быть числом, например 2023")
            })?);
        }
        if let Some(level) = present("level") {
            request.level = parse_level(level)?;
        }
        if let Some(sort) = present("sort") {
            request.sort = parse_sort(sort)?;
        }
        if let Some(page) = present("page") {
            request.page = page.parse().map_err(|_| {
                ApiError::bad_request(
                    "invalid_page",
                    "Номер страницы должен быть целым числом от 1",
                )
            })?;
        }
        if let Some(per_page) = present("per_page") {
            request.per_page = per_page.parse().map_err(|_| {
                ApiError::bad_request(
                    "invalid_per_page",
                    format!(
                        "per_page должен быть целым числом от 1 до {}",
                        edusearch_search::limits::MAX_PER_PAGE
                    ),
                )
            })?;
        }
        request.validate()?;
        Ok(request)
    }
}

/// `items` or `resolutions`.
pub fn parse_level(value: &str) -> Result<Level, ApiError> {
    match value.trim() {
        "" | "items" => Ok(Level::Items),
        "resolutions" => Ok(Level::Resolutions),
        _ => Err(ApiError::bad_request(
            "invalid_level",
            "Параметр level должен быть items или resolutions",
        )),
    }
}

/// `relevance` or `date`.
pub fn parse_sort(value: &str) -> Result<Sort, ApiError> {
    match value.trim() {
        "" | "relevance" => Ok(Sort::Relevance),
        "date" => Ok(Sort::Date),
        _ => Err(ApiError::bad_request(
            "invalid_sort",
            "Параметр sort должен быть relevance или date",
        )),
    }
}

fn quote_name(name: &str) -> String {
    let mut quoted: String = name.chars().take(MAX_QUOTED_NAME_CHARS).collect();
    if name.chars().count() > MAX_QUOTED_NAME_CHARS {
        quoted.push('…');
    }
    quoted
}

/// The state of the search page, as carried by its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageState {
    /// Query as typed.
    pub q: String,
    /// Region filter.
    pub region: Option<String>,
    /// Explicit year filter.
    pub year: Option<i32>,
    /// Topic filter.
    pub topic: Option<String>,
    /// Addressee filter.
    pub addressee: Option<String>,
    /// Items or resolutions.
    pub level: Level,
    /// Order.
    pub sort: Sort,
    /// 1-based page.
    pub page: usize,
}

impl PageState {
    /// The page state of a search request (page size is not part of the page's URL).
    pub fn of(request: &SearchRequest) -> Self {
        Self {
            q: request.q.clone(),
            region: request.region.clone(),
            year: request.year,
            topic: request.topic.clone(),
            addressee: request.addressee.clone(),
            level: request.level,
            sort: request.sort,
            page: request.page,
        }
    }

    /// The URL of the search page in this state; defaults are left out.
    pub fn href(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if let Some(region) = &self.region {
            pairs.push(("region", region.clone()));
        }
        if let Some(year) = self.year {
            pairs.push(("year", year.to_string()));
        }
        if let Some(topic) = &self.topic {
            pairs.push(("topic", topic.clone()));
        }
        if let Some(addressee) = &self.addressee {
            pairs.push(("addressee", addressee.clone()));
        }
        if self.level == Level::Resolutions {
            pairs.push(("level", "resolutions".to_string()));
        }
        if self.sort == Sort::Date {
            pairs.push(("sort", "date".to_string()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        if pairs.is_empty() {
            return "/".to_string();
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{name}={}", encode_component(value)))
            .collect();
        format!("/?{}", query.join("&"))
    }

    /// The same state with another change applied and the page reset to the first.
    pub fn with(&self, change: impl FnOnce(&mut PageState)) -> Self {
        let mut next = self.clone();
        next.page = 1;
        change(&mut next);
        next
    }

    /// Whether any filter is set.
    pub fn has_filters(&self) -> bool {
        self.region.is_some()
            || self.year.is_some()
            || self.topic.is_some()
            || self.addressee.is_some()
    }
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
            other => {
                out.push('%');
                out.push_str(&format!("{other:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        Pairs(
            list.iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
        )
    }

    #[test]
    fn empty_values_count_as_absent() {
        let request = pairs(&[("q", "ОВЗ"), ("year", ""), ("region", " "), ("page", "")])
            .search_request()
            .unwrap();
        assert_eq!(request.q, "ОВЗ");
        assert_eq!(
            (request.year, request.region, request.page),
            (None, None, 1)
        );
    }

    #[test]
    fn malformed_values_have_stable_codes() {
        for (name, value, code) in [
            ("year", "abc", "invalid_year"),
            ("year", "1800", "year_out_of_range"),
            ("level", "foo", "invalid_level"),
            ("sort", "x", "invalid_sort"),
            ("page", "0", "page_out_of_range"),
            ("page", "-1", "invalid_page"),
            ("page", "99999999999999999999999", "invalid_page"),
            ("per_page", "100000", "per_page_out_of_range"),
            ("per_page", "ten", "invalid_per_page"),
        ] {
            let error = pairs(&[(name, value)]).search_request().unwrap_err();
            assert_eq!(error.code, code, "{name}={value}");
            assert_eq!(error.status, 400);
        }
    }

    #[test]
    fn strict_mode_refuses_unknown_and_repeated_parameters() {
        let unknown = pairs(&[("regoin", "x")])
            .check_strict(SEARCH_PARAMS)
            .unwrap_err();
        assert_eq!(unknown.code, "unknown_parameter");
        assert!(unknown.message.contains("«regoin»"));
        let repeated = pairs(&[("q", "a"), ("q", "b")])
            .check_strict(SEARCH_PARAMS)
            .unwrap_err();
        assert_eq!(repeated.code, "duplicate_parameter");
    }

    #[test]
    fn urls_round_trip_russian_values() {
        let state = PageState {
            q: "профориентация 2023".into(),
            region: Some("Краснодарский край".into()),
            topic: Some("ОВЗ & инклюзия".into()),
            page: 2,
            ..PageState::default()
        };
        let href = state.href();
        assert!(href.starts_with("/?q=%D0%BF"), "{href}");
        assert!(href.contains("&topic=%D0%9E%D0%92%D0%97+%26+"), "{href}");
        assert!(href.ends_with("&page=2"));
        assert_eq!(PageState::default().href(), "/");
        assert_eq!(state.with(|next| next.region = None).page, 1);
    }
}
