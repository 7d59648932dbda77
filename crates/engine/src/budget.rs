//! What a scenario may cost: memory held at most, and work per simulated second. The one place these
//! estimates and their thresholds live; [`crate::SimConfig::validate`] and [`crate::Simulation::new`] apply
//! them, and front ends show [`notes`].

use crate::format::thousands;
use crate::limits::SHARD_WRITE_RECORDS_PER_SEC;
use crate::producer::{ClientStyle, OUTSTANDING_RECORDS_MAX, ProducerConfig};
use crate::sim::SimConfig;
use crate::template::PayloadTemplate;
use crate::workload::{KeyProfile, SizeProfile};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The most memory one scenario may hold, in bytes (1 GiB; messages say "1 GiB"): what the page can afford in one tab.
pub const SCENARIO_MEMORY_BYTES_MAX: u64 = 1 << 30;
/// Bytes a shard's log holds per record a simulated producer writes with a numbered key (`user-N`, uniform
/// or Zipf) and data of zeros (`shard_log`): its key's number and its length (8 B), and at worst an arrival
/// run of its own (24 B; records arriving at one instant share one).
pub const COMPACT_RECORD_BYTES: u64 = 32;
/// Bytes a shard's log holds per record kept whole (other keys, templated payloads, Agent lines): sequence
/// number, timestamps, key, payload description.
pub const STORED_RECORD_BYTES: u64 = 172;
/// Bytes a stored KPL aggregate holds per user record in it (its partition key and length).
pub const AGGREGATED_USER_RECORD_BYTES: u64 = 48;
/// Bytes a producer holds per user record waiting in its client.
pub const WAITING_RECORD_BYTES: u64 = 100;
/// Records the fewest a shard's log may keep under the memory ceiling; a scenario that cannot afford this
/// many per shard is refused.
pub const LOG_RECORDS_MIN_PER_SHARD: u64 = 1_000;
/// Records (made, written or read) the engine handles per second of wall time, natively, measured with
/// `shardlab run` (release build) on the project's 2-core development machine: a PutRecord producer at
/// 200,000 records/s into 100 shards ran 5 simulated seconds in about 5.7 s (about 175,000 records/s);
/// this is rounded down. A browser runs about half as fast.
pub const RECORDS_PER_WALL_SEC: u64 = 150_000;

/// What a scenario may cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// User records (and Agent lines) its producers make per second at their peak.
    pub records_per_sec: u64,
    /// Record handlings per simulated second: each record made, written, and read by each reader.
    pub work_per_sec: u64,
    /// Bytes a stored record may take in a shard's log (less for compact records, more for KPL aggregates).
    pub stored_record_bytes: u64,
    /// Bytes producers may hold in records waiting in their clients.
    pub producer_bytes: u64,
    /// Records each shard keeps at most: the configured bound, lowered to fit the memory ceiling.
    pub log_records_per_shard: u64,
}

impl Estimate {
    /// The memory the scenario may hold at most, in bytes.
    pub fn memory_bytes(&self, shard_count: u32) -> u64 {
        let log = u64::from(shard_count) * self.log_records_per_shard * self.stored_record_bytes;
        log + self.producer_bytes
    }

    /// Wall-clock seconds one simulated second takes, rounded up, when the scenario runs slower than real
    /// time.
    pub fn wall_secs_per_sim_sec(&self) -> Option<u64> {
        (self.work_per_sec > RECORDS_PER_WALL_SEC).then(|| self.work_per_sec.div_ceil(RECORDS_PER_WALL_SEC))
    }
}

/// The smallest record size a profile makes.
fn min_bytes(size: &SizeProfile) -> u32 {
    match *size {
        SizeProfile::Fixed { bytes } => bytes,
        SizeProfile::Uniform { min, max } => min.min(max),
        SizeProfile::Bimodal { small, large, .. } => small.min(large),
    }
}

/// Whether a shard's log keeps this producer's records compactly ([`COMPACT_RECORD_BYTES`]).
fn stored_compactly(producer: &ProducerConfig) -> bool {
    let numbered_keys = matches!(producer.keys, KeyProfile::Uniform { .. } | KeyProfile::Zipf { .. });
    numbered_keys && producer.payload == PayloadTemplate::Zeros && !matches!(producer.client, ClientStyle::Kpl(_))
}

/// Bytes one stored record of this producer may take in a shard's log.
fn stored_record_bytes(producer: &ProducerConfig) -> u64 {
    if stored_compactly(producer) {
        return COMPACT_RECORD_BYTES;
    }
    STORED_RECORD_BYTES + (user_records_per_stored_record(producer).max(1) - 1) * AGGREGATED_USER_RECORD_BYTES
}

/// User records one stored record of this producer may hold: many for a KPL aggregate of small records
/// (each costs its data, a key index and about 6 bytes of framing; keys are assumed repeated).
fn user_records_per_stored_record(producer: &ProducerConfig) -> u64 {
    match producer.client {
        ClientStyle::Kpl(kpl) => u64::from(kpl.aggregation_max_bytes) / (u64::from(min_bytes(&producer.size)) + 6),
        _ => 1,
    }
}

/// Shards of every data stream at creation.
fn total_shards(config: &SimConfig) -> u64 {
    config.streams.iter().map(|s| u64::from(s.shard_count)).sum()
}

/// The largest per-shard log bound any stream asks for.
fn configured_log_records(config: &SimConfig) -> u64 {
    config.streams.iter().map(|s| u64::from(s.log_records_max_per_shard)).max().unwrap_or(0)
}

/// The estimate for `config`.
pub fn estimate(config: &SimConfig) -> Estimate {
    let producers: u64 = config.producers.iter().map(|p| u64::from(p.rate.peak())).sum();
    let agents: u64 = config.agents.iter().map(|a| u64::from(a.lines_per_sec)).sum();
    let records_per_sec = producers + agents;
    let readers = (config.consumers.len() + config.analytics.len() + config.delivery_streams.len()) as u64;
    let shards = total_shards(config);
    let written = records_per_sec.min(shards * SHARD_WRITE_RECORDS_PER_SEC * 10);
    let work_per_sec = records_per_sec + written * (1 + readers);
    // Agents' lines (and a scenario without producers, written through the API) are kept whole.
    let whole = (!config.agents.is_empty() || config.producers.is_empty()).then_some(STORED_RECORD_BYTES);
    let stored_record_bytes = config.producers.iter().map(stored_record_bytes).chain(whole).max().unwrap_or(0);
    let producer_bytes = config.producers.len() as u64 * OUTSTANDING_RECORDS_MAX * WAITING_RECORD_BYTES;
    let affordable = SCENARIO_MEMORY_BYTES_MAX.saturating_sub(producer_bytes) / (shards.max(1) * stored_record_bytes);
    let log_records_per_shard = configured_log_records(config).min(affordable);
    Estimate { records_per_sec, work_per_sec, stored_record_bytes, producer_bytes, log_records_per_shard }
}

/// Megabytes, for messages.
fn mb(bytes: u64) -> String {
    format!("{} MB", bytes.div_ceil(1_000_000))
}

/// What makes `config` too big for the memory ceiling, if anything.
pub(crate) fn problems(config: &SimConfig, out: &mut Vec<String>) {
    let e = estimate(config);
    if e.log_records_per_shard < LOG_RECORDS_MIN_PER_SHARD.min(configured_log_records(config)) {
        out.push(format!(
            "The scenario needs more memory than the simulator allows (1 GiB): {} shards keeping at least \
             {LOG_RECORDS_MIN_PER_SHARD} records of up to {} B each, plus {} for {} producers' waiting records. \
             Use fewer shards or producers, or larger KPL records.",
            total_shards(config),
            e.stored_record_bytes,
            mb(e.producer_bytes),
            config.producers.len()
        ));
    }
}

/// Records one shard can receive while they are retained: its write limit (or the scenario's rate, if lower)
/// for the longest retention of the scenario's streams.
fn retained_records_per_shard(config: &SimConfig, e: &Estimate) -> u64 {
    let retention_secs = config.streams.iter().map(|s| u64::from(s.retention_hours) * 3_600).max().unwrap_or(0);
    e.records_per_sec.min(SHARD_WRITE_RECORDS_PER_SEC) * retention_secs
}

/// What a person should know before running `config`: how its memory is capped (when a shard can receive
/// more records within retention than it may keep), and how fast it can run.
pub fn notes(config: &SimConfig) -> Vec<String> {
    let e = estimate(config);
    let mut notes = Vec::new();
    if e.log_records_per_shard < configured_log_records(config).min(retained_records_per_shard(config, &e)) {
        notes.push(format!(
            "Memory: to stay within 1 GiB, each of the {} shards keeps its latest {} records (up to {} B each); \
             older ones are dropped early.",
            thousands(total_shards(config)),
            thousands(e.log_records_per_shard),
            thousands(e.stored_record_bytes)
        ));
    }
    if let Some(wall_secs) = e.wall_secs_per_sim_sec() {
        notes.push(format!(
            "Speed: this scenario asks for {} records/s ({} record handlings per simulated second); at about \
             {} a second (measured natively) each simulated second takes about {wall_secs} s.",
            thousands(e.records_per_sec),
            thousands(e.work_per_sec),
            thousands(RECORDS_PER_WALL_SEC)
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::producer::KplConfig;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn scenario(shard_count: u32, producers: Vec<ProducerConfig>) -> SimConfig {
        SimConfig {
            streams: alloc::vec![crate::StreamConfig::provisioned(crate::DEFAULT_STREAM_NAME, shard_count)],
            producers,
            ..SimConfig::default()
        }
    }

    #[test]
    fn a_thousand_shards_at_a_million_records_a_second_is_capped_and_said_to_be_slow() {
        // Issue 22: 1,024 shards at 1M records/s (a valid playground scenario) grew by 150 MB per simulated
        // second with 100,000 records kept per shard (17.6 GB at the cap).
        let config = scenario(1_024, alloc::vec![ProducerConfig::steady("p", 1_000_000, 100, 10_000)]);
        assert_eq!(config.validate(), Ok(()));
        let e = estimate(&config);
        // Numbered keys and zeros are kept compactly, 32 B a record at most:
        // (1 GiB - 100,000 waiting records * 100 B) / (1,024 shards * 32 B) = 1,063,741,824 / 32,768.
        assert_eq!(e.log_records_per_shard, 32_462);
        assert!(e.memory_bytes(1_024) <= SCENARIO_MEMORY_BYTES_MAX);
        // Made, written (1,024 shards take 1,024,000 records/s, so all of them), nobody reads: 2M handlings.
        assert_eq!((e.records_per_sec, e.work_per_sec), (1_000_000, 2_000_000));
        let notes = notes(&config);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("each of the 1,024 shards keeps its latest 32,462 records"), "{}", notes[0]);
        assert!(notes[1].contains("asks for 1,000,000 records/s"), "{}", notes[1]);
        assert!(notes[1].contains("takes about 14 s"), "2,000,000 / 150,000 rounded up: {}", notes[1]);
    }

    #[test]
    fn small_scenarios_have_nothing_to_say() {
        // 10 records/s keep 864,000 records in a day; one shard may keep (1 GiB - 10 MB) / 32 B of them.
        let config = scenario(1, alloc::vec![ProducerConfig::steady("p", 10, 100, 100)]);
        assert_eq!(notes(&config), Vec::<String>::new());
        assert_eq!(estimate(&config).log_records_per_shard, 1_063_741_824 / 32);
    }

    #[test]
    fn a_day_of_the_default_scenario_is_said_to_be_capped() {
        // 500 records/s for 24 hours is 43,200,000 records, more than two shards may keep at 32 B each:
        // (1 GiB - 10,000,000 B of waiting records) / (2 shards * 32 B) = 16,620,966 each.
        let config = SimConfig::default();
        assert_eq!(estimate(&config).log_records_per_shard, 16_620_966);
        let notes = notes(&config);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("each of the 2 shards keeps its latest 16,620,966 records (up to 32 B each)"));
    }

    #[test]
    fn templated_records_are_estimated_whole() {
        let templated =
            ProducerConfig { payload: PayloadTemplate::Clickstream, ..ProducerConfig::steady("p", 1, 1, 1) };
        assert_eq!(estimate(&scenario(1, alloc::vec![templated])).stored_record_bytes, STORED_RECORD_BYTES);
    }

    #[test]
    fn kpl_aggregates_of_tiny_records_on_many_shards_are_refused() {
        // 1-byte user records: 51,200 / 7 = 7,314 per aggregate, so a stored aggregate may hold about 351 KB
        // of descriptions; 1,024 shards cannot keep even 1,000 of them each in 1 GiB.
        let kpl = ProducerConfig {
            client: ClientStyle::Kpl(KplConfig::default()),
            ..ProducerConfig::steady("tiny", 1_000, 1, 100)
        };
        let config = scenario(1_024, alloc::vec![kpl]);
        assert_eq!(estimate(&config).stored_record_bytes, 172 + 7_313 * 48);
        let problems = config.validate().expect_err("too big").problems;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("The scenario needs more memory than the simulator allows (1 GiB)"));
    }
}
