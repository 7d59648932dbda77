//! Amazon Kinesis Video Streams, lightly: video streams holding time-indexed fragments, camera producers
//! sending them over PutMedia with acknowledgements, and the consumers that read them (GetMedia, HLS, clips,
//! frame sampling).
//!
//! A video stream differs from a data stream in what it stores and how it is read: fragments (runs of frames
//! starting with a key frame) indexed by producer and server time instead of records in shards, kept for a
//! retention of 0 hours (no storage: only a short host buffer for live readers) up to ten years, and read
//! through streaming connections and playback sessions instead of shard iterators. The store keeps fragment
//! metadata, never media bytes, so memory stays bounded ([`STREAM_FRAGMENTS_MAX`]).
//!
//! The service runs beside Kinesis and Firehose in [`crate::Simulation`] and, with no video stream, never
//! fires: runs without video are unchanged. Its own choices (where AWS documents no number) are listed under
//! "Divergences" in `docs/aws-behaviour.md` §10:
//! - a fragment's first byte reaches the service [`UPLOAD_DELAY_MS`] after it is sent, and it is stored
//!   [`PERSIST_DELAY_MS`] after it is received whole;
//! - GetMedia hands frames on [`GET_MEDIA_DELIVERY_MS`] after they arrive;
//! - an HLS viewer plays the newest stored fragment from its start (a playlist offers whole fragments only);
//! - the Producer SDK buffers [`SDK_BUFFER_MS`] of media while it cannot send, renews its connection's token
//!   every [`SDK_TOKEN_ROTATION_MS`], and after a dropped connection reconnects and resends from the oldest
//!   fragment not yet acknowledged as persisted.

mod camera;
mod fragment;
mod playback;
#[cfg(test)]
mod tests;

pub use camera::{ACKS_KEPT, Ack, AckError, AckEventType, Camera, CameraConfig, CameraTotals};
pub use fragment::{Fragment, FragmentNumber, FragmentStore};
pub use playback::{
    HlsPlaybackMode, StartSelector, VideoConsumer, VideoConsumerConfig, VideoConsumerKind, VideoConsumerTotals,
};

use crate::account::Observed;
use crate::time::{SimDuration, SimTime};
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use camera::Pending;
use core::fmt;

// AWS's documented numbers (docs/aws-behaviour.md §10).

/// `DataRetentionInHours` at most: ten years.
pub const RETENTION_HOURS_MAX: u32 = 87_600;
/// A video stream's name: 1 to 256 of `[a-zA-Z0-9_.-]`.
pub const STREAM_NAME_CHARS_MAX: usize = 256;
/// `MediaType`: 1 to 128 characters.
pub const MEDIA_TYPE_CHARS_MAX: usize = 128;
/// PutMedia's data rate per stream: 12.5 MB/s (100 Mbps).
pub const PUT_MEDIA_BYTES_PER_SEC_MAX: u64 = 12_500_000;
/// The shortest fragment: 1 second.
pub const FRAGMENT_DURATION_MIN_MS: u32 = 1_000;
/// The longest fragment: 20 seconds (the quotas page; the PutMedia reference's error list says 10).
pub const FRAGMENT_DURATION_MAX_MS: u32 = 20_000;
/// The largest fragment: 50 MB.
pub const FRAGMENT_BYTES_MAX: u64 = 50_000_000;
/// Fragments PutMedia takes per second per stream.
pub const PUT_MEDIA_FRAGMENTS_PER_SEC_MAX: u32 = 5;
/// Concurrent PutMedia connections per stream; a later one gets `ConnectionLimitExceededException`.
pub const PUT_MEDIA_CONNECTIONS_MAX: u32 = 1;
/// The longest PutMedia connection: 45 minutes.
pub const PUT_MEDIA_CONNECTION_DURATION_MAX_MS: u64 = 2_700_000;
/// Concurrent GetMedia connections per stream.
pub const GET_MEDIA_CONNECTIONS_MAX: u32 = 3;
/// GetMedia's data rate per stream: 25 MB/s.
pub const GET_MEDIA_BYTES_PER_SEC_MAX: u64 = 25_000_000;
/// Fragments GetMedia sends per second.
pub const GET_MEDIA_FRAGMENTS_PER_SEC_MAX: u32 = 5;
/// With retention 0, the host buffer keeps fragments at most 5 minutes…
pub const HOST_BUFFER_MS: u64 = 300_000;
/// …and at most 200 MB.
pub const HOST_BUFFER_BYTES: u64 = 200_000_000;
/// Active HLS sessions per stream; a new one closes the oldest.
pub const HLS_SESSIONS_MAX: u32 = 5;
/// `Expires` of an HLS session: 300 to 43,200 seconds, 300 by default.
pub const HLS_EXPIRES_SECS_MIN: u32 = 300;
/// See [`HLS_EXPIRES_SECS_MIN`].
pub const HLS_EXPIRES_SECS_MAX: u32 = 43_200;
/// `MaxMediaPlaylistFragmentResults` at most.
pub const HLS_PLAYLIST_FRAGMENTS_MAX: u32 = 5_000;
/// `MaxMediaPlaylistFragmentResults` of a LIVE session by default.
pub const HLS_LIVE_PLAYLIST_FRAGMENTS_DEFAULT: u32 = 5;
/// A clip (GetClip) holds at most 200 fragments…
pub const GET_CLIP_FRAGMENTS_MAX: u32 = 200;
/// …and at most 100 MB.
pub const GET_CLIP_BYTES_MAX: u64 = 100_000_000;
/// GetImages' shortest `SamplingInterval`: 200 ms (5 images a second).
pub const GET_IMAGES_SAMPLING_INTERVAL_MIN_MS: u32 = 200;
/// ListFragments' `MaxResults` at most (and by default).
pub const LIST_FRAGMENTS_RESULTS_MAX: u32 = 1_000;

// Our choices where AWS documents no number (docs/aws-behaviour.md §10.4).

/// From sending a byte to the service having it.
pub const UPLOAD_DELAY_MS: u64 = 100;
/// From receiving a fragment whole to having stored it.
pub const PERSIST_DELAY_MS: u64 = 400;
/// From the service receiving frames to a GetMedia reader having them.
pub const GET_MEDIA_DELIVERY_MS: u64 = 100;
/// Media the Producer SDK holds while it cannot send; beyond it the oldest fragments are dropped.
pub const SDK_BUFFER_MS: u64 = 120_000;
/// The Producer SDK renews its connection before [`PUT_MEDIA_CONNECTION_DURATION_MAX_MS`]: after 40 minutes.
pub const SDK_TOKEN_ROTATION_MS: u64 = 2_400_000;
/// Fragments one stream keeps at most (a simulator bound: 50,000 two-second fragments are 27 hours; at about
/// 100 B each, [`VIDEO_NODES_MAX`] full streams hold 100 MB).
pub const STREAM_FRAGMENTS_MAX: usize = 50_000;
/// A consumer this far behind the camera, having kept up before, is observed falling behind (our threshold, as
/// the data streams' `BEHIND_ITERATOR_AGE_MS`).
pub const PLAYBACK_BEHIND_MS: u64 = 10_000;
/// Seconds of per-second figures kept per stream.
pub const SECONDS_KEPT: usize = 600;
/// Video streams, cameras and video consumers a simulation may have (each).
pub const VIDEO_NODES_MAX: usize = 20;
/// The camera field of fragments sent through the API console's PutMedia session.
pub const API_SESSION_CAMERA: u32 = u32::MAX;

/// A video stream of the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct VideoStreamConfig {
    /// `StreamName`.
    pub name: String,
    /// `DataRetentionInHours`: 0 (nothing stored) to [`RETENTION_HOURS_MAX`].
    pub retention_hours: u32,
    /// `MediaType`, such as `video/h264`.
    pub media_type: String,
}

impl VideoStreamConfig {
    /// A stream keeping `retention_hours` of H.264 video.
    pub fn new(name: &str, retention_hours: u32) -> Self {
        Self { name: name.into(), retention_hours, media_type: "video/h264".into() }
    }
}

/// The scenario's Kinesis Video Streams part (empty by default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct VideoConfig {
    /// Video streams, ACTIVE from time 0.
    pub streams: Vec<VideoStreamConfig>,
    /// Cameras, each sending to one of `streams`.
    pub cameras: Vec<CameraConfig>,
    /// Consumers, each reading one of `streams`.
    pub consumers: Vec<VideoConsumerConfig>,
}

/// Whether `media_type` fits CreateStream's pattern: `type/subtype` pairs separated by commas.
pub fn is_media_type(media_type: &str) -> bool {
    let part = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || "_-.+".contains(c));
    (1..=MEDIA_TYPE_CHARS_MAX).contains(&media_type.len())
        && media_type.split(',').all(|pair| pair.split_once('/').is_some_and(|(a, b)| part(a) && part(b)))
}

impl VideoConfig {
    /// Every problem with it, appended to `out`.
    pub fn problems(&self, out: &mut Vec<String>) {
        for (what, count) in [
            ("video streams", self.streams.len()),
            ("cameras", self.cameras.len()),
            ("video consumers", self.consumers.len()),
        ] {
            if count > VIDEO_NODES_MAX {
                out.push(format!("The scenario has {count} {what}; a simulation runs at most {VIDEO_NODES_MAX}."));
            }
        }
        for (i, s) in self.streams.iter().enumerate() {
            if !crate::name::is_resource_name(&s.name, STREAM_NAME_CHARS_MAX) {
                out.push(format!(
                    "Video stream name '{}' is not allowed: use 1 to {STREAM_NAME_CHARS_MAX} letters, digits, '_', '.' or '-'.",
                    s.name
                ));
            }
            if self.streams[..i].iter().any(|o| o.name == s.name) {
                out.push(format!("Two video streams are named '{}'; names must be unique.", s.name));
            }
            if s.retention_hours > RETENTION_HOURS_MAX {
                out.push(format!(
                    "Video stream '{}' keeps media {} hours; retention is 0 (no storage) to {RETENTION_HOURS_MAX} hours.",
                    s.name, s.retention_hours
                ));
            }
            if !is_media_type(&s.media_type) {
                out.push(format!(
                    "Video stream '{}' has media type '{}'; use 1 to {MEDIA_TYPE_CHARS_MAX} characters like \
                     'video/h264' or 'video/h264,audio/aac'.",
                    s.name, s.media_type
                ));
            }
        }
        let known = |name: &str| self.streams.iter().any(|s| s.name == name);
        for c in &self.cameras {
            if !known(&c.stream_name) {
                out.push(format!(
                    "Camera '{}' sends to video stream '{}', which is not one of the scenario's.",
                    c.name, c.stream_name
                ));
            }
            if !(1..=1_000_000).contains(&c.bitrate_kbps) {
                out.push(format!("Camera '{}' has a bitrate of {} kbps; use 1 to 1,000,000.", c.name, c.bitrate_kbps));
            }
            if !(1..=120).contains(&c.frame_rate) {
                out.push(format!("Camera '{}' records {} frames/s; use 1 to 120.", c.name, c.frame_rate));
            }
            // Fragments outside AWS's 1 to 20 seconds are allowed: the service answers them with ERROR acks.
            if !(100..=60_000).contains(&c.fragment_duration_ms) {
                out.push(format!(
                    "Camera '{}' cuts fragments of {} ms; use 100 to 60,000 ms (AWS takes {FRAGMENT_DURATION_MIN_MS} to \
                     {FRAGMENT_DURATION_MAX_MS}).",
                    c.name, c.fragment_duration_ms
                ));
            }
        }
        for c in &self.consumers {
            if !known(&c.stream_name) {
                out.push(format!(
                    "Video consumer '{}' reads video stream '{}', which is not one of the scenario's.",
                    c.name, c.stream_name
                ));
            }
            match &c.kind {
                VideoConsumerKind::Hls { max_playlist_fragments, mode } => {
                    if !(1..=HLS_PLAYLIST_FRAGMENTS_MAX).contains(max_playlist_fragments) {
                        out.push(format!(
                            "HLS viewer '{}' asks for {max_playlist_fragments} playlist fragments; \
                             MaxMediaPlaylistFragmentResults is 1 to {HLS_PLAYLIST_FRAGMENTS_MAX}.",
                            c.name
                        ));
                    }
                    if let HlsPlaybackMode::OnDemand { start_ms, end_ms } = mode
                        && start_ms >= end_ms
                    {
                        out.push(format!("HLS viewer '{}' plays on demand from {start_ms} ms to {end_ms} ms; the end must come after the start.", c.name));
                    }
                }
                VideoConsumerKind::Clip { start_ms, end_ms } if start_ms >= end_ms => {
                    out.push(format!(
                        "Clip '{}' covers {start_ms} ms to {end_ms} ms; the end must come after the start.",
                        c.name
                    ));
                }
                VideoConsumerKind::ImageExtraction { sampling_interval_ms }
                    if *sampling_interval_ms < GET_IMAGES_SAMPLING_INTERVAL_MIN_MS =>
                {
                    out.push(format!(
                        "Image extraction '{}' samples every {sampling_interval_ms} ms; SamplingInterval is at least \
                         {GET_IMAGES_SAMPLING_INTERVAL_MIN_MS} ms.",
                        c.name
                    ));
                }
                _ => {}
            }
        }
    }
}

/// A Kinesis Video Streams exception.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum VideoErrorKind {
    /// `ResourceNotFoundException` (HTTP 404).
    ResourceNotFound,
    /// `ResourceInUseException`.
    ResourceInUse,
    /// `InvalidArgumentException`.
    InvalidArgument,
    /// `ClientLimitExceededException`.
    ClientLimitExceeded,
    /// `ConnectionLimitExceededException`.
    ConnectionLimitExceeded,
    /// `NoDataRetentionException`: the stream keeps no data.
    NoDataRetention,
    /// `VersionMismatchException`.
    VersionMismatch,
    /// `NotAuthorizedException` (HTTP 401).
    NotAuthorized,
}

impl VideoErrorKind {
    /// The exception's name.
    pub const fn aws_name(self) -> &'static str {
        match self {
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::ResourceInUse => "ResourceInUseException",
            Self::InvalidArgument => "InvalidArgumentException",
            Self::ClientLimitExceeded => "ClientLimitExceededException",
            Self::ConnectionLimitExceeded => "ConnectionLimitExceededException",
            Self::NoDataRetention => "NoDataRetentionException",
            Self::VersionMismatch => "VersionMismatchException",
            Self::NotAuthorized => "NotAuthorizedException",
        }
    }

    /// The HTTP status AWS answers with.
    pub const fn http_status(self) -> u16 {
        match self {
            Self::ResourceNotFound => 404,
            Self::NotAuthorized => 401,
            _ => 400,
        }
    }
}

/// A refused Kinesis Video Streams call: the exception and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoError {
    /// Which exception.
    pub kind: VideoErrorKind,
    /// What is wrong (our words where AWS's are undocumented).
    pub message: String,
}

impl VideoError {
    fn new(kind: VideoErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    fn not_found(name: &str) -> Self {
        Self::new(VideoErrorKind::ResourceNotFound, format!("The stream {name} does not exist."))
    }
}

impl fmt::Display for VideoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.aws_name(), self.message)
    }
}

impl core::error::Error for VideoError {}

/// One second of a video stream, named after the CloudWatch metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VideoSecond {
    /// The second's index from time 0.
    pub second: u64,
    /// `PutMedia.IncomingBytes`.
    pub incoming_bytes: u64,
    /// `PutMedia.IncomingFragments`.
    pub incoming_fragments: u32,
    /// Fragments stored in the second (PERSISTED acknowledgements).
    pub fragments_persisted: u32,
    /// ERROR acknowledgements.
    pub error_acks: u32,
    /// `GetMedia.OutgoingBytes`, plus what HLS, clips and samplers read.
    pub outgoing_bytes: u64,
    /// The highest playback latency among its consumers at the second's end, in ms.
    pub playback_latency_ms_max: u64,
}

/// A running video stream.
#[derive(Clone, Debug)]
pub struct VideoStream {
    /// Its configuration (retention as it is now).
    pub config: VideoStreamConfig,
    /// Its ARN.
    pub arn: String,
    /// Its version, changed by every update (UpdateDataRetention's `CurrentVersion`).
    pub version: u32,
    /// When it was created.
    pub created_at: SimTime,
    /// Its fragments.
    pub store: FragmentStore,
    /// The newest closed seconds, at most [`SECONDS_KEPT`].
    pub seconds: VecDeque<VideoSecond>,
    /// `PutMedia.IncomingBytes` over the whole run.
    pub incoming_bytes_total: u64,
    /// Fragments whose PERSISTED time is still ahead.
    persist_due: VecDeque<SimTime>,
    /// The camera holding its PutMedia connection.
    pub put_media_holder: Option<u32>,
    /// The second being filled.
    current: VideoSecond,
}

impl VideoStream {
    fn new(config: VideoStreamConfig, arn: String, now: SimTime) -> Self {
        Self {
            config,
            arn,
            version: 1,
            created_at: now,
            store: FragmentStore::default(),
            seconds: VecDeque::new(),
            incoming_bytes_total: 0,
            persist_due: VecDeque::new(),
            put_media_holder: None,
            current: VideoSecond { second: now.as_secs(), ..VideoSecond::default() },
        }
    }

    /// Whether it stores media (retention above 0).
    pub fn keeps_data(&self) -> bool {
        self.config.retention_hours > 0
    }

    /// Numbers and stores a fragment received at `received` (`numbering`: the stream's index, part of the number),
    /// persisted [`PERSIST_DELAY_MS`] later when the stream keeps media, and counts it in this second. Returns its
    /// number and when it is persisted.
    fn store_received(
        &mut self,
        numbering: u32,
        received: SimTime,
        fragment: impl FnOnce(FragmentNumber, Option<SimTime>) -> Fragment,
    ) -> (FragmentNumber, Option<SimTime>) {
        let number = self.store.next_number(numbering);
        let persisted = self.keeps_data().then(|| received + SimDuration::from_millis(PERSIST_DELAY_MS));
        let fragment = fragment(number, persisted);
        let size = fragment.size_bytes;
        self.store.push(fragment, STREAM_FRAGMENTS_MAX);
        self.current.incoming_bytes += size;
        self.incoming_bytes_total += size;
        self.current.incoming_fragments += 1;
        if let Some(p) = persisted {
            self.persist_due.push_back(p);
        }
        (number, persisted)
    }

    /// The newest closed second.
    pub fn last_second(&self) -> Option<&VideoSecond> {
        self.seconds.back()
    }

    /// The fragments readers can see at `now`: received (retention 0) or persisted.
    pub fn visible(&self, now: SimTime) -> impl DoubleEndedIterator<Item = &Fragment> {
        self.visible_from(now, 0)
    }

    /// Like [`Self::visible`], from position `from` of the store on.
    pub fn visible_from(&self, now: SimTime, from: usize) -> impl DoubleEndedIterator<Item = &Fragment> {
        let keeps = self.keeps_data();
        let fragments = self.store.fragments();
        fragments
            .range(from.min(fragments.len())..)
            .filter(move |f| if keeps { f.persisted_at.is_some_and(|p| p <= now) } else { f.received_at <= now })
    }

    fn expire(&mut self, now: SimTime) {
        if self.keeps_data() {
            let keep = SimDuration::from_secs(u64::from(self.config.retention_hours) * 3_600);
            self.store.expire(now - keep, u64::MAX);
        } else {
            self.store.expire(now - SimDuration::from_millis(HOST_BUFFER_MS), HOST_BUFFER_BYTES);
        }
    }
}

/// `APIName` of GetDataEndpoint.
pub const DATA_ENDPOINT_APIS: &[&str] = &[
    "PUT_MEDIA",
    "GET_MEDIA",
    "LIST_FRAGMENTS",
    "GET_MEDIA_FOR_FRAGMENT_LIST",
    "GET_HLS_STREAMING_SESSION_URL",
    "GET_DASH_STREAMING_SESSION_URL",
    "GET_CLIP",
    "GET_IMAGES",
];

/// The Kinesis Video Streams service of a run.
#[derive(Clone, Debug, Default)]
pub struct Video {
    account_id: String,
    region: String,
    epoch_unix_ms: u64,
    streams: Vec<VideoStream>,
    cameras: Vec<Camera>,
    consumers: Vec<VideoConsumer>,
    /// The next second to close, once there is a stream.
    next_second: Option<SimTime>,
    /// What the account should hear about.
    observations: Vec<(SimTime, Observed)>,
    /// Streams ever created (numbers the fragment numbers' stream part).
    created: u32,
}

impl Video {
    /// The service with the scenario's streams (ACTIVE at time 0), cameras and consumers; `config` must have
    /// passed [`VideoConfig::problems`].
    pub fn new(config: &VideoConfig, account_id: &str, region: &str, epoch_unix_ms: u64) -> Self {
        let mut video = Self { account_id: account_id.into(), region: region.into(), epoch_unix_ms, ..Self::default() };
        // Without the `video` feature `SimConfig::validate` refused any stream, camera or consumer.
        if !crate::VIDEO {
            return video;
        }
        for s in &config.streams {
            video.add_stream(s.clone(), SimTime::ZERO);
        }
        video.cameras = config.cameras.iter().cloned().map(Camera::new).collect();
        video.consumers = config.consumers.iter().cloned().map(VideoConsumer::new).collect();
        video
    }

    fn add_stream(&mut self, config: VideoStreamConfig, now: SimTime) {
        self.created += 1;
        let arn = format!(
            "arn:aws:kinesisvideo:{}:{}:stream/{}/{}",
            self.region,
            self.account_id,
            config.name,
            self.epoch_unix_ms + now.as_millis() + u64::from(self.created)
        );
        self.streams.push(VideoStream::new(config, arn, now));
        if self.next_second.is_none() {
            self.next_second = Some(SimTime::from_secs(now.as_secs() + 1));
        }
    }

    /// The video streams, in creation order.
    pub fn streams(&self) -> &[VideoStream] {
        &self.streams
    }

    /// A video stream by name.
    pub fn stream(&self, name: &str) -> Option<&VideoStream> {
        self.streams.iter().find(|s| s.config.name == name)
    }

    /// The cameras, in configuration order.
    pub fn cameras(&self) -> &[Camera] {
        &self.cameras
    }

    /// The video consumers, in configuration order.
    pub fn consumers(&self) -> &[VideoConsumer] {
        &self.consumers
    }

    /// The wall-clock instant simulated time 0 stands for (ms since the Unix epoch).
    pub fn epoch_unix_ms(&self) -> u64 {
        self.epoch_unix_ms
    }

    /// When the service next has work; `None` without a video stream.
    pub fn next_deadline(&self) -> Option<SimTime> {
        if !crate::VIDEO {
            return None;
        }
        let second = self.next_second?;
        let cameras = self.cameras.iter().filter_map(|c| self.camera_wake(c));
        cameras.chain(core::iter::once(second)).min()
    }

    fn camera_wake(&self, camera: &Camera) -> Option<SimTime> {
        let mut wake = camera.next_fragment_at;
        if let Some(up) = camera.down_until {
            wake = wake.min(up);
        }
        if camera.connected && camera.pending.iter().any(|p| p.received_at.is_none()) {
            wake = wake.min(self.send_start(camera).unwrap_or(wake));
        }
        Some(wake)
    }

    /// Takes what the account should hear about.
    pub(crate) fn take_observations(&mut self) -> Vec<(SimTime, Observed)> {
        core::mem::take(&mut self.observations)
    }

    /// Does everything due at `now`.
    pub fn complete_due(&mut self, now: SimTime) {
        if !crate::VIDEO {
            return;
        }
        for index in 0..self.cameras.len() {
            self.step_camera(index, now);
        }
        if self.next_second.is_some_and(|s| s <= now) {
            self.close_second(now);
            self.next_second = Some(now + SimDuration::SECOND);
        }
    }

    fn stream_index(&self, name: &str) -> Option<usize> {
        self.streams.iter().position(|s| s.config.name == name)
    }

    fn step_camera(&mut self, index: usize, now: SimTime) {
        let Some(stream) = self.stream_index(&self.cameras[index].config.stream_name) else { return };
        let camera = &mut self.cameras[index];
        // The SDK reconnects as soon as the network is back, and otherwise tries at each fragment.
        let network_back = camera.down_until.is_some_and(|up| up <= now);
        if network_back {
            camera.down_until = None;
        }
        if !camera.connected && camera.down_until.is_none() && (network_back || camera.next_fragment_at <= now) {
            self.connect(index, stream, now);
        }
        let camera = &mut self.cameras[index];
        if camera.connected && now.saturating_since(camera.connected_since).as_millis() >= SDK_TOKEN_ROTATION_MS {
            camera.connected_since = now;
            camera.totals.connections += 1;
        }
        if camera.next_fragment_at <= now {
            let start = camera.next_fragment_at;
            camera.next_fragment_at = start + SimDuration::from_millis(u64::from(camera.config.fragment_duration_ms));
            camera.totals.fragments_recorded += 1;
            camera.pending.push_back(Pending {
                producer_start_ms: start.as_millis(),
                received_at: None,
                done_at: None,
                resend: false,
            });
            self.trim_sdk_buffer(index, now);
        }
        self.send(index, stream, now);
        let camera = &mut self.cameras[index];
        while camera.pending.front().is_some_and(|p| p.done_at.is_some_and(|d| d <= now)) {
            camera.pending.pop_front();
        }
    }

    fn connect(&mut self, index: usize, stream: usize, now: SimTime) {
        let holder = self.streams[stream].put_media_holder;
        let camera = &mut self.cameras[index];
        if holder.is_some_and(|h| h != index as u32) {
            camera.totals.connections_refused += 1;
            if !camera.refused {
                camera.refused = true;
                let what = Observed::VideoConnectionRefused {
                    camera: camera.config.name.clone(),
                    stream: camera.config.stream_name.clone(),
                };
                self.observations.push((now, what));
            }
            return;
        }
        self.streams[stream].put_media_holder = Some(index as u32);
        camera.connected = true;
        camera.connected_since = now;
        camera.link_free_at = camera.link_free_at.max(now);
        camera.totals.connections += 1;
    }

    /// Drops the oldest unsent fragments beyond the SDK's buffer.
    fn trim_sdk_buffer(&mut self, index: usize, now: SimTime) {
        let camera = &mut self.cameras[index];
        let newest = camera.pending.back().map_or(0, |p| p.producer_start_ms);
        let mut dropped = 0;
        while let Some(pos) = camera.pending.iter().position(|p| p.received_at.is_none()) {
            if newest - camera.pending[pos].producer_start_ms <= SDK_BUFFER_MS {
                break;
            }
            camera.pending.remove(pos);
            dropped += 1;
        }
        if dropped > 0 {
            if camera.totals.fragments_dropped == 0 {
                let what = Observed::VideoIngestBehind {
                    camera: camera.config.name.clone(),
                    stream: camera.config.stream_name.clone(),
                    bitrate_kbps: camera.config.bitrate_kbps,
                };
                self.observations.push((now, what));
            }
            camera.totals.fragments_dropped += dropped;
        }
    }

    /// When the next waiting fragment can start on the wire.
    fn send_start(&self, camera: &Camera) -> Option<SimTime> {
        let next = camera.pending.iter().find(|p| p.received_at.is_none())?;
        let spacing = SimDuration::from_millis(1_000 / u64::from(PUT_MEDIA_FRAGMENTS_PER_SEC_MAX));
        let after_last = camera.last_send_at.map_or(SimTime::ZERO, |t| t + spacing);
        Some(camera.link_free_at.max(after_last).max(SimTime::from_millis(next.producer_start_ms)))
    }

    /// Sends what the connection can start by `now`.
    fn send(&mut self, index: usize, stream: usize, now: SimTime) {
        // Each pass sends one fragment; the loop is bounded by the fragments waiting.
        for _ in 0..self.cameras[index].pending.len() {
            let camera = &self.cameras[index];
            if !camera.connected {
                return;
            }
            let Some(start) = self.send_start(camera).filter(|s| *s <= now) else { return };
            let Some(slot) = camera.pending.iter().position(|p| p.received_at.is_none()) else { return };
            self.send_one(index, stream, slot, start);
        }
    }

    fn send_one(&mut self, index: usize, stream: usize, slot: usize, start: SimTime) {
        let camera = &mut self.cameras[index];
        let s = &mut self.streams[stream];
        let config = camera.config.clone();
        let pending = camera.pending[slot];
        let (size, duration_ms) = (config.fragment_bytes(), u64::from(config.fragment_duration_ms));
        let wire = SimDuration::from_micros(size.saturating_mul(1_000_000) / PUT_MEDIA_BYTES_PER_SEC_MAX);
        let recorded = SimTime::from_millis(pending.producer_start_ms + duration_ms);
        let upload = SimDuration::from_millis(UPLOAD_DELAY_MS);
        let received = recorded.max(start + wire) + upload;
        camera.link_free_at = recorded.max(start + wire);
        camera.last_send_at = Some(start);
        let timecode = pending.producer_start_ms;
        let buffering = Ack {
            at: start + upload,
            event: AckEventType::Buffering,
            fragment_timecode_ms: timecode,
            fragment_number: None,
            error: None,
        };
        camera.ack(buffering);
        let error = fragment_error(config.fragment_duration_ms, size);
        if let Some(error) = error {
            camera.ack(Ack {
                at: received,
                event: AckEventType::Error,
                fragment_timecode_ms: timecode,
                fragment_number: None,
                error: Some(error),
            });
            camera.totals.error_acks += 1;
            camera.pending[slot].received_at = Some(received);
            camera.pending[slot].done_at = Some(received);
            s.current.error_acks += 1;
            if camera.totals.error_acks == 1 {
                let what = Observed::VideoFragmentRefused {
                    camera: config.name.clone(),
                    stream: config.stream_name.clone(),
                    error_id: error.id(),
                    error_code: error.code(),
                    fragment_duration_ms: config.fragment_duration_ms,
                    fragment_bytes: size,
                };
                self.observations.push((start, what));
            }
            return;
        }
        let duplicate = pending.resend
            && s.store
                .fragments()
                .iter()
                .rev()
                .take(64)
                .any(|f| f.camera == index as u32 && f.producer_start_ms == timecode);
        let (number, persisted) = s.store_received(stream as u32, received, |number, persisted_at| Fragment {
            number,
            camera: index as u32,
            producer_start_ms: timecode,
            duration_ms,
            size_bytes: size,
            frames: config.fragment_frames(),
            server_start: start,
            received_at: received,
            persisted_at,
            duplicate,
        });
        camera.ack(Ack {
            at: received,
            event: AckEventType::Received,
            fragment_timecode_ms: timecode,
            fragment_number: Some(number),
            error: None,
        });
        if let Some(p) = persisted {
            camera.ack(Ack {
                at: p,
                event: AckEventType::Persisted,
                fragment_timecode_ms: timecode,
                fragment_number: Some(number),
                error: None,
            });
        }
        camera.totals.fragments_received += 1;
        camera.totals.bytes_received += size;
        if persisted.is_some() {
            camera.totals.fragments_persisted += 1;
        }
        if pending.resend {
            camera.totals.fragments_resent += 1;
        }
        camera.pending[slot].received_at = Some(received);
        camera.pending[slot].done_at = Some(persisted.unwrap_or(received));
    }

    /// A fault: camera `index` loses its connection for `duration_ms`. What the service had not received whole
    /// is lost; the SDK then reconnects and resends from its oldest fragment not acknowledged as kept.
    pub fn drop_connection(&mut self, now: SimTime, index: usize, duration_ms: u64) -> Result<(), String> {
        let count = self.cameras.len();
        if !crate::VIDEO {
            return Err(format!("There is no camera {index}; this build of the engine leaves out Video Streams."));
        }
        let Some(camera) = self.cameras.get_mut(index) else {
            return Err(format!("There is no camera {index}; this scenario has {count}."));
        };
        camera.down_until = Some(now + SimDuration::from_millis(duration_ms));
        if !camera.connected {
            return Ok(());
        }
        camera.connected = false;
        camera.totals.connection_drops += 1;
        let mut resend = 0;
        for p in camera.pending.iter_mut() {
            if p.received_at.is_some() && p.done_at.is_some_and(|d| d > now) {
                p.received_at = None;
                p.done_at = None;
                p.resend = true;
                resend += 1;
            }
        }
        // Acknowledgements that had not reached the producer never will.
        camera.acks.retain(|a| a.at <= now);
        let stream_name = camera.config.stream_name.clone();
        let what = Observed::VideoConnectionDropped {
            camera: camera.config.name.clone(),
            stream: stream_name.clone(),
            fragments_to_resend: resend,
        };
        self.observations.push((now, what));
        if let Some(s) = self.stream_index(&stream_name) {
            let stream = &mut self.streams[s];
            let lost = stream.store.remove_in_flight(index as u32, now);
            if stream.keeps_data() {
                for _ in 0..lost {
                    stream.persist_due.pop_back();
                }
            }
            let camera = &mut self.cameras[index];
            camera.totals.fragments_received -= u64::from(lost).min(camera.totals.fragments_received);
            if stream.keeps_data() {
                camera.totals.fragments_persisted -= u64::from(lost).min(camera.totals.fragments_persisted);
            }
            if stream.put_media_holder == Some(index as u32) {
                stream.put_media_holder = None;
            }
        }
        Ok(())
    }

    fn close_second(&mut self, now: SimTime) {
        let second = now.as_secs().saturating_sub(1);
        for index in 0..self.consumers.len() {
            self.step_consumer(index, now);
        }
        for stream in &mut self.streams {
            stream.expire(now);
            while stream.persist_due.front().is_some_and(|p| *p <= now) {
                stream.persist_due.pop_front();
                stream.current.fragments_persisted += 1;
            }
            let mut closed = core::mem::take(&mut stream.current);
            closed.second = second;
            if stream.seconds.len() == SECONDS_KEPT {
                stream.seconds.pop_front();
            }
            stream.seconds.push_back(closed);
            stream.current.second = second + 1;
        }
    }

    fn step_consumer(&mut self, index: usize, now: SimTime) {
        let Some(s) = self.stream_index(&self.consumers[index].config.stream_name) else { return };
        let now_ms = now.as_millis();
        if !self.consumers[index].started {
            if now_ms < self.consumers[index].config.start_at_ms {
                return;
            }
            self.start_consumer(index, s, now);
        }
        let stream = &self.streams[s];
        let consumer = &mut self.consumers[index];
        if consumer.closed || consumer.totals.error.is_some() {
            return;
        }
        let totals = &mut consumer.totals;
        let before_bytes = totals.bytes_read;
        match consumer.config.kind.clone() {
            VideoConsumerKind::GetMedia { .. } | VideoConsumerKind::Rekognition => {
                // Fragments the reader has not had yet, received whole, at most 5 a second and 25 MB/s.
                let from = consumer.cursor.map_or(0, |n| stream.store.position_after(n));
                let (mut count, mut bytes) = (0u32, 0u64);
                let delivered = now - SimDuration::from_millis(GET_MEDIA_DELIVERY_MS);
                // Caught up unless this second's budget ran out with fragments still to read.
                let mut caught_up = true;
                for f in stream.store.fragments().range(from.min(stream.store.fragments().len())..) {
                    if f.received_at > delivered {
                        break;
                    }
                    if count == GET_MEDIA_FRAGMENTS_PER_SEC_MAX || bytes + f.size_bytes > GET_MEDIA_BYTES_PER_SEC_MAX {
                        caught_up = false;
                        break;
                    }
                    count += 1;
                    bytes += f.size_bytes;
                    consumer.cursor = Some(f.number);
                    totals.fragments_read += 1;
                    totals.bytes_read += f.size_bytes;
                    if matches!(consumer.config.kind, VideoConsumerKind::Rekognition) {
                        totals.frames_or_images += u64::from(f.frames);
                    }
                }
                // Caught up, it has the frames of the fragment on the wire as they arrive.
                let newest = if caught_up {
                    stream
                        .store
                        .fragments()
                        .iter()
                        .rev()
                        .take(8)
                        .filter_map(|f| f.received_until_ms(delivered, UPLOAD_DELAY_MS))
                        .max()
                } else {
                    None
                };
                let last_read = consumer
                    .cursor
                    .and_then(|n| stream.store.fragments().get(stream.store.position_after(n).checked_sub(1)?))
                    .map(Fragment::producer_end_ms);
                if let Some(at) = newest.or(last_read) {
                    totals.playhead_ms = Some(at);
                    set_latency(totals, now_ms.saturating_sub(at));
                }
            }
            VideoConsumerKind::Hls { mode, max_playlist_fragments } => {
                let max = max_playlist_fragments as usize;
                let (playlist, playing): (Vec<&Fragment>, Option<u64>) = match mode {
                    HlsPlaybackMode::Live => {
                        let mut playlist: Vec<&Fragment> = stream.visible(now).rev().take(max).collect();
                        playlist.reverse();
                        let playing = playlist.last().map(|f| f.producer_start_ms);
                        (playlist, playing)
                    }
                    HlsPlaybackMode::LiveReplay { start_ms } | HlsPlaybackMode::OnDemand { start_ms, .. } => {
                        let mut playhead =
                            start_ms.saturating_add(now.saturating_since(consumer.started_at).as_millis());
                        if let HlsPlaybackMode::OnDemand { end_ms, .. } = mode {
                            playhead = playhead.min(end_ms);
                        }
                        // From the fragment played last (the playhead only moves forward).
                        let from = consumer.cursor.map_or(0, |n| stream.store.position_after(n).saturating_sub(1));
                        let playlist: Vec<&Fragment> = stream
                            .visible_from(now, from)
                            .skip_while(|f| f.producer_end_ms() <= playhead)
                            .take(max)
                            .collect();
                        let covered = playlist.first().filter(|f| f.producer_start_ms <= playhead).map(|_| playhead);
                        if covered.is_none() {
                            totals.stalled_seconds += 1;
                        }
                        (playlist, covered)
                    }
                };
                totals.playlist_fragments = playlist.len() as u32;
                totals.playlist_window_ms = playlist.iter().map(|f| f.duration_ms).sum();
                if let Some(at) = playing {
                    let current = playlist.iter().rev().find(|f| f.producer_start_ms <= at);
                    if let Some(f) = current
                        && consumer.cursor.is_none_or(|c| f.number > c)
                    {
                        consumer.cursor = Some(f.number);
                        totals.fragments_read += 1;
                        totals.bytes_read += f.size_bytes;
                    }
                    totals.playhead_ms = Some(at);
                    set_latency(totals, now_ms.saturating_sub(at));
                }
            }
            VideoConsumerKind::ImageExtraction { sampling_interval_ms } => {
                let from = consumer.cursor.map_or(0, |n| stream.store.position_after(n));
                let interval = u64::from(sampling_interval_ms.max(GET_IMAGES_SAMPLING_INTERVAL_MIN_MS));
                for f in stream.store.fragments().range(from.min(stream.store.fragments().len())..) {
                    if f.persisted_at.is_none_or(|p| p > now) {
                        break;
                    }
                    consumer.cursor = Some(f.number);
                    totals.fragments_read += 1;
                    consumer.next_sample_ms = consumer.next_sample_ms.max(f.producer_start_ms);
                    while consumer.next_sample_ms < f.producer_end_ms() {
                        totals.frames_or_images += 1;
                        consumer.next_sample_ms += interval;
                    }
                    totals.playhead_ms = Some(f.producer_end_ms());
                    set_latency(totals, now_ms.saturating_sub(f.producer_end_ms()));
                }
            }
            VideoConsumerKind::Clip { .. } => {}
        }
        let read = totals.bytes_read - before_bytes;
        let latency = totals.latency_ms;
        // Falling behind live is news only for a consumer that was keeping up.
        match latency {
            Some(ms) if ms >= PLAYBACK_BEHIND_MS && consumer.keeping_up => {
                consumer.keeping_up = false;
                let what = Observed::VideoPlaybackBehind {
                    consumer: consumer.config.name.clone(),
                    stream: consumer.config.stream_name.clone(),
                    latency_ms: ms,
                };
                self.observations.push((now, what));
            }
            Some(ms) if ms < PLAYBACK_BEHIND_MS => consumer.keeping_up = true,
            _ => {}
        }
        let current = &mut self.streams[s].current;
        current.outgoing_bytes += read;
        current.playback_latency_ms_max = current.playback_latency_ms_max.max(latency.unwrap_or(0));
    }

    fn start_consumer(&mut self, index: usize, s: usize, now: SimTime) {
        let stream = &self.streams[s];
        let others = |kind: fn(&VideoConsumerKind) -> bool| {
            self.consumers
                .iter()
                .filter(|c| {
                    c.started
                        && !c.closed
                        && c.totals.error.is_none()
                        && c.config.stream_name == stream.config.name
                        && kind(&c.config.kind)
                })
                .count()
        };
        let get_media_open = others(|k| matches!(k, VideoConsumerKind::GetMedia { .. }));
        let hls_open = others(|k| matches!(k, VideoConsumerKind::Hls { .. }));
        let no_retention = || {
            Some(VideoError::new(
                VideoErrorKind::NoDataRetention,
                format!("The stream {} keeps no data (DataRetentionInHours is 0).", stream.config.name),
            ))
        };
        // The reader starts after this fragment (a number before every fragment: from the oldest kept).
        let before_all = FragmentNumber { stream: s as u32, counter: 0 };
        let fragments = stream.store.fragments();
        let newest_received = fragments.iter().rev().find(|f| f.received_at <= now).map_or(before_all, |f| f.number);
        let mut start_after = None;
        let mut clip = None;
        let error = match &self.consumers[index].config.kind {
            VideoConsumerKind::GetMedia { start } => {
                if get_media_open >= GET_MEDIA_CONNECTIONS_MAX as usize {
                    Some(VideoError::new(
                        VideoErrorKind::ConnectionLimitExceeded,
                        format!(
                            "The stream {} already has {GET_MEDIA_CONNECTIONS_MAX} GetMedia connections.",
                            stream.config.name
                        ),
                    ))
                } else {
                    start_after = Some(match start {
                        StartSelector::Now => newest_received,
                        StartSelector::Earliest => before_all,
                        StartSelector::ProducerTimestamp { at_ms } => {
                            let at = stream.store.position_at_producer_ms(*at_ms);
                            at.checked_sub(1).and_then(|p| fragments.get(p)).map_or(before_all, |f| f.number)
                        }
                        StartSelector::FragmentNumber { number } => {
                            FragmentNumber { stream: number.stream, counter: number.counter.saturating_sub(1) }
                        }
                    });
                    None
                }
            }
            VideoConsumerKind::Rekognition => {
                start_after = Some(newest_received);
                None
            }
            VideoConsumerKind::Hls { .. } | VideoConsumerKind::ImageExtraction { .. } if !stream.keeps_data() => {
                no_retention()
            }
            VideoConsumerKind::Hls { .. } => {
                if hls_open >= HLS_SESSIONS_MAX as usize {
                    // The oldest active session closes.
                    let name = stream.config.name.clone();
                    if let Some(oldest) = self
                        .consumers
                        .iter_mut()
                        .filter(|c| {
                            c.started
                                && !c.closed
                                && c.config.stream_name == name
                                && matches!(c.config.kind, VideoConsumerKind::Hls { .. })
                        })
                        .min_by_key(|c| c.started_at)
                    {
                        oldest.closed = true;
                    }
                }
                None
            }
            VideoConsumerKind::ImageExtraction { .. } => {
                start_after = Some(fragments.back().map_or(before_all, |f| f.number));
                None
            }
            VideoConsumerKind::Clip { start_ms, end_ms } => {
                if !stream.keeps_data() {
                    no_retention()
                } else {
                    match get_clip(stream, now, *start_ms, *end_ms) {
                        Ok(result) => {
                            clip = Some(result);
                            None
                        }
                        Err(e) => Some(e),
                    }
                }
            }
        };
        let stream_name = self.streams[s].config.name.clone();
        let consumer = &mut self.consumers[index];
        consumer.started = true;
        consumer.started_at = now;
        consumer.cursor = start_after;
        if let Some(c) = clip {
            consumer.totals.fragments_read = u64::from(c.fragments);
            consumer.totals.bytes_read = c.bytes;
            consumer.totals.clip_duration_ms = c.duration_ms;
            self.streams[s].current.outgoing_bytes += c.bytes;
        }
        if let Some(error) = error {
            consumer.totals.error = Some(error.to_string());
            let what = Observed::VideoConsumerRefused {
                consumer: consumer.config.name.clone(),
                stream: stream_name,
                error: error.to_string(),
            };
            self.observations.push((now, what));
        }
    }

    // The API: control plane, then media and archived media.

    /// CreateStream: a new stream, ACTIVE at once.
    pub fn create_stream(
        &mut self,
        now: SimTime,
        name: &str,
        retention_hours: u32,
        media_type: Option<&str>,
    ) -> Result<String, VideoError> {
        if !crate::VIDEO {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                "This build of the engine leaves out Video Streams (its `video` feature).",
            ));
        }
        if !crate::name::is_resource_name(name, STREAM_NAME_CHARS_MAX) {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                format!("StreamName '{name}' must be 1 to {STREAM_NAME_CHARS_MAX} characters of [a-zA-Z0-9_.-]."),
            ));
        }
        if retention_hours > RETENTION_HOURS_MAX {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                format!("DataRetentionInHours {retention_hours} is over the maximum of {RETENTION_HOURS_MAX}."),
            ));
        }
        let media_type = media_type.unwrap_or("video/h264");
        if !is_media_type(media_type) {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                format!("MediaType '{media_type}' is not of the form type/subtype."),
            ));
        }
        if self.stream(name).is_some() {
            return Err(VideoError::new(VideoErrorKind::ResourceInUse, format!("The stream {name} already exists.")));
        }
        if self.streams.len() >= VIDEO_NODES_MAX {
            return Err(VideoError::new(
                VideoErrorKind::ClientLimitExceeded,
                format!("This simulation holds at most {VIDEO_NODES_MAX} video streams."),
            ));
        }
        self.add_stream(VideoStreamConfig { name: name.into(), retention_hours, media_type: media_type.into() }, now);
        Ok(self.streams.last().map(|s| s.arn.clone()).unwrap_or_default())
    }

    /// The stream a call names, by name or ARN.
    pub fn find(&self, name: Option<&str>, arn: Option<&str>) -> Result<&VideoStream, VideoError> {
        match (name, arn) {
            (Some(_), Some(_)) => Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                "Specify either StreamName or StreamARN, not both.",
            )),
            (None, None) => Err(VideoError::new(VideoErrorKind::InvalidArgument, "Specify StreamName or StreamARN.")),
            (Some(n), None) => self.stream(n).ok_or_else(|| VideoError::not_found(n)),
            (None, Some(a)) => self.streams.iter().find(|s| s.arn == a).ok_or_else(|| VideoError::not_found(a)),
        }
    }

    /// UpdateDataRetention: raise or lower retention by `change_hours`; lowering drops what is now too old.
    pub fn update_data_retention(
        &mut self,
        now: SimTime,
        name: &str,
        current_version: &str,
        increase: bool,
        change_hours: u32,
    ) -> Result<(), VideoError> {
        let index = self.stream_index(name).ok_or_else(|| VideoError::not_found(name))?;
        let stream = &mut self.streams[index];
        if current_version != stream.version.to_string() {
            return Err(VideoError::new(
                VideoErrorKind::VersionMismatch,
                format!(
                    "The stream version {current_version} is not the latest ({}); call DescribeStream.",
                    stream.version
                ),
            ));
        }
        if change_hours == 0 {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                "DataRetentionChangeInHours must be at least 1.",
            ));
        }
        let current = stream.config.retention_hours;
        let next = if increase { current.checked_add(change_hours) } else { current.checked_sub(change_hours) };
        let Some(next) = next.filter(|h| *h <= RETENTION_HOURS_MAX) else {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                format!(
                    "Retention would leave 0 to {RETENTION_HOURS_MAX} hours (it is {current}, the change {change_hours})."
                ),
            ));
        };
        stream.config.retention_hours = next;
        stream.version += 1;
        if next == 0 {
            stream.store.clear();
        }
        stream.expire(now);
        Ok(())
    }

    /// GetDataEndpoint: the endpoint for `api_name` (one of [`DATA_ENDPOINT_APIS`]).
    pub fn get_data_endpoint(&self, name: &str, api_name: &str) -> Result<String, VideoError> {
        if !DATA_ENDPOINT_APIS.contains(&api_name) {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                format!("APIName '{api_name}' is not one of {}.", DATA_ENDPOINT_APIS.join(", ")),
            ));
        }
        let index = self.stream_index(name).ok_or_else(|| VideoError::not_found(name))?;
        Ok(format!("https://s-{:08x}.kinesisvideo.{}.amazonaws.com", 0x5eed_0000u32 + index as u32, self.region))
    }

    /// PutMedia as a short session from the API console: `fragments` (duration ms, size bytes) recorded back to
    /// back from `now`, sent at once; the acknowledgements say when each would arrive.
    pub fn put_media(&mut self, now: SimTime, name: &str, fragments: &[(u32, u64)]) -> Result<Vec<Ack>, VideoError> {
        let index = self.stream_index(name).ok_or_else(|| VideoError::not_found(name))?;
        if self.streams[index].put_media_holder.is_some() {
            return Err(VideoError::new(
                VideoErrorKind::ConnectionLimitExceeded,
                format!("The stream {name} already has a PutMedia connection."),
            ));
        }
        if fragments.len() > 100 {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                "A simulated PutMedia session sends at most 100 fragments.",
            ));
        }
        let upload = SimDuration::from_millis(UPLOAD_DELAY_MS);
        let mut acks = Vec::new();
        let mut at = now;
        let stream = &mut self.streams[index];
        for &(duration_ms, size) in fragments {
            let timecode = at.as_millis();
            let duration = SimDuration::from_millis(u64::from(duration_ms));
            let wire = SimDuration::from_micros(size.saturating_mul(1_000_000) / PUT_MEDIA_BYTES_PER_SEC_MAX);
            let received = (at + duration).max(at + wire) + upload;
            acks.push(Ack {
                at: at + upload,
                event: AckEventType::Buffering,
                fragment_timecode_ms: timecode,
                fragment_number: None,
                error: None,
            });
            let error = fragment_error(duration_ms, size);
            if error.is_some() {
                acks.push(Ack {
                    at: received,
                    event: AckEventType::Error,
                    fragment_timecode_ms: timecode,
                    fragment_number: None,
                    error,
                });
            } else {
                let (number, persisted) =
                    stream.store_received(index as u32, received, |number, persisted_at| Fragment {
                        number,
                        camera: API_SESSION_CAMERA,
                        producer_start_ms: timecode,
                        duration_ms: u64::from(duration_ms),
                        size_bytes: size,
                        frames: 0,
                        server_start: at,
                        received_at: received,
                        persisted_at,
                        duplicate: false,
                    });
                acks.push(Ack {
                    at: received,
                    event: AckEventType::Received,
                    fragment_timecode_ms: timecode,
                    fragment_number: Some(number),
                    error: None,
                });
                if let Some(p) = persisted {
                    acks.push(Ack {
                        at: p,
                        event: AckEventType::Persisted,
                        fragment_timecode_ms: timecode,
                        fragment_number: Some(number),
                        error: None,
                    });
                }
            }
            at = at + duration;
        }
        Ok(acks)
    }

    /// ListFragments: fragments (stored, or in the host buffer at retention 0) whose producer span overlaps
    /// `[start_ms, end_ms]`, at most `max_results`.
    pub fn list_fragments(
        &self,
        now: SimTime,
        name: &str,
        start_ms: u64,
        end_ms: u64,
        max_results: u32,
    ) -> Result<Vec<Fragment>, VideoError> {
        let stream = self.stream(name).ok_or_else(|| VideoError::not_found(name))?;
        if !(1..=LIST_FRAGMENTS_RESULTS_MAX).contains(&max_results) {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                format!("MaxResults must be 1 to {LIST_FRAGMENTS_RESULTS_MAX}."),
            ));
        }
        if start_ms > end_ms {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                "The time range's end must not come before its start.",
            ));
        }
        Ok(stream.visible(now).filter(|f| f.overlaps(start_ms, end_ms)).take(max_results as usize).copied().collect())
    }

    /// GetMedia from `start`: the fragments a new connection gets first, at most one second's worth (5).
    pub fn get_media(&self, now: SimTime, name: &str, start: &StartSelector) -> Result<Vec<Fragment>, VideoError> {
        let stream = self.stream(name).ok_or_else(|| VideoError::not_found(name))?;
        let received: Vec<&Fragment> = stream.store.fragments().iter().filter(|f| f.received_at <= now).collect();
        let from = match start {
            StartSelector::Now => received.len().saturating_sub(1),
            StartSelector::Earliest => 0,
            StartSelector::ProducerTimestamp { at_ms } => {
                received.iter().position(|f| f.producer_end_ms() > *at_ms).unwrap_or(received.len())
            }
            StartSelector::FragmentNumber { number } => {
                received.iter().position(|f| f.number >= *number).unwrap_or(received.len())
            }
        };
        Ok(received[from..].iter().take(GET_MEDIA_FRAGMENTS_PER_SEC_MAX as usize).map(|f| **f).collect())
    }

    /// GetHLSStreamingSessionURL: a session URL, if the stream keeps data and the arguments are valid.
    pub fn get_hls_streaming_session_url(
        &self,
        now: SimTime,
        name: &str,
        mode: &HlsPlaybackMode,
        expires_secs: u32,
        max_playlist_fragments: u32,
    ) -> Result<String, VideoError> {
        let stream = self.stream(name).ok_or_else(|| VideoError::not_found(name))?;
        if !(HLS_EXPIRES_SECS_MIN..=HLS_EXPIRES_SECS_MAX).contains(&expires_secs) {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                format!("Expires must be {HLS_EXPIRES_SECS_MIN} to {HLS_EXPIRES_SECS_MAX} seconds."),
            ));
        }
        if !(1..=HLS_PLAYLIST_FRAGMENTS_MAX).contains(&max_playlist_fragments) {
            return Err(VideoError::new(
                VideoErrorKind::InvalidArgument,
                format!("MaxMediaPlaylistFragmentResults must be 1 to {HLS_PLAYLIST_FRAGMENTS_MAX}."),
            ));
        }
        if !stream.keeps_data() {
            return Err(VideoError::new(
                VideoErrorKind::NoDataRetention,
                format!("The stream {name} keeps no data (DataRetentionInHours is 0)."),
            ));
        }
        let has_media = match mode {
            HlsPlaybackMode::Live => {
                stream.visible(now).last().is_some_and(|f| now.as_millis().saturating_sub(f.producer_end_ms()) < 30_000)
            }
            HlsPlaybackMode::LiveReplay { start_ms } => stream.visible(now).any(|f| f.producer_end_ms() > *start_ms),
            HlsPlaybackMode::OnDemand { start_ms, end_ms } => {
                stream.visible(now).any(|f| f.overlaps(*start_ms, *end_ms))
            }
        };
        if !has_media {
            return Err(VideoError::new(
                VideoErrorKind::ResourceNotFound,
                "No fragments found in the stream for the requested time range (a LIVE session needs media from the last 30 seconds).",
            ));
        }
        let token = stream.version as u64 * 1_000_003 + now.as_millis();
        Ok(format!(
            "https://b-{:08x}.kinesisvideo.{}.amazonaws.com/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=CiQ{token:x}",
            0x5eed_0000u32, self.region
        ))
    }
}

/// What a GetClip call returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClipResult {
    /// Fragments in the clip.
    pub fragments: u32,
    /// Media bytes.
    pub bytes: u64,
    /// Producer time covered, in ms.
    pub duration_ms: u64,
}

/// GetClip over `[start_ms, end_ms]` of a stream's stored fragments.
pub fn get_clip(stream: &VideoStream, now: SimTime, start_ms: u64, end_ms: u64) -> Result<ClipResult, VideoError> {
    let mut clip = ClipResult { fragments: 0, bytes: 0, duration_ms: 0 };
    for f in stream.visible(now).filter(|f| f.overlaps(start_ms, end_ms) && !f.duplicate) {
        clip.fragments += 1;
        clip.bytes += f.size_bytes;
        clip.duration_ms += f.duration_ms;
    }
    if clip.fragments == 0 {
        return Err(VideoError::new(
            VideoErrorKind::ResourceNotFound,
            "No fragments found in the stream for the clip's time range.",
        ));
    }
    if clip.fragments > GET_CLIP_FRAGMENTS_MAX || clip.bytes > GET_CLIP_BYTES_MAX {
        return Err(VideoError::new(
            VideoErrorKind::InvalidArgument,
            format!(
                "The clip holds {} fragments and {} bytes; a clip holds at most {GET_CLIP_FRAGMENTS_MAX} fragments and {GET_CLIP_BYTES_MAX} bytes.",
                clip.fragments, clip.bytes
            ),
        ));
    }
    Ok(clip)
}

fn set_latency(totals: &mut VideoConsumerTotals, latency_ms: u64) {
    totals.latency_ms = Some(latency_ms);
    totals.latency_max_ms = totals.latency_max_ms.max(latency_ms);
}

/// The error acknowledgement a fragment over a PutMedia limit gets (duration, then size), if any.
fn fragment_error(duration_ms: u32, size_bytes: u64) -> Option<AckError> {
    if duration_ms > FRAGMENT_DURATION_MAX_MS {
        Some(AckError::MaxFragmentDurationReached)
    } else if duration_ms < FRAGMENT_DURATION_MIN_MS {
        Some(AckError::MinFragmentDurationReached)
    } else if size_bytes > FRAGMENT_BYTES_MAX {
        Some(AckError::MaxFragmentSizeReached)
    } else {
        None
    }
}
