//! Errors of the resolution parser.

use thiserror::Error;

/// Why a file could not become a resolution.
#[derive(Debug, Error)]
pub enum ParseError {
    /// The file has no bytes, or only white space.
    #[error("file is empty")]
    Empty,
    /// The bytes are not text (NUL bytes or mostly control characters).
    #[error("file is binary, not text")]
    Binary,
    /// The bytes are not valid UTF-8.
    #[error("file is not valid UTF-8 (at byte {offset}); save it as UTF-8")]
    NotUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// The text has no Cyrillic words at all, so it cannot be a Russian resolution.
    #[error("file has no Russian text")]
    NoRussianText,
}

impl ParseError {
    /// Whether the problem lies in the input (as opposed to a bug in edusearch).
    pub fn is_invalid_input(&self) -> bool {
        true
    }
}
