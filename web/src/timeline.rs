//! The timeline of scheduled changes under the transport: where each of the scenario's scheduled events
//! falls in the run, whether it has fired, and the form that adds or edits one. This file is the plain logic
//! (time <-> position, snapping, lanes, labels, drafts checked through the scenario crate's own validation),
//! tested natively; [`view`] draws it.

mod view;

pub use view::{Timeline, TimelineProps};

use crate::format::{clock, parse_time, thousands};
use shardlab_scenario::model::{CapacityMode, ConsumerStyle};
use shardlab_scenario::{Action, NodeId, NodeKind, Scenario, ScheduledEvent};

/// The shortest timeline: ten simulated minutes.
pub const HORIZON_MIN_MS: u64 = 600_000;
/// Room after the last event, so it is never drawn on the edge.
pub const HORIZON_MARGIN_MS: u64 = 60_000;
/// Dragging and typed times snap to whole seconds.
pub const SNAP_MS: u64 = 1_000;
/// A marker's label needs about this share of the timeline before the next one on its lane.
pub const LABEL_SPAN: f64 = 0.13;
/// Lanes of markers before labels may overlap.
pub const LANES_MAX: usize = 3;
/// The form's key for the event's time.
pub const AT: &str = "at";
/// The form's key for the component the event is about.
pub const NODE: &str = "node";

/// How far the timeline reaches: at least [`HORIZON_MIN_MS`], past the last event by [`HORIZON_MARGIN_MS`] and
/// past the playhead, in whole minutes.
pub fn horizon_ms(events: &[ScheduledEvent], now_ms: u64) -> u64 {
    let last = events.iter().map(|e| e.at_ms.saturating_add(HORIZON_MARGIN_MS)).max().unwrap_or(0);
    let end = last.max(now_ms).max(HORIZON_MIN_MS);
    end.div_ceil(60_000).saturating_mul(60_000)
}

/// Where `at_ms` falls on a timeline reaching `horizon_ms`, from 0 (left) to 1 (right).
pub fn fraction_of(at_ms: u64, horizon_ms: u64) -> f64 {
    if horizon_ms == 0 { 0.0 } else { (at_ms as f64 / horizon_ms as f64).clamp(0.0, 1.0) }
}

/// The time at `fraction` of the timeline (a pointer's position), snapped to [`SNAP_MS`] and kept on it.
pub fn time_at(fraction: f64, horizon_ms: u64) -> u64 {
    let fraction = if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 0.0 };
    snap(((fraction * horizon_ms as f64).round() as u64).min(horizon_ms))
}

/// `ms` to the nearest [`SNAP_MS`].
pub fn snap(ms: u64) -> u64 {
    ms.saturating_add(SNAP_MS / 2) / SNAP_MS * SNAP_MS
}

/// A marker moved by a key: the arrows by a second, with Shift by ten; `None` for other keys.
pub fn nudge(at_ms: u64, key: &str, shift: bool) -> Option<u64> {
    let step = if shift { 10 * SNAP_MS } else { SNAP_MS };
    match key {
        "ArrowLeft" | "ArrowDown" => Some(snap(at_ms).saturating_sub(step)),
        "ArrowRight" | "ArrowUp" => Some(snap(at_ms).saturating_add(step)),
        _ => None,
    }
}

/// Time labels: a round step giving at most ten intervals, as (ms, "m:ss" or "h:mm:ss").
pub fn ticks(horizon_ms: u64) -> Vec<(u64, String)> {
    const STEPS_MS: [u64; 10] =
        [10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000];
    let step = STEPS_MS.into_iter().find(|s| horizon_ms / s <= 10).unwrap_or(43_200_000);
    (0..=horizon_ms / step).map(|i| (i * step, tick_label(i * step))).collect()
}

/// `90_000` -> `1:30`, `3_600_000` -> `1:00:00`.
pub fn tick_label(ms: u64) -> String {
    let secs = ms / 1_000;
    if secs >= 3_600 {
        format!("{}:{:02}:{:02}", secs / 3_600, secs / 60 % 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

/// A lane (row) for each marker, given in any order by position, so that labels on one lane stand at least
/// [`LABEL_SPAN`] apart; past [`LANES_MAX`] lanes they share the emptiest.
pub fn lanes(fractions: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..fractions.len()).collect();
    // The index breaks ties, so no two keys are equal and an unstable sort gives the same order.
    order.sort_unstable_by(|a, b| fractions[*a].total_cmp(&fractions[*b]).then(a.cmp(b)));
    let mut lane_ends = [f64::NEG_INFINITY; LANES_MAX];
    let mut out = vec![0; fractions.len()];
    for i in order {
        let x = fractions[i];
        let lane = lane_ends
            .iter()
            .position(|end| x - end >= LABEL_SPAN)
            .unwrap_or_else(|| (0..LANES_MAX).min_by(|a, b| lane_ends[*a].total_cmp(&lane_ends[*b])).unwrap_or(0));
        lane_ends[lane] = x;
        out[i] = lane;
    }
    out
}

/// What a scheduled event has done in the run so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Still ahead of the playhead.
    Pending,
    /// The playhead passed it and the service took it.
    Fired,
    /// The service refused it when it fired, with AWS's message.
    Refused(String),
}

impl Status {
    /// From the event's time, the run's time, and a refusal the run reported for it.
    pub fn of(at_ms: u64, now_ms: u64, refusal: Option<String>) -> Self {
        match refusal {
            Some(message) => Self::Refused(message),
            None if now_ms > 0 && at_ms <= now_ms => Self::Fired,
            None => Self::Pending,
        }
    }

    /// One word for people and for the CSS class.
    pub fn word(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Fired => "fired",
            Self::Refused(_) => "refused",
        }
    }
}

/// The kinds of change the form offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// UpdateShardCount.
    UpdateShardCount,
    /// SplitShard at the middle of a shard's range.
    SplitShard,
    /// MergeShards of two adjacent shards.
    MergeShards,
    /// A retention change.
    SetRetention,
    /// UpdateStreamMode.
    SwitchCapacityMode,
    /// A producer's rate.
    SetProducerRate,
    /// A KCL worker crashes.
    CrashWorker,
    /// A KCL worker joins.
    AddWorker,
    /// A Kinesis Agent restarts.
    RestartAgent,
    /// A Firehose destination goes down.
    DestinationOutage,
    /// A Firehose destination slows down.
    DestinationSlowdown,
    /// A camera's PutMedia connection drops.
    DropCameraConnection,
}

/// How a field's text reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A whole number.
    Count,
    /// A duration typed as a time (`90`, `90s`, `5m`, `mm:ss`), kept in ms.
    Duration,
    /// One of these words, kept as its position.
    Choice(&'static [&'static str]),
}

/// A parameter of a change: its key (the action's field name, as the scenario's validation paths say it),
/// label, unit, what AWS allows, and a starting value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The action's field name.
    pub key: &'static str,
    /// For people.
    pub label: &'static str,
    /// Shown after the input.
    pub unit: &'static str,
    /// What is allowed, in AWS's terms.
    pub limit: &'static str,
    /// How the text reads.
    pub kind: FieldKind,
    /// The starting text.
    pub default: &'static str,
}

const TARGET_SHARDS: Field = Field {
    key: "target_shards",
    label: "Target shards",
    unit: "shards",
    limit: "1 to 1,024 here; when it fires, AWS allows half to twice the open shards per call, 10 calls per 24 hours",
    kind: FieldKind::Count,
    default: "4",
};
const SHARD: Field = Field {
    key: "shard",
    label: "Shard",
    unit: "number",
    limit: "an open shard's number (shardId-000000000003 is 3)",
    kind: FieldKind::Count,
    default: "0",
};
const ADJACENT_SHARD: Field = Field {
    key: "adjacent_shard",
    label: "Adjacent shard",
    unit: "number",
    limit: "the open shard whose hash key range follows the first's",
    kind: FieldKind::Count,
    default: "1",
};
const HOURS: Field = Field {
    key: "hours",
    label: "Retention",
    unit: "hours",
    limit: "24 to 8,760 hours (1 to 365 days)",
    kind: FieldKind::Count,
    default: "48",
};
/// The capacity modes, in the order [`FieldKind::Choice`] keeps them.
const MODES: [CapacityMode; 2] = [CapacityMode::Provisioned, CapacityMode::OnDemand];
const MODE: Field = Field {
    key: "mode",
    label: "Capacity mode",
    unit: "",
    limit: "AWS allows two switches per stream in 24 hours",
    kind: FieldKind::Choice(&["provisioned", "on_demand"]),
    default: "on_demand",
};
const RECORDS_PER_SEC: Field = Field {
    key: "records_per_sec",
    label: "Rate",
    unit: "records/s",
    limit: "0 (paused) to 1,000,000 records/s",
    kind: FieldKind::Count,
    default: "1000",
};
const WORKER: Field = Field {
    key: "worker",
    label: "Worker",
    unit: "id",
    limit: "a worker's id, from 0",
    kind: FieldKind::Count,
    default: "0",
};
const DURATION: Field = Field {
    key: "duration_ms",
    label: "For",
    unit: "",
    limit: "90s, 5m or mm:ss; up to one simulated day",
    kind: FieldKind::Duration,
    default: "60s",
};
const DELAY: Field = Field {
    key: "delay_ms",
    label: "Extra latency per attempt",
    unit: "ms",
    limit: "0 to 600,000 ms",
    kind: FieldKind::Count,
    default: "5000",
};

impl Kind {
    /// Every kind, in the form's order.
    pub const ALL: [Self; 12] = [
        Self::UpdateShardCount,
        Self::SplitShard,
        Self::MergeShards,
        Self::SetRetention,
        Self::SwitchCapacityMode,
        Self::SetProducerRate,
        Self::CrashWorker,
        Self::AddWorker,
        Self::RestartAgent,
        Self::DestinationOutage,
        Self::DestinationSlowdown,
        Self::DropCameraConnection,
    ];

    /// The kind of `action`.
    pub fn of(action: &Action) -> Self {
        match action {
            Action::UpdateShardCount { .. } => Self::UpdateShardCount,
            Action::SplitShard { .. } => Self::SplitShard,
            Action::MergeShards { .. } => Self::MergeShards,
            Action::SetRetention { .. } => Self::SetRetention,
            Action::SwitchCapacityMode { .. } => Self::SwitchCapacityMode,
            Action::SetProducerRate { .. } => Self::SetProducerRate,
            Action::CrashWorker { .. } => Self::CrashWorker,
            Action::AddWorker { .. } => Self::AddWorker,
            Action::RestartAgent { .. } => Self::RestartAgent,
            Action::DestinationOutage { .. } => Self::DestinationOutage,
            Action::DestinationSlowdown { .. } => Self::DestinationSlowdown,
            Action::DropCameraConnection { .. } => Self::DropCameraConnection,
        }
    }

    /// Its name in the form (the AWS operation where there is one).
    pub fn title(self) -> &'static str {
        match self {
            Self::UpdateShardCount => "UpdateShardCount",
            Self::SplitShard => "SplitShard",
            Self::MergeShards => "MergeShards",
            Self::SetRetention => "Retention period",
            Self::SwitchCapacityMode => "UpdateStreamMode",
            Self::SetProducerRate => "Producer rate",
            Self::CrashWorker => "KCL worker crash",
            Self::AddWorker => "KCL worker joins",
            Self::RestartAgent => "Kinesis Agent restart",
            Self::DestinationOutage => "Firehose destination outage",
            Self::DestinationSlowdown => "Firehose destination slowdown",
            Self::DropCameraConnection => "Camera connection drop",
        }
    }

    /// A stable id for the form's select.
    pub fn id(self) -> &'static str {
        match self {
            Self::UpdateShardCount => "update_shard_count",
            Self::SplitShard => "split_shard",
            Self::MergeShards => "merge_shards",
            Self::SetRetention => "set_retention",
            Self::SwitchCapacityMode => "switch_capacity_mode",
            Self::SetProducerRate => "set_producer_rate",
            Self::CrashWorker => "crash_worker",
            Self::AddWorker => "add_worker",
            Self::RestartAgent => "restart_agent",
            Self::DestinationOutage => "destination_outage",
            Self::DestinationSlowdown => "destination_slowdown",
            Self::DropCameraConnection => "drop_camera_connection",
        }
    }

    /// The kind with this [`Self::id`].
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Whether it can be about `node` (the form lists only these; the scenario's validation decides).
    pub fn fits(self, node: &NodeKind) -> bool {
        match (self, node) {
            (
                Self::UpdateShardCount
                | Self::SplitShard
                | Self::MergeShards
                | Self::SetRetention
                | Self::SwitchCapacityMode,
                NodeKind::DataStream(_),
            )
            | (Self::SetProducerRate, NodeKind::Producer(_))
            | (Self::RestartAgent, NodeKind::KinesisAgent(_))
            | (Self::DestinationOutage | Self::DestinationSlowdown, NodeKind::Firehose(_))
            | (Self::DropCameraConnection, NodeKind::Camera(_)) => true,
            (Self::CrashWorker | Self::AddWorker, NodeKind::Consumer(c)) => c.style == ConsumerStyle::Kcl,
            _ => false,
        }
    }

    /// Its parameters.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Self::UpdateShardCount => &[TARGET_SHARDS],
            Self::SplitShard => &[SHARD],
            Self::MergeShards => &[SHARD, ADJACENT_SHARD],
            Self::SetRetention => &[HOURS],
            Self::SwitchCapacityMode => &[MODE],
            Self::SetProducerRate => &[RECORDS_PER_SEC],
            Self::CrashWorker => &[WORKER],
            Self::AddWorker | Self::RestartAgent => &[],
            Self::DestinationOutage | Self::DropCameraConnection => &[DURATION],
            Self::DestinationSlowdown => &[DELAY, DURATION],
        }
    }

    /// The action about `node` with these parameter values (by key; a missing one is 0).
    fn action(self, node: NodeId, value: impl Fn(&str) -> u64) -> Action {
        let u32_of = |key: &str| u32::try_from(value(key)).unwrap_or(u32::MAX);
        match self {
            Self::UpdateShardCount => Action::UpdateShardCount { stream: node, target_shards: u32_of("target_shards") },
            Self::SplitShard => Action::SplitShard { stream: node, shard: u32_of("shard") },
            Self::MergeShards => {
                Action::MergeShards { stream: node, shard: u32_of("shard"), adjacent_shard: u32_of("adjacent_shard") }
            }
            Self::SetRetention => Action::SetRetention { stream: node, hours: u32_of("hours") },
            Self::SwitchCapacityMode => Action::SwitchCapacityMode {
                stream: node,
                mode: MODES.get(value("mode") as usize).copied().unwrap_or(CapacityMode::Provisioned),
            },
            Self::SetProducerRate => {
                Action::SetProducerRate { producer: node, records_per_sec: u32_of("records_per_sec") }
            }
            Self::CrashWorker => Action::CrashWorker { consumer: node, worker: u32_of("worker") },
            Self::AddWorker => Action::AddWorker { consumer: node },
            Self::RestartAgent => Action::RestartAgent { agent: node },
            Self::DestinationOutage => Action::DestinationOutage { firehose: node, duration_ms: value("duration_ms") },
            Self::DestinationSlowdown => Action::DestinationSlowdown {
                firehose: node,
                delay_ms: value("delay_ms"),
                duration_ms: value("duration_ms"),
            },
            Self::DropCameraConnection => {
                Action::DropCameraConnection { camera: node, duration_ms: value("duration_ms") }
            }
        }
    }
}

/// An action's parameter values by key, as the form shows them.
fn values_of(action: &Action) -> Vec<(&'static str, u64)> {
    match *action {
        Action::UpdateShardCount { target_shards, .. } => vec![("target_shards", u64::from(target_shards))],
        Action::SplitShard { shard, .. } => vec![("shard", u64::from(shard))],
        Action::MergeShards { shard, adjacent_shard, .. } => {
            vec![("shard", u64::from(shard)), ("adjacent_shard", u64::from(adjacent_shard))]
        }
        Action::SetRetention { hours, .. } => vec![("hours", u64::from(hours))],
        Action::SwitchCapacityMode { mode, .. } => {
            vec![("mode", MODES.iter().position(|m| *m == mode).unwrap_or(0) as u64)]
        }
        Action::SetProducerRate { records_per_sec, .. } => vec![("records_per_sec", u64::from(records_per_sec))],
        Action::CrashWorker { worker, .. } => vec![("worker", u64::from(worker))],
        Action::AddWorker { .. } | Action::RestartAgent { .. } => Vec::new(),
        Action::DestinationOutage { duration_ms, .. } | Action::DropCameraConnection { duration_ms, .. } => {
            vec![("duration_ms", duration_ms)]
        }
        Action::DestinationSlowdown { delay_ms, duration_ms, .. } => {
            vec![("delay_ms", delay_ms), ("duration_ms", duration_ms)]
        }
    }
}

/// A duration as the form writes it: `90s`, `5m`, `1h`, or `h:mm:ss` when not whole.
pub fn duration_text(ms: u64) -> String {
    let secs = ms / 1_000;
    if !ms.is_multiple_of(1_000) {
        format!("{ms} ms")
    } else if secs.is_multiple_of(3_600) && secs > 0 {
        format!("{}h", secs / 3_600)
    } else if secs.is_multiple_of(60) && secs > 0 {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

/// The marker's short label: "4 shards", "rate 3,000/s", "crash worker 0", "outage 1m".
pub fn short_label(action: &Action) -> String {
    match *action {
        Action::UpdateShardCount { target_shards, .. } => format!("{target_shards} shards"),
        Action::SplitShard { shard, .. } => format!("split shard {shard}"),
        Action::MergeShards { shard, adjacent_shard, .. } => format!("merge {shard} + {adjacent_shard}"),
        Action::SetRetention { hours, .. } => format!("retention {} h", thousands(u64::from(hours))),
        Action::SwitchCapacityMode { mode, .. } => format!("to {}", mode_words(mode)),
        Action::SetProducerRate { records_per_sec, .. } => format!("rate {}/s", thousands(u64::from(records_per_sec))),
        Action::CrashWorker { worker, .. } => format!("crash worker {worker}"),
        Action::AddWorker { .. } => "add worker".into(),
        Action::RestartAgent { .. } => "restart agent".into(),
        Action::DestinationOutage { duration_ms, .. } => format!("outage {}", duration_text(duration_ms)),
        Action::DestinationSlowdown { delay_ms, .. } => format!("slowdown +{} ms", thousands(delay_ms)),
        Action::DropCameraConnection { duration_ms, .. } => format!("drop {}", duration_text(duration_ms)),
    }
}

/// A capacity mode as the console says it.
fn mode_words(mode: CapacityMode) -> &'static str {
    match mode {
        CapacityMode::Provisioned => "provisioned",
        CapacityMode::OnDemand => "on-demand",
    }
}

/// The whole event in words, with the component's name: "UpdateShardCount of events to 4 shards at 0:30".
pub fn describe(event: &ScheduledEvent, scenario: &Scenario) -> String {
    let id = event.action.node();
    let name = scenario.pipeline.node(id).map_or_else(|| format!("node {id}"), |n| n.name.clone());
    let what = match event.action {
        Action::UpdateShardCount { target_shards, .. } => {
            format!("UpdateShardCount of {name} to {target_shards} shards")
        }
        Action::SplitShard { shard, .. } => format!("SplitShard of {name}'s shard {shard} at its middle"),
        Action::MergeShards { shard, adjacent_shard, .. } => {
            format!("MergeShards of {name}'s shards {shard} and {adjacent_shard}")
        }
        Action::SetRetention { hours, .. } => {
            format!("{name}'s retention set to {} hours", thousands(u64::from(hours)))
        }
        Action::SwitchCapacityMode { mode, .. } => format!("{name} switches to {}", mode_words(mode)),
        Action::SetProducerRate { records_per_sec, .. } => {
            format!("{name} sends {} records/s", thousands(u64::from(records_per_sec)))
        }
        Action::CrashWorker { worker, .. } => format!("worker {worker} of {name} crashes"),
        Action::AddWorker { .. } => format!("a worker joins {name}"),
        Action::RestartAgent { .. } => format!("{name} restarts"),
        Action::DestinationOutage { duration_ms, .. } => {
            format!("{name}'s destination is down for {}", duration_text(duration_ms))
        }
        Action::DestinationSlowdown { delay_ms, duration_ms, .. } => format!(
            "{name}'s destination takes {} ms longer per attempt for {}",
            thousands(delay_ms),
            duration_text(duration_ms)
        ),
        Action::DropCameraConnection { duration_ms, .. } => {
            format!("{name}'s PutMedia connection drops for {}", duration_text(duration_ms))
        }
    };
    format!("{what} at {}", clock(event.at_ms))
}

/// The form's text for a new or edited change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// What kind of change.
    pub kind: Kind,
    /// The component it is about.
    pub node: Option<NodeId>,
    /// The time as typed.
    pub at: String,
    /// Each parameter's text, by key.
    pub fields: Vec<(&'static str, String)>,
}

impl Draft {
    /// A new change of `kind` at `at_ms`, about the first component it fits.
    pub fn new(kind: Kind, scenario: &Scenario, at_ms: u64) -> Self {
        let node = scenario.pipeline.nodes.iter().find(|n| kind.fits(&n.kind)).map(|n| n.id);
        let fields = kind.fields().iter().map(|f| (f.key, f.default.to_string())).collect();
        Self { kind, node, at: duration_text(snap(at_ms)), fields }
    }

    /// The first kind the scenario has a component for, as a new draft (`None` when there is none).
    pub fn first(scenario: &Scenario, at_ms: u64) -> Option<Self> {
        Kind::ALL
            .into_iter()
            .find(|k| scenario.pipeline.nodes.iter().any(|n| k.fits(&n.kind)))
            .map(|k| Self::new(k, scenario, at_ms))
    }

    /// The form filled in from an existing event.
    pub fn of(event: &ScheduledEvent) -> Self {
        let kind = Kind::of(&event.action);
        let values = values_of(&event.action);
        let fields = kind
            .fields()
            .iter()
            .map(|f| {
                let v = values.iter().find(|(k, _)| *k == f.key).map_or(0, |(_, v)| *v);
                let text = match f.kind {
                    FieldKind::Duration => duration_text(v),
                    FieldKind::Choice(words) => words.get(v as usize).copied().unwrap_or_default().to_string(),
                    FieldKind::Count => v.to_string(),
                };
                (f.key, text)
            })
            .collect();
        Self { kind, node: Some(event.action.node()), at: duration_text(event.at_ms), fields }
    }

    /// Switches to another kind, keeping the time and the component if it fits.
    pub fn with_kind(&self, kind: Kind, scenario: &Scenario) -> Self {
        let mut next = Self::new(kind, scenario, 0);
        next.at.clone_from(&self.at);
        if let Some(node) = self.node.filter(|id| scenario.pipeline.node(*id).is_some_and(|n| kind.fits(&n.kind))) {
            next.node = Some(node);
        }
        next
    }

    /// A parameter's text.
    pub fn field(&self, key: &str) -> &str {
        self.fields.iter().find(|(k, _)| *k == key).map_or("", |(_, v)| v.as_str())
    }

    /// Sets a parameter's text.
    pub fn set_field(&mut self, key: &str, text: String) {
        if let Some(slot) = self.fields.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = text;
        }
    }

    /// The event, or every problem by field key ([`AT`], [`NODE`] or a parameter's key). Reading the text is
    /// checked here; what is allowed is the scenario's validation of the scenario with this event in place
    /// (`replacing` the event at that index, or added at the end).
    pub fn check(
        &self,
        scenario: &Scenario,
        replacing: Option<usize>,
    ) -> Result<ScheduledEvent, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let at_ms = parse_time(&self.at).map_err(|why| problems.push((AT.to_string(), why))).ok();
        let mut values = Vec::new();
        for field in self.kind.fields() {
            let text = self.field(field.key).trim();
            let value = match field.kind {
                FieldKind::Count => text.parse::<u64>().map_err(|_| format!("\"{text}\" is not a whole number")),
                FieldKind::Duration => parse_time(text),
                FieldKind::Choice(words) => words
                    .iter()
                    .position(|w| *w == text)
                    .map(|i| i as u64)
                    .ok_or_else(|| format!("choose one of: {}", words.join(", "))),
            };
            match value {
                Ok(v) => values.push((field.key, v)),
                Err(why) => problems.push((field.key.to_string(), why)),
            }
        }
        if self.node.is_none() {
            problems.push((NODE.to_string(), format!("choose a component for {}", self.kind.title())));
        }
        let (Some(at_ms), Some(node), true) = (at_ms, self.node, problems.is_empty()) else { return Err(problems) };
        let value = |key: &str| values.iter().find(|(k, _)| *k == key).map_or(0, |(_, v)| *v);
        let event = ScheduledEvent { at_ms, action: self.kind.action(node, value) };
        let problems = event_problems(scenario, &event, replacing);
        if problems.is_empty() { Ok(event) } else { Err(problems) }
    }
}

/// What the scenario's validation says about `event` once in `scenario` (at `replacing`, or added), by field key.
pub fn event_problems(scenario: &Scenario, event: &ScheduledEvent, replacing: Option<usize>) -> Vec<(String, String)> {
    let mut scratch = scenario.clone();
    let index = match replacing.filter(|i| *i < scratch.scheduled.len()) {
        Some(i) => {
            scratch.scheduled[i] = event.clone();
            i
        }
        None => {
            scratch.scheduled.push(event.clone());
            scratch.scheduled.len() - 1
        }
    };
    let prefix = format!("scheduled[{index}]");
    let Err(problems) = scratch.validate() else { return Vec::new() };
    problems
        .into_iter()
        .filter_map(|p| {
            let key = if p.path == "scheduled" {
                AT.to_string()
            } else {
                let rest = p.path.strip_prefix(&prefix)?;
                match rest {
                    ".at_ms" => AT.to_string(),
                    "" | ".action" => NODE.to_string(),
                    other => other.strip_prefix(".action.")?.to_string(),
                }
            };
            Some((key, p.message))
        })
        .collect()
}

/// For each of the scenario's scheduled events, AWS's message if the service refused it when it fired: the
/// run's refusal of the event's stream at the event's time (each refusal answers one event).
pub fn refusals(runner: &crate::runner::Runner, scenario: &Scenario) -> Vec<Option<String>> {
    let mut unused: Vec<&crate::runner::Refusal> = runner.refusals().iter().collect();
    scenario
        .scheduled
        .iter()
        .map(|event| {
            let stream = runner.nodes().stream(event.action.node())?;
            let i = unused.iter().position(|r| r.at_ms == event.at_ms && r.stream == stream)?;
            Some(unused.remove(i).message.clone())
        })
        .collect()
}

/// A shard's place in its stream's lineage, for the view under the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardLine {
    /// `shard 3`.
    pub shard: String,
    /// `OPEN` or `CLOSED`.
    pub state: &'static str,
    /// The shards it came from (one for a split, two for a merge).
    pub parents: Vec<String>,
    /// The shards it became.
    pub children: Vec<String>,
}

/// A stream's status and its shards' lineage, as the service holds them now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lineage {
    /// The stream.
    pub stream: String,
    /// `ACTIVE`, `UPDATING`...
    pub status: &'static str,
    /// Open shards.
    pub open: usize,
    /// Every shard the stream still keeps, oldest first.
    pub shards: Vec<ShardLine>,
}

impl Lineage {
    /// Reads `stream`.
    pub fn of(stream: &shardlab_engine::Stream) -> Self {
        let short = |id: shardlab_engine::ShardId| crate::components::short_id(&id.to_string());
        let shards: Vec<ShardLine> = stream
            .shards()
            .iter()
            .map(|s| ShardLine {
                shard: short(s.id),
                state: if s.is_open() { "OPEN" } else { "CLOSED" },
                parents: s.parent_shard_id.into_iter().chain(s.adjacent_parent_shard_id).map(short).collect(),
                children: s.child_shard_ids.iter().copied().map(short).collect(),
            })
            .collect();
        Self {
            stream: stream.name.clone(),
            status: stream.status.as_str(),
            open: shards.iter().filter(|s| s.state == "OPEN").count(),
            shards,
        }
    }

    /// Whether anything has been resharded (some shard closed or born of another) or a change is under way.
    pub fn changed(&self) -> bool {
        self.status != "ACTIVE" || self.shards.iter().any(|s| s.state == "CLOSED" || !s.parents.is_empty())
    }
}

#[cfg(test)]
mod tests;
