//! Format 1, frozen: the types whose layout changed in format 2, exactly as format 1 wrote them, and the
//! migration to the current model. Types that did not change are shared with the current model; when one of
//! them changes in a later format, copy its format-1 shape here first. (Enum variants appended later, such as
//! format 2's scheduled actions, do not change how format-1 data decodes.)
//!
//! Format 2 added to the stream its throttling fault and put-to-get delays, and to the view the pan, zoom and
//! shared time. Format 3 made the Firehose transform a program (formats 1 and 2 had a choice of ready
//! transforms and a failure percentage, which becomes `fail if bucket < N`) with the newline processor apart
//! and a retry duration, and gave Analytics applications a starting position: the shapes
//! below serve format 2 too (`v2.rs`). Older scenarios get the defaults.

use crate::model::{
    AgentParams, AnalyticsDialect, AnalyticsParams, CapacityMode, Compression, DestinationParams, FirehoseParams,
    FirehoseTransform, ProducerParams, StreamParams, YesNo,
};
use crate::{Action, Edge, NodeId, NodePosition};
use alloc::format;
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
    Consumer(crate::v3::ConsumerParams),
    KinesisAgent(AgentParams),
    Firehose(Firehose),
    Analytics(Analytics),
    Destination(DestinationParams),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Firehose {
    buffer_size_mib: u32,
    buffer_interval_s: u32,
    transform: Transform,
    transform_failure_percent: u8,
    compression: Compression,
    s3_prefix: String,
}

#[derive(Clone, Copy, Deserialize)]
enum Transform {
    #[serde(rename = "none")]
    None,
    #[serde(rename = "append_newline")]
    AppendNewline,
    #[serde(rename = "lambda_json_to_csv")]
    LambdaJsonToCsv,
    #[serde(rename = "lambda_filter")]
    LambdaFilter,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Analytics {
    dialect: AnalyticsDialect,
    sql: String,
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
            NodeKind::Consumer(c) => Self::Consumer(c.into()),
            NodeKind::KinesisAgent(a) => Self::KinesisAgent(a),
            NodeKind::Firehose(f) => Self::Firehose(f.into()),
            NodeKind::Analytics(a) => Self::Analytics(a.into()),
            NodeKind::Destination(d) => Self::Destination(d),
        }
    }
}

impl From<Firehose> for FirehoseParams {
    fn from(f: Firehose) -> Self {
        let program = match f.transform {
            Transform::None | Transform::AppendNewline => FirehoseTransform::None,
            Transform::LambdaJsonToCsv => FirehoseTransform::JsonToCsv,
            Transform::LambdaFilter => FirehoseTransform::KeepPurchases,
        };
        let newline = matches!(f.transform, Transform::AppendNewline);
        // A Lambda transform's failure share becomes `fail if bucket < N`: a steady N % of the records.
        let lambda = matches!(f.transform, Transform::LambdaJsonToCsv | Transform::LambdaFilter);
        let mut transform_program = String::new();
        if lambda && f.transform_failure_percent > 0 {
            transform_program = format!("fail if bucket < {}\n", f.transform_failure_percent.min(100));
        }
        transform_program.push_str(program.program());
        Self {
            buffer_size_mib: f.buffer_size_mib,
            buffer_interval_s: f.buffer_interval_s,
            transform_program,
            append_newline: if newline { YesNo::Yes } else { YesNo::No },
            compression: f.compression,
            s3_prefix: f.s3_prefix,
            ..Self::default()
        }
    }
}

impl From<Analytics> for AnalyticsParams {
    fn from(a: Analytics) -> Self {
        Self { dialect: a.dialect, sql: a.sql, ..Self::default() }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::YesNo;
    use crate::{NodeKind, Scenario};
    use alloc::format;

    /// A format-1 file with one Firehose delivery stream using `transform`, and one Analytics application.
    fn file(transform: &str) -> alloc::string::String {
        format!(
            r#"{{"format_version": 1, "engine_version": "0.1.0", "name": "n", "description": "", "seed": 1,
            "pipeline": {{"nodes": [
              {{"id": 1, "name": "f", "kind": {{"firehose": {{"buffer_size_mib": 7, "buffer_interval_s": 60,
                "transform": "{transform}", "transform_failure_percent": 5, "compression": "GZIP", "s3_prefix": "p/"}}}}}},
              {{"id": 2, "name": "a", "kind": {{"analytics": {{"dialect": "flink_sql", "sql": "SELECT 1"}}}}}}],
              "edges": []}},
            "scheduled": [], "view": {{"positions": []}}}}"#
        )
    }

    #[test]
    fn format_1_transforms_become_programs() {
        for (old, program, newline) in [
            ("none", "", YesNo::No),
            ("append_newline", "", YesNo::Yes),
            ("lambda_json_to_csv", "fail if bucket < 5\ncsv .ts, .user_id, .event_type, .amount", YesNo::No),
            ("lambda_filter", "fail if bucket < 5\nkeep if .event_type == \"purchase\"", YesNo::No),
        ] {
            let s = Scenario::from_json(&file(old)).unwrap();
            let NodeKind::Firehose(f) = &s.pipeline.nodes[0].kind else { panic!("node 0 is the Firehose") };
            assert_eq!((f.transform_program.as_str(), f.append_newline), (program, newline), "{old}");
            assert_eq!((f.buffer_size_mib, f.buffer_interval_s, f.s3_prefix.as_str()), (7, 60, "p/"));
            assert_eq!(f.retry_duration_s, 300, "the default");
            let NodeKind::Analytics(a) = &s.pipeline.nodes[1].kind else { panic!("node 1 is the application") };
            assert_eq!((a.sql.as_str(), a.start), ("SELECT 1", crate::model::StartPosition::Latest));
        }
        assert!(Scenario::from_json(&file("lambda_magic")).is_err());
    }
}
