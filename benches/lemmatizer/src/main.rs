//! Relevance of three analysis pipelines on the judged queries of `tests/relevance/`:
//! edusearch as shipped (Snowball stems + derivational roots), and the same with a dictionary
//! lemmatizer (rumorph, OpenCorpora) in place of the Snowball stemmer in the main text fields.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use edusearch_indexer::{BuildOptions, IndexRoot, IndexSchema, NoProgress, build_index, collect_files};
use edusearch_russian::{STOP_WORDS, YO_FOLD, analyzer_stem_name, register_analyzers};
use edusearch_search::eval::{evaluate, load_query_set, render_table};
use edusearch_search::{Engine, Pipeline};
use rumorph::Dictionary;
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};
use tantivy::{Index, IndexWriter, TantivyDocument};

/// Replaces a word with the lemma of its most probable dictionary analysis.
#[derive(Clone)]
struct LemmaFilter(Arc<Dictionary>);

impl TokenFilter for LemmaFilter {
    type Tokenizer<T: Tokenizer> = LemmaTokenizer<T>;
    fn transform<T: Tokenizer>(self, inner: T) -> LemmaTokenizer<T> {
        LemmaTokenizer { inner, dictionary: self.0 }
    }
}

#[derive(Clone)]
struct LemmaTokenizer<T> {
    inner: T,
    dictionary: Arc<Dictionary>,
}

impl<T: Tokenizer> Tokenizer for LemmaTokenizer<T> {
    type TokenStream<'a> = LemmaStream<'a, T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        LemmaStream { tail: self.inner.token_stream(text), dictionary: &self.dictionary }
    }
}

struct LemmaStream<'a, T> {
    tail: T,
    dictionary: &'a Dictionary,
}

impl<T: TokenStream> TokenStream for LemmaStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(analysis) = self.dictionary.analyze(&token.text).into_iter().next() {
            token.text = analysis.lemma.to_lowercase();
        }
        true
    }
    fn token(&self) -> &Token {
        self.tail.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

fn lemma_analyzer(dictionary: Arc<Dictionary>) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(80))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(STOP_WORDS.iter().map(|w| w.to_string())))
        .filter(LemmaFilter(dictionary))
        .filter(YO_FOLD)
        .build()
}

fn main() {
    let root_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = root_dir.join("index-data/resolutions");
    let set = load_query_set(
        &std::fs::read_to_string(root_dir.join("tests/relevance/queries.toml")).expect("query set"),
    )
    .expect("query set parses");

    let shipped_dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(shipped_dir.path());
    build_index(&root, &BuildOptions::new(&corpus), &NoProgress).expect("build");
    let shipped = Engine::open(&root).expect("open");

    let started = Instant::now();
    let dictionary = Arc::new(Dictionary::bundled().expect("bundled dictionary"));
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    let lemma_dir = tempfile::tempdir().unwrap();
    let schema = IndexSchema::new();
    let index = Index::create_in_dir(lemma_dir.path(), schema.schema.clone()).unwrap();
    register_analyzers(index.tokenizers());
    index.tokenizers().register(analyzer_stem_name(), lemma_analyzer(dictionary));
    let mut writer: IndexWriter<TantivyDocument> = index.writer(50_000_000).unwrap();
    let started = Instant::now();
    for file in collect_files(&corpus).unwrap() {
        let bytes = std::fs::read(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let resolution = edusearch_resolution::parse_resolution(&name, &bytes).unwrap();
        for document in schema.documents(&resolution) {
            writer.add_document(document).unwrap();
        }
    }
    writer.commit().unwrap();
    let index_ms = started.elapsed().as_secs_f64() * 1000.0;
    let lemmatized = Engine::from_index(index, schema).unwrap();

    let shipped_report = evaluate(&shipped, &set, Pipeline::Full).unwrap();
    let lemma_report = evaluate(&lemmatized, &set, Pipeline::Full).unwrap();
    println!("dictionary load {load_ms:.0} ms, lemmatized indexing of the seed corpus {index_ms:.0} ms\n");
    println!("left: Snowball + derivation (shipped); right: rumorph lemmas in place of Snowball\n");
    println!("{}", render_table(&shipped_report, &lemma_report));
}
