use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use edusearch_indexer::{BuildOptions, IndexRoot, NoProgress, build_index};

use super::*;

const EPSILON: f64 = 1e-9;

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 1e-4
}

#[test]
fn eval_ndcg_on_a_hand_computed_ranking() {
    // DCG = 7/log2(2) + 3/log2(3) + 0/log2(4) + 1/log2(5) = 7 + 1.892789 + 0 + 0.430677
    // IDCG = 7/log2(2) + 3/log2(3) + 1/log2(4) = 7 + 1.892789 + 0.5
    let ndcg = ndcg_at(&[3, 2, 0, 1], &[1, 3, 2], 10);
    assert!(close(ndcg, 9.323466 / 9.392789), "{ndcg}");
    // Depth 2 cuts both rankings after two: equal, so 1.
    assert!(close(ndcg_at(&[3, 2, 0, 1], &[1, 3, 2], 2), 1.0));
    // The best item at rank 2 only: (7/log2(3)) / 7.
    assert!(close(ndcg_at(&[0, 3], &[3], 10), 1.0 / 3f64.log2()));
}

#[test]
fn eval_ndcg_edge_cases() {
    assert!(close(ndcg_at(&[2, 1], &[2, 1], 10), 1.0));
    assert_eq!(ndcg_at(&[], &[3], 10), 0.0);
    // Regression: an empty sum of f64 is -0.0, and the table showed «-0.000».
    assert!(ndcg_at(&[], &[3], 10).is_sign_positive());
    assert!(ndcg_at(&[0, 0], &[3], 10).is_sign_positive());
    assert_eq!(ndcg_at(&[3], &[], 10), 0.0);
    assert_eq!(ndcg_at(&[3], &[3], 0), 0.0);
    assert_eq!(ndcg_at(&[0, 3], &[3], 1), 0.0);
    // Grades the judgments lack cannot push the score past 1.
    assert!(ndcg_at(&[3, 3], &[3], 10) <= 1.0 + EPSILON);
}

#[test]
fn eval_reciprocal_rank_counts_grade_two_and_up() {
    assert!(close(reciprocal_rank(&[0, 1, 2, 3]), 1.0 / 3.0));
    assert!(close(reciprocal_rank(&[3]), 1.0));
    assert!(close(reciprocal_rank(&[0, 3]), 0.5));
    assert_eq!(reciprocal_rank(&[1, 1, 0]), 0.0);
    assert_eq!(reciprocal_rank(&[]), 0.0);
}

#[test]
fn eval_recall() {
    assert!(close(recall_at(3, 4), 0.75));
    assert!(close(recall_at(0, 5), 0.0));
    assert!(close(recall_at(20, 20), 1.0));
    assert_eq!(recall_at(0, 0), 0.0);
}

const MINIMAL: &str = r#"
[[query]]
id = "career-guidance"
query = "профориентация"
kind = "topic"
judgments = [
    { file = "a.txt", item = 1, grade = 3 },
    { file = "a.txt", item = 2, grade = 1 },
    { file = "b.txt", item = 5, grade = 2 },
]

[[query]]
id = "career-guidance-2023"
query = "профориентация"
kind = "topic_year"
filters = { year = 2023, region = "Краснодарский край" }
judgments = [{ file = "b.txt", item = 5, grade = 2 }]
"#;

fn minimal_set() -> QuerySet {
    load_query_set(MINIMAL).unwrap()
}

#[test]
fn eval_loads_a_query_file() {
    let set = minimal_set();
    assert_eq!(set.queries.len(), 2);
    let first = &set.queries[0];
    assert_eq!(first.kind, "topic");
    assert_eq!(first.judgments.grade("a.txt", 1), 3);
    assert_eq!(first.judgments.grade("corpus/sub/a.txt", 1), 3);
    assert_eq!(first.judgments.grade("a.txt", 3), 0);
    assert_eq!(first.judgments.ideal_grades(), vec![3, 2, 1]);
    assert_eq!(first.judgments.relevant_count(), 2);
    let second = &set.queries[1];
    assert_eq!(second.filters.year, Some(2023));
    assert_eq!(second.filters.region.as_deref(), Some("Краснодарский край"));
}

fn load_error(text: &str) -> String {
    load_query_set(text).unwrap_err().to_string()
}

fn one_query(id: &str, kind: &str, extra: &str, judgments: &str) -> String {
    format!(
        "[[query]]\nid = \"{id}\"\nquery = \"овз\"\nkind = \"{kind}\"\n{extra}\njudgments = [{judgments}]\n"
    )
}

const GOOD: &str = r#"{ file = "a.txt", item = 1, grade = 3 }"#;

#[test]
fn eval_loader_names_the_query_on_bad_input() {
    let error = load_error(&one_query("q-1", "topik", "", GOOD));
    assert!(error.contains("q-1") && error.contains("topik"), "{error}");
    let error = load_error(&one_query(
        "q-2",
        "topic",
        "",
        r#"{ file = "a.txt", item = 1, grade = 4 }"#,
    ));
    assert!(
        error.contains("q-2") && error.contains("grade 4"),
        "{error}"
    );
    let error = load_error(&one_query("q-3", "topic", "", &format!("{GOOD}, {GOOD}")));
    assert!(error.contains("q-3") && error.contains("twice"), "{error}");
    let error = load_error(&one_query(
        "q-4",
        "topic",
        "",
        r#"{ file = "a.txt", item = 1, grade = 1 }"#,
    ));
    assert!(
        error.contains("q-4") && error.contains("grade 2"),
        "{error}"
    );
    let error = load_error(&one_query(
        "q-5",
        "topic",
        "",
        r#"{ file = "a.txt", item = 0, grade = 3 }"#,
    ));
    assert!(
        error.contains("q-5") && error.contains("1-based"),
        "{error}"
    );
    let error = load_error(&one_query(
        "q-6",
        "topic",
        "filters = { year = 2023, year_to = 2019 }",
        GOOD,
    ));
    assert!(
        error.contains("q-6") && error.contains("year_to"),
        "{error}"
    );
    let error = load_error(&one_query("q-7", "topic", "", ""));
    assert!(error.contains("q-7"), "{error}");
    let error = load_error(&one_query("Q 8", "topic", "", GOOD));
    assert!(error.contains("Q 8"), "{error}");
    let twice = format!(
        "{}{}",
        one_query("q-9", "topic", "", GOOD),
        one_query("q-9", "place", "", GOOD)
    );
    let error = load_error(&twice);
    assert!(error.contains("q-9") && error.contains("twice"), "{error}");
    let empty = one_query("q-10", "topic", "", GOOD).replace("\"овз\"", "\"  \"");
    assert!(load_error(&empty).contains("q-10"));
}

#[test]
fn eval_loader_rejects_unknown_keys_and_bad_toml() {
    let error = load_error(&one_query(
        "q-1",
        "topic",
        "filters = { regoin = \"x\" }",
        GOOD,
    ));
    assert!(error.contains("regoin"), "{error}");
    let error = load_error(&one_query(
        "q-1",
        "topic",
        "",
        r#"{ file = "a.txt", item = 1, grade = 3, note = "x" }"#,
    ));
    assert!(error.contains("note"), "{error}");
    assert!(load_error("[[query]]\nid = \"q\"\n").contains("invalid query file"));
    assert!(load_error("[[query\n").contains("invalid query file"));
    assert_eq!(load_error(""), "query file has no queries");
}

#[test]
fn eval_scores_and_renders_a_report() {
    let set = minimal_set();
    // Full: the grade-2 item first, then the grade-3 item; baseline finds nothing.
    let full = Report::from_scores(vec![
        score_query(&set.queries[0], vec![2, 0, 3], 3),
        score_query(&set.queries[1], vec![2], 1),
    ]);
    let baseline = Report::from_scores(vec![
        score_query(&set.queries[0], vec![], 0),
        score_query(&set.queries[1], vec![0, 0], 2),
    ]);
    let first = &full.per_query[0];
    assert!(close(first.rr, 1.0));
    assert!(close(first.recall20, 1.0));
    let dcg = 3.0 + 7.0 / 4f64.log2();
    let idcg = 7.0 + 3.0 / 3f64.log2() + 1.0 / 4f64.log2();
    assert!(close(first.ndcg10, dcg / idcg));
    assert_eq!(full.overall.queries, 2);
    assert!(close(full.overall.mrr, 1.0));
    assert_eq!(
        full.by_kind
            .iter()
            .map(|(kind, _)| kind.as_str())
            .collect::<Vec<_>>(),
        ["topic", "topic_year"]
    );
    assert_eq!(baseline.overall.ndcg10, 0.0);

    let table = render_table(&baseline, &full);
    assert!(
        table.starts_with("| kind | queries | nDCG@10 base"),
        "{table}"
    );
    assert!(
        table.contains("| topic_year | 1 | 0.000 | 1.000 | +1.000 |"),
        "{table}"
    );
    assert!(table.contains("| **overall** | 2 |"), "{table}");
    assert!(
        table.contains("- `career-guidance` (topic) «профориентация»"),
        "{table}"
    );
    // Worst first.
    let worst = table.find("`career-guidance`").unwrap();
    assert!(
        worst < table.find("`career-guidance-2023`").unwrap(),
        "{table}"
    );
}

#[test]
fn eval_recall_is_capped_at_the_page() {
    let judgments = (1..=25)
        .map(|item| format!(r#"{{ file = "a.txt", item = {item}, grade = 3 }}"#))
        .collect::<Vec<_>>()
        .join(", ");
    let set = load_query_set(&one_query("many", "place", "", &judgments)).unwrap();
    let score = score_query(&set.queries[0], vec![3; 20], 25);
    assert!(close(score.recall20, 1.0));
    assert!(close(score.ndcg10, 1.0));
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn real_query_set() -> QuerySet {
    let path = repo_root().join("tests/relevance/queries.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    load_query_set(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn eval_real_query_set_judges_items_that_exist() {
    let set = real_query_set();
    assert!(set.queries.len() >= 40, "{} queries", set.queries.len());
    let corpus = repo_root().join("index-data/resolutions");
    let mut positions: HashMap<String, BTreeSet<u32>> = HashMap::new();
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let resolution = edusearch_resolution::parse_resolution(&name, &bytes)
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        positions.insert(
            name,
            resolution.items.iter().map(|item| item.position).collect(),
        );
    }
    let mut missing = Vec::new();
    for query in &set.queries {
        for (file, item, _) in query.judgments.iter() {
            let exists = positions
                .get(file)
                .is_some_and(|items| items.contains(&item));
            if !exists {
                missing.push(format!("{}: {file} item {item}", query.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "judged items not in the corpus: {missing:#?}"
    );
    for kind in KINDS {
        assert!(
            set.queries.iter().any(|query| query.kind == *kind),
            "no query of kind {kind}"
        );
    }
}

#[test]
fn eval_runs_both_pipelines_on_the_seed_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(dir.path());
    build_index(
        &root,
        &BuildOptions::new(repo_root().join("index-data/resolutions")),
        &NoProgress,
    )
    .unwrap();
    let engine = Engine::open(&root).unwrap();
    let set = real_query_set();
    for pipeline in [Pipeline::Baseline, Pipeline::Full] {
        let report = evaluate(&engine, &set, pipeline).unwrap();
        // Figures are for the bench to show; here only that they are well-formed.
        assert_eq!(report.per_query.len(), set.queries.len());
        assert_eq!(report.overall.queries, set.queries.len());
        for score in &report.per_query {
            assert!(score.ranked_grades.len() <= RECALL_DEPTH, "{}", score.id);
            for value in [score.ndcg10, score.rr, score.recall20] {
                assert!((0.0..=1.0).contains(&value), "{}: {value}", score.id);
            }
        }
    }
}
