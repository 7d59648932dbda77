//! The engine's only source of randomness: a seeded SplitMix64 generator.
//!
//! SplitMix64 is tiny, passes BigCrush, and its output for a seed can never change under us
//! (a crate upgrade could). Each subsystem draws from its own stream, derived from the scenario seed
//! and a fixed salt, so a new random draw in one subsystem does not shift the outcomes of another.

/// A deterministic pseudo-random generator (SplitMix64).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

/// Salt of the streams consumer applications draw their timing jitter from.
pub(crate) const CONSUMERS_SALT: u64 = 0x434f_4e53_554d_4552; // "CONSUMER"

/// Salt of the streams analytics applications' readers draw their timing jitter from.
pub(crate) const ANALYTICS_SALT: u64 = 0x414e_414c_5954_4943; // "ANALYTIC"

/// Salt of the streams Kinesis Agents draw random partition keys from.
pub(crate) const AGENTS_SALT: u64 = 0x4147_454e_5453_0000; // "AGENTS"

/// Salt of the stream injected faults draw from.
pub(crate) const FAULTS_SALT: u64 = 0x4641_554c_5453_0000; // "FAULTS"

/// Salt of the stream that producers draw partition keys from.
pub(crate) const PRODUCERS_SALT: u64 = 0x5052_4f44_5543_4552; // "PRODUCER"

impl Rng {
    /// A generator seeded with `seed`.
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The independent stream for one subsystem: `seed` mixed with that subsystem's `salt`.
    pub fn derive(seed: u64, salt: u64) -> Self {
        let mut mixer = Self::new(seed ^ salt);
        Self::new(mixer.next_u64())
    }

    /// The generator of item `index` of a family seeded with `seed`: any item's draws can be made again
    /// from the two numbers alone, in any order.
    pub fn for_index(seed: u64, index: u64) -> Self {
        Self::derive(seed, index.wrapping_mul(0xD1B5_4A32_D192_ED03))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..bound`, without modulo bias (Lemire's method). Returns 0 when `bound` is 0.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(bound);
            // The low half decides rejection; the high half is the result. Truncation is the point here.
            #[allow(clippy::cast_possible_truncation)]
            let low = product as u64;
            if low >= threshold {
                return (product >> 64) as u64;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn matches_the_published_splitmix64_sequence() {
        // Reference values of SplitMix64 seeded with 1234567 (from the algorithm's C reference implementation).
        let mut rng = Rng::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(rng.next_u64(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = Rng::new(7);
        let mut seen = [false; 5];
        for _ in 0..1_000 {
            let v = rng.below(5);
            assert!(v < 5);
            seen[v as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn derived_streams_differ_by_salt() {
        let mut a = Rng::derive(42, 1);
        let mut b = Rng::derive(42, 2);
        assert_ne!(a.next_u64(), b.next_u64());
        assert_eq!(Rng::derive(42, 1), Rng::derive(42, 1));
    }
}
