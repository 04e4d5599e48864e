//! Every format of the same resolution gives the same parsed record: what a user searches is
//! the same whether the municipality published a web page, a Word file or a PDF.

use edusearch_extract::{Limits, extract};
use edusearch_resolution::{Resolution, parse_text};

use crate::fixtures::{self, PdfWords, SEED};

/// What must agree across formats (the id too: it is computed from the normalised words).
fn essentials(resolution: &Resolution) -> String {
    let items: Vec<String> = resolution
        .items
        .iter()
        .map(|item| {
            let words: Vec<&str> = item.text.split_whitespace().collect();
            format!(
                "{} | {:?} | {}",
                item.number,
                item.addressee,
                words.join(" ")
            )
        })
        .collect();
    format!(
        "id {}\ntitle {}\nevent {:?}\nkind {:?}\ndate {:?}\nlocation {:?}\nparticipants {:?}\ntopics {:?}\n{}",
        resolution.id,
        resolution.title,
        resolution.event,
        resolution.event_kind,
        resolution.date,
        resolution.location,
        resolution.participants,
        resolution.topics,
        items.join("\n")
    )
}

fn parsed(name: &str, bytes: &[u8]) -> Resolution {
    let extracted =
        extract(name, bytes, &Limits::default()).unwrap_or_else(|error| panic!("{name}: {error}"));
    parse_text(name, &extracted.text).unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[test]
fn all_formats_give_the_same_record() {
    let expected = essentials(&parse_text("seed.txt", SEED).unwrap());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("utf8-bom.txt", fixtures::utf8_with_bom(SEED)),
        (
            "cp1251.txt",
            fixtures::encode(encoding_rs::WINDOWS_1251, SEED),
        ),
        ("utf16le.txt", fixtures::utf16(SEED, true, true)),
        ("utf16be.txt", fixtures::utf16(SEED, false, false)),
        ("page.html", fixtures::html_page("utf-8", true).into_bytes()),
        (
            "page-noarticle.html",
            fixtures::html_page("utf-8", false).into_bytes(),
        ),
        ("resolution.docx", fixtures::docx(SEED)),
        ("resolution.odt", fixtures::odt(SEED)),
        ("resolution.rtf", fixtures::rtf(SEED)),
        ("resolution.doc", fixtures::doc(SEED)),
        (
            "resolution.pdf",
            fixtures::pdf(SEED, PdfWords::SpaceCharacters),
        ),
    ];
    for (name, bytes) in cases {
        assert_eq!(essentials(&parsed(name, &bytes)), expected, "{name}");
    }
}
