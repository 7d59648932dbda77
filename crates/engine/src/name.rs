//! AWS's resource-name rule, for data streams, consumers and delivery streams: 1 to a maximum of
//! `[a-zA-Z0-9_.-]` (128 for streams and consumers, 64 for delivery streams; see `docs/aws-behaviour.md`).

/// Whether `c` may appear in a resource name: an ASCII letter or digit, `_`, `.` or `-`.
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Whether `name` is 1 to `max_chars` name characters.
pub fn is_resource_name(name: &str, max_chars: usize) -> bool {
    // Every allowed character is ASCII, so bytes count characters.
    (1..=max_chars).contains(&name.len()) && name.chars().all(is_name_char)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn names_follow_the_api_model_pattern() {
        for good in ["a", "Stream_1.v-2", &"x".repeat(128)] {
            assert!(is_resource_name(good, 128), "{good}");
        }
        for bad in ["", "a b", "é", "a/b", "a:b", &"x".repeat(129)] {
            assert!(!is_resource_name(bad, 128), "{bad}");
        }
        assert!(!is_resource_name(&"x".repeat(65), 64));
    }
}
