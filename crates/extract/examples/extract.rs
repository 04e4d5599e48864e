//! Prints the text extracted from each file named on the command line, for eyeballing:
//! `cargo run -p edusearch-extract --example extract -- resolution.doc page.html`.

use edusearch_extract::{Limits, extract};

fn main() {
    let mut failed = false;
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{path}: cannot read: {error}");
                failed = true;
                continue;
            }
        };
        match extract(&path, &bytes, &Limits::default()) {
            Ok(extracted) => {
                println!(
                    "== {path}: {} {}",
                    extracted.format,
                    extracted.encoding.as_deref().unwrap_or("-")
                );
                for warning in &extracted.warnings {
                    println!("!! {warning}");
                }
                println!("{}", extracted.text);
            }
            Err(error) => {
                eprintln!("{path}: {error}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
