//! The event log: newest first, plain words, warnings marked with an icon as well as colour, and a
//! filter to show only the warnings.

use crate::format::clock;
use crate::runner::LogLine;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`EventLog`].
#[derive(Properties, PartialEq, Clone)]
pub struct EventLogProps {
    /// The lines, newest first.
    pub lines: Vec<LogLine>,
}

/// The log panel.
#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let warnings_only = use_state(|| false);
    let on_filter = {
        let warnings_only = warnings_only.clone();
        Callback::from(move |e: Event| warnings_only.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    html! {
        <div class="event-log-panel">
            <label class="log-filter">
                <input type="checkbox" aria-label="Warnings only" checked={*warnings_only} onchange={on_filter} />
                { " Warnings only" }
            </label>
            <ol class="event-log" aria-label="Event log" aria-live="polite" data-testid="event-log">
                { for props.lines.iter().filter(|l| !*warnings_only || l.is_warning).map(|line| html! {
                    <li class={if line.is_warning { "warning" } else { "info" }}>
                        <time>{ clock(line.at_ms) }</time>
                        <span class="icon" aria-hidden="true">{ if line.is_warning { "⚠" } else { "ℹ" } }</span>
                        <span>{ &line.text }</span>
                    </li>
                }) }
            </ol>
        </div>
    }
}
