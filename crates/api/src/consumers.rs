//! Enhanced fan-out: RegisterStreamConsumer, DeregisterStreamConsumer, DescribeStreamConsumer,
//! ListStreamConsumers, SubscribeToShard, and the events subscriptions push.

use crate::model::{
    NEXT_TOKEN, SHARD_ITERATOR_TYPES, STREAM_ARN_OPTIONAL, STREAM_ARN_REQUIRED, consumer_arn, consumer_name, integer,
    one_of, sequence_number, shard_id, tag_map, timestamp,
};
use crate::records::{existing_shard, iterator_start};
use crate::reply::{Reply, invalid_argument, not_found};
use crate::token::{NEXT_TOKEN_LIFETIME_MS, PageToken};
use crate::validate::{Member, Required, Shape, number, object, text, timestamp_ms};
use crate::{Call, shapes};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::{Value, json};
use shardlab_engine::Simulation;
use shardlab_engine::consumer::{Consumer, SubscribeToShardEvent, SubscriptionEnd};
use shardlab_engine::kinesis::SubscriptionHandle;

/// Consumers ListStreamConsumers returns at most, and by default.
const LIST_CONSUMERS_MAX: i64 = 100;

/// What AWS keeps about a consumer that the engine does not: its tags and resource policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ConsumerExtras {
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) policy: Option<String>,
}

pub(crate) const REGISTER_STREAM_CONSUMER: &[Member] =
    &[STREAM_ARN_REQUIRED, consumer_name(Required::Yes), tag_map(Required::No)];

pub(crate) fn register_stream_consumer(call: &mut Call<'_>) -> Result<Value, Reply> {
    let arn = text(call.body, "StreamARN").unwrap_or_default();
    let stream = crate::arn::stream_of_arn(call.kinesis(), arn)?;
    let name = text(call.body, "ConsumerName").unwrap_or_default().to_string();
    let tags = crate::validate::text_map(call.body, "Tags");
    let now = call.now();
    let consumer = call.kinesis_mut().register_consumer(now, &stream, &name)?;
    let out = shapes::consumer(consumer);
    let arn = consumer.arn.clone();
    call.state.consumers.insert(arn, ConsumerExtras { tags, policy: None });
    Ok(json!({ "Consumer": out }))
}

pub(crate) const CONSUMER_LOOKUP: &[Member] =
    &[STREAM_ARN_OPTIONAL, consumer_name(Required::No), consumer_arn(Required::No)];

/// The consumer a request names by `ConsumerARN`, or by `StreamARN` and `ConsumerName`; the names must
/// agree when all three are given.
fn named_consumer<'c>(call: &'c Call<'_>) -> Result<(String, &'c Consumer), Reply> {
    let kinesis = call.kinesis();
    let stream_arn = text(call.body, "StreamARN");
    let consumer_name = text(call.body, "ConsumerName");
    let consumer_arn = text(call.body, "ConsumerARN");
    let (stream, consumer) = match (consumer_arn, stream_arn, consumer_name) {
        (Some(arn), _, _) => kinesis.consumer(None, None, Some(arn))?,
        (None, Some(stream_arn), Some(name)) => {
            let stream = crate::arn::stream_of_arn(kinesis, stream_arn)?;
            let (_, consumer) = kinesis.consumer(Some(&stream), Some(name), None)?;
            (kinesis.stream(&stream).map_or("", |s| s.name.as_str()), consumer)
        }
        _ => {
            return Err(invalid_argument("Either ConsumerARN or both StreamARN and ConsumerName must be provided."));
        }
    };
    let stream_arn_matches = stream_arn.is_none_or(|arn| kinesis.stream(stream).is_some_and(|s| s.arn == arn));
    if !stream_arn_matches || consumer_name.is_some_and(|n| n != consumer.name) {
        return Err(invalid_argument(format!(
            "The given StreamARN or ConsumerName does not match consumer {}.",
            consumer.arn
        )));
    }
    Ok((stream.to_string(), consumer))
}

pub(crate) fn deregister_stream_consumer(call: &mut Call<'_>) -> Result<Value, Reply> {
    let (stream, arn) = {
        let (stream, consumer) = named_consumer(call)?;
        (stream, consumer.arn.clone())
    };
    let now = call.now();
    call.kinesis_mut().deregister_consumer(now, Some(&stream), None, Some(&arn))?;
    call.state.consumers.remove(&arn);
    Ok(json!({}))
}

pub(crate) fn describe_stream_consumer(call: &mut Call<'_>) -> Result<Value, Reply> {
    let (stream, consumer) = named_consumer(call)?;
    let mut description = shapes::consumer(consumer);
    // `docs/aws-behaviour.md` §1.9: 20 DescribeStreamConsumer calls per second per stream.
    let now = call.now();
    call.kinesis_mut().rate_limit(now, "DescribeStreamConsumer", &stream, 20)?;
    let stream_arn = call.kinesis().stream(&stream).map(|s| s.arn.clone()).unwrap_or_default();
    description["StreamARN"] = json!(stream_arn);
    Ok(json!({ "ConsumerDescription": description }))
}

pub(crate) const LIST_STREAM_CONSUMERS: &[Member] = &[
    STREAM_ARN_REQUIRED,
    NEXT_TOKEN,
    integer("MaxResults", Some(1), Some(10_000), Required::No),
    timestamp("StreamCreationTimestamp"),
];

pub(crate) fn list_stream_consumers(call: &mut Call<'_>) -> Result<Value, Reply> {
    let arn = text(call.body, "StreamARN").unwrap_or_default();
    let name = crate::arn::stream_of_arn(call.kinesis(), arn)?;
    // `docs/aws-behaviour.md` §1.9: 5 ListStreamConsumers calls per second per stream.
    let now = call.now();
    call.kinesis_mut().rate_limit(now, "ListStreamConsumers", &name, 5)?;
    let account = call.account();
    let not_found_here = || not_found(format!("Stream {name} under account {account} not found."));
    let stream = call.kinesis().stream(&name).ok_or_else(not_found_here)?;
    let now_ms = call.now().as_millis();
    let after = match text(call.body, "NextToken") {
        Some(raw) => {
            if call.body.get("StreamCreationTimestamp").is_some_and(|v| !v.is_null()) {
                return Err(invalid_argument("NextToken and StreamCreationTimestamp cannot be provided together."));
            }
            let token = PageToken::decode(raw)
                .filter(|t| t.operation == "ListStreamConsumers" && t.stream == name)
                .ok_or_else(|| invalid_argument("Invalid NextToken."))?;
            if now_ms.saturating_sub(token.issued_at_ms) > NEXT_TOKEN_LIFETIME_MS {
                return Err(Reply::error(
                    "ExpiredNextTokenException",
                    "The NextToken has expired: it was issued more than 300 seconds ago.",
                ));
            }
            if token.stream_created_unix_secs != stream.created_unix_secs {
                return Err(not_found_here());
            }
            Some(token.after)
        }
        None => {
            if let Some(created_ms) = timestamp_ms(call.body, "StreamCreationTimestamp")
                && created_ms / 1_000 != stream.created_unix_secs
            {
                return Err(not_found_here());
            }
            None
        }
    };
    let max = number(call.body, "MaxResults").unwrap_or(LIST_CONSUMERS_MAX).min(LIST_CONSUMERS_MAX) as usize;
    let listed: Vec<&Consumer> = match &after {
        Some(after) => stream.consumers.iter().skip_while(|c| c.name != *after).skip(1).collect(),
        None => stream.consumers.iter().collect(),
    };
    let page = &listed[..listed.len().min(max)];
    let mut out = json!({ "Consumers": page.iter().map(|c| shapes::consumer(c)).collect::<Vec<_>>() });
    if let Some(last) = page.last().filter(|_| listed.len() > max) {
        let token = PageToken {
            operation: "ListStreamConsumers".into(),
            stream: name.clone(),
            stream_created_unix_secs: stream.created_unix_secs,
            after: last.name.clone(),
            issued_at_ms: now_ms,
            extra: String::new(),
        };
        out["NextToken"] = json!(token.encode());
    }
    Ok(out)
}

pub(crate) const SUBSCRIBE_TO_SHARD: &[Member] = &[
    consumer_arn(Required::Yes),
    shard_id("ShardId", Required::Yes),
    Member {
        name: "StartingPosition",
        shape: Shape::Struct(&[
            one_of("Type", SHARD_ITERATOR_TYPES, Required::Yes),
            sequence_number("SequenceNumber"),
            timestamp("Timestamp"),
        ]),
        required: Required::Yes,
    },
];

pub(crate) fn subscribe_to_shard(call: &mut Call<'_>) -> Result<Value, Reply> {
    let arn = text(call.body, "ConsumerARN").unwrap_or_default().to_string();
    let raw_shard_id = text(call.body, "ShardId").unwrap_or_default().to_string();
    let stream = {
        let (stream, _) = call.kinesis().consumer(None, None, Some(&arn))?;
        stream.to_string()
    };
    existing_shard(call.kinesis(), &stream, &raw_shard_id)?;
    let position = object(call.body, "StartingPosition");
    let start = iterator_start(
        position.and_then(|p| text(p, "Type")).unwrap_or_default(),
        position.and_then(|p| text(p, "SequenceNumber")),
        position.and_then(|p| timestamp_ms(p, "Timestamp")),
    )?;
    let now = call.now();
    let handle = call.kinesis_mut().subscribe_to_shard(now, &arn, &raw_shard_id, start)?;
    let id = handle.id;
    call.state.subscriptions.insert(id, handle);
    Ok(json!({ "SubscriptionId": id }))
}

/// Drains `handle`'s pushed events as AWS event-stream JSON; true once the subscription has ended.
pub(crate) fn drain(sim: &mut Simulation, handle: &SubscriptionHandle) -> (Vec<Value>, bool) {
    let (events, ended) = sim.kinesis_mut().drain_subscription(handle);
    let kinesis = sim.kinesis();
    let stream = kinesis.stream(&handle.stream_name);
    let encrypted = stream.is_some_and(|s| s.encryption_key_id.is_some());
    let mut out: Vec<Value> = events.iter().map(|event| event_json(sim, handle, event, encrypted)).collect();
    match ended {
        Some(SubscriptionEnd::Replaced) => out.push(json!({
            "ResourceInUseException": { "message": format!(
                "Subscription {} was replaced by a newer SubscribeToShard call for consumer {}.",
                handle.id, handle.consumer_arn
            )}
        })),
        Some(SubscriptionEnd::ResourceGone) => out.push(json!({
            "ResourceNotFoundException": { "message": format!(
                "Consumer {} or its stream no longer exists.",
                handle.consumer_arn
            )}
        })),
        Some(SubscriptionEnd::Expired | SubscriptionEnd::ShardEnded) | None => {}
    }
    (out, ended.is_some())
}

fn event_json(sim: &Simulation, handle: &SubscriptionHandle, event: &SubscribeToShardEvent, encrypted: bool) -> Value {
    let kinesis = sim.kinesis();
    let mut body = json!({
        "Records": event.records.iter().map(|r| shapes::record(kinesis, r, encrypted)).collect::<Vec<_>>(),
        "ContinuationSequenceNumber": event.continuation_sequence_number.to_decimal(),
        "MillisBehindLatest": event.millis_behind_latest,
    });
    if !event.child_shard_ids.is_empty() {
        let stream = kinesis.stream(&handle.stream_name);
        body["ChildShards"] = event
            .child_shard_ids
            .iter()
            .filter_map(|id| stream.and_then(|s| s.shard(*id)))
            .map(|child| {
                let parents: Vec<_> = child.parent_shard_id.into_iter().chain(child.adjacent_parent_shard_id).collect();
                shapes::child_shard(child.id, &parents, &child.hash_key_range)
            })
            .collect();
    }
    json!({ "SubscribeToShardEvent": body })
}

/// The events `handle`'s subscription pushed since the last drain, as AWS event-stream JSON (see the crate
/// docs), for callers that keep their own handles; [`crate::KinesisApi::drain_subscription_events`] is the
/// usual way.
pub fn subscription_events(sim: &mut Simulation, handle: &SubscriptionHandle) -> Vec<Value> {
    drain(sim, handle).0
}
