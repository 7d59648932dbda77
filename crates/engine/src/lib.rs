//! Shardlab's simulation core: Amazon Kinesis Data Streams, Data Firehose and Video Streams, deterministic and
//! `no_std`.
//!
//! The whole product's rules live here: how partition keys hash onto shards, how shards throttle,
//! what sequence numbers look like, which metrics a second produces. The crate does no IO, reads no
//! clock and no entropy: a run is a pure function of its [`SimConfig`] (seed included) and the inputs
//! fed to it, natively and in wasm alike.
//!
//! # Run loop
//!
//! See [`Simulation`]: feed commands and API calls, advance time, drain events and observations
//! ([`account`]), read state or the [`RunSummary`].
//!
//! ```
//! use shardlab_engine::{SimConfig, SimTime, Simulation};
//!
//! let mut sim = Simulation::new(SimConfig::default()).expect("the default config is valid");
//! sim.advance_to(SimTime::from_secs(10));
//! while let Some(event) = sim.poll_event() {
//!     let _line = event.to_string(); // "00:00:00.000 stream-created name=clickstream shards=2"
//! }
//! // The default producer writes 500 records/s, well under two shards' limits.
//! let ninth_second: u64 = sim.stream().expect("created at time 0").shards().iter().map(|s| s.metrics.second(9).incoming_records).sum();
//! assert_eq!(ninth_second, 500);
//! ```
//!
//! # Errors and bugs
//!
//! Anything a user or scenario can get wrong is an error value: [`ConfigError`] lists every problem
//! of a configuration; [`StreamsError`] is an AWS exception with AWS's message. The engine never panics
//! on input. Broken internal invariants are bugs, and every `expect` says why it cannot fail.
//!
//! # Divergences from AWS
//!
//! Where AWS's documentation leaves a behaviour unconfirmed, the engine chooses, and says so here (gathered with
//! the other divergences in `docs/aws-behaviour.md` §8).
//!
//! - Write throttling uses an exact one-second sliding window per shard (AWS does not document its
//!   algorithm): no window of one second ever holds more than 1,000 records or 1 MiB.
//! - Shared reads: 5 calls per rolling second, and a 2 MiB/s budget that holds at most one second's worth; a
//!   call is refused while the budget is overdrawn, and a response may overdraw it (repaid at 2 MiB/s, to the
//!   microsecond). So a 10 MiB response after an idle second blocks reads for 4 s, not the "next 5 seconds"
//!   the GetRecords page states: the second before it already allowed 2 MiB of the 10 ([`throttle`]).
//! - GetShardIterator allows 5 calls per rolling second per shard; the sixth gets
//!   `ProvisionedThroughputExceededException` with the write throttle's wording ("Rate exceeded for shard
//!   <id> in stream <name> under account <account>."; AWS's text for this call is unconfirmed).
//! - A record whose data plus partition key exceeds the stream's maximum gets an `InvalidArgumentException`
//!   in our own words (AWS's text is unconfirmed); so do retention above 8,760 hours and UpdateShardCount
//!   ratio violations. PutRecords over 10 MiB says "Records size exceeds 10 MB limit".
//! - CREATING, UPDATING and DELETING last [`KinesisConfig::transition_delay_ms`] (500 ms by default, like
//!   kinesalite; AWS takes tens of seconds). Children of a reshard appear when UPDATING ends.
//! - UpdateShardCount reaches the even layout by pairwise splits at the missing boundaries, then merges
//!   across the extra ones; intermediate shards are not modelled separately.
//! - On-demand capacity (On-demand Standard) follows up to twice the peak write second: decided once a minute
//!   and applied at once by uniform resharding (AWS publishes no timing; traffic more than doubling the peak "within
//!   15 minutes" may be throttled), never scaled down ([`kinesis::OnDemandStep`]; `docs/aws-behaviour.md` §1.11).
//! - Enhanced fan-out pushes every 50 ms when data is waiting (at most 2 MiB per event, then paid back at
//!   2 MiB/s), and an empty event each second when idle; the cadence is unconfirmed.
//! - Control-plane rate limits answer `LimitExceededException` "Rate exceeded for <Operation> under account
//!   <account>." (AWS's messages begin "Rate exceeded"; the rest is ours).
//! - A PUT payload unit is 25,000 bytes (the pricing page's "1 MB = 40 units" implies decimal kilobytes);
//!   prices in [`cost`] are the widely quoted us-east-1 list prices, unconfirmed.
//! - Shards keep at most [`SimConfig::log_records_max_per_shard`] records (by default a day at the write limit),
//!   lowered to fit a scenario's memory ceiling ([`budget`]); older ones are dropped early.
//! - Put-to-get latency: records become readable 100 ms after their write with GetRecords and 45 ms with
//!   enhanced fan-out (configurable per scenario), and subscriptions push every 50 ms. AWS documents only the
//!   averages (about 200 ms for one consumer polling 5 times a second, typically 70 ms with enhanced fan-out),
//!   which these land on; the split into a delay and a cadence is ours ([`latency`]; `docs/aws-behaviour.md` §1.5). API sessions, where
//!   time stands still until advanced, default to no delay so a learner can read back what they just wrote.
//! - The Kinesis Agent's defaults (`maxBufferAgeMillis` 60,000, `maxBufferSizeRecords` 500,
//!   `maxBufferSizeBytes` 4 MiB, polls every 100 ms, backoff 100 ms doubling to 10 s) are not stated on the agent's
//!   configuration page and are unconfirmed (`docs/aws-behaviour.md` §8.3). Its checkpoint is the first line whose
//!   records are not all sent, and lines a LOGTOJSON format does not match are skipped. A flow with `deliveryStream`
//!   sends PutRecordBatch calls of
//!   at most 500 records and 4 MiB (whatever its buffer allows), records without a trailing newline (turn on
//!   the S3 destination's newline option to separate them), and retries failed records with the same backoff.
//! - Firehose's own choices are listed under "Divergences from AWS" in [`firehose`], Video Streams' in [`video`].
//! - Simulated KCL applications poll every 1.5 s, balance leases once per failover time (10 s by default,
//!   stealing one lease at a time) and hand a moved lease over without a graceful shutdown, so the new
//!   owner repeats the work since the last checkpoint.
//! - An analytics application ([`analytics_app`]) reads the stream like one polling GetRecords consumer (every
//!   second by default, `Limit` 10,000; AWS's SQL service does not document its reader). `ROWTIME` is when its
//!   reader got a record; a KDA application discovers its schema from the first records it reads and stops,
//!   with its SQL problems listed, if its SQL does not fit them. The SQL's own divergences are listed in
//!   `shardlab-analytics`. A destination data stream (or Firehose delivery stream) receives one stream's rows
//!   as JSON records, written once a second with sequential partition keys; a refused write is tried again
//!   a second later (AWS retries for ever), and at most [`analytics_app::OUTBOX_ROWS_MAX`] rows wait.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(test)]
extern crate std;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

pub mod account;
pub mod agent;
pub mod analytics_app;
pub mod budget;
pub(crate) mod calendar;
pub mod consumer;
pub mod consumer_app;
pub mod cost;
pub mod dedup;
pub mod error;
pub mod event;
pub mod firehose;
pub mod format;
pub mod hash_range;
pub mod iterator;
pub mod json;
pub mod kinesis;
pub mod kpl;
pub mod latency;
pub mod limits;
pub(crate) mod metrics;
pub mod name;
pub mod partition_key;
pub mod producer;
pub(crate) mod record_output;
mod record_source;
pub mod rng;
pub(crate) mod sequence;
pub mod shard;
mod shard_log;
mod sim;
pub mod sorted_map;
pub mod stream;
pub mod template;
pub mod throttle;
pub mod time;
pub mod video;
pub mod workload;

#[cfg(test)]
mod replay_tests;
#[cfg(test)]
mod tests;

pub use account::{Observation, Observed, RunSummary};
pub use error::{ConfigError, StreamsError, StreamsErrorKind};
pub use event::Event;
pub use kinesis::{Kinesis, KinesisConfig, PutRecordInput, PutRecordOutput, StreamFaults};
// The types of public fields and answers whose modules are the engine's own.
pub use metrics::{ShardMetrics, ShardSecond, ShardTotals, StreamMetrics, StreamSecond};
pub use producer::{ProducerConfig, ProducerTotals};
pub use record_output::OutputTotals;
pub use sequence::SequenceNumber;
pub use shard::{Payload, ShardId};
pub use sim::{
    Advance, Command, DEFAULT_STREAM_NAME, EVENTS_MAX, SIM_STREAMS_MAX, ScheduledCommand, SimConfig, Simulation,
    StreamConfig,
};
pub use stream::{Stream, StreamMode, StreamStatus};
pub use time::{SimDuration, SimTime};

/// Whether this build runs Firehose delivery streams and Analytics applications (the default `pipelines`
/// feature). Without it the engine leaves their code out (the page's first, lite module never runs them: it
/// hands such a scenario over to the full module first) and refuses them instead of running without them:
/// [`SimConfig::validate`] names every delivery stream and application, and CreateDeliveryStream fails. What
/// a run computes never depends on it: a run either is the same or does not start.
pub const PIPELINES: bool = cfg!(feature = "pipelines");

/// Whether this build runs Kinesis Video Streams (the default `video` feature). Without it, as without
/// [`PIPELINES`], the engine leaves the service's code out and refuses it: [`SimConfig::validate`] names every
/// video stream, camera and video consumer, and CreateStream fails.
pub const VIDEO: bool = cfg!(feature = "video");

/// This engine crate's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The engine's behaviour version: a run is a pure function of (scenario, seed, behaviour version), and
/// scenarios record it, so a link opened by a page whose runs differ can say so. It is separate from
/// [`VERSION`] and goes up by one whenever what any run computes changes; the test
/// `behaviour_version_matches_the_run_fingerprint` (in `tests.rs`) fails until it does.
pub const BEHAVIOUR_VERSION: u32 = 4;
