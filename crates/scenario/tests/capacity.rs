//! Capacity that changes in scenario runs: on-demand streams scale themselves, and scheduled stream changes fire
//! through the service's own operations, so AWS's rules apply when they fire (`docs/aws-behaviour.md` §1.7,
//! §1.8, §1.9, §1.11). Expected numbers come from those rules by arithmetic.

use shardlab_engine::account::Observed;
use shardlab_engine::{Observation, ShardId, SimTime, Simulation, StreamMode, StreamStatus};
use shardlab_scenario::model::CapacityMode;
use shardlab_scenario::{Action, NodeId, Scenario, ScheduledEvent, preset};

/// Runs `scenario` for `secs` seconds and returns the simulation with every observation it made.
fn run(scenario: &Scenario, secs: u64) -> (Simulation, Vec<Observation>) {
    let (config, _) = scenario.to_sim_config().expect("converts");
    let mut sim = Simulation::new(config).expect("runs");
    let mut seen = Vec::new();
    for second in 1..=secs {
        sim.advance_to(SimTime::from_secs(second));
        while let Some(o) = sim.poll_observation() {
            seen.push(o);
        }
    }
    (sim, seen)
}

/// The default scenario (a producer of 1,500 records/s into the 2-shard stream node 2) with `events`.
fn scheduled(events: &[(u64, Action)]) -> Scenario {
    let scenario = Scenario {
        scheduled: events
            .iter()
            .map(|(at_s, action)| ScheduledEvent { at_ms: at_s * 1_000, action: action.clone() })
            .collect(),
        ..Scenario::default()
    };
    assert_eq!(scenario.not_simulated(), [], "scheduled stream changes run");
    scenario
}

const STREAM: NodeId = NodeId(2);

#[test]
fn the_on_demand_preset_scales_under_its_spike() {
    // 1,000 records/s of 1 KiB, then 6,000 from 30 s to 90 s, into a new on-demand stream of 4 shards.
    let scenario = preset("on-demand-spike").unwrap().scenario();
    assert_eq!(scenario.not_simulated(), []);
    let (sim, seen) = run(&scenario, 150);
    let steps: Vec<&Observed> =
        seen.iter().map(|o| &o.what).filter(|w| matches!(w, Observed::OnDemandScaled { .. })).collect();
    let needed = |peak_bytes: u64, peak_records: u64| {
        (2 * peak_bytes).div_ceil(1_048_576).max((2 * peak_records).div_ceil(1_000))
    };
    // Minute 1: the 4 shards each take at most 1,000 records a second (1 KiB records reach the records limit
    // first), so the peak second is 4,000 records and the stream needs 8 shards.
    let Observed::OnDemandScaled {
        from_shards,
        to_shards,
        peak_records_per_sec,
        peak_bytes_per_sec,
        capacity_records_per_sec,
        ..
    } = steps[0]
    else {
        unreachable!()
    };
    assert_eq!((*from_shards, *to_shards, *peak_records_per_sec), (4, 8, 4_000));
    assert_eq!(u64::from(*to_shards), needed(*peak_bytes_per_sec, *peak_records_per_sec));
    assert_eq!(*capacity_records_per_sec, 8_000);
    assert_eq!(
        seen.iter().find(|o| matches!(o.what, Observed::OnDemandScaled { .. })).map(|o| o.at),
        Some(SimTime::from_secs(60))
    );
    // Minute 2: 8 shards take the 6,000 a second (and retries) unthrottled; the new peak calls for twice it.
    let Observed::OnDemandScaled { from_shards, to_shards, peak_records_per_sec, peak_bytes_per_sec, .. } = steps[1]
    else {
        unreachable!()
    };
    assert_eq!(*from_shards, 8);
    assert!(*peak_records_per_sec >= 6_000, "{peak_records_per_sec}");
    assert_eq!(u64::from(*to_shards), needed(*peak_bytes_per_sec, *peak_records_per_sec));
    assert_eq!(steps.len(), 2, "the spike ends at 90 s: no new peak after it");
    // Throttled while the spike exceeded twice the previous peak (30 s to 60 s), never once capacity caught up.
    let stream = sim.stream().unwrap();
    let throttled = |from: u64, to: u64| -> u64 {
        (from..to)
            .map(|second| {
                stream
                    .shards()
                    .iter()
                    .map(|s| s.metrics.second(second).write_provisioned_throughput_exceeded)
                    .sum::<u64>()
            })
            .sum()
    };
    assert!(throttled(31, 60) > 0);
    // The scale-up lands at 60 s; a shard's write window slides over the last second, so a shard that was at
    // its limit in second 60 may still refuse a few of the spike's retries in second 61 (the hottest of the 8
    // takes about 900 records a second). From then on, nothing.
    assert!(throttled(61, 62) <= 100, "{}", throttled(61, 62));
    assert_eq!(throttled(62, 150), 0);
    assert_eq!((stream.mode, stream.open_shard_count()), (StreamMode::OnDemand, *to_shards));
    // On-demand Standard billing: stream-hours and data, no shard-hours.
    let usage = sim.kinesis().usage_of(stream);
    assert_eq!((usage.on_demand_stream_seconds, usage.shard_seconds), (150, 0));
    assert!(usage.on_demand_bytes_in > 0);
}

#[test]
fn scheduled_reshards_retention_and_mode_switches_fire_through_the_service() {
    let scenario = scheduled(&[
        (10, Action::UpdateShardCount { stream: STREAM, target_shards: 4 }),
        // From 4 open shards, 20 is more than double: refused when it fires.
        (12, Action::UpdateShardCount { stream: STREAM, target_shards: 20 }),
        // 2 -> 4 split shard 0 into 2 and 3, shard 1 into 4 and 5; shard 2 now splits into 6 and 7.
        (20, Action::SplitShard { stream: STREAM, shard: 2 }),
        (30, Action::MergeShards { stream: STREAM, shard: 6, adjacent_shard: 7 }),
        (40, Action::SetRetention { stream: STREAM, hours: 48 }),
        (50, Action::SwitchCapacityMode { stream: STREAM, mode: CapacityMode::OnDemand }),
        // An on-demand stream refuses UpdateShardCount.
        (52, Action::UpdateShardCount { stream: STREAM, target_shards: 8 }),
        (54, Action::SwitchCapacityMode { stream: STREAM, mode: CapacityMode::Provisioned }),
        // A third switch within 24 hours.
        (56, Action::SwitchCapacityMode { stream: STREAM, mode: CapacityMode::OnDemand }),
    ]);
    let (sim, seen) = run(&scenario, 58);
    let changes: Vec<(u64, &Observed)> = seen
        .iter()
        .filter(|o| {
            matches!(
                o.what,
                Observed::StreamChangeAccepted { .. }
                    | Observed::StreamChangeRefused { .. }
                    | Observed::Resharded { .. }
            )
        })
        .map(|o| (o.at.as_secs(), &o.what))
        .collect();
    let accepted =
        |change: &str| Observed::StreamChangeAccepted { stream: "clickstream".into(), change: change.into() };
    let resharded =
        |from_shards, to_shards| Observed::Resharded { stream: "clickstream".into(), from_shards, to_shards };
    let refused = |change: &str, error_type, message: &str| Observed::StreamChangeRefused {
        stream: "clickstream".into(),
        change: change.into(),
        error_type,
        message: message.into(),
    };
    let expected = [
        (10, accepted("UpdateShardCount to 4 shards")),
        (11, resharded(2, 4)),
        (
            12,
            refused(
                "UpdateShardCount to 20 shards",
                "InvalidArgumentException",
                "UpdateShardCount to 20 shards for stream clickstream under account 000000000000 is invalid: the \
                 target may be at most double the current 4 open shards.",
            ),
        ),
        (20, accepted("SplitShard of shardId-000000000002")),
        (21, resharded(4, 5)),
        (30, accepted("MergeShards of shardId-000000000006 and shardId-000000000007")),
        (31, resharded(5, 4)),
        (40, accepted("IncreaseStreamRetentionPeriod to 48 hours")),
        (50, accepted("UpdateStreamMode to ON_DEMAND")),
        (
            52,
            refused(
                "UpdateShardCount to 8 shards",
                "ValidationException",
                "This API is not supported for data stream clickstream, which is in the ON_DEMAND capacity mode.",
            ),
        ),
        (54, accepted("UpdateStreamMode to PROVISIONED")),
        (
            56,
            refused(
                "UpdateStreamMode to ON_DEMAND",
                "LimitExceededException",
                "Stream clickstream under account 000000000000 has already switched capacity mode 2 times in the \
                 last 24 hours.",
            ),
        ),
    ];
    let expected: Vec<(u64, &Observed)> = expected.iter().map(|(at, what)| (*at, what)).collect();
    assert_eq!(changes, expected);
    // Lineage: the parents are CLOSED with their children; 8 covers what 6 and 7 covered.
    let stream = sim.stream().unwrap();
    let children = |id: u32| stream.shard(ShardId(id)).map(|s| (s.is_open(), s.child_shard_ids.clone()));
    assert_eq!(children(0), Some((false, vec![ShardId(2), ShardId(3)])));
    assert_eq!(children(1), Some((false, vec![ShardId(4), ShardId(5)])));
    assert_eq!(children(2), Some((false, vec![ShardId(6), ShardId(7)])));
    assert_eq!(children(6), Some((false, vec![ShardId(8)])));
    let merged = stream.shard(ShardId(8)).unwrap();
    assert_eq!((merged.parent_shard_id, merged.adjacent_parent_shard_id), (Some(ShardId(6)), Some(ShardId(7))));
    let open: Vec<u32> = stream.open_shards().map(|s| s.id.0).collect();
    assert_eq!(open, [8, 3, 4, 5]);
    assert_eq!(
        (stream.retention_hours, stream.mode, stream.status),
        (48, StreamMode::Provisioned, StreamStatus::Active)
    );
}

#[test]
fn an_eleventh_update_shard_count_in_a_day_is_refused_with_awss_message() {
    // Alternating 2 -> 4 -> 2 ... every 10 s: ten are accepted, the eleventh refused (`docs/aws-behaviour.md` §1.7).
    let events: Vec<(u64, Action)> = (1..=11)
        .map(|i| (i * 10, Action::UpdateShardCount { stream: STREAM, target_shards: if i % 2 == 1 { 4 } else { 2 } }))
        .collect();
    let (_, seen) = run(&scheduled(&events), 112);
    let outcomes: Vec<bool> = seen
        .iter()
        .filter_map(|o| match &o.what {
            Observed::StreamChangeAccepted { .. } => Some(true),
            Observed::StreamChangeRefused { error_type, message, .. } => {
                assert_eq!(*error_type, "LimitExceededException");
                assert_eq!(
                    message,
                    "Stream clickstream under account 000000000000 has already been scaled 10 times in the last 24 hours."
                );
                Some(false)
            }
            _ => None,
        })
        .collect();
    let mut expected = vec![true; 10];
    expected.push(false);
    assert_eq!(outcomes, expected);
}

#[test]
fn a_retention_decrease_goes_through_decrease_stream_retention_period() {
    let (sim, seen) = run(
        &scheduled(&[
            (5, Action::SetRetention { stream: STREAM, hours: 72 }),
            (6, Action::SetRetention { stream: STREAM, hours: 36 }),
        ]),
        7,
    );
    let changes: Vec<&str> = seen
        .iter()
        .filter_map(|o| match &o.what {
            Observed::StreamChangeAccepted { change, .. } => Some(change.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(changes, ["IncreaseStreamRetentionPeriod to 72 hours", "DecreaseStreamRetentionPeriod to 36 hours"]);
    assert_eq!(sim.stream().unwrap().retention_hours, 36);
}

#[test]
fn the_resharding_preset_scales_its_stream_at_30_s() {
    // 2 shards to 4 (within double): both ranges split, and the writes spread over four shards.
    let scenario = preset("reshard-hot-shard").unwrap().scenario();
    assert_eq!(scenario.not_simulated(), []);
    let (sim, seen) = run(&scenario, 40);
    let changes: Vec<(u64, &Observed)> = seen
        .iter()
        .filter(|o| matches!(o.what, Observed::StreamChangeAccepted { .. } | Observed::Resharded { .. }))
        .map(|o| (o.at.as_secs(), &o.what))
        .collect();
    let accepted =
        Observed::StreamChangeAccepted { stream: "queries".into(), change: "UpdateShardCount to 4 shards".into() };
    let resharded = Observed::Resharded { stream: "queries".into(), from_shards: 2, to_shards: 4 };
    assert_eq!(changes, [(30, &accepted), (31, &resharded)]);
    let stream = sim.stream().unwrap();
    let open: Vec<u32> = stream.open_shards().map(|s| s.id.0).collect();
    assert_eq!(open, [2, 3, 4, 5]);
    assert!(stream.open_shards().all(|s| s.metrics.second(39).incoming_records > 0), "every child takes writes");
}
