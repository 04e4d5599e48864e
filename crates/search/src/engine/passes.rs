//! The passes of a search: the main pass, the widened one when too few hits have every word,
//! and the same without the filters read from the query's words when they leave nothing.

use super::*;

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

/// The outcome of [`Engine::run_passes`].
pub(super) struct Passes {
    pub(super) fruit: pass::MainPassFruit,
    /// The text query whose hits these are.
    pub(super) text_query: Option<Box<dyn Query>>,
    /// Whether they are the widened query's.
    pub(super) relaxed: bool,
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
    pub(super) fn drop_inferred(&mut self, kind: InferredFilter) -> DroppedFilter {
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
