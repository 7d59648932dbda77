//! A run is a pure function of its configuration: same seed, same bytes; another seed, other keys.

use shardlab_engine::{Command, DEFAULT_STREAM_NAME, ProducerConfig, SimConfig, SimTime, Simulation, StreamConfig};
use std::fmt::Write;

/// Checks on `docs/aws-behaviour.md`, the reference this project's AWS rules cite.
#[path = "determinism/reference.rs"]
mod reference;

/// Everything observable about a run, as text: the event log plus every shard's metrics history.
fn transcript(config: SimConfig) -> String {
    let mut sim = Simulation::new(config).expect("valid config");
    let mut out = String::new();
    for step in 1..=20u64 {
        if step == 10 {
            sim.apply(Command::SetProducerRate { producer: 1, records_per_sec: 4_000 }).expect("valid rate");
        }
        sim.advance_to(SimTime::from_millis(step * 750));
        while let Some(event) = sim.poll_event() {
            writeln!(out, "{event}").expect("writing to a String");
        }
    }
    for shard in sim.stream().expect("the scenario's stream").shards() {
        for bucket in shard.metrics.history() {
            writeln!(out, "{} {bucket:?}", shard.id).expect("writing to a String");
        }
        if let Some(last) = shard.records().last() {
            writeln!(out, "{} last {} {}", shard.id, last.partition_key, last.sequence_number).expect("writing");
        }
    }
    out
}

fn config(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 3)],
        producers: vec![ProducerConfig::steady("web", 1_200, 300, 50), ProducerConfig::steady("mobile", 800, 2_000, 7)],
        ..SimConfig::default()
    }
}

#[test]
fn the_same_seed_gives_byte_identical_transcripts() {
    let first = transcript(config(2026));
    assert!(first.contains("write-throttled"), "the scenario should throttle:\n{first}");
    assert_eq!(first, transcript(config(2026)));
}

#[test]
fn another_seed_gives_another_run() {
    assert_ne!(transcript(config(1)), transcript(config(2)));
}

#[test]
fn cloning_a_simulation_forks_an_identical_future() {
    let mut a = Simulation::new(config(9)).expect("valid");
    a.advance_to(SimTime::from_secs(3));
    let mut b = a.clone();
    a.advance_to(SimTime::from_secs(6));
    b.advance_to(SimTime::from_secs(6));
    let totals = |s: &Simulation| {
        s.stream().expect("the scenario stream").shards().iter().map(|sh| sh.metrics.totals).collect::<Vec<_>>()
    };
    assert_eq!(totals(&a), totals(&b));
}
