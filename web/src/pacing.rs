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

/// The display's frame interval the budgets below aim at (60 Hz), in wall-clock ms.
pub const FRAME_INTERVAL_MS: f64 = 1_000.0 / 60.0;

/// A playing frame that rebuilds the views simulates for this long: with 100 shards on the page the rebuild and
/// its drawing take about 9 to 12 ms of the frame, and the views rebuild four times a second at 100×, so a
/// rebuild frame that overruns its interval alone puts the p95 frame time over 16.7 ms (README's frame
/// benchmark, issue 20; at 4.5 ms 5.6 to 6.9 % of frames took over 17 ms, at 2.5 ms 3.2 to 3.8 %).
pub const REBUILD_FRAME_BUDGET_MS: f64 = 2.5;

/// The least and the most a playing frame that only redraws the clock simulates for (its budget adapts between).
pub const LIGHT_FRAME_BUDGET_MIN_MS: f64 = 4.5;
/// See [`LIGHT_FRAME_BUDGET_MIN_MS`]: leaves about 6.7 ms of the frame to drawing the clock and painting.
pub const LIGHT_FRAME_BUDGET_MAX_MS: f64 = 10.0;

/// How much a light frame's budget grows after a light frame that kept to its display interval, while few
/// light frames miss theirs ([`LIGHT_FRAME_MISS_RATE_MAX`]): 4.5 to 10 ms takes 275 light frames, about 5 s.
pub const LIGHT_FRAME_GROW_MS: f64 = 0.02;

/// The budget grows only while fewer light frames than this share miss their display interval (a moving
/// average over about the last 64): on a busy machine, where frames miss whatever the page does, it stays low.
pub const LIGHT_FRAME_MISS_RATE_MAX: f64 = 0.01;

/// The weight of each light frame in the moving average of misses.
const MISS_RATE_WEIGHT: f64 = 1.0 / 64.0;

/// What a light frame's budget is multiplied by after a light frame that missed its display interval.
pub const LIGHT_FRAME_SHRINK: f64 = 0.85;

/// A playing frame stops simulating this long before its display interval ends (counted from the animation
/// frame's timestamp), whatever its budget: a frame that starts late (the machine is busy) simulates less.
pub const PLAY_RESERVE_MS: f64 = 4.5;

/// A frame interval longer than this many display intervals means the frame before it missed its turn.
pub const FRAME_MISSED_INTERVALS: f64 = 1.5;

/// Run to: what a frame leaves after simulating, to draw the clock and the progress bar and to answer Stop.
pub const RUN_TO_RESERVE_MS: f64 = 3.0;

/// Run to: a frame that starts late (the machine is busy) still simulates this long.
pub const RUN_TO_BUDGET_MIN_MS: f64 = 4.5;

/// When the frame began: the animation frame's timestamp, or `now_ms` if it has none or lies ahead.
fn frame_start(frame_start_ms: f64, now_ms: f64) -> f64 {
    if frame_start_ms.is_finite() { frame_start_ms.min(now_ms) } else { now_ms }
}

/// When a run-to frame stops simulating: at the end of its display interval less [`RUN_TO_RESERVE_MS`],
/// counted from the frame's start (`frame_start_ms`, the animation frame's timestamp), and at least
/// [`RUN_TO_BUDGET_MIN_MS`] after `now_ms`.
pub fn run_to_deadline_ms(frame_start_ms: f64, now_ms: f64) -> f64 {
    let start_ms = frame_start(frame_start_ms, now_ms);
    (start_ms + FRAME_INTERVAL_MS - RUN_TO_RESERVE_MS).max(now_ms + RUN_TO_BUDGET_MIN_MS)
}

/// When a playing frame with `budget_ms` (from [`PlayBudget`]) stops simulating: `budget_ms` after `now_ms`,
/// or [`PLAY_RESERVE_MS`] before its display interval ends if that is sooner. At least one chunk of work runs
/// whatever the deadline (`Runner::advance_by_until`).
pub fn play_deadline_ms(frame_start_ms: f64, now_ms: f64, budget_ms: f64) -> f64 {
    let start_ms = frame_start(frame_start_ms, now_ms);
    (now_ms + budget_ms).min(start_ms + FRAME_INTERVAL_MS - PLAY_RESERVE_MS)
}

/// A playing frame's simulation budget. Frames that rebuild the views (a few a second) keep the fixed
/// [`REBUILD_FRAME_BUDGET_MS`]; the others only redraw the clock, so their budget grows while they keep to the
/// display interval (and few missed it lately) and shrinks when one does not: the simulation gets what drawing
/// leaves of the frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlayBudget {
    light_ms: f64,
    last_was_light: bool,
    miss_rate: f64,
}

impl Default for PlayBudget {
    fn default() -> Self {
        Self { light_ms: LIGHT_FRAME_BUDGET_MIN_MS, last_was_light: false, miss_rate: 0.0 }
    }
}

impl PlayBudget {
    /// The budget (wall-clock ms) of a frame that came `wall_ms` after the previous one and rebuilds the views
    /// (`rebuilds`) or not. The interval judges the previous frame.
    pub fn next(&mut self, wall_ms: f64, rebuilds: bool) -> f64 {
        if self.last_was_light && wall_ms.is_finite() && wall_ms > 0.0 {
            let missed = wall_ms > FRAME_MISSED_INTERVALS * FRAME_INTERVAL_MS;
            self.miss_rate += (f64::from(u8::from(missed)) - self.miss_rate) * MISS_RATE_WEIGHT;
            if missed {
                self.light_ms *= LIGHT_FRAME_SHRINK;
            } else if self.miss_rate < LIGHT_FRAME_MISS_RATE_MAX {
                self.light_ms += LIGHT_FRAME_GROW_MS;
            }
            self.light_ms = self.light_ms.clamp(LIGHT_FRAME_BUDGET_MIN_MS, LIGHT_FRAME_BUDGET_MAX_MS);
        }
        self.last_was_light = !rebuilds;
        if rebuilds { REBUILD_FRAME_BUDGET_MS } else { self.light_ms }
    }

    /// A light frame's budget now.
    pub fn light_ms(&self) -> f64 {
        self.light_ms
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
    fn a_run_to_frame_simulates_until_its_display_interval_less_the_reserve() {
        // 1000/60 - 3 = 13.67 ms after the frame's start.
        assert!((run_to_deadline_ms(100.0, 101.0) - 113.666_666).abs() < 1e-3);
        // A frame that starts 10 ms late still simulates 4.5 ms; a timestamp from the future counts from now.
        assert_eq!(run_to_deadline_ms(100.0, 110.0), 114.5);
        assert!((run_to_deadline_ms(500.0, 200.0) - 213.666_666).abs() < 1e-3);
        assert_eq!(run_to_deadline_ms(f64::NAN, 50.0), run_to_deadline_ms(50.0, 50.0));
    }

    #[test]
    fn a_playing_frame_keeps_its_budget_unless_that_runs_into_the_end_of_its_display_interval() {
        // On time: the budget. 1000/60 - 4.5 = 12.17 ms after the frame's start is later than 100 + 1 + 4.5.
        assert_eq!(play_deadline_ms(100.0, 101.0, 4.5), 105.5);
        assert!((play_deadline_ms(100.0, 101.0, 12.0) - 112.166_666).abs() < 1e-3);
        // Started 10 ms late: 2.17 ms, whatever the budget; 20 ms late, the deadline has passed (one chunk runs).
        assert!((play_deadline_ms(100.0, 110.0, 12.0) - 112.166_666).abs() < 1e-3);
        assert!(play_deadline_ms(100.0, 120.0, 4.5) < 120.0);
        assert_eq!(play_deadline_ms(f64::NAN, 50.0, 4.5), 54.5);
    }

    #[test]
    fn a_light_frame_budget_grows_while_frames_keep_time_and_shrinks_when_one_misses() {
        let mut budget = PlayBudget::default();
        // Frames that rebuild the views keep the fixed budget and are not judged by the interval after them.
        assert_eq!(budget.next(0.0, true), 2.5);
        assert_eq!(budget.next(50.0, false), 4.5, "the miss after a rebuild frame changes nothing");
        // Each light frame on time adds 0.02 ms: 150 of them add 3 ms.
        for _ in 0..150 {
            budget.next(16.7, false);
        }
        assert!((budget.light_ms() - 7.5).abs() < 1e-9, "{}", budget.light_ms());
        // A light frame that took two display intervals costs 15 % of the budget.
        assert!((budget.next(33.4, false) - 7.5 * 0.85).abs() < 1e-9);
        // One miss in the moving average (1/64, over 1 %): the next 28 light frames on time keep the budget, as
        // 1/64 × (63/64)^n stays at 1 % or more up to n = 28; the 29th grows it again.
        for _ in 0..28 {
            budget.next(16.7, false);
        }
        assert!((budget.light_ms() - 7.5 * 0.85).abs() < 1e-9, "{}", budget.light_ms());
        budget.next(16.7, false);
        assert!((budget.light_ms() - (7.5 * 0.85 + 0.02)).abs() < 1e-9, "{}", budget.light_ms());
        // Never below 4.5 ms, never above 10 ms.
        for _ in 0..20 {
            budget.next(33.4, false);
        }
        assert_eq!(budget.light_ms(), 4.5);
        for _ in 0..2_000 {
            budget.next(16.7, false);
        }
        assert_eq!(budget.light_ms(), 10.0);
        // A rebuild frame among light ones: 2.5, and the light budget is kept for the next light frame.
        assert_eq!(budget.next(16.7, true), 2.5);
        assert_eq!(budget.next(40.0, false), 10.0, "the rebuild frame's miss is not the light budget's");
        assert_eq!(budget.next(f64::NAN, false), 10.0, "nonsense intervals are ignored");
        assert!((budget.next(40.0, false) - 8.5).abs() < 1e-9);
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
