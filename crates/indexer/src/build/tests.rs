//! Building from a corpus folder: what is indexed, what is skipped and why, failures.

use super::*;
use crate::open_index;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions")
}

/// `ln -s /dev/zero corpus/zero.txt` made `index` grow to 3 GB (the limit was checked on
/// the size the file claims), and a FIFO was skipped without a word.
#[test]
fn devices_and_fifos_are_skipped_with_a_reason_and_reads_are_capped() {
    let data = tempfile::tempdir().unwrap();
    let seed = collect_files(&corpus()).unwrap().remove(0);
    fs::copy(&seed, data.path().join("seed.txt")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", data.path().join("zero.txt")).unwrap();
    // A regular file that claims to be empty and is not.
    std::os::unix::fs::symlink("/proc/self/maps", data.path().join("maps.txt")).unwrap();
    let fifo = data.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo failed");
    let index_dir = tempfile::tempdir().unwrap();
    let options = BuildOptions {
        max_file_bytes: 1024 * 1024,
        ..BuildOptions::new(data.path())
    };
    let report = build_index(&IndexRoot::new(index_dir.path()), &options, &NoProgress).unwrap();
    assert_eq!(report.resolutions, 1);
    let reasons: HashMap<&str, &str> = report
        .skipped
        .iter()
        .map(|problem| (problem.path.as_str(), problem.message.as_str()))
        .collect();
    assert_eq!(
        reasons.get("zero.txt"),
        Some(&"a character device, not a regular file; only regular files are read")
    );
    assert_eq!(
        reasons.get("pipe.txt"),
        Some(&"a FIFO (named pipe), not a regular file; only regular files are read")
    );
    assert!(reasons.contains_key("maps.txt"), "{reasons:?}");

    // The cap holds while reading, whatever the size says.
    let small = BuildOptions {
        max_file_bytes: 16,
        ..BuildOptions::new(data.path())
    };
    let reader = FileReader {
        max_file_bytes: small.max_file_bytes,
    };
    let error = reader
        .read_bytes(&data.path().join("maps.txt"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("over the 0 MB limit"), "{error}");
}

/// A full disk said «An index writer was killed … or panicked».
#[test]
fn a_full_disk_is_reported_as_no_space_left() {
    let generation = tempfile::tempdir().unwrap();
    let killed = IndexError::Tantivy(tantivy::TantivyError::ErrorInThread(
        "An index writer was killed.".into(),
    ));
    // A folder with room: the error is kept.
    let kept = explain_write_failure(killed, generation.path());
    assert!(matches!(kept, IndexError::Tantivy(_)));
    // /dev/full is the disk that is always full.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .and_then(|mut file| std::io::Write::write_all(&mut file, &[0; 4096]))
        .unwrap_err();
    assert!(is_no_space(&full));
    let error = no_space(&generation.path().join("gen-1"), full);
    assert!(error.is_user_error());
    let text = error.to_string();
    assert!(text.starts_with("no space left on the disk of "), "{text}");
    assert!(text.contains("free some space"), "{text}");
}

#[test]
fn the_seed_corpus_builds_and_bad_files_are_skipped_with_reasons() {
    let data = tempfile::tempdir().unwrap();
    for file in collect_files(&corpus()).unwrap() {
        fs::copy(&file, data.path().join(file.file_name().unwrap())).unwrap();
    }
    fs::write(data.path().join("empty.txt"), "").unwrap();
    fs::write(data.path().join("image.txt"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    fs::write(data.path().join("notes.pdfx"), "x").unwrap();
    let index_dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(index_dir.path());
    let report = build_index(&root, &BuildOptions::new(data.path()), &NoProgress).unwrap();
    assert_eq!(report.files_read, 8);
    assert_eq!(report.resolutions, 5);
    assert_eq!(report.items, 4 + 6 + 33 + 14 + 13);
    let reasons: Vec<_> = report
        .skipped
        .iter()
        .map(|p| (p.path.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("empty.txt", "file is empty; supply a file with text"),
            (
                "image.txt",
                "file looks binary, not text; supply a text file, a document or a pdf"
            ),
            (
                "notes.pdfx",
                "unsupported format .pdfx; supported: .txt, .text, .html, .htm, .xhtml, .docx, .doc, .odt, .rtf, .pdf"
            ),
        ]
    );
    let (index, _) = open_index(&root).unwrap();
    let searcher = index.reader().unwrap().searcher();
    assert_eq!(searcher.num_docs(), 5 + 70);
}

#[test]
fn a_failed_build_leaves_the_live_index_alone() {
    let index_dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(index_dir.path());
    build_index(&root, &BuildOptions::new(corpus()), &NoProgress).unwrap();
    let live = root.current().unwrap().unwrap();
    let missing = BuildOptions::new(index_dir.path().join("no-such-folder"));
    assert!(build_index(&root, &missing, &NoProgress).is_err());
    assert_eq!(root.current().unwrap().unwrap(), live);
    assert!(open_index(&root).is_ok());
}
