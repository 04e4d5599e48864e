//! Relevance evaluation: a set of judged queries, the ranking metrics, and a report that compares
//! the baseline pipeline with the full one.
//!
//! The judged queries live in `tests/relevance/queries.toml` (the format is documented at the top
//! of that file); `cargo bench --bench relevance` indexes the seed corpus, runs [`evaluate`] for
//! both pipelines and prints [`render_table`].
//!
//! Relevance is graded 0–3. An item is *relevant* for reciprocal rank and recall when its grade is
//! at least [`RELEVANT_GRADE`] (2, «clearly relevant»); grade 1 («partially relevant») only
//! counts in nDCG.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;
use thiserror::Error;

use crate::api::{Level, SearchRequest};
use crate::{Engine, Pipeline, SearchError, SearchFilters};

/// Lowest grade that counts as relevant for reciprocal rank and recall.
pub const RELEVANT_GRADE: u8 = 2;
/// Highest grade a judgment may have.
pub const MAX_GRADE: u8 = 3;
/// Depth of nDCG.
pub const NDCG_DEPTH: usize = 10;
/// Hits fetched per query: the depth of recall and of reciprocal rank.
pub const RECALL_DEPTH: usize = 20;
/// Queries listed under «worst queries» in [`render_table`].
const WORST_QUERIES: usize = 10;

/// What a judged query tests; the report averages by kind. Listed in report order.
pub const KINDS: &[&str] = &[
    "topic",
    "topic_year",
    "derived",
    "abbreviation",
    "synonym",
    "layout",
    "typo",
    "place",
    "phrase",
];

/// What is wrong with a query file.
#[derive(Debug, Error)]
pub enum EvalError {
    /// The file is not TOML, or has a missing, misspelt or mistyped key.
    #[error("invalid query file: {0}")]
    Syntax(#[from] toml::de::Error),
    /// The file has no `[[query]]`.
    #[error("query file has no queries")]
    NoQueries,
    /// An id is empty or has characters other than lowercase latin letters, digits and `-`.
    #[error("query id {id:?} must be lowercase latin letters, digits and '-'")]
    BadId {
        /// The id as written.
        id: String,
    },
    /// Two queries have the same id.
    #[error("query id {id} is used twice")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// The query text is empty.
    #[error("query {id}: the query text is empty")]
    EmptyQuery {
        /// Id of the query.
        id: String,
    },
    /// The kind is not one of [`KINDS`].
    #[error("query {id}: unknown kind {kind:?} (expected one of: {expected})")]
    UnknownKind {
        /// Id of the query.
        id: String,
        /// The kind as written.
        kind: String,
        /// The known kinds, comma-separated.
        expected: String,
    },
    /// A filter year is outside 1900–2100, or `year_to` is before `year` or set without it.
    #[error("query {id}: bad year filter: {reason}")]
    BadYearFilter {
        /// Id of the query.
        id: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A judgment has an empty file name, or item 0 (positions are 1-based).
    #[error("query {id}: judgment of {file:?} item {item}: file must be named and item is 1-based")]
    BadJudgment {
        /// Id of the query.
        id: String,
        /// The file as written.
        file: String,
        /// The item as written.
        item: u32,
    },
    /// A grade is not 1–3 (unjudged items are 0; do not list them).
    #[error("query {id}: {file} item {item} has grade {grade}, expected 1 to {MAX_GRADE}")]
    GradeOutOfRange {
        /// Id of the query.
        id: String,
        /// File of the judged item.
        file: String,
        /// Position of the judged item.
        item: u32,
        /// The grade as written.
        grade: u8,
    },
    /// The same item is judged twice in one query.
    #[error("query {id}: {file} item {item} is judged twice")]
    DuplicateJudgment {
        /// Id of the query.
        id: String,
        /// File of the judged item.
        file: String,
        /// Position of the judged item.
        item: u32,
    },
    /// No judgment has grade 2 or more, so reciprocal rank and recall are undefined.
    #[error("query {id}: needs at least one judgment of grade {RELEVANT_GRADE} or more")]
    NothingRelevant {
        /// Id of the query.
        id: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    #[serde(default)]
    query: Vec<RawQuery>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuery {
    id: String,
    query: String,
    kind: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default, deserialize_with = "known_filters")]
    filters: SearchFilters,
    judgments: Vec<RawJudgment>,
}

/// The filters of a judged query, refusing a name that is not a filter (a misspelt filter
/// would silently judge the query unfiltered).
fn known_filters<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<SearchFilters, D::Error> {
    let table = toml::Table::deserialize(deserializer)?;
    let known = serde_json::to_value(SearchFilters::default()).unwrap_or_default();
    if let Some(unknown) = table.keys().find(|name| known.get(name.as_str()).is_none()) {
        return Err(serde::de::Error::unknown_field(unknown, &[]));
    }
    table.try_into().map_err(serde::de::Error::custom)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJudgment {
    file: String,
    item: u32,
    grade: u8,
}

/// The graded items of one query: (file name, item position) → grade 1–3; unlisted items are 0.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Judgments {
    grades: BTreeMap<(String, u32), u8>,
}

impl Judgments {
    /// Grade of an item (0 when not judged). `file` may be a path: its file name is compared.
    pub fn grade(&self, file: &str, item: u32) -> u8 {
        let name = file_name(file);
        self.grades
            .get(&(name.to_string(), item))
            .copied()
            .unwrap_or(0)
    }

    /// All judged grades, best first: the ideal ranking for nDCG.
    pub fn ideal_grades(&self) -> Vec<u8> {
        let mut grades: Vec<u8> = self.grades.values().copied().collect();
        grades.sort_unstable_by(|a, b| b.cmp(a));
        grades
    }

    /// Number of items of grade [`RELEVANT_GRADE`] or more.
    pub fn relevant_count(&self) -> usize {
        self.grades
            .values()
            .filter(|grade| **grade >= RELEVANT_GRADE)
            .count()
    }

    /// The judged items: (file name, item position, grade), ordered by file and position.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32, u8)> {
        self.grades
            .iter()
            .map(|((file, item), grade)| (file.as_str(), *item, *grade))
    }

    /// Number of judged items.
    pub fn len(&self) -> usize {
        self.grades.len()
    }

    /// Whether no item is judged.
    pub fn is_empty(&self) -> bool {
        self.grades.is_empty()
    }
}

/// One judged query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgedQuery {
    /// Stable id («career-guidance-2023»).
    pub id: String,
    /// The query as a user types it.
    pub query: String,
    /// One of [`KINDS`].
    pub kind: String,
    /// Why the judgments are what they are, where it is not obvious.
    pub note: Option<String>,
    /// Filters chosen beside the query.
    pub filters: SearchFilters,
    /// The graded items.
    pub judgments: Judgments,
}

/// The judged queries of a query file, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuerySet {
    /// The queries.
    pub queries: Vec<JudgedQuery>,
}

/// Parses and checks a query file (format: the top of `tests/relevance/queries.toml`).
pub fn load_query_set(text: &str) -> Result<QuerySet, EvalError> {
    let raw: RawSet = toml::from_str(text)?;
    if raw.query.is_empty() {
        return Err(EvalError::NoQueries);
    }
    let mut seen = HashSet::new();
    let mut queries = Vec::with_capacity(raw.query.len());
    for query in raw.query {
        let checked = check_query(query)?;
        if !seen.insert(checked.id.clone()) {
            return Err(EvalError::DuplicateId { id: checked.id });
        }
        queries.push(checked);
    }
    Ok(QuerySet { queries })
}

fn check_query(raw: RawQuery) -> Result<JudgedQuery, EvalError> {
    let id = raw.id;
    let id_ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        return Err(EvalError::BadId { id });
    }
    if raw.query.trim().is_empty() {
        return Err(EvalError::EmptyQuery { id });
    }
    if !KINDS.contains(&raw.kind.as_str()) {
        return Err(EvalError::UnknownKind {
            id,
            kind: raw.kind,
            expected: KINDS.join(", "),
        });
    }
    let filters = raw.filters;
    let year_in_range = |year: Option<i32>| year.is_none_or(|year| (1900..=2100).contains(&year));
    if !year_in_range(filters.year) || !year_in_range(filters.year_to) {
        return Err(EvalError::BadYearFilter {
            id,
            reason: "years must be between 1900 and 2100",
        });
    }
    match (filters.year, filters.year_to) {
        (None, Some(_)) => {
            return Err(EvalError::BadYearFilter {
                id,
                reason: "year_to needs year",
            });
        }
        (Some(from), Some(to)) if to < from => {
            return Err(EvalError::BadYearFilter {
                id,
                reason: "year_to is before year",
            });
        }
        _ => {}
    }
    let mut grades = BTreeMap::new();
    for judgment in raw.judgments {
        if judgment.file.trim().is_empty() || judgment.item == 0 {
            return Err(EvalError::BadJudgment {
                id,
                file: judgment.file,
                item: judgment.item,
            });
        }
        if !(1..=MAX_GRADE).contains(&judgment.grade) {
            return Err(EvalError::GradeOutOfRange {
                id,
                file: judgment.file,
                item: judgment.item,
                grade: judgment.grade,
            });
        }
        let key = (file_name(&judgment.file).to_string(), judgment.item);
        if grades.insert(key, judgment.grade).is_some() {
            return Err(EvalError::DuplicateJudgment {
                id,
                file: judgment.file,
                item: judgment.item,
            });
        }
    }
    let judgments = Judgments { grades };
    if judgments.relevant_count() == 0 {
        return Err(EvalError::NothingRelevant { id });
    }
    Ok(JudgedQuery {
        id,
        query: raw.query,
        kind: raw.kind,
        note: raw.note,
        filters,
        judgments,
    })
}

/// The last component of a path (hits name their source relative to the corpus folder, which
/// may have subfolders; judgments name files).
fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(path)
}

/// Gain of a grade in DCG: 2^grade − 1.
fn gain(grade: u8) -> f64 {
    f64::from((1u32 << grade.min(MAX_GRADE)) - 1)
}

/// Discounted cumulative gain of the first `k` grades: Σ (2^g − 1) / log2(i + 2), i from 0.
fn dcg_at(grades: &[u8], k: usize) -> f64 {
    grades
        .iter()
        .take(k)
        .enumerate()
        .map(|(rank, grade)| gain(*grade) / (rank as f64 + 2.0).log2())
        // Not `sum()`: an empty f64 sum is -0.0, which prints as «-0.000».
        .fold(0.0, |total, term| total + term)
}

/// Normalised DCG at depth `k`: the DCG of `ranked_grades` divided by the DCG of the best
/// ordering of `ideal_grades` (every judged grade; they need not be sorted).
///
/// Gain is 2^grade − 1 and the discount log2(rank + 1) for 1-based ranks. The result is in
/// 0..=1; it is 0 when nothing is relevant (the ideal DCG is 0) or `k` is 0.
pub fn ndcg_at(ranked_grades: &[u8], ideal_grades: &[u8], k: usize) -> f64 {
    let mut ideal = ideal_grades.to_vec();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let ideal_dcg = dcg_at(&ideal, k);
    if ideal_dcg <= 0.0 {
        return 0.0;
    }
    // A ranking can beat the «ideal» only when it holds grades the judgments lack; cap at 1.
    (dcg_at(ranked_grades, k) / ideal_dcg).min(1.0)
}

/// Reciprocal rank: 1 / the 1-based rank of the first grade of [`RELEVANT_GRADE`] (2) or more,
/// 0 when there is none. Partially relevant items (grade 1) do not count: a user who finds only
/// a passing mention has not found what they asked for.
pub fn reciprocal_rank(ranked_grades: &[u8]) -> f64 {
    ranked_grades
        .iter()
        .position(|grade| *grade >= RELEVANT_GRADE)
        .map_or(0.0, |index| 1.0 / (index as f64 + 1.0))
}

/// Recall: the share of the relevant items that were found; 0 when nothing is relevant.
pub fn recall_at(ranked_relevant_hits: usize, total_relevant: usize) -> f64 {
    debug_assert!(ranked_relevant_hits <= total_relevant);
    if total_relevant == 0 {
        return 0.0;
    }
    ranked_relevant_hits as f64 / total_relevant as f64
}

/// Scores of one query.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryScore {
    /// Id of the query.
    pub id: String,
    /// The query text.
    pub query: String,
    /// Kind of the query.
    pub kind: String,
    /// nDCG@10.
    pub ndcg10: f64,
    /// Reciprocal rank of the first relevant item in the top 20.
    pub rr: f64,
    /// Recall of relevant items in the top 20 (the denominator capped at 20).
    pub recall20: f64,
    /// Grades of the hits returned, in rank order (at most 20).
    pub ranked_grades: Vec<u8>,
    /// Number of hits the engine found in all pages.
    pub total_hits: usize,
}

/// Mean scores of a group of queries.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Means {
    /// Mean nDCG@10.
    pub ndcg10: f64,
    /// Mean reciprocal rank.
    pub mrr: f64,
    /// Mean recall@20.
    pub recall20: f64,
    /// Number of queries averaged.
    pub queries: usize,
}

impl Means {
    /// Means of a group of query scores (all zero for an empty group).
    pub fn of<'a>(scores: impl IntoIterator<Item = &'a QueryScore>) -> Self {
        let mut sums = Means::default();
        for score in scores {
            sums.ndcg10 += score.ndcg10;
            sums.mrr += score.rr;
            sums.recall20 += score.recall20;
            sums.queries += 1;
        }
        if sums.queries == 0 {
            return sums;
        }
        let count = sums.queries as f64;
        Means {
            ndcg10: sums.ndcg10 / count,
            mrr: sums.mrr / count,
            recall20: sums.recall20 / count,
            queries: sums.queries,
        }
    }
}

/// The scores of one pipeline over a query set.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Scores by query, in query-set order.
    pub per_query: Vec<QueryScore>,
    /// Means by kind, in [`KINDS`] order (kinds without queries left out).
    pub by_kind: Vec<(String, Means)>,
    /// Means over all queries.
    pub overall: Means,
}

impl Report {
    /// A report from per-query scores.
    pub fn from_scores(per_query: Vec<QueryScore>) -> Self {
        let by_kind = KINDS
            .iter()
            .filter_map(|kind| {
                let means = Means::of(per_query.iter().filter(|score| score.kind == *kind));
                (means.queries > 0).then(|| (kind.to_string(), means))
            })
            .collect();
        let overall = Means::of(&per_query);
        Self {
            per_query,
            by_kind,
            overall,
        }
    }

    fn kind(&self, kind: &str) -> Option<&Means> {
        self.by_kind
            .iter()
            .find(|(name, _)| name == kind)
            .map(|(_, means)| means)
    }
}

/// Scores one ranking against the judgments of a query.
pub fn score_query(query: &JudgedQuery, ranked_grades: Vec<u8>, total_hits: usize) -> QueryScore {
    let ranked_relevant = ranked_grades
        .iter()
        .take(RECALL_DEPTH)
        .filter(|grade| **grade >= RELEVANT_GRADE)
        .count();
    // More relevant items than fit in the page: finding 20 of them is a perfect page.
    let findable = query.judgments.relevant_count().min(RECALL_DEPTH);
    QueryScore {
        id: query.id.clone(),
        query: query.query.clone(),
        kind: query.kind.clone(),
        ndcg10: ndcg_at(&ranked_grades, &query.judgments.ideal_grades(), NDCG_DEPTH),
        rr: reciprocal_rank(&ranked_grades[..ranked_grades.len().min(RECALL_DEPTH)]),
        recall20: recall_at(ranked_relevant.min(findable), findable),
        ranked_grades,
        total_hits,
    }
}

/// Runs every query of the set with `pipeline` (item level, first page of 20, relevance order)
/// and scores the hits against the judgments; a hit is identified by its source file name and
/// item position.
pub fn evaluate(
    engine: &Engine,
    set: &QuerySet,
    pipeline: Pipeline,
) -> Result<Report, SearchError> {
    let mut per_query = Vec::with_capacity(set.queries.len());
    for query in &set.queries {
        let request = SearchRequest {
            filters: query.filters.clone(),
            level: Level::Items,
            page: 1,
            per_page: RECALL_DEPTH,
            ..SearchRequest::query(query.query.clone())
        };
        let response = engine.search_with(&request, pipeline)?;
        let ranked_grades = response
            .hits
            .iter()
            .map(|hit| {
                hit.item_position
                    .map_or(0, |item| query.judgments.grade(&hit.source, item))
            })
            .collect();
        per_query.push(score_query(query, ranked_grades, response.total));
    }
    Ok(Report::from_scores(per_query))
}

fn cell(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |value| format!("{value:.3}"))
}

fn delta(baseline: Option<f64>, full: Option<f64>) -> String {
    match (baseline, full) {
        (Some(baseline), Some(full)) => format!("{:+.3}", full - baseline),
        _ => "–".to_string(),
    }
}

fn metric_cells(out: &mut String, baseline: Option<&Means>, full: Option<&Means>) {
    let metrics: [fn(&Means) -> f64; 3] = [|m| m.ndcg10, |m| m.mrr, |m| m.recall20];
    for metric in metrics {
        let before = baseline.map(metric);
        let after = full.map(metric);
        let _ = write!(
            out,
            " {} | {} | {} |",
            cell(before),
            cell(after),
            delta(before, after)
        );
    }
}

/// A Markdown table of the means by kind and overall, baseline and full side by side with the
/// difference (full − baseline), followed by the worst queries of the full pipeline by nDCG@10.
pub fn render_table(baseline: &Report, full: &Report) -> String {
    let mut out = String::new();
    out.push_str(
        "| kind | queries | nDCG@10 base | nDCG@10 full | Δ | MRR base | MRR full | Δ \
         | R@20 base | R@20 full | Δ |\n",
    );
    out.push_str("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    let mut kinds: Vec<&str> = KINDS
        .iter()
        .copied()
        .filter(|kind| baseline.kind(kind).is_some() || full.kind(kind).is_some())
        .collect();
    // Kinds a report was built with by hand, outside KINDS, still get a row.
    for (kind, _) in baseline.by_kind.iter().chain(&full.by_kind) {
        if !kinds.contains(&kind.as_str()) {
            kinds.push(kind);
        }
    }
    for kind in kinds {
        let (before, after) = (baseline.kind(kind), full.kind(kind));
        let queries = after.or(before).map_or(0, |means| means.queries);
        let _ = write!(out, "| {kind} | {queries} |");
        metric_cells(&mut out, before, after);
        out.push('\n');
    }
    let _ = write!(out, "| **overall** | {} |", full.overall.queries);
    metric_cells(&mut out, Some(&baseline.overall), Some(&full.overall));
    out.push('\n');

    let mut worst: Vec<&QueryScore> = full.per_query.iter().collect();
    worst.sort_by(|a, b| a.ndcg10.total_cmp(&b.ndcg10).then_with(|| a.id.cmp(&b.id)));
    worst.truncate(WORST_QUERIES);
    if worst.is_empty() {
        return out;
    }
    out.push_str("\nWorst queries of the full pipeline (by nDCG@10):\n\n");
    for score in worst {
        let base_ndcg = baseline
            .per_query
            .iter()
            .find(|base| base.id == score.id)
            .map(|base| base.ndcg10);
        let _ = writeln!(
            out,
            "- `{}` ({}) «{}»: nDCG@10 {:.3} (baseline {}), RR {:.3}, R@20 {:.3}, hits: {}",
            score.id,
            score.kind,
            score.query,
            score.ndcg10,
            cell(base_ndcg),
            score.rr,
            score.recall20,
            score.total_hits,
        );
    }
    out
}

#[cfg(test)]
mod tests;
