//! The stylesheet, script and icon, embedded in the binary, and their versioned URLs.

use std::sync::LazyLock;

pub(crate) const STYLE_CSS: &str = include_str!("../../../../web/static/style.css");

pub(crate) const APP_JS: &str = include_str!("../../../../web/static/app.js");

pub(crate) const FAVICON_SVG: &str = include_str!("../../../../web/static/favicon.svg");

/// Versioned asset URLs: the content hash changes the URL, so assets can be cached for good.
pub(crate) struct Assets {
    /// The stylesheet's URL.
    pub(crate) css: String,
    /// The script's URL.
    pub(crate) js: String,
}

pub(crate) static ASSETS: LazyLock<Assets> = LazyLock::new(|| Assets {
    css: format!("/static/style.css?v={:08x}", fnv1a(STYLE_CSS.as_bytes())),
    js: format!("/static/app.js?v={:08x}", fnv1a(APP_JS.as_bytes())),
});

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(*byte)).wrapping_mul(0x0100_0193)
    })
}
