//! Arbitrary bytes under every extension: an answer, never a panic.

use edusearch_extract::{Limits, extract, supported_extensions};
use proptest::prelude::*;

use crate::fixtures::{self, PdfWords};

fn check(extension: &str, bytes: &[u8]) {
    let name = format!("file.{extension}");
    // Ok or Err both fine; a panic fails the test, and so does one caught by the safety net.
    if let Err(error) = extract(&name, bytes, &Limits::default()) {
        assert!(!error.to_string().contains("a bug in"), "{name}: {error}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for extension in supported_extensions() {
            check(extension, &bytes);
        }
    }

    #[test]
    fn arbitrary_bytes_after_a_signature_never_panic(
        signature in prop::sample::select(vec![
            &b"%PDF-1.4\n"[..], b"PK\x03\x04", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", b"{\\rtf1 ", b"<html>", b"\xFF\xFE",
        ]),
        tail in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = signature.to_vec();
        bytes.extend_from_slice(&tail);
        for extension in supported_extensions() {
            check(extension, &bytes);
        }
    }

    #[test]
    fn damaged_real_files_never_panic(
        kind in 0usize..6,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
    ) {
        let text = "Резолюция\n\n1. Рекомендовать школам {принять} \\ к сведению.\n";
        let (extension, mut bytes) = match kind {
            0 => ("docx", fixtures::docx(text)),
            1 => ("odt", fixtures::odt(text)),
            2 => ("rtf", fixtures::rtf(text)),
            3 => ("doc", fixtures::doc(text)),
            4 => ("pdf", fixtures::pdf(text, PdfWords::Kerning)),
            _ => ("html", fixtures::html_page("utf-8", true).into_bytes()),
        };
        for (index, value) in flips {
            let at = index.index(bytes.len());
            bytes[at] = value;
        }
        let length = cut.index(bytes.len() + 1).max(bytes.len() / 2);
        bytes.truncate(length);
        check(extension, &bytes);
    }
}
