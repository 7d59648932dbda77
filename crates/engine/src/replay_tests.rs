//! Moving a consumer on a shard (a replay): it reads again exactly the records from the new position on.

use crate::consumer_app::{ConsumerAppConfig, KclConfig, ReadStyle, ReplayFrom};
use crate::*;
use alloc::vec;
use alloc::vec::Vec;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// One shard fed 100 records/s for 10 s, then paused, read by `style` from the trim horizon until 12 s.
fn read_to_the_tip(style: ReadStyle) -> Simulation {
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
        producers: vec![ProducerConfig::steady("clicks", 100, 100, 10)],
        consumers: vec![ConsumerAppConfig { style, ..ConsumerAppConfig::polling("reader") }],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid config");
    sim.advance_to(SimTime::from_secs(10));
    sim.apply(Command::SetProducerRate { producer: 0, records_per_sec: 0 }).expect("producer 0 exists");
    sim.advance_to(SimTime::from_secs(12));
    sim
}

/// The records in the shard: counters 1 to the returned number.
fn written(sim: &Simulation) -> u64 {
    sim.stream().expect("the stream").shards()[0].latest_position() - 1
}

/// The sequence counters of the last `n` records the consumer processed, oldest first.
fn last_read(sim: &Simulation, n: u64) -> Vec<u64> {
    let recent = sim.consumers()[0].recent();
    let skip = recent.len().saturating_sub(n as usize);
    recent.skip(skip).map(|r| r.sequence_number.counter).collect()
}

fn check_replay_from_401(style: ReadStyle) {
    let mut sim = read_to_the_tip(style);
    let n = written(&sim);
    // 100 records/s for 10 s, one shard far under its 1,000 records/s.
    assert!((999..=1_001).contains(&n), "{n} records written");
    let before = sim.consumers()[0].totals;
    assert_eq!(before.records, n, "the consumer read everything");
    assert_eq!(before.duplicates, 0);
    assert_eq!(sim.consumers()[0].next_position(ShardId(0)), Some(n + 1));

    let position =
        sim.replay_consumer(0, 0, ReplayFrom::SequenceCounter { counter: 401 }).expect("counter 401 is in the shard");
    assert_eq!(position, 401);
    assert_eq!(sim.consumers()[0].next_position(ShardId(0)), Some(401));
    sim.advance_to(SimTime::from_secs(16));

    // Records 401..=n again, in order, and nothing else.
    let again = n - 400;
    let after = sim.consumers()[0].totals;
    assert_eq!(after.records - before.records, again);
    assert_eq!(after.duplicates, again);
    assert_eq!(last_read(&sim, again), (401..=n).collect::<Vec<_>>());
    assert_eq!(sim.consumers()[0].next_position(ShardId(0)), Some(n + 1));
}

#[test]
fn a_polling_reader_moved_back_reads_the_records_after_the_position_again() {
    check_replay_from_401(ReadStyle::Polling { interval_ms: 1_000, limit: 10_000 });
}

#[test]
fn a_kcl_checkpoint_moved_back_makes_the_lease_holder_read_again() {
    check_replay_from_401(ReadStyle::Kcl(KclConfig::default()));
    let sim = read_to_the_tip(ReadStyle::Kcl(KclConfig::default()));
    assert!(sim.consumers()[0].leases[&ShardId(0)].owner.is_some(), "worker 0 holds the only lease");
}

#[test]
fn an_enhanced_fan_out_reader_subscribes_again_from_the_position() {
    check_replay_from_401(ReadStyle::EnhancedFanOut);
}

#[test]
fn at_timestamp_replays_the_records_that_arrived_from_that_instant() {
    let mut sim = read_to_the_tip(ReadStyle::Polling { interval_ms: 1_000, limit: 10_000 });
    let n = written(&sim);
    let shard = &sim.stream().expect("the stream").shards()[0];
    // Evenly spaced every 10 ms from the first arrival: those before 5,000 ms are the first
    // ceil((5000 - first) / 10).
    let first_ms = shard.records().next().expect("records").arrival.as_millis();
    let before_5s = (5_000 - first_ms).div_ceil(10);
    let records_before = sim.consumers()[0].totals.records;
    let position = sim.replay_consumer(0, 0, ReplayFrom::Timestamp { at_ms: 5_000 }).expect("in the past");
    assert_eq!(position, before_5s + 1);
    sim.advance_to(SimTime::from_secs(16));
    let again = n - before_5s;
    assert_eq!(sim.consumers()[0].totals.records - records_before, again);
    assert_eq!(last_read(&sim, again), (before_5s + 1..=n).collect::<Vec<_>>());
}

#[test]
fn a_replay_outside_the_shard_or_the_run_is_refused_and_changes_nothing() {
    let mut sim = read_to_the_tip(ReadStyle::Polling { interval_ms: 1_000, limit: 10_000 });
    let n = written(&sim);
    let past_tip = sim.replay_consumer(0, 0, ReplayFrom::SequenceCounter { counter: n + 2 }).expect_err("past the tip");
    assert!(past_tip.problems[0].contains("holds sequence counters 1 to"), "{past_tip:?}");
    let future = sim.replay_consumer(0, 0, ReplayFrom::Timestamp { at_ms: 60_000 }).expect_err("after now");
    assert!(future.problems[0].contains("in the future"), "{future:?}");
    let no_shard = sim.replay_consumer(0, 7, ReplayFrom::SequenceCounter { counter: 1 }).expect_err("no shard 7");
    assert!(no_shard.problems[0].contains("has no shard"), "{no_shard:?}");
    let no_consumer = sim.replay_consumer(3, 0, ReplayFrom::SequenceCounter { counter: 1 }).expect_err("one consumer");
    assert_eq!(no_consumer.problems, ["There is no consumer 3; this scenario has 1."]);
    let records = sim.consumers()[0].totals.records;
    sim.advance_to(SimTime::from_secs(16));
    assert_eq!(sim.consumers()[0].totals.records, records, "nothing is read again");
    assert_eq!(sim.consumers()[0].totals.duplicates, 0);
}

#[test]
fn a_reader_beginning_a_day_later_at_a_timestamp_before_the_retention_reads_from_the_oldest_record_kept() {
    use crate::consumer_app::StartAt;
    // 2 records/s into one shard kept 24 hours; the reader begins at 25 h asking for records from 0 s. On AWS an
    // AT_TIMESTAMP older than the trim horizon gives the oldest record kept: here the first that arrived after
    // 1 h (25 h - 24 h), about 3,600 s × 2 = 7,200 records in.
    let begins_at_ms = 25 * 3_600_000;
    let reader = ConsumerAppConfig {
        start: StartAt::AtTimestamp { at_ms: 0 },
        begins_at_ms,
        ..ConsumerAppConfig::polling("late")
    };
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
        producers: vec![ProducerConfig::steady("clicks", 2, 100, 1)],
        consumers: vec![reader],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid config");
    sim.advance_to(SimTime::from_millis(begins_at_ms));
    assert_eq!(sim.consumers()[0].totals.get_records_calls, 0, "nothing is read before it begins");
    sim.advance_to(SimTime::from_millis(begins_at_ms + 5_000));
    let shard = &sim.stream().expect("the stream").shards()[0];
    let lowest = sim.consumers()[0].lowest_processed(shard.id).expect("it read");
    assert!((7_198..=7_202).contains(&lowest), "first record read: {lowest}");
    assert!(shard.records().next().expect("records kept").arrival >= SimTime::from_secs(3_600));
    // A timestamp after it begins is refused: AWS refuses a future timestamp.
    let future = ConsumerAppConfig {
        start: StartAt::AtTimestamp { at_ms: 2_000 },
        begins_at_ms: 1_000,
        ..ConsumerAppConfig::polling("early")
    };
    let err = SimConfig { consumers: vec![future], ..SimConfig::default() }.validate().expect_err("future");
    assert!(err.problems.iter().any(|p| p.contains("in the future")), "{:?}", err.problems);
}
