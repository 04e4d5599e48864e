//! Downloads resolution pages and documents from the web into an edusearch corpus folder.
//!
//! [`fetch`] takes URLs (an HTML page, a PDF, DOCX, DOC, RTF, ODT or TXT file) and saves the
//! original bytes of each under `web/<host>/…` of the corpus, recording where it came from in
//! the [sources manifest](SourcesManifest) beside them; `edusearch index` then reads them like
//! any file and gives each record its `source_url`.
//!
//! A polite, careful client:
//!
//! * `robots.txt` of every host is read once per run (`texting_robots`) and obeyed, its
//!   `Crawl-delay` too; requests to one host are `--delay` apart; the User-Agent names us.
//! * At most [`FetchOptions::max_redirects`] redirects; a connect timeout and a timeout of the
//!   whole request; bodies over [`FetchOptions::max_bytes`] are not kept; a 5xx answer, a timeout
//!   or a broken connection is tried again with exponential backoff.
//! * A known URL is asked with `If-None-Match` / `If-Modified-Since`, so an unchanged page costs a
//!   304; a body with the same SHA-256 as the copy on disk leaves the file untouched (the indexer
//!   does not read it again).
//! * A body goes into a hidden temporary file in the target folder and is renamed over the old
//!   copy only when it was received completely: a failed or cut-off download never replaces a
//!   good copy. A URL that answers 404/410 is reported and its file kept, unless `prune`.
//!
//! HTTP is `ureq` with rustls and the webpki roots (no OpenSSL, no system certificates).

mod client;
mod error;
mod links;
mod manifest;
mod paths;

use std::collections::{HashSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use url::Url;

use client::{Answer, Client, Permission, Validators};

pub use client::ROBOTS_AGENT;
pub use error::FetchError;
pub use links::attachment_links;
pub use manifest::{SOURCES_FILE, SourceEntry, SourcesManifest};
pub use paths::{WEB_FOLDER, corpus_path, saved_extension};

/// Hidden folder of the corpus where pruned files are moved (as `edusearch remove` does).
pub const REMOVED_FOLDER: &str = ".removed";

/// The User-Agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "edusearch/",
    env!("CARGO_PKG_VERSION"),
    " (resolution search; +",
    env!("CARGO_PKG_REPOSITORY"),
    ")"
);

/// Settings of a fetch run.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The corpus folder; downloads go to its `web/` folder.
    pub data_dir: PathBuf,
    /// Also fetch the documents a fetched page links to on the same site (one level).
    pub attachments: bool,
    /// Move the file of a URL that answers 404/410 out of the corpus (to `.removed/`).
    pub prune: bool,
    /// Pause between two requests to the same host (default 1 s).
    pub delay: Duration,
    /// Time allowed to connect (default 10 s).
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included (default 60 s).
    pub timeout: Duration,
    /// Redirects followed (default 5).
    pub max_redirects: u32,
    /// Largest body kept, in bytes (default 50 MB, the limit of `index`).
    pub max_bytes: u64,
    /// Tries after the first for a 5xx, a timeout or a broken connection (default 3).
    pub retries: u32,
    /// Pause before the first retry, doubled for each next one (default 1 s).
    pub backoff: Duration,
    /// The User-Agent header.
    pub user_agent: String,
}

impl FetchOptions {
    /// Default settings for a corpus folder.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            attachments: false,
            prune: false,
            delay: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            max_redirects: 5,
            max_bytes: 50 * 1024 * 1024,
            retries: 3,
            backoff: Duration::from_secs(1),
            user_agent: USER_AGENT.to_string(),
        }
    }
}

/// What happened to one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Downloaded for the first time.
    New,
    /// Downloaded again: the content changed and the file was replaced.
    Changed,
    /// The server answered 304, or sent the same bytes: nothing changed.
    Unchanged,
    /// The server answered 404/410 for a URL fetched before; its file is kept.
    Gone {
        /// The HTTP status.
        status: u16,
    },
    /// The server answered 404/410 and the file was moved to `.removed/` (`prune`).
    Pruned {
        /// The HTTP status.
        status: u16,
    },
    /// `robots.txt` of the host disallows the URL.
    SkippedByRobots,
    /// The body is over the size cap.
    TooLarge {
        /// The size when the server said it.
        size: Option<u64>,
        /// The cap in bytes.
        limit: u64,
    },
    /// The answer is not a document `index` reads (an image, a zip …).
    Unsupported {
        /// The content type of the answer.
        content_type: String,
    },
    /// The URL could not be fetched.
    Failed {
        /// Why, in words.
        reason: String,
    },
}

impl Outcome {
    /// A short label for the summary («new», «skipped by robots.txt», «failed: …»).
    pub fn label(&self) -> String {
        match self {
            Outcome::New => "new".into(),
            Outcome::Changed => "changed".into(),
            Outcome::Unchanged => "unchanged".into(),
            Outcome::Gone { status } => format!("gone (HTTP {status}); file kept"),
            Outcome::Pruned { status } => format!("gone (HTTP {status}); file moved to .removed"),
            Outcome::SkippedByRobots => "skipped by robots.txt".into(),
            Outcome::TooLarge { size, limit } => match size {
                Some(size) => format!("too large ({} over the {} limit)", mb(*size), mb(*limit)),
                None => format!("too large (over the {} limit)", mb(*limit)),
            },
            Outcome::Unsupported { content_type } => {
                format!("skipped: not a document ({content_type})")
            }
            Outcome::Failed { reason } => format!("failed: {reason}"),
        }
    }

    /// Whether the URL could not be fetched for a reason worth a non-zero exit.
    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Failed { .. })
    }
}

fn mb(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// The outcome of one URL with where its file is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrlReport {
    /// The URL asked for.
    pub url: String,
    /// The URL that answered, after redirects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    /// The file in the corpus, relative to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The page that linked to it (`attachments`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_from: Option<String>,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What a fetch run did, one entry per URL in the order they were fetched.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FetchReport {
    /// Every URL, attachments after the page that linked to them.
    pub urls: Vec<UrlReport>,
}

impl FetchReport {
    /// Whether any URL failed.
    pub fn has_failures(&self) -> bool {
        self.urls.iter().any(|report| report.outcome.is_failure())
    }
}

/// Receives progress of a fetch run (a progress bar in the CLI).
pub trait FetchProgress {
    /// `count` more URLs are to be fetched (the given ones, then attachments found).
    fn add(&self, count: usize);
    /// One URL is done.
    fn url_done(&self, url: &str);
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl FetchProgress for NoProgress {
    fn add(&self, _count: usize) {}
    fn url_done(&self, _url: &str) {}
}

/// Parses a URL given by the user: absolute, http or https.
pub fn parse_url(text: &str) -> Result<Url, FetchError> {
    let invalid = |reason: String| FetchError::InvalidUrl {
        url: text.to_string(),
        reason,
    };
    let mut url = Url::parse(text.trim()).map_err(|error| invalid(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("only http and https are fetched".into()));
    }
    if url.host_str().is_none() {
        return Err(invalid("no host".into()));
    }
    url.set_fragment(None);
    Ok(url)
}

/// One URL to fetch and, for an attachment, the page it was found on.
struct Job {
    url: Url,
    linked_from: Option<String>,
}

/// Fetches every URL (and with `attachments` the documents their pages link to) into the
/// corpus folder, updating the sources manifest after each one.
///
/// Every URL is parsed before anything is fetched, so a typo fails the run at once; after
/// that, a failure of one URL is its outcome and the run goes on.
pub fn fetch(
    urls: &[String],
    options: &FetchOptions,
    progress: &dyn FetchProgress,
) -> Result<FetchReport, FetchError> {
    let mut queue: VecDeque<Job> = urls
        .iter()
        .map(|text| {
            parse_url(text).map(|url| Job {
                url,
                linked_from: None,
            })
        })
        .collect::<Result<_, _>>()?;
    let web = options.data_dir.join(WEB_FOLDER);
    fs::create_dir_all(&web).map_err(FetchError::io("failed to create", &web))?;
    let _lock = RunLock::take(&web)?;
    remove_partial_downloads(&web);
    let mut manifest = SourcesManifest::load(&options.data_dir)?;
    let mut client = Client::new(options);
    let mut seen: HashSet<Url> = HashSet::new();
    let mut report = FetchReport::default();
    progress.add(queue.len());
    while let Some(job) = queue.pop_front() {
        if !seen.insert(job.url.clone()) {
            progress.url_done(job.url.as_str());
            continue;
        }
        let (url_report, page) = fetch_one(&mut client, &mut manifest, options, &job)?;
        manifest.save(&options.data_dir)?;
        if options.attachments
            && job.linked_from.is_none()
            && let Some(page) = page
        {
            let base = url_report
                .final_url
                .as_deref()
                .and_then(|text| Url::parse(text).ok())
                .unwrap_or_else(|| job.url.clone());
            let found: Vec<Job> = attachment_links(&page, &base)
                .into_iter()
                .filter(|url| !seen.contains(url))
                .map(|url| Job {
                    url,
                    linked_from: Some(job.url.to_string()),
                })
                .collect();
            progress.add(found.len());
            queue.extend(found);
        }
        tracing::debug!(url = %url_report.url, outcome = %url_report.outcome.label(), "fetched");
        progress.url_done(job.url.as_str());
        report.urls.push(url_report);
    }
    Ok(report)
}

/// Fetches one URL; returns its report and, when it is an HTML page now on disk, its bytes
/// (to look for attachments).
fn fetch_one(
    client: &mut Client<'_>,
    manifest: &mut SourcesManifest,
    options: &FetchOptions,
    job: &Job,
) -> Result<(UrlReport, Option<Vec<u8>>), FetchError> {
    let url = &job.url;
    let known = manifest
        .by_url(url.as_str())
        .map(|(path, entry)| (path.clone(), entry.clone()));
    let mut report = UrlReport {
        url: url.to_string(),
        final_url: None,
        path: known.as_ref().map(|(path, _)| path.clone()),
        linked_from: job.linked_from.clone(),
        outcome: Outcome::Unchanged,
    };
    let finish = |mut report: UrlReport, outcome: Outcome| {
        report.outcome = outcome;
        Ok((report, None))
    };
    match client.permission(url) {
        Permission::Allowed => {}
        Permission::Disallowed => return finish(report, Outcome::SkippedByRobots),
        Permission::Unknown(reason) => return finish(report, Outcome::Failed { reason }),
    }
    // The copy on disk must still be there for a conditional request to make sense.
    let on_disk = known
        .as_ref()
        .filter(|(path, _)| options.data_dir.join(path).is_file());
    let validators = on_disk.map_or_else(Validators::default, |(_, entry)| Validators {
        etag: entry.etag.clone(),
        last_modified: entry.last_modified.clone(),
    });
    // The temporary file goes where the final one will, so the rename is atomic.
    let folder = match &known {
        Some((path, _)) => parent_folder(&options.data_dir, path),
        None => options.data_dir.join(WEB_FOLDER).join(".incoming"),
    };
    let answer = match client.get(url, &validators, &folder) {
        Ok(answer) => answer,
        Err(reason) => return finish(report, Outcome::Failed { reason }),
    };
    let now = httpdate::fmt_http_date(SystemTime::now());
    match answer {
        Answer::NotModified => {
            let Some((path, _)) = on_disk else {
                let reason = "HTTP 304 without a copy on disk".to_string();
                return finish(report, Outcome::Failed { reason });
            };
            let entry = manifest.files.get_mut(path).expect("known entry");
            entry.checked_at = now;
            entry.gone = None;
            report.final_url = Some(entry.final_url.clone());
            let page = read_page(&options.data_dir, path, entry);
            report.outcome = Outcome::Unchanged;
            Ok((report, page))
        }
        Answer::Gone(status) => {
            let Some((path, _)) = &known else {
                let reason = format!("not found (HTTP {status})");
                return finish(report, Outcome::Failed { reason });
            };
            if options.prune {
                let from = options.data_dir.join(path);
                let to = options.data_dir.join(REMOVED_FOLDER).join(path);
                if from.exists() {
                    if let Some(parent) = to.parent() {
                        fs::create_dir_all(parent)
                            .map_err(FetchError::io("failed to create", parent))?;
                    }
                    fs::rename(&from, &to).map_err(FetchError::io("failed to move", &from))?;
                }
                manifest.files.remove(path);
                return finish(report, Outcome::Pruned { status });
            }
            let entry = manifest.files.get_mut(path).expect("known entry");
            entry.checked_at = now;
            entry.gone = Some(status);
            finish(report, Outcome::Gone { status })
        }
        Answer::TooLarge { size } => finish(
            report,
            Outcome::TooLarge {
                size,
                limit: options.max_bytes,
            },
        ),
        Answer::Body(download) => {
            report.final_url = Some(download.final_url.to_string());
            let content_type = download.content_type.clone().unwrap_or_default();
            let mime = paths::mime_of(&content_type);
            let Some(extension) = saved_extension(&download.final_url, &mime) else {
                let content_type = if content_type.is_empty() {
                    "no content type".to_string()
                } else {
                    content_type
                };
                return finish(report, Outcome::Unsupported { content_type });
            };
            // An attachment that turns out to be a page is not an attachment.
            if job.linked_from.is_some() && extension == "html" {
                return finish(report, Outcome::Unsupported { content_type });
            }
            if download.size == 0 {
                let reason = "the server sent an empty body".to_string();
                return finish(report, Outcome::Failed { reason });
            }
            let path = match &known {
                Some((path, _)) => path.clone(),
                None => free_path(
                    manifest,
                    &options.data_dir,
                    &corpus_path(&download.final_url, &extension),
                ),
            };
            report.path = Some(path.clone());
            let target = options.data_dir.join(&path);
            let unchanged = on_disk.is_some_and(|(_, entry)| entry.sha256 == download.sha256);
            let is_page = extension == "html";
            let entry = SourceEntry {
                url: url.to_string(),
                final_url: download.final_url.to_string(),
                fetched_at: if unchanged {
                    on_disk
                        .map(|(_, entry)| entry.fetched_at.clone())
                        .unwrap_or_default()
                } else {
                    now.clone()
                },
                checked_at: now,
                charset: download.content_type.as_deref().and_then(paths::charset_of),
                content_type: download.content_type.clone(),
                etag: download.etag.clone(),
                last_modified: download.last_modified.clone(),
                sha256: download.sha256.clone(),
                size: download.size,
                linked_from: job.linked_from.clone(),
                gone: None,
            };
            if !unchanged {
                let parent = target.parent().expect("a corpus path has a folder");
                fs::create_dir_all(parent).map_err(FetchError::io("failed to create", parent))?;
                if !complete(download.temporary.path(), download.size) {
                    let reason = "the download could not be read back".to_string();
                    return finish(report, Outcome::Failed { reason });
                }
                let temporary_path = download.temporary.path().to_path_buf();
                download
                    .temporary
                    .persist(&target)
                    .map_err(FetchError::io("failed to move", temporary_path))?;
            }
            report.outcome = match (&known, unchanged) {
                (_, true) => Outcome::Unchanged,
                (Some(_), false) if on_disk.is_some() => Outcome::Changed,
                _ => Outcome::New,
            };
            let page = is_page.then(|| fs::read(&target).ok()).flatten();
            manifest.files.insert(path, entry);
            Ok((report, page))
        }
    }
}

/// The lock that keeps a second `fetch` out of a corpus while one writes into it (the
/// manifest is read once and written after every URL). Removed on drop.
struct RunLock {
    path: PathBuf,
}

impl RunLock {
    const FILE: &'static str = ".fetch.lock";

    fn take(web: &Path) -> Result<Self, FetchError> {
        let path = web.join(Self::FILE);
        for _ in 0..2 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    use std::io::Write;
                    let _ = write!(file, "{}", std::process::id());
                    return Ok(Self { path });
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    let pid = fs::read_to_string(&path)
                        .unwrap_or_default()
                        .trim()
                        .to_string();
                    if process_alive(&pid) {
                        return Err(FetchError::Locked { pid, lock: path });
                    }
                    // A lock left by a process that died: taken over.
                    let _ = fs::remove_file(&path);
                }
                Err(error) => return Err(FetchError::io("failed to create", &path)(error)),
            }
        }
        Err(FetchError::Locked {
            pid: "unknown".into(),
            lock: path,
        })
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether a process with this pid runs (where `/proc` tells; elsewhere assumed).
fn process_alive(pid: &str) -> bool {
    match pid.parse::<u32>() {
        Ok(pid) => {
            pid == std::process::id()
                || Path::new("/proc").join(pid.to_string()).exists()
                || !Path::new("/proc").exists()
        }
        Err(_) => false,
    }
}

/// Removes the temporary files of downloads a killed run left behind (only ever hidden files
/// named `.download-*.part`; the run lock makes sure none is in progress).
fn remove_partial_downloads(folder: &Path) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            remove_partial_downloads(&path);
        } else if name.starts_with(".download-") && name.ends_with(".part") {
            let _ = fs::remove_file(&path);
        }
    }
}

/// The folder of a corpus-relative path.
fn parent_folder(data_dir: &Path, relative: &str) -> PathBuf {
    data_dir
        .join(relative)
        .parent()
        .map_or_else(|| data_dir.to_path_buf(), Path::to_path_buf)
}

/// The bytes of a fetched page on disk, when it is HTML.
fn read_page(data_dir: &Path, relative: &str, entry: &SourceEntry) -> Option<Vec<u8>> {
    let mime = paths::mime_of(entry.content_type.as_deref().unwrap_or_default());
    let is_page = mime == "text/html"
        || mime == "application/xhtml+xml"
        || relative.ends_with(".html")
        || relative.ends_with(".htm");
    is_page
        .then(|| fs::read(data_dir.join(relative)).ok())
        .flatten()
}

/// Whether the temporary file holds the whole body: its size is what was received.
fn complete(path: &Path, size: u64) -> bool {
    fs::metadata(path).is_ok_and(|metadata| metadata.len() == size) && fs::File::open(path).is_ok()
}

/// `wanted`, or a numbered variant of it when another URL's file (or a file not from the web)
/// has that name.
fn free_path(manifest: &SourcesManifest, data_dir: &Path, wanted: &str) -> String {
    let (stem, extension) = match wanted.rsplit_once('.') {
        Some((stem, extension)) if !extension.contains('/') => {
            (stem.to_string(), format!(".{extension}"))
        }
        _ => (wanted.to_string(), String::new()),
    };
    (0u32..)
        .map(|number| match number {
            0 => wanted.to_string(),
            _ => format!("{stem}-{number}{extension}"),
        })
        .find(|candidate| {
            !manifest.files.contains_key(candidate) && !data_dir.join(candidate).exists()
        })
        .expect("some numbered name is free")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    /// The paths a test site was asked for, with when.
    type RequestLog = Arc<Mutex<Vec<(String, Instant)>>>;

    /// A loopback site answering every path but `/robots.txt` with a small text file; returns
    /// its base URL and the paths asked for with when.
    fn site(robots: &'static str) -> (String, RequestLog) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log = RequestLog::default();
        let seen = Arc::clone(&log);
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                reader.read_line(&mut line).unwrap();
                while reader.read_line(&mut String::new()).unwrap_or(0) > 2 {}
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                seen.lock().unwrap().push((path.clone(), Instant::now()));
                let body = if path == "/robots.txt" {
                    robots.to_string()
                } else {
                    format!("Резолюция {path}")
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        (base, log)
    }

    #[test]
    fn robots_rules_for_our_agent_and_its_crawl_delay_are_obeyed() {
        let (base, log) = site(
            "User-agent: *\nDisallow: /\n\nUser-agent: edusearch\nCrawl-delay: 0.3\nDisallow: /private\n",
        );
        let data = tempfile::tempdir().unwrap();
        let options = FetchOptions {
            delay: Duration::ZERO,
            ..FetchOptions::new(data.path())
        };
        let urls = ["/a.txt", "/private/b.txt", "/c.txt"].map(|path| format!("{base}{path}"));
        let report = fetch(&urls, &options, &NoProgress).unwrap();
        let outcomes: Vec<&Outcome> = report.urls.iter().map(|url| &url.outcome).collect();
        assert_eq!(
            outcomes,
            [&Outcome::New, &Outcome::SkippedByRobots, &Outcome::New]
        );
        let log = log.lock().unwrap();
        let paths: Vec<&str> = log.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(paths, ["/robots.txt", "/a.txt", "/c.txt"]);
        let gap = log[2].1 - log[1].1;
        assert!(gap >= Duration::from_millis(290), "{gap:?}");
        assert_eq!(
            report.urls[0].path.as_deref(),
            Some(
                format!(
                    "web/{}/a.txt",
                    base.trim_start_matches("http://").replace(':', "_")
                )
                .as_str()
            )
        );
    }

    #[test]
    fn a_second_run_is_kept_out_and_a_killed_run_is_cleaned_up_after() {
        let (base, _) = site("");
        let data = tempfile::tempdir().unwrap();
        let web = data.path().join(WEB_FOLDER);
        fs::create_dir_all(web.join("host/news")).unwrap();
        let leftover = web.join("host/news/.download-1-0.part");
        fs::write(&leftover, "half").unwrap();
        let options = FetchOptions {
            delay: Duration::ZERO,
            ..FetchOptions::new(data.path())
        };
        let held = RunLock::take(&web).unwrap();
        let url = [format!("{base}/a.txt")];
        let error = fetch(&url, &options, &NoProgress).unwrap_err();
        assert!(matches!(error, FetchError::Locked { .. }), "{error}");
        drop(held);
        // A lock of a process that is gone does not keep a run out.
        fs::write(web.join(RunLock::FILE), "4294967295").unwrap();
        assert_eq!(
            fetch(&url, &options, &NoProgress).unwrap().urls[0].outcome,
            Outcome::New
        );
        assert!(!leftover.exists());
        assert!(!web.join(RunLock::FILE).exists());
    }

    #[test]
    fn a_bad_url_stops_the_run_before_anything_is_fetched() {
        let data = tempfile::tempdir().unwrap();
        let options = FetchOptions::new(data.path().join("corpus"));
        for bad in ["ftp://example.ru/r.pdf", "not a url", "file:///etc/passwd"] {
            let error = fetch(&[bad.to_string()], &options, &NoProgress).unwrap_err();
            assert!(error.is_user_error(), "{error}");
        }
        assert!(!data.path().join("corpus").exists());
    }
}
