//! `KinesisVideo_20170930.*`: Kinesis Video Streams requests and replies. Expected values come from
//! `docs/aws-behaviour.md` §10 (AWS's documented limits and exception names) and hand calculation.

use crate::{EPOCH_SECS, Session};
use serde_json::{Value, json};
use shardlab_api::parse_cli_target;

fn kv(s: &mut Session, operation: &str, body: Value) -> shardlab_api::Reply {
    s.api.handle(&mut s.sim, &format!("KinesisVideo_20170930.{operation}"), &body)
}

#[track_caller]
fn ok(s: &mut Session, operation: &str, body: Value) -> Value {
    let reply = kv(s, operation, body);
    assert_eq!(reply.status, 200, "{operation}: {}", reply.body);
    reply.body
}

#[track_caller]
fn error(s: &mut Session, operation: &str, body: Value) -> (u16, String) {
    let reply = kv(s, operation, body);
    (reply.status, reply.body["__type"].as_str().unwrap_or_default().to_string())
}

#[test]
fn create_describe_and_list_video_streams() {
    let mut s = Session::new();
    let created = ok(
        &mut s,
        "CreateStream",
        json!({"StreamName": "door", "DataRetentionInHours": 24, "MediaType": "video/h264"}),
    );
    let arn = created["StreamARN"].as_str().unwrap().to_string();
    assert!(arn.starts_with("arn:aws:kinesisvideo:us-east-1:000000000000:stream/door/"), "{arn}");
    let info = &ok(&mut s, "DescribeStream", json!({"StreamName": "door"}))["StreamInfo"];
    assert_eq!(
        (info["StreamARN"].as_str(), &info["DataRetentionInHours"], &info["Status"], &info["Version"]),
        (Some(arn.as_str()), &json!(24), &json!("ACTIVE"), &json!("1"))
    );
    assert_eq!(info["CreationTime"], json!(EPOCH_SECS as f64));
    assert_eq!(ok(&mut s, "DescribeStream", json!({"StreamARN": arn}))["StreamInfo"]["StreamName"], "door");
    // The default retention is 0: no storage.
    ok(&mut s, "CreateStream", json!({"StreamName": "live-only"}));
    let list = ok(&mut s, "ListStreams", json!({}));
    let names: Vec<&str> =
        list["StreamInfoList"].as_array().unwrap().iter().map(|i| i["StreamName"].as_str().unwrap()).collect();
    assert_eq!(names, ["door", "live-only"]);
    assert_eq!(list["StreamInfoList"][1]["DataRetentionInHours"], 0);
    let page = ok(&mut s, "ListStreams", json!({"MaxResults": 1}));
    assert_eq!(page["NextToken"], "1");
}

#[test]
fn create_stream_validates_names_retention_and_media_type_as_aws_does() {
    let mut s = Session::new();
    // StreamName: 1 to 256 of [a-zA-Z0-9_.-].
    ok(&mut s, "CreateStream", json!({"StreamName": "v".repeat(256)}));
    assert_eq!(
        error(&mut s, "CreateStream", json!({"StreamName": "v".repeat(257)})),
        (400, "ValidationException".into())
    );
    assert_eq!(error(&mut s, "CreateStream", json!({"StreamName": "a b"})), (400, "ValidationException".into()));
    // DataRetentionInHours: at most 87,600 (ten years).
    ok(&mut s, "CreateStream", json!({"StreamName": "ten-years", "DataRetentionInHours": 87_600}));
    assert_eq!(
        error(&mut s, "CreateStream", json!({"StreamName": "x", "DataRetentionInHours": 87_601})),
        (400, "InvalidArgumentException".into())
    );
    assert_eq!(
        error(&mut s, "CreateStream", json!({"StreamName": "x", "MediaType": "h264"})),
        (400, "InvalidArgumentException".into())
    );
    assert_eq!(
        error(&mut s, "CreateStream", json!({"StreamName": "ten-years"})),
        (400, "ResourceInUseException".into())
    );
    assert_eq!(
        error(&mut s, "DescribeStream", json!({"StreamName": "nope"})),
        (404, "ResourceNotFoundException".into())
    );
    assert_eq!(error(&mut s, "DescribeStream", json!({})), (400, "InvalidArgumentException".into()));
}

#[test]
fn update_data_retention_needs_the_current_version() {
    let mut s = Session::new();
    ok(&mut s, "CreateStream", json!({"StreamName": "door", "DataRetentionInHours": 1}));
    let increase = json!({"StreamName": "door", "CurrentVersion": "1", "Operation": "INCREASE_DATA_RETENTION", "DataRetentionChangeInHours": 6});
    ok(&mut s, "UpdateDataRetention", increase.clone());
    assert_eq!(ok(&mut s, "DescribeStream", json!({"StreamName": "door"}))["StreamInfo"]["DataRetentionInHours"], 7);
    assert_eq!(error(&mut s, "UpdateDataRetention", increase), (400, "VersionMismatchException".into()));
    let decrease = json!({"StreamName": "door", "CurrentVersion": "2", "Operation": "DECREASE_DATA_RETENTION", "DataRetentionChangeInHours": 8});
    assert_eq!(error(&mut s, "UpdateDataRetention", decrease), (400, "InvalidArgumentException".into()));
    let bad_op =
        json!({"StreamName": "door", "CurrentVersion": "2", "Operation": "GROW", "DataRetentionChangeInHours": 1});
    assert_eq!(error(&mut s, "UpdateDataRetention", bad_op), (400, "ValidationException".into()));
}

#[test]
fn get_data_endpoint_takes_the_documented_api_names() {
    let mut s = Session::new();
    ok(&mut s, "CreateStream", json!({"StreamName": "door"}));
    for api in
        ["PUT_MEDIA", "GET_MEDIA", "LIST_FRAGMENTS", "GET_MEDIA_FOR_FRAGMENT_LIST", "GET_HLS_STREAMING_SESSION_URL"]
    {
        let endpoint = ok(&mut s, "GetDataEndpoint", json!({"StreamName": "door", "APIName": api}));
        assert!(endpoint["DataEndpoint"].as_str().unwrap().starts_with("https://"), "{endpoint}");
    }
    assert_eq!(
        error(&mut s, "GetDataEndpoint", json!({"StreamName": "door", "APIName": "PUT_RECORD"})),
        (400, "ValidationException".into())
    );
}

#[test]
fn put_media_acknowledges_buffering_received_persisted_and_refuses_overlong_fragments() {
    let mut s = Session::new();
    ok(&mut s, "CreateStream", json!({"StreamName": "door", "DataRetentionInHours": 24}));
    let fragments = json!([
        {"DurationInMilliseconds": 2_000, "SizeInBytes": 500_000},
        {"DurationInMilliseconds": 21_000, "SizeInBytes": 500_000}
    ]);
    let acks = ok(&mut s, "PutMedia", json!({"StreamName": "door", "ShardlabFragments": fragments}));
    let acks = acks["Acknowledgements"].as_array().unwrap();
    let events: Vec<&str> = acks.iter().map(|a| a["EventType"].as_str().unwrap()).collect();
    assert_eq!(events, ["BUFFERING", "RECEIVED", "PERSISTED", "BUFFERING", "ERROR"]);
    // A fragment over 20 seconds: ErrorId 4002.
    assert_eq!((&acks[4]["ErrorId"], &acks[4]["ErrorCode"]), (&json!(4002), &json!("MAX_FRAGMENT_DURATION_REACHED")));
    assert_eq!(acks[1]["FragmentNumber"].as_str().unwrap().len(), 36);
    // Over 50 MB: 4001.
    let big = json!({"StreamName": "door", "ShardlabFragments": [{"DurationInMilliseconds": 1_000, "SizeInBytes": 50_000_001}]});
    let acks = ok(&mut s, "PutMedia", big);
    assert_eq!(acks["Acknowledgements"][1]["ErrorId"], 4001);
    // At retention 0 nothing is persisted: the producer may forget a fragment once RECEIVED.
    ok(&mut s, "CreateStream", json!({"StreamName": "live"}));
    let acks = ok(
        &mut s,
        "PutMedia",
        json!({"StreamName": "live", "ShardlabFragments": [{"DurationInMilliseconds": 1_000, "SizeInBytes": 1}]}),
    );
    let events: Vec<&str> =
        acks["Acknowledgements"].as_array().unwrap().iter().map(|a| a["EventType"].as_str().unwrap()).collect();
    assert_eq!(events, ["BUFFERING", "RECEIVED"]);
}

#[test]
fn list_fragments_get_media_hls_and_clips_read_what_was_kept() {
    let mut s = Session::new();
    ok(&mut s, "CreateStream", json!({"StreamName": "door", "DataRetentionInHours": 24}));
    let two_seconds = json!({"DurationInMilliseconds": 2_000, "SizeInBytes": 500_000});
    ok(
        &mut s,
        "PutMedia",
        json!({"StreamName": "door", "ShardlabFragments": [two_seconds.clone(), two_seconds.clone(), two_seconds]}),
    );
    s.advance_ms(7_000);
    let range = json!({"StartTimestamp": EPOCH_SECS, "EndTimestamp": EPOCH_SECS + 3});
    let listed = ok(
        &mut s,
        "ListFragments",
        json!({"StreamName": "door", "FragmentSelector": {"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": range}}),
    );
    // Fragments 0-2 s and 2-4 s overlap [0, 3 s].
    let fragments = listed["Fragments"].as_array().unwrap();
    assert_eq!(fragments.len(), 2);
    assert_eq!(
        (&fragments[1]["ProducerTimestamp"], &fragments[1]["FragmentLengthInMilliseconds"]),
        (&json!((EPOCH_SECS + 2) as f64), &json!(2_000))
    );
    let media =
        ok(&mut s, "GetMedia", json!({"StreamName": "door", "StartSelector": {"StartSelectorType": "EARLIEST"}}));
    assert_eq!(media["ShardlabChunks"].as_array().unwrap().len(), 3);
    let live = ok(
        &mut s,
        "GetHLSStreamingSessionURL",
        json!({"StreamName": "door", "PlaybackMode": "ON_DEMAND", "HLSFragmentSelector": {"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": range}}),
    );
    assert!(live["HLSStreamingSessionURL"].as_str().unwrap().starts_with("https://"));
    // Expires: 300 to 43,200 seconds.
    assert_eq!(
        error(&mut s, "GetHLSStreamingSessionURL", json!({"StreamName": "door", "Expires": 299})),
        (400, "ValidationException".into())
    );
    assert_eq!(
        error(&mut s, "GetHLSStreamingSessionURL", json!({"StreamName": "door", "PlaybackMode": "ON_DEMAND"})),
        (400, "InvalidArgumentException".into())
    );
    let clip = ok(
        &mut s,
        "GetClip",
        json!({"StreamName": "door", "ClipFragmentSelector": {"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": range}}),
    );
    assert_eq!((&clip["ShardlabFragments"], &clip["ShardlabPayloadBytes"]), (&json!(2), &json!(1_000_000)));
    // A stream that keeps nothing has no HLS and no clips.
    ok(&mut s, "CreateStream", json!({"StreamName": "live"}));
    assert_eq!(
        error(&mut s, "GetHLSStreamingSessionURL", json!({"StreamName": "live"})),
        (400, "NoDataRetentionException".into())
    );
    assert_eq!(
        error(
            &mut s,
            "GetClip",
            json!({"StreamName": "live", "ClipFragmentSelector": {"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": range}})
        ),
        (400, "NoDataRetentionException".into())
    );
}

#[test]
fn the_cli_form_reads_kinesisvideo_commands() {
    assert_eq!(
        parse_cli_target("aws kinesisvideo create-stream --stream-name door --data-retention-in-hours 24"),
        Ok(("KinesisVideo_20170930.CreateStream".into(), json!({"StreamName": "door", "DataRetentionInHours": 24})))
    );
    let (target, _) =
        parse_cli_target("aws kinesis-video-archived-media get-hls-streaming-session-url --stream-name door").unwrap();
    assert_eq!(target, "KinesisVideo_20170930.GetHLSStreamingSessionURL");
}

#[test]
fn malformed_video_requests_never_panic() {
    use crate::protocol::{Rng, odd_value};
    let members = [
        "StreamName",
        "StreamARN",
        "DataRetentionInHours",
        "MediaType",
        "CurrentVersion",
        "Operation",
        "DataRetentionChangeInHours",
        "APIName",
        "ShardlabFragments",
        "StartSelector",
        "FragmentSelector",
        "HLSFragmentSelector",
        "ClipFragmentSelector",
        "PlaybackMode",
        "Expires",
        "MaxMediaPlaylistFragmentResults",
        "MaxResults",
        "NextToken",
    ];
    let video_values = [
        json!("door"),
        json!("INCREASE_DATA_RETENTION"),
        json!("DECREASE_DATA_RETENTION"),
        json!("LIVE_REPLAY"),
        json!("ON_DEMAND"),
        json!("GET_MEDIA"),
        json!("18446744073709551615"),
        json!({"StartSelectorType": "PRODUCER_TIMESTAMP", "StartTimestamp": 1e300}),
        json!({"StartSelectorType": "EARLIEST"}),
        json!({"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": {"StartTimestamp": 1e300, "EndTimestamp": -1}}),
        json!({"FragmentSelectorType": "SERVER_TIMESTAMP", "TimestampRange": {"StartTimestamp": 0, "EndTimestamp": 1e300}}),
        json!([{"DurationInMilliseconds": 600_000, "SizeInBytes": 9_223_372_036_854_775_807u64}]),
        json!([{"DurationInMilliseconds": 1, "SizeInBytes": 1}]),
    ];
    let mut s = Session::new();
    ok(&mut s, "CreateStream", json!({"StreamName": "door", "DataRetentionInHours": 1}));
    let operations = [
        "CreateStream",
        "DescribeStream",
        "ListStreams",
        "UpdateDataRetention",
        "GetDataEndpoint",
        "PutMedia",
        "GetMedia",
        "ListFragments",
        "GetHLSStreamingSessionURL",
        "GetClip",
    ];
    let mut rng = Rng(7);
    for round in 0..3_000 {
        let operation = *rng.pick(&operations);
        let body: serde_json::Map<String, Value> = (0..rng.next() % 6)
            .map(|_| {
                let value =
                    if rng.next().is_multiple_of(2) { rng.pick(&video_values).clone() } else { odd_value(&mut rng, 3) };
                (rng.pick(&members).to_string(), value)
            })
            .collect();
        let reply = kv(&mut s, operation, Value::Object(body.clone()));
        assert!([200, 400, 401, 404].contains(&reply.status), "round {round}: {operation} {}", Value::Object(body));
        if round % 100 == 0 {
            s.advance_ms(1_000);
        }
    }
}
