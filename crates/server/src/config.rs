//! What the server is configured with, and the limits every request runs under.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Longest time one request may take before it is answered with a `timeout` error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 16 * 1024;
/// How often [`crate::serve`] checks whether the index was rebuilt.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// Where the server finds its index and corpus, and where it listens.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The index root (holds the generations and `CURRENT`).
    pub index_root: PathBuf,
    /// The corpus folder the index was built from (source files are served from it).
    pub data_dir: PathBuf,
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Bearer token that enables `POST /api/admin/reindex` (from `EDUSEARCH_ADMIN_TOKEN`);
    /// `None` turns the endpoint off.
    pub admin_token: Option<String>,
    /// Search responses kept for repeated searches ([`DEFAULT_CACHE_ENTRIES`]); 0 turns the
    /// cache off.
    pub cache_entries: usize,
}

/// Search responses the server keeps by default (a response is ~10–60 KB).
pub const DEFAULT_CACHE_ENTRIES: usize = 1024;
