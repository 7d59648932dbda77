//! AWS's response shapes, built from engine state: field names, decimal hash keys, epoch-second
//! timestamps, base64 data.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use shardlab_engine::Kinesis;
use shardlab_engine::consumer::Consumer;
use shardlab_engine::hash_range::HashKeyRange;
use shardlab_engine::shard::{Record, Shard, ShardId};
use shardlab_engine::stream::Stream;

/// A timestamp as epoch seconds: a whole number when it falls on a second, else with milliseconds.
pub(crate) fn epoch_seconds(unix_ms: u64) -> Value {
    if unix_ms.is_multiple_of(1_000) { json!(unix_ms / 1_000) } else { json!(unix_ms as f64 / 1_000.0) }
}

/// `EncryptionType`.
pub(crate) fn encryption_type(encrypted: bool) -> &'static str {
    if encrypted { "KMS" } else { "NONE" }
}

/// `HashKeyRange` with decimal strings.
pub(crate) fn hash_key_range(range: &HashKeyRange) -> Value {
    json!({
        "StartingHashKey": range.starting_hash_key.to_string(),
        "EndingHashKey": range.ending_hash_key.to_string(),
    })
}

/// A `Shard` of DescribeStream and ListShards.
pub(crate) fn shard(shard: &Shard) -> Value {
    let mut out = Map::new();
    out.insert("ShardId".into(), json!(shard.id.to_string()));
    if let Some(parent) = shard.parent_shard_id {
        out.insert("ParentShardId".into(), json!(parent.to_string()));
    }
    if let Some(adjacent) = shard.adjacent_parent_shard_id {
        out.insert("AdjacentParentShardId".into(), json!(adjacent.to_string()));
    }
    out.insert("HashKeyRange".into(), hash_key_range(&shard.hash_key_range));
    let mut range = Map::new();
    range.insert("StartingSequenceNumber".into(), json!(shard.starting_sequence_number().to_decimal()));
    if let Some(closed) = shard.closed {
        range.insert("EndingSequenceNumber".into(), json!(closed.ending_sequence_number.to_decimal()));
    }
    out.insert("SequenceNumberRange".into(), Value::Object(range));
    Value::Object(out)
}

/// A `Record` of GetRecords and SubscribeToShard events.
pub(crate) fn record(kinesis: &Kinesis, record: &Record, encrypted: bool) -> Value {
    json!({
        "SequenceNumber": record.sequence_number.to_decimal(),
        "ApproximateArrivalTimestamp": epoch_seconds(kinesis.unix_ms(record.arrival)),
        "Data": STANDARD.encode(record.data_bytes()),
        "PartitionKey": record.partition_key,
        "EncryptionType": encryption_type(encrypted),
    })
}

/// A `ChildShard`.
pub(crate) fn child_shard(id: ShardId, parents: &[ShardId], range: &HashKeyRange) -> Value {
    json!({
        "ShardId": id.to_string(),
        "ParentShards": parents.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "HashKeyRange": hash_key_range(range),
    })
}

/// `StreamModeDetails`.
pub(crate) fn stream_mode_details(stream: &Stream) -> Value {
    json!({ "StreamMode": stream.mode.as_str() })
}

/// `EnhancedMonitoring`: one entry with the enabled shard-level metrics.
pub(crate) fn enhanced_monitoring(stream: &Stream) -> Value {
    json!([{ "ShardLevelMetrics": stream.shard_level_metrics.iter().collect::<Vec<_>>() }])
}

/// The members DescribeStream and DescribeStreamSummary share.
pub(crate) fn stream_common(stream: &Stream) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("StreamName".into(), json!(stream.name));
    out.insert("StreamARN".into(), json!(stream.arn));
    out.insert("StreamStatus".into(), json!(stream.status.as_str()));
    out.insert("StreamModeDetails".into(), stream_mode_details(stream));
    out.insert("RetentionPeriodHours".into(), json!(stream.retention_hours));
    out.insert("StreamCreationTimestamp".into(), json!(stream.created_unix_secs));
    out.insert("EnhancedMonitoring".into(), enhanced_monitoring(stream));
    out.insert("EncryptionType".into(), json!(encryption_type(stream.encryption_key_id.is_some())));
    if let Some(key) = &stream.encryption_key_id {
        out.insert("KeyId".into(), json!(key));
    }
    out
}

/// A `Consumer` of RegisterStreamConsumer and ListStreamConsumers.
pub(crate) fn consumer(consumer: &Consumer) -> Value {
    json!({
        "ConsumerName": consumer.name,
        "ConsumerARN": consumer.arn,
        "ConsumerStatus": consumer.status.as_str(),
        "ConsumerCreationTimestamp": consumer.created_unix_secs,
    })
}

/// A list of `Tag`s.
pub(crate) fn tags<'a>(tags: impl Iterator<Item = (&'a String, &'a String)>) -> Value {
    Value::Array(tags.map(|(k, v)| json!({ "Key": k, "Value": v })).collect())
}
