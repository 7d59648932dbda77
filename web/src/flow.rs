//! Records in motion on the pipeline canvas: along each connection, dots whose density follows the records
//! per second and whose colour shows rejections, so a throttle shows where it happens. One SVG path per
//! connection, whatever the rate; levels, not raw numbers, so the drawing changes only when a level does.
//! Plain Rust, tested natively.
//!
//! The dots move without costing the main thread: each density level is drawn [`CHASE_PHASES`] times, each
//! copy's dots a further fraction of their spacing along the path, in layers of their own, and only the
//! layers' opacity is animated (the compositor's work), showing one copy after the next. Animating the dots'
//! positions (`stroke-dashoffset`) instead made Chromium repaint the whole page on every frame, about 7 ms at
//! 1280×720 with 100 shards on the page.

use crate::format::Fixed;
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

/// How many copies of a connection's dots take turns to show motion; `@keyframes chase` in `style.css` shows
/// each for a quarter of the period.
pub const CHASE_PHASES: u32 = 4;

/// Distance between dots along a connection, in canvas units, for a density level of 1 to 5: denser as the
/// records per second grow.
pub fn dot_spacing(density: u8) -> u32 {
    match density {
        0 | 1 => 40,
        2 => 24,
        3 => 16,
        4 => 10,
        _ => 7,
    }
}

/// The period in which the dots advance by one spacing, in ms: about 23 canvas units a second at every level,
/// so only the density says how busy a connection is.
pub fn chase_period_ms(density: u8) -> u32 {
    dot_spacing(density) * 1_000 / 23
}

/// The CSS of the layer holding copy `phase` of the dots at `density`: its dash pattern offset, its animation
/// period, and a delay that makes it show in the `phase`-th quarter of each period.
pub fn chase_layer_style(density: u8, phase: u32) -> (String, String) {
    let spacing = dot_spacing(density);
    let period_ms = chase_period_ms(density);
    let delay_ms = (CHASE_PHASES - phase % CHASE_PHASES) % CHASE_PHASES * period_ms / CHASE_PHASES;
    let dash_offset = format!("-{}", Fixed(f64::from(spacing * (phase % CHASE_PHASES)) / f64::from(CHASE_PHASES), 2));
    (dash_offset, format!("animation-duration:{period_ms}ms;animation-delay:-{delay_ms}ms"))
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
    fn each_copy_of_the_dots_sits_a_quarter_spacing_further_and_shows_a_quarter_period_later() {
        // Density 5 (10,000 records/s or more): a dot every 7 units, advancing 7 units in 304 ms.
        assert_eq!((dot_spacing(5), chase_period_ms(5)), (7, 304));
        // Copy 0 shows first (no delay); copy 1 is 1.75 units along and shows 76 ms later, which a negative
        // delay of three quarters of the period gives from the start.
        assert_eq!(chase_layer_style(5, 0), ("-0.00".into(), "animation-duration:304ms;animation-delay:-0ms".into()));
        assert_eq!(chase_layer_style(5, 1), ("-1.75".into(), "animation-duration:304ms;animation-delay:-228ms".into()));
        assert_eq!(chase_layer_style(5, 3), ("-5.25".into(), "animation-duration:304ms;animation-delay:-76ms".into()));
        // Sparse connections: a dot every 40 units, moving at the same pace (40 units in 1,739 ms).
        assert_eq!((dot_spacing(1), chase_period_ms(1)), (40, 1_739));
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
