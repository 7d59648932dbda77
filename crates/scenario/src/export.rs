//! Export to real AWS: a CloudFormation template (YAML), an AWS CLI script, and the Kinesis Agent's
//! `agent.json`, with comments where the scenario (or a run of it) hit a limit.

use crate::model::*;
use crate::{Node, NodeId, NodeKind, Scenario};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write;
use serde_json::{Value, json};
use shardlab_engine::Simulation;
use shardlab_engine::sorted_map::SortedMap;

/// The `ErrorOutputPrefix` used when the S3 prefix has expressions (Firehose then requires one).
pub(crate) const ERROR_OUTPUT_PREFIX: &str = "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/";

/// A shard's write limit in bytes per second (1 MiB/s, `docs/aws-behaviour.md` §1.1).
const SHARD_WRITE_BYTES_PER_SEC: u64 = 1_048_576;
/// A shard's write limit in records per second.
const SHARD_WRITE_RECORDS_PER_SEC: u64 = 1_000;

/// What a run of the scenario showed, for comments in an export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// Shards the stream had open at the end.
    pub shards_open: u32,
    /// The highest write demand on the whole stream in one second: accepted plus throttled records.
    pub stream_demand_records_per_sec_peak: u64,
    /// The same in bytes (throttled records counted at the second's mean accepted size).
    pub stream_demand_bytes_per_sec_peak: u64,
    /// The highest write demand on one shard in one second, in records.
    pub shard_demand_records_per_sec_peak: u64,
    /// Records refused with `ProvisionedThroughputExceededException` in all.
    pub write_throttled_records: u64,
    /// GetRecords calls refused in all.
    pub read_throttled_calls: u64,
}

impl Findings {
    /// Findings from a simulation's per-second shard metrics (the seconds it still holds).
    pub fn from_simulation(sim: &Simulation) -> Self {
        let mut findings = Self::default();
        let Some(stream) = sim.stream() else { return findings };
        let mut per_second: SortedMap<u64, (u64, u64)> = SortedMap::new();
        for shard in stream.shards() {
            findings.write_throttled_records += shard.metrics.totals.write_provisioned_throughput_exceeded;
            findings.read_throttled_calls += shard.metrics.totals.read_provisioned_throughput_exceeded;
            for second in shard.metrics.history() {
                let records = second.incoming_records + second.write_provisioned_throughput_exceeded;
                let bytes = match second.incoming_records {
                    0 => second.incoming_bytes,
                    accepted => second.incoming_bytes.saturating_mul(records) / accepted,
                };
                findings.shard_demand_records_per_sec_peak = findings.shard_demand_records_per_sec_peak.max(records);
                let entry = per_second.get_or_default(second.second);
                entry.0 += records;
                entry.1 += bytes;
            }
        }
        for (records, bytes) in per_second.into_values() {
            findings.stream_demand_records_per_sec_peak = findings.stream_demand_records_per_sec_peak.max(records);
            findings.stream_demand_bytes_per_sec_peak = findings.stream_demand_bytes_per_sec_peak.max(bytes);
        }
        findings.shards_open = stream.shards().iter().filter(|s| s.is_open()).count() as u32;
        findings
    }
}

/// `bytes` per second as MiB/s with one decimal ("1.3 MiB/s").
fn mib_per_sec(bytes: u64) -> String {
    let tenths = (bytes * 10 + SHARD_WRITE_BYTES_PER_SEC / 2) / SHARD_WRITE_BYTES_PER_SEC;
    format!("{}.{} MiB/s", tenths / 10, tenths % 10)
}

/// Shards needed for a demand, by both write limits.
fn shards_for(records_per_sec: u64, bytes_per_sec: u64) -> u64 {
    records_per_sec.div_ceil(SHARD_WRITE_RECORDS_PER_SEC).max(bytes_per_sec.div_ceil(SHARD_WRITE_BYTES_PER_SEC)).max(1)
}

impl Scenario {
    fn stream_node(&self) -> Option<(&Node, &StreamParams)> {
        self.pipeline.nodes.iter().find_map(|n| match &n.kind {
            NodeKind::DataStream(s) => Some((n, s)),
            _ => None,
        })
    }

    /// Notes on limits: the producers' configured peak against the stream's capacity, and what a run showed.
    pub fn limit_notes(&self, findings: Option<&Findings>) -> Vec<String> {
        let mut notes = Vec::new();
        let Some((stream, params)) = self.stream_node() else { return notes };
        let shards = match params.capacity_mode {
            CapacityMode::Provisioned => u64::from(params.shard_count),
            CapacityMode::OnDemand => 0,
        };
        let (mut records, mut bytes, mut kpl_user_records) = (0u64, 0u64, 0u64);
        for writer in self.pipeline.sources(stream.id) {
            if let NodeKind::Producer(p) = &writer.kind {
                let peak = match p.rate_shape {
                    RateShape::Constant => u64::from(p.records_per_sec),
                    RateShape::Sine => u64::from(p.records_per_sec) + u64::from(p.second_rate_records_per_sec),
                    _ => u64::from(p.records_per_sec.max(p.second_rate_records_per_sec)),
                };
                let size = if p.large_record_percent > 0 {
                    (u64::from(p.record_bytes) * u64::from(100 - p.large_record_percent)
                        + u64::from(p.large_record_bytes) * u64::from(p.large_record_percent))
                        / 100
                } else {
                    u64::from(p.record_bytes)
                };
                // The KPL aggregates many user records into one Kinesis record: only bytes count then.
                if p.client == ClientKind::Kpl {
                    kpl_user_records += peak;
                } else {
                    records += peak;
                }
                bytes += peak * size;
            }
        }
        let needed = shards_for(records, bytes);
        if shards > 0 && needed > shards {
            let asked = match (records, kpl_user_records) {
                (records, 0) => format!("{records} records/s"),
                (0, kpl) => format!("{kpl} user records/s, which the KPL aggregates (so bytes count),"),
                (records, kpl) => format!("{records} records/s plus {kpl} user records/s the KPL aggregates"),
            };
            notes.push(format!(
                "The producers ask for up to {asked} and {} at their peak; {shards} shard(s) take \
                 {} records/s and {}: {needed} shards recommended.",
                mib_per_sec(bytes),
                shards * SHARD_WRITE_RECORDS_PER_SEC,
                mib_per_sec(shards * SHARD_WRITE_BYTES_PER_SEC)
            ));
        }
        if let Some(f) = findings.filter(|f| f.write_throttled_records > 0) {
            let needed = shards_for(f.stream_demand_records_per_sec_peak, f.stream_demand_bytes_per_sec_peak);
            let open = u64::from(f.shards_open.max(1));
            if needed > open {
                notes.push(format!(
                    "This stream throttled at {} ({} records/s): {needed} shards recommended.",
                    mib_per_sec(f.stream_demand_bytes_per_sec_peak),
                    f.stream_demand_records_per_sec_peak
                ));
            } else {
                notes.push(format!(
                    "This stream throttled {} records although {open} shard(s) had room in all: one shard got up to {} \
                     records/s. Spread the partition keys; more shards do not help a hot key.",
                    f.write_throttled_records, f.shard_demand_records_per_sec_peak
                ));
            }
        }
        if let Some(f) = findings.filter(|f| f.read_throttled_calls > 0) {
            notes.push(format!(
                "Readers were throttled {} times (5 GetRecords calls/s and 2 MiB/s per shard are shared): \
                 consider enhanced fan-out consumers.",
                f.read_throttled_calls
            ));
        }
        notes
    }

    /// A CloudFormation template (YAML) for the stream, enhanced fan-out consumers, Firehose delivery streams,
    /// their S3 buckets and IAM roles; what has no resource (producers, polling readers) appears as comments.
    pub fn to_cloudformation(&self, findings: Option<&Findings>) -> String {
        let ids = LogicalIds::new(self);
        let mut y = Yaml::default();
        y.comment(
            0,
            &format!("Exported from the Shardlab scenario \"{}\" (engine {}).", self.name, self.engine_version),
        );
        y.kv(0, "AWSTemplateFormatVersion", &quote("2010-09-09"));
        y.kv(0, "Description", &quote(&format!("Shardlab scenario: {}", self.name)));
        let needs_lambda =
            self.pipeline.nodes.iter().any(|n| matches!(&n.kind, NodeKind::Firehose(f) if uses_lambda(f)));
        let needs_redshift = self.destinations_of(DestinationKind::Redshift);
        let needs_opensearch = self.destinations_of(DestinationKind::OpenSearch);
        let lambda_consumers: Vec<&Node> = self.lambda_consumers().collect();
        if needs_lambda || needs_redshift || needs_opensearch || !lambda_consumers.is_empty() {
            y.key(0, "Parameters");
            for consumer in &lambda_consumers {
                let description = format!("The Lambda function consumer '{}' runs", consumer.name);
                param(&mut y, &format!("{}FunctionName", ids.get(consumer.id)), &description);
            }
            if needs_lambda {
                param(
                    &mut y,
                    "TransformFunctionArn",
                    "The ARN of the Lambda function that transforms Firehose records",
                );
            }
            if needs_redshift {
                param(&mut y, "RedshiftJdbcUrl", "jdbc:redshift://<cluster endpoint>:5439/<database>");
                param(&mut y, "RedshiftSecretArn", "A Secrets Manager secret with the Redshift username and password");
            }
            if needs_opensearch {
                param(&mut y, "OpenSearchDomainArn", "The ARN of the OpenSearch Service domain");
            }
        }
        y.key(0, "Resources");
        for node in &self.pipeline.nodes {
            self.cfn_node(&mut y, &ids, node, findings);
        }
        y.out
    }

    /// Lambda consumers reading the stream: each becomes an event source mapping.
    fn lambda_consumers(&self) -> impl Iterator<Item = &Node> {
        self.pipeline.nodes.iter().filter(|n| {
            matches!(&n.kind, NodeKind::Consumer(c) if c.style == ConsumerStyle::Lambda)
                && self.pipeline.sources(n.id).next().is_some()
        })
    }

    fn destinations_of(&self, kind: DestinationKind) -> bool {
        self.pipeline.nodes.iter().any(|n| {
            matches!(&n.kind, NodeKind::Firehose(_))
                && self.pipeline.targets(n.id).any(|t| matches!(&t.kind, NodeKind::Destination(d) if d.kind == kind))
        })
    }

    fn cfn_node(&self, y: &mut Yaml, ids: &LogicalIds, node: &Node, findings: Option<&Findings>) {
        let id = ids.get(node.id);
        match &node.kind {
            NodeKind::DataStream(s) => {
                for note in self.limit_notes(findings) {
                    y.comment(2, &note);
                }
                y.key(2, &id);
                y.kv(4, "Type", "AWS::Kinesis::Stream");
                y.key(4, "Properties");
                y.kv(6, "Name", &quote(&node.name));
                if s.capacity_mode == CapacityMode::Provisioned {
                    y.kv(6, "ShardCount", &s.shard_count.to_string());
                }
                y.kv(6, "RetentionPeriodHours", &s.retention_hours.to_string());
                y.key(6, "StreamModeDetails");
                let mode = if s.capacity_mode == CapacityMode::Provisioned { "PROVISIONED" } else { "ON_DEMAND" };
                y.kv(8, "StreamMode", mode);
                y.key(6, "StreamEncryption");
                y.kv(8, "EncryptionType", "KMS");
                y.kv(8, "KeyId", &quote("alias/aws/kinesis"));
            }
            NodeKind::Consumer(c) => match (c.style, self.pipeline.sources(node.id).next()) {
                (ConsumerStyle::EnhancedFanOut, Some(stream)) => {
                    y.key(2, &id);
                    y.kv(4, "Type", "AWS::Kinesis::StreamConsumer");
                    y.key(4, "Properties");
                    y.kv(6, "ConsumerName", &quote(&node.name));
                    y.get_att(6, "StreamARN", &ids.get(stream.id), "Arn");
                }
                (ConsumerStyle::Lambda, Some(stream)) => {
                    if c.lambda_error_percent > 0 {
                        y.comment(
                            2,
                            &format!(
                                "In the scenario {} % of its invocations fail: consider an OnFailure destination.",
                                c.lambda_error_percent
                            ),
                        );
                    }
                    y.key(2, &id);
                    y.kv(4, "Type", "AWS::Lambda::EventSourceMapping");
                    y.key(4, "Properties");
                    y.ref_(6, "FunctionName", &format!("{id}FunctionName"));
                    y.get_att(6, "EventSourceArn", &ids.get(stream.id), "Arn");
                    y.kv(6, "StartingPosition", c.start.as_str());
                    if c.start == StartPosition::AtTimestamp {
                        y.comment(6, "Unix seconds: the scenario's AT_TIMESTAMP time on the simulated clock (2026-01-01 00:00 UTC is 0 s).");
                        y.kv(6, "StartingPositionTimestamp", &at_timestamp_unix_s(c).to_string());
                    }
                    y.kv(6, "BatchSize", &c.lambda_batch_size.to_string());
                    y.kv(6, "MaximumBatchingWindowInSeconds", &c.lambda_batching_window_s.to_string());
                    y.kv(6, "ParallelizationFactor", &c.lambda_parallelization_factor.to_string());
                    let bisect = if c.lambda_bisect_on_error == YesNo::Yes { "true" } else { "false" };
                    y.kv(6, "BisectBatchOnFunctionError", bisect);
                    y.kv(6, "MaximumRetryAttempts", &c.lambda_max_retry_attempts.to_string());
                }
                (style, _) => y.comment(
                    2,
                    &format!(
                        "Consumer '{}' ({}) is application code, not a stack resource.",
                        node.name,
                        style.as_str()
                    ),
                ),
            },
            NodeKind::Producer(p) => y.comment(
                2,
                &format!(
                    "Producer '{}' ({}, {} records/s of {} bytes) is application code, not a stack resource.",
                    node.name,
                    p.client.as_str(),
                    p.records_per_sec,
                    p.record_bytes
                ),
            ),
            NodeKind::KinesisAgent(_) => {
                y.comment(2, &format!("Kinesis Agent '{}' runs on a server: see the agent.json export.", node.name))
            }
            NodeKind::Analytics(_) => y.comment(
                2,
                &format!(
                    "Analytics application '{}' is not exported: Kinesis Data Analytics for SQL takes no new \
                     applications since 2025-10-15; port its SQL to Managed Service for Apache Flink.",
                    node.name
                ),
            ),
            NodeKind::Destination(d) => {
                let fed = self.pipeline.sources(node.id).any(|n| matches!(n.kind, NodeKind::Firehose(_)));
                if d.kind == DestinationKind::S3 && fed {
                    y.comment(2, "S3 bucket names are global: change BucketName if this one is taken.");
                    y.key(2, &id);
                    y.kv(4, "Type", "AWS::S3::Bucket");
                    y.key(4, "Properties");
                    y.kv(6, "BucketName", &quote(&d.target));
                    y.key(6, "PublicAccessBlockConfiguration");
                    for key in ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"] {
                        y.kv(8, key, "true");
                    }
                }
            }
            NodeKind::Firehose(f) => self.cfn_firehose(y, ids, node, f),
            NodeKind::VideoStream(v) => {
                y.key(2, &id);
                y.kv(4, "Type", "AWS::KinesisVideo::Stream");
                y.key(4, "Properties");
                y.kv(6, "Name", &quote(&node.name));
                y.kv(6, "DataRetentionInHours", &v.retention_hours.to_string());
                y.kv(6, "MediaType", &quote(&v.media_type));
            }
            NodeKind::Camera(c) => y.comment(
                2,
                &format!(
                    "Camera '{}' ({} kbps, {} frames/s, {} ms fragments) runs the Producer SDK, not a stack resource.",
                    node.name, c.bitrate_kbps, c.frame_rate, c.fragment_duration_ms
                ),
            ),
            NodeKind::VideoConsumer(c) => y.comment(
                2,
                &format!(
                    "Video consumer '{}' ({}) is application code, not a stack resource.",
                    node.name,
                    c.style.as_str()
                ),
            ),
        }
    }

    fn cfn_firehose(&self, y: &mut Yaml, ids: &LogicalIds, node: &Node, f: &FirehoseParams) {
        let Some((dest_node, dest)) = self.pipeline.targets(node.id).find_map(|t| match &t.kind {
            NodeKind::Destination(d) => Some((t, d)),
            _ => None,
        }) else {
            y.comment(2, &format!("Firehose '{}' is not exported: it has no destination.", node.name));
            return;
        };
        let id = ids.get(node.id);
        let role = format!("{id}Role");
        let source = self.pipeline.sources(node.id).find(|n| matches!(n.kind, NodeKind::DataStream(_)));
        // Redshift, OpenSearch and HTTP endpoints back up to (and Redshift loads through) an S3 bucket of their own.
        let bucket = if dest.kind == DestinationKind::S3 { ids.get(dest_node.id) } else { format!("{id}BackupBucket") };
        if dest.kind != DestinationKind::S3 {
            y.key(2, &bucket);
            y.kv(4, "Type", "AWS::S3::Bucket");
            y.key(4, "Properties");
            y.key(6, "PublicAccessBlockConfiguration");
            for key in ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"] {
                y.kv(8, key, "true");
            }
        }
        y.key(2, &role);
        y.kv(4, "Type", "AWS::IAM::Role");
        y.key(4, "Properties");
        y.key(6, "AssumeRolePolicyDocument");
        y.kv(8, "Version", &quote("2012-10-17"));
        y.key(8, "Statement");
        y.item_kv(10, "Effect", "Allow");
        y.key(12, "Principal");
        y.kv(14, "Service", "firehose.amazonaws.com");
        y.kv(12, "Action", &quote("sts:AssumeRole"));
        y.key(6, "Policies");
        y.item_kv(8, "PolicyName", &quote("firehose-delivery"));
        y.key(10, "PolicyDocument");
        y.kv(12, "Version", &quote("2012-10-17"));
        y.key(12, "Statement");
        y.item_kv(14, "Effect", "Allow");
        y.list(16, "Action", &S3_ACTIONS);
        y.key(16, "Resource");
        y.item_get_att(18, &bucket, "Arn");
        y.item_kv(18, "Fn::Sub", &quote(&format!("${{{bucket}.Arn}}/*")));
        if let Some(stream) = source {
            y.item_kv(14, "Effect", "Allow");
            y.list(16, "Action", &KINESIS_READ_ACTIONS);
            y.get_att(16, "Resource", &ids.get(stream.id), "Arn");
        }
        if dest.kind == DestinationKind::Redshift {
            y.item_kv(14, "Effect", "Allow");
            y.list(16, "Action", &["secretsmanager:GetSecretValue"]);
            y.ref_(16, "Resource", "RedshiftSecretArn");
        }
        if dest.kind == DestinationKind::OpenSearch {
            y.item_kv(14, "Effect", "Allow");
            y.list(16, "Action", &OPENSEARCH_ACTIONS);
            y.key(16, "Resource");
            y.item_kv(18, "Ref", "OpenSearchDomainArn");
            y.item_kv(18, "Fn::Sub", &quote("${OpenSearchDomainArn}/*"));
        }
        if uses_lambda(f) {
            y.item_kv(14, "Effect", "Allow");
            y.list(16, "Action", &["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"]);
            y.ref_(16, "Resource", "TransformFunctionArn");
        }

        if f.transform_program.lines().any(|line| line.trim_start().starts_with("fail if")) {
            y.comment(2, "The transform fails some records: they land under the processing-failed error prefix.");
        }
        y.key(2, &id);
        y.kv(4, "Type", "AWS::KinesisFirehose::DeliveryStream");
        y.key(4, "Properties");
        y.kv(6, "DeliveryStreamName", &quote(&node.name));
        match source {
            Some(stream) => {
                y.kv(6, "DeliveryStreamType", "KinesisStreamAsSource");
                y.key(6, "KinesisStreamSourceConfiguration");
                y.get_att(8, "KinesisStreamARN", &ids.get(stream.id), "Arn");
                y.get_att(8, "RoleARN", &role, "Arn");
            }
            None => y.kv(6, "DeliveryStreamType", "DirectPut"),
        }
        let hints = |y: &mut Yaml, indent: usize, size_max: u32| {
            y.key(indent, "BufferingHints");
            y.kv(indent + 2, "IntervalInSeconds", &f.buffer_interval_s.to_string());
            y.kv(indent + 2, "SizeInMBs", &f.buffer_size_mib.min(size_max).to_string());
        };
        let s3_config = |y: &mut Yaml, indent: usize, compression: &str| {
            y.key(indent, "S3Configuration");
            y.get_att(indent + 2, "BucketARN", &bucket, "Arn");
            y.get_att(indent + 2, "RoleARN", &role, "Arn");
            y.kv(indent + 2, "CompressionFormat", compression);
        };
        match dest.kind {
            DestinationKind::S3 => {
                y.key(6, "ExtendedS3DestinationConfiguration");
                y.get_att(8, "BucketARN", &bucket, "Arn");
                y.get_att(8, "RoleARN", &role, "Arn");
                hints(y, 8, 128);
                y.kv(8, "CompressionFormat", f.compression.as_str());
                if !f.s3_prefix.is_empty() {
                    y.kv(8, "Prefix", &quote(&f.s3_prefix));
                }
                if f.s3_prefix.contains("!{") {
                    y.kv(8, "ErrorOutputPrefix", &quote(ERROR_OUTPUT_PREFIX));
                }
                processing(y, 8, f);
            }
            DestinationKind::Redshift => {
                y.key(6, "RedshiftDestinationConfiguration");
                y.ref_(8, "ClusterJDBCURL", "RedshiftJdbcUrl");
                y.key(8, "SecretsManagerConfiguration");
                y.kv(10, "Enabled", "true");
                y.ref_(10, "SecretARN", "RedshiftSecretArn");
                y.get_att(8, "RoleARN", &role, "Arn");
                y.key(8, "RetryOptions");
                y.kv(10, "DurationInSeconds", &f.retry_duration_s.to_string());
                y.key(8, "CopyCommand");
                y.kv(10, "DataTableName", &quote(&dest.target));
                // The intermediate bucket may not use Snappy or ZIP (`docs/aws-behaviour.md` §5.8).
                let compression = if f.compression == Compression::Gzip { "GZIP" } else { "UNCOMPRESSED" };
                s3_config(y, 8, compression);
                y.key(10, "BufferingHints");
                y.kv(12, "IntervalInSeconds", &f.buffer_interval_s.to_string());
                y.kv(12, "SizeInMBs", &f.buffer_size_mib.to_string());
                processing(y, 8, f);
            }
            DestinationKind::OpenSearch => {
                y.key(6, "AmazonopensearchserviceDestinationConfiguration");
                y.ref_(8, "DomainARN", "OpenSearchDomainArn");
                y.kv(8, "IndexName", &quote(&dest.target));
                y.key(8, "RetryOptions");
                y.kv(10, "DurationInSeconds", &f.retry_duration_s.to_string());
                y.get_att(8, "RoleARN", &role, "Arn");
                hints(y, 8, 100);
                s3_config(y, 8, "UNCOMPRESSED");
                processing(y, 8, f);
            }
            DestinationKind::HttpEndpoint => {
                y.key(6, "HttpEndpointDestinationConfiguration");
                y.key(8, "EndpointConfiguration");
                y.kv(10, "Url", &quote(&dest.target));
                y.kv(10, "Name", &quote(&dest_node.name));
                y.get_att(8, "RoleARN", &role, "Arn");
                hints(y, 8, 64);
                y.key(8, "RetryOptions");
                y.kv(10, "DurationInSeconds", &f.retry_duration_s.to_string());
                y.key(8, "RequestConfiguration");
                let encoding = if f.compression == Compression::Gzip { "GZIP" } else { "NONE" };
                y.kv(10, "ContentEncoding", encoding);
                s3_config(y, 8, "UNCOMPRESSED");
                processing(y, 8, f);
            }
        }
    }

    /// An AWS CLI (bash) script creating the same resources as [`Self::to_cloudformation`] for S3
    /// destinations; other destinations are left to the template.
    pub fn to_aws_cli(&self, findings: Option<&Findings>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "#!/usr/bin/env bash");
        let _ = writeln!(
            out,
            "# Exported from the Shardlab scenario \"{}\" (engine {}).",
            one_line(&self.name),
            self.engine_version
        );
        let _ = writeln!(out, "# Uses the AWS CLI v2 with your default profile and Region.");
        let _ = writeln!(out, "set -euo pipefail\n");
        if self.pipeline.nodes.iter().any(|n| matches!(&n.kind, NodeKind::Firehose(f) if uses_lambda(f))) {
            let _ = writeln!(out, "# The Firehose transform is your Lambda function: pass its ARN.");
            let _ = writeln!(
                out,
                "TRANSFORM_FUNCTION_ARN=${{TRANSFORM_FUNCTION_ARN:?set it to the ARN of your transform function}}\n"
            );
        }
        for node in &self.pipeline.nodes {
            if let NodeKind::VideoStream(v) = &node.kind {
                let _ = writeln!(
                    out,
                    "aws kinesisvideo create-stream --stream-name {} --data-retention-in-hours {} --media-type {}",
                    shell(&node.name),
                    v.retention_hours,
                    shell(&v.media_type)
                );
            }
        }
        if let Some((stream, s)) = self.stream_node() {
            for note in self.limit_notes(findings) {
                let _ = writeln!(out, "# {}", one_line(&note));
            }
            let name = shell(&stream.name);
            match s.capacity_mode {
                CapacityMode::Provisioned => {
                    let _ =
                        writeln!(out, "aws kinesis create-stream --stream-name {name} --shard-count {}", s.shard_count);
                }
                CapacityMode::OnDemand => {
                    let _ = writeln!(
                        out,
                        "aws kinesis create-stream --stream-name {name} --stream-mode-details StreamMode=ON_DEMAND"
                    );
                }
            }
            let _ = writeln!(out, "aws kinesis wait stream-exists --stream-name {name}");
            if s.retention_hours > 24 {
                let _ = writeln!(
                    out,
                    "aws kinesis increase-stream-retention-period --stream-name {name} --retention-period-hours {}",
                    s.retention_hours
                );
            }
            let _ = writeln!(
                out,
                "STREAM_ARN=$(aws kinesis describe-stream-summary --stream-name {name} \
                 --query StreamDescriptionSummary.StreamARN --output text)"
            );
            for consumer in self.pipeline.targets(stream.id) {
                match &consumer.kind {
                    NodeKind::Consumer(c) if c.style == ConsumerStyle::EnhancedFanOut => {
                        let _ = writeln!(
                            out,
                            "aws kinesis register-stream-consumer --stream-arn \"$STREAM_ARN\" --consumer-name {}",
                            shell(&consumer.name)
                        );
                    }
                    NodeKind::Consumer(c) if c.style == ConsumerStyle::Lambda => {
                        let variable = env_name(&consumer.name) + "_FUNCTION";
                        let bisect = if c.lambda_bisect_on_error == YesNo::Yes {
                            "--bisect-batch-on-function-error"
                        } else {
                            "--no-bisect-batch-on-function-error"
                        };
                        let _ = writeln!(
                            out,
                            "aws lambda create-event-source-mapping --function-name \"${{{variable}:?set it to the function consumer '{}' runs}}\" \
                             --event-source-arn \"$STREAM_ARN\" --starting-position {}{} --batch-size {} \
                             --maximum-batching-window-in-seconds {} --parallelization-factor {} {bisect} \
                             --maximum-retry-attempts {}",
                            consumer.name,
                            c.start.as_str(),
                            if c.start == StartPosition::AtTimestamp {
                                format!(" --starting-position-timestamp {}", at_timestamp_unix_s(c))
                            } else {
                                String::new()
                            },
                            c.lambda_batch_size,
                            c.lambda_batching_window_s,
                            c.lambda_parallelization_factor,
                            c.lambda_max_retry_attempts
                        );
                    }
                    _ => {}
                }
            }
        }
        for node in &self.pipeline.nodes {
            if let NodeKind::Firehose(f) = &node.kind {
                self.cli_firehose(&mut out, node, f);
            }
        }
        out
    }

    fn cli_firehose(&self, out: &mut String, node: &Node, f: &FirehoseParams) {
        let dest = self.pipeline.targets(node.id).find_map(|t| match &t.kind {
            NodeKind::Destination(d) => Some(d),
            _ => None,
        });
        let Some(dest) = dest.filter(|d| d.kind == DestinationKind::S3) else {
            let _ = writeln!(
                out,
                "\n# Firehose '{}': only S3 destinations are scripted here; use the CloudFormation export.",
                node.name
            );
            return;
        };
        let from_stream = self.pipeline.sources(node.id).any(|n| matches!(n.kind, NodeKind::DataStream(_)));
        // IAM role names have at most 64 characters.
        let role = format!("{}-firehose-role", node.name.chars().take(48).collect::<String>());
        let bucket_arn = format!("arn:aws:s3:::{}", dest.target);
        let _ = writeln!(out, "\n# Firehose '{}' to s3://{}", node.name, dest.target);
        let _ =
            writeln!(out, "# (outside us-east-1, add --create-bucket-configuration LocationConstraint=<your Region>)");
        let _ = writeln!(out, "aws s3api create-bucket --bucket {}", shell(&dest.target));
        let trust = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "firehose.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }],
        });
        let _ = writeln!(
            out,
            "ROLE_ARN=$(aws iam create-role --role-name {} --assume-role-policy-document {} --query Role.Arn --output text)",
            shell(&role),
            shell(&trust.to_string())
        );
        let mut statements = alloc::vec![
            json!({"Effect": "Allow", "Action": S3_ACTIONS, "Resource": [bucket_arn, format!("{bucket_arn}/*")]})
        ];
        if from_stream {
            statements.push(json!({"Effect": "Allow", "Action": KINESIS_READ_ACTIONS, "Resource": "@STREAM_ARN@"}));
        }
        if uses_lambda(f) {
            statements.push(json!({
                "Effect": "Allow",
                "Action": ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
                "Resource": "@FUNCTION_ARN@",
            }));
        }
        let policy = json!({"Version": "2012-10-17", "Statement": statements});
        let _ = writeln!(out, "POLICY={}", shell(&policy.to_string()));
        let _ = writeln!(out, "POLICY=${{POLICY//@STREAM_ARN@/${{STREAM_ARN:-}}}}");
        let _ = writeln!(out, "POLICY=${{POLICY//@FUNCTION_ARN@/${{TRANSFORM_FUNCTION_ARN:-}}}}");
        let _ = writeln!(
            out,
            "aws iam put-role-policy --role-name {} --policy-name firehose-delivery --policy-document \"$POLICY\"",
            shell(&role)
        );
        let _ = writeln!(out, "sleep 10 # a new IAM role takes a few seconds to be usable");
        let mut config = json!({
            "RoleARN": "@ROLE_ARN@",
            "BucketARN": bucket_arn,
            "BufferingHints": {"SizeInMBs": f.buffer_size_mib, "IntervalInSeconds": f.buffer_interval_s},
            "CompressionFormat": f.compression.as_str(),
        });
        if !f.s3_prefix.is_empty() {
            config["Prefix"] = Value::from(f.s3_prefix.clone());
        }
        if f.s3_prefix.contains("!{") {
            config["ErrorOutputPrefix"] = Value::from(ERROR_OUTPUT_PREFIX);
        }
        if let Some(processors) = processors_json(f) {
            config["ProcessingConfiguration"] = json!({"Enabled": true, "Processors": processors});
        }
        let _ = writeln!(out, "CONFIG={}", shell(&config.to_string()));
        let _ = writeln!(out, "CONFIG=${{CONFIG//@ROLE_ARN@/$ROLE_ARN}}");
        let _ = writeln!(out, "CONFIG=${{CONFIG//@FUNCTION_ARN@/${{TRANSFORM_FUNCTION_ARN:-}}}}");
        let source = if from_stream {
            "--delivery-stream-type KinesisStreamAsSource \
             --kinesis-stream-source-configuration \"KinesisStreamARN=$STREAM_ARN,RoleARN=$ROLE_ARN\""
        } else {
            "--delivery-stream-type DirectPut"
        };
        let _ = writeln!(
            out,
            "aws firehose create-delivery-stream --delivery-stream-name {} {source} \
             --extended-s3-destination-configuration \"$CONFIG\"",
            shell(&node.name)
        );
    }

    /// The Kinesis Agent's `agent.json`: one flow per agent node connected to a data stream or delivery stream.
    pub fn to_agent_json(&self) -> Result<String, String> {
        let mut flows = Vec::new();
        for node in &self.pipeline.nodes {
            let NodeKind::KinesisAgent(a) = &node.kind else { continue };
            let Some(target) = self.pipeline.targets(node.id).next() else { continue };
            let mut flow = serde_json::Map::new();
            flow.insert("filePattern".into(), Value::from(a.file_pattern.clone()));
            match target.kind {
                NodeKind::DataStream(_) => {
                    flow.insert("kinesisStream".into(), Value::from(target.name.clone()));
                    flow.insert("partitionKeyOption".into(), Value::from(a.partition_key_option.as_str()));
                }
                _ => {
                    flow.insert("deliveryStream".into(), Value::from(target.name.clone()));
                }
            }
            let option = match a.processing {
                AgentProcessing::None => None,
                AgentProcessing::Singleline => Some(json!({"optionName": "SINGLELINE"})),
                AgentProcessing::CsvToJson => Some(json!({
                    "optionName": "CSVTOJSON",
                    "customFieldNames": a.csv_field_names.split(',').map(str::trim).collect::<Vec<_>>(),
                })),
                AgentProcessing::LogToJson => {
                    Some(json!({"optionName": "LOGTOJSON", "logFormat": a.log_format.as_str()}))
                }
            };
            if let Some(option) = option {
                flow.insert("dataProcessingOptions".into(), Value::Array(alloc::vec![option]));
            }
            flow.insert("maxBufferAgeMillis".into(), Value::from(a.max_buffer_age_millis));
            flow.insert("maxBufferSizeRecords".into(), Value::from(a.max_buffer_size_records));
            flow.insert("maxBufferSizeBytes".into(), Value::from(a.max_buffer_size_bytes));
            flows.push(Value::Object(flow));
        }
        if flows.is_empty() {
            return Err(
                "the scenario has no Kinesis Agent connected to a data stream or Firehose delivery stream".into()
            );
        }
        let config = json!({"cloudwatch.emitMetrics": true, "flows": flows});
        // A `Value` always serializes.
        Ok(serde_json::to_string_pretty(&config).unwrap_or_default() + "\n")
    }
}

const S3_ACTIONS: [&str; 6] = [
    "s3:AbortMultipartUpload",
    "s3:GetBucketLocation",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:PutObject",
];

const OPENSEARCH_ACTIONS: [&str; 5] =
    ["es:DescribeDomain", "es:DescribeDomains", "es:DescribeDomainConfig", "es:ESHttpPost", "es:ESHttpPut"];

const KINESIS_READ_ACTIONS: [&str; 4] =
    ["kinesis:DescribeStream", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"];

/// A consumer's `AT_TIMESTAMP` time in Unix seconds, on the simulated clock (which starts at the engine's epoch).
fn at_timestamp_unix_s(c: &ConsumerParams) -> u64 {
    shardlab_engine::SimConfig::default().epoch_unix_ms / 1_000 + u64::from(c.start_timestamp_s)
}

fn uses_lambda(f: &FirehoseParams) -> bool {
    !f.transform_program.trim().is_empty()
}

fn processors_json(f: &FirehoseParams) -> Option<Value> {
    let mut processors = Vec::new();
    if uses_lambda(f) {
        processors.push(json!({
            "Type": "Lambda",
            "Parameters": [{"ParameterName": "LambdaArn", "ParameterValue": "@FUNCTION_ARN@"}],
        }));
    }
    if f.append_newline == YesNo::Yes {
        processors.push(json!({"Type": "AppendDelimiterToRecord"}));
    }
    (!processors.is_empty()).then_some(Value::Array(processors))
}

fn processing(y: &mut Yaml, indent: usize, f: &FirehoseParams) {
    if !uses_lambda(f) && f.append_newline == YesNo::No {
        return;
    }
    y.key(indent, "ProcessingConfiguration");
    y.kv(indent + 2, "Enabled", "true");
    y.key(indent + 2, "Processors");
    if uses_lambda(f) {
        let which = FirehoseTransform::of_program(&f.transform_program);
        y.comment(
            indent + 4,
            &format!("Your Lambda function, doing what the scenario's '{}' transform does.", which.as_str()),
        );
        y.item_kv(indent + 4, "Type", "Lambda");
        y.key(indent + 6, "Parameters");
        y.item_kv(indent + 8, "ParameterName", "LambdaArn");
        y.ref_(indent + 10, "ParameterValue", "TransformFunctionArn");
    }
    if f.append_newline == YesNo::Yes {
        y.item_kv(indent + 4, "Type", "AppendDelimiterToRecord");
    }
}

fn param(y: &mut Yaml, name: &str, description: &str) {
    y.key(2, name);
    y.kv(4, "Type", "String");
    y.kv(4, "Description", &quote(description));
}

/// CloudFormation logical ids: letters and digits from the node name, with the kind as suffix.
struct LogicalIds(SortedMap<NodeId, String>);

impl LogicalIds {
    fn new(scenario: &Scenario) -> Self {
        let mut ids: SortedMap<NodeId, String> = SortedMap::new();
        for node in &scenario.pipeline.nodes {
            let mut id = String::new();
            for word in node.name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    id.push(first.to_ascii_uppercase());
                    id.extend(chars);
                }
            }
            if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
                id.insert(0, 'N');
            }
            id.push_str(match node.kind {
                NodeKind::DataStream(_) => "Stream",
                NodeKind::Consumer(_) => "Consumer",
                NodeKind::Firehose(_) => "DeliveryStream",
                NodeKind::Destination(_) => "Bucket",
                NodeKind::VideoStream(_) => "VideoStream",
                _ => "",
            });
            if ids.values().any(|taken| *taken == id) {
                id.push_str(&node.id.to_string());
            }
            ids.insert(node.id, id);
        }
        Self(ids)
    }

    fn get(&self, node: NodeId) -> String {
        self.0.get(&node).cloned().unwrap_or_else(|| format!("Node{node}"))
    }
}

/// A tiny block-style YAML writer: just what the template needs.
#[derive(Default)]
struct Yaml {
    out: String,
}

impl Yaml {
    fn line(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
    }
    fn comment(&mut self, indent: usize, text: &str) {
        self.line(indent, &format!("# {}", one_line(text)));
    }
    fn key(&mut self, indent: usize, key: &str) {
        self.line(indent, &format!("{key}:"));
    }
    fn kv(&mut self, indent: usize, key: &str, value: &str) {
        self.line(indent, &format!("{key}: {value}"));
    }
    /// A list item that is a mapping, opened with its first key (`- key: value`); `indent` is the dash's.
    fn item_kv(&mut self, indent: usize, key: &str, value: &str) {
        self.line(indent, &format!("- {key}: {value}"));
    }
    fn list(&mut self, indent: usize, key: &str, items: &[&str]) {
        self.key(indent, key);
        for item in items {
            self.line(indent + 2, &format!("- {}", quote(item)));
        }
    }
    fn get_att(&mut self, indent: usize, key: &str, resource: &str, attribute: &str) {
        self.key(indent, key);
        self.key(indent + 2, "Fn::GetAtt");
        self.line(indent + 4, &format!("- {resource}"));
        self.line(indent + 4, &format!("- {attribute}"));
    }
    fn item_get_att(&mut self, indent: usize, resource: &str, attribute: &str) {
        self.line(indent, "- Fn::GetAtt:");
        self.line(indent + 4, &format!("- {resource}"));
        self.line(indent + 4, &format!("- {attribute}"));
    }
    fn ref_(&mut self, indent: usize, key: &str, target: &str) {
        self.key(indent, key);
        self.kv(indent + 2, "Ref", target);
    }
}

/// A YAML double-quoted scalar (JSON string escapes are valid YAML).
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// Text for a one-line comment.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// An environment variable name from a node name: `ledger-lambda` becomes `LEDGER_LAMBDA`.
fn env_name(name: &str) -> String {
    let mut out: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'N');
    }
    out
}

/// A single-quoted shell word: nothing inside is expanded.
fn shell(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mib_per_sec_rounds_to_one_decimal() {
        assert_eq!(mib_per_sec(1_048_576), "1.0 MiB/s");
        // 1.3 MiB = 1,363,148.8 bytes.
        assert_eq!(mib_per_sec(1_363_149), "1.3 MiB/s");
        assert_eq!(mib_per_sec(0), "0.0 MiB/s");
    }

    #[test]
    fn shards_follow_both_write_limits() {
        assert_eq!(shards_for(1_500, 100), 2);
        assert_eq!(shards_for(10, 1_363_149), 2);
        assert_eq!(shards_for(0, 0), 1);
    }

    #[test]
    fn shell_words_cannot_expand() {
        assert_eq!(shell("a'b $(rm)"), "'a'\\''b $(rm)'");
    }

    #[test]
    fn a_throttled_run_recommends_shards() {
        let scenario = Scenario::default();
        // 1.3 MiB/s at 1,300 records/s of about 1 KiB over the 2 shards' 2 MiB/s would not throttle; on one
        // shard it would.
        let findings = Findings {
            shards_open: 1,
            stream_demand_records_per_sec_peak: 1_300,
            stream_demand_bytes_per_sec_peak: 1_363_149,
            shard_demand_records_per_sec_peak: 1_300,
            write_throttled_records: 300,
            read_throttled_calls: 0,
        };
        let notes = scenario.limit_notes(Some(&findings));
        assert_eq!(notes, ["This stream throttled at 1.3 MiB/s (1300 records/s): 2 shards recommended."]);
        let template = scenario.to_cloudformation(Some(&findings));
        assert!(template.contains("  # This stream throttled at 1.3 MiB/s (1300 records/s): 2 shards recommended.\n"));
    }

    #[test]
    fn a_hot_key_is_named_as_such() {
        let findings = Findings {
            shards_open: 4,
            stream_demand_records_per_sec_peak: 2_000,
            stream_demand_bytes_per_sec_peak: 1_000_000,
            shard_demand_records_per_sec_peak: 1_400,
            write_throttled_records: 4_000,
            read_throttled_calls: 0,
        };
        let notes = Scenario::default().limit_notes(Some(&findings));
        assert!(notes[0].contains("Spread the partition keys"), "{notes:?}");
    }

    #[test]
    fn configured_overload_is_noted_without_a_run() {
        let mut scenario = Scenario::default();
        scenario.pipeline.nodes[0].set_param("records_per_sec", "3000").unwrap();
        // 3,000 records/s of 1,024 bytes: 3 shards by records, 3 by bytes (2.9 MiB/s).
        let notes = scenario.limit_notes(None);
        assert_eq!(
            notes,
            [
                "The producers ask for up to 3000 records/s and 2.9 MiB/s at their peak; 2 shard(s) take 2000 records/s and 2.0 MiB/s: 3 shards recommended."
            ]
        );
    }

    #[test]
    fn a_kpl_producers_records_are_counted_as_user_records() {
        // Issue 22: a KPL producer's overload read "ask for up to 0 records/s".
        let mut scenario = Scenario::default();
        scenario.pipeline.nodes[0].set_param("records_per_sec", "3000").unwrap();
        scenario.pipeline.nodes[0].set_param("client", "kpl").unwrap();
        let notes = scenario.limit_notes(None);
        assert_eq!(
            notes,
            [
                "The producers ask for up to 3000 user records/s, which the KPL aggregates (so bytes count), and 2.9 MiB/s at their peak; 2 shard(s) take 2000 records/s and 2.0 MiB/s: 3 shards recommended."
            ]
        );
    }
}
