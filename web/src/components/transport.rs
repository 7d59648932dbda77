//! The run controls: Reset, Play/Pause, Step (one second or one event), speed, "run to" with its
//! progress, and the simulated clock.

use crate::format::{clock, parse_time};
use crate::pacing::{SPEEDS_TENTHS, speed_label};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// A fast-forward in progress: from where, to where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunTo {
    /// Simulated ms when it started.
    pub from_ms: u64,
    /// Simulated ms it stops at.
    pub target_ms: u64,
}

impl RunTo {
    /// Done so far, 0 to 100.
    pub fn percent(self, now_ms: u64) -> u64 {
        let span = self.target_ms.saturating_sub(self.from_ms).max(1);
        (now_ms.saturating_sub(self.from_ms) * 100 / span).min(100)
    }
}

/// Props of [`Transport`].
#[derive(Properties, PartialEq, Clone)]
pub struct TransportProps {
    /// Whether time is running.
    pub playing: bool,
    /// The speed in tenths of real time.
    pub speed_tenths: u32,
    /// Simulated time now, in ms.
    pub now_ms: u64,
    /// Whether the page cannot keep up with the chosen speed.
    pub behind: bool,
    /// A fast-forward in progress.
    pub run_to: Option<RunTo>,
    /// Play or pause.
    pub on_play: Callback<()>,
    /// Back to t = 0.
    pub on_reset: Callback<()>,
    /// One simulated second.
    pub on_step: Callback<()>,
    /// To the next engine event.
    pub on_step_event: Callback<()>,
    /// A new speed, in tenths.
    pub on_speed: Callback<u32>,
    /// Fast-forward to this simulated ms.
    pub on_run_to: Callback<u64>,
    /// Stop a fast-forward.
    pub on_cancel_run_to: Callback<()>,
}

/// The bar.
#[component]
pub fn Transport(props: &TransportProps) -> Html {
    let run_to_text = use_state(|| "5m".to_string());
    let run_to_error = use_state(|| None::<String>);
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_speed = {
        let cb = props.on_speed.clone();
        Callback::from(move |e: Event| {
            if let Ok(v) = e.target_unchecked_into::<HtmlSelectElement>().value().parse::<u32>() {
                cb.emit(v);
            }
        })
    };
    let on_run_to_input = {
        let text = run_to_text.clone();
        Callback::from(move |e: InputEvent| text.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_run_to = {
        let (text, error, cb, now_ms) =
            (run_to_text.clone(), run_to_error.clone(), props.on_run_to.clone(), props.now_ms);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match parse_time(&text) {
                Ok(ms) if ms <= now_ms => {
                    error.set(Some(format!("{} has passed: pick a time after {}", clock(ms), clock(now_ms))));
                }
                Ok(ms) => {
                    error.set(None);
                    cb.emit(ms);
                }
                Err(message) => error.set(Some(message)),
            }
        })
    };
    // Stop's click is cancelled: the page redraws before the click's default action, and the same button is then
    // Go (a submit button), which would start the run to the field's time again.
    let stop = {
        let cb = props.on_cancel_run_to.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            cb.emit(());
        })
    };
    let busy = props.run_to.is_some();
    html! {
        <div class="transport-bar">
            <div class="transport" role="group" aria-label="Run controls">
                <button onclick={click(&props.on_reset)} aria-label="Reset" title="Back to t = 0 with the same scenario and seed">
                    { icon("M2 2h2v8H2zM11 2v8L5 6z") }{ " Reset" }
                </button>
                <button class="primary" onclick={click(&props.on_play)} aria-label={if props.playing { "Pause" } else { "Play" }}
                    title="Space" disabled={busy}>
                    if props.playing { { icon("M2 2h3v8H2zM7 2h3v8H7z") }{ " Pause" } } else { { icon("M2 1v10l9-5z") }{ " Play" } }
                </button>
                <button onclick={click(&props.on_step)} aria-label="Step" title="Advance one simulated second (.)"
                    disabled={props.playing || busy}>
                    { icon("M1 2v8l6-4zM8 2h2v8H8z") }{ " Step" }
                </button>
                <button onclick={click(&props.on_step_event)} aria-label="Step one event"
                    title="Advance to the engine's next scheduled action (,)" disabled={props.playing || busy}>
                    { icon("M3 2v8l6-4z") }{ " event" }
                </button>
            </div>
            <label class="speed">{ "Speed " }
                <select aria-label="Speed" onchange={on_speed}>
                    { for SPEEDS_TENTHS.iter().map(|&s| html! {
                        <option value={s.to_string()} selected={s == props.speed_tenths}>{ speed_label(s) }</option>
                    }) }
                </select>
            </label>
            <form class="run-to" onsubmit={on_run_to} aria-label="Run to a time">
                <label for="run-to">{ "Run to" }</label>
                <input id="run-to" type="text" size="6" value={(*run_to_text).clone()} oninput={on_run_to_input}
                    aria-invalid={run_to_error.is_some().to_string()} disabled={busy}
                    aria-describedby={run_to_error.is_some().then_some("run-to-error")} />
                if let Some(run) = props.run_to {
                    <progress max="100" value={run.percent(props.now_ms).to_string()} aria-label="Run-to progress"></progress>
                    <button type="button" onclick={stop}>{ "Stop" }</button>
                } else {
                    <button type="submit">{ "Go" }</button>
                }
                if let Some(message) = &*run_to_error {
                    <span class="run-to-error" id="run-to-error" role="alert">{ message }</span>
                }
            </form>
            <span class="clock" data-testid="sim-clock" data-ms={props.now_ms.to_string()} aria-label="Simulated time">
                { format!("t = {}", clock(props.now_ms)) }
            </span>
            if props.behind {
                <span class="behind" role="status" title="Each frame handles a bounded amount of work">{ "⚠ slower than asked" }</span>
            }
        </div>
    }
}

/// A 12x12 icon drawn from an SVG path (no icon font needed).
pub fn icon(path: &'static str) -> Html {
    html! { <svg class="icon" viewBox="0 0 12 12" aria-hidden="true"><path d={path} /></svg> }
}

#[cfg(test)]
mod tests {
    use super::RunTo;

    #[test]
    fn run_to_progress_is_a_bounded_percentage() {
        let run = RunTo { from_ms: 10_000, target_ms: 20_000 };
        assert_eq!(run.percent(10_000), 0);
        assert_eq!(run.percent(15_000), 50);
        assert_eq!(run.percent(25_000), 100);
        assert_eq!(RunTo { from_ms: 5, target_ms: 5 }.percent(5), 0);
    }
}
