//! Text out of any file a user feeds in: plain text in any encoding Russian files come in, HTML
//! pages, Word (`.docx`, `.doc`), OpenDocument (`.odt`), RTF and PDF with a text layer.
//!
//! ```
//! use edusearch_extract::{extract, Format, Limits};
//!
//! let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Резолюция августовского совещания");
//! let extracted = extract("resolution.txt", &bytes, &Limits::default()).unwrap();
//! assert_eq!(extracted.text, "Резолюция августовского совещания");
//! assert_eq!(extracted.format, Format::Text);
//! assert_eq!(extracted.encoding.as_deref(), Some("windows-1251"));
//! ```
//!
//! # The shape of the text
//!
//! Every format yields text of one shape, so that whatever parses resolutions sees the same thing
//! whatever the source: lines end with `\n`; paragraphs are separated by exactly one blank line;
//! lines inside a block (list items, table rows, `<br>`) by a single newline; table cells by a tab;
//! no line has leading or trailing whitespace; no control characters other than tab; no blank lines
//! at either end. Lines longer than [`Limits::max_line_chars`] are split (at a space when there is
//! one) and a warning says so.
//!
//! # Formats and the choices behind them
//!
//! * **Plain text** (`text.rs`): byte-order marks, UTF-16 without a mark (sniffed from the NUL
//!   pattern), UTF-8, and windows-1251 / KOI8-R / IBM866 told apart by a Russian-specific score
//!   before falling back to `chardetng`.
//! * **HTML** (`html.rs`): parsed with `html5ever`, the browser-grade parser of Servo, into a
//!   small arena tree of our own. Pages from school and municipal CMSs are rarely well-formed, and
//!   html5ever recovers from unclosed `<p>`/`<li>`, misnested tags and stray markup exactly as a
//!   browser does; it is pure Rust with a small tree (no C, no CSS selector engine, which
//!   `scraper` would add), decodes every named entity, and its tree builder keeps its stack on
//!   the heap, so deep nesting cannot overflow ours. `tl` is lighter but does not build the tree
//!   a browser would and is no longer actively maintained; `lol_html` streams and cannot find the
//!   densest container. The main content is the `<article>`/`<main>` element, or else the
//!   container with the most text outside links; navigation, scripts, forms, share and
//!   subscription widgets and posting dates are dropped.
//! * **DOCX / ODT** (`docx.rs`, `odt.rs`, `zip_container.rs`): `zip` (deflate only) and
//!   `quick-xml`. The archive directory is checked against the entry-count and uncompressed-size
//!   limits before anything is inflated, and every read is capped again while inflating, since
//!   the sizes in a directory can lie.
//! * **DOC** (`doc.rs`): Word 97–2003 via `cfb` and the piece table of the `WordDocument`
//!   stream: main-document text only, field codes dropped and field results kept. Word 6/95
//!   files are refused with advice to re-save.
//! * **RTF** (`rtf.rs`): a small hand-written reader: `\ansicpg` and per-font `\fcharset` code
//!   pages for `\'xx`, `\uN` with its fallback skipped, destinations skipped, list numbers kept.
//! * **PDF** (`pdf.rs`): `lopdf` to parse and decrypt, and our own walk over the content stream
//!   that follows the text matrix and glyph widths, so that lines, paragraphs and word gaps
//!   come out right, and uses the fonts' `ToUnicode` maps through lopdf. `pdf-extract` would do the layout for us but nearly
//!   doubles the dependency tree and pins an old lopdf; it is also known to panic on odd files.
//!   Every PDF call runs under `catch_unwind` all the same.
//!
//! The format comes from the file extension, but the content has the last word for containers:
//! a `.doc` that is really RTF, HTML or DOCX (common on the web) is read as what it is, with a
//! warning.

mod doc;
mod docx;
mod error;
mod html;
mod layout;
mod nesting;
mod odt;
mod pdf;
mod rtf;
mod text;
mod xml;
mod zip_container;

pub use error::ExtractError;

/// Caps that keep hostile or broken files from exhausting memory or time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes (default 50 MB).
    pub max_file_bytes: u64,
    /// Largest total uncompressed size of a ZIP container (DOCX, ODT), in bytes (default 200 MB).
    pub max_uncompressed_bytes: u64,
    /// Most entries a ZIP container may have (default 10 000).
    pub max_zip_entries: usize,
    /// Deepest HTML element nesting kept as structure; deeper content is flattened (default 512).
    pub max_html_depth: usize,
    /// Longest line kept whole, in characters; longer lines are split (default 100 000).
    pub max_line_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 50 * 1024 * 1024,
            max_uncompressed_bytes: 200 * 1024 * 1024,
            max_zip_entries: 10_000,
            max_html_depth: 512,
            max_line_chars: 100_000,
        }
    }
}

/// A file format this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Plain text in any supported encoding.
    Text,
    /// An HTML page.
    Html,
    /// Word 2007+ (Office Open XML).
    Docx,
    /// Word 97–2003 binary.
    Doc,
    /// OpenDocument text.
    Odt,
    /// Rich Text Format.
    Rtf,
    /// PDF with a text layer.
    Pdf,
}

impl Format {
    /// Every format, in the order of [`supported_extensions`].
    pub const ALL: [Format; 7] = [
        Format::Text,
        Format::Html,
        Format::Docx,
        Format::Doc,
        Format::Odt,
        Format::Rtf,
        Format::Pdf,
    ];

    /// Short lowercase name ("text", "html", "docx", …).
    pub fn name(&self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Doc => "doc",
            Format::Odt => "odt",
            Format::Rtf => "rtf",
            Format::Pdf => "pdf",
        }
    }

    /// File extensions (lowercase, no dot) read as this format.
    pub fn extensions(&self) -> &'static [&'static str] {
        match self {
            Format::Text => &["txt", "text"],
            Format::Html => &["html", "htm", "xhtml"],
            Format::Docx => &["docx"],
            Format::Doc => &["doc"],
            Format::Odt => &["odt"],
            Format::Rtf => &["rtf"],
            Format::Pdf => &["pdf"],
        }
    }

    /// The format a file extension (any case, no dot) stands for.
    pub fn from_extension(extension: &str) -> Option<Format> {
        let extension = extension.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|format| format.extensions().contains(&extension.as_str()))
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Text extracted from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The text, in the shape described in the crate docs.
    pub text: String,
    /// The format the file was read as (the content may overrule the extension).
    pub format: Format,
    /// The character encoding of text-like formats ("UTF-8", "windows-1251", "KOI8-R",
    /// "UTF-16LE", …): detected or declared for text and HTML, the declared `\ansicpg` for RTF;
    /// `None` for DOCX, ODT, DOC and PDF, which carry Unicode themselves.
    pub encoding: Option<String>,
    /// Things the caller may want to tell the user: replaced bytes, split lines, flattened
    /// nesting, a format that did not match the extension.
    pub warnings: Vec<String>,
}

/// Every supported file extension, lowercase, without the dot.
pub fn supported_extensions() -> &'static [&'static str] {
    &[
        "txt", "text", "html", "htm", "xhtml", "docx", "doc", "odt", "rtf", "pdf",
    ]
}

/// What a reader hands back before the common normalisation.
pub(crate) struct Raw {
    pub(crate) text: String,
    pub(crate) encoding: Option<&'static encoding_rs::Encoding>,
    pub(crate) warnings: Vec<String>,
}

impl Raw {
    pub(crate) fn new(text: String) -> Self {
        Raw {
            text,
            encoding: None,
            warnings: Vec::new(),
        }
    }
}

/// Extracts the text of one file; `file_name` gives the format by its extension.
///
/// Never panics, whatever the bytes; every failure is an [`ExtractError`] about the input.
pub fn extract(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    extract_with_charset(file_name, bytes, limits, None)
}

/// [`extract`] for a file whose charset is known from outside it, such as the `Content-Type`
/// header a page was served with (`edusearch fetch` keeps it): for HTML and plain text it
/// comes before `<meta charset>` and detection, as in a browser (a byte-order mark still wins,
/// and a UTF-8 claim the bytes contradict is still overruled). An unknown label is ignored.
pub fn extract_with_charset(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
    charset: Option<&str>,
) -> Result<Extracted, ExtractError> {
    let transport =
        charset.and_then(|label| encoding_rs::Encoding::for_label(label.trim().as_bytes()));
    let extension = extension_of(file_name);
    let Some(claimed) = Format::from_extension(&extension) else {
        return Err(ExtractError::Unsupported {
            extension,
            supported: supported_list(),
        });
    };
    if bytes.is_empty() {
        return Err(ExtractError::Empty);
    }
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(ExtractError::TooLarge {
            size,
            limit: limits.max_file_bytes,
        });
    }
    let mut warnings = Vec::new();
    let format = match sniff(bytes, claimed, limits) {
        Some(actual) if actual != claimed => {
            warnings.push(format!(
                "file named .{extension} is really {}; read as {}",
                actual.name(),
                actual.name()
            ));
            actual
        }
        _ => claimed,
    };
    // A safety net: the readers are written not to panic (and are fuzzed for it), but a panic
    // on one user's file must not take a server or a whole indexing run down.
    let raw = std::panic::catch_unwind(|| read(format, bytes, limits, transport))
        .unwrap_or_else(|_| Err(ExtractError::corrupt(format, READER_PANICKED)))?;
    warnings.extend(raw.warnings);
    let text = layout::normalize(&raw.text, limits.max_line_chars, &mut warnings);
    if text.is_empty() {
        return Err(match format {
            Format::Pdf => ExtractError::ScannedPdf,
            _ => ExtractError::NoText,
        });
    }
    Ok(Extracted {
        text,
        format,
        encoding: raw.encoding.map(|encoding| encoding.name().to_owned()),
        warnings,
    })
}

/// The reason given when a reader panicked; tests look for it.
const READER_PANICKED: &str =
    "the reader failed on this file (a bug in edusearch-extract; please report it)";

fn read(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
    transport: Option<&'static encoding_rs::Encoding>,
) -> Result<Raw, ExtractError> {
    match format {
        Format::Text if transport.is_some() => {
            text::decode_with_declared(bytes, transport).map(|decoded| Raw {
                text: decoded.text,
                encoding: Some(decoded.encoding),
                warnings: decoded.warnings,
            })
        }
        Format::Html if transport.is_some() => html::extract_declared(bytes, limits, transport),
        Format::Text => text::decode_text(bytes).map(|decoded| Raw {
            text: decoded.text,
            encoding: Some(decoded.encoding),
            warnings: decoded.warnings,
        }),
        Format::Html => html::extract(bytes, limits),
        Format::Docx => docx::extract(bytes, limits),
        Format::Odt => odt::extract(bytes, limits),
        Format::Doc => doc::extract(bytes),
        Format::Rtf => rtf::extract(bytes),
        Format::Pdf => pdf::extract(bytes),
    }
}

/// The lowercase extension of a file name (a path is fine), empty when there is none.
fn extension_of(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => extension.to_ascii_lowercase(),
        _ => String::new(),
    }
}

fn supported_list() -> String {
    supported_extensions()
        .iter()
        .map(|extension| format!(".{extension}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The format the content shows, for containers whose signature is unmistakable.
///
/// Plain text and HTML claims are only overruled by binary container signatures; a `.doc` is
/// also checked for RTF and HTML, which many sites serve under that name.
fn sniff(bytes: &[u8], claimed: Format, limits: &Limits) -> Option<Format> {
    if bytes.starts_with(b"%PDF-") {
        return Some(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_container::sniff_office(bytes, limits).or(match claimed {
            Format::Docx | Format::Odt => Some(claimed),
            _ => None,
        });
    }
    if bytes.starts_with(&doc::CFB_SIGNATURE) {
        return Some(if claimed == Format::Docx {
            // An encrypted DOCX is a compound file; let the DOCX reader say so.
            Format::Docx
        } else {
            Format::Doc
        });
    }
    let head = &bytes[..bytes.len().min(1024)];
    let trimmed = trim_ascii_start_and_bom(head);
    if trimmed.starts_with(b"{\\rtf") {
        return Some(Format::Rtf);
    }
    if matches!(
        claimed,
        Format::Doc | Format::Docx | Format::Odt | Format::Rtf
    ) && looks_like_html(trimmed)
    {
        return Some(Format::Html);
    }
    None
}

fn trim_ascii_start_and_bom(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.trim_ascii_start()
}

fn looks_like_html(head: &[u8]) -> bool {
    let lower = head.to_ascii_lowercase();
    [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<meta",
    ]
    .iter()
    .any(|signature| lower.starts_with(signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_case_insensitive_and_paths_are_fine() {
        assert_eq!(extension_of("C:\\docs\\Резолюция.DOCX"), "docx");
        assert_eq!(extension_of("/a.b/file"), "");
        assert_eq!(extension_of(".bashrc"), "");
        assert_eq!(Format::from_extension("HTM"), Some(Format::Html));
    }

    #[test]
    fn every_format_lists_its_extensions_in_the_supported_list() {
        let from_formats: Vec<&str> = Format::ALL
            .iter()
            .flat_map(|format| format.extensions().iter().copied())
            .collect();
        assert_eq!(from_formats, supported_extensions());
    }

    #[test]
    fn a_charset_from_outside_comes_before_the_page_and_detection() {
        let page = "<html><body><article><p>Резолюция августовского совещания педагогов</p></article></body></html>";
        let (koi8, _, _) = encoding_rs::KOI8_R.encode(page);
        let extracted =
            extract_with_charset("page.html", &koi8, &Limits::default(), Some("KOI8-R")).unwrap();
        assert_eq!(
            extracted.text,
            "Резолюция августовского совещания педагогов"
        );
        assert_eq!(extracted.encoding.as_deref(), Some("KOI8-R"));
        // A header that contradicts a UTF-8 page is overruled; an unknown label is ignored.
        for label in ["utf-8", "no-such-charset"] {
            let extracted = extract_with_charset(
                "page.html",
                page.as_bytes(),
                &Limits::default(),
                Some(label),
            )
            .unwrap();
            assert_eq!(
                extracted.text,
                "Резолюция августовского совещания педагогов"
            );
        }
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("Резолюция совещания");
        let text = extract_with_charset("r.txt", &cp1251, &Limits::default(), Some("windows-1251"))
            .unwrap();
        assert_eq!(text.text, "Резолюция совещания");
    }

    #[test]
    fn unsupported_message_lists_the_formats() {
        let error = extract("table.xls", b"x", &Limits::default()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unsupported format .xls; supported: .txt, .text, .html, .htm, .xhtml, .docx, .doc, .odt, .rtf, .pdf"
        );
    }
}
