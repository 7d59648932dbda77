//! Property tests: random workloads of puts, reshards and time steps against a small reference model.
//!
//! The model is the definition, computed the slow way: a put to a shard is accepted exactly when the
//! shard's accepted puts in the second before it, plus this one, stay within 1,000 records and 1 MiB.
//! After every step the engine must agree with the model and keep its invariants:
//! records in a shard are in sequence order; no accepted record is lost or duplicated; no one-second
//! window of a shard exceeds a limit; the open shards tile the hash-key space.

use proptest::prelude::*;
use shardlab_engine::hash_range::HASH_KEY_MAX;
use shardlab_engine::kinesis::{CreateStreamInput, PutRecordInput};
use shardlab_engine::{Kinesis, KinesisConfig, Payload, ShardId, SimDuration, SimTime, StreamsErrorKind};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
enum Op {
    /// Put one record with key `user-<key>` of `bytes` bytes, `gap_us` after the previous step.
    Put { key: u16, bytes: u32, gap_us: u32 },
    /// `count` puts of small records with key `user-<key>`, 100 µs apart: enough to reach 1,000 records/s.
    Burst { key: u16, count: u16 },
    /// Split the open shard at position `pick` (modulo the count) at `fraction`/256 of its range.
    Split { pick: u8, fraction: u8 },
    /// Merge the open shard at `pick` with its upper neighbour.
    Merge { pick: u8 },
    /// Let time pass.
    Wait { ms: u16 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        20 => (0u16..50, prop_oneof![0u32..2_000, 100_000u32..600_000], 0u32..3_000)
            .prop_map(|(key, bytes, gap_us)| Op::Put { key, bytes, gap_us }),
        1 => (0u16..50, 0u16..1_500).prop_map(|(key, count)| Op::Burst { key, count }),
        1 => (any::<u8>(), 1u8..=255).prop_map(|(pick, fraction)| Op::Split { pick, fraction }),
        1 => any::<u8>().prop_map(|pick| Op::Merge { pick }),
        2 => (0u16..1_500).prop_map(|ms| Op::Wait { ms }),
    ]
}

/// What the model remembers of each accepted record.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Accepted {
    shard: ShardId,
    key: String,
    at: SimTime,
    bytes: u64,
}

fn service(shards: u32) -> Kinesis {
    let mut k = Kinesis::new(KinesisConfig { transition_delay_ms: 0, ..KinesisConfig::default() });
    let input = CreateStreamInput::provisioned("m", shards);
    k.create_active_stream(SimTime::ZERO, input).expect("valid");
    k
}

/// The model's decision: would this put fit the shard's last second of accepted puts?
fn model_accepts(accepted: &[Accepted], shard: ShardId, at: SimTime, bytes: u64) -> bool {
    // `accepted` is in time order, so the last second is a suffix of it.
    let recent = accepted.iter().rev().take_while(|a| at.saturating_since(a.at) < SimDuration::SECOND);
    let window = recent.filter(|a| a.shard == shard);
    let (count, total) = window.fold((0u64, 0u64), |(c, b), a| (c + 1, b + a.bytes));
    count < 1_000 && total + bytes <= 1_048_576
}

fn check_invariants(k: &Kinesis, accepted: &[Accepted]) -> Result<(), TestCaseError> {
    let stream = k.stream("m").expect("the stream exists");
    // The open shards tile the key space.
    let open: Vec<_> = stream.open_shards().map(|s| s.hash_key_range).collect();
    prop_assert_eq!(open.first().map(|r| r.starting_hash_key), Some(0));
    prop_assert_eq!(open.last().map(|r| r.ending_hash_key), Some(HASH_KEY_MAX));
    for pair in open.windows(2) {
        prop_assert_eq!(pair[0].ending_hash_key.checked_add(1), Some(pair[1].starting_hash_key));
    }
    let mut stored: BTreeMap<ShardId, Vec<(String, SimTime, u64)>> = BTreeMap::new();
    for shard in stream.shards() {
        let records: Vec<_> = shard.records().collect();
        // Sequence order, and arrival order with it.
        for pair in records.windows(2) {
            prop_assert!(pair[0].sequence_number.counter < pair[1].sequence_number.counter);
            prop_assert!(pair[0].arrival <= pair[1].arrival);
        }
        // No one-second window holds more than the limits (a two-pointer sweep over the log).
        let (mut start, mut count, mut bytes) = (0, 0u64, 0u64);
        for r in &records {
            count += 1;
            bytes += r.size_bytes();
            while r.arrival.saturating_since(records[start].arrival) >= SimDuration::SECOND {
                count -= 1;
                bytes -= records[start].size_bytes();
                start += 1;
            }
            prop_assert!(
                count <= 1_000 && bytes <= 1_048_576,
                "{} holds {count} records, {bytes} bytes in a second",
                shard.id
            );
        }
        stored.insert(shard.id, records.iter().map(|r| (r.partition_key.clone(), r.arrival, r.size_bytes())).collect());
    }
    // Every accepted record is stored exactly once, in the shard it was routed to, in acceptance order.
    let mut expected: BTreeMap<ShardId, Vec<(String, SimTime, u64)>> = BTreeMap::new();
    for a in accepted {
        expected.entry(a.shard).or_default().push((a.key.clone(), a.at, a.bytes));
    }
    for (shard, records) in &expected {
        prop_assert_eq!(stored.get(shard), Some(records), "{}", shard);
    }
    Ok(())
}

/// One put through the engine, compared with the model's decision.
fn put_and_compare(
    k: &mut Kinesis,
    now: &mut SimTime,
    accepted: &mut Vec<Accepted>,
    key: u16,
    bytes: u32,
    gap_us: u32,
) -> Result<(), TestCaseError> {
    *now = *now + SimDuration(u64::from(gap_us));
    let now = *now;
    let key = format!("user-{key}");
    let stream = k.stream("m").expect("exists");
    let shard = stream.shard_for_hash_key(shardlab_engine::partition_key::hash_key(&key)).expect("tiled").id;
    let size = u64::from(bytes) + key.len() as u64;
    let expect_ok = model_accepts(accepted, shard, now, size);
    let input = PutRecordInput {
        partition_key: key.clone(),
        data: Payload::Synthetic { len_bytes: bytes },
        explicit_hash_key: None,
    };
    match k.put_record(now, "m", input, None) {
        Ok(out) => {
            prop_assert!(expect_ok, "the engine accepted what the model refuses");
            prop_assert_eq!(out.shard_id, shard);
            accepted.push(Accepted { shard, key, at: now, bytes: size });
        }
        Err(e) => {
            prop_assert!(!expect_ok, "the engine refused what the model accepts: {}", e);
            prop_assert_eq!(e.kind, StreamsErrorKind::ProvisionedThroughputExceeded);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_agrees_with_the_model(initial_shards in 1u32..6, ops in prop::collection::vec(op(), 1..400)) {
        let mut k = service(initial_shards);
        let mut now = SimTime::from_secs(1);
        let mut accepted: Vec<Accepted> = Vec::new();
        for op in ops {
            let puts: Vec<(u16, u32, u32)> = match op {
                Op::Put { key, bytes, gap_us } => vec![(key, bytes, gap_us)],
                Op::Burst { key, count } => (0..count).map(|_| (key, 10, 100)).collect(),
                _ => Vec::new(),
            };
            for (key, bytes, gap_us) in puts {
                put_and_compare(&mut k, &mut now, &mut accepted, key, bytes, gap_us)?;
            }
            match op {
                Op::Put { .. } | Op::Burst { .. } => {}
                Op::Split { pick, fraction } => {
                    let stream = k.stream("m").expect("exists");
                    let open: Vec<_> = stream.open_shards().map(|s| (s.id, s.hash_key_range)).collect();
                    let (id, range) = open[usize::from(pick) % open.len()];
                    let width = range.ending_hash_key - range.starting_hash_key;
                    let at = range.starting_hash_key + width / 256 * u128::from(fraction);
                    // Out-of-range keys are refused with InvalidArgument; that is fine here.
                    if k.split_shard(now, "m", &id.to_string(), at).is_ok() {
                        k.complete_due(now);
                    }
                }
                Op::Merge { pick } => {
                    let stream = k.stream("m").expect("exists");
                    let open: Vec<_> = stream.open_shards().map(|s| s.id).collect();
                    if open.len() > 1 {
                        let i = usize::from(pick) % (open.len() - 1);
                        match k.merge_shards(now, "m", &open[i].to_string(), &open[i + 1].to_string()) {
                            Ok(()) => k.complete_due(now),
                            // MergeShards allows 5 calls a second; a burst of merges meets that limit.
                            Err(e) => prop_assert_eq!(e.kind, StreamsErrorKind::LimitExceeded),
                        }
                    }
                }
                Op::Wait { ms } => now = now + SimDuration::from_millis(u64::from(ms)),
            }
            check_invariants(&k, &accepted)?;
        }
    }
}
