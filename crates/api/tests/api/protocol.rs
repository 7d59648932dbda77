//! The wire protocol: targets, JSON, types (SerializationException), model constraints
//! (ValidationException), and robustness against malformed requests.

use crate::{Session, failure};
use serde_json::{Value, json};

#[test]
fn an_unknown_target_is_an_unknown_operation() {
    let mut s = Session::new();
    for target in ["Kinesis_20131202.Nope", "PutRecord", "Kinesis_20131201.PutRecord", ""] {
        let reply = s.api.handle(&mut s.sim, target, &json!({}));
        assert_eq!(reply.status, 400, "{target}");
        assert_eq!(reply.body, json!({"__type": "UnknownOperationException"}), "{target}");
    }
}

#[test]
fn a_body_that_is_not_json_is_a_serialization_exception_with_capital_message() {
    let mut s = Session::new();
    for text in ["{", "not json", "{\"StreamName\": }"] {
        let reply = s.api.handle_text(&mut s.sim, "Kinesis_20131202.ListStreams", text);
        assert_eq!(reply.status, 400, "{text}");
        assert_eq!(reply.body["__type"], "SerializationException", "{text}");
        assert!(reply.body["Message"].is_string(), "{text}: {}", reply.body);
        assert!(reply.body.get("message").is_none());
    }
    let reply = s.api.handle_text(&mut s.sim, "Kinesis_20131202.ListStreams", "{}");
    assert_eq!(reply.status, 200);
}

#[test]
fn a_body_that_is_not_an_object_is_a_serialization_exception() {
    let mut s = Session::new();
    for body in [json!([]), json!("x"), json!(1), json!(null)] {
        let reply = s.call("ListStreams", body.clone());
        assert_eq!((reply.status, &reply.body["__type"]), (400, &json!("SerializationException")), "{body}");
    }
}

#[test]
fn a_number_where_a_string_is_expected() {
    // `docs/aws-behaviour.md` §1.10.
    Session::new().expect_serialization(
        "PutRecord",
        json!({"StreamName": 1, "PartitionKey": "a", "Data": ""}),
        "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String",
    );
}

#[test]
fn bad_base64_has_three_messages() {
    // `docs/aws-behaviour.md` §1.10, in the order AWS checks.
    let mut s = Session::new();
    for (data, message) in [
        (
            "abc",
            "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3",
        ),
        ("ab!c", "'ab!c' can not be converted to a Blob: Invalid Base64 character: '!'"),
        ("YR==", "'YR==' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"),
    ] {
        s.expect_serialization("PutRecord", json!({"StreamName": "s", "PartitionKey": "a", "Data": data}), message);
    }
}

#[test]
fn type_errors_come_before_validation_errors() {
    // PartitionKey "" breaks a constraint, but the list where a string belongs is reported first.
    Session::new().expect_serialization(
        "PutRecord",
        json!({"StreamName": [], "PartitionKey": "", "Data": ""}),
        "Start of list found where not expected",
    );
}

#[test]
fn missing_members_are_listed_in_aws_order() {
    // kinesalite's AWS-recorded test (`docs/aws-behaviour.md` §1.10 member order).
    Session::new().expect_validation(
        "PutRecord",
        json!({}),
        &[
            &failure(None, "partitionKey", "Member must not be null"),
            &failure(None, "data", "Member must not be null"),
            &failure(None, "streamName", "Member must not be null"),
        ],
    );
}

#[test]
fn several_rules_can_fire_for_one_member() {
    Session::new().expect_validation(
        "PutRecord",
        json!({"StreamName": "", "PartitionKey": "", "Data": "", "ExplicitHashKey": "", "SequenceNumberForOrdering": ""}),
        &[
            &failure(
                Some(""),
                "sequenceNumberForOrdering",
                "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
            ),
            &failure(
                Some(""),
                "partitionKey",
                "Member must have length greater than or equal to 1",
            ),
            &failure(
                Some(""),
                "explicitHashKey",
                "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
            ),
            &failure(
                Some(""),
                "streamName",
                "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
            ),
            &failure(
                Some(""),
                "streamName",
                "Member must have length greater than or equal to 1",
            ),
        ],
    );
}

#[test]
fn lengths_and_blob_sizes() {
    let name = "a".repeat(129);
    let key = "k".repeat(257);
    // 10 MiB + 1 bytes of data: the current model's limit is 10,485,760.
    let data = base64_zeros(10_485_761);
    Session::new().expect_validation(
        "PutRecord",
        json!({"StreamName": name, "PartitionKey": key, "Data": data}),
        &[
            &failure(Some(&key), "partitionKey", "Member must have length less than or equal to 256"),
            &failure(
                Some("java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]"),
                "data",
                "Member must have length less than or equal to 10485760",
            ),
            &failure(Some(&name), "streamName", "Member must have length less than or equal to 128"),
        ],
    );
}

fn base64_zeros(len: usize) -> String {
    // Three zero bytes are "AAAA"; the remainder pads.
    let mut out = "AAAA".repeat(len / 3);
    match len % 3 {
        1 => out.push_str("AA=="),
        2 => out.push_str("AAA="),
        _ => {}
    }
    out
}

#[test]
fn at_most_ten_failures_are_listed() {
    let records: Vec<Value> = (0..12).map(|_| json!({"PartitionKey": "", "Data": ""})).collect();
    let failures: Vec<String> = (1..=10)
        .map(|i| {
            failure(
                Some(""),
                &format!("records.{i}.member.partitionKey"),
                "Member must have length greater than or equal to 1",
            )
        })
        .collect();
    let failures: Vec<&str> = failures.iter().map(String::as_str).collect();
    Session::new().expect_validation("PutRecords", json!({"StreamName": "s", "Records": records}), &failures);
}

#[test]
fn validation_precedes_existence() {
    Session::new().expect_validation(
        "PutRecord",
        json!({"StreamName": "nowhere", "PartitionKey": "", "Data": ""}),
        &[&failure(Some(""), "partitionKey", "Member must have length greater than or equal to 1")],
    );
}

#[test]
fn enum_values_are_listed_in_aws_order() {
    Session::new().expect_validation(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-0", "ShardIteratorType": "NEWEST"}),
        &[&failure(
            Some("NEWEST"),
            "shardIteratorType",
            "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]",
        )],
    );
}

#[test]
fn nested_members_have_dotted_paths() {
    Session::new().expect_validation(
        "UpdateAccountSettings",
        json!({"MinimumThroughputBillingCommitment": {"Status": "MAYBE"}}),
        &[&failure(
            Some("MAYBE"),
            "minimumThroughputBillingCommitment.status",
            "Member must satisfy enum value set: [ENABLED, DISABLED]",
        )],
    );
}

#[test]
fn a_stream_arn_must_match_the_model_pattern() {
    Session::new().expect_validation(
        "DescribeStreamSummary",
        json!({"StreamARN": "arn:aws:kinesis:us-east-1:123:stream/s"}),
        &[&failure(
            Some("arn:aws:kinesis:us-east-1:123:stream/s"),
            "streamARN",
            "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
        )],
    );
}

/// A tiny deterministic generator for the robustness test (SplitMix64).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

pub(crate) fn odd_value(rng: &mut Rng, depth: u32) -> Value {
    let shard = "shardId-000000000000".to_string();
    let arn = crate::arn("s");
    let scalars = [
        json!(null),
        json!(true),
        json!(-1),
        json!(0),
        json!(1.5),
        json!(1e300),
        json!(-1e300),
        json!(18_446_744_073_709_551_615u64),
        json!(""),
        json!("s"),
        json!("a"),
        json!("YQ=="),
        json!("AAAA"),
        json!(shard),
        json!(arn),
        json!(format!("{arn}/consumer/c:1767225600")),
        json!("340282366920938463463374607431768211456"),
        json!("LATEST"),
        json!("TRIM_HORIZON"),
        json!("AT_TIMESTAMP"),
        json!("KMS"),
        json!("ON_DEMAND"),
        json!("ALL"),
        json!("é\u{1F600}\n"),
    ];
    if depth == 0 || !rng.next().is_multiple_of(3) {
        return rng.pick(&scalars).clone();
    }
    if rng.next().is_multiple_of(2) {
        Value::Array((0..rng.next() % 4).map(|_| odd_value(rng, depth - 1)).collect())
    } else {
        let keys = ["Type", "StreamMode", "Status", "k", "PartitionKey", "Data"];
        Value::Object((0..rng.next() % 4).map(|_| (rng.pick(&keys).to_string(), odd_value(rng, depth - 1))).collect())
    }
}

#[test]
fn malformed_requests_never_panic() {
    let members = [
        "StreamName",
        "StreamARN",
        "ShardCount",
        "PartitionKey",
        "Data",
        "ExplicitHashKey",
        "SequenceNumberForOrdering",
        "Records",
        "ShardId",
        "ShardIteratorType",
        "StartingSequenceNumber",
        "Timestamp",
        "ShardIterator",
        "Limit",
        "MaxResults",
        "NextToken",
        "ExclusiveStartShardId",
        "ShardFilter",
        "StreamCreationTimestamp",
        "NewStartingHashKey",
        "ShardToSplit",
        "ShardToMerge",
        "AdjacentShardToMerge",
        "TargetShardCount",
        "ScalingType",
        "RetentionPeriodHours",
        "Tags",
        "TagKeys",
        "ResourceARN",
        "Policy",
        "ConsumerName",
        "ConsumerARN",
        "StartingPosition",
        "ShardLevelMetrics",
        "EncryptionType",
        "KeyId",
        "StreamModeDetails",
        "MaxRecordSizeInKiB",
        "WarmThroughputMiBps",
        "MinimumThroughputBillingCommitment",
        "EnforceConsumerDeletion",
        "ExclusiveStartStreamName",
        "ExclusiveStartTagKey",
    ];
    let mut s = Session::with_stream("s", 2);
    s.ok("RegisterStreamConsumer", json!({"StreamARN": crate::arn("s"), "ConsumerName": "c"}));
    let mut rng = Rng(1);
    let operations: Vec<&str> = shardlab_api::operation_names().collect();
    assert_eq!(operations.len(), 39);
    for round in 0..3_000 {
        let operation = *rng.pick(&operations);
        let body: serde_json::Map<String, Value> =
            (0..rng.next() % 6).map(|_| (rng.pick(&members).to_string(), odd_value(&mut rng, 3))).collect();
        let reply = s.call(operation, Value::Object(body.clone()));
        assert!([200, 400, 500].contains(&reply.status), "round {round}: {operation} {}", Value::Object(body));
        if round % 100 == 0 {
            s.advance_ms(1_000);
        }
    }
}

#[test]
fn a_timestamp_of_the_wrong_type_is_not_milliseconds_since_epoch() {
    // kinesalite's AWS-recorded texts for a Timestamp member (GetShardIterator's Timestamp here).
    let mut s = Session::with_stream("s", 1);
    let body = |timestamp: Value| json!({"StreamName": "s", "ShardId": "0", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": timestamp});
    s.expect_serialization(
        "GetShardIterator",
        body(json!(true)),
        "class java.lang.Boolean can not be converted to milliseconds since epoch",
    );
    s.expect_serialization(
        "GetShardIterator",
        body(json!("2026-01-01T00:00:00Z")),
        "class java.lang.String can not be converted to milliseconds since epoch",
    );
    s.expect_serialization("GetShardIterator", body(json!([1])), "Start of list found where not expected");
    s.expect_serialization("GetShardIterator", body(json!({})), "Start of structure or map found where not expected.");
}
