//! Arbitrary query strings: query understanding and synonym expansion never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|query: &str| {
    let understood = edusearch_search::understand(query);
    let _ = edusearch_search::Synonyms::builtin().expand(&understood.text);
});
