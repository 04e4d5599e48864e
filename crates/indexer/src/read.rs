//! From a file to a parsed resolution: the one reader that the build, `edusearch inspect` and
//! `corpus-gen export` share, so they agree on what a file holds and why one is refused.
//!
//! Reading has two stages, so that the build can recognise content it has indexed before (by
//! its hash) without parsing it again: [`FileReader::read_bytes`] takes a regular file, at most
//! `max_file_bytes` of it, and [`FileReader::parse`] extracts the text in any supported format,
//! parses it and adds the extraction warnings and the web address of the file's [`Source`].
//! [`FileReader::read`] does both; [`read_resolution`] does both for a file given on its own.

use std::fs;
use std::io::Read;
use std::path::Path;

use edusearch_extract::{Format, Limits};
use edusearch_resolution::{Resolution, parse_text};
use sha2::{Digest, Sha256};

use crate::error::ReadError;
use crate::sources::{Source, Sources};

/// Largest file read unless told otherwise: 50 MB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// One file parsed into a resolution, with what extraction found out about it.
#[derive(Debug, Clone)]
pub struct Record {
    /// The resolution; its warnings include extraction's, and its `source_url` is the address
    /// of the file when its [`Source`] has one.
    pub resolution: Resolution,
    /// The format the file was read as (the content may overrule the extension).
    pub format: Format,
    /// The character encoding of text-like formats, detected or declared.
    pub encoding: Option<String>,
}

/// The bytes of one regular file, read within the size limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileContent {
    bytes: Vec<u8>,
}

impl FileContent {
    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// SHA-256 of the bytes in lowercase hex: the build's key for content it has seen.
    pub fn hash(&self) -> String {
        let digest = Sha256::digest(&self.bytes);
        digest.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

/// Reads corpus files into [`Record`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileReader {
    /// Files larger than this are refused: checked before reading and while reading.
    pub max_file_bytes: u64,
}

impl Default for FileReader {
    fn default() -> Self {
        Self {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

impl FileReader {
    /// Reads a regular file, at most `max_file_bytes` of it. The size is checked before
    /// reading and the read itself is capped, as a device or a file in `/proc` says nothing true
    /// about its size.
    pub fn read_bytes(&self, path: &Path) -> Result<FileContent, ReadError> {
        let limit = self.max_file_bytes;
        let io = |error| ReadError::Io { error };
        // Checked before opening: opening a FIFO would wait for a writer.
        let metadata = fs::metadata(path).map_err(io)?;
        if let Some(kind) = not_regular(&metadata.file_type()) {
            return Err(ReadError::NotRegular { kind });
        }
        if metadata.len() > limit {
            return Err(ReadError::TooLarge {
                size: metadata.len(),
                limit,
            });
        }
        let file = fs::File::open(path).map_err(io)?;
        let capacity = usize::try_from(metadata.len().min(limit)).unwrap_or(0);
        let mut bytes = Vec::with_capacity(capacity);
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io)?;
        let size = bytes.len() as u64;
        if size > limit {
            return Err(ReadError::TooLarge { size, limit });
        }
        Ok(FileContent { bytes })
    }

    /// Extracts the text of a file in any supported format and parses it. `name` is what the
    /// resolution is known by (its extension tells the format); a known [`Source`] gives the
    /// charset the file was served with and the record's `source_url`.
    pub fn parse(
        &self,
        content: &FileContent,
        name: &str,
        source: Option<&Source>,
    ) -> Result<Record, ReadError> {
        let limits = Limits {
            max_file_bytes: self.max_file_bytes,
            ..Limits::default()
        };
        let charset = source.and_then(|source| source.charset.as_deref());
        let extracted =
            edusearch_extract::extract_with_charset(name, content.bytes(), &limits, charset)?;
        let mut resolution = parse_text(name, &extracted.text)?;
        resolution.warnings.extend(extracted.warnings);
        resolution.source_url = source.and_then(Source::address).map(str::to_string);
        Ok(Record {
            resolution,
            format: extracted.format,
            encoding: extracted.encoding,
        })
    }

    /// [`read_bytes`](Self::read_bytes), then [`parse`](Self::parse).
    pub fn read(
        &self,
        path: &Path,
        name: &str,
        source: Option<&Source>,
    ) -> Result<Record, ReadError> {
        let content = self.read_bytes(path)?;
        self.parse(&content, name, source)
    }
}

/// Reads and parses one file given on its own (as `edusearch inspect` is): known by its path as
/// given, with the [`Source`] the sources manifest of the nearest folder above it records, and
/// the default size limit.
pub fn read_resolution(path: &Path) -> Result<Record, ReadError> {
    let source = Sources::for_file(path);
    FileReader::default().read(path, &path.to_string_lossy(), source.as_ref())
}

/// What a non-regular file is («a FIFO»), or `None` for a regular file.
fn not_regular(file_type: &fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_file() {
        None
    } else if file_type.is_dir() {
        Some("a folder")
    } else if file_type.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if file_type.is_socket() {
        Some("a socket")
    } else if file_type.is_char_device() {
        Some("a character device")
    } else if file_type.is_block_device() {
        Some("a block device")
    } else {
        Some("a special file")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../index-data/resolutions/003_19532b6239aba2e0.txt")
    }

    #[test]
    fn a_seed_file_reads_as_the_parser_sees_it() {
        let record = read_resolution(&seed()).unwrap();
        let bytes = fs::read(seed()).unwrap();
        let parsed = edusearch_resolution::parse_resolution("x.txt", &bytes).unwrap();
        assert_eq!(record.resolution.id, parsed.id);
        assert_eq!(record.resolution.items.len(), 14);
        assert_eq!(record.format, Format::Text);
        assert_eq!(record.encoding.as_deref(), Some("UTF-8"));
        assert!(
            record
                .resolution
                .source
                .ends_with("003_19532b6239aba2e0.txt")
        );
        assert_eq!(record.resolution.source_url, None);
    }

    #[test]
    fn each_refusal_says_why_and_is_classified() {
        let folder = tempfile::tempdir().unwrap();
        let reader = FileReader {
            max_file_bytes: 4 * 1024 * 1024,
        };
        let read = |name: &str| {
            let path = folder.path().join(name);
            reader.read(&path, name, None).unwrap_err()
        };
        let missing = read("missing.txt");
        assert!(matches!(missing, ReadError::Io { .. }) && !missing.is_user_error());
        assert!(missing.to_string().starts_with("cannot read file: "));

        fs::create_dir(folder.path().join("sub.txt")).unwrap();
        let error = read("sub.txt");
        assert!(error.is_user_error());
        assert_eq!(
            error.to_string(),
            "a folder, not a regular file; only regular files are read"
        );

        fs::write(folder.path().join("big.txt"), vec![b'a'; 5 * 1024 * 1024]).unwrap();
        assert_eq!(
            read("big.txt").to_string(),
            "file is 5 MB, over the 4 MB limit"
        );

        fs::write(folder.path().join("notes.xls"), "x").unwrap();
        assert!(matches!(read("notes.xls"), ReadError::Extract(_)));

        fs::write(folder.path().join("latin.txt"), "only latin letters").unwrap();
        let error = read("latin.txt");
        assert!(matches!(error, ReadError::Parse(_)) && error.is_user_error());
        assert_eq!(error.to_string(), "file has no Russian text");
    }

    #[test]
    fn the_content_hash_is_sha256_in_hex() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("abc.txt");
        fs::write(&path, "abc").unwrap();
        let content = FileReader::default().read_bytes(&path).unwrap();
        assert_eq!(content.bytes(), b"abc");
        assert_eq!(
            content.hash(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_known_source_gives_the_address_and_the_charset() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("page.html");
        let html = cp1251("<p>Резолюция совещания педагогов</p>");
        fs::write(&path, html).unwrap();
        let source = Source {
            url: Some("http://uo.example.ru/1".to_string()),
            final_url: None,
            charset: Some("windows-1251".to_string()),
        };
        let record = FileReader::default()
            .read(&path, "page.html", Some(&source))
            .unwrap();
        assert_eq!(record.format, Format::Html);
        assert_eq!(record.encoding.as_deref(), Some("windows-1251"));
        assert_eq!(
            record.resolution.source_url.as_deref(),
            Some("http://uo.example.ru/1")
        );
    }

    /// windows-1251 bytes of ASCII and basic Cyrillic (the block maps linearly).
    fn cp1251(text: &str) -> Vec<u8> {
        text.chars()
            .map(|c| match c {
                'А'..='я' => (c as u32 - 'А' as u32 + 0xC0) as u8,
                c if c.is_ascii() => c as u8,
                _ => b'?',
            })
            .collect()
    }
}
