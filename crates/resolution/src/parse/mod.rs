//! The parser: from a file's bytes to a [`Resolution`].

mod clean;
mod dates;
mod header;
mod items;

use std::sync::LazyLock;

use edusearch_russian::StemCache;
use regex::Regex;
use sha2::{Digest, Sha256};

use crate::places::Gazetteer;
use crate::topics::Taxonomy;
use crate::{Item, ParseError, Resolution};

use clean::Line;

/// Characters of the body searched for the event date before the rest of it.
const DATE_SEARCH_CHARS: usize = 4000;

/// Parses the raw bytes of a resolution file; `source` is the name it is known by.
pub fn parse_resolution(source: &str, bytes: &[u8]) -> Result<Resolution, ParseError> {
    let text = clean::decode(bytes)?;
    parse_text(source, text)
}

/// Parses the text of a resolution; `source` is the name it is known by.
pub fn parse_text(source: &str, text: &str) -> Result<Resolution, ParseError> {
    let lines = clean::join_broken_lines(clean::clean_lines(text));
    if lines.is_empty() {
        return Err(ParseError::Empty);
    }
    if !lines.iter().any(|line| {
        line.text
            .chars()
            .any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'))
    }) {
        return Err(ParseError::NoRussianText);
    }

    let block = header::title_block(&lines);
    let header_text = join_lines(&lines[..block.body_start]);
    let body_lines = &lines[block.body_start..];
    let body = join_paragraphs(body_lines);

    let event = header::event_name(&block.title, &body);
    let opening = body_lines.first().map_or("", |line| line.text.as_str());
    let event_kind = header::event_kind(&block.title, opening);

    // The event date stands in the header or the opening paragraphs: search the body's
    // opening first and the rest only when it has none (the date pattern is costly on long texts).
    let opening_end = body
        .char_indices()
        .nth(DATE_SEARCH_CHARS)
        .map_or(body.len(), |(end, _)| end);
    let mut found_dates = dates::event_dates(&header_text);
    found_dates.extend(dates::event_dates(&body[..opening_end]));
    if found_dates.is_empty() && opening_end < body.len() {
        found_dates = dates::event_dates(&body);
    }
    let date = found_dates.first().map(|found| found.date);
    let date_start = date.and_then(|date| {
        found_dates
            .iter()
            .find(|found| found.date == date && found.start.is_some())
            .and_then(|found| found.start)
    });
    let year = date
        .map(|date| date.year)
        .or_else(|| dates::first_year(&block.title))
        .or_else(|| dates::first_year(&header_text));

    let participants = participants(&body);

    let extracted = items::extract(body_lines);
    let title_and_event = match &event {
        Some(event) if !block.title.contains(event.as_str()) => {
            format!("{}\n{event}", block.title)
        }
        _ => block.title.clone(),
    };
    // Each item is classified with its addressee; the resolution by its title and item texts.
    let classified: Vec<(Option<&str>, &str)> = extracted
        .items
        .iter()
        .map(|raw| (raw.addressee.as_deref(), raw.text.as_str()))
        .collect();
    // Places and topics read the same words: each distinct word is stemmed once, and the
    // thread's cache keeps the stems for the next documents.
    let (location, (item_topics, topics)) = StemCache::with_thread_cache(|stems| {
        let location = Gazetteer::builtin().locate_with(&header_text, &body, stems);
        let topics =
            Taxonomy::builtin().classify_with_items(&title_and_event, &classified, &body, stems);
        (location, topics)
    });
    debug_assert_eq!(item_topics.len(), extracted.items.len());
    let items: Vec<Item> = extracted
        .items
        .into_iter()
        .zip(item_topics)
        .enumerate()
        .map(|(index, (raw, topics))| Item {
            number: raw.number,
            position: u32::try_from(index + 1).unwrap_or(u32::MAX),
            addressee: raw.addressee,
            topics,
            text: raw.text,
        })
        .collect();

    let mut warnings = extracted.warnings;
    if date.is_none() {
        warnings.push("no event date found".to_string());
    }
    if location.region.is_none() {
        warnings.push("region unknown: no place from the place table matched".to_string());
    }

    Ok(Resolution {
        id: content_id(&lines),
        source: source.to_string(),
        title: block.title,
        event,
        event_kind,
        date,
        date_start,
        year,
        location,
        participants,
        body,
        topics,
        items,
        warnings,
        sources: Vec::new(),
        source_url: None,
        source_urls: Vec::new(),
    })
}

/// A stable id from the normalised text: the same content from two sources gets the same id.
fn content_id(lines: &[Line]) -> String {
    let mut hasher = Sha256::new();
    // Each normalised word followed by a space, one line at a time.
    let mut normalized = String::new();
    for line in lines {
        normalized.clear();
        for word in edusearch_russian::words(&line.text) {
            edusearch_russian::normalize_word_into(word.text, &mut normalized);
            normalized.push(' ');
        }
        hasher.update(normalized.as_bytes());
    }
    let digest = hasher.finalize();
    digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn join_lines(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|line| line.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Body text: lines of a paragraph on their own lines, paragraphs separated by a blank line.
fn join_paragraphs(lines: &[Line]) -> String {
    let mut out = String::new();
    for (index, line) in lines.iter().enumerate() {
        if index > 0 {
            out.push_str(if line.paragraph_start { "\n\n" } else { "\n" });
        }
        out.push_str(&line.text);
    }
    out
}

/// The number of participants, when a sentence about participation states it.
fn participants(body: &str) -> Option<u32> {
    body.split(['.', '\n'])
        // The count is a `\d`: sentences without a digit skip the pattern.
        .filter(|sentence| {
            sentence.contains(dates::may_be_digit)
                && edusearch_russian::lowercase(sentence).contains("участ")
        })
        .find_map(|sentence| {
            let (_, captures) = dates::captures_at_numbers(sentence, &COUNT_AT).next()?;
            captures["count"]
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        })
}

/// A count of people («более 250 работников»). A leading qualifier («более», «свыше») with
/// white space may stand before the number; it changes nothing in what is captured.
const COUNT_PATTERN: &str = r"(?:более|свыше|около|порядка|больше|всего)?\s*\b(?P<count>\d{1,3}(?:[ \u{a0}]\d{3})*|\d+)\s+(?:человек|участник|педагог|работник|специалист|представител|руководител|делегат|слушател)";

/// [`COUNT_PATTERN`] from its number on, anchored: tried only where a number starts, since its
/// Unicode `\b` keeps the regex engine slow over whole sentences. The first number where it
/// matches is the count of the first match of the whole pattern (the qualifier before it is
/// letters and white space, so it cannot reach back over an earlier number).
static COUNT_AT: LazyLock<Regex> = LazyLock::new(|| {
    let from_number = &COUNT_PATTERN[COUNT_PATTERN.find("(?P<count>").unwrap_or(0)..];
    Regex::new(&format!("(?i)^(?:{from_number})")).expect("participants pattern is valid")
});

#[cfg(test)]
mod tests;
