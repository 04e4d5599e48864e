//! `corpus-gen`: writes a synthetic resolution corpus, or exports a corpus as TSV rows.
//!
//! ```sh
//! cargo run -p corpus-gen --release -- --resolutions 10000 --seed 1 --out DIR [--threads N]
//! cargo run -p corpus-gen --release -- export --data DIR --out items.tsv
//! ```

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use corpus_gen::Generator;
use edusearch_indexer::FileReader;

const USAGE: &str = "usage:
  corpus-gen --resolutions N [--seed S] --out DIR [--threads T]
  corpus-gen export --data DIR --out FILE.tsv [--threads T]";

fn main() {
    if let Err(error) = run() {
        eprintln!("error: {error:#}");
        std::process::exit(2);
    }
}

fn run() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let export = args.first().is_some_and(|first| first == "export");
    if export {
        args.remove(0);
    }
    let mut resolutions = None;
    let mut seed = 1u64;
    let mut out = None;
    let mut data = None;
    let mut threads = std::thread::available_parallelism().map_or(2, usize::from);
    let mut iter = args.into_iter();
    while let Some(flag) = iter.next() {
        let mut value = || {
            iter.next()
                .with_context(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--resolutions" => resolutions = Some(value()?.parse::<usize>()?),
            "--seed" => seed = value()?.parse()?,
            "--out" => out = Some(PathBuf::from(value()?)),
            "--data" => data = Some(PathBuf::from(value()?)),
            "--threads" => threads = value()?.parse::<usize>()?.max(1),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    let out = out.with_context(|| format!("--out is required\n{USAGE}"))?;
    if export {
        let data = data.with_context(|| format!("--data is required\n{USAGE}"))?;
        return export_tsv(&data, &out, threads);
    }
    let resolutions = resolutions.with_context(|| format!("--resolutions is required\n{USAGE}"))?;
    generate(resolutions, seed, &out, threads)
}

fn generate(resolutions: usize, seed: u64, out: &Path, threads: usize) -> Result<()> {
    let started = Instant::now();
    let generator = Generator::new(seed);
    let folders = resolutions.div_ceil(corpus_gen::FILES_PER_FOLDER);
    for folder in 0..folders {
        let path = out.join(format!("{folder:03}"));
        fs::create_dir_all(&path)
            .with_context(|| format!("failed to create {}", path.display()))?;
    }
    let bytes = AtomicUsize::new(0);
    let items = AtomicUsize::new(0);
    // Each thread takes every `threads`-th resolution; output depends only on the index.
    std::thread::scope(|scope| -> Result<()> {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                let generator = &generator;
                let bytes = &bytes;
                let items = &items;
                scope.spawn(move || -> Result<()> {
                    for index in (worker..resolutions).step_by(threads) {
                        let generated = generator.generate(index);
                        let path = out.join(&generated.relative_path);
                        fs::write(&path, generated.text.as_bytes())
                            .with_context(|| format!("failed to write {}", path.display()))?;
                        bytes.fetch_add(generated.text.len(), Ordering::Relaxed);
                        items.fetch_add(generated.expected.items.len(), Ordering::Relaxed);
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("generator thread panicked")?;
        }
        Ok(())
    })?;
    let bytes = bytes.into_inner();
    eprintln!(
        "wrote {resolutions} resolutions, {} items, {:.1} MB to {} in {:.1} s ({} municipalities)",
        items.into_inner(),
        bytes as f64 / 1e6,
        out.display(),
        started.elapsed().as_secs_f64(),
        generator.place_count(),
    );
    Ok(())
}

/// Reads every `.txt` file below `data` as the index build does and writes one TSV row per
/// item (PostgreSQL `COPY` text format): resolution id, source, year, region, municipality,
/// position, addressee, text.
fn export_tsv(data: &Path, out: &Path, threads: usize) -> Result<()> {
    let mut files = Vec::new();
    let mut pending = vec![data.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in
            fs::read_dir(&folder).with_context(|| format!("failed to read {}", folder.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "txt") {
                files.push(path);
            }
        }
    }
    files.sort();
    let chunk = files.len().div_ceil(threads).max(1);
    let parts: Vec<Result<String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(move || rows(data, part)))
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("export thread panicked"))
            .collect()
    });
    let file =
        fs::File::create(out).with_context(|| format!("failed to create {}", out.display()))?;
    let mut writer = BufWriter::new(file);
    for part in parts {
        writer.write_all(part?.as_bytes())?;
    }
    writer.flush()?;
    eprintln!("exported {} files to {}", files.len(), out.display());
    Ok(())
}

fn rows(data: &Path, files: &[PathBuf]) -> Result<String> {
    let reader = FileReader::default();
    let mut out = String::new();
    for path in files {
        let source = path
            .strip_prefix(data)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let resolution = match reader.read(path, &source, None) {
            Ok(record) => record.resolution,
            // A file that is not a resolution is left out; one the machine cannot read is not.
            Err(error) if error.is_user_error() => continue,
            Err(error) => {
                return Err(error).with_context(|| format!("failed to read {}", path.display()));
            }
        };
        for item in &resolution.items {
            let fields = [
                resolution.id.clone(),
                source.clone(),
                resolution
                    .year
                    .map_or_else(|| "\\N".to_string(), |year| year.to_string()),
                resolution
                    .location
                    .region
                    .clone()
                    .map_or_else(|| "\\N".to_string(), |v| escape(&v)),
                resolution
                    .location
                    .municipality
                    .clone()
                    .map_or_else(|| "\\N".to_string(), |v| escape(&v)),
                item.position.to_string(),
                item.addressee
                    .clone()
                    .map_or_else(|| "\\N".to_string(), |v| escape(&v)),
                escape(&item.text),
            ];
            out.push_str(&fields.join("\t"));
            out.push('\n');
        }
    }
    Ok(out)
}

/// Escapes a value for PostgreSQL's `COPY … FROM` text format.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}
