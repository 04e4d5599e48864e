//! Arbitrary bytes under every supported extension: extraction and parsing never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &["r.txt", "r.html", "r.docx", "r.doc", "r.odt", "r.rtf", "r.pdf"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    let limits = edusearch_extract::Limits::default();
    if let Ok(extracted) = edusearch_extract::extract(name, bytes, &limits) {
        let _ = edusearch_resolution::parse_text(name, &extracted.text);
    }
});
