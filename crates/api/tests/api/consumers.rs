//! Enhanced fan-out: consumers and SubscribeToShard.

use crate::{ACCOUNT, EPOCH_SECS, Session, arn, failure};
use serde_json::json;

/// The consumer ARN of `c` on stream `s` registered in second 1767225600 (`docs/aws-behaviour.md` §1.10 format).
fn consumer_arn() -> String {
    format!("{}/consumer/c:{EPOCH_SECS}", arn("s"))
}

/// A one-shard stream with consumer `c` registered at 500 ms (ACTIVE from 1,000 ms).
fn with_consumer() -> Session {
    let mut s = Session::with_stream("s", 1);
    s.expect_ok(
        "RegisterStreamConsumer",
        json!({"StreamARN": arn("s"), "ConsumerName": "c"}),
        json!({"Consumer": {
            "ConsumerName": "c",
            "ConsumerARN": consumer_arn(),
            "ConsumerStatus": "CREATING",
            "ConsumerCreationTimestamp": EPOCH_SECS,
        }}),
    );
    s
}

#[test]
fn register_describe_and_list_consumers() {
    let mut s = with_consumer();
    s.advance_ms(500);
    let description = json!({"ConsumerDescription": {
        "ConsumerName": "c",
        "ConsumerARN": consumer_arn(),
        "ConsumerStatus": "ACTIVE",
        "ConsumerCreationTimestamp": EPOCH_SECS,
        "StreamARN": arn("s"),
    }});
    s.expect_ok("DescribeStreamConsumer", json!({"ConsumerARN": consumer_arn()}), description.clone());
    s.expect_ok("DescribeStreamConsumer", json!({"StreamARN": arn("s"), "ConsumerName": "c"}), description);
    s.expect_ok(
        "ListStreamConsumers",
        json!({"StreamARN": arn("s")}),
        json!({"Consumers": [{
            "ConsumerName": "c",
            "ConsumerARN": consumer_arn(),
            "ConsumerStatus": "ACTIVE",
            "ConsumerCreationTimestamp": EPOCH_SECS,
        }]}),
    );
    let summary = s.ok("DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(summary["StreamDescriptionSummary"]["ConsumerCount"], 1);
}

#[test]
fn consumer_errors() {
    let mut s = with_consumer();
    // `docs/aws-behaviour.md` §1.10: a consumer name that exists -> ResourceInUseException.
    s.expect_error_type(
        "RegisterStreamConsumer",
        json!({"StreamARN": arn("s"), "ConsumerName": "c"}),
        "ResourceInUseException",
    );
    s.expect_error(
        "DescribeStreamConsumer",
        json!({"StreamARN": arn("s"), "ConsumerName": "d"}),
        "ResourceNotFoundException",
        &format!("Consumer d under account {ACCOUNT} not found."),
    );
    s.expect_error_type("DescribeStreamConsumer", json!({"ConsumerName": "c"}), "InvalidArgumentException");
    s.expect_validation(
        "RegisterStreamConsumer",
        json!({"ConsumerName": "bad name"}),
        &[
            &failure(None, "streamARN", "Member must not be null"),
            &failure(
                Some("bad name"),
                "consumerName",
                "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
            ),
        ],
    );
    // `docs/aws-behaviour.md` §1.9: DeleteStream with registered consumers needs EnforceConsumerDeletion.
    s.expect_error_type("DeleteStream", json!({"StreamName": "s"}), "ResourceInUseException");
    s.expect_ok("DeleteStream", json!({"StreamName": "s", "EnforceConsumerDeletion": true}), json!({}));
}

#[test]
fn subscribe_and_receive_events() {
    let mut s = with_consumer();
    let subscribe = json!({
        "ConsumerARN": consumer_arn(),
        "ShardId": "shardId-000000000000",
        "StartingPosition": {"Type": "TRIM_HORIZON"},
    });
    // `docs/aws-behaviour.md` §1.6: consumers cannot read while CREATING.
    s.expect_error_type("SubscribeToShard", subscribe.clone(), "ResourceInUseException");
    s.advance_ms(500);
    s.expect_ok("SubscribeToShard", subscribe.clone(), json!({"SubscriptionId": 1}));
    s.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "a", "Data": "aGk="}));
    s.advance_ms(200);
    // The record was written at 1,000 ms, in second 1767225601, as the shard's first record (counter 1).
    let seq = "49670424472731169861061894383144094351084855422294687746";
    let events = s.api.drain_subscription_events(&mut s.sim, 1);
    assert_eq!(
        events,
        [json!({"SubscribeToShardEvent": {
            "Records": [{
                "SequenceNumber": seq,
                "ApproximateArrivalTimestamp": EPOCH_SECS + 1,
                "Data": "aGk=",
                "PartitionKey": "a",
                "EncryptionType": "NONE",
            }],
            "ContinuationSequenceNumber": seq,
            "MillisBehindLatest": 0,
        }})]
    );
    // `docs/aws-behaviour.md` §1.6: another call within 5 s of a successful one -> ResourceInUseException.
    s.expect_error_type("SubscribeToShard", subscribe.clone(), "ResourceInUseException");
    assert_eq!(s.api.subscription_ids(), [1]);
    s.expect_ok("DeregisterStreamConsumer", json!({"ConsumerARN": consumer_arn()}), json!({}));
    let events = s.api.drain_subscription_events(&mut s.sim, 1);
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0]["ResourceNotFoundException"]["message"].as_str().map(|m| m.contains(&consumer_arn())),
        Some(true)
    );
    assert!(s.api.subscription_ids().is_empty());
}

#[test]
fn subscribe_errors() {
    let mut s = with_consumer();
    s.advance_ms(500);
    s.expect_error(
        "SubscribeToShard",
        json!({"ConsumerARN": consumer_arn(), "ShardId": "x", "StartingPosition": {"Type": "LATEST"}}),
        "ResourceNotFoundException",
        &format!("Could not find shard x in stream s under account {ACCOUNT}."),
    );
    s.expect_error(
        "SubscribeToShard",
        json!({"ConsumerARN": consumer_arn(), "ShardId": "shardId-0", "StartingPosition": {"Type": "AT_SEQUENCE_NUMBER"}}),
        "InvalidArgumentException",
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.",
    );
    s.expect_validation(
        "SubscribeToShard",
        json!({"ConsumerARN": consumer_arn(), "ShardId": "shardId-0", "StartingPosition": {}}),
        &[&failure(None, "startingPosition.type", "Member must not be null")],
    );
    s.expect_error_type(
        "SubscribeToShard",
        json!({"ConsumerARN": format!("{}/consumer/zzz:1", arn("s")), "ShardId": "0", "StartingPosition": {"Type": "LATEST"}}),
        "ResourceNotFoundException",
    );
}

#[test]
fn list_stream_consumers_pages() {
    let mut s = Session::with_stream("s", 1);
    for name in ["c1", "c2", "c3"] {
        s.ok("RegisterStreamConsumer", json!({"StreamARN": arn("s"), "ConsumerName": name}));
    }
    let first = s.ok("ListStreamConsumers", json!({"StreamARN": arn("s"), "MaxResults": 2}));
    assert_eq!(first["Consumers"].as_array().map(Vec::len), Some(2));
    let rest = s.ok("ListStreamConsumers", json!({"StreamARN": arn("s"), "NextToken": first["NextToken"]}));
    assert_eq!(rest["Consumers"][0]["ConsumerName"], "c3");
    assert!(rest.get("NextToken").is_none());
}

#[test]
fn a_later_subscription_takes_over() {
    let mut s = with_consumer();
    s.advance_ms(500);
    let subscribe = json!({
        "ConsumerARN": consumer_arn(),
        "ShardId": "shardId-000000000000",
        "StartingPosition": {"Type": "LATEST"},
    });
    s.expect_ok("SubscribeToShard", subscribe.clone(), json!({"SubscriptionId": 1}));
    s.advance_ms(5_000);
    s.api.drain_subscription_events(&mut s.sim, 1);
    // `docs/aws-behaviour.md` §1.6: a call 5 s or more later takes over; the old one ends with ResourceInUseException.
    s.expect_ok("SubscribeToShard", subscribe, json!({"SubscriptionId": 2}));
    let events = s.api.drain_subscription_events(&mut s.sim, 1);
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0]["ResourceInUseException"]["message"].is_string());
    assert_eq!(s.api.subscription_ids(), [2]);
}

#[test]
fn at_most_five_consumers_creating() {
    // CREATING lasts 5 s here, so the sixth call can wait out the 5-per-second rate limit.
    let mut s = Session::with_transition_delay_ms(5_000);
    s.ok("CreateStream", json!({"StreamName": "s", "ShardCount": 1}));
    s.advance_ms(5_000);
    for name in ["c1", "c2", "c3", "c4", "c5"] {
        s.ok("RegisterStreamConsumer", json!({"StreamARN": arn("s"), "ConsumerName": name}));
    }
    s.advance_ms(1_000);
    // `docs/aws-behaviour.md` §1.9: a 6th consumer in CREATING -> LimitExceededException.
    s.expect_quota_error("RegisterStreamConsumer", json!({"StreamARN": arn("s"), "ConsumerName": "c6"}));
}

#[test]
fn consumer_listing_is_rate_limited_per_stream() {
    // `docs/aws-behaviour.md` §1.9: ListStreamConsumers allows 5 calls per second per stream; control-plane throttling
    // answers LimitExceededException with a message that begins "Rate exceeded".
    let mut s = Session::with_stream("s", 1);
    for _ in 0..5 {
        s.ok("ListStreamConsumers", json!({"StreamARN": arn("s")}));
    }
    s.expect_error(
        "ListStreamConsumers",
        json!({"StreamARN": arn("s")}),
        "LimitExceededException",
        "Rate exceeded for ListStreamConsumers under account 000000000000.",
    );
    s.advance_ms(1_000);
    s.ok("ListStreamConsumers", json!({"StreamARN": arn("s")}));
}
