//! [`SearchFilters`]: the filters a user can set on a search, declared once.
//!
//! The HTTP API reads them as query parameters (flattened into [`crate::SearchRequest`], and
//! beside the parameters of `/api/trends` and `/api/export`), the CLI as options (`--region`,
//! …, with the `cli` feature), and the engine turns them into index filters
//! (`engine::query`). Adding a filter is a field here plus its clause there.

use edusearch_resolution::EventKind;
use serde::{Deserialize, Deserializer, Serialize};

use crate::SearchError;
use crate::api::limits;
use crate::error::ErrorCode;

/// The filters of a search. Each narrows the hits without changing their order; a filter
/// left empty does not apply.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchFilters {
    /// Only this region (субъект РФ), as in the facet: «Краснодарский край».
    #[cfg_attr(feature = "cli", arg(long))]
    pub region: Option<String>,
    /// Only this year (the first of a range with `year_to`); when it is not set, a year in
    /// the query is used.
    #[serde(deserialize_with = "number_or_text")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub year: Option<i32>,
    /// The last year of a year range.
    #[serde(deserialize_with = "number_or_text")]
    #[cfg_attr(feature = "cli", arg(long, requires = "year"))]
    pub year_to: Option<i32>,
    /// Only this municipality or town: «г. Мегион», «Ирбейский район».
    #[cfg_attr(feature = "cli", arg(long))]
    pub municipality: Option<String>,
    /// Only this topic, a name from the taxonomy: «профориентация».
    #[cfg_attr(feature = "cli", arg(long))]
    pub topic: Option<String>,
    /// Only items under this addressee heading (case does not matter).
    #[cfg_attr(feature = "cli", arg(long))]
    pub addressee: Option<String>,
    /// Only resolutions of this kind of event: its id (`teachers_council`, `conference`,
    /// `meeting`, …) or its Russian name («педсовет», «конференция», «совещание», …).
    #[serde(deserialize_with = "event_kind_by_name")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<EventKind>))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<EventKind>))]
    #[cfg_attr(feature = "cli", arg(long, value_name = "KIND", value_parser = parse_event_kind))]
    pub event_kind: Option<EventKind>,
}

impl SearchFilters {
    /// The text filters that are given and not blank; blank ones count as absent.
    pub fn chosen(&self) -> SearchFilters {
        let chosen =
            |value: &Option<String>| value.clone().filter(|value| !value.trim().is_empty());
        SearchFilters {
            region: chosen(&self.region),
            municipality: chosen(&self.municipality),
            topic: chosen(&self.topic),
            addressee: chosen(&self.addressee),
            ..self.clone()
        }
    }

    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.chosen() == SearchFilters::default()
    }

    /// Checks the limits; the error message is in Russian, for users.
    pub fn validate(&self) -> Result<(), SearchError> {
        if [self.year, self.year_to]
            .into_iter()
            .flatten()
            .any(|year| !(1900..=2100).contains(&year))
        {
            return Err(SearchError::invalid(
                ErrorCode::YearOutOfRange,
                "Год должен быть между 1900 и 2100",
            ));
        }
        for (name, value) in [
            ("region", &self.region),
            ("municipality", &self.municipality),
            ("topic", &self.topic),
            ("addressee", &self.addressee),
        ] {
            if value
                .as_ref()
                .is_some_and(|value| value.chars().count() > limits::MAX_FILTER_CHARS)
            {
                return Err(SearchError::invalid(
                    ErrorCode::FilterTooLong,
                    format!(
                        "Значение фильтра {name} слишком длинное: не больше {} символов",
                        limits::MAX_FILTER_CHARS
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// An event kind by its id or Russian name, for the CLI.
#[cfg(feature = "cli")]
fn parse_event_kind(text: &str) -> Result<EventKind, String> {
    EventKind::from_name(text).ok_or_else(|| {
        let known: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.id()).collect();
        format!("unknown event kind; one of: {}", known.join(", "))
    })
}

/// A number, or its text (query strings carry every value as text).
fn number_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Number(i32),
        Text(String),
    }
    match Option::<Value>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Value::Number(number)) => Ok(Some(number)),
        Some(Value::Text(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::Text(text)) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("not a number: {text:?}"))),
    }
}

/// An event kind by its id («teachers_council») or Russian name («педсовет»).
fn event_kind_by_name<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<EventKind>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) if text.trim().is_empty() => Ok(None),
        Some(text) => EventKind::from_name(&text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown event kind {text:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_event_kinds_read_from_text_as_query_strings_send_them() {
        let filters: SearchFilters = serde_json::from_value(serde_json::json!({
            "year": "2023", "year_to": 2024, "event_kind": "педсовет"
        }))
        .unwrap();
        assert_eq!((filters.year, filters.year_to), (Some(2023), Some(2024)));
        assert_eq!(filters.event_kind, Some(EventKind::TeachersCouncil));
        let by_id: SearchFilters =
            serde_json::from_value(serde_json::json!({"event_kind": "round_table"})).unwrap();
        assert_eq!(by_id.event_kind, Some(EventKind::RoundTable));
        assert!(
            serde_json::from_value::<SearchFilters>(serde_json::json!({"event_kind": "пикник"}))
                .is_err()
        );
        assert!(serde_json::from_value::<SearchFilters>(serde_json::json!({"year": "x"})).is_err());
    }

    #[test]
    fn blank_text_filters_count_as_absent() {
        let filters = SearchFilters {
            region: Some("  ".into()),
            topic: Some("профориентация".into()),
            ..SearchFilters::default()
        };
        assert_eq!(filters.chosen().region, None);
        assert!(!filters.is_empty());
        assert!(
            SearchFilters {
                addressee: Some(String::new()),
                ..SearchFilters::default()
            }
            .is_empty()
        );
    }
}
