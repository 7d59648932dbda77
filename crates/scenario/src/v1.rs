//! Format 1, frozen: the types whose layout changed in format 2, exactly as format 1 wrote them, and the
//! migration to the current model. Types that did not change are shared with the current model; when one of
//! them changes in a later format, copy its format-1 shape here first.
//!
//! Format 2 added to the stream its throttling fault and put-to-get delays, and to the view the pan, zoom and
//! shared time; format-1 scenarios get the defaults.

use crate::model::{
    AgentParams, AnalyticsParams, CapacityMode, ConsumerParams, DestinationParams, FirehoseParams, ProducerParams,
    StreamParams,
};
use crate::{Action, Edge, NodeId, NodePosition};
use alloc::string::String;
use alloc::vec::Vec;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Scenario {
    format_version: u32,
    engine_version: String,
    name: String,
    description: String,
    seed: u64,
    pipeline: Pipeline,
    scheduled: Vec<ScheduledEvent>,
    view: View,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pipeline {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Node {
    id: NodeId,
    name: String,
    kind: NodeKind,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum NodeKind {
    Producer(ProducerParams),
    DataStream(Stream),
    Consumer(ConsumerParams),
    KinesisAgent(AgentParams),
    Firehose(FirehoseParams),
    Analytics(AnalyticsParams),
    Destination(DestinationParams),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Stream {
    capacity_mode: CapacityMode,
    shard_count: u32,
    retention_hours: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduledEvent {
    at_ms: u64,
    action: Action,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct View {
    positions: Vec<NodePosition>,
}

impl From<Scenario> for crate::Scenario {
    fn from(old: Scenario) -> Self {
        let nodes = old.pipeline.nodes.into_iter().map(|n| crate::Node { id: n.id, name: n.name, kind: n.kind.into() });
        Self {
            format_version: old.format_version,
            engine_version: old.engine_version,
            name: old.name,
            description: old.description,
            seed: old.seed,
            pipeline: crate::Pipeline { nodes: nodes.collect(), edges: old.pipeline.edges },
            scheduled: old
                .scheduled
                .into_iter()
                .map(|e| crate::ScheduledEvent { at_ms: e.at_ms, action: e.action })
                .collect(),
            view: crate::View { positions: old.view.positions, ..crate::View::default() },
        }
    }
}

impl From<NodeKind> for crate::NodeKind {
    fn from(old: NodeKind) -> Self {
        match old {
            NodeKind::Producer(p) => Self::Producer(p),
            NodeKind::DataStream(s) => Self::DataStream(StreamParams {
                capacity_mode: s.capacity_mode,
                shard_count: s.shard_count,
                retention_hours: s.retention_hours,
                ..StreamParams::default()
            }),
            NodeKind::Consumer(c) => Self::Consumer(c),
            NodeKind::KinesisAgent(a) => Self::KinesisAgent(a),
            NodeKind::Firehose(f) => Self::Firehose(f),
            NodeKind::Analytics(a) => Self::Analytics(a),
            NodeKind::Destination(d) => Self::Destination(d),
        }
    }
}
