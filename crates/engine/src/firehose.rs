//! Amazon Data Firehose (`docs/aws-behaviour.md` section 5): delivery streams that buffer, transform, compress and
//! deliver records to S3, Redshift, OpenSearch, HTTP endpoints and Splunk, with AWS's limits and naming.
//!
//! [`Firehose`] is the service of one account and Region; [`Simulation`](crate::Simulation) owns one and
//! runs it on its clock. Each operation of `Firehose_20150804` is a typed call here; the wire format lives
//! in `crates/api`.
//!
//! # Flow of a record
//!
//! PutRecord / PutRecordBatch (or a once-per-second GetRecords on the source data stream) → the Lambda
//! processor buffer (1 MiB / 60 s by default) → the transform ([`transform`]) → dynamic partitioning and
//! format conversion checks → one destination buffer per partition, flushed by the first of `SizeInMBs`
//! (before compression) and `IntervalInSeconds` → delivery attempts, retried until the retry duration, then
//! the S3 backup under the error output prefix. [`DeliveryStream::totals`] accounts for every record.
//!
//! # Divergences from AWS
//!
//! Choices where AWS's documentation is silent (gathered in `docs/aws-behaviour.md` §8.4):
//!
//! - Error texts (all in our words, with AWS's exception names): an existing name gets
//!   `ResourceInUseException` `Firehose <name> under accountId <acct> already exists`; a missing one
//!   `ResourceNotFoundException` `Firehose <name> under account <acct> not found.`; a put to a stream that is
//!   not ACTIVE the same exception saying its status; PutRecord on a `KinesisStreamAsSource` stream
//!   `InvalidArgumentException` `This operation is not permitted on KinesisStreamAsSource type delivery
//!   stream.`; the Direct PUT quota `ServiceUnavailableException` `Slow down.`; a batch over 4 MiB
//!   `InvalidArgumentException` `Records size exceeds 4 MiB limit`.
//! - The Direct PUT quota is counted per calendar second (not a sliding window); the big-3 Regions get
//!   500,000 records/s, 2,000 requests/s and 5 MiB/s, others 100,000, 1,000 and 1 MiB/s.
//! - The 64 MiB minimum buffer with dynamic partitioning or format conversion is not enforced.
//! - Records refused by dynamic partitioning go under the error prefix with error output type
//!   `partitioning-failed` and code `DynamicPartitioning.MetadataExtractionFailed`.
//! - Only a prefix without expressions (data or error) gets the default `YYYY/MM/dd/HH/` appended; one with
//!   expressions (a partition key, a random string, the error output type) is used as evaluated.
//! - Destination error codes AWS does not list are ours: `S3.ServiceUnavailable`,
//!   `Redshift.ConnectionFailed`, `OS.ServiceUnavailable`, `Splunk.ServerError`,
//!   `HttpEndpoint.ResponseTimeout`; Lambda contract failures `Lambda.MissingRecordId`,
//!   `Lambda.DuplicatedRecordId`, `Lambda.InvalidRecordId`, `Lambda.InvalidBase64`, `Lambda.FunctionTimeout`,
//!   `Lambda.ResponseSizeExceeded`, and per-record `Lambda.ProcessingFailed`;
//!   conversion failures `DataFormatConversion.InvalidSchema`.
//! - Retry durations default to 300 s for OpenSearch, HTTP endpoints and Splunk (3,600 s for Redshift), and
//!   count as AWS documents per destination (`delivery::retry_deadline`): from the initial request for
//!   Redshift and OpenSearch; from the first failure, without the time spent waiting for responses, for HTTP
//!   endpoints and Splunk; 24 h from the first failure for S3. When no retry fits before the duration ends,
//!   Firehose gives up as it ends (after waiting for the last attempt's response). The interval between
//!   attempts is not documented: ours backs off 1, 2, 4 … up to 30 s. A timed-out HTTP or Splunk attempt
//!   counts as received by the destination, so its retry is a counted duplicate. `DeliveryStream::attempts`
//!   keeps the latest 1,000 attempts (time, destination, outcome) for the page's timeline.
//! - The object name's timestamp is the oldest record's arrival, as the prefix's is; OpenSearch index
//!   rotation uses the oldest record of the bulk request. Snappy objects use the Snappy framing format
//!   (`.snappy`), Hadoop-Snappy Hadoop's block format (`.hsnappy`), ZIP one entry named `data`.
//! - The processor buffer is 0.2 to 3 MiB (205 to 3,072 KiB) and 0 to 900 s; scenario files default it to
//!   1 MiB for every destination (the JSON API picks 256 KiB in front of Splunk, as AWS does). The transform is
//!   deterministic, so a failed invocation fails again on each retry; each counts as an invocation.
//! - Failed and backup records are written at once as their own objects, not buffered again.
//! - Source-record backup (S3 `backup_all`) and `All…` backup of other destinations write under
//!   `backup/YYYY/MM/dd/HH/` of the same bucket.
//! - Parquet/ORC objects are modelled: their size is each column's values Snappy-compressed plus a
//!   footer; their content preview is the JSON input.
//! - Firehose reading a data stream stops reading while a delivery is being retried, so data waits in the
//!   stream (the documented behaviour when the destination is down). It keeps its position per shard: an
//!   iterator that expired meanwhile is replaced by one `AFTER_SEQUENCE_NUMBER` of its checkpoint, and
//!   records trimmed unread (past the stream's retention) are counted in `source_expired_records` and
//!   reported as `firehose-source-expired`.
//! - CREATING and DELETING last the simulation's transition delay, as data streams do.
//! - Deliveries take no time unless a slowdown is scheduled; a Redshift `COPY` of an intermediate object is
//!   one request whose rows are the object's records. OpenSearch document ids are the record's number in the
//!   stream (20 digits); Splunk bodies are `{"event": "<record>"}` objects, one per record.
//! - `ExecuteProcessing.Duration` is modelled as 1 ms plus 1 ms per 1,000 transform steps.
//! - Record ids (PutRecord's `RecordId`) are 48 hex digits from the simulation's seed; Lambda `recordId`s
//!   are the record's number in the stream, zero-padded to 56 digits.
//! - The Lambda event has no `kinesisRecordMetadata`: a transform sees each record's data and arrival only.
//! - A scenario's Direct PUT `feeds` send their records at each whole second in PutRecordBatch calls and do
//!   not retry throttled records (an SDK would, 3 times).
//! - Delivery streams keep the last 5,000 S3 objects and 5,000 requests, and at most 16 MiB of their
//!   contents (newest first); older ones are dropped from the lists, not from the totals.

pub mod compress;
pub mod config;
pub mod delivery;
pub mod destination;
pub mod metrics;
pub mod prefix;
pub mod transform;

pub use config::{
    BufferingHints, DeliveryStreamConfig, DestinationConfig, DestinationKind, DirectPutFeed, ProcessingConfig,
    S3Settings, Source,
};
pub use delivery::{DeliveryStream, DeliveryStreamStatus, DestinationHealth, FirehoseTotals};

use crate::kinesis::Kinesis;
use crate::rng::Rng;
use crate::time::{SimDuration, SimTime};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

/// Delivery streams per account and Region (the current API text's quota).
pub const DELIVERY_STREAMS_MAX: usize = 5_000;
/// Tags per delivery stream.
pub const TAGS_MAX: usize = 50;
/// Salt of Firehose's random stream (object-name UUIDs, record ids).
const FIREHOSE_SALT: u64 = 0x4649_5245_484f_5345; // "FIREHOSE"

/// The AWS exception a Firehose error corresponds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FirehoseErrorKind {
    /// `InvalidArgumentException`.
    InvalidArgument,
    /// `ResourceNotFoundException`.
    ResourceNotFound,
    /// `ResourceInUseException`.
    ResourceInUse,
    /// `LimitExceededException`.
    LimitExceeded,
    /// `ServiceUnavailableException`: the Direct PUT quota.
    ServiceUnavailable,
    /// `ConcurrentModificationException`: a stale `CurrentDeliveryStreamVersionId`.
    ConcurrentModification,
}

impl FirehoseErrorKind {
    /// The exception name AWS puts in `__type`.
    pub const fn aws_name(self) -> &'static str {
        match self {
            Self::InvalidArgument => "InvalidArgumentException",
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::ResourceInUse => "ResourceInUseException",
            Self::LimitExceeded => "LimitExceededException",
            Self::ServiceUnavailable => "ServiceUnavailableException",
            Self::ConcurrentModification => "ConcurrentModificationException",
        }
    }
}

/// An error answer of the Firehose API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirehoseError {
    /// Which exception.
    pub kind: FirehoseErrorKind,
    /// The message.
    pub message: String,
}

impl FirehoseError {
    fn new(kind: FirehoseErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

impl fmt::Display for FirehoseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.aws_name(), self.message)
    }
}

impl core::error::Error for FirehoseError {}

/// Service settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirehoseConfig {
    /// Account id in ARNs and messages.
    pub account_id: String,
    /// Region in ARNs; it also picks the Direct PUT quota.
    pub region: String,
    /// The Unix ms that simulated time 0 stands for.
    pub epoch_unix_ms: u64,
    /// How long CREATING and DELETING last.
    pub transition_delay_ms: u64,
    /// The seed of object-name UUIDs and record ids.
    pub seed: u64,
}

/// One PutRecordBatch entry's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchEntry {
    /// `RecordId`.
    Ok(String),
    /// `ErrorCode` and `ErrorMessage`.
    Failed {
        /// `ServiceUnavailableException` or `InternalFailure`.
        error_code: &'static str,
        /// The message.
        error_message: String,
    },
}

/// A PutRecordBatch answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchOutput {
    /// `FailedPutCount`.
    pub failed_put_count: u32,
    /// `RequestResponses`, in request order.
    pub entries: Vec<BatchEntry>,
}

#[derive(Clone, Copy, Debug, Default)]
struct QuotaWindow {
    second: u64,
    records: u64,
    requests: u64,
    bytes: u64,
}

/// Amazon Data Firehose for one account and Region.
#[derive(Clone, Debug)]
pub struct Firehose {
    /// Settings (read them with [`Self::config`]: changing the epoch would move the service's clock).
    config: FirehoseConfig,
    streams: BTreeMap<String, DeliveryStream>,
    quota: BTreeMap<String, QuotaWindow>,
    rng: Rng,
}

impl Firehose {
    /// A service with no delivery streams.
    pub fn new(config: FirehoseConfig) -> Self {
        let rng = Rng::derive(config.seed, FIREHOSE_SALT);
        Self { config, streams: BTreeMap::new(), quota: BTreeMap::new(), rng }
    }

    /// Its settings.
    pub fn config(&self) -> &FirehoseConfig {
        &self.config
    }

    /// The delivery streams, by name.
    pub fn delivery_streams(&self) -> impl Iterator<Item = &DeliveryStream> {
        self.streams.values()
    }

    /// One delivery stream.
    pub fn delivery_stream(&self, name: &str) -> Option<&DeliveryStream> {
        self.streams.get(name)
    }

    /// Direct PUT quota of the Region: (records/s, requests/s, bytes/s).
    pub fn direct_put_quota(&self) -> (u64, u64, u64) {
        if ["us-east-1", "us-west-2", "eu-west-1"].contains(&self.config.region.as_str()) {
            (500_000, 2_000, 5 * 1_048_576)
        } else {
            (100_000, 1_000, 1_048_576)
        }
    }

    fn not_found(&self, name: &str) -> FirehoseError {
        FirehoseError::new(
            FirehoseErrorKind::ResourceNotFound,
            format!("Firehose {name} under account {} not found.", self.config.account_id),
        )
    }

    fn arn(&self, name: &str) -> String {
        format!("arn:aws:firehose:{}:{}:deliverystream/{name}", self.config.region, self.config.account_id)
    }

    /// CreateDeliveryStream. `kinesis` is checked for a `KinesisStreamAsSource` stream's source.
    pub fn create_delivery_stream(
        &mut self,
        now: SimTime,
        config: DeliveryStreamConfig,
        kinesis: &Kinesis,
    ) -> Result<String, FirehoseError> {
        self.create(now, config, kinesis, SimDuration::from_millis(self.config.transition_delay_ms))
    }

    /// Creates a stream that is ACTIVE at once (a scenario's streams).
    pub fn create_active(
        &mut self,
        now: SimTime,
        config: DeliveryStreamConfig,
        kinesis: &Kinesis,
    ) -> Result<String, FirehoseError> {
        self.create(now, config, kinesis, SimDuration::ZERO)
    }

    fn create(
        &mut self,
        now: SimTime,
        config: DeliveryStreamConfig,
        kinesis: &Kinesis,
        delay: SimDuration,
    ) -> Result<String, FirehoseError> {
        if !crate::PIPELINES {
            return Err(FirehoseError::new(
                FirehoseErrorKind::InvalidArgument,
                "This build of Shardlab's engine leaves out Firehose (its `pipelines` feature).",
            ));
        }
        let mut problems = Vec::new();
        config.problems(&mut problems);
        if let Source::KinesisStream { stream_name } = &config.source
            && kinesis.stream(stream_name).is_none()
        {
            problems.push(format!("Source stream {stream_name} under account {} not found.", self.config.account_id));
        }
        if !problems.is_empty() {
            return Err(FirehoseError::new(FirehoseErrorKind::InvalidArgument, problems.join(" ")));
        }
        if self.streams.contains_key(&config.name) {
            return Err(FirehoseError::new(
                FirehoseErrorKind::ResourceInUse,
                format!("Firehose {} under accountId {} already exists", config.name, self.config.account_id),
            ));
        }
        if self.streams.len() >= DELIVERY_STREAMS_MAX {
            return Err(FirehoseError::new(
                FirehoseErrorKind::LimitExceeded,
                format!("You have already consumed your firehose quota of {DELIVERY_STREAMS_MAX} hoses."),
            ));
        }
        let arn = self.arn(&config.name);
        let lambda_arn = format!(
            "arn:aws:lambda:{}:{}:function:{}-transform",
            self.config.region, self.config.account_id, config.name
        );
        let rng = Rng::new(self.rng.next_u64());
        let name = config.name.clone();
        let stream =
            DeliveryStream::new(config, arn.clone(), now, now + delay, self.config.epoch_unix_ms, rng, lambda_arn);
        self.streams.insert(name, stream);
        Ok(arn)
    }

    /// DeleteDeliveryStream: DELETING for the transition delay, then gone (buffered data with it).
    pub fn delete_delivery_stream(&mut self, now: SimTime, name: &str) -> Result<(), FirehoseError> {
        let delay = SimDuration::from_millis(self.config.transition_delay_ms);
        let not_found = self.not_found(name);
        let stream = self.streams.get_mut(name).ok_or(not_found)?;
        match stream.status {
            DeliveryStreamStatus::Creating => Err(FirehoseError::new(
                FirehoseErrorKind::ResourceInUse,
                format!("Firehose {name} is in CREATING state and cannot be deleted until it is ACTIVE."),
            )),
            DeliveryStreamStatus::Deleting => Ok(()),
            DeliveryStreamStatus::Active => {
                stream.status = DeliveryStreamStatus::Deleting;
                stream.status_until = now + delay;
                Ok(())
            }
        }
    }

    /// DescribeDeliveryStream.
    pub fn describe_delivery_stream(&self, name: &str) -> Result<&DeliveryStream, FirehoseError> {
        self.streams.get(name).ok_or_else(|| self.not_found(name))
    }

    /// ListDeliveryStreams: names after `exclusive_start` (of `type_filter` if given), at most `limit`, and
    /// whether more exist.
    pub fn list_delivery_streams(
        &self,
        limit: usize,
        exclusive_start: Option<&str>,
        kinesis_source: Option<bool>,
    ) -> (Vec<String>, bool) {
        let names: Vec<String> = self
            .streams
            .values()
            .filter(|s| kinesis_source.is_none_or(|k| k == matches!(s.config.source, Source::KinesisStream { .. })))
            .map(|s| s.config.name.clone())
            .filter(|n| exclusive_start.is_none_or(|start| n.as_str() > start))
            .collect();
        let more = names.len() > limit;
        (names.into_iter().take(limit).collect(), more)
    }

    fn writable(&mut self, name: &str) -> Result<&mut DeliveryStream, FirehoseError> {
        let account = self.config.account_id.clone();
        let not_found = self.not_found(name);
        let stream = self.streams.get_mut(name).ok_or(not_found)?;
        if stream.status != DeliveryStreamStatus::Active {
            return Err(FirehoseError::new(
                FirehoseErrorKind::ResourceNotFound,
                format!("Firehose {name} under account {account} is {}, not ACTIVE.", stream.status.aws_name()),
            ));
        }
        if matches!(stream.config.source, Source::KinesisStream { .. }) {
            return Err(FirehoseError::new(
                FirehoseErrorKind::InvalidArgument,
                "This operation is not permitted on KinesisStreamAsSource type delivery stream.",
            ));
        }
        Ok(stream)
    }

    fn record_id(&mut self) -> String {
        format!("{:016x}{:016x}{:016x}", self.rng.next_u64(), self.rng.next_u64(), self.rng.next_u64())
    }

    /// PutRecord.
    pub fn put_record(&mut self, now: SimTime, name: &str, data: Vec<u8>) -> Result<String, FirehoseError> {
        if !crate::PIPELINES {
            // No delivery stream exists without the `pipelines` feature.
            return Err(self.not_found(name));
        }
        if data.len() as u64 > config::RECORD_BYTES_MAX {
            return Err(FirehoseError::new(
                FirehoseErrorKind::InvalidArgument,
                format!("The record is {} bytes; a record is at most 1,024,000 bytes (1,000 KiB).", data.len()),
            ));
        }
        let (records_max, requests_max, bytes_max) = self.direct_put_quota();
        self.writable(name)?;
        let window = self.window(now, name);
        let len = data.len() as u64;
        if window.requests + 1 > requests_max || window.records + 1 > records_max || window.bytes + len > bytes_max {
            let stream = self.streams.get_mut(name).expect("checked writable above");
            stream.totals.throttled_records += 1;
            stream.metrics.at(now.as_secs()).throttled_records += 1;
            return Err(FirehoseError::new(FirehoseErrorKind::ServiceUnavailable, "Slow down."));
        }
        let window = self.quota.get_mut(name).expect("window created above");
        window.requests += 1;
        window.records += 1;
        window.bytes += len;
        let id = self.record_id();
        let stream = self.streams.get_mut(name).expect("checked writable above");
        stream.metrics.at(now.as_secs()).incoming_put_requests += 1;
        stream.ingest(now, alloc::vec![data], false);
        Ok(id)
    }

    /// PutRecordBatch: 1 to 500 records and at most 4 MiB; records beyond the quota fail one by one.
    pub fn put_record_batch(
        &mut self,
        now: SimTime,
        name: &str,
        records: Vec<Vec<u8>>,
    ) -> Result<BatchOutput, FirehoseError> {
        if !crate::PIPELINES {
            // No delivery stream exists without the `pipelines` feature.
            return Err(self.not_found(name));
        }
        if records.is_empty() || records.len() > config::BATCH_RECORDS_MAX {
            return Err(FirehoseError::new(
                FirehoseErrorKind::InvalidArgument,
                format!("The batch has {} records; it must have 1 to 500.", records.len()),
            ));
        }
        if let Some(big) = records.iter().find(|r| r.len() as u64 > config::RECORD_BYTES_MAX) {
            return Err(FirehoseError::new(
                FirehoseErrorKind::InvalidArgument,
                format!("A record is {} bytes; a record is at most 1,024,000 bytes (1,000 KiB).", big.len()),
            ));
        }
        let total: u64 = records.iter().map(|r| r.len() as u64).sum();
        if total > config::BATCH_BYTES_MAX {
            return Err(FirehoseError::new(FirehoseErrorKind::InvalidArgument, "Records size exceeds 4 MiB limit"));
        }
        let (records_max, requests_max, bytes_max) = self.direct_put_quota();
        self.writable(name)?;
        if self.window(now, name).requests + 1 > requests_max {
            let stream = self.streams.get_mut(name).expect("checked writable above");
            stream.totals.throttled_records += records.len() as u64;
            stream.metrics.at(now.as_secs()).throttled_records += records.len() as u64;
            return Err(FirehoseError::new(FirehoseErrorKind::ServiceUnavailable, "Slow down."));
        }
        self.quota.get_mut(name).expect("window created above").requests += 1;
        let mut entries = Vec::with_capacity(records.len());
        let mut accepted = Vec::new();
        let mut failed = 0;
        for data in records {
            let window = self.quota.get_mut(name).expect("window created above");
            let len = data.len() as u64;
            if window.records < records_max && window.bytes + len <= bytes_max {
                window.records += 1;
                window.bytes += len;
                accepted.push(data);
                let id = self.record_id();
                entries.push(BatchEntry::Ok(id));
            } else {
                failed += 1;
                entries.push(BatchEntry::Failed {
                    error_code: "ServiceUnavailableException",
                    error_message: "Slow down.".into(),
                });
            }
        }
        let stream = self.streams.get_mut(name).expect("checked writable above");
        stream.totals.throttled_records += failed;
        let s = stream.metrics.at(now.as_secs());
        s.throttled_records += failed;
        s.incoming_put_requests += 1;
        stream.ingest(now, accepted, false);
        Ok(BatchOutput { failed_put_count: failed as u32, entries })
    }

    fn window(&mut self, now: SimTime, name: &str) -> QuotaWindow {
        let second = now.as_secs();
        let window = self.quota.entry(name.into()).or_default();
        if window.second != second {
            *window = QuotaWindow { second, ..QuotaWindow::default() };
        }
        *window
    }

    /// UpdateDestination: `current_version` must be the stream's `VersionId`.
    pub fn update_destination(
        &mut self,
        name: &str,
        current_version: &str,
        destination: DestinationConfig,
        processing: Option<Option<ProcessingConfig>>,
    ) -> Result<(), FirehoseError> {
        let not_found = self.not_found(name);
        let stream = self.streams.get_mut(name).ok_or(not_found)?;
        if stream.status != DeliveryStreamStatus::Active {
            return Err(FirehoseError::new(
                FirehoseErrorKind::ResourceInUse,
                format!("Firehose {name} is {}; only an ACTIVE stream can be updated.", stream.status.aws_name()),
            ));
        }
        if current_version != stream.version.to_string() {
            return Err(FirehoseError::new(
                FirehoseErrorKind::ConcurrentModification,
                format!(
                    "Firehose {name} has version {}; CurrentDeliveryStreamVersionId {current_version} is stale.",
                    stream.version
                ),
            ));
        }
        let was_opensearch = matches!(stream.config.destination.kind, DestinationKind::OpenSearch { .. });
        if was_opensearch != matches!(destination.kind, DestinationKind::OpenSearch { .. }) {
            return Err(FirehoseError::new(
                FirehoseErrorKind::InvalidArgument,
                "Switching between OpenSearch and another destination type is not allowed.",
            ));
        }
        if stream.config.destination.dynamic_partitioning.is_some() && destination.dynamic_partitioning.is_none() {
            return Err(FirehoseError::new(
                FirehoseErrorKind::InvalidArgument,
                "Dynamic partitioning cannot be disabled once enabled.",
            ));
        }
        let mut config = stream.config.clone();
        config.destination = destination;
        if let Some(processing) = processing {
            config.processing = processing;
        }
        let mut problems = Vec::new();
        config.problems(&mut problems);
        if !problems.is_empty() {
            return Err(FirehoseError::new(FirehoseErrorKind::InvalidArgument, problems.join(" ")));
        }
        stream.reconfigure(config);
        Ok(())
    }

    /// TagDeliveryStream: at most 50 tags per stream.
    pub fn tag(&mut self, name: &str, tags: &BTreeMap<String, String>) -> Result<(), FirehoseError> {
        let not_found = self.not_found(name);
        let stream = self.streams.get_mut(name).ok_or(not_found)?;
        let mut merged = stream.config.tags.clone();
        merged.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        if merged.len() > TAGS_MAX {
            return Err(FirehoseError::new(
                FirehoseErrorKind::LimitExceeded,
                format!("A delivery stream has at most {TAGS_MAX} tags; this would make {}.", merged.len()),
            ));
        }
        stream.config.tags = merged;
        Ok(())
    }

    /// UntagDeliveryStream.
    pub fn untag(&mut self, name: &str, keys: &[String]) -> Result<(), FirehoseError> {
        let not_found = self.not_found(name);
        let stream = self.streams.get_mut(name).ok_or(not_found)?;
        for key in keys {
            stream.config.tags.remove(key);
        }
        Ok(())
    }

    /// Schedules a destination outage: every attempt fails for `duration_ms` from `now`.
    pub fn set_outage(&mut self, now: SimTime, name: &str, duration_ms: u64) -> Result<(), FirehoseError> {
        let not_found = self.not_found(name);
        let stream = self.streams.get_mut(name).ok_or(not_found)?;
        stream.health.down_until = now + SimDuration::from_millis(duration_ms);
        Ok(())
    }

    /// Schedules a destination slowdown: attempts take `delay_ms` longer for `duration_ms` from `now`.
    pub fn set_slowdown(
        &mut self,
        now: SimTime,
        name: &str,
        delay_ms: u64,
        duration_ms: u64,
    ) -> Result<(), FirehoseError> {
        let not_found = self.not_found(name);
        let stream = self.streams.get_mut(name).ok_or(not_found)?;
        stream.health.slow_until = now + SimDuration::from_millis(duration_ms);
        stream.health.slow_delay_ms = delay_ms;
        Ok(())
    }

    /// Takes the events delivery streams reported since the last call, stream by stream.
    pub(crate) fn take_events(&mut self) -> Vec<crate::Event> {
        if !crate::PIPELINES {
            return Vec::new();
        }
        self.streams.values_mut().flat_map(|s| core::mem::take(&mut s.events)).collect()
    }

    /// When something is next due, if anything.
    pub fn next_deadline(&self) -> Option<SimTime> {
        if !crate::PIPELINES {
            return None;
        }
        self.streams.values().filter_map(DeliveryStream::next_deadline).min()
    }

    /// Does everything due at `now`: status changes, reads, flushes, delivery attempts.
    pub(crate) fn complete_due(&mut self, now: SimTime, kinesis: &mut Kinesis) {
        if !crate::PIPELINES {
            return;
        }
        let names: Vec<String> = self.streams.keys().cloned().collect();
        for name in names {
            let Some(stream) = self.streams.get_mut(&name) else { continue };
            if stream.status != DeliveryStreamStatus::Active {
                if stream.status_until <= now {
                    if stream.status == DeliveryStreamStatus::Deleting {
                        self.streams.remove(&name);
                        self.quota.remove(&name);
                    } else {
                        stream.status = DeliveryStreamStatus::Active;
                    }
                }
                continue;
            }
            for (feed, batch) in stream.feed_batches(now) {
                // Throttled records are counted by the call; a simulated feed does not retry them.
                let made = batch.len() as u64;
                let accepted = match self.put_record_batch(now, &name, batch) {
                    Ok(out) => made - u64::from(out.failed_put_count),
                    Err(_) => 0,
                };
                if let Some(totals) = self.streams.get_mut(&name).and_then(|s| s.feed_totals.get_mut(feed)) {
                    totals.made += made;
                    totals.accepted += accepted;
                    totals.refused += made - accepted;
                }
            }
            if let Some(stream) = self.streams.get_mut(&name) {
                stream.on_due(now, kinesis);
            }
        }
    }
}

#[cfg(test)]
mod tests;
