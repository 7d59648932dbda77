//! The Shardlab playground. It renders engine state and sends engine commands; it holds no Kinesis rules.
//!
//! - [`runner`]: the engine plus the learner's settings and the plain-English event log (plain Rust, tested natively).
//! - [`pacing`]: turns wall-clock time into simulated time.
//! - [`format`]: numbers with units, for people.
//! - [`page_state`]: the page's state as a reducer (`Action`, `PageState::update`), tested natively.
//! - [`stage_views`]: what the page draws from the run, rebuilt when it changes (plain Rust).
//! - [`video_view`]: a video stream's figures and fragment timeline (plain Rust, tested natively).
//! - [`components`] and [`App`]: the Yew view.
//! - [`modules`]: the first visit's lite build and the full build fetched on first use.

pub mod browser;
pub mod components;
pub mod course;
pub mod course_content;
pub mod embed;
pub mod embed_bridge;
pub mod flow;
pub mod format;
pub mod frame_loop;
pub mod keys;
pub mod library;
pub mod modules;
pub mod narration;
pub mod pacing;
pub mod page_state;
pub mod panel_layout;
pub mod pipeline_views;
pub mod practice_exam;
pub mod runner;
pub mod shard_log;
pub mod stage_views;
pub mod startup;
pub mod storage;
pub mod theme;
pub mod timeline;
pub mod tour;
pub mod video_narration;
pub mod video_view;
pub mod workspace;

mod app;
mod page_view;

pub use app::App;

thread_local! {
    /// The running app, so the lite page can stop before the full module starts (`modules::switch_to_full`).
    static RUNNING: std::cell::RefCell<Option<yew::AppHandle<App>>> = const { std::cell::RefCell::new(None) };
}

/// Mounts the app on `<body>` (the entry point of both modules).
pub fn start() {
    let handle = yew::Renderer::<App>::new().render();
    RUNNING.with(|running| *running.borrow_mut() = Some(handle));
}

/// Stops the app started by [`start`]: its components are destroyed, with their listeners and frame loops.
pub fn stop() {
    if let Some(handle) = RUNNING.with(|running| running.borrow_mut().take()) {
        handle.destroy();
    }
}
