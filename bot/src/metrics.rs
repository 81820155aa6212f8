//! Process counters, rendered in Prometheus text format at `/metrics`.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds (seconds) of the handling-latency histogram.
const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
];

#[derive(Default)]
pub struct Metrics {
    pub events: AtomicU64,
    pub events_duplicate: AtomicU64,
    pub events_failed: AtomicU64,
    pub batches: AtomicU64,
    pub outbox_queued: AtomicU64,
    pub outbox_sent: AtomicU64,
    pub outbox_retried: AtomicU64,
    pub outbox_failed: AtomicU64,
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_us: AtomicU64,
}

pub static METRICS: std::sync::LazyLock<Metrics> = std::sync::LazyLock::new(Metrics::default);

impl Metrics {
    pub fn inc(c: &AtomicU64, by: u64) {
        c.fetch_add(by, Ordering::Relaxed);
    }

    pub fn observe_latency(&self, secs: f64) {
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.latency_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_us
            .fetch_add((secs * 1e6) as u64, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut s = String::new();
        let counters = [
            ("yunqi_events_total", "Inbound events handled", &self.events),
            (
                "yunqi_events_duplicate_total",
                "Inbound events dropped as already seen",
                &self.events_duplicate,
            ),
            (
                "yunqi_events_failed_total",
                "Inbound events whose handling failed",
                &self.events_failed,
            ),
            (
                "yunqi_write_batches_total",
                "Transactions committed by the writer",
                &self.batches,
            ),
            (
                "yunqi_outbox_queued_total",
                "Messages written to the outbox",
                &self.outbox_queued,
            ),
            (
                "yunqi_outbox_sent_total",
                "Messages delivered",
                &self.outbox_sent,
            ),
            (
                "yunqi_outbox_retried_total",
                "Delivery attempts that will be retried",
                &self.outbox_retried,
            ),
            (
                "yunqi_outbox_failed_total",
                "Messages failed permanently",
                &self.outbox_failed,
            ),
        ];
        for (name, help, c) in counters {
            let _ = writeln!(
                s,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                c.load(Ordering::Relaxed)
            );
        }
        let name = "yunqi_event_handle_seconds";
        let _ = writeln!(
            s,
            "# HELP {name} Time from submit to commit of an event\n# TYPE {name} histogram"
        );
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                s,
                "{name}_bucket{{le=\"{b}\"}} {}",
                self.latency_buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(s, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            s,
            "{name}_sum {}",
            self.latency_sum_us.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(s, "{name}_count {count}");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_and_rendered_in_prometheus_text() {
        let m = Metrics::default();
        m.observe_latency(0.0007);
        m.observe_latency(0.02);
        Metrics::inc(&m.events, 2);
        let text = m.render();
        assert!(text.contains("yunqi_events_total 2\n"), "{text}");
        assert!(text.contains("yunqi_event_handle_seconds_bucket{le=\"0.0005\"} 0\n"));
        assert!(text.contains("yunqi_event_handle_seconds_bucket{le=\"0.001\"} 1\n"));
        assert!(text.contains("yunqi_event_handle_seconds_bucket{le=\"0.025\"} 2\n"));
        assert!(text.contains("yunqi_event_handle_seconds_count 2\n"));
    }
}
