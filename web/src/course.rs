//! The learner's progress through the course: which lessons the learner passed on their own, which they were
//! shown ("Show me"), which quiz questions were answered right, how many hints were opened, and the seed that
//! orders each question's choices for this learner. Kept in localStorage as JSON.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

const STORAGE_KEY: &str = "shardlab.progress.v1";

/// One lesson's progress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// Every check passed at least once with a pipeline the learner built (not the "Show me" solution), or,
    /// for a reading lesson, every quiz question answered right.
    pub passed: bool,
    /// "Show me" was used: the reference solution was applied (which never counts as passing).
    #[serde(default)]
    pub shown: bool,
    /// Quiz questions answered right.
    pub quiz_correct: BTreeSet<String>,
    /// Hints opened.
    pub hints_shown: u32,
}

/// Progress over the whole course.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// By lesson id.
    pub lessons: BTreeMap<String, LessonProgress>,
    /// This learner's seed for the order of quiz choices and practice exams (0 until one is drawn).
    #[serde(default)]
    pub seed: u64,
    /// Lessons passed as the lite page counts them in the stored text ([`passed_count_in`]) without reading the
    /// rest, for its top bar (0 in the full module, which reads everything).
    #[serde(skip)]
    passed_uncounted: usize,
}

impl Progress {
    /// The progress stored as `text`; damaged text starts over (and says so).
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("saved course progress was damaged and starts over ({e})"))
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A lesson's progress (empty if never opened).
    pub fn lesson(&self, id: &str) -> LessonProgress {
        self.lessons.get(id).cloned().unwrap_or_default()
    }

    /// Records a passing grade.
    pub fn pass(&mut self, id: &str) {
        self.lessons.entry(id.into()).or_default().passed = true;
    }

    /// Records a grade of the pipeline on the canvas: it counts as passed only if it passed and was not the
    /// "Show me" solution (`from_show_me`). Returns whether the lesson is now passed.
    pub fn record_grade(&mut self, id: &str, passed: bool, from_show_me: bool) -> bool {
        if passed && !from_show_me {
            self.pass(id);
        }
        self.lesson(id).passed
    }

    /// Records that "Show me" applied the reference solution.
    pub fn show_me(&mut self, id: &str) {
        self.lessons.entry(id.into()).or_default().shown = true;
    }

    /// Records a right answer; a reading lesson (`reading`) is passed once every one of `questions` is right.
    /// Returns whether the lesson is now passed.
    pub fn answer_right_in(&mut self, id: &str, question: &str, questions: &[String], reading: bool) -> bool {
        self.answer_right(id, question);
        let entry = self.lessons.entry(id.into()).or_default();
        if reading && !questions.is_empty() && questions.iter().all(|q| entry.quiz_correct.contains(q)) {
            entry.passed = true;
        }
        entry.passed
    }

    /// Lessons shown by "Show me" and not (yet) passed on the learner's own.
    pub fn shown_count(&self) -> usize {
        self.lessons.values().filter(|l| l.shown && !l.passed).count()
    }

    /// Hints opened over the whole course.
    pub fn hints_used(&self) -> u32 {
        self.lessons.values().map(|l| l.hints_shown).sum()
    }

    /// One line of progress: passed, shown, hints.
    pub fn summary(&self, lesson_count: usize) -> String {
        let hints = self.hints_used();
        format!(
            "{} of {lesson_count} lessons passed · {} shown by \"Show me\" (not counted) · {hints} {} used",
            self.passed_count(),
            self.shown_count(),
            if hints == 1 { "hint" } else { "hints" }
        )
    }

    /// Draws this learner's seed with `fresh` if there is none yet (0 means none).
    pub fn ensure_seed(&mut self, fresh: impl FnOnce() -> u64) {
        if self.seed == 0 {
            self.seed = fresh().max(1);
        }
    }

    /// The order in which this learner sees the choices of `lesson`'s question `question` (indices into its
    /// choices as the lesson file lists them).
    pub fn choice_order(&self, lesson: &str, question: &str, count: usize) -> Vec<u32> {
        shardlab_lessons::quiz::choice_order(self.seed, lesson, question, count)
    }

    /// Records a right answer.
    pub fn answer_right(&mut self, id: &str, question: &str) {
        self.lessons.entry(id.into()).or_default().quiz_correct.insert(question.into());
    }

    /// Opens one more hint, up to `hints`; returns how many are open.
    pub fn show_hint(&mut self, id: &str, hints: u32) -> u32 {
        let entry = self.lessons.entry(id.into()).or_default();
        entry.hints_shown = (entry.hints_shown + 1).min(hints);
        entry.hints_shown
    }

    /// Lessons passed.
    pub fn passed_count(&self) -> usize {
        self.lessons.values().filter(|l| l.passed).count() + self.passed_uncounted
    }

    /// The lite page's progress: only how many lessons were passed, counted in the stored JSON without reading
    /// it (the course, and so the rest of the progress, is the full module's).
    pub fn load_passed_count() -> Self {
        let text = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        Self { passed_uncounted: text.as_deref().map_or(0, passed_count_in), ..Self::default() }
    }

    /// The progress kept in this browser (empty when there is none or storage is off), with a seed drawn
    /// for this learner if it had none.
    pub fn load() -> (Self, Option<String>) {
        let text = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        let (mut progress, problem) = match text.map(|t| Self::from_json(&t)) {
            Some(Ok(progress)) => (progress, None),
            Some(Err(why)) => (Self::default(), Some(why)),
            None => (Self::default(), None),
        };
        // The page may use randomness (the engine may not): 53 random bits from the browser.
        progress.ensure_seed(|| (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64);
        (progress, problem)
    }

    /// Keeps the progress in this browser.
    pub fn store(&self) -> Result<(), String> {
        let storage = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .ok_or_else(|| crate::storage::STORAGE_DISABLED.to_string())?;
        storage
            .set_item(STORAGE_KEY, &self.to_json())
            .map_err(|_| "The browser's storage for this page is full, so progress was not saved.".to_string())
    }
}

/// How many lessons the stored progress (`Progress::to_json`'s compact JSON) marks passed: each is one
/// `"passed":true`, and that text cannot occur inside a JSON string, where its quotes would be escaped.
pub fn passed_count_in(stored: &str) -> usize {
    stored.matches("\"passed\":true").count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_accumulates_and_round_trips() {
        let mut p = Progress::default();
        p.pass("shards-and-write-limits");
        p.answer_right("shards-and-write-limits", "write-limit");
        assert_eq!(p.show_hint("hot-keys", 3), 1);
        assert_eq!(p.show_hint("hot-keys", 3), 2);
        assert_eq!(p.show_hint("hot-keys", 2), 2, "never more hints than the lesson has");
        assert_eq!(p.passed_count(), 1);
        assert!(p.lesson("shards-and-write-limits").quiz_correct.contains("write-limit"));
        assert_eq!(Progress::from_json(&p.to_json()), Ok(p));
        assert!(Progress::from_json("[1,2]").expect_err("damaged").contains("starts over"));
        assert_eq!(Progress::default().lesson("nope"), LessonProgress::default());
    }

    #[test]
    fn show_me_marks_a_lesson_shown_and_its_passing_grade_does_not_count() {
        let mut p = Progress::default();
        p.show_me("hot-keys");
        assert!(!p.record_grade("hot-keys", true, true), "the reference solution passing is not the learner's pass");
        assert!(!p.lesson("hot-keys").passed && p.lesson("hot-keys").shown);
        assert_eq!((p.passed_count(), p.shown_count()), (0, 1));
        // A failing grade never passes; the learner's own passing pipeline does, and the lesson stays marked shown.
        assert!(!p.record_grade("hot-keys", false, false));
        assert!(p.record_grade("hot-keys", true, false));
        assert!(p.lesson("hot-keys").passed && p.lesson("hot-keys").shown);
        assert_eq!((p.passed_count(), p.shown_count()), (1, 0), "shown and then passed counts as passed");
    }

    #[test]
    fn a_reading_lesson_passes_when_every_question_is_right() {
        let questions: Vec<String> = ["a", "b", "c"].iter().map(|q| (*q).to_string()).collect();
        let mut p = Progress::default();
        assert!(!p.answer_right_in("encryption", "a", &questions, true));
        assert!(!p.answer_right_in("encryption", "b", &questions, true));
        assert!(!p.answer_right_in("encryption", "b", &questions, true), "the same question twice is one answer");
        assert!(p.answer_right_in("encryption", "c", &questions, true));
        // A graded lesson is never passed by its quiz.
        for q in &questions {
            assert!(!p.answer_right_in("hot-keys", q, &questions, false));
        }
    }

    #[test]
    fn the_summary_shows_passed_shown_and_hints() {
        let mut p = Progress::default();
        p.pass("what-is-a-stream");
        p.show_me("hot-keys");
        p.show_hint("hot-keys", 3);
        p.show_hint("firehose", 3);
        p.show_hint("firehose", 3);
        assert_eq!(p.summary(29), "1 of 29 lessons passed · 1 shown by \"Show me\" (not counted) · 3 hints used");
    }

    #[test]
    fn the_lite_page_counts_passed_lessons_in_the_stored_text() {
        let mut p = Progress::default();
        p.pass("hot-keys");
        p.pass("what-is-a-stream");
        p.show_me("firehose");
        // A quiz question id that spells the marker is escaped inside its string, so it is not counted.
        p.answer_right("firehose", "\"passed\":true");
        assert_eq!(passed_count_in(&p.to_json()), 2);
        assert_eq!(passed_count_in("{\"lessons\":{}}"), 0);
    }

    #[test]
    fn older_progress_without_seed_or_shown_still_loads() {
        let old = r#"{"lessons":{"hot-keys":{"passed":true,"quiz_correct":["x"],"hints_shown":2}}}"#;
        let p = Progress::from_json(old).expect("the first format still reads");
        assert_eq!(p.seed, 0);
        assert!(p.lesson("hot-keys").passed && !p.lesson("hot-keys").shown);
    }

    #[test]
    fn the_seed_is_drawn_once_and_orders_choices_the_same_every_time() {
        let mut p = Progress::default();
        p.ensure_seed(|| 0);
        assert_eq!(p.seed, 1, "0 means none, so a drawn 0 becomes 1");
        p.ensure_seed(|| 99);
        assert_eq!(p.seed, 1, "a seed is drawn once");
        let order = p.choice_order("hot-keys", "more-shards", 4);
        let reloaded = Progress::from_json(&p.to_json()).expect("round trip");
        assert_eq!(reloaded.choice_order("hot-keys", "more-shards", 4), order);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, [0, 1, 2, 3]);
    }
}
