//! A compact latency histogram (log-linear buckets, as HDR histograms use) for put-to-get latency.
//!
//! Put-to-get latency is the time from a record's arrival in the stream to a consumer receiving it. AWS
//! documents its averages ("Develop consumers", the table comparing shared throughput and enhanced fan-out;
//! see `docs/aws-behaviour.md`): about 200 ms for one GetRecords consumer reading as fast as it may (5 calls
//! per second per shard), and typically 70 ms with enhanced fan-out. The simulation models it as a propagation
//! delay before a record is readable plus the wait for the reader's next turn, which is uniform because
//! arrivals fall at every phase of a reader's schedule:
//! - GetRecords: readable 100 ms after arrival ([`crate::limits::GET_RECORDS_VISIBILITY_MS`]), then read at
//!   the consumer's next poll: uniform on 100 ms to 100 ms + the polling interval. At 200 ms (5 polls/s) that
//!   is 100 to 300 ms, mean 200 ms; at the default 1 s, 100 to 1,100 ms, mean 600 ms (AWS: "typically below
//!   1 second" at one poll a second).
//! - Enhanced fan-out: readable 45 ms after arrival ([`crate::limits::FAN_OUT_VISIBILITY_MS`]), pushed at the
//!   subscription's next push (every 50 ms, [`crate::kinesis::PUSH_INTERVAL`]): uniform on 45 to 95 ms,
//!   mean 70 ms.
//!
//! Both delays are scenario settings; a reader that falls behind, or is throttled, adds its backlog on top.
//!
//! Values below 64 ms have a bucket each; above, every power of two is cut into 8 buckets, so a quantile is
//! off by at most 12.5 % (it reports the bucket's upper bound). Memory is fixed: 64 + 8 × 58 buckets.

use alloc::vec;
use alloc::vec::Vec;

const LINEAR: u64 = 64;
const SUB_BUCKETS: u64 = 8;

/// Counts of latencies in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatencyHistogram {
    counts: Vec<u64>,
    total: u64,
    sum_ms: u64,
    min_ms: u64,
    max_ms: u64,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self { counts: vec![0; (LINEAR + SUB_BUCKETS * 58) as usize], total: 0, sum_ms: 0, min_ms: u64::MAX, max_ms: 0 }
    }
}

fn bucket_of(ms: u64) -> usize {
    if ms < LINEAR {
        return ms as usize;
    }
    let power = 63 - u64::from(ms.leading_zeros()); // >= 6
    let sub = (ms >> (power - 3)) & (SUB_BUCKETS - 1);
    (LINEAR + (power - 6) * SUB_BUCKETS + sub) as usize
}

/// The largest value bucket `index` holds.
fn upper_bound(index: usize) -> u64 {
    let index = index as u64;
    if index < LINEAR {
        return index;
    }
    let power = (index - LINEAR) / SUB_BUCKETS + 6;
    let sub = (index - LINEAR) % SUB_BUCKETS;
    ((SUB_BUCKETS + sub + 1) << (power - 3)) - 1
}

impl LatencyHistogram {
    /// Adds `count` observations of `ms` milliseconds.
    pub fn record(&mut self, ms: u64, count: u64) {
        let index = bucket_of(ms).min(self.counts.len() - 1);
        self.counts[index] += count;
        self.total += count;
        self.sum_ms = self.sum_ms.saturating_add(ms.saturating_mul(count));
        self.max_ms = self.max_ms.max(ms);
        self.min_ms = self.min_ms.min(ms);
    }

    /// The smallest observation, exactly; `None` when empty.
    pub fn min_ms(&self) -> Option<u64> {
        (self.total > 0).then_some(self.min_ms)
    }

    /// How many observations it holds.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The mean observation, exactly; `None` when empty.
    pub fn mean_ms(&self) -> Option<f64> {
        (self.total > 0).then(|| self.sum_ms as f64 / self.total as f64)
    }

    /// The largest observation.
    pub fn max_ms(&self) -> u64 {
        self.max_ms
    }

    /// The `percent`-th percentile (0 to 100), as the upper bound of its bucket; `None` when empty.
    pub fn percentile(&self, percent: u8) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let rank = (self.total * u64::from(percent.min(100))).div_ceil(100).max(1);
        let mut seen = 0;
        for (index, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Some(upper_bound(index).min(self.max_ms));
            }
        }
        Some(self.max_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn buckets_cover_values_with_bounded_error() {
        for ms in [0, 1, 63, 64, 65, 100, 999, 1_000, 12_345, 300_000, 86_400_000] {
            let upper = upper_bound(bucket_of(ms));
            assert!(upper >= ms, "{ms} above its bucket's bound {upper}");
            assert!(upper - ms <= ms / 8, "{ms}: bound {upper} too loose");
        }
    }

    #[test]
    fn percentiles_of_a_known_distribution() {
        let mut h = LatencyHistogram::default();
        for ms in 1..=1_000 {
            h.record(ms, 1);
        }
        // Exact values: p50 = 500, p95 = 950, p99 = 990; buckets may report up to 12.5 % more.
        for (p, exact) in [(50, 500), (95, 950), (99, 990)] {
            let got = h.percentile(p).expect("not empty");
            assert!(got >= exact && got <= exact + exact / 8, "p{p}: {got}");
        }
        assert_eq!((h.count(), h.max_ms(), h.percentile(100)), (1_000, 1_000, Some(1_000)));
        assert_eq!(LatencyHistogram::default().percentile(50), None);
        // (1 + 1,000) / 2.
        assert_eq!(h.mean_ms(), Some(500.5));
        assert_eq!(LatencyHistogram::default().mean_ms(), None);
    }
}
