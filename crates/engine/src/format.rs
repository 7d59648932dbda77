//! Numbers for people, the one formatter every crate uses (the CLI, lessons and the page).

use alloc::format;
use alloc::string::{String, ToString};

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` with its noun, in the singular for exactly one: `count(1, "shard", "shards")` is `"1 shard"`,
/// `count(1_500, "shard", "shards")` is `"1,500 shards"`. The one place a count meets a plural.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn thousands_groups_digits_in_threes() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (1_234_567, "1,234,567"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ] {
            assert_eq!(thousands(n), text);
        }
    }

    #[test]
    fn counts_use_the_singular_for_one_only() {
        assert_eq!(count(0, "shard", "shards"), "0 shards");
        assert_eq!(count(1, "shard", "shards"), "1 shard");
        assert_eq!(count(2, "shard", "shards"), "2 shards");
        assert_eq!(count(1_500, "record", "records"), "1,500 records");
        assert_eq!(count(1, "query", "queries"), "1 query");
    }
}
