//! One account of a run: what happened, as typed observations, and a summary per entity.
//!
//! Every front end (the page's event log and figures, the CLI's summary, the lessons' grading) reads this
//! instead of rebuilding what happened from metrics. Observations are edge-detected: a shard that throttles
//! for a minute is one [`Observed::WriteThrottleStarted`] and one [`Observed::WriteThrottleEnded`], each
//! carrying the numbers its explanation needs. They queue like events (at most [`OBSERVATIONS_MAX`]) and are
//! drained with [`crate::Simulation::poll_observation`]; [`crate::Simulation::summary`] gives the
//! [`RunSummary`] at any instant.
//!
//! Entities are named as the engine names them (stream, shard id, producer, consumer application,
//! delivery stream, analytics application, agent file pattern), so a scenario's node map can join them.
//!
//! The account only reads the simulation: it draws no randomness and schedules nothing, so keeping it never
//! changes a run.

use crate::analytics_app::{AnalyticsApp, DestinationKind};
use crate::consumer_app::{ConsumerTotals, ReadStyle};
use crate::cost::{self, CostLine, Usage};
use crate::event::Event;
use crate::firehose::delivery::{DeliveryStream, FirehoseTotals, FirehoseUsage, ObjectKind};
use crate::firehose::metrics::FirehoseSecond;
use crate::metrics::ShardSecond;
use crate::producer::ProducerTotals;
use crate::shard::ShardId;
use crate::sim::Simulation;
use crate::sorted_map::{SortedMap, SortedSet};
use crate::stream::{Stream, StreamMode};
use crate::throttle::WriteLimit;
use crate::time::SimTime;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

/// Observations kept for [`crate::Simulation::poll_observation`] before the oldest are dropped.
pub const OBSERVATIONS_MAX: usize = 4_096;

/// The iterator age from which a reader counts as behind (and below which it has caught up again).
pub const BEHIND_ITERATOR_AGE_MS: u64 = 10_000;

/// Something worth telling that happened at a simulated instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// When it was noticed: the event's instant, or the end of the second it is about.
    pub at: SimTime,
    /// What.
    pub what: Observed,
}

/// What was observed, with the numbers that explain it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Observed {
    /// A data stream is ACTIVE with its first shards.
    StreamCreated {
        /// The stream.
        stream: String,
        /// Its shards.
        shard_count: u32,
    },
    /// A shard began rejecting writes with `ProvisionedThroughputExceededException`.
    WriteThrottleStarted {
        /// The stream.
        stream: String,
        /// The shard.
        shard: ShardId,
        /// The first second of it.
        second: u64,
        /// Records rejected in that second.
        throttled_records: u64,
        /// Records accepted in that second.
        accepted_records: u64,
        /// Bytes accepted in that second.
        accepted_bytes: u64,
        /// The bytes asked of it in that second, estimated from the accepted records' mean size.
        asked_bytes_estimate: u64,
        /// The limit that rejected most of them.
        limit: WriteLimit,
    },
    /// A throttled shard went a whole second without rejecting a write.
    WriteThrottleEnded {
        /// The stream.
        stream: String,
        /// The shard.
        shard: ShardId,
        /// Seconds with rejected writes.
        seconds: u64,
        /// Records rejected over them.
        throttled_records: u64,
    },
    /// A consumer application's GetRecords calls began to be refused by the shared read limits.
    ReadThrottleStarted {
        /// The stream it reads.
        stream: String,
        /// The application.
        consumer: String,
        /// The first second of it.
        second: u64,
        /// Its calls refused in that second.
        throttled_calls: u64,
        /// The most GetRecords calls (answered or refused) one open shard took in that second.
        busiest_shard_calls: u64,
        /// The most bytes one open shard returned in that second.
        busiest_shard_bytes: u64,
    },
    /// A read-throttled application went a whole second without a refused call.
    ReadThrottleEnded {
        /// The stream it reads.
        stream: String,
        /// The application.
        consumer: String,
        /// Seconds with refused calls.
        seconds: u64,
        /// Calls refused over them.
        throttled_calls: u64,
    },
    /// A consumer application's iterator age reached [`BEHIND_ITERATOR_AGE_MS`].
    FellBehind {
        /// The stream it reads.
        stream: String,
        /// The application.
        consumer: String,
        /// The second it happened in.
        second: u64,
        /// Its largest iterator age in that second.
        iterator_age_ms: u64,
        /// Records it read in that second.
        records_read: u64,
        /// The threshold ([`BEHIND_ITERATOR_AGE_MS`]).
        threshold_ms: u64,
    },
    /// A consumer application that was behind has its iterator age back under the threshold.
    CaughtUp {
        /// The stream it reads.
        stream: String,
        /// The application.
        consumer: String,
        /// Seconds it was behind.
        seconds_behind: u64,
        /// The threshold ([`BEHIND_ITERATOR_AGE_MS`]).
        threshold_ms: u64,
    },
    /// A consumer application's shard iterator expired (five minutes unused) and it had to get a new one.
    IteratorExpired {
        /// The stream it reads.
        stream: String,
        /// The application.
        consumer: String,
        /// Iterators that expired in the second.
        count: u64,
    },
    /// A producer began giving records up after its last retry (or the KPL's `RecordTtl`).
    RecordsGivenUpStarted {
        /// The producer.
        producer: String,
        /// The first second of it.
        second: u64,
        /// Records given up in that second.
        records: u64,
        /// Records it has given up in the whole run.
        total: u64,
    },
    /// A producer that was giving records up went a whole second without.
    RecordsGivenUpEnded {
        /// The producer.
        producer: String,
        /// Seconds with records given up.
        seconds: u64,
        /// Records given up over them.
        records: u64,
    },
    /// A stream's open shard count changed (SplitShard, MergeShards, UpdateShardCount).
    Resharded {
        /// The stream.
        stream: String,
        /// Open shards before.
        from_shards: u32,
        /// Open shards after.
        to_shards: u32,
    },
    /// An on-demand stream scaled by itself: its capacity follows up to twice its peak write throughput
    /// ([`crate::kinesis::OnDemandStep`]).
    OnDemandScaled {
        /// The stream.
        stream: String,
        /// Open shards before.
        from_shards: u32,
        /// Open shards after.
        to_shards: u32,
        /// The peak write throughput that called for it, in bytes per second (data plus partition keys).
        peak_bytes_per_sec: u64,
        /// The same in records per second.
        peak_records_per_sec: u64,
        /// The write capacity after the step, in bytes per second (1 MiB/s per shard).
        capacity_bytes_per_sec: u64,
        /// The same in records per second (1,000 per shard).
        capacity_records_per_sec: u64,
    },
    /// The service accepted a scheduled change of a data stream (a reshard then completes as [`Self::Resharded`]).
    StreamChangeAccepted {
        /// The stream.
        stream: String,
        /// What was asked, with the operation's name (`UpdateShardCount to 4 shards`).
        change: String,
    },
    /// The service refused a scheduled change of a data stream.
    StreamChangeRefused {
        /// The stream.
        stream: String,
        /// What was asked, with the operation's name.
        change: String,
        /// AWS's exception name (`LimitExceededException`).
        error_type: &'static str,
        /// AWS's message.
        message: String,
    },
    /// A Firehose delivery stream delivered a flushed buffer.
    FirehoseDelivered {
        /// The delivery stream.
        delivery_stream: String,
        /// `S3`, `Redshift`, `AmazonOpenSearchService`, `HttpEndpoint` or `Splunk`.
        destination: &'static str,
        /// Records delivered.
        records: u32,
        /// Their bytes before compression.
        bytes: u64,
    },
    /// A Firehose delivery attempt failed and will be retried.
    FirehoseDeliveryFailed {
        /// The delivery stream.
        delivery_stream: String,
        /// The destination's error code.
        error_code: &'static str,
        /// Which attempt, from 1.
        attempt: u32,
    },
    /// Firehose's retry duration ran out: the records went to the S3 backup under the error output prefix.
    FirehoseBackedUp {
        /// The delivery stream.
        delivery_stream: String,
        /// The last attempt's error code.
        error_code: &'static str,
        /// The last attempt.
        attempt: u32,
    },
    /// Records of a delivery stream's source passed the stream's retention before Firehose read them: lost.
    FirehoseSourceExpired {
        /// The delivery stream.
        delivery_stream: String,
        /// The source data stream.
        source_stream: String,
        /// The shard.
        shard_id: ShardId,
        /// Records lost.
        records: u64,
    },
    /// An analytics application's SQL does not fit its input: it stopped.
    AnalyticsStopped {
        /// The application.
        app: String,
        /// Every problem, as the SQL checker words it.
        problems: Vec<String>,
    },
    /// A Kinesis Agent's sends began failing (throttled or refused; it retries).
    AgentSendsFailing {
        /// The agent's file pattern.
        agent: String,
        /// The first second of it.
        second: u64,
        /// Records that failed in that second.
        records_failed: u64,
    },
    /// A Kinesis Agent whose sends were failing went a whole second without a failure.
    AgentSendsRecovered {
        /// The agent's file pattern.
        agent: String,
        /// Seconds with failures.
        seconds: u64,
        /// Records that failed over them.
        records_failed: u64,
    },
    /// A camera could not open PutMedia: another producer holds the video stream's one connection
    /// (`ConnectionLimitExceededException`).
    VideoConnectionRefused {
        /// The camera.
        camera: String,
        /// The video stream.
        stream: String,
    },
    /// A camera's PutMedia connection dropped; its SDK will reconnect and resend what was not acknowledged.
    VideoConnectionDropped {
        /// The camera.
        camera: String,
        /// The video stream.
        stream: String,
        /// Fragments sent but not acknowledged as kept, to send again.
        fragments_to_resend: u32,
    },
    /// The service answered a camera's fragment with an ERROR acknowledgement (the first of the run).
    VideoFragmentRefused {
        /// The camera.
        camera: String,
        /// The video stream.
        stream: String,
        /// AWS's `ErrorId`, where documented (4001, 4002, …).
        error_id: Option<u16>,
        /// AWS's error code (`MAX_FRAGMENT_DURATION_REACHED`, …).
        error_code: &'static str,
        /// The camera's fragment duration.
        fragment_duration_ms: u32,
        /// Its fragment size.
        fragment_bytes: u64,
    },
    /// A camera sends more than PutMedia reads (12.5 MB/s): its SDK buffer filled and it dropped fragments.
    VideoIngestBehind {
        /// The camera.
        camera: String,
        /// The video stream.
        stream: String,
        /// Its bitrate.
        bitrate_kbps: u32,
    },
    /// A video consumer that was keeping up fell [`crate::video::PLAYBACK_BEHIND_MS`] or more behind the camera.
    VideoPlaybackBehind {
        /// The consumer.
        consumer: String,
        /// The video stream.
        stream: String,
        /// How far behind, in ms.
        latency_ms: u64,
    },
    /// A video consumer's call was refused (no retention for HLS or clips, too many GetMedia connections, no
    /// fragments in a clip's range).
    VideoConsumerRefused {
        /// The consumer.
        consumer: String,
        /// The video stream.
        stream: String,
        /// `ExceptionName: message`.
        error: String,
    },
}

impl Observation {
    /// Whether it reports a problem (rather than progress or a recovery).
    pub const fn is_problem(&self) -> bool {
        matches!(
            self.what,
            Observed::WriteThrottleStarted { .. }
                | Observed::ReadThrottleStarted { .. }
                | Observed::FellBehind { .. }
                | Observed::IteratorExpired { .. }
                | Observed::RecordsGivenUpStarted { .. }
                | Observed::FirehoseDeliveryFailed { .. }
                | Observed::FirehoseBackedUp { .. }
                | Observed::FirehoseSourceExpired { .. }
                | Observed::AnalyticsStopped { .. }
                | Observed::AgentSendsFailing { .. }
                | Observed::StreamChangeRefused { .. }
                | Observed::VideoConnectionRefused { .. }
                | Observed::VideoConnectionDropped { .. }
                | Observed::VideoFragmentRefused { .. }
                | Observed::VideoIngestBehind { .. }
                | Observed::VideoPlaybackBehind { .. }
                | Observed::VideoConsumerRefused { .. }
        )
    }
}

/// A run of consecutive seconds in which something kept happening.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Episode {
    seconds: u64,
    count: u64,
}

/// What the account remembers of one data stream.
#[derive(Clone, Debug, Default)]
struct StreamWatch {
    name: String,
    open_shards: u32,
    iterator_age_ms_max: Option<u64>,
    throttling: SortedMap<ShardId, Episode>,
}

/// What the account remembers of one consumer application.
#[derive(Clone, Debug, Default)]
struct ConsumerWatch {
    behind_seconds: u64,
    iterator_age_ms_max: u64,
    read_throttle: Option<Episode>,
    expired_iterators: u64,
}

/// What the account remembers of one producer, agent or analytics application.
#[derive(Clone, Debug, Default)]
struct ClientWatch {
    /// The counter watched (records given up, records failed) at the last look.
    seen: u64,
    episode: Option<Episode>,
    stopped: bool,
}

/// What the account remembers of one delivery stream.
#[derive(Clone, Debug, Default)]
struct DeliveryWatch {
    name: String,
    metrics: FirehoseSecond,
    delivery_delay_ms_max: Option<u64>,
}

/// The latest closed second's figures, for front ends that look at every second (charts, grading windows).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecondFigures {
    /// The second.
    pub second: u64,
    /// Records rejected by write limits, over every shard of every stream.
    pub write_throttled_records: u64,
    /// Per consumer application (in [`RunSummary::consumers`] order): its largest iterator age.
    pub iterator_age_ms_max: Vec<u64>,
    /// Per delivery stream (in [`RunSummary::delivery_streams`] order): the longest a delivered object's
    /// first record waited, from arrival to the object being written, over the objects written in the second.
    pub delivery_delay_ms_max: Vec<Option<u64>>,
}

/// The account of a run: observations waiting to be drained, and what the summary keeps between seconds.
#[derive(Clone, Debug, Default)]
pub struct Account {
    observations: VecDeque<Observation>,
    observations_dropped: u64,
    streams: Vec<StreamWatch>,
    /// Each name in `streams` and its index there, so tracking a stream takes logarithmic time however many there
    /// are.
    stream_names: SortedMap<String, usize>,
    /// Indexes into `streams` of those with a write throttle episode still open: a closed second looks at these
    /// and at the streams the service says were touched, never at idle ones.
    throttling_streams: SortedSet<usize>,
    /// Streams looked at by closed seconds so far (a test counts them to show idle streams cost nothing).
    pub(crate) stream_visits: u64,
    consumers: Vec<ConsumerWatch>,
    producers: Vec<ClientWatch>,
    agents: Vec<ClientWatch>,
    analytics: Vec<ClientWatch>,
    delivery: Vec<DeliveryWatch>,
    last_second: SecondFigures,
}

impl Account {
    /// The next observation, oldest first.
    pub(crate) fn poll(&mut self) -> Option<Observation> {
        self.observations.pop_front()
    }

    /// Observations dropped because nobody drained them in time.
    pub fn observations_dropped(&self) -> u64 {
        self.observations_dropped
    }

    /// The latest closed second's figures.
    pub fn last_second(&self) -> &SecondFigures {
        &self.last_second
    }

    pub(crate) fn observe(&mut self, at: SimTime, what: Observed) {
        if self.observations.len() == OBSERVATIONS_MAX {
            self.observations.pop_front();
            self.observations_dropped += 1;
        }
        self.observations.push_back(Observation { at, what });
    }

    /// Starts watching a data stream (the scenario's come first, in order; others as they appear).
    pub(crate) fn track_stream(&mut self, name: &str, open_shards: u32) {
        if !self.stream_names.contains_key(name) {
            self.stream_names.insert(name.into(), self.streams.len());
            self.streams.push(StreamWatch { name: name.into(), open_shards, ..StreamWatch::default() });
        }
    }

    /// Notes an engine event as it is queued.
    pub(crate) fn on_event(&mut self, event: &Event) {
        let at = event.at();
        let what = match event {
            Event::StreamCreated { stream_name, shard_count, .. } => {
                self.track_stream(stream_name, *shard_count);
                Observed::StreamCreated { stream: stream_name.clone(), shard_count: *shard_count }
            }
            // Write throttles are observed per stream, as episodes, when a second closes.
            Event::WriteThrottled { .. } => return,
            Event::FirehoseDelivered { delivery_stream, destination, records, bytes, .. } => {
                Observed::FirehoseDelivered {
                    delivery_stream: delivery_stream.clone(),
                    destination,
                    records: *records,
                    bytes: *bytes,
                }
            }
            Event::FirehoseDeliveryFailed { delivery_stream, error_code, attempt, gave_up, .. } => {
                let delivery_stream = delivery_stream.clone();
                let (error_code, attempt) = (*error_code, *attempt);
                if *gave_up {
                    Observed::FirehoseBackedUp { delivery_stream, error_code, attempt }
                } else {
                    Observed::FirehoseDeliveryFailed { delivery_stream, error_code, attempt }
                }
            }
            Event::FirehoseSourceRecordsExpired { delivery_stream, source_stream, shard_id, records, .. } => {
                Observed::FirehoseSourceExpired {
                    delivery_stream: delivery_stream.clone(),
                    source_stream: source_stream.clone(),
                    shard_id: *shard_id,
                    records: *records,
                }
            }
            Event::OnDemandScaled {
                stream_name,
                from_shards,
                to_shards,
                peak_bytes_per_sec,
                peak_records_per_sec,
                ..
            } => {
                let capacity = crate::kinesis::WriteRate::of_shards(*to_shards);
                Observed::OnDemandScaled {
                    stream: stream_name.clone(),
                    from_shards: *from_shards,
                    to_shards: *to_shards,
                    peak_bytes_per_sec: *peak_bytes_per_sec,
                    peak_records_per_sec: *peak_records_per_sec,
                    capacity_bytes_per_sec: capacity.bytes_per_sec,
                    capacity_records_per_sec: capacity.records_per_sec,
                }
            }
            Event::StreamChangeAccepted { stream_name, change, .. } => {
                Observed::StreamChangeAccepted { stream: stream_name.clone(), change: change.clone() }
            }
            Event::StreamChangeRefused { stream_name, change, error_type, message, .. } => {
                Observed::StreamChangeRefused {
                    stream: stream_name.clone(),
                    change: change.clone(),
                    error_type,
                    message: message.clone(),
                }
            }
        };
        self.observe(at, what);
    }

    /// Looks at the second that just closed (it ended at `sim.now()`).
    pub(crate) fn close_second(&mut self, sim: &Simulation) {
        let now = sim.now();
        let second = now.as_secs().saturating_sub(1);
        let mut figures = SecondFigures { second, ..SecondFigures::default() };
        self.close_streams(sim, now, second, &mut figures);
        self.close_consumers(sim, now, second, &mut figures);
        self.close_clients(sim, now, second);
        self.close_delivery(sim, second, &mut figures);
        self.last_second = figures;
    }

    /// Looks at the streams that may have changed: those touched since the last closed second, and those with a
    /// write throttle episode to continue or end. Any other stream's second is empty and its shard count unchanged.
    fn close_streams(&mut self, sim: &Simulation, now: SimTime, second: u64, figures: &mut SecondFigures) {
        let mut visit = self.throttling_streams.clone();
        for name in sim.kinesis().touched_streams() {
            if let Some(stream) = sim.kinesis().stream(name) {
                self.track_stream(name, stream.open_shard_count());
            }
            visit.extend(self.stream_names.get(name).copied());
        }
        self.stream_visits += visit.len() as u64;
        let mut observed = Vec::new();
        for index in visit {
            let watch = &mut self.streams[index];
            let Some(stream) = sim.kinesis().stream(&watch.name) else {
                continue;
            };
            let open = stream.open_shard_count();
            if open != watch.open_shards {
                let (stream_name, from_shards, to_shards) = (watch.name.clone(), watch.open_shards, open);
                // An on-demand stream's own steps arrive as events, with the numbers that called for them.
                if stream.mode == StreamMode::Provisioned {
                    observed.push(Observed::Resharded { stream: stream_name, from_shards, to_shards });
                }
                watch.open_shards = open;
            }
            for shard in stream.shards() {
                let bucket = shard.metrics.second(second);
                if bucket.get_records_success > 0 {
                    watch.iterator_age_ms_max =
                        Some(watch.iterator_age_ms_max.unwrap_or(0).max(bucket.iterator_age_ms_max));
                }
                figures.write_throttled_records += bucket.write_provisioned_throughput_exceeded;
                let throttled = bucket.write_provisioned_throughput_exceeded;
                match (watch.throttling.get_mut(&shard.id), throttled > 0) {
                    (Some(episode), true) => {
                        episode.seconds += 1;
                        episode.count += throttled;
                    }
                    (None, true) => {
                        watch.throttling.insert(shard.id, Episode { seconds: 1, count: throttled });
                        observed.push(write_throttle_started(&watch.name, shard.id, &bucket));
                    }
                    (Some(episode), false) => {
                        observed.push(Observed::WriteThrottleEnded {
                            stream: watch.name.clone(),
                            shard: shard.id,
                            seconds: episode.seconds,
                            throttled_records: episode.count,
                        });
                        watch.throttling.remove(&shard.id);
                    }
                    (None, false) => {}
                }
            }
            if watch.throttling.is_empty() {
                self.throttling_streams.remove(&index);
            } else {
                self.throttling_streams.insert(index);
            }
        }
        for what in observed {
            self.observe(now, what);
        }
    }

    fn close_consumers(&mut self, sim: &Simulation, now: SimTime, second: u64, figures: &mut SecondFigures) {
        let apps = sim.consumers();
        self.consumers.resize_with(apps.len(), ConsumerWatch::default);
        let mut observed = Vec::new();
        for (app, watch) in apps.iter().zip(&mut self.consumers) {
            let stream = app.config.stream_name.as_str();
            let consumer = &app.config.name;
            let bucket = app.second(second);
            figures.iterator_age_ms_max.push(bucket.iterator_age_ms_max);
            watch.iterator_age_ms_max = watch.iterator_age_ms_max.max(bucket.iterator_age_ms_max);
            match (&mut watch.read_throttle, bucket.throttled_calls > 0) {
                (Some(episode), true) => {
                    episode.seconds += 1;
                    episode.count += bucket.throttled_calls;
                }
                (None, true) => {
                    watch.read_throttle = Some(Episode { seconds: 1, count: bucket.throttled_calls });
                    let (busiest_shard_calls, busiest_shard_bytes) =
                        busiest_open_shard(sim.kinesis().stream(stream), second);
                    observed.push(Observed::ReadThrottleStarted {
                        stream: stream.into(),
                        consumer: consumer.clone(),
                        second,
                        throttled_calls: bucket.throttled_calls,
                        busiest_shard_calls,
                        busiest_shard_bytes,
                    });
                }
                (Some(episode), false) => {
                    observed.push(Observed::ReadThrottleEnded {
                        stream: stream.into(),
                        consumer: consumer.clone(),
                        seconds: episode.seconds,
                        throttled_calls: episode.count,
                    });
                    watch.read_throttle = None;
                }
                (None, false) => {}
            }
            let behind = bucket.iterator_age_ms_max >= BEHIND_ITERATOR_AGE_MS;
            if behind && watch.behind_seconds == 0 {
                observed.push(Observed::FellBehind {
                    stream: stream.into(),
                    consumer: consumer.clone(),
                    second,
                    iterator_age_ms: bucket.iterator_age_ms_max,
                    records_read: bucket.records,
                    threshold_ms: BEHIND_ITERATOR_AGE_MS,
                });
            } else if !behind && watch.behind_seconds > 0 {
                observed.push(Observed::CaughtUp {
                    stream: stream.into(),
                    consumer: consumer.clone(),
                    seconds_behind: watch.behind_seconds,
                    threshold_ms: BEHIND_ITERATOR_AGE_MS,
                });
            }
            watch.behind_seconds = if behind { watch.behind_seconds + 1 } else { 0 };
            let expired = app.expired_iterators;
            if expired > watch.expired_iterators {
                observed.push(Observed::IteratorExpired {
                    stream: stream.into(),
                    consumer: consumer.clone(),
                    count: expired - watch.expired_iterators,
                });
                watch.expired_iterators = expired;
            }
        }
        for what in observed {
            self.observe(now, what);
        }
    }

    fn close_clients(&mut self, sim: &Simulation, now: SimTime, second: u64) {
        let mut observed = Vec::new();
        self.producers.resize_with(sim.producers().len(), ClientWatch::default);
        for ((config, totals), watch) in sim.producers().zip(&mut self.producers) {
            let name = &config.name;
            let total = totals.dropped;
            match watch.step(total) {
                Step::Started(records) => {
                    observed.push(Observed::RecordsGivenUpStarted { producer: name.clone(), second, records, total })
                }
                Step::Ended(e) => observed.push(Observed::RecordsGivenUpEnded {
                    producer: name.clone(),
                    seconds: e.seconds,
                    records: e.count,
                }),
                Step::Quiet => {}
            }
        }
        self.agents.resize_with(sim.agents().len(), ClientWatch::default);
        for (agent, watch) in sim.agents().iter().zip(&mut self.agents) {
            let name = &agent.config.file_pattern;
            match watch.step(agent.totals.records_failed) {
                Step::Started(records_failed) => {
                    observed.push(Observed::AgentSendsFailing { agent: name.clone(), second, records_failed })
                }
                Step::Ended(e) => observed.push(Observed::AgentSendsRecovered {
                    agent: name.clone(),
                    seconds: e.seconds,
                    records_failed: e.count,
                }),
                Step::Quiet => {}
            }
        }
        self.analytics.resize_with(sim.analytics().len(), ClientWatch::default);
        for (app, watch) in sim.analytics().iter().zip(&mut self.analytics) {
            if !app.problems.is_empty() && !watch.stopped {
                watch.stopped = true;
                observed
                    .push(Observed::AnalyticsStopped { app: app.config.name.clone(), problems: app.problems.clone() });
            }
        }
        for what in observed {
            self.observe(now, what);
        }
    }

    fn close_delivery(&mut self, sim: &Simulation, second: u64, figures: &mut SecondFigures) {
        for d in sim.firehose().delivery_streams() {
            if !self.delivery.iter().any(|w| w.name == d.config.name) {
                self.delivery.push(DeliveryWatch { name: d.config.name.clone(), ..DeliveryWatch::default() });
            }
        }
        let epoch_unix_ms = sim.config().epoch_unix_ms;
        let (from_unix_ms, to_unix_ms) = (epoch_unix_ms + second * 1_000, epoch_unix_ms + (second + 1) * 1_000);
        for watch in &mut self.delivery {
            let Some(d) = sim.firehose().delivery_stream(&watch.name) else {
                figures.delivery_delay_ms_max.push(None);
                continue;
            };
            watch.metrics.add(&d.metrics.second(second));
            let delay = delivery_delay_ms_max(d, from_unix_ms, to_unix_ms);
            if let Some(delay) = delay {
                watch.delivery_delay_ms_max = Some(watch.delivery_delay_ms_max.unwrap_or(0).max(delay));
            }
            figures.delivery_delay_ms_max.push(delay);
        }
    }

    /// The run so far, per entity.
    pub(crate) fn summary(&self, sim: &Simulation) -> RunSummary {
        let now = sim.now();
        let open_second = now.as_secs();
        let streams = self
            .streams
            .iter()
            .filter_map(|watch| sim.kinesis().stream(&watch.name).map(|s| (watch, s)))
            .map(|(watch, stream)| StreamSummary {
                name: watch.name.clone(),
                mode: stream.mode,
                open_shards: stream.open_shard_count(),
                shards: stream
                    .shards()
                    .iter()
                    .map(|shard| {
                        let t = &shard.metrics.totals;
                        ShardSummary {
                            shard_id: shard.id,
                            open: shard.is_open(),
                            accepted_records: t.incoming_records,
                            accepted_bytes: t.incoming_bytes,
                            throttled_records: t.write_provisioned_throughput_exceeded,
                            read_records: t.outgoing_records,
                            read_throttled_calls: t.read_provisioned_throughput_exceeded,
                        }
                    })
                    .collect(),
                iterator_age_ms_max: open_iterator_age(stream, open_second, watch.iterator_age_ms_max),
                usage: sim.kinesis().usage_of(stream),
            })
            .collect();
        let producers = sim
            .producers()
            .map(|(config, totals)| ProducerSummary {
                name: config.name.clone(),
                records_per_sec_peak: config.rate.peak(),
                record_bytes_max: config.size.max_bytes(),
                totals,
            })
            .collect();
        let consumers = sim
            .consumers()
            .iter()
            .enumerate()
            .map(|(i, app)| {
                let watch = self.consumers.get(i).cloned().unwrap_or_default();
                let open = app.second(open_second).iterator_age_ms_max;
                ConsumerSummary {
                    name: app.config.name.clone(),
                    stream: app.config.stream_name.clone(),
                    style: ReadKind::of(&app.config.style),
                    totals: app.totals,
                    dedup: app.dedup,
                    iterator_age_ms_max: watch.iterator_age_ms_max.max(open),
                    behind: watch.behind_seconds > 0,
                    latency_ms: match [50, 95, 99].map(|p| app.latency.percentile(p)) {
                        [Some(p50), Some(p95), Some(p99)] => Some([p50, p95, p99]),
                        _ => None,
                    },
                }
            })
            .collect();
        let agents = sim
            .agents()
            .iter()
            .map(|a| AgentSummary {
                name: a.config.file_pattern.clone(),
                totals: a.totals,
                lines_behind: a.lines_behind(),
            })
            .collect();
        let analytics = sim.analytics().iter().map(analytics_summary).collect();
        let delivery_streams = self
            .delivery
            .iter()
            .filter_map(|watch| sim.firehose().delivery_stream(&watch.name).map(|d| (watch, d)))
            .map(|(watch, d)| {
                let mut metrics = watch.metrics;
                metrics.add(&d.metrics.second(open_second));
                DeliverySummary {
                    name: watch.name.clone(),
                    totals: d.totals,
                    buffered_records: d.buffered_records(),
                    buffered_wait_ms_max: d.buffer_views(now).iter().filter(|v| v.records > 0).map(|v| v.age_ms).max(),
                    delivery_delay_ms_max: watch.delivery_delay_ms_max,
                    metrics,
                    usage: d.usage,
                }
            })
            .collect();
        let video = sim.video();
        let video_streams = (video.streams().iter())
            .map(|s| VideoStreamSummary {
                name: s.config.name.clone(),
                retention_hours: s.config.retention_hours,
                fragments_kept: s.store.fragments().len() as u64,
                bytes_kept: s.store.bytes(),
                incoming_bytes: s.incoming_bytes_total,
                cameras: (video.cameras().iter())
                    .filter(|c| c.config.stream_name == s.config.name)
                    .map(|c| (c.config.name.clone(), c.totals))
                    .collect(),
                consumers: (video.consumers().iter())
                    .filter(|c| c.config.stream_name == s.config.name)
                    .map(|c| (c.config.name.clone(), c.config.kind.slug(), c.totals.clone()))
                    .collect(),
            })
            .collect();
        RunSummary { at: now, streams, producers, consumers, agents, analytics, delivery_streams, video_streams }
    }
}

/// How a watched counter moved in a second.
enum Step {
    Started(u64),
    Ended(Episode),
    Quiet,
}

impl ClientWatch {
    /// Moves to the counter's new total and says whether an episode started or ended.
    fn step(&mut self, total: u64) -> Step {
        let delta = total.saturating_sub(self.seen);
        self.seen = total;
        match (&mut self.episode, delta > 0) {
            (Some(e), true) => {
                e.seconds += 1;
                e.count += delta;
                Step::Quiet
            }
            (None, true) => {
                self.episode = Some(Episode { seconds: 1, count: delta });
                Step::Started(delta)
            }
            (Some(e), false) => {
                let e = *e;
                self.episode = None;
                Step::Ended(e)
            }
            (None, false) => Step::Quiet,
        }
    }
}

/// The run's largest GetRecords iterator age, including the second still open.
fn open_iterator_age(stream: &Stream, open_second: u64, closed: Option<u64>) -> Option<u64> {
    stream
        .shards()
        .iter()
        .map(|s| s.metrics.second(open_second))
        .filter(|b| b.get_records_success > 0)
        .map(|b| b.iterator_age_ms_max)
        .fold(closed, |max, age| Some(max.unwrap_or(0).max(age)))
}

fn write_throttle_started(stream: &str, shard: ShardId, bucket: &ShardSecond) -> Observed {
    let attempted = bucket.write_provisioned_throughput_exceeded + bucket.incoming_records;
    let asked_bytes_estimate =
        bucket.incoming_bytes.saturating_mul(attempted).checked_div(bucket.incoming_records).unwrap_or(0);
    Observed::WriteThrottleStarted {
        stream: stream.into(),
        shard,
        second: bucket.second,
        throttled_records: bucket.write_provisioned_throughput_exceeded,
        accepted_records: bucket.incoming_records,
        accepted_bytes: bucket.incoming_bytes,
        asked_bytes_estimate,
        limit: bucket.dominant_write_limit(),
    }
}

/// The most GetRecords calls and bytes one open shard of `stream` had in `second`.
fn busiest_open_shard(stream: Option<&Stream>, second: u64) -> (u64, u64) {
    stream.map_or((0, 0), |s| {
        s.shards().iter().filter(|sh| sh.is_open()).fold((0, 0), |(calls, bytes), sh| {
            let b = sh.metrics.second(second);
            (calls.max(b.get_records_success + b.read_provisioned_throughput_exceeded), bytes.max(b.outgoing_bytes))
        })
    })
}

/// The longest arrival-to-written time of the delivered objects (data, or Redshift's intermediate ones)
/// written in `[from, to)` (Unix ms).
fn delivery_delay_ms_max(d: &DeliveryStream, from_unix_ms: u64, to_unix_ms: u64) -> Option<u64> {
    d.s3_objects
        .iter()
        .rev()
        .take_while(|o| o.written_unix_ms >= from_unix_ms)
        .filter(|o| o.written_unix_ms < to_unix_ms && matches!(o.kind, ObjectKind::Data | ObjectKind::Intermediate))
        .map(|o| o.written_unix_ms.saturating_sub(o.first_arrival_unix_ms))
        .max()
}

fn analytics_summary(a: &AnalyticsApp) -> AnalyticsSummary {
    let stats = a.application().map(|app| app.stats());
    AnalyticsSummary {
        name: a.config.name.clone(),
        records_read: a.reader.totals.records,
        throttled_calls: a.reader.totals.throttled_calls,
        rows: a.rows_total,
        open_window_rows: a.application().map_or(0, |app| app.open_windows().iter().map(|w| w.rows).sum()),
        late_records_dropped: stats.as_ref().map_or(0, |s| s.late_records_dropped.iter().map(|(_, n)| n).sum()),
        error_rows: stats.as_ref().map_or(0, |s| s.errors),
        problems: a.problems.clone(),
        destination: a.config.destination.as_ref().map(|d| AnalyticsOutput {
            name: d.stream_name.clone(),
            kind: d.kind,
            rows_written: a.delivered,
            throttled_writes: a.delivery_throttled,
            rows_dropped: a.delivery_dropped,
        }),
    }
}

/// How a consumer application reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadKind {
    /// An SDK GetRecords loop.
    Polling,
    /// Enhanced fan-out (SubscribeToShard).
    EnhancedFanOut,
    /// The Kinesis Client Library.
    Kcl,
    /// A Lambda event source mapping.
    Lambda,
}

impl ReadKind {
    fn of(style: &ReadStyle) -> Self {
        match style {
            ReadStyle::Polling { .. } => Self::Polling,
            ReadStyle::EnhancedFanOut => Self::EnhancedFanOut,
            ReadStyle::Kcl(_) => Self::Kcl,
            ReadStyle::Lambda(_) => Self::Lambda,
        }
    }

    /// In words: `polling`, `enhanced fan-out`, `KCL`, `Lambda`.
    pub const fn words(self) -> &'static str {
        match self {
            Self::Polling => "polling",
            Self::EnhancedFanOut => "enhanced fan-out",
            Self::Kcl => "KCL",
            Self::Lambda => "Lambda",
        }
    }
}

/// A run so far, per entity. Counts are exact at [`RunSummary::at`]; maxima cover the whole run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSummary {
    /// When it was taken.
    pub at: SimTime,
    /// Data streams: the scenario's first, then others in the order they appeared.
    pub streams: Vec<StreamSummary>,
    /// Producers, in configuration order.
    pub producers: Vec<ProducerSummary>,
    /// Consumer applications, in configuration order.
    pub consumers: Vec<ConsumerSummary>,
    /// Kinesis Agents, in configuration order.
    pub agents: Vec<AgentSummary>,
    /// Analytics applications, in configuration order.
    pub analytics: Vec<AnalyticsSummary>,
    /// Firehose delivery streams, in the order they appeared.
    pub delivery_streams: Vec<DeliverySummary>,
    /// Kinesis video streams, in creation order.
    pub video_streams: Vec<VideoStreamSummary>,
}

/// One Kinesis video stream, with its cameras and consumers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoStreamSummary {
    /// Its name.
    pub name: String,
    /// `DataRetentionInHours` now.
    pub retention_hours: u32,
    /// Fragments kept now.
    pub fragments_kept: u64,
    /// Their bytes.
    pub bytes_kept: u64,
    /// `PutMedia.IncomingBytes` over the run.
    pub incoming_bytes: u64,
    /// Its cameras: name and counters.
    pub cameras: Vec<(String, crate::video::CameraTotals)>,
    /// Its consumers: name, kind (`get_media`, `hls`, …) and figures.
    pub consumers: Vec<(String, &'static str, crate::video::VideoConsumerTotals)>,
}

/// One data stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamSummary {
    /// Its name.
    pub name: String,
    /// Provisioned or on-demand.
    pub mode: StreamMode,
    /// Shards open now.
    pub open_shards: u32,
    /// Every shard it has had, open or closed.
    pub shards: Vec<ShardSummary>,
    /// The largest GetRecords iterator age of the run, if anything read it with GetRecords.
    pub iterator_age_ms_max: Option<u64>,
    /// What it has used, for the cost estimate.
    pub usage: Usage,
}

/// One shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardSummary {
    /// Its id.
    pub shard_id: ShardId,
    /// Whether it is open (not closed by a reshard).
    pub open: bool,
    /// Records written to it and accepted.
    pub accepted_records: u64,
    /// Their bytes (data plus partition key).
    pub accepted_bytes: u64,
    /// Records it rejected with `ProvisionedThroughputExceededException`.
    pub throttled_records: u64,
    /// Records GetRecords returned from it.
    pub read_records: u64,
    /// GetRecords calls it refused.
    pub read_throttled_calls: u64,
}

/// One producer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerSummary {
    /// Its name.
    pub name: String,
    /// Its peak rate, records per second.
    pub records_per_sec_peak: u32,
    /// Its largest record, in bytes.
    pub record_bytes_max: u32,
    /// Its client's counters (attempted, accepted, throttled, retried, given up, duplicates, latency).
    pub totals: ProducerTotals,
}

/// One consumer application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerSummary {
    /// Its name.
    pub name: String,
    /// The stream it reads.
    pub stream: String,
    /// How it reads.
    pub style: ReadKind,
    /// Its counters (records read, throttled calls, duplicates, checkpoints, invocations).
    pub totals: ConsumerTotals,
    /// Copies of records it had processed before: processed again, or skipped.
    pub dedup: crate::dedup::DedupTotals,
    /// Its largest iterator age of the run.
    pub iterator_age_ms_max: u64,
    /// Whether it is behind now (iterator age at least [`BEHIND_ITERATOR_AGE_MS`] in the last closed second).
    pub behind: bool,
    /// Put-to-get latency percentiles (p50, p95, p99) in ms, once it has processed a record.
    pub latency_ms: Option<[u64; 3]>,
}

/// One Kinesis Agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentSummary {
    /// Its file pattern.
    pub name: String,
    /// Its counters.
    pub totals: crate::agent::AgentTotals,
    /// Lines written but not yet sent.
    pub lines_behind: u64,
}

/// One analytics application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalyticsSummary {
    /// Its name.
    pub name: String,
    /// Records its reader got from the stream.
    pub records_read: u64,
    /// Its reader's refused GetRecords calls.
    pub throttled_calls: u64,
    /// Rows it emitted.
    pub rows: u64,
    /// Rows counted into windows that have not fired yet.
    pub open_window_rows: u64,
    /// Records dropped for arriving after their window's watermark.
    pub late_records_dropped: u64,
    /// Rows whose evaluation failed.
    pub error_rows: u64,
    /// SQL problems that stopped it.
    pub problems: Vec<String>,
    /// Where its output goes.
    pub destination: Option<AnalyticsOutput>,
}

/// Where an analytics application's rows went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalyticsOutput {
    /// The data stream or delivery stream.
    pub name: String,
    /// Which kind it is.
    pub kind: DestinationKind,
    /// Rows written.
    pub rows_written: u64,
    /// Writes refused (tried again later).
    pub throttled_writes: u64,
    /// Rows dropped because too many waited.
    pub rows_dropped: u64,
}

/// One Firehose delivery stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliverySummary {
    /// Its name.
    pub name: String,
    /// Every record's fate (delivered, dropped, failed, backed up, expired); the rest are buffered.
    pub totals: FirehoseTotals,
    /// Records in buffers and pending deliveries now.
    pub buffered_records: u64,
    /// The longest a record still buffered has waited, if one is.
    pub buffered_wait_ms_max: Option<u64>,
    /// The longest arrival-to-written time of a delivered object in the run.
    pub delivery_delay_ms_max: Option<u64>,
    /// Its CloudWatch counters summed over the run.
    pub metrics: FirehoseSecond,
    /// What it has used, for the cost estimate.
    pub usage: FirehoseUsage,
}

impl RunSummary {
    /// The cost estimate of everything in it: each stream's lines, then each delivery stream's.
    pub fn cost(&self) -> Vec<CostLine> {
        let streams = self.streams.iter().flat_map(|s| cost::estimate(&s.usage));
        streams.chain(self.delivery_streams.iter().flat_map(|d| cost::estimate_firehose(&d.usage))).collect()
    }

    /// The data streams' usage, summed.
    pub fn streams_usage(&self) -> Usage {
        self.streams.iter().fold(Usage::default(), |sum, s| sum.plus(&s.usage))
    }

    /// Records rejected by write limits, over every shard of every stream.
    pub fn write_throttled_records(&self) -> u64 {
        self.streams.iter().flat_map(|s| &s.shards).map(|s| s.throttled_records).sum()
    }

    /// Producer counters summed over producers.
    pub fn producer_totals(&self) -> ProducerTotals {
        self.producers.iter().fold(ProducerTotals::default(), |mut sum, p| {
            let t = &p.totals;
            sum.attempted += t.attempted;
            sum.accepted += t.accepted;
            sum.throttled += t.throttled;
            sum.failed += t.failed;
            sum.retried += t.retried;
            sum.dropped += t.dropped;
            sum.duplicates += t.duplicates;
            sum.api_calls += t.api_calls;
            sum.kinesis_records += t.kinesis_records;
            sum.latency_ms_total += t.latency_ms_total;
            sum.latency_ms_max = sum.latency_ms_max.max(t.latency_ms_max);
            sum
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics_app::AnalyticsAppConfig;
    use crate::consumer_app::ConsumerAppConfig;
    use crate::sim::{Command, ScheduledCommand, SimConfig};
    use crate::{ProducerConfig, SimDuration};
    use alloc::vec;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn drain(sim: &mut Simulation) -> Vec<Observation> {
        core::iter::from_fn(|| sim.poll_observation()).take(OBSERVATIONS_MAX).collect()
    }

    fn one_shard(records_per_sec: u32) -> SimConfig {
        SimConfig {
            streams: vec![crate::StreamConfig::provisioned(crate::DEFAULT_STREAM_NAME, 1)],
            producers: vec![ProducerConfig::steady("checkout", records_per_sec, 10, 10)],
            ..SimConfig::default()
        }
    }

    #[test]
    fn a_write_throttle_is_one_episode_with_the_numbers_of_its_first_second() {
        // 1,500 records/s into one shard (1,000 records/s, docs/aws-behaviour.md §1.1) for 5 s, then 500 records/s.
        let mut config = one_shard(1_500);
        config.scheduled = vec![ScheduledCommand {
            at_ms: 5_000,
            command: Command::SetProducerRate { producer: 0, records_per_sec: 500 },
        }];
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_secs(10));
        let seen = drain(&mut sim);
        assert_eq!(seen[0].what, Observed::StreamCreated { stream: "clickstream".into(), shard_count: 1 });
        let shard = ShardId(0);
        // Each record is 10 bytes of data plus a 6-byte key (user-0 .. user-9): 1,000 accepted are 16,000 bytes,
        // and the 1,500 asked about 24,000.
        let started = Observed::WriteThrottleStarted {
            stream: "clickstream".into(),
            shard,
            second: 0,
            throttled_records: 500,
            accepted_records: 1_000,
            accepted_bytes: 16_000,
            asked_bytes_estimate: 24_000,
            limit: WriteLimit::Records,
        };
        let at = |what: &Observed| seen.iter().find(|o| o.what == *what).map(|o| o.at);
        assert_eq!(at(&started), Some(SimTime::from_secs(1)));
        // Five seconds of 500 rejected records each; the sixth second, at 500 records/s, throttles nothing.
        let ended =
            Observed::WriteThrottleEnded { stream: "clickstream".into(), shard, seconds: 5, throttled_records: 2_500 };
        assert_eq!(at(&ended), Some(SimTime::from_secs(6)));
        assert_eq!(seen.iter().filter(|o| matches!(o.what, Observed::WriteThrottleStarted { .. })).count(), 1);
        // The producer retries nothing (steady: no retry policy), so every rejected record is given up.
        let given_up =
            Observed::RecordsGivenUpStarted { producer: "checkout".into(), second: 0, records: 500, total: 500 };
        assert_eq!(at(&given_up), Some(SimTime::from_secs(1)));
        let stopped = Observed::RecordsGivenUpEnded { producer: "checkout".into(), seconds: 5, records: 2_500 };
        assert_eq!(at(&stopped), Some(SimTime::from_secs(6)));
        assert!(seen.iter().all(|o| o.at <= sim.now()));
    }

    #[test]
    fn a_slow_reader_falls_behind_once_and_catches_up_once() {
        // 500 records/s for 20 s read 100 records a second: after t s the reader has read the records written
        // by t / 5 s, so it is 0.8 t s behind and passes 10 s at 12.5 s; then it works off the backlog.
        let mut config = SimConfig {
            streams: vec![crate::StreamConfig::provisioned(crate::DEFAULT_STREAM_NAME, 1)],
            ..SimConfig::default()
        };
        config.producers = vec![ProducerConfig::steady("web", 500, 100, 100)];
        config.consumers = vec![ConsumerAppConfig {
            style: ReadStyle::Polling { interval_ms: 1_000, limit: 100 },
            ..ConsumerAppConfig::polling("slow")
        }];
        config.scheduled = vec![ScheduledCommand {
            at_ms: 20_000,
            command: Command::SetProducerRate { producer: 0, records_per_sec: 0 },
        }];
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_secs(30));
        let behind = drain(&mut sim)
            .into_iter()
            .filter_map(|o| match o.what {
                Observed::FellBehind { consumer, second, iterator_age_ms, threshold_ms, .. } => {
                    Some((consumer, second, iterator_age_ms, threshold_ms))
                }
                _ => None,
            })
            .collect::<Vec<_>>();
        assert_eq!(behind.len(), 1, "{behind:?}");
        let (consumer, second, age, threshold) = &behind[0];
        assert_eq!((consumer.as_str(), *threshold), ("slow", BEHIND_ITERATOR_AGE_MS));
        assert!((11..=14).contains(second) && *age >= BEHIND_ITERATOR_AGE_MS, "{second} {age}");
        assert!(sim.summary().consumers[0].behind);
        // 10,000 records, 100 a second: the backlog is worked off by about 100 s.
        sim.advance_to(SimTime::from_secs(130));
        let caught_up = drain(&mut sim).into_iter().find_map(|o| match o.what {
            Observed::CaughtUp { consumer, seconds_behind, .. } => Some((consumer, seconds_behind, o.at)),
            _ => None,
        });
        let (consumer, seconds_behind, at) = caught_up.expect("caught up");
        assert_eq!(consumer, "slow");
        assert_eq!(at.as_secs() - second - 1, seconds_behind, "behind from its first second to the one before");
        let summary = sim.summary();
        assert!(!summary.consumers[0].behind);
        assert!(summary.consumers[0].iterator_age_ms_max >= 70_000, "about 80 s behind at the end of the writes");
        assert_eq!(summary.consumers[0].totals.records, 10_000, "every record written was read");
    }

    #[test]
    fn a_reshard_is_observed_with_the_shard_counts() {
        let mut sim = Simulation::new(one_shard(10)).expect("valid");
        sim.advance_to(SimTime::from_secs(1));
        let now = sim.now();
        sim.kinesis_mut().update_shard_count(now, "clickstream", 2).expect("1 to 2 is allowed");
        sim.advance_to(SimTime::from_secs(5));
        let reshards: Vec<Observed> =
            drain(&mut sim).into_iter().map(|o| o.what).filter(|w| matches!(w, Observed::Resharded { .. })).collect();
        assert_eq!(reshards, [Observed::Resharded { stream: "clickstream".into(), from_shards: 1, to_shards: 2 }]);
        let summary = sim.summary();
        assert_eq!((summary.streams[0].open_shards, summary.streams[0].shards.len()), (2, 3), "the parent is closed");
    }

    #[test]
    fn an_analytics_app_whose_sql_does_not_fit_is_observed_stopping_once() {
        let sql = "CREATE OR REPLACE STREAM \"OUT\" (x INTEGER);\n\
                   CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\" SELECT STREAM nope FROM \"SOURCE_SQL_STREAM_001\";";
        let app = AnalyticsAppConfig { name: "typo".into(), sql: sql.into(), ..AnalyticsAppConfig::default() };
        let mut config = one_shard(20);
        config.producers[0].payload = crate::template::PayloadTemplate::Clickstream;
        config.analytics = vec![app];
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_secs(10));
        let stopped: Vec<Observed> = drain(&mut sim)
            .into_iter()
            .map(|o| o.what)
            .filter(|w| matches!(w, Observed::AnalyticsStopped { .. }))
            .collect();
        assert_eq!(stopped.len(), 1);
        let Observed::AnalyticsStopped { app, problems } = &stopped[0] else { unreachable!("filtered above") };
        assert_eq!(app, "typo");
        assert!(problems[0].contains("nope"), "{problems:?}");
        assert_eq!(sim.summary().analytics[0].rows, 0);
    }

    #[test]
    fn firehose_failures_are_retries_until_firehose_gives_up() {
        let mut account = Account::default();
        let failed = |attempt, gave_up| Event::FirehoseDeliveryFailed {
            at: SimTime::from_secs(121),
            delivery_stream: "to-http".into(),
            error_code: "HttpEndpoint.DestinationException",
            attempt,
            gave_up,
        };
        account.on_event(&failed(3, false));
        account.on_event(&failed(4, true));
        let code = "HttpEndpoint.DestinationException";
        let retry =
            Observed::FirehoseDeliveryFailed { delivery_stream: "to-http".into(), error_code: code, attempt: 3 };
        let backed = Observed::FirehoseBackedUp { delivery_stream: "to-http".into(), error_code: code, attempt: 4 };
        assert_eq!(account.poll().map(|o| o.what), Some(retry));
        assert_eq!(account.poll().map(|o| o.what), Some(backed));
        assert_eq!(account.poll(), None);
    }

    #[test]
    fn the_queue_is_bounded_and_counts_what_it_dropped() {
        let mut account = Account::default();
        let event = Event::StreamCreated { at: SimTime::ZERO, stream_name: "s".into(), shard_count: 1 };
        for _ in 0..OBSERVATIONS_MAX + 5 {
            account.on_event(&event);
        }
        assert_eq!((account.observations.len(), account.observations_dropped()), (OBSERVATIONS_MAX, 5));
        assert_eq!(account.streams.len(), 1, "one stream, however often it is mentioned");
    }

    #[test]
    fn an_agent_whose_sends_are_throttled_is_observed_failing_once() {
        // 3,000 lines/s sent to one shard, which takes 1,000 records/s (docs/aws-behaviour.md §1.1): most sends fail.
        let agent =
            crate::agent::AgentConfig { lines_per_sec: 3_000, max_buffer_age_millis: 1_000, ..Default::default() };
        let config = SimConfig {
            streams: vec![crate::StreamConfig::provisioned(crate::DEFAULT_STREAM_NAME, 1)],
            producers: vec![],
            agents: vec![agent],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_secs(10));
        let failing: Vec<(String, u64)> = drain(&mut sim)
            .into_iter()
            .filter_map(|o| match o.what {
                Observed::AgentSendsFailing { agent, records_failed, .. } => Some((agent, records_failed)),
                _ => None,
            })
            .collect();
        assert_eq!(failing.len(), 1, "one episode while it keeps failing: {failing:?}");
        assert_eq!(failing[0].0, "/var/log/app/app.log");
        let summary = sim.summary();
        assert!(failing[0].1 > 0 && summary.agents[0].totals.records_failed >= failing[0].1);
        assert!(summary.streams[0].shards[0].accepted_records <= 10 * 1_000 + 1_000, "the shard's limit holds");
    }

    #[test]
    fn the_summary_accounts_for_every_record_of_a_stream() {
        let mut config = one_shard(1_500);
        config.consumers = vec![ConsumerAppConfig::polling("reader")];
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_secs(10) + SimDuration::from_millis(500));
        let summary = sim.summary();
        let producer = &summary.producers[0].totals;
        let shards = &summary.streams[0].shards;
        // Exact at any instant, also mid-second: what producers had accepted is what the shard took.
        assert_eq!(producer.accepted, shards.iter().map(|s| s.accepted_records).sum::<u64>());
        assert_eq!(producer.throttled, summary.write_throttled_records());
        assert_eq!(producer.attempted, producer.accepted + producer.throttled);
        // What was read is what the shard returned.
        assert_eq!(summary.consumers[0].totals.records, shards[0].read_records);
        assert!(summary.streams[0].iterator_age_ms_max.is_some());
        assert!(!summary.cost().is_empty());
        assert_eq!(sim.account().last_second().second, 9);
    }
}
