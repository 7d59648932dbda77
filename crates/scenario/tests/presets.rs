//! The preset gallery: every preset is valid, short to share, and teaches what it says where the engine runs it.

use shardlab_engine::{SimTime, Simulation};
use shardlab_scenario::{preset, presets};
use std::collections::BTreeSet;

#[test]
fn there_are_at_least_ten_presets_with_unique_ids_and_a_paragraph_each() {
    assert!(presets().len() >= 10);
    let ids: BTreeSet<&str> = presets().iter().map(|p| p.id).collect();
    assert_eq!(ids.len(), presets().len());
    for p in presets() {
        assert!(p.description.len() > 150, "{}: say what it teaches", p.id);
        let scenario = p.scenario();
        assert_eq!(scenario.name, p.title);
        assert_eq!(scenario.description, p.description);
    }
}

#[test]
fn every_preset_validates() {
    for p in presets() {
        assert_eq!(p.scenario().validate(), Ok(()), "{}", p.id);
    }
}

#[test]
fn every_preset_converts_and_runs_ten_seconds_with_every_node_mapped() {
    for p in presets() {
        let scenario = p.scenario();
        let (config, nodes) = scenario.to_sim_config().unwrap_or_else(|e| panic!("{}: {e:?}", p.id));
        let mut sim = Simulation::new(config).unwrap_or_else(|e| panic!("{}: {e:?}", p.id));
        sim.advance_to(SimTime::from_secs(10));
        let into_streams: u64 =
            sim.kinesis().streams().flat_map(|s| s.shards()).map(|s| s.metrics.totals.incoming_records).sum();
        let into_firehose: u64 = sim.firehose().delivery_streams().map(|d| d.totals.incoming_records).sum();
        let into_video: u64 = sim.video().streams().iter().map(|s| s.store.fragments().len() as u64).sum();
        assert!(into_streams + into_firehose + into_video > 0, "{}: nothing was written", p.id);
        // Everything runs and is mapped: on-demand streams and scheduled stream changes included.
        assert_eq!(scenario.not_simulated(), [], "{}", p.id);
        for node in &scenario.pipeline.nodes {
            assert!(nodes.get(node.id).is_some(), "{}: '{}' has no engine entity", p.id, node.name);
        }
    }
}

fn run(id: &str, secs: u64) -> Simulation {
    let (config, _) = preset(id).unwrap().scenario().to_sim_config().unwrap();
    let mut sim = Simulation::new(config).unwrap();
    sim.advance_to(SimTime::from_secs(secs));
    sim
}

#[test]
fn the_hot_key_throttles_one_shard_of_four() {
    // 60 % of 2,000 records/s is 1,200 on one key: above one shard's 1,000 records/s. The other 800 spread
    // over 1,000 keys, about 200 per shard, far below it.
    let sim = run("hot-partition-key", 10);
    let throttled: Vec<u64> = sim
        .stream()
        .unwrap()
        .shards()
        .iter()
        .map(|s| s.metrics.second(9).write_provisioned_throughput_exceeded)
        .collect();
    assert_eq!(throttled.len(), 4);
    assert_eq!(throttled.iter().filter(|t| **t > 0).count(), 1, "{throttled:?}");
}

#[test]
fn kpl_aggregation_keeps_five_thousand_user_records_under_one_shards_record_limit() {
    let sim = run("kpl-aggregation", 10);
    let shard = &sim.stream().unwrap().shards()[0];
    let second = shard.metrics.second(9);
    assert_eq!(second.write_provisioned_throughput_exceeded, 0);
    assert!(second.incoming_records < 1_000, "{second:?}");
    // 5,000 records of 100 bytes: about 500 KB/s of data, under 1 MiB/s.
    assert!(second.incoming_bytes >= 500_000 && second.incoming_bytes < 1_048_576, "{second:?}");
}

#[test]
fn shared_readers_are_throttled_and_the_fan_out_consumer_is_not() {
    let sim = run("efo-vs-shared-reads", 20);
    let consumers = sim.consumers();
    assert_eq!(consumers.len(), 4);
    let polling_throttled: u64 = consumers[..3].iter().map(|c| c.totals.throttled_calls).sum();
    assert!(polling_throttled > 0);
    assert_eq!(consumers[3].totals.throttled_calls, 0);
    assert!(consumers[3].totals.records > 0);
}

#[test]
fn a_sliding_window_emits_more_rows_than_a_tumbling_one() {
    // 50 events/s over four event types for 130 s. The tumbling window emits one row per type and minute
    // (8 rows from the two closed minutes, at most 12 with the third); the sliding window emits a row per event.
    let sim = run("tumbling-vs-sliding-windows", 130);
    let apps = sim.analytics();
    assert_eq!(apps.len(), 2);
    for app in apps {
        assert_eq!(app.problems, Vec::<String>::new(), "{}", app.config.name);
    }
    let (tumbling, sliding) = (apps[0].rows_total, apps[1].rows_total);
    assert!((8..=12).contains(&tumbling), "tumbling rows: {tumbling}");
    assert!(sliding > 5_000, "sliding rows: {sliding}");
}

#[test]
fn firehose_flushes_to_s3_on_its_interval() {
    use shardlab_engine::firehose::delivery::{FlushReason, ObjectKind};
    // 50 records/s of 1,000 B (50,000 B/s) from t = 0 reach Firehose, which reads from LATEST. With a 5 MiB
    // and 60 s buffer the interval wins (3,000,000 B a minute < 5,242,880 B): objects every minute, none by
    // size, each about 3 MB.
    let sim = run("firehose-buffering-s3", 150);
    let delivery = sim.firehose().delivery_stream("logs-to-s3").expect("the delivery stream runs");
    let data: Vec<_> = delivery.s3_objects.iter().filter(|o| o.kind == ObjectKind::Data).collect();
    assert!((1..=3).contains(&data.len()), "{} objects", data.len());
    assert!(data.iter().all(|o| o.flush_reason == Some(FlushReason::Interval)));
    assert!(data.iter().all(|o| o.key.starts_with("logs/2026/")), "{:?}", data[0].key);
    // Records of exactly 1,000 B (the template writes the configured size); an object holds the 60 or 61 polls
    // of its minute, about 3,000 records (50 a second), so about 3 MB.
    assert!(data.iter().all(|o| o.uncompressed_bytes == u64::from(o.records) * 1_000));
    let counts: Vec<u32> = data.iter().map(|o| o.records).collect();
    assert!(counts.iter().any(|n| (2_950..=3_100).contains(n)), "{counts:?}");
}

#[test]
fn the_two_stream_preset_filters_purchases_into_the_second_stream_and_archives_them() {
    let scenario = preset("two-stream-pipeline").unwrap().scenario();
    assert_eq!(scenario.not_simulated(), []);
    let (config, nodes) = scenario.to_sim_config().unwrap();
    assert_eq!(config.streams.len(), 2);
    let node = |name: &str| scenario.pipeline.nodes.iter().find(|n| n.name == name).unwrap().id;
    let mut sim = Simulation::new(config).unwrap();
    sim.advance_to(SimTime::from_secs(130));
    let incoming = |name: &str| -> u64 {
        let stream = sim.stream_named(nodes.stream(node(name)).unwrap()).unwrap();
        stream.shards().iter().map(|s| s.metrics.totals.incoming_records).sum()
    };
    let filter = &sim.analytics()[nodes.analytics(node("purchases-only")).unwrap()];
    assert!(filter.problems.is_empty(), "{:?}", filter.problems);
    // Clickstream events are one of four types, purchases a quarter of them: 200 records/s for 130 s make
    // about 26,000 clicks and 6,500 purchases.
    let (raw, purchases) = (incoming("raw-clicks"), incoming("purchases"));
    assert!(raw > 25_000, "{raw}");
    assert!(purchases * 5 > raw / 5 && purchases * 3 < raw, "{purchases} purchases of {raw} clicks");
    assert_eq!(purchases, filter.delivered);
    let fulfilment = &sim.consumers()[nodes.consumer(node("fulfilment")).unwrap()];
    assert!(fulfilment.totals.records > purchases * 9 / 10, "{:?}", fulfilment.totals);
    let archive = sim.firehose().delivery_stream(nodes.delivery_stream(node("purchases-to-s3")).unwrap()).unwrap();
    assert!(!archive.s3_objects.is_empty(), "a minute's buffer reached S3");
    assert_eq!(archive.accounted_records(), archive.totals.incoming_records);
}

#[test]
fn the_camera_preset_shows_hls_seconds_behind_get_media_and_a_resend_after_the_drop() {
    let (config, nodes) = preset("camera-video-stream").unwrap().scenario().to_sim_config().unwrap();
    let scenario = preset("camera-video-stream").unwrap().scenario();
    let id = |name: &str| scenario.pipeline.nodes.iter().find(|n| n.name == name).unwrap().id;
    let mut sim = Simulation::new(config).unwrap();
    sim.advance_to(SimTime::from_secs(120));
    let video = sim.video();
    assert_eq!(nodes.video_stream(id("front-door")), Some("front-door"));
    let viewer = &video.consumers()[nodes.video_consumer(id("hls-viewer")).unwrap()];
    let reader = &video.consumers()[nodes.video_consumer(id("get-media-reader")).unwrap()];
    // AWS documents HLS live latency as typically 3 to 5 seconds; GetMedia as low latency.
    assert!((3_000..=5_000).contains(&viewer.totals.latency_ms.unwrap()), "{:?}", viewer.totals);
    assert!(reader.totals.latency_ms.unwrap() < 1_000, "{:?}", reader.totals);
    let camera = &video.cameras()[nodes.camera(id("door-camera")).unwrap()];
    assert_eq!(camera.totals.connection_drops, 1);
    assert!(camera.totals.fragments_resent >= 1);
    // Nothing of the camera's first 110 seconds is missing: 55 two-second fragments, each stored at least once.
    let stored = &video.stream("front-door").unwrap().store;
    for start in (0..110_000).step_by(2_000) {
        assert!(stored.fragments().iter().any(|f| f.producer_start_ms == start), "missing {start} ms");
    }
}
