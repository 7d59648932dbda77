//! Issue 18's scenario natively: 100 shards at full write load (100,000 records/s of 1,000 B through
//! PutRecords, uniform keys over 100,000 partition keys), one polling consumer and one enhanced fan-out
//! consumer. Prints simulated seconds per wall second, records per wall second end to end, the process's
//! peak resident memory, and a floor loop (key draw, shard lookup, a 24-byte append per record) measured in
//! the same run, with the ratio of the two per-record costs.
//!
//! `cargo bench -p shardlab-engine --bench scale -- --seconds 60` (default 3,600: one simulated hour).

use std::hint::black_box;
use std::time::Instant;

use shardlab_engine::consumer_app::{ConsumerAppConfig, ReadStyle};
use shardlab_engine::hash_range::initial_layout;
use shardlab_engine::producer::ClientStyle;
use shardlab_engine::rng::Rng;
use shardlab_engine::{ProducerConfig, SimConfig, SimTime, Simulation, StreamConfig, partition_key};

const SHARDS: u32 = 100;
const RECORDS_PER_SEC: u32 = 100_000;
const RECORD_BYTES: u32 = 1_000;
const KEYS: u32 = 100_000;

fn config() -> SimConfig {
    let stream = StreamConfig::provisioned(shardlab_engine::DEFAULT_STREAM_NAME, SHARDS);
    let producer = ProducerConfig {
        client: ClientStyle::PutRecords { batch_max_records: 500, linger_ms: 100 },
        ..ProducerConfig::steady("load", RECORDS_PER_SEC, RECORD_BYTES, KEYS)
    };
    let fan_out = ConsumerAppConfig { style: ReadStyle::EnhancedFanOut, ..ConsumerAppConfig::polling("fan-out") };
    SimConfig {
        streams: vec![stream],
        producers: vec![producer],
        consumers: vec![ConsumerAppConfig::polling("poller"), fan_out],
        ..SimConfig::default()
    }
}

/// The process's peak resident set (`VmHWM`), in bytes, where `/proc` has it.
fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

#[expect(clippy::disallowed_methods, reason = "a benchmark measures wall time; the engine never reads it")]
fn wall() -> Instant {
    Instant::now()
}

/// The minimum per-record work: draw a key, find its shard (the key's hash looked up in the shards'
/// ranges), append a 24-byte entry to the shard's log. Returns records per wall second.
fn floor_loop(records: u64) -> f64 {
    let ends: Vec<u128> = initial_layout(SHARDS).map(|r| r.ending_hash_key).collect();
    let hashes: Vec<u128> = (0..KEYS).map(|k| partition_key::hash_key(&format!("user-{k}"))).collect();
    let mut logs: Vec<Vec<(u64, u64, u32, u32)>> = (0..SHARDS).map(|_| Vec::new()).collect();
    let mut rng = Rng::new(7);
    let start = wall();
    for n in 0..records {
        let key = rng.below(u64::from(KEYS)) as usize;
        let shard = ends.partition_point(|end| *end < hashes[key]);
        let log = &mut logs[shard];
        if log.len() == 1 << 16 {
            log.clear();
        }
        log.push((n, n, key as u32, RECORD_BYTES));
    }
    black_box(&logs);
    records as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds: u64 = args
        .iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(3_600);
    let mut sim = Simulation::new(config()).expect("the scenario is valid");
    let start = wall();
    let mut lines = Vec::new();
    for minute in 1..=seconds.div_ceil(60) {
        let target = (minute * 60).min(seconds);
        sim.advance_to(SimTime::from_secs(target));
        if target % 600 == 0 || target == seconds {
            let mib = peak_resident_bytes().unwrap_or(0) / (1 << 20);
            lines.push(format!("  at {target} s: {:.1} s wall, peak {mib} MiB", start.elapsed().as_secs_f64()));
        }
    }
    let wall_secs = start.elapsed().as_secs_f64();
    let peak = peak_resident_bytes();
    let written: u64 = sim.producers().map(|(_, t)| t.accepted).sum();
    let read: u64 = sim.consumers().iter().map(|c| c.totals.records).sum();
    let floor = floor_loop(written.clamp(1_000_000, 20_000_000));
    let engine = written as f64 / wall_secs;
    println!("native scale: 100 shards, 100,000 records/s of 1,000 B (PutRecords), 1 polling + 1 fan-out consumer");
    for line in lines {
        println!("{line}");
    }
    println!(
        "  {seconds} simulated s in {wall_secs:.1} s wall = {:.1} simulated s per wall s",
        seconds as f64 / wall_secs
    );
    println!("  {written} records written, {read} read: {engine:.0} records/s end to end");
    match peak {
        Some(bytes) => println!("  peak resident memory {} MiB", bytes / (1 << 20)),
        None => println!("  peak resident memory unknown (no /proc/self/status)"),
    }
    println!("  floor loop {floor:.0} records/s; engine/floor per-record cost ratio {:.1}", floor / engine);
}
