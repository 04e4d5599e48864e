//! Incremental builds: only new and changed files are read, and the result matches a full build.

use super::*;
use crate::open_index;

fn corpus_copy() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
    for file in collect_files(&corpus).unwrap() {
        fs::copy(&file, data.path().join(file.file_name().unwrap())).unwrap();
    }
    data
}

fn count_docs(root: &IndexRoot) -> u64 {
    let (index, _) = open_index(root).unwrap();
    index.reader().unwrap().searcher().num_docs()
}

#[test]
fn an_update_reads_only_what_changed() {
    let data = corpus_copy();
    let index_dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(index_dir.path());
    let options = BuildOptions::new(data.path());
    let first = build_index(&root, &options, &NoProgress).unwrap();
    assert_eq!((first.changed, first.resolutions), (5, 5));

    let again = build_index(&root, &options, &NoProgress).unwrap();
    assert_eq!((again.changed, again.unchanged, again.removed), (0, 5, 0));
    assert_eq!((again.resolutions, again.items), (5, 70));
    assert_eq!(count_docs(&root), 75);

    // One file removed, one added, one copied under a second name.
    fs::remove_file(data.path().join("000_9f8d6dd59f86c0fe.txt")).unwrap();
    fs::write(
        data.path().join("new.txt"),
        "Резолюция педсовета\n\nРекомендовано:\n1. Обеспечить участие педагогов в конкурсах.\n2. Продолжить работу.",
    )
    .unwrap();
    fs::copy(
        data.path().join("003_19532b6239aba2e0.txt"),
        data.path().join("copy-of-003.txt"),
    )
    .unwrap();
    let update = build_index(&root, &options, &NoProgress).unwrap();
    assert_eq!(update.removed, 1);
    assert_eq!(update.changed, 1, "the copy is known by its hash");
    assert_eq!(update.resolutions, 5);
    assert_eq!(update.items, 70 - 4 + 2);
    assert!(
        update
            .skipped
            .iter()
            .any(|p| p.path == "copy-of-003.txt" && p.message.contains("indexed once"))
    );
    assert_eq!(count_docs(&root), 5 + 68);

    let manifest = Manifest::load(&root.current().unwrap().unwrap()).unwrap();
    let id = manifest
        .id_of("003_19532b6239aba2e0.txt")
        .unwrap()
        .to_string();
    assert_eq!(
        manifest.sources_of(&id),
        ["003_19532b6239aba2e0.txt", "copy-of-003.txt"]
    );
}

#[test]
fn a_full_build_matches_an_incremental_one() {
    let data = corpus_copy();
    let index_dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(index_dir.path());
    let mut options = BuildOptions::new(data.path());
    build_index(&root, &options, &NoProgress).unwrap();
    fs::remove_file(data.path().join("004_51dad73ccb525009.txt")).unwrap();
    build_index(&root, &options, &NoProgress).unwrap();
    let incremental = count_docs(&root);
    options.mode = BuildMode::Full;
    let full = build_index(&root, &options, &NoProgress).unwrap();
    assert_eq!(full.changed, 4);
    assert_eq!(count_docs(&root), incremental);
}

/// The level of each document of each segment, in document order (0 item, 1 resolution).
fn levels_by_segment(root: &IndexRoot) -> Vec<Vec<u64>> {
    let (index, _) = open_index(root).unwrap();
    let searcher = index.reader().unwrap().searcher();
    searcher
        .segment_readers()
        .iter()
        .map(|segment| {
            let column = segment
                .fast_fields()
                .u64(crate::schema::fields::LEVEL_ORDER)
                .unwrap();
            (0..segment.max_doc())
                .filter(|doc| {
                    segment
                        .alive_bitset()
                        .is_none_or(|alive| alive.is_alive(*doc))
                })
                .map(|doc| column.first(doc).unwrap())
                .collect()
        })
        .collect()
}

/// Updates that each add a resolution leave small segments, which are merged; every segment,
/// merged or not, still holds its items before its resolutions (the search reads one level's
/// range of each segment).
#[test]
fn segments_hold_their_items_first_through_updates_and_merges() {
    let data = corpus_copy();
    let index_dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(index_dir.path());
    let options = BuildOptions::new(data.path());
    build_index(&root, &options, &NoProgress).unwrap();
    for update in 0..8 {
        fs::write(
            data.path().join(format!("update-{update}.txt")),
            format!(
                "Резолюция педсовета № {update}\n\nРекомендовано:\n1. Провести семинар {update} для педагогов.\n2. Обобщить опыт наставничества."
            ),
        )
        .unwrap();
        let report = build_index(&root, &options, &NoProgress).unwrap();
        assert_eq!(report.changed, 1);
        let levels = levels_by_segment(&root);
        for segment in &levels {
            assert!(
                segment.is_sorted(),
                "a segment mixes the levels: {segment:?}"
            );
        }
        let documents: usize = levels.iter().map(Vec::len).sum();
        assert_eq!(documents, 75 + 3 * (update + 1));
    }
    // Each update writes two or three segments; unmerged, there would be 2 + 8 × 2 at least.
    let segments = levels_by_segment(&root).len();
    assert!(segments < 10, "small segments are merged: {segments} left");
}
