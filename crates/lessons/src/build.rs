//! From a [`ScenarioSpec`] to a [`Scenario`], with the editor's own operations.

use crate::format::{ScenarioSpec, ScheduledSpec};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::Value;
use shardlab_scenario::{Action, NodeId, NodeKind, Scenario, ScheduledEvent, preset};

/// A parameter value as the inspector's text.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn kind(name: &str) -> Option<NodeKind> {
    Some(match name {
        "producer" => NodeKind::producer(),
        "data_stream" => NodeKind::data_stream(),
        "consumer" => NodeKind::consumer(),
        "kinesis_agent" => NodeKind::kinesis_agent(),
        "firehose" => NodeKind::firehose(),
        "analytics" => NodeKind::analytics(),
        "destination" => NodeKind::destination(),
        "video_stream" => NodeKind::video_stream(),
        "camera" => NodeKind::camera(),
        "video_consumer" => NodeKind::video_consumer(),
        _ => return None,
    })
}

/// The node kind words a lesson file may use.
pub(crate) const KIND_WORDS: [&str; 10] = [
    "producer",
    "data_stream",
    "consumer",
    "kinesis_agent",
    "firehose",
    "analytics",
    "destination",
    "video_stream",
    "camera",
    "video_consumer",
];

/// Whether `node` is of the kind named `word`.
pub(crate) fn is_kind(kind: &NodeKind, word: &str) -> bool {
    matches!(
        (kind, word),
        (NodeKind::Producer(_), "producer")
            | (NodeKind::DataStream(_), "data_stream")
            | (NodeKind::Consumer(_), "consumer")
            | (NodeKind::KinesisAgent(_), "kinesis_agent")
            | (NodeKind::Firehose(_), "firehose")
            | (NodeKind::Analytics(_), "analytics")
            | (NodeKind::Destination(_), "destination")
            | (NodeKind::VideoStream(_), "video_stream")
            | (NodeKind::Camera(_), "camera")
            | (NodeKind::VideoConsumer(_), "video_consumer")
    )
}

fn id_of(scenario: &Scenario, name: &str) -> Result<NodeId, String> {
    scenario
        .pipeline
        .nodes
        .iter()
        .find(|n| n.name == name)
        .map(|n| n.id)
        .ok_or_else(|| format!("there is no node '{name}'"))
}

/// Sets parameters in passes, because some keys appear only after a choice (a KPL client shows the
/// KPL's settings): a key refused in one pass is tried again after the others.
fn set_params(scenario: &mut Scenario, edits: Vec<(NodeId, String, String)>) -> Result<(), String> {
    let mut pending = edits;
    loop {
        let before = pending.len();
        let mut refused = Vec::new();
        let mut first_error = None;
        for (id, key, value) in pending {
            let Some(node) = scenario.pipeline.node_mut(id) else {
                return Err(format!("there is no node {id}"));
            };
            if let Err(why) = node.set_param(&key, &value) {
                first_error.get_or_insert_with(|| format!("'{}'.{key} = '{value}': {why}", node.name));
                refused.push((id, key, value));
            }
        }
        match first_error {
            None => return Ok(()),
            // No edit went through in this pass, so another pass would not reveal the key either.
            Some(error) if refused.len() == before => return Err(error),
            Some(_) => pending = refused,
        }
    }
}

fn action(scenario: &Scenario, spec: &ScheduledSpec) -> Result<Action, String> {
    let node = id_of(scenario, &spec.node)?;
    Ok(match spec.action.as_str() {
        "set_producer_rate" => Action::SetProducerRate { producer: node, records_per_sec: spec.records_per_sec },
        "restart_agent" => Action::RestartAgent { agent: node },
        "add_worker" => Action::AddWorker { consumer: node },
        "crash_worker" => Action::CrashWorker { consumer: node, worker: spec.worker },
        "update_shard_count" => Action::UpdateShardCount { stream: node, target_shards: spec.target_shards },
        other => return Err(format!("'{other}' is not a scheduled action")),
    })
}

/// Applies `spec` to `scenario`: preset (only on an empty base), nodes, connections, edits, removals,
/// scheduled events. Says what failed, in plain English.
pub(crate) fn apply(scenario: &mut Scenario, spec: &ScenarioSpec) -> Result<(), String> {
    if let Some(id) = &spec.preset {
        let preset = preset(id).ok_or_else(|| format!("there is no preset '{id}'"))?;
        let seed = scenario.seed;
        *scenario = preset.scenario();
        scenario.seed = seed;
    }
    let mut edits = Vec::new();
    for node in &spec.nodes {
        let kind = kind(&node.kind)
            .ok_or_else(|| format!("'{}' is not a node kind; kinds: {}", node.kind, KIND_WORDS.join(", ")))?;
        if scenario.pipeline.nodes.iter().any(|n| n.name == node.name) {
            return Err(format!("there is already a node '{}'", node.name));
        }
        let id = scenario.add_node(kind);
        if let Some(added) = scenario.pipeline.node_mut(id) {
            added.name.clone_from(&node.name);
        }
        edits.extend(node.params.iter().map(|(key, value)| (id, key.clone(), text(value))));
    }
    for edit in &spec.edits {
        edits.push((id_of(scenario, &edit.node)?, edit.key.clone(), text(&edit.value)));
    }
    set_params(scenario, edits)?;
    for [from, to] in &spec.connect {
        let (a, b) = (id_of(scenario, from)?, id_of(scenario, to)?);
        scenario.pipeline.connect(a, b).map_err(|err| format!("'{from}' -> '{to}': {err}"))?;
    }
    for name in &spec.remove {
        let id = id_of(scenario, name)?;
        scenario.remove_node(id);
    }
    for event in &spec.scheduled {
        let action = action(scenario, event)?;
        scenario.scheduled.push(ScheduledEvent { at_ms: event.at_ms, action });
    }
    Ok(())
}
