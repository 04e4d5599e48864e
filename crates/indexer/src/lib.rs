//! Index schema, ingestion and index lifecycle for edusearch.
//!
//! One tantivy index holds both levels: a document per resolution and a document per
//! recommendation item, the item carrying its resolution's metadata. The index root holds
//! generations (`gen-*` folders) and a `CURRENT` file naming the live one, so a rebuild writes
//! a new generation beside the served one and switches by one atomic rename.

mod build;
mod corpus;
mod error;
mod groups;
mod layout;
mod manifest;
mod read;
mod read_only;
mod schema;
mod sources;

pub use build::{
    BuildMode, BuildOptions, BuildProgress, BuildReport, FileProblem, NoProgress, build_index,
    collect_files,
};
pub use corpus::{ADDED_FOLDER, REMOVED_FOLDER, add_to_corpus, remove_from_corpus};
pub use error::{IndexError, ReadError};
pub use groups::{
    GROUPS_FILE, GroupInfo, GroupingReport, Groups, NO_GROUP, SAME_WORDING, SIGNATURE_LEN,
    Signature, key_of, same_signature, same_wording, signature, similarity, write_groups,
};
pub use layout::{IndexRoot, open_index};
pub use manifest::{FileEntry, FileStamp, MANIFEST, Manifest};
pub use read::{DEFAULT_MAX_FILE_BYTES, FileContent, FileReader, Record, read_resolution};
pub use read_only::ReadOnlyDirectory;
pub use schema::{
    DocKind, IndexSchema, REGION_ROOT, StoredResolution, TOPIC_ROOT, YEAR_ROOT, addressee_key,
    fields, item_id, item_key, place_key, region_facet, resolution_from_doc, topic_facet,
    year_facet,
};
pub use sources::{SOURCES_FILE, Source, Sources};
