//! The Kinesis Data Streams service of one account in one Region: every stream, and every operation
//! of the `Kinesis_20131202` API as typed calls with AWS's rules and error texts.
//!
//! Wire concerns (JSON, base64, model validation) belong to the `api` crate; this module checks what
//! the service itself checks: existence, states, limits, quotas and semantics.

mod control;
mod data;
mod fanout;
mod on_demand;
mod reshard;
#[cfg(test)]
mod tests;

pub use control::{CreateStreamInput, Limits, SHARD_LEVEL_METRICS, StreamSummary};
pub(crate) use data::WriteEntry;
pub use data::{
    GetRecordsOutput, IteratorStart, PutRecordInput, PutRecordOutput, PutRecordsEntry, PutRecordsOutput,
    PutRecordsResultEntry,
};
pub use fanout::{PUSH_INTERVAL, SubscriptionHandle};
pub use on_demand::{ON_DEMAND_SCALING_WINDOW_SECS, OnDemandStep, WriteRate, shards_for_peak};

use crate::error::{StreamsError, StreamsErrorKind};
use crate::sorted_map::{SortedMap, SortedSet};
use crate::stream::{PendingChange, Stream, StreamStatus};
use crate::time::{SimDuration, SimTime};
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;

/// Service settings that are not AWS facts but simulator choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KinesisConfig {
    /// The account id in ARNs and messages.
    pub account_id: String,
    /// The Region in ARNs.
    pub region: String,
    /// The wall-clock instant simulated time 0 stands for, ms since the Unix epoch.
    pub epoch_unix_ms: u64,
    /// How long CREATING, UPDATING and DELETING last (AWS: tens of seconds; kinesalite's default: 500 ms).
    pub transition_delay_ms: u64,
    /// The account's shard quota.
    pub shard_limit: u32,
    /// A fault to inject: this percent of PutRecord entries and GetRecords calls is refused with
    /// `ProvisionedThroughputExceededException` whatever the load.
    pub extra_throttle_percent: u8,
    /// The seed of the injected faults' random draws.
    pub fault_seed: u64,
    /// How long after a write a record becomes readable with GetRecords (the propagation delay; see
    /// [`crate::latency`]).
    pub get_records_visibility_ms: u64,
    /// The same for enhanced fan-out pushes.
    pub fan_out_visibility_ms: u64,
}

impl Default for KinesisConfig {
    fn default() -> Self {
        Self {
            account_id: "000000000000".into(),
            region: "us-east-1".into(),
            epoch_unix_ms: 1_767_225_600_000,
            transition_delay_ms: 500,
            shard_limit: crate::limits::ACCOUNT_SHARD_LIMIT,
            extra_throttle_percent: 0,
            fault_seed: 0,
            // API sessions (time stands still until advanced) read what they just wrote; scenarios set
            // the typical delays (`SimConfig`).
            get_records_visibility_ms: 0,
            fan_out_visibility_ms: 0,
        }
    }
}

/// A data stream's simulated faults and delays: a scenario sets them per stream; a stream without them
/// takes the service's ([`KinesisConfig`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamFaults {
    /// This percent of PutRecord entries and GetRecords calls is refused with
    /// `ProvisionedThroughputExceededException` whatever the load.
    pub extra_throttle_percent: u8,
    /// How long after a write a record becomes readable with GetRecords (the put-to-get delay).
    pub get_records_visibility_ms: u64,
    /// The same for enhanced fan-out pushes.
    pub fan_out_visibility_ms: u64,
}

/// Kinesis Data Streams for one account and Region.
#[derive(Clone, Debug)]
pub struct Kinesis {
    /// Its settings (read them with [`Self::config`]: changing the epoch would move the service's clock).
    config: KinesisConfig,
    streams: SortedMap<String, Stream>,
    /// Recent calls per (operation, scope), for control-plane rate limits.
    calls: SortedMap<(&'static str, String), VecDeque<SimTime>>,
    next_subscription_id: u64,
    faults: crate::rng::Rng,
    /// When each stream's pending change or a consumer's transition completes, by stream name, so finding
    /// the next one takes logarithmic time however many streams are idle. An entry whose change was
    /// replaced or whose stream is gone is stale: skipped, and dropped once its time has passed.
    deadlines: SortedSet<(SimTime, String)>,
    /// False only when no subscription can be live, so idle services skip the push loop.
    subscriptions_maybe_live: bool,
    /// The last whole second [`Self::close_second`] closed: streams bill their time-based usage up to it lazily.
    closed_through: SimTime,
    /// The on-demand streams with their capacity model ([`on_demand`]), which [`Self::close_second`] runs
    /// every scaling window.
    on_demand: SortedMap<String, on_demand::OnDemandCapacity>,
    /// On-demand scaling steps not yet taken by [`Self::take_on_demand_steps`].
    on_demand_steps: alloc::vec::Vec<OnDemandStep>,
    /// Streams billed by [`Self::close_second`] so far (a test counts them to show idle streams cost nothing).
    pub(crate) billing_touches: core::cell::Cell<u64>,
    /// Deadline entries looked at so far (a test counts them to show the work does not grow with idle state).
    pub(crate) deadline_checks: core::cell::Cell<u64>,
    /// Streams touched (created, written, read, throttled or changed) since the account last looked, by name, with
    /// the latest second whose metrics the touch went into: the once-a-second work visits these, not every stream.
    touched: SortedMap<String, Touch>,
    /// Streams touched since their trim entry was last brought up to date.
    trim_unsynced: alloc::vec::Vec<String>,
    /// When each stream's next trim is due ([`Stream::trim_due_at`]), in time order, so idle streams cost nothing
    /// until their oldest record or closed shard expires.
    trims: SortedSet<(SimTime, String)>,
    /// Each stream's entry in `trims`.
    trim_queued: SortedMap<String, SimTime>,
    /// Streams a derivable producer has written to: the ones each closed second compacts.
    pub(crate) compacting: SortedSet<String>,
    /// Streams trimmed so far (a test counts them to show idle streams cost nothing).
    pub(crate) trim_visits: u64,
}

/// When a stream was last touched, and whether its trim entry has been brought up to date since.
#[derive(Clone, Copy, Debug)]
struct Touch {
    /// The latest second whose metrics a touch went into.
    second: u64,
    trim_synced: bool,
}

impl Kinesis {
    /// A service with no streams.
    pub fn new(config: KinesisConfig) -> Self {
        let faults = crate::rng::Rng::derive(config.fault_seed, crate::rng::FAULTS_SALT);
        Self {
            config,
            streams: SortedMap::new(),
            calls: SortedMap::new(),
            next_subscription_id: 1,
            faults,
            deadlines: SortedSet::new(),
            subscriptions_maybe_live: false,
            deadline_checks: core::cell::Cell::new(0),
            closed_through: SimTime::ZERO,
            on_demand: SortedMap::new(),
            on_demand_steps: alloc::vec::Vec::new(),
            billing_touches: core::cell::Cell::new(0),
            touched: SortedMap::new(),
            trim_unsynced: alloc::vec::Vec::new(),
            trims: SortedSet::new(),
            trim_queued: SortedMap::new(),
            compacting: SortedSet::new(),
            trim_visits: 0,
        }
    }

    /// Its settings.
    pub fn config(&self) -> &KinesisConfig {
        &self.config
    }

    /// The streams, by name.
    pub fn streams(&self) -> impl Iterator<Item = &Stream> {
        self.streams.values()
    }

    /// A stream by name.
    pub fn stream(&self, name: &str) -> Option<&Stream> {
        self.streams.get(name)
    }

    /// The last whole second closed, up to which [`Stream::usage`] counts time-based usage.
    pub fn closed_through(&self) -> SimTime {
        self.closed_through
    }

    /// A stream's usage in AWS billing units since creation, up to the last closed second.
    pub fn usage_of(&self, stream: &Stream) -> crate::cost::Usage {
        stream.usage(self.closed_through)
    }

    /// A stream to change, with its time-based usage billed up to now first (so a change of rate applies
    /// from the next second on, as when every second was billed as it closed).
    /// Marks it touched: the next closed second looks at it.
    pub(crate) fn stream_mut(&mut self, name: &str) -> Option<&mut Stream> {
        let closed_through = self.closed_through;
        if self.streams.contains_key(name) {
            self.touch(name, closed_through.as_secs());
        }
        let stream = self.streams.get_mut(name)?;
        stream.bill_through(closed_through);
        Some(stream)
    }

    /// A stream to write or read at `now`, marked touched in that second (its metrics change), not billed.
    pub(crate) fn stream_in_use(&mut self, now: SimTime, name: &str) -> Option<&mut Stream> {
        self.touch_in_use(now, name);
        self.streams.get_mut(name)
    }

    /// Marks `name`, if it exists, touched in the second of `now` (a write or read changes its metrics).
    fn touch_in_use(&mut self, now: SimTime, name: &str) {
        if self.streams.contains_key(name) {
            self.touch(name, now.as_secs());
        }
    }

    /// Notes that `name` changed, or that its metrics of `second` did.
    fn touch(&mut self, name: &str, second: u64) {
        match self.touched.get_mut(name) {
            Some(touch) => {
                touch.second = touch.second.max(second);
                if touch.trim_synced {
                    touch.trim_synced = false;
                    self.trim_unsynced.push(String::from(name));
                }
            }
            None => {
                self.touched.insert(String::from(name), Touch { second, trim_synced: false });
                self.trim_unsynced.push(String::from(name));
            }
        }
    }

    /// The streams touched since [`Self::forget_touched_through`] last ran, by name: every stream whose state or
    /// per-second metrics may differ from what the account last saw.
    pub(crate) fn touched_streams(&self) -> impl Iterator<Item = &str> {
        self.touched.keys().map(String::as_str)
    }

    /// Whether `name` was touched since [`Self::forget_touched_through`] last ran.
    pub(crate) fn was_touched(&self, name: &str) -> bool {
        self.touched.contains_key(name)
    }

    /// Forgets the touches whose metrics are all in seconds up to `second`, once the account has looked at them.
    pub(crate) fn forget_touched_through(&mut self, second: u64) {
        self.touched.retain(|_, touch| touch.second > second);
    }

    /// Puts `name`'s entry in the trim queue at its current due time (removing it when it has none).
    fn requeue_trim(&mut self, name: &str) {
        let due = self.streams.get(name).and_then(Stream::trim_due_at);
        let queued = self.trim_queued.get(name).copied();
        if due == queued {
            return;
        }
        if let Some(queued) = queued {
            self.trims.remove(&(queued, String::from(name)));
        }
        match due {
            Some(due) => {
                self.trims.insert((due, String::from(name)));
                self.trim_queued.insert(String::from(name), due);
            }
            None => {
                self.trim_queued.remove(name);
            }
        }
    }

    /// Trims every stream whose trim is due at `now`: first the touched streams' entries are brought up to date.
    fn trim_due(&mut self, now: SimTime) {
        for name in core::mem::take(&mut self.trim_unsynced) {
            self.requeue_trim(&name);
            if let Some(touch) = self.touched.get_mut(&name) {
                touch.trim_synced = true;
            }
        }
        let mut due = alloc::vec::Vec::new();
        while self.trims.first().is_some_and(|(at, _)| *at <= now) {
            due.extend(self.trims.pop_first().map(|(_, name)| name));
        }
        for name in due {
            self.trim_queued.remove(&name);
            self.trim_visits += 1;
            if let Some(stream) = self.streams.get_mut(&name) {
                stream.trim(now);
            }
            self.requeue_trim(&name);
        }
    }

    /// Caps how many records each shard of `name` keeps (a simulator bound for long runs).
    pub fn set_log_limit(&mut self, name: &str, records: usize) {
        if let Some(stream) = self.stream_mut(name) {
            for shard in stream.shards_mut() {
                shard.set_log_limit(records);
            }
        }
    }

    /// Sets a stream's simulated faults and delays, its retention (already checked) and how many records each
    /// shard keeps: a scenario's settings for a stream it creates.
    pub(crate) fn configure_stream(
        &mut self,
        name: &str,
        faults: StreamFaults,
        retention_hours: u32,
        log_records: usize,
    ) {
        self.set_log_limit(name, log_records);
        if let Some(stream) = self.stream_mut(name) {
            stream.faults = Some(faults);
            stream.retention_hours = retention_hours;
        }
    }

    /// The faults and delays that apply to the stream `name` (the service's when it has none of its own).
    pub(crate) fn faults_of(&self, name: &str) -> StreamFaults {
        self.streams.get(name).and_then(|s| s.faults).unwrap_or(StreamFaults {
            extra_throttle_percent: self.config.extra_throttle_percent,
            get_records_visibility_ms: self.config.get_records_visibility_ms,
            fan_out_visibility_ms: self.config.fan_out_visibility_ms,
        })
    }

    /// The stream name an ARN of this account and Region names, if it is one.
    pub fn stream_name_of_arn<'a>(&self, arn: &'a str) -> Option<&'a str> {
        let prefix = format!("arn:aws:kinesis:{}:{}:stream/", self.config.region, self.config.account_id);
        arn.strip_prefix(prefix.as_str()).filter(|name| !name.contains('/'))
    }

    /// Seconds since the Unix epoch at simulated time `now`.
    pub fn unix_secs(&self, now: SimTime) -> u64 {
        self.unix_ms(now) / 1_000
    }

    /// Milliseconds since the Unix epoch at simulated time `now`.
    pub fn unix_ms(&self, now: SimTime) -> u64 {
        self.config.epoch_unix_ms + now.as_millis()
    }

    /// The simulated time of a Unix time in milliseconds (before the epoch: time 0).
    pub fn sim_time_of_unix_ms(&self, unix_ms: u64) -> SimTime {
        SimTime::from_millis(unix_ms.saturating_sub(self.config.epoch_unix_ms))
    }

    /// When the next pending change completes.
    pub fn next_deadline(&self) -> Option<SimTime> {
        self.deadlines.iter().find(|(at, name)| self.is_deadline(*at, name)).map(|(at, _)| *at)
    }

    /// Notes that a change of `stream` (its own or a consumer's) completes at `at`.
    fn expect_change(&mut self, at: SimTime, stream: &str) {
        self.deadlines.insert((at, String::from(stream)));
    }

    /// Whether something of `stream` still completes at `at`.
    fn is_deadline(&self, at: SimTime, stream: &str) -> bool {
        self.deadline_checks.set(self.deadline_checks.get() + 1);
        self.streams.get(stream).is_some_and(|s| {
            s.pending.as_ref().is_some_and(|(t, _)| *t == at) || s.consumers.iter().any(|c| c.transition_at == Some(at))
        })
    }

    /// Completes every change due at or before `now`, and trims expired data.
    pub fn complete_due(&mut self, now: SimTime) {
        let now_unix_secs = self.unix_secs(now);
        let mut touched = SortedSet::new();
        while self.deadlines.first().is_some_and(|(at, _)| *at <= now) {
            touched.extend(self.deadlines.pop_first().map(|(_, name)| name));
        }
        let due: alloc::vec::Vec<String> = touched
            .iter()
            .filter(|n| self.streams.get(*n).is_some_and(|s| s.pending.as_ref().is_some_and(|(at, _)| *at <= now)))
            .cloned()
            .collect();
        for name in due {
            let Some(stream) = self.stream_mut(&name) else {
                continue;
            };
            let Some((_, change)) = stream.pending.take() else {
                continue;
            };
            stream.status = StreamStatus::Active;
            match change {
                PendingChange::Create { shard_count } => stream.create_shards(shard_count, now, now_unix_secs),
                PendingChange::Delete => {
                    self.streams.remove(&name);
                    self.on_demand.remove(&name);
                    self.requeue_trim(&name);
                    // Nothing is left to look at, and a service used without an account stays bounded.
                    self.touched.remove(&name);
                }
                PendingChange::Split { shard, new_starting_hash_key } => {
                    stream.split(shard, new_starting_hash_key, now, now_unix_secs)
                }
                PendingChange::Merge { shard, adjacent } => stream.merge(shard, adjacent, now, now_unix_secs),
                PendingChange::Scale { target } => stream.scale_uniformly(target, now, now_unix_secs),
                PendingChange::Encryption(key) => stream.encryption_key_id = key,
                PendingChange::Mode(mode) => {
                    stream.mode = mode;
                    if mode == crate::stream::StreamMode::OnDemand {
                        self.track_on_demand(&name);
                    } else {
                        self.on_demand.remove(&name);
                    }
                }
            }
        }
        self.complete_consumer_transitions(now, &touched);
        self.trim_due(now);
    }

    /// The once-a-second work of the service: completes due changes, trims, closes the second that ended (each
    /// stream bills it lazily, see [`Stream::usage`], so idle streams cost nothing here), and every scaling
    /// window runs the on-demand streams' capacity model ([`on_demand`]).
    pub(crate) fn close_second(&mut self, now: SimTime) {
        self.complete_due(now);
        if self.subscriptions_maybe_live {
            self.subscriptions_maybe_live = self.has_live_subscriptions();
        }
        self.closed_through = now;
        for name in &self.compacting {
            if let Some(stream) = self.streams.get_mut(name) {
                stream.compact(now);
            }
        }
        if now.as_secs().is_multiple_of(ON_DEMAND_SCALING_WINDOW_SECS) {
            self.scale_on_demand(now);
        }
    }

    /// Whether the extra-throttling fault refuses the next request to the stream `name`.
    pub(crate) fn injected_throttle(&mut self, name: &str) -> bool {
        let percent = u64::from(self.faults_of(name).extra_throttle_percent);
        percent > 0 && self.faults.below(100) < percent
    }

    fn not_found(&self, name: &str) -> StreamsError {
        StreamsError::new(
            StreamsErrorKind::ResourceNotFound,
            format!("Stream {name} under account {} not found.", self.config.account_id),
        )
    }

    fn not_active(&self, stream: &Stream) -> StreamsError {
        StreamsError::new(
            StreamsErrorKind::ResourceInUse,
            format!(
                "Stream {} under account {} not ACTIVE, instead in state {}",
                stream.name,
                self.config.account_id,
                stream.status.as_str()
            ),
        )
    }

    /// The stream, if it exists (in any state).
    fn existing(&self, name: &str) -> Result<&Stream, StreamsError> {
        self.streams.get(name).ok_or_else(|| self.not_found(name))
    }

    /// The stream for data-plane calls: it must exist and not be CREATING (puts then see "not found").
    fn readable(&self, name: &str) -> Result<&Stream, StreamsError> {
        self.streams.get(name).filter(|s| s.accepts_io()).ok_or_else(|| self.not_found(name))
    }

    fn readable_mut(&mut self, name: &str) -> Result<&mut Stream, StreamsError> {
        self.readable(name)?;
        Ok(self.stream_mut(name).expect("checked above"))
    }

    fn existing_mut(&mut self, name: &str) -> Result<&mut Stream, StreamsError> {
        self.existing(name)?;
        Ok(self.stream_mut(name).expect("checked above"))
    }

    /// The stream for changes that need it ACTIVE.
    fn active_mut(&mut self, name: &str) -> Result<&mut Stream, StreamsError> {
        let stream = self.existing(name)?;
        if stream.status != StreamStatus::Active {
            return Err(self.not_active(stream));
        }
        Ok(self.stream_mut(name).expect("checked above"))
    }

    /// A control-plane rate limit: at most `per_sec` calls of `operation` per second per `scope`
    /// (a stream name, or `""` for the account). Also used by the api crate for the operations it answers
    /// itself.
    pub fn rate_limit(
        &mut self,
        now: SimTime,
        operation: &'static str,
        scope: &str,
        per_sec: usize,
    ) -> Result<(), StreamsError> {
        let calls = self.calls.get_or_default((operation, scope.into()));
        while calls.front().is_some_and(|t| now.saturating_since(*t) >= SimDuration::SECOND) {
            calls.pop_front();
        }
        if calls.len() >= per_sec {
            return Err(StreamsError::new(
                StreamsErrorKind::LimitExceeded,
                format!("Rate exceeded for {operation} under account {}.", self.config.account_id),
            ));
        }
        calls.push_back(now);
        Ok(())
    }

    /// Shards the quota counts: open ones, plus those of streams still CREATING.
    fn shards_counted_in_account(&self) -> u32 {
        let creating: u32 = self
            .streams
            .values()
            .filter_map(|s| match s.pending {
                Some((_, PendingChange::Create { shard_count })) => Some(shard_count),
                _ => None,
            })
            .sum();
        self.open_shards_in_account() + creating
    }

    /// Open shards over every stream of the account, for the shard quota.
    fn open_shards_in_account(&self) -> u32 {
        self.streams.values().map(Stream::open_shard_count).sum()
    }

    fn shard_limit_error(&self, additional: u32) -> StreamsError {
        StreamsError::new(
            StreamsErrorKind::LimitExceeded,
            format!(
                "This request would exceed the shard limit for the account {} in {}. Current shard count for the \
                 account: {}. Limit: {}. Number of additional shards that would have resulted from this request: {}. \
                 Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) \
                 for current limits and how to request higher limits.",
                self.config.account_id,
                self.config.region,
                self.shards_counted_in_account(),
                self.config.shard_limit,
                additional
            ),
        )
    }

    fn transition_done_at(&self, now: SimTime) -> SimTime {
        now + SimDuration::from_millis(self.config.transition_delay_ms)
    }
}
