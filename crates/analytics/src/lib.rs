//! Streaming SQL over simulated Kinesis records: Kinesis Data Analytics SQL (historical) and Flink SQL.
//!
//! An [`Application`] is SQL text checked against its input, then fed records in arrival order.
//! It emits rows into in-application streams (KDA) or tables and query results (Flink), and shows
//! its open windows at any moment. The crate is `no_std` + `alloc`, reads no clock and is deterministic:
//! the same SQL and records give the same rows, natively and in wasm.
//!
//! # Run loop
//!
//! 1. [`Application::new`] parses and checks the SQL; every problem comes back with line and column.
//! 2. [`Application::push`] feeds one record with its arrival time in simulated milliseconds.
//!    [`Application::advance_to`] moves time without a record, so windows close on time.
//! 3. [`Application::poll_row`] drains emitted rows in order, until `None`.
//! 4. [`Application::finish`] closes every open window at the end of the input.
//!
//! ```
//! use shardlab_analytics::{Application, Dialect, discover_schema};
//! use serde_json::json;
//!
//! let sql = r#"
//!     CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), trades INTEGER);
//!     CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
//!       SELECT STREAM ticker, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
//!       GROUP BY ticker, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);
//! "#;
//! let schema = discover_schema(&[json!({"ticker": "AMZN"})]).unwrap();
//! let mut app = Application::new(sql, Dialect::Kda, Some(schema), 0).unwrap();
//! app.push(1_000, &json!({"ticker": "AMZN"}));
//! app.push(2_000, &json!({"ticker": "AMZN"}));
//! app.advance_to(10_000); // the window [0 s, 10 s) closes
//! let row = app.poll_row().unwrap();
//! assert_eq!((row.stream.as_str(), row.rowtime_ms), ("DESTINATION_SQL_STREAM", 10_000));
//! assert_eq!(row.values[1], shardlab_analytics::Value::Int(2));
//! ```
//!
//! # The two dialects
//!
//! Kinesis Data Analytics for SQL was retired in January 2026; the playground keeps it as history.
//! A KDA query maps to Flink SQL like this:
//!
//! | KDA SQL (historical) | Flink SQL |
//! |---|---|
//! | `"SOURCE_SQL_STREAM_001"` with a discovered schema | `CREATE TABLE src (...) WITH ('connector' = 'kinesis', ...)` |
//! | `ROWTIME` (arrival, processing time) | `proc AS PROCTIME()`, or an event-time column with `WATERMARK FOR` |
//! | `CREATE OR REPLACE STREAM` + `PUMP ... INSERT INTO` | `CREATE TABLE sink (...)` + `INSERT INTO sink SELECT ...` |
//! | `GROUP BY k, STEP(ROWTIME BY INTERVAL '1' MINUTE)` | `FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(proc), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, k` |
//! | `WINDOWED BY STAGGER(PARTITION BY k RANGE ...)` | `TABLE(SESSION(TABLE src PARTITION BY k, DESCRIPTOR(ts), ...))` (closest) |
//! | `AVG(x) OVER (PARTITION BY k RANGE INTERVAL '1' MINUTE PRECEDING)` | `AVG(x) OVER (PARTITION BY k ORDER BY proc RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW)` |
//!
//! [`samples`] holds both versions of the documented examples.
//!
//! # Divergences from AWS
//!
//! Where AWS's documentation is silent or unconfirmed, this crate chooses, and says so here (gathered with the
//! other divergences in `docs/aws-behaviour.md` §8.5).
//!
//! - `ROWTIME` is the time the record is given to the application (simulated epoch + `at_ms`: in the
//!   engine, when its reader got it); KDA's own processing delay is not modelled.
//!   `APPROXIMATE_ARRIVAL_TIME` is the record's arrival in its Kinesis stream when known
//!   ([`Application::push_arrived`]), else the same as `ROWTIME`.
//!   Arrivals earlier than the previous one are taken at the previous time, so `ROWTIME` never decreases
//!   (AWS sends out-of-order rows to `error_stream`).
//! - Unquoted names match columns and streams ignoring ASCII case; quoted names match exactly.
//! - `SIMILAR TO` matches like `LIKE` (`%` and `_` only; no regular-expression operators).
//! - A select item without an alias and that is not a column is named `EXPR$n` (n from 0), as Flink does.
//! - Schema discovery maps JSON members (nested objects flattened with `_`, JSONPath `$.a.b`) to BOOLEAN,
//!   INTEGER, DOUBLE, TIMESTAMP (text such as `2026-01-01 00:00:00`) or VARCHAR, widening across the first
//!   100 samples; CSV lines get `COL1`, `COL2`, ... AWS's exact type choices (VARCHAR lengths, DECIMAL) are
//!   not reproduced.
//! - Every Flink source table receives every record (the simulated application has one input stream).
//! - Rows that fail a conversion, a division by zero or an overflow go to `error_stream` with a message of
//!   our own; AWS's error-stream columns are not reproduced.
//! - `TOP_K_ITEMS_TUMBLING` counts exactly (AWS approximates); ties rank by value. Its rows are
//!   (column, `MOST_FREQUENT_VALUES`), stamped with the window end.
//! - Sliding windows: `RANGE INTERVAL n PRECEDING` holds rows in `(t − n, t]`. Each row is emitted as it
//!   arrives, so rows arriving at the same instant see only those before them and themselves.
//!   `ROWS n PRECEDING` holds the current row and `n` before it (standard SQL; AWS's frame is unconfirmed).
//!   A partition keeps at most [`SLIDING_ROWS_MAX`] rows and [`SLIDING_BYTES_MAX`] bytes, dropping the
//!   oldest first (AWS's limits on window state are not documented).
//! - `OVER` windows take rows in arrival order and measure `RANGE` on arrival time, in both dialects; a Flink
//!   `ORDER BY` is read but not used (event-time OVER windows are not modelled).
//! - `AVG` returns `DOUBLE`; `SUM` of integers stays an integer (saturating).
//! - Intervals are day-time only (SECOND to DAY); `FLOOR(... TO MONTH | YEAR)` works on values and windows.
//! - Flink watermarks advance with every record rather than every 200 ms; a window `[start, end)` fires once
//!   the watermark reaches `end − 1 ms`, and a record is late when every window it belongs to has fired
//!   (allowed lateness 0). Late records are dropped and counted per query ([`Stats::late_records_dropped`]).
//!   Processing-time windows fire when time reaches their end.
//! - Flink windowed rows carry `window_start`/`window_end`; their time is the processing time they fired.
//! - At [`Application::finish`] every window fires, as Flink does at the end of bounded input.
//! - Joins, reference tables, `RANDOM_CUT_FOREST`, `COUNT_DISTINCT_ITEMS_TUMBLING`, `DISTINCT`, month and year
//!   intervals, HOP/CUMULATE offsets and reading back a Flink sink table are not supported.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod ast;
mod error;
mod eval;
mod lexer;
mod parser;
mod plan;
mod runtime;
pub mod samples;
mod schema;
mod value;

pub use error::{Pos, SqlError};
pub use parser::{EXPR_HEIGHT_MAX, parse};
pub use plan::KDA_SOURCE_STREAM;
pub use runtime::{EmittedRow, OpenWindow, PENDING_ROWS_MAX, RECENT_ROWS_MAX, SLIDING_BYTES_MAX, SLIDING_ROWS_MAX};
pub use schema::{DISCOVERY_SAMPLES_MAX, RecordFormat, SourceColumn, SourceSchema, discover_schema};
pub use value::{SqlType, TimeUnit, Value, format_timestamp, parse_timestamp};

use alloc::string::String;
use alloc::vec::Vec;

/// Which SQL an application is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Kinesis Data Analytics for SQL (historical: retired January 2026).
    Kda,
    /// Managed Service for Apache Flink, Flink SQL.
    Flink,
}

/// What kind of stream a [`StreamView`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamRole {
    /// Fed by records: `SOURCE_SQL_STREAM_001` or a Flink source table.
    Input,
    /// A KDA in-application stream declared with `CREATE OR REPLACE STREAM`.
    InApplication,
    /// A Flink table written by `INSERT INTO`.
    Sink,
    /// The results of a bare Flink `SELECT` (shown as a table in the page).
    Results,
}

/// One stream or table of an application, for the live view.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamView<'a> {
    /// Its name.
    pub name: &'a str,
    /// What it is.
    pub role: StreamRole,
    /// Column names and types.
    pub columns: &'a [(String, SqlType)],
    /// Rows that entered it so far.
    pub rows_total: u64,
    /// The most recent rows, oldest first (at most [`RECENT_ROWS_MAX`]).
    pub recent: Vec<&'a EmittedRow>,
}

/// Counters of a running application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Records pushed.
    pub records_in: u64,
    /// Rows that went to `error_stream`.
    pub errors: u64,
    /// Per query (pump or Flink statement): records dropped because every window they belonged to had fired.
    pub late_records_dropped: Vec<(String, u64)>,
    /// Emitted rows dropped from the [`Application::poll_row`] queue because nobody drained it.
    pub pending_dropped: u64,
    /// Bytes the sliding windows hold: their rows' aggregate arguments, each held once, and running
    /// aggregates (at most [`SLIDING_BYTES_MAX`] per partition).
    pub sliding_bytes_held: u64,
}

/// A checked application, ready for records.
#[derive(Clone, Debug)]
pub struct Application {
    dialect: Dialect,
    epoch_unix_ms: i64,
    runtime: runtime::Runtime,
    /// The columns of `error_stream`.
    error_columns: Vec<(String, SqlType)>,
}

/// A Kinesis record's bytes as a record: its JSON value, or else its text (lossy UTF-8) as a string.
pub fn record_from_bytes(data: &[u8]) -> serde_json::Value {
    serde_json::from_slice(data)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(data).into_owned()))
}

/// [`discover_schema`] over the bytes of Kinesis records (see [`record_from_bytes`]).
pub fn discover_schema_from_bytes<'a>(samples: impl IntoIterator<Item = &'a [u8]>) -> Result<SourceSchema, String> {
    let records: Vec<serde_json::Value> =
        samples.into_iter().take(DISCOVERY_SAMPLES_MAX).map(record_from_bytes).collect();
    discover_schema(&records)
}

/// Parses and checks `sql` without running it: every problem, sorted by position (empty when valid).
pub fn check(sql: &str, dialect: Dialect, schema: Option<&SourceSchema>) -> Vec<SqlError> {
    match parse(sql, dialect) {
        Err(e) => alloc::vec![e],
        Ok(statements) => plan::check(&statements, dialect, schema).err().unwrap_or_default(),
    }
}

impl Application {
    /// Parses and checks `sql`. KDA applications read records through `schema` (see [`discover_schema`]);
    /// Flink applications declare their columns in `CREATE TABLE` and ignore it. Simulated time 0 is
    /// `epoch_unix_ms` milliseconds after 1970-01-01 UTC (timestamps print from there).
    pub fn new(
        sql: &str,
        dialect: Dialect,
        schema: Option<SourceSchema>,
        epoch_unix_ms: i64,
    ) -> Result<Self, Vec<SqlError>> {
        let statements = parse(sql, dialect).map_err(|e| alloc::vec![e])?;
        let plan = plan::check(&statements, dialect, schema.as_ref())?;
        let error_columns = alloc::vec![(String::from("ERROR_MESSAGE"), SqlType::Varchar)];
        Ok(Self { dialect, epoch_unix_ms, runtime: runtime::Runtime::new(plan), error_columns })
    }

    /// The application's dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn time_ms(&self, at_ms: u64) -> i64 {
        let t = self.epoch_unix_ms.saturating_add(i64::try_from(at_ms).unwrap_or(i64::MAX));
        t.max(self.runtime.now_ms)
    }

    /// One record arriving at simulated time `at_ms`: a JSON object, or a string (JSON text or a CSV line).
    pub fn push(&mut self, at_ms: u64, data: &serde_json::Value) {
        let t = self.time_ms(at_ms);
        self.runtime.push(t, t, data);
    }

    /// Like [`Self::push`] for a record read at `at_ms` that arrived in its Kinesis stream at
    /// `arrival_ms` (KDA's `APPROXIMATE_ARRIVAL_TIME`; `ROWTIME` is still `at_ms`).
    pub fn push_arrived(&mut self, at_ms: u64, arrival_ms: u64, data: &serde_json::Value) {
        let t = self.time_ms(at_ms);
        let arrival = self.epoch_unix_ms.saturating_add(i64::try_from(arrival_ms).unwrap_or(i64::MAX));
        self.runtime.push(t, arrival, data);
    }

    /// One record given as the bytes of a Kinesis record read at `at_ms` that arrived at `arrival_ms`:
    /// JSON if they parse as JSON, otherwise text (a CSV line).
    pub fn push_bytes(&mut self, at_ms: u64, arrival_ms: u64, data: &[u8]) {
        self.push_arrived(at_ms, arrival_ms, &record_from_bytes(data));
    }

    /// Moves simulated time to `at_ms` without a record: windows that end by then close.
    pub fn advance_to(&mut self, at_ms: u64) {
        let t = self.time_ms(at_ms);
        self.runtime.advance_to(t);
    }

    /// End of input: every open window fires.
    pub fn finish(&mut self) {
        self.runtime.finish();
    }

    /// The next emitted row, in emission order; `None` when all have been taken.
    pub fn poll_row(&mut self) -> Option<EmittedRow> {
        self.runtime.pending.pop_front()
    }

    /// Windows holding rows that have not fired, per query, in order of their end.
    pub fn open_windows(&self) -> Vec<OpenWindow> {
        self.runtime.open_windows()
    }

    /// Every stream and table with its columns and latest rows; `error_stream` last.
    pub fn streams(&self) -> Vec<StreamView<'_>> {
        let mut views: Vec<StreamView<'_>> = self
            .runtime
            .plan
            .streams
            .iter()
            .enumerate()
            .map(|(i, s)| StreamView {
                name: &s.name,
                role: match s.role {
                    plan::Role::KdaSource(_) | plan::Role::FlinkSource(_) => StreamRole::Input,
                    plan::Role::InApp => StreamRole::InApplication,
                    plan::Role::FlinkSink => StreamRole::Sink,
                    plan::Role::Results => StreamRole::Results,
                },
                columns: &s.columns,
                rows_total: self.runtime.emitted_totals[i],
                recent: self.runtime.recent[i].iter().collect(),
            })
            .collect();
        views.push(StreamView {
            name: "error_stream",
            role: StreamRole::InApplication,
            columns: &self.error_columns,
            rows_total: self.runtime.errors,
            recent: self.runtime.recent_errors.iter().collect(),
        });
        views
    }

    /// Column names of the stream `name` (for printing rows), if it exists.
    pub fn columns_of(&self, name: &str) -> Option<Vec<&str>> {
        if name == "error_stream" {
            return Some(alloc::vec!["ERROR_MESSAGE"]);
        }
        let stream = self.runtime.plan.streams.iter().find(|s| s.name == name)?;
        Some(stream.columns.iter().map(|(c, _)| c.as_str()).collect())
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        Stats {
            records_in: self.runtime.rows_in,
            errors: self.runtime.errors,
            late_records_dropped: self
                .runtime
                .plan
                .queries
                .iter()
                .zip(&self.runtime.late_dropped)
                .map(|(q, n)| (q.name.clone(), *n))
                .collect(),
            pending_dropped: self.runtime.pending_dropped,
            sliding_bytes_held: self.runtime.sliding_bytes_held(),
        }
    }

    /// A row as JSON text, as a destination receives it (see [`Self::row_json`]).
    pub fn row_text(&self, row: &EmittedRow) -> String {
        alloc::string::ToString::to_string(&self.row_json(row))
    }

    /// A row as a JSON object: column names to values (timestamps as text).
    pub fn row_json(&self, row: &EmittedRow) -> serde_json::Value {
        let mut object = serde_json::Map::new();
        let names = self.columns_of(&row.stream).unwrap_or_default();
        for (i, value) in row.values.iter().enumerate() {
            let name = names.get(i).map_or_else(|| alloc::format!("COL{}", i + 1), |n| String::from(*n));
            object.insert(name, value.to_json());
        }
        serde_json::Value::Object(object)
    }
}
