//! Word 97–2003 (`.doc`): the main-document text from the piece table.
//!
//! A `.doc` is a compound file (`cfb`); its `WordDocument` stream starts with the FIB, which
//! says how many characters the main document has (`ccpText`) and where the piece table (`Clx`)
//! sits in the table stream (`0Table` or `1Table`). Each piece maps a run of character positions
//! to bytes of `WordDocument`, either UTF-16LE or "compressed" 8-bit windows-1252 text
//! ([MS-DOC] 2.4.1). Paragraph marks become paragraphs, cell marks tabs, row ends lines; field
//! codes are dropped and field results kept. Formatting, and so list numbers, which Word keeps
//! outside the text, are not read. Word 6/95 files are refused with advice to re-save.

use std::io::{Cursor, Read};

use crate::layout::TextBuilder;
use crate::{ExtractError, Format, Raw};

const FORMAT: Format = Format::Doc;

/// The first bytes of every compound file.
pub(crate) const CFB_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Word 97 and later write this `nFib` or a higher one.
const MIN_WORD97_NFIB: u16 = 0x00C1;

pub(crate) fn extract(bytes: &[u8]) -> Result<Raw, ExtractError> {
    // cfb validates a lot, but it is parsing hostile input; a panic must not escape.
    std::panic::catch_unwind(|| extract_inner(bytes)).unwrap_or_else(|_| {
        Err(ExtractError::corrupt(
            FORMAT,
            "the compound file structure is broken",
        ))
    })
}

/// Whether a compound file is an encrypted OOXML package (a password-protected DOCX).
pub(crate) fn is_encrypted_package(bytes: &[u8]) -> bool {
    std::panic::catch_unwind(|| {
        cfb::CompoundFile::open(Cursor::new(bytes)).is_ok_and(|file| {
            file.is_stream("/EncryptionInfo") && file.is_stream("/EncryptedPackage")
        })
    })
    .unwrap_or(false)
}

fn extract_inner(bytes: &[u8]) -> Result<Raw, ExtractError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|error| {
        ExtractError::corrupt(FORMAT, format!("not a readable compound file ({error})"))
    })?;
    if file.is_stream("/EncryptionInfo") && file.is_stream("/EncryptedPackage") {
        return Err(ExtractError::Encrypted);
    }
    if !file.is_stream("/WordDocument") {
        return Err(ExtractError::corrupt(
            FORMAT,
            "no WordDocument stream (is it an Excel or PowerPoint file?)",
        ));
    }
    let word_document = read_stream(&mut file, "/WordDocument")?;
    let fib = Fib::parse(&word_document)?;
    let table_name = if fib.table_one { "/1Table" } else { "/0Table" };
    if !file.is_stream(table_name) {
        return Err(ExtractError::corrupt(
            FORMAT,
            format!("no {} stream", &table_name[1..]),
        ));
    }
    let table = read_stream(&mut file, table_name)?;
    let clx = table
        .get(fib.clx_offset..fib.clx_offset.saturating_add(fib.clx_length))
        .ok_or_else(|| {
            ExtractError::corrupt(FORMAT, "the piece table lies outside the table stream")
        })?;
    let pieces = parse_piece_table(clx)?;
    let characters = main_text(&word_document, &pieces, fib.text_length)?;
    Ok(Raw::new(render(&characters)))
}

fn read_stream(
    file: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    name: &str,
) -> Result<Vec<u8>, ExtractError> {
    let mut data = Vec::new();
    file.open_stream(name)
        .and_then(|mut stream| stream.read_to_end(&mut data))
        .map_err(|error| {
            ExtractError::corrupt(FORMAT, format!("cannot read {} ({error})", &name[1..]))
        })?;
    Ok(data)
}

/// The few fields of the File Information Block that text extraction needs.
#[derive(Debug)]
struct Fib {
    table_one: bool,
    text_length: usize,
    clx_offset: usize,
    clx_length: usize,
}

impl Fib {
    fn parse(stream: &[u8]) -> Result<Fib, ExtractError> {
        let short = || {
            ExtractError::corrupt(
                FORMAT,
                "the WordDocument stream is too short for its header",
            )
        };
        let u16_at = |offset: usize| -> Option<u16> {
            Some(u16::from_le_bytes(
                stream.get(offset..offset + 2)?.try_into().ok()?,
            ))
        };
        let u32_at = |offset: usize| -> Option<u32> {
            Some(u32::from_le_bytes(
                stream.get(offset..offset + 4)?.try_into().ok()?,
            ))
        };
        let ident = u16_at(0).ok_or_else(short)?;
        let n_fib = u16_at(2).ok_or_else(short)?;
        if ident != 0xA5EC && ident != 0xA5DC {
            return Err(ExtractError::corrupt(
                FORMAT,
                "the WordDocument stream has no Word signature",
            ));
        }
        if n_fib < MIN_WORD97_NFIB {
            return Err(ExtractError::UnsupportedVersion {
                format: FORMAT,
                detail: "a Word 6/95 (or older) .doc".to_owned(),
            });
        }
        let flags = u16_at(0x0A).ok_or_else(short)?;
        if flags & 0x0100 != 0 || flags & 0x8000 != 0 {
            return Err(ExtractError::Encrypted);
        }
        let words = usize::from(u16_at(0x20).ok_or_else(short)?);
        let longs_count_offset = 0x22 + words * 2;
        let longs = usize::from(u16_at(longs_count_offset).ok_or_else(short)?);
        let longs_offset = longs_count_offset + 2;
        if longs < 4 {
            return Err(short());
        }
        let text_length = u32_at(longs_offset + 12).ok_or_else(short)? as usize;
        let pairs_count_offset = longs_offset + longs * 4;
        let pairs = usize::from(u16_at(pairs_count_offset).ok_or_else(short)?);
        if pairs < 34 {
            return Err(short());
        }
        let clx_pair = pairs_count_offset + 2 + 33 * 8;
        Ok(Fib {
            table_one: flags & 0x0200 != 0,
            text_length,
            clx_offset: u32_at(clx_pair).ok_or_else(short)? as usize,
            clx_length: u32_at(clx_pair + 4).ok_or_else(short)? as usize,
        })
    }
}

/// One run of character positions and where its bytes are.
#[derive(Debug, Clone, Copy)]
struct Piece {
    cp_start: usize,
    cp_end: usize,
    byte_offset: usize,
    compressed: bool,
}

fn parse_piece_table(clx: &[u8]) -> Result<Vec<Piece>, ExtractError> {
    let broken = |what: &str| ExtractError::corrupt(FORMAT, format!("broken piece table: {what}"));
    let mut position = 0;
    while let Some(&kind) = clx.get(position) {
        match kind {
            // Prc: property modifiers, skipped.
            0x01 => {
                let size = clx
                    .get(position + 1..position + 3)
                    .map(|bytes| i16::from_le_bytes([bytes[0], bytes[1]]))
                    .ok_or_else(|| broken("truncated Prc"))?;
                position += 3 + usize::try_from(size).map_err(|_| broken("negative Prc size"))?;
            }
            // Pcdt: the piece table proper.
            0x02 => {
                let length = clx
                    .get(position + 1..position + 5)
                    .map(|bytes| {
                        u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize
                    })
                    .ok_or_else(|| broken("truncated Pcdt"))?;
                let plc = clx
                    .get(position + 5..position.saturating_add(5).saturating_add(length))
                    .ok_or_else(|| broken("Pcdt runs past the end"))?;
                return pieces_from_plc(plc).ok_or_else(|| broken("bad PlcPcd"));
            }
            _ => return Err(broken("unknown entry")),
        }
    }
    Err(broken("no Pcdt"))
}

fn pieces_from_plc(plc: &[u8]) -> Option<Vec<Piece>> {
    if plc.len() < 4 || !(plc.len() - 4).is_multiple_of(12) {
        return None;
    }
    let count = (plc.len() - 4) / 12;
    let cp = |index: usize| -> usize {
        let at = index * 4;
        u32::from_le_bytes([plc[at], plc[at + 1], plc[at + 2], plc[at + 3]]) as usize
    };
    let descriptors = &plc[(count + 1) * 4..];
    let mut pieces = Vec::with_capacity(count);
    for index in 0..count {
        let descriptor = &descriptors[index * 8..index * 8 + 8];
        let fc = u32::from_le_bytes([descriptor[2], descriptor[3], descriptor[4], descriptor[5]]);
        let compressed = fc & 0x4000_0000 != 0;
        let raw_offset = (fc & 0x3FFF_FFFF) as usize;
        pieces.push(Piece {
            cp_start: cp(index),
            cp_end: cp(index + 1),
            byte_offset: if compressed {
                raw_offset / 2
            } else {
                raw_offset
            },
            compressed,
        });
    }
    Some(pieces)
}

/// The characters of the main document (the first `text_length` positions).
fn main_text(
    stream: &[u8],
    pieces: &[Piece],
    text_length: usize,
) -> Result<Vec<char>, ExtractError> {
    let mut characters = Vec::with_capacity(text_length.min(stream.len()));
    for piece in pieces {
        let end = piece.cp_end.min(text_length);
        if piece.cp_start >= end {
            continue;
        }
        let count = end - piece.cp_start;
        let width = if piece.compressed { 1 } else { 2 };
        let bytes = stream
            .get(
                piece.byte_offset
                    ..piece
                        .byte_offset
                        .saturating_add(count.saturating_mul(width)),
            )
            .ok_or_else(|| {
                ExtractError::corrupt(FORMAT, "a text piece lies outside the WordDocument stream")
            })?;
        if piece.compressed {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            characters.extend(text.chars());
        } else {
            let units = bytes
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
            characters.extend(char::decode_utf16(units).map(|unit| unit.unwrap_or('\u{FFFD}')));
        }
    }
    Ok(characters)
}

/// Word's special characters to the common text shape.
fn render(characters: &[char]) -> String {
    let mut out = TextBuilder::new();
    // One entry per open field: whether we are still in its code (before the separator).
    let mut fields: Vec<bool> = Vec::new();
    let mut previous = '\0';
    for &ch in characters {
        match ch {
            '\u{13}' => fields.push(true),
            '\u{14}' => {
                if let Some(in_code) = fields.last_mut() {
                    *in_code = false;
                }
            }
            '\u{15}' => {
                fields.pop();
            }
            _ if fields.iter().any(|&in_code| in_code) => {}
            '\r' | '\u{0C}' => out.paragraph_break(),
            '\u{0B}' => out.line_break(),
            '\u{07}' if previous == '\u{07}' => out.line_break(),
            '\u{07}' => out.push_char('\t'),
            '\u{1E}' => out.push_char('-'),
            '\t' => out.push_char('\t'),
            _ if ch.is_control() || ch == '\u{1F}' => {}
            _ => out.push_char(ch),
        }
        previous = ch;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_their_result_and_marks_become_breaks() {
        let text: Vec<char> = "Заголовок\r\u{13} PAGE \u{14}3\u{15} стр.\rа\u{07}б\u{07}\u{07}в\u{07}г\u{07}\u{07}\u{13}HYPERLINK\u{15}конец\u{0B}строка".chars().collect();
        assert_eq!(
            render(&text),
            "Заголовок\n\n3 стр.\n\nа\tб\t\nв\tг\t\nконец\nстрока"
        );
    }

    #[test]
    fn short_streams_are_corrupt() {
        assert!(matches!(
            Fib::parse(&[0xEC, 0xA5]),
            Err(ExtractError::Corrupt { .. })
        ));
        assert!(matches!(
            Fib::parse(&[0xEC, 0xA5, 0x65, 0x00]),
            Err(ExtractError::UnsupportedVersion { .. })
        ));
    }
}
