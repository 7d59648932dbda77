//! Measures how long idle state costs to simulate (issue 22 item 6): many idle streams, and one stream after
//! ten reshards, each advanced by one simulated span in one call.
//!
//! `cargo run --release -p shardlab-engine --example idle_day -- [STREAMS] [SECONDS]` (default 10,000 streams,
//! 86,400 s: one simulated day).

use shardlab_engine::kinesis::CreateStreamInput;
use shardlab_engine::{KinesisConfig, SimDuration, SimTime, Simulation};
use std::time::Instant;

/// Wall time since `started`, in seconds.
#[expect(clippy::disallowed_methods, reason = "a measurement reads wall time; the engine never does")]
fn seconds_since(started: Option<Instant>) -> (Instant, f64) {
    let now = Instant::now();
    (now, started.map_or(0.0, |s| now.duration_since(s).as_secs_f64()))
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<u64>().expect("a whole number"));
    let streams = args.next().unwrap_or(10_000);
    let seconds = args.next().unwrap_or(86_400);
    let config = KinesisConfig { shard_limit: u32::MAX, ..KinesisConfig::default() };

    let mut sim = Simulation::service_only(1, config.clone());
    for i in 0..streams {
        let input = CreateStreamInput::provisioned(&format!("s{i}"), 1);
        sim.kinesis_mut().create_active_stream(SimTime::ZERO, input).expect("created");
    }
    let (started, _) = seconds_since(None);
    sim.advance_to(SimTime::from_secs(seconds));
    let (_, took) = seconds_since(Some(started));
    println!("{streams} idle streams, {seconds} simulated s in one advance: {took:.2} s");

    let mut sim = Simulation::service_only(1, config);
    sim.kinesis_mut().create_active_stream(SimTime::ZERO, CreateStreamInput::provisioned("s", 4)).expect("created");
    for i in 0..10 {
        sim.advance_to(sim.now() + SimDuration::SECOND);
        let now = sim.now();
        sim.kinesis_mut().update_shard_count(now, "s", if i % 2 == 0 { 8 } else { 4 }).expect("scaling");
    }
    sim.advance_to(sim.now() + SimDuration::SECOND);
    let shards = sim.kinesis().stream("s").map_or(0, |s| s.shards().len());
    let (started, _) = seconds_since(None);
    sim.advance_to(sim.now() + SimDuration::from_secs(seconds));
    let (_, took) = seconds_since(Some(started));
    println!("one stream after 10 reshards ({shards} shards kept), {seconds} simulated s in one advance: {took:.2} s");
}
