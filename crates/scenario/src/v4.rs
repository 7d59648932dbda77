//! Format 4, frozen: the types whose layout changed in format 5, and the migration to the current model.
//! Format 5 gave consumers `begins_at_s` and `start_timestamp_s` (a reader that begins later, `AT_TIMESTAMP`)
//! and added the video nodes; format 4 consumers begin at once, as they always did.

use crate::model::{
    AgentParams, AnalyticsParams, ConsumerStyle, DeduplicateBy, DestinationParams, FirehoseParams, ProducerParams,
    StartPosition, StreamParams, YesNo,
};
use crate::{Edge, NodeId, ScheduledEvent, View};
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
    Consumer(ConsumerParams),
    KinesisAgent(AgentParams),
    Firehose(FirehoseParams),
    Analytics(AnalyticsParams),
    Destination(DestinationParams),
}

/// A consumer as format 4 wrote it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsumerParams {
    style: ConsumerStyle,
    start: StartPosition,
    processing_us_per_record: u32,
    poll_interval_ms: u32,
    get_records_limit: u32,
    kcl_workers: u32,
    kcl_checkpoint_every_records: u32,
    kcl_checkpoint_interval_ms: u32,
    kcl_failover_ms: u32,
    lambda_batch_size: u32,
    lambda_batching_window_s: u32,
    lambda_parallelization_factor: u32,
    lambda_bisect_on_error: YesNo,
    lambda_max_retry_attempts: u32,
    lambda_error_percent: u8,
    lambda_duration_ms: u32,
    deduplicate_by: DeduplicateBy,
}

impl From<ConsumerParams> for crate::model::ConsumerParams {
    fn from(old: ConsumerParams) -> Self {
        Self {
            style: old.style,
            start: old.start,
            processing_us_per_record: old.processing_us_per_record,
            poll_interval_ms: old.poll_interval_ms,
            get_records_limit: old.get_records_limit,
            kcl_workers: old.kcl_workers,
            kcl_checkpoint_every_records: old.kcl_checkpoint_every_records,
            kcl_checkpoint_interval_ms: old.kcl_checkpoint_interval_ms,
            kcl_failover_ms: old.kcl_failover_ms,
            lambda_batch_size: old.lambda_batch_size,
            lambda_batching_window_s: old.lambda_batching_window_s,
            lambda_parallelization_factor: old.lambda_parallelization_factor,
            lambda_bisect_on_error: old.lambda_bisect_on_error,
            lambda_max_retry_attempts: old.lambda_max_retry_attempts,
            lambda_error_percent: old.lambda_error_percent,
            lambda_duration_ms: old.lambda_duration_ms,
            deduplicate_by: old.deduplicate_by,
            ..Self::default()
        }
    }
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
            scheduled: old.scheduled,
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
            NodeKind::Firehose(f) => Self::Firehose(f),
            NodeKind::Analytics(a) => Self::Analytics(a),
            NodeKind::Destination(d) => Self::Destination(d),
        }
    }
}
