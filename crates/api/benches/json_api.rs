//! Simulated records per wall-clock second through the JSON API: PutRecords request texts (500 records of
//! 100 bytes, base64) parsed, validated and answered. The engine-only figure for the same workload is
//! `crates/engine/benches/throughput.rs`. Run with `cargo xtask bench`.

use shardlab_api::KinesisApi;
use shardlab_engine::{KinesisConfig, SimDuration, SimTime, Simulation};
use std::hint::black_box;
use std::time::Instant;

const TARGET: &str = "Kinesis_20131202.PutRecords";
const BATCHES: usize = 400;
const RUNS: usize = 10;

/// The request texts: batch `b` carries keys `user-<(b * 500 + i) % 10000>`.
fn requests() -> Vec<String> {
    // 100 zero bytes in base64: 33 groups of "AAAA" and a final "AA==".
    let data = format!("{}AA==", "A".repeat(132));
    (0..BATCHES)
        .map(|batch| {
            let records: Vec<serde_json::Value> = (0..500)
                .map(|i| serde_json::json!({"Data": data, "PartitionKey": format!("user-{}", (batch * 500 + i) % 10_000)}))
                .collect();
            serde_json::json!({"StreamName": "bench", "Records": records}).to_string()
        })
        .collect()
}

/// One run: a fresh 64-shard stream, then every batch 10 ms apart. Returns the records accepted.
fn run(requests: &[String]) -> u64 {
    let mut sim = Simulation::service_only(1, KinesisConfig { transition_delay_ms: 0, ..KinesisConfig::default() });
    let mut api = KinesisApi::new();
    let created =
        api.handle_text(&mut sim, "Kinesis_20131202.CreateStream", r#"{"StreamName":"bench","ShardCount":64}"#);
    assert_eq!(created.status, 200, "{:?}", created.body);
    sim.advance_to(SimTime::from_secs(1));
    let mut accepted = 0;
    for request in requests {
        let reply = api.handle_text(&mut sim, TARGET, request);
        let failed = reply.body["FailedRecordCount"].as_u64().unwrap_or(500);
        accepted += 500 - failed;
        let next = sim.now() + SimDuration::from_millis(10);
        sim.advance_to(next);
    }
    accepted
}

fn main() {
    let requests = requests();
    let mut best = f64::MAX;
    let mut records = 0;
    for _ in 0..RUNS {
        #[expect(clippy::disallowed_methods, reason = "a benchmark measures wall time; the engine never reads it")]
        let start = Instant::now();
        records = black_box(run(&requests));
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "native JSON API PutRecords, 64 shards, 500-record batches: {records} records in {best:.3} s = {:.0} records/s",
        records as f64 / best
    );
}
