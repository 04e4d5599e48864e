//! End to end in a real browser: the `edusearch serve` binary, Debian's chromium driven by
//! chromedriver over WebDriver, all on loopback.
//!
//! Ignored by default; run with `cargo test --test integration -- --ignored browser`. Needs the
//! Debian packages `chromium` and `chromium-driver` (`CHROMEDRIVER` and `CHROME_BIN` override
//! where they are looked for). Screenshots, desktop (1280 wide) and phone (375 wide), are saved
//! to `target/test-artifacts/`.

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

mod similar;

/// Longest wait for the server, the driver or a page.
const STARTUP: Duration = Duration::from_secs(90);
const PAGE: Duration = Duration::from_secs(20);

/// A child process killed when the test ends, however it ends.
struct Running {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Running {
    fn spawn(name: &'static str, command: &mut Command, log: PathBuf) -> Self {
        let file = fs::File::create(&log).unwrap();
        let child = command
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|error| panic!("failed to start {name} ({command:?}): {error}"));
        Self { name, child, log }
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Panics with the log when the process has exited.
    fn assert_alive(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited with {status}:\n{}", self.name, self.log());
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP GET on loopback, for readiness checks.
fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    // Some servers keep the connection open despite `Connection: close`: take what came.
    let mut answer = Vec::new();
    let mut chunk = [0_u8; 4096];
    while let Ok(read) = stream.read(&mut chunk) {
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&chunk[..read]);
        if answer.windows(4).any(|window| window == b"\r\n\r\n") && answer.ends_with(b"}") {
            break;
        }
    }
    (!answer.is_empty()).then(|| String::from_utf8_lossy(&answer).into_owned())
}

fn wait_until(what: &str, process: &mut Running, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + STARTUP;
    while !ready() {
        process.assert_alive();
        assert!(
            Instant::now() < deadline,
            "{what} not ready in time:\n{}",
            process.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn find_program(variable: &str, candidates: &[&str]) -> PathBuf {
    if let Some(path) = std::env::var_os(variable) {
        return PathBuf::from(path);
    }
    for candidate in candidates {
        let path = Path::new(candidate);
        if path.is_absolute() && path.exists() {
            return path.to_path_buf();
        }
        if let Some(paths) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&paths) {
                if dir.join(candidate).is_file() {
                    return dir.join(candidate);
                }
            }
        }
    }
    panic!(
        "{} not found: install Debian's chromium and chromium-driver (or set {variable})",
        candidates[0]
    );
}

fn copy_corpus(to: &Path) {
    fs::create_dir_all(to).unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("index-data/resolutions");
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    fs::create_dir_all(&dir).unwrap();
    dir
}

async fn wait_for_url(client: &Client, part: &str) {
    let deadline = Instant::now() + PAGE;
    loop {
        let url = client.current_url().await.unwrap();
        if url.as_str().contains(part) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "never reached a URL with {part}: at {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .wait()
        .at_most(PAGE)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no {css}: {error}"))
        .text()
        .await
        .unwrap()
}

/// The count in «Найдено 9 рекомендаций, показаны 1–10».
async fn results_total(client: &Client) -> u64 {
    let summary = text_of(client, ".results-title").await;
    summary
        .split_whitespace()
        .find_map(|word| word.trim_matches(',').parse().ok())
        .unwrap_or_else(|| panic!("no count in {summary:?}"))
}

async fn script(client: &Client, body: &str) -> Value {
    client.execute(body, Vec::new()).await.unwrap()
}

/// Saves a screenshot: of the window as it is, or of the whole page (up to a limit) from the top.
async fn screenshot(client: &Client, width: u32, name: &str, whole_page: bool) -> PathBuf {
    if whole_page {
        script(client, "window.scrollTo(0, 0); return null;").await;
        let height = script(client, "return document.documentElement.scrollHeight;")
            .await
            .as_u64()
            .unwrap_or(900)
            .clamp(600, 3000) as u32;
        client.set_window_size(width, height).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = client.screenshot().await.unwrap();
    let path = artifacts().join(name);
    fs::write(&path, png).unwrap();
    path
}

/// Whether the page fits the window without sideways scrolling.
async fn fits_width(client: &Client) -> bool {
    script(
        client,
        "return document.documentElement.scrollWidth <= window.innerWidth;",
    )
    .await
        == json!(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromedriver; run with --ignored"]
async fn browser_search_filter_and_open_a_result() {
    let chromedriver = find_program("CHROMEDRIVER", &["chromedriver", "/usr/bin/chromedriver"]);
    let chrome = find_program("CHROME_BIN", &["chromium", "/usr/bin/chromium"]);
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    copy_corpus(&data);

    let server_port = free_port();
    let mut server = Running::spawn(
        "edusearch serve",
        Command::new(env!("CARGO_BIN_EXE_edusearch"))
            .arg("serve")
            .arg("--index")
            .arg(work.path().join("index"))
            .arg("--data")
            .arg(&data)
            .arg("--addr")
            .arg(format!("127.0.0.1:{server_port}")),
        work.path().join("server.log"),
    );
    wait_until("edusearch serve", &mut server, || {
        http_get(server_port, "/api/health").is_some_and(|answer| answer.contains("\"ok\""))
    });

    let driver_port = free_port();
    let mut driver = Running::spawn(
        "chromedriver",
        Command::new(&chromedriver)
            .arg(format!("--port={driver_port}"))
            .arg("--allowed-ips=127.0.0.1"),
        work.path().join("chromedriver.log"),
    );
    wait_until("chromedriver", &mut driver, || {
        http_get(driver_port, "/status").is_some_and(|answer| answer.contains("ready"))
    });

    let profile = work.path().join("chromium-profile");
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_string(),
        json!({
            "binary": chrome,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .unwrap_or_else(|error| panic!("no browser session: {error}\n{}", driver.log()));

    let outcome = run_scenario(&client, server_port).await;
    let _ = client.close().await;
    server.assert_alive();
    if let Err(message) = outcome {
        panic!("{message}\nserver log:\n{}", server.log());
    }
}

async fn run_scenario(client: &Client, port: u16) -> Result<(), String> {
    let base = format!("http://127.0.0.1:{port}");
    client.set_window_size(1280, 900).await.unwrap();
    client.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(
        script(client, "return document.documentElement.lang;").await,
        json!("ru")
    );

    // «/» focuses the search box (the script's enhancement).
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("/")
        .await
        .unwrap();
    let focused = script(client, "return document.activeElement.id;").await;
    assert_eq!(focused, json!("q"), "«/» should focus the search box");

    // Type the query and submit the form.
    let input = client.find(Locator::Css("#q")).await.unwrap();
    input.send_keys("профориентация 2023").await.unwrap();
    client
        .find(Locator::Css(".search-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(client, "q=").await;
    let total = results_total(client).await;
    assert!(total >= 2, "{total}");
    let places = client
        .find_all(Locator::Css(".hit .hit-place"))
        .await
        .unwrap();
    assert!(!places.is_empty());
    for place in &places {
        let text = place.text().await.unwrap();
        assert!(text.contains("Армавир"), "{text}");
    }
    let first_mark = text_of(client, ".hit:first-child .hit-text mark").await;
    assert!(
        first_mark.to_lowercase().starts_with("профориентаци"),
        "{first_mark}"
    );
    assert!(fits_width(client).await);
    let results_url = client.current_url().await.unwrap().to_string();
    screenshot(client, 1280, "search-desktop.png", true).await;
    client.set_window_size(1280, 900).await.unwrap();

    // A topic facet with fewer hits narrows the list.
    let facet_links = client
        .find_all(Locator::Css("#filters a.facet-value"))
        .await
        .unwrap();
    let mut chosen = None;
    for link in facet_links {
        let count: u64 = link
            .find(Locator::Css(".facet-count"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .trim()
            .parse()
            .unwrap_or(0);
        let href = link.attr("href").await.unwrap().unwrap_or_default();
        if count > 0 && count < total && href.contains("topic=") {
            chosen = Some((link, count));
            break;
        }
    }
    let (link, expected) = chosen.ok_or("no topic facet narrows the results")?;
    link.click().await.unwrap();
    wait_for_url(client, "topic=").await;
    let narrowed = results_total(client).await;
    assert_eq!(narrowed, expected);
    assert!(narrowed < total);
    let chip = text_of(client, ".active-filters").await;
    assert!(chip.contains("Тема:"), "{chip}");

    // Open a result: the resolution page scrolls to the item and highlights it.
    let first = client
        .find(Locator::Css(".hit:first-child .hit-title a"))
        .await
        .unwrap();
    let href = first.attr("href").await.unwrap().unwrap_or_default();
    let anchor = href
        .rsplit_once('#')
        .map(|(_, anchor)| anchor.to_string())
        .ok_or(format!("no anchor in {href}"))?;
    first.click().await.unwrap();
    wait_for_url(client, "/resolutions/").await;
    client
        .wait()
        .at_most(PAGE)
        .for_element(Locator::Css(".item:target"))
        .await
        .map_err(|error| format!("no :target item: {error}"))?;
    let target = script(
        client,
        "const t = document.querySelector(':target'); \
         return [t.id, getComputedStyle(t).backgroundColor, getComputedStyle(t).borderLeftColor];",
    )
    .await;
    assert_eq!(target[0], json!(anchor));
    assert_ne!(
        target[1],
        json!("rgba(0, 0, 0, 0)"),
        "the target item is highlighted"
    );
    let marks = client
        .find_all(Locator::Css(".item-text mark"))
        .await
        .unwrap();
    assert!(!marks.is_empty(), "the query words are marked on the page");
    screenshot(client, 1280, "resolution-desktop.png", false).await;
    let resolution_url = client.current_url().await.unwrap().to_string();

    // Phone width: the same pages fit 375 pixels without sideways scrolling.
    client.set_window_size(375, 812).await.unwrap();
    let width = script(client, "return window.innerWidth;").await;
    assert_eq!(
        width,
        json!(375),
        "the window could not be made phone-sized"
    );
    client.goto(&results_url).await.unwrap();
    text_of(client, ".results-title").await;
    assert!(
        fits_width(client).await,
        "the results page is wider than a phone"
    );
    screenshot(client, 375, "search-phone.png", true).await;
    client.set_window_size(375, 812).await.unwrap();
    client.goto(&resolution_url).await.unwrap();
    client
        .wait()
        .at_most(PAGE)
        .for_element(Locator::Css(".item:target"))
        .await
        .map_err(|error| format!("no :target item on the phone: {error}"))?;
    assert!(
        fits_width(client).await,
        "the resolution page is wider than a phone"
    );
    screenshot(client, 375, "resolution-phone.png", false).await;
    client.set_window_size(375, 812).await.unwrap();
    client.goto(&format!("{base}/")).await.unwrap();
    screenshot(client, 375, "start-phone.png", true).await;
    client.set_window_size(1280, 900).await.unwrap();
    client.goto(&format!("{base}/")).await.unwrap();
    screenshot(client, 1280, "start-desktop.png", true).await;

    similar::similar_sections(client, &base).await?;
    similar::year_chart(client, &base).await?;
    Ok(())
}
