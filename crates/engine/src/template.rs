//! Payload templates: realistic record contents (JSON events, log lines) so that transforms and SQL over
//! the stream have fields to work on. A record stores only its template, seed and time; its bytes are
//! rendered again, identically, whenever someone reads them.

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

/// The record `template` makes for `partition_key` at `unix_ms`, from `seed`.
pub fn render(template: PayloadTemplate, seed: u64, partition_key: &str, unix_ms: u64) -> String {
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
        let click = render(PayloadTemplate::Clickstream, 7, "user-42", 1_767_225_600_123);
        assert!(click.starts_with("{\"user_id\":\"user-42\",\"event_type\":\""), "{click}");
        assert!(click.ends_with(",\"ts\":1767225600123}"), "{click}");
        assert_eq!(click, render(PayloadTemplate::Clickstream, 7, "user-42", 1_767_225_600_123));
        assert_ne!(click, render(PayloadTemplate::Clickstream, 8, "user-42", 1_767_225_600_123));
        let log = render(PayloadTemplate::ApplicationLog, 1, "user-1", 1_767_225_600_123);
        assert!(log.starts_with("2026-01-01T00:00:00.123Z "), "{log}");
        let iot = render(PayloadTemplate::IotTelemetry, 3, "sensor-9", 0);
        assert!(iot.contains("\"device_id\":\"sensor-9\"") && iot.contains("\"temperature_c\":"), "{iot}");
        assert_eq!(render(PayloadTemplate::Zeros, 1, "k", 0), "");
    }
}
