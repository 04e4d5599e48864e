//! Broken and hostile inputs: each gives its own clear error or a warning, never a panic or a
//! hang.

use std::time::{Duration, Instant};

use edusearch_extract::{ExtractError, Format, Limits, extract};

use crate::fixtures::{self, PdfWords, SEED};

fn fails(file_name: &str, bytes: &[u8]) -> ExtractError {
    match extract(file_name, bytes, &Limits::default()) {
        Ok(extracted) => panic!("{file_name}: expected an error, got {:?}", extracted.text),
        Err(error) => error,
    }
}

#[test]
fn empty_file() {
    for name in ["a.txt", "a.pdf", "a.docx"] {
        assert_eq!(fails(name, b""), ExtractError::Empty);
    }
    assert_eq!(
        ExtractError::Empty.to_string(),
        "file is empty; supply a file with text"
    );
}

#[test]
fn whitespace_only_file_has_no_text() {
    assert_eq!(fails("a.txt", b" \r\n\t\n"), ExtractError::NoText);
    assert_eq!(
        fails("a.html", b"<html><body><script>x()</script></body></html>"),
        ExtractError::NoText
    );
}

#[test]
fn too_large() {
    let limits = Limits {
        max_file_bytes: 10,
        ..Limits::default()
    };
    let error = extract("a.txt", b"01234567890", &limits).unwrap_err();
    assert_eq!(
        error,
        ExtractError::TooLarge {
            size: 11,
            limit: 10
        }
    );
    assert_eq!(
        error.to_string(),
        "file is 11 bytes, over the limit of 10 bytes; split it or raise the limit"
    );
}

#[test]
fn unsupported_extension_lists_what_is_supported() {
    let error = fails("budget.xls", b"\xD0\xCF\x11\xE0");
    assert!(matches!(&error, ExtractError::Unsupported { extension, .. } if extension == "xls"));
    assert_eq!(
        error.to_string(),
        "unsupported format .xls; supported: .txt, .text, .html, .htm, .xhtml, .docx, .doc, .odt, .rtf, .pdf"
    );
    assert!(
        fails("README", b"text")
            .to_string()
            .starts_with("unsupported format (file name has no extension)")
    );
}

#[test]
fn binary_file_named_txt() {
    let elf: Vec<u8> = b"\x7fELF\x02\x01\x01\0"
        .iter()
        .copied()
        .chain((0..4096).map(|i| (i * 7 % 256) as u8))
        .collect();
    assert_eq!(fails("program.txt", &elf), ExtractError::Binary);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    assert_eq!(fails("picture.html", png), ExtractError::Binary);
}

#[test]
fn truncated_docx_is_corrupt() {
    let docx = fixtures::docx(SEED);
    for cut in [docx.len() / 2, docx.len() - 30, 40] {
        let error = fails("cut.docx", &docx[..cut]);
        assert!(
            matches!(
                error,
                ExtractError::Corrupt {
                    format: Format::Docx,
                    ..
                }
            ),
            "{cut}: {error:?}"
        );
        assert!(
            error.to_string().starts_with("corrupt docx file: "),
            "{error}"
        );
    }
}

#[test]
fn docx_without_document_part_is_corrupt() {
    let odt = fixtures::odt(SEED);
    // An ODT named .docx is read as ODT; a ZIP with neither part is a corrupt DOCX.
    assert_eq!(
        extract("x.docx", &odt, &Limits::default()).unwrap().format,
        Format::Odt
    );
    let bytes = fixtures::zip_with_entries(1);
    let bytes_without_document = {
        let mut copy = bytes.clone();
        // Rename the entry in both the local header and the central directory.
        let name = b"word/document.xml";
        let renamed = b"word/documenz.xml";
        let mut at = 0;
        while let Some(found) = copy[at..]
            .windows(name.len())
            .position(|window| window == name)
        {
            copy[at + found..at + found + name.len()].copy_from_slice(renamed);
            at += found + name.len();
        }
        copy
    };
    let error = fails("x.docx", &bytes_without_document);
    assert!(
        matches!(
            error,
            ExtractError::Corrupt {
                format: Format::Docx,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn zip_bomb_with_many_entries() {
    let bytes = fixtures::zip_with_entries(10_050);
    let error = fails("bomb.docx", &bytes);
    assert!(
        matches!(
            error,
            ExtractError::ZipBomb {
                format: Format::Docx,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("10051 entries, limit 10000"),
        "{error}"
    );
}

#[test]
fn zip_bomb_with_a_huge_deflated_entry() {
    let bytes = fixtures::docx_with_huge_part(300 * 1024 * 1024);
    assert!(
        bytes.len() < 1024 * 1024,
        "the bomb is small: {}",
        bytes.len()
    );
    let started = Instant::now();
    let error = fails("bomb.docx", &bytes);
    assert!(matches!(error, ExtractError::ZipBomb { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused before inflating"
    );
}

#[test]
fn zip_bomb_that_lies_about_its_size() {
    // The directory declares 1 KB; the entry inflates to 64 MB.
    let mut bytes = fixtures::docx_with_huge_part(64 * 1024 * 1024);
    let limits = Limits {
        max_uncompressed_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let declared = fixtures::huge_part_size(64 * 1024 * 1024) as u32;
    let lie = 1024u32.to_le_bytes();
    // Patch every occurrence of the true size (local header, data descriptor, directory).
    let truth = declared.to_le_bytes();
    let mut patched = 0;
    for at in 0..bytes.len() - 4 {
        if bytes[at..at + 4] == truth {
            bytes[at..at + 4].copy_from_slice(&lie);
            patched += 1;
        }
    }
    assert!(patched > 0);
    let error = extract("liar.docx", &bytes, &limits).unwrap_err();
    assert!(
        matches!(
            error,
            ExtractError::ZipBomb { .. } | ExtractError::Corrupt { .. }
        ),
        "{error:?}"
    );
}

#[test]
fn corrupt_pdf() {
    for bytes in [
        &b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\nthis is not a pdf at all"[..],
        b"%PDF-",
    ] {
        let error = fails("bad.pdf", bytes);
        assert!(
            matches!(
                error,
                ExtractError::Corrupt {
                    format: Format::Pdf,
                    ..
                }
            ),
            "{error:?}"
        );
    }
    let pdf = fixtures::pdf(SEED, PdfWords::SpaceCharacters);
    // A truncated PDF either yields what survives or a clear error; never a panic.
    let _ = extract("cut.pdf", &pdf[..pdf.len() / 2], &Limits::default());
}

#[test]
fn encrypted_pdf() {
    let bytes = fixtures::latin_pdf(&["Secret resolution"], Some("secret"));
    assert_eq!(fails("locked.pdf", &bytes), ExtractError::Encrypted);
    assert_eq!(
        ExtractError::Encrypted.to_string(),
        "document is encrypted (password-protected); remove the password and try again"
    );
}

#[test]
fn scanned_pdf() {
    let error = fails("scan.pdf", &fixtures::image_only_pdf());
    assert_eq!(error, ExtractError::ScannedPdf);
    assert_eq!(
        error.to_string(),
        "pdf has no text layer (scanned?); run OCR first or supply the text"
    );
}

#[test]
fn deeply_nested_html_warns() {
    let html = format!(
        "<html><body>{}Резолюция{}</body></html>",
        "<div><span>".repeat(10_000),
        "</span></div>".repeat(10_000)
    );
    let started = Instant::now();
    let extracted = extract("deep.html", html.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(extracted.text, "Резолюция");
    assert_eq!(extracted.warnings.len(), 1, "{:?}", extracted.warnings);
    assert!(
        extracted.warnings[0].contains("over the limit of 512"),
        "{:?}",
        extracted.warnings
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn ten_megabyte_single_line_is_split_with_a_warning() {
    let line = "слово ".repeat(10 * 1024 * 1024 / 11 + 1);
    assert!(line.len() >= 10 * 1024 * 1024);
    let started = Instant::now();
    let extracted = extract("one-line.txt", line.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(extracted.warnings.len(), 1, "{:?}", extracted.warnings);
    assert!(
        extracted
            .text
            .lines()
            .all(|line| line.chars().count() <= 100_000)
    );
    assert_eq!(
        extracted.text.split_whitespace().count(),
        line.split_whitespace().count()
    );
    // Without spaces the line is cut hard.
    let solid = "я".repeat(250_000);
    let extracted = extract("solid.txt", solid.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(extracted.text.lines().count(), 3);
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn old_word_and_not_word_compound_files() {
    let mut doc = fixtures::doc(SEED);
    // Turn the nFib into Word 95's (0x0068): find the WordDocument stream start by its ident.
    let at = doc
        .windows(4)
        .position(|window| window == [0xEC, 0xA5, 0xC1, 0x00])
        .unwrap();
    doc[at + 2] = 0x68;
    let error = fails("old.doc", &doc);
    assert!(
        matches!(
            error,
            ExtractError::UnsupportedVersion {
                format: Format::Doc,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "a Word 6/95 (or older) .doc is not supported; save it as .docx or .pdf and try again"
    );
    // An Excel file renamed to .doc.
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    std::io::Write::write_all(&mut file.create_stream("/Workbook").unwrap(), &[0; 600]).unwrap();
    file.flush().unwrap();
    let error = fails("book.doc", &file.into_inner().into_inner());
    assert!(
        error.to_string().contains("no WordDocument stream"),
        "{error}"
    );
}

#[test]
fn encrypted_doc_and_docx() {
    let mut doc = fixtures::doc(SEED);
    let at = doc
        .windows(4)
        .position(|window| window == [0xEC, 0xA5, 0xC1, 0x00])
        .unwrap();
    doc[at + 0x0B] |= 0x01; // fEncrypted
    assert_eq!(fails("locked.doc", &doc), ExtractError::Encrypted);
    // Office stores a password-protected DOCX as a compound file with these two streams.
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    file.create_stream("/EncryptionInfo").unwrap();
    std::io::Write::write_all(
        &mut file.create_stream("/EncryptedPackage").unwrap(),
        &[1; 600],
    )
    .unwrap();
    file.flush().unwrap();
    assert_eq!(
        fails("locked.docx", &file.into_inner().into_inner()),
        ExtractError::Encrypted
    );
}

#[test]
fn rtf_that_is_not_rtf() {
    let error = fails("a.rtf", b"just text");
    assert!(
        matches!(
            error,
            ExtractError::Corrupt {
                format: Format::Rtf,
                ..
            }
        ),
        "{error:?}"
    );
    let deep = format!("{{\\rtf1 {}x{}", "{".repeat(100_000), "}".repeat(100_000));
    assert_eq!(
        extract("deep.rtf", deep.as_bytes(), &Limits::default())
            .unwrap()
            .text,
        "x"
    );
}

/// A UTF-8 resolution with one `\xff` appended was read as windows-1251: title and items
/// became mojibake. Nearly valid UTF-8 stays UTF-8, and the bad byte is reported.
#[test]
fn one_bad_byte_in_utf8_keeps_utf8_and_is_reported() {
    let mut bytes = SEED.as_bytes().to_vec();
    bytes.push(0xff);
    let extracted = extract("seed.txt", &bytes, &Limits::default()).unwrap();
    assert_eq!(extracted.encoding.as_deref(), Some("UTF-8"));
    let first_line = SEED.lines().find(|line| !line.trim().is_empty()).unwrap();
    assert!(
        extracted.text.contains(first_line.trim()),
        "{}",
        &extracted.text[..200]
    );
    assert!(
        extracted
            .warnings
            .iter()
            .any(|warning| warning.contains(&format!(
                "1 byte(s) are not valid UTF-8 (the first at byte {})",
                SEED.len()
            ))),
        "{:?}",
        extracted.warnings
    );
    // A real windows-1251 file is still read as windows-1251.
    let legacy = fixtures::encode(encoding_rs::WINDOWS_1251, SEED);
    let extracted = extract("seed.txt", &legacy, &Limits::default()).unwrap();
    assert_eq!(extracted.encoding.as_deref(), Some("windows-1251"));
}

/// 12.5k/25k/50k/100k nested `<div>` took 0.28/1.09/4.83/21 s: four times the nesting must
/// take about four times as long, not sixteen.
#[test]
fn deeply_nested_html_takes_linear_time() {
    let time = |depth: usize| {
        let html = format!(
            "<html><body>{}Резолюция{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        (0..3)
            .map(|_| {
                let started = Instant::now();
                let extracted = extract("deep.html", html.as_bytes(), &Limits::default()).unwrap();
                assert_eq!(extracted.text, "Резолюция");
                started.elapsed()
            })
            .min()
            .unwrap()
    };
    let small = time(12_500);
    let large = time(50_000);
    assert!(
        large < small * 8 + Duration::from_millis(50),
        "12.5k: {small:?}, 50k: {large:?}"
    );
    assert!(large < Duration::from_secs(5), "{large:?}");
}
