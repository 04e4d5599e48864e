//! A cache of search responses: the same search on the same index generation gives the same
//! answer, and popular searches («профориентация 2023») are asked again and again.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use edusearch_search::{SearchRequest, SearchResponse};
use lru::LruCache;

/// Responses by (index generation, request), least recently used evicted first. The
/// generation is part of the key, so a reload never serves an answer of the old index.
pub struct ResponseCache {
    entries: Option<Mutex<LruCache<Key, Arc<SearchResponse>>>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

type Key = (Option<PathBuf>, SearchRequest);

impl ResponseCache {
    /// A cache of at most `capacity` responses; 0 turns it off.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: NonZeroUsize::new(capacity)
                .map(|capacity| Mutex::new(LruCache::new(capacity))),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The cached response of a search, if any.
    pub fn get(
        &self,
        generation: Option<&PathBuf>,
        request: &SearchRequest,
    ) -> Option<Arc<SearchResponse>> {
        let entries = self.entries.as_ref()?;
        let key = (generation.cloned(), request.clone());
        let found = lock(entries).get(&key).cloned();
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Whether responses are kept at all (a capacity above 0).
    pub fn is_on(&self) -> bool {
        self.entries.is_some()
    }

    /// Keeps a response.
    pub fn put(
        &self,
        generation: Option<&PathBuf>,
        request: SearchRequest,
        response: Arc<SearchResponse>,
    ) {
        if let Some(entries) = &self.entries {
            lock(entries).put((generation.cloned(), request), response);
        }
    }

    /// Drops every response (after a reload: they can no longer be asked for).
    pub fn clear(&self) {
        if let Some(entries) = &self.entries {
            lock(entries).clear();
        }
    }

    /// (hits, misses) since start.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

/// A poisoned lock only means a request panicked while holding it; the cache stays usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(total: usize) -> Arc<SearchResponse> {
        Arc::new(SearchResponse {
            total,
            ..SearchResponse::default()
        })
    }

    #[test]
    fn answers_only_the_same_search_on_the_same_generation() {
        let cache = ResponseCache::new(2);
        let old = PathBuf::from("gen-1");
        let new = PathBuf::from("gen-2");
        let request = SearchRequest::query("профориентация");
        cache.put(Some(&old), request.clone(), response(7));
        assert_eq!(
            cache.get(Some(&old), &request).map(|found| found.total),
            Some(7)
        );
        assert!(cache.get(Some(&new), &request).is_none());
        let mut other = request.clone();
        other.filters.year = Some(2023);
        assert!(cache.get(Some(&old), &other).is_none());
        assert_eq!(cache.counts(), (1, 2));
    }

    #[test]
    fn keeps_the_most_recently_used_and_can_be_off() {
        let cache = ResponseCache::new(2);
        let [first, second, third] = ["а", "б", "в"].map(SearchRequest::query);
        cache.put(None, first.clone(), response(1));
        cache.put(None, second.clone(), response(2));
        assert!(cache.get(None, &first).is_some());
        cache.put(None, third.clone(), response(3));
        assert!(
            cache.get(None, &second).is_none(),
            "the least recently used goes"
        );
        assert!(cache.get(None, &first).is_some() && cache.get(None, &third).is_some());

        let off = ResponseCache::new(0);
        off.put(None, first.clone(), response(1));
        assert!(off.get(None, &first).is_none());
    }
}
