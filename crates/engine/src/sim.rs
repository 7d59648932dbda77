//! The driver: the Kinesis service, the scenario's producers, a timer queue, and the outputs.

use crate::account::{Account, Observation, RunSummary};
use crate::agent::{Agent, AgentConfig, AgentTarget};
use crate::analytics_app::{AnalyticsApp, AnalyticsAppConfig, DestinationKind};
use crate::consumer_app::{ConsumerApp, ConsumerAppConfig, ReadStyle, RecordOutput, ReplayFrom};
use crate::error::{ConfigError, StreamsErrorKind};
use crate::event::Event;
use crate::firehose::{DeliveryStreamConfig, Firehose, FirehoseConfig, Source as FirehoseSource};
use crate::kinesis::StreamFaults;
use crate::kinesis::{
    CreateStreamInput, Kinesis, KinesisConfig, PutRecordInput, PutRecordsEntry, PutRecordsResultEntry, WriteEntry,
};
use crate::limits::{FAN_OUT_VISIBILITY_MS, GET_RECORDS_VISIBILITY_MS, PUT_RECORDS_BYTES_MAX, PUT_RECORDS_RECORDS_MAX};
use crate::limits::{RETENTION_HOURS_MAX, RETENTION_HOURS_MIN, SIM_LOG_RECORDS_MAX_PER_SHARD, SIM_SHARDS_MAX};
use crate::partition_key;
use crate::producer::{ClientStyle, KplConfig, Outgoing};
use crate::producer::{Producer, ProducerConfig, ProducerTotals};
use crate::rng::{CONSUMERS_SALT, PRODUCERS_SALT, Rng};
use crate::shard::Payload;
use crate::shard::ShardId;
use crate::shard_log::WriteKey;
use crate::stream::{Stream, StreamMode};
use crate::template::PayloadTemplate;
use crate::time::{SimDuration, SimTime};
use crate::video::{Video, VideoConfig};
use alloc::collections::{BinaryHeap, VecDeque};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Reverse;

/// The KPL's `RecordTtl`: a user record not sent within this long is dropped.
const KPL_RECORD_TTL_MS: u64 = 30_000;

/// How soon a KPL holding records back for its rate limit tries again.
const KPL_RATE_LIMIT_RECHECK: SimDuration = SimDuration::from_millis(50);

/// Events kept for [`Simulation::poll_event`] before the oldest are dropped.
pub const EVENTS_MAX: usize = 4_096;

/// Everything that determines a run. The same config always gives the same run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimConfig {
    /// The seed of every random draw.
    pub seed: u64,
    /// The scenario's data streams, ACTIVE from time 0, at most [`SIM_STREAMS_MAX`].
    pub streams: Vec<StreamConfig>,
    /// The producers, each writing to one of `streams`.
    pub producers: Vec<ProducerConfig>,
    /// The AWS account id in ARNs and messages.
    pub account_id: String,
    /// The AWS Region in ARNs.
    pub region: String,
    /// The wall-clock instant simulated time 0 stands for, in ms since the Unix epoch
    /// (it appears in sequence numbers and timestamps).
    pub epoch_unix_ms: u64,
    /// How long CREATING, UPDATING and DELETING last for API calls.
    pub transition_delay_ms: u64,
    /// The consumer applications, each reading one of `streams`.
    pub consumers: Vec<ConsumerAppConfig>,
    /// Commands applied at set times (faults, rate changes), so a scenario replays identically.
    pub scheduled: Vec<ScheduledCommand>,
    /// Kinesis Agents tailing simulated application logs into one of `streams` (or into a Direct PUT
    /// delivery stream of `delivery_streams`, when a flow names one).
    pub agents: Vec<AgentConfig>,
    /// Analytics applications (streaming SQL), each reading one of `streams`.
    pub analytics: Vec<AnalyticsAppConfig>,
    /// Firehose delivery streams, ACTIVE from time 0 (none by default).
    pub delivery_streams: Vec<DeliveryStreamConfig>,
    /// Kinesis Video Streams: video streams, cameras and video consumers (none by default).
    pub video: VideoConfig,
}

/// Data streams one simulation may start with (a bound on its work; a scenario has at most 100 nodes).
pub const SIM_STREAMS_MAX: usize = 100;

/// The name of [`SimConfig::default`]'s stream, which default producers and readers use.
pub const DEFAULT_STREAM_NAME: &str = "clickstream";

/// One data stream of a scenario, with its own settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamConfig {
    /// `StreamName`: 1 to 128 of `[a-zA-Z0-9_.-]`, unique in the scenario.
    pub name: String,
    /// Its capacity mode. An on-demand stream starts with [`crate::limits::ON_DEMAND_INITIAL_SHARDS`] shards
    /// whatever `shard_count` says, and scales as [`crate::kinesis::OnDemandStep`] describes.
    pub mode: StreamMode,
    /// Its shard count at creation (provisioned), 1 to [`SIM_SHARDS_MAX`].
    pub shard_count: u32,
    /// `RetentionPeriodHours`, 24 to 8,760.
    pub retention_hours: u32,
    /// Records each shard keeps for reading at most (by default [`SIM_LOG_RECORDS_MAX_PER_SHARD`]); older ones
    /// are dropped first (a simulator bound).
    pub log_records_max_per_shard: u32,
    /// A fault: this percent of writes and reads is throttled whatever the load (0 to 100).
    pub extra_throttle_percent: u8,
    /// How long after a write a record becomes readable with GetRecords (the put-to-get delay).
    pub get_records_visibility_ms: u64,
    /// The same for enhanced fan-out pushes.
    pub fan_out_visibility_ms: u64,
}

impl StreamConfig {
    /// A provisioned stream of `shard_count` shards with the default settings (24 hours' retention, no fault,
    /// the typical put-to-get delays).
    pub fn provisioned(name: &str, shard_count: u32) -> Self {
        Self {
            name: name.into(),
            mode: StreamMode::Provisioned,
            shard_count,
            retention_hours: RETENTION_HOURS_MIN,
            log_records_max_per_shard: SIM_LOG_RECORDS_MAX_PER_SHARD as u32,
            extra_throttle_percent: 0,
            get_records_visibility_ms: GET_RECORDS_VISIBILITY_MS,
            fan_out_visibility_ms: FAN_OUT_VISIBILITY_MS,
        }
    }

    fn problems(&self, out: &mut Vec<String>) {
        let name = &self.name;
        if !(1..=SIM_SHARDS_MAX).contains(&self.shard_count) {
            out.push(format!("Stream '{name}' has {} shards; it needs 1 to {SIM_SHARDS_MAX}.", self.shard_count));
        }
        let name_ok = crate::name::is_resource_name(name, 128);
        if !name_ok {
            out.push(format!("Stream name '{name}' is not allowed: use 1 to 128 letters, digits, '_', '.' or '-'."));
        }
        if !(RETENTION_HOURS_MIN..=RETENTION_HOURS_MAX).contains(&self.retention_hours) {
            out.push(format!(
                "Stream '{name}' keeps records {} hours; retention is {RETENTION_HOURS_MIN} to {RETENTION_HOURS_MAX} hours.",
                self.retention_hours
            ));
        }
        if self.log_records_max_per_shard == 0 {
            out.push(format!("Each shard of '{name}' must keep at least 1 record."));
        } else if self.log_records_max_per_shard as usize > SIM_LOG_RECORDS_MAX_PER_SHARD {
            out.push(format!(
                "Each shard of '{name}' keeps {} records at most; allow 1 to {SIM_LOG_RECORDS_MAX_PER_SHARD}.",
                self.log_records_max_per_shard
            ));
        }
        if self.extra_throttle_percent > 100 {
            out.push(format!(
                "Extra throttling of '{name}' is {} %; it must be 0 to 100 %.",
                self.extra_throttle_percent
            ));
        }
    }

    fn faults(&self) -> StreamFaults {
        StreamFaults {
            extra_throttle_percent: self.extra_throttle_percent,
            get_records_visibility_ms: self.get_records_visibility_ms,
            fan_out_visibility_ms: self.fan_out_visibility_ms,
        }
    }
}

/// Firehose's settings, from the scenario's.
fn firehose_config(config: &SimConfig, seed: u64) -> FirehoseConfig {
    FirehoseConfig {
        account_id: config.account_id.clone(),
        region: config.region.clone(),
        epoch_unix_ms: config.epoch_unix_ms,
        transition_delay_ms: config.transition_delay_ms,
        seed,
    }
}

/// In a build without the `video` feature ([`crate::VIDEO`]), one problem per video stream, camera and video
/// consumer of `video`: such a scenario is refused, never run without them.
fn video_left_out(video: &VideoConfig, problems: &mut Vec<String>) {
    let names = video.streams.iter().map(|s| ("Video stream", &s.name));
    let names = names.chain(video.cameras.iter().map(|c| ("Camera", &c.name)));
    for (what, name) in names.chain(video.consumers.iter().map(|c| ("Video consumer", &c.name))) {
        problems.push(format!(
            "{what} '{name}' needs Video Streams, which this build of the engine leaves out (its `video` feature)."
        ));
    }
}

/// In a build without the `pipelines` feature ([`crate::PIPELINES`]), one problem per delivery stream and
/// Analytics application of `config`: such a scenario is refused, never run without them.
fn pipelines_left_out(config: &SimConfig, problems: &mut Vec<String>) {
    for delivery in &config.delivery_streams {
        problems.push(format!(
            "Delivery stream '{}' needs Firehose, which this build of the engine leaves out (its `pipelines` feature).",
            delivery.name
        ));
    }
    for app in &config.analytics {
        problems.push(format!(
            "Analytics application '{}' needs Analytics SQL, which this build of the engine leaves out (its \
             `pipelines` feature).",
            app.name
        ));
    }
}

/// A command to apply at a simulated time.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct ScheduledCommand {
    /// When, in simulated milliseconds.
    pub at_ms: u64,
    /// What.
    pub command: Command,
}

impl Default for SimConfig {
    fn default() -> Self {
        let kinesis = KinesisConfig::default();
        Self {
            seed: 42,
            streams: alloc::vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 2)],
            producers: alloc::vec![ProducerConfig::default()],
            account_id: kinesis.account_id,
            region: kinesis.region,
            epoch_unix_ms: kinesis.epoch_unix_ms,
            transition_delay_ms: kinesis.transition_delay_ms,
            consumers: Vec::new(),
            scheduled: Vec::new(),
            agents: Vec::new(),
            analytics: Vec::new(),
            delivery_streams: Vec::new(),
            video: VideoConfig::default(),
        }
    }
}

impl SimConfig {
    /// Every problem with this configuration.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        if self.streams.len() > SIM_STREAMS_MAX {
            problems.push(format!(
                "The scenario has {} data streams; a simulation runs at most {SIM_STREAMS_MAX}.",
                self.streams.len()
            ));
        }
        for (i, stream) in self.streams.iter().enumerate().take(SIM_STREAMS_MAX) {
            stream.problems(&mut problems);
            if self.streams[..i].iter().any(|s| s.name == stream.name) {
                problems.push(format!("Two data streams are named '{}'; names must be unique.", stream.name));
            }
        }
        let stream_known = |name: &str| self.streams.iter().any(|s| s.name == name);
        let unknown = |who: String, name: &str| {
            let known: Vec<&str> = self.streams.iter().map(|s| s.name.as_str()).collect();
            format!("{who} uses data stream '{name}', which is not one of the scenario's ({}).", known.join(", "))
        };
        for producer in &self.producers {
            producer.problems(&mut problems);
            if !stream_known(&producer.stream_name) {
                problems.push(unknown(format!("Producer '{}'", producer.name), &producer.stream_name));
            }
        }
        for consumer in &self.consumers {
            consumer.problems(&mut problems);
            if !stream_known(&consumer.stream_name) {
                problems.push(unknown(format!("Consumer '{}'", consumer.name), &consumer.stream_name));
            }
            if let Some(output) = &consumer.output {
                self.output_problems(&format!("Consumer '{}'", consumer.name), output, &mut problems);
                if output.kind == DestinationKind::DataStream && output.stream_name == consumer.stream_name {
                    problems.push(format!(
                        "Consumer '{}' cannot write its results to '{}', the stream it reads.",
                        consumer.name, consumer.stream_name
                    ));
                }
            }
        }
        for agent in &self.agents {
            agent.problems(&mut problems);
            let file = &agent.file_pattern;
            match &agent.delivery_stream {
                Some(name) => match self.delivery_streams.iter().find(|d| d.name == *name) {
                    None => problems.push(format!(
                        "Agent flow {file}: deliveryStream '{name}' is not one of the scenario's delivery streams."
                    )),
                    Some(d) if d.source != FirehoseSource::DirectPut => problems.push(format!(
                        "Agent flow {file}: delivery stream '{name}' reads a data stream, so it takes no PutRecordBatch; \
                         use a Direct PUT delivery stream."
                    )),
                    Some(_) => {}
                },
                None if !stream_known(&agent.kinesis_stream) => {
                    problems.push(unknown(format!("Agent flow {file}"), &agent.kinesis_stream));
                }
                None => {}
            }
        }
        if !crate::PIPELINES {
            pipelines_left_out(self, &mut problems);
        }
        for app in self.analytics.iter().filter(|_| crate::PIPELINES) {
            app.problems(&app.stream_name, &mut problems);
            if !stream_known(&app.stream_name) {
                problems.push(unknown(format!("Analytics application '{}'", app.name), &app.stream_name));
            }
        }
        for (i, delivery) in self.delivery_streams.iter().enumerate().filter(|_| crate::PIPELINES) {
            delivery.problems(&mut problems);
            if self.delivery_streams[..i].iter().any(|d| d.name == delivery.name) {
                problems.push(format!("Two delivery streams are named '{}'; names must be unique.", delivery.name));
            }
            if let FirehoseSource::KinesisStream { stream_name } = &delivery.source
                && !stream_known(stream_name)
            {
                problems.push(unknown(format!("Delivery stream '{}'", delivery.name), stream_name));
            }
        }
        if crate::VIDEO {
            self.video.problems(&mut problems);
        } else {
            video_left_out(&self.video, &mut problems);
        }
        crate::budget::problems(self, &mut problems);
        if problems.is_empty() { Ok(()) } else { Err(ConfigError { problems }) }
    }

    /// Problems with where a consumer sends its results: a data stream of the scenario, or a Direct PUT
    /// delivery stream of it.
    fn output_problems(&self, who: &str, output: &RecordOutput, problems: &mut Vec<String>) {
        let name = &output.stream_name;
        match output.kind {
            DestinationKind::DataStream if !self.streams.iter().any(|s| s.name == *name) => {
                problems.push(format!("{who} writes to data stream '{name}', which is not one of the scenario's."));
            }
            DestinationKind::Firehose => match self.delivery_streams.iter().find(|d| d.name == *name) {
                None => problems
                    .push(format!("{who} writes to delivery stream '{name}', which is not one of the scenario's.")),
                Some(d) if d.source != FirehoseSource::DirectPut => problems.push(format!(
                    "{who} writes to delivery stream '{name}', which reads a data stream; use a Direct PUT delivery stream."
                )),
                Some(_) => {}
            },
            DestinationKind::DataStream => {}
        }
    }

    /// The configuration of the data stream `name`.
    pub fn stream(&self, name: &str) -> Option<&StreamConfig> {
        self.streams.iter().find(|s| s.name == name)
    }
}

/// A change to a running simulation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
pub enum Command {
    /// Set a producer's PutRecord rate from now on.
    SetProducerRate {
        /// The producer's position in [`SimConfig::producers`].
        producer: u32,
        /// The new rate; 0 pauses it.
        records_per_sec: u32,
    },
    /// A Kinesis Agent restarts: what it buffered is lost and it resumes from its checkpoint.
    RestartAgent {
        /// The agent's position in [`SimConfig::agents`].
        agent: u32,
    },
    /// A worker joins a KCL application.
    AddWorker {
        /// The application's position in [`SimConfig::consumers`].
        consumer: u32,
    },
    /// A worker of a KCL application crashes: its work since the last checkpoint will be done again.
    CrashWorker {
        /// The application's position in [`SimConfig::consumers`].
        consumer: u32,
        /// The worker's id.
        worker: u32,
    },
    /// A consumer application is moved on one shard (a replay, or a skip ahead): see
    /// [`Simulation::replay_consumer`].
    ReplayConsumer {
        /// The application's position in [`SimConfig::consumers`].
        consumer: u32,
        /// The shard's index (`shardId-000000000003` is 3).
        shard: u32,
        /// Where it reads from next.
        from: crate::consumer_app::ReplayFrom,
    },
    /// A Firehose destination goes down: every delivery attempt fails for `duration_ms`.
    DestinationOutage {
        /// The delivery stream's name.
        delivery_stream: String,
        /// How long, from now.
        duration_ms: u64,
    },
    /// A Firehose destination slows down: each delivery attempt takes `delay_ms` longer for `duration_ms`
    /// (an HTTP endpoint or Splunk slower than its timeout times out, and the retry duplicates).
    DestinationSlowdown {
        /// The delivery stream's name.
        delivery_stream: String,
        /// Extra latency per attempt.
        delay_ms: u64,
        /// How long, from now.
        duration_ms: u64,
    },
    /// UpdateShardCount (`UNIFORM_SCALING`) of a data stream, with the service's rules (half to double, 10
    /// a day, ACTIVE, provisioned only). Like every stream change below, the outcome is an
    /// [`Event::StreamChangeAccepted`] or an [`Event::StreamChangeRefused`] with AWS's error.
    UpdateShardCount {
        /// The stream's name.
        stream_name: String,
        /// The target shard count.
        target_shards: u32,
    },
    /// SplitShard of `shardId-<shard>` at the midpoint of its hash key range.
    SplitShard {
        /// The stream's name.
        stream_name: String,
        /// The number in the shard's id.
        shard: u32,
    },
    /// MergeShards of `shardId-<shard>` with `shardId-<adjacent_shard>`.
    MergeShards {
        /// The stream's name.
        stream_name: String,
        /// The number in the first shard's id.
        shard: u32,
        /// The number in the adjacent shard's id.
        adjacent_shard: u32,
    },
    /// IncreaseStreamRetentionPeriod or DecreaseStreamRetentionPeriod, whichever reaches `hours`.
    SetRetention {
        /// The stream's name.
        stream_name: String,
        /// The new retention period in hours.
        hours: u32,
    },
    /// UpdateStreamMode (at most two switches per stream in 24 hours).
    UpdateStreamMode {
        /// The stream's name.
        stream_name: String,
        /// The new capacity mode.
        mode: StreamMode,
    },
    /// A camera's network drops its PutMedia connection for `duration_ms`; its SDK then reconnects and resends
    /// from the oldest fragment not acknowledged as kept.
    DropCameraConnection {
        /// The camera's position in [`VideoConfig::cameras`].
        camera: u32,
        /// How long, from now.
        duration_ms: u64,
    },
}

/// Whether an [`Simulation::advance_to_bounded`] call got all the way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Advance {
    /// The clock reached the target.
    Reached,
    /// The timer budget ran out first; the clock stands at the last timer handled.
    BudgetExhausted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    /// Closes the metrics second that ends at this instant.
    CloseSecond,
    /// Enhanced fan-out subscriptions push their next events.
    PushSubscriptions,
    /// A producer's next record, valid only while the producer is still in `generation`.
    Produce { producer: u32, generation: u64 },
    /// A producer's batch (or KPL buffer) has lingered long enough; valid while still in `generation`.
    Flush { producer: u32, generation: u64 },
    /// A producer's backoff before a retry has ended.
    Retry { producer: u32, id: u64 },
    /// A consumer application looks for new shards and balances its leases.
    ConsumerSync { consumer: u32 },
    /// A consumer application's reader of a shard takes its turn, valid while still in `generation`.
    ReaderDue { consumer: u32, shard: u32, generation: u64 },
    /// The scheduled command at this position of [`SimConfig::scheduled`].
    Scheduled { index: u32 },
    /// A Kinesis Agent looks at its file and sends what is due.
    AgentPoll { agent: u32 },
    /// An analytics application looks for new shards and closes windows that are due.
    AnalyticsSync { app: u32 },
    /// An analytics application's reader of a shard takes its turn, valid while still in `generation`.
    AnalyticsDue { app: u32, shard: u32, generation: u64 },
}

/// How a write of one outgoing record ended, as the client sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Written,
    Throttled,
    Failed,
}

/// A deterministic simulation of Kinesis Data Streams.
///
/// # Run loop
///
/// 1. Create it with [`Simulation::new`]; the scenario's stream is ACTIVE at time 0.
/// 2. Feed inputs: [`Simulation::apply`] for commands, [`Simulation::kinesis_mut`] for API calls
///    (pass [`Simulation::now`] as their time).
/// 3. Move time with [`Simulation::advance_to`] (or the bounded variant, to cap work per call).
///    [`Simulation::next_deadline`] says when the next timer fires.
/// 4. Drain [`Simulation::poll_event`] until it returns `None`, and read state through the accessors.
///
/// # Time
///
/// Time only moves forward. A target earlier than `now` is ignored (a no-op), so callers need not clamp.
/// Nothing here reads a clock or an entropy source: the run is a pure function of the [`SimConfig`]
/// and the inputs.
#[derive(Clone, Debug)]
pub struct Simulation {
    config: SimConfig,
    now: SimTime,
    kinesis: Kinesis,
    producers: Vec<Producer>,
    consumers: Vec<ConsumerApp>,
    agents: Vec<Agent>,
    analytics: Vec<AnalyticsApp>,
    timers: BinaryHeap<Reverse<(SimTime, u64, Timer)>>,
    timers_scheduled: u64,
    events: VecDeque<Event>,
    events_dropped: u64,
    firehose: Firehose,
    video: Video,
    account: Account,
}

impl Simulation {
    /// Builds a simulation, or lists every problem with `config`.
    pub fn new(config: SimConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        // Streams an API call creates, and Analytics outputs to a stream the scenario does not define, take
        // the default stream's faults and delays.
        let defaults = StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1);
        let mut kinesis = Kinesis::new(KinesisConfig {
            account_id: config.account_id.clone(),
            region: config.region.clone(),
            epoch_unix_ms: config.epoch_unix_ms,
            transition_delay_ms: config.transition_delay_ms,
            extra_throttle_percent: defaults.extra_throttle_percent,
            get_records_visibility_ms: defaults.get_records_visibility_ms,
            fan_out_visibility_ms: defaults.fan_out_visibility_ms,
            fault_seed: config.seed,
            ..KinesisConfig::default()
        });
        // Each stream's configured log bound, lowered to fit the scenario's memory ceiling.
        let affordable_log_records = crate::budget::estimate(&config).log_records_per_shard;
        for stream in &config.streams {
            let input = match stream.mode {
                StreamMode::Provisioned => CreateStreamInput::provisioned(&stream.name, stream.shard_count),
                StreamMode::OnDemand => CreateStreamInput::on_demand(&stream.name),
            };
            kinesis
                .create_active_stream(SimTime::ZERO, input)
                .map_err(|e| ConfigError { problems: alloc::vec![e.message] })?;
            let log_records = u64::from(stream.log_records_max_per_shard).min(affordable_log_records);
            let log_records = usize::try_from(log_records).unwrap_or(usize::MAX);
            kinesis.configure_stream(&stream.name, stream.faults(), stream.retention_hours, log_records);
        }
        let producers = config
            .producers
            .iter()
            .zip(0u64..)
            .map(|(p, i)| Producer::new(p.clone(), Rng::derive(config.seed, PRODUCERS_SALT.wrapping_add(i))))
            .collect();
        let agents = config
            .agents
            .iter()
            .zip(0u64..)
            .map(|(a, i)| Agent::new(a.clone(), Rng::derive(config.seed, crate::rng::AGENTS_SALT.wrapping_add(i))))
            .collect();
        let consumers = config
            .consumers
            .iter()
            .zip(0u64..)
            .map(|(c, i)| ConsumerApp::new(c.clone(), Rng::derive(config.seed, CONSUMERS_SALT.wrapping_add(i))))
            .collect();
        // Without the `pipelines` feature `validate` refused any application or delivery stream.
        let analytics = config
            .analytics
            .iter()
            .filter(|_| crate::PIPELINES)
            .zip(0u64..)
            .map(|(a, i)| {
                let rng = Rng::derive(config.seed, crate::rng::ANALYTICS_SALT.wrapping_add(i));
                AnalyticsApp::new(a.clone(), rng, config.epoch_unix_ms)
            })
            .collect();
        let mut firehose = Firehose::new(firehose_config(&config, config.seed));
        for delivery in config.delivery_streams.iter().filter(|_| crate::PIPELINES) {
            firehose
                .create_active(SimTime::ZERO, delivery.clone(), &kinesis)
                .map_err(|e| ConfigError { problems: alloc::vec![e.message] })?;
        }
        let video = Video::new(&config.video, &config.account_id, &config.region, config.epoch_unix_ms);
        let mut sim = Self {
            firehose,
            video,
            now: SimTime::ZERO,
            kinesis,
            producers,
            consumers,
            agents,
            analytics,
            timers: BinaryHeap::new(),
            timers_scheduled: 0,
            events: VecDeque::new(),
            events_dropped: 0,
            account: Account::default(),
            config,
        };
        let created: Vec<Event> = (sim.config.streams.iter())
            .map(|s| Event::StreamCreated {
                at: SimTime::ZERO,
                stream_name: s.name.clone(),
                shard_count: sim.kinesis.stream(&s.name).map_or(s.shard_count, Stream::open_shard_count),
            })
            .collect();
        for event in created {
            sim.push_event(event);
        }
        sim.schedule(SimTime::ZERO + SimDuration::SECOND, Timer::CloseSecond);
        sim.schedule(SimTime::ZERO + crate::kinesis::PUSH_INTERVAL, Timer::PushSubscriptions);
        for index in 0..sim.producers.len() {
            sim.schedule_producer(index);
        }
        for index in 0..sim.consumers.len() {
            let begins = SimTime::from_millis(sim.consumers[index].config.begins_at_ms);
            sim.schedule(begins, Timer::ConsumerSync { consumer: index as u32 });
        }
        for index in 0..sim.agents.len() {
            sim.schedule(SimTime::ZERO + crate::agent::POLL_INTERVAL, Timer::AgentPoll { agent: index as u32 });
        }
        for index in 0..sim.analytics.len() {
            if let Some(d) = &sim.analytics[index].config.destination {
                let firehose = d.kind == crate::analytics_app::DestinationKind::Firehose;
                if firehose && sim.firehose.delivery_stream(&d.stream_name).is_none() {
                    let problem = format!(
                        "Analytics application '{}' writes to delivery stream '{}', which the scenario does not define.",
                        sim.analytics[index].config.name, d.stream_name
                    );
                    return Err(ConfigError { problems: alloc::vec![problem] });
                }
                if !firehose && sim.kinesis.stream(&d.stream_name).is_none() {
                    let stream = CreateStreamInput::provisioned(&d.stream_name, 1);
                    sim.kinesis
                        .create_active_stream(SimTime::ZERO, stream)
                        .map_err(|e| ConfigError { problems: alloc::vec![e.message] })?;
                }
            }
            sim.schedule(SimTime::ZERO, Timer::AnalyticsSync { app: index as u32 });
        }
        for (index, scheduled) in sim.config.scheduled.clone().iter().enumerate() {
            sim.schedule(SimTime::from_millis(scheduled.at_ms), Timer::Scheduled { index: index as u32 });
        }
        Ok(sim)
    }

    /// A simulation of the bare service: no stream and no producers until API calls create them.
    /// This is what an AWS-API session (the CLI's `shardlab api`, the playground's API console) starts from.
    pub fn service_only(seed: u64, kinesis: KinesisConfig) -> Self {
        let config = SimConfig {
            seed,
            streams: Vec::new(),
            producers: Vec::new(),
            account_id: kinesis.account_id.clone(),
            region: kinesis.region.clone(),
            epoch_unix_ms: kinesis.epoch_unix_ms,
            transition_delay_ms: kinesis.transition_delay_ms,
            ..SimConfig::default()
        };
        let firehose = Firehose::new(firehose_config(&config, seed));
        let video = Video::new(&config.video, &config.account_id, &config.region, config.epoch_unix_ms);
        let mut sim = Self {
            firehose,
            video,
            now: SimTime::ZERO,
            kinesis: Kinesis::new(kinesis),
            producers: Vec::new(),
            consumers: Vec::new(),
            agents: Vec::new(),
            analytics: Vec::new(),
            timers: BinaryHeap::new(),
            timers_scheduled: 0,
            events: VecDeque::new(),
            events_dropped: 0,
            account: Account::default(),
            config,
        };
        sim.schedule(SimTime::ZERO + SimDuration::SECOND, Timer::CloseSecond);
        sim.schedule(SimTime::ZERO + crate::kinesis::PUSH_INTERVAL, Timer::PushSubscriptions);
        sim
    }

    /// The configuration this run started from.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The scenario's first data stream, unless an API call deleted it (see [`Self::stream_named`]).
    pub fn stream(&self) -> Option<&Stream> {
        self.kinesis.stream(&self.config.streams.first()?.name)
    }

    /// A data stream by name, unless an API call deleted it.
    pub fn stream_named(&self, name: &str) -> Option<&Stream> {
        self.kinesis.stream(name)
    }

    /// The Kinesis service, for reading.
    pub fn kinesis(&self) -> &Kinesis {
        &self.kinesis
    }

    /// The Kinesis service, for API calls at [`Self::now`].
    pub fn kinesis_mut(&mut self) -> &mut Kinesis {
        &mut self.kinesis
    }

    /// Amazon Data Firehose, for reading (delivery streams, buffers, what destinations received).
    pub fn firehose(&self) -> &Firehose {
        &self.firehose
    }

    /// Amazon Data Firehose, for API calls at [`Self::now`].
    pub fn firehose_mut(&mut self) -> &mut Firehose {
        &mut self.firehose
    }

    /// Kinesis Video Streams, for reading (video streams and their fragments, cameras, video consumers).
    pub fn video(&self) -> &Video {
        &self.video
    }

    /// Kinesis Video Streams, for API calls at [`Self::now`].
    pub fn video_mut(&mut self) -> &mut Video {
        &mut self.video
    }

    /// Both services at once, for a Firehose call that checks a data stream (CreateDeliveryStream).
    pub fn services_mut(&mut self) -> (&mut Kinesis, &mut Firehose) {
        (&mut self.kinesis, &mut self.firehose)
    }

    /// The Kinesis Agents, in configuration order.
    pub fn agents(&self) -> &[Agent] {
        &self.agents
    }

    /// The consumer applications, in configuration order.
    pub fn consumers(&self) -> &[ConsumerApp] {
        &self.consumers
    }

    /// Native tests only: the consumer applications, to change.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn consumers_mut(&mut self) -> &mut [ConsumerApp] {
        &mut self.consumers
    }

    /// The analytics applications, in configuration order.
    pub fn analytics(&self) -> &[AnalyticsApp] {
        &self.analytics
    }

    /// The producers, in configuration order.
    pub fn producers(&self) -> impl ExactSizeIterator<Item = (&ProducerConfig, ProducerTotals)> {
        self.producers.iter().map(|p| (&p.config, p.totals))
    }

    /// The running producer at `index`, for tests that look at a client's internals.
    #[cfg(test)]
    pub(crate) fn producer_state(&self, index: usize) -> &Producer {
        &self.producers[index]
    }

    /// When the next timer fires. There is always one: metrics close every second.
    pub fn next_deadline(&self) -> Option<SimTime> {
        let timer = self.timers.peek().map(|Reverse((at, _, _))| *at);
        let services = [self.kinesis.next_deadline(), self.firehose.next_deadline(), self.video.next_deadline()];
        [timer].into_iter().chain(services).flatten().min()
    }

    /// Applies a command at the current time.
    pub fn apply(&mut self, command: Command) -> Result<(), ConfigError> {
        match command {
            Command::SetProducerRate { producer, records_per_sec } => {
                let index = producer as usize;
                let Some(p) = self.producers.get_mut(index) else {
                    return Err(ConfigError {
                        problems: alloc::vec![format!(
                            "There is no producer {producer}; this scenario has {}.",
                            self.producers.len()
                        )],
                    });
                };
                let candidate = ProducerConfig {
                    rate: crate::workload::RateProfile::Constant { records_per_sec },
                    ..p.config.clone()
                };
                candidate.validate()?;
                p.set_rate(self.now, records_per_sec);
                self.schedule_producer(index);
                Ok(())
            }
            Command::RestartAgent { agent } => {
                let count = self.agents.len();
                let Some(a) = self.agents.get_mut(agent as usize) else {
                    return Err(ConfigError {
                        problems: alloc::vec![format!("There is no agent {agent}; this scenario has {count}.")],
                    });
                };
                a.buffer.clear();
                a.buffer_since = None;
                a.read = a.checkpoint;
                a.totals.restarts += 1;
                Ok(())
            }
            Command::AddWorker { consumer } => {
                let app = self.kcl_app(consumer)?;
                app.add_worker();
                Ok(())
            }
            Command::DestinationOutage { delivery_stream, duration_ms } => self
                .firehose
                .set_outage(self.now, &delivery_stream, duration_ms)
                .map_err(|e| ConfigError { problems: alloc::vec![e.message] }),
            Command::DestinationSlowdown { delivery_stream, delay_ms, duration_ms } => self
                .firehose
                .set_slowdown(self.now, &delivery_stream, delay_ms, duration_ms)
                .map_err(|e| ConfigError { problems: alloc::vec![e.message] }),
            Command::ReplayConsumer { consumer, shard, from } => self.replay_consumer(consumer, shard, from).map(drop),
            Command::UpdateShardCount { stream_name, target_shards } => {
                let change = format!("UpdateShardCount to {target_shards} shards");
                let outcome = self.kinesis.update_shard_count(self.now, &stream_name, target_shards).map(drop);
                self.stream_change(stream_name, change, outcome)
            }
            Command::SplitShard { stream_name, shard } => {
                let id = ShardId(shard).to_string();
                let change = format!("SplitShard of {id}");
                let outcome = match self.kinesis.stream(&stream_name).and_then(|s| s.shard(ShardId(shard))) {
                    Some(found) => {
                        let range = found.hash_key_range;
                        // The upper child starts just past the middle (a range too narrow to split is refused).
                        let half = (range.ending_hash_key - range.starting_hash_key) / 2;
                        let midpoint = range.starting_hash_key.saturating_add(half).saturating_add(1);
                        self.kinesis.split_shard(self.now, &stream_name, &id, midpoint)
                    }
                    // The service answers an unknown shard (or stream) itself.
                    None => self.kinesis.split_shard(self.now, &stream_name, &id, 0),
                };
                self.stream_change(stream_name, change, outcome)
            }
            Command::MergeShards { stream_name, shard, adjacent_shard } => {
                let (id, adjacent) = (ShardId(shard).to_string(), ShardId(adjacent_shard).to_string());
                let change = format!("MergeShards of {id} and {adjacent}");
                let outcome = self.kinesis.merge_shards(self.now, &stream_name, &id, &adjacent);
                self.stream_change(stream_name, change, outcome)
            }
            Command::SetRetention { stream_name, hours } => {
                let current = self.kinesis.stream(&stream_name).map_or(0, |s| s.retention_hours);
                let (change, outcome) = if hours < current {
                    let outcome = self.kinesis.decrease_retention(self.now, &stream_name, hours);
                    (format!("DecreaseStreamRetentionPeriod to {hours} hours"), outcome)
                } else {
                    let outcome = self.kinesis.increase_retention(self.now, &stream_name, hours);
                    (format!("IncreaseStreamRetentionPeriod to {hours} hours"), outcome)
                };
                self.stream_change(stream_name, change, outcome)
            }
            Command::UpdateStreamMode { stream_name, mode } => {
                let change = format!("UpdateStreamMode to {}", mode.as_str());
                let outcome = self.kinesis.update_stream_mode(self.now, &stream_name, mode, None);
                self.stream_change(stream_name, change, outcome)
            }
            Command::DropCameraConnection { camera, duration_ms } => {
                let outcome = self.video.drop_connection(self.now, camera as usize, duration_ms);
                for (at, what) in self.video.take_observations() {
                    self.account.observe(at, what);
                }
                outcome.map_err(|problem| ConfigError { problems: alloc::vec![problem] })
            }
            Command::CrashWorker { consumer, worker } => {
                let now = self.now;
                let app = self.kcl_app(consumer)?;
                if app.crash_worker(worker, now) {
                    Ok(())
                } else {
                    Err(ConfigError {
                        problems: alloc::vec![format!(
                            "Consumer '{}' has no running worker {worker}.",
                            app.config.name
                        )],
                    })
                }
            }
        }
    }

    /// Moves consumer application `consumer` on shard `shard` of its stream to `from`, through the calls a
    /// real application makes (GetShardIterator, SubscribeToShard, or a moved KCL checkpoint): it reads every record from there on
    /// again. Returns the sequence counter it reads next; on error nothing changes.
    pub fn replay_consumer(&mut self, consumer: u32, shard: u32, from: ReplayFrom) -> Result<u64, ConfigError> {
        let count = self.consumers.len();
        let Some(app) = self.consumers.get_mut(consumer as usize) else {
            return Err(ConfigError {
                problems: alloc::vec![format!("There is no consumer {consumer}; this scenario has {count}.")],
            });
        };
        let stream_name = app.config.stream_name.clone();
        app.reposition(&mut self.kinesis, self.now, &stream_name, ShardId(shard), from)
            .map_err(|problem| ConfigError { problems: alloc::vec![problem] })
    }

    /// Reports a stream change's outcome as an event; a refusal is also the command's error, with AWS's
    /// exception name and message.
    fn stream_change(
        &mut self,
        stream_name: String,
        change: String,
        outcome: Result<(), crate::StreamsError>,
    ) -> Result<(), ConfigError> {
        let at = self.now;
        match outcome {
            Ok(()) => {
                self.push_event(Event::StreamChangeAccepted { at, stream_name, change });
                Ok(())
            }
            Err(e) => {
                let problem = format!("{change} of '{stream_name}' was refused: {}: {}", e.kind.aws_name(), e.message);
                let error_type = e.kind.aws_name();
                self.push_event(Event::StreamChangeRefused { at, stream_name, change, error_type, message: e.message });
                Err(ConfigError { problems: alloc::vec![problem] })
            }
        }
    }

    /// The KCL application at `consumer`, or why there is none.
    fn kcl_app(&mut self, consumer: u32) -> Result<&mut ConsumerApp, ConfigError> {
        let count = self.consumers.len();
        match self.consumers.get_mut(consumer as usize) {
            Some(app) if matches!(app.config.style, ReadStyle::Kcl(_)) => Ok(app),
            Some(app) => Err(ConfigError {
                problems: alloc::vec![format!(
                    "Consumer '{}' is not a KCL application; only those have workers.",
                    app.config.name
                )],
            }),
            None => Err(ConfigError {
                problems: alloc::vec![format!("There is no consumer {consumer}; this scenario has {count}.")],
            }),
        }
    }

    /// PutRecord to the scenario's first stream at the current time.
    pub fn put_record(
        &mut self,
        input: PutRecordInput,
    ) -> Result<crate::kinesis::PutRecordOutput, crate::StreamsError> {
        let name = self.config.streams.first().map(|s| s.name.clone()).unwrap_or_default();
        self.kinesis.put_record(self.now, &name, input, None)
    }

    /// Runs every timer due up to `target`, then sets the clock to `target`.
    pub fn advance_to(&mut self, target: SimTime) {
        while self.advance_to_bounded(target, u32::MAX) == Advance::BudgetExhausted {}
    }

    /// Timers handled so far in the run: the work it has done, for a caller bounding a whole run's work.
    pub fn timers_fired(&self) -> u64 {
        self.timers_scheduled - self.timers.len() as u64
    }

    /// Like [`Self::advance_to`] but handles at most `timers_max` timers, so a caller can bound work per frame.
    pub fn advance_to_bounded(&mut self, target: SimTime, timers_max: u32) -> Advance {
        let mut handled = 0;
        loop {
            let service_due = self.kinesis.next_deadline().filter(|at| *at <= target);
            let timer_due = self.timers.peek().map(|Reverse((at, _, _))| *at).filter(|at| *at <= target);
            // Firehose runs after the data streams' timers of the same instant (and, with no delivery
            // stream, never: runs without Firehose are unchanged).
            let firehose_due = self.firehose.next_deadline().filter(|at| *at <= target);
            // Video Streams runs last, and without a video stream never.
            let video_due = self.video.next_deadline().filter(|at| *at <= target);
            let Some(at) = [service_due, timer_due, firehose_due, video_due].into_iter().flatten().min() else {
                break;
            };
            if handled == timers_max {
                return Advance::BudgetExhausted;
            }
            self.now = self.now.max(at);
            if service_due == Some(at) {
                self.kinesis.complete_due(self.now);
            } else if timer_due == Some(at) {
                match self.timers.pop() {
                    Some(Reverse((_, _, Timer::Produce { producer, generation }))) => {
                        // Counted as the timers they stand for; the loop below counts the last one.
                        handled += self.produce_run(producer, generation, target, timers_max - handled) - 1;
                    }
                    Some(Reverse((_, _, timer))) => self.fire(timer),
                    None => {}
                }
            } else if firehose_due == Some(at) {
                self.firehose.complete_due(self.now, &mut self.kinesis);
                for event in self.firehose.take_events() {
                    self.push_event(event);
                }
            } else {
                self.video.complete_due(self.now);
                for (at, what) in self.video.take_observations() {
                    self.account.observe(at, what);
                }
            }
            handled += 1;
        }
        self.now = self.now.max(target);
        Advance::Reached
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The next observation of the run's account, oldest first (see [`crate::account`]).
    pub fn poll_observation(&mut self) -> Option<Observation> {
        self.account.poll()
    }

    /// The run's account: observations dropped, the latest closed second's figures.
    pub fn account(&self) -> &Account {
        &self.account
    }

    /// The run so far, per entity (exact at [`Self::now`]).
    pub fn summary(&self) -> RunSummary {
        self.account.summary(self)
    }

    /// Events dropped because nobody drained them in time (more than [`EVENTS_MAX`] were waiting).
    pub fn events_dropped(&self) -> u64 {
        self.events_dropped
    }

    fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.timers.push(Reverse((at, self.timers_scheduled, timer)));
        self.timers_scheduled += 1;
    }

    fn schedule_producer(&mut self, index: usize) {
        let producer = &self.producers[index];
        if let Some(due) = producer.next_due() {
            let timer = Timer::Produce { producer: index as u32, generation: producer.generation };
            self.schedule(due, timer);
        }
    }

    fn push_event(&mut self, event: Event) {
        self.account.on_event(&event);
        if self.events.len() == EVENTS_MAX {
            self.events.pop_front();
            self.events_dropped += 1;
        }
        self.events.push_back(event);
    }

    fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::CloseSecond => self.close_second(),
            Timer::PushSubscriptions => {
                if self.kinesis.has_live_subscriptions() {
                    self.kinesis.push_subscriptions(self.now);
                }
                self.schedule(self.now + crate::kinesis::PUSH_INTERVAL, Timer::PushSubscriptions);
            }
            Timer::Produce { producer, generation } => {
                let index = producer as usize;
                if self.producers[index].generation == generation {
                    self.produce(index);
                    self.schedule_producer(index);
                }
            }
            Timer::Flush { producer, generation } => {
                let index = producer as usize;
                if self.producers[index].batch_generation == generation {
                    self.flush(index);
                }
            }
            Timer::Retry { producer, id } => self.retry(producer as usize, id),
            Timer::ConsumerSync { consumer } => {
                let index = consumer as usize;
                let app = &mut self.consumers[index];
                app.deliver(&mut self.kinesis, &mut self.firehose, self.now);
                let stream_name = app.config.stream_name.clone();
                let wake = app.sync(&mut self.kinesis, self.now, &stream_name);
                for (shard, generation, at) in wake {
                    self.schedule(at, Timer::ReaderDue { consumer, shard: shard.0, generation });
                }
                self.schedule(self.now + SimDuration::SECOND, Timer::ConsumerSync { consumer });
            }
            Timer::ReaderDue { consumer, shard, generation } => {
                let app = &mut self.consumers[consumer as usize];
                let stream_name = app.config.stream_name.clone();
                let next = app.on_due(&mut self.kinesis, self.now, &stream_name, ShardId(shard), generation);
                if let Some(at) = next {
                    self.schedule(at, Timer::ReaderDue { consumer, shard, generation });
                }
            }
            Timer::AgentPoll { agent } => {
                self.agent_poll(agent as usize);
                self.schedule(self.now + crate::agent::POLL_INTERVAL, Timer::AgentPoll { agent });
            }
            Timer::AnalyticsSync { app } => {
                let analytics = &mut self.analytics[app as usize];
                analytics.tick(self.now);
                analytics.deliver(&mut self.kinesis, &mut self.firehose, self.now);
                let stream_name = analytics.config.stream_name.clone();
                for (shard, generation, at) in analytics.sync(&mut self.kinesis, self.now, &stream_name) {
                    self.schedule(at, Timer::AnalyticsDue { app, shard: shard.0, generation });
                }
                self.schedule(self.now + SimDuration::SECOND, Timer::AnalyticsSync { app });
            }
            Timer::AnalyticsDue { app, shard, generation } => {
                let analytics = &mut self.analytics[app as usize];
                let stream = analytics.config.stream_name.clone();
                if let Some(at) = analytics.on_due(&mut self.kinesis, self.now, &stream, ShardId(shard), generation) {
                    self.schedule(at, Timer::AnalyticsDue { app, shard, generation });
                }
            }
            Timer::Scheduled { index } => {
                if let Some(scheduled) = self.config.scheduled.get(index as usize).cloned() {
                    // A scheduled command that cannot apply is skipped: the scenario was validated up front.
                    let _ = self.apply(scheduled.command);
                }
            }
        }
    }

    /// A producer's due emission, and the ones after it that would be the next thing to happen anyway
    /// (before every other timer, service and Firehose deadline, at or before `target`, within `budget`
    /// timers), made in a row without a timer each. Returns the emissions made.
    fn produce_run(&mut self, producer: u32, generation: u64, target: SimTime, budget: u32) -> u32 {
        let index = producer as usize;
        if self.producers[index].generation != generation {
            return 1;
        }
        let mut made = 0;
        // The services' deadlines, and the producer's API calls when they were read: an emission that sent
        // nothing changed neither service, so they are read again only after a call.
        let mut deadlines: Option<(u64, Option<SimTime>, Option<SimTime>)> = None;
        loop {
            self.produce(index);
            made += 1;
            let Some(due) = self.producers[index].next_due() else {
                return made;
            };
            let next = self.timers.peek().map(|Reverse((at, _, _))| *at);
            let api_calls = self.producers[index].totals.api_calls;
            let (service_due, firehose_due) = match deadlines {
                Some((calls, service, firehose)) if calls == api_calls => (service, firehose),
                _ => {
                    let (service, firehose) = (self.kinesis.next_deadline(), self.firehose.next_deadline());
                    deadlines = Some((api_calls, service, firehose));
                    (service, firehose)
                }
            };
            let inline = made < budget
                && due <= target
                && next.is_none_or(|at| due < at)
                && service_due.is_none_or(|at| due < at)
                && firehose_due.is_none_or(|at| due < at);
            if !inline {
                self.schedule(due, Timer::Produce { producer, generation });
                return made;
            }
            self.now = self.now.max(due);
        }
    }

    fn produce(&mut self, index: usize) {
        let now = self.now;
        let Some(record) = self.producers[index].emit(now) else {
            return;
        };
        let producer = &mut self.producers[index];
        if producer.outstanding >= crate::producer::OUTSTANDING_RECORDS_MAX {
            producer.totals.dropped += 1;
            return;
        }
        producer.outstanding += 1;
        let outgoing = Outgoing::plain(record);
        match self.producers[index].config.client {
            ClientStyle::PutRecord => self.send_one(index, outgoing),
            ClientStyle::PutRecords { batch_max_records, linger_ms } => {
                let producer = &mut self.producers[index];
                if producer.batch.is_empty() {
                    // A batch fills up to its maximum: grown once, not by doubling (each step copied it).
                    producer.batch.reserve(batch_max_records.min(PUT_RECORDS_RECORDS_MAX as u32) as usize);
                }
                producer.batch.push(outgoing);
                if producer.batch.len() == 1 {
                    let timer = Timer::Flush { producer: index as u32, generation: producer.batch_generation };
                    self.schedule(now + SimDuration::from_millis(u64::from(linger_ms)), timer);
                }
                if self.producers[index].batch.len() >= batch_max_records as usize {
                    self.flush(index);
                }
            }
            ClientStyle::Kpl(kpl) => self.aggregate(index, outgoing, kpl),
        }
    }

    /// KPL: adds a user record to the aggregate of the shard its key maps to, sealing the aggregate first
    /// if the record would take it past `AggregationMaxSize`. The aggregate's length is kept up to date,
    /// so each record costs one keyed lookup.
    fn aggregate(&mut self, index: usize, outgoing: Outgoing, kpl: KplConfig) {
        let now = self.now;
        let record = outgoing.first;
        let hash_key =
            record.key.explicit_hash_key.unwrap_or_else(|| partition_key::hash_key(&record.key.partition_key));
        let shard = self.producer_shard(index, hash_key);
        let producer = &mut self.producers[index];
        producer.work_units += 1;
        let was_idle =
            producer.sealed_since_flush == 0 && producer.sealed.is_empty() && producer.aggregating.is_empty();
        let pending = producer.aggregating.get_or_default(shard);
        let with_it = pending.len.bytes_with(&record.key.partition_key, record.bytes);
        if !pending.user_records.is_empty() && with_it > u64::from(kpl.aggregation_max_bytes) {
            let sealed = core::mem::take(pending).seal();
            producer.sealed.get_or_default(shard).extend(sealed);
            producer.sealed_since_flush += 1;
        }
        let pending = producer.aggregating.get_or_default(shard);
        pending.len.add(&record.key.partition_key, record.bytes);
        pending.user_records.push(record);
        if was_idle {
            let timer = Timer::Flush { producer: index as u32, generation: producer.batch_generation };
            self.schedule(now + SimDuration::from_millis(u64::from(kpl.record_max_buffered_time_ms)), timer);
        }
        if self.producers[index].sealed_since_flush >= kpl.collection_max_count {
            self.flush(index);
        }
    }

    /// The shard of producer `index`'s stream that `hash_key` maps to (0 when the stream is gone).
    fn producer_shard(&self, index: usize, hash_key: u128) -> u32 {
        let stream = self.kinesis.stream(&self.producers[index].config.stream_name);
        stream.and_then(|s| s.shard_for_hash_key(hash_key)).map_or(0, |s| s.id.0)
    }

    /// Sends everything a batching client holds as PutRecords calls; the KPL seals its aggregates and sends
    /// each shard's in order while its rate limit allows.
    fn flush(&mut self, index: usize) {
        let producer = &mut self.producers[index];
        producer.batch_generation += 1;
        let ClientStyle::Kpl(kpl) = producer.config.client else {
            let batch = core::mem::take(&mut producer.batch);
            self.send_batch(index, batch);
            return;
        };
        for (shard, aggregate) in core::mem::take(&mut producer.aggregating) {
            if let Some(sealed) = aggregate.seal() {
                producer.sealed.get_or_default(shard).push_back(sealed);
            }
        }
        producer.sealed_since_flush = 0;
        // `RecordTtl`: aggregates held longer than 30 s are given up, as the KPL does; the oldest are first.
        // The rate limit: each shard's aggregates go in order while its allowance lasts; the rest wait.
        let ttl = SimDuration::from_millis(KPL_RECORD_TTL_MS);
        let now = self.now;
        let mut send = Vec::new();
        let mut sealed = core::mem::take(&mut producer.sealed);
        for (shard, queue) in &mut sealed {
            while let Some(oldest) = queue.front() {
                producer.work_units += 1;
                let newest = oldest.rest.last().unwrap_or(&oldest.first).made_at;
                if now.saturating_since(newest) >= ttl {
                    let expired = oldest.user_record_count();
                    queue.pop_front();
                    producer.totals.dropped += expired;
                    producer.outstanding = producer.outstanding.saturating_sub(expired);
                    continue;
                }
                let fits = kpl.rate_limit_percent == 0
                    || producer.take_allowance(*shard, oldest.size_bytes(), now, kpl.rate_limit_percent);
                if !fits {
                    break;
                }
                send.extend(queue.pop_front());
            }
        }
        sealed.retain(|_, queue| !queue.is_empty());
        producer.sealed = sealed;
        if !producer.sealed.is_empty() {
            let timer = Timer::Flush { producer: index as u32, generation: producer.batch_generation };
            self.schedule(self.now + KPL_RATE_LIMIT_RECHECK, timer);
        }
        self.send_batch(index, send);
    }

    /// The Kinesis record an outgoing item is sent as.
    fn kinesis_record(&mut self, index: usize, outgoing: &mut Outgoing) -> WriteEntry {
        // A derivable producer's numbered key goes as its number; its other keys move into the request (no
        // copy), and a retry makes them again from the index.
        let derivable = self.producers[index].spec.is_some() && outgoing.aggregated_len_bytes.is_none();
        let partition_key = match outgoing.first.key_number {
            Some(number) if derivable => WriteKey::Numbered(number),
            _ if derivable => WriteKey::Text(core::mem::take(&mut outgoing.first.key.partition_key)),
            _ => WriteKey::Text(outgoing.first.key.partition_key.clone()),
        };
        let first = &outgoing.first;
        let data = if let Some(len_bytes) = outgoing.aggregated_len_bytes {
            self.producers[index].work_units += outgoing.user_record_count();
            let user_records: Vec<(String, u32)> =
                outgoing.user_records().map(|r| (r.key.partition_key.clone(), r.bytes)).collect();
            Payload::Aggregated { user_records, len_bytes }
        } else {
            match self.producers[index].config.payload {
                PayloadTemplate::Zeros => Payload::Synthetic { len_bytes: first.bytes },
                template => Payload::Templated {
                    template,
                    seed: first.seed,
                    made_at_unix_ms: self.config.epoch_unix_ms + first.made_at.as_millis(),
                    len_bytes: first.bytes,
                },
            }
        };
        WriteEntry { partition_key, data, explicit_hash_key: first.key.explicit_hash_key }
    }

    /// One PutRecord call.
    fn send_one(&mut self, index: usize, mut outgoing: Outgoing) {
        outgoing.attempts += 1;
        let producer = &mut self.producers[index];
        producer.totals.api_calls += 1;
        producer.totals.kinesis_records += 1;
        let entry = self.kinesis_record(index, &mut outgoing);
        let input = PutRecordInput {
            partition_key: entry.partition_key.into_string(),
            data: entry.data,
            explicit_hash_key: entry.explicit_hash_key,
        };
        let producer = &self.producers[index];
        let origin = producer.spec.as_ref().filter(|_| outgoing.attempts == 1).map(|spec| (spec, outgoing.first.index));
        let outcome = match self.kinesis.put_record_from(self.now, &producer.config.stream_name, input, None, origin) {
            Ok(_) => Outcome::Written,
            Err(e) if e.kind == StreamsErrorKind::ProvisionedThroughputExceeded => Outcome::Throttled,
            Err(_) => Outcome::Failed,
        };
        self.settle(index, outgoing, outcome);
    }

    /// PutRecords calls of at most 500 records and 10 MiB each.
    fn send_batch(&mut self, index: usize, batch: Vec<Outgoing>) {
        let mut rest = batch;
        while !rest.is_empty() {
            let mut bytes = 0;
            let mut take = 0;
            for outgoing in rest.iter().take(PUT_RECORDS_RECORDS_MAX) {
                let size = outgoing.size_bytes();
                if take > 0 && bytes + size > PUT_RECORDS_BYTES_MAX {
                    break;
                }
                bytes += size;
                take += 1;
            }
            // The common case, the whole batch in one call, moves it as it is.
            let call: Vec<Outgoing> =
                if take == rest.len() { core::mem::take(&mut rest) } else { rest.drain(..take).collect() };
            self.send_call(index, call);
        }
    }

    fn send_call(&mut self, index: usize, mut call: Vec<Outgoing>) {
        let entries: Vec<WriteEntry> = call
            .iter_mut()
            .map(|o| {
                o.attempts += 1;
                self.kinesis_record(index, o)
            })
            .collect();
        let producer = &mut self.producers[index];
        producer.totals.api_calls += 1;
        producer.totals.kinesis_records += entries.len() as u64;
        let first_attempts: Vec<Option<u64>> = call
            .iter()
            .map(|o| (o.attempts == 1 && o.aggregated_len_bytes.is_none()).then_some(o.first.index))
            .collect();
        let origins = producer.spec.as_ref().map(|spec| (spec, first_attempts.as_slice()));
        let mut accepted = Vec::new();
        let stream_name = &producer.config.stream_name;
        match self.kinesis.put_records_accepted(self.now, stream_name, entries, origins, &mut accepted) {
            Ok(_) => {
                // A refused entry of an accepted call was throttled: PutRecords refuses no entry otherwise.
                for (outgoing, written) in call.into_iter().zip(accepted) {
                    let outcome = if written { Outcome::Written } else { Outcome::Throttled };
                    self.settle(index, outgoing, outcome);
                }
            }
            Err(_) => {
                for outgoing in call {
                    self.settle(index, outgoing, Outcome::Failed);
                }
            }
        }
    }

    /// What the client does after one outgoing record's attempt.
    fn settle(&mut self, index: usize, mut outgoing: Outgoing, outcome: Outcome) {
        let now = self.now;
        let producer = &mut self.producers[index];
        match outcome {
            Outcome::Written => {
                for record in outgoing.user_records_mut() {
                    producer.record_written(record, now);
                }
                if producer.answer_lost() {
                    // The client saw a timeout: it sends the record again, and the stream gets a duplicate.
                    self.schedule_retry(index, outgoing);
                } else {
                    producer.outstanding = producer.outstanding.saturating_sub(outgoing.user_record_count());
                }
            }
            Outcome::Throttled => {
                producer.totals.throttled += 1;
                self.schedule_retry(index, outgoing);
            }
            Outcome::Failed => {
                producer.totals.failed += 1;
                producer.totals.dropped += outgoing.user_records().filter(|r| !r.written).count() as u64;
                producer.outstanding = producer.outstanding.saturating_sub(outgoing.user_record_count());
            }
        }
    }

    fn schedule_retry(&mut self, index: usize, mut outgoing: Outgoing) {
        let producer = &mut self.producers[index];
        if outgoing.attempts >= producer.config.retry.max_attempts {
            producer.totals.dropped += outgoing.user_records().filter(|r| !r.written).count() as u64;
            producer.outstanding = producer.outstanding.saturating_sub(outgoing.user_record_count());
            return;
        }
        if let Some(spec) = &producer.spec
            && outgoing.rest.is_empty()
            && outgoing.first.key_number.is_none()
            && outgoing.first.key.partition_key.is_empty()
        {
            outgoing.first.key.partition_key = spec.record(outgoing.first.index).0;
        }
        let policy = producer.config.retry;
        let delay = policy.backoff(outgoing.attempts, &mut producer.rng);
        let id = producer.next_retry_id;
        producer.next_retry_id += 1;
        producer.totals.retried += 1;
        producer.retries.insert(id, alloc::vec![outgoing]);
        self.schedule(self.now + delay, Timer::Retry { producer: index as u32, id });
    }

    fn retry(&mut self, index: usize, id: u64) {
        let Some(outgoing) = self.producers[index].retries.remove(&id) else {
            return;
        };
        match self.producers[index].config.client {
            ClientStyle::PutRecord => {
                for o in outgoing {
                    self.send_one(index, o);
                }
            }
            ClientStyle::PutRecords { .. } | ClientStyle::Kpl(_) => self.send_batch(index, outgoing),
        }
    }

    /// An Agent's turn: the application writes its lines, the Agent tails and processes them, and sends a
    /// batch when it is full or old enough (PutRecords to its data stream, or PutRecordBatch to its delivery
    /// stream); throttled or failed records wait with backoff; the checkpoint moves to the first line whose
    /// records are not all sent.
    fn agent_poll(&mut self, index: usize) {
        /// Lines the Agent reads per poll at most (a bound on one turn's work).
        const LINES_PER_POLL_MAX: u64 = 20_000;
        let now = self.now;
        let epoch = self.config.epoch_unix_ms;
        let agent = &mut self.agents[index];
        let rate = u64::from(agent.config.lines_per_sec);
        agent.written = now.as_millis().saturating_mul(rate) / 1_000;
        agent.totals.lines_written = agent.written;
        let until = agent.written.min(agent.read + LINES_PER_POLL_MAX);
        for line_index in agent.read..until {
            let written_ms = (line_index * 1_000).checked_div(rate).unwrap_or(0);
            let line = agent.line(line_index, epoch + written_ms);
            let Some(record) = agent.process(&line.text) else { continue };
            agent.totals.records_parsed += 1;
            // Firehose records have no partition key.
            let partition_key = match agent.config.partition_key_option {
                _ if agent.config.delivery_stream.is_some() => String::new(),
                crate::agent::PartitionKeyOption::Random => format!("{:016x}", agent.rng.next_u64()),
                crate::agent::PartitionKeyOption::Deterministic => format!("{:032x}", partition_key::hash_key(&record)),
            };
            agent.buffer.push_back(crate::agent::Pending {
                data: record.into_bytes(),
                partition_key,
                index: line_index,
                attempts: 0,
            });
            agent.buffer_since.get_or_insert(now);
        }
        agent.read = until;
        let age_due = agent
            .buffer_since
            .is_some_and(|t| now.saturating_since(t).as_millis() >= u64::from(agent.config.max_buffer_age_millis));
        let bytes: u64 = agent.buffer.iter().map(|p| p.data.len() as u64).sum();
        let full = agent.buffer.len() as u64 >= u64::from(agent.config.max_buffer_size_records)
            || bytes >= u64::from(agent.config.max_buffer_size_bytes);
        if (age_due || full) && now >= agent.retry_after && !agent.buffer.is_empty() {
            // A batch within the flow's limits and the API's: PutRecords counts keys in its bytes;
            // PutRecordBatch takes at most 500 records and 4 MiB.
            let (records_max, bytes_max) = match agent.config.target() {
                AgentTarget::KinesisStream(_) => {
                    (agent.config.max_buffer_size_records, u64::from(agent.config.max_buffer_size_bytes))
                }
                AgentTarget::DeliveryStream(_) => (
                    agent.config.max_buffer_size_records.min(crate::firehose::config::BATCH_RECORDS_MAX as u32),
                    u64::from(agent.config.max_buffer_size_bytes).min(crate::firehose::config::BATCH_BYTES_MAX),
                ),
            };
            let mut batch = Vec::new();
            let mut batch_bytes = 0;
            while let Some(next) = agent.buffer.front() {
                let size = next.data.len() as u64 + next.partition_key.len() as u64;
                if batch.len() as u32 >= records_max || (!batch.is_empty() && batch_bytes + size > bytes_max) {
                    break;
                }
                batch_bytes += size;
                batch.push(agent.buffer.pop_front().expect("front exists"));
            }
            // Per record: accepted or not; `None` when the whole call failed.
            let accepted: Option<Vec<bool>> = match agent.config.target() {
                AgentTarget::KinesisStream(stream_name) => {
                    let stream_name = String::from(stream_name);
                    let entries = batch
                        .iter()
                        .map(|p| PutRecordsEntry {
                            partition_key: p.partition_key.clone(),
                            data: Payload::Bytes(p.data.as_slice().into()),
                            explicit_hash_key: None,
                        })
                        .collect();
                    self.kinesis
                        .put_records(now, &stream_name, entries)
                        .ok()
                        .map(|out| out.records.iter().map(|r| matches!(r, PutRecordsResultEntry::Ok(_))).collect())
                }
                AgentTarget::DeliveryStream(name) => {
                    let name = String::from(name);
                    let records = batch.iter().map(|p| p.data.clone()).collect();
                    self.firehose.put_record_batch(now, &name, records).ok().map(|out| {
                        out.entries.iter().map(|e| matches!(e, crate::firehose::BatchEntry::Ok(_))).collect()
                    })
                }
            };
            let agent = &mut self.agents[index];
            let mut failed = Vec::new();
            match accepted {
                Some(accepted) => {
                    for (pending, ok) in batch.into_iter().zip(accepted) {
                        if ok {
                            agent.totals.records_sent += 1;
                            if agent.sent_beyond_checkpoint.remove(&pending.index) {
                                agent.totals.duplicates += 1;
                            }
                            agent.sent_beyond_checkpoint.insert(pending.index);
                        } else {
                            agent.totals.records_failed += 1;
                            failed.push(crate::agent::Pending { attempts: pending.attempts + 1, ..pending });
                        }
                    }
                }
                None => {
                    agent.totals.records_failed += batch.len() as u64;
                    failed =
                        batch.into_iter().map(|p| crate::agent::Pending { attempts: p.attempts + 1, ..p }).collect();
                }
            }
            if let Some(attempts) = failed.iter().map(|p| p.attempts).max() {
                // Backoff: 100 ms doubling per attempt, at most 10 s.
                let backoff_ms = (100u64 << attempts.min(7)).min(10_000);
                agent.retry_after = now + SimDuration::from_millis(backoff_ms);
            }
            for pending in failed.into_iter().rev() {
                agent.buffer.push_front(pending);
            }
            agent.buffer_since = (!agent.buffer.is_empty()).then_some(agent.buffer_since.unwrap_or(now));
        }
        let agent = &mut self.agents[index];
        agent.checkpoint = agent.buffer.front().map_or(agent.read, |p| p.index);
        let checkpoint = agent.checkpoint;
        agent.sent_beyond_checkpoint.retain(|i| *i >= checkpoint);
    }

    fn close_second(&mut self) {
        self.kinesis.close_second(self.now);
        for step in self.kinesis.take_on_demand_steps() {
            self.push_event(Event::OnDemandScaled {
                at: step.at,
                stream_name: step.stream_name,
                from_shards: step.from_shards,
                to_shards: step.to_shards,
                peak_bytes_per_sec: step.peak.bytes_per_sec,
                peak_records_per_sec: step.peak.records_per_sec,
            });
        }
        let second = self.now.as_secs().saturating_sub(1);
        let throttled: Vec<Event> = self
            .config
            .streams
            .iter()
            // A stream nothing touched since the last closed second took no writes in it.
            .filter(|s| self.kinesis.was_touched(&s.name))
            .filter_map(|s| self.kinesis.stream(&s.name))
            .flat_map(|s| s.shards().iter().map(move |shard| (s, shard)))
            // A shard closed before the second began took no writes in it.
            .filter(|(_, shard)| shard.closed.is_none_or(|c| self.now.saturating_since(c.at) <= SimDuration::SECOND))
            .filter_map(|(stream, shard)| {
                let bucket = shard.metrics.second(second);
                (bucket.write_provisioned_throughput_exceeded > 0).then(|| Event::WriteThrottled {
                    at: self.now,
                    stream_name: stream.name.clone(),
                    shard_id: shard.id,
                    throttled_records: bucket.write_provisioned_throughput_exceeded,
                    accepted_records: bucket.incoming_records,
                    limit: bucket.dominant_write_limit(),
                })
            })
            .collect();
        for event in throttled {
            self.push_event(event);
        }
        let mut account = core::mem::take(&mut self.account);
        account.close_second(self);
        self.account = account;
        self.kinesis.forget_touched_through(second);
        self.schedule(self.now + SimDuration::SECOND, Timer::CloseSecond);
    }
}
