//! Wall-clock time to simulated time: `target = sim_now + wall_delta * speed`.

use shardlab_engine::{SimDuration, SimTime};

/// The most wall time one frame may account for. A tab that slept for minutes resumes
/// where it was instead of jumping ahead.
pub const WALL_DELTA_MAX_MS: f64 = 250.0;

/// Speeds the learner can pick, in tenths of real time (1 = 0.1x, 10_000 = 1000x).
pub const SPEEDS_TENTHS: [u32; 12] = [1, 2, 5, 10, 20, 50, 100, 300, 600, 1_000, 3_000, 10_000];

/// The speed a new page starts at: real time.
pub const SPEED_DEFAULT_TENTHS: u32 = 10;

/// How far simulated time should move for `wall_delta_ms` of real time at `speed_tenths`.
pub fn sim_delta(wall_delta_ms: f64, speed_tenths: u32) -> SimDuration {
    let wall_ms = if wall_delta_ms.is_finite() { wall_delta_ms.clamp(0.0, WALL_DELTA_MAX_MS) } else { 0.0 };
    // Microseconds: wall ms * 1,000 µs * speed_tenths / 10. At most 250 * 100 * 10,000, exact in f64.
    SimDuration((wall_ms * 100.0 * f64::from(speed_tenths)).round() as u64)
}

/// The simulated instant a frame should reach.
pub fn frame_target(sim_now: SimTime, wall_delta_ms: f64, speed_tenths: u32) -> SimTime {
    sim_now + sim_delta(wall_delta_ms, speed_tenths)
}

/// A speed for people: `"0.1×"`, `"1×"`, `"1000×"`.
pub fn speed_label(speed_tenths: u32) -> String {
    if speed_tenths.is_multiple_of(10) {
        format!("{}×", speed_tenths / 10)
    } else {
        format!("{}.{}×", speed_tenths / 10, speed_tenths % 10)
    }
}

/// Simulated seconds one grading slice covers: a frame takes slices until its work budget is spent.
pub const GRADING_SECONDS_PER_SLICE: u32 = 5;

/// Grades in slices until the run is done or `budget_ms` of wall time (read with `now_ms`) is spent: a lesson of
/// minutes takes a frame or a few, one of hours (a light pipeline) a few hundred frames, and the page keeps
/// drawing. At least one slice runs. Returns the grade once done.
pub fn grade_within(
    grading: &mut shardlab_lessons::Grading,
    budget_ms: f64,
    mut now_ms: impl FnMut() -> f64,
) -> Option<shardlab_lessons::Grade> {
    let started = now_ms();
    loop {
        if let Some(grade) = grading.step(GRADING_SECONDS_PER_SLICE) {
            return Some(grade.clone());
        }
        if now_ms() - started >= budget_ms {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_multiplies_wall_time() {
        assert_eq!(sim_delta(50.0, 10), SimDuration::from_millis(50));
        assert_eq!(sim_delta(50.0, 100), SimDuration::from_millis(500));
        assert_eq!(sim_delta(50.0, 1), SimDuration::from_millis(5));
        assert_eq!(sim_delta(16.0, 10_000), SimDuration::from_secs(16));
    }

    #[test]
    fn grading_takes_slices_until_the_frame_budget_is_spent() {
        // A clock that moves 1 ms per reading: with a 3 ms budget a frame runs 3 slices of 5 s, so the hot-key
        // lesson's 60 s run takes 4 frames (12 slices), and grades as in one call.
        let lesson = shardlab_lessons::lesson("hot-keys").expect("exists");
        let scenario = shardlab_lessons::start_scenario(&lesson).expect("builds");
        let mut grading = shardlab_lessons::Grading::new(&lesson, &scenario);
        let mut clock = 0.0;
        let mut frames = 0;
        let grade = loop {
            frames += 1;
            let tick = || {
                clock += 1.0;
                clock
            };
            if let Some(grade) = grade_within(&mut grading, 3.0, tick) {
                break grade;
            }
            assert!(frames < 10, "a frame makes progress");
        };
        assert_eq!((lesson.run_s, frames), (60, 4));
        assert_eq!(grade, shardlab_lessons::grade(&lesson, &scenario));
    }

    #[test]
    fn long_pauses_and_nonsense_are_clamped() {
        assert_eq!(sim_delta(60_000.0, 10), SimDuration::from_millis(250));
        assert_eq!(sim_delta(-5.0, 100), SimDuration::ZERO);
        assert_eq!(sim_delta(f64::NAN, 100), SimDuration::ZERO);
        assert_eq!(frame_target(SimTime::from_secs(1), 100.0, 20), SimTime::from_millis(1_200));
    }

    #[test]
    fn speeds_span_a_tenth_to_a_thousand_times_real_time() {
        assert_eq!(SPEEDS_TENTHS.first().map(|&s| speed_label(s)).as_deref(), Some("0.1×"));
        assert_eq!(SPEEDS_TENTHS.last().map(|&s| speed_label(s)).as_deref(), Some("1000×"));
        assert!(SPEEDS_TENTHS.windows(2).all(|w| w[0] < w[1]));
        assert!(SPEEDS_TENTHS.contains(&SPEED_DEFAULT_TENTHS));
    }
}
