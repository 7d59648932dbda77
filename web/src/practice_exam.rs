//! The practice exam: 20 questions drawn from the whole course for a seed, answered in any order, optionally
//! against a clock, then scored with a review of every question (what was picked, what was right, and why).
//! Plain data, tested natively; `components::PracticeExamPanel` draws it.

use shardlab_engine::rng::Rng;
use shardlab_lessons::{Lesson, Question};

/// Questions in one exam (fewer if the course has fewer).
pub const EXAM_QUESTIONS: usize = 20;

/// The optional time limit: 90 s a question, as certification exams allow about that.
pub const SECONDS_PER_QUESTION: u64 = 90;

/// Salt of the exam's draw, so it differs from the choice orders drawn from the same learner seed.
const EXAM_SALT: u64 = 0x4558_414d_0000_0000; // "EXAM"

/// One drawn question with the order its choices are shown in.
#[derive(Clone, Debug, PartialEq)]
pub struct ExamQuestion {
    /// The lesson it comes from.
    pub lesson_id: String,
    /// That lesson's title, for the review.
    pub lesson_title: String,
    /// The question as the lesson has it.
    pub question: Question,
    /// Indices into the question's choices, in the order shown.
    pub order: Vec<u32>,
}

/// One question of the review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewItem {
    /// The question.
    pub prompt: String,
    /// The lesson to go back to.
    pub lesson_title: String,
    /// The picked choice, if any.
    pub picked: Option<String>,
    /// Why the picked choice is right or wrong.
    pub picked_why: String,
    /// The right choice.
    pub right: String,
    /// Whether the pick was right.
    pub correct: bool,
    /// The question's explanation.
    pub explanation: String,
}

/// An exam in progress or finished.
#[derive(Clone, Debug, PartialEq)]
pub struct Exam {
    /// The drawn questions.
    pub questions: Vec<ExamQuestion>,
    /// Per question: the picked choice (an index into the question's choices as the lesson lists them).
    answers: Vec<Option<u32>>,
    /// When it started, in the page's milliseconds, and how long it may take, if timed.
    started_ms: u64,
    limit_ms: Option<u64>,
    finished: bool,
}

impl Exam {
    /// Draws up to [`EXAM_QUESTIONS`] questions from `lessons` for `seed`: the same seed and course always give
    /// the same questions in the same order, with choices shuffled as the learner sees them in lessons.
    pub fn draw(seed: u64, lessons: &[Lesson], timed: bool, now_ms: u64) -> Self {
        let mut pool: Vec<(&Lesson, &Question)> =
            lessons.iter().flat_map(|l| l.quiz.iter().filter(|q| q.choices.len() >= 2).map(move |q| (l, q))).collect();
        let mut rng = Rng::derive(seed, EXAM_SALT);
        // Partial Fisher-Yates: the first `count` places are a uniform draw without repeats.
        let count = pool.len().min(EXAM_QUESTIONS);
        for i in 0..count {
            let j = i + rng.below((pool.len() - i) as u64) as usize;
            pool.swap(i, j);
        }
        let questions: Vec<ExamQuestion> = pool[..count]
            .iter()
            .map(|(l, q)| ExamQuestion {
                lesson_id: l.id.clone(),
                lesson_title: l.title.clone(),
                question: (*q).clone(),
                order: shardlab_lessons::quiz::choice_order(seed, &l.id, &q.id, q.choices.len()),
            })
            .collect();
        let limit_ms = timed.then(|| questions.len() as u64 * SECONDS_PER_QUESTION * 1_000);
        Self { answers: vec![None; questions.len()], questions, started_ms: now_ms, limit_ms, finished: false }
    }

    /// Picks `choice` (an index into the question's choices) for question `index`; refused (false) once the
    /// exam is over or for an index or choice that does not exist.
    pub fn answer(&mut self, index: usize, choice: u32, now_ms: u64) -> bool {
        if self.is_over(now_ms) {
            return false;
        }
        let valid = self.questions.get(index).is_some_and(|q| (choice as usize) < q.question.choices.len());
        if valid {
            self.answers[index] = Some(choice);
        }
        valid
    }

    /// The picked choice of question `index`.
    pub fn answer_of(&self, index: usize) -> Option<u32> {
        self.answers.get(index).copied().flatten()
    }

    /// How many questions have an answer.
    pub fn answered(&self) -> usize {
        self.answers.iter().filter(|a| a.is_some()).count()
    }

    /// Ends the exam (the learner's "Finish").
    pub fn finish(&mut self) {
        self.finished = true;
    }

    /// Milliseconds left on the clock, if timed.
    pub fn remaining_ms(&self, now_ms: u64) -> Option<u64> {
        self.limit_ms.map(|limit| limit.saturating_sub(now_ms.saturating_sub(self.started_ms)))
    }

    /// Whether answers are closed: finished, or out of time.
    pub fn is_over(&self, now_ms: u64) -> bool {
        self.finished || self.remaining_ms(now_ms) == Some(0)
    }

    /// Right answers and questions.
    pub fn score(&self) -> (usize, usize) {
        let right = self.questions.iter().zip(&self.answers).filter(|(q, a)| **a == Some(q.question.answer)).count();
        (right, self.questions.len())
    }

    /// Every question with the pick, the right choice and the reasons.
    pub fn review(&self) -> Vec<ReviewItem> {
        self.questions
            .iter()
            .zip(&self.answers)
            .map(|(q, a)| {
                let text = |i: u32| q.question.choices.get(i as usize).cloned().unwrap_or_default();
                ReviewItem {
                    prompt: q.question.prompt.clone(),
                    lesson_title: q.lesson_title.clone(),
                    picked: a.map(text),
                    picked_why: a.and_then(|i| q.question.why.get(i as usize).cloned()).unwrap_or_default(),
                    right: text(q.question.answer),
                    correct: *a == Some(q.question.answer),
                    explanation: q.question.explanation.clone(),
                }
            })
            .collect()
    }
}

/// Minutes and seconds, for the clock ("29:58").
pub fn clock(ms: u64) -> String {
    let s = ms.div_ceil(1_000);
    format!("{}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Vec<Lesson> {
        shardlab_lessons::lessons()
    }

    #[test]
    fn an_exam_draws_20_distinct_questions_the_same_for_the_same_seed() {
        let lessons = course();
        let a = Exam::draw(42, &lessons, false, 0);
        assert_eq!(a.questions.len(), EXAM_QUESTIONS);
        for (i, q) in a.questions.iter().enumerate() {
            let same = |o: &ExamQuestion| o.lesson_id == q.lesson_id && o.question.id == q.question.id;
            assert!(!a.questions[..i].iter().any(same), "{}/{} drawn twice", q.lesson_id, q.question.id);
            let mut order = q.order.clone();
            order.sort_unstable();
            assert_eq!(order, (0..q.question.choices.len() as u32).collect::<Vec<_>>());
        }
        assert_eq!(Exam::draw(42, &lessons, false, 0), a);
        assert_ne!(Exam::draw(43, &lessons, false, 0).questions, a.questions);
        // Over a few seeds the questions come from many lessons, not a few.
        let mut lesson_ids: Vec<String> =
            (0..5).flat_map(|s| Exam::draw(s, &lessons, false, 0).questions).map(|q| q.lesson_id).collect();
        lesson_ids.sort();
        lesson_ids.dedup();
        assert!(lesson_ids.len() >= 20, "{} lessons", lesson_ids.len());
    }

    #[test]
    fn scoring_counts_right_picks_and_the_review_explains_each() {
        let mut exam = Exam::draw(7, &course(), false, 0);
        let right = exam.questions[0].question.answer;
        let wrong = (exam.questions[1].question.answer + 1) % 4;
        assert!(exam.answer(0, right, 1_000));
        assert!(exam.answer(1, wrong, 2_000));
        assert!(!exam.answer(2, 9, 3_000), "no choice 9");
        assert!(!exam.answer(99, 0, 3_000), "no question 99");
        assert_eq!(exam.answered(), 2);
        exam.finish();
        assert!(!exam.answer(2, 0, 4_000), "a finished exam takes no answers");
        assert_eq!(exam.score(), (1, EXAM_QUESTIONS));
        let review = exam.review();
        assert!(review[0].correct && review[0].picked.as_deref() == Some(review[0].right.as_str()));
        assert!(!review[1].correct && review[1].picked.is_some() && !review[1].picked_why.is_empty());
        assert_eq!(review[1].picked_why, exam.questions[1].question.why[wrong as usize]);
        assert!(review[2].picked.is_none() && !review[2].correct);
        assert!(review.iter().all(|r| !r.right.is_empty() && !r.explanation.is_empty()));
    }

    #[test]
    fn a_timed_exam_closes_when_its_time_is_up() {
        let mut exam = Exam::draw(1, &course(), true, 10_000);
        // 20 questions × 90 s = 30 minutes.
        assert_eq!(exam.remaining_ms(10_000), Some(1_800_000));
        assert_eq!(exam.remaining_ms(70_000), Some(1_740_000));
        assert!(exam.answer(0, 0, 1_809_999));
        assert!(exam.is_over(1_810_000));
        assert!(!exam.answer(1, 0, 1_810_000));
        assert_eq!(exam.remaining_ms(5_000_000), Some(0));
        let untimed = Exam::draw(1, &course(), false, 0);
        assert_eq!(untimed.remaining_ms(u64::MAX), None);
        assert!(!untimed.is_over(u64::MAX));
    }

    #[test]
    fn the_clock_shows_minutes_and_seconds() {
        assert_eq!(clock(1_800_000), "30:00");
        assert_eq!(clock(61_001), "1:02");
        assert_eq!(clock(0), "0:00");
    }
}
