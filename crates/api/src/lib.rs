//! The AWS JSON 1.1 protocols of Kinesis Data Streams (`X-Amz-Target: Kinesis_20131202.<Operation>`) and
//! Firehose (`Firehose_20150804.<Operation>`) over a Shardlab [`Simulation`].
//!
//! This crate knows the wire: member names and types, the model's constraints with AWS's validation
//! messages, base64 blobs, epoch-second timestamps, response shapes and error bodies. The service's
//! rules (existence, states, limits, throttling, sequence numbers) are the engine's.
//!
//! # Use
//!
//! ```
//! use shardlab_api::KinesisApi;
//! use shardlab_engine::{KinesisConfig, SimTime, Simulation};
//! use serde_json::json;
//!
//! let mut sim = Simulation::service_only(42, KinesisConfig::default());
//! let mut api = KinesisApi::new();
//! let reply = api.handle(&mut sim, "Kinesis_20131202.CreateStream", &json!({"StreamName": "s", "ShardCount": 1}));
//! assert_eq!((reply.status, reply.body), (200, json!({})));
//! sim.advance_to(SimTime::from_millis(500)); // CREATING lasts the configured transition delay
//! let reply = api.handle(&mut sim, "Kinesis_20131202.PutRecord", &json!({"StreamName": "s", "PartitionKey": "a", "Data": "aGk="}));
//! assert_eq!(reply.body["ShardId"], "shardId-000000000000");
//! ```
//!
//! Every call acts at [`Simulation::now`]; time moves only when the caller advances the simulation.
//! [`KinesisApi`] holds the little state AWS keeps outside streams (account settings, consumer tags and
//! policies, open subscriptions), so use one per simulation.
//!
//! # Order of checks
//!
//! As on AWS (`docs/aws-behaviour.md` §1.10): the body must be a JSON object (`SerializationException`); the target
//! must name an operation (`UnknownOperationException`, no message); every member must have the right JSON type
//! (the first wrong one gives `SerializationException`); then all the model's constraints are checked and up
//! to ten failures reported in one `ValidationException`, before any existence check. Members are checked in
//! AWS's internal order where kinesalite's AWS-recorded tests show it (PutRecord: `sequenceNumberForOrdering`,
//! `partitionKey`, `explicitHashKey`, `data`, `streamName`), and otherwise operation members first, then
//! `StreamName`, then `StreamARN`.
//!
//! # Replies
//!
//! [`Reply`] is the HTTP status and the JSON body. Operations that return nothing answer 200 with `{}`
//! (AWS sends an empty body). SubscribeToShard answers 200 with `{"SubscriptionId": <n>}`; the events it
//! pushes are read with [`KinesisApi::drain_subscription_events`], each in AWS's event-stream union form:
//! `{"SubscribeToShardEvent": {"Records": [...], "ContinuationSequenceNumber": "...",
//! "MillisBehindLatest": 0, "ChildShards": [...]}}`, or `{"ResourceInUseException": {"message": "..."}}` /
//! `{"ResourceNotFoundException": {"message": "..."}}` when a subscription is taken over or its consumer
//! disappears. A subscription that expires (5 minutes) or reaches the end of a closed shard just stops,
//! as the HTTP/2 stream would close.
//!
//! # Divergences from AWS
//!
//! Choices made where AWS's documentation is silent (gathered in `docs/aws-behaviour.md` §8.6):
//!
//! - A request naming neither `StreamName` nor `StreamARN` gets `Value null at 'streamName' failed to
//!   satisfy constraint: Member must not be null` (kinesalite's AWS-recorded text, from before `StreamARN`).
//! - `StreamARN` and `StreamName` naming different streams: `InvalidArgumentException` in our words. An ARN of
//!   another account, Region or partition: `ResourceNotFoundException` `Stream <name> under account <acct>
//!   not found.` with the ARN's account.
//! - Enum value sets are listed in the model's order, except `ShardIteratorType`, whose AWS order is known.
//!   A list member or map entry that breaks its constraints is reported once for the whole list, as
//!   `Member must satisfy constraint: [...]` (Coral's form); list values print entries as
//!   `com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@<hash>` with a deterministic hash.
//! - Timestamps must be JSON numbers (epoch seconds); a string gets a `SerializationException`.
//! - A body that is not JSON gets a `SerializationException` whose `Message` is the parser's description
//!   (AWS sends no message).
//! - `ExplicitHashKey` ≥ 2^128 is checked after the stream's existence, before the write.
//! - PutRecords always includes `FailedRecordCount`, 0 when every record was written (kinesalite's choice).
//! - Records always carry `EncryptionType`. Records written by simulated producers have zero bytes as data.
//! - Pagination tokens: ListShards and ListStreamConsumers tokens expire after 300 s of simulated time
//!   (`ExpiredNextTokenException` `The NextToken has expired: it was issued more than 300 seconds ago.`);
//!   an unreadable token gets `InvalidArgumentException` `Invalid NextToken.`; ListStreams tokens do not
//!   expire. `NextToken` combined with `StreamName`, `ExclusiveStartShardId` or `StreamCreationTimestamp`
//!   gets `InvalidArgumentException` `NextToken and <member> cannot be provided together.` (AWS's wording for
//!   the first two).
//! - ListShards: a stream in CREATING lists no shards; `AT_TRIM_HORIZON` treats the trim horizon as
//!   `max(now - retention, the stream's first shard's creation)`; `AFTER_SHARD_ID` without `ShardId`,
//!   and `AT_TIMESTAMP`/`FROM_TIMESTAMP` without `Timestamp`, get `InvalidArgumentException` in our words.
//!   A `StreamCreationTimestamp` other than the stream's gets `ResourceNotFoundException`.
//! - DescribeStream, ListShards: an `ExclusiveStartShardId` (or `ShardFilter.ShardId`) that does not parse
//!   as a shard id lists from the first shard. ListTagsForStream's `Limit` defaults to 50 (every tag a
//!   stream can have).
//! - DescribeStreamConsumer, DeregisterStreamConsumer: neither `ConsumerARN` nor `StreamARN` with
//!   `ConsumerName` gets `InvalidArgumentException` `Either ConsumerARN or both StreamARN and ConsumerName
//!   must be provided.`; a `StreamARN` or `ConsumerName` that contradicts the `ConsumerARN` gets
//!   `InvalidArgumentException` in our words.
//! - GetShardIterator and SubscribeToShard: `AT_TIMESTAMP` with a sequence number gets the "Must either
//!   specify ..." message ending `Request specified AT_TIMESTAMP and also a StartingSequenceNumber.`; a
//!   `Timestamp` with another type is ignored. Legacy sequence-number layouts are not decoded: they are
//!   `invalid` (AWS answers some with `InternalFailure`).
//! - GetRecords ignores `StreamARN` (the iterator names the stream).
//! - `GetResourcePolicy` of a resource without a policy answers `{"Policy": "{}"}`; a `Policy` that is not
//!   a JSON object gets `InvalidArgumentException` in our words. Consumer policies and consumer tags live in
//!   this crate, not the engine.
//! - `StartStreamEncryption`/`StopStreamEncryption` with `EncryptionType` `NONE`: `InvalidArgumentException`
//!   in our words. KMS keys are not checked.
//! - `WarmThroughputMiBps` on CreateStream and UpdateStreamMode is accepted and ignored (the engine cannot
//!   store it yet); UpdateStreamWarmThroughput reports the target as already reached
//!   (`CurrentMiBps` = `TargetMiBps`), and does not require the account's minimum throughput commitment.
//! - Account settings: `MinimumThroughputBillingCommitment` starts `DISABLED`; enabling starts a 24-hour
//!   minimum (`EarliestAllowedEndAt`); disabling before it ends gives `ENABLED_UNTIL_EARLIEST_ALLOWED_END`
//!   until then. It does not change consumer limits or prices.
//! - Subscription error events use our words: `Subscription <id> to shard <shard> was replaced by a newer
//!   SubscribeToShard call for consumer <arn>.` and `Consumer <arn> or its stream no longer exists.`
//! - Control-plane rate limits apply only where the engine enforces them.
//!
//! Firehose (`Firehose_20150804.*`, [`firehose`]):
//!
//! - Top-level members are checked against the model (names, lengths, `Record.Data` ≤ 1,024,000 bytes,
//!   1 to 500 `Records`, tag lists); nested destination configurations are checked by the engine, whose
//!   failures are `InvalidArgumentException` (AWS reports some of them as `ValidationException`).
//! - A Lambda processor's transform is the processor's `ShardlabTransform` member (not in AWS's model); without
//!   it the function returns every record `Ok` unchanged. `ShardlabColumns` stands in for the Glue table of
//!   record format conversion. `MetadataExtractionQuery` takes `{key: .path, ...}` (a JQ subset).
//! - `RecordId` is 48 hex digits from the simulation's seed; `Encrypted` is always false; the destination id is
//!   always `destinationId-000000000001`. `ServiceUnavailableException` answers HTTP 503.
//! - No control-plane rate limit (5 TPS) is enforced. Start/StopDeliveryStreamEncryption, MSK and database
//!   sources, Snowflake and Iceberg destinations are not simulated.
//!
//! Kinesis Video Streams ([`video`], `KinesisVideo_20170930.*`, a prefix of ours: AWS routes these REST-JSON
//! operations by path):
//!
//! - PutMedia takes `ShardlabFragments` (duration and size of each) instead of MKV bytes and answers the
//!   acknowledgements at once, each with `ShardlabAtMillis`, when it reaches the producer; GetMedia answers the
//!   fragments' metadata (`ShardlabChunks`) a new connection gets first and, as `ContinuationToken`, the last
//!   one's number; GetClip the clip's size.
//! - Type and constraint failures answer `ValidationException` as the other services do; the service's own
//!   rules answer AWS's exceptions with messages in our words (AWS documents the exception names only).
//! - `SERVER_TIMESTAMP` selectors are read as producer timestamps (the two differ by the upload delay only).
//! - No control-plane or fragment-metadata rate limit is enforced.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(test)]
extern crate std;

mod account;
mod arn;
mod cli_form;
mod consumers;
pub mod firehose;
mod model;
mod pattern;
mod policies;
mod records;
mod reply;
mod shapes;
mod shards;
mod streams;
mod tags;
mod token;
mod validate;
pub mod video;

pub use cli_form::{parse_cli, parse_cli_target};
pub use consumers::subscription_events;
pub use reply::Reply;

use alloc::string::String;
use alloc::vec::Vec;
use serde_json::{Map, Value};
use shardlab_engine::kinesis::SubscriptionHandle;
use shardlab_engine::sorted_map::SortedMap;
use shardlab_engine::{Kinesis, SimTime, Simulation};
use validate::Member;

/// The `X-Amz-Target` prefix of every operation.
pub const TARGET_PREFIX: &str = "Kinesis_20131202.";

/// The state AWS keeps outside streams, which the engine does not model.
#[derive(Clone, Debug, Default)]
struct State {
    account: account::AccountSettings,
    /// Tags and resource policies of consumers, by consumer ARN.
    consumers: SortedMap<String, consumers::ConsumerExtras>,
    /// Live subscriptions by id.
    subscriptions: SortedMap<u64, SubscriptionHandle>,
}

/// One API call in progress.
struct Call<'a> {
    sim: &'a mut Simulation,
    state: &'a mut State,
    body: &'a Map<String, Value>,
}

impl Call<'_> {
    fn now(&self) -> SimTime {
        self.sim.now()
    }

    fn kinesis(&self) -> &Kinesis {
        self.sim.kinesis()
    }

    fn kinesis_mut(&mut self) -> &mut Kinesis {
        self.sim.kinesis_mut()
    }

    /// The stream the request names by `StreamName` and/or `StreamARN`.
    fn stream_name(&self) -> Result<String, Reply> {
        arn::stream_name(self.kinesis(), self.body)
    }

    fn account(&self) -> String {
        self.kinesis().config().account_id.clone()
    }
}

/// What an operation does with a checked request.
type Handler = fn(&mut Call<'_>) -> Result<Value, Reply>;

/// An operation: its name, its input members in AWS's order, and its handler.
struct Operation {
    name: &'static str,
    input: &'static [Member],
    run: Handler,
}

/// Every operation of `Kinesis_20131202`, by name.
const OPERATIONS: [Operation; 39] = [
    op("AddTagsToStream", tags::ADD_TAGS_TO_STREAM, tags::add_tags_to_stream),
    op("CreateStream", streams::CREATE_STREAM, streams::create_stream),
    op("DecreaseStreamRetentionPeriod", streams::RETENTION, streams::decrease_retention),
    op("DeleteResourcePolicy", policies::RESOURCE_ONLY, policies::delete_resource_policy),
    op("DeleteStream", streams::DELETE_STREAM, streams::delete_stream),
    op("DeregisterStreamConsumer", consumers::CONSUMER_LOOKUP, consumers::deregister_stream_consumer),
    op("DescribeAccountSettings", &[], account::describe_account_settings),
    op("DescribeLimits", &[], streams::describe_limits),
    op("DescribeStream", streams::DESCRIBE_STREAM, streams::describe_stream),
    op("DescribeStreamConsumer", consumers::CONSUMER_LOOKUP, consumers::describe_stream_consumer),
    op("DescribeStreamSummary", streams::STREAM_ONLY, streams::describe_stream_summary),
    op("DisableEnhancedMonitoring", streams::MONITORING, streams::disable_enhanced_monitoring),
    op("EnableEnhancedMonitoring", streams::MONITORING, streams::enable_enhanced_monitoring),
    op("GetRecords", records::GET_RECORDS, records::get_records),
    op("GetResourcePolicy", policies::RESOURCE_ONLY, policies::get_resource_policy),
    op("GetShardIterator", records::GET_SHARD_ITERATOR, records::get_shard_iterator),
    op("IncreaseStreamRetentionPeriod", streams::RETENTION, streams::increase_retention),
    op("ListShards", shards::LIST_SHARDS, shards::list_shards),
    op("ListStreamConsumers", consumers::LIST_STREAM_CONSUMERS, consumers::list_stream_consumers),
    op("ListStreams", streams::LIST_STREAMS, streams::list_streams),
    op("ListTagsForResource", policies::RESOURCE_ONLY, tags::list_tags_for_resource),
    op("ListTagsForStream", tags::LIST_TAGS_FOR_STREAM, tags::list_tags_for_stream),
    op("MergeShards", shards::MERGE_SHARDS, shards::merge_shards),
    op("PutRecord", records::PUT_RECORD, records::put_record),
    op("PutRecords", records::PUT_RECORDS, records::put_records),
    op("PutResourcePolicy", policies::PUT_RESOURCE_POLICY, policies::put_resource_policy),
    op("RegisterStreamConsumer", consumers::REGISTER_STREAM_CONSUMER, consumers::register_stream_consumer),
    op("RemoveTagsFromStream", tags::REMOVE_TAGS_FROM_STREAM, tags::remove_tags_from_stream),
    op("SplitShard", shards::SPLIT_SHARD, shards::split_shard),
    op("StartStreamEncryption", streams::ENCRYPTION, streams::start_stream_encryption),
    op("StopStreamEncryption", streams::ENCRYPTION, streams::stop_stream_encryption),
    op("SubscribeToShard", consumers::SUBSCRIBE_TO_SHARD, consumers::subscribe_to_shard),
    op("TagResource", tags::TAG_RESOURCE, tags::tag_resource),
    op("UntagResource", tags::UNTAG_RESOURCE, tags::untag_resource),
    op("UpdateAccountSettings", account::UPDATE_ACCOUNT_SETTINGS, account::update_account_settings),
    op("UpdateMaxRecordSize", streams::UPDATE_MAX_RECORD_SIZE, streams::update_max_record_size),
    op("UpdateShardCount", shards::UPDATE_SHARD_COUNT, shards::update_shard_count),
    op("UpdateStreamMode", streams::UPDATE_STREAM_MODE, streams::update_stream_mode),
    op("UpdateStreamWarmThroughput", streams::UPDATE_STREAM_WARM_THROUGHPUT, streams::update_stream_warm_throughput),
];

const fn op(name: &'static str, input: &'static [Member], run: Handler) -> Operation {
    Operation { name, input, run }
}

/// The names of every operation, in alphabetical order.
pub fn operation_names() -> impl ExactSizeIterator<Item = &'static str> {
    OPERATIONS.iter().map(|o| o.name)
}

/// The Kinesis Data Streams API of one simulated account: dispatches `Kinesis_20131202.*` calls to the
/// engine, and keeps the few things AWS stores outside streams.
#[derive(Clone, Debug, Default)]
pub struct KinesisApi {
    state: State,
}

impl KinesisApi {
    /// An API with default account settings and no subscriptions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers one call: `target` is the `X-Amz-Target` header, `body` the parsed request body.
    pub fn handle(&mut self, sim: &mut Simulation, target: &str, body: &Value) -> Reply {
        let Value::Object(body) = body else {
            return Reply::serialization("Start of structure or map expected.");
        };
        if let Some(name) = target.strip_prefix(firehose::TARGET_PREFIX) {
            return firehose::handle(sim, name, body);
        }
        if let Some(name) = target.strip_prefix(video::TARGET_PREFIX) {
            return video::handle(sim, name, body);
        }
        let Some(operation) =
            target.strip_prefix(TARGET_PREFIX).and_then(|name| OPERATIONS.iter().find(|o| o.name == name))
        else {
            return Reply::unknown_operation();
        };
        if let Err(reply) = validate::check(body, operation.input) {
            return reply;
        }
        let mut call = Call { sim, state: &mut self.state, body };
        match (operation.run)(&mut call) {
            Ok(body) => Reply::ok(body),
            Err(reply) => reply,
        }
    }

    /// Answers one call whose body is raw text; text that is not JSON gets a `SerializationException`.
    pub fn handle_text(&mut self, sim: &mut Simulation, target: &str, body: &str) -> Reply {
        let known = target.strip_prefix(TARGET_PREFIX).is_some_and(|name| OPERATIONS.iter().any(|o| o.name == name))
            || target.strip_prefix(firehose::TARGET_PREFIX).is_some_and(firehose::is_operation)
            || target.strip_prefix(video::TARGET_PREFIX).is_some_and(video::is_operation);
        if body.trim().is_empty() {
            // AWS: an empty body is a serialization problem for a known operation, else an unknown one.
            return if known { Reply::serialization("The request body is empty.") } else { Reply::unknown_operation() };
        }
        match serde_json::from_str::<Value>(body) {
            Ok(value) => self.handle(sim, target, &value),
            Err(err) => Reply::serialization(alloc::format!("{err}")),
        }
    }

    /// The ids of subscriptions whose events have not all been drained, in order.
    pub fn subscription_ids(&self) -> Vec<u64> {
        self.state.subscriptions.keys().copied().collect()
    }

    /// Takes the events subscription `id` pushed since the last call, as AWS event-stream JSON (see the
    /// crate docs). Once the subscription has ended and its events are drained, it is forgotten.
    pub fn drain_subscription_events(&mut self, sim: &mut Simulation, id: u64) -> Vec<Value> {
        let Some(handle) = self.state.subscriptions.get(&id).cloned() else {
            return Vec::new();
        };
        let (events, ended) = consumers::drain(sim, &handle);
        if ended {
            self.state.subscriptions.remove(&id);
        }
        events
    }
}
