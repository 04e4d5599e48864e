//! The server-rendered pages (askama templates in `web/templates`) and the static assets, one
//! file per concern: `views` holds the data the templates render, `search` and `resolution`
//! build it, `urls` builds the links, `render` turns a template into a response.

mod assets;
mod chips;
mod facets;
mod format;
mod hits;
mod insights;
mod notices;
mod render;
mod resolution;
mod search;
mod similar;
mod statics;
mod urls;
mod views;

pub use render::{error_page, not_found_page};
pub use resolution::{resolution_page, resolution_source};
pub use search::search_page;
pub use statics::{favicon, static_file};
