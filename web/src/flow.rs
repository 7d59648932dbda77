//! Records in motion on the pipeline canvas: along each connection, dots whose density follows the records
//! per second and whose colour shows rejections, so a throttle shows where it happens. One SVG path per
//! connection, whatever the rate; levels, not raw numbers, so the drawing changes only when a level does.
//! Plain Rust, tested natively.

use crate::runner::Runner;
use shardlab_scenario::{NodeKind, Scenario};

/// How one connection is drawn.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EdgeFlow {
    /// 0 (nothing moves) to 5 (10,000 records/s or more): one level per power of ten.
    pub density: u8,
    /// 0 none refused, 1 some (under a tenth), 2 many.
    pub rejection: u8,
    /// In words, for the tooltip.
    pub label: String,
}

/// The density level of `records_per_sec`: 0 for none, then one level per power of ten (1 to 9 records/s is
/// 1, 10 to 99 is 2, ..., 10,000 or more is 5).
pub fn density_level(records_per_sec: u64) -> u8 {
    match records_per_sec {
        0 => 0,
        1..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1_000..=9_999 => 4,
        _ => 5,
    }
}

/// The rejection level of `rejected` out of `passed + rejected`: 0 none, 1 under a tenth, 2 a tenth or more.
pub fn rejection_level(passed: u64, rejected: u64) -> u8 {
    if rejected == 0 {
        0
    } else if rejected * 10 < passed + rejected {
        1
    } else {
        2
    }
}

/// A connection's flow from what passed and what was refused in the last second.
pub fn edge_flow(passed: u64, rejected: u64, what: &str) -> EdgeFlow {
    let label = if rejected > 0 {
        format!("{} {what}/s, {} refused/s", crate::format::thousands(passed), crate::format::thousands(rejected))
    } else {
        format!("{} {what}/s", crate::format::thousands(passed))
    };
    EdgeFlow { density: density_level(passed), rejection: rejection_level(passed, rejected), label }
}

/// Each connection of the scenario (in the pipeline's order), from the run's last complete second. Into a
/// data stream: its records accepted and writes rejected, shared among the producers writing to it by their
/// records written and refused so far (exact with one producer). Out of a data stream to a consumer: what the
/// consumer received and its refused reads. Other connections: what the source stream took in.
pub fn edge_flows(scenario: &Scenario, runner: Option<&Runner>) -> Vec<EdgeFlow> {
    let Some(r) = runner else { return vec![EdgeFlow::default(); scenario.pipeline.edges.len()] };
    let nodes = r.nodes();
    let consumers = r.consumer_views();
    let producers: Vec<_> = r.sim().producers().map(|(_, t)| t).collect();
    let stream_second = |name: &str| -> (u64, u64) {
        let views = r.shard_views_of(r.sim().stream_named(name));
        (views.iter().map(|v| v.records_per_sec).sum(), views.iter().map(|v| v.throttled_per_sec).sum())
    };
    let kind_of = |id| scenario.pipeline.node(id).map(|n| &n.kind);
    scenario
        .pipeline
        .edges
        .iter()
        .map(|e| match (kind_of(e.from), kind_of(e.to)) {
            (_, Some(NodeKind::DataStream(_))) => {
                let Some(name) = nodes.stream(e.to) else { return EdgeFlow::default() };
                let (accepted, throttled) = stream_second(name);
                let writers: Vec<_> = scenario.pipeline.edges.iter().filter(|w| w.to == e.to).map(|w| w.from).collect();
                let totals = |id| nodes.producer(id).and_then(|i| producers.get(i));
                let share = |pick: fn(&shardlab_engine::ProducerTotals) -> u64, total: u64| -> u64 {
                    let all: u64 = writers.iter().filter_map(|w| totals(*w)).map(pick).sum();
                    match totals(e.from) {
                        Some(mine) if all > 0 => total * pick(mine) / all,
                        _ => total / writers.len().max(1) as u64,
                    }
                };
                edge_flow(share(|t| t.accepted, accepted), share(|t| t.throttled, throttled), "records")
            }
            (Some(NodeKind::DataStream(_)), Some(NodeKind::Consumer(_))) => {
                match nodes.consumer(e.to).and_then(|i| consumers.get(i)) {
                    Some(c) => {
                        let mut flow = edge_flow(c.records_per_sec, 0, "records");
                        flow.rejection = if c.throttled_calls_per_sec > 0 { 2 } else { 0 };
                        if c.throttled_calls_per_sec > 0 {
                            flow.label += &format!(", {} reads refused/s", c.throttled_calls_per_sec);
                        }
                        flow
                    }
                    None => EdgeFlow::default(),
                }
            }
            (Some(NodeKind::DataStream(_)), _) => nodes
                .stream(e.from)
                .map_or_else(EdgeFlow::default, |name| edge_flow(stream_second(name).0, 0, "records")),
            _ => EdgeFlow::default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn density_follows_the_rate_one_level_per_power_of_ten() {
        let levels: Vec<u8> = [0, 1, 9, 10, 99, 100, 999, 1_000, 9_999, 10_000, u64::MAX].map(density_level).into();
        assert_eq!(levels, [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    }

    #[test]
    fn rejections_colour_the_flow_by_their_share() {
        assert_eq!(rejection_level(1_000, 0), 0);
        // 1 refused of 1,000 offered is under a tenth; 100 of 1,000 is a tenth.
        assert_eq!(rejection_level(999, 1), 1);
        assert_eq!(rejection_level(900, 100), 2);
        // A shard fed 2,000 records/s accepts 1,000 and refuses 1,000 (its limit is 1,000 records/s).
        let hot = edge_flow(1_000, 1_000, "records");
        assert_eq!((hot.density, hot.rejection), (4, 2));
        assert_eq!(hot.label, "1,000 records/s, 1,000 refused/s");
    }

    #[test]
    fn a_throttled_hot_key_preset_shows_red_on_the_producer_s_connection() {
        use shardlab_engine::SimDuration;
        let preset = shardlab_scenario::preset("hot-partition-key").expect("the preset");
        let scenario = preset.scenario();
        let mut w = crate::workspace::Workspace::new(scenario.clone());
        for _ in 0..10 {
            w.advance_by(SimDuration::SECOND, u32::MAX);
        }
        let flows = edge_flows(w.scenario(), w.runner());
        assert_eq!(flows.len(), scenario.pipeline.edges.len());
        let into_stream = scenario
            .pipeline
            .edges
            .iter()
            .position(|e| matches!(scenario.pipeline.node(e.to).map(|n| &n.kind), Some(NodeKind::DataStream(_))))
            .expect("a producer writes to the stream");
        let r = w.runner().expect("runs");
        let throttled: u64 = r.shard_views().iter().map(|v| v.throttled_per_sec).sum();
        assert!(throttled > 0, "the hot key is throttled in its 10th second");
        assert!(flows[into_stream].rejection > 0, "{:?}", flows[into_stream]);
        assert!(flows[into_stream].density >= 1);
    }
}
