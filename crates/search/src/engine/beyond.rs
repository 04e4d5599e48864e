//! Beyond one page of hits: counts of matching items over years, regions or topics
//! ([`Engine::trends`]), and every hit of a search up to a cap ([`Engine::export`]) with CSV
//! and JSON Lines writers.

use std::collections::BTreeMap;
use std::io::Write;

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::query::Query;

use super::highlight::Highlighter;
use super::plan::{self, Filters};
use super::present::{facet_leaf, snippet_chars};
use super::{Engine, Pipeline};
use crate::SearchError;
use crate::api::{Hit, SearchRequest, UnderstoodQuery};

/// Most hits an export returns (CSV or JSON Lines); the rest of a larger result is left out
/// and [`Export::truncated`] says so.
pub const EXPORT_CAP: usize = 5_000;

/// What the trend counts are grouped by.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendBy {
    /// Year of the event (buckets in ascending order).
    #[default]
    Year,
    /// Region (субъект РФ), most items first.
    Region,
    /// Topic, most items first (an item with two topics counts in both).
    Topic,
}

/// One bucket of a trend.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendBucket {
    /// The year, region or topic.
    pub value: String,
    /// Matching items (or resolutions, at the resolutions level) with this value.
    pub items: u64,
    /// Distinct resolutions with a matching item with this value.
    pub resolutions: u64,
}

/// Counts of the hits of a search by year, region or topic.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trends {
    /// The query as understood (the same as a search's).
    pub query: UnderstoodQuery,
    /// What the buckets are.
    pub by: TrendBy,
    /// Hits counted (each hit once, whatever its buckets).
    pub total: u64,
    /// The buckets: years ascending, regions and topics by count (most first).
    pub buckets: Vec<TrendBucket>,
}

/// Every hit of a search, up to [`EXPORT_CAP`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    /// The query as understood.
    pub query: UnderstoodQuery,
    /// Number of hits in all (may exceed `hits.len()`).
    pub total: usize,
    /// Whether hits beyond the cap were left out.
    pub truncated: bool,
    /// The hits, in the order of the search.
    pub hits: Vec<Hit>,
}

/// Column headers of the CSV export, in order.
pub const CSV_HEADERS: [&str; 10] = [
    "Резолюция",
    "Дата",
    "Муниципалитет",
    "Регион",
    "Пункт",
    "Адресат",
    "Текст",
    "Источник",
    "Id резолюции",
    "Ссылка",
];

/// Writes hits as CSV: UTF-8 with a byte-order mark (so spreadsheet programs read Cyrillic), a
/// header row ([`CSV_HEADERS`]), one row per hit, fields quoted where needed.
pub fn write_csv(out: impl Write, hits: &[Hit]) -> Result<(), csv::Error> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CSV_HEADERS)?;
    for hit in hits {
        for cell in [
            hit.title.as_str(),
            hit.date.as_deref().unwrap_or_default(),
            hit.municipality.as_deref().unwrap_or_default(),
            hit.region.as_deref().unwrap_or_default(),
            hit.item_number.as_deref().unwrap_or_default(),
            hit.addressee.as_deref().unwrap_or_default(),
            hit.text.as_str(),
            hit.source.as_str(),
            hit.resolution_id.as_str(),
            hit.source_url.as_deref().unwrap_or_default(),
        ] {
            writer.write_field(inert_cell(cell).as_bytes())?;
        }
        writer.write_record(None::<&[u8]>)?;
    }
    writer.flush()?;
    Ok(())
}

/// A CSV cell a spreadsheet will not evaluate: text that begins with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'` (OWASP's rule against CSV injection), so
/// «=HYPERLINK(…)» in a resolution shows as text in Excel.
fn inert_cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// Writes hits as JSON Lines: one [`Hit`] object per line.
pub fn write_jsonl(mut out: impl Write, hits: &[Hit]) -> std::io::Result<()> {
    for hit in hits {
        serde_json::to_writer(&mut out, hit)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// The parts of a search needed to run it again without paging: what was understood, the
/// filters in force and the ranking text query.
struct Prepared {
    query: UnderstoodQuery,
    filters: Filters,
    text_query: Option<Box<dyn Query>>,
}

impl Engine {
    /// Understands a request exactly as [`Engine::search`] does (it runs the first page of the
    /// search to learn the corrected text and the filters in force), then rebuilds the text
    /// query from them.
    fn prepare(&self, request: &SearchRequest) -> Result<Prepared, SearchError> {
        let first = SearchRequest {
            page: 1,
            per_page: 1,
            ..request.clone()
        };
        let response = self.search(&first)?;
        let query = response.query;
        let filters = Filters {
            in_force: query.filters.clone(),
            topic_boost: query.topic_boost.clone(),
            level: request.level,
            group: query.group.as_deref().and_then(crate::api::parse_group_id),
        };
        // The search said whether it let in hits with only some of the words.
        let searched = query
            .correction
            .as_ref()
            .map_or(&query.raw, |correction| &correction.corrected);
        let texts = self.text_queries(&query.text, Pipeline::Full, plan::is_question(searched));
        let text_query = if query.relaxed {
            texts.widened
        } else {
            texts.strict
        };
        Ok(Prepared {
            query,
            filters,
            text_query,
        })
    }

    /// Counts the hits of a search by year, region or topic: per bucket the matching items
    /// and the distinct resolutions they come from.
    ///
    /// The query is understood and filtered exactly as by [`Engine::search`] — all filters,
    /// the bucketed field's own included, so the trend describes the same hits as the search
    /// (with `year=2023` a trend by year has one bucket). `page`, `per_page` and `sort` are
    /// ignored. Understanding costs one search (its first page); then one pass over the
    /// matching documents reads the bucket and the resolution key from fast fields.
    pub fn trends(&self, request: &SearchRequest, by: TrendBy) -> Result<Trends, SearchError> {
        request.validate()?;
        let searcher = self.reader.searcher();
        let prepared = self.prepare(request)?;
        let query = self.with_filters(prepared.text_query.as_deref(), &prepared.filters, None);
        let (total, counts) =
            self.collect(&searcher, query.as_ref(), &(Count, TrendCollector { by }))?;
        let mut buckets: Vec<TrendBucket> = counts
            .into_iter()
            .map(|(value, (items, mut resolutions))| {
                resolutions.sort_unstable();
                resolutions.dedup();
                TrendBucket {
                    value,
                    items,
                    resolutions: resolutions.len() as u64,
                }
            })
            .collect();
        if by != TrendBy::Year {
            // Most items first; ties by name (the map gave them in name order, the sort is stable).
            buckets.sort_by_key(|bucket| std::cmp::Reverse(bucket.items));
        }
        Ok(Trends {
            query: prepared.query,
            by,
            total: total as u64,
            buckets,
        })
    }

    /// Every hit of a search in its order, up to `cap` (at most [`EXPORT_CAP`]); `page` and
    /// `per_page` are ignored. Hits are the same as the search's pages give, highlights
    /// included.
    pub fn export(&self, request: &SearchRequest, cap: usize) -> Result<Export, SearchError> {
        request.validate()?;
        let cap = cap.clamp(1, EXPORT_CAP);
        let searcher = self.reader.searcher();
        let prepared = self.prepare(request)?;
        let query = self.with_filters(prepared.text_query.as_deref(), &prepared.filters, None);
        let total = self.collect(&searcher, query.as_ref(), &Count)?;
        let all = SearchRequest {
            per_page: cap,
            ..request.clone()
        };
        let addresses = self.top_docs(&searcher, query.as_ref(), &all, 0)?;
        let marker = Highlighter::of_query(
            self,
            &searcher,
            prepared.text_query.as_deref(),
            snippet_chars(request.level),
        )?;
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            hits.push(self.hit_at(&searcher, address, score, request.level, &marker)?);
        }
        Ok(Export {
            query: prepared.query,
            total,
            truncated: total > hits.len(),
            hits,
        })
    }
}

/// Per bucket: matching documents, and the keys of their resolutions (with repeats).
type BucketCounts = BTreeMap<String, (u64, Vec<u64>)>;

/// Counts matching documents per year, region or topic from fast fields.
struct TrendCollector {
    by: TrendBy,
}

/// Where a segment's bucket values come from.
enum BucketSource {
    Year(tantivy::columnar::Column<u64>),
    Facet(tantivy::fastfield::FacetReader),
}

/// [`TrendCollector`] over one segment: counts by local value (a year, or a facet ordinal).
struct TrendSegment {
    source: BucketSource,
    resolution_keys: tantivy::columnar::Column<u64>,
    counts: std::collections::HashMap<u64, (u64, Vec<u64>)>,
}

impl tantivy::collector::Collector for TrendCollector {
    type Fruit = BucketCounts;
    type Child = TrendSegment;

    fn for_segment(
        &self,
        _segment_ord: u32,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<TrendSegment> {
        let fast = segment.fast_fields();
        let source = match self.by {
            TrendBy::Year => BucketSource::Year(fast.u64(edusearch_indexer::fields::YEAR_NUM)?),
            TrendBy::Region => {
                BucketSource::Facet(segment.facet_reader(edusearch_indexer::fields::REGION)?)
            }
            TrendBy::Topic => {
                BucketSource::Facet(segment.facet_reader(edusearch_indexer::fields::TOPIC)?)
            }
        };
        Ok(TrendSegment {
            source,
            resolution_keys: fast.u64(edusearch_indexer::fields::RESOLUTION_KEY)?,
            counts: std::collections::HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<BucketCounts>) -> tantivy::Result<BucketCounts> {
        let mut merged = BucketCounts::new();
        for fruit in fruits {
            for (value, (items, resolutions)) in fruit {
                let entry = merged.entry(value).or_default();
                entry.0 += items;
                entry.1.extend(resolutions);
            }
        }
        Ok(merged)
    }
}

impl tantivy::collector::SegmentCollector for TrendSegment {
    type Fruit = BucketCounts;

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        let resolution = self.resolution_keys.first(doc).unwrap_or_default();
        let mut count = |value: u64| {
            let entry = self.counts.entry(value).or_default();
            entry.0 += 1;
            entry.1.push(resolution);
        };
        match &self.source {
            BucketSource::Year(years) => {
                if let Some(year) = years.first(doc) {
                    count(year);
                }
            }
            BucketSource::Facet(facets) => {
                for ordinal in facets.facet_ords(doc) {
                    count(ordinal);
                }
            }
        }
    }

    fn harvest(self) -> BucketCounts {
        let mut fruit = BucketCounts::new();
        let mut facet = tantivy::schema::Facet::root();
        for (value, (items, resolutions)) in self.counts {
            let name = match &self.source {
                BucketSource::Year(_) => format!("{value:04}"),
                BucketSource::Facet(facets) => {
                    if facets.facet_from_ord(value, &mut facet).is_err() {
                        continue;
                    }
                    match facet_leaf(facet.encoded_str()) {
                        Some(leaf) => leaf,
                        None => continue,
                    }
                }
            };
            let entry = fruit.entry(name).or_default();
            entry.0 += items;
            entry.1.extend(resolutions);
        }
        fruit
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;
    use std::sync::OnceLock;

    use edusearch_indexer::{BuildOptions, IndexRoot, NoProgress, build_index};

    use super::*;

    /// One index of the seed corpus shared by the tests of this module.
    fn engine() -> &'static Engine {
        static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
        let (_, engine) = ENGINE.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let root = IndexRoot::new(dir.path());
            let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
            build_index(&root, &BuildOptions::new(corpus), &NoProgress).unwrap();
            let engine = Engine::open(&root).unwrap();
            (dir, engine)
        });
        engine
    }

    /// Every hit of a search, through the pages of [`Engine::search`].
    fn all_pages(request: &SearchRequest) -> Vec<Hit> {
        let mut hits = Vec::new();
        for page in 1.. {
            let response = engine()
                .search(&SearchRequest {
                    page,
                    per_page: 100,
                    ..request.clone()
                })
                .unwrap();
            let done = response.hits.len() < 100;
            hits.extend(response.hits);
            if done {
                break;
            }
        }
        hits
    }

    fn brute_force(hits: &[Hit], by: TrendBy) -> Vec<(String, u64, u64)> {
        let mut counts: BTreeMap<String, (u64, HashSet<String>)> = BTreeMap::new();
        for hit in hits {
            let values: Vec<String> = match by {
                TrendBy::Year => hit.year.map(|year| year.to_string()).into_iter().collect(),
                TrendBy::Region => hit.region.clone().into_iter().collect(),
                TrendBy::Topic => hit.topics.clone(),
            };
            for value in values {
                let entry = counts.entry(value).or_default();
                entry.0 += 1;
                entry.1.insert(hit.resolution_id.clone());
            }
        }
        counts
            .into_iter()
            .map(|(value, (items, resolutions))| (value, items, resolutions.len() as u64))
            .collect()
    }

    #[test]
    fn trend_counts_equal_a_brute_force_count_over_the_same_filters() {
        let mut with_region = SearchRequest::query("");
        with_region.filters.region = Some("Краснодарский край".into());
        for request in [
            SearchRequest::query("наставничество"),
            SearchRequest::query("профориентация 2023"),
            SearchRequest::query(""),
            with_region,
        ] {
            let hits = all_pages(&request);
            for by in [TrendBy::Year, TrendBy::Region, TrendBy::Topic] {
                let trends = engine().trends(&request, by).unwrap();
                assert_eq!(trends.total as usize, hits.len(), "{request:?} {by:?}");
                let mut got: Vec<(String, u64, u64)> = trends
                    .buckets
                    .iter()
                    .map(|bucket| (bucket.value.clone(), bucket.items, bucket.resolutions))
                    .collect();
                if by == TrendBy::Year {
                    let years: Vec<&String> = got.iter().map(|(value, _, _)| value).collect();
                    assert!(years.is_sorted(), "{years:?}");
                } else {
                    assert!(trends.buckets.is_sorted_by(|a, b| a.items >= b.items));
                }
                got.sort();
                assert_eq!(got, brute_force(&hits, by), "{request:?} {by:?}");
            }
        }
        let year = engine()
            .trends(&SearchRequest::query("профориентация 2023"), TrendBy::Year)
            .unwrap();
        assert_eq!(year.query.filters.year, Some(2023));
        assert_eq!(year.buckets.len(), 1);
        assert_eq!(year.buckets[0].value, "2023");
    }

    #[test]
    fn an_export_has_every_hit_in_order_up_to_the_cap() {
        let request = SearchRequest::query("");
        let hits = all_pages(&request);
        assert!(hits.len() > 10);
        let export = engine().export(&request, EXPORT_CAP).unwrap();
        assert_eq!(export.total, hits.len());
        assert!(!export.truncated);
        let ids = |hits: &[Hit]| -> Vec<(String, Option<u32>)> {
            hits.iter()
                .map(|hit| (hit.resolution_id.clone(), hit.item_position))
                .collect()
        };
        assert_eq!(ids(&export.hits), ids(&hits));
        let capped = engine().export(&request, 7).unwrap();
        assert_eq!(capped.hits.len(), 7);
        assert!(capped.truncated);
        assert_eq!(ids(&capped.hits), ids(&hits[..7]));
    }

    /// An item beginning with `=`, `+`, `-` or `@` was exported as a cell Excel evaluates as a
    /// formula.
    #[test]
    fn csv_cells_that_begin_like_a_formula_are_exported_as_text() {
        let export = engine()
            .export(&SearchRequest::query("профориентация"), 1)
            .unwrap();
        let mut hit = export.hits[0].clone();
        hit.text = "=HYPERLINK(\"http://evil\")".into();
        hit.title = "+7 (999)".into();
        hit.addressee = Some("@руководителям".into());
        hit.item_number = Some("-1".into());
        hit.municipality = Some("\tтаб".into());
        let mut bytes = Vec::new();
        write_csv(&mut bytes, &[hit]).unwrap();
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[6], "'=HYPERLINK(\"http://evil\")");
        assert_eq!(&row[0], "'+7 (999)");
        assert_eq!(&row[5], "'@руководителям");
        assert_eq!(&row[4], "'-1");
        assert_eq!(&row[2], "'\tтаб");
        assert_eq!(inert_cell("Обеспечить"), "Обеспечить");
    }

    #[test]
    fn csv_starts_with_a_bom_and_parses_back_with_cyrillic_intact() {
        let export = engine()
            .export(&SearchRequest::query("профориентация"), EXPORT_CAP)
            .unwrap();
        assert!(!export.hits.is_empty());
        let mut bytes = Vec::new();
        write_csv(&mut bytes, &export.hits).unwrap();
        assert!(bytes.starts_with("\u{feff}".as_bytes()));
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(headers, CSV_HEADERS);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), export.hits.len());
        for (row, hit) in rows.iter().zip(&export.hits) {
            assert_eq!(&row[0], hit.title);
            assert_eq!(&row[6], hit.text);
            assert_eq!(&row[8], hit.resolution_id);
        }
        assert!(
            rows.iter()
                .any(|row| row[6].to_lowercase().contains("профориентац"))
        );
        assert!(rows.iter().any(|row| &row[3] == "Краснодарский край"));
        let mut lines = Vec::new();
        write_jsonl(&mut lines, &export.hits).unwrap();
        let parsed: Vec<Hit> = String::from_utf8(lines)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(parsed.len(), export.hits.len());
        assert_eq!(parsed[0].text, export.hits[0].text);
    }
}
