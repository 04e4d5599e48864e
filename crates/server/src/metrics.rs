//! Prometheus metrics: the counters of the server and their hand-rolled text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Upper bounds of the latency histogram buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Route label of requests that matched no route (kept constant to bound cardinality).
pub const UNMATCHED: &str = "unmatched";

/// Counters of the server, rendered by `GET /metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<RequestKey, u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    loads: AtomicU64,
    reload_failures: AtomicU64,
    last_load_unix_ms: AtomicU64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RequestKey {
    route: String,
    method: String,
    status: u16,
}

#[derive(Debug, Clone, Default)]
struct Histogram {
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bucket, bound) in self.buckets.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

impl Metrics {
    /// An index generation was opened (at start or by a reload).
    pub fn index_loaded(&self) {
        self.loads.fetch_add(1, Ordering::Relaxed);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_millis() as u64)
            .unwrap_or_default();
        self.last_load_unix_ms.store(now, Ordering::Relaxed);
    }

    /// A reload was attempted and failed.
    pub fn reload_failed(&self) {
        self.reload_failures.fetch_add(1, Ordering::Relaxed);
    }

    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let key = RequestKey {
            route: route.to_string(),
            method: method.to_string(),
            status,
        };
        *lock(&self.requests).entry(key).or_default() += 1;
        lock(&self.latency)
            .entry(route.to_string())
            .or_default()
            .observe(seconds);
    }

    /// The metrics in the Prometheus text exposition format.
    pub fn render(&self, documents: u64, generation: Option<&str>) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP edusearch_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE edusearch_http_requests_total counter\n");
        for (key, count) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "edusearch_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {count}",
                label(&key.route),
                label(&key.method),
                key.status
            );
        }
        out.push_str(
            "# HELP edusearch_http_request_duration_seconds Time to answer a request, by route.\n",
        );
        out.push_str("# TYPE edusearch_http_request_duration_seconds histogram\n");
        for (route, histogram) in lock(&self.latency).iter() {
            let route = label(route);
            for (bound, count) in LATENCY_BUCKETS.iter().zip(histogram.buckets) {
                let _ = writeln!(
                    out,
                    "edusearch_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "edusearch_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                out,
                "edusearch_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                histogram.sum
            );
            let _ = writeln!(
                out,
                "edusearch_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                histogram.count
            );
        }
        out.push_str("# HELP edusearch_index_documents Documents (resolutions and items) in the served index.\n");
        out.push_str("# TYPE edusearch_index_documents gauge\n");
        let _ = writeln!(out, "edusearch_index_documents {documents}");
        out.push_str("# HELP edusearch_index_generation_info The index generation being served.\n");
        out.push_str("# TYPE edusearch_index_generation_info gauge\n");
        let _ = writeln!(
            out,
            "edusearch_index_generation_info{{generation=\"{}\"}} 1",
            label(generation.unwrap_or("-"))
        );
        out.push_str(
            "# HELP edusearch_index_reloads_total Index generations loaded after start.\n",
        );
        out.push_str("# TYPE edusearch_index_reloads_total counter\n");
        let reloads = self.loads.load(Ordering::Relaxed).saturating_sub(1);
        let _ = writeln!(out, "edusearch_index_reloads_total {reloads}");
        out.push_str("# HELP edusearch_index_reload_failures_total Failed attempts to load a new generation.\n");
        out.push_str("# TYPE edusearch_index_reload_failures_total counter\n");
        let _ = writeln!(
            out,
            "edusearch_index_reload_failures_total {}",
            self.reload_failures.load(Ordering::Relaxed)
        );
        out.push_str("# HELP edusearch_index_last_reload_timestamp_seconds Unix time the served generation was loaded.\n");
        out.push_str("# TYPE edusearch_index_last_reload_timestamp_seconds gauge\n");
        let _ = writeln!(
            out,
            "edusearch_index_last_reload_timestamp_seconds {:.3}",
            self.last_load_unix_ms.load(Ordering::Relaxed) as f64 / 1000.0
        );
        out
    }
}

/// A poisoned lock only means another request panicked mid-update of a counter: keep counting.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Escapes a Prometheus label value.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
