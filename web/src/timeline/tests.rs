use super::*;
use shardlab_scenario::Scenario;
use shardlab_scenario::model::CapacityMode;

/// The first-minute scenario (producer, stream, consumer) and its stream's id.
fn scenario_and_stream() -> (Scenario, NodeId) {
    let scenario = Scenario::default();
    let stream = scenario
        .pipeline
        .nodes
        .iter()
        .find(|n| matches!(n.kind, NodeKind::DataStream(_)))
        .map(|n| n.id)
        .expect("the default scenario has a data stream");
    (scenario, stream)
}

fn reshard(at_ms: u64, stream: NodeId, target_shards: u32) -> ScheduledEvent {
    ScheduledEvent { at_ms, action: Action::UpdateShardCount { stream, target_shards } }
}

#[test]
fn the_horizon_is_ten_minutes_or_a_minute_past_the_last_event_in_whole_minutes() {
    assert_eq!(horizon_ms(&[], 0), 600_000);
    let (_, stream) = scenario_and_stream();
    assert_eq!(horizon_ms(&[reshard(30_000, stream, 4)], 0), 600_000);
    // 9:30 + 1:00 = 10:30, rounded up to 11:00.
    assert_eq!(horizon_ms(&[reshard(570_000, stream, 4), reshard(10_000, stream, 2)], 0), 660_000);
    // The playhead past the end stretches it: 12:00:01 -> 13:00.
    assert_eq!(horizon_ms(&[], 720_001), 780_000);
}

#[test]
fn positions_and_times_map_both_ways_and_snap_to_seconds() {
    let horizon = 600_000;
    assert!((fraction_of(150_000, horizon) - 0.25).abs() < 1e-12);
    assert_eq!(fraction_of(900_000, horizon), 1.0, "past the end stays on the track");
    assert_eq!(fraction_of(5, 0), 0.0);
    assert_eq!(time_at(0.25, horizon), 150_000);
    // 0.10003 of 10 minutes is 60.018 s: snapped to 60 s. 0.1009 is 60.54 s: 61 s.
    assert_eq!(time_at(0.10003, horizon), 60_000);
    assert_eq!(time_at(0.1009, horizon), 61_000);
    assert_eq!(time_at(-0.5, horizon), 0, "left of the track is 0");
    assert_eq!(time_at(7.0, horizon), horizon, "right of it is the end");
    assert_eq!(time_at(f64::NAN, horizon), 0);
    for ms in [0, 1_000, 59_000, 600_000] {
        assert_eq!(time_at(fraction_of(ms, horizon), horizon), ms, "{ms} ms round-trips");
    }
    assert_eq!(snap(1_499), 1_000);
    assert_eq!(snap(1_500), 2_000);
    assert_eq!(snap(u64::MAX), u64::MAX / 1_000 * 1_000, "no overflow");
}

#[test]
fn arrow_keys_move_by_a_second_and_shift_by_ten() {
    assert_eq!(nudge(30_000, "ArrowRight", false), Some(31_000));
    assert_eq!(nudge(30_000, "ArrowLeft", false), Some(29_000));
    assert_eq!(nudge(30_000, "ArrowRight", true), Some(40_000));
    assert_eq!(nudge(30_000, "ArrowLeft", true), Some(20_000));
    assert_eq!(nudge(5_000, "ArrowLeft", true), Some(0), "never before 0");
    assert_eq!(nudge(30_400, "ArrowRight", false), Some(31_000), "from the snapped time");
    assert_eq!(nudge(30_000, "Enter", false), None);
}

#[test]
fn ticks_use_a_round_step_and_label_minutes_and_hours() {
    let ten_minutes = ticks(600_000);
    assert_eq!(ten_minutes.len(), 11, "0 to 10:00 by the minute");
    assert_eq!(ten_minutes[1], (60_000, "1:00".to_string()));
    assert_eq!(ten_minutes[10].1, "10:00");
    let eleven = ticks(660_000);
    assert_eq!(eleven.iter().map(|t| t.0).collect::<Vec<_>>(), (0..=5).map(|i| i * 120_000).collect::<Vec<_>>());
    assert_eq!(tick_label(90_000), "1:30");
    assert_eq!(tick_label(3_723_000), "1:02:03");
    assert!(ticks(86_400_000).len() <= 11);
}

#[test]
fn nearby_labels_take_separate_lanes() {
    // 0.0 and 0.05 are closer than a label: second lane. 0.5 is free on the first. A fourth crowded one
    // shares the lane that ended earliest.
    assert_eq!(lanes(&[0.0, 0.05, 0.5]), vec![0, 1, 0]);
    assert_eq!(lanes(&[0.5, 0.0, 0.05]), vec![0, 0, 1], "order of the events does not matter");
    assert_eq!(lanes(&[0.1, 0.11, 0.12, 0.13]), vec![0, 1, 2, 0]);
    assert!(lanes(&[]).is_empty());
}

#[test]
fn an_event_is_pending_until_the_playhead_reaches_it() {
    assert_eq!(Status::of(30_000, 0, None), Status::Pending);
    assert_eq!(Status::of(30_000, 29_999, None), Status::Pending);
    assert_eq!(Status::of(30_000, 30_000, None), Status::Fired);
    assert_eq!(Status::of(0, 0, None), Status::Pending, "nothing has run at t = 0");
    let refused = Status::of(30_000, 31_000, Some("LimitExceededException".into()));
    assert_eq!(refused.word(), "refused");
}

#[test]
fn labels_say_what_each_change_does() {
    let (scenario, stream) = scenario_and_stream();
    assert_eq!(short_label(&reshard(0, stream, 4).action), "4 shards");
    assert_eq!(short_label(&Action::SetProducerRate { producer: NodeId(1), records_per_sec: 3_000 }), "rate 3,000/s");
    assert_eq!(short_label(&Action::CrashWorker { consumer: NodeId(3), worker: 0 }), "crash worker 0");
    assert_eq!(short_label(&Action::DestinationOutage { firehose: NodeId(4), duration_ms: 120_000 }), "outage 2m");
    let name = &scenario.pipeline.node(stream).expect("stream").name;
    assert_eq!(
        describe(&reshard(30_000, stream, 4), &scenario),
        format!("UpdateShardCount of {name} to 4 shards at 00:00:30")
    );
    assert_eq!(duration_text(90_000), "90s");
    assert_eq!(duration_text(3_600_000), "1h");
    assert_eq!(duration_text(1_500), "1500 ms");
}

#[test]
fn a_draft_becomes_an_event_and_back() {
    let (scenario, stream) = scenario_and_stream();
    let draft = Draft::new(Kind::UpdateShardCount, &scenario, 30_000);
    assert_eq!(draft.node, Some(stream), "the first data stream is chosen");
    assert_eq!(draft.at, "30s");
    let event = draft.check(&scenario, None).expect("UpdateShardCount to 4 at 30 s is valid");
    assert_eq!(event, reshard(30_000, stream, 4));
    assert_eq!(Draft::of(&event), draft, "editing shows the same text");
    // The first-minute scenario has no Firehose or agent, so the form does not offer them.
    assert!(!scenario.pipeline.nodes.iter().any(|n| Kind::DestinationOutage.fits(&n.kind)));
    assert_eq!(Draft::first(&scenario, 0).map(|d| d.kind), Some(Kind::UpdateShardCount));
    assert_eq!(Draft::first(&Scenario::empty(), 0), None);
}

#[test]
fn a_draft_is_checked_by_the_scenario_rules_field_by_field() {
    let (scenario, _) = scenario_and_stream();
    let mut draft = Draft::new(Kind::UpdateShardCount, &scenario, 30_000);
    draft.set_field("target_shards", "0".into());
    let problems = draft.check(&scenario, None).expect_err("0 shards");
    assert_eq!(problems, vec![("target_shards".to_string(), "allowed: 1 to 1,024 shards".to_string())]);
    draft.set_field("target_shards", "four".into());
    draft.at = "soon".into();
    let problems = draft.check(&scenario, None).expect_err("unreadable");
    let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["at", "target_shards"]);
    assert!(problems[1].1.contains("not a whole number"), "{problems:?}");
    draft.set_field("target_shards", "4".into());
    draft.at = "49h".into();
    assert_eq!(draft.check(&scenario, None).expect_err("too late")[0].0, "at");
    draft.at = "1:00".into();
    draft.node = None;
    assert_eq!(draft.check(&scenario, None).expect_err("no component")[0].0, "node");
}

#[test]
fn checking_an_edit_replaces_the_event_instead_of_adding_one() {
    let (mut scenario, stream) = scenario_and_stream();
    scenario.scheduled = vec![reshard(10_000, stream, 4); shardlab_scenario::SCHEDULED_MAX];
    let draft = Draft::of(&scenario.scheduled[3]);
    assert!(draft.check(&scenario, Some(3)).is_ok(), "editing one of 1,000 events is fine");
    let problems = draft.check(&scenario, None).expect_err("a 1,001st event is too many");
    assert_eq!(problems[0].0, "at");
    assert!(problems[0].1.contains("at most 1000"), "{problems:?}");
}

#[test]
fn a_worker_change_needs_a_kcl_consumer() {
    let (mut scenario, _) = scenario_and_stream();
    let polling = scenario
        .pipeline
        .nodes
        .iter()
        .find(|n| matches!(n.kind, NodeKind::Consumer(_)))
        .map(|n| n.id)
        .expect("a consumer");
    assert!(!scenario.pipeline.nodes.iter().any(|n| Kind::CrashWorker.fits(&n.kind)), "it polls; no KCL workers");
    // Typed by hand anyway (a link could), the scenario's rule names what it needs.
    let mut draft = Draft::new(Kind::CrashWorker, &scenario, 5_000);
    draft.node = Some(polling);
    let problems = draft.check(&scenario, None).expect_err("not a KCL consumer");
    assert_eq!(problems[0].0, "node");
    assert!(problems[0].1.contains("needs a KCL consumer"), "{problems:?}");
    scenario.pipeline.node_mut(polling).expect("consumer").set_param("style", "kcl").expect("KCL");
    assert!(draft.check(&scenario, None).is_ok());
}

#[test]
fn switching_kind_keeps_the_time() {
    let (scenario, _) = scenario_and_stream();
    let mut draft = Draft::new(Kind::UpdateShardCount, &scenario, 45_000);
    draft.at = "2m".into();
    let rate = draft.with_kind(Kind::SetProducerRate, &scenario);
    assert_eq!(rate.at, "2m");
    assert_eq!(rate.field("records_per_sec"), "1000");
    assert!(
        rate.node.is_some_and(|id| scenario.pipeline.node(id).is_some_and(|n| matches!(n.kind, NodeKind::Producer(_))))
    );
}

#[test]
fn lineage_shows_closed_parents_and_their_children_after_a_split() {
    let mut sim = shardlab_engine::Simulation::new(shardlab_engine::SimConfig::default()).expect("default config");
    let name = sim.stream().expect("a stream").name.clone();
    let before = Lineage::of(sim.stream().expect("a stream"));
    assert_eq!((before.status, before.open, before.changed()), ("ACTIVE", 2, false));
    // Split shard 0 at the middle of its range (the lower half of the key space): 2^126.
    let now = sim.now();
    let split = sim.kinesis_mut().split_shard(now, &name, "shardId-000000000000", 1u128 << 126);
    assert!(split.is_ok(), "{split:?}");
    let during = Lineage::of(sim.stream().expect("a stream"));
    assert_eq!(during.status, "UPDATING", "SplitShard puts the stream in UPDATING");
    sim.advance_to(shardlab_engine::SimTime::from_millis(60_000));
    let after = Lineage::of(sim.stream().expect("a stream"));
    assert_eq!(after.status, "ACTIVE");
    assert_eq!(after.open, 3, "one parent became two children");
    assert!(after.changed());
    let parent = &after.shards[0];
    assert_eq!((parent.shard.as_str(), parent.state), ("shard 0", "CLOSED"));
    assert_eq!(parent.children, ["shard 2", "shard 3"]);
    assert_eq!(after.shards[2].parents, ["shard 0"]);
    assert_eq!(after.shards[2].state, "OPEN");
}

#[test]
fn stream_changes_label_and_check_their_shards_and_hours() {
    let (scenario, stream) = scenario_and_stream();
    assert_eq!(short_label(&Action::SplitShard { stream, shard: 1 }), "split shard 1");
    assert_eq!(short_label(&Action::MergeShards { stream, shard: 0, adjacent_shard: 1 }), "merge 0 + 1");
    assert_eq!(short_label(&Action::SetRetention { stream, hours: 48 }), "retention 48 h");
    assert_eq!(short_label(&Action::SwitchCapacityMode { stream, mode: CapacityMode::OnDemand }), "to on-demand");
    // The first-minute stream starts with 2 shards, numbered 0 and 1.
    let mut split = Draft::new(Kind::SplitShard, &scenario, 20_000);
    assert_eq!(split.check(&scenario, None).map(|e| e.action), Ok(Action::SplitShard { stream, shard: 0 }));
    split.set_field("shard", "5".into());
    let problems = split.check(&scenario, None).expect_err("no shard 5");
    assert_eq!(problems[0].0, "shard");
    let mut retention = Draft::new(Kind::SetRetention, &scenario, 20_000);
    retention.set_field("hours", "12".into());
    // AWS's retention period is 24 to 8,760 hours.
    assert_eq!(retention.check(&scenario, None).expect_err("12 h")[0].0, "hours");
}

#[test]
fn a_mode_switch_round_trips_through_the_form() {
    let (scenario, stream) = scenario_and_stream();
    let draft = Draft::new(Kind::SwitchCapacityMode, &scenario, 90_000);
    assert_eq!(draft.field("mode"), "on_demand");
    let event = draft.check(&scenario, None).expect("a switch to on-demand");
    assert_eq!(event.action, Action::SwitchCapacityMode { stream, mode: CapacityMode::OnDemand });
    assert_eq!(Draft::of(&event), draft);
    let mut wrong = draft.clone();
    wrong.set_field("mode", "turbo".into());
    let problems = wrong.check(&scenario, None).expect_err("no such mode");
    assert_eq!(problems, vec![("mode".to_string(), "choose one of: provisioned, on_demand".to_string())]);
}

#[test]
fn a_refused_change_is_matched_to_its_event_and_an_accepted_one_reshards() {
    use crate::workspace::Workspace;
    use shardlab_engine::SimDuration;
    let (scenario, stream) = scenario_and_stream();
    let mut w = Workspace::new(scenario);
    // 2 open shards: UpdateShardCount may go to at most double, 4 (docs/aws-behaviour.md §1.7). 8 is refused
    // when it fires; 4, an instant later, is accepted.
    w.add_event(reshard(5_000, stream, 8)).expect("8 shards is a valid scenario event");
    w.add_event(reshard(6_000, stream, 4)).expect("4 shards");
    assert!(w.advance_by(SimDuration::from_secs(4), u32::MAX));
    let r = w.runner().expect("runs");
    assert_eq!(refusals(r, w.scenario()), [None, None], "nothing has fired at 4 s");
    assert!(w.advance_by(SimDuration::from_secs(56), u32::MAX));
    let r = w.runner().expect("runs");
    let found = refusals(r, w.scenario());
    let message = found[0].as_deref().expect("8 shards from 2 is refused");
    assert!(message.starts_with("InvalidArgumentException: "), "{message}");
    assert!(message.contains("double"), "{message}");
    assert_eq!(found[1], None, "4 shards from 2 is accepted");
    assert_eq!(Status::of(6_000, 60_000, found[1].clone()), Status::Fired);
    let lineage = Lineage::of(r.sim().stream().expect("a stream"));
    assert_eq!((lineage.status, lineage.open), ("ACTIVE", 4), "both parents split in two");
    assert_eq!(lineage.shards.iter().filter(|s| s.state == "CLOSED").count(), 2);
}
