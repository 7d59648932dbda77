//! Stream lifecycle and settings.

use crate::{ACCOUNT, EPOCH_SECS, MAX_HASH_KEY, Session, arn, failure};
use serde_json::json;

/// StartingSequenceNumbers of the shards of a stream that became ACTIVE at 500 ms (created in second
/// 1767225600): counter 0, arrival = creation (`docs/aws-behaviour.md` §1.4), worked out by hand.
const START_0: &str = "49670424472731169861061894383142885425265240724400504834";
const START_1: &str = "49670424472753470606260425006284421143537889085906485266";
const START_2: &str = "49670424472775771351458955629425956861810537447412465698";

#[test]
fn create_stream_returns_nothing_and_the_stream_is_creating_without_shards() {
    let mut s = Session::new();
    s.expect_ok("CreateStream", json!({"StreamName": "s", "ShardCount": 3}), json!({}));
    // `docs/aws-behaviour.md` §1.9: a fresh stream's description; CREATING lists no shards.
    s.expect_ok(
        "DescribeStream",
        json!({"StreamName": "s"}),
        json!({"StreamDescription": {
            "StreamName": "s",
            "StreamARN": arn("s"),
            "StreamStatus": "CREATING",
            "StreamModeDetails": {"StreamMode": "PROVISIONED"},
            "Shards": [],
            "HasMoreShards": false,
            "RetentionPeriodHours": 24,
            "StreamCreationTimestamp": EPOCH_SECS,
            "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
            "EncryptionType": "NONE",
        }}),
    );
}

#[test]
fn an_active_stream_describes_its_even_layout() {
    let mut s = Session::with_stream("s", 3);
    // `docs/aws-behaviour.md` §1.2: the 3-shard layout recorded against AWS.
    s.expect_ok(
        "DescribeStream",
        json!({"StreamName": "s"}),
        json!({"StreamDescription": {
            "StreamName": "s",
            "StreamARN": arn("s"),
            "StreamStatus": "ACTIVE",
            "StreamModeDetails": {"StreamMode": "PROVISIONED"},
            "Shards": [
                {"ShardId": "shardId-000000000000",
                 "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": "113427455640312821154458202477256070484"},
                 "SequenceNumberRange": {"StartingSequenceNumber": START_0}},
                {"ShardId": "shardId-000000000001",
                 "HashKeyRange": {"StartingHashKey": "113427455640312821154458202477256070485", "EndingHashKey": "226854911280625642308916404954512140969"},
                 "SequenceNumberRange": {"StartingSequenceNumber": START_1}},
                {"ShardId": "shardId-000000000002",
                 "HashKeyRange": {"StartingHashKey": "226854911280625642308916404954512140970", "EndingHashKey": MAX_HASH_KEY},
                 "SequenceNumberRange": {"StartingSequenceNumber": START_2}},
            ],
            "HasMoreShards": false,
            "RetentionPeriodHours": 24,
            "StreamCreationTimestamp": EPOCH_SECS,
            "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
            "EncryptionType": "NONE",
        }}),
    );
}

#[test]
fn describe_stream_pages_with_limit_and_exclusive_start() {
    let mut s = Session::with_stream("s", 3);
    let page = s.ok("DescribeStream", json!({"StreamName": "s", "Limit": 1}));
    let description = &page["StreamDescription"];
    assert_eq!(description["HasMoreShards"], true);
    assert_eq!(description["Shards"].as_array().map(Vec::len), Some(1));
    assert_eq!(description["Shards"][0]["ShardId"], "shardId-000000000000");
    let rest = s.ok("DescribeStream", json!({"StreamName": "s", "ExclusiveStartShardId": "shardId-000000000000"}));
    let ids: Vec<_> =
        rest["StreamDescription"]["Shards"].as_array().into_iter().flatten().map(|s| s["ShardId"].clone()).collect();
    assert_eq!(ids, [json!("shardId-000000000001"), json!("shardId-000000000002")]);
    assert_eq!(rest["StreamDescription"]["HasMoreShards"], false);
    s.expect_validation(
        "DescribeStream",
        json!({"StreamName": "s", "Limit": 0}),
        &[&failure(Some("0"), "limit", "Member must have value greater than or equal to 1")],
    );
}

#[test]
fn create_stream_errors() {
    let mut s = Session::with_stream("s", 1);
    s.expect_error(
        "CreateStream",
        json!({"StreamName": "s", "ShardCount": 1}),
        "ResourceInUseException",
        &format!("Stream s under account {ACCOUNT} already exists."),
    );
    s.expect_validation(
        "CreateStream",
        json!({"StreamName": "t", "ShardCount": 0}),
        &[&failure(Some("0"), "shardCount", "Member must have value greater than or equal to 1")],
    );
    s.expect_validation(
        "CreateStream",
        json!({"ShardCount": 1}),
        &[&failure(None, "streamName", "Member must not be null")],
    );
}

#[test]
fn describing_a_missing_stream() {
    let mut s = Session::new();
    let message = format!("Stream nope under account {ACCOUNT} not found.");
    for operation in ["DescribeStream", "DescribeStreamSummary", "DeleteStream"] {
        s.expect_error(operation, json!({"StreamName": "nope"}), "ResourceNotFoundException", &message);
    }
}

#[test]
fn describe_stream_summary() {
    let mut s = Session::with_stream("s", 3);
    // `docs/aws-behaviour.md` §1.9: the summary adds OpenShardCount, ConsumerCount and MaxRecordSizeInKiB.
    s.expect_ok(
        "DescribeStreamSummary",
        json!({"StreamARN": arn("s")}),
        json!({"StreamDescriptionSummary": {
            "StreamName": "s",
            "StreamARN": arn("s"),
            "StreamStatus": "ACTIVE",
            "StreamModeDetails": {"StreamMode": "PROVISIONED"},
            "RetentionPeriodHours": 24,
            "StreamCreationTimestamp": EPOCH_SECS,
            "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
            "EncryptionType": "NONE",
            "OpenShardCount": 3,
            "ConsumerCount": 0,
            "MaxRecordSizeInKiB": 1024,
        }}),
    );
}

#[test]
fn streams_are_found_by_arn_of_this_account_only() {
    let mut s = Session::with_stream("s", 1);
    let other = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
    s.expect_error(
        "DescribeStreamSummary",
        json!({"StreamARN": other}),
        "ResourceNotFoundException",
        "Stream s under account 123456789012 not found.",
    );
    let elsewhere = format!("arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/s");
    s.expect_error(
        "DescribeStreamSummary",
        json!({"StreamARN": elsewhere}),
        "ResourceNotFoundException",
        &format!("Stream s under account {ACCOUNT} not found."),
    );
    s.expect_error_type(
        "DescribeStreamSummary",
        json!({"StreamARN": arn("s"), "StreamName": "t"}),
        "InvalidArgumentException",
    );
    let both = s.ok("DescribeStreamSummary", json!({"StreamARN": arn("s"), "StreamName": "s"}));
    assert_eq!(both["StreamDescriptionSummary"]["StreamName"], "s");
}

#[test]
fn list_streams_pages() {
    let mut s = Session::new();
    for name in ["a", "b", "c"] {
        s.ok("CreateStream", json!({"StreamName": name, "ShardCount": 1}));
    }
    s.advance_ms(500);
    let first = s.ok("ListStreams", json!({"Limit": 2}));
    assert_eq!(first["StreamNames"], json!(["a", "b"]));
    assert_eq!(first["HasMoreStreams"], true);
    assert_eq!(
        first["StreamSummaries"][0],
        json!({
            "StreamName": "a",
            "StreamARN": arn("a"),
            "StreamStatus": "ACTIVE",
            "StreamModeDetails": {"StreamMode": "PROVISIONED"},
            "StreamCreationTimestamp": EPOCH_SECS,
        })
    );
    let token = first["NextToken"].clone();
    assert!(token.is_string());
    let second = s.ok("ListStreams", json!({"NextToken": token}));
    assert_eq!(second["StreamNames"], json!(["c"]));
    assert_eq!(second["HasMoreStreams"], false);
    assert!(second.get("NextToken").is_none());
    let after_a = s.ok("ListStreams", json!({"ExclusiveStartStreamName": "a"}));
    assert_eq!(after_a["StreamNames"], json!(["b", "c"]));
    s.expect_error("ListStreams", json!({"NextToken": "bm9wZQ=="}), "InvalidArgumentException", "Invalid NextToken.");
}

#[test]
fn describe_limits() {
    let mut s = Session::with_stream("s", 3);
    // `docs/aws-behaviour.md` §1.9: 20,000 shards in us-east-1; 50 on-demand streams by default.
    s.expect_ok(
        "DescribeLimits",
        json!({}),
        json!({"ShardLimit": 20000, "OpenShardCount": 3, "OnDemandStreamCount": 0, "OnDemandStreamCountLimit": 50}),
    );
    // DescribeLimits allows one call per second (`docs/aws-behaviour.md` §1.9); control-plane throttling says
    // "Rate exceeded".
    let reply = s.call("DescribeLimits", json!({}));
    assert_eq!(reply.body["__type"], "LimitExceededException");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.starts_with("Rate exceeded")), "{}", reply.body);
}

#[test]
fn delete_stream_goes_through_deleting() {
    let mut s = Session::with_stream("s", 1);
    s.expect_ok("DeleteStream", json!({"StreamName": "s"}), json!({}));
    let summary = s.ok("DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(summary["StreamDescriptionSummary"]["StreamStatus"], "DELETING");
    s.advance_ms(500);
    s.expect_error(
        "DescribeStreamSummary",
        json!({"StreamName": "s"}),
        "ResourceNotFoundException",
        &format!("Stream s under account {ACCOUNT} not found."),
    );
}

#[test]
fn retention_periods() {
    let mut s = Session::with_stream("s", 1);
    s.expect_ok("IncreaseStreamRetentionPeriod", json!({"StreamName": "s", "RetentionPeriodHours": 48}), json!({}));
    let summary = s.ok("DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(summary["StreamDescriptionSummary"]["RetentionPeriodHours"], 48);
    // `docs/aws-behaviour.md` §1.8, kinesalite's AWS texts.
    s.expect_error(
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 24}),
        "InvalidArgumentException",
        "Requested retention period (24 hours) for stream s can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.",
    );
    s.expect_error(
        "DecreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 72}),
        "InvalidArgumentException",
        "Requested retention period (72 hours) for stream s can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.",
    );
    s.expect_error(
        "DecreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 23}),
        "InvalidArgumentException",
        "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.",
    );
    s.expect_error(
        "DecreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": -1}),
        "InvalidArgumentException",
        "Minimum allowed retention period is 24 hours. Requested retention period (-1 hours) is too short.",
    );
    s.expect_error_type(
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s", "RetentionPeriodHours": 8761}),
        "InvalidArgumentException",
    );
    s.expect_ok("DecreaseStreamRetentionPeriod", json!({"StreamName": "s", "RetentionPeriodHours": 24}), json!({}));
    s.expect_validation(
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "s"}),
        &[&failure(None, "retentionPeriodHours", "Member must not be null")],
    );
}

#[test]
fn encryption_starts_and_stops_through_updating() {
    let mut s = Session::with_stream("s", 1);
    s.expect_ok(
        "StartStreamEncryption",
        json!({"StreamName": "s", "EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}),
        json!({}),
    );
    let summary = s.ok("DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(summary["StreamDescriptionSummary"]["StreamStatus"], "UPDATING");
    s.advance_ms(500);
    let summary = s.ok("DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(summary["StreamDescriptionSummary"]["EncryptionType"], "KMS");
    assert_eq!(summary["StreamDescriptionSummary"]["KeyId"], "alias/aws/kinesis");
    let put = s.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "a", "Data": ""}));
    assert_eq!(put["EncryptionType"], "KMS");
    s.expect_ok(
        "StopStreamEncryption",
        json!({"StreamName": "s", "EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}),
        json!({}),
    );
    s.advance_ms(500);
    let summary = s.ok("DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(summary["StreamDescriptionSummary"]["EncryptionType"], "NONE");
    assert!(summary["StreamDescriptionSummary"].get("KeyId").is_none());
    s.expect_error_type(
        "StartStreamEncryption",
        json!({"StreamName": "s", "EncryptionType": "NONE", "KeyId": "k"}),
        "InvalidArgumentException",
    );
}

#[test]
fn enhanced_monitoring_reports_current_and_desired_metrics() {
    let mut s = Session::with_stream("s", 1);
    s.expect_ok(
        "EnableEnhancedMonitoring",
        json!({"StreamName": "s", "ShardLevelMetrics": ["IncomingBytes"]}),
        json!({
            "StreamName": "s",
            "CurrentShardLevelMetrics": [],
            "DesiredShardLevelMetrics": ["IncomingBytes"],
            "StreamARN": arn("s"),
        }),
    );
    s.expect_ok(
        "DisableEnhancedMonitoring",
        json!({"StreamName": "s", "ShardLevelMetrics": ["ALL"]}),
        json!({
            "StreamName": "s",
            "CurrentShardLevelMetrics": ["IncomingBytes"],
            "DesiredShardLevelMetrics": [],
            "StreamARN": arn("s"),
        }),
    );
    s.expect_validation(
        "EnableEnhancedMonitoring",
        json!({"StreamName": "s", "ShardLevelMetrics": ["Bogus"]}),
        &[&failure(
            Some("[Bogus]"),
            "shardLevelMetrics",
            "Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]]",
        )],
    );
}

#[test]
fn capacity_mode_switches_and_on_demand_refuses_resharding() {
    let mut s = Session::with_stream("s", 2);
    s.expect_ok(
        "UpdateStreamMode",
        json!({"StreamARN": arn("s"), "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        json!({}),
    );
    s.advance_ms(500);
    let summary = s.ok("DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(summary["StreamDescriptionSummary"]["StreamModeDetails"], json!({"StreamMode": "ON_DEMAND"}));
    // `docs/aws-behaviour.md` §1.7: Split/Merge/UpdateShardCount on an on-demand stream -> ValidationException.
    s.expect_error_type(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "10"}),
        "ValidationException",
    );
    s.expect_validation(
        "UpdateStreamMode",
        json!({"StreamARN": arn("s")}),
        &[&failure(None, "streamModeDetails", "Member must not be null")],
    );
    // At most two switches per stream in 24 hours: back to provisioned is the second, a third is refused.
    let mode = |m: &str| json!({"StreamARN": arn("s"), "StreamModeDetails": {"StreamMode": m}});
    s.expect_ok("UpdateStreamMode", mode("PROVISIONED"), json!({}));
    s.advance_ms(500);
    s.expect_quota_error("UpdateStreamMode", mode("ON_DEMAND"));
}

#[test]
fn on_demand_capacity_follows_the_peak_through_list_shards() {
    // `docs/aws-behaviour.md` §1.11: a new on-demand stream has 4 shards; after a minute whose busiest second
    // took 3,000 records, it has ceil(2 × 3,000 ÷ 1,000) = 6.
    let mut s = Session::new();
    s.ok("CreateStream", json!({"StreamName": "od", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}));
    s.advance_ms(500);
    let open = |s: &mut Session| {
        s.ok("DescribeStreamSummary", json!({"StreamName": "od"}))["StreamDescriptionSummary"]["OpenShardCount"].clone()
    };
    assert_eq!(open(&mut s), json!(4));
    let step = u128::MAX / 3_000;
    for _second in 0..60 {
        for call in 0..6u128 {
            // 500 records spread evenly over the key space: 750 a second into each of the 4 shards.
            let records: Vec<serde_json::Value> = (0..500u128)
                .map(|i| {
                    let key = (i * 6 + call) * step + step / 2;
                    json!({"Data": "AA==", "PartitionKey": "k", "ExplicitHashKey": key.to_string()})
                })
                .collect();
            let out = s.ok("PutRecords", json!({"StreamName": "od", "Records": records}));
            assert_eq!(out["FailedRecordCount"], 0);
        }
        s.advance_ms(1_000);
    }
    assert_eq!(open(&mut s), json!(6));
    let summary = s.ok("DescribeStreamSummary", json!({"StreamName": "od"}));
    assert_eq!(summary["StreamDescriptionSummary"]["StreamStatus"], "ACTIVE");
    // 4 to 6 uniformly (`docs/aws-behaviour.md` §1.2, §1.7): the 6-shard layout's boundaries are i × floor(2^128 / 6);
    // the third, 2^127 - 2, is two keys below the 4-shard layout's 2^127, so all five are missing: five splits
    // (10 children), then the children meeting at 2^126, 2^127 and 3 × 2^126 merge (3 more). 17 shards, 11 closed.
    let shards = s.ok("ListShards", json!({"StreamName": "od"}))["Shards"].as_array().cloned().unwrap_or_default();
    let closed = shards.iter().filter(|sh| sh["SequenceNumberRange"].get("EndingSequenceNumber").is_some()).count();
    assert_eq!((shards.len(), closed), (17, 11));
}

#[test]
fn max_record_size() {
    let mut s = Session::with_stream("s", 1);
    s.expect_ok("UpdateMaxRecordSize", json!({"StreamARN": arn("s"), "MaxRecordSizeInKiB": 2048}), json!({}));
    let summary = s.ok("DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(summary["StreamDescriptionSummary"]["MaxRecordSizeInKiB"], 2048);
    // `docs/aws-behaviour.md` §1.3: 1024 to 10240 KiB; out of range is a ValidationException.
    s.expect_validation(
        "UpdateMaxRecordSize",
        json!({"StreamARN": arn("s"), "MaxRecordSizeInKiB": 512}),
        &[&failure(Some("512"), "maxRecordSizeInKiB", "Member must have value greater than or equal to 1024")],
    );
}

#[test]
fn warm_throughput_on_demand_only() {
    let mut s = Session::with_stream("s", 1);
    s.expect_error_type(
        "UpdateStreamWarmThroughput",
        json!({"StreamName": "s", "WarmThroughputMiBps": 10}),
        "ValidationException",
    );
    s.ok("UpdateStreamMode", json!({"StreamARN": arn("s"), "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}));
    s.advance_ms(500);
    s.expect_ok(
        "UpdateStreamWarmThroughput",
        json!({"StreamName": "s", "WarmThroughputMiBps": 10}),
        json!({"StreamARN": arn("s"), "StreamName": "s", "WarmThroughput": {"TargetMiBps": 10, "CurrentMiBps": 10}}),
    );
    let summary = s.ok("DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(summary["StreamDescriptionSummary"]["WarmThroughput"], json!({"TargetMiBps": 10, "CurrentMiBps": 10}));
}

#[test]
fn control_operations_need_an_active_stream() {
    let mut s = Session::new();
    s.ok("CreateStream", json!({"StreamName": "s", "ShardCount": 1}));
    // `docs/aws-behaviour.md` §1.9.
    s.expect_error(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "10"}),
        "ResourceInUseException",
        &format!("Stream s under account {ACCOUNT} not ACTIVE, instead in state CREATING"),
    );
}

#[test]
fn the_account_shard_quota() {
    let mut s = Session::new();
    s.ok("CreateStream", json!({"StreamName": "a", "ShardCount": 10_000}));
    s.ok("CreateStream", json!({"StreamName": "b", "ShardCount": 10_000}));
    // `docs/aws-behaviour.md` §1.10: the shard-limit text; 20,000 shards in us-east-1 (§1.9). The two streams are
    // still CREATING, and their shards already count against the quota.
    s.expect_error(
        "CreateStream",
        json!({"StreamName": "c", "ShardCount": 1}),
        "LimitExceededException",
        &format!(
            "This request would exceed the shard limit for the account {ACCOUNT} in us-east-1. Current shard count for the account: 20000. Limit: 20000. Number of additional shards that would have resulted from this request: 1. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits."
        ),
    );
}

#[test]
fn at_most_five_streams_creating() {
    // CREATING lasts 5 s here, so the sixth call can wait out the 5-per-second rate limit.
    let mut s = Session::with_transition_delay_ms(5_000);
    for name in ["a", "b", "c", "d", "e"] {
        s.ok("CreateStream", json!({"StreamName": name, "ShardCount": 1}));
    }
    s.advance_ms(1_000);
    // `docs/aws-behaviour.md` §1.9: more than 5 streams in CREATING -> LimitExceededException.
    s.expect_quota_error("CreateStream", json!({"StreamName": "f", "ShardCount": 1}));
}

#[test]
fn capacity_mode_switches_twice_a_day() {
    let mut s = Session::with_stream("s", 1);
    for mode in ["ON_DEMAND", "PROVISIONED"] {
        s.ok("UpdateStreamMode", json!({"StreamARN": arn("s"), "StreamModeDetails": {"StreamMode": mode}}));
        s.advance_ms(500);
    }
    // `docs/aws-behaviour.md` §1.9: at most twice per 24 hours.
    s.expect_quota_error(
        "UpdateStreamMode",
        json!({"StreamARN": arn("s"), "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
}
