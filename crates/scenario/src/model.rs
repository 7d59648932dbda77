//! The scenario's node parameters: plain data of our own, so the format stays stable when engine types change.
//!
//! Share links encode fields by position and enum variants by index: any change to these types, even an added
//! variant, needs a new format version (see ARCHITECTURE.md, "Scenarios").

use alloc::string::String;
use serde::{Deserialize, Serialize};

/// Defines a fieldless enum whose variants are the choices of an inspector field.
/// Each variant's text is its JSON name and what the inspector shows and accepts.
macro_rules! choice_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every choice, in the order the inspector lists them.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];
            /// The choices' texts, in the same order.
            pub const NAMES: &'static [&'static str] = &[$($text,)+];

            /// The choice's text.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// The choice with this text, if there is one.
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|choice| choice.as_str() == text)
            }
        }
    };
}

choice_enum! {
    /// How a producer's client sends records.
    ClientKind {
        /// One PutRecord call per record (an AWS SDK loop).
        PutRecord = "put_record",
        /// PutRecords batches.
        PutRecords = "put_records",
        /// The Kinesis Producer Library: aggregation and collection.
        Kpl = "kpl",
    }
}

choice_enum! {
    /// How a producer's rate changes over time.
    RateShape {
        /// The same rate throughout.
        Constant = "constant",
        /// The base rate, then the second rate from the change time on.
        Step = "step",
        /// A linear change from the base rate to the second rate over the change duration.
        Ramp = "ramp",
        /// The base rate with a burst at the second rate for the change duration.
        Spike = "spike",
        /// A sine wave around the base rate, swinging by the second rate, with the change duration as period.
        Sine = "sine",
    }
}

choice_enum! {
    /// Which partition keys a producer's records carry.
    KeyDistribution {
        /// `user-0` … `user-<n-1>`, equally likely.
        Uniform = "uniform",
        /// `user-0` … with Zipf weights: a few keys are hot.
        Zipf = "zipf",
        /// One key takes a set share of the records; the rest spread evenly.
        HotKey = "hot_key",
        /// A fresh random UUID per record.
        RandomUuid = "random_uuid",
        /// A random explicit hash key per record.
        ExplicitHashKey = "explicit_hash_key",
    }
}

choice_enum! {
    /// What a producer's records contain.
    PayloadKind {
        /// Zero bytes of the record size: size without content.
        Zeros = "zeros",
        /// Website events as JSON.
        Clickstream = "clickstream",
        /// Sensor readings as JSON.
        IotTelemetry = "iot_telemetry",
        /// Application log lines.
        ApplicationLog = "application_log",
    }
}

choice_enum! {
    /// A data stream's capacity mode.
    CapacityMode {
        /// A fixed shard count, changed by resharding.
        Provisioned = "provisioned",
        /// AWS adds shards as traffic grows.
        OnDemand = "on_demand",
    }
}

choice_enum! {
    /// How a consumer reads.
    ConsumerStyle {
        /// An SDK loop calling GetRecords on every shard.
        Polling = "polling",
        /// A KCL application with workers, leases and checkpoints.
        Kcl = "kcl",
        /// Enhanced fan-out: a registered consumer with its own 2 MiB/s per shard.
        EnhancedFanOut = "enhanced_fan_out",
        /// A Lambda event source mapping.
        Lambda = "lambda",
    }
}

choice_enum! {
    /// Where a reader without a checkpoint starts.
    StartPosition {
        /// The oldest record kept (`TRIM_HORIZON`).
        TrimHorizon = "TRIM_HORIZON",
        /// Only records written from then on (`LATEST`).
        Latest = "LATEST",
        /// The first record that arrived at or after a time (`AT_TIMESTAMP`): consumers only.
        AtTimestamp = "AT_TIMESTAMP",
    }
}

choice_enum! {
    /// What a consumer skips as already processed (an idempotent consumer).
    DeduplicateBy {
        /// Nothing: every copy is processed again.
        None = "none",
        /// A record whose id (its partition key and data, as the producer wrote them) was processed before.
        RecordId = "record_id",
    }
}

choice_enum! {
    /// A yes/no setting.
    YesNo {
        /// Off.
        No = "no",
        /// On.
        Yes = "yes",
    }
}

choice_enum! {
    /// The Kinesis Agent's `partitionKeyOption`.
    AgentPartitionKey {
        /// A random key per record (the Agent's default).
        Random = "RANDOM",
        /// A hash of the record, so equal records share a shard.
        Deterministic = "DETERMINISTIC",
    }
}

choice_enum! {
    /// The Kinesis Agent's `dataProcessingOptions` (one option, or none).
    AgentProcessing {
        /// Lines are sent as they are.
        None = "none",
        /// `SINGLELINE`: line breaks and surrounding whitespace removed.
        Singleline = "SINGLELINE",
        /// `CSVTOJSON`: CSV lines to JSON objects with the custom field names.
        CsvToJson = "CSVTOJSON",
        /// `LOGTOJSON`: log lines in the log format to JSON objects.
        LogToJson = "LOGTOJSON",
    }
}

choice_enum! {
    /// The `logFormat` of `LOGTOJSON`.
    AgentLogFormat {
        /// Apache common log format.
        CommonApache = "COMMONAPACHELOG",
        /// Apache combined log format.
        CombinedApache = "COMBINEDAPACHELOG",
        /// BSD syslog.
        Syslog = "SYSLOG",
    }
}

choice_enum! {
    /// What the simulated application behind a Kinesis Agent writes.
    AgentSource {
        /// CSV rows `user_id,event,amount_cents`.
        Csv = "csv",
        /// Apache combined log format lines.
        ApacheCombined = "apache_combined",
        /// BSD syslog lines.
        Syslog = "syslog",
    }
}

choice_enum! {
    /// A ready-made Firehose transform: a program in the engine's transform language (one statement per line:
    /// `keep if`, `drop if`, `fail if`, `set`, `del`, `csv`; `bucket` is 0 to 99 per record), or the learner's own.
    FirehoseTransform {
        /// No transform.
        None = "none",
        /// JSON events to CSV lines.
        JsonToCsv = "json_to_csv",
        /// Keep only purchases; the rest come back `Dropped`.
        KeepPurchases = "keep_purchases",
        /// Add the Region and the arrival time to each event.
        Enrich = "enrich",
        /// Fail a steady 5 % of the records (the same ones on every run): they come back `ProcessingFailed`.
        FailFivePercent = "fail_5_percent",
        /// A program the learner wrote.
        Custom = "custom",
    }
}

impl FirehoseTransform {
    /// The program of a ready transform (empty for none and custom).
    pub fn program(self) -> &'static str {
        match self {
            Self::None | Self::Custom => "",
            Self::JsonToCsv => "csv .ts, .user_id, .event_type, .amount",
            Self::KeepPurchases => "keep if .event_type == \"purchase\"",
            Self::Enrich => "set .region = \"us-east-1\"\nset .received_ms = arrival",
            Self::FailFivePercent => "fail if bucket < 5",
        }
    }

    /// Which ready transform `program` is, or custom.
    pub fn of_program(program: &str) -> Self {
        Self::ALL.iter().copied().find(|t| *t != Self::Custom && t.program() == program).unwrap_or(Self::Custom)
    }
}

choice_enum! {
    /// Firehose's `CompressionFormat`.
    Compression {
        /// No compression (the default).
        Uncompressed = "UNCOMPRESSED",
        /// gzip.
        Gzip = "GZIP",
        /// ZIP.
        Zip = "ZIP",
        /// Snappy.
        Snappy = "Snappy",
        /// Hadoop-compatible Snappy.
        HadoopSnappy = "HADOOP_SNAPPY",
    }
}

choice_enum! {
    /// The language of an Analytics application.
    AnalyticsDialect {
        /// Kinesis Data Analytics for SQL (legacy; closed to new applications since 2025-10-15).
        KdaSql = "kda_sql",
        /// Managed Service for Apache Flink, Flink SQL.
        FlinkSql = "flink_sql",
    }
}

choice_enum! {
    /// Where a destination node delivers.
    DestinationKind {
        /// An S3 bucket.
        S3 = "s3",
        /// A Redshift table (through an intermediate S3 bucket).
        Redshift = "redshift",
        /// An OpenSearch Service index.
        OpenSearch = "opensearch",
        /// An HTTPS endpoint.
        HttpEndpoint = "http_endpoint",
    }
}

/// A producer: a client writing records to a data stream or Firehose (Direct PUT).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProducerParams {
    /// How the client sends.
    pub client: ClientKind,
    /// How the rate changes over time.
    pub rate_shape: RateShape,
    /// The base rate.
    pub records_per_sec: u32,
    /// The step's later rate, the ramp's target, the spike's peak, or the sine's swing.
    pub second_rate_records_per_sec: u32,
    /// When the step, ramp or spike starts, in simulated ms.
    pub change_at_ms: u64,
    /// How long the ramp or spike lasts, or the sine's period, in ms.
    pub change_duration_ms: u64,
    /// The usual record size (data only).
    pub record_bytes: u32,
    /// The occasional large record's size.
    pub large_record_bytes: u32,
    /// Percent of records that are large (0: all records have the usual size).
    pub large_record_percent: u8,
    /// How partition keys are drawn.
    pub key_distribution: KeyDistribution,
    /// Distinct keys (besides the hot key).
    pub distinct_keys: u32,
    /// Percent of records carrying the hot key.
    pub hot_key_percent: u8,
    /// What records contain.
    pub payload: PayloadKind,
    /// PutRecords: records per call.
    pub batch_max_records: u32,
    /// PutRecords: how long the first record of a batch waits for company.
    pub linger_ms: u32,
    /// KPL `AggregationMaxSize`.
    pub kpl_aggregation_max_bytes: u32,
    /// KPL `CollectionMaxCount`.
    pub kpl_collection_max_count: u32,
    /// KPL `RecordMaxBufferedTime`.
    pub kpl_max_buffered_time_ms: u32,
    /// KPL `RateLimit`, percent of a shard's write limits (0: off).
    pub kpl_rate_limit_percent: u32,
    /// Attempts per record, the first included (1: no retries).
    pub retry_max_attempts: u32,
    /// The first retry's backoff bound.
    pub retry_base_backoff_ms: u32,
    /// No backoff exceeds this.
    pub retry_max_backoff_ms: u32,
    /// Percent of successful calls whose answer is lost, so the client retries and writes a duplicate.
    pub timeout_percent: u8,
}

impl Default for ProducerParams {
    fn default() -> Self {
        Self {
            client: ClientKind::PutRecord,
            rate_shape: RateShape::Constant,
            records_per_sec: 1_000,
            second_rate_records_per_sec: 2_000,
            change_at_ms: 30_000,
            change_duration_ms: 30_000,
            record_bytes: 1_024,
            large_record_bytes: 102_400,
            large_record_percent: 0,
            key_distribution: KeyDistribution::Uniform,
            distinct_keys: 1_000,
            hot_key_percent: 50,
            payload: PayloadKind::Zeros,
            batch_max_records: 500,
            linger_ms: 100,
            // The KPL's own defaults (`docs/aws-behaviour.md` §2.2).
            kpl_aggregation_max_bytes: 51_200,
            kpl_collection_max_count: 500,
            kpl_max_buffered_time_ms: 100,
            kpl_rate_limit_percent: 150,
            // AWS SDK standard retries.
            retry_max_attempts: 3,
            retry_base_backoff_ms: 100,
            retry_max_backoff_ms: 20_000,
            timeout_percent: 0,
        }
    }
}

/// A Kinesis data stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StreamParams {
    /// Provisioned or on-demand.
    pub capacity_mode: CapacityMode,
    /// Shards at creation (provisioned).
    pub shard_count: u32,
    /// How long records are kept.
    pub retention_hours: u32,
    /// A fault: this percent of writes and reads is throttled whatever the load.
    pub extra_throttle_percent: u8,
    /// How long after a write a record becomes readable with GetRecords (the propagation delay; see
    /// [`shardlab_engine::latency`]).
    pub get_records_visibility_ms: u32,
    /// The same for enhanced fan-out pushes.
    pub fan_out_visibility_ms: u32,
}

impl Default for StreamParams {
    fn default() -> Self {
        Self {
            capacity_mode: CapacityMode::Provisioned,
            shard_count: 2,
            retention_hours: 24,
            extra_throttle_percent: 0,
            // The engine's typical delays (unconfirmed; see its "Divergences from AWS").
            get_records_visibility_ms: shardlab_engine::limits::GET_RECORDS_VISIBILITY_MS as u32,
            fan_out_visibility_ms: shardlab_engine::limits::FAN_OUT_VISIBILITY_MS as u32,
        }
    }
}

/// A consumer application reading a data stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsumerParams {
    /// How it reads.
    pub style: ConsumerStyle,
    /// Where it starts without a checkpoint.
    pub start: StartPosition,
    /// Processing time per user record: a slow application falls behind.
    pub processing_us_per_record: u32,
    /// Polling: time between GetRecords calls on a shard.
    pub poll_interval_ms: u32,
    /// Polling: `Limit` of each GetRecords call.
    pub get_records_limit: u32,
    /// KCL: workers at the start.
    pub kcl_workers: u32,
    /// KCL: checkpoint after this many records of a shard…
    pub kcl_checkpoint_every_records: u32,
    /// …or this long after the last checkpoint.
    pub kcl_checkpoint_interval_ms: u32,
    /// KCL `failoverTimeMillis`.
    pub kcl_failover_ms: u32,
    /// Lambda `BatchSize`.
    pub lambda_batch_size: u32,
    /// Lambda `MaximumBatchingWindowInSeconds`.
    pub lambda_batching_window_s: u32,
    /// Lambda `ParallelizationFactor`.
    pub lambda_parallelization_factor: u32,
    /// Lambda `BisectBatchOnFunctionError`.
    pub lambda_bisect_on_error: YesNo,
    /// Lambda `MaximumRetryAttempts`.
    pub lambda_max_retry_attempts: u32,
    /// Percent of invocations that fail (a bug or a poison record).
    pub lambda_error_percent: u8,
    /// How long one invocation runs.
    pub lambda_duration_ms: u32,
    /// What it skips as already processed.
    pub deduplicate_by: DeduplicateBy,
    /// When it begins reading, in simulated seconds: an application deployed (or back from an outage) later.
    pub begins_at_s: u32,
    /// `AT_TIMESTAMP`: the time to read from, in simulated seconds; not after `begins_at_s`.
    pub start_timestamp_s: u32,
}

impl Default for ConsumerParams {
    fn default() -> Self {
        Self {
            style: ConsumerStyle::Polling,
            start: StartPosition::TrimHorizon,
            processing_us_per_record: 0,
            poll_interval_ms: 1_000,
            get_records_limit: 10_000,
            // KCL defaults (`docs/aws-behaviour.md` §3.2).
            kcl_workers: 1,
            kcl_checkpoint_every_records: 1_000,
            kcl_checkpoint_interval_ms: 60_000,
            kcl_failover_ms: 10_000,
            // Lambda event source mapping defaults.
            lambda_batch_size: 100,
            lambda_batching_window_s: 0,
            lambda_parallelization_factor: 1,
            lambda_bisect_on_error: YesNo::No,
            lambda_max_retry_attempts: 10_000,
            lambda_error_percent: 0,
            lambda_duration_ms: 100,
            deduplicate_by: DeduplicateBy::None,
            begins_at_s: 0,
            start_timestamp_s: 0,
        }
    }
}

/// A Kinesis Agent flow tailing a simulated application log (settings named as in `agent.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgentParams {
    /// `filePattern`.
    pub file_pattern: String,
    /// `partitionKeyOption`.
    pub partition_key_option: AgentPartitionKey,
    /// `dataProcessingOptions`.
    pub processing: AgentProcessing,
    /// `customFieldNames` of `CSVTOJSON`, comma-separated.
    pub csv_field_names: String,
    /// `logFormat` of `LOGTOJSON`.
    pub log_format: AgentLogFormat,
    /// `maxBufferAgeMillis`.
    pub max_buffer_age_millis: u32,
    /// `maxBufferSizeRecords`.
    pub max_buffer_size_records: u32,
    /// `maxBufferSizeBytes`.
    pub max_buffer_size_bytes: u32,
    /// The simulated application's write rate.
    pub lines_per_sec: u32,
    /// What it writes.
    pub source: AgentSource,
    /// The log rotates after this many lines.
    pub rotate_every_lines: u32,
}

impl Default for AgentParams {
    fn default() -> Self {
        Self {
            file_pattern: "/var/log/app/access.log".into(),
            partition_key_option: AgentPartitionKey::Random,
            processing: AgentProcessing::LogToJson,
            csv_field_names: "user_id,event,amount_cents".into(),
            log_format: AgentLogFormat::CombinedApache,
            max_buffer_age_millis: 60_000,
            max_buffer_size_records: 500,
            max_buffer_size_bytes: 4_194_304,
            lines_per_sec: 100,
            source: AgentSource::ApacheCombined,
            rotate_every_lines: 100_000,
        }
    }
}

/// A Firehose delivery stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FirehoseParams {
    /// Buffering hint `SizeInMBs`.
    pub buffer_size_mib: u32,
    /// Buffering hint `IntervalInSeconds`.
    pub buffer_interval_s: u32,
    /// The transform (a Lambda processor) as a program in the engine's transform language; empty for none.
    pub transform_program: String,
    /// The `AppendDelimiterToRecord` processor: a newline after each record.
    pub append_newline: YesNo,
    /// `CompressionFormat`.
    pub compression: Compression,
    /// The S3 object `Prefix` (empty: Firehose's default `YYYY/MM/dd/HH/`).
    pub s3_prefix: String,
    /// `RetryOptions.DurationInSeconds` for Redshift, OpenSearch and HTTP endpoints (S3 always retries 24 h).
    pub retry_duration_s: u32,
}

impl Default for FirehoseParams {
    fn default() -> Self {
        // Firehose's S3 defaults (`docs/aws-behaviour.md` §5.4) and the 300 s retry of OpenSearch and HTTP endpoints
        // (§5.8).
        Self {
            buffer_size_mib: 5,
            buffer_interval_s: 300,
            transform_program: String::new(),
            append_newline: YesNo::No,
            compression: Compression::Uncompressed,
            s3_prefix: String::new(),
            retry_duration_s: 300,
        }
    }
}

/// An Analytics application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnalyticsParams {
    /// Its language.
    pub dialect: AnalyticsDialect,
    /// Its SQL.
    pub sql: String,
    /// Where it starts reading its source.
    pub start: StartPosition,
}

/// A tumbling one-minute count per event type over the default source stream.
pub const DEFAULT_ANALYTICS_SQL: &str = "CREATE OR REPLACE STREAM \"DESTINATION_SQL_STREAM\" (event_type VARCHAR(16), event_count INTEGER);\n\
CREATE OR REPLACE PUMP \"STREAM_PUMP\" AS INSERT INTO \"DESTINATION_SQL_STREAM\"\n\
SELECT STREAM event_type, COUNT(*) FROM \"SOURCE_SQL_STREAM_001\"\n\
GROUP BY event_type, STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '60' SECOND);";

impl Default for AnalyticsParams {
    fn default() -> Self {
        // KDA's default input starting position is NOW, that is LATEST.
        Self { dialect: AnalyticsDialect::KdaSql, sql: DEFAULT_ANALYTICS_SQL.into(), start: StartPosition::Latest }
    }
}

/// Where data ends up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DestinationParams {
    /// What kind of destination.
    pub kind: DestinationKind,
    /// The bucket name, table name, index name or HTTPS URL, by kind.
    pub target: String,
}

impl DestinationParams {
    /// A destination of `kind` with an example target.
    pub fn new(kind: DestinationKind) -> Self {
        let target = match kind {
            DestinationKind::S3 => "shardlab-output",
            DestinationKind::Redshift => "public.events",
            DestinationKind::OpenSearch => "events",
            DestinationKind::HttpEndpoint => "https://example.com/ingest",
        };
        Self { kind, target: target.into() }
    }
}

impl Default for DestinationParams {
    fn default() -> Self {
        Self::new(DestinationKind::S3)
    }
}

choice_enum! {
    /// What a video consumer does.
    VideoConsumerStyle {
        /// A GetMedia connection reading frames as they arrive.
        GetMedia = "get_media",
        /// A viewer of an HLS streaming session.
        Hls = "hls",
        /// ListFragments and GetClip over a time range.
        Clip = "clip",
        /// Image extraction (GetImages) at a sampling interval.
        ImageExtraction = "image_extraction",
        /// An Amazon Rekognition Video stream processor (it counts frames; it recognises nothing here).
        Rekognition = "rekognition",
    }
}

choice_enum! {
    /// Where a GetMedia reader starts (`StartSelectorType`).
    VideoStart {
        /// The newest chunk (`NOW`).
        Now = "NOW",
        /// The oldest fragment kept (`EARLIEST`).
        Earliest = "EARLIEST",
        /// The fragment containing `from_ms` (`PRODUCER_TIMESTAMP`).
        ProducerTimestamp = "PRODUCER_TIMESTAMP",
    }
}

choice_enum! {
    /// An HLS session's `PlaybackMode`.
    HlsMode {
        /// The newest fragments.
        Live = "LIVE",
        /// From `from_ms` on, in real time.
        LiveReplay = "LIVE_REPLAY",
        /// `from_ms` to `to_ms`.
        OnDemand = "ON_DEMAND",
    }
}

/// A Kinesis video stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VideoStreamParams {
    /// `DataRetentionInHours`: 0 keeps nothing (live readers only).
    pub retention_hours: u32,
    /// `MediaType`.
    pub media_type: String,
}

impl Default for VideoStreamParams {
    fn default() -> Self {
        Self { retention_hours: 24, media_type: "video/h264".into() }
    }
}

/// A camera sending video with PutMedia.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CameraParams {
    /// The encoder's bitrate, kbps.
    pub bitrate_kbps: u32,
    /// Frames per second.
    pub frame_rate: u32,
    /// The key-frame interval: each fragment's duration.
    pub fragment_duration_ms: u32,
}

impl Default for CameraParams {
    fn default() -> Self {
        Self { bitrate_kbps: 2_000, frame_rate: 30, fragment_duration_ms: 2_000 }
    }
}

/// A reader of a video stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VideoConsumerParams {
    /// What it does.
    pub style: VideoConsumerStyle,
    /// When it connects (or, for a clip, asks), in simulated ms.
    pub start_at_ms: u64,
    /// GetMedia: where it starts.
    pub start: VideoStart,
    /// HLS: the playback mode.
    pub hls_mode: HlsMode,
    /// HLS: `MaxMediaPlaylistFragmentResults`.
    pub max_playlist_fragments: u32,
    /// The producer instant a replay, an on-demand session, a clip or a timestamp start begins at (ms).
    pub from_ms: u64,
    /// The producer instant an on-demand session or a clip ends at (ms).
    pub to_ms: u64,
    /// Image extraction: `SamplingInterval`, ms.
    pub sampling_interval_ms: u32,
}

impl Default for VideoConsumerParams {
    fn default() -> Self {
        Self {
            style: VideoConsumerStyle::Hls,
            start_at_ms: 0,
            start: VideoStart::Now,
            hls_mode: HlsMode::Live,
            max_playlist_fragments: shardlab_engine::video::HLS_LIVE_PLAYLIST_FRAGMENTS_DEFAULT,
            from_ms: 0,
            to_ms: 60_000,
            sampling_interval_ms: 1_000,
        }
    }
}
