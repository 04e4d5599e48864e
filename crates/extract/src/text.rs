//! Bytes to text: byte-order marks, UTF-16 without a mark, UTF-8, and the legacy Russian code
//! pages (windows-1251, KOI8-R, IBM866), with a generic detector for everything else.
//!
//! `chardetng` is a good general detector, but on a few hundred bytes of Russian it can take
//! KOI8-R for windows-1251 or the reverse, and the cost of that mistake is a whole unreadable
//! document. Russian gives a cheap and strong signal instead: running text is mostly lowercase,
//! and each Cyrillic code page puts the lowercase letters in a different byte range. So the
//! legacy Cyrillic candidates are scored first (lowercase letters count for, case flips inside a
//! word and pseudo-graphics count against) and `chardetng` decides only when no candidate reads as
//! Russian.

use encoding_rs::{Encoding, IBM866, KOI8_R, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1251};

use crate::ExtractError;

/// Text decoded from bytes, with the encoding that was used.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub(crate) text: String,
    pub(crate) encoding: &'static Encoding,
    pub(crate) warnings: Vec<String>,
}

/// How many bytes the sniffers look at; enough to decide, cheap on huge files.
const SNIFF_BYTES: usize = 64 * 1024;

/// Decodes a plain-text file, detecting its encoding.
pub(crate) fn decode_text(bytes: &[u8]) -> Result<Decoded, ExtractError> {
    decode_with_declared(bytes, None)
}

/// Decodes bytes whose container may declare an encoding (an HTML `<meta charset>`).
///
/// A byte-order mark wins over the declaration, the declaration over detection; a declared UTF-8
/// that is not valid UTF-8 falls back to detection with a warning, as such pages are common.
pub(crate) fn decode_with_declared(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
) -> Result<Decoded, ExtractError> {
    let mut warnings = Vec::new();
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        return finish(encoding, &bytes[bom_length..], warnings);
    }
    if let Some(encoding) = sniff_utf16(bytes) {
        return finish(encoding, bytes, warnings);
    }
    if memchr_nul(bytes) {
        return Err(ExtractError::Binary);
    }
    if let Some(encoding) = declared {
        // A page cannot really be UTF-16 if it had no BOM and no NUL pattern (WHATWG rule).
        let encoding = if encoding == UTF_16LE || encoding == UTF_16BE {
            UTF_8
        } else {
            encoding
        };
        if encoding != UTF_8 {
            return finish(encoding, bytes, warnings);
        }
    }
    // Nearly every file is valid UTF-8: one check, and the text is the bytes. The check is
    // simdutf8's (SIMD; std's byte-at-a-time check of Cyrillic text was 1 % of a build).
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return finish_text(text.to_owned(), UTF_8, warnings);
    }
    match Utf8Check::of(bytes) {
        Utf8Check::Valid => finish(UTF_8, bytes, warnings),
        Utf8Check::StrayBytes { count, first } => {
            // Nearly all of it reads as UTF-8: a few damaged bytes must not turn the whole
            // document into mojibake under a legacy code page.
            warnings.push(format!(
                "{count} byte(s) are not valid UTF-8 (the first at byte {first}) and were replaced with U+FFFD; the rest is read as UTF-8"
            ));
            let (text, _) = UTF_8.decode_without_bom_handling(bytes);
            finish_text(text.into_owned(), UTF_8, warnings)
        }
        Utf8Check::NotUtf8 => {
            if declared == Some(UTF_8) {
                warnings.push(
                    "declared encoding UTF-8 does not match the bytes; detected instead".into(),
                );
            }
            finish(detect_legacy(bytes), bytes, warnings)
        }
    }
}

/// How well bytes read as UTF-8.
#[derive(Debug, PartialEq, Eq)]
enum Utf8Check {
    /// Valid, allowing one sequence cut off at the very end (a truncated download).
    Valid,
    /// Valid but for a few invalid bytes among many multi-byte characters.
    StrayBytes {
        /// Invalid bytes.
        count: usize,
        /// Offset of the first one.
        first: usize,
    },
    /// Not UTF-8.
    NotUtf8,
}

impl Utf8Check {
    /// At most one invalid byte per this many valid multi-byte characters keeps UTF-8.
    const CHARS_PER_STRAY_BYTE: usize = 50;

    fn of(bytes: &[u8]) -> Self {
        let (mut invalid, mut multibyte, mut first) = (0usize, 0usize, None);
        let mut offset = 0;
        loop {
            let rest = &bytes[offset..];
            let (valid, step) = match std::str::from_utf8(rest) {
                Ok(_) => (rest.len(), None),
                Err(error) => (error.valid_up_to(), error.error_len()),
            };
            // Lead bytes of multi-byte sequences: one per non-ASCII character.
            multibyte += rest[..valid].iter().filter(|&&byte| byte >= 0xC0).count();
            let Some(bad) = step else {
                break;
            };
            first.get_or_insert(offset + valid);
            invalid += bad;
            offset += valid + bad;
            if invalid > bytes.len() / Self::CHARS_PER_STRAY_BYTE + 1 {
                return Utf8Check::NotUtf8;
            }
        }
        match first {
            None => Utf8Check::Valid,
            Some(first) if invalid * Self::CHARS_PER_STRAY_BYTE <= multibyte => {
                Utf8Check::StrayBytes {
                    count: invalid,
                    first,
                }
            }
            Some(_) => Utf8Check::NotUtf8,
        }
    }
}

fn finish(
    encoding: &'static Encoding,
    bytes: &[u8],
    mut warnings: Vec<String>,
) -> Result<Decoded, ExtractError> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        warnings.push(format!(
            "some bytes are not valid {} and were replaced with U+FFFD",
            encoding.name()
        ));
    }
    finish_text(text.into_owned(), encoding, warnings)
}

fn finish_text(
    text: String,
    encoding: &'static Encoding,
    warnings: Vec<String>,
) -> Result<Decoded, ExtractError> {
    if looks_binary(&text) {
        return Err(ExtractError::Binary);
    }
    Ok(Decoded {
        text,
        encoding,
        warnings,
    })
}

fn memchr_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
}

/// UTF-16 without a byte-order mark: NUL bytes that sit almost all on one parity, as the high
/// bytes of ASCII characters (spaces, digits, punctuation) do even in Cyrillic text.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut even_nuls, mut odd_nuls) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even_nuls += usize::from(pair[0] == 0);
        odd_nuls += usize::from(pair[1] == 0);
    }
    let (nuls_here, nuls_there, encoding) = if odd_nuls >= even_nuls {
        (odd_nuls, even_nuls, UTF_16LE)
    } else {
        (even_nuls, odd_nuls, UTF_16BE)
    };
    // At least one character in twenty is ASCII, and NULs on the other side are rare.
    if nuls_here * 20 < pairs || nuls_there * 10 > nuls_here {
        return None;
    }
    // The other byte of a pair must not be NUL too (that would be UTF-32 or binary).
    let (text, had_errors) = encoding.decode_without_bom_handling(sample);
    if had_errors && sample.len() > 16 {
        return None;
    }
    if looks_binary(&text) {
        return None;
    }
    Some(encoding)
}

/// Mostly control characters: a binary file that happened to decode.
///
/// Of the first [`SNIFF_BYTES`] characters, those of the general category Cc
/// ([`char::is_control`]: U+0000–U+001F and U+007F–U+009F) but for line breaks, tabs and form
/// feeds are counted from the UTF-8 bytes, without decoding each character.
fn looks_binary(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut total = 0usize;
    let mut control = 0usize;
    for (at, &byte) in bytes.iter().enumerate() {
        // A continuation byte is inside a character already counted.
        if byte & 0xC0 == 0x80 {
            continue;
        }
        if total == SNIFF_BYTES {
            break;
        }
        total += 1;
        let is_control = match byte {
            b'\n' | b'\r' | b'\t' | 0x0c => false,
            0x00..=0x1f | 0x7f => true,
            // U+0080..U+009F are C2 80..C2 9F.
            0xc2 => matches!(bytes.get(at + 1), Some(0x80..=0x9f)),
            _ => false,
        };
        control += usize::from(is_control);
    }
    control > 0 && (control * 10 > total || text.contains('\0'))
}

/// Picks a legacy single-byte encoding for bytes that are not UTF-8.
fn detect_legacy(bytes: &[u8]) -> &'static Encoding {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if let Some(encoding) = best_russian(sample) {
        return encoding;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, sample.len() == bytes.len());
    detector.guess(Some(b"ru"), chardetng::Utf8Detection::Deny)
}

/// The Cyrillic code page under which `bytes` read best as Russian, if any reads well.
fn best_russian(bytes: &[u8]) -> Option<&'static Encoding> {
    let high = bytes.iter().filter(|&&byte| byte >= 0x80).count();
    if high == 0 {
        return None;
    }
    let mut best: Option<(&'static Encoding, i64, RussianScore)> = None;
    for encoding in [WINDOWS_1251, KOI8_R, IBM866] {
        let score = russian_score(encoding, bytes);
        let value = score.value();
        if best
            .as_ref()
            .is_none_or(|(_, best_value, _)| value > *best_value)
        {
            best = Some((encoding, value, score));
        }
    }
    let (encoding, _, score) = best?;
    // Most high bytes must be Cyrillic letters, and most of those lowercase, as in prose.
    // Latin-1 text read as windows-1251 also gives lowercase Cyrillic, but inside Latin words.
    let reads_as_russian = score.letters * 10 >= score.high_chars * 8
        && score.lowercase * 2 > score.letters
        && score.mixed_script * 5 < score.letters;
    reads_as_russian.then_some(encoding)
}

#[derive(Debug, Default)]
struct RussianScore {
    high_chars: i64,
    letters: i64,
    lowercase: i64,
    frequent: i64,
    case_flips: i64,
    other: i64,
    /// Cyrillic letters next to a Latin letter.
    mixed_script: i64,
}

impl RussianScore {
    fn value(&self) -> i64 {
        self.lowercase + self.frequent - 2 * self.case_flips - 2 * self.other
    }
}

fn russian_score(encoding: &'static Encoding, bytes: &[u8]) -> RussianScore {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    let mut score = RussianScore::default();
    let mut previous_lower = false;
    let mut previous_latin = false;
    let mut previous_cyrillic = false;
    for ch in text.chars() {
        let latin = ch.is_ascii_alphabetic();
        let is_high = !ch.is_ascii();
        let lower = is_cyrillic_lower(ch);
        let upper = is_cyrillic_upper(ch);
        if is_high {
            score.high_chars += 1;
            if lower || upper {
                score.letters += 1;
            } else {
                score.other += 1;
            }
        }
        if lower {
            score.lowercase += 1;
            if "оеаинтсрвл".contains(ch) {
                score.frequent += 1;
            }
        }
        if upper && previous_lower {
            score.case_flips += 1;
        }
        if (lower || upper) && previous_latin || latin && previous_cyrillic {
            score.mixed_script += 1;
        }
        previous_lower = lower;
        previous_latin = latin;
        previous_cyrillic = lower || upper;
    }
    score
}

fn is_cyrillic_lower(ch: char) -> bool {
    ('а'..='я').contains(&ch) || ch == 'ё'
}

fn is_cyrillic_upper(ch: char) -> bool {
    ('А'..='Я').contains(&ch) || ch == 'Ё'
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The definition of [`looks_binary`], character by character.
    fn looks_binary_by_chars(text: &str) -> bool {
        let mut total = 0usize;
        let mut control = 0usize;
        for ch in text.chars().take(SNIFF_BYTES) {
            total += 1;
            if ch == '\0' || (ch.is_control() && !matches!(ch, '\n' | '\r' | '\t' | '\x0c')) {
                control += 1;
            }
        }
        control > 0 && (control * 10 > total || text.contains('\0'))
    }

    proptest! {
        #[test]
        fn binary_text_is_told_from_bytes_as_from_characters(
            text in "[\\x00-\\x20\\x7f-\\u{a0}а-яa-z\\n\\t]{0,60}|\\PC{0,30}|.{0,30}",
        ) {
            prop_assert_eq!(looks_binary(&text), looks_binary_by_chars(&text));
        }
    }

    #[test]
    fn binary_text_is_judged_on_the_first_characters() {
        for (head, tail) in [(SNIFF_BYTES - 1, 3), (SNIFF_BYTES, 3), (SNIFF_BYTES + 1, 3)] {
            for filler in ["я", "a", "\u{85}"] {
                let text = format!("{}{}", filler.repeat(head), "\u{1}".repeat(tail));
                assert_eq!(
                    looks_binary(&text),
                    looks_binary_by_chars(&text),
                    "{filler} {head}"
                );
            }
        }
    }
    use super::*;

    fn roundtrip(encoding: &'static Encoding, text: &str) -> &'static str {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable);
        let decoded = decode_text(&bytes).expect("decodes");
        assert_eq!(decoded.text, text, "{}", decoded.encoding.name());
        decoded.encoding.name()
    }

    #[test]
    fn short_russian_phrases_are_detected_in_each_code_page() {
        for phrase in [
            "Резолюция",
            "Решили: рекомендовать",
            "Август 2023 г.",
            "Участники совещания рекомендуют",
            "1. Принять к сведению.",
            "Ёлка и ёж",
        ] {
            assert_eq!(roundtrip(WINDOWS_1251, phrase), "windows-1251", "{phrase}");
            assert_eq!(roundtrip(KOI8_R, phrase), "KOI8-R", "{phrase}");
        }
    }

    #[test]
    fn utf16_without_bom_is_sniffed() {
        let text = "Резолюция совещания 2023 года";
        let little: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let big: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let decoded = decode_text(&little).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.encoding), (text, UTF_16LE));
        let decoded = decode_text(&big).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.encoding), (text, UTF_16BE));
    }

    #[test]
    fn nul_bytes_outside_utf16_are_binary() {
        let bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0\x10\x10";
        assert_eq!(decode_text(bytes).unwrap_err(), ExtractError::Binary);
    }

    #[test]
    fn western_text_falls_back_to_the_detector() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1252.encode("Café déjà vu, naïve façade, crème brûlée");
        let decoded = decode_text(&bytes).unwrap();
        assert_eq!(decoded.text, "Café déjà vu, naïve façade, crème brûlée");
    }
}
