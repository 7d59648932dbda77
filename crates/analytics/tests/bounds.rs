//! Bounds on what an application holds: the stack an expression may take and the bytes a sliding window
//! keeps, with inputs scaled down from those that once exhausted them.

use serde_json::json;
use shardlab_analytics::{Application, Dialect, SLIDING_BYTES_MAX, SqlError, Value, check, discover_schema};

fn kda_errors(sql: &str) -> Vec<SqlError> {
    let schema = discover_schema(&[json!({"ticker": "AMZN", "price": 1.5})]).expect("schema");
    check(sql, Dialect::Kda, Some(&schema))
}

fn one(errors: Vec<SqlError>) -> (u32, u32, String) {
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    (e.pos.line, e.pos.column, e.message.clone())
}

const HEAD: &str = "CREATE OR REPLACE STREAM \"OUT\" (t VARCHAR(4), p DOUBLE, n INTEGER);\n\
                    CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\"\n";

/// A quarter of the page's wasm stack (about 1 MiB). Unoptimised builds use about nine times the stack per
/// level of an expression (measured: 200 levels took under 160 KiB optimised, under 1 MiB unoptimised), so
/// they get 2 MiB.
const SMALL_STACK_BYTES: usize = if cfg!(debug_assertions) { 2 << 20 } else { 256 << 10 };

/// Runs `f` in a thread with a stack of `bytes`.
fn on_stack<T: Send + 'static>(bytes: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(bytes).spawn(f).expect("a thread").join().expect("no stack overflow")
}

/// `price + price + ... + price` with `terms` terms.
fn chain(terms: usize) -> String {
    vec!["price"; terms].join(" + ")
}

#[test]
fn a_flat_chain_of_twelve_thousand_terms_is_refused_at_the_limit_in_both_dialects() {
    let limit = shardlab_analytics::EXPR_HEIGHT_MAX as usize;
    // The chain is the third select item, after "SELECT STREAM ticker, " (22 characters); `a + b` is 2
    // levels, so the operator that makes the chain one level too tall is the (limit)th, and each
    // "price + " is 8 characters: it sits at column 23 + 8 * (limit - 1) + 6.
    let kda = format!("{HEAD}SELECT STREAM ticker, {} FROM \"SOURCE_SQL_STREAM_001\";", chain(12_000));
    let flink = format!("CREATE TABLE t (price DOUBLE);\nSELECT ticker, {} FROM t;", chain(12_000));
    // Refused while parsing, before anything recurses over it: 256 KiB even unoptimised.
    let (kda, flink) = on_stack(256 << 10, move || (kda_errors(&kda), check(&flink, Dialect::Flink, None)));
    let message = format!(
        "expected an expression at most {limit} levels deep: each operator of a chain such as `a + b + c` adds \
         a level, as does each function, CAST or CASE around one; split the expression"
    );
    let column = (23 + 8 * (limit - 1) + 6) as u32;
    assert_eq!(one(kda), (3, column, message.clone()));
    // "SELECT ticker, " is 15 characters, 7 fewer than "SELECT STREAM ticker, ".
    assert_eq!(one(flink), (2, column - 7, message));
}

#[test]
fn a_chain_at_the_limit_is_checked_and_evaluated_on_a_small_stack_in_both_dialects() {
    let terms = shardlab_analytics::EXPR_HEIGHT_MAX as usize;
    let record = json!({"ticker": "AMZN", "price": 1.5});
    let kda = format!(
        "CREATE OR REPLACE STREAM \"OUT\" (total DOUBLE);\nCREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\"\n\
         SELECT STREAM {} FROM \"SOURCE_SQL_STREAM_001\";",
        chain(terms)
    );
    let flink = format!(
        "CREATE TABLE src (ticker STRING, price DOUBLE) WITH ('connector' = 'kinesis');\nSELECT {} FROM src;",
        chain(terms)
    );
    let totals = on_stack(SMALL_STACK_BYTES, move || {
        let schema = discover_schema(std::slice::from_ref(&record)).expect("schema");
        [(kda, Dialect::Kda), (flink, Dialect::Flink)].map(|(sql, dialect)| {
            let mut app = Application::new(&sql, dialect, Some(schema.clone()), 0).expect("valid at the limit");
            app.push(1_000, &record);
            let _ = format!("{app:?}");
            app.poll_row().map(|row| row.values[0].clone())
        })
    });
    // 200 terms of 1.5 each.
    assert_eq!(totals, [Some(Value::Float(300.0)), Some(Value::Float(300.0))]);
}

/// A KDA application over records `{"s": ...}` that emits `MIN(s)`, `MAX(s)` (when `with_max`) and
/// `COUNT(*)` over the last hour.
fn extremes_over_an_hour(with_max: bool) -> Application {
    let max = if with_max { "MAX(s) OVER w, " } else { "" };
    let sql = format!(
        "CREATE OR REPLACE STREAM \"OUT\" (lo VARCHAR(8), {} n INTEGER);\n\
         CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\"\n\
         SELECT STREAM MIN(s) OVER w, {max}COUNT(*) OVER w FROM \"SOURCE_SQL_STREAM_001\"\n\
         WINDOW w AS (RANGE INTERVAL '1' HOUR PRECEDING);",
        if with_max { "hi VARCHAR(8)," } else { "" }
    );
    let schema = discover_schema(&[json!({"s": "a"})]).expect("schema");
    Application::new(&sql, Dialect::Kda, Some(schema), 0).expect("valid SQL")
}

#[test]
fn a_sliding_max_holds_each_value_once_not_once_per_row() {
    // Scaled down from 1.4 MB of input that needed about 10 GB: one long value, then many short ones, all
    // in one window, so every row's MAX is the long value.
    let long = "z".repeat(100_000);
    let mut app = extremes_over_an_hour(true);
    app.push(0, &json!({ "s": long }));
    let first = app.poll_row().expect("one row per record");
    assert_eq!(first.values, [Value::Str(long.clone()), Value::Str(long.clone()), Value::Int(1)]);
    for i in 1..=2_000u64 {
        app.push(i, &json!({"s": "a"}));
        let row = app.poll_row().expect("one row per record");
        assert_eq!(row.values, [Value::Str("a".into()), Value::Str(long.clone()), Value::Int(i as i64 + 1)]);
    }
    let held = app.stats().sliding_bytes_held;
    // MIN and MAX each hold their argument: the long value twice, the short ones 2 × 2,000 bytes, and each
    // of the 2,001 rows at most 256 bytes besides its text (its time, three arguments and three running
    // aggregates). A copy of the running MAX per row would be 200 MB.
    assert!(held >= 200_000, "the long value is counted: {held}");
    assert!(held <= 200_000 + 4_000 + 2_001 * 256, "{held} bytes held");
}

#[test]
fn a_sliding_window_drops_its_oldest_rows_past_its_byte_limit() {
    // Twenty rows of 1 MiB each ('a' to 't'), held once by MIN: each costs a little over 1 MiB, so 16 MiB
    // holds 15.
    assert_eq!(SLIDING_BYTES_MAX, 16 << 20);
    let mut app = extremes_over_an_hour(false);
    let mut last = None;
    for (i, letter) in ('a'..='t').enumerate() {
        app.push(i as u64, &json!({ "s": letter.to_string().repeat(1 << 20) }));
        last = app.poll_row();
    }
    let row = last.expect("a row");
    // Rows 'f' to 't' remain: the oldest five left first.
    let first_letter = |v: &Value| if let Value::Str(s) = v { s.chars().next() } else { None };
    assert_eq!(row.values[1], Value::Int(15));
    assert_eq!(first_letter(&row.values[0]), Some('f'));
    let held = app.stats().sliding_bytes_held;
    assert!(held <= SLIDING_BYTES_MAX as u64 && held >= 15 << 20, "{held} bytes held");
}
