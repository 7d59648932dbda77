//! A lesson beside the learner's pipeline: the story with AWS's numbers, the task, the checks that grade
//! what was built (with feedback that says what is still wrong), hints that open one at a time, "show me",
//! and a quiz with explanations.

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
    html! {
        <section class="lesson-panel" aria-label="Lesson">
            <p class="lesson-order">{ format!("Lesson {} · {}", l.order, if props.progress.passed { "✓ passed" } else { "not passed yet" }) }</p>
            <h2>{ l.title.clone() }</h2>
            { for l.narrative.iter().map(|p| html! { <p class="narrative">{ p.clone() }</p> }) }
            <p class="task"><strong>{ "Your task: " }</strong>{ l.task.clone() }</p>
            <div class="lesson-actions">
                <button class="primary" onclick={click(&props.on_check)} disabled={props.grading_percent.is_some()}>{ "Check my pipeline" }</button>
                <button onclick={click(&props.on_restart)}>{ "Start over" }</button>
            </div>
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
                <p class="show-me" role="status">{ l.show_me.clone() }</p>
            }
            if !l.quiz.is_empty() {
                <h3 class="inspector-heading">{ "Quiz" }</h3>
                { for l.quiz.iter().map(|q| {
                    let answered = answers.get(&q.id).cloned();
                    html! {
                        <fieldset class="question">
                            <legend>{ q.prompt.clone() }</legend>
                            { for q.choices.iter().enumerate().map(|(i, choice)| {
                                let i = u32::try_from(i).unwrap_or(u32::MAX);
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
                                        { choice.clone() }
                                    </button>
                                }
                            }) }
                            if let Some((_, result)) = answered {
                                <p class={if result.correct { "quiz-right" } else { "quiz-wrong" }} role="status">
                                    { if result.correct { "✓ Right. " } else { "✖ Not quite. " } }{ result.explanation.clone() }
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
    html! {
        <div class="course-outline" data-testid="course">
            <p class="course-progress">
                <strong>{ format!("{passed} of {} lessons passed", props.lessons.len()) }</strong>
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
                    html! {
                        <li class={classes!(done.then_some("done"), current.then_some("current"))}>
                            <span class="icon" aria-hidden="true">{ if *done { "✓" } else { "○" } }</span>
                            <button class="lesson-link" onclick={open} aria-label={format!("Lesson {order}: {title}{}", if *done { " (passed)" } else { "" })}>
                                { format!("{order}. {title}") }
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </div>
    }
}
