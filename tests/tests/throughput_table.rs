//! Shards x offered load -> accepted and throttled records per second, checked against the AWS limits:
//! each shard accepts at most 1,000 records/s and 1 MiB/s including partition keys (`docs/aws-behaviour.md` §1.1).

use shardlab_engine::{DEFAULT_STREAM_NAME, ProducerConfig, SimConfig, SimTime, Simulation, StreamConfig};

/// Accepted and throttled records during second 5 (steady state) when one producer offers `rate` records/s
/// of `record_bytes` each, over random keys, to a stream of `shards` shards.
fn steady_second(shards: u32, rate: u32, record_bytes: u32) -> (u64, u64) {
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, shards)],
        producers: vec![ProducerConfig::steady("p", rate, record_bytes, 100_000)],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(7));
    let buckets: Vec<_> =
        sim.stream().expect("the scenario stream").shards().iter().map(|s| s.metrics.second(5)).collect();
    let accepted = buckets.iter().map(|b| b.incoming_records).sum();
    let throttled = buckets.iter().map(|b| b.write_provisioned_throughput_exceeded).sum();
    (accepted, throttled)
}

#[test]
fn record_limit_table() {
    // (shards, offered records/s, bytes) -> (accepted, throttled): a shard takes min(offered, 1,000).
    let table = [
        ((1, 500, 100), (500, 0)),
        ((1, 1_000, 100), (1_000, 0)),
        ((1, 2_000, 100), (1_000, 1_000)),
        ((1, 5_000, 10), (1_000, 4_000)),
        // Four shards at 2,000/s: about 500 each, far from the limit whatever the key spread.
        ((4, 2_000, 100), (2_000, 0)),
        // Four shards at 8,000/s: every shard is offered far more than 1,000, so each takes exactly 1,000.
        ((4, 8_000, 100), (4_000, 4_000)),
    ];
    for ((shards, rate, bytes), expected) in table {
        assert_eq!(steady_second(shards, rate, bytes), expected, "{shards} shards, {rate} rec/s of {bytes} B");
    }
}

#[test]
fn byte_limit_caps_large_records() {
    // 200 records/s of 10,000 bytes plus a 6..10-byte key offers about 2 MB/s to one shard.
    // 1,048,576 / 10,010 = 104.75 and 1,048,576 / 10,006 = 104.79, so 104 records fit in a second.
    let (accepted, throttled) = steady_second(1, 200, 10_000);
    assert_eq!((accepted, throttled), (104, 96));
}
