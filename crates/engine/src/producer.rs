//! Simulated producers: clients that call PutRecord at a steady rate.

use crate::error::ConfigError;
use crate::limits::{RECORD_BYTES_MAX, SIM_PRODUCER_RECORDS_PER_SEC_MAX};
use crate::rng::Rng;
use crate::time::{SimDuration, SimTime};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// How a producer behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerConfig {
    /// A name for people.
    pub name: String,
    /// PutRecord calls per second, evenly spaced. 0 pauses the producer.
    pub records_per_sec: u32,
    /// Each record's data size in bytes (the partition key comes on top).
    pub record_bytes: u32,
    /// How many distinct partition keys it draws from, uniformly at random (`user-0` … `user-<n-1>`).
    pub distinct_keys: u32,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        Self {
            name: "clickstream".into(),
            records_per_sec: 500,
            record_bytes: 512,
            distinct_keys: 10_000,
        }
    }
}

impl ProducerConfig {
    /// Every problem with this configuration, worded for the person who set it.
    pub(crate) fn problems(&self, out: &mut Vec<String>) {
        if self.records_per_sec > SIM_PRODUCER_RECORDS_PER_SEC_MAX {
            out.push(format!(
                "Producer '{}' rate is {} records/s; the simulator allows 0 to {SIM_PRODUCER_RECORDS_PER_SEC_MAX}.",
                self.name, self.records_per_sec
            ));
        }
        let key_bytes_max = self.key_bytes_max();
        if u64::from(self.record_bytes) + key_bytes_max > RECORD_BYTES_MAX {
            out.push(format!(
                "Producer '{}' record size is {} bytes; data plus partition key must fit in {RECORD_BYTES_MAX} bytes \
                 (1 MiB), so with its {key_bytes_max}-byte keys the data may be at most {} bytes.",
                self.name,
                self.record_bytes,
                RECORD_BYTES_MAX - key_bytes_max
            ));
        }
        if self.distinct_keys == 0 {
            out.push(format!(
                "Producer '{}' needs at least 1 distinct partition key.",
                self.name
            ));
        }
    }

    /// The length of the longest partition key it uses, in bytes.
    fn key_bytes_max(&self) -> u64 {
        let mut digits = 1;
        let mut n = self.distinct_keys.saturating_sub(1);
        while n >= 10 {
            n /= 10;
            digits += 1;
        }
        "user-".len() as u64 + digits
    }

    /// Checks this configuration alone.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        self.problems(&mut problems);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError { problems })
        }
    }
}

/// What a producer has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProducerTotals {
    /// PutRecord calls made.
    pub attempted: u64,
    /// Calls answered with a sequence number.
    pub accepted: u64,
    /// Calls answered with `ProvisionedThroughputExceededException`.
    pub throttled: u64,
    /// Calls answered with any other error.
    pub failed: u64,
}

/// A running producer.
#[derive(Clone, Debug)]
pub struct Producer {
    /// Its configuration.
    pub config: ProducerConfig,
    /// Its results so far.
    pub totals: ProducerTotals,
    rng: Rng,
    /// The instant the current rate took effect; emissions are spaced from here.
    anchor: SimTime,
    /// Records emitted since `anchor`.
    emitted_since_anchor: u64,
    /// Bumped on every rate change, so stale timers are ignored.
    pub(crate) generation: u64,
}

impl Producer {
    pub(crate) fn new(config: ProducerConfig, rng: Rng) -> Self {
        Self {
            config,
            totals: ProducerTotals::default(),
            rng,
            anchor: SimTime::ZERO,
            emitted_since_anchor: 0,
            generation: 0,
        }
    }

    /// When the next record is due, or `None` while the rate is 0.
    ///
    /// Record k (from 0) after the anchor is due at `anchor + floor(k * 1 s / rate)`, so rounding never
    /// drifts and every whole second after the anchor holds exactly `rate` records.
    pub(crate) fn next_due(&self) -> Option<SimTime> {
        let rate = u64::from(self.config.records_per_sec);
        (rate > 0).then(|| {
            let k = self.emitted_since_anchor;
            self.anchor + SimDuration(k.saturating_mul(SimDuration::SECOND.0) / rate)
        })
    }

    /// Changes the rate from `now` on.
    pub(crate) fn set_rate(&mut self, now: SimTime, records_per_sec: u32) {
        self.config.records_per_sec = records_per_sec;
        self.anchor = now;
        self.emitted_since_anchor = 0;
        self.generation += 1;
    }

    /// The next record's partition key; advances the emission count.
    pub(crate) fn emit(&mut self) -> String {
        self.emitted_since_anchor += 1;
        let key = self.rng.below(u64::from(self.config.distinct_keys));
        format!("user-{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn emissions_are_evenly_spaced_without_drift() {
        let config = ProducerConfig {
            records_per_sec: 3,
            ..ProducerConfig::default()
        };
        let mut p = Producer::new(config, Rng::new(1));
        let mut times = Vec::new();
        while let Some(t) = p.next_due().filter(|t| *t <= SimTime::from_secs(2)) {
            times.push(t.0);
            p.emit();
        }
        assert_eq!(
            times,
            [
                0, 333_333, 666_666, 1_000_000, 1_333_333, 1_666_666, 2_000_000
            ]
        );
    }

    #[test]
    fn rate_zero_pauses() {
        let mut p = Producer::new(ProducerConfig::default(), Rng::new(1));
        p.set_rate(SimTime::from_secs(5), 0);
        assert_eq!(p.next_due(), None);
        p.set_rate(SimTime::from_secs(6), 2);
        assert_eq!(p.next_due(), Some(SimTime::from_secs(6)));
    }

    #[test]
    fn absurd_settings_are_explained() {
        let config = ProducerConfig {
            records_per_sec: 5_000_000,
            record_bytes: 2_000_000,
            distinct_keys: 0,
            ..ProducerConfig::default()
        };
        let problems = config.validate().expect_err("three problems").problems;
        assert_eq!(problems.len(), 3);
        assert!(problems[0].contains("0 to 1000000"), "{}", problems[0]);
        assert!(
            problems[1].contains("at most 1048570 bytes"),
            "{}",
            problems[1]
        );
        let biggest = ProducerConfig {
            record_bytes: 1_048_576 - 9,
            distinct_keys: 10_000,
            ..ProducerConfig::default()
        };
        assert_eq!(biggest.validate(), Ok(()), "user-9999 is 9 bytes");
    }
}
