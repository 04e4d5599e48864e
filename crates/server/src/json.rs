//! Compact JSON for the search response, byte for byte what `serde_json::to_vec` writes, with
//! strings escaped eight bytes at a time.
//!
//! A page of 20 hits is about 25 KB of strings, mostly Cyrillic (two bytes a letter, none of
//! which needs escaping). `serde_json` looks every byte up in its escape table; this writer
//! tests a word of eight bytes at once and copies the runs between escapes, which takes the
//! server's work per search response outside the engine from 0.41 M to 0.32 M instructions
//! (`benches/README.md`, issue 19, fourth session). Numbers are written by `serde_json` itself,
//! so they cannot differ; map keys follow `serde_json`'s rules.

use serde::ser::{self, Serialize};

/// Why a value could not be written.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// A map key that is not a string, a number or a boolean (or is a non-finite float).
    #[error("a map key must be a string, a finite number or a boolean")]
    KeyNotString,
    /// An error raised by a value's own `Serialize`, or by `serde_json` for a number.
    #[error("{0}")]
    Custom(String),
}

impl ser::Error for JsonError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        JsonError::Custom(message.to_string())
    }
}

/// Writes `value` as compact JSON at the end of `out`.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), JsonError> {
    value.serialize(&mut Writer { out })
}

/// Writes `text` as a JSON string (quotes included), escaped as `serde_json` escapes it.
pub fn write_str(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run_start = 0;
    while let Some(at) = next_to_escape(bytes, run_start) {
        out.extend_from_slice(&bytes[run_start..at]);
        let byte = bytes[at];
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xF)]);
            }
        }
        run_start = at + 1;
    }
    out.extend_from_slice(&bytes[run_start..]);
    out.push(b'"');
}

/// The position of the first byte at or after `from` that needs escaping, testing eight bytes
/// at a time (the last few padded with spaces, which need none).
fn next_to_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let first_in = |at: usize| {
        let end = bytes.len().min(at + 8);
        bytes[at..end]
            .iter()
            .position(|&byte| byte < 0x20 || byte == b'"' || byte == b'\\')
            .map(|offset| at + offset)
    };
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        if needs_escape(u64::from_le_bytes(chunk.try_into().expect("eight bytes"))) {
            return first_in(at);
        }
        at += 8;
    }
    if at == bytes.len() {
        return None;
    }
    let mut padded = [b' '; 8];
    padded[..bytes.len() - at].copy_from_slice(&bytes[at..]);
    if needs_escape(u64::from_le_bytes(padded)) {
        first_in(at)
    } else {
        None
    }
}

/// Whether any of the eight bytes of `word` is a control character, `"` or `\`.
#[inline]
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte is below `n` (n ≤ 128) when subtracting n borrows into its high bit and the byte
    // did not have that bit itself; a byte equals `c` when `byte ^ c` is below 1.
    let below = |word: u64, n: u64| word.wrapping_sub(ONES * n) & !word & HIGHS;
    below(word, 0x20)
        | below(word ^ (ONES * u64::from(b'"')), 1)
        | below(word ^ (ONES * u64::from(b'\\')), 1)
        != 0
}

/// Methods `serialize_i8(self, value: i8)` … of a `Serializer`, each handing its value to
/// `self.$method`.
macro_rules! numbers_by {
    ($method:ident: $($name:ident($number:ty)),*) => {
        $(
            fn $name(self, value: $number) -> Result<(), JsonError> {
                self.$method(value)
            }
        )*
    };
}

/// The serializer: appends to `out`.
struct Writer<'a> {
    out: &'a mut Vec<u8>,
}

impl Writer<'_> {
    fn number<T: Serialize>(&mut self, value: T) -> Result<(), JsonError> {
        serde_json::to_writer(&mut *self.out, &value).map_err(ser::Error::custom)
    }
}

/// A JSON array or object being written: whether a value was written before the next one.
struct Compound<'a, 'b> {
    writer: &'a mut Writer<'b>,
    first: bool,
    /// What closes it: `]` or `}`, and `}` once more for a variant wrapped in an object.
    close: &'static [u8],
}

impl Compound<'_, '_> {
    fn separate(&mut self) {
        if !self.first {
            self.writer.out.push(b',');
        }
        self.first = false;
    }

    fn key(&mut self, key: &str) {
        self.separate();
        write_str(self.writer.out, key);
        self.writer.out.push(b':');
    }

    fn close(self) -> Result<(), JsonError> {
        self.writer.out.extend_from_slice(self.close);
        Ok(())
    }
}

impl<'a, 'b> ser::Serializer for &'a mut Writer<'b> {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = Compound<'a, 'b>;
    type SerializeTuple = Compound<'a, 'b>;
    type SerializeTupleStruct = Compound<'a, 'b>;
    type SerializeTupleVariant = Compound<'a, 'b>;
    type SerializeMap = Compound<'a, 'b>;
    type SerializeStruct = Compound<'a, 'b>;
    type SerializeStructVariant = Compound<'a, 'b>;

    fn serialize_bool(self, value: bool) -> Result<(), JsonError> {
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
        Ok(())
    }
    numbers_by!(number: serialize_i8(i8), serialize_i16(i16), serialize_i32(i32), serialize_i64(i64), serialize_i128(i128), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32), serialize_u64(u64), serialize_u128(u128), serialize_f32(f32), serialize_f64(f64));
    fn serialize_char(self, value: char) -> Result<(), JsonError> {
        write_str(self.out, value.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, value: &str) -> Result<(), JsonError> {
        write_str(self.out, value);
        Ok(())
    }
    fn serialize_bytes(self, value: &[u8]) -> Result<(), JsonError> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(value.len()))?;
        for byte in value {
            seq.serialize_element(byte)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), JsonError> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), JsonError> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), JsonError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), JsonError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        self.out.push(b'{');
        write_str(self.out, variant);
        self.out.push(b':');
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, 'b>, JsonError> {
        self.out.push(b'[');
        Ok(Compound {
            writer: self,
            first: true,
            close: b"]",
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, 'b>, JsonError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'b>, JsonError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'b>, JsonError> {
        self.out.push(b'{');
        write_str(self.out, variant);
        self.out.extend_from_slice(b":[");
        Ok(Compound {
            writer: self,
            first: true,
            close: b"]}",
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, 'b>, JsonError> {
        self.out.push(b'{');
        Ok(Compound {
            writer: self,
            first: true,
            close: b"}",
        })
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'b>, JsonError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'b>, JsonError> {
        self.out.push(b'{');
        write_str(self.out, variant);
        self.out.extend_from_slice(b":{");
        Ok(Compound {
            writer: self,
            first: true,
            close: b"}}",
        })
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        self.separate();
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), JsonError> {
        self.separate();
        key.serialize(KeyWriter {
            out: self.writer.out,
        })?;
        self.writer.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        self.key(key);
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

/// A map key: a string as it is, a number or a boolean in quotes (as `serde_json` writes them).
struct KeyWriter<'a> {
    out: &'a mut Vec<u8>,
}

impl KeyWriter<'_> {
    fn quoted<T: Serialize>(self, value: T) -> Result<(), JsonError> {
        self.out.push(b'"');
        serde_json::to_writer(&mut *self.out, &value).map_err(ser::Error::custom)?;
        self.out.push(b'"');
        Ok(())
    }
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = ser::Impossible<(), JsonError>;
    type SerializeTuple = ser::Impossible<(), JsonError>;
    type SerializeTupleStruct = ser::Impossible<(), JsonError>;
    type SerializeTupleVariant = ser::Impossible<(), JsonError>;
    type SerializeMap = ser::Impossible<(), JsonError>;
    type SerializeStruct = ser::Impossible<(), JsonError>;
    type SerializeStructVariant = ser::Impossible<(), JsonError>;

    fn serialize_str(self, value: &str) -> Result<(), JsonError> {
        write_str(self.out, value);
        Ok(())
    }
    fn serialize_char(self, value: char) -> Result<(), JsonError> {
        write_str(self.out, value.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), JsonError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        value.serialize(self)
    }
    numbers_by!(quoted: serialize_i8(i8), serialize_i16(i16), serialize_i32(i32), serialize_i64(i64), serialize_i128(i128), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32), serialize_u64(u64), serialize_u128(u128));
    fn serialize_bool(self, value: bool) -> Result<(), JsonError> {
        self.quoted(value)
    }
    fn serialize_f32(self, value: f32) -> Result<(), JsonError> {
        if !value.is_finite() {
            return Err(JsonError::KeyNotString);
        }
        self.quoted(value)
    }
    fn serialize_f64(self, value: f64) -> Result<(), JsonError> {
        if !value.is_finite() {
            return Err(JsonError::KeyNotString);
        }
        self.quoted(value)
    }
    fn serialize_bytes(self, _value: &[u8]) -> Result<(), JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_none(self) -> Result<(), JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_unit(self) -> Result<(), JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, JsonError> {
        Err(JsonError::KeyNotString)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, JsonError> {
        Err(JsonError::KeyNotString)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::*;

    fn ours<T: Serialize>(value: &T) -> String {
        let mut out = Vec::new();
        write(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Every byte that needs escaping, at every position within and across the eight-byte
    /// words, beside Cyrillic, emoji and plain ASCII: written exactly as `serde_json` writes it.
    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let specials: Vec<char> = (0u8..0x20)
            .map(char::from)
            .chain(['"', '\\', '/', '\u{7f}', 'ё', '😀', 'a'])
            .collect();
        for special in &specials {
            for before in 0..17 {
                for filler in ["ж", "x"] {
                    let text = format!(
                        "{}{special}{}{special}",
                        filler.repeat(before),
                        "ы".repeat(before % 5)
                    );
                    assert_eq!(
                        ours(&text),
                        serde_json::to_string(&text).unwrap(),
                        "{text:?}"
                    );
                }
            }
        }
        assert_eq!(ours(&""), "\"\"");
    }

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Item,
        Wrapped(u32),
        Pair(u8, i64),
        Named { score: f32 },
    }

    #[derive(Serialize)]
    struct Inner {
        years: BTreeMap<u16, u64>,
        regions: BTreeMap<String, Option<bool>>,
    }

    #[derive(Serialize)]
    struct Page {
        took_ms: f64,
        score: f32,
        total: u64,
        negative: i32,
        absent: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        kinds: Vec<Kind>,
        tuple: (char, bool, ()),
        #[serde(flatten)]
        inner: Inner,
        nan: f64,
    }

    /// Numbers, options, enums of every shape, integer map keys and a flattened struct: the
    /// same bytes as `serde_json`.
    #[test]
    fn values_of_every_shape_are_written_as_serde_json_writes_them() {
        let page = Page {
            took_ms: 0.123_456_789,
            score: 12.5e-7,
            total: u64::MAX,
            negative: -42,
            absent: None,
            skipped: None,
            kinds: vec![
                Kind::Item,
                Kind::Wrapped(7),
                Kind::Pair(1, -1),
                Kind::Named { score: 1.0 },
            ],
            tuple: ('"', true, ()),
            inner: Inner {
                years: BTreeMap::from([(2023, 5), (2024, 0)]),
                regions: BTreeMap::from([
                    ("Красноярский край".to_string(), Some(true)),
                    ("\"quoted\"\n".to_string(), None),
                ]),
            },
            nan: f64::NAN,
        };
        assert_eq!(ours(&page), serde_json::to_string(&page).unwrap());
    }

    /// A key that JSON cannot have is refused, as `serde_json` refuses it.
    #[test]
    fn a_map_key_that_is_a_list_is_an_error_and_numbers_and_booleans_are_quoted() {
        let lists = BTreeMap::from([((1, 2), 1)]);
        let floats = BTreeMap::from([(1.5f64.to_bits(), f64::NAN)]);
        let mut out = Vec::new();
        assert!(matches!(
            write(&mut out, &lists),
            Err(JsonError::KeyNotString)
        ));
        assert!(serde_json::to_string(&lists).is_err());
        assert_eq!(ours(&floats), serde_json::to_string(&floats).unwrap());
        let keyed_by_bool = BTreeMap::from([(true, 1.5f32), (false, -0.0)]);
        assert_eq!(
            ours(&keyed_by_bool),
            serde_json::to_string(&keyed_by_bool).unwrap()
        );
    }
}
