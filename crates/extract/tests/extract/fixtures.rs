//! Fixture files made by the tests themselves from the seed resolution: the same text as plain
//! text in five encodings, HTML pages wrapped in site furniture, DOCX, ODT, RTF, DOC and PDF.

use std::io::{Cursor, Write};

use encoding_rs::Encoding;
use lopdf::{Document, Object, Stream, dictionary};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The seed resolution, as stored in the corpus.
pub const SEED: &str = include_str!("../../../../index-data/resolutions/001_a3bec1d95fbd12b9.txt");

/// Words of a text, lowercased, for comparing extractions regardless of layout.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_lowercase).collect()
}

/// The seed with the characters KOI8-R cannot encode replaced by ASCII look-alikes.
pub fn seed_for_koi8() -> String {
    SEED.replace(['«', '»'], "\"")
        .replace('–', "-")
        .replace('№', "N")
}

/// Paragraphs of the seed: runs of non-empty lines.
pub fn seed_paragraphs() -> Vec<String> {
    SEED.split("\n\n")
        .map(|paragraph| paragraph.trim().replace('\n', " "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect()
}

/// `text` encoded, failing the test if anything was unmappable.
pub fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{} cannot encode the text", encoding.name());
    bytes.into_owned()
}

pub fn utf8_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

pub fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    for unit in units {
        if little_endian {
            bytes.extend_from_slice(&unit.to_le_bytes());
        } else {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
    }
    bytes
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A news page of a typical education-department site with the seed as its article.
///
/// `charset` goes into `<meta charset>`; `with_article` chooses between an `<article>` page
/// and a table/div page where only text density tells the content apart.
pub fn html_page(charset: &str, with_article: bool) -> String {
    let body: String = seed_paragraphs()
        .iter()
        .map(|paragraph| format!("<p>{}</p>\n", escape_xml(paragraph)))
        .collect();
    let (open, close) = if with_article {
        (
            "<article class=\"news-detail\"><header><time datetime=\"2022-08-19\">19.08.2022</time></header>",
            "</article>",
        )
    } else {
        ("<div id=\"content\"><div class=\"text\">", "</div></div>")
    };
    format!(
        r##"<!DOCTYPE html>
<html lang="ru"><head><meta charset="{charset}"><title>Резолюция | Управление образования</title>
<style>body {{ font-family: Arial; }} .share a {{ color: red; }}</style>
<script>window.dataLayer = []; document.write("<p>скрипт</p>");</script></head>
<body class="page-with-sidebar">
<!-- Yandex.Metrika counter --><script src="/metrika.js"></script>
<header class="site-header"><a href="/"><img src="/logo.png" alt="Логотип"></a>
<div class="phone">Горячая линия: 8-800-000-00-00</div></header>
<nav class="main-menu"><ul><li><a href="/">Главная</a></li><li><a href="/news">Новости</a></li>
<li><a href="/docs">Документы</a></li><li><a href="/contacts">Контакты</a></li></ul></nav>
<div class="breadcrumbs"><a href="/">Главная</a> / <a href="/news">Новости</a> / Резолюция</div>
<div class="layout"><main>
{open}
<div class="entry-meta">Опубликовано: 19.08.2022 10:15 | Просмотров: 1543</div>
{body}
<div class="share-buttons"><span>Поделиться:</span><a href="#">ВКонтакте</a><a href="#">Одноклассники</a><a href="#">Telegram</a></div>
<p>Подписаться</p>
<p><a href="/rss">RSS</a></p>
<div class="comments-count">Комментарии (3)</div>
<form class="comment-form"><textarea name="text">Ваш комментарий</textarea><button>Отправить</button></form>
{close}
</main>
<aside class="sidebar"><h3>Последние новости</h3><ul><li><a href="/n/1">Итоги ЕГЭ</a></li><li><a href="/n/2">Приём в первый класс</a></li></ul>
<p>Календарь мероприятий на сентябрь и октябрь</p></aside></div>
<footer><p>© 2022 Управление образования. Все права защищены.</p><p>Адрес: 350000, г. Краснодар, ул. Красная, 1</p></footer>
<script>ym(123, "init", {{}});</script>
</body></html>"##
    )
}

fn zip_archive(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let method = if *name == "mimetype" {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        writer
            .start_file(
                *name,
                SimpleFileOptions::default().compression_method(method),
            )
            .unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A minimal DOCX with one `<w:p>` per line of `text` (empty lines give empty paragraphs).
pub fn docx(text: &str) -> Vec<u8> {
    let paragraphs: String = text
        .lines()
        .map(|line| {
            format!(
                r#"<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:rPr><w:lang w:val="ru-RU"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                escape_xml(line)
            )
        })
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{paragraphs}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#
    );
    zip_archive(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_vec(),
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_vec(),
        ),
        ("word/document.xml", document.into_bytes()),
    ])
}

/// A minimal ODT with one `<text:p>` per line of `text`.
pub fn odt(text: &str) -> Vec<u8> {
    let paragraphs: String = text
        .lines()
        .map(|line| {
            format!(
                "<text:p text:style-name=\"Standard\">{}</text:p>\n",
                escape_xml(line)
            )
        })
        .collect();
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:text>{paragraphs}</office:text></office:body></office:document-content>"#
    );
    zip_archive(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text".to_vec()),
        (
            "META-INF/manifest.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#.to_vec(),
        ),
        ("content.xml", content.into_bytes()),
    ])
}

/// An RTF as WordPad writes Russian: `\ansicpg1251`, a `\fcharset204` font, `\'xx` escapes.
pub fn rtf(text: &str) -> Vec<u8> {
    let mut out = String::from(
        "{\\rtf1\\ansi\\ansicpg1251\\deff0\\nouicompat\\deflang1049{\\fonttbl{\\f0\\fnil\\fcharset204 Calibri;}}\r\n{\\*\\generator Riched20 10.0.19041}\\viewkind4\\uc1 \r\n\\pard\\sa200\\sl276\\slmult1\\f0\\fs22\\lang1049 ",
    );
    for line in text.lines() {
        for ch in line.chars() {
            match ch {
                '\\' | '{' | '}' => {
                    out.push('\\');
                    out.push(ch);
                }
                _ if ch.is_ascii() => out.push(ch),
                _ => {
                    let bytes = encode(encoding_rs::WINDOWS_1251, ch.encode_utf8(&mut [0; 4]));
                    for byte in bytes {
                        out.push_str(&format!("\\'{byte:02x}"));
                    }
                }
            }
        }
        out.push_str("\\par\r\n");
    }
    out.push_str("}\r\n\0");
    // WordPad ends files with a NUL; the reader must not mind.
    out.into_bytes()
}

/// A Word 97 `.doc`: a compound file whose `WordDocument` stream holds a FIB and the text as
/// UTF-16LE, and whose `1Table` stream holds a one-piece table. Paragraph marks are `\r`.
pub fn doc(text: &str) -> Vec<u8> {
    let body: String = text.lines().map(|line| format!("{line}\r")).collect();
    let units: Vec<u16> = body.encode_utf16().collect();
    const TEXT_OFFSET: usize = 0x800;
    let mut word_document = vec![0u8; TEXT_OFFSET];
    let put16 = |buffer: &mut Vec<u8>, at: usize, value: u16| {
        buffer[at..at + 2].copy_from_slice(&value.to_le_bytes())
    };
    let put32 = |buffer: &mut Vec<u8>, at: usize, value: u32| {
        buffer[at..at + 4].copy_from_slice(&value.to_le_bytes())
    };
    put16(&mut word_document, 0x00, 0xA5EC); // wIdent
    put16(&mut word_document, 0x02, 0x00C1); // nFib: Word 97
    put16(&mut word_document, 0x0A, 0x0200); // fWhichTblStm: 1Table
    put16(&mut word_document, 0x20, 14); // csw
    put16(&mut word_document, 0x3E, 22); // cslw
    put32(&mut word_document, 0x40 + 3 * 4, units.len() as u32); // ccpText
    put16(&mut word_document, 0x98, 93); // cbRgFcLcb (Word 97)
    for unit in &units {
        word_document.extend_from_slice(&unit.to_le_bytes());
    }
    // Clx: one Pcdt whose PlcPcd has CPs [0, n] and one uncompressed piece at TEXT_OFFSET.
    let mut plc = Vec::new();
    plc.extend_from_slice(&0u32.to_le_bytes());
    plc.extend_from_slice(&(units.len() as u32).to_le_bytes());
    plc.extend_from_slice(&0u16.to_le_bytes());
    plc.extend_from_slice(&(TEXT_OFFSET as u32).to_le_bytes());
    plc.extend_from_slice(&0u16.to_le_bytes());
    let mut table = vec![0u8; 16];
    let clx_offset = table.len();
    table.push(0x02);
    table.extend_from_slice(&(plc.len() as u32).to_le_bytes());
    table.extend_from_slice(&plc);
    let clx_length = table.len() - clx_offset;
    put32(&mut word_document, 0x9A + 33 * 8, clx_offset as u32);
    put32(&mut word_document, 0x9A + 33 * 8 + 4, clx_length as u32);

    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream("/WordDocument")
        .unwrap()
        .write_all(&word_document)
        .unwrap();
    file.create_stream("/1Table")
        .unwrap()
        .write_all(&table)
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// Wraps `text` into lines of at most `width` characters, keeping empty lines.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for source in text.lines() {
        let mut line = String::new();
        for word in source.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// How a PDF fixture shows its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfWords {
    /// One `Tj` per line with space characters, as most producers write.
    SpaceCharacters,
    /// One `TJ` per line whose words are separated by kerning, with no space glyphs at all.
    Kerning,
}

/// A PDF with the text on A4 pages, in a Type0 font (Identity-H) with a `ToUnicode` map and
/// no embedded font program: codes are UTF-16 units, widths come from `/DW`.
pub fn pdf(text: &str, words: PdfWords) -> Vec<u8> {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let to_unicode = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    let to_unicode_id =
        document.add_object(Stream::new(dictionary! {}, to_unicode.as_bytes().to_vec()));
    let descendant_id = document.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "Arial",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 500,
        "W" => vec![32.into(), vec![Object::Integer(250)].into()],
    });
    let font_id = document.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "Arial",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![descendant_id.into()],
        "ToUnicode" => to_unicode_id,
    });
    let hex = |text: &str| -> String {
        text.encode_utf16()
            .map(|unit| format!("{unit:04X}"))
            .collect()
    };
    let lines = wrap(text, 90);
    let mut kids = Vec::new();
    for page_lines in lines.chunks(60) {
        let mut content = String::from("BT\n/F1 10 Tf\n12 TL\n56 800 Td\n");
        for line in page_lines {
            match words {
                PdfWords::SpaceCharacters => content.push_str(&format!("<{}> Tj\nT*\n", hex(line))),
                PdfWords::Kerning => {
                    let parts: Vec<String> = line
                        .split(' ')
                        .map(|word| format!("<{}>", hex(word)))
                        .collect();
                    content.push_str(&format!("[{}] TJ\nT*\n", parts.join(" -300 ")));
                }
            }
        }
        content.push_str("ET\n");
        let content_id = document
            .add_object(Stream::new(dictionary! {}, content.into_bytes()).with_compression(true));
        let page_id = document.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
            "Contents" => content_id,
        });
        kids.push(Object::Reference(page_id));
    }
    finish_pdf(document, pages_id, kids)
}

fn finish_pdf(mut document: Document, pages_id: lopdf::ObjectId, kids: Vec<Object>) -> Vec<u8> {
    let count = kids.len() as i64;
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog_id);
    document.trailer.set(
        "ID",
        Object::Array(vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"fedcba9876543210".to_vec()),
        ]),
    );
    document.compress();
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).unwrap();
    bytes
}

/// A one-page PDF in Helvetica (a standard font, WinAnsiEncoding) showing ASCII lines.
pub fn latin_pdf(lines: &[&str], user_password: Option<&str>) -> Vec<u8> {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let font_id = document.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let mut content = String::from("BT\n/F1 12 Tf\n14 TL\n72 760 Td\n");
    for line in lines {
        content.push_str(&format!("({line}) Tj\nT*\n"));
    }
    content.push_str("ET\n");
    let content_id = document.add_object(Stream::new(dictionary! {}, content.into_bytes()));
    let page_id = document.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        "Contents" => content_id,
    });
    document.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let catalog_id = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog_id);
    document.trailer.set(
        "ID",
        Object::Array(vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"fedcba9876543210".to_vec()),
        ]),
    );
    if let Some(user_password) = user_password {
        let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
            document: &document,
            owner_password: "owner",
            user_password,
            key_length: 128,
            permissions: lopdf::Permissions::all(),
        })
        .unwrap();
        document.encrypt(&state).unwrap();
    }
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).unwrap();
    bytes
}

/// A one-page PDF that only paints an image, as a scanner writes it.
pub fn image_only_pdf() -> Vec<u8> {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let pixels: Vec<u8> = (0..64 * 64).map(|index| (index % 251) as u8).collect();
    let image_id = document.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 64, "Height" => 64,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        pixels,
    ));
    let content = b"q 595 0 0 842 0 0 cm /Im1 Do Q\n".to_vec();
    let content_id = document.add_object(Stream::new(dictionary! {}, content));
    let page_id = document.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => image_id } },
        "Contents" => content_id,
    });
    finish_pdf(document, pages_id, vec![page_id.into()])
}

/// A ZIP whose entries together declare far more than the default limit, written cheaply:
/// one stored entry is repeated under many names (sizes are declared, not inflated, first).
pub fn zip_with_entries(count: usize) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    writer.start_file("word/document.xml", options).unwrap();
    writer.write_all(b"<w:document/>").unwrap();
    for index in 0..count {
        writer
            .start_file(format!("media/{index}.bin"), options)
            .unwrap();
    }
    writer.finish().unwrap().into_inner()
}

const HUGE_PART_START: &[u8] = b"<w:document><w:body><w:p><w:r><w:t>";
const HUGE_PART_END: &[u8] = b"</w:t></w:r></w:p></w:body></w:document>";

/// The uncompressed size of the document part of [`docx_with_huge_part`].
pub fn huge_part_size(size: usize) -> usize {
    HUGE_PART_START.len() + size + HUGE_PART_END.len()
}

/// A DOCX whose document part is a highly compressible XML of about `size` bytes (deflated to a
/// fraction of a megabyte).
pub fn docx_with_huge_part(size: usize) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(size > u32::MAX as usize);
    writer.start_file("word/document.xml", options).unwrap();
    writer.write_all(HUGE_PART_START).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut written = 0;
    while written < size {
        let part = chunk.len().min(size - written);
        writer.write_all(&chunk[..part]).unwrap();
        written += part;
    }
    writer.write_all(HUGE_PART_END).unwrap();
    writer.finish().unwrap().into_inner()
}
