//! Kinesis Video Streams: the control plane (`kinesisvideo`), the media API (PutMedia, GetMedia) and the
//! archived-media API (ListFragments, GetHLSStreamingSessionURL, GetClip), over the engine's
//! [`shardlab_engine::video`].
//!
//! AWS serves these as REST-JSON (`POST /createStream`, `POST /getHLSStreamingSessionURL`, …) on several
//! endpoints; here they share one target prefix, [`TARGET_PREFIX`], like the other services, and JSON bodies
//! with AWS's member names. Members are checked against the model (types, lengths, patterns, enums) before the
//! engine's rules. PutMedia and GetMedia stream MKV on AWS; here PutMedia is a simulated session whose body
//! lists fragments (`ShardlabFragments`: duration and size each) and answers the acknowledgements with the
//! simulated instant each reaches the producer; GetMedia answers the fragments a new connection would get first.

use crate::reply::Reply;
use crate::validate::{self, Member, Required, Shape, Text, number, object, objects, text};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::{Map, Value, json};
use shardlab_engine::video::{self, Fragment, HlsPlaybackMode, StartSelector, VideoError, VideoStream};
use shardlab_engine::{SimTime, Simulation};

/// The `X-Amz-Target`-style prefix of every Kinesis Video Streams operation here (AWS routes them by path).
pub const TARGET_PREFIX: &str = "KinesisVideo_20170930.";

const STREAM_NAME: Member = Member {
    name: "StreamName",
    shape: Shape::Text(Text::pattern_len(&crate::pattern::NAME, 1, 256)),
    required: Required::No,
};
const STREAM_ARN: Member =
    Member { name: "StreamARN", shape: Shape::Text(Text::len(1, 1_024)), required: Required::No };
const STREAM_ONLY: &[Member] = &[STREAM_NAME, STREAM_ARN];
const CREATE_STREAM: &[Member] = &[
    crate::model::integer("DataRetentionInHours", Some(0), None, Required::No),
    Member {
        name: "DeviceName",
        shape: Shape::Text(Text::pattern_len(&crate::pattern::NAME, 1, 128)),
        required: Required::No,
    },
    Member { name: "KmsKeyId", shape: Shape::Text(Text::len(1, 2_048)), required: Required::No },
    Member { name: "MediaType", shape: Shape::Text(Text::len(1, 128)), required: Required::No },
    Member { required: Required::Yes, ..STREAM_NAME },
    crate::model::tag_map(Required::No),
];
const LIST_STREAMS: &[Member] = &[
    crate::model::integer("MaxResults", Some(1), Some(10_000), Required::No),
    Member { name: "NextToken", shape: Shape::Text(Text::len(0, 512)), required: Required::No },
];
const UPDATE_DATA_RETENTION: &[Member] = &[
    Member { name: "CurrentVersion", shape: Shape::Text(Text::len(1, 64)), required: Required::Yes },
    crate::model::integer("DataRetentionChangeInHours", Some(1), None, Required::Yes),
    crate::model::one_of("Operation", &["INCREASE_DATA_RETENTION", "DECREASE_DATA_RETENTION"], Required::Yes),
    STREAM_ARN,
    STREAM_NAME,
];
const GET_DATA_ENDPOINT: &[Member] =
    &[crate::model::one_of("APIName", video::DATA_ENDPOINT_APIS, Required::Yes), STREAM_ARN, STREAM_NAME];
const FRAGMENT_MEMBERS: &[Member] = &[
    crate::model::integer("DurationInMilliseconds", Some(1), Some(600_000), Required::Yes),
    Member {
        name: "SizeInBytes",
        shape: Shape::Number { java: "Long", min: Some(1), max: None },
        required: Required::Yes,
    },
];
const PUT_MEDIA: &[Member] = &[
    crate::model::one_of("FragmentTimecodeType", &["ABSOLUTE", "RELATIVE"], Required::No),
    crate::model::timestamp("ProducerStartTimestamp"),
    STREAM_ARN,
    STREAM_NAME,
    Member {
        name: "ShardlabFragments",
        shape: Shape::StructList { len_min: 1, len_max: 100, java: "Fragment", members: FRAGMENT_MEMBERS },
        required: Required::Yes,
    },
];
const START_SELECTOR_MEMBERS: &[Member] = &[
    Member { name: "AfterFragmentNumber", shape: Shape::Text(Text::len(1, 128)), required: Required::No },
    Member { name: "ContinuationToken", shape: Shape::Text(Text::len(1, 128)), required: Required::No },
    crate::model::one_of(
        "StartSelectorType",
        &["FRAGMENT_NUMBER", "SERVER_TIMESTAMP", "PRODUCER_TIMESTAMP", "NOW", "EARLIEST", "CONTINUATION_TOKEN"],
        Required::Yes,
    ),
    crate::model::timestamp("StartTimestamp"),
];
const GET_MEDIA: &[Member] = &[
    Member { name: "StartSelector", shape: Shape::Struct(START_SELECTOR_MEMBERS), required: Required::Yes },
    STREAM_ARN,
    STREAM_NAME,
];
const TIMESTAMP_RANGE: &[Member] =
    &[crate::model::timestamp("StartTimestamp"), crate::model::timestamp("EndTimestamp")];
const FRAGMENT_SELECTOR_MEMBERS: &[Member] = &[
    crate::model::one_of("FragmentSelectorType", &["PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"], Required::Yes),
    Member { name: "TimestampRange", shape: Shape::Struct(TIMESTAMP_RANGE), required: Required::Yes },
];
const LIST_FRAGMENTS: &[Member] = &[
    Member { name: "FragmentSelector", shape: Shape::Struct(FRAGMENT_SELECTOR_MEMBERS), required: Required::No },
    crate::model::integer("MaxResults", Some(1), Some(1_000), Required::No),
    Member { name: "NextToken", shape: Shape::Text(Text::len(1, 4_096)), required: Required::No },
    STREAM_ARN,
    STREAM_NAME,
];
const HLS_SELECTOR_MEMBERS: &[Member] = &[
    crate::model::one_of("FragmentSelectorType", &["PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"], Required::No),
    Member { name: "TimestampRange", shape: Shape::Struct(TIMESTAMP_RANGE), required: Required::No },
];
const GET_HLS_STREAMING_SESSION_URL: &[Member] = &[
    crate::model::one_of("ContainerFormat", &["FRAGMENTED_MP4", "MPEG_TS"], Required::No),
    crate::model::one_of("DiscontinuityMode", &["ALWAYS", "NEVER", "ON_DISCONTINUITY"], Required::No),
    crate::model::one_of("DisplayFragmentTimestamp", &["ALWAYS", "NEVER"], Required::No),
    crate::model::integer("Expires", Some(300), Some(43_200), Required::No),
    Member { name: "HLSFragmentSelector", shape: Shape::Struct(HLS_SELECTOR_MEMBERS), required: Required::No },
    crate::model::integer("MaxMediaPlaylistFragmentResults", Some(1), Some(5_000), Required::No),
    crate::model::one_of("PlaybackMode", &["LIVE", "LIVE_REPLAY", "ON_DEMAND"], Required::No),
    STREAM_ARN,
    STREAM_NAME,
];
const CLIP_SELECTOR_MEMBERS: &[Member] = &[
    crate::model::one_of("FragmentSelectorType", &["PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"], Required::Yes),
    Member { name: "TimestampRange", shape: Shape::Struct(TIMESTAMP_RANGE), required: Required::Yes },
];
const GET_CLIP: &[Member] = &[
    Member { name: "ClipFragmentSelector", shape: Shape::Struct(CLIP_SELECTOR_MEMBERS), required: Required::Yes },
    STREAM_ARN,
    STREAM_NAME,
];

type Handler = fn(&mut Simulation, &Map<String, Value>) -> Result<Value, Reply>;

/// Every operation, by name.
const OPERATIONS: [(&str, &[Member], Handler); 10] = [
    ("CreateStream", CREATE_STREAM, create_stream),
    ("DescribeStream", STREAM_ONLY, describe_stream),
    ("GetClip", GET_CLIP, get_clip),
    ("GetDataEndpoint", GET_DATA_ENDPOINT, get_data_endpoint),
    ("GetHLSStreamingSessionURL", GET_HLS_STREAMING_SESSION_URL, get_hls_streaming_session_url),
    ("GetMedia", GET_MEDIA, get_media),
    ("ListFragments", LIST_FRAGMENTS, list_fragments),
    ("ListStreams", LIST_STREAMS, list_streams),
    ("PutMedia", PUT_MEDIA, put_media),
    ("UpdateDataRetention", UPDATE_DATA_RETENTION, update_data_retention),
];

/// Whether `name` is an operation here.
pub(crate) fn is_operation(name: &str) -> bool {
    OPERATIONS.iter().any(|(n, _, _)| *n == name)
}

/// The operations with their inputs, for the CLI form.
pub(crate) fn operations() -> Vec<(&'static str, &'static [Member])> {
    OPERATIONS.iter().map(|(name, input, _)| (*name, *input)).collect()
}

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

impl From<VideoError> for Reply {
    fn from(err: VideoError) -> Self {
        Self { status: err.kind.http_status(), body: json!({ "__type": err.kind.aws_name(), "message": err.message }) }
    }
}

/// The stream the request names by `StreamName` or `StreamARN` (exactly one).
fn stream_name(sim: &Simulation, body: &Map<String, Value>) -> Result<String, Reply> {
    let found = sim.video().find(text(body, "StreamName"), text(body, "StreamARN"))?;
    Ok(found.config.name.clone())
}

fn unix_secs(sim: &Simulation, at: SimTime) -> f64 {
    (sim.video().epoch_unix_ms() + at.as_millis()) as f64 / 1_000.0
}

fn unix_secs_of_ms(sim: &Simulation, ms: u64) -> f64 {
    (sim.video().epoch_unix_ms() + ms) as f64 / 1_000.0
}

/// A timestamp member as simulated ms (before the epoch reads as 0).
fn sim_ms(sim: &Simulation, body: &Map<String, Value>, name: &str) -> Option<u64> {
    validate::timestamp_ms(body, name).map(|unix| unix.saturating_sub(sim.video().epoch_unix_ms()))
}

fn stream_info(sim: &Simulation, s: &VideoStream) -> Value {
    json!({
        "StreamName": s.config.name,
        "StreamARN": s.arn,
        "MediaType": s.config.media_type,
        "KmsKeyId": "arn:aws:kms:alias/aws/kinesisvideo",
        "Version": s.version.to_string(),
        "Status": "ACTIVE",
        "CreationTime": unix_secs(sim, s.created_at),
        "DataRetentionInHours": s.config.retention_hours,
    })
}

fn create_stream(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let name = text(body, "StreamName").unwrap_or_default();
    let retention = number(body, "DataRetentionInHours").unwrap_or(0);
    let retention = u32::try_from(retention).unwrap_or(u32::MAX);
    let now = sim.now();
    let arn = sim.video_mut().create_stream(now, name, retention, text(body, "MediaType"))?;
    Ok(json!({ "StreamARN": arn }))
}

fn describe_stream(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let name = stream_name(sim, body)?;
    let stream = sim.video().stream(&name).ok_or_else(|| crate::reply::not_found("The stream does not exist."))?;
    Ok(json!({ "StreamInfo": stream_info(sim, stream) }))
}

fn list_streams(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let max = number(body, "MaxResults").unwrap_or(10_000) as usize;
    let start = text(body, "NextToken").and_then(|t| t.parse::<usize>().ok()).unwrap_or(0);
    let streams = sim.video().streams();
    let page: Vec<Value> = streams.iter().skip(start).take(max).map(|s| stream_info(sim, s)).collect();
    let mut out = json!({ "StreamInfoList": page });
    let next = start.saturating_add(max);
    if next < streams.len() {
        out["NextToken"] = Value::String(next.to_string());
    }
    Ok(out)
}

fn update_data_retention(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let name = stream_name(sim, body)?;
    let version = text(body, "CurrentVersion").unwrap_or_default();
    let increase = text(body, "Operation") == Some("INCREASE_DATA_RETENTION");
    let change = u32::try_from(number(body, "DataRetentionChangeInHours").unwrap_or(0)).unwrap_or(u32::MAX);
    let now = sim.now();
    sim.video_mut().update_data_retention(now, &name, version, increase, change)?;
    Ok(json!({}))
}

fn get_data_endpoint(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let name = stream_name(sim, body)?;
    let endpoint = sim.video().get_data_endpoint(&name, text(body, "APIName").unwrap_or_default())?;
    Ok(json!({ "DataEndpoint": endpoint }))
}

fn put_media(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let name = stream_name(sim, body)?;
    let fragments: Vec<(u32, u64)> = objects(body, "ShardlabFragments")
        .map(|f| {
            let duration = u32::try_from(number(f, "DurationInMilliseconds").unwrap_or(0)).unwrap_or(u32::MAX);
            let size = u64::try_from(number(f, "SizeInBytes").unwrap_or(0)).unwrap_or(0);
            (duration, size)
        })
        .collect();
    let now = sim.now();
    let acks = sim.video_mut().put_media(now, &name, &fragments)?;
    let acks: Vec<Value> = acks
        .iter()
        .map(|a| {
            let mut ack = json!({
                "EventType": a.event.as_str(),
                "FragmentTimecode": a.fragment_timecode_ms,
                "ShardlabAtMillis": a.at.as_millis(),
            });
            if let Some(n) = a.fragment_number {
                ack["FragmentNumber"] = Value::String(n.to_string());
            }
            if let Some(e) = a.error {
                if let Some(id) = e.id() {
                    ack["ErrorId"] = Value::from(id);
                }
                ack["ErrorCode"] = Value::String(e.code().into());
            }
            ack
        })
        .collect();
    Ok(json!({ "Acknowledgements": acks }))
}

fn fragment_json(sim: &Simulation, f: &Fragment) -> Value {
    json!({
        "FragmentNumber": f.number.to_string(),
        "FragmentSizeInBytes": f.size_bytes,
        "ProducerTimestamp": unix_secs_of_ms(sim, f.producer_start_ms),
        "ServerTimestamp": unix_secs(sim, f.server_start),
        "FragmentLengthInMilliseconds": f.duration_ms,
    })
}

fn get_media(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let name = stream_name(sim, body)?;
    let selector = object(body, "StartSelector").cloned().unwrap_or_default();
    let start = match text(&selector, "StartSelectorType").unwrap_or_default() {
        "NOW" => StartSelector::Now,
        "EARLIEST" => StartSelector::Earliest,
        "PRODUCER_TIMESTAMP" | "SERVER_TIMESTAMP" => {
            let at = sim_ms(sim, &selector, "StartTimestamp").ok_or_else(|| {
                crate::reply::invalid_argument(
                    "StartTimestamp is required with a PRODUCER_TIMESTAMP or SERVER_TIMESTAMP start selector.",
                )
            })?;
            StartSelector::ProducerTimestamp { at_ms: at }
        }
        kind => {
            // FRAGMENT_NUMBER reads from AfterFragmentNumber on; CONTINUATION_TOKEN after the fragment it names.
            let (member, after) =
                if kind == "FRAGMENT_NUMBER" { ("AfterFragmentNumber", 0) } else { ("ContinuationToken", 1) };
            let text = text(&selector, member).ok_or_else(|| {
                crate::reply::invalid_argument(format!("{member} is required with a {kind} start selector."))
            })?;
            let number = video::FragmentNumber::parse(text).ok_or_else(|| {
                crate::reply::invalid_argument(format!("{member} '{text}' is not a fragment number of this service."))
            })?;
            let number = video::FragmentNumber { counter: number.counter.saturating_add(after), ..number };
            StartSelector::FragmentNumber { number }
        }
    };
    let now = sim.now();
    let fragments = sim.video().get_media(now, &name, &start)?;
    let chunks: Vec<Value> = fragments.iter().map(|f| fragment_json(sim, f)).collect();
    let mut out = json!({ "ContentType": "video/webm", "ShardlabChunks": chunks });
    if let Some(last) = fragments.last() {
        // AWS puts AWS_KINESISVIDEO_CONTINUATION_TOKEN in each chunk's tags; here, the last chunk's number.
        out["ContinuationToken"] = Value::String(last.number.to_string());
    }
    Ok(out)
}

/// The producer time range of a fragment selector, in simulated ms.
fn range(sim: &Simulation, selector: &Map<String, Value>) -> Result<(u64, u64), Reply> {
    let range = object(selector, "TimestampRange").cloned().unwrap_or_default();
    let start = sim_ms(sim, &range, "StartTimestamp");
    let end = sim_ms(sim, &range, "EndTimestamp");
    match (start, end) {
        (Some(start), Some(end)) if start <= end => Ok((start, end)),
        (Some(_), Some(_)) => {
            Err(crate::reply::invalid_argument("The StartTimestamp must be before the EndTimestamp."))
        }
        _ => Err(crate::reply::invalid_argument("TimestampRange needs both StartTimestamp and EndTimestamp.")),
    }
}

fn list_fragments(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let name = stream_name(sim, body)?;
    let (start, end) = match object(body, "FragmentSelector") {
        Some(selector) => range(sim, selector)?,
        None => (0, u64::MAX),
    };
    let max = u32::try_from(number(body, "MaxResults").unwrap_or(1_000)).unwrap_or(1_000);
    let now = sim.now();
    let fragments = sim.video().list_fragments(now, &name, start, end, max)?;
    let list: Vec<Value> = fragments.iter().map(|f| fragment_json(sim, f)).collect();
    Ok(json!({ "Fragments": list }))
}

fn get_hls_streaming_session_url(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let name = stream_name(sim, body)?;
    let selector = object(body, "HLSFragmentSelector");
    let mode = match text(body, "PlaybackMode").unwrap_or("LIVE") {
        "LIVE" => HlsPlaybackMode::Live,
        "LIVE_REPLAY" => {
            let start = selector
                .and_then(|s| object(s, "TimestampRange"))
                .and_then(|r| sim_ms(sim, r, "StartTimestamp"))
                .ok_or_else(|| {
                    crate::reply::invalid_argument(
                        "A LIVE_REPLAY session needs a TimestampRange with a StartTimestamp.",
                    )
                })?;
            HlsPlaybackMode::LiveReplay { start_ms: start }
        }
        _ => {
            let selector = selector.ok_or_else(|| {
                crate::reply::invalid_argument("HLSFragmentSelector is required when PlaybackMode is ON_DEMAND.")
            })?;
            let (start_ms, end_ms) = range(sim, selector)?;
            HlsPlaybackMode::OnDemand { start_ms, end_ms }
        }
    };
    let expires = u32::try_from(number(body, "Expires").unwrap_or(300)).unwrap_or(u32::MAX);
    let default_fragments = match mode {
        HlsPlaybackMode::Live | HlsPlaybackMode::LiveReplay { .. } => video::HLS_LIVE_PLAYLIST_FRAGMENTS_DEFAULT,
        HlsPlaybackMode::OnDemand { .. } => 1_000,
    };
    let max = u32::try_from(number(body, "MaxMediaPlaylistFragmentResults").unwrap_or(i64::from(default_fragments)))
        .unwrap_or(u32::MAX);
    let now = sim.now();
    let url = sim.video().get_hls_streaming_session_url(now, &name, &mode, expires, max)?;
    Ok(json!({ "HLSStreamingSessionURL": url }))
}

fn get_clip(sim: &mut Simulation, body: &Map<String, Value>) -> Result<Value, Reply> {
    let name = stream_name(sim, body)?;
    let selector = object(body, "ClipFragmentSelector").cloned().unwrap_or_default();
    let (start, end) = range(sim, &selector)?;
    let now = sim.now();
    let stream = sim.video().stream(&name).ok_or_else(|| crate::reply::not_found("The stream does not exist."))?;
    if !stream.keeps_data() {
        return Err(Reply::error(
            "NoDataRetentionException",
            format!("The stream {name} keeps no data (DataRetentionInHours is 0)."),
        ));
    }
    let clip = video::get_clip(stream, now, start, end)?;
    Ok(json!({
        "ContentType": "video/mp4",
        "ShardlabFragments": clip.fragments,
        "ShardlabPayloadBytes": clip.bytes,
        "ShardlabDurationInMilliseconds": clip.duration_ms,
    }))
}
