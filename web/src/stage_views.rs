//! What the page draws from the run, built in one place from per-shard and per-second figures: the canvas's
//! live figures and flows, the watched stream's shards, key space, charts and log, the consumers, the
//! Firehose and Analytics panels, and the tabs' lists. [`crate::page_state::PageState`] rebuilds it when
//! something changes, and while playing at most a few times per wall-clock second, so a frame that only
//! moves the clock redraws nothing else. Plain Rust, no DOM.

use crate::components::CanvasNode;
use crate::flow::EdgeFlow;
use crate::format::{bytes_per_sec, count, records_per_sec, thousands};
use crate::narration::LogLine;
use crate::pipeline_views::{AnalyticsView, FirehoseView, FirehoseWatch};
use crate::runner::{ApiExchange, ChartData, ConsumerView, KeyDot, KeySegment, Load, Runner, ShardView};
use crate::shard_log::ShardLogView;
use crate::timeline::Lineage;
use crate::workspace::Workspace;
use shardlab_engine::limits::{SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC};
use shardlab_scenario::{NodeId, NodeKind, Scenario};
use std::rc::Rc;

/// The watched data stream (the selected one, or the first).
#[derive(Clone, Debug, PartialEq)]
pub struct StreamViews {
    /// Its name.
    pub name: String,
    /// Its open shards' figures for the last complete second.
    pub shards: Vec<ShardView>,
    /// Its hash key space.
    pub segments: Vec<KeySegment>,
    /// Its recent keys.
    pub dots: Vec<KeyDot>,
    /// Its charts.
    pub charts: Rc<ChartData>,
    /// Its write limit: open shards × 1 MiB/s.
    pub write_limit_bytes_per_sec: u64,
    /// Its record limit: open shards × 1,000 records/s.
    pub records_per_sec_limit: u64,
    /// The run has more than one data stream.
    pub others: bool,
    /// The shard log view's page, when open.
    pub shard_log: Option<Rc<ShardLogView>>,
}

impl StreamViews {
    /// The hint above the stream's view.
    pub fn hint(&self) -> String {
        format!(
            "Stream {}: {} open, taking at most {} and {} of writes. Raise a producer's rate past that and watch it throttle.{}",
            self.name,
            count(self.shards.len() as u64, "shard", "shards"),
            records_per_sec(self.records_per_sec_limit),
            bytes_per_sec(self.write_limit_bytes_per_sec),
            if self.others { " Select another data stream to watch it." } else { "" }
        )
    }
}

/// Everything drawn from the run, as of one simulated instant.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StageViews {
    /// The simulated ms they show.
    pub now_ms: u64,
    /// The scenario they show.
    pub scenario: Rc<Scenario>,
    /// Each component with its live figure.
    pub canvas_nodes: Rc<Vec<CanvasNode>>,
    /// The connections.
    pub edges: Rc<Vec<(NodeId, NodeId)>>,
    /// How each connection is drawn.
    pub flows: Rc<Vec<EdgeFlow>>,
    /// The watched data stream, if the run has one.
    pub stream: Option<StreamViews>,
    /// The consumers.
    pub consumers: Vec<ConsumerView>,
    /// The delivery streams.
    pub firehose: Vec<Rc<FirehoseView>>,
    /// The Analytics applications.
    pub analytics: Vec<Rc<AnalyticsView>>,
    /// The video streams.
    pub video: Vec<Rc<crate::video_view::VideoStreamView>>,
    /// The event log, newest first.
    pub log: Rc<Vec<LogLine>>,
    /// The API console's exchanges, newest first.
    pub api_history: Rc<Vec<ApiExchange>>,
    /// The cost lines.
    pub cost_lines: Rc<Vec<shardlab_engine::cost::CostLine>>,
    /// Each stream's shard ids, for the record browser.
    pub shard_ids: Rc<Vec<(String, Vec<String>)>>,
    /// Why each scheduled change was refused, if it was.
    pub refusals: Rc<Vec<Option<String>>>,
    /// The watched stream's lineage, for the timeline.
    pub lineage: Option<Lineage>,
}

impl StageViews {
    /// The views of `workspace` now; `shard_log_page` is the shard log's first shard (`None`: closed).
    pub fn build(
        workspace: &Workspace,
        selected: Option<NodeId>,
        shard_log_page: Option<usize>,
        firehose_watch: &mut FirehoseWatch,
    ) -> Self {
        let scenario = workspace.scenario();
        let runner = workspace.runner();
        // The lite page draws none of these (`crate::modules`): their views are the full module's.
        let full = runner.filter(|_| crate::modules::FULL);
        let firehose: Vec<FirehoseView> = full.map(|r| firehose_watch.views(r.sim())).unwrap_or_default();
        let analytics = full.map(|r| crate::pipeline_views::analytics_views(r.sim())).unwrap_or_default();
        let watched = runner.and_then(|r| {
            let chosen = selected.and_then(|id| r.nodes().stream(id)).and_then(|name| r.sim().stream_named(name));
            chosen.or_else(|| r.sim().stream())
        });
        let stream = runner.zip(watched).map(|(r, s)| {
            let shards = r.shard_views_of(Some(s));
            let (segments, dots) = r.key_space_of(Some(s), &shards);
            let open = shards.len() as u64;
            StreamViews {
                name: s.name.clone(),
                segments,
                dots,
                charts: Rc::new(r.chart_data_of(Some(s))),
                write_limit_bytes_per_sec: open * SHARD_WRITE_BYTES_PER_SEC,
                records_per_sec_limit: open * SHARD_WRITE_RECORDS_PER_SEC,
                others: r.sim().config().streams.len() > 1,
                // The shard log and the record browser are the full module's too.
                shard_log: shard_log_page
                    .filter(|_| crate::modules::FULL)
                    .and_then(|page| r.shard_log_view(&s.name, page))
                    .map(Rc::new),
                shards,
            }
        });
        Self {
            now_ms: runner.map_or(0, |r| r.sim().now().as_millis()),
            scenario: Rc::new(scenario.clone()),
            canvas_nodes: Rc::new(canvas_nodes(scenario, runner, &firehose, &analytics)),
            edges: Rc::new(scenario.pipeline.edges.iter().map(|e| (e.from, e.to)).collect()),
            flows: Rc::new(crate::flow::edge_flows(scenario, runner)),
            stream,
            consumers: runner.map(Runner::consumer_views).unwrap_or_default(),
            firehose: firehose.into_iter().map(Rc::new).collect(),
            analytics: analytics.into_iter().map(Rc::new).collect(),
            video: full
                .map(|r| crate::video_view::video_stream_views(r.sim()).into_iter().map(Rc::new).collect())
                .unwrap_or_default(),
            log: Rc::new(runner.map(|r| r.log().rev().cloned().collect()).unwrap_or_default()),
            api_history: Rc::new(full.map(|r| r.api_history().rev().cloned().collect()).unwrap_or_default()),
            cost_lines: Rc::new(full.map(cost_lines).unwrap_or_default()),
            shard_ids: Rc::new(full.map(Runner::shard_ids).unwrap_or_default()),
            refusals: Rc::new(runner.map(|r| crate::timeline::refusals(r, scenario)).unwrap_or_default()),
            lineage: watched.map(Lineage::of),
        }
    }
}

/// The CSS class of a kind.
pub fn kind_class_of(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Producer(_) => "producer",
        NodeKind::DataStream(_) => "stream",
        NodeKind::Consumer(_) => "consumer",
        NodeKind::KinesisAgent(_) => "agent",
        NodeKind::Firehose(_) => "firehose",
        NodeKind::Analytics(_) => "analytics",
        NodeKind::Destination(_) => "destination",
        NodeKind::VideoStream(_) => "video-stream",
        NodeKind::Camera(_) => "camera",
        NodeKind::VideoConsumer(_) => "video-consumer",
    }
}

/// The run's cost lines: the stream's, then each delivery stream's (GB ingested with 5 KB rounding).
fn cost_lines(r: &Runner) -> Vec<shardlab_engine::cost::CostLine> {
    let usage = r.sim().stream().map(|s| r.sim().kinesis().usage_of(s));
    let mut lines = usage.map(|u| shardlab_engine::cost::estimate(&u)).unwrap_or_default();
    for d in r.sim().firehose().delivery_streams() {
        lines.extend(shardlab_engine::cost::estimate_firehose(&d.usage));
    }
    lines
}

/// Each component with its live figure.
fn canvas_nodes(
    scenario: &Scenario,
    runner: Option<&Runner>,
    firehose: &[crate::pipeline_views::FirehoseView],
    analytics: &[crate::pipeline_views::AnalyticsView],
) -> Vec<CanvasNode> {
    // Every figure is found through the run's node map, by node id.
    let nodes = runner.map(Runner::nodes);
    let agents = runner.map(|r| r.sim().agents()).unwrap_or_default();
    let consumer_views = runner.map(Runner::consumer_views).unwrap_or_default();
    let not_simulated = scenario.not_simulated();
    let firehose_named = |name: &str| firehose.iter().find(|f| f.name == name);
    scenario
        .pipeline
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let (x, y) = scenario.view.position(node.id).unwrap_or((40, 40 + 80 * i as i32));
            let idle = || {
                if not_simulated.iter().any(|n| n.node == node.id) {
                    "not in this run".to_string()
                } else {
                    "not connected".to_string()
                }
            };
            let (figure, state) = match &node.kind {
                NodeKind::Producer(p) => {
                    (format!("{} · {} B", records_per_sec(u64::from(p.records_per_sec)), p.record_bytes), "")
                }
                NodeKind::DataStream(_) => match (runner, nodes.and_then(|m| m.stream(node.id))) {
                    (Some(r), Some(name)) => {
                        let shard_views = r.shard_views_of(r.sim().stream_named(name));
                        let incoming: u64 = shard_views.iter().map(|v| v.bytes_per_sec).sum();
                        let over = shard_views.iter().any(|v| v.load == Load::Throttled);
                        let near = shard_views.iter().any(|v| v.load == Load::NearLimit);
                        (
                            format!(
                                "{} · {} in",
                                count(shard_views.len() as u64, "shard", "shards"),
                                bytes_per_sec(incoming)
                            ),
                            if over {
                                "over"
                            } else if near {
                                "near"
                            } else {
                                ""
                            },
                        )
                    }
                    _ => (idle(), ""),
                },
                NodeKind::Consumer(_) => match nodes
                    .and_then(|m| m.consumer(node.id))
                    .and_then(|i| consumer_views.get(i))
                {
                    Some(c) => (
                        format!("{} · {} ms behind", records_per_sec(c.records_per_sec), thousands(c.iterator_age_ms)),
                        if c.iterator_age_ms >= 10_000 { "over" } else { "" },
                    ),
                    None => (idle(), ""),
                },
                NodeKind::Firehose(_) => nodes
                    .and_then(|m| m.delivery_stream(node.id))
                    .and_then(firehose_named)
                    .map_or_else(|| (idle(), ""), |f| f.canvas_figure()),
                NodeKind::Analytics(_) => nodes
                    .and_then(|m| m.analytics(node.id))
                    .and_then(|i| analytics.get(i))
                    .map_or_else(|| (idle(), ""), |a| a.canvas_figure()),
                NodeKind::Destination(_) => {
                    let feeder = nodes
                        .and_then(|m| m.destination(node.id))
                        .and_then(|names| names.iter().find_map(|n| firehose_named(n)));
                    feeder.map_or_else(
                        || (idle(), ""),
                        |f| (f.canvas_figure().0.split(" · ").last().unwrap_or_default().to_string(), ""),
                    )
                }
                NodeKind::VideoStream(_) | NodeKind::Camera(_) | NodeKind::VideoConsumer(_) => {
                    match (runner, nodes.and_then(|m| m.get(node.id))) {
                        (Some(r), Some(entity)) => crate::video_view::canvas_figure(r.sim(), entity),
                        _ => (idle(), ""),
                    }
                }
                NodeKind::KinesisAgent(_) => match nodes.and_then(|m| m.agent(node.id)).and_then(|i| agents.get(i)) {
                    Some(a) => {
                        let t = &a.totals;
                        (
                            format!(
                                "{} parsed · {} sent · {} failed · {} behind",
                                thousands(t.records_parsed),
                                thousands(t.records_sent),
                                thousands(t.records_failed),
                                thousands(a.lines_behind())
                            ),
                            if t.records_failed > 0 { "near" } else { "" },
                        )
                    }
                    None => (idle(), ""),
                },
            };
            CanvasNode {
                id: node.id,
                name: node.name.clone(),
                kind_class: kind_class_of(&node.kind),
                kind_label: crate::components::kind_word(node),
                figure,
                state,
                x,
                y,
            }
        })
        .collect()
}
