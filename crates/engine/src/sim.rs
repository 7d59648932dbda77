//! The driver: the Kinesis service, the scenario's producers, a timer queue, and the outputs.

use crate::error::{ConfigError, StreamsErrorKind};
use crate::event::Event;
use crate::kinesis::{CreateStreamInput, Kinesis, KinesisConfig, PutRecordInput};
use crate::limits::SIM_SHARDS_MAX;
use crate::producer::{Producer, ProducerConfig, ProducerTotals};
use crate::rng::{PRODUCERS_SALT, Rng};
use crate::shard::Payload;
use crate::stream::{Stream, StreamMode};
use crate::throttle::WriteLimit;
use crate::time::{SimDuration, SimTime};
use alloc::collections::{BinaryHeap, VecDeque};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Reverse;

/// Events kept for [`Simulation::poll_event`] before the oldest are dropped.
pub const EVENTS_MAX: usize = 4_096;

/// Everything that determines a run. The same config always gives the same run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimConfig {
    /// The seed of every random draw.
    pub seed: u64,
    /// The scenario's data stream, ACTIVE from time 0.
    pub stream_name: String,
    /// Its shard count at creation, 1 to [`SIM_SHARDS_MAX`].
    pub shard_count: u32,
    /// The producers writing to it.
    pub producers: Vec<ProducerConfig>,
    /// The AWS account id in ARNs and messages.
    pub account_id: String,
    /// The AWS Region in ARNs.
    pub region: String,
    /// The wall-clock instant simulated time 0 stands for, in ms since the Unix epoch
    /// (it appears in sequence numbers and timestamps).
    pub epoch_unix_ms: u64,
    /// Records each shard keeps for reading; older ones are dropped first (a simulator bound).
    pub log_records_max_per_shard: u32,
    /// How long CREATING, UPDATING and DELETING last for API calls.
    pub transition_delay_ms: u64,
}

impl Default for SimConfig {
    fn default() -> Self {
        let kinesis = KinesisConfig::default();
        Self {
            seed: 42,
            stream_name: "clickstream".into(),
            shard_count: 2,
            producers: alloc::vec![ProducerConfig::default()],
            account_id: kinesis.account_id,
            region: kinesis.region,
            epoch_unix_ms: kinesis.epoch_unix_ms,
            log_records_max_per_shard: 100_000,
            transition_delay_ms: kinesis.transition_delay_ms,
        }
    }
}

impl SimConfig {
    /// Every problem with this configuration.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        if !(1..=SIM_SHARDS_MAX).contains(&self.shard_count) {
            problems.push(format!(
                "The stream has {} shards; it needs 1 to {SIM_SHARDS_MAX}.",
                self.shard_count
            ));
        }
        let name_ok = (1..=128).contains(&self.stream_name.len())
            && self
                .stream_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !name_ok {
            problems.push(format!(
                "Stream name '{}' is not allowed: use 1 to 128 letters, digits, '_', '.' or '-'.",
                self.stream_name
            ));
        }
        if self.log_records_max_per_shard == 0 {
            problems.push("Each shard must keep at least 1 record.".into());
        }
        for producer in &self.producers {
            producer.problems(&mut problems);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError { problems })
        }
    }
}

/// A change to a running simulation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// Set a producer's PutRecord rate from now on.
    SetProducerRate {
        /// The producer's position in [`SimConfig::producers`].
        producer: u32,
        /// The new rate; 0 pauses it.
        records_per_sec: u32,
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
    /// A producer's next PutRecord, valid only while the producer is still in `generation`.
    Produce { producer: u32, generation: u64 },
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
    timers: BinaryHeap<Reverse<(SimTime, u64, Timer)>>,
    timers_scheduled: u64,
    events: VecDeque<Event>,
    events_dropped: u64,
}

impl Simulation {
    /// Builds a simulation, or lists every problem with `config`.
    pub fn new(config: SimConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let mut kinesis = Kinesis::new(KinesisConfig {
            account_id: config.account_id.clone(),
            region: config.region.clone(),
            epoch_unix_ms: config.epoch_unix_ms,
            transition_delay_ms: config.transition_delay_ms,
            ..KinesisConfig::default()
        });
        let stream = CreateStreamInput {
            name: config.stream_name.clone(),
            shard_count: Some(config.shard_count),
            mode: StreamMode::Provisioned,
            max_record_size_kib: None,
            tags: Default::default(),
            warm_throughput_mibps: None,
        };
        kinesis
            .create_active_stream(SimTime::ZERO, stream)
            .map_err(|e| ConfigError {
                problems: alloc::vec![e.message],
            })?;
        kinesis.set_log_limit(
            &config.stream_name,
            config.log_records_max_per_shard as usize,
        );
        let producers = config
            .producers
            .iter()
            .zip(0u64..)
            .map(|(p, i)| {
                Producer::new(
                    p.clone(),
                    Rng::derive(config.seed, PRODUCERS_SALT.wrapping_add(i)),
                )
            })
            .collect();
        let mut sim = Self {
            now: SimTime::ZERO,
            kinesis,
            producers,
            timers: BinaryHeap::new(),
            timers_scheduled: 0,
            events: VecDeque::new(),
            events_dropped: 0,
            config,
        };
        sim.push_event(Event::StreamCreated {
            at: SimTime::ZERO,
            stream_name: sim.config.stream_name.clone(),
            shard_count: sim.config.shard_count,
        });
        sim.schedule(SimTime::ZERO + SimDuration::SECOND, Timer::CloseSecond);
        sim.schedule(
            SimTime::ZERO + crate::kinesis::PUSH_INTERVAL,
            Timer::PushSubscriptions,
        );
        for index in 0..sim.producers.len() {
            sim.schedule_producer(index);
        }
        Ok(sim)
    }

    /// A simulation of the bare service: no stream and no producers until API calls create them.
    /// This is what an AWS-API session (the CLI's `shardlab api`, the playground's API console) starts from.
    pub fn service_only(seed: u64, kinesis: KinesisConfig) -> Self {
        let config = SimConfig {
            seed,
            producers: Vec::new(),
            account_id: kinesis.account_id.clone(),
            region: kinesis.region.clone(),
            epoch_unix_ms: kinesis.epoch_unix_ms,
            transition_delay_ms: kinesis.transition_delay_ms,
            ..SimConfig::default()
        };
        let mut sim = Self {
            now: SimTime::ZERO,
            kinesis: Kinesis::new(kinesis),
            producers: Vec::new(),
            timers: BinaryHeap::new(),
            timers_scheduled: 0,
            events: VecDeque::new(),
            events_dropped: 0,
            config,
        };
        sim.schedule(SimTime::ZERO + SimDuration::SECOND, Timer::CloseSecond);
        sim.schedule(
            SimTime::ZERO + crate::kinesis::PUSH_INTERVAL,
            Timer::PushSubscriptions,
        );
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

    /// The scenario's data stream, unless an API call deleted it.
    pub fn stream(&self) -> Option<&Stream> {
        self.kinesis.stream(&self.config.stream_name)
    }

    /// The Kinesis service, for reading.
    pub fn kinesis(&self) -> &Kinesis {
        &self.kinesis
    }

    /// The Kinesis service, for API calls at [`Self::now`].
    pub fn kinesis_mut(&mut self) -> &mut Kinesis {
        &mut self.kinesis
    }

    /// The producers, in configuration order.
    pub fn producers(&self) -> impl ExactSizeIterator<Item = (&ProducerConfig, ProducerTotals)> {
        self.producers.iter().map(|p| (&p.config, p.totals))
    }

    /// When the next timer fires. There is always one: metrics close every second.
    pub fn next_deadline(&self) -> Option<SimTime> {
        let timer = self.timers.peek().map(|Reverse((at, _, _))| *at);
        match (timer, self.kinesis.next_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Applies a command at the current time.
    pub fn apply(&mut self, command: Command) -> Result<(), ConfigError> {
        match command {
            Command::SetProducerRate {
                producer,
                records_per_sec,
            } => {
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
                    records_per_sec,
                    ..p.config.clone()
                };
                candidate.validate()?;
                p.set_rate(self.now, records_per_sec);
                self.schedule_producer(index);
                Ok(())
            }
        }
    }

    /// PutRecord to the scenario's stream at the current time.
    pub fn put_record(
        &mut self,
        input: PutRecordInput,
    ) -> Result<crate::kinesis::PutRecordOutput, crate::StreamsError> {
        self.kinesis
            .put_record(self.now, &self.config.stream_name, input, None)
    }

    /// Runs every timer due up to `target`, then sets the clock to `target`.
    pub fn advance_to(&mut self, target: SimTime) {
        while self.advance_to_bounded(target, u32::MAX) == Advance::BudgetExhausted {}
    }

    /// Like [`Self::advance_to`] but handles at most `timers_max` timers, so a caller can bound work per frame.
    pub fn advance_to_bounded(&mut self, target: SimTime, timers_max: u32) -> Advance {
        let mut handled = 0;
        loop {
            let service_due = self.kinesis.next_deadline().filter(|at| *at <= target);
            let timer_due = self
                .timers
                .peek()
                .map(|Reverse((at, _, _))| *at)
                .filter(|at| *at <= target);
            let Some(at) = [service_due, timer_due].into_iter().flatten().min() else {
                break;
            };
            if handled == timers_max {
                return Advance::BudgetExhausted;
            }
            self.now = self.now.max(at);
            if service_due == Some(at) {
                self.kinesis.complete_due(self.now);
            } else if let Some(Reverse((_, _, timer))) = self.timers.pop() {
                self.fire(timer);
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

    /// Events dropped because nobody drained them in time (more than [`EVENTS_MAX`] were waiting).
    pub fn events_dropped(&self) -> u64 {
        self.events_dropped
    }

    fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.timers
            .push(Reverse((at, self.timers_scheduled, timer)));
        self.timers_scheduled += 1;
    }

    fn schedule_producer(&mut self, index: usize) {
        let producer = &self.producers[index];
        if let Some(due) = producer.next_due() {
            let timer = Timer::Produce {
                producer: index as u32,
                generation: producer.generation,
            };
            self.schedule(due, timer);
        }
    }

    fn push_event(&mut self, event: Event) {
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
                self.schedule(
                    self.now + crate::kinesis::PUSH_INTERVAL,
                    Timer::PushSubscriptions,
                );
            }
            Timer::Produce {
                producer,
                generation,
            } => {
                let index = producer as usize;
                if self.producers[index].generation == generation {
                    self.produce(index);
                    self.schedule_producer(index);
                }
            }
        }
    }

    fn produce(&mut self, index: usize) {
        let producer = &mut self.producers[index];
        let input = PutRecordInput {
            partition_key: producer.emit(),
            data: Payload::Synthetic {
                len_bytes: producer.config.record_bytes,
            },
            explicit_hash_key: None,
        };
        producer.totals.attempted += 1;
        match self
            .kinesis
            .put_record(self.now, &self.config.stream_name, input, None)
        {
            Ok(_) => producer.totals.accepted += 1,
            Err(e) if e.kind == StreamsErrorKind::ProvisionedThroughputExceeded => {
                producer.totals.throttled += 1
            }
            Err(_) => producer.totals.failed += 1,
        }
    }

    fn close_second(&mut self) {
        self.kinesis.close_second(self.now);
        let second = self.now.as_secs().saturating_sub(1);
        let throttled: Vec<Event> = self
            .stream()
            .into_iter()
            .flat_map(|s| s.shards())
            .filter_map(|shard| {
                let bucket = shard.metrics.second(second);
                (bucket.write_provisioned_throughput_exceeded > 0).then(|| Event::WriteThrottled {
                    at: self.now,
                    shard_id: shard.id,
                    throttled_records: bucket.write_provisioned_throughput_exceeded,
                    accepted_records: bucket.incoming_records,
                    limit: if bucket.throttled_by_record_limit * 2
                        >= bucket.write_provisioned_throughput_exceeded
                    {
                        WriteLimit::Records
                    } else {
                        WriteLimit::Bytes
                    },
                })
            })
            .collect();
        for event in throttled {
            self.push_event(event);
        }
        self.schedule(self.now + SimDuration::SECOND, Timer::CloseSecond);
    }
}
