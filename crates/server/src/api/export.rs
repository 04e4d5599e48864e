//! `/api/trends` (hits counted by year, region or topic) and `/api/export` (every hit of a
//! search, up to [`EXPORT_CAP`], as CSV or JSON Lines).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use edusearch_search::{EXPORT_CAP, SearchFilters, TrendBy, Trends, write_csv, write_jsonl};

use crate::error::{ApiError, ErrorBody};
use crate::params::{Pairs, SEARCH_PARAMS};
use crate::state::AppState;
use edusearch_search::ErrorCode;

/// Search parameters that make no sense when every hit is counted or exported.
const PAGING_PARAMS: [&str; 2] = ["page", "per_page"];

/// The search parameters without paging, plus `extra`.
fn allowed_params(extra: &str) -> Vec<String> {
    SEARCH_PARAMS
        .iter()
        .filter(|name| !PAGING_PARAMS.contains(&name.as_str()))
        .cloned()
        .chain(std::iter::once(extra.to_string()))
        .collect()
}

/// Parameters of `/api/trends` besides the search filters ([`SearchFilters`]).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct TrendsParams {
    /// `year` (default), `region` or `topic`: what the buckets are.
    by: Option<TrendBy>,
    /// The query as typed (understood as by `/api/search`).
    q: Option<String>,
    /// `items` (default) or `resolutions`: what is counted.
    level: Option<edusearch_search::Level>,
    /// No layout or spelling correction.
    literal: Option<bool>,
}

/// Counts the hits of a search by year, region or topic: matching items and the distinct
/// resolutions they come from. Every filter of the search applies, the bucketed one too.
#[utoipa::path(
    get,
    path = "/api/trends",
    tag = "search",
    params(TrendsParams, SearchFilters),
    responses(
        (status = 200, description = "Buckets: years ascending, regions and topics most items first", body = Trends),
        (status = 400, description = "Invalid parameter (code: invalid_by and the codes of /api/search)", body = ErrorBody),
        (status = 503, description = "Timeout or index unavailable", body = ErrorBody),
    )
)]
pub async fn trends(State(state): State<AppState>, pairs: Pairs) -> Result<Json<Trends>, ApiError> {
    pairs.check_strict(&allowed_params("by"))?;
    let by = parse_by(pairs.get("by").unwrap_or_default())?;
    let request = without(&pairs, "by").search_request()?;
    let trends = state
        .run_heavy(move |engine| engine.trends(&request, by).map_err(ApiError::from))
        .await?;
    Ok(Json(trends))
}

/// `year`, `region` or `topic` (empty: year).
fn parse_by(value: &str) -> Result<TrendBy, ApiError> {
    match value.trim() {
        "" | "year" => Ok(TrendBy::Year),
        "region" => Ok(TrendBy::Region),
        "topic" => Ok(TrendBy::Topic),
        _ => Err(ApiError::bad_request(
            ErrorCode::InvalidBy,
            "Параметр by должен быть year, region или topic",
        )),
    }
}

/// Format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// CSV, UTF-8 with a byte-order mark, a header row.
    Csv,
    /// JSON Lines: one hit (as in `/api/search`) per line.
    Jsonl,
}

/// Parameters of `/api/export` besides the search filters ([`SearchFilters`]).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ExportParams {
    /// `csv` (default) or `jsonl`.
    format: Option<ExportFormat>,
    /// The query as typed (understood as by `/api/search`).
    q: Option<String>,
    /// `items` (default) or `resolutions`.
    level: Option<edusearch_search::Level>,
    /// `relevance` (default) or `date`.
    sort: Option<edusearch_search::Sort>,
    /// No layout or spelling correction.
    literal: Option<bool>,
}

/// Every hit of a search in its order, up to 5000, as a CSV or JSON Lines download. The
/// `X-Total-Count` header gives the number of hits in all; `X-Export-Truncated: true` says the
/// cap cut the list.
#[utoipa::path(
    get,
    path = "/api/export",
    tag = "search",
    params(ExportParams, SearchFilters),
    responses(
        (status = 200, description = "CSV (columns: Резолюция, Дата, Муниципалитет, Регион, Пункт, Адресат, Текст, Источник, Id резолюции, Ссылка) or JSON Lines", content(
            (String = "text/csv"),
            (String = "application/x-ndjson")
        )),
        (status = 400, description = "Invalid parameter (code: invalid_format and the codes of /api/search)", body = ErrorBody),
        (status = 503, description = "Timeout or index unavailable", body = ErrorBody),
    )
)]
pub async fn export(State(state): State<AppState>, pairs: Pairs) -> Result<Response, ApiError> {
    pairs.check_strict(&allowed_params("format"))?;
    let format = match pairs.get("format").unwrap_or_default().trim() {
        "" | "csv" => ExportFormat::Csv,
        "jsonl" | "ndjson" => ExportFormat::Jsonl,
        _ => {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidFormat,
                "Параметр format должен быть csv или jsonl",
            ));
        }
    };
    let request = without(&pairs, "format").search_request()?;
    let q = request.q.clone();
    let (export, body) = state
        .run_heavy(move |engine| {
            let export = engine
                .export(&request, EXPORT_CAP)
                .map_err(ApiError::from)?;
            let mut body = Vec::new();
            let written = match format {
                ExportFormat::Csv => {
                    write_csv(&mut body, &export.hits).map_err(|error| error.to_string())
                }
                ExportFormat::Jsonl => {
                    write_jsonl(&mut body, &export.hits).map_err(|error| error.to_string())
                }
            };
            if let Err(error) = written {
                tracing::error!(%error, "export failed");
                return Err(ApiError::internal());
            }
            Ok((export, body))
        })
        .await?;
    tracing::info!(q = ?q, total = export.total, exported = export.hits.len(), "export");
    let (content_type, extension) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        ExportFormat::Jsonl => ("application/x-ndjson", "jsonl"),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&q, extension)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert("x-total-count", HeaderValue::from(export.total));
    headers.insert(
        "x-export-truncated",
        HeaderValue::from_static(if export.truncated { "true" } else { "false" }),
    );
    Ok(response)
}

/// `attachment; filename="edusearch-export.csv"; filename*=UTF-8''edusearch-<query>.csv`: an
/// ASCII name for every client, the query in the name for those that read RFC 5987.
fn content_disposition(q: &str, extension: &str) -> String {
    let words: Vec<&str> = q.split_whitespace().collect();
    let slug: String = words.join("-").chars().take(60).collect();
    let mut value = format!("attachment; filename=\"edusearch-export.{extension}\"");
    if !slug.is_empty() {
        let mut encoded = String::new();
        for byte in slug.bytes() {
            if byte.is_ascii_alphanumeric() || b"-_.".contains(&byte) {
                encoded.push(char::from(byte));
            } else {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
        value.push_str(&format!(
            "; filename*=UTF-8''edusearch-{encoded}.{extension}"
        ));
    }
    value
}

/// The pairs without the parameter `name`.
fn without(pairs: &Pairs, name: &str) -> Pairs {
    Pairs(
        pairs
            .0
            .iter()
            .filter(|(key, _)| key != name)
            .cloned()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_is_ascii_with_the_query_encoded_beside_it() {
        let value = content_disposition("профориентация 2023", "csv");
        assert!(value.starts_with(
            "attachment; filename=\"edusearch-export.csv\"; filename*=UTF-8''edusearch-%D0%BF"
        ));
        assert!(value.ends_with("-2023.csv"), "{value}");
        assert!(value.is_ascii());
        assert_eq!(
            content_disposition(" ", "jsonl"),
            "attachment; filename=\"edusearch-export.jsonl\""
        );
    }
}
