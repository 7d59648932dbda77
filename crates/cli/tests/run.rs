//! `shardlab run`: scenario files, durations and summaries, through the built binary.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios").join(name)
}

fn shardlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shardlab")).args(args).output().expect("the shardlab binary runs")
}

fn run(name: &str, extra: &[&str]) -> Output {
    let path = scenario(name);
    let mut args = vec!["run", path.to_str().expect("UTF-8 path")];
    args.extend_from_slice(extra);
    shardlab(&args)
}

#[test]
fn an_overloaded_shard_accepts_1000_records_per_second() {
    let output = run("one_shard_overload.json", &["--for", "10s", "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: Value = serde_json::from_slice(&output.stdout).expect("JSON summary");
    // Facts sheet 1.4: a shard takes 1,000 records/s. The producer's records are due at k/1500 s for
    // t = 0 s through 10 s inclusive: 15,001 attempts; ten full seconds take 1,000 each and the record at
    // t = 10 s opens the eleventh. Keys user-0 .. user-9 are 6 bytes, so each record counts 16 bytes.
    assert_eq!(
        summary["producers"],
        json!([{"name": "checkout", "records_per_sec": 1500, "record_bytes": 10,
                "attempted": 15001, "accepted": 10001, "throttled": 5000, "failed": 0,
                // A plain PutRecord loop without retries drops every throttled record; sent at once, no latency.
                "retried": 0, "dropped": 5000, "duplicates": 0, "latency_ms_total": 0, "latency_ms_max": 0}])
    );
    assert_eq!(
        summary["shards"],
        json!([{"shard_id": "shardId-000000000000", "open": true,
                "accepted_records": 10001, "accepted_bytes": 160016, "throttled_records": 5000}])
    );
    assert_eq!(summary["stream_name"], "orders");
    assert_eq!(summary["duration_ms"], 10_000);
    assert_eq!(summary["iterator_age_ms_max"], Value::Null);
    assert!(summary["cost"]["total_micro_usd"].as_u64().is_some_and(|c| c > 0));
}

#[test]
fn the_text_summary_names_shards_and_counts() {
    let output = run("one_shard_overload.json", &["--for", "10s"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "Stream orders (1 shard at start), seed 1, ran 10s of simulated time.",
        "checkout: 1,500 records/s of 10 B -> attempted 15,001, accepted 10,001, throttled 5,000, failed 0",
        "shardId-000000000000: accepted 10,001 (156.3 KiB), throttled 5,000",
        "Iterator age: none (nothing read the stream).",
        "Cost at example us-east-1 prices (unconfirmed):",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn every_problem_of_a_scenario_is_listed() {
    let output = run("broken.json", &["--for", "1m"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "unknown member 'colour'",
        "producer 1: records_per_sec must be a whole number",
        "The stream has 0 shards; it needs 1 to 1024.",
        "Stream name 'no spaces allowed' is not allowed",
        "Producer 'p' needs at least 1 distinct partition key.",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
}

#[test]
fn bad_durations_files_and_usage() {
    let output = run("one_shard_overload.json", &["--for", "10 minutes"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad duration '10 minutes'"));
    let output = run("missing.json", &["--for", "1m"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read scenario"));
    assert_eq!(shardlab(&[]).status.code(), Some(2));
    assert_eq!(shardlab(&["fly"]).status.code(), Some(2));
    assert_eq!(shardlab(&["api", "--seed", "x"]).status.code(), Some(2));
}

#[test]
fn a_scenario_with_clients_consumers_and_a_crash() {
    // pipeline.json: a spiky PutRecords producer with retries and lost answers; a KCL app whose worker 1
    // crashes at 40 s, an enhanced fan-out reader, and a Lambda function that fails 5 % of invocations.
    let output = run("pipeline.json", &["--for", "2m", "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: Value = serde_json::from_slice(&output.stdout).expect("JSON summary");
    let producer = &summary["producers"][0];
    assert!(producer["retried"].as_u64() > Some(0) && producer["duplicates"].as_u64() > Some(0), "{producer}");
    let consumers = summary["consumers"].as_array().expect("consumers");
    let styles: Vec<&str> = consumers.iter().filter_map(|c| c["style"].as_str()).collect();
    assert_eq!(styles, ["KCL", "enhanced fan-out", "Lambda"]);
    assert!(consumers[0]["duplicates"].as_u64() > Some(0), "the crash replays from the checkpoint");
    assert_eq!(consumers[1]["throttled_calls"], 0, "fan-out has its own pipe");
    assert!(consumers[2]["failed_invocations"].as_u64() > Some(0));
}

#[test]
fn every_problem_of_a_rich_scenario_is_named() {
    let dir = std::env::temp_dir().join(format!("shardlab-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bad.json");
    let text = r#"{"producers": [{"rate": {"type": "warp"}, "trace": "0;1"}],
                   "consumers": [{"style": {"type": "kcl", "workers": 99}}],
                   "scheduled": [{"at_ms": 1}]}"#;
    std::fs::write(&path, text).expect("write");
    let output = shardlab(&["run", path.to_str().expect("UTF-8"), "--for", "1m"]);
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "producer 1: rate: unknown variant `warp`, expected one of",
        "producer 1: trace: Line 1: expected `at_ms,bytes`",
        "scheduled command 1: missing field `command`",
        "Consumer 'consumer' has 99 workers; the simulator allows 1 to 64.",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
}

#[test]
fn a_kinesis_agent_tails_an_apache_log_through_a_restart() {
    // agent.json: an Agent with LOGTOJSON (COMBINEDAPACHELOG) at 200 lines/s, restarted at 20 s.
    let output = run("agent.json", &["--for", "1m", "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: Value = serde_json::from_slice(&output.stdout).expect("JSON summary");
    let agent = &summary["agents"][0];
    assert_eq!(agent["file_pattern"], "/var/log/httpd/access_log");
    assert_eq!(agent["lines_written"], 12_000, "60 s at 200 lines/s");
    assert_eq!(agent["restarts"], 1);
    assert_eq!(agent["duplicates"], 0, "nothing was in flight at the restart");
    // Everything up to the last second's buffer (maxBufferAgeMillis 1000) is in the stream.
    let sent = agent["records_sent"].as_u64().expect("a number");
    assert!((11_600..=12_000).contains(&sent), "{agent}");
    assert_eq!(summary["shards"][0]["accepted_records"].as_u64(), Some(sent));
}

#[test]
fn a_playground_scenario_file_runs() {
    // The scenario crate's format-2 fixture: a KPL producer (1,200 records/s) into 3 shards, with a
    // 5 % throttling fault, read by a KCL application.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenario/tests/fixtures/v2.json");
    let output = shardlab(&["run", fixture.to_str().expect("UTF-8 path"), "--for", "5s", "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: Value = serde_json::from_slice(&output.stdout).expect("JSON summary");
    assert_eq!(summary["shards"].as_array().map(Vec::len), Some(3));
    assert_eq!(summary["producers"][0]["name"], "producer-1");
}
