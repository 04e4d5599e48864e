//! `GET /static/{file}` and `GET /favicon.ico`.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::assets::{APP_JS, FAVICON_SVG, STYLE_CSS};
use super::render::not_found_page;

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
