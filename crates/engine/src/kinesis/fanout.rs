//! Enhanced fan-out: consumers, SubscribeToShard, and the 2 MiB/s push per consumer per shard.

use super::Kinesis;
use super::data::IteratorStart;
use crate::consumer::{Consumer, ConsumerStatus, SubscribeToShardEvent, Subscription, SubscriptionEnd};
use crate::error::{StreamsError, StreamsErrorKind};
use crate::iterator::IteratorToken;
use crate::limits::{
    CONSUMERS_CREATING_MAX, CONSUMERS_PER_STREAM_MAX, SHARD_READ_BYTES_PER_SEC, SUBSCRIPTION_LIFETIME_MS,
};
use crate::sequence::SequenceNumber;
use crate::shard::ReadRecord;
use crate::sorted_map::SortedSet;
use crate::time::{SimDuration, SimTime};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Names a subscription: the stream, the consumer and the subscription id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SubscriptionHandle {
    /// The stream's name.
    pub stream_name: String,
    /// The consumer's ARN.
    pub consumer_arn: String,
    /// The subscription's id.
    pub id: u64,
}

/// How often a subscription pushes an event when data is waiting (the cadence is unconfirmed; with the
/// fan-out propagation delay it gives AWS's typical 70 ms average, see [`crate::latency`]).
pub const PUSH_INTERVAL: SimDuration = SimDuration::from_millis(50);
/// How often an idle subscription sends an empty event carrying its continuation sequence number.
const HEARTBEAT: SimDuration = SimDuration::SECOND;

impl Kinesis {
    fn consumer_not_found(&self, what: &str) -> StreamsError {
        StreamsError::new(
            StreamsErrorKind::ResourceNotFound,
            format!("Consumer {what} under account {} not found.", self.config.account_id),
        )
    }

    /// RegisterStreamConsumer: CREATING, then ACTIVE after the transition delay.
    pub fn register_consumer(
        &mut self,
        now: SimTime,
        stream_name: &str,
        consumer_name: &str,
    ) -> Result<&Consumer, StreamsError> {
        self.rate_limit(now, "RegisterStreamConsumer", stream_name, 5)?;
        let account = self.config.account_id.clone();
        let done_at = self.transition_done_at(now);
        let created_unix_secs = self.unix_secs(now);
        // Noted before the checks below; if one refuses, the entry is stale and skipped.
        self.expect_change(done_at, stream_name);
        let stream = self.readable_mut(stream_name)?;
        if stream.consumers.iter().any(|c| c.name == consumer_name) {
            return Err(StreamsError::new(
                StreamsErrorKind::ResourceInUse,
                format!("Consumer {consumer_name} under stream {stream_name} under account {account} already exists."),
            ));
        }
        if stream.consumers.len() >= CONSUMERS_PER_STREAM_MAX {
            return Err(StreamsError::new(
                StreamsErrorKind::LimitExceeded,
                format!(
                    "Stream {stream_name} under account {account} already has {CONSUMERS_PER_STREAM_MAX} registered consumers."
                ),
            ));
        }
        if stream.consumers.iter().filter(|c| c.status == ConsumerStatus::Creating).count() >= CONSUMERS_CREATING_MAX {
            return Err(StreamsError::new(
                StreamsErrorKind::LimitExceeded,
                format!(
                    "Stream {stream_name} under account {account} already has {CONSUMERS_CREATING_MAX} consumers in CREATING state."
                ),
            ));
        }
        stream.consumers.push(Consumer {
            name: consumer_name.into(),
            arn: format!("{}/consumer/{consumer_name}:{created_unix_secs}", stream.arn),
            status: ConsumerStatus::Creating,
            created_unix_secs,
            transition_at: Some(done_at),
            subscriptions: Vec::new(),
        });
        Ok(stream.consumers.last().expect("just pushed"))
    }

    /// Finds a consumer by ARN, or by stream and name.
    pub fn consumer(
        &self,
        stream_name: Option<&str>,
        consumer_name: Option<&str>,
        consumer_arn: Option<&str>,
    ) -> Result<(&str, &Consumer), StreamsError> {
        let found = self.streams.values().find_map(|s| {
            s.consumers
                .iter()
                .find(|c| match (consumer_arn, stream_name, consumer_name) {
                    (Some(arn), _, _) => c.arn == arn,
                    (None, Some(stream), Some(name)) => s.name == stream && c.name == name,
                    _ => false,
                })
                .map(|c| (s.name.as_str(), c))
        });
        found.ok_or_else(|| self.consumer_not_found(consumer_arn.or(consumer_name).unwrap_or("")))
    }

    /// DeregisterStreamConsumer: DELETING, then gone; its subscriptions end.
    pub fn deregister_consumer(
        &mut self,
        now: SimTime,
        stream_name: Option<&str>,
        consumer_name: Option<&str>,
        consumer_arn: Option<&str>,
    ) -> Result<(), StreamsError> {
        let (stream, arn) = {
            let (stream, consumer) = self.consumer(stream_name, consumer_name, consumer_arn)?;
            (String::from(stream), consumer.arn.clone())
        };
        self.rate_limit(now, "DeregisterStreamConsumer", &stream, 5)?;
        let done_at = self.transition_done_at(now);
        self.expect_change(done_at, &stream);
        let consumer = self.consumer_mut(&stream, &arn).expect("found above");
        consumer.status = ConsumerStatus::Deleting;
        consumer.transition_at = Some(done_at);
        for sub in consumer.subscriptions.iter_mut().filter(|s| s.ended.is_none()) {
            sub.ended = Some((now, SubscriptionEnd::ResourceGone));
        }
        Ok(())
    }

    fn consumer_mut(&mut self, stream: &str, arn: &str) -> Option<&mut Consumer> {
        self.stream_mut(stream)?.consumers.iter_mut().find(|c| c.arn == arn)
    }

    /// Moves consumers through CREATING -> ACTIVE and DELETING -> gone.
    pub(super) fn complete_consumer_transitions(&mut self, now: SimTime, streams: &SortedSet<String>) {
        for name in streams {
            let Some(stream) = self.stream_mut(name) else { continue };
            stream
                .consumers
                .retain(|c| !(c.status == ConsumerStatus::Deleting && c.transition_at.is_some_and(|t| t <= now)));
            for consumer in &mut stream.consumers {
                if consumer.status == ConsumerStatus::Creating && consumer.transition_at.is_some_and(|t| t <= now) {
                    consumer.status = ConsumerStatus::Active;
                    consumer.transition_at = None;
                }
            }
        }
    }

    /// SubscribeToShard: starts pushing the shard's records to the consumer for up to five minutes.
    pub fn subscribe_to_shard(
        &mut self,
        now: SimTime,
        consumer_arn: &str,
        raw_shard_id: &str,
        start: IteratorStart,
    ) -> Result<SubscriptionHandle, StreamsError> {
        let account = self.config.account_id.clone();
        let (stream_name, status) = {
            let (stream, consumer) = self.consumer(None, None, Some(consumer_arn))?;
            (String::from(stream), consumer.status)
        };
        if status != ConsumerStatus::Active {
            return Err(StreamsError::new(
                StreamsErrorKind::ResourceInUse,
                format!(
                    "Consumer {consumer_arn} under account {account} is not ACTIVE, instead in state {}.",
                    status.as_str()
                ),
            ));
        }
        // The iterator rules (shard lookup, sequence-number checks) are GetShardIterator's.
        let token = self.start_iterator(now, &stream_name, raw_shard_id, start)?;
        let token = IteratorToken::decode(&token).expect("just encoded");
        let id = self.next_subscription_id;
        self.subscriptions_maybe_live = true;
        let consumer = self.consumer_mut(&stream_name, consumer_arn).expect("found above");
        let live = consumer.subscriptions.iter_mut().find(|s| s.shard_id == token.shard_id && s.ended.is_none());
        if let Some(live) = live {
            if now.saturating_since(live.started_at) < SimDuration::from_secs(5) {
                return Err(StreamsError::new(
                    StreamsErrorKind::ResourceInUse,
                    format!(
                        "Another active subscription exists for consumer {consumer_arn} and shard {} under account {account}.",
                        token.shard_id
                    ),
                ));
            }
            live.ended = Some((now, SubscriptionEnd::Replaced));
        }
        consumer.subscriptions.push(Subscription {
            id,
            shard_id: token.shard_id,
            position: token.position,
            started_at: now,
            ended: None,
            events: Default::default(),
            runs: false,
            debt_micro_bytes: 0,
            debt_at: now,
            last_event_at: now,
        });
        self.next_subscription_id += 1;
        if let Some(stream) = self.stream_mut(&stream_name) {
            stream.metrics.at(now.as_secs()).subscribe_to_shard_success += 1;
        }
        Ok(SubscriptionHandle { stream_name, consumer_arn: consumer_arn.into(), id })
    }

    /// Pushes what each live subscription may send at `now`: records up to its own 2 MiB/s, an empty
    /// heartbeat when idle, the child shards at the end of a closed shard; ends expired subscriptions.
    pub(crate) fn push_subscriptions(&mut self, now: SimTime) {
        let service_ms = self.config.fan_out_visibility_ms;
        for stream in self.streams.values_mut() {
            let visibility = SimDuration::from_millis(stream.faults.map_or(service_ms, |f| f.fan_out_visibility_ms));
            let (shards, consumers, efo_bytes, metrics) = stream.shards_and_consumers_mut();
            for consumer in consumers.iter_mut() {
                for sub in consumer.subscriptions.iter_mut().filter(|s| s.ended.is_none()) {
                    if now.saturating_since(sub.started_at).as_millis() >= SUBSCRIPTION_LIFETIME_MS {
                        sub.ended = Some((now, SubscriptionEnd::Expired));
                        continue;
                    }
                    let Some(shard) = shards.iter().find(|s| s.id == sub.shard_id) else {
                        sub.ended = Some((now, SubscriptionEnd::ResourceGone));
                        continue;
                    };
                    let repaid = now.saturating_since(sub.debt_at).0.saturating_mul(SHARD_READ_BYTES_PER_SEC);
                    sub.debt_micro_bytes = sub.debt_micro_bytes.saturating_sub(repaid);
                    sub.debt_at = now;
                    if sub.debt_micro_bytes > 0 {
                        continue;
                    }
                    // One event carries at most a second's allowance (2 MiB) and is then paid off.
                    let batch = shard.read_as::<ReadRecord>(
                        now,
                        sub.position,
                        10_000,
                        SHARD_READ_BYTES_PER_SEC,
                        visibility,
                        sub.runs,
                    );
                    let idle = batch.records.is_empty() && !batch.at_shard_end;
                    if idle && now.saturating_since(sub.last_event_at) < HEARTBEAT {
                        continue;
                    }
                    let bytes: u64 = batch.records.iter().map(ReadRecord::size_bytes).sum();
                    sub.debt_micro_bytes = bytes.saturating_mul(1_000_000);
                    *efo_bytes += bytes;
                    let bucket = metrics.at(now.as_secs());
                    bucket.subscribe_to_shard_event_records +=
                        batch.records.iter().map(ReadRecord::record_count).sum::<u64>();
                    bucket.subscribe_to_shard_event_bytes += bytes;
                    bucket.subscribe_to_shard_event_millis_behind_latest_max =
                        bucket.subscribe_to_shard_event_millis_behind_latest_max.max(batch.millis_behind_latest);
                    sub.position = batch.next_position;
                    let continuation = batch.records.last().map_or_else(
                        || SequenceNumber {
                            counter: sub.position.saturating_sub(1),
                            ..shard.starting_sequence_number()
                        },
                        ReadRecord::sequence_number,
                    );
                    let child_shard_ids = if batch.at_shard_end { shard.child_shard_ids.clone() } else { Vec::new() };
                    sub.events.push_back(SubscribeToShardEvent {
                        at: now,
                        records: batch.records,
                        continuation_sequence_number: continuation,
                        millis_behind_latest: batch.millis_behind_latest,
                        child_shard_ids,
                    });
                    sub.last_event_at = now;
                    if batch.at_shard_end {
                        sub.ended = Some((now, SubscriptionEnd::ShardEnded));
                    }
                }
            }
        }
    }

    /// Takes the events a subscription pushed since the last call, and how it ended if it did.
    /// An ended subscription is forgotten once drained.
    pub fn drain_subscription(
        &mut self,
        handle: &SubscriptionHandle,
    ) -> (Vec<SubscribeToShardEvent>, Option<SubscriptionEnd>) {
        let (events, ended) = self.drain_subscription_read(handle);
        let events = events
            .into_iter()
            .map(|e| SubscribeToShardEvent {
                at: e.at,
                // Only subscriptions the simulated readers mark count runs, and they drain their own events.
                records: e.records.iter().filter_map(ReadRecord::to_record).collect(),
                continuation_sequence_number: e.continuation_sequence_number,
                millis_behind_latest: e.millis_behind_latest,
                child_shard_ids: e.child_shard_ids,
            })
            .collect();
        (events, ended)
    }

    /// [`Self::drain_subscription`], records as the simulated readers get them.
    pub(crate) fn drain_subscription_read(
        &mut self,
        handle: &SubscriptionHandle,
    ) -> (Vec<SubscribeToShardEvent<ReadRecord>>, Option<SubscriptionEnd>) {
        let Some(consumer) = self.consumer_mut(&handle.stream_name, &handle.consumer_arn) else {
            return (Vec::new(), Some(SubscriptionEnd::ResourceGone));
        };
        let Some(index) = consumer.subscriptions.iter().position(|s| s.id == handle.id) else {
            return (Vec::new(), Some(SubscriptionEnd::ResourceGone));
        };
        let sub = &mut consumer.subscriptions[index];
        let events: Vec<_> = sub.events.drain(..).collect();
        let ended = sub.ended.map(|(_, why)| why);
        if ended.is_some() {
            consumer.subscriptions.remove(index);
        }
        (events, ended)
    }

    /// Makes a subscription's events count numbered records in runs (a simulated reader that looks at no
    /// record one by one asks for it).
    pub(crate) fn count_runs_of(&mut self, handle: &SubscriptionHandle) {
        if let Some(consumer) = self.consumer_mut(&handle.stream_name, &handle.consumer_arn)
            && let Some(sub) = consumer.subscriptions.iter_mut().find(|s| s.id == handle.id)
        {
            sub.runs = true;
        }
    }

    /// Whether any subscription is live (the simulation schedules pushes only then).
    pub fn has_live_subscriptions(&self) -> bool {
        self.subscriptions_maybe_live
            && self
                .streams
                .values()
                .any(|s| s.consumers.iter().any(|c| c.subscriptions.iter().any(|sub| sub.ended.is_none())))
    }
}
