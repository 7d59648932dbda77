//! Where a simulated producer's records can be made again from, so a shard's old records need not be
//! stored one by one.
//!
//! A producer whose records are derivable ([`SourceSpec::derivable`]) draws record `i`'s key and size from
//! its own generator `Rng::for_index(record_seed, i)`: any record can be made again from the producer's
//! [`SourceSpec`] and its index. A stream keeps, per such producer, a [`SourceLog`]: the calls that first
//! sent its records (the index of the first one and the arrival), in chunks, and the indices the stream
//! never saw (gaps: records dropped, or in calls refused whole). Together with the records a shard refused
//! (holes), a range of indices and a shard's hash-key range give back exactly the records the shard kept
//! ([`crate::shard_log`]'s cold runs).

use crate::hash_range::HashKeyRange;
use crate::partition_key;
use crate::producer::{ClientStyle, ProducerConfig};
use crate::rng::Rng;
use crate::shard::Payload;
use crate::shard_log::numbered_key;
use crate::template::PayloadTemplate;
use crate::time::SimTime;
use crate::workload::{KeyProfile, KeySampler, RateProfile, SizeProfile};
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Numbered keys (`user-N`) whose MD5 hash keys a spec computes once, up front (16 B each): keys from here
/// on are hashed whenever they are needed.
const HASHED_KEYS_MAX: u32 = 1 << 17;
/// Calls a chunk of a source log holds at most before it is frozen.
const CHUNK_CALLS_MAX: usize = 4_096;

/// How a derivable producer makes record `i`: its key and size profiles and the seed of its per-record
/// generators, with its numbered keys' hash keys computed once.
#[derive(Debug)]
pub(crate) struct SourceSpec {
    keys: KeySampler,
    size: SizeProfile,
    record_seed: u64,
    /// MD5 hash key of `user-N`, for N below the table's length.
    hashes: Vec<u128>,
    /// MD5 hash key of `hot` (the hot-key profile's key).
    hot_hash: u128,
}

impl SourceSpec {
    /// Whether a producer's records can be made again from their index: data of zeros, sent as drawn
    /// (PutRecord or PutRecords, not KPL aggregates) at a rate profile (not a trace, whose sizes are given).
    pub(crate) fn derivable(config: &ProducerConfig) -> bool {
        config.payload == PayloadTemplate::Zeros
            && !matches!(config.client, ClientStyle::Kpl(_))
            && !matches!(config.rate, RateProfile::Trace { .. })
    }

    pub(crate) fn new(config: &ProducerConfig, record_seed: u64) -> Self {
        let numbered = match config.keys {
            KeyProfile::Uniform { keys } | KeyProfile::Zipf { keys } | KeyProfile::HotKey { keys, .. } => keys,
            KeyProfile::RandomUuid | KeyProfile::ExplicitHashKey => 0,
        };
        let hashes = (0..numbered.min(HASHED_KEYS_MAX)).map(|n| partition_key::hash_key(&numbered_key(n))).collect();
        Self {
            keys: KeySampler::new(config.keys.clone()),
            size: config.size.clone(),
            record_seed,
            hashes,
            hot_hash: partition_key::hash_key("hot"),
        }
    }

    /// The generator record `index` draws its key and size from.
    pub(crate) fn rng(&self, index: u64) -> Rng {
        Rng::for_index(self.record_seed, index)
    }

    /// The MD5 hash key of `user-{number}`.
    pub(crate) fn numbered_hash(&self, number: u32) -> u128 {
        match self.hashes.get(number as usize) {
            Some(hash) => *hash,
            None => partition_key::hash_key(&numbered_key(number)),
        }
    }

    /// Record `index`'s hash key alone (what a shard's range filter needs): numbered keys draw no string.
    pub(crate) fn hash_of(&self, index: u64) -> u128 {
        let mut rng = self.rng(index);
        if let Some(number) = self.keys.sample_number(&mut rng) {
            return self.numbered_hash(number);
        }
        let key = self.keys.sample(&mut self.rng(index));
        self.key_hash(&key.partition_key, key.explicit_hash_key)
    }

    fn key_hash(&self, partition_key: &str, explicit_hash_key: Option<u128>) -> u128 {
        match (explicit_hash_key, partition_key) {
            (Some(hash), _) => hash,
            (None, "hot") => self.hot_hash,
            (None, key) => match crate::shard_log::key_number(key) {
                Some(number) => self.numbered_hash(number),
                None => partition_key::hash_key(key),
            },
        }
    }

    /// Record `index` as written: partition key, hash key and data.
    pub(crate) fn record(&self, index: u64) -> (String, u128, Payload) {
        let mut rng = self.rng(index);
        let key = self.keys.sample(&mut rng);
        let len_bytes = self.size.sample(&mut rng);
        let hash_key = self.key_hash(&key.partition_key, key.explicit_hash_key);
        (key.partition_key, hash_key, Payload::Synthetic { len_bytes })
    }
}

/// The calls that first sent a source's records with indices in `[base_index, end_index)`, frozen: each
/// call's first index and arrival, and the indices never seen.
#[derive(Clone, Debug)]
pub(crate) struct CallChunk {
    base_index: u64,
    end_index: u64,
    base_time: SimTime,
    epoch_unix_ms: u64,
    /// `(first index - base_index, arrival - base_time in µs)`, in order.
    calls: Vec<(u32, u32)>,
    /// `[start, end)` ranges of indices the stream never saw, in order.
    gaps: Vec<(u64, u64)>,
}

impl CallChunk {
    /// Whether `index` is one of this chunk's.
    pub(crate) fn holds(&self, index: u64) -> bool {
        (self.base_index..self.end_index).contains(&index)
    }

    /// The arrival of record `index` (one this chunk holds and a call carried), and its Unix seconds.
    pub(crate) fn arrival_of(&self, index: u64) -> (SimTime, u64) {
        let offset = index.saturating_sub(self.base_index);
        let call = self.calls.partition_point(|(first, _)| u64::from(*first) <= offset).saturating_sub(1);
        let micros = self.calls.get(call).map_or(0, |(_, at)| u64::from(*at));
        let arrival = SimTime(self.base_time.0 + micros);
        (arrival, (self.epoch_unix_ms + arrival.as_millis()) / 1_000)
    }

    /// The arrival of the last call.
    fn last_arrival(&self) -> Option<SimTime> {
        self.calls.last().map(|(_, at)| SimTime(self.base_time.0 + u64::from(*at)))
    }

    /// Whether the stream never saw `index`.
    pub(crate) fn in_gap(&self, index: u64) -> bool {
        if self.gaps.is_empty() {
            return false;
        }
        let at = self.gaps.partition_point(|(_, end)| *end <= index);
        self.gaps.get(at).is_some_and(|(start, _)| *start <= index)
    }
}

/// A stream's record of one derivable source: the chunk being filled and the frozen ones not yet used by
/// every shard's compaction.
#[derive(Clone, Debug)]
pub(crate) struct SourceLog {
    pub(crate) spec: Arc<SourceSpec>,
    epoch_unix_ms: u64,
    /// The index after the last one the stream saw.
    next_index: u64,
    open: CallChunk,
    frozen: VecDeque<Arc<CallChunk>>,
}

impl SourceLog {
    pub(crate) fn new(spec: Arc<SourceSpec>, epoch_unix_ms: u64) -> Self {
        Self { spec, epoch_unix_ms, next_index: 0, open: Self::empty_chunk(0, epoch_unix_ms), frozen: VecDeque::new() }
    }

    fn empty_chunk(base_index: u64, epoch_unix_ms: u64) -> CallChunk {
        CallChunk {
            base_index,
            end_index: base_index,
            base_time: SimTime::ZERO,
            epoch_unix_ms,
            calls: Vec::new(),
            gaps: Vec::new(),
        }
    }

    /// Takes note that the stream sees record `index` now, first sent: `false` when it cannot be derived
    /// (an index seen before: it is then stored whole). Indices skipped since the last one become gaps.
    pub(crate) fn see(&mut self, index: u64) -> bool {
        if index < self.next_index || index >= 1 << 48 {
            return false;
        }
        if index > self.next_index {
            self.open.gaps.push((self.next_index, index));
        }
        self.next_index = index + 1;
        true
    }

    /// Takes note that record `index` (just seen) was kept, arriving at `now`.
    pub(crate) fn kept(&mut self, index: u64, now: SimTime) {
        let base_time = self.open.base_time;
        if self.open.calls.last().is_some_and(|(_, at)| SimTime(base_time.0 + u64::from(*at)) == now) {
            return;
        }
        let fits = |open: &CallChunk| {
            open.calls.is_empty()
                || (open.calls.len() < CHUNK_CALLS_MAX
                    && now.0 - open.base_time.0 <= u64::from(u32::MAX)
                    && index - open.base_index <= u64::from(u32::MAX))
        };
        if !fits(&self.open) {
            self.freeze(index);
        }
        if self.open.calls.is_empty() {
            self.open.base_time = now;
        }
        let offset = (index - self.open.base_index) as u32;
        let micros = (now.0 - self.open.base_time.0) as u32;
        self.open.calls.push((offset, micros));
    }

    /// Freezes the open chunk at `end_index` and opens the next one from there.
    fn freeze(&mut self, end_index: u64) {
        let next = Self::empty_chunk(end_index, self.epoch_unix_ms);
        let mut chunk = core::mem::replace(&mut self.open, next);
        chunk.end_index = end_index;
        chunk.calls.shrink_to_fit();
        chunk.gaps.shrink_to_fit();
        self.frozen.push_back(Arc::new(chunk));
    }

    /// Freezes the open chunk if its oldest call arrived at or before `cutoff`.
    pub(crate) fn freeze_through(&mut self, cutoff: SimTime) {
        if !self.open.calls.is_empty() && self.open.base_time <= cutoff {
            self.freeze(self.next_index);
        }
    }

    /// The frozen chunk holding `index`, if it is frozen.
    pub(crate) fn chunk_of(&self, index: u64) -> Option<&Arc<CallChunk>> {
        let at = self.frozen.partition_point(|c| c.end_index <= index);
        self.frozen.get(at).filter(|c| c.holds(index))
    }

    /// Forgets frozen chunks whose calls all arrived at or before `cutoff` (compaction is past them; the
    /// shards' runs keep them alive as long as they need them).
    pub(crate) fn forget_through(&mut self, cutoff: SimTime) {
        while self.frozen.front().is_some_and(|c| c.last_arrival().is_none_or(|at| at <= cutoff)) {
            self.frozen.pop_front();
        }
    }
}

/// A run of a shard's records from one source, stored as the range of indices it covers: the records are
/// the indices in `[first_index, last_index]` whose hash key falls in the shard's range, less the gaps and
/// the shard's holes (records it refused).
#[derive(Clone, Debug)]
pub(crate) struct ColdRun {
    pub(crate) spec: Arc<SourceSpec>,
    pub(crate) chunk: Arc<CallChunk>,
    /// The counter of the first record kept.
    pub(crate) first_counter: u64,
    /// Records kept.
    pub(crate) count: u64,
    /// The index of the first record kept.
    pub(crate) first_index: u64,
    pub(crate) last_index: u64,
    /// The index the run started at: `holes` are offsets from it.
    pub(crate) base_index: u64,
    /// The records the shard refused (holes), as indices less `base_index` (a chunk spans fewer than 2^32),
    /// in order. The records between two kept ones that the shard saw were all refused, so a stretch of
    /// several holes is one range in `hole_ranges` (first and last included: every index in it that would
    /// otherwise be one of the run's records was refused), and a lone hole is kept here (4 B).
    pub(crate) holes: Vec<u32>,
    /// Stretches of two holes or more, as ranges like `holes`' offsets, in order (8 B, however many).
    pub(crate) hole_ranges: Vec<(u32, u32)>,
}

impl ColdRun {
    /// The first index from `from` on (up to `last_index`) that is one of the run's records.
    pub(crate) fn member_from(&self, from: u64, range: &HashKeyRange) -> Option<u64> {
        (from..=self.last_index)
            .find(|&i| range.contains(self.spec.hash_of(i)) && !self.chunk.in_gap(i) && !self.is_hole(i))
    }

    /// Whether index `i` is a hole, lone or in a range.
    fn is_hole(&self, i: u64) -> bool {
        let offset = (i - self.base_index) as u32;
        let after = self.hole_ranges.partition_point(|(first, _)| *first <= offset);
        after.checked_sub(1).is_some_and(|at| offset <= self.hole_ranges[at].1)
            || self.holes.binary_search(&offset).is_ok()
    }

    /// Takes note that the shard refused `holes` (in order), all between the run's last record and the
    /// next one it keeps: a lone hole, or one range from the first to the last.
    pub(crate) fn add_holes(&mut self, holes: &[u64]) {
        let after = &holes[holes.partition_point(|h| *h <= self.last_index)..];
        let offset = |h: &u64| (h - self.base_index) as u32;
        match after {
            [] => {}
            [lone] => self.holes.push(offset(lone)),
            [first, .., last] => self.hole_ranges.push((offset(first), offset(last))),
        }
    }

    /// Gives back the spare capacity of its holes (once they stop growing for a while).
    pub(crate) fn shrink_holes(&mut self) {
        self.holes.shrink_to_fit();
        self.hole_ranges.shrink_to_fit();
    }

    /// Drops the first record kept.
    pub(crate) fn pop_front(&mut self, range: &HashKeyRange) {
        self.count = self.count.saturating_sub(1);
        self.first_counter += 1;
        if self.count > 0 {
            self.first_index = self.member_from(self.first_index + 1, range).unwrap_or(self.last_index);
        }
    }
}
