//! The data plane: PutRecord, PutRecords, GetShardIterator, GetRecords.

use crate::Call;
use crate::model::{
    SHARD_ITERATOR_TYPES, STREAM_ARN_OPTIONAL, STREAM_NAME, hash_key, integer, one_of, sequence_number, shard_id,
    timestamp,
};
use crate::reply::{Reply, invalid_argument, not_found};
use crate::shapes;
use crate::validate::{Member, Required, Shape, Text, blob, number, text, timestamp_ms};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::{Value, json};
use shardlab_engine::iterator::IteratorToken;
use shardlab_engine::kinesis::{IteratorStart, PutRecordsEntry, PutRecordsResultEntry};
use shardlab_engine::stream::Stream;
use shardlab_engine::{Kinesis, Payload, PutRecordInput, ShardId};

/// The API model's static limit on `Data` (current model: 10 MiB).
const DATA_BYTES_MAX: u64 = 10_485_760;

const PARTITION_KEY: Member =
    Member { name: "PartitionKey", shape: Shape::Text(Text::len(1, 256)), required: Required::Yes };

const DATA: Member = Member { name: "Data", shape: Shape::Blob { len_max: DATA_BYTES_MAX }, required: Required::Yes };

pub(crate) const PUT_RECORD: &[Member] = &[
    sequence_number("SequenceNumberForOrdering"),
    PARTITION_KEY,
    hash_key("ExplicitHashKey", Required::No),
    DATA,
    STREAM_NAME,
    STREAM_ARN_OPTIONAL,
];

pub(crate) const PUT_RECORDS: &[Member] = &[
    Member {
        name: "Records",
        shape: Shape::StructList {
            len_min: 1,
            len_max: 500,
            java: "com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry",
            members: &[PARTITION_KEY, DATA, hash_key("ExplicitHashKey", Required::No)],
        },
        required: Required::Yes,
    },
    STREAM_NAME,
    STREAM_ARN_OPTIONAL,
];

/// The stream for writes: it must exist and not be CREATING (AWS then says it is not found).
fn writable<'k>(kinesis: &'k Kinesis, name: &str) -> Result<&'k Stream, Reply> {
    kinesis
        .stream(name)
        .filter(|s| s.accepts_io())
        .ok_or_else(|| not_found(format!("Stream {name} under account {} not found.", kinesis.config().account_id)))
}

/// `ExplicitHashKey` as a number; the regex admits 39 digits, so values of 2^128 and more are refused here.
fn explicit_hash_key(raw: Option<&str>) -> Result<Option<u128>, Reply> {
    raw.map(|raw| {
        raw.parse::<u128>().map_err(|_| {
            invalid_argument(format!(
                "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {raw}"
            ))
        })
    })
    .transpose()
}

pub(crate) fn put_record(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    writable(call.kinesis(), &name)?;
    let input = PutRecordInput {
        partition_key: text(call.body, "PartitionKey").unwrap_or_default().into(),
        data: Payload::Bytes(blob(call.body, "Data").unwrap_or_default().into()),
        explicit_hash_key: explicit_hash_key(text(call.body, "ExplicitHashKey"))?,
    };
    let ordering = text(call.body, "SequenceNumberForOrdering").map(String::from);
    let now = call.now();
    let out = call.kinesis_mut().put_record(now, &name, input, ordering.as_deref())?;
    Ok(json!({
        "ShardId": out.shard_id.to_string(),
        "SequenceNumber": out.sequence_number.to_decimal(),
        "EncryptionType": shapes::encryption_type(out.encrypted),
    }))
}

pub(crate) fn put_records(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    writable(call.kinesis(), &name)?;
    let entries = crate::validate::objects(call.body, "Records")
        .map(|entry| {
            Ok(PutRecordsEntry {
                partition_key: text(entry, "PartitionKey").unwrap_or_default().into(),
                data: Payload::Bytes(blob(entry, "Data").unwrap_or_default().into()),
                explicit_hash_key: explicit_hash_key(text(entry, "ExplicitHashKey"))?,
            })
        })
        .collect::<Result<Vec<_>, Reply>>()?;
    let now = call.now();
    let out = call.kinesis_mut().put_records(now, &name, entries)?;
    let records: Vec<Value> = out
        .records
        .iter()
        .map(|entry| match entry {
            PutRecordsResultEntry::Ok(ok) => json!({
                "SequenceNumber": ok.sequence_number.to_decimal(),
                "ShardId": ok.shard_id.to_string(),
            }),
            PutRecordsResultEntry::Failed { error_code, error_message } => {
                json!({ "ErrorCode": error_code, "ErrorMessage": error_message })
            }
        })
        .collect();
    Ok(json!({
        "FailedRecordCount": out.failed_record_count,
        "Records": records,
        "EncryptionType": shapes::encryption_type(out.encrypted),
    }))
}

pub(crate) const GET_SHARD_ITERATOR: &[Member] = &[
    shard_id("ShardId", Required::Yes),
    one_of("ShardIteratorType", SHARD_ITERATOR_TYPES, Required::Yes),
    sequence_number("StartingSequenceNumber"),
    STREAM_NAME,
    timestamp("Timestamp"),
    STREAM_ARN_OPTIONAL,
];

/// Where an iterator starts, from the type and its argument (`docs/aws-behaviour.md` §1.5's combination rules).
pub(crate) fn iterator_start(
    kind: &str,
    sequence_number: Option<&str>,
    timestamp_ms: Option<u64>,
) -> Result<IteratorStart, Reply> {
    let either = |tail: &str| {
        invalid_argument(format!(
            "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or \
             (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {kind} and {tail}"
        ))
    };
    match (kind, sequence_number) {
        ("AT_SEQUENCE_NUMBER", Some(seq)) => Ok(IteratorStart::AtSequenceNumber(seq.into())),
        ("AFTER_SEQUENCE_NUMBER", Some(seq)) => Ok(IteratorStart::AfterSequenceNumber(seq.into())),
        ("AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER", None) => Err(either("no StartingSequenceNumber.")),
        (_, Some(_)) => Err(either("also a StartingSequenceNumber.")),
        ("TRIM_HORIZON", None) => Ok(IteratorStart::TrimHorizon),
        ("AT_TIMESTAMP", None) => timestamp_ms.map(IteratorStart::AtTimestamp).ok_or_else(|| {
            invalid_argument(
                "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. \
                 Current request has no timestamp parameter.",
            )
        }),
        _ => Ok(IteratorStart::Latest),
    }
}

/// The shard a request names, as AWS resolves it: `Could not find shard` for ids that do not parse,
/// `Shard ... does not exist` when the stream or the shard is missing.
pub(crate) fn existing_shard(kinesis: &Kinesis, stream_name: &str, raw_shard_id: &str) -> Result<ShardId, Reply> {
    let account = &kinesis.config().account_id;
    let Some(id) = ShardId::parse(raw_shard_id) else {
        return Err(not_found(format!(
            "Could not find shard {raw_shard_id} in stream {stream_name} under account {account}."
        )));
    };
    kinesis
        .stream(stream_name)
        .filter(|s| s.accepts_io())
        .and_then(|s| s.shard(id))
        .map(|s| s.id)
        .ok_or_else(|| not_found(format!("Shard {id} in stream {stream_name} under account {account} does not exist")))
}

pub(crate) fn get_shard_iterator(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let raw_shard_id = text(call.body, "ShardId").unwrap_or_default().to_string();
    existing_shard(call.kinesis(), &name, &raw_shard_id)?;
    let start = iterator_start(
        text(call.body, "ShardIteratorType").unwrap_or_default(),
        text(call.body, "StartingSequenceNumber"),
        timestamp_ms(call.body, "Timestamp"),
    )?;
    let now = call.now();
    let iterator = call.kinesis_mut().get_shard_iterator(now, &name, &raw_shard_id, start)?;
    Ok(json!({ "ShardIterator": iterator }))
}

pub(crate) const GET_RECORDS: &[Member] = &[
    integer("Limit", Some(1), Some(10_000), Required::No),
    Member { name: "ShardIterator", shape: Shape::Text(Text::len(1, 512)), required: Required::Yes },
    STREAM_ARN_OPTIONAL,
];

pub(crate) fn get_records(call: &mut Call<'_>) -> Result<Value, Reply> {
    let iterator = text(call.body, "ShardIterator").unwrap_or_default().to_string();
    let limit = number(call.body, "Limit").map(crate::streams::as_u32);
    let now = call.now();
    let out = call.kinesis_mut().get_records(now, &iterator, limit)?;
    let kinesis = call.kinesis();
    let encrypted = IteratorToken::decode(&iterator)
        .and_then(|t| kinesis.stream(&t.stream_name))
        .is_some_and(|s| s.encryption_key_id.is_some());
    let mut body = json!({
        "Records": out.records.iter().map(|r| shapes::record(kinesis, r, encrypted)).collect::<Vec<_>>(),
        "MillisBehindLatest": out.millis_behind_latest,
    });
    if let Some(next) = out.next_shard_iterator {
        body["NextShardIterator"] = json!(next);
    }
    if !out.child_shards.is_empty() {
        body["ChildShards"] =
            out.child_shards.iter().map(|(id, parents, range)| shapes::child_shard(*id, parents, range)).collect();
    }
    Ok(body)
}
