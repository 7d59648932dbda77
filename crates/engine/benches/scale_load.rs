//! Issue 18's 100-shard scenario and its floor loop, shared by the native bench (`scale.rs`) and the
//! Chromium bench (`scale_wasm.rs`) so their figures compare like for like: 100 shards at full write load
//! (100,000 records/s of 1,000 B through PutRecords, uniform keys over 100,000 partition keys), one polling
//! consumer and one enhanced fan-out consumer. Each bench brings its own wall clock and memory gauge.

use std::hint::black_box;

use shardlab_engine::consumer_app::{ConsumerAppConfig, ReadStyle};
use shardlab_engine::hash_range::initial_layout;
use shardlab_engine::producer::ClientStyle;
use shardlab_engine::rng::Rng;
use shardlab_engine::{ProducerConfig, SimConfig, SimTime, Simulation, StreamConfig, partition_key};

const SHARDS: u32 = 100;
const RECORDS_PER_SEC: u32 = 100_000;
const RECORD_BYTES: u32 = 1_000;
const KEYS: u32 = 100_000;

/// What the benches read from their platform: wall seconds since any fixed origin, and the peak memory in
/// bytes so far (resident set natively, linear memory in wasm), if known.
pub(crate) struct Gauges<'a> {
    pub(crate) wall_secs: &'a dyn Fn() -> f64,
    pub(crate) peak_bytes: &'a dyn Fn() -> Option<u64>,
}

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

/// The minimum per-record work: draw a key, find its shard (the key's hash looked up in the shards'
/// ranges), append a 24-byte entry to the shard's log. Returns records per wall second.
fn floor_loop(records: u64, wall_secs: &dyn Fn() -> f64) -> f64 {
    let ends: Vec<u128> = initial_layout(SHARDS).map(|r| r.ending_hash_key).collect();
    let hashes: Vec<u128> = (0..KEYS).map(|k| partition_key::hash_key(&format!("user-{k}"))).collect();
    let mut logs: Vec<Vec<(u64, u64, u32, u32)>> = (0..SHARDS).map(|_| Vec::new()).collect();
    let mut rng = Rng::new(7);
    let start = wall_secs();
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
    records as f64 / (wall_secs() - start)
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "unknown".to_owned(), |b| format!("{} MiB", b / (1 << 20)))
}

/// Simulated seconds one `ScaleRun::step` advances: short enough that a browser's page, which the Chromium
/// bench yields to between steps, never stops answering its driver (it gives up after 30 s).
const STEP_SECS: u64 = 10;

/// The scenario run for a horizon, a step at a time, then the floor loop; `finish` gives the report's lines:
/// progress every 10 simulated minutes, simulated seconds per wall second, records per wall second end to
/// end, the peak memory, the floor loop and the ratio of per-record costs.
pub(crate) struct ScaleRun {
    sim: Simulation,
    seconds: u64,
    done_secs: u64,
    start_secs: f64,
    lines: Vec<String>,
}

impl ScaleRun {
    pub(crate) fn start(platform: &str, seconds: u64, gauges: &Gauges<'_>) -> Self {
        let header = format!(
            "{platform} scale: 100 shards, 100,000 records/s of 1,000 B (PutRecords), 1 polling + 1 fan-out consumer"
        );
        let sim = Simulation::new(config()).expect("the scenario is valid");
        Self { sim, seconds, done_secs: 0, start_secs: (gauges.wall_secs)(), lines: vec![header] }
    }

    /// Advances at most `STEP_SECS` simulated seconds; false once the horizon is reached.
    pub(crate) fn step(&mut self, gauges: &Gauges<'_>) -> bool {
        if self.done_secs >= self.seconds {
            return false;
        }
        let target = (self.done_secs + STEP_SECS).min(self.seconds);
        self.sim.advance_to(SimTime::from_secs(target));
        self.done_secs = target;
        if target.is_multiple_of(600) || target == self.seconds {
            let wall = (gauges.wall_secs)() - self.start_secs;
            self.lines.push(format!("  at {target} s: {wall:.1} s wall, peak {}", mib((gauges.peak_bytes)())));
        }
        true
    }

    /// Measures the floor loop and returns the report; `memory` names what `gauges.peak_bytes` gauges.
    pub(crate) fn finish(self, memory: &str, gauges: &Gauges<'_>) -> Vec<String> {
        let Self { sim, seconds, start_secs, mut lines, .. } = self;
        let wall_secs = (gauges.wall_secs)() - start_secs;
        let peak = (gauges.peak_bytes)();
        let written: u64 = sim.producers().map(|(_, t)| t.accepted).sum();
        let read: u64 = sim.consumers().iter().map(|c| c.totals.records).sum();
        let floor = floor_loop(written.clamp(1_000_000, 20_000_000), gauges.wall_secs);
        let engine = written as f64 / wall_secs;
        lines.push(format!(
            "  {seconds} simulated s in {wall_secs:.1} s wall = {:.1} simulated s per wall s",
            seconds as f64 / wall_secs
        ));
        lines.push(format!("  {written} records written, {read} read: {engine:.0} records/s end to end"));
        lines.push(format!("  peak {memory} {}", mib(peak)));
        lines.push(format!(
            "  floor loop {floor:.0} records/s; engine/floor per-record cost ratio {:.1}",
            floor / engine
        ));
        lines
    }
}
