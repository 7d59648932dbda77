//! Format 2, frozen: the types whose layout changed in format 3, and the migration to the current model.
//! Format 2's stream and view are today's; its Firehose delivery streams and Analytics applications have
//! format 1's shapes (see `v1.rs`).

use crate::model::{AgentParams, DestinationParams, ProducerParams, StreamParams};
use crate::v1::{Analytics, Firehose};
use crate::{Action, Edge, NodeId, View};
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
    DataStream(StreamParams),
    Consumer(crate::v3::ConsumerParams),
    KinesisAgent(AgentParams),
    Firehose(Firehose),
    Analytics(Analytics),
    Destination(DestinationParams),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduledEvent {
    at_ms: u64,
    action: Action,
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
            view: old.view,
        }
    }
}

impl From<NodeKind> for crate::NodeKind {
    fn from(old: NodeKind) -> Self {
        match old {
            NodeKind::Producer(p) => Self::Producer(p),
            NodeKind::DataStream(s) => Self::DataStream(s),
            NodeKind::Consumer(c) => Self::Consumer(c.into()),
            NodeKind::KinesisAgent(a) => Self::KinesisAgent(a),
            NodeKind::Firehose(f) => Self::Firehose(f.into()),
            NodeKind::Analytics(a) => Self::Analytics(a.into()),
            NodeKind::Destination(d) => Self::Destination(d),
        }
    }
}
