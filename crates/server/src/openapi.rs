//! The OpenAPI description, generated from the handlers' types.

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
        crate::api::search,
        crate::api::resolution,
        crate::similar::similar_resolutions,
        crate::similar::similar_items,
        crate::api::facets,
        crate::beyond::trends,
        crate::beyond::export,
        crate::api::health,
        crate::api::openapi_json,
        crate::admin::reindex
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
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
