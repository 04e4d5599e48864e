//! The request and response types shared by the CLI (`--json`) and the HTTP API.

use serde::{Deserialize, Serialize};

use crate::SearchError;
use crate::error::ErrorCode;
use crate::filters::SearchFilters;

/// Documented limits of a search request.
pub mod limits {
    /// Longest query accepted, in characters.
    pub const MAX_QUERY_CHARS: usize = 1000;
    /// Largest page size.
    pub const MAX_PER_PAGE: usize = 100;
    /// Default page size.
    pub const DEFAULT_PER_PAGE: usize = 20;
    /// Deepest page reachable (page × per_page ≤ this).
    pub const MAX_RESULT_WINDOW: usize = 10_000;
    /// Longest filter value, in characters.
    pub const MAX_FILTER_CHARS: usize = 300;
}

/// What is searched: recommendation items (default) or whole resolutions.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Recommendation items.
    #[default]
    Items,
    /// Whole resolutions.
    Resolutions,
}

/// Order of hits.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first, ties broken by recency.
    #[default]
    Relevance,
    /// Newest first.
    Date,
}

/// A search: what the user typed and the filters they chose. As query parameters, the
/// fields of [`SearchFilters`] stand beside these (`?q=…&region=…`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// The query as typed.
    pub q: String,
    /// The filters.
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", param(ignore))]
    pub filters: SearchFilters,
    /// Items or resolutions.
    pub level: Level,
    /// 1-based page.
    pub page: usize,
    /// Hits per page.
    pub per_page: usize,
    /// Order of hits.
    pub sort: Sort,
    /// Search the query as typed: no keyboard-layout or spelling correction.
    pub literal: bool,
    /// Only the items of one group of recurring recommendations (its id from a hit's
    /// `recurrence.group`).
    pub group: Option<String>,
    /// Show each group of recurring recommendations once, by its best hit.
    pub collapse: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            q: String::new(),
            filters: SearchFilters::default(),
            level: Level::Items,
            page: 1,
            per_page: limits::DEFAULT_PER_PAGE,
            sort: Sort::Relevance,
            literal: false,
            group: None,
            collapse: false,
        }
    }
}

impl SearchRequest {
    /// A request for a query with default settings.
    pub fn query(q: impl Into<String>) -> Self {
        Self {
            q: q.into(),
            ..Self::default()
        }
    }

    /// Checks the limits; the error message is in Russian, for users.
    pub fn validate(&self) -> Result<(), SearchError> {
        if self.q.chars().count() > limits::MAX_QUERY_CHARS {
            return Err(SearchError::invalid(
                ErrorCode::QueryTooLong,
                format!(
                    "Запрос слишком длинный: не больше {} символов",
                    limits::MAX_QUERY_CHARS
                ),
            ));
        }
        if !(1..=limits::MAX_PER_PAGE).contains(&self.per_page) {
            return Err(SearchError::invalid(
                ErrorCode::PerPageOutOfRange,
                format!("per_page должен быть от 1 до {}", limits::MAX_PER_PAGE),
            ));
        }
        if self.page == 0 || self.page.saturating_mul(self.per_page) > limits::MAX_RESULT_WINDOW {
            return Err(SearchError::invalid(
                ErrorCode::PageOutOfRange,
                format!(
                    "Номер страницы должен быть от 1, и показать можно не дальше {}-го результата",
                    limits::MAX_RESULT_WINDOW
                ),
            ));
        }
        self.filters.validate()?;
        if let Some(group) = &self.group
            && parse_group_id(group).is_none()
        {
            return Err(SearchError::invalid(
                ErrorCode::InvalidGroup,
                "Номер группы повторяющихся рекомендаций — 16 шестнадцатеричных цифр",
            ));
        }
        Ok(())
    }
}

/// The query as the engine understood it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnderstoodQuery {
    /// The query as typed.
    pub raw: String,
    /// The text searched for, understood parts removed.
    pub text: String,
    /// Year taken from the query text, if any (it is applied as the year filter).
    pub year_from_query: Option<i32>,
    /// Last year of a range taken from the query text («2019–2022»).
    pub year_to_from_query: Option<i32>,
    /// Region taken from the query text («в Красноярском крае», «Кубань»).
    pub region_from_query: Option<String>,
    /// Municipality taken from the query text («Мегион»).
    pub municipality_from_query: Option<String>,
    /// The filters in force: those the user set, else those the query's words set (a year
    /// range is `year`–`year_to`).
    #[serde(flatten)]
    pub filters: SearchFilters,
    /// Topic the query names: hits with it rank higher (not a filter).
    pub topic_boost: Option<String>,
    /// Synonyms and abbreviations the query was widened with.
    pub synonyms: Vec<SynonymUse>,
    /// The query was retyped or respelt before searching; search `original` with
    /// `literal=true` to take it back.
    pub correction: Option<Correction>,
    /// Items or resolutions.
    pub level: Level,
    /// Order of hits.
    pub sort: Sort,
    /// Whether all words were not found together, so hits match some of the words.
    pub relaxed: bool,
    /// Filters read from the query's words that found nothing and were set aside, so the
    /// hits are the search without them («в 2015 году ничего не найдено; показаны результаты
    /// за все годы»). Filters the user set never are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped_filters: Vec<DroppedFilter>,
    /// Group filter in force (items of one recurring recommendation).
    pub group: Option<String>,
    /// Whether each group of recurring recommendations is shown once.
    pub collapse: bool,
}

/// A filter read from the query's words that was set aside because nothing matched it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedFilter {
    /// Which filter.
    pub kind: FilterKind,
    /// Its value as shown: «2015», «2015–2017», «Красноярский край», «г. Мегион».
    pub value: String,
}

/// The filters a query's words can set.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterKind {
    /// A year or range of years.
    Year,
    /// A federal subject.
    Region,
    /// A municipality or town.
    Municipality,
}

/// A synonym the query was widened with.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynonymUse {
    /// The words of the query.
    pub matched: String,
    /// What they were widened with («ограниченные возможности здоровья»).
    pub alternatives: Vec<String>,
}

/// How the query was corrected.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// Typed in the Latin keyboard layout («ghjabjhbtynfwbz»).
    Layout,
    /// Misspelt words («профариентация»).
    Spelling,
}

/// A correction of the query («Показаны результаты по запросу «профориентация»»).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// Layout or spelling.
    pub kind: CorrectionKind,
    /// The query as typed.
    pub original: String,
    /// The query searched instead.
    pub corrected: String,
}

/// One ranked hit: a recommendation item, or a resolution.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Relevance score (BM25 with field weights); comparable within one response only.
    pub score: f32,
    /// `item` or `resolution`.
    pub kind: String,
    /// Id of the resolution.
    pub resolution_id: String,
    /// 1-based position of the item in its resolution (anchor `#item-N`).
    pub item_position: Option<u32>,
    /// Item number as printed.
    pub item_number: Option<String>,
    /// Addressee of the item.
    pub addressee: Option<String>,
    /// Plain text of the item (for a resolution: the start of its body).
    pub text: String,
    /// The text as HTML-safe markup with matches in `<mark>`.
    pub highlight: String,
    /// Title of the resolution.
    pub title: String,
    /// Event name.
    pub event: Option<String>,
    /// Event kind id («conference»).
    pub event_kind: Option<String>,
    /// Event date, `YYYY-MM-DD` (or shorter when only part is known).
    pub date: Option<String>,
    /// Year of the event.
    pub year: Option<i32>,
    /// Municipality as shown to users.
    pub municipality: Option<String>,
    /// Region (субъект РФ).
    pub region: Option<String>,
    /// Topics of the item (of the resolution, for a resolution hit).
    pub topics: Vec<String>,
    /// Source file of the resolution.
    pub source: String,
    /// The web address the resolution was downloaded from, when it came from the web.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// For an item reused in other resolutions: how often and where it recurs.
    pub recurrence: Option<Recurrence>,
}

/// How often a recommendation recurs across resolutions («встречается в 12 резолюциях
/// (5 регионов, 2019–2023)»).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurrence {
    /// Id of the group (filter with `group=`).
    pub group: String,
    /// Items in the group.
    pub items: u32,
    /// Resolutions the items come from.
    pub resolutions: u32,
    /// Regions of those resolutions.
    pub regions: u32,
    /// Earliest year.
    pub year_from: Option<i32>,
    /// Latest year.
    pub year_to: Option<i32>,
}

/// The text form of a group id: 16 hexadecimal digits.
pub fn group_id_text(id: u64) -> String {
    format!("{id:016x}")
}

/// A group id from its text form.
pub fn parse_group_id(text: &str) -> Option<u64> {
    let text = text.trim();
    (text.len() == 16)
        .then(|| u64::from_str_radix(text, 16).ok())
        .flatten()
}

/// Count of hits for one facet value.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    /// The value («Краснодарский край», «2023», «профориентация»).
    pub value: String,
    /// Number of hits with this value (other filters applied, this facet's own not).
    pub count: u64,
    /// Whether this value is the filter in force.
    pub selected: bool,
}

/// Facet counts by field.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCounts {
    /// By region, most hits first.
    pub region: Vec<FacetValue>,
    /// By year, newest first.
    pub year: Vec<FacetValue>,
    /// By topic, most hits first.
    pub topic: Vec<FacetValue>,
}

/// The answer to a search.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResponse {
    /// The query as understood.
    pub query: UnderstoodQuery,
    /// Number of hits in all pages (groups counted once when `collapse` is on).
    pub total: usize,
    /// Number of matching items (or resolutions), before collapsing groups.
    pub total_matches: usize,
    /// 1-based page returned.
    pub page: usize,
    /// Page size.
    pub per_page: usize,
    /// Time the search took, in milliseconds.
    pub took_ms: f64,
    /// The hits of this page.
    pub hits: Vec<Hit>,
    /// Facet counts.
    pub facets: FacetCounts,
}

/// Counts over the whole index.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Resolutions indexed.
    pub resolutions: u64,
    /// Recommendation items indexed.
    pub items: u64,
    /// Resolutions by region, year and topic.
    pub facets: FacetCounts,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_give_russian_messages_and_stable_codes() {
        let mut request = SearchRequest::query("x");
        request.per_page = 100_000;
        let error = request.validate().unwrap_err();
        assert_eq!(error.code(), "per_page_out_of_range");
        assert!(
            error
                .to_string()
                .contains("per_page должен быть от 1 до 100")
        );
        let long = SearchRequest::query("а".repeat(10_000));
        assert_eq!(long.validate().unwrap_err().code(), "query_too_long");
        let deep = SearchRequest {
            page: 600,
            ..SearchRequest::query("x")
        };
        assert_eq!(deep.validate().unwrap_err().code(), "page_out_of_range");
        assert!(SearchRequest::query("профориентация").validate().is_ok());
    }
}
