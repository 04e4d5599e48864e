//! The search engine over an opened index.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use edusearch_indexer::{
    DocKind, Groups, IndexRoot, IndexSchema, Manifest, NO_GROUP, REGION_ROOT, TOPIC_ROOT,
    YEAR_ROOT, addressee_key, open_index, place_key, region_facet, resolution_from_doc,
    topic_facet, year_facet,
};
use edusearch_resolution::Resolution;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, Query,
    QueryParser, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, FieldType, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};
use tantivy::{
    DocAddress, Index, IndexReader, ReloadPolicy, Searcher, SegmentReader, TantivyDocument, Term,
};

use crate::SearchError;
use facet_tables::{FacetCounter, FacetTable, ValueCounts};
use std::collections::HashMap;
use std::ops::Bound;

use crate::api::{
    Correction, CorrectionKind, DroppedFilter, FacetCounts, FacetValue, FilterKind, Hit, Level,
    Recurrence, SearchRequest, SearchResponse, Sort, Stats, SynonymUse, UnderstoodQuery,
    group_id_text, parse_group_id,
};
use crate::correct;
use crate::html::escape_html;
use crate::understand::understand;
use crate::understand::{InferredFilter, Understood};
use collapse::*;
use edusearch_russian::Synonyms;
use passes::*;
use plan::{Filters, Matching};
use present::*;
use query::*;

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
    /// Per segment sorted by level, the document ids of its items and of its resolutions.
    level_ranges: [level_range::LevelRanges; 2],
}

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
    pub fn from_index(mut index: Index, schema: IndexSchema) -> Result<Self, SearchError> {
        // Segments are searched in parallel: a single query's latency falls with the cores;
        // under load the pool is shared, so throughput stays what the cores give.
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
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
            facet_tables,
            resolution_docs,
            packed,
            level_ranges,
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
        let full = pipeline == Pipeline::Full;

        // Forgiving input: a query typed in the Latin layout is retyped when that gives words
        // the index knows (or can respell); misspelt words are respelt.
        let mut query = request.q.clone();
        let mut layout_fixed = false;
        if full
            && !request.literal
            && let Some(retyped) = correct::from_latin_layout(&query)
        {
            let recognised =
                self.known_words(&searcher, &retyped) + self.respell(&searcher, &retyped)?.len();
            if recognised > self.known_words(&searcher, &query) {
                query = retyped;
                layout_fixed = true;
            }
        }
        let mut understood = if full {
            understand(&query)
        } else {
            Understood {
                text: query.clone(),
                ..Understood::default()
            }
        };
        // A question or description is ranked by its words, the year or place it names among
        // them: it is not meant as a filter («что случилось в 1992 году…»).
        let question = plan::is_question(&query);
        if full
            && !understood.inferred.is_empty()
            && plan::long_query_text(&sanitize(&understood.text), question).is_some()
        {
            understood.inferred_back_to_words();
        }
        let mut respelt = false;
        if full && !request.literal {
            for (wrong, right) in self.respell(&searcher, &understood.text)? {
                understood.text = understood.text.replace(wrong.as_str(), &right);
                query = query.replace(wrong.as_str(), &right);
                respelt = true;
            }
        }
        let correction = (layout_fixed || respelt).then(|| Correction {
            kind: if layout_fixed {
                CorrectionKind::Layout
            } else {
                CorrectionKind::Spelling
            },
            original: request.q.clone(),
            corrected: query.clone(),
        });

        let chosen =
            |value: &Option<String>| value.clone().filter(|value| !value.trim().is_empty());
        let (year, year_to) = match request.year {
            Some(year) => (Some(year), request.year_to.filter(|to| *to > year)),
            None => (understood.year, understood.year_to),
        };
        let mut filters = Filters {
            region: chosen(&request.region).or_else(|| understood.region.clone()),
            municipality: chosen(&request.municipality).or_else(|| understood.municipality.clone()),
            year,
            year_to,
            topic: chosen(&request.topic).or_else(|| understood.topic.clone()),
            addressee: chosen(&request.addressee),
            topic_boost: understood.topic_boost.clone(),
            level: request.level,
            group: request.group.as_deref().and_then(parse_group_id),
        };

        let offset = (request.page - 1) * request.per_page;
        let collapse = request.collapse && request.level == Level::Items;
        let window = if collapse {
            (offset + request.per_page) * COLLAPSE_OVERFETCH + 64
        } else {
            request.per_page
        };
        let shape = PassShape {
            window,
            offset: if collapse { 0 } else { offset },
            sort: request.sort,
            collapse,
        };
        let TextQueries {
            strict,
            widened,
            mut synonyms,
        } = self.text_queries(&understood.text, pipeline, question);
        let mut passes = self.run_passes(&searcher, &filters, strict, widened, shape)?;

        // Filters read from the query's words give way when they alone leave nothing while
        // the words match elsewhere («профориентация 2015» with nothing of 2015); those the
        // user set stay.
        let mut dropped_filters = Vec::new();
        let inferred = inferred_in_force(&understood, request);
        if full && passes.fruit.total == 0 && !inferred.is_empty() {
            let mut unfiltered = filters.clone();
            for kind in &inferred {
                dropped_filters.push(unfiltered.drop_inferred(*kind));
            }
            let queries = self.text_queries(&understood.text, pipeline, question);
            if queries.strict.is_some() {
                let wider = self.run_passes(
                    &searcher,
                    &unfiltered,
                    queries.strict,
                    queries.widened,
                    shape,
                )?;
                if wider.fruit.total > 0 {
                    passes = wider;
                    filters = unfiltered;
                    synonyms = queries.synonyms;
                } else {
                    dropped_filters.clear();
                }
            } else {
                dropped_filters.clear();
            }
        }
        let Passes {
            fruit: pass,
            text_query,
            relaxed,
        } = passes;
        let pass::MainPassFruit {
            total: total_matches,
            ranked,
            facets: pass_facets,
            distinct: distinct_total,
        } = pass;
        let mut addresses = ranked_scores(ranked, request.sort);
        let total = distinct_total.unwrap_or(total_matches);
        if collapse {
            let full_query = self.with_filters(text_query.as_deref(), &filters, None);
            addresses = self.collapse_groups(
                &searcher,
                full_query.as_ref(),
                addresses,
                window,
                total_matches,
                request,
                offset,
            )?;
        }
        let mut shared_counts: Vec<(FacetField, ValueCounts)> = FacetField::ALL
            .into_iter()
            .zip(pass_facets)
            .filter_map(|(facet, counts)| Some((facet, counts?)))
            .collect();
        // Stems mark inflected forms; roots mark derived ones («профориентационных»).
        let mut snippets = Vec::new();
        if let Some(query) = text_query.as_ref() {
            for field in [self.schema.text, self.schema.text_root] {
                let mut generator = SnippetGenerator::create(&searcher, query.as_ref(), field)?;
                generator.set_max_num_chars(match request.level {
                    Level::Items => ITEM_SNIPPET_CHARS,
                    Level::Resolutions => RESOLUTION_SNIPPET_CHARS,
                });
                snippets.push(generator);
            }
        }
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            hits.push(self.hit_at(&searcher, address, score, request.level, &snippets)?);
        }

        let text_query = text_query.as_deref();
        let mut facet_of = |facet: FacetField| -> Result<Vec<FacetValue>, SearchError> {
            match shared_counts
                .iter()
                .position(|(shared, _)| *shared == facet)
            {
                Some(index) => {
                    let (_, counts) = shared_counts.swap_remove(index);
                    Ok(facet_values_from(&counts, facet, &filters))
                }
                None => self.facet_values(&searcher, text_query, &filters, facet),
            }
        };
        let facets = FacetCounts {
            region: facet_of(FacetField::Region)?,
            year: facet_of(FacetField::Year)?,
            topic: facet_of(FacetField::Topic)?,
        };

        // What the query's words set and stays in force.
        let from_query = |taken: &Option<String>, given: &Option<String>, in_force: bool| {
            taken
                .clone()
                .filter(|_| chosen(given).is_none() && in_force)
        };
        Ok(SearchResponse {
            query: UnderstoodQuery {
                raw: request.q.clone(),
                text: understood.text,
                year_from_query: understood
                    .year
                    .filter(|_| request.year.is_none() && filters.year.is_some()),
                year_to_from_query: understood
                    .year_to
                    .filter(|_| request.year.is_none() && filters.year.is_some()),
                region_from_query: from_query(
                    &understood.region,
                    &request.region,
                    filters.region.is_some(),
                ),
                municipality_from_query: from_query(
                    &understood.municipality,
                    &request.municipality,
                    filters.municipality.is_some(),
                ),
                region: filters.region,
                year: filters.year,
                year_to: filters.year_to,
                municipality: filters.municipality,
                topic: filters.topic,
                topic_boost: filters.topic_boost,
                addressee: filters.addressee,
                synonyms,
                correction,
                level: request.level,
                sort: request.sort,
                relaxed,
                dropped_filters,
                group: filters.group.map(group_id_text),
                collapse,
            },
            total,
            total_matches,
            page: request.page,
            per_page: request.per_page,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets,
        })
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

    pub(crate) fn top_docs(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        request: &SearchRequest,
        offset: usize,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        let collector = ranking_collector(request.per_page, offset, request.sort);
        let ranked = searcher.search(query, &collector)?;
        Ok(ranked_scores(ranked, request.sort))
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

/// Per segment whose resolution documents follow all of its items (an index sorted by level),
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
fn ranking_collector(limit: usize, offset: usize, sort: Sort) -> ranking::Ranking {
    ranking::Ranking {
        limit,
        offset,
        sort,
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
mod collapse;
mod correction;
mod facet_tables;
mod flatten;
mod level_range;
mod packed;
mod pass;
mod passes;
mod plan;
mod present;
mod query;
mod ranking;
pub(crate) mod similar;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod recurrence_tests;

#[cfg(test)]
mod plan_tests;
