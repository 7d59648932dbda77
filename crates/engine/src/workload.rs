//! What simulated producers send: how fast (rate profiles), how big (size profiles), with which keys
//! (key profiles). All sampling draws from the engine's seeded [`Rng`] and uses only exact integer
//! arithmetic or IEEE basic operations, so native and wasm runs agree bit for bit.

use crate::rng::Rng;
use crate::time::{SimDuration, SimTime};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// How a producer's record rate changes over simulated time.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
pub enum RateProfile {
    /// The same rate throughout.
    Constant {
        /// Records per second.
        records_per_sec: u32,
    },
    /// One rate, then another from `at_ms` on.
    Step {
        /// Records per second before the step.
        before: u32,
        /// Records per second from the step on.
        after: u32,
        /// When the step happens, simulated milliseconds.
        at_ms: u64,
    },
    /// A linear change from `from` to `to` between `start_ms` and `start_ms + duration_ms`.
    Ramp {
        /// Records per second up to the start.
        from: u32,
        /// Records per second from the end on.
        to: u32,
        /// When the ramp starts.
        start_ms: u64,
        /// How long it lasts.
        duration_ms: u64,
    },
    /// `base`, with a burst of `peak` between `start_ms` and `start_ms + duration_ms`.
    Spike {
        /// Records per second outside the burst.
        base: u32,
        /// Records per second during it.
        peak: u32,
        /// When the burst starts.
        start_ms: u64,
        /// How long it lasts.
        duration_ms: u64,
    },
    /// A recorded trace replayed: one record at each point, with the point's size (see [`parse_trace`]).
    Trace {
        /// The records, in time order.
        points: Vec<TracePoint>,
    },
    /// A sine wave around `mean` (a daily cycle with `period_ms` = 86,400,000).
    Sine {
        /// The average rate.
        mean: u32,
        /// How far above and below the mean it swings (capped at the mean).
        amplitude: u32,
        /// The wave's period.
        period_ms: u64,
    },
}

/// One record of a recorded trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct TracePoint {
    /// When it is sent, simulated milliseconds.
    pub at_ms: u64,
    /// Its data size in bytes.
    pub bytes: u32,
}

/// Points of a trace at most (a bound on what a pasted trace may cost).
pub const TRACE_POINTS_MAX: usize = 1_000_000;

/// Reads a trace a person pasted or imported: one record per line, either CSV `at_ms,bytes` (a header line
/// naming the columns is skipped) or NDJSON `{"at_ms": 120, "bytes": 512}`. Lines must be in time order.
/// Errors name the line and say what is allowed.
pub fn parse_trace(text: &str) -> Result<Vec<TracePoint>, String> {
    let mut points = Vec::new();
    for (number, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
        if line.is_empty() || (number == 1 && line.starts_with(|c: char| c.is_ascii_alphabetic())) {
            continue;
        }
        let pair = if line.starts_with('{') {
            json_pair(line)
        } else {
            line.split_once(',').map(|(a, b)| (String::from(a), String::from(b)))
        };
        let (at, bytes) = pair.ok_or_else(|| {
            format!("Line {number}: expected `at_ms,bytes` or {{\"at_ms\": …, \"bytes\": …}}, got `{line}`.")
        })?;
        let at_ms: u64 = at
            .trim()
            .parse()
            .map_err(|_| format!("Line {number}: at_ms `{}` is not a whole number of milliseconds.", at.trim()))?;
        let bytes: u32 = bytes
            .trim()
            .parse()
            .map_err(|_| format!("Line {number}: bytes `{}` is not a whole number from 0 to 1048576.", bytes.trim()))?;
        if u64::from(bytes) > crate::limits::RECORD_BYTES_MAX {
            return Err(format!("Line {number}: {bytes} bytes is more than a record may hold (1048576)."));
        }
        if points.last().is_some_and(|p: &TracePoint| p.at_ms > at_ms) {
            return Err(format!("Line {number}: {at_ms} ms comes before the previous line; sort the trace by time."));
        }
        if points.len() == TRACE_POINTS_MAX {
            return Err(format!("The trace has more than {TRACE_POINTS_MAX} records; shorten it."));
        }
        points.push(TracePoint { at_ms, bytes });
    }
    if points.is_empty() {
        return Err("The trace has no records: give one `at_ms,bytes` line per record.".into());
    }
    Ok(points)
}

/// The `at_ms` and `bytes` values of a one-line JSON object, as text (through the engine's JSON reader).
fn json_pair(line: &str) -> Option<(String, String)> {
    let value = crate::json::Json::parse(line)?;
    Some((value.get("at_ms")?.as_text(), value.get("bytes")?.as_text()))
}

impl RateProfile {
    /// The rate at `t`, records per second.
    pub fn rate_at(&self, t: SimTime) -> u32 {
        let ms = t.as_millis();
        match *self {
            Self::Trace { ref points } => {
                let from = ms.saturating_sub(999);
                let start = points.partition_point(|p| p.at_ms < from);
                let end = points.partition_point(|p| p.at_ms <= ms);
                (end - start) as u32
            }
            Self::Constant { records_per_sec } => records_per_sec,
            Self::Step { before, after, at_ms } => {
                if ms < at_ms {
                    before
                } else {
                    after
                }
            }
            Self::Ramp { from, to, start_ms, duration_ms } => {
                if ms <= start_ms {
                    from
                } else if ms >= start_ms.saturating_add(duration_ms) {
                    to
                } else {
                    let done = i128::from(ms - start_ms);
                    let delta = i128::from(to) - i128::from(from);
                    (i128::from(from) + delta * done / i128::from(duration_ms.max(1))) as u32
                }
            }
            Self::Spike { base, peak, start_ms, duration_ms } => {
                if ms >= start_ms && ms < start_ms.saturating_add(duration_ms) { peak } else { base }
            }
            Self::Sine { mean, amplitude, period_ms } => {
                let phase = (ms % period_ms.max(1)) as f64 / period_ms.max(1) as f64;
                let swing = f64::from(amplitude.min(mean)) * sin_turns(phase);
                // Round half up by adding 0.5 before the truncating cast (core has no `f64::round`).
                ((f64::from(mean) + swing).max(0.0) + 0.5) as u32
            }
        }
    }

    /// The largest rate the profile ever reaches (for validation against simulator bounds).
    pub fn peak(&self) -> u32 {
        match *self {
            Self::Trace { ref points } => {
                // The most points in any one-second window.
                let mut start = 0;
                let mut best = 0;
                for (end, p) in points.iter().enumerate() {
                    while p.at_ms - points[start].at_ms >= 1_000 {
                        start += 1;
                    }
                    best = best.max(end + 1 - start);
                }
                best as u32
            }
            Self::Constant { records_per_sec } => records_per_sec,
            Self::Step { before, after, .. } => before.max(after),
            Self::Ramp { from, to, .. } => from.max(to),
            Self::Spike { base, peak, .. } => base.max(peak),
            Self::Sine { mean, amplitude, .. } => mean.saturating_add(amplitude.min(mean)),
        }
    }

    /// When the record after one sent at `t` is due, or `None` while the rate is zero
    /// (the producer then checks again after [`IDLE_RECHECK`]).
    pub fn next_after(&self, t: SimTime) -> Option<SimTime> {
        let rate = u64::from(self.rate_at(t));
        (rate > 0).then(|| t + SimDuration((SimDuration::SECOND.0 / rate).max(1)))
    }
}

/// How often a producer whose rate is zero looks again.
pub const IDLE_RECHECK: SimDuration = SimDuration::from_millis(100);

/// `sin(2π · turns)` for `turns` in `[0, 1)`, from IEEE basic operations only (a Bhaskara-style rational
/// approximation, within 0.002 of the true sine), so every platform computes the same bits.
pub fn sin_turns(turns: f64) -> f64 {
    let t = turns - libm_floor(turns);
    let (half, sign) = if t < 0.5 { (t, 1.0) } else { (t - 0.5, -1.0) };
    // Bhaskara I: sin(x) ≈ 16x(π − x) / (5π² − 4x(π − x)), with x = 2π·half, rewritten in half-turns.
    let y = half * 2.0; // x / π, in [0, 1)
    let p = y * (1.0 - y);
    sign * 16.0 * p / (5.0 - 4.0 * p)
}

fn libm_floor(x: f64) -> f64 {
    let truncated = x as i64 as f64;
    if truncated > x { truncated - 1.0 } else { truncated }
}

/// How big each record's data is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
pub enum SizeProfile {
    /// Always the same size.
    Fixed {
        /// Bytes.
        bytes: u32,
    },
    /// Uniformly between two sizes, inclusive.
    Uniform {
        /// Smallest.
        min: u32,
        /// Largest.
        max: u32,
    },
    /// Mostly small records, with a share of large ones.
    Bimodal {
        /// The usual size.
        small: u32,
        /// The occasional size.
        large: u32,
        /// Percent of records that are large (0 to 100).
        large_percent: u8,
    },
}

impl SizeProfile {
    /// A record size drawn from the profile.
    pub fn sample(&self, rng: &mut Rng) -> u32 {
        match *self {
            Self::Fixed { bytes } => bytes,
            Self::Uniform { min, max } => {
                let (lo, hi) = (min.min(max), min.max(max));
                lo + rng.below(u64::from(hi - lo) + 1) as u32
            }
            Self::Bimodal { small, large, large_percent } => {
                if rng.below(100) < u64::from(large_percent) {
                    large
                } else {
                    small
                }
            }
        }
    }

    /// The largest size it can produce.
    pub fn max_bytes(&self) -> u32 {
        match *self {
            Self::Fixed { bytes } => bytes,
            Self::Uniform { min, max } => min.max(max),
            Self::Bimodal { small, large, .. } => small.max(large),
        }
    }
}

/// Which partition keys (or explicit hash keys) records carry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
pub enum KeyProfile {
    /// `user-0` … `user-<keys-1>`, equally likely.
    Uniform {
        /// How many distinct keys.
        keys: u32,
    },
    /// `user-0` … with Zipf weights 1/1, 1/2, 1/3, …: a few keys are hot.
    Zipf {
        /// How many distinct keys.
        keys: u32,
    },
    /// One key (`hot`) takes `hot_percent` of the records; the rest spread over `user-0` … uniformly.
    HotKey {
        /// How many other keys.
        keys: u32,
        /// Percent of records with the hot key.
        hot_percent: u8,
    },
    /// A fresh random UUID for every record: a perfectly even spread.
    RandomUuid,
    /// A uniformly random explicit hash key for every record (the partition key is then `ehk`).
    ExplicitHashKey,
}

/// A key drawn from a [`KeyProfile`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// The partition key.
    pub partition_key: String,
    /// The explicit hash key, if the profile uses them.
    pub explicit_hash_key: Option<u128>,
}

/// Draws keys from a profile; holds the Zipf table so it is built once.
#[derive(Clone, Debug)]
pub struct KeySampler {
    profile: KeyProfile,
    /// Cumulative Zipf weights in fixed point (weight of key k = floor(2^40 / (k + 1))), for key spaces of
    /// at most [`ZIPF_TABLE_KEYS_MAX`] keys; larger ones are sampled without a table.
    zipf_cumulative: Vec<u64>,
}

/// Zipf key spaces up to this many keys are sampled from a table of cumulative weights (8 bytes a key);
/// larger ones by rejection, in memory independent of the key count.
pub const ZIPF_TABLE_KEYS_MAX: u32 = 10_000;

/// Draws `k` in `1..=keys` with probability proportional to `1/k`, without a table. A try picks one of the
/// power-of-two blocks `[2^j, 2^(j+1))` covering `1..=keys` uniformly, then `k` uniformly in it, and keeps
/// `k` with probability `2^j / k`: each `k` is then drawn with probability `1 / (blocks * k)` per try, exactly
/// Zipf's. At least a third of tries succeed; after [`ZIPF_TRIES_MAX`] failed ones (chance below 10^-11)
/// the most popular key is taken, so the work per draw is bounded.
fn zipf_by_rejection(keys: u64, rng: &mut Rng) -> u64 {
    let blocks = u64::from(64 - keys.leading_zeros());
    for _ in 0..ZIPF_TRIES_MAX {
        let low = 1u64 << rng.below(blocks);
        let k = low + rng.below(low);
        if k <= keys && rng.below(k) < low {
            return k;
        }
    }
    1
}

/// See [`zipf_by_rejection`].
const ZIPF_TRIES_MAX: u32 = 64;

impl KeySampler {
    /// A sampler for `profile`.
    pub fn new(profile: KeyProfile) -> Self {
        let zipf_cumulative = match profile {
            KeyProfile::Zipf { keys } if keys <= ZIPF_TABLE_KEYS_MAX => (1..=u64::from(keys.max(1)))
                .scan(0u64, |total, k| {
                    *total += (1u64 << 40) / k;
                    Some(*total)
                })
                .collect(),
            _ => Vec::new(),
        };
        Self { profile, zipf_cumulative }
    }

    /// The profile.
    pub fn profile(&self) -> &KeyProfile {
        &self.profile
    }

    /// The number `N` of the next key when it is `user-N` (uniform and Zipf profiles), drawn as
    /// [`Self::sample`] draws it; `None` for the other profiles (nothing is drawn then).
    pub fn sample_number(&self, rng: &mut Rng) -> Option<u32> {
        match self.profile {
            KeyProfile::Uniform { keys } => Some(rng.below(u64::from(keys.max(1))) as u32),
            KeyProfile::Zipf { keys } if keys > ZIPF_TABLE_KEYS_MAX => {
                Some((zipf_by_rejection(u64::from(keys), rng) - 1) as u32)
            }
            KeyProfile::Zipf { .. } => {
                let total = self.zipf_cumulative.last().copied().unwrap_or(1);
                let point = rng.below(total);
                Some(self.zipf_cumulative.partition_point(|c| *c <= point) as u32)
            }
            _ => None,
        }
    }

    /// The next key.
    pub fn sample(&self, rng: &mut Rng) -> Key {
        let plain = |partition_key: String| Key { partition_key, explicit_hash_key: None };
        match self.profile {
            KeyProfile::Uniform { .. } | KeyProfile::Zipf { .. } => {
                plain(crate::shard_log::numbered_key(self.sample_number(rng).unwrap_or(0)))
            }
            KeyProfile::HotKey { keys, hot_percent } => {
                if rng.below(100) < u64::from(hot_percent) {
                    plain("hot".into())
                } else {
                    plain(crate::shard_log::numbered_key(rng.below(u64::from(keys.max(1))) as u32))
                }
            }
            KeyProfile::RandomUuid => {
                let (a, b) = (rng.next_u64(), rng.next_u64());
                // Version 4 layout: 8-4-4-4-12 hex digits with the version and variant bits set.
                let a = (a & !0xF000) | 0x4000;
                let b = (b & !(0b11 << 62)) | (0b10 << 62);
                plain(format!(
                    "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                    a >> 32,
                    (a >> 16) & 0xFFFF,
                    a & 0xFFFF,
                    b >> 48,
                    b & 0xFFFF_FFFF_FFFF
                ))
            }
            KeyProfile::ExplicitHashKey => Key {
                partition_key: "ehk".into(),
                explicit_hash_key: Some(u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64())),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeMap;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn profiles_give_the_documented_rates() {
        let ramp = RateProfile::Ramp { from: 100, to: 1_100, start_ms: 10_000, duration_ms: 10_000 };
        assert_eq!(ramp.rate_at(SimTime::from_secs(5)), 100);
        assert_eq!(ramp.rate_at(SimTime::from_secs(15)), 600);
        assert_eq!(ramp.rate_at(SimTime::from_secs(25)), 1_100);
        let spike = RateProfile::Spike { base: 10, peak: 5_000, start_ms: 1_000, duration_ms: 500 };
        assert_eq!(
            [999, 1_000, 1_499, 1_500].map(|ms| spike.rate_at(SimTime::from_millis(ms))),
            [10, 5_000, 5_000, 10]
        );
        let step = RateProfile::Step { before: 1, after: 2, at_ms: 7 };
        assert_eq!((step.rate_at(SimTime::from_millis(6)), step.rate_at(SimTime::from_millis(7))), (1, 2));
    }

    #[test]
    fn the_sine_swings_a_quarter_period_up_and_three_quarters_down() {
        let daily = RateProfile::Sine { mean: 1_000, amplitude: 500, period_ms: 86_400_000 };
        let at_hour = |h: u64| daily.rate_at(SimTime::from_secs(h * 3_600));
        assert_eq!(at_hour(0), 1_000);
        assert_eq!(at_hour(6), 1_500);
        assert_eq!(at_hour(12), 1_000);
        assert_eq!(at_hour(18), 500);
        assert_eq!(daily.peak(), 1_500);
    }

    #[test]
    fn sine_approximation_is_close() {
        // sin(30°) = 0.5, sin(45°) ≈ 0.7071, sin(200°) ≈ -0.3420.
        for (turns, expected) in
            [(1.0 / 12.0, 0.5), (0.125, core::f64::consts::FRAC_1_SQRT_2), (200.0 / 360.0, -0.342_020_1)]
        {
            assert!((sin_turns(turns) - expected).abs() < 0.002, "{turns}: {}", sin_turns(turns));
        }
    }

    #[test]
    fn sizes_stay_in_their_range() {
        let mut rng = Rng::new(3);
        let uniform = SizeProfile::Uniform { min: 10, max: 20 };
        let sizes: Vec<u32> = (0..1_000).map(|_| uniform.sample(&mut rng)).collect();
        assert!(sizes.iter().all(|s| (10..=20).contains(s)));
        assert!(sizes.contains(&10) && sizes.contains(&20));
        let bimodal = SizeProfile::Bimodal { small: 1, large: 9, large_percent: 10 };
        let large = (0..10_000).filter(|_| bimodal.sample(&mut rng) == 9).count();
        assert!((800..1_200).contains(&large), "about 10 %: {large}");
    }

    #[test]
    fn zipf_keys_follow_one_over_k() {
        let sampler = KeySampler::new(KeyProfile::Zipf { keys: 100 });
        let mut rng = Rng::new(11);
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        for _ in 0..100_000 {
            *counts.entry(sampler.sample(&mut rng).partition_key).or_default() += 1;
        }
        // H(100) ≈ 5.187, so key 0 gets about 1/5.187 ≈ 19.3 % and key 1 about half of that.
        let first = counts["user-0"];
        let second = counts["user-1"];
        assert!((18_300..20_300).contains(&first), "{first}");
        assert!((second as f64 / first as f64 - 0.5).abs() < 0.03, "{second} vs {first}");
    }

    #[test]
    fn a_huge_zipf_key_space_is_sampled_without_a_table() {
        // Issue 22: 4,294,967,295 Zipf keys used to allocate one table entry per key (34 GB).
        let sampler = KeySampler::new(KeyProfile::Zipf { keys: u32::MAX });
        assert!(sampler.zipf_cumulative.is_empty(), "no table");
        let mut rng = Rng::new(3);
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        for _ in 0..100_000 {
            *counts.entry(sampler.sample(&mut rng).partition_key).or_default() += 1;
        }
        // H(2^32 - 1) = ln(2^32) + 0.5772 ≈ 22.76, so key 0 gets about 1/22.76 ≈ 4.39 % (4,394 of 100,000,
        // standard deviation about 65) and key 1 half of that.
        let (first, second) = (counts["user-0"], counts["user-1"]);
        assert!((4_100..4_700).contains(&first), "{first}");
        assert!((second as f64 / first as f64 - 0.5).abs() < 0.06, "{second} vs {first}");
        // Keys spread over the whole space: about half the draws land beyond key 65,535 (blocks 2^16 to
        // 2^31 hold 16 of the 32 blocks' equal weight).
        let far = counts
            .iter()
            .filter(|(k, _)| k["user-".len()..].parse::<u64>().expect("a number") >= 65_536)
            .map(|(_, n)| *n)
            .sum::<u32>();
        assert!((45_000..55_000).contains(&far), "{far}");
    }

    #[test]
    fn the_sampler_without_a_table_agrees_with_the_table() {
        // Just past the table's bound, key 0's share is 1/H(10,001) ≈ 1/9.7877 ≈ 10.22 %, as with the table.
        let sampler = KeySampler::new(KeyProfile::Zipf { keys: ZIPF_TABLE_KEYS_MAX + 1 });
        let mut rng = Rng::new(4);
        let first = (0..100_000).filter(|_| sampler.sample(&mut rng).partition_key == "user-0").count();
        assert!((9_900..10_550).contains(&first), "{first}");
        assert!((0..1_000).all(|_| {
            let key = sampler.sample(&mut rng).partition_key;
            key["user-".len()..].parse::<u32>().is_ok_and(|k| k <= ZIPF_TABLE_KEYS_MAX)
        }));
    }

    #[test]
    fn hot_key_share_and_uuids() {
        let sampler = KeySampler::new(KeyProfile::HotKey { keys: 1_000, hot_percent: 60 });
        let mut rng = Rng::new(5);
        let hot = (0..10_000).filter(|_| sampler.sample(&mut rng).partition_key == "hot").count();
        assert!((5_800..6_200).contains(&hot), "{hot}");
        let uuid = KeySampler::new(KeyProfile::RandomUuid).sample(&mut rng).partition_key;
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4", "version 4: {uuid}");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"), "variant: {uuid}");
        let ehk = KeySampler::new(KeyProfile::ExplicitHashKey).sample(&mut rng);
        assert!(ehk.explicit_hash_key.is_some());
    }

    #[test]
    fn traces_parse_from_csv_or_ndjson_and_explain_mistakes() {
        let csv = "at_ms,bytes\n0,100\n250,2048\n\n250,10\n";
        let points = parse_trace(csv).expect("valid CSV");
        assert_eq!(
            points,
            [
                TracePoint { at_ms: 0, bytes: 100 },
                TracePoint { at_ms: 250, bytes: 2_048 },
                TracePoint { at_ms: 250, bytes: 10 }
            ]
        );
        let ndjson = "{\"at_ms\": 5, \"bytes\": 7}\n{\"bytes\":9,\"at_ms\":6}";
        assert_eq!(
            parse_trace(ndjson),
            Ok(alloc::vec![TracePoint { at_ms: 5, bytes: 7 }, TracePoint { at_ms: 6, bytes: 9 }])
        );
        assert_eq!(
            parse_trace("10,1\n5,1").expect_err("unsorted"),
            "Line 2: 5 ms comes before the previous line; sort the trace by time."
        );
        assert!(parse_trace("0,2000000").expect_err("too big").contains("more than a record may hold"));
        assert!(parse_trace("0;1").expect_err("bad separator").starts_with("Line 1: expected"));
        assert!(parse_trace("").is_err());
        let profile = RateProfile::Trace { points };
        assert_eq!((profile.peak(), profile.rate_at(SimTime::from_millis(300))), (3, 3));
    }
}
