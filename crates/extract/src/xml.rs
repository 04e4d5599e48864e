//! A thin walk over `quick-xml` events for the XML inside DOCX and ODT.
//!
//! Readers only need start tags (with attributes), end tags and text with references resolved; an
//! empty element `<a/>` is reported as a start immediately followed by its end.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// One step of the walk.
pub(crate) enum XmlEvent<'e, 'a> {
    /// An opening tag, by its qualified name (`w:p`).
    Start {
        name: &'e str,
        element: &'e BytesStart<'a>,
    },
    /// A closing tag, by its qualified name.
    End { name: &'e str },
    /// Character data, references resolved.
    Text(&'e str),
}

/// Walks `xml`, calling `visit` for every event; the error is a description of the XML fault.
pub(crate) fn walk(xml: &str, mut visit: impl FnMut(XmlEvent<'_, '_>)) -> Result<(), String> {
    let mut reader = Reader::from_str(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.expand_empty_elements = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| format!("bad xml at byte {}: {error}", reader.error_position()))?;
        match event {
            Event::Start(element) => {
                let name = element.name();
                visit(XmlEvent::Start {
                    name: name.as_ref(),
                    element: &element,
                });
            }
            Event::Empty(element) => {
                let name = element.name();
                visit(XmlEvent::Start {
                    name: name.as_ref(),
                    element: &element,
                });
                visit(XmlEvent::End {
                    name: name.as_ref(),
                });
            }
            Event::End(element) => {
                let name = element.name();
                visit(XmlEvent::End {
                    name: name.as_ref(),
                });
            }
            Event::Text(text) => visit(XmlEvent::Text(&text.xml10_content())),
            Event::CData(data) => visit(XmlEvent::Text(&data.xml10_content())),
            Event::GeneralRef(reference) => {
                if let Ok(Some(ch)) = reference.resolve_char_ref() {
                    visit(XmlEvent::Text(ch.encode_utf8(&mut [0; 4])));
                } else if let Some(text) =
                    quick_xml::escape::resolve_predefined_entity(reference.as_ref())
                {
                    visit(XmlEvent::Text(text));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The unescaped value of attribute `name` (qualified, `w:val`), if present and well-formed.
pub(crate) fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    let attribute = element.try_get_attribute(name).ok()??;
    attribute
        .normalized_value(quick_xml::XmlVersion::default())
        .ok()
        .map(Cow::into_owned)
}

/// XML bytes as text: UTF-8 (BOM or not), or UTF-16 with a BOM; invalid bytes replaced.
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom_length)) => {
            encoding.decode_without_bom_handling(&bytes[bom_length..]).0
        }
        None => String::from_utf8_lossy(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_reports_starts_ends_and_resolved_text() {
        let mut seen = Vec::new();
        walk(
            r#"<a x="1 &amp; 2"><b/>т&amp;т&#1046;<![CDATA[<c>]]></a>"#,
            |event| match event {
                XmlEvent::Start { name, element } => {
                    seen.push(format!("<{name} {:?}>", attribute(element, "x")))
                }
                XmlEvent::End { name } => seen.push(format!("</{name}>")),
                XmlEvent::Text(text) => seen.push(text.to_owned()),
            },
        )
        .unwrap();
        assert_eq!(
            seen,
            [
                "<a Some(\"1 & 2\")>",
                "<b None>",
                "</b>",
                "т",
                "&",
                "т",
                "Ж",
                "<c>",
                "</a>"
            ]
        );
    }
}
