//! The event log: newest first, plain words, warnings marked with an icon as well as colour.

use crate::format::clock;
use crate::runner::LogLine;
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
    html! {
        <ol class="event-log" aria-label="Event log" aria-live="polite" data-testid="event-log">
            { for props.lines.iter().map(|line| html! {
                <li class={if line.is_warning { "warning" } else { "info" }}>
                    <time>{ clock(line.at_ms) }</time>
                    <span class="icon" aria-hidden="true">{ if line.is_warning { "⚠" } else { "ℹ" } }</span>
                    <span>{ &line.text }</span>
                </li>
            }) }
        </ol>
    }
}
