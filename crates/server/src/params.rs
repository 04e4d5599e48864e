//! Query-string parameters: strict parsing for the API, lenient for the page (the page's
//! URLs are built in `pages::urls`).
//!
//! The parameters are the fields of [`SearchRequest`] (read from its serde form, so a field the
//! library adds is accepted without a change here). Empty values count as absent, as an HTML
//! form sends them.

use std::sync::LazyLock;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use edusearch_search::{SearchRequest, limits};
use serde_json::Value;

use crate::error::ApiError;
use edusearch_search::ErrorCode;

/// Longest parameter name quoted back in an error message.
const MAX_QUOTED_NAME_CHARS: usize = 40;

/// Names of the search parameters: the fields of [`SearchRequest`], in its order.
pub static SEARCH_PARAMS: LazyLock<Vec<String>> = LazyLock::new(|| match defaults() {
    Value::Object(fields) => fields.keys().cloned().collect(),
    _ => Vec::new(),
});

pub(crate) fn defaults() -> Value {
    serde_json::to_value(SearchRequest::default()).unwrap_or(Value::Null)
}

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
                tracing::debug!(rejection = ?rejection.to_string(), "query string rejected");
                Err(ApiError::bad_request(
                    ErrorCode::InvalidQueryString,
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
    pub fn check_strict<T: AsRef<str>>(&self, allowed: &[T]) -> Result<(), ApiError> {
        let allowed: Vec<&str> = allowed.iter().map(AsRef::as_ref).collect();
        for (index, (name, _)) in self.0.iter().enumerate() {
            if !allowed.contains(&name.as_str()) {
                return Err(ApiError::bad_request(
                    ErrorCode::UnknownParameter,
                    format!(
                        "Неизвестный параметр «{}». Допустимые параметры: {}",
                        quote_name(name),
                        allowed.join(", ")
                    ),
                ));
            }
            if self.0[..index].iter().any(|(earlier, _)| earlier == name) {
                return Err(ApiError::bad_request(
                    ErrorCode::DuplicateParameter,
                    format!("Параметр «{name}» указан несколько раз"),
                ));
            }
        }
        Ok(())
    }

    /// Only the search parameters, first value of each, with `skip` left out.
    pub fn search_only(&self, skip: &[&str]) -> Pairs {
        let mut kept: Vec<(String, String)> = Vec::new();
        for (name, value) in &self.0 {
            let known = SEARCH_PARAMS.iter().any(|param| param == name);
            if known && !skip.contains(&name.as_str()) && !kept.iter().any(|(seen, _)| seen == name)
            {
                kept.push((name.clone(), value.clone()));
            }
        }
        Pairs(kept)
    }

    /// The search the parameters describe, validated.
    pub fn search_request(&self) -> Result<SearchRequest, ApiError> {
        let present: Vec<(String, String)> = self
            .0
            .iter()
            .filter(|(name, value)| name == "q" || !value.trim().is_empty())
            .map(|(name, value)| {
                let value = match name.as_str() {
                    "q" => value.clone(),
                    "literal" | "collapse" => normalize_flag(value),
                    _ => value.trim().to_string(),
                };
                (name.clone(), value)
            })
            .collect();
        // Each value alone first, so an error names the parameter it comes from.
        for pair in &present {
            if decode(std::slice::from_ref(pair)).is_err() {
                return Err(invalid_value(&pair.0));
            }
        }
        let request = decode(&present).map_err(|error| {
            tracing::debug!(error = ?error.to_string(), "search parameters rejected");
            ApiError::bad_request(ErrorCode::InvalidParameter, "Неверные параметры поиска")
        })?;
        request.validate()?;
        Ok(request)
    }
}

fn decode(pairs: &[(String, String)]) -> Result<SearchRequest, serde_urlencoded::de::Error> {
    let encoded = serde_urlencoded::to_string(pairs).unwrap_or_default();
    serde_urlencoded::from_str(&encoded)
}

/// Check boxes send `on`; people type `1` or `да`.
fn normalize_flag(value: &str) -> String {
    match value.trim().to_lowercase().as_str() {
        "1" | "on" | "yes" | "true" | "да" => "true".to_string(),
        "0" | "off" | "no" | "false" | "нет" => "false".to_string(),
        other => other.to_string(),
    }
}

/// The error for a value of `name` that does not parse.
fn invalid_value(name: &str) -> ApiError {
    match name {
        "year" => ApiError::bad_request(
            ErrorCode::InvalidYear,
            "Год должен быть числом, например 2023",
        ),
        "year_to" => ApiError::bad_request(
            ErrorCode::InvalidYearTo,
            "Последний год диапазона должен быть числом, например 2024",
        ),
        "event_kind" => ApiError::bad_request(
            ErrorCode::InvalidEventKind,
            format!(
                "Параметр event_kind — вид мероприятия: {}",
                edusearch_resolution::EventKind::ALL
                    .iter()
                    .map(|kind| format!("{} ({})", kind.id(), kind.name_ru()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        "level" => ApiError::bad_request(
            ErrorCode::InvalidLevel,
            "Параметр level должен быть items или resolutions",
        ),
        "sort" => ApiError::bad_request(
            ErrorCode::InvalidSort,
            "Параметр sort должен быть relevance или date",
        ),
        "page" => ApiError::bad_request(
            ErrorCode::InvalidPage,
            "Номер страницы должен быть целым числом от 1",
        ),
        "per_page" => ApiError::bad_request(
            ErrorCode::InvalidPerPage,
            format!(
                "per_page должен быть целым числом от 1 до {}",
                limits::MAX_PER_PAGE
            ),
        ),
        "literal" => ApiError::bad_request(
            ErrorCode::InvalidLiteral,
            "Параметр literal должен быть true или false",
        ),
        "collapse" => ApiError::bad_request(
            ErrorCode::InvalidCollapse,
            "Параметр collapse должен быть true или false",
        ),
        other => ApiError::bad_request(
            ErrorCode::InvalidParameter,
            format!("Неверное значение параметра «{}»", quote_name(other)),
        ),
    }
}

/// `items` or `resolutions` (empty: items).
pub fn parse_level(value: &str) -> Result<edusearch_search::Level, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(edusearch_search::Level::default());
    }
    serde_json::from_value(Value::String(value.to_string())).map_err(|_| invalid_value("level"))
}

fn quote_name(name: &str) -> String {
    let mut quoted: String = name.chars().take(MAX_QUOTED_NAME_CHARS).collect();
    if name.chars().count() > MAX_QUOTED_NAME_CHARS {
        quoted.push('…');
    }
    quoted
}

#[cfg(test)]
mod tests {
    use edusearch_search::{Level, Sort};

    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        Pairs(
            list.iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
        )
    }

    #[test]
    fn every_request_field_is_a_parameter() {
        for name in [
            "q",
            "region",
            "year",
            "topic",
            "addressee",
            "level",
            "page",
            "per_page",
            "sort",
        ] {
            assert!(SEARCH_PARAMS.iter().any(|param| param == name), "{name}");
        }
    }

    #[test]
    fn values_parse_and_empty_ones_count_as_absent() {
        let request = pairs(&[
            ("q", "ОВЗ"),
            ("year", " 2023 "),
            ("region", " "),
            ("page", ""),
            ("level", "resolutions"),
            ("sort", "date"),
        ])
        .search_request()
        .unwrap();
        assert_eq!(request.q, "ОВЗ");
        assert_eq!(
            (request.filters.year, request.filters.region, request.page),
            (Some(2023), None, 1)
        );
        assert_eq!(
            (request.level, request.sort),
            (Level::Resolutions, Sort::Date)
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
            ("event_kind", "пикник", "invalid_event_kind"),
        ] {
            let error = pairs(&[(name, value)]).search_request().unwrap_err();
            assert_eq!(error.code, code, "{name}={value}");
            assert_eq!(error.status, 400);
        }
    }

    #[test]
    fn an_event_kind_is_read_by_its_id_or_russian_name() {
        for value in ["teachers_council", "Педсовет"] {
            let request = pairs(&[("q", ""), ("event_kind", value)])
                .search_request()
                .unwrap();
            assert_eq!(
                request.filters.event_kind,
                Some(edusearch_resolution::EventKind::TeachersCouncil),
                "{value}"
            );
        }
        assert!(SEARCH_PARAMS.iter().any(|param| param == "event_kind"));
    }

    #[test]
    fn strict_mode_refuses_unknown_and_repeated_parameters() {
        let unknown = pairs(&[("regoin", "x")])
            .check_strict(SEARCH_PARAMS.as_slice())
            .unwrap_err();
        assert_eq!(unknown.code, "unknown_parameter");
        assert!(unknown.message.contains("«regoin»"));
        let repeated = pairs(&[("q", "a"), ("q", "b")])
            .check_strict(SEARCH_PARAMS.as_slice())
            .unwrap_err();
        assert_eq!(repeated.code, "duplicate_parameter");
        let lenient = pairs(&[("q", "a"), ("utm", "x"), ("q", "b"), ("per_page", "5")])
            .search_only(&["per_page"]);
        assert_eq!(lenient.0, vec![("q".to_string(), "a".to_string())]);
    }
}
