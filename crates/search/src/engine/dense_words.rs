//! The documents of a frequent word, kept as one bit a document of a segment.
//!
//! An all-words search intersects its words: the rarer word drives and every other word is
//! asked whether it holds each candidate ([`SeekUnion`](super::seek_union)'s `seek_danger`).
//! A word is a union of its terms in seven fields, so for a candidate a frequent word does not
//! hold, each of its terms is sought: at 100,000 resolutions «наставничество педагогов 2023»
//! asks «педагогов» (five terms, 905,000 postings) about 100,000 candidates, and those seeks
//! were most of the search. Here the union's documents in a segment become a bit set, read
//! once from its postings: a candidate is then one bit, and the next document of the word
//! after a missing one a scan of a few words of bits. The terms' cursors still give the scores,
//! moved only to the documents that are scored.
//!
//! Reading a set costs about as much as the search that first needs it (a pass over all the
//! union's postings), and frequent words recur across searches (педагогов, обучающихся,
//! образовательных). So, as Lucene's query cache does for frequent filter clauses, a set is
//! read at the second search that needs it, not the first — a word asked once costs what it
//! did — and kept for the generation, least recently used first out past a budget of memory.
//! Only a union with postings in at least one document in [`DENSE_FROM`] of a segment gets
//! one: a rarer word's seeks are few and cheap, and its bits would cost more memory than its
//! postings.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, SegmentReader, TERMINATED, Term};

/// A union of terms gets a bit set in a segment when its postings there are at least one in
/// this many of the segment's documents (a set then costs at most two bytes a posting).
pub(crate) const DENSE_FROM: u64 = 16;

/// Memory the sets of an engine may hold, in bytes: 32 MB is 200 words at 1.25 M documents.
pub(crate) const BUDGET: usize = 32 << 20;

/// Unions seen once and not yet read are forgotten past this many (a few hundred KB).
const SEEN_AT_MOST: usize = 4_096;

/// The documents of one union of terms in one segment.
pub(crate) struct DocBits {
    words: Box<[u64]>,
}

impl DocBits {
    /// Whether `doc` is in the set.
    #[inline]
    pub(crate) fn contains(&self, doc: DocId) -> bool {
        self.words
            .get((doc / 64) as usize)
            .is_some_and(|word| word & (1 << (doc % 64)) != 0)
    }

    /// The first document of the set at or after `doc`, [`TERMINATED`] when there is none.
    #[inline]
    pub(crate) fn next_from(&self, doc: DocId) -> DocId {
        let mut index = (doc / 64) as usize;
        let Some(&first) = self.words.get(index) else {
            return TERMINATED;
        };
        let mut word = first & (u64::MAX << (doc % 64));
        loop {
            if word != 0 {
                return index as DocId * 64 + word.trailing_zeros();
            }
            index += 1;
            match self.words.get(index) {
                Some(&next) => word = next,
                None => return TERMINATED,
            }
        }
    }

    /// The documents of `terms` in the segment, read from their postings.
    fn read(reader: &SegmentReader, terms: &[Term]) -> tantivy::Result<Self> {
        let mut words = vec![0_u64; (reader.max_doc() as usize).div_ceil(64)];
        for term in terms {
            let inverted_index = reader.inverted_index(term.field())?;
            let Some(info) = inverted_index.get_term_info(term)? else {
                continue;
            };
            let mut block = inverted_index
                .read_block_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
            let mut left = info.doc_freq as usize;
            while left > 0 {
                let docs = block.docs();
                if docs.is_empty() {
                    break;
                }
                let docs = &docs[..docs.len().min(left)];
                for &doc in docs {
                    words[(doc / 64) as usize] |= 1 << (doc % 64);
                }
                left -= docs.len();
                block.advance();
            }
        }
        Ok(Self {
            words: words.into(),
        })
    }

    fn bytes(&self) -> usize {
        self.words.len() * 8
    }
}

/// The bit sets of frequent unions of terms of one generation, within a budget of memory.
pub(crate) struct DenseWords {
    budget: usize,
    kept: Mutex<Kept>,
}

type Key = (SegmentId, Box<[Term]>);

#[derive(Default)]
struct Kept {
    sets: HashMap<Key, KeptSet>,
    /// Unions asked for once, whose sets are read when they are asked for again.
    seen: HashSet<Key>,
    bytes: usize,
    /// Counts uses; an entry remembers the count of its last use.
    clock: u64,
}

struct KeptSet {
    bits: Arc<DocBits>,
    used: u64,
}

impl std::fmt::Debug for DenseWords {
    /// The sizes only: a query holding the sets may be logged, and the sets are megabytes.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.lock();
        formatter
            .debug_struct("DenseWords")
            .field("budget", &self.budget)
            .field("sets", &kept.sets.len())
            .field("bytes", &kept.bytes)
            .finish()
    }
}

impl Default for DenseWords {
    fn default() -> Self {
        Self::with_budget(BUDGET)
    }
}

impl DenseWords {
    /// Sets that together hold at most `budget` bytes.
    pub(crate) fn with_budget(budget: usize) -> Self {
        Self {
            budget,
            kept: Mutex::default(),
        }
    }

    /// Whether a union with `postings` postings in a segment of `max_doc` documents gets a set.
    pub(crate) fn is_dense(postings: u64, max_doc: DocId) -> bool {
        postings.saturating_mul(DENSE_FROM) >= u64::from(max_doc) && max_doc > 0
    }

    /// The set of `terms` in the segment: `None` the first time it is asked for, read and kept
    /// the second.
    pub(crate) fn of(
        &self,
        reader: &SegmentReader,
        terms: &[Term],
    ) -> tantivy::Result<Option<Arc<DocBits>>> {
        let key = (reader.segment_id(), Box::<[Term]>::from(terms));
        {
            let mut kept = self.lock();
            if let Some(bits) = kept.used(&key) {
                return Ok(Some(bits));
            }
            if !kept.seen.remove(&key) {
                if kept.seen.len() >= SEEN_AT_MOST {
                    kept.seen.clear();
                }
                kept.seen.insert(key);
                return Ok(None);
            }
        }
        // Read without the lock: two searches may read the same set at once, and one is kept.
        let bits = Arc::new(DocBits::read(reader, terms)?);
        Ok(Some(self.lock().keep(key, bits, self.budget)))
    }

    /// Bytes held, for tests.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.lock().bytes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // The sets are a cache: what a panicking search left is still valid.
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Kept {
    fn used(&mut self, key: &Key) -> Option<Arc<DocBits>> {
        self.clock += 1;
        let kept = self.sets.get_mut(key)?;
        kept.used = self.clock;
        Some(Arc::clone(&kept.bits))
    }

    fn keep(&mut self, key: Key, bits: Arc<DocBits>, budget: usize) -> Arc<DocBits> {
        self.clock += 1;
        if let Some(kept) = self.sets.get_mut(&key) {
            kept.used = self.clock;
            return Arc::clone(&kept.bits);
        }
        let bytes = bits.bytes();
        if bytes > budget {
            return bits;
        }
        while self.bytes + bytes > budget {
            let Some(oldest) = self
                .sets
                .iter()
                .min_by_key(|(_, kept)| kept.used)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            if let Some(evicted) = self.sets.remove(&oldest) {
                self.bytes -= evicted.bits.bytes();
            }
        }
        self.bytes += bytes;
        self.sets.insert(
            key,
            KeptSet {
                bits: Arc::clone(&bits),
                used: self.clock,
            },
        );
        bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    /// One segment of 1,000 documents: «a» in every third, «b» in every fifth (in another
    /// field), «c» in the last.
    fn index() -> (Index, Vec<Term>) {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let title = builder.add_text_field("title", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for n in 0..1_000_u32 {
            let mut document = TantivyDocument::default();
            if n % 3 == 0 {
                document.add_text(body, "a");
            }
            if n % 5 == 0 {
                document.add_text(title, "b");
            }
            if n == 999 {
                document.add_text(body, "c");
            }
            writer.add_document(document).expect("added");
        }
        writer.commit().expect("committed");
        let terms = vec![
            Term::from_field_text(body, "a"),
            Term::from_field_text(title, "b"),
            Term::from_field_text(body, "c"),
            Term::from_field_text(body, "absent"),
        ];
        (index, terms)
    }

    /// The set of `terms`, asked for twice: it is read the second time.
    fn read(words: &DenseWords, reader: &SegmentReader, terms: &[Term]) -> Arc<DocBits> {
        match words.of(reader, terms).expect("read") {
            Some(bits) => bits,
            None => words
                .of(reader, terms)
                .expect("read")
                .expect("read when asked again"),
        }
    }

    #[test]
    fn a_set_is_read_when_a_second_search_asks_for_it() {
        let (index, terms) = index();
        let searcher = index.reader().expect("reader").searcher();
        let reader = &searcher.segment_readers()[0];
        let words = DenseWords::default();
        assert!(words.of(reader, &terms).expect("read").is_none());
        assert_eq!(words.bytes(), 0);
        let bits = words
            .of(reader, &terms)
            .expect("read")
            .expect("the second time");
        assert_eq!(words.bytes(), 128);
        let again = words.of(reader, &terms).expect("read").expect("kept");
        assert!(Arc::ptr_eq(&bits, &again));
    }

    #[test]
    fn a_set_holds_the_documents_of_any_of_its_terms() {
        let (index, terms) = index();
        let searcher = index.reader().expect("reader").searcher();
        let reader = &searcher.segment_readers()[0];
        let bits = read(&DenseWords::default(), reader, &terms);
        let expected: Vec<DocId> = (0..1_000)
            .filter(|n| n % 3 == 0 || n % 5 == 0 || *n == 999)
            .collect();
        let held: Vec<DocId> = (0..1_000).filter(|&doc| bits.contains(doc)).collect();
        assert_eq!(held, expected);
        // Walking by `next_from` finds the same documents, then the end.
        let mut walked = Vec::new();
        let mut doc = bits.next_from(0);
        while doc != TERMINATED {
            walked.push(doc);
            doc = bits.next_from(doc + 1);
        }
        assert_eq!(walked, expected);
        assert_eq!(bits.next_from(1_000), TERMINATED);
        assert_eq!(bits.next_from(5_000), TERMINATED);
    }

    #[test]
    fn sets_past_the_budget_push_out_the_least_recently_used() {
        let (index, terms) = index();
        let searcher = index.reader().expect("reader").searcher();
        let reader = &searcher.segment_readers()[0];
        // 1,000 documents are 16 words of bits, 128 bytes: room for two sets.
        let words = DenseWords::with_budget(256);
        let kept = |terms: &[Term]| words.of(reader, terms).expect("read");
        let first = read(&words, reader, &terms[..1]);
        read(&words, reader, &terms[..2]);
        assert_eq!(words.bytes(), 256);
        // The first is used again, so the second goes when a third comes.
        assert!(kept(&terms[..1]).is_some_and(|bits| Arc::ptr_eq(&bits, &first)));
        read(&words, reader, &terms[1..2]);
        assert_eq!(words.bytes(), 256);
        assert!(kept(&terms[..1]).is_some_and(|bits| Arc::ptr_eq(&bits, &first)));
        assert!(kept(&terms[..2]).is_none(), "pushed out, so asked for anew");
    }

    #[test]
    fn only_a_union_in_one_document_in_sixteen_is_dense() {
        assert!(DenseWords::is_dense(100, 1_600));
        assert!(!DenseWords::is_dense(99, 1_600));
        assert!(!DenseWords::is_dense(0, 0));
    }
}
