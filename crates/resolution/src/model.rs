//! The typed record a resolution file becomes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A parsed resolution with its recommendation items.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// Stable id derived from the normalised content (16 hex digits).
    pub id: String,
    /// Source file name, relative to the corpus folder when indexed from one.
    pub source: String,
    /// Title as printed, with shouted capitals tamed («Резолюция межрегиональной конференции …»).
    pub title: String,
    /// Name of the event, the «…» title with nested quotes kept, when one is given.
    pub event: Option<String>,
    /// Kind of event (конференция, совещание, …) when the title or text names one.
    pub event_kind: Option<EventKind>,
    /// The date of the event (its last day for a multi-day event), day precision when given.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub date: Option<EventDate>,
    /// First day of a multi-day event («11-12 сентября 2019 года» → 11 September).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub date_start: Option<EventDate>,
    /// Year of the event, from the date or, lacking one, from the title.
    pub year: Option<i32>,
    /// Where the resolution comes from.
    pub location: Location,
    /// Number of participants when the text states it («более 400 человек» → 400).
    pub participants: Option<u32>,
    /// Body text, cleaned of page debris, paragraphs separated by blank lines.
    pub body: String,
    /// Topic names (from the taxonomy) of the resolution as a whole.
    pub topics: Vec<String>,
    /// The recommendation items, in document order.
    pub items: Vec<Item>,
    /// Things the parser noticed and a user should know («no recommendation list found»).
    pub warnings: Vec<String>,
    /// Every corpus file holding this resolution (the same text from several sources is one
    /// resolution); filled in by the index, empty from the parser alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// The web address the indexed file was downloaded from (`edusearch fetch`), after
    /// redirects; `None` for a file put into the corpus by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// The web addresses of every source file (a page and its DOCX of the same resolution);
    /// filled in by the index, like `sources`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_urls: Vec<String>,
}

/// One numbered (or bulleted) recommendation of a resolution.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Number as printed («18»), or the 1-based position for bullets.
    pub number: String,
    /// 1-based position of the item in the resolution (unique within it).
    pub position: u32,
    /// Addressee heading the item falls under («Руководителям Центров «Точка роста»»).
    pub addressee: Option<String>,
    /// Full text of the item, continuation lines and paragraphs included.
    pub text: String,
    /// Topic names (from the taxonomy) of this item.
    pub topics: Vec<String>,
}

/// Municipality and region of a resolution; `None` where the text does not tell.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The municipality («Усть-Лабинский район», «г. Краснодар»).
    pub municipality: Option<String>,
    /// The town inside the municipality, when it is the venue and not the municipality itself
    /// («г. Усть-Лабинск»).
    pub settlement: Option<String>,
    /// The federal subject («Краснодарский край»).
    pub region: Option<String>,
}

impl Location {
    /// Municipality with its town, as shown to users: «Усть-Лабинский район (г. Усть-Лабинск)».
    pub fn municipality_display(&self) -> Option<String> {
        match (&self.municipality, &self.settlement) {
            (Some(municipality), Some(settlement)) => {
                Some(format!("{municipality} ({settlement})"))
            }
            (Some(municipality), None) => Some(municipality.clone()),
            (None, Some(settlement)) => Some(settlement.clone()),
            (None, None) => None,
        }
    }
}

/// Month names in the genitive, as dates are written («31 августа 2023»); index 0 is January.
pub const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// A calendar date; `day`/`month` may be missing when the text gives less.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventDate {
    /// Year, e.g. 2023.
    pub year: i32,
    /// Month 1–12.
    pub month: Option<u8>,
    /// Day of month 1–31.
    pub day: Option<u8>,
}

impl EventDate {
    /// A full date.
    pub fn ymd(year: i32, month: u8, day: u8) -> Self {
        debug_assert!((1..=12).contains(&month) && (1..=31).contains(&day));
        Self {
            year,
            month: Some(month),
            day: Some(day),
        }
    }

    /// Days-since-epoch-like ordinal for sorting by recency (missing parts count as 1).
    pub fn ordinal(&self) -> i64 {
        let month = i64::from(self.month.unwrap_or(1));
        let day = i64::from(self.day.unwrap_or(1));
        i64::from(self.year) * 372 + (month - 1) * 31 + (day - 1)
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse_iso(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next().map(str::parse::<u8>).transpose().ok()?;
        let day = parts.next().map(str::parse::<u8>).transpose().ok()?;
        if parts.next().is_some()
            || month.is_some_and(|m| !(1..=12).contains(&m))
            || day.is_some_and(|d| !(1..=31).contains(&d))
            || (day.is_some() && month.is_none())
        {
            return None;
        }
        Some(Self { year, month, day })
    }
}

impl fmt::Display for EventDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

impl Serialize for EventDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        EventDate::parse_iso(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid date {text:?}")))
    }
}

/// The kind of event a resolution closes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Конференция (научно-практическая, межрегиональная, …).
    Conference,
    /// Совещание (августовское, городское, …).
    Meeting,
    /// Съезд.
    Congress,
    /// Педагогический совет.
    TeachersCouncil,
    /// Форум.
    Forum,
    /// Семинар.
    Seminar,
    /// Круглый стол.
    RoundTable,
    /// Методическое объединение.
    MethodicalAssociation,
}

impl EventKind {
    /// Every kind, in the order the parser tries them.
    pub const ALL: [EventKind; 8] = [
        EventKind::TeachersCouncil,
        EventKind::RoundTable,
        EventKind::MethodicalAssociation,
        EventKind::Conference,
        EventKind::Meeting,
        EventKind::Congress,
        EventKind::Forum,
        EventKind::Seminar,
    ];

    /// Russian name in the nominative («конференция»).
    pub fn name_ru(self) -> &'static str {
        match self {
            EventKind::Conference => "конференция",
            EventKind::Meeting => "совещание",
            EventKind::Congress => "съезд",
            EventKind::TeachersCouncil => "педсовет",
            EventKind::Forum => "форум",
            EventKind::Seminar => "семинар",
            EventKind::RoundTable => "круглый стол",
            EventKind::MethodicalAssociation => "методическое объединение",
        }
    }

    /// Stable id, as serialised («teachers_council»).
    pub fn id(self) -> &'static str {
        match self {
            EventKind::Conference => "conference",
            EventKind::Meeting => "meeting",
            EventKind::Congress => "congress",
            EventKind::TeachersCouncil => "teachers_council",
            EventKind::Forum => "forum",
            EventKind::Seminar => "seminar",
            EventKind::RoundTable => "round_table",
            EventKind::MethodicalAssociation => "methodical_association",
        }
    }

    /// The kind with the given Russian name or id.
    pub fn from_name(name: &str) -> Option<Self> {
        let lowered = name.trim().to_lowercase();
        Self::ALL
            .into_iter()
            .find(|kind| kind.name_ru() == lowered || kind.id() == lowered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_iso() {
        let date = EventDate::ymd(2019, 9, 12);
        assert_eq!(date.to_string(), "2019-09-12");
        assert_eq!(EventDate::parse_iso("2019-09-12"), Some(date));
        assert_eq!(EventDate::parse_iso("2019-13-01"), None);
        assert!(EventDate::ymd(2023, 8, 31).ordinal() > EventDate::ymd(2023, 8, 18).ordinal());
    }

    #[test]
    fn municipality_display_names_the_town() {
        let location = Location {
            municipality: Some("Усть-Лабинский район".into()),
            settlement: Some("г. Усть-Лабинск".into()),
            region: Some("Краснодарский край".into()),
        };
        assert_eq!(
            location.municipality_display().as_deref(),
            Some("Усть-Лабинский район (г. Усть-Лабинск)")
        );
    }
}
