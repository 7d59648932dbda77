//! Video Streams behaviour, with expected values from AWS's documented limits or arithmetic on them.

use super::*;
use crate::sim::{Command, SimConfig, Simulation};
use alloc::vec;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A run of nothing but one video stream, its cameras and consumers.
fn video_only(video: VideoConfig) -> Simulation {
    let config = SimConfig { streams: vec![], producers: vec![], video, ..SimConfig::default() };
    Simulation::new(config).expect("a valid video scenario")
}

fn one_camera(retention_hours: u32, camera: CameraConfig, consumers: Vec<VideoConsumerConfig>) -> Simulation {
    video_only(VideoConfig {
        streams: vec![VideoStreamConfig::new("door", retention_hours)],
        cameras: vec![camera],
        consumers,
    })
}

fn consumer(name: &str, kind: VideoConsumerKind, start_at_ms: u64) -> VideoConsumerConfig {
    VideoConsumerConfig { name: name.into(), stream_name: "door".into(), kind, start_at_ms }
}

fn hls_live() -> VideoConsumerKind {
    VideoConsumerKind::Hls { mode: HlsPlaybackMode::Live, max_playlist_fragments: HLS_LIVE_PLAYLIST_FRAGMENTS_DEFAULT }
}

#[test]
fn a_camera_sends_fragments_of_its_bitrate_and_key_frame_interval_acknowledged_in_order() {
    let mut sim = one_camera(24, CameraConfig::new("cam", "door"), vec![]);
    sim.advance_to(SimTime::from_secs(60));
    let camera = &sim.video().cameras()[0];
    // 2 Mbps for 2 s: 4,000,000 bits, 500,000 bytes; 30 fragments start in 60 s.
    assert_eq!(camera.config.fragment_bytes(), 500_000);
    assert_eq!(camera.totals.fragments_recorded, 31); // the fragment starting at 60 s counts too
    let stream = sim.video().stream("door").expect("created");
    let first = stream.store.fragments()[0];
    assert_eq!((first.producer_start_ms, first.duration_ms, first.size_bytes, first.frames), (0, 2_000, 500_000, 60));
    // Received when its last frame is recorded and uploaded; stored after that.
    assert_eq!(first.received_at, SimTime::from_millis(2_000 + UPLOAD_DELAY_MS));
    assert_eq!(first.persisted_at, Some(SimTime::from_millis(2_000 + UPLOAD_DELAY_MS + PERSIST_DELAY_MS)));
    // Acknowledgements of one fragment come BUFFERING, RECEIVED, PERSISTED, in time order.
    let of_last: Vec<_> = camera.acks.iter().filter(|a| a.fragment_timecode_ms == 56_000).collect();
    let kinds: Vec<_> = of_last.iter().map(|a| a.event).collect();
    assert_eq!(kinds, [AckEventType::Buffering, AckEventType::Received, AckEventType::Persisted]);
    assert!(of_last.windows(2).all(|w| w[0].at < w[1].at));
    // Each full second ingests a quarter of a megabyte: 2 Mbps.
    let second = stream.seconds.iter().find(|s| s.second == 30).expect("kept");
    assert_eq!(
        second.incoming_bytes + stream.seconds.iter().find(|s| s.second == 31).map_or(0, |s| s.incoming_bytes),
        500_000
    );
    assert_eq!(camera.totals.error_acks, 0);
    assert_eq!(camera.totals.connections, 1);
}

#[test]
fn fragments_outside_the_documented_duration_and_size_get_error_acks_and_are_not_stored() {
    let long =
        CameraConfig { fragment_duration_ms: FRAGMENT_DURATION_MAX_MS + 5_000, ..CameraConfig::new("long", "door") };
    let mut sim = one_camera(24, long, vec![]);
    sim.advance_to(SimTime::from_secs(60));
    let camera = &sim.video().cameras()[0];
    let error = camera.acks.iter().find(|a| a.event == AckEventType::Error).expect("an error ack");
    assert_eq!(error.error, Some(AckError::MaxFragmentDurationReached));
    assert_eq!(error.error.and_then(AckError::id), Some(4002));
    assert!(sim.video().stream("door").expect("created").store.fragments().is_empty());

    // 500 Mbps in 1-second fragments: 62.5 MB each, over the 50 MB maximum (4001).
    let big = CameraConfig { bitrate_kbps: 500_000, fragment_duration_ms: 1_000, ..CameraConfig::new("big", "door") };
    assert_eq!(big.fragment_bytes(), 62_500_000);
    let mut sim = one_camera(24, big, vec![]);
    sim.advance_to(SimTime::from_secs(10));
    let error = sim.video().cameras()[0].acks.iter().find(|a| a.event == AckEventType::Error).expect("an error ack");
    assert_eq!(error.error.map(AckError::code), Some("MAX_FRAGMENT_SIZE_REACHED"));
    assert_eq!(error.error.and_then(AckError::id), Some(4001));

    let short = CameraConfig { fragment_duration_ms: 500, ..CameraConfig::new("short", "door") };
    let mut sim = one_camera(24, short, vec![]);
    sim.advance_to(SimTime::from_secs(5));
    let error = sim.video().cameras()[0].acks.iter().find(|a| a.event == AckEventType::Error).expect("an error ack");
    assert_eq!(error.error, Some(AckError::MinFragmentDurationReached));
    let refused = core::iter::from_fn(|| sim.poll_observation())
        .find(|o| matches!(o.what, Observed::VideoFragmentRefused { .. }));
    assert!(refused.is_some(), "the first refusal is observed");
}

#[test]
fn a_camera_over_the_put_media_rate_falls_behind_and_its_sdk_drops_fragments() {
    // 150 Mbps is 18.75 MB/s; PutMedia reads 12.5 MB/s, so each 1-second fragment takes 1.5 s on the wire.
    let fast = CameraConfig { bitrate_kbps: 150_000, fragment_duration_ms: 1_000, ..CameraConfig::new("fast", "door") };
    let mut sim = one_camera(24, fast, vec![]);
    sim.advance_to(SimTime::from_secs(400));
    let camera = &sim.video().cameras()[0];
    let stream = sim.video().stream("door").expect("created");
    // Over any second, the service takes in at most 12.5 MB.
    assert!(stream.seconds.iter().all(|s| s.incoming_bytes <= 2 * PUT_MEDIA_BYTES_PER_SEC_MAX));
    let now = SimTime::from_secs(400);
    let received: u64 = stream.store.fragments().iter().filter(|f| f.received_at <= now).map(|f| f.size_bytes).sum();
    assert!(received <= 400 * PUT_MEDIA_BYTES_PER_SEC_MAX, "{received}");
    assert!(received >= 390 * PUT_MEDIA_BYTES_PER_SEC_MAX, "the link stays busy: {received}");
    // Two fragments of three get through (12.5 / 18.75); the SDK's buffer fills after about 360 s and it drops.
    assert!(camera.totals.fragments_dropped > 0);
    let observed =
        core::iter::from_fn(|| sim.poll_observation()).any(|o| matches!(o.what, Observed::VideoIngestBehind { .. }));
    assert!(observed);
}

#[test]
fn a_second_camera_on_a_stream_is_refused_its_put_media_connection() {
    let config = VideoConfig {
        streams: vec![VideoStreamConfig::new("door", 24)],
        cameras: vec![CameraConfig::new("first", "door"), CameraConfig::new("second", "door")],
        consumers: vec![],
    };
    let mut sim = video_only(config);
    sim.advance_to(SimTime::from_secs(20));
    let [first, second] = sim.video().cameras() else { panic!("two cameras") };
    assert!(first.connected && !second.connected);
    assert!(second.totals.connections_refused > 0);
    assert_eq!(second.totals.fragments_received, 0);
    let refused = core::iter::from_fn(|| sim.poll_observation()).find_map(|o| match o.what {
        Observed::VideoConnectionRefused { camera, .. } => Some(camera),
        _ => None,
    });
    assert_eq!(refused.as_deref(), Some("second"));
}

#[test]
fn hls_lags_live_by_seconds_while_get_media_lags_by_a_fraction_of_one() {
    let consumers = vec![
        consumer("viewer", hls_live(), 0),
        consumer("reader", VideoConsumerKind::GetMedia { start: StartSelector::Now }, 0),
    ];
    let mut sim = one_camera(24, CameraConfig::new("cam", "door"), consumers);
    for second in 30..=60 {
        sim.advance_to(SimTime::from_secs(second));
        let [viewer, reader] = sim.video().consumers() else { panic!("two consumers") };
        let hls = viewer.totals.latency_ms.expect("playing");
        let get_media = reader.totals.latency_ms.expect("reading");
        // AWS: HLS live playback typically lags 3 to 5 seconds; GetMedia is the low-latency API.
        assert!((3_000..=5_000).contains(&hls), "second {second}: HLS {hls} ms");
        assert!(get_media < 1_000, "second {second}: GetMedia {get_media} ms");
        assert_eq!(viewer.totals.playlist_fragments, HLS_LIVE_PLAYLIST_FRAGMENTS_DEFAULT);
        assert_eq!(viewer.totals.playlist_window_ms, 5 * 2_000);
    }
}

#[test]
fn retention_zero_stores_nothing_so_only_live_get_media_works() {
    let consumers = vec![
        consumer("viewer", hls_live(), 0),
        consumer("reader", VideoConsumerKind::GetMedia { start: StartSelector::Now }, 0),
        consumer("clip", VideoConsumerKind::Clip { start_ms: 0, end_ms: 60_000 }, 600_000),
    ];
    let mut sim = one_camera(0, CameraConfig::new("cam", "door"), consumers);
    sim.advance_to(SimTime::from_secs(660));
    let camera = &sim.video().cameras()[0];
    assert_eq!(camera.totals.fragments_persisted, 0);
    assert!(camera.acks.iter().all(|a| a.event != AckEventType::Persisted));
    let [viewer, reader, clip] = sim.video().consumers() else { panic!("three consumers") };
    assert!(viewer.totals.error.as_deref().is_some_and(|e| e.starts_with("NoDataRetentionException")));
    assert!(clip.totals.error.as_deref().is_some_and(|e| e.starts_with("NoDataRetentionException")));
    assert!(reader.totals.error.is_none() && reader.totals.fragments_read > 300);
    // The host buffer keeps 5 minutes: 150 two-second fragments, give or take the ones in flight.
    let kept = sim.video().stream("door").expect("created").store.fragments().len() as u64;
    assert!((150..=152).contains(&kept), "{kept}");
}

#[test]
fn a_clip_from_an_hour_ago_comes_from_retention_and_a_live_replay_plays_it_an_hour_late() {
    let consumers = vec![
        consumer("clip", VideoConsumerKind::Clip { start_ms: 0, end_ms: 300_000 }, 3_900_000),
        consumer(
            "replay",
            VideoConsumerKind::Hls { mode: HlsPlaybackMode::LiveReplay { start_ms: 0 }, max_playlist_fragments: 5 },
            3_660_000,
        ),
    ];
    let mut sim = one_camera(2, CameraConfig::new("cam", "door"), consumers);
    sim.advance_to(SimTime::from_secs(3_960));
    let [clip, replay] = sim.video().consumers() else { panic!("two consumers") };
    assert_eq!(clip.totals.error, None);
    // Fragments overlapping [0, 300 s]: 0–2 s … 300–302 s, 151 of them, 500,000 bytes each.
    assert_eq!(clip.totals.fragments_read, 151);
    assert_eq!(clip.totals.bytes_read, 151 * 500_000);
    // The replay started 61 minutes in, at producer time 0: it shows media 61 minutes old.
    assert_eq!(replay.totals.latency_ms, Some(3_660_000));
    assert!(replay.totals.fragments_read >= 150 && replay.totals.stalled_seconds == 0);
}

#[test]
fn a_clip_over_two_hundred_fragments_is_refused() {
    // 10 minutes of 2-second fragments is 300 (or 301 overlapping) fragments: over GetClip's 200.
    let consumers = vec![consumer("clip", VideoConsumerKind::Clip { start_ms: 0, end_ms: 600_000 }, 700_000)];
    let mut sim = one_camera(1, CameraConfig::new("cam", "door"), consumers);
    sim.advance_to(SimTime::from_secs(701));
    let error = sim.video().consumers()[0].totals.error.clone().expect("refused");
    assert!(error.contains("at most 200 fragments"), "{error}");
}

#[test]
fn retention_expires_fragments_by_server_time() {
    let mut sim = one_camera(1, CameraConfig::new("cam", "door"), vec![]);
    sim.advance_to(SimTime::from_secs(4_200));
    let store = &sim.video().stream("door").expect("created").store;
    let oldest = store.fragments().front().expect("kept");
    // One hour before 4,200 s is 600 s.
    assert!(oldest.server_start >= SimTime::from_secs(600));
    assert!(oldest.server_start < SimTime::from_secs(603));
}

#[test]
fn a_dropped_connection_loses_what_was_in_flight_and_the_sdk_resends_it_after_reconnecting() {
    let consumers = vec![consumer("reader", VideoConsumerKind::GetMedia { start: StartSelector::Earliest }, 0)];
    let mut config = SimConfig { streams: vec![], producers: vec![], ..SimConfig::default() };
    config.video = VideoConfig {
        streams: vec![VideoStreamConfig::new("door", 24)],
        cameras: vec![CameraConfig::new("cam", "door")],
        consumers,
    };
    config.scheduled = vec![crate::ScheduledCommand {
        at_ms: 30_500,
        command: Command::DropCameraConnection { camera: 0, duration_ms: 10_000 },
    }];
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(90));
    let camera = &sim.video().cameras()[0];
    assert_eq!(camera.totals.connection_drops, 1);
    assert_eq!(camera.totals.connections, 2);
    assert!(camera.totals.fragments_resent >= 1);
    // Every 2 seconds of the producer's timeline up to 80 s is in the stream, the lost ones resent.
    let starts: Vec<u64> =
        sim.video().stream("door").expect("created").store.fragments().iter().map(|f| f.producer_start_ms).collect();
    for start in (0..80_000).step_by(2_000) {
        assert!(starts.contains(&start), "missing the fragment recorded at {start} ms");
    }
    let dropped = core::iter::from_fn(|| sim.poll_observation())
        .any(|o| matches!(o.what, Observed::VideoConnectionDropped { .. }));
    assert!(dropped);
}

#[test]
fn the_sdk_renews_its_connection_before_the_45_minute_limit() {
    let mut sim = one_camera(24, CameraConfig::new("cam", "door"), vec![]);
    sim.advance_to(SimTime::from_secs(90 * 60));
    let camera = &sim.video().cameras()[0];
    // Renewed at 40 and 80 minutes: no connection outlives 45.
    assert_eq!(camera.totals.connections, 3);
    assert!(camera.acks.iter().all(|a| a.error != Some(AckError::MaxConnectionDurationReached)));
}

#[test]
fn a_sixth_hls_session_closes_the_oldest_and_a_fourth_get_media_is_refused() {
    let mut consumers: Vec<_> = (0..6u64).map(|i| consumer(&format!("viewer-{i}"), hls_live(), i * 1_000)).collect();
    for i in 0..4u64 {
        consumers.push(consumer(
            &format!("reader-{i}"),
            VideoConsumerKind::GetMedia { start: StartSelector::Now },
            i * 1_000,
        ));
    }
    let mut sim = one_camera(24, CameraConfig::new("cam", "door"), consumers);
    sim.advance_to(SimTime::from_secs(10));
    let consumers = sim.video().consumers();
    assert!(consumers[0].closed, "the oldest HLS session closes");
    assert!(consumers[1..6].iter().all(|c| !c.closed));
    let refused = consumers[9].totals.error.as_deref().unwrap_or_default();
    assert!(refused.starts_with("ConnectionLimitExceededException"), "{refused}");
    assert!(consumers[6..9].iter().all(|c| c.totals.error.is_none()));
}

#[test]
fn sampling_consumers_count_images_and_frames_and_recognise_nothing() {
    let consumers = vec![
        consumer("images", VideoConsumerKind::ImageExtraction { sampling_interval_ms: 500 }, 0),
        consumer("rekognition", VideoConsumerKind::Rekognition, 0),
    ];
    let mut sim = one_camera(24, CameraConfig::new("cam", "door"), consumers);
    sim.advance_to(SimTime::from_secs(61));
    let [images, rekognition] = sim.video().consumers() else { panic!("two consumers") };
    // Fragments stored by 61 s cover 0 to 58 s (the one ending at 60 s is stored at 60.5 s): 58 s at 2 per second.
    let stored_ms = images.totals.fragments_read * 2_000;
    assert_eq!(images.totals.frames_or_images, stored_ms / 500);
    // 30 frames/s in every fragment it read.
    assert_eq!(rekognition.totals.frames_or_images, rekognition.totals.fragments_read * 60);
    assert!(rekognition.totals.fragments_read >= 29);
}

#[test]
fn the_api_validates_as_aws_documents() {
    let mut video = Video::new(&VideoConfig::default(), "123456789012", "us-east-1", 0);
    let now = SimTime::ZERO;
    let long = "x".repeat(STREAM_NAME_CHARS_MAX + 1);
    assert_eq!(video.create_stream(now, &long, 0, None).map_err(|e| e.kind), Err(VideoErrorKind::InvalidArgument));
    assert_eq!(
        video.create_stream(now, "cam", RETENTION_HOURS_MAX + 1, None).map_err(|e| e.kind),
        Err(VideoErrorKind::InvalidArgument)
    );
    let arn = video.create_stream(now, "cam", 0, Some("video/h264,audio/aac")).expect("created");
    assert!(arn.starts_with("arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam/"));
    assert_eq!(video.create_stream(now, "cam", 0, None).map_err(|e| e.kind), Err(VideoErrorKind::ResourceInUse));
    // Version 1 to 2 with an increase; the old version is then refused.
    video.update_data_retention(now, "cam", "1", true, 48).expect("increase");
    assert_eq!(video.stream("cam").map(|s| s.config.retention_hours), Some(48));
    let stale = video.update_data_retention(now, "cam", "1", false, 1);
    assert_eq!(stale.map_err(|e| e.kind), Err(VideoErrorKind::VersionMismatch));
    let too_far = video.update_data_retention(now, "cam", "2", true, RETENTION_HOURS_MAX);
    assert_eq!(too_far.map_err(|e| e.kind), Err(VideoErrorKind::InvalidArgument));
    assert!(video.get_data_endpoint("cam", "PUT_MEDIA").is_ok());
    assert_eq!(video.get_data_endpoint("cam", "PUT_RECORD").map_err(|e| e.kind), Err(VideoErrorKind::InvalidArgument));
    assert_eq!(video.get_data_endpoint("nope", "GET_MEDIA").map_err(|e| e.kind.http_status()), Err(404));
    // PutMedia from the console: a 25-second fragment gets 4002; 2-second ones are received and persisted.
    let acks = video.put_media(now, "cam", &[(2_000, 1_000), (25_000, 1_000)]).expect("a session");
    let events: Vec<_> = acks.iter().map(|a| a.event).collect();
    use AckEventType::*;
    assert_eq!(events, [Buffering, Received, Persisted, Buffering, Error]);
    assert_eq!(acks[4].error.and_then(AckError::id), Some(4002));
    let hls = video.get_hls_streaming_session_url(SimTime::from_secs(3), "cam", &HlsPlaybackMode::Live, 299, 5);
    assert_eq!(hls.map_err(|e| e.kind), Err(VideoErrorKind::InvalidArgument));
    assert!(video.get_hls_streaming_session_url(SimTime::from_secs(3), "cam", &HlsPlaybackMode::Live, 300, 5).is_ok());
    let listed = video.list_fragments(SimTime::from_secs(3), "cam", 0, 10_000, 100).expect("listed");
    assert_eq!(listed.len(), 1);
}

#[test]
fn fragment_numbers_print_as_long_decimal_strings_and_read_back() {
    let n = FragmentNumber { stream: 7, counter: 42 };
    let text = n.to_string();
    assert_eq!(text.len(), 36);
    assert!(text.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(FragmentNumber::parse(&text), Some(n));
    assert_eq!(FragmentNumber::parse("123"), None);
}

#[test]
fn video_runs_are_deterministic() {
    let run = || {
        let consumers = vec![consumer("viewer", hls_live(), 0)];
        let mut sim = one_camera(24, CameraConfig::new("cam", "door"), consumers);
        sim.advance_to(SimTime::from_secs(120));
        sim.summary().video_streams
    };
    assert_eq!(run(), run());
}

#[test]
fn a_stream_keeps_a_bounded_number_of_fragments() {
    // 100 ms fragments (refused by AWS, so nothing is stored) would not fill it; 1-second ones for 14 hours would
    // (50,400 > 50,000), so the oldest are dropped early and counted.
    let store_bound = CameraConfig { fragment_duration_ms: 1_000, bitrate_kbps: 8, ..CameraConfig::new("cam", "door") };
    let mut sim = one_camera(24, store_bound, vec![]);
    sim.advance_to(SimTime::from_secs(14 * 3_600));
    let store = &sim.video().stream("door").expect("created").store;
    assert_eq!(store.fragments().len(), STREAM_FRAGMENTS_MAX);
    assert!(store.dropped_early >= 400, "{}", store.dropped_early);
    // More video streams than the simulator runs are refused, saying how many it runs.
    let streams = (0..=VIDEO_NODES_MAX).map(|i| VideoStreamConfig::new(&format!("s{i}"), 0)).collect();
    let config = SimConfig {
        streams: vec![],
        producers: vec![],
        video: VideoConfig { streams, ..VideoConfig::default() },
        ..SimConfig::default()
    };
    let problems = Simulation::new(config).expect_err("too many").problems;
    assert!(problems.iter().any(|p| p.contains("at most 20")), "{problems:?}");
}

#[test]
fn a_get_media_reader_that_cannot_keep_up_is_observed_falling_behind() {
    // 120 Mbps in 1-second fragments is 15 MB a fragment; PutMedia reads 12.5 MB/s, so each takes 1.2 s on the
    // wire and media reaches the stream, and its live reader, later and later.
    let fast = CameraConfig { bitrate_kbps: 120_000, fragment_duration_ms: 1_000, ..CameraConfig::new("fast", "door") };
    let consumers = vec![consumer("reader", VideoConsumerKind::GetMedia { start: StartSelector::Now }, 0)];
    let mut sim = one_camera(24, fast, consumers);
    sim.advance_to(SimTime::from_secs(120));
    let behind = core::iter::from_fn(|| sim.poll_observation()).find_map(|o| match o.what {
        Observed::VideoPlaybackBehind { consumer, latency_ms, .. } => Some((consumer, latency_ms)),
        _ => None,
    });
    let (name, latency_ms) = behind.expect("observed");
    assert_eq!(name, "reader");
    assert!(latency_ms >= PLAYBACK_BEHIND_MS);
    // After 120 s about 100 fragments are in (120 / 1.2): the newest media is about 20 s old.
    assert!(sim.video().consumers()[0].totals.latency_ms.is_some_and(|l| l >= 15_000));
}

#[test]
fn get_media_from_a_fragment_number_catches_up_at_five_fragments_a_second() {
    // Fragment k (from 1) covers 2(k-1) to 2k s and is received at 2k + 0.1 s.
    let from = FragmentNumber { stream: 0, counter: 5 };
    let start = StartSelector::FragmentNumber { number: from };
    let consumers = vec![consumer("reader", VideoConsumerKind::GetMedia { start }, 30_000)];
    let mut sim = one_camera(24, CameraConfig::new("cam", "door"), consumers);
    sim.advance_to(SimTime::from_secs(30));
    // At 30 s fragments 5 to 14 are waiting; GetMedia sends 5 a second.
    assert_eq!(sim.video().consumers()[0].totals.fragments_read, u64::from(GET_MEDIA_FRAGMENTS_PER_SEC_MAX));
    sim.advance_to(SimTime::from_secs(61));
    // By 61 s fragments 5 to 30 (received by 60.1 s, handed on 0.1 s later): 26.
    let reader = &sim.video().consumers()[0];
    assert_eq!(reader.totals.fragments_read, 26);
    assert!(reader.totals.latency_ms.is_some_and(|l| l < 1_000), "caught up: {:?}", reader.totals);
}
