//! A shard: a hash-key range, an append-only log of records, its write limits and its metrics.

use crate::hash_range::HashKeyRange;
use crate::metrics::ShardMetrics;
use crate::sequence::SequenceNumber;
use crate::throttle::{WriteLimit, WriteWindow};
use crate::time::SimTime;
use alloc::collections::VecDeque;
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

/// A record's data blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// Bytes given by an API caller.
    Bytes(Vec<u8>),
    /// A simulated producer's record: only its length is kept, to keep long runs small.
    Synthetic {
        /// The data's length in bytes.
        len_bytes: u32,
    },
}

impl Payload {
    /// The data's length in bytes.
    pub fn len_bytes(&self) -> u64 {
        match self {
            Self::Bytes(bytes) => bytes.len() as u64,
            Self::Synthetic { len_bytes } => u64::from(*len_bytes),
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

/// One shard of a stream.
#[derive(Clone, Debug)]
pub struct Shard {
    /// Its id.
    pub id: ShardId,
    /// The hash keys it owns.
    pub hash_key_range: HashKeyRange,
    /// When it was created, seconds since the Unix epoch (part of every sequence number).
    pub created_unix_secs: u64,
    /// Its metrics.
    pub metrics: ShardMetrics,
    log: VecDeque<Record>,
    log_records_max: usize,
    next_counter: u64,
    write_window: WriteWindow,
}

impl Shard {
    pub(crate) fn new(
        id: ShardId,
        hash_key_range: HashKeyRange,
        created_unix_secs: u64,
        log_records_max: usize,
    ) -> Self {
        Self {
            id,
            hash_key_range,
            created_unix_secs,
            metrics: ShardMetrics::default(),
            log: VecDeque::new(),
            log_records_max,
            // Counter 0 is the shard's StartingSequenceNumber; records start at 1.
            next_counter: 1,
            write_window: WriteWindow::default(),
        }
    }

    /// The sequence number of the shard's start (`StartingSequenceNumber`).
    pub fn starting_sequence_number(&self) -> SequenceNumber {
        SequenceNumber {
            shard_created_unix_secs: self.created_unix_secs,
            counter: 0,
            arrival_unix_secs: self.created_unix_secs,
            shard_index: self.id.0,
        }
    }

    /// Appends a record if the shard's write limits allow it at `now`.
    pub(crate) fn try_append(
        &mut self,
        now: SimTime,
        now_unix_secs: u64,
        partition_key: String,
        hash_key: u128,
        data: Payload,
    ) -> Result<SequenceNumber, WriteLimit> {
        let bytes = data.len_bytes() + partition_key.len() as u64;
        if let Err(limit) = self.write_window.try_accept(now, bytes) {
            self.metrics.record_throttled(now.as_secs(), limit);
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
        if self.log.len() == self.log_records_max {
            self.log.pop_front();
        }
        self.log.push_back(Record {
            sequence_number,
            arrival: now,
            partition_key,
            hash_key,
            data,
        });
        Ok(sequence_number)
    }

    /// The records kept, oldest first.
    pub fn records(&self) -> impl ExactSizeIterator<Item = &Record> {
        self.log.iter()
    }
}
