//! CloudWatch-style metrics: per-shard counters in one-second buckets with a bounded history.
//!
//! Field names follow the CloudWatch metric names of Kinesis Data Streams
//! (`IncomingBytes`, `IncomingRecords`, `WriteProvisionedThroughputExceeded`).

use crate::throttle::WriteLimit;
use alloc::collections::VecDeque;

/// How many one-second buckets each shard keeps (ten minutes).
pub(crate) const HISTORY_SECS: usize = 600;

/// Counters that cover one second of simulated time.
pub trait PerSecond: Copy {
    /// Zeroed counters for `second`.
    fn empty(second: u64) -> Self;
    /// The second they cover.
    fn second(&self) -> u64;
}

/// The last [`HISTORY_SECS`] seconds of some per-second counters, oldest first; seconds with no activity
/// have no bucket.
#[derive(Clone, Debug)]
pub struct History<B> {
    buckets: VecDeque<B>,
}

impl<B> Default for History<B> {
    fn default() -> Self {
        Self { buckets: VecDeque::new() }
    }
}

impl<B: PerSecond> History<B> {
    /// The counters of `second`: zero if nothing happened then or it has left the history.
    pub fn second(&self, second: u64) -> B {
        // Buckets are in increasing order of second, so search from the newest.
        self.buckets
            .iter()
            .rev()
            .find(|b| b.second() <= second)
            .filter(|b| b.second() == second)
            .copied()
            .unwrap_or(B::empty(second))
    }

    /// The buckets kept, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &B> {
        self.buckets.iter()
    }

    /// The bucket of `second` (the newest or a new one), dropping the oldest when full.
    pub(crate) fn at(&mut self, second: u64) -> &mut B {
        if self.buckets.back().is_none_or(|b| b.second() != second) {
            if self.buckets.len() == HISTORY_SECS {
                self.buckets.pop_front();
            }
            self.buckets.push_back(B::empty(second));
        }
        self.buckets.back_mut().expect("bucket pushed above")
    }
}

/// One shard's counters for one second of simulated time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ShardSecond {
    /// The second these counters cover: `[second, second + 1)` seconds since the epoch.
    pub second: u64,
    /// `IncomingBytes`: bytes accepted, data plus partition key.
    pub incoming_bytes: u64,
    /// `IncomingRecords`: records accepted.
    pub incoming_records: u64,
    /// `WriteProvisionedThroughputExceeded`: records rejected by the shard's write limits.
    pub write_provisioned_throughput_exceeded: u64,
    /// Of those, the records rejected by the 1,000 records/s limit.
    pub throttled_by_record_limit: u64,
    /// Of those, the records rejected by an injected fault (the rest broke the 1 MiB/s limit).
    pub throttled_by_fault: u64,
    /// `OutgoingBytes`: bytes returned by GetRecords.
    pub outgoing_bytes: u64,
    /// `OutgoingRecords`: records returned by GetRecords.
    pub outgoing_records: u64,
    /// `GetRecords.Success`: GetRecords calls answered.
    pub get_records_success: u64,
    /// `ReadProvisionedThroughputExceeded`: GetRecords calls refused by the shared read limits.
    pub read_provisioned_throughput_exceeded: u64,
    /// `GetRecords.IteratorAgeMilliseconds` (maximum over the second).
    pub iterator_age_ms_max: u64,
}

impl ShardSecond {
    /// The limit that rejected most of the second's refused writes (the records limit on a tie).
    pub fn dominant_write_limit(&self) -> WriteLimit {
        let by_records = self.throttled_by_record_limit;
        let by_fault = self.throttled_by_fault;
        let by_bytes = self.write_provisioned_throughput_exceeded.saturating_sub(by_records + by_fault);
        if by_fault > by_records.max(by_bytes) {
            WriteLimit::InjectedFault
        } else if by_records >= by_bytes {
            WriteLimit::Records
        } else {
            WriteLimit::Bytes
        }
    }
}

/// Counters since the stream was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ShardTotals {
    /// Bytes accepted, data plus partition key.
    pub incoming_bytes: u64,
    /// Records accepted.
    pub incoming_records: u64,
    /// Records rejected with `ProvisionedThroughputExceededException`.
    pub write_provisioned_throughput_exceeded: u64,
    /// Bytes returned by GetRecords.
    pub outgoing_bytes: u64,
    /// Records returned by GetRecords.
    pub outgoing_records: u64,
    /// GetRecords calls refused by the shared read limits.
    pub read_provisioned_throughput_exceeded: u64,
}

/// A shard's metrics: recent one-second buckets plus lifetime totals.
#[derive(Clone, Debug, Default)]
pub struct ShardMetrics {
    history: History<ShardSecond>,
    /// Counters since creation.
    pub totals: ShardTotals,
}

impl ShardMetrics {
    /// Counts an accepted record of `bytes` in `second`.
    pub(crate) fn record_accepted(&mut self, second: u64, bytes: u64) {
        let bucket = self.bucket_mut(second);
        bucket.incoming_records += 1;
        bucket.incoming_bytes += bytes;
        self.totals.incoming_records += 1;
        self.totals.incoming_bytes += bytes;
    }

    /// Counts a record rejected in `second` for breaking `limit`.
    pub(crate) fn record_throttled(&mut self, second: u64, limit: WriteLimit) {
        let bucket = self.bucket_mut(second);
        bucket.write_provisioned_throughput_exceeded += 1;
        match limit {
            WriteLimit::Records => bucket.throttled_by_record_limit += 1,
            WriteLimit::InjectedFault => bucket.throttled_by_fault += 1,
            WriteLimit::Bytes => {}
        }
        self.totals.write_provisioned_throughput_exceeded += 1;
    }

    /// Counts a GetRecords call that returned `records` records of `bytes` bytes, `iterator_age_ms` behind.
    pub(crate) fn record_read(&mut self, second: u64, records: u64, bytes: u64, iterator_age_ms: u64) {
        let bucket = self.bucket_mut(second);
        bucket.get_records_success += 1;
        bucket.outgoing_records += records;
        bucket.outgoing_bytes += bytes;
        bucket.iterator_age_ms_max = bucket.iterator_age_ms_max.max(iterator_age_ms);
        self.totals.outgoing_records += records;
        self.totals.outgoing_bytes += bytes;
    }

    /// Counts a GetRecords call refused by the read limits.
    pub(crate) fn record_read_throttled(&mut self, second: u64) {
        self.bucket_mut(second).read_provisioned_throughput_exceeded += 1;
        self.totals.read_provisioned_throughput_exceeded += 1;
    }

    /// The counters of `second`: zero if nothing happened then or it has left the history.
    pub fn second(&self, second: u64) -> ShardSecond {
        self.history.second(second)
    }

    /// The buckets kept, oldest first; seconds with no activity have no bucket.
    pub fn history(&self) -> impl DoubleEndedIterator<Item = &ShardSecond> {
        self.history.iter()
    }

    fn bucket_mut(&mut self, second: u64) -> &mut ShardSecond {
        self.history.at(second)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn counts_land_in_their_second() {
        let mut m = ShardMetrics::default();
        m.record_accepted(3, 100);
        m.record_accepted(3, 50);
        m.record_throttled(3, WriteLimit::Bytes);
        m.record_accepted(5, 1);
        let third = m.second(3);
        assert_eq!((third.incoming_records, third.incoming_bytes), (2, 150));
        assert_eq!(third.write_provisioned_throughput_exceeded, 1);
        assert_eq!(third.throttled_by_record_limit, 0);
        assert_eq!(m.second(4), ShardSecond { second: 4, ..ShardSecond::default() });
        assert_eq!(m.totals.incoming_records, 3);
    }

    #[test]
    fn history_is_bounded() {
        let mut m = ShardMetrics::default();
        for s in 0..(HISTORY_SECS as u64 + 10) {
            m.record_accepted(s, 1);
        }
        assert_eq!(m.history().count(), HISTORY_SECS);
        assert_eq!(m.second(0).incoming_records, 0, "oldest bucket dropped");
        assert_eq!(m.totals.incoming_records, HISTORY_SECS as u64 + 10);
    }
}

/// One stream's API-level counters for one second (the stream-level CloudWatch metrics that are not sums
/// of shard metrics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct StreamSecond {
    /// The second these counters cover.
    pub second: u64,
    /// `PutRecord.Success`: PutRecord calls that wrote their record.
    pub put_record_success: u64,
    /// `PutRecord.Bytes`: bytes written by successful PutRecord calls.
    pub put_record_bytes: u64,
    /// `PutRecords.Success`: PutRecords calls with at least one record written.
    pub put_records_success: u64,
    /// `PutRecords.TotalRecords`: records sent in PutRecords calls.
    pub put_records_total_records: u64,
    /// `PutRecords.SuccessfulRecords`.
    pub put_records_successful_records: u64,
    /// `PutRecords.FailedRecords`: records that failed for a reason other than throttling.
    pub put_records_failed_records: u64,
    /// `PutRecords.ThrottledRecords`.
    pub put_records_throttled_records: u64,
    /// `PutRecords.Bytes`: bytes written by PutRecords calls.
    pub put_records_bytes: u64,
    /// `SubscribeToShard.Success`: SubscribeToShard calls accepted.
    pub subscribe_to_shard_success: u64,
    /// `SubscribeToShardEvent.Records`: records pushed to enhanced fan-out consumers.
    pub subscribe_to_shard_event_records: u64,
    /// `SubscribeToShardEvent.Bytes`: bytes pushed to enhanced fan-out consumers.
    pub subscribe_to_shard_event_bytes: u64,
    /// `SubscribeToShardEvent.MillisBehindLatest` (maximum over the second).
    pub subscribe_to_shard_event_millis_behind_latest_max: u64,
}

/// A stream's API-level metrics: recent one-second buckets.
pub type StreamMetrics = History<StreamSecond>;

impl PerSecond for ShardSecond {
    fn empty(second: u64) -> Self {
        Self { second, ..Self::default() }
    }
    fn second(&self) -> u64 {
        self.second
    }
}

impl PerSecond for StreamSecond {
    fn empty(second: u64) -> Self {
        Self { second, ..Self::default() }
    }
    fn second(&self) -> u64 {
        self.second
    }
}
