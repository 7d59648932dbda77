//! The benchmark workloads, shared by the native bench (`throughput.rs`) and the wasm bench (`wasm.rs`)
//! so their numbers compare like for like.

use shardlab_engine::kinesis::{CreateStreamInput, PutRecordsEntry};
use shardlab_engine::{
    Kinesis, KinesisConfig, Payload, ProducerConfig, SimConfig, SimDuration, SimTime, Simulation, StreamConfig,
};

/// PutRecords: `batches` batches of 500 records into a 64-shard stream, time advancing 10 ms per batch so no
/// shard is throttled (64 shards take 64,000 records/s). Returns the records accepted.
pub(crate) fn put_records(batches: u64) -> u64 {
    let mut k = Kinesis::new(KinesisConfig::default());
    let input = CreateStreamInput::provisioned("bench", 64);
    k.create_active_stream(SimTime::ZERO, input).expect("valid stream");
    let keys: Vec<String> = (0..10_000).map(|i| format!("user-{i}")).collect();
    let mut now = SimTime::from_secs(1);
    let mut accepted = 0;
    for batch in 0..batches {
        let entries = (0..500u64)
            .map(|i| PutRecordsEntry {
                partition_key: keys[((batch * 500 + i) % 10_000) as usize].clone(),
                data: Payload::Synthetic { len_bytes: 100 },
                explicit_hash_key: None,
            })
            .collect();
        let out = k.put_records(now, "bench", entries).expect("valid batch");
        accepted += 500 - u64::from(out.failed_record_count);
        now = now + SimDuration::from_millis(10);
    }
    accepted
}

/// A producer at 60,000 records/s on 64 shards for `secs` simulated seconds, driven by the simulation's
/// timers. Returns the PutRecord calls made.
pub(crate) fn producer(secs: u64) -> u64 {
    let config = SimConfig {
        streams: vec![StreamConfig {
            log_records_max_per_shard: 10_000,
            ..StreamConfig::provisioned(shardlab_engine::DEFAULT_STREAM_NAME, 64)
        }],
        producers: vec![ProducerConfig::steady("bench", 60_000, 100, 10_000)],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid config");
    sim.advance_to(SimTime::from_secs(secs));
    sim.producers().map(|(_, t)| t.attempted).sum()
}
