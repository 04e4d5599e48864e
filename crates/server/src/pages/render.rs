//! Rendering a template into a response, and the HTML error pages (the middleware answers
//! with them outside `/api`).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::assets::ASSETS;
use super::views::ErrorPage;
use crate::error::ApiError;

pub(crate) fn html_response(status: StatusCode, template: &impl Template) -> Response {
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
