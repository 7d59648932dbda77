//! PutRecord, PutRecords, GetShardIterator, GetRecords.

use crate::{ACCOUNT, Session, failure};
use serde_json::{Value, json};

/// The first record of shard 0 / shard 1 / shard 2 of a stream created in second 1767225600 and
/// written in that second: counter 1 (`docs/aws-behaviour.md` §1.4 layout), worked out by hand.
const FIRST_ON_0: &str = "49670424472731169861061894383144094351084855353575211010";
const FIRST_ON_1: &str = "49670424472753470606260425006285630069357503715081191442";
const FIRST_ON_2: &str = "49670424472775771351458955629427165787630152076587171874";
/// The second record on shard 0, same second.
const SECOND_ON_0: &str = "49670424472731169861061894383145303276904469982749917186";

fn put(s: &mut Session, key: &str) -> Value {
    s.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": key, "Data": "aGk="}))
}

#[test]
fn partition_keys_route_by_md5() {
    let mut s = Session::with_stream("s", 3);
    // `docs/aws-behaviour.md` §1.2: on 3 shards "a" -> shard 0, "b" -> shard 1.
    s.expect_ok(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "a", "Data": "aGk="}),
        json!({"ShardId": "shardId-000000000000", "SequenceNumber": FIRST_ON_0, "EncryptionType": "NONE"}),
    );
    s.expect_ok(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "b", "Data": ""}),
        json!({"ShardId": "shardId-000000000001", "SequenceNumber": FIRST_ON_1, "EncryptionType": "NONE"}),
    );
    s.expect_ok(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "c", "Data": ""}),
        json!({"ShardId": "shardId-000000000000", "SequenceNumber": SECOND_ON_0, "EncryptionType": "NONE"}),
    );
}

#[test]
fn explicit_hash_keys() {
    let mut s = Session::with_stream("s", 3);
    // kinesalite (recorded against AWS): the last hash key lands on the last shard.
    s.expect_ok(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "a", "Data": "", "ExplicitHashKey": crate::MAX_HASH_KEY}),
        json!({"ShardId": "shardId-000000000002", "SequenceNumber": FIRST_ON_2, "EncryptionType": "NONE"}),
    );
    // `docs/aws-behaviour.md` §1.2: 2^128 passes the regex and is refused with this text.
    s.expect_error(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "a", "Data": "", "ExplicitHashKey": "340282366920938463463374607431768211456"}),
        "InvalidArgumentException",
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456",
    );
}

#[test]
fn puts_to_a_creating_or_missing_stream_are_not_found() {
    let mut s = Session::new();
    s.ok("CreateStream", json!({"StreamName": "s", "ShardCount": 1}));
    // `docs/aws-behaviour.md` §1.3: CREATING -> ResourceNotFoundException.
    let message = format!("Stream s under account {ACCOUNT} not found.");
    s.expect_error(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "a", "Data": ""}),
        "ResourceNotFoundException",
        &message,
    );
    s.expect_error(
        "PutRecords",
        json!({"StreamName": "s", "Records": [{"PartitionKey": "a", "Data": ""}]}),
        "ResourceNotFoundException",
        &message,
    );
}

#[test]
fn the_1001st_record_in_a_second_is_throttled() {
    let mut s = Session::with_stream("s", 1);
    for _ in 0..1_000 {
        put(&mut s, "k");
    }
    // `docs/aws-behaviour.md` §1.10: the write throttling text.
    s.expect_error(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "k", "Data": ""}),
        "ProvisionedThroughputExceededException",
        &format!("Rate exceeded for shard shardId-000000000000 in stream s under account {ACCOUNT}."),
    );
    s.advance_ms(1_000);
    put(&mut s, "k");
}

#[test]
fn put_records_fails_entries_one_by_one() {
    let mut s = Session::with_stream("s", 3);
    // 1,000 records for shard 0 ("a") fill its second.
    for _ in 0..2 {
        let records: Vec<Value> = (0..500).map(|_| json!({"PartitionKey": "a", "Data": ""})).collect();
        let out = s.ok("PutRecords", json!({"StreamName": "s", "Records": records}));
        assert_eq!(out["FailedRecordCount"], 0);
    }
    // `docs/aws-behaviour.md` §1.3: one entry per request entry, in order; failures carry ErrorCode and ErrorMessage.
    s.expect_ok(
        "PutRecords",
        json!({"StreamName": "s", "Records": [
            {"PartitionKey": "a", "Data": ""},
            {"PartitionKey": "b", "Data": "aGk="},
        ]}),
        json!({
            "FailedRecordCount": 1,
            "Records": [
                {"ErrorCode": "ProvisionedThroughputExceededException",
                 "ErrorMessage": format!("Rate exceeded for shard shardId-000000000000 in stream s under account {ACCOUNT}.")},
                {"SequenceNumber": FIRST_ON_1, "ShardId": "shardId-000000000001"},
            ],
            "EncryptionType": "NONE",
        }),
    );
}

#[test]
fn put_records_list_bounds() {
    let mut s = Session::with_stream("s", 1);
    s.expect_validation(
        "PutRecords",
        json!({"StreamName": "s", "Records": []}),
        &[&failure(Some("[]"), "records", "Member must have length greater than or equal to 1")],
    );
    let records: Vec<Value> = (0..501).map(|_| json!({"PartitionKey": "a", "Data": ""})).collect();
    let reply = s.call("PutRecords", json!({"StreamName": "s", "Records": records}));
    let message = reply.body["message"].as_str().unwrap_or_default();
    assert_eq!(reply.body["__type"], "ValidationException");
    assert!(
        message.starts_with(
            "1 validation error detected: Value '[com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@"
        ) && message.ends_with(
            "]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"
        ),
        "{message}"
    );
    // An invalid entry fails the whole request (`docs/aws-behaviour.md` §1.3).
    s.expect_error(
        "PutRecords",
        json!({"StreamName": "s", "Records": [
            {"PartitionKey": "a", "Data": ""},
            {"PartitionKey": "a", "Data": "", "ExplicitHashKey": "340282366920938463463374607431768211456"},
        ]}),
        "InvalidArgumentException",
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456",
    );
}

#[test]
fn sequence_number_for_ordering_must_be_valid() {
    let mut s = Session::with_stream("s", 1);
    // `docs/aws-behaviour.md` §1.4: a number AWS cannot decode, or one whose time is in the future, is refused.
    // 2^130 lies between the older layouts (below 2^129) and the 47-hex-digit ones.
    // The version-1 number is hex 2 | 06955b900 | 3 | 00 | 069ee4f80 | ..., a time 10,000,000 s after the epoch.
    for refused in
        ["1361129467683753853853498429727072845824", "49670424472798074349558584839176630138940623044422402097"]
    {
        s.expect_error(
            "PutRecord",
            json!({"StreamName": "s", "PartitionKey": "a", "Data": "", "SequenceNumberForOrdering": refused}),
            "InvalidArgumentException",
            &format!(
                "ExclusiveMinimumSequenceNumber {refused} used in PutRecord on stream s under account {ACCOUNT} is invalid."
            ),
        );
    }
    let first = put(&mut s, "a");
    let second = s.ok(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "a", "Data": "", "SequenceNumberForOrdering": first["SequenceNumber"]}),
    );
    assert_eq!(second["SequenceNumber"], SECOND_ON_0);
    // Older layouts AWS decodes: small numbers (version 0) and a version-1 number whose time is an hour
    // before the scenario's epoch (hex 2 | 069546780 | 3 | 00 | 06955aaf0 | 0123456789abcd | 07 | 00000003 | 1).
    for accepted in ["0", "1", "5", "49670393644247911888144084435756574389033256991795970097"] {
        s.ok(
            "PutRecord",
            json!({"StreamName": "s", "PartitionKey": "a", "Data": "", "SequenceNumberForOrdering": accepted}),
        );
    }
}

#[test]
fn starting_sequence_numbers_of_older_layouts_name_their_shard() {
    let mut s = Session::with_stream("s", 1);
    let at = |seq: &str| {
        json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER",
               "StartingSequenceNumber": seq})
    };
    // Version 0: 5 + 2^124 has hex digits 28..32 = 0005, shard 5.
    s.expect_error(
        "GetShardIterator",
        at("5"),
        "InvalidArgumentException",
        "Invalid StartingSequenceNumber. It encodes shardId-000000000005, while it was used in a call to a shard with \
         shardId-000000000000",
    );
    // One of the right shard: AWS fails with an InternalFailure (`docs/aws-behaviour.md` §1.5).
    let reply = s.call("GetShardIterator", at("0"));
    assert_eq!((reply.status, &reply.body["__type"]), (500, &json!("InternalFailure")), "{}", reply.body);
}

#[test]
fn read_from_trim_horizon() {
    let mut s = Session::with_stream("s", 3);
    put(&mut s, "a");
    let iterator = s.iterator("s", "shardId-000000000000", "TRIM_HORIZON");
    let out = s.ok("GetRecords", json!({"ShardIterator": iterator}));
    // Written at 500 ms: 1767225600.5 epoch seconds; "aGk=" is "hi".
    assert_eq!(
        out["Records"],
        json!([{
            "SequenceNumber": FIRST_ON_0,
            "ApproximateArrivalTimestamp": 1_767_225_600.5,
            "Data": "aGk=",
            "PartitionKey": "a",
            "EncryptionType": "NONE",
        }])
    );
    assert_eq!(out["MillisBehindLatest"], 0);
    assert!(out["NextShardIterator"].is_string());
    assert!(out.get("ChildShards").is_none());
    // The shard's read budget repays the bytes just read within microseconds; reads wait for it.
    s.advance_ms(1);
    let next = s.ok("GetRecords", json!({"ShardIterator": out["NextShardIterator"]}));
    assert_eq!(next["Records"], json!([]));
}

#[test]
fn iterators_at_and_after_sequence_numbers() {
    let mut s = Session::with_stream("s", 1);
    put(&mut s, "a");
    put(&mut s, "a");
    let after = s.ok(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": FIRST_ON_0}),
    );
    let out = s.ok("GetRecords", json!({"ShardIterator": after["ShardIterator"]}));
    assert_eq!(out["Records"][0]["SequenceNumber"], SECOND_ON_0);
    assert_eq!(out["Records"].as_array().map(Vec::len), Some(1));
    s.advance_ms(1);
    let at = s.ok(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "0", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": FIRST_ON_0}),
    );
    let out = s.ok("GetRecords", json!({"ShardIterator": at["ShardIterator"], "Limit": 1}));
    assert_eq!(out["Records"][0]["SequenceNumber"], FIRST_ON_0);
    // A record is left after the one returned, which arrived 1 ms ago (`docs/aws-behaviour.md` §1.5).
    assert_eq!(out["MillisBehindLatest"], 1);
}

#[test]
fn iterator_parameter_combinations() {
    let mut s = Session::with_stream("s", 1);
    let either = "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified";
    // `docs/aws-behaviour.md` §1.5.
    s.expect_error(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-0", "ShardIteratorType": "AT_SEQUENCE_NUMBER"}),
        "InvalidArgumentException",
        &format!("{either} AT_SEQUENCE_NUMBER and no StartingSequenceNumber."),
    );
    s.expect_error(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-0", "ShardIteratorType": "LATEST", "StartingSequenceNumber": "5"}),
        "InvalidArgumentException",
        &format!("{either} LATEST and also a StartingSequenceNumber."),
    );
    s.expect_error(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-0", "ShardIteratorType": "AT_TIMESTAMP"}),
        "InvalidArgumentException",
        "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.",
    );
    // Now is 500 ms after 2026-01-01T00:00:00Z: 1767225600500 ms.
    s.expect_error(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-0", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": 1_767_225_601.25}),
        "InvalidArgumentException",
        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: 1767225601250, currentTimestampInMillis: 1767225600500",
    );
    let at = s.ok(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-0", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": 1_767_225_600}),
    );
    assert!(at["ShardIterator"].is_string());
}

#[test]
fn get_records_on_a_deleted_stream_names_the_missing_shard() {
    // kinesalite's AWS-recorded test: the answer names the shard the iterator points into.
    let mut s = Session::with_stream("s", 2);
    let iterator = s.iterator("s", "shardId-000000000001", "TRIM_HORIZON");
    s.ok("DeleteStream", json!({"StreamName": "s"}));
    s.advance_ms(1_000);
    s.expect_error(
        "GetRecords",
        json!({"ShardIterator": iterator}),
        "ResourceNotFoundException",
        &format!("Shard shardId-000000000001 in stream s under account {ACCOUNT} does not exist"),
    );
}

#[test]
fn get_shard_iterator_is_limited_to_5_calls_per_second_per_shard() {
    let mut s = Session::with_stream("s", 1);
    for _ in 0..5 {
        s.iterator("s", "shardId-000000000000", "LATEST");
    }
    s.expect_error(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "LATEST"}),
        "ProvisionedThroughputExceededException",
        &format!("Rate exceeded for shard shardId-000000000000 in stream s under account {ACCOUNT}."),
    );
    s.advance_ms(1_000);
    s.iterator("s", "shardId-000000000000", "LATEST");
}

#[test]
fn shard_ids_resolve_like_aws() {
    let mut s = Session::with_stream("s", 1);
    // `docs/aws-behaviour.md` §1.10: the text before the first '-' is ignored.
    for raw in ["shardId-000000000000", "shardId-0", "shard-0", "anything-0", "-0", "0"] {
        s.iterator("s", raw, "LATEST");
        // GetShardIterator allows 5 calls per second per shard.
        s.advance_ms(200);
    }
    s.expect_error(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-5", "ShardIteratorType": "LATEST"}),
        "ResourceNotFoundException",
        &format!("Shard shardId-000000000005 in stream s under account {ACCOUNT} does not exist"),
    );
    for raw in ["ABKLFD8", "2.14E4", "2147483648"] {
        s.expect_error(
            "GetShardIterator",
            json!({"StreamName": "s", "ShardId": raw, "ShardIteratorType": "LATEST"}),
            "ResourceNotFoundException",
            &format!("Could not find shard {raw} in stream s under account {ACCOUNT}."),
        );
    }
    // An unknown stream names the shard (kinesalite's AWS-recorded behaviour).
    s.expect_error(
        "GetShardIterator",
        json!({"StreamName": "t", "ShardId": "a-00002147483647", "ShardIteratorType": "LATEST"}),
        "ResourceNotFoundException",
        &format!("Shard shardId-002147483647 in stream t under account {ACCOUNT} does not exist"),
    );
}

#[test]
fn a_sequence_number_of_another_shard() {
    let mut s = Session::with_stream("s", 3);
    put(&mut s, "b");
    // `docs/aws-behaviour.md` §1.5.
    s.expect_error(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": FIRST_ON_1}),
        "InvalidArgumentException",
        "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000",
    );
}

#[test]
fn iterators_expire_after_five_minutes() {
    let mut s = Session::with_stream("s", 1);
    let iterator = s.iterator("s", "shardId-000000000000", "LATEST");
    s.advance_ms(300_000);
    s.ok("GetRecords", json!({"ShardIterator": iterator}));
    s.advance_ms(1);
    // `docs/aws-behaviour.md` §1.5: issued at 00:00:00.500, now 00:05:00.501 on 2026-01-01, a Thursday.
    s.expect_error(
        "GetRecords",
        json!({"ShardIterator": iterator}),
        "ExpiredIteratorException",
        "Iterator expired. The iterator was created at time Thu Jan 01 00:00:00 UTC 2026 while right now it is Thu Jan 01 00:05:00 UTC 2026 which is further in the future than the tolerated delay of 300000 milliseconds.",
    );
}

#[test]
fn garbage_iterators() {
    let mut s = Session::with_stream("s", 1);
    s.expect_error(
        "GetRecords",
        json!({"ShardIterator": "AAAAAAAAAAE="}),
        "InvalidArgumentException",
        "Invalid ShardIterator.",
    );
    let long = "A".repeat(513);
    s.expect_validation(
        "GetRecords",
        json!({"ShardIterator": long, "Limit": 10_001}),
        &[
            &failure(Some("10001"), "limit", "Member must have value less than or equal to 10000"),
            &failure(Some(&long), "shardIterator", "Member must have length less than or equal to 512"),
        ],
    );
}

#[test]
fn the_end_of_a_closed_shard_names_its_children() {
    let mut s = Session::with_stream("s", 1);
    let iterator = s.iterator("s", "shardId-000000000000", "TRIM_HORIZON");
    s.ok("SplitShard", json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "2"}));
    s.advance_ms(500);
    let out = s.ok("GetRecords", json!({"ShardIterator": iterator}));
    // `docs/aws-behaviour.md` §1.5: no NextShardIterator at the end of a closed shard, and the children.
    assert!(out.get("NextShardIterator").is_none(), "{out}");
    assert_eq!(
        out["ChildShards"],
        json!([
            {"ShardId": "shardId-000000000001", "ParentShards": ["shardId-000000000000"],
             "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": "1"}},
            {"ShardId": "shardId-000000000002", "ParentShards": ["shardId-000000000000"],
             "HashKeyRange": {"StartingHashKey": "2", "EndingHashKey": crate::MAX_HASH_KEY}},
        ])
    );
}

#[test]
fn sequence_numbers_that_do_not_belong() {
    let mut s = Session::with_stream("s", 1);
    // `docs/aws-behaviour.md` §1.5: an undecodable number (2^130: above the version-0 range, below 47 hex digits).
    s.expect_error(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": "1361129467683753853853498429727072845824"}),
        "InvalidArgumentException",
        &format!("StartingSequenceNumber 1361129467683753853853498429727072845824 used in GetShardIterator on shard shardId-000000000000 in stream s under account {ACCOUNT} is invalid."),
    );
    // A small number is a version-0 number: 12345 + 2^124 encodes shard 12345 (hex digits 28..32 = 3039).
    s.expect_error(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": "12345"}),
        "InvalidArgumentException",
        "Invalid StartingSequenceNumber. It encodes shardId-000000012345, while it was used in a call to a shard with shardId-000000000000",
    );
    // A number of another stream whose shard 0 was created in another second (1767225602, at 2,000 ms).
    s.advance_ms(1_000);
    s.ok("CreateStream", json!({"StreamName": "t", "ShardCount": 1}));
    s.advance_ms(500);
    let other = s.ok("PutRecord", json!({"StreamName": "t", "PartitionKey": "a", "Data": ""}))["SequenceNumber"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    s.expect_error(
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": other}),
        "InvalidArgumentException",
        &format!("StartingSequenceNumber {other} used in GetShardIterator on shard shardId-000000000000 in stream s under account {ACCOUNT} is invalid because it did not come from this stream."),
    );
}

#[test]
fn record_and_request_size_limits() {
    let mut s = Session::with_stream("s", 1);
    // `docs/aws-behaviour.md` §1.3: data plus key must fit the stream's 1 MiB; the text is unconfirmed.
    let mib = "A".repeat(1_048_576 / 3 * 4) + "AAA=";
    s.expect_error_type(
        "PutRecord",
        json!({"StreamName": "s", "PartitionKey": "a", "Data": mib}),
        "InvalidArgumentException",
    );
    // Eleven records of 1 MiB (with the key) exceed the 10 MiB request limit.
    let almost_mib = "A".repeat(1_048_575 / 3 * 4);
    let records: Vec<Value> = (0..11).map(|_| json!({"PartitionKey": "a", "Data": almost_mib})).collect();
    s.expect_error_type("PutRecords", json!({"StreamName": "s", "Records": records}), "InvalidArgumentException");
}
