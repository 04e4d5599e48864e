//! The search engine over an opened index.

use std::path::PathBuf;
use std::time::Instant;

use edusearch_indexer::{
    DocKind, IndexRoot, IndexSchema, REGION_ROOT, TOPIC_ROOT, YEAR_ROOT, addressee_key, open_index,
    region_facet, resolution_from_doc, topic_facet, year_facet,
};
use edusearch_resolution::Resolution;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, Index, IndexReader, ReloadPolicy, Searcher, SegmentReader, TantivyDocument, Term,
};

use crate::SearchError;
use crate::api::{
    FacetCounts, FacetValue, Hit, Level, SearchRequest, SearchResponse, Sort, Stats,
    UnderstoodQuery,
};
use crate::html::escape_html;
use crate::understand::understand;

/// Field weights of the text query: the item text counts most, then who it is addressed to,
/// its topics, and the resolution's event and title (shared by all items of a resolution).
const FIELD_BOOSTS: &[(&str, f32)] = &[
    (edusearch_indexer::fields::TEXT, 1.0),
    (edusearch_indexer::fields::TEXT_EXACT, 0.3),
    (edusearch_indexer::fields::ADDRESSEE, 0.6),
    (edusearch_indexer::fields::TOPICS_TEXT, 0.5),
    (edusearch_indexer::fields::EVENT, 0.4),
    (edusearch_indexer::fields::TITLE, 0.3),
    (edusearch_indexer::fields::PLACE_TEXT, 0.3),
];

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
}

impl Engine {
    /// Opens the live index of an index root.
    pub fn open(root: &IndexRoot) -> Result<Self, SearchError> {
        let generation = root.current()?;
        let (index, schema) = open_index(root)?;
        let mut engine = Self::from_index(index, schema)?;
        engine.generation = generation;
        Ok(engine)
    }

    /// Wraps an already opened index.
    pub fn from_index(index: Index, schema: IndexSchema) -> Result<Self, SearchError> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            schema,
            generation: None,
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

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse, SearchError> {
        let started = Instant::now();
        request.validate()?;
        let searcher = self.reader.searcher();
        let understood = understand(&request.q);
        let year = request.year.or(understood.year);
        let filters = Filters {
            region: request
                .region
                .clone()
                .filter(|value| !value.trim().is_empty()),
            year,
            topic: request
                .topic
                .clone()
                .filter(|value| !value.trim().is_empty()),
            addressee: request
                .addressee
                .clone()
                .filter(|value| !value.trim().is_empty()),
            level: request.level,
        };

        let mut relaxed = false;
        let mut text_query = self.text_query(&understood.text, true);
        let mut full_query = self.with_filters(text_query.as_ref(), &filters, None);
        let mut total = searcher.search(full_query.as_ref(), &Count)?;
        if total == 0 && understood.text.split_whitespace().count() > 1 {
            // No hit has every word: show hits with some of them, and say so.
            relaxed = true;
            text_query = self.text_query(&understood.text, false);
            full_query = self.with_filters(text_query.as_ref(), &filters, None);
            total = searcher.search(full_query.as_ref(), &Count)?;
        }

        let offset = (request.page - 1) * request.per_page;
        let addresses = self.top_docs(&searcher, full_query.as_ref(), request, offset)?;
        let snippets = match text_query.as_ref() {
            Some(query) => {
                let mut generator = SnippetGenerator::create(&searcher, query, self.schema.text)?;
                generator.set_max_num_chars(match request.level {
                    Level::Items => ITEM_SNIPPET_CHARS,
                    Level::Resolutions => RESOLUTION_SNIPPET_CHARS,
                });
                Some(generator)
            }
            None => None,
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let document: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(&document, score, request.level, snippets.as_ref()));
        }

        let facets = FacetCounts {
            region: self.facet_values(
                &searcher,
                text_query.as_ref(),
                &filters,
                FacetField::Region,
            )?,
            year: self.facet_values(&searcher, text_query.as_ref(), &filters, FacetField::Year)?,
            topic: self.facet_values(
                &searcher,
                text_query.as_ref(),
                &filters,
                FacetField::Topic,
            )?,
        };

        Ok(SearchResponse {
            query: UnderstoodQuery {
                raw: request.q.clone(),
                text: understood.text,
                year_from_query: understood.year.filter(|_| request.year.is_none()),
                region: filters.region,
                year: filters.year,
                topic: filters.topic,
                addressee: filters.addressee,
                level: request.level,
                sort: request.sort,
                relaxed,
            },
            total,
            page: request.page,
            per_page: request.per_page,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets,
        })
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
        resolution_from_doc(&self.schema, &document)
            .ok_or_else(|| SearchError::NotFound(id.to_string()))
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

    /// The text part of a query, or `None` when there is no text (list everything).
    fn text_query(&self, text: &str, conjunction: bool) -> Option<Box<dyn Query>> {
        if !text.chars().any(char::is_alphanumeric) {
            return None;
        }
        let schema = &self.index.schema();
        let fields: Vec<Field> = FIELD_BOOSTS
            .iter()
            .filter_map(|(name, _)| schema.get_field(name).ok())
            .collect();
        let mut parser = QueryParser::for_index(&self.index, fields);
        for (name, boost) in FIELD_BOOSTS {
            if let Ok(field) = schema.get_field(name) {
                parser.set_field_boost(field, *boost);
            }
        }
        if conjunction {
            parser.set_conjunction_by_default();
        }
        // Lenient: unbalanced quotes or stray operators never fail a search.
        let (query, errors) = parser.parse_query_lenient(&sanitize(text));
        if !errors.is_empty() {
            tracing::debug!(?errors, text, "query parsed leniently");
        }
        Some(query)
    }

    /// The text query (or all documents) with the filters; `except` leaves one facet out.
    fn with_filters(
        &self,
        text_query: Option<&Box<dyn Query>>,
        filters: &Filters,
        except: Option<FacetField>,
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match text_query {
            Some(query) => clauses.push((Occur::Must, query.box_clone())),
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        let kind = match filters.level {
            Level::Items => DocKind::Item,
            Level::Resolutions => DocKind::Resolution,
        };
        let mut filter_terms = vec![Term::from_field_text(self.schema.kind, kind.as_str())];
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
        if let Some(year) = filters.year.filter(|_| except != Some(FacetField::Year)) {
            filter_terms.push(Term::from_facet(self.schema.year, &year_facet(year)));
        }
        if let Some(topic) = filters
            .topic
            .as_deref()
            .filter(|_| except != Some(FacetField::Topic))
        {
            let name = edusearch_resolution::topics::Taxonomy::builtin()
                .find(topic)
                .map_or_else(|| topic.trim().to_string(), |found| found.name.clone());
            filter_terms.push(Term::from_facet(self.schema.topic, &topic_facet(&name)));
        }
        if let Some(addressee) = &filters.addressee {
            filter_terms.push(Term::from_field_text(
                self.schema.addressee_key,
                &addressee_key(addressee),
            ));
        }
        for term in filter_terms {
            // Filters narrow the hits without changing their scores.
            let filter = TermQuery::new(term, IndexRecordOption::Basic);
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(filter), 0.0)),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    fn top_docs(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        request: &SearchRequest,
        offset: usize,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        let collector = TopDocs::with_limit(request.per_page).and_offset(offset);
        let by_date = request.sort == Sort::Date;
        let ranked = searcher.search(
            query,
            &collector.tweak_score(move |segment: &SegmentReader| {
                let dates = segment
                    .fast_fields()
                    .i64(edusearch_indexer::fields::DATE_ORD)
                    .map(|column| column.first_or_default_col(0))
                    .ok();
                let positions = segment
                    .fast_fields()
                    .u64(edusearch_indexer::fields::ITEM_POSITION)
                    .map(|column| column.first_or_default_col(0))
                    .ok();
                move |doc, score| {
                    let date = dates.as_ref().map_or(0, |column| column.get_val(doc));
                    // Earlier items of one resolution first: negate the position.
                    let position = positions.as_ref().map_or(0, |column| column.get_val(doc));
                    let order = -(position as i64);
                    if by_date {
                        (date as f64, f64::from(score), order)
                    } else {
                        (f64::from(score), date as f64, order)
                    }
                }
            }),
        )?;
        Ok(ranked
            .into_iter()
            .map(|((first, second, _), address)| {
                let score = if by_date { second } else { first };
                (score as f32, address)
            })
            .collect())
    }

    fn hit(
        &self,
        document: &TantivyDocument,
        score: f32,
        level: Level,
        snippets: Option<&SnippetGenerator>,
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
        }
    }

    fn facet_values(
        &self,
        searcher: &Searcher,
        text_query: Option<&Box<dyn Query>>,
        filters: &Filters,
        facet: FacetField,
    ) -> Result<Vec<FacetValue>, SearchError> {
        let query = self.with_filters(text_query, filters, Some(facet));
        let (field_name, root) = match facet {
            FacetField::Region => (edusearch_indexer::fields::REGION, REGION_ROOT),
            FacetField::Year => (edusearch_indexer::fields::YEAR, YEAR_ROOT),
            FacetField::Topic => (edusearch_indexer::fields::TOPIC, TOPIC_ROOT),
        };
        let mut collector = FacetCollector::for_field(field_name);
        collector.add_facet(root);
        let counts = searcher.search(query.as_ref(), &collector)?;
        let selected = match facet {
            FacetField::Region => filters.region.clone(),
            FacetField::Year => filters.year.map(|year| year.to_string()),
            FacetField::Topic => filters.topic.clone(),
        };
        let mut values: Vec<FacetValue> = counts
            .get(root)
            .filter_map(|(facet_value, count)| {
                let value = facet_value.to_path().last()?.to_string();
                Some(FacetValue {
                    selected: selected.as_deref().is_some_and(|chosen| {
                        chosen.trim().eq_ignore_ascii_case(&value)
                            || chosen.trim().to_lowercase() == value.to_lowercase()
                    }),
                    value,
                    count,
                })
            })
            .collect();
        match facet {
            FacetField::Year => values.sort_by(|a, b| b.value.cmp(&a.value)),
            _ => values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value))),
        }
        // A chosen value with no hits still shows, so it can be undone.
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
        Ok(values)
    }
}

/// The filters of a search.
#[derive(Debug, Clone, Default)]
struct Filters {
    region: Option<String>,
    year: Option<i32>,
    topic: Option<String>,
    addressee: Option<String>,
    level: Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FacetField {
    Region,
    Year,
    Topic,
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
    if out.matches('"').count() % 2 == 1
        && let Some(last) = out.rfind('"')
    {
        out.replace_range(last..last + 1, " ");
    }
    out
}

fn highlight(snippets: Option<&SnippetGenerator>, text: &str, max_chars: usize) -> String {
    if let Some(generator) = snippets {
        let mut snippet = generator.snippet(text);
        if !snippet.is_empty() {
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            let fragment = snippet.fragment();
            let mut html = snippet.to_html();
            // Mark where the fragment cuts the text.
            if !text.starts_with(fragment.trim_start()) {
                html.insert(0, '…');
            }
            if !text.trim_end().ends_with(fragment.trim_end()) {
                html.push('…');
            }
            return html;
        }
    }
    escape_html(&truncate_chars(text, max_chars))
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

#[cfg(test)]
mod tests;
