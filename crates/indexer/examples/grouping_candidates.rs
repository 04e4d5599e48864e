//! Prints candidate item pairs for labelling the grouping test set: pairs of items from a
//! corpus folder (and optionally an items TSV from `corpus-gen export`) spread over the range
//! of estimated similarity, one per line: `similarity <TAB> first <TAB> second`.
//!
//! `cargo run -p edusearch-indexer --example grouping_candidates -- index-data [items.tsv]`

use std::collections::HashSet;

use edusearch_indexer::{collect_files, signature, similarity};

fn main() {
    let mut args = std::env::args().skip(1);
    let corpus = args
        .next()
        .expect("usage: grouping_candidates CORPUS [ITEMS.tsv]");
    let mut texts: Vec<String> = Vec::new();
    for path in collect_files(std::path::Path::new(&corpus)).expect("corpus readable") {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let name = path.to_string_lossy();
        if let Ok(resolution) = edusearch_resolution::parse_text(&name, &text) {
            texts.extend(resolution.items.into_iter().map(|item| item.text));
        }
    }
    if let Some(tsv) = args.next() {
        let content = std::fs::read_to_string(tsv).expect("items tsv readable");
        texts.extend(
            content
                .lines()
                .take(20_000)
                .filter_map(|line| line.rsplit('\t').next())
                .map(str::to_string),
        );
    }
    let mut seen = HashSet::new();
    texts.retain(|text| seen.insert(text.clone()));
    let signatures: Vec<_> = texts.iter().map(|text| signature(text)).collect();
    // A deterministic spread: for each band of similarity, the first few pairs found.
    let mut per_band = [0usize; 10];
    let mut state: u64 = 1;
    for _ in 0..5_000_000 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let first = (state >> 33) as usize % texts.len();
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let second = (state >> 33) as usize % texts.len();
        if first == second {
            continue;
        }
        let (Some(a), Some(b)) = (&signatures[first], &signatures[second]) else {
            continue;
        };
        let score = similarity(a, b);
        let band = ((score * 10.0) as usize).min(9);
        if band < 2 || per_band[band] >= 12 {
            continue;
        }
        per_band[band] += 1;
        println!("{score:.2}\t{}\t{}", texts[first], texts[second]);
    }
}
