//! What a scenario may cost: memory held at most, and work per simulated second. The one place these
//! estimates and their thresholds live; [`crate::SimConfig::validate`] and [`crate::Simulation::new`] apply
//! them, and front ends show [`notes`].

use crate::format::thousands;
use crate::limits::SHARD_WRITE_RECORDS_PER_SEC;
use crate::producer::{ClientStyle, OUTSTANDING_RECORDS_MAX, ProducerConfig};
use crate::record_source::SourceSpec;
use crate::sim::SimConfig;
use crate::workload::SizeProfile;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The most memory one scenario may hold, in bytes (1 GiB; messages say "1 GiB"): what the page can afford in one tab.
pub const SCENARIO_MEMORY_BYTES_MAX: u64 = 1 << 30;
/// Bytes a shard's log holds per warm record a simulated producer writes with a numbered key (`user-N`)
/// and data of zeros (`shard_log`): its key's number, length, origin and hash key (32 B), and at worst an
/// arrival run of its own (24 B; records arriving at one instant share one), rounded up.
pub const COMPACT_RECORD_BYTES: u64 = 64;
/// Thousandths of a byte a shard's log holds per cold record of a derivable producer
/// ([`crate::record_source`]): its run's share (about 100 B per shard and source per hot window), its call's
/// (8 B per call), and its refused records' holes (4 B a lone one, 8 B a stretch of several); at issue 18's
/// full write load about 0.13 B resident, measured with `cargo xtask bench`, here with headroom.
pub const DERIVED_RECORD_MILLIBYTES: u64 = 250;
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
    /// Thousandths of a byte a stored record may take in a shard's log once compacted (a fraction of a byte
    /// for derivable producers' records, more for records kept whole and KPL aggregates).
    pub stored_record_millibytes: u64,
    /// Bytes producers may hold in records waiting in their clients, and bytes warm records may hold (the
    /// records written in the last hot window).
    pub producer_bytes: u64,
    /// Records each shard keeps at most: the configured bound, lowered to fit the memory ceiling.
    pub log_records_per_shard: u64,
}

impl Estimate {
    /// The memory the scenario may hold at most, in bytes.
    pub fn memory_bytes(&self, shard_count: u32) -> u64 {
        let log = u64::from(shard_count) * self.log_records_per_shard * self.stored_record_millibytes / 1_000;
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

/// Thousandths of a byte one stored record of this producer may take in a shard's log once compacted.
fn stored_record_millibytes(producer: &ProducerConfig) -> u64 {
    if SourceSpec::derivable(producer) {
        return DERIVED_RECORD_MILLIBYTES;
    }
    let bytes =
        STORED_RECORD_BYTES + (user_records_per_stored_record(producer).max(1) - 1) * AGGREGATED_USER_RECORD_BYTES;
    bytes * 1_000
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
    let whole = (!config.agents.is_empty() || config.producers.is_empty()).then_some(STORED_RECORD_BYTES * 1_000);
    let stored_record_millibytes =
        config.producers.iter().map(stored_record_millibytes).chain(whole).max().unwrap_or(0);
    let waiting = config.producers.len() as u64 * OUTSTANDING_RECORDS_MAX * WAITING_RECORD_BYTES;
    let warm = written * (crate::stream::HOT_WINDOW.as_millis() / 1_000) * COMPACT_RECORD_BYTES;
    let producer_bytes = waiting + warm;
    let affordable = SCENARIO_MEMORY_BYTES_MAX.saturating_sub(producer_bytes) * 1_000
        / (shards.max(1) * stored_record_millibytes.max(1));
    let log_records_per_shard = configured_log_records(config).min(affordable);
    Estimate { records_per_sec, work_per_sec, stored_record_millibytes, producer_bytes, log_records_per_shard }
}

/// A record's size from thousandths of a byte, for messages: `172 B`, `0.25 B`.
fn record_bytes(millibytes: u64) -> String {
    if millibytes >= 1_000 {
        return format!("{} B", thousands(millibytes / 1_000));
    }
    let hundredths = millibytes.div_ceil(10);
    format!("0.{hundredths:02} B")
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
             {LOG_RECORDS_MIN_PER_SHARD} records of up to {} each, plus {} for {} producers' waiting records. \
             Use fewer shards or producers, or larger KPL records.",
            total_shards(config),
            record_bytes(e.stored_record_millibytes),
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
            "Memory: to stay within 1 GiB, each of the {} shards keeps its latest {} records (up to {} each); \
             older ones are dropped early.",
            thousands(total_shards(config)),
            thousands(e.log_records_per_shard),
            record_bytes(e.stored_record_millibytes)
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
        // Warm: 1M records/s for the 5 s hot window at 64 B; waiting: 100,000 records at 100 B; cold records of
        // a derivable producer at 0.25 B: (1 GiB - 320,000,000 B - 10,000,000 B) / (1,024 shards * 0.25 B).
        assert_eq!(e.producer_bytes, 330_000_000);
        assert_eq!(e.log_records_per_shard, 743_741_824_000 / 256_000);
        assert!(e.memory_bytes(1_024) <= SCENARIO_MEMORY_BYTES_MAX);
        // Made, written (1,024 shards take 1,024,000 records/s, so all of them), nobody reads: 2M handlings.
        assert_eq!((e.records_per_sec, e.work_per_sec), (1_000_000, 2_000_000));
        let notes = notes(&config);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("each of the 1,024 shards keeps its latest 2,905,241 records (up to 0.25 B each)"));
        assert!(notes[1].contains("asks for 1,000,000 records/s"), "{}", notes[1]);
        assert!(notes[1].contains("takes about 14 s"), "2,000,000 / 150,000 rounded up: {}", notes[1]);
    }

    #[test]
    fn small_scenarios_have_nothing_to_say() {
        // 10 records/s keep 864,000 records in a day; one shard keeps up to its configured bound.
        let config = scenario(1, alloc::vec![ProducerConfig::steady("p", 10, 100, 100)]);
        assert_eq!(notes(&config), Vec::<String>::new());
        assert_eq!(estimate(&config).log_records_per_shard, 86_400_000);
    }

    #[test]
    fn a_day_of_the_default_scenario_is_kept_whole() {
        // 500 records/s for 24 hours is 43,200,000 records; two shards may keep
        // (1 GiB - 10,000,000 B waiting - 500 * 5 * 64 B warm) / (2 * 0.25 B) = 2,127,163,648 each, more than
        // the configured bound (86,400,000: a day at the write limit).
        let config = SimConfig::default();
        assert_eq!(estimate(&config).log_records_per_shard, 86_400_000);
        assert_eq!(notes(&config), Vec::<String>::new());
    }

    #[test]
    fn an_hour_and_more_of_issue_18s_full_load_fits() {
        // 100 shards at 100,000 records/s of 1,000 B through PutRecords over 100,000 keys: each shard may keep
        // (1 GiB - 10,000,000 B waiting - 100,000 * 5 * 64 B warm) / (100 * 0.25 B) records, 11.5 hours at
        // its 1,000 records/s.
        let producer = ProducerConfig {
            client: ClientStyle::PutRecords { batch_max_records: 500, linger_ms: 100 },
            ..ProducerConfig::steady("load", 100_000, 1_000, 100_000)
        };
        let e = estimate(&scenario(100, alloc::vec![producer]));
        assert_eq!(e.log_records_per_shard, 1_031_741_824_000 / 25_000);
        assert!(e.log_records_per_shard > 3_600 * 1_000);
    }

    #[test]
    fn templated_records_are_estimated_whole() {
        let templated = ProducerConfig {
            payload: crate::template::PayloadTemplate::Clickstream,
            ..ProducerConfig::steady("p", 1, 1, 1)
        };
        let e = estimate(&scenario(1, alloc::vec![templated]));
        assert_eq!(e.stored_record_millibytes, STORED_RECORD_BYTES * 1_000);
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
        assert_eq!(estimate(&config).stored_record_millibytes, (172 + 7_313 * 48) * 1_000);
        let problems = config.validate().expect_err("too big").problems;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("The scenario needs more memory than the simulator allows (1 GiB)"));
    }
}
