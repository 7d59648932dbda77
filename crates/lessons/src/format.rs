//! The lesson format: what one JSON file in `content/` holds.

use crate::check::Check;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Deserialize;
use serde_json::{Map, Value};

/// One lesson of the course.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// A stable id for links and saved progress (`shards-and-write-limits`).
    pub id: String,
    /// The title in the course outline.
    pub title: String,
    /// Its place in the course, from 1.
    pub order: u32,
    /// A few short paragraphs, with the AWS numbers.
    pub narrative: Vec<String>,
    /// What the learner must build, in one sentence.
    pub task: String,
    /// The scenario the lesson opens with.
    pub start: ScenarioSpec,
    /// A reference solution: changes applied on top of the starting scenario.
    pub reference: ScenarioSpec,
    /// Hints, to be unlocked one at a time, in order.
    pub hints: Vec<String>,
    /// What the reference solution does and why ("show me").
    pub show_me: String,
    /// Simulated seconds a grading run lasts (capped at [`crate::RUN_S_MAX`]).
    pub run_s: u32,
    /// The seed of the grading run; it overrides the learner's scenario seed.
    pub seed: u64,
    /// What grading checks, in the order shown.
    pub checks: Vec<Check>,
    /// Questions about what the learner just saw (may be empty).
    #[serde(default)]
    pub quiz: Vec<Question>,
    /// The AWS documentation pages the lesson's facts come from (URLs).
    #[serde(default)]
    pub sources: Vec<String>,
    /// For a reading lesson (no checks): what the simulator cannot show about the topic, said plainly.
    #[serde(default)]
    pub not_simulated: Option<String>,
}

impl Lesson {
    /// A reading lesson has no checks: it is done when every quiz question has been answered right.
    pub fn is_reading(&self) -> bool {
        self.checks.is_empty()
    }

    /// What passing looks like, in one line per check: the target numbers shown beside "Check my pipeline".
    pub fn goal(&self) -> Vec<String> {
        self.checks.iter().map(Check::label).collect()
    }
}

/// A multiple-choice question.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// A stable id within the lesson.
    pub id: String,
    /// The question.
    pub prompt: String,
    /// The choices, in the lesson's order (the page shows them shuffled per learner).
    pub choices: Vec<String>,
    /// The index of the right choice in `choices`.
    pub answer: u32,
    /// Why that choice is right (shown after any answer).
    pub explanation: String,
    /// For every choice, in the order of `choices`: why it is right or wrong.
    #[serde(default)]
    pub why: Vec<String>,
}

/// A scenario written as changes: an optional preset, then nodes, connections, parameter edits,
/// removals and scheduled events, applied in that order.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Start from this preset (`shardlab_scenario::preset_ids`) instead of an empty scenario.
    #[serde(default)]
    pub preset: Option<String>,
    /// Nodes to add.
    #[serde(default)]
    pub nodes: Vec<NodeSpec>,
    /// Connections to make, as `[from, to]` node names.
    #[serde(default)]
    pub connect: Vec<[String; 2]>,
    /// Parameter edits, as the inspector makes them.
    #[serde(default)]
    pub edits: Vec<Edit>,
    /// Names of nodes to remove (with their connections).
    #[serde(default)]
    pub remove: Vec<String>,
    /// Scheduled events to add.
    #[serde(default)]
    pub scheduled: Vec<ScheduledSpec>,
}

/// A node to add: its kind (`producer`, `data_stream`, `consumer`, `kinesis_agent`, `firehose`,
/// `analytics`, `destination`), a unique name, and parameters set as the inspector sets them.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// The node kind.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Parameter values by key; numbers and strings are both accepted.
    #[serde(default)]
    pub params: Map<String, Value>,
}

/// One parameter edit on a named node.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    /// The node's name.
    pub node: String,
    /// The parameter key (`shard_count`).
    pub key: String,
    /// The new value, a number or text.
    pub value: Value,
}

/// A scheduled event on a named node.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledSpec {
    /// When, in simulated milliseconds.
    pub at_ms: u64,
    /// `set_producer_rate`, `restart_agent`, `add_worker`, `crash_worker` or `update_shard_count`.
    pub action: String,
    /// The node it is about.
    pub node: String,
    /// For `set_producer_rate`.
    #[serde(default)]
    pub records_per_sec: u32,
    /// For `crash_worker`.
    #[serde(default)]
    pub worker: u32,
    /// For `update_shard_count`.
    #[serde(default)]
    pub target_shards: u32,
}
