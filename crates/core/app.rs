//! Command-line interface: argument definitions and the commands.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use edusearch_indexer::{
    BuildMode, BuildOptions, BuildProgress, BuildReport, IndexError, IndexRoot, ReadError, Record,
    add_to_corpus, build_index, remove_from_corpus,
};
use edusearch_search::{Engine, ErrorKind, Level, SearchError, SearchFilters, SearchRequest, Sort};
use indicatif::{ProgressBar, ProgressStyle};

use crate::output;

/// Full-text search over Russian education resolutions.
#[derive(Debug, Parser)]
#[command(name = "edusearch", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// More log output (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Update the index from the corpus folder (only what changed; --full for everything).
    Index(IndexArgs),
    /// Add files to the corpus (copied into its added/ folder if outside it) and index them.
    Add(AddArgs),
    /// Take a resolution (by id) or a file (by path) out of the corpus and the index; the files
    /// are kept in the corpus's hidden .removed/ folder.
    Remove(RemoveArgs),
    /// Search the index and print ranked recommendations or resolutions.
    Search(SearchArgs),
    /// Count the hits of a search by year, region or topic (items and resolutions).
    Trends(TrendsArgs),
    /// Show what the parser extracts from one file, without indexing it.
    Inspect(InspectArgs),
    /// Show counts by region, year and topic.
    Stats(StatsArgs),
    /// Build the index if missing, then serve the search page and the JSON API.
    Serve(ServeArgs),
    /// Download resolution pages and documents from the web into the corpus (web/<host>/…);
    /// run `index` afterwards.
    Fetch(FetchArgs),
}

#[derive(Debug, Args, Clone)]
struct IndexLocation {
    /// Index folder (generations and the CURRENT pointer live here).
    #[arg(
        long = "index",
        env = "EDUSEARCH_INDEX",
        default_value = "index-data/index"
    )]
    index: PathBuf,
}

#[derive(Debug, Args, Clone)]
struct DataLocation {
    /// Corpus folder with resolution files (read recursively).
    #[arg(
        long = "data",
        env = "EDUSEARCH_DATA",
        default_value = "index-data/resolutions"
    )]
    data: PathBuf,
}

#[derive(Debug, Args)]
struct IndexArgs {
    #[command(flatten)]
    data: DataLocation,
    #[command(flatten)]
    index: IndexLocation,
    /// Read every file again instead of only new and changed ones.
    #[arg(long)]
    full: bool,
    /// Files larger than this many megabytes are skipped.
    #[arg(long, default_value_t = 50)]
    max_file_mb: u64,
    /// Print the build report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct AddArgs {
    /// Resolution files to add.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    data: DataLocation,
    #[command(flatten)]
    index: IndexLocation,
}

#[derive(Debug, Args)]
struct RemoveArgs {
    /// A resolution id (as shown by `search`) or a file path (relative to the corpus or not).
    target: String,
    #[command(flatten)]
    data: DataLocation,
    #[command(flatten)]
    index: IndexLocation,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LevelArg {
    Items,
    Resolutions,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SortArg {
    Relevance,
    Date,
}

/// The query and the filters `search` and `trends` share.
#[derive(Debug, Args)]
struct QueryArgs {
    /// The query, e.g. "профориентация 2023" (a year in it becomes the year filter).
    query: Vec<String>,
    #[command(flatten)]
    filters: SearchFilters,
    /// Search recommendation items or whole resolutions.
    #[arg(long, value_enum, default_value = "items")]
    level: LevelArg,
    /// Search the words as typed: no keyboard-layout or spelling correction.
    #[arg(long)]
    literal: bool,
    /// Only the items of one recurring recommendation (the id a hit shows).
    #[arg(long, value_name = "ID")]
    group: Option<String>,
    /// Show a recommendation repeated in many resolutions once.
    #[arg(long)]
    collapse: bool,
}

impl QueryArgs {
    /// The search request these arguments describe (first page, default order).
    fn request(&self) -> SearchRequest {
        SearchRequest {
            q: self.query.join(" "),
            filters: self.filters.clone(),
            level: match self.level {
                LevelArg::Items => Level::Items,
                LevelArg::Resolutions => Level::Resolutions,
            },
            literal: self.literal,
            group: self.group.clone(),
            collapse: self.collapse,
            ..SearchRequest::default()
        }
    }
}

#[derive(Debug, Args)]
struct SearchArgs {
    #[command(flatten)]
    query: QueryArgs,
    /// Order of results.
    #[arg(long, value_enum, default_value = "relevance")]
    sort: SortArg,
    /// Results per page (1–100).
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Page number, from 1.
    #[arg(long, default_value_t = 1)]
    page: usize,
    /// Print the same JSON object the HTTP API returns.
    #[arg(long)]
    json: bool,
    /// Print every hit (not one page; at most 5000) as CSV or JSON Lines.
    #[arg(long, value_enum, conflicts_with = "json")]
    format: Option<ExportFormatArg>,
    #[command(flatten)]
    index: IndexLocation,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormatArg {
    Csv,
    Jsonl,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TrendByArg {
    Year,
    Region,
    Topic,
}

#[derive(Debug, Args)]
struct TrendsArgs {
    #[command(flatten)]
    query: QueryArgs,
    /// What the rows are.
    #[arg(long, value_enum, default_value = "year")]
    by: TrendByArg,
    /// Print the same JSON object the HTTP API returns.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    index: IndexLocation,
}

#[derive(Debug, Args)]
struct InspectArgs {
    /// The resolution file.
    file: PathBuf,
    /// Print the parsed record as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct StatsArgs {
    #[command(flatten)]
    index: IndexLocation,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    index: IndexLocation,
    #[command(flatten)]
    data: DataLocation,
    /// Address to listen on.
    #[arg(long, env = "EDUSEARCH_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Token that turns on `POST /api/admin/reindex` (Authorization: Bearer TOKEN); set it in
    /// the environment rather than on the command line.
    #[arg(long, env = "EDUSEARCH_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Search responses kept for repeated searches (0: no cache); a rebuilt index empties it.
    #[arg(long, env = "EDUSEARCH_CACHE_ENTRIES", default_value_t = edusearch_server::DEFAULT_CACHE_ENTRIES)]
    cache_entries: usize,
}

#[derive(Debug, Args)]
struct FetchArgs {
    /// Pages or documents to download (http or https).
    urls: Vec<String>,
    /// Read more URLs from this file, one a line (blank lines and # comments skipped).
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    #[command(flatten)]
    data: DataLocation,
    /// Also download the documents (PDF, DOCX, …) a page links to on the same site.
    #[arg(long)]
    attachments: bool,
    /// Move the file of a URL that answers 404/410 out of the corpus (to .removed/).
    #[arg(long)]
    prune: bool,
    /// Seconds between two requests to the same host.
    #[arg(long, default_value_t = 1.0)]
    delay: f64,
    /// Seconds allowed for one request, body included (connecting: at most 10).
    #[arg(long, default_value_t = 60.0)]
    timeout: f64,
    /// Downloads larger than this many megabytes are not kept (the limit of `index`).
    #[arg(long, default_value_t = 50)]
    max_file_mb: u64,
    /// Print the outcome of every URL as JSON.
    #[arg(long)]
    json: bool,
}

/// Logs go to stderr; `RUST_LOG` overrides the level chosen with `-v`.
pub fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn,edusearch=info,edusearch_server=info",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

/// Exit code for an error: 2 for bad input or missing index, 1 for the rest.
pub fn exit_code_for(error: &anyhow::Error) -> ExitCode {
    let user_error = error.chain().any(|cause| {
        cause.downcast_ref::<SearchError>().is_some_and(|error| {
            matches!(
                error.kind(),
                ErrorKind::InvalidInput | ErrorKind::NotFound | ErrorKind::Unavailable
            )
        }) || cause
            .downcast_ref::<edusearch_indexer::IndexError>()
            .is_some_and(edusearch_indexer::IndexError::is_user_error)
            || cause
                .downcast_ref::<ReadError>()
                .is_some_and(ReadError::is_user_error)
            || cause
                .downcast_ref::<edusearch_fetch::FetchError>()
                .is_some_and(edusearch_fetch::FetchError::is_user_error)
    });
    if user_error {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}

/// Runs the chosen command.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Index(args) => index(args),
        Command::Add(args) => add(args),
        Command::Remove(args) => remove(args),
        Command::Search(args) => search(args),
        Command::Trends(args) => trends(args),
        Command::Inspect(args) => inspect(args),
        Command::Stats(args) => stats(args),
        Command::Serve(args) => serve(args),
        Command::Fetch(args) => fetch(args),
    }
}

fn index(args: IndexArgs) -> Result<ExitCode> {
    let root = IndexRoot::new(&args.index.index);
    let mode = if args.full {
        BuildMode::Full
    } else {
        BuildMode::Incremental
    };
    let report = build_with(&root, &args.data.data, mode, args.max_file_mb * 1024 * 1024)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        output::build_summary(&mut out, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Builds the index with a progress bar on a terminal.
fn build(root: &IndexRoot, data: &Path, mode: BuildMode) -> Result<BuildReport> {
    build_with(root, data, mode, BuildOptions::new(data).max_file_bytes)
}

fn build_with(
    root: &IndexRoot,
    data: &Path,
    mode: BuildMode,
    max_file_bytes: u64,
) -> Result<BuildReport> {
    let progress = Bar::new("files");
    let options = BuildOptions {
        mode,
        max_file_bytes,
        ..BuildOptions::new(data)
    };
    let report = build_index(root, &options, &progress)
        .with_context(|| format!("failed to build the index from {}", data.display()))?;
    Ok(report)
}

fn add(args: AddArgs) -> Result<ExitCode> {
    let placed = add_to_corpus(&args.data.data, &args.paths).with_context(|| {
        format!(
            "failed to add files to the corpus {}",
            args.data.data.display()
        )
    })?;
    let mut out = std::io::stdout().lock();
    for path in &placed {
        writeln!(out, "in the corpus: {}", path.display())?;
    }
    let report = build(
        &IndexRoot::new(&args.index.index),
        &args.data.data,
        BuildMode::Incremental,
    )?;
    output::build_summary(&mut out, &report)?;
    Ok(ExitCode::SUCCESS)
}

fn remove(args: RemoveArgs) -> Result<ExitCode> {
    let root = IndexRoot::new(&args.index.index);
    let moved = remove_from_corpus(&root, &args.data.data, &args.target)
        .with_context(|| format!("failed to remove {}", args.target))?;
    let mut out = std::io::stdout().lock();
    for path in &moved {
        writeln!(
            out,
            "moved out of the corpus: {path} (kept in {})",
            edusearch_indexer::REMOVED_FOLDER
        )?;
    }
    let report = build(&root, &args.data.data, BuildMode::Incremental)?;
    output::build_summary(&mut out, &report)?;
    Ok(ExitCode::SUCCESS)
}

fn open_engine(location: &IndexLocation) -> Result<Engine> {
    Engine::open(&IndexRoot::new(&location.index))
        .with_context(|| format!("failed to open the index at {}", location.index.display()))
}

fn search(args: SearchArgs) -> Result<ExitCode> {
    let engine = open_engine(&args.index)?;
    let request = SearchRequest {
        page: args.page,
        per_page: args.limit,
        sort: match args.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Date => Sort::Date,
        },
        ..args.query.request()
    };
    if let Some(format) = args.format {
        return export(&engine, &request, format);
    }
    let response = engine.search(&request)?;
    let stdout = std::io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &response)?;
        writeln!(out)?;
    } else {
        output::search_results(&mut out, &response, color)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Every hit of a search (up to the export cap) as CSV or JSON Lines on stdout.
fn export(engine: &Engine, request: &SearchRequest, format: ExportFormatArg) -> Result<ExitCode> {
    let export = engine.export(request, edusearch_search::EXPORT_CAP)?;
    // Written in memory first (at most the cap), so a closed pipe is a plain I/O error.
    let mut body = Vec::new();
    match format {
        ExportFormatArg::Csv => edusearch_search::write_csv(&mut body, &export.hits)?,
        ExportFormatArg::Jsonl => edusearch_search::write_jsonl(&mut body, &export.hits)?,
    }
    let mut out = std::io::stdout().lock();
    out.write_all(&body)?;
    out.flush()?;
    if export.truncated {
        eprintln!(
            "exported the first {} of {} hits (the export cap); narrow the search for the rest",
            export.hits.len(),
            export.total
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn trends(args: TrendsArgs) -> Result<ExitCode> {
    let engine = open_engine(&args.index)?;
    let request = args.query.request();
    let by = match args.by {
        TrendByArg::Year => edusearch_search::TrendBy::Year,
        TrendByArg::Region => edusearch_search::TrendBy::Region,
        TrendByArg::Topic => edusearch_search::TrendBy::Topic,
    };
    let trends = engine.trends(&request, by)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &trends)?;
        writeln!(out)?;
    } else {
        output::trends(&mut out, &trends)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn inspect(args: InspectArgs) -> Result<ExitCode> {
    // For a fetched file, the sources manifest of its corpus gives its address and charset.
    let record = edusearch_indexer::read_resolution(&args.file).map_err(|error| {
        let (failed, cause) = match error {
            // The context says the file could not be read: the cause is the I/O error itself.
            ReadError::Io { error } => ("failed to read", anyhow::Error::new(error)),
            ReadError::NotRegular { .. } | ReadError::TooLarge { .. } => {
                ("failed to read", error.into())
            }
            ReadError::Extract(_) => ("cannot read", error.into()),
            ReadError::Parse(_) => ("cannot parse", error.into()),
        };
        cause.context(format!("{failed} {}", args.file.display()))
    })?;
    let Record {
        resolution,
        format,
        encoding,
    } = record;
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut value = serde_json::to_value(&resolution)?;
        value["extraction"] = serde_json::json!({
            "format": format.name(),
            "encoding": encoding,
        });
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "format:        {}{}",
            format.name(),
            encoding
                .as_deref()
                .map(|encoding| format!(", {encoding}"))
                .unwrap_or_default()
        )?;
        output::resolution(&mut out, &resolution)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn stats(args: StatsArgs) -> Result<ExitCode> {
    let engine = open_engine(&args.index)?;
    let stats = engine.stats()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &stats)?;
        writeln!(out)?;
    } else {
        output::stats(&mut out, &stats)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn serve(args: ServeArgs) -> Result<ExitCode> {
    let root = IndexRoot::new(&args.index.index);
    let unusable = match edusearch_indexer::open_index(&root) {
        Err(IndexError::Unusable { reason, .. }) if root.exists() => Some(reason),
        _ => None,
    };
    if !root.exists() || unusable.is_some() {
        let why = match &unusable {
            Some(reason) => format!(
                "the index at {} is unusable ({reason})",
                args.index.index.display()
            ),
            None => format!("no index at {}", args.index.index.display()),
        };
        eprintln!("{why}; building it from {}", args.data.data.display());
        let report = build(&root, &args.data.data, BuildMode::Full)?;
        output::build_summary(&mut std::io::stderr().lock(), &report)?;
    }
    let config = edusearch_server::ServerConfig {
        index_root: args.index.index,
        data_dir: args.data.data,
        addr: args.addr,
        admin_token: args.admin_token,
        cache_entries: args.cache_entries,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")?;
    runtime.block_on(async move {
        let shutdown = async {
            // Ctrl-C on a terminal, SIGTERM from a service manager.
            let interrupt = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut terminate =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                        .expect("SIGTERM handler installs");
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            #[cfg(not(unix))]
            let _ = interrupt.await;
            tracing::info!("shutting down");
        };
        edusearch_server::serve(config, shutdown).await
    })?;
    Ok(ExitCode::SUCCESS)
}

fn fetch(args: FetchArgs) -> Result<ExitCode> {
    let mut urls = args.urls.clone();
    if let Some(list) = &args.from {
        let text = std::fs::read_to_string(list)
            .with_context(|| format!("failed to read the URL list {}", list.display()))?;
        urls.extend(
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .map(str::to_string),
        );
    }
    if urls.is_empty() {
        anyhow::bail!("no URL to fetch; give URLs or --from FILE");
    }
    let seconds = |value: f64, name: &str| -> Result<Duration> {
        Duration::try_from_secs_f64(value)
            .map_err(|_| anyhow::anyhow!("--{name} must be a number of seconds ≥ 0, not {value}"))
    };
    let timeout = seconds(args.timeout, "timeout")?;
    let options = edusearch_fetch::FetchOptions {
        attachments: args.attachments,
        prune: args.prune,
        delay: seconds(args.delay, "delay")?,
        timeout,
        connect_timeout: timeout.min(Duration::from_secs(10)),
        max_bytes: args.max_file_mb * 1024 * 1024,
        ..edusearch_fetch::FetchOptions::new(&args.data.data)
    };
    let progress = Bar::new("URLs");
    progress.bar.enable_steady_tick(Duration::from_millis(120));
    let report = edusearch_fetch::fetch(&urls, &options, &progress)
        .with_context(|| format!("failed to fetch into {}", args.data.data.display()))?;
    progress.bar.finish_and_clear();
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        output::fetch_summary(&mut out, &report)?;
    }
    Ok(if report.has_failures() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// A progress bar on stderr when it is a terminal, nothing otherwise; it counts `unit`s
/// (files of a build, URLs of a fetch).
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new(unit: &str) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            ProgressBar::new(0)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} [{{bar:40}}] {{pos}}/{{len}} {unit} {{wide_msg}}"
            ))
            .expect("progress template is valid")
            .progress_chars("=> "),
        );
        Self { bar }
    }
}

impl edusearch_fetch::FetchProgress for Bar {
    fn add(&self, count: usize) {
        self.bar.inc_length(count as u64);
    }

    fn url_done(&self, url: &str) {
        self.bar.inc(1);
        self.bar.set_message(url.to_string());
    }
}

impl BuildProgress for Bar {
    fn start(&self, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }

    fn file_done(&self, path: &Path) {
        self.bar.inc(1);
        if let Some(name) = path.file_name() {
            self.bar.set_message(name.to_string_lossy().into_owned());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
