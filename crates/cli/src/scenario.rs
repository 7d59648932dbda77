//! Scenario files: JSON onto [`SimConfig`], every problem listed at once.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use shardlab_engine::workload::{KeyProfile, RateProfile, SizeProfile, parse_trace};
use shardlab_engine::{ProducerConfig, SimConfig};

const SCENARIO_MEMBERS: [&str; 10] = [
    "seed",
    "stream_name",
    "shard_count",
    "producers",
    "consumers",
    "agents",
    "analytics",
    "delivery_streams",
    "scheduled",
    "extra_throttle_percent",
];
const PRODUCER_MEMBERS: [&str; 12] = [
    "name",
    "records_per_sec",
    "record_bytes",
    "distinct_keys",
    "rate",
    "size",
    "keys",
    "client",
    "retry",
    "timeout_percent",
    "payload",
    "trace",
];

/// The configuration a scenario file describes, or every problem with it (including the engine's).
pub(crate) fn parse(text: &str) -> Result<SimConfig, Vec<String>> {
    let value: Value =
        serde_json::from_str(text).map_err(|err| vec![format!("the scenario is not valid JSON: {err}")])?;
    let Value::Object(members) = value else {
        return Err(vec![
            "the scenario must be a JSON object such as {\"shard_count\": 2, \"producers\": [...]}".into(),
        ]);
    };
    let mut problems = Vec::new();
    let mut config = SimConfig::default();
    unknown_members(&members, &SCENARIO_MEMBERS, "the scenario", &mut problems);
    if let Some(seed) = whole(&members, "seed", u64::MAX, "seed", &mut problems) {
        config.seed = seed;
    }
    if let Some(name) = members.get("stream_name") {
        match name.as_str() {
            Some(name) => config.streams[0].name = name.into(),
            None => problems.push(format!("stream_name must be a string, not {name}")),
        }
    }
    if let Some(shards) = whole(&members, "shard_count", u32::MAX.into(), "shard_count", &mut problems) {
        config.streams[0].shard_count = shards as u32;
    }
    if let Some(producers) = members.get("producers") {
        match producers.as_array() {
            Some(list) => {
                config.producers = list.iter().enumerate().map(|(i, p)| producer(p, i + 1, &mut problems)).collect();
            }
            None => problems.push(format!("producers must be a list, not {producers}")),
        }
    }
    if let Some(consumers) = members.get("consumers") {
        config.consumers = typed_list(consumers, "consumers", "consumer", &mut problems);
    }
    if let Some(agents) = members.get("agents") {
        config.agents = typed_list(agents, "agents", "agent", &mut problems);
    }
    if let Some(analytics) = members.get("analytics") {
        config.analytics = typed_list(analytics, "analytics", "analytics application", &mut problems);
    }
    if let Some(delivery_streams) = members.get("delivery_streams") {
        config.delivery_streams = typed_list(delivery_streams, "delivery_streams", "delivery stream", &mut problems);
    }
    if let Some(scheduled) = members.get("scheduled") {
        config.scheduled = typed_list(scheduled, "scheduled", "scheduled command", &mut problems);
    }
    if let Some(n) = whole(&members, "extra_throttle_percent", 100, "extra_throttle_percent", &mut problems) {
        config.streams[0].extra_throttle_percent = n as u8;
    }
    // This format has one data stream: everything reads and writes it.
    let stream_name = config.streams[0].name.clone();
    for producer in &mut config.producers {
        producer.stream_name.clone_from(&stream_name);
    }
    for consumer in &mut config.consumers {
        consumer.stream_name.clone_from(&stream_name);
    }
    for app in &mut config.analytics {
        app.stream_name.clone_from(&stream_name);
    }
    if let Err(err) = config.validate() {
        problems.extend(err.problems);
    }
    if problems.is_empty() { Ok(config) } else { Err(problems) }
}

fn producer(value: &Value, position: usize, problems: &mut Vec<String>) -> ProducerConfig {
    let mut producer = ProducerConfig { name: format!("producer-{position}"), ..ProducerConfig::default() };
    let Value::Object(members) = value else {
        problems.push(format!("producer {position} must be an object, not {value}"));
        return producer;
    };
    let what = format!("producer {position}");
    unknown_members(members, &PRODUCER_MEMBERS, &what, problems);
    if let Some(name) = members.get("name") {
        match name.as_str() {
            Some(name) => producer.name = name.into(),
            None => problems.push(format!("{what}: name must be a string, not {name}")),
        }
    }
    let max = u32::MAX.into();
    if let Some(n) = whole(members, "records_per_sec", max, &what, problems) {
        producer.rate = RateProfile::Constant { records_per_sec: n as u32 };
    }
    if let Some(n) = whole(members, "record_bytes", max, &what, problems) {
        producer.size = SizeProfile::Fixed { bytes: n as u32 };
    }
    if let Some(n) = whole(members, "distinct_keys", max, &what, problems) {
        producer.keys = KeyProfile::Uniform { keys: n as u32 };
    }
    typed(members, "rate", &what, problems, &mut producer.rate);
    typed(members, "size", &what, problems, &mut producer.size);
    typed(members, "keys", &what, problems, &mut producer.keys);
    typed(members, "client", &what, problems, &mut producer.client);
    typed(members, "retry", &what, problems, &mut producer.retry);
    typed(members, "payload", &what, problems, &mut producer.payload);
    if let Some(n) = whole(members, "timeout_percent", 100, &what, problems) {
        producer.timeout_percent = n as u8;
    }
    if let Some(trace) = members.get("trace") {
        match trace.as_str().map(parse_trace) {
            Some(Ok(points)) => producer.rate = RateProfile::Trace { points },
            Some(Err(why)) => problems.push(format!("{what}: trace: {why}")),
            None => problems.push(format!("{what}: trace must be text with one `at_ms,bytes` line per record")),
        }
    }
    producer
}

/// Reads member `name` as an engine type (a tagged object such as `{"type": "ramp", ...}`) into `into`.
fn typed<T: DeserializeOwned>(
    members: &Map<String, Value>,
    name: &str,
    what: &str,
    problems: &mut Vec<String>,
    into: &mut T,
) {
    if let Some(value) = members.get(name) {
        match serde_json::from_value(value.clone()) {
            Ok(v) => *into = v,
            Err(err) => problems.push(format!("{what}: {name}: {err}")),
        }
    }
}

/// Reads a list of engine values, one problem per bad entry.
fn typed_list<T: DeserializeOwned>(value: &Value, name: &str, entry: &str, problems: &mut Vec<String>) -> Vec<T> {
    let Some(list) = value.as_array() else {
        problems.push(format!("{name} must be a list, not {value}"));
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter_map(|(i, v)| match serde_json::from_value(v.clone()) {
            Ok(v) => Some(v),
            Err(err) => {
                problems.push(format!("{entry} {}: {err}", i + 1));
                None
            }
        })
        .collect()
}

fn unknown_members(members: &Map<String, Value>, allowed: &[&str], what: &str, problems: &mut Vec<String>) {
    for key in members.keys().filter(|k| !allowed.contains(&k.as_str())) {
        problems.push(format!("{what} has an unknown member '{key}'; it may have {}", allowed.join(", ")));
    }
}

/// A whole-number member within `0..=max`, or a problem.
fn whole(members: &Map<String, Value>, name: &str, max: u64, what: &str, problems: &mut Vec<String>) -> Option<u64> {
    let value = members.get(name)?;
    let n = value.as_u64().filter(|n| *n <= max);
    if n.is_none() {
        let prefix = if what == name { String::new() } else { format!("{what}: ") };
        problems.push(format!("{prefix}{name} must be a whole number from 0 to {max}, not {value}"));
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_members_take_defaults() {
        let config = parse("{}").expect("an empty scenario is the default one");
        assert_eq!(config, SimConfig::default());
        let config = parse(
            r#"{"seed": 7, "stream_name": "orders", "shard_count": 4,
                "producers": [{"name": "p", "records_per_sec": 10, "record_bytes": 100, "distinct_keys": 5}]}"#,
        )
        .expect("valid");
        assert_eq!((config.seed, config.streams[0].name.as_str(), config.streams[0].shard_count), (7, "orders", 4));
        let on_orders = ProducerConfig { stream_name: "orders".into(), ..ProducerConfig::steady("p", 10, 100, 5) };
        assert_eq!(config.producers, [on_orders]);
    }

    #[test]
    fn every_problem_is_listed() {
        let problems = parse(
            r#"{"seed": -1, "shard_count": 0, "stream_name": "a b", "colour": 1,
                "producers": [{"records_per_sec": "fast", "distinct_keys": 0}, 3]}"#,
        )
        .expect_err("broken scenario");
        assert_eq!(problems.len(), 7, "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("'colour'")));
        assert!(problems.iter().any(|p| p.starts_with("seed must be a whole number")));
        assert!(problems.iter().any(|p| p.contains("producer 1: records_per_sec")));
        assert!(problems.iter().any(|p| p.contains("producer 2 must be an object")));
        assert!(problems.iter().any(|p| p.contains("1 to 1024")));
        assert!(problems.iter().any(|p| p.contains("Stream name 'a b'")));
        assert!(problems.iter().any(|p| p.contains("at least 1 distinct partition key")));
        assert!(parse("nope").is_err());
        assert!(parse("[]").is_err());
    }
}
