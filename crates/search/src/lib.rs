//! Query understanding, ranking, facets and snippets for edusearch.
//!
//! [`Engine::search`] takes a [`SearchRequest`] (what a user typed plus filters) and returns a
//! [`SearchResponse`]: the query as understood, ranked hits with highlights, and facet counts.
//! The CLI's `--json` output and the HTTP API return this same type.

mod api;
mod correct;
mod engine;
mod error;
/// Relevance evaluation (judged queries, nDCG, MRR, recall) for the benchmarks; behind the
/// `eval` feature, so the shipped library and binary leave it out.
#[cfg(any(test, feature = "eval"))]
pub mod eval;
mod filters;
mod html;
mod understand;

pub use api::{
    Correction, CorrectionKind, DroppedFilter, FacetCounts, FacetValue, FilterKind, Hit, Level,
    SearchRequest, SearchResponse, Sort, Stats, SynonymUse, UnderstoodQuery, limits,
};
pub use api::{Recurrence, group_id_text, parse_group_id};
pub use edusearch_russian::{Expansion, Synonyms, SynonymsError};
pub use engine::beyond::{
    CSV_HEADERS, EXPORT_CAP, Export, TrendBucket, TrendBy, Trends, write_csv, write_jsonl,
};
pub use engine::highlight::Highlighter;
pub use engine::similar::{
    DEFAULT_SIMILAR_LIMIT, MAX_RESOLUTION_ID_CHARS, MAX_SIMILAR_LIMIT, SimilarItem, SimilarItems,
    SimilarResolution, SimilarResolutions, check_resolution_id, check_similar_limit, item_id,
    parse_item_id,
};
pub use engine::{Engine, Pipeline};
pub use error::{ErrorCode, ErrorKind, SearchError};
pub use filters::SearchFilters;
pub use html::escape_html;
pub use understand::{Inferred, InferredFilter, Understood, understand};
