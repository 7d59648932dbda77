//! The service's behaviour through its typed operations, checked against `docs/aws-behaviour.md`.

use super::*;
use crate::consumer::SubscriptionEnd;
use crate::hash_range::HASH_KEY_MAX;
use crate::limits::ON_DEMAND_INITIAL_SHARDS;
use crate::shard::{Payload, ShardId};
use crate::stream::StreamMode;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const MS: fn(u64) -> SimTime = SimTime::from_millis;

fn service() -> Kinesis {
    Kinesis::new(KinesisConfig::default())
}

fn create(k: &mut Kinesis, now: SimTime, name: &str, shards: u32) {
    let input = CreateStreamInput::provisioned(name, shards);
    k.create_stream(now, input).expect("created");
}

fn put(k: &mut Kinesis, now: SimTime, name: &str, key: &str, data: &[u8]) -> Result<PutRecordOutput, StreamsError> {
    let input =
        PutRecordInput { partition_key: key.into(), data: Payload::Bytes(data.into()), explicit_hash_key: None };
    k.put_record(now, name, input, None)
}

/// Advances the service through every change due by `now`.
fn settle(k: &mut Kinesis, now: SimTime) {
    while let Some(at) = k.next_deadline().filter(|at| *at <= now) {
        k.complete_due(at);
    }
    k.complete_due(now);
}

fn active(shards: u32) -> Kinesis {
    let mut k = service();
    create(&mut k, SimTime::ZERO, "s", shards);
    settle(&mut k, MS(500));
    k
}

#[test]
fn a_new_stream_is_creating_then_active() {
    let mut k = service();
    create(&mut k, SimTime::ZERO, "s", 3);
    let stream = k.stream("s").expect("exists");
    assert_eq!((stream.status, stream.shards().len()), (StreamStatus::Creating, 0), "no shards listed while CREATING");
    let early = put(&mut k, MS(100), "s", "a", b"x").expect_err("not yet");
    assert_eq!(early.kind, StreamsErrorKind::ResourceNotFound);
    assert_eq!(early.message, "Stream s under account 000000000000 not found.");
    settle(&mut k, MS(500));
    assert_eq!(k.stream("s").map(|s| (s.status, s.shards().len())), Some((StreamStatus::Active, 3)));
    assert_eq!(k.stream("s").map(|s| s.arn.as_str()), Some("arn:aws:kinesis:us-east-1:000000000000:stream/s"));
}

#[test]
fn names_are_unique_and_state_rules_hold() {
    let mut k = service();
    create(&mut k, SimTime::ZERO, "s", 1);
    let again = CreateStreamInput::provisioned("s", 1);
    let err = k.create_stream(MS(1), again).expect_err("duplicate");
    assert_eq!(
        (err.kind, err.message.as_str()),
        (StreamsErrorKind::ResourceInUse, "Stream s under account 000000000000 already exists.")
    );
    let split = k.split_shard(MS(2), "s", "shardId-000000000000", 2).expect_err("still CREATING");
    assert_eq!(split.message, "Stream s under account 000000000000 not ACTIVE, instead in state CREATING");
    let missing = k.describe_stream(MS(3), "nope").expect_err("missing");
    assert_eq!(missing.message, "Stream nope under account 000000000000 not found.");
}

#[test]
fn deletion_takes_the_transition_delay() {
    let mut k = active(1);
    k.delete_stream(MS(1_000), "s", false).expect("deleting");
    assert_eq!(k.stream("s").map(|s| s.status), Some(StreamStatus::Deleting));
    settle(&mut k, MS(1_500));
    assert!(k.stream("s").is_none());
    create(&mut k, MS(2_000), "s", 1);
}

#[test]
fn records_read_back_in_order_with_every_iterator_type() {
    let mut k = active(1);
    let first = put(&mut k, MS(1_000), "s", "a", b"one").expect("put");
    put(&mut k, MS(2_000), "s", "a", b"two").expect("put");
    let third = put(&mut k, MS(3_000), "s", "a", b"three").expect("put");
    let seq = |o: &PutRecordOutput| o.sequence_number.to_decimal();
    let read = |k: &mut Kinesis, now, start| {
        let it = k.get_shard_iterator(now, "s", "shardId-000000000000", start).expect("iterator");
        let out = k.get_records(now, &it, None).expect("records");
        out.records.iter().map(|r| r.data.to_bytes()).collect::<Vec<_>>()
    };
    assert_eq!(
        read(&mut k, MS(4_000), IteratorStart::TrimHorizon),
        [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]
    );
    assert_eq!(read(&mut k, MS(5_000), IteratorStart::AtSequenceNumber(seq(&third))), [b"three".to_vec()]);
    assert_eq!(
        read(&mut k, MS(6_000), IteratorStart::AfterSequenceNumber(seq(&first))),
        [b"two".to_vec(), b"three".to_vec()]
    );
    assert!(read(&mut k, MS(7_000), IteratorStart::Latest).is_empty());
    let at_two = k.unix_ms(MS(2_000));
    assert_eq!(read(&mut k, MS(8_000), IteratorStart::AtTimestamp(at_two)), [b"two".to_vec(), b"three".to_vec()]);
}

#[test]
fn iterators_expire_after_five_minutes() {
    let mut k = active(1);
    let it = k.get_shard_iterator(MS(1_000), "s", "0", IteratorStart::Latest).expect("iterator");
    k.get_records(MS(301_000), &it, None).expect("exactly 300,000 ms old is still valid");
    let err = k.get_records(MS(301_001), &it, None).expect_err("expired");
    assert_eq!(err.kind, StreamsErrorKind::ExpiredIterator);
    // Epoch 2026-01-01T00:00:00Z plus 1 s and plus 301.001 s.
    assert_eq!(
        err.message,
        "Iterator expired. The iterator was created at time Thu Jan 01 00:00:01 UTC 2026 while right now it is \
         Thu Jan 01 00:05:01 UTC 2026 which is further in the future than the tolerated delay of 300000 milliseconds."
    );
    let garbage = k.get_records(MS(1_000), "AAAAAAAAAAE=", None).expect_err("garbage");
    assert_eq!((garbage.kind, garbage.message.as_str()), (StreamsErrorKind::InvalidArgument, "Invalid ShardIterator."));
}

#[test]
fn iterator_argument_errors_use_aws_texts() {
    let mut k = active(2);
    let on_one = put(&mut k, MS(1_000), "s", "b", b"x").expect("put");
    assert_eq!(on_one.shard_id, ShardId(1), "'b' hashes into the upper half");
    let err = k
        .get_shard_iterator(
            MS(1_000),
            "s",
            "shardId-000000000000",
            IteratorStart::AtSequenceNumber(on_one.sequence_number.to_decimal()),
        )
        .expect_err("another shard's number");
    assert_eq!(
        err.message,
        "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000"
    );
    let err =
        k.get_shard_iterator(MS(1_000), "s", "shardId-000000000005", IteratorStart::Latest).expect_err("no shard 5");
    assert_eq!(err.message, "Shard shardId-000000000005 in stream s under account 000000000000 does not exist");
    let err = k
        .get_shard_iterator(
            MS(1_000),
            "s",
            "0",
            // 2^130: above the version-0 range (below 2^129), below the 47-hex-digit layouts.
            IteratorStart::AtSequenceNumber("1361129467683753853853498429727072845824".into()),
        )
        .expect_err("undecodable");
    assert_eq!(
        err.message,
        "StartingSequenceNumber 1361129467683753853853498429727072845824 used in GetShardIterator on shard \
         shardId-000000000000 in stream s under account 000000000000 is invalid."
    );
    let future = k.unix_ms(MS(1_001));
    let err = k.get_shard_iterator(MS(1_000), "s", "0", IteratorStart::AtTimestamp(future)).expect_err("future");
    assert!(
        err.message.starts_with("The timestampInMillis parameter cannot be greater than the currentTimestampInMillis."),
        "{}",
        err.message
    );
}

#[test]
fn split_then_read_the_parent_to_its_end_and_find_the_children() {
    let mut k = active(1);
    put(&mut k, MS(1_000), "s", "a", b"before").expect("put");
    let err = k.split_shard(MS(1_000), "s", "shardId-000000000000", 1).expect_err("K must exceed start + 1");
    assert_eq!(
        err.message,
        "NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream s under account 000000000000 is \
         not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey \
         340282366920938463463374607431768211455."
    );
    k.split_shard(MS(1_000), "s", "shardId-000000000000", 2).expect("split");
    assert_eq!(k.stream("s").map(|s| s.status), Some(StreamStatus::Updating));
    // While UPDATING, writes still go to the parent.
    assert_eq!(put(&mut k, MS(1_200), "s", "a", b"during").expect("put").shard_id, ShardId(0));
    settle(&mut k, MS(1_500));
    let stream = k.stream("s").expect("exists");
    let ranges: Vec<_> = stream
        .open_shards()
        .map(|s| (s.id.to_string(), s.hash_key_range.starting_hash_key, s.hash_key_range.ending_hash_key))
        .collect();
    assert_eq!(
        ranges,
        [("shardId-000000000001".to_string(), 0, 1), ("shardId-000000000002".to_string(), 2, HASH_KEY_MAX)]
    );
    assert_eq!(put(&mut k, MS(2_000), "s", "a", b"after").expect("put").shard_id, ShardId(2));
    let it =
        k.get_shard_iterator(MS(2_000), "s", "0", IteratorStart::TrimHorizon).expect("closed shards stay readable");
    let out = k.get_records(MS(2_000), &it, None).expect("read");
    assert_eq!(out.records.len(), 2);
    assert_eq!(out.next_shard_iterator, None, "a closed shard read to its end has no next iterator");
    let children: Vec<_> = out.child_shards.iter().map(|(id, parents, _)| (*id, parents.clone())).collect();
    assert_eq!(children, [(ShardId(1), vec![ShardId(0)]), (ShardId(2), vec![ShardId(0)])]);
}

#[test]
fn merge_needs_an_adjacent_pair_in_order() {
    let mut k = active(3);
    let err = k.merge_shards(MS(1_000), "s", "shardId-000000000000", "shardId-000000000002").expect_err("not adjacent");
    assert_eq!(
        err.message,
        "Shards shardId-000000000000 and shardId-000000000002 in stream s under account 000000000000 are not an adjacent \
         pair of shards eligible for merging"
    );
    k.merge_shards(MS(1_000), "s", "shardId-000000000001", "shardId-000000000000").expect_err("inverted order");
    k.merge_shards(MS(1_000), "s", "shardId-000000000000", "shardId-000000000001").expect("adjacent");
    settle(&mut k, MS(1_500));
    let child = k.stream("s").and_then(|s| s.shard(ShardId(3))).expect("merged child");
    assert_eq!((child.parent_shard_id, child.adjacent_parent_shard_id), (Some(ShardId(0)), Some(ShardId(1))));
    let again = k.split_shard(MS(2_000), "s", "shardId-000000000000", 5).expect_err("closed parent");
    assert_eq!(again.kind, StreamsErrorKind::ResourceInUse);
}

#[test]
fn update_shard_count_keeps_to_half_and_double() {
    let mut k = active(4);
    assert!(k.update_shard_count(MS(1_000), "s", 9).is_err(), "more than double");
    assert!(k.update_shard_count(MS(1_000), "s", 1).is_err(), "less than half");
    assert_eq!(k.update_shard_count(MS(1_000), "s", 6), Ok(4));
    settle(&mut k, MS(1_500));
    assert_eq!(k.stream("s").map(Stream::open_shard_count), Some(6));
}

#[test]
fn ten_scalings_a_day_at_most() {
    let mut k = active(2);
    for i in 0..10u64 {
        let target = if i % 2 == 0 { 3 } else { 2 };
        let now = SimTime::from_secs(10 + i * 10);
        k.update_shard_count(now, "s", target).expect("within the daily limit");
        settle(&mut k, now + SimDuration::SECOND);
    }
    let err = k.update_shard_count(SimTime::from_secs(200), "s", 2).expect_err("eleventh");
    assert_eq!(err.kind, StreamsErrorKind::LimitExceeded);
    k.update_shard_count(SimTime::from_secs(86_410), "s", 2).expect("a day after the first");
}

#[test]
fn on_demand_streams_refuse_manual_resharding() {
    let mut k = service();
    let input = CreateStreamInput::on_demand("od");
    k.create_stream(SimTime::ZERO, input).expect("created");
    settle(&mut k, MS(500));
    assert_eq!(k.stream("od").map(Stream::open_shard_count), Some(4), "on-demand starts with 4 MB/s of capacity");
    let err = k.split_shard(MS(600), "od", "0", 1 << 100).expect_err("on-demand");
    assert_eq!(err.kind, StreamsErrorKind::Validation);
}

#[test]
fn retention_rules_and_trimming() {
    let mut k = active(1);
    let err = k.increase_retention(MS(1), "s", 23).expect_err("too short");
    assert_eq!(
        err.message,
        "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short."
    );
    k.increase_retention(MS(1), "s", 48).expect("longer");
    let err = k.increase_retention(MS(2), "s", 24).expect_err("shorter via increase");
    assert_eq!(
        err.message,
        "Requested retention period (24 hours) for stream s can not be shorter than existing retention period (48 hours). \
         Use DecreaseRetentionPeriod API."
    );
    put(&mut k, MS(1_000), "s", "a", b"old").expect("put");
    k.decrease_retention(SimTime::from_secs(25 * 3_600), "s", 24).expect("shorter");
    let it = k.get_shard_iterator(SimTime::from_secs(25 * 3_600), "s", "0", IteratorStart::TrimHorizon).expect("it");
    assert!(
        k.get_records(SimTime::from_secs(25 * 3_600), &it, None).expect("read").records.is_empty(),
        "older than 24 h"
    );
}

#[test]
fn shared_reads_are_limited_per_shard() {
    let mut k = active(1);
    let it = k.get_shard_iterator(MS(1_000), "s", "0", IteratorStart::Latest).expect("it");
    for _ in 0..5 {
        k.get_records(MS(1_000), &it, None).expect("five calls a second");
    }
    let err = k.get_records(MS(1_000), &it, None).expect_err("sixth");
    assert_eq!(err.kind, StreamsErrorKind::ProvisionedThroughputExceeded);
    assert_eq!(err.message, "Rate exceeded for Shard - 000000000000/s/shardId-000000000000");
}

#[test]
fn get_shard_iterator_allows_5_calls_per_second_per_shard() {
    // Quotas and limits: GetShardIterator "5 transactions per second per open shard".
    let mut k = active(2);
    for call in 0..5 {
        k.get_shard_iterator(MS(1_000), "s", "0", IteratorStart::Latest).unwrap_or_else(|e| panic!("call {call}: {e}"));
    }
    let err = k.get_shard_iterator(MS(1_000), "s", "shardId-0", IteratorStart::TrimHorizon).expect_err("sixth");
    assert_eq!(err.kind, StreamsErrorKind::ProvisionedThroughputExceeded);
    assert_eq!(err.message, "Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.");
    assert_eq!(k.get_shard_iterator(MS(1_999), "s", "0", IteratorStart::Latest).map(|_| ()), Err(err));
    // The limit is per shard, and the second after the first call frees its slot.
    k.get_shard_iterator(MS(1_000), "s", "1", IteratorStart::Latest).expect("another shard");
    k.get_shard_iterator(MS(2_000), "s", "0", IteratorStart::Latest).expect("a second later");
    // SubscribeToShard starts its own position and does not count against it.
    let arn = k.register_consumer(MS(2_000), "s", "c").expect("registered").arn.clone();
    settle(&mut k, MS(3_000));
    for _ in 0..4 {
        k.get_shard_iterator(MS(3_000), "s", "0", IteratorStart::Latest).expect("within five");
    }
    k.subscribe_to_shard(MS(3_000), &arn, "0", IteratorStart::Latest).expect("not GetShardIterator's limit");
    k.get_shard_iterator(MS(3_000), "s", "0", IteratorStart::Latest).expect("the fifth");
}

#[test]
fn put_records_fails_entries_not_the_batch() {
    let mut k = active(1);
    let entries: Vec<_> = (0..1_200)
        .map(|i| PutRecordsEntry {
            partition_key: alloc::format!("k{i}"),
            data: Payload::Bytes(vec![1].into()),
            explicit_hash_key: None,
        })
        .collect();
    assert!(k.put_records(MS(1_000), "s", entries.clone()).is_err(), "more than 500 entries");
    let out = k.put_records(MS(1_000), "s", entries[..500].to_vec()).expect("ok");
    assert_eq!(out.failed_record_count, 0);
    let out = k.put_records(MS(1_100), "s", entries[..500].to_vec()).expect("ok");
    assert_eq!(out.failed_record_count, 0);
    let out = k.put_records(MS(1_200), "s", entries[..10].to_vec()).expect("ok");
    assert_eq!(out.failed_record_count, 10, "the shard took 1,000 records in this second");
    assert_eq!(out.records.len(), 10);
    assert!(matches!(
        &out.records[0],
        PutRecordsResultEntry::Failed { error_code: "ProvisionedThroughputExceededException", .. }
    ));
}

#[test]
fn subscriptions_share_record_bytes_instead_of_copying_them() {
    // Issue 22: each subscription copied its records (60 MiB stored became 2.49 GB resident).
    let mut k = active(1);
    let arns: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|name| k.register_consumer(MS(0), "s", name).expect("registered").arn.clone())
        .collect();
    settle(&mut k, MS(500));
    put(&mut k, MS(1_000), "s", "k", &[7; 1_000]).expect("put");
    let handles: Vec<_> = arns
        .iter()
        .map(|arn| k.subscribe_to_shard(MS(1_000), arn, "0", IteratorStart::TrimHorizon).expect("subscribed"))
        .collect();
    k.push_subscriptions(MS(1_200));
    let stored = match &k.stream("s").expect("exists").shards()[0].records().next().expect("stored").data {
        Payload::Bytes(bytes) => bytes.clone(),
        other => panic!("bytes were put: {other:?}"),
    };
    for handle in &handles {
        let (events, _) = k.drain_subscription(handle);
        let record = &events.first().expect("one event").records[0];
        let Payload::Bytes(pushed) = &record.data else { panic!("bytes were put") };
        assert!(alloc::sync::Arc::ptr_eq(&stored, pushed), "the event points at the stored bytes");
    }
}

#[test]
fn enhanced_fan_out_pushes_at_2_mib_per_second_per_consumer() {
    let mut k = active(1);
    let arn = k.register_consumer(MS(0), "s", "app").expect("registered").arn.clone();
    assert!(arn.starts_with("arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/app:"));
    let err = k.subscribe_to_shard(MS(100), &arn, "0", IteratorStart::TrimHorizon).expect_err("CREATING");
    assert_eq!(err.kind, StreamsErrorKind::ResourceInUse);
    settle(&mut k, MS(500));
    // Ten seconds of 1 MiB/s writes: 10 MiB waiting.
    for s in 0..10u64 {
        let input = PutRecordInput {
            partition_key: "k".into(),
            data: Payload::Synthetic { len_bytes: 1_048_575 },
            explicit_hash_key: None,
        };
        k.put_record(SimTime::from_secs(1 + s), "s", input, None).expect("1 MiB per second fits");
    }
    let handle =
        k.subscribe_to_shard(SimTime::from_secs(11), &arn, "0", IteratorStart::TrimHorizon).expect("subscribed");
    let mut delivered = 0u64;
    let mut t = SimTime::from_secs(11);
    while t < SimTime::from_secs(14) {
        k.push_subscriptions(t);
        t = t + PUSH_INTERVAL;
    }
    let (events, ended) = k.drain_subscription(&handle);
    for e in &events {
        delivered += e.records.iter().map(crate::shard::Record::size_bytes).sum::<u64>();
    }
    assert_eq!(ended, None);
    // From t = 11 s to t = 13.8 s the pipe carries 2 MiB/s: two records at the start of each second.
    assert_eq!(delivered, 6 * 1_048_576);
    let again = k.subscribe_to_shard(SimTime::from_secs(12), &arn, "0", IteratorStart::Latest).expect_err("within 5 s");
    assert_eq!(again.kind, StreamsErrorKind::ResourceInUse);
    k.subscribe_to_shard(SimTime::from_secs(17), &arn, "0", IteratorStart::Latest).expect("takes over after 5 s");
    let (_, ended) = k.drain_subscription(&handle);
    assert_eq!(ended, Some(SubscriptionEnd::Replaced));
}

#[test]
fn rate_limits_on_the_control_plane() {
    let mut k = active(1);
    for _ in 0..10 {
        k.describe_stream(MS(1_000), "s").expect("ten a second");
    }
    let err = k.describe_stream(MS(1_000), "s").expect_err("eleventh");
    assert_eq!(err.kind, StreamsErrorKind::LimitExceeded);
    assert!(err.message.starts_with("Rate exceeded"), "{}", err.message);
    k.describe_stream(MS(2_000), "s").expect("next second");
}

#[test]
fn usage_accrues_in_billing_units() {
    let mut k = active(2);
    for s in 1..=3_600u64 {
        if s <= 10 {
            // One 45,000-byte record: 2 PUT payload units.
            let input = PutRecordInput {
                partition_key: "a".into(),
                data: Payload::Synthetic { len_bytes: 44_999 },
                explicit_hash_key: None,
            };
            k.put_record(SimTime::from_secs(s), "s", input, None).expect("fits");
        }
        k.close_second(SimTime::from_secs(s));
    }
    let usage = k.usage_of(k.stream("s").expect("exists"));
    assert_eq!(usage.shard_seconds, 2 * 3_600, "two shards for an hour");
    assert_eq!(usage.put_payload_units, 20);
    assert_eq!(usage.extended_retention_shard_seconds, 0, "24 hours is the included retention");
    let lines = crate::cost::estimate(&usage);
    assert_eq!((lines[0].item, lines[0].cost_micro_usd), ("Shard hours", 30_000), "2 shard-hours at $0.015");
}

/// Bytes of each record the on-demand tests write, data plus its 1-byte key: 100 KiB, so a shard's 1 MiB/s
/// takes 10 of them a second (10 × 102,400 = 1,024,000 ≤ 1,048,576 < 11 × 102,400).
const BIG_RECORD_BYTES: u64 = 102_400;

/// Writes `records` records of [`BIG_RECORD_BYTES`] to `name` during `second`, spread evenly over the hash key
/// space (so each of n uniform shards gets 1/n of them) in 20 PutRecords calls 50 ms apart; closes the second.
/// Returns the records throttled.
fn write_evenly(k: &mut Kinesis, name: &str, second: u64, records: u64) -> u64 {
    let step = u128::MAX / u128::from(records.max(1));
    let mut throttled = 0;
    for batch in 0..20 {
        let entries: Vec<PutRecordsEntry> = (batch..records)
            .step_by(20)
            .map(|i| PutRecordsEntry {
                partition_key: "k".into(),
                data: Payload::Synthetic { len_bytes: BIG_RECORD_BYTES as u32 - 1 },
                explicit_hash_key: Some(u128::from(i) * step + step / 2),
            })
            .collect();
        if entries.is_empty() {
            continue;
        }
        let at = SimTime::from_secs(second) + SimDuration::from_millis(batch * 50);
        throttled += u64::from(k.put_records(at, name, entries).expect("a valid request").failed_record_count);
    }
    k.close_second(SimTime::from_secs(second + 1));
    throttled
}

fn on_demand_stream(k: &mut Kinesis, name: &str) {
    k.create_active_stream(SimTime::ZERO, CreateStreamInput::on_demand(name)).expect("created");
}

#[test]
fn on_demand_capacity_follows_twice_the_peak_and_throttles_a_jump_beyond_it() {
    // `docs/aws-behaviour.md` §1.11: a new stream has 4 shards; each minute the peak second sets the shards to
    // ceil(2 × peak ÷ one shard's limit); traffic above the capacity in place is throttled until then.
    let mut k = service();
    on_demand_stream(&mut k, "od");
    assert_eq!(k.stream("od").map(Stream::open_shard_count), Some(ON_DEMAND_INITIAL_SHARDS));
    // Minute 1: 10 records/s (1,024,000 B/s). Twice that needs 2 shards: the 4 stay.
    for second in 0..60 {
        assert_eq!(write_evenly(&mut k, "od", second, 10), 0, "second {second}");
    }
    assert_eq!(k.stream("od").map(Stream::open_shard_count), Some(4));
    assert_eq!(k.on_demand_peak("od"), Some(WriteRate { bytes_per_sec: 1_024_000, records_per_sec: 10 }));
    assert_eq!(k.take_on_demand_steps(), [], "no step");
    // Minute 2: 60 records/s (6,144,000 B/s, about 6 MB/s), more than twice the peak. 4 shards accept
    // 4 × 10 a second: 20 a second are throttled once each shard's one-second window is full.
    let throttled: Vec<u64> = (60..120).map(|second| write_evenly(&mut k, "od", second, 60)).collect();
    assert!(throttled[0] > 0);
    assert!(throttled[2..].iter().all(|t| *t == 20), "{throttled:?}");
    // At 120 s the peak is 40 records/s, 4,096,000 B/s: ceil(2 × 4,096,000 ÷ 1,048,576) = 8 shards.
    let steps = k.take_on_demand_steps();
    let peak = WriteRate { bytes_per_sec: 4_096_000, records_per_sec: 40 };
    let expected =
        OnDemandStep { at: SimTime::from_secs(120), stream_name: "od".into(), from_shards: 4, to_shards: 8, peak };
    assert_eq!(steps, [expected]);
    assert_eq!(steps[0].capacity(), WriteRate { bytes_per_sec: 8 * 1_048_576, records_per_sec: 8_000 });
    // Minute 3: the same 60 records/s now fit 8 shards (7 or 8 each): no throttling.
    for second in 120..180 {
        assert_eq!(write_evenly(&mut k, "od", second, 60), 0, "second {second}");
    }
    // The new peak, 6,144,000 B/s, needs ceil(12,288,000 ÷ 1,048,576) = 12 shards: 12 MiB/s for 6 MB/s.
    let steps = k.take_on_demand_steps();
    assert_eq!(steps.iter().map(|s| (s.from_shards, s.to_shards)).collect::<Vec<_>>(), [(8, 12)]);
    assert_eq!(steps[0].peak, WriteRate { bytes_per_sec: 6_144_000, records_per_sec: 60 });
    let stream = k.stream("od").expect("exists");
    assert_eq!((stream.open_shard_count(), stream.status), (12, StreamStatus::Active));
    // The shard count changed underneath, through resharding: the first shards are closed parents.
    let first = stream.shard(ShardId(0)).expect("kept while its records are retained");
    assert!(!first.is_open() && !first.child_shard_ids.is_empty());
    // Another minute at the same rate: the peak stands, so does the capacity.
    for second in 180..240 {
        assert_eq!(write_evenly(&mut k, "od", second, 60), 0);
    }
    assert_eq!(k.take_on_demand_steps(), []);
}

#[test]
fn on_demand_counts_records_as_well_as_bytes_and_keeps_a_switched_streams_shards() {
    assert_eq!(shards_for_peak(WriteRate { bytes_per_sec: 0, records_per_sec: 3_000 }, 4), 6);
    assert_eq!(shards_for_peak(WriteRate { bytes_per_sec: 3 * 1_048_576, records_per_sec: 10 }, 4), 6);
    assert_eq!(shards_for_peak(WriteRate { bytes_per_sec: 1, records_per_sec: 1 }, 10), 10, "never below the open");
    // A provisioned stream of 6 shards switched to on-demand keeps its 6 (`docs/aws-behaviour.md` §1.11).
    let mut k = active(6);
    k.update_stream_mode(MS(600), "s", StreamMode::OnDemand, None).expect("first switch");
    settle(&mut k, MS(1_100));
    for second in 2..60 {
        write_evenly(&mut k, "s", second, 10);
    }
    assert_eq!(k.stream("s").map(|s| (s.mode, s.open_shard_count())), Some((StreamMode::OnDemand, 6)));
    assert_eq!(k.take_on_demand_steps(), []);
}

#[test]
fn on_demand_is_billed_per_stream_hour_and_gigabyte() {
    // `docs/aws-behaviour.md` §7: On-demand Standard bills stream-hours, data in with each record rounded up to
    // 1 KiB, and data out.
    let mut k = service();
    on_demand_stream(&mut k, "od");
    for (i, key) in ["a", "b", "c"].into_iter().enumerate() {
        // 1,499 bytes of data and a 1-byte key: 1,500 bytes, billed as 2 KiB.
        let input = PutRecordInput {
            partition_key: key.into(),
            data: Payload::Synthetic { len_bytes: 1_499 },
            explicit_hash_key: None,
        };
        k.put_record(MS(10 + i as u64), "od", input, None).expect("fits");
    }
    let mut read_bytes = 0;
    for shard in ["0", "1", "2", "3"] {
        let iterator = k.get_shard_iterator(MS(100), "od", shard, IteratorStart::TrimHorizon).expect("iterator");
        let out = k.get_records(MS(200), &iterator, None).expect("read");
        read_bytes += out.records.iter().map(|r| r.size_bytes()).sum::<u64>();
    }
    assert_eq!(read_bytes, 3 * 1_500);
    for second in 1..=3_600 {
        k.close_second(SimTime::from_secs(second));
    }
    let usage = k.usage_of(k.stream("od").expect("exists"));
    assert_eq!(
        (usage.on_demand_stream_seconds, usage.on_demand_bytes_in, usage.on_demand_bytes_out),
        (3_600, 3 * 2_048, 4_500)
    );
    assert_eq!((usage.shard_seconds, usage.put_payload_units), (0, 0), "no shard-hours or PUT units");
    let lines = crate::cost::estimate(&usage);
    assert_eq!(
        (lines[0].item, lines[0].quantity_milli, lines[0].cost_micro_usd),
        ("On-demand stream hours", 1_000, 40_000)
    );
}

#[test]
fn stream_metrics_count_api_calls() {
    let mut k = active(1);
    put(&mut k, MS(1_000), "s", "a", b"12345").expect("put");
    let entries: Vec<_> = (0..1_001)
        .map(|i| PutRecordsEntry {
            partition_key: alloc::format!("k{i}"),
            data: Payload::Bytes(vec![1].into()),
            explicit_hash_key: None,
        })
        .collect();
    k.put_records(MS(1_100), "s", entries[..500].to_vec()).expect("ok");
    let out = k.put_records(MS(1_200), "s", entries[500..1_000].to_vec()).expect("ok");
    assert_eq!(out.failed_record_count, 1, "the first PutRecord used one of the second's 1,000 records");
    let second = k.stream("s").expect("exists").metrics.second(1);
    assert_eq!((second.put_record_success, second.put_record_bytes), (1, 6));
    assert_eq!((second.put_records_success, second.put_records_total_records), (2, 1_000));
    assert_eq!((second.put_records_successful_records, second.put_records_throttled_records), (999, 1));
}

#[test]
fn put_records_accepted_writes_what_put_records_writes_and_answers_only_acceptance() {
    // The same calls through the API's answer and through the simulated producers' path: a shard takes 1,000
    // records a second, so of 500 + 500 + 10 records in one second the last 10 are refused.
    let (mut answered, mut counted) = (active(1), active(1));
    let entries: Vec<_> = (0..500)
        .map(|i| PutRecordsEntry {
            partition_key: alloc::format!("k{i}"),
            data: Payload::Bytes(vec![1].into()),
            explicit_hash_key: None,
        })
        .collect();
    let as_written = |entries: &[PutRecordsEntry]| -> Vec<WriteEntry> {
        entries
            .iter()
            .map(|e| WriteEntry {
                partition_key: crate::shard_log::WriteKey::Text(e.partition_key.clone()),
                data: e.data.clone(),
                explicit_hash_key: e.explicit_hash_key,
            })
            .collect()
    };
    let mut accepted = Vec::new();
    for (at_ms, count, refused) in [(1_000, 500, 0u32), (1_100, 500, 0), (1_200, 10, 10)] {
        let out = answered.put_records(MS(at_ms), "s", entries[..count].to_vec()).expect("a valid call");
        let failed = counted
            .put_records_accepted(MS(at_ms), "s", as_written(&entries[..count]), None, &mut accepted)
            .expect("a valid call");
        assert_eq!((out.failed_record_count, failed), (refused, refused), "at {at_ms} ms");
        let written: Vec<bool> = out.records.iter().map(|r| matches!(r, PutRecordsResultEntry::Ok(_))).collect();
        assert_eq!(accepted, written, "at {at_ms} ms");
        assert_eq!(accepted.iter().filter(|a| !**a).count(), refused as usize, "at {at_ms} ms");
    }
    let records = |k: &Kinesis| -> Vec<crate::shard::Record> {
        k.stream("s").expect("created").open_shards().flat_map(|s| s.records().collect::<Vec<_>>()).collect()
    };
    assert_eq!(records(&answered).len(), 1_000);
    assert_eq!(records(&answered), records(&counted), "the same records with the same sequence numbers");
    assert!(counted.put_records_accepted(MS(2_000), "s", Vec::new(), None, &mut accepted).is_err(), "no entries");
}
