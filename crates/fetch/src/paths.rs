//! Where a download goes in the corpus, and which responses are documents at all.

use sha2::{Digest, Sha256};
use url::Url;

/// Folder of the corpus that holds downloads, one subfolder per host.
pub const WEB_FOLDER: &str = "web";

/// Extensions of the files `index` reads (as `edusearch-extract` knows them).
pub const DOCUMENT_EXTENSIONS: [&str; 10] = [
    "html", "htm", "xhtml", "txt", "text", "pdf", "docx", "doc", "odt", "rtf",
];

/// Extensions of attachments followed from a page (`--attachments`): documents, not pages.
pub const ATTACHMENT_EXTENSIONS: [&str; 6] = ["pdf", "docx", "doc", "odt", "rtf", "txt"];

/// The extension a MIME type is saved under, for the types `index` reads.
pub fn extension_for_mime(mime: &str) -> Option<&'static str> {
    Some(match mime {
        "text/html" | "application/xhtml+xml" => "html",
        "text/plain" => "txt",
        "application/pdf" => "pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/msword" => "doc",
        "application/rtf" | "text/rtf" => "rtf",
        "application/vnd.oasis.opendocument.text" => "odt",
        _ => return None,
    })
}

/// The MIME type of a `Content-Type` header value, lowercase, without parameters.
pub fn mime_of(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The `charset` parameter of a `Content-Type` header value, lowercase, unquoted.
pub fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
            .filter(|value| !value.is_empty())
    })
}

/// The lowercase extension of the last path segment of a URL, if it has one.
pub fn url_extension(url: &Url) -> Option<String> {
    let last = url.path_segments()?.next_back()?;
    let (stem, extension) = last.rsplit_once('.')?;
    (!stem.is_empty() && !extension.is_empty()).then(|| extension.to_ascii_lowercase())
}

/// The extension a response is saved under: the URL's own when `index` reads it, else the one
/// of its content type; `None` when it is no document `index` reads.
pub fn saved_extension(url: &Url, mime: &str) -> Option<String> {
    let by_type = extension_for_mime(mime);
    match url_extension(url) {
        Some(extension) if DOCUMENT_EXTENSIONS.contains(&extension.as_str()) => {
            // A page served for a missing document (`/r.pdf` answering with HTML) is kept as
            // what it is; anything else trusts the name (servers say octet-stream a lot).
            match by_type {
                Some("html") if !matches!(extension.as_str(), "html" | "htm" | "xhtml") => {
                    Some("html".to_string())
                }
                _ => Some(extension),
            }
        }
        _ => by_type.map(str::to_string),
    }
}

/// The corpus-relative path (`/`-separated) for a download: `web/<host>[_port]/<path>`, each
/// segment made safe for a file system, a page with no file name saved as `index`, a query
/// kept as a short hash, and `extension` on the file name.
pub fn corpus_path(url: &Url, extension: &str) -> String {
    let host = url.host_str().unwrap_or("unknown-host");
    let host = match url.port() {
        Some(port) => format!("{host}_{port}"),
        None => host.to_string(),
    };
    let mut segments: Vec<String> = url
        .path_segments()
        .map(|segments| {
            segments
                .filter(|segment| !segment.is_empty())
                .map(safe_segment)
                .collect()
        })
        .unwrap_or_default();
    let ends_in_folder = url.path().ends_with('/');
    if segments.is_empty() || ends_in_folder {
        segments.push("index".to_string());
    }
    let mut name = segments.pop().expect("a file name was pushed");
    let mut stem = match name.rsplit_once('.') {
        Some((stem, own)) if !stem.is_empty() && own.eq_ignore_ascii_case(extension) => {
            stem.to_string()
        }
        _ => name.clone(),
    };
    if let Some(query) = url.query() {
        let digest = Sha256::digest(query.as_bytes());
        let short: String = digest[..4]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        stem = format!("{stem}_{short}");
    }
    name = format!("{stem}.{extension}");
    let mut path = vec![WEB_FOLDER.to_string(), safe_segment(&host)];
    path.extend(segments);
    path.push(name);
    path.join("/")
}

/// A path segment as a file name: percent-decoded, characters that are unsafe on some file
/// system replaced by `_`, no leading dot (hidden files are not indexed), at most 100 chars.
fn safe_segment(segment: &str) -> String {
    let decoded = percent_decode(segment);
    let mut safe: String = decoded
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(100)
        .collect();
    if safe.starts_with('.') {
        safe.replace_range(0..1, "_");
    }
    if safe.is_empty() {
        safe.push('_');
    }
    safe
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| char::from(bytes[at]).to_digit(16);
        if bytes[index] == b'%'
            && index + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(index + 1), hex(index + 2))
        {
            out.push((high * 16 + low) as u8);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(url: &str, mime: &str) -> String {
        let url = Url::parse(url).unwrap();
        corpus_path(&url, &saved_extension(&url, &mime_of(mime)).unwrap())
    }

    #[test]
    fn urls_become_paths_under_web_and_their_host() {
        assert_eq!(
            path("https://uo.example.ru/news/123", "text/html"),
            "web/uo.example.ru/news/123.html"
        );
        assert_eq!(
            path("https://uo.example.ru/", "text/html"),
            "web/uo.example.ru/index.html"
        );
        assert_eq!(
            path(
                "http://127.0.0.1:8080/files/res.DOCX",
                "application/octet-stream"
            ),
            "web/127.0.0.1_8080/files/res.docx"
        );
        assert_eq!(
            path(
                "https://uo.example.ru/%D0%A0%D0%B5%D0%B7.pdf",
                "application/pdf"
            ),
            "web/uo.example.ru/Рез.pdf"
        );
        let with_query = path("https://uo.example.ru/download.php?id=5", "application/pdf");
        assert!(
            with_query.starts_with("web/uo.example.ru/download.php_")
                && with_query.ends_with(".pdf"),
            "{with_query}"
        );
        assert_ne!(
            with_query,
            path("https://uo.example.ru/download.php?id=6", "application/pdf")
        );
        assert_eq!(
            path("https://uo.example.ru/.hidden/..", "text/html"),
            "web/uo.example.ru/index.html"
        );
        assert_eq!(
            path("https://uo.example.ru/.env.txt", "text/plain"),
            "web/uo.example.ru/_env.txt"
        );
        assert_eq!(
            path(
                "https://uo.example.ru/missing.pdf",
                "text/html; charset=utf-8"
            ),
            "web/uo.example.ru/missing.pdf.html"
        );
    }

    #[test]
    fn content_types_tell_documents_and_charsets() {
        assert_eq!(mime_of("Text/HTML; charset=windows-1251"), "text/html");
        assert_eq!(
            charset_of("text/html; Charset=\"Windows-1251\"").as_deref(),
            Some("windows-1251")
        );
        assert_eq!(charset_of("text/html"), None);
        let url = Url::parse("https://uo.example.ru/page").unwrap();
        assert_eq!(saved_extension(&url, "image/png"), None);
        assert_eq!(
            saved_extension(&url, "application/msword").as_deref(),
            Some("doc")
        );
    }
}
