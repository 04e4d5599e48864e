//! [`StoredFields`]: the stored values of a document read straight from the document store,
//! each moved into the hit once (tantivy's `TantivyDocument` packs them, and a hit then copied
//! every string out of it again: a tenth of a selective search).

use tantivy::TantivyDocument;
use tantivy::schema::document::{
    DeserializeError, DocumentDeserialize, DocumentDeserializer, Value,
};
use tantivy::schema::{Field, OwnedValue};

/// The stored values of one document, in the order they were stored.
#[derive(Debug, Default)]
pub(crate) struct StoredFields(Vec<(Field, OwnedValue)>);

impl DocumentDeserialize for StoredFields {
    fn deserialize<'de, D: DocumentDeserializer<'de>>(
        mut deserializer: D,
    ) -> Result<Self, DeserializeError> {
        let mut fields = Vec::with_capacity(deserializer.size_hint());
        while let Some(field) = deserializer.next_field::<OwnedValue>()? {
            fields.push(field);
        }
        Ok(StoredFields(fields))
    }
}

impl From<&TantivyDocument> for StoredFields {
    fn from(document: &TantivyDocument) -> Self {
        StoredFields(
            document
                .field_values()
                .map(|(field, value)| (field, OwnedValue::from(value)))
                .collect(),
        )
    }
}

impl StoredFields {
    /// The first text of a field, moved out.
    pub(crate) fn take_text(&mut self, field: Field) -> Option<String> {
        self.0.iter_mut().find_map(|(of, value)| match value {
            OwnedValue::Str(text) if *of == field => Some(std::mem::take(text)),
            _ => None,
        })
    }

    /// The first number of a field.
    pub(crate) fn u64(&self, field: Field) -> Option<u64> {
        self.0
            .iter()
            .find(|(of, _)| *of == field)
            .and_then(|(_, value)| value.as_u64())
    }

    /// Every facet of a field, encoded.
    pub(crate) fn facets(&self, field: Field) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(move |(of, value)| match value {
            OwnedValue::Facet(facet) if *of == field => Some(facet.encoded_str()),
            _ => None,
        })
    }
}
