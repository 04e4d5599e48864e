//! Similar resolutions and similar recommendation items ([`Engine::similar_resolutions`],
//! [`Engine::similar_items`]).
//!
//! Candidates come from tantivy's [`MoreLikeThisQuery`] over the stemmed `text` field: the
//! source text is analysed by the field's own analyzer (the Russian stem analyzer), its most
//! telling stems (term frequency × idf, numbers and the very common words of the corpus left
//! out) become a disjunction of boosted term queries, restricted to the same level and to other
//! resolutions. Scores of that query are not comparable between sources, so each is divided
//! by the score the source itself gets from the same query: `1.0` is «as close as the source
//! to itself», and a fixed threshold on that ratio keeps unrelated texts out. Items must also
//! share at least [`MIN_SHARED_TERMS`] informative stems, so one rare word in common is not
//! enough. Resolutions sharing topics rank higher (a boosted clause per topic of the source),
//! but topics alone never make a resolution similar: the threshold is on the text part.

use std::collections::HashSet;
use std::time::Instant;

use edusearch_indexer::{DocKind, topic_facet};
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::Engine;
use super::highlight::Highlighter;
use super::stored::StoredFields;
use crate::SearchError;
use crate::api::{Hit, Level};

/// Similar entries returned when no limit is given.
pub const DEFAULT_SIMILAR_LIMIT: usize = 10;
/// Most similar entries one call returns.
pub const MAX_SIMILAR_LIMIT: usize = 50;
/// Longest resolution id accepted (ids are 16 hex digits).
pub const MAX_RESOLUTION_ID_CHARS: usize = 64;

/// Smallest relative score (candidate ÷ the source itself) of a similar item. Read off every
/// item pair of the seed corpus (plus the test resolutions): the same recommendation in other
/// words scores 0.6–1.0 (school meals in two towns 0.68, a reworded career-guidance plan
/// 0.84), items on a neighbouring subject 0.35–0.6, and pairs that only share the wording
/// every resolution uses («обеспечить … в каждой школе», «единые дни») stay below about 0.35;
/// school meals against career guidance scores under 0.2.
const MIN_ITEM_SCORE: f32 = 0.35;
/// Smallest relative text score of a similar resolution. Resolutions are long and share much
/// of their vocabulary, so the bar is lower than for items (in the seed corpus the
/// resolutions on education at large score 0.3–0.8 against each other, a two-item resolution
/// on school meals under 0.1 against them); topics do not count here.
const MIN_RESOLUTION_SCORE: f32 = 0.2;
/// Informative stems a similar item must share with the source (fewer when the source has
/// fewer).
const MIN_SHARED_TERMS: usize = 2;
/// Stems the more-like-this query is made of.
const MAX_QUERY_TERMS: usize = 25;
/// A stem must occur in at least this many documents to be used: the source item and its
/// resolution's body account for two, so a stem found nowhere else cannot match anything
/// and would only inflate the source's own score.
const MIN_DOC_FREQ: u64 = 3;
/// Stems in more than this share of all documents are the corpus's boilerplate («обеспечить»,
/// «образовательных»): they say nothing about what a recommendation is about, and their long
/// posting lists are what makes the query slow.
const MAX_DOC_FREQ_RATIO: f64 = 0.2;
/// The bound above never goes below this many documents (a tiny corpus has no boilerplate
/// statistics to speak of).
const MAX_DOC_FREQ_FLOOR: u64 = 50;
/// Shortest token used, in bytes (one Cyrillic letter is two bytes: drops «г», «с»).
const MIN_WORD_BYTES: usize = 3;
/// Weight of shared topics in a resolution's score, relative to its text score: sharing
/// every topic of the source adds this share of the source's own text score.
const TOPIC_SHARE: f32 = 0.3;
/// Candidates read beyond the limit, so that the thresholds can drop some.
const CANDIDATE_MARGIN: usize = 10;
/// Similar items read per entry wanted, as copies of a recurring recommendation are one entry.
const COPIES_PER_CANDIDATE: usize = 4;

/// A resolution similar to another one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarResolution {
    /// Similarity from 0 to 1: the text's score relative to the source's own, with a bonus
    /// for shared topics.
    pub score: f32,
    /// Id of the resolution.
    pub resolution_id: String,
    /// Title of the resolution.
    pub title: String,
    /// Event name.
    pub event: Option<String>,
    /// Event date, `YYYY-MM-DD` (or shorter).
    pub date: Option<String>,
    /// Year of the event.
    pub year: Option<i32>,
    /// Municipality as shown to users.
    pub municipality: Option<String>,
    /// Region (субъект РФ).
    pub region: Option<String>,
    /// Topics of the resolution.
    pub topics: Vec<String>,
    /// Topics it shares with the source resolution.
    pub shared_topics: Vec<String>,
    /// The start of its text.
    pub snippet: String,
}

/// Resolutions similar to one resolution, most similar first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarResolutions {
    /// Id of the source resolution.
    pub resolution_id: String,
    /// Title of the source resolution.
    pub title: String,
    /// Time taken, in milliseconds.
    pub took_ms: f64,
    /// The similar resolutions (none when nothing is close enough).
    pub similar: Vec<SimilarResolution>,
}

/// A recommendation item similar to another one, from another resolution.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarItem {
    /// Similarity from 0 to 1: the item's score relative to the source item's own.
    pub score: f32,
    /// Id of the item, `{resolution_id}-{position}`.
    pub item_id: String,
    /// Id of its resolution.
    pub resolution_id: String,
    /// 1-based position in its resolution (anchor `#item-N`).
    pub position: u32,
    /// Item number as printed.
    pub number: Option<String>,
    /// Addressee of the item.
    pub addressee: Option<String>,
    /// Plain text of the item.
    pub text: String,
    /// Title of its resolution.
    pub title: String,
    /// Event date, `YYYY-MM-DD` (or shorter).
    pub date: Option<String>,
    /// Year of the event.
    pub year: Option<i32>,
    /// Municipality as shown to users.
    pub municipality: Option<String>,
    /// Region (субъект РФ).
    pub region: Option<String>,
    /// Topics of the item.
    pub topics: Vec<String>,
    /// Topics it shares with the source item.
    pub shared_topics: Vec<String>,
    /// When its wording recurs in other resolutions: how often (one entry stands for the
    /// group).
    pub recurrence: Option<crate::api::Recurrence>,
}

/// Items of other resolutions similar to one item, most similar first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarItems {
    /// Id of the source item, `{resolution_id}-{position}`.
    pub item_id: String,
    /// Id of the source item's resolution.
    pub resolution_id: String,
    /// 1-based position of the source item.
    pub position: u32,
    /// Text of the source item.
    pub text: String,
    /// Time taken, in milliseconds.
    pub took_ms: f64,
    /// The similar items (none when nothing is close enough).
    pub similar: Vec<SimilarItem>,
}

pub use edusearch_indexer::item_id;

/// Splits an item id `{resolution_id}-{position}` («87c393a6a0b7b3af-3»): the resolution id is
/// hex digits, the position a 1-based decimal number.
pub fn parse_item_id(id: &str) -> Result<(String, u32), SearchError> {
    let invalid = || {
        SearchError::invalid(
            crate::ErrorCode::InvalidItemId,
            "Неверный id пункта: нужен id резолюции и номер позиции через дефис, \
             например 87c393a6a0b7b3af-3",
        )
    };
    let (resolution_id, position) = id.rsplit_once('-').ok_or_else(invalid)?;
    if !is_resolution_id(resolution_id)
        || position.is_empty()
        || !position.bytes().all(|byte| byte.is_ascii_digit())
    {
        return Err(invalid());
    }
    let position: u32 = position.parse().map_err(|_| invalid())?;
    if position == 0 {
        return Err(invalid());
    }
    Ok((resolution_id.to_string(), position))
}

/// Checks that a resolution id is one in form: 1 to [`MAX_RESOLUTION_ID_CHARS`] hex digits.
pub fn check_resolution_id(id: &str) -> Result<(), SearchError> {
    if is_resolution_id(id) {
        return Ok(());
    }
    Err(SearchError::invalid(
        crate::ErrorCode::InvalidResolutionId,
        "Неверный id резолюции: ожидаются шестнадцатеричные цифры, например 87c393a6a0b7b3af",
    ))
}

fn is_resolution_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_RESOLUTION_ID_CHARS
        && id.bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// Checks a limit of similar entries: 1 to [`MAX_SIMILAR_LIMIT`].
pub fn check_similar_limit(limit: usize) -> Result<(), SearchError> {
    if (1..=MAX_SIMILAR_LIMIT).contains(&limit) {
        return Ok(());
    }
    Err(SearchError::invalid(
        crate::ErrorCode::LimitOutOfRange,
        format!("limit должен быть от 1 до {MAX_SIMILAR_LIMIT}"),
    ))
}

impl Engine {
    /// Resolutions similar to the resolution `id` in wording and topics, most similar first;
    /// at most `limit` (1 to [`MAX_SIMILAR_LIMIT`]).
    pub fn similar_resolutions(
        &self,
        id: &str,
        limit: usize,
    ) -> Result<SimilarResolutions, SearchError> {
        let started = Instant::now();
        check_resolution_id(id)?;
        check_similar_limit(limit)?;
        let searcher = self.reader.searcher();
        let own = vec![
            self.filter(self.schema.kind, DocKind::Resolution.as_str()),
            self.filter(self.schema.resolution_id, id),
        ];
        let (source, document) = self
            .first_match(&searcher, &own)?
            .ok_or_else(|| SearchError::NotFound(id.to_string()))?;
        let source_hit = self.hit(
            StoredFields::from(&document),
            0.0,
            Level::Resolutions,
            &Highlighter::none(),
        );
        let text = stored_text(&document, self.schema.text);
        let mut answer = SimilarResolutions {
            resolution_id: id.to_string(),
            title: source_hit.title.clone(),
            took_ms: 0.0,
            similar: Vec::new(),
        };
        let more_like_this = self.more_like_this(&searcher, &text);
        let Some(own_score) = self.own_score(&searcher, &more_like_this, &own, source)? else {
            answer.took_ms = elapsed_ms(started);
            return Ok(answer);
        };

        let topics = &source_hit.topics;
        // A shared topic adds a fixed part of the source's own score: sharing all of them is
        // worth `TOPIC_SHARE` of a perfect text match.
        let topic_bonus = own_score * TOPIC_SHARE / topics.len().max(1) as f32;
        let mut clauses = self.others(&more_like_this, DocKind::Resolution, id);
        for topic in topics {
            let term = Term::from_facet(self.schema.topic, &topic_facet(topic));
            let clause = TermQuery::new(term, IndexRecordOption::Basic);
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(clause), topic_bonus)),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let candidates = searcher.search(
            &query,
            &TopDocs::with_limit(limit + CANDIDATE_MARGIN).order_by_score(),
        )?;
        for (score, address) in candidates {
            let document: TantivyDocument = searcher.doc(address)?;
            let hit = self.hit(
                StoredFields::from(&document),
                score,
                Level::Resolutions,
                &Highlighter::none(),
            );
            let shared_topics = shared(topics, &hit.topics);
            let text_score = (score - topic_bonus * shared_topics.len() as f32) / own_score;
            if text_score < MIN_RESOLUTION_SCORE {
                continue;
            }
            let topic_score = shared_topics.len() as f32 / topics.len().max(1) as f32;
            let similarity =
                (text_score.min(1.0) + TOPIC_SHARE * topic_score) / (1.0 + TOPIC_SHARE);
            answer.similar.push(SimilarResolution {
                score: similarity,
                resolution_id: hit.resolution_id,
                title: hit.title,
                event: hit.event,
                date: hit.date,
                year: hit.year,
                municipality: hit.municipality,
                region: hit.region,
                topics: hit.topics,
                shared_topics,
                snippet: hit.text,
            });
        }
        answer.similar.sort_by(|a, b| b.score.total_cmp(&a.score));
        answer.similar.truncate(limit);
        answer.took_ms = elapsed_ms(started);
        Ok(answer)
    }

    /// Items of other resolutions similar to the item at `position` (1-based) of the
    /// resolution `resolution_id`, most similar first; at most `limit` (1 to
    /// [`MAX_SIMILAR_LIMIT`]).
    pub fn similar_items(
        &self,
        resolution_id: &str,
        position: u32,
        limit: usize,
    ) -> Result<SimilarItems, SearchError> {
        let started = Instant::now();
        check_resolution_id(resolution_id)?;
        check_similar_limit(limit)?;
        let source_id = item_id(resolution_id, position);
        let searcher = self.reader.searcher();
        let own = vec![
            self.filter(self.schema.kind, DocKind::Item.as_str()),
            self.filter(self.schema.resolution_id, resolution_id),
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_u64(self.schema.item_position, u64::from(position)),
                    IndexRecordOption::Basic,
                )),
                0.0,
            )),
        ];
        let (source, document) = self
            .first_match(&searcher, &own)?
            .ok_or_else(|| SearchError::NotFound(source_id.clone()))?;
        let source_hit = self.hit(
            StoredFields::from(&document),
            0.0,
            Level::Items,
            &Highlighter::none(),
        );
        let mut answer = SimilarItems {
            item_id: source_id,
            resolution_id: resolution_id.to_string(),
            position,
            text: source_hit.text.clone(),
            took_ms: 0.0,
            similar: Vec::new(),
        };
        let more_like_this = self.more_like_this(&searcher, &source_hit.text);
        let Some(own_score) = self.own_score(&searcher, &more_like_this, &own, source)? else {
            answer.took_ms = elapsed_ms(started);
            return Ok(answer);
        };
        let informative = self.informative_stems(&searcher, &source_hit.text);
        let needed = MIN_SHARED_TERMS.min(informative.len());

        let query = BooleanQuery::new(self.others(&more_like_this, DocKind::Item, resolution_id));
        // Copies of one recurring recommendation count once, so more candidates are read.
        let candidates = searcher.search(
            &query,
            &TopDocs::with_limit((limit + CANDIDATE_MARGIN) * COPIES_PER_CANDIDATE)
                .order_by_score(),
        )?;
        // One item per recurring recommendation: its copies elsewhere are one entry, not many.
        let mut groups_listed = HashSet::new();
        for (score, address) in candidates {
            let relative = score / own_score;
            if relative < MIN_ITEM_SCORE {
                // Candidates come best first: the rest are further below.
                break;
            }
            if let Some(group) = self.group_of(address)
                && !groups_listed.insert(group)
            {
                continue;
            }
            let hit = self.hit_at(
                &searcher,
                address,
                score,
                Level::Items,
                &Highlighter::none(),
            )?;
            let stems = self.stems(&hit.text);
            if informative.intersection(&stems).count() < needed {
                continue;
            }
            answer
                .similar
                .push(similar_item(hit, relative.min(1.0), &source_hit.topics));
            if answer.similar.len() == limit {
                break;
            }
        }
        answer.took_ms = elapsed_ms(started);
        Ok(answer)
    }

    /// The more-like-this query of a text over the stemmed text field.
    fn more_like_this(&self, searcher: &Searcher, text: &str) -> MoreLikeThisQuery {
        // Numbers («2023», «1–4 классов») match across unrelated texts of the same year.
        let words: String = text
            .chars()
            .map(|c| if c.is_ascii_digit() { ' ' } else { c })
            .collect();
        MoreLikeThisQuery::builder()
            .with_min_doc_frequency(MIN_DOC_FREQ)
            .with_max_doc_frequency(max_doc_freq(searcher))
            .with_min_term_frequency(1)
            .with_max_query_terms(MAX_QUERY_TERMS)
            .with_min_word_length(MIN_WORD_BYTES)
            .with_document_fields(vec![(self.schema.text, vec![OwnedValue::Str(words)])])
    }

    /// The score the source document gets from its own more-like-this query; `None` when the
    /// query has no term (nothing in the text is shared with any other document).
    fn own_score(
        &self,
        searcher: &Searcher,
        more_like_this: &MoreLikeThisQuery,
        own: &[Box<dyn Query>],
        source: DocAddress,
    ) -> Result<Option<f32>, SearchError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(more_like_this.clone()))];
        clauses.extend(own.iter().map(|filter| (Occur::Must, filter.box_clone())));
        let found = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        Ok(found
            .into_iter()
            .find(|(_, address)| *address == source)
            .map(|(score, _)| score)
            .filter(|score| *score > 0.0))
    }

    /// The clauses that match the query on one level, in resolutions other than `excluded`.
    fn others(
        &self,
        more_like_this: &MoreLikeThisQuery,
        kind: DocKind,
        excluded: &str,
    ) -> Vec<(Occur, Box<dyn Query>)> {
        vec![
            (Occur::Must, Box::new(more_like_this.clone())),
            (Occur::Must, self.filter(self.schema.kind, kind.as_str())),
            (
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.schema.resolution_id, excluded),
                    IndexRecordOption::Basic,
                )),
            ),
        ]
    }

    /// The first document matching every filter, with its stored fields.
    fn first_match(
        &self,
        searcher: &Searcher,
        filters: &[Box<dyn Query>],
    ) -> Result<Option<(DocAddress, TantivyDocument)>, SearchError> {
        let query = BooleanQuery::new(
            filters
                .iter()
                .map(|filter| (Occur::Must, filter.box_clone()))
                .collect(),
        );
        let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = found.into_iter().next() else {
            return Ok(None);
        };
        Ok(Some((address, searcher.doc(address)?)))
    }

    /// A filter that matches without scoring.
    fn filter(&self, field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
        Box::new(ConstScoreQuery::new(self.term(field, value), 0.0))
    }

    /// The distinct stems of a text, as the text field's analyzer writes them.
    fn stems(&self, text: &str) -> HashSet<String> {
        let mut stems = HashSet::new();
        let Some(mut analyzer) = self.query_analyzer(self.schema.text) else {
            return stems;
        };
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let token = &stream.token().text;
            if token.len() >= MIN_WORD_BYTES && !token.chars().all(|c| c.is_ascii_digit()) {
                stems.insert(token.clone());
            }
        }
        stems
    }

    /// The stems of a text the more-like-this query may use: neither unique to the source nor
    /// the corpus's boilerplate.
    fn informative_stems(&self, searcher: &Searcher, text: &str) -> HashSet<String> {
        let max = max_doc_freq(searcher);
        self.stems(text)
            .into_iter()
            .filter(|stem| {
                let term = Term::from_field_text(self.schema.text, stem);
                searcher
                    .doc_freq(&term)
                    .is_ok_and(|count| (MIN_DOC_FREQ..=max).contains(&count))
            })
            .collect()
    }
}

/// The most documents a stem of the more-like-this query may occur in.
fn max_doc_freq(searcher: &Searcher) -> u64 {
    let ratio = (searcher.num_docs() as f64 * MAX_DOC_FREQ_RATIO) as u64;
    ratio.max(MAX_DOC_FREQ_FLOOR)
}

fn similar_item(hit: Hit, score: f32, source_topics: &[String]) -> SimilarItem {
    let position = hit.item_position.unwrap_or_default();
    SimilarItem {
        score,
        item_id: item_id(&hit.resolution_id, position),
        shared_topics: shared(source_topics, &hit.topics),
        resolution_id: hit.resolution_id,
        position,
        number: hit.item_number,
        addressee: hit.addressee,
        text: hit.text,
        title: hit.title,
        date: hit.date,
        year: hit.year,
        municipality: hit.municipality,
        region: hit.region,
        topics: hit.topics,
        recurrence: hit.recurrence,
    }
}

/// The topics of `theirs` that are also in `ours`, in their order.
fn shared(ours: &[String], theirs: &[String]) -> Vec<String> {
    theirs
        .iter()
        .filter(|topic| ours.contains(topic))
        .cloned()
        .collect()
}

fn stored_text(document: &TantivyDocument, field: tantivy::schema::Field) -> String {
    document
        .get_first(field)
        .and_then(|value| value.as_str())
        .unwrap_or_default()
        .to_string()
}

fn elapsed_ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests;
