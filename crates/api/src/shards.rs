//! Shards: ListShards (filters and pagination), SplitShard, MergeShards, UpdateShardCount.

use crate::Call;
use crate::model::{
    NEXT_TOKEN, SHARD_FILTER_TYPES, STREAM_ARN_OPTIONAL, STREAM_NAME, STREAM_NAME_OPTIONAL, hash_key, integer, one_of,
    shard_id, timestamp,
};
use crate::reply::{Reply, invalid_argument, not_found};
use crate::shapes;
use crate::streams::as_u32;
use crate::token::{NEXT_TOKEN_LIFETIME_MS, PageToken};
use crate::validate::{Member, Required, Shape, number, object, text, timestamp_ms};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::{Value, json};
use shardlab_engine::ShardId;
use shardlab_engine::shard::Shard;
use shardlab_engine::stream::Stream;
use shardlab_engine::time::SimTime;

/// Shards ListShards returns at most, and by default.
const LIST_SHARDS_MAX: i64 = 1_000;

pub(crate) const LIST_SHARDS: &[Member] = &[
    shard_id("ExclusiveStartShardId", Required::No),
    integer("MaxResults", Some(1), Some(10_000), Required::No),
    NEXT_TOKEN,
    timestamp("StreamCreationTimestamp"),
    STREAM_NAME_OPTIONAL,
    Member {
        name: "ShardFilter",
        shape: Shape::Struct(&[
            one_of("Type", SHARD_FILTER_TYPES, Required::Yes),
            shard_id("ShardId", Required::No),
            timestamp("Timestamp"),
        ]),
        required: Required::No,
    },
    STREAM_ARN_OPTIONAL,
];

/// A ListShards filter, resolved to simulated time.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Filter {
    /// Every shard within retention (`FROM_TRIM_HORIZON`, the default).
    All,
    /// Shards after an id (`AFTER_SHARD_ID`).
    After(ShardId),
    /// Shards open at the trim horizon (`AT_TRIM_HORIZON`).
    AtTrimHorizon,
    /// Open shards only (`AT_LATEST`).
    Open,
    /// Shards open at an instant, Unix ms (`AT_TIMESTAMP`).
    At(u64),
    /// Shards open at or after an instant, Unix ms (`FROM_TIMESTAMP`).
    From(u64),
}

impl Filter {
    /// The filter as a token field.
    fn encode(&self) -> String {
        match self {
            Self::All => "FROM_TRIM_HORIZON".into(),
            Self::After(id) => format!("AFTER_SHARD_ID {}", id.0),
            Self::AtTrimHorizon => "AT_TRIM_HORIZON".into(),
            Self::Open => "AT_LATEST".into(),
            Self::At(ms) => format!("AT_TIMESTAMP {ms}"),
            Self::From(ms) => format!("FROM_TIMESTAMP {ms}"),
        }
    }

    fn decode(text: &str) -> Option<Self> {
        let (kind, arg) = text.split_once(' ').unwrap_or((text, ""));
        Some(match kind {
            "FROM_TRIM_HORIZON" => Self::All,
            "AFTER_SHARD_ID" => Self::After(ShardId(arg.parse().ok()?)),
            "AT_TRIM_HORIZON" => Self::AtTrimHorizon,
            "AT_LATEST" => Self::Open,
            "AT_TIMESTAMP" => Self::At(arg.parse().ok()?),
            "FROM_TIMESTAMP" => Self::From(arg.parse().ok()?),
            _ => return None,
        })
    }

    /// The filter of a request's `ShardFilter`.
    fn of_request(call: &Call<'_>) -> Result<Self, Reply> {
        let Some(filter) = object(call.body, "ShardFilter") else {
            return Ok(Self::All);
        };
        let kind = text(filter, "Type").unwrap_or_default();
        let at = || {
            timestamp_ms(filter, "Timestamp")
                .ok_or_else(|| invalid_argument(format!("ShardFilter of type {kind} requires a Timestamp.")))
        };
        Ok(match kind {
            "AFTER_SHARD_ID" => {
                let raw = text(filter, "ShardId")
                    .ok_or_else(|| invalid_argument("ShardFilter of type AFTER_SHARD_ID requires a ShardId."))?;
                ShardId::parse(raw).map_or(Self::All, Self::After)
            }
            "AT_TRIM_HORIZON" => Self::AtTrimHorizon,
            "AT_LATEST" => Self::Open,
            "AT_TIMESTAMP" => Self::At(at()?),
            "FROM_TIMESTAMP" => Self::From(at()?),
            _ => Self::All,
        })
    }

    /// Whether `shard` of `stream` passes at `now`.
    fn keeps(&self, call: &Call<'_>, stream: &Stream, shard: &Shard) -> bool {
        let kinesis = call.kinesis();
        let open_at = |t: SimTime| shard.created_at <= t && shard.closed.is_none_or(|c| c.at >= t);
        let horizon = || {
            let first = stream.shards().iter().map(|s| s.created_at).min().unwrap_or(SimTime::ZERO);
            (call.now() - stream.retention()).max(first)
        };
        match self {
            Self::All => true,
            Self::After(id) => shard.id > *id,
            Self::AtTrimHorizon => open_at(horizon()),
            Self::Open => shard.is_open(),
            Self::At(ms) => open_at(kinesis.sim_time_of_unix_ms(*ms)),
            Self::From(ms) => {
                let from = kinesis.sim_time_of_unix_ms(*ms).max(horizon());
                shard.closed.is_none_or(|c| c.at >= from)
            }
        }
    }
}

pub(crate) fn list_shards(call: &mut Call<'_>) -> Result<Value, Reply> {
    let body = call.body;
    let named = text(body, "StreamName").is_some() || text(body, "StreamARN").is_some();
    let next_token = text(body, "NextToken");
    if next_token.is_some() {
        for member in ["StreamName", "ExclusiveStartShardId", "StreamCreationTimestamp"] {
            let given = match member {
                "StreamName" => named,
                _ => body.get(member).is_some_and(|v| !v.is_null()),
            };
            if given {
                return Err(invalid_argument(format!("NextToken and {member} cannot be provided together.")));
            }
        }
    } else if !named {
        return Err(invalid_argument("Either NextToken or StreamName should be provided."));
    }
    let now = call.now();
    let (name, after, filter) = match next_token {
        Some(raw) => {
            let token = PageToken::decode(raw)
                .filter(|t| t.operation == "ListShards")
                .ok_or_else(|| invalid_argument("Invalid NextToken."))?;
            if now.as_millis().saturating_sub(token.issued_at_ms) > NEXT_TOKEN_LIFETIME_MS {
                return Err(Reply::error(
                    "ExpiredNextTokenException",
                    "The NextToken has expired: it was issued more than 300 seconds ago.",
                ));
            }
            let filter = Filter::decode(&token.extra).ok_or_else(|| invalid_argument("Invalid NextToken."))?;
            let current = call
                .kinesis()
                .stream(&token.stream)
                .is_some_and(|s| s.created_unix_secs == token.stream_created_unix_secs);
            if !current {
                return Err(stream_not_found(call, &token.stream));
            }
            let after = token.after.parse().ok().map(ShardId);
            (token.stream, after, filter)
        }
        None => {
            let name = call.stream_name()?;
            let Some(stream) = call.kinesis().stream(&name) else {
                return Err(stream_not_found(call, &name));
            };
            if let Some(created_ms) = timestamp_ms(body, "StreamCreationTimestamp")
                && created_ms / 1_000 != stream.created_unix_secs
            {
                return Err(stream_not_found(call, &name));
            }
            let after = text(body, "ExclusiveStartShardId").and_then(ShardId::parse);
            (name, after, Filter::of_request(call)?)
        }
    };
    // `docs/aws-behaviour.md` §1.9: ListShards allows 1,000 calls per second per data stream (current API text).
    call.kinesis_mut().rate_limit(now, "ListShards", &name, 1_000)?;
    let max = number(body, "MaxResults").unwrap_or(LIST_SHARDS_MAX).min(LIST_SHARDS_MAX) as usize;
    let stream = call.kinesis().stream(&name).ok_or_else(|| stream_not_found(call, &name))?;
    let listed: Vec<&Shard> =
        stream.shards().iter().filter(|s| after.is_none_or(|a| s.id > a) && filter.keeps(call, stream, s)).collect();
    let page = &listed[..listed.len().min(max)];
    let mut out = json!({ "Shards": page.iter().map(|s| shapes::shard(s)).collect::<Vec<_>>() });
    if let Some(last) = page.last().filter(|_| listed.len() > max) {
        let token = PageToken {
            operation: "ListShards".into(),
            stream: name.clone(),
            stream_created_unix_secs: stream.created_unix_secs,
            after: last.id.0.to_string(),
            issued_at_ms: now.as_millis(),
            extra: filter.encode(),
        };
        out["NextToken"] = json!(token.encode());
    }
    Ok(out)
}

fn stream_not_found(call: &Call<'_>, name: &str) -> Reply {
    not_found(format!("Stream {name} under account {} not found.", call.account()))
}

pub(crate) const SPLIT_SHARD: &[Member] = &[
    hash_key("NewStartingHashKey", Required::Yes),
    STREAM_NAME,
    shard_id("ShardToSplit", Required::Yes),
    STREAM_ARN_OPTIONAL,
];

pub(crate) fn split_shard(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let raw_key = text(call.body, "NewStartingHashKey").unwrap_or_default().to_string();
    let shard = text(call.body, "ShardToSplit").unwrap_or_default().to_string();
    // A key of 2^128 or more cannot split anything; the engine's message then shows the key given.
    let key = raw_key.parse::<u128>().unwrap_or(u128::MAX);
    let now = call.now();
    match call.kinesis_mut().split_shard(now, &name, &shard, key) {
        Ok(()) => Ok(json!({})),
        Err(mut err) => {
            let shown = format!("NewStartingHashKey {key} used");
            if err.message.starts_with(&shown) {
                err.message = err.message.replacen(&shown, &format!("NewStartingHashKey {raw_key} used"), 1);
            }
            Err(err.into())
        }
    }
}

pub(crate) const MERGE_SHARDS: &[Member] = &[
    shard_id("ShardToMerge", Required::Yes),
    shard_id("AdjacentShardToMerge", Required::Yes),
    STREAM_NAME,
    STREAM_ARN_OPTIONAL,
];

pub(crate) fn merge_shards(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let shard = text(call.body, "ShardToMerge").unwrap_or_default().to_string();
    let adjacent = text(call.body, "AdjacentShardToMerge").unwrap_or_default().to_string();
    let now = call.now();
    call.kinesis_mut().merge_shards(now, &name, &shard, &adjacent)?;
    Ok(json!({}))
}

pub(crate) const UPDATE_SHARD_COUNT: &[Member] = &[
    one_of("ScalingType", &["UNIFORM_SCALING"], Required::Yes),
    STREAM_NAME,
    integer("TargetShardCount", Some(1), None, Required::Yes),
    STREAM_ARN_OPTIONAL,
];

pub(crate) fn update_shard_count(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let target = as_u32(number(call.body, "TargetShardCount").unwrap_or(0));
    let now = call.now();
    let current = call.kinesis_mut().update_shard_count(now, &name, target)?;
    let arn = call.kinesis().stream(&name).map(|s| s.arn.clone()).unwrap_or_default();
    Ok(json!({
        "StreamName": name,
        "CurrentShardCount": current,
        "TargetShardCount": target,
        "StreamARN": arn,
    }))
}
