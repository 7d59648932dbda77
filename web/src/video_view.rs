//! The Video Streams panel's data: a video stream's figures (ingest rate, fragments persisted, each
//! consumer's playback latency), its cameras and consumers, and its fragment timeline: fragments on a producer
//! time axis, coloured by state, with the retention edge and each consumer's place. Plain Rust, tested natively.
//!
//! Work per frame does not grow with the fragments kept: a timeline looks at most [`SCAN_MAX`] fragments from
//! the newest back and draws at most [`BLOCKS_MAX`] blocks, grouping fragments by time when more fit.

use shardlab_engine::video::{
    Camera, CameraTotals, Fragment, HOST_BUFFER_MS, HlsPlaybackMode, StartSelector, VideoConsumer, VideoConsumerKind,
    VideoStream,
};
use shardlab_engine::{SimTime, Simulation};

/// Blocks on one timeline at most (the expired band included).
pub const BLOCKS_MAX: usize = 60;
/// Fragments looked at per timeline at most, newest first.
pub const SCAN_MAX: usize = 2_000;
/// Consumers drawn as markers on a timeline at most; the table lists them all.
pub const MARKERS_MAX: usize = 8;
/// The longest fragment the composer allows (a camera's key-frame interval), which bounds how far a fragment's
/// recording can start before it is sent.
const FRAGMENT_DURATION_LONGEST_MS: u64 = 60_000;

/// How much time a timeline shows, ending now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineZoom {
    /// The last minute: one block per fragment for fragments of a second or more.
    Minute,
    /// The last ten minutes: long enough to see a stream without retention drop fragments from its 5-minute
    /// host buffer.
    TenMinutes,
}

impl TimelineZoom {
    /// Every zoom, shortest first.
    pub const ALL: [Self; 2] = [Self::Minute, Self::TenMinutes];

    /// The window's length.
    pub fn window_ms(self) -> u64 {
        match self {
            Self::Minute => 60_000,
            Self::TenMinutes => 600_000,
        }
    }

    /// Its words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Minute => "Last minute",
            Self::TenMinutes => "Last 10 minutes",
        }
    }
}

/// Where a fragment is, as its PutMedia acknowledgements say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FragmentState {
    /// On its way: sent but not yet received whole (BUFFERING).
    Buffering,
    /// Received whole (RECEIVED); on a stream without retention it stays so, in the host buffer.
    Received,
    /// Stored (PERSISTED).
    Persisted,
    /// Past the retention edge: no longer kept.
    Expired,
}

impl FragmentState {
    /// Its CSS class and words.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Buffering => "buffering",
            Self::Received => "received",
            Self::Persisted => "persisted",
            Self::Expired => "expired",
        }
    }

    /// A fragment's state at `now`.
    pub fn of(fragment: &Fragment, now: SimTime) -> Self {
        if fragment.received_at > now {
            Self::Buffering
        } else if fragment.persisted_at.is_some_and(|p| p <= now) {
            Self::Persisted
        } else {
            Self::Received
        }
    }
}

/// Fragments next to each other in time, drawn as one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FragmentBlock {
    /// Producer time its first fragment starts at, ms.
    pub start_ms: u64,
    /// Producer time its last fragment ends at, ms.
    pub end_ms: u64,
    /// The least advanced state among its fragments (a block is persisted once all of it is).
    pub state: FragmentState,
    /// Fragments in it (0 for the expired band).
    pub fragments: u32,
    /// Whether it holds a copy the producer sent again after a dropped connection.
    pub resent: bool,
    /// The first fragment's number (empty for the expired band).
    pub first_number: String,
}

/// What a consumer does, as a marker shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// A GetMedia connection or a Rekognition Video stream processor: frames as they arrive.
    Live,
    /// An HLS viewer: its playhead and its playlist's window.
    Hls,
    /// A clip's range.
    Clip,
    /// Image extraction: the newest stored media it sampled.
    Sampler,
}

impl MarkerKind {
    /// Its CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Hls => "hls",
            Self::Clip => "clip",
            Self::Sampler => "sampler",
        }
    }
}

/// A consumer's place on the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineMarker {
    /// The consumer's name.
    pub name: String,
    /// What it does.
    pub kind: MarkerKind,
    /// The producer instant it shows or has read to, ms.
    pub at_ms: Option<u64>,
    /// A range it covers: an HLS playlist or a clip, ms.
    pub range: Option<(u64, u64)>,
    /// How far behind the camera it is, ms.
    pub latency_ms: Option<u64>,
}

/// A video stream's fragments over a window of producer time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FragmentTimeline {
    /// The zoom it was made for.
    pub zoom: TimelineZoom,
    /// The window's start, ms (0 until the run is longer than the window).
    pub window_start_ms: u64,
    /// The window's end: now, or the window's length early in a run.
    pub window_end_ms: u64,
    /// Now, ms.
    pub now_ms: u64,
    /// Media older than this is no longer kept (retention, or the host buffer without it); `None` before the
    /// run has lasted that long.
    pub retention_edge_ms: Option<u64>,
    /// The blocks, oldest first (the expired band first when in the window).
    pub blocks: Vec<FragmentBlock>,
    /// Each consumer (at most [`MARKERS_MAX`]).
    pub markers: Vec<TimelineMarker>,
    /// Fragments in the window.
    pub fragments_in_window: usize,
}

/// The timeline of `stream` at `now` for `zoom`, with `consumers`' markers.
pub fn fragment_timeline(
    stream: &VideoStream,
    consumers: &[&VideoConsumer],
    now: SimTime,
    zoom: TimelineZoom,
) -> FragmentTimeline {
    let now_ms = now.as_millis();
    let window_end_ms = now_ms.max(zoom.window_ms());
    let window_start_ms = window_end_ms - zoom.window_ms();
    let kept_ms =
        if stream.keeps_data() { u64::from(stream.config.retention_hours) * 3_600_000 } else { HOST_BUFFER_MS };
    let retention_edge_ms = now_ms.checked_sub(kept_ms);
    let mut in_window: Vec<&Fragment> = Vec::new();
    for f in stream.store.fragments().iter().rev().take(SCAN_MAX) {
        // Earlier arrivals started recording earlier still: nothing before this reaches the window.
        if f.server_start.as_millis() + FRAGMENT_DURATION_LONGEST_MS < window_start_ms {
            break;
        }
        if f.producer_end_ms() > window_start_ms && f.producer_start_ms < window_end_ms {
            in_window.push(f);
        }
    }
    in_window.sort_by_key(|f| (f.producer_start_ms, f.number));
    let mut blocks = Vec::new();
    if let Some(edge) = retention_edge_ms.filter(|e| *e > window_start_ms) {
        blocks.push(FragmentBlock {
            start_ms: window_start_ms,
            end_ms: edge.min(window_end_ms),
            state: FragmentState::Expired,
            fragments: 0,
            resent: false,
            first_number: String::new(),
        });
    }
    let room = BLOCKS_MAX - blocks.len();
    let block_of = |f: &Fragment| FragmentBlock {
        start_ms: f.producer_start_ms,
        end_ms: f.producer_end_ms(),
        state: FragmentState::of(f, now),
        fragments: 1,
        resent: f.duplicate,
        first_number: f.number.to_string(),
    };
    if in_window.len() <= room {
        blocks.extend(in_window.iter().map(|f| block_of(f)));
    } else {
        // Equal slots of time; a fragment joins the slot its recording starts in.
        let slot_ms = zoom.window_ms().div_ceil(room as u64).max(1);
        let mut current: Option<(u64, FragmentBlock)> = None;
        for f in &in_window {
            let slot = f.producer_start_ms.saturating_sub(window_start_ms) / slot_ms;
            match &mut current {
                Some((s, block)) if *s == slot => {
                    block.end_ms = block.end_ms.max(f.producer_end_ms());
                    block.state = block.state.min(FragmentState::of(f, now));
                    block.fragments += 1;
                    block.resent |= f.duplicate;
                }
                _ => {
                    blocks.extend(current.take().map(|(_, b)| b));
                    current = Some((slot, block_of(f)));
                }
            }
        }
        blocks.extend(current.map(|(_, b)| b));
    }
    let newest_visible_end = stream.visible(now).last().map(Fragment::producer_end_ms);
    let markers = consumers.iter().take(MARKERS_MAX).map(|c| marker(c, newest_visible_end)).collect();
    FragmentTimeline {
        zoom,
        window_start_ms,
        window_end_ms,
        now_ms,
        retention_edge_ms,
        blocks,
        markers,
        fragments_in_window: in_window.len(),
    }
}

fn marker(c: &VideoConsumer, newest_visible_end: Option<u64>) -> TimelineMarker {
    let t = &c.totals;
    let (kind, range) = match &c.config.kind {
        VideoConsumerKind::GetMedia { .. } | VideoConsumerKind::Rekognition => (MarkerKind::Live, None),
        VideoConsumerKind::Hls { mode, .. } => {
            let playlist = (t.playlist_fragments > 0).then(|| match mode {
                // A live playlist holds the newest stored fragments.
                HlsPlaybackMode::Live => newest_visible_end.map(|end| (end.saturating_sub(t.playlist_window_ms), end)),
                // A replay's playlist starts at the fragment holding its playhead.
                _ => t.playhead_ms.map(|at| (at, at + t.playlist_window_ms)),
            });
            (MarkerKind::Hls, playlist.flatten())
        }
        VideoConsumerKind::Clip { start_ms, end_ms } => (MarkerKind::Clip, Some((*start_ms, *end_ms))),
        VideoConsumerKind::ImageExtraction { .. } => (MarkerKind::Sampler, None),
    };
    TimelineMarker { name: c.config.name.clone(), kind, at_ms: t.playhead_ms, range, latency_ms: t.latency_ms }
}

/// A camera as the panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CameraView {
    /// Its name.
    pub name: String,
    /// Its encoder's bitrate.
    pub bitrate_kbps: u32,
    /// Frames per second.
    pub frame_rate: u32,
    /// Each fragment's duration.
    pub fragment_duration_ms: u32,
    /// Whether its PutMedia connection is open.
    pub connected: bool,
    /// Its figures.
    pub totals: CameraTotals,
    /// Fragments recorded and not yet acknowledged as kept.
    pub unacknowledged: usize,
    /// Its newest acknowledgement: when it reached the camera, its event type and error code.
    pub last_ack: Option<(u64, &'static str, Option<&'static str>)>,
}

impl CameraView {
    fn of(c: &Camera, now: SimTime) -> Self {
        let last_ack = c
            .acks
            .iter()
            .rev()
            .find(|a| a.at <= now)
            .map(|a| (a.at.as_millis(), a.event.as_str(), a.error.map(|e| e.code())));
        Self {
            name: c.config.name.clone(),
            bitrate_kbps: c.config.bitrate_kbps,
            frame_rate: c.config.frame_rate,
            fragment_duration_ms: c.config.fragment_duration_ms,
            connected: c.connected,
            totals: c.totals,
            unacknowledged: c.unacknowledged(),
            last_ack,
        }
    }
}

/// A video consumer as the panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoConsumerView {
    /// Its name.
    pub name: String,
    /// What it does, in AWS's words ("GetMedia from NOW", "HLS LIVE", …).
    pub kind_label: String,
    /// Whether it has connected (or made its call).
    pub started: bool,
    /// An HLS session closed because a newer one opened past the limit.
    pub closed: bool,
    /// How far behind the camera it shows media, ms.
    pub latency_ms: Option<u64>,
    /// The producer instant it is at, ms.
    pub playhead_ms: Option<u64>,
    /// Fragments it read (segments played, a clip's fragments, fragments sampled).
    pub fragments_read: u64,
    /// Frames (Rekognition) or images (image extraction) it got.
    pub frames_or_images: u64,
    /// Its HLS playlist: fragments and the producer time they span, ms.
    pub playlist: Option<(u32, u64)>,
    /// Seconds a replay had nothing to play.
    pub stalled_seconds: u64,
    /// AWS's error, if its call was refused.
    pub error: Option<String>,
}

impl VideoConsumerView {
    fn of(c: &VideoConsumer) -> Self {
        let t = &c.totals;
        Self {
            name: c.config.name.clone(),
            kind_label: consumer_kind_label(&c.config.kind),
            started: c.started,
            closed: c.closed,
            latency_ms: t.latency_ms,
            playhead_ms: t.playhead_ms,
            fragments_read: t.fragments_read,
            frames_or_images: t.frames_or_images,
            playlist: matches!(c.config.kind, VideoConsumerKind::Hls { .. })
                .then_some((t.playlist_fragments, t.playlist_window_ms)),
            stalled_seconds: t.stalled_seconds,
            error: t.error.clone(),
        }
    }
}

/// A consumer's kind in AWS's words.
pub fn consumer_kind_label(kind: &VideoConsumerKind) -> String {
    match kind {
        VideoConsumerKind::GetMedia { start } => format!(
            "GetMedia from {}",
            match start {
                StartSelector::Now => "NOW".to_string(),
                StartSelector::Earliest => "EARLIEST".to_string(),
                StartSelector::ProducerTimestamp { at_ms } =>
                    format!("PRODUCER_TIMESTAMP {}", crate::format::clock(*at_ms)),
                StartSelector::FragmentNumber { number } => format!("FRAGMENT_NUMBER {number}"),
            }
        ),
        VideoConsumerKind::Hls { mode, .. } => match mode {
            HlsPlaybackMode::Live => "HLS LIVE".into(),
            HlsPlaybackMode::LiveReplay { .. } => "HLS LIVE_REPLAY".into(),
            HlsPlaybackMode::OnDemand { .. } => "HLS ON_DEMAND".into(),
        },
        VideoConsumerKind::Clip { start_ms, end_ms } => {
            format!("GetClip {} to {}", crate::format::clock(*start_ms), crate::format::clock(*end_ms))
        }
        VideoConsumerKind::ImageExtraction { sampling_interval_ms } => {
            format!("Image extraction every {} ms", crate::format::thousands(u64::from(*sampling_interval_ms)))
        }
        VideoConsumerKind::Rekognition => "Rekognition Video stream processor".into(),
    }
}

/// A video stream's panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoStreamView {
    /// `StreamName`.
    pub name: String,
    /// `DataRetentionInHours`.
    pub retention_hours: u32,
    /// `MediaType`.
    pub media_type: String,
    /// Now, ms.
    pub now_ms: u64,
    /// `PutMedia.IncomingBytes` a second, averaged over the last `ingest_window_secs` whole seconds (a fragment
    /// counts in the second it starts on the wire, so single seconds jump between a whole fragment and none).
    pub ingest_bytes_per_sec: u64,
    /// `PutMedia.IncomingFragments` over those seconds.
    pub ingest_fragments: u32,
    /// The seconds averaged: at most [`INGEST_WINDOW_SECS`].
    pub ingest_window_secs: u64,
    /// Fragments kept and persisted now.
    pub fragments_persisted: u64,
    /// Fragments kept now (on a stream without retention: in the host buffer).
    pub fragments_kept: u64,
    /// Their bytes.
    pub bytes_kept: u64,
    /// Error acknowledgements over the run (its cameras').
    pub error_acks: u64,
    /// Its cameras.
    pub cameras: Vec<CameraView>,
    /// Its consumers.
    pub consumers: Vec<VideoConsumerView>,
    /// Its timeline at each zoom of [`TimelineZoom::ALL`].
    pub timelines: Vec<FragmentTimeline>,
}

impl VideoStreamView {
    /// The timeline at `zoom`.
    pub fn timeline(&self, zoom: TimelineZoom) -> Option<&FragmentTimeline> {
        self.timelines.iter().find(|t| t.zoom == zoom)
    }
}

/// Whole seconds the ingest rate averages.
pub const INGEST_WINDOW_SECS: usize = 10;

/// Fragments at the end of the store looked at for ones not yet persisted (the rest were stored long ago).
const UNPERSISTED_SCAN: usize = 64;

/// The panel of the video stream `name`, if the run has one.
pub fn video_stream_view(sim: &Simulation, name: &str) -> Option<VideoStreamView> {
    let video = sim.video();
    let stream = video.stream(name)?;
    let now = sim.now();
    let fragments = stream.store.fragments();
    let kept = fragments.len() as u64;
    let persisted = if stream.keeps_data() {
        let waiting =
            fragments.iter().rev().take(UNPERSISTED_SCAN).filter(|f| f.persisted_at.is_none_or(|p| p > now)).count()
                as u64;
        kept - waiting
    } else {
        0
    };
    let cameras: Vec<&Camera> = video.cameras().iter().filter(|c| c.config.stream_name == name).collect();
    let consumers: Vec<&VideoConsumer> = video.consumers().iter().filter(|c| c.config.stream_name == name).collect();
    let recent: Vec<_> = stream.seconds.iter().rev().take(INGEST_WINDOW_SECS).collect();
    let window_secs = recent.len() as u64;
    let ingest_bytes: u64 = recent.iter().map(|s| s.incoming_bytes).sum();
    Some(VideoStreamView {
        name: name.into(),
        retention_hours: stream.config.retention_hours,
        media_type: stream.config.media_type.clone(),
        now_ms: now.as_millis(),
        ingest_bytes_per_sec: ingest_bytes.checked_div(window_secs).unwrap_or(0),
        ingest_fragments: recent.iter().map(|s| s.incoming_fragments).sum(),
        ingest_window_secs: window_secs,
        fragments_persisted: persisted,
        fragments_kept: kept,
        bytes_kept: stream.store.bytes(),
        error_acks: cameras.iter().map(|c| c.totals.error_acks).sum(),
        cameras: cameras.iter().map(|c| CameraView::of(c, now)).collect(),
        consumers: consumers.iter().map(|c| VideoConsumerView::of(c)).collect(),
        timelines: TimelineZoom::ALL.iter().map(|z| fragment_timeline(stream, &consumers, now, *z)).collect(),
    })
}

/// Every video stream's panel, in creation order.
pub fn video_stream_views(sim: &Simulation) -> Vec<VideoStreamView> {
    sim.video().streams().iter().filter_map(|s| video_stream_view(sim, &s.config.name)).collect()
}

/// A bit rate from bytes per second: `"2.0 Mbps"`, `"640 kbps"`.
pub fn bits_per_sec(bytes_per_sec: u64) -> String {
    let kbps = bytes_per_sec * 8 / 1_000;
    if kbps >= 1_000 {
        // Tenths of a Mbps, rounded half up, in integers.
        let tenths = (kbps + 50) / 100;
        format!("{}.{} Mbps", tenths / 10, tenths % 10)
    } else {
        format!("{kbps} kbps")
    }
}

/// Seconds with one decimal: `"4.1 s"`.
pub fn seconds(ms: u64) -> String {
    let tenths = (ms + 50) / 100;
    format!("{}.{} s", crate::format::thousands(tenths / 10), tenths % 10)
}

/// The canvas figure of a video node, with `over` when something is refused: a stream's ingest and fragments
/// persisted, a camera's bitrate and connection, a consumer's latency or error.
pub fn canvas_figure(sim: &Simulation, entity: &shardlab_scenario::Entity) -> (String, &'static str) {
    use shardlab_scenario::Entity;
    let video = sim.video();
    match entity {
        Entity::VideoStream { stream_name } => match video_stream_view(sim, stream_name) {
            Some(v) => (
                format!(
                    "{} in · {} persisted",
                    bits_per_sec(v.ingest_bytes_per_sec),
                    crate::format::thousands(v.fragments_persisted)
                ),
                if v.error_acks > 0 { "over" } else { "" },
            ),
            None => (String::new(), ""),
        },
        Entity::Camera { index } => match video.cameras().get(*index) {
            Some(c) => {
                let link = if c.connected { "PutMedia open" } else { "not connected" };
                let state = if c.totals.error_acks > 0 || c.totals.fragments_dropped > 0 {
                    "over"
                } else if c.connected {
                    ""
                } else {
                    "near"
                };
                (format!("{} kbps · {link}", crate::format::thousands(u64::from(c.config.bitrate_kbps))), state)
            }
            None => (String::new(), ""),
        },
        Entity::VideoConsumer { index } => match video.consumers().get(*index) {
            Some(c) => match (&c.totals.error, c.totals.latency_ms) {
                (Some(_), _) => ("refused: see the video panel".into(), "over"),
                (None, Some(latency)) => (format!("{} behind live", seconds(latency)), ""),
                (None, None) if !c.started => ("waiting to start".into(), ""),
                (None, None) => (format!("{} fragments read", crate::format::thousands(c.totals.fragments_read)), ""),
            },
            None => (String::new(), ""),
        },
        _ => (String::new(), ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shardlab_engine::SimConfig;
    use shardlab_engine::video::{CameraConfig, VideoConfig, VideoConsumerConfig, VideoStreamConfig};

    fn sim_with(retention_hours: u32, fragment_ms: u32, consumers: Vec<VideoConsumerConfig>) -> Simulation {
        let mut camera = CameraConfig::new("cam", "door");
        camera.fragment_duration_ms = fragment_ms;
        let video = VideoConfig {
            streams: vec![VideoStreamConfig::new("door", retention_hours)],
            cameras: vec![camera],
            consumers,
        };
        let config = SimConfig { streams: vec![], producers: vec![], video, ..SimConfig::default() };
        Simulation::new(config).expect("a valid video scenario")
    }

    fn consumer(name: &str, kind: VideoConsumerKind) -> VideoConsumerConfig {
        VideoConsumerConfig { name: name.into(), stream_name: "door".into(), kind, start_at_ms: 0 }
    }

    #[test]
    fn one_block_per_fragment_in_the_last_minute_with_the_newest_still_on_its_way() {
        let mut sim = sim_with(24, 2_000, Vec::new());
        sim.advance_to(SimTime::from_millis(30_300));
        let view = video_stream_view(&sim, "door").expect("the stream");
        let t = view.timeline(TimelineZoom::Minute).expect("a minute's timeline");
        // Early in a run the window is the first minute.
        assert_eq!((t.window_start_ms, t.window_end_ms), (0, 60_000));
        // 2-second fragments recorded from 0, each sent as it is recorded: the 16 from 0, 2, ..., 30 s have
        // started on the wire by 30.3 s, one block each, in producer order.
        assert_eq!(t.blocks.len(), 16, "{:?}", t.blocks);
        assert_eq!(t.blocks.first().map(|b| (b.start_ms, b.end_ms)), Some((0, 2_000)));
        assert!(t.blocks.windows(2).all(|w| w[0].end_ms == w[1].start_ms));
        assert_eq!(t.blocks[0].state, FragmentState::Persisted);
        // The fragment from 28 s ended at 30 s and arrived whole 100 ms (the upload delay) later: received,
        // and stored 400 ms after that, not yet. The one from 30 s is still being recorded and sent.
        assert_eq!(t.blocks[14].state, FragmentState::Received);
        assert_eq!(t.blocks[15].state, FragmentState::Buffering);
        assert_eq!(t.retention_edge_ms, None, "a day's retention has not been reached");
        assert_eq!(view.fragments_kept, 16);
        assert_eq!(view.fragments_persisted, 14);
        // The default camera sends 2,000 kbps: 250,000 bytes a second over the last 10 seconds, 5 fragments.
        assert_eq!((view.ingest_window_secs, view.ingest_bytes_per_sec, view.ingest_fragments), (10, 250_000, 5));
    }

    #[test]
    fn many_fragments_group_into_a_bounded_number_of_blocks() {
        let mut sim = sim_with(24, 1_000, Vec::new());
        sim.advance_to(SimTime::from_secs(700));
        let view = video_stream_view(&sim, "door").expect("the stream");
        let t = view.timeline(TimelineZoom::TenMinutes).expect("ten minutes");
        assert_eq!((t.window_start_ms, t.window_end_ms), (100_000, 700_000));
        // About 600 one-second fragments in ten minutes: grouped.
        assert!(t.fragments_in_window >= 598, "{}", t.fragments_in_window);
        assert!(t.blocks.len() <= BLOCKS_MAX, "{} blocks", t.blocks.len());
        let grouped: u32 = t.blocks.iter().map(|b| b.fragments).sum();
        assert_eq!(grouped as usize, t.fragments_in_window);
        assert!(t.blocks.windows(2).all(|w| w[0].start_ms < w[1].start_ms));
    }

    #[test]
    fn without_retention_the_host_buffer_edge_moves_and_nothing_is_persisted() {
        let mut sim = sim_with(0, 2_000, Vec::new());
        sim.advance_to(SimTime::from_secs(420));
        let view = video_stream_view(&sim, "door").expect("the stream");
        assert_eq!(view.fragments_persisted, 0);
        let t = view.timeline(TimelineZoom::TenMinutes).expect("ten minutes");
        // The host buffer keeps 5 minutes: the edge is at 420 - 300 = 120 s, and moves with now.
        assert_eq!(t.retention_edge_ms, Some(120_000));
        let expired = &t.blocks[0];
        assert_eq!((expired.state, expired.start_ms, expired.end_ms), (FragmentState::Expired, 0, 120_000));
        assert!(t.blocks[1..].iter().all(|b| b.state != FragmentState::Persisted && b.start_ms >= 118_000));
        sim.advance_to(SimTime::from_secs(450));
        let later = video_stream_view(&sim, "door").expect("the stream");
        assert_eq!(later.timeline(TimelineZoom::TenMinutes).and_then(|t| t.retention_edge_ms), Some(150_000));
    }

    #[test]
    fn markers_put_get_media_near_live_and_hls_seconds_behind_with_its_playlist() {
        let hls = VideoConsumerKind::Hls { mode: HlsPlaybackMode::Live, max_playlist_fragments: 5 };
        let get_media = VideoConsumerKind::GetMedia { start: StartSelector::Now };
        let clip = VideoConsumerKind::Clip { start_ms: 10_000, end_ms: 20_000 };
        let mut sim =
            sim_with(24, 2_000, vec![consumer("viewer", hls), consumer("reader", get_media), consumer("clip", clip)]);
        sim.advance_to(SimTime::from_secs(60));
        let view = video_stream_view(&sim, "door").expect("the stream");
        let t = view.timeline(TimelineZoom::Minute).expect("a minute");
        let m = |name: &str| t.markers.iter().find(|m| m.name == name).expect("a marker");
        let (viewer, reader) = (m("viewer"), m("reader"));
        // AWS: HLS live playback lags 3 to 5 s; GetMedia is low latency (under a second here).
        assert!((3_000..=5_000).contains(&viewer.latency_ms.unwrap()), "{viewer:?}");
        assert!(reader.latency_ms.unwrap() < 1_000, "{reader:?}");
        assert!(reader.at_ms > viewer.at_ms);
        assert_eq!(viewer.kind, MarkerKind::Hls);
        // The LIVE playlist holds the 5 newest stored 2-second fragments: 10 s, ending at the newest stored.
        let (from, to) = viewer.range.expect("a playlist");
        assert_eq!(to - from, 10_000);
        assert!(to <= 60_000 && viewer.at_ms.unwrap() >= from);
        assert_eq!(m("clip").range, Some((10_000, 20_000)));
        assert_eq!(view.consumers.len(), 3);
    }

    #[test]
    fn rates_read_as_bits_and_seconds_round_to_tenths() {
        // 2,000 kbps is 250,000 bytes a second.
        assert_eq!(bits_per_sec(250_000), "2.0 Mbps");
        assert_eq!(bits_per_sec(80_000), "640 kbps");
        assert_eq!(seconds(4_149), "4.1 s");
        assert_eq!(seconds(950), "1.0 s");
    }
}
