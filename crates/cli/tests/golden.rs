//! Golden JSON Lines sessions of `shardlab api`.
//!
//! Each `golden/<name>.in.jsonl` is fed to the built binary (with the arguments in `golden/<name>.args`,
//! if present) and its output compared, line by line as JSON, with `golden/<name>.out.jsonl`. The
//! expected lines were worked out from `docs/aws-behaviour.md`: AWS's texts, the hash-key layout, MD5 routing,
//! and sequence numbers and iterator tokens computed from their documented layouts.
//!
//! `UPDATE_EXPECT=1 cargo test -p shardlab-cli` rewrites the expected files from the actual output;
//! check every changed line against `docs/aws-behaviour.md` before keeping it.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Runs `shardlab api` with `args`, `input` on stdin; returns stdout.
fn run_api(args: &[String], input: &[u8]) -> String {
    let args: Vec<&str> = std::iter::once("api").chain(args.iter().map(String::as_str)).collect();
    let output = common::shardlab_with_input(&args, input);
    assert!(output.status.success(), "shardlab api failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("output is UTF-8")
}

/// The first difference between two outputs, comparing lines as JSON values.
fn first_difference(actual: &str, expected: &str) -> Option<String> {
    let (actual, expected): (Vec<&str>, Vec<&str>) = (actual.lines().collect(), expected.lines().collect());
    for (i, (a, e)) in actual.iter().zip(&expected).enumerate() {
        let same = match (serde_json::from_str::<Value>(a), serde_json::from_str::<Value>(e)) {
            (Ok(a), Ok(e)) => a == e,
            _ => a == e,
        };
        if !same {
            return Some(format!("line {}:\n  actual:   {a}\n  expected: {e}", i + 1));
        }
    }
    (actual.len() != expected.len()).then(|| format!("{} lines of output, {} expected", actual.len(), expected.len()))
}

#[test]
fn golden_sessions() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".in.jsonl"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 6, "golden sessions found: {inputs:?}");
    let mut failures = Vec::new();
    for input_path in &inputs {
        let name = input_path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".in.jsonl"))
            .expect("named <name>.in.jsonl");
        let args: Vec<String> = std::fs::read_to_string(golden_dir().join(format!("{name}.args")))
            .map(|text| text.split_whitespace().map(String::from).collect())
            .unwrap_or_default();
        let input = std::fs::read(input_path).expect("readable input");
        let actual = run_api(&args, &input);
        let expected_path = golden_dir().join(format!("{name}.out.jsonl"));
        if update {
            std::fs::write(&expected_path, &actual).expect("writable expected file");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if let Some(difference) = first_difference(&actual, &expected) {
            failures.push(format!("{name}: {difference}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn bad_lines_do_not_stop_a_session() {
    let input = b"{\"advance_ms\": 5}\nnot json\n[1, 2]\n\n{\"advance_ms\": \"soon\"}\n{\"target\": \"Kinesis_20131202.ListStreams\"}\n";
    let output = run_api(&[], input);
    let lines: Vec<Value> =
        output.lines().map(|l| serde_json::from_str(l).expect("every output line is JSON")).collect();
    assert_eq!(lines.len(), 5, "{output}");
    assert_eq!(lines[0], serde_json::json!({"now_ms": 5}));
    for refused in &lines[1..4] {
        assert_eq!(refused["status"], 400);
        assert_eq!(refused["body"]["__type"], "SerializationException");
        assert!(refused["body"]["Message"].is_string());
    }
    assert_eq!(
        lines[4],
        serde_json::json!({"status": 200, "body": {"StreamNames": [], "HasMoreStreams": false, "StreamSummaries": []}})
    );
}
