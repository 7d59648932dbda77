//! The documented worked examples (`docs/aws-behaviour.md` §6.3 and §6.4) and hand-worked Flink windows.

use serde_json::{Value as Json, json};
use shardlab_analytics::{Application, Dialect, EmittedRow, Value, discover_schema, format_timestamp, parse_timestamp};

fn ts(text: &str) -> i64 {
    parse_timestamp(text).expect("a valid timestamp")
}

fn drain(app: &mut Application) -> Vec<EmittedRow> {
    let mut rows = Vec::new();
    while let Some(row) = app.poll_row() {
        rows.push(row);
    }
    rows
}

fn text(value: &Value) -> String {
    match value {
        Value::Timestamp(ms) => format_timestamp(*ms),
        other => other.to_string(),
    }
}

/// A KDA application over records whose schema is discovered from the records themselves.
fn kda(sql: &str, epoch_unix_ms: i64, records: &[(u64, Json)]) -> Application {
    let samples: Vec<Json> = records.iter().map(|(_, r)| r.clone()).collect();
    let schema = discover_schema(&samples).expect("schema");
    let mut app = match Application::new(sql, Dialect::Kda, Some(schema), epoch_unix_ms) {
        Ok(app) => app,
        Err(errors) => panic!("{errors:?}"),
    };
    for (at_ms, record) in records {
        app.push(*at_ms, record);
    }
    app
}

fn flink(sql: &str, records: &[(u64, Json)]) -> Application {
    let mut app = match Application::new(sql, Dialect::Flink, None, 0) {
        Ok(app) => app,
        Err(errors) => panic!("{errors:?}"),
    };
    for (at_ms, record) in records {
        app.push(*at_ms, record);
    }
    app
}

#[test]
fn step_and_floor_give_the_reference_values() {
    // `docs/aws-behaviour.md` §6.4: STEP(TIMESTAMP '2004-09-30 13:48:23' BY INTERVAL '10' SECOND) = 13:48:20;
    // FLOOR(... TO HOUR | MINUTE | DAY | YEAR); STEP(23 BY 5) = 20, STEP(30 BY 10) = 30, FLOOR(-3.3) = -4.
    let sql = r#"
        CREATE OR REPLACE STREAM "OUT" (s TIMESTAMP, h TIMESTAMP, m TIMESTAMP, d TIMESTAMP, y TIMESTAMP,
            i1 INTEGER, i2 INTEGER, f DOUBLE);
        CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
        SELECT STREAM STEP(TIMESTAMP '2004-09-30 13:48:23' BY INTERVAL '10' SECOND),
            FLOOR(TIMESTAMP '2004-09-30 13:48:23' TO HOUR), FLOOR(TIMESTAMP '2004-09-30 13:48:23' TO MINUTE),
            FLOOR(TIMESTAMP '2004-09-30 13:48:23' TO DAY), FLOOR(TIMESTAMP '2004-09-30 13:48:23' TO YEAR),
            STEP(23 BY 5), STEP(30 BY 10), FLOOR(-3.3)
        FROM "SOURCE_SQL_STREAM_001";"#;
    let mut app = kda(sql, 0, &[(0, json!({"x": 1}))]);
    let rows = drain(&mut app);
    assert_eq!(rows.len(), 1);
    let got: Vec<String> = rows[0].values.iter().map(text).collect();
    assert_eq!(
        got,
        [
            "2004-09-30 13:48:20.000",
            "2004-09-30 13:00:00.000",
            "2004-09-30 13:48:00.000",
            "2004-09-30 00:00:00.000",
            "2004-01-01 00:00:00.000",
            "20",
            "30",
            "-4",
        ]
    );
}

/// `docs/aws-behaviour.md` §6.3: four AMZN rows, (ROWTIME, EVENT_TIME) = (11:00:20, 11:00:10), (11:00:30, 11:00:20),
/// (11:01:05, 11:00:55), (11:01:15, 11:01:05). Simulated time 0 is 11:00:00.
fn amzn_records() -> Vec<(u64, Json)> {
    [(20_000, "11:00:10"), (30_000, "11:00:20"), (65_000, "11:00:55"), (75_000, "11:01:05")]
        .into_iter()
        .map(|(at, event)| (at, json!({"TICKER_SYMBOL": "AMZN", "EVENT_TIME": format!("2026-01-01 {event}")})))
        .collect()
}

fn minute_rows(rows: &[EmittedRow]) -> Vec<(String, String, String, i64)> {
    rows.iter()
        .map(|r| {
            let count = match r.values[2] {
                Value::Int(n) => n,
                _ => -1,
            };
            (
                format_timestamp(r.rowtime_ms)[11..19].to_string(),
                text(&r.values[0])[11..16].to_string(),
                text(&r.values[1]),
                count,
            )
        })
        .collect()
}

#[test]
fn a_tumbling_window_gives_three_rows_for_the_amzn_example() {
    let sql = r#"
        CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (EVENT_TIME TIMESTAMP, TICKER_SYMBOL VARCHAR(4), TICKER_COUNT INTEGER);
        CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
        SELECT STREAM FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL, COUNT(*)
        FROM "SOURCE_SQL_STREAM_001"
        GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE), FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL;"#;
    let mut app = kda(sql, ts("2026-01-01 11:00:00"), &amzn_records());
    app.advance_to(120_000);
    let rows = drain(&mut app);
    // `docs/aws-behaviour.md` §6.3: (11:01:00, 11:00, 2), (11:02:00, 11:00, 1), (11:02:00, 11:01, 1).
    assert_eq!(
        minute_rows(&rows),
        [
            ("11:01:00".into(), "11:00".into(), "AMZN".into(), 2),
            ("11:02:00".into(), "11:00".into(), "AMZN".into(), 1),
            ("11:02:00".into(), "11:01".into(), "AMZN".into(), 1),
        ]
    );
}

#[test]
fn a_stagger_window_gives_two_rows_for_the_amzn_example() {
    let sql = r#"
        CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (EVENT_TIME TIMESTAMP, TICKER_SYMBOL VARCHAR(4), TICKER_COUNT INTEGER);
        CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
        SELECT STREAM FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL, COUNT(*)
        FROM "SOURCE_SQL_STREAM_001"
        WINDOWED BY STAGGER (PARTITION BY FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL RANGE INTERVAL '1' MINUTE);"#;
    let mut app = kda(sql, ts("2026-01-01 11:00:00"), &amzn_records());
    // While the first window is open it shows three rows so far.
    let open = app.open_windows();
    assert_eq!(open.len(), 2);
    assert_eq!(
        (open[0].start_ms, open[0].end_ms, open[0].rows),
        (ts("2026-01-01 11:00:20"), ts("2026-01-01 11:01:20"), 3)
    );
    app.finish();
    let rows = drain(&mut app);
    // `docs/aws-behaviour.md` §6.3: (11:01:20, 11:00, AMZN, 3) and (11:02:15, 11:01, AMZN, 1).
    assert_eq!(
        minute_rows(&rows),
        [("11:01:20".into(), "11:00".into(), "AMZN".into(), 3), ("11:02:15".into(), "11:01".into(), "AMZN".into(), 1)]
    );
    assert!(app.open_windows().is_empty());
}

#[test]
fn a_sliding_window_counts_rows_in_the_last_five_seconds() {
    // `docs/aws-behaviour.md` §6.3: a 5-second window, rows at t1, t2, t6, t7 and three at t8 (t_k = k seconds):
    // 1, 2, nothing at t3..t5, 2, 2, and 5 at t8. Rows at the same instant are emitted one by one, so
    // the three at t8 read 3, 4 and 5.
    let sql = r#"
        CREATE OR REPLACE STREAM "OUT" (k VARCHAR(1), n INTEGER);
        CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
        SELECT STREAM k, COUNT(*) OVER W1 FROM "SOURCE_SQL_STREAM_001"
        WINDOW W1 AS (PARTITION BY k RANGE INTERVAL '5' SECOND PRECEDING);"#;
    let records: Vec<(u64, Json)> = [1, 2, 6, 7, 8, 8, 8].into_iter().map(|s| (s * 1000, json!({"k": "a"}))).collect();
    let mut app = kda(sql, 0, &records);
    let counts: Vec<Value> = drain(&mut app).into_iter().map(|r| r.values[1].clone()).collect();
    assert_eq!(counts, [1, 2, 2, 2, 3, 4, 5].map(Value::Int));
}

#[test]
fn rows_preceding_holds_the_current_row_and_n_before() {
    let sql = r#"
        CREATE OR REPLACE STREAM "OUT" (total INTEGER);
        CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
        SELECT STREAM SUM(v) OVER (ROWS 2 PRECEDING) FROM "SOURCE_SQL_STREAM_001";"#;
    let records: Vec<(u64, Json)> =
        [1, 10, 100, 1000].into_iter().enumerate().map(|(i, v)| (i as u64, json!({"v": v}))).collect();
    let mut app = kda(sql, 0, &records);
    let sums: Vec<Value> = drain(&mut app).into_iter().map(|r| r.values[0].clone()).collect();
    // 1; 1+10; 1+10+100; 10+100+1000.
    assert_eq!(sums, [1, 11, 111, 1110].map(Value::Int));
}

#[test]
fn top_k_items_ranks_each_tumbling_window() {
    let sql = r#"
        CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" ("TICKER_SYMBOL" VARCHAR(4), "MOST_FREQUENT_VALUES" BIGINT);
        CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
        SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(
            CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER_SYMBOL', 2, 60));"#;
    let tickers = ["A", "B", "A", "C", "B", "C", "A"];
    let mut records: Vec<(u64, Json)> =
        tickers.iter().enumerate().map(|(i, t)| (i as u64 * 1000, json!({"TICKER_SYMBOL": t}))).collect();
    records.push((70_000, json!({"TICKER_SYMBOL": "C"})));
    let mut app = kda(sql, 0, &records);
    app.finish();
    let rows: Vec<(i64, String, Value)> =
        drain(&mut app).into_iter().map(|r| (r.rowtime_ms, text(&r.values[0]), r.values[1].clone())).collect();
    // Window [0, 60 s): A 3, B 2, C 2 -> the top two, the B/C tie going to B; window [60 s, 120 s): C 1.
    assert_eq!(
        rows,
        [
            (60_000, "A".into(), Value::Int(3)),
            (60_000, "B".into(), Value::Int(2)),
            (120_000, "C".into(), Value::Int(1))
        ]
    );
}

#[test]
fn pumps_chain_through_an_in_application_stream() {
    let sql = r#"
        CREATE OR REPLACE STREAM "BIG_MOVES" (ticker VARCHAR(4), change DOUBLE);
        CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), moves INTEGER);
        CREATE OR REPLACE PUMP "COUNT_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
            SELECT STREAM ticker, COUNT(*) FROM "BIG_MOVES"
            GROUP BY ticker, STEP("BIG_MOVES".ROWTIME BY INTERVAL '30' SECOND);
        CREATE OR REPLACE PUMP "FILTER_PUMP" AS INSERT INTO "BIG_MOVES"
            SELECT STREAM ticker, change FROM "SOURCE_SQL_STREAM_001" WHERE change > 1 OR change < -1;"#;
    let records = [
        (1_000, json!({"ticker": "A", "change": 2.0})),
        (2_000, json!({"ticker": "A", "change": 0.5})),
        (3_000, json!({"ticker": "B", "change": -3.0})),
        (31_000, json!({"ticker": "A", "change": 1.5})),
    ];
    let mut app = kda(sql, 0, &records);
    app.finish();
    let rows = drain(&mut app);
    let streams: Vec<(&str, i64)> = rows.iter().map(|r| (r.stream.as_str(), r.rowtime_ms)).collect();
    // ROWTIME is copied through the first pump; the second stamps its windows' ends.
    assert_eq!(
        streams,
        [
            ("BIG_MOVES", 1_000),
            ("BIG_MOVES", 3_000),
            ("DESTINATION_SQL_STREAM", 30_000),
            ("DESTINATION_SQL_STREAM", 30_000),
            ("BIG_MOVES", 31_000),
            ("DESTINATION_SQL_STREAM", 60_000),
        ]
    );
    let counts: Vec<(String, Value)> = rows
        .iter()
        .filter(|r| r.stream == "DESTINATION_SQL_STREAM")
        .map(|r| (text(&r.values[0]), r.values[1].clone()))
        .collect();
    assert_eq!(counts, [("A".into(), Value::Int(1)), ("B".into(), Value::Int(1)), ("A".into(), Value::Int(1))]);
}

#[test]
fn csv_records_map_by_position() {
    let sql = r#"
        CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(4), doubled INTEGER);
        CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
        SELECT STREAM COL1, COL2 * 2 FROM "SOURCE_SQL_STREAM_001" WHERE COL2 > 1;"#;
    let mut app = kda(sql, 0, &[(0, json!("AMZN,1")), (1, json!("AAPL,21"))]);
    let rows = drain(&mut app);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].values, [Value::Str("AAPL".into()), Value::Int(42)]);
}

#[test]
fn a_division_by_zero_goes_to_the_error_stream() {
    let sql = r#"
        CREATE OR REPLACE STREAM "OUT" (q INTEGER);
        CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM 10 / v FROM "SOURCE_SQL_STREAM_001";"#;
    let mut app = kda(sql, 0, &[(0, json!({"v": 0})), (1, json!({"v": 5}))]);
    let rows = drain(&mut app);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].stream, "error_stream");
    assert_eq!(rows[0].values, [Value::Str("P: division by zero".into())]);
    assert_eq!(rows[1].values, [Value::Int(2)]);
    assert_eq!(app.stats().errors, 1);
}

fn window_rows(rows: &[EmittedRow]) -> Vec<(i64, i64, Vec<String>)> {
    rows.iter()
        .map(|r| {
            let (start, end) = r.window_ms.expect("a windowed row");
            (start, end, r.values.iter().map(text).collect())
        })
        .collect()
}

#[test]
fn flink_tumble_fires_on_the_watermark_and_drops_late_records() {
    let sql = "
        CREATE TABLE t (k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
            WITH ('connector' = 'kinesis');
        SELECT k, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))
        GROUP BY window_start, window_end, k;";
    // Event times in ms; the watermark is the largest event time minus 2 s.
    let records = [
        (1_000, json!({"k": "a", "ts": 1_000})),
        (2_000, json!({"k": "a", "ts": 9_000})),
        // Watermark 10 s: [0, 10 s) fires (its last millisecond, 9,999, is behind it).
        (3_000, json!({"k": "a", "ts": 12_000})),
        // Belongs to [0, 10 s), which has fired: dropped and counted.
        (4_000, json!({"k": "b", "ts": 5_000})),
        (5_000, json!({"k": "b", "ts": 11_000})),
    ];
    let mut app = flink(sql, &records);
    let first = drain(&mut app);
    assert_eq!(window_rows(&first), [(0, 10_000, vec!["a".to_string(), "2".to_string()])]);
    assert_eq!(first[0].rowtime_ms, 3_000, "it fired when the record at 3 s moved the watermark");
    app.finish();
    assert_eq!(
        window_rows(&drain(&mut app)),
        [
            (10_000, 20_000, vec!["a".to_string(), "1".to_string()]),
            (10_000, 20_000, vec!["b".to_string(), "1".to_string()])
        ]
    );
    assert_eq!(app.stats().late_records_dropped, [("query_1".to_string(), 1)]);
}

#[test]
fn flink_hop_on_processing_time_fires_as_time_passes() {
    let sql = "
        CREATE TABLE t (k STRING, p AS PROCTIME()) WITH ('connector' = 'kinesis');
        SELECT window_start, window_end, COUNT(*) AS n
        FROM TABLE(HOP(TABLE t, DESCRIPTOR(p), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
        GROUP BY window_start, window_end;";
    let records = [(101_000, json!({"k": "a"})), (106_000, json!({"k": "a"})), (112_000, json!({"k": "a"}))];
    let mut app = flink(sql, &records);
    app.finish();
    let got: Vec<(i64, i64, Value)> = drain(&mut app)
        .into_iter()
        .map(|r| {
            let (s, e) = r.window_ms.expect("windowed");
            (s, e, r.values[2].clone())
        })
        .collect();
    // Each arrival is in the two 10-s windows that start on a 5-s boundary at most 10 s before it.
    assert_eq!(
        got,
        [
            (95_000, 105_000, Value::Int(1)),
            (100_000, 110_000, Value::Int(2)),
            (105_000, 115_000, Value::Int(2)),
            (110_000, 120_000, Value::Int(1)),
        ]
    );
}

#[test]
fn flink_cumulate_grows_each_window_by_its_step() {
    let sql = "
        CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'kinesis');
        SELECT window_start, window_end, COUNT(*) AS n
        FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND))
        GROUP BY window_start, window_end;";
    let records: Vec<(u64, Json)> =
        [1_000u64, 3_000, 4_500, 7_000].into_iter().map(|t| (t, json!({"ts": t}))).collect();
    let mut app = flink(sql, &records);
    app.finish();
    let got: Vec<(i64, i64, Value)> = drain(&mut app)
        .into_iter()
        .map(|r| {
            let (s, e) = r.window_ms.expect("windowed");
            (s, e, r.values[2].clone())
        })
        .collect();
    assert_eq!(
        got,
        [
            (0, 2_000, Value::Int(1)),
            (0, 4_000, Value::Int(2)),
            (0, 6_000, Value::Int(3)),
            (6_000, 8_000, Value::Int(1)),
            (6_000, 10_000, Value::Int(1)),
            (6_000, 12_000, Value::Int(1)),
        ]
    );
}

#[test]
fn flink_sessions_merge_per_key_and_drop_late_records() {
    let sql = "
        CREATE TABLE t (k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'kinesis');
        CREATE TABLE out_stream (k STRING, s TIMESTAMP(3), e TIMESTAMP(3), n BIGINT) WITH ('connector' = 'kinesis');
        INSERT INTO out_stream
        SELECT k, window_start, window_end, COUNT(*)
        FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), INTERVAL '5' SECOND))
        GROUP BY window_start, window_end, k;";
    let records = [
        (1_000, json!({"k": "a", "ts": 1_000})),
        (3_000, json!({"k": "a", "ts": 3_000})),
        (4_000, json!({"k": "b", "ts": 4_000})),
        (10_000, json!({"k": "a", "ts": 10_000})),
        (11_000, json!({"k": "a", "ts": 2_000})),
    ];
    let mut app = flink(sql, &records);
    assert_eq!(app.open_windows().len(), 1, "only a's session from 10 s is still open");
    app.finish();
    let got: Vec<Vec<String>> = drain(&mut app)
        .into_iter()
        .map(|r| {
            assert_eq!(r.stream, "out_stream");
            r.values.iter().map(text).collect()
        })
        .collect();
    let row =
        |k: &str, s: i64, e: i64, n: i64| vec![k.to_string(), format_timestamp(s), format_timestamp(e), n.to_string()];
    // a: 1 s and 3 s merge into [1 s, 8 s); b: [4 s, 9 s); a at 10 s opens [10 s, 15 s); a at 2 s is late.
    assert_eq!(got, [row("a", 1_000, 8_000, 2), row("b", 4_000, 9_000, 1), row("a", 10_000, 15_000, 1)]);
    assert_eq!(app.stats().late_records_dropped, [("insert_1".to_string(), 1)]);
}

#[test]
fn every_sample_runs_on_the_ticker_records() {
    let epoch = ts("2026-01-01 00:00:00");
    let records = shardlab_analytics::samples::ticker_records(600, 500, epoch);
    let samples: Vec<Json> = records.iter().take(100).map(|(_, r)| r.clone()).collect();
    let schema = discover_schema(&samples).expect("schema");
    for sample in shardlab_analytics::samples::SAMPLES {
        let mut app = Application::new(sample.sql, sample.dialect, Some(schema.clone()), epoch)
            .unwrap_or_else(|e| panic!("{}: {e:?}", sample.id));
        for (at, record) in &records {
            app.push(*at, record);
        }
        app.finish();
        let rows = drain(&mut app);
        assert!(!rows.is_empty(), "{} emitted nothing", sample.id);
        assert_eq!(app.stats().errors, 0, "{}: {:?}", sample.id, rows.iter().find(|r| r.stream == "error_stream"));
    }
}

#[test]
fn approximate_arrival_time_is_the_records_arrival() {
    let sql = r#"
        CREATE OR REPLACE STREAM "OUT" (arrived TIMESTAMP, read_at TIMESTAMP);
        CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
        SELECT STREAM APPROXIMATE_ARRIVAL_TIME, ROWTIME FROM "SOURCE_SQL_STREAM_001";"#;
    let schema = discover_schema(&[json!({"x": 1})]).expect("schema");
    let mut app = Application::new(sql, Dialect::Kda, Some(schema), 0).expect("valid SQL");
    app.push_arrived(1_200, 1_000, &json!({"x": 1}));
    app.push(2_000, &json!({"x": 2}));
    let rows: Vec<Vec<Value>> = drain(&mut app).into_iter().map(|r| r.values).collect();
    assert_eq!(
        rows,
        [
            vec![Value::Timestamp(1_000), Value::Timestamp(1_200)],
            vec![Value::Timestamp(2_000), Value::Timestamp(2_000)],
        ]
    );
}

#[test]
fn every_aggregate_and_having_over_a_tumbling_window() {
    let sql = r#"
        CREATE OR REPLACE STREAM "OUT" (k VARCHAR(1), n INTEGER, total INTEGER, mean DOUBLE, low INTEGER, high INTEGER);
        CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
        SELECT STREAM k, COUNT(*), SUM(v), AVG(v), MIN(v), MAX(v) FROM "SOURCE_SQL_STREAM_001"
        GROUP BY k, FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE)
        HAVING COUNT(*) > 1;"#;
    let records = [
        (1_000, json!({"k": "a", "v": 4})),
        (2_000, json!({"k": "a", "v": 1})),
        (3_000, json!({"k": "b", "v": 9})),
        (4_000, json!({"k": "a", "v": 7})),
        (5_000, json!({"k": "b", "v": null})),
    ];
    let mut app = kda(sql, 0, &records);
    app.finish();
    let rows: Vec<Vec<Value>> = drain(&mut app).into_iter().map(|r| r.values).collect();
    // a: 4, 1, 7 -> count 3, sum 12, mean 4, min 1, max 7. b: 9 and a null -> COUNT(*) 2, the rest over 9 only.
    assert_eq!(
        rows,
        [
            vec![
                Value::Str("a".into()),
                Value::Int(3),
                Value::Int(12),
                Value::Float(4.0),
                Value::Int(1),
                Value::Int(7)
            ],
            vec![Value::Str("b".into()), Value::Int(2), Value::Int(9), Value::Float(9.0), Value::Int(9), Value::Int(9)],
        ]
    );
}

#[test]
fn rowtime_never_goes_back() {
    let sql = r#"
        CREATE OR REPLACE STREAM "OUT" (x INTEGER);
        CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM x FROM "SOURCE_SQL_STREAM_001";"#;
    let mut app = kda(sql, 0, &[(5_000, json!({"x": 1})), (3_000, json!({"x": 2}))]);
    let times: Vec<i64> = drain(&mut app).into_iter().map(|r| r.rowtime_ms).collect();
    assert_eq!(times, [5_000, 5_000]);
}

#[test]
fn the_live_view_shows_open_windows_and_streams() {
    let sql = r#"
        CREATE OR REPLACE STREAM "OUT" (n INTEGER);
        CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
        SELECT STREAM COUNT(*) FROM "SOURCE_SQL_STREAM_001" GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);"#;
    let app = kda(sql, 0, &[(1_000, json!({"x": 1})), (2_000, json!({"x": 1})), (12_000, json!({"x": 1}))]);
    let open = app.open_windows();
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].query.as_str(), open[0].target.as_str()), ("P", "OUT"));
    assert_eq!((open[0].start_ms, open[0].end_ms, open[0].rows), (10_000, 20_000, 1));
    let streams = app.streams();
    let summary: Vec<(&str, shardlab_analytics::StreamRole, u64)> =
        streams.iter().map(|s| (s.name, s.role, s.rows_total)).collect();
    assert_eq!(
        summary,
        [
            ("SOURCE_SQL_STREAM_001", shardlab_analytics::StreamRole::Input, 3),
            ("OUT", shardlab_analytics::StreamRole::InApplication, 1),
            ("error_stream", shardlab_analytics::StreamRole::InApplication, 0),
        ]
    );
    assert_eq!(streams[1].recent[0].values, [Value::Int(2)]);
    assert_eq!(streams[2].columns, [("ERROR_MESSAGE".to_string(), shardlab_analytics::SqlType::Varchar)]);
    assert_eq!(app.row_json(streams[1].recent[0]), json!({"n": 2}));
}

#[test]
fn a_flink_over_window_matches_the_kda_sliding_window() {
    let kda_sql = r#"
        CREATE OR REPLACE STREAM "OUT" (k VARCHAR(1), n INTEGER);
        CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
        SELECT STREAM k, COUNT(*) OVER (PARTITION BY k RANGE INTERVAL '5' SECOND PRECEDING) FROM "SOURCE_SQL_STREAM_001";"#;
    let flink_sql = "
        CREATE TABLE t (k STRING, p AS PROCTIME()) WITH ('connector' = 'kinesis');
        SELECT k, COUNT(*) OVER (PARTITION BY k ORDER BY p RANGE BETWEEN INTERVAL '5' SECOND PRECEDING AND CURRENT ROW) AS n
        FROM t;";
    // The documented arrivals at t1, t2, t6, t7 and three at t8 (`docs/aws-behaviour.md` §6.3).
    let records: Vec<(u64, Json)> = [1, 2, 6, 7, 8, 8, 8].into_iter().map(|s| (s * 1000, json!({"k": "a"}))).collect();
    let mut kda_app = kda(kda_sql, 0, &records);
    let mut flink_app = flink(flink_sql, &records);
    let kda_counts: Vec<Value> = drain(&mut kda_app).into_iter().map(|r| r.values[1].clone()).collect();
    let flink_counts: Vec<Value> = drain(&mut flink_app).into_iter().map(|r| r.values[1].clone()).collect();
    assert_eq!(kda_counts, [1, 2, 2, 2, 3, 4, 5].map(Value::Int));
    assert_eq!(flink_counts, kda_counts);
}
