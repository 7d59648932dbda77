//! Partition keys and the MD5 hash that places them on shards.

use md5::{Digest, Md5};

/// The most UTF-16 code units a partition key may have.
pub const PARTITION_KEY_CHARS_MAX: usize = 256;

/// The 128-bit hash key of `partition_key`: the MD5 of its UTF-8 bytes read as a big-endian integer.
pub fn hash_key(partition_key: &str) -> u128 {
    let digest: [u8; 16] = Md5::digest(partition_key.as_bytes()).into();
    u128::from_be_bytes(digest)
}

/// The length AWS checks against 1..=256: the key's length in UTF-16 code units.
///
/// AWS's counting for characters outside the Basic Multilingual Plane is unconfirmed;
/// both emulators count UTF-16 code units, and so do we.
pub fn char_count(partition_key: &str) -> usize {
    if partition_key.is_ascii() {
        return partition_key.len();
    }
    partition_key.encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash_range::initial_layout;
    use alloc::vec::Vec;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn shard_of(key: &str, shard_count: u32) -> usize {
        let ranges: Vec<_> = initial_layout(shard_count).collect();
        let h = hash_key(key);
        ranges.iter().position(|r| r.contains(h)).expect("layout tiles the space")
    }

    // Worked examples from `docs/aws-behaviour.md` §1.2 (hash keys computed with Python's hashlib).
    #[test]
    fn hash_keys_match_the_worked_examples() {
        assert_eq!(hash_key("a"), 16_955_237_001_963_240_173_058_271_559_858_726_497);
        assert_eq!(hash_key("b"), 195_289_424_170_611_159_128_911_017_612_795_795_343);
        assert_eq!(hash_key("c"), 99_079_589_977_253_916_124_855_502_156_832_923_443);
        assert_eq!(hash_key("0"), 276_215_275_525_073_243_129_443_018_166_533_317_850);
        assert_eq!(hash_key("partitionKey-0"), 283_893_945_402_358_862_714_065_952_676_399_797_471);
        assert_eq!(hash_key("é"), 136_732_923_097_551_493_579_404_309_126_273_812_335);
    }

    #[test]
    fn keys_land_on_the_documented_shards() {
        let expected = [("a", 0, 0), ("b", 1, 2), ("c", 0, 1), ("0", 2, 3), ("partitionKey-0", 2, 3), ("é", 1, 1)];
        for (key, in_three, in_four) in expected {
            assert_eq!(shard_of(key, 3), in_three, "{key} on 3 shards");
            assert_eq!(shard_of(key, 4), in_four, "{key} on 4 shards");
        }
    }

    #[test]
    fn length_counts_utf16_units() {
        assert_eq!(char_count("abc"), 3);
        assert_eq!(char_count("é"), 1);
        assert_eq!(char_count("😀"), 2);
    }
}
