//! ListShards, SplitShard, MergeShards, UpdateShardCount.

use crate::{ACCOUNT, MAX_HASH_KEY, Session, arn, failure};
use serde_json::{Value, json};

/// Worked out by hand from the `docs/aws-behaviour.md` §1.4 layout for a stream ACTIVE at 500 ms (second 1767225600)
/// whose reshard completed at 1,000 ms (second 1767225601): parents end with counter 0x7fffffffffffffff at
/// the close time, children start a second later (1767225602).
const START_0: &str = "49670424472731169861061894383142885425265240724400504834";
const END_0: &str = "49670424472742320233661159694712444358581950344698265602";
const END_1: &str = "49670424472764620978859690317853980076854598706204246034";
const CHILD_1_START: &str = "49670424473467094452613404946813564128262636791536812050";
const CHILD_2_START: &str = "49670424473489395197811935569955099846535285153042792482";
const CHILD_3_START: &str = "49670424473511695943010466193096635564807933514548772914";

fn shard_ids(listing: &Value) -> Vec<String> {
    listing["Shards"].as_array().into_iter().flatten().filter_map(|s| s["ShardId"].as_str().map(String::from)).collect()
}

#[test]
fn split_at_2_on_a_one_shard_stream() {
    let mut s = Session::with_stream("s", 1);
    s.expect_ok(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "2"}),
        json!({}),
    );
    // UPDATING: the parent still takes writes and is the only shard.
    assert_eq!(shard_ids(&s.ok("ListShards", json!({"StreamName": "s"}))), ["shardId-000000000000"]);
    s.advance_ms(500);
    // `docs/aws-behaviour.md` §1.7: children shardId-000000000001 = [0, 1] and shardId-000000000002 = [2, 2^128-1].
    s.expect_ok(
        "ListShards",
        json!({"StreamName": "s"}),
        json!({"Shards": [
            {"ShardId": "shardId-000000000000",
             "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": MAX_HASH_KEY},
             "SequenceNumberRange": {"StartingSequenceNumber": START_0, "EndingSequenceNumber": END_0}},
            {"ShardId": "shardId-000000000001", "ParentShardId": "shardId-000000000000",
             "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": "1"},
             "SequenceNumberRange": {"StartingSequenceNumber": CHILD_1_START}},
            {"ShardId": "shardId-000000000002", "ParentShardId": "shardId-000000000000",
             "HashKeyRange": {"StartingHashKey": "2", "EndingHashKey": MAX_HASH_KEY},
             "SequenceNumberRange": {"StartingSequenceNumber": CHILD_2_START}},
        ]}),
    );
    // AT_LATEST lists the open shards only.
    assert_eq!(
        shard_ids(&s.ok("ListShards", json!({"StreamName": "s", "ShardFilter": {"Type": "AT_LATEST"}}))),
        ["shardId-000000000001", "shardId-000000000002"]
    );
    assert_eq!(
        shard_ids(&s.ok(
            "ListShards",
            json!({"StreamName": "s", "ShardFilter": {"Type": "AFTER_SHARD_ID", "ShardId": "shardId-000000000001"}})
        )),
        ["shardId-000000000002"]
    );
    // Open at the trim horizon (the stream's start): only the parent.
    assert_eq!(
        shard_ids(&s.ok("ListShards", json!({"StreamName": "s", "ShardFilter": {"Type": "AT_TRIM_HORIZON"}}))),
        ["shardId-000000000000"]
    );
}

#[test]
fn split_shard_errors() {
    let mut s = Session::with_stream("s", 1);
    // `docs/aws-behaviour.md` §1.7.
    s.expect_error(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1"}),
        "InvalidArgumentException",
        &format!(
            "NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream s under account {ACCOUNT} is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey {MAX_HASH_KEY}."
        ),
    );
    s.expect_error(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "340282366920938463463374607431768211456"}),
        "InvalidArgumentException",
        &format!(
            "NewStartingHashKey 340282366920938463463374607431768211456 used in SplitShard() on shard shardId-000000000000 in stream s under account {ACCOUNT} is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey {MAX_HASH_KEY}."
        ),
    );
    s.expect_error(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": "bogus", "NewStartingHashKey": "10"}),
        "ResourceNotFoundException",
        &format!("Could not find shard bogus in stream s under account {ACCOUNT}."),
    );
    s.expect_validation(
        "SplitShard",
        json!({"StreamName": "s"}),
        &[
            &failure(None, "newStartingHashKey", "Member must not be null"),
            &failure(None, "shardToSplit", "Member must not be null"),
        ],
    );
    s.ok("SplitShard", json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "10"}));
    // `docs/aws-behaviour.md` §1.9: UPDATING refuses further resharding.
    s.expect_error(
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "10"}),
        "ResourceInUseException",
        &format!("Stream s under account {ACCOUNT} not ACTIVE, instead in state UPDATING"),
    );
}

#[test]
fn merge_adjacent_shards() {
    let mut s = Session::with_stream("s", 3);
    s.expect_ok(
        "MergeShards",
        json!({"StreamName": "s", "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000001"}),
        json!({}),
    );
    s.advance_ms(500);
    let listing = s.ok("ListShards", json!({"StreamName": "s"}));
    // `docs/aws-behaviour.md` §1.7: the child covers [ShardToMerge.Start, Adjacent.End] with both parents named.
    assert_eq!(
        listing["Shards"][3],
        json!({"ShardId": "shardId-000000000003",
               "ParentShardId": "shardId-000000000000",
               "AdjacentParentShardId": "shardId-000000000001",
               "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": "226854911280625642308916404954512140969"},
               "SequenceNumberRange": {"StartingSequenceNumber": CHILD_3_START}})
    );
    assert_eq!(listing["Shards"][1]["SequenceNumberRange"]["EndingSequenceNumber"], END_1);
}

#[test]
fn merge_refuses_pairs_that_are_not_adjacent() {
    let mut s = Session::with_stream("s", 3);
    for (a, b) in [("0", "2"), ("1", "0")] {
        // `docs/aws-behaviour.md` §1.7, including the inverted order.
        s.expect_error(
            "MergeShards",
            json!({"StreamName": "s", "ShardToMerge": format!("shardId-00000000000{a}"), "AdjacentShardToMerge": format!("shardId-00000000000{b}")}),
            "InvalidArgumentException",
            &format!(
                "Shards shardId-00000000000{a} and shardId-00000000000{b} in stream s under account {ACCOUNT} are not an adjacent pair of shards eligible for merging"
            ),
        );
    }
}

#[test]
fn update_shard_count() {
    let mut s = Session::with_stream("s", 1);
    // `docs/aws-behaviour.md` §1.7: the response names the stream and both counts.
    s.expect_ok(
        "UpdateShardCount",
        json!({"StreamName": "s", "TargetShardCount": 2, "ScalingType": "UNIFORM_SCALING"}),
        json!({"StreamName": "s", "CurrentShardCount": 1, "TargetShardCount": 2, "StreamARN": arn("s")}),
    );
    s.advance_ms(500);
    assert_eq!(
        shard_ids(&s.ok("ListShards", json!({"StreamName": "s", "ShardFilter": {"Type": "AT_LATEST"}}))).len(),
        2
    );
    s.expect_error_type(
        "UpdateShardCount",
        json!({"StreamName": "s", "TargetShardCount": 5, "ScalingType": "UNIFORM_SCALING"}),
        "InvalidArgumentException",
    );
    s.expect_validation(
        "UpdateShardCount",
        json!({"StreamName": "s", "TargetShardCount": 0, "ScalingType": "FAST"}),
        &[
            &failure(Some("FAST"), "scalingType", "Member must satisfy enum value set: [UNIFORM_SCALING]"),
            &failure(Some("0"), "targetShardCount", "Member must have value greater than or equal to 1"),
        ],
    );
}

#[test]
fn list_shards_pages_with_next_token() {
    let mut s = Session::with_stream("s", 3);
    let first = s.ok("ListShards", json!({"StreamName": "s", "MaxResults": 1}));
    assert_eq!(shard_ids(&first), ["shardId-000000000000"]);
    let second = s.ok("ListShards", json!({"NextToken": first["NextToken"], "MaxResults": 1}));
    assert_eq!(shard_ids(&second), ["shardId-000000000001"]);
    let third = s.ok("ListShards", json!({"NextToken": second["NextToken"]}));
    assert_eq!(shard_ids(&third), ["shardId-000000000002"]);
    assert!(third.get("NextToken").is_none());
    let after = s.ok("ListShards", json!({"StreamName": "s", "ExclusiveStartShardId": "shardId-000000000001"}));
    assert_eq!(shard_ids(&after), ["shardId-000000000002"]);
}

#[test]
fn list_shards_argument_rules() {
    let mut s = Session::with_stream("s", 3);
    let token = s.ok("ListShards", json!({"StreamName": "s", "MaxResults": 1}))["NextToken"].clone();
    // kinesalite's texts and AWS's (`docs/aws-behaviour.md` §1.9; GitHub issue logs).
    s.expect_error(
        "ListShards",
        json!({}),
        "InvalidArgumentException",
        "Either NextToken or StreamName should be provided.",
    );
    s.expect_error(
        "ListShards",
        json!({"StreamName": "s", "NextToken": token}),
        "InvalidArgumentException",
        "NextToken and StreamName cannot be provided together.",
    );
    s.expect_error(
        "ListShards",
        json!({"NextToken": token, "ExclusiveStartShardId": "shardId-000000000000"}),
        "InvalidArgumentException",
        "NextToken and ExclusiveStartShardId cannot be provided together.",
    );
    s.expect_error(
        "ListShards",
        json!({"StreamName": "nope"}),
        "ResourceNotFoundException",
        &format!("Stream nope under account {ACCOUNT} not found."),
    );
    s.expect_validation(
        "ListShards",
        json!({"StreamName": "s", "MaxResults": 10_001}),
        &[&failure(Some("10001"), "maxResults", "Member must have value less than or equal to 10000")],
    );
    // Tokens expire after 300 s (`docs/aws-behaviour.md` §1.9).
    s.advance_ms(300_000);
    s.ok("ListShards", json!({"NextToken": token}));
    s.advance_ms(1);
    s.expect_error_type("ListShards", json!({"NextToken": token}), "ExpiredNextTokenException");
}
