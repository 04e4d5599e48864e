//! The one error type of the crate.
//!
//! Every variant is a problem with the input file, never with the machine: the caller shows the
//! message to whoever supplied the file. Messages say what is wrong and what to do about it.

use crate::Format;

/// Why no text could be extracted from a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The file has no bytes at all.
    #[error("file is empty; supply a file with text")]
    Empty,

    /// The file is larger than [`Limits::max_file_bytes`](crate::Limits::max_file_bytes).
    #[error("file is {size} bytes, over the limit of {limit} bytes; split it or raise the limit")]
    TooLarge {
        /// Size of the file in bytes.
        size: u64,
        /// The limit it broke.
        limit: u64,
    },

    /// The file name has an extension this crate cannot read (or none at all).
    #[error("unsupported format {}; supported: {supported}", describe_extension(.extension))]
    Unsupported {
        /// The extension as given, lowercased, without the dot (empty when there is none).
        extension: String,
        /// The supported extensions, comma-separated, each with its dot.
        supported: String,
    },

    /// A file of a known format in a version this crate cannot read (Word 6/95 `.doc`).
    #[error("{detail} is not supported; save it as .docx or .pdf and try again")]
    UnsupportedVersion {
        /// The format the file claims to be.
        format: Format,
        /// Which version it is, in words.
        detail: String,
    },

    /// A text-like file (`.txt`, `.html`) holds binary data: NUL bytes outside UTF-16, or mostly
    /// control characters.
    #[error("file looks binary, not text; supply a text file, a document or a pdf")]
    Binary,

    /// A PDF whose pages carry no text layer, typically a scan.
    #[error("pdf has no text layer (scanned?); run OCR first or supply the text")]
    ScannedPdf,

    /// A password-protected document (PDF, Word) that cannot be opened without the password.
    #[error("document is encrypted (password-protected); remove the password and try again")]
    Encrypted,

    /// The file is damaged or is not what its extension says.
    #[error("corrupt {} file: {reason}; re-save it and try again", .format.name())]
    Corrupt {
        /// The format the file was read as.
        format: Format,
        /// What was found broken.
        reason: String,
    },

    /// A ZIP container (DOCX, ODT) that would inflate past the limits: too many entries or too
    /// many uncompressed bytes. Checked from the archive directory before anything is inflated.
    #[error("{} archive refused as a possible zip bomb: {reason}; check the file or raise the limit", .format.name())]
    ZipBomb {
        /// The format of the container.
        format: Format,
        /// Which limit was exceeded, with the numbers.
        reason: String,
    },

    /// The file was read without error but holds no text (only markup, images or whitespace).
    #[error("no text found in the file; check that it is not empty or image-only")]
    NoText,
}

fn describe_extension(extension: &str) -> String {
    if extension.is_empty() {
        "(file name has no extension)".to_owned()
    } else {
        format!(".{extension}")
    }
}

impl ExtractError {
    pub(crate) fn corrupt(format: Format, reason: impl Into<String>) -> Self {
        ExtractError::Corrupt {
            format,
            reason: reason.into(),
        }
    }
}
