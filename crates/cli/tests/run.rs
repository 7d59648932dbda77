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
    // `docs/aws-behaviour.md` §1.1: a shard takes 1,000 records/s. The producer's records are due at k/1500 s for
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
fn a_minimal_hand_written_scenario_runs_with_the_pages_defaults() {
    // minimal.json: one producer -> stream -> consumer, with only the rate given; every other field takes the
    // page's default (2 shards, 1,024-byte records, a polling consumer reading every second).
    let output = run("minimal.json", &["--for", "10s", "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: Value = serde_json::from_slice(&output.stdout).expect("JSON summary");
    assert_eq!(summary["stream_name"], "clicks");
    assert_eq!(summary["shards"].as_array().map(Vec::len), Some(2));
    // 100 records/s is far under two shards' 2,000 records/s: records due at k/100 s for t = 0 through 10 s
    // inclusive are all accepted.
    assert_eq!(
        (&summary["producers"][0]["accepted"], &summary["producers"][0]["throttled"]),
        (&json!(1001), &json!(0))
    );
    let reader = &summary["consumers"][0];
    assert_eq!((&reader["name"], &reader["style"]), (&json!("reader"), &json!("polling")));
    // Polling once a second, with records readable 200 ms after their write: all but the last second's are read.
    let read = reader["records"].as_u64().expect("a count");
    assert!((900..=1_001).contains(&read), "{reader}");
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
    assert!(stderr.contains("this scenario has 3 problem(s)"), "{stderr}");
    for expected in [
        "pipeline.nodes[0].params.distinct_keys: Distinct keys: 0 keys is out of range",
        "pipeline.nodes[1].name: Name: 'no spaces allowed' is not allowed",
        "pipeline.nodes[1].params.shard_count: Shards: 0 shards is out of range",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
}

#[test]
fn a_misspelled_or_missing_nested_field_is_one_error_naming_where_it_is() {
    // Issue 15: a hand-written consumer failed on each missing nested field, one at a time. Parameters a node
    // leaves out take the page's defaults; what is wrong is named by its place in the file.
    let output = run("misspelled.json", &["--for", "1m"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "one error:\n{stderr}");
    assert!(stderr.contains("pipeline.nodes[2] (\"reader\"): unknown field `poll_interval`"), "{stderr}");
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
fn a_file_in_the_retired_cli_format_is_refused_with_what_is_missing() {
    // Issue 15: `shardlab run` reads only the playground's versioned format; the CLI's own format is gone.
    let dir = std::env::temp_dir().join(format!("shardlab-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("old.json");
    std::fs::write(&path, r#"{"shard_count": 1, "producers": [{"name": "p", "records_per_sec": 10}]}"#).expect("write");
    let output = shardlab(&["run", path.to_str().expect("UTF-8"), "--for", "1m"]);
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a Shardlab scenario file: it has no whole-number \"format_version\""), "{stderr}");
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

#[test]
fn a_kinesis_agent_sends_to_a_delivery_stream_with_put_record_batch() {
    // agent_firehose.json: the Agent's flow names `deliveryStream`, a Direct PUT stream that flushes to S3 at once.
    let output = run("agent_firehose.json", &["--for", "1m", "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: Value = serde_json::from_slice(&output.stdout).expect("JSON summary");
    let agent = &summary["agents"][0];
    assert_eq!(agent["lines_written"], 12_000, "60 s at 200 lines/s");
    assert_eq!(agent["records_failed"], 0);
    let sent = agent["records_sent"].as_u64().expect("a number");
    assert!((11_600..=12_000).contains(&sent), "{agent}");
    assert_eq!(summary["shards"][0]["accepted_records"], 0, "nothing went to the data stream");
    let logs = &summary["delivery_streams"][0];
    assert_eq!(logs["metrics"]["IncomingRecords"].as_u64(), Some(sent));
    let objects = logs["s3_objects"].as_array().expect("objects");
    let in_s3: u64 = objects.iter().map(|o| o["records"].as_u64().expect("count")).sum();
    assert_eq!(in_s3, sent);
}

#[test]
fn delivery_streams_report_what_each_destination_received() {
    let output = run("firehose.json", &["--for", "5m", "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: Value = serde_json::from_slice(&output.stdout).expect("JSON summary");
    let streams = summary["delivery_streams"].as_array().expect("a list");
    assert_eq!(streams.len(), 2);
    let (http, s3) = (&streams[0], &streams[1]);
    assert_eq!((s3["name"].as_str(), s3["destination"].as_str()), (Some("to-s3"), Some("S3")));
    // 100 records/s of 200 B is 20,000 B/s: the 1 MiB hint (1,048,576 B = 5,242.88 records) fills in about
    // 52 s, before the 60 s interval. Firehose reads once a second, so each object holds the first whole
    // read that reaches 1 MiB: at least 5,243 records, and less than one more second (100 records) beyond.
    let objects = s3["s3_objects"].as_array().expect("objects");
    assert!(objects.len() >= 5, "{objects:?}");
    for o in objects {
        let key = o["key"].as_str().expect("key");
        assert!(key.starts_with("clicks/2026/01/01/00/to-s3-1-2026-01-01-00-"), "{key}");
        assert!(key.ends_with(".gz"), "{key}");
        let records = o["records"].as_u64().expect("count");
        assert!((5_243..5_243 + 100).contains(&records), "{records}");
        assert_eq!(o["uncompressed_bytes"].as_u64(), Some(records * 200));
        // The records are zeros: deflate shrinks them more than a hundredfold.
        assert!(o["stored_bytes"].as_u64().expect("size") * 100 < records * 200);
        assert_eq!((&o["kind"], &o["flush_reason"]), (&json!("data"), &json!("size")));
        assert!(o["last_record_arrival_ms"].as_u64() >= o["first_record_arrival_ms"].as_u64());
    }
    let r = &s3["records"];
    let sum = |v: &Value, keys: &[&str]| keys.iter().map(|k| v[*k].as_u64().unwrap_or(0)).sum::<u64>();
    assert_eq!(r["incoming"].as_u64(), Some(sum(r, &["delivered", "buffered"])));
    assert_eq!(s3["metrics"]["DeliveryToS3.Records"], r["delivered"]);
    assert_eq!(s3["metrics"]["DataReadFromKinesisStream.Records"], r["incoming"]);
    // The HTTP endpoint is down from 100 s: the batch flushed at about 121 s fails until its 120 s retry
    // duration runs out, then goes to the backup bucket under Firehose's default error location (no error
    // output prefix is set): http-endpoint-failed/ and the hour's date.
    let r = &http["records"];
    assert!(r["backed_up_after_retries"].as_u64() > Some(0), "{r}");
    assert_eq!(r["incoming"].as_u64(), Some(sum(r, &["delivered", "backed_up_after_retries", "buffered"])));
    let failed: Vec<&Value> =
        http["s3_objects"].as_array().expect("objects").iter().filter(|o| o["kind"] == "error").collect();
    assert!(failed[0]["key"].as_str().is_some_and(|k| k.starts_with("http-endpoint-failed/2026/01/01/00/to-http-1-")));
    assert_eq!(failed[0]["error_output_type"], "http-endpoint-failed");
    let requests = http["requests"].as_array().expect("requests");
    assert!(requests.iter().any(|q| q["error_code"] == "HttpEndpoint.DestinationException"));
    assert!(requests.iter().any(|q| q["error_code"].is_null()), "the first batches, before 100 s, were delivered");
    // Cost: Firehose ingestion appears beside the stream's lines.
    let lines = summary["cost"]["lines"].as_array().expect("lines");
    assert!(lines.iter().any(|l| l["item"] == "Firehose ingestion"));
}

#[test]
fn a_transform_and_lambda_partition_keys_shape_the_objects() {
    let output = run("firehose_transform.json", &["--for", "3m", "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: Value = serde_json::from_slice(&output.stdout).expect("JSON summary");
    let events = &summary["delivery_streams"][0];
    let r = &events["records"];
    // page_view events are dropped; the other three event types each get their own partition and prefix.
    assert!(r["dropped_by_transform"].as_u64() > Some(0), "{r}");
    let fates = ["delivered", "dropped_by_transform", "processing_failed", "partitioning_failed", "buffered"];
    assert_eq!(r["incoming"].as_u64(), Some(fates.iter().map(|k| r[*k].as_u64().unwrap_or(0)).sum()));
    let objects = events["s3_objects"].as_array().expect("objects");
    let mut kinds: Vec<&str> = objects
        .iter()
        .map(|o| {
            let key = o["key"].as_str().expect("key");
            assert!(key.ends_with(".snappy"), "{key}");
            let rest = key.strip_prefix("events/kind=").expect("the prefix");
            let (kind, rest) = rest.split_once('/').expect("kind then date");
            assert!(rest.starts_with("2026-01-01/events-1-2026-01-01-00-"), "{key}");
            kind
        })
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds, ["add_to_cart", "click", "purchase"]);
    assert_eq!(events["metrics"]["IncomingRecords"], r["incoming"]);
}

#[test]
fn a_scenario_slower_than_real_time_is_announced_and_max_wall_stops_it_with_a_summary() {
    // Issue 22: 1,024 shards at 1M records/s was accepted silently and ran for minutes per simulated second.
    let output = run("million_records_per_second.json", &["--for", "1h", "--max-wall", "1", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // (1 GiB - 320,000,000 B warm - 10,000,000 B waiting) / (1,024 shards * 0.25 B): `budget`'s arithmetic.
    assert!(stderr.contains("each of the 1,024 shards keeps its latest 2,905,241 records"), "{stderr}");
    assert!(stderr.contains("asks for 1,000,000 records/s"), "{stderr}");
    // An hour of 1M records/s is 3.6 billion records: far more than a second of wall time can make.
    assert!(stderr.contains("stopped after --max-wall 1 s of wall time"), "{stderr}");
    let summary: Value = serde_json::from_slice(&output.stdout).expect("a JSON summary");
    assert!(summary.is_object(), "{summary}");
}

#[test]
fn a_scenario_file_is_read_no_further_than_the_limit() {
    // Issue 22: /dev/zero used to be read whole (5 GB in 5 s) before the 4 MiB check.
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let output = shardlab(&["run", "/dev/zero", "--for", "1s"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is larger than 4194304 bytes (4 MiB)"), "{stderr}");
}

#[test]
fn the_on_demand_preset_prints_its_scaling_steps() {
    // `docs/aws-behaviour.md` §1.11: 1,000 records/s of 1 KiB, then 6,000 from 30 s, into a new on-demand stream
    // of 4 shards. At 60 s the peak second is 4 shards' 4,000 records (the records limit binds first for 1 KiB
    // records), so capacity becomes 8 shards: 8 MiB/s and 8,000 records/s.
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("on-demand-spike.json");
    let preset = shardlab_scenario::preset("on-demand-spike").expect("a preset");
    std::fs::write(&path, preset.scenario().to_json()).expect("written");
    let output = shardlab(&["run", path.to_str().expect("UTF-8 path"), "--for", "70s"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("not simulated"), "it all runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let step = "at 1m: on-demand sales scaled from 4 to 8 shards (peak ";
    assert!(text.contains("\nStream changes:\n"), "{text}");
    let line = text.lines().find(|l| l.trim_start().starts_with(step)).unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.ends_with("and 4,000 records/s; capacity now 8.0 MiB/s and 8,000 records/s, twice the peak)"),
        "{line}"
    );
    assert!(text.contains("On-demand stream hours"), "billed as On-demand Standard: {text}");
    assert!(!text.contains("Shard hours"), "{text}");
}
