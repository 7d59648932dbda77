//! The event log: newest first, plain words, problems marked with an icon as well as colour, filters by
//! severity and component, and for each problem a "Why?" that shows the limit, the numbers and the fixes.
//! Clicking a line selects its component on the canvas and marks its second on the charts.

use crate::format::clock;
use crate::narration::LogLine;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Lines drawn at once (the newest); the log keeps more for the filters.
pub(crate) const LINES_SHOWN_MAX: usize = 60;

/// Props of [`EventLog`].
#[derive(Properties, PartialEq, Clone)]
pub struct EventLogProps {
    /// The lines, newest first.
    pub lines: Vec<LogLine>,
    /// A line was clicked: its component's name (if any) and its simulated ms.
    #[prop_or_default]
    pub on_pick: Callback<(Option<String>, u64)>,
}

/// The log panel.
#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let warnings_only = use_state(|| false);
    let component = use_state(String::new);
    // Which line's explanation is open, by its number counted from the oldest line (stable as lines arrive).
    let open = use_state(|| None::<usize>);
    let on_filter = {
        let warnings_only = warnings_only.clone();
        Callback::from(move |e: Event| warnings_only.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let on_component = {
        let component = component.clone();
        Callback::from(move |e: Event| component.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let mut components: Vec<&str> = props.lines.iter().map(|l| l.component.as_str()).collect();
    components.sort_unstable();
    components.dedup();
    let total = props.lines.len();
    let shown = props
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| (total - i, l))
        .filter(|(_, l)| !*warnings_only || l.is_warning)
        .filter(|(_, l)| component.is_empty() || l.component == *component)
        .take(LINES_SHOWN_MAX);
    html! {
        <div class="event-log-panel">
            <div class="log-filters">
                <label class="log-filter">
                    <input type="checkbox" aria-label="Warnings only" checked={*warnings_only} onchange={on_filter} />
                    { " Warnings only" }
                </label>
                <label class="log-filter">{ "Component " }
                    <select aria-label="Component" onchange={on_component}>
                        <option value="" selected={component.is_empty()}>{ "all" }</option>
                        { for components.iter().map(|c| html! { <option value={c.to_string()} selected={*c == *component}>{ *c }</option> }) }
                    </select>
                </label>
            </div>
            <ol class="event-log" aria-label="Event log" aria-live="polite" data-testid="event-log">
                { for shown.map(|(number, line)| {
                    let expanded = *open == Some(number);
                    let on_pick = {
                        let (cb, node, at) = (props.on_pick.clone(), line.node.clone(), line.at_ms);
                        Callback::from(move |_: MouseEvent| cb.emit((node.clone(), at)))
                    };
                    let on_why = {
                        let open = open.clone();
                        Callback::from(move |e: MouseEvent| {
                            e.stop_propagation();
                            open.set(if *open == Some(number) { None } else { Some(number) });
                        })
                    };
                    html! {
                        <li class={if line.is_warning { "warning" } else { "info" }}>
                            <div class="log-line" onclick={on_pick} title="Select this component and mark this second on the charts">
                                <time>{ clock(line.at_ms) }</time>
                                <span class="icon" aria-hidden="true">{ if line.is_warning { "⚠" } else { "ℹ" } }</span>
                                <span class="log-text">{ &line.text }</span>
                                if line.explanation.is_some() {
                                    <button class="small why" onclick={on_why} aria-expanded={expanded.to_string()}>{ "Why?" }</button>
                                }
                            </div>
                            if let (true, Some(why)) = (expanded, &line.explanation) {
                                <div class="explanation" data-testid="explanation">
                                    <p><strong>{ "The limit: " }</strong>{ why.limit.clone() }</p>
                                    if !why.numbers.is_empty() {
                                        <p><strong>{ "At that moment: " }</strong>{ why.numbers.clone() }</p>
                                    }
                                    <p><strong>{ "What helps:" }</strong></p>
                                    <ul>{ for why.fixes.iter().map(|f| html! { <li>{ *f }</li> }) }</ul>
                                </div>
                            }
                        </li>
                    }
                }) }
            </ol>
        </div>
    }
}
