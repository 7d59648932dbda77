//! Video consumers: a GetMedia reader, an HLS viewer, a clip by time range, and the frame-sampling
//! integrations (image extraction, a Rekognition Video stream processor), which count what they sample and
//! recognise nothing.

use super::FragmentNumber;
use crate::time::SimTime;
use alloc::string::String;

/// Where a GetMedia reader starts (`StartSelectorType`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)
)]
pub enum StartSelector {
    /// `NOW`: the newest chunk.
    Now,
    /// `EARLIEST`: the oldest fragment kept.
    Earliest,
    /// `PRODUCER_TIMESTAMP`: the fragment containing this producer instant (simulated ms).
    ProducerTimestamp {
        /// The instant.
        at_ms: u64,
    },
    /// `FRAGMENT_NUMBER`: this fragment, then the ones after it (`CONTINUATION_TOKEN` is the one after a
    /// previous connection's last).
    FragmentNumber {
        /// The first fragment to read.
        number: FragmentNumber,
    },
}

/// An HLS session's `PlaybackMode`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)
)]
pub enum HlsPlaybackMode {
    /// `LIVE`: the playlist keeps the newest fragments.
    Live,
    /// `LIVE_REPLAY`: from a past producer instant onwards, played in real time.
    LiveReplay {
        /// Where playback starts (simulated producer ms).
        start_ms: u64,
    },
    /// `ON_DEMAND`: a closed past range.
    OnDemand {
        /// The range's start.
        start_ms: u64,
        /// The range's end.
        end_ms: u64,
    },
}

/// What a video consumer does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)
)]
pub enum VideoConsumerKind {
    /// A GetMedia connection: frames as the service receives them (or, from a past fragment, catching up at
    /// the documented fragment rate).
    GetMedia {
        /// Where it starts.
        start: StartSelector,
    },
    /// A viewer of an HLS streaming session (GetHLSStreamingSessionURL).
    Hls {
        /// The session's mode.
        mode: HlsPlaybackMode,
        /// `MaxMediaPlaylistFragmentResults`.
        max_playlist_fragments: u32,
    },
    /// ListFragments then GetClip over a producer time range, once, at the consumer's start.
    Clip {
        /// The range's start (simulated producer ms).
        start_ms: u64,
        /// The range's end.
        end_ms: u64,
    },
    /// Image extraction (GetImages): one image per sampling interval of stored media.
    ImageExtraction {
        /// `SamplingInterval`, at least [`super::GET_IMAGES_SAMPLING_INTERVAL_MIN_MS`].
        sampling_interval_ms: u32,
    },
    /// An Amazon Rekognition Video stream processor reading the stream live; it counts the frames it gets.
    Rekognition,
}

impl VideoConsumerKind {
    /// A short name for summaries ("get_media", "hls", …).
    pub fn slug(&self) -> &'static str {
        match self {
            Self::GetMedia { .. } => "get_media",
            Self::Hls { .. } => "hls",
            Self::Clip { .. } => "clip",
            Self::ImageExtraction { .. } => "image_extraction",
            Self::Rekognition => "rekognition",
        }
    }
}

/// A video consumer of the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct VideoConsumerConfig {
    /// Its name.
    pub name: String,
    /// The video stream it reads.
    pub stream_name: String,
    /// What it does.
    pub kind: VideoConsumerKind,
    /// When it connects (or, for a clip, asks), in simulated ms.
    pub start_at_ms: u64,
}

/// A video consumer's figures over the run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VideoConsumerTotals {
    /// Fragments it read (GetMedia, HLS segments played, a clip's fragments, fragments sampled).
    pub fragments_read: u64,
    /// Media bytes it read.
    pub bytes_read: u64,
    /// Frames it got (Rekognition) or images it extracted (image extraction).
    pub frames_or_images: u64,
    /// How far behind the camera it shows media now: the age of the newest media it has, in ms
    /// (`GetMedia.MillisBehindNow` for GetMedia); `None` before it has any.
    pub latency_ms: Option<u64>,
    /// The highest latency over the run.
    pub latency_max_ms: u64,
    /// The fragments in its HLS media playlist now.
    pub playlist_fragments: u32,
    /// The producer time span its playlist covers, in ms.
    pub playlist_window_ms: u64,
    /// The producer instant it is showing, for a playback.
    pub playhead_ms: Option<u64>,
    /// Seconds an HLS replay had no fragment at its playhead (nothing kept there).
    pub stalled_seconds: u64,
    /// The AWS error it got, as `ExceptionName: message`, if the call was refused.
    pub error: Option<String>,
    /// A clip's time span actually covered by fragments, in ms.
    pub clip_duration_ms: u64,
}

/// A running video consumer.
#[derive(Clone, Debug)]
pub struct VideoConsumer {
    /// Its configuration.
    pub config: VideoConsumerConfig,
    /// Its figures.
    pub totals: VideoConsumerTotals,
    /// Whether it has connected (or made its call).
    pub started: bool,
    /// When its session started.
    pub(crate) started_at: SimTime,
    /// The last fragment it read.
    pub(crate) cursor: Option<FragmentNumber>,
    /// For image extraction: the producer instant of the next image.
    pub(crate) next_sample_ms: u64,
    /// An HLS session closed because a sixth one opened.
    pub closed: bool,
    /// Its latency was under [`super::PLAYBACK_BEHIND_MS`] when last measured.
    pub(crate) keeping_up: bool,
}

impl VideoConsumer {
    pub(crate) fn new(config: VideoConsumerConfig) -> Self {
        Self {
            config,
            totals: VideoConsumerTotals::default(),
            started: false,
            started_at: SimTime::ZERO,
            cursor: None,
            next_sample_ms: 0,
            closed: false,
            keeping_up: false,
        }
    }
}
