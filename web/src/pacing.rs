//! Wall-clock time to simulated time: `target = sim_now + wall_delta * speed`.

use shardlab_engine::{SimDuration, SimTime};

/// The most wall time one frame may account for. A tab that slept for minutes resumes
/// where it was instead of jumping ahead.
pub const WALL_DELTA_MAX_MS: f64 = 250.0;

/// Speeds the learner can pick, as multiples of real time.
pub const SPEEDS: [u32; 7] = [1, 2, 5, 10, 30, 60, 300];

/// Engine timers handled per frame at most, so a frame never freezes the page.
pub const TIMERS_PER_FRAME_MAX: u32 = 400_000;

/// How far simulated time should move for `wall_delta_ms` of real time at `speed`.
pub fn sim_delta(wall_delta_ms: f64, speed: u32) -> SimDuration {
    let wall_ms = if wall_delta_ms.is_finite() { wall_delta_ms.clamp(0.0, WALL_DELTA_MAX_MS) } else { 0.0 };
    // Microseconds; the product is at most 250,000 * 300, far inside u64 and exact in f64.
    SimDuration((wall_ms * 1_000.0 * f64::from(speed)).round() as u64)
}

/// The simulated instant a frame should reach.
pub fn frame_target(sim_now: SimTime, wall_delta_ms: f64, speed: u32) -> SimTime {
    sim_now + sim_delta(wall_delta_ms, speed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_multiplies_wall_time() {
        assert_eq!(sim_delta(50.0, 1), SimDuration::from_millis(50));
        assert_eq!(sim_delta(50.0, 10), SimDuration::from_millis(500));
    }

    #[test]
    fn long_pauses_and_nonsense_are_clamped() {
        assert_eq!(sim_delta(60_000.0, 1), SimDuration::from_millis(250));
        assert_eq!(sim_delta(-5.0, 10), SimDuration::ZERO);
        assert_eq!(sim_delta(f64::NAN, 10), SimDuration::ZERO);
        assert_eq!(frame_target(SimTime::from_secs(1), 100.0, 2), SimTime::from_millis(1_200));
    }
}
