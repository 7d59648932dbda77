//! A lesson beside the learner's pipeline: the story with AWS's numbers, the task, the goal (what passing
//! looks like) beside "Check my pipeline", the checks that grade what was built (with feedback that says what is
//! still wrong), hints that open one at a time, "show me" (which counts as shown, not passed), and a quiz whose
//! choices appear in this learner's own order, each explained once picked.

use crate::course::LessonProgress;
use shardlab_lessons::{Grade, Lesson, check_quiz};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`LessonPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct LessonPanelProps {
    /// The lesson.
    pub lesson: Rc<Lesson>,
    /// Its progress.
    pub progress: LessonProgress,
    /// The last grade of the learner's pipeline.
    pub grade: Option<Grade>,
    /// A grading run in progress, percent done.
    pub grading_percent: Option<u32>,
    /// Grade the pipeline.
    pub on_check: Callback<()>,
    /// Open the next hint.
    pub on_hint: Callback<()>,
    /// Apply the reference solution.
    pub on_show_me: Callback<()>,
    /// Start the lesson's scenario again.
    pub on_restart: Callback<()>,
    /// A quiz question answered right.
    pub on_quiz_right: Callback<String>,
    /// The next lesson, if there is one: (id, title).
    pub next: Option<(String, String)>,
    /// Go to a lesson.
    pub on_open: Callback<String>,
    /// The learner's seed, which orders each question's choices.
    #[prop_or_default]
    pub seed: u64,
}

/// The panel.
#[component]
pub fn LessonPanel(props: &LessonPanelProps) -> Html {
    let l = &props.lesson;
    let answers = use_state(BTreeMap::<String, (u32, shardlab_lessons::QuizResult)>::new);
    let shown_me = use_state(|| false);
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_show_me = {
        let (cb, shown_me) = (props.on_show_me.clone(), shown_me.clone());
        Callback::from(move |_: MouseEvent| {
            shown_me.set(true);
            cb.emit(());
        })
    };
    let hints_shown = (props.progress.hints_shown as usize).min(l.hints.len());
    let status = match (props.progress.passed, props.progress.shown) {
        (true, _) => String::from("✓ passed"),
        (false, true) => String::from("shown by \"Show me\": not passed yet (Start over to solve it yourself)"),
        (false, false) => String::from("not passed yet"),
    };
    let hints_used =
        if hints_shown > 0 { format!(" · {hints_shown} of {} hints used", l.hints.len()) } else { String::new() };
    let goal = l.goal();
    html! {
        <section class="lesson-panel" aria-label="Lesson">
            <p class="lesson-order" data-testid="lesson-status">{ format!("Lesson {} · {status}{hints_used}", l.order) }</p>
            <h2>{ l.title.clone() }</h2>
            { for l.narrative.iter().map(|p| html! { <p class="narrative">{ p.clone() }</p> }) }
            if let Some(note) = &l.not_simulated {
                <p class="not-simulated" role="note"><strong>{ "Not simulated: " }</strong>{ note.clone() }</p>
            }
            <p class="task"><strong>{ "Your task: " }</strong>{ l.task.clone() }</p>
            if !l.is_reading() {
                <div class="lesson-actions">
                    <button class="primary" onclick={click(&props.on_check)} disabled={props.grading_percent.is_some()}>{ "Check my pipeline" }</button>
                    <button onclick={click(&props.on_restart)}>{ "Start over" }</button>
                    <div class="lesson-goal" aria-label="Goal" data-testid="goal">
                        <strong>{ "Passing looks like:" }</strong>
                        <ul>{ for goal.iter().zip(&l.checks).map(|(g, check)| html! {
                            <li>
                                { g.clone() }
                                if let Some(sketch) = check.sketch() {
                                    <super::GoalSketch {sketch} />
                                }
                            </li>
                        }) }</ul>
                    </div>
                </div>
            }
            if let Some(percent) = props.grading_percent {
                <p class="grading" role="status">
                    <progress max="100" value={percent.to_string()} aria-label="Grading progress"></progress>
                    { format!(" running the lesson's simulation… {percent} %") }
                </p>
            }
            <ul class="checks" aria-label="Checks" data-testid="checks">
                { for l.checks.iter().enumerate().map(|(i, check)| {
                    let result = props.grade.as_ref().and_then(|g| g.checks.get(i));
                    let (class, icon) = match result {
                        Some(r) if r.passed => ("passed", "✓"),
                        Some(_) => ("failed", "✖"),
                        None => ("pending", "○"),
                    };
                    html! {
                        <li class={class}>
                            <span class="icon" aria-hidden="true">{ icon }</span>
                            <span>
                                <span class="check-label">{ result.map_or_else(|| check.label(), |r| r.label.clone()) }</span>
                                if let Some(r) = result {
                                    <span class="check-feedback">{ r.feedback.clone() }</span>
                                }
                            </span>
                        </li>
                    }
                }) }
            </ul>
            if props.grade.as_ref().is_some_and(|g| g.passed) {
                <p class="lesson-passed" role="status">
                    { "All checks pass. " }
                    if let Some((id, title)) = &props.next {
                        <button onclick={{
                            let (cb, id) = (props.on_open.clone(), id.clone());
                            Callback::from(move |_: MouseEvent| cb.emit(id.clone()))
                        }}>{ format!("Next: {title} →") }</button>
                    }
                </p>
            }
            <h3 class="inspector-heading">{ "Hints" }</h3>
            <ol class="hints">
                { for l.hints.iter().take(hints_shown).map(|h| html! { <li>{ h.clone() }</li> }) }
            </ol>
            if hints_shown < l.hints.len() {
                <button onclick={click(&props.on_hint)}>{ format!("Show hint {} of {}", hints_shown + 1, l.hints.len()) }</button>
            }
            <button onclick={on_show_me}>{ "Show me" }</button>
            if *shown_me {
                <p class="show-me" role="status">
                    { l.show_me.clone() }
                    if !l.is_reading() {
                        { " The solution is on the canvas; a lesson solved by \"Show me\" counts as shown, not passed." }
                    }
                </p>
            }
            if !l.quiz.is_empty() {
                <h3 class="inspector-heading">{ "Quiz" }</h3>
                { for l.quiz.iter().map(|q| {
                    let answered = answers.get(&q.id).cloned();
                    html! {
                        <fieldset class="question">
                            <legend>{ q.prompt.clone() }</legend>
                            { for shardlab_lessons::quiz::choice_order(props.seed, &l.id, &q.id, q.choices.len()).into_iter().map(|i| {
                                let choice = q.choices.get(i as usize).cloned().unwrap_or_default();
                                let onclick = {
                                    let (answers, lesson, qid, right) = (answers.clone(), props.lesson.clone(), q.id.clone(), props.on_quiz_right.clone());
                                    Callback::from(move |_: MouseEvent| {
                                        let result = check_quiz(&lesson, &qid, i);
                                        if result.correct {
                                            right.emit(qid.clone());
                                        }
                                        let mut next = (*answers).clone();
                                        next.insert(qid.clone(), (i, result));
                                        answers.set(next);
                                    })
                                };
                                let picked = answered.as_ref().is_some_and(|(c, _)| *c == i);
                                html! {
                                    <button class={classes!("choice", picked.then_some("picked"))} {onclick} aria-pressed={picked.to_string()}>
                                        { choice }
                                    </button>
                                }
                            }) }
                            if let Some((_, result)) = answered {
                                <p class={if result.correct { "quiz-right" } else { "quiz-wrong" }} role="status">
                                    { if result.correct { "✓ Right. " } else { "✖ Not quite. " } }
                                    if !result.why.is_empty() { { result.why.clone() }{ " " } }
                                    { result.explanation.clone() }
                                </p>
                            }
                        </fieldset>
                    }
                }) }
            }
        </section>
    }
}

/// Props of [`CourseOutline`].
#[derive(Properties, PartialEq, Clone)]
pub struct CourseOutlineProps {
    /// Every lesson, in order: (id, order, title, passed).
    pub lessons: Vec<(String, u32, String, bool)>,
    /// The open lesson.
    pub current: Option<String>,
    /// Open a lesson.
    pub on_open: Callback<String>,
    /// Forget all progress.
    pub on_reset: Callback<()>,
    /// The whole progress, for what was shown and hinted and the learner's seed (the practice exam's draw).
    #[prop_or_default]
    pub progress: crate::course::Progress,
}

/// The course outline with progress.
#[component]
pub fn CourseOutline(props: &CourseOutlineProps) -> Html {
    let confirm = use_state(|| false);
    let passed = props.lessons.iter().filter(|l| l.3).count();
    let on_reset = {
        let (cb, confirm) = (props.on_reset.clone(), confirm.clone());
        Callback::from(move |_: MouseEvent| {
            if *confirm {
                cb.emit(());
                confirm.set(false);
            } else {
                confirm.set(true);
            }
        })
    };
    let summary = if props.progress.lessons.is_empty() && passed == 0 {
        format!("{passed} of {} lessons passed", props.lessons.len())
    } else {
        props.progress.summary(props.lessons.len())
    };
    html! {
        <div class="course-outline" data-testid="course">
            <p class="course-progress">
                <strong>{ summary }</strong>
                <button class="small" onclick={on_reset}>
                    { if *confirm { "Really forget all progress?" } else { "Reset progress" } }
                </button>
            </p>
            <ol class="lessons">
                { for props.lessons.iter().map(|(id, order, title, done)| {
                    let open = {
                        let (cb, id) = (props.on_open.clone(), id.clone());
                        Callback::from(move |_: MouseEvent| cb.emit(id.clone()))
                    };
                    let current = props.current.as_deref() == Some(id.as_str());
                    let shown = !*done && props.progress.lesson(id).shown;
                    let (icon, state) = match (*done, shown) {
                        (true, _) => ("✓", " (passed)"),
                        (false, true) => ("◐", " (shown, not passed)"),
                        (false, false) => ("○", ""),
                    };
                    html! {
                        <li class={classes!(done.then_some("done"), shown.then_some("shown"), current.then_some("current"))}>
                            <span class="icon" aria-hidden="true">{ icon }</span>
                            <button class="lesson-link" onclick={open} aria-label={format!("Lesson {order}: {title}{state}")}>
                                { format!("{order}. {title}") }
                            </button>
                        </li>
                    }
                }) }
            </ol>
            <super::PracticeExamPanel seed={props.progress.seed} />
        </div>
    }
}
