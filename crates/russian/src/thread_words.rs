//! The index's three analyzers over one word table per thread, and the words of the last text.
//!
//! An index build analyses a resolution's body three times (the stem, exact and root fields)
//! and an item's text twice, and the texts of the later fields begin with the text of the
//! first: the exact forms are the body and the items it lacks, the roots the body and its
//! compounds. [`ThreadWords`] keeps, per thread, one table of every word seen (its token for
//! each analyzer, made when that analyzer first meets the word) and the words of the last text
//! it split (their byte ranges and table entries). A text that begins with that last text, as a
//! run of whole words, takes those words from the list instead of splitting the text and
//! looking each word up again; only its tail is split.
//!
//! tantivy's indexing threads analyse one field of one document at a time, so the three fields
//! of a document meet on one thread, one after another. Nothing depends on it but speed: the
//! last text is compared byte for byte, so the tokens are those of [`crate::CachedWords`]
//! whatever the order (the tests compare them).

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use crate::normalize::is_word_char;
use crate::tokenizer::next_word;

/// Distinct words a thread's table holds before it starts over (a few tens of megabytes at
/// most, outside tantivy's writer budget).
const MAX_THREAD_WORDS: usize = 1 << 17;

/// The analyzers that share a thread's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Stems (without synonym keys, which a filter after the table writes).
    Stem = 0,
    /// Derivational roots.
    Root = 1,
    /// Exact forms.
    Exact = 2,
}

const KINDS: usize = 3;

/// What a word gives each analyzer: `None` while that analyzer has not met it, then its token,
/// `None` when the analyzer drops the word.
type Analysed = [Option<Option<Box<str>>>; KINDS];

/// One thread's table of words and the words of the last text split.
#[derive(Default)]
struct Table {
    /// Word as written → its entry in `analysed`.
    ids: FxHashMap<Box<str>, u32>,
    analysed: Vec<Analysed>,
    /// A copy of the last text split from its start.
    last_text: String,
    /// Its words: byte range and entry.
    last_words: Vec<(usize, usize, u32)>,
    /// For each entry, the last stream of distinct words that gave it out (see
    /// [`ThreadWords::distinct`]), and the number of the current such stream.
    given_in: Vec<u32>,
    distinct_stream: u32,
}

impl Table {
    fn clear(&mut self) {
        self.ids.clear();
        self.analysed.clear();
        self.last_text.clear();
        self.last_words.clear();
        self.given_in.clear();
    }

    /// Numbers a new stream of distinct words; no entry is marked given in it yet.
    fn start_distinct_stream(&mut self) -> u32 {
        self.distinct_stream = self.distinct_stream.wrapping_add(1);
        if self.distinct_stream == 0 {
            self.given_in.clear();
            self.distinct_stream = 1;
        }
        self.distinct_stream
    }

    /// Marks an entry given in `stream`; false when it already was.
    fn give_once(&mut self, id: u32, stream: u32) -> bool {
        let index = id as usize;
        if self.given_in.len() <= index {
            self.given_in.resize(self.analysed.len().max(index + 1), 0);
        }
        let first = self.given_in[index] != stream;
        self.given_in[index] = stream;
        first
    }

    /// Whether `text` begins with the last text, its last word whole.
    fn continues_last(&self, text: &str) -> bool {
        let last = &self.last_text;
        !last.is_empty()
            && text.as_bytes().starts_with(last.as_bytes())
            && text
                .get(last.len()..)
                .is_some_and(|tail| tail.chars().next().is_none_or(|ch| !is_word_char(ch)))
    }

    /// The entry of a word, made when the word is new.
    fn id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = u32::try_from(self.analysed.len()).expect("the table is bounded");
        self.analysed.push(Analysed::default());
        self.ids.insert(Box::from(word), id);
        id
    }
}

thread_local! {
    static TABLE: RefCell<Option<Box<Table>>> = const { RefCell::new(None) };
}

/// Takes this thread's table (a new one while another stream of the thread holds it).
fn take_table() -> Box<Table> {
    TABLE
        .with(|table| table.borrow_mut().take())
        .unwrap_or_default()
}

fn put_table(table: Box<Table>) {
    // After the thread's table is gone (the thread ends) the table is dropped.
    let _ = TABLE.try_with(|slot| *slot.borrow_mut() = Some(table));
}

/// A tokenizer that gives the tokens of `per_word` run on each word of a text, over the
/// thread's table of words (see the module documentation).
///
/// `per_word` must start with [`crate::WordTokenizer`] and continue with filters that look at
/// one token at a time, and each [`Kind`] must be given one analyzer only.
#[derive(Clone)]
pub struct ThreadWords {
    per_word: TextAnalyzer,
    kind: Kind,
    capacity: usize,
    distinct: bool,
}

impl ThreadWords {
    pub(crate) fn new(per_word: TextAnalyzer, kind: Kind) -> ThreadWords {
        ThreadWords {
            per_word,
            kind,
            capacity: MAX_THREAD_WORDS,
            distinct: false,
        }
    }

    /// The same tokens, each word of a text given once (at its first position): for a field
    /// that records only which documents hold a term, where a repeated word is one more lookup
    /// in tantivy's table of terms and nothing else (the exact forms: 5 % of a build).
    pub(crate) fn distinct(per_word: TextAnalyzer, kind: Kind) -> ThreadWords {
        ThreadWords {
            distinct: true,
            ..ThreadWords::new(per_word, kind)
        }
    }

    #[cfg(test)]
    fn with_capacity(per_word: TextAnalyzer, kind: Kind, capacity: usize) -> ThreadWords {
        ThreadWords {
            per_word,
            kind,
            capacity,
            distinct: false,
        }
    }
}

impl Tokenizer for ThreadWords {
    type TokenStream<'a> = ThreadWordsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ThreadWordsStream<'a> {
        let mut table = take_table();
        if table.analysed.len() >= self.capacity {
            table.clear();
        }
        let (replay_len, next, recording) = if table.continues_last(text) {
            (table.last_words.len(), table.last_text.len(), false)
        } else {
            table.last_text.clear();
            table.last_text.push_str(text);
            table.last_words.clear();
            (0, 0, true)
        };
        let distinct_stream = if self.distinct {
            table.start_distinct_stream()
        } else {
            0
        };
        ThreadWordsStream {
            text,
            table: Some(table),
            per_word: &mut self.per_word,
            kind: self.kind as usize,
            token: Token::default(),
            replayed: 0,
            replay_len,
            next,
            position: replay_len,
            recording,
            finished: false,
            distinct_stream,
        }
    }
}

/// Token stream produced by [`ThreadWords`].
pub struct ThreadWordsStream<'a> {
    text: &'a str,
    /// The thread's table, given back when the stream is dropped.
    table: Option<Box<Table>>,
    per_word: &'a mut TextAnalyzer,
    kind: usize,
    token: Token,
    /// Words taken from the last text so far, and how many it has.
    replayed: usize,
    replay_len: usize,
    /// Byte offset where the search for the next word of the tail starts.
    next: usize,
    /// Position of the next word of the tail.
    position: usize,
    /// Whether the words split are recorded as the last text's.
    recording: bool,
    /// Whether every word was given out (a list recorded by a stream left unfinished is
    /// incomplete, and forgotten).
    finished: bool,
    /// The number of this stream when it gives each word once, else 0.
    distinct_stream: u32,
}

impl TokenStream for ThreadWordsStream<'_> {
    fn advance(&mut self) -> bool {
        let table = self.table.as_mut().expect("the table is held until drop");
        loop {
            let (from, to, id, position) = if self.replayed < self.replay_len {
                let (from, to, id) = table.last_words[self.replayed];
                self.replayed += 1;
                (from, to, id, self.replayed - 1)
            } else {
                let Some((from, to)) = next_word(self.text, self.next) else {
                    self.next = self.text.len();
                    self.finished = true;
                    return false;
                };
                self.next = to;
                self.position += 1;
                let id = table.id(&self.text[from..to]);
                if self.recording {
                    table.last_words.push((from, to, id));
                }
                (from, to, id, self.position - 1)
            };
            if self.distinct_stream != 0 && !table.give_once(id, self.distinct_stream) {
                continue;
            }
            let slot = &mut table.analysed[id as usize][self.kind];
            let analysed = slot.get_or_insert_with(|| {
                crate::cached::analyse_word(self.per_word, &self.text[from..to]).map(Box::from)
            });
            if let Some(text) = analysed {
                self.token.text.clear();
                self.token.text.push_str(text);
                self.token.offset_from = from;
                self.token.offset_to = to;
                self.token.position = position;
                return true;
            }
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Drop for ThreadWordsStream<'_> {
    fn drop(&mut self) {
        if let Some(mut table) = self.table.take() {
            if self.recording && !self.finished {
                table.last_text.clear();
                table.last_words.clear();
            }
            put_table(table);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::tests::{analysis_texts as texts, positioned};
    use crate::{analyzer_exact_uncached, analyzer_root_uncached, analyzer_stem_uncached};

    fn uncached(kind: Kind) -> TextAnalyzer {
        match kind {
            Kind::Stem => analyzer_stem_uncached(),
            Kind::Root => analyzer_root_uncached(),
            Kind::Exact => analyzer_exact_uncached(),
        }
    }

    /// Texts as an index build gives them: a text, then texts that begin with it (whole words
    /// or not), then others.
    fn build_sequence() -> Vec<String> {
        let mut sequence = Vec::new();
        for text in texts() {
            let cut = text.char_indices().nth(text.chars().count() / 2).unwrap().0;
            sequence.push(text.clone());
            sequence.push(format!("{text}\nдобавленный текст ёлки"));
            sequence.push(text.clone());
            sequence.push(format!("{text}ёлки и палки"));
            sequence.push(text[..cut].to_string());
            sequence.push(text.clone());
            sequence.push(format!("{text} "));
            sequence.push(String::new());
            sequence.push(text.clone());
        }
        sequence
    }

    #[test]
    fn thread_words_give_the_analyzer_tokens() {
        for capacity in [MAX_THREAD_WORDS, 5, 1] {
            let kinds = [Kind::Stem, Kind::Exact, Kind::Root];
            let mut ours = kinds.map(|kind| {
                TextAnalyzer::from(ThreadWords::with_capacity(uncached(kind), kind, capacity))
            });
            let mut reference = kinds.map(uncached);
            for text in build_sequence() {
                // Each text through every analyzer in turn, as the fields of a document.
                for (ours, reference) in ours.iter_mut().zip(reference.iter_mut()) {
                    assert_eq!(
                        positioned(ours, &text),
                        positioned(reference, &text),
                        "{capacity}"
                    );
                }
            }
        }
    }

    #[test]
    fn distinct_words_give_each_token_of_the_analyzer_once_at_its_first_position() {
        for capacity in [MAX_THREAD_WORDS, 5, 1] {
            let mut stem = TextAnalyzer::from(ThreadWords::with_capacity(
                uncached(Kind::Stem),
                Kind::Stem,
                capacity,
            ));
            let mut distinct = TextAnalyzer::from(ThreadWords {
                distinct: true,
                ..ThreadWords::with_capacity(uncached(Kind::Exact), Kind::Exact, capacity)
            });
            let mut reference = uncached(Kind::Exact);
            for text in build_sequence() {
                // As a build gives a document's fields: the stem field first, its words replayed.
                positioned(&mut stem, &text);
                let mut expected = positioned(&mut reference, &text);
                let mut seen = std::collections::HashSet::new();
                // The same word written alike is given once; «Школа» and «школа» are two words
                // of one token, as tantivy's table of terms takes them.
                expected.retain(|token| seen.insert(text[token.1..token.2].to_string()));
                assert_eq!(positioned(&mut distinct, &text), expected, "{capacity}");
            }
        }
    }

    #[test]
    fn a_stream_left_unfinished_leaves_no_list() {
        let text = &texts()[0];
        let longer = format!("{text}\nконец");
        let mut stem = TextAnalyzer::from(ThreadWords::new(analyzer_stem_uncached(), Kind::Stem));
        let mut root = TextAnalyzer::from(ThreadWords::new(analyzer_root_uncached(), Kind::Root));
        let mut stream = stem.token_stream(text);
        assert!(stream.advance() && stream.advance());
        drop(stream);
        assert_eq!(
            positioned(&mut root, &longer),
            positioned(&mut analyzer_root_uncached(), &longer)
        );
    }

    #[test]
    fn a_stream_inside_a_stream_gets_a_table_of_its_own() {
        let text = &texts()[0];
        let mut outer = TextAnalyzer::from(ThreadWords::new(analyzer_stem_uncached(), Kind::Stem));
        let mut inner = TextAnalyzer::from(ThreadWords::new(analyzer_root_uncached(), Kind::Root));
        let mut stream = outer.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push(stream.token().text.clone());
            if tokens.len() == 3 {
                assert_eq!(
                    positioned(&mut inner, text),
                    positioned(&mut analyzer_root_uncached(), text)
                );
            }
        }
        drop(stream);
        let expected: Vec<String> = positioned(&mut analyzer_stem_uncached(), text)
            .into_iter()
            .map(|token| token.0)
            .collect();
        assert_eq!(tokens, expected);
    }
}
