//! Stream lifecycle and settings: CreateStream, DeleteStream, DescribeStream, DescribeStreamSummary,
//! ListStreams, DescribeLimits, retention, encryption, enhanced monitoring, capacity mode, record size
//! and warm throughput.

use crate::Call;
use crate::model::{
    ENCRYPTION_TYPES, METRICS_NAMES, NEXT_TOKEN, STREAM_ARN_OPTIONAL, STREAM_ARN_REQUIRED, STREAM_NAME, integer,
    one_of, stream_mode_details, tag_map,
};
use crate::pattern::NAME;
use crate::reply::{Reply, invalid_argument};
use crate::shapes;
use crate::token::PageToken;
use crate::validate::{self, Member, Required, Shape, Text, number, object, text, texts};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::{Value, json};
use shardlab_engine::ShardId;
use shardlab_engine::StreamMode;
use shardlab_engine::kinesis::CreateStreamInput;
use shardlab_engine::limits::{RETENTION_HOURS_MAX, RETENTION_HOURS_MIN};

/// Shards DescribeStream returns at most, and by default.
const DESCRIBE_STREAM_SHARDS_MAX: i64 = 100;
/// Streams ListStreams returns at most, and by default.
const LIST_STREAMS_MAX: i64 = 100;

pub(crate) const STREAM_ONLY: &[Member] = &[STREAM_NAME, STREAM_ARN_OPTIONAL];

fn mode_of(call: &Call<'_>) -> StreamMode {
    let mode = object(call.body, "StreamModeDetails").and_then(|d| text(d, "StreamMode"));
    if mode == Some("ON_DEMAND") { StreamMode::OnDemand } else { StreamMode::Provisioned }
}

/// A whole-number member for an engine `u32`, saturating.
pub(crate) fn as_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

pub(crate) const CREATE_STREAM: &[Member] = &[
    integer("ShardCount", Some(1), None, Required::No),
    Member { required: Required::Yes, ..STREAM_NAME },
    stream_mode_details(Required::No),
    tag_map(Required::No),
    integer("WarmThroughputMiBps", Some(0), None, Required::No),
    integer("MaxRecordSizeInKiB", Some(1_024), Some(10_240), Required::No),
];

pub(crate) fn create_stream(call: &mut Call<'_>) -> Result<Value, Reply> {
    let input = CreateStreamInput {
        name: text(call.body, "StreamName").unwrap_or_default().into(),
        shard_count: number(call.body, "ShardCount").map(as_u32),
        mode: mode_of(call),
        max_record_size_kib: number(call.body, "MaxRecordSizeInKiB").map(as_u32),
        tags: validate::text_map(call.body, "Tags"),
        warm_throughput_mibps: number(call.body, "WarmThroughputMiBps").map(as_u32),
    };
    let now = call.now();
    call.kinesis_mut().create_stream(now, input)?;
    Ok(json!({}))
}

pub(crate) const DELETE_STREAM: &[Member] = &[
    STREAM_NAME,
    Member { name: "EnforceConsumerDeletion", shape: Shape::Boolean, required: Required::No },
    STREAM_ARN_OPTIONAL,
];

pub(crate) fn delete_stream(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let enforce = validate::boolean(call.body, "EnforceConsumerDeletion").unwrap_or(false);
    let now = call.now();
    call.kinesis_mut().delete_stream(now, &name, enforce)?;
    Ok(json!({}))
}

pub(crate) const DESCRIBE_STREAM: &[Member] = &[
    integer("Limit", Some(1), Some(10_000), Required::No),
    crate::model::shard_id("ExclusiveStartShardId", Required::No),
    STREAM_NAME,
    STREAM_ARN_OPTIONAL,
];

pub(crate) fn describe_stream(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let limit =
        number(call.body, "Limit").unwrap_or(DESCRIBE_STREAM_SHARDS_MAX).min(DESCRIBE_STREAM_SHARDS_MAX) as usize;
    let after = text(call.body, "ExclusiveStartShardId").and_then(ShardId::parse);
    let now = call.now();
    let stream = call.kinesis_mut().describe_stream(now, &name)?;
    let listed: Vec<_> = stream.shards().iter().filter(|s| after.is_none_or(|a| s.id > a)).collect();
    let mut description = shapes::stream_common(stream);
    description.insert("Shards".into(), listed.iter().take(limit).map(|s| shapes::shard(s)).collect());
    description.insert("HasMoreShards".into(), json!(listed.len() > limit));
    Ok(json!({ "StreamDescription": description }))
}

pub(crate) fn describe_stream_summary(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let now = call.now();
    let stream = call.kinesis_mut().describe_stream_summary(now, &name)?;
    let mut summary = shapes::stream_common(stream);
    summary.insert("OpenShardCount".into(), json!(stream.open_shard_count()));
    summary.insert("ConsumerCount".into(), json!(stream.consumers.len()));
    summary.insert("MaxRecordSizeInKiB".into(), json!(stream.max_record_size_kib));
    if let Some(mibps) = stream.warm_throughput_mibps {
        summary.insert("WarmThroughput".into(), json!({ "TargetMiBps": mibps, "CurrentMiBps": mibps }));
    }
    Ok(json!({ "StreamDescriptionSummary": summary }))
}

pub(crate) const LIST_STREAMS: &[Member] = &[
    integer("Limit", Some(1), Some(10_000), Required::No),
    Member {
        name: "ExclusiveStartStreamName",
        shape: Shape::Text(Text::pattern_len(&NAME, 1, 128)),
        required: Required::No,
    },
    NEXT_TOKEN,
];

pub(crate) fn list_streams(call: &mut Call<'_>) -> Result<Value, Reply> {
    let limit = number(call.body, "Limit").unwrap_or(LIST_STREAMS_MAX).min(LIST_STREAMS_MAX) as usize;
    let after: Option<String> = match text(call.body, "NextToken") {
        Some(raw) => {
            let token = PageToken::decode(raw)
                .filter(|t| t.operation == "ListStreams")
                .ok_or_else(|| invalid_argument("Invalid NextToken."))?;
            Some(token.after)
        }
        None => text(call.body, "ExclusiveStartStreamName").map(String::from),
    };
    let now = call.now();
    let streams = call.kinesis_mut().list_streams(now)?;
    let listed: Vec<_> =
        streams.iter().filter(|s| after.as_ref().is_none_or(|a| s.name.as_str() > a.as_str())).collect();
    let page = &listed[..listed.len().min(limit)];
    let mut out = json!({
        "StreamNames": page.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        "HasMoreStreams": listed.len() > limit,
        "StreamSummaries": page.iter().map(|s| json!({
            "StreamName": s.name,
            "StreamARN": s.arn,
            "StreamStatus": s.status.as_str(),
            "StreamModeDetails": { "StreamMode": s.mode.as_str() },
            "StreamCreationTimestamp": s.created_unix_secs,
        })).collect::<Vec<_>>(),
    });
    if let Some(last) = page.last().filter(|_| listed.len() > limit) {
        let token = PageToken {
            operation: "ListStreams".into(),
            stream: String::new(),
            stream_created_unix_secs: 0,
            after: last.name.clone(),
            issued_at_ms: now.as_millis(),
            extra: String::new(),
        };
        out["NextToken"] = json!(token.encode());
    }
    Ok(out)
}

pub(crate) fn describe_limits(call: &mut Call<'_>) -> Result<Value, Reply> {
    let now = call.now();
    let limits = call.kinesis_mut().describe_limits(now)?;
    Ok(json!({
        "ShardLimit": limits.shard_limit,
        "OpenShardCount": limits.open_shard_count,
        "OnDemandStreamCount": limits.on_demand_stream_count,
        "OnDemandStreamCountLimit": limits.on_demand_stream_count_limit,
    }))
}

pub(crate) const RETENTION: &[Member] =
    &[integer("RetentionPeriodHours", None, None, Required::Yes), STREAM_NAME, STREAM_ARN_OPTIONAL];

/// The retention hours as the engine's `u32`, or the range error for values it cannot hold.
fn retention_hours(call: &Call<'_>) -> Result<u32, Reply> {
    let hours = number(call.body, "RetentionPeriodHours").unwrap_or(0);
    if hours < 0 {
        return Err(invalid_argument(format!(
            "Minimum allowed retention period is {RETENTION_HOURS_MIN} hours. Requested retention period ({hours} hours) is too short."
        )));
    }
    u32::try_from(hours).map_err(|_| {
        invalid_argument(format!(
            "Maximum allowed retention period is {RETENTION_HOURS_MAX} hours. Requested retention period ({hours} hours) is too long."
        ))
    })
}

pub(crate) fn increase_retention(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let hours = retention_hours(call)?;
    let now = call.now();
    call.kinesis_mut().increase_retention(now, &name, hours)?;
    Ok(json!({}))
}

pub(crate) fn decrease_retention(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let hours = retention_hours(call)?;
    let now = call.now();
    call.kinesis_mut().decrease_retention(now, &name, hours)?;
    Ok(json!({}))
}

pub(crate) const ENCRYPTION: &[Member] = &[
    one_of("EncryptionType", ENCRYPTION_TYPES, Required::Yes),
    Member { name: "KeyId", shape: Shape::Text(Text::len(1, 2_048)), required: Required::Yes },
    STREAM_NAME,
    STREAM_ARN_OPTIONAL,
];

fn encryption(call: &mut Call<'_>, start: bool) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    if text(call.body, "EncryptionType") != Some("KMS") {
        return Err(invalid_argument("EncryptionType NONE is not valid here: the only encryption type is KMS."));
    }
    let key = text(call.body, "KeyId").unwrap_or_default().to_string();
    let now = call.now();
    call.kinesis_mut().set_encryption(now, &name, start.then_some(key))?;
    Ok(json!({}))
}

pub(crate) fn start_stream_encryption(call: &mut Call<'_>) -> Result<Value, Reply> {
    encryption(call, true)
}

pub(crate) fn stop_stream_encryption(call: &mut Call<'_>) -> Result<Value, Reply> {
    encryption(call, false)
}

pub(crate) const MONITORING: &[Member] = &[
    Member {
        name: "ShardLevelMetrics",
        shape: Shape::TextList { len_min: 1, len_max: 7, member: Text::one_of(METRICS_NAMES) },
        required: Required::Yes,
    },
    STREAM_NAME,
    STREAM_ARN_OPTIONAL,
];

fn monitoring(call: &mut Call<'_>, enable: bool) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let metrics = texts(call.body, "ShardLevelMetrics");
    let now = call.now();
    let (current, desired) = call.kinesis_mut().set_enhanced_monitoring(now, &name, &metrics, enable)?;
    let arn = call.kinesis().stream(&name).map(|s| s.arn.clone()).unwrap_or_default();
    Ok(json!({
        "StreamName": name,
        "CurrentShardLevelMetrics": current,
        "DesiredShardLevelMetrics": desired,
        "StreamARN": arn,
    }))
}

pub(crate) fn enable_enhanced_monitoring(call: &mut Call<'_>) -> Result<Value, Reply> {
    monitoring(call, true)
}

pub(crate) fn disable_enhanced_monitoring(call: &mut Call<'_>) -> Result<Value, Reply> {
    monitoring(call, false)
}

pub(crate) const UPDATE_STREAM_MODE: &[Member] = &[
    STREAM_ARN_REQUIRED,
    stream_mode_details(Required::Yes),
    integer("WarmThroughputMiBps", Some(0), None, Required::No),
];

/// The stream of operations that name it by `StreamARN` only.
fn stream_of_arn(call: &Call<'_>) -> Result<String, Reply> {
    let arn = text(call.body, "StreamARN").unwrap_or_default();
    crate::arn::stream_of_arn(call.kinesis(), arn)
}

pub(crate) fn update_stream_mode(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = stream_of_arn(call)?;
    let mode = mode_of(call);
    let warm = number(call.body, "WarmThroughputMiBps").map(as_u32);
    let now = call.now();
    call.kinesis_mut().update_stream_mode(now, &name, mode, warm)?;
    Ok(json!({}))
}

pub(crate) const UPDATE_MAX_RECORD_SIZE: &[Member] =
    &[integer("MaxRecordSizeInKiB", Some(1_024), Some(10_240), Required::Yes), STREAM_ARN_REQUIRED];

pub(crate) fn update_max_record_size(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = stream_of_arn(call)?;
    let kib = as_u32(number(call.body, "MaxRecordSizeInKiB").unwrap_or(0));
    let now = call.now();
    call.kinesis_mut().update_max_record_size(now, &name, kib)?;
    Ok(json!({}))
}

pub(crate) const UPDATE_STREAM_WARM_THROUGHPUT: &[Member] =
    &[integer("WarmThroughputMiBps", Some(0), None, Required::Yes), STREAM_NAME, STREAM_ARN_OPTIONAL];

pub(crate) fn update_stream_warm_throughput(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let mibps = as_u32(number(call.body, "WarmThroughputMiBps").unwrap_or(0));
    let now = call.now();
    call.kinesis_mut().update_warm_throughput(now, &name, mibps)?;
    let arn = call.kinesis().stream(&name).map(|s| s.arn.clone()).unwrap_or_default();
    Ok(json!({
        "StreamARN": arn,
        "StreamName": name,
        "WarmThroughput": { "TargetMiBps": mibps, "CurrentMiBps": mibps },
    }))
}
