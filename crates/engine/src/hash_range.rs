//! The 128-bit hash key space and how shards divide it.

/// The largest hash key: 2^128 - 1.
pub const HASH_KEY_MAX: u128 = u128::MAX;

/// An inclusive range of hash keys owned by one shard: `[starting_hash_key, ending_hash_key]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HashKeyRange {
    /// The first hash key of the range (`StartingHashKey`).
    pub starting_hash_key: u128,
    /// The last hash key of the range, inclusive (`EndingHashKey`).
    pub ending_hash_key: u128,
}

impl HashKeyRange {
    /// Whether `hash_key` falls in this range.
    pub const fn contains(&self, hash_key: u128) -> bool {
        self.starting_hash_key <= hash_key && hash_key <= self.ending_hash_key
    }

    /// The share of the whole key space this range covers, in millionths (1,000,000 = all of it).
    pub fn share_ppm(&self) -> u32 {
        // The key count is `end - start + 1`, which is 2^128 (not representable) for the whole space.
        let Some(keys) = (self.ending_hash_key - self.starting_hash_key).checked_add(1) else {
            return 1_000_000;
        };
        // keys / 2^128 * 1e6 in two halves that cannot overflow: (keys >> 64) < 2^64.
        let high = (keys >> 64) * 1_000_000;
        let low = ((keys & u128::from(u64::MAX)) * 1_000_000) >> 64;
        u32::try_from((high + low) >> 64).unwrap_or(1_000_000)
    }
}

/// The ranges `CreateStream(ShardCount = n)` gives its shards, in shard order.
///
/// AWS divides the space evenly: with `h = floor(2^128 / n)`, shard `i` gets `[i*h, (i+1)*h - 1]`,
/// and the last shard ends at `2^128 - 1` (`docs/aws-behaviour.md` §1.2). `n` of zero gives no ranges.
pub fn initial_layout(shard_count: u32) -> impl Iterator<Item = HashKeyRange> {
    let n = u128::from(shard_count);
    // floor(2^128 / n) without 2^128 itself: (2^128 - 1) / n, plus one when n divides 2^128 exactly.
    let width = if n == 0 {
        0
    } else if HASH_KEY_MAX % n == n - 1 {
        // For n = 1 the width, 2^128, does not fit; it is never used since the only shard is the last.
        (HASH_KEY_MAX / n).checked_add(1).unwrap_or(0)
    } else {
        HASH_KEY_MAX / n
    };
    (0..n).map(move |i| HashKeyRange {
        starting_hash_key: i * width,
        ending_hash_key: if i + 1 == n { HASH_KEY_MAX } else { (i + 1) * width - 1 },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn layout(n: u32) -> Vec<(u128, u128)> {
        initial_layout(n).map(|r| (r.starting_hash_key, r.ending_hash_key)).collect()
    }

    // Expected values: `docs/aws-behaviour.md` §1.2, recorded against AWS.
    #[test]
    fn one_shard_owns_everything() {
        assert_eq!(layout(1), [(0, 340_282_366_920_938_463_463_374_607_431_768_211_455)]);
    }

    #[test]
    fn two_shards_split_at_half() {
        assert_eq!(
            layout(2),
            [
                (0, 170_141_183_460_469_231_731_687_303_715_884_105_727),
                (
                    170_141_183_460_469_231_731_687_303_715_884_105_728,
                    340_282_366_920_938_463_463_374_607_431_768_211_455
                ),
            ]
        );
    }

    #[test]
    fn three_shards_match_aws() {
        assert_eq!(
            layout(3),
            [
                (0, 113_427_455_640_312_821_154_458_202_477_256_070_484),
                (
                    113_427_455_640_312_821_154_458_202_477_256_070_485,
                    226_854_911_280_625_642_308_916_404_954_512_140_969
                ),
                (
                    226_854_911_280_625_642_308_916_404_954_512_140_970,
                    340_282_366_920_938_463_463_374_607_431_768_211_455
                ),
            ]
        );
    }

    #[test]
    fn four_shards_boundaries_match_aws() {
        let starts: Vec<u128> = layout(4).iter().map(|r| r.0).collect();
        assert_eq!(
            starts,
            [
                0,
                85_070_591_730_234_615_865_843_651_857_942_052_864,
                170_141_183_460_469_231_731_687_303_715_884_105_728,
                255_211_775_190_703_847_597_530_955_573_826_158_592,
            ]
        );
    }

    #[test]
    fn any_layout_tiles_the_space() {
        for n in [1, 5, 7, 64, 500] {
            let ranges = layout(n);
            assert_eq!(ranges.len(), n as usize);
            assert_eq!(ranges[0].0, 0);
            assert_eq!(ranges[ranges.len() - 1].1, HASH_KEY_MAX);
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].1 + 1, pair[1].0, "gap or overlap in {n}-shard layout");
            }
        }
    }

    #[test]
    fn share_of_half_the_space_is_half() {
        let half = initial_layout(2).next().expect("two ranges");
        assert_eq!(half.share_ppm(), 500_000);
        let all = initial_layout(1).next().expect("one range");
        assert_eq!(all.share_ppm(), 1_000_000);
    }
}
