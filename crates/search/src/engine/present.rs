//! Presentation: the hits of a page with their highlighted snippets and recurrence, the facet
//! values, and the response that says how the query was understood.

use std::time::Instant;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::{DocAddress, Searcher};

use super::facet_tables::ValueCounts;
use super::highlight::Highlighter;
use super::passes::{PassShape, Passes};
use super::plan::{Filters, Plan};
use super::stored::StoredFields;
use super::{BROWSE_FACETS_KEPT, Engine, FacetField, lock, pass, ranked_scores};
use crate::SearchError;
use crate::api::{
    DroppedFilter, FacetCounts, FacetValue, Hit, Level, Recurrence, SearchRequest, SearchResponse,
    UnderstoodQuery, group_id_text,
};

impl Engine {
    /// The response to a search from its plan and passes: the page of hits, the facets, the
    /// query as understood.
    pub(super) fn present(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        plan: Plan,
        passes: Passes,
        shape: PassShape,
        started: Instant,
    ) -> Result<SearchResponse, SearchError> {
        let Passes {
            fruit,
            text_query,
            relaxed,
            dropped_filters,
        } = passes;
        let pass::MainPassFruit {
            total: total_matches,
            ranked,
            facets: pass_facets,
            distinct: distinct_total,
        } = fruit;
        let text_query = text_query.as_deref();
        let mut addresses = ranked_scores(ranked, request.sort);
        let total = distinct_total.unwrap_or(total_matches);
        if shape.collapse {
            let offset = (request.page - 1) * request.per_page;
            let full_query = self.with_filters(text_query, &plan.filters, None);
            addresses = self.collapse_groups(
                searcher,
                full_query.as_ref(),
                addresses,
                shape.window,
                total_matches,
                request,
                offset,
            )?;
        }
        let hits = self.hits(searcher, text_query, addresses, request.level)?;
        let facets = self.facets(searcher, text_query, &plan.filters, pass_facets)?;
        Ok(SearchResponse {
            query: understood_query(request, plan, relaxed, dropped_filters, shape.collapse),
            total,
            total_matches,
            page: request.page,
            per_page: request.per_page,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets,
        })
    }

    /// The hits at these addresses, their words highlighted.
    fn hits(
        &self,
        searcher: &Searcher,
        text_query: Option<&dyn Query>,
        addresses: Vec<(f32, DocAddress)>,
        level: Level,
    ) -> Result<Vec<Hit>, SearchError> {
        let marker = Highlighter::of_query(self, searcher, text_query, snippet_chars(level))?;
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            hits.push(self.hit_at(searcher, address, score, level, &marker)?);
        }
        Ok(hits)
    }

    /// The facet values of a search: those the main pass counted, the others by passes of
    /// their own.
    fn facets(
        &self,
        searcher: &Searcher,
        text_query: Option<&dyn Query>,
        filters: &Filters,
        pass_facets: [Option<ValueCounts>; 3],
    ) -> Result<FacetCounts, SearchError> {
        let mut shared_counts: Vec<(FacetField, ValueCounts)> = FacetField::ALL
            .into_iter()
            .zip(pass_facets)
            .filter_map(|(facet, counts)| Some((facet, counts?)))
            .collect();
        let mut facet_of = |facet: FacetField| -> Result<Vec<FacetValue>, SearchError> {
            match shared_counts
                .iter()
                .position(|(shared, _)| *shared == facet)
            {
                Some(index) => {
                    let (_, counts) = shared_counts.swap_remove(index);
                    Ok(facet_values_from(&counts, facet, filters))
                }
                None => self.facet_values(searcher, text_query, filters, facet),
            }
        };
        Ok(FacetCounts {
            region: facet_of(FacetField::Region)?,
            year: facet_of(FacetField::Year)?,
            topic: facet_of(FacetField::Topic)?,
        })
    }
}

/// The query as understood: its text, the filters in force and what set them, how it was
/// corrected and matched.
fn understood_query(
    request: &SearchRequest,
    plan: Plan,
    relaxed: bool,
    dropped_filters: Vec<DroppedFilter>,
    collapse: bool,
) -> UnderstoodQuery {
    let Plan {
        understood,
        correction,
        filters,
        queries,
        ..
    } = plan;
    // What the query's words set and stays in force.
    let given = request.filters.chosen();
    let in_force = &filters.in_force;
    let from_query = |taken: &Option<String>, given: &Option<String>, in_force: bool| {
        taken.clone().filter(|_| given.is_none() && in_force)
    };
    UnderstoodQuery {
        raw: request.q.clone(),
        text: understood.text,
        year_from_query: understood
            .year
            .filter(|_| given.year.is_none() && in_force.year.is_some()),
        year_to_from_query: understood
            .year_to
            .filter(|_| given.year.is_none() && in_force.year.is_some()),
        region_from_query: from_query(&understood.region, &given.region, in_force.region.is_some()),
        municipality_from_query: from_query(
            &understood.municipality,
            &given.municipality,
            in_force.municipality.is_some(),
        ),
        filters: filters.in_force,
        topic_boost: filters.topic_boost,
        synonyms: queries.synonyms,
        correction,
        level: request.level,
        sort: request.sort,
        relaxed,
        dropped_filters,
        group: filters.group.map(group_id_text),
        collapse,
    }
}

impl Engine {
    /// The hit of a document, with how often it recurs.
    pub(crate) fn hit_at(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: f32,
        level: Level,
        marker: &Highlighter,
    ) -> Result<Hit, SearchError> {
        let stored: StoredFields = searcher.doc(address)?;
        let mut hit = self.hit(stored, score, level, marker);
        hit.recurrence = self.recurrence(address);
        Ok(hit)
    }

    /// How often the item at an address recurs, when it is in a group.
    pub(super) fn recurrence(&self, address: DocAddress) -> Option<Recurrence> {
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

    pub(super) fn hit(
        &self,
        mut stored: StoredFields,
        score: f32,
        level: Level,
        marker: &Highlighter,
    ) -> Hit {
        let schema = &self.schema;
        let full_text = stored.take_text(schema.text).unwrap_or_default();
        let highlight = marker.snippet(&full_text);
        let text = match level {
            Level::Items => full_text,
            Level::Resolutions => truncate_chars(&full_text, RESOLUTION_SNIPPET_CHARS),
        };
        let topics = stored.facets(schema.topic).filter_map(facet_leaf).collect();
        let region = stored.facets(schema.region).next().and_then(facet_leaf);
        let year = stored
            .u64(schema.year_num)
            .and_then(|year| i32::try_from(year).ok());
        let item_position = stored
            .u64(schema.item_position)
            .and_then(|position| u32::try_from(position).ok());
        let mut text_of = |field: Field| stored.take_text(field);
        let date = text_of(schema.date);
        Hit {
            score,
            kind: text_of(schema.kind).unwrap_or_default(),
            resolution_id: text_of(schema.resolution_id).unwrap_or_default(),
            item_position,
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

    pub(super) fn facet_values(
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
        let counts = self.collect(searcher, query.as_ref(), &self.facet_counter(facet))?;
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

/// Characters of a resolution body shown in a resolution hit.
pub(super) const RESOLUTION_SNIPPET_CHARS: usize = 320;

/// Characters of an item shown in an item hit (items are short: usually all of it).
pub(super) const ITEM_SNIPPET_CHARS: usize = 1200;

/// Longest snippet of a hit of this level.
pub(super) fn snippet_chars(level: Level) -> usize {
    match level {
        Level::Items => ITEM_SNIPPET_CHARS,
        Level::Resolutions => RESOLUTION_SNIPPET_CHARS,
    }
}

/// Facet values with their counts: years newest first, others by count; the chosen value is
/// marked and kept even with no hits, so it can be undone.
pub(super) fn facet_values_from(
    counts: &[(String, u64)],
    facet: FacetField,
    filters: &Filters,
) -> Vec<FacetValue> {
    let selected = match facet {
        FacetField::Region => filters.in_force.region.clone(),
        FacetField::Year => filters.in_force.year.map(|year| year.to_string()),
        FacetField::Topic => filters.in_force.topic.clone(),
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

pub(super) fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_string(),
    }
}

/// The last path segment of an encoded facet.
pub(super) fn facet_leaf(encoded: &str) -> Option<String> {
    // Encoded facets separate their segments with NUL bytes.
    encoded
        .rsplit('\u{0}')
        .next()
        .filter(|leaf| !leaf.is_empty())
        .map(str::to_string)
}
