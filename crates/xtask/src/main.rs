//! Developer tasks for edusearch.
//!
//! `cargo run -p xtask -- gazetteer ../shared/gazetteer [--out crates/resolution/data]` derives
//! the place table `places.tsv` from the raw gazetteer (ОКТМО 2019 and HFLabs' city.csv).
//!
//! `cargo run -p xtask -- lexicon DUMP` derives the lexicon (`lexicon-stems.txt` and
//! `lexicon-endings.txt` of edusearch-russian, `ordinary-forms.txt` of edusearch-resolution) from a dump of the
//! OpenCorpora dictionary written by `crates/xtask/opencorpora_forms.py`.

mod gazetteer;
mod lexicon;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage: cargo run -p xtask -- gazetteer SOURCE_DIR [--out DIR] [--regions FILE]
       cargo run -p xtask -- lexicon DUMP [--stems FILE] [--endings FILE] [--forms FILE]
                                          [--function-words FILE]

  gazetteer   derive places.tsv from SOURCE_DIR/oktmo_municipalities.csv and SOURCE_DIR/city.csv
              and write it to DIR/places.tsv (default DIR: crates/resolution/data); subject names
              come from the hand-written FILE (default: crates/resolution/data/regions.tsv)
  lexicon     derive the lexicon from DUMP (written by crates/xtask/opencorpora_forms.py): the
              stems of ordinary words to FILE (default: crates/russian/data/lexicon-stems.txt),
              their ending classes to FILE (default: crates/russian/data/lexicon-endings.txt),
              the ordinary forms that meet place name words to FILE (default:
              crates/resolution/data/ordinary-forms.txt), the forms that are only function
              words to FILE (default: crates/russian/data/function-words.txt); run it again
              after places.tsv or regions.tsv change";

const DEFAULT_DATA_DIR: &str = "crates/resolution/data";
const DEFAULT_STEMS: &str = "crates/russian/data/lexicon-stems.txt";
const DEFAULT_ENDINGS: &str = "crates/russian/data/lexicon-endings.txt";
const DEFAULT_FUNCTION_WORDS: &str = "crates/russian/data/function-words.txt";
const DEFAULT_FORMS: &str = "crates/resolution/data/ordinary-forms.txt";

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
        Some("gazetteer") => run_gazetteer(args),
        Some("lexicon") => run_lexicon(args),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task {other:?}\n\n{USAGE}"),
        None => bail!("no task given\n\n{USAGE}"),
    }
}

fn run_gazetteer(mut args: impl Iterator<Item = String>) -> Result<()> {
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
    write(&places_path, &generated.table)?;
    eprintln!(
        "wrote {} places to {}",
        generated.rows,
        places_path.display()
    );
    Ok(())
}

fn run_lexicon(mut args: impl Iterator<Item = String>) -> Result<()> {
    let mut dump = None;
    let mut stems_path = PathBuf::from(DEFAULT_STEMS);
    let mut endings_path = PathBuf::from(DEFAULT_ENDINGS);
    let mut forms_path = PathBuf::from(DEFAULT_FORMS);
    let mut function_words_path = PathBuf::from(DEFAULT_FUNCTION_WORDS);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--stems" => stems_path = args.next().context("--stems needs a file")?.into(),
            "--endings" => endings_path = args.next().context("--endings needs a file")?.into(),
            "--forms" => forms_path = args.next().context("--forms needs a file")?.into(),
            "--function-words" => {
                function_words_path = args.next().context("--function-words needs a file")?.into();
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            _ if arg.starts_with('-') => bail!("unknown option {arg:?}\n\n{USAGE}"),
            _ if dump.is_none() => dump = Some(PathBuf::from(arg)),
            _ => bail!("unexpected argument {arg:?}\n\n{USAGE}"),
        }
    }
    let dump_path = dump.context("no dictionary dump given")?;
    let dump = std::fs::read_to_string(&dump_path)
        .with_context(|| format!("failed to read {}", dump_path.display()))?;
    let generated = lexicon::generate(&dump, &lexicon::builtin_name_keys())?;
    write(&stems_path, &generated.stems)?;
    write(&endings_path, &generated.endings)?;
    write(&forms_path, &generated.forms)?;
    write(&function_words_path, &generated.function_words)?;
    eprintln!(
        "wrote {} stems to {}, {} ending classes to {}, {} forms to {}, {} function words to {}",
        generated.stem_count,
        stems_path.display(),
        generated.class_count,
        endings_path.display(),
        generated.form_count,
        forms_path.display(),
        generated.function_word_count,
        function_words_path.display()
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("failed to write {}", path.display()))
}
