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
use edusearch_russian::Synonyms;
use plan::Matching;

/// Field weights of the text query: the item text counts most, then who it is addressed to,
/// its topics, and the resolution's event and title (shared by all items of a resolution).
const FIELD_BOOSTS: &[(&str, f32)] = &[
    (edusearch_indexer::fields::TEXT, 1.0),
    (edusearch_indexer::fields::TEXT_ROOT, 0.25),
    (edusearch_indexer::fields::ADDRESSEE, 0.6),
    (edusearch_indexer::fields::TOPICS_TEXT, 0.5),
    (edusearch_indexer::fields::EVENT, 0.4),
    (edusearch_indexer::fields::TITLE, 0.3),
    (edusearch_indexer::fields::PLACE_TEXT, 0.3),
];

/// With fewer hits than this having every word, hits with some of the words are added.
const RELAX_BELOW: usize = 10;
/// Boost that keeps hits with every word above hits with some of them.
const ALL_WORDS_BOOST: f32 = 10.0;

/// Score added to hits on the topic the query names.
const TOPIC_BOOST: f32 = 0.5;

/// Characters of a resolution body shown in a resolution hit.
const RESOLUTION_SNIPPET_CHARS: usize = 320;
/// Characters of an item shown in an item hit (items are short: usually all of it).
const ITEM_SNIPPET_CHARS: usize = 1200;

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

    /// The main pass of a search with the text query `strict`, and again with `widened` when
    /// it finds fewer than [`RELAX_BELOW`] hits and the widened query finds more.
    ///
    /// One pass collects the total, the page of hits and the facets whose own filter is not
    /// set (their query is the main one). With text, one facet filter is checked in the pass,
    /// which then also counts that facet; any other facet with a filter set needs a pass of
    /// its own.
    fn run_passes(
        &self,
        searcher: &Searcher,
        filters: &Filters,
        strict: Option<Box<dyn Query>>,
        widened: Option<Box<dyn Query>>,
        shape: PassShape,
    ) -> Result<Passes, SearchError> {
        let filter_in_pass = FacetField::ALL
            .into_iter()
            .find(|facet| filters.filters(*facet))
            .filter(|_| strict.is_some());
        let main_pass =
            |text_query: Option<&dyn Query>| -> Result<pass::MainPassFruit, SearchError> {
                let query = self.pass_query(text_query, filters, filter_in_pass);
                let collector = pass::MainPass {
                    ranking: ranking_collector(shape.window, shape.offset, shape.sort),
                    facets: FacetField::ALL.map(|facet| {
                        (!filters.filters(facet) || filter_in_pass == Some(facet))
                            .then(|| self.facet_tables[facet as usize].as_ref())
                    }),
                    skip: (filters.level == Level::Items)
                        .then_some(self.resolution_docs.as_slice()),
                    filter: filter_in_pass.map(|facet| self.facet_filter(facet, filters)),
                    topic_boost: filters
                        .topic_boost
                        .as_deref()
                        .filter(|_| text_query.is_some())
                        .and_then(|topic| {
                            let table = self.facet_tables[FacetField::Topic as usize].as_ref();
                            Some(pass::TopicBoost {
                                table,
                                topic: table.id_of(topic)?,
                                boost: TOPIC_BOOST,
                            })
                        }),
                    distinct: shape.collapse.then(|| DistinctGroups {
                        doc_groups: &self.doc_groups,
                        groups: self.groups.len(),
                    }),
                    packed: self.packed.as_ref(),
                };
                Ok(searcher.search(query.as_ref(), &collector)?)
            };
        let mut text_query = strict;
        let mut fruit = main_pass(text_query.as_deref())?;
        let mut relaxed = false;
        if fruit.total < RELAX_BELOW
            && let Some(widened) = widened
        {
            let wider = main_pass(Some(widened.as_ref()))?;
            if wider.total > fruit.total {
                fruit = wider;
                text_query = Some(widened);
                relaxed = true;
            }
        }
        Ok(Passes {
            fruit,
            text_query,
            relaxed,
        })
    }

    /// How many words of a text the index knows (in any inflected form).
    fn known_words(&self, searcher: &Searcher, text: &str) -> usize {
        edusearch_russian::words(text)
            .filter(|word| self.knows(searcher, word.text))
            .count()
    }

    /// Whether a word is a real word: a Russian word form of the lexicon (whether or not the
    /// corpus has it: «музей», «семьей»), or known to the index in some form.
    fn knows(&self, searcher: &Searcher, word: &str) -> bool {
        if edusearch_russian::is_word_form(word) {
            return true;
        }
        // Known in some form: as typed, by its stem, or by a derived word (дошкольники →
        // дошкольных), so a real word is never «corrected» into another.
        let analyzed = [self.schema.text, self.schema.text_root]
            .into_iter()
            .filter_map(|field| {
                self.analyze(field, word)
                    .map(|token| Term::from_field_text(field, &token))
            });
        self.has_exact_form(searcher, word)
            || analyzed
                .into_iter()
                .any(|term| searcher.doc_freq(&term).is_ok_and(|count| count > 0))
    }

    /// Whether the corpus has this exact word form (`ё` and case folded).
    fn has_exact_form(&self, searcher: &Searcher, word: &str) -> bool {
        let exact = Term::from_field_text(
            self.schema.text_exact,
            &edusearch_russian::normalize_word(word),
        );
        searcher.doc_freq(&exact).is_ok_and(|count| count > 0)
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

    /// A word as the index's analyzer of `field` writes it (its stem, for the text field).
    fn analyze(&self, field: Field, word: &str) -> Option<String> {
        let mut analyzer = self.query_analyzer(field)?;
        let mut stream = analyzer.token_stream(word);
        stream.advance().then(|| stream.token().text.clone())
    }

    /// Misspelt words of the query with their correction («профариентация» →
    /// «профориентация»): words that are neither Russian words of the lexicon nor known to the
    /// index. Their stems are compared with the index's stems within an edit distance that
    /// grows with the length; among the closest the most frequent wins, and the word keeps its
    /// own ending — when that gives a word form of the corpus or of the lexicon, else a form
    /// the lexicon allows (`is_plausible_form`: a stem it lacks with a Russian ending).
    /// Otherwise the closest form of the corpus wins: never «вуз» + «ей».
    fn respell(
        &self,
        searcher: &Searcher,
        text: &str,
    ) -> Result<Vec<(String, String)>, SearchError> {
        let mut corrections = Vec::new();
        for word in edusearch_russian::words(text) {
            let normalized = edusearch_russian::normalize_word(word.text);
            let limit = correct::max_distance(normalized.chars().count());
            if limit == 0
                || !normalized.chars().all(char::is_alphabetic)
                || edusearch_russian::is_stop_word(&normalized)
                || self.knows(searcher, word.text)
            {
                continue;
            }
            let Some(stem) = self.analyze(self.schema.text, word.text) else {
                continue;
            };
            let ending = normalized.strip_prefix(stem.as_str()).unwrap_or_default();
            let glued: Vec<String> =
                correct::ranked(self.terms_within(searcher, self.schema.text, &stem, limit)?)
                    .into_iter()
                    .map(|candidate| format!("{candidate}{ending}"))
                    .collect();
            // A form that exists, else one that may exist, else the closest form of the corpus.
            let existing = glued.iter().find(|form| {
                self.has_exact_form(searcher, form) || edusearch_russian::is_word_form(form)
            });
            let plausible = || {
                glued
                    .iter()
                    .find(|form| edusearch_russian::is_plausible_form(form))
            };
            let right = match existing.or_else(plausible) {
                Some(form) => Some(form.clone()),
                None => correct::ranked(self.terms_within(
                    searcher,
                    self.schema.text_exact,
                    &normalized,
                    limit,
                )?)
                .into_iter()
                .next(),
            };
            if let Some(right) = right {
                corrections.push((word.text.to_string(), right));
            }
        }
        Ok(corrections)
    }

    /// The terms of a field within `limit` edits of `target`, each with its distance and its
    /// document count over all segments.
    fn terms_within(
        &self,
        searcher: &Searcher,
        field: Field,
        target: &str,
        limit: usize,
    ) -> Result<HashMap<String, (usize, u32)>, SearchError> {
        let mut candidates: HashMap<String, (usize, u32)> = HashMap::new();
        let Ok(automaton_limit) = u8::try_from(limit) else {
            return Ok(candidates);
        };
        // Only the terms within the edit distance are visited: a Levenshtein automaton walks
        // each segment's term dictionary (an FST) instead of comparing with every term.
        let automaton =
            FuzzyTermQuery::new(Term::from_field_text(field, target), automaton_limit, true)
                .automaton()?;
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let doc_freq = stream.value().doc_freq;
                if let Some(found) = candidates.get_mut(candidate) {
                    found.1 += doc_freq;
                } else if let Some(distance) = correct::distance_within(target, candidate, limit) {
                    candidates.insert(candidate.to_string(), (distance, doc_freq));
                }
            }
        }
        Ok(candidates)
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

    fn term(&self, field: Field, value: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    }

    /// The text part of a query and the synonyms it was widened with; `None` when there is
    /// no text (list everything).
    ///
    /// The full pipeline requires every word (in any weighted field, derived forms and
    /// synonyms included); the baseline is plain Snowball BM25 over the item text with any
    /// word matching, as general engines do by default.
    fn text_query(
        &self,
        text: &str,
        pipeline: Pipeline,
    ) -> (Option<Box<dyn Query>>, Vec<SynonymUse>) {
        if !text.chars().any(char::is_alphanumeric) {
            return (None, Vec::new());
        }
        if pipeline == Pipeline::Baseline {
            return (
                self.parse(
                    &sanitize(text),
                    &[edusearch_indexer::fields::TEXT],
                    Matching::Any,
                ),
                Vec::new(),
            );
        }
        let (expanded, expansions) = expand_synonyms(text);
        let fields: Vec<&str> = FIELD_BOOSTS.iter().map(|(name, _)| *name).collect();
        (
            self.parse(&expanded, &fields, Matching::All),
            synonym_uses(expansions),
        )
    }

    /// The text queries that rank the hits: every word required, and — for a text of several
    /// words — the widened query that lets in hits with only some of the words after those
    /// with all of them, tried when the first finds fewer than [`RELAX_BELOW`] hits (as a
    /// methodologist's «воспитательная работа» should also find «воспитательную систему»).
    /// A question or a description (see [`plan`]) needs only enough of its words, ranked by
    /// BM25 alone; its widened query is any of them.
    fn text_queries(&self, text: &str, pipeline: Pipeline, question: bool) -> TextQueries {
        if pipeline == Pipeline::Full
            && let Some(long) = plan::long_query_text(&sanitize(text), question)
        {
            let (expanded, expansions) = expand_synonyms(&long);
            let fields = plan::LONG_QUERY_FIELDS;
            return TextQueries {
                strict: self.parse(&expanded, fields, Matching::Enough),
                widened: self.parse(&expanded, fields, Matching::Any),
                synonyms: synonym_uses(expansions),
            };
        }
        let (all_words, synonyms) = self.text_query(text, pipeline);
        let widened = all_words
            .as_ref()
            .filter(|_| pipeline == Pipeline::Full && text.split_whitespace().count() >= 2)
            .and_then(|all_words| {
                let any_word = self.any_word_query(text)?;
                Some(Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(all_words.box_clone(), ALL_WORDS_BOOST))
                            as Box<dyn Query>,
                    ),
                    (Occur::Should, any_word),
                ])) as Box<dyn Query>)
            });
        TextQueries {
            strict: all_words,
            widened,
            synonyms,
        }
    }

    /// Any word of the text, in the weighted fields (for the relaxed retry).
    fn any_word_query(&self, text: &str) -> Option<Box<dyn Query>> {
        let (expanded, _) = expand_synonyms(text);
        let fields: Vec<&str> = FIELD_BOOSTS.iter().map(|(name, _)| *name).collect();
        self.parse(&expanded, &fields, Matching::Any)
    }

    fn parse(
        &self,
        query: &str,
        field_names: &[&str],
        matching: Matching,
    ) -> Option<Box<dyn Query>> {
        if !query.chars().any(char::is_alphanumeric) {
            return None;
        }
        let schema = self.index.schema();
        let fields: Vec<Field> = field_names
            .iter()
            .filter_map(|name| schema.get_field(name).ok())
            .collect();
        let boosts: Vec<(Field, f32)> = FIELD_BOOSTS
            .iter()
            .filter_map(|(name, boost)| Some((schema.get_field(name).ok()?, *boost)))
            .collect();
        let mut parser =
            QueryParser::new(self.index.schema(), fields, self.query_tokenizers.clone());
        if matching == Matching::All {
            parser.set_conjunction_by_default();
        }
        // Lenient: unbalanced quotes or stray operators never fail a search.
        let (mut parsed, errors) = parser.parse_query_lenient(query);
        if matching == Matching::Enough {
            parsed = with_minimum_should_match(parsed);
        }
        if !errors.is_empty() {
            tracing::debug!(?errors, query, "query parsed leniently");
        }
        let boost_of = |field: Field| {
            boosts
                .iter()
                .find(|(boosted, _)| *boosted == field)
                .map_or(1.0, |(_, boost)| *boost)
        };
        if let Some(flat) = flatten::flatten(parsed.as_ref(), &boost_of) {
            return Some(flat);
        }
        // A kind of query the flattening does not know: the parser's own boosts.
        for (field, boost) in &boosts {
            parser.set_field_boost(*field, *boost);
        }
        Some(parser.parse_query_lenient(query).0)
    }

    /// The text query (or all documents) with the filters; `except` leaves one facet out.
    fn with_filters(
        &self,
        text_query: Option<&dyn Query>,
        filters: &Filters,
        except: Option<FacetField>,
    ) -> Box<dyn Query> {
        self.filtered(text_query, filters, except, false)
    }

    /// The query of a main pass: [`Engine::with_filters`] without what [`pass::MainPass`]
    /// checks itself (the facet filter `in_pass`, leaving out resolution documents, the
    /// topic boost).
    fn pass_query(
        &self,
        text_query: Option<&dyn Query>,
        filters: &Filters,
        in_pass: Option<FacetField>,
    ) -> Box<dyn Query> {
        self.filtered(text_query, filters, in_pass, true)
    }

    /// The filter of a facet as [`pass::MainPass`] checks it: the accepted value ids.
    fn facet_filter(&self, facet: FacetField, filters: &Filters) -> pass::FacetFilter<'_> {
        let table = self.facet_tables[facet as usize].as_ref();
        let accepted = match facet {
            FacetField::Region => {
                let region = filters.region.as_deref().unwrap_or_default().trim();
                table.accepting(|name| name == region)
            }
            FacetField::Year => {
                let from = filters.year.unwrap_or_default();
                let to = filters.year_to.unwrap_or(from);
                table.accepting(|name| {
                    name.parse::<i32>()
                        .is_ok_and(|year| (from..=to).contains(&year))
                })
            }
            FacetField::Topic => {
                let name = self.topic_name(filters.topic.as_deref().unwrap_or_default());
                table.accepting(|known| known == name)
            }
        };
        pass::FacetFilter {
            facet,
            table,
            accepted,
        }
    }

    /// The taxonomy's name of a topic as given in a filter.
    fn topic_name(&self, topic: &str) -> String {
        edusearch_resolution::topics::Taxonomy::builtin()
            .find(topic)
            .map_or_else(|| topic.trim().to_string(), |found| found.name.clone())
    }

    fn filtered(
        &self,
        text_query: Option<&dyn Query>,
        filters: &Filters,
        except: Option<FacetField>,
        for_pass: bool,
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match text_query {
            Some(query) => clauses.push((Occur::Must, query.box_clone())),
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        // Items are most documents: rather than intersecting the text's matches with all of
        // them (which seeks through every field's postings), the few resolution documents are
        // excluded (by the main pass itself, where it runs). Resolutions are asked for
        // directly.
        let mut filter_terms = Vec::new();
        match filters.level {
            Level::Items if for_pass => {}
            Level::Items => clauses.push((
                Occur::MustNot,
                self.term(self.schema.kind, DocKind::Resolution.as_str()),
            )),
            Level::Resolutions => filter_terms.push(Term::from_field_text(
                self.schema.kind,
                DocKind::Resolution.as_str(),
            )),
        }
        if let Some(region) = filters
            .region
            .as_deref()
            .filter(|_| except != Some(FacetField::Region))
        {
            filter_terms.push(Term::from_facet(
                self.schema.region,
                &region_facet(region.trim()),
            ));
        }
        let mut range_filter: Option<Box<dyn Query>> = None;
        if let Some(year) = filters.year.filter(|_| except != Some(FacetField::Year)) {
            match filters.year_to {
                Some(year_to) => {
                    let bound = |year: i32| {
                        Term::from_field_u64(
                            self.schema.year_num,
                            u64::try_from(year).unwrap_or_default(),
                        )
                    };
                    range_filter = Some(Box::new(RangeQuery::new(
                        Bound::Included(bound(year)),
                        Bound::Included(bound(year_to)),
                    )));
                }
                None => filter_terms.push(Term::from_facet(self.schema.year, &year_facet(year))),
            }
        }
        if let Some(municipality) = &filters.municipality {
            filter_terms.push(Term::from_field_text(
                self.schema.place_key,
                &place_key(municipality),
            ));
        }
        if let Some(topic) = filters
            .topic
            .as_deref()
            .filter(|_| except != Some(FacetField::Topic))
        {
            let name = self.topic_name(topic);
            filter_terms.push(Term::from_facet(self.schema.topic, &topic_facet(&name)));
        }
        if let Some(addressee) = &filters.addressee {
            filter_terms.push(Term::from_field_text(
                self.schema.addressee_key,
                &addressee_key(addressee),
            ));
        }
        let mut filter_queries: Vec<Box<dyn Query>> = filter_terms
            .into_iter()
            .map(|term| Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
            .collect();
        filter_queries.extend(range_filter);
        if let Some(group) = filters.group {
            let members = self
                .groups
                .find(group)
                .map_or(&[][..], |index| self.groups.members(index));
            let terms = members
                .iter()
                .map(|key| Term::from_field_u64(self.schema.item_key, *key));
            filter_queries.push(Box::new(TermSetQuery::new(terms)));
        }
        for filter in filter_queries {
            // Filters narrow the hits without changing their scores.
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
        }
        if let Some(topic) = &filters.topic_boost
            && text_query.is_some()
            && !for_pass
        {
            // Hits on the topic the query names rank higher; others stay.
            let term = Term::from_facet(self.schema.topic, &topic_facet(topic));
            let boost = TermQuery::new(term, IndexRecordOption::Basic);
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(boost), TOPIC_BOOST)),
            ));
        }
        let query = match clauses.as_mut_slice() {
            // The text alone: a union of terms is then scored as one (see `flatten`).
            [(Occur::Must, query)] => std::mem::replace(query, Box::new(AllQuery)),
            _ => Box::new(BooleanQuery::new(clauses)),
        };
        let ranges = match filters.level {
            Level::Items => &self.level_ranges[0],
            Level::Resolutions => &self.level_ranges[1],
        };
        // Every pass reads only its level's range (the exclusion of resolution documents
        // above stays, for segments not sorted by level).
        if ranges.is_empty() {
            return query;
        }
        Box::new(level_range::LevelRange {
            inner: query,
            ranges: Arc::clone(ranges),
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

    /// The group of recurring recommendations a document belongs to.
    fn group_of(&self, address: DocAddress) -> Option<u32> {
        let group = *self
            .doc_groups
            .get(address.segment_ord as usize)?
            .get(address.doc_id as usize)?;
        (group != NO_GROUP).then_some(group)
    }

    /// The page of hits with each group shown once, by its best-ranked hit. `ranked` is the
    /// first `window` hits; when they hold too few groups for the page, a wider window is read.
    #[allow(clippy::too_many_arguments)]
    fn collapse_groups(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        mut ranked: Vec<(f32, DocAddress)>,
        mut window: usize,
        total: usize,
        request: &SearchRequest,
        offset: usize,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        let wanted = offset + request.per_page;
        loop {
            let mut seen = std::collections::HashSet::new();
            let firsts: Vec<(f32, DocAddress)> = ranked
                .iter()
                .copied()
                .filter(|(_, address)| self.group_of(*address).is_none_or(|g| seen.insert(g)))
                .collect();
            if firsts.len() >= wanted || ranked.len() >= total || window >= total {
                return Ok(firsts
                    .into_iter()
                    .skip(offset)
                    .take(request.per_page)
                    .collect());
            }
            window = (window * 4).min(total);
            let collector = ranking_collector(window, 0, request.sort);
            ranked = ranked_scores(searcher.search(query, &collector)?, request.sort);
        }
    }

    /// The hit of a document, with how often it recurs.
    pub(crate) fn hit_at(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: f32,
        level: Level,
        snippets: &[SnippetGenerator],
    ) -> Result<Hit, SearchError> {
        let document: TantivyDocument = searcher.doc(address)?;
        let mut hit = self.hit(&document, score, level, snippets);
        hit.recurrence = self.recurrence(address);
        Ok(hit)
    }

    /// How often the item at an address recurs, when it is in a group.
    fn recurrence(&self, address: DocAddress) -> Option<Recurrence> {
        let info = self.groups.info(self.group_of(address)?)?;
        let year = |year: u16| (year != 0).then_some(i32::from(year));
        Some(Recurrence {
            group: group_id_text(info.id),
            items: info.items,
            resolutions: info.resolutions,
            regions: info.regions,
            year_from: year(info.year_from),
            year_to: year(info.year_to),
        })
    }

    fn hit(
        &self,
        document: &TantivyDocument,
        score: f32,
        level: Level,
        snippets: &[SnippetGenerator],
    ) -> Hit {
        let text_of = |field: Field| {
            document
                .get_first(field)
                .and_then(|value| value.as_str())
                .map(str::to_string)
        };
        let schema = &self.schema;
        let full_text = text_of(schema.text).unwrap_or_default();
        let max_chars = match level {
            Level::Items => ITEM_SNIPPET_CHARS,
            Level::Resolutions => RESOLUTION_SNIPPET_CHARS,
        };
        let highlight = highlight(snippets, &full_text, max_chars);
        let text = match level {
            Level::Items => full_text,
            Level::Resolutions => truncate_chars(&full_text, RESOLUTION_SNIPPET_CHARS),
        };
        let topics = document
            .get_all(schema.topic)
            .filter_map(|value| value.as_facet().map(str::to_string))
            .filter_map(|encoded| facet_leaf(&encoded))
            .collect();
        let region = document
            .get_first(schema.region)
            .and_then(|value| value.as_facet().map(str::to_string))
            .and_then(|encoded| facet_leaf(&encoded));
        let year = document
            .get_first(schema.year_num)
            .and_then(|value| value.as_u64())
            .and_then(|year| i32::try_from(year).ok());
        let date = text_of(schema.date);
        Hit {
            score,
            kind: text_of(schema.kind).unwrap_or_default(),
            resolution_id: text_of(schema.resolution_id).unwrap_or_default(),
            item_position: document
                .get_first(schema.item_position)
                .and_then(|value| value.as_u64())
                .and_then(|position| u32::try_from(position).ok()),
            item_number: text_of(schema.item_number),
            addressee: text_of(schema.addressee),
            text,
            highlight,
            title: text_of(schema.title).unwrap_or_default(),
            event: text_of(schema.event),
            event_kind: text_of(schema.event_kind),
            date,
            year,
            municipality: text_of(schema.municipality),
            region,
            topics,
            source: text_of(schema.source).unwrap_or_default(),
            source_url: text_of(schema.source_url),
            recurrence: None,
        }
    }

    fn facet_values(
        &self,
        searcher: &Searcher,
        text_query: Option<&dyn Query>,
        filters: &Filters,
        facet: FacetField,
    ) -> Result<Vec<FacetValue>, SearchError> {
        let browse_key = text_query
            .is_none()
            .then(|| format!("{facet:?} {filters:?}"));
        if let Some(key) = &browse_key
            && let Some(kept) = lock(&self.browse_facets).get(key)
        {
            return Ok(kept.clone());
        }
        let query = self.with_filters(text_query, filters, Some(facet));
        let counts = searcher.search(query.as_ref(), &self.facet_counter(facet))?;
        let values = facet_values_from(&counts, facet, filters);
        if let Some(key) = browse_key {
            let mut kept = lock(&self.browse_facets);
            if kept.len() >= BROWSE_FACETS_KEPT {
                kept.clear();
            }
            kept.insert(key, values.clone());
        }
        Ok(values)
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

/// Facet values with their counts: years newest first, others by count; the chosen value is
/// marked and kept even with no hits, so it can be undone.
fn facet_values_from(
    counts: &[(String, u64)],
    facet: FacetField,
    filters: &Filters,
) -> Vec<FacetValue> {
    let selected = match facet {
        FacetField::Region => filters.region.clone(),
        FacetField::Year => filters.year.map(|year| year.to_string()),
        FacetField::Topic => filters.topic.clone(),
    };
    let mut values: Vec<FacetValue> = counts
        .iter()
        .map(|(value, count)| FacetValue {
            selected: selected
                .as_deref()
                .is_some_and(|chosen| chosen.trim().to_lowercase() == value.to_lowercase()),
            value: value.clone(),
            count: *count,
        })
        .collect();
    match facet {
        FacetField::Year => values.sort_by(|a, b| b.value.cmp(&a.value)),
        _ => values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value))),
    }
    if let Some(chosen) = selected
        && !values.iter().any(|value| value.selected)
    {
        values.insert(
            0,
            FacetValue {
                value: chosen,
                count: 0,
                selected: true,
            },
        );
    }
    values
}

/// The text queries of a search (see [`Engine::text_queries`]) and the synonyms they use.
struct TextQueries {
    /// Every word required; `None` when there is no text (list everything).
    strict: Option<Box<dyn Query>>,
    /// Hits with some of the words after those with all of them.
    widened: Option<Box<dyn Query>>,
    synonyms: Vec<SynonymUse>,
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

/// What the main pass collects and in which order.
#[derive(Debug, Clone, Copy)]
struct PassShape {
    /// Hits ranked (the page, or more when groups are collapsed).
    window: usize,
    /// Hits skipped before the window.
    offset: usize,
    sort: Sort,
    /// Count each group of recurring recommendations once.
    collapse: bool,
}

/// The outcome of [`Engine::run_passes`].
struct Passes {
    fruit: pass::MainPassFruit,
    /// The text query whose hits these are.
    text_query: Option<Box<dyn Query>>,
    /// Whether they are the widened query's.
    relaxed: bool,
}

/// The filters read from the query's words that are in force: the user set none of that kind.
fn inferred_in_force(understood: &Understood, request: &SearchRequest) -> Vec<InferredFilter> {
    let set = |value: &Option<String>| value.as_ref().is_some_and(|v| !v.trim().is_empty());
    let mut kinds: Vec<InferredFilter> = understood
        .inferred
        .iter()
        .map(|inferred| inferred.filter)
        .filter(|kind| match kind {
            InferredFilter::Year => request.year.is_none(),
            InferredFilter::Region => !set(&request.region),
            InferredFilter::Municipality => !set(&request.municipality),
        })
        .collect();
    kinds.dedup();
    kinds
}

impl Filters {
    /// Takes an inferred filter off, saying what it was.
    fn drop_inferred(&mut self, kind: InferredFilter) -> DroppedFilter {
        match kind {
            InferredFilter::Year => {
                let value = match (self.year, self.year_to) {
                    (Some(year), Some(to)) => format!("{year}–{to}"),
                    (Some(year), None) => year.to_string(),
                    _ => String::new(),
                };
                self.year = None;
                self.year_to = None;
                DroppedFilter {
                    kind: FilterKind::Year,
                    value,
                }
            }
            InferredFilter::Region => DroppedFilter {
                kind: FilterKind::Region,
                value: self.region.take().unwrap_or_default(),
            },
            InferredFilter::Municipality => DroppedFilter {
                kind: FilterKind::Municipality,
                value: self.municipality.take().unwrap_or_default(),
            },
        }
    }
}

/// The filters of a search.
#[derive(Debug, Clone, Default)]
struct Filters {
    region: Option<String>,
    municipality: Option<String>,
    year: Option<i32>,
    year_to: Option<i32>,
    topic: Option<String>,
    addressee: Option<String>,
    topic_boost: Option<String>,
    level: Level,
    /// Id of a group of recurring recommendations.
    group: Option<u64>,
}

/// Hits read per page slot when groups are collapsed (most groups then fit in one pass).
const COLLAPSE_OVERFETCH: usize = 8;

/// Counts the hits with each group counted once.
struct DistinctGroups<'a> {
    doc_groups: &'a [Arc<[u32]>],
    groups: usize,
}

/// [`DistinctGroups`] over one segment.
struct DistinctGroupsSegment {
    doc_groups: Arc<[u32]>,
    seen: Vec<u64>,
    ungrouped: usize,
}

impl Collector for DistinctGroups<'_> {
    type Fruit = usize;
    type Child = DistinctGroupsSegment;

    fn for_segment(
        &self,
        segment_ord: u32,
        _segment: &SegmentReader,
    ) -> tantivy::Result<DistinctGroupsSegment> {
        Ok(DistinctGroupsSegment {
            doc_groups: self
                .doc_groups
                .get(segment_ord as usize)
                .cloned()
                .unwrap_or_else(|| Arc::from(Vec::new())),
            seen: vec![0; self.groups.div_ceil(64)],
            ungrouped: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<u64>, usize)>) -> tantivy::Result<usize> {
        let mut seen = vec![0u64; self.groups.div_ceil(64)];
        let mut ungrouped = 0;
        for (segment_seen, segment_ungrouped) in fruits {
            for (all, segment) in seen.iter_mut().zip(segment_seen) {
                *all |= segment;
            }
            ungrouped += segment_ungrouped;
        }
        let grouped: u32 = seen.iter().map(|word| word.count_ones()).sum();
        Ok(ungrouped + grouped as usize)
    }
}

impl tantivy::collector::SegmentCollector for DistinctGroupsSegment {
    type Fruit = (Vec<u64>, usize);

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        match self.doc_groups.get(doc as usize) {
            Some(&group) if group != NO_GROUP => {
                self.seen[group as usize / 64] |= 1 << (group % 64);
            }
            _ => self.ungrouped += 1,
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.seen, self.ungrouped)
    }
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

impl Filters {
    /// Whether the filter of this facet's own field is set.
    fn filters(&self, facet: FacetField) -> bool {
        match facet {
            FacetField::Region => self.region.is_some(),
            FacetField::Year => self.year.is_some(),
            FacetField::Topic => self.topic.is_some(),
        }
    }
}

fn synonym_uses(expansions: Vec<edusearch_russian::Expansion>) -> Vec<SynonymUse> {
    expansions
        .into_iter()
        .map(|expansion| SynonymUse {
            matched: expansion.matched,
            alternatives: expansion.alternatives,
        })
        .collect()
}

/// A parsed union of words with [`plan::minimum_should_match`] of its optional clauses
/// required (a word, in whichever field, is one clause; a synonym group is one).
fn with_minimum_should_match(parsed: Box<dyn Query>) -> Box<dyn Query> {
    let Some(union) = parsed.downcast_ref::<BooleanQuery>() else {
        return parsed;
    };
    let clauses: Vec<(Occur, Box<dyn Query>)> = union
        .clauses()
        .iter()
        .filter(|(_, clause)| clause.downcast_ref::<EmptyQuery>().is_none())
        .map(|(occur, clause)| (*occur, clause.box_clone()))
        .collect();
    let optional = clauses
        .iter()
        .filter(|(occur, _)| *occur == Occur::Should)
        .count();
    let mut query = BooleanQuery::new(clauses);
    query.set_minimum_number_should_match(plan::minimum_should_match(optional));
    Box::new(query)
}

/// The query text for the parser: sanitized, compounds in both spellings, synonyms as their
/// keys. A word of a synonym group is asked for by its key (written by the index for every
/// form of every term of the group) and, for its derived forms, in the root field.
fn expand_synonyms(text: &str) -> (String, Vec<edusearch_russian::Expansion>) {
    Synonyms::builtin().expand_with(&with_compound_spellings(&sanitize(text)), |word, key| {
        format!("({}:{word} OR {key})", edusearch_indexer::fields::TEXT_ROOT)
    })
}

/// Writes each hyphenated compound of a sanitized query as `("a b" OR ab)`, so
/// «естественно-научный», «естественно научный» and «естественнонаучный» meet.
fn with_compound_spellings(query: &str) -> String {
    query
        .split(' ')
        .map(|part| {
            let pieces: Vec<&str> = part.split('\u{2011}').collect();
            if pieces.len() == 2
                && pieces
                    .iter()
                    .all(|piece| !piece.is_empty() && piece.chars().all(char::is_alphabetic))
            {
                format!(
                    "(\"{} {}\" OR {}{})",
                    pieces[0], pieces[1], pieces[0], pieces[1]
                )
            } else {
                part.replace('\u{2011}', " ")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Keeps letters, digits, quotes and the `-` exclusion; other syntax is not for end users.
fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for part in text.split_whitespace() {
        let excluded =
            part.starts_with('-') && part.chars().nth(1).is_some_and(char::is_alphanumeric);
        let cleaned: String = part
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '"' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        let cleaned = cleaned.trim();
        if cleaned.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if excluded {
            out.push('-');
        }
        out.push_str(cleaned);
    }
    // An odd number of quotes would leave a phrase open: drop the last one.
    if !out.matches('"').count().is_multiple_of(2)
        && let Some(last) = out.rfind('"')
    {
        out.replace_range(last..last + 1, " ");
    }
    out
}

/// The text as HTML with the query's words in `<mark>`: the whole text when it fits in
/// `max_chars`, else the best fragment with `…` where it is cut.
fn highlight(snippets: &[SnippetGenerator], text: &str, max_chars: usize) -> String {
    let fits = text.chars().count() <= max_chars;
    let mut window: Option<std::ops::Range<usize>> = None;
    let mut marks: Vec<std::ops::Range<usize>> = Vec::new();
    for generator in snippets {
        let snippet = generator.snippet(text);
        if snippet.is_empty() {
            continue;
        }
        let fragment = snippet.fragment_range();
        window.get_or_insert_with(|| fragment.clone());
        marks.extend(
            snippet
                .highlighted()
                .iter()
                .map(|range| fragment.start + range.start..fragment.start + range.end),
        );
    }
    let Some(window) = window else {
        return escape_html(&truncate_chars(text, max_chars));
    };
    let (start, end) = if fits {
        (0, text.len())
    } else {
        (window.start, window.end)
    };
    marks.sort_by_key(|range| (range.start, std::cmp::Reverse(range.end)));
    let mut html = String::with_capacity(text.len() + 32);
    if start > 0 {
        html.push('…');
    }
    let mut cursor = start;
    for range in marks {
        if range.start < cursor
            || range.end > end
            || !text.is_char_boundary(range.start)
            || !text.is_char_boundary(range.end)
        {
            continue;
        }
        html.push_str(&escape_html(&text[cursor..range.start]));
        html.push_str("<mark>");
        html.push_str(&escape_html(&text[range.clone()]));
        html.push_str("</mark>");
        cursor = range.end;
    }
    html.push_str(&escape_html(&text[cursor..end]));
    if end < text.len() {
        html.push('…');
    }
    html
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_string(),
    }
}

/// The last path segment of an encoded facet.
fn facet_leaf(encoded: &str) -> Option<String> {
    // Encoded facets separate their segments with NUL bytes.
    encoded
        .rsplit('\u{0}')
        .next()
        .filter(|leaf| !leaf.is_empty())
        .map(str::to_string)
}

pub(crate) mod beyond;
mod facet_tables;
mod flatten;
mod level_range;
mod packed;
mod pass;
mod plan;
mod ranking;
pub(crate) mod similar;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod recurrence_tests;

#[cfg(test)]
mod plan_tests;
