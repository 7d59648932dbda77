//! Query errors: the line and column of the problem and what was expected, worked out by hand.

use serde_json::json;
use shardlab_analytics::{Dialect, SqlError, check, discover_schema};

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

#[test]
fn an_unknown_column_is_named_with_the_columns_there_are() {
    let sql = "CREATE OR REPLACE STREAM \"OUT\" (p DOUBLE);\nCREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\"\n\
               SELECT STREAM pricee FROM \"SOURCE_SQL_STREAM_001\";";
    let errors = kda_errors(sql);
    assert_eq!(
        errors[0].to_string(),
        "line 3, column 15: unknown column `pricee` in \"SOURCE_SQL_STREAM_001\" \
         (columns: price, ticker, APPROXIMATE_ARRIVAL_TIME)"
    );
}

#[test]
fn adding_a_number_to_text_is_a_type_error() {
    let sql = format!("{HEAD}SELECT STREAM ticker, price, 1 FROM \"SOURCE_SQL_STREAM_001\" WHERE ticker + 1 > 2;");
    // "SELECT STREAM ticker, price, 1 FROM " is 36 characters, the quoted name 23, then " WHERE ".
    assert_eq!(one(kda_errors(&sql)), (3, 67, "expected operands that `+` accepts, found VARCHAR and INTEGER".into()));
}

#[test]
fn an_aggregate_in_where_is_refused() {
    let sql = format!("{HEAD}SELECT STREAM ticker, price, 1 FROM \"SOURCE_SQL_STREAM_001\" WHERE COUNT(*) > 1;");
    assert_eq!(
        one(kda_errors(&sql)),
        (3, 67, "expected no aggregate in WHERE: COUNT needs GROUP BY, a window or OVER".into())
    );
}

#[test]
fn a_column_outside_group_by_and_aggregates_is_refused() {
    let sql = format!(
        "{HEAD}SELECT STREAM ticker, price, COUNT(*) FROM \"SOURCE_SQL_STREAM_001\"\n\
         GROUP BY ticker, STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '1' MINUTE);"
    );
    assert_eq!(one(kda_errors(&sql)), (3, 23, "expected `price` in GROUP BY or inside an aggregate".into()));
}

#[test]
fn a_streaming_group_by_needs_a_rowtime_window() {
    let sql =
        format!("{HEAD}SELECT STREAM ticker, AVG(price), COUNT(*) FROM \"SOURCE_SQL_STREAM_001\" GROUP BY ticker;");
    // "SELECT STREAM ticker, AVG(price), COUNT(*) FROM " is 48 characters; the quoted name ends at 71.
    let (line, column, message) = one(kda_errors(&sql));
    assert_eq!((line, column), (3, 82));
    assert!(message.starts_with("expected a ROWTIME window in GROUP BY, such as STEP("), "{message}");
}

#[test]
fn sum_of_text_is_a_type_error() {
    let sql = format!(
        "{HEAD}SELECT STREAM ticker, SUM(ticker), COUNT(*) FROM \"SOURCE_SQL_STREAM_001\"\n\
         GROUP BY ticker, FLOOR(\"SOURCE_SQL_STREAM_001\".ROWTIME TO MINUTE);"
    );
    assert_eq!(one(kda_errors(&sql)), (3, 27, "expected a number for SUM, found VARCHAR".into()));
}

#[test]
fn the_select_list_must_fit_the_stream() {
    let sql = format!("{HEAD}SELECT STREAM price FROM \"SOURCE_SQL_STREAM_001\";");
    assert_eq!(one(kda_errors(&sql)), (3, 1, "expected 3 columns for \"OUT\" (t, p, n), the select list has 1".into()));
}

#[test]
fn pumps_in_a_cycle_are_refused() {
    let sql = "CREATE OR REPLACE STREAM \"A\" (x INTEGER);\nCREATE OR REPLACE STREAM \"B\" (x INTEGER);\n\
               CREATE OR REPLACE PUMP \"P1\" AS INSERT INTO \"A\" SELECT STREAM x FROM \"B\";\n\
               CREATE OR REPLACE PUMP \"P2\" AS INSERT INTO \"B\" SELECT STREAM x FROM \"A\";";
    let (line, column, message) = one(kda_errors(sql));
    assert_eq!((line, column), (3, 48));
    assert!(message.contains("without a cycle"), "{message}");
}

#[test]
fn every_problem_is_reported_in_order() {
    let sql = "CREATE OR REPLACE STREAM \"OUT\" (p DOUBLE);\n\
               CREATE OR REPLACE PUMP \"P1\" AS INSERT INTO \"OUT\" SELECT STREAM nope FROM \"SOURCE_SQL_STREAM_001\";\n\
               CREATE OR REPLACE PUMP \"P2\" AS INSERT INTO \"NOWHERE\" SELECT STREAM price FROM \"SOURCE_SQL_STREAM_001\";";
    let errors = kda_errors(sql);
    let at: Vec<(u32, u32)> = errors.iter().map(|e| (e.pos.line, e.pos.column)).collect();
    // P1's column after "... SELECT STREAM " (63 characters); P2's target after "... INSERT INTO " (43).
    assert_eq!(at, [(2, 64), (3, 44)]);
    assert!(
        errors[1]
            .message
            .starts_with("unknown stream \"NOWHERE\": declared so far: \"SOURCE_SQL_STREAM_001\", \"OUT\"")
    );
}

#[test]
fn a_missing_semicolon_is_expected_before_the_next_statement() {
    let sql = "CREATE OR REPLACE STREAM \"A\" (x INTEGER)\nCREATE OR REPLACE STREAM \"B\" (x INTEGER);";
    assert_eq!(one(kda_errors(sql)), (2, 1, "expected `;` after the statement, found `CREATE`".into()));
}

#[test]
fn flink_statements_in_a_kda_application_say_which_dialect_they_belong_to() {
    let (line, column, message) = one(kda_errors("CREATE TABLE t (x INT);"));
    assert_eq!((line, column), (1, 8));
    assert!(message.starts_with("expected STREAM or PUMP: CREATE TABLE is Flink SQL"), "{message}");
    let errors = check("CREATE OR REPLACE STREAM s (x INT);", Dialect::Flink, None);
    assert_eq!((errors[0].pos.line, errors[0].pos.column), (1, 19));
    assert!(errors[0].message.starts_with("expected TABLE: streams and pumps are KDA SQL"));
}

#[test]
fn a_flink_window_needs_a_time_attribute() {
    let sql = "CREATE TABLE t (k STRING, ts TIMESTAMP(3)) WITH ('connector' = 'kinesis');\n\
               SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;";
    let (line, column, message) = one(check(sql, Dialect::Flink, None));
    assert_eq!((line, column), (2, 55));
    assert!(message.starts_with("expected a time attribute: declare WATERMARK FOR ts AS"), "{message}");
}

#[test]
fn a_flink_window_aggregation_groups_by_window_start_and_end() {
    let sql = "CREATE TABLE t (p AS PROCTIME()) WITH ('connector' = 'kinesis');\n\
               SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(p), INTERVAL '1' MINUTE)) GROUP BY window_start;";
    let (line, column, message) = one(check(sql, Dialect::Flink, None));
    assert_eq!((line, column), (2, 1));
    assert!(message.starts_with("expected GROUP BY window_start, window_end"), "{message}");
}

#[test]
fn a_flink_group_by_without_a_window_is_refused() {
    let sql = "CREATE TABLE t (k STRING) WITH ('connector' = 'kinesis');\nSELECT k, COUNT(*) FROM t GROUP BY k;";
    let (line, column, message) = one(check(sql, Dialect::Flink, None));
    assert_eq!((line, column), (2, 1));
    assert!(message.starts_with("expected FROM TABLE(TUMBLE|HOP|CUMULATE|SESSION(...))"), "{message}");
}

#[test]
fn a_bad_interval_unit_lists_the_units() {
    let sql = format!(
        "{HEAD}SELECT STREAM ticker, price, COUNT(*) OVER (RANGE INTERVAL '1' WEEK PRECEDING) FROM \"SOURCE_SQL_STREAM_001\";"
    );
    // "SELECT STREAM ticker, price, COUNT(*) OVER (RANGE INTERVAL '1' " is 63 characters.
    assert_eq!(
        one(kda_errors(&sql)),
        (3, 64, "expected an interval unit: SECOND, MINUTE, HOUR or DAY, found `WEEK`".into())
    );
}

#[test]
fn an_empty_application_expects_a_statement() {
    assert_eq!(
        one(kda_errors("  -- nothing\n")),
        (
            2,
            1,
            "expected a statement (CREATE OR REPLACE STREAM or CREATE OR REPLACE PUMP), found the end of the text"
                .into()
        )
    );
}

#[test]
fn unsupported_sql_is_named_as_such() {
    let sql = format!("{HEAD}SELECT STREAM DISTINCT ticker FROM \"SOURCE_SQL_STREAM_001\";");
    assert_eq!(
        one(kda_errors(&sql)),
        (3, 15, "expected a select list: SELECT DISTINCT is not supported here, found `DISTINCT`".into())
    );
    let sql = "CREATE TABLE a (x INT) WITH ('connector' = 'kinesis');\nSELECT x FROM a JOIN a ON x = x;";
    let errors = check(sql, Dialect::Flink, None);
    assert_eq!((errors[0].pos.line, errors[0].pos.column), (2, 17));
    assert!(errors[0].message.contains("joins are not supported here"), "{}", errors[0].message);
}
