//! A provisioned data stream: its shards and the write path (PutRecord).

use crate::error::{StreamsError, StreamsErrorKind};
use crate::hash_range::initial_layout;
use crate::limits::RECORD_BYTES_MAX;
use crate::partition_key::{self, PARTITION_KEY_CHARS_MAX};
use crate::sequence::SequenceNumber;
use crate::shard::{Payload, Shard, ShardId};
use crate::time::SimTime;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// A PutRecord request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutRecordInput {
    /// `PartitionKey`: 1 to 256 characters.
    pub partition_key: String,
    /// `Data`.
    pub data: Payload,
    /// `ExplicitHashKey`: overrides the MD5 of the partition key.
    pub explicit_hash_key: Option<u128>,
}

/// A successful PutRecord answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PutRecordOutput {
    /// The shard the record went to.
    pub shard_id: ShardId,
    /// The record's sequence number.
    pub sequence_number: SequenceNumber,
}

/// A Kinesis data stream in provisioned mode.
#[derive(Clone, Debug)]
pub struct Stream {
    /// `StreamName`.
    pub name: String,
    /// `StreamARN`.
    pub arn: String,
    account_id: String,
    shards: Vec<Shard>,
}

impl Stream {
    /// A stream with `shard_count` shards laid out as `CreateStream` lays them out.
    pub(crate) fn new(
        name: String,
        account_id: &str,
        region: &str,
        shard_count: u32,
        created_unix_secs: u64,
        log_records_max: usize,
    ) -> Self {
        let shards = initial_layout(shard_count)
            .zip(0..)
            .map(|(range, index)| {
                Shard::new(ShardId(index), range, created_unix_secs, log_records_max)
            })
            .collect();
        Self {
            arn: format!("arn:aws:kinesis:{region}:{account_id}:stream/{name}"),
            name,
            account_id: account_id.into(),
            shards,
        }
    }

    /// The shards, in id order.
    pub fn shards(&self) -> &[Shard] {
        &self.shards
    }

    /// The open shard owning `hash_key`.
    pub fn shard_for_hash_key(&self, hash_key: u128) -> Option<&Shard> {
        self.shard_index_for(hash_key).map(|i| &self.shards[i])
    }

    fn shard_index_for(&self, hash_key: u128) -> Option<usize> {
        // Shards are sorted by range and tile the key space.
        let i = self
            .shards
            .partition_point(|s| s.hash_key_range.ending_hash_key < hash_key);
        (i < self.shards.len() && self.shards[i].hash_key_range.contains(hash_key)).then_some(i)
    }

    /// PutRecord: validates, routes by hash key, applies the shard's write limits, appends.
    pub(crate) fn put_record(
        &mut self,
        now: SimTime,
        now_unix_secs: u64,
        input: PutRecordInput,
    ) -> Result<PutRecordOutput, StreamsError> {
        self.validate(&input)?;
        let hash_key = input
            .explicit_hash_key
            .unwrap_or_else(|| partition_key::hash_key(&input.partition_key));
        let Some(index) = self.shard_index_for(hash_key) else {
            // Unreachable while shards tile the space; answer as AWS does for internal faults.
            let error = StreamsError {
                kind: StreamsErrorKind::InternalFailure,
                message: "Internal Service Failure".into(),
            };
            return Err(error);
        };
        let shard = &mut self.shards[index];
        match shard.try_append(
            now,
            now_unix_secs,
            input.partition_key,
            hash_key,
            input.data,
        ) {
            Ok(sequence_number) => Ok(PutRecordOutput {
                shard_id: shard.id,
                sequence_number,
            }),
            Err(_limit) => {
                let message = format!(
                    "Rate exceeded for shard {} in stream {} under account {}.",
                    shard.id, self.name, self.account_id
                );
                let error = StreamsError {
                    kind: StreamsErrorKind::ProvisionedThroughputExceeded,
                    message,
                };
                Err(error)
            }
        }
    }

    fn validate(&self, input: &PutRecordInput) -> Result<(), StreamsError> {
        let key_chars = partition_key::char_count(&input.partition_key);
        let validation = |message: String| StreamsError {
            kind: StreamsErrorKind::Validation,
            message,
        };
        if key_chars == 0 {
            return Err(validation(
                "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: \
                 Member must have length greater than or equal to 1"
                    .into(),
            ));
        }
        if key_chars > PARTITION_KEY_CHARS_MAX {
            return Err(validation(format!(
                "1 validation error detected: Value '{}' at 'partitionKey' failed to satisfy constraint: \
                 Member must have length less than or equal to {PARTITION_KEY_CHARS_MAX}",
                input.partition_key
            )));
        }
        let data_len = input.data.len_bytes();
        if data_len > RECORD_BYTES_MAX {
            return Err(validation(format!(
                "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim={data_len} cap={data_len}]' \
                 at 'data' failed to satisfy constraint: Member must have length less than or equal to {RECORD_BYTES_MAX}"
            )));
        }
        let total = data_len + input.partition_key.len() as u64;
        if total > RECORD_BYTES_MAX {
            // AWS's wording for data + key over the limit is unconfirmed (facts sheet 7); ours names both numbers.
            return Err(StreamsError {
                kind: StreamsErrorKind::InvalidArgument,
                message: format!(
                    "Record size {total} bytes (data plus partition key) exceeds the maximum record size of \
                     {RECORD_BYTES_MAX} bytes for stream {} under account {}.",
                    self.name, self.account_id
                ),
            });
        }
        Ok(())
    }
}
