//! The generator's contract: the parser extracts from a generated file what was generated,
//! and the same seed gives the same bytes.

use std::collections::BTreeMap;

use corpus_gen::{Generator, Layout};
use edusearch_resolution::parse_resolution;

#[test]
fn the_parser_extracts_what_was_generated() {
    let generator = Generator::new(1);
    let mut layouts: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let sample = 400;
    for index in 0..sample {
        let generated = generator.generate(index);
        let expected = &generated.expected;
        *layouts.entry(format!("{:?}", expected.layout)).or_default() += 1;
        let parsed = parse_resolution(&generated.relative_path, generated.text.as_bytes())
            .unwrap_or_else(|error| panic!("{} does not parse: {error}", generated.relative_path));
        let items: Vec<(Option<String>, String)> = parsed
            .items
            .iter()
            .map(|item| (item.addressee.clone(), item.text.clone()))
            .collect();
        let date = parsed.date.map(|date| date.to_string());
        let checks = [
            ("date", date.as_deref() == Some(expected.date.as_str())),
            (
                "region",
                parsed.location.region.as_deref() == Some(expected.region.as_str()),
            ),
            (
                "municipality",
                parsed.location.municipality.as_deref() == Some(expected.municipality.as_str()),
            ),
            ("item count", items.len() == expected.items.len()),
            ("items", items == expected.items),
            ("warnings", parsed.warnings.is_empty()),
        ];
        for (what, ok) in checks {
            if !ok {
                failures.push(format!(
                    "{} ({:?}): {what} differs: parsed date {date:?} region {:?} municipality {:?} items {} warnings {:?}; expected {} {} {} {} items",
                    generated.relative_path,
                    expected.layout,
                    parsed.location.region,
                    parsed.location.municipality,
                    items.len(),
                    parsed.warnings,
                    expected.date,
                    expected.region,
                    expected.municipality,
                    expected.items.len(),
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {sample} files differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    for layout in [
        Layout::Numbered,
        Layout::Bulleted,
        Layout::Addressed,
        Layout::Inline,
    ] {
        assert!(
            layouts.get(&format!("{layout:?}")).copied().unwrap_or(0) > 0,
            "{layout:?} never generated"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes() {
    let first = Generator::new(1);
    let second = Generator::new(1);
    let other = Generator::new(2);
    for index in [0, 1, 2, 999, 12_345, 99_999] {
        assert_eq!(first.generate(index).text, second.generate(index).text);
        assert_ne!(first.generate(index).text, other.generate(index).text);
    }
}

#[test]
fn the_binary_writes_identical_trees_for_the_same_seed() {
    let binary = env!("CARGO_BIN_EXE_corpus-gen");
    let run = |threads: &str| {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(binary)
            .args([
                "--resolutions",
                "120",
                "--seed",
                "5",
                "--threads",
                threads,
                "--out",
            ])
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
        let mut files = BTreeMap::new();
        for folder in std::fs::read_dir(dir.path()).unwrap() {
            for file in std::fs::read_dir(folder.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                let relative = path.strip_prefix(dir.path()).unwrap().to_path_buf();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
        files
    };
    let one_thread = run("1");
    let three_threads = run("3");
    assert_eq!(one_thread.len(), 120);
    assert!(
        one_thread == three_threads,
        "output depends on the thread count"
    );
}

#[test]
fn web_debris_appears_in_a_few_files() {
    let generator = Generator::new(1);
    let with_debris = (0..2000)
        .filter(|&index| {
            let text = generator.generate(index).text;
            [
                "Всего комментариев",
                "Подписаться",
                "RSS",
                "Поделиться",
                "Версия для печати",
            ]
            .iter()
            .any(|debris| text.contains(debris))
        })
        .count();
    assert!((40..=200).contains(&with_debris), "{with_debris} of 2000");
}
