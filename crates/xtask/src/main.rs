//! Developer tasks for edusearch.
//!
//! `cargo run -p xtask -- gazetteer ../shared/gazetteer [--out crates/resolution/data]` derives
//! the place table `places.tsv` from the raw gazetteer (ОКТМО 2019 and HFLabs' city.csv).

mod gazetteer;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage: cargo run -p xtask -- gazetteer SOURCE_DIR [--out DIR] [--regions FILE]

  gazetteer   derive places.tsv from SOURCE_DIR/oktmo_municipalities.csv and SOURCE_DIR/city.csv
              and write it to DIR/places.tsv (default DIR: crates/resolution/data); subject names
              come from the hand-written FILE (default: crates/resolution/data/regions.tsv)";

const DEFAULT_DATA_DIR: &str = "crates/resolution/data";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("gazetteer") => {}
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return Ok(());
        }
        Some(other) => bail!("unknown task {other:?}\n\n{USAGE}"),
        None => bail!("no task given\n\n{USAGE}"),
    }
    let mut source = None;
    let mut out = PathBuf::from(DEFAULT_DATA_DIR);
    let mut regions_path = PathBuf::from(DEFAULT_DATA_DIR).join("regions.tsv");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().context("--out needs a directory")?.into(),
            "--regions" => regions_path = args.next().context("--regions needs a file")?.into(),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            _ if arg.starts_with('-') => bail!("unknown option {arg:?}\n\n{USAGE}"),
            _ if source.is_none() => source = Some(PathBuf::from(arg)),
            _ => bail!("unexpected argument {arg:?}\n\n{USAGE}"),
        }
    }
    let source = source.context("no gazetteer source directory given")?;
    let regions = std::fs::read_to_string(&regions_path)
        .with_context(|| format!("failed to read {}", regions_path.display()))?;
    let generated = gazetteer::generate(&source, &regions)?;
    for warning in &generated.warnings {
        eprintln!("warning: {warning}");
    }
    let places_path = out.join("places.tsv");
    std::fs::write(&places_path, &generated.table)
        .with_context(|| format!("failed to write {}", places_path.display()))?;
    eprintln!(
        "wrote {} places to {}",
        generated.rows,
        places_path.display()
    );
    Ok(())
}
