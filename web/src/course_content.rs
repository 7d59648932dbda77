//! The course's lessons as data: fetched from `lessons/<file>` beside the page the first time they are
//! needed (a lesson link, the Course tab, or a quiet prefetch once the page runs), so no lesson text is in
//! the first download. One load per page, shared by every caller; a failed load says why and can be retried.

use shardlab_lessons::{LESSON_FILE_NAMES, Lesson, course};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// Where the lesson files are, relative to the page (`index.html` copies `crates/lessons/content` there).
pub const LESSONS_DIR: &str = "lessons/";

/// Where the course's lessons are.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum CourseContent {
    /// Nobody asked yet.
    #[default]
    NotLoaded,
    /// Being fetched.
    Loading,
    /// Every lesson, in course order.
    Ready(Rc<Vec<Lesson>>),
    /// Why they could not be fetched, in words.
    Failed(String),
}

thread_local! {
    static CONTENT: RefCell<CourseContent> = RefCell::default();
    static WAITING: RefCell<Vec<Callback<()>>> = const { RefCell::new(Vec::new()) };
}

/// The course as it is now.
pub fn current() -> CourseContent {
    CONTENT.with(|c| c.borrow().clone())
}

/// Every lesson in course order (none until loaded).
pub fn lessons() -> Vec<Lesson> {
    match current() {
        CourseContent::Ready(all) => all.to_vec(),
        _ => Vec::new(),
    }
}

/// The lesson with this id, once loaded.
pub fn lesson(id: &str) -> Option<Lesson> {
    match current() {
        CourseContent::Ready(all) => all.iter().find(|l| l.id == id).cloned(),
        _ => None,
    }
}

/// Makes sure the lessons are (being) loaded, and calls `on_done` once they are loaded or have failed (at
/// once if that is already so). A failed load starts again.
pub fn load(on_done: Callback<()>) {
    match current() {
        CourseContent::Ready(_) => on_done.emit(()),
        CourseContent::Loading => WAITING.with(|w| w.borrow_mut().push(on_done)),
        CourseContent::NotLoaded | CourseContent::Failed(_) => {
            WAITING.with(|w| w.borrow_mut().push(on_done));
            CONTENT.with(|c| *c.borrow_mut() = CourseContent::Loading);
            wasm_bindgen_futures::spawn_local(async {
                let loaded = match fetch_all().await {
                    Ok(all) => CourseContent::Ready(Rc::new(all)),
                    Err(why) => CourseContent::Failed(why),
                };
                CONTENT.with(|c| *c.borrow_mut() = loaded);
                for callback in WAITING.with(|w| std::mem::take(&mut *w.borrow_mut())) {
                    callback.emit(());
                }
            });
        }
    }
}

async fn fetch_all() -> Result<Vec<Lesson>, String> {
    let window = web_sys::window().ok_or("the course needs a browser window")?;
    // Every request starts before the first is awaited, so a slow connection pays its latency once.
    let pending: Vec<(&str, js_sys::Promise)> =
        LESSON_FILE_NAMES.iter().map(|name| (*name, window.fetch_with_str(&format!("{LESSONS_DIR}{name}")))).collect();
    // Every request is awaited, even after one failed, so none is left to reject unhandled.
    let mut texts = Vec::with_capacity(pending.len());
    let mut first_error = None;
    for (name, request) in pending {
        match fetch_text(name, request).await {
            Ok(text) => texts.push((name, text)),
            Err(why) => first_error = first_error.or(Some(why)),
        }
    }
    if let Some(why) = first_error {
        return Err(why);
    }
    course(texts.iter().map(|(name, text)| (*name, text.as_str())))
}

async fn fetch_text(name: &str, request: js_sys::Promise) -> Result<String, String> {
    let unreachable = || format!("{LESSONS_DIR}{name} could not be fetched: check the connection and retry");
    let response: web_sys::Response =
        JsFuture::from(request).await.map_err(|_| unreachable())?.dyn_into().map_err(|_| unreachable())?;
    if !response.ok() {
        return Err(format!("{LESSONS_DIR}{name} answered HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|_| unreachable())?).await.map_err(|_| unreachable())?;
    text.as_string().ok_or_else(unreachable)
}

/// Props of [`CourseStatus`].
#[derive(Properties, PartialEq, Clone)]
pub struct CourseStatusProps {
    /// The course's state (not `Ready`).
    pub content: CourseContent,
    /// Loads again after a failure.
    pub on_retry: Callback<()>,
}

/// What the Course tab shows until the lessons are here: a loading line, or why not and a retry button.
#[component]
pub fn CourseStatus(props: &CourseStatusProps) -> Html {
    let retry = {
        let cb = props.on_retry.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    match &props.content {
        CourseContent::Failed(why) => html! {
            <div class="course-status">
                <p class="field-error" role="alert" data-testid="course-error">
                    { format!("The course could not be loaded: {why}.") }
                </p>
                <button onclick={retry}>{ "Retry" }</button>
            </div>
        },
        _ => {
            html! { <p class="course-status note" role="status" data-testid="course-loading">{ "Loading the course…" }</p> }
        }
    }
}
