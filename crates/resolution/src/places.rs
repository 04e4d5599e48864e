//! Places: the gazetteer of federal subjects, municipalities and towns, and locating a resolution.
//! (Being written; see the contract in `Gazetteer::locate`.)

use crate::model::Location;

/// The place table.
pub struct Gazetteer;

impl Gazetteer {
    /// The table compiled into the binary.
    pub fn builtin() -> &'static Gazetteer {
        static G: Gazetteer = Gazetteer;
        &G
    }

    /// Locates a resolution from its header (title block and lines before the body) and body.
    pub fn locate(&self, _header: &str, _body: &str) -> Location {
        Location::default()
    }
}
