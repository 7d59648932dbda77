//! `shardlab`: Shardlab's Kinesis simulator on the command line.
//!
//! ```text
//! shardlab api [--seed N] [--create-delay-ms N] [--account ID] [--region R]
//! shardlab run SCENARIO.json --for 10m [--json] [--max-wall SECONDS]
//! shardlab export (SCENARIO.json | LINK | --preset ID | --all-presets DIR) --format cloudformation|cli|agent-json [--run DURATION]
//! shardlab sql APP.sql --dialect kda|flink [--epoch-unix-ms N]
//! ```
//!
//! # `shardlab api`: the Kinesis API as JSON Lines
//!
//! Reads one JSON value per line on stdin and writes, for each, JSON lines on stdout, in order:
//!
//! - `{"target": "Kinesis_20131202.PutRecord", "body": {...}}` is an API call (a missing `body` is `{}`);
//!   the answer is `{"status": 200, "body": {...}}`, with AWS's response or error body.
//! - `{"advance_ms": N}` moves simulated time forward by `N` milliseconds (at most 7 days per line; time
//!   otherwise stands still). First come the events live `SubscribeToShard` subscriptions pushed meanwhile,
//!   one line each, `{"subscription": <id>, "event": {...}}` (grouped by subscription, each in time order;
//!   the event is in AWS's event-stream form, `{"SubscribeToShardEvent": {...}}`), then `{"now_ms": T}`.
//! - A line that is not JSON answers `{"status": 400, "body": {"__type": "SerializationException",
//!   "Message": "..."}}`; any other line that is neither a call nor an advance answers the same way.
//!   Processing continues either way. Blank lines are skipped; a line over 16 MiB is refused the same way.
//!
//! The service starts empty (no stream, no producer) at simulated time 0, which stands for
//! 2026-01-01T00:00:00Z; CREATING, UPDATING and DELETING last `--create-delay-ms` (500 by default).
//!
//! # `shardlab run`: a scenario, headless
//!
//! `SCENARIO.json` is a playground scenario: saved by the playground, written by hand (only `format_version` and
//! the pipeline's nodes and edges are needed; every parameter left out takes the page's default), or a file
//! holding a share link, which may also be given in its place.
//! `--for` takes a whole number of seconds, minutes or hours (`90s`, `10m`, `2h`). The summary gives each
//! producer's and shard's accepted and throttled records and a cost estimate; `--json` prints it as JSON.
//! Before it runs, notes on stderr say how the scenario's memory is capped and whether it will run slower
//! than real time; `--max-wall SECONDS` stops it after that much wall time with the summary so far.
//!
//! # `shardlab export`: a playground scenario for real AWS
//!
//! Takes a scenario file saved by the playground (or a share link, `s=1.…` or the whole URL, on the command line
//! or in the file), or a preset, and prints a CloudFormation template (YAML), an AWS CLI script, or the Kinesis
//! Agent's `agent.json`. `--run 60s` first runs the scenario for that long and adds what it hit (throttling,
//! recommended shards) as comments. `--all-presets DIR` writes one file per preset into `DIR`.
//!
//! # `shardlab sql`: an Analytics application, headless
//!
//! Runs Kinesis Data Analytics SQL (historical) or Flink SQL over records given on stdin as JSON Lines,
//! `{"at_ms": T, "data": {...}}` (arrival in simulated milliseconds, and the record). KDA discovers the
//! input schema from the first 100 records. Every emitted row is printed as it is emitted, one JSON line
//! each: `{"stream", "ROWTIME", "row"}` (KDA) or `{"stream", "window_start", "window_end", "proctime", "row"}`
//! (Flink); at the end of input every open window fires. A query error prints `APP.sql:LINE:COLUMN: message`.
//!
//! Exit status: 0 on success, 1 for a scenario that cannot run (every problem is listed), 2 for bad usage.

mod api_session;
mod args;
mod duration;
mod export;
mod run;
mod sql;

use std::process::ExitCode;

const USAGE: &str = "\
usage:
  shardlab api [--seed N] [--create-delay-ms N] [--account ID] [--region R]
      Kinesis API calls as JSON Lines on stdin, answers on stdout.
  shardlab run SCENARIO.json --for DURATION [--json] [--max-wall SECONDS]
      Run a scenario headless for DURATION (90s, 10m, 2h) and print a summary;
      --max-wall stops after that much wall time with the summary so far.
  shardlab export (SCENARIO.json | LINK | --preset ID | --all-presets DIR)
                  --format cloudformation|cli|agent-json [--run DURATION]
      A playground scenario as a CloudFormation template, an AWS CLI script or agent.json;
      --run adds what a run of that long hit (throttling, recommended shards) as comments.
  shardlab sql APP.sql --dialect kda|flink [--epoch-unix-ms N]
      Run an Analytics SQL application over {\"at_ms\", \"data\"} JSON Lines on stdin; print emitted rows.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let outcome = match command {
        "api" => api_session::main(rest),
        "run" => run::main(rest),
        "export" => export::main(rest),
        "sql" => sql::main(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(Failure::Usage(format!("unknown command '{other}'"))),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("shardlab: {message}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Problems(problems)) => {
            for problem in problems {
                eprintln!("shardlab: {problem}");
            }
            ExitCode::from(1)
        }
    }
}

/// The text of a file of at most [`shardlab_scenario::FILE_BYTES_MAX`] bytes (4 MiB, the largest scenario),
/// reading no more than one byte past that, so a huge file or a device like `/dev/zero` is refused at once.
fn read_text_file(path: &str, what: &str) -> Result<String, Failure> {
    use std::io::Read;
    let limit = shardlab_scenario::FILE_BYTES_MAX;
    let cannot = |err: std::io::Error| Failure::Problems(vec![format!("cannot read {what} {path}: {err}")]);
    let mut bytes = Vec::new();
    std::fs::File::open(path).and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes)).map_err(cannot)?;
    if bytes.len() > limit {
        return Err(Failure::Problems(vec![format!(
            "{what} {path} is larger than {limit} bytes (4 MiB); allowed: up to 4 MiB"
        )]));
    }
    String::from_utf8(bytes).map_err(|_| Failure::Problems(vec![format!("{what} {path} is not UTF-8 text")]))
}

/// Why a command failed.
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    /// The command line is wrong (exit 2).
    Usage(String),
    /// The input cannot be used; every problem, in words (exit 1).
    Problems(Vec<String>),
}
