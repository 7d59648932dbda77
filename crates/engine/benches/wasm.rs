//! The same workloads as `throughput.rs`, in wasm (Node, through wasm-bindgen-test-runner):
//! `cargo bench -p shardlab-engine --bench wasm --target wasm32-unknown-unknown`.
//! Criterion reports the time per iteration; records per second = records per iteration / that time.
#![cfg(target_arch = "wasm32")]

mod workload;

use std::hint::black_box;
use std::time::Duration;
use wasm_bindgen_test::{Criterion, wasm_bindgen_bench};

fn quick(c: &mut Criterion) {
    *c = std::mem::take(c).sample_size(10).measurement_time(Duration::from_secs(10));
}

/// 200,000 records per iteration.
#[wasm_bindgen_bench]
fn put_records_200k(c: &mut Criterion) {
    quick(c);
    c.bench_function("wasm PutRecords, 64 shards, 500-record batches, 200,000 records", |b| {
        b.iter(|| black_box(workload::put_records(400)))
    });
}

/// 180,001 records per iteration.
#[wasm_bindgen_bench]
fn producer_180k(c: &mut Criterion) {
    quick(c);
    c.bench_function("wasm producer timers, 64 shards, 60,000 rec/s for 3 s, 180,001 records", |b| {
        b.iter(|| black_box(workload::producer(3)))
    });
}
