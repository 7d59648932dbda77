//! Ready-made applications: the examples of the AWS documentation, in both dialects, with records to run.

use alloc::format;
use alloc::vec::Vec;

use crate::Dialect;

/// One sample application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// A short identifier (`kda-tumbling`).
    pub id: &'static str,
    /// A title for the list.
    pub title: &'static str,
    /// Its dialect.
    pub dialect: Dialect,
    /// What it shows, in one sentence.
    pub about: &'static str,
    /// The SQL.
    pub sql: &'static str,
}

/// Every sample, KDA first.
pub const SAMPLES: [Sample; 12] = [
    Sample {
        id: "kda-filter",
        title: "Continuous filter",
        dialect: Dialect::Kda,
        about: "One output row per input row whose sector contains TECH (the Getting Started pump).",
        sql: r#"CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    ticker_symbol VARCHAR(4), sector VARCHAR(16), change REAL, price REAL);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM ticker_symbol, sector, change, price
    FROM "SOURCE_SQL_STREAM_001"
    WHERE sector SIMILAR TO '%TECH%';
"#,
    },
    Sample {
        id: "kda-tumbling",
        title: "Tumbling window (STEP)",
        dialect: Dialect::Kda,
        about: "Trades per ticker every 10 seconds; each row is stamped with its window's end.",
        sql: r#"CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    ticker_symbol VARCHAR(4), ticker_count INTEGER, avg_price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM ticker_symbol, COUNT(*), AVG(price)
    FROM "SOURCE_SQL_STREAM_001"
    GROUP BY ticker_symbol, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);
"#,
    },
    Sample {
        id: "kda-floor",
        title: "Tumbling window (FLOOR) with event time",
        dialect: Dialect::Kda,
        about: "Groups by ROWTIME (which controls emission) and by the minute of the event time.",
        sql: r#"CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    event_minute TIMESTAMP, ticker_symbol VARCHAR(4), ticker_count INTEGER);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM FLOOR(event_time TO MINUTE), ticker_symbol, COUNT(*)
    FROM "SOURCE_SQL_STREAM_001"
    GROUP BY ticker_symbol, FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE), FLOOR(event_time TO MINUTE);
"#,
    },
    Sample {
        id: "kda-sliding",
        title: "Sliding window (OVER ... RANGE)",
        dialect: Dialect::Kda,
        about: "For every row, the ticker's average price and trade count over the last minute.",
        sql: r#"CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    ticker_symbol VARCHAR(4), price DOUBLE, avg_price DOUBLE, trades INTEGER);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM ticker_symbol, price, AVG(price) OVER w1, COUNT(*) OVER w1
    FROM "SOURCE_SQL_STREAM_001"
    WINDOW w1 AS (PARTITION BY ticker_symbol RANGE INTERVAL '1' MINUTE PRECEDING);
"#,
    },
    Sample {
        id: "kda-stagger",
        title: "Stagger window",
        dialect: Dialect::Kda,
        about: "A window opens per ticker and event minute when its first row arrives and closes one minute later.",
        sql: r#"CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    event_minute TIMESTAMP, ticker_symbol VARCHAR(4), ticker_count INTEGER);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM FLOOR(event_time TO MINUTE), ticker_symbol, COUNT(*)
    FROM "SOURCE_SQL_STREAM_001"
    WINDOWED BY STAGGER (
        PARTITION BY FLOOR(event_time TO MINUTE), ticker_symbol RANGE INTERVAL '1' MINUTE);
"#,
    },
    Sample {
        id: "kda-top-k",
        title: "Most frequent values (TOP_K_ITEMS_TUMBLING)",
        dialect: Dialect::Kda,
        about: "The three most traded tickers in each 60-second tumbling window.",
        sql: r#"CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    "TICKER_SYMBOL" VARCHAR(4), "MOST_FREQUENT_VALUES" BIGINT);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM * FROM TABLE (TOP_K_ITEMS_TUMBLING(
        CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"),
        'ticker_symbol', 3, 60));
"#,
    },
    Sample {
        id: "kda-chained",
        title: "Two pumps chained through an in-application stream",
        dialect: Dialect::Kda,
        about: "The first pump keeps big moves; the second counts them per ticker every 30 seconds.",
        sql: r#"CREATE OR REPLACE STREAM "BIG_MOVES" (ticker_symbol VARCHAR(4), change DOUBLE);
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), big_moves INTEGER);
CREATE OR REPLACE PUMP "FILTER_PUMP" AS INSERT INTO "BIG_MOVES"
    SELECT STREAM ticker_symbol, change FROM "SOURCE_SQL_STREAM_001"
    WHERE change > 1 OR change < -1;
CREATE OR REPLACE PUMP "COUNT_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM ticker_symbol, COUNT(*) FROM "BIG_MOVES"
    GROUP BY ticker_symbol, STEP("BIG_MOVES".ROWTIME BY INTERVAL '30' SECOND);
"#,
    },
    Sample {
        id: "flink-tumble",
        title: "Flink TUMBLE with event time",
        dialect: Dialect::Flink,
        about: "The KDA tumbling window in Flink SQL: event time, a 5-second watermark, late records dropped.",
        sql: r#"CREATE TABLE trades (
    ticker_symbol STRING,
    price DOUBLE,
    event_time TIMESTAMP(3),
    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH ('connector' = 'kinesis', 'stream' = 'input', 'format' = 'json');

SELECT window_start, window_end, ticker_symbol, COUNT(*) AS trades, AVG(price) AS avg_price
FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(event_time), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, ticker_symbol;
"#,
    },
    Sample {
        id: "flink-over",
        title: "Flink OVER window (the KDA sliding window)",
        dialect: Dialect::Flink,
        about: "For every trade, the ticker's average price over the last minute, as kda-sliding does.",
        sql: r#"CREATE TABLE trades (
    ticker_symbol STRING,
    price DOUBLE,
    proc_time AS PROCTIME()
) WITH ('connector' = 'kinesis', 'stream' = 'input', 'format' = 'json');

SELECT ticker_symbol, price,
    AVG(price) OVER (PARTITION BY ticker_symbol ORDER BY proc_time
        RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW) AS avg_price
FROM trades;
"#,
    },
    Sample {
        id: "flink-hop",
        title: "Flink HOP (sliding) on processing time",
        dialect: Dialect::Flink,
        about: "A 30-second window every 10 seconds, on arrival time.",
        sql: r#"CREATE TABLE trades (
    ticker_symbol STRING,
    price DOUBLE,
    proc_time AS PROCTIME()
) WITH ('connector' = 'kinesis', 'stream' = 'input', 'format' = 'json');

SELECT window_start, window_end, COUNT(*) AS trades, MAX(price) AS max_price
FROM TABLE(HOP(TABLE trades, DESCRIPTOR(proc_time), INTERVAL '10' SECOND, INTERVAL '30' SECOND))
GROUP BY window_start, window_end;
"#,
    },
    Sample {
        id: "flink-cumulate",
        title: "Flink CUMULATE",
        dialect: Dialect::Flink,
        about: "Running totals within each minute, emitted every 15 seconds.",
        sql: r#"CREATE TABLE trades (
    ticker_symbol STRING,
    price DOUBLE,
    event_time TIMESTAMP(3),
    WATERMARK FOR event_time AS event_time - INTERVAL '1' SECOND
) WITH ('connector' = 'kinesis', 'stream' = 'input', 'format' = 'json');

SELECT window_start, window_end, SUM(price) AS turnover
FROM TABLE(CUMULATE(TABLE trades, DESCRIPTOR(event_time), INTERVAL '15' SECOND, INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
"#,
    },
    Sample {
        id: "flink-session",
        title: "Flink SESSION windows into a Kinesis sink",
        dialect: Dialect::Flink,
        about: "Bursts of trades per ticker separated by 5 quiet seconds, written to an output stream.",
        sql: r#"CREATE TABLE trades (
    ticker_symbol STRING,
    price DOUBLE,
    event_time TIMESTAMP(3),
    WATERMARK FOR event_time AS event_time - INTERVAL '2' SECOND
) WITH ('connector' = 'kinesis', 'stream' = 'input', 'format' = 'json');

CREATE TABLE bursts (
    ticker_symbol STRING,
    session_start TIMESTAMP(3),
    session_end TIMESTAMP(3),
    trades BIGINT
) WITH ('connector' = 'kinesis', 'stream' = 'output', 'format' = 'json');

INSERT INTO bursts
SELECT ticker_symbol, window_start, window_end, COUNT(*)
FROM TABLE(SESSION(TABLE trades PARTITION BY ticker_symbol, DESCRIPTOR(event_time), INTERVAL '5' SECOND))
GROUP BY window_start, window_end, ticker_symbol;
"#,
    },
];

/// The sample with `id`.
pub fn sample(id: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.id == id)
}

/// Records for the samples: the demo stock ticker stream (`ticker_symbol`, `sector`, `change`, `price`,
/// `event_time`), one record every `every_ms` for `count` records from simulated time 0, as
/// `(at_ms, record)`. Event times run up to 3 s behind arrival, and every 17th record is 20 s late.
/// `epoch_unix_ms` is simulated time 0, for the event-time text.
pub fn ticker_records(count: u32, every_ms: u64, epoch_unix_ms: i64) -> Vec<(u64, serde_json::Value)> {
    const TICKERS: [(&str, &str); 6] = [
        ("AMZN", "TECHNOLOGY"),
        ("AAPL", "TECHNOLOGY"),
        ("WMT", "RETAIL"),
        ("JPM", "FINANCIAL"),
        ("MSFT", "TECHNOLOGY"),
        ("XOM", "ENERGY"),
    ];
    // A tiny linear congruential generator: the same records every time.
    let mut state: u64 = 0x5EED;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let mut prices = [120.0f64, 180.0, 60.0, 140.0, 300.0, 90.0];
    let mut out = Vec::new();
    for i in 0..count {
        // Skewed choice: low indexes more often.
        let pick = (next() % 6).min(next() % 6) as usize;
        let change_cents = (next() % 401) as i64 - 200;
        let change = change_cents as f64 / 100.0;
        prices[pick] = (prices[pick] + change).max(1.0);
        let at_ms = u64::from(i) * every_ms;
        let lag_ms = if i % 17 == 16 { 20_000 } else { next() % 3000 };
        let event_ms = epoch_unix_ms.saturating_add(at_ms as i64).saturating_sub(lag_ms as i64);
        let (ticker, sector) = TICKERS[pick];
        let price = (prices[pick] * 100.0) as i64 as f64 / 100.0;
        out.push((
            at_ms,
            serde_json::json!({
                "ticker_symbol": ticker,
                "sector": sector,
                "change": change,
                "price": price,
                "event_time": format!("{}", crate::value::format_timestamp(event_ms)),
            }),
        ));
    }
    out
}
