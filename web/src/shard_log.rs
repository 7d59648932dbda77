//! The shard log view's data: each shard of a stream as a tape of records in sequence order, grouped into a
//! bounded number of blocks coloured by partition key, with the trim horizon, the tip, each consumer's
//! position and its distance to the tip, KCL lease owners and shard lineage. Plain Rust, tested natively.
//!
//! Work per frame does not grow with the records kept: a tape has at most [`BLOCKS_MAX`] blocks, each
//! coloured from [`SAMPLES_PER_BLOCK`] records looked up by position, and at most [`SHARDS_PER_PAGE`]
//! shards are drawn at once. The sampled positions lie on a grid (multiples of a power of two) that stays put
//! as the tip moves, and [`SampleCache`] keeps what the last view looked up: an old record is rebuilt from its
//! producer's compact run by walking the run from its start, which costs up to a millisecond at full load, so
//! each is looked up once, not on every view.

use shardlab_engine::consumer_app::{ReadStyle, ReplayFrom, StartAt};
use shardlab_engine::shard::{Record, Shard};
use shardlab_engine::{ShardId, SimTime, Simulation};

/// Blocks on one shard's tape at most: a shard with more records groups them.
pub const BLOCKS_MAX: usize = 32;
/// Records looked at to colour one block.
pub const SAMPLES_PER_BLOCK: usize = 3;
/// Shards drawn at once; more are paged.
pub const SHARDS_PER_PAGE: usize = 8;
/// Colours of the partition-key palette (`--key-0` … in the stylesheet).
pub const PALETTE_LEN: u8 = 8;

/// A partition key's colour: FNV-1a of the key, modulo the palette. The same key always gets the same colour.
pub fn key_colour(key: &str) -> u8 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in key.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    (hash % u32::from(PALETTE_LEN)) as u8
}

/// The blocks of a tape: `records` consecutive positions from `start`, cut into at most `blocks_max` groups
/// of nearly equal size (sizes differ by at most one), as inclusive `(first, last)` positions.
pub fn group_blocks(start: u64, records: u64, blocks_max: usize) -> Vec<(u64, u64)> {
    let count = records.min(blocks_max as u64);
    (0..count).map(|i| (start + i * records / count, start + (i + 1) * records / count - 1)).collect()
}

/// Where a shard's tape starts: at its first record while none has expired, then at most a quarter of the
/// retained length before the trim horizon, so expired records slide off the left end as the horizon moves.
pub fn tape_start(trim_horizon: u64, tip: u64) -> u64 {
    trim_horizon.saturating_sub(tip.saturating_sub(trim_horizon) / 4).max(1)
}

/// Where `position` sits on a tape from `start` to `tip` (the position after the newest record), 0 to 1.
pub fn fraction(position: u64, start: u64, tip: u64) -> f64 {
    if tip <= start {
        return 1.0;
    }
    (position.clamp(start, tip) - start) as f64 / (tip - start) as f64
}

/// The position a marker dropped at `fraction` of the tape stands for, kept between the trim horizon (the
/// oldest record retained) and the tip: a replay can only start at a record the shard still holds.
pub fn position_at(fraction: f64, start: u64, trim_horizon: u64, tip: u64) -> u64 {
    let f = if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 1.0 };
    let raw = start + (f * tip.saturating_sub(start) as f64).round() as u64;
    raw.clamp(trim_horizon.min(tip), tip)
}

/// A block's colour: the most frequent of its samples' colours (the lowest on a tie), and whether the samples
/// disagree (drawn as a mix).
pub fn dominant(colours: &[u8]) -> Option<(u8, bool)> {
    let mut counts = [0u32; PALETTE_LEN as usize];
    for &c in colours {
        counts[usize::from(c % PALETTE_LEN)] += 1;
    }
    let (best, n) = counts.iter().enumerate().max_by_key(|(i, n)| (**n, usize::MAX - i))?;
    (*n > 0).then_some((best as u8, (*n as usize) < colours.len()))
}

/// One group of consecutive records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogBlock {
    /// Its first record's position (sequence counter).
    pub first: u64,
    /// Its last record's position.
    pub last: u64,
    /// Its colour in the palette, or `None` when every record in it has expired.
    pub colour: Option<u8>,
    /// Whether its records carry keys of different colours.
    pub mixed: bool,
    /// A partition key in it (its first sample's), for the tooltip.
    pub key: String,
}

/// A consumer's place on one shard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// The consumer's index in the run (what a replay names).
    pub consumer: u32,
    /// Its name.
    pub name: String,
    /// The next position it reads, or `None` while it waits for a parent shard.
    pub position: Option<u64>,
    /// Records between it and the tip.
    pub behind_records: u64,
    /// How long the next record it reads has waited (its iterator age here), in ms.
    pub behind_ms: u64,
    /// The KCL worker holding the shard's lease.
    pub lease_owner: Option<u32>,
    /// Whether it read the shard to its end.
    pub finished: bool,
    /// Records it read again after a replay or a restart (all shards).
    pub read_again: u64,
}

/// One shard's tape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardTape {
    /// The shard's index (`shardId-000000000003` is 3).
    pub index: u32,
    /// `shardId-000000000003`.
    pub shard_id: String,
    /// Whether it takes writes.
    pub open: bool,
    /// Parents (a split's one, a merge's two).
    pub parents: Vec<String>,
    /// Children after a reshard.
    pub children: Vec<String>,
    /// The tape's first position (see [`tape_start`]).
    pub start: u64,
    /// The oldest position retained.
    pub trim_horizon: u64,
    /// The position after the newest record.
    pub tip: u64,
    /// Arrival of the oldest record retained and of the newest, simulated ms.
    pub span_ms: Option<(u64, u64)>,
    /// Full sequence numbers of the oldest and newest records retained.
    pub sequence_numbers: Option<(String, String)>,
    /// The blocks, oldest first.
    pub blocks: Vec<LogBlock>,
    /// Each consumer of the stream.
    pub markers: Vec<Marker>,
}

impl ShardTape {
    /// Records retained.
    pub fn retained(&self) -> u64 {
        self.tip - self.trim_horizon
    }
}

/// The view of one stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardLogView {
    /// The stream's name.
    pub stream: String,
    /// Shards in the stream, open and closed.
    pub shard_count: usize,
    /// The first shard shown (a multiple of [`SHARDS_PER_PAGE`]).
    pub page_start: usize,
    /// The shards shown.
    pub tapes: Vec<ShardTape>,
    /// The simulated time, ms.
    pub now_ms: u64,
}

/// What the view needs of one record.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sample {
    partition_key: String,
    arrival_ms: u64,
    sequence_number: String,
}

/// A looked-up record's place: stream, shard index, position.
type SampleKey = (String, u32, u64);

/// The records the last view looked up, by stream, shard index and position, so the next view looks up only
/// new ones. A record at a position never changes in a run (records are only appended, and expire from the
/// front), so the cache belongs to one run and holds one view's lookups at most. Each view's lookups are a
/// list sorted by key (at most `BLOCKS_MAX` x `SAMPLES_PER_BLOCK` + 2 per shard of a page, looked up shard by
/// shard, so an insert moves at most one shard's entries; a `BTreeMap` would add its generic code to the first
/// download).
#[derive(Debug, Default)]
pub struct SampleCache {
    previous: Vec<(SampleKey, Option<Sample>)>,
    current: Vec<(SampleKey, Option<Sample>)>,
    /// Records looked up in the shards, in all.
    looked_up: u64,
}

impl SampleCache {
    /// The record at `position` of `shard` (see [`record_at`]), from this view's or the last view's lookups
    /// where it was looked up before.
    fn sample(&mut self, stream: &str, shard: &Shard, position: u64) -> Option<Sample> {
        let key = (stream.to_string(), shard.id.0, position);
        let at = match self.current.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => return self.current[at].1.clone(),
            Err(at) => at,
        };
        let found = match self.previous.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(before) => self.previous[before].1.clone(),
            Err(_) => {
                self.looked_up += 1;
                record_at(shard, position).map(|r| Sample {
                    partition_key: r.partition_key,
                    arrival_ms: r.arrival.as_millis(),
                    sequence_number: r.sequence_number.to_decimal(),
                })
            }
        };
        self.current.insert(at, (key, found.clone()));
        found
    }

    /// Ends a view: what it looked up is kept for the next one, the rest dropped.
    fn finish_view(&mut self) {
        self.previous = core::mem::take(&mut self.current);
    }

    /// Records looked up in the shards so far (not found here).
    pub fn looked_up(&self) -> u64 {
        self.looked_up
    }
}

/// The positions sampled to colour the block `first..=last` of a tape `span` records long, none before
/// `trim_horizon`: up to [`SAMPLES_PER_BLOCK`] multiples of a stride (the power of two that puts about
/// `SAMPLES_PER_BLOCK` in each of [`BLOCKS_MAX`] blocks), so a position once sampled is sampled again while
/// the tape grows (until the stride doubles, and then the new positions are a subset of the old).
pub fn sample_positions(first: u64, last: u64, trim_horizon: u64, span: u64) -> Vec<u64> {
    let from = first.max(trim_horizon);
    if last < from {
        return Vec::new();
    }
    let stride = (span / (BLOCKS_MAX * SAMPLES_PER_BLOCK) as u64).max(1).next_power_of_two();
    let first_on_grid = from.div_ceil(stride);
    let last_on_grid = last / stride;
    if last_on_grid < first_on_grid {
        return vec![from];
    }
    let points = last_on_grid - first_on_grid + 1;
    let wanted = (SAMPLES_PER_BLOCK as u64).min(points);
    let mut positions: Vec<u64> =
        (0..wanted).map(|i| (first_on_grid + i * (points - 1) / (wanted - 1).max(1)) * stride).collect();
    positions.dedup();
    positions
}

/// The record at `position` in `shard`, if retained. Records are kept in sequence order without gaps, so
/// this is a lookup by offset, not a search.
pub fn record_at(shard: &Shard, position: u64) -> Option<Record> {
    (position >= shard.first_position() && position < shard.latest_position())
        .then(|| shard.records_from(position).next())
        .flatten()
}

fn tape(sim: &Simulation, stream: &str, shard: &Shard, cache: &mut SampleCache) -> ShardTape {
    let trim_horizon = shard.first_position();
    let tip = shard.latest_position();
    let start = tape_start(trim_horizon, tip);
    let newest = tip.checked_sub(1).filter(|&p| p >= trim_horizon).and_then(|p| cache.sample(stream, shard, p));
    let oldest = cache.sample(stream, shard, trim_horizon);
    let blocks = group_blocks(start, tip - start, BLOCKS_MAX)
        .into_iter()
        .map(|(first, last)| {
            let samples: Vec<Sample> = sample_positions(first, last, trim_horizon, tip - start)
                .into_iter()
                .filter_map(|p| cache.sample(stream, shard, p))
                .collect();
            let colours: Vec<u8> = samples.iter().map(|r| key_colour(&r.partition_key)).collect();
            let (colour, mixed) = dominant(&colours).map_or((None, false), |(c, m)| (Some(c), m));
            LogBlock {
                first,
                last,
                colour,
                mixed,
                key: samples.first().map(|r| r.partition_key.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let now = sim.now();
    let markers = sim
        .consumers()
        .iter()
        .enumerate()
        .filter(|(_, app)| app.config.stream_name == stream)
        .map(|(i, app)| {
            let finished = app.has_finished(shard.id);
            let reading = app.reading().any(|s| s == shard.id);
            let position = if finished {
                Some(tip)
            } else {
                app.next_position(shard.id).or_else(|| {
                    reading.then_some(match app.config.start {
                        StartAt::TrimHorizon => trim_horizon,
                        StartAt::Latest => tip,
                        StartAt::AtTimestamp { at_ms } => shard.position_at(SimTime::from_millis(at_ms)),
                    })
                })
            };
            let behind_ms = position
                .and_then(|p| cache.sample(stream, shard, p.max(trim_horizon)))
                .map_or(0, |r| now.as_millis().saturating_sub(r.arrival_ms));
            let lease_owner = match app.config.style {
                ReadStyle::Kcl(_) => app.leases.get(&shard.id).and_then(|l| l.owner),
                _ => None,
            };
            Marker {
                consumer: i as u32,
                name: app.config.name.clone(),
                position,
                behind_records: position.map_or(0, |p| tip.saturating_sub(p.max(trim_horizon))),
                behind_ms,
                lease_owner,
                finished,
                read_again: app.totals.duplicates,
            }
        })
        .collect();
    ShardTape {
        index: shard.id.0,
        shard_id: shard.id.to_string(),
        open: shard.is_open(),
        parents: shard
            .parent_shard_id
            .into_iter()
            .chain(shard.adjacent_parent_shard_id)
            .map(|p| p.to_string())
            .collect(),
        children: shard.child_shard_ids.iter().map(ShardId::to_string).collect(),
        start,
        trim_horizon,
        tip,
        span_ms: oldest.as_ref().zip(newest.as_ref()).map(|(o, n)| (o.arrival_ms, n.arrival_ms)),
        sequence_numbers: oldest.zip(newest).map(|(o, n)| (o.sequence_number, n.sequence_number)),
        blocks,
        markers,
    }
}

/// The view of stream `stream` from shard `page_start` on (rounded down to a page), or `None` if there is no
/// such stream. `cache` holds the run's earlier lookups (see [`SampleCache`]).
pub fn shard_log_view(
    sim: &Simulation,
    stream: &str,
    page_start: usize,
    cache: &mut SampleCache,
) -> Option<ShardLogView> {
    let s = sim.stream_named(stream)?;
    let shards = s.shards();
    let page_start = (page_start.min(shards.len().saturating_sub(1)) / SHARDS_PER_PAGE) * SHARDS_PER_PAGE;
    let tapes =
        shards.iter().skip(page_start).take(SHARDS_PER_PAGE).map(|shard| tape(sim, stream, shard, cache)).collect();
    cache.finish_view();
    Some(ShardLogView {
        stream: stream.to_string(),
        shard_count: shards.len(),
        page_start,
        tapes,
        now_ms: sim.now().as_millis(),
    })
}

/// A replay the view asks for: consumer `consumer` on shard `shard`, from `from`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplayRequest {
    /// The consumer's index in the run.
    pub consumer: u32,
    /// The shard's index.
    pub shard: u32,
    /// Where it reads next.
    pub from: ReplayFrom,
}

/// The full sequence number of the record at `position` of `shard` in `stream`, for the record browser.
pub fn sequence_number_at(sim: &Simulation, stream: &str, shard: u32, position: u64) -> Option<String> {
    let shard = sim.stream_named(stream)?.shard(ShardId(shard))?;
    record_at(shard, position.max(shard.first_position())).map(|r| r.sequence_number.to_decimal())
}

/// The narration of a replay: what moved, and what it reads again (or skips).
pub fn replay_text(name: &str, shard_id: &str, from: ReplayFrom, old: Option<u64>, new: u64) -> String {
    let how = match from {
        ReplayFrom::SequenceCounter { .. } => "AT_SEQUENCE_NUMBER".to_string(),
        ReplayFrom::Timestamp { at_ms } => format!("AT_TIMESTAMP {}", crate::format::thousands(at_ms) + " ms"),
    };
    let effect = match old {
        Some(old) if old > new => {
            format!(
                "it reads records #{new} to #{} again ({})",
                old - 1,
                crate::format::count(old - new, "record", "records")
            )
        }
        Some(old) if old < new => format!("it skips {}", crate::format::count(new - old, "record", "records")),
        Some(_) => "it was already there".to_string(),
        None => "it starts there".to_string(),
    };
    format!("Replay: consumer {name} moved on {shard_id} to record #{new} ({how}); {effect}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_record_once_in_nearly_equal_groups() {
        // 1,000 records from position 1 in at most 32 blocks: sizes 31 or 32, adjacent, covering 1..=1000.
        let blocks = group_blocks(1, 1_000, 32);
        assert_eq!(blocks.len(), 32);
        assert_eq!(blocks[0].0, 1);
        assert_eq!(blocks[31].1, 1_000);
        for pair in blocks.windows(2) {
            assert_eq!(pair[1].0, pair[0].1 + 1);
        }
        for (first, last) in &blocks {
            assert!((31..=32).contains(&(last - first + 1)), "{first}..{last}");
        }
        // Fewer records than blocks: one record each; none: no blocks.
        assert_eq!(group_blocks(5, 3, 32), vec![(5, 5), (6, 6), (7, 7)]);
        assert!(group_blocks(1, 0, 32).is_empty());
        // A billion records still make 32 blocks.
        assert_eq!(group_blocks(1, 1_000_000_000, 32).len(), 32);
    }

    #[test]
    fn markers_sit_at_their_share_of_the_tape_and_drops_map_back() {
        // Tape 1..1001 (1,000 records): position 251 is a quarter in, the tip at the end.
        assert_eq!(fraction(251, 1, 1_001), 0.25);
        assert_eq!(fraction(1_001, 1, 1_001), 1.0);
        assert_eq!(fraction(5, 1, 1), 1.0, "an empty shard's only place is its tip");
        assert_eq!(position_at(0.25, 1, 1, 1_001), 251);
        // Dropped before the trim horizon (records 1..=400 expired): it starts at the oldest retained.
        assert_eq!(position_at(0.1, 1, 401, 1_001), 401);
        assert_eq!(position_at(2.0, 1, 401, 1_001), 1_001);
        assert_eq!(position_at(f64::NAN, 1, 401, 1_001), 1_001);
    }

    #[test]
    fn the_tape_starts_at_the_first_record_until_records_expire() {
        assert_eq!(tape_start(1, 1_001), 1);
        // Records 1..=400 expired, 600 retained: the tape shows 150 expired ones before the horizon.
        assert_eq!(tape_start(401, 1_001), 251);
        assert_eq!(tape_start(101, 1_001), 1, "never before the first record");
    }

    #[test]
    fn a_key_always_gets_the_same_colour_and_keys_spread_over_the_palette() {
        assert_eq!(key_colour("customer-17"), key_colour("customer-17"));
        let mut seen = [false; PALETTE_LEN as usize];
        for i in 0..100 {
            seen[usize::from(key_colour(&format!("key-{i}")))] = true;
        }
        assert!(seen.iter().all(|s| *s), "100 keys use all {PALETTE_LEN} colours: {seen:?}");
    }

    #[test]
    fn a_block_shows_its_dominant_colour_and_whether_it_is_mixed() {
        assert_eq!(dominant(&[3, 3, 3]), Some((3, false)));
        assert_eq!(dominant(&[2, 5, 5]), Some((5, true)));
        assert_eq!(dominant(&[6, 1]), Some((1, true)), "a tie goes to the lower colour");
        assert_eq!(dominant(&[]), None);
    }

    #[test]
    fn a_replay_is_narrated_with_what_is_read_again() {
        let text = replay_text(
            "ledger",
            "shardId-000000000000",
            ReplayFrom::SequenceCounter { counter: 401 },
            Some(1_001),
            401,
        );
        assert_eq!(
            text,
            "Replay: consumer ledger moved on shardId-000000000000 to record #401 (AT_SEQUENCE_NUMBER); it reads records \
             #401 to #1000 again (600 records)."
        );
        let skip = replay_text("x", "s", ReplayFrom::Timestamp { at_ms: 2_000 }, Some(10), 15);
        assert!(skip.ends_with("(AT_TIMESTAMP 2,000 ms); it skips 5 records."), "{skip}");
        // One record is one record, not "1 records".
        let one = replay_text("x", "s", ReplayFrom::SequenceCounter { counter: 9 }, Some(10), 9);
        assert!(one.ends_with("it reads records #9 to #9 again (1 record)."), "{one}");
        let skip_one = replay_text("x", "s", ReplayFrom::SequenceCounter { counter: 11 }, Some(10), 11);
        assert!(skip_one.ends_with("it skips 1 record."), "{skip_one}");
    }

    /// One shard fed 100 records/s for 10 s, then paused, read by a polling consumer until 12 s.
    fn read_to_the_tip() -> Simulation {
        use shardlab_engine::consumer_app::ConsumerAppConfig;
        use shardlab_engine::{Command, DEFAULT_STREAM_NAME, ProducerConfig, SimConfig, StreamConfig};
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: vec![ProducerConfig::steady("clicks", 100, 100, 10)],
            consumers: vec![ConsumerAppConfig::polling("reader")],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid config");
        sim.advance_to(SimTime::from_secs(10));
        sim.apply(Command::SetProducerRate { producer: 0, records_per_sec: 0 }).expect("producer 0");
        sim.advance_to(SimTime::from_secs(12));
        sim
    }

    #[test]
    fn samples_sit_on_a_grid_that_survives_the_tape_growing() {
        // 9,600 records in 32 blocks of 300: about 3 samples a block is a stride of 100, rounded up to 128.
        assert_eq!(sample_positions(0, 299, 0, 9_600), vec![0, 128, 256]);
        assert_eq!(sample_positions(300, 599, 0, 9_600), vec![384, 512]);
        // Nothing before the trim horizon; a block left with no grid point is sampled where it starts.
        assert_eq!(sample_positions(0, 299, 300, 9_600), Vec::<u64>::new());
        assert_eq!(sample_positions(0, 299, 260, 9_600), vec![260]);
        // Twice the records: a stride of 256, so every position sampled now was on the old grid.
        let grown: Vec<u64> = group_blocks(1, 19_200, BLOCKS_MAX)
            .into_iter()
            .flat_map(|(first, last)| sample_positions(first, last, 1, 19_200))
            .collect();
        assert!(grown.iter().all(|p| p % 256 == 0), "{grown:?}");
        assert!(grown.len() >= BLOCKS_MAX && grown.len() <= BLOCKS_MAX * SAMPLES_PER_BLOCK, "{}", grown.len());
    }

    #[test]
    fn a_cached_view_equals_a_fresh_one_and_looks_up_only_what_is_new() {
        use shardlab_engine::consumer_app::ConsumerAppConfig;
        use shardlab_engine::{DEFAULT_STREAM_NAME, ProducerConfig, SimConfig, StreamConfig};
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 2)],
            producers: vec![ProducerConfig::steady("clicks", 1_000, 100, 50)],
            consumers: vec![ConsumerAppConfig::polling("reader")],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid config");
        let mut cache = SampleCache::default();
        for second in [30, 31, 45, 60] {
            sim.advance_to(SimTime::from_secs(second));
            let before = cache.looked_up();
            let cached = shard_log_view(&sim, DEFAULT_STREAM_NAME, 0, &mut cache).expect("the stream");
            let fresh = shard_log_view(&sim, DEFAULT_STREAM_NAME, 0, &mut SampleCache::default()).expect("the stream");
            assert_eq!(cached, fresh, "at {second} s");
            let new = cache.looked_up() - before;
            // Two tapes of up to 32 blocks of 3 samples, plus the oldest, the newest and a marker on each.
            assert!(new <= 2 * (BLOCKS_MAX * SAMPLES_PER_BLOCK + 3) as u64, "{new} at {second} s");
            // The same view again looks nothing up.
            let again = cache.looked_up();
            shard_log_view(&sim, DEFAULT_STREAM_NAME, 0, &mut cache).expect("the stream");
            assert_eq!(cache.looked_up(), again, "at {second} s");
            if second == 31 {
                // One second later, most samples are the last view's: the grid stayed put.
                assert!(new * 4 < 2 * (BLOCKS_MAX * SAMPLES_PER_BLOCK) as u64, "{new} new lookups after 1 s");
            }
        }
    }

    #[test]
    fn a_run_s_tape_has_bounded_blocks_and_the_consumer_where_it_reads() {
        let mut sim = read_to_the_tip();
        let stream = shardlab_engine::DEFAULT_STREAM_NAME;
        let view = shard_log_view(&sim, stream, 0, &mut SampleCache::default()).expect("the stream");
        let tape = &view.tapes[0];
        let n = tape.tip - 1;
        assert!((999..=1_001).contains(&n), "100 records/s for 10 s: {n}");
        assert_eq!((tape.start, tape.trim_horizon), (1, 1), "nothing expired in 12 s of a 24 h retention");
        assert_eq!(tape.blocks.len(), BLOCKS_MAX);
        assert!(tape.blocks.iter().all(|b| b.colour.is_some()));
        // Ten keys: the first block's colour is its first record's key's (or a mix).
        let marker = &tape.markers[0];
        assert_eq!((marker.position, marker.behind_records, marker.behind_ms), (Some(n + 1), 0, 0));
        // Dragged back to a quarter of the tape: it reads from there again.
        let to = position_at(0.25, tape.start, tape.trim_horizon, tape.tip);
        assert_eq!(to, 1 + ((n as f64) * 0.25).round() as u64);
        let request = ReplayRequest { consumer: 0, shard: 0, from: ReplayFrom::SequenceCounter { counter: to } };
        assert_eq!(sim.replay_consumer(request.consumer, request.shard, request.from), Ok(to));
        let tape = &shard_log_view(&sim, stream, 0, &mut SampleCache::default()).expect("the stream").tapes[0];
        assert_eq!(tape.markers[0].position, Some(to));
        assert_eq!(tape.markers[0].behind_records, n + 1 - to);
        // The record at `to` arrived about (to - 1) × 10 ms into the run; it is now 12 s.
        let waited = tape.markers[0].behind_ms;
        assert!((12_000 - to * 10..=12_000 - (to - 1) * 10 + 10).contains(&waited), "{waited} ms");
    }

    #[test]
    fn the_trim_horizon_moves_as_retention_expires_records() {
        use shardlab_engine::{DEFAULT_STREAM_NAME, ProducerConfig, SimConfig, StreamConfig};
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: vec![ProducerConfig::steady("ticks", 1, 100, 3)],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid config");
        // 24 hours' retention (the default and the minimum), and 12 hours more: the first 12 hours' records,
        // one a second, have expired: the horizon is near #43,200.
        let day_ms = 24 * 3_600 * 1_000;
        sim.advance_to(SimTime::from_millis(day_ms * 3 / 2));
        let view = shard_log_view(&sim, DEFAULT_STREAM_NAME, 0, &mut SampleCache::default()).expect("the stream");
        let tape = &view.tapes[0];
        assert!((43_195..=43_205).contains(&tape.trim_horizon), "horizon at #{}", tape.trim_horizon);
        // The oldest retained record is younger than 24 hours; the one before it (a second older) was not.
        let (oldest_ms, _) = tape.span_ms.expect("records retained");
        let cutoff_ms = view.now_ms - day_ms;
        assert!(oldest_ms > cutoff_ms && oldest_ms - 1_000 <= cutoff_ms, "{oldest_ms} vs {cutoff_ms}");
        // The tape shows a quarter of the retained length (86,400 records) before the horizon: 21,600
        // expired records, so of 32 blocks of 3,375 records the first 6 lie wholly before it.
        assert_eq!(tape.start, tape.trim_horizon - tape.retained() / 4);
        for block in &tape.blocks {
            assert_eq!(block.colour.is_none(), block.last < tape.trim_horizon, "{block:?}");
        }
        assert_eq!(tape.blocks.iter().filter(|b| b.colour.is_none()).count(), 6);
    }
}
