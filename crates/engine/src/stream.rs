//! A Kinesis data stream: its shards with their lineage, its settings, and the write path.

use crate::consumer::Consumer;
use crate::cost::{ON_DEMAND_RECORD_ROUNDING_BYTES, Usage};
use crate::hash_range::{HashKeyRange, initial_layout};
use crate::partition_key;
use crate::record_source::{SourceLog, SourceSpec};
use crate::sequence::SequenceNumber;
use crate::shard::{Payload, Shard, ShardId};
use crate::shard_log::WriteKey;
use crate::sorted_map::SortedSet;
use crate::throttle::WriteLimit;
use crate::time::{SimDuration, SimTime};
use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// `StreamStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StreamStatus {
    /// Being created; not yet readable or writable.
    Creating,
    /// Being deleted.
    Deleting,
    /// Ready.
    Active,
    /// A reshard, encryption or mode change is in progress; reads and writes continue.
    Updating,
}

impl StreamStatus {
    /// The API's spelling: `CREATING`, `DELETING`, `ACTIVE`, `UPDATING`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Creating => "CREATING",
            Self::Deleting => "DELETING",
            Self::Active => "ACTIVE",
            Self::Updating => "UPDATING",
        }
    }
}

/// `StreamMode`: how capacity is managed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum StreamMode {
    /// Capacity is the shards you provision.
    Provisioned,
    /// AWS adds shards as traffic grows.
    OnDemand,
}

impl StreamMode {
    /// The API's spelling: `PROVISIONED` or `ON_DEMAND`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Provisioned => "PROVISIONED",
            Self::OnDemand => "ON_DEMAND",
        }
    }
}

/// A change that completes after the stream has been UPDATING (or CREATING, DELETING) for a while.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PendingChange {
    /// The stream becomes ACTIVE with its first shards.
    Create {
        /// How many.
        shard_count: u32,
    },
    /// The stream disappears.
    Delete,
    /// A shard splits at a hash key.
    Split {
        /// The parent.
        shard: ShardId,
        /// The upper child's first hash key.
        new_starting_hash_key: u128,
    },
    /// Two adjacent shards merge.
    Merge {
        /// `ShardToMerge`: the lower range.
        shard: ShardId,
        /// `AdjacentShardToMerge`: the upper range.
        adjacent: ShardId,
    },
    /// Uniform scaling to a shard count.
    Scale {
        /// The target.
        target: u32,
    },
    /// Encryption starts (`Some(key)`) or stops (`None`).
    Encryption(Option<String>),
    /// The capacity mode switches.
    Mode(StreamMode),
}

/// A Kinesis data stream.
#[derive(Clone, Debug)]
pub struct Stream {
    /// `StreamName`.
    pub name: String,
    /// `StreamARN`.
    pub arn: String,
    /// `StreamStatus`.
    pub status: StreamStatus,
    /// `StreamModeDetails.StreamMode`.
    pub mode: StreamMode,
    /// `StreamCreationTimestamp`, seconds since the Unix epoch.
    pub created_unix_secs: u64,
    /// `RetentionPeriodHours`.
    pub retention_hours: u32,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// The KMS key id while server-side encryption is on.
    pub encryption_key_id: Option<String>,
    /// Enhanced monitoring: the shard-level metrics enabled.
    pub shard_level_metrics: SortedSet<String>,
    /// `MaxRecordSizeInKiB`.
    pub max_record_size_kib: u32,
    /// `WarmThroughput` target in MiB/s (on-demand streams).
    pub warm_throughput_mibps: Option<u32>,
    /// Registered enhanced fan-out consumers.
    pub consumers: Vec<Consumer>,
    /// The resource policy document, if one is attached.
    pub resource_policy: Option<String>,
    /// The change in progress and when it completes.
    pub pending: Option<(SimTime, PendingChange)>,
    /// Recent UpdateShardCount calls, for the 10-per-24-hours limit.
    pub scaling_operations: VecDeque<SimTime>,
    /// Recent capacity-mode switches, for the 2-per-24-hours limit.
    pub mode_switches: VecDeque<SimTime>,
    /// Usage in AWS billing units since creation, with time-based usage counted up to `billed_through`
    /// (read it with [`Self::usage`]).
    pub(crate) usage_billed: crate::cost::Usage,
    /// The last closed second whose time-based usage is in `usage_billed`: later seconds are billed lazily, at
    /// the rates the stream has now, so whatever changes a rate must call [`Self::bill_through`] first.
    billed_through: SimTime,
    /// Stream-level API metrics (shard-level ones are in each shard).
    pub metrics: crate::metrics::StreamMetrics,
    /// A scenario's faults and delays for this stream, in place of the service's ([`crate::kinesis::StreamFaults`]).
    pub(crate) faults: Option<crate::kinesis::StreamFaults>,
    shards: Vec<Shard>,
    /// Indexes into `shards` of the open shards, in hash-key order: the write path's routing table.
    routing: Vec<usize>,
    /// The ending hash key of each shard in `routing`, side by side (what a lookup compares against).
    routing_ends: Vec<u128>,
    /// The earliest instant [`Self::trim`] may have work (`None`: nothing to trim), and the retention in hours
    /// it was computed for, so idle streams and closed shards cost nothing until then.
    trim_due: (Option<SimTime>, u32),
    /// MD5 hash keys of the numbered keys (`user-N`) written here, so a producer's keys are hashed once.
    numbered_hashes: crate::shard_log::DenseHashes,
    /// Per numbered key (`user-N`, by N, below [`STREAM_HASHED_KEYS_MAX`]): the index in `shards` plus one of
    /// the open shard its hash key routes to (0: not looked up yet), for the current layout only:
    /// [`Self::reroute`] clears it, so each distinct key is routed once per layout.
    numbered_routes: Vec<u16>,
    /// The derivable producers writing here, by slot ([`crate::record_source`]).
    sources: Vec<SourceLog>,
    /// How long records stay warm (stored one by one) before they are compacted.
    pub(crate) hot_window: SimDuration,
}

/// How long records stay warm before a stream compacts them: readers at the tip read warm records.
pub(crate) const HOT_WINDOW: SimDuration = SimDuration::from_secs(5);

/// A derivable producer's record being written: its producer's spec, its index, and the Unix time of the
/// simulation's start (for its arrival's seconds).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Origin<'a> {
    pub(crate) spec: &'a Arc<SourceSpec>,
    pub(crate) index: u64,
    pub(crate) epoch_unix_ms: u64,
}

/// A record's hash key and, once looked up, the index in the stream's shards of the open shard it routes to
/// (valid until the layout changes: within one call).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RoutedKey {
    pub(crate) hash_key: u128,
    shard: Option<usize>,
}

impl RoutedKey {
    /// `hash_key`, routed when the record is written.
    pub(crate) fn unrouted(hash_key: u128) -> Self {
        Self { hash_key, shard: None }
    }
}

/// Numbered keys (`user-0` to `user-131071`) whose hash keys a stream remembers (2 MiB at most).
const STREAM_HASHED_KEYS_MAX: usize = 1 << 17;

/// The hash key of a record with `partition_key` (whose number, for a numbered key, is `number`) and
/// `explicit_hash_key`: numbered keys from `spec`'s table when the sending source has one, else from the
/// stream's (`numbered_hashes`); other keys hashed.
fn key_hash(
    numbered_hashes: &mut crate::shard_log::DenseHashes,
    partition_key: &WriteKey,
    number: Option<u32>,
    explicit_hash_key: Option<u128>,
    spec: Option<&SourceSpec>,
) -> u128 {
    if let Some(hash_key) = explicit_hash_key {
        return hash_key;
    }
    match (number, spec, partition_key) {
        (Some(number), Some(spec), _) => spec.numbered_hash(number),
        (Some(number), None, _) => numbered_hashes.hash_key(number, STREAM_HASHED_KEYS_MAX),
        (None, _, WriteKey::Text(key)) => partition_key::hash_key(key),
        (None, _, key) => partition_key::hash_key(&key.to_text()),
    }
}

impl Stream {
    pub(crate) fn new(name: String, arn: String, mode: StreamMode, created_unix_secs: u64) -> Self {
        Self {
            name,
            arn,
            status: StreamStatus::Creating,
            mode,
            created_unix_secs,
            retention_hours: crate::limits::RETENTION_HOURS_MIN,
            tags: BTreeMap::new(),
            encryption_key_id: None,
            shard_level_metrics: SortedSet::new(),
            max_record_size_kib: 1_024,
            warm_throughput_mibps: None,
            consumers: Vec::new(),
            resource_policy: None,
            pending: None,
            scaling_operations: VecDeque::new(),
            mode_switches: VecDeque::new(),
            usage_billed: crate::cost::Usage::default(),
            billed_through: SimTime::ZERO,
            metrics: crate::metrics::StreamMetrics::default(),
            faults: None,
            shards: Vec::new(),
            routing: Vec::new(),
            routing_ends: Vec::new(),
            trim_due: (Some(SimTime::ZERO), 0),
            numbered_hashes: crate::shard_log::DenseHashes::default(),
            numbered_routes: Vec::new(),
            sources: Vec::new(),
            hot_window: HOT_WINDOW,
        }
    }

    /// The slot of `origin`'s source, registered on first use.
    fn source_slot(&mut self, origin: Origin<'_>) -> usize {
        match self.sources.iter().position(|s| Arc::ptr_eq(&s.spec, origin.spec)) {
            Some(slot) => slot,
            None => {
                self.sources.push(SourceLog::new(origin.spec.clone(), origin.epoch_unix_ms));
                self.sources.len() - 1
            }
        }
    }

    /// Compacts every shard's records older than the hot window (when derivable producers write here).
    pub(crate) fn compact(&mut self, now: SimTime) {
        if self.sources.is_empty() {
            return;
        }
        let Some(cutoff) = now.0.checked_sub(self.hot_window.0).map(SimTime) else {
            return;
        };
        for source in &mut self.sources {
            source.freeze_through(cutoff);
        }
        for shard in &mut self.shards {
            shard.compact(cutoff, &self.sources);
        }
        for source in &mut self.sources {
            source.forget_through(cutoff);
        }
    }

    /// Every shard it ever had that has not expired, in id order (closed ones included).
    pub fn shards(&self) -> &[Shard] {
        &self.shards
    }

    pub(crate) fn shards_mut(&mut self) -> &mut [Shard] {
        &mut self.shards
    }

    /// The shards to read and the consumers to update, borrowed together.
    /// Also lends the fan-out byte counter, which pushes add to.
    pub(crate) fn shards_and_consumers_mut(
        &mut self,
    ) -> (&[Shard], &mut Vec<Consumer>, &mut u64, &mut crate::metrics::StreamMetrics) {
        (&self.shards, &mut self.consumers, &mut self.usage_billed.efo_bytes, &mut self.metrics)
    }

    /// The shards taking writes, in hash-key order.
    pub fn open_shards(&self) -> impl Iterator<Item = &Shard> {
        self.open_in_hash_key_order().into_iter().map(|i| &self.shards[i])
    }

    /// How many shards take writes.
    pub fn open_shard_count(&self) -> u32 {
        self.routing.len() as u32
    }

    /// A shard by id.
    pub fn shard(&self, id: ShardId) -> Option<&Shard> {
        self.shards.iter().find(|s| s.id == id)
    }

    pub(crate) fn shard_mut(&mut self, id: ShardId) -> Option<&mut Shard> {
        self.shards.iter_mut().find(|s| s.id == id)
    }

    /// The retention period.
    pub fn retention(&self) -> SimDuration {
        SimDuration::from_secs(u64::from(self.retention_hours) * 3_600)
    }

    /// The largest record, data plus partition key, in bytes.
    pub fn max_record_bytes(&self) -> u64 {
        u64::from(self.max_record_size_kib) * 1_024
    }

    /// Whether writes are accepted: ACTIVE, UPDATING, and (as AWS may) DELETING.
    pub fn accepts_io(&self) -> bool {
        self.status != StreamStatus::Creating
    }

    fn next_shard_id(&self) -> ShardId {
        ShardId(self.shards.last().map_or(0, |s| s.id.0 + 1))
    }

    /// Creates the first shards with `CreateStream`'s even layout.
    pub(crate) fn create_shards(&mut self, shard_count: u32, now: SimTime, now_unix_secs: u64) {
        for range in initial_layout(shard_count) {
            let id = self.next_shard_id();
            self.shards.push(Shard::new(id, range, now, now_unix_secs));
        }
        self.reroute();
    }

    /// The open shard owning `hash_key`.
    pub fn shard_for_hash_key(&self, hash_key: u128) -> Option<&Shard> {
        self.route(hash_key).map(|i| &self.shards[i])
    }

    /// The index in `shards` of the open shard owning `hash_key`, by binary search of the routing table.
    fn route(&self, hash_key: u128) -> Option<usize> {
        let at = self.routing_ends.partition_point(|end| *end < hash_key);
        self.routing.get(at).copied().filter(|&i| self.shards[i].hash_key_range.contains(hash_key))
    }

    /// The indexes in `shards` of the open shards, in hash-key order. Open shards' ranges are disjoint, so
    /// their starting keys differ and an unstable sort of (key, index) pairs gives the one order (compiled
    /// once for both callers).
    fn open_in_hash_key_order(&self) -> Vec<usize> {
        let mut open: Vec<(u128, usize)> = (self.shards.iter().enumerate())
            .filter(|(_, s)| s.is_open())
            .map(|(i, s)| (s.hash_key_range.starting_hash_key, i))
            .collect();
        open.sort_unstable();
        open.into_iter().map(|(_, i)| i).collect()
    }

    /// Rebuilds the routing table after shards open or close.
    fn reroute(&mut self) {
        // Shards opened or closed: the next trim looks again.
        self.trim_due = (Some(SimTime::ZERO), self.retention_hours);
        let routing = self.open_in_hash_key_order();
        self.routing_ends = routing.iter().map(|&i| self.shards[i].hash_key_range.ending_hash_key).collect();
        self.routing = routing;
        self.numbered_routes.clear();
    }

    /// The index in `shards` of the open shard owning `hash_key`, the hash key of the numbered key `number`
    /// when there is one (looked up once per key and layout in `numbered_routes`).
    fn route_numbered(&mut self, number: Option<u32>, hash_key: u128) -> Option<usize> {
        let Some(index) = number.map(|n| n as usize).filter(|&n| n < STREAM_HASHED_KEYS_MAX) else {
            return self.route(hash_key);
        };
        if self.shards.len() >= usize::from(u16::MAX) {
            return self.route(hash_key);
        }
        if index >= self.numbered_routes.len() {
            self.numbered_routes.resize((index + 1).next_power_of_two().min(STREAM_HASHED_KEYS_MAX), 0);
        }
        match self.numbered_routes[index] {
            0 => {
                let shard = self.route(hash_key)?;
                self.numbered_routes[index] = shard as u16 + 1;
                Some(shard)
            }
            known => Some(usize::from(known - 1)),
        }
    }

    /// The hash keys of records given as (partition key, explicit hash key), with the shards they route to:
    /// numbered keys (`user-N`) from `spec`'s table when the sending source has one, else from the stream's;
    /// other keys hashed. Keys are read first and looked up after, in loops of their own, so a batch's lookups
    /// overlap.
    pub(crate) fn routed_keys_of<'a>(
        &mut self,
        keys: impl ExactSizeIterator<Item = (&'a WriteKey, Option<u128>)> + Clone,
        spec: Option<&SourceSpec>,
    ) -> Vec<RoutedKey> {
        let numbers: Vec<Option<u32>> = keys.clone().map(|(key, _)| key.number()).collect();
        let hash_keys: Vec<u128> = keys
            .clone()
            .zip(&numbers)
            .map(|((key, explicit), number)| key_hash(&mut self.numbered_hashes, key, *number, explicit, spec))
            .collect();
        keys.zip(numbers)
            .zip(hash_keys)
            .map(|(((_, explicit), number), hash_key)| {
                // An explicit hash key routes by itself, whatever the key's number.
                let number = number.filter(|_| explicit.is_none());
                RoutedKey { hash_key, shard: self.route_numbered(number, hash_key) }
            })
            .collect()
    }

    /// Writes one record: routes it by hash key (`routed`: an explicit one, or the one
    /// [`Self::routed_keys_of`] gives, when the caller has it; else computed here), applies the shard's limits.
    /// The caller has validated it.
    #[expect(clippy::too_many_arguments, reason = "one record's parts and how it was sent, on the write path")]
    pub(crate) fn append(
        &mut self,
        now: SimTime,
        now_unix_secs: u64,
        partition_key: WriteKey,
        routed: Option<RoutedKey>,
        data: Payload,
        injected_fault: bool,
        origin: Option<Origin<'_>>,
    ) -> Result<(ShardId, SequenceNumber), (ShardId, WriteLimit)> {
        let derived = origin.and_then(|o| {
            let slot = self.source_slot(o);
            self.sources[slot].see(o.index).then_some((slot, o.index))
        });
        let RoutedKey { hash_key, shard } = routed.unwrap_or_else(|| {
            let spec = derived.map(|(slot, _)| self.sources[slot].spec.as_ref());
            let number = partition_key.number();
            let hash_key = key_hash(&mut self.numbered_hashes, &partition_key, number, None, spec);
            RoutedKey { hash_key, shard: self.route_numbered(number, hash_key) }
        });
        let origin_code =
            derived.map_or(crate::shard_log::NO_ORIGIN, |(slot, i)| crate::shard_log::origin(slot as u32, i));
        // Open shards tile the key space from the first ACTIVE moment on; callers check the status.
        let index = shard.or_else(|| self.route(hash_key)).expect("open shards tile the hash key space");
        let shard = &mut self.shards[index];
        let id = shard.id;
        if injected_fault {
            shard.metrics.record_throttled(now.as_secs(), WriteLimit::InjectedFault);
            shard.refuse(origin_code);
            return Err((id, WriteLimit::InjectedFault));
        }
        let bytes = data.len_bytes() + partition_key.len_bytes();
        let written = shard.try_append_sized(now, now_unix_secs, partition_key, hash_key, data, bytes, origin_code);
        if let (Ok(_), Some((slot, i))) = (&written, derived) {
            self.sources[slot].kept(i, now);
        }
        if written.is_ok() {
            self.bill_write(bytes);
            let expires = now + self.retention();
            self.trim_due.0 = match self.trim_due {
                // Computed for another retention: the next trim looks again.
                (_, hours) if hours != self.retention_hours => Some(SimTime::ZERO),
                (due, _) => Some(due.map_or(expires, |due| due.min(expires))),
            };
        }
        written.map(|seq| (id, seq)).map_err(|l| (id, l))
    }

    /// Adds one accepted record of `bytes` to the usage.
    fn bill_write(&mut self, bytes: u64) {
        match self.mode {
            StreamMode::Provisioned => self.usage_billed.put_payload_units += Usage::put_payload_units_of(bytes),
            StreamMode::OnDemand => {
                let rounding = ON_DEMAND_RECORD_ROUNDING_BYTES;
                self.usage_billed.on_demand_bytes_in += bytes.div_ceil(rounding) * rounding;
            }
        }
    }

    /// Time-based usage per second at the stream's current state: shard-hours, extended retention, fan-out,
    /// on-demand stream-hours (nothing while CREATING).
    fn usage_per_second(&self) -> Usage {
        let mut rate = Usage::default();
        if self.status == StreamStatus::Creating {
            return rate;
        }
        let open = u64::from(self.open_shard_count());
        match self.mode {
            StreamMode::Provisioned => {
                rate.shard_seconds = open;
                if self.retention_hours > crate::limits::RETENTION_HOURS_MIN {
                    rate.extended_retention_shard_seconds = open;
                }
            }
            StreamMode::OnDemand => rate.on_demand_stream_seconds = 1,
        }
        rate.efo_consumer_shard_seconds = self.consumers.len() as u64 * open;
        rate
    }

    /// The time-based usage of the seconds after `billed_through` up to `closed_through`, at the current rates.
    fn usage_unbilled(&self, closed_through: SimTime) -> Usage {
        let seconds = closed_through.as_secs().saturating_sub(self.billed_through.as_secs());
        let rate = self.usage_per_second();
        Usage {
            shard_seconds: rate.shard_seconds * seconds,
            extended_retention_shard_seconds: rate.extended_retention_shard_seconds * seconds,
            efo_consumer_shard_seconds: rate.efo_consumer_shard_seconds * seconds,
            on_demand_stream_seconds: rate.on_demand_stream_seconds * seconds,
            ..Usage::default()
        }
    }

    /// Bills every second closed up to `closed_through` (the whole seconds the service has closed) at the
    /// current rates: exactly what billing each second as it closed would have counted, as long as no rate
    /// changed since the last call.
    pub(crate) fn bill_through(&mut self, closed_through: SimTime) {
        if closed_through > self.billed_through {
            self.usage_billed = self.usage_billed.plus(&self.usage_unbilled(closed_through));
            self.billed_through = closed_through;
        }
    }

    /// Usage in AWS billing units since creation, up to `closed_through`, the last second the service closed
    /// ([`crate::kinesis::Kinesis::closed_through`]).
    pub fn usage(&self, closed_through: SimTime) -> Usage {
        self.usage_billed.plus(&self.usage_unbilled(closed_through))
    }

    /// Splits `parent` at `new_starting_hash_key` into two children; the parent closes.
    pub(crate) fn split(&mut self, parent: ShardId, new_starting_hash_key: u128, now: SimTime, now_unix_secs: u64) {
        let Some(range) = self.shard(parent).filter(|s| s.is_open()).map(|s| s.hash_key_range) else {
            return;
        };
        let lower =
            HashKeyRange { starting_hash_key: range.starting_hash_key, ending_hash_key: new_starting_hash_key - 1 };
        let upper = HashKeyRange { starting_hash_key: new_starting_hash_key, ending_hash_key: range.ending_hash_key };
        self.replace(&[parent], &[lower, upper], now, now_unix_secs);
    }

    /// Merges two adjacent open shards into one child; both parents close.
    pub(crate) fn merge(&mut self, shard: ShardId, adjacent: ShardId, now: SimTime, now_unix_secs: u64) {
        let (Some(a), Some(b)) = (self.shard(shard), self.shard(adjacent)) else {
            return;
        };
        let merged = HashKeyRange {
            starting_hash_key: a.hash_key_range.starting_hash_key,
            ending_hash_key: b.hash_key_range.ending_hash_key,
        };
        self.replace(&[shard, adjacent], &[merged], now, now_unix_secs);
    }

    /// Closes `parents` and opens children over `ranges`, recording the lineage.
    fn replace(&mut self, parents: &[ShardId], ranges: &[HashKeyRange], now: SimTime, now_unix_secs: u64) {
        let mut children = Vec::new();
        for range in ranges {
            let id = self.next_shard_id();
            // AWS dates children one second after their parents close (`docs/aws-behaviour.md` §1.4).
            let mut child = Shard::new(id, *range, now, now_unix_secs + 1);
            child.parent_shard_id = parents.first().copied();
            child.adjacent_parent_shard_id = parents.get(1).copied();
            children.push(id);
            self.shards.push(child);
        }
        for parent in parents {
            if let Some(p) = self.shard_mut(*parent) {
                p.close(now, now_unix_secs);
                p.child_shard_ids.clone_from(&children);
            }
        }
        self.reroute();
    }

    /// Reshapes the open shards into `target` even ranges by a series of pairwise splits and merges,
    /// as UpdateShardCount's UNIFORM_SCALING does: first a split at every target boundary the open shards
    /// lack, then a merge across every open boundary the target lacks.
    pub(crate) fn scale_uniformly(&mut self, target: u32, now: SimTime, now_unix_secs: u64) {
        let wanted: SortedSet<u128> = initial_layout(target).skip(1).map(|r| r.starting_hash_key).collect();
        for boundary in &wanted {
            let owner = self.shard_for_hash_key(*boundary).map(|s| (s.id, s.hash_key_range.starting_hash_key));
            if let Some((id, _)) = owner.filter(|(_, start)| start != boundary) {
                self.split(id, *boundary, now, now_unix_secs);
            }
        }
        loop {
            let open: Vec<(ShardId, HashKeyRange)> = self.open_shards().map(|s| (s.id, s.hash_key_range)).collect();
            let extra = open.windows(2).find(|pair| !wanted.contains(&pair[1].1.starting_hash_key));
            let Some(pair) = extra else { break };
            let (a, b) = (pair[0].0, pair[1].0);
            self.merge(a, b, now, now_unix_secs);
        }
    }

    /// The earliest instant [`Self::trim`] may have work (`None`: nothing to trim until the stream changes).
    pub(crate) fn trim_due_at(&self) -> Option<SimTime> {
        match self.trim_due {
            (_, hours) if hours != self.retention_hours => Some(SimTime::ZERO),
            (due, _) => due,
        }
    }

    /// Drops expired records and forgets closed shards whose data has all expired.
    pub(crate) fn trim(&mut self, now: SimTime) {
        let (due, for_hours) = self.trim_due;
        if for_hours == self.retention_hours && due.is_none_or(|due| now < due) {
            return;
        }
        let retention = self.retention();
        for shard in &mut self.shards {
            shard.trim(now, retention);
        }
        let before = self.shards.len();
        self.shards.retain(|s| !s.is_expired(now, retention));
        if self.shards.len() != before {
            self.reroute();
        }
        let due = self.shards.iter().filter_map(|s| s.next_expiry(retention)).min();
        self.trim_due = (due, self.retention_hours);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash_range::HASH_KEY_MAX;
    use alloc::string::ToString;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn active(shards: u32) -> Stream {
        let mut s = Stream::new("s".into(), "arn".into(), StreamMode::Provisioned, 0);
        s.create_shards(shards, SimTime::ZERO, 0);
        s.status = StreamStatus::Active;
        s
    }

    fn open_ranges(s: &Stream) -> Vec<(u128, u128)> {
        s.open_shards().map(|sh| (sh.hash_key_range.starting_hash_key, sh.hash_key_range.ending_hash_key)).collect()
    }

    #[test]
    fn split_gives_children_the_next_ids_and_lineage() {
        // `docs/aws-behaviour.md` §1.7: a 1-shard stream split at 2 -> shardId-000000000001 = [0, 1],
        // shardId-000000000002 = [2, max].
        let mut s = active(1);
        s.split(ShardId(0), 2, SimTime::from_secs(5), 5);
        assert_eq!(open_ranges(&s), [(0, 1), (2, HASH_KEY_MAX)]);
        let ids: Vec<_> = s.open_shards().map(|sh| (sh.id.to_string(), sh.parent_shard_id)).collect();
        assert_eq!(
            ids,
            [
                ("shardId-000000000001".to_string(), Some(ShardId(0))),
                ("shardId-000000000002".to_string(), Some(ShardId(0)))
            ]
        );
        assert!(s.shard(ShardId(0)).is_some_and(|p| !p.is_open() && p.child_shard_ids == [ShardId(1), ShardId(2)]));
        assert_eq!(
            s.shard(ShardId(1)).map(|c| c.created_unix_secs),
            Some(6),
            "children start a second after the close"
        );
    }

    #[test]
    fn merge_records_both_parents() {
        let mut s = active(2);
        s.merge(ShardId(0), ShardId(1), SimTime::from_secs(1), 1);
        assert_eq!(open_ranges(&s), [(0, HASH_KEY_MAX)]);
        let child = s.shard(ShardId(2)).expect("merged child");
        assert_eq!((child.parent_shard_id, child.adjacent_parent_shard_id), (Some(ShardId(0)), Some(ShardId(1))));
    }

    #[test]
    fn uniform_scaling_reaches_the_even_layout() {
        for (from, to) in [(1, 2), (2, 4), (4, 2), (3, 5), (5, 3), (2, 1), (4, 8), (6, 4)] {
            let mut s = active(from);
            s.scale_uniformly(to, SimTime::from_secs(1), 1);
            let expected: Vec<_> = initial_layout(to).map(|r| (r.starting_hash_key, r.ending_hash_key)).collect();
            assert_eq!(open_ranges(&s), expected, "{from} -> {to}");
        }
    }

    #[test]
    fn writes_after_a_split_go_to_the_children() {
        let mut s = active(1);
        s.split(ShardId(0), 1u128 << 127, SimTime::from_secs(1), 1);
        // "a" hashes below 2^127, "b" above (`docs/aws-behaviour.md` §1.2).
        let (a, _) = s
            .append(SimTime::from_secs(2), 2, "a".into(), None, Payload::Bytes(alloc::vec![].into()), false, None)
            .expect("fits");
        let (b, _) = s
            .append(SimTime::from_secs(2), 2, "b".into(), None, Payload::Bytes(alloc::vec![].into()), false, None)
            .expect("fits");
        assert_eq!((a, b), (ShardId(1), ShardId(2)));
    }

    /// Numbered keys are routed once per layout: after a split, a merge and a uniform rescale each goes
    /// to the open shard whose range holds its MD5 hash key, whether written alone or in a batch.
    #[test]
    fn numbered_keys_follow_the_layout_through_reshards() {
        let mut s = active(4);
        let keys: Vec<WriteKey> = (0..64).map(WriteKey::Numbered).collect();
        let check = |s: &mut Stream, second: u64| {
            let routed = s.routed_keys_of(keys.iter().map(|k| (k, None)), None);
            for (key, routed) in keys.iter().zip(routed) {
                let hash_key = crate::partition_key::hash_key(&key.to_text());
                let owner = s.open_shards().find(|sh| sh.hash_key_range.contains(hash_key)).map(|sh| sh.id);
                let now = SimTime::from_secs(second);
                let zeros = Payload::Synthetic { len_bytes: 1 };
                let alone = s.append(now, second, key.clone(), None, zeros.clone(), false, None);
                let batched = s.append(now, second, key.clone(), Some(routed), zeros, false, None);
                assert_eq!(routed.hash_key, hash_key, "{key:?}");
                assert_eq!(
                    (alone.ok().map(|w| w.0), batched.ok().map(|w| w.0)),
                    (owner, owner),
                    "{key:?} at {second} s"
                );
            }
        };
        check(&mut s, 1);
        s.split(ShardId(0), 1u128 << 125, SimTime::from_secs(2), 2);
        check(&mut s, 3);
        s.merge(ShardId(2), ShardId(3), SimTime::from_secs(4), 4);
        check(&mut s, 5);
        s.scale_uniformly(3, SimTime::from_secs(6), 6);
        check(&mut s, 7);
    }
}
