//! From a scenario to the engine's [`SimConfig`] and the [`NodeMap`] of what each node runs as.

use crate::model::*;
use crate::node_map::{Entity, NodeMap, NotSimulated};
use crate::{Action, NodeId, NodeKind, PIPELINES, Problem, Scenario, VIDEO};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use shardlab_engine::agent::{AgentConfig, LogSource, PartitionKeyOption, ProcessingOption};
use shardlab_engine::analytics_app::{
    AnalyticsAppConfig, AnalyticsDestination, DestinationKind as AnalyticsOutputKind, SqlDialect,
};
use shardlab_engine::consumer_app::{ConsumerAppConfig, KclConfig, LambdaConfig, ReadStyle, RecordOutput, StartAt};
use shardlab_engine::dedup::Deduplicate;
use shardlab_engine::firehose::compress::Compression as FirehoseCompression;
use shardlab_engine::firehose::config::{ACTIVE_PARTITIONS_DEFAULT, DynamicPartitioning, IndexRotation};
use shardlab_engine::firehose::{
    BufferingHints, DeliveryStreamConfig, DestinationConfig, DestinationKind as FirehoseDestinationKind, DirectPutFeed,
    ProcessingConfig, S3Settings, Source as FirehoseSource,
};
use shardlab_engine::limits::ON_DEMAND_INITIAL_SHARDS;
use shardlab_engine::producer::{ClientStyle, KplConfig, RetryPolicy};
use shardlab_engine::template::PayloadTemplate;
use shardlab_engine::video::{
    CameraConfig, HlsPlaybackMode, StartSelector, VideoConsumerConfig, VideoConsumerKind, VideoStreamConfig,
};
use shardlab_engine::workload::{KeyProfile, RateProfile, SizeProfile};
use shardlab_engine::{Command, ProducerConfig, ScheduledCommand, SimConfig, StreamConfig, StreamMode};

impl Scenario {
    /// The engine configuration for this scenario with the [`NodeMap`] from each node to what it runs as, or
    /// every problem (the scenario's, then the engine's).
    ///
    /// Every data stream becomes one of the run's streams; producers and Kinesis Agents write to the stream
    /// or delivery stream they are connected to; consumers and Analytics applications read the stream they
    /// are connected to and write their output to the stream or delivery stream they are connected to; a
    /// producer writing to a Firehose node is one of its Direct PUT feeds. Each kind keeps node order, so a
    /// scenario's engine indices do not depend on its streams. See [`Self::not_simulated`] for the rest.
    ///
    /// A build without this crate's `pipelines` or `video` feature refuses a scenario with nodes it leaves
    /// out, naming each ([`Self::left_out_problems`]).
    pub fn to_sim_config(&self) -> Result<(SimConfig, NodeMap), Vec<Problem>> {
        self.validate()?;
        let left_out = self.left_out_problems();
        if !left_out.is_empty() {
            return Err(left_out);
        }
        let nodes = &self.pipeline.nodes;
        let mut map = NodeMap::default();
        let mut config = SimConfig {
            seed: self.seed,
            streams: Vec::new(),
            producers: Vec::new(),
            consumers: Vec::new(),
            agents: Vec::new(),
            analytics: Vec::new(),
            scheduled: Vec::new(),
            ..SimConfig::default()
        };
        // The data stream a node reads, and where a node writes, by name and kind.
        let source_stream = |id: NodeId| {
            self.pipeline.sources(id).find(|n| matches!(n.kind, NodeKind::DataStream(_))).map(|n| n.name.clone())
        };
        let output = |id: NodeId| {
            self.pipeline.targets(id).find_map(|n| match n.kind {
                NodeKind::DataStream(_) => Some((n.name.clone(), OutputKind::DataStream)),
                NodeKind::Firehose(_) => Some((n.name.clone(), OutputKind::Firehose)),
                _ => None,
            })
        };
        for node in nodes {
            match &node.kind {
                NodeKind::DataStream(s) => {
                    map.insert(node.id, Entity::Stream { stream_name: node.name.clone() });
                    config.streams.push(StreamConfig {
                        mode: match s.capacity_mode {
                            CapacityMode::Provisioned => StreamMode::Provisioned,
                            CapacityMode::OnDemand => StreamMode::OnDemand,
                        },
                        shard_count: match s.capacity_mode {
                            CapacityMode::Provisioned => s.shard_count,
                            CapacityMode::OnDemand => ON_DEMAND_INITIAL_SHARDS,
                        },
                        retention_hours: s.retention_hours,
                        extra_throttle_percent: s.extra_throttle_percent,
                        get_records_visibility_ms: u64::from(s.get_records_visibility_ms),
                        fan_out_visibility_ms: u64::from(s.fan_out_visibility_ms),
                        ..StreamConfig::provisioned(&node.name, s.shard_count)
                    });
                }
                NodeKind::Producer(p) => {
                    if let Some((stream_name, OutputKind::DataStream)) = output(node.id) {
                        map.insert(node.id, Entity::Producer { index: config.producers.len() });
                        config.producers.push(producer_config(&node.name, p, stream_name));
                    }
                }
                NodeKind::KinesisAgent(a) if PIPELINES => match output(node.id) {
                    Some((stream_name, OutputKind::DataStream)) => {
                        map.insert(node.id, Entity::Agent { index: config.agents.len() });
                        config.agents.push(agent_config(a, &stream_name, None));
                    }
                    Some((delivery_stream, OutputKind::Firehose)) => {
                        map.insert(node.id, Entity::Agent { index: config.agents.len() });
                        config.agents.push(agent_config(a, "", Some(delivery_stream)));
                    }
                    None => {}
                },
                NodeKind::Consumer(c) => {
                    if let Some(stream_name) = source_stream(node.id) {
                        map.insert(node.id, Entity::Consumer { index: config.consumers.len() });
                        let to = output(node.id)
                            .map(|(stream_name, kind)| RecordOutput { stream_name, kind: kind.engine() });
                        config.consumers.push(consumer_config(&node.name, c, stream_name, to));
                    }
                }
                NodeKind::Analytics(a) if PIPELINES => {
                    if let Some(stream_name) = source_stream(node.id) {
                        map.insert(node.id, Entity::Analytics { index: config.analytics.len() });
                        let destination = match output(node.id) {
                            Some((name, kind)) => Some((name, kind)),
                            // Straight to a destination: through a Direct PUT delivery stream made for it.
                            None => self
                                .pipeline
                                .targets(node.id)
                                .find(|n| matches!(n.kind, NodeKind::Destination(_)))
                                .map(|d| (implicit_delivery_stream(node.id, &d.name), OutputKind::Firehose)),
                        };
                        config.analytics.push(AnalyticsAppConfig {
                            name: node.name.clone(),
                            stream_name,
                            dialect: match a.dialect {
                                AnalyticsDialect::KdaSql => SqlDialect::Kda,
                                AnalyticsDialect::FlinkSql => SqlDialect::Flink,
                            },
                            sql: a.sql.clone(),
                            start: start_at(a.start, 0),
                            destination: destination.map(|(stream_name, kind)| AnalyticsDestination {
                                from: String::new(),
                                stream_name,
                                kind: kind.engine(),
                            }),
                            ..AnalyticsAppConfig::default()
                        });
                    }
                }
                NodeKind::Firehose(f) if PIPELINES => {
                    if let Some(delivery) = self.delivery_stream_config(node.id, &node.name, f, &mut map) {
                        map.insert(node.id, Entity::DeliveryStream { name: node.name.clone() });
                        config.delivery_streams.push(delivery);
                    }
                }
                NodeKind::VideoStream(v) if VIDEO => {
                    map.insert(node.id, Entity::VideoStream { stream_name: node.name.clone() });
                    config.video.streams.push(VideoStreamConfig {
                        name: node.name.clone(),
                        retention_hours: v.retention_hours,
                        media_type: v.media_type.clone(),
                    });
                }
                NodeKind::Camera(c) if VIDEO => {
                    let stream = self.pipeline.targets(node.id).find(|n| matches!(n.kind, NodeKind::VideoStream(_)));
                    if let Some(stream) = stream {
                        map.insert(node.id, Entity::Camera { index: config.video.cameras.len() });
                        config.video.cameras.push(CameraConfig {
                            name: node.name.clone(),
                            stream_name: stream.name.clone(),
                            bitrate_kbps: c.bitrate_kbps,
                            frame_rate: c.frame_rate,
                            fragment_duration_ms: c.fragment_duration_ms,
                        });
                    }
                }
                NodeKind::VideoConsumer(c) if VIDEO => {
                    let stream = self.pipeline.sources(node.id).find(|n| matches!(n.kind, NodeKind::VideoStream(_)));
                    if let Some(stream) = stream {
                        map.insert(node.id, Entity::VideoConsumer { index: config.video.consumers.len() });
                        config.video.consumers.push(VideoConsumerConfig {
                            name: node.name.clone(),
                            stream_name: stream.name.clone(),
                            kind: video_consumer_kind(c),
                            start_at_ms: c.start_at_ms,
                        });
                    }
                }
                // Destinations below; a kind this build leaves out was refused above.
                _ => {}
            }
        }
        // Destinations: the delivery streams that run and deliver to them, and those made for Analytics
        // applications connected straight to them.
        for node in nodes.iter().filter(|n| PIPELINES && matches!(n.kind, NodeKind::Destination(_))) {
            let mut delivery_streams = Vec::new();
            for source in self.pipeline.sources(node.id) {
                match source.kind {
                    NodeKind::Firehose(_) if map.delivery_stream(source.id).is_some() => {
                        delivery_streams.push(source.name.clone());
                    }
                    NodeKind::Analytics(_) if map.analytics(source.id).is_some() => {
                        let name = implicit_delivery_stream(source.id, &node.name);
                        let params = FirehoseParams::default();
                        let mut delivery =
                            self.firehose_delivery(&name, &params, Some(node), FirehoseSource::DirectPut);
                        delivery.feeds.clear();
                        config.delivery_streams.push(delivery);
                        delivery_streams.push(name);
                    }
                    _ => {}
                }
            }
            if !delivery_streams.is_empty() {
                map.insert(node.id, Entity::Destination { delivery_streams });
            }
        }
        let index_of = |node: NodeId, pick: fn(&NodeMap, NodeId) -> Option<usize>| pick(&map, node).map(|i| i as u32);
        for event in &self.scheduled {
            let command = match event.action {
                Action::SetProducerRate { producer, records_per_sec } => index_of(producer, NodeMap::producer)
                    .map(|producer| Command::SetProducerRate { producer, records_per_sec }),
                Action::RestartAgent { agent } => {
                    index_of(agent, NodeMap::agent).map(|agent| Command::RestartAgent { agent })
                }
                Action::AddWorker { consumer } => {
                    index_of(consumer, NodeMap::consumer).map(|consumer| Command::AddWorker { consumer })
                }
                Action::CrashWorker { consumer, worker } => {
                    index_of(consumer, NodeMap::consumer).map(|consumer| Command::CrashWorker { consumer, worker })
                }
                Action::DestinationOutage { firehose, duration_ms } => map
                    .delivery_stream(firehose)
                    .map(|name| Command::DestinationOutage { delivery_stream: name.into(), duration_ms }),
                Action::DestinationSlowdown { firehose, delay_ms, duration_ms } => map
                    .delivery_stream(firehose)
                    .map(|name| Command::DestinationSlowdown { delivery_stream: name.into(), delay_ms, duration_ms }),
                Action::UpdateShardCount { stream, target_shards } => {
                    map.stream(stream).map(|name| Command::UpdateShardCount { stream_name: name.into(), target_shards })
                }
                Action::SplitShard { stream, shard } => {
                    map.stream(stream).map(|name| Command::SplitShard { stream_name: name.into(), shard })
                }
                Action::MergeShards { stream, shard, adjacent_shard } => map
                    .stream(stream)
                    .map(|name| Command::MergeShards { stream_name: name.into(), shard, adjacent_shard }),
                Action::SetRetention { stream, hours } => {
                    map.stream(stream).map(|name| Command::SetRetention { stream_name: name.into(), hours })
                }
                Action::SwitchCapacityMode { stream, mode } => map.stream(stream).map(|name| {
                    let mode = match mode {
                        CapacityMode::Provisioned => StreamMode::Provisioned,
                        CapacityMode::OnDemand => StreamMode::OnDemand,
                    };
                    Command::UpdateStreamMode { stream_name: name.into(), mode }
                }),
                Action::DropCameraConnection { camera, duration_ms } => index_of(camera, NodeMap::camera)
                    .map(|camera| Command::DropCameraConnection { camera, duration_ms }),
            };
            if let Some(command) = command {
                config.scheduled.push(ScheduledCommand { at_ms: event.at_ms, command });
            }
        }
        config
            .validate()
            .map_err(|err| err.problems.into_iter().map(|m| Problem::new("engine", m)).collect::<Vec<_>>())?;
        Ok((config, map))
    }

    /// A Firehose node as a delivery stream: its source is the data stream connected to it, or Direct PUT
    /// (producers writing to it, each simulated as a PutRecordBatch feed, and Kinesis Agents, consumers and
    /// Analytics applications sending to it); its destination is the destination node it delivers to (an S3
    /// bucket when none is connected). `None` when nothing feeds it.
    fn delivery_stream_config(
        &self,
        id: NodeId,
        name: &str,
        f: &FirehoseParams,
        map: &mut NodeMap,
    ) -> Option<DeliveryStreamConfig> {
        let sources: Vec<&crate::Node> = self.pipeline.sources(id).collect();
        let from_stream = sources.iter().find(|n| matches!(n.kind, NodeKind::DataStream(_)));
        let writers = sources.iter().any(|n| {
            matches!(n.kind, NodeKind::KinesisAgent(_))
                || matches!(n.kind, NodeKind::Consumer(_) | NodeKind::Analytics(_))
                    && self.pipeline.sources(n.id).any(|s| matches!(s.kind, NodeKind::DataStream(_)))
        });
        let producers: Vec<&&crate::Node> =
            sources.iter().filter(|n| matches!(n.kind, NodeKind::Producer(_))).collect();
        if from_stream.is_none() && producers.is_empty() && !writers {
            return None;
        }
        let target = self.pipeline.targets(id).find(|n| matches!(n.kind, NodeKind::Destination(_)));
        let source = match from_stream {
            Some(stream) => FirehoseSource::KinesisStream { stream_name: stream.name.clone() },
            None => FirehoseSource::DirectPut,
        };
        let mut delivery = self.firehose_delivery(name, f, target, source);
        if from_stream.is_none() {
            for producer in producers {
                let NodeKind::Producer(p) = &producer.kind else { continue };
                map.insert(
                    producer.id,
                    Entity::DirectPutFeed { delivery_stream: name.into(), feed: delivery.feeds.len() },
                );
                delivery.feeds.push(DirectPutFeed {
                    records_per_sec: p.records_per_sec,
                    record_bytes: p.record_bytes,
                    payload: payload_template(p.payload),
                    batch_records: 500,
                });
            }
        }
        Some(delivery)
    }

    /// A delivery stream named `name` with the Firehose parameters `f`, delivering to `target` (an S3
    /// bucket when there is none).
    fn firehose_delivery(
        &self,
        name: &str,
        f: &FirehoseParams,
        target: Option<&crate::Node>,
        source: FirehoseSource,
    ) -> DeliveryStreamConfig {
        let target = target.and_then(|n| match &n.kind {
            NodeKind::Destination(d) => Some(d.clone()),
            _ => None,
        });
        let mut s3 = S3Settings {
            prefix: (!f.s3_prefix.is_empty()).then(|| f.s3_prefix.clone()),
            // Firehose requires an error prefix when the prefix has expressions (`docs/aws-behaviour.md` §5.9).
            error_output_prefix: f.s3_prefix.contains("!{").then(|| crate::export::ERROR_OUTPUT_PREFIX.into()),
            compression: match f.compression {
                Compression::Uncompressed => FirehoseCompression::Uncompressed,
                Compression::Gzip => FirehoseCompression::Gzip,
                Compression::Zip => FirehoseCompression::Zip,
                Compression::Snappy => FirehoseCompression::Snappy,
                Compression::HadoopSnappy => FirehoseCompression::HadoopSnappy,
            },
            append_newline: f.append_newline == YesNo::Yes,
            ..S3Settings::default()
        };
        let kind = match &target {
            Some(DestinationParams { kind: DestinationKind::S3, target }) => {
                s3.bucket_arn = format!("arn:aws:s3:::{target}");
                FirehoseDestinationKind::S3
            }
            Some(DestinationParams { kind: DestinationKind::Redshift, target }) => {
                FirehoseDestinationKind::Redshift { table: target.clone() }
            }
            Some(DestinationParams { kind: DestinationKind::OpenSearch, target }) => {
                FirehoseDestinationKind::OpenSearch { index_name: target.clone(), rotation: IndexRotation::default() }
            }
            Some(DestinationParams { kind: DestinationKind::HttpEndpoint, target }) => {
                FirehoseDestinationKind::HttpEndpoint { url: target.clone(), gzip: f.compression == Compression::Gzip }
            }
            None => FirehoseDestinationKind::S3,
        };
        // S3 always retries for 24 hours; the others take the scenario's retry duration.
        let retry_duration_secs = (!matches!(kind, FirehoseDestinationKind::S3)).then_some(f.retry_duration_s);
        let program = (!f.transform_program.trim().is_empty()).then_some(f.transform_program.as_str());
        DeliveryStreamConfig {
            name: name.into(),
            source,
            destination: DestinationConfig {
                kind,
                buffering: Some(BufferingHints { size_mib: f.buffer_size_mib, interval_secs: f.buffer_interval_s }),
                retry_duration_secs,
                s3,
                backup_all: false,
                // Partition keys in the prefix need dynamic partitioning on, as in the console; the transform's
                // `partition` statements give the keys (`partitionKeyFromLambda`).
                dynamic_partitioning: uses_partition_keys(&f.s3_prefix).then(|| DynamicPartitioning {
                    keys: Default::default(),
                    active_partitions_max: ACTIVE_PARTITIONS_DEFAULT,
                }),
                format_conversion: None,
            },
            processing: program.map(|program| ProcessingConfig {
                program: program.into(),
                buffer_size_kib: 1_024,
                buffer_interval_secs: 60,
                number_of_retries: 3,
            }),
            tags: Default::default(),
            feeds: Vec::new(),
        }
    }

    /// What this scenario holds that the engine does not simulate: the node and a sentence naming it (nodes
    /// left unconnected, and nodes this build leaves out). The page and `shardlab run` show these; every preset, lesson start and lesson
    /// reference has none.
    pub fn not_simulated(&self) -> Vec<NotSimulated> {
        let mut out = Vec::new();
        let reads_stream = |id: NodeId| self.pipeline.sources(id).any(|n| matches!(n.kind, NodeKind::DataStream(_)));
        let writes = |id: NodeId| {
            self.pipeline.targets(id).any(|n| matches!(n.kind, NodeKind::DataStream(_) | NodeKind::Firehose(_)))
        };
        for node in &self.pipeline.nodes {
            let name = &node.name;
            let reason = match &node.kind {
                kind if kind.left_out_feature().is_some() => {
                    Some(crate::left_out(kind, name, kind.left_out_feature().unwrap_or_default()))
                }
                NodeKind::Firehose(_) => {
                    let fed = self.pipeline.sources(node.id).any(|n| match n.kind {
                        NodeKind::Consumer(_) | NodeKind::Analytics(_) => reads_stream(n.id),
                        _ => true,
                    });
                    (!fed).then(|| {
                        format!(
                            "'{name}' has no source (a data stream, a producer, a Kinesis Agent, a consumer or an \
                             Analytics application reading a stream), so it does not run"
                        )
                    })
                }
                NodeKind::Destination(_) => {
                    let fed = self.pipeline.sources(node.id).any(|n| match n.kind {
                        NodeKind::Analytics(_) => reads_stream(n.id),
                        _ => true,
                    });
                    (!fed).then(|| {
                        format!("'{name}' receives nothing: connect a Firehose delivery stream or an Analytics application to it")
                    })
                }
                NodeKind::KinesisAgent(_) | NodeKind::Producer(_) if !writes(node.id) => Some(format!(
                    "'{name}' is not connected to a data stream or a Firehose delivery stream, so it does not run"
                )),
                NodeKind::Consumer(_) | NodeKind::Analytics(_) if !reads_stream(node.id) => {
                    Some(format!("'{name}' does not read a data stream, so it does not run"))
                }
                NodeKind::Camera(_) if self.pipeline.targets(node.id).next().is_none() => {
                    Some(format!("'{name}' is not connected to a video stream, so it does not run"))
                }
                NodeKind::VideoConsumer(_) if self.pipeline.sources(node.id).next().is_none() => {
                    Some(format!("'{name}' does not read a video stream, so it does not run"))
                }
                _ => None,
            };
            out.extend(reason.map(|reason| NotSimulated { node: node.id, reason }));
        }
        out
    }
}

/// Whether an S3 prefix names partition keys (`!{partitionKeyFromLambda:…}` or `!{partitionKeyFromQuery:…}`).
fn uses_partition_keys(prefix: &str) -> bool {
    shardlab_engine::firehose::prefix::Prefix::parse(prefix).is_ok_and(|p| p.has_partition_keys())
}

/// Where a node writes: the engine's kinds of output.
#[derive(Clone, Copy)]
enum OutputKind {
    DataStream,
    Firehose,
}

impl OutputKind {
    fn engine(self) -> AnalyticsOutputKind {
        match self {
            Self::DataStream => AnalyticsOutputKind::DataStream,
            Self::Firehose => AnalyticsOutputKind::Firehose,
        }
    }
}

/// The name of the Direct PUT delivery stream an Analytics application connected straight to a destination
/// delivers through, within Firehose's 64 characters (a Firehose node of the very same name would clash, and
/// the engine would say so).
fn implicit_delivery_stream(analytics: NodeId, destination: &str) -> String {
    let mut name = format!("to-{destination}");
    name.truncate(50);
    format!("{name}-from-{analytics}")
}

fn producer_config(name: &str, p: &ProducerParams, stream_name: String) -> ProducerConfig {
    let (base, second) = (p.records_per_sec, p.second_rate_records_per_sec);
    let (start_ms, duration_ms) = (p.change_at_ms, p.change_duration_ms);
    ProducerConfig {
        name: name.into(),
        stream_name,
        rate: match p.rate_shape {
            RateShape::Constant => RateProfile::Constant { records_per_sec: base },
            RateShape::Step => RateProfile::Step { before: base, after: second, at_ms: start_ms },
            RateShape::Ramp => RateProfile::Ramp { from: base, to: second, start_ms, duration_ms },
            RateShape::Spike => RateProfile::Spike { base, peak: second, start_ms, duration_ms },
            RateShape::Sine => RateProfile::Sine { mean: base, amplitude: second, period_ms: duration_ms },
        },
        size: if p.large_record_percent == 0 {
            SizeProfile::Fixed { bytes: p.record_bytes }
        } else {
            SizeProfile::Bimodal {
                small: p.record_bytes,
                large: p.large_record_bytes,
                large_percent: p.large_record_percent,
            }
        },
        keys: match p.key_distribution {
            KeyDistribution::Uniform => KeyProfile::Uniform { keys: p.distinct_keys },
            KeyDistribution::Zipf => KeyProfile::Zipf { keys: p.distinct_keys },
            KeyDistribution::HotKey => KeyProfile::HotKey { keys: p.distinct_keys, hot_percent: p.hot_key_percent },
            KeyDistribution::RandomUuid => KeyProfile::RandomUuid,
            KeyDistribution::ExplicitHashKey => KeyProfile::ExplicitHashKey,
        },
        client: match p.client {
            ClientKind::PutRecord => ClientStyle::PutRecord,
            ClientKind::PutRecords => {
                ClientStyle::PutRecords { batch_max_records: p.batch_max_records, linger_ms: p.linger_ms }
            }
            ClientKind::Kpl => ClientStyle::Kpl(KplConfig {
                aggregation_max_bytes: p.kpl_aggregation_max_bytes,
                collection_max_count: p.kpl_collection_max_count,
                record_max_buffered_time_ms: p.kpl_max_buffered_time_ms,
                rate_limit_percent: p.kpl_rate_limit_percent,
            }),
        },
        retry: RetryPolicy {
            max_attempts: p.retry_max_attempts,
            base_backoff_ms: p.retry_base_backoff_ms,
            max_backoff_ms: p.retry_max_backoff_ms,
        },
        timeout_percent: p.timeout_percent,
        payload: payload_template(p.payload),
    }
}

fn payload_template(payload: PayloadKind) -> PayloadTemplate {
    match payload {
        PayloadKind::Zeros => PayloadTemplate::Zeros,
        PayloadKind::Clickstream => PayloadTemplate::Clickstream,
        PayloadKind::IotTelemetry => PayloadTemplate::IotTelemetry,
        PayloadKind::ApplicationLog => PayloadTemplate::ApplicationLog,
    }
}

fn consumer_config(
    name: &str,
    c: &ConsumerParams,
    stream_name: String,
    output: Option<RecordOutput>,
) -> ConsumerAppConfig {
    ConsumerAppConfig {
        name: name.into(),
        stream_name,
        output,
        style: match c.style {
            ConsumerStyle::Polling => {
                ReadStyle::Polling { interval_ms: c.poll_interval_ms, limit: c.get_records_limit }
            }
            ConsumerStyle::EnhancedFanOut => ReadStyle::EnhancedFanOut,
            ConsumerStyle::Kcl => ReadStyle::Kcl(KclConfig {
                workers: c.kcl_workers,
                checkpoint_every_records: c.kcl_checkpoint_every_records,
                checkpoint_interval_ms: c.kcl_checkpoint_interval_ms,
                failover_ms: c.kcl_failover_ms,
            }),
            ConsumerStyle::Lambda => ReadStyle::Lambda(LambdaConfig {
                batch_size: c.lambda_batch_size,
                batching_window_ms: c.lambda_batching_window_s.saturating_mul(1_000),
                parallelization_factor: c.lambda_parallelization_factor,
                bisect_on_error: c.lambda_bisect_on_error == YesNo::Yes,
                max_retry_attempts: c.lambda_max_retry_attempts,
                error_percent: c.lambda_error_percent,
                duration_ms: c.lambda_duration_ms,
            }),
        },
        start: start_at(c.start, c.start_timestamp_s),
        begins_at_ms: u64::from(c.begins_at_s) * 1_000,
        processing_us_per_record: c.processing_us_per_record,
        deduplicate_by: match c.deduplicate_by {
            DeduplicateBy::None => Deduplicate::Off,
            DeduplicateBy::RecordId => Deduplicate::RecordId,
        },
    }
}

fn start_at(start: StartPosition, timestamp_s: u32) -> StartAt {
    match start {
        StartPosition::TrimHorizon => StartAt::TrimHorizon,
        StartPosition::Latest => StartAt::Latest,
        StartPosition::AtTimestamp => StartAt::AtTimestamp { at_ms: u64::from(timestamp_s) * 1_000 },
    }
}

fn agent_config(a: &AgentParams, stream_name: &str, delivery_stream: Option<String>) -> AgentConfig {
    let option = match a.processing {
        AgentProcessing::None => None,
        AgentProcessing::Singleline => Some(ProcessingOption::Singleline),
        AgentProcessing::CsvToJson => Some(ProcessingOption::Csvtojson {
            custom_field_names: a.csv_field_names.split(',').map(|f| f.trim().into()).collect(),
        }),
        AgentProcessing::LogToJson => Some(ProcessingOption::Logtojson { log_format: a.log_format.as_str().into() }),
    };
    AgentConfig {
        file_pattern: a.file_pattern.clone(),
        kinesis_stream: stream_name.into(),
        delivery_stream,
        partition_key_option: match a.partition_key_option {
            AgentPartitionKey::Random => PartitionKeyOption::Random,
            AgentPartitionKey::Deterministic => PartitionKeyOption::Deterministic,
        },
        data_processing_options: option.into_iter().collect(),
        max_buffer_age_millis: a.max_buffer_age_millis,
        max_buffer_size_records: a.max_buffer_size_records,
        max_buffer_size_bytes: a.max_buffer_size_bytes,
        lines_per_sec: a.lines_per_sec,
        source: match a.source {
            AgentSource::Csv => LogSource::Csv,
            AgentSource::ApacheCombined => LogSource::ApacheCombined,
            AgentSource::Syslog => LogSource::Syslog,
        },
        rotate_every_lines: a.rotate_every_lines,
    }
}

/// The engine's video consumer for a node's parameters.
fn video_consumer_kind(c: &crate::model::VideoConsumerParams) -> VideoConsumerKind {
    use crate::model::{HlsMode, VideoConsumerStyle, VideoStart};
    match c.style {
        VideoConsumerStyle::GetMedia => VideoConsumerKind::GetMedia {
            start: match c.start {
                VideoStart::Now => StartSelector::Now,
                VideoStart::Earliest => StartSelector::Earliest,
                VideoStart::ProducerTimestamp => StartSelector::ProducerTimestamp { at_ms: c.from_ms },
            },
        },
        VideoConsumerStyle::Hls => VideoConsumerKind::Hls {
            mode: match c.hls_mode {
                HlsMode::Live => HlsPlaybackMode::Live,
                HlsMode::LiveReplay => HlsPlaybackMode::LiveReplay { start_ms: c.from_ms },
                HlsMode::OnDemand => HlsPlaybackMode::OnDemand { start_ms: c.from_ms, end_ms: c.to_ms },
            },
            max_playlist_fragments: c.max_playlist_fragments,
        },
        VideoConsumerStyle::Clip => VideoConsumerKind::Clip { start_ms: c.from_ms, end_ms: c.to_ms },
        VideoConsumerStyle::ImageExtraction => {
            VideoConsumerKind::ImageExtraction { sampling_interval_ms: c.sampling_interval_ms }
        }
        VideoConsumerStyle::Rekognition => VideoConsumerKind::Rekognition,
    }
}
