//! Payload templates: realistic record contents (JSON events, log lines) so that transforms and SQL over
//! the stream have fields to work on. A record stores only its template, seed and time; its bytes are
//! rendered again, identically, whenever someone reads them.
//!
//! A record is always exactly the size its producer drew (`render`'s `size_bytes`), so every byte count
//! the page shows is what was written: a shorter text is padded (JSON with a `"pad"` field of `x`s, or
//! spaces before its `}` when fewer than 10 bytes are missing; a log line with spaces), and a longer one is
//! cut at the size, so a JSON record smaller than its fields (about 100 B) is no longer valid JSON.

use crate::calendar::civil_from_days;
use crate::rng::Rng;
use alloc::format;
use alloc::string::String;

/// What a producer's records contain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum PayloadTemplate {
    /// Zero bytes of the size profile's length: size without content.
    #[default]
    Zeros,
    /// A website event: `{"user_id", "event_type", "page", "amount", "ts"}`; `user_id` is the partition key.
    Clickstream,
    /// A sensor reading: `{"device_id", "temperature_c", "humidity_pct", "battery_pct", "ts"}`.
    IotTelemetry,
    /// An application log line: `2026-01-01T00:00:00.123Z INFO checkout: ...`.
    ApplicationLog,
}

const EVENTS: [&str; 4] = ["page_view", "click", "add_to_cart", "purchase"];
const LEVELS: [&str; 4] = ["INFO", "INFO", "WARN", "ERROR"];
const SERVICES: [&str; 3] = ["checkout", "search", "payments"];

/// Shortest `,"pad":"…"` field: below this many missing bytes a JSON record is padded with spaces.
const PAD_FIELD_BYTES_MIN: usize = 10;

/// The record `template` makes for `partition_key` at `unix_ms`, from `seed`: exactly `size_bytes` bytes
/// (see the module's documentation for how the text is padded or cut; `Zeros` gives an empty text).
pub fn render(template: PayloadTemplate, seed: u64, partition_key: &str, unix_ms: u64, size_bytes: u32) -> String {
    let text = natural_text(template, seed, partition_key, unix_ms);
    if template == PayloadTemplate::Zeros {
        return text;
    }
    fit(text, usize::try_from(size_bytes).unwrap_or(usize::MAX), template != PayloadTemplate::ApplicationLog)
}

/// Pads or cuts `text` to exactly `size` bytes; `json` texts are padded inside their closing brace.
fn fit(mut text: String, size: usize, json: bool) -> String {
    if text.len() >= size {
        let mut cut = size;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        // A cut inside a multi-byte character leaves 1 to 3 bytes to fill.
        text.extend(core::iter::repeat_n(' ', size - cut));
        return text;
    }
    let missing = size - text.len();
    if json && text.ends_with('}') {
        text.pop();
        if missing >= PAD_FIELD_BYTES_MIN {
            text.push_str(",\"pad\":\"");
            text.extend(core::iter::repeat_n('x', missing - PAD_FIELD_BYTES_MIN + 1));
            text.push('"');
        } else {
            text.extend(core::iter::repeat_n(' ', missing));
        }
        text.push('}');
    } else {
        text.extend(core::iter::repeat_n(' ', missing));
    }
    text
}

/// The template's text before it is fitted to the record's size.
fn natural_text(template: PayloadTemplate, seed: u64, partition_key: &str, unix_ms: u64) -> String {
    let mut rng = Rng::new(seed);
    match template {
        PayloadTemplate::Zeros => String::new(),
        PayloadTemplate::Clickstream => {
            let event = EVENTS[rng.below(4) as usize];
            let page = rng.below(500);
            let cents = if event == "purchase" { 100 + rng.below(50_000) } else { 0 };
            format!(
                "{{\"user_id\":\"{partition_key}\",\"event_type\":\"{event}\",\"page\":\"/products/{page}\",\"amount\":{}.{:02},\"ts\":{unix_ms}}}",
                cents / 100,
                cents % 100
            )
        }
        PayloadTemplate::IotTelemetry => {
            // -10.0 to 40.0 °C in tenths.
            let tenths = rng.below(501) as i64 - 100;
            let sign = if tenths < 0 { "-" } else { "" };
            format!(
                "{{\"device_id\":\"{partition_key}\",\"temperature_c\":{sign}{}.{},\"humidity_pct\":{},\"battery_pct\":{},\"ts\":{unix_ms}}}",
                tenths.abs() / 10,
                tenths.abs() % 10,
                rng.below(101),
                rng.below(101)
            )
        }
        PayloadTemplate::ApplicationLog => {
            let level = LEVELS[rng.below(4) as usize];
            let service = SERVICES[rng.below(3) as usize];
            let (order, took_ms) = (rng.below(1_000_000), 5 + rng.below(500));
            let secs = unix_ms / 1_000;
            let (year, month, day) = civil_from_days(secs / 86_400);
            let (h, m, s) = (secs / 3_600 % 24, secs / 60 % 60, secs % 60);
            format!(
                "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{:03}Z {level} {service}: request {order} for {partition_key} took {took_ms} ms",
                unix_ms % 1_000
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn templates_render_fields_and_repeat_exactly() {
        let click = natural_text(PayloadTemplate::Clickstream, 7, "user-42", 1_767_225_600_123);
        assert!(click.starts_with("{\"user_id\":\"user-42\",\"event_type\":\""), "{click}");
        assert!(click.ends_with(",\"ts\":1767225600123}"), "{click}");
        assert_eq!(click, natural_text(PayloadTemplate::Clickstream, 7, "user-42", 1_767_225_600_123));
        assert_ne!(click, natural_text(PayloadTemplate::Clickstream, 8, "user-42", 1_767_225_600_123));
        let log = natural_text(PayloadTemplate::ApplicationLog, 1, "user-1", 1_767_225_600_123);
        assert!(log.starts_with("2026-01-01T00:00:00.123Z "), "{log}");
        let iot = natural_text(PayloadTemplate::IotTelemetry, 3, "sensor-9", 0);
        assert!(iot.contains("\"device_id\":\"sensor-9\"") && iot.contains("\"temperature_c\":"), "{iot}");
        assert_eq!(render(PayloadTemplate::Zeros, 1, "k", 0, 100), "");
    }

    #[test]
    fn every_template_writes_exactly_the_configured_size() {
        // Issue 17: a producer of 1,000-byte records writes 1,000 bytes, whatever its template.
        let templates = [PayloadTemplate::Clickstream, PayloadTemplate::IotTelemetry, PayloadTemplate::ApplicationLog];
        for template in templates {
            for size in [1, 9, 50, 100, 120, 129, 1_000, 10_000] {
                for seed in 0..20 {
                    let text = render(template, seed, "user-7", 1_767_225_600_123 + seed, size);
                    assert_eq!(text.len(), size as usize, "{template:?} seed {seed}: {text}");
                }
            }
        }
        // Padded JSON stays JSON, with its fields first; a cut one keeps its start.
        let padded = render(PayloadTemplate::Clickstream, 7, "user-42", 0, 1_000);
        let natural = natural_text(PayloadTemplate::Clickstream, 7, "user-42", 0);
        assert!(padded.starts_with(natural.trim_end_matches('}')), "{padded}");
        assert!(padded.ends_with("xx\"}"), "{padded}");
        assert!(crate::json::Json::parse(&padded).is_some(), "{padded}");
        let close = render(PayloadTemplate::IotTelemetry, 3, "s", 0, natural_len(PayloadTemplate::IotTelemetry) + 4);
        assert!(close.ends_with("    }") && crate::json::Json::parse(&close).is_some(), "{close}");
        let cut = render(PayloadTemplate::Clickstream, 7, "user-42", 0, 20);
        assert_eq!(cut, natural[..20]);
        // A multi-byte character at the cut is not split: spaces fill its bytes.
        assert_eq!(fit("{\"k\":\"é\"}".into(), 7, true), "{\"k\":\" ");
    }

    fn natural_len(template: PayloadTemplate) -> u32 {
        natural_text(template, 3, "s", 0).len() as u32
    }
}
