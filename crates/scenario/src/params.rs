//! Self-describing node parameters for the inspector: each with its unit, its AWS limit and its choices,
//! read and written as text, validated as the user types.

use crate::model::*;
use crate::pipeline::{Node, NodeKind};
use crate::{PIPELINES, VIDEO};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// What kind of field a parameter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// A whole number.
    Number,
    /// One of [`Param::choices`].
    Choice,
    /// A line of text.
    Text,
    /// Several lines of text (SQL).
    Code,
}

/// One editable parameter of a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The key for [`Node::set_param`] and in problem paths (`params.shard_count`).
    pub key: &'static str,
    /// A label for people.
    pub label: &'static str,
    /// The unit ("records/s", "bytes", "MiB", "s"), or empty.
    pub unit: &'static str,
    /// What AWS (or the simulator, where it says so) allows, as short text.
    pub limit: String,
    /// The allowed texts of a choice; empty for other kinds.
    pub choices: Vec<&'static str>,
    /// The current value as text.
    pub value: String,
    /// What kind of field.
    pub kind: ParamKind,
}

/// A parameter's accessors: reading and writing through text.
enum Spec<T> {
    Number {
        key: &'static str,
        label: &'static str,
        unit: &'static str,
        min: u64,
        max: u64,
        limit: &'static str,
        get: fn(&T) -> u64,
        set: fn(&mut T, u64),
    },
    Choice {
        key: &'static str,
        label: &'static str,
        names: &'static [&'static str],
        get: fn(&T) -> &'static str,
        set: fn(&mut T, &str) -> bool,
    },
    Text {
        key: &'static str,
        label: &'static str,
        limit: &'static str,
        code: bool,
        get: fn(&T) -> String,
        set: fn(&mut T, &str) -> Result<(), String>,
    },
}

impl<T> Spec<T> {
    fn key(&self) -> &'static str {
        match self {
            Self::Number { key, .. } | Self::Choice { key, .. } | Self::Text { key, .. } => key,
        }
    }

    fn describe(&self, value: &T) -> Param {
        match self {
            Self::Number { key, label, unit, limit, get, .. } => Param {
                key,
                label,
                unit,
                limit: (*limit).into(),
                choices: Vec::new(),
                value: get(value).to_string(),
                kind: ParamKind::Number,
            },
            Self::Choice { key, label, names, get, .. } => Param {
                key,
                label,
                unit: "",
                limit: format!("one of: {}", names.join(", ")),
                choices: names.to_vec(),
                value: get(value).into(),
                kind: ParamKind::Choice,
            },
            Self::Text { key, label, limit, code, get, .. } => Param {
                key,
                label,
                unit: "",
                limit: (*limit).into(),
                choices: Vec::new(),
                value: get(value),
                kind: if *code { ParamKind::Code } else { ParamKind::Text },
            },
        }
    }

    fn apply(&self, value: &mut T, text: &str) -> Result<(), String> {
        match self {
            Self::Number { label, unit, min, max, limit, set, .. } => {
                let n = parse_number(text)
                    .ok_or_else(|| format!("{label}: '{}' is not a whole number; allowed: {limit}", text.trim()))?;
                if n < *min || n > *max {
                    let unit = if unit.is_empty() { String::new() } else { format!(" {unit}") };
                    return Err(format!("{label}: {n}{unit} is out of range; allowed: {limit}"));
                }
                set(value, n);
                Ok(())
            }
            Self::Choice { label, names, set, .. } => {
                if set(value, text.trim()) {
                    Ok(())
                } else {
                    Err(format!("{label}: '{}' is not a choice; allowed: {}", text.trim(), names.join(", ")))
                }
            }
            Self::Text { label, set, .. } => set(value, text).map_err(|why| format!("{label}: {why}")),
        }
    }
}

/// A whole number, allowing `,` and `_` as thousands separators.
fn parse_number(text: &str) -> Option<u64> {
    let digits: String = text.trim().chars().filter(|c| *c != ',' && *c != '_').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

macro_rules! num {
    ($key:literal, $label:literal, $unit:literal, $min:expr, $max:expr, $limit:literal, $field:ident: $ty:ty) => {
        Spec::Number {
            key: $key,
            label: $label,
            unit: $unit,
            min: $min,
            max: $max,
            limit: $limit,
            get: |v: &T| v.$field as u64,
            // The range check above keeps `n` within the field's type.
            set: |v: &mut T, n| v.$field = n as $ty,
        }
    };
}

macro_rules! choice {
    ($key:literal, $label:literal, $field:ident: $ty:ident) => {
        Spec::Choice {
            key: $key,
            label: $label,
            names: $ty::NAMES,
            get: |v: &T| v.$field.as_str(),
            set: |v: &mut T, text| $ty::parse(text).map(|c| v.$field = c).is_some(),
        }
    };
}

fn producer_specs(p: &ProducerParams) -> Vec<Spec<ProducerParams>> {
    type T = ProducerParams;
    let mut specs = alloc::vec![
        choice!("client", "Client", client: ClientKind),
        choice!("rate_shape", "Rate shape", rate_shape: RateShape),
        num!("records_per_sec", "Rate", "records/s", 0, 1_000_000, "0 to 1,000,000 records/s (simulator bound; one shard takes 1,000 records/s)", records_per_sec: u32),
    ];
    let second = match p.rate_shape {
        RateShape::Constant => None,
        RateShape::Step => Some("Rate after the step"),
        RateShape::Ramp => Some("Rate at the end of the ramp"),
        RateShape::Spike => Some("Rate during the spike"),
        RateShape::Sine => Some("Swing above and below the rate"),
    };
    if let Some(label) = second {
        specs.push(Spec::Number {
            key: "second_rate_records_per_sec",
            label,
            unit: "records/s",
            min: 0,
            max: 1_000_000,
            limit: "0 to 1,000,000 records/s (simulator bound)",
            get: |v: &T| u64::from(v.second_rate_records_per_sec),
            set: |v: &mut T, n| v.second_rate_records_per_sec = n as u32,
        });
        if p.rate_shape != RateShape::Sine {
            specs.push(num!("change_at_ms", "Change starts at", "ms", 0, 86_400_000, "0 to 86,400,000 ms (one simulated day)", change_at_ms: u64));
        }
        if matches!(p.rate_shape, RateShape::Ramp | RateShape::Spike | RateShape::Sine) {
            specs.push(num!("change_duration_ms", "Duration (sine: period)", "ms", 1, 86_400_000, "1 to 86,400,000 ms (one simulated day)", change_duration_ms: u64));
        }
    }
    specs.push(num!("record_bytes", "Record size", "bytes", 1, 1_048_576, "1 to 1,048,576 bytes (1 MiB, data plus partition key)", record_bytes: u32));
    specs.push(
        num!("large_record_percent", "Share of large records", "%", 0, 100, "0 to 100 %", large_record_percent: u8),
    );
    if p.large_record_percent > 0 {
        specs.push(num!("large_record_bytes", "Large record size", "bytes", 1, 1_048_576, "1 to 1,048,576 bytes (1 MiB, data plus partition key)", large_record_bytes: u32));
    }
    specs.push(choice!("key_distribution", "Partition keys", key_distribution: KeyDistribution));
    if matches!(p.key_distribution, KeyDistribution::Uniform | KeyDistribution::Zipf | KeyDistribution::HotKey) {
        specs.push(num!("distinct_keys", "Distinct keys", "keys", 1, 1_000_000, "1 to 1,000,000 keys (simulator bound)", distinct_keys: u32));
    }
    if p.key_distribution == KeyDistribution::HotKey {
        specs.push(num!("hot_key_percent", "Hot key share", "%", 0, 100, "0 to 100 %", hot_key_percent: u8));
    }
    specs.push(choice!("payload", "Payload", payload: PayloadKind));
    match p.client {
        ClientKind::PutRecord => {}
        ClientKind::PutRecords => {
            specs.push(num!("batch_max_records", "Records per PutRecords", "records", 1, 500, "1 to 500 records per call (and 10 MiB)", batch_max_records: u32));
            specs
                .push(num!("linger_ms", "Linger", "ms", 0, 60_000, "0 to 60,000 ms (simulator bound)", linger_ms: u32));
        }
        ClientKind::Kpl => {
            specs.push(num!("kpl_aggregation_max_bytes", "AggregationMaxSize", "bytes", 64, 1_048_576, "64 to 1,048,576 bytes (a record's 1 MiB; KPL default 51,200)", kpl_aggregation_max_bytes: u32));
            specs.push(num!("kpl_collection_max_count", "CollectionMaxCount", "records", 1, 500, "1 to 500 records per PutRecords call", kpl_collection_max_count: u32));
            specs.push(num!("kpl_max_buffered_time_ms", "RecordMaxBufferedTime", "ms", 1, 60_000, "1 to 60,000 ms (simulator bound; KPL default 100)", kpl_max_buffered_time_ms: u32));
            specs.push(num!("kpl_rate_limit_percent", "RateLimit", "%", 0, 1_000, "0 (off) to 1,000 % of a shard's write limits (KPL default 150)", kpl_rate_limit_percent: u32));
        }
    }
    specs.push(num!("retry_max_attempts", "Attempts per record", "attempts", 1, 10, "1 (no retries) to 10 attempts", retry_max_attempts: u32));
    if p.retry_max_attempts > 1 {
        specs.push(num!("retry_base_backoff_ms", "First backoff", "ms", 0, 60_000, "0 to 60,000 ms", retry_base_backoff_ms: u32));
        specs.push(num!("retry_max_backoff_ms", "Longest backoff", "ms", 0, 600_000, "0 to 600,000 ms", retry_max_backoff_ms: u32));
    }
    specs.push(num!("timeout_percent", "Lost answers (duplicates)", "%", 0, 100, "0 to 100 % of successful calls", timeout_percent: u8));
    specs
}

fn stream_specs(s: &StreamParams) -> Vec<Spec<StreamParams>> {
    type T = StreamParams;
    let mut specs = alloc::vec![choice!("capacity_mode", "Capacity mode", capacity_mode: CapacityMode)];
    if s.capacity_mode == CapacityMode::Provisioned {
        specs.push(num!("shard_count", "Shards", "shards", 1, 1_024, "1 to 1,024 shards (simulator bound; AWS allows up to 10,000 per stream with quota)", shard_count: u32));
    }
    specs.push(num!("retention_hours", "Retention", "h", 24, 8_760, "24 to 8,760 h (365 days)", retention_hours: u32));
    specs.push(num!("extra_throttle_percent", "Injected throttling (fault)", "%", 0, 100, "0 to 100 % of writes and reads", extra_throttle_percent: u8));
    specs.push(num!("get_records_visibility_ms", "Propagation delay (GetRecords)", "ms", 0, 10_000, "0 to 10,000 ms (default: 100)", get_records_visibility_ms: u32));
    specs.push(num!("fan_out_visibility_ms", "Propagation delay (enhanced fan-out)", "ms", 0, 10_000, "0 to 10,000 ms (default: 45)", fan_out_visibility_ms: u32));
    specs
}

/// The latest simulated second a consumer's times may name: two simulated days ([`crate::TIME_MS_MAX`]).
const TIME_S_MAX: u64 = crate::TIME_MS_MAX / 1_000;
fn video_stream_specs() -> Vec<Spec<VideoStreamParams>> {
    type T = VideoStreamParams;
    alloc::vec![
        num!("retention_hours", "Data retention", "h", 0, 87_600, "0 (no storage: live GetMedia only) to 87,600 h (ten years)", retention_hours: u32),
        Spec::Text {
            key: "media_type",
            label: "MediaType",
            limit: "type/subtype pairs separated by commas, 1 to 128 characters (video/h264, video/h264,audio/aac)",
            code: false,
            get: |v: &T| v.media_type.clone(),
            set: |v: &mut T, text: &str| {
                let text = text.trim();
                if !shardlab_engine::video::is_media_type(text) {
                    return Err(format!("'{text}' is not a media type like video/h264"));
                }
                v.media_type = text.into();
                Ok(())
            },
        },
    ]
}

fn camera_specs() -> Vec<Spec<CameraParams>> {
    type T = CameraParams;
    alloc::vec![
        num!("bitrate_kbps", "Bitrate", "kbps", 1, 1_000_000, "1 to 1,000,000 kbps (PutMedia reads at most 100,000: 12.5 MB/s)", bitrate_kbps: u32),
        num!("frame_rate", "Frame rate", "frames/s", 1, 120, "1 to 120 frames/s", frame_rate: u32),
        num!("fragment_duration_ms", "Key-frame interval (fragment duration)", "ms", 100, 60_000, "100 to 60,000 ms (AWS takes fragments of 1 to 20 s)", fragment_duration_ms: u32),
    ]
}

fn video_consumer_specs(c: &VideoConsumerParams) -> Vec<Spec<VideoConsumerParams>> {
    type T = VideoConsumerParams;
    let mut specs = alloc::vec![
        choice!("style", "Reads with", style: VideoConsumerStyle),
        num!("start_at_ms", "Starts at", "ms", 0, 86_400_000, "0 to 86,400,000 ms of the run", start_at_ms: u64),
    ];
    let from = num!("from_ms", "From (producer time)", "ms", 0, 86_400_000, "0 to 86,400,000 ms", from_ms: u64);
    let to = num!("to_ms", "To (producer time)", "ms", 0, 86_400_000, "0 to 86,400,000 ms, after From", to_ms: u64);
    match c.style {
        VideoConsumerStyle::GetMedia => {
            specs.push(choice!("start", "StartSelectorType", start: VideoStart));
            if c.start == VideoStart::ProducerTimestamp {
                specs.push(from);
            }
        }
        VideoConsumerStyle::Hls => {
            specs.push(choice!("hls_mode", "PlaybackMode", hls_mode: HlsMode));
            specs.push(num!("max_playlist_fragments", "MaxMediaPlaylistFragmentResults", "fragments", 1, 5_000, "1 to 5,000 (LIVE default 5)", max_playlist_fragments: u32));
            match c.hls_mode {
                HlsMode::Live => {}
                HlsMode::LiveReplay => specs.push(from),
                HlsMode::OnDemand => {
                    specs.push(from);
                    specs.push(to);
                }
            }
        }
        VideoConsumerStyle::Clip => {
            specs.push(from);
            specs.push(to);
        }
        VideoConsumerStyle::ImageExtraction => {
            specs.push(num!("sampling_interval_ms", "SamplingInterval", "ms", 200, 3_600_000, "200 ms (5 images/s) to 3,600,000 ms", sampling_interval_ms: u32));
        }
        VideoConsumerStyle::Rekognition => {}
    }
    specs
}

fn consumer_specs(c: &ConsumerParams) -> Vec<Spec<ConsumerParams>> {
    type T = ConsumerParams;
    let mut specs = alloc::vec![
        choice!("style", "Reads with", style: ConsumerStyle),
        choice!("start", "Starts at", start: StartPosition),
    ];
    if c.start == StartPosition::AtTimestamp {
        specs.push(num!("start_timestamp_s", "AT_TIMESTAMP time", "s", 0, TIME_S_MAX, "0 to 172,800 s, not after it begins reading (AWS refuses a future timestamp)", start_timestamp_s: u32));
    }
    specs.extend([
        num!("begins_at_s", "Begins reading at", "s", 0, TIME_S_MAX, "0 to 172,800 s (two simulated days)", begins_at_s: u32),
        num!("processing_us_per_record", "Processing time per record", "µs", 0, 1_000_000, "0 to 1,000,000 µs (simulator bound)", processing_us_per_record: u32),
        choice!("deduplicate_by", "Skip records already processed", deduplicate_by: DeduplicateBy),
    ]);
    match c.style {
        ConsumerStyle::Polling => {
            specs.push(num!("poll_interval_ms", "Time between GetRecords calls", "ms", 1, 3_600_000, "1 to 3,600,000 ms (5 calls/s per shard are shared by all polling readers)", poll_interval_ms: u32));
            specs.push(num!("get_records_limit", "GetRecords Limit", "records", 1, 10_000, "1 to 10,000 records per call", get_records_limit: u32));
        }
        ConsumerStyle::Kcl => {
            specs.push(
                num!("kcl_workers", "Workers", "workers", 1, 64, "1 to 64 workers (simulator bound)", kcl_workers: u32),
            );
            specs.push(num!("kcl_checkpoint_every_records", "Checkpoint every", "records", 1, 1_000_000, "1 to 1,000,000 records", kcl_checkpoint_every_records: u32));
            specs.push(num!("kcl_checkpoint_interval_ms", "Checkpoint at least every", "ms", 1, 3_600_000, "1 to 3,600,000 ms", kcl_checkpoint_interval_ms: u32));
            specs.push(num!("kcl_failover_ms", "failoverTimeMillis", "ms", 1, 3_600_000, "1 to 3,600,000 ms (KCL default 10,000)", kcl_failover_ms: u32));
        }
        ConsumerStyle::EnhancedFanOut => {}
        ConsumerStyle::Lambda => {
            specs.push(num!("lambda_batch_size", "BatchSize", "records", 1, 10_000, "1 to 10,000 records (default 100)", lambda_batch_size: u32));
            specs.push(num!("lambda_batching_window_s", "MaximumBatchingWindowInSeconds", "s", 0, 300, "0 to 300 s", lambda_batching_window_s: u32));
            specs.push(num!("lambda_parallelization_factor", "ParallelizationFactor", "batches per shard", 1, 10, "1 to 10", lambda_parallelization_factor: u32));
            specs.push(choice!("lambda_bisect_on_error", "BisectBatchOnFunctionError", lambda_bisect_on_error: YesNo));
            specs.push(num!("lambda_max_retry_attempts", "MaximumRetryAttempts", "retries", 0, 10_000, "0 to 10,000 retries", lambda_max_retry_attempts: u32));
            specs.push(num!("lambda_error_percent", "Failing invocations", "%", 0, 100, "0 to 100 %", lambda_error_percent: u8));
            specs.push(num!("lambda_duration_ms", "Invocation time", "ms", 1, 900_000, "1 to 900,000 ms (Lambda's 15-minute timeout)", lambda_duration_ms: u32));
        }
    }
    specs
}

fn agent_specs(a: &AgentParams) -> Vec<Spec<AgentParams>> {
    type T = AgentParams;
    let mut specs = alloc::vec![
        Spec::Text {
            key: "file_pattern",
            label: "filePattern",
            limit: "an absolute path, 1 to 1,024 characters; '*' matches rotated files",
            code: false,
            get: |v: &T| v.file_pattern.clone(),
            set: |v: &mut T, text: &str| {
                let text = text.trim();
                if !text.starts_with('/') || text.len() > 1_024 || text.chars().any(char::is_control) {
                    return Err(format!("'{text}' is not an absolute path of 1 to 1,024 characters"));
                }
                v.file_pattern = text.into();
                Ok(())
            },
        },
        choice!("source", "The application writes", source: AgentSource),
        num!("lines_per_sec", "Lines written", "lines/s", 0, 100_000, "0 to 100,000 lines/s (simulator bound)", lines_per_sec: u32),
        num!("rotate_every_lines", "Rotate after", "lines", 1, 10_000_000, "1 to 10,000,000 lines", rotate_every_lines: u32),
        choice!("partition_key_option", "partitionKeyOption", partition_key_option: AgentPartitionKey),
        choice!("processing", "dataProcessingOptions", processing: AgentProcessing),
    ];
    match a.processing {
        AgentProcessing::CsvToJson => specs.push(Spec::Text {
            key: "csv_field_names",
            label: "customFieldNames",
            limit: "comma-separated field names of letters, digits and '_'",
            code: false,
            get: |v: &T| v.csv_field_names.clone(),
            set: |v: &mut T, text: &str| {
                let ok = text.split(',').all(|f| {
                    let f = f.trim();
                    !f.is_empty() && f.len() <= 128 && f.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                });
                if !ok {
                    return Err(format!(
                        "'{text}' is not a comma-separated list of field names (letters, digits, '_')"
                    ));
                }
                v.csv_field_names = text.split(',').map(str::trim).collect::<Vec<_>>().join(",");
                Ok(())
            },
        }),
        AgentProcessing::LogToJson => specs.push(choice!("log_format", "logFormat", log_format: AgentLogFormat)),
        AgentProcessing::None | AgentProcessing::Singleline => {}
    }
    specs.push(num!("max_buffer_age_millis", "maxBufferAgeMillis", "ms", 1_000, 900_000, "1,000 to 900,000 ms", max_buffer_age_millis: u32));
    specs.push(num!("max_buffer_size_records", "maxBufferSizeRecords", "records", 1, 500, "1 to 500 records", max_buffer_size_records: u32));
    specs.push(num!("max_buffer_size_bytes", "maxBufferSizeBytes", "bytes", 1, 5_242_880, "1 to 5,242,880 bytes (5 MiB)", max_buffer_size_bytes: u32));
    specs
}

/// What a custom transform starts as: a comment that shows the language.
const CUSTOM_PROGRAM_START: &str = "# One statement per line, such as: drop if .event_type == \"page_view\"";

fn firehose_specs(f: &FirehoseParams) -> Vec<Spec<FirehoseParams>> {
    type T = FirehoseParams;
    let mut specs = alloc::vec![
        num!("buffer_size_mib", "Buffer size (SizeInMBs)", "MiB", 1, 128, "1 to 128 MiB for S3 and Redshift (OpenSearch 100, HTTP 64); default 5", buffer_size_mib: u32),
        num!("buffer_interval_s", "Buffer interval (IntervalInSeconds)", "s", 0, 900, "0 to 900 s; default 300", buffer_interval_s: u32),
        Spec::Choice {
            key: "transform",
            label: "Transform",
            names: FirehoseTransform::NAMES,
            get: |v: &T| FirehoseTransform::of_program(&v.transform_program).as_str(),
            set: |v: &mut T, text: &str| match FirehoseTransform::parse(text) {
                // Choosing "custom" keeps a program to edit below, or starts one.
                Some(FirehoseTransform::Custom) => {
                    if FirehoseTransform::of_program(&v.transform_program) != FirehoseTransform::Custom {
                        v.transform_program = CUSTOM_PROGRAM_START.into();
                    }
                    true
                }
                Some(ready) => {
                    v.transform_program = ready.program().into();
                    true
                }
                None => false,
            },
        },
    ];
    if !f.transform_program.is_empty() {
        specs.push(Spec::Text {
            key: "transform_program",
            label: "Transform program",
            limit: "0 to 4,096 characters, at most 64 lines: keep if, drop if, fail if, set, del, csv",
            code: true,
            get: |v: &T| v.transform_program.clone(),
            set: |v: &mut T, text: &str| {
                let lines = text.lines().count();
                if text.chars().count() > 4_096 || lines > 64 {
                    return Err(format!(
                        "the program has {} characters and {lines} lines; allowed: 0 to 4,096 characters, at most 64 lines",
                        text.chars().count()
                    ));
                }
                v.transform_program = text.into();
                Ok(())
            },
        });
    }
    specs.push(choice!("append_newline", "Append a newline (AppendDelimiterToRecord)", append_newline: YesNo));
    specs.push(choice!("compression", "CompressionFormat", compression: Compression));
    specs.push(Spec::Text {
        key: "s3_prefix",
        label: "S3 Prefix",
        limit: "0 to 1,024 characters; expressions !{timestamp:...}, !{firehose:random-string} and \
                !{partitionKeyFromLambda:...} (keys the transform's `partition` sets; turns dynamic partitioning on) only",
        code: false,
        get: |v: &T| v.s3_prefix.clone(),
        set: |v: &mut T, text: &str| {
            check_s3_prefix(text)?;
            v.s3_prefix = text.into();
            Ok(())
        },
    });
    specs.push(num!("retry_duration_s", "Retry duration (Redshift, OpenSearch, HTTP)", "s", 0, 7_200, "0 to 7,200 s (S3 always retries for 24 h)", retry_duration_s: u32));
    specs
}

/// Firehose's rules for a `Prefix` (`docs/aws-behaviour.md` §5.9), short of evaluating the expressions.
fn check_s3_prefix(text: &str) -> Result<(), String> {
    if text.chars().count() > 1_024 {
        return Err(format!("{} characters is too long; at most 1,024", text.chars().count()));
    }
    if text.chars().any(char::is_control) {
        return Err("a prefix cannot contain control characters".into());
    }
    let mut rest = text;
    while let Some(start) = rest.find("!{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err("an expression '!{' is not closed with '}'".into());
        };
        let expression = &after[..end];
        let lambda_key = expression.strip_prefix("partitionKeyFromLambda:").is_some_and(|key| !key.is_empty());
        if !(expression.starts_with("timestamp:") || expression == "firehose:random-string" || lambda_key) {
            return Err(format!(
                "'!{{{expression}}}' is not allowed in a prefix; use !{{timestamp:yyyy/MM/dd}}, \
                 !{{firehose:random-string}} or !{{partitionKeyFromLambda:KEY}}"
            ));
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

fn analytics_specs() -> Vec<Spec<AnalyticsParams>> {
    type T = AnalyticsParams;
    alloc::vec![
        choice!("dialect", "Language", dialect: AnalyticsDialect),
        // An application's input starts at the oldest record or at the tip (NOW); AT_TIMESTAMP is for consumers.
        Spec::Choice {
            key: "start",
            label: "Starts at",
            names: &StartPosition::NAMES[..2],
            get: |v: &T| v.start.as_str(),
            set: |v: &mut T, text| {
                StartPosition::parse(text).filter(|s| *s != StartPosition::AtTimestamp).map(|s| v.start = s).is_some()
            },
        },
        Spec::Text {
            key: "sql",
            label: "SQL",
            limit: "1 to 102,400 bytes of application code (100 KB)",
            code: true,
            get: |v: &T| v.sql.clone(),
            set: |v: &mut T, text: &str| {
                if text.trim().is_empty() || text.len() > 102_400 {
                    return Err(format!("the code is {} bytes; allowed: 1 to 102,400 bytes (100 KB)", text.len()));
                }
                v.sql = text.into();
                Ok(())
            },
        },
    ]
}

fn destination_specs(d: &DestinationParams) -> Vec<Spec<DestinationParams>> {
    type T = DestinationParams;
    let (label, limit): (&'static str, &'static str) = match d.kind {
        DestinationKind::S3 => (
            "Bucket name",
            "3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
        ),
        DestinationKind::Redshift => ("Table", "1 to 127 letters, digits, '_', '$', optionally schema.table"),
        DestinationKind::OpenSearch => (
            "Index name",
            "1 to 80 lowercase characters, not starting with '_', '-' or '+', without spaces or \\ / * ? \" < > | , #",
        ),
        DestinationKind::HttpEndpoint => ("HTTPS URL", "an https:// URL of 1 to 1,000 characters"),
    };
    alloc::vec![
        Spec::Choice {
            key: "kind",
            label: "Kind",
            names: DestinationKind::NAMES,
            get: |v: &T| v.kind.as_str(),
            set: |v: &mut T, text: &str| match DestinationKind::parse(text) {
                Some(kind) if kind == v.kind => true,
                Some(kind) => {
                    *v = DestinationParams::new(kind);
                    true
                }
                None => false,
            },
        },
        Spec::Text {
            key: "target",
            label,
            limit,
            code: false,
            get: |v: &T| v.target.clone(),
            set: |v: &mut T, text: &str| {
                check_destination_target(v.kind, text.trim())?;
                v.target = text.trim().into();
                Ok(())
            },
        },
    ]
}

/// AWS's naming rules for each destination's target.
pub(crate) fn check_destination_target(kind: DestinationKind, text: &str) -> Result<(), String> {
    let ok = match kind {
        DestinationKind::S3 => {
            let b = text.as_bytes();
            (3..=63).contains(&b.len())
                && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-')
                && b.first().is_some_and(u8::is_ascii_alphanumeric)
                && b.last().is_some_and(u8::is_ascii_alphanumeric)
                && !text.contains("..")
        }
        DestinationKind::Redshift => {
            !text.is_empty()
                && text.split('.').count() <= 2
                && text.split('.').all(|part| {
                    (1..=127).contains(&part.len())
                        && part.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
                })
        }
        DestinationKind::OpenSearch => {
            (1..=80).contains(&text.len())
                && !text.starts_with(['_', '-', '+'])
                && text.chars().all(|c| !c.is_uppercase() && !c.is_whitespace() && !"\\/*?\"<>|,#".contains(c))
        }
        DestinationKind::HttpEndpoint => {
            text.len() <= 1_000
                && text.len() > "https://".len()
                && text.starts_with("https://")
                && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        }
    };
    if ok { Ok(()) } else { Err(format!("'{text}' is not allowed")) }
}

/// Whether `name` is a valid name for a node of `kind`: AWS's resource-name rule, letters, digits, '_', '.', '-'.
pub(crate) fn check_name(kind: &NodeKind, name: &str) -> Result<(), String> {
    let max = kind.name_chars_max();
    if shardlab_engine::name::is_resource_name(name, max) {
        Ok(())
    } else {
        Err(format!("Name: '{name}' is not allowed; use 1 to {max} letters, digits, '_', '.' or '-'"))
    }
}

fn name_param(node: &Node) -> Param {
    Param {
        key: "name",
        label: "Name",
        unit: "",
        limit: format!("1 to {} letters, digits, '_', '.' or '-'", node.kind.name_chars_max()),
        choices: Vec::new(),
        value: node.name.clone(),
        kind: ParamKind::Text,
    }
}

fn describe_all<T>(specs: Vec<Spec<T>>, value: &T, out: &mut Vec<Param>) {
    out.extend(specs.iter().map(|s| s.describe(value)));
}

fn apply_one<T>(specs: Vec<Spec<T>>, value: &mut T, key: &str, text: &str) -> Result<(), String> {
    match specs.iter().find(|s| s.key() == key) {
        Some(spec) => spec.apply(value, text),
        None => Err(format!(
            "there is no parameter '{key}' here; parameters: name, {}",
            specs.iter().map(Spec::key).collect::<Vec<_>>().join(", ")
        )),
    }
}

impl Node {
    /// The parameters the inspector shows for this node now, name first. Which ones appear depends on
    /// choices (a PutRecords client shows batch settings; a KPL client shows the KPL's).
    pub fn params(&self) -> Vec<Param> {
        let mut out = alloc::vec![name_param(self)];
        match &self.kind {
            NodeKind::Producer(p) => describe_all(producer_specs(p), p, &mut out),
            NodeKind::DataStream(s) => describe_all(stream_specs(s), s, &mut out),
            NodeKind::Consumer(c) => describe_all(consumer_specs(c), c, &mut out),
            NodeKind::KinesisAgent(a) if PIPELINES => describe_all(agent_specs(a), a, &mut out),
            NodeKind::Firehose(f) if PIPELINES => describe_all(firehose_specs(f), f, &mut out),
            NodeKind::Analytics(a) if PIPELINES => describe_all(analytics_specs(), a, &mut out),
            NodeKind::Destination(d) if PIPELINES => describe_all(destination_specs(d), d, &mut out),
            NodeKind::VideoStream(v) if VIDEO => describe_all(video_stream_specs(), v, &mut out),
            NodeKind::Camera(c) if VIDEO => describe_all(camera_specs(), c, &mut out),
            NodeKind::VideoConsumer(c) if VIDEO => describe_all(video_consumer_specs(c), c, &mut out),
            // A kind this build leaves out: only its name, which `set_param` and validation refuse.
            _ => {}
        }
        out
    }

    /// Sets a parameter from text, or says what is wrong and what is allowed; on error nothing changes.
    pub fn set_param(&mut self, key: &str, text: &str) -> Result<(), String> {
        if let Some(feature) = self.kind.left_out_feature() {
            return Err(crate::left_out(&self.kind, &self.name, feature));
        }
        if key == "name" {
            let name = text.trim();
            check_name(&self.kind, name)?;
            self.name = name.into();
            return Ok(());
        }
        match &mut self.kind {
            NodeKind::Producer(p) => apply_one(producer_specs(p), p, key, text),
            NodeKind::DataStream(s) => apply_one(stream_specs(s), s, key, text),
            NodeKind::Consumer(c) => apply_one(consumer_specs(c), c, key, text),
            NodeKind::KinesisAgent(a) if PIPELINES => apply_one(agent_specs(a), a, key, text),
            NodeKind::Firehose(f) if PIPELINES => apply_one(firehose_specs(f), f, key, text),
            NodeKind::Analytics(a) if PIPELINES => apply_one(analytics_specs(), a, key, text),
            NodeKind::Destination(d) if PIPELINES => apply_one(destination_specs(d), d, key, text),
            NodeKind::VideoStream(v) if VIDEO => apply_one(video_stream_specs(), v, key, text),
            NodeKind::Camera(c) if VIDEO => apply_one(camera_specs(), c, key, text),
            NodeKind::VideoConsumer(c) if VIDEO => apply_one(video_consumer_specs(c), c, key, text),
            // Refused above.
            _ => Err(crate::left_out(&self.kind, &self.name, self.kind.left_out_feature().unwrap_or_default())),
        }
    }

    /// Every shown parameter whose current value breaks its rule, as (key, message).
    /// Values set through [`Self::set_param`] always pass; a file or link may hold anything.
    pub fn param_problems(&self) -> Vec<(&'static str, String)> {
        let mut scratch = self.clone();
        self.params()
            .into_iter()
            .filter_map(|param| scratch.set_param(param.key, &param.value).err().map(|why| (param.key, why)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{NodeId, NodeKind};

    fn node(kind: NodeKind) -> Node {
        Node { id: NodeId(1), name: "n".into(), kind }
    }

    fn value(node: &Node, key: &str) -> Option<String> {
        node.params().into_iter().find(|p| p.key == key).map(|p| p.value)
    }

    #[test]
    fn shard_count_accepts_the_range_and_refuses_outside_it() {
        let mut stream = node(NodeKind::data_stream());
        assert_eq!(stream.set_param("shard_count", "4"), Ok(()));
        assert_eq!(value(&stream, "shard_count").as_deref(), Some("4"));
        assert_eq!(stream.set_param("shard_count", " 1,024 "), Ok(()));
        let err = stream.set_param("shard_count", "0").unwrap_err();
        assert!(err.contains("out of range") && err.contains("1 to 1,024 shards"), "{err}");
        let err = stream.set_param("shard_count", "two").unwrap_err();
        assert!(err.contains("'two' is not a whole number"), "{err}");
        assert!(stream.set_param("shard_count", "-1").is_err());
        assert!(stream.set_param("shard_count", "99999999999999999999999").is_err());
        assert_eq!(value(&stream, "shard_count").as_deref(), Some("1024"), "a refused value changes nothing");
    }

    #[test]
    fn retention_follows_the_documentation() {
        let mut stream = node(NodeKind::data_stream());
        assert!(stream.set_param("retention_hours", "23").is_err());
        assert_eq!(stream.set_param("retention_hours", "24"), Ok(()));
        assert_eq!(stream.set_param("retention_hours", "8760"), Ok(()));
        assert!(stream.set_param("retention_hours", "8761").unwrap_err().contains("24 to 8,760 h"));
    }

    #[test]
    fn record_size_limit_is_one_mib() {
        let mut producer = node(NodeKind::producer());
        let limit = producer.params().into_iter().find(|p| p.key == "record_bytes").map(|p| (p.unit, p.limit));
        assert_eq!(limit, Some(("bytes", "1 to 1,048,576 bytes (1 MiB, data plus partition key)".into())));
        assert_eq!(producer.set_param("record_bytes", "1048576"), Ok(()));
        assert!(producer.set_param("record_bytes", "1048577").is_err());
        assert!(producer.set_param("record_bytes", "").is_err());
    }

    #[test]
    fn choices_list_and_switch_visible_params() {
        let mut producer = node(NodeKind::producer());
        let client = producer.params().into_iter().find(|p| p.key == "client").unwrap();
        assert_eq!(client.choices, ["put_record", "put_records", "kpl"]);
        assert_eq!(client.kind, ParamKind::Choice);
        assert_eq!(value(&producer, "batch_max_records"), None);
        assert!(producer.set_param("batch_max_records", "10").is_err(), "hidden until the client batches");
        producer.set_param("client", "put_records").unwrap();
        assert_eq!(producer.set_param("batch_max_records", "500"), Ok(()));
        assert!(producer.set_param("batch_max_records", "501").unwrap_err().contains("1 to 500 records"));
        let err = producer.set_param("client", "carrier pigeon").unwrap_err();
        assert!(err.contains("allowed: put_record, put_records, kpl"), "{err}");
    }

    #[test]
    fn firehose_buffering_hints_follow_the_api_model() {
        let mut firehose = node(NodeKind::firehose());
        assert_eq!(value(&firehose, "buffer_size_mib").as_deref(), Some("5"));
        assert_eq!(value(&firehose, "buffer_interval_s").as_deref(), Some("300"));
        assert!(firehose.set_param("buffer_size_mib", "129").is_err());
        assert!(firehose.set_param("buffer_size_mib", "0").is_err());
        assert_eq!(firehose.set_param("buffer_interval_s", "0"), Ok(()));
        assert!(firehose.set_param("buffer_interval_s", "901").is_err());
        assert_eq!(firehose.set_param("s3_prefix", "logs/!{timestamp:yyyy/MM/dd}/"), Ok(()));
        assert!(firehose.set_param("s3_prefix", "logs/!{firehose:error-output-type}/").is_err());
        assert_eq!(firehose.set_param("s3_prefix", "kind=!{partitionKeyFromLambda:kind}/"), Ok(()));
        assert!(firehose.set_param("s3_prefix", "kind=!{partitionKeyFromQuery:kind}/").is_err(), "needs JQ keys");
        assert!(firehose.set_param("s3_prefix", "logs/!{timestamp:yyyy").is_err());
    }

    #[test]
    fn firehose_transforms_are_ready_programs_or_your_own() {
        let mut firehose = node(NodeKind::firehose());
        assert_eq!(value(&firehose, "transform").as_deref(), Some("none"));
        assert_eq!(value(&firehose, "transform_program"), None, "no program to edit");
        firehose.set_param("transform", "keep_purchases").unwrap();
        assert_eq!(value(&firehose, "transform_program").as_deref(), Some("keep if .event_type == \"purchase\""));
        firehose.set_param("transform_program", "drop if .page == \"/\"").unwrap();
        assert_eq!(value(&firehose, "transform").as_deref(), Some("custom"));
        firehose.set_param("transform", "custom").unwrap();
        assert_eq!(value(&firehose, "transform_program").as_deref(), Some("drop if .page == \"/\""), "kept");
        firehose.set_param("transform", "none").unwrap();
        firehose.set_param("transform", "custom").unwrap();
        assert!(value(&firehose, "transform_program").unwrap().starts_with("# One statement per line"));
        let err = firehose.set_param("transform_program", &"x".repeat(4_097)).unwrap_err();
        assert!(err.contains("allowed: 0 to 4,096 characters, at most 64 lines"), "{err}");
        assert!(firehose.set_param("transform_program", &"del .a\n".repeat(65)).is_err());
        assert!(firehose.set_param("retry_duration_s", "7201").unwrap_err().contains("0 to 7,200 s"));
    }

    #[test]
    fn names_follow_aws_resource_rules() {
        let mut firehose = node(NodeKind::firehose());
        assert_eq!(firehose.set_param("name", "to-s3"), Ok(()));
        assert!(firehose.set_param("name", "has space").is_err());
        assert!(firehose.set_param("name", &"x".repeat(65)).unwrap_err().contains("1 to 64"));
        let mut stream = node(NodeKind::data_stream());
        assert_eq!(stream.set_param("name", &"x".repeat(128)), Ok(()));
        assert!(stream.set_param("name", "").is_err());
    }

    #[test]
    fn destinations_check_their_targets_and_reset_on_kind_change() {
        let mut dest = node(NodeKind::destination());
        assert!(dest.set_param("target", "My_Bucket").is_err());
        assert!(dest.set_param("target", "ab").is_err());
        assert_eq!(dest.set_param("target", "my-bucket.logs"), Ok(()));
        dest.set_param("kind", "http_endpoint").unwrap();
        assert_eq!(value(&dest, "target").as_deref(), Some("https://example.com/ingest"));
        assert!(dest.set_param("target", "http://example.com").is_err());
    }

    #[test]
    fn unknown_keys_are_named_and_nothing_panics_on_odd_text() {
        let mut consumer = node(NodeKind::consumer());
        let err = consumer.set_param("shards", "2").unwrap_err();
        assert!(err.starts_with("there is no parameter 'shards' here"), "{err}");
        for text in ["", " ", "1e3", "0x10", "١٢", "18446744073709551616", "\u{0}"] {
            for key in consumer.params().iter().map(|p| p.key) {
                let _ = consumer.clone().set_param(key, text);
            }
        }
    }

    #[test]
    fn every_default_node_has_no_param_problems() {
        for kind in [
            NodeKind::producer(),
            NodeKind::data_stream(),
            NodeKind::consumer(),
            NodeKind::kinesis_agent(),
            NodeKind::firehose(),
            NodeKind::analytics(),
            NodeKind::destination(),
        ] {
            let n = node(kind);
            assert_eq!(n.param_problems(), Vec::new(), "{n:?}");
        }
        let mut bad = node(NodeKind::data_stream());
        if let NodeKind::DataStream(s) = &mut bad.kind {
            s.shard_count = 0;
        }
        assert_eq!(bad.param_problems().first().map(|p| p.0), Some("shard_count"));
    }
}
