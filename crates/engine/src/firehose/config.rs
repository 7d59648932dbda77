//! What a delivery stream is made of: its source, its destination with buffering hints, retries, S3
//! naming and backup, dynamic partitioning, format conversion, and the transform (`docs/aws-behaviour.md` §5).

use super::compress::Compression;
use super::prefix::{self, Prefix};
use super::transform::Program;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Largest record Firehose accepts (1,000 KiB).
pub const RECORD_BYTES_MAX: u64 = 1_024_000;
/// Records in one PutRecordBatch at most.
pub const BATCH_RECORDS_MAX: usize = 500;
/// Bytes in one PutRecordBatch at most (4 MiB).
pub const BATCH_BYTES_MAX: u64 = 4_194_304;
/// How long Firehose keeps Direct PUT data while an S3 destination is unavailable (24 h).
pub const S3_RETRY_SECS: u32 = 86_400;
/// Longest retry duration of other destinations (2 hours).
pub const RETRY_SECS_MAX: u32 = 7_200;
/// Active partitions per stream by default.
pub const ACTIVE_PARTITIONS_DEFAULT: u32 = 500;
/// Active partitions per stream at most (a raised quota).
pub const ACTIVE_PARTITIONS_MAX: u32 = 5_000;

/// A delivery stream's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct DeliveryStreamConfig {
    /// `DeliveryStreamName`: 1 to 64 of `[a-zA-Z0-9_.-]`.
    pub name: String,
    /// Where records come from.
    #[cfg_attr(feature = "serde", serde(default))]
    pub source: Source,
    /// Where they go.
    pub destination: DestinationConfig,
    /// The transform (a Lambda processor), if any.
    #[cfg_attr(feature = "serde", serde(default))]
    pub processing: Option<ProcessingConfig>,
    /// Tags.
    #[cfg_attr(feature = "serde", serde(default))]
    pub tags: BTreeMap<String, String>,
    /// Simulated Direct PUT producers (a scenario's; API callers put their own records), each sending at
    /// every whole second, in this order.
    #[cfg_attr(feature = "serde", serde(default))]
    pub feeds: Vec<DirectPutFeed>,
}

/// A simulated producer calling PutRecordBatch on a Direct PUT stream once per second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct DirectPutFeed {
    /// Records per second, 1 to 1,000,000, sent at each whole second.
    pub records_per_sec: u32,
    /// Size of `zeros` records in bytes (templated records have their rendered size).
    #[cfg_attr(feature = "serde", serde(default = "feed_bytes_default"))]
    pub record_bytes: u32,
    /// What records contain.
    #[cfg_attr(feature = "serde", serde(default))]
    pub payload: crate::template::PayloadTemplate,
    /// Records per PutRecordBatch call, 1 to 500.
    #[cfg_attr(feature = "serde", serde(default = "feed_batch_default"))]
    pub batch_records: u32,
}

#[cfg(feature = "serde")]
fn feed_bytes_default() -> u32 {
    512
}
#[cfg(feature = "serde")]
fn feed_batch_default() -> u32 {
    500
}

/// `DeliveryStreamType` and its source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)
)]
pub enum Source {
    /// `DirectPut`: producers call PutRecord and PutRecordBatch.
    #[default]
    DirectPut,
    /// `KinesisStreamAsSource`: Firehose reads the simulation's data stream of this name from LATEST.
    KinesisStream {
        /// The data stream's name.
        stream_name: String,
    },
}

/// `BufferingHints`: the first of the two reached flushes the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct BufferingHints {
    /// `SizeInMBs`, in MiB, measured before compression.
    pub size_mib: u32,
    /// `IntervalInSeconds`; 0 flushes at once.
    pub interval_secs: u32,
}

/// The destination type, with what only it has.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)
)]
pub enum DestinationKind {
    /// Amazon S3 (Extended S3).
    S3,
    /// Amazon Redshift: objects go to an intermediate S3 bucket, then a `COPY` loads them.
    Redshift {
        /// The table `COPY` loads.
        table: String,
    },
    /// Amazon OpenSearch Service: bulk index requests.
    OpenSearch {
        /// `IndexName`.
        index_name: String,
        /// `IndexRotationPeriod`.
        #[cfg_attr(feature = "serde", serde(default))]
        rotation: IndexRotation,
    },
    /// An HTTP endpoint.
    HttpEndpoint {
        /// Its HTTPS URL.
        url: String,
        /// `ContentEncoding` GZIP (true) or NONE.
        #[cfg_attr(feature = "serde", serde(default))]
        gzip: bool,
    },
    /// Splunk HEC, which acknowledges indexing.
    Splunk {
        /// `HECEndpoint`.
        hec_endpoint: String,
        /// `HECAcknowledgmentTimeoutInSeconds`, 180 to 600.
        #[cfg_attr(feature = "serde", serde(default = "splunk_ack_timeout_default"))]
        ack_timeout_secs: u32,
    },
}

#[cfg(feature = "serde")]
fn splunk_ack_timeout_default() -> u32 {
    180
}

/// `IndexRotationPeriod` of OpenSearch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum IndexRotation {
    /// `NoRotation`.
    NoRotation,
    /// `OneHour`: `index-2016-02-25-13`.
    OneHour,
    /// `OneDay` (the default): `index-2016-02-25`.
    #[default]
    OneDay,
    /// `OneWeek`: `index-2016-w08`.
    OneWeek,
    /// `OneMonth`: `index-2016-02`.
    OneMonth,
}

impl IndexRotation {
    /// The API's name for it.
    pub const fn aws_name(self) -> &'static str {
        match self {
            Self::NoRotation => "NoRotation",
            Self::OneHour => "OneHour",
            Self::OneDay => "OneDay",
            Self::OneWeek => "OneWeek",
            Self::OneMonth => "OneMonth",
        }
    }

    /// Parses the API's name.
    pub fn from_aws_name(name: &str) -> Option<Self> {
        [Self::NoRotation, Self::OneHour, Self::OneDay, Self::OneWeek, Self::OneMonth]
            .into_iter()
            .find(|r| r.aws_name() == name)
    }
}

/// The destination.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct DestinationConfig {
    /// The type.
    pub kind: DestinationKind,
    /// Buffering hints; `None` takes the type's defaults.
    #[cfg_attr(feature = "serde", serde(default))]
    pub buffering: Option<BufferingHints>,
    /// `RetryOptions.DurationInSeconds`, 0 to 7,200; `None` takes the type's default. S3 always retries 24 h.
    #[cfg_attr(feature = "serde", serde(default))]
    pub retry_duration_secs: Option<u32>,
    /// The S3 bucket: the destination itself, Redshift's intermediate bucket, or the others' backup.
    #[cfg_attr(feature = "serde", serde(default))]
    pub s3: S3Settings,
    /// Backup: for S3, source-record backup (`Enabled`); for others, `All…` (true) or `Failed…Only` (false).
    #[cfg_attr(feature = "serde", serde(default))]
    pub backup_all: bool,
    /// Dynamic partitioning (S3 only).
    #[cfg_attr(feature = "serde", serde(default))]
    pub dynamic_partitioning: Option<DynamicPartitioning>,
    /// Record format conversion (S3 only).
    #[cfg_attr(feature = "serde", serde(default))]
    pub format_conversion: Option<FormatConversion>,
}

/// Where and how objects are written in S3.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(default, deny_unknown_fields))]
pub struct S3Settings {
    /// `BucketARN`.
    pub bucket_arn: String,
    /// `Prefix`.
    pub prefix: Option<String>,
    /// `ErrorOutputPrefix`.
    pub error_output_prefix: Option<String>,
    /// `CompressionFormat`.
    pub compression: Compression,
    /// `FileExtension`, replacing the default one.
    pub file_extension: Option<String>,
    /// Append `\n` after each record (`AppendDelimiterToRecord`).
    pub append_newline: bool,
}

impl Default for S3Settings {
    fn default() -> Self {
        Self {
            bucket_arn: "arn:aws:s3:::shardlab-bucket".into(),
            prefix: None,
            error_output_prefix: None,
            compression: Compression::Uncompressed,
            file_extension: None,
            append_newline: false,
        }
    }
}

/// Dynamic partitioning: partition keys from inline parsing (and from the transform's metadata).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct DynamicPartitioning {
    /// Inline parsing: key name and JQ path (`.customer_id`, `.a.b`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub keys: BTreeMap<String, String>,
    /// The active-partition quota (500 by default, at most 5,000).
    #[cfg_attr(feature = "serde", serde(default = "active_partitions_default"))]
    pub active_partitions_max: u32,
}

#[cfg(feature = "serde")]
fn active_partitions_default() -> u32 {
    ACTIVE_PARTITIONS_DEFAULT
}

/// JSON to Parquet or ORC, modelled by schema checks and sizes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct FormatConversion {
    /// The output format.
    pub output: OutputFormat,
    /// The Glue table's columns: name and type.
    pub columns: BTreeMap<String, ColumnType>,
}

/// The serializer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OutputFormat {
    /// Apache Parquet (SNAPPY).
    Parquet,
    /// Apache ORC (SNAPPY).
    Orc,
}

/// A Glue column type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "lowercase"))]
pub enum ColumnType {
    /// `string`.
    String,
    /// `int` / `bigint`.
    Int,
    /// `double`.
    Double,
    /// `boolean`.
    Boolean,
}

/// The Lambda processor.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct ProcessingConfig {
    /// The transform program ([`super::transform`]).
    pub program: String,
    /// `BufferSizeInMBs` in KiB: 205 (0.2 MiB) to 3,072 (3 MiB); 1,024 by default.
    #[cfg_attr(feature = "serde", serde(default = "processor_buffer_kib_default"))]
    pub buffer_size_kib: u32,
    /// `BufferIntervalInSeconds`: 0 to 900; 60 by default.
    #[cfg_attr(feature = "serde", serde(default = "processor_interval_default"))]
    pub buffer_interval_secs: u32,
    /// `NumberOfRetries`: 0 to 300; 3 by default.
    #[cfg_attr(feature = "serde", serde(default = "retries_default"))]
    pub number_of_retries: u32,
}

#[cfg(feature = "serde")]
fn processor_buffer_kib_default() -> u32 {
    1_024
}
#[cfg(feature = "serde")]
fn processor_interval_default() -> u32 {
    60
}
#[cfg(feature = "serde")]
fn retries_default() -> u32 {
    3
}

impl ProcessingConfig {
    /// The processor with its defaults (1 MiB, 60 s, 3 retries).
    pub fn with_program(program: &str) -> Self {
        Self { program: program.into(), buffer_size_kib: 1_024, buffer_interval_secs: 60, number_of_retries: 3 }
    }
}

impl DestinationKind {
    /// `(size MiB range, interval s range, default hints)` from `docs/aws-behaviour.md` §5.4.
    pub const fn hint_ranges(&self) -> ((u32, u32), (u32, u32), BufferingHints) {
        match self {
            Self::S3 | Self::Redshift { .. } => {
                ((1, 128), (0, 900), BufferingHints { size_mib: 5, interval_secs: 300 })
            }
            Self::OpenSearch { .. } => ((1, 100), (0, 900), BufferingHints { size_mib: 5, interval_secs: 300 }),
            Self::HttpEndpoint { .. } => ((1, 64), (0, 900), BufferingHints { size_mib: 5, interval_secs: 300 }),
            Self::Splunk { .. } => ((1, 5), (0, 60), BufferingHints { size_mib: 5, interval_secs: 60 }),
        }
    }

    /// The default retry duration (S3: 24 h, Redshift: 3,600 s, others: 300 s).
    pub const fn retry_default_secs(&self) -> u32 {
        match self {
            Self::S3 => S3_RETRY_SECS,
            Self::Redshift { .. } => 3_600,
            _ => 300,
        }
    }

    /// The CloudWatch metric prefix of its deliveries (`DeliveryToS3`, ...).
    pub const fn metric_prefix(&self) -> &'static str {
        match self {
            Self::S3 => "DeliveryToS3",
            Self::Redshift { .. } => "DeliveryToRedshift",
            Self::OpenSearch { .. } => "DeliveryToAmazonOpenSearchService",
            Self::HttpEndpoint { .. } => "DeliveryToHttpEndpoint",
            Self::Splunk { .. } => "DeliveryToSplunk",
        }
    }

    /// `!{firehose:error-output-type}` for records this destination gave up on.
    pub const fn error_output_type(&self) -> &'static str {
        match self {
            Self::S3 | Self::Redshift { .. } => "s3-failed",
            Self::OpenSearch { .. } => "AmazonOpenSearchService-failed",
            Self::HttpEndpoint { .. } => "http-endpoint-failed",
            Self::Splunk { .. } => "splunk-failed",
        }
    }
}

impl DestinationConfig {
    /// An S3 destination with default hints and settings.
    pub fn s3() -> Self {
        Self::of(DestinationKind::S3)
    }

    /// A destination of `kind` with default hints and settings.
    pub fn of(kind: DestinationKind) -> Self {
        Self {
            kind,
            buffering: None,
            retry_duration_secs: None,
            s3: S3Settings::default(),
            backup_all: false,
            dynamic_partitioning: None,
            format_conversion: None,
        }
    }

    /// The hints in force.
    pub fn hints(&self) -> BufferingHints {
        self.buffering.unwrap_or(self.kind.hint_ranges().2)
    }

    /// The retry duration in force.
    pub fn retry_secs(&self) -> u32 {
        match self.kind {
            DestinationKind::S3 => S3_RETRY_SECS,
            _ => self.retry_duration_secs.unwrap_or(self.kind.retry_default_secs()),
        }
    }

    /// Every problem with this destination.
    pub fn problems(&self, problems: &mut Vec<String>) {
        let ((size_min, size_max), (interval_min, interval_max), _) = self.kind.hint_ranges();
        let hints = self.hints();
        let name = self.kind.metric_prefix().trim_start_matches("DeliveryTo");
        if !(size_min..=size_max).contains(&hints.size_mib) {
            problems.push(format!(
                "BufferingHints.SizeInMBs is {} for {name}; it must be {size_min} to {size_max}.",
                hints.size_mib
            ));
        }
        if !(interval_min..=interval_max).contains(&hints.interval_secs) {
            problems.push(format!(
                "BufferingHints.IntervalInSeconds is {} for {name}; it must be {interval_min} to {interval_max}.",
                hints.interval_secs
            ));
        }
        if let Some(retry) = self.retry_duration_secs
            && retry > RETRY_SECS_MAX
        {
            problems.push(format!("RetryOptions.DurationInSeconds is {retry}; it must be 0 to {RETRY_SECS_MAX}."));
        }
        let is_s3 = self.kind == DestinationKind::S3;
        if !is_s3 && self.dynamic_partitioning.is_some() {
            problems.push("Dynamic partitioning is only available with an S3 destination.".into());
        }
        if !is_s3 && self.format_conversion.is_some() {
            problems.push("Record format conversion is only available with an S3 destination.".into());
        }
        if let DestinationKind::Splunk { ack_timeout_secs, .. } = self.kind
            && !(180..=600).contains(&ack_timeout_secs)
        {
            problems.push(format!("HECAcknowledgmentTimeoutInSeconds is {ack_timeout_secs}; it must be 180 to 600."));
        }
        if let DestinationKind::Redshift { .. } = self.kind {
            if matches!(self.s3.compression, Compression::Snappy | Compression::Zip) {
                problems.push(format!(
                    "CompressionFormat {} is not allowed for Redshift's intermediate bucket: use UNCOMPRESSED or GZIP.",
                    self.s3.compression.aws_name()
                ));
            }
            if self.s3.prefix.as_deref().is_some_and(|p| p.contains("!{")) || self.s3.error_output_prefix.is_some() {
                problems.push(
                    "Redshift's intermediate Prefix can't contain expressions and ErrorOutputPrefix must be null."
                        .into(),
                );
            }
        }
        if let Some(ext) = &self.s3.file_extension {
            let ok = ext.is_empty()
                || (ext.starts_with('.')
                    && ext.len() > 1
                    && ext[1..]
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b"!-_.*'()".contains(&b)));
            if !ok {
                problems.push(format!("FileExtension '{ext}' must be empty or match \\.[0-9a-z!\\-_.*'()]+."));
            }
        }
        if let Some(dp) = &self.dynamic_partitioning {
            if !(1..=ACTIVE_PARTITIONS_MAX).contains(&dp.active_partitions_max) {
                problems.push(format!(
                    "The active partition quota is {}; it must be 1 to {ACTIVE_PARTITIONS_MAX}.",
                    dp.active_partitions_max
                ));
            }
            for (key, query) in &dp.keys {
                if parse_jq_path(query).is_none() {
                    problems.push(format!(
                        "Partition key '{key}' has the query '{query}'; this simulator's JQ subset takes paths like .customer_id or .a.b."
                    ));
                }
            }
        }
        problems.extend(prefix::check_prefixes(
            self.s3.prefix.as_deref(),
            self.s3.error_output_prefix.as_deref(),
            self.dynamic_partitioning.is_some(),
        ));
        if let Some(p) = self.s3.prefix.as_deref().and_then(|p| Prefix::parse(p).ok())
            && p.has_partition_keys()
            && self.dynamic_partitioning.is_none()
        {
            problems.push("Prefix uses partition keys, so dynamic partitioning must be enabled.".into());
        }
    }
}

/// A JQ path of the supported subset (`.a`, `.a.b`, `.["a b"]`): its member names.
pub fn parse_jq_path(query: &str) -> Option<Vec<String>> {
    let mut rest = query.trim();
    let mut path = Vec::new();
    while !rest.is_empty() {
        rest = rest.strip_prefix('.')?;
        if let Some(quoted) = rest.strip_prefix("[\"") {
            let end = quoted.find("\"]")?;
            path.push(quoted[..end].into());
            rest = &quoted[end + 2..];
        } else {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if end == 0 {
                return None;
            }
            path.push(rest[..end].into());
            rest = &rest[end..];
        }
    }
    (!path.is_empty()).then_some(path)
}

/// Parses AWS's `MetadataExtractionQuery` form, `{customer_id: .customer_id, year: .ts.year}`.
pub fn parse_metadata_query(query: &str) -> Option<BTreeMap<String, String>> {
    let inner = query.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut keys = BTreeMap::new();
    for pair in inner.split(',') {
        let (name, path) = pair.split_once(':')?;
        let name = name.trim().trim_matches('"');
        parse_jq_path(path)?;
        if name.is_empty() {
            return None;
        }
        keys.insert(name.into(), path.trim().into());
    }
    Some(keys)
}

impl DeliveryStreamConfig {
    /// A Direct PUT stream to S3 with default settings.
    pub fn direct_put_to_s3(name: &str) -> Self {
        Self {
            name: name.into(),
            source: Source::DirectPut,
            destination: DestinationConfig::s3(),
            processing: None,
            tags: BTreeMap::new(),
            feeds: Vec::new(),
        }
    }

    /// Every problem with this configuration.
    pub fn problems(&self, problems: &mut Vec<String>) {
        let name_ok = crate::name::is_resource_name(&self.name, 64);
        if !name_ok {
            problems.push(format!(
                "Delivery stream name '{}' is not allowed: use 1 to 64 letters, digits, '_', '.' or '-'.",
                self.name
            ));
        }
        self.destination.problems(problems);
        for feed in &self.feeds {
            if self.source != Source::DirectPut {
                problems.push(format!("'{}' reads a data stream, so it cannot have a Direct PUT feed.", self.name));
            }
            if !(1..=1_000_000).contains(&feed.records_per_sec) {
                problems.push(format!("The feed sends {} records/s; it must be 1 to 1,000,000.", feed.records_per_sec));
            }
            if u64::from(feed.record_bytes) > RECORD_BYTES_MAX {
                problems.push(format!("The feed's records are {} bytes; at most 1,024,000.", feed.record_bytes));
            }
            if !(1..=BATCH_RECORDS_MAX as u32).contains(&feed.batch_records) {
                problems.push(format!("The feed sends {} records per batch; it must be 1 to 500.", feed.batch_records));
            }
        }
        if let Some(p) = &self.processing {
            if let Err(e) = Program::compile(&p.program) {
                problems.push(format!("The transform of '{}' does not compile: {e}", self.name));
            }
            if !(205..=3_072).contains(&p.buffer_size_kib) {
                problems.push(format!(
                    "The processor's BufferSizeInMBs is {} KiB; it must be 0.2 to 3 MiB (205 to 3,072 KiB).",
                    p.buffer_size_kib
                ));
            }
            if p.buffer_interval_secs > 900 {
                problems.push(format!(
                    "The processor's BufferIntervalInSeconds is {}; it must be 0 to 900.",
                    p.buffer_interval_secs
                ));
            }
            if p.number_of_retries > 300 {
                problems.push(format!("NumberOfRetries is {}; it must be 0 to 300.", p.number_of_retries));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn hint_ranges_and_defaults_follow_the_api_model() {
        let mut d = DestinationConfig::s3();
        assert_eq!(d.hints(), BufferingHints { size_mib: 5, interval_secs: 300 });
        let check = |d: &DestinationConfig| {
            let mut p = Vec::new();
            d.problems(&mut p);
            p
        };
        d.buffering = Some(BufferingHints { size_mib: 128, interval_secs: 0 });
        assert!(check(&d).is_empty());
        d.buffering = Some(BufferingHints { size_mib: 129, interval_secs: 901 });
        assert_eq!(check(&d).len(), 2);
        let mut splunk =
            DestinationConfig::of(DestinationKind::Splunk { hec_endpoint: "h".into(), ack_timeout_secs: 180 });
        assert_eq!(splunk.hints(), BufferingHints { size_mib: 5, interval_secs: 60 });
        splunk.buffering = Some(BufferingHints { size_mib: 6, interval_secs: 61 });
        assert_eq!(check(&splunk).len(), 2);
        let os = DestinationConfig::of(DestinationKind::OpenSearch {
            index_name: "i".into(),
            rotation: IndexRotation::OneDay,
        });
        assert_eq!((os.kind.hint_ranges().0, os.retry_secs()), ((1, 100), 300));
        let http = DestinationConfig::of(DestinationKind::HttpEndpoint { url: "https://x".into(), gzip: false });
        assert_eq!(http.kind.hint_ranges().0, (1, 64));
        let redshift = DestinationConfig::of(DestinationKind::Redshift { table: "t".into() });
        assert_eq!(redshift.retry_secs(), 3_600);
    }

    #[test]
    fn jq_paths_and_metadata_queries() {
        assert_eq!(parse_jq_path(".customer_id"), Some(alloc::vec!["customer_id".into()]));
        assert_eq!(parse_jq_path(".a.b"), Some(alloc::vec!["a".into(), "b".into()]));
        assert_eq!(parse_jq_path(".[\"a b\"]"), Some(alloc::vec!["a b".into()]));
        assert_eq!(parse_jq_path("customer_id"), None);
        assert_eq!(parse_jq_path(".a | length"), None);
        let keys = parse_metadata_query("{customer_id: .customer_id, year: .ts.y}").expect("valid");
        assert_eq!(keys.get("year").map(String::as_str), Some(".ts.y"));
    }
}
