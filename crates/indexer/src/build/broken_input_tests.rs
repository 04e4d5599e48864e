//! Broken files of every format are reported one by one while the rest is indexed.

use super::*;

#[test]
fn each_broken_file_is_reported_and_the_rest_is_indexed() {
    let data = tempfile::tempdir().unwrap();
    let seed = include_str!("../../../../index-data/resolutions/001_a3bec1d95fbd12b9.txt");
    let (cp1251, _, _) = encoding_rs_like_cp1251(seed);
    fs::write(data.path().join("windows-1251.txt"), cp1251).unwrap();
    fs::write(
        data.path().join("truncated.docx"),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00garbage",
    )
    .unwrap();
    fs::write(
        data.path().join("corrupt.pdf"),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage",
    )
    .unwrap();
    fs::write(
        data.path().join("empty.html"),
        b"<html><body><nav>Menu</nav></body></html>",
    )
    .unwrap();
    fs::write(data.path().join("table.xls"), b"\xd0\xcf\x11\xe0").unwrap();
    let index = tempfile::tempdir().unwrap();
    let report = build_index(
        &IndexRoot::new(index.path()),
        &BuildOptions::new(data.path()),
        &NoProgress,
    )
    .unwrap();
    assert_eq!(report.resolutions, 1, "{report:?}");
    let skipped: Vec<&str> = report.skipped.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        skipped,
        ["corrupt.pdf", "empty.html", "table.xls", "truncated.docx"]
    );
    for problem in &report.skipped {
        assert!(
            !problem.message.is_empty() && !problem.message.ends_with('.'),
            "{problem:?}"
        );
    }
}

/// windows-1251 bytes of a Russian text (the Cyrillic block maps linearly).
fn encoding_rs_like_cp1251(text: &str) -> (Vec<u8>, (), ()) {
    let bytes = text
        .chars()
        .map(|c| match c {
            'А'..='я' => (c as u32 - 'А' as u32 + 0xC0) as u8,
            'Ё' => 0xA8,
            'ё' => 0xB8,
            '«' => 0xAB,
            '»' => 0xBB,
            '–' => 0x96,
            '№' => 0xB9,
            c if c.is_ascii() => c as u8,
            _ => b'?',
        })
        .collect();
    (bytes, (), ())
}
