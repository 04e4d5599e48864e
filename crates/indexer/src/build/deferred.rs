//! Resolution documents held back until every item document is in the writer.
//!
//! Each segment holds its items before its resolution documents (see
//! [`crate::schema::index_settings`]), and tantivy's writer fills each segment in the order
//! documents are added. So a build adds the items of a resolution as soon as it is parsed and
//! writes the resolution, as its document stores it ([`StoredResolution`]), to an unnamed
//! temporary file in the new generation's folder. Once every file is read, the resolutions are
//! read back and given to the writer as [`BuildDocument::Later`]: the indexing thread that
//! takes one joins its record and body and makes its document, so both cores share that work.
//!
//! Held in memory, the resolutions would cost about as much as the corpus's text. The writer's
//! queue holds up to 10,000 documents, which for resolutions would be hundreds of megabytes,
//! so no more than [`WINDOW`] held-back resolutions are given to it before the indexing threads
//! have taken them.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use tantivy::TantivyDocument;
use tantivy::schema::document::CompactDocValue;
use tantivy::schema::{Document, Field};

use crate::IndexError;
use crate::schema::{IndexSchema, StoredResolution};
use spill::SpillWriter;

/// Held-back resolutions given to the writer and not yet indexed, at most: enough to keep
/// every indexing thread busy.
const WINDOW: usize = 64;

/// Held-back resolutions given to the writer as one group: a quarter of the window, so while
/// each indexing thread works on a group two more wait. A group as large as the window would
/// wait for room its own members take.
pub(super) const GROUP_DOCS: usize = WINDOW / 4;

/// How long a full window is waited for before one more resolution is given anyway (should an
/// indexing thread have stopped, the writer then reports why).
const WINDOW_WAIT: Duration = Duration::from_millis(200);

/// What a build gives tantivy's writer.
pub(crate) enum BuildDocument {
    /// A document made on a parsing thread.
    Made(TantivyDocument),
    /// A resolution held back, whose document the indexing thread makes.
    Later(LaterResolution),
}

/// A held-back resolution, and its document once an indexing thread asked for it.
pub(crate) struct LaterResolution {
    /// Taken when the document is made.
    stored: Mutex<Option<StoredResolution>>,
    schema: Arc<IndexSchema>,
    document: OnceLock<TantivyDocument>,
    _slot: Slot,
}

impl LaterResolution {
    fn document(&self) -> &TantivyDocument {
        self.document.get_or_init(|| {
            let StoredResolution { record, body } = self
                .stored
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
                .expect("a document is made once");
            // Written by this build from a `Resolution` a moment ago, to a file no one else
            // can open (it has no name).
            let resolution = StoredResolution::join(&record, body)
                .expect("a held-back resolution reads back as it was written");
            self.schema.resolution_document(&resolution, &record)
        })
    }
}

impl Document for BuildDocument {
    type Value<'a> = CompactDocValue<'a>;
    type FieldsValuesIter<'a> = Box<dyn Iterator<Item = (Field, CompactDocValue<'a>)> + 'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        match self {
            Self::Made(document) => Box::new(document.iter_fields_and_values()),
            Self::Later(later) => Box::new(later.document().iter_fields_and_values()),
        }
    }

    fn into_tantivy_document(self) -> TantivyDocument {
        match self {
            Self::Made(document) => document,
            Self::Later(later) => {
                later.document();
                let LaterResolution { mut document, .. } = later;
                document.take().expect("made just above")
            }
        }
    }
}

/// The count of held-back resolutions in the writer's hands.
#[derive(Default)]
struct Window {
    given: Mutex<usize>,
    freed: Condvar,
}

impl Window {
    /// Waits (a while at most) for room, then counts one more resolution given.
    fn take(self: &Arc<Self>) -> Slot {
        let mut given = self.given.lock().unwrap_or_else(PoisonError::into_inner);
        if *given >= WINDOW {
            given = self
                .freed
                .wait_timeout_while(given, WINDOW_WAIT, |given| *given >= WINDOW)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *given += 1;
        Slot(Arc::clone(self))
    }
}

/// One place in the [`Window`], given back when its resolution is dropped (indexed).
struct Slot(Arc<Window>);

impl Drop for Slot {
    fn drop(&mut self) {
        let mut given = self.0.given.lock().unwrap_or_else(PoisonError::into_inner);
        *given = given.saturating_sub(1);
        self.0.freed.notify_one();
    }
}

/// Resolutions waiting for their documents, in the order they were held back.
pub(crate) struct Deferred {
    file: SpillWriter,
    folder: PathBuf,
    count: usize,
}

impl Deferred {
    /// An empty queue, kept in `folder` (the file has no name and goes away with the process).
    pub(crate) fn new(folder: &Path) -> Result<Self, IndexError> {
        let file = tempfile::tempfile_in(folder).map_err(|source| IndexError::Io {
            action: "failed to create a temporary file in",
            path: folder.to_path_buf(),
            source,
        })?;
        Ok(Self {
            file: SpillWriter::new(file),
            folder: folder.to_path_buf(),
            count: 0,
        })
    }

    /// Holds back a resolution.
    pub(crate) fn push(&mut self, stored: &StoredResolution) -> Result<(), IndexError> {
        let file = &mut self.file;
        let mut write = |text: &str| {
            let length = u64::try_from(text.len()).expect("a length fits 64 bits");
            file.write_all(&length.to_le_bytes())?;
            file.write_all(text.as_bytes())
        };
        write(&stored.record)
            .and_then(|()| write(&stored.body))
            .map_err(|source| IndexError::Io {
                action: "failed to write a temporary file in",
                path: self.folder.clone(),
                source,
            })?;
        self.count += 1;
        Ok(())
    }

    /// How many resolutions are held back.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Gives each resolution held back to `add`, in the order they came, with no more than
    /// [`WINDOW`] of them alive at once.
    pub(crate) fn drain(
        self,
        schema: &Arc<IndexSchema>,
        mut add: impl FnMut(BuildDocument) -> Result<(), IndexError>,
    ) -> Result<(), IndexError> {
        let Self {
            file,
            folder,
            count,
        } = self;
        let read_error = |source| IndexError::Io {
            action: "failed to read back a temporary file in",
            path: folder.clone(),
            source,
        };
        let invalid = |error: Box<dyn std::error::Error + Send + Sync>| {
            read_error(io::Error::new(io::ErrorKind::InvalidData, error))
        };
        let mut reader = file.finish().map_err(read_error)?;
        let window = Arc::new(Window::default());
        let mut bytes = Vec::new();
        let mut read = || {
            let mut length = [0_u8; 8];
            reader.read_exact(&mut length).map_err(read_error)?;
            let length = usize::try_from(u64::from_le_bytes(length))
                .map_err(|error| invalid(error.into()))?;
            bytes.resize(length, 0);
            reader.read_exact(&mut bytes).map_err(read_error)?;
            // simdutf8's check and a copy cost a fraction of std's check of Cyrillic text (1.5 %
            // of a build); `bytes` is reused.
            simdutf8::basic::from_utf8(&bytes)
                .map(str::to_owned)
                .map_err(|error| invalid(error.into()))
        };
        for _ in 0..count {
            let slot = window.take();
            let record = read()?;
            let body = read()?;
            add(BuildDocument::Later(LaterResolution {
                stored: Mutex::new(Some(StoredResolution { record, body })),
                schema: Arc::clone(schema),
                document: OnceLock::new(),
                _slot: slot,
            }))?;
        }
        Ok(())
    }
}

mod spill;
#[cfg(test)]
mod tests;
