//! Scenario-level tests: validation paths, conversion to the engine, and the default scenario's run.

use super::*;
use model::{ClientKind, ConsumerStyle, DestinationKind, DestinationParams};
use shardlab_engine::consumer_app::ReadStyle;
use shardlab_engine::producer::ClientStyle;
use shardlab_engine::workload::RateProfile;
use shardlab_engine::{SimTime, Simulation};

#[test]
fn the_default_scenario_validates_and_converts() {
    let scenario = Scenario::default();
    assert_eq!(scenario.validate(), Ok(()));
    assert_eq!(scenario.format_version, FORMAT_VERSION);
    assert_eq!(scenario.engine_version, crate::engine_stamp());
    assert_eq!(scenario.behaviour_version(), Some(shardlab_engine::BEHAVIOUR_VERSION));
    let (config, nodes) = scenario.to_sim_config().unwrap();
    assert_eq!(config.streams.len(), 1);
    assert_eq!((config.streams[0].name.as_str(), config.streams[0].shard_count), ("clickstream", 2));
    assert_eq!(nodes.stream(NodeId(2)), Some("clickstream"));
    assert_eq!((nodes.producer(NodeId(1)), nodes.consumer(NodeId(3))), (Some(0), Some(0)));
    assert_eq!(config.producers.len(), 1);
    assert_eq!(config.producers[0].rate, RateProfile::Constant { records_per_sec: 1_500 });
    assert_eq!(config.consumers.len(), 1);
    assert!(matches!(config.consumers[0].style, ReadStyle::Polling { interval_ms: 1_000, limit: 10_000 }));
    assert_eq!(scenario.not_simulated(), []);
}

#[test]
fn the_default_scenario_runs_under_the_write_limits() {
    let (config, _) = Scenario::default().to_sim_config().unwrap();
    let mut sim = Simulation::new(config).unwrap();
    sim.advance_to(SimTime::from_secs(10));
    let shards = sim.stream().unwrap().shards();
    // 1,500 records/s over 2 shards: all accepted, each shard under its 1,000 records/s.
    let total: u64 = shards.iter().map(|s| s.metrics.second(9).incoming_records).sum();
    assert_eq!(total, 1_500);
    for shard in shards {
        assert!(shard.metrics.second(9).incoming_records < 1_000);
    }
}

#[test]
fn validation_lists_every_problem_with_its_path() {
    let mut scenario = Scenario::default();
    if let NodeKind::DataStream(s) = &mut scenario.pipeline.nodes[1].kind {
        s.shard_count = 0;
        s.retention_hours = 1;
    }
    scenario.pipeline.nodes[2].name = "bad name".into();
    scenario.pipeline.edges.push(Edge { from: NodeId(3), to: NodeId(1) });
    scenario.scheduled.push(ScheduledEvent { at_ms: 1_000, action: Action::RestartAgent { agent: NodeId(1) } });
    let problems = scenario.validate().unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "pipeline.nodes[1].params.shard_count",
            "pipeline.nodes[1].params.retention_hours",
            "pipeline.nodes[2].name",
            "pipeline.edges[2]",
            "scheduled[0].action",
        ]
    );
    assert!(problems[0].message.contains("1 to 1,024 shards"), "{}", problems[0]);
    assert!(problems[1].message.contains("24 to 8,760 h"), "{}", problems[1]);
    assert!(problems[4].message.contains("needs a Kinesis Agent"), "{}", problems[4]);
    assert!(scenario.to_sim_config().is_err());
}

#[test]
fn a_second_stream_runs_with_its_own_settings() {
    let mut scenario = Scenario::default();
    let second = scenario.add_node(NodeKind::data_stream());
    let writer = scenario.add_node(NodeKind::producer());
    scenario.pipeline.connect(writer, second).unwrap();
    let node = scenario.pipeline.node_mut(second).unwrap();
    node.set_param("shard_count", "5").unwrap();
    node.set_param("retention_hours", "72").unwrap();
    assert_eq!(scenario.validate(), Ok(()));
    let (config, nodes) = scenario.to_sim_config().unwrap();
    assert_eq!(config.streams.len(), 2);
    let name = nodes.stream(second).expect("the second stream runs");
    let stream = config.stream(name).expect("configured");
    assert_eq!((stream.shard_count, stream.retention_hours), (5, 72));
    let producer = nodes.producer(writer).expect("the producer runs");
    assert_eq!(config.producers[producer].stream_name, name);
    assert_eq!(scenario.not_simulated(), []);
}

#[test]
fn firehose_buffer_is_checked_against_its_destination() {
    let mut scenario = Scenario::empty();
    let firehose = scenario.add_node(NodeKind::firehose());
    let http = scenario.add_node(NodeKind::Destination(DestinationParams::new(DestinationKind::HttpEndpoint)));
    scenario.pipeline.connect(firehose, http).unwrap();
    scenario.pipeline.node_mut(firehose).unwrap().set_param("buffer_size_mib", "100").unwrap();
    let problems = scenario.validate().unwrap_err();
    assert_eq!(problems[0].path, "pipeline.nodes[0].params.buffer_size_mib");
    assert!(problems[0].message.contains("1 to 64 MiB"), "{}", problems[0]);
}

#[test]
fn oversized_records_with_keys_are_reported() {
    let mut scenario = Scenario::default();
    scenario.pipeline.nodes[0].set_param("record_bytes", "1048576").unwrap();
    let problems = scenario.validate().unwrap_err();
    // 1,000 keys `user-0` … `user-999`: 8-byte keys, so data may be 1,048,568 bytes.
    assert_eq!(problems[0].path, "pipeline.nodes[0].params.record_bytes");
    assert!(problems[0].message.contains("up to 1048568 bytes"), "{}", problems[0]);
}

#[test]
fn only_nodes_wired_to_the_stream_run_and_events_follow_them() {
    let mut scenario = Scenario::default();
    let idle = scenario.add_node(NodeKind::producer());
    let kpl = scenario.add_node(NodeKind::producer());
    let stream = NodeId(2);
    scenario.pipeline.connect(kpl, stream).unwrap();
    scenario.pipeline.node_mut(kpl).unwrap().set_param("client", "kpl").unwrap();
    let kcl = scenario.add_node(NodeKind::consumer());
    scenario.pipeline.node_mut(kcl).unwrap().set_param("style", ConsumerStyle::Kcl.as_str()).unwrap();
    scenario.pipeline.connect(stream, kcl).unwrap();
    scenario.scheduled = alloc::vec![
        ScheduledEvent { at_ms: 5_000, action: Action::SetProducerRate { producer: kpl, records_per_sec: 0 } },
        ScheduledEvent { at_ms: 6_000, action: Action::CrashWorker { consumer: kcl, worker: 0 } },
        ScheduledEvent { at_ms: 7_000, action: Action::SetProducerRate { producer: idle, records_per_sec: 5 } },
    ];
    let (config, nodes) = scenario.to_sim_config().unwrap();
    assert_eq!(config.producers.len(), 2);
    assert_eq!((nodes.producer(kpl), nodes.producer(idle), nodes.get(idle)), (Some(1), None, None));
    assert!(matches!(config.producers[1].client, ClientStyle::Kpl(_)));
    assert_eq!(config.scheduled.len(), 2);
    assert_eq!(
        config.scheduled[0].command,
        shardlab_engine::Command::SetProducerRate { producer: 1, records_per_sec: 0 }
    );
    assert_eq!(config.scheduled[1].command, shardlab_engine::Command::CrashWorker { consumer: 1, worker: 0 });
    let left_out = scenario.not_simulated();
    assert_eq!(left_out.len(), 1);
    assert_eq!(left_out[0].node, idle);
    assert_eq!(
        left_out[0].reason,
        "'producer-1' is not connected to a data stream or a Firehose delivery stream, so it does not run"
    );
    assert_eq!(ClientKind::parse("kpl"), Some(ClientKind::Kpl));
}

#[test]
fn removing_a_node_drops_its_position_and_events() {
    let mut scenario = Scenario::default();
    scenario
        .scheduled
        .push(ScheduledEvent { at_ms: 0, action: Action::SetProducerRate { producer: NodeId(1), records_per_sec: 1 } });
    assert!(scenario.view.position(NodeId(1)).is_some());
    scenario.remove_node(NodeId(1)).unwrap();
    assert!(scenario.scheduled.is_empty());
    assert_eq!(scenario.view.position(NodeId(1)), None);
    assert_eq!(scenario.validate(), Ok(()));
}

#[test]
fn a_pipeline_without_a_data_stream_runs_its_delivery_streams() {
    let mut scenario = Scenario::empty();
    let producer = scenario.add_node(NodeKind::producer());
    let firehose = scenario.add_node(NodeKind::firehose());
    scenario.pipeline.connect(producer, firehose).unwrap();
    let (config, nodes) = scenario.to_sim_config().unwrap();
    assert!(config.streams.is_empty());
    assert_eq!(nodes.direct_put_feed(producer), Some(("firehose-1", 0)));
    assert_eq!(scenario.not_simulated(), []);
}

#[test]
fn destination_events_need_a_firehose() {
    let mut scenario = Scenario::default();
    let firehose = scenario.add_node(NodeKind::firehose());
    scenario.scheduled = alloc::vec![
        ScheduledEvent { at_ms: 1_000, action: Action::DestinationOutage { firehose, duration_ms: 60_000 } },
        ScheduledEvent { at_ms: 2_000, action: Action::DestinationOutage { firehose: NodeId(2), duration_ms: 1 } },
        ScheduledEvent {
            at_ms: 3_000,
            action: Action::DestinationSlowdown { firehose, delay_ms: 600_001, duration_ms: 86_400_001 },
        },
    ];
    let problems = scenario.validate().unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["scheduled[1].action", "scheduled[2].action.duration_ms", "scheduled[2].action.delay_ms"]);
    assert_eq!(problems[0].message, "this event needs a Firehose delivery stream, but 'clickstream' is a data stream");
}

#[test]
fn stream_events_need_a_data_stream_and_allowed_values() {
    let mut scenario = Scenario::default();
    let (producer, stream) = (NodeId(1), NodeId(2));
    let at = |at_ms, action| ScheduledEvent { at_ms, action };
    scenario.scheduled = alloc::vec![
        at(1_000, Action::SplitShard { stream, shard: 1 }),
        at(500, Action::SplitShard { stream, shard: 2 }),
        at(2_000, Action::MergeShards { stream, shard: 0, adjacent_shard: 0 }),
        at(3_000, Action::SetRetention { stream, hours: 23 }),
        at(3_000, Action::SetRetention { stream, hours: 8_761 }),
        at(3_000, Action::SetRetention { stream, hours: 8_760 }),
        at(4_000, Action::SwitchCapacityMode { stream: producer, mode: model::CapacityMode::OnDemand }),
        at(5_000, Action::UpdateShardCount { stream, target_shards: 1_025 }),
    ];
    let problems = scenario.validate().unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "scheduled[1].action.shard",
            "scheduled[2].action.adjacent_shard",
            "scheduled[3].action.hours",
            "scheduled[4].action.hours",
            "scheduled[6].action",
            "scheduled[7].action.target_shards",
        ]
    );
    // The default stream has 2 shards (0 and 1); shard 2 exists only after a reshard.
    assert_eq!(
        problems[0].message,
        "shard 2 does not exist then: the stream starts with shards 0 to 1 and nothing reshards it before this event"
    );
    assert_eq!(problems[2].message, "allowed: 24 to 8,760 hours (1 to 365 days), as AWS allows");
    assert_eq!(problems[4].message, "this event needs a data stream, but 'web-shop' is a producer");
    assert_eq!(problems[5].message, "allowed: 1 to 1,024 shards");
    // A split scheduled no later makes shard 2 (and 3) possible: whether it is open then is the service's to say.
    scenario.scheduled.truncate(2);
    scenario.scheduled[1].at_ms = 60_000;
    assert_eq!(scenario.validate(), Ok(()));
    let mut removed = scenario.clone();
    removed.remove_node(stream);
    assert_eq!(removed.scheduled, [], "events about a removed stream go with it");
}

#[test]
fn oversized_scenarios_are_refused_quickly() {
    let mut scenario = Scenario::default();
    for _ in 0..NODES_MAX {
        scenario.pipeline.add_node(NodeKind::consumer());
    }
    scenario.description = "x".repeat(5_001);
    let problems = scenario.validate().unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["description", "pipeline.nodes"]);
    assert_eq!(problems[1].message, "103 nodes is too many; a scenario has at most 100");
}

#[test]
fn every_ready_transform_is_a_program_the_engine_accepts() {
    use model::FirehoseTransform;
    for ready in FirehoseTransform::ALL.iter().filter(|t| !t.program().is_empty()) {
        let mut scenario = Scenario::default();
        let firehose = scenario.add_node(NodeKind::firehose());
        scenario.pipeline.connect(NodeId(2), firehose).unwrap();
        scenario.pipeline.node_mut(firehose).unwrap().set_param("transform", ready.as_str()).unwrap();
        let (config, _) = scenario.to_sim_config().unwrap_or_else(|p| panic!("{}: {p:?}", ready.as_str()));
        assert_eq!(config.delivery_streams[0].processing.as_ref().map(|p| p.program.as_str()), Some(ready.program()));
    }
    let mut scenario = Scenario::default();
    let firehose = scenario.add_node(NodeKind::firehose());
    scenario.pipeline.connect(NodeId(2), firehose).unwrap();
    scenario.pipeline.node_mut(firehose).unwrap().set_param("transform", "custom").unwrap();
    scenario.pipeline.node_mut(firehose).unwrap().set_param("transform_program", "frobnicate .x").unwrap();
    let problems = scenario.to_sim_config().unwrap_err();
    assert_eq!(problems[0].path, "engine", "the engine parses programs: {problems:?}");
}

#[test]
fn a_kinesis_agent_sending_to_firehose_runs_and_its_lines_reach_s3() {
    use shardlab_engine::firehose::Source;
    let mut scenario = Scenario::default();
    let agent = scenario.add_node(NodeKind::kinesis_agent());
    let firehose = scenario.add_node(NodeKind::firehose());
    let bucket = scenario.add_node(NodeKind::destination());
    scenario.pipeline.connect(agent, firehose).unwrap();
    scenario.pipeline.connect(firehose, bucket).unwrap();
    scenario.pipeline.node_mut(agent).unwrap().set_param("max_buffer_age_millis", "1000").unwrap();
    scenario.pipeline.node_mut(firehose).unwrap().set_param("buffer_interval_s", "0").unwrap();
    assert_eq!(scenario.not_simulated(), []);
    let name = scenario.pipeline.node(firehose).unwrap().name.clone();

    let (config, nodes) = scenario.to_sim_config().unwrap();
    assert_eq!((nodes.agent(agent), nodes.delivery_stream(firehose)), (Some(0), Some(name.as_str())));
    assert_eq!(config.agents.len(), 1);
    assert_eq!(config.agents[0].delivery_stream.as_deref(), Some(name.as_str()));
    assert_eq!(config.delivery_streams.len(), 1);
    assert_eq!(config.delivery_streams[0].name, name);
    assert_eq!(config.delivery_streams[0].source, Source::DirectPut);
    assert_eq!(config.delivery_streams[0].feeds, []);

    let mut sim = Simulation::new(config).unwrap();
    sim.advance_to(SimTime::from_secs(30));
    let agent = &sim.agents()[0];
    // 100 Apache lines/s, sent once a second: about 2,900 records by 30 s, all delivered at once (interval 0).
    assert!(agent.totals.records_sent >= 2_800, "{:?}", agent.totals);
    assert_eq!(agent.totals.records_failed, 0);
    let delivery = sim.firehose().delivery_stream(&name).unwrap();
    let in_s3: u64 = delivery.s3_objects.iter().map(|o| u64::from(o.records)).sum();
    assert_eq!(in_s3, agent.totals.records_sent);
    // The data stream's producer runs as before.
    assert!(sim.stream().unwrap().shards().iter().any(|s| s.records().next().is_some()));

    let agent_json = scenario.to_agent_json().unwrap();
    assert!(agent_json.contains(&format!("\"deliveryStream\": \"{name}\"")), "{agent_json}");
    assert!(!agent_json.contains("kinesisStream"), "{agent_json}");
}

#[test]
fn an_unconnected_kinesis_agent_does_not_run() {
    let mut scenario = Scenario::default();
    let agent = scenario.add_node(NodeKind::kinesis_agent());
    let (config, nodes) = scenario.to_sim_config().unwrap();
    assert!(config.agents.is_empty());
    assert_eq!(nodes.agent(agent), None);
    assert_eq!(
        scenario.not_simulated(),
        [NotSimulated {
            node: agent,
            reason: "'agent-1' is not connected to a data stream or a Firehose delivery stream, so it does not run"
                .into()
        }]
    );
}

#[test]
fn a_file_missing_a_nodes_name_says_which_node_once() {
    // Issue 15: a hand-written file is read in one go; what is missing is named by its place, not by line.
    let text = r#"{"format_version": 3, "pipeline": {"nodes": [
        {"id": 1, "name": "web", "kind": {"producer": {}}},
        {"id": 2, "kind": {"data_stream": {}}}
    ], "edges": [{"from": 1, "to": 2}]}}"#;
    let err = Scenario::from_json(text).expect_err("a node needs a name");
    let err = alloc::format!("{err}");
    assert_eq!(err, "this is not a Shardlab scenario file: pipeline.nodes[1]: missing field `name`");
    let text = r#"{"format_version": 3, "pipeline": {"nodes": [], "edges": [{"from": 1}]}}"#;
    let err = Scenario::from_json(text).expect_err("an edge needs both ends");
    let err = alloc::format!("{err}");
    assert_eq!(err, "this is not a Shardlab scenario file: pipeline.edges[0]: missing field `to`");
}

#[test]
fn partition_keys_in_a_firehose_prefix_turn_dynamic_partitioning_on() {
    // Firehose refuses a prefix with partition keys unless dynamic partitioning is enabled
    // (docs/aws-behaviour.md §5.9); the page has no switch for it, so the prefix decides.
    let text = r#"{"format_version": 3, "pipeline": {"nodes": [
        {"id": 1, "name": "clicks", "kind": {"data_stream": {}}},
        {"id": 2, "name": "events", "kind": {"firehose": {"transform_program": "partition kind = .event_type",
            "s3_prefix": "kind=!{partitionKeyFromLambda:kind}/"}}},
        {"id": 3, "name": "lake", "kind": {"destination": {}}}
    ], "edges": [{"from": 1, "to": 2}, {"from": 2, "to": 3}]}}"#;
    let (config, _) = Scenario::from_json(text).expect("valid").to_sim_config().expect("runs");
    assert!(config.delivery_streams[0].destination.dynamic_partitioning.is_some());
}

#[test]
fn a_consumer_begins_later_and_starts_at_a_timestamp_not_after_that() {
    use model::StartPosition;
    use shardlab_engine::consumer_app::StartAt;
    let mut scenario = Scenario::default();
    let consumer = scenario.pipeline.node_mut(NodeId(3)).expect("the default consumer");
    // The timestamp field appears with AT_TIMESTAMP only.
    assert!(!consumer.params().iter().any(|p| p.key == "start_timestamp_s"));
    consumer.set_param("start", "AT_TIMESTAMP").expect("a consumer's choice");
    consumer.set_param("begins_at_s", "30").expect("in range");
    consumer.set_param("start_timestamp_s", "10").expect("in range");
    assert!(consumer.params().iter().any(|p| p.key == "start_timestamp_s"));
    // Two simulated days at most: 172,800 s.
    assert!(consumer.set_param("begins_at_s", "172801").is_err());
    assert_eq!(scenario.validate(), Ok(()));
    let (config, _) = scenario.to_sim_config().expect("converts");
    assert_eq!(
        (config.consumers[0].begins_at_ms, config.consumers[0].start),
        (30_000, StartAt::AtTimestamp { at_ms: 10_000 })
    );
    // Nothing is read before 30 s; then each shard is read from the first record that arrived at or after 10 s.
    let mut sim = Simulation::new(config).expect("runs");
    sim.advance_to(SimTime::from_secs(30));
    assert_eq!(sim.consumers()[0].totals.get_records_calls, 0);
    sim.advance_to(SimTime::from_secs(40));
    for shard in sim.stream().expect("one stream").shards() {
        let lowest = sim.consumers()[0].lowest_processed(shard.id);
        assert_eq!(lowest, Some(shard.position_at(SimTime::from_secs(10))), "{}", shard.id);
    }
    // A timestamp after the start is in the future when the iterator is asked for: refused, with the path.
    let consumer = scenario.pipeline.node_mut(NodeId(3)).expect("the default consumer");
    consumer.set_param("start_timestamp_s", "31").expect("in range alone");
    let problems = scenario.validate().expect_err("a future timestamp");
    assert!(
        problems[0].path.ends_with(".params.start_timestamp_s") && problems[0].message.contains("future"),
        "{problems:?}"
    );
    // An Analytics application's input starts at the oldest record or the tip only.
    let id = scenario.add_node(NodeKind::analytics());
    let analytics = scenario.pipeline.node_mut(id).expect("added");
    assert!(analytics.set_param("start", "AT_TIMESTAMP").is_err());
    let start = analytics.params().into_iter().find(|p| p.key == "start").expect("a start");
    assert_eq!(start.choices, [StartPosition::TrimHorizon.as_str(), StartPosition::Latest.as_str()]);
}

#[test]
fn a_video_stream_connects_only_to_cameras_and_video_consumers_and_says_why() {
    let mut s = Scenario::empty();
    let camera = s.add_node(NodeKind::camera());
    let video = s.add_node(NodeKind::video_stream());
    let viewer = s.add_node(NodeKind::video_consumer());
    let firehose = s.add_node(NodeKind::firehose());
    let consumer = s.add_node(NodeKind::consumer());
    let producer = s.add_node(NodeKind::producer());
    let stream = s.add_node(NodeKind::data_stream());
    assert_eq!(s.pipeline.connect(camera, video), Ok(()));
    assert_eq!(s.pipeline.connect(video, viewer), Ok(()));
    let why = |r: Result<(), ConnectError>| r.expect_err("refused").reason;
    let to_firehose = why(s.pipeline.connect(video, firehose));
    assert!(to_firehose.contains("Firehose reads records from data streams"), "{to_firehose}");
    assert!(why(s.pipeline.connect(video, consumer)).contains("GetRecords"));
    assert!(why(s.pipeline.connect(producer, video)).contains("PutMedia"));
    assert!(why(s.pipeline.connect(camera, stream)).contains("video stream only"));
    assert!(why(s.pipeline.connect(stream, viewer)).contains("reads from a video stream"));
    let second = s.add_node(NodeKind::video_stream());
    assert!(why(s.pipeline.connect(camera, second)).contains("one video stream"));
}

#[test]
fn video_nodes_convert_to_the_engine_with_node_map_entries_and_camera_drops() {
    use model::{CameraParams, VideoConsumerParams, VideoConsumerStyle, VideoStreamParams};
    let mut s = Scenario::empty();
    let camera = s.add_node(NodeKind::Camera(CameraParams { bitrate_kbps: 4_000, ..CameraParams::default() }));
    let video = s.add_node(NodeKind::VideoStream(VideoStreamParams { retention_hours: 0, ..Default::default() }));
    let clip = s.add_node(NodeKind::VideoConsumer(VideoConsumerParams {
        style: VideoConsumerStyle::Clip,
        from_ms: 1_000,
        to_ms: 9_000,
        ..Default::default()
    }));
    s.pipeline.connect(camera, video).unwrap();
    s.pipeline.connect(video, clip).unwrap();
    s.scheduled
        .push(ScheduledEvent { at_ms: 5_000, action: Action::DropCameraConnection { camera, duration_ms: 1_000 } });
    assert_eq!(s.validate(), Ok(()));
    let (config, nodes) = s.to_sim_config().unwrap();
    assert_eq!(config.video.streams[0].retention_hours, 0);
    assert_eq!(config.video.cameras[0].bitrate_kbps, 4_000);
    assert_eq!(
        config.video.consumers[0].kind,
        shardlab_engine::video::VideoConsumerKind::Clip { start_ms: 1_000, end_ms: 9_000 }
    );
    assert_eq!((nodes.camera(camera), nodes.video_consumer(clip)), (Some(0), Some(0)));
    assert_eq!(nodes.video_stream(video), Some(s.pipeline.node(video).unwrap().name.as_str()));
    assert_eq!(
        config.scheduled[0].command,
        shardlab_engine::Command::DropCameraConnection { camera: 0, duration_ms: 1_000 }
    );
    // A camera drop aimed at a video stream is refused by kind.
    s.scheduled[0].action = Action::DropCameraConnection { camera: video, duration_ms: 1_000 };
    let problems = s.validate().unwrap_err();
    assert!(problems.iter().any(|p| p.message.contains("needs a camera")), "{problems:?}");
}

#[test]
fn video_parameters_follow_aws_ranges() {
    let mut s = Scenario::empty();
    let video = s.add_node(NodeKind::video_stream());
    let node = s.pipeline.node_mut(video).unwrap();
    assert_eq!(node.set_param("retention_hours", "87600"), Ok(()));
    assert!(node.set_param("retention_hours", "87601").is_err());
    assert_eq!(node.set_param("retention_hours", "0"), Ok(()));
    assert!(node.set_param("media_type", "h264").is_err());
    assert_eq!(node.set_param("media_type", "video/h264,audio/aac"), Ok(()));
    assert_eq!(node.set_param("name", &"v".repeat(256)), Ok(()));
    assert!(node.set_param("name", &"v".repeat(257)).is_err());
    let viewer = s.add_node(NodeKind::video_consumer());
    let node = s.pipeline.node_mut(viewer).unwrap();
    assert!(node.set_param("max_playlist_fragments", "5001").is_err());
    // More cameras than a simulation runs are a problem of the scenario, before it runs.
    let mut crowded = Scenario::empty();
    for _ in 0..=shardlab_engine::video::VIDEO_NODES_MAX {
        crowded.add_node(NodeKind::camera());
    }
    let problems = crowded.validate().unwrap_err();
    assert!(problems.iter().any(|p| p.message.contains("21 cameras is too many")), "{problems:?}");
    assert_eq!(node.set_param("style", "image_extraction"), Ok(()));
    assert!(node.set_param("sampling_interval_ms", "199").is_err());
}

/// Without the `pipelines` and `video` features (the page's lite module) a scenario with Firehose, a destination
/// and Video Streams still opens from its link, unchanged, so it can be handed to a full build; but its
/// left-out nodes are not edited, and converting it is refused with each of them named: a run is the same in
/// every build, or it does not start. `cargo xtask test` also runs this test without the features.
#[test]
fn without_pipelines_and_video_their_nodes_decode_but_are_refused_never_left_out() {
    let mut scenario = Scenario::default();
    let stream = scenario.pipeline.nodes[1].id;
    let archive = scenario.add_node(NodeKind::firehose());
    let bucket = scenario.add_node(NodeKind::destination());
    let door = scenario.add_node(NodeKind::video_stream());
    let porch = scenario.add_node(NodeKind::camera());
    for (id, name) in [(archive, "archive"), (bucket, "bucket"), (door, "door"), (porch, "porch")] {
        scenario.pipeline.node_mut(id).expect("added above").name = name.into();
    }
    scenario.pipeline.connect(stream, archive).expect("a delivery stream reads a data stream");
    scenario.pipeline.connect(archive, bucket).expect("and delivers to a bucket");
    scenario.pipeline.connect(porch, door).expect("a camera sends to a video stream");
    let link = encode_link(&scenario);
    assert_eq!(decode_link(&link), Ok(scenario.clone()), "the link opens in every build");
    let before = scenario.clone();
    let firehose = scenario.pipeline.node_mut(archive).expect("added above");
    let set = firehose.set_param("buffer_size_mib", "64");
    let keys: Vec<&str> = firehose.params().iter().map(|p| p.key).collect();
    if PIPELINES && VIDEO {
        assert_eq!(set, Ok(()));
        assert!(keys.contains(&"buffer_size_mib"), "{keys:?}");
        let (config, nodes) = scenario.to_sim_config().expect("every node runs");
        assert_eq!(nodes.delivery_stream(archive), Some("archive"));
        assert_eq!((config.delivery_streams.len(), config.video.streams.len(), config.video.cameras.len()), (1, 1, 1));
        assert_eq!(scenario.left_out_problems(), []);
    } else {
        // The lite module leaves out both.
        let refused = |i: usize, name: &str, noun: &str, feature: &str| {
            Problem::new(
                format!("pipeline.nodes[{i}]"),
                format!("'{name}' is {noun}, which this build leaves out (the scenario crate's `{feature}` feature)"),
            )
        };
        let expected = alloc::vec![
            refused(3, "archive", "a Firehose delivery stream", "pipelines"),
            refused(4, "bucket", "a destination", "pipelines"),
            refused(5, "door", "a video stream", "video"),
            refused(6, "porch", "a camera", "video"),
        ];
        assert_eq!(set, Err(expected[0].message.clone()));
        assert_eq!(scenario, before, "a refused edit changes nothing");
        assert_eq!(keys, ["name"]);
        assert_eq!(scenario.to_sim_config().map(|_| ()), Err(expected.clone()));
        let not_simulated: Vec<String> = scenario.not_simulated().into_iter().map(|n| n.reason).collect();
        assert_eq!(not_simulated, expected.iter().map(|p| p.message.clone()).collect::<Vec<_>>());
    }
}
