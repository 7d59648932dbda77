//! Delivery streams end to end, on the service alone (no `Simulation`). Expected values are hand
//! calculations from `docs/aws-behaviour.md`.

use super::compress::Compression;
use super::config::{BufferingHints, ColumnType, DynamicPartitioning, FormatConversion, OutputFormat};
use super::delivery::ObjectKind;
use super::*;
use crate::kinesis::KinesisConfig;
use alloc::string::ToString;
use alloc::vec;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// 2018-08-27 10:30:00 UTC (`docs/aws-behaviour.md` §5.9's example instant), in Unix ms.
const EXAMPLE_EPOCH_MS: u64 = (17_770 * 86_400 + 10 * 3_600 + 30 * 60) * 1_000;
const MIB: u64 = 1_048_576;

struct World {
    firehose: Firehose,
    kinesis: Kinesis,
    now: SimTime,
    /// Events taken by [`World::run_with_source`].
    events: Vec<crate::Event>,
}

impl World {
    fn new() -> Self {
        let firehose = Firehose::new(FirehoseConfig {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            epoch_unix_ms: EXAMPLE_EPOCH_MS,
            transition_delay_ms: 500,
            seed: 7,
        });
        Self { firehose, kinesis: Kinesis::new(KinesisConfig::default()), now: SimTime::ZERO, events: Vec::new() }
    }

    fn create(&mut self, config: DeliveryStreamConfig) {
        self.firehose.create_active(self.now, config, &self.kinesis).expect("valid config");
    }

    /// Runs every due step up to `t` (bounded).
    fn run_until(&mut self, t: SimTime) {
        for _ in 0..1_000_000 {
            match self.firehose.next_deadline() {
                Some(at) if at <= t => {
                    self.now = self.now.max(at);
                    self.firehose.complete_due(self.now, &mut self.kinesis);
                }
                _ => break,
            }
        }
        self.now = self.now.max(t);
    }

    fn put(&mut self, name: &str, data: &[u8]) {
        self.firehose.put_record(self.now, name, data.to_vec()).expect("accepted");
    }

    fn stream(&self, name: &str) -> &DeliveryStream {
        self.firehose.delivery_stream(name).expect("exists")
    }

    fn objects(&self, name: &str, kind: ObjectKind) -> Vec<delivery::S3Object> {
        self.stream(name).s3_objects.iter().filter(|o| o.kind == kind).cloned().collect()
    }
}

fn s3_stream(name: &str, hints: Option<BufferingHints>) -> DeliveryStreamConfig {
    let mut c = DeliveryStreamConfig::direct_put_to_s3(name);
    c.destination.buffering = hints;
    c
}

#[test]
fn size_hint_flushes_first_when_data_comes_fast() {
    // `docs/aws-behaviour.md` §5.4: default S3 hints are 5 MiB and 300 s, first condition wins. Two records of
    // 512 KiB every second reach 5 MiB with the put at t = 4 s, long before 300 s.
    let mut w = World::new();
    w.create(s3_stream("fast", None));
    for second in 0..5 {
        w.run_until(SimTime::from_secs(second));
        for _ in 0..2 {
            w.put("fast", &vec![b'a'; 512 * 1_024]);
        }
    }
    w.run_until(SimTime::from_secs(4));
    let objects = w.objects("fast", ObjectKind::Data);
    assert_eq!(objects.len(), 1);
    assert_eq!((objects[0].records, objects[0].uncompressed_bytes), (10, 5 * MIB));
    assert_eq!(objects[0].flush_reason, Some(delivery::FlushReason::Size));
    assert_eq!(objects[0].written_unix_ms - EXAMPLE_EPOCH_MS, 4_000);
}

#[test]
fn interval_hint_flushes_first_when_data_comes_slowly() {
    // One 1 KiB record every 10 s never reaches 5 MiB: the buffer flushes 300 s after its first record
    // (t = 0), holding the 30 records of t = 0 … 290 s; the record put at t = 300 s starts the next buffer.
    let mut w = World::new();
    w.create(s3_stream("slow", None));
    for i in 0..=30 {
        w.run_until(SimTime::from_secs(i * 10));
        w.put("slow", &[b'x'; 1_024]);
    }
    let objects = w.objects("slow", ObjectKind::Data);
    assert_eq!(objects.len(), 1);
    let o = &objects[0];
    assert_eq!((o.records, o.uncompressed_bytes), (30, 30 * 1_024));
    assert_eq!(o.written_unix_ms - EXAMPLE_EPOCH_MS, 300_000);
    assert_eq!(o.flush_reason, Some(delivery::FlushReason::Interval));
    assert_eq!((o.first_arrival_unix_ms - EXAMPLE_EPOCH_MS, o.last_arrival_unix_ms - EXAMPLE_EPOCH_MS), (0, 290_000));
    let views = w.stream("slow").buffer_views(w.now);
    assert_eq!((views[0].records, views[0].flushes_in_ms), (1, 300_000));
    // 1 KiB of 5 MiB (0.02 %) at age 0 of 300 s (0 %): the size is proportionally closer.
    assert_eq!(views[0].next_flush, delivery::FlushReason::Size);
    w.run_until(SimTime::from_secs(301));
    // At 1 s of 300 s (0.33 %) the interval is ahead of 1 KiB of 5 MiB (0.02 %).
    assert_eq!(w.stream("slow").buffer_views(w.now)[0].next_flush, delivery::FlushReason::Interval);
    // A zero interval flushes at once.
    w.create(s3_stream("zero", Some(BufferingHints { size_mib: 5, interval_secs: 0 })));
    w.put("zero", b"now");
    w.run_until(w.now);
    assert_eq!(w.objects("zero", ObjectKind::Data).len(), 1);
}

#[test]
fn object_keys_follow_the_documented_example() {
    // `docs/aws-behaviour.md` §5.9: at 2018-08-27 10:30 UTC with no prefix the key starts 2018/08/27/10/, then
    // <DeliveryStreamName>-<DeliveryStreamVersion>-YYYY-MM-dd-HH-MM-SS-<uuid><extension>.
    let mut w = World::new();
    let mut c = s3_stream("mystream", None);
    c.destination.s3.compression = Compression::Gzip;
    w.create(c);
    w.put("mystream", b"{}");
    w.run_until(SimTime::from_secs(300));
    let key = &w.objects("mystream", ObjectKind::Data)[0].key;
    let head = "2018/08/27/10/mystream-1-2018-08-27-10-30-00-";
    assert!(key.starts_with(head), "{key}");
    assert!(key.ends_with(".gz"), "{key}");
    assert_eq!(key.len(), head.len() + 36 + 3);
    // A custom prefix with timestamps, and the version after UpdateDestination.
    let mut d = w.stream("mystream").config.destination.clone();
    d.s3.prefix =
        Some("myPrefix/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/".into());
    d.s3.error_output_prefix = Some("!{firehose:error-output-type}/".into());
    assert_eq!(
        w.firehose.update_destination("mystream", "2", d.clone(), None).map_err(|e| e.kind),
        Err(FirehoseErrorKind::ConcurrentModification)
    );
    w.firehose.update_destination("mystream", "1", d, None).expect("version 1 is current");
    w.put("mystream", b"{}");
    w.run_until(SimTime::from_secs(600));
    let key = &w.objects("mystream", ObjectKind::Data)[1].key;
    assert!(key.starts_with("myPrefix/year=2018/month=08/day=27/hour=10/mystream-2-2018-08-27-10-35-00-"), "{key}");
}

#[test]
fn the_lambda_contract_routes_ok_dropped_and_failed() {
    let mut w = World::new();
    let mut c = s3_stream("t", Some(BufferingHints { size_mib: 1, interval_secs: 0 }));
    c.processing = Some(ProcessingConfig::with_program("drop if .level == \"debug\"\nfail if .amount < 0\ndel .ip"));
    c.destination.s3.append_newline = true;
    w.create(c);
    w.put("t", br#"{"level":"debug"}"#);
    w.put("t", br#"{"level":"info","amount":-1}"#);
    w.put("t", br#"{"level":"info","amount":3,"ip":"1.1.1.1"}"#);
    // The processor buffer (1 MiB / 60 s) holds them until t = 60 s.
    w.run_until(SimTime::from_secs(59));
    assert!(w.stream("t").s3_objects.is_empty());
    w.run_until(SimTime::from_secs(60));
    let t = w.stream("t").totals;
    assert_eq!((t.transform_ok_records, t.dropped_records, t.processing_failed_records), (1, 1, 1));
    assert_eq!(t.invocations, 1);
    // Three small records take a few dozen steps: under 1,000, so 1 ms.
    assert_eq!(w.stream("t").metrics.second(60).execute_processing_duration_ms, 1);
    let data = w.objects("t", ObjectKind::Data);
    assert_eq!(data[0].content.as_deref(), Some(&b"{\"level\":\"info\",\"amount\":3}\n"[..]));
    let errors = w.objects("t", ObjectKind::Error);
    // No ErrorOutputPrefix: <Prefix><error-output-type>/YYYY/MM/dd/HH/ (`docs/aws-behaviour.md` §5.9).
    assert!(errors[0].key.starts_with("processing-failed/2018/08/27/10/t-1-2018-08-27-10-30-00-"), "{}", errors[0].key);
    let line = String::from_utf8(errors[0].content.clone().expect("small")).expect("utf-8");
    let raw = base64::engine::general_purpose::STANDARD.encode(br#"{"level":"info","amount":-1}"#);
    use base64::Engine as _;
    assert!(line.contains(&format!("\"rawData\":\"{raw}\"")), "{line}");
    assert!(line.starts_with(
        "{\"attemptsMade\":1,\"arrivalTimestamp\":1535365800000,\"errorCode\":\"Lambda.ProcessingFailed\""
    ));
    assert!(line.contains("\"lambdaArn\":\"arn:aws:lambda:us-east-1:123456789012:function:t-transform\""));
}

#[test]
fn a_failing_invocation_is_retried_three_times_then_its_records_fail() {
    // A program that needs more steps than one invocation may take fails every attempt: 1 + 3 retries.
    let mut w = World::new();
    let mut c = s3_stream("slowfn", None);
    // About 11 steps per statement, 55 statements: ~600 steps a record, so 4,000 records need ~2.4 M steps.
    let heavy = "set .a = upper(upper(upper(upper(upper(upper(upper(upper(.b))))))))\n".repeat(55);
    c.processing = Some(ProcessingConfig::with_program(&heavy));
    c.destination.s3.compression = Compression::Gzip;
    w.create(c);
    for _ in 0..8 {
        let batch = (0..500).map(|i| format!("{{\"b\":\"r{i}\"}}").into_bytes()).collect();
        w.firehose.put_record_batch(w.now, "slowfn", batch).expect("within limits");
    }
    w.run_until(SimTime::from_secs(60));
    let s = w.stream("slowfn");
    assert_eq!((s.totals.invocations, s.totals.invocation_failures), (4, 4));
    // Each ran out of its 2,000,000 steps: 1 ms + 2,000,000 / 1,000 ms.
    assert_eq!(s.metrics.second(60).execute_processing_duration_ms, 2_001);
    assert_eq!(s.totals.processing_failed_records, 4_000);
    let errors = w.objects("slowfn", ObjectKind::Error);
    let text = String::from_utf8(errors[0].decompressed().expect("kept")).expect("utf-8");
    assert_eq!(text.lines().count(), 4_000);
    assert!(text.starts_with("{\"attemptsMade\":4,"), "{}", &text[..80]);
    assert!(text.contains("Lambda.FunctionTimeout"));
}

#[test]
fn compressed_objects_round_trip_to_the_records() {
    for compression in [Compression::Gzip, Compression::Zip, Compression::Snappy, Compression::HadoopSnappy] {
        let mut w = World::new();
        let mut c = s3_stream("z", None);
        c.destination.s3.compression = compression;
        c.destination.s3.append_newline = true;
        w.create(c);
        let mut expected = Vec::new();
        for i in 0..200 {
            let record = format!("{{\"user\":\"u{}\",\"page\":\"/home\"}}", i % 7);
            w.put("z", record.as_bytes());
            expected.extend_from_slice(record.as_bytes());
            expected.push(b'\n');
        }
        w.run_until(SimTime::from_secs(300));
        let o = &w.objects("z", ObjectKind::Data)[0];
        assert_eq!(o.decompressed(), Some(expected.clone()), "{compression:?}");
        assert_eq!(o.uncompressed_bytes, expected.len() as u64);
        assert!(o.stored_bytes < o.uncompressed_bytes / 3, "{compression:?}: {}", o.stored_bytes);
        assert!(o.key.ends_with(compression.extension()));
    }
}

fn http_stream(name: &str, retry_secs: u32) -> DeliveryStreamConfig {
    let mut c = DeliveryStreamConfig::direct_put_to_s3(name);
    c.destination =
        DestinationConfig::of(DestinationKind::HttpEndpoint { url: "https://example.com".into(), gzip: false });
    c.destination.buffering = Some(BufferingHints { size_mib: 1, interval_secs: 60 });
    c.destination.retry_duration_secs = Some(retry_secs);
    c
}

#[test]
fn an_outage_longer_than_the_retry_duration_sends_records_to_the_backup() {
    // Flush at 60 s; attempts at 60, 61, 63, 67, 75 and 91 s (backoff 1, 2, 4, 8, 16, 30 s). The 60 s retry
    // duration starts when the first attempt fails (60 s) and ends at 120 s, before the next attempt (121 s)
    // would be made: at 120 s the records are written under http-endpoint-failed/ with attemptsMade 6.
    let mut w = World::new();
    w.create(http_stream("h", 60));
    w.firehose.set_outage(w.now, "h", 600_000).expect("exists");
    for i in 0..10 {
        w.put("h", format!("r{i}").as_bytes());
    }
    w.run_until(SimTime::from_secs(200));
    let s = w.stream("h");
    let attempts: Vec<u64> = s.requests.iter().map(|r| (r.at_unix_ms - EXAMPLE_EPOCH_MS) / 1_000).collect();
    assert_eq!(attempts, [60, 61, 63, 67, 75, 91]);
    assert!(s.requests.iter().all(|r| r.error_code == Some("HttpEndpoint.DestinationException") && !r.received));
    assert_eq!((s.totals.backed_up_failed_records, s.totals.delivered_records), (10, 0));
    let errors = w.objects("h", ObjectKind::Error);
    assert!(errors[0].key.starts_with("http-endpoint-failed/2018/08/27/10/"), "{}", errors[0].key);
    let text = String::from_utf8(errors[0].content.clone().expect("kept")).expect("utf-8");
    assert!(text.starts_with(
        "{\"attemptsMade\":6,\"arrivalTimestamp\":1535365800000,\"errorCode\":\"HttpEndpoint.DestinationException\""
    ));
    assert!(text.contains("\"attemptEndingTimestamp\":1535365920000"));
    assert_eq!(w.stream("h").accounted_records(), 10);
}

#[test]
fn a_short_outage_only_delays_delivery() {
    let mut w = World::new();
    w.create(http_stream("h", 300));
    w.firehose.set_outage(w.now, "h", 70_000).expect("exists");
    w.put("h", b"hello");
    w.run_until(SimTime::from_secs(200));
    // Attempts at 60, 61, 63, 67 fail; the one at 75 s (after the outage ends at 70 s) succeeds.
    let s = w.stream("h");
    assert_eq!(s.requests.len(), 5);
    assert_eq!(s.requests[4].error_code, None);
    assert_eq!(s.requests[4].request_id, s.requests[0].request_id, "the request id is kept across retries");
    assert_eq!((s.totals.delivered_records, s.totals.duplicate_records), (1, 0));
    let body = String::from_utf8(s.requests[4].body.clone().expect("kept")).expect("utf-8");
    assert!(body.contains("\"records\":[{\"data\":\"aGVsbG8=\"}]"), "{body}");
}

#[test]
fn a_splunk_ack_timeout_retries_and_the_duplicate_is_counted() {
    // Splunk acknowledges only after 200 s while the ack timeout is 180 s: Splunk indexed the events, but
    // Firehose retries (at-least-once), so the destination ends up with them twice.
    let mut w = World::new();
    let mut c = DeliveryStreamConfig::direct_put_to_s3("sp");
    c.destination =
        DestinationConfig::of(DestinationKind::Splunk { hec_endpoint: "https://hec".into(), ack_timeout_secs: 180 });
    c.destination.buffering = Some(BufferingHints { size_mib: 1, interval_secs: 0 });
    w.create(c);
    w.firehose.set_slowdown(w.now, "sp", 200_000, 10_000).expect("exists");
    w.firehose.put_record_batch(w.now, "sp", vec![b"e0".to_vec(), b"e1".to_vec(), b"e2".to_vec()]).expect("accepted");
    w.run_until(SimTime::from_secs(400));
    let s = w.stream("sp");
    assert_eq!(s.requests[0].error_code, Some("Splunk.AckTimeout"));
    assert!(s.requests[0].received);
    assert_eq!((s.totals.delivered_records, s.totals.duplicate_records), (3, 3));
    // The retry came after the 180 s timeout plus 1 s of backoff.
    assert_eq!(s.requests[1].at_unix_ms - s.requests[0].at_unix_ms, 181_000);
}

#[test]
fn dynamic_partitioning_keeps_one_buffer_per_partition_and_a_quota() {
    let mut w = World::new();
    let mut c = s3_stream("dp", Some(BufferingHints { size_mib: 64, interval_secs: 60 }));
    c.destination.s3.prefix = Some("customer=!{partitionKeyFromQuery:customer_id}/".into());
    c.destination.s3.error_output_prefix = Some("errors/!{firehose:error-output-type}/".into());
    let mut keys = BTreeMap::new();
    keys.insert("customer_id".to_string(), ".customer_id".to_string());
    c.destination.dynamic_partitioning = Some(DynamicPartitioning { keys, active_partitions_max: 2 });
    w.create(c);
    for customer in ["a", "b", "a", "c"] {
        w.put("dp", format!("{{\"customer_id\":\"{customer}\"}}").as_bytes());
    }
    w.put("dp", b"not json");
    assert_eq!(w.stream("dp").buffer_views(w.now).len(), 2);
    w.run_until(SimTime::from_secs(60));
    let data = w.objects("dp", ObjectKind::Data);
    let keys: Vec<&str> = data.iter().map(|o| &o.key[..11]).collect();
    assert_eq!(keys, ["customer=a/", "customer=b/"]);
    assert_eq!(data[0].records, 2);
    let s = w.stream("dp");
    assert_eq!(s.totals.partitioning_failed_records, 2, "customer c is beyond the quota of 2; 'not json' has no key");
    // The error output prefix has its own expressions, so it is used as evaluated: no YYYY/MM/dd/HH/.
    assert!(
        w.objects("dp", ObjectKind::Error)[0].key.starts_with("errors/partitioning-failed/dp-1-2018-08-27-10-30-00-")
    );
    assert_eq!(s.usage.dynamic_partitioning_objects, 2);
}

#[test]
fn format_conversion_checks_the_schema_and_names_parquet() {
    let mut w = World::new();
    let mut c = s3_stream("fc", None);
    let mut columns = BTreeMap::new();
    columns.insert("n".to_string(), ColumnType::Int);
    c.destination.format_conversion = Some(FormatConversion { output: OutputFormat::Parquet, columns });
    w.create(c);
    w.put("fc", br#"{"n":1}"#);
    w.put("fc", br#"{"n":"one"}"#);
    w.put("fc", br#"[1]"#);
    w.run_until(SimTime::from_secs(300));
    assert_eq!(w.stream("fc").totals.conversion_failed_records, 2);
    assert!(w.objects("fc", ObjectKind::Data)[0].key.ends_with(".parquet"));
    assert!(w.objects("fc", ObjectKind::Error)[0].key.starts_with("format-conversion-failed/"));
}

#[test]
fn direct_put_limits_and_quota() {
    let mut w = World::new();
    w.create(s3_stream("q", None));
    let too_big = w.firehose.put_record(w.now, "q", vec![0; 1_024_001]).expect_err("over 1,000 KiB");
    assert_eq!(too_big.kind, FirehoseErrorKind::InvalidArgument);
    w.firehose.put_record(w.now, "q", vec![0; 1_024_000]).expect("exactly 1,000 KiB");
    assert!(w.firehose.put_record_batch(w.now, "q", vec![vec![1]; 501]).is_err());
    let over = w.firehose.put_record_batch(w.now, "q", vec![vec![1; 1_000_000]; 5]).expect_err("5 MB > 4 MiB");
    assert_eq!(over.message, "Records size exceeds 4 MiB limit");
    // 5 MiB/s in us-east-1: 1,024,000 B are used; four more batches of four 1,000,000 B records: the
    // 5,242,880 B budget takes 4 more records (5,024,000 B), then every record fails with Slow down.
    let mut failed = 0;
    for _ in 0..4 {
        let out = w.firehose.put_record_batch(w.now, "q", vec![vec![1; 1_000_000]; 4]).expect("accepted call");
        failed += out.failed_put_count;
        if out.failed_put_count > 0 {
            assert!(matches!(&out.entries[3], BatchEntry::Failed { error_code: "ServiceUnavailableException", .. }));
        }
    }
    assert_eq!(failed, 12);
    assert_eq!(w.stream("q").totals.throttled_records, 12);
    // A new second has a new budget.
    w.run_until(SimTime::from_secs(1));
    w.firehose.put_record(w.now, "q", vec![0; 1_000]).expect("new second");
    // Puts to a missing stream.
    assert_eq!(
        w.firehose.put_record(w.now, "nope", vec![]).map_err(|e| e.kind),
        Err(FirehoseErrorKind::ResourceNotFound)
    );
}

#[test]
fn no_record_is_lost_or_delivered_twice() {
    // Records are numbered; a transform drops every 7th and fails every 11th; an S3 outage of 10 minutes
    // delays delivery. In the end each remaining record is in exactly one data object, and every record is
    // accounted for.
    let mut w = World::new();
    let mut c = s3_stream("inv", Some(BufferingHints { size_mib: 1, interval_secs: 30 }));
    c.processing = Some(ProcessingConfig {
        buffer_interval_secs: 5,
        ..ProcessingConfig::with_program("drop if .n7 == 0\nfail if .n11 == 0")
    });
    c.destination.s3.append_newline = true;
    c.destination.s3.compression = Compression::Gzip;
    w.create(c);
    let mut n = 0u64;
    for second in 0..1_200u64 {
        w.run_until(SimTime::from_secs(second));
        if second == 100 {
            w.firehose.set_outage(w.now, "inv", 600_000).expect("exists");
        }
        let count = 1 + second % 5;
        let batch: Vec<Vec<u8>> = (0..count)
            .map(|i| {
                let id = n + i;
                format!(
                    "{{\"id\":{id},\"n7\":{},\"n11\":{},\"pad\":\"{}\"}}",
                    id % 7,
                    id % 11,
                    "x".repeat((id % 300) as usize)
                )
                .into_bytes()
            })
            .collect();
        n += count;
        w.firehose.put_record_batch(w.now, "inv", batch).expect("within quota");
    }
    w.run_until(SimTime::from_secs(3_000));
    let s = w.stream("inv");
    assert_eq!(s.totals.incoming_records, n);
    assert_eq!(s.accounted_records(), n);
    assert_eq!(s.buffered_records(), 0);
    let mut seen = vec![0u32; n as usize];
    for o in w.objects("inv", ObjectKind::Data) {
        let text = String::from_utf8(o.decompressed().expect("kept and valid")).expect("utf-8");
        for line in text.lines() {
            let id: usize = line[6..line.find(',').expect("has fields")].parse().expect("id");
            seen[id] += 1;
        }
    }
    for (id, count) in seen.iter().enumerate() {
        let expected = u32::from(id % 7 != 0 && id % 11 != 0);
        assert_eq!(*count, expected, "record {id}");
    }
    let dropped = (0..n).filter(|id| id % 7 == 0).count() as u64;
    let failed = (0..n).filter(|id| id % 7 != 0 && id % 11 == 0).count() as u64;
    assert_eq!((s.totals.dropped_records, s.totals.processing_failed_records), (dropped, failed));
    assert_eq!(s.totals.delivered_records, n - dropped - failed);
    assert_eq!(s.totals.duplicate_records, 0);
    assert!(s.s3_objects.iter().all(|o| o.written_unix_ms < EXAMPLE_EPOCH_MS + 100_000
        || o.written_unix_ms >= EXAMPLE_EPOCH_MS + 700_000
        || o.kind == ObjectKind::Error));
}

#[test]
fn a_kinesis_source_reads_every_shard_once_a_second_from_latest() {
    // 2 shards, 200 records/s of 100 B. Firehose reads each shard once per second (GetRecords counts
    // against the shard's 5 calls/s), so over 310 s it reads what was written, minus the last second or so
    // still on its way (200 ms put-to-get delay, 1 s polls). 5 MiB (the size hint) is 52,428.8 records of
    // 100 B, 262.1 s of data at 20,000 B/s: the poll at t = 263 s crosses it, before the 300 s interval.
    use crate::{ProducerConfig, SimConfig, Simulation};
    let mut delivery = DeliveryStreamConfig::direct_put_to_s3("from-kds");
    delivery.source = Source::KinesisStream { stream_name: "clickstream".into() };
    let config = SimConfig {
        producers: vec![ProducerConfig::steady("p", 200, 100, 1_000)],
        delivery_streams: vec![delivery],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(310));
    let written: u64 = sim.producers().map(|(_, t)| t.accepted).sum();
    let stream = sim.firehose().delivery_stream("from-kds").expect("created");
    let read = stream.totals.incoming_records;
    assert!(written - read <= 2 * 200, "written {written}, read {read}");
    let second = stream.metrics.second(100);
    assert_eq!(second.read_from_kinesis_records, 200);
    let objects: Vec<_> = stream.s3_objects.iter().collect();
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0].written_unix_ms - sim.config().epoch_unix_ms, 263_000);
    assert!((5 * MIB..5 * MIB + 20_000).contains(&objects[0].uncompressed_bytes), "{}", objects[0].uncompressed_bytes);
    // Direct PUT is refused on such a stream.
    let err = sim.firehose_mut().put_record(SimTime::from_secs(310), "from-kds", vec![1]).expect_err("not Direct PUT");
    assert_eq!(err.kind, FirehoseErrorKind::InvalidArgument);
    // The shard's read metrics saw Firehose's calls: one per shard per second.
    let shard = &sim.stream().expect("exists").shards()[0];
    assert_eq!(shard.metrics.second(100).get_records_success, 1);
}

#[test]
fn a_scheduled_outage_command_delays_s3_delivery() {
    use crate::sim::{Command, ScheduledCommand};
    use crate::{SimConfig, Simulation};
    let mut delivery = DeliveryStreamConfig::direct_put_to_s3("d");
    delivery.destination.buffering = Some(BufferingHints { size_mib: 1, interval_secs: 10 });
    let config = SimConfig {
        producers: vec![],
        delivery_streams: vec![delivery],
        scheduled: vec![ScheduledCommand {
            at_ms: 0,
            command: Command::DestinationOutage { delivery_stream: "d".into(), duration_ms: 20_000 },
        }],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(1));
    sim.firehose_mut().put_record(SimTime::from_secs(1), "d", b"x".to_vec()).expect("accepted");
    sim.advance_to(SimTime::from_secs(60));
    // Flush at 11 s; attempts at 11, 12, 14, 18 fail; the one at 26 s (after 20 s) succeeds.
    let stream = sim.firehose().delivery_stream("d").expect("exists");
    let written: Vec<u64> = stream.s3_objects.iter().map(|o| o.written_unix_ms - sim.config().epoch_unix_ms).collect();
    assert_eq!(written, [26_000]);
    assert_eq!(stream.totals.delivered_records, 1);
    let attempts: u64 = stream.metrics.iter().map(|s| s.delivery_attempts).sum();
    assert_eq!(attempts, 5);
    let mut lines = Vec::new();
    while let Some(event) = sim.poll_event() {
        let line = event.to_string();
        if line.contains("firehose") {
            lines.push(line);
        }
    }
    assert_eq!(
        lines,
        [
            "00:00:11.000 firehose-delivery-failed stream=d code=S3.ServiceUnavailable attempt=1 gave_up=false",
            "00:00:12.000 firehose-delivery-failed stream=d code=S3.ServiceUnavailable attempt=2 gave_up=false",
            "00:00:14.000 firehose-delivery-failed stream=d code=S3.ServiceUnavailable attempt=3 gave_up=false",
            "00:00:18.000 firehose-delivery-failed stream=d code=S3.ServiceUnavailable attempt=4 gave_up=false",
            "00:00:26.000 firehose-delivered stream=d to=S3 records=1 bytes=1",
        ]
    );
}

#[test]
fn random_operations_never_panic_and_every_record_stays_accounted_for() {
    // A small LCG drives creates of every destination type (some with invalid settings), puts of odd data,
    // outages, slowdowns, updates and time steps. After every step, each stream accounts for every record.
    let mut state = 0x5eed_u64;
    let mut next = move |bound: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % bound.max(1)
    };
    let mut w = World::new();
    let kinds = [
        DestinationKind::S3,
        DestinationKind::Redshift { table: "t".into() },
        DestinationKind::OpenSearch { index_name: "i".into(), rotation: config::IndexRotation::OneWeek },
        DestinationKind::HttpEndpoint { url: "https://x".into(), gzip: true },
        DestinationKind::Splunk { hec_endpoint: "https://h".into(), ack_timeout_secs: 180 },
    ];
    let payloads: [&[u8]; 6] =
        [b"", b"{\"a\":1}", b"not json", b"{\"customer_id\":\"\xc3\xa9\"}", b"[1,2]", &[0xff, 0xfe]];
    let programs = ["", "drop if .a == 1", "fail if not has .a\nset .b = upper(.a)", "csv .a, .b", "partition k = .a"];
    let names = ["a", "b", "c"];
    let mut busiest = 0;
    for _ in 0..6_000 {
        let name = names[next(3) as usize];
        match next(10) {
            0 => {
                let mut c = s3_stream(name, None);
                c.destination = DestinationConfig::of(kinds[next(5) as usize].clone());
                c.destination.buffering =
                    Some(BufferingHints { size_mib: next(130) as u32, interval_secs: next(1_000) as u32 });
                c.destination.retry_duration_secs = Some(next(200) as u32);
                c.destination.s3.compression = [
                    Compression::Uncompressed,
                    Compression::Gzip,
                    Compression::Zip,
                    Compression::Snappy,
                    Compression::HadoopSnappy,
                ][next(5) as usize];
                c.destination.s3.prefix = ["", "p/", "!{timestamp:yyyy}/", "!{partitionKeyFromQuery:customer_id}/"]
                    [next(4) as usize]
                    .to_string()
                    .into();
                c.destination.s3.error_output_prefix = Some("e/!{firehose:error-output-type}/".into());
                c.destination.s3.append_newline = next(2) == 0;
                if next(3) == 0 {
                    let mut keys = BTreeMap::new();
                    keys.insert("customer_id".to_string(), ".customer_id".to_string());
                    c.destination.dynamic_partitioning =
                        Some(DynamicPartitioning { keys, active_partitions_max: 1 + next(3) as u32 });
                }
                if next(2) == 0 {
                    c.processing = Some(ProcessingConfig {
                        buffer_interval_secs: next(120) as u32,
                        ..ProcessingConfig::with_program(programs[next(5) as usize])
                    });
                }
                let _ = w.firehose.create_delivery_stream(w.now, c, &w.kinesis);
            }
            1..=4 => {
                let data = payloads[next(6) as usize].to_vec();
                let _ = w.firehose.put_record(w.now, name, data);
            }
            5 => {
                let batch = (0..1 + next(20)).map(|_| payloads[next(6) as usize].to_vec()).collect();
                let _ = w.firehose.put_record_batch(w.now, name, batch);
            }
            6 => {
                let _ = w.firehose.set_outage(w.now, name, next(600_000));
            }
            7 => {
                let _ = w.firehose.set_slowdown(w.now, name, next(700_000), next(600_000));
            }
            8 => {
                let _ = w.firehose.delete_delivery_stream(w.now, name);
            }
            _ => {
                let t = w.now + SimDuration::from_millis(next(120_000));
                w.run_until(t);
            }
        }
        let mut incoming = 0;
        for stream in w.firehose.delivery_streams() {
            assert_eq!(stream.accounted_records(), stream.totals.incoming_records, "{}", stream.config.name);
            incoming += stream.totals.incoming_records;
        }
        busiest = busiest.max(incoming);
    }
    w.run_until(w.now + SimDuration::from_secs(100_000));
    for stream in w.firehose.delivery_streams() {
        assert_eq!(stream.accounted_records(), stream.totals.incoming_records);
    }
    assert!(busiest > 100, "the run exercised the streams: at most {busiest} records at once");
}

#[test]
fn redshift_copies_from_intermediate_objects_and_lists_skipped_ones_in_a_manifest() {
    let mut w = World::new();
    let mut c = DeliveryStreamConfig::direct_put_to_s3("rs");
    c.destination = DestinationConfig::of(DestinationKind::Redshift { table: "events".into() });
    c.destination.buffering = Some(BufferingHints { size_mib: 1, interval_secs: 60 });
    c.destination.retry_duration_secs = Some(30);
    w.create(c);
    for i in 0..4 {
        w.put("rs", format!("{i}|row\n").as_bytes());
    }
    w.run_until(SimTime::from_secs(61));
    // One intermediate object, then a COPY of its 4 rows into the table.
    let s = w.stream("rs");
    assert_eq!(w.objects("rs", ObjectKind::Intermediate).len(), 1);
    assert_eq!(s.redshift_rows, 4);
    assert_eq!((s.requests[0].target.as_deref(), s.requests[0].error_code), (Some("events"), None));
    // A cluster outage: the record put at 70 s flushes at 130 s; COPY fails until the 30 s retry duration,
    // counted from the initial request (130 s), ends at 160 s (attempts at 130, 131, 133, 137 and 145 s; the
    // next would be at 161 s), then the object is listed under errors/.
    w.firehose.set_outage(w.now, "rs", 1_000_000).expect("exists");
    w.run_until(SimTime::from_secs(70));
    w.put("rs", b"9|late\n");
    w.run_until(SimTime::from_secs(300));
    let s = w.stream("rs");
    assert_eq!(s.redshift_rows, 4);
    assert_eq!(s.totals.backed_up_failed_records, 1);
    let manifest = &w.objects("rs", ObjectKind::ErrorManifest)[0];
    assert!(manifest.key.starts_with("errors/manifests/rs-1-"), "{}", manifest.key);
    assert_eq!(manifest.written_unix_ms - EXAMPLE_EPOCH_MS, 160_000);
    assert!(s.requests.iter().any(|r| r.error_code == Some("Redshift.ConnectionFailed")));
}

#[test]
fn opensearch_bulk_indexes_into_the_rotated_index_and_backs_up_failed_documents() {
    let mut w = World::new();
    let mut c = DeliveryStreamConfig::direct_put_to_s3("os");
    c.destination = DestinationConfig::of(DestinationKind::OpenSearch {
        index_name: "logs".into(),
        rotation: config::IndexRotation::OneHour,
    });
    c.destination.buffering = Some(BufferingHints { size_mib: 1, interval_secs: 0 });
    c.destination.retry_duration_secs = Some(0);
    w.create(c);
    w.put("os", br#"{"m":1}"#);
    w.run_until(w.now);
    let s = w.stream("os");
    // 2018-08-27 10:30 UTC with OneHour rotation: logs-2018-08-27-10.
    assert_eq!(s.requests[0].target.as_deref(), Some("logs-2018-08-27-10"));
    let body = String::from_utf8(s.requests[0].body.clone().expect("kept")).expect("utf-8");
    assert_eq!(body, "{\"index\":{\"_index\":\"logs-2018-08-27-10\",\"_id\":\"00000000000000000000\"}}\n{\"m\":1}\n");
    // Down, with a zero retry duration: the first failure gives up at once, to AmazonOpenSearchService-failed.
    w.firehose.set_outage(w.now, "os", 60_000).expect("exists");
    w.put("os", br#"{"m":2}"#);
    w.run_until(w.now);
    let error = &w.objects("os", ObjectKind::Error)[0];
    assert!(error.key.starts_with("AmazonOpenSearchService-failed/2018/08/27/10/"), "{}", error.key);
    let text = String::from_utf8(error.content.clone().expect("kept")).expect("utf-8");
    assert!(text.contains("\"errorCode\":\"OS.ServiceUnavailable\""), "{text}");
    assert!(
        text.contains("\"esDocumentId\":\"00000000000000000001\",\"esIndexName\":\"logs-2018-08-27-10\""),
        "{text}"
    );
}

#[test]
fn kept_contents_stay_bounded_newest_first() {
    // Forty objects of 1,000,000 B each: only the newest 16 (16 MiB = 16.77 MB) keep their bytes.
    let mut w = World::new();
    w.create(s3_stream("big", Some(BufferingHints { size_mib: 1, interval_secs: 0 })));
    for i in 0..40u64 {
        w.run_until(SimTime::from_secs(i));
        w.put("big", &vec![b'a' + (i % 26) as u8; 1_000_000]);
        w.run_until(w.now);
    }
    let objects = w.objects("big", ObjectKind::Data);
    assert_eq!(objects.len(), 40);
    let kept: Vec<bool> = objects.iter().map(|o| o.content.is_some()).collect();
    assert_eq!(kept.iter().filter(|k| **k).count(), 16);
    assert!(kept[24..].iter().all(|k| *k), "the newest keep theirs");
}

#[test]
fn s3_unavailable_for_more_than_24_hours_loses_the_data_as_documented() {
    // `docs/aws-behaviour.md` §5.2 and §5.8: Direct PUT data is kept at most 24 h while S3 is unavailable, then lost.
    let mut w = World::new();
    w.create(s3_stream("s", Some(BufferingHints { size_mib: 1, interval_secs: 0 })));
    w.firehose.set_outage(w.now, "s", 30 * 3_600_000).expect("exists");
    w.put("s", b"gone");
    w.run_until(SimTime::from_secs(86_399));
    assert_eq!((w.stream("s").totals.expired_records, w.stream("s").buffered_records()), (0, 1));
    w.run_until(SimTime::from_secs(86_460));
    let s = w.stream("s");
    assert_eq!((s.totals.expired_records, s.totals.delivered_records, s.buffered_records()), (1, 0, 0));
    assert!(s.s3_objects.is_empty());
}

#[test]
fn http_requests_carry_at_most_10000_records() {
    // `docs/aws-behaviour.md` §5.8: a request body has 1 to 10,000 records. 25,000 one-byte records flushed at once
    // become requests of 10,000, 10,000 and 5,000.
    let mut w = World::new();
    w.create(http_stream("h", 300));
    for _ in 0..50 {
        w.firehose.put_record_batch(w.now, "h", vec![vec![b'x']; 500]).expect("accepted");
    }
    w.run_until(SimTime::from_secs(60));
    let counts: Vec<u32> = w.stream("h").requests.iter().map(|r| r.records).collect();
    assert_eq!(counts, [10_000, 10_000, 5_000]);
    assert_eq!(w.stream("h").totals.delivered_records, 25_000);
}

#[test]
fn source_record_backup_keeps_the_untransformed_input() {
    // S3BackupMode Enabled (`docs/aws-behaviour.md` §5.5): the input before the transform goes to the backup too.
    let mut w = World::new();
    let mut c = s3_stream("b", Some(BufferingHints { size_mib: 1, interval_secs: 60 }));
    c.destination.backup_all = true;
    c.processing = Some(ProcessingConfig { buffer_interval_secs: 0, ..ProcessingConfig::with_program("del .secret") });
    w.create(c);
    w.put("b", br#"{"a":1,"secret":"s"}"#);
    w.run_until(SimTime::from_secs(60));
    let data = w.objects("b", ObjectKind::Data);
    let backup = w.objects("b", ObjectKind::Backup);
    assert_eq!(data[0].content.as_deref(), Some(&br#"{"a":1}"#[..]));
    assert_eq!(backup[0].content.as_deref(), Some(&br#"{"a":1,"secret":"s"}"#[..]));
    assert!(backup[0].key.starts_with("backup/2018/08/27/10/b-1-"), "{}", backup[0].key);
}

#[test]
fn all_data_backup_copies_delivered_records_to_s3() {
    let mut w = World::new();
    let mut c = http_stream("h", 300);
    c.destination.backup_all = true;
    w.create(c);
    w.put("h", b"one");
    w.run_until(SimTime::from_secs(60));
    let s = w.stream("h");
    assert_eq!(s.totals.delivered_records, 1);
    assert_eq!(w.objects("h", ObjectKind::Backup)[0].content.as_deref(), Some(&b"one"[..]));
}

#[test]
fn partition_keys_from_the_transform_name_the_prefix() {
    let mut w = World::new();
    let mut c = s3_stream("l", Some(BufferingHints { size_mib: 64, interval_secs: 60 }));
    c.processing = Some(ProcessingConfig {
        buffer_interval_secs: 0,
        ..ProcessingConfig::with_program("partition team = lower(.team)")
    });
    c.destination.s3.prefix = Some("team=!{partitionKeyFromLambda:team}/".into());
    c.destination.s3.error_output_prefix = Some("err/!{firehose:error-output-type}/".into());
    c.destination.dynamic_partitioning =
        Some(DynamicPartitioning { keys: BTreeMap::new(), active_partitions_max: 500 });
    w.create(c);
    for team in ["Red", "blue", "RED"] {
        w.put("l", format!("{{\"team\":\"{team}\"}}").as_bytes());
    }
    w.run_until(SimTime::from_secs(60));
    let objects = w.objects("l", ObjectKind::Data);
    let summary: Vec<(&str, u32)> = objects.iter().map(|o| (&o.key[..9], o.records)).collect();
    assert_eq!(summary, [("team=blue", 1), ("team=red/", 2)]);
}

#[test]
fn the_request_quota_refuses_the_2001st_call_of_a_second() {
    // us-east-1: 2,000 requests/s per stream (`docs/aws-behaviour.md` §5.2).
    let mut w = World::new();
    w.create(s3_stream("r", None));
    for _ in 0..2_000 {
        w.put("r", b"x");
    }
    let err = w.firehose.put_record(w.now, "r", b"x".to_vec()).expect_err("2,001st call");
    assert_eq!((err.kind, err.message.as_str()), (FirehoseErrorKind::ServiceUnavailable, "Slow down."));
    let err = w.firehose.put_record_batch(w.now, "r", vec![b"x".to_vec(); 3]).expect_err("whole call refused");
    assert_eq!(err.kind, FirehoseErrorKind::ServiceUnavailable);
    assert_eq!(w.stream("r").totals.throttled_records, 4);
    // Switching between OpenSearch and another type is refused.
    let os = DestinationConfig::of(DestinationKind::OpenSearch {
        index_name: "i".into(),
        rotation: config::IndexRotation::OneDay,
    });
    let err = w.firehose.update_destination("r", "1", os, None).expect_err("type switch");
    assert_eq!(err.kind, FirehoseErrorKind::InvalidArgument);
}

#[test]
fn http_timeouts_duplicate_only_what_is_counted() {
    // An endpoint that answers after 200 s (beyond the 180 s response timeout) between 100 s and 400 s: the
    // requests sent then reach the endpoint but time out, and their retries duplicate them. Every record
    // reaches the endpoint at least once; the extra copies equal `duplicate_records`.
    let mut w = World::new();
    let mut c = http_stream("h", 1_000);
    c.destination.buffering = Some(BufferingHints { size_mib: 1, interval_secs: 10 });
    w.create(c);
    let mut n = 0u64;
    for second in 0..600u64 {
        w.run_until(SimTime::from_secs(second));
        if second == 100 {
            w.firehose.set_slowdown(w.now, "h", 200_000, 300_000).expect("exists");
        }
        let batch: Vec<Vec<u8>> = (0..3).map(|i| format!("r{}", n + i).into_bytes()).collect();
        n += 3;
        w.firehose.put_record_batch(w.now, "h", batch).expect("accepted");
    }
    w.run_until(SimTime::from_secs(3_000));
    let s = w.stream("h");
    let mut copies = vec![0u64; n as usize];
    for request in s.requests.iter().filter(|r| r.received) {
        let body: String = String::from_utf8(request.body.clone().expect("kept")).expect("utf-8");
        for chunk in body.split("{\"data\":\"").skip(1) {
            let b64 = &chunk[..chunk.find('"').expect("closing quote")];
            use base64::Engine as _;
            let data = base64::engine::general_purpose::STANDARD.decode(b64).expect("base64");
            let id: usize = core::str::from_utf8(&data[1..]).expect("utf-8").parse().expect("number");
            copies[id] += 1;
        }
    }
    assert!(copies.iter().all(|c| *c >= 1), "every record reached the endpoint");
    let extra: u64 = copies.iter().map(|c| c - 1).sum();
    assert!(extra > 0, "the slowdown caused timeouts");
    assert_eq!((s.totals.delivered_records, s.totals.duplicate_records), (n, extra));
}

#[test]
fn the_same_config_gives_the_same_objects() {
    let run = || {
        let mut w = World::new();
        let mut c = s3_stream("d", Some(BufferingHints { size_mib: 1, interval_secs: 30 }));
        c.destination.s3.prefix = Some("x/!{firehose:random-string}/".into());
        c.destination.s3.error_output_prefix = Some("!{firehose:error-output-type}/".into());
        w.create(c);
        for i in 0..100 {
            w.run_until(SimTime::from_secs(i));
            w.put("d", b"same");
        }
        w.run_until(SimTime::from_secs(200));
        w.stream("d").s3_objects.iter().map(|o| o.key.clone()).collect::<Vec<_>>()
    };
    let first = run();
    assert_eq!(first.len(), 4);
    assert_eq!(first, run());
}

#[test]
fn a_direct_put_feed_meets_the_byte_quota() {
    // 100 records/s of 60,000 B in batches of 50 (3,000,000 B, under 4 MiB) against us-east-1's 5 MiB/s
    // (5,242,880 B): the first call takes 50; the second 37 more (87 x 60,000 = 5,220,000 B), and its last
    // 13 fail with ServiceUnavailableException. Feeds at 0, 1, 2, 3 and 4 s: 435 in, 65 throttled.
    let mut w = World::new();
    let mut c = s3_stream("feed", None);
    c.feeds = vec![config::DirectPutFeed {
        records_per_sec: 100,
        record_bytes: 60_000,
        payload: crate::template::PayloadTemplate::Zeros,
        batch_records: 50,
    }];
    w.create(c);
    w.run_until(SimTime::from_secs(4));
    let s = w.stream("feed");
    assert_eq!((s.totals.incoming_records, s.totals.throttled_records), (435, 65));
    let second = s.metrics.second(2);
    assert_eq!((second.incoming_records, second.throttled_records, second.incoming_put_requests), (87, 13, 2));
}

/// A KDS-sourced delivery stream reading `source` (1 shard), for the reader tests.
fn kds_world(destination: DestinationKind, hints: BufferingHints) -> World {
    use crate::kinesis::CreateStreamInput;
    let mut w = World::new();
    w.kinesis.create_active_stream(w.now, CreateStreamInput::provisioned("source", 1)).expect("valid");
    let mut c = DeliveryStreamConfig::direct_put_to_s3("from-kds");
    c.source = Source::KinesisStream { stream_name: "source".into() };
    c.destination = DestinationConfig::of(destination);
    c.destination.buffering = Some(hints);
    w.create(c);
    w
}

impl World {
    /// Writes `records` 10-byte records to the source stream at `now`.
    fn write_source(&mut self, records: u32) {
        for i in 0..records {
            let input = crate::kinesis::PutRecordInput {
                partition_key: format!("k{i}"),
                data: crate::shard::Payload::Bytes(vec![b'r'; 10].into()),
                explicit_hash_key: None,
            };
            self.kinesis.put_record(self.now, "source", input, None).expect("within the shard's limits");
        }
    }

    /// Advances second by second to `t`: the stream trims first, then Firehose runs, then `per_second`
    /// records are written; checks after every second that Firehose never read more than was written.
    fn run_with_source(&mut self, t: SimTime, per_second: u32, written: &mut u64) {
        for _ in 0..1_000_000 {
            if self.now >= t {
                break;
            }
            let next = SimTime::from_secs(self.now.as_secs() + 1);
            self.kinesis.complete_due(next);
            self.run_until(next);
            self.events.extend(self.firehose.take_events());
            self.write_source(per_second);
            *written += u64::from(per_second);
            let read = self.stream("from-kds").totals.incoming_records;
            assert!(read <= *written, "read {read} of {written} written at {}", self.now);
        }
    }
}

#[test]
fn a_kinesis_source_keeps_its_position_through_an_outage_past_the_iterator_lifetime() {
    // docs/aws-behaviour.md (Firehose, Kinesis source): while a delivery is retried Firehose does not
    // read; its shard iterator (300 s lifetime) expires, and Firehose resumes after the last record it
    // read. 5 records/s for 4,000 s with OpenSearch down from 0 to 1,000 s (retry duration 300 s): every
    // record is read exactly once, so what was read is what was written but the last second (put at the
    // last step, read at the next poll).
    let mut w = kds_world(
        DestinationKind::OpenSearch { index_name: "i".into(), rotation: config::IndexRotation::NoRotation },
        BufferingHints { size_mib: 1, interval_secs: 60 },
    );
    w.firehose.set_outage(w.now, "from-kds", 1_000_000).expect("exists");
    let mut written = 0;
    w.run_with_source(SimTime::from_secs(4_000), 5, &mut written);
    let s = w.stream("from-kds");
    assert_eq!(written, 20_000);
    assert_eq!(s.totals.incoming_records, written - 5);
    assert_eq!(s.totals.source_expired_records, 0);
    assert_eq!(s.accounted_records(), s.totals.incoming_records);
    assert!(s.totals.backed_up_failed_records > 0, "the outage outlasted the retry duration");
}

#[test]
fn records_past_the_source_retention_are_counted_and_reported_once() {
    // docs/aws-behaviour.md: an S3 destination is retried for up to 24 h; the data waits in the stream,
    // whose retention is 24 h. Records still unread 24 h after their arrival are trimmed (a record is
    // dropped once its age reaches the retention) and lost: Firehose counts them when it reads again.
    // 2 records/s, written at the end of each second from t = 1 s (after Firehose's poll of that second).
    // The 60 s buffer flushes at its first failing attempt F (S3 is down for 25 h); from F on Firehose
    // reads nothing, so the records written at F and later wait in the stream.
    let mut w = kds_world(DestinationKind::S3, BufferingHints { size_mib: 1, interval_secs: 60 });
    w.firehose.set_outage(w.now, "from-kds", 25 * 3_600_000).expect("exists");
    let mut written = 0;
    w.run_with_source(SimTime::from_secs(25 * 3_600 + 600), 2, &mut written);
    let mut first_failure = None;
    let mut gave_up_at = None;
    let mut expired_events = Vec::new();
    for event in core::mem::take(&mut w.events) {
        match event {
            crate::Event::FirehoseDeliveryFailed { at, attempt: 1, .. } => {
                first_failure = first_failure.or(Some(at.as_secs()));
            }
            crate::Event::FirehoseDeliveryFailed { at, gave_up: true, .. } => {
                gave_up_at = gave_up_at.or(Some(at.as_secs()))
            }
            crate::Event::FirehoseSourceRecordsExpired { at, records, .. } => expired_events.push((at, records)),
            _ => {}
        }
    }
    let first_failure = first_failure.expect("the flush fails");
    let gave_up_at = gave_up_at.expect("S3 gives up after 24 h");
    assert!(gave_up_at >= first_failure + 86_400, "failed at {first_failure}, gave up at {gave_up_at}");
    // Reading resumes at the next poll, R = gave_up_at + 1: the records written at F … R - 86,400 s have
    // reached the 24 h retention by then, 2 per second.
    let resumed = gave_up_at + 1;
    let lost = 2 * (resumed - 86_400 - first_failure + 1);
    let s = w.stream("from-kds");
    assert_eq!(s.totals.source_expired_records, lost);
    assert_eq!(expired_events, [(SimTime::from_secs(resumed), lost)]);
    // Everything else was read once: written = read + lost + the last second's records, not yet read.
    assert_eq!(written, s.totals.incoming_records + lost + 2);
}

#[test]
fn random_outages_never_make_firehose_read_more_than_was_written() {
    // Property (issue 17): after every step of a run with random destination outages, the records a
    // delivery stream read from its source never exceed the records written to that source.
    let mut state = 0x00dd_5eed_u64;
    let mut next = move |bound: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % bound.max(1)
    };
    for destination in [
        DestinationKind::S3,
        DestinationKind::Redshift { table: "t".into() },
        DestinationKind::HttpEndpoint { url: "https://x".into(), gzip: false },
    ] {
        let mut w = kds_world(destination, BufferingHints { size_mib: 1, interval_secs: 30 });
        let mut written = 0;
        for _ in 0..40 {
            if next(3) == 0 {
                w.firehose.set_outage(w.now, "from-kds", next(2_000_000)).expect("exists");
            }
            let t = w.now + SimDuration::from_secs(1 + next(400));
            w.run_with_source(t, next(4) as u32, &mut written);
        }
        let s = w.stream("from-kds");
        assert!(s.totals.incoming_records <= written);
        assert!(written > 1_000, "the run wrote {written}");
    }
}

/// The attempts of the first batch of a stream to `destination` down for `outage_secs` (retry duration
/// `retry_secs`, or the default): (attempts made, the last attempt's time in s, when it gave up).
fn retry_schedule(destination: DestinationKind, retry_secs: Option<u32>, outage_secs: u64) -> (u64, u64, u64) {
    let mut w = World::new();
    let mut c = DeliveryStreamConfig::direct_put_to_s3("r");
    c.destination = DestinationConfig::of(destination);
    c.destination.buffering = Some(BufferingHints { size_mib: 1, interval_secs: 60 });
    c.destination.retry_duration_secs = retry_secs;
    w.create(c);
    w.firehose.set_outage(w.now, "r", outage_secs * 1_000).expect("exists");
    w.put("r", b"{\"a\":1}");
    w.run_until(SimTime::from_secs(outage_secs + 100));
    let s = w.stream("r");
    let last = s
        .attempts()
        .filter(|a| matches!(a.outcome, delivery::AttemptOutcome::Failed(_)))
        .map(|a| a.at.as_secs())
        .last()
        .unwrap_or(0);
    let gave_up = s.attempts().find(|a| matches!(a.outcome, delivery::AttemptOutcome::GaveUp(_))).expect("gave up");
    let (made, gave_up) = (u64::from(gave_up.attempt), gave_up.at.as_secs());
    (made, last, gave_up)
}

#[test]
fn each_destination_retries_for_its_documented_duration() {
    // docs/aws-behaviour.md (Firehose delivery failures). The buffer flushes at 60 s; attempts then follow
    // our backoff of 1, 2, 4, 8, 16 s and 30 s after (AWS does not document the interval): 60, 61, 63, 67,
    // 75, 91, 121, 151 … = 91 + 30k.
    // OpenSearch, default 300 s counted from the initial request (60 s): retries end at 360 s. Attempts up to
    // 331 s (91 + 30 x 8): 6 + 8 = 14 attempts, and the records go to S3 at 360 s.
    let os = DestinationKind::OpenSearch { index_name: "i".into(), rotation: config::IndexRotation::NoRotation };
    assert_eq!(retry_schedule(os, None, 3_600), (14, 331, 360));
    // Redshift, default 3,600 s from the initial request: ends at 3,660 s; attempts up to 3,631 s
    // (91 + 30 x 118): 6 + 118 = 124 attempts.
    assert_eq!(retry_schedule(DestinationKind::Redshift { table: "t".into() }, None, 7_200), (124, 3_631, 3_660));
    // A retry duration of 0: no retry, the first failure (the only attempt) gives up at once.
    assert_eq!(retry_schedule(DestinationKind::Redshift { table: "t".into() }, Some(0), 600), (1, 0, 60));
    // HTTP endpoint, 300 s from the first failure (60 s): the same attempts as OpenSearch (no response waits
    // while the endpoint answers 503 at once).
    let http = DestinationKind::HttpEndpoint { url: "https://x".into(), gzip: false };
    assert_eq!(retry_schedule(http, Some(300), 3_600), (14, 331, 360));
    // S3: retried for up to 24 h from the first failure (60 s): gives up at 86,460 s, after 6 + 2,878
    // attempts (91 + 30 x 2,878 = 86,431 s is the last).
    assert_eq!(retry_schedule(DestinationKind::S3, None, 90_000), (2_884, 86_431, 86_460));
}

#[test]
fn splunk_waits_for_acknowledgements_outside_its_retry_duration() {
    // docs/aws-behaviour.md: the Splunk and HTTP endpoint retry duration starts after the first attempt
    // fails and excludes the time spent waiting for an acknowledgement. Splunk slow by 200 s (over its 180 s
    // ack timeout) with a 300 s retry duration; the buffer flushes at 60 s. Each attempt waits 180 s, then
    // the next follows after the backoff: 60, 241 (60 + 180 + 1), 423 (+ 180 + 2), 607 (+ 180 + 4),
    // 795 (+ 180 + 8), 991 (+ 180 + 16), 1,201 (+ 180 + 30). Retry time used between them: 1 + 2 + 4 + 8 +
    // 16 + 30 = 61 s by 1,201 s, then 30 s per attempt: the duration (300 s) ends 239 s of backoff later.
    let mut w = World::new();
    let mut c = DeliveryStreamConfig::direct_put_to_s3("sp");
    c.destination =
        DestinationConfig::of(DestinationKind::Splunk { hec_endpoint: "https://h".into(), ack_timeout_secs: 180 });
    c.destination.buffering = Some(BufferingHints { size_mib: 1, interval_secs: 60 });
    c.destination.retry_duration_secs = Some(300);
    w.create(c);
    w.firehose.set_slowdown(w.now, "sp", 200_000, 100_000_000).expect("exists");
    w.put("sp", b"event");
    w.run_until(SimTime::from_secs(5_000));
    let s = w.stream("sp");
    let times: Vec<u64> = s.attempts().map(|a| a.at.as_secs()).collect();
    // Attempts every 180 + 30 = 210 s after 1,201 s while backoff time remains: 1,411 (91 s used), 1,621
    // (121), 1,831 (151), 2,041 (181), 2,251 (211), 2,461 (241), 2,671 (271), 2,881 (301 > 300: not made).
    // The last attempt (2,671 s) waits for its acknowledgement until 2,851 s; the duration ends at
    // 2,851 + (300 - 271) = 2,880 s, when the records go to S3.
    assert_eq!(times, [60, 241, 423, 607, 795, 991, 1_201, 1_411, 1_621, 1_831, 2_041, 2_251, 2_461, 2_671, 2_880]);
    assert!(matches!(
        s.attempts().last().map(|a| a.outcome),
        Some(delivery::AttemptOutcome::GaveUp("Splunk.AckTimeout"))
    ));
    assert_eq!(s.totals.backed_up_failed_records, 1);
}
