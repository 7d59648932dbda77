//! A video stream's time-indexed store: fragment metadata in arrival order, never the media bytes.

use crate::time::SimTime;
use alloc::collections::VecDeque;
use core::fmt;

/// A fragment's number: assigned by the service in arrival order, unique in its stream.
///
/// AWS's fragment numbers are long decimal strings; ours print as a fixed 16-digit prefix naming the stream,
/// then the arrival counter padded to 20 digits (the digits are our choice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FragmentNumber {
    /// The stream's position among the service's video streams.
    pub stream: u32,
    /// The arrival counter, from 1.
    pub counter: u64,
}

impl fmt::Display for FragmentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "9134385233318{:03}{:020}", self.stream % 1_000, self.counter)
    }
}

impl FragmentNumber {
    /// Reads a number printed by [`Display`](fmt::Display), if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 36 || !text.bytes().all(|b| b.is_ascii_digit()) || !text.starts_with("9134385233318") {
            return None;
        }
        let stream = text[13..16].parse().ok()?;
        let counter = text[16..].parse().ok()?;
        Some(Self { stream, counter })
    }
}

/// One fragment the service received: what ListFragments returns about it, plus when its acknowledgements go
/// out. A fragment is a run of frames starting with a key frame, so its duration is the camera's key-frame
/// interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fragment {
    /// Its number.
    pub number: FragmentNumber,
    /// The camera that sent it (its position in the scenario's cameras), or `u32::MAX` for an API session.
    pub camera: u32,
    /// `ProducerTimestamp`: when the camera started recording it, in simulated ms.
    pub producer_start_ms: u64,
    /// Its duration (`FragmentLengthInMilliseconds`).
    pub duration_ms: u64,
    /// `FragmentSizeInBytes`.
    pub size_bytes: u64,
    /// Frames in it (frame rate × duration).
    pub frames: u32,
    /// `ServerTimestamp`: when the service started receiving it.
    pub server_start: SimTime,
    /// When the service had received all of it (the RECEIVED acknowledgement).
    pub received_at: SimTime,
    /// When it was stored (the PERSISTED acknowledgement); `None` on a stream that keeps no data.
    pub persisted_at: Option<SimTime>,
    /// A copy the producer sent again after a dropped connection, though the service had it already.
    pub duplicate: bool,
}

impl Fragment {
    /// When its recording ended, in simulated ms.
    pub fn producer_end_ms(&self) -> u64 {
        self.producer_start_ms + self.duration_ms
    }

    /// Whether its producer time span overlaps `[start_ms, end_ms]`.
    pub fn overlaps(&self, start_ms: u64, end_ms: u64) -> bool {
        self.producer_start_ms <= end_ms && self.producer_end_ms() >= start_ms
    }

    /// The producer instant up to which the service has the fragment's frames at `now` (frames arrive in
    /// order while it is on the wire), or `None` before its first byte arrives.
    pub fn received_until_ms(&self, now: SimTime, upload_delay_ms: u64) -> Option<u64> {
        let first_byte = self.server_start.as_millis() + upload_delay_ms;
        let now_ms = now.as_millis();
        if now_ms < first_byte {
            return None;
        }
        let last_byte = self.received_at.as_millis();
        if now_ms >= last_byte || last_byte <= first_byte {
            return Some(self.producer_end_ms());
        }
        let part = (now_ms - first_byte) * self.duration_ms / (last_byte - first_byte);
        Some(self.producer_start_ms + part.min(self.duration_ms))
    }
}

/// A stream's fragments in number order, bounded: the oldest go first when retention ends or the bound is met.
#[derive(Clone, Debug, Default)]
pub struct FragmentStore {
    fragments: VecDeque<Fragment>,
    /// Bytes of the fragments kept.
    bytes: u64,
    /// The next arrival counter.
    next_counter: u64,
    /// Fragments dropped to keep the store within its bound before their retention ended.
    pub dropped_early: u64,
}

impl FragmentStore {
    /// The fragments kept, oldest first.
    pub fn fragments(&self) -> &VecDeque<Fragment> {
        &self.fragments
    }

    /// Bytes of the fragments kept.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The number the next fragment gets.
    pub(crate) fn next_number(&mut self, stream: u32) -> FragmentNumber {
        self.next_counter += 1;
        FragmentNumber { stream, counter: self.next_counter }
    }

    /// Appends a fragment, dropping the oldest beyond `fragments_max`.
    pub(crate) fn push(&mut self, fragment: Fragment, fragments_max: usize) {
        self.bytes += fragment.size_bytes;
        self.fragments.push_back(fragment);
        while self.fragments.len() > fragments_max {
            self.pop_front();
            self.dropped_early += 1;
        }
    }

    /// Removes the newest fragments of `camera` received after `at` (lost in flight), returning how many.
    pub(crate) fn remove_in_flight(&mut self, camera: u32, at: SimTime) -> u32 {
        let mut removed = 0;
        while let Some(last) = self.fragments.back() {
            if last.camera != camera || last.received_at <= at {
                break;
            }
            self.bytes -= last.size_bytes;
            self.fragments.pop_back();
            removed += 1;
        }
        removed
    }

    /// Drops fragments whose server timestamp is older than `keep_from`, and the oldest beyond `bytes_max`.
    pub(crate) fn expire(&mut self, keep_from: SimTime, bytes_max: u64) {
        while let Some(first) = self.fragments.front() {
            if first.server_start >= keep_from && self.bytes <= bytes_max {
                break;
            }
            self.pop_front();
        }
    }

    /// Drops every fragment.
    pub(crate) fn clear(&mut self) {
        self.fragments.clear();
        self.bytes = 0;
    }

    fn pop_front(&mut self) {
        if let Some(f) = self.fragments.pop_front() {
            self.bytes -= f.size_bytes;
        }
    }

    /// The position of the first fragment numbered after `number`.
    pub fn position_after(&self, number: FragmentNumber) -> usize {
        self.fragments.partition_point(|f| f.number <= number)
    }

    /// The position of the first fragment whose recording ends after `producer_ms` (the one containing it), in
    /// arrival order (a copy sent again after a dropped connection arrives after newer fragments).
    pub fn position_at_producer_ms(&self, producer_ms: u64) -> usize {
        self.fragments.iter().position(|f| f.producer_end_ms() > producer_ms).unwrap_or(self.fragments.len())
    }
}
