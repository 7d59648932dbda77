//! Quiz choices in a learner's own order: each question's choices are shuffled by a seed the learner keeps,
//! so the right answer is not always in the same place, yet stays put across reloads.

use alloc::vec::Vec;
use shardlab_engine::rng::Rng;

/// A stable 64-bit hash of a text (FNV-1a), to give every question its own shuffle.
pub fn text_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The order in which to show `count` choices of question `question_id` of lesson `lesson_id` to the learner
/// with `learner_seed`: a permutation of `0..count` (indices into the lesson's choices), the same every time
/// for the same inputs.
pub fn choice_order(learner_seed: u64, lesson_id: &str, question_id: &str, count: usize) -> Vec<u32> {
    let mut order: Vec<u32> = (0..count).map(|i| u32::try_from(i).unwrap_or(u32::MAX)).collect();
    let salt = text_hash(lesson_id) ^ text_hash(question_id).rotate_left(17);
    let mut rng = Rng::derive(learner_seed, salt);
    // Fisher-Yates, from the end.
    for i in (1..order.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    order
}
