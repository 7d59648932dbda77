//! The practice exam in the Course tab: start (timed or not), answer 20 questions drawn from the whole course
//! in this learner's choice order, finish, then read the score and a review of every question.

use crate::practice_exam::{Exam, clock};
use gloo_timers::callback::Interval;
use yew::prelude::*;

/// Props of [`PracticeExamPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct PracticeExamPanelProps {
    /// The learner's seed; each new exam uses it with a count, so exams differ yet replay the same.
    pub seed: u64,
}

fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// The panel.
#[component]
pub fn PracticeExamPanel(props: &PracticeExamPanelProps) -> Html {
    let exam = use_state(|| None::<Exam>);
    let attempts = use_state(|| 0_u64);
    let current = use_state(|| 0_usize);
    let tick = use_state(|| 0_u32);
    {
        // A timed exam redraws its clock each second, and closes itself when time is up.
        let (tick, timed) = (tick.clone(), exam.as_ref().is_some_and(|e| e.remaining_ms(0).is_some()));
        use_effect_with(timed, move |&timed| {
            let interval = timed.then(|| Interval::new(1_000, move || tick.set(tick.wrapping_add(1))));
            move || drop(interval)
        });
    }
    let start = |timed: bool| {
        let (exam, attempts, current, seed) = (exam.clone(), attempts.clone(), current.clone(), props.seed);
        Callback::from(move |_: MouseEvent| {
            let lessons = crate::course_content::lessons();
            exam.set(Some(Exam::draw(seed.wrapping_add(*attempts), &lessons, timed, now_ms())));
            attempts.set(*attempts + 1);
            current.set(0);
        })
    };
    let Some(e) = (*exam).clone() else {
        return html! {
            <section class="practice-exam" aria-label="Practice exam">
                <h3>{ "Practice exam" }</h3>
                <p>{ "20 questions drawn from the whole course, in the style of the certification exams. Answer in any order, then finish for your score and a review of every question." }</p>
                <button class="primary" onclick={start(false)}>{ "Start a practice exam" }</button>
                <button onclick={start(true)}>{ "Start timed (30 minutes)" }</button>
            </section>
        };
    };
    let now = now_ms();
    let close = {
        let exam = exam.clone();
        Callback::from(move |_: MouseEvent| exam.set(None))
    };
    if e.is_over(now) {
        let (right, total) = e.score();
        return html! {
            <section class="practice-exam" aria-label="Practice exam">
                <h3>{ "Practice exam: review" }</h3>
                <p class="exam-score" role="status" data-testid="exam-score">{ format!("Score: {right} of {total} ({} %)", right * 100 / total.max(1)) }</p>
                <ol class="exam-review">
                    { for e.review().into_iter().map(|r| html! {
                        <li class={if r.correct { "quiz-right" } else { "quiz-wrong" }}>
                            <p><strong>{ r.prompt }</strong>{ format!(" (lesson: {})", r.lesson_title) }</p>
                            <p>{ match &r.picked {
                                Some(p) => format!("{} You picked: {p}. {}", if r.correct { "✓" } else { "✖" }, r.picked_why),
                                None => String::from("✖ Not answered."),
                            } }</p>
                            if !r.correct { <p>{ format!("Right: {}", r.right) }</p> }
                            <p>{ r.explanation }</p>
                        </li>
                    }) }
                </ol>
                <button onclick={close}>{ "Close" }</button>
            </section>
        };
    }
    let index = (*current).min(e.questions.len().saturating_sub(1));
    let Some(q) = e.questions.get(index).cloned() else {
        return html! { <section class="practice-exam"><button onclick={close}>{ "Close" }</button></section> };
    };
    let go = |to: usize| {
        let current = current.clone();
        Callback::from(move |_: MouseEvent| current.set(to))
    };
    let finish = {
        let exam = exam.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(mut e) = (*exam).clone() {
                e.finish();
                exam.set(Some(e));
            }
        })
    };
    let picked = e.answer_of(index);
    html! {
        <section class="practice-exam" aria-label="Practice exam">
            <h3>{ format!("Practice exam: question {} of {}", index + 1, e.questions.len()) }</h3>
            <p class="exam-meta">
                { format!("{} answered", e.answered()) }
                if let Some(left) = e.remaining_ms(now) { { format!(" · {} left", clock(left)) } }
            </p>
            <fieldset class="question">
                <legend>{ q.question.prompt.clone() }</legend>
                { for q.order.iter().map(|&i| {
                    let text = q.question.choices.get(i as usize).cloned().unwrap_or_default();
                    let onclick = {
                        let exam = exam.clone();
                        Callback::from(move |_: MouseEvent| {
                            if let Some(mut e) = (*exam).clone() {
                                e.answer(index, i, now_ms());
                                exam.set(Some(e));
                            }
                        })
                    };
                    let chosen = picked == Some(i);
                    html! {
                        <button class={classes!("choice", chosen.then_some("picked"))} {onclick} aria-pressed={chosen.to_string()}>{ text }</button>
                    }
                }) }
            </fieldset>
            <div class="lesson-actions">
                <button onclick={go(index.saturating_sub(1))} disabled={index == 0}>{ "← Previous" }</button>
                <button onclick={go(index + 1)} disabled={index + 1 >= e.questions.len()}>{ "Next →" }</button>
                <button class="primary" onclick={finish}>{ "Finish and score" }</button>
            </div>
        </section>
    }
}
