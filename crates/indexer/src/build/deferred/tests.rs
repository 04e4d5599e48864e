use super::*;
use edusearch_resolution::Resolution;

fn seed_resolutions() -> Vec<Resolution> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
    let mut paths: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            edusearch_resolution::parse_text("seed.txt", &text).unwrap()
        })
        .collect()
}

fn as_json(schema: &IndexSchema, document: &impl tantivy::schema::Document) -> String {
    document.to_json(&schema.schema)
}

/// The documents made on the indexing threads are the ones the parsing threads would have
/// made, in the order the resolutions were held back, and the file leaves nothing behind.
#[test]
fn held_back_resolutions_come_back_as_the_same_documents_in_order() {
    let folder = tempfile::tempdir().unwrap();
    let schema = Arc::new(IndexSchema::new());
    let resolutions = seed_resolutions();
    assert!(resolutions.len() >= 5);
    let mut deferred = Deferred::new(folder.path()).unwrap();
    for resolution in &resolutions {
        deferred
            .push(&StoredResolution::split(resolution.clone()))
            .unwrap();
    }
    assert_eq!(deferred.len(), resolutions.len());
    let mut back = Vec::new();
    deferred
        .drain(&schema, |document| {
            back.push(as_json(&schema, &document));
            // Taken whole, as a plugin would take it.
            assert_eq!(
                as_json(&schema, &document.into_tantivy_document()),
                *back.last().unwrap()
            );
            Ok(())
        })
        .unwrap();
    let expected: Vec<String> = resolutions
        .iter()
        .map(|resolution| {
            let stored = StoredResolution::split(resolution.clone());
            as_json(
                &schema,
                &schema.resolution_document(resolution, &stored.record),
            )
        })
        .collect();
    assert_eq!(back, expected);
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0);
}

/// Held-back resolutions are given out no faster than they are indexed: with every one kept
/// alive, the window is full after [`WINDOW`] and each further one waits for [`WINDOW_WAIT`].
#[test]
fn no_more_than_a_window_of_resolutions_is_given_before_they_are_indexed() {
    let folder = tempfile::tempdir().unwrap();
    let schema = Arc::new(IndexSchema::new());
    let resolution = &seed_resolutions()[0];
    let stored = StoredResolution::split(resolution.clone());
    let mut deferred = Deferred::new(folder.path()).unwrap();
    for _ in 0..WINDOW + 2 {
        deferred.push(&stored).unwrap();
    }
    let mut alive = Vec::new();
    let mut waited = Vec::new();
    deferred
        .drain(&schema, |document| {
            let started = std::time::Instant::now();
            alive.push(document);
            waited.push(started);
            Ok(())
        })
        .unwrap();
    assert_eq!(alive.len(), WINDOW + 2);
    // The last two each waited for the window.
    let gap = waited[WINDOW + 1].duration_since(waited[WINDOW - 1]);
    assert!(gap >= 2 * WINDOW_WAIT, "{gap:?}");
    // Dropping them gives their places back.
    drop(alive);
}

/// A resolution dropped before it is indexed (the writer failed) frees its place too.
#[test]
fn a_dropped_resolution_gives_its_place_back() {
    let window = Arc::new(Window::default());
    let slots: Vec<_> = (0..WINDOW).map(|_| window.take()).collect();
    assert_eq!(*window.given.lock().unwrap(), WINDOW);
    drop(slots);
    assert_eq!(*window.given.lock().unwrap(), 0);
}
