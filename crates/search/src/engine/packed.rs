//! Every document's level, region, year and topics packed into two small words, so that the
//! main pass reads one or two words a document instead of five arrays.
//!
//! On a common word the main pass visits some 200,000 documents a search; per document it
//! read the resolution bit table, the region and year tables, the topic offsets and the topic
//! values (twice with a topic boost), each with its own bounds check and branch. That was
//! close to half of the search. The words hold the same facts, taken from the
//! [`FacetTable`]s and the resolution bits when a generation is opened.
//!
//! A facet with at most one value a document takes `value id + 1` in as many bits as its
//! values need (0 = none); a facet with several values a document (topics) takes a bit per
//! value. The narrow word (16 bits) holds the level (its top bit marks resolution documents)
//! and the one-value facets; the wide word (32 bits) holds the topic bits. The pass reads the
//! wide word only for documents it needs it for: a search with few, scattered matches and a
//! year filter reads mostly the narrow words (2.5 MB at 1.25 M documents), which a cache holds
//! better than one 8-byte word a document. An index whose values do not fit (more than 32
//! topics, or thousands of regions) has no packed words, and the pass reads the tables.
//!
//! Fields are addressed in the combined word `narrow | wide << 16`.

use std::sync::Arc;

use tantivy::DocId;

use super::facet_tables::{FacetTable, SegmentValues};

/// The bit of resolution documents (in the narrow word).
pub(crate) const RESOLUTION_BIT: u64 = 1 << 15;

/// Bits of the narrow word available to the facets (below [`RESOLUTION_BIT`]).
const NARROW_BITS: u32 = 15;
/// Where the wide word starts in the combined word.
pub(crate) const WIDE_SHIFT: u32 = 16;
/// Bits of the wide word.
const WIDE_BITS: u32 = 32;

/// Where one facet sits in the word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PackedField {
    shift: u32,
    /// Mask of the field's bits, after the shift.
    mask: u64,
    /// How many values the facet has (ids run from 0 to this).
    values: usize,
    /// A bit per value (several values a document), or `id + 1` (at most one).
    bits_per_value: bool,
}

impl PackedField {
    /// Whether the field lives in the wide word.
    pub(crate) fn is_wide(&self) -> bool {
        self.shift >= WIDE_SHIFT
    }
}

impl PackedField {
    /// A test passing the documents with one of the accepted value ids.
    pub(crate) fn test(&self, accepted: &[bool]) -> PackedTest {
        let accepts = |id: usize| accepted.get(id).copied().unwrap_or(false);
        if self.bits_per_value {
            let mask = (0..self.values)
                .filter(|id| accepts(*id))
                .fold(0u64, |mask, id| mask | (1 << id));
            return PackedTest::AnyBit(mask << self.shift);
        }
        let by_field = (0..=self.mask as usize)
            .map(|field| field > 0 && accepts(field - 1))
            .collect();
        PackedTest::Field {
            shift: self.shift,
            mask: self.mask,
            accepted: by_field,
        }
    }
}

/// Counts one facet's values over the documents given to it.
///
/// A facet with a bit per value is counted in bit slices (slice `k` holds bit `k` of every
/// value's count, added to like a binary counter), which costs a dozen instructions a document
/// without a branch; looping over the set bits mispredicted on most documents. The slices are
/// emptied into the counts before they can overflow.
#[derive(Debug, Clone)]
pub(crate) struct PackedCounter {
    field: PackedField,
    /// By value id for a bit per value; by `id + 1` (0 = none) otherwise.
    counts: Vec<u64>,
    slices: [u64; SLICES],
    /// Documents added to the slices since they were last emptied.
    pending: u32,
}

/// Bit slices of a [`PackedCounter`]: counts up to `2^SLICES - 1` before they are emptied.
const SLICES: usize = 8;

impl PackedCounter {
    /// A counter of the facet at `field`, all zero.
    pub(crate) fn new(field: PackedField) -> Self {
        let len = if field.bits_per_value {
            field.values
        } else {
            field.mask as usize + 1
        };
        Self {
            field,
            counts: vec![0; len],
            slices: [0; SLICES],
            pending: 0,
        }
    }

    /// Counts a document's values.
    #[inline(always)]
    pub(crate) fn add(&mut self, word: u64) {
        let value = (word >> self.field.shift) & self.field.mask;
        if !self.field.bits_per_value {
            self.counts[value as usize] += 1;
            return;
        }
        let mut carry = value;
        for slice in &mut self.slices {
            let next = *slice & carry;
            *slice ^= carry;
            carry = next;
        }
        self.pending += 1;
        if self.pending == (1 << SLICES) - 1 {
            self.empty_slices();
        }
    }

    fn empty_slices(&mut self) {
        for (level, slice) in self.slices.iter_mut().enumerate() {
            let mut bits = *slice;
            while bits != 0 {
                self.counts[bits.trailing_zeros() as usize] += 1 << level;
                bits &= bits - 1;
            }
            *slice = 0;
        }
        self.pending = 0;
    }

    /// The counts by value id.
    pub(crate) fn into_counts(mut self) -> Vec<u64> {
        self.empty_slices();
        if !self.field.bits_per_value {
            // Index 0 is «no value».
            self.counts.remove(0);
        }
        self.counts.truncate(self.field.values);
        self.counts
    }
}

/// Whether a document's word has an accepted value of one facet.
#[derive(Debug, Clone)]
pub(crate) enum PackedTest {
    /// One of these bits is set.
    AnyBit(u64),
    /// The field's value is accepted (indexed by the field's value).
    Field {
        shift: u32,
        mask: u64,
        accepted: Arc<[bool]>,
    },
}

impl PackedTest {
    /// Whether the word passes.
    #[inline(always)]
    pub(crate) fn accepts(&self, word: u64) -> bool {
        match self {
            PackedTest::AnyBit(bits) => word & bits != 0,
            PackedTest::Field {
                shift,
                mask,
                accepted,
            } => accepted[((word >> shift) & mask) as usize],
        }
    }
}

/// The packed words of every document of a searcher, and where each facet sits in them.
#[derive(Debug)]
pub(crate) struct PackedFacts {
    /// In the order of the tables given to [`PackedFacts::build`].
    pub fields: [PackedField; 3],
    /// By segment, the narrow word of each document.
    pub narrow: Vec<Arc<[u16]>>,
    /// By segment, the wide word of each document.
    pub wide: Vec<Arc<[u32]>>,
}

impl PackedFacts {
    /// Packs the facet tables (one per facet) and the resolution bits (per segment); `None`
    /// when the facets need more bits than the words have.
    pub(crate) fn build(tables: [&FacetTable; 3], resolution_docs: &[Arc<[u64]>]) -> Option<Self> {
        let (mut narrow_used, mut wide_used) = (0, 0);
        let mut fields = Vec::with_capacity(tables.len());
        for table in tables {
            let values = table.len();
            let bits_per_value = table
                .segments()
                .iter()
                .any(|segment| matches!(**segment, SegmentValues::Multi { .. }));
            let width = if bits_per_value {
                u32::try_from(values).ok()?
            } else {
                // Values 1..=values, 0 for none.
                u64::BITS - (values as u64).leading_zeros()
            };
            let shift = if !bits_per_value && narrow_used + width <= NARROW_BITS {
                narrow_used += width;
                narrow_used - width
            } else if wide_used + width <= WIDE_BITS {
                wide_used += width;
                WIDE_SHIFT + wide_used - width
            } else {
                return None;
            };
            let mask = if width == 0 {
                0
            } else {
                u64::MAX >> (64 - width)
            };
            fields.push(PackedField {
                shift,
                mask,
                values,
                bits_per_value,
            });
        }
        let fields: [PackedField; 3] = fields.try_into().ok()?;
        let segment_count = tables[0].segments().len();
        let (mut narrow, mut wide) = (Vec::new(), Vec::new());
        for segment in 0..segment_count {
            let docs = tables
                .iter()
                .map(|table| table.segments()[segment].docs())
                .max()
                .unwrap_or(0);
            let mut words = vec![0u64; docs];
            for (field, table) in fields.iter().zip(tables) {
                let values = &table.segments()[segment];
                for (doc, word) in words.iter_mut().enumerate() {
                    for &id in values.ids(doc as DocId) {
                        let id = u64::from(id);
                        *word |= if field.bits_per_value {
                            1 << (field.shift + id as u32)
                        } else {
                            (id + 1) << field.shift
                        };
                    }
                }
            }
            if let Some(resolutions) = resolution_docs.get(segment) {
                for (doc, word) in words.iter_mut().enumerate() {
                    if super::has_bit(resolutions, doc as DocId) {
                        *word |= RESOLUTION_BIT;
                    }
                }
            }
            narrow.push(words.iter().map(|word| *word as u16).collect());
            wide.push(
                words
                    .iter()
                    .map(|word| (word >> WIDE_SHIFT) as u32)
                    .collect(),
            );
        }
        Some(Self {
            fields,
            narrow,
            wide,
        })
    }

    /// The combined word of a document (`narrow | wide << 16`).
    #[cfg(test)]
    fn word(&self, segment: usize, doc: usize) -> u64 {
        u64::from(self.narrow[segment][doc]) | (u64::from(self.wide[segment][doc]) << WIDE_SHIFT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(names: usize, segment: SegmentValues) -> FacetTable {
        FacetTable::from_parts(
            (0..names).map(|id| format!("v{id}")).collect(),
            vec![segment],
        )
    }

    #[test]
    fn words_hold_each_documents_values_and_level() {
        let none = u16::MAX;
        let regions = table(3, SegmentValues::Single(vec![0, 2, none, 1]));
        let years = table(11, SegmentValues::Single(vec![10, none, 0, 5]));
        let topics = table(
            27,
            SegmentValues::Multi {
                offsets: vec![0, 2, 2, 3, 6],
                values: vec![0, 26, 4, 1, 2, 3],
            },
        );
        let resolutions: Arc<[u64]> = Arc::from(vec![0b1000u64]);
        let packed = PackedFacts::build([&regions, &years, &topics], &[resolutions]).unwrap();
        let [region, year, topic] = packed.fields;
        assert!(!region.is_wide() && !year.is_wide() && topic.is_wide());
        assert_eq!(packed.narrow[0].len(), 4);
        let words: Vec<u64> = (0..4).map(|doc| packed.word(0, doc)).collect();
        let [mut regions, mut years, mut topics] = packed.fields.map(PackedCounter::new);
        for word in words.iter() {
            regions.add(*word);
            years.add(*word);
            topics.add(*word);
        }
        assert_eq!(regions.into_counts(), [1, 1, 1]);
        let years = years.into_counts();
        assert_eq!(
            (years[0], years[5], years[10], years.iter().sum()),
            (1, 1, 1, 3)
        );
        let topics = topics.into_counts();
        assert_eq!(topics.len(), 27);
        assert_eq!(topics.iter().sum::<u64>(), 6);
        assert_eq!((topics[0], topics[26], topics[4]), (1, 1, 1));
        // Only the last document is a resolution.
        let levels: Vec<bool> = words.iter().map(|w| w & RESOLUTION_BIT != 0).collect();
        assert_eq!(levels, [false, false, false, true]);

        let mut accepted = vec![false; 27];
        accepted[26] = true;
        let boost = topic.test(&accepted);
        let passing: Vec<bool> = words.iter().map(|w| boost.accepts(*w)).collect();
        assert_eq!(passing, [true, false, false, false]);
        let second_region = region.test(&[false, true, false]);
        let passing: Vec<bool> = words.iter().map(|w| second_region.accepts(*w)).collect();
        assert_eq!(passing, [false, false, false, true]);
    }

    #[test]
    fn bit_slices_count_past_their_capacity() {
        let field = PackedField {
            shift: 3,
            mask: 0b111,
            values: 3,
            bits_per_value: true,
        };
        let mut counter = PackedCounter::new(field);
        // Bit 0 of the field on every document, bit 1 on every third, bit 2 never; the low
        // bits of the word belong to another field.
        for doc in 0..1000u64 {
            let third = if doc % 3 == 0 { 0b010 } else { 0 };
            counter.add(((0b001 | third) << 3) | 0b111);
        }
        assert_eq!(counter.into_counts(), [1000, 334, 0]);
    }

    #[test]
    fn too_many_values_leave_the_tables_in_use() {
        let topics = table(
            70,
            SegmentValues::Multi {
                offsets: vec![0, 1],
                values: vec![69],
            },
        );
        let regions = table(1, SegmentValues::Single(vec![0]));
        let years = table(1, SegmentValues::Single(vec![0]));
        assert!(PackedFacts::build([&regions, &years, &topics], &[]).is_none());
    }
}
