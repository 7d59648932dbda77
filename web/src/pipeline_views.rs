//! Firehose delivery streams and Analytics applications as the page draws them: plain data computed from
//! the [`Simulation`], with every number already in words where the page needs words. No DOM here, so it
//! is tested natively; the components in [`crate::components`] (`FirehosePanel`, `AnalyticsPanel`) only
//! draw these structs.

use crate::format::{bytes_size, clock, count, thousands};
use crate::runner::CHART_SECONDS;
use shardlab_analytics::{Dialect, SourceColumn, SourceSchema, SqlType, StreamRole, format_timestamp};
use shardlab_engine::Simulation;
use shardlab_engine::analytics_app::{AnalyticsApp, SqlDialect};
use shardlab_engine::firehose::delivery::{AttemptOutcome, FlushReason, ObjectKind, S3Object};
use shardlab_engine::firehose::{DeliveryStream, DestinationKind, Source};
use std::collections::{BTreeMap, VecDeque};

/// S3 objects a delivery stream lists, newest first.
pub const OBJECTS_SHOWN_MAX: usize = 50;
/// Objects (newest first) whose content is decompressed for a preview; older ones only list their figures.
pub const PREVIEWS_MAX: usize = 10;
/// Characters of a content preview.
pub const PREVIEW_CHARS_MAX: usize = 500;
/// Destination requests listed, newest first.
pub const REQUESTS_SHOWN_MAX: usize = 50;
/// Emitted rows shown per in-application stream (the newest).
pub const ROWS_SHOWN_MAX: usize = 20;

/// Which hint flushes a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlushBy {
    /// The size hint (`SizeInMBs`, or the processor's `BufferSizeInMBs`).
    Size,
    /// The interval hint (`IntervalInSeconds`).
    Interval,
}

impl From<FlushReason> for FlushBy {
    fn from(reason: FlushReason) -> Self {
        match reason {
            FlushReason::Size => Self::Size,
            FlushReason::Interval => Self::Interval,
        }
    }
}

/// One buffer against both of its hints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BufferFill {
    /// "Transform (Lambda) buffer", "Buffer", or "Partition kind=click".
    pub label: String,
    /// Whether it is the Lambda processor's buffer (in front of the transform).
    pub processor: bool,
    /// Records held.
    pub records: u32,
    /// Bytes held (before compression).
    pub bytes: u64,
    /// The size hint, bytes.
    pub size_hint_bytes: u64,
    /// How long its oldest record has waited, ms.
    pub age_ms: u64,
    /// The interval hint, ms.
    pub interval_ms: u64,
    /// When the interval flushes it unless the size does first, ms from now.
    pub flushes_in_ms: u64,
    /// The hint that will likely flush it first, at the rate it has filled so far.
    pub next_flush: FlushBy,
    /// At that rate, when it flushes, ms from now (`None` while it is empty).
    pub expected_in_ms: Option<u64>,
    /// Bytes against the size hint, in thousandths (at most 1,000).
    pub size_permille: u32,
    /// Age against the interval hint, in thousandths (at most 1,000).
    pub age_permille: u32,
    /// The sentence under the bar: "flushes in 37 s or at 1.0 MiB (418.6 KiB to go)".
    pub words: String,
    /// The forecast in words: "at this rate, by size in about 21 s".
    pub forecast: String,
}

/// The transform's results so far (the Lambda contract's three results).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransformCounts {
    /// `Ok`.
    pub ok: u64,
    /// `Dropped`.
    pub dropped: u64,
    /// `ProcessingFailed` (including records of invocations that failed after their retries).
    pub processing_failed: u64,
    /// Invocations, retries included.
    pub invocations: u64,
    /// Invocations that failed (timeout, broken contract).
    pub invocation_failures: u64,
}

/// What became of every record (incoming = the sum of all but `duplicates` and `throttled`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordFates {
    /// Accepted (Direct PUT) or read from the data stream.
    pub incoming: u64,
    /// Refused by the Direct PUT quota (never entered).
    pub throttled: u64,
    /// Delivered once.
    pub delivered: u64,
    /// Extra copies the destination received (at-least-once retries after a timeout).
    pub duplicates: u64,
    /// Still in a buffer or a pending delivery.
    pub buffered: u64,
    /// Dropped by the transform.
    pub dropped: u64,
    /// Failed processing, written under the error prefix.
    pub processing_failed: u64,
    /// Refused by dynamic partitioning.
    pub partitioning_failed: u64,
    /// Refused by format conversion.
    pub conversion_failed: u64,
    /// Given up after the retry duration and written to the S3 backup.
    pub backed_up: u64,
    /// Lost after S3 was down longer than Firehose keeps data.
    pub expired: u64,
}

/// The destination's scheduled faults as they stand now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DestinationState {
    /// Attempts succeed.
    #[default]
    Healthy,
    /// Every attempt fails, for this much longer.
    Down {
        /// ms until the outage ends.
        remaining_ms: u64,
    },
    /// Attempts take longer, for this much longer.
    Slow {
        /// Extra latency per attempt, ms.
        delay_ms: u64,
        /// ms until the slowdown ends.
        remaining_ms: u64,
    },
}

/// The destination's type, for icons and headings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DestinationType {
    /// Amazon S3.
    S3,
    /// Amazon Redshift (COPY from intermediate S3 objects).
    Redshift,
    /// Amazon OpenSearch Service.
    OpenSearch,
    /// An HTTP endpoint.
    Http,
    /// Splunk HEC.
    Splunk,
}

/// An S3 object as the destination list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectView {
    /// Its full key.
    pub key: String,
    /// "data", "intermediate (for COPY)", "backup", "error" or "error manifest".
    pub kind: &'static str,
    /// The error output type of an error object (`processing-failed`, `http-endpoint-failed`, ...).
    pub error_output_type: Option<&'static str>,
    /// Records in it.
    pub records: u32,
    /// Size before compression.
    pub uncompressed_bytes: u64,
    /// Size as stored.
    pub stored_bytes: u64,
    /// `GZIP`, `Snappy`, `UNCOMPRESSED` ...
    pub compression: &'static str,
    /// When it was written, simulated ms.
    pub written_ms: u64,
    /// Arrival of its oldest record, simulated ms.
    pub first_arrival_ms: u64,
    /// Arrival of its newest record, simulated ms.
    pub last_arrival_ms: u64,
    /// Which hint flushed it (data and intermediate objects).
    pub flushed_by: Option<FlushBy>,
    /// Its content, decompressed, as text (cut to [`PREVIEW_CHARS_MAX`] characters).
    pub preview: Option<String>,
    /// Why there is no preview, when there is none.
    pub preview_note: Option<&'static str>,
}

/// A request to the destination (OpenSearch bulk, HTTP, Splunk, Redshift COPY).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestView {
    /// `X-Amz-Firehose-Request-Id`, or the COPY's object key.
    pub request_id: String,
    /// When it was sent, simulated ms.
    pub at_ms: u64,
    /// Which attempt, from 1.
    pub attempt: u32,
    /// Records (rows, documents, events) in it.
    pub records: u32,
    /// Body bytes.
    pub bytes: u64,
    /// The index or table.
    pub target: Option<String>,
    /// The error code, if the attempt failed.
    pub error_code: Option<&'static str>,
    /// The destination kept the data although the attempt failed (a timeout): its retry is a duplicate.
    pub received: bool,
    /// The body as text, cut to [`PREVIEW_CHARS_MAX`] characters.
    pub body_preview: Option<String>,
}

/// Per-second series of one delivery stream, the last [`CHART_SECONDS`] complete seconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FirehoseCharts {
    /// The second of the last value.
    pub end_second: u64,
    /// `IncomingBytes`.
    pub incoming_bytes: Vec<f64>,
    /// `DeliveryTo*.Bytes`.
    pub delivered_bytes: Vec<f64>,
    /// `DeliveryTo*.Records`.
    pub delivered_records: Vec<f64>,
    /// `DeliveryTo*.DataFreshness`, ms.
    pub data_freshness_ms: Vec<f64>,
    /// Bytes held in buffers at each second, from a [`BufferSampler`] (empty without one).
    pub buffered_bytes: Vec<f64>,
    /// Delivery attempts that ended in each second: delivered, failed (to be retried), given up.
    pub attempts_delivered: Vec<f64>,
    /// See [`Self::attempts_delivered`].
    pub attempts_failed: Vec<f64>,
    /// See [`Self::attempts_delivered`].
    pub attempts_given_up: Vec<f64>,
}

/// One delivery stream as the page draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct FirehoseView {
    /// Its name.
    pub name: String,
    /// `ACTIVE`, `CREATING`, `DELETING`.
    pub status: &'static str,
    /// "Kinesis data stream clicks" or "Direct PUT".
    pub source: String,
    /// The destination's type.
    pub destination_type: DestinationType,
    /// The destination in words: "Amazon S3 bucket lake, prefix clicks/, GZIP".
    pub destination: String,
    /// The processor buffer (with a transform) and every destination buffer (an empty one when none holds
    /// records and there is no dynamic partitioning).
    pub buffers: Vec<BufferFill>,
    /// The transform's results, if a transform is configured.
    pub transform: Option<TransformCounts>,
    /// Every record's fate.
    pub fates: RecordFates,
    /// Scheduled faults now.
    pub health: DestinationState,
    /// The error code of the latest failed attempt, while the latest attempt failed.
    pub last_error: Option<&'static str>,
    /// S3 objects written (data, intermediate, backup, errors), newest first, at most [`OBJECTS_SHOWN_MAX`].
    pub objects: Vec<ObjectView>,
    /// S3 objects written in all that the stream still lists.
    pub objects_total: u64,
    /// Requests to the destination, newest first, at most [`REQUESTS_SHOWN_MAX`].
    pub requests: Vec<RequestView>,
    /// Requests in all that the stream still lists.
    pub requests_total: u64,
    /// Rows Redshift loaded.
    pub redshift_rows: u64,
    /// Documents (OpenSearch), events (Splunk) or records (HTTP) accepted by successful requests.
    pub documents: u64,
    /// The charts.
    pub charts: FirehoseCharts,
}

impl FirehoseView {
    /// The canvas node's live figure and state class (`""`, `"near"`, `"over"`): "56.8 KiB buffered · 16
    /// objects", "over" while the destination is down, "near" while it is slow or the last attempt failed.
    pub fn canvas_figure(&self) -> (String, &'static str) {
        let buffered: u64 = self.buffers.iter().map(|b| b.bytes).sum();
        let delivered = match self.destination_type {
            DestinationType::S3 => count(self.objects_total, "object", "objects"),
            DestinationType::Redshift => count(self.redshift_rows, "row", "rows"),
            _ => format!("{} delivered", thousands(self.fates.delivered)),
        };
        let state = match self.health {
            DestinationState::Down { .. } => "over",
            DestinationState::Slow { .. } => "near",
            DestinationState::Healthy if self.last_error.is_some() => "near",
            DestinationState::Healthy => "",
        };
        (format!("{} buffered · {delivered}", bytes_size(buffered)), state)
    }
}

fn permille(part: u64, whole: u64) -> u32 {
    if whole == 0 {
        return 1_000;
    }
    (u128::from(part) * 1_000 / u128::from(whole)).min(1_000) as u32
}

/// Seconds for people: `37 s`, `2 min 5 s`.
pub fn seconds_text(ms: u64) -> String {
    let s = ms.div_ceil(1_000);
    if s < 120 { format!("{s} s") } else { format!("{} min {} s", s / 60, s % 60) }
}

fn buffer_fill(label: String, processor: bool, view: &shardlab_engine::firehose::delivery::BufferView) -> BufferFill {
    let size = view.size_hint_bytes;
    let to_go = size.saturating_sub(view.bytes);
    let next_flush = FlushBy::from(view.next_flush);
    let (words, expected_in_ms, forecast) = if view.interval_ms == 0 {
        ("flushes at once (interval 0 s)".to_string(), Some(0), String::new())
    } else if view.records == 0 {
        (
            format!(
                "empty: flushes {} after the first record, or at {}",
                seconds_text(view.interval_ms),
                bytes_size(size)
            ),
            None,
            String::new(),
        )
    } else {
        let words = format!(
            "flushes in {} or at {} ({} to go)",
            seconds_text(view.flushes_in_ms),
            bytes_size(size),
            bytes_size(to_go)
        );
        // At the rate it has filled so far (bytes over age), the size hint is reached in age × to_go / bytes.
        let by_size_ms = if view.age_ms == 0 || view.bytes == 0 {
            None
        } else {
            Some((u128::from(view.age_ms) * u128::from(to_go) / u128::from(view.bytes)) as u64)
        };
        let (expected, forecast) = match (next_flush, by_size_ms) {
            (FlushBy::Size, Some(ms)) if to_go == 0 => (ms, "full: flushing by size now".to_string()),
            (FlushBy::Size, Some(ms)) => (ms, format!("at this rate, by size in about {}", seconds_text(ms))),
            _ => (view.flushes_in_ms, format!("at this rate, by time in {}", seconds_text(view.flushes_in_ms))),
        };
        (words, Some(expected), forecast)
    };
    BufferFill {
        label,
        processor,
        records: view.records,
        bytes: view.bytes,
        size_hint_bytes: size,
        age_ms: view.age_ms,
        interval_ms: view.interval_ms,
        flushes_in_ms: view.flushes_in_ms,
        next_flush,
        expected_in_ms,
        size_permille: permille(view.bytes, size),
        age_permille: permille(view.age_ms, view.interval_ms),
        words,
        forecast,
    }
}

/// Text for people from bytes that may be binary: printable UTF-8 as it is, anything else as base64; cut
/// to [`PREVIEW_CHARS_MAX`] characters with an ellipsis.
pub fn preview_text(data: &[u8]) -> String {
    use base64::Engine;
    let text = std::str::from_utf8(data)
        .ok()
        .filter(|t| !t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')));
    match text {
        Some(t) if t.chars().count() > PREVIEW_CHARS_MAX => {
            format!("{}…", t.chars().take(PREVIEW_CHARS_MAX).collect::<String>())
        }
        Some(t) => t.to_string(),
        None => {
            let shown = &data[..data.len().min(300)];
            let encoded = base64::engine::general_purpose::STANDARD.encode(shown);
            format!("binary, as base64: {encoded}{}", if data.len() > shown.len() { "…" } else { "" })
        }
    }
}

/// An object's preview, or why it has none.
pub type Preview = (Option<String>, Option<&'static str>);

/// The decompressed content of `object` as text, or why there is none.
pub fn object_preview(object: &S3Object) -> Preview {
    if object.content.is_none() {
        return (None, Some("content not kept (over 1 MiB)"));
    }
    match object.decompressed() {
        Some(bytes) => (Some(preview_text(&bytes)), None),
        None => (None, Some("content could not be decompressed")),
    }
}

fn object_view(object: &S3Object, epoch_unix_ms: u64, preview: Option<Preview>) -> ObjectView {
    let (preview, preview_note) = preview.unwrap_or((None, Some("preview kept for the newest objects only")));
    ObjectView {
        key: object.key.clone(),
        kind: match object.kind {
            ObjectKind::Data => "data",
            ObjectKind::Intermediate => "intermediate (for COPY)",
            ObjectKind::Backup => "backup",
            ObjectKind::Error => "error",
            ObjectKind::ErrorManifest => "error manifest",
        },
        error_output_type: object.error_output_type,
        records: object.records,
        uncompressed_bytes: object.uncompressed_bytes,
        stored_bytes: object.stored_bytes,
        compression: object.compression.aws_name(),
        written_ms: object.written_unix_ms.saturating_sub(epoch_unix_ms),
        first_arrival_ms: object.first_arrival_unix_ms.saturating_sub(epoch_unix_ms),
        last_arrival_ms: object.last_arrival_unix_ms.saturating_sub(epoch_unix_ms),
        flushed_by: object.flush_reason.map(FlushBy::from),
        preview,
        preview_note,
    }
}

fn bucket_of(arn: &str) -> &str {
    arn.strip_prefix("arn:aws:s3:::").unwrap_or(arn)
}

fn destination_words(stream: &DeliveryStream) -> (DestinationType, String) {
    let d = &stream.config.destination;
    let s3 = &d.s3;
    match &d.kind {
        DestinationKind::S3 => {
            let mut words = format!("Amazon S3 bucket {}", bucket_of(&s3.bucket_arn));
            if let Some(prefix) = &s3.prefix {
                words.push_str(&format!(", prefix {prefix}"));
            }
            words.push_str(&format!(", {}", s3.compression.aws_name()));
            (DestinationType::S3, words)
        }
        DestinationKind::Redshift { table } => (
            DestinationType::Redshift,
            format!("Amazon Redshift table {table}, loaded by COPY from bucket {}", bucket_of(&s3.bucket_arn)),
        ),
        DestinationKind::OpenSearch { index_name, rotation } => (
            DestinationType::OpenSearch,
            format!("Amazon OpenSearch Service index {index_name} (rotation {})", rotation.aws_name()),
        ),
        DestinationKind::HttpEndpoint { url, gzip } => {
            (DestinationType::Http, format!("HTTP endpoint {url}{}", if *gzip { " (GZIP bodies)" } else { "" }))
        }
        DestinationKind::Splunk { hec_endpoint, ack_timeout_secs } => (
            DestinationType::Splunk,
            format!("Splunk HEC {hec_endpoint} (acknowledgement timeout {ack_timeout_secs} s)"),
        ),
    }
}

/// Every delivery stream of the run, in name order. `buffers` adds the buffer-fill series, if the page keeps
/// a [`BufferSampler`]. Each call decompresses the newest objects for their previews: a page that draws
/// every frame should use a [`FirehoseWatch`], which keeps them.
pub fn firehose_views(sim: &Simulation, buffers: Option<&BufferSampler>) -> Vec<FirehoseView> {
    sim.firehose().delivery_streams().map(|stream| firehose_view(sim, stream, buffers, &mut object_preview)).collect()
}

/// One delivery stream; `preview` gives the newest objects' previews.
pub fn firehose_view(
    sim: &Simulation,
    stream: &DeliveryStream,
    buffers: Option<&BufferSampler>,
    preview: &mut dyn FnMut(&S3Object) -> Preview,
) -> FirehoseView {
    let now = sim.now();
    let epoch = sim.config().epoch_unix_ms;
    let config = &stream.config;
    let source = match &config.source {
        Source::DirectPut if config.feeds.is_empty() => "Direct PUT".to_string(),
        Source::DirectPut => {
            let records_per_sec: u64 = config.feeds.iter().map(|f| u64::from(f.records_per_sec)).sum();
            format!("Direct PUT (PutRecordBatch, {} records/s)", thousands(records_per_sec))
        }
        Source::KinesisStream { stream_name } => format!("Kinesis data stream {stream_name}"),
    };
    let (destination_type, destination) = destination_words(stream);
    let views = stream.buffer_views(now);
    let mut fills: Vec<BufferFill> = views
        .iter()
        .map(|v| {
            let processor = v.partition == "processor" && config.processing.is_some();
            let label = if processor {
                "Transform (Lambda) buffer".to_string()
            } else if v.partition.is_empty() {
                "Buffer".to_string()
            } else {
                format!("Partition {}", v.partition)
            };
            buffer_fill(label, processor, v)
        })
        .collect();
    if !fills.iter().any(|f| !f.processor) && config.destination.dynamic_partitioning.is_none() {
        let hints = config.destination.hints();
        let interval_ms = u64::from(hints.interval_secs) * 1_000;
        let empty = shardlab_engine::firehose::delivery::BufferView {
            partition: String::new(),
            records: 0,
            bytes: 0,
            size_hint_bytes: u64::from(hints.size_mib) << 20,
            age_ms: 0,
            interval_ms,
            flushes_in_ms: interval_ms,
            next_flush: FlushReason::Interval,
        };
        fills.push(buffer_fill("Buffer".into(), false, &empty));
    }
    let t = &stream.totals;
    let transform = config.processing.as_ref().map(|_| TransformCounts {
        ok: t.transform_ok_records,
        dropped: t.dropped_records,
        processing_failed: t.processing_failed_records,
        invocations: t.invocations,
        invocation_failures: t.invocation_failures,
    });
    let fates = RecordFates {
        incoming: t.incoming_records,
        throttled: t.throttled_records,
        delivered: t.delivered_records,
        duplicates: t.duplicate_records,
        buffered: stream.buffered_records(),
        dropped: t.dropped_records,
        processing_failed: t.processing_failed_records,
        partitioning_failed: t.partitioning_failed_records,
        conversion_failed: t.conversion_failed_records,
        backed_up: t.backed_up_failed_records,
        expired: t.expired_records,
    };
    let h = &stream.health;
    let health = if h.down_until > now {
        DestinationState::Down { remaining_ms: h.down_until.saturating_since(now).as_millis() }
    } else if h.slow_until > now {
        DestinationState::Slow {
            delay_ms: h.slow_delay_ms,
            remaining_ms: h.slow_until.saturating_since(now).as_millis(),
        }
    } else {
        DestinationState::Healthy
    };
    let objects = stream
        .s3_objects
        .iter()
        .rev()
        .take(OBJECTS_SHOWN_MAX)
        .enumerate()
        .map(|(i, o)| object_view(o, epoch, (i < PREVIEWS_MAX).then(|| preview(o))))
        .collect();
    let requests = stream
        .requests
        .iter()
        .rev()
        .take(REQUESTS_SHOWN_MAX)
        .map(|r| RequestView {
            request_id: r.request_id.clone(),
            at_ms: r.at_unix_ms.saturating_sub(epoch),
            attempt: r.attempt,
            records: r.records,
            bytes: r.bytes,
            target: r.target.clone(),
            error_code: r.error_code,
            received: r.received,
            body_preview: r.body.as_deref().map(preview_text),
        })
        .collect();
    let documents = stream.requests.iter().filter(|r| r.error_code.is_none()).map(|r| u64::from(r.records)).sum();
    let last_error = stream.requests.back().and_then(|r| r.error_code);
    FirehoseView {
        name: config.name.clone(),
        status: stream.status.aws_name(),
        source,
        destination_type,
        destination,
        buffers: fills,
        transform,
        fates,
        health,
        last_error,
        objects,
        objects_total: stream.s3_objects.len() as u64,
        requests,
        requests_total: stream.requests.len() as u64,
        redshift_rows: stream.redshift_rows,
        documents,
        charts: firehose_charts(sim, stream, buffers),
    }
}

fn firehose_charts(sim: &Simulation, stream: &DeliveryStream, buffers: Option<&BufferSampler>) -> FirehoseCharts {
    let Some(end) = sim.now().as_secs().checked_sub(1) else { return FirehoseCharts::default() };
    let first = end.saturating_sub(CHART_SECONDS - 1);
    let mut charts = FirehoseCharts { end_second: end, ..FirehoseCharts::default() };
    for second in first..=end {
        let b = stream.metrics.second(second);
        charts.incoming_bytes.push(b.incoming_bytes as f64);
        charts.delivered_bytes.push(b.delivery_bytes as f64);
        charts.delivered_records.push(b.delivery_records as f64);
        charts.data_freshness_ms.push(b.data_freshness_ms as f64);
    }
    if let Some(sampler) = buffers {
        charts.buffered_bytes = sampler.series(&stream.config.name, first, end);
    }
    let seconds = (end - first + 1) as usize;
    charts.attempts_delivered = vec![0.0; seconds];
    charts.attempts_failed = vec![0.0; seconds];
    charts.attempts_given_up = vec![0.0; seconds];
    for attempt in stream.attempts() {
        let second = attempt.at.as_secs();
        if !(first..=end).contains(&second) {
            continue;
        }
        let series = match attempt.outcome {
            AttemptOutcome::Delivered => &mut charts.attempts_delivered,
            AttemptOutcome::Failed(_) => &mut charts.attempts_failed,
            AttemptOutcome::GaveUp(_) => &mut charts.attempts_given_up,
        };
        series[(second - first) as usize] += 1.0;
    }
    charts
}

/// Samples of each delivery stream's buffered bytes, one per simulated second, for the buffer-fill chart
/// (the engine keeps no history of its buffers). The page keeps one, calls [`Self::sample`] after each
/// advance, and passes it to [`firehose_views`]. Seconds it did not see repeat the previous sample.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BufferSampler {
    samples: BTreeMap<String, VecDeque<(u64, u64)>>,
}

impl BufferSampler {
    /// Records the buffered bytes of every delivery stream at the simulation's current second. A run that
    /// went back in time (a restart) starts the samples again.
    pub fn sample(&mut self, sim: &Simulation) {
        let now = sim.now();
        let second = now.as_secs();
        let names: Vec<&str> = sim.firehose().delivery_streams().map(|s| s.config.name.as_str()).collect();
        self.samples.retain(|name, _| names.contains(&name.as_str()));
        for stream in sim.firehose().delivery_streams() {
            let bytes: u64 = stream.buffer_views(now).iter().map(|v| v.bytes).sum();
            let series = self.samples.entry(stream.config.name.clone()).or_default();
            if series.back().is_some_and(|(s, _)| *s > second) {
                series.clear();
            }
            match series.back_mut() {
                Some((s, b)) if *s == second => *b = bytes,
                _ => series.push_back((second, bytes)),
            }
            while series.len() > CHART_SECONDS as usize + 1 {
                series.pop_front();
            }
        }
    }

    /// The samples of `name` for seconds `first..=end`: the last sample at or before each second, 0 before
    /// the first.
    pub fn series(&self, name: &str, first: u64, end: u64) -> Vec<f64> {
        let Some(samples) = self.samples.get(name) else { return vec![0.0; (end + 1 - first) as usize] };
        (first..=end)
            .map(|second| samples.iter().rev().find(|(s, _)| *s <= second).map_or(0.0, |(_, b)| *b as f64))
            .collect()
    }
}

/// What the page keeps between frames for the Firehose panels: the buffer-fill samples and the previews of
/// the objects it shows (decompressed once each, by key). Call [`Self::sample`] after each advance and
/// [`Self::views`] to draw; call [`Self::reset`] when the run restarts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FirehoseWatch {
    /// The buffer-fill samples.
    pub sampler: BufferSampler,
    previews: BTreeMap<String, Preview>,
}

impl FirehoseWatch {
    /// Samples the buffers at the simulation's current second.
    pub fn sample(&mut self, sim: &Simulation) {
        self.sampler.sample(sim);
    }

    /// Every delivery stream, with previews computed only for objects not seen before.
    pub fn views(&mut self, sim: &Simulation) -> Vec<FirehoseView> {
        let mut used: BTreeMap<String, Preview> = BTreeMap::new();
        let previews = &mut self.previews;
        let views = sim
            .firehose()
            .delivery_streams()
            .map(|stream| {
                let mut cached = |object: &S3Object| {
                    let key = format!("{}/{}", stream.config.name, object.key);
                    let preview = previews.remove(&key).unwrap_or_else(|| object_preview(object));
                    used.insert(key, preview.clone());
                    preview
                };
                firehose_view(sim, stream, Some(&self.sampler), &mut cached)
            })
            .collect();
        // Only the objects shown now stay cached.
        self.previews = used;
        views
    }

    /// Forgets everything (a new run).
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

// ---------------------------------------------------------------------------------------------------------
// Analytics

/// The label of KDA SQL, which AWS retired.
pub const KDA_LABEL: &str = "Kinesis Data Analytics SQL: historical (retired January 2026)";
/// The label of Flink SQL.
pub const FLINK_LABEL: &str = "Flink SQL (Managed Service for Apache Flink)";

/// A window that has rows and has not fired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowView {
    /// The pump or query that owns it.
    pub query: String,
    /// Where its rows go.
    pub target: String,
    /// Start, as a simulated clock (`00:01:10`) or a timestamp for event times outside the run.
    pub start: String,
    /// End (exclusive), likewise.
    pub end: String,
    /// The partition, for stagger, session and sliding windows; empty for tumbling ones.
    pub key: String,
    /// Rows so far.
    pub rows: u64,
}

/// One emitted row as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowView {
    /// Its `ROWTIME` (KDA) or emission time (Flink), as a simulated clock.
    pub time: String,
    /// Its window, for Flink windowed rows: `00:00:10 – 00:00:20`.
    pub window: Option<String>,
    /// Its values, in column order, as text.
    pub values: Vec<String>,
}

/// An in-application stream (KDA), a sink table or a query's results (Flink) with its latest rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamRowsView {
    /// Its name.
    pub name: String,
    /// "in-application stream", "sink table", "query results".
    pub role: &'static str,
    /// Its column names.
    pub columns: Vec<String>,
    /// Rows it received in all.
    pub rows_total: u64,
    /// The newest rows, oldest first, at most [`ROWS_SHOWN_MAX`].
    pub rows: Vec<RowView>,
}

/// One SQL problem at a place in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlProblem {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, in characters.
    pub column: u32,
    /// What is wrong, and what was expected.
    pub message: String,
}

/// One Analytics application as the page draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalyticsView {
    /// Its name.
    pub name: String,
    /// Flink SQL (true) or KDA SQL (false).
    pub flink: bool,
    /// [`KDA_LABEL`] or [`FLINK_LABEL`].
    pub dialect_label: &'static str,
    /// The SQL it runs.
    pub sql: String,
    /// "running", "waiting for records to discover the input schema", or "stopped by SQL errors".
    pub status: &'static str,
    /// Problems the run met (SQL errors found once the schema was known, discovery failures).
    pub problems: Vec<String>,
    /// The input schema's columns with their SQL types (KDA: discovered from the stream's records).
    pub input_columns: Vec<(String, String)>,
    /// The input schema the editor checks against (KDA), once records exist to discover it from.
    pub schema: Option<SourceSchema>,
    /// Windows holding rows that have not fired.
    pub windows: Vec<WindowView>,
    /// Output streams and tables with their latest rows (error_stream only once it has rows).
    pub streams: Vec<StreamRowsView>,
    /// Records the SQL received.
    pub records_read: u64,
    /// Rows emitted in all.
    pub rows_total: u64,
    /// Rows that went to error_stream.
    pub error_rows: u64,
    /// Late records dropped, per query.
    pub late_dropped: Vec<(String, u64)>,
    /// Late records dropped in all.
    pub late_dropped_total: u64,
    /// "rows of DESTINATION_SQL_STREAM to data stream event-counts", if it has a destination.
    pub destination: Option<String>,
    /// Rows written to the destination stream.
    pub delivered: u64,
    /// PutRecord calls to the destination that were throttled.
    pub delivery_throttled: u64,
    /// The second of the last value of `rows_per_sec`.
    pub end_second: u64,
    /// Rows emitted per second, the last [`CHART_SECONDS`] complete seconds (by their time).
    pub rows_per_sec: Vec<f64>,
}

impl AnalyticsView {
    /// The canvas node's live figure and state class: "36 rows · 2 windows open", "over" when SQL errors
    /// stopped it, "near" while late records are being dropped.
    pub fn canvas_figure(&self) -> (String, &'static str) {
        if !self.problems.is_empty() || self.status == "stopped by SQL errors" {
            return ("SQL errors".to_string(), "over");
        }
        let open = self.windows.len();
        let figure =
            format!("{} · {} open", count(self.rows_total, "row", "rows"), count(open as u64, "window", "windows"));
        (figure, if self.late_dropped_total > 0 { "near" } else { "" })
    }
}

/// A Unix-ms time of the run as the page's clock shows it; a timestamp when outside the run's first 100 days.
fn run_time_text(unix_ms: i64, epoch_unix_ms: i64) -> String {
    let ms = unix_ms.saturating_sub(epoch_unix_ms);
    if (0..100 * 86_400_000).contains(&ms) { clock(ms as u64) } else { format_timestamp(unix_ms) }
}

fn dialect_of(flink: bool) -> Dialect {
    if flink { Dialect::Flink } else { Dialect::Kda }
}

/// The SQL's problems as the editor shows them, sorted by place. KDA columns are checked against `schema`;
/// without one (no records yet) only the syntax is checked.
pub fn sql_problems(sql: &str, flink: bool, schema: Option<&SourceSchema>) -> Vec<SqlProblem> {
    let dialect = dialect_of(flink);
    let errors = if !flink && schema.is_none() {
        shardlab_analytics::parse(sql, dialect).err().into_iter().collect()
    } else {
        shardlab_analytics::check(sql, dialect, schema)
    };
    errors.into_iter().map(|e| SqlProblem { line: e.pos.line, column: e.pos.column, message: e.message }).collect()
}

/// The input schema of the stream `stream_name`, discovered from its latest records (at most 100), as the
/// console's "Discover schema" does; `None` before any record.
pub fn discover_stream_schema(sim: &Simulation, stream_name: &str) -> Option<SourceSchema> {
    let shards = sim.stream_named(stream_name)?.shards();
    let per_shard = shardlab_analytics::DISCOVERY_SAMPLES_MAX / shards.len().max(1) + 1;
    let samples: Vec<Vec<u8>> = shards
        .iter()
        .flat_map(|shard| {
            let newest_first = shard.latest_position().saturating_sub(per_shard as u64);
            shard.records_from(newest_first).map(|r| r.data_bytes())
        })
        .take(shardlab_analytics::DISCOVERY_SAMPLES_MAX)
        .collect();
    if samples.is_empty() {
        return None;
    }
    shardlab_analytics::discover_schema_from_bytes(samples.iter().map(Vec::as_slice)).ok()
}

/// Every Analytics application of the run, in the scenario's order.
pub fn analytics_views(sim: &Simulation) -> Vec<AnalyticsView> {
    sim.analytics()
        .iter()
        .map(|app| {
            // Each KDA application that has not started discovers the schema of the stream it reads.
            let waiting = app.config.dialect == SqlDialect::Kda && app.application().is_none();
            let discovered = waiting.then(|| discover_stream_schema(sim, &app.config.stream_name)).flatten();
            analytics_view(sim, app, discovered.as_ref())
        })
        .collect()
}

/// One application. `discovered` is the stream's schema for a KDA application that has not started yet.
pub fn analytics_view(sim: &Simulation, app: &AnalyticsApp, discovered: Option<&SourceSchema>) -> AnalyticsView {
    let epoch = i64::try_from(sim.config().epoch_unix_ms).unwrap_or(i64::MAX);
    let flink = app.config.dialect == SqlDialect::Flink;
    let running = app.application();
    let status = match running {
        Some(_) => "running",
        None if !app.problems.is_empty() => "stopped by SQL errors",
        None if flink => "stopped by SQL errors",
        None => "waiting for records to discover the input schema",
    };
    let mut input_columns = Vec::new();
    let mut streams = Vec::new();
    let mut windows = Vec::new();
    let (mut records_read, mut error_rows, mut late_dropped) = (0, 0, Vec::new());
    let mut schema = if flink { None } else { discovered.cloned() };
    if let Some(sql_app) = running {
        for view in sql_app.streams() {
            let columns: Vec<String> = view.columns.iter().map(|(c, _)| c.clone()).collect();
            let role = match view.role {
                StreamRole::Input => {
                    input_columns.extend(view.columns.iter().map(|(c, t)| (c.clone(), t.name().to_string())));
                    if !flink && view.name == shardlab_analytics::KDA_SOURCE_STREAM {
                        schema = Some(schema_of(view.columns));
                    }
                    continue;
                }
                StreamRole::InApplication => "in-application stream",
                StreamRole::Sink => "sink table",
                StreamRole::Results => "query results",
            };
            if view.name == "error_stream" && view.rows_total == 0 {
                continue;
            }
            let skip = view.recent.len().saturating_sub(ROWS_SHOWN_MAX);
            let rows = view
                .recent
                .iter()
                .skip(skip)
                .map(|row| RowView {
                    time: run_time_text(row.rowtime_ms, epoch),
                    window: row
                        .window_ms
                        .map(|(s, e)| format!("{} – {}", run_time_text(s, epoch), run_time_text(e, epoch))),
                    values: row.values.iter().map(ToString::to_string).collect(),
                })
                .collect();
            streams.push(StreamRowsView {
                name: view.name.to_string(),
                role,
                columns,
                rows_total: view.rows_total,
                rows,
            });
        }
        windows = sql_app
            .open_windows()
            .into_iter()
            .map(|w| WindowView {
                start: run_time_text(w.start_ms, epoch),
                end: run_time_text(w.end_ms, epoch),
                query: w.query,
                target: w.target,
                key: w.key,
                rows: w.rows,
            })
            .collect();
        let stats = sql_app.stats();
        records_read = stats.records_in;
        error_rows = stats.errors;
        late_dropped = stats.late_records_dropped;
    } else if let Some(s) = &schema {
        input_columns = s.columns.iter().map(|c| (c.name.clone(), c.sql_type.name().to_string())).collect();
    }
    let late_dropped_total = late_dropped.iter().map(|(_, n)| n).sum();
    let end = sim.now().as_secs().checked_sub(1);
    let rows_per_sec = match end {
        None => Vec::new(),
        Some(end) => {
            let first = end.saturating_sub(CHART_SECONDS - 1);
            let mut counts = vec![0.0; (end - first + 1) as usize];
            for row in &app.rows {
                let second = row.rowtime_ms.saturating_sub(epoch).div_euclid(1_000);
                if let Ok(s) = u64::try_from(second)
                    && (first..=end).contains(&s)
                {
                    counts[(s - first) as usize] += 1.0;
                }
            }
            counts
        }
    };
    AnalyticsView {
        name: app.config.name.clone(),
        flink,
        dialect_label: if flink { FLINK_LABEL } else { KDA_LABEL },
        sql: app.config.sql.clone(),
        status,
        problems: app.problems.clone(),
        input_columns,
        schema,
        windows,
        streams,
        records_read,
        rows_total: app.rows_total,
        error_rows,
        late_dropped,
        late_dropped_total,
        destination: app
            .config
            .destination
            .as_ref()
            .map(|d| format!("rows of {} to data stream {}", d.from, d.stream_name)),
        delivered: app.delivered,
        delivery_throttled: app.delivery_throttled,
        end_second: end.unwrap_or(0),
        rows_per_sec,
    }
}

/// A schema with the running application's input columns (the editor checks names and types only).
fn schema_of(columns: &[(String, SqlType)]) -> SourceSchema {
    SourceSchema {
        format: shardlab_analytics::RecordFormat::Json,
        columns: columns
            .iter()
            .map(|(name, sql_type)| SourceColumn {
                name: name.clone(),
                sql_type: *sql_type,
                mapping: format!("$.{name}"),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
