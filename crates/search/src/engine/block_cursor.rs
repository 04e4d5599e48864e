//! A term's postings in a segment, moved by their skip list and searched within the decoded
//! block without tantivy's per-seek calls.
//!
//! tantivy's `SegmentPostings::seek` asks its block postings to seek even when the target is
//! in the block already decoded: a call to the skip reader, a call to load the (loaded) block
//! and an 8-ary search over the 128 documents, about 95 instructions. In an intersection the
//! dense word is sought at every candidate of the rarer one, mostly within the same block
//! (at 100,000 resolutions «наставничество педагогов 2023» makes 82,000 such seeks a
//! search and 6,000 block loads). This cursor keeps its place in tantivy's
//! `BlockSegmentPostings` itself: a target within the block is found by a binary search of
//! seven steps, and only a target past the block goes through tantivy's seek (skip list,
//! decoding, search). Documents and term frequencies are the block's own, so a score is the
//! one tantivy's term scorer gives.
//!
//! The search must not branch: compiled with branches (which LLVM prefers for a binary
//! search) it made the query two to three times slower than tantivy's search, though it ran
//! fewer instructions — each step is a coin toss the processor mispredicts half the time.

use tantivy::DocId;
use tantivy::postings::BlockSegmentPostings;

/// Documents in a block of postings (tantivy's `COMPRESSION_BLOCK_SIZE`).
const BLOCK: usize = 128;

/// The position in a term's postings: a block and an index in it.
///
/// A block is always loaded. The last block of a term holds fewer documents and is padded
/// with [`TERMINATED`](tantivy::TERMINATED) (as is the empty block past the end), so the document at the block's
/// last index is the largest the block can answer for, and [`TERMINATED`](tantivy::TERMINATED) past the end.
#[derive(Clone)]
pub(crate) struct BlockCursor {
    block: BlockSegmentPostings,
    /// Index in the block, below [`BLOCK`].
    index: usize,
    /// The document at `index`, kept to be read without the block.
    doc: DocId,
}

impl BlockCursor {
    /// A cursor on the first document of `block`, freshly opened.
    pub(crate) fn new(block: BlockSegmentPostings) -> Self {
        let doc = block.doc(0);
        Self {
            block,
            index: 0,
            doc,
        }
    }

    /// The current document, [`TERMINATED`](tantivy::TERMINATED) past the last.
    #[inline]
    pub(crate) fn doc(&self) -> DocId {
        self.doc
    }

    /// The term's frequency in the current document (1 when the field has none recorded or
    /// they were not asked for).
    #[inline]
    pub(crate) fn term_freq(&self) -> u32 {
        self.block.freq(self.index % BLOCK)
    }

    /// The number of documents of the term in the segment, deleted ones included.
    pub(crate) fn doc_freq(&self) -> u32 {
        self.block.doc_freq()
    }

    /// The next document.
    #[inline]
    pub(crate) fn advance(&mut self) -> DocId {
        if self.index == BLOCK - 1 {
            self.block.advance();
            self.index = 0;
        } else {
            self.index += 1;
        }
        self.doc = self.block.doc(self.index % BLOCK);
        self.doc
    }

    /// The first document at or after `target`; the current one is before it.
    #[inline]
    pub(crate) fn seek(&mut self, target: DocId) -> DocId {
        debug_assert!(self.doc() < target);
        if self.block.doc(BLOCK - 1) >= target {
            self.index = self.lower_bound(target);
        } else {
            // Past this block: tantivy's skip list, decoding and search.
            self.index = self.block.seek(target);
        }
        self.doc = self.block.doc(self.index % BLOCK);
        self.doc
    }

    /// The index of the block's first document at or after `target`, which the block's last
    /// index holds or precedes: a binary search without branches, seven steps.
    #[inline]
    fn lower_bound(&self, target: DocId) -> usize {
        let mut base = 0;
        let mut step = BLOCK / 2;
        while step > 0 {
            // A select, not a branch (see the module documentation).
            let before = self.block.doc((base + step - 1) % BLOCK) < target;
            base = std::hint::select_unpredictable(before, base + step, base);
            step /= 2;
        }
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::postings::{Postings, SegmentPostings};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{DocSet, Index, TERMINATED, TantivyDocument, Term};

    /// One segment where «a» is in every `step`-th document for steps 1..=9 as term «sN»,
    /// three times in every fourth of them, so terms fill whole blocks, a partial last
    /// block, or exactly a number of whole blocks.
    fn postings(option: IndexRecordOption) -> Vec<(BlockCursor, SegmentPostings)> {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        let documents = 128 * 9 * 3;
        for n in 0..documents {
            let mut text = String::new();
            for step in 1..=9 {
                if n % step == 0 {
                    let word = format!("s{step} ");
                    text.push_str(&word);
                    if (n / step) % 4 == 0 {
                        text.push_str(&word);
                        text.push_str(&word);
                    }
                }
            }
            let mut document = TantivyDocument::default();
            document.add_text(body, &text);
            writer.add_document(document).expect("added");
        }
        writer.commit().expect("committed");
        let searcher = index.reader().expect("reader").searcher();
        let segment = searcher.segment_reader(0);
        let inverted = segment.inverted_index(body).expect("inverted index");
        (1..=9)
            .map(|step| {
                let term = Term::from_field_text(body, &format!("s{step}"));
                let info = inverted.get_term_info(&term).expect("read").expect("term");
                let block = inverted
                    .read_block_postings_from_terminfo(&info, option)
                    .expect("block postings");
                let reference = inverted
                    .read_postings_from_terminfo(&info, option)
                    .expect("postings");
                (BlockCursor::new(block), reference)
            })
            .collect()
    }

    #[test]
    fn seeks_and_advances_as_tantivys_postings() {
        for option in [IndexRecordOption::Basic, IndexRecordOption::WithFreqs] {
            for (mut ours, mut reference) in postings(option) {
                assert_eq!(ours.doc_freq(), reference.doc_freq());
                // Targets at every distance: within the block, the next block, far beyond.
                let mut target = 0;
                let mut distance = 1;
                loop {
                    if ours.doc() < target {
                        assert_eq!(ours.seek(target), reference.seek(target), "seek {target}");
                    }
                    assert_eq!(ours.doc(), reference.doc());
                    if distance % 3 == 0 && ours.doc() != TERMINATED {
                        assert_eq!(ours.advance(), reference.advance());
                    }
                    if ours.doc() == TERMINATED {
                        break;
                    }
                    assert_eq!(ours.term_freq(), reference.term_freq(), "at {}", ours.doc());
                    target = (ours.doc() + distance).min(TERMINATED);
                    // Every distance from 1 to 1,100 in turn, not in order.
                    distance = (distance * 7 + 3) % 1_100 + 1;
                }
                assert_eq!(ours.advance(), TERMINATED);
            }
        }
    }

    #[test]
    fn advances_through_every_document_as_tantivys_postings() {
        for (mut ours, mut reference) in postings(IndexRecordOption::WithFreqs) {
            let mut seen = 0;
            while reference.doc() != TERMINATED {
                assert_eq!(ours.doc(), reference.doc());
                assert_eq!(ours.term_freq(), reference.term_freq());
                seen += 1;
                ours.advance();
                reference.advance();
            }
            assert_eq!(ours.doc(), TERMINATED);
            assert_eq!(seen, reference.doc_freq());
        }
    }
}
