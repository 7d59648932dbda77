//! The learner's progress through the course: which lessons passed their checks, which quiz questions
//! were answered right, how many hints were opened. Kept in localStorage as JSON.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

const STORAGE_KEY: &str = "shardlab.progress.v1";

/// One lesson's progress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// Every check passed at least once.
    pub passed: bool,
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
        self.lessons.values().filter(|l| l.passed).count()
    }

    /// The progress kept in this browser (empty when there is none or storage is off).
    pub fn load() -> (Self, Option<String>) {
        let text = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        match text.map(|t| Self::from_json(&t)) {
            Some(Ok(progress)) => (progress, None),
            Some(Err(why)) => (Self::default(), Some(why)),
            None => (Self::default(), None),
        }
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
}
