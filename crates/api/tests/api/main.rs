//! Golden request -> reply tests of the Kinesis API. Expected bodies come from the reference
//! (`docs/aws-behaviour.md`): AWS's texts, the hash-key layouts, and sequence numbers worked out
//! by hand from the documented 47-hex-digit layout (section 1.7).
//!
//! Every session uses the default service: account 000000000000, us-east-1, simulated time 0 at
//! 2026-01-01T00:00:00Z (Unix 1767225600), CREATING/UPDATING/DELETING lasting 500 ms.

mod consumers;
mod firehose;
mod protocol;
mod records;
mod shards;
mod streams;
mod tags_policies_account;
mod video;

use serde_json::{Value, json};
use shardlab_api::{KinesisApi, Reply};
use shardlab_engine::{KinesisConfig, SimTime, Simulation};

pub(crate) const ACCOUNT: &str = "000000000000";
/// Simulated time 0 in Unix seconds (2026-01-01T00:00:00Z).
pub(crate) const EPOCH_SECS: u64 = 1_767_225_600;
pub(crate) const MAX_HASH_KEY: &str = "340282366920938463463374607431768211455";

pub(crate) fn arn(stream: &str) -> String {
    format!("arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{stream}")
}

/// A simulated account and its API.
pub(crate) struct Session {
    pub(crate) sim: Simulation,
    pub(crate) api: KinesisApi,
}

impl Session {
    pub(crate) fn new() -> Self {
        Self { sim: Simulation::service_only(7, KinesisConfig::default()), api: KinesisApi::new() }
    }

    /// A session whose CREATING, UPDATING and DELETING last `delay_ms`.
    pub(crate) fn with_transition_delay_ms(delay_ms: u64) -> Self {
        let config = KinesisConfig { transition_delay_ms: delay_ms, ..KinesisConfig::default() };
        Self { sim: Simulation::service_only(7, config), api: KinesisApi::new() }
    }

    /// A session whose stream `name` of `shards` shards has just become ACTIVE (at 500 ms).
    pub(crate) fn with_stream(name: &str, shards: u32) -> Self {
        let mut s = Self::new();
        s.ok("CreateStream", json!({"StreamName": name, "ShardCount": shards}));
        s.advance_ms(500);
        s
    }

    pub(crate) fn call(&mut self, operation: &str, body: Value) -> Reply {
        let target = format!("Kinesis_20131202.{operation}");
        self.api.handle(&mut self.sim, &target, &body)
    }

    pub(crate) fn advance_ms(&mut self, ms: u64) {
        let target = SimTime::from_millis(self.sim.now().as_millis() + ms);
        self.sim.advance_to(target);
        while self.sim.poll_event().is_some() {}
    }

    /// Calls and expects a 200; returns the body.
    #[track_caller]
    pub(crate) fn ok(&mut self, operation: &str, body: Value) -> Value {
        let reply = self.call(operation, body);
        assert_eq!(reply.status, 200, "{operation}: {}", reply.body);
        reply.body
    }

    /// Calls and expects exactly `expected` with status 200.
    #[track_caller]
    pub(crate) fn expect_ok(&mut self, operation: &str, body: Value, expected: Value) {
        let got = self.ok(operation, body);
        assert_json_eq(&got, &expected);
    }

    /// Calls and expects the AWS error `exception` with exactly `message`, HTTP 400.
    #[track_caller]
    pub(crate) fn expect_error(&mut self, operation: &str, body: Value, exception: &str, message: &str) {
        let reply = self.call(operation, body);
        assert_json_eq(
            &json!({"status": reply.status, "body": reply.body}),
            &json!({"status": 400, "body": {"__type": exception, "message": message}}),
        );
    }

    /// Calls and expects a `LimitExceededException` that is not the control-plane rate limit.
    #[track_caller]
    pub(crate) fn expect_quota_error(&mut self, operation: &str, body: Value) {
        let reply = self.call(operation, body);
        assert_eq!(reply.body["__type"], "LimitExceededException", "{}", reply.body);
        let message = reply.body["message"].as_str().unwrap_or_default();
        assert!(!message.starts_with("Rate exceeded"), "{message}");
    }

    /// Calls and expects the AWS error `exception`, whatever its (unconfirmed) message.
    #[track_caller]
    pub(crate) fn expect_error_type(&mut self, operation: &str, body: Value, exception: &str) {
        let reply = self.call(operation, body);
        assert_eq!((reply.status, &reply.body["__type"]), (400, &json!(exception)), "{}", reply.body);
        assert!(reply.body["message"].is_string(), "{}", reply.body);
    }

    /// Calls and expects a `ValidationException` listing exactly `failures`.
    #[track_caller]
    pub(crate) fn expect_validation(&mut self, operation: &str, body: Value, failures: &[&str]) {
        let count = failures.len();
        let message =
            format!("{count} validation error{} detected: {}", if count == 1 { "" } else { "s" }, failures.join("; "));
        self.expect_error(operation, body, "ValidationException", &message);
    }

    /// Calls and expects a `SerializationException` with `Message`.
    #[track_caller]
    pub(crate) fn expect_serialization(&mut self, operation: &str, body: Value, message: &str) {
        let reply = self.call(operation, body);
        assert_json_eq(
            &json!({"status": reply.status, "body": reply.body}),
            &json!({"status": 400, "body": {"__type": "SerializationException", "Message": message}}),
        );
    }

    /// A shard iterator of `shard` in `stream`.
    pub(crate) fn iterator(&mut self, stream: &str, shard: &str, kind: &str) -> String {
        let body =
            self.ok("GetShardIterator", json!({"StreamName": stream, "ShardId": shard, "ShardIteratorType": kind}));
        body["ShardIterator"].as_str().expect("an iterator string").to_string()
    }
}

/// The message of `Value <v> at '<path>' failed to satisfy constraint: <rule>`.
pub(crate) fn failure(value: Option<&str>, path: &str, rule: &str) -> String {
    let value = value.map_or_else(|| "null".to_string(), |v| format!("'{v}'"));
    format!("Value {value} at '{path}' failed to satisfy constraint: {rule}")
}

#[track_caller]
pub(crate) fn assert_json_eq(got: &Value, expected: &Value) {
    assert!(
        got == expected,
        "\n     got: {}\nexpected: {}",
        serde_json::to_string_pretty(got).unwrap_or_default(),
        serde_json::to_string_pretty(expected).unwrap_or_default()
    );
}
