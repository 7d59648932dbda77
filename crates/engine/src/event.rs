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
        /// The shard's data stream (not in the one-line text, which predates several streams per run).
        stream_name: String,
        /// The shard.
        shard_id: ShardId,
        /// Records rejected during that second.
        throttled_records: u64,
        /// Records accepted during that second.
        accepted_records: u64,
        /// The limit that rejected most of them.
        limit: WriteLimit,
    },
    /// A Firehose delivery stream delivered a flushed buffer to its destination.
    FirehoseDelivered {
        /// When.
        at: SimTime,
        /// The delivery stream.
        delivery_stream: String,
        /// `S3`, `Redshift`, `AmazonOpenSearchService`, `HttpEndpoint` or `Splunk`.
        destination: &'static str,
        /// Records delivered.
        records: u32,
        /// Their bytes before compression.
        bytes: u64,
    },
    /// A Firehose delivery attempt failed; it is retried unless the retry duration has run out.
    FirehoseDeliveryFailed {
        /// When.
        at: SimTime,
        /// The delivery stream.
        delivery_stream: String,
        /// The error code (`HttpEndpoint.DestinationException`, `Splunk.AckTimeout`, ...).
        error_code: &'static str,
        /// Which attempt, from 1.
        attempt: u32,
        /// Whether Firehose gave up: the records went to the S3 backup (or, for S3, were lost).
        gave_up: bool,
    },
    /// Records of a delivery stream's source data stream passed the stream's retention period before
    /// Firehose read them (it had stopped reading while a delivery was retried): they are lost.
    FirehoseSourceRecordsExpired {
        /// When Firehose noticed (its first read after the gap).
        at: SimTime,
        /// The delivery stream.
        delivery_stream: String,
        /// The source data stream.
        source_stream: String,
        /// The shard.
        shard_id: ShardId,
        /// Records lost.
        records: u64,
    },
    /// An on-demand stream scaled by itself to follow its peak write throughput
    /// ([`crate::kinesis::OnDemandStep`]).
    OnDemandScaled {
        /// When.
        at: SimTime,
        /// The stream.
        stream_name: String,
        /// Open shards before.
        from_shards: u32,
        /// Open shards after.
        to_shards: u32,
        /// The peak write throughput that called for it: bytes per second.
        peak_bytes_per_sec: u64,
        /// The same in records per second.
        peak_records_per_sec: u64,
    },
    /// A scheduled change of a data stream went through its operation: the service accepted it.
    StreamChangeAccepted {
        /// When.
        at: SimTime,
        /// The stream.
        stream_name: String,
        /// What was asked, with the operation's name (`UpdateShardCount to 4 shards`).
        change: String,
    },
    /// The service refused a scheduled change of a data stream, with AWS's error.
    StreamChangeRefused {
        /// When.
        at: SimTime,
        /// The stream.
        stream_name: String,
        /// What was asked, with the operation's name.
        change: String,
        /// AWS's exception name (`LimitExceededException`).
        error_type: &'static str,
        /// AWS's message.
        message: String,
    },
}

impl Event {
    /// When it happened.
    pub const fn at(&self) -> SimTime {
        match self {
            Self::StreamCreated { at, .. }
            | Self::WriteThrottled { at, .. }
            | Self::FirehoseDelivered { at, .. }
            | Self::FirehoseDeliveryFailed { at, .. }
            | Self::FirehoseSourceRecordsExpired { at, .. }
            | Self::OnDemandScaled { at, .. }
            | Self::StreamChangeAccepted { at, .. }
            | Self::StreamChangeRefused { at, .. } => *at,
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
            Self::WriteThrottled { at, shard_id, throttled_records, accepted_records, limit, .. } => {
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
            Self::FirehoseDelivered { at, delivery_stream, destination, records, bytes } => {
                write!(
                    f,
                    "{at} firehose-delivered stream={delivery_stream} to={destination} records={records} bytes={bytes}"
                )
            }
            Self::FirehoseDeliveryFailed { at, delivery_stream, error_code, attempt, gave_up } => {
                write!(
                    f,
                    "{at} firehose-delivery-failed stream={delivery_stream} code={error_code} attempt={attempt} gave_up={gave_up}"
                )
            }
            Self::FirehoseSourceRecordsExpired { at, delivery_stream, source_stream, shard_id, records } => {
                write!(
                    f,
                    "{at} firehose-source-expired stream={delivery_stream} source={source_stream} shard={shard_id} \
                     records={records}"
                )
            }
            Self::OnDemandScaled {
                at,
                stream_name,
                from_shards,
                to_shards,
                peak_bytes_per_sec,
                peak_records_per_sec,
            } => write!(
                f,
                "{at} on-demand-scaled name={stream_name} shards={from_shards}->{to_shards} \
                 peak_bytes_per_sec={peak_bytes_per_sec} peak_records_per_sec={peak_records_per_sec}"
            ),
            Self::StreamChangeAccepted { at, stream_name, change } => {
                write!(f, "{at} stream-change-accepted name={stream_name} change=\"{change}\"")
            }
            Self::StreamChangeRefused { at, stream_name, change, error_type, .. } => {
                write!(f, "{at} stream-change-refused name={stream_name} change=\"{change}\" error={error_type}")
            }
        }
    }
}
