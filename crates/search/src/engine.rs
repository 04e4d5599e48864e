//! The search engine over an opened index.
//!
//! A search ([`Engine::search_with`]) runs in three stages, each a module:
//! - `plan`: the request becomes a `Plan` — the query retyped from the Latin layout and
//!   respelt (`correction`), understood, its filters, and its text queries (`query`);
//! - `passes`: the main pass ([`pass::MainPass`]) with the strict query, the widened query when
//!   too few hits have every word, and without the filters read from the words when they leave
//!   nothing;
//! - `present`: groups of recurring recommendations collapsed (`collapse`), the page of hits
//!   with snippets, the facet values and the query as understood.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use edusearch_indexer::{
    DocKind, Groups, IndexRoot, IndexSchema, Manifest, REGION_ROOT, TOPIC_ROOT, YEAR_ROOT,
    open_index, resolution_from_doc,
};
use edusearch_resolution::Resolution;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query};
use tantivy::schema::{Field, FieldType, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};
use tantivy::{
    DocAddress, Executor, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::SearchError;
use crate::api::{FacetCounts, FacetValue, Level, SearchRequest, SearchResponse, Sort, Stats};
use facet_tables::{FacetCounter, FacetTable};
use passes::PassShape;
use plan::Filters;

/// Score added to hits on the topic the query names.
const TOPIC_BOOST: f32 = 0.5;

/// A searcher over one index generation.
pub struct Engine {
    index: Index,
    reader: IndexReader,
    schema: IndexSchema,
    generation: Option<PathBuf>,
    manifest: Option<Manifest>,
    /// Groups of recurring recommendations of this generation.
    groups: Groups,
    /// Per segment of the searcher (in its order), the group of every document.
    doc_groups: Vec<Arc<[u32]>>,
    /// The analyzers queries are read with ([`edusearch_russian::query_analyzers`]).
    query_tokenizers: TokenizerManager,
    /// Facet counts of searches without text («Красноярский край» alone, a year chip): they
    /// count over whole slices of the index and repeat, so they are kept for this generation.
    browse_facets: Mutex<HashMap<String, Vec<FacetValue>>>,
    /// Every document's region, year and topics (in [`FacetField::ALL`] order).
    facet_tables: [Arc<FacetTable>; 3],
    /// Per segment of the searcher, a bit for each resolution document.
    resolution_docs: Vec<Arc<[u64]>>,
    /// The same facts as `facet_tables` and `resolution_docs` in two small words a document,
    /// when they fit ([`packed`]).
    packed: Option<packed::PackedFacts>,
    /// Per segment holding its items before its resolutions, the document ids of each level.
    level_ranges: [level_range::LevelRanges; 2],
    /// The analyzers (and their shared word tables) the highlighters of every search clone.
    highlight_analyzers: highlight::HighlightAnalyzers,
    /// The threads a search that reads many postings is spread over (see [`Engine::collect`]).
    executor: Option<Executor>,
    /// Per segment of the searcher, the fast fields the ranking reads.
    rank_columns: Arc<[ranking::RankColumns]>,
    /// The documents of frequent words required beside others, as bits, kept for this
    /// generation ([`dense_words`]).
    dense_words: Arc<dense_words::DenseWords>,
}

/// Postings (summed document frequencies of a query's terms) from which a search is spread
/// over the cores. Below, the hand-offs between threads cost more than they save. Measured
/// with `query_speed` on two cores (benches/README.md, issue 19): at 10,000 resolutions
/// «ОВЗ» (26,000 postings) takes 0.60 ms on one thread and 0.73 ms on two, a rare term 0.22
/// and 0.35 ms; at 100,000 «Красноярский край» (35,000) takes 1.5 ms on one and 0.9–1.4 ms
/// on two, a common term (571,000) 4.5 and 2.6 ms.
const PARALLEL_FROM_POSTINGS: u64 = 30_000;

/// Facet counts kept in [`Engine::browse_facets`] before it starts again.
const BROWSE_FACETS_KEPT: usize = 4096;

impl Engine {
    /// Opens the live index of an index root.
    pub fn open(root: &IndexRoot) -> Result<Self, SearchError> {
        let generation = root.current()?;
        let (index, schema) = open_index(root)?;
        // A damaged segment fails here: say which index, and what to do.
        let mut engine = Self::from_index(index, schema).map_err(|error| match error {
            SearchError::Engine(error) => {
                SearchError::Index(edusearch_indexer::IndexError::Unusable {
                    path: generation
                        .clone()
                        .unwrap_or_else(|| root.path().to_path_buf()),
                    reason: error.to_string(),
                })
            }
            other => other,
        })?;
        engine.manifest = generation.as_deref().and_then(Manifest::load);
        if let Some(folder) = generation.as_deref() {
            engine.groups = Groups::load(folder)?;
            engine.doc_groups = engine.groups.for_searcher(&engine.reader.searcher());
        }
        engine.generation = generation;
        Ok(engine)
    }

    /// Wraps an already opened index.
    pub fn from_index(index: Index, schema: IndexSchema) -> Result<Self, SearchError> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let mut tables = Vec::with_capacity(FacetField::ALL.len());
        for facet in FacetField::ALL {
            tables.push(Arc::new(FacetTable::build(
                &searcher,
                facet.field_name(),
                facet.root(),
            )?));
        }
        let facet_tables: [Arc<FacetTable>; 3] = tables
            .try_into()
            .expect("one table for each of the three facets");
        let resolution_docs = resolution_docs(&searcher, &schema)?;
        let packed = packed::PackedFacts::build(
            facet_tables.each_ref().map(|table| table.as_ref()),
            &resolution_docs,
        );
        let level_ranges = level_ranges(&searcher, &resolution_docs);
        let rank_columns = searcher
            .segment_readers()
            .iter()
            .map(ranking::RankColumns::open)
            .collect();
        Ok(Self {
            index,
            reader,
            schema,
            generation: None,
            manifest: None,
            groups: Groups::default(),
            doc_groups: Vec::new(),
            query_tokenizers: edusearch_russian::query_analyzers(),
            browse_facets: Mutex::default(),
            highlight_analyzers: highlight::HighlightAnalyzers::default(),
            executor: match std::thread::available_parallelism().map_or(1, usize::from) {
                1 => None,
                threads => Some(Executor::multi_thread(threads, "edusearch-search-")?),
            },
            facet_tables,
            resolution_docs,
            packed,
            level_ranges,
            rank_columns,
            dense_words: Arc::default(),
        })
    }

    /// The generation folder this engine reads (to notice a rebuild).
    pub fn generation(&self) -> Option<&PathBuf> {
        self.generation.as_ref()
    }

    /// Number of documents (resolutions and items) in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a search with the full pipeline.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse, SearchError> {
        self.search_with(request, Pipeline::Full)
    }

    /// Runs a search with the chosen pipeline (the baseline exists for relevance comparisons).
    pub fn search_with(
        &self,
        request: &SearchRequest,
        pipeline: Pipeline,
    ) -> Result<SearchResponse, SearchError> {
        let started = Instant::now();
        request.validate()?;
        let searcher = self.reader.searcher();
        let mut plan = self.plan(&searcher, request, pipeline)?;
        let shape = PassShape::of(request);
        let passes = self.passes(&searcher, request, pipeline, &mut plan, shape)?;
        self.present(&searcher, request, plan, passes, shape, started)
    }

    /// The collector counting a facet's values over the matches.
    fn facet_counter(&self, facet: FacetField) -> FacetCounter {
        // The tables are built in `FacetField::ALL` order, which is the enum's.
        self.facet_tables[facet as usize].counter()
    }

    /// The analyzer a query's text for `field` is read with.
    pub(crate) fn query_analyzer(&self, field: Field) -> Option<TextAnalyzer> {
        let schema = self.index.schema();
        let FieldType::Str(options) = schema.get_field_entry(field).field_type() else {
            return None;
        };
        self.query_tokenizers
            .get(options.get_indexing_options()?.tokenizer())
    }

    /// The resolution with this id.
    pub fn resolution(&self, id: &str) -> Result<Resolution, SearchError> {
        let searcher = self.reader.searcher();
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                self.term(self.schema.kind, DocKind::Resolution.as_str()),
            ),
            (Occur::Must, self.term(self.schema.resolution_id, id)),
        ]);
        let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = found.into_iter().next() else {
            return Err(SearchError::NotFound(id.to_string()));
        };
        let document: TantivyDocument = searcher.doc(address)?;
        let mut resolution = resolution_from_doc(&self.schema, &document)
            .ok_or_else(|| SearchError::NotFound(id.to_string()))?;
        if let Some(manifest) = &self.manifest {
            resolution.sources = manifest.sources_of(id);
            resolution.source_urls = manifest.urls_of(id);
        }
        Ok(resolution)
    }

    /// Counts of resolutions and items, and resolutions by region, year and topic.
    pub fn stats(&self) -> Result<Stats, SearchError> {
        let searcher = self.reader.searcher();
        let resolutions = searcher.search(
            &*self.term(self.schema.kind, DocKind::Resolution.as_str()),
            &Count,
        )?;
        let items = searcher.search(
            &*self.term(self.schema.kind, DocKind::Item.as_str()),
            &Count,
        )?;
        Ok(Stats {
            resolutions: resolutions as u64,
            items: items as u64,
            facets: self.all_facets(Level::Resolutions)?,
        })
    }

    /// Every facet value with its count of items or resolutions.
    pub fn all_facets(&self, level: Level) -> Result<FacetCounts, SearchError> {
        let searcher = self.reader.searcher();
        let filters = Filters {
            level,
            ..Filters::default()
        };
        Ok(FacetCounts {
            region: self.facet_values(&searcher, None, &filters, FacetField::Region)?,
            year: self.facet_values(&searcher, None, &filters, FacetField::Year)?,
            topic: self.facet_values(&searcher, None, &filters, FacetField::Topic)?,
        })
    }

    /// Runs a collector over the segments: one after another when the query reads few
    /// postings, on every core when it reads many ([`PARALLEL_FROM_POSTINGS`]).
    pub(crate) fn collect<C: Collector>(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        collector: &C,
    ) -> Result<C::Fruit, SearchError> {
        // The document frequencies read to choose the executor are those BM25 asks for.
        let statistics = match &self.executor {
            Some(_) => ReadDocFreqs::of(searcher, query)?,
            None => ReadDocFreqs::none(searcher),
        };
        let executor = match &self.executor {
            Some(parallel) if statistics.postings() >= PARALLEL_FROM_POSTINGS => parallel,
            _ => &Executor::SingleThread,
        };
        let scoring = if collector.requires_scoring() {
            EnableScoring::enabled_from_statistics_provider(&statistics, searcher)
        } else {
            EnableScoring::disabled_from_searcher(searcher)
        };
        Ok(searcher.search_with_executor(query, collector, executor, scoring)?)
    }

    pub(crate) fn top_docs(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        request: &SearchRequest,
        offset: usize,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        let collector = self.ranking(request.per_page, offset, request.sort);
        let ranked = self.collect(searcher, query, &collector)?;
        Ok(ranked_scores(ranked, request.sort))
    }
}

/// A query's terms with their document frequencies, read once per search for two uses: how
/// many postings the query reads (to choose the executor), and BM25's statistics (each a
/// lookup in every segment's term dictionary, about 2,000 instructions, which the weights
/// would make again).
struct ReadDocFreqs<'a> {
    searcher: &'a Searcher,
    /// Sorted by term.
    doc_freqs: Vec<(Term, u64)>,
    /// Whether the query has terms (a query without reads every document).
    has_terms: bool,
}

impl<'a> ReadDocFreqs<'a> {
    /// The document frequencies of the query's terms.
    fn of(searcher: &'a Searcher, query: &dyn Query) -> Result<Self, SearchError> {
        let mut terms: Vec<Term> = Vec::new();
        query.query_terms(&mut |term, _| terms.push(term.clone()));
        terms.sort();
        terms.dedup();
        let doc_freqs = terms
            .into_iter()
            .map(|term| {
                let doc_freq = searcher.doc_freq(&term)?;
                Ok((term, doc_freq))
            })
            .collect::<Result<Vec<_>, SearchError>>()?;
        Ok(Self {
            searcher,
            has_terms: !doc_freqs.is_empty(),
            doc_freqs,
        })
    }

    /// None read: the searcher answers.
    fn none(searcher: &'a Searcher) -> Self {
        Self {
            searcher,
            doc_freqs: Vec::new(),
            has_terms: false,
        }
    }

    /// About how many postings the query reads: its terms' document frequencies summed
    /// (every document for a query without terms, which reads them all).
    fn postings(&self) -> u64 {
        if !self.has_terms {
            return self.searcher.num_docs();
        }
        self.doc_freqs.iter().map(|(_, doc_freq)| doc_freq).sum()
    }
}

impl tantivy::query::Bm25StatisticsProvider for ReadDocFreqs<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        tantivy::query::Bm25StatisticsProvider::total_num_tokens(self.searcher, field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        tantivy::query::Bm25StatisticsProvider::total_num_docs(self.searcher)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        match self
            .doc_freqs
            .binary_search_by(|(known, _)| known.cmp(term))
        {
            Ok(index) => Ok(self.doc_freqs[index].1),
            Err(_) => self.searcher.doc_freq(term),
        }
    }
}

/// Per segment of a searcher, a bit for each resolution document (by doc id).
fn resolution_docs(searcher: &Searcher, schema: &IndexSchema) -> tantivy::Result<Vec<Arc<[u64]>>> {
    use tantivy::DocSet;
    let term = Term::from_field_text(schema.kind, DocKind::Resolution.as_str());
    let mut all = Vec::with_capacity(searcher.segment_readers().len());
    for segment in searcher.segment_readers() {
        let mut bits = vec![0u64; (segment.max_doc() as usize).div_ceil(64)];
        if let Some(mut postings) = segment
            .inverted_index(schema.kind)?
            .read_postings(&term, IndexRecordOption::Basic)?
        {
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED {
                bits[doc as usize / 64] |= 1 << (doc % 64);
                doc = postings.advance();
            }
        }
        all.push(Arc::from(bits));
    }
    Ok(all)
}

/// Whether a document's bit is set in a segment's bits of [`resolution_docs`].
#[inline]
fn has_bit(bits: &[u64], doc: tantivy::DocId) -> bool {
    bits.get(doc as usize / 64)
        .is_some_and(|word| word & (1 << (doc % 64)) != 0)
}

/// Per segment whose resolution documents follow all of its items (as the build writes them),
/// the range of its items' document ids and that of its resolutions' (by [`Level`] order).
fn level_ranges(
    searcher: &Searcher,
    resolution_docs: &[Arc<[u64]>],
) -> [level_range::LevelRanges; 2] {
    let mut items = HashMap::new();
    let mut resolutions = HashMap::new();
    for (segment, bits) in searcher.segment_readers().iter().zip(resolution_docs) {
        let max_doc = segment.max_doc();
        let is_resolution = |doc: tantivy::DocId| has_bit(bits, doc);
        let first = (0..max_doc)
            .find(|doc| is_resolution(*doc))
            .unwrap_or(max_doc);
        if (first..max_doc).all(is_resolution) {
            items.insert(segment.segment_id(), 0..first);
            resolutions.insert(segment.segment_id(), first..max_doc);
        }
    }
    [Arc::new(items), Arc::new(resolutions)]
}

/// A poisoned lock only means a search panicked while holding it; what it guards stays valid.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The collector of hits in order: by score (ties by recency, then item order), or by date.
impl Engine {
    /// The collector of the best `offset + limit` hits in `sort` order.
    fn ranking(&self, limit: usize, offset: usize, sort: Sort) -> ranking::Ranking {
        ranking::Ranking {
            limit,
            offset,
            sort,
            columns: Arc::clone(&self.rank_columns),
        }
    }
}

/// The relevance score of each ranked hit.
fn ranked_scores(ranked: Vec<((f64, f64, i64), DocAddress)>, sort: Sort) -> Vec<(f32, DocAddress)> {
    ranked
        .into_iter()
        .map(|((first, second, _), address)| {
            let score = if sort == Sort::Date { second } else { first };
            (score as f32, address)
        })
        .collect()
}

/// Which query pipeline runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Pipeline {
    /// Everything edusearch knows: query understanding, field weights, all-words matching.
    #[default]
    Full,
    /// Plain Snowball BM25 over the item text, any word matching: the yardstick.
    Baseline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FacetField {
    Region,
    Year,
    Topic,
}

impl FacetField {
    /// The facets, in the order of [`Engine::facet_tables`] (their discriminants).
    const ALL: [FacetField; 3] = [FacetField::Region, FacetField::Year, FacetField::Topic];
}

const _: () = assert!(
    FacetField::ALL[0] as usize == 0
        && FacetField::ALL[1] as usize == 1
        && FacetField::ALL[2] as usize == 2
);

impl FacetField {
    fn field_name(self) -> &'static str {
        match self {
            FacetField::Region => edusearch_indexer::fields::REGION,
            FacetField::Year => edusearch_indexer::fields::YEAR,
            FacetField::Topic => edusearch_indexer::fields::TOPIC,
        }
    }

    fn root(self) -> &'static str {
        match self {
            FacetField::Region => REGION_ROOT,
            FacetField::Year => YEAR_ROOT,
            FacetField::Topic => TOPIC_ROOT,
        }
    }
}

pub(crate) mod beyond;
mod block_cursor;
mod collapse;
mod correction;
mod dense_words;
mod facet_tables;
mod flatten;
pub(crate) mod highlight;
mod level_range;
mod packed;
mod pass;
mod passes;
mod plan;
mod present;
mod query;
mod ranking;
mod seek_union;
pub(crate) mod similar;
mod stored;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod recurrence_tests;

#[cfg(test)]
mod plan_tests;
