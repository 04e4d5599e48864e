//! Rich Text Format: a small reader that keeps the text and drops the rest.
//!
//! Groups carry state (font, code page, `\uc`, hidden text, skipped destinations). `\'xx` bytes
//! are decoded in the code page of the current font (`\fcharset` in the font table) or else the
//! document's `\ansicpg`, which is how Russian RTF from WordPad and older Word is written;
//! `\uN` gives a Unicode character and its `\ucN` fallback bytes are skipped. Destinations that
//! are not body text (font and colour tables, style sheets, document info, pictures, headers and
//! footers, footnotes, field instructions, everything under `\*`) are skipped; field results and
//! list numbers (`\listtext`, `\pntext`) are kept, so numbered lists keep their numbers.

use encoding_rs::Encoding;

use crate::layout::TextBuilder;
use crate::{ExtractError, Format, Raw};

/// Deepest group nesting that keeps its own state; deeper groups share their parent's.
const MAX_GROUP_DEPTH: usize = 1024;

pub(crate) fn extract(bytes: &[u8]) -> Result<Raw, ExtractError> {
    let start = bytes
        .iter()
        .position(|&byte| byte == b'{')
        .filter(|&at| bytes[at..].starts_with(b"{\\rtf"))
        .ok_or_else(|| ExtractError::corrupt(Format::Rtf, "it does not start with {\\rtf"))?;
    let mut reader = Reader::new();
    reader.run(&bytes[start..]);
    let encoding = reader.default_encoding;
    Ok(Raw {
        text: reader.finish(),
        encoding: Some(encoding),
        warnings: Vec::new(),
    })
}

/// What a group is: body text or a destination with a meaning of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Destination {
    Body,
    FontTable,
    Skip,
}

#[derive(Debug, Clone, Copy)]
struct GroupState {
    destination: Destination,
    encoding: Option<&'static Encoding>,
    unicode_skip: usize,
    hidden: bool,
}

struct Reader {
    out: TextBuilder,
    stack: Vec<GroupState>,
    /// Groups opened past [`MAX_GROUP_DEPTH`], to be closed without popping.
    overflow_depth: usize,
    state: GroupState,
    default_encoding: &'static Encoding,
    default_font: Option<i32>,
    fonts: Vec<(i32, &'static Encoding)>,
    font_being_defined: Option<i32>,
    /// Bytes of text waiting to be decoded together (a multi-byte character may span `\'xx`s).
    bytes: Vec<u8>,
    /// Fallback characters still to skip after a `\uN`.
    fallback_left: usize,
    high_surrogate: Option<u16>,
    paragraph_ended: bool,
    paragraph_is_list: bool,
    previous_was_list: bool,
}

impl Reader {
    fn new() -> Self {
        let state = GroupState {
            destination: Destination::Body,
            encoding: None,
            unicode_skip: 1,
            hidden: false,
        };
        Reader {
            out: TextBuilder::new(),
            stack: Vec::new(),
            overflow_depth: 0,
            state,
            default_encoding: encoding_rs::WINDOWS_1252,
            default_font: None,
            fonts: Vec::new(),
            font_being_defined: None,
            bytes: Vec::new(),
            fallback_left: 0,
            high_surrogate: None,
            paragraph_ended: false,
            paragraph_is_list: false,
            previous_was_list: false,
        }
    }

    fn finish(mut self) -> String {
        self.flush_bytes();
        self.out.finish()
    }

    fn run(&mut self, input: &[u8]) {
        let mut position = 0;
        while position < input.len() {
            let byte = input[position];
            position += 1;
            match byte {
                b'{' => self.open_group(),
                b'}' => self.close_group(),
                b'\\' => position = self.control(input, position),
                b'\r' | b'\n' => {}
                _ => self.text_byte(byte),
            }
        }
    }

    fn open_group(&mut self) {
        self.flush_bytes();
        self.fallback_left = 0;
        if self.stack.len() >= MAX_GROUP_DEPTH {
            self.overflow_depth += 1;
            return;
        }
        self.stack.push(self.state);
    }

    fn close_group(&mut self) {
        self.flush_bytes();
        self.fallback_left = 0;
        if self.overflow_depth > 0 {
            self.overflow_depth -= 1;
            return;
        }
        if let Some(state) = self.stack.pop() {
            self.state = state;
        }
    }

    /// Handles the control word or symbol after a backslash at `position`; returns where the
    /// input continues.
    fn control(&mut self, input: &[u8], mut position: usize) -> usize {
        let Some(&first) = input.get(position) else {
            return position;
        };
        if !first.is_ascii_alphabetic() {
            position += 1;
            match first {
                b'\'' => {
                    let hex = input.get(position..position + 2).and_then(|pair| {
                        std::str::from_utf8(pair)
                            .ok()
                            .and_then(|text| u8::from_str_radix(text, 16).ok())
                    });
                    if let Some(value) = hex {
                        position += 2;
                        self.text_byte(value);
                    }
                }
                b'\\' | b'{' | b'}' => self.text_byte(first),
                b'~' => self.text_char('\u{A0}'),
                b'_' => self.text_char('-'),
                b'*' => self.state.destination = Destination::Skip,
                b'\r' | b'\n' => self.paragraph(),
                _ => {}
            }
            return position;
        }
        let word_start = position;
        while input.get(position).is_some_and(u8::is_ascii_alphabetic) && position - word_start < 32
        {
            position += 1;
        }
        let word = &input[word_start..position];
        let number_start = position;
        if input.get(position) == Some(&b'-') {
            position += 1;
        }
        while input.get(position).is_some_and(u8::is_ascii_digit) && position - number_start < 11 {
            position += 1;
        }
        let parameter = std::str::from_utf8(&input[number_start..position])
            .ok()
            .and_then(|text| text.parse::<i32>().ok());
        if input.get(position) == Some(&b' ') {
            position += 1;
        }
        if word == b"bin" {
            self.flush_bytes();
            let skip = usize::try_from(parameter.unwrap_or(0)).unwrap_or(0);
            return position.saturating_add(skip).min(input.len());
        }
        self.control_word(word, parameter);
        position
    }

    fn control_word(&mut self, word: &[u8], parameter: Option<i32>) {
        if word != b"u" {
            self.flush_bytes();
            self.fallback_left = 0;
        }
        let on = parameter != Some(0);
        match word {
            b"u" => {
                self.flush_bytes();
                let value = parameter.unwrap_or(0);
                let unit = if value < 0 { value + 65536 } else { value };
                self.unicode_unit(u16::try_from(unit).unwrap_or(0xFFFD));
                self.fallback_left = self.state.unicode_skip;
            }
            b"uc" => {
                self.state.unicode_skip =
                    usize::try_from(parameter.unwrap_or(1)).unwrap_or(1).min(16)
            }
            b"ansicpg" => {
                if let Some(encoding) = parameter.and_then(code_page) {
                    self.default_encoding = encoding;
                }
            }
            b"mac" => self.default_encoding = encoding_rs::MACINTOSH,
            b"deff" => self.default_font = parameter,
            b"fonttbl" => self.state.destination = Destination::FontTable,
            b"f" => {
                if self.state.destination == Destination::FontTable {
                    self.font_being_defined = parameter;
                } else if let Some(font) = parameter {
                    self.state.encoding = self.font_encoding(font);
                }
            }
            b"fcharset" | b"cpg" if self.state.destination == Destination::FontTable => {
                let encoding = if word == b"fcharset" {
                    parameter.and_then(charset_code_page).and_then(code_page)
                } else {
                    parameter.and_then(code_page)
                };
                if let (Some(font), Some(encoding)) = (self.font_being_defined, encoding) {
                    self.fonts.retain(|(known, _)| *known != font);
                    self.fonts.push((font, encoding));
                }
            }
            b"v" => self.state.hidden = on,
            b"listtext" | b"pntext" => {
                self.paragraph_is_list = true;
            }
            b"colortbl"
            | b"stylesheet"
            | b"info"
            | b"pict"
            | b"object"
            | b"header"
            | b"headerl"
            | b"headerr"
            | b"headerf"
            | b"footer"
            | b"footerl"
            | b"footerr"
            | b"footerf"
            | b"footnote"
            | b"annotation"
            | b"fldinst"
            | b"xmlnstbl"
            | b"listtable"
            | b"listoverridetable"
            | b"rsidtbl"
            | b"generator"
            | b"themedata"
            | b"colorschememapping"
            | b"datastore"
            | b"latentstyles"
            | b"pgdsctbl"
            | b"revtbl"
            | b"filetbl"
            | b"bkmkstart"
            | b"bkmkend"
            | b"shpinst"
            | b"nonshppict"
            | b"atnid"
            | b"atnauthor"
            | b"datafield"
            | b"template"
            | b"docvar"
            | b"pn"
            | b"operator"
            | b"author"
            | b"title"
            | b"subject"
            | b"keywords"
            | b"comment"
            | b"doccomm"
            | b"company"
            | b"category"
            | b"manager"
            | b"hlinkbase" => {
                self.state.destination = Destination::Skip;
            }
            b"par" | b"sect" | b"page" => self.paragraph(),
            b"line" | b"row" | b"nestrow" if self.text_allowed() => self.out.line_break(),
            b"tab" | b"cell" | b"nestcell" => self.text_char('\t'),
            b"emdash" => self.text_char('—'),
            b"endash" => self.text_char('–'),
            b"bullet" => self.text_char('•'),
            b"lquote" => self.text_char('‘'),
            b"rquote" => self.text_char('’'),
            b"ldblquote" => self.text_char('“'),
            b"rdblquote" => self.text_char('”'),
            b"emspace" | b"enspace" | b"qmspace" => self.text_char(' '),
            _ => {}
        }
    }

    fn font_encoding(&self, font: i32) -> Option<&'static Encoding> {
        self.fonts
            .iter()
            .find(|(known, _)| *known == font)
            .map(|(_, encoding)| *encoding)
    }

    fn current_encoding(&self) -> &'static Encoding {
        self.state
            .encoding
            .or_else(|| self.default_font.and_then(|font| self.font_encoding(font)))
            .unwrap_or(self.default_encoding)
    }

    fn text_allowed(&self) -> bool {
        self.state.destination == Destination::Body && !self.state.hidden
    }

    fn paragraph(&mut self) {
        self.flush_bytes();
        if self.state.destination != Destination::Body {
            return;
        }
        self.paragraph_ended = true;
        self.previous_was_list = self.paragraph_is_list;
        self.paragraph_is_list = false;
    }

    /// Writes the break a finished paragraph asked for, now that the next one has text.
    fn before_text(&mut self) {
        if self.paragraph_ended {
            if self.paragraph_is_list && self.previous_was_list {
                self.out.line_break();
            } else {
                self.out.paragraph_break();
            }
            self.paragraph_ended = false;
        }
    }

    fn text_byte(&mut self, byte: u8) {
        if self.fallback_left > 0 {
            self.fallback_left -= 1;
            return;
        }
        if self.state.destination == Destination::FontTable && byte == b';' {
            self.font_being_defined = None;
            return;
        }
        if self.text_allowed() {
            self.bytes.push(byte);
        }
    }

    fn text_char(&mut self, ch: char) {
        self.flush_bytes();
        if self.text_allowed() {
            self.before_text();
            self.out.push_char(ch);
        }
    }

    fn unicode_unit(&mut self, unit: u16) {
        match unit {
            0xD800..=0xDBFF => self.high_surrogate = Some(unit),
            0xDC00..=0xDFFF => {
                if let Some(high) = self.high_surrogate.take() {
                    let decoded = char::decode_utf16([high, unit]).next().and_then(Result::ok);
                    self.text_char(decoded.unwrap_or('\u{FFFD}'));
                }
            }
            _ => {
                self.high_surrogate = None;
                self.text_char(char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}'));
            }
        }
    }

    fn flush_bytes(&mut self) {
        if self.bytes.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.bytes);
        let (text, _) = self.current_encoding().decode_without_bom_handling(&bytes);
        self.before_text();
        self.out.push_str(&text);
    }
}

/// An `\fcharset` value to the Windows code page it stands for.
fn charset_code_page(charset: i32) -> Option<i32> {
    Some(match charset {
        0 | 2 | 255 => 1252,
        77 => 10000,
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        _ => return None,
    })
}

/// A Windows code page number to an encoding.
fn code_page(number: i32) -> Option<&'static Encoding> {
    use encoding_rs::*;
    Some(match number {
        866 => IBM866,
        874 => WINDOWS_874,
        932 => SHIFT_JIS,
        936 => GBK,
        949 => EUC_KR,
        950 => BIG5,
        1250 => WINDOWS_1250,
        1251 => WINDOWS_1251,
        1252 | 437 | 850 => WINDOWS_1252,
        1253 => WINDOWS_1253,
        1254 => WINDOWS_1254,
        1255 => WINDOWS_1255,
        1256 => WINDOWS_1256,
        1257 => WINDOWS_1257,
        1258 => WINDOWS_1258,
        10000 => MACINTOSH,
        10007 => X_MAC_CYRILLIC,
        20866 => KOI8_R,
        21866 => KOI8_U,
        28595 => ISO_8859_5,
        65001 => UTF_8,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rtf: &str) -> String {
        extract(rtf.as_bytes()).unwrap().text
    }

    #[test]
    fn ansi_code_page_hex_escapes_are_decoded() {
        let rtf = r"{\rtf1\ansi\ansicpg1251\deff0{\fonttbl{\f0\froman Times;}}{\info{\title x}}\f0 \'d0\'e5\'e7\'ee\'eb\'fe\'f6\'e8\'ff\par \'e2\'f2\'ee\'f0\'ee\'e9}";
        assert_eq!(text(rtf), "Резолюция\n\nвторой");
    }

    #[test]
    fn font_charset_overrides_the_document_code_page() {
        let rtf = r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0\fswiss\fcharset0 Arial;}{\f1\fnil\fcharset204 Arial Cyr;}}\f1\'cf\'f0\'e8\'ea\'e0\'e7 \f0 caf\'e9}";
        assert_eq!(text(rtf), "Приказ café");
    }

    #[test]
    fn unicode_escapes_skip_their_fallback() {
        let rtf = r"{\rtf1\ansi\uc1\u1056\'3f\u1077?\uc2\u1079\'3f\'3f\u1086 xx ok\uc1 \u-10179?\u-8647?}";
        assert_eq!(text(rtf), "Резо ok😹");
    }

    #[test]
    fn destinations_fields_and_lists() {
        let rtf = r#"{\rtf1{\*\generator Writer;}{\stylesheet{\s0 Normal;}}Resolved:\par
{\listtext 1.\tab}First\par{\listtext 2.\tab}Second\par
{\field{\*\fldinst HYPERLINK "http://x"}{\fldrslt link}}\par
{\header top}a\cell b\cell\row end}"#;
        assert_eq!(
            text(rtf),
            "Resolved:\n\n1.\tFirst\n2.\tSecond\n\nlink\n\na\tb\t\nend"
        );
    }
}
