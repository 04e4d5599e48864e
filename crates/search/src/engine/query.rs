//! The tantivy queries of a search: the text queries (every word, enough of them, any of them;
//! synonyms and compound spellings), and the filters around them.

use std::ops::Bound;
use std::sync::Arc;

use edusearch_indexer::{DocKind, addressee_key, place_key, region_facet, topic_facet, year_facet};
use edusearch_russian::Synonyms;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, Query, QueryParser,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::plan::{self, Filters, Matching};
use super::{Engine, FacetField, Pipeline, TOPIC_BOOST, flatten, level_range, pass};
use crate::SearchFilters;
use crate::api::{Level, SynonymUse};

impl Engine {
    pub(super) fn term(&self, field: Field, value: &str) -> Box<dyn Query> {
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
    pub(super) fn text_query(
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
    /// with all of them, tried when the first finds fewer than
    /// [`RELAX_BELOW`](super::passes::RELAX_BELOW) hits (as a
    /// methodologist's «воспитательная работа» should also find «воспитательную систему»).
    /// A question or a description (see [`plan`]) needs only enough of its words, ranked by
    /// BM25 alone; its widened query is any of them.
    pub(super) fn text_queries(
        &self,
        text: &str,
        pipeline: Pipeline,
        question: bool,
    ) -> TextQueries {
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
    pub(super) fn any_word_query(&self, text: &str) -> Option<Box<dyn Query>> {
        let (expanded, _) = expand_synonyms(text);
        let fields: Vec<&str> = FIELD_BOOSTS.iter().map(|(name, _)| *name).collect();
        self.parse(&expanded, &fields, Matching::Any)
    }

    pub(super) fn parse(
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
        if let Some(flat) = flatten::flatten(parsed.as_ref(), &boost_of, Some(&self.dense_words)) {
            return Some(flat);
        }
        // A kind of query the flattening does not know: the parser's own boosts.
        for (field, boost) in &boosts {
            parser.set_field_boost(*field, *boost);
        }
        Some(parser.parse_query_lenient(query).0)
    }

    /// The text query (or all documents) with the filters; `except` leaves one facet out.
    pub(super) fn with_filters(
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
    pub(super) fn pass_query(
        &self,
        text_query: Option<&dyn Query>,
        filters: &Filters,
        in_pass: Option<FacetField>,
    ) -> Box<dyn Query> {
        self.filtered(text_query, filters, in_pass, true)
    }

    /// The filter of a facet as [`pass::MainPass`] checks it: the accepted value ids.
    pub(super) fn facet_filter(
        &self,
        facet: FacetField,
        filters: &Filters,
    ) -> pass::FacetFilter<'_> {
        let table = self.facet_tables[facet as usize].as_ref();
        let accepted = match facet {
            FacetField::Region => {
                let region = filters
                    .in_force
                    .region
                    .as_deref()
                    .unwrap_or_default()
                    .trim();
                table.accepting(|name| name == region)
            }
            FacetField::Year => {
                let from = filters.in_force.year.unwrap_or_default();
                let to = filters.in_force.year_to.unwrap_or(from);
                table.accepting(|name| {
                    name.parse::<i32>()
                        .is_ok_and(|year| (from..=to).contains(&year))
                })
            }
            FacetField::Topic => {
                let name = self.topic_name(filters.in_force.topic.as_deref().unwrap_or_default());
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
    pub(super) fn topic_name(&self, topic: &str) -> String {
        edusearch_resolution::topics::Taxonomy::builtin()
            .find(topic)
            .map_or_else(|| topic.trim().to_string(), |found| found.name.clone())
    }

    /// The text query (or all documents) with the filters but the facet `except`, read over
    /// its level's documents; `for_pass` leaves out what [`pass::MainPass`] checks itself.
    pub(super) fn filtered(
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
        for filter in self.filter_queries(filters, except, filter_terms) {
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
        self.within_level(query, filters.level)
    }

    /// The filters' queries, after the `filter_terms` already required; `except` leaves one facet out.
    fn filter_queries(
        &self,
        filters: &Filters,
        except: Option<FacetField>,
        mut filter_terms: Vec<Term>,
    ) -> Vec<Box<dyn Query>> {
        // Every filter, named: a filter added to `SearchFilters` does not compile until it
        // has its clause here.
        let SearchFilters {
            region,
            year,
            year_to,
            municipality,
            topic,
            addressee,
            event_kind,
        } = &filters.in_force;
        if let Some(region) = region
            .as_deref()
            .filter(|_| except != Some(FacetField::Region))
        {
            filter_terms.push(Term::from_facet(
                self.schema.region,
                &region_facet(region.trim()),
            ));
        }
        let mut range_filter: Option<Box<dyn Query>> = None;
        if let Some(year) = year.filter(|_| except != Some(FacetField::Year)) {
            match year_to {
                Some(year_to) => {
                    let bound = |year: i32| {
                        Term::from_field_u64(
                            self.schema.year_num,
                            u64::try_from(year).unwrap_or_default(),
                        )
                    };
                    range_filter = Some(Box::new(RangeQuery::new(
                        Bound::Included(bound(year)),
                        Bound::Included(bound(*year_to)),
                    )));
                }
                None => filter_terms.push(Term::from_facet(self.schema.year, &year_facet(year))),
            }
        }
        if let Some(municipality) = municipality {
            filter_terms.push(Term::from_field_text(
                self.schema.place_key,
                &place_key(municipality),
            ));
        }
        if let Some(topic) = topic
            .as_deref()
            .filter(|_| except != Some(FacetField::Topic))
        {
            let name = self.topic_name(topic);
            filter_terms.push(Term::from_facet(self.schema.topic, &topic_facet(&name)));
        }
        if let Some(addressee) = addressee {
            filter_terms.push(Term::from_field_text(
                self.schema.addressee_key,
                &addressee_key(addressee),
            ));
        }
        if let Some(kind) = event_kind {
            filter_terms.push(Term::from_field_text(self.schema.event_kind, kind.id()));
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
        filter_queries
    }

    /// A query read only over its level's documents, where the segment holds its items first.
    fn within_level(&self, query: Box<dyn Query>, level: Level) -> Box<dyn Query> {
        let ranges = match level {
            Level::Items => &self.level_ranges[0],
            Level::Resolutions => &self.level_ranges[1],
        };
        // Every pass reads only its level's range (the exclusion of resolution documents in
        // `filtered` stays, for segments that mix the levels).
        if ranges.is_empty() {
            return query;
        }
        Box::new(level_range::LevelRange {
            inner: query,
            ranges: Arc::clone(ranges),
        })
    }
}

/// Field weights of the text query: the item text counts most, then who it is addressed to,
/// its topics, and the resolution's event and title (shared by all items of a resolution).
pub(super) const FIELD_BOOSTS: &[(&str, f32)] = &[
    (edusearch_indexer::fields::TEXT, 1.0),
    (edusearch_indexer::fields::TEXT_ROOT, 0.25),
    (edusearch_indexer::fields::ADDRESSEE, 0.6),
    (edusearch_indexer::fields::TOPICS_TEXT, 0.5),
    (edusearch_indexer::fields::EVENT, 0.4),
    (edusearch_indexer::fields::TITLE, 0.3),
    (edusearch_indexer::fields::PLACE_TEXT, 0.3),
];

/// Boost that keeps hits with every word above hits with some of them.
pub(super) const ALL_WORDS_BOOST: f32 = 10.0;

/// The text queries of a search (see [`Engine::text_queries`]) and the synonyms they use.
pub(super) struct TextQueries {
    /// Every word required; `None` when there is no text (list everything).
    pub(super) strict: Option<Box<dyn Query>>,
    /// Hits with some of the words after those with all of them.
    pub(super) widened: Option<Box<dyn Query>>,
    pub(super) synonyms: Vec<SynonymUse>,
}

pub(super) fn synonym_uses(expansions: Vec<edusearch_russian::Expansion>) -> Vec<SynonymUse> {
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
pub(super) fn with_minimum_should_match(parsed: Box<dyn Query>) -> Box<dyn Query> {
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
pub(super) fn expand_synonyms(text: &str) -> (String, Vec<edusearch_russian::Expansion>) {
    Synonyms::builtin().expand_with(&with_compound_spellings(&sanitize(text)), |word, key| {
        format!("({}:{word} OR {key})", edusearch_indexer::fields::TEXT_ROOT)
    })
}

/// Writes each hyphenated compound of a sanitized query as `("a b" OR ab)`, so
/// «естественно-научный», «естественно научный» and «естественнонаучный» meet.
pub(super) fn with_compound_spellings(query: &str) -> String {
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
pub(super) fn sanitize(text: &str) -> String {
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
