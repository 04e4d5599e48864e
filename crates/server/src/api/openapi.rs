//! The OpenAPI description, generated from the handlers' types.

use axum::Json;
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "edusearch",
        description = "Полнотекстовый поиск по резолюциям августовских совещаний и конференций. \
            Errors have the shape {\"error\": {\"code\": \"…\", \"message\": \"…\"}} with a stable \
            code and a Russian message. Limits: query ≤ 1000 characters, per_page 1–100, \
            page × per_page ≤ 10000, request timeout 10 s."
    ),
    paths(
        super::search::search,
        super::resolutions::resolution,
        super::similar::similar_resolutions,
        super::similar::similar_items,
        super::search::facets,
        super::export::trends,
        super::export::export,
        super::health::health,
        openapi_json,
        super::admin::reindex
    ),
    components(schemas(
        crate::error::ErrorBody,
        crate::error::ErrorDetail,
        edusearch_search::ErrorCode
    )),
    tags(
        (name = "search", description = "Поиск и фасеты"),
        (name = "resolutions", description = "Резолюции целиком"),
        (name = "service", description = "Состояние сервиса"),
        (name = "admin", description = "Обслуживание индекса (нужен токен)")
    )
)]
struct ApiDoc;

/// The OpenAPI 3 document of the JSON API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The OpenAPI description of this API.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "service",
    responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Response {
    Json(openapi()).into_response()
}
