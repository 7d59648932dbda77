//! The running simulation as the playground sees it: the engine, per-shard and per-consumer view data,
//! the API console and a plain-English event log. No DOM here, so it is tested natively.

pub use crate::narration::LogLine;
use crate::narration::{explain_api_error, narrate};
use shardlab_engine::consumer_app::ReadStyle;
use shardlab_engine::limits::{SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC};
use shardlab_engine::{Advance, Command, ConfigError, Observed, SimConfig, SimDuration, SimTime, Simulation};
use shardlab_scenario::NodeMap;
use std::collections::VecDeque;

/// Lines the event log keeps.
pub const LOG_LINES_MAX: usize = 200;

/// How close a shard is to its write limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Load {
    /// Under 80 % of both limits.
    Normal,
    /// At 80 % or more of a limit, nothing rejected.
    NearLimit,
    /// Rejected writes in the last second.
    Throttled,
}

/// One shard as the view draws it: the last complete second's figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardView {
    /// `shardId-000000000000`.
    pub shard_id: String,
    /// Records accepted in the last second.
    pub records_per_sec: u64,
    /// Bytes accepted in the last second.
    pub bytes_per_sec: u64,
    /// Records rejected in the last second.
    pub throttled_per_sec: u64,
    /// Records rejected since the start.
    pub throttled_total: u64,
    /// The share of the hash-key space it owns, in millionths.
    pub key_space_ppm: u32,
    /// Its state.
    pub load: Load,
    /// GetRecords calls served in the last second (the shared limit is 5 per second).
    pub read_calls_per_sec: u64,
    /// Bytes returned by GetRecords in the last second (the shared limit is 2 MiB/s).
    pub read_bytes_per_sec: u64,
    /// GetRecords calls refused by the read limits in the last second.
    pub read_throttled_per_sec: u64,
}

/// A shard's slice of the hash key space, as fractions of 2^128.
#[derive(Clone, Debug, PartialEq)]
pub struct KeySegment {
    /// `shardId-000000000000`.
    pub shard_id: String,
    /// Where its range starts, 0 to 1.
    pub start: f64,
    /// Where it ends, 0 to 1.
    pub end: f64,
    /// Open, or a closed parent kept for its records.
    pub open: bool,
    /// The shard it was split from or merged from, if any.
    pub parent: Option<String>,
    /// Its write state (open shards).
    pub load: Load,
}

/// A partition key seen in the shards' latest records, at its MD5 position.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyDot {
    /// The key.
    pub key: String,
    /// Its hash key as a fraction of 2^128.
    pub position: f64,
    /// How many of the sampled records carry it.
    pub count: u32,
    /// Whether it carries far more than its share of the records.
    pub hot: bool,
}

/// Records sampled from the end of each open shard for the key-space dots (fewer per shard when there are
/// many shards, so the whole sample stays near [`KEY_SAMPLE_TOTAL`]).
pub const KEY_SAMPLE_PER_SHARD: usize = 40;

/// About how many records the key-space dots are drawn from, whatever the shard count.
pub const KEY_SAMPLE_TOTAL: usize = 400;

/// Per-second series for the charts, the last [`CHART_SECONDS`] seconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartData {
    /// The second of the last value.
    pub end_second: u64,
    /// Bytes accepted by all shards.
    pub incoming_bytes: Vec<f64>,
    /// Bytes read by all readers (GetRecords and fan-out pushes).
    pub outgoing_bytes: Vec<f64>,
    /// Records rejected by write throttling.
    pub write_throttled: Vec<f64>,
    /// GetRecords calls refused by read throttling.
    pub read_throttled: Vec<f64>,
    /// Each consumer's largest iterator age, in ms.
    pub iterator_age_ms: Vec<(String, Vec<f64>)>,
}

/// Seconds of history the charts show.
pub const CHART_SECONDS: u64 = 60;

/// A hash key as a fraction of the key space.
fn key_fraction(hash_key: u128) -> f64 {
    (hash_key >> 64) as f64 / 18_446_744_073_709_551_616.0
}

/// The consumer as the view draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerView {
    /// Its name.
    pub name: String,
    /// How it reads, in words.
    pub style: &'static str,
    /// Records received in the last second.
    pub records_per_sec: u64,
    /// Bytes received in the last second.
    pub bytes_per_sec: u64,
    /// The largest iterator age in the last second (how far behind the stream's tip it is).
    pub iterator_age_ms: u64,
    /// Calls refused by the shared read limits in the last second.
    pub throttled_calls_per_sec: u64,
    /// Put-to-get latency p50, p95 and p99 so far, in ms.
    pub latency_ms: Option<[u64; 3]>,
}

/// One record as the record browser shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowsedRecord {
    /// `SequenceNumber`.
    pub sequence_number: String,
    /// `PartitionKey`.
    pub partition_key: String,
    /// `ApproximateArrivalTimestamp`, simulated milliseconds.
    pub arrival_ms: u64,
    /// Data plus key, in bytes.
    pub size_bytes: u64,
    /// The data as text when it is printable UTF-8, otherwise as `base64:…` (as the API sends it); cut to
    /// 200 characters.
    pub text: String,
    /// The 128-bit hash key that placed it (MD5 of the partition key, or the `ExplicitHashKey`), in decimal.
    pub hash_key: String,
    /// The data as the API sends it, base64; cut to 300 characters.
    pub base64: String,
    /// The data pretty-printed, when it is JSON.
    pub json: Option<String>,
}

/// One GetRecords page of the record browser.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BrowsePage {
    /// The records.
    pub records: Vec<BrowsedRecord>,
    /// `NextShardIterator`: absent at the end of a closed shard.
    pub next_shard_iterator: Option<String>,
    /// `MillisBehindLatest`.
    pub millis_behind_latest: u64,
    /// `ChildShards` ids, at the end of a closed shard.
    pub child_shards: Vec<String>,
}

/// Record data for people: printable text as it is, anything else as base64; at most 200 characters.
fn readable(data: &[u8]) -> String {
    use base64::Engine;
    let text =
        core::str::from_utf8(data).ok().filter(|t| !t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')));
    match text {
        Some(t) => t.chars().take(200).collect(),
        None => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&data[..data.len().min(150)]);
            format!("base64:{encoded}{}", if data.len() > 150 { "…" } else { "" })
        }
    }
}

/// Engine timers handled between two looks at the frame's wall-clock budget: small, so a frame overruns its
/// budget by little whatever the load (the look costs one read of the clock).
pub const TIMERS_PER_CHUNK: u32 = 250;

/// API calls the console keeps.
pub const API_HISTORY_MAX: usize = 50;

/// Refused stream changes kept for the timeline (as many as a scenario may schedule).
pub const REFUSALS_MAX: usize = shardlab_scenario::SCHEDULED_MAX;

/// A stream change the service refused when it fired: when, which stream, and AWS's error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Simulated ms.
    pub at_ms: u64,
    /// The stream's name.
    pub stream: String,
    /// `LimitExceededException: ...`.
    pub message: String,
}

/// One call made in the API console and its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiExchange {
    /// Simulated milliseconds when it was made.
    pub at_ms: u64,
    /// The operation, e.g. `PutRecord`.
    pub operation: String,
    /// The request body as typed.
    pub request: String,
    /// The HTTP status.
    pub status: u16,
    /// The response body, pretty-printed JSON.
    pub response: String,
}

/// The simulation with everything the view needs.
pub struct Runner {
    sim: Simulation,
    /// What each pipeline node runs as.
    nodes: NodeMap,
    log: VecDeque<LogLine>,
    api: shardlab_api::KinesisApi,
    api_history: VecDeque<ApiExchange>,
    refusals: Vec<Refusal>,
    /// The shard log view's lookups of old records, kept between views of this run.
    shard_log_samples: core::cell::RefCell<crate::shard_log::SampleCache>,
}

impl Runner {
    /// A run of `config` from time 0, with the map from pipeline nodes to what they run as, or every problem
    /// with it.
    pub fn new(config: SimConfig, nodes: NodeMap) -> Result<Self, ConfigError> {
        let sim = Simulation::new(config)?;
        let mut runner = Self {
            sim,
            nodes,
            log: VecDeque::new(),
            api: shardlab_api::KinesisApi::new(),
            api_history: VecDeque::new(),
            refusals: Vec::new(),
            shard_log_samples: core::cell::RefCell::default(),
        };
        runner.drain_events();
        Ok(runner)
    }

    /// The engine, for reading.
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// What each pipeline node runs as: look a node's figures up through it.
    pub fn nodes(&self) -> &NodeMap {
        &self.nodes
    }

    /// Changes producer `producer`'s rate (its index in the run) from now on. On error nothing changes.
    pub fn set_rate(&mut self, producer: u32, records_per_sec: u32) -> Result<(), ConfigError> {
        self.sim.apply(Command::SetProducerRate { producer, records_per_sec })
    }

    /// A replay from the shard log view: moves a consumer on a shard through the engine (GetShardIterator,
    /// a new subscription or a moved KCL checkpoint) and says so in the log. Returns the position it reads
    /// next; on error nothing changes and the reason comes back.
    pub fn replay(&mut self, request: crate::shard_log::ReplayRequest) -> Result<u64, String> {
        let shard = shardlab_engine::ShardId(request.shard);
        let (name, old) = self
            .sim
            .consumers()
            .get(request.consumer as usize)
            .map(|app| (app.config.name.clone(), app.next_position(shard)))
            .ok_or_else(|| format!("There is no consumer {}.", request.consumer))?;
        let new = self
            .sim
            .replay_consumer(request.consumer, request.shard, request.from)
            .map_err(|e| e.problems.join(" "))?;
        let text = crate::shard_log::replay_text(&name, &shard.to_string(), request.from, old, new);
        let line = LogLine::info(self.sim.now().as_millis(), format!("consumer {name}"), Some(name), text);
        self.log_line(line);
        Ok(new)
    }

    /// Moves simulated time forward by `delta`, handling at most `timers_max` engine timers.
    /// Returns false if the budget ran out (the page cannot keep up with the chosen speed).
    pub fn advance_by(&mut self, delta: SimDuration, timers_max: u32) -> bool {
        let outcome = self.sim.advance_to_bounded(self.sim.now() + delta, timers_max);
        self.drain_events();
        outcome == Advance::Reached
    }

    /// Moves simulated time forward by `delta` in chunks of engine timers, asking `out_of_time` between
    /// chunks whether the frame's wall-clock budget is spent. Returns false if it stopped short.
    pub fn advance_by_until(&mut self, delta: SimDuration, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        let target = self.sim.now() + delta;
        self.advance_until(target, out_of_time)
    }

    fn advance_until(&mut self, target: SimTime, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        loop {
            let outcome = self.sim.advance_to_bounded(target, TIMERS_PER_CHUNK);
            self.drain_events();
            if outcome == Advance::Reached {
                return true;
            }
            if out_of_time() {
                return false;
            }
        }
    }

    /// Moves toward `target_ms` within the frame's budget (see [`Self::advance_by_until`]); true once reached.
    pub fn advance_toward_until(&mut self, target_ms: u64, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        let target = SimTime::from_millis(target_ms);
        self.sim.now() >= target || self.advance_until(target, out_of_time)
    }

    /// Moves to the engine's next scheduled action (a producer's send, a consumer's poll, a flush...), or
    /// one second if nothing is scheduled. Returns the simulated ms reached.
    pub fn step_event(&mut self) -> u64 {
        let now = self.sim.now();
        let next = self.sim.next_deadline().filter(|&d| d > now).unwrap_or(now + SimDuration::SECOND);
        self.sim.advance_to(next);
        self.drain_events();
        self.sim.now().as_millis()
    }

    /// Calls `Kinesis_20131202.<operation>` with `body` (JSON text) on the running simulation, at its current
    /// time, and keeps the exchange. Malformed text gets AWS's `SerializationException`, never a panic.
    pub fn call_api(&mut self, operation: &str, body: &str) -> &ApiExchange {
        // A bare name is a Kinesis operation; `Firehose_20150804.PutRecord` names its service.
        let target = if operation.contains('.') {
            operation.to_string()
        } else {
            format!("{}{operation}", shardlab_api::TARGET_PREFIX)
        };
        let reply = self.api.handle_text(&mut self.sim, &target, body);
        let response = serde_json::to_string_pretty(&reply.body).unwrap_or_else(|_| reply.body.to_string());
        if self.api_history.len() == API_HISTORY_MAX {
            self.api_history.pop_front();
        }
        self.api_history.push_back(ApiExchange {
            at_ms: self.sim.now().as_millis(),
            operation: operation.into(),
            request: body.into(),
            status: reply.status,
            response,
        });
        self.drain_events();
        if reply.status >= 400 {
            let error_type = reply.body.get("__type").and_then(|t| t.as_str()).unwrap_or("error").to_string();
            let message = reply.body.get("message").or_else(|| reply.body.get("Message")).and_then(|m| m.as_str());
            let text = format!(
                "API console: {operation} failed with {error_type}{}",
                message.map_or_else(String::new, |m| format!(": {m}"))
            );
            let at_ms = self.sim.now().as_millis();
            let line = match explain_api_error(&error_type) {
                Some(why) => LogLine::warning(at_ms, "API console".into(), None, text, why),
                None => LogLine { is_warning: true, ..LogLine::info(at_ms, "API console".into(), None, text) },
            };
            self.log_line(line);
        }
        self.api_history.back().expect("just pushed")
    }

    /// What the console's Send does: text starting with `aws ` is read as an AWS CLI command
    /// (`aws kinesis put-record --stream-name …`, `aws firehose put-record …`); anything else is the JSON body of
    /// `operation`.
    /// A command that cannot be read is refused with the reason, and nothing is called.
    pub fn call_console(&mut self, operation: &str, text: &str) -> Result<(), String> {
        if text.trim_start().starts_with("aws ") {
            let (target, body) = shardlab_api::parse_cli_target(text)?;
            let operation = target.strip_prefix(shardlab_api::TARGET_PREFIX).unwrap_or(&target).to_string();
            self.call_api(&operation, &body.to_string());
        } else {
            self.call_api(operation, text);
        }
        Ok(())
    }

    /// The record browser's first page: GetShardIterator of `kind` (`TRIM_HORIZON`, `LATEST`,
    /// `AT_SEQUENCE_NUMBER`, `AFTER_SEQUENCE_NUMBER`, `AT_TIMESTAMP` with simulated ms) on `shard`, then
    /// GetRecords. Both count against the shard's read limits, as a real reader's calls do; errors are AWS's.
    pub fn browse(
        &mut self,
        stream: &str,
        shard: &str,
        kind: &str,
        argument: &str,
        limit: u32,
    ) -> Result<BrowsePage, String> {
        use shardlab_engine::kinesis::IteratorStart;
        let start = match kind {
            "TRIM_HORIZON" => IteratorStart::TrimHorizon,
            "LATEST" => IteratorStart::Latest,
            "AT_SEQUENCE_NUMBER" => IteratorStart::AtSequenceNumber(argument.trim().into()),
            "AFTER_SEQUENCE_NUMBER" => IteratorStart::AfterSequenceNumber(argument.trim().into()),
            "AT_TIMESTAMP" => {
                let ms: u64 = argument
                    .trim()
                    .parse()
                    .map_err(|_| "AT_TIMESTAMP needs simulated milliseconds, such as 1500".to_string())?;
                IteratorStart::AtTimestamp(self.sim.kinesis().unix_ms(shardlab_engine::SimTime::from_millis(ms)))
            }
            other => return Err(format!("{other} is not a ShardIteratorType")),
        };
        let now = self.sim.now();
        let iterator =
            self.sim.kinesis_mut().get_shard_iterator(now, stream, shard, start).map_err(|e| e.to_string())?;
        self.browse_next(&iterator, limit)
    }

    /// The next page from a `NextShardIterator`.
    pub fn browse_next(&mut self, iterator: &str, limit: u32) -> Result<BrowsePage, String> {
        let now = self.sim.now();
        let out = self.sim.kinesis_mut().get_records(now, iterator, Some(limit)).map_err(|e| e.to_string())?;
        let records = out
            .records
            .iter()
            .map(|r| {
                use base64::Engine;
                let data = r.data_bytes();
                let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
                BrowsedRecord {
                    sequence_number: r.sequence_number.to_decimal(),
                    partition_key: r.partition_key.clone(),
                    arrival_ms: r.arrival.as_millis(),
                    size_bytes: r.size_bytes(),
                    text: readable(&data),
                    hash_key: r.hash_key.to_string(),
                    base64: if encoded.len() > 300 { format!("{}…", &encoded[..300]) } else { encoded },
                    // The JSON view is the full module's: the lite module carries no JSON reader.
                    json: crate::modules::FULL
                        .then(|| serde_json::from_slice::<serde_json::Value>(&data).ok())
                        .flatten()
                        .filter(|v| v.is_object() || v.is_array())
                        .and_then(|v| serde_json::to_string_pretty(&v).ok()),
                }
            })
            .collect();
        Ok(BrowsePage {
            records,
            next_shard_iterator: out.next_shard_iterator,
            millis_behind_latest: out.millis_behind_latest,
            child_shards: out.child_shards.iter().map(|(id, _, _)| id.to_string()).collect(),
        })
    }

    /// Every stream in the simulated account (the scenario's first, then any made in the API console) with
    /// its shards' ids, open and closed.
    pub fn shard_ids(&self) -> Vec<(String, Vec<String>)> {
        let main = self.sim.config().streams.first().map_or("", |s| s.name.as_str());
        let mut streams: Vec<(String, Vec<String>)> = self
            .sim
            .kinesis()
            .streams()
            .map(|s| (s.name.clone(), s.shards().iter().map(|sh| sh.id.to_string()).collect()))
            .collect();
        // The scenario's stream first, the rest in name order (a rotation, not a sort: no sort code for this type).
        if let Some(at) = streams.iter().position(|(name, _)| name == main) {
            streams[..=at].rotate_right(1);
        }
        streams
    }

    /// The stream changes the service refused so far in this run, oldest first.
    pub fn refusals(&self) -> &[Refusal] {
        &self.refusals
    }

    /// The console's calls, oldest first.
    pub fn api_history(&self) -> impl DoubleEndedIterator<Item = &ApiExchange> {
        self.api_history.iter()
    }

    /// The log, oldest first.
    pub fn log(&self) -> impl DoubleEndedIterator<Item = &LogLine> {
        self.log.iter()
    }

    /// The consumer's figures for the last complete second.
    pub fn consumer_views(&self) -> Vec<ConsumerView> {
        let last_second = self.sim.now().as_secs().checked_sub(1);
        self.sim
            .consumers()
            .iter()
            .map(|app| {
                let bucket = last_second.map(|s| app.second(s)).unwrap_or_default();
                ConsumerView {
                    name: app.config.name.clone(),
                    style: match app.config.style {
                        ReadStyle::EnhancedFanOut => "enhanced fan-out (own 2 MiB/s per shard)",
                        ReadStyle::Kcl(_) => "KCL application",
                        ReadStyle::Lambda(_) => "Lambda function",
                        ReadStyle::Polling { .. } => "GetRecords every 1 s (shared 2 MiB/s per shard)",
                    },
                    records_per_sec: bucket.records,
                    bytes_per_sec: bucket.bytes,
                    iterator_age_ms: bucket.iterator_age_ms_max,
                    throttled_calls_per_sec: bucket.throttled_calls,
                    latency_ms: [50, 95, 99]
                        .into_iter()
                        .map(|p| app.latency.percentile(p))
                        .collect::<Option<Vec<u64>>>()
                        .and_then(|v| v.try_into().ok()),
                }
            })
            .collect()
    }

    /// Each shard's figures of the scenario's first stream for the last complete second.
    pub fn shard_views(&self) -> Vec<ShardView> {
        self.shard_views_of(self.sim.stream())
    }

    /// Each open shard's figures of `stream` for the last complete second.
    pub fn shard_views_of(&self, stream: Option<&shardlab_engine::Stream>) -> Vec<ShardView> {
        let last_second = self.sim.now().as_secs().checked_sub(1);
        let shards = stream.map(|s| s.shards()).unwrap_or_default();
        shards
            .iter()
            .filter(|shard| shard.is_open())
            .map(|shard| {
                let bucket = last_second.map(|s| shard.metrics.second(s)).unwrap_or_default();
                let near = bucket.incoming_records * 10 >= SHARD_WRITE_RECORDS_PER_SEC * 8
                    || bucket.incoming_bytes * 10 >= SHARD_WRITE_BYTES_PER_SEC * 8;
                let load = if bucket.write_provisioned_throughput_exceeded > 0 {
                    Load::Throttled
                } else if near {
                    Load::NearLimit
                } else {
                    Load::Normal
                };
                ShardView {
                    shard_id: shard.id.to_string(),
                    records_per_sec: bucket.incoming_records,
                    bytes_per_sec: bucket.incoming_bytes,
                    throttled_per_sec: bucket.write_provisioned_throughput_exceeded,
                    throttled_total: shard.metrics.totals.write_provisioned_throughput_exceeded,
                    key_space_ppm: shard.hash_key_range.share_ppm(),
                    load,
                    read_calls_per_sec: bucket.get_records_success,
                    read_bytes_per_sec: bucket.outgoing_bytes,
                    read_throttled_per_sec: bucket.read_provisioned_throughput_exceeded,
                }
            })
            .collect()
    }

    /// The shard log view of `stream` from shard `page_start` on (see [`crate::shard_log::shard_log_view`]),
    /// looking up only the old records this run's last view did not.
    pub fn shard_log_view(&self, stream: &str, page_start: usize) -> Option<crate::shard_log::ShardLogView> {
        let mut cache = self.shard_log_samples.borrow_mut();
        crate::shard_log::shard_log_view(&self.sim, stream, page_start, &mut cache)
    }

    /// The hash key space of the scenario's first stream (see [`Self::key_space_of`]).
    pub fn key_space(&self, views: &[ShardView]) -> (Vec<KeySegment>, Vec<KeyDot>) {
        self.key_space_of(self.sim.stream(), views)
    }

    /// The hash key space of `stream`: open shards, closed parents still kept, and the latest records' keys.
    pub fn key_space_of(
        &self,
        stream: Option<&shardlab_engine::Stream>,
        views: &[ShardView],
    ) -> (Vec<KeySegment>, Vec<KeyDot>) {
        let shards = stream.map(|s| s.shards()).unwrap_or_default();
        let segments = shards
            .iter()
            .map(|shard| {
                let id = shard.id.to_string();
                KeySegment {
                    start: key_fraction(shard.hash_key_range.starting_hash_key),
                    end: key_fraction(shard.hash_key_range.ending_hash_key),
                    open: shard.is_open(),
                    parent: shard.parent_shard_id.map(|p| p.to_string()),
                    load: views.iter().find(|v| v.shard_id == id).map_or(Load::Normal, |v| v.load),
                    shard_id: id,
                }
            })
            .collect();
        let mut counts: shardlab_engine::sorted_map::SortedMap<String, (u128, u32)> = Default::default();
        let mut sampled = 0u32;
        let open = shards.iter().filter(|s| s.is_open()).count().max(1);
        let per_shard = (KEY_SAMPLE_TOTAL / open).clamp(4, KEY_SAMPLE_PER_SHARD);
        for shard in shards.iter().filter(|s| s.is_open()) {
            let newest_first = shard.latest_position().saturating_sub(per_shard as u64);
            for record in shard.records_from(newest_first) {
                counts.get_or_insert_with(record.partition_key, || (record.hash_key, 0)).1 += 1;
                sampled += 1;
            }
        }
        // Hot: a key behind at least a tenth of the sampled records (and at least 5 of them).
        let hot_min = (sampled / 10).max(5);
        let dots = counts
            .into_iter()
            .map(|(key, (hash_key, count))| KeyDot {
                key,
                position: key_fraction(hash_key),
                count,
                hot: count >= hot_min,
            })
            .collect();
        (segments, dots)
    }

    /// The charts' series of the scenario's first stream (see [`Self::chart_data_of`]).
    pub fn chart_data(&self) -> ChartData {
        self.chart_data_of(self.sim.stream())
    }

    /// The charts' series of `stream` for the last [`CHART_SECONDS`] complete seconds.
    pub fn chart_data_of(&self, stream: Option<&shardlab_engine::Stream>) -> ChartData {
        let Some(end) = self.sim.now().as_secs().checked_sub(1) else { return ChartData::default() };
        let first = end.saturating_sub(CHART_SECONDS - 1);
        let shards = stream.map(|s| s.shards()).unwrap_or_default();
        let mut data = ChartData { end_second: end, ..ChartData::default() };
        for second in first..=end {
            let (mut incoming, mut outgoing, mut write_throttled, mut read_throttled) = (0, 0, 0, 0);
            for shard in shards {
                let b = shard.metrics.second(second);
                incoming += b.incoming_bytes;
                outgoing += b.outgoing_bytes;
                write_throttled += b.write_provisioned_throughput_exceeded;
                read_throttled += b.read_provisioned_throughput_exceeded;
            }
            if let Some(stream) = stream {
                outgoing += stream.metrics.second(second).subscribe_to_shard_event_bytes;
            }
            data.incoming_bytes.push(incoming as f64);
            data.outgoing_bytes.push(outgoing as f64);
            data.write_throttled.push(write_throttled as f64);
            data.read_throttled.push(read_throttled as f64);
        }
        let name = stream.map(|s| s.name.as_str());
        data.iterator_age_ms = self
            .sim
            .consumers()
            .iter()
            .filter(|app| Some(app.config.stream_name.as_str()) == name)
            .map(|app| {
                (app.config.name.clone(), (first..=end).map(|s| app.second(s).iterator_age_ms_max as f64).collect())
            })
            .collect();
        data
    }

    fn log_line(&mut self, line: LogLine) {
        if self.log.len() == LOG_LINES_MAX {
            self.log.pop_front();
        }
        self.log.push_back(line);
    }

    fn drain_events(&mut self) {
        // Events are the API's record; the log tells the account's observations.
        while self.sim.poll_event().is_some() {}
        while let Some(observation) = self.sim.poll_observation() {
            if let Observed::StreamChangeRefused { stream, error_type, message, .. } = &observation.what
                && self.refusals.len() < REFUSALS_MAX
            {
                let (at_ms, stream) = (observation.at.as_millis(), stream.clone());
                self.refusals.push(Refusal { at_ms, stream, message: format!("{error_type}: {message}") });
            }
            if let Some(line) = narrate(&observation) {
                self.log_line(line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shardlab_engine::ProducerConfig;
    use shardlab_engine::consumer_app::{ConsumerAppConfig, StartAt};
    use shardlab_engine::{DEFAULT_STREAM_NAME, StreamConfig};

    /// What the tests vary: one producer of random keys into one stream, one consumer.
    #[derive(Clone, Copy)]
    struct Settings {
        shard_count: u32,
        records_per_sec: u32,
        record_bytes: u32,
        fan_out: bool,
    }

    impl Default for Settings {
        fn default() -> Self {
            Self { shard_count: 2, records_per_sec: 500, record_bytes: 512, fan_out: false }
        }
    }

    fn config(s: Settings) -> SimConfig {
        SimConfig {
            seed: 42,
            streams: vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, s.shard_count)],
            producers: vec![ProducerConfig::steady("clickstream", s.records_per_sec, s.record_bytes, 10_000)],
            consumers: vec![ConsumerAppConfig {
                style: if s.fan_out {
                    ReadStyle::EnhancedFanOut
                } else {
                    ReadStyle::Polling { interval_ms: 1_000, limit: 10_000 }
                },
                start: StartAt::Latest,
                ..ConsumerAppConfig::polling("analytics")
            }],
            ..SimConfig::default()
        }
    }

    fn run(settings: Settings, secs: u64) -> Runner {
        let mut runner = Runner::new(config(settings), NodeMap::default()).expect("valid settings");
        runner.advance_by(SimDuration::from_secs(secs), u32::MAX);
        runner
    }

    #[test]
    fn default_run_stays_under_the_limits() {
        let runner = run(Settings::default(), 3);
        let views = runner.shard_views();
        assert_eq!(views.len(), 2);
        assert_eq!(views.iter().map(|v| v.records_per_sec).sum::<u64>(), 500);
        assert!(views.iter().all(|v| v.load == Load::Normal && v.throttled_total == 0));
        assert_eq!(views[0].key_space_ppm, 500_000);
    }

    #[test]
    fn one_shard_over_the_limit_throttles_and_explains_why() {
        let runner = run(Settings { shard_count: 1, records_per_sec: 1_500, ..Settings::default() }, 2);
        let view = &runner.shard_views()[0];
        assert_eq!(view.load, Load::Throttled);
        assert_eq!((view.records_per_sec, view.throttled_per_sec), (1_000, 500));
        let warning = runner.log().find(|l| l.is_warning).expect("a throttling line");
        assert!(
            warning
                .text
                .starts_with("Shard shardId-000000000000 is over its write limit (1,000 records/s): 500 of 1,500 puts"),
            "{}",
            warning.text
        );
        assert!(warning.text.contains("Add shards"));
        // Why? 1,500 asked of a 1,000 records/s shard, with the bytes that stood for.
        let why = warning.explanation.as_ref().expect("an explanation");
        assert_eq!(why.limit, "Each shard accepts at most 1,000 records per second.");
        assert!(
            why.numbers.starts_with("In that second shardId-000000000000 was asked to take 1,500 records"),
            "{}",
            why.numbers
        );
        assert!(why.numbers.ends_with("and accepted 1,000."), "{}", why.numbers);
        assert!(why.fixes.iter().any(|f| f.contains("partition keys")));
        assert_eq!(warning.node.as_deref(), Some("clickstream"), "selects the stream");
    }

    #[test]
    fn refused_reads_and_a_consumer_falling_behind_are_narrated() {
        // Six readers polling every 100 ms want 60 calls/s of one shard's 5.
        let mut busy = config(Settings { shard_count: 1, records_per_sec: 200, ..Settings::default() });
        busy.consumers = (0..6)
            .map(|i| ConsumerAppConfig {
                style: ReadStyle::Polling { interval_ms: 100, limit: 10_000 },
                start: StartAt::Latest,
                ..ConsumerAppConfig::polling(&format!("reader-{i}"))
            })
            .collect();
        let mut runner = Runner::new(busy, NodeMap::default()).expect("valid");
        runner.advance_by(SimDuration::from_secs(3), u32::MAX);
        let refused = runner.log().find(|l| l.text.contains("GetRecords calls refused")).expect("a read throttle line");
        assert!(refused.component.starts_with("consumer reader-"));
        let why = refused.explanation.as_ref().expect("why");
        assert!(why.limit.contains("5 calls per second per shard"), "{}", why.limit);
        assert!(why.fixes[0].contains("enhanced fan-out"));

        // A reader taking 100 records a second from a stream of 500 records/s falls 4 s further behind each second.
        let mut slow = config(Settings::default());
        slow.consumers[0].style = ReadStyle::Polling { interval_ms: 1_000, limit: 100 };
        let mut runner = Runner::new(slow, NodeMap::default()).expect("valid");
        runner.advance_by(SimDuration::from_secs(30), u32::MAX);
        assert!(
            runner.log().any(|l| l.text.starts_with("Consumer analytics is falling behind")),
            "{:?}",
            runner.log().collect::<Vec<_>>()
        );
    }

    #[test]
    fn api_console_errors_are_explained_in_the_log() {
        let mut runner = run(Settings { records_per_sec: 0, ..Settings::default() }, 1);
        runner.call_api("DescribeStream", r#"{"StreamName": "nope"}"#);
        let line = runner.log().last().expect("a line");
        assert!(
            line.text.starts_with("API console: DescribeStream failed with ResourceNotFoundException"),
            "{}",
            line.text
        );
        assert_eq!(line.component, "API console");
        assert!(line.explanation.as_ref().is_some_and(|w| w.fixes[0].contains("ListStreams")));
    }

    #[test]
    fn near_the_limit_is_flagged_before_throttling() {
        let runner = run(Settings { shard_count: 1, records_per_sec: 850, ..Settings::default() }, 2);
        assert_eq!(runner.shard_views()[0].load, Load::NearLimit);
    }

    #[test]
    fn a_bad_rate_is_refused_and_keeps_the_run() {
        let mut runner = run(Settings::default(), 2);
        assert!(runner.set_rate(0, 5_000_000).is_err());
        assert!(runner.set_rate(7, 100).is_err(), "no producer 7");
        runner.advance_by(SimDuration::SECOND, u32::MAX);
        assert_eq!(runner.shard_views().iter().map(|v| v.records_per_sec).sum::<u64>(), 500, "the old rate holds");
    }

    #[test]
    fn the_api_console_acts_on_the_running_simulation() {
        let mut runner = run(Settings { records_per_sec: 0, ..Settings::default() }, 1);
        let put = runner
            .call_api("PutRecord", r#"{"StreamName": "clickstream", "PartitionKey": "a", "Data": "aGk="}"#)
            .clone();
        assert_eq!(put.status, 200, "{}", put.response);
        // `docs/aws-behaviour.md` §1.2: on two shards "a" hashes into the lower half.
        assert!(put.response.contains("\"ShardId\": \"shardId-000000000000\""), "{}", put.response);
        let bad = runner.call_api("PutRecord", "{not json").clone();
        assert_eq!(bad.status, 400);
        assert!(bad.response.contains("SerializationException"), "{}", bad.response);
        let missing = runner.call_api("DescribeStream", r#"{"StreamName": "nope"}"#).clone();
        assert!(missing.response.contains("Stream nope under account 000000000000 not found."), "{}", missing.response);
        assert_eq!(runner.api_history().count(), 3);
        assert_eq!(runner.sim().stream().map(|s| s.shards()[0].metrics.totals.incoming_records), Some(1));
    }

    #[test]
    fn the_consumer_keeps_up_and_fan_out_is_quicker() {
        let polling = run(Settings::default(), 10);
        let fan_out = run(Settings { fan_out: true, ..Settings::default() }, 10);
        let (p, f) = (&polling.consumer_views()[0], &fan_out.consumer_views()[0]);
        // The producer writes 500 records/s from t = 0; both readers keep up (polling is at most about 1.2 s
        // behind: its interval plus the 100 ms propagation delay).
        let polled = polling.sim().consumers()[0].totals.records;
        assert!(polled >= 5_000 - 600, "{polled}");
        assert!((450..=550).contains(&f.records_per_sec), "{f:?}");
        let (p50_polling, p50_fan_out) = (p.latency_ms.expect("read")[0], f.latency_ms.expect("read")[0]);
        assert!(p50_fan_out < p50_polling, "{p50_fan_out} vs {p50_polling}");
    }

    #[test]
    fn the_console_reads_aws_cli_commands_too() {
        let mut runner = run(Settings { records_per_sec: 0, ..Settings::default() }, 1);
        runner
            .call_console(
                "DescribeStream",
                "aws kinesis put-record --stream-name clickstream --partition-key b --data aGk=",
            )
            .expect("a valid command");
        let exchange = runner.api_history().last().expect("one call");
        // The command names the operation; the selected one is ignored.
        // `docs/aws-behaviour.md` §1.2: "b" is on shard 1 of 2.
        assert_eq!((exchange.operation.as_str(), exchange.status), ("PutRecord", 200));
        assert!(exchange.response.contains("shardId-000000000001"), "{}", exchange.response);
        let refused = runner.call_console("PutRecord", "aws kinesis put-record --stream s").expect_err("bad option");
        assert!(refused.starts_with("put-record has no option --stream"), "{refused}");
        assert_eq!(runner.api_history().count(), 1, "a refused command calls nothing");
    }

    #[test]
    fn the_console_speaks_firehose_too() {
        let mut runner = run(Settings { records_per_sec: 0, ..Settings::default() }, 1);
        let created = runner
            .call_api(
                "Firehose_20150804.CreateDeliveryStream",
                r#"{"DeliveryStreamName": "to-s3", "DeliveryStreamType": "DirectPut", "ExtendedS3DestinationConfiguration": {"BucketARN": "arn:aws:s3:::b", "RoleARN": "arn:aws:iam::000000000000:role/r"}}"#,
            )
            .clone();
        assert_eq!(created.status, 200, "{}", created.response);
        runner.advance_by(SimDuration::from_secs(10), u32::MAX);
        runner
            .call_console("PutRecord", "aws firehose put-record --delivery-stream-name to-s3 --record Data=aGk=")
            .expect("a valid command");
        let put = runner.api_history().last().expect("a call");
        assert_eq!((put.operation.as_str(), put.status), ("Firehose_20150804.PutRecord", 200), "{}", put.response);
        assert!(put.response.contains("RecordId"), "{}", put.response);
    }

    #[test]
    fn the_record_browser_pages_through_a_shard() {
        let mut runner = run(Settings { records_per_sec: 100, ..Settings::default() }, 3);
        let first = runner.browse("clickstream", "shardId-000000000000", "TRIM_HORIZON", "", 10).expect("a page");
        assert_eq!(first.records.len(), 10);
        let next = runner.browse_next(first.next_shard_iterator.as_deref().expect("open shard"), 10).expect("page 2");
        assert!(next.records[0].sequence_number > first.records[9].sequence_number);
        let after = runner
            .browse(
                "clickstream",
                "shardId-000000000000",
                "AFTER_SEQUENCE_NUMBER",
                &first.records[0].sequence_number,
                1,
            )
            .expect("after the first");
        assert_eq!(after.records[0], first.records[1]);
        let bad = runner.browse("clickstream", "shardId-000000000009", "LATEST", "", 1).expect_err("no such shard");
        assert!(
            bad.contains("Shard shardId-000000000009 in stream clickstream under account 000000000000 does not exist"),
            "{bad}"
        );
        assert!(runner.browse("clickstream", "shardId-000000000000", "AT_TIMESTAMP", "soon", 1).is_err());
        // The default producer's data is zeros: not text, so shown as base64.
        assert!(first.records[0].text.starts_with("base64:AAAA"), "{}", first.records[0].text);
        assert_eq!(readable(b"{\"a\":1}"), "{\"a\":1}");
        // Zeros are not JSON; their base64 is the API's form.
        assert!(first.records[0].json.is_none() && first.records[0].base64.starts_with("AAAA"));
    }

    #[test]
    fn a_stream_made_in_the_console_can_be_browsed_with_every_view_of_its_data() {
        let mut runner = run(Settings { records_per_sec: 0, ..Settings::default() }, 1);
        assert_eq!(runner.call_api("CreateStream", r#"{"StreamName": "by-hand", "ShardCount": 1}"#).status, 200);
        runner.advance_by(SimDuration::SECOND, u32::MAX);
        // {"a":1} in base64.
        let put =
            runner.call_api("PutRecord", r#"{"StreamName": "by-hand", "PartitionKey": "a", "Data": "eyJhIjoxfQ=="}"#);
        assert_eq!(put.status, 200, "{}", put.response);
        runner.advance_by(SimDuration::SECOND, u32::MAX);
        let streams = runner.shard_ids();
        assert_eq!(streams[0].0, "clickstream", "the scenario's stream first");
        assert!(streams.iter().any(|(name, shards)| name == "by-hand" && shards == &["shardId-000000000000"]));
        let page = runner.browse("by-hand", "shardId-000000000000", "TRIM_HORIZON", "", 10).expect("a page");
        let record = &page.records[0];
        assert_eq!((record.partition_key.as_str(), record.text.as_str()), ("a", "{\"a\":1}"));
        assert_eq!(record.base64, "eyJhIjoxfQ==");
        assert_eq!(record.json.as_deref(), Some("{\n  \"a\": 1\n}"));
        // `docs/aws-behaviour.md` §1.2: MD5("a") = 0cc175b9c0f1b6a831c399e269772661 is the hash key, in decimal.
        assert_eq!(
            record.hash_key,
            u128::from_str_radix("0cc175b9c0f1b6a831c399e269772661", 16).expect("hex").to_string()
        );
    }

    #[test]
    fn run_to_stops_exactly_at_the_target() {
        let mut runner = run(Settings::default(), 0);
        assert!(runner.advance_toward_until(90_000, &mut || false));
        assert_eq!(runner.sim().now().as_millis(), 90_000, "never past the target");
        assert!(runner.advance_toward_until(10_000, &mut || false), "a past target is reached");
        assert_eq!(runner.sim().now().as_millis(), 90_000);
    }

    #[test]
    fn a_frame_budget_stops_the_work_between_chunks() {
        let mut runner = run(Settings { records_per_sec: 100_000, ..Settings::default() }, 0);
        let mut looks = 0;
        let reached = runner.advance_by_until(SimDuration::from_secs(5), &mut || {
            looks += 1;
            looks == 3
        });
        assert!(!reached, "5 s of 100,000 puts/s is far more than three chunks");
        assert_eq!(looks, 3);
        let now = runner.sim().now().as_millis();
        assert!(now > 0 && now < 5_000, "{now}");
        assert!(runner.advance_by_until(SimDuration::from_millis(10), &mut || false), "an unlimited budget reaches");
        assert!(runner.advance_toward_until(now, &mut || true), "a past target is reached at once");
    }

    #[test]
    fn step_event_goes_to_the_next_scheduled_action_only() {
        let mut runner = run(Settings::default(), 1);
        let before = runner.sim().now().as_millis();
        let after = runner.step_event();
        // The producer sends 500 records/s, one put every 2 ms: the next action is at most 2 ms away.
        assert!(after > before && after - before <= 2, "{before} -> {after}");
    }

    #[test]
    fn key_space_dots_sit_at_md5_positions_and_flag_hot_keys() {
        let runner = run(Settings::default(), 2);
        let (segments, dots) = runner.key_space(&runner.shard_views());
        assert_eq!(segments.len(), 2);
        assert_eq!((segments[0].start, segments[1].end), (0.0, 1.0));
        assert!((segments[0].end - 0.5).abs() < 1e-9);
        assert!(!dots.is_empty() && dots.iter().all(|d| !d.hot), "10,000 uniform keys: none is hot");
        // `docs/aws-behaviour.md` §1.2: MD5("a") puts key "a" in the lower half of the key space.
        let mut runner = run(Settings { records_per_sec: 0, ..Settings::default() }, 1);
        for _ in 0..10 {
            runner.call_api("PutRecord", r#"{"StreamName": "clickstream", "PartitionKey": "a", "Data": "aGk="}"#);
        }
        let (_, dots) = runner.key_space(&runner.shard_views());
        let a = dots.iter().find(|d| d.key == "a").expect("key a");
        assert!(a.position < 0.5 && a.count == 10 && a.hot, "{a:?}");
    }

    #[test]
    fn charts_sum_the_shards_per_second() {
        let runner = run(Settings { shard_count: 1, records_per_sec: 1_500, ..Settings::default() }, 5);
        let data = runner.chart_data();
        assert_eq!(data.end_second, 4);
        assert_eq!(data.incoming_bytes.len(), 5);
        // 1,000 accepted records/s of 512 data bytes plus a key of about 9 bytes: about 0.5 MB/s.
        assert!((500_000.0..540_000.0).contains(&data.incoming_bytes[3]), "{:?}", data.incoming_bytes);
        assert_eq!(data.write_throttled[3], 500.0);
        assert_eq!(data.iterator_age_ms.len(), 1);
    }

    #[test]
    fn the_log_is_bounded() {
        // Throttling is one line when it starts, so fill the log with refused API console calls.
        let mut runner = run(Settings { shard_count: 1, records_per_sec: 1_200, ..Settings::default() }, 2);
        for _ in 0..LOG_LINES_MAX {
            runner.call_api("DescribeStream", r#"{"StreamName": "nope"}"#);
        }
        assert_eq!(runner.log().count(), LOG_LINES_MAX);
        assert!(
            runner.log().all(|l| l.component == "API console"),
            "the oldest lines (stream ready, throttling) were dropped"
        );
    }
}
