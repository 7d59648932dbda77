//! Enhanced fan-out: registered consumers and their SubscribeToShard subscriptions.

use crate::sequence::SequenceNumber;
use crate::shard::{Record, ShardId};
use crate::time::SimTime;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

/// `ConsumerStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConsumerStatus {
    /// Registering; cannot subscribe yet.
    Creating,
    /// Being deregistered.
    Deleting,
    /// Ready.
    Active,
}

impl ConsumerStatus {
    /// The API's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Creating => "CREATING",
            Self::Deleting => "DELETING",
            Self::Active => "ACTIVE",
        }
    }
}

/// A registered enhanced fan-out consumer.
#[derive(Clone, Debug)]
pub struct Consumer {
    /// `ConsumerName`.
    pub name: String,
    /// `ConsumerARN`.
    pub arn: String,
    /// `ConsumerStatus`.
    pub status: ConsumerStatus,
    /// `ConsumerCreationTimestamp`, seconds since the Unix epoch.
    pub created_unix_secs: u64,
    /// When the current CREATING or DELETING state ends.
    pub transition_at: Option<SimTime>,
    /// Its subscriptions, live and ended (ended ones are kept until drained).
    pub subscriptions: Vec<Subscription>,
}

/// Why a subscription stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionEnd {
    /// Five minutes passed; the client resubscribes with the last continuation sequence number.
    Expired,
    /// A newer SubscribeToShard for the same consumer and shard took over (ResourceInUseException).
    Replaced,
    /// The consumer or stream went away (ResourceNotFoundException).
    ResourceGone,
    /// The shard is closed and fully delivered; the last event named the children.
    ShardEnded,
}

/// One `SubscribeToShardEvent`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscribeToShardEvent<R = Record> {
    /// When it was pushed.
    pub at: SimTime,
    /// The records.
    pub records: Vec<R>,
    /// `ContinuationSequenceNumber`: resume after this one.
    pub continuation_sequence_number: SequenceNumber,
    /// `MillisBehindLatest`.
    pub millis_behind_latest: u64,
    /// `ChildShards`, on the last event of a closed shard.
    pub child_shard_ids: Vec<ShardId>,
}

/// A live (or ended, not yet drained) SubscribeToShard call.
#[derive(Clone, Debug)]
pub struct Subscription {
    /// Its id, unique within the simulation.
    pub id: u64,
    /// The shard it reads.
    pub shard_id: ShardId,
    /// The next position to push.
    pub position: u64,
    /// When it started.
    pub started_at: SimTime,
    /// Set once it stopped.
    pub ended: Option<(SimTime, SubscriptionEnd)>,
    /// Events pushed and not yet drained.
    pub events: VecDeque<SubscribeToShardEvent<crate::shard::ReadRecord>>,
    /// Whether its events count numbered records in runs ([`crate::shard::ReadRecord::Run`]): a simulated
    /// reader's that needs no record one by one.
    pub(crate) runs: bool,
    /// Bytes pushed beyond the 2 MiB/s allowance, as of `debt_at`, in millionths of a byte.
    pub(crate) debt_micro_bytes: u64,
    pub(crate) debt_at: SimTime,
    pub(crate) last_event_at: SimTime,
}
