//! Ready scenarios that each teach one thing.

use crate::model::*;
use crate::{Action, NodeId, NodeKind, Scenario, ScheduledEvent};
use alloc::string::String;
use alloc::vec::Vec;

/// A ready scenario in the gallery.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// A stable id for links (`#preset=<id>`) and tests.
    pub id: &'static str,
    /// A title.
    pub title: &'static str,
    /// One paragraph: what it shows and what to try.
    pub description: &'static str,
    build: fn(&mut Builder),
}

impl Preset {
    /// The scenario, named and described after the preset.
    pub fn scenario(&self) -> Scenario {
        let mut builder = Builder { scenario: Scenario::empty() };
        builder.scenario.name = self.title.into();
        builder.scenario.description = self.description.into();
        (self.build)(&mut builder);
        builder.scenario
    }
}

/// Every preset, in gallery order.
pub fn presets() -> &'static [Preset] {
    &PRESETS
}

/// The preset with this id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// Builds a preset's scenario with the editor's own operations.
struct Builder {
    scenario: Scenario,
}

impl Builder {
    fn node(&mut self, name: &str, kind: NodeKind) -> NodeId {
        let id = self.scenario.add_node(kind);
        if let Some(node) = self.scenario.pipeline.node_mut(id) {
            node.name = name.into();
        }
        id
    }

    fn producer(&mut self, name: &str, params: ProducerParams) -> NodeId {
        self.node(name, NodeKind::Producer(params))
    }

    fn stream(&mut self, name: &str, params: StreamParams) -> NodeId {
        self.node(name, NodeKind::DataStream(params))
    }

    fn consumer(&mut self, name: &str, params: ConsumerParams) -> NodeId {
        self.node(name, NodeKind::Consumer(params))
    }

    fn connect(&mut self, from: NodeId, to: NodeId) {
        // Presets only use allowed connections; the preset tests validate every one.
        let connected = self.scenario.pipeline.connect(from, to);
        debug_assert!(connected.is_ok(), "{connected:?}");
    }

    fn at(&mut self, at_ms: u64, action: Action) {
        self.scenario.scheduled.push(ScheduledEvent { at_ms, action });
    }
}

fn shards(n: u32) -> StreamParams {
    StreamParams { shard_count: n, ..StreamParams::default() }
}

fn steady(records_per_sec: u32, record_bytes: u32) -> ProducerParams {
    ProducerParams { records_per_sec, record_bytes, ..ProducerParams::default() }
}

fn polling() -> ConsumerParams {
    ConsumerParams::default()
}

fn s3(bucket: &str) -> NodeKind {
    NodeKind::Destination(DestinationParams { kind: DestinationKind::S3, target: bucket.into() })
}

fn analytics(sql: &str) -> NodeKind {
    NodeKind::Analytics(AnalyticsParams { sql: String::from(sql), ..AnalyticsParams::default() })
}

static PRESETS: [Preset; 13] = [
    Preset {
        id: "hot-partition-key",
        title: "A hot partition key",
        description: "Four shards could take 4,000 records/s, but 60 % of these 2,000 records/s carry the same \
            partition key. A key always hashes to the same shard, so that shard is asked for 1,200 records/s and \
            throttles at its 1,000 while the other three idle. Try a uniform key distribution, or more keys: adding \
            shards does not help a single hot key.",
        build: |b| {
            let p = b.producer(
                "checkout-events",
                ProducerParams { key_distribution: KeyDistribution::HotKey, hot_key_percent: 60, ..steady(2_000, 512) },
            );
            let s = b.stream("orders", shards(4));
            let c = b.consumer("order-reader", polling());
            b.connect(p, s);
            b.connect(s, c);
        },
    },
    Preset {
        id: "batching-vs-single-puts",
        title: "Batching vs single puts",
        description: "Two producers write the same 800 records/s of 200 bytes. One calls PutRecord for every \
            record: 800 API calls a second. The other batches up to 500 records per PutRecords call and waits at \
            most 100 ms to fill a batch: about 10 calls a second for the same data, at the cost of up to 100 ms of \
            extra latency. Compare their calls and latency.",
        build: |b| {
            let single = b.producer("single-puts", steady(800, 200));
            let batched = b.producer(
                "batched-puts",
                ProducerParams {
                    client: ClientKind::PutRecords,
                    batch_max_records: 500,
                    linger_ms: 100,
                    ..steady(800, 200)
                },
            );
            let s = b.stream("events", shards(2));
            let c = b.consumer("reader", polling());
            b.connect(single, s);
            b.connect(batched, s);
            b.connect(s, c);
        },
    },
    Preset {
        id: "kpl-aggregation",
        title: "KPL aggregation",
        description: "A sensor fleet sends 5,000 small readings a second (100 bytes each) to a single shard. As \
            separate records that is five times a shard's 1,000 records/s, but the Kinesis Producer Library packs \
            many user records into one Kinesis record of up to 50 KiB, so the shard sees a few dozen records a \
            second and about 500 KB/s. Switch the client to put_record to watch the same load throttle.",
        build: |b| {
            let p = b.producer(
                "sensor-fleet",
                ProducerParams { client: ClientKind::Kpl, payload: PayloadKind::IotTelemetry, ..steady(5_000, 100) },
            );
            let s = b.stream("telemetry", shards(1));
            let c =
                b.consumer("telemetry-kcl", ConsumerParams { style: ConsumerStyle::Kcl, ..ConsumerParams::default() });
            b.connect(p, s);
            b.connect(s, c);
        },
    },
    Preset {
        id: "efo-vs-shared-reads",
        title: "Enhanced fan-out vs shared reads",
        description: "Three polling applications read one shard every 200 ms each: 15 GetRecords calls a second \
            against a shared limit of 5 calls and 2 MiB/s per shard, so most calls are throttled and the readers \
            fall behind. An enhanced fan-out consumer on the same shard gets its own 2 MiB/s pushed to it and is \
            never affected. Remove two polling readers, or switch them to enhanced_fan_out.",
        build: |b| {
            let p =
                b.producer("click-tracker", ProducerParams { payload: PayloadKind::Clickstream, ..steady(500, 1_024) });
            let s = b.stream("clicks", shards(1));
            b.connect(p, s);
            for name in ["billing", "fraud-check", "dashboard"] {
                let c = b.consumer(name, ConsumerParams { poll_interval_ms: 200, ..polling() });
                b.connect(s, c);
            }
            let efo = b.consumer("recommender", ConsumerParams { style: ConsumerStyle::EnhancedFanOut, ..polling() });
            b.connect(s, efo);
        },
    },
    Preset {
        id: "replay-after-consumer-bug",
        title: "Replay after a consumer bug",
        description: "A Lambda function fails on a fifth of its batches; after two retries the failed records go \
            to its on-failure destination, and processing moves on. Because the stream keeps records for 48 hours, \
            a fixed application can read them again from TRIM_HORIZON: the replay job starts at the oldest record \
            and catches up while new data keeps arriving. Watch its iterator age fall to zero.",
        build: |b| {
            let p =
                b.producer("payment-service", ProducerParams { payload: PayloadKind::Clickstream, ..steady(300, 512) });
            let s = b.stream("payments", StreamParams { retention_hours: 48, ..shards(2) });
            let buggy = b.consumer(
                "ledger-lambda",
                ConsumerParams {
                    style: ConsumerStyle::Lambda,
                    start: StartPosition::Latest,
                    lambda_error_percent: 20,
                    lambda_max_retry_attempts: 2,
                    lambda_bisect_on_error: YesNo::Yes,
                    ..polling()
                },
            );
            let replay = b.consumer("ledger-replay", ConsumerParams { start: StartPosition::TrimHorizon, ..polling() });
            b.connect(p, s);
            b.connect(s, buggy);
            b.connect(s, replay);
        },
    },
    Preset {
        id: "reshard-hot-shard",
        title: "Resharding a hot shard",
        description: "Keys with Zipf popularity load two shards unevenly: the shard holding the most popular keys \
            throttles at 1,000 records/s while the other has room. At 30 s a scheduled UpdateShardCount to 4 \
            shards splits both ranges (the parents close, four children open) and spreads the popular keys over \
            more shards. Try scheduling it to 8 instead: AWS refuses more than double the open shards in one call, \
            and the log quotes its message.",
        build: |b| {
            let p = b.producer(
                "search-queries",
                ProducerParams { key_distribution: KeyDistribution::Zipf, distinct_keys: 200, ..steady(1_800, 256) },
            );
            let s = b.stream("queries", shards(2));
            let c = b.consumer("indexer", polling());
            b.connect(p, s);
            b.connect(s, c);
            b.at(30_000, Action::UpdateShardCount { stream: s, target_shards: 4 });
        },
    },
    Preset {
        id: "on-demand-spike",
        title: "On-demand scaling under a spike",
        description: "An on-demand stream starts with 4 shards: 4 MB/s and 4,000 records/s of writes. A flash sale \
            multiplies traffic from 1,000 to 6,000 records/s for a minute. On-demand capacity follows up to twice \
            the previous peak, so a jump beyond that is throttled until capacity catches up: here the stream scales \
            at the end of each minute, to 8 shards and then 12, twice the peak second. Billed as On-demand \
            Standard: stream-hours and data, not shard-hours.",
        build: |b| {
            let p = b.producer(
                "flash-sale",
                ProducerParams {
                    rate_shape: RateShape::Spike,
                    second_rate_records_per_sec: 6_000,
                    change_at_ms: 30_000,
                    change_duration_ms: 60_000,
                    ..steady(1_000, 1_024)
                },
            );
            let s = b.stream("sales", StreamParams { capacity_mode: CapacityMode::OnDemand, ..shards(4) });
            let c = b.consumer("fulfilment", polling());
            b.connect(p, s);
            b.connect(s, c);
        },
    },
    Preset {
        id: "firehose-buffering-s3",
        title: "Firehose buffering to S3",
        description: "Firehose reads a data stream and writes S3 objects whenever its buffer reaches 5 MiB or 60 \
            seconds have passed, whichever comes first. At 50 log lines a second of 1,000 bytes (50 KB/s) the \
            interval wins, so an object appears every minute holding about 3 MB; raise the rate above about 88 \
            lines a second (5 MiB in 60 seconds) and the size limit wins instead, with smaller gaps between objects.",
        build: |b| {
            let p = b.producer("web-app", ProducerParams { payload: PayloadKind::ApplicationLog, ..steady(50, 1_000) });
            let s = b.stream("web-logs", shards(1));
            let f = b.node(
                "logs-to-s3",
                NodeKind::Firehose(FirehoseParams {
                    buffer_interval_s: 60,
                    compression: Compression::Gzip,
                    s3_prefix: "logs/!{timestamp:yyyy/MM/dd}/".into(),
                    ..FirehoseParams::default()
                }),
            );
            let bucket = b.node("log-archive", s3("shardlab-log-archive"));
            b.connect(p, s);
            b.connect(s, f);
            b.connect(f, bucket);
        },
    },
    Preset {
        id: "firehose-transform-failures",
        title: "Firehose transform with failures",
        description: "Producers put records straight into Firehose (Direct PUT). The transform fails a steady \
            5 % of the records, which come back ProcessingFailed: Firehose writes them, untransformed, under the \
            processing-failed/ error prefix of the same bucket while the rest are delivered. Change the condition \
            in the transform program (fail if bucket < 5) to see the error objects grow or vanish.",
        build: |b| {
            let p = b.producer("storefront", ProducerParams { payload: PayloadKind::Clickstream, ..steady(100, 300) });
            let f = b.node(
                "events-to-s3",
                NodeKind::Firehose(FirehoseParams {
                    buffer_interval_s: 60,
                    transform_program: FirehoseTransform::FailFivePercent.program().into(),
                    append_newline: YesNo::Yes,
                    ..FirehoseParams::default()
                }),
            );
            let bucket = b.node("event-lake", s3("shardlab-event-lake"));
            b.connect(p, f);
            b.connect(f, bucket);
        },
    },
    Preset {
        id: "tumbling-vs-sliding-windows",
        title: "Tumbling vs sliding windows",
        description: "Two Analytics applications count the same click events per event type. The tumbling window \
            emits one row per type every 60 seconds, each event counted once. The sliding window emits on every \
            event a count over the last 60 seconds, so each event contributes to many rows. Compare how many rows \
            each writes, and when.",
        build: |b| {
            let p =
                b.producer("click-tracker", ProducerParams { payload: PayloadKind::Clickstream, ..steady(50, 200) });
            let s = b.stream("clicks", shards(1));
            let tumbling = b.node("tumbling-counts", analytics(DEFAULT_ANALYTICS_SQL));
            let sliding = b.node(
                "sliding-counts",
                analytics(
                    "CREATE OR REPLACE STREAM \"DESTINATION_SQL_STREAM\" (event_type VARCHAR(16), event_count INTEGER);\n\
                     CREATE OR REPLACE PUMP \"STREAM_PUMP\" AS INSERT INTO \"DESTINATION_SQL_STREAM\"\n\
                     SELECT STREAM event_type, COUNT(*) OVER W1 FROM \"SOURCE_SQL_STREAM_001\"\n\
                     WINDOW W1 AS (PARTITION BY event_type RANGE INTERVAL '60' SECOND PRECEDING);",
                ),
            );
            let out_tumbling = b.node("tumbling-results", s3("shardlab-tumbling-results"));
            let out_sliding = b.node("sliding-results", s3("shardlab-sliding-results"));
            b.connect(p, s);
            b.connect(s, tumbling);
            b.connect(s, sliding);
            b.connect(tumbling, out_tumbling);
            b.connect(sliding, out_sliding);
        },
    },
    Preset {
        id: "kinesis-agent-logs",
        title: "Kinesis Agent shipping web server logs",
        description: "A web server writes 200 Apache log lines a second; the Kinesis Agent tails the file, turns \
            each line into JSON with LOGTOJSON, and sends batches of up to 500 records at least every 5 seconds. \
            At 30 s the agent restarts: it resumes from its checkpoint, so no line is lost. The agent.json export \
            gives the same settings for a real server.",
        build: |b| {
            let a = b.node(
                "web-server-agent",
                NodeKind::KinesisAgent(AgentParams {
                    lines_per_sec: 200,
                    max_buffer_age_millis: 5_000,
                    ..AgentParams::default()
                }),
            );
            let s = b.stream("access-logs", shards(1));
            let c = b.consumer("log-indexer", polling());
            b.connect(a, s);
            b.connect(s, c);
            b.at(30_000, Action::RestartAgent { agent: a });
        },
    },
    Preset {
        id: "two-stream-pipeline",
        title: "Two streams: filter with Analytics, then archive",
        description: "A storefront writes 200 click events a second to the raw stream. An Analytics application \
            keeps only the purchases (about a quarter of them) and writes them to a second stream, which a \
            fulfilment consumer reads and Firehose archives to S3 as GZIP objects every minute. Each stream has \
            its own shards and limits: the raw stream needs two shards' read capacity for its readers, the \
            purchase stream one.",
        build: |b| {
            let p = b.producer("storefront", ProducerParams { payload: PayloadKind::Clickstream, ..steady(200, 200) });
            let raw = b.stream("raw-clicks", shards(2));
            let filter = b.node(
                "purchases-only",
                NodeKind::Analytics(AnalyticsParams {
                    sql: PURCHASES_SQL.into(),
                    start: StartPosition::TrimHorizon,
                    ..AnalyticsParams::default()
                }),
            );
            let purchases = b.stream("purchases", shards(1));
            let fulfilment = b.consumer("fulfilment", polling());
            let archive = b.node(
                "purchases-to-s3",
                NodeKind::Firehose(FirehoseParams {
                    buffer_interval_s: 60,
                    compression: Compression::Gzip,
                    s3_prefix: "purchases/".into(),
                    ..FirehoseParams::default()
                }),
            );
            let bucket = b.node("purchase-archive", s3("shardlab-purchase-archive"));
            b.connect(p, raw);
            b.connect(raw, filter);
            b.connect(filter, purchases);
            b.connect(purchases, fulfilment);
            b.connect(purchases, archive);
            b.connect(archive, bucket);
        },
    },
    Preset {
        id: "camera-video-stream",
        title: "A camera, a video stream, and two ways to watch",
        description: "A door camera sends 2 Mbps of H.264 with PutMedia in 2-second fragments (one per key frame) to \
            a Kinesis video stream that keeps 24 hours. Each fragment is acknowledged BUFFERING, RECEIVED, then \
            PERSISTED. A GetMedia reader gets frames as they arrive, under a second behind; an HLS viewer can only \
            play whole stored fragments, so it lags 3 to 5 seconds. At 40 s the camera's network drops for 8 s: \
            what was in flight is lost, and the Producer SDK reconnects and resends from the oldest fragment not \
            yet persisted, so the stream misses nothing.",
        build: |b| {
            let camera = b.node("door-camera", NodeKind::Camera(CameraParams::default()));
            let stream = b.node("front-door", NodeKind::VideoStream(VideoStreamParams::default()));
            let viewer = b.node(
                "hls-viewer",
                NodeKind::VideoConsumer(VideoConsumerParams { style: VideoConsumerStyle::Hls, ..Default::default() }),
            );
            let reader = b.node(
                "get-media-reader",
                NodeKind::VideoConsumer(VideoConsumerParams {
                    style: VideoConsumerStyle::GetMedia,
                    start: VideoStart::Now,
                    ..Default::default()
                }),
            );
            b.connect(camera, stream);
            b.connect(stream, viewer);
            b.connect(stream, reader);
            b.at(40_000, Action::DropCameraConnection { camera, duration_ms: 8_000 });
        },
    },
];

/// KDA SQL passing purchases through, one output row per purchase.
const PURCHASES_SQL: &str = "CREATE OR REPLACE STREAM \"DESTINATION_SQL_STREAM\" (user_id VARCHAR(32), page VARCHAR(32), amount DOUBLE);\n\
CREATE OR REPLACE PUMP \"STREAM_PUMP\" AS INSERT INTO \"DESTINATION_SQL_STREAM\"\n\
SELECT STREAM user_id, page, amount FROM \"SOURCE_SQL_STREAM_001\" WHERE event_type = 'purchase';";

/// The ids of every preset, for listings.
pub fn preset_ids() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.id).collect()
}
