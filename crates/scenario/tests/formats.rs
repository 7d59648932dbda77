//! Released formats keep opening: one fixture link and one JSON file per format version.
//!
//! Each format's fixtures hold eight nodes (one of each kind, two destinations), seven connections, two
//! scheduled events and one moved node; format 2's and 3's also a panned and zoomed view and a 5 % throttling
//! fault, and format 3's a destination outage; format 4's are format 3's with a split, a merge, a retention
//! change and a capacity-mode switch scheduled, and a consumer that skips records already processed; format 5's are
//! format 4's with a camera, a video stream, an HLS replay viewer and a GetMedia reader, and a camera connection drop
//! scheduled. They were written once by their format's encoder (format 1's in
//! commit dfda66d, format 2's in 8a023f7) and must never be rewritten: a new format adds `vN.*` next to them.

use shardlab_scenario::model::{ClientKind, ConsumerStyle, DestinationKind, YesNo};
use shardlab_scenario::{Action, FORMAT_VERSION, LinkError, NodeId, NodeKind, Scenario, decode_link};

const V1_LINK: &str = include_str!("fixtures/v1.link");
const V1_JSON: &str = include_str!("fixtures/v1.json");
const V2_LINK: &str = include_str!("fixtures/v2.link");
const V2_JSON: &str = include_str!("fixtures/v2.json");
const V3_LINK: &str = include_str!("fixtures/v3.link");
const V3_JSON: &str = include_str!("fixtures/v3.json");
const V4_LINK: &str = include_str!("fixtures/v4.link");
const V4_JSON: &str = include_str!("fixtures/v4.json");
const V5_LINK: &str = include_str!("fixtures/v5.link");
const V5_JSON: &str = include_str!("fixtures/v5.json");

#[test]
fn each_format_link_and_file_open_to_the_same_scenario() {
    for (format, link, json) in
        [(1, V1_LINK, V1_JSON), (2, V2_LINK, V2_JSON), (3, V3_LINK, V3_JSON), (4, V4_LINK, V4_JSON)]
    {
        assert!(link.starts_with(&format!("s={format}.")));
        let from_link = decode_link(link).expect("the fixture link opens");
        let from_file = Scenario::from_json(json).expect("the fixture file opens");
        assert_eq!(from_link, from_file, "format {format}");
        assert_eq!(from_link.format_version, FORMAT_VERSION, "migrated to the current format");
    }
}

/// The lite page opens current links itself and hands an intact older one, as it is, to the full module;
/// a damaged older link is explained where it was opened.
#[test]
fn the_current_format_alone_opens_links_of_this_format_and_names_older_ones() {
    let current = shardlab_scenario::decode_current_link(V5_LINK).expect("a current link opens");
    assert_eq!(current, decode_link(V5_LINK).expect("the same link"));
    for (format, link) in [(1, V1_LINK), (2, V2_LINK), (3, V3_LINK), (4, V4_LINK)] {
        assert_eq!(shardlab_scenario::decode_current_link(link), Err(LinkError::Older { format }));
    }
    let cut = &V1_LINK[..V1_LINK.len() / 2];
    assert_eq!(shardlab_scenario::decode_current_link(cut), decode_link(cut), "cut short either way");
    assert!(matches!(shardlab_scenario::decode_current_link("s=1.<img>"), Err(LinkError::Damaged(_))));
}

/// What every format's fixtures hold.
fn check_common(s: &Scenario) {
    assert_eq!(s.name, "Fixture v1");
    assert_eq!(s.description, "Every node kind, <b>not bold</b> & \"quoted\"");
    assert_eq!(s.seed, 7);
    assert_eq!(s.pipeline.nodes.len(), 8);
    assert_eq!(s.pipeline.edges.len(), 7);
    let NodeKind::Producer(p) = &s.pipeline.nodes[0].kind else { panic!("node 0 is the producer") };
    assert_eq!((p.client, p.records_per_sec, p.hot_key_percent), (ClientKind::Kpl, 1_200, 30));
    let NodeKind::Consumer(c) = &s.pipeline.nodes[3].kind else { panic!("node 3 is the consumer") };
    assert_eq!(c.style, ConsumerStyle::Kcl);
    let NodeKind::Firehose(f) = &s.pipeline.nodes[4].kind else { panic!("node 4 is the Firehose") };
    assert_eq!((f.buffer_size_mib, f.buffer_interval_s, f.transform_program.as_str()), (5, 300, ""));
    assert_eq!(f.append_newline, YesNo::No);
    let NodeKind::Destination(h) = &s.pipeline.nodes[7].kind else { panic!("node 7 is a destination") };
    assert_eq!(h.kind, DestinationKind::HttpEndpoint);
    assert_eq!(s.scheduled[0].action, Action::SetProducerRate { producer: NodeId(1), records_per_sec: 2_500 });
    assert_eq!(s.scheduled[1].at_ms, 20_000);
    assert_eq!(s.view.position(NodeId(7)), Some((-15, 900)));
}

#[test]
fn format_1_opens_with_defaults_for_what_later_formats_added() {
    let s = decode_link(V1_LINK).unwrap();
    check_common(&s);
    let NodeKind::DataStream(d) = &s.pipeline.nodes[2].kind else { panic!("node 2 is the stream") };
    assert_eq!(d.shard_count, 3);
    // Format 1 had no fault and no delays: no fault, and the engine's default 100 ms and 45 ms.
    assert_eq!((d.extra_throttle_percent, d.get_records_visibility_ms, d.fan_out_visibility_ms), (0, 100, 45));
    assert_eq!((s.view.pan_x, s.view.pan_y, s.view.zoom_percent, s.view.time_ms), (0, 0, 100, 0));
    let (config, _) = s.to_sim_config().unwrap();
    assert_eq!((config.seed, config.streams[0].shard_count, config.streams[0].extra_throttle_percent), (7, 3, 0));
}

#[test]
fn format_2_keeps_its_fault_and_view() {
    let s = decode_link(V2_LINK).unwrap();
    check_common(&s);
    let NodeKind::DataStream(d) = &s.pipeline.nodes[2].kind else { panic!("node 2 is the stream") };
    assert_eq!((d.shard_count, d.extra_throttle_percent), (3, 5));
    assert_eq!((s.view.pan_x, s.view.pan_y, s.view.zoom_percent, s.view.time_ms), (-40, 25, 125, 60_000));
    assert_eq!(s.scheduled.len(), 2);
    let (config, _) = s.to_sim_config().unwrap();
    let stream = &config.streams[0];
    assert_eq!((config.seed, stream.shard_count, stream.extra_throttle_percent), (7, 3, 5));
    assert_eq!((stream.get_records_visibility_ms, stream.fan_out_visibility_ms), (200, 70));
}

#[test]
fn format_3_fixture_holds_what_was_written() {
    let s = decode_link(V3_LINK).unwrap();
    check_common(&s);
    let NodeKind::DataStream(d) = &s.pipeline.nodes[2].kind else { panic!("node 2 is the stream") };
    assert_eq!((d.shard_count, d.extra_throttle_percent), (3, 5));
    assert_eq!(s.scheduled[2].action, Action::DestinationOutage { firehose: NodeId(5), duration_ms: 60_000 });
    // The Firehose reads the stream and delivers to the S3 bucket: it runs, and so does its outage.
    let (config, nodes) = s.to_sim_config().unwrap();
    // Analytics delivers straight to destination-2, through a delivery stream of its own.
    assert_eq!(config.delivery_streams.len(), 2);
    assert_eq!(config.delivery_streams[0].name, "firehose-1");
    assert_eq!(nodes.destination(NodeId(8)), Some(&[config.delivery_streams[1].name.clone()][..]));
    assert_eq!(
        config.scheduled[2].command,
        shardlab_engine::Command::DestinationOutage { delivery_stream: "firehose-1".into(), duration_ms: 60_000 }
    );
    assert_eq!(config.analytics.len(), 1);
}

#[test]
fn format_4_fixture_holds_the_stream_events() {
    let s = decode_link(V4_LINK).unwrap();
    check_common(&s);
    let stream = NodeId(3);
    let actions: Vec<&Action> = s.scheduled[3..].iter().map(|e| &e.action).collect();
    assert_eq!(
        actions,
        [
            &Action::SplitShard { stream, shard: 1 },
            &Action::MergeShards { stream, shard: 3, adjacent_shard: 4 },
            &Action::SetRetention { stream, hours: 48 },
            &Action::SwitchCapacityMode { stream, mode: shardlab_scenario::model::CapacityMode::OnDemand },
        ]
    );
    // Format 3's events keep their meaning: the variants were appended.
    assert_eq!(decode_link(V3_LINK).unwrap().scheduled[..], s.scheduled[..3]);
}

#[test]
fn files_from_a_newer_format_are_refused_with_both_versions() {
    let newer = V3_JSON.replacen("\"format_version\": 3", "\"format_version\": 99", 1);
    let err = Scenario::from_json(&newer).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("this file was made by a newer version of Shardlab (format 99); this one reads up to {FORMAT_VERSION}")
    );
    let err = Scenario::from_json("{\"name\": \"x\"}").unwrap_err();
    assert!(err.to_string().contains("format_version"), "{err}");
    let err = Scenario::from_json("not json").unwrap_err();
    assert!(err.to_string().starts_with("this is not a Shardlab scenario file"), "{err}");
}

#[test]
fn files_are_validated() {
    let bad = V1_JSON.replacen("\"shard_count\": 3", "\"shard_count\": 0", 1);
    let err = Scenario::from_json(&bad).unwrap_err();
    assert!(err.to_string().contains("pipeline.nodes[2].params.shard_count"), "{err}");
    assert!(Scenario::from_json_unchecked(&bad).is_ok());
}

#[test]
fn links_and_files_record_this_engine_and_note_another() {
    let mut old = Scenario::from_json(V1_JSON).unwrap();
    assert_eq!(old.engine_version, "0.1.0", "the engine that wrote the fixture");
    assert_eq!(old.behaviour_version(), None, "saved before behaviour versions were recorded");
    let here = shardlab_engine::BEHAVIOUR_VERSION;
    let before = format!(
        "this scenario was saved with engine 0.1.0, before behaviour versions were recorded; this page runs \
         behaviour version {here}, so it may now play differently from the run that was shared"
    );
    assert_eq!(old.engine_note(), Some(before));
    // The crate version alone decides nothing: only the behaviour version does.
    old.engine_version = format!("9.9.9+behaviour.{here}");
    assert_eq!(old.engine_note(), None);
    old.engine_version = format!("0.1.0+behaviour.{}", here + 1);
    let other = format!(
        "this scenario was saved by an engine of behaviour version {}; this page runs behaviour version {here}, \
         so it may now play differently from the run that was shared",
        here + 1
    );
    assert_eq!(old.engine_note(), Some(other));
    let reshared = decode_link(&shardlab_scenario::encode_link(&old)).unwrap();
    assert_eq!(reshared.engine_version, shardlab_scenario::engine_stamp());
    assert_eq!(reshared.behaviour_version(), Some(here));
    assert_eq!(Scenario::from_json(&old.to_json()).unwrap().engine_version, shardlab_scenario::engine_stamp());
}

#[test]
fn format_4_adds_deduplication_and_older_consumers_process_every_copy() {
    use shardlab_scenario::model::DeduplicateBy;
    let mut s = decode_link(V3_LINK).unwrap();
    let consumer = s.pipeline.nodes.iter_mut().find_map(|n| match &mut n.kind {
        NodeKind::Consumer(c) => Some(c),
        _ => None,
    });
    let consumer = consumer.expect("the fixture has a consumer");
    // Format 3 had no deduplication: its consumers process every copy.
    assert_eq!(consumer.deduplicate_by, DeduplicateBy::None);
    consumer.deduplicate_by = DeduplicateBy::RecordId;
    let link = shardlab_scenario::encode_link(&s);
    assert!(link.starts_with(&format!("s={FORMAT_VERSION}.")), "{link}");
    // Format 4's fixture holds what was written.
    let v4 = decode_link(V4_LINK).unwrap();
    let deduplicating = v4
        .pipeline
        .nodes
        .iter()
        .any(|n| matches!(&n.kind, NodeKind::Consumer(c) if c.deduplicate_by == DeduplicateBy::RecordId));
    assert!(deduplicating, "format 4's consumer deduplicates by record id");
    // Saving stamps this engine; what runs is kept.
    assert_eq!(decode_link(&link).unwrap().pipeline, s.pipeline);
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap().pipeline, s.pipeline);
}

#[test]
fn a_bad_node_is_named_by_its_place_with_no_position_inside_it() {
    let bad = V4_JSON.replacen("\"shard_count\"", "\"shard_counts\"", 1);
    let err = Scenario::from_json(&bad).unwrap_err().to_string();
    assert!(err.contains("pipeline.nodes[") && err.contains("unknown field `shard_counts`"), "{err}");
    // A line and column would point into the node's own text, not into the file.
    assert!(!err.contains(" at line 1 column"), "{err}");
}

#[test]
fn format_5_adds_video_nodes_and_format_4_still_opens() {
    assert_eq!(shardlab_scenario::FORMAT_VERSION, 5);
    let video = shardlab_scenario::preset("camera-video-stream").unwrap().scenario();
    let link = shardlab_scenario::encode_link(&video);
    assert!(link.starts_with("s=5."), "{link}");
    assert_eq!(decode_link(&link).unwrap().pipeline, video.pipeline);
    let file = video.to_json();
    assert_eq!(Scenario::from_json(&file).unwrap().pipeline, video.pipeline);
    let v4 = decode_link(V4_LINK).unwrap();
    assert_eq!(v4.format_version, 5);
    assert!(v4.pipeline.nodes.iter().all(|n| !n.kind.is_video()));
}

#[test]
fn format_5_fixture_holds_the_video_nodes() {
    use shardlab_scenario::model::{HlsMode, VideoConsumerStyle, VideoStart};
    let link = decode_link(V5_LINK).unwrap();
    let file = Scenario::from_json(V5_JSON).unwrap();
    assert_eq!(link, file);
    let video: Vec<&NodeKind> = link.pipeline.nodes.iter().map(|n| &n.kind).filter(|k| k.is_video()).collect();
    assert_eq!(video.len(), 4);
    assert!(
        matches!(video[0], NodeKind::Camera(c) if (c.bitrate_kbps, c.frame_rate, c.fragment_duration_ms) == (3_000, 25, 4_000))
    );
    assert!(
        matches!(video[1], NodeKind::VideoStream(v) if v.retention_hours == 2 && v.media_type == "video/h264,audio/aac")
    );
    assert!(
        matches!(video[2], NodeKind::VideoConsumer(c) if c.style == VideoConsumerStyle::Hls && c.hls_mode == HlsMode::LiveReplay && c.from_ms == 1_000 && c.max_playlist_fragments == 7)
    );
    assert!(
        matches!(video[3], NodeKind::VideoConsumer(c) if c.style == VideoConsumerStyle::GetMedia && c.start == VideoStart::Earliest && c.start_at_ms == 2_000)
    );
    assert!(matches!(
        link.scheduled.last().map(|e| &e.action),
        Some(Action::DropCameraConnection { duration_ms: 5_000, .. })
    ));
    assert_eq!(link.validate(), Ok(()));
}

#[test]
fn format_5_carries_a_consumer_that_begins_later_at_a_timestamp_and_format_4_consumers_begin_at_once() {
    let mut s = Scenario::default();
    let consumer = s.pipeline.nodes.iter().find(|n| matches!(n.kind, NodeKind::Consumer(_))).expect("a consumer").id;
    let node = s.pipeline.node_mut(consumer).expect("exists");
    node.set_param("start", "AT_TIMESTAMP").unwrap();
    node.set_param("begins_at_s", "7200").unwrap();
    node.set_param("start_timestamp_s", "3600").unwrap();
    assert_eq!(decode_link(&shardlab_scenario::encode_link(&s)).unwrap().pipeline, s.pipeline);
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap().pipeline, s.pipeline);
    // Format 4 had neither field: its consumers begin at 0 s.
    let v4 = decode_link(V4_LINK).unwrap();
    for node in &v4.pipeline.nodes {
        if let NodeKind::Consumer(c) = &node.kind {
            assert_eq!((c.begins_at_s, c.start_timestamp_s), (0, 0), "{}", node.name);
        }
    }
}
