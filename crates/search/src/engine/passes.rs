//! The passes of a search: the main pass, the widened one when too few hits have every word,
//! and the same without the filters read from the query's words when they leave nothing.

use tantivy::Searcher;
use tantivy::query::Query;

use super::collapse::{COLLAPSE_OVERFETCH, DistinctGroups};
use super::plan::{Filters, Plan};
use super::{Engine, FacetField, Pipeline, TOPIC_BOOST, pass};
use crate::SearchError;
use crate::api::{DroppedFilter, FilterKind, Level, SearchRequest, Sort};
use crate::understand::{InferredFilter, Understood};

impl Engine {
    /// The passes of a planned search, taking its text queries. Filters read from the query's
    /// words give way when they alone leave nothing while the words match elsewhere
    /// («профориентация 2015» with nothing of 2015); those the user set stay.
    pub(super) fn passes(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        pipeline: Pipeline,
        plan: &mut Plan,
        shape: PassShape,
    ) -> Result<Passes, SearchError> {
        let strict = plan.queries.strict.take();
        let widened = plan.queries.widened.take();
        let passes = self.run_passes(searcher, &plan.filters, strict, widened, shape)?;
        if pipeline != Pipeline::Full || passes.fruit.total > 0 {
            return Ok(passes);
        }
        let wider = self.without_inferred(searcher, request, pipeline, plan, shape)?;
        Ok(wider.unwrap_or(passes))
    }

    /// The passes again without the filters read from the query's words, when some are in
    /// force and the words then match; the plan takes their filters and synonyms.
    fn without_inferred(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        pipeline: Pipeline,
        plan: &mut Plan,
        shape: PassShape,
    ) -> Result<Option<Passes>, SearchError> {
        let inferred = inferred_in_force(&plan.understood, request);
        if inferred.is_empty() {
            return Ok(None);
        }
        let mut unfiltered = plan.filters.clone();
        let dropped_filters: Vec<DroppedFilter> = inferred
            .iter()
            .map(|kind| unfiltered.drop_inferred(*kind))
            .collect();
        let queries = self.text_queries(&plan.understood.text, pipeline, plan.question);
        if queries.strict.is_none() {
            return Ok(None);
        }
        let wider = self.run_passes(
            searcher,
            &unfiltered,
            queries.strict,
            queries.widened,
            shape,
        )?;
        if wider.fruit.total == 0 {
            return Ok(None);
        }
        plan.filters = unfiltered;
        plan.queries.synonyms = queries.synonyms;
        Ok(Some(Passes {
            dropped_filters,
            ..wider
        }))
    }
}

impl Engine {
    /// The main pass of a search with the text query `strict`, and again with `widened` when
    /// it finds fewer than [`RELAX_BELOW`] hits and the widened query finds more.
    ///
    /// One pass collects the total, the page of hits and the facets whose own filter is not
    /// set (their query is the main one). With text, one facet filter is checked in the pass,
    /// which then also counts that facet; any other facet with a filter set needs a pass of
    /// its own.
    pub(super) fn run_passes(
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
                    ranking: self.ranking(shape.window, shape.offset, shape.sort),
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
                self.collect(searcher, query.as_ref(), &collector)
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
            dropped_filters: Vec::new(),
        })
    }
}

/// With fewer hits than this having every word, hits with some of the words are added.
pub(super) const RELAX_BELOW: usize = 10;

/// What the main pass collects and in which order.
#[derive(Debug, Clone, Copy)]
pub(super) struct PassShape {
    /// Hits ranked (the page, or more when groups are collapsed).
    pub(super) window: usize,
    /// Hits skipped before the window.
    pub(super) offset: usize,
    pub(super) sort: Sort,
    /// Count each group of recurring recommendations once.
    pub(super) collapse: bool,
}

impl PassShape {
    /// The shape of a request's page: with groups collapsed, more than the page is ranked
    /// from the first hit on.
    pub(super) fn of(request: &SearchRequest) -> Self {
        let offset = (request.page - 1) * request.per_page;
        let collapse = request.collapse && request.level == Level::Items;
        let window = if collapse {
            (offset + request.per_page) * COLLAPSE_OVERFETCH + 64
        } else {
            request.per_page
        };
        PassShape {
            window,
            offset: if collapse { 0 } else { offset },
            sort: request.sort,
            collapse,
        }
    }
}

/// The outcome of [`Engine::run_passes`].
pub(super) struct Passes {
    pub(super) fruit: pass::MainPassFruit,
    /// The text query whose hits these are.
    pub(super) text_query: Option<Box<dyn Query>>,
    /// Whether they are the widened query's.
    pub(super) relaxed: bool,
    /// The filters read from the query's words that gave way.
    pub(super) dropped_filters: Vec<DroppedFilter>,
}

/// The filters read from the query's words that are in force: the user set none of that kind.
pub(super) fn inferred_in_force(
    understood: &Understood,
    request: &SearchRequest,
) -> Vec<InferredFilter> {
    let set = |value: &Option<String>| value.as_ref().is_some_and(|v| !v.trim().is_empty());
    let mut kinds: Vec<InferredFilter> = understood
        .inferred
        .iter()
        .map(|inferred| inferred.filter)
        .filter(|kind| match kind {
            InferredFilter::Year => request.filters.year.is_none(),
            InferredFilter::Region => !set(&request.filters.region),
            InferredFilter::Municipality => !set(&request.filters.municipality),
        })
        .collect();
    kinds.dedup();
    kinds
}

impl Filters {
    /// Takes an inferred filter off, saying what it was.
    pub(super) fn drop_inferred(&mut self, kind: InferredFilter) -> DroppedFilter {
        match kind {
            InferredFilter::Year => {
                let filters = &mut self.in_force;
                let value = match (filters.year, filters.year_to) {
                    (Some(year), Some(to)) => format!("{year}–{to}"),
                    (Some(year), None) => year.to_string(),
                    _ => String::new(),
                };
                filters.year = None;
                filters.year_to = None;
                DroppedFilter {
                    kind: FilterKind::Year,
                    value,
                }
            }
            InferredFilter::Region => DroppedFilter {
                kind: FilterKind::Region,
                value: self.in_force.region.take().unwrap_or_default(),
            },
            InferredFilter::Municipality => DroppedFilter {
                kind: FilterKind::Municipality,
                value: self.in_force.municipality.take().unwrap_or_default(),
            },
        }
    }
}
