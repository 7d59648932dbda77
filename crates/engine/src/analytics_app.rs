//! Analytics applications: streaming SQL (Kinesis Data Analytics SQL, historical, or Flink SQL) reading the
//! scenario's stream as a GetRecords consumer, so the stream's read limits and put-to-get delay apply.
//!
//! The SQL itself runs in `shardlab-analytics`. A KDA application discovers its input schema from the first
//! records it reads, as the console's "Discover schema" does; its SQL is checked then.

use crate::consumer_app::{ConsumerApp, ConsumerAppConfig, ReadStyle, StartAt};
use crate::firehose::Firehose;
use crate::kinesis::{Kinesis, PutRecordInput};
use crate::rng::Rng;
use crate::shard::Payload;
use crate::shard::ShardId;
use crate::time::SimTime;
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use shardlab_analytics::{Application, Dialect, EmittedRow, StreamRole, discover_schema_from_bytes};

/// Emitted rows an application keeps for reports, oldest dropped first.
pub const ROWS_KEPT_MAX: usize = 10_000;

/// Which SQL an application is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum SqlDialect {
    /// Kinesis Data Analytics for SQL (historical: retired January 2026).
    #[default]
    Kda,
    /// Flink SQL (Managed Service for Apache Flink).
    Flink,
}

/// An analytics application of a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct AnalyticsAppConfig {
    /// Its name (also its reader's).
    pub name: String,
    /// The data stream it reads (by default [`crate::DEFAULT_STREAM_NAME`]).
    pub stream_name: String,
    /// Its SQL dialect.
    pub dialect: SqlDialect,
    /// Its SQL text.
    pub sql: String,
    /// Time between GetRecords calls on a shard (the SQL service polled about once a second).
    pub interval_ms: u32,
    /// Where it starts reading.
    pub start: StartAt,
    /// Where one of its streams' rows go, if anywhere but the report.
    pub destination: Option<AnalyticsDestination>,
}

/// An output of an analytics application: a Kinesis data stream or a Firehose delivery stream receiving one
/// stream's rows as JSON records.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct AnalyticsDestination {
    /// The in-application stream (KDA) or table or query (Flink) whose rows are sent; empty: the
    /// application's output, its last stream, table or query that is not an input ([`Self::output_of`]).
    pub from: String,
    /// The stream they are written to. A data stream is created with one shard if it does not exist; a
    /// delivery stream must be one of the scenario's (Direct PUT).
    pub stream_name: String,
    /// Which service `stream_name` belongs to.
    #[cfg_attr(feature = "serde", serde(default))]
    pub kind: DestinationKind,
}

impl AnalyticsDestination {
    /// The stream whose rows an output with an empty `from` sends: the last one declared that is not an
    /// input and not `error_stream` (KDA's `DESTINATION_SQL_STREAM` in the usual one-pump application).
    pub fn output_of(app: &Application) -> Option<String> {
        let views = app.streams();
        let output = views.iter().rev().find(|v| v.role != StreamRole::Input && v.name != "error_stream");
        output.map(|v| String::from(v.name))
    }
}

/// The service of an analytics destination.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum DestinationKind {
    /// A Kinesis data stream (PutRecord).
    #[default]
    DataStream,
    /// A Firehose delivery stream (Firehose PutRecord).
    Firehose,
}

/// Rows waiting for their destination; beyond this the oldest are dropped (AWS retries for ever).
pub const OUTBOX_ROWS_MAX: usize = 100_000;

impl Default for AnalyticsAppConfig {
    fn default() -> Self {
        Self {
            name: "analytics".into(),
            stream_name: crate::DEFAULT_STREAM_NAME.into(),
            dialect: SqlDialect::Kda,
            sql: String::new(),
            interval_ms: 1_000,
            start: StartAt::TrimHorizon,
            destination: None,
        }
    }
}

impl AnalyticsAppConfig {
    fn reader(&self) -> ConsumerAppConfig {
        ConsumerAppConfig {
            name: self.name.clone(),
            stream_name: self.stream_name.clone(),
            style: ReadStyle::Polling { interval_ms: self.interval_ms, limit: 10_000 },
            start: self.start,
            begins_at_ms: 0,
            processing_us_per_record: 0,
            output: None,
            deduplicate_by: crate::dedup::Deduplicate::Off,
        }
    }

    /// Every problem with this configuration. KDA SQL is only parsed here: its columns are known once the
    /// schema is discovered from the stream.
    pub(crate) fn problems(&self, source_stream: &str, out: &mut Vec<String>) {
        self.reader().problems(out);
        let errors = match self.dialect {
            // `SimConfig::validate` refuses every application without the `pipelines` feature.
            _ if !crate::PIPELINES => Vec::new(),
            SqlDialect::Kda => shardlab_analytics::parse(&self.sql, Dialect::Kda).err().into_iter().collect(),
            SqlDialect::Flink => shardlab_analytics::check(&self.sql, Dialect::Flink, None),
        };
        for e in errors {
            out.push(format!("Analytics application '{}': {e}", self.name));
        }
        if let Some(d) = &self.destination
            && d.stream_name == source_stream
            && d.kind == DestinationKind::DataStream
        {
            out.push(format!(
                "Analytics application '{}' cannot write to '{source_stream}', the stream it reads.",
                self.name
            ));
        }
    }
}

/// A running analytics application.
#[derive(Clone, Debug)]
pub struct AnalyticsApp {
    /// Its configuration.
    pub config: AnalyticsAppConfig,
    /// Its reader: a polling consumer of the scenario's stream.
    pub reader: ConsumerApp,
    app: Option<Application>,
    epoch_unix_ms: i64,
    /// The rows it emitted, oldest first (at most [`ROWS_KEPT_MAX`]).
    pub rows: VecDeque<EmittedRow>,
    /// Rows emitted in all.
    pub rows_total: u64,
    /// SQL errors found once the schema was discovered; the application then stops.
    pub problems: Vec<String>,
    /// Rows waiting to be written to the destination, as JSON text.
    outbox: VecDeque<Vec<u8>>,
    /// Rows written to the destination.
    pub delivered: u64,
    /// PutRecord calls to the destination that were throttled (the row is tried again a second later).
    pub delivery_throttled: u64,
    /// Rows dropped because more than [`OUTBOX_ROWS_MAX`] were waiting.
    pub delivery_dropped: u64,
}

impl AnalyticsApp {
    pub(crate) fn new(config: AnalyticsAppConfig, rng: Rng, epoch_unix_ms: u64) -> Self {
        let mut reader = ConsumerApp::new(config.reader(), rng);
        reader.tap = Some(Vec::new());
        let epoch_unix_ms = i64::try_from(epoch_unix_ms).unwrap_or(i64::MAX);
        let app = match config.dialect {
            _ if !crate::PIPELINES => None,
            SqlDialect::Kda => None,
            SqlDialect::Flink => Application::new(&config.sql, Dialect::Flink, None, epoch_unix_ms).ok(),
        };
        Self {
            config,
            reader,
            app,
            epoch_unix_ms,
            rows: VecDeque::new(),
            rows_total: 0,
            problems: Vec::new(),
            outbox: VecDeque::new(),
            delivered: 0,
            delivery_throttled: 0,
            delivery_dropped: 0,
        }
    }

    /// Rows waiting for the destination (refused so far; tried again each second).
    pub fn waiting_rows(&self) -> u64 {
        self.outbox.len() as u64
    }

    /// The SQL application, once it runs (a KDA one after its schema is discovered).
    pub fn application(&self) -> Option<&Application> {
        self.app.as_ref()
    }

    pub(crate) fn sync(
        &mut self,
        kinesis: &mut Kinesis,
        now: SimTime,
        stream_name: &str,
    ) -> Vec<(ShardId, u64, SimTime)> {
        self.reader.sync(kinesis, now, stream_name)
    }

    /// A reader's turn, then the records it read go through the SQL.
    pub(crate) fn on_due(
        &mut self,
        kinesis: &mut Kinesis,
        now: SimTime,
        stream_name: &str,
        shard: ShardId,
        generation: u64,
    ) -> Option<SimTime> {
        let next = self.reader.on_due(kinesis, now, stream_name, shard, generation);
        self.feed(now);
        next
    }

    /// Moves the application's time to `now`, so windows close on time without new records.
    pub(crate) fn tick(&mut self, now: SimTime) {
        if !crate::PIPELINES {
            return;
        }
        if let Some(app) = &mut self.app {
            app.advance_to(now.as_millis());
        }
        self.collect();
    }

    fn feed(&mut self, now: SimTime) {
        if !crate::PIPELINES {
            return;
        }
        let read = match &mut self.reader.tap {
            Some(tap) if !tap.is_empty() => core::mem::take(tap),
            _ => return,
        };
        if self.app.is_none() && self.problems.is_empty() && self.config.dialect == SqlDialect::Kda {
            match discover_schema_from_bytes(read.iter().map(|(_, data)| data.as_slice())) {
                Ok(schema) => {
                    match Application::new(&self.config.sql, Dialect::Kda, Some(schema), self.epoch_unix_ms) {
                        Ok(app) => self.app = Some(app),
                        Err(errors) => self.problems = errors.iter().map(|e| format!("{e}")).collect(),
                    }
                }
                Err(why) => self.problems.push(why),
            }
        }
        let Some(app) = &mut self.app else { return };
        let at_ms = now.as_millis();
        for (arrival, data) in &read {
            app.push_bytes(at_ms, arrival.as_millis(), data);
        }
        self.collect();
    }

    /// Writes waiting rows to the destination stream, in order, until one is refused.
    pub(crate) fn deliver(&mut self, kinesis: &mut Kinesis, firehose: &mut Firehose, now: SimTime) {
        if !crate::PIPELINES {
            return;
        }
        let Some(destination) = &self.config.destination else { return };
        while let Some(data) = self.outbox.front() {
            if destination.kind == DestinationKind::Firehose {
                match firehose.put_record(now, &destination.stream_name, data.clone()) {
                    Ok(_) => {
                        self.outbox.pop_front();
                        self.delivered += 1;
                        continue;
                    }
                    Err(_) => {
                        self.delivery_throttled += 1;
                        return;
                    }
                }
            }
            // Sequential keys spread rows evenly over the destination's shards (AWS's key is unconfirmed).
            let input = PutRecordInput {
                partition_key: format!("{}-{}", self.config.name, self.delivered),
                data: Payload::Bytes(data.as_slice().into()),
                explicit_hash_key: None,
            };
            match kinesis.put_record(now, &destination.stream_name, input, None) {
                Ok(_) => {
                    self.outbox.pop_front();
                    self.delivered += 1;
                }
                Err(_) => {
                    self.delivery_throttled += 1;
                    return;
                }
            }
        }
    }

    fn collect(&mut self) {
        let Some(app) = &mut self.app else { return };
        let sent = self.config.destination.as_ref().and_then(|d| match d.from.as_str() {
            "" => AnalyticsDestination::output_of(app),
            from => Some(from.into()),
        });
        while let Some(row) = app.poll_row() {
            if sent.as_ref().is_some_and(|from| row.stream == *from) {
                if self.outbox.len() == OUTBOX_ROWS_MAX {
                    self.outbox.pop_front();
                    self.delivery_dropped += 1;
                }
                self.outbox.push_back(app.row_text(&row).into_bytes());
            }
            if self.rows.len() == ROWS_KEPT_MAX {
                self.rows.pop_front();
            }
            self.rows.push_back(row);
            self.rows_total += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consumer_app::ConsumerAppConfig;
    use crate::producer::ProducerConfig;
    use crate::template::PayloadTemplate;
    use crate::{DEFAULT_STREAM_NAME, SimConfig, Simulation, StreamConfig};
    use alloc::vec;
    use shardlab_analytics::Value;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const COUNT_PER_10S: &str = r#"
        CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (event_type VARCHAR(16), events INTEGER);
        CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
        SELECT STREAM event_type, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
        GROUP BY event_type, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);"#;

    fn clickstream(records_per_sec: u32) -> ProducerConfig {
        ProducerConfig {
            payload: PayloadTemplate::Clickstream,
            ..ProducerConfig::steady("web", records_per_sec, 200, 50)
        }
    }

    fn run(analytics: Vec<AnalyticsAppConfig>, consumers: Vec<ConsumerAppConfig>, secs: u64) -> Simulation {
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: vec![clickstream(20)],
            consumers,
            analytics,
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid config");
        sim.advance_to(SimTime::from_secs(secs));
        sim
    }

    fn kda(name: &str, sql: &str) -> AnalyticsAppConfig {
        AnalyticsAppConfig { name: name.into(), sql: sql.into(), ..AnalyticsAppConfig::default() }
    }

    #[test]
    fn a_kda_app_counts_every_record_it_read_once() {
        let sim = run(vec![kda("counts", COUNT_PER_10S)], vec![], 60);
        let app = &sim.analytics()[0];
        assert!(app.problems.is_empty(), "{:?}", app.problems);
        let counted: i64 = app.rows.iter().map(|r| if let Value::Int(n) = r.values[1] { n } else { 0 }).sum();
        let open: u64 = app.application().expect("running").open_windows().iter().map(|w| w.rows).sum();
        // Every record read is in exactly one window: fired or still open.
        assert_eq!(counted as u64 + open, app.reader.totals.records);
        assert!(app.reader.totals.records > 1_000, "20 records/s for a minute, read as they become visible");
        // Windows close on time: at 60 s the windows ending at 10 s .. 60 s have fired, stamped with their ends.
        let ends: Vec<i64> = app.rows.iter().map(|r| r.rowtime_ms).collect();
        let epoch = sim.config().epoch_unix_ms as i64;
        assert_eq!(ends.first(), Some(&(epoch + 10_000)));
        assert_eq!(ends.last(), Some(&(epoch + 60_000)));
    }

    #[test]
    fn rows_are_read_no_sooner_than_the_put_to_get_delay() {
        let sql = r#"
            CREATE OR REPLACE STREAM "OUT" (arrived TIMESTAMP, read_at TIMESTAMP);
            CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
            SELECT STREAM APPROXIMATE_ARRIVAL_TIME, ROWTIME FROM "SOURCE_SQL_STREAM_001";"#;
        let sim = run(vec![kda("delays", sql)], vec![], 20);
        let app = &sim.analytics()[0];
        assert!(!app.rows.is_empty());
        let visibility = sim.config().streams[0].get_records_visibility_ms as i64;
        for row in &app.rows {
            let (Value::Timestamp(arrived), Value::Timestamp(read)) = (&row.values[0], &row.values[1]) else {
                panic!("timestamps expected: {row:?}");
            };
            assert!(read - arrived >= visibility, "read {read} arrived {arrived}");
        }
    }

    #[test]
    fn the_app_shares_the_shards_read_limit_with_other_consumers() {
        // Two readers polling one shard every 100 ms ask for 20 calls/s; a shard serves 5 (`docs/aws-behaviour.md`
        // §1.1).
        let fast = AnalyticsAppConfig { interval_ms: 100, ..kda("fast", COUNT_PER_10S) };
        let other = ConsumerAppConfig {
            style: ReadStyle::Polling { interval_ms: 100, limit: 10_000 },
            ..ConsumerAppConfig::polling("other")
        };
        let sim = run(vec![fast], vec![other], 10);
        let throttled = sim.analytics()[0].reader.totals.throttled_calls + sim.consumers()[0].totals.throttled_calls;
        assert!(throttled > 0);
    }

    #[test]
    fn a_kda_sql_error_is_found_once_the_schema_is_known() {
        let sql = r#"
            CREATE OR REPLACE STREAM "OUT" (x INTEGER);
            CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM nope FROM "SOURCE_SQL_STREAM_001";"#;
        let sim = run(vec![kda("broken", sql)], vec![], 5);
        let app = &sim.analytics()[0];
        assert!(app.application().is_none());
        assert_eq!(app.problems.len(), 1);
        assert!(app.problems[0].contains("unknown column `nope`"), "{:?}", app.problems);
    }

    #[test]
    fn a_flink_app_counts_per_processing_time_window() {
        let sql = "
            CREATE TABLE clicks (user_id STRING, event_type STRING, p AS PROCTIME()) WITH ('connector' = 'kinesis');
            SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(p), INTERVAL '5' SECOND))
            GROUP BY window_start, window_end;";
        let flink = AnalyticsAppConfig { dialect: SqlDialect::Flink, ..kda("flink", sql) };
        let sim = run(vec![flink], vec![], 30);
        let app = &sim.analytics()[0];
        assert!(app.problems.is_empty());
        assert_eq!(app.rows.len(), 6, "windows ending at 5 s .. 30 s have fired");
        let counted: i64 = app.rows.iter().map(|r| if let Value::Int(n) = r.values[1] { n } else { 0 }).sum();
        let open: u64 = app.application().expect("running").open_windows().iter().map(|w| w.rows).sum();
        assert_eq!(counted as u64 + open, app.reader.totals.records);
    }

    #[test]
    fn bad_sql_is_a_config_problem() {
        let flink = AnalyticsAppConfig { dialect: SqlDialect::Flink, ..kda("f", "SELECT FROM") };
        let config = SimConfig { analytics: vec![kda("k", "CREATE OR REPLACE PUMP"), flink], ..SimConfig::default() };
        let problems = Simulation::new(config).expect_err("bad SQL").problems;
        assert_eq!(problems.len(), 2);
        assert!(problems[0].starts_with("Analytics application 'k': line 1, column 23: expected the pump's name"));
        assert!(
            problems[1]
                .starts_with("Analytics application 'f': line 1, column 8: expected an expression, found `FROM`")
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_rows() {
        let a = run(vec![kda("counts", COUNT_PER_10S)], vec![], 30);
        let b = run(vec![kda("counts", COUNT_PER_10S)], vec![], 30);
        assert_eq!(a.analytics()[0].rows, b.analytics()[0].rows);
    }
}

#[cfg(test)]
mod destination_tests {
    use super::*;
    use crate::kinesis::IteratorStart;
    use crate::producer::ProducerConfig;
    use crate::template::PayloadTemplate;
    use crate::{DEFAULT_STREAM_NAME, SimConfig, Simulation, StreamConfig};
    use alloc::vec;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn rows_go_to_a_destination_stream_as_json_records() {
        let sql = r#"
            CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (event_type VARCHAR(16), events INTEGER);
            CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
            SELECT STREAM event_type, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
            GROUP BY event_type, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);"#;
        let app = AnalyticsAppConfig {
            name: "counts".into(),
            sql: sql.into(),
            destination: Some(AnalyticsDestination {
                from: "DESTINATION_SQL_STREAM".into(),
                stream_name: "results".into(),
                kind: DestinationKind::DataStream,
            }),
            ..AnalyticsAppConfig::default()
        };
        let producer =
            ProducerConfig { payload: PayloadTemplate::Clickstream, ..ProducerConfig::steady("web", 20, 200, 50) };
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: vec![producer],
            analytics: vec![app],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid config");
        sim.advance_to(SimTime::from_secs(31));
        let app = &sim.analytics()[0];
        assert!(app.rows_total > 0);
        assert_eq!(app.delivered, app.rows_total, "a few rows a window fit one shard's write limit");
        let now = sim.now();
        let kinesis = sim.kinesis_mut();
        let iterator = kinesis
            .get_shard_iterator(now, "results", "shardId-000000000000", IteratorStart::TrimHorizon)
            .expect("the destination exists");
        let records = kinesis.get_records(now, &iterator, None).expect("readable").records;
        assert_eq!(records.len() as u64, app_rows(&sim));
        let first = String::from_utf8(records[0].data_bytes()).expect("UTF-8");
        assert!(first.starts_with("{\"event_type\":\"") && first.contains("\"events\":"), "{first}");
    }

    fn app_rows(sim: &Simulation) -> u64 {
        sim.analytics()[0].rows_total
    }

    #[test]
    fn writing_back_to_the_source_stream_is_refused() {
        let app = AnalyticsAppConfig {
            sql: "CREATE OR REPLACE STREAM \"S\" (x INTEGER);".into(),
            destination: Some(AnalyticsDestination {
                from: "S".into(),
                stream_name: "clickstream".into(),
                kind: DestinationKind::DataStream,
            }),
            ..AnalyticsAppConfig::default()
        };
        let problems =
            Simulation::new(SimConfig { analytics: vec![app], ..SimConfig::default() }).expect_err("a loop").problems;
        assert_eq!(problems, ["Analytics application 'analytics' cannot write to 'clickstream', the stream it reads."]);
    }

    #[test]
    fn rows_go_to_a_firehose_delivery_stream() {
        let sql = r#"
            CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (event_type VARCHAR(16), amount DOUBLE);
            CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
            SELECT STREAM event_type, amount FROM "SOURCE_SQL_STREAM_001" WHERE event_type = 'purchase';"#;
        let app = AnalyticsAppConfig {
            name: "purchases".into(),
            sql: sql.into(),
            destination: Some(AnalyticsDestination {
                from: "DESTINATION_SQL_STREAM".into(),
                stream_name: "to-s3".into(),
                kind: DestinationKind::Firehose,
            }),
            ..AnalyticsAppConfig::default()
        };
        let producer =
            ProducerConfig { payload: PayloadTemplate::Clickstream, ..ProducerConfig::steady("web", 20, 200, 50) };
        let delivery = crate::firehose::DeliveryStreamConfig::direct_put_to_s3("to-s3");
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: vec![producer],
            analytics: vec![app.clone()],
            delivery_streams: vec![delivery],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid config");
        sim.advance_to(SimTime::from_secs(30));
        let app_state = &sim.analytics()[0];
        assert!(app_state.rows_total > 0);
        // Every row emitted before the last second's delivery went to Firehose, one record each.
        let received = sim.firehose().delivery_stream("to-s3").expect("defined").totals.incoming_records;
        assert_eq!(received, app_state.delivered);
        assert!(app_state.delivered > 0 && app_state.delivered <= app_state.rows_total);
        // A destination the scenario does not define is a configuration problem.
        let missing = SimConfig { analytics: vec![app], ..SimConfig::default() };
        let problems = Simulation::new(missing).expect_err("no delivery stream").problems;
        assert_eq!(
            problems,
            [
                "Analytics application 'purchases' writes to delivery stream 'to-s3', which the scenario does not define."
            ]
        );
    }
}
