//! Parse throughput: times `parse_resolution` over every `.txt` file of a folder.
//!
//! ```sh
//! cargo run --release -p edusearch-resolution --example parse_speed -- target/bench-corpus/seed1-10000
//! cargo run --release -p edusearch-resolution --example parse_speed -- DIR --limit 2000 --runs 5
//! cargo run --release -p edusearch-resolution --example parse_speed -- DIR --limit 2000 --dump out.jsonl
//! ```
//!
//! Files are read into memory first, so the figures are parsing alone, single thread (as one
//! worker of the index build). `--runs N` repeats the pass and prints the median. `--dump FILE`
//! writes every result as one JSON line (file name, then the `Resolution` or the error), to
//! compare the parser's output before and after a change.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use edusearch_resolution::parse_resolution;

struct Options {
    dir: PathBuf,
    limit: Option<usize>,
    runs: usize,
    dump: Option<PathBuf>,
}

fn usage() -> ! {
    eprintln!("usage: parse_speed DIR [--limit N] [--runs N] [--dump FILE]");
    std::process::exit(2);
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut limit = None;
    let mut runs = 1;
    let mut dump = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--limit" => limit = Some(value().parse().unwrap_or_else(|_| usage())),
            "--runs" => runs = value().parse().unwrap_or_else(|_| usage()),
            "--dump" => dump = Some(PathBuf::from(value())),
            _ if arg.starts_with("--") || dir.is_some() => usage(),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    Options {
        dir: dir.unwrap_or_else(|| usage()),
        limit,
        runs: runs.max(1),
        dump,
    }
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "txt") {
            files.push(path);
        }
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let options = options();
    let mut paths = Vec::new();
    collect_files(&options.dir, &mut paths)?;
    paths.sort();
    if let Some(limit) = options.limit {
        paths.truncate(limit);
    }
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|path| {
            let name = path
                .strip_prefix(&options.dir)
                .unwrap_or(path)
                .to_string_lossy()
                .into_owned();
            std::fs::read(path).map(|bytes| (name, bytes))
        })
        .collect::<Result<_, _>>()?;
    let total_bytes: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
    let megabytes = total_bytes as f64 / 1e6;

    // Warm up the built-in tables (place table, taxonomy) outside the timed passes.
    if let Some((name, bytes)) = files.first() {
        let _ = parse_resolution(name, bytes);
    }

    let mut seconds = Vec::with_capacity(options.runs);
    let mut items = 0usize;
    let mut errors = 0usize;
    for run in 0..options.runs {
        items = 0;
        errors = 0;
        let started = Instant::now();
        for (name, bytes) in &files {
            match parse_resolution(name, bytes) {
                Ok(resolution) => items += resolution.items.len(),
                Err(_) => errors += 1,
            }
        }
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "run {}: {:.3} s, {:.2} MB/s",
            run + 1,
            elapsed,
            megabytes / elapsed
        );
        seconds.push(elapsed);
    }
    seconds.sort_by(f64::total_cmp);
    let median = seconds[seconds.len() / 2];
    println!(
        "{} files, {:.1} MB, {} items, {} errors; median of {} runs: {:.3} s, {:.2} MB/s, {:.0} files/s",
        files.len(),
        megabytes,
        items,
        errors,
        options.runs,
        median,
        megabytes / median,
        files.len() as f64 / median
    );

    if let Some(dump) = &options.dump {
        let mut out = std::io::BufWriter::new(std::fs::File::create(dump)?);
        for (name, bytes) in &files {
            let value = match parse_resolution(name, bytes) {
                Ok(resolution) => serde_json::to_value(&resolution),
                Err(error) => Ok(serde_json::Value::String(format!("error: {error}"))),
            }
            .map_err(std::io::Error::other)?;
            writeln!(out, "{name}\t{value}")?;
        }
        out.flush()?;
        println!("wrote {}", dump.display());
    }
    Ok(())
}
