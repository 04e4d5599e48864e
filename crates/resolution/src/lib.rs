//! Resolution model and parser for edusearch.
//!
//! Turns the text of a resolution (резолюция августовского совещания, конференции, педсовета)
//! into a typed [`Resolution`]: its event, date, place, participants, topics and the numbered
//! recommendation [`Item`]s with their addressees. Pure library: no index, no HTTP.

mod error;
mod model;
mod parse;
pub mod places;
mod table_hash;
pub mod topics;

pub use error::ParseError;
pub use model::{EventDate, EventKind, Item, Location, MONTHS_GENITIVE, Resolution};
pub use parse::{parse_resolution, parse_text};
pub use places::{Gazetteer, PlaceTableError};
pub use topics::{Taxonomy, TopicError};
