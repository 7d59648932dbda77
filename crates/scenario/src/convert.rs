//! From a scenario to the engine's [`SimConfig`]: only what the engine simulates today.

use crate::model::*;
use crate::{Action, NodeId, NodeKind, Problem, Scenario};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use shardlab_engine::agent::{AgentConfig, LogSource, PartitionKeyOption, ProcessingOption};
use shardlab_engine::analytics_app::{AnalyticsAppConfig, SqlDialect};
use shardlab_engine::consumer_app::{ConsumerAppConfig, KclConfig, LambdaConfig, ReadStyle, StartAt};
use shardlab_engine::firehose::compress::Compression as FirehoseCompression;
use shardlab_engine::firehose::config::IndexRotation;
use shardlab_engine::firehose::{
    BufferingHints, DeliveryStreamConfig, DestinationConfig, DestinationKind as FirehoseDestinationKind, DirectPutFeed,
    ProcessingConfig, S3Settings, Source as FirehoseSource,
};
use shardlab_engine::limits::ON_DEMAND_INITIAL_SHARDS;
use shardlab_engine::producer::{ClientStyle, KplConfig, RetryPolicy};
use shardlab_engine::template::PayloadTemplate;
use shardlab_engine::workload::{KeyProfile, RateProfile, SizeProfile};
use shardlab_engine::{Command, ProducerConfig, ScheduledCommand, SimConfig};

impl Scenario {
    /// The engine configuration for this scenario, or every problem (the scenario's, then the engine's).
    ///
    /// The single data stream becomes the run's stream; producers and Kinesis Agents connected to it, and
    /// consumers and Analytics applications reading it, become the engine's, in node order. A Kinesis Agent
    /// connected to a Firehose node sends to that delivery stream (Direct PUT) with PutRecordBatch. See
    /// [`Self::not_simulated`] for the rest.
    pub fn to_sim_config(&self) -> Result<SimConfig, Vec<Problem>> {
        self.validate()?;
        let nodes = &self.pipeline.nodes;
        let Some((stream_id, stream_name, stream)) = nodes.iter().find_map(|n| match &n.kind {
            NodeKind::DataStream(s) => Some((n.id, n.name.clone(), s)),
            _ => None,
        }) else {
            return Err(alloc::vec![Problem::new("pipeline.nodes", "the simulation needs a data stream; add one")]);
        };
        let writes_to_stream = |id: NodeId| self.pipeline.edges.iter().any(|e| e.from == id && e.to == stream_id);
        // The Firehose node an agent sends to, by name (it runs as a Direct PUT delivery stream).
        let writes_to_firehose = |id: NodeId| {
            self.pipeline.targets(id).find(|n| matches!(n.kind, NodeKind::Firehose(_))).map(|n| n.name.clone())
        };
        let reads_stream = |id: NodeId| self.pipeline.edges.iter().any(|e| e.from == stream_id && e.to == id);

        let mut producer_ids = Vec::new();
        let mut consumer_ids = Vec::new();
        let mut agent_ids = Vec::new();
        let mut config = SimConfig {
            seed: self.seed,
            stream_name: stream_name.clone(),
            shard_count: match stream.capacity_mode {
                CapacityMode::Provisioned => stream.shard_count,
                CapacityMode::OnDemand => ON_DEMAND_INITIAL_SHARDS,
            },
            extra_throttle_percent: stream.extra_throttle_percent,
            get_records_visibility_ms: u64::from(stream.get_records_visibility_ms),
            fan_out_visibility_ms: u64::from(stream.fan_out_visibility_ms),
            producers: Vec::new(),
            consumers: Vec::new(),
            agents: Vec::new(),
            analytics: Vec::new(),
            scheduled: Vec::new(),
            ..SimConfig::default()
        };
        for node in nodes {
            match &node.kind {
                NodeKind::Producer(p) if writes_to_stream(node.id) => {
                    producer_ids.push(node.id);
                    config.producers.push(producer_config(&node.name, p));
                }
                NodeKind::KinesisAgent(a) if writes_to_stream(node.id) => {
                    agent_ids.push(node.id);
                    config.agents.push(agent_config(a, &stream_name, None));
                }
                NodeKind::KinesisAgent(a) => {
                    if let Some(delivery_stream) = writes_to_firehose(node.id) {
                        agent_ids.push(node.id);
                        config.agents.push(agent_config(a, &stream_name, Some(delivery_stream)));
                    }
                }
                NodeKind::Consumer(c) if reads_stream(node.id) => {
                    consumer_ids.push(node.id);
                    config.consumers.push(consumer_config(&node.name, c));
                }
                NodeKind::Firehose(f) => {
                    if let Some(delivery) = self.delivery_stream_config(node.id, &node.name, f, &stream_name) {
                        config.delivery_streams.push(delivery);
                    }
                }
                NodeKind::Analytics(a) if reads_stream(node.id) => {
                    config.analytics.push(AnalyticsAppConfig {
                        name: node.name.clone(),
                        dialect: match a.dialect {
                            AnalyticsDialect::KdaSql => SqlDialect::Kda,
                            AnalyticsDialect::FlinkSql => SqlDialect::Flink,
                        },
                        sql: a.sql.clone(),
                        start: start_at(a.start),
                        ..AnalyticsAppConfig::default()
                    });
                }
                _ => {}
            }
        }
        let index = |ids: &[NodeId], id: NodeId| ids.iter().position(|x| *x == id).map(|i| i as u32);
        // A destination event applies to a delivery stream that runs, by its name.
        let delivery_stream = |id: NodeId| {
            let name = &self.pipeline.node(id)?.name;
            config.delivery_streams.iter().any(|d| d.name == *name).then(|| name.clone())
        };
        for event in &self.scheduled {
            let command = match event.action {
                Action::SetProducerRate { producer, records_per_sec } => index(&producer_ids, producer)
                    .map(|producer| Command::SetProducerRate { producer, records_per_sec }),
                Action::RestartAgent { agent } => index(&agent_ids, agent).map(|agent| Command::RestartAgent { agent }),
                Action::AddWorker { consumer } => {
                    index(&consumer_ids, consumer).map(|consumer| Command::AddWorker { consumer })
                }
                Action::CrashWorker { consumer, worker } => {
                    index(&consumer_ids, consumer).map(|consumer| Command::CrashWorker { consumer, worker })
                }
                Action::DestinationOutage { firehose, duration_ms } => delivery_stream(firehose)
                    .map(|delivery_stream| Command::DestinationOutage { delivery_stream, duration_ms }),
                Action::DestinationSlowdown { firehose, delay_ms, duration_ms } => delivery_stream(firehose)
                    .map(|delivery_stream| Command::DestinationSlowdown { delivery_stream, delay_ms, duration_ms }),
                Action::UpdateShardCount { .. } => None,
            };
            if let Some(command) = command {
                config.scheduled.push(ScheduledCommand { at_ms: event.at_ms, command });
            }
        }
        config
            .validate()
            .map_err(|err| err.problems.into_iter().map(|m| Problem::new("engine", m)).collect::<Vec<_>>())?;
        Ok(config)
    }

    /// A Firehose node as a delivery stream: its source is the data stream (an edge from it) or Direct PUT
    /// (a producer writing to it, simulated as a PutRecordBatch feed, and Kinesis Agents sending to it); its
    /// destination is the destination node it delivers to (an S3 bucket when none is connected). `None` when
    /// nothing feeds it.
    fn delivery_stream_config(
        &self,
        id: NodeId,
        name: &str,
        f: &FirehoseParams,
        stream_name: &str,
    ) -> Option<DeliveryStreamConfig> {
        let sources: Vec<&crate::Node> = self.pipeline.sources(id).collect();
        let from_stream = sources.iter().any(|n| matches!(n.kind, NodeKind::DataStream(_)));
        let feed = sources.iter().find_map(|n| match &n.kind {
            NodeKind::Producer(p) => Some(DirectPutFeed {
                records_per_sec: p.records_per_sec,
                record_bytes: p.record_bytes,
                payload: payload_template(p.payload),
                batch_records: 500,
            }),
            _ => None,
        });
        let from_agent = sources.iter().any(|n| matches!(n.kind, NodeKind::KinesisAgent(_)));
        if !from_stream && feed.is_none() && !from_agent {
            return None;
        }
        let target = self.pipeline.targets(id).find_map(|n| match &n.kind {
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
        Some(DeliveryStreamConfig {
            name: name.into(),
            source: if from_stream {
                FirehoseSource::KinesisStream { stream_name: stream_name.into() }
            } else {
                FirehoseSource::DirectPut
            },
            destination: DestinationConfig {
                kind,
                buffering: Some(BufferingHints { size_mib: f.buffer_size_mib, interval_secs: f.buffer_interval_s }),
                retry_duration_secs,
                s3,
                backup_all: false,
                dynamic_partitioning: None,
                format_conversion: None,
            },
            processing: program.map(|program| ProcessingConfig {
                program: program.into(),
                buffer_size_kib: 1_024,
                buffer_interval_secs: 60,
                number_of_retries: 3,
            }),
            tags: Default::default(),
            feed: if from_stream { None } else { feed },
        })
    }

    /// What this scenario holds that the engine does not simulate yet, one sentence each.
    pub fn not_simulated(&self) -> Vec<String> {
        let mut out = Vec::new();
        let stream_id = self.pipeline.nodes.iter().find(|n| matches!(n.kind, NodeKind::DataStream(_))).map(|n| n.id);
        for node in &self.pipeline.nodes {
            let on_stream = |id: NodeId| {
                self.pipeline
                    .edges
                    .iter()
                    .any(|e| Some(e.to) == stream_id && e.from == id || Some(e.from) == stream_id && e.to == id)
            };
            let note = match &node.kind {
                NodeKind::Firehose(_) => {
                    let sources: Vec<&crate::Node> = self.pipeline.sources(node.id).collect();
                    let producers = sources.iter().filter(|n| matches!(n.kind, NodeKind::Producer(_))).count();
                    if sources.is_empty() {
                        Some(format!(
                            "'{}' has no source (a data stream, a producer or a Kinesis Agent), so it does not run",
                            node.name
                        ))
                    } else if producers > 1 {
                        Some(format!("'{}': only its first Direct PUT producer is simulated", node.name))
                    } else {
                        None
                    }
                }
                NodeKind::Analytics(_) if !on_stream(node.id) => {
                    Some(format!("'{}' does not read the data stream, so it does not run", node.name))
                }
                NodeKind::Analytics(_) if self.pipeline.targets(node.id).next().is_some() => Some(format!(
                    "'{}': its output rows are shown in the page; sending them on to another component is not simulated",
                    node.name
                )),
                NodeKind::Destination(_)
                    if !self.pipeline.sources(node.id).any(|n| matches!(n.kind, NodeKind::Firehose(_))) =>
                {
                    Some(format!("'{}' receives nothing: connect a Firehose delivery stream to it", node.name))
                }
                NodeKind::KinesisAgent(_)
                    if !on_stream(node.id)
                        && !self.pipeline.targets(node.id).any(|n| matches!(n.kind, NodeKind::Firehose(_))) =>
                {
                    Some(format!(
                        "'{}' is not connected to the data stream or a Firehose delivery stream, so it does not run",
                        node.name
                    ))
                }
                NodeKind::Producer(_) | NodeKind::Consumer(_) if !on_stream(node.id) => {
                    Some(format!("'{}' is not connected to the data stream, so it does not run", node.name))
                }
                NodeKind::DataStream(s) if s.capacity_mode == CapacityMode::OnDemand => Some(format!(
                    "'{}' runs as {ON_DEMAND_INITIAL_SHARDS} provisioned shards: on-demand scaling is not in scenario runs yet",
                    node.name
                )),
                _ => None,
            };
            out.extend(note);
        }
        if self.scheduled.iter().any(|e| matches!(e.action, Action::UpdateShardCount { .. })) {
            out.push("scheduled UpdateShardCount events are not simulated yet".into());
        }

        out
    }
}

fn producer_config(name: &str, p: &ProducerParams) -> ProducerConfig {
    let (base, second) = (p.records_per_sec, p.second_rate_records_per_sec);
    let (start_ms, duration_ms) = (p.change_at_ms, p.change_duration_ms);
    ProducerConfig {
        name: name.into(),
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

fn consumer_config(name: &str, c: &ConsumerParams) -> ConsumerAppConfig {
    ConsumerAppConfig {
        name: name.into(),
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
        start: start_at(c.start),
        processing_us_per_record: c.processing_us_per_record,
    }
}

fn start_at(start: StartPosition) -> StartAt {
    match start {
        StartPosition::TrimHorizon => StartAt::TrimHorizon,
        StartPosition::Latest => StartAt::Latest,
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
