//! Groups the recurring recommendations of an existing index generation again, in place, and
//! prints what it found — to try grouping settings without rebuilding a large index.
//!
//! `cargo run --release -p edusearch-indexer --example regroup -- INDEX_ROOT`

use edusearch_indexer::{Groups, IndexRoot, open_index, write_groups};

fn main() {
    let root = IndexRoot::new(std::env::args().nth(1).expect("usage: regroup INDEX_ROOT"));
    let generation = root
        .current()
        .expect("index root readable")
        .expect("index built");
    let (index, _) = open_index(&root).expect("index opens");
    let report = write_groups(&index, &generation).expect("grouping succeeds");
    println!("{report:?}");
    let groups = Groups::load(&generation).expect("groups load");
    let mut sizes: Vec<(u32, u32)> = (0..groups.len() as u32)
        .filter_map(|group| groups.info(group))
        .map(|info| (info.items, info.resolutions))
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    println!(
        "largest groups (items, resolutions): {:?}",
        &sizes[..sizes.len().min(10)]
    );
    if let Some(median) = sizes.get(sizes.len() / 2) {
        println!("median group: {median:?}");
    }
}
