//! A shard: a hash-key range, an append-only log of records, its write and read limits, and its metrics.

use crate::hash_range::HashKeyRange;
use crate::limits::{GET_RECORDS_BYTES_MAX, GET_SHARD_ITERATOR_CALLS_PER_SEC, SIM_LOG_RECORDS_MAX_PER_SHARD};
use crate::metrics::ShardMetrics;
use crate::sequence::{ENDING_COUNTER, SequenceNumber};
pub use crate::shard_log::Records;
use crate::shard_log::{ShardLog, WriteKey};
use crate::throttle::{CallWindow, ReadBudget, WriteLimit, WriteWindow};
use crate::time::{SimDuration, SimTime};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// A shard's index within its stream; displays as AWS's `shardId-000000000007`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShardId(pub u32);

impl fmt::Display for ShardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shardId-{:012}", self.0)
    }
}

impl ShardId {
    /// Parses a shard id the way AWS does: the text before the first `-` is ignored and the rest is read as
    /// a decimal int32, so `shardId-0`, `shard-0`, `-0` and `0` all name `shardId-000000000000`.
    pub fn parse(raw: &str) -> Option<Self> {
        let digits = raw.split_once('-').map_or(raw, |(_, rest)| rest);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value: u64 = digits.trim_start_matches('0').parse().unwrap_or(0);
        u32::try_from(value).ok().filter(|v| *v <= i32::MAX as u32).map(Self)
    }
}

/// A record's data blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// Bytes given by an API caller (or an Agent), shared: copies of the record (a GetRecords answer, an
    /// enhanced fan-out event per subscription) point at the same bytes.
    Bytes(alloc::sync::Arc<[u8]>),
    /// A simulated producer's record: only its length is kept, to keep long runs small.
    Synthetic {
        /// The data's length in bytes.
        len_bytes: u32,
    },
    /// A simulated producer's record made from a [`crate::template::PayloadTemplate`]: its bytes are rendered
    /// again from the seed whenever they are read.
    Templated {
        /// The template.
        template: crate::template::PayloadTemplate,
        /// The seed of its random fields.
        seed: u64,
        /// When it was made, Unix milliseconds (its timestamp field).
        made_at_unix_ms: u64,
        /// The rendered length in bytes.
        len_bytes: u32,
    },
    /// A KPL aggregated record of simulated user records: their partition keys and data lengths.
    Aggregated {
        /// `(partition key, data length)` of each user record, in order.
        user_records: Vec<(String, u32)>,
        /// The aggregated record's length in bytes ([`crate::kpl::aggregated_len`]).
        len_bytes: u32,
    },
}

impl Payload {
    /// The data's length in bytes.
    pub fn len_bytes(&self) -> u64 {
        match self {
            Self::Bytes(bytes) => bytes.len() as u64,
            Self::Synthetic { len_bytes } | Self::Aggregated { len_bytes, .. } | Self::Templated { len_bytes, .. } => {
                u64::from(*len_bytes)
            }
        }
    }

    /// The bytes a reader receives: a simulated record's data is zeros of its length, a templated one its
    /// rendered text (for `partition_key`), and an aggregated record the real KPL encoding of its user records
    /// (with zero data).
    pub fn to_bytes_for(&self, partition_key: &str) -> Vec<u8> {
        match self {
            Self::Templated { template, seed, made_at_unix_ms, len_bytes } => {
                crate::template::render(*template, *seed, partition_key, *made_at_unix_ms, *len_bytes).into_bytes()
            }
            other => other.to_bytes(),
        }
    }

    /// Like [`Self::to_bytes_for`], for data that does not depend on the record's key (templated records
    /// render with an empty key here).
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::Templated { template, seed, made_at_unix_ms, len_bytes } => {
                crate::template::render(*template, *seed, "", *made_at_unix_ms, *len_bytes).into_bytes()
            }
            Self::Bytes(bytes) => bytes.to_vec(),
            Self::Synthetic { len_bytes } => alloc::vec![0; *len_bytes as usize],
            Self::Aggregated { user_records, .. } => {
                let records: Vec<crate::kpl::UserRecord> = user_records
                    .iter()
                    .map(|(key, len)| crate::kpl::UserRecord {
                        partition_key: key.clone(),
                        explicit_hash_key: None,
                        data: alloc::vec![0; *len as usize],
                    })
                    .collect();
                crate::kpl::aggregate(&records)
            }
        }
    }
}

/// A record as stored in a shard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Its sequence number.
    pub sequence_number: SequenceNumber,
    /// `ApproximateArrivalTimestamp`, in simulated time.
    pub arrival: SimTime,
    /// The partition key it was written with.
    pub partition_key: String,
    /// The hash key that placed it (MD5 of the key, or the explicit hash key).
    pub hash_key: u128,
    /// The data blob.
    pub data: Payload,
}

impl Record {
    /// Its data as a reader receives it.
    pub fn data_bytes(&self) -> Vec<u8> {
        self.data.to_bytes_for(&self.partition_key)
    }

    /// Bytes it counts for against limits: data plus partition key.
    pub fn size_bytes(&self) -> u64 {
        self.data.len_bytes() + self.partition_key.len() as u64
    }
}

/// A record as the simulated readers get it: one with a numbered key (`user-N`) and data of zeros left
/// unexpanded (no allocation: what readers at the tip read), or any other record expanded whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadRecord {
    /// A record of `len_bytes` zeros with the key `user-{key}`.
    Numbered {
        /// Its sequence number.
        sequence_number: SequenceNumber,
        /// `ApproximateArrivalTimestamp`, in simulated time.
        arrival: SimTime,
        /// The number in its key.
        key: u32,
        /// Its data's length.
        len_bytes: u32,
        /// The hash key that placed it.
        hash_key: u128,
    },
    /// Any record, expanded.
    Whole(alloc::boxed::Box<Record>),
    /// Numbered records of zeros with consecutive counters that arrived at one instant, counted together
    /// (what readers get that need no record one by one; see [`Shard::read_as`]).
    Run(NumberedRun),
}

/// Records a [`NumberedRun`] holds at most.
pub const RUN_RECORDS_MAX: usize = 8;

/// Numbered records of zeros (`user-N`) with consecutive counters that arrived at the same instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberedRun {
    /// The first record's sequence number (the others follow it counter by counter).
    pub first: SequenceNumber,
    /// `ApproximateArrivalTimestamp` of every record in it.
    pub arrival: SimTime,
    /// Records in it, 1 to [`RUN_RECORDS_MAX`].
    pub count: u32,
    /// Bytes its records count for against limits: data plus partition keys.
    pub bytes: u64,
    /// The numbers of its records' keys, in order (the first `count`).
    pub key_numbers: [u32; RUN_RECORDS_MAX],
}

impl NumberedRun {
    /// The numbers of its records' keys, in order.
    pub fn keys(&self) -> &[u32] {
        &self.key_numbers[..(self.count as usize).min(RUN_RECORDS_MAX)]
    }

    /// The sequence number of its record `k` (0 is the first).
    pub fn sequence_number_of(&self, k: u32) -> SequenceNumber {
        SequenceNumber { counter: self.first.counter + u64::from(k), ..self.first }
    }
}

impl ReadRecord {
    /// Its sequence number (a run's last record's).
    pub fn sequence_number(&self) -> SequenceNumber {
        match self {
            Self::Numbered { sequence_number, .. } => *sequence_number,
            Self::Whole(record) => record.sequence_number,
            Self::Run(run) => run.sequence_number_of(run.count.saturating_sub(1)),
        }
    }

    /// The counter of its (first) record.
    pub fn first_counter(&self) -> u64 {
        match self {
            Self::Run(run) => run.first.counter,
            other => other.sequence_number().counter,
        }
    }

    /// Kinesis records it stands for: 1, or a run's count.
    pub fn record_count(&self) -> u64 {
        match self {
            Self::Run(run) => u64::from(run.count),
            _ => 1,
        }
    }

    /// When it arrived.
    pub fn arrival(&self) -> SimTime {
        match self {
            Self::Numbered { arrival, .. } => *arrival,
            Self::Whole(record) => record.arrival,
            Self::Run(run) => run.arrival,
        }
    }

    /// The hash key that placed it; `None` for a run (readers that need hash keys read no runs).
    pub fn hash_key(&self) -> Option<u128> {
        match self {
            Self::Numbered { hash_key, .. } => Some(*hash_key),
            Self::Whole(record) => Some(record.hash_key),
            Self::Run(_) => None,
        }
    }

    /// Bytes it counts for against limits: data plus partition key (a run's records together).
    pub fn size_bytes(&self) -> u64 {
        match self {
            Self::Numbered { key, len_bytes, .. } => u64::from(*len_bytes) + crate::shard_log::numbered_key_len(*key),
            Self::Whole(record) => record.size_bytes(),
            Self::Run(run) => run.bytes,
        }
    }

    /// The record, expanded; `None` for a run, which keeps no data length or hash key per record (runs are
    /// read only by simulated readers that need neither).
    pub fn to_record(&self) -> Option<Record> {
        match self {
            Self::Numbered { sequence_number, arrival, key, len_bytes, hash_key } => Some(Record {
                sequence_number: *sequence_number,
                arrival: *arrival,
                partition_key: crate::shard_log::numbered_key(*key),
                hash_key: *hash_key,
                data: Payload::Synthetic { len_bytes: *len_bytes },
            }),
            Self::Whole(record) => Some(Record::clone(record)),
            Self::Run(_) => None,
        }
    }
}

/// What a read returns records as: whole [`Record`]s (the API's answers) or [`ReadRecord`]s (the simulated
/// readers', which expand only what they need).
pub(crate) trait ReadItem: Sized {
    /// The next record of `records`.
    fn next_of(records: &mut Records<'_>) -> Option<Self>;
    /// The next warm numbered records of `records` as one run, when `Self` has runs (see
    /// [`crate::shard_log::Records::next_run`] for the arguments).
    fn next_run_of(
        _records: &mut Records<'_>,
        _records_max: u64,
        _bytes_left: u64,
        _first_free: bool,
        _visible_until: SimTime,
    ) -> Option<Self> {
        None
    }
    /// Its sequence number.
    fn sequence_number(&self) -> SequenceNumber;
    /// When it arrived.
    fn arrival(&self) -> SimTime;
    /// Bytes it counts for against limits.
    fn size_bytes(&self) -> u64;
    /// Kinesis records it stands for.
    fn record_count(&self) -> u64;
    /// The records, expanded (what tests compare with the reference; `log` expands runs).
    #[cfg(test)]
    fn to_records(&self, log: &crate::shard_log::ShardLog, sequence: SequenceNumber) -> Vec<Record>;
}

impl ReadItem for Record {
    fn next_of(records: &mut Records<'_>) -> Option<Self> {
        records.next()
    }
    fn sequence_number(&self) -> SequenceNumber {
        self.sequence_number
    }
    fn arrival(&self) -> SimTime {
        self.arrival
    }
    fn size_bytes(&self) -> u64 {
        Self::size_bytes(self)
    }
    fn record_count(&self) -> u64 {
        1
    }
    #[cfg(test)]
    fn to_records(&self, _log: &crate::shard_log::ShardLog, _sequence: SequenceNumber) -> Vec<Record> {
        alloc::vec![self.clone()]
    }
}

impl ReadItem for ReadRecord {
    fn next_of(records: &mut Records<'_>) -> Option<Self> {
        records.next_read()
    }
    fn next_run_of(
        records: &mut Records<'_>,
        records_max: u64,
        bytes_left: u64,
        first_free: bool,
        visible_until: SimTime,
    ) -> Option<Self> {
        records.next_run(records_max, bytes_left, first_free, visible_until).map(Self::Run)
    }
    fn sequence_number(&self) -> SequenceNumber {
        Self::sequence_number(self)
    }
    fn arrival(&self) -> SimTime {
        Self::arrival(self)
    }
    fn size_bytes(&self) -> u64 {
        Self::size_bytes(self)
    }
    fn record_count(&self) -> u64 {
        Self::record_count(self)
    }
    #[cfg(test)]
    fn to_records(&self, log: &crate::shard_log::ShardLog, sequence: SequenceNumber) -> Vec<Record> {
        let Self::Run(run) = self else {
            return self.to_record().into_iter().collect();
        };
        let records: Vec<Record> = log.records_from(run.first.counter, sequence).take(run.count as usize).collect();
        assert_eq!(records.len(), run.count as usize, "a run's records are kept");
        let numbers: Vec<u32> = records.iter().filter_map(|r| crate::shard_log::key_number(&r.partition_key)).collect();
        assert_eq!(numbers, run.keys(), "a run's keys");
        assert_eq!(records.iter().map(Record::size_bytes).sum::<u64>(), run.bytes, "a run's bytes");
        assert!(records.iter().all(|r| r.arrival == run.arrival && matches!(r.data, Payload::Synthetic { .. })));
        assert!(records.iter().all(|r| r.sequence_number.arrival_unix_secs == run.first.arrival_unix_secs));
        records
    }
}

/// When and how a shard stopped taking writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Closed {
    /// When it closed.
    pub at: SimTime,
    /// Its `EndingSequenceNumber`.
    pub ending_sequence_number: SequenceNumber,
}

/// One shard of a stream.
#[derive(Clone, Debug)]
pub struct Shard {
    /// Its id.
    pub id: ShardId,
    /// The hash keys it owns.
    pub hash_key_range: HashKeyRange,
    /// `ParentShardId`: the shard it was split from, or the first of the two merged into it.
    pub parent_shard_id: Option<ShardId>,
    /// `AdjacentParentShardId`: the second shard of a merge.
    pub adjacent_parent_shard_id: Option<ShardId>,
    /// When it was created, in simulated time.
    pub created_at: SimTime,
    /// When it was created, seconds since the Unix epoch (part of every sequence number).
    pub created_unix_secs: u64,
    /// Set once it no longer takes writes.
    pub closed: Option<Closed>,
    /// Its children after a split or merge.
    pub child_shard_ids: Vec<ShardId>,
    /// Its metrics.
    pub metrics: ShardMetrics,
    log: ShardLog,
    /// Tests only: every record kept, whole, as the log stored them before it was compact; each read
    /// and each record listed is checked against it.
    #[cfg(test)]
    reference: alloc::collections::VecDeque<Record>,
    log_records_max: usize,
    next_counter: u64,
    write_window: WriteWindow,
    read_budget: ReadBudget,
    shard_iterator_calls: CallWindow,
}

/// Records read by one GetRecords call, and where to continue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadBatch<R = Record> {
    /// The records, in sequence order.
    pub records: Vec<R>,
    /// The position after the last record returned.
    pub next_position: u64,
    /// Whether the shard is closed and nothing is left to read after this batch.
    pub at_shard_end: bool,
    /// Milliseconds between `now` and the arrival of the last record returned when more data remains; 0 at the tip.
    pub millis_behind_latest: u64,
}

impl Shard {
    pub(crate) fn new(id: ShardId, hash_key_range: HashKeyRange, created_at: SimTime, created_unix_secs: u64) -> Self {
        Self {
            id,
            hash_key_range,
            parent_shard_id: None,
            adjacent_parent_shard_id: None,
            created_at,
            created_unix_secs,
            closed: None,
            child_shard_ids: Vec::new(),
            metrics: ShardMetrics::default(),
            log: ShardLog::new(1, hash_key_range),
            #[cfg(test)]
            reference: alloc::collections::VecDeque::new(),
            log_records_max: SIM_LOG_RECORDS_MAX_PER_SHARD,
            // Counter 0 is the shard's StartingSequenceNumber; records start at 1.
            next_counter: 1,
            write_window: WriteWindow::default(),
            read_budget: ReadBudget::default(),
            shard_iterator_calls: CallWindow::default(),
        }
    }

    pub(crate) fn set_log_limit(&mut self, log_records_max: usize) {
        self.log_records_max = log_records_max.max(1);
    }

    /// Whether it still takes writes.
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    /// `StartingSequenceNumber`.
    pub fn starting_sequence_number(&self) -> SequenceNumber {
        SequenceNumber {
            shard_created_unix_secs: self.created_unix_secs,
            counter: 0,
            arrival_unix_secs: self.created_unix_secs,
            shard_index: self.id.0,
        }
    }

    /// The position just after the newest record: where a LATEST iterator starts.
    pub fn latest_position(&self) -> u64 {
        self.next_counter
    }

    /// The position of the first record at or after `at`, or [`Self::latest_position`] if none.
    pub fn position_at(&self, at: SimTime) -> u64 {
        self.log.counter_at(at).unwrap_or(self.next_counter)
    }

    /// Closes the shard at `now`; `now_unix_secs` goes into its `EndingSequenceNumber`.
    pub(crate) fn close(&mut self, now: SimTime, now_unix_secs: u64) {
        if self.closed.is_none() {
            let ending_sequence_number = SequenceNumber {
                shard_created_unix_secs: self.created_unix_secs,
                counter: ENDING_COUNTER,
                arrival_unix_secs: now_unix_secs,
                shard_index: self.id.0,
            };
            self.closed = Some(Closed { at: now, ending_sequence_number });
        }
    }

    /// Drops records older than the retention period.
    pub(crate) fn trim(&mut self, now: SimTime, retention: SimDuration) {
        while self.log.first_arrival().is_some_and(|arrival| now.saturating_since(arrival) >= retention) {
            self.log.pop_front();
            #[cfg(test)]
            self.reference.pop_front();
        }
    }

    /// When its oldest record expires, or (closed) when it is no longer listed, whichever is first.
    pub(crate) fn next_expiry(&self, retention: SimDuration) -> Option<SimTime> {
        let record = self.log.first_arrival().map(|arrival| arrival + retention);
        let closed = self.closed.map(|c| c.at + retention);
        [record, closed].into_iter().flatten().min()
    }

    /// Whether everything it ever held has expired: a closed shard in this state is no longer listed.
    pub fn is_expired(&self, now: SimTime, retention: SimDuration) -> bool {
        self.closed.is_some_and(|c| now.saturating_since(c.at) >= retention)
    }

    /// Appends a record if the shard's write limits allow it at `now`.
    #[cfg(test)]
    pub(crate) fn try_append(
        &mut self,
        now: SimTime,
        now_unix_secs: u64,
        partition_key: WriteKey,
        hash_key: u128,
        data: Payload,
        origin: u64,
    ) -> Result<SequenceNumber, WriteLimit> {
        let bytes = data.len_bytes() + partition_key.len_bytes();
        self.try_append_sized(now, now_unix_secs, partition_key, hash_key, data, bytes, origin)
    }

    /// [`Self::try_append`] of a record of `bytes` (its data and key, which the caller has counted).
    /// Inlined into the write path: returned through memory, its result was read back wider than it was
    /// written, a stall the profiles showed.
    #[inline]
    #[expect(clippy::too_many_arguments, reason = "one record's parts, on the write path")]
    pub(crate) fn try_append_sized(
        &mut self,
        now: SimTime,
        now_unix_secs: u64,
        partition_key: WriteKey,
        hash_key: u128,
        data: Payload,
        bytes: u64,
        origin: u64,
    ) -> Result<SequenceNumber, WriteLimit> {
        if let Err(limit) = self.write_window.try_accept(now, bytes) {
            self.metrics.record_throttled(now.as_secs(), limit);
            self.log.refuse(origin);
            return Err(limit);
        }
        let sequence_number = SequenceNumber {
            shard_created_unix_secs: self.created_unix_secs,
            counter: self.next_counter,
            arrival_unix_secs: now_unix_secs,
            shard_index: self.id.0,
        };
        self.next_counter += 1;
        self.metrics.record_accepted(now.as_secs(), bytes);
        if self.log.len() >= self.log_records_max {
            self.log.pop_front();
            #[cfg(test)]
            self.reference.pop_front();
        }
        #[cfg(test)]
        self.reference.push_back(Record {
            sequence_number,
            arrival: now,
            partition_key: partition_key.to_text(),
            hash_key,
            data: data.clone(),
        });
        self.log.push(now, now_unix_secs, partition_key, hash_key, data, origin);
        Ok(sequence_number)
    }

    /// Takes note that a record with `origin` was refused before reaching the shard's limits.
    pub(crate) fn refuse(&mut self, origin: u64) {
        self.log.refuse(origin);
    }

    /// Compacts the records that arrived at or before `cutoff` (see [`crate::shard_log`]).
    pub(crate) fn compact(&mut self, cutoff: SimTime, sources: &[crate::record_source::SourceLog]) {
        let sequence = self.starting_sequence_number();
        self.log.compact(cutoff, sources, sequence);
    }

    /// The records kept, oldest first (each expanded from the compact log as it is reached).
    pub fn records(&self) -> Records<'_> {
        #[cfg(test)]
        self.check_against_reference();
        self.records_from(self.log.first_counter())
    }

    /// The records kept from `position` on (from the oldest kept when `position` is older), oldest first,
    /// each expanded only when reached: reading the newest few costs a few records, whatever the log holds.
    pub fn records_from(&self, position: u64) -> Records<'_> {
        self.log.records_from(position.max(self.log.first_counter()), self.starting_sequence_number())
    }

    /// Tests only: panics unless the compact log holds exactly the reference's records.
    #[cfg(test)]
    pub(crate) fn check_against_reference(&self) {
        let sequence = self.starting_sequence_number();
        let compact: Vec<Record> = self.log.records_from(self.log.first_counter(), sequence).collect();
        assert_eq!(compact.len(), self.reference.len(), "records kept in {}", self.id);
        for (kept, reference) in compact.iter().zip(&self.reference) {
            assert_eq!(kept, reference, "record of {}", self.id);
            assert_eq!(self.log.size_bytes_of(kept.sequence_number.counter), reference.size_bytes());
        }
        let first = self.reference.front().map_or(self.next_counter, |r| r.sequence_number.counter);
        assert_eq!(self.first_position(), first, "first position of {}", self.id);
    }

    /// Native tests only: the compact log itself.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn log(&self) -> &ShardLog {
        &self.log
    }

    /// Records kept.
    pub fn record_count(&self) -> usize {
        self.log.len()
    }

    /// When the first record kept after `counter` (or the oldest kept, with `None`) arrived.
    pub fn arrival_after(&self, counter: Option<u64>) -> Option<SimTime> {
        let first = counter.map_or(self.log.first_counter(), |c| c.saturating_add(1).max(self.log.first_counter()));
        self.log.arrival_of(first)
    }

    /// Whether a GetShardIterator call at `now` is within the shard's 5 calls per second.
    pub(crate) fn admit_get_shard_iterator(&mut self, now: SimTime) -> bool {
        self.shard_iterator_calls.try_admit(now, GET_SHARD_ITERATOR_CALLS_PER_SEC)
    }

    /// GetRecords from `position`: at most `limit` records and 10 MiB, or `None` if the shard's shared read
    /// limits (5 calls/s, 2 MiB/s) refuse the call at `now`.
    /// With `runs`, numbered records come as runs where `R` has them ([`Self::read_as`]).
    pub(crate) fn get_records<R: ReadItem>(
        &mut self,
        now: SimTime,
        position: u64,
        limit: u32,
        visibility: SimDuration,
        runs: bool,
    ) -> Option<ReadBatch<R>> {
        if self.read_budget.try_admit(now).is_err() {
            self.metrics.record_read_throttled(now.as_secs());
            return None;
        }
        let batch = self.read_as::<R>(now, position, limit, GET_RECORDS_BYTES_MAX, visibility, runs);
        let bytes: u64 = batch.records.iter().map(R::size_bytes).sum();
        let count: u64 = batch.records.iter().map(R::record_count).sum();
        self.read_budget.charge(bytes);
        self.metrics.record_read(now.as_secs(), count, bytes, batch.millis_behind_latest);
        Some(batch)
    }

    /// Reads without the shared limits (enhanced fan-out has its own pipe): at most `limit` records and `bytes_max`.
    /// Only records written at least `visibility` before `now` can be read (the put-to-get delay).
    #[cfg(test)]
    pub(crate) fn read_from(
        &self,
        now: SimTime,
        position: u64,
        limit: u32,
        bytes_max: u64,
        visibility: SimDuration,
    ) -> ReadBatch {
        self.read_as(now, position, limit, bytes_max, visibility, false)
    }

    /// [`Self::read_from`], records given as `R`. With `runs`, warm numbered records of zeros come as
    /// [`ReadRecord::Run`]s where `R` has them (what readers take that count records rather than look at
    /// each); the same records either way.
    pub(crate) fn read_as<R: ReadItem>(
        &self,
        now: SimTime,
        position: u64,
        limit: u32,
        bytes_max: u64,
        visibility: SimDuration,
        runs: bool,
    ) -> ReadBatch<R> {
        let visible = |arrival: SimTime| arrival + visibility <= now;
        let mut kept = self.log.records_from(position, self.starting_sequence_number());
        let capacity = kept.len().min(limit as usize);
        let mut records: Vec<R> = Vec::with_capacity(if runs { capacity / 4 } else { capacity });
        let mut bytes = 0;
        let mut count = 0u64;
        // The latest arrival readable now (none when nothing is).
        let visible_until = now.0.checked_sub(visibility.0).map(SimTime);
        // The first record not returned, if any: where the next read starts.
        let mut remaining = None;
        loop {
            if runs && let Some(until) = visible_until {
                let records_max = u64::from(limit).saturating_sub(count);
                let bytes_left = bytes_max.saturating_sub(bytes);
                if let Some(run) = R::next_run_of(&mut kept, records_max, bytes_left, count == 0, until) {
                    bytes += run.size_bytes();
                    count += run.record_count();
                    records.push(run);
                    continue;
                }
            }
            let Some(record) = R::next_of(&mut kept) else {
                break;
            };
            let size = record.size_bytes();
            let full = count >= u64::from(limit) || (count > 0 && bytes + size > bytes_max);
            if full || !visible(record.arrival()) {
                remaining = Some(record.arrival());
                break;
            }
            bytes += size;
            count += 1;
            records.push(record);
        }
        let next_position =
            records.last().map_or(position.max(self.first_position()), |r| r.sequence_number().counter + 1);
        // Behind means readable records are waiting; records still in flight do not count.
        let millis_behind_latest = match (remaining.filter(|a| visible(*a)), records.last()) {
            (Some(_), Some(last)) => now.saturating_since(last.arrival()).as_millis(),
            (Some(next), None) => now.saturating_since(next).as_millis(),
            (None, _) => 0,
        };
        let batch = ReadBatch {
            at_shard_end: self.closed.is_some() && remaining.is_none(),
            records,
            next_position,
            millis_behind_latest,
        };
        #[cfg(test)]
        assert_eq!(
            ReadBatch {
                records: batch
                    .records
                    .iter()
                    .flat_map(|r| r.to_records(&self.log, self.starting_sequence_number()))
                    .collect(),
                next_position: batch.next_position,
                at_shard_end: batch.at_shard_end,
                millis_behind_latest: batch.millis_behind_latest,
            },
            self.reference_read_from(now, position, limit, bytes_max, visibility),
            "a read of {}",
            self.id
        );
        batch
    }

    /// Tests only: [`Self::read_from`] as it was on a log of whole records, the reference the compact log
    /// must match.
    #[cfg(test)]
    fn reference_read_from(
        &self,
        now: SimTime,
        position: u64,
        limit: u32,
        bytes_max: u64,
        visibility: SimDuration,
    ) -> ReadBatch {
        let log = &self.reference;
        let start = log.partition_point(|r| r.sequence_number.counter < position);
        let visible = |r: &Record| r.arrival + visibility <= now;
        let mut records = Vec::new();
        let mut bytes = 0;
        for record in log.iter().skip(start).take(limit as usize).take_while(|r| visible(r)) {
            let size = record.size_bytes();
            if !records.is_empty() && bytes + size > bytes_max {
                break;
            }
            bytes += size;
            records.push(record.clone());
        }
        let first_position = log.front().map_or(self.next_counter, |r| r.sequence_number.counter);
        let next_position = records.last().map_or(position.max(first_position), |r| r.sequence_number.counter + 1);
        let remaining = log.get(start + records.len());
        let millis_behind_latest = match (remaining.filter(|r| visible(r)), records.last()) {
            (Some(_), Some(last)) => now.saturating_since(last.arrival).as_millis(),
            (Some(next), None) => now.saturating_since(next.arrival).as_millis(),
            (None, _) => 0,
        };
        ReadBatch {
            at_shard_end: self.closed.is_some() && remaining.is_none(),
            records,
            next_position,
            millis_behind_latest,
        }
    }

    /// The position of the oldest record kept (or the next one to come, if none is kept).
    pub fn first_position(&self) -> u64 {
        if self.log.len() == 0 { self.next_counter } else { self.log.first_counter() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash_range::initial_layout;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn shard() -> Shard {
        let range = initial_layout(1).next().expect("one range");
        Shard::new(ShardId(0), range, SimTime::ZERO, 1_767_225_600)
    }

    #[test]
    fn shard_ids_parse_like_aws() {
        // `docs/aws-behaviour.md` §1.10: the text before the first '-' is ignored.
        for raw in ["shardId-000000000000", "shardId-0", "shard-0", "anything-0", "-0", "0"] {
            assert_eq!(ShardId::parse(raw), Some(ShardId(0)), "{raw}");
        }
        assert_eq!(ShardId::parse("a-00002147483647"), Some(ShardId(2_147_483_647)));
        for raw in ["shardId-", "x-2.14E4", "shardId-2147483648", "shardId-abc"] {
            assert_eq!(ShardId::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn five_get_records_calls_per_second() {
        let mut s = shard();
        for i in 0..5 {
            assert!(
                s.get_records::<Record>(SimTime::from_millis(i * 10), 0, 10, SimDuration::ZERO, false).is_some(),
                "call {i}"
            );
        }
        assert!(
            s.get_records::<Record>(SimTime::from_millis(60), 0, 10, SimDuration::ZERO, false).is_none(),
            "sixth call within a second"
        );
        assert!(
            s.get_records::<Record>(SimTime::from_millis(1_000), 0, 10, SimDuration::ZERO, false).is_some(),
            "a second after the first"
        );
        assert_eq!(s.metrics.totals.read_provisioned_throughput_exceeded, 1);
    }

    #[test]
    fn a_10_mib_response_after_an_idle_second_blocks_reads_for_4_seconds() {
        let mut s = shard();
        for i in 0..10u64 {
            let data = Payload::Synthetic { len_bytes: 1_048_576 - 1 };
            s.try_append(SimTime::from_secs(i), 0, "k".into(), 0, data, crate::shard_log::NO_ORIGIN)
                .expect("one record per second fits");
        }
        let t = SimTime::from_secs(20);
        let batch = s.get_records::<Record>(t, 0, 10_000, SimDuration::ZERO, false).expect("first call");
        assert_eq!(batch.records.len(), 10);
        assert_eq!(batch.records.iter().map(Record::size_bytes).sum::<u64>(), 10 * 1_048_576);
        // 10 MiB at 2 MiB/s is 5 s of throughput, one of which the idle second before already allowed.
        assert!(s.get_records::<Record>(t + SimDuration::from_millis(3_999), 0, 1, SimDuration::ZERO, false).is_none());
        assert!(s.get_records::<Record>(t + SimDuration::from_secs(4), 0, 1, SimDuration::ZERO, false).is_some());
    }

    #[test]
    fn small_reads_share_a_second_of_2_mib() {
        let mut s = shard();
        for i in 0..4u64 {
            let data = Payload::Synthetic { len_bytes: 699_999 };
            s.try_append(SimTime::from_secs(i), 0, "k".into(), 0, data, crate::shard_log::NO_ORIGIN).expect("fits");
        }
        let t = SimTime::from_secs(10);
        // Three 700,000-byte reads at one instant: the third takes the second past 2 MiB.
        for position in [1, 2, 3] {
            let batch = s
                .get_records::<Record>(t, position, 1, SimDuration::ZERO, false)
                .expect("within the second's 2 MiB so far");
            assert_eq!(batch.records.len(), 1);
        }
        assert!(
            s.get_records::<Record>(t, 4, 1, SimDuration::ZERO, false).is_none(),
            "2.1 MB returned: the second's 2 MiB budget is spent"
        );
        // 2,100,000 - 2,097,152 = 2,848 bytes overdrawn, repaid at 2 MiB/s in about 1.4 ms.
        assert!(s.get_records::<Record>(t + SimDuration::from_micros(1_300), 4, 1, SimDuration::ZERO, false).is_none());
        assert!(s.get_records::<Record>(t + SimDuration::from_micros(1_400), 4, 1, SimDuration::ZERO, false).is_some());
    }

    #[test]
    fn reads_resume_where_they_stopped_and_report_the_lag() {
        let mut s = shard();
        for i in 0..5 {
            s.try_append(
                SimTime::from_secs(i),
                0,
                "k".into(),
                0,
                Payload::Bytes(alloc::vec![1].into()),
                crate::shard_log::NO_ORIGIN,
            )
            .expect("fits");
        }
        let first = s.read_from(SimTime::from_secs(10), 0, 2, u64::MAX, SimDuration::ZERO);
        assert_eq!(first.records.len(), 2);
        assert_eq!(first.millis_behind_latest, 9_000, "the last record returned arrived at t = 1 s");
        let rest = s.read_from(SimTime::from_secs(10), first.next_position, 10, u64::MAX, SimDuration::ZERO);
        assert_eq!(rest.records.len(), 3);
        assert_eq!(rest.millis_behind_latest, 0);
        assert!(!rest.at_shard_end);
        s.close(SimTime::from_secs(11), 0);
        assert!(s.read_from(SimTime::from_secs(12), rest.next_position, 10, u64::MAX, SimDuration::ZERO).at_shard_end);
        // A record younger than the put-to-get delay is not readable yet, and does not count as behind.
        let mut t = shard();
        t.try_append(
            SimTime::from_millis(1_000),
            0,
            "k".into(),
            0,
            Payload::Bytes(alloc::vec![1].into()),
            crate::shard_log::NO_ORIGIN,
        )
        .expect("fits");
        let early = t.read_from(SimTime::from_millis(1_150), 0, 10, u64::MAX, SimDuration::from_millis(200));
        assert!(early.records.is_empty() && early.millis_behind_latest == 0);
        let later = t.read_from(SimTime::from_millis(1_200), 0, 10, u64::MAX, SimDuration::from_millis(200));
        assert_eq!(later.records.len(), 1);
    }
}
