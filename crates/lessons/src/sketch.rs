//! The goal sketch: for a `metric` check, the shape of a passing chart (the measured value over the run
//! against the check's target), drawn by the page beside "Passing looks like". Only the shape is meant: the
//! values are the check's own bounds, placed on a 0 to 100 scale.

use crate::check::{Check, Metric};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Points across a sketch, evenly spaced in time.
pub const SKETCH_POINTS: usize = 11;

/// A passing chart's shape: the value over time and the target line, both on a 0 (bottom) to 100 (top) scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Sketch {
    /// The value at [`SKETCH_POINTS`] evenly spaced times.
    pub values: Vec<u32>,
    /// The height of the target line: at most (a `max` bound) or at least (a `min` bound).
    pub target: u32,
    /// Whether passing stays under the target (a `max` bound) rather than over it.
    pub stays_under: bool,
    /// What it shows, for people and screen readers ("write throttles fall to at most 0 records").
    pub caption: String,
}

/// The target line's height: a zero bound sits on the axis, any other in the middle of the scale.
fn target_height(bound: f64) -> u32 {
    if bound <= 0.0 { 0 } else { 50 }
}

impl Check {
    /// The sketch of a passing chart for a `metric` check with a bound, or `None` for other checks.
    pub fn sketch(&self) -> Option<Sketch> {
        let Self::Metric { metric, min, max, .. } = self else { return None };
        let n = SKETCH_POINTS as u32 - 1;
        let (values, target, stays_under, verb) = match (min, max) {
            // Under the target: the value starts above it (the problem) and falls below it, staying there.
            (None, Some(max)) => {
                let target = target_height(*max);
                let floor = target.saturating_sub(20).max(if target == 0 { 0 } else { 5 });
                let values = (0..=n).map(|i| if i <= 2 { 90 - i * 10 } else { floor }).collect();
                (values, target, true, "falls to")
            }
            // Over the target: a count grows past it, a rate holds above it.
            (Some(min), None) => {
                let target = target_height(*min).max(30);
                let values = (0..=n).map(|i| (target + 40) * i / n).collect();
                let values = if metric.is_rate() { (0..=n).map(|_| target + 30).collect() } else { values };
                (values, target, false, "reaches")
            }
            // Within a band: the value settles between the bounds (the line marks the upper one).
            (Some(_), Some(_)) => ((0..=n).map(|_| 40).collect(), 60, true, "stays"),
            (None, None) => return None,
        };
        let wanted = crate::check::range_text(*min, *max, |v| metric.show(v));
        let caption = format!("sketch: {} {verb} {wanted}", metric.noun());
        Some(Sketch { values, target, stays_under, caption })
    }
}

impl Metric {
    /// Whether it is a per-second rate (it holds a level) rather than a count growing over the run.
    fn is_rate(self) -> bool {
        matches!(
            self,
            Self::AcceptedRecordsPerSec
                | Self::ApiCallsPerSec
                | Self::KinesisRecordsPerSec
                | Self::CostUsdPerHour
                | Self::IteratorAgeMsMax
                | Self::LatencyP99Ms
                | Self::WriteThrottledRecordsPerSecMax
                | Self::FirehoseDeliveryDelayMsMax
        )
    }
}
