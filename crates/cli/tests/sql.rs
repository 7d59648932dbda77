//! `shardlab sql`: Analytics applications over JSON Lines records, through the built binary.
//!
//! Expected rows are the documented worked examples (`docs/aws-behaviour.md` §6.3) and windows worked out by hand.

mod common;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sql").join(name)
}

/// 2026-01-01 11:00:00 UTC, so that the AMZN arrivals fall at 11:00:20 and so on.
const ELEVEN_AM_UNIX_MS: &str = "1767265200000";

fn sql(args: &[&str], input: &[u8]) -> Output {
    let args: Vec<&str> = std::iter::once("sql").chain(args.iter().copied()).collect();
    common::shardlab_with_input(&args, input)
}

fn lines(output: &Output) -> Vec<Value> {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

fn run_fixture(sql_file: &str, records_file: &str, extra: &[&str]) -> Output {
    let path = fixture(sql_file);
    let input = std::fs::read(fixture(records_file)).expect("records fixture");
    let mut args = vec![path.to_str().expect("UTF-8 path")];
    args.extend_from_slice(extra);
    sql(&args, &input)
}

fn amzn_row(rowtime: &str, minute: &str, count: u64) -> Value {
    json!({"stream": "DESTINATION_SQL_STREAM", "ROWTIME": format!("2026-01-01 {rowtime}.000"),
           "row": {"EVENT_TIME": format!("2026-01-01 {minute}:00.000"), "TICKER_SYMBOL": "AMZN", "TICKER_COUNT": count}})
}

#[test]
fn a_tumbling_window_prints_the_documented_three_rows() {
    let output =
        run_fixture("amzn_tumbling.sql", "amzn.jsonl", &["--dialect", "kda", "--epoch-unix-ms", ELEVEN_AM_UNIX_MS]);
    assert_eq!(
        lines(&output),
        [amzn_row("11:01:00", "11:00", 2), amzn_row("11:02:00", "11:00", 1), amzn_row("11:02:00", "11:01", 1)]
    );
}

#[test]
fn a_stagger_window_prints_the_documented_two_rows() {
    let output =
        run_fixture("amzn_stagger.sql", "amzn.jsonl", &["--dialect", "kda", "--epoch-unix-ms", ELEVEN_AM_UNIX_MS]);
    assert_eq!(lines(&output), [amzn_row("11:01:20", "11:00", 3), amzn_row("11:02:15", "11:01", 1)]);
}

#[test]
fn flink_rows_carry_their_window_and_late_records_are_counted() {
    let output = run_fixture("flink_tumble.sql", "flink_late.jsonl", &["--dialect", "flink"]);
    let window = |start: &str, end: &str, k: &str, n: u64, proctime: &str| {
        json!({"stream": "query_1", "window_start": format!("2026-01-01 {start}.000"),
               "window_end": format!("2026-01-01 {end}.000"), "proctime": format!("2026-01-01 {proctime}.000"),
               "row": {"window_start": format!("2026-01-01 {start}.000"), "window_end": format!("2026-01-01 {end}.000"),
                       "k": k, "n": n}})
    };
    // The record at 3 s moves the watermark to 10 s, which fires [0 s, 10 s); b at 5 s is then late.
    // The rest fire at the end of input (processing time 5 s, the last arrival).
    assert_eq!(
        lines(&output),
        [
            window("00:00:00", "00:00:10", "a", 2, "00:00:03"),
            window("00:00:10", "00:00:20", "a", 1, "00:00:05"),
            window("00:00:10", "00:00:20", "b", 1, "00:00:05"),
        ]
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("5 records in, 3 rows out, 1 late records dropped, 0 rows to error_stream"), "{stderr}");
}

#[test]
fn a_query_error_names_line_and_column_and_fails() {
    let output = run_fixture("broken.sql", "amzn.jsonl", &["--dialect", "kda"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The typo FORM reads as an alias of TICKER_SYMBOL; FROM was expected where the stream name starts,
    // after "    SELECT STREAM TICKER_SYMBOL FORM " (37 characters).
    assert!(stderr.contains("broken.sql:3:38: expected FROM, found \"SOURCE_SQL_STREAM_001\""), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn the_wrong_dialect_is_explained() {
    let output = run_fixture("flink_tumble.sql", "flink_late.jsonl", &["--dialect", "kda"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("flink_tumble.sql:1:8: expected STREAM or PUMP: CREATE TABLE is Flink SQL"), "{stderr}");
}

#[test]
fn bad_records_and_usage_are_refused() {
    let path = fixture("amzn_tumbling.sql");
    let path = path.to_str().expect("UTF-8 path");
    let output = sql(&[path, "--dialect", "kda"], b"{\"at_ms\": 1}\n");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("stdin line 1: expected {\"at_ms\""));
    assert_eq!(sql(&[path], b"").status.code(), Some(2));
    assert_eq!(sql(&[path, "--dialect", "mysql"], b"").status.code(), Some(2));
    assert_eq!(sql(&["missing.sql", "--dialect", "kda"], b"").status.code(), Some(1));
}

#[test]
fn a_projection_prints_one_row_per_record_with_its_rowtime() {
    let dir = std::env::temp_dir().join(format!("shardlab-sql-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("filter.sql");
    std::fs::write(
        &path,
        "CREATE OR REPLACE STREAM \"OUT\" (t VARCHAR(4), cents INTEGER);\n\
         CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\"\n\
         SELECT STREAM ticker, price * 100 FROM \"SOURCE_SQL_STREAM_001\" WHERE price > 10;",
    )
    .expect("write");
    let input = b"{\"at_ms\": 500, \"data\": {\"ticker\": \"A\", \"price\": 12}}\n\
                  {\"at_ms\": 900, \"data\": {\"ticker\": \"B\", \"price\": 3}}\n";
    let output = sql(&[path.to_str().expect("UTF-8"), "--dialect", "kda"], input);
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert_eq!(
        lines(&output),
        [json!({"stream": "OUT", "ROWTIME": "2026-01-01 00:00:00.500", "row": {"t": "A", "cents": 1200}})]
    );
}

#[test]
fn shardlab_run_reports_each_analytics_applications_rows() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/analytics.json");
    let output = Command::new(env!("CARGO_BIN_EXE_shardlab"))
        .args(["run", path.to_str().expect("UTF-8 path"), "--for", "30s", "--json"])
        .output()
        .expect("the shardlab binary runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: Value = serde_json::from_slice(&output.stdout).expect("JSON summary");
    let apps = summary["analytics"].as_array().expect("analytics");
    let names: Vec<&str> = apps.iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names, ["events", "windows", "typo"]);
    for app in &apps[..2] {
        // Every record the application read is in a fired window's count or in a window still open.
        let rows = app["rows"].as_array().expect("rows");
        let counted: u64 =
            rows.iter().map(|r| r["row"]["events"].as_u64().or(r["row"]["n"].as_u64()).expect("a count")).sum();
        let read = app["records_read"].as_u64().expect("records_read");
        assert!(read > 200, "10 records/s for 30 s, read as they become visible: {app}");
        assert_eq!(counted + app["open_window_rows"].as_u64().expect("open rows"), read, "{app}");
        assert_eq!(app["rows_total"].as_u64(), Some(rows.len() as u64));
    }
    // KDA rows are stamped with their window's end: 10 s, 20 s and 30 s after 2026-01-01 00:00:00.
    let mut rowtimes: Vec<&str> =
        apps[0]["rows"].as_array().expect("rows").iter().filter_map(|r| r["ROWTIME"].as_str()).collect();
    rowtimes.dedup();
    assert_eq!(rowtimes, ["2026-01-01 00:00:10.000", "2026-01-01 00:00:20.000", "2026-01-01 00:00:30.000"]);
    let starts: Vec<&str> =
        apps[1]["rows"].as_array().expect("rows").iter().filter_map(|r| r["window_start"].as_str()).collect();
    assert_eq!(starts, ["2026-01-01 00:00:00.000", "2026-01-01 00:00:10.000", "2026-01-01 00:00:20.000"]);
    assert_eq!(apps[0]["dialect"], "KDA SQL (historical)");
    // Its rows also went to a Kinesis data stream, a few per window, all written.
    let destination = &apps[0]["destination"];
    assert_eq!(destination["stream_name"], "event-counts");
    assert_eq!(destination["delivered"], apps[0]["rows_total"]);
    assert_eq!(destination["dropped"], 0);
    assert_eq!(apps[1]["destination"], Value::Null);
    // The summary lists that output stream after the scenario's, and it took exactly the rows written to it.
    let streams = summary["streams"].as_array().expect("streams");
    let names: Vec<&str> = streams.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["clickstream", "event-counts"]);
    let accepted: u64 =
        streams[1]["shards"].as_array().expect("shards").iter().filter_map(|s| s["accepted_records"].as_u64()).sum();
    assert_eq!(Some(accepted), destination["delivered"].as_u64());
    // The typo is found once the schema is discovered from the stream's clickstream records; `amout`
    // follows `CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM ` (62 characters).
    let problems = apps[2]["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].as_str().expect("text").starts_with("line 2, column 63: unknown column `amout`"),
        "{problems:?}"
    );
}

#[test]
fn the_text_summary_lists_analytics_applications() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/analytics.json");
    let output = Command::new(env!("CARGO_BIN_EXE_shardlab"))
        .args(["run", path.to_str().expect("UTF-8 path"), "--for", "30s"])
        .output()
        .expect("the shardlab binary runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Analytics applications:\n  events (KDA SQL (historical)): read "), "{text}");
    assert!(text.contains("    SQL problem: line 2, column 63: unknown column `amout`"), "{text}");
}
