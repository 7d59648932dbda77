//! On-demand capacity (On-demand Standard): how an `ON_DEMAND` stream's shard count follows its writes.
//!
//! One model for API sessions and scenario runs alike (`docs/aws-behaviour.md` §1.11 lists each step and why):
//!
//! 1. A new on-demand stream has [`ON_DEMAND_INITIAL_SHARDS`](crate::limits::ON_DEMAND_INITIAL_SHARDS) shards: 4 MiB/s and 4,000 records/s of writes,
//!    8 MiB/s of reads. A stream switched from provisioned keeps its shards.
//! 2. Each closed minute ([`ON_DEMAND_SCALING_WINDOW_SECS`]), the stream's write throughput in each of its
//!    seconds is the bytes and records its shards accepted (CloudWatch's `IncomingBytes`/`IncomingRecords`
//!    summed over the stream). The peak is the highest second, in bytes and in records separately, since the
//!    stream became on-demand (a run lasts at most a day, inside AWS's 30-day window).
//! 3. Capacity follows up to twice the peak: the stream needs `ceil(2 × peak bytes/s ÷ 1 MiB)` and
//!    `ceil(2 × peak records/s ÷ 1,000)` shards, the larger, never fewer than it has ([`shards_for_peak`]).
//! 4. When it needs more than it has, it scales at the end of that minute, through the same uniform resharding
//!    as UpdateShardCount (so ListShards shows closed parents and their children), by at most double, and
//!    within the account's shard quota. Its own scaling counts neither against UpdateShardCount's 10 a day nor
//!    as UPDATING: the stream stays ACTIVE.
//! 5. Traffic above the capacity in place is throttled by the shards' own limits until the next step: so a
//!    jump of more than twice the previous peak is throttled for the rest of the minute it starts in, and
//!    again each minute until the capacity has caught up.
//!
//! Each step is kept as an [`OnDemandStep`] ([`Kinesis::take_on_demand_steps`]) with the numbers that
//! triggered it, which the run's account turns into an observation.

use super::Kinesis;
use crate::limits::{SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC, SIM_SHARDS_MAX};
use crate::stream::{Stream, StreamStatus};
use crate::time::SimTime;
use alloc::string::String;
use alloc::vec::Vec;

/// On-demand streams look at their write throughput once per this many seconds, and scale then.
/// AWS documents that traffic more than doubling the previous peak "within 15 minutes" may be throttled, but
/// not when it scales; the model decides at the end of every minute (`docs/aws-behaviour.md` §1.11).
pub const ON_DEMAND_SCALING_WINDOW_SECS: u64 = 60;

/// Steps kept for [`Kinesis::take_on_demand_steps`] before the oldest are dropped (a bound for services
/// nobody drains; a simulation drains them every second).
const STEPS_KEPT_MAX: usize = 64;

/// A write throughput: bytes (data plus partition keys) and records in one second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteRate {
    /// Bytes per second.
    pub bytes_per_sec: u64,
    /// Records per second.
    pub records_per_sec: u64,
}

impl WriteRate {
    /// The larger of each.
    fn max(self, other: Self) -> Self {
        Self {
            bytes_per_sec: self.bytes_per_sec.max(other.bytes_per_sec),
            records_per_sec: self.records_per_sec.max(other.records_per_sec),
        }
    }

    /// The write capacity of `shards` shards.
    pub const fn of_shards(shards: u32) -> Self {
        Self {
            bytes_per_sec: shards as u64 * SHARD_WRITE_BYTES_PER_SEC,
            records_per_sec: shards as u64 * SHARD_WRITE_RECORDS_PER_SEC,
        }
    }
}

/// One on-demand stream's memory: its peak write throughput.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OnDemandCapacity {
    /// The highest one-second write throughput accepted since the stream became on-demand.
    pub(crate) peak: WriteRate,
}

/// A scaling step an on-demand stream took by itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnDemandStep {
    /// When (the end of the minute it was decided on).
    pub at: SimTime,
    /// The stream.
    pub stream_name: String,
    /// Open shards before.
    pub from_shards: u32,
    /// Open shards after.
    pub to_shards: u32,
    /// The peak write throughput that called for it.
    pub peak: WriteRate,
}

impl OnDemandStep {
    /// The write capacity after the step (`to_shards` shards' worth).
    pub fn capacity(&self) -> WriteRate {
        WriteRate::of_shards(self.to_shards)
    }
}

/// The open shards an on-demand stream needs for `peak`: enough for twice it in bytes and in records, never
/// fewer than `open` (the model does not scale down) and never more than [`SIM_SHARDS_MAX`].
pub fn shards_for_peak(peak: WriteRate, open: u32) -> u32 {
    let by_bytes = (2 * peak.bytes_per_sec).div_ceil(SHARD_WRITE_BYTES_PER_SEC);
    let by_records = (2 * peak.records_per_sec).div_ceil(SHARD_WRITE_RECORDS_PER_SEC);
    let needed = by_bytes.max(by_records).min(u64::from(SIM_SHARDS_MAX)) as u32;
    needed.max(open)
}

/// The highest one-second write throughput of `stream` over the `window_secs` seconds ending at `now`.
fn window_peak(stream: &Stream, now: SimTime, window_secs: u64) -> WriteRate {
    let end = now.as_secs();
    let since = end.saturating_sub(window_secs);
    let mut seconds = alloc::vec![WriteRate::default(); (end - since) as usize];
    // A shard closed before the window began took no writes in it.
    for shard in stream.shards().iter().filter(|s| s.closed.is_none_or(|c| c.at.as_secs() >= since)) {
        for bucket in shard.metrics.history().rev().take_while(|b| b.second >= since) {
            if let Some(total) = bucket.second.checked_sub(since).and_then(|i| seconds.get_mut(i as usize)) {
                total.bytes_per_sec += bucket.incoming_bytes;
                total.records_per_sec += bucket.incoming_records;
            }
        }
    }
    seconds.into_iter().fold(WriteRate::default(), WriteRate::max)
}

impl Kinesis {
    /// Starts the capacity model of a stream that became on-demand (created so, or switched to it).
    pub(super) fn track_on_demand(&mut self, name: &str) {
        self.on_demand.insert(name.into(), OnDemandCapacity::default());
    }

    /// The end of a scaling window: every on-demand stream updates its peak from the minute that closed and, if
    /// it is ACTIVE and needs more shards, takes one step (module docs, steps 2 to 4). Only on-demand streams are
    /// looked at.
    pub(super) fn scale_on_demand(&mut self, now: SimTime) {
        let now_unix_secs = self.unix_secs(now);
        let names: Vec<String> = self.on_demand.keys().cloned().collect();
        for name in names {
            self.billing_touches.set(self.billing_touches.get() + 1);
            let Some(stream) = self.streams.get(&name) else {
                continue;
            };
            let minute = window_peak(stream, now, ON_DEMAND_SCALING_WINDOW_SECS);
            let (open, active) = (stream.open_shard_count(), stream.status == StreamStatus::Active);
            let Some(capacity) = self.on_demand.get_mut(&name) else { continue };
            capacity.peak = capacity.peak.max(minute);
            let peak = capacity.peak;
            // A stream in the middle of a change of its own (a mode switch, encryption) scales at a later minute.
            if !active {
                continue;
            }
            let needed = shards_for_peak(peak, open).min(open.saturating_mul(2));
            // Within the account's shard quota: what is left of it, if anything.
            let room = self.config.shard_limit.saturating_sub(self.shards_counted_in_account());
            let to_shards = needed.min(open.saturating_add(room));
            if to_shards <= open {
                continue;
            }
            if let Some(stream) = self.stream_mut(&name) {
                stream.scale_uniformly(to_shards, now, now_unix_secs);
            }
            if self.on_demand_steps.len() == STEPS_KEPT_MAX {
                self.on_demand_steps.remove(0);
            }
            self.on_demand_steps.push(OnDemandStep { at: now, stream_name: name, from_shards: open, to_shards, peak });
        }
    }

    /// The peak write throughput an on-demand stream's capacity follows, or `None` for other streams.
    pub fn on_demand_peak(&self, name: &str) -> Option<WriteRate> {
        self.on_demand.get(name).map(|c| c.peak)
    }

    /// The on-demand scaling steps taken since the last call, oldest first.
    pub fn take_on_demand_steps(&mut self) -> Vec<OnDemandStep> {
        core::mem::take(&mut self.on_demand_steps)
    }
}
