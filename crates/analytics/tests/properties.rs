//! Property tests: tumbling counts against a direct count, conservation of Flink records, and no panics on
//! any SQL text or record. Native only, like proptest.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{Value as Json, json};
use shardlab_analytics::samples::SAMPLES;
use shardlab_analytics::{Application, Dialect, Value, check, discover_schema};

fn schema() -> shardlab_analytics::SourceSchema {
    discover_schema(&[json!({"k": "a", "v": 1})]).expect("schema")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A tumbling COUNT(*) equals the number of input rows whose ROWTIME falls in its window.
    #[test]
    fn a_tumbling_count_is_the_rows_in_its_window(
        mut arrivals_ms in prop::collection::vec(0u64..600_000, 0..120),
        size_secs in prop::sample::select(vec![1u64, 5, 10, 60, 90]),
    ) {
        arrivals_ms.sort_unstable();
        let sql = format!(
            "CREATE OR REPLACE STREAM \"OUT\" (window_start TIMESTAMP, n INTEGER);
             CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\"
             SELECT STREAM STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '{size_secs}' SECOND), COUNT(*)
             FROM \"SOURCE_SQL_STREAM_001\"
             GROUP BY STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '{size_secs}' SECOND);"
        );
        let mut app = Application::new(&sql, Dialect::Kda, Some(schema()), 0).expect("valid SQL");
        for at in &arrivals_ms {
            app.push(*at, &json!({"k": "a", "v": 1}));
        }
        app.finish();
        let size_ms = (size_secs * 1000) as i64;
        let mut total = 0;
        while let Some(row) = app.poll_row() {
            let (Value::Timestamp(start), Value::Int(n)) = (&row.values[0], &row.values[1]) else {
                panic!("unexpected row {row:?}");
            };
            let expected = arrivals_ms.iter().filter(|t| (**t as i64) >= *start && (**t as i64) < start + size_ms).count();
            prop_assert_eq!(*n as usize, expected);
            prop_assert!(expected > 0);
            prop_assert_eq!(row.rowtime_ms, start + size_ms, "stamped with the window end");
            total += expected;
        }
        prop_assert_eq!(total, arrivals_ms.len());
    }

    /// Every Flink record is counted in exactly one tumbling window or dropped as late.
    #[test]
    fn flink_records_are_counted_once_or_dropped_late(
        events in prop::collection::vec((0u64..5_000, 0u64..120_000), 0..100),
        delay_secs in 0u64..20,
    ) {
        let sql = format!(
            "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '{delay_secs}' SECOND)
                 WITH ('connector' = 'kinesis');
             SELECT COUNT(*) AS n FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))
             GROUP BY window_start, window_end;"
        );
        let mut app = Application::new(&sql, Dialect::Flink, None, 0).expect("valid SQL");
        let mut at = 0;
        for (gap, ts) in &events {
            at += gap;
            app.push(at, &json!({"ts": ts}));
        }
        app.finish();
        let mut counted = 0;
        while let Some(row) = app.poll_row() {
            let Value::Int(n) = row.values[0] else { panic!("unexpected row {row:?}") };
            counted += n as u64;
        }
        let late = app.stats().late_records_dropped[0].1;
        prop_assert_eq!(counted + late, events.len() as u64);
        // With `WATERMARK FOR ts AS ts`, a row equal to the watermark may be late (as in Flink SQL); a
        // strictly ascending one never is.
        if delay_secs == 0 && events.windows(2).all(|w| w[0].1 < w[1].1) {
            prop_assert_eq!(late, 0, "strictly ascending events are never late");
        }
    }

    /// Sliding windows agree with a direct recount over the rows in `(t - range, t]` (or the last n + 1 rows).
    #[test]
    fn sliding_aggregates_match_a_direct_recount(
        gaps_ms in prop::collection::vec(0u64..3_000, 1..150),
        values in prop::collection::vec(-1_000i64..1_000, 150),
        keys in prop::collection::vec(0u8..3, 150),
        range_secs in 1u64..10,
        rows_preceding in 0usize..6,
    ) {
        let sql = format!(
            "CREATE OR REPLACE STREAM \"OUT\" (n INTEGER, s INTEGER, lo INTEGER, hi INTEGER, r INTEGER);
             CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\"
             SELECT STREAM COUNT(*) OVER w, SUM(v) OVER w, MIN(v) OVER w, MAX(v) OVER w,
                 SUM(v) OVER (PARTITION BY k ROWS {rows_preceding} PRECEDING)
             FROM \"SOURCE_SQL_STREAM_001\"
             WINDOW w AS (PARTITION BY k RANGE INTERVAL '{range_secs}' SECOND PRECEDING);"
        );
        let mut app = Application::new(&sql, Dialect::Kda, Some(schema()), 0).expect("valid SQL");
        let mut seen: Vec<(i64, u8, i64)> = Vec::new();
        let mut at = 0u64;
        for (i, gap) in gaps_ms.iter().enumerate() {
            at += gap;
            let (k, v) = (keys[i], values[i]);
            app.push(at, &json!({"k": k.to_string(), "v": v}));
            seen.push((at as i64, k, v));
            let row = app.poll_row().expect("one row per record");
            let in_range: Vec<i64> = seen
                .iter()
                .filter(|(t, key, _)| *key == k && *t > at as i64 - (range_secs * 1000) as i64)
                .map(|(_, _, v)| *v)
                .collect();
            let last_rows: Vec<i64> = seen.iter().filter(|(_, key, _)| *key == k).rev().take(rows_preceding + 1).map(|(_, _, v)| *v).collect();
            let expected = [
                Value::Int(in_range.len() as i64),
                Value::Int(in_range.iter().sum()),
                Value::Int(*in_range.iter().min().expect("the row itself")),
                Value::Int(*in_range.iter().max().expect("the row itself")),
                Value::Int(last_rows.iter().sum()),
            ];
            prop_assert_eq!(&row.values[..], &expected[..]);
        }
    }

    /// The parser and checker return errors, never panic, on any text.
    #[test]
    fn any_text_checks_without_panicking(text in "\\PC{0,300}") {
        let _ = check(&text, Dialect::Kda, Some(&schema()));
        let _ = check(&text, Dialect::Flink, None);
    }

    /// Token soup close to real SQL reaches deeper into the parser; still no panic.
    #[test]
    fn sql_like_token_soup_checks_without_panicking(
        tokens in prop::collection::vec(prop::sample::select(vec![
            "SELECT", "STREAM", "FROM", "WHERE", "GROUP", "BY", "STEP", "FLOOR", "TO", "MINUTE", "ROWTIME",
            "\"SOURCE_SQL_STREAM_001\"", "(", ")", ",", ";", ".", "*", "+", "-", "/", "COUNT", "AVG", "OVER",
            "WINDOW", "AS", "RANGE", "INTERVAL", "'1'", "SECOND", "PRECEDING", "k", "v", "CREATE", "OR",
            "REPLACE", "PUMP", "INSERT", "INTO", "TABLE", "TUMBLE", "HOP", "SESSION", "DESCRIPTOR",
            "WATERMARK", "FOR", "PARTITION", "WINDOWED", "STAGGER", "CASE", "WHEN", "THEN", "END", "NULL",
            "1", "2.5", "'x'", "AND", "NOT", "IS", "LIKE", "BETWEEN", "CAST", "INTEGER", "TIMESTAMP",
            "TOP_K_ITEMS_TUMBLING", "CURSOR", "window_start", "window_end", "PROCTIME", "HAVING",
        ]), 0..60),
    ) {
        let text = tokens.join(" ");
        let _ = check(&text, Dialect::Kda, Some(&schema()));
        let _ = check(&text, Dialect::Flink, None);
    }

    /// Samples with a piece cut out either fail to check or run on odd records without panicking.
    #[test]
    fn damaged_samples_and_odd_records_never_panic(
        sample in 0..SAMPLES.len(),
        cut_start in 0usize..600,
        cut_len in 0usize..40,
        records in prop::collection::vec((prop::sample::select(vec![0u64, 1, 999, 60_000, 200_000, u64::MAX]), prop::sample::select(vec![
            json!({"ticker_symbol": "A", "price": 1.5, "change": -2, "sector": "TECH", "event_time": "2026-01-01 00:00:01"}),
            json!({"ticker_symbol": 7, "price": "x", "event_time": 12}),
            json!({"price": null}),
            json!("not,an,object"),
            json!([1, 2, 3]),
            json!({"ticker_symbol": "B", "price": 1e308, "change": 1e308, "event_time": "9999-12-31 23:59:59"}),
            json!({"ticker_symbol": "C", "price": -0.0, "change": 0, "event_time": -5}),
            json!({"ticker_symbol": "D", "price": i64::MIN, "change": i64::MAX, "event_time": i64::MIN}),
            json!({"ticker_symbol": "E", "price": i64::MAX, "change": i64::MIN, "event_time": i64::MAX}),
        ])), 0..40),
    ) {
        let sql = SAMPLES[sample].sql;
        let chars: Vec<char> = sql.chars().collect();
        let start = cut_start.min(chars.len());
        let end = (start + cut_len).min(chars.len());
        let damaged: String = chars[..start].iter().chain(&chars[end..]).collect();
        let schema = discover_schema(&[json!({
            "ticker_symbol": "A", "sector": "TECH", "change": 0.5, "price": 1.5, "event_time": "2026-01-01 00:00:00"
        })]).expect("schema");
        if let Ok(mut app) = Application::new(&damaged, SAMPLES[sample].dialect, Some(schema), 0) {
            for (at, record) in &records {
                app.push(*at, record);
                let _ = app.open_windows();
            }
            app.finish();
            while app.poll_row().is_some() {}
            let _ = app.streams();
        }
    }
}

#[test]
fn schema_discovery_of_odd_samples_never_panics() {
    let odd: [Json; 5] =
        [json!({}), json!(1), json!({"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}), json!(""), json!(null)];
    for sample in &odd {
        let _ = discover_schema(std::slice::from_ref(sample));
    }
    assert!(discover_schema(&[]).is_err());
}

#[test]
fn extreme_numbers_and_times_do_not_overflow() {
    let sql = "CREATE TABLE t (v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
                   WITH ('connector' = 'kinesis');
               SELECT window_start, COUNT(*) AS n FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND))
               GROUP BY window_start, window_end;
               SELECT window_start, SUM(v) AS s FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND))
               GROUP BY window_start, window_end;
               SELECT FLOOR(ts TO YEAR), CEIL(ts TO MONTH), EXTRACT(YEAR FROM ts), v * 2, -v, ABS(v), SUBSTRING('abc', v, v) FROM t;";
    let mut app = Application::new(sql, Dialect::Flink, None, i64::MAX).expect("valid SQL");
    for (at, v, ts) in [(0, i64::MAX, i64::MAX), (1, i64::MIN, i64::MIN), (2, -1, i64::MAX - 1), (u64::MAX, 0, 0)] {
        app.push(at, &json!({"v": v, "ts": ts}));
    }
    app.finish();
    while app.poll_row().is_some() {}
    let mut kda = Application::new(
        "CREATE OR REPLACE STREAM \"O\" (s INTEGER, t TIMESTAMP);
         CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"O\"
         SELECT STREAM STEP(v BY 7), STEP(CAST(v AS TIMESTAMP) BY INTERVAL '1' DAY) FROM \"SOURCE_SQL_STREAM_001\";",
        Dialect::Kda,
        Some(discover_schema(&[json!({"v": 1})]).expect("schema")),
        i64::MIN,
    )
    .expect("valid SQL");
    kda.push(0, &json!({"v": i64::MIN}));
    kda.push(u64::MAX, &json!({"v": i64::MAX}));
    kda.finish();
    let mut rows = 0;
    while kda.poll_row().is_some() {
        rows += 1;
    }
    assert_eq!(rows, 2);
}
