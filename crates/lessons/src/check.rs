//! Checks: what grading looks at, declared in lesson files.

use crate::build::is_kind;
use crate::run::Measured;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Deserialize;
use shardlab_engine::format::count;
use shardlab_scenario::model::CapacityMode;
use shardlab_scenario::{Action, NodeKind, Scenario};

/// One thing grading checks. Structural checks look at the pipeline; `metric` checks run it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// At least `count_min` nodes of a kind (`consumer`, `firehose`, ...).
    HasNode {
        /// The kind word.
        node_kind: String,
        /// How many at least.
        #[serde(default = "one")]
        count_min: u32,
    },
    /// A node of one kind sends to a node of another.
    Connected {
        /// The writer's kind word.
        from_kind: String,
        /// The reader's kind word.
        to_kind: String,
    },
    /// A parameter of a node of a kind, as the inspector shows it: a number within `min`..=`max`, text
    /// equal to `equals`, or text containing `contains`. Some node must match, or every one with `every`.
    Param {
        /// The kind word.
        node_kind: String,
        /// The parameter key.
        key: String,
        /// The smallest allowed number.
        #[serde(default)]
        min: Option<f64>,
        /// The largest allowed number.
        #[serde(default)]
        max: Option<f64>,
        /// The exact text wanted.
        #[serde(default)]
        equals: Option<String>,
        /// Text the value must contain (case-insensitive).
        #[serde(default)]
        contains: Option<String>,
        /// Every node of the kind must match, not just one.
        #[serde(default)]
        every: bool,
    },
    /// The data stream is provisioned with at most `max` shards (an on-demand stream passes: AWS sizes it).
    ShardsMax {
        /// The largest shard count allowed.
        max: u32,
    },
    /// A reshard is scheduled no later than `before_ms`: an UpdateShardCount to a target within AWS's 0.5× to
    /// 2× rule and within `target_min`..=`target_max`, or a SplitShard (whether the splits were enough is for a
    /// `metric` check to say).
    ReshardScheduled {
        /// The smallest target.
        target_min: u32,
        /// The largest target.
        target_max: u32,
        /// The latest time for it, in simulated ms.
        before_ms: u64,
    },
    /// At least `count_min` scheduled events of one action (`crash_worker`, `update_shard_count`, ...), so a
    /// lesson's test event cannot simply be deleted.
    Scheduled {
        /// The action word, as in a lesson file's `scheduled`.
        action: String,
        /// How many at least.
        #[serde(default = "one")]
        count_min: u32,
    },
    /// A number measured by running the pipeline with the lesson's seed, over the whole run or its last
    /// `last_s` seconds.
    Metric {
        /// What is measured.
        metric: Metric,
        /// The smallest passing value.
        #[serde(default)]
        min: Option<f64>,
        /// The largest passing value.
        #[serde(default)]
        max: Option<f64>,
        /// Measure over the last this many seconds only.
        #[serde(default)]
        last_s: Option<u32>,
    },
}

fn one() -> u32 {
    1
}

/// The lesson-file word of a scheduled action: its serialized variant name (`crash_worker`), so actions added
/// to the scenario format later are named without a change here.
fn action_word(action: &Action) -> String {
    match serde_json::to_value(action) {
        Ok(serde_json::Value::Object(map)) => map.keys().next().cloned().unwrap_or_default(),
        Ok(serde_json::Value::String(word)) => word,
        _ => String::new(),
    }
}

/// What a `metric` check measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Records refused by the shards' write limits (WriteProvisionedThroughputExceeded), summed.
    WriteThrottledRecords,
    /// The most write throttles in any one second.
    WriteThrottledRecordsPerSecMax,
    /// User records the producers got written, per second.
    AcceptedRecordsPerSec,
    /// User records producers gave up on after their last attempt.
    DroppedRecords,
    /// User records a producer wrote twice (a retry after a lost answer).
    ProducerDuplicates,
    /// User records a consumer application processed a second time, the most of any application.
    ConsumerDuplicates,
    /// The largest iterator age (MillisBehindLatest) of any consumer application, in ms.
    IteratorAgeMsMax,
    /// The worst consumer's 99th percentile put-to-get latency over the whole run, in ms.
    LatencyP99Ms,
    /// What the stream costs per hour at the example prices, from the usage in the window.
    CostUsdPerHour,
    /// Copies of records an application had already processed (same id) that it processed again, the most of
    /// any application.
    DuplicatesProcessed,
    /// Copies of records an application had already processed that it skipped, the fewest of any application.
    DuplicatesSkipped,
    /// User records read by the consumer application that read the fewest.
    RecordsReadMin,
    /// GetRecords calls refused by the read limits, summed over applications.
    ReadThrottledCalls,
    /// Kinesis API calls the producers made, per second.
    ApiCallsPerSec,
    /// Kinesis records the producers sent (a KPL aggregate counts once), per second.
    KinesisRecordsPerSec,
    /// Records the Firehose delivery streams delivered to their destinations (first deliveries), summed.
    FirehoseDeliveredRecords,
    /// The longest time from a record's arrival at a delivery stream to the S3 object holding it being
    /// written (delivered data objects, and Redshift's intermediate ones), in ms; a record still buffered
    /// when the run ends counts with its wait so far.
    FirehoseDeliveryDelayMsMax,
    /// Rows the Analytics applications emitted, summed.
    AnalyticsRows,
    /// The data streams' open shards when the run ends (an on-demand stream's grow with its peak).
    OpenShards,
    /// Video fragments the cameras' streams stored (PERSISTED acknowledgements), summed.
    VideoFragmentsPersisted,
    /// Fragments a clip consumer got from GetClip, the fewest of any clip (0 for a refused clip).
    VideoClipFragmentsMin,
    /// How far behind the camera the HLS viewers show media when the run ends, the largest, in ms.
    HlsLatencyMs,
    /// How far behind the camera the GetMedia readers have media when the run ends, the largest, in ms.
    GetMediaLatencyMs,
    /// Video consumers whose call the service refused (no retention, too many connections, nothing in range).
    VideoConsumersRefused,
}

impl Metric {
    /// What it is called in labels and feedback.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Self::WriteThrottledRecords => "write throttles",
            Self::WriteThrottledRecordsPerSecMax => "write throttles in the worst second",
            Self::AcceptedRecordsPerSec => "accepted records/s",
            Self::DroppedRecords => "dropped records",
            Self::ProducerDuplicates => "records written twice by the producer",
            Self::ConsumerDuplicates => "records processed twice",
            Self::IteratorAgeMsMax => "iterator age",
            Self::LatencyP99Ms => "put-to-get latency (p99)",
            Self::CostUsdPerHour => "cost per hour",
            Self::DuplicatesProcessed => "copies processed again",
            Self::DuplicatesSkipped => "copies skipped as already processed",
            Self::RecordsReadMin => "records read",
            Self::ReadThrottledCalls => "throttled GetRecords calls",
            Self::ApiCallsPerSec => "API calls/s",
            Self::KinesisRecordsPerSec => "Kinesis records sent/s",
            Self::FirehoseDeliveredRecords => "records Firehose delivered",
            Self::FirehoseDeliveryDelayMsMax => "Firehose delivery delay",
            Self::AnalyticsRows => "Analytics rows emitted",
            Self::OpenShards => "open shards at the end",
            Self::VideoFragmentsPersisted => "video fragments stored",
            Self::VideoClipFragmentsMin => "fragments in the clip",
            Self::HlsLatencyMs => "HLS playback latency",
            Self::GetMediaLatencyMs => "GetMedia latency",
            Self::VideoConsumersRefused => "video consumers refused",
        }
    }

    /// For metrics counted over a time: what happened, as a sentence's start naming the value and the time
    /// ("Firehose delivered 0 records in 120 s").
    fn happened(self, shown: &str, seconds: u32, windowed: bool) -> Option<String> {
        let during = if windowed { format!("in the last {seconds} s") } else { format!("in {seconds} s") };
        match self {
            Self::FirehoseDeliveredRecords => Some(format!("Firehose delivered {shown} {during}")),
            Self::AnalyticsRows => Some(format!("Analytics emitted {shown} {during}")),
            _ => None,
        }
    }

    /// The value with its unit, for people.
    pub(crate) fn show(self, value: f64) -> String {
        match self {
            Self::IteratorAgeMsMax
            | Self::LatencyP99Ms
            | Self::FirehoseDeliveryDelayMsMax
            | Self::HlsLatencyMs
            | Self::GetMediaLatencyMs => {
                if value >= 1_000.0 {
                    format!("{} s", decimal(value / 1_000.0, 1))
                } else {
                    format!("{} ms", thousands(value))
                }
            }
            Self::CostUsdPerHour => format!("${}/hour", decimal(value, 4)),
            Self::AcceptedRecordsPerSec => format!("{} records/s", thousands(value)),
            Self::ApiCallsPerSec => format!("{} calls/s", thousands(value)),
            Self::KinesisRecordsPerSec => format!("{} records/s", thousands(value)),
            Self::ReadThrottledCalls => format!("{} calls", thousands(value)),
            Self::AnalyticsRows if thousands(value) == "1" => String::from("1 row"),
            Self::AnalyticsRows => format!("{} rows", thousands(value)),
            Self::OpenShards if thousands(value) == "1" => String::from("1 shard"),
            Self::OpenShards => format!("{} shards", thousands(value)),
            Self::VideoFragmentsPersisted | Self::VideoClipFragmentsMin if thousands(value) == "1" => {
                String::from("1 fragment")
            }
            Self::VideoFragmentsPersisted | Self::VideoClipFragmentsMin => format!("{} fragments", thousands(value)),
            Self::VideoConsumersRefused if thousands(value) == "1" => String::from("1 consumer"),
            Self::VideoConsumersRefused => format!("{} consumers", thousands(value)),
            _ if thousands(value) == "1" => String::from("1 record"),
            _ => format!("{} records", thousands(value)),
        }
    }
}

/// `value` rounded to `places` decimals, trailing zeros kept (no `std` float formatting needed).
pub(crate) fn decimal(value: f64, places: u32) -> String {
    let scale = 10u64.pow(places);
    let scaled = (value.max(0.0) * scale as f64 + 0.5) as u64;
    if places == 0 {
        return thousands(scaled as f64);
    }
    format!("{}.{:0width$}", thousands((scaled / scale) as f64), scaled % scale, width = places as usize)
}

/// A whole number with thousands separators (`12,400`), rounded.
pub(crate) fn thousands(value: f64) -> String {
    shardlab_engine::format::thousands((value.max(0.0) + 0.5) as u64)
}

/// A plain number for a parameter bound (`4`, `0.5`).
fn bound(value: f64) -> String {
    if value == (value as i64) as f64 { thousands(value) } else { decimal(value, 2) }
}

/// The result of one check.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    /// What the check wants, in a few words ("iterator age at most 5 s in the last 30 s").
    pub label: String,
    /// Whether it passed.
    pub passed: bool,
    /// The measured or found value, if there is one.
    pub measured: Option<f64>,
    /// That value with its unit, or what was found ("2 consumers").
    pub measured_text: String,
    /// Plain English: what is right, or what is still wrong and what is wanted.
    pub feedback: String,
}

pub(crate) fn range_text(min: Option<f64>, max: Option<f64>, show: impl Fn(f64) -> String) -> String {
    match (min, max) {
        (Some(a), Some(b)) if a == b => format!("exactly {}", show(a)),
        (Some(a), Some(b)) => format!("between {} and {}", show(a), show(b)),
        (Some(a), None) => format!("at least {}", show(a)),
        (None, Some(b)) => format!("at most {}", show(b)),
        (None, None) => String::from("any value"),
    }
}

fn within(value: f64, min: Option<f64>, max: Option<f64>) -> bool {
    min.is_none_or(|m| value >= m) && max.is_none_or(|m| value <= m)
}

/// The first run problem, or the scenario's, for failing run checks.
pub(crate) fn failed(label: String, why: &str) -> CheckResult {
    CheckResult {
        label,
        passed: false,
        measured: None,
        measured_text: String::from("not measured"),
        feedback: format!("the pipeline could not be run: {why}"),
    }
}

impl Check {
    /// Whether this check runs the simulation.
    pub fn runs(&self) -> bool {
        matches!(self, Self::Metric { .. })
    }

    /// A short statement of what the check wants.
    pub fn label(&self) -> String {
        match self {
            Self::HasNode { node_kind, count_min } => format!("at least {count_min} {}", plural(node_kind, *count_min)),
            Self::Connected { from_kind, to_kind } => {
                format!("{} sends to {}", a(from_kind), a(to_kind))
            }
            Self::Param { node_kind, key, min, max, equals, contains, every } => {
                let which = if *every { format!("every {}", word(node_kind)) } else { a(node_kind) };
                let wanted = match (equals, contains) {
                    (Some(e), _) => format!("= {e}"),
                    (None, Some(c)) => format!("contains \"{c}\""),
                    _ => range_text(*min, *max, bound),
                };
                format!("{which}: {key} {wanted}")
            }
            Self::ShardsMax { max } => format!("at most {}", count(u64::from(*max), "shard", "shards")),
            Self::ReshardScheduled { target_min, target_max, before_ms } => format!(
                "UpdateShardCount to {target_min} to {target_max} shards, or a SplitShard, scheduled by {} s",
                thousands(*before_ms as f64 / 1_000.0)
            ),
            Self::Scheduled { action, count_min } => format!("at least {count_min} scheduled {action}"),
            Self::Metric { metric, min, max, last_s } => {
                let when = match last_s {
                    Some(s) => format!(" in the last {s} s"),
                    None => String::new(),
                };
                format!("{} {}{when}", metric.noun(), range_text(*min, *max, |v| metric.show(v)))
            }
        }
    }

    /// Grades a structural check against the pipeline; `metric` checks use `measured`.
    pub(crate) fn grade(&self, scenario: &Scenario, measured: Option<&Measured>) -> CheckResult {
        let label = self.label();
        match self {
            Self::HasNode { node_kind, count_min } => {
                let count = scenario.pipeline.nodes.iter().filter(|n| is_kind(&n.kind, node_kind)).count() as u32;
                let passed = count >= *count_min;
                let feedback = if passed {
                    format!("the pipeline has {count} {}", plural(node_kind, count))
                } else {
                    format!(
                        "the pipeline has {count} {}; add {} more",
                        plural(node_kind, count),
                        count_min.saturating_sub(count)
                    )
                };
                result(label, passed, Some(count as f64), format!("{count} {}", plural(node_kind, count)), feedback)
            }
            Self::Connected { from_kind, to_kind } => {
                let p = &scenario.pipeline;
                let passed = p.edges.iter().any(|e| {
                    p.node(e.from).is_some_and(|n| is_kind(&n.kind, from_kind))
                        && p.node(e.to).is_some_and(|n| is_kind(&n.kind, to_kind))
                });
                let feedback = if passed {
                    format!("{} sends to {}", a(from_kind), a(to_kind))
                } else {
                    format!("no {} sends to {} yet; connect one", word(from_kind), a(to_kind))
                };
                let found = if passed { "connected" } else { "not connected" };
                result(label, passed, None, found.into(), feedback)
            }
            Self::Param { node_kind, key, min, max, equals, contains, every } => {
                self.grade_param(scenario, label, (node_kind, key, *min, *max, equals, contains, *every))
            }
            Self::ShardsMax { max } => {
                let stream = scenario.pipeline.nodes.iter().find_map(|n| match &n.kind {
                    NodeKind::DataStream(s) => Some(s),
                    _ => None,
                });
                match stream {
                    None => result(label, false, None, "no stream".into(), "add a data stream".into()),
                    Some(s) if s.capacity_mode == CapacityMode::OnDemand => {
                        result(label, true, None, "on-demand".into(), "the stream is on-demand: AWS sizes it".into())
                    }
                    Some(s) => {
                        let passed = s.shard_count <= *max;
                        let feedback = if passed {
                            format!("{}, within {max}", count(u64::from(s.shard_count), "shard", "shards"))
                        } else {
                            format!(
                                "the stream has {}; use at most {max}",
                                count(u64::from(s.shard_count), "shard", "shards")
                            )
                        };
                        result(
                            label,
                            passed,
                            Some(s.shard_count as f64),
                            count(u64::from(s.shard_count), "shard", "shards"),
                            feedback,
                        )
                    }
                }
            }
            Self::ReshardScheduled { target_min, target_max, before_ms } => {
                grade_reshard(scenario, label, *target_min, *target_max, *before_ms)
            }
            Self::Scheduled { action, count_min } => {
                let count = scenario.scheduled.iter().filter(|e| action_word(&e.action) == *action).count() as u32;
                let passed = count >= *count_min;
                let feedback = if passed {
                    format!("{count} scheduled {action} in the pipeline")
                } else {
                    format!(
                        "the pipeline has {count} scheduled {action}; the lesson needs {count_min}: Start over to get it back"
                    )
                };
                result(label, passed, Some(f64::from(count)), format!("{count} scheduled"), feedback)
            }
            Self::Metric { metric, min, max, last_s } => {
                let Some(measured) = measured else {
                    return failed(label, "nothing was measured");
                };
                let m = measured.value(*metric, *last_s);
                let value = m.value;
                let shown = metric.show(value);
                let whose = match &m.who {
                    Some(name) => format!(" ('{name}')"),
                    None => String::new(),
                };
                let note = match &m.note {
                    Some(note) => format!(" ({note})"),
                    None => String::new(),
                };
                let passed = within(value, *min, *max);
                let wanted = range_text(*min, *max, |v| metric.show(v));
                let too_high = max.is_some_and(|m| value > m);
                let feedback = match metric.happened(&shown, m.seconds, m.windowed) {
                    Some(what) if passed => format!("{what}{note}, {wanted} as wanted"),
                    Some(what) if too_high => format!("{what}{note}; keep it {wanted}"),
                    Some(what) => format!("{what}{note}; it needs {wanted}"),
                    None if passed => format!("{}{whose}: {shown}{note}, {wanted} as wanted", metric.noun()),
                    None if too_high => format!("{}{whose} reached {shown}{note}; keep it {wanted}", metric.noun()),
                    None => format!("{}{whose} came to only {shown}{note}; it needs {wanted}", metric.noun()),
                };
                result(label, passed, Some(value), shown, feedback)
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn grade_param(
        &self,
        scenario: &Scenario,
        label: String,
        (node_kind, key, min, max, equals, contains, every): (
            &str,
            &str,
            Option<f64>,
            Option<f64>,
            &Option<String>,
            &Option<String>,
            bool,
        ),
    ) -> CheckResult {
        let mut found: Vec<(String, String)> = Vec::new();
        for node in scenario.pipeline.nodes.iter().filter(|n| is_kind(&n.kind, node_kind)) {
            let value = node.params().into_iter().find(|p| p.key == key).map(|p| p.value);
            found.push((node.name.clone(), value.unwrap_or_default()));
        }
        if found.is_empty() {
            return result(
                label,
                false,
                None,
                format!("no {}", word(node_kind)),
                format!("add {} first", a(node_kind)),
            );
        }
        let matches = |value: &str| match (equals, contains) {
            (Some(e), _) => value == e,
            (None, Some(c)) => value.to_lowercase().contains(&c.to_lowercase()),
            _ => number(value).is_some_and(|v| within(v, min, max)),
        };
        let wanted = match (equals, contains) {
            (Some(e), _) => format!("'{e}'"),
            (None, Some(c)) => format!("text containing \"{c}\""),
            _ => range_text(min, max, bound),
        };
        let (good, bad): (Vec<_>, Vec<_>) = found.iter().partition(|(_, v)| matches(v));
        let passed = if every { bad.is_empty() } else { !good.is_empty() };
        let shown = |(name, value): &&(String, String)| {
            let value = if value.is_empty() { "(not shown for this node's settings)" } else { value.as_str() };
            format!("'{name}' has {key} = {}", short(value))
        };
        let measured = found.first().and_then(|(_, v)| number(v));
        let measured_text = found.iter().map(|(_, v)| short(v)).collect::<Vec<_>>().join(", ");
        let feedback = if passed {
            format!("{}, as wanted", good.first().map(shown).unwrap_or_default())
        } else {
            format!("{}; set it to {wanted}", bad.first().map(shown).unwrap_or_default())
        };
        result(label, passed, measured, measured_text, feedback)
    }
}

fn grade_reshard(scenario: &Scenario, label: String, target_min: u32, target_max: u32, before_ms: u64) -> CheckResult {
    let shards = scenario.pipeline.nodes.iter().find_map(|n| match &n.kind {
        NodeKind::DataStream(s) => Some(s.shard_count),
        _ => None,
    });
    let targets: Vec<(u64, u32)> = scenario
        .scheduled
        .iter()
        .filter_map(|e| match e.action {
            Action::UpdateShardCount { target_shards, .. } => Some((e.at_ms, target_shards)),
            _ => None,
        })
        .collect();
    let first_split = scenario.scheduled.iter().find(|e| matches!(e.action, Action::SplitShard { .. }));
    let Some(&(at_ms, target)) = targets.first() else {
        return match first_split {
            Some(split) if split.at_ms <= before_ms => {
                let at = thousands(split.at_ms as f64 / 1_000.0);
                result(label, true, None, format!("SplitShard at {at} s"), format!("a SplitShard at {at} s"))
            }
            Some(split) => result(
                label,
                false,
                None,
                format!("SplitShard at {} s", thousands(split.at_ms as f64 / 1_000.0)),
                format!("the first SplitShard is too late; schedule it by {} s", thousands(before_ms as f64 / 1_000.0)),
            ),
            None => result(
                label,
                false,
                None,
                "none scheduled".into(),
                "schedule an UpdateShardCount or a SplitShard on the stream".into(),
            ),
        };
    };
    let current = shards.unwrap_or(0);
    let measured_text =
        format!("{} at {} s", count(u64::from(target), "shard", "shards"), thousands(at_ms as f64 / 1_000.0));
    let feedback = if target > current.saturating_mul(2) || target.saturating_mul(2) < current {
        Some(format!(
            "UpdateShardCount from {current} to {target} shards breaks AWS's rule: one call goes to between half and \
             twice the open shards ({} to {})",
            current.div_ceil(2),
            current.saturating_mul(2)
        ))
    } else if !(target_min..=target_max).contains(&target) {
        Some(format!("the target is {target} shards; choose {target_min} to {target_max}"))
    } else if at_ms > before_ms {
        Some(format!(
            "the reshard is at {} s; schedule it by {} s",
            thousands(at_ms as f64 / 1_000.0),
            thousands(before_ms as f64 / 1_000.0)
        ))
    } else {
        None
    };
    match feedback {
        Some(why) => result(label, false, Some(target as f64), measured_text, why),
        None => result(
            label,
            true,
            Some(target as f64),
            measured_text.clone(),
            format!("UpdateShardCount to {measured_text}, within the rules"),
        ),
    }
}

fn result(label: String, passed: bool, measured: Option<f64>, measured_text: String, feedback: String) -> CheckResult {
    CheckResult { label, passed, measured, measured_text, feedback }
}

/// A parameter's text as a number (`1,000` reads as 1000).
fn number(text: &str) -> Option<f64> {
    let plain: String = text.chars().filter(|c| *c != ',' && *c != '_').collect();
    plain.trim().parse().ok()
}

/// Long texts (SQL) cut to 60 characters.
fn short(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// A kind word for people (`data_stream` → `data stream`).
fn word(kind: &str) -> String {
    match kind {
        "firehose" => String::from("Firehose delivery stream"),
        "analytics" => String::from("Analytics application"),
        "kinesis_agent" => String::from("Kinesis Agent"),
        other => other.replace('_', " "),
    }
}

/// The kind word with its article (`an Analytics application`).
fn a(kind: &str) -> String {
    let w = word(kind);
    let article = if w.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
    format!("{article} {w}")
}

fn plural(kind: &str, count: u32) -> String {
    let w = word(kind);
    if count == 1 { w } else { format!("{w}s") }
}
