//! One bounded, deterministic grading run and the numbers `metric` checks read from it.

use crate::check::Metric;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use shardlab_engine::cost::{self, Usage};
use shardlab_engine::dedup::DedupTotals;
use shardlab_engine::sorted_map::SortedMap;
use shardlab_engine::{Advance, ProducerTotals, RunSummary, ShardId, SimConfig, SimTime, Simulation};

/// The longest grading run, in simulated seconds: two simulated days, the latest time a scenario names
/// ([`shardlab_scenario::TIME_MS_MAX`]), so a lesson can show records outliving the 24-hour retention. A long
/// run is affordable only for a light pipeline: [`TIMERS_PER_RUN_MAX`] and [`RECORDS_PER_RUN_MAX`] bound it.
pub const RUN_S_MAX: u32 = (shardlab_scenario::TIME_MS_MAX / 1_000) as u32;

/// Engine timers a whole grading run may take: as many as the heaviest 600-second run may
/// ([`TIMERS_PER_SEC_MAX`] every second), so a lesson of hours costs no more to grade than one of minutes.
pub const TIMERS_PER_RUN_MAX: u64 = TIMERS_PER_SEC_MAX as u64 * 600;

/// Engine timers one simulated second may take while grading; a pipeline needing more is refused, so a
/// grade stays under about a second natively. A single put takes about one timer, and each retry one more.
pub const TIMERS_PER_SEC_MAX: u32 = 20_000;

/// User records (and agent lines, and records of Direct PUT feeds) the producers may offer in one grading run,
/// at their peak rates; a pipeline offering more is refused before it runs.
pub const RECORDS_PER_RUN_MAX: u64 = 600_000;

/// The counters metric checks compare, projected from the engine's run summary at one instant.
#[derive(Clone, Debug, Default)]
struct Totals {
    producers: ProducerTotals,
    write_throttled: u64,
    /// Per consumer application: (name, user records, duplicates, throttled calls).
    consumers: Vec<(String, u64, u64, u64)>,
    /// Per consumer application, in the same order: copies it processed and skipped.
    dedup: Vec<DedupTotals>,
    usage: Usage,
    /// Records the delivery streams delivered (first successful delivery), summed.
    firehose_delivered: u64,
    /// Rows the analytics applications emitted, summed.
    analytics_rows: u64,
    /// Open shards over every data stream.
    open_shards: u64,
    /// Video fragments persisted, summed over cameras.
    video_persisted: u64,
}

fn totals(summary: &RunSummary) -> Totals {
    Totals {
        producers: summary.producer_totals(),
        write_throttled: summary.write_throttled_records(),
        consumers: summary
            .consumers
            .iter()
            .map(|c| (c.name.clone(), c.totals.user_records, c.totals.duplicates, c.totals.throttled_calls))
            .collect(),
        dedup: summary.consumers.iter().map(|c| c.dedup).collect(),
        usage: summary.streams_usage(),
        firehose_delivered: summary.delivery_streams.iter().map(|d| d.totals.delivered_records).sum(),
        analytics_rows: summary.analytics.iter().map(|a| a.rows).sum(),
        open_shards: summary.streams.iter().map(|s| u64::from(s.open_shards)).sum(),
        video_persisted: summary
            .video_streams
            .iter()
            .flat_map(|v| &v.cameras)
            .map(|(_, t)| t.fragments_persisted)
            .sum(),
    }
}

/// A video consumer at the end of a run: name, kind (`hls`, `clip`, …) and figures.
type VideoConsumerEnd = (String, &'static str, shardlab_engine::video::VideoConsumerTotals);

/// What a grading run measured: totals at the end and at the start of each window asked for.
#[derive(Debug)]
pub(crate) struct Measured {
    run_s: u32,
    end: Totals,
    /// Totals when each window (`last_s`) began.
    windows: SortedMap<u32, Totals>,
    /// Per consumer application, per shard of its stream: the sequence counters it processed, lowest and
    /// highest, and the shard's next counter at the end.
    spans: Vec<Vec<ShardSpan>>,
    /// Per window (`last_s`), per data stream: each shard's next sequence counter when the window began.
    window_tips: SortedMap<u32, Tips>,
    /// The data streams' names, in the order [`ShardSpan::stream`] refers to.
    stream_names: Vec<String>,
    /// Per second: the write throttles summed over shards.
    throttles_per_sec: Vec<u64>,
    /// Per second, per consumer application: the largest iterator age.
    iterator_age_ms: Vec<Vec<u64>>,
    /// Per consumer application: its p99 put-to-get latency.
    latency_p99_ms: Vec<Option<u64>>,
    /// Per second: the longest arrival-to-written time of the objects written in it, and whose.
    delivery_delay_ms: Vec<Option<(u64, usize)>>,
    /// When the run ends: the longest a record still buffered has waited, and whose.
    buffered_wait_ms: Option<(u64, usize)>,
    /// The delivery streams, in the order indices above refer to.
    delivery_streams: Vec<String>,
    /// Per analytics application: its name and the first problem that stopped it, if any.
    analytics: Vec<(String, Option<String>)>,
    /// The video consumers when the run ends.
    video_consumers: Vec<VideoConsumerEnd>,
}

/// Per data stream (by name): each shard's next sequence counter.
type Tips = SortedMap<String, SortedMap<u32, u64>>;

/// What one consumer application read of one shard.
#[derive(Clone, Copy, Debug)]
struct ShardSpan {
    stream: usize,
    shard: u32,
    /// The lowest and highest sequence counters it processed there, if any.
    processed: Option<(u64, u64)>,
    /// The shard's next sequence counter when the run ended.
    tip: u64,
}

/// Each shard's next sequence counter, per data stream.
fn tips(sim: &Simulation) -> Tips {
    sim.kinesis()
        .streams()
        .map(|stream| {
            let shards = stream.shards().iter().map(|shard| (shard.id.0, shard.latest_position())).collect();
            (stream.name.clone(), shards)
        })
        .collect()
}

/// One measured value of a `metric` check, with what feedback says about it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Measurement {
    /// The value.
    pub(crate) value: f64,
    /// The application or delivery stream it is about.
    pub(crate) who: Option<String>,
    /// A remark on how it came about ("a record still buffered when the run ended").
    pub(crate) note: Option<String>,
    /// The seconds measured over.
    pub(crate) seconds: u32,
    /// Whether that is the run's last `seconds` rather than the whole run.
    pub(crate) windowed: bool,
}

/// A grading run in progress: the simulation and the totals snapshotted so far.
#[derive(Debug)]
pub(crate) struct Runner {
    sim: Simulation,
    run_s: u32,
    /// Simulated seconds done.
    at_s: u32,
    windows: Vec<u32>,
    snapshots: SortedMap<u32, Totals>,
    /// Shard tips when each window began.
    window_tips: SortedMap<u32, Tips>,
    /// Engine timers the whole run may take ([`TIMERS_PER_RUN_MAX`]).
    pub(crate) timers_max: u64,
    /// Per second done: the write throttles summed over every shard.
    throttles_per_sec: Vec<u64>,
    /// Per second done, per consumer application: its largest iterator age.
    iterator_age_ms: Vec<Vec<u64>>,
    /// Per second done: the longest arrival-to-written time of the objects written in it, and whose.
    delivery_delay_ms: Vec<Option<(u64, usize)>>,
}

impl Runner {
    /// Prepares a run of `config` for `run_s` simulated seconds (capped at [`RUN_S_MAX`]) that snapshots
    /// totals where each window (`last_s`) begins, or says why it cannot run.
    pub(crate) fn new(config: SimConfig, run_s: u32, windows: &[u32]) -> Result<Self, String> {
        let run_s = run_s.clamp(1, RUN_S_MAX);
        let peak_per_sec: u64 = config.producers.iter().map(|p| u64::from(p.rate.peak())).sum::<u64>()
            + config.agents.iter().map(|a| u64::from(a.lines_per_sec)).sum::<u64>()
            + config.delivery_streams.iter().flat_map(|d| &d.feeds).map(|f| u64::from(f.records_per_sec)).sum::<u64>();
        if peak_per_sec.saturating_mul(u64::from(run_s)) > RECORDS_PER_RUN_MAX {
            return Err(format!(
                "its producers offer up to {} records/s, and {run_s} s of that is more than the {} records a \
                 grading run may simulate here; lower the producer rates",
                crate::check::thousands(peak_per_sec as f64),
                crate::check::thousands(RECORDS_PER_RUN_MAX as f64)
            ));
        }
        let sim = Simulation::new(config).map_err(|err| err.problems.join("; "))?;
        Ok(Self {
            sim,
            run_s,
            at_s: 0,
            windows: windows.to_vec(),
            snapshots: SortedMap::new(),
            window_tips: SortedMap::new(),
            timers_max: TIMERS_PER_RUN_MAX,
            throttles_per_sec: Vec::new(),
            iterator_age_ms: Vec::new(),
            delivery_delay_ms: Vec::new(),
        })
    }

    /// The share of the run done, in percent.
    pub(crate) fn progress_percent(&self) -> u32 {
        self.at_s * 100 / self.run_s
    }

    /// Simulates up to `seconds_max` more seconds (at least one); true once the run is complete.
    pub(crate) fn step(&mut self, seconds_max: u32) -> Result<bool, String> {
        let until = self.at_s.saturating_add(seconds_max.max(1)).min(self.run_s);
        while self.at_s < until {
            let s = self.at_s;
            for w in &self.windows {
                if self.run_s.saturating_sub(*w) == s {
                    self.snapshots.insert(*w, totals(&self.sim.summary()));
                    self.window_tips.insert(*w, tips(&self.sim));
                }
            }
            let target = SimTime::from_millis(u64::from(s + 1) * 1_000);
            if self.sim.advance_to_bounded(target, TIMERS_PER_SEC_MAX) == Advance::BudgetExhausted {
                return Err(format!(
                    "it needs more than {} engine steps in one simulated second (at {s} s), too many to grade \
                     here; lower the producer rates",
                    crate::check::thousands(f64::from(TIMERS_PER_SEC_MAX))
                ));
            }
            if self.sim.timers_fired() > self.timers_max {
                return Err(format!(
                    "it needs more than {} engine steps in {} simulated seconds, too many to grade here; lower the \
                     producer rates, or use fewer shards or readers",
                    crate::check::thousands(self.timers_max as f64),
                    crate::check::thousands(f64::from(s + 1))
                ));
            }
            while self.sim.poll_event().is_some() {}
            while self.sim.poll_observation().is_some() {}
            // The account's figures of the second just closed (the engine keeps only recent history).
            let second = self.sim.account().last_second();
            self.throttles_per_sec.push(second.write_throttled_records);
            self.iterator_age_ms.push(second.iterator_age_ms_max.clone());
            let worst = second.delivery_delay_ms_max.iter().enumerate().filter_map(|(i, d)| d.map(|d| (d, i)));
            self.delivery_delay_ms.push(worst.max_by_key(|(delay, _)| *delay));
            self.at_s += 1;
        }
        Ok(self.at_s >= self.run_s)
    }

    /// What the completed run measured.
    pub(crate) fn measured(&self) -> Measured {
        let summary = self.sim.summary();
        let mut windows = self.snapshots.clone();
        for w in &self.windows {
            windows.get_or_default(*w);
        }
        let worst_wait =
            summary.delivery_streams.iter().enumerate().filter_map(|(i, d)| d.buffered_wait_ms_max.map(|w| (w, i)));
        let end_tips = tips(&self.sim);
        let stream_names: Vec<String> = end_tips.keys().cloned().collect();
        let spans = self
            .sim
            .consumers()
            .iter()
            .map(|app| {
                let Some(shards) = end_tips.get(&app.config.stream_name) else { return Vec::new() };
                let stream = stream_names.iter().position(|n| *n == app.config.stream_name).unwrap_or(0);
                shards
                    .iter()
                    .map(|(&shard, &tip)| {
                        let id = ShardId(shard);
                        let processed = app.lowest_processed(id).zip(app.highest_processed(id));
                        ShardSpan { stream, shard, processed, tip }
                    })
                    .collect()
            })
            .collect();
        let mut window_tips = self.window_tips.clone();
        for w in &self.windows {
            window_tips.get_or_default(*w);
        }
        Measured {
            run_s: self.run_s,
            end: totals(&summary),
            windows,
            spans,
            window_tips,
            stream_names,
            throttles_per_sec: self.throttles_per_sec.clone(),
            iterator_age_ms: self.iterator_age_ms.clone(),
            latency_p99_ms: summary.consumers.iter().map(|c| c.latency_ms.map(|[_, _, p99]| p99)).collect(),
            delivery_delay_ms: self.delivery_delay_ms.clone(),
            buffered_wait_ms: worst_wait.max_by_key(|(wait, _)| *wait),
            delivery_streams: summary.delivery_streams.iter().map(|d| d.name.clone()).collect(),
            analytics: summary.analytics.iter().map(|a| (a.name.clone(), a.problems.first().cloned())).collect(),
            video_consumers: summary.video_streams.iter().flat_map(|v| v.consumers.iter().cloned()).collect(),
        }
    }
}

impl Measured {
    /// The value of `metric` over the window `last_s` (or the whole run), and what it is about.
    pub(crate) fn value(&self, metric: Metric, last_s: Option<u32>) -> Measurement {
        let empty = Totals::default();
        let (start, seconds, windowed) = match last_s.and_then(|w| self.windows.get(&w).map(|t| (t, w))) {
            Some((t, w)) => (t, w.clamp(1, self.run_s), true),
            None => (&empty, self.run_s, false),
        };
        let (value, who, note) = match metric {
            Metric::RecordsSkippedMax | Metric::EarlierRecordsProcessedMax => {
                let empty = Tips::new();
                let tips = last_s.and_then(|w| self.window_tips.get(&w)).filter(|_| windowed).unwrap_or(&empty);
                self.span_value(metric, tips)
            }
            _ => self.value_in(metric, start, seconds),
        };
        Measurement { value, who, note, seconds, windowed }
    }

    /// Records skipped in the window, or processed from before it, by the application with the most, from the
    /// spans each application processed per shard and the shards' tips when the window began (`tips`; none: the
    /// whole run, from each shard's first record).
    fn span_value(&self, metric: Metric, tips: &Tips) -> (f64, Option<String>, Option<String>) {
        let per_app = self.spans.iter().enumerate().map(|(i, spans)| {
            let count: u64 = spans
                .iter()
                .map(|span| {
                    let stream = self.stream_names.get(span.stream);
                    // A shard created after the window began is in it from its first record (counter 1).
                    let mark = stream.and_then(|n| tips.get(n)).and_then(|t| t.get(&span.shard)).copied().unwrap_or(1);
                    match (metric, span.processed) {
                        // Nothing processed there: every record of the window was skipped.
                        (Metric::RecordsSkippedMax, None) => span.tip.saturating_sub(mark),
                        (Metric::RecordsSkippedMax, Some((lowest, _))) => lowest.clamp(mark, span.tip.max(mark)) - mark,
                        (_, Some((lowest, highest))) => mark.min(highest + 1).saturating_sub(lowest),
                        (_, None) => 0,
                    }
                })
                .sum();
            (count, i)
        });
        match per_app.max_by_key(|(count, i)| (*count, usize::MAX - i)) {
            Some((count, i)) => (count as f64, self.end.consumers.get(i).map(|c| c.0.clone()), None),
            None => (0.0, None, Some(String::from("no consumer application ran"))),
        }
    }

    /// The value of `metric` from `start` to the end (`seconds` long), whom it is about and a remark.
    fn value_in(&self, metric: Metric, start: &Totals, seconds: u32) -> (f64, Option<String>, Option<String>) {
        let from_s = (self.run_s - seconds) as usize;
        let end = &self.end;
        let per_sec = |a: u64, b: u64| a.saturating_sub(b) as f64 / f64::from(seconds);
        let total = |a: u64, b: u64| a.saturating_sub(b) as f64;
        let names = |i: usize| end.consumers.get(i).map(|c| c.0.clone());
        let (value, who) = match metric {
            Metric::WriteThrottledRecords => (total(end.write_throttled, start.write_throttled), None),
            Metric::WriteThrottledRecordsPerSecMax => {
                (self.throttles_per_sec.iter().skip(from_s).copied().max().unwrap_or(0) as f64, None)
            }
            Metric::AcceptedRecordsPerSec => (per_sec(end.producers.accepted, start.producers.accepted), None),
            Metric::DroppedRecords => (total(end.producers.dropped, start.producers.dropped), None),
            Metric::ProducerDuplicates => (total(end.producers.duplicates, start.producers.duplicates), None),
            Metric::ApiCallsPerSec => (per_sec(end.producers.api_calls, start.producers.api_calls), None),
            Metric::KinesisRecordsPerSec => {
                (per_sec(end.producers.kinesis_records, start.producers.kinesis_records), None)
            }
            Metric::ConsumerDuplicates => {
                let worst = (0..end.consumers.len())
                    .map(|i| (total(end.consumers[i].2, start.consumers.get(i).map_or(0, |c| c.2)), i))
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                worst.map_or((0.0, None), |(v, i)| (v, names(i)))
            }
            Metric::DuplicatesProcessed | Metric::DuplicatesSkipped => {
                let count = |t: &Totals, i: usize| {
                    t.dedup.get(i).map_or(0, |d| match metric {
                        Metric::DuplicatesProcessed => d.duplicates_processed,
                        _ => d.duplicates_skipped,
                    })
                };
                let per_app = (0..end.dedup.len()).map(|i| (total(count(end, i), count(start, i)), i));
                let worst = if metric == Metric::DuplicatesProcessed {
                    per_app.max_by(|a, b| a.0.total_cmp(&b.0))
                } else {
                    per_app.min_by(|a, b| a.0.total_cmp(&b.0))
                };
                worst.map_or((0.0, None), |(v, i)| (v, names(i)))
            }
            Metric::RecordsReadMin => {
                let least = (0..end.consumers.len())
                    .map(|i| (total(end.consumers[i].1, start.consumers.get(i).map_or(0, |c| c.1)), i))
                    .min_by(|a, b| a.0.total_cmp(&b.0));
                least.map_or((0.0, None), |(v, i)| (v, names(i)))
            }
            Metric::ReadThrottledCalls => {
                let sum = (0..end.consumers.len())
                    .map(|i| total(end.consumers[i].3, start.consumers.get(i).map_or(0, |c| c.3)))
                    .sum();
                (sum, None)
            }
            Metric::IteratorAgeMsMax => {
                let mut worst: Option<(u64, usize)> = None;
                for second in self.iterator_age_ms.iter().skip(from_s) {
                    for (i, age) in second.iter().enumerate() {
                        if worst.is_none_or(|(w, _)| *age > w) {
                            worst = Some((*age, i));
                        }
                    }
                }
                worst.map_or((0.0, None), |(v, i)| (v as f64, names(i)))
            }
            Metric::LatencyP99Ms => {
                let worst = self
                    .latency_p99_ms
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| p.map(|p| (p, i)))
                    .max_by_key(|(p, _)| *p);
                worst.map_or((0.0, None), |(v, i)| (v as f64, names(i)))
            }
            Metric::CostUsdPerHour => {
                let usage = end.usage.since(&start.usage);
                let micro_usd: u64 = cost::estimate(&usage).iter().map(|l| l.cost_micro_usd).sum();
                (micro_usd as f64 / 1_000_000.0 * 3_600.0 / f64::from(seconds), None)
            }
            Metric::OpenShards => (end.open_shards as f64, None),
            Metric::RecordsSkippedMax | Metric::EarlierRecordsProcessedMax => {
                return self.span_value(metric, &Tips::new());
            }
            Metric::FirehoseDeliveredRecords => {
                let note = self
                    .delivery_streams
                    .is_empty()
                    .then(|| String::from("no delivery stream ran: connect one to the data stream or to a producer"));
                return (total(end.firehose_delivered, start.firehose_delivered), None, note);
            }
            Metric::FirehoseDeliveryDelayMsMax => return self.delivery_delay_ms_max(from_s),
            Metric::VideoFragmentsPersisted => (total(end.video_persisted, start.video_persisted), None),
            Metric::VideoClipFragmentsMin => return self.video_figure("clip", |t| Some(t.fragments_read), false),
            Metric::HlsLatencyMs => return self.video_figure("hls", |t| t.latency_ms, true),
            Metric::GetMediaLatencyMs => return self.video_figure("get_media", |t| t.latency_ms, true),
            Metric::VideoConsumersRefused => {
                let refused = self.video_consumers.iter().filter(|(_, _, t)| t.error.is_some());
                let first = self.video_consumers.iter().find_map(|(n, _, t)| t.error.as_ref().map(|e| (n, e)));
                let note = first.map(|(name, error)| format!("'{name}' was refused: {error}"));
                return (refused.count() as f64, None, note);
            }
            Metric::AnalyticsRows => {
                let stopped = self.analytics.iter().find_map(|(name, problem)| problem.as_ref().map(|p| (name, p)));
                let note = match stopped {
                    Some((name, problem)) => Some(format!("'{name}' stopped: {problem}")),
                    None if self.analytics.is_empty() => {
                        Some(String::from("no Analytics application ran: connect one to the data stream"))
                    }
                    None => None,
                };
                return (total(end.analytics_rows, start.analytics_rows), None, note);
            }
        };
        (value, who, None)
    }

    /// A figure of the video consumers of `kind`: the largest (or, with `largest` false, the smallest), with a note
    /// naming a refused consumer or saying none ran.
    fn video_figure(
        &self,
        kind: &str,
        figure: fn(&shardlab_engine::video::VideoConsumerTotals) -> Option<u64>,
        largest: bool,
    ) -> (f64, Option<String>, Option<String>) {
        let of_kind: Vec<&VideoConsumerEnd> = self.video_consumers.iter().filter(|(_, k, _)| *k == kind).collect();
        let refused = of_kind.iter().find_map(|(n, _, t)| t.error.as_ref().map(|e| format!("'{n}' was refused: {e}")));
        let values = of_kind.iter().filter_map(|(n, _, t)| figure(t).map(|v| (v, n.clone())));
        let pick = if largest { values.max_by_key(|(v, _)| *v) } else { values.min_by_key(|(v, _)| *v) };
        match pick {
            Some((v, who)) => (v as f64, Some(who), refused),
            None if of_kind.is_empty() => (0.0, None, Some(format!("no {kind} video consumer ran"))),
            None => (0.0, None, refused.or_else(|| Some(String::from("no media reached it")))),
        }
    }

    /// The longest time from a record's arrival to its object being written, over the objects written from
    /// second `from_s` on, or a record's wait so far if one still buffered at the end has waited longer.
    fn delivery_delay_ms_max(&self, from_s: usize) -> (f64, Option<String>, Option<String>) {
        let stream_name = |i: usize| self.delivery_streams.get(i).cloned();
        let written = self.delivery_delay_ms.iter().skip(from_s).flatten().copied().max_by_key(|(delay, _)| *delay);
        match (written, self.buffered_wait_ms) {
            (_, Some((wait, i))) if written.is_none_or(|(delay, _)| wait > delay) => (
                wait as f64,
                stream_name(i),
                Some(String::from("a record was still waiting in its buffer when the run ended")),
            ),
            (Some((delay, i)), _) => (delay as f64, stream_name(i), None),
            (None, _) => (0.0, None, Some(String::from("no record reached a delivery stream"))),
        }
    }
}
