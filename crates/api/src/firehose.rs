//! The Firehose JSON 1.1 protocol (`X-Amz-Target: Firehose_20150804.<Operation>`): member checks, the
//! configuration structures as AWS spells them, response shapes and error bodies. The service's rules are
//! the engine's (`shardlab_engine::firehose`).

use crate::pattern;
use crate::reply::{Reply, invalid_argument};
use crate::validate::{self, Member, Required, Shape, Text, boolean, number, object, objects, text, texts};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::{Map, Value, json};
use shardlab_engine::Simulation;
use shardlab_engine::firehose::compress::Compression;
use shardlab_engine::firehose::config::{
    BufferingHints, ColumnType, DeliveryStreamConfig, DestinationConfig, DestinationKind, DynamicPartitioning,
    FormatConversion, IndexRotation, OutputFormat, ProcessingConfig, Source, parse_metadata_query,
};
use shardlab_engine::firehose::{BatchEntry, DeliveryStream, FirehoseError, FirehoseErrorKind};

/// The `X-Amz-Target` prefix of every Firehose operation.
pub const TARGET_PREFIX: &str = "Firehose_20150804.";

/// The destination configuration members of CreateDeliveryStream, and their UpdateDestination forms.
const DESTINATIONS: [(&str, &str); 6] = [
    ("ExtendedS3DestinationConfiguration", "ExtendedS3DestinationUpdate"),
    ("S3DestinationConfiguration", "S3DestinationUpdate"),
    ("RedshiftDestinationConfiguration", "RedshiftDestinationUpdate"),
    ("AmazonopensearchserviceDestinationConfiguration", "AmazonopensearchserviceDestinationUpdate"),
    ("HttpEndpointDestinationConfiguration", "HttpEndpointDestinationUpdate"),
    ("SplunkDestinationConfiguration", "SplunkDestinationUpdate"),
];

// The destination structures' members with their model constraints (Firehose API reference, one page per
// structure, e.g. "BufferingHints - Amazon Data Firehose"), in the model's member order. The service's own
// rules (both hints or neither, prefix expressions, ...) stay in the engine and answer
// InvalidArgumentException after these pass.
const fn int(name: &'static str, min: i64, max: i64) -> Member {
    crate::model::integer(name, Some(min), Some(max), Required::No)
}
const fn length(name: &'static str, min: u64, max: u64) -> Member {
    Member { name, shape: Shape::Text(Text::len(min, max)), required: Required::No }
}
/// `BufferingHints` of S3 and Redshift: `SizeInMBs` 1-128, `IntervalInSeconds` 0-900.
const S3_HINTS: Member = hints_member(&[int("SizeInMBs", 1, 128), int("IntervalInSeconds", 0, 900)]);
/// `AmazonopensearchserviceBufferingHints`: 1-100 MB, 0-900 s.
const OPENSEARCH_HINTS: Member = hints_member(&[int("SizeInMBs", 1, 100), int("IntervalInSeconds", 0, 900)]);
/// `HttpEndpointBufferingHints`: 1-64 MB, 0-900 s.
const HTTP_HINTS: Member = hints_member(&[int("SizeInMBs", 1, 64), int("IntervalInSeconds", 0, 900)]);
/// `SplunkBufferingHints`: 1-5 MB, 0-60 s.
const SPLUNK_HINTS: Member = hints_member(&[int("SizeInMBs", 1, 5), int("IntervalInSeconds", 0, 60)]);
const fn hints_member(members: &'static [Member]) -> Member {
    Member { name: "BufferingHints", shape: Shape::Struct(members), required: Required::No }
}
/// `RetryOptions` of every destination but S3: `DurationInSeconds` 0-7200.
const RETRY_OPTIONS: Member = Member {
    name: "RetryOptions",
    shape: Shape::Struct(&[int("DurationInSeconds", 0, 7_200)]),
    required: Required::No,
};
const COMPRESSION_FORMAT: Member = crate::model::one_of(
    "CompressionFormat",
    &["UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"],
    Required::No,
);
/// The members `ExtendedS3DestinationConfiguration` and `S3DestinationConfiguration` share (and their updates).
const S3_MEMBERS: &[Member] = &[
    length("RoleARN", 1, 512),
    length("BucketARN", 1, 2_048),
    length("Prefix", 0, 1_024),
    length("ErrorOutputPrefix", 0, 1_024),
    S3_HINTS,
    COMPRESSION_FORMAT,
    length("FileExtension", 0, 128),
];
const S3_CONFIGURATION: Member =
    Member { name: "S3Configuration", shape: Shape::Struct(S3_MEMBERS), required: Required::No };
const S3_UPDATE: Member = Member { name: "S3Update", ..S3_CONFIGURATION };
const REDSHIFT_MEMBERS: &[Member] = &[
    length("RoleARN", 1, 512),
    RETRY_OPTIONS,
    S3_CONFIGURATION,
    S3_UPDATE,
    // Read here by this simulator for every destination (AWS puts Redshift's in S3Configuration).
    S3_HINTS,
];
const OPENSEARCH_MEMBERS: &[Member] = &[
    length("RoleARN", 1, 512),
    length("DomainARN", 1, 512),
    length("IndexName", 1, 80),
    crate::model::one_of(
        "IndexRotationPeriod",
        &["NoRotation", "OneHour", "OneDay", "OneWeek", "OneMonth"],
        Required::No,
    ),
    OPENSEARCH_HINTS,
    RETRY_OPTIONS,
    S3_CONFIGURATION,
    S3_UPDATE,
];
const HTTP_MEMBERS: &[Member] = &[
    Member {
        name: "EndpointConfiguration",
        shape: Shape::Struct(&[length("Url", 1, 1_000), length("Name", 1, 256), length("AccessKey", 0, 4_096)]),
        required: Required::No,
    },
    HTTP_HINTS,
    Member {
        name: "RequestConfiguration",
        shape: Shape::Struct(&[crate::model::one_of("ContentEncoding", &["NONE", "GZIP"], Required::No)]),
        required: Required::No,
    },
    length("RoleARN", 1, 512),
    RETRY_OPTIONS,
    S3_CONFIGURATION,
    S3_UPDATE,
];
const SPLUNK_MEMBERS: &[Member] = &[
    length("HECEndpoint", 0, 2_048),
    crate::model::one_of("HECEndpointType", &["Raw", "Event"], Required::No),
    int("HECAcknowledgmentTimeoutInSeconds", 180, 600),
    RETRY_OPTIONS,
    S3_CONFIGURATION,
    S3_UPDATE,
    SPLUNK_HINTS,
];
const fn destination(name: &'static str, members: &'static [Member]) -> Member {
    Member { name, shape: Shape::Struct(members), required: Required::No }
}

const NAME: Member = Member {
    name: "DeliveryStreamName",
    shape: Shape::Text(Text::pattern_len(&pattern::NAME, 1, 64)),
    required: Required::Yes,
};
const TAGS: Member = Member {
    name: "Tags",
    shape: Shape::StructList {
        len_min: 1,
        len_max: 50,
        java: "com.amazonaws.firehose.v20150804.Tag",
        members: &[
            Member { name: "Key", shape: Shape::Text(Text::len(1, 128)), required: Required::Yes },
            Member { name: "Value", shape: Shape::Text(Text::len(0, 256)), required: Required::No },
        ],
    },
    required: Required::No,
};
const RECORD_MEMBERS: &[Member] =
    &[Member { name: "Data", shape: Shape::Blob { len_max: 1_024_000 }, required: Required::Yes }];

const CREATE: &[Member] = &[
    NAME,
    Member {
        name: "DeliveryStreamType",
        shape: Shape::Text(Text::one_of(&["DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource"])),
        required: Required::No,
    },
    Member {
        name: "KinesisStreamSourceConfiguration",
        shape: Shape::Struct(&[length("KinesisStreamARN", 1, 512), length("RoleARN", 1, 512)]),
        required: Required::No,
    },
    destination("ExtendedS3DestinationConfiguration", S3_MEMBERS),
    destination("S3DestinationConfiguration", S3_MEMBERS),
    destination("RedshiftDestinationConfiguration", REDSHIFT_MEMBERS),
    destination("AmazonopensearchserviceDestinationConfiguration", OPENSEARCH_MEMBERS),
    destination("HttpEndpointDestinationConfiguration", HTTP_MEMBERS),
    destination("SplunkDestinationConfiguration", SPLUNK_MEMBERS),
    TAGS,
];
const NAME_ONLY: &[Member] =
    &[NAME, Member { name: "AllowForceDelete", shape: Shape::Boolean, required: Required::No }];
const DESCRIBE: &[Member] = &[
    NAME,
    crate::model::integer("Limit", Some(1), Some(10_000), Required::No),
    Member { name: "ExclusiveStartDestinationId", shape: Shape::Text(Text::len(1, 100)), required: Required::No },
];
const LIST: &[Member] = &[
    crate::model::integer("Limit", Some(1), Some(10_000), Required::No),
    Member {
        name: "DeliveryStreamType",
        shape: Shape::Text(Text::one_of(&["DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource"])),
        required: Required::No,
    },
    Member {
        name: "ExclusiveStartDeliveryStreamName",
        shape: Shape::Text(Text::pattern_len(&pattern::NAME, 1, 64)),
        required: Required::No,
    },
];
const PUT_RECORD: &[Member] =
    &[NAME, Member { name: "Record", shape: Shape::Struct(RECORD_MEMBERS), required: Required::Yes }];
const PUT_RECORD_BATCH: &[Member] = &[
    NAME,
    Member {
        name: "Records",
        shape: Shape::StructList {
            len_min: 1,
            len_max: 500,
            java: "com.amazonaws.firehose.v20150804.Record",
            members: RECORD_MEMBERS,
        },
        required: Required::Yes,
    },
];
const UPDATE: &[Member] = &[
    NAME,
    Member { name: "CurrentDeliveryStreamVersionId", shape: Shape::Text(Text::len(1, 50)), required: Required::Yes },
    Member { name: "DestinationId", shape: Shape::Text(Text::len(1, 100)), required: Required::Yes },
    destination("ExtendedS3DestinationUpdate", S3_MEMBERS),
    destination("S3DestinationUpdate", S3_MEMBERS),
    destination("RedshiftDestinationUpdate", REDSHIFT_MEMBERS),
    destination("AmazonopensearchserviceDestinationUpdate", OPENSEARCH_MEMBERS),
    destination("HttpEndpointDestinationUpdate", HTTP_MEMBERS),
    destination("SplunkDestinationUpdate", SPLUNK_MEMBERS),
];
const TAG: &[Member] = &[NAME, Member { required: Required::Yes, ..TAGS }];
const UNTAG: &[Member] = &[
    NAME,
    Member {
        name: "TagKeys",
        shape: Shape::TextList { len_min: 1, len_max: 50, member: Text::len(1, 128) },
        required: Required::Yes,
    },
];
const LIST_TAGS: &[Member] = &[
    NAME,
    Member { name: "ExclusiveStartTagKey", shape: Shape::Text(Text::len(1, 128)), required: Required::No },
    crate::model::integer("Limit", Some(1), Some(50), Required::No),
];

type Handler = fn(&mut Simulation, &Map<String, Value>) -> Result<Value, Reply>;

/// Every Firehose operation: name, input members, handler.
const OPERATIONS: [(&str, &[Member], Handler); 10] = [
    ("CreateDeliveryStream", CREATE, create),
    ("DeleteDeliveryStream", NAME_ONLY, delete),
    ("DescribeDeliveryStream", DESCRIBE, describe),
    ("ListDeliveryStreams", LIST, list),
    ("ListTagsForDeliveryStream", LIST_TAGS, list_tags),
    ("PutRecord", PUT_RECORD, put_record),
    ("PutRecordBatch", PUT_RECORD_BATCH, put_record_batch),
    ("TagDeliveryStream", TAG, tag),
    ("UntagDeliveryStream", UNTAG, untag),
    ("UpdateDestination", UPDATE, update_destination),
];

/// Whether `name` is a Firehose operation.
pub(crate) fn is_operation(name: &str) -> bool {
    OPERATIONS.iter().any(|(n, _, _)| *n == name)
}

/// The names of every Firehose operation, in alphabetical order.
pub fn operation_names() -> impl ExactSizeIterator<Item = &'static str> {
    OPERATIONS.iter().map(|(n, _, _)| *n)
}

/// Answers one `Firehose_20150804.<name>` call.
pub(crate) fn handle(sim: &mut Simulation, name: &str, body: &Map<String, Value>) -> Reply {
    let Some((_, input, run)) = OPERATIONS.iter().find(|(n, _, _)| *n == name) else {
        return Reply::unknown_operation();
    };
    if let Err(reply) = validate::check(body, input) {
        return reply;
    }
    match run(sim, body) {
        Ok(body) => Reply::ok(body),
        Err(reply) => reply,
    }
}

impl From<FirehoseError> for Reply {
    fn from(err: FirehoseError) -> Self {
        let status = if err.kind == FirehoseErrorKind::ServiceUnavailable { 503 } else { 400 };
        Self { status, body: json!({ "__type": err.kind.aws_name(), "message": err.message }) }
    }
}

fn name(body: &Map<String, Value>) -> String {
    text(body, "DeliveryStreamName").unwrap_or_default().into()
}

fn create(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let present: Vec<&str> =
        DESTINATIONS.iter().map(|(c, _)| *c).filter(|c| body.get(*c).is_some_and(|v| !v.is_null())).collect();
    let [destination_member] = present[..] else {
        return Err(invalid_argument(format!(
            "A delivery stream has exactly one destination; this request configures {}.",
            present.len()
        )));
    };
    let destination_json = object(body, destination_member).cloned().unwrap_or_default();
    let (destination, processing) = parse_destination(destination_member, &destination_json, None)?;
    let source = match text(body, "DeliveryStreamType").unwrap_or("DirectPut") {
        "DirectPut" => Source::DirectPut,
        "KinesisStreamAsSource" => {
            let config = object(body, "KinesisStreamSourceConfiguration").ok_or_else(|| {
                invalid_argument("KinesisStreamSourceConfiguration is required for KinesisStreamAsSource.")
            })?;
            let arn = text(config, "KinesisStreamARN").unwrap_or_default();
            let stream_name = sim.kinesis().stream_name_of_arn(arn).ok_or_else(|| {
                invalid_argument(format!("KinesisStreamARN '{arn}' is not a stream of this account and Region."))
            })?;
            Source::KinesisStream { stream_name: stream_name.into() }
        }
        other => return Err(invalid_argument(format!("DeliveryStreamType {other} is not simulated."))),
    };
    let tags = objects(body, "Tags")
        .map(|t| (text(t, "Key").unwrap_or_default().into(), text(t, "Value").unwrap_or_default().into()))
        .collect();
    let config = DeliveryStreamConfig { name: name(body), source, destination, processing, tags, feeds: Vec::new() };
    let now = sim.now();
    let (kinesis, firehose) = sim.services_mut();
    let arn = firehose.create_delivery_stream(now, config, kinesis)?;
    Ok(json!({ "DeliveryStreamARN": arn }))
}

fn delete(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let now = sim.now();
    sim.firehose_mut().delete_delivery_stream(now, &name(body))?;
    Ok(json!({}))
}

fn describe(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let stream = sim.firehose().describe_delivery_stream(&name(body))?;
    Ok(json!({ "DeliveryStreamDescription": description(sim, stream) }))
}

fn list(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let limit = number(body, "Limit").unwrap_or(10).clamp(1, 10_000) as usize;
    let kinesis_source = match text(body, "DeliveryStreamType") {
        Some("KinesisStreamAsSource") => Some(true),
        Some("DirectPut") => Some(false),
        Some(_) => return Ok(json!({ "DeliveryStreamNames": [], "HasMoreDeliveryStreams": false })),
        None => None,
    };
    let (names, more) =
        sim.firehose().list_delivery_streams(limit, text(body, "ExclusiveStartDeliveryStreamName"), kinesis_source);
    Ok(json!({ "DeliveryStreamNames": names, "HasMoreDeliveryStreams": more }))
}

fn put_record(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let data = object(body, "Record").and_then(|r| validate::blob(r, "Data")).unwrap_or_default();
    let now = sim.now();
    let id = sim.firehose_mut().put_record(now, &name(body), data)?;
    Ok(json!({ "RecordId": id, "Encrypted": false }))
}

fn put_record_batch(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let records: Vec<Vec<u8>> =
        objects(body, "Records").map(|r| validate::blob(r, "Data").unwrap_or_default()).collect();
    let now = sim.now();
    let out = sim.firehose_mut().put_record_batch(now, &name(body), records)?;
    let responses: Vec<Value> = out
        .entries
        .iter()
        .map(|e| match e {
            BatchEntry::Ok(id) => json!({ "RecordId": id }),
            BatchEntry::Failed { error_code, error_message } => {
                json!({ "ErrorCode": error_code, "ErrorMessage": error_message })
            }
        })
        .collect();
    Ok(json!({ "FailedPutCount": out.failed_put_count, "Encrypted": false, "RequestResponses": responses }))
}

fn update_destination(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let stream_name = name(body);
    let current = sim.firehose().describe_delivery_stream(&stream_name)?;
    let destination_id = text(body, "DestinationId").unwrap_or_default();
    if destination_id != DESTINATION_ID {
        return Err(invalid_argument(format!(
            "Destination {destination_id} not found; this delivery stream's destination is {DESTINATION_ID}."
        )));
    }
    let present: Vec<(&str, &str)> =
        DESTINATIONS.iter().copied().filter(|(_, u)| body.get(*u).is_some_and(|v| !v.is_null())).collect();
    let [(config_member, update_member)] = present[..] else {
        return Err(invalid_argument(format!(
            "UpdateDestination takes exactly one destination update; this request has {}.",
            present.len()
        )));
    };
    let update = object(body, update_member).cloned().unwrap_or_default();
    let base = current.config.clone();
    let (destination, processing) = parse_destination(config_member, &update, Some(&base))?;
    let version = text(body, "CurrentDeliveryStreamVersionId").unwrap_or_default().to_string();
    let processing = update.contains_key("ProcessingConfiguration").then_some(processing);
    sim.firehose_mut().update_destination(&stream_name, &version, destination, processing)?;
    Ok(json!({}))
}

fn tag(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let tags: BTreeMap<String, String> = objects(body, "Tags")
        .map(|t| (text(t, "Key").unwrap_or_default().into(), text(t, "Value").unwrap_or_default().into()))
        .collect();
    sim.firehose_mut().tag(&name(body), &tags)?;
    Ok(json!({}))
}

fn untag(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    sim.firehose_mut().untag(&name(body), &texts(body, "TagKeys"))?;
    Ok(json!({}))
}

fn list_tags(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let stream = sim.firehose().describe_delivery_stream(&name(body))?;
    let limit = number(body, "Limit").unwrap_or(50).clamp(1, 50) as usize;
    let after = text(body, "ExclusiveStartTagKey");
    let listed: Vec<(&String, &String)> =
        stream.config.tags.iter().filter(|(k, _)| after.is_none_or(|a| k.as_str() > a)).collect();
    let tags: Vec<Value> = listed.iter().take(limit).map(|(k, v)| json!({ "Key": k, "Value": v })).collect();
    Ok(json!({ "Tags": tags, "HasMoreTags": listed.len() > limit }))
}

/// The one destination's id.
const DESTINATION_ID: &str = "destinationId-000000000001";

fn hints(obj: &Map<String, Value>, base: Option<BufferingHints>) -> Result<Option<BufferingHints>, Reply> {
    let Some(h) = object(obj, "BufferingHints") else { return Ok(base) };
    // `docs/aws-behaviour.md` §5.4: if one of the two is given, the other must be too.
    if h.contains_key("SizeInMBs") != h.contains_key("IntervalInSeconds") {
        return Err(invalid_argument("BufferingHints must give both SizeInMBs and IntervalInSeconds, or neither."));
    }
    let base = base.unwrap_or(BufferingHints { size_mib: 5, interval_secs: 300 });
    let get = |k: &str, default: u32| number(h, k).map_or(default, |n| u32::try_from(n).unwrap_or(u32::MAX));
    Ok(Some(BufferingHints {
        size_mib: get("SizeInMBs", base.size_mib),
        interval_secs: get("IntervalInSeconds", base.interval_secs),
    }))
}

fn retry(obj: &Map<String, Value>, base: Option<u32>) -> Option<u32> {
    object(obj, "RetryOptions")
        .and_then(|r| number(r, "DurationInSeconds"))
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        .or(base)
}

/// Reads the S3 members (`BucketARN`, `Prefix`, …) of `obj` onto `s3`.
fn s3_settings(obj: &Map<String, Value>, s3: &mut shardlab_engine::firehose::S3Settings) -> Result<(), Reply> {
    if let Some(bucket) = text(obj, "BucketARN") {
        s3.bucket_arn = bucket.into();
    }
    if obj.contains_key("Prefix") {
        s3.prefix = text(obj, "Prefix").map(String::from);
    }
    if obj.contains_key("ErrorOutputPrefix") {
        s3.error_output_prefix = text(obj, "ErrorOutputPrefix").map(String::from);
    }
    if let Some(c) = text(obj, "CompressionFormat") {
        s3.compression = Compression::from_aws_name(c).ok_or_else(|| {
            invalid_argument(format!(
                "CompressionFormat {c} is not one of UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY."
            ))
        })?;
    }
    if obj.contains_key("FileExtension") {
        s3.file_extension = text(obj, "FileExtension").map(String::from);
    }
    Ok(())
}

/// A destination configuration (or update, over `base`) as the engine's.
fn parse_destination(
    member: &str,
    obj: &Map<String, Value>,
    base: Option<&DeliveryStreamConfig>,
) -> Result<(DestinationConfig, Option<ProcessingConfig>), Reply> {
    let base_destination = base.map(|b| &b.destination);
    let base_kind = base_destination.map(|d| d.kind.clone());
    let kind = match member {
        "ExtendedS3DestinationConfiguration" | "S3DestinationConfiguration" => DestinationKind::S3,
        "RedshiftDestinationConfiguration" => {
            let table = object(obj, "CopyCommand").and_then(|c| text(c, "DataTableName")).map(String::from);
            let old = match &base_kind {
                Some(DestinationKind::Redshift { table }) => Some(table.clone()),
                _ => None,
            };
            DestinationKind::Redshift { table: table.or(old).unwrap_or_default() }
        }
        "AmazonopensearchserviceDestinationConfiguration" => {
            let (old_index, old_rotation) = match &base_kind {
                Some(DestinationKind::OpenSearch { index_name, rotation }) => (Some(index_name.clone()), *rotation),
                _ => (None, IndexRotation::OneDay),
            };
            let rotation = match text(obj, "IndexRotationPeriod") {
                Some(r) => IndexRotation::from_aws_name(r).ok_or_else(|| {
                    invalid_argument(format!(
                        "IndexRotationPeriod {r} is not one of NoRotation, OneHour, OneDay, OneWeek, OneMonth."
                    ))
                })?,
                None => old_rotation,
            };
            let index = text(obj, "IndexName").map(String::from).or(old_index).unwrap_or_default();
            DestinationKind::OpenSearch { index_name: index, rotation }
        }
        "HttpEndpointDestinationConfiguration" => {
            let (old_url, old_gzip) = match &base_kind {
                Some(DestinationKind::HttpEndpoint { url, gzip }) => (Some(url.clone()), *gzip),
                _ => (None, false),
            };
            let url = object(obj, "EndpointConfiguration").and_then(|e| text(e, "Url")).map(String::from).or(old_url);
            let gzip = object(obj, "RequestConfiguration")
                .and_then(|r| text(r, "ContentEncoding"))
                .map_or(old_gzip, |e| e == "GZIP");
            DestinationKind::HttpEndpoint { url: url.unwrap_or_default(), gzip }
        }
        _ => {
            let (old_endpoint, old_ack) = match &base_kind {
                Some(DestinationKind::Splunk { hec_endpoint, ack_timeout_secs }) => {
                    (Some(hec_endpoint.clone()), *ack_timeout_secs)
                }
                _ => (None, 180),
            };
            let ack = number(obj, "HECAcknowledgmentTimeoutInSeconds")
                .map_or(old_ack, |n| u32::try_from(n).unwrap_or(u32::MAX));
            let endpoint = text(obj, "HECEndpoint").map(String::from).or(old_endpoint).unwrap_or_default();
            DestinationKind::Splunk { hec_endpoint: endpoint, ack_timeout_secs: ack }
        }
    };
    let same_kind =
        base_destination.is_some_and(|d| core::mem::discriminant(&d.kind) == core::mem::discriminant(&kind));
    let mut destination = match base_destination {
        Some(d) if same_kind => DestinationConfig { kind, ..d.clone() },
        _ => DestinationConfig::of(kind),
    };
    destination.buffering = hints(obj, destination.buffering)?;
    destination.retry_duration_secs = retry(obj, destination.retry_duration_secs);
    if destination.kind == DestinationKind::S3 {
        s3_settings(obj, &mut destination.s3)?;
        if let Some(mode) = text(obj, "S3BackupMode") {
            destination.backup_all = mode == "Enabled";
        }
        if let Some(dp) = object(obj, "DynamicPartitioningConfiguration")
            && boolean(dp, "Enabled") == Some(true)
        {
            let mut keys = BTreeMap::new();
            for query in metadata_queries(obj) {
                let parsed = parse_metadata_query(&query).ok_or_else(|| {
                    invalid_argument(format!(
                        "MetadataExtractionQuery '{query}' is not understood: this simulator takes {{key: .path, ...}}."
                    ))
                })?;
                keys.extend(parsed);
            }
            let active_partitions_max = shardlab_engine::firehose::config::ACTIVE_PARTITIONS_DEFAULT;
            destination.dynamic_partitioning = Some(DynamicPartitioning { keys, active_partitions_max });
        }
        if let Some(fc) = object(obj, "DataFormatConversionConfiguration")
            && boolean(fc, "Enabled") != Some(false)
        {
            let serializer = object(fc, "OutputFormatConfiguration").and_then(|o| object(o, "Serializer"));
            let output = if serializer.is_some_and(|s| s.contains_key("OrcSerDe")) {
                OutputFormat::Orc
            } else {
                OutputFormat::Parquet
            };
            let columns = object(fc, "ShardlabColumns")
                .map(|c| {
                    c.iter()
                        .filter_map(|(k, v)| {
                            let t = match v.as_str()? {
                                "string" => ColumnType::String,
                                "int" | "bigint" => ColumnType::Int,
                                "double" | "float" => ColumnType::Double,
                                "boolean" => ColumnType::Boolean,
                                _ => return None,
                            };
                            Some((k.clone(), t))
                        })
                        .collect()
                })
                .unwrap_or_default();
            destination.format_conversion = Some(FormatConversion { output, columns });
        }
    } else {
        if let Some(s3) = object(obj, "S3Configuration").or_else(|| object(obj, "S3Update")) {
            s3_settings(s3, &mut destination.s3)?;
        }
        if let Some(mode) = text(obj, "S3BackupMode") {
            destination.backup_all = matches!(mode, "Enabled" | "AllDocuments" | "AllData" | "AllEvents");
        }
    }
    if processors(obj).any(|p| text(p, "Type") == Some("AppendDelimiterToRecord")) {
        destination.s3.append_newline = true;
    }
    let base_processing = base.and_then(|b| b.processing.clone());
    let processing = match object(obj, "ProcessingConfiguration") {
        Some(pc) if boolean(pc, "Enabled") == Some(false) => None,
        Some(_) => processors(obj).find(|p| text(p, "Type") == Some("Lambda")).map(|p| {
            let mut config = ProcessingConfig::with_program(text(p, "ShardlabTransform").unwrap_or_default());
            // The processor buffer defaults to 1 MB, and to 256 KB in front of Splunk (`docs/aws-behaviour.md` §5.4).
            if matches!(destination.kind, DestinationKind::Splunk { .. }) {
                config.buffer_size_kib = 256;
            }
            for param in objects(p, "Parameters") {
                let value = text(param, "ParameterValue").unwrap_or_default();
                match text(param, "ParameterName") {
                    Some("NumberOfRetries") => config.number_of_retries = value.parse().unwrap_or(u32::MAX),
                    Some("BufferIntervalInSeconds") => config.buffer_interval_secs = value.parse().unwrap_or(u32::MAX),
                    Some("BufferSizeInMBs") => {
                        config.buffer_size_kib = value.parse::<f64>().map_or(0, |mb| (mb * 1_024.0 + 0.5) as u32);
                    }
                    _ => {}
                }
            }
            config
        }),
        None => base_processing,
    };
    Ok((destination, processing))
}

fn processors(obj: &Map<String, Value>) -> impl Iterator<Item = &Map<String, Value>> {
    object(obj, "ProcessingConfiguration").into_iter().flat_map(|pc| objects(pc, "Processors"))
}

fn metadata_queries(obj: &Map<String, Value>) -> Vec<String> {
    processors(obj)
        .filter(|p| text(p, "Type") == Some("MetadataExtraction"))
        .flat_map(|p| objects(p, "Parameters"))
        .filter(|param| text(param, "ParameterName") == Some("MetadataExtractionQuery"))
        .filter_map(|param| text(param, "ParameterValue").map(String::from))
        .collect()
}

fn hints_json(h: BufferingHints) -> Value {
    json!({ "SizeInMBs": h.size_mib, "IntervalInSeconds": h.interval_secs })
}

fn s3_json(d: &DestinationConfig) -> Value {
    let mut v = json!({
        "BucketARN": d.s3.bucket_arn,
        "BufferingHints": hints_json(d.hints()),
        "CompressionFormat": d.s3.compression.aws_name(),
        "EncryptionConfiguration": { "NoEncryptionConfig": "NoEncryption" },
    });
    if let Some(p) = &d.s3.prefix {
        v["Prefix"] = json!(p);
    }
    if let Some(p) = &d.s3.error_output_prefix {
        v["ErrorOutputPrefix"] = json!(p);
    }
    v
}

/// KiB as the MB figure AWS shows (`1`, `0.25`, `3`).
fn mebibytes(kib: u32) -> String {
    if kib.is_multiple_of(1_024) {
        (kib / 1_024).to_string()
    } else {
        let text = format!("{:.3}", f64::from(kib) / 1_024.0);
        text.trim_end_matches('0').into()
    }
}

/// `DeliveryStreamDescription`.
fn description(sim: &Simulation, stream: &DeliveryStream) -> Value {
    let d = &stream.config.destination;
    let (member, mut dest) = match &d.kind {
        DestinationKind::S3 => {
            let mut v = s3_json(d);
            v["S3BackupMode"] = json!(if d.backup_all { "Enabled" } else { "Disabled" });
            if let Some(ext) = &d.s3.file_extension {
                v["FileExtension"] = json!(ext);
            }
            v["DynamicPartitioningConfiguration"] = json!({ "Enabled": d.dynamic_partitioning.is_some() });
            ("ExtendedS3DestinationDescription", v)
        }
        DestinationKind::Redshift { table } => (
            "RedshiftDestinationDescription",
            json!({
                "CopyCommand": { "DataTableName": table },
                "RetryOptions": { "DurationInSeconds": d.retry_secs() },
                "S3DestinationDescription": s3_json(d),
                "S3BackupMode": if d.backup_all { "Enabled" } else { "Disabled" },
            }),
        ),
        DestinationKind::OpenSearch { index_name, rotation } => (
            "AmazonopensearchserviceDestinationDescription",
            json!({
                "IndexName": index_name,
                "IndexRotationPeriod": rotation.aws_name(),
                "BufferingHints": hints_json(d.hints()),
                "RetryOptions": { "DurationInSeconds": d.retry_secs() },
                "S3BackupMode": if d.backup_all { "AllDocuments" } else { "FailedDocumentsOnly" },
                "S3DestinationDescription": s3_json(d),
            }),
        ),
        DestinationKind::HttpEndpoint { url, gzip } => (
            "HttpEndpointDestinationDescription",
            json!({
                "EndpointConfiguration": { "Url": url },
                "BufferingHints": hints_json(d.hints()),
                "RequestConfiguration": { "ContentEncoding": if *gzip { "GZIP" } else { "NONE" } },
                "RetryOptions": { "DurationInSeconds": d.retry_secs() },
                "S3BackupMode": if d.backup_all { "AllData" } else { "FailedDataOnly" },
                "S3DestinationDescription": s3_json(d),
            }),
        ),
        DestinationKind::Splunk { hec_endpoint, ack_timeout_secs } => (
            "SplunkDestinationDescription",
            json!({
                "HECEndpoint": hec_endpoint,
                "HECAcknowledgmentTimeoutInSeconds": ack_timeout_secs,
                "BufferingHints": hints_json(d.hints()),
                "RetryOptions": { "DurationInSeconds": d.retry_secs() },
                "S3BackupMode": if d.backup_all { "AllEvents" } else { "FailedEventsOnly" },
                "S3DestinationDescription": s3_json(d),
            }),
        ),
    };
    if let Some(p) = &stream.config.processing {
        dest["ProcessingConfiguration"] = json!({
            "Enabled": true,
            "Processors": [{
                "Type": "Lambda",
                "Parameters": [
                    { "ParameterName": "LambdaArn", "ParameterValue": format!("arn:aws:lambda:{}:{}:function:{}-transform", sim.config().region, sim.config().account_id, stream.config.name) },
                    { "ParameterName": "NumberOfRetries", "ParameterValue": p.number_of_retries.to_string() },
                    { "ParameterName": "BufferIntervalInSeconds", "ParameterValue": p.buffer_interval_secs.to_string() },
                    { "ParameterName": "BufferSizeInMBs", "ParameterValue": mebibytes(p.buffer_size_kib) },
                ],
            }],
        });
    }
    let mut destination = json!({ "DestinationId": DESTINATION_ID });
    destination[member] = dest;
    let mut out = json!({
        "DeliveryStreamName": stream.config.name,
        "DeliveryStreamARN": stream.arn,
        "DeliveryStreamStatus": stream.status.aws_name(),
        "DeliveryStreamType": match stream.config.source { Source::DirectPut => "DirectPut", Source::KinesisStream { .. } => "KinesisStreamAsSource" },
        "DeliveryStreamEncryptionConfiguration": { "Status": "DISABLED" },
        "VersionId": stream.version.to_string(),
        "CreateTimestamp": stream.created_unix_ms as f64 / 1_000.0,
        "Destinations": [destination],
        "HasMoreDestinations": false,
    });
    if let Source::KinesisStream { stream_name } = &stream.config.source {
        out["Source"] = json!({ "KinesisStreamSourceDescription": {
            "KinesisStreamARN": format!("arn:aws:kinesis:{}:{}:stream/{stream_name}", sim.config().region, sim.config().account_id),
            "DeliveryStartTimestamp": stream.created_unix_ms as f64 / 1_000.0,
        }});
    }
    out
}

/// Every operation with its input members, for the AWS CLI form.
pub(crate) fn operations() -> Vec<(&'static str, &'static [Member])> {
    OPERATIONS.iter().map(|(name, input, _)| (*name, *input)).collect()
}
