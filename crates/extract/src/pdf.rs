//! PDF with a text layer: `lopdf` parses (and decrypts files that open without a password), and
//! a small interpreter walks each page's content stream.
//!
//! The interpreter follows the graphics and text matrices (`q`/`Q`/`cm`, `BT`, `Tm`, `Td`, `TD`,
//! `T*`, `TL`, `Tc`, `Tw`, `Tz`, `Tf`) and advances the pen by the glyph widths of each font
//! (`/Widths` of simple fonts, `/W` of CID fonts), so it knows where every string starts and
//! ends. A string that starts lower than the previous one begins a new line (a paragraph when the
//! gap is clearly larger than the usual line gap of the page), one that starts to the right of
//! where the previous ended by more than a fraction of an em gets a space. Text inside form
//! XObjects is followed too. Strings are decoded by lopdf from the font's `ToUnicode` map, which
//! is preferred to `/Encoding` whenever a font has one.
//!
//! A PDF whose pages show no text at all is reported as scanned; one whose text is in fonts
//! without any Unicode mapping is reported as unreadable. Every call into lopdf runs under
//! `catch_unwind`: a parser of hostile input must not take the process down.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, LoadOptions, Object, ObjectId};

use crate::layout::TextBuilder;
use crate::{ExtractError, Format, Raw};

const FORMAT: Format = Format::Pdf;

/// Cap on what one stream may inflate to.
const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;

/// How deep form XObjects may nest inside each other.
const MAX_FORM_DEPTH: usize = 4;

/// Cap on the number of content operations interpreted over the whole document.
const MAX_OPERATIONS: usize = 20_000_000;

pub(crate) fn extract(bytes: &[u8]) -> Result<Raw, ExtractError> {
    std::panic::catch_unwind(|| extract_inner(bytes)).unwrap_or_else(|_| {
        Err(ExtractError::corrupt(
            FORMAT,
            "the pdf structure is too broken to read",
        ))
    })
}

fn extract_inner(bytes: &[u8]) -> Result<Raw, ExtractError> {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..LoadOptions::default()
    };
    let document = Document::load_mem_with_options(bytes, options).map_err(load_error)?;
    if document.is_encrypted() && document.authenticate_password("").is_err() {
        return Err(ExtractError::Encrypted);
    }
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err(ExtractError::corrupt(FORMAT, "it has no pages"));
    }
    let mut interpreter = Interpreter {
        document: &document,
        pieces: Vec::new(),
        shown_strings: 0,
        decoded_strings: 0,
        operations: 0,
    };
    let mut warnings = Vec::new();
    let mut unreadable_pages = 0usize;
    for &page_id in pages.values() {
        if interpreter.operations > MAX_OPERATIONS {
            warnings
                .push("the pdf has too many drawing operations; the rest was not read".to_owned());
            break;
        }
        if interpreter.page(page_id).is_err() {
            unreadable_pages += 1;
        }
        interpreter.pieces.push(Piece::PageEnd);
    }
    if unreadable_pages > 0 {
        warnings.push(format!("{unreadable_pages} page(s) could not be read"));
    }
    if interpreter.shown_strings == 0 {
        return Err(if unreadable_pages == pages.len() {
            ExtractError::corrupt(FORMAT, "no page content could be read")
        } else {
            ExtractError::ScannedPdf
        });
    }
    if interpreter.decoded_strings == 0 {
        return Err(ExtractError::corrupt(
            FORMAT,
            "its fonts have no unicode mapping, so the text cannot be read (export it again or supply the text)",
        ));
    }
    if interpreter.decoded_strings < interpreter.shown_strings {
        warnings.push("some text uses fonts without a unicode mapping and was skipped".to_owned());
    }
    Ok(Raw {
        text: lay_out(&interpreter.pieces),
        encoding: None,
        warnings,
    })
}

/// What the content streams showed, in order.
#[derive(Debug)]
enum Piece {
    /// A decoded string, with where it starts and ends in device space and its font size there.
    Text {
        x: f64,
        y: f64,
        end_x: f64,
        size: f64,
        text: String,
    },
    PageEnd,
}

/// Turns placed strings into lines and paragraphs.
///
/// A string lower than the previous one by more than half an em starts a new line; when the
/// drop is clearly more than the usual line gap of the document (the most common one), a new
/// paragraph. A line that ends with a hyphen after a letter and is followed by a lowercase
/// letter is joined to the next (Russian compounds such as «научно-педагогической» are often
/// wrapped at their hyphen). A string to the right of where the previous ended by more than a fraction of an em
/// gets a space before it.
fn lay_out(pieces: &[Piece]) -> String {
    let line_gap = usual_line_gap(pieces);
    let mut out = TextBuilder::new();
    let mut last: Option<(f64, f64, f64)> = None;
    for piece in pieces {
        let Piece::Text {
            x,
            y,
            end_x,
            size,
            text,
        } = piece
        else {
            out.paragraph_break();
            last = None;
            continue;
        };
        if let Some((last_end_x, last_y, last_size)) = last {
            let em = size.max(last_size);
            let drop = (y - last_y).abs();
            if drop > em * 0.6 {
                let gap = line_gap.unwrap_or(em * 1.2);
                let continues_word = out.ends_with_hyphenated_word()
                    && text.trim_start().starts_with(char::is_lowercase);
                if drop > gap * 1.35 {
                    out.paragraph_break();
                } else if !continues_word {
                    // A line ending in «естественно-» followed by «научной» is one word.
                    out.line_break();
                }
            } else if x - last_end_x > em * 0.15 {
                out.space();
            } else if *x < last_end_x - em * 8.0 {
                // Far back to the left at the same height: another column or a table cell.
                out.line_break();
            }
        }
        if text.trim().is_empty() {
            out.space();
        } else {
            out.push_str(text);
        }
        last = Some((*end_x, *y, *size));
    }
    out.finish()
}

/// The most common drop between consecutive lines, rounded to half a point.
fn usual_line_gap(pieces: &[Piece]) -> Option<f64> {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    let mut previous: Option<(f64, f64)> = None;
    for piece in pieces {
        let Piece::Text { y, size, text, .. } = piece else {
            previous = None;
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        if let Some((previous_y, previous_size)) = previous {
            let em = size.max(previous_size);
            let drop = (y - previous_y).abs();
            if drop > em * 0.6 && drop < em * 4.0 {
                *counts.entry((drop * 2.0).round() as i64).or_default() += 1;
            }
        }
        previous = Some((*y, *size));
    }
    counts
        .into_iter()
        .max_by_key(|&(gap, count)| (count, -gap))
        .map(|(gap, _)| gap as f64 / 2.0)
}

fn load_error(error: lopdf::Error) -> ExtractError {
    match error {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => ExtractError::Encrypted,
        other => ExtractError::corrupt(FORMAT, format!("not a readable pdf ({other})")),
    }
}

/// A 2D affine matrix `[a b c d e f]` as PDF writes them (row vectors).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(x: f64, y: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self × other`: apply `self` first, then `other`.
    fn then(&self, other: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn origin(&self) -> (f64, f64) {
        (self.0[4], self.0[5])
    }

    /// The average scale factor, for font sizes in device space.
    fn scale(&self) -> f64 {
        let [a, b, c, d, ..] = self.0;
        (a * d - b * c).abs().sqrt()
    }

    fn from_operands(operands: &[Object]) -> Option<Matrix> {
        let values: Vec<f64> = operands.iter().filter_map(number).collect();
        let values: [f64; 6] = values.try_into().ok()?;
        values
            .iter()
            .all(|value| value.is_finite())
            .then_some(Matrix(values))
    }
}

fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(value) => Some(*value as f64),
        Object::Real(value) => Some(f64::from(*value)),
        _ => None,
    }
}

/// Glyph widths of a font, in thousandths of the font size.
#[derive(Debug, Default)]
enum Widths {
    #[default]
    Unknown,
    Simple {
        first: i64,
        widths: Vec<f64>,
        missing: f64,
    },
    Cid {
        default: f64,
        widths: HashMap<u32, f64>,
    },
}

impl Widths {
    fn of(&self, code: u32) -> f64 {
        match self {
            Widths::Unknown => 500.0,
            Widths::Simple {
                first,
                widths,
                missing,
            } => usize::try_from(i64::from(code) - first)
                .ok()
                .and_then(|index| widths.get(index).copied())
                .unwrap_or(*missing),
            Widths::Cid { default, widths } => widths.get(&code).copied().unwrap_or(*default),
        }
    }
}

/// What the interpreter needs of one font.
struct Font<'d> {
    encoding: Option<Encoding<'d>>,
    two_byte_codes: bool,
    widths: Widths,
}

/// The state of the text walk, kept across pages.
struct Interpreter<'d> {
    document: &'d Document,
    pieces: Vec<Piece>,
    shown_strings: usize,
    decoded_strings: usize,
    operations: usize,
}

/// The text state of one content stream.
#[derive(Debug, Clone)]
struct TextState {
    ctm: Matrix,
    text_matrix: Matrix,
    line_matrix: Matrix,
    font: Option<Vec<u8>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    horizontal_scale: f64,
    leading: f64,
}

impl<'d> Interpreter<'d> {
    fn page(&mut self, page_id: ObjectId) -> Result<(), ()> {
        let document = self.document;
        let content = document
            .get_page_content_with_limit(page_id, MAX_STREAM_BYTES)
            .map_err(|_| ())?;
        let fonts_dictionaries = document.get_page_fonts(page_id).map_err(|_| ())?;
        let xobjects = page_xobjects(document, page_id);
        let fonts = load_fonts(document, fonts_dictionaries.into_iter());
        self.stream(&content, &fonts, &xobjects, Matrix::IDENTITY, 0);
        Ok(())
    }

    fn stream(
        &mut self,
        content: &[u8],
        fonts: &HashMap<Vec<u8>, Font<'d>>,
        xobjects: &HashMap<Vec<u8>, ObjectId>,
        ctm: Matrix,
        depth: usize,
    ) {
        let Ok(content) = Content::decode(content) else {
            return;
        };
        let mut state = TextState {
            ctm,
            text_matrix: Matrix::IDENTITY,
            line_matrix: Matrix::IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scale: 1.0,
            leading: 0.0,
        };
        let mut saved: Vec<TextState> = Vec::new();
        for operation in &content.operations {
            self.operations += 1;
            if self.operations > MAX_OPERATIONS {
                return;
            }
            let operands = &operation.operands;
            let first = operands.first().and_then(number).unwrap_or(0.0);
            let second = operands.get(1).and_then(number).unwrap_or(0.0);
            match operation.operator.as_str() {
                "q" if saved.len() < 256 => saved.push(state.clone()),
                "Q" => {
                    if let Some(previous) = saved.pop() {
                        state = previous;
                    }
                }
                "cm" => {
                    if let Some(matrix) = Matrix::from_operands(operands) {
                        state.ctm = matrix.then(&state.ctm);
                    }
                }
                "BT" => {
                    state.text_matrix = Matrix::IDENTITY;
                    state.line_matrix = Matrix::IDENTITY;
                }
                "Tf" => {
                    state.font = operands
                        .first()
                        .and_then(|name| name.as_name().ok())
                        .map(<[u8]>::to_vec);
                    state.size = second;
                }
                "Tc" => state.char_spacing = first,
                "Tw" => state.word_spacing = first,
                "Tz" => state.horizontal_scale = first / 100.0,
                "TL" => state.leading = first,
                "Td" => move_line(&mut state, first, second),
                "TD" => {
                    state.leading = -second;
                    move_line(&mut state, first, second);
                }
                "Tm" => {
                    if let Some(matrix) = Matrix::from_operands(operands) {
                        state.text_matrix = matrix;
                        state.line_matrix = matrix;
                    }
                }
                "T*" => next_line(&mut state),
                "Tj" => self.show(&mut state, fonts, operands.first()),
                "'" => {
                    next_line(&mut state);
                    self.show(&mut state, fonts, operands.first());
                }
                "\"" => {
                    state.word_spacing = first;
                    state.char_spacing = second;
                    next_line(&mut state);
                    self.show(&mut state, fonts, operands.get(2));
                }
                "TJ" => {
                    let Some(Object::Array(items)) = operands.first() else {
                        continue;
                    };
                    for item in items {
                        match item {
                            Object::String(..) => self.show(&mut state, fonts, Some(item)),
                            other => {
                                let adjustment = number(other).unwrap_or(0.0);
                                let shift =
                                    -adjustment / 1000.0 * state.size * state.horizontal_scale;
                                state.text_matrix =
                                    Matrix::translate(shift, 0.0).then(&state.text_matrix);
                            }
                        }
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(id) = operands
                        .first()
                        .and_then(|name| name.as_name().ok())
                        .and_then(|name| xobjects.get(name))
                    {
                        self.form(*id, fonts, state.ctm, depth);
                    }
                }
                _ => {}
            }
        }
    }

    /// Follows a form XObject: its own resources when it has them, else the caller's.
    fn form(
        &mut self,
        id: ObjectId,
        parent_fonts: &HashMap<Vec<u8>, Font<'d>>,
        ctm: Matrix,
        depth: usize,
    ) {
        let document = self.document;
        let Ok(stream) = document.get_object(id).and_then(Object::as_stream) else {
            return;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return;
        }
        let content = if stream.dict.has(b"Filter") {
            match stream.decompressed_content() {
                Ok(content) if content.len() <= MAX_STREAM_BYTES => content,
                _ => return,
            }
        } else {
            stream.content.clone()
        };
        let matrix = stream
            .dict
            .get(b"Matrix")
            .and_then(Object::as_array)
            .ok()
            .and_then(|values| Matrix::from_operands(values))
            .unwrap_or(Matrix::IDENTITY);
        let resources = stream
            .dict
            .get(b"Resources")
            .and_then(|object| resolve(document, object).as_dict())
            .ok();
        let own_fonts = resources
            .and_then(|resources| resources.get(b"Font").ok())
            .and_then(|fonts| resolve(document, fonts).as_dict().ok())
            .map(|fonts| {
                load_fonts(
                    document,
                    fonts.iter().filter_map(|(name, font)| {
                        resolve(document, font)
                            .as_dict()
                            .ok()
                            .map(|font| (name.clone(), font))
                    }),
                )
            });
        let own_xobjects = resources
            .map(|resources| xobject_map(document, resources))
            .unwrap_or_default();
        let fonts = own_fonts.as_ref().unwrap_or(parent_fonts);
        self.stream(&content, fonts, &own_xobjects, matrix.then(&ctm), depth + 1);
    }

    /// Shows one string operand: decides the break before it, writes it, advances the pen.
    fn show(
        &mut self,
        state: &mut TextState,
        fonts: &HashMap<Vec<u8>, Font<'d>>,
        operand: Option<&Object>,
    ) {
        let Some(Object::String(bytes, _)) = operand else {
            return;
        };
        if bytes.is_empty() {
            return;
        }
        self.shown_strings += 1;
        let font = state.font.as_ref().and_then(|name| fonts.get(name));
        let text = match font.and_then(|font| font.encoding.as_ref()) {
            Some(encoding) => encoding.bytes_to_string(bytes).ok(),
            None => None,
        };
        let placement = state.text_matrix.then(&state.ctm);
        let (x, y) = placement.origin();
        let size = (state.size * placement.scale()).abs().max(0.1);
        // Advance the pen whether or not the text could be decoded.
        let two_byte = font.is_some_and(|font| font.two_byte_codes);
        let codes: Vec<u32> = if two_byte {
            bytes
                .chunks(2)
                .map(|pair| u32::from(pair[0]) << 8 | u32::from(*pair.get(1).unwrap_or(&0)))
                .collect()
        } else {
            bytes.iter().map(|&byte| u32::from(byte)).collect()
        };
        let mut advance = 0.0;
        for &code in &codes {
            let width = font.map_or(500.0, |font| font.widths.of(code)) / 1000.0;
            let spacing = if !two_byte && code == 32 {
                state.word_spacing
            } else {
                0.0
            };
            advance += (width * state.size + state.char_spacing + spacing) * state.horizontal_scale;
        }
        if advance.is_finite() {
            state.text_matrix = Matrix::translate(advance, 0.0).then(&state.text_matrix);
        }
        let Some(text) = text else {
            return;
        };
        let text: String = text.chars().filter(|&ch| ch != '\0').collect();
        self.decoded_strings += 1;
        let (end_x, _) = state.text_matrix.then(&state.ctm).origin();
        if x.is_finite() && y.is_finite() && end_x.is_finite() {
            self.pieces.push(Piece::Text {
                x,
                y,
                end_x,
                size,
                text,
            });
        }
    }
}

fn move_line(state: &mut TextState, x: f64, y: f64) {
    if !(x.is_finite() && y.is_finite()) {
        return;
    }
    state.line_matrix = Matrix::translate(x, y).then(&state.line_matrix);
    state.text_matrix = state.line_matrix;
}

fn next_line(state: &mut TextState) {
    let leading = state.leading;
    move_line(state, 0.0, -leading);
}

fn resolve<'a>(document: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => document.get_object(*id).unwrap_or(object),
        _ => object,
    }
}

fn page_xobjects(document: &Document, page_id: ObjectId) -> HashMap<Vec<u8>, ObjectId> {
    let mut map = HashMap::new();
    let Ok((own, inherited)) = document.get_page_resources(page_id) else {
        return map;
    };
    let mut dictionaries: Vec<&Dictionary> = inherited
        .iter()
        .filter_map(|id| document.get_dictionary(*id).ok())
        .collect();
    dictionaries.extend(own);
    for resources in dictionaries {
        map.extend(xobject_map(document, resources));
    }
    map
}

fn xobject_map(document: &Document, resources: &Dictionary) -> HashMap<Vec<u8>, ObjectId> {
    let Ok(xobjects) = resources
        .get(b"XObject")
        .and_then(|object| resolve(document, object).as_dict())
    else {
        return HashMap::new();
    };
    xobjects
        .iter()
        .filter_map(|(name, object)| object.as_reference().ok().map(|id| (name.clone(), id)))
        .collect()
}

fn load_fonts<'d>(
    document: &'d Document,
    fonts: impl Iterator<Item = (Vec<u8>, &'d Dictionary)>,
) -> HashMap<Vec<u8>, Font<'d>> {
    fonts
        .map(|(name, dictionary)| (name, load_font(document, dictionary)))
        .collect()
}

fn load_font<'d>(document: &'d Document, font: &'d Dictionary) -> Font<'d> {
    let subtype = font
        .get(b"Subtype")
        .and_then(Object::as_name)
        .unwrap_or(b"");
    let two_byte_codes = subtype == b"Type0";
    let has_unicode_map = font.has(b"ToUnicode");
    // lopdf reads /Encoding before /ToUnicode; ToUnicode is the one meant for extraction.
    let encoding = if has_unicode_map {
        to_unicode_encoding(document, font)
    } else if two_byte_codes {
        // A CID font without a map: the codes are glyph ids, not text.
        None
    } else {
        font.get_font_encoding_with_limit(document, MAX_STREAM_BYTES)
            .ok()
    };
    let widths = if two_byte_codes {
        cid_widths(document, font)
    } else {
        simple_widths(document, font)
    };
    Font {
        encoding,
        two_byte_codes,
        widths,
    }
}

/// The `ToUnicode` map of a font, through lopdf (which consults it only without `/Encoding`).
fn to_unicode_encoding<'d>(document: &'d Document, font: &'d Dictionary) -> Option<Encoding<'d>> {
    // The returned encoding owns its map, so a copy of the font without /Encoding is enough.
    let mut stripped = font.clone();
    stripped.remove(b"Encoding");
    let encoding = stripped
        .get_font_encoding_with_limit(document, MAX_STREAM_BYTES)
        .ok()?;
    match encoding {
        Encoding::UnicodeMapEncoding(map) => Some(Encoding::UnicodeMapEncoding(map)),
        _ => font
            .get_font_encoding_with_limit(document, MAX_STREAM_BYTES)
            .ok(),
    }
}

fn simple_widths(document: &Document, font: &Dictionary) -> Widths {
    let Ok(widths) = font
        .get(b"Widths")
        .and_then(|object| resolve(document, object).as_array())
    else {
        return Widths::Unknown;
    };
    let first = font
        .get(b"FirstChar")
        .ok()
        .and_then(|object| number(resolve(document, object)))
        .unwrap_or(0.0) as i64;
    let missing = font
        .get(b"FontDescriptor")
        .and_then(|object| resolve(document, object).as_dict())
        .ok()
        .and_then(|descriptor| descriptor.get(b"MissingWidth").ok())
        .and_then(|object| number(resolve(document, object)))
        .unwrap_or(500.0);
    Widths::Simple {
        first,
        widths: widths
            .iter()
            .map(|width| number(resolve(document, width)).unwrap_or(missing))
            .collect(),
        missing,
    }
}

fn cid_widths(document: &Document, font: &Dictionary) -> Widths {
    let descendant = font
        .get(b"DescendantFonts")
        .and_then(|object| resolve(document, object).as_array())
        .ok()
        .and_then(|fonts| fonts.first())
        .and_then(|object| resolve(document, object).as_dict().ok());
    let Some(descendant) = descendant else {
        return Widths::Cid {
            default: 1000.0,
            widths: HashMap::new(),
        };
    };
    let default = descendant
        .get(b"DW")
        .ok()
        .and_then(|object| number(resolve(document, object)))
        .unwrap_or(1000.0);
    let mut widths = HashMap::new();
    if let Ok(array) = descendant
        .get(b"W")
        .and_then(|object| resolve(document, object).as_array())
    {
        let mut index = 0;
        while index < array.len() {
            let Some(start) = number(resolve(document, &array[index])) else {
                break;
            };
            match array.get(index + 1).map(|object| resolve(document, object)) {
                Some(Object::Array(list)) => {
                    for (offset, width) in list.iter().enumerate().take(65_536) {
                        if let Some(width) = number(resolve(document, width)) {
                            widths.insert(start as u32 + offset as u32, width);
                        }
                    }
                    index += 2;
                }
                Some(end) => {
                    let end = number(end).unwrap_or(start);
                    let width = array
                        .get(index + 2)
                        .and_then(|object| number(resolve(document, object)))
                        .unwrap_or(default);
                    let (start, end) = (start as u32, end as u32);
                    for code in start..=end.min(start.saturating_add(65_535)) {
                        widths.insert(code, width);
                    }
                    index += 3;
                }
                None => break,
            }
        }
    }
    Widths::Cid { default, widths }
}

#[cfg(test)]
mod tests;
