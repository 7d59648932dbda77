//! Issue 18's scenario natively (see `scale_load.rs`): simulated seconds per wall second, records per wall
//! second end to end, the process's peak resident memory, and a floor loop (key draw, shard lookup, a 24-byte
//! append per record) measured in the same run, with the ratio of the two per-record costs.
//! `scale_wasm.rs` runs the same in headless Chromium.
//!
//! `cargo bench -p shardlab-engine --bench scale -- --seconds 60` (default 3,600: one simulated hour).

mod scale_load;

use std::time::Instant;

/// The process's peak resident set (`VmHWM`), in bytes, where `/proc` has it.
fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds: u64 = args
        .iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(3_600);
    #[expect(clippy::disallowed_methods, reason = "a benchmark measures wall time; the engine never reads it")]
    let origin = Instant::now();
    let wall_secs = || origin.elapsed().as_secs_f64();
    let gauges = scale_load::Gauges { wall_secs: &wall_secs, peak_bytes: &peak_resident_bytes };
    let mut run = scale_load::ScaleRun::start("native", seconds, &gauges);
    while run.step(&gauges) {}
    for line in run.finish("resident memory", &gauges) {
        println!("{line}");
    }
}
