//! Beyond one page of hits: counts of matching items over years, regions or topics
//! ([`Engine::trends`]), and every hit of a search up to a cap ([`Engine::export`]) with CSV
//! and JSON Lines writers.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, DocSetCollector};
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{Searcher, TantivyDocument};

use super::{Engine, Filters, ITEM_SNIPPET_CHARS, Pipeline, RESOLUTION_SNIPPET_CHARS, facet_leaf};
use crate::SearchError;
use crate::api::{Hit, Level, SearchRequest, UnderstoodQuery};

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
pub const CSV_HEADERS: [&str; 9] = [
    "Резолюция",
    "Дата",
    "Муниципалитет",
    "Регион",
    "Пункт",
    "Адресат",
    "Текст",
    "Источник",
    "Id резолюции",
];

/// Writes hits as CSV: UTF-8 with a byte-order mark (so spreadsheet programs read Cyrillic), a
/// header row ([`CSV_HEADERS`]), one row per hit, fields quoted where needed.
pub fn write_csv(out: impl Write, hits: &[Hit]) -> Result<(), csv::Error> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CSV_HEADERS)?;
    for hit in hits {
        writer.write_record([
            hit.title.as_str(),
            hit.date.as_deref().unwrap_or_default(),
            hit.municipality.as_deref().unwrap_or_default(),
            hit.region.as_deref().unwrap_or_default(),
            hit.item_number.as_deref().unwrap_or_default(),
            hit.addressee.as_deref().unwrap_or_default(),
            hit.text.as_str(),
            hit.source.as_str(),
            hit.resolution_id.as_str(),
        ])?;
    }
    writer.flush()?;
    Ok(())
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
    fn prepare(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
    ) -> Result<Prepared, SearchError> {
        let first = SearchRequest {
            page: 1,
            per_page: 1,
            ..request.clone()
        };
        let response = self.search(&first)?;
        let query = response.query;
        let filters = Filters {
            region: query.region.clone(),
            municipality: query.municipality.clone(),
            year: query.year,
            year_to: query.year_to,
            topic: query.topic.clone(),
            addressee: query.addressee.clone(),
            topic_boost: query.topic_boost.clone(),
            level: request.level,
        };
        let ranked = self.ranked_text_query(searcher, &query.text, Pipeline::Full, &filters)?;
        Ok(Prepared {
            query,
            filters,
            text_query: ranked.query,
        })
    }

    /// Counts the hits of a search by year, region or topic: per bucket the matching items
    /// and the distinct resolutions they come from.
    ///
    /// The query is understood and filtered exactly as by [`Engine::search`] — all filters,
    /// the bucketed field's own included, so the trend describes the same hits as the search
    /// (with `year=2023` a trend by year has one bucket). `page`, `per_page` and `sort` are
    /// ignored. Understanding costs one search (its first page); then the values and the
    /// resolution id are read from the stored fields of every matching document — linear in
    /// the hits, fine for the collection's size (thousands of items). Making `resolution_id`
    /// a fast field and counting in a custom collector would be the next step.
    pub fn trends(&self, request: &SearchRequest, by: TrendBy) -> Result<Trends, SearchError> {
        request.validate()?;
        let searcher = self.reader.searcher();
        let prepared = self.prepare(&searcher, request)?;
        let query = self.with_filters(prepared.text_query.as_deref(), &prepared.filters, None);
        let matching = searcher.search(query.as_ref(), &DocSetCollector)?;
        let mut counts: BTreeMap<String, (u64, HashSet<String>)> = BTreeMap::new();
        for address in &matching {
            let document: TantivyDocument = searcher.doc(*address)?;
            let resolution_id = document
                .get_first(self.schema.resolution_id)
                .and_then(|value| value.as_str())
                .unwrap_or_default()
                .to_string();
            for value in self.bucket_values(&document, by) {
                let entry = counts.entry(value).or_default();
                entry.0 += 1;
                entry.1.insert(resolution_id.clone());
            }
        }
        let mut buckets: Vec<TrendBucket> = counts
            .into_iter()
            .map(|(value, (items, resolutions))| TrendBucket {
                value,
                items,
                resolutions: resolutions.len() as u64,
            })
            .collect();
        if by != TrendBy::Year {
            // Most items first; ties by name (the map gave them in name order, the sort is stable).
            buckets.sort_by_key(|bucket| std::cmp::Reverse(bucket.items));
        }
        Ok(Trends {
            query: prepared.query,
            by,
            total: matching.len() as u64,
            buckets,
        })
    }

    fn bucket_values(&self, document: &TantivyDocument, by: TrendBy) -> Vec<String> {
        match by {
            TrendBy::Year => document
                .get_first(self.schema.year_num)
                .and_then(|value| value.as_u64())
                .map(|year| format!("{year:04}"))
                .into_iter()
                .collect(),
            TrendBy::Region => document
                .get_first(self.schema.region)
                .and_then(|value| value.as_facet().and_then(facet_leaf))
                .into_iter()
                .collect(),
            TrendBy::Topic => document
                .get_all(self.schema.topic)
                .filter_map(|value| value.as_facet().and_then(facet_leaf))
                .collect(),
        }
    }

    /// Every hit of a search in its order, up to `cap` (at most [`EXPORT_CAP`]); `page` and
    /// `per_page` are ignored. Hits are the same as the search's pages give, highlights
    /// included.
    pub fn export(&self, request: &SearchRequest, cap: usize) -> Result<Export, SearchError> {
        request.validate()?;
        let cap = cap.clamp(1, EXPORT_CAP);
        let searcher = self.reader.searcher();
        let prepared = self.prepare(&searcher, request)?;
        let query = self.with_filters(prepared.text_query.as_deref(), &prepared.filters, None);
        let total = searcher.search(query.as_ref(), &Count)?;
        let all = SearchRequest {
            per_page: cap,
            ..request.clone()
        };
        let addresses = self.top_docs(&searcher, query.as_ref(), &all, 0)?;
        let mut snippets = Vec::new();
        if let Some(text_query) = prepared.text_query.as_ref() {
            for field in [self.schema.text, self.schema.text_root] {
                let mut generator =
                    SnippetGenerator::create(&searcher, text_query.as_ref(), field)?;
                generator.set_max_num_chars(match request.level {
                    Level::Items => ITEM_SNIPPET_CHARS,
                    Level::Resolutions => RESOLUTION_SNIPPET_CHARS,
                });
                snippets.push(generator);
            }
        }
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let document: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(&document, score, request.level, &snippets));
        }
        Ok(Export {
            query: prepared.query,
            total,
            truncated: total > hits.len(),
            hits,
        })
    }
}

#[cfg(test)]
mod tests {
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
        with_region.region = Some("Краснодарский край".into());
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
        assert_eq!(year.query.year, Some(2023));
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
