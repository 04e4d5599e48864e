//! The HTTP side: one `ureq` agent, `robots.txt` per host, a pause between requests to the
//! same host, retries with backoff, and downloads streamed into a temporary file.

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use texting_robots::Robot;
use ureq::ResponseExt;
use ureq::http::{HeaderMap, StatusCode};
use url::Url;

use crate::FetchOptions;

/// What one request came to, after redirects and retries.
pub(crate) enum Answer {
    /// 304: the copy on disk is current.
    NotModified,
    /// 404 or 410.
    Gone(u16),
    /// A 2xx answer whose body is in a temporary file.
    Body(Download),
    /// The body is over the size cap (`size` when the server said it).
    TooLarge { size: Option<u64> },
}

/// A body downloaded completely into a temporary (hidden) file.
pub(crate) struct Download {
    /// The URL that answered.
    pub final_url: Url,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    pub last_modified: Option<String>,
    /// The temporary file (removed on drop unless taken).
    pub temporary: TempFile,
    /// SHA-256 of the bytes (hex).
    pub sha256: String,
    /// Number of bytes.
    pub size: u64,
}

/// A temporary file removed when dropped, unless [`TempFile::persist`] moved it into place.
pub(crate) struct TempFile {
    path: Option<PathBuf>,
}

impl TempFile {
    /// Where the bytes are.
    pub fn path(&self) -> &Path {
        self.path.as_deref().expect("not persisted yet")
    }

    /// Renames the file to `target` (same folder, so the rename is atomic).
    pub fn persist(mut self, target: &Path) -> std::io::Result<()> {
        let path = self.path.take().expect("not persisted yet");
        fs::rename(&path, target).inspect_err(|_| {
            let _ = fs::remove_file(&path);
        })
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = fs::remove_file(path);
        }
    }
}

/// The validators of the copy on disk, asked back so an unchanged page costs nothing.
#[derive(Debug, Default, Clone)]
pub(crate) struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What `robots.txt` of a host says.
enum RobotsRules {
    /// No `robots.txt` (4xx): everything is allowed.
    AllowAll,
    /// The rules for our user agent.
    Rules(Box<Robot>),
    /// `robots.txt` could not be read (5xx, network): nothing is fetched from the host.
    Unavailable(String),
}

/// Whether `robots.txt` lets us fetch a URL.
pub(crate) enum Permission {
    Allowed,
    Disallowed,
    Unknown(String),
}

/// Makes the requests of one fetch run.
pub(crate) struct Client<'a> {
    agent: ureq::Agent,
    options: &'a FetchOptions,
    robots: HashMap<String, RobotsRules>,
    /// When the last request to each host ended.
    last_request: HashMap<String, Instant>,
}

/// The product token matched against `User-agent:` lines of `robots.txt`.
pub const ROBOTS_AGENT: &str = "edusearch";

impl<'a> Client<'a> {
    pub fn new(options: &'a FetchOptions) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(options.max_redirects)
            .save_redirect_history(false)
            .user_agent(options.user_agent.as_str())
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.timeout))
            .build()
            .new_agent();
        Self {
            agent,
            options,
            robots: HashMap::new(),
            last_request: HashMap::new(),
        }
    }

    /// Whether `robots.txt` of the URL's host (read once per run) allows it.
    pub fn permission(&mut self, url: &Url) -> Permission {
        let origin = url.origin().ascii_serialization();
        if !self.robots.contains_key(&origin) {
            let rules = self.read_robots(url);
            self.robots.insert(origin.clone(), rules);
        }
        match &self.robots[&origin] {
            RobotsRules::AllowAll => Permission::Allowed,
            RobotsRules::Rules(robot) if robot.allowed(url.as_str()) => Permission::Allowed,
            RobotsRules::Rules(_) => Permission::Disallowed,
            RobotsRules::Unavailable(reason) => Permission::Unknown(reason.clone()),
        }
    }

    fn read_robots(&mut self, url: &Url) -> RobotsRules {
        let Ok(robots_url) = url.join("/robots.txt") else {
            return RobotsRules::AllowAll;
        };
        let attempt = self.with_retries(&robots_url, |client| {
            let mut response = client.agent.get(robots_url.as_str()).call()?;
            let status = response.status();
            if status.is_server_error() {
                return Ok(Err(status));
            }
            let mut body = Vec::new();
            if status.is_success() {
                // A robots.txt larger than 500 KiB is cut there (RFC 9309, 2.5).
                response
                    .body_mut()
                    .as_reader()
                    .take(500 * 1024)
                    .read_to_end(&mut body)?;
            }
            Ok(Ok((status, body)))
        });
        match attempt {
            Ok((status, body)) if status.is_success() => {
                match Robot::new(ROBOTS_AGENT, &body) {
                    Ok(robot) => {
                        if let Some(delay) = robot.delay {
                            tracing::debug!(host = %url.host_str().unwrap_or_default(), delay, "crawl-delay");
                        }
                        RobotsRules::Rules(Box::new(robot))
                    }
                    // An unparsable robots.txt says nothing we could follow.
                    Err(_) => RobotsRules::AllowAll,
                }
            }
            Ok(_) => RobotsRules::AllowAll,
            Err(reason) => RobotsRules::Unavailable(format!("robots.txt unavailable: {reason}")),
        }
    }

    /// The pause before the next request to a host: `--delay`, or the host's `Crawl-delay`
    /// when longer.
    fn delay_for(&self, url: &Url) -> Duration {
        let crawl_delay = match self.robots.get(&url.origin().ascii_serialization()) {
            Some(RobotsRules::Rules(robot)) => robot
                .delay
                .filter(|delay| delay.is_finite() && *delay > 0.0)
                .map(|delay| Duration::from_secs_f32(delay.min(60.0))),
            _ => None,
        };
        crawl_delay.map_or(self.options.delay, |crawl| crawl.max(self.options.delay))
    }

    fn wait_turn(&self, url: &Url) {
        let host = url.host_str().unwrap_or_default();
        if let Some(last) = self.last_request.get(host) {
            let ready = *last + self.delay_for(url);
            let now = Instant::now();
            if ready > now {
                std::thread::sleep(ready - now);
            }
        }
    }

    fn request_done(&mut self, url: &Url) {
        self.last_request.insert(
            url.host_str().unwrap_or_default().to_string(),
            Instant::now(),
        );
    }

    /// Runs `attempt` (one request) until it succeeds, retrying a 5xx answer, a timeout or a
    /// broken connection up to `retries` times with exponential backoff. `Ok(Err(status))`
    /// from `attempt` is a 5xx answer.
    fn with_retries<T>(
        &mut self,
        url: &Url,
        mut attempt: impl FnMut(&Self) -> Result<Result<T, StatusCode>, ureq::Error>,
    ) -> Result<T, String> {
        let mut tries = 0;
        loop {
            self.wait_turn(url);
            let result = attempt(self);
            self.request_done(url);
            let (reason, transient) = match result {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(status)) => (format!("HTTP {}", status.as_u16()), true),
                Err(error) => describe(error),
            };
            if !transient || tries >= self.options.retries {
                let reason = if tries > 0 {
                    format!("{reason} (after {} tries)", tries + 1)
                } else {
                    reason
                };
                return Err(reason);
            }
            let backoff = self.options.backoff * 2u32.saturating_pow(tries);
            tracing::info!(url = %url, %reason, backoff_ms = backoff.as_millis() as u64, "retrying");
            std::thread::sleep(backoff);
            tries += 1;
        }
    }

    /// Asks for `url` (conditionally, with the validators of the copy on disk) and downloads a
    /// 2xx body into a hidden temporary file in `folder`. `Err` is why it failed.
    pub fn get(
        &mut self,
        url: &Url,
        validators: &Validators,
        folder: &Path,
    ) -> Result<Answer, String> {
        fs::create_dir_all(folder)
            .map_err(|error| format!("cannot create {}: {error}", folder.display()))?;
        let max_bytes = self.options.max_bytes;
        self.with_retries(url, |client| {
            let mut request = client.agent.get(url.as_str());
            if let Some(etag) = &validators.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(modified) = &validators.last_modified {
                request = request.header("If-Modified-Since", modified);
            }
            let mut response = request.call()?;
            let status = response.status();
            if status.is_server_error() {
                return Ok(Err(status));
            }
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Ok(Ok(Answer::NotModified)));
            }
            if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
                return Ok(Ok(Ok(Answer::Gone(status.as_u16()))));
            }
            if !status.is_success() {
                return Ok(Ok(Err(format!("HTTP {}", status.as_u16()))));
            }
            let final_url =
                Url::parse(&response.get_uri().to_string()).unwrap_or_else(|_| url.clone());
            let headers = response.headers().clone();
            let declared = response.body().content_length();
            if declared.is_some_and(|size| size > max_bytes) {
                return Ok(Ok(Ok(Answer::TooLarge { size: declared })));
            }
            let temporary = TempFile {
                path: Some(folder.join(format!(
                    ".download-{}-{}.part",
                    std::process::id(),
                    unique()
                ))),
            };
            let mut file = fs::File::create(temporary.path()).map_err(ureq::Error::Io)?;
            let mut reader = response.body_mut().as_reader().take(max_bytes + 1);
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                let read = reader.read(&mut buffer).map_err(ureq::Error::from)?;
                if read == 0 {
                    break;
                }
                size += read as u64;
                if size > max_bytes {
                    return Ok(Ok(Ok(Answer::TooLarge { size: None })));
                }
                hasher.update(&buffer[..read]);
                file.write_all(&buffer[..read]).map_err(ureq::Error::Io)?;
            }
            file.sync_all().map_err(ureq::Error::Io)?;
            let header = |name: &str| header_text(&headers, name);
            Ok(Ok(Ok(Answer::Body(Download {
                final_url,
                content_type: header("content-type"),
                etag: header("etag"),
                last_modified: header("last-modified"),
                temporary,
                sha256: hasher
                    .finalize()
                    .iter()
                    .map(|byte| format!("{byte:02x}"))
                    .collect(),
                size,
            }))))
        })?
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

/// A number unique within the process, for temporary file names.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A failure in words, and whether trying again may help (timeouts and broken connections).
fn describe(error: ureq::Error) -> (String, bool) {
    match error {
        ureq::Error::Timeout(what) => (format!("timed out ({what})"), true),
        ureq::Error::Io(io) => {
            let transient = !matches!(
                io.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::StorageFull
            );
            (format!("connection failed: {io}"), transient)
        }
        ureq::Error::ConnectionFailed => ("connection failed".to_string(), true),
        ureq::Error::HostNotFound => ("host not found".to_string(), false),
        ureq::Error::TooManyRedirects => ("more than the allowed redirects".to_string(), false),
        ureq::Error::RedirectFailed => ("a redirect could not be followed".to_string(), false),
        other => (other.to_string(), false),
    }
}
