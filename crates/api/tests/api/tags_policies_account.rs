//! Tags, resource policies and account settings.

use crate::{ACCOUNT, EPOCH_SECS, Session, arn, failure};
use serde_json::json;

#[test]
fn stream_tags() {
    let mut s = Session::with_stream("s", 1);
    s.expect_ok("AddTagsToStream", json!({"StreamName": "s", "Tags": {"team": "data", "env": "test"}}), json!({}));
    s.expect_ok(
        "ListTagsForStream",
        json!({"StreamName": "s"}),
        json!({"Tags": [{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "data"}], "HasMoreTags": false}),
    );
    s.expect_ok(
        "ListTagsForStream",
        json!({"StreamName": "s", "Limit": 1}),
        json!({"Tags": [{"Key": "env", "Value": "test"}], "HasMoreTags": true}),
    );
    s.expect_ok(
        "ListTagsForStream",
        json!({"StreamName": "s", "ExclusiveStartTagKey": "env"}),
        json!({"Tags": [{"Key": "team", "Value": "data"}], "HasMoreTags": false}),
    );
    s.expect_ok("RemoveTagsFromStream", json!({"StreamName": "s", "TagKeys": ["env"]}), json!({}));
    s.expect_ok(
        "ListTagsForStream",
        json!({"StreamName": "s"}),
        json!({"Tags": [{"Key": "team", "Value": "data"}], "HasMoreTags": false}),
    );
}

#[test]
fn tag_rules() {
    let mut s = Session::with_stream("s", 1);
    s.expect_validation(
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": {}}),
        &[&failure(Some("{}"), "tags", "Member must have length greater than or equal to 1")],
    );
    s.expect_validation(
        "RemoveTagsFromStream",
        json!({"StreamName": "s", "TagKeys": [""]}),
        &[&failure(
            Some("[]"),
            "tagKeys",
            "Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]",
        )],
    );
    // `docs/aws-behaviour.md` §1.10: keys may not start with aws:, and a stream has at most 50 tags.
    s.expect_error_type(
        "AddTagsToStream",
        json!({"StreamName": "s", "Tags": {"aws:x": "1"}}),
        "InvalidArgumentException",
    );
    let tags: serde_json::Map<String, serde_json::Value> = (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
    s.expect_error_type("AddTagsToStream", json!({"StreamName": "s", "Tags": tags}), "InvalidArgumentException");
}

#[test]
fn resource_tags_on_streams_and_consumers() {
    let mut s = Session::with_stream("s", 1);
    s.expect_ok("TagResource", json!({"ResourceARN": arn("s"), "Tags": {"a": "1"}}), json!({}));
    s.expect_ok("ListTagsForResource", json!({"ResourceARN": arn("s")}), json!({"Tags": [{"Key": "a", "Value": "1"}]}));
    s.expect_ok("UntagResource", json!({"ResourceARN": arn("s"), "TagKeys": ["a"]}), json!({}));
    s.expect_ok("ListTagsForResource", json!({"ResourceARN": arn("s")}), json!({"Tags": []}));
    let consumer = format!("{}/consumer/c:{EPOCH_SECS}", arn("s"));
    s.ok("RegisterStreamConsumer", json!({"StreamARN": arn("s"), "ConsumerName": "c", "Tags": {"x": "y"}}));
    s.ok("TagResource", json!({"ResourceARN": consumer, "Tags": {"z": "w"}}));
    s.expect_ok(
        "ListTagsForResource",
        json!({"ResourceARN": consumer}),
        json!({"Tags": [{"Key": "x", "Value": "y"}, {"Key": "z", "Value": "w"}]}),
    );
    s.expect_error(
        "ListTagsForResource",
        json!({"ResourceARN": arn("nope")}),
        "ResourceNotFoundException",
        &format!("Stream nope under account {ACCOUNT} not found."),
    );
}

#[test]
fn resource_policies() {
    let mut s = Session::with_stream("s", 1);
    let policy = r#"{"Version":"2012-10-17","Statement":[]}"#;
    s.expect_ok("GetResourcePolicy", json!({"ResourceARN": arn("s")}), json!({"Policy": "{}"}));
    s.expect_ok("PutResourcePolicy", json!({"ResourceARN": arn("s"), "Policy": policy}), json!({}));
    s.expect_ok("GetResourcePolicy", json!({"ResourceARN": arn("s")}), json!({"Policy": policy}));
    s.expect_ok("DeleteResourcePolicy", json!({"ResourceARN": arn("s")}), json!({}));
    s.expect_ok("GetResourcePolicy", json!({"ResourceARN": arn("s")}), json!({"Policy": "{}"}));
    s.expect_error_type(
        "PutResourcePolicy",
        json!({"ResourceARN": arn("s"), "Policy": "not json"}),
        "InvalidArgumentException",
    );
    s.expect_validation(
        "PutResourcePolicy",
        json!({"ResourceARN": "arn:aws:s3:::bucket"}),
        &[
            &failure(
                Some("arn:aws:s3:::bucket"),
                "resourceARN",
                "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+",
            ),
            &failure(None, "policy", "Member must not be null"),
        ],
    );
}

#[test]
fn account_settings() {
    let mut s = Session::new();
    s.expect_ok(
        "DescribeAccountSettings",
        json!({}),
        json!({"MinimumThroughputBillingCommitment": {"Status": "DISABLED"}}),
    );
    // `docs/aws-behaviour.md` §1.9: the commitment lasts at least 24 hours once enabled.
    let enabled = json!({"MinimumThroughputBillingCommitment": {
        "Status": "ENABLED",
        "StartedAt": EPOCH_SECS,
        "EarliestAllowedEndAt": EPOCH_SECS + 86_400,
    }});
    s.expect_ok(
        "UpdateAccountSettings",
        json!({"MinimumThroughputBillingCommitment": {"Status": "ENABLED"}}),
        enabled.clone(),
    );
    s.expect_ok("DescribeAccountSettings", json!({}), enabled);
    s.expect_ok(
        "UpdateAccountSettings",
        json!({"MinimumThroughputBillingCommitment": {"Status": "DISABLED"}}),
        json!({"MinimumThroughputBillingCommitment": {
            "Status": "ENABLED_UNTIL_EARLIEST_ALLOWED_END",
            "StartedAt": EPOCH_SECS,
            "EarliestAllowedEndAt": EPOCH_SECS + 86_400,
        }}),
    );
    s.expect_validation(
        "UpdateAccountSettings",
        json!({}),
        &[&failure(None, "minimumThroughputBillingCommitment", "Member must not be null")],
    );
}
