//! HTML pages: the main text, without the page around it.
//!
//! The bytes are decoded (BOM, then `<meta charset>` / `http-equiv` / XML declaration, then
//! detection), parsed by `html5ever` into a small arena tree (see the crate docs for why), and
//! then:
//!
//! 1. Page furniture is marked as removed: `<script>`, `<style>`, `<nav>`, `<aside>`, forms,
//!    page-level `<header>`/`<footer>`, `<time>`, ARIA navigation roles, and elements whose
//!    class or id names share buttons, comments, subscriptions, breadcrumbs, dates of posting
//!    and the like (only when they hold a minor part of the page text, so a wrapper called
//!    `page-with-sidebar` cannot take the content with it).
//! 2. The main container is chosen: the `<article>`/`<main>` with the most text, or else the
//!    element reached by walking down from `<body>` while one child holds most of the text
//!    outside links (a readability-like density rule).
//! 3. It is rendered: blocks are paragraphs, `<li>` and `<tr>` lines (ordered lists numbered as
//!    a browser shows them), cells tab-separated, `<br>` a newline, `<pre>` kept as is. Short
//!    blocks that are only «Подписаться», «RSS», «Поделиться», comment counters or «Опубликовано
//!    …» lines are dropped.

use html5ever::parse_document;
use html5ever::tendril::TendrilSink;

use crate::{ExtractError, Limits, Raw, nesting, text};
use page::Page;
use tree::Sink;

mod page;
mod tree;

pub(crate) fn extract(bytes: &[u8], limits: &Limits) -> Result<Raw, ExtractError> {
    extract_declared(bytes, limits, None)
}

/// [`extract`] with the charset of the transport (an HTTP header), which comes before the
/// page's own declaration.
pub(crate) fn extract_declared(
    bytes: &[u8],
    limits: &Limits,
    transport: Option<&'static encoding_rs::Encoding>,
) -> Result<Raw, ExtractError> {
    let declared = transport.or_else(|| declared_charset(bytes));
    let decoded = text::decode_with_declared(bytes, declared)?;
    let mut warnings = decoded.warnings;
    let text = html_to_text(&decoded.text, limits, &mut warnings);
    Ok(Raw {
        text,
        encoding: Some(decoded.encoding),
        warnings,
    })
}

/// The text of an HTML document (already decoded).
pub(crate) fn html_to_text(html: &str, limits: &Limits, warnings: &mut Vec<String>) -> String {
    // Flattened below the limit (less a margin for the elements the parser adds), so that
    // the parser's time stays linear; `render` reports the depth.
    let flattened = nesting::flatten_deep(html, limits.max_html_depth.saturating_sub(8));
    let markup = flattened
        .as_ref()
        .map_or(html, |(markup, _)| markup.as_str());
    let sink = Sink::new();
    let tree = parse_document(sink, Default::default()).one(markup);
    let page = Page::new(tree);
    let deepest = flattened.map(|(_, deepest)| deepest);
    page.render(limits, deepest, warnings)
}

// ---------------------------------------------------------------------------------------------
// Charset declaration

/// The encoding a page declares in its first bytes: `<meta charset>`, `<meta http-equiv
/// content="…; charset=…">`, or an XML declaration.
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes[..bytes.len().min(8192)].to_ascii_lowercase();
    let mut search_from = 0;
    if head.starts_with(b"<?xml")
        && let Some(end) = head.iter().position(|&byte| byte == b'>')
        && let Some(label) = value_after(&head[..end], b"encoding")
    {
        return encoding_rs::Encoding::for_label(label);
    }
    while let Some(offset) = find(&head[search_from..], b"<meta") {
        let start = search_from + offset;
        let end = head[start..]
            .iter()
            .position(|&byte| byte == b'>')
            .map_or(head.len(), |end| start + end);
        if let Some(label) = value_after(&head[start..end], b"charset") {
            return encoding_rs::Encoding::for_label(label);
        }
        search_from = end;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The value after `name` `=` in a tag, quotes stripped.
fn value_after<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let at = find(tag, name)? + name.len();
    let rest = tag[at..].trim_ascii_start();
    let rest = rest.strip_prefix(b"=")?.trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let length = rest
        .iter()
        .position(|&byte| {
            !(byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b':' | b'.'))
        })
        .unwrap_or(rest.len());
    (length > 0).then_some(&rest[..length])
}

#[cfg(test)]
mod tests;
