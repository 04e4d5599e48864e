//! The `edusearch` binary end to end on a temporary copy of the corpus.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("index-data/resolutions")
}

fn edusearch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .args(args)
        .env_remove("EDUSEARCH_INDEX")
        .env_remove("EDUSEARCH_DATA")
        .env("NO_COLOR", "1")
        .output()
        .expect("the edusearch binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A corpus with the five seeds plus an empty file, a binary file and a text with no list.
struct Fixture {
    _dir: tempfile::TempDir,
    data: PathBuf,
    index: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        for entry in std::fs::read_dir(corpus()).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, data.join(path.file_name().unwrap())).unwrap();
        }
        std::fs::write(data.join("empty.txt"), "").unwrap();
        std::fs::write(
            data.join("scan.txt"),
            [0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0],
        )
        .unwrap();
        std::fs::write(
            data.join("no-list.txt"),
            "Резолюция педагогического совета МБОУ СОШ №5\n\n12 января 2024 года состоялся педагогический совет. Обсуждали наставничество молодых учителей и работу с родителями.",
        )
        .unwrap();
        let index = dir.path().join("index");
        Self {
            _dir: dir,
            data,
            index,
        }
    }

    fn index_args(&self) -> [String; 5] {
        [
            "index".into(),
            "--data".into(),
            self.data.display().to_string(),
            "--index".into(),
            self.index.display().to_string(),
        ]
    }

    fn build(&self) -> Output {
        let args = self.index_args();
        edusearch(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn search_json(&self, extra: &[&str]) -> Value {
        let index = self.index.display().to_string();
        let mut args = vec!["search", "--json", "--index", &index];
        args.extend_from_slice(extra);
        let output = edusearch(&args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    }
}

#[test]
fn broken_files_are_skipped_with_reasons_and_the_rest_is_searchable() {
    let fixture = Fixture::new();
    let output = fixture.build();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = stdout(&output);
    assert!(report.contains("indexed 6 resolutions"), "{report}");
    assert!(report.contains("skipped 2 files"), "{report}");
    assert!(report.contains("empty.txt: file is empty"), "{report}");
    assert!(report.contains("scan.txt: file looks binary"), "{report}");
    assert!(
        report.contains("no-list.txt: no recommendation list found"),
        "{report}"
    );

    let everything = fixture.search_json(&["--level", "resolutions", "--limit", "50"]);
    assert_eq!(everything["total"], 6);
    let no_list = fixture.search_json(&["--level", "resolutions", "молодых учителей"]);
    assert_eq!(no_list["hits"][0]["source"], "no-list.txt");
}

#[test]
fn proforientation_2023_puts_armavir_items_23_and_24_in_the_top_five() {
    let fixture = Fixture::new();
    assert!(fixture.build().status.success());
    let response = fixture.search_json(&["профориентация 2023"]);
    assert_eq!(response["query"]["year_from_query"], 2023);
    assert_eq!(response["query"]["text"], "профориентация");
    let hits = response["hits"].as_array().unwrap();
    assert!(
        hits.iter()
            .all(|hit| hit["title"].as_str().unwrap().contains("31 августа 2023"))
    );
    let top5: Vec<&str> = hits
        .iter()
        .take(5)
        .map(|hit| hit["item_number"].as_str().unwrap())
        .collect();
    assert!(top5.contains(&"23") && top5.contains(&"24"), "{top5:?}");
    assert!(hits[0]["highlight"].as_str().unwrap().contains("<mark>"));
    assert!(
        response["facets"]["year"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["value"] == "2023")
    );
}

#[test]
fn human_output_lists_number_title_and_date() {
    let fixture = Fixture::new();
    assert!(fixture.build().status.success());
    let index = fixture.index.display().to_string();
    let output = edusearch(&["search", "--index", &index, "--limit", "3", "Точка роста"]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("п. "), "{text}");
    assert!(
        text.contains("Руководителям Центров «Точка роста»"),
        "{text}"
    );
    assert!(text.contains("2022-08-18"), "{text}");
}

#[test]
fn bad_input_gets_a_clear_error_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none").display().to_string();
    let output = edusearch(&["search", "--index", &missing, "x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("build one with `edusearch index`"));

    let fixture = Fixture::new();
    assert!(fixture.build().status.success());
    let index = fixture.index.display().to_string();
    let output = edusearch(&["search", "--index", &index, "--limit", "1000", "x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("per_page"));
}

#[test]
fn inspect_shows_what_the_parser_extracts() {
    let file = corpus().join("003_19532b6239aba2e0.txt");
    let output = edusearch(&["inspect", "--json", &file.display().to_string()]);
    assert!(output.status.success());
    let record: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(record["date"], "2022-05-17");
    assert_eq!(record["items"].as_array().unwrap().len(), 14);
    assert_eq!(record["items"][0]["addressee"], "Управлению образования");

    let human = stdout(&edusearch(&["inspect", &file.display().to_string()]));
    assert!(human.contains("[Образовательным организациям]"), "{human}");

    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let output = edusearch(&["inspect", &empty.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("file is empty"));
}

#[test]
fn rebuilding_replaces_the_index_and_stats_count_it() {
    let fixture = Fixture::new();
    assert!(fixture.build().status.success());
    std::fs::remove_file(fixture.data.join("no-list.txt")).unwrap();
    assert!(fixture.build().status.success());
    let index = fixture.index.display().to_string();
    let output = edusearch(&["stats", "--json", "--index", &index]);
    let stats: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(stats["resolutions"], 5);
    assert_eq!(stats["items"], 70);
    let generations = std::fs::read_dir(&fixture.index)
        .unwrap()
        .filter(|entry| {
            entry
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-")
        })
        .count();
    assert_eq!(generations, 1, "old generations are cleaned up");
}

#[test]
fn add_and_remove_keep_corpus_and_index_in_step() {
    let fixture = Fixture::new();
    assert!(fixture.build().status.success());
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("педсовет.txt");
    std::fs::write(
        &file,
        "Резолюция педагогического совета\n\n15 марта 2024 года\n\nРекомендовано:\n1. Организовать стажировки для молодых специалистов с участием наставников.\n2. Провести мастер-классы по функциональной грамотности.",
    )
    .unwrap();
    let (data, index) = (
        fixture.data.display().to_string(),
        fixture.index.display().to_string(),
    );
    let output = edusearch(&[
        "add",
        &file.display().to_string(),
        "--data",
        &data,
        "--index",
        &index,
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = stdout(&output);
    assert!(summary.contains("1 files read anew"), "{summary}");
    assert!(fixture.data.join("added/педсовет.txt").exists());
    let found = fixture.search_json(&["стажировки"]);
    assert_eq!(found["total"], 1);
    let id = found["hits"][0]["resolution_id"]
        .as_str()
        .unwrap()
        .to_string();

    let output = edusearch(&["remove", &id, "--data", &data, "--index", &index]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout(&output).contains("1 resolutions removed"));
    assert_eq!(fixture.search_json(&["стажировки"])["total"], 0);
    assert!(
        fixture.data.join(".removed/added/педсовет.txt").exists(),
        "nothing is lost"
    );

    let output = edusearch(&[
        "remove",
        "no-such-thing",
        "--data",
        &data,
        "--index",
        &index,
    ]);
    assert_eq!(output.status.code(), Some(2));
}

/// Writes `count` distinct resolutions (the seeds with a numbered line added) into `folder`.
fn write_many(folder: &Path, count: usize) {
    std::fs::create_dir_all(folder).unwrap();
    let seeds: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    for number in 0..count {
        let text = format!("{}\n\nПриложение № {number}.", seeds[number % seeds.len()]);
        std::fs::write(folder.join(format!("r{number:05}.txt")), text).unwrap();
    }
}

#[test]
fn a_killed_rebuild_leaves_the_served_index_intact_and_the_next_one_succeeds() {
    let fixture = Fixture::new();
    assert!(fixture.build().status.success());
    let before = fixture.search_json(&["профориентация 2023"]);

    let big = fixture.data.join("bulk");
    write_many(&big, 2000);
    let index = fixture.index.display().to_string();
    let data = fixture.data.display().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .args(["index", "--full", "--data", &data, "--index", &index])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the new generation is being written, then kill -9.
    let generations = || {
        std::fs::read_dir(&fixture.index)
            .unwrap()
            .filter(|entry| {
                entry
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("gen-")
            })
            .count()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while generations() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the rebuild never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the build was killed before it finished");

    // The served index answers exactly as before; the leftovers are there.
    let after = fixture.search_json(&["профориентация 2023"]);
    assert_eq!(after["total"], before["total"]);
    assert_eq!(after["hits"], before["hits"]);
    assert!(
        fixture.index.join(".lock").exists(),
        "a stale lock of a dead process"
    );

    // The next build takes over the stale lock, cleans up and succeeds.
    let output = fixture.build();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(generations(), 1);
    let everything = fixture.search_json(&["--level", "resolutions", "--limit", "1"]);
    assert_eq!(everything["total"], 6 + 2000);
}

#[test]
fn trends_print_a_table_and_format_exports_every_hit() {
    let fixture = Fixture::new();
    assert!(fixture.build().status.success());
    let index = fixture.index.display().to_string();
    let table = edusearch(&["trends", "--by", "region", "--index", &index]);
    assert!(
        table.status.success(),
        "{}",
        String::from_utf8_lossy(&table.stderr)
    );
    let table = stdout(&table);
    let first = table.lines().nth(1).unwrap();
    assert!(first.starts_with("Краснодарский край"), "{table}");
    assert!(first.contains('█'), "{table}");
    let json = edusearch(&[
        "trends",
        "наставничество",
        "--by",
        "year",
        "--json",
        "--index",
        &index,
    ]);
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["by"], "year");
    assert!(!json["buckets"].as_array().unwrap().is_empty());

    // --format gives all hits, not one page (the default page is 10).
    let everything = fixture.search_json(&["--limit", "100"]);
    let total = everything["total"].as_u64().unwrap() as usize;
    assert!(total > 10);
    let csv = edusearch(&["search", "--format", "csv", "--index", &index]);
    assert!(csv.status.success());
    let text = String::from_utf8(csv.stdout).unwrap();
    let body = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    assert!(body.starts_with(
        "Резолюция,Дата,Муниципалитет,Регион,Пункт,Адресат,Текст,Источник,Id резолюции,Ссылка\n"
    ));
    assert!(body.contains("Краснодарский край"));
    let jsonl = edusearch(&[
        "search",
        "профориентация",
        "--format",
        "jsonl",
        "--index",
        &index,
    ]);
    let lines: Vec<Value> = stdout(&jsonl)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let searched = fixture.search_json(&["профориентация", "--limit", "100"]);
    assert_eq!(lines.len() as u64, searched["total"].as_u64().unwrap());
    let both = edusearch(&[
        "search", "x", "--json", "--format", "csv", "--index", &index,
    ]);
    assert_eq!(both.status.code(), Some(2));
}

/// Runs `edusearch ARGS` and checks exit code 2 and that stderr says `expected`.
fn refused(args: &[&str], expected: &str) {
    let output = edusearch(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
}

/// `--index` at a file, `/dev/null`, a garbage `CURRENT` or a corrupt segment gave exit 1
/// and tantivy's raw text; each is exit 2 with what, where and what to do.
#[test]
fn a_broken_index_path_exits_2_and_says_what_to_do() {
    let fixture = Fixture::new();
    assert!(fixture.build().status.success());
    let index = fixture.index.display().to_string();
    let file = fixture.data.join("001_a3bec1d95fbd12b9.txt");
    let file = file.display().to_string();
    for path in [file.as_str(), "/dev/null"] {
        refused(
            &["search", "--index", path, "x"],
            "is not a folder; --index",
        );
        refused(&["stats", "--index", path], "is not a folder; --index");
    }

    let current = fixture.index.join("CURRENT");
    let generation = std::fs::read_to_string(&current).unwrap();
    std::fs::write(&current, [0xff, 0xfe, 0x00, 0x01]).unwrap();
    refused(
        &["search", "--index", &index, "x"],
        "rebuild it with `edusearch index`",
    );
    std::fs::write(&current, "gen-nonexistent").unwrap();
    refused(
        &["search", "--index", &index, "x"],
        "which is not a folder here",
    );
    std::fs::write(&current, &generation).unwrap();

    // Every segment file overwritten with garbage of the same length.
    for entry in std::fs::read_dir(fixture.index.join(generation.trim())).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".idx") || name.ends_with(".fast") || name.ends_with(".term") {
            let length = std::fs::metadata(&path).unwrap().len() as usize;
            std::fs::write(&path, vec![0x5a; length]).unwrap();
        }
    }
    let output = edusearch(&["search", "--index", &index, "x"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot be opened"), "{stderr}");
    assert!(
        stderr.contains("rebuild it with `edusearch index`"),
        "{stderr}"
    );
}

/// `remove ''`, `remove .` and `remove sub` tried to move the whole corpus or a folder.
#[test]
fn remove_refuses_anything_but_one_file_or_one_id() {
    let fixture = Fixture::new();
    std::fs::create_dir(fixture.data.join("sub")).unwrap();
    std::fs::write(fixture.data.join("sub/x.txt"), "Резолюция").unwrap();
    assert!(fixture.build().status.success());
    let data = fixture.data.display().to_string();
    let index = fixture.index.display().to_string();
    for target in ["", ".", "sub", data.as_str()] {
        refused(
            &["remove", target, "--data", &data, "--index", &index],
            "remove takes one file of the corpus or one resolution id",
        );
    }
    let files = std::fs::read_dir(&fixture.data).unwrap().count();
    assert_eq!(files, 9, "nothing moved");
}

/// `search` on a read-only index folder failed with «Failed to acquire Lockfile … Read-only
/// file system». Root ignores permission bits, so the proof is that searching creates,
/// changes and removes nothing in the folder (not even for a moment: the folder's own
/// modification time stays), and, when not root, that it works with the write bits off.
#[test]
fn search_works_on_a_read_only_index_folder() {
    use std::os::unix::fs::PermissionsExt;
    let fixture = Fixture::new();
    assert!(fixture.build().status.success());
    let index = fixture.index.display().to_string();
    let generation = fixture.index.join(
        std::fs::read_to_string(fixture.index.join("CURRENT"))
            .unwrap()
            .trim(),
    );
    let stamp = |path: &Path| std::fs::metadata(path).unwrap().modified().unwrap();
    let before = (stamp(&fixture.index), stamp(&generation));
    for folder in [&fixture.index, &generation] {
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let output = edusearch(&["search", "--index", &index, "--json", "профориентация"]);
    for folder in [&fixture.index, &generation] {
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(found["total"].as_u64().unwrap() > 0);
    assert_eq!((stamp(&fixture.index), stamp(&generation)), before);
}

#[test]
fn the_event_kind_option_narrows_a_search_by_id_or_russian_name() {
    let fixture = Fixture::new();
    assert!(fixture.build().status.success());
    let everything = fixture.search_json(&["--level", "resolutions", "--limit", "100"]);
    for name in ["педсовет", "teachers_council"] {
        let councils = fixture.search_json(&["--event-kind", name, "--level", "resolutions"]);
        let hits = councils["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "{name}");
        assert!(
            hits.iter()
                .all(|hit| hit["event_kind"] == "teachers_council"),
            "{name}"
        );
        assert!(councils["total"].as_u64() < everything["total"].as_u64());
    }
    let index = fixture.index.display().to_string();
    let output = edusearch(&["search", "--index", &index, "--event-kind", "пикник", "x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("teachers_council"));
}
