//! The shape of extracted text, shared by every format.
//!
//! Readers emit text and *requests* for breaks; a break is written only when more text follows,
//! so no reader has to care about leading, trailing or doubled blank lines. The contract of the
//! output (see the crate docs): paragraphs are separated by one blank line, lines inside a block
//! (list items, table rows, `<br>`) by a single newline.

use std::borrow::Cow;

/// A break requested between two pieces of text; a stronger request wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Pending {
    None,
    Space,
    Line,
    Paragraph,
}

/// Accumulates text and resolves requested breaks lazily.
#[derive(Debug)]
pub(crate) struct TextBuilder {
    out: String,
    pending: Pending,
}

impl TextBuilder {
    pub(crate) fn new() -> Self {
        TextBuilder {
            out: String::new(),
            pending: Pending::None,
        }
    }

    fn request(&mut self, pending: Pending) {
        if pending > self.pending {
            self.pending = pending;
        }
    }

    /// Asks for a space before the next text (collapsing whitespace, as HTML does).
    pub(crate) fn space(&mut self) {
        self.request(Pending::Space);
    }

    /// Asks for a newline before the next text.
    pub(crate) fn line_break(&mut self) {
        self.request(Pending::Line);
    }

    /// Asks for a blank line before the next text.
    pub(crate) fn paragraph_break(&mut self) {
        self.request(Pending::Paragraph);
    }

    fn flush_pending(&mut self) {
        if !self.out.is_empty() {
            match self.pending {
                Pending::None => {}
                Pending::Space => {
                    if !self.out.ends_with([' ', '\n', '\t']) {
                        self.out.push(' ');
                    }
                }
                Pending::Line => self.out.push('\n'),
                Pending::Paragraph => self.out.push_str("\n\n"),
            }
        }
        self.pending = Pending::None;
    }

    /// Appends text as it is (whitespace kept).
    pub(crate) fn push_str(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.flush_pending();
        self.out.push_str(text);
    }

    /// Appends one character as it is.
    pub(crate) fn push_char(&mut self, ch: char) {
        self.flush_pending();
        self.out.push(ch);
    }

    /// Appends text with every run of whitespace collapsed to one pending space (HTML rules).
    pub(crate) fn push_collapsed(&mut self, text: &str) {
        for (index, word) in text.split(is_collapsible_space).enumerate() {
            if index > 0 {
                self.space();
            }
            self.push_str(word);
        }
    }

    /// Whether the text so far ends with a letter and a hyphen («естественно-»), with no break
    /// pending after it.
    pub(crate) fn ends_with_hyphenated_word(&self) -> bool {
        let mut chars = self.out.chars().rev();
        self.pending == Pending::None
            && chars.next() == Some('-')
            && chars.next().is_some_and(char::is_alphabetic)
    }

    /// Number of bytes written so far (pending breaks not counted).
    pub(crate) fn len(&self) -> usize {
        self.out.len()
    }

    /// The text so far, without pending breaks.
    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// Whitespace that HTML collapses: ASCII whitespace only, so a no-break space survives.
fn is_collapsible_space(ch: char) -> bool {
    matches!(ch, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// Brings text from any reader to the common shape: `\n` line ends, no control characters, no
/// surrounding whitespace on a line, at most one blank line in a row, none at the ends, and no line longer
/// than `max_line_chars` (longer ones are split at a space where possible, with a warning).
pub(crate) fn normalize(text: &str, max_line_chars: usize, warnings: &mut Vec<String>) -> String {
    let max_line_chars = max_line_chars.max(1);
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0usize;
    let mut split_lines = 0usize;
    let mut longest = 0usize;
    let unified = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    };
    for raw_line in unified.split(['\n', '\r']) {
        // Most lines have nothing to drop and are taken as they are.
        let cleaned = if has_dropped_chars(raw_line) {
            Cow::Owned(raw_line.chars().filter(|&ch| !is_dropped(ch)).collect())
        } else {
            Cow::Borrowed(raw_line)
        };
        let line = cleaned.trim();
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
        }
        blank_run = 0;
        // A line of no more bytes than the limit has no more characters either.
        let length = if line.len() > max_line_chars {
            line.chars().count()
        } else {
            line.len()
        };
        if length > max_line_chars {
            split_lines += 1;
            longest = longest.max(length);
            push_split(&mut out, line, max_line_chars);
        } else {
            out.push_str(line);
        }
    }
    if split_lines > 0 {
        warnings.push(format!(
            "{split_lines} line(s) longer than {max_line_chars} characters (the longest {longest}) were split"
        ));
    }
    out
}

/// Writes `line` in pieces of at most `max_chars` characters, breaking at the last whitespace of
/// a piece when there is one.
/// Characters [`normalize`] drops: control characters but the tab, and the byte-order mark.
fn is_dropped(ch: char) -> bool {
    ch != '\t' && (ch.is_control() || ch == '\u{feff}')
}

/// Whether `line` holds a character [`is_dropped`] drops, read from its UTF-8 bytes: the
/// control characters are U+0000–U+001F, U+007F (one byte) and U+0080–U+009F (`C2 80`–`C2 9F`),
/// the byte-order mark is `EF BB BF`.
fn has_dropped_chars(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.iter().enumerate().any(|(at, &byte)| match byte {
        b'\t' => false,
        0x00..=0x1f | 0x7f => true,
        0xc2 => bytes
            .get(at + 1)
            .is_some_and(|next| (0x80..=0x9f).contains(next)),
        0xef => bytes.get(at + 1..at + 3) == Some(&[0xbb, 0xbf][..]),
        _ => false,
    })
}

fn push_split(out: &mut String, line: &str, max_chars: usize) {
    let mut rest = line;
    loop {
        let mut cut = None;
        let mut last_space = None;
        for (count, (offset, ch)) in rest.char_indices().enumerate() {
            if count == max_chars {
                cut = Some(offset);
                break;
            }
            if ch.is_whitespace() {
                last_space = Some(offset);
            }
        }
        let Some(hard_cut) = cut else {
            out.push_str(rest);
            return;
        };
        if rest[hard_cut..].starts_with(char::is_whitespace) {
            last_space = Some(hard_cut);
        }
        let (piece, next) = match last_space {
            Some(space) if space > 0 => (&rest[..space], &rest[space..]),
            _ => (&rest[..hard_cut], &rest[hard_cut..]),
        };
        out.push_str(piece.trim_end());
        out.push('\n');
        rest = next.trim_start();
        if rest.is_empty() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_are_resolved_lazily() {
        let mut builder = TextBuilder::new();
        builder.paragraph_break();
        builder.push_str("один");
        builder.line_break();
        builder.paragraph_break();
        builder.push_collapsed("  два\n  три ");
        builder.paragraph_break();
        assert_eq!(builder.finish(), "один\n\nдва три");
    }

    #[test]
    fn dropped_characters_are_found_in_the_bytes() {
        let chars: Vec<char> = (0..=0x3000_u32)
            .chain([0xfeff, 0xfffe, 0x1_0000])
            .filter_map(char::from_u32)
            .collect();
        for &ch in &chars {
            for line in [format!("{ch}"), format!("«а{ch}б»"), format!("{ch}\u{a0}")] {
                assert_eq!(
                    has_dropped_chars(&line),
                    line.chars().any(is_dropped),
                    "{:?}",
                    ch
                );
            }
        }
    }

    #[test]
    fn normalize_collapses_blank_lines_and_trims() {
        let mut warnings = Vec::new();
        let text = "\r\n\n  a \r\n\n\n\nb\x07\t\n \n";
        assert_eq!(normalize(text, 100, &mut warnings), "a\n\nb");
        assert!(warnings.is_empty());
    }

    #[test]
    fn long_lines_are_split_at_spaces() {
        let mut warnings = Vec::new();
        let text = "аааа бббб вввв";
        assert_eq!(normalize(text, 9, &mut warnings), "аааа бббб\nвввв");
        assert_eq!(warnings.len(), 1);
        assert_eq!(normalize(text, 8, &mut warnings), "аааа\nбббб\nвввв");
        let mut warnings = Vec::new();
        assert_eq!(normalize("абвгде", 4, &mut warnings), "абвг\nде");
    }
}
