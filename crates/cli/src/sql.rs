//! `shardlab sql APP.sql --dialect kda|flink`: an Analytics application over JSON Lines records.

use crate::Failure;
use crate::args::Args;
use serde_json::{Map, Value, json};
use shardlab_analytics::{
    Application, DISCOVERY_SAMPLES_MAX, Dialect, EmittedRow, RecordFormat, SourceSchema, discover_schema,
    format_timestamp,
};
use std::io::{self, BufRead, Write};

/// Simulated time 0 by default: 2026-01-01T00:00:00Z, as in `shardlab api`.
pub(crate) const EPOCH_UNIX_MS_DEFAULT: i64 = 1_767_225_600_000;
/// The latest epoch `--epoch-unix-ms` takes: 9999-12-31T23:59:59.999Z, the last instant SQL timestamps show.
const EPOCH_UNIX_MS_MAX: i64 = 253_402_300_799_999;

#[derive(Debug, PartialEq, Eq)]
struct Options {
    sql_path: String,
    dialect: Dialect,
    epoch_unix_ms: i64,
}

fn parse_options(rest: &[String]) -> Result<Options, Failure> {
    let mut args = Args::new(rest);
    let (mut path, mut dialect, mut epoch_unix_ms) = (None, None, EPOCH_UNIX_MS_DEFAULT);
    while let Some(arg) = args.next() {
        match arg {
            "--dialect" => {
                dialect = Some(match args.value(arg)? {
                    "kda" => Dialect::Kda,
                    "flink" => Dialect::Flink,
                    other => return Err(Failure::Usage(format!("--dialect takes kda or flink, not '{other}'"))),
                });
            }
            "--epoch-unix-ms" => {
                let raw = args.value(arg)?;
                epoch_unix_ms =
                    raw.parse().ok().filter(|ms| (0..=EPOCH_UNIX_MS_MAX).contains(ms)).ok_or_else(|| {
                        Failure::Usage(format!(
                            "--epoch-unix-ms takes milliseconds since 1970 from 0 to {EPOCH_UNIX_MS_MAX} \
                         (9999-12-31T23:59:59.999Z), not '{raw}'"
                        ))
                    })?;
            }
            other if other.starts_with("--") => {
                return Err(Failure::Usage(format!("shardlab sql does not take '{other}'")));
            }
            other if path.is_none() => path = Some(other.to_string()),
            other => return Err(Failure::Usage(format!("shardlab sql takes one SQL file, not also '{other}'"))),
        }
    }
    Ok(Options {
        sql_path: path.ok_or_else(|| Failure::Usage("shardlab sql needs an APP.sql".into()))?,
        dialect: dialect.ok_or_else(|| Failure::Usage("shardlab sql needs --dialect kda or --dialect flink".into()))?,
        epoch_unix_ms,
    })
}

/// Reads `{"at_ms": T, "data": ...}` lines; every bad line is a problem.
fn read_records(input: impl BufRead) -> Result<Vec<(u64, Value)>, Vec<String>> {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = match line {
            Ok(line) => line,
            Err(err) => {
                problems.push(format!("stdin: cannot read line {}: {err}", i + 1));
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Result<Value, _> = serde_json::from_str(&line);
        match parsed {
            Ok(Value::Object(mut object)) => match (object.get("at_ms").and_then(Value::as_u64), object.remove("data"))
            {
                (Some(at_ms), Some(data)) => records.push((at_ms, data)),
                _ => problems.push(format!(
                    "stdin line {}: expected {{\"at_ms\": <whole number of ms>, \"data\": <record>}}",
                    i + 1
                )),
            },
            Ok(_) => problems.push(format!("stdin line {}: expected a JSON object", i + 1)),
            Err(err) => problems.push(format!("stdin line {}: not JSON: {err}", i + 1)),
        }
    }
    if problems.is_empty() { Ok(records) } else { Err(problems) }
}

pub(crate) fn main(rest: &[String]) -> Result<(), Failure> {
    let options = parse_options(rest)?;
    let sql = crate::read_text_file(&options.sql_path, "SQL file")?;
    let records = read_records(io::stdin().lock()).map_err(Failure::Problems)?;
    let schema = match options.dialect {
        Dialect::Kda => {
            let samples: Vec<Value> = records.iter().take(DISCOVERY_SAMPLES_MAX).map(|(_, d)| d.clone()).collect();
            // With no records there is nothing to discover: the source has only its automatic columns.
            Some(discover_schema(&samples).unwrap_or(SourceSchema { format: RecordFormat::Json, columns: Vec::new() }))
        }
        Dialect::Flink => None,
    };
    let mut app = Application::new(&sql, options.dialect, schema, options.epoch_unix_ms).map_err(|errors| {
        Failure::Problems(
            errors
                .iter()
                .map(|e| format!("{}:{}:{}: {}", options.sql_path, e.pos.line, e.pos.column, e.message))
                .collect(),
        )
    })?;
    let mut out = io::stdout().lock();
    let mut emitted: u64 = 0;
    // A closed stdout (a pipe whose reader left) just ends the run.
    let mut print = |app: &mut Application| -> io::Result<()> {
        while let Some(row) = app.poll_row() {
            writeln!(out, "{}", row_line(app, &row))?;
            emitted += 1;
        }
        Ok(())
    };
    for (at_ms, data) in &records {
        app.push(*at_ms, data);
        if print(&mut app).is_err() {
            return Ok(());
        }
    }
    app.finish();
    if print(&mut app).is_err() {
        return Ok(());
    }
    let stats = app.stats();
    let late: u64 = stats.late_records_dropped.iter().map(|(_, n)| n).sum();
    eprintln!(
        "shardlab sql: {} records in, {emitted} rows out, {late} late records dropped, {} rows to error_stream",
        stats.records_in, stats.errors
    );
    Ok(())
}

/// One output line: the stream, its time (`ROWTIME`, or Flink's window and processing time) and the row.
pub(crate) fn row_line(app: &Application, row: &EmittedRow) -> Value {
    let mut line = Map::new();
    line.insert("stream".into(), json!(row.stream));
    match (app.dialect(), row.window_ms) {
        (Dialect::Kda, _) => {
            line.insert("ROWTIME".into(), json!(format_timestamp(row.rowtime_ms)));
        }
        (Dialect::Flink, window) => {
            if let Some((start, end)) = window {
                line.insert("window_start".into(), json!(format_timestamp(start)));
                line.insert("window_end".into(), json!(format_timestamp(end)));
            }
            line.insert("proctime".into(), json!(format_timestamp(row.rowtime_ms)));
        }
    }
    line.insert("row".into(), app.row_json(row));
    Value::Object(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn extreme_epochs_are_refused_with_the_allowed_range() {
        // Issue 22: these used to saturate silently.
        for raw in ["-1", "9223372036854775807", "253402300800000"] {
            let options = parse_options(&strings(&["a.sql", "--dialect", "kda", "--epoch-unix-ms", raw]));
            assert!(
                matches!(&options, Err(Failure::Usage(m)) if m.contains("from 0 to 253402300799999")),
                "{raw}: {options:?}"
            );
        }
        let latest = parse_options(&strings(&["a.sql", "--dialect", "kda", "--epoch-unix-ms", "253402300799999"]));
        assert_eq!(latest.map(|o| o.epoch_unix_ms), Ok(253_402_300_799_999));
    }

    #[test]
    fn options_need_a_file_and_a_dialect() {
        let options = parse_options(&strings(&["app.sql", "--dialect", "flink", "--epoch-unix-ms", "0"])).unwrap();
        assert_eq!(options, Options { sql_path: "app.sql".into(), dialect: Dialect::Flink, epoch_unix_ms: 0 });
        assert!(matches!(parse_options(&strings(&["app.sql"])), Err(Failure::Usage(m)) if m.contains("--dialect")));
        assert!(matches!(parse_options(&strings(&["a.sql", "--dialect", "pg"])), Err(Failure::Usage(_))));
    }

    #[test]
    fn every_bad_record_line_is_listed() {
        let input = "{\"at_ms\": 1, \"data\": {}}\n\nnope\n[1]\n{\"at_ms\": -1, \"data\": 2}\n";
        let problems = read_records(input.as_bytes()).unwrap_err();
        assert_eq!(problems.len(), 3);
        assert!(problems[0].starts_with("stdin line 3: not JSON"));
        assert_eq!(problems[1], "stdin line 4: expected a JSON object");
        assert!(problems[2].starts_with("stdin line 5: expected {\"at_ms\""));
    }
}
