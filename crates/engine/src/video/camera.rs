//! A camera producer: a device recording at a bitrate and frame rate, cut into fragments at each key frame,
//! sent over one long-lived PutMedia connection by the Producer SDK.

use crate::time::SimTime;
use alloc::collections::VecDeque;
use alloc::string::String;

/// Acknowledgements kept per camera for the page (the newest; older ones are dropped).
pub const ACKS_KEPT: usize = 64;

/// A camera of the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(deny_unknown_fields))]
pub struct CameraConfig {
    /// Its name (the Producer SDK's device name).
    pub name: String,
    /// The video stream it sends to.
    pub stream_name: String,
    /// The encoder's bitrate, in kilobits per second.
    pub bitrate_kbps: u32,
    /// Frames per second.
    pub frame_rate: u32,
    /// The key-frame interval, which is the fragment duration (each MKV cluster is one fragment).
    pub fragment_duration_ms: u32,
}

impl CameraConfig {
    /// A 2 Mbps, 30 frames/s camera cutting 2-second fragments.
    pub fn new(name: &str, stream_name: &str) -> Self {
        Self {
            name: name.into(),
            stream_name: stream_name.into(),
            bitrate_kbps: 2_000,
            frame_rate: 30,
            fragment_duration_ms: 2_000,
        }
    }

    /// One fragment's size: bitrate × duration.
    pub fn fragment_bytes(&self) -> u64 {
        u64::from(self.bitrate_kbps) * 1_000 / 8 * u64::from(self.fragment_duration_ms) / 1_000
    }

    /// Frames in one fragment.
    pub fn fragment_frames(&self) -> u32 {
        (u64::from(self.frame_rate) * u64::from(self.fragment_duration_ms) / 1_000) as u32
    }
}

/// `AckEventType` of a PutMedia acknowledgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AckEventType {
    /// The first byte of the fragment arrived.
    Buffering,
    /// The whole fragment arrived.
    Received,
    /// The fragment is stored (only on a stream with retention above 0).
    Persisted,
    /// The fragment was refused; see the error.
    Error,
    /// The connection is open but no data arrives.
    Idle,
}

impl AckEventType {
    /// The name in the acknowledgement's JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Buffering => "BUFFERING",
            Self::Received => "RECEIVED",
            Self::Persisted => "PERSISTED",
            Self::Error => "ERROR",
            Self::Idle => "IDLE",
        }
    }
}

/// The error of an ERROR acknowledgement, with AWS's `ErrorId` where the PutMedia reference lists one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckError {
    /// 4001: the fragment is over [`super::FRAGMENT_BYTES_MAX`].
    MaxFragmentSizeReached,
    /// 4002: the fragment is longer than [`super::FRAGMENT_DURATION_MAX_MS`].
    MaxFragmentDurationReached,
    /// 4003: the connection outlived [`super::PUT_MEDIA_CONNECTION_DURATION_MAX_MS`].
    MaxConnectionDurationReached,
    /// The fragment is shorter than [`super::FRAGMENT_DURATION_MIN_MS`] (the quotas page names the ack, the
    /// PutMedia reference gives it no number).
    MinFragmentDurationReached,
}

impl AckError {
    /// The `ErrorId`, if documented.
    pub const fn id(self) -> Option<u16> {
        match self {
            Self::MaxFragmentSizeReached => Some(4001),
            Self::MaxFragmentDurationReached => Some(4002),
            Self::MaxConnectionDurationReached => Some(4003),
            Self::MinFragmentDurationReached => None,
        }
    }

    /// The `ErrorCode`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::MaxFragmentSizeReached => "MAX_FRAGMENT_SIZE_REACHED",
            Self::MaxFragmentDurationReached => "MAX_FRAGMENT_DURATION_REACHED",
            Self::MaxConnectionDurationReached => "MAX_CONNECTION_DURATION_REACHED",
            Self::MinFragmentDurationReached => "MIN_FRAGMENT_DURATION_REACHED",
        }
    }
}

/// One PutMedia acknowledgement as the producer receives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ack {
    /// When it reaches the producer.
    pub at: SimTime,
    /// Its type.
    pub event: AckEventType,
    /// `FragmentTimecode`: the fragment's producer start, in ms.
    pub fragment_timecode_ms: u64,
    /// `FragmentNumber`, for acknowledgements about a stored fragment.
    pub fragment_number: Option<super::FragmentNumber>,
    /// The error of an ERROR acknowledgement.
    pub error: Option<AckError>,
}

/// A camera's counters over the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CameraTotals {
    /// Fragments recorded.
    pub fragments_recorded: u64,
    /// Fragments the service received whole.
    pub fragments_received: u64,
    /// Fragments acknowledged PERSISTED.
    pub fragments_persisted: u64,
    /// ERROR acknowledgements.
    pub error_acks: u64,
    /// Fragments sent again after a dropped connection.
    pub fragments_resent: u64,
    /// Fragments the SDK dropped because its buffer was full (the link could not keep up).
    pub fragments_dropped: u64,
    /// PutMedia connections opened (the first, token rotations, reconnections).
    pub connections: u64,
    /// Connections refused with `ConnectionLimitExceededException` (another camera holds the stream's one).
    pub connections_refused: u64,
    /// Connections dropped by a fault.
    pub connection_drops: u64,
    /// Media bytes the service received.
    pub bytes_received: u64,
}

/// A fragment recorded but not yet acknowledged as kept: it waits to be sent, or is on its way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pending {
    pub producer_start_ms: u64,
    /// Sent over the connection, receiving at this instant; `None` while it waits.
    pub received_at: Option<SimTime>,
    /// When the SDK may forget it (PERSISTED, or RECEIVED on a stream that keeps nothing).
    pub done_at: Option<SimTime>,
    /// Sent once already, before a dropped connection.
    pub resend: bool,
}

/// A running camera.
#[derive(Clone, Debug)]
pub struct Camera {
    /// Its configuration.
    pub config: CameraConfig,
    /// Its counters.
    pub totals: CameraTotals,
    /// The newest acknowledgements, at most [`ACKS_KEPT`], some of them still on their way (`at` after now).
    pub acks: VecDeque<Ack>,
    /// Whether its PutMedia connection is up.
    pub connected: bool,
    /// When the current connection opened.
    pub connected_since: SimTime,
    /// Until when a connection-drop fault lasts.
    pub(crate) down_until: Option<SimTime>,
    /// When the next fragment's recording starts.
    pub(crate) next_fragment_at: SimTime,
    /// Fragments recorded and not yet released by an acknowledgement, oldest first.
    pub(crate) pending: VecDeque<Pending>,
    /// When the connection can start sending the next fragment.
    pub(crate) link_free_at: SimTime,
    /// When the last fragment started on the wire (at most five a second).
    pub(crate) last_send_at: Option<SimTime>,
    /// It could not get the stream's connection.
    pub(crate) refused: bool,
}

impl Camera {
    pub(crate) fn new(config: CameraConfig) -> Self {
        Self {
            config,
            totals: CameraTotals::default(),
            acks: VecDeque::new(),
            connected: false,
            connected_since: SimTime::ZERO,
            down_until: None,
            next_fragment_at: SimTime::ZERO,
            pending: VecDeque::new(),
            link_free_at: SimTime::ZERO,
            last_send_at: None,
            refused: false,
        }
    }

    pub(crate) fn ack(&mut self, ack: Ack) {
        if self.acks.len() == ACKS_KEPT {
            self.acks.pop_front();
        }
        self.acks.push_back(ack);
    }

    /// Fragments recorded that the service has not yet acknowledged as kept.
    pub fn unacknowledged(&self) -> usize {
        self.pending.len()
    }
}
