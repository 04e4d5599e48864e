//! The seed resolution produced in every supported format must come back with the same words.

use edusearch_extract::{Extracted, Format, Limits, extract};
use encoding_rs::{KOI8_R, UTF_8, WINDOWS_1251};

use crate::fixtures::{self, PdfWords, SEED, words};

fn read(file_name: &str, bytes: &[u8]) -> Extracted {
    extract(file_name, bytes, &Limits::default())
        .unwrap_or_else(|error| panic!("{file_name}: {error}"))
}

/// Asserts that an extraction has exactly the seed's words, showing the first difference.
fn assert_seed_words(file_name: &str, extracted: &Extracted, expected: &str) {
    let got = words(&extracted.text);
    let want = words(expected);
    if got != want {
        let at = got
            .iter()
            .zip(&want)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(want.len()));
        panic!(
            "{file_name}: words differ at {at}: got {:?}, want {:?}\n--- text ---\n{}",
            &got[at..(at + 8).min(got.len())],
            &want[at..(at + 8).min(want.len())],
            extracted.text
        );
    }
}

#[test]
fn plain_text_in_every_encoding() {
    let koi8_seed = fixtures::seed_for_koi8();
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("utf8.txt", SEED.as_bytes().to_vec(), SEED, "UTF-8"),
        ("utf8-bom.txt", fixtures::utf8_with_bom(SEED), SEED, "UTF-8"),
        (
            "cp1251.txt",
            fixtures::encode(WINDOWS_1251, SEED),
            SEED,
            "windows-1251",
        ),
        (
            "koi8.txt",
            fixtures::encode(KOI8_R, &koi8_seed),
            &koi8_seed,
            "KOI8-R",
        ),
        (
            "utf16le.txt",
            fixtures::utf16(SEED, true, true),
            SEED,
            "UTF-16LE",
        ),
        (
            "utf16be.txt",
            fixtures::utf16(SEED, false, true),
            SEED,
            "UTF-16BE",
        ),
        (
            "utf16le-nobom.TXT",
            fixtures::utf16(SEED, true, false),
            SEED,
            "UTF-16LE",
        ),
        (
            "utf16be-nobom.text",
            fixtures::utf16(SEED, false, false),
            SEED,
            "UTF-16BE",
        ),
    ];
    for (name, bytes, expected, encoding) in cases {
        let extracted = read(name, &bytes);
        assert_eq!(extracted.format, Format::Text, "{name}");
        assert_eq!(extracted.encoding.as_deref(), Some(encoding), "{name}");
        assert!(
            extracted.warnings.is_empty(),
            "{name}: {:?}",
            extracted.warnings
        );
        assert_seed_words(name, &extracted, expected);
    }
}

#[test]
fn plain_text_keeps_the_paragraph_layout_of_the_seed() {
    let extracted = read("seed.txt", SEED.as_bytes());
    assert_eq!(extracted.text, SEED.trim());
}

#[test]
fn short_legacy_texts_are_detected() {
    for phrase in [
        "Решение совещания",
        "г. Краснодар",
        "Рекомендовано: принять к сведению",
    ] {
        let extracted = read("a.txt", &fixtures::encode(KOI8_R, phrase));
        assert_eq!(
            (extracted.text.as_str(), extracted.encoding.as_deref()),
            (phrase, Some("KOI8-R"))
        );
        let extracted = read("a.txt", &fixtures::encode(WINDOWS_1251, phrase));
        assert_eq!(
            (extracted.text.as_str(), extracted.encoding.as_deref()),
            (phrase, Some("windows-1251"))
        );
    }
}

#[test]
fn html_page_gives_only_the_resolution() {
    for with_article in [true, false] {
        let page = fixtures::html_page("utf-8", with_article);
        let extracted = read("page.html", page.as_bytes());
        assert_eq!(extracted.format, Format::Html);
        assert_eq!(extracted.encoding.as_deref(), Some("UTF-8"));
        assert_seed_words(
            &format!("page.html (article: {with_article})"),
            &extracted,
            SEED,
        );
        // Paragraphs stay paragraphs.
        assert!(
            extracted.text.contains("РЕЗОЛЮЦИЯ\n\nмежрегиональной"),
            "{}",
            extracted.text
        );
    }
}

#[test]
fn html_page_in_windows_1251_with_meta_charset() {
    let page = fixtures::html_page("windows-1251", true);
    let bytes = fixtures::encode(WINDOWS_1251, &page);
    let extracted = read("page.htm", &bytes);
    assert_eq!(extracted.encoding.as_deref(), Some("windows-1251"));
    assert_seed_words("page.htm", &extracted, SEED);
}

#[test]
fn html_page_in_windows_1251_without_declaration_is_detected() {
    let page = fixtures::html_page("", true).replace("<meta charset=\"\">", "");
    let bytes = fixtures::encode(WINDOWS_1251, &page);
    let extracted = read("page.xhtml", &bytes);
    assert_eq!(extracted.encoding.as_deref(), Some("windows-1251"));
    assert_seed_words("page.xhtml", &extracted, SEED);
}

#[test]
fn html_declared_utf8_but_really_1251_is_detected_with_a_warning() {
    let page = fixtures::html_page("utf-8", true);
    let bytes = fixtures::encode(WINDOWS_1251, &page);
    let extracted = read("page.html", &bytes);
    assert_eq!(extracted.encoding.as_deref(), Some("windows-1251"));
    assert_eq!(extracted.warnings.len(), 1, "{:?}", extracted.warnings);
    assert_seed_words("page.html", &extracted, SEED);
}

#[test]
fn docx() {
    let extracted = read("resolution.docx", &fixtures::docx(SEED));
    assert_eq!(
        (extracted.format, extracted.encoding.as_deref()),
        (Format::Docx, None)
    );
    assert_seed_words("resolution.docx", &extracted, SEED);
    assert_eq!(
        extracted.text,
        SEED.trim(),
        "empty paragraphs give the seed's blank lines"
    );
}

#[test]
fn odt() {
    let extracted = read("resolution.odt", &fixtures::odt(SEED));
    assert_eq!(extracted.format, Format::Odt);
    assert_seed_words("resolution.odt", &extracted, SEED);
    assert_eq!(extracted.text, SEED.trim());
}

#[test]
fn rtf_in_code_page_1251() {
    let extracted = read("resolution.rtf", &fixtures::rtf(SEED));
    assert_eq!(extracted.format, Format::Rtf);
    assert_eq!(extracted.encoding.as_deref(), Some("windows-1251"));
    assert_seed_words("resolution.rtf", &extracted, SEED);
    assert_eq!(extracted.text, SEED.trim());
}

#[test]
fn doc_word_97() {
    let extracted = read("resolution.doc", &fixtures::doc(SEED));
    assert_eq!(extracted.format, Format::Doc);
    assert_seed_words("resolution.doc", &extracted, SEED);
    assert_eq!(extracted.text, SEED.trim());
}

#[test]
fn pdf_with_cyrillic_text_layer() {
    for words in [PdfWords::SpaceCharacters, PdfWords::Kerning] {
        let bytes = fixtures::pdf(SEED, words);
        let extracted = read("resolution.pdf", &bytes);
        assert_eq!(extracted.format, Format::Pdf);
        assert!(extracted.warnings.is_empty(), "{:?}", extracted.warnings);
        assert_seed_words(&format!("resolution.pdf ({words:?})"), &extracted, SEED);
        // Blank lines of the source become paragraph breaks, wrapped lines stay lines.
        assert!(
            extracted
                .text
                .starts_with("РЕЗОЛЮЦИЯ\n\nмежрегиональной конференции"),
            "{}",
            extracted.text
        );
    }
}

#[test]
fn pdf_with_latin_text_layer() {
    let bytes = fixtures::latin_pdf(
        &[
            "Resolution of the August conference",
            "1. Recommend (all) schools",
        ],
        None,
    );
    let extracted = read("latin.pdf", &bytes);
    assert_eq!(
        extracted.text,
        "Resolution of the August conference\n1. Recommend (all) schools"
    );
}

#[test]
fn pdf_encrypted_without_a_user_password_opens() {
    let bytes = fixtures::latin_pdf(&["Owner password only"], Some(""));
    assert_eq!(read("owner.pdf", &bytes).text, "Owner password only");
}

#[test]
fn every_format_gives_the_same_words() {
    let reference = words(SEED);
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("a.txt", fixtures::encode(WINDOWS_1251, SEED)),
        ("a.html", fixtures::html_page("utf-8", true).into_bytes()),
        ("a.docx", fixtures::docx(SEED)),
        ("a.odt", fixtures::odt(SEED)),
        ("a.rtf", fixtures::rtf(SEED)),
        ("a.doc", fixtures::doc(SEED)),
        ("a.pdf", fixtures::pdf(SEED, PdfWords::SpaceCharacters)),
    ];
    for (name, bytes) in files {
        assert_eq!(words(&read(name, &bytes).text), reference, "{name}");
    }
}

#[test]
fn content_overrules_a_wrong_extension() {
    let extracted = read("resolution.doc", &fixtures::rtf(SEED));
    assert_eq!(extracted.format, Format::Rtf);
    assert_eq!(
        extracted.warnings,
        ["file named .doc is really rtf; read as rtf"]
    );
    let extracted = read("resolution.doc", &fixtures::docx(SEED));
    assert_eq!(extracted.format, Format::Docx);
    let extracted = read("resolution.docx", &fixtures::odt(SEED));
    assert_eq!(extracted.format, Format::Odt);
    let extracted = read(
        "resolution.doc",
        fixtures::html_page("utf-8", true).as_bytes(),
    );
    assert_eq!(extracted.format, Format::Html);
    assert_eq!(UTF_8.name(), extracted.encoding.unwrap());
}
