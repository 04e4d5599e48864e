//! `edusearch fetch` against a fixture site served on loopback by the test itself: robots.txt,
//! redirects, a windows-1251 page declared only in the HTTP header, a page with its DOCX and
//! PDF, 404, 503 then success, a slow answer, a body over the cap, 304 on a second run, a
//! changed page, and a body cut off mid-way. Nothing leaves the machine.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use edusearch_fetch::{FetchOptions, NoProgress, Outcome, fetch};
use edusearch_indexer::{BuildOptions, IndexRoot, NoProgress as NoBuildProgress, build_index};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

#[allow(dead_code)]
#[path = "../crates/extract/tests/extract/fixtures.rs"]
mod fixtures;

// ---------------------------------------------------------------------------------------------
// The fixture site

/// What the fixture site answers on one path.
#[derive(Clone)]
enum Route {
    /// 200 with this body; 304 when the request's `If-None-Match` is the ETag.
    Page {
        content_type: &'static str,
        body: Vec<u8>,
        etag: Option<&'static str>,
    },
    /// A redirect (301/302) to another path.
    Redirect(u16, &'static str),
    /// A bare status (404, 410 …).
    Status(u16),
    /// 503 for the first `failures` requests, then the route.
    Flaky { failures: usize, then: Box<Route> },
    /// The route after a pause.
    Slow(Duration, Box<Route>),
    /// A body sent without `Content-Length`, closed at its end.
    Unsized(Vec<u8>),
    /// `Content-Length` of the whole body, but the connection closes after `sent` bytes.
    CutOff { body: Vec<u8>, sent: usize },
}

/// One request the site received.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    headers: HashMap<String, String>,
}

#[derive(Clone)]
struct Site {
    base: String,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Site {
    /// Starts the site on 127.0.0.1 at a free port; it runs until the test process ends.
    fn start(routes: Vec<(&str, Route)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let site = Site {
            base: format!("http://{}", listener.local_addr().unwrap()),
            routes: Arc::new(Mutex::new(
                routes
                    .into_iter()
                    .map(|(path, route)| (path.to_string(), route))
                    .collect(),
            )),
            seen: Arc::default(),
        };
        let server = site.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let server = server.clone();
                std::thread::spawn(move || server.answer(stream));
            }
        });
        site
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn set(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_string(), route);
    }

    fn requests_to(&self, path: &str) -> Vec<Seen> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .filter(|seen| seen.path == path)
            .cloned()
            .collect()
    }

    fn answer(&self, stream: TcpStream) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            return;
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_string();
        let mut headers = HashMap::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
            }
        }
        self.seen.lock().unwrap().push(Seen {
            path: path.clone(),
            headers: headers.clone(),
        });
        let route = {
            let mut routes = self.routes.lock().unwrap();
            match routes.get_mut(&path) {
                Some(Route::Flaky { failures, .. }) if *failures > 0 => {
                    *failures -= 1;
                    Route::Status(503)
                }
                Some(Route::Flaky { then, .. }) => (**then).clone(),
                Some(route) => route.clone(),
                None => Route::Status(404),
            }
        };
        let mut stream = stream;
        respond(&mut stream, route, &headers);
    }
}

fn respond(stream: &mut TcpStream, route: Route, headers: &HashMap<String, String>) {
    let head = |status: u16, extra: &str, length: Option<usize>| {
        let reason = match status {
            200 => "OK",
            301 => "Moved Permanently",
            302 => "Found",
            304 => "Not Modified",
            404 => "Not Found",
            410 => "Gone",
            503 => "Service Unavailable",
            _ => "Status",
        };
        let length = length.map_or(String::new(), |length| {
            format!("Content-Length: {length}\r\n")
        });
        format!("HTTP/1.1 {status} {reason}\r\n{extra}{length}Connection: close\r\n\r\n")
    };
    let _ = match route {
        Route::Page {
            content_type,
            body,
            etag,
        } => {
            if etag.is_some() && headers.get("if-none-match").map(String::as_str) == etag {
                stream.write_all(head(304, "", None).as_bytes())
            } else {
                let etag = etag.map_or(String::new(), |etag| format!("ETag: {etag}\r\n"));
                let extra = format!("Content-Type: {content_type}\r\n{etag}");
                stream
                    .write_all(head(200, &extra, Some(body.len())).as_bytes())
                    .and_then(|()| stream.write_all(&body))
            }
        }
        Route::Redirect(status, to) => {
            stream.write_all(head(status, &format!("Location: {to}\r\n"), Some(0)).as_bytes())
        }
        Route::Status(status) => stream.write_all(head(status, "", Some(0)).as_bytes()),
        Route::Flaky { then, .. } => {
            respond(stream, *then, headers);
            Ok(())
        }
        Route::Slow(pause, then) => {
            std::thread::sleep(pause);
            respond(stream, *then, headers);
            Ok(())
        }
        Route::Unsized(body) => stream
            .write_all(head(200, "Content-Type: application/pdf\r\n", None).as_bytes())
            .and_then(|()| stream.write_all(&body)),
        Route::CutOff { body, sent } => stream
            .write_all(head(200, "Content-Type: text/html\r\n", Some(body.len())).as_bytes())
            .and_then(|()| stream.write_all(&body[..sent])),
    };
    let _ = stream.flush();
}

// ---------------------------------------------------------------------------------------------
// Fixture documents

fn seed(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("index-data/resolutions")
            .join(name),
    )
    .unwrap()
}

/// A bare news page with the paragraphs of `text` as its article and no charset declared.
fn article_page(text: &str) -> String {
    let paragraphs: String = text
        .split("\n\n")
        .map(|paragraph| paragraph.trim().replace('\n', " "))
        .filter(|paragraph| !paragraph.is_empty())
        .map(|paragraph| {
            format!(
                "<p>{}</p>\n",
                paragraph.replace('&', "&amp;").replace('<', "&lt;")
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html><head><title>Новости</title></head><body>\
         <nav><a href=\"/\">Главная</a></nav><article>{paragraphs}</article></body></html>"
    )
}

/// The seed page of the extract fixtures with links to its DOCX and PDF in the sidebar.
fn page_with_attachments() -> String {
    fixtures::html_page("utf-8", true).replace(
        "<aside class=\"sidebar\">",
        "<aside class=\"sidebar\"><a href=\"/files/rez.docx\">Резолюция конференции (скачать .docx)</a> \
         <a href=\"../files/rez.pdf\">PDF</a> <a href=\"/files/photo.jpg\">Фото</a> \
         <a href=\"https://elsewhere.invalid/other.pdf\">чужой сайт</a>",
    )
}

fn windows_1251(text: &str) -> Vec<u8> {
    fixtures::encode(encoding_rs::WINDOWS_1251, text)
}

fn page(body: impl Into<Vec<u8>>, etag: Option<&'static str>) -> Route {
    Route::Page {
        content_type: "text/html; charset=utf-8",
        body: body.into(),
        etag,
    }
}

fn options(data: &Path) -> FetchOptions {
    FetchOptions {
        delay: Duration::ZERO,
        backoff: Duration::from_millis(20),
        retries: 2,
        timeout: Duration::from_millis(1500),
        connect_timeout: Duration::from_millis(1500),
        ..FetchOptions::new(data)
    }
}

fn edusearch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .args(args)
        .env_remove("EDUSEARCH_INDEX")
        .env_remove("EDUSEARCH_DATA")
        .env("NO_COLOR", "1")
        // The fixture site is on loopback: no proxy between.
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("the edusearch binary runs")
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "status {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "not JSON ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// The outcome of every URL of a `fetch --json` report, by URL path.
fn outcomes(report: &Value, site: &Site) -> HashMap<String, String> {
    report["urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|url| {
            let path = url["url"]
                .as_str()
                .unwrap()
                .trim_start_matches(&site.base)
                .to_string();
            (path, url["outcome"].as_str().unwrap().to_string())
        })
        .collect()
}

fn web_folder(data: &Path, site: &Site) -> PathBuf {
    let host = site.base.trim_start_matches("http://").replace(':', "_");
    data.join("web").join(host)
}

async fn api_get(state: &edusearch_server::AppState, uri: &str) -> (StatusCode, String) {
    let response = edusearch_server::router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

// ---------------------------------------------------------------------------------------------
// Tests

/// The whole path through the binary: fetch a site (robots.txt, redirects, a windows-1251 page
/// declared only in the header, a page with its DOCX and PDF), index, search, and the API and
/// the page show where each resolution came from.
#[tokio::test(flavor = "multi_thread")]
async fn fetch_index_search_and_source_urls_end_to_end() {
    let seed_001 = fixtures::SEED;
    let site = Site::start(vec![
        (
            "/robots.txt",
            Route::Page {
                content_type: "text/plain",
                body: b"User-agent: *\nDisallow: /private/\n".to_vec(),
                etag: None,
            },
        ),
        (
            "/news/megion",
            Route::Page {
                content_type: "text/html; charset=windows-1251",
                body: windows_1251(&article_page(&seed("004_51dad73ccb525009.txt"))),
                etag: None,
            },
        ),
        ("/news/konferenciya", page(page_with_attachments(), None)),
        (
            "/files/rez.docx",
            Route::Page {
                content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                body: fixtures::docx(seed_001),
                etag: None,
            },
        ),
        (
            "/files/rez.pdf",
            Route::Page {
                content_type: "application/octet-stream",
                body: fixtures::pdf(seed_001, fixtures::PdfWords::SpaceCharacters),
                etag: None,
            },
        ),
        ("/old-address", Route::Redirect(301, "/moved")),
        ("/moved", Route::Redirect(302, "/docs/irbey.txt")),
        (
            "/docs/irbey.txt",
            Route::Page {
                content_type: "text/plain; charset=utf-8",
                body: seed("003_19532b6239aba2e0.txt").into_bytes(),
                etag: None,
            },
        ),
        ("/private/draft.html", page("<p>Черновик</p>", None)),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let index = dir.path().join("index");
    let list = dir.path().join("urls.txt");
    std::fs::write(
        &list,
        format!(
            "# resolutions\n{}\n\n{}\n",
            site.url("/old-address"),
            site.url("/private/draft.html")
        ),
    )
    .unwrap();
    let (data_arg, index_arg) = (data.to_str().unwrap(), index.to_str().unwrap());
    let report = json_of(&edusearch(&[
        "fetch",
        &site.url("/news/megion"),
        &site.url("/news/konferenciya"),
        "--from",
        list.to_str().unwrap(),
        "--attachments",
        "--delay",
        "0",
        "--data",
        data_arg,
        "--json",
    ]));
    let outcomes = outcomes(&report, &site);
    let expected: HashMap<String, String> = [
        ("/news/megion", "new"),
        ("/news/konferenciya", "new"),
        ("/old-address", "new"),
        ("/private/draft.html", "skipped_by_robots"),
        ("/files/rez.docx", "new"),
        ("/files/rez.pdf", "new"),
    ]
    .into_iter()
    .map(|(path, outcome)| (path.to_string(), outcome.to_string()))
    .collect();
    assert_eq!(outcomes, expected, "{report:#}");
    // robots.txt once per host; nothing asked of the disallowed path; a User-Agent that says
    // who we are.
    assert_eq!(site.requests_to("/robots.txt").len(), 1);
    assert!(site.requests_to("/private/draft.html").is_empty());
    let agent = &site.requests_to("/news/megion")[0].headers["user-agent"];
    assert!(agent.starts_with("edusearch/"), "{agent}");
    // The redirect chain ends where the file is named from.
    let redirected = report["urls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|url| url["url"].as_str().unwrap().ends_with("/old-address"))
        .unwrap();
    assert_eq!(
        redirected["final_url"],
        site.url("/docs/irbey.txt").as_str()
    );
    let web = web_folder(&data, &site);
    for file in [
        "news/megion.html",
        "news/konferenciya.html",
        "files/rez.docx",
        "files/rez.pdf",
        "docs/irbey.txt",
    ] {
        assert!(web.join(file).is_file(), "{file}");
    }
    assert_eq!(
        std::fs::read(web.join("news/megion.html")).unwrap(),
        windows_1251(&article_page(&seed("004_51dad73ccb525009.txt"))),
        "the original bytes"
    );
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(data.join(".edusearch-sources.json")).unwrap(),
    )
    .unwrap();
    let host = web.file_name().unwrap().to_str().unwrap();
    let megion = &manifest["files"][format!("web/{host}/news/megion.html")];
    assert_eq!(megion["charset"], "windows-1251");
    assert_eq!(megion["url"], site.url("/news/megion").as_str());
    assert_eq!(megion["sha256"].as_str().unwrap().len(), 64);
    assert!(megion["fetched_at"].as_str().unwrap().ends_with("GMT"));
    assert_eq!(
        manifest["files"][format!("web/{host}/files/rez.pdf")]["linked_from"],
        site.url("/news/konferenciya").as_str()
    );

    // inspect reads the header's charset and shows the address.
    let inspected = json_of(&edusearch(&[
        "inspect",
        web.join("news/megion.html").to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(inspected["extraction"]["encoding"], "windows-1251");
    assert_eq!(inspected["source_url"], site.url("/news/megion").as_str());
    assert!(
        inspected["title"].as_str().unwrap().contains("Мегион"),
        "{inspected:#}"
    );

    // Index: three resolutions; the page, its DOCX and its PDF are one.
    let built = json_of(&edusearch(&[
        "index", "--data", data_arg, "--index", index_arg, "--json",
    ]));
    assert_eq!(built["resolutions"], 3, "{built:#}");

    let found = json_of(&edusearch(&[
        "search",
        "персонификацию",
        "--level",
        "resolutions",
        "--json",
        "--index",
        index_arg,
    ]));
    let hit = &found["hits"][0];
    assert_eq!(
        hit["source_url"],
        site.url("/news/megion").as_str(),
        "{found:#}"
    );
    let csv = edusearch(&[
        "search",
        "персонификацию",
        "--format",
        "csv",
        "--index",
        index_arg,
    ]);
    assert!(
        String::from_utf8(csv.stdout)
            .unwrap()
            .contains(&site.url("/news/megion"))
    );

    let state = edusearch_server::AppState::open(&edusearch_server::ServerConfig {
        index_root: index.clone(),
        data_dir: data.clone(),
        addr: "127.0.0.1:0".parse().unwrap(),
        admin_token: None,
        cache_entries: 0,
    })
    .unwrap();
    let (status, body) = api_get(&state, "/api/search?q=%D1%82%D0%BE%D1%87%D0%BA%D0%B0%20%D1%80%D0%BE%D1%81%D1%82%D0%B0&level=resolutions").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let search: Value = serde_json::from_str(&body).unwrap();
    let hit = search["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|hit| {
            hit["source_url"]
                .as_str()
                .is_some_and(|url| url.contains("/files/"))
        })
        .unwrap_or_else(|| panic!("the seed conference among the hits: {search:#}"));
    let id = hit["resolution_id"].as_str().unwrap();
    let (status, body) = api_get(&state, &format!("/api/resolutions/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let resolution: Value = serde_json::from_str(&body).unwrap();
    let urls: Vec<&str> = resolution["source_urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|url| url.as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            site.url("/files/rez.docx"),
            site.url("/files/rez.pdf"),
            site.url("/news/konferenciya"),
        ],
        "page, DOCX and PDF of one resolution: {resolution:#}"
    );
    assert_eq!(resolution["sources"].as_array().unwrap().len(), 3);
    assert!(resolution["source_url"].as_str().is_some());
    let (status, results) = api_get(
        &state,
        "/?q=%D0%BF%D0%B5%D1%80%D1%81%D0%BE%D0%BD%D0%B8%D1%84%D0%B8%D0%BA%D0%B0%D1%86%D0%B8%D1%8E",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        results.contains(&format!(
            "href=\"{}\" rel=\"noopener\">Источник: сайт 127.0.0.1",
            site.url("/news/megion")
        )),
        "{results}"
    );
    let (status, page) = api_get(&state, &format!("/resolutions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("сайт 127.0.0.1"), "{page}");
    assert!(page.contains(&format!("href=\"{}\"", site.url("/news/konferenciya"))));

    // A second run costs a request per URL and changes nothing; a vanished URL is reported.
    site.set("/docs/irbey.txt", Route::Status(404));
    let again = edusearch(&[
        "fetch",
        &site.url("/news/megion"),
        &site.url("/old-address"),
        "--delay",
        "0",
        "--data",
        data_arg,
    ]);
    assert!(again.status.success());
    let lines = String::from_utf8(again.stdout).unwrap();
    assert_eq!(
        lines,
        format!(
            "{} — unchanged → web/{host}/news/megion.html\n\
             {} — gone (HTTP 404); file kept → web/{host}/docs/irbey.txt\n",
            site.url("/news/megion"),
            site.url("/old-address"),
        )
    );
    assert!(web.join("docs/irbey.txt").is_file());
}

#[test]
fn fetch_retries_a_503_and_gives_up_on_a_slow_server() {
    let site = Site::start(vec![
        (
            "/flaky",
            Route::Flaky {
                failures: 2,
                then: Box::new(page(article_page(fixtures::SEED), None)),
            },
        ),
        (
            "/slow",
            Route::Slow(Duration::from_secs(4), Box::new(page("<p>late</p>", None))),
        ),
        ("/down", Route::Status(503)),
    ]);
    let data = tempfile::tempdir().unwrap();
    let report = fetch(
        &[site.url("/flaky"), site.url("/slow"), site.url("/down")],
        &options(data.path()),
        &NoProgress,
    )
    .unwrap();
    assert_eq!(report.urls[0].outcome, Outcome::New);
    assert_eq!(
        site.requests_to("/flaky").len(),
        3,
        "two 503s, then the page"
    );
    match &report.urls[1].outcome {
        Outcome::Failed { reason } => assert!(reason.contains("timed out"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        site.requests_to("/slow").len(),
        3,
        "a timeout is tried again"
    );
    assert_eq!(
        report.urls[2].outcome,
        Outcome::Failed {
            reason: "HTTP 503 (after 3 tries)".into()
        }
    );
    assert!(report.has_failures());
}

#[test]
fn fetch_caps_the_size_and_reports_what_is_missing() {
    let big = vec![b'x'; 5000];
    let site = Site::start(vec![
        (
            "/big.pdf",
            Route::Page {
                content_type: "application/pdf",
                body: big.clone(),
                etag: None,
            },
        ),
        ("/big-unsized.pdf", Route::Unsized(big)),
        (
            "/small.txt",
            Route::Page {
                content_type: "text/plain",
                body: fixtures::SEED.as_bytes()[..900].to_vec(),
                etag: None,
            },
        ),
        (
            "/image.png",
            Route::Page {
                content_type: "image/png",
                body: vec![0x89, b'P', b'N', b'G'],
                etag: None,
            },
        ),
        ("/loop", Route::Redirect(302, "/loop")),
    ]);
    let data = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        max_bytes: 1000,
        ..options(data.path())
    };
    let urls = [
        "/big.pdf",
        "/big-unsized.pdf",
        "/small.txt",
        "/missing.pdf",
        "/image.png",
        "/loop",
    ]
    .map(|path| site.url(path));
    let report = fetch(&urls, &options, &NoProgress).unwrap();
    let outcomes: Vec<&Outcome> = report.urls.iter().map(|url| &url.outcome).collect();
    assert_eq!(
        outcomes,
        [
            &Outcome::TooLarge {
                size: Some(5000),
                limit: 1000
            },
            &Outcome::TooLarge {
                size: None,
                limit: 1000
            },
            &Outcome::New,
            &Outcome::Failed {
                reason: "not found (HTTP 404)".into()
            },
            &Outcome::Unsupported {
                content_type: "image/png".into()
            },
            &Outcome::Failed {
                reason: "more than the allowed redirects".into()
            },
        ]
    );
    assert!(!web_folder(data.path(), &site).join("big.pdf").exists());
    assert_eq!(
        site.requests_to("/loop").len(),
        6,
        "the first request and 5 redirects"
    );
    let leftovers: Vec<_> = walk(data.path())
        .into_iter()
        .filter(|path| path.to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Second run: 304; a changed page replaces its file and the next index reads it; a cut-off
/// body keeps the old copy; 404 keeps the file unless pruned.
#[test]
fn fetch_refreshes_with_validators_and_never_loses_a_good_copy() {
    let first = article_page(&seed("004_51dad73ccb525009.txt"));
    let site = Site::start(vec![("/news/megion", page(first.clone(), Some("\"v1\"")))]);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let options = options(&data);
    let url = [site.url("/news/megion")];
    let file = web_folder(&data, &site).join("news/megion.html");
    let run = || {
        fetch(&url, &options, &NoProgress).unwrap().urls[0]
            .outcome
            .clone()
    };
    assert_eq!(run(), Outcome::New);
    let root = IndexRoot::new(dir.path().join("index"));
    let build = || build_index(&root, &BuildOptions::new(&data), &NoBuildProgress).unwrap();
    assert_eq!(build().resolutions, 1);
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();

    // Unchanged: the server is asked with If-None-Match and answers 304; the file is untouched.
    assert_eq!(run(), Outcome::Unchanged);
    let asked = site.requests_to("/news/megion");
    assert_eq!(
        asked
            .last()
            .unwrap()
            .headers
            .get("if-none-match")
            .map(String::as_str),
        Some("\"v1\"")
    );
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        modified
    );

    // Changed: the file is replaced and the index reads it again.
    let second = first.replace("персонификацию", "персонификацию и цифровую трансформацию");
    site.set("/news/megion", page(second.clone(), Some("\"v2\"")));
    assert_eq!(run(), Outcome::Changed);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), second);
    let rebuilt = build();
    assert_eq!(
        (rebuilt.changed, rebuilt.removed, rebuilt.resolutions),
        (1, 1, 1)
    );
    let engine = edusearch_search::Engine::open(&root).unwrap();
    let found = engine
        .search(&edusearch_search::SearchRequest::query(
            "цифровую трансформацию",
        ))
        .unwrap();
    assert!(found.total > 0);
    assert_eq!(found.hits[0].source_url.as_deref(), Some(url[0].as_str()));

    // Cut off mid-body: a failure, and the good copy stays.
    let third = first.replace("персонификацию", "обрыв");
    site.set(
        "/news/megion",
        Route::CutOff {
            sent: third.len() / 2,
            body: third.into_bytes(),
        },
    );
    assert!(matches!(run(), Outcome::Failed { .. }));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), second);
    let hidden: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(hidden, ["megion.html"], "no partial file left beside it");

    // Vanished: reported, kept; with prune, moved to .removed.
    site.set("/news/megion", Route::Status(410));
    assert_eq!(run(), Outcome::Gone { status: 410 });
    assert!(file.exists());
    let pruning = FetchOptions {
        prune: true,
        ..options.clone()
    };
    let pruned = fetch(&url, &pruning, &NoProgress).unwrap();
    assert_eq!(pruned.urls[0].outcome, Outcome::Pruned { status: 410 });
    assert!(!file.exists());
    let host = web_folder(&data, &site).file_name().unwrap().to_owned();
    assert!(
        data.join(".removed/web")
            .join(host)
            .join("news/megion.html")
            .exists()
    );
}

fn walk(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
