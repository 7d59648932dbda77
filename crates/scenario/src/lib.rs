//! Shardlab scenarios: the pipeline a learner composes, its seed and scheduled events, and the view, in a
//! versioned format that validates every field and converts to the engine's
//! [`SimConfig`](shardlab_engine::SimConfig).
//!
//! ```
//! use shardlab_scenario::{NodeKind, Scenario, decode_link, encode_link};
//!
//! let mut scenario = Scenario::default(); // producer -> stream (2 shards) -> polling consumer
//! let stream = scenario.pipeline.nodes[1].id;
//! let firehose = scenario.add_node(NodeKind::firehose());
//! scenario.pipeline.connect(stream, firehose).expect("a Firehose delivery stream may read a data stream");
//! let bucket = scenario.add_node(NodeKind::destination());
//! scenario.pipeline.connect(firehose, bucket).expect("and deliver to an S3 bucket");
//! let refused = scenario.pipeline.connect(bucket, stream).unwrap_err();
//! assert_eq!(refused.reason, "a destination is the end of a pipeline: it has no outputs");
//!
//! let node = scenario.pipeline.node_mut(stream).expect("added above");
//! let error = node.set_param("shard_count", "0").unwrap_err();
//! assert!(error.contains("1 to 1,024 shards"), "{error}");
//!
//! let link = encode_link(&scenario); // "s=1.…", for the URL fragment
//! assert_eq!(decode_link(&link), Ok(scenario.clone()));
//! let (config, nodes) = scenario.to_sim_config().expect("every part runs");
//! assert_eq!(nodes.delivery_stream(firehose), Some(config.delivery_streams[0].name.as_str()));
//! assert!(scenario.not_simulated().is_empty());
//! ```
//!
//! # Editing
//!
//! [`Pipeline::add_node`], [`Pipeline::connect`] (refusing what AWS does not allow, with the reason),
//! [`Node::params`] and [`Node::set_param`] (text in, validated, never clamped) are all the editor needs.
//! [`Scenario::add_node`] and [`Scenario::remove_node`] also keep the view and the scheduled events in step.
//!
//! # Errors
//!
//! Nothing here panics on input. [`Scenario::validate`] returns every problem at once, each with the path of
//! the field (`pipeline.nodes[2].params.shard_count`) and what is allowed. Links and files that do not open
//! say why ([`LinkError`], [`FileError`]).
//!
//! # Links, files, presets, export
//!
//! [`encode_link`] / [`decode_link`] make and read `s=<format>.<payload>` fragments; [`Scenario::to_json`] /
//! [`Scenario::from_json`] the file form. [`presets`] is the gallery. [`Scenario::to_cloudformation`],
//! [`Scenario::to_aws_cli`] and [`Scenario::to_agent_json`] export to real AWS, with notes from
//! [`Scenario::limit_notes`] and, after a run, [`Findings::from_simulation`].
//!
//! # What the engine runs today
//!
//! Every connection the editor accepts runs: several data streams with their producers, consumer applications
//! (which may write their results on to another stream or a delivery stream), Kinesis Agents, Analytics
//! applications (whose output goes to a stream, a delivery stream or a destination) and Firehose delivery
//! streams (reading a stream, or Direct PUT from producers, agents, consumers and Analytics applications).
//! [`Scenario::to_sim_config`] maps those and returns a [`NodeMap`] from each node to its engine entity.
//! On-demand streams run on-demand (4 shards at first, scaling with their peak), and scheduled stream changes
//! (UpdateShardCount, SplitShard, MergeShards, a retention change, a capacity-mode switch) fire through the
//! service's own operations at their time. [`Scenario::not_simulated`] lists unconnected nodes, with their ids.
//!
//! # Features
//!
//! `pipelines` (Kinesis Agents, Firehose, Analytics, destinations) and `video` (Video Streams), both default:
//! without one ([`PIPELINES`], [`VIDEO`]) its nodes still decode and encode alike, but are not edited, checked
//! or converted: [`Node::set_param`] and [`Scenario::to_sim_config`] refuse them, naming each.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(test)]
extern crate std;

mod convert;
mod export;
mod link;
pub mod model;
mod node_map;
mod params;
mod pipeline;
mod presets;
mod v1;
mod v2;
mod v3;
mod v4;

pub use export::Findings;
pub use link::{
    FILE_BYTES_MAX, FileError, LINK_CHARS_FILE_INSTEAD, LINK_CHARS_MAX, LINK_CHARS_WARN, LINK_DECODED_BYTES_MAX,
    LinkError, decode_current_link, decode_link, decode_link_unchecked, encode_binary, encode_link, preset_link,
};
pub use node_map::{Entity, NodeMap, NotSimulated};
pub use params::{Param, ParamKind};
pub use pipeline::ConnectError;
pub use pipeline::{Edge, Node, NodeId, NodeKind, Pipeline};
pub use presets::{Preset, preset, preset_ids, presets};

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use model::{ConsumerParams, ConsumerStyle, ProducerParams, RateShape, StreamParams};
use serde::{Deserialize, Serialize};
use shardlab_engine::limits::{RETENTION_HOURS_MAX, RETENTION_HOURS_MIN, SIM_SHARDS_MAX};

/// Nodes a scenario may have: more would not fit a canvas a learner can read.
pub const NODES_MAX: usize = 100;
/// Connections a scenario may have.
pub const EDGES_MAX: usize = 400;
/// Scheduled events a scenario may have.
pub const SCHEDULED_MAX: usize = 1_000;

/// The latest simulated time a scenario names (a scheduled event, a consumer's start, a shared run's time): two
/// simulated days, so records can outlive the shortest retention period (24 hours) within a run.
pub const TIME_MS_MAX: u64 = 2 * 86_400_000;

/// The scenario format this crate writes. Format 1 is the first release; every earlier format still opens.
/// Format 4 appended the resharding, retention and capacity-mode [`Action`]s to format 3's and gave consumers
/// `deduplicate_by`. Format 5 appended the Kinesis Video Streams node kinds (video stream, camera, video
/// consumer) to [`NodeKind`] and [`Action::DropCameraConnection`] to the actions; both only append, so format 4
/// files and links decode as they are.
pub const FORMAT_VERSION: u32 = 5;

/// Whether this build edits, checks and converts Kinesis Agents, Firehose delivery streams, Analytics
/// applications and destinations (the default `pipelines` feature). The page's lite module leaves it out (it
/// hands every scenario with them to the full module first): their data still decodes and encodes alike, but
/// [`Node::set_param`], [`Scenario::validate`] and so [`Scenario::to_sim_config`] refuse them, naming each one,
/// rather than treat them differently.
pub const PIPELINES: bool = cfg!(feature = "pipelines");

/// Whether this build edits, checks and converts video streams, cameras and video consumers (the default
/// `video` feature); without it they are refused as without [`PIPELINES`].
pub const VIDEO: bool = cfg!(feature = "video");

impl NodeKind {
    /// The feature of this crate that nodes of this kind need and this build leaves out, if any
    /// (`"pipelines"` or `"video"`).
    pub fn left_out_feature(&self) -> Option<&'static str> {
        match self {
            Self::Producer(_) | Self::DataStream(_) | Self::Consumer(_) => None,
            Self::KinesisAgent(_) | Self::Firehose(_) | Self::Analytics(_) | Self::Destination(_) => {
                (!PIPELINES).then_some("pipelines")
            }
            Self::VideoStream(_) | Self::Camera(_) | Self::VideoConsumer(_) => (!VIDEO).then_some("video"),
        }
    }
}

/// Why this build refuses node `name` of `kind`, which needs the left-out `feature`.
pub(crate) fn left_out(kind: &NodeKind, name: &str, feature: &str) -> String {
    format!("'{name}' is {}, which this build leaves out (the scenario crate's `{feature}` feature)", kind.noun())
}

/// A whole scenario: what runs, how it is seeded, what happens when, and how it is laid out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The format version it was written in ([`FORMAT_VERSION`] once loaded).
    pub format_version: u32,
    /// The engine that saved it: [`engine_stamp`], the crate version with the behaviour version as semver
    /// build metadata (`0.1.0+behaviour.1`); replays are identical under the same behaviour version.
    /// Scenarios saved before behaviour versions were recorded hold the crate version alone.
    #[serde(default = "engine_stamp")]
    pub engine_version: String,
    /// A title for people.
    #[serde(default = "untitled")]
    pub name: String,
    /// What it shows.
    #[serde(default)]
    pub description: String,
    /// The seed of every random draw.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The components and connections.
    #[serde(default)]
    pub pipeline: Pipeline,
    /// Events at set simulated times.
    #[serde(default)]
    pub scheduled: Vec<ScheduledEvent>,
    /// Layout only: never changes what runs.
    #[serde(default)]
    pub view: View,
}

/// An event at a simulated time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledEvent {
    /// When, in simulated milliseconds.
    pub at_ms: u64,
    /// What happens.
    pub action: Action,
}

/// What a scheduled event does. A new variant needs a new format version (links encode the variant's index):
/// append it, so that older links, whose indices stay the same, keep decoding.
///
/// The stream events fire through the service's own operation at their time, so AWS's rules apply then (the
/// stream must be ACTIVE, half-to-double, 10 scalings per rolling 24 hours, two mode switches per 24 hours,
/// provisioned-only operations); a refusal is reported with AWS's error, and the run goes on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// A producer's rate from then on (0 pauses it).
    SetProducerRate {
        /// The producer.
        producer: NodeId,
        /// The new rate.
        records_per_sec: u32,
    },
    /// A Kinesis Agent restarts and resumes from its checkpoint.
    RestartAgent {
        /// The agent.
        agent: NodeId,
    },
    /// A worker joins a KCL application.
    AddWorker {
        /// The application.
        consumer: NodeId,
    },
    /// A worker of a KCL application crashes.
    CrashWorker {
        /// The application.
        consumer: NodeId,
        /// The worker's id (from 0).
        worker: u32,
    },
    /// UpdateShardCount (`UNIFORM_SCALING`) to this many shards.
    UpdateShardCount {
        /// The stream.
        stream: NodeId,
        /// The target shard count.
        target_shards: u32,
    },
    /// A Firehose delivery stream's destination goes down: every delivery attempt fails for a while.
    DestinationOutage {
        /// The delivery stream.
        firehose: NodeId,
        /// How long, from then.
        duration_ms: u64,
    },
    /// A Firehose delivery stream's destination slows down: each attempt takes longer for a while.
    DestinationSlowdown {
        /// The delivery stream.
        firehose: NodeId,
        /// Extra latency per delivery attempt.
        delay_ms: u64,
        /// How long, from then.
        duration_ms: u64,
    },
    /// SplitShard of an open shard at the midpoint of its hash key range.
    SplitShard {
        /// The stream.
        stream: NodeId,
        /// The number in the shard's id (`shardId-000000000003` is 3).
        shard: u32,
    },
    /// MergeShards of an open shard with the adjacent open shard whose range starts right after its own.
    MergeShards {
        /// The stream.
        stream: NodeId,
        /// The number in the first shard's id.
        shard: u32,
        /// The number in the adjacent shard's id.
        adjacent_shard: u32,
    },
    /// IncreaseStreamRetentionPeriod or DecreaseStreamRetentionPeriod to this many hours.
    SetRetention {
        /// The stream.
        stream: NodeId,
        /// The new retention period, 24 to 8,760 hours (365 days).
        hours: u32,
    },
    /// UpdateStreamMode to this capacity mode.
    SwitchCapacityMode {
        /// The stream.
        stream: NodeId,
        /// The new mode.
        mode: model::CapacityMode,
    },
    /// A camera's network drops its PutMedia connection for a while (format 5).
    DropCameraConnection {
        /// The camera.
        camera: NodeId,
        /// How long, from then.
        duration_ms: u64,
    },
}

impl Action {
    /// The node the action is about.
    pub fn node(&self) -> NodeId {
        match *self {
            Self::SetProducerRate { producer, .. } => producer,
            Self::RestartAgent { agent } => agent,
            Self::AddWorker { consumer } | Self::CrashWorker { consumer, .. } => consumer,
            Self::UpdateShardCount { stream, .. }
            | Self::SplitShard { stream, .. }
            | Self::MergeShards { stream, .. }
            | Self::SetRetention { stream, .. }
            | Self::SwitchCapacityMode { stream, .. } => stream,
            Self::DestinationOutage { firehose, .. } | Self::DestinationSlowdown { firehose, .. } => firehose,
            Self::DropCameraConnection { camera, .. } => camera,
        }
    }
}

/// Where a node is drawn, in canvas pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodePosition {
    /// The node.
    pub node: NodeId,
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
}

/// The layout, kept apart from the semantics: changing it never changes a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct View {
    /// Node positions; a node without one is placed by the editor.
    pub positions: Vec<NodePosition>,
    /// The canvas's horizontal scroll, in pixels.
    pub pan_x: i32,
    /// The canvas's vertical scroll, in pixels.
    pub pan_y: i32,
    /// The canvas's zoom, 10 to 400 %.
    pub zoom_percent: u32,
    /// The simulated time the sharer had reached, in ms: a page opening the link may run to it.
    pub time_ms: u64,
}

impl Default for View {
    fn default() -> Self {
        Self { positions: Vec::new(), pan_x: 0, pan_y: 0, zoom_percent: 100, time_ms: 0 }
    }
}

impl View {
    /// Where `node` is drawn, if placed.
    pub fn position(&self, node: NodeId) -> Option<(i32, i32)> {
        self.positions.iter().find(|p| p.node == node).map(|p| (p.x, p.y))
    }

    /// Places `node` at (x, y).
    pub fn set_position(&mut self, node: NodeId, x: i32, y: i32) {
        match self.positions.iter_mut().find(|p| p.node == node) {
            Some(p) => (p.x, p.y) = (x, y),
            None => self.positions.push(NodePosition { node, x, y }),
        }
    }
}

/// One problem with a scenario: where, and what is wrong and allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The field's path, such as `pipeline.nodes[2].params.shard_count`.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The column a new node of this kind is placed in.
fn column(kind: &NodeKind) -> i32 {
    match kind {
        NodeKind::Producer(_) | NodeKind::KinesisAgent(_) => 0,
        NodeKind::DataStream(_) => 1,
        NodeKind::Consumer(_) | NodeKind::Firehose(_) | NodeKind::Analytics(_) => 2,
        NodeKind::Destination(_) => 3,
        NodeKind::Camera(_) => 0,
        NodeKind::VideoStream(_) => 1,
        NodeKind::VideoConsumer(_) => 2,
    }
}

/// What a scenario records as its engine: the crate version, with the behaviour version
/// ([`shardlab_engine::BEHAVIOUR_VERSION`]) as semver build metadata, such as `0.1.0+behaviour.1`.
/// Kept in the `engine_version` string, so recording it changed no serialized type and no format version.
pub fn engine_stamp() -> String {
    format!("{}{BEHAVIOUR_MARK}{}", shardlab_engine::VERSION, shardlab_engine::BEHAVIOUR_VERSION)
}

/// A hand-written scenario's name when it has none.
fn untitled() -> String {
    "Untitled".into()
}

/// A hand-written scenario's seed when it has none (the page's default).
const fn default_seed() -> u64 {
    42
}

/// What separates the crate version from the behaviour version in [`Scenario::engine_version`].
const BEHAVIOUR_MARK: &str = "+behaviour.";

impl Scenario {
    /// The behaviour version of the engine that saved it, or `None` if it was saved before they were recorded.
    pub fn behaviour_version(&self) -> Option<u32> {
        self.engine_version.rsplit_once(BEHAVIOUR_MARK).and_then(|(_, v)| v.parse().ok())
    }

    /// An empty scenario: no nodes, seed 42.
    pub fn empty() -> Self {
        Self {
            format_version: FORMAT_VERSION,
            engine_version: engine_stamp(),
            name: untitled(),
            description: String::new(),
            seed: default_seed(),
            pipeline: Pipeline::default(),
            scheduled: Vec::new(),
            view: View::default(),
        }
    }

    /// Adds a node (see [`Pipeline::add_node`]) and places it in its column below the others.
    pub fn add_node(&mut self, kind: NodeKind) -> NodeId {
        let col = column(&kind);
        let below = self.pipeline.nodes.iter().filter(|n| column(&n.kind) == col).count() as i32;
        let id = self.pipeline.add_node(kind);
        self.view.set_position(id, 40 + 240 * col, 40 + 140 * below);
        id
    }

    /// Removes a node, its edges, its position and the scheduled events about it.
    pub fn remove_node(&mut self, id: NodeId) -> Option<Node> {
        let node = self.pipeline.remove_node(id)?;
        self.view.positions.retain(|p| p.node != id);
        self.scheduled.retain(|e| e.action.node() != id);
        Some(node)
    }

    /// Every problem at once: node parameters, connections and scheduled events. A build without the
    /// `pipelines` or `video` feature checks everything but the parameters of the nodes it leaves out (so that
    /// their links still open, to be handed to a full build, which checks them); [`Self::to_sim_config`]
    /// refuses those nodes ([`Self::left_out_problems`]).
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        if self.format_version == 0 || self.format_version > FORMAT_VERSION {
            problems.push(Problem::new(
                "format_version",
                format!("format {} is not known; this version reads 1 to {FORMAT_VERSION}", self.format_version),
            ));
        }
        if self.name.chars().count() > 200 {
            problems.push(Problem::new("name", "a scenario's name has at most 200 characters"));
        }
        if self.description.chars().count() > 5_000 {
            problems.push(Problem::new("description", "a description has at most 5,000 characters"));
        }
        if self.engine_version.len() > 64 {
            problems.push(Problem::new("engine_version", "an engine version has at most 64 characters"));
        }
        if !(10..=400).contains(&self.view.zoom_percent) {
            problems.push(Problem::new("view.zoom_percent", "the zoom is 10 to 400 %"));
        }
        if self.view.time_ms > TIME_MS_MAX {
            problems
                .push(Problem::new("view.time_ms", "a shared run reaches 0 to 172,800,000 ms (two simulated days)"));
        }
        let counts = [
            ("pipeline.nodes", self.pipeline.nodes.len(), NODES_MAX, "nodes"),
            ("pipeline.edges", self.pipeline.edges.len(), EDGES_MAX, "connections"),
            ("scheduled", self.scheduled.len(), SCHEDULED_MAX, "scheduled events"),
            ("view.positions", self.view.positions.len(), NODES_MAX, "positions"),
        ];
        let mut too_many = false;
        for (path, count, max, what) in counts {
            if count > max {
                too_many = true;
                problems.push(Problem::new(path, format!("{count} {what} is too many; a scenario has at most {max}")));
            }
        }
        let video_max = shardlab_engine::video::VIDEO_NODES_MAX;
        for (what, is) in [
            ("video streams", (|k: &NodeKind| matches!(k, NodeKind::VideoStream(_))) as fn(&NodeKind) -> bool),
            ("cameras", |k| matches!(k, NodeKind::Camera(_))),
            ("video consumers", |k| matches!(k, NodeKind::VideoConsumer(_))),
        ] {
            let count = self.pipeline.nodes.iter().filter(|n| is(&n.kind)).count();
            if count > video_max {
                problems.push(Problem::new(
                    "pipeline.nodes",
                    format!("{count} {what} is too many; a scenario runs at most {video_max}"),
                ));
            }
        }
        // The checks below compare items pairwise: skip them for a hostile file or link, so validation stays fast.
        if !too_many {
            self.node_problems(&mut problems);
            self.edge_problems(&mut problems);
            self.scheduled_problems(&mut problems);
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    fn node_problems(&self, problems: &mut Vec<Problem>) {
        for (i, node) in self.pipeline.nodes.iter().enumerate() {
            let path = format!("pipeline.nodes[{i}]");
            if self.pipeline.nodes[..i].iter().any(|n| n.id == node.id) {
                problems.push(Problem::new(
                    format!("{path}.id"),
                    format!("id {} is used twice; ids must be unique", node.id),
                ));
            }
            if let Err(why) = params::check_name(&node.kind, &node.name) {
                problems.push(Problem::new(format!("{path}.name"), why));
            } else if self.pipeline.nodes[..i].iter().any(|n| n.name == node.name) {
                problems.push(Problem::new(
                    format!("{path}.name"),
                    format!("'{}' is used twice; names must be unique", node.name),
                ));
            }
            if node.kind.left_out_feature().is_some() {
                // This build cannot check its parameters: `to_sim_config` refuses it, the full build checks them.
                continue;
            }
            for (key, why) in node.param_problems().into_iter().filter(|(key, _)| *key != "name") {
                problems.push(Problem::new(format!("{path}.params.{key}"), why));
            }
            match &node.kind {
                NodeKind::Producer(p) => producer_cross_checks(p, &path, problems),
                NodeKind::Consumer(c)
                    if c.start == model::StartPosition::AtTimestamp && c.start_timestamp_s > c.begins_at_s =>
                {
                    problems.push(Problem::new(
                        format!("{path}.params.start_timestamp_s"),
                        format!(
                            "AT_TIMESTAMP {} s is after the consumer begins reading ({} s), and GetShardIterator refuses a \
                             timestamp in the future; allowed: 0 to {} s",
                            c.start_timestamp_s, c.begins_at_s, c.begins_at_s
                        ),
                    ));
                }
                NodeKind::Analytics(a) if PIPELINES && a.start == model::StartPosition::AtTimestamp => {
                    problems.push(Problem::new(
                        format!("{path}.params.start"),
                        "an Analytics application starts at TRIM_HORIZON or LATEST (NOW); AT_TIMESTAMP is for consumers",
                    ));
                }
                NodeKind::Firehose(f) if PIPELINES => {
                    let limit = self.pipeline.targets(node.id).find_map(|t| match &t.kind {
                        NodeKind::Destination(d) => Some(match d.kind {
                            model::DestinationKind::OpenSearch => ("OpenSearch", 100),
                            model::DestinationKind::HttpEndpoint => ("an HTTP endpoint", 64),
                            _ => ("S3 or Redshift", 128),
                        }),
                        _ => None,
                    });
                    if let Some((what, max)) = limit
                        && f.buffer_size_mib > max
                    {
                        problems.push(Problem::new(
                            format!("{path}.params.buffer_size_mib"),
                            format!("{} MiB is too large for {what}; allowed: 1 to {max} MiB", f.buffer_size_mib),
                        ));
                    }
                }
                _ => {}
            }
        }
    }

    fn edge_problems(&self, problems: &mut Vec<Problem>) {
        // Replaying the edges through `connect` applies exactly the editor's rules.
        let mut replay = Pipeline { nodes: self.pipeline.nodes.clone(), edges: Vec::new() };
        for (i, edge) in self.pipeline.edges.iter().enumerate() {
            if let Err(err) = replay.connect(edge.from, edge.to) {
                problems.push(Problem::new(format!("pipeline.edges[{i}]"), err.reason));
            }
        }
    }

    fn scheduled_problems(&self, problems: &mut Vec<Problem>) {
        for (i, event) in self.scheduled.iter().enumerate() {
            let path = format!("scheduled[{i}]");
            if event.at_ms > TIME_MS_MAX {
                problems.push(Problem::new(
                    format!("{path}.at_ms"),
                    "events happen at 0 to 172,800,000 ms (two simulated days)",
                ));
            }
            let id = event.action.node();
            let Some(node) = self.pipeline.node(id) else {
                problems.push(Problem::new(format!("{path}.action"), format!("there is no node {id}")));
                continue;
            };
            let fits = match (&event.action, &node.kind) {
                (Action::SetProducerRate { records_per_sec, .. }, NodeKind::Producer(_)) => {
                    if *records_per_sec > 1_000_000 {
                        problems.push(Problem::new(
                            format!("{path}.action.records_per_sec"),
                            "allowed: 0 to 1,000,000 records/s",
                        ));
                    }
                    true
                }
                (Action::RestartAgent { .. }, NodeKind::KinesisAgent(_)) => true,
                (Action::AddWorker { .. } | Action::CrashWorker { .. }, NodeKind::Consumer(c)) => {
                    c.style == ConsumerStyle::Kcl
                }
                (Action::UpdateShardCount { target_shards, .. }, NodeKind::DataStream(_)) => {
                    if !(1..=SIM_SHARDS_MAX).contains(target_shards) {
                        problems.push(Problem::new(
                            format!("{path}.action.target_shards"),
                            format!(
                                "allowed: 1 to {} shards",
                                shardlab_engine::format::thousands(SIM_SHARDS_MAX.into())
                            ),
                        ));
                    }
                    true
                }
                (Action::SplitShard { shard, .. }, NodeKind::DataStream(s)) => {
                    self.shard_exists_problem(i, event, s, *shard, &format!("{path}.action.shard"), problems);
                    true
                }
                (Action::MergeShards { shard, adjacent_shard, .. }, NodeKind::DataStream(s)) => {
                    if shard == adjacent_shard {
                        problems.push(Problem::new(
                            format!("{path}.action.adjacent_shard"),
                            format!(
                                "a shard cannot merge with itself: name the shard whose range follows shard {shard}'s"
                            ),
                        ));
                    }
                    self.shard_exists_problem(i, event, s, *shard, &format!("{path}.action.shard"), problems);
                    let adjacent_path = format!("{path}.action.adjacent_shard");
                    self.shard_exists_problem(i, event, s, *adjacent_shard, &adjacent_path, problems);
                    true
                }
                (Action::SetRetention { hours, .. }, NodeKind::DataStream(_)) => {
                    if !(RETENTION_HOURS_MIN..=RETENTION_HOURS_MAX).contains(hours) {
                        problems.push(Problem::new(
                            format!("{path}.action.hours"),
                            "allowed: 24 to 8,760 hours (1 to 365 days), as AWS allows",
                        ));
                    }
                    true
                }
                (Action::SwitchCapacityMode { .. }, NodeKind::DataStream(_)) => true,
                (Action::DropCameraConnection { duration_ms, .. }, NodeKind::Camera(_)) => {
                    if *duration_ms > 86_400_000 {
                        let path = format!("{path}.action.duration_ms");
                        problems.push(Problem::new(path, "allowed: 0 to 86,400,000 ms (one simulated day)"));
                    }
                    true
                }
                (
                    Action::DestinationOutage { duration_ms, .. } | Action::DestinationSlowdown { duration_ms, .. },
                    NodeKind::Firehose(_),
                ) => {
                    if *duration_ms > 86_400_000 {
                        let path = format!("{path}.action.duration_ms");
                        problems.push(Problem::new(path, "allowed: 0 to 86,400,000 ms (one simulated day)"));
                    }
                    if let Action::DestinationSlowdown { delay_ms, .. } = event.action
                        && delay_ms > 600_000
                    {
                        problems.push(Problem::new(format!("{path}.action.delay_ms"), "allowed: 0 to 600,000 ms"));
                    }
                    true
                }
                _ => false,
            };
            if !fits {
                let wants = match event.action {
                    Action::SetProducerRate { .. } => "a producer",
                    Action::RestartAgent { .. } => "a Kinesis Agent",
                    Action::AddWorker { .. } | Action::CrashWorker { .. } => "a KCL consumer",
                    Action::UpdateShardCount { .. }
                    | Action::SplitShard { .. }
                    | Action::MergeShards { .. }
                    | Action::SetRetention { .. }
                    | Action::SwitchCapacityMode { .. } => "a data stream",
                    Action::DestinationOutage { .. } | Action::DestinationSlowdown { .. } => {
                        "a Firehose delivery stream"
                    }
                    Action::DropCameraConnection { .. } => "a camera",
                };
                problems.push(Problem::new(
                    format!("{path}.action"),
                    format!("this event needs {wants}, but '{}' is {}", node.name, node.kind.noun()),
                ));
            }
        }
    }
}

impl Scenario {
    /// A problem for every node this build leaves out ([`PIPELINES`], [`VIDEO`]), naming it: none in a
    /// default build. [`Self::to_sim_config`] refuses a scenario with any, rather than run it without them.
    pub fn left_out_problems(&self) -> Vec<Problem> {
        let nodes = self.pipeline.nodes.iter().enumerate();
        nodes
            .filter_map(|(i, node)| {
                let feature = node.kind.left_out_feature()?;
                Some(Problem::new(format!("pipeline.nodes[{i}]"), left_out(&node.kind, &node.name, feature)))
            })
            .collect()
    }

    /// A problem when scheduled event `index` names a shard its stream cannot have when it fires: a stream
    /// created with `n` provisioned shards has shards 0 to `n - 1` until something reshards it, so a shard
    /// number beyond them is wrong unless a reshard or mode switch of that stream is scheduled no later.
    /// (Whether the shard is still open when the event fires is the service's to say, with AWS's error.)
    fn shard_exists_problem(
        &self,
        index: usize,
        event: &ScheduledEvent,
        stream: &StreamParams,
        shard: u32,
        path: &str,
        problems: &mut Vec<Problem>,
    ) {
        let created = match stream.capacity_mode {
            model::CapacityMode::Provisioned => stream.shard_count,
            model::CapacityMode::OnDemand => shardlab_engine::limits::ON_DEMAND_INITIAL_SHARDS,
        };
        let stream_id = event.action.node();
        let resharded_before = self.scheduled.iter().enumerate().any(|(j, other)| {
            j != index
                && other.at_ms <= event.at_ms
                && other.action.node() == stream_id
                && matches!(
                    other.action,
                    Action::UpdateShardCount { .. }
                        | Action::SplitShard { .. }
                        | Action::MergeShards { .. }
                        | Action::SwitchCapacityMode { .. }
                )
        });
        if shard >= created && !resharded_before {
            problems.push(Problem::new(
                path,
                format!(
                    "shard {shard} does not exist then: the stream starts with shards 0 to {} and nothing reshards \
                     it before this event",
                    created.saturating_sub(1)
                ),
            ));
        }
    }
}

/// Checks across a producer's fields: the largest record plus its key within 1 MiB, and a shaped rate's
/// peak within the simulator's bound.
fn producer_cross_checks(p: &ProducerParams, path: &str, problems: &mut Vec<Problem>) {
    let largest = if p.large_record_percent > 0 { p.record_bytes.max(p.large_record_bytes) } else { p.record_bytes };
    // `user-<n>` keys, a 36-character UUID, or `ehk`.
    let key_bytes = match p.key_distribution {
        model::KeyDistribution::RandomUuid => 36,
        model::KeyDistribution::ExplicitHashKey => 3,
        _ => 5 + p.distinct_keys.saturating_sub(1).max(1).ilog10() + 1,
    };
    if u64::from(largest) + u64::from(key_bytes) > 1_048_576 {
        problems.push(Problem::new(
            format!("{path}.params.record_bytes"),
            format!(
                "records of {largest} bytes plus {key_bytes}-byte partition keys exceed 1,048,576 bytes (1 MiB); \
                 allowed data: up to {} bytes",
                1_048_576 - key_bytes
            ),
        ));
    }
    if p.rate_shape == RateShape::Sine && p.second_rate_records_per_sec > p.records_per_sec {
        problems.push(Problem::new(
            format!("{path}.params.second_rate_records_per_sec"),
            "a sine's swing cannot exceed its mean rate (rates do not go below 0)",
        ));
    }
}

impl Default for Scenario {
    /// The first-minute scenario: 1,500 records/s of 1 KiB from one producer into 2 shards (75 % of their
    /// write limits, no throttling), read by one polling consumer.
    fn default() -> Self {
        let mut scenario = Self::empty();
        scenario.name = "First minute".into();
        scenario.description = "A producer writes 1,500 records/s of 1 KiB over 1,000 partition keys to a stream of \
            2 shards, each good for 1,000 records/s and 1 MiB/s. Both shards run at about 75 % of their write \
            limits, and a polling consumer reads every second. Raise the rate above 2,000 records/s to see \
            throttling."
            .into();
        let producer = scenario
            .add_node(NodeKind::Producer(ProducerParams { records_per_sec: 1_500, ..ProducerParams::default() }));
        let stream = scenario.add_node(NodeKind::DataStream(StreamParams::default()));
        let consumer = scenario.add_node(NodeKind::Consumer(ConsumerParams::default()));
        for node in &mut scenario.pipeline.nodes {
            node.name = match node.kind {
                NodeKind::Producer(_) => "web-shop",
                NodeKind::DataStream(_) => "clickstream",
                _ => "analytics-reader",
            }
            .into();
        }
        // The three nodes exist and these are the editor's own allowed connections.
        let wired = scenario.pipeline.connect(producer, stream).and(scenario.pipeline.connect(stream, consumer));
        debug_assert!(wired.is_ok(), "{wired:?}");
        scenario
    }
}

#[cfg(test)]
mod tests;
