//! One delivery stream at work: buffers, the transform, partitions, delivery attempts with retries, and
//! what each destination received.

use super::compress::Compression;
use super::config::{
    ColumnType, DeliveryStreamConfig, DestinationKind, FormatConversion, IndexRotation, OutputFormat, Source,
    parse_jq_path,
};
use super::destination::RetryClock;
use super::metrics::FirehoseSecond;
use super::prefix::{self, Prefix, PrefixContext};
use super::transform::{self, FUEL_PER_INVOCATION, Program, RequestRecord, TransformResult};
use crate::calendar::civil_from_days;
use crate::iterator::IteratorToken;
use crate::json::{Json, write_string};
use crate::kinesis::{IteratorStart, Kinesis};
use crate::limits::ITERATOR_LIFETIME_MS;
use crate::metrics::History;
use crate::rng::Rng;
use crate::sequence::SequenceNumber;
use crate::shard::{Payload, ShardId};
use crate::time::{SimDuration, SimTime};
use alloc::collections::{BTreeMap, VecDeque};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

/// What the destination lists keep at most (the oldest are dropped first; a simulator bound).
pub const RECEIVED_KEPT_MAX: usize = 5_000;
/// Objects and request bodies up to this size keep their bytes for the page's preview.
pub const CONTENT_KEPT_BYTES_MAX: usize = 1_048_576;
/// Content and bodies kept in all, per stream: older ones lose theirs first (a simulator bound).
pub const CONTENT_KEPT_TOTAL_BYTES_MAX: usize = 16 * 1_048_576;
/// Lambda's synchronous payload limit (6 MB) on the response.
pub const LAMBDA_PAYLOAD_BYTES_MAX: usize = 6_291_456;
pub use super::destination::{HTTP_RECORDS_PER_REQUEST_MAX, HTTP_RESPONSE_TIMEOUT_SECS};
/// Longest wait between two delivery attempts.
pub const RETRY_BACKOFF_MAX_SECS: u64 = 30;
/// Delivery attempts kept for the page's timeline (the oldest are dropped first; a simulator bound).
pub const ATTEMPTS_KEPT_MAX: usize = 1_000;

/// How a delivery attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The destination took the records.
    Delivered,
    /// It failed with this error code; Firehose retries.
    Failed(&'static str),
    /// The retry duration ran out: the records went to the S3 backup (S3 itself: they are lost).
    GaveUp(&'static str),
}

/// One delivery attempt, for the page's timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeliveryAttempt {
    /// When it ended (the give-up instant for [`AttemptOutcome::GaveUp`]).
    pub at: SimTime,
    /// `S3`, `Redshift`, `AmazonOpenSearchService`, `HttpEndpoint` or `Splunk`.
    pub destination: &'static str,
    /// Which attempt of its batch, from 1.
    pub attempt: u32,
    /// Records in the batch.
    pub records: u32,
    /// How it ended.
    pub outcome: AttemptOutcome,
}

/// `DeliveryStreamStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryStreamStatus {
    /// `CREATING`.
    Creating,
    /// `ACTIVE`.
    Active,
    /// `DELETING`.
    Deleting,
}

impl DeliveryStreamStatus {
    /// The API's name.
    pub const fn aws_name(self) -> &'static str {
        match self {
            Self::Creating => "CREATING",
            Self::Active => "ACTIVE",
            Self::Deleting => "DELETING",
        }
    }
}

/// Why a buffer was flushed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlushReason {
    /// `SizeInMBs` was reached.
    Size,
    /// `IntervalInSeconds` passed since the buffer's first record.
    Interval,
}

/// A record inside Firehose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirehoseRecord {
    /// Its number in this stream, from 0 (also its Lambda `recordId`).
    pub seq: u64,
    /// When it arrived.
    pub arrival: SimTime,
    /// Its data (after the transform, once transformed).
    pub data: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
struct Buffer {
    records: Vec<FirehoseRecord>,
    bytes: u64,
    since: Option<SimTime>,
    keys: BTreeMap<String, String>,
}

/// A flushed buffer on its way to the destination.
#[derive(Clone, Debug)]
struct Batch {
    records: Vec<FirehoseRecord>,
    bytes: u64,
    keys: BTreeMap<String, String>,
    attempts: u32,
    /// When the retry duration runs out, once an attempt has failed.
    retry_deadline: Option<SimTime>,
    /// The next due time gives up instead of attempting (the retry duration ran out meanwhile).
    expiring: bool,
    next_attempt: SimTime,
    in_flight: bool,
    request_id: String,
    copies_at_destination: u32,
    intermediate_written: bool,
    last_error: Option<(&'static str, String)>,
    reason: FlushReason,
}

/// What kind of S3 object it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// Delivered data (the S3 destination).
    Data,
    /// Redshift's intermediate object, loaded by `COPY`.
    Intermediate,
    /// Source-record backup or `All…` backup.
    Backup,
    /// Failed records under the error output prefix.
    Error,
    /// A Redshift manifest of skipped objects under `errors/`.
    ErrorManifest,
}

/// An object Firehose wrote to S3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Object {
    /// The full key.
    pub key: String,
    /// What it holds.
    pub kind: ObjectKind,
    /// `!{firehose:error-output-type}` of an error object.
    pub error_output_type: Option<&'static str>,
    /// Records in it.
    pub records: u32,
    /// Its size before compression.
    pub uncompressed_bytes: u64,
    /// Its size as stored.
    pub stored_bytes: u64,
    /// Arrival of its first (oldest) record, Unix ms.
    pub first_arrival_unix_ms: u64,
    /// Arrival of its last record, Unix ms.
    pub last_arrival_unix_ms: u64,
    /// When it was written, Unix ms.
    pub written_unix_ms: u64,
    /// The compression of its bytes.
    pub compression: Compression,
    /// Its stored bytes, if at most [`CONTENT_KEPT_BYTES_MAX`].
    pub content: Option<Vec<u8>>,
    /// Which hint flushed the buffer it came from (data and intermediate objects).
    pub flush_reason: Option<FlushReason>,
}

impl S3Object {
    /// Its content decompressed (for a preview), if kept and valid.
    pub fn decompressed(&self) -> Option<Vec<u8>> {
        let limit = usize::try_from(self.uncompressed_bytes).ok()?;
        self.compression.decompress(self.content.as_deref()?, limit)
    }
}

/// A request to OpenSearch, an HTTP endpoint or Splunk, or a Redshift `COPY`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DestinationRequest {
    /// `X-Amz-Firehose-Request-Id` (the same across retries), or the COPY's object key for Redshift.
    pub request_id: String,
    /// When it was sent, Unix ms.
    pub at_unix_ms: u64,
    /// Which attempt, from 1.
    pub attempt: u32,
    /// Records (rows, documents, events) in it.
    pub records: u32,
    /// Body bytes.
    pub bytes: u64,
    /// The index documents went to (OpenSearch) or the table (Redshift).
    pub target: Option<String>,
    /// The error code Firehose saw, if the attempt failed.
    pub error_code: Option<&'static str>,
    /// Whether the destination kept the data even though the attempt failed (a timeout): a retry duplicates it.
    pub received: bool,
    /// The body, if at most [`CONTENT_KEPT_BYTES_MAX`].
    pub body: Option<Vec<u8>>,
}

/// Everything a stream's records became. Records in = the sum of all but `duplicates`, plus those buffered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FirehoseTotals {
    /// Records accepted (Direct PUT) or read from the data stream.
    pub incoming_records: u64,
    /// Records refused by the Direct PUT quota.
    pub throttled_records: u64,
    /// Delivered (first successful delivery).
    pub delivered_records: u64,
    /// Extra copies the destination received because a timed-out attempt was retried (at-least-once).
    pub duplicate_records: u64,
    /// Dropped by the transform.
    pub dropped_records: u64,
    /// Failed processing (result `ProcessingFailed`, or the invocation failed after its retries).
    pub processing_failed_records: u64,
    /// Refused by dynamic partitioning (no key, or beyond the active-partition quota).
    pub partitioning_failed_records: u64,
    /// Refused by record format conversion.
    pub conversion_failed_records: u64,
    /// Given up after the retry duration and written to the S3 backup (error prefix, or Redshift's manifest).
    pub backed_up_failed_records: u64,
    /// Lost: S3 unavailable for longer than Firehose keeps data (24 h).
    pub expired_records: u64,
    /// Never read: records of the source data stream that passed its retention period before Firehose read
    /// them (not part of `incoming_records`).
    pub source_expired_records: u64,
    /// Transform results: `Ok`.
    pub transform_ok_records: u64,
    /// Lambda invocations, retries included.
    pub invocations: u64,
    /// Invocations that failed (timeout, broken contract).
    pub invocation_failures: u64,
}

/// Billing usage of one stream (`docs/aws-behaviour.md` §7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FirehoseUsage {
    /// Ingested bytes, each record rounded up to 5 KB (5,120 B).
    pub ingested_billed_bytes: u64,
    /// Bytes converted to Parquet/ORC, each record rounded up to 5 KB.
    pub format_conversion_billed_bytes: u64,
    /// Bytes through dynamic partitioning.
    pub dynamic_partitioning_bytes: u64,
    /// S3 objects delivered with dynamic partitioning.
    pub dynamic_partitioning_objects: u64,
}

/// Bytes billed for one record of `bytes`: rounded up to the next 5 KB (5,120 B), at least 5 KB.
pub const fn billed_bytes_of(bytes: u64) -> u64 {
    let unit = crate::cost::FIREHOSE_RECORD_ROUNDING_BYTES;
    let units = bytes.div_ceil(unit);
    if units == 0 { unit } else { units * unit }
}

/// A buffer as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BufferView {
    /// The partition's keys (empty without dynamic partitioning), or `"processor"` for the Lambda buffer.
    pub partition: String,
    /// Records held.
    pub records: u32,
    /// Bytes held (before compression).
    pub bytes: u64,
    /// The size hint in bytes.
    pub size_hint_bytes: u64,
    /// How long the oldest has waited, ms.
    pub age_ms: u64,
    /// The interval hint, ms.
    pub interval_ms: u64,
    /// When the interval flushes it, unless the size does first, ms from now.
    pub flushes_in_ms: u64,
    /// The hint it is proportionally closer to: the likelier next flush reason.
    pub next_flush: FlushReason,
}

/// A scheduled destination fault.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DestinationHealth {
    /// Every attempt fails until then.
    pub down_until: SimTime,
    /// Attempts take `slow_delay_ms` longer until then.
    pub slow_until: SimTime,
    /// The extra latency while slow.
    pub slow_delay_ms: u64,
}

/// Where Firehose is in one shard of its source stream.
#[derive(Clone, Debug)]
struct ShardCursor {
    /// The iterator of the next read, and when it was taken; `None` once it has expired.
    iterator: Option<(String, SimTime)>,
    /// Firehose's checkpoint: the counter of the next record it has not read.
    position: u64,
    /// The shard is closed and fully read.
    finished: bool,
}

#[derive(Clone, Debug, Default)]
struct KdsReader {
    shards: BTreeMap<u32, ShardCursor>,
    started: bool,
    next_poll: SimTime,
}

/// One delivery stream.
#[derive(Clone, Debug)]
pub struct DeliveryStream {
    /// Its configuration.
    pub config: DeliveryStreamConfig,
    /// `DeliveryStreamARN`.
    pub arn: String,
    /// `VersionId`: 1 at creation, +1 per `UpdateDestination`.
    pub version: u32,
    /// `DeliveryStreamStatus`.
    pub status: DeliveryStreamStatus,
    /// When it was created, Unix ms.
    pub created_unix_ms: u64,
    /// When the current status ends (CREATING, DELETING).
    pub(crate) status_until: SimTime,
    /// What happened to its records.
    pub totals: FirehoseTotals,
    /// Billing usage.
    pub usage: FirehoseUsage,
    /// Per-second metrics.
    pub metrics: History<FirehoseSecond>,
    /// Objects written to S3 (data, intermediate, backup, errors), oldest first.
    pub s3_objects: VecDeque<S3Object>,
    /// Requests to the destination (OpenSearch bulk, HTTP, Splunk, Redshift COPY), oldest first.
    pub requests: VecDeque<DestinationRequest>,
    /// Rows Redshift loaded.
    pub redshift_rows: u64,
    /// Scheduled faults.
    pub health: DestinationHealth,
    attempts: VecDeque<DeliveryAttempt>,
    program: Option<Program>,
    processor: Buffer,
    buffers: BTreeMap<String, Buffer>,
    backup: Buffer,
    pending: VecDeque<Batch>,
    kds: Option<KdsReader>,
    rng: Rng,
    next_seq: u64,
    epoch_unix_ms: u64,
    lambda_arn: String,
    content_kept_bytes: usize,
    pub(crate) events: Vec<crate::Event>,
    /// When the Direct PUT feeds send next, and how many records they have made.
    pub(crate) feed_next: SimTime,
    pub(crate) feed_made: u64,
    /// What each Direct PUT feed has done, in [`DeliveryStreamConfig::feeds`] order.
    pub feed_totals: Vec<FeedTotals>,
}

/// What one simulated Direct PUT feed has done: every record it made was accepted or refused
/// (`made = accepted + refused`; a feed does not retry).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FeedTotals {
    /// Records made and sent.
    pub made: u64,
    /// Records the delivery stream accepted.
    pub accepted: u64,
    /// Records refused (throttled by the Direct PUT quota, or the call failed).
    pub refused: u64,
}

impl DeliveryStream {
    pub(crate) fn new(
        config: DeliveryStreamConfig,
        arn: String,
        now: SimTime,
        ready_at: SimTime,
        epoch_unix_ms: u64,
        rng: Rng,
        lambda_arn: String,
    ) -> Self {
        let program = config.processing.as_ref().and_then(|p| Program::compile(&p.program).ok());
        let kds = matches!(config.source, Source::KinesisStream { .. }).then(KdsReader::default);
        Self {
            arn,
            version: 1,
            status: if ready_at > now { DeliveryStreamStatus::Creating } else { DeliveryStreamStatus::Active },
            created_unix_ms: epoch_unix_ms.saturating_add(now.as_millis()),
            status_until: ready_at,
            totals: FirehoseTotals::default(),
            usage: FirehoseUsage::default(),
            metrics: History::default(),
            s3_objects: VecDeque::new(),
            requests: VecDeque::new(),
            redshift_rows: 0,
            health: DestinationHealth::default(),
            attempts: VecDeque::new(),
            program,
            processor: Buffer::default(),
            buffers: BTreeMap::new(),
            backup: Buffer::default(),
            pending: VecDeque::new(),
            kds,
            rng,
            next_seq: 0,
            epoch_unix_ms,
            lambda_arn,
            content_kept_bytes: 0,
            events: Vec::new(),
            feed_next: ready_at,
            feed_made: 0,
            feed_totals: alloc::vec![FeedTotals::default(); config.feeds.len()],
            config,
        }
    }

    /// Adds an S3 object to the list, keeping lists and kept content bounded.
    fn keep_object(&mut self, object: S3Object) {
        self.content_kept_bytes += object.content.as_ref().map_or(0, Vec::len);
        if self.s3_objects.len() == RECEIVED_KEPT_MAX
            && let Some(old) = self.s3_objects.pop_front()
        {
            self.content_kept_bytes -= old.content.as_ref().map_or(0, Vec::len);
        }
        self.s3_objects.push_back(object);
        self.trim_content();
    }

    /// Adds a destination request to the list, keeping lists and kept bodies bounded.
    fn keep_request(&mut self, request: DestinationRequest) {
        self.content_kept_bytes += request.body.as_ref().map_or(0, Vec::len);
        if self.requests.len() == RECEIVED_KEPT_MAX
            && let Some(old) = self.requests.pop_front()
        {
            self.content_kept_bytes -= old.body.as_ref().map_or(0, Vec::len);
        }
        self.requests.push_back(request);
        self.trim_content();
    }

    /// The latest delivery attempts (at most [`ATTEMPTS_KEPT_MAX`]), oldest first: time, destination, outcome.
    pub fn attempts(&self) -> impl ExactSizeIterator<Item = &DeliveryAttempt> {
        self.attempts.iter()
    }

    fn keep_attempt(&mut self, at: SimTime, batch: &Batch, outcome: AttemptOutcome) {
        if self.attempts.len() == ATTEMPTS_KEPT_MAX {
            self.attempts.pop_front();
        }
        let destination = self.config.destination.kind.metric_prefix().trim_start_matches("DeliveryTo");
        let records = batch.records.len() as u32;
        self.attempts.push_back(DeliveryAttempt { at, destination, attempt: batch.attempts, records, outcome });
    }

    /// Drops the oldest kept contents until at most [`CONTENT_KEPT_TOTAL_BYTES_MAX`] remain.
    fn trim_content(&mut self) {
        let objects = self.s3_objects.iter_mut().map(|o| &mut o.content);
        let requests = self.requests.iter_mut().map(|r| &mut r.body);
        for kept in objects.chain(requests) {
            if self.content_kept_bytes <= CONTENT_KEPT_TOTAL_BYTES_MAX {
                return;
            }
            if let Some(content) = kept.take() {
                self.content_kept_bytes -= content.len();
            }
        }
    }

    /// Replaces the configuration (UpdateDestination): the version goes up; buffered data stays.
    pub(crate) fn reconfigure(&mut self, config: DeliveryStreamConfig) {
        self.program = config.processing.as_ref().and_then(|p| Program::compile(&p.program).ok());
        self.config = config;
        self.version += 1;
    }

    /// The feeds' records for this second, in PutRecordBatch calls with the index of the feed making them, if
    /// they are due.
    pub(crate) fn feed_batches(&mut self, now: SimTime) -> Vec<(usize, Vec<Vec<u8>>)> {
        if self.config.feeds.is_empty() || self.feed_next > now {
            return Vec::new();
        }
        self.feed_next = SimTime::from_secs(now.as_secs() + 1);
        let unix_ms = self.unix_ms(now);
        let mut batches = Vec::new();
        for (index, feed) in self.config.feeds.clone().into_iter().enumerate() {
            let mut records = Vec::with_capacity(feed.records_per_sec as usize);
            for _ in 0..feed.records_per_sec {
                let seed = self.rng.next_u64();
                let key = format!("user-{}", self.feed_made % 1_000);
                self.feed_made += 1;
                records.push(match feed.payload {
                    crate::template::PayloadTemplate::Zeros => alloc::vec![0; feed.record_bytes as usize],
                    template => crate::template::render(template, seed, &key, unix_ms, feed.record_bytes).into_bytes(),
                });
            }
            while !records.is_empty() {
                let rest = records.split_off(records.len().min(feed.batch_records.max(1) as usize));
                batches.push((index, core::mem::replace(&mut records, rest)));
            }
        }
        batches
    }

    fn unix_ms(&self, t: SimTime) -> u64 {
        self.epoch_unix_ms.saturating_add(t.as_millis())
    }

    fn second(&mut self, now: SimTime) -> &mut FirehoseSecond {
        self.metrics.at(now.as_secs())
    }

    /// Records held in buffers and pending deliveries.
    pub fn buffered_records(&self) -> u64 {
        let buffers: usize = self.buffers.values().map(|b| b.records.len()).sum();
        let pending: usize = self.pending.iter().map(|b| b.records.len()).sum();
        (self.processor.records.len() + buffers + pending) as u64
    }

    /// The sum of all the totals' fates plus what is buffered: equals `incoming_records` at all times.
    pub fn accounted_records(&self) -> u64 {
        let t = &self.totals;
        t.delivered_records
            + t.dropped_records
            + t.processing_failed_records
            + t.partitioning_failed_records
            + t.conversion_failed_records
            + t.backed_up_failed_records
            + t.expired_records
            + self.buffered_records()
    }

    /// The processor buffer (if a transform is configured) and every destination buffer.
    pub fn buffer_views(&self, now: SimTime) -> Vec<BufferView> {
        let hints = self.config.destination.hints();
        let mut views = Vec::new();
        let view = |name: String, b: &Buffer, size: u64, interval_ms: u64| {
            let age_ms = b.since.map_or(0, |s| now.saturating_since(s).as_millis());
            // Compare fill fractions without floats: bytes/size against age/interval.
            let by_size =
                u128::from(b.bytes) * u128::from(interval_ms.max(1)) >= u128::from(age_ms) * u128::from(size.max(1));
            BufferView {
                next_flush: if by_size && interval_ms > 0 { FlushReason::Size } else { FlushReason::Interval },
                partition: name,
                records: b.records.len() as u32,
                bytes: b.bytes,
                size_hint_bytes: size,
                age_ms,
                interval_ms,
                flushes_in_ms: interval_ms.saturating_sub(age_ms),
            }
        };
        if let Some(p) = &self.config.processing {
            views.push(view(
                "processor".into(),
                &self.processor,
                u64::from(p.buffer_size_kib) * 1_024,
                u64::from(p.buffer_interval_secs) * 1_000,
            ));
        }
        for (name, b) in &self.buffers {
            views.push(view(name.clone(), b, u64::from(hints.size_mib) << 20, u64::from(hints.interval_secs) * 1_000));
        }
        views
    }

    /// Takes records in at `now` (after quota checks).
    pub(crate) fn ingest(&mut self, now: SimTime, records: Vec<Vec<u8>>, from_kinesis: bool) {
        for data in records {
            let bytes = data.len() as u64;
            self.totals.incoming_records += 1;
            self.usage.ingested_billed_bytes += billed_bytes_of(bytes);
            let s = self.second(now);
            s.incoming_records += 1;
            s.incoming_bytes += bytes;
            if from_kinesis {
                s.read_from_kinesis_records += 1;
                s.read_from_kinesis_bytes += bytes;
            }
            let record = FirehoseRecord { seq: self.next_seq, arrival: now, data };
            self.next_seq += 1;
            if self.config.destination.kind == DestinationKind::S3 && self.config.destination.backup_all {
                self.backup.bytes += bytes;
                self.backup.since.get_or_insert(now);
                self.backup.records.push(record.clone());
            }
            if let Some(p) = &self.config.processing {
                let limit = u64::from(p.buffer_size_kib) * 1_024;
                self.processor.bytes += bytes;
                self.processor.since.get_or_insert(now);
                self.processor.records.push(record);
                if self.processor.bytes >= limit {
                    self.invoke_processor(now);
                }
            } else {
                self.route(now, record, BTreeMap::new());
            }
        }
        self.flush_due(now);
    }

    /// Runs the transform on the processor buffer, as Firehose invokes a Lambda function.
    fn invoke_processor(&mut self, now: SimTime) {
        let records = core::mem::take(&mut self.processor.records);
        self.processor = Buffer::default();
        if records.is_empty() {
            return;
        }
        let retries = self.config.processing.as_ref().map_or(3, |p| p.number_of_retries);
        let request: Vec<RequestRecord> = records
            .iter()
            .map(|r| RequestRecord {
                record_id: format!("{:056}", r.seq),
                approximate_arrival_timestamp: self.unix_ms(r.arrival),
                data: BASE64.encode(&r.data),
            })
            .collect();
        let mut attempts = 0;
        let result = loop {
            attempts += 1;
            self.totals.invocations += 1;
            self.second(now).execute_processing_invocations += 1;
            let mut fuel = FUEL_PER_INVOCATION;
            let outcome = match &self.program {
                Some(program) => program.invoke(&request, &mut fuel).and_then(|response| {
                    let size: usize = response.iter().map(|r| r.data.len() + r.record_id.len() + 64).sum();
                    if size > LAMBDA_PAYLOAD_BYTES_MAX {
                        return Err(transform::InvocationError {
                            error_code: "Lambda.ResponseSizeExceeded",
                            error_message: format!("The response is {size} bytes; Lambda returns at most 6 MB."),
                        });
                    }
                    transform::check_response(&request, response)
                }),
                None => Err(transform::InvocationError {
                    error_code: "Lambda.FunctionError",
                    error_message: "The transform does not compile.".into(),
                }),
            };
            let duration_ms = 1 + (FUEL_PER_INVOCATION - fuel) / 1_000;
            let s = self.second(now);
            s.execute_processing_duration_ms = s.execute_processing_duration_ms.max(duration_ms);
            match outcome {
                Ok(outcomes) => break Ok(outcomes),
                Err(e) => {
                    self.totals.invocation_failures += 1;
                    if attempts > retries {
                        break Err(e);
                    }
                }
            }
        };
        match result {
            Ok(outcomes) => {
                self.second(now).execute_processing_success += 1;
                let mut failed = Vec::new();
                for (record, outcome) in records.into_iter().zip(outcomes) {
                    match outcome.result {
                        TransformResult::Ok => {
                            self.totals.transform_ok_records += 1;
                            let s = self.second(now);
                            s.succeed_processing_records += 1;
                            s.succeed_processing_bytes += outcome.data.len() as u64;
                            self.route(now, FirehoseRecord { data: outcome.data, ..record }, outcome.partition_keys);
                        }
                        TransformResult::Dropped => {
                            self.totals.dropped_records += 1;
                            let s = self.second(now);
                            s.succeed_processing_records += 1;
                            s.dropped_records += 1;
                        }
                        TransformResult::ProcessingFailed => failed.push(record),
                    }
                }
                if !failed.is_empty() {
                    self.totals.processing_failed_records += failed.len() as u64;
                    self.second(now).processing_failed_records += failed.len() as u64;
                    let code = ("Lambda.ProcessingFailed", "The transform returned ProcessingFailed.".into());
                    self.write_error_object(now, "processing-failed", &failed, 1, &code);
                }
            }
            Err(e) => {
                self.totals.processing_failed_records += records.len() as u64;
                self.second(now).processing_failed_records += records.len() as u64;
                self.write_error_object(now, "processing-failed", &records, attempts, &(e.error_code, e.error_message));
            }
        }
    }

    /// Puts a record (transformed) into its destination buffer: partitioning and conversion checks first.
    fn route(&mut self, now: SimTime, mut record: FirehoseRecord, lambda_keys: BTreeMap<String, String>) {
        let mut keys = lambda_keys;
        if let Some(dp) = self.config.destination.dynamic_partitioning.clone() {
            let parsed = core::str::from_utf8(&record.data).ok().and_then(Json::parse);
            let mut missing = None;
            for (name, query) in &dp.keys {
                let value =
                    parsed.as_ref().zip(parse_jq_path(query)).and_then(|(v, path)| v.at(&path).map(Json::as_text));
                match value {
                    Some(v) => {
                        keys.insert(name.clone(), v);
                    }
                    None => missing = Some(name.clone()),
                }
            }
            let partition = partition_name(&keys);
            let quota = dp.active_partitions_max as usize;
            let reason = if let Some(name) = missing {
                Some(format!("The record has no value for partition key '{name}' (or is not JSON)."))
            } else if !self.buffers.contains_key(&partition) && self.buffers.len() >= quota {
                self.second(now).partition_count_exceeded += 1;
                Some(format!("The stream already has {quota} active partitions, its quota."))
            } else {
                None
            };
            if let Some(message) = reason {
                self.totals.partitioning_failed_records += 1;
                let error = ("DynamicPartitioning.MetadataExtractionFailed", message);
                self.write_error_object(now, "partitioning-failed", core::slice::from_ref(&record), 1, &error);
                return;
            }
            self.usage.dynamic_partitioning_bytes += record.data.len() as u64;
        }
        if let Some(conversion) = &self.config.destination.format_conversion {
            if let Err(message) = check_schema(conversion, &record.data) {
                self.totals.conversion_failed_records += 1;
                let error = ("DataFormatConversion.InvalidSchema", message);
                self.write_error_object(now, "format-conversion-failed", core::slice::from_ref(&record), 1, &error);
                return;
            }
            self.usage.format_conversion_billed_bytes += billed_bytes_of(record.data.len() as u64);
        }
        if self.config.destination.s3.append_newline {
            record.data.push(b'\n');
        }
        let partition = partition_name(&keys);
        let buffer = self.buffers.entry(partition.clone()).or_default();
        buffer.bytes += record.data.len() as u64;
        buffer.since.get_or_insert(now);
        buffer.keys = keys;
        buffer.records.push(record);
        let count = self.buffers.len() as u64;
        let s = self.second(now);
        s.partition_count = s.partition_count.max(count);
        let size_bytes = u64::from(self.config.destination.hints().size_mib) << 20;
        if self.buffers.get(&partition).is_some_and(|b| b.bytes >= size_bytes) {
            self.flush(now, &partition, FlushReason::Size);
        }
    }

    /// Moves a buffer to the delivery queue (HTTP endpoints: requests of at most 10,000 records).
    fn flush(&mut self, now: SimTime, partition: &str, reason: FlushReason) {
        let Some(mut buffer) = self.buffers.remove(partition) else { return };
        if let Some(max) = self.config.destination.kind.records_per_request_max() {
            while buffer.records.len() > max {
                let rest = buffer.records.split_off(max);
                let head = core::mem::replace(&mut buffer.records, rest);
                let bytes = head.iter().map(|r| r.data.len() as u64).sum();
                buffer.bytes -= bytes;
                let part = Buffer { records: head, bytes, since: buffer.since, keys: buffer.keys.clone() };
                self.enqueue(now, part, reason);
            }
        }
        self.enqueue(now, buffer, reason);
    }

    fn enqueue(&mut self, now: SimTime, buffer: Buffer, reason: FlushReason) {
        let request_id = prefix::uuid(&mut self.rng);
        self.pending.push_back(Batch {
            records: buffer.records,
            bytes: buffer.bytes,
            keys: buffer.keys,
            attempts: 0,
            retry_deadline: None,
            expiring: false,
            next_attempt: now,
            in_flight: false,
            request_id,
            copies_at_destination: 0,
            intermediate_written: false,
            last_error: None,
            reason,
        });
    }

    /// Flushes whatever is due by interval, and the backup buffer.
    fn flush_due(&mut self, now: SimTime) {
        let hints = self.config.destination.hints();
        let interval = SimDuration::from_secs(u64::from(hints.interval_secs));
        let size_bytes = u64::from(hints.size_mib) << 20;
        if let Some(p) = &self.config.processing {
            let due = self
                .processor
                .since
                .is_some_and(|s| now >= s + SimDuration::from_secs(u64::from(p.buffer_interval_secs)));
            if due {
                self.invoke_processor(now);
            }
        }
        let due: Vec<String> = self
            .buffers
            .iter()
            .filter(|(_, b)| b.since.is_some_and(|s| now >= s + interval))
            .map(|(k, _)| k.clone())
            .collect();
        for partition in due {
            self.flush(now, &partition, FlushReason::Interval);
        }
        let backup_due = self.backup.since.is_some_and(|s| now >= s + interval) || self.backup.bytes >= size_bytes;
        if backup_due {
            let backup = core::mem::take(&mut self.backup);
            self.write_backup_object(now, &backup.records);
        }
    }

    /// The next instant something is due (a buffer's interval, an attempt, a poll, a status change).
    pub(crate) fn next_deadline(&self) -> Option<SimTime> {
        let hints = self.config.destination.hints();
        let interval = SimDuration::from_secs(u64::from(hints.interval_secs));
        let mut next: Option<SimTime> = None;
        let mut consider = |t: SimTime| next = Some(next.map_or(t, |n: SimTime| n.min(t)));
        if self.status != DeliveryStreamStatus::Active {
            consider(self.status_until);
            return next;
        }
        if let (Some(p), Some(since)) = (&self.config.processing, self.processor.since) {
            consider(since + SimDuration::from_secs(u64::from(p.buffer_interval_secs)));
        }
        for b in self.buffers.values() {
            if let Some(since) = b.since {
                consider(since + interval);
            }
        }
        if let Some(since) = self.backup.since {
            consider(since + interval);
        }
        for batch in &self.pending {
            consider(batch.next_attempt);
        }
        if let Some(kds) = &self.kds {
            consider(kds.next_poll);
        }
        if !self.config.feeds.is_empty() {
            consider(self.feed_next);
        }
        next
    }

    /// Does everything due at `now`.
    pub(crate) fn on_due(&mut self, now: SimTime, kinesis: &mut Kinesis) {
        if self.kds.as_ref().is_some_and(|k| k.next_poll <= now) {
            self.poll_kinesis(now, kinesis);
        }
        self.flush_due(now);
        let mut index = 0;
        while index < self.pending.len() {
            if self.pending[index].next_attempt <= now {
                let batch = self.pending.remove(index).expect("index < len checked above");
                if let Some(batch) = self.attempt(now, batch) {
                    self.pending.insert(index, batch);
                    index += 1;
                }
            } else {
                index += 1;
            }
        }
    }

    /// Reads each shard of the source data stream once per second, from LATEST (new shards from
    /// TRIM_HORIZON). While a delivery is being retried it does not read: data waits in the stream. Firehose
    /// keeps its position per shard, so an iterator that expired meanwhile (300 s) is replaced by one
    /// `AFTER_SEQUENCE_NUMBER` of the last record read; records that passed the stream's retention before
    /// they were read are counted in [`FirehoseTotals::source_expired_records`] and reported.
    fn poll_kinesis(&mut self, now: SimTime, kinesis: &mut Kinesis) {
        let Source::KinesisStream { stream_name } = self.config.source.clone() else { return };
        let Some(mut reader) = self.kds.take() else { return };
        reader.next_poll = now + SimDuration::SECOND;
        let backlog = self.pending.iter().any(|b| b.attempts > 0);
        let shards: Vec<(u32, bool, SequenceNumber)> = kinesis
            .stream(&stream_name)
            .map(|s| s.shards().iter().map(|sh| (sh.id.0, sh.is_open(), sh.starting_sequence_number())).collect())
            .unwrap_or_default();
        let lifetime = SimDuration::from_millis(ITERATOR_LIFETIME_MS);
        let mut read = Vec::new();
        let mut behind_ms = 0;
        for (shard, open, starting) in shards {
            let shard_id = ShardId(shard).to_string();
            if !reader.shards.contains_key(&shard) {
                if !reader.started && !open {
                    continue;
                }
                let start = if reader.started { IteratorStart::TrimHorizon } else { IteratorStart::Latest };
                let Ok(it) = kinesis.get_shard_iterator(now, &stream_name, &shard_id, start) else { continue };
                let Some(token) = IteratorToken::decode(&it) else { continue };
                let cursor = ShardCursor { iterator: Some((it, now)), position: token.position, finished: false };
                reader.shards.insert(shard, cursor);
            }
            let Some(cursor) = reader.shards.get_mut(&shard) else { continue };
            if cursor.finished {
                continue;
            }
            if cursor.iterator.as_ref().is_some_and(|(_, taken)| now.saturating_since(*taken) >= lifetime) {
                cursor.iterator = None;
            }
            if backlog {
                continue;
            }
            if cursor.iterator.is_none() {
                // Resume after the checkpoint: the record before `position` (counter 0 is the shard's start).
                let after = SequenceNumber { counter: cursor.position.saturating_sub(1), ..starting };
                let start = IteratorStart::AfterSequenceNumber(after.to_decimal());
                let Ok(it) = kinesis.get_shard_iterator(now, &stream_name, &shard_id, start) else { continue };
                cursor.iterator = Some((it, now));
            }
            let Some((iterator, _)) = cursor.iterator.clone() else { continue };
            match kinesis.get_records(now, &iterator, None) {
                Ok(out) => {
                    behind_ms = behind_ms.max(out.millis_behind_latest);
                    let next_position =
                        out.next_shard_iterator.as_deref().and_then(IteratorToken::decode).map(|t| t.position);
                    let first = out.records.first().map(|r| r.sequence_number.counter).or(next_position);
                    let expired = first.map_or(0, |f| f.saturating_sub(cursor.position));
                    if let Some(last) = out.records.last() {
                        cursor.position = last.sequence_number.counter + 1;
                    } else if let Some(next) = next_position {
                        cursor.position = cursor.position.max(next);
                    }
                    for record in &out.records {
                        match &record.data {
                            Payload::Aggregated { user_records, .. } => {
                                read.extend(user_records.iter().map(|(_, len)| alloc::vec![0u8; *len as usize]));
                            }
                            _ => read.push(record.data_bytes()),
                        }
                    }
                    match out.next_shard_iterator {
                        Some(next) => cursor.iterator = Some((next, now)),
                        None => {
                            cursor.iterator = None;
                            cursor.finished = true;
                        }
                    }
                    if expired > 0 {
                        self.totals.source_expired_records += expired;
                        self.push_event(crate::Event::FirehoseSourceRecordsExpired {
                            at: now,
                            delivery_stream: self.config.name.clone(),
                            source_stream: stream_name.clone(),
                            shard_id: ShardId(shard),
                            records: expired,
                        });
                    }
                }
                Err(e) if e.kind == crate::StreamsErrorKind::ExpiredIterator => cursor.iterator = None,
                Err(_) => {}
            }
        }
        reader.started = true;
        self.kds = Some(reader);
        let s = self.second(now);
        s.kinesis_millis_behind_latest = s.kinesis_millis_behind_latest.max(behind_ms);
        if !read.is_empty() {
            self.ingest(now, read, true);
        }
    }

    /// One delivery attempt; returns the batch if it must be tried again (or is in flight).
    fn attempt(&mut self, now: SimTime, mut batch: Batch) -> Option<Batch> {
        let kind = self.config.destination.kind.clone();
        if batch.in_flight {
            self.deliver(now, &batch);
            return None;
        }
        if batch.expiring {
            let code = batch.last_error.as_ref().map_or("InternalFailure", |e| e.0);
            self.push_event(crate::Event::FirehoseDeliveryFailed {
                at: now,
                delivery_stream: self.config.name.clone(),
                error_code: code,
                attempt: batch.attempts,
                gave_up: true,
            });
            self.keep_attempt(now, &batch, AttemptOutcome::GaveUp(code));
            self.give_up(now, batch);
            return None;
        }
        batch.attempts += 1;
        self.second(now).delivery_attempts += 1;
        let down = now < self.health.down_until;
        let delay_ms = if now < self.health.slow_until { self.health.slow_delay_ms } else { 0 };
        let timeout = kind.response_timeout();
        let timeout_secs = timeout.map(|(secs, _)| secs);
        // Redshift: the intermediate object is written once (S3 is up), then COPY is attempted.
        if kind.writes_intermediate_object() && !batch.intermediate_written {
            self.write_data_object(now, &batch, ObjectKind::Intermediate);
            batch.intermediate_written = true;
        }
        let failure: Option<(&'static str, String, bool)> = if down {
            let (code, message) = kind.outage_error();
            Some((code, message.into(), false))
        } else if let Some((t, code)) = timeout.filter(|(t, _)| delay_ms >= t * 1_000) {
            Some((code, format!("No answer within {t} s; the destination may still have the data."), true))
        } else {
            None
        };
        if kind.sends_requests() {
            let target = self.request_target(&batch);
            let body = (failure.as_ref().is_none_or(|f| f.2)).then(|| self.request_body(now, &batch));
            let request = DestinationRequest {
                request_id: batch.request_id.clone(),
                at_unix_ms: self.unix_ms(now),
                attempt: batch.attempts,
                records: batch.records.len() as u32,
                bytes: body.as_ref().map_or(batch.bytes, |b| b.len() as u64),
                target,
                error_code: failure.as_ref().map(|f| f.0),
                received: failure.as_ref().is_none_or(|f| f.2),
                body: body.filter(|b| b.len() <= CONTENT_KEPT_BYTES_MAX),
            };
            self.keep_request(request);
        }
        match failure {
            None if delay_ms > 0 => {
                batch.in_flight = true;
                batch.next_attempt = now + SimDuration::from_millis(delay_ms);
                Some(batch)
            }
            None => {
                self.deliver(now, &batch);
                None
            }
            Some((code, message, received)) => {
                if received {
                    batch.copies_at_destination += 1;
                }
                // A timed-out attempt is seen to fail once its response timeout has passed.
                let waited = SimDuration::from_secs(timeout_secs.filter(|_| received).unwrap_or(0));
                let deadline = retry_deadline(&kind, &mut batch, now, waited, self.config.destination.retry_secs());
                batch.last_error = Some((code, message));
                let backoff = (1u64 << batch.attempts.min(6).saturating_sub(1)).min(RETRY_BACKOFF_MAX_SECS);
                let next = now + waited + SimDuration::from_secs(backoff);
                // Firehose still waits for this attempt's response before it gives up.
                let give_up_at = deadline.max(now + waited);
                let gave_up = next >= deadline && give_up_at <= now;
                self.push_event(crate::Event::FirehoseDeliveryFailed {
                    at: now,
                    delivery_stream: self.config.name.clone(),
                    error_code: code,
                    attempt: batch.attempts,
                    gave_up,
                });
                if gave_up {
                    self.keep_attempt(now, &batch, AttemptOutcome::GaveUp(code));
                    self.give_up(now, batch);
                    return None;
                }
                self.keep_attempt(now, &batch, AttemptOutcome::Failed(code));
                if next >= deadline {
                    // No retry fits in the duration: give up when it ends (after this attempt's wait).
                    batch.expiring = true;
                    batch.next_attempt = give_up_at;
                } else {
                    batch.next_attempt = next;
                }
                Some(batch)
            }
        }
    }

    fn push_event(&mut self, event: crate::Event) {
        // Bounded: the simulation drains them after every step.
        if self.events.len() < 1_024 {
            self.events.push(event);
        }
    }

    /// A successful delivery.
    fn deliver(&mut self, now: SimTime, batch: &Batch) {
        self.keep_attempt(now, batch, AttemptOutcome::Delivered);
        let records = batch.records.len() as u64;
        self.push_event(crate::Event::FirehoseDelivered {
            at: now,
            delivery_stream: self.config.name.clone(),
            destination: self.config.destination.kind.metric_prefix().trim_start_matches("DeliveryTo"),
            records: records as u32,
            bytes: batch.bytes,
        });
        self.totals.delivered_records += records;
        self.totals.duplicate_records += records * u64::from(batch.copies_at_destination);
        let oldest = batch.records.iter().map(|r| r.arrival).min().unwrap_or(now);
        let s = self.second(now);
        s.delivery_records += records;
        s.delivery_bytes += batch.bytes;
        s.delivery_success += 1;
        s.data_freshness_ms = s.data_freshness_ms.max(now.saturating_since(oldest).as_millis());
        match self.config.destination.kind.clone() {
            DestinationKind::S3 => {
                self.write_data_object(now, batch, ObjectKind::Data);
                if self.config.destination.dynamic_partitioning.is_some() {
                    self.usage.dynamic_partitioning_objects += 1;
                }
            }
            DestinationKind::Redshift { .. } => self.redshift_rows += records,
            _ => {
                if self.config.destination.backup_all {
                    self.write_backup_object(now, &batch.records);
                }
            }
        }
    }

    /// The retry duration ran out.
    fn give_up(&mut self, now: SimTime, batch: Batch) {
        let records = batch.records.len() as u64;
        let kind = self.config.destination.kind.clone();
        let (code, message) = batch.last_error.clone().unwrap_or(("InternalFailure", String::new()));
        match kind {
            DestinationKind::S3 => self.totals.expired_records += records,
            DestinationKind::Redshift { .. } => {
                self.totals.backed_up_failed_records += records;
                let key = format!(
                    "{}errors/manifests/{}",
                    self.config.destination.s3.prefix.clone().unwrap_or_default(),
                    prefix::object_name(&self.config.name, self.version, self.unix_ms(now), &mut self.rng, "")
                );
                let content = format!("{{\"entries\":[{{\"url\":\"s3://intermediate/{}\",\"mandatory\":true}}],\"errorCode\":\"{code}\"}}", batch.request_id).into_bytes();
                let object = S3Object {
                    key,
                    kind: ObjectKind::ErrorManifest,
                    error_output_type: None,
                    records: records as u32,
                    uncompressed_bytes: content.len() as u64,
                    stored_bytes: content.len() as u64,
                    first_arrival_unix_ms: self.unix_ms(batch.records.first().map_or(now, |r| r.arrival)),
                    last_arrival_unix_ms: self.unix_ms(batch.records.last().map_or(now, |r| r.arrival)),
                    written_unix_ms: self.unix_ms(now),
                    compression: Compression::Uncompressed,
                    content: Some(content),
                    flush_reason: None,
                };
                self.keep_object(object);
            }
            _ => {
                self.totals.backed_up_failed_records += records;
                self.write_error_object(
                    now,
                    kind.error_output_type(),
                    &batch.records,
                    batch.attempts,
                    &(code, message),
                );
            }
        }
    }

    fn request_target(&self, batch: &Batch) -> Option<String> {
        match &self.config.destination.kind {
            DestinationKind::OpenSearch { index_name, rotation } => {
                let oldest = batch.records.iter().map(|r| r.arrival).min().unwrap_or_default();
                Some(rotated_index(index_name, *rotation, self.unix_ms(oldest)))
            }
            DestinationKind::Redshift { table } => Some(table.clone()),
            _ => None,
        }
    }

    /// The request body as the destination receives it.
    fn request_body(&self, now: SimTime, batch: &Batch) -> Vec<u8> {
        let mut out = String::new();
        match &self.config.destination.kind {
            DestinationKind::OpenSearch { .. } => {
                let index = self.request_target(batch).unwrap_or_default();
                for r in &batch.records {
                    out.push_str("{\"index\":{\"_index\":");
                    write_string(&mut out, &index);
                    out.push_str(&format!(",\"_id\":\"{}\"}}}}\n", doc_id(r.seq)));
                    out.push_str(core::str::from_utf8(&r.data).unwrap_or("{}").trim_end());
                    out.push('\n');
                }
            }
            DestinationKind::Splunk { .. } => {
                for r in &batch.records {
                    out.push_str("{\"event\":");
                    write_string(&mut out, &String::from_utf8_lossy(&r.data));
                    out.push('}');
                }
            }
            DestinationKind::Redshift { table } => {
                out.push_str(&format!("COPY {table} FROM 's3://…/{}' ", batch.request_id));
            }
            _ => {
                out.push_str("{\"requestId\":\"");
                out.push_str(&batch.request_id);
                out.push_str(&format!("\",\"timestamp\":{},\"records\":[", self.unix_ms(now)));
                for (i, r) in batch.records.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str("{\"data\":\"");
                    out.push_str(&BASE64.encode(&r.data));
                    out.push_str("\"}");
                }
                out.push_str("]}");
            }
        }
        let bytes = out.into_bytes();
        match &self.config.destination.kind {
            DestinationKind::HttpEndpoint { gzip: true, .. } => Compression::Gzip.compress(&bytes),
            _ => bytes,
        }
    }

    /// The data key of a batch: the evaluated prefix plus the object name.
    fn data_key(&mut self, oldest_unix_ms: u64, keys: &BTreeMap<String, String>) -> String {
        let s3 = &self.config.destination.s3;
        let parsed = s3.prefix.as_deref().and_then(|p| Prefix::parse(p).ok()).unwrap_or_default();
        let ctx = PrefixContext {
            oldest_unix_ms,
            query_keys: Some(keys),
            lambda_keys: Some(keys),
            ..PrefixContext::default()
        };
        let mut prefix = parsed.evaluate(&ctx, &mut self.rng);
        if let Some((cut, _)) = prefix.char_indices().nth(prefix::EVALUATED_PREFIX_CHARS_MAX) {
            prefix.truncate(cut);
        }
        prefix + &self.object_name(oldest_unix_ms)
    }

    fn object_name(&mut self, unix_ms: u64) -> String {
        let d = &self.config.destination;
        let extension = match (&d.s3.file_extension, &d.format_conversion) {
            (Some(ext), _) => ext.clone(),
            (None, Some(FormatConversion { output: OutputFormat::Parquet, .. })) => ".parquet".into(),
            (None, Some(FormatConversion { output: OutputFormat::Orc, .. })) => ".orc".into(),
            (None, None) => d.s3.compression.extension().into(),
        };
        prefix::object_name(&self.config.name, self.version, unix_ms, &mut self.rng, &extension)
    }

    /// The key of an error object: `ErrorOutputPrefix` evaluated, or `<Prefix><type>/YYYY/MM/dd/HH/`.
    fn error_key(&mut self, error_output_type: &str, oldest_unix_ms: u64) -> String {
        let s3 = &self.config.destination.s3;
        let ctx =
            PrefixContext { oldest_unix_ms, error_output_type: Some(error_output_type), ..PrefixContext::default() };
        let prefix = match s3.error_output_prefix.as_deref().and_then(|p| Prefix::parse(p).ok()) {
            Some(p) => p.evaluate(&ctx, &mut self.rng),
            None => {
                let literal = s3.prefix.clone().unwrap_or_default();
                let stamp =
                    prefix::format_timestamp(prefix::DEFAULT_TIMESTAMP_PATTERN, oldest_unix_ms).unwrap_or_default();
                format!("{literal}{error_output_type}/{stamp}")
            }
        };
        let name = prefix::object_name(&self.config.name, self.version, oldest_unix_ms, &mut self.rng, "");
        prefix + &name
    }

    fn write_data_object(&mut self, now: SimTime, batch: &Batch, kind: ObjectKind) {
        let oldest = self.unix_ms(batch.records.iter().map(|r| r.arrival).min().unwrap_or(now));
        let key = self.data_key(oldest, &batch.keys);
        let content: Vec<u8> = batch.records.iter().flat_map(|r| r.data.iter().copied()).collect();
        let d = &self.config.destination;
        let (stored_len, stored, compression) = match &d.format_conversion {
            Some(conversion) => {
                let len = converted_len(conversion, &batch.records);
                (len, None, Compression::Uncompressed)
            }
            None => {
                let packed = d.s3.compression.compress(&content);
                (packed.len() as u64, Some(packed), d.s3.compression)
            }
        };
        let object = S3Object {
            key,
            kind,
            error_output_type: None,
            records: batch.records.len() as u32,
            uncompressed_bytes: content.len() as u64,
            stored_bytes: stored_len,
            first_arrival_unix_ms: oldest,
            last_arrival_unix_ms: self.unix_ms(batch.records.iter().map(|r| r.arrival).max().unwrap_or(now)),
            written_unix_ms: self.unix_ms(now),
            compression,
            // Converted objects keep their JSON input as the preview (the columnar bytes are modelled).
            content: stored.or(Some(content)).filter(|c| c.len() <= CONTENT_KEPT_BYTES_MAX),
            flush_reason: Some(batch.reason),
        };
        self.keep_object(object);
    }

    fn write_backup_object(&mut self, now: SimTime, records: &[FirehoseRecord]) {
        if records.is_empty() {
            return;
        }
        let oldest = self.unix_ms(records.iter().map(|r| r.arrival).min().unwrap_or(now));
        let ctx = PrefixContext { oldest_unix_ms: oldest, ..PrefixContext::default() };
        let prefix = Prefix::parse("backup/").map(|p| p.evaluate(&ctx, &mut self.rng)).unwrap_or_default();
        let key = prefix + &self.object_name(oldest);
        let content: Vec<u8> = records.iter().flat_map(|r| r.data.iter().copied()).collect();
        self.keep_backup_object(now, key, ObjectKind::Backup, None, records, content, oldest);
    }

    /// Compresses `content` (the bytes standing for `records`) and keeps it as a backup-bucket object.
    #[allow(clippy::too_many_arguments)]
    fn keep_backup_object(
        &mut self,
        now: SimTime,
        key: String,
        kind: ObjectKind,
        error_output_type: Option<&'static str>,
        records: &[FirehoseRecord],
        content: Vec<u8>,
        oldest_unix_ms: u64,
    ) {
        let compression = self.config.destination.s3.compression;
        let packed = compression.compress(&content);
        self.second(now).backup_to_s3_records += records.len() as u64;
        let object = S3Object {
            key,
            kind,
            error_output_type,
            records: records.len() as u32,
            uncompressed_bytes: content.len() as u64,
            stored_bytes: packed.len() as u64,
            first_arrival_unix_ms: oldest_unix_ms,
            last_arrival_unix_ms: self.unix_ms(records.iter().map(|r| r.arrival).max().unwrap_or(now)),
            written_unix_ms: self.unix_ms(now),
            compression,
            content: (packed.len() <= CONTENT_KEPT_BYTES_MAX).then_some(packed),
            flush_reason: None,
        };
        self.keep_object(object);
    }

    /// Writes failed records as AWS's error JSON lines under the error output prefix.
    fn write_error_object(
        &mut self,
        now: SimTime,
        error_output_type: &'static str,
        records: &[FirehoseRecord],
        attempts: u32,
        error: &(&'static str, String),
    ) {
        if records.is_empty() {
            return;
        }
        let oldest = self.unix_ms(records.iter().map(|r| r.arrival).min().unwrap_or(now));
        let key = self.error_key(error_output_type, oldest);
        let mut text = String::new();
        for r in records {
            text.push_str(&format!(
                "{{\"attemptsMade\":{attempts},\"arrivalTimestamp\":{},\"errorCode\":",
                self.unix_ms(r.arrival)
            ));
            write_string(&mut text, error.0);
            text.push_str(",\"errorMessage\":");
            write_string(&mut text, &error.1);
            text.push_str(&format!(
                ",\"attemptEndingTimestamp\":{},\"rawData\":\"{}\"",
                self.unix_ms(now),
                BASE64.encode(&r.data)
            ));
            if error_output_type == "processing-failed" {
                text.push_str(",\"lambdaArn\":");
                write_string(&mut text, &self.lambda_arn);
            }
            if let DestinationKind::OpenSearch { index_name, rotation } = &self.config.destination.kind
                && error_output_type == "AmazonOpenSearchService-failed"
            {
                text.push_str(&format!(",\"esDocumentId\":\"{}\",\"esIndexName\":", doc_id(r.seq)));
                write_string(&mut text, &rotated_index(index_name, *rotation, self.unix_ms(r.arrival)));
            }
            text.push_str("}\n");
        }
        self.keep_backup_object(
            now,
            key,
            ObjectKind::Error,
            Some(error_output_type),
            records,
            text.into_bytes(),
            oldest,
        );
    }
}

/// When a failing batch's retries end (docs/aws-behaviour.md, Firehose delivery failures), updated at each
/// failure: `now` is the failed attempt, `waited` how long Firehose waited for its response.
///
/// - Redshift and OpenSearch: the retry duration counts from the initial request, the first attempt included.
/// - HTTP endpoints and Splunk: it starts once the first attempt has failed and excludes the time spent
///   waiting for each attempt's response or acknowledgement.
/// - S3: retried for up to 24 hours from the first failure.
///
/// A duration of 0 means no retry.
fn retry_deadline(
    kind: &DestinationKind,
    batch: &mut Batch,
    now: SimTime,
    waited: SimDuration,
    retry_secs: u32,
) -> SimTime {
    let duration = SimDuration::from_secs(u64::from(retry_secs));
    let deadline = match (kind.retry_clock(), batch.retry_deadline) {
        (RetryClock::FromFirstFailureExcludingWaits, Some(deadline)) => deadline + waited,
        (RetryClock::FromInitialRequest, Some(deadline)) => deadline,
        (RetryClock::FromFirstFailureExcludingWaits, None) => now + waited + duration,
        // The first failure is the first attempt (attempts take no time unless slowed down, and a slowed
        // Redshift or OpenSearch attempt succeeds).
        (RetryClock::FromInitialRequest, None) => now + duration,
    };
    batch.retry_deadline = Some(deadline);
    deadline
}

fn partition_name(keys: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for (i, (k, v)) in keys.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

fn doc_id(seq: u64) -> String {
    format!("{seq:020}")
}

/// The index name with its rotation suffix (`docs/aws-behaviour.md` §5.8).
pub fn rotated_index(index: &str, rotation: IndexRotation, unix_ms: u64) -> String {
    let days = unix_ms / 86_400_000;
    let (year, month, day) = civil_from_days(days);
    let hour = unix_ms / 3_600_000 % 24;
    match rotation {
        IndexRotation::NoRotation => index.into(),
        IndexRotation::OneHour => format!("{index}-{year:04}-{month:02}-{day:02}-{hour:02}"),
        IndexRotation::OneDay => format!("{index}-{year:04}-{month:02}-{day:02}"),
        IndexRotation::OneMonth => format!("{index}-{year:04}-{month:02}"),
        IndexRotation::OneWeek => {
            let (iso_year, week) = iso_week(days);
            format!("{index}-{iso_year:04}-w{week:02}")
        }
    }
}

/// ISO-8601 week-numbering year and week of a day count since 1970-01-01.
fn iso_week(days: u64) -> (u64, u64) {
    let weekday = (days + 3) % 7 + 1; // 1970-01-01 was a Thursday (4); Monday = 1
    // The Thursday of this ISO week (clamped at 1970-01-01 for the first days of the epoch).
    let thursday = (days + 4).saturating_sub(weekday);
    let (year, _, _) = civil_from_days(thursday);
    let jan1 = days_from_civil(year, 1, 1);
    (year, (thursday - jan1) / 7 + 1)
}

fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Record format conversion's input rules: one JSON object whose schema columns have the right types.
fn check_schema(conversion: &FormatConversion, data: &[u8]) -> Result<(), String> {
    let text = core::str::from_utf8(data).map_err(|_| "The record is not UTF-8 JSON.".to_string())?;
    let value = Json::parse(text.trim_end()).ok_or_else(|| "The record is not one JSON object.".to_string())?;
    if !matches!(value, Json::Object(_)) {
        return Err("The record is JSON but not an object (arrays are not accepted).".into());
    }
    for (column, kind) in &conversion.columns {
        let Some(v) = value.get(column) else { continue };
        let ok = matches!(
            (kind, v),
            (_, Json::Null)
                | (ColumnType::String, Json::String(_))
                | (ColumnType::Boolean, Json::Bool(_))
                | (ColumnType::Double, Json::Number(_))
        ) || (*kind == ColumnType::Int && matches!(v, Json::Number(n) if n.parse::<i64>().is_ok()));
        if !ok {
            return Err(format!("Column '{column}' expects {kind:?} but the record has {}.", v.to_json()));
        }
    }
    Ok(())
}

/// The modelled size of a Parquet/ORC object: each column's values stored together and Snappy-compressed,
/// plus a header and a footer holding the schema.
fn converted_len(conversion: &FormatConversion, records: &[FirehoseRecord]) -> u64 {
    let values: Vec<Json> = records
        .iter()
        .filter_map(|r| core::str::from_utf8(&r.data).ok().and_then(|t| Json::parse(t.trim_end())))
        .collect();
    let mut total = 8; // magic bytes at both ends ("PAR1" / "ORC" + postscript)
    for column in conversion.columns.keys() {
        let mut bytes = Vec::new();
        for v in &values {
            if let Some(x) = v.get(column) {
                bytes.extend_from_slice(x.as_text().as_bytes());
            }
        }
        total += super::compress::snappy_compress(&bytes).len() as u64 + 24;
        total += column.len() as u64 + 16;
    }
    total + 64
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn billing_rounds_each_record_up_to_5_kb() {
        // `docs/aws-behaviour.md` §7: 3 KB -> 5 KB, 12 KB -> 15 KB; two 1 KB records in one batch = 10 KB.
        assert_eq!(billed_bytes_of(3 * 1_024), 5 * 1_024);
        assert_eq!(billed_bytes_of(12 * 1_024), 15 * 1_024);
        assert_eq!(billed_bytes_of(1_024) + billed_bytes_of(1_024), 10 * 1_024);
        assert_eq!(billed_bytes_of(5_120), 5_120);
        assert_eq!(billed_bytes_of(5_121), 10_240);
        assert_eq!(billed_bytes_of(0), 5_120);
    }

    #[test]
    fn index_rotation_suffixes_match_the_guide() {
        // `docs/aws-behaviour.md` §5.8: 2016-02-25 13:xx gives myindex-2016-02-25-13, -2016-02-25, -2016-w08, -2016-02.
        let ms = (days_from_civil(2016, 2, 25) * 86_400 + 13 * 3_600 + 5) * 1_000;
        assert_eq!(rotated_index("myindex", IndexRotation::OneHour, ms), "myindex-2016-02-25-13");
        assert_eq!(rotated_index("myindex", IndexRotation::OneDay, ms), "myindex-2016-02-25");
        assert_eq!(rotated_index("myindex", IndexRotation::OneWeek, ms), "myindex-2016-w08");
        assert_eq!(rotated_index("myindex", IndexRotation::OneMonth, ms), "myindex-2016-02");
        assert_eq!(rotated_index("myindex", IndexRotation::NoRotation, ms), "myindex");
        // 2021-01-01 (a Friday) is in ISO week 53 of 2020.
        assert_eq!(iso_week(days_from_civil(2021, 1, 1)), (2020, 53));
    }
}
