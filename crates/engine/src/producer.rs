//! Simulated producers: clients that write to a stream the way the real libraries do.
//!
//! A producer makes user records at its [`RateProfile`] with sizes from a [`SizeProfile`] and keys from a
//! [`KeyProfile`], and sends them in its [`ClientStyle`]: one PutRecord each (an SDK loop), PutRecords
//! batches (batch size and linger), or the KPL (aggregation into the KPL format, collection into PutRecords,
//! `RecordMaxBufferedTime`). Throttled records are retried with exponential backoff and full jitter
//! ([`RetryPolicy`]); an injected timeout makes a client retry a call that had in fact succeeded, which
//! writes a duplicate. The simulation drives it; this module holds its configuration and state.

use crate::error::ConfigError;
use crate::limits::{PUT_RECORDS_RECORDS_MAX, RECORD_BYTES_MAX, SIM_PRODUCER_RECORDS_PER_SEC_MAX};
use crate::record_source::SourceSpec;
use crate::rng::Rng;
use crate::sorted_map::SortedMap;
use crate::time::{SimDuration, SimTime};
use crate::workload::{Key, KeyProfile, KeySampler, RateProfile, SizeProfile};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// How a producer's client sends records.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
pub enum ClientStyle {
    /// One PutRecord call per record (an AWS SDK loop).
    PutRecord,
    /// PutRecords batches: sent when `batch_max_records` are waiting or `linger_ms` after the first.
    PutRecords {
        /// Records per call, 1 to 500.
        batch_max_records: u32,
        /// How long the first record of a batch waits for company.
        linger_ms: u32,
    },
    /// The Kinesis Producer Library: aggregation and collection.
    Kpl(KplConfig),
}

/// The KPL settings Shardlab models (defaults from the KPL's `default_config.properties`, `docs/aws-behaviour.md`
/// §2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// No `deny_unknown_fields`: serde cannot combine it with the `type` tag of the enclosing variant.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(default))]
pub struct KplConfig {
    /// `AggregationMaxSize`: an aggregated record stays at or under this many bytes.
    pub aggregation_max_bytes: u32,
    /// `CollectionMaxCount`: aggregated records per PutRecords call.
    pub collection_max_count: u32,
    /// `RecordMaxBufferedTime`: how long a user record may wait before its aggregate is sent.
    pub record_max_buffered_time_ms: u32,
    /// `RateLimit`: the most the KPL sends to one shard, in percent of the shard's write limits (0 = off).
    /// Records beyond it wait in the KPL instead of being throttled.
    pub rate_limit_percent: u32,
}

impl Default for KplConfig {
    fn default() -> Self {
        Self {
            aggregation_max_bytes: 51_200,
            collection_max_count: 500,
            record_max_buffered_time_ms: 100,
            rate_limit_percent: 150,
        }
    }
}

/// How a client retries throttled records: attempt `n` (from 1) waits a random time up to
/// `min(max_backoff_ms, base_backoff_ms * 2^(n-1))` ("full jitter").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 means no retries.
    pub max_attempts: u32,
    /// The first backoff's upper bound.
    pub base_backoff_ms: u32,
    /// No backoff exceeds this.
    pub max_backoff_ms: u32,
}

impl RetryPolicy {
    /// No retries: a throttled record is dropped.
    pub const NONE: Self = Self { max_attempts: 1, base_backoff_ms: 0, max_backoff_ms: 0 };
    /// AWS SDK-like standard retries: 3 attempts, 100 ms base, 20 s cap.
    pub const SDK_STANDARD: Self = Self { max_attempts: 3, base_backoff_ms: 100, max_backoff_ms: 20_000 };

    /// The wait before attempt `attempt + 1`, after `attempt` failed attempts.
    pub(crate) fn backoff(&self, attempt: u32, rng: &mut Rng) -> SimDuration {
        let exponent = attempt.saturating_sub(1).min(30);
        let cap = u64::from(self.base_backoff_ms).saturating_mul(1 << exponent).min(u64::from(self.max_backoff_ms));
        SimDuration::from_millis(rng.below(cap + 1))
    }
}

/// How a producer behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct ProducerConfig {
    /// A name for people.
    pub name: String,
    /// The data stream it writes to (by default [`crate::DEFAULT_STREAM_NAME`]).
    pub stream_name: String,
    /// How fast it makes user records.
    pub rate: RateProfile,
    /// How big their data is.
    pub size: SizeProfile,
    /// Their keys.
    pub keys: KeyProfile,
    /// How the client sends them.
    pub client: ClientStyle,
    /// How it retries throttled records.
    pub retry: RetryPolicy,
    /// Percent of successful calls whose answer is lost, so the client retries and writes a duplicate.
    pub timeout_percent: u8,
    /// What the records contain; a template's records have their rendered length, not the size profile's.
    pub payload: crate::template::PayloadTemplate,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        Self::steady("clickstream", 500, 512, 10_000)
    }
}

impl ProducerConfig {
    /// A producer making `records_per_sec` records of `record_bytes` over `distinct_keys` uniform keys,
    /// one PutRecord each, no retries: the simplest client.
    pub fn steady(name: &str, records_per_sec: u32, record_bytes: u32, distinct_keys: u32) -> Self {
        Self {
            name: name.into(),
            stream_name: crate::DEFAULT_STREAM_NAME.into(),
            rate: RateProfile::Constant { records_per_sec },
            size: SizeProfile::Fixed { bytes: record_bytes },
            keys: KeyProfile::Uniform { keys: distinct_keys },
            client: ClientStyle::PutRecord,
            retry: RetryPolicy::NONE,
            timeout_percent: 0,
            payload: crate::template::PayloadTemplate::Zeros,
        }
    }

    /// Every problem with this configuration, worded for the person who set it.
    pub(crate) fn problems(&self, out: &mut Vec<String>) {
        let name = &self.name;
        if let RateProfile::Trace { points } = &self.rate {
            // A trace built in code or a scenario file skips `parse_trace`'s checks: repeat them here.
            if points.is_empty() || points.len() > crate::workload::TRACE_POINTS_MAX {
                out.push(format!(
                    "Producer '{name}' trace has {} records; it needs 1 to {}.",
                    points.len(),
                    crate::workload::TRACE_POINTS_MAX
                ));
                return;
            }
            if points.windows(2).any(|w| w[0].at_ms > w[1].at_ms) {
                out.push(format!("Producer '{name}' trace is not in time order; sort it by at_ms."));
                return;
            }
        }
        let peak = self.rate.peak();
        if peak > SIM_PRODUCER_RECORDS_PER_SEC_MAX {
            out.push(format!(
                "Producer '{name}' rate is {peak} records/s; the simulator allows 0 to {SIM_PRODUCER_RECORDS_PER_SEC_MAX}."
            ));
        }
        let key_bytes_max = self.key_bytes_max();
        let bytes = match &self.rate {
            RateProfile::Trace { points } => points.iter().map(|p| p.bytes).max().unwrap_or(0),
            _ => self.size.max_bytes(),
        };
        if u64::from(bytes) + key_bytes_max > RECORD_BYTES_MAX {
            out.push(format!(
                "Producer '{name}' record size is {bytes} bytes; data plus partition key must fit in {RECORD_BYTES_MAX} bytes \
                 (1 MiB), so with its {key_bytes_max}-byte keys the data may be at most {} bytes.",
                RECORD_BYTES_MAX - key_bytes_max
            ));
        }
        match self.keys {
            KeyProfile::Uniform { keys: 0 } | KeyProfile::Zipf { keys: 0 } => {
                out.push(format!("Producer '{name}' needs at least 1 distinct partition key."));
            }
            KeyProfile::HotKey { hot_percent, .. } if hot_percent > 100 => {
                out.push(format!("Producer '{name}' hot-key share is {hot_percent} %; it must be 0 to 100 %."));
            }
            _ => {}
        }
        if let SizeProfile::Bimodal { large_percent, .. } = self.size
            && large_percent > 100
        {
            out.push(format!("Producer '{name}' large-record share is {large_percent} %; it must be 0 to 100 %."));
        }
        match self.client {
            ClientStyle::PutRecords { batch_max_records, .. }
                if !(1..=PUT_RECORDS_RECORDS_MAX as u32).contains(&batch_max_records) =>
            {
                out.push(format!(
                    "Producer '{name}' batches {batch_max_records} records per PutRecords call; AWS allows 1 to 500."
                ));
            }
            ClientStyle::Kpl(kpl) if !(1..=PUT_RECORDS_RECORDS_MAX as u32).contains(&kpl.collection_max_count) => {
                out.push(format!(
                    "Producer '{name}' collects {} records per PutRecords call; AWS allows 1 to 500.",
                    kpl.collection_max_count
                ));
            }
            ClientStyle::Kpl(kpl) if u64::from(kpl.aggregation_max_bytes) > RECORD_BYTES_MAX => {
                out.push(format!(
                    "Producer '{name}' aggregates up to {} bytes; a record may be at most {RECORD_BYTES_MAX} bytes.",
                    kpl.aggregation_max_bytes
                ));
            }
            _ => {}
        }
        if !(1..=10).contains(&self.retry.max_attempts) {
            out.push(format!("Producer '{name}' makes {} attempts; allow 1 to 10.", self.retry.max_attempts));
        }
        if self.timeout_percent > 100 {
            out.push(format!("Producer '{name}' timeout share is {} %; it must be 0 to 100 %.", self.timeout_percent));
        }
    }

    /// The length of the longest partition key it uses, in bytes.
    fn key_bytes_max(&self) -> u64 {
        let digits = |n: u32| {
            let mut digits = 1;
            let mut n = n.saturating_sub(1);
            while n >= 10 {
                n /= 10;
                digits += 1;
            }
            digits
        };
        match self.keys {
            KeyProfile::Uniform { keys } | KeyProfile::Zipf { keys } => "user-".len() as u64 + digits(keys),
            KeyProfile::HotKey { keys, .. } => "user-".len() as u64 + digits(keys),
            KeyProfile::RandomUuid => 36,
            KeyProfile::ExplicitHashKey => 3,
        }
    }

    /// Checks this configuration alone.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        self.problems(&mut problems);
        if problems.is_empty() { Ok(()) } else { Err(ConfigError { problems }) }
    }
}

/// What a producer has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProducerTotals {
    /// User records made.
    pub attempted: u64,
    /// User records written (counted once, however often they were sent).
    pub accepted: u64,
    /// Records (or KPL aggregates) refused with `ProvisionedThroughputExceededException`, attempts included.
    pub throttled: u64,
    /// Records answered with any other error.
    pub failed: u64,
    /// Records sent again after a throttle or a timeout.
    pub retried: u64,
    /// User records given up: after their last attempt, unsent after the KPL's `RecordTtl`, or refused
    /// while [`OUTSTANDING_RECORDS_MAX`] were outstanding.
    pub dropped: u64,
    /// User records written more than once (a retry after a lost answer).
    pub duplicates: u64,
    /// Kinesis API calls made.
    pub api_calls: u64,
    /// Kinesis records sent (a KPL aggregate counts once).
    pub kinesis_records: u64,
    /// Sum of each written user record's time from being made to being written, in ms.
    pub latency_ms_total: u64,
    /// The longest of those times.
    pub latency_ms_max: u64,
}

/// A user record waiting in the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UserRecord {
    /// Its index among the records the producer made (from 0): its key and size are drawn from it.
    pub(crate) index: u64,
    /// Its key; empty when `key_number` gives it.
    pub(crate) key: Key,
    /// A derivable producer's numbered key (`user-N`) by its number, not written out.
    pub(crate) key_number: Option<u32>,
    pub(crate) bytes: u32,
    /// The template seed of its content (with [`ProducerConfig::payload`]).
    pub(crate) seed: u64,
    pub(crate) made_at: SimTime,
    /// Set once a copy is in the stream.
    pub(crate) written: bool,
}

/// One Kinesis record the client sends: a user record, or a KPL aggregate of several.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Outgoing {
    /// Its first user record (a plain record's only one: no allocation per record).
    pub(crate) first: UserRecord,
    /// A KPL aggregate's other user records, in order.
    pub(crate) rest: Vec<UserRecord>,
    /// Attempts made so far.
    pub(crate) attempts: u32,
    /// A KPL aggregate's encoded length in bytes; `None` for a plain user record.
    pub(crate) aggregated_len_bytes: Option<u32>,
}

impl Outgoing {
    /// A plain user record, not yet sent.
    pub(crate) fn plain(record: UserRecord) -> Self {
        Self { first: record, rest: Vec::new(), attempts: 0, aggregated_len_bytes: None }
    }

    /// Its user records, in order.
    pub(crate) fn user_records(&self) -> impl Iterator<Item = &UserRecord> {
        core::iter::once(&self.first).chain(&self.rest)
    }

    /// Its user records, in order, to update.
    pub(crate) fn user_records_mut(&mut self) -> impl Iterator<Item = &mut UserRecord> {
        core::iter::once(&mut self.first).chain(&mut self.rest)
    }

    /// How many user records it holds.
    pub(crate) fn user_record_count(&self) -> u64 {
        1 + self.rest.len() as u64
    }

    /// Bytes it counts against the write limits: its data plus the partition key.
    pub(crate) fn size_bytes(&self) -> u64 {
        let data = self.aggregated_len_bytes.unwrap_or(self.first.bytes);
        let key_len = match self.first.key_number {
            Some(number) => crate::shard_log::numbered_key_len(number),
            None => self.first.key.partition_key.len() as u64,
        };
        u64::from(data) + key_len
    }
}

/// KPL: the aggregate being filled for one predicted shard, with its length kept up to date.
#[derive(Clone, Debug, Default)]
pub(crate) struct Aggregate {
    pub(crate) user_records: Vec<UserRecord>,
    pub(crate) len: crate::kpl::AggregatedLen,
}

impl Aggregate {
    /// Seals it as one Kinesis record (`None` when it holds no user record).
    pub(crate) fn seal(self) -> Option<Outgoing> {
        let len = u32::try_from(self.len.bytes()).unwrap_or(u32::MAX);
        let mut records = self.user_records.into_iter();
        let first = records.next()?;
        Some(Outgoing { first, rest: records.collect(), attempts: 0, aggregated_len_bytes: Some(len) })
    }
}

/// User records one producer may hold at once (buffered, in aggregates, or waiting for a retry) before it
/// gives up new ones: a simulator bound on a producer's memory, as an application that watches the KPL's
/// `getOutstandingRecordsCount()` stops adding records while the library is backed up.
pub const OUTSTANDING_RECORDS_MAX: u64 = 100_000;

/// A running producer.
#[derive(Clone, Debug)]
pub struct Producer {
    /// Its configuration.
    pub config: ProducerConfig,
    /// Its results so far.
    pub totals: ProducerTotals,
    pub(crate) rng: Rng,
    keys: KeySampler,
    /// The seed of each record's own generator ([`Rng::for_index`]): record `i`'s key and size.
    record_seed: u64,
    /// How its records can be made again from their index, when they can ([`SourceSpec::derivable`]).
    pub(crate) spec: Option<Arc<SourceSpec>>,
    /// Records made so far (the next record's index).
    made: u64,
    /// The instant a constant rate took effect; emissions are spaced from here without drift.
    anchor: SimTime,
    emitted_since_anchor: u64,
    /// When the last record was made (for non-constant rates).
    last_emit: Option<SimTime>,
    /// Bumped on every rate change, so stale timers are ignored.
    pub(crate) generation: u64,
    /// Records (or aggregates) waiting for a batch to fill.
    pub(crate) batch: Vec<Outgoing>,
    /// KPL: the aggregate being filled, per predicted shard.
    pub(crate) aggregating: SortedMap<u32, Aggregate>,
    /// KPL: sealed aggregates waiting to be sent, per predicted shard, oldest first (the rate limit holds
    /// them back in order).
    pub(crate) sealed: SortedMap<u32, alloc::collections::VecDeque<Outgoing>>,
    /// KPL: aggregates sealed since the last flush; `CollectionMaxCount` of them start one.
    pub(crate) sealed_since_flush: u32,
    /// User records made but not yet written or given up: buffered, in aggregates, or waiting for a retry.
    pub(crate) outstanding: u64,
    /// Work the client has done: user records looked at while aggregating, sealing, rate limiting or
    /// encoding (what a test counts to show the KPL's work is linear in the records it makes).
    pub(crate) work_units: u64,
    /// Bumped when the batch is sent, so a stale linger timer is ignored.
    pub(crate) batch_generation: u64,
    /// Retries waiting for their backoff to end, by id.
    pub(crate) retries: BTreeMap<u64, Vec<Outgoing>>,
    pub(crate) next_retry_id: u64,
    /// KPL rate limiting: per predicted shard, (records, bytes) still allowed, in millionths, as of a time.
    pub(crate) shard_allowance: SortedMap<u32, (u64, u64, SimTime)>,
}

impl Producer {
    pub(crate) fn new(config: ProducerConfig, rng: Rng) -> Self {
        let mut rng = rng;
        let record_seed = rng.next_u64();
        let spec = SourceSpec::derivable(&config).then(|| Arc::new(SourceSpec::new(&config, record_seed)));
        Self {
            keys: KeySampler::new(config.keys.clone()),
            record_seed,
            spec,
            made: 0,
            config,
            totals: ProducerTotals::default(),
            rng,
            anchor: SimTime::ZERO,
            emitted_since_anchor: 0,
            last_emit: None,
            generation: 0,
            batch: Vec::new(),
            aggregating: SortedMap::new(),
            sealed: SortedMap::new(),
            sealed_since_flush: 0,
            outstanding: 0,
            work_units: 0,
            batch_generation: 0,
            retries: BTreeMap::new(),
            next_retry_id: 0,
            shard_allowance: SortedMap::new(),
        }
    }

    /// When the next record is due, or `None` while a constant rate is 0.
    ///
    /// A constant rate spaces record k (from 0) at `anchor + floor(k * 1 s / rate)`, so rounding never
    /// drifts and every whole second holds exactly `rate` records. Other profiles space each record by the
    /// rate in force when the previous one was made (checking again every 100 ms while it is 0).
    pub(crate) fn next_due(&self) -> Option<SimTime> {
        if let RateProfile::Trace { points } = &self.config.rate {
            let next = usize::try_from(self.emitted_since_anchor).ok().and_then(|k| points.get(k));
            return next.map(|p| SimTime::from_millis(p.at_ms));
        }
        if let RateProfile::Constant { records_per_sec } = self.config.rate {
            let rate = u64::from(records_per_sec);
            return (rate > 0).then(|| {
                let k = self.emitted_since_anchor;
                self.anchor + SimDuration(k.saturating_mul(SimDuration::SECOND.0) / rate)
            });
        }
        Some(match self.last_emit {
            None => self.anchor,
            Some(t) => self.config.rate.next_after(t).unwrap_or(t + crate::workload::IDLE_RECHECK),
        })
    }

    /// Changes to a constant rate from `now` on.
    pub(crate) fn set_rate(&mut self, now: SimTime, records_per_sec: u32) {
        self.config.rate = RateProfile::Constant { records_per_sec };
        self.anchor = now;
        self.emitted_since_anchor = 0;
        self.generation += 1;
    }

    /// Makes the next user record, or `None` if the rate is zero at `now` (a non-constant profile idling).
    pub(crate) fn emit(&mut self, now: SimTime) -> Option<UserRecord> {
        let constant = matches!(self.config.rate, RateProfile::Constant { .. } | RateProfile::Trace { .. });
        let traced = match &self.config.rate {
            RateProfile::Trace { points } => {
                usize::try_from(self.emitted_since_anchor).ok().and_then(|k| points.get(k)).map(|p| p.bytes)
            }
            _ => None,
        };
        self.emitted_since_anchor += 1;
        self.last_emit = Some(now);
        if !constant && self.config.rate.rate_at(now) == 0 {
            return None;
        }
        self.totals.attempted += 1;
        let index = self.made;
        self.made += 1;
        let mut rng = Rng::for_index(self.record_seed, index);
        // A derivable producer's numbered key is kept as its number (the same draw `sample` makes).
        let key_number = if self.spec.is_some() { self.keys.sample_number(&mut rng) } else { None };
        let key = match key_number {
            Some(_) => Key { partition_key: String::new(), explicit_hash_key: None },
            None => self.keys.sample(&mut rng),
        };
        // A template renders to exactly this size when the record is read (`template::render`).
        let bytes = traced.unwrap_or_else(|| self.config.size.sample(&mut rng));
        let seed = if self.config.payload == crate::template::PayloadTemplate::Zeros { 0 } else { rng.next_u64() };
        Some(UserRecord { index, key, key_number, bytes, seed, made_at: now, written: false })
    }

    /// KPL rate limiting: takes one record of `bytes` from `shard`'s allowance at `now` if it has room.
    /// The allowance refills at `percent` % of the shard's write limits and holds at most one second of it.
    pub(crate) fn take_allowance(&mut self, shard: u32, bytes: u64, now: SimTime, percent: u32) -> bool {
        use crate::limits::{SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC};
        let percent = u64::from(percent);
        let (records_max, bytes_max) =
            (SHARD_WRITE_RECORDS_PER_SEC * percent * 10_000, SHARD_WRITE_BYTES_PER_SEC * percent * 10_000);
        let (records, bytes_left, at) =
            self.shard_allowance.get(&shard).copied().unwrap_or((records_max, bytes_max, now));
        let elapsed = now.saturating_since(at).0;
        let records = (records + elapsed * SHARD_WRITE_RECORDS_PER_SEC * percent / 100).min(records_max);
        let bytes_left = (bytes_left + elapsed * SHARD_WRITE_BYTES_PER_SEC * percent / 100).min(bytes_max);
        let fits = records >= 1_000_000 && bytes_left >= bytes * 1_000_000;
        let (records, bytes_left) =
            if fits { (records - 1_000_000, bytes_left - bytes * 1_000_000) } else { (records, bytes_left) };
        self.shard_allowance.insert(shard, (records, bytes_left, now));
        fits
    }

    /// Whether an injected timeout hides the answer of a successful call.
    pub(crate) fn answer_lost(&mut self) -> bool {
        self.config.timeout_percent > 0 && self.rng.below(100) < u64::from(self.config.timeout_percent)
    }

    /// Records a user record as written at `now`.
    pub(crate) fn record_written(&mut self, record: &mut UserRecord, now: SimTime) {
        if record.written {
            self.totals.duplicates += 1;
            return;
        }
        record.written = true;
        self.totals.accepted += 1;
        let latency = now.saturating_since(record.made_at).as_millis();
        self.totals.latency_ms_total += latency;
        self.totals.latency_ms_max = self.totals.latency_ms_max.max(latency);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn emissions_are_evenly_spaced_without_drift() {
        let mut p = Producer::new(ProducerConfig::steady("p", 3, 10, 1), Rng::new(1));
        let mut times = Vec::new();
        while let Some(t) = p.next_due().filter(|t| *t <= SimTime::from_secs(2)) {
            times.push(t.0);
            p.emit(t);
        }
        assert_eq!(times, [0, 333_333, 666_666, 1_000_000, 1_333_333, 1_666_666, 2_000_000]);
    }

    #[test]
    fn rate_zero_pauses() {
        let mut p = Producer::new(ProducerConfig::default(), Rng::new(1));
        p.set_rate(SimTime::from_secs(5), 0);
        assert_eq!(p.next_due(), None);
        p.set_rate(SimTime::from_secs(6), 2);
        assert_eq!(p.next_due(), Some(SimTime::from_secs(6)));
    }

    #[test]
    fn a_ramp_speeds_emissions_up() {
        let config = ProducerConfig {
            rate: RateProfile::Ramp { from: 10, to: 1_000, start_ms: 0, duration_ms: 10_000 },
            ..ProducerConfig::default()
        };
        let mut p = Producer::new(config, Rng::new(1));
        let mut count_in = [0u32; 10];
        while let Some(t) = p.next_due().filter(|t| *t < SimTime::from_secs(10)) {
            p.emit(t);
            count_in[t.as_secs() as usize] += 1;
        }
        // The rate climbs by 99 records/s each second: about 59 in second 0 and 950 in second 9.
        assert!(count_in[0] < 100 && count_in[9] > 900, "{count_in:?}");
        assert!(count_in.windows(2).all(|w| w[0] <= w[1]), "{count_in:?}");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy { max_attempts: 10, base_backoff_ms: 100, max_backoff_ms: 1_000 };
        let mut rng = Rng::new(9);
        for attempt in 1..10 {
            let cap = (100u64 << (attempt - 1)).min(1_000);
            for _ in 0..50 {
                assert!(policy.backoff(attempt, &mut rng).as_millis() <= cap);
            }
        }
    }

    #[test]
    fn absurd_settings_are_explained() {
        let config = ProducerConfig {
            rate: RateProfile::Constant { records_per_sec: 5_000_000 },
            size: SizeProfile::Fixed { bytes: 2_000_000 },
            keys: KeyProfile::Uniform { keys: 0 },
            client: ClientStyle::PutRecords { batch_max_records: 501, linger_ms: 5 },
            retry: RetryPolicy { max_attempts: 0, ..RetryPolicy::NONE },
            ..ProducerConfig::default()
        };
        let problems = config.validate().expect_err("five problems").problems;
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].contains("0 to 1000000"), "{}", problems[0]);
        assert!(problems[1].contains("at most 1048570 bytes"), "{}", problems[1]);
        let biggest = ProducerConfig::steady("p", 1, 1_048_576 - 9, 10_000);
        assert_eq!(biggest.validate(), Ok(()), "user-9999 is 9 bytes");
    }
}
