//! The tantivy schema and the conversion of a resolution into documents.

use std::borrow::Cow;

use crate::groups::{self, key_of};
use edusearch_resolution::{Item, Resolution};
use edusearch_russian::{ANALYZER_EXACT, ANALYZER_ROOT, analyzer_stem_name};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::{IndexSettings, TantivyDocument};

/// Field names, shared by the indexer and the searcher.
pub mod fields {
    /// `item` or `resolution`.
    pub const KIND: &str = "kind";
    /// The resolution id (on both levels).
    pub const RESOLUTION_ID: &str = "resolution_id";
    /// 1-based item position (items only).
    pub const ITEM_POSITION: &str = "item_position";
    /// Item number as printed (items only).
    pub const ITEM_NUMBER: &str = "item_number";
    /// Addressee heading (items only), stemmed.
    pub const ADDRESSEE: &str = "addressee";
    /// Addressee lowercased, for exact filtering.
    pub const ADDRESSEE_KEY: &str = "addressee_key";
    /// Item text, or the resolution body, stemmed and stored.
    pub const TEXT: &str = "text";
    /// The same text, exact forms (lowercase, ё -> е), for exact-form boosts.
    pub const TEXT_EXACT: &str = "text_exact";
    /// The same text reduced to derivational roots, for derived-word matches.
    pub const TEXT_ROOT: &str = "text_root";
    /// Resolution title.
    pub const TITLE: &str = "title";
    /// Event name.
    pub const EVENT: &str = "event";
    /// Topic names as text, so topic words match.
    pub const TOPICS_TEXT: &str = "topics_text";
    /// Municipality and region as text, so place words match.
    pub const PLACE_TEXT: &str = "place_text";
    /// `/region/<name>` facet.
    pub const REGION: &str = "region";
    /// `/year/<yyyy>` facet.
    pub const YEAR: &str = "year";
    /// `/topic/<name>` facet (several per document).
    pub const TOPIC: &str = "topic";
    /// Year as a number (fast), for ranges.
    pub const YEAR_NUM: &str = "year_num";
    /// Date ordinal (fast), for recency.
    pub const DATE_ORD: &str = "date_ord";
    /// Municipality and town names, normalised, for filtering by place.
    pub const PLACE_KEY: &str = "place_key";
    /// Municipality display name, stored and filterable.
    pub const MUNICIPALITY: &str = "municipality";
    /// Event kind id, stored and filterable.
    pub const EVENT_KIND: &str = "event_kind";
    /// Event date as `YYYY-MM-DD` (or shorter), stored.
    pub const DATE: &str = "date";
    /// Source file of the resolution, stored.
    pub const SOURCE: &str = "source";
    /// Stored: the web address the resolution was downloaded from (`edusearch fetch`).
    pub const SOURCE_URL: &str = "source_url";
    /// The resolution as JSON but for its body, which is stored once, in `text` (resolution
    /// documents only; [`super::StoredResolution`]).
    pub const RESOLUTION_RECORD: &str = "resolution_record";
    /// Key of the item id `{resolution_id}-{position}` (items only; indexed and fast).
    pub const ITEM_KEY: &str = "item_key";
    /// Key of the resolution id (fast, on both levels), for counting distinct resolutions.
    pub const RESOLUTION_KEY: &str = "resolution_key";
    /// Key of the region name, 0 without one (fast), for counting distinct regions.
    pub const REGION_KEY: &str = "region_key";
    /// MinHash signature of the item wording (items only; fast bytes), for grouping.
    pub const SIGNATURE: &str = "signature";
    /// 0 for items, 1 for resolutions (fast). Every segment holds its items first and its
    /// resolution documents after them (the build adds them in that order), and a merge joins
    /// only segments of one level, so this column of a segment is sorted.
    pub const LEVEL_ORDER: &str = "level_order";
}

/// Facet roots.
pub const REGION_ROOT: &str = "/region";
/// Facet root for years.
pub const YEAR_ROOT: &str = "/year";
/// Facet root for topics.
pub const TOPIC_ROOT: &str = "/topic";

/// The level of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    /// A recommendation item.
    Item,
    /// A whole resolution.
    Resolution,
}

impl DocKind {
    /// The value stored in the `kind` field.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Item => "item",
            DocKind::Resolution => "resolution",
        }
    }

    /// The value of the `level_order` field the index is sorted by (items first).
    pub fn order(self) -> u64 {
        match self {
            DocKind::Item => 0,
            DocKind::Resolution => 1,
        }
    }
}

/// Handles of every field of the schema; each handle is named like its field in [`fields`].
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub struct IndexSchema {
    /// The tantivy schema.
    pub schema: Schema,
    pub kind: Field,
    pub resolution_id: Field,
    pub item_position: Field,
    pub item_number: Field,
    pub addressee: Field,
    pub addressee_key: Field,
    pub text: Field,
    pub text_exact: Field,
    pub text_root: Field,
    pub title: Field,
    pub event: Field,
    pub topics_text: Field,
    pub place_text: Field,
    pub region: Field,
    pub year: Field,
    pub topic: Field,
    pub year_num: Field,
    pub date_ord: Field,
    pub municipality: Field,
    pub place_key: Field,
    pub event_kind: Field,
    pub date: Field,
    pub source: Field,
    pub resolution_record: Field,
    pub item_key: Field,
    pub resolution_key: Field,
    pub region_key: Field,
    pub signature: Field,
    pub level_order: Field,
    pub source_url: Field,
}

fn text_options(analyzer: &str, stored: bool) -> TextOptions {
    text_options_recording(analyzer, stored, IndexRecordOption::WithFreqsAndPositions)
}

fn text_options_recording(analyzer: &str, stored: bool, record: IndexRecordOption) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer)
        .set_index_option(record);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

impl IndexSchema {
    /// Builds the schema.
    pub fn new() -> Self {
        let mut builder = Schema::builder();
        let kind = builder.add_text_field(fields::KIND, STRING | STORED);
        let resolution_id = builder.add_text_field(fields::RESOLUTION_ID, STRING | STORED);
        let item_position = builder.add_u64_field(fields::ITEM_POSITION, INDEXED | STORED | FAST);
        let item_number = builder.add_text_field(fields::ITEM_NUMBER, STORED);
        let addressee =
            builder.add_text_field(fields::ADDRESSEE, text_options(analyzer_stem_name(), true));
        let addressee_key = builder.add_text_field(fields::ADDRESSEE_KEY, STRING);
        let text = builder.add_text_field(fields::TEXT, text_options(analyzer_stem_name(), true));
        // Only asked whether a form occurs at all (spelling correction leaves known words
        // alone), so neither frequencies nor positions are recorded.
        let text_exact = builder.add_text_field(
            fields::TEXT_EXACT,
            text_options_recording(ANALYZER_EXACT, false, IndexRecordOption::Basic),
        );
        let text_root =
            builder.add_text_field(fields::TEXT_ROOT, text_options(ANALYZER_ROOT, false));
        let title = builder.add_text_field(fields::TITLE, text_options(analyzer_stem_name(), true));
        let event = builder.add_text_field(fields::EVENT, text_options(analyzer_stem_name(), true));
        let topics_text = builder.add_text_field(
            fields::TOPICS_TEXT,
            text_options(analyzer_stem_name(), false),
        );
        let place_text = builder.add_text_field(
            fields::PLACE_TEXT,
            text_options(analyzer_stem_name(), false),
        );
        let region = builder.add_facet_field(fields::REGION, FacetOptions::default().set_stored());
        let year = builder.add_facet_field(fields::YEAR, FacetOptions::default().set_stored());
        let topic = builder.add_facet_field(fields::TOPIC, FacetOptions::default().set_stored());
        let year_num = builder.add_u64_field(fields::YEAR_NUM, INDEXED | STORED | FAST);
        let date_ord = builder.add_i64_field(fields::DATE_ORD, INDEXED | STORED | FAST);
        let municipality = builder.add_text_field(fields::MUNICIPALITY, STRING | STORED);
        let place_key = builder.add_text_field(fields::PLACE_KEY, STRING);
        let event_kind = builder.add_text_field(fields::EVENT_KIND, STRING | STORED);
        let date = builder.add_text_field(fields::DATE, STORED);
        let source = builder.add_text_field(fields::SOURCE, STORED);
        let resolution_record = builder.add_text_field(fields::RESOLUTION_RECORD, STORED);
        let item_key = builder.add_u64_field(fields::ITEM_KEY, INDEXED | FAST);
        let resolution_key = builder.add_u64_field(fields::RESOLUTION_KEY, FAST);
        let region_key = builder.add_u64_field(fields::REGION_KEY, FAST);
        let signature = builder.add_bytes_field(fields::SIGNATURE, FAST);
        let level_order = builder.add_u64_field(fields::LEVEL_ORDER, FAST);
        let source_url = builder.add_text_field(fields::SOURCE_URL, STORED);
        Self {
            schema: builder.build(),
            kind,
            resolution_id,
            item_position,
            item_number,
            addressee,
            addressee_key,
            text,
            text_exact,
            text_root,
            title,
            event,
            topics_text,
            place_text,
            region,
            year,
            topic,
            year_num,
            date_ord,
            municipality,
            place_key,
            event_kind,
            date,
            source,
            resolution_record,
            item_key,
            resolution_key,
            region_key,
            signature,
            level_order,
            source_url,
        }
    }

    /// Handles for the schema of an existing index; `None` if it differs from ours in any
    /// field (name, type, options or analyzer, whose name carries its version).
    pub fn from_schema(schema: &Schema) -> Option<Self> {
        let expected = Self::new();
        if expected.schema.fields().count() != schema.fields().count() {
            return None;
        }
        for (field, entry) in expected.schema.fields() {
            let theirs = schema.get_field_entry(schema.get_field(entry.name()).ok()?);
            if theirs != entry {
                return None;
            }
            debug_assert_eq!(schema.get_field(entry.name()).ok(), Some(field));
        }
        Some(expected)
    }

    /// The documents of one resolution: one for the resolution, one for each item.
    pub fn documents(&self, resolution: &Resolution) -> Vec<TantivyDocument> {
        let mut documents = Vec::with_capacity(resolution.items.len() + 1);
        let stored = StoredResolution::split(resolution.clone());
        documents.push(self.resolution_document(resolution, &stored.record));
        documents.extend(self.item_documents(resolution));
        documents
    }

    /// The document of the resolution as a whole, storing `record` ([`StoredResolution`]).
    pub fn resolution_document(&self, resolution: &Resolution, record: &str) -> TantivyDocument {
        let exact_forms = exact_forms_text(resolution);
        let root_text = with_compounds(&resolution.body);
        let texts = resolution.body.len() + exact_forms.len() + root_text.len() + record.len();
        let mut whole = self.common(resolution, &resolution.topics, texts);
        whole.add_text(self.kind, DocKind::Resolution.as_str());
        whole.add_u64(self.level_order, DocKind::Resolution.order());
        whole.add_text(self.text, &resolution.body);
        whole.add_text(self.text_exact, exact_forms);
        whole.add_text(self.text_root, root_text);
        whole.add_text(self.resolution_record, record);
        whole
    }

    /// One document for each item of the resolution.
    pub fn item_documents<'a>(
        &'a self,
        resolution: &'a Resolution,
    ) -> impl Iterator<Item = TantivyDocument> + 'a {
        resolution
            .items
            .iter()
            .map(|item| self.item_document(resolution, item))
    }

    fn item_document(&self, resolution: &Resolution, item: &Item) -> TantivyDocument {
        let root_text = with_compounds(&item.text);
        let texts = item.text.len()
            + root_text.len()
            + item.number.len()
            + 2 * item.addressee.as_ref().map_or(0, String::len);
        let mut document = self.common(resolution, &item.topics, texts);
        document.add_text(self.kind, DocKind::Item.as_str());
        document.add_u64(self.level_order, DocKind::Item.order());
        document.add_u64(self.item_position, u64::from(item.position));
        document.add_text(self.item_number, &item.number);
        if let Some(addressee) = &item.addressee {
            document.add_text(self.addressee, addressee);
            document.add_text(self.addressee_key, addressee_key(addressee));
        }
        document.add_text(self.text, &item.text);
        document.add_text(self.text_root, root_text);
        document.add_u64(self.item_key, item_key(&resolution.id, item.position));
        if let Some(signature) = groups::signature(&item.text) {
            document.add_bytes(self.signature, &groups::signature_bytes(&signature));
        }
        document
    }

    /// Fields both levels carry: ids, resolution metadata, facets; in a document with room for
    /// `more_bytes` of other values (a document grown by doubling copied its body several
    /// times).
    fn common(
        &self,
        resolution: &Resolution,
        topics: &[String],
        more_bytes: usize,
    ) -> TantivyDocument {
        let topic_bytes: usize = topics.iter().map(|topic| 2 * topic.len() + 8).sum();
        let mut document = TantivyDocument::with_capacity(
            more_bytes + topic_bytes + common_bytes(resolution) + VALUE_OVERHEAD_BYTES,
        );
        document.add_text(self.resolution_id, resolution.id.as_str());
        document.add_text(self.title, resolution.title.as_str());
        document.add_text(self.source, resolution.source.as_str());
        if let Some(date) = resolution.date {
            document.add_text(self.date, date.to_string());
        }
        if let Some(url) = &resolution.source_url {
            document.add_text(self.source_url, url);
        }
        if let Some(event) = &resolution.event {
            document.add_text(self.event, event);
        }
        if let Some(kind) = resolution.event_kind {
            document.add_text(self.event_kind, kind.id());
        }
        for topic in topics {
            document.add_text(self.topics_text, topic);
            document.add_facet(self.topic, topic_facet(topic));
        }
        document.add_u64(self.resolution_key, key_of(&resolution.id));
        let location = &resolution.location;
        document.add_u64(
            self.region_key,
            location.region.as_deref().map_or(0, key_of),
        );
        if let Some(region) = &location.region {
            document.add_facet(self.region, region_facet(region));
            document.add_text(self.place_text, region);
        }
        if let Some(municipality) = location.municipality_display() {
            document.add_text(self.municipality, &municipality);
            document.add_text(self.place_text, &municipality);
        }
        for name in [&location.municipality, &location.settlement]
            .into_iter()
            .flatten()
        {
            document.add_text(self.place_key, place_key(name));
        }
        if let Some(year) = resolution.year {
            document.add_facet(self.year, year_facet(year));
            document.add_u64(self.year_num, u64::try_from(year).unwrap_or_default());
        }
        let ordinal = resolution
            .date
            .map(|date| date.ordinal())
            .or_else(|| resolution.year.map(|year| i64::from(year) * 372))
            .unwrap_or(0);
        document.add_i64(self.date_ord, ordinal);
        document
    }
}

/// Room a document takes beyond its strings: value tags, lengths, numbers, facet prefixes.
const VALUE_OVERHEAD_BYTES: usize = 256;

/// The bytes of the strings [`IndexSchema::common`] adds apart from the topics.
fn common_bytes(resolution: &Resolution) -> usize {
    let location = &resolution.location;
    let optional = |text: &Option<String>| text.as_ref().map_or(0, String::len);
    resolution.id.len()
        + resolution.title.len()
        + resolution.source.len()
        + optional(&resolution.source_url)
        + optional(&resolution.event)
        + 3 * optional(&location.region)
        + 3 * optional(&location.municipality)
        + optional(&location.settlement)
}

/// The settings of a new index: tantivy's defaults, unsorted, the doc store compressed on the
/// indexing thread. The build adds every item document before any resolution document, so
/// each segment holds its items first without tantivy sorting it: a sorted segment is written
/// twice (its stored documents go through a temporary store, and every posting list is put in
/// the new order), which cost 5–10 % of the CPU time of a build. A search of one level reads
/// only its range of document ids. A thread of its own for the doc store's compression (the
/// default) adds no core when the build keeps both busy, and woke that thread for each 16 KB
/// block: compressed where they are written, the build is 2–3 % faster.
pub fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compress_dedicated_thread: false,
        ..IndexSettings::default()
    }
}

/// A resolution as its document stores it: the JSON of everything but the body
/// (`resolution_record`), and the body, stored in `text` for the search's snippets anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResolution {
    /// The resolution as JSON, its body left empty.
    pub record: String,
    /// The resolution's body.
    pub body: String,
}

impl StoredResolution {
    /// The parts of a resolution (its body is moved, not copied).
    pub fn split(mut resolution: Resolution) -> Self {
        let body = std::mem::take(&mut resolution.body);
        let record = serde_json::to_string(&resolution).expect("a resolution always serialises");
        Self { record, body }
    }

    /// The resolution again.
    pub fn join(record: &str, body: String) -> serde_json::Result<Resolution> {
        let mut resolution: Resolution = serde_json::from_str(record)?;
        resolution.body = body;
        Ok(resolution)
    }
}

impl Default for IndexSchema {
    fn default() -> Self {
        Self::new()
    }
}

/// The id of an item: `{resolution_id}-{position}` («9f8d6dd59f86c0fe-3»).
pub fn item_id(resolution_id: &str, position: u32) -> String {
    format!("{resolution_id}-{position}")
}

/// The key of an item id, as indexed in the `item_key` field.
pub fn item_key(resolution_id: &str, position: u32) -> u64 {
    key_of(&item_id(resolution_id, position))
}

/// The key an addressee is filtered by: lowercase, `ё -> е`, spaces collapsed.
pub fn addressee_key(addressee: &str) -> String {
    edusearch_russian::words(addressee)
        .map(|word| edusearch_russian::normalize_word(word.text))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key a municipality or town is filtered by: «г. Мегион» → «г мегион».
pub fn place_key(name: &str) -> String {
    addressee_key(name)
}

/// The text followed by its hyphenated compounds written as one word, so that
/// «естественнонаучный» finds «естественно-научного».
fn with_compounds(text: &str) -> String {
    let compounds = edusearch_russian::hyphen_compounds(text);
    if compounds.is_empty() {
        return text.to_string();
    }
    format!("{text}\n{}", compounds.join(" "))
}

/// The text whose exact forms a resolution document indexes: its body, followed by the text of
/// any item the body does not hold as a run of whole words. Items carry no exact forms of their
/// own: the field is only asked whether a form occurs anywhere in the index, and every item
/// comes and goes with its resolution document, so the resolution answers for its items.
fn exact_forms_text(resolution: &Resolution) -> Cow<'_, str> {
    let body = resolution.body.as_str();
    let mut text = Cow::Borrowed(body);
    // Items come in the order of the body: each is looked for after the one before, so the
    // body is read about once, not once an item.
    let mut cursor = 0;
    for item in &resolution.items {
        let found =
            find_as_words(body, &item.text, cursor).or_else(|| find_as_words(body, &item.text, 0));
        match found {
            Some(end) => cursor = end,
            None => {
                let text = text.to_mut();
                text.push('\n');
                text.push_str(&item.text);
            }
        }
    }
    text
}

/// Whether `part` occurs in `text` without cutting a word at either end, so that every word
/// the tokenizer finds in `part` it also finds in `text`.
#[cfg(test)]
fn holds_as_words(text: &str, part: &str) -> bool {
    find_as_words(text, part, 0).is_some()
}

/// The end of the first occurrence of `part` in `text` from byte `from` on that cuts no word
/// at either end.
fn find_as_words(text: &str, part: &str, from: usize) -> Option<usize> {
    // Word characters are the alphanumeric ones (`edusearch_russian::words`).
    let cuts = |outside: Option<char>, inside: Option<char>| {
        outside.is_some_and(char::is_alphanumeric) && inside.is_some_and(char::is_alphanumeric)
    };
    // The part's first bytes are looked for and the rest compared where they are found: a
    // searcher for the whole part first reads all of it, and an item is a paragraph found a
    // few words past the cursor.
    let head = &part[..part.floor_char_boundary(SEARCHED_HEAD_BYTES)];
    let mut at = from;
    while let Some(found) = text.get(at..)?.find(head) {
        let start = at + found;
        let end = start + part.len();
        if text[start..].starts_with(part) {
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            if !cuts(before, part.chars().next()) && !cuts(after, part.chars().next_back()) {
                return Some(end);
            }
        }
        at = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// How much of a part [`find_as_words`] looks for before it compares the rest.
const SEARCHED_HEAD_BYTES: usize = 24;

/// `/region/<name>`.
pub fn region_facet(region: &str) -> Facet {
    Facet::from_path([REGION_ROOT.trim_start_matches('/'), region])
}

/// `/year/<yyyy>`.
pub fn year_facet(year: i32) -> Facet {
    Facet::from_path([YEAR_ROOT.trim_start_matches('/'), &year.to_string()])
}

/// `/topic/<name>`.
pub fn topic_facet(topic: &str) -> Facet {
    Facet::from_path([TOPIC_ROOT.trim_start_matches('/'), topic])
}

/// The resolution stored in a resolution document.
pub fn resolution_from_doc(schema: &IndexSchema, document: &TantivyDocument) -> Option<Resolution> {
    let record = document.get_first(schema.resolution_record)?.as_str()?;
    let body = document.get_first(schema.text)?.as_str()?;
    StoredResolution::join(record, body.to_string()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The resolution document stores the body once (in `text`), and the resolution read back
    /// from it is the one indexed, body included.
    #[test]
    fn a_resolution_document_gives_back_the_whole_resolution_with_its_body_stored_once() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../index-data/resolutions/000_9f8d6dd59f86c0fe.txt");
        let text = std::fs::read_to_string(path).unwrap();
        let resolution = edusearch_resolution::parse_text("seed.txt", &text).unwrap();
        assert!(resolution.body.len() > 1000);
        let schema = IndexSchema::new();
        let document = schema.documents(&resolution).swap_remove(0);
        assert_eq!(
            resolution_from_doc(&schema, &document),
            Some(resolution.clone())
        );
        let record = document
            .get_first(schema.resolution_record)
            .and_then(|value| value.as_str())
            .unwrap();
        let record: serde_json::Value = serde_json::from_str(record).unwrap();
        assert_eq!(record["body"], "", "the body is stored in `text` only");
        assert_eq!(record["id"], resolution.id.as_str());
        let stored = StoredResolution::split(resolution.clone());
        assert_eq!(stored.body, resolution.body);
        assert_eq!(
            StoredResolution::join(&stored.record, stored.body).unwrap(),
            resolution
        );
    }
    use tantivy::tokenizer::TokenStream;

    #[test]
    fn facets_keep_russian_names() {
        assert_eq!(
            region_facet("Краснодарский край").to_string(),
            "/region/Краснодарский край"
        );
        assert_eq!(year_facet(2023).to_string(), "/year/2023");
        assert_eq!(topic_facet("ФГОС и ФООП").to_string(), "/topic/ФГОС и ФООП");
    }

    #[test]
    fn addressee_keys_ignore_case_and_quotes() {
        assert_eq!(
            addressee_key("Руководителям Центров «Точка роста»"),
            addressee_key("руководителям центров точка роста")
        );
    }

    #[test]
    fn resolutions_hold_the_exact_forms_of_their_items() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
        let mut analyzer = edusearch_russian::analyzer_exact();
        let mut forms = |text: &str| {
            let mut stream = analyzer.token_stream(text);
            let mut out = std::collections::HashSet::new();
            while stream.advance() {
                out.insert(stream.token().text.clone());
            }
            out
        };
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let resolution = edusearch_resolution::parse_text("seed.txt", &text).unwrap();
            let whole = forms(&exact_forms_text(&resolution));
            for item in &resolution.items {
                assert!(forms(&item.text).is_subset(&whole), "{}", item.text);
            }
            files += 1;
        }
        assert!(files >= 5);
    }

    /// A long part whose first words occur earlier in the text, cut or followed by other
    /// words, is found where it occurs whole; the search starts at the cursor.
    #[test]
    fn a_long_part_is_found_where_it_occurs_whole() {
        let part =
            "Обеспечить участие педагогов в региональных конкурсах профессионального мастерства";
        let text = format!(
            "Обеспечить участие педагогов в семинарах. Переобеспечить участие педагогов в \
             региональных конкурсах профессионального мастерства. 2. {part}. 3. {part}"
        );
        let first = text.find(&format!("2. {part}")).unwrap() + 3;
        assert_eq!(find_as_words(&text, part, 0), Some(first + part.len()));
        let second = text.rfind(part).unwrap();
        assert_eq!(
            find_as_words(&text, part, first + "О".len()),
            Some(second + part.len())
        );
        assert_eq!(find_as_words(&text, part, second + "О".len()), None);
        assert_eq!(find_as_words(&text, &format!("{part}ии"), 0), None);
    }

    #[test]
    fn a_part_cut_out_of_a_word_is_not_held() {
        assert!(holds_as_words(
            "1. Обеспечить участие.",
            "Обеспечить участие"
        ));
        assert!(holds_as_words("«Точка роста»", "«Точка роста»"));
        assert!(!holds_as_words(
            "1.Переобеспечить участие",
            "обеспечить участие"
        ));
        assert!(!holds_as_words("Обеспечить участием", "Обеспечить участие"));
        assert!(holds_as_words(
            "участие: обеспечить участие.",
            "обеспечить участие"
        ));
        assert!(!holds_as_words("другой текст", "обеспечить"));
    }

    #[test]
    fn schema_round_trips() {
        let schema = IndexSchema::new();
        assert!(IndexSchema::from_schema(&schema.schema).is_some());
        let other = Schema::builder().build();
        assert!(IndexSchema::from_schema(&other).is_none());
    }

    #[test]
    fn an_index_analysed_by_an_older_analyzer_is_not_ours() {
        let json = serde_json::to_string(&IndexSchema::new().schema).unwrap();
        assert!(json.contains(analyzer_stem_name()));
        let older: Schema =
            serde_json::from_str(&json.replace(analyzer_stem_name(), "ru_stem")).unwrap();
        assert!(IndexSchema::from_schema(&older).is_none());
    }
}
