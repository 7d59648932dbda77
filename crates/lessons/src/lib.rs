//! Shardlab lessons: a self-paced course as data, graded by running the learner's own pipeline.
//!
//! Each lesson is one JSON file in `content/` (see [`Lesson`]). An author adds a lesson by adding a file:
//! the build lists every file in [`LESSON_FILE_NAMES`] and, with the `embedded` feature (on by default),
//! embeds their text in `LESSON_FILES`. The web page turns it off and fetches the files when the course
//! opens ([`course`] puts fetched lessons in order), so lesson text is not in its first download.
//!
//! # Using it
//!
//! 1. [`lessons`] lists the course in order; [`lesson`] finds one by id.
//! 2. [`start_scenario`] is what the playground opens; [`reference_scenario`] is the "show me" solution.
//! 3. [`grade`] checks the learner's scenario: structural checks read the pipeline, `metric` checks run it
//!    with the lesson's seed for the lesson's run length (at most [`RUN_S_MAX`] simulated seconds).
//!    [`Grading`] does the same a slice at a time, so a page can draw between slices.
//! 4. [`check_quiz`] answers a quiz question.
//!
//! # Errors
//!
//! Nothing here panics on input: a scenario that cannot run fails its run-based checks with the reason,
//! and a grading run that would need too much work is refused the same way.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(test)]
extern crate std;

mod build;
mod check;
mod format;
pub mod quiz;
mod run;
mod sketch;

pub use check::{Check, CheckResult, Metric};
pub use format::{Edit, Lesson, NodeSpec, Question, ScenarioSpec, ScheduledSpec};
pub use run::{RECORDS_PER_RUN_MAX, RUN_S_MAX, TIMERS_PER_RUN_MAX, TIMERS_PER_SEC_MAX};
pub use sketch::{SKETCH_POINTS, Sketch};

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use shardlab_scenario::Scenario;

include!(concat!(env!("OUT_DIR"), "/lesson_files.rs"));

/// Parses one lesson file, saying what is wrong.
pub fn parse_lesson(text: &str) -> Result<Lesson, String> {
    serde_json::from_str(text).map_err(|err| format!("{err}"))
}

/// The course from lesson files' texts: every lesson in course order, or the first file that does not
/// parse, named.
pub fn course<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Vec<Lesson>, String> {
    let mut all = Vec::new();
    for (name, text) in files {
        all.push(parse_lesson(text).map_err(|err| format!("lesson file {name}: {err}"))?);
    }
    all.sort_by_key(|l| l.order);
    Ok(all)
}

/// Every lesson, in course order. A file that does not parse is left out (the tests forbid that).
#[cfg(feature = "embedded")]
pub fn lessons() -> Vec<Lesson> {
    let mut all: Vec<Lesson> = LESSON_FILES.iter().filter_map(|(_, text)| parse_lesson(text).ok()).collect();
    all.sort_by_key(|l| l.order);
    all
}

/// The lesson with this id.
#[cfg(feature = "embedded")]
pub fn lesson(id: &str) -> Option<Lesson> {
    LESSON_FILES.iter().filter_map(|(_, text)| parse_lesson(text).ok()).find(|l| l.id == id)
}

/// The scenario the lesson opens with, named after the lesson and seeded with its seed.
pub fn start_scenario(lesson: &Lesson) -> Result<Scenario, String> {
    let mut scenario = Scenario::empty();
    scenario.seed = lesson.seed;
    build::apply(&mut scenario, &lesson.start)?;
    scenario.name.clone_from(&lesson.title);
    scenario.description.clone_from(&lesson.task);
    Ok(scenario)
}

/// The reference solution: the starting scenario with the lesson's reference changes.
pub fn reference_scenario(lesson: &Lesson) -> Result<Scenario, String> {
    let mut scenario = start_scenario(lesson)?;
    let mut changes = lesson.reference.clone();
    // A preset would replace the start; the reference is always changes on top of it.
    changes.preset = None;
    build::apply(&mut scenario, &changes)?;
    Ok(scenario)
}

/// Whether `scenario` is the lesson's reference solution: the same nodes (ids, kinds and parameters; names
/// aside), connections and scheduled events. A page uses it to count a solution that arrived by a shared link as
/// shown by "Show me", not as the learner's own.
pub fn is_reference(lesson: &Lesson, scenario: &Scenario) -> bool {
    let Ok(reference) = reference_scenario(lesson) else { return false };
    let nodes = |s: &Scenario| s.pipeline.nodes.iter().map(|n| (n.id, n.kind.clone())).collect::<Vec<_>>();
    nodes(scenario) == nodes(&reference)
        && scenario.pipeline.edges == reference.pipeline.edges
        && scenario.scheduled == reference.scheduled
}

/// How a learner's scenario did against a lesson's checks.
#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    /// One result per check, in the lesson's order.
    pub checks: Vec<CheckResult>,
    /// Whether every check passed.
    pub passed: bool,
}

/// Grades `scenario` against `lesson` in one call: structural checks on the pipeline, then, if any check
/// needs it, one run with the lesson's seed (overriding the scenario's) for the lesson's run length.
/// [`Grading`] does the same in slices, for a page that must keep drawing.
pub fn grade(lesson: &Lesson, scenario: &Scenario) -> Grade {
    let mut grading = Grading::new(lesson, scenario);
    loop {
        if let Some(grade) = grading.step(RUN_S_MAX) {
            return grade.clone();
        }
    }
}

/// A grade in progress: [`Grading::step`] simulates a slice of the run and returns the grade once done.
#[derive(Debug)]
pub struct Grading {
    checks: Vec<Check>,
    scenario: Scenario,
    state: State,
}

#[derive(Debug)]
enum State {
    Running(alloc::boxed::Box<run::Runner>),
    Done(Grade),
}

impl Grading {
    /// Starts grading `scenario` against `lesson`; nothing is simulated until [`Self::step`].
    pub fn new(lesson: &Lesson, scenario: &Scenario) -> Self {
        let mut windows: Vec<u32> = lesson
            .checks
            .iter()
            .filter_map(|c| match c {
                Check::Metric { last_s, .. } => *last_s,
                _ => None,
            })
            .collect();
        windows.sort_unstable();
        windows.dedup();
        let checks = lesson.checks.clone();
        let runner = if checks.iter().any(Check::runs) {
            let mut seeded = scenario.clone();
            seeded.seed = lesson.seed;
            Some(
                seeded
                    .to_sim_config()
                    .map_err(|problems| {
                        problems.first().map(|p| format!("{p}")).unwrap_or_else(|| String::from("it is not valid"))
                    })
                    .and_then(|(config, _)| run::Runner::new(config, lesson.run_s, &windows)),
            )
        } else {
            None
        };
        let state = match runner {
            Some(Ok(runner)) => State::Running(alloc::boxed::Box::new(runner)),
            Some(Err(why)) => State::Done(finish(&checks, scenario, Err(&why))),
            None => State::Done(finish(&checks, scenario, Ok(None))),
        };
        Self { checks, scenario: scenario.clone(), state }
    }

    /// Simulates up to `seconds_max` more simulated seconds (at least one) and returns the grade once the
    /// run is complete; later calls return it again.
    pub fn step(&mut self, seconds_max: u32) -> Option<&Grade> {
        if let State::Running(runner) = &mut self.state {
            let grade = match runner.step(seconds_max) {
                Ok(false) => None,
                Ok(true) => Some(finish(&self.checks, &self.scenario, Ok(Some(&runner.measured())))),
                Err(why) => Some(finish(&self.checks, &self.scenario, Err(&why))),
            };
            if let Some(grade) = grade {
                self.state = State::Done(grade);
            }
        }
        match &self.state {
            State::Done(grade) => Some(grade),
            State::Running(_) => None,
        }
    }

    /// How much of the run is done, in percent (100 once graded).
    pub fn progress_percent(&self) -> u32 {
        match &self.state {
            State::Running(runner) => runner.progress_percent(),
            State::Done(_) => 100,
        }
    }
}

/// Every check's result, given what the run measured (nothing if no check runs) or why it could not run.
fn finish(checks: &[Check], scenario: &Scenario, measured: Result<Option<&run::Measured>, &str>) -> Grade {
    let checks: Vec<CheckResult> = checks
        .iter()
        .map(|check| match (&measured, check.runs()) {
            (Err(why), true) => check::failed(check.label(), why),
            (Ok(m), _) => check.grade(scenario, *m),
            (Err(_), false) => check.grade(scenario, None),
        })
        .collect();
    let passed = !checks.is_empty() && checks.iter().all(|c| c.passed);
    Grade { checks, passed }
}

/// The answer to one quiz question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuizResult {
    /// Whether the choice was right.
    pub correct: bool,
    /// The right choice's index, if the question exists.
    pub answer: Option<u32>,
    /// Why the right choice is right, or why nothing could be checked.
    pub explanation: String,
    /// Why the picked choice is right or wrong (empty if the lesson does not say).
    pub why: String,
}

/// Checks `choice` (an index into the question's choices) for the question with id `question`.
pub fn check_quiz(lesson: &Lesson, question: &str, choice: u32) -> QuizResult {
    match lesson.quiz.iter().find(|q| q.id == question) {
        None => QuizResult {
            correct: false,
            answer: None,
            explanation: format!("this lesson has no question '{question}'"),
            why: String::new(),
        },
        Some(q) => QuizResult {
            correct: q.answer == choice,
            answer: Some(q.answer),
            explanation: q.explanation.clone(),
            why: q.why.get(choice as usize).cloned().unwrap_or_default(),
        },
    }
}

#[cfg(test)]
mod tests;
