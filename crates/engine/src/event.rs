//! What the simulation reports as it runs. Drain with [`crate::Simulation::poll_event`].

use crate::shard::ShardId;
use crate::throttle::WriteLimit;
use crate::time::SimTime;
use alloc::string::String;
use core::fmt;

/// Something that happened at a simulated instant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The stream exists with its initial shards.
    StreamCreated {
        /// When.
        at: SimTime,
        /// The stream's name.
        stream_name: String,
        /// How many shards it has.
        shard_count: u32,
    },
    /// During one second a shard rejected writes with `ProvisionedThroughputExceededException`.
    WriteThrottled {
        /// The end of the second in question.
        at: SimTime,
        /// The shard.
        shard_id: ShardId,
        /// Records rejected during that second.
        throttled_records: u64,
        /// Records accepted during that second.
        accepted_records: u64,
        /// The limit that rejected most of them.
        limit: WriteLimit,
    },
}

impl Event {
    /// When it happened.
    pub const fn at(&self) -> SimTime {
        match self {
            Self::StreamCreated { at, .. } | Self::WriteThrottled { at, .. } => *at,
        }
    }
}

/// One line per event, the event-log format the UI shows and golden tests compare:
/// `<HH:MM:SS.mmm> <kind> <key=value>...`.
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StreamCreated { at, stream_name, shard_count } => {
                write!(f, "{at} stream-created name={stream_name} shards={shard_count}")
            }
            Self::WriteThrottled { at, shard_id, throttled_records, accepted_records, limit } => {
                let limit = match limit {
                    WriteLimit::Records => "records",
                    WriteLimit::Bytes => "bytes",
                    WriteLimit::InjectedFault => "fault",
                };
                write!(
                    f,
                    "{at} write-throttled shard={shard_id} throttled={throttled_records} \
                     accepted={accepted_records} limit={limit}"
                )
            }
        }
    }
}
