//! Simulated consumer applications: an SDK GetRecords loop, an enhanced fan-out subscriber, and a
//! KCL-style application with workers, leases and checkpoints (`docs/aws-behaviour.md` §3.2).
//!
//! Every read goes through the service's own operations (GetShardIterator, GetRecords, SubscribeToShard),
//! so the shared 5 calls/s and 2 MiB/s per shard, and enhanced fan-out's dedicated 2 MiB/s, apply as on AWS.
//! Parents are read to their end before their children. The simulation calls [`ConsumerApp::sync`] and
//! [`ConsumerApp::on_due`] and schedules the times they return.

use crate::consumer::SubscriptionEnd;
use crate::error::StreamsErrorKind;
use crate::kinesis::{IteratorStart, Kinesis, SubscriptionHandle};
use crate::metrics::{History, PerSecond};
use crate::rng::Rng;
use crate::sequence::SequenceNumber;
use crate::shard::{Payload, ReadRecord, Record, ShardId};
use crate::sorted_map::{SortedMap, SortedSet};
use crate::time::{SimDuration, SimTime};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// Where a reader without a checkpoint starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum StartAt {
    /// The oldest record kept (`TRIM_HORIZON`).
    TrimHorizon,
    /// Only records written from now on (`LATEST`).
    Latest,
    /// The first record that arrived at or after this simulated instant (`AT_TIMESTAMP`); records older than
    /// the retention period are gone, so an instant before the oldest record kept reads from that record.
    AtTimestamp {
        /// Simulated milliseconds; not after the application begins reading (AWS refuses a future timestamp).
        at_ms: u64,
    },
}

/// The KCL settings Shardlab models (defaults from the KCL, `docs/aws-behaviour.md` §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// No `deny_unknown_fields`: serde cannot combine it with the `type` tag of the enclosing variant.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(default))]
pub struct KclConfig {
    /// Workers at the start.
    pub workers: u32,
    /// Checkpoint after this many records of a shard...
    pub checkpoint_every_records: u32,
    /// ...or this long after the last checkpoint, whichever comes first.
    pub checkpoint_interval_ms: u32,
    /// `failoverTimeMillis`: a lease not renewed for this long is taken by another worker; the lease
    /// balancer runs this often and steals at most one lease per run.
    pub failover_ms: u32,
}

impl Default for KclConfig {
    fn default() -> Self {
        Self { workers: 1, checkpoint_every_records: 1_000, checkpoint_interval_ms: 60_000, failover_ms: 10_000 }
    }
}

/// A Lambda event source mapping polls each shard about once a second when it finds nothing.
const LAMBDA_POLL_MS: u64 = 1_000;
/// How long Lambda waits before retrying a failed batch (unconfirmed; a simulator choice).
const LAMBDA_RETRY_DELAY_MS: u64 = 1_000;

/// An event source mapping from a stream to a Lambda function, with the settings AWS offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// No `deny_unknown_fields`: serde cannot combine it with the `type` tag of the enclosing variant.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(default))]
pub struct LambdaConfig {
    /// `BatchSize`: records per invocation, 1 to 10,000 (default 100).
    pub batch_size: u32,
    /// `MaximumBatchingWindowInSeconds`, in ms: how long to gather a full batch (0 to 300 s).
    pub batching_window_ms: u32,
    /// `ParallelizationFactor`: concurrent batches per shard, 1 to 10; records of one partition key stay in
    /// order in one lane.
    pub parallelization_factor: u32,
    /// `BisectBatchOnFunctionError`: split a failing batch in two and retry the halves.
    pub bisect_on_error: bool,
    /// `MaximumRetryAttempts` before the records go to the on-failure destination.
    pub max_retry_attempts: u32,
    /// Percent of invocations that fail (a function bug or a poison record).
    pub error_percent: u8,
    /// How long one invocation runs, in ms (the per-record processing time comes on top).
    pub duration_ms: u32,
}

impl Default for LambdaConfig {
    fn default() -> Self {
        Self {
            batch_size: 100,
            batching_window_ms: 0,
            parallelization_factor: 1,
            bisect_on_error: false,
            max_retry_attempts: 10_000,
            error_percent: 0,
            duration_ms: 100,
        }
    }
}

/// How often an enhanced fan-out reader takes the events pushed to it. A record's latency counts until its
/// push (when the client receives it), so this only batches the simulation's work.
const FAN_OUT_DRAIN_INTERVAL: SimDuration = SimDuration::from_millis(200);

/// The KCL 2.x idle time between GetRecords calls on a shard (`docs/aws-behaviour.md` §3.2).
const KCL_IDLE_MS: u64 = 1_500;

/// How an application reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
pub enum ReadStyle {
    /// An SDK loop: GetRecords on every shard every `interval_ms`, at most `limit` records a call.
    Polling {
        /// Time between calls on a shard (KCL 2.x idles 1,500 ms; 1,000 ms is the documented advice).
        interval_ms: u32,
        /// `Limit` of each call (1 to 10,000).
        limit: u32,
    },
    /// Enhanced fan-out: a registered consumer subscribed to every shard.
    EnhancedFanOut,
    /// A Lambda event source mapping: polls each shard once a second and invokes a function with batches.
    Lambda(LambdaConfig),
    /// A KCL application polling with GetRecords, with workers and a lease table.
    Kcl(KclConfig),
}

/// A consumer application.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct ConsumerAppConfig {
    /// Its name (also the enhanced fan-out consumer's name).
    pub name: String,
    /// The data stream it reads (by default [`crate::DEFAULT_STREAM_NAME`]).
    pub stream_name: String,
    /// How it reads.
    pub style: ReadStyle,
    /// Where it starts without a checkpoint.
    pub start: StartAt,
    /// When it begins reading, in simulated ms (0: from the start); until then it makes no call, as an
    /// application deployed later, or one down since before the run.
    pub begins_at_ms: u64,
    /// Processing time per user record, in microseconds: a slow application falls behind.
    pub processing_us_per_record: u32,
    /// Where it writes each record it processed, if anywhere (the enrichment pattern: a function or an
    /// application reads one stream and writes its results to another, or to a delivery stream).
    pub output: Option<RecordOutput>,
    /// Whether it skips records whose id it has already processed (an idempotent consumer).
    pub deduplicate_by: crate::dedup::Deduplicate,
}

/// Where a consumer application writes the records it processed: a data stream (PutRecords) or a Direct PUT
/// delivery stream (PutRecordBatch) of the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct RecordOutput {
    /// The stream's name.
    pub stream_name: String,
    /// Which service it belongs to.
    #[cfg_attr(feature = "serde", serde(default))]
    pub kind: crate::analytics_app::DestinationKind,
}

impl Default for ConsumerAppConfig {
    fn default() -> Self {
        Self::polling("consumer")
    }
}

impl ConsumerAppConfig {
    /// A polling SDK loop reading every second from the oldest record.
    pub fn polling(name: &str) -> Self {
        Self {
            name: name.into(),
            stream_name: crate::DEFAULT_STREAM_NAME.into(),
            style: ReadStyle::Polling { interval_ms: 1_000, limit: 10_000 },
            start: StartAt::TrimHorizon,
            begins_at_ms: 0,
            processing_us_per_record: 0,
            output: None,
            deduplicate_by: crate::dedup::Deduplicate::Off,
        }
    }

    /// Every problem with this configuration.
    pub(crate) fn problems(&self, out: &mut Vec<String>) {
        let name = &self.name;
        if let StartAt::AtTimestamp { at_ms } = self.start
            && at_ms > self.begins_at_ms
        {
            out.push(format!(
                "Consumer '{name}' starts AT_TIMESTAMP {at_ms} ms but begins reading at {} ms; GetShardIterator refuses \
                 a timestamp in the future: use one at or before {} ms.",
                self.begins_at_ms, self.begins_at_ms
            ));
        }
        let name_ok = crate::name::is_resource_name(name, 128);
        if !name_ok {
            out.push(format!("Consumer '{name}' needs a name of 1 to 128 letters, digits, '_', '.' or '-'."));
        }
        match self.style {
            ReadStyle::Polling { interval_ms, limit } => {
                if !(1..=10_000).contains(&limit) {
                    out.push(format!("Consumer '{name}' reads {limit} records a call; GetRecords allows 1 to 10000."));
                }
                if interval_ms == 0 {
                    out.push(format!("Consumer '{name}' needs an interval of at least 1 ms between calls."));
                }
            }
            ReadStyle::Kcl(kcl) => {
                if !(1..=64).contains(&kcl.workers) {
                    out.push(format!("Consumer '{name}' has {} workers; the simulator allows 1 to 64.", kcl.workers));
                }
                if kcl.failover_ms == 0 || kcl.checkpoint_every_records == 0 {
                    out.push(format!("Consumer '{name}' needs a failover time and a checkpoint count above 0."));
                }
            }
            ReadStyle::EnhancedFanOut => {}
            ReadStyle::Lambda(lambda) => {
                if !(1..=10_000).contains(&lambda.batch_size) {
                    out.push(format!(
                        "Consumer '{name}' uses batches of {}; Lambda allows 1 to 10000.",
                        lambda.batch_size
                    ));
                }
                if !(1..=10).contains(&lambda.parallelization_factor) {
                    out.push(format!(
                        "Consumer '{name}' has a parallelization factor of {}; Lambda allows 1 to 10.",
                        lambda.parallelization_factor
                    ));
                }
                if lambda.batching_window_ms > 300_000 {
                    out.push(format!(
                        "Consumer '{name}' batching window is {} ms; Lambda allows 0 to 300000.",
                        lambda.batching_window_ms
                    ));
                }
                if lambda.max_retry_attempts > 10_000 || lambda.error_percent > 100 {
                    out.push(format!("Consumer '{name}' allows 0 to 10000 retries and an error share of 0 to 100 %."));
                }
            }
        }
    }
}

/// What an application has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ConsumerTotals {
    /// Kinesis records received.
    pub records: u64,
    /// User records processed (KPL aggregates counted by their contents).
    pub user_records: u64,
    /// Bytes received.
    pub bytes: u64,
    /// GetRecords calls made (polling styles).
    pub get_records_calls: u64,
    /// Calls refused with `ProvisionedThroughputExceededException`.
    pub throttled_calls: u64,
    /// User records processed a second time (after a crash, a lease move, or a producer's duplicate is not
    /// counted here: only records this application had already processed).
    pub duplicates: u64,
    /// Checkpoints written (KCL).
    pub checkpoints: u64,
    /// Function invocations (Lambda).
    pub invocations: u64,
    /// Invocations that failed (Lambda).
    pub failed_invocations: u64,
    /// Records sent to the on-failure destination after the last retry (Lambda).
    pub sent_to_destination: u64,
}

/// One application's counters for one second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ConsumerSecond {
    /// The second.
    pub second: u64,
    /// Kinesis records received.
    pub records: u64,
    /// Bytes received.
    pub bytes: u64,
    /// The largest `MillisBehindLatest` seen.
    pub iterator_age_ms_max: u64,
    /// Calls refused by the read limits.
    pub throttled_calls: u64,
}

impl PerSecond for ConsumerSecond {
    fn empty(second: u64) -> Self {
        Self { second, ..Self::default() }
    }
    fn second(&self) -> u64 {
        self.second
    }
}

/// User records an application remembers having processed, for inspection.
pub const RECENT_MAX: usize = 1_000;

/// A user record as the application processed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessedRecord {
    /// The shard it came from.
    pub shard: ShardId,
    /// The Kinesis record's sequence number.
    pub sequence_number: SequenceNumber,
    /// Its position inside a KPL aggregate (0 for a plain record).
    pub subsequence: u32,
    /// Its own partition key.
    pub partition_key: String,
    /// When it was processed.
    pub processed_at: SimTime,
}

/// A processed record's key as [`ConsumerApp`] keeps it: a numbered key (`user-N`) by its number, written
/// out only when asked for; or the numbered keys of a run of records with consecutive counters.
#[derive(Clone, Debug, PartialEq, Eq)]
enum RecentKey {
    Numbered(u32),
    Text(String),
    Run { key_numbers: [u32; crate::shard::RUN_RECORDS_MAX], count: u8 },
}

/// A [`ProcessedRecord`] as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RecentRecord {
    shard: ShardId,
    sequence_number: SequenceNumber,
    subsequence: u32,
    key: RecentKey,
    processed_at: SimTime,
}

impl RecentRecord {
    /// User records it stands for.
    fn count(&self) -> usize {
        match &self.key {
            RecentKey::Run { count, .. } => usize::from(*count),
            _ => 1,
        }
    }

    /// Its user records, expanded, appended to `out`.
    fn expand_into(&self, out: &mut Vec<ProcessedRecord>) {
        let record = |sequence_number, partition_key| ProcessedRecord {
            shard: self.shard,
            sequence_number,
            subsequence: self.subsequence,
            partition_key,
            processed_at: self.processed_at,
        };
        match &self.key {
            RecentKey::Numbered(number) => {
                out.push(record(self.sequence_number, crate::shard_log::numbered_key(*number)));
            }
            RecentKey::Text(key) => out.push(record(self.sequence_number, key.clone())),
            RecentKey::Run { key_numbers, count } => {
                for (k, number) in (0u64..).zip(&key_numbers[..usize::from(*count)]) {
                    let sequence_number =
                        SequenceNumber { counter: self.sequence_number.counter + k, ..self.sequence_number };
                    out.push(record(sequence_number, crate::shard_log::numbered_key(*number)));
                }
            }
        }
    }

    /// Drops its first `n` user records (fewer than it has; a run's).
    fn drop_front(&mut self, n: usize) {
        if let RecentKey::Run { key_numbers, count } = &mut self.key {
            let n = n.min(usize::from(*count));
            key_numbers.copy_within(n..usize::from(*count), 0);
            *count -= n as u8;
            self.sequence_number.counter += n as u64;
        }
    }
}

/// Where a consumer is moved to on one shard: a replay (back) or a skip (ahead).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
pub enum ReplayFrom {
    /// The record with this sequence counter and those after it (`AT_SEQUENCE_NUMBER`).
    SequenceCounter {
        /// The counter part of the sequence number (1 is a shard's first record).
        counter: u64,
    },
    /// The first record that arrived at or after this simulated instant (`AT_TIMESTAMP`).
    Timestamp {
        /// Simulated milliseconds.
        at_ms: u64,
    },
}

/// A KCL lease: one per shard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// The worker holding it.
    pub owner: Option<u32>,
    /// The last processed sequence counter (`checkpoint`), if any.
    pub checkpoint: Option<u64>,
    /// Whether the shard was read to its end (`SHARD_END`).
    pub finished: bool,
}

/// A KCL worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Worker {
    /// Its id.
    pub id: u32,
    /// When it crashed, if it did.
    pub crashed_at: Option<SimTime>,
}

#[derive(Clone, Debug)]
struct Reader {
    /// Bumped whenever the reader is replaced, so stale timers are ignored.
    generation: u64,
    iterator: Option<String>,
    /// Lambda: records read and waiting for a full batch, as (hash key, size).
    buffer: Vec<(u128, u32)>,
    /// Lambda: when the batching window opened.
    window_started: Option<SimTime>,
    subscription: Option<SubscriptionHandle>,
    /// Where to resume (the next counter) when the iterator or subscription must be made again.
    resume_after: Option<u64>,
    processed_since_checkpoint: u64,
    last_checkpoint_at: SimTime,
}

/// A running consumer application.
#[derive(Clone, Debug)]
pub struct ConsumerApp {
    /// Its configuration.
    pub config: ConsumerAppConfig,
    /// Its results so far.
    pub totals: ConsumerTotals,
    /// Copies of records it had processed before: processed again, or skipped ([`crate::dedup`]).
    pub dedup: crate::dedup::DedupTotals,
    seen_ids: crate::dedup::SeenIds,
    /// KCL: the lease table, by shard.
    pub leases: SortedMap<ShardId, Lease>,
    /// KCL: its workers (a polling or fan-out application has one).
    pub workers: Vec<Worker>,
    consumer_arn: Option<String>,
    readers: SortedMap<ShardId, Reader>,
    finished: SortedSet<ShardId>,
    highest_processed: SortedMap<ShardId, u64>,
    lowest_processed: SortedMap<ShardId, u64>,
    /// When each shard's first record was processed.
    pub first_processed_at: SortedMap<ShardId, SimTime>,
    /// When each shard was read to its end.
    pub finished_at: SortedMap<ShardId, SimTime>,
    /// Put-to-get latency of every user record processed: from its arrival in the stream to its receipt (the
    /// GetRecords response, or the enhanced fan-out push); see [`crate::latency`].
    pub latency: crate::latency::LatencyHistogram,
    /// The last user records processed, oldest first (at most [`RECENT_MAX`], `recent_len`, of them: a
    /// run of records counts its records); see [`Self::recent`].
    recent: alloc::collections::VecDeque<RecentRecord>,
    recent_len: usize,
    /// Shard iterators that expired before use (`ExpiredIteratorException`), each replaced by a new one.
    pub expired_iterators: u64,
    history: History<ConsumerSecond>,
    /// Timing jitter, so readers of one shard do not fall into lockstep (real clients drift apart).
    rng: Rng,
    next_generation: u64,
    last_steal_at: Option<SimTime>,
    /// When set, the data of every Kinesis record processed, with its arrival, is kept here for an
    /// analytics application to take.
    pub(crate) tap: Option<Vec<(SimTime, Vec<u8>)>>,
    /// The records on their way to [`ConsumerAppConfig::output`].
    output: crate::record_output::Forwarder,
    /// Tests only: read no runs, so a run can be compared with the same records one by one.
    #[cfg(test)]
    pub(crate) runs_off: bool,
}

impl ConsumerApp {
    /// The last user records processed, oldest first (at most [`RECENT_MAX`]).
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = ProcessedRecord> + ExactSizeIterator + '_ {
        let mut records = Vec::with_capacity(self.recent_len);
        for recent in &self.recent {
            recent.expand_into(&mut records);
        }
        records.into_iter()
    }

    /// Remembers `record` among the last user records processed, forgetting the oldest beyond [`RECENT_MAX`].
    fn remember(&mut self, record: RecentRecord) {
        self.recent_len += record.count();
        self.recent.push_back(record);
        while self.recent_len > RECENT_MAX {
            let excess = self.recent_len - RECENT_MAX;
            let Some(front) = self.recent.front_mut() else {
                break;
            };
            if front.count() > excess {
                front.drop_front(excess);
                self.recent_len -= excess;
            } else {
                self.recent_len -= front.count();
                self.recent.pop_front();
            }
        }
    }

    pub(crate) fn new(config: ConsumerAppConfig, rng: Rng) -> Self {
        let workers = match config.style {
            ReadStyle::Kcl(kcl) => kcl.workers,
            _ => 1,
        };
        Self {
            config,
            totals: ConsumerTotals::default(),
            dedup: Default::default(),
            seen_ids: Default::default(),
            leases: SortedMap::new(),
            workers: (0..workers).map(|id| Worker { id, crashed_at: None }).collect(),
            consumer_arn: None,
            readers: SortedMap::new(),
            finished: SortedSet::new(),
            output: Default::default(),
            highest_processed: SortedMap::new(),
            lowest_processed: SortedMap::new(),
            first_processed_at: SortedMap::new(),
            finished_at: SortedMap::new(),
            recent: alloc::collections::VecDeque::new(),
            recent_len: 0,
            #[cfg(test)]
            runs_off: false,
            expired_iterators: 0,
            latency: crate::latency::LatencyHistogram::default(),
            history: History::default(),
            rng,
            next_generation: 1,
            last_steal_at: None,
            tap: None,
        }
    }

    /// The counters of `second`.
    pub fn second(&self, second: u64) -> ConsumerSecond {
        self.history.second(second)
    }

    /// The shards being read right now.
    pub fn reading(&self) -> impl Iterator<Item = ShardId> + '_ {
        self.readers.keys().copied()
    }

    /// How many leases each live worker holds (KCL), by worker id.
    pub fn leases_per_worker(&self) -> SortedMap<u32, u32> {
        let mut counts: SortedMap<u32, u32> =
            self.workers.iter().filter(|w| w.crashed_at.is_none()).map(|w| (w.id, 0)).collect();
        for lease in self.leases.values().filter(|l| !l.finished) {
            if let Some(count) = lease.owner.and_then(|o| counts.get_mut(&o)) {
                *count += 1;
            }
        }
        counts
    }

    fn bucket(&mut self, now: SimTime) -> &mut ConsumerSecond {
        self.history.at(now.as_secs())
    }

    /// A worker joins (KCL); it takes leases at the next balancing run.
    pub(crate) fn add_worker(&mut self) -> u32 {
        let id = self.workers.iter().map(|w| w.id + 1).max().unwrap_or(0);
        self.workers.push(Worker { id, crashed_at: None });
        id
    }

    /// A worker crashes: its readers stop at once; its leases expire after the failover time.
    pub(crate) fn crash_worker(&mut self, worker: u32, now: SimTime) -> bool {
        let Some(w) = self.workers.iter_mut().find(|w| w.id == worker && w.crashed_at.is_none()) else {
            return false;
        };
        w.crashed_at = Some(now);
        let owned: Vec<ShardId> =
            self.leases.iter().filter(|(_, l)| l.owner == Some(worker)).map(|(s, _)| *s).collect();
        for shard in owned {
            self.readers.remove(&shard);
        }
        true
    }

    fn is_kcl(&self) -> Option<KclConfig> {
        match self.config.style {
            ReadStyle::Kcl(kcl) => Some(kcl),
            _ => None,
        }
    }

    /// Brings readers in line with the stream: new shards whose parents are done get readers (and leases),
    /// leases are balanced among live workers. Returns the readers to wake and when.
    pub(crate) fn sync(
        &mut self,
        kinesis: &mut Kinesis,
        now: SimTime,
        stream_name: &str,
    ) -> Vec<(ShardId, u64, SimTime)> {
        if self.config.style == ReadStyle::EnhancedFanOut && self.consumer_arn.is_none() {
            let name = self.config.name.clone();
            if let Ok(consumer) = kinesis.register_consumer(now, stream_name, &name) {
                self.consumer_arn = Some(consumer.arn.clone());
            }
            return Vec::new();
        }
        let Some(stream) = kinesis.stream(stream_name) else { return Vec::new() };
        // Shards ready to read: not finished, and every parent finished or gone.
        let present: SortedSet<ShardId> = stream.shards().iter().map(|s| s.id).collect();
        let ready: Vec<ShardId> = stream
            .shards()
            .iter()
            .filter(|s| !self.finished.contains(&s.id))
            .filter(|s| {
                s.parent_shard_id
                    .into_iter()
                    .chain(s.adjacent_parent_shard_id)
                    .all(|p| self.finished.contains(&p) || !present.contains(&p))
            })
            .map(|s| s.id)
            .collect();
        let mut wake = Vec::new();
        match self.is_kcl() {
            None => {
                for shard in ready {
                    if !self.readers.contains_key(&shard) {
                        wake.push(self.start_reader(shard, None, now));
                    }
                }
            }
            Some(kcl) => {
                for shard in &ready {
                    self.leases.get_or_insert_with(*shard, || Lease { owner: None, checkpoint: None, finished: false });
                }
                self.balance(kcl, now, &ready);
                let live: SortedSet<u32> =
                    self.workers.iter().filter(|w| w.crashed_at.is_none()).map(|w| w.id).collect();
                let owned: Vec<(ShardId, Option<u64>)> = ready
                    .iter()
                    .filter_map(|s| {
                        let lease = self.leases.get(s)?;
                        let held = lease.owner.is_some_and(|o| live.contains(&o)) && !lease.finished;
                        held.then_some((*s, lease.checkpoint))
                    })
                    .collect();
                for (shard, checkpoint) in owned {
                    if !self.readers.contains_key(&shard) {
                        wake.push(self.start_reader(shard, checkpoint, now));
                    }
                }
            }
        }
        wake
    }

    /// KCL lease balancing: expired leases of crashed workers are freed; free leases go to the least loaded
    /// live worker; and once per failover time one lease moves from the most to the least loaded worker.
    fn balance(&mut self, kcl: KclConfig, now: SimTime, ready: &[ShardId]) {
        let failover = SimDuration::from_millis(u64::from(kcl.failover_ms));
        let crashed: SortedMap<u32, SimTime> =
            self.workers.iter().filter_map(|w| w.crashed_at.map(|t| (w.id, t))).collect();
        for lease in self.leases.values_mut() {
            if let Some(owner) = lease.owner
                && crashed.get(&owner).is_some_and(|t| now.saturating_since(*t) >= failover)
            {
                lease.owner = None;
            }
        }
        let live: Vec<u32> = self.workers.iter().filter(|w| w.crashed_at.is_none()).map(|w| w.id).collect();
        if live.is_empty() {
            return;
        }
        for shard in ready {
            if self.leases.get(shard).is_some_and(|l| l.owner.is_none() && !l.finished) {
                let least = self.least_loaded(&live);
                if let Some(lease) = self.leases.get_mut(shard) {
                    lease.owner = Some(least);
                }
            }
        }
        let steal_due = self.last_steal_at.is_none_or(|t| now.saturating_since(t) >= failover);
        if steal_due {
            let loads = self.leases_per_worker();
            let (most, most_load) =
                loads.iter().max_by_key(|(id, n)| (**n, u32::MAX - **id)).map(|(i, n)| (*i, *n)).unwrap_or((0, 0));
            let (least, least_load) =
                loads.iter().min_by_key(|(id, n)| (**n, **id)).map(|(i, n)| (*i, *n)).unwrap_or((0, 0));
            if most_load > least_load + 1 {
                let stolen =
                    self.leases.iter().rev().find(|(_, l)| l.owner == Some(most) && !l.finished).map(|(s, _)| *s);
                if let Some(shard) = stolen {
                    self.leases.get_mut(&shard).expect("found above").owner = Some(least);
                    // The old owner loses the lease; the new one starts from the checkpoint.
                    self.readers.remove(&shard);
                    self.last_steal_at = Some(now);
                }
            }
        }
    }

    fn least_loaded(&self, live: &[u32]) -> u32 {
        let loads = self.leases_per_worker();
        live.iter().copied().min_by_key(|id| (loads.get(id).copied().unwrap_or(0), *id)).unwrap_or(0)
    }

    /// What the output has done with the records this application processed (all zero without an output).
    pub fn output_totals(&self) -> crate::record_output::OutputTotals {
        self.output.totals
    }

    /// Writes processed records on to the output, if there is one.
    pub(crate) fn deliver(&mut self, kinesis: &mut Kinesis, firehose: &mut crate::firehose::Firehose, now: SimTime) {
        if let Some(output) = &self.config.output {
            self.output.deliver(output, kinesis, firehose, now);
        }
    }

    /// The highest sequence counter of `shard` this application has processed.
    pub fn highest_processed(&self, shard: ShardId) -> Option<u64> {
        self.highest_processed.get(&shard).copied()
    }

    /// The lowest sequence counter of `shard` this application has processed: with
    /// [`Self::highest_processed`], the span it read (a reader reads a shard in order, without gaps).
    pub fn lowest_processed(&self, shard: ShardId) -> Option<u64> {
        self.lowest_processed.get(&shard).copied()
    }

    /// A random delay below the polling interval: a reader's first call, and its wait after a throttle.
    fn jitter(&mut self) -> SimDuration {
        let interval_ms = match self.config.style {
            ReadStyle::Polling { interval_ms, .. } => u64::from(interval_ms),
            ReadStyle::Kcl(_) => KCL_IDLE_MS,
            ReadStyle::Lambda(_) => LAMBDA_POLL_MS,
            ReadStyle::EnhancedFanOut => 0,
        };
        SimDuration::from_millis(self.rng.below(interval_ms))
    }

    fn start_reader(&mut self, shard: ShardId, checkpoint: Option<u64>, now: SimTime) -> (ShardId, u64, SimTime) {
        let first_turn = now + self.jitter();
        let generation = self.next_generation;
        self.next_generation += 1;
        self.readers.insert(
            shard,
            Reader {
                generation,
                iterator: None,
                buffer: Vec::new(),
                window_started: None,
                subscription: None,
                resume_after: checkpoint,
                processed_since_checkpoint: 0,
                last_checkpoint_at: now,
            },
        );
        (shard, generation, first_turn)
    }

    /// A reader's turn: read (or drain pushed events), process, checkpoint. Returns when it wants its next
    /// turn, or `None` if it stopped (its shard is finished, or the reader was replaced).
    pub(crate) fn on_due(
        &mut self,
        kinesis: &mut Kinesis,
        now: SimTime,
        stream_name: &str,
        shard: ShardId,
        generation: u64,
    ) -> Option<SimTime> {
        if self.readers.get(&shard).is_none_or(|r| r.generation != generation) {
            return None;
        }
        match self.config.style {
            ReadStyle::Polling { interval_ms, limit } => {
                self.poll(kinesis, now, stream_name, shard, interval_ms, limit)
            }
            ReadStyle::Kcl(_) => self.poll(kinesis, now, stream_name, shard, KCL_IDLE_MS as u32, 10_000),
            ReadStyle::EnhancedFanOut => self.drain(kinesis, now, stream_name, shard),
            ReadStyle::Lambda(lambda) => self.invoke(kinesis, now, stream_name, shard, lambda),
        }
    }

    fn start_of(
        &self,
        kinesis: &Kinesis,
        stream_name: &str,
        shard: ShardId,
        resume_after: Option<u64>,
    ) -> IteratorStart {
        match resume_after {
            Some(counter) => {
                let created =
                    kinesis.stream(stream_name).and_then(|s| s.shard(shard)).map_or(0, |s| s.created_unix_secs);
                let seq = SequenceNumber {
                    shard_created_unix_secs: created,
                    counter,
                    arrival_unix_secs: created,
                    shard_index: shard.0,
                };
                IteratorStart::AfterSequenceNumber(seq.to_decimal())
            }
            None => match self.config.start {
                StartAt::TrimHorizon => IteratorStart::TrimHorizon,
                StartAt::Latest => IteratorStart::Latest,
                StartAt::AtTimestamp { at_ms } => {
                    IteratorStart::AtTimestamp(kinesis.unix_ms(SimTime::from_millis(at_ms)))
                }
            },
        }
    }

    fn poll(
        &mut self,
        kinesis: &mut Kinesis,
        now: SimTime,
        stream_name: &str,
        shard: ShardId,
        interval_ms: u32,
        limit: u32,
    ) -> Option<SimTime> {
        let interval = SimDuration::from_millis(u64::from(interval_ms));
        let reader = self.readers.get(&shard)?;
        let iterator = match reader.iterator.clone() {
            Some(it) => it,
            None => {
                let start = self.start_of(kinesis, stream_name, shard, reader.resume_after);
                match kinesis.get_shard_iterator(now, stream_name, &shard.to_string(), start) {
                    Ok(it) => it,
                    Err(_) => return Some(now + interval),
                }
            }
        };
        self.totals.get_records_calls += 1;
        let runs = self.counts_runs();
        let out = match kinesis.get_records_as::<ReadRecord>(now, &iterator, Some(limit), runs) {
            Ok(out) => out,
            Err(e) => {
                if e.kind == StreamsErrorKind::ProvisionedThroughputExceeded {
                    self.totals.throttled_calls += 1;
                    self.bucket(now).throttled_calls += 1;
                    // The unread data keeps ageing while the reader waits.
                    let age = self.unread_age_ms(kinesis, now, stream_name, shard);
                    let bucket = self.bucket(now);
                    bucket.iterator_age_ms_max = bucket.iterator_age_ms_max.max(age);
                    return Some(now + interval + self.jitter());
                }
                if e.kind == StreamsErrorKind::ExpiredIterator {
                    self.expired_iterators += 1;
                }
                if let Some(r) = self.readers.get_mut(&shard) {
                    r.iterator = None;
                }
                return Some(now + interval);
            }
        };
        let busy = self.process(now, now, shard, &out.records, out.millis_behind_latest);
        if let (ReadStyle::Lambda(_), Some(r)) = (self.config.style, self.readers.get_mut(&shard)) {
            // Lambda reads no runs ([`Self::counts_runs`]): every record has its hash key.
            r.buffer
                .extend(out.records.iter().map(|rec| (rec.hash_key().unwrap_or_default(), rec.size_bytes() as u32)));
        }
        let reader = self.readers.get_mut(&shard)?;
        reader.iterator = out.next_shard_iterator.clone();
        if let Some(last) = out.records.last() {
            reader.resume_after = Some(last.sequence_number().counter);
        }
        if out.next_shard_iterator.is_none() {
            self.finish(shard, now);
            return None;
        }
        self.maybe_checkpoint(now, shard, false);
        Some(now + interval.max(busy))
    }

    fn drain(&mut self, kinesis: &mut Kinesis, now: SimTime, stream_name: &str, shard: ShardId) -> Option<SimTime> {
        let retry = now + SimDuration::SECOND;
        let arn = self.consumer_arn.clone()?;
        let reader = self.readers.get(&shard)?;
        let Some(handle) = reader.subscription.clone() else {
            let start = self.start_of(kinesis, stream_name, shard, reader.resume_after);
            return match kinesis.subscribe_to_shard(now, &arn, &shard.to_string(), start) {
                Ok(handle) => {
                    if self.counts_runs() {
                        kinesis.count_runs_of(&handle);
                    }
                    self.readers.get_mut(&shard)?.subscription = Some(handle);
                    Some(now + FAN_OUT_DRAIN_INTERVAL)
                }
                Err(_) => Some(retry),
            };
        };
        let (events, ended) = kinesis.drain_subscription_read(&handle);
        let mut busy = SimDuration::ZERO;
        let mut shard_ended = false;
        for event in &events {
            busy =
                SimDuration(busy.0 + self.process(now, event.at, shard, &event.records, event.millis_behind_latest).0);
            if let Some(r) = self.readers.get_mut(&shard) {
                r.resume_after = Some(event.continuation_sequence_number.counter);
            }
        }
        match ended {
            Some(SubscriptionEnd::ShardEnded) => shard_ended = true,
            Some(_) => self.readers.get_mut(&shard)?.subscription = None,
            None => {}
        }
        if shard_ended {
            self.finish(shard, now);
            return None;
        }
        Some(now + FAN_OUT_DRAIN_INTERVAL.max(busy))
    }

    /// Whether it reads numbered records counted in runs ([`ReadRecord::Run`]): unless their bytes go
    /// somewhere (an analytics tap, an output) or Lambda groups them by hash key.
    fn counts_runs(&self) -> bool {
        #[cfg(test)]
        if self.runs_off {
            return false;
        }
        self.tap.is_none() && self.config.output.is_none() && !matches!(self.config.style, ReadStyle::Lambda(_))
    }

    /// Processes a batch received at `received_at` (put-to-get latency ends there): counts, de-aggregates,
    /// spots records processed before. Returns the processing time.
    fn process(
        &mut self,
        now: SimTime,
        received_at: SimTime,
        shard: ShardId,
        records: &[ReadRecord],
        millis_behind_latest: u64,
    ) -> SimDuration {
        let mut user_records = 0u64;
        let mut bytes = 0u64;
        let highest = self.highest_processed.get(&shard).copied();
        let mut duplicates = 0u64;
        // Only the last RECENT_MAX user records stay listed: records before `listed_from` hold user records
        // the later ones push out, so their keys are not copied.
        let mut listed_from = 0;
        let mut newer = 0usize;
        for (i, record) in records.iter().enumerate().rev() {
            if newer >= RECENT_MAX {
                listed_from = i + 1;
                break;
            }
            newer += match record {
                ReadRecord::Numbered { .. } => 1,
                ReadRecord::Run(run) => run.count as usize,
                ReadRecord::Whole(record) => user_record_count(record),
            };
        }
        // A numbered record of zeros is looked at unexpanded unless its bytes go somewhere.
        let expand_all = self.tap.is_some() || self.config.output.is_some();
        for (i, read) in records.iter().enumerate() {
            let expanded;
            let record = match read {
                ReadRecord::Run(run) => {
                    if i >= listed_from {
                        self.remember(RecentRecord {
                            shard,
                            sequence_number: run.first,
                            subsequence: 0,
                            key: RecentKey::Run { key_numbers: run.key_numbers, count: run.count as u8 },
                            processed_at: now,
                        });
                    }
                    // One user record each, never a copy by id: counted together.
                    let count = u64::from(run.count);
                    self.latency.record(received_at.saturating_since(run.arrival).as_millis(), count);
                    user_records += count;
                    bytes += run.bytes;
                    if let Some(h) = highest {
                        duplicates += (h.saturating_add(1).saturating_sub(run.first.counter)).min(count);
                    }
                    continue;
                }
                ReadRecord::Numbered { sequence_number, arrival, key, .. } if !expand_all => {
                    if i >= listed_from {
                        self.remember(RecentRecord {
                            shard,
                            sequence_number: *sequence_number,
                            subsequence: 0,
                            key: RecentKey::Numbered(*key),
                            processed_at: now,
                        });
                    }
                    // One user record, never a copy by id (its data is not templated): counted alone.
                    self.latency.record(received_at.saturating_since(*arrival).as_millis(), 1);
                    user_records += 1;
                    bytes += read.size_bytes();
                    if highest.is_some_and(|h| sequence_number.counter <= h) {
                        duplicates += 1;
                    }
                    continue;
                }
                ReadRecord::Numbered { .. } => {
                    // A numbered record always expands (only a run does not).
                    let Some(record) = read.to_record() else { continue };
                    expanded = record;
                    &expanded
                }
                ReadRecord::Whole(record) => &**record,
            };
            // De-aggregation: each user record of a KPL aggregate has the outer sequence number and its own
            // subsequence number, 0 to n - 1.
            let single = matches!(record.data, Payload::Synthetic { .. } | Payload::Templated { .. });
            let inside = if i < listed_from {
                user_record_count(record) as u64
            } else if single {
                self.remember(RecentRecord {
                    shard,
                    sequence_number: record.sequence_number,
                    subsequence: 0,
                    key: RecentKey::Text(record.partition_key.clone()),
                    processed_at: now,
                });
                1
            } else {
                let keys: Vec<String> = match &record.data {
                    Payload::Aggregated { user_records, .. } => user_records.iter().map(|(k, _)| k.clone()).collect(),
                    Payload::Bytes(b) => crate::kpl::deaggregate(b).map_or_else(
                        || alloc::vec![record.partition_key.clone()],
                        |u| u.into_iter().map(|r| r.partition_key).collect(),
                    ),
                    Payload::Synthetic { .. } | Payload::Templated { .. } => {
                        alloc::vec![record.partition_key.clone()]
                    }
                };
                let inside = keys.len() as u64;
                for (subsequence, partition_key) in keys.into_iter().enumerate() {
                    self.remember(RecentRecord {
                        shard,
                        sequence_number: record.sequence_number,
                        subsequence: subsequence as u32,
                        key: RecentKey::Text(partition_key),
                        processed_at: now,
                    });
                }
                inside
            };
            self.latency.record(received_at.saturating_since(record.arrival).as_millis(), inside);
            if let Some(tap) = &mut self.tap {
                tap.push((record.arrival, record.data.to_bytes_for(&record.partition_key)));
            }
            let copy = self.seen_ids.seen_before(record);
            let skip = copy && self.config.deduplicate_by == crate::dedup::Deduplicate::RecordId;
            if copy && skip {
                self.dedup.duplicates_skipped += inside;
            } else if copy {
                self.dedup.duplicates_processed += inside;
            }
            if self.config.output.is_some() && !skip {
                self.output.offer(&record.partition_key, &record.data);
            }
            user_records += inside;
            bytes += record.size_bytes();
            if highest.is_some_and(|h| record.sequence_number.counter <= h) {
                duplicates += inside;
            }
        }
        if !records.is_empty() {
            self.first_processed_at.get_or_insert_with(shard, || now);
        }
        if let Some(last) = records.last() {
            let last = last.sequence_number().counter;
            let top = highest.map_or(last, |h| h.max(last));
            self.highest_processed.insert(shard, top);
        }
        if let Some(first) = records.first() {
            let first = first.first_counter();
            let low = self.lowest_processed.get_or_insert_with(shard, || first);
            *low = (*low).min(first);
        }
        let kinesis_records: u64 = records.iter().map(ReadRecord::record_count).sum();
        self.totals.records += kinesis_records;
        self.totals.user_records += user_records;
        self.totals.bytes += bytes;
        self.totals.duplicates += duplicates;
        if let Some(r) = self.readers.get_mut(&shard) {
            r.processed_since_checkpoint += user_records;
        }
        let bucket = self.bucket(now);
        bucket.records += kinesis_records;
        bucket.bytes += bytes;
        bucket.iterator_age_ms_max = bucket.iterator_age_ms_max.max(millis_behind_latest);
        SimDuration(user_records.saturating_mul(u64::from(self.config.processing_us_per_record)))
    }

    /// A Lambda turn: read up to `batch_size × parallelization_factor` records (gathering for the batching
    /// window), group them by key into batches run on the parallel slots, retry or bisect failures, move on
    /// only when every batch succeeded or went to the on-failure destination. The shard waits meanwhile.
    fn invoke(
        &mut self,
        kinesis: &mut Kinesis,
        now: SimTime,
        stream_name: &str,
        shard: ShardId,
        lambda: LambdaConfig,
    ) -> Option<SimTime> {
        let idle = SimDuration::from_millis(LAMBDA_POLL_MS);
        let limit = (lambda.batch_size * lambda.parallelization_factor).min(10_000);
        // Gather: read into the reader's buffer until a full batch or the window's end.
        // Its own next time is not used: a Lambda shard waits for its invocations instead.
        let _ = self.poll(kinesis, now, stream_name, shard, LAMBDA_POLL_MS as u32, limit);
        let reader = self.readers.get_mut(&shard)?;
        let waited = now.saturating_since(reader.window_started.unwrap_or(now));
        let buffered = reader.buffer.len() as u32;
        if buffered == 0 {
            reader.window_started = None;
            return Some(now + idle);
        }
        let window = SimDuration::from_millis(u64::from(lambda.batching_window_ms));
        if buffered < lambda.batch_size && waited < window {
            reader.window_started.get_or_insert(now);
            return Some(now + SimDuration::from_millis(LAMBDA_POLL_MS.min(window.as_millis().max(1))));
        }
        reader.window_started = None;
        let records = core::mem::take(&mut reader.buffer);
        // Records are cut into batches, and the batches run on `parallelization_factor` concurrent slots.
        // Lambda groups them by hash key first (so one key's records stay together and in order); how long a
        // batch takes depends only on how many records it holds, so the grouping is not computed.
        let mut slots = alloc::vec![SimDuration::ZERO; lambda.parallelization_factor as usize];
        for batch in records.chunks(lambda.batch_size as usize) {
            let took = self.run_batch(batch.len() as u64, lambda, 0);
            let slot = slots.iter_mut().min_by_key(|t| **t).expect("at least one slot");
            *slot = SimDuration(slot.0 + took.0);
        }
        let busiest = slots.into_iter().max().unwrap_or(SimDuration::ZERO);
        Some(now + busiest.max(SimDuration::from_millis(1)))
    }

    /// Invokes the function on a batch of `len` records until it succeeds, bisecting or retrying on
    /// failure; returns the time it took.
    fn run_batch(&mut self, len: u64, lambda: LambdaConfig, attempt: u32) -> SimDuration {
        let run = SimDuration::from_millis(u64::from(lambda.duration_ms)).0
            + len * u64::from(self.config.processing_us_per_record);
        self.totals.invocations += 1;
        let failed = lambda.error_percent > 0 && self.rng.below(100) < u64::from(lambda.error_percent);
        if !failed {
            return SimDuration(run);
        }
        self.totals.failed_invocations += 1;
        let wait = run + SimDuration::from_millis(LAMBDA_RETRY_DELAY_MS).0;
        if attempt >= lambda.max_retry_attempts {
            self.totals.sent_to_destination += len;
            return SimDuration(run);
        }
        if lambda.bisect_on_error && len > 1 {
            let half = len / 2;
            let first = self.run_batch(half, lambda, attempt + 1);
            let second = self.run_batch(len - half, lambda, attempt + 1);
            return SimDuration(wait + first.0 + second.0);
        }
        SimDuration(wait + self.run_batch(len, lambda, attempt + 1).0)
    }

    /// How long the oldest record this application has not read yet has been waiting.
    fn unread_age_ms(&self, kinesis: &Kinesis, now: SimTime, stream_name: &str, shard: ShardId) -> u64 {
        let after = self.readers.get(&shard).and_then(|r| r.resume_after);
        let oldest_unread =
            kinesis.stream(stream_name).and_then(|s| s.shard(shard)).and_then(|s| s.arrival_after(after));
        oldest_unread.map_or(0, |arrival| now.saturating_since(arrival).as_millis())
    }

    fn maybe_checkpoint(&mut self, now: SimTime, shard: ShardId, force: bool) {
        let Some(kcl) = self.is_kcl() else { return };
        let Some(reader) = self.readers.get_mut(&shard) else { return };
        let due = force
            || reader.processed_since_checkpoint >= u64::from(kcl.checkpoint_every_records)
            || now.saturating_since(reader.last_checkpoint_at)
                >= SimDuration::from_millis(u64::from(kcl.checkpoint_interval_ms));
        if due && let Some(counter) = reader.resume_after {
            reader.processed_since_checkpoint = 0;
            reader.last_checkpoint_at = now;
            if let Some(lease) = self.leases.get_mut(&shard) {
                lease.checkpoint = Some(counter);
            }
            self.totals.checkpoints += 1;
        }
    }

    /// The shard is read to its end: its children may start (`SHARD_END` checkpoint for the KCL).
    fn finish(&mut self, shard: ShardId, now: SimTime) {
        self.finished_at.insert(shard, now);
        self.readers.remove(&shard);
        self.finished.insert(shard);
        if let Some(lease) = self.leases.get_mut(&shard) {
            lease.finished = true;
            self.totals.checkpoints += 1;
        }
    }

    /// Whether the shard has been read to its end.
    pub fn has_finished(&self, shard: ShardId) -> bool {
        self.finished.contains(&shard)
    }

    /// The sequence counter of the next record this application will read from `shard`: after the last
    /// record it received there, or after its KCL checkpoint; `None` before its first record.
    pub fn next_position(&self, shard: ShardId) -> Option<u64> {
        let reader = self.readers.get(&shard).and_then(|r| r.resume_after);
        let checkpoint = || self.leases.get(&shard).and_then(|l| l.checkpoint);
        reader.or_else(checkpoint).map(|c| c.saturating_add(1))
    }

    /// Moves this application's reader of `shard` to `from`, through the calls a real application makes:
    /// GetShardIterator (`AT_SEQUENCE_NUMBER` or `AT_TIMESTAMP`) for an SDK loop or a Lambda mapping, a new
    /// SubscribeToShard (after the record before) for enhanced fan-out, and for the KCL a moved checkpoint
    /// that the lease holder resumes after (as when a lease moves). Everything from the new position on is
    /// read again (and counted in [`ConsumerTotals::duplicates`]). Returns the new position; on error
    /// nothing changes. Bounded: one GetShardIterator call or one lookup by time.
    pub(crate) fn reposition(
        &mut self,
        kinesis: &mut Kinesis,
        now: SimTime,
        stream_name: &str,
        shard: ShardId,
        from: ReplayFrom,
    ) -> Result<u64, String> {
        let name = self.config.name.clone();
        let Some(log) = kinesis.stream(stream_name).and_then(|s| s.shard(shard)) else {
            return Err(format!("Stream '{stream_name}' has no shard {shard} for consumer '{name}' to read."));
        };
        if self.finished.contains(&shard) {
            return Err(format!(
                "Consumer '{name}' has read {shard} to its end and moved on to its children; a finished shard is \
                 not read again."
            ));
        }
        let tip = log.latest_position();
        let (start, position) = match from {
            ReplayFrom::SequenceCounter { counter } => {
                if counter == 0 || counter > tip {
                    return Err(format!(
                        "{shard} holds sequence counters 1 to {}; {counter} is not one of them.",
                        tip.saturating_sub(1)
                    ));
                }
                let seq = SequenceNumber {
                    shard_created_unix_secs: log.created_unix_secs,
                    counter,
                    arrival_unix_secs: log.created_unix_secs,
                    shard_index: shard.0,
                };
                (IteratorStart::AtSequenceNumber(seq.to_decimal()), counter.max(log.first_position()))
            }
            ReplayFrom::Timestamp { at_ms } => {
                let at = SimTime::from_millis(at_ms);
                if at > now {
                    return Err(format!(
                        "AT_TIMESTAMP {at_ms} ms is in the future; the run is at {} ms.",
                        now.as_millis()
                    ));
                }
                (IteratorStart::AtTimestamp(kinesis.unix_ms(at)), log.position_at(at))
            }
        };
        if self.is_kcl().is_some() {
            let live: SortedSet<u32> = self.workers.iter().filter(|w| w.crashed_at.is_none()).map(|w| w.id).collect();
            let Some(lease) = self.leases.get_mut(&shard).filter(|l| l.owner.is_some_and(|o| live.contains(&o))) else {
                return Err(format!("No worker of consumer '{name}' holds the lease of {shard} yet."));
            };
            lease.checkpoint = Some(position - 1);
            // The lease holder starts again from the checkpoint at the application's next sync.
            self.readers.remove(&shard);
            return Ok(position);
        }
        if !self.readers.contains_key(&shard) {
            return Err(format!("Consumer '{name}' is not reading {shard} yet (a parent shard is read first)."));
        }
        let iterator = if self.config.style == ReadStyle::EnhancedFanOut {
            None
        } else {
            let iterator = kinesis
                .get_shard_iterator(now, stream_name, &shard.to_string(), start)
                .map_err(|e| format!("GetShardIterator for consumer '{name}' on {shard} failed: {}", e.message))?;
            Some(iterator)
        };
        let position =
            iterator.as_deref().and_then(crate::iterator::IteratorToken::decode).map_or(position, |t| t.position);
        let reader = self.readers.get_mut(&shard).expect("checked above");
        reader.resume_after = Some(position.saturating_sub(1));
        reader.buffer.clear();
        reader.window_started = None;
        // Enhanced fan-out subscribes again at its next drain, after the record before the new position.
        reader.subscription = None;
        reader.iterator = iterator;
        Ok(position)
    }
}

/// User records in `record`: a KPL aggregate's, or 1.
fn user_record_count(record: &Record) -> usize {
    match &record.data {
        Payload::Aggregated { user_records, .. } => user_records.len(),
        Payload::Bytes(b) => crate::kpl::deaggregate(b).map_or(1, |u| u.len()),
        Payload::Synthetic { .. } | Payload::Templated { .. } => 1,
    }
}
