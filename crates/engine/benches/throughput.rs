//! Simulated records per wall-clock second through the engine, natively. Run with `cargo xtask bench`
//! (or `cargo bench -p shardlab-engine --bench throughput`); one line per case, best of ten runs.

mod workload;

use std::hint::black_box;
use std::time::Instant;

const RUNS: usize = 10;

fn measure(name: &str, case: impl Fn() -> u64) {
    let mut best = f64::MAX;
    let mut records = 0;
    for _ in 0..RUNS {
        #[expect(clippy::disallowed_methods, reason = "a benchmark measures wall time; the engine never reads it")]
        let start = Instant::now();
        records = black_box(case());
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!("native {name}: {records} records in {best:.3} s = {:.0} records/s", records as f64 / best);
}

fn main() {
    // The same sizes as the wasm bench, so the two compare like for like.
    measure("PutRecords, 64 shards, 500-record batches", || workload::put_records(400));
    measure("producer timers, 64 shards, 60,000 rec/s for 3 s", || workload::producer(3));
}
