//! Whole-simulation tests; they run natively and, through wasm-bindgen-test, in browsers.

use crate::*;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn one_shard_fed(records_per_sec: u32, record_bytes: u32) -> Simulation {
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
        producers: vec![ProducerConfig::steady("clickstream", records_per_sec, record_bytes, 10_000)],
        ..SimConfig::default()
    };
    Simulation::new(config).expect("valid config")
}

fn shards(sim: &Simulation) -> &[crate::shard::Shard] {
    sim.stream().expect("the scenario's stream exists").shards()
}

fn shard_second(sim: &Simulation, second: u64) -> metrics::ShardSecond {
    shards(sim)[0].metrics.second(second)
}

#[test]
fn a_shard_fed_2000_records_per_second_accepts_1000() {
    let mut sim = one_shard_fed(2_000, 100);
    sim.advance_to(SimTime::from_secs(10));
    for second in 0..10 {
        let bucket = shard_second(&sim, second);
        assert_eq!(bucket.incoming_records, 1_000, "second {second}");
        assert_eq!(bucket.write_provisioned_throughput_exceeded, 1_000, "second {second}");
        assert_eq!(bucket.throttled_by_record_limit, 1_000, "second {second}");
    }
    let (_, totals) = sim.producers().next().expect("one producer");
    // The run ends at 10 s inclusive, so one more record (t = 10 s) was attempted and accepted.
    assert_eq!((totals.attempted, totals.accepted, totals.throttled), (20_001, 10_001, 10_000));
}

#[test]
fn a_shard_fed_2_mib_per_second_accepts_1_mib() {
    // 200 records/s of 10,486 bytes plus a key of 5..9 bytes: about 2 MiB/s, under the record limit.
    let mut sim = one_shard_fed(200, 10_486);
    sim.advance_to(SimTime::from_secs(5));
    for second in 1..5 {
        let bucket = shard_second(&sim, second);
        assert!(bucket.incoming_bytes <= 1_048_576, "second {second}: {}", bucket.incoming_bytes);
        assert!(
            bucket.incoming_bytes > 1_048_576 - 2 * 10_495,
            "second {second} under-filled: {}",
            bucket.incoming_bytes
        );
        assert!(bucket.write_provisioned_throughput_exceeded >= 95, "second {second}");
        assert_eq!(bucket.throttled_by_record_limit, 0);
    }
}

#[test]
fn under_the_limit_nothing_is_throttled() {
    let mut sim = one_shard_fed(999, 1_000);
    sim.advance_to(SimTime::from_secs(3));
    assert_eq!(shards(&sim)[0].metrics.totals.write_provisioned_throughput_exceeded, 0);
    // Records go out at 0, 1/999 s, 2/999 s, ... 3 s inclusive: 2,998 of them.
    assert_eq!(shards(&sim)[0].metrics.totals.incoming_records, 2_998);
}

#[test]
fn throttling_is_reported_once_per_shard_second() {
    let mut sim = one_shard_fed(1_500, 10);
    sim.advance_to(SimTime::from_millis(2_500));
    let lines: Vec<String> = core::iter::from_fn(|| sim.poll_event()).map(|e| e.to_string()).collect();
    assert_eq!(
        lines,
        [
            "00:00:00.000 stream-created name=clickstream shards=1",
            "00:00:01.000 write-throttled shard=shardId-000000000000 throttled=500 accepted=1000 limit=records",
            "00:00:02.000 write-throttled shard=shardId-000000000000 throttled=500 accepted=1000 limit=records",
        ]
    );
}

#[test]
fn same_seed_same_run_different_seed_different_keys() {
    let run = |seed| {
        let config = SimConfig {
            seed,
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 4)],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_secs(3));
        shards(&sim).iter().map(|s| s.metrics.totals.incoming_records).collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
    assert_eq!(run(7).iter().sum::<u64>(), 1_501, "500/s for 3 s, plus the record at t = 3 s");
}

#[test]
fn put_record_routes_by_md5_and_numbers_records_in_order() {
    let mut sim = Simulation::new(SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 3)],
        producers: vec![],
        ..SimConfig::default()
    })
    .expect("valid");
    let put = |sim: &mut Simulation, key: &str| {
        sim.put_record(PutRecordInput {
            partition_key: key.into(),
            data: Payload::Bytes(vec![1, 2].into()),
            explicit_hash_key: None,
        })
    };
    // `docs/aws-behaviour.md` §1.2: on three shards "a" and "c" go to shard 0, "b" to shard 1, "0" to shard 2.
    let a = put(&mut sim, "a").expect("accepted");
    let b = put(&mut sim, "b").expect("accepted");
    let c = put(&mut sim, "c").expect("accepted");
    let zero = put(&mut sim, "0").expect("accepted");
    assert_eq!([a.shard_id, b.shard_id, c.shard_id, zero.shard_id], [ShardId(0), ShardId(1), ShardId(0), ShardId(2)]);
    let (first, second) = (a.sequence_number.to_decimal(), c.sequence_number.to_decimal());
    assert!(first.len() == second.len() && first < second, "{first} then {second}");
    assert_eq!(first.len(), 56, "a realistic 56-digit sequence number");
}

#[test]
fn explicit_hash_key_overrides_the_partition_key() {
    let mut sim = Simulation::new(SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 2)],
        producers: vec![],
        ..SimConfig::default()
    })
    .expect("valid");
    let out = sim
        .put_record(PutRecordInput {
            partition_key: "a".into(),
            data: Payload::Bytes(vec![].into()),
            explicit_hash_key: Some(u128::MAX),
        })
        .expect("accepted");
    assert_eq!(out.shard_id, ShardId(1));
}

#[test]
fn put_record_errors_carry_aws_names_and_texts() {
    let mut sim = one_shard_fed(0, 1);
    let put = |sim: &mut Simulation, key: String, len: usize| {
        sim.put_record(PutRecordInput {
            partition_key: key,
            data: Payload::Bytes(vec![0; len].into()),
            explicit_hash_key: None,
        })
    };
    let empty = put(&mut sim, String::new(), 1).expect_err("empty key");
    assert_eq!(empty.kind.aws_name(), "ValidationException");
    assert!(empty.message.ends_with("Member must have length greater than or equal to 1"), "{}", empty.message);
    let long = put(&mut sim, "k".repeat(257), 1).expect_err("long key");
    assert!(long.message.ends_with("Member must have length less than or equal to 256"), "{}", long.message);
    // The current API model lets Data reach 10 MiB; the stream's own maximum (1 MiB by default) applies to
    // data plus partition key, so 1 MiB of data with a 1-byte key is one byte too many.
    let with_key = put(&mut sim, "k".into(), 1_048_576).expect_err("data plus key over 1 MiB");
    assert_eq!(with_key.kind, StreamsErrorKind::InvalidArgument);
    assert!(with_key.message.starts_with("Record size 1048577 bytes"), "{}", with_key.message);
    put(&mut sim, "k".into(), 1_048_575).expect("exactly 1 MiB with the key");
    sim.advance_to(SimTime::from_secs(1));
    // Once a shard has taken 1,000 records in a second, the next one is throttled with AWS's text.
    for _ in 0..1_000 {
        put(&mut sim, "k".into(), 1).expect("within limits");
    }
    let throttled = put(&mut sim, "k".into(), 1).expect_err("1,001st record");
    assert_eq!(throttled.kind.aws_name(), "ProvisionedThroughputExceededException");
    assert_eq!(
        throttled.message,
        "Rate exceeded for shard shardId-000000000000 in stream clickstream under account 000000000000."
    );
}

#[test]
fn rate_changes_take_effect_at_once() {
    let mut sim = one_shard_fed(100, 10);
    sim.advance_to(SimTime::from_secs(2));
    sim.apply(Command::SetProducerRate { producer: 0, records_per_sec: 300 }).expect("valid rate");
    sim.advance_to(SimTime::from_secs(4));
    assert_eq!(shard_second(&sim, 1).incoming_records, 100);
    assert_eq!(shard_second(&sim, 3).incoming_records, 300);
    let bad = sim.apply(Command::SetProducerRate { producer: 0, records_per_sec: 2_000_000 }).expect_err("absurd");
    assert!(bad.to_string().contains("0 to 1000000"), "{bad}");
    let missing =
        sim.apply(Command::SetProducerRate { producer: 3, records_per_sec: 1 }).expect_err("no such producer");
    assert!(missing.to_string().contains("this scenario has 1"), "{missing}");
}

#[test]
fn bounded_advance_stops_at_the_budget_and_time_never_goes_back() {
    let mut sim = one_shard_fed(1_000, 10);
    assert_eq!(sim.advance_to_bounded(SimTime::from_secs(1), 10), Advance::BudgetExhausted);
    let partway = sim.now();
    assert!(partway < SimTime::from_secs(1) && partway > SimTime::ZERO);
    sim.advance_to(SimTime::ZERO);
    assert_eq!(sim.now(), partway, "an earlier target is ignored");
    assert_eq!(sim.advance_to_bounded(SimTime::from_secs(1), u32::MAX), Advance::Reached);
    assert_eq!(sim.now(), SimTime::from_secs(1));
}

#[test]
fn invalid_configs_list_every_problem() {
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned("no spaces", 0)],
        producers: vec![ProducerConfig {
            stream_name: "no spaces".into(),
            ..ProducerConfig::steady("clickstream", 500, 512, 0)
        }],
        ..SimConfig::default()
    };
    let problems = Simulation::new(config).expect_err("three problems").problems;
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].contains("1 to 1024"));
}

#[test]
fn the_event_queue_is_bounded() {
    // 64 shards, each sent about 31 records of 600,000 bytes a second: every shard throttles every second,
    // so 70 seconds make 1 + 64 * 70 = 4,481 events, more than the queue holds.
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 64)],
        producers: vec![ProducerConfig::steady("clickstream", 2_000, 600_000, 10_000)],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(70));
    assert_eq!(core::iter::from_fn(|| sim.poll_event()).count(), EVENTS_MAX);
    assert_eq!(sim.events_dropped(), 1 + 64 * 70 - EVENTS_MAX as u64);
}

/// Everything observable about a busy run, as text: events, every shard's metrics and last record,
/// the stream's API metrics and usage.
fn transcript() -> String {
    use core::fmt::Write;
    let config = SimConfig {
        seed: 7,
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 3)],
        producers: vec![ProducerConfig::steady("web", 2_500, 300, 40), ProducerConfig::steady("iot", 400, 3_000, 5)],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    let mut out = String::new();
    for step in 1..=12u64 {
        if step == 4 {
            let now = sim.now();
            sim.kinesis_mut().split_shard(now, "clickstream", "shardId-000000000001", 1u128 << 127).expect("split");
        }
        sim.advance_to(SimTime::from_millis(step * 1_250));
        while let Some(event) = sim.poll_event() {
            writeln!(out, "{event}").expect("writing to a String");
        }
    }
    let stream = sim.stream().expect("exists");
    for shard in stream.shards() {
        for bucket in shard.metrics.history() {
            writeln!(out, "{} {bucket:?}", shard.id).expect("writing to a String");
        }
        if let Some(last) = shard.records().last() {
            writeln!(out, "{} {} {}", shard.id, last.partition_key, last.sequence_number).expect("writing");
        }
    }
    writeln!(out, "{:?}", sim.kinesis().usage_of(stream)).expect("writing to a String");
    out
}

/// The run's fingerprint is the same natively and in every browser: this one test runs in all three, and
/// the constant is the MD5 of [`transcript`] as first recorded natively. A change to the engine's behaviour
/// changes it on purpose (update it then); a difference between platforms never may.
#[test]
fn runs_are_identical_natively_and_in_wasm() {
    use md5::{Digest, Md5};
    let text = transcript();
    assert!(text.contains("write-throttled"), "the run should throttle:\n{text}");
    assert_eq!(text, transcript(), "the same run twice gives the same transcript");
    let digest: [u8; 16] = Md5::digest(text.as_bytes()).into();
    let hex: String = digest.iter().map(|b| alloc::format!("{b:02x}")).collect();
    assert_eq!(hex, "3238184f7a4591e24a8515f3f38ddc4a");
}

/// A pipeline beyond the data stream: a Kinesis Agent into it, an analytics application writing its rows to a
/// second stream, and a delivery stream reading it into S3 through an outage; the numbers each of them reached.
fn pipeline_transcript() -> String {
    use crate::analytics_app::{AnalyticsAppConfig, AnalyticsDestination};
    use crate::firehose::{BufferingHints, DeliveryStreamConfig, Source};
    use crate::template::PayloadTemplate;
    use core::fmt::Write;
    let mut to_s3 = DeliveryStreamConfig {
        source: Source::KinesisStream { stream_name: "clickstream".into() },
        ..DeliveryStreamConfig::direct_put_to_s3("archive")
    };
    to_s3.destination.buffering = Some(BufferingHints { size_mib: 1, interval_secs: 10 });
    let sql = "CREATE OR REPLACE STREAM \"OUT\" (event_type VARCHAR(16), events INTEGER);\n\
               CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\" SELECT STREAM event_type, COUNT(*) \
               FROM \"SOURCE_SQL_STREAM_001\" GROUP BY event_type, \
               STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '5' SECOND);";
    let config = SimConfig {
        seed: 13,
        streams: vec![StreamConfig::provisioned("clickstream", 2)],
        producers: vec![ProducerConfig {
            payload: PayloadTemplate::Clickstream,
            ..ProducerConfig::steady("web", 300, 200, 50)
        }],
        agents: vec![crate::agent::AgentConfig {
            lines_per_sec: 200,
            max_buffer_age_millis: 1_000,
            ..Default::default()
        }],
        analytics: vec![AnalyticsAppConfig {
            name: "counts".into(),
            sql: sql.into(),
            destination: Some(AnalyticsDestination {
                from: "OUT".into(),
                stream_name: "counts-out".into(),
                kind: crate::analytics_app::DestinationKind::DataStream,
            }),
            ..AnalyticsAppConfig::default()
        }],
        delivery_streams: vec![to_s3],
        scheduled: vec![ScheduledCommand {
            at_ms: 12_000,
            command: Command::DestinationOutage { delivery_stream: "archive".into(), duration_ms: 5_000 },
        }],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(30));
    let mut out = String::new();
    let w = "writing to a String";
    for stream in sim.kinesis().streams() {
        for shard in stream.shards() {
            let t = &shard.metrics.totals;
            writeln!(
                out,
                "{} {} {} {} {}",
                stream.name, shard.id, t.incoming_records, t.incoming_bytes, t.outgoing_records
            )
            .expect(w);
        }
    }
    for agent in sim.agents() {
        let t = &agent.totals;
        writeln!(out, "agent {} {} {} {}", t.lines_written, t.records_parsed, t.records_sent, t.records_failed)
            .expect(w);
    }
    for app in sim.analytics() {
        writeln!(
            out,
            "analytics {} {} {} {:?}",
            app.reader.totals.records, app.rows_total, app.delivered, app.problems
        )
        .expect(w);
    }
    for d in sim.firehose().delivery_streams() {
        let t = &d.totals;
        writeln!(
            out,
            "firehose {} {} {} {}",
            t.incoming_records,
            t.delivered_records,
            t.backed_up_failed_records,
            d.buffered_records()
        )
        .expect(w);
        for o in &d.s3_objects {
            writeln!(out, "{} {} {} {}", o.key, o.records, o.stored_bytes, o.written_unix_ms).expect(w);
        }
    }
    out
}

/// Every behaviour version's run fingerprint (the MD5 of [`transcript`], [`rich_transcript`] and
/// [`pipeline_transcript`] together), oldest first. Rows are history: never edit one.
const BEHAVIOUR_FINGERPRINTS: &[(u32, &str)] = &[
    (1, "12d030bbadda6d3dacc6a7e5b147c7e1"),
    (2, "a8491be3c10f533db795411a076d046f"),
    (3, "f9791bbd75ab421c7fcf54a3e26a442e"),
    // 4: a producer draws each record's key and size from its own generator (`Rng::for_index`), so a shard
    // can make old records again from their index instead of storing them (issue 18).
    (4, "ef3f5a8370f240d010dd1f3a389edd6a"),
];

/// Runs that change without a new [`crate::BEHAVIOUR_VERSION`] would let an old link play differently without
/// a word, so a new fingerprint fails here until the version goes up.
#[test]
fn behaviour_version_matches_the_run_fingerprint() {
    use md5::{Digest, Md5};
    let pipeline = pipeline_transcript();
    assert!(pipeline.contains("counts-out shardId-000000000000"), "the analytics output runs:\n{pipeline}");
    let text = [transcript(), rich_transcript(), pipeline].concat();
    let digest: [u8; 16] = Md5::digest(text.as_bytes()).into();
    let fingerprint: String = digest.iter().map(|b| alloc::format!("{b:02x}")).collect();
    let versions: Vec<u32> = BEHAVIOUR_FINGERPRINTS.iter().map(|(v, _)| *v).collect();
    assert!(versions.windows(2).all(|w| w[1] == w[0] + 1), "versions go up by one: {versions:?}");
    assert_eq!(versions.last(), Some(&crate::BEHAVIOUR_VERSION), "the table's last row is BEHAVIOUR_VERSION");
    match BEHAVIOUR_FINGERPRINTS.iter().find(|(_, f)| *f == fingerprint) {
        Some((version, _)) => assert_eq!(
            *version,
            crate::BEHAVIOUR_VERSION,
            "runs compute what behaviour version {version} computed; BEHAVIOUR_VERSION should not be {}",
            crate::BEHAVIOUR_VERSION
        ),
        None => panic!(
            "runs changed (fingerprint {fingerprint}): set BEHAVIOUR_VERSION to {next} in crates/engine/src/lib.rs \
             and add the row ({next}, \"{fingerprint}\") to BEHAVIOUR_FINGERPRINTS, so old links say they may now \
             play differently",
            next = crate::BEHAVIOUR_VERSION + 1
        ),
    }
}

/// Without the `pipelines` feature (the page's lite module) a scenario with Firehose or Analytics is refused,
/// each one named, and an API session cannot create a delivery stream: a run is the same in every build, or
/// it does not start. `cargo xtask test` also runs this test without the feature.
#[test]
fn without_pipelines_firehose_and_analytics_are_refused_never_left_out() {
    use crate::analytics_app::AnalyticsAppConfig;
    use crate::firehose::DeliveryStreamConfig;
    let sql = "CREATE OR REPLACE STREAM \"OUT\" (n INTEGER);\n\
               CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\" SELECT STREAM COUNT(*) \
               FROM \"SOURCE_SQL_STREAM_001\" GROUP BY STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '5' SECOND);";
    let config = SimConfig {
        analytics: vec![AnalyticsAppConfig { name: "counts".into(), sql: sql.into(), ..AnalyticsAppConfig::default() }],
        delivery_streams: vec![DeliveryStreamConfig::direct_put_to_s3("archive")],
        ..SimConfig::default()
    };
    let scenario = Simulation::new(config.clone());
    let mut session = Simulation::service_only(7, KinesisConfig::default());
    let (kinesis, firehose) = session.services_mut();
    let created =
        firehose.create_delivery_stream(SimTime::ZERO, DeliveryStreamConfig::direct_put_to_s3("archive"), kinesis);
    if PIPELINES {
        let sim = scenario.expect("the scenario runs with the feature");
        assert_eq!((sim.analytics().len(), sim.firehose().delivery_streams().count()), (1, 1));
        assert!(created.is_ok(), "{created:?}");
    } else {
        assert_eq!(
            scenario.expect_err("refused without the feature").problems,
            vec![
                "Delivery stream 'archive' needs Firehose, which this build of the engine leaves out (its `pipelines` \
                 feature).",
                "Analytics application 'counts' needs Analytics SQL, which this build of the engine leaves out (its \
                 `pipelines` feature).",
            ]
        );
        assert_eq!(config.validate().expect_err("the same problems").problems.len(), 2);
        let refused = created.expect_err("CreateDeliveryStream fails without the feature");
        assert!(refused.message.contains("leaves out Firehose"), "{}", refused.message);
        assert_eq!(session.firehose().delivery_streams().count(), 0);
    }
}

/// Without the `video` feature (the page's lite module) a scenario with Video Streams is refused, each stream,
/// camera and consumer named, and an API session cannot create a video stream. `cargo xtask test` also runs
/// this test without the feature.
#[test]
fn without_video_video_streams_are_refused_never_left_out() {
    use crate::video::{
        CameraConfig, HlsPlaybackMode, VideoConfig, VideoConsumerConfig, VideoConsumerKind, VideoStreamConfig,
    };
    let video = VideoConfig {
        streams: vec![VideoStreamConfig::new("door", 24)],
        cameras: vec![CameraConfig::new("porch", "door")],
        consumers: vec![VideoConsumerConfig {
            name: "viewer".into(),
            stream_name: "door".into(),
            kind: VideoConsumerKind::Hls { mode: HlsPlaybackMode::Live, max_playlist_fragments: 5 },
            start_at_ms: 0,
        }],
    };
    let config = SimConfig { video, ..SimConfig::default() };
    let scenario = Simulation::new(config.clone());
    let mut session = Simulation::service_only(7, KinesisConfig::default());
    let created = session.video_mut().create_stream(SimTime::ZERO, "door", 24, None);
    if VIDEO {
        let sim = scenario.expect("the scenario runs with the feature");
        let video = sim.video();
        assert_eq!((video.streams().len(), video.cameras().len(), video.consumers().len()), (1, 1, 1));
        assert!(created.is_ok(), "{created:?}");
    } else {
        assert_eq!(
            scenario.expect_err("refused without the feature").problems,
            vec![
                "Video stream 'door' needs Video Streams, which this build of the engine leaves out (its `video` \
                 feature).",
                "Camera 'porch' needs Video Streams, which this build of the engine leaves out (its `video` feature).",
                "Video consumer 'viewer' needs Video Streams, which this build of the engine leaves out (its `video` \
                 feature).",
            ]
        );
        assert_eq!(config.validate().expect_err("the same problems").problems.len(), 3);
        let refused = created.expect_err("CreateStream fails without the feature");
        assert!(refused.message.contains("leaves out Video Streams"), "{}", refused.message);
        assert!(session.video().streams().is_empty());
        // Nothing is ever due: the service's code is not in the build.
        assert_eq!(session.video().next_deadline(), None);
    }
}

fn one_shard_with(producer: ProducerConfig) -> Simulation {
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
        producers: vec![producer],
        ..SimConfig::default()
    };
    Simulation::new(config).expect("valid config")
}

fn totals(sim: &Simulation) -> ProducerTotals {
    sim.producers().next().expect("one producer").1
}

#[test]
fn put_records_batches_by_size_and_linger() {
    use crate::producer::ClientStyle;
    let producer = ProducerConfig {
        client: ClientStyle::PutRecords { batch_max_records: 100, linger_ms: 50 },
        ..ProducerConfig::steady("batcher", 1_000, 100, 1_000)
    };
    let mut sim = one_shard_with(producer);
    sim.advance_to(SimTime::from_millis(9_999));
    let t = totals(&sim);
    // At 1,000 records/s the 50 ms linger ends before a batch reaches 100 records, so each call carries
    // 50 records: 200 batches in 10 s, of which the last is still lingering.
    assert_eq!(t.attempted, 10_000);
    assert_eq!(t.accepted, 9_950, "the last 50 ms batch is still lingering");
    assert_eq!(t.api_calls, 199);
    assert_eq!(t.kinesis_records, 9_950);
}

#[test]
fn the_kpl_aggregates_many_user_records_into_few_kinesis_records() {
    use crate::producer::{ClientStyle, KplConfig};
    // `docs/aws-behaviour.md` §2.2: 1,000 records/s of 512 B on one shard become about 10 aggregated records/s of
    // about 50 KB (AggregationMaxSize 51,200). A 1 s buffer time lets aggregates fill up.
    let kpl = KplConfig { record_max_buffered_time_ms: 1_000, ..KplConfig::default() };
    let producer = ProducerConfig { client: ClientStyle::Kpl(kpl), ..ProducerConfig::steady("kpl", 1_000, 512, 1_000) };
    let mut sim = one_shard_with(producer);
    sim.advance_to(SimTime::from_millis(10_500));
    let shard = &shards(&sim)[0];
    let second = shard.metrics.second(5);
    assert!((10..=12).contains(&second.incoming_records), "{second:?}");
    assert!(second.incoming_bytes > 500_000 && second.incoming_bytes < 560_000, "{second:?}");
    // Each stored record is a real KPL aggregate: it de-aggregates into its user records, in order.
    let record = shard.records().nth(3).expect("aggregates were written");
    assert!(record.size_bytes() <= 51_200 + 10, "{}", record.size_bytes());
    let user_records = crate::kpl::deaggregate(&record.data.to_bytes()).expect("an aggregated record");
    assert!(user_records.len() > 90, "{}", user_records.len());
    assert!(user_records.iter().all(|u| u.data.len() == 512));
    assert_eq!(user_records[0].partition_key, record.partition_key, "the outer key is the first user record's");
    let t = totals(&sim);
    assert_eq!(t.throttled, 0, "1,000 records/s fit one shard when aggregated");
    assert!(t.kinesis_records * 50 < t.accepted, "{t:?}");
}

#[test]
fn retries_with_backoff_recover_throttled_records() {
    use crate::producer::RetryPolicy;
    let plain = one_shard_with(ProducerConfig::steady("p", 1_200, 10, 1_000));
    let retrying = one_shard_with(ProducerConfig {
        retry: RetryPolicy::SDK_STANDARD,
        ..ProducerConfig::steady("p", 1_200, 10, 1_000)
    });
    let run = |mut sim: Simulation| {
        sim.advance_to(SimTime::from_secs(20));
        totals(&sim)
    };
    let (plain, retrying) = (run(plain), run(retrying));
    assert_eq!(plain.dropped, plain.throttled, "without retries every throttled record is lost");
    assert!(retrying.retried > 0 && retrying.latency_ms_max > 0, "{retrying:?}");
    // The shard takes 1,000 records/s whatever the client does; retries only move records in time.
    assert!(retrying.accepted <= 20_001 && retrying.accepted >= plain.accepted, "{retrying:?} vs {plain:?}");
    assert!(retrying.throttled > plain.throttled, "retries are throttled too: {retrying:?}");
}

#[test]
fn a_lost_answer_makes_the_client_write_a_duplicate() {
    use crate::producer::RetryPolicy;
    let producer = ProducerConfig {
        retry: RetryPolicy::SDK_STANDARD,
        timeout_percent: 10,
        ..ProducerConfig::steady("p", 200, 10, 1_000)
    };
    let mut sim = one_shard_with(producer);
    sim.advance_to(SimTime::from_secs(10));
    let t = totals(&sim);
    let stored = shards(&sim)[0].metrics.totals.incoming_records;
    // Kinesis does not deduplicate: every copy is a record in the stream.
    assert_eq!(stored, t.accepted + t.duplicates);
    assert!((120..=280).contains(&t.duplicates), "about 10 % of 2,000 records: {t:?}");
}

#[test]
fn a_spike_throttles_only_while_it_lasts() {
    use crate::workload::RateProfile;
    let producer = ProducerConfig {
        rate: RateProfile::Spike { base: 500, peak: 3_000, start_ms: 5_000, duration_ms: 2_000 },
        ..ProducerConfig::steady("p", 0, 10, 1_000)
    };
    let mut sim = one_shard_with(producer);
    sim.advance_to(SimTime::from_secs(10));
    let throttled: Vec<u64> = (0..10).map(|s| shard_second(&sim, s).write_provisioned_throughput_exceeded).collect();
    assert_eq!(throttled[..5], [0; 5]);
    assert!(throttled[5] > 1_500 && throttled[6] > 1_500, "{throttled:?}");
    assert_eq!(throttled[8..], [0; 2]);
}

mod consumers {
    use super::*;
    use crate::consumer_app::{ConsumerAppConfig, KclConfig, ReadStyle};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn app(name: &str, style: ReadStyle) -> ConsumerAppConfig {
        ConsumerAppConfig { style, ..ConsumerAppConfig::polling(name) }
    }

    fn kcl(workers: u32) -> ReadStyle {
        ReadStyle::Kcl(KclConfig { workers, checkpoint_every_records: 1_000, ..KclConfig::default() })
    }

    #[test]
    fn three_polling_readers_share_2_mib_while_fan_out_gets_its_own() {
        // About 1 MiB/s into one shard; each reader wants all of it.
        let polling = |name| app(name, ReadStyle::Polling { interval_ms: 200, limit: 10_000 });
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: vec![ProducerConfig::steady("p", 1_000, 1_000, 1_000)],
            consumers: vec![polling("a"), polling("b"), polling("c"), app("efo", ReadStyle::EnhancedFanOut)],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_secs(60));
        let apps = sim.consumers();
        let written = shards(&sim)[0].metrics.totals.incoming_bytes;
        let shared: u64 = apps[..3].iter().map(|a| a.totals.bytes).sum();
        // 60 s at 2 MiB/s, plus the budget's first full second and one response that may overdraw it:
        // together the three never get more than the shard gives.
        assert!(shared <= 64 * 2_097_152, "{shared}");
        assert!(shared > 50 * 2_097_152, "they do use most of it: {shared}");
        assert!(apps[..3].iter().all(|a| a.totals.throttled_calls > 0), "15 calls/s on a 5 calls/s shard");
        let behind =
            |a: &crate::consumer_app::ConsumerApp| (50..60).map(|s| a.second(s).iterator_age_ms_max).max().unwrap_or(0);
        let ages: Vec<u64> = apps.iter().map(behind).collect();
        assert!(ages[..3].iter().all(|age| *age > 10_000), "sharing 2 MiB/s three ways falls behind: {ages:?}");
        // The fan-out consumer registered at 0 s (ACTIVE at 0.5 s) and keeps up on its own 2 MiB/s.
        let efo = &apps[3];
        assert!(efo.totals.bytes > written - 2 * 1_048_576, "{} of {written}", efo.totals.bytes);
        assert!(ages[3] < 1_000, "{ages:?}");
    }

    #[test]
    fn kcl_workers_share_leases_and_rebalance_when_one_joins() {
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 4)],
            producers: vec![ProducerConfig::steady("p", 100, 100, 1_000)],
            consumers: vec![app("kcl", kcl(2))],
            scheduled: vec![ScheduledCommand { at_ms: 20_000, command: Command::AddWorker { consumer: 0 } }],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_secs(15));
        let leases = sim.consumers()[0].leases_per_worker();
        assert_eq!(leases.values().copied().collect::<Vec<_>>(), [2, 2]);
        sim.advance_to(SimTime::from_secs(45));
        let leases = sim.consumers()[0].leases_per_worker();
        assert_eq!(leases.len(), 3);
        assert_eq!(leases.values().sum::<u32>(), 4);
        assert!(leases.values().all(|n| (1..=2).contains(n)), "{leases:?}");
    }

    #[test]
    fn children_are_read_only_after_their_parent_ends() {
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: vec![ProducerConfig::steady("p", 500, 100, 1_000)],
            consumers: vec![app("kcl", kcl(1)), app("sdk", ReadStyle::Polling { interval_ms: 1_000, limit: 10_000 })],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_secs(5));
        let now = sim.now();
        sim.kinesis_mut().split_shard(now, "clickstream", "shardId-000000000000", 1 << 127).expect("split");
        sim.advance_to(SimTime::from_secs(20));
        for app in sim.consumers() {
            let parent_end = app.finished_at[&ShardId(0)];
            for child in [ShardId(1), ShardId(2)] {
                let first = app.first_processed_at[&child];
                assert!(
                    first >= parent_end,
                    "{}: child {child} at {first} before the parent ended at {parent_end}",
                    app.config.name
                );
            }
            assert_eq!(app.totals.duplicates, 0);
        }
        let written: u64 = shards(&sim).iter().map(|s| s.metrics.totals.incoming_records).sum();
        let read = sim.consumers()[0].totals.user_records;
        assert!(read + 1_000 >= written, "the KCL app keeps up: {read} of {written}");
    }

    #[test]
    fn a_crash_replays_from_the_checkpoint() {
        let crash_ms = 15_200;
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 2)],
            producers: vec![ProducerConfig::steady("p", 400, 100, 1_000)],
            consumers: vec![app("kcl", kcl(2))],
            scheduled: vec![ScheduledCommand {
                at_ms: crash_ms,
                command: Command::CrashWorker { consumer: 0, worker: 0 },
            }],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_millis(crash_ms));
        // Worker 0 holds shard 0. What it processed after its last checkpoint is lost with it.
        let app = &sim.consumers()[0];
        assert_eq!(app.leases[&ShardId(0)].owner, Some(0));
        let checkpoint = app.leases[&ShardId(0)].checkpoint.expect("checkpointed every 1,000 records");
        let highest = app.highest_processed(ShardId(0)).expect("processed records");
        assert!(highest > checkpoint, "the crash falls between checkpoints ({checkpoint} .. {highest})");
        sim.advance_to(SimTime::from_secs(40));
        let app = &sim.consumers()[0];
        // After the 10 s failover, worker 1 takes the lease and starts after the checkpoint: every record
        // worker 0 processed beyond it is processed again, and counted as a duplicate.
        assert_eq!(app.totals.duplicates, highest - checkpoint);
        assert_eq!(app.leases_per_worker().get(&1), Some(&2), "the survivor holds both leases");
        assert!(app.first_processed_at.len() == 2);
    }
}

#[test]
fn injected_throttling_refuses_a_share_of_writes_below_the_limits() {
    let config = SimConfig {
        streams: vec![StreamConfig { extra_throttle_percent: 20, ..StreamConfig::provisioned(DEFAULT_STREAM_NAME, 4) }],
        producers: vec![ProducerConfig::steady("p", 400, 100, 1_000)],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(10));
    let t = totals(&sim);
    // 100 records/s per shard is far below the limits, so every refusal is the fault: about 20 %.
    assert!((700..=900).contains(&t.throttled), "{t:?}");
    let lines: Vec<String> = core::iter::from_fn(|| sim.poll_event()).map(|e| e.to_string()).collect();
    assert!(lines.iter().any(|l| l.contains("limit=fault")), "{lines:?}");
    let stream = StreamConfig { extra_throttle_percent: 101, ..StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1) };
    let bad = SimConfig { streams: vec![stream], ..SimConfig::default() };
    assert!(Simulation::new(bad).is_err());
}

#[test]
fn a_kcl_app_deaggregates_kpl_records_with_subsequence_numbers() {
    use crate::consumer_app::{ConsumerAppConfig, KclConfig, ReadStyle};
    use crate::producer::{ClientStyle, KplConfig};
    let producer = ProducerConfig {
        client: ClientStyle::Kpl(KplConfig::default()),
        ..ProducerConfig::steady("kpl", 2_000, 100, 50)
    };
    let kcl = ConsumerAppConfig {
        name: "kcl".into(),
        style: ReadStyle::Kcl(KclConfig::default()),
        ..ConsumerAppConfig::polling("kcl")
    };
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
        producers: vec![producer],
        consumers: vec![kcl],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(5));
    let app = &sim.consumers()[0];
    let written: u64 = shards(&sim)[0].metrics.totals.incoming_records;
    assert!(app.totals.records <= written && app.totals.user_records > 10 * app.totals.records, "{:?}", app.totals);
    // Within one Kinesis record the subsequence numbers count 0, 1, 2, … and the user keys are the
    // producer's own (user-0 … user-49), not only the outer record's key.
    let recent: Vec<_> = app.recent().collect();
    let first_seq = recent[0].sequence_number;
    let group: Vec<_> = recent.iter().take_while(|r| r.sequence_number == first_seq).collect();
    assert!(group.len() > 1);
    assert!(group.iter().enumerate().all(|(i, r)| r.subsequence as usize == i + group[0].subsequence as usize));
    let keys: alloc::collections::BTreeSet<&str> = recent.iter().map(|r| r.partition_key.as_str()).collect();
    assert!(keys.len() > 10, "{keys:?}");
}

mod lambda {
    use super::*;
    use crate::consumer_app::{ConsumerApp, ConsumerAppConfig, LambdaConfig, ReadStyle};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn run(lambda: LambdaConfig, secs: u64) -> (Simulation, u64) {
        let app = ConsumerAppConfig {
            name: "fn".into(),
            style: ReadStyle::Lambda(lambda),
            ..ConsumerAppConfig::polling("fn")
        };
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: vec![ProducerConfig::steady("p", 1_000, 100, 1_000)],
            consumers: vec![app],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_secs(secs));
        let written = shards(&sim)[0].metrics.totals.incoming_records;
        (sim, written)
    }

    fn lag_ms(app: &ConsumerApp, from: u64, to: u64) -> u64 {
        (from..to).map(|s| app.second(s).iterator_age_ms_max).max().unwrap_or(0)
    }

    #[test]
    fn parallelization_lets_a_slow_function_keep_up() {
        // 1,000 records/s; batches of 100 take 500 ms: one lane does 200 records/s, five lanes 1,000.
        let slow = LambdaConfig { batch_size: 100, duration_ms: 500, ..LambdaConfig::default() };
        let (one_lane, _) = run(slow, 30);
        let (five_lanes, written) = run(LambdaConfig { parallelization_factor: 5, ..slow }, 30);
        assert!(lag_ms(&one_lane.consumers()[0], 25, 30) > 10_000, "one lane falls behind");
        assert!(lag_ms(&five_lanes.consumers()[0], 25, 30) < 3_000, "five lanes keep up");
        assert!(five_lanes.consumers()[0].totals.records + 2_000 > written);
    }

    #[test]
    fn a_poison_batch_is_bisected_then_sent_to_the_destination() {
        // Every invocation fails: with two retries and bisection, a batch of 100 is tried, halved, halved
        // again, then its records go to the on-failure destination.
        let poison = LambdaConfig {
            error_percent: 100,
            bisect_on_error: true,
            max_retry_attempts: 2,
            ..LambdaConfig::default()
        };
        let (sim, _) = run(poison, 20);
        let app = &sim.consumers()[0];
        assert_eq!(app.totals.failed_invocations, app.totals.invocations);
        // 1 + 2 + 4 invocations per batch of 100.
        assert_eq!(app.totals.invocations % 7, 0, "{:?}", app.totals);
        assert_eq!(app.totals.sent_to_destination, app.totals.invocations / 7 * 100);
        let healthy = run(LambdaConfig::default(), 20).0;
        assert_eq!(healthy.consumers()[0].totals.sent_to_destination, 0);
        assert!(lag_ms(app, 15, 20) > lag_ms(&healthy.consumers()[0], 15, 20), "retries hold the shard back");
    }
}

#[test]
fn a_recorded_trace_replays_at_its_times_and_sizes() {
    let trace = crate::workload::parse_trace("0,100\n500,200\n500,300\n1200,50000").expect("valid trace");
    let producer = ProducerConfig {
        rate: crate::workload::RateProfile::Trace { points: trace },
        ..ProducerConfig::steady("t", 0, 0, 1)
    };
    let mut sim = one_shard_with(producer);
    sim.advance_to(SimTime::from_secs(5));
    let records: Vec<(u64, u64)> =
        shards(&sim)[0].records().map(|r| (r.arrival.as_millis(), r.data.len_bytes())).collect();
    assert_eq!(records, [(0, 100), (500, 200), (500, 300), (1_200, 50_000)]);
    assert_eq!(totals(&sim).attempted, 4);
}

#[test]
fn templated_records_carry_fields_readers_can_use() {
    use crate::kinesis::IteratorStart;
    use crate::template::PayloadTemplate;
    let producer =
        ProducerConfig { payload: PayloadTemplate::Clickstream, ..ProducerConfig::steady("web", 10, 300, 100) };
    let mut sim = one_shard_with(producer);
    sim.advance_to(SimTime::from_secs(2));
    let now = sim.now();
    let it =
        sim.kinesis_mut().get_shard_iterator(now, "clickstream", "0", IteratorStart::TrimHorizon).expect("iterator");
    let out = sim.kinesis_mut().get_records(now, &it, Some(3)).expect("records");
    for record in &out.records {
        let text = String::from_utf8(record.data_bytes()).expect("JSON text");
        assert!(text.starts_with(&alloc::format!("{{\"user_id\":\"{}\"", record.partition_key)), "{text}");
        assert_eq!((text.len(), record.data.len_bytes()), (300, 300), "the configured size is written and read");
    }
}

#[test]
fn the_kpl_rate_limit_holds_records_back_instead_of_being_throttled() {
    use crate::producer::{ClientStyle, KplConfig};
    // 3,000 records/s of 1,000 B on one shard: about 3 MB/s against a 1 MiB/s shard.
    let run = |rate_limit_percent| {
        let kpl = KplConfig { rate_limit_percent, ..KplConfig::default() };
        let producer =
            ProducerConfig { client: ClientStyle::Kpl(kpl), ..ProducerConfig::steady("kpl", 3_000, 1_000, 100) };
        let mut sim = one_shard_with(producer);
        sim.advance_to(SimTime::from_secs(8));
        (totals(&sim), shards(&sim)[0].metrics.second(5))
    };
    let (limited, limited_second) = run(150);
    let (unlimited, _) = run(0);
    // Without the limit about two of every three aggregates are throttled (3 MB/s into 1 MiB/s). With the
    // KPL's 150 % limit it sends 1.5 MiB/s, so about a third are; the rest of the excess waits in the KPL.
    let share = |t: &ProducerTotals| t.throttled * 100 / t.kinesis_records.max(1);
    assert!(share(&unlimited) > 60 && share(&limited) < 45, "{limited:?} vs {unlimited:?}");
    assert!(limited.latency_ms_max > 1_000, "held records wait: {limited:?}");
    assert!(limited_second.incoming_bytes <= 1_048_576, "{limited_second:?}");
}

/// The KPL client's work so far (user records it looked at) and what it holds.
fn kpl_work(sim: &Simulation) -> (u64, u64) {
    let producer = sim.producer_state(0);
    (producer.work_units, producer.outstanding)
}

#[test]
fn an_overloaded_kpl_does_work_linear_in_its_records() {
    use crate::producer::{ClientStyle, KplConfig};
    // Issue 22: 20,000 records/s into 3 shards used to re-check and re-encode the whole held backlog for every
    // new user record once 500 aggregates were held (0.08 s, 15 s, 185 s for 1, 2, 3 simulated seconds).
    let producer = ProducerConfig {
        client: ClientStyle::Kpl(KplConfig::default()),
        ..ProducerConfig::steady("kpl", 20_000, 512, 10_000)
    };
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 3)],
        producers: vec![producer],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    let mut work_per_second = Vec::new();
    let mut before = 0;
    for second in 1..=4 {
        sim.advance_to(SimTime::from_secs(second));
        let (work, _) = kpl_work(&sim);
        work_per_second.push(work - before);
        before = work;
    }
    // 20,000 records/s of 512 B is about 10 MB/s; the KPL's 150 % rate limit lets about 4.5 MiB/s through
    // to 3 shards, so the backlog grows every second. Each user record is looked at when it is aggregated
    // and when its aggregate is encoded for a send, plus one look per shard per flush at a held aggregate:
    // about 2 per record, the same in every second however long the backlog.
    let t = totals(&sim);
    assert_eq!(t.attempted, 80_001, "records made at 0 s through 4 s inclusive");
    assert!(t.accepted < 30_000 && t.dropped > 0, "the stream is overloaded: {t:?}");
    for work in &work_per_second {
        assert!(*work <= 3 * 20_000, "work per second stays linear in records: {work_per_second:?}");
    }
}

#[test]
fn a_backed_up_kpl_holds_a_bounded_number_of_records() {
    use crate::producer::{ClientStyle, KplConfig, OUTSTANDING_RECORDS_MAX};
    // About 10 MB/s into one shard, whose 150 % rate limit passes 1.5 MiB/s: the backlog grows by about
    // 17,000 records a second and would reach 100,000 in 6 s; records beyond that are given up.
    let producer = ProducerConfig {
        client: ClientStyle::Kpl(KplConfig::default()),
        ..ProducerConfig::steady("kpl", 20_000, 512, 1_000)
    };
    let mut sim = one_shard_with(producer);
    let mut most_held = 0;
    for second in 1..=10 {
        sim.advance_to(SimTime::from_secs(second));
        most_held = most_held.max(kpl_work(&sim).1);
    }
    let t = totals(&sim);
    assert!(most_held <= OUTSTANDING_RECORDS_MAX, "{most_held}");
    assert!(most_held > OUTSTANDING_RECORDS_MAX / 2, "the backlog did build up: {most_held}");
    assert!(t.dropped > 50_000, "records beyond the bound are given up: {t:?}");
    assert_eq!(t.attempted, t.accepted + t.dropped + kpl_work(&sim).1, "every record is accounted for: {t:?}");
}

#[test]
fn aggregating_many_small_records_with_distinct_keys_predicts_each_length() {
    use crate::producer::{ClientStyle, KplConfig};
    // Issue 22: 1-byte records over a million keys made the KPL recompute each aggregate's length, with a
    // linear key lookup, for every record (40 s per simulated second). Each stored aggregate's length must
    // still be exactly its encoding's, and stay within AggregationMaxSize.
    let kpl = KplConfig { record_max_buffered_time_ms: 1_000, ..KplConfig::default() };
    let producer =
        ProducerConfig { client: ClientStyle::Kpl(kpl), ..ProducerConfig::steady("kpl", 20_000, 1, 1_000_000) };
    let mut sim = one_shard_with(producer);
    sim.advance_to(SimTime::from_millis(1_500));
    let records: Vec<_> = shards(&sim)[0].records().collect();
    assert!(!records.is_empty());
    let mut most_user_records = 0;
    for record in records {
        let bytes = record.data.to_bytes();
        assert_eq!(bytes.len() as u64, record.data.len_bytes());
        assert!(bytes.len() <= 51_200, "{}", bytes.len());
        let users = crate::kpl::deaggregate(&bytes).expect("an aggregate");
        most_user_records = most_user_records.max(users.len());
    }
    // Each user record takes about 30 bytes (a key-table entry, its index and 1 byte of data).
    assert!(most_user_records > 1_000, "full aggregates hold many records: {most_user_records}");
    let (work, _) = kpl_work(&sim);
    assert!(work <= 3 * totals(&sim).attempted, "{work}");
}

#[test]
fn a_scenario_with_four_billion_zipf_keys_runs_in_little_memory() {
    use crate::workload::KeyProfile;
    // Issue 22: a Zipf producer over 4,294,967,295 keys allocated a 34 GB table when the run was built.
    let producer =
        ProducerConfig { keys: KeyProfile::Zipf { keys: u32::MAX }, ..ProducerConfig::steady("z", 500, 10, 1) };
    let mut sim = one_shard_with(producer);
    sim.advance_to(SimTime::from_secs(1));
    assert_eq!(totals(&sim).accepted, 501, "records at 0 s through 1 s inclusive");
    assert!(shards(&sim)[0].records().any(|r| r.partition_key.len() > "user-99999".len()), "keys beyond the table's");
}

#[test]
fn a_shard_log_bound_beyond_the_simulators_is_refused() {
    let stream =
        StreamConfig { log_records_max_per_shard: u32::MAX, ..StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1) };
    let config = SimConfig { streams: vec![stream], ..SimConfig::default() };
    let problems = config.validate().expect_err("too many").problems;
    assert_eq!(
        problems,
        [alloc::format!(
            "Each shard of '{DEFAULT_STREAM_NAME}' keeps 4294967295 records at most; allow 1 to 86400000."
        )]
    );
}

/// Deadline entries the service looked at while `sim` advanced by an idle hour.
fn deadline_checks_in_an_idle_hour(sim: &mut Simulation) -> u64 {
    let before = sim.kinesis().deadline_checks.get();
    sim.advance_to(sim.now() + SimDuration::from_secs(3_600));
    sim.kinesis().deadline_checks.get() - before
}

#[test]
fn idle_streams_cost_no_deadline_checks() {
    use crate::kinesis::CreateStreamInput;
    // Issue 22: with 10,000 streams, every timer scanned every stream for a pending change (a simulated day
    // in one advance took 296 s). Now a timer looks only at changes that are actually pending.
    let with_streams = |count: u32| {
        let mut sim = Simulation::service_only(1, crate::KinesisConfig::default());
        for i in 0..count {
            sim.advance_to(SimTime::from_millis(u64::from(i) * 250));
            let now = sim.now();
            sim.kinesis_mut()
                .create_stream(now, CreateStreamInput::provisioned(&alloc::format!("s{i}"), 1))
                .expect("created");
        }
        sim.advance_to(sim.now() + SimDuration::from_secs(1));
        assert_eq!(sim.kinesis().streams().filter(|s| s.status == crate::StreamStatus::Active).count(), count as usize);
        sim
    };
    let (mut few, mut many) = (with_streams(2), with_streams(300));
    assert_eq!(deadline_checks_in_an_idle_hour(&mut few), 0);
    assert_eq!(deadline_checks_in_an_idle_hour(&mut many), 0, "300 idle streams add no work per timer");
    // A pending change is found, completed on time, and then costs nothing more.
    let now = many.now();
    many.kinesis_mut().update_shard_count(now, "s7", 2).expect("scaling");
    many.advance_to(now + SimDuration::from_millis(500));
    assert_eq!(many.kinesis().stream("s7").expect("exists").open_shard_count(), 2);
    assert_eq!(deadline_checks_in_an_idle_hour(&mut many), 0);
}

#[test]
fn a_resharded_stream_costs_no_deadline_checks_when_idle() {
    // Issue 22: after 10 reshards, closed shards were scanned on every timer (a one-day advance took 162 s).
    let mut sim = Simulation::service_only(1, crate::KinesisConfig::default());
    let input = crate::kinesis::CreateStreamInput::provisioned("s", 4);
    sim.kinesis_mut().create_stream(SimTime::ZERO, input).expect("created");
    for i in 0..10u32 {
        sim.advance_to(sim.now() + SimDuration::from_secs(1));
        let now = sim.now();
        let target = if i % 2 == 0 { 8 } else { 4 };
        sim.kinesis_mut().update_shard_count(now, "s", target).expect("scaling");
    }
    sim.advance_to(sim.now() + SimDuration::from_secs(1));
    let stream = sim.kinesis().stream("s").expect("exists");
    assert_eq!(stream.open_shard_count(), 4, "ten alternating scalings end at 4 open shards");
    assert!(stream.shards().len() > 40, "closed shards are kept for the retention period");
    assert_eq!(deadline_checks_in_an_idle_hour(&mut sim), 0);
    assert_eq!(per_second_work_in_an_idle_hour(&mut sim), (0, 0), "nor any per-second work");
    // After the 24-hour retention, closed shards are no longer listed.
    sim.advance_to(sim.now() + SimDuration::from_secs(24 * 3_600));
    assert_eq!(sim.kinesis().stream("s").expect("exists").shards().len(), 4);
}

#[test]
fn a_stream_changed_mid_hour_bills_exactly_its_shard_seconds() {
    // Time-based usage is billed lazily; each change of rate must still start at the next whole second.
    // Changes take 500 ms (`KinesisConfig::default`), so a change at t s counts from the second ending at t + 1 s.
    let mut sim = Simulation::service_only(1, crate::KinesisConfig::default());
    let input = crate::kinesis::CreateStreamInput::provisioned("s", 2);
    sim.kinesis_mut().create_stream(SimTime::ZERO, input).expect("created");
    let usage = |sim: &Simulation| sim.kinesis().usage_of(sim.kinesis().stream("s").expect("exists"));
    sim.advance_to(SimTime::from_secs(600));
    assert_eq!(usage(&sim).shard_seconds, 2 * 600, "a read with no change since creation is exact");
    sim.kinesis_mut().update_shard_count(SimTime::from_secs(600), "s", 4).expect("scaling");
    sim.advance_to(SimTime::from_secs(1_800));
    sim.kinesis_mut().increase_retention(SimTime::from_secs(1_800), "s", 48).expect("longer retention");
    sim.advance_to(SimTime::from_secs(2_400));
    let arn = sim.kinesis_mut().register_consumer(SimTime::from_secs(2_400), "s", "c").expect("registered").arn.clone();
    sim.advance_to(SimTime::from_secs(3_000));
    sim.kinesis_mut().deregister_consumer(SimTime::from_secs(3_000), None, None, Some(&arn)).expect("deregistered");
    sim.advance_to(SimTime::from_secs(3_600));
    let usage = usage(&sim);
    assert_eq!(usage.shard_seconds, 2 * 600 + 4 * 3_000, "2 shards to 600 s, then 4");
    assert_eq!(usage.extended_retention_shard_seconds, 4 * 1_800, "48-hour retention from 1,800 s on 4 shards");
    assert_eq!(usage.efo_consumer_shard_seconds, 4 * 600, "one consumer from 2,400 s to 3,000 s on 4 shards");
}

/// Streams billed by the service's once-a-second work while `sim` advanced by an idle hour.
fn billing_touches_in_an_idle_hour(sim: &mut Simulation) -> u64 {
    let before = sim.kinesis().billing_touches.get();
    sim.advance_to(sim.now() + SimDuration::from_secs(3_600));
    sim.kinesis().billing_touches.get() - before
}

#[test]
fn idle_streams_cost_nothing_to_bill() {
    use crate::kinesis::CreateStreamInput;
    // Issue 22: every closed second billed every stream. Now provisioned streams bill when read or changed,
    // and only on-demand streams are looked at, once per 60-second scaling window.
    let with_streams = |provisioned: u32| {
        let mut sim = Simulation::service_only(1, crate::KinesisConfig::default());
        sim.kinesis_mut().create_active_stream(SimTime::ZERO, CreateStreamInput::on_demand("od")).expect("created");
        for i in 0..provisioned {
            let input = CreateStreamInput::provisioned(&alloc::format!("s{i}"), 1);
            sim.kinesis_mut().create_active_stream(SimTime::ZERO, input).expect("created");
        }
        sim.advance_to(SimTime::from_secs(60));
        sim
    };
    let (mut few, mut many) = (with_streams(2), with_streams(300));
    assert_eq!(billing_touches_in_an_idle_hour(&mut few), 60, "the on-demand stream, once a minute");
    assert_eq!(billing_touches_in_an_idle_hour(&mut many), 60, "300 idle provisioned streams add nothing");
    let s299 = many.kinesis().stream("s299").expect("exists");
    assert_eq!(many.kinesis().usage_of(s299).shard_seconds, 3_660, "still billed for every second of 61 minutes");
    let od = many.kinesis().stream("od").expect("exists");
    assert_eq!(many.kinesis().usage_of(od).on_demand_stream_seconds, 3_660);
}

#[test]
fn put_to_get_latency_includes_the_delay_and_fan_out_is_faster() {
    use crate::consumer_app::{ConsumerAppConfig, ReadStyle, StartAt};
    let reader = |name: &str, style| ConsumerAppConfig {
        name: name.into(),
        style,
        start: StartAt::Latest,
        ..ConsumerAppConfig::polling(name)
    };
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 2)],
        producers: vec![ProducerConfig::steady("p", 200, 100, 1_000)],
        consumers: vec![
            reader("poller", ReadStyle::Polling { interval_ms: 1_000, limit: 10_000 }),
            reader("efo", ReadStyle::EnhancedFanOut),
        ],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(30));
    let (poller, efo) = (&sim.consumers()[0].latency, &sim.consumers()[1].latency);
    assert!(poller.count() > 4_000 && efo.count() > 4_000, "{} {}", poller.count(), efo.count());
    // Nothing is read sooner than the propagation delay; a 1 s polling loop adds up to a second on top.
    assert!(poller.min_ms().expect("data") >= 100, "{poller:?}");
    assert!(efo.min_ms().expect("data") >= 45);
    let (poll_p50, efo_p50) = (poller.percentile(50).expect("data"), efo.percentile(50).expect("data"));
    assert!((500..=1_300).contains(&poll_p50), "{poll_p50}");
    assert!(efo_p50 < poll_p50 && efo_p50 <= 300, "{efo_p50} vs {poll_p50}");
}

/// Mean put-to-get latency of one reader of a 2-shard stream fed 500 records/s of 100 bytes, over 60 s with
/// default settings.
fn mean_latency_ms(style: crate::consumer_app::ReadStyle) -> f64 {
    use crate::consumer_app::{ConsumerAppConfig, StartAt};
    let reader = ConsumerAppConfig {
        style,
        start: StartAt::Latest,
        processing_us_per_record: 0,
        ..ConsumerAppConfig::polling("reader")
    };
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 2)],
        producers: vec![ProducerConfig::steady("p", 500, 100, 1_000)],
        consumers: vec![reader],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(60));
    let latency = &sim.consumers()[0].latency;
    assert!(latency.count() > 25_000, "{latency:?}");
    latency.mean_ms().expect("read")
}

// AWS ("Develop consumers", shared throughput vs enhanced fan-out): enhanced fan-out's propagation delay is
// "typically an average of 70 ms"; GetRecords' "an average of around 200 ms" with one consumer. Tolerance
// ±5 ms: the expected means are 45 + 50/2 = 70 ms and 100 + 200/2 = 200 ms for arrivals spread evenly over a
// reader's schedule; whole-millisecond rounding takes 0.5 ms off, and 60 s of a 2 ms arrival spacing against
// 50 ms and 200 ms schedules leaves the phase coverage uneven by at most a few ms.

#[test]
fn a_default_enhanced_fan_out_consumer_averages_70_ms_put_to_get() {
    let mean = mean_latency_ms(crate::consumer_app::ReadStyle::EnhancedFanOut);
    assert!((65.0..=75.0).contains(&mean), "{mean}");
}

#[test]
fn a_consumer_polling_5_times_a_second_averages_200_ms_put_to_get() {
    let mean = mean_latency_ms(crate::consumer_app::ReadStyle::Polling { interval_ms: 200, limit: 10_000 });
    assert!((195.0..=205.0).contains(&mean), "{mean}");
}

/// A run that uses every client and consumer: its transcript (producer and consumer totals, latency
/// percentiles, shard metrics) must be the same bits natively and in browsers.
fn rich_transcript() -> String {
    use crate::consumer_app::{ConsumerAppConfig, KclConfig, LambdaConfig, ReadStyle, StartAt};
    use crate::producer::{ClientStyle, KplConfig, RetryPolicy};
    use crate::template::PayloadTemplate;
    use crate::workload::{KeyProfile, RateProfile, SizeProfile};
    use core::fmt::Write;
    let reader = |name: &str, style| ConsumerAppConfig {
        name: name.into(),
        style,
        start: StartAt::TrimHorizon,
        processing_us_per_record: 50,
        ..ConsumerAppConfig::polling(name)
    };
    let config = SimConfig {
        seed: 11,
        streams: vec![StreamConfig { extra_throttle_percent: 2, ..StreamConfig::provisioned(DEFAULT_STREAM_NAME, 3) }],
        producers: vec![
            ProducerConfig {
                rate: RateProfile::Sine { mean: 1_500, amplitude: 1_000, period_ms: 20_000 },
                keys: KeyProfile::Zipf { keys: 500 },
                client: ClientStyle::PutRecords { batch_max_records: 250, linger_ms: 20 },
                retry: RetryPolicy::SDK_STANDARD,
                timeout_percent: 3,
                payload: PayloadTemplate::Clickstream,
                ..ProducerConfig::steady("web", 0, 0, 1)
            },
            ProducerConfig {
                size: SizeProfile::Uniform { min: 100, max: 900 },
                keys: KeyProfile::HotKey { keys: 50, hot_percent: 30 },
                client: ClientStyle::Kpl(KplConfig::default()),
                ..ProducerConfig::steady("iot", 800, 0, 1)
            },
        ],
        consumers: vec![
            reader(
                "kcl",
                ReadStyle::Kcl(KclConfig { workers: 2, checkpoint_every_records: 500, ..KclConfig::default() }),
            ),
            reader("efo", ReadStyle::EnhancedFanOut),
            reader(
                "fn",
                ReadStyle::Lambda(LambdaConfig {
                    error_percent: 10,
                    bisect_on_error: true,
                    parallelization_factor: 2,
                    ..LambdaConfig::default()
                }),
            ),
        ],
        scheduled: vec![
            ScheduledCommand { at_ms: 9_000, command: Command::CrashWorker { consumer: 0, worker: 0 } },
            // Stream changes through the service: a reshard, a retention change, a mode switch, and a refusal.
            ScheduledCommand {
                at_ms: 12_000,
                command: Command::UpdateShardCount { stream_name: DEFAULT_STREAM_NAME.into(), target_shards: 6 },
            },
            ScheduledCommand {
                at_ms: 14_000,
                command: Command::SetRetention { stream_name: DEFAULT_STREAM_NAME.into(), hours: 48 },
            },
            ScheduledCommand {
                at_ms: 20_000,
                command: Command::UpdateStreamMode {
                    stream_name: DEFAULT_STREAM_NAME.into(),
                    mode: StreamMode::OnDemand,
                },
            },
            ScheduledCommand {
                at_ms: 22_000,
                command: Command::SplitShard { stream_name: DEFAULT_STREAM_NAME.into(), shard: 3 },
            },
        ],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    let mut out = String::new();
    sim.advance_to(SimTime::from_secs(30));
    for (config, totals) in sim.producers() {
        writeln!(out, "{} {totals:?}", config.name).expect("writing to a String");
    }
    for app in sim.consumers() {
        let p = [50, 95, 99].map(|p| app.latency.percentile(p));
        writeln!(out, "{} {:?} {p:?} {:?}", app.config.name, app.totals, app.leases).expect("writing to a String");
    }
    for shard in shards(&sim) {
        writeln!(out, "{} {:?}", shard.id, shard.metrics.totals).expect("writing to a String");
    }
    while let Some(event) = sim.poll_event() {
        if matches!(event, Event::StreamChangeAccepted { .. } | Event::StreamChangeRefused { .. }) {
            writeln!(out, "{event}").expect("writing to a String");
        }
    }
    // An on-demand stream under a spike of 100 KiB records, past two of its once-a-minute decisions.
    let on_demand = SimConfig {
        seed: 11,
        streams: vec![StreamConfig { mode: StreamMode::OnDemand, ..StreamConfig::provisioned("orders", 4) }],
        producers: vec![ProducerConfig {
            stream_name: "orders".into(),
            rate: RateProfile::Spike { base: 10, peak: 60, start_ms: 20_000, duration_ms: 80_000 },
            retry: RetryPolicy::SDK_STANDARD,
            ..ProducerConfig::steady("flash", 0, 102_390, 1_000)
        }],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(on_demand).expect("valid");
    sim.advance_to(SimTime::from_secs(125));
    while let Some(event) = sim.poll_event() {
        if matches!(event, Event::OnDemandScaled { .. }) {
            writeln!(out, "{event}").expect("writing to a String");
        }
    }
    for shard in shards(&sim) {
        writeln!(out, "{} {:?}", shard.id, shard.metrics.totals).expect("writing to a String");
    }
    out
}

/// Like [`runs_are_identical_natively_and_in_wasm`]: the constant is the transcript's MD5 as first recorded
/// natively; native, Chrome and Firefox must all produce it.
#[test]
fn rich_runs_are_identical_natively_and_in_wasm() {
    use md5::{Digest, Md5};
    let text = rich_transcript();
    assert_eq!(text, rich_transcript());
    assert!(text.contains("on-demand-scaled name=orders shards=4->"), "{text}");
    assert!(text.contains("stream-change-refused name=clickstream"), "{text}");
    let digest: [u8; 16] = Md5::digest(text.as_bytes()).into();
    let hex: String = digest.iter().map(|b| alloc::format!("{b:02x}")).collect();
    assert_eq!(hex, "00d845b65f2c78f343f205435c05efcc", "{text}");
}

#[test]
fn a_trace_out_of_order_is_refused_not_panicked_on() {
    use crate::workload::{RateProfile, TracePoint};
    let points = alloc::vec![TracePoint { at_ms: 10, bytes: 1 }, TracePoint { at_ms: 5, bytes: 1 }];
    let producer = ProducerConfig { rate: RateProfile::Trace { points }, ..ProducerConfig::steady("t", 0, 0, 1) };
    let problems = producer.validate().expect_err("unsorted").problems;
    assert_eq!(problems, ["Producer 't' trace is not in time order; sort it by at_ms."]);
    let empty =
        ProducerConfig { rate: RateProfile::Trace { points: alloc::vec![] }, ..ProducerConfig::steady("t", 0, 0, 1) };
    assert!(empty.validate().is_err());
}

mod agent {
    use super::*;
    use crate::agent::{AgentConfig, LogSource, ProcessingOption};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn with_agent(agent: AgentConfig, scheduled: Vec<ScheduledCommand>) -> Simulation {
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: vec![],
            agents: vec![agent],
            scheduled,
            ..SimConfig::default()
        };
        Simulation::new(config).expect("valid")
    }

    fn csv_agent() -> AgentConfig {
        AgentConfig {
            source: LogSource::Csv,
            data_processing_options: vec![ProcessingOption::Csvtojson {
                custom_field_names: vec!["user".into(), "event".into(), "amount_cents".into()],
            }],
            lines_per_sec: 50,
            max_buffer_age_millis: 1_000,
            ..AgentConfig::default()
        }
    }

    #[test]
    fn csvtojson_turns_log_lines_into_json_records() {
        let mut sim = with_agent(csv_agent(), vec![]);
        sim.advance_to(SimTime::from_secs(5));
        let agent = &sim.agents()[0];
        assert_eq!(agent.totals.lines_written, 250);
        let records: Vec<String> =
            shards(&sim)[0].records().map(|r| String::from_utf8(r.data_bytes()).expect("text")).collect();
        assert!(records.len() >= 150, "sent every second: {}", records.len());
        for record in &records {
            assert!(
                record.starts_with("{\"user\":\"user-")
                    && record.contains("\"event\":\"")
                    && record.contains("\"amount_cents\":\""),
                "{record}"
            );
        }
        assert_eq!(agent.totals.records_sent as usize, records.len());
    }

    #[test]
    fn a_restart_resumes_from_the_checkpoint_without_loss() {
        let restart = ScheduledCommand { at_ms: 2_550, command: Command::RestartAgent { agent: 0 } };
        let mut sim = with_agent(csv_agent(), vec![restart]);
        sim.advance_to(SimTime::from_secs(6));
        let agent = &sim.agents()[0];
        assert_eq!(agent.totals.restarts, 1);
        // Every line up to the checkpoint is in the stream exactly once: nothing lost, nothing doubled.
        let stored = shards(&sim)[0].records().count() as u64;
        assert_eq!(stored, agent.checkpoint, "lines before the checkpoint, one record each");
        assert_eq!(agent.totals.duplicates, 0);
        assert!(agent.checkpoint >= 250, "{}", agent.checkpoint);
    }

    #[test]
    fn throttling_makes_it_retry_and_fall_behind() {
        let busy = AgentConfig { lines_per_sec: 3_000, max_buffer_age_millis: 1_000, ..AgentConfig::default() };
        let mut sim = with_agent(busy, vec![]);
        sim.advance_to(SimTime::from_secs(5));
        let behind_at_5 = sim.agents()[0].lines_behind();
        sim.advance_to(SimTime::from_secs(15));
        let agent = &sim.agents()[0];
        assert!(agent.totals.records_failed > 0, "{:?}", agent.totals);
        // 3,000 lines/s into a shard that takes 1,000 records/s: the backlog grows.
        assert!(agent.lines_behind() > behind_at_5 + 10_000, "{behind_at_5} then {}", agent.lines_behind());
        assert!(shards(&sim)[0].metrics.second(10).incoming_records <= 1_000);
    }

    /// A Direct PUT delivery stream to S3 that flushes at once (interval 0) and separates records with newlines.
    fn logs_to_s3() -> crate::firehose::DeliveryStreamConfig {
        let mut logs = crate::firehose::DeliveryStreamConfig::direct_put_to_s3("logs");
        logs.destination.buffering = Some(crate::firehose::BufferingHints { size_mib: 1, interval_secs: 0 });
        logs.destination.s3.append_newline = true;
        logs
    }

    fn with_agent_to_firehose(agent: AgentConfig, region: &str) -> Simulation {
        let agent = AgentConfig { delivery_stream: Some("logs".into()), ..agent };
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: vec![],
            agents: vec![agent],
            delivery_streams: vec![logs_to_s3()],
            region: region.into(),
            ..SimConfig::default()
        };
        Simulation::new(config).expect("valid")
    }

    /// Every data record in the delivery stream's S3 objects, one per line.
    fn s3_lines(sim: &Simulation) -> Vec<String> {
        let logs = sim.firehose().delivery_stream("logs").expect("exists");
        let mut lines = Vec::new();
        for object in logs.s3_objects.iter().filter(|o| o.kind == crate::firehose::delivery::ObjectKind::Data) {
            let text = String::from_utf8(object.decompressed().expect("kept")).expect("text");
            let before = lines.len();
            lines.extend(text.lines().map(String::from));
            assert_eq!(lines.len() - before, object.records as usize, "{}", object.key);
        }
        lines
    }

    /// How many records the delivery stream's S3 data objects hold (their contents may no longer be kept).
    fn s3_records(sim: &Simulation) -> u64 {
        let logs = sim.firehose().delivery_stream("logs").expect("exists");
        let data = logs.s3_objects.iter().filter(|o| o.kind == crate::firehose::delivery::ObjectKind::Data);
        data.map(|o| u64::from(o.records)).sum()
    }

    #[test]
    fn an_agent_sends_every_line_to_a_direct_put_delivery_stream() {
        let mut sim = with_agent_to_firehose(csv_agent(), "us-east-1");
        sim.advance_to(SimTime::from_secs(10));
        let agent = &sim.agents()[0];
        assert_eq!(agent.totals.lines_written, 500);
        // Sent once a second: every line up to the checkpoint, none twice, none failed.
        assert!(agent.checkpoint >= 400, "{}", agent.checkpoint);
        assert_eq!(agent.totals.records_sent, agent.checkpoint);
        assert_eq!((agent.totals.records_failed, agent.totals.duplicates), (0, 0));
        let logs = sim.firehose().delivery_stream("logs").expect("exists");
        assert_eq!(logs.totals.incoming_records, agent.totals.records_sent);
        assert_eq!(logs.totals.delivered_records, agent.totals.records_sent);
        // The S3 objects hold exactly the JSON of lines 0 .. checkpoint.
        let mut delivered = s3_lines(&sim);
        let mut expected: Vec<String> = (0..agent.checkpoint)
            .map(|i| agent.process(&agent.line(i, 0).text).expect("CSV always converts"))
            .collect();
        delivered.sort();
        expected.sort();
        assert_eq!(delivered, expected);
        assert!(delivered[0].starts_with("{\"user\":\"user-"), "{}", delivered[0]);
        // Nothing reached the data stream.
        assert_eq!(shards(&sim)[0].records().count(), 0);
    }

    #[test]
    fn throttled_put_record_batch_records_are_retried() {
        // Outside the big three Regions Direct PUT takes 1 MiB/s. Two Agents sending LOGTOJSON Apache lines
        // (about 200 bytes) at 3,000 lines/s each, about 1.2 MB/s together, are throttled part of each second.
        let busy = AgentConfig {
            lines_per_sec: 3_000,
            max_buffer_age_millis: 1_000,
            data_processing_options: vec![ProcessingOption::Logtojson { log_format: "COMBINEDAPACHELOG".into() }],
            delivery_stream: Some("logs".into()),
            ..AgentConfig::default()
        };
        let other = AgentConfig { file_pattern: "/var/log/app/other.log".into(), ..busy.clone() };
        let config = SimConfig {
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: vec![],
            agents: vec![busy, other],
            delivery_streams: vec![logs_to_s3()],
            region: "eu-central-1".into(),
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid");
        let mut first_failure_read = [None, None];
        for step in 1..=200 {
            sim.advance_to(SimTime::from_millis(step * 100));
            for (agent, first) in sim.agents().iter().zip(&mut first_failure_read) {
                if first.is_none() && agent.totals.records_failed > 0 {
                    *first = Some(agent.read);
                }
            }
        }
        let logs = sim.firehose().delivery_stream("logs").expect("exists");
        assert!(logs.totals.throttled_records > 0);
        let (mut sent, mut failed) = (0, 0);
        for (agent, first) in sim.agents().iter().zip(first_failure_read) {
            let failed_by = first.expect("the quota throttled a batch of each Agent");
            // The lines read when its first batch failed were all sent later: the checkpoint is past them.
            assert!(agent.checkpoint > failed_by, "checkpoint {} vs {failed_by}", agent.checkpoint);
            assert!(agent.totals.records_sent >= agent.checkpoint);
            assert_eq!(agent.totals.duplicates, 0);
            // More is written than the quota lets through: each Agent falls behind.
            assert!(agent.lines_behind() > 3_000, "{}", agent.lines_behind());
            sent += agent.totals.records_sent;
            failed += agent.totals.records_failed;
        }
        assert_eq!(logs.totals.throttled_records, failed);
        assert_eq!(logs.totals.incoming_records, sent);
        assert_eq!(s3_records(&sim), sent);
        for second in 0..20 {
            assert!(logs.metrics.second(second).incoming_bytes <= 1_048_576, "second {second}");
        }
    }

    #[test]
    fn a_batch_refused_whole_is_retried_once_the_delivery_stream_is_back() {
        let mut sim = with_agent_to_firehose(csv_agent(), "us-east-1");
        sim.advance_to(SimTime::from_millis(2_050));
        // The delivery stream is deleted and created again: puts in between fail as a whole call.
        let now = sim.now();
        sim.firehose_mut().delete_delivery_stream(now, "logs").expect("deletes");
        sim.advance_to(SimTime::from_secs(4));
        let failed = sim.agents()[0].totals.records_failed;
        assert!(failed > 0, "{:?}", sim.agents()[0].totals);
        let stuck = sim.agents()[0].checkpoint;
        let now = sim.now();
        let (kinesis, firehose) = sim.services_mut();
        firehose.create_active(now, logs_to_s3(), kinesis).expect("created again");
        sim.advance_to(SimTime::from_secs(30));
        let agent = &sim.agents()[0];
        assert!(agent.checkpoint > stuck + 1_000, "{stuck} then {}", agent.checkpoint);
        assert_eq!(agent.totals.duplicates, 0);
        // The new stream got every line from the stuck checkpoint on.
        assert_eq!(s3_lines(&sim).len() as u64, agent.checkpoint - stuck);
    }

    #[test]
    fn a_flow_to_a_missing_or_stream_fed_delivery_stream_is_a_problem() {
        let agent = AgentConfig { delivery_stream: Some("nope".into()), ..csv_agent() };
        let reading = crate::firehose::DeliveryStreamConfig {
            source: crate::firehose::Source::KinesisStream { stream_name: "clickstream".into() },
            ..crate::firehose::DeliveryStreamConfig::direct_put_to_s3("reader")
        };
        let config = SimConfig {
            producers: vec![],
            agents: vec![agent.clone(), AgentConfig { delivery_stream: Some("reader".into()), ..agent }],
            delivery_streams: vec![reading],
            ..SimConfig::default()
        };
        let problems = config.validate().expect_err("two bad flows").problems;
        assert_eq!(
            problems,
            [
                "Agent flow /var/log/app/app.log: deliveryStream 'nope' is not one of the scenario's delivery streams.",
                "Agent flow /var/log/app/app.log: delivery stream 'reader' reads a data stream, so it takes no \
                 PutRecordBatch; use a Direct PUT delivery stream.",
            ]
        );
    }
}

#[test]
fn streams_of_one_run_keep_their_own_settings_and_an_output_feeds_the_next() {
    use crate::analytics_app::DestinationKind;
    use crate::consumer_app::{ConsumerAppConfig, RecordOutput};
    // 'raw' (1 shard) takes 1,500 records/s of 100 B: over its 1,000 records/s limit, it throttles. An
    // enrichment app reads it and writes each record on to 'enriched' (2 shards, never throttled at the
    // 1,000 records/s that get through); a second app reads 'enriched'. 'faulty' refuses every write.
    let enrich = ConsumerAppConfig {
        output: Some(RecordOutput { stream_name: "enriched".into(), kind: DestinationKind::DataStream }),
        ..ConsumerAppConfig { stream_name: "raw".into(), ..ConsumerAppConfig::polling("enrich") }
    };
    let reader = ConsumerAppConfig { stream_name: "enriched".into(), ..ConsumerAppConfig::polling("reader") };
    let config = SimConfig {
        streams: vec![
            StreamConfig::provisioned("raw", 1),
            StreamConfig { retention_hours: 48, ..StreamConfig::provisioned("enriched", 2) },
            StreamConfig { extra_throttle_percent: 100, ..StreamConfig::provisioned("faulty", 1) },
        ],
        producers: vec![
            ProducerConfig { stream_name: "raw".into(), ..ProducerConfig::steady("web", 1_500, 100, 1_000) },
            ProducerConfig { stream_name: "faulty".into(), ..ProducerConfig::steady("iot", 10, 100, 10) },
        ],
        consumers: vec![enrich, reader],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(20));
    let created = core::iter::from_fn(|| sim.poll_event()).filter(|e| matches!(e, Event::StreamCreated { .. })).count();
    assert_eq!(created, 3);
    let shards_of = |name: &str| sim.stream_named(name).map(|s| s.shards().len());
    assert_eq!((shards_of("raw"), shards_of("enriched"), shards_of("faulty")), (Some(1), Some(2), Some(1)));
    assert_eq!(sim.stream_named("enriched").map(|s| s.retention_hours), Some(48));
    let incoming = |name: &str| -> u64 {
        sim.stream_named(name).map_or(0, |s| s.shards().iter().map(|sh| sh.metrics.totals.incoming_records).sum())
    };
    let producers: Vec<ProducerTotals> = sim.producers().map(|(_, t)| t).collect();
    assert!(producers[0].throttled > 0, "1,500 records/s exceed one shard: {:?}", producers[0]);
    assert_eq!(producers[1].accepted, 0, "every write to 'faulty' is refused");
    assert!(producers[1].throttled > 0);
    let enrich = &sim.consumers()[0];
    let out = enrich.output_totals();
    // Every record read from 'raw' went on to 'enriched' or is still waiting; none was lost.
    assert_eq!(out.offered, enrich.totals.records);
    assert_eq!(out.offered, out.written + out.queued + out.dropped);
    assert_eq!(out.dropped, 0);
    assert_eq!(incoming("enriched"), out.written);
    assert!(out.written > 10_000, "{out:?}");
    // The reader of 'enriched' sees what was written there (up to the last second's put-to-get delay).
    let reader = &sim.consumers()[1];
    assert!(reader.totals.records <= incoming("enriched") && reader.totals.records > out.written - 2_000);
}

#[test]
fn a_config_naming_a_stream_it_does_not_have_says_which() {
    let config = SimConfig {
        producers: vec![ProducerConfig { stream_name: "orders".into(), ..ProducerConfig::default() }],
        ..SimConfig::default()
    };
    let problems = Simulation::new(config).expect_err("no stream 'orders'").problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("'orders'") && problems[0].contains("(clickstream)"), "{problems:?}");
    let two = SimConfig {
        streams: vec![StreamConfig::provisioned("a", 1), StreamConfig::provisioned("a", 2)],
        producers: vec![],
        ..SimConfig::default()
    };
    assert!(
        Simulation::new(two).is_err_and(|e| e.problems.iter().any(|p| p.contains("Two data streams are named 'a'")))
    );
}

/// Streams the account looked at, and streams the service trimmed, while `sim` advanced by an idle hour.
fn per_second_work_in_an_idle_hour(sim: &mut Simulation) -> (u64, u64) {
    let (visits, trims) = (sim.account().stream_visits, sim.kinesis().trim_visits);
    sim.advance_to(sim.now() + SimDuration::from_secs(3_600));
    (sim.account().stream_visits - visits, sim.kinesis().trim_visits - trims)
}

#[test]
fn closing_a_second_looks_only_at_streams_touched_in_it() {
    use crate::kinesis::{CreateStreamInput, PutRecordsEntry};
    // Issue 22: every closed second visited every stream and every shard for the account, and every stream
    // for trimming: 10,000 idle streams for a simulated day in one advance took 366 s. Now a second looks at
    // the streams written, read or changed in it, and at those whose write throttle episode is still open.
    let mut sim = Simulation::service_only(1, crate::KinesisConfig::default());
    for i in 0..300 {
        let input = CreateStreamInput::provisioned(&alloc::format!("s{i:03}"), 1);
        sim.kinesis_mut().create_active_stream(SimTime::ZERO, input).expect("created");
    }
    sim.advance_to(SimTime::from_secs(2));
    assert_eq!(per_second_work_in_an_idle_hour(&mut sim), (0, 0), "300 idle streams cost nothing per second");

    // 1,500 records in one second into one shard (1,000 records/s, docs/aws-behaviour.md §1.1): the stream is
    // looked at in the second it was written, and in the next, which ends the throttle episode.
    let now = sim.now();
    let entry = |k: u32| PutRecordsEntry {
        partition_key: alloc::format!("k{k}"),
        explicit_hash_key: None,
        data: crate::Payload::Bytes(alloc::vec![0u8; 10].into()),
    };
    for batch in 0..3 {
        let entries = (0..500).map(|k| entry(batch * 500 + k)).collect();
        sim.kinesis_mut().put_records(now, "s150", entries).expect("accepted call");
    }
    while sim.poll_observation().is_some() {}
    let trims_before = sim.kinesis().trim_visits;
    let (visits, trims) = per_second_work_in_an_idle_hour(&mut sim);
    assert_eq!(visits, 2, "the written second, then the one that ends the episode");
    let ended = core::iter::from_fn(|| sim.poll_observation())
        .filter(|o| matches!(o.what, crate::Observed::WriteThrottleEnded { .. }))
        .count();
    assert_eq!(ended, 1, "the episode still ends");
    assert_eq!(trims, 0, "the records expire after 24 hours, not within the hour");
    // A day later the written stream's records expire: one trim, of that stream only.
    sim.advance_to(now + SimDuration::from_secs(24 * 3_600 + 1));
    assert_eq!(sim.kinesis().trim_visits - trims_before, 1);
    assert_eq!(sim.kinesis().stream("s150").expect("exists").shards()[0].records().count(), 0, "trimmed");
}

#[test]
fn a_stream_command_the_service_refuses_is_an_event_and_an_error_with_awss_text() {
    // `docs/aws-behaviour.md` §1.7: a shard already split cannot be split again.
    let mut sim = Simulation::new(SimConfig { producers: vec![], ..SimConfig::default() }).expect("valid");
    let split = |shard| Command::SplitShard { stream_name: DEFAULT_STREAM_NAME.into(), shard };
    sim.apply(split(0)).expect("shard 0 is open");
    sim.advance_to(SimTime::from_secs(1));
    let err = sim.apply(split(0)).expect_err("shard 0 is closed");
    let message = "Shard shardId-000000000000 in stream clickstream under account 000000000000 has already been \
                   merged or split, and thus is not eligible for merging or splitting.";
    assert_eq!(
        err.problems,
        [alloc::format!(
            "SplitShard of shardId-000000000000 of 'clickstream' was refused: ResourceInUseException: {message}"
        )]
    );
    let refused: Vec<Event> =
        core::iter::from_fn(|| sim.poll_event()).filter(|e| matches!(e, Event::StreamChangeRefused { .. })).collect();
    assert_eq!(
        refused,
        [Event::StreamChangeRefused {
            at: SimTime::from_secs(1),
            stream_name: DEFAULT_STREAM_NAME.into(),
            change: "SplitShard of shardId-000000000000".into(),
            error_type: "ResourceInUseException",
            message: message.into(),
        }]
    );
    // A shard that never existed: the service's "Could not find shard".
    let err = sim.apply(split(99)).expect_err("no shard 99");
    assert!(err.problems[0].ends_with("ResourceNotFoundException: Could not find shard shardId-000000000099 in stream clickstream under account 000000000000."), "{:?}", err.problems);
}

/// A producer whose answers are lost writes copies (`a_lost_answer_makes_the_client_write_a_duplicate`); a
/// consumer that skips ids it has processed counts each event once, one that does not processes every copy.
#[test]
fn an_idempotent_consumer_skips_the_copies_a_retrying_producer_wrote() {
    use crate::consumer_app::ConsumerAppConfig;
    use crate::dedup::Deduplicate;
    use crate::producer::RetryPolicy;
    use crate::template::PayloadTemplate;
    use crate::workload::RateProfile;
    // 200 records/s for 10 s, then nothing, so both readers (polling once a second) have read everything by 15 s.
    let producer = ProducerConfig {
        rate: RateProfile::Step { before: 200, after: 0, at_ms: 10_000 },
        retry: RetryPolicy::SDK_STANDARD,
        timeout_percent: 10,
        payload: PayloadTemplate::Clickstream,
        ..ProducerConfig::steady("p", 0, 200, 1_000)
    };
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
        producers: vec![producer],
        consumers: vec![
            ConsumerAppConfig::polling("plain"),
            ConsumerAppConfig { deduplicate_by: Deduplicate::RecordId, ..ConsumerAppConfig::polling("idempotent") },
        ],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid config");
    sim.advance_to(SimTime::from_secs(15));
    let summary = sim.summary();
    let written = summary.producer_totals();
    // About 10 % of 2,000 successful calls lose their answer and are written again.
    assert!((120..=280).contains(&written.duplicates), "{written:?}");
    let (plain, idempotent) = (&summary.consumers[0], &summary.consumers[1]);
    // Both read every stored record: each event once, plus each copy.
    assert_eq!(plain.totals.user_records, written.accepted + written.duplicates);
    assert_eq!(idempotent.totals.user_records, written.accepted + written.duplicates);
    assert_eq!(plain.dedup.duplicates_processed, written.duplicates, "{:?}", plain.dedup);
    assert_eq!(plain.dedup.duplicates_skipped, 0);
    assert_eq!(idempotent.dedup.duplicates_skipped, written.duplicates, "{:?}", idempotent.dedup);
    assert_eq!(idempotent.dedup.duplicates_processed, 0);
}

/// Zero-filled records carry no id, so even a deduplicating consumer cannot tell copies from new events.
#[test]
fn records_without_an_id_are_never_taken_for_copies() {
    use crate::consumer_app::ConsumerAppConfig;
    use crate::dedup::Deduplicate;
    let config = SimConfig {
        streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
        // One key, one size: every record's key and data are the same bytes.
        producers: vec![ProducerConfig::steady("p", 100, 50, 1)],
        consumers: vec![ConsumerAppConfig {
            deduplicate_by: Deduplicate::RecordId,
            ..ConsumerAppConfig::polling("idempotent")
        }],
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid config");
    sim.advance_to(SimTime::from_secs(5));
    let app = &sim.summary().consumers[0];
    assert!(app.totals.user_records >= 300, "{:?}", app.totals);
    assert_eq!(app.dedup, crate::dedup::DedupTotals::default());
}
