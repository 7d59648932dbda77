//! The view data, checked against numbers derived from the configurations by hand.

use super::*;
use shardlab_engine::analytics_app::AnalyticsAppConfig;
use shardlab_engine::firehose::compress::Compression;
use shardlab_engine::firehose::{
    BufferingHints, DeliveryStreamConfig, DestinationConfig, DirectPutFeed, ProcessingConfig,
};
use shardlab_engine::template::PayloadTemplate;
use shardlab_engine::{
    Command, DEFAULT_STREAM_NAME, ProducerConfig, ScheduledCommand, SimConfig, SimTime, StreamConfig,
};

/// A Direct PUT stream fed 100 records/s of 200 B (20,000 B/s) to S3 with 1 MiB / 60 s hints.
fn direct_put(name: &str) -> DeliveryStreamConfig {
    let mut config = DeliveryStreamConfig::direct_put_to_s3(name);
    config.destination.buffering = Some(BufferingHints { size_mib: 1, interval_secs: 60 });
    config.feeds = vec![DirectPutFeed {
        records_per_sec: 100,
        record_bytes: 200,
        payload: PayloadTemplate::Zeros,
        batch_records: 100,
    }];
    config
}

fn clickstream(records_per_sec: u32) -> ProducerConfig {
    ProducerConfig { payload: PayloadTemplate::Clickstream, ..ProducerConfig::steady("web", records_per_sec, 200, 50) }
}

fn run(config: SimConfig, secs_ms: u64) -> Simulation {
    let mut sim = Simulation::new(config).expect("a valid configuration");
    sim.advance_to(SimTime::from_millis(secs_ms));
    sim
}

#[test]
fn a_buffer_fed_20_000_bytes_a_second_shows_both_hints_and_flushes_by_size_at_about_52_s() {
    let config = SimConfig { delivery_streams: vec![direct_put("to-s3")], ..SimConfig::default() };
    let sim = run(config.clone(), 30_500);
    let view = &firehose_views(&sim, None)[0];
    assert_eq!(view.source, "Direct PUT (PutRecordBatch, 100 records/s)");
    assert!(view.destination.starts_with("Amazon S3 bucket"), "{}", view.destination);
    let buffer = &view.buffers[0];
    assert_eq!((buffer.label.as_str(), buffer.processor), ("Buffer", false));
    // Whole batches of 100 records of 200 B arrive once a second.
    assert_eq!(buffer.records % 100, 0);
    assert_eq!(buffer.bytes, u64::from(buffer.records) * 200);
    assert!((600_000..=620_000).contains(&buffer.bytes), "30 or 31 batches: {}", buffer.bytes);
    assert_eq!(buffer.size_hint_bytes, 1_048_576);
    assert_eq!(buffer.interval_ms, 60_000);
    assert_eq!(buffer.flushes_in_ms, 60_000 - buffer.age_ms);
    assert_eq!(buffer.size_permille, (buffer.bytes * 1_000 / 1_048_576) as u32);
    let to_go = bytes_size(1_048_576 - buffer.bytes);
    assert_eq!(
        buffer.words,
        format!("flushes in {} or at 1.0 MiB ({to_go} to go)", seconds_text(buffer.flushes_in_ms))
    );
    // 1 MiB at 20,000 B/s is 52.4 s after the first record: size wins over the 60 s interval.
    assert_eq!(buffer.next_flush, FlushBy::Size);
    let expected = buffer.expected_in_ms.expect("a forecast");
    assert!((50_000..=54_000).contains(&(buffer.age_ms + expected)), "{} + {expected}", buffer.age_ms);
    assert!(buffer.forecast.starts_with("at this rate, by size in about 2"), "{}", buffer.forecast);
    assert!(view.transform.is_none());

    let sim = run(config, 70_000);
    let view = &firehose_views(&sim, None)[0];
    let first = view.objects.last().expect("an object by now");
    assert_eq!(first.flushed_by, Some(FlushBy::Size));
    assert_eq!(first.kind, "data");
    assert!(u64::from(first.records) * 200 >= 1_048_576, "{}", first.records);
    let waited = first.written_ms - first.first_arrival_ms;
    assert!((51_000..=54_000).contains(&waited), "flushed {waited} ms after its first record");
    assert_eq!(first.uncompressed_bytes, u64::from(first.records) * 200);
    // Every record has one fate.
    let f = view.fates;
    assert_eq!(f.incoming, f.delivered + f.buffered);
    assert_eq!(view.health, DestinationState::Healthy);
}

#[test]
fn an_empty_buffer_says_what_starts_its_clock() {
    let mut config = direct_put("idle");
    config.feeds.clear();
    let sim = run(SimConfig { delivery_streams: vec![config], ..SimConfig::default() }, 5_000);
    let buffer = &firehose_views(&sim, None)[0].buffers[0];
    assert_eq!(buffer.records, 0);
    assert_eq!(buffer.words, "empty: flushes 60 s after the first record, or at 1.0 MiB");
    assert_eq!(buffer.expected_in_ms, None);
}

#[test]
fn transform_results_fates_and_a_decompressed_preview() {
    let mut stream = DeliveryStreamConfig::direct_put_to_s3("events");
    stream.source = Source::KinesisStream { stream_name: "clicks".into() };
    stream.processing = Some(ProcessingConfig {
        buffer_interval_secs: 5,
        ..ProcessingConfig::with_program("drop if .event_type == \"page_view\"\nfail if .event_type == \"purchase\"")
    });
    stream.destination = DestinationConfig {
        buffering: Some(BufferingHints { size_mib: 1, interval_secs: 10 }),
        ..DestinationConfig::s3()
    };
    stream.destination.s3.compression = Compression::Gzip;
    stream.destination.s3.error_output_prefix = Some("errors/!{firehose:error-output-type}/".into());
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned("clicks", 2)],
        producers: vec![ProducerConfig { stream_name: "clicks".into(), ..clickstream(50) }],
        delivery_streams: vec![stream],
        ..SimConfig::default()
    };
    let sim = run(config, 60_000);
    let view = &firehose_views(&sim, None)[0];
    assert_eq!(view.source, "Kinesis data stream clicks");
    assert!(view.destination.ends_with("GZIP"), "{}", view.destination);
    assert_eq!(view.buffers[0].label, "Transform (Lambda) buffer");
    assert_eq!(view.buffers[0].interval_ms, 5_000);
    let t = view.transform.expect("a transform");
    // Four event types drawn evenly: about a quarter each dropped and failed, half Ok.
    assert!(t.ok > 0 && t.dropped > 0 && t.processing_failed > 0, "{t:?}");
    assert!(t.ok > t.dropped && t.ok > t.processing_failed, "{t:?}");
    assert!(t.invocations > 0);
    let f = view.fates;
    assert_eq!(f.dropped, t.dropped);
    assert_eq!(
        f.incoming,
        f.delivered
            + f.buffered
            + f.dropped
            + f.processing_failed
            + f.partitioning_failed
            + f.conversion_failed
            + f.backed_up
            + f.expired
    );
    let data = view.objects.iter().find(|o| o.kind == "data").expect("a data object");
    assert_eq!(data.compression, "GZIP");
    assert!(data.stored_bytes < data.uncompressed_bytes, "{data:?}");
    let preview = data.preview.as_deref().expect("the newest objects have a preview");
    assert!(preview.starts_with("{\"user_id\":"), "{preview}");
    assert!(!preview.contains("page_view") && !preview.contains("purchase"), "{preview}");
    assert!(preview.chars().count() <= PREVIEW_CHARS_MAX + 1 && preview.ends_with('…'), "{}", preview.len());
    // A watch decompresses each object once and shows the same previews.
    let mut watch = FirehoseWatch::default();
    assert_eq!(watch.views(&sim)[0].objects, view.objects);
    assert_eq!(watch.views(&sim)[0].objects, view.objects);
    let error = view.objects.iter().find(|o| o.kind == "error").expect("failed records under the error prefix");
    assert!(error.key.starts_with("errors/processing-failed/"), "{}", error.key);
    assert_eq!(error.error_output_type, Some("processing-failed"));
}

#[test]
fn an_http_destination_under_an_outage_lists_failed_requests_with_their_codes() {
    let mut stream = DeliveryStreamConfig::direct_put_to_s3("to-http");
    stream.destination = DestinationConfig {
        buffering: Some(BufferingHints { size_mib: 1, interval_secs: 10 }),
        retry_duration_secs: Some(120),
        ..DestinationConfig::of(DestinationKind::HttpEndpoint { url: "https://example.com/in".into(), gzip: false })
    };
    stream.feeds = vec![DirectPutFeed {
        records_per_sec: 10,
        record_bytes: 100,
        payload: PayloadTemplate::Clickstream,
        batch_records: 10,
    }];
    let config = SimConfig {
        delivery_streams: vec![stream],
        scheduled: vec![ScheduledCommand {
            at_ms: 30_000,
            command: Command::DestinationOutage { delivery_stream: "to-http".into(), duration_ms: 100_000 },
        }],
        ..SimConfig::default()
    };
    let sim = run(config, 60_000);
    let view = &firehose_views(&sim, None)[0];
    assert_eq!(view.destination_type, DestinationType::Http);
    assert_eq!(view.destination, "HTTP endpoint https://example.com/in");
    assert_eq!(view.health, DestinationState::Down { remaining_ms: 70_000 });
    let ok = view.requests.iter().filter(|r| r.error_code.is_none()).count();
    let failed: Vec<&RequestView> = view.requests.iter().filter(|r| r.error_code.is_some()).collect();
    assert!(ok > 0 && !failed.is_empty(), "{:?}", view.requests);
    assert!(failed.iter().all(|r| r.at_ms >= 30_000));
    assert!(view.last_error.is_some());
    assert_eq!(view.canvas_figure().1, "over", "{:?}", view.canvas_figure());
    assert!(view.documents > 0);
    let body = view.requests.iter().find_map(|r| r.body_preview.as_deref()).expect("a body");
    assert!(body.contains("records"), "{body}");
    // The attempts chart: deliveries before the outage at 30 s, failed attempts after it, and none given up yet
    // (the 120 s retry duration of an HTTP endpoint counts from the first failure, `docs/aws-behaviour.md` §5).
    let c = &view.charts;
    let chart_second = |i: usize| c.end_second + 1 - c.attempts_failed.len() as u64 + i as u64;
    let seconds_with = |series: &[f64]| -> Vec<u64> {
        series.iter().enumerate().filter(|(_, n)| **n > 0.0).map(|(i, _)| chart_second(i)).collect()
    };
    let delivered = seconds_with(&c.attempts_delivered);
    let failed_seconds = seconds_with(&c.attempts_failed);
    assert!(!delivered.is_empty() && delivered.iter().all(|s| *s < 30), "{delivered:?}");
    assert!(!failed_seconds.is_empty() && failed_seconds.iter().all(|s| *s >= 30), "{failed_seconds:?}");
    assert_eq!(c.attempts_failed.iter().sum::<f64>() as usize, failed.len());
    assert!(c.attempts_given_up.iter().all(|n| *n == 0.0));
}

#[test]
fn the_buffer_sampler_keeps_one_value_a_second_and_repeats_missed_seconds() {
    let config = SimConfig { delivery_streams: vec![direct_put("to-s3")], ..SimConfig::default() };
    let mut sim = Simulation::new(config).expect("valid");
    let mut sampler = BufferSampler::default();
    for ms in [500, 1_500, 4_500] {
        sim.advance_to(SimTime::from_millis(ms));
        sampler.sample(&sim);
    }
    let series = sampler.series("to-s3", 0, 4);
    let at = |s: usize| series[s];
    assert_eq!(series.len(), 5);
    assert!(at(1) >= at(0), "{series:?}");
    assert_eq!(series[2], series[1], "missed seconds repeat the previous sample");
    assert_eq!(series[3], series[1]);
    assert!(series[4] > series[1], "{series:?}");
    let view = &firehose_views(&sim, Some(&sampler))[0];
    assert_eq!(view.charts.end_second, 3);
    let mut watch = FirehoseWatch { sampler: sampler.clone(), ..FirehoseWatch::default() };
    assert_eq!(&watch.views(&sim)[0], view, "the watch draws the same views");
    assert_eq!(view.charts.buffered_bytes.len(), 4);
    assert_eq!(view.charts.incoming_bytes.len(), 4);
}

const COUNTS: &str = "CREATE OR REPLACE STREAM \"DESTINATION_SQL_STREAM\" (event_type VARCHAR(16), events INTEGER);\n\
CREATE OR REPLACE PUMP \"STREAM_PUMP\" AS INSERT INTO \"DESTINATION_SQL_STREAM\"\n  SELECT STREAM event_type, COUNT(*) FROM \"SOURCE_SQL_STREAM_001\"\n  GROUP BY event_type, STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '10' SECOND);";

fn analytics_config() -> SimConfig {
    SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
        producers: vec![clickstream(10)],
        analytics: vec![
            AnalyticsAppConfig { name: "events".into(), sql: COUNTS.into(), ..AnalyticsAppConfig::default() },
            AnalyticsAppConfig {
                name: "typo".into(),
                sql: "CREATE OR REPLACE STREAM \"OUT\" (x INTEGER);\nCREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\" SELECT STREAM amout FROM \"SOURCE_SQL_STREAM_001\";".into(),
                ..AnalyticsAppConfig::default()
            },
        ],
        ..SimConfig::default()
    }
}

#[test]
fn a_tumbling_count_shows_its_open_window_and_the_rows_it_emitted() {
    let sim = run(analytics_config(), 35_000);
    let views = analytics_views(&sim);
    let v = &views[0];
    assert_eq!(v.name, "events");
    assert!(!v.flink);
    assert!(v.dialect_label.contains("historical (retired January 2026)"));
    assert_eq!(v.status, "running");
    assert!(v.input_columns.iter().any(|(c, t)| c == "event_type" && t == "VARCHAR"), "{:?}", v.input_columns);
    // Windows [0, 10), [10, 20), [20, 30) have fired at their ends; [30, 40) is open.
    assert!(!v.windows.is_empty());
    assert!(v.windows.iter().all(|w| w.start == "00:00:30" && w.end == "00:00:40"), "{:?}", v.windows);
    let open: u64 = v.windows.iter().map(|w| w.rows).sum();
    let out = v.streams.iter().find(|s| s.name == "DESTINATION_SQL_STREAM").expect("the output stream");
    assert_eq!(out.role, "in-application stream");
    assert_eq!(out.columns.len(), 2);
    let times: std::collections::BTreeSet<&str> = out.rows.iter().map(|r| r.time.as_str()).collect();
    assert_eq!(times.into_iter().collect::<Vec<_>>(), ["00:00:10", "00:00:20", "00:00:30"]);
    let counted: u64 = out.rows.iter().map(|r| r.values[1].parse::<u64>().expect("a count")).sum();
    assert_eq!(counted + open, v.records_read, "every record read is in one window");
    assert_eq!(v.rows_total, out.rows_total);
    assert!(v.streams.iter().all(|s| s.name != "error_stream"), "error_stream only once it has rows");
    assert_eq!(v.canvas_figure(), (format!("{} rows · 1 window open", v.rows_total), ""));
    assert_eq!(views[1].canvas_figure(), ("SQL errors".to_string(), "over"));
    // Rows per second: stamped at 10, 20 and 30 s.
    assert_eq!(v.end_second, 34);
    let emitted: Vec<usize> = v.rows_per_sec.iter().enumerate().filter(|(_, n)| **n > 0.0).map(|(i, _)| i).collect();
    assert_eq!(emitted, [10, 20, 30]);
    // The editor checks the SQL against the discovered schema.
    let schema = v.schema.as_ref().expect("discovered");
    assert!(sql_problems(COUNTS, false, Some(schema)).is_empty());
}

#[test]
fn a_misspelt_column_stops_the_application_and_points_at_line_and_column() {
    let sim = run(analytics_config(), 10_000);
    let v = &analytics_views(&sim)[1];
    assert_eq!(v.status, "stopped by SQL errors");
    assert!(v.problems.iter().any(|p| p.contains("amout")), "{:?}", v.problems);
    let schema = v.schema.as_ref().expect("discovered from the stream");
    let problems = sql_problems(&v.sql, false, Some(schema));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!((problems[0].line, problems[0].column), (2, 63));
    assert!(problems[0].message.contains("amout"), "{}", problems[0].message);
    // Without records to discover a schema from, only the syntax is checked.
    assert!(sql_problems(&v.sql, false, None).is_empty());
    let syntax = sql_problems("SELECT STREAM FROM", false, None);
    assert_eq!(syntax[0].line, 1);
}

#[test]
fn a_flink_application_is_labelled_and_checked_without_a_schema() {
    let sql = "CREATE TABLE clicks (event_type STRING, p AS PROCTIME()) WITH ('connector' = 'kinesis');\n\
SELECT window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(p), INTERVAL '10' SECOND))\nGROUP BY window_start, window_end;";
    let mut config = analytics_config();
    config.analytics = vec![AnalyticsAppConfig {
        name: "windows".into(),
        dialect: SqlDialect::Flink,
        sql: sql.into(),
        ..AnalyticsAppConfig::default()
    }];
    let sim = run(config, 25_000);
    let v = &analytics_views(&sim)[0];
    assert!(v.flink);
    assert_eq!(v.dialect_label, FLINK_LABEL);
    assert_eq!(v.status, "running");
    assert!(v.schema.is_none());
    let results = &v.streams[0];
    assert_eq!(results.role, "query results");
    assert_eq!(results.rows[0].window.as_deref(), Some("00:00:00 – 00:00:10"));
    assert!(sql_problems(sql, true, None).is_empty());
    let bad = sql_problems(&sql.replace("COUNT(*) AS n", "COUNT(*) AS n,"), true, None);
    assert_eq!(bad[0].line, 2, "{bad:?}");
}

#[test]
fn previews_are_text_or_base64_and_cut() {
    assert_eq!(preview_text(b"{\"a\":1}\n"), "{\"a\":1}\n");
    assert_eq!(preview_text(&[0, 159, 146, 150]), "binary, as base64: AJ+Slg==");
    let long = "x".repeat(600);
    assert_eq!(preview_text(long.as_bytes()).chars().count(), PREVIEW_CHARS_MAX + 1);
    assert_eq!(seconds_text(36_100), "37 s");
    assert_eq!(seconds_text(125_000), "2 min 5 s");
}
