//! The documents a page links to (`--attachments`): «Резолюция … (скачать .docx)».

use url::Url;

use crate::paths::{ATTACHMENT_EXTENSIONS, url_extension};

/// Words in a link's URL that mark a download whose name has no extension
/// (`/download.php?id=5`, `/getfile/123`); the content type then decides.
const DOWNLOAD_MARKERS: [&str; 4] = ["download", "getfile", "attachment", "file.php"];

/// The links of an HTML page (`<a href>`, resolved against `base`) that point to a document
/// on the same host, by extension or by a download-like URL, each once, in page order.
pub fn attachment_links(html: &[u8], base: &Url) -> Vec<Url> {
    let mut found: Vec<Url> = Vec::new();
    for href in hrefs(html) {
        let Ok(mut url) = base.join(&href) else {
            continue;
        };
        url.set_fragment(None);
        if !matches!(url.scheme(), "http" | "https") || url.host_str() != base.host_str() {
            continue;
        }
        let by_extension = url_extension(&url)
            .is_some_and(|extension| ATTACHMENT_EXTENSIONS.contains(&extension.as_str()));
        let lowercase = url.as_str().to_ascii_lowercase();
        let by_marker = DOWNLOAD_MARKERS
            .iter()
            .any(|marker| lowercase.contains(marker));
        if (by_extension || by_marker) && url != *base && !found.contains(&url) {
            found.push(url);
        }
    }
    found
}

/// The `href` values of `<a>` elements, entity `&amp;` decoded. A byte scan rather than a
/// parse: the values are ASCII or percent-encoded in practice, whatever the page's charset,
/// and a page that fools it only loses an attachment.
fn hrefs(html: &[u8]) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut values = Vec::new();
    let mut position = 0;
    while let Some(offset) = find(&lower[position..], b"<a") {
        let start = position + offset + 2;
        position = start;
        if !lower
            .get(start)
            .is_some_and(|byte| byte.is_ascii_whitespace())
        {
            continue;
        }
        let end = find(&lower[start..], b">").map_or(lower.len(), |end| start + end);
        let tag = &lower[start..end];
        let Some(at) = attribute_start(tag, b"href") else {
            continue;
        };
        let rest = &html[start + at..end];
        let value = match rest.first() {
            Some(quote @ (b'"' | b'\'')) => {
                let inner = &rest[1..];
                let close = inner
                    .iter()
                    .position(|byte| byte == quote)
                    .unwrap_or(inner.len());
                &inner[..close]
            }
            _ => {
                let close = rest
                    .iter()
                    .position(|byte| byte.is_ascii_whitespace())
                    .unwrap_or(rest.len());
                &rest[..close]
            }
        };
        let value = String::from_utf8_lossy(value).trim().replace("&amp;", "&");
        if !value.is_empty() {
            values.push(value);
        }
        position = end;
    }
    values
}

/// Where the value of `name=` starts inside a lowercased tag.
fn attribute_start(tag: &[u8], name: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(offset) = find(&tag[from..], name) {
        let at = from + offset;
        from = at + name.len();
        let preceded = at == 0 || tag[at - 1].is_ascii_whitespace();
        let mut cursor = at + name.len();
        while tag.get(cursor).is_some_and(u8::is_ascii_whitespace) {
            cursor += 1;
        }
        if preceded && tag.get(cursor) == Some(&b'=') {
            cursor += 1;
            while tag.get(cursor).is_some_and(u8::is_ascii_whitespace) {
                cursor += 1;
            }
            return Some(cursor);
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_on_the_same_site_are_attachments() {
        let base = Url::parse("https://uo.example.ru/news/rezolyuciya").unwrap();
        let page = r#"<html><body>
            <a href="/">Main</a> <a class="x" href='/files/rez.docx'>(скачать .docx)</a>
            <a HREF=../files/rez.pdf>PDF</a> <a href="https://other.ru/a.pdf">elsewhere</a>
            <a href="/download.php?id=5&amp;t=1">file</a> <a href="/files/rez.docx#top">again</a>
            <a href="/photo.jpg">photo</a> <area href="/map.pdf"> <abbr href="/x.pdf">
            <a name="anchor">no href</a>
        </body></html>"#;
        let links: Vec<String> = attachment_links(page.as_bytes(), &base)
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(
            links,
            [
                "https://uo.example.ru/files/rez.docx",
                "https://uo.example.ru/files/rez.pdf",
                "https://uo.example.ru/download.php?id=5&t=1",
            ]
        );
    }
}
