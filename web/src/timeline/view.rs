//! The timeline's view: the track with time labels, the playhead and a marker per scheduled event (drag it,
//! or focus it and use the arrow keys; Delete removes it), the form that adds or edits a change, and the
//! watched stream's status and shard lineage.

use super::{
    AT, Draft, FieldKind, Kind, Lineage, NODE, Status, describe, fraction_of, horizon_ms, lanes, nudge, short_label,
    tick_label, ticks, time_at,
};
use crate::format::{Fixed, clock};
use shardlab_scenario::{NodeId, Scenario, ScheduledEvent};
use std::rc::Rc;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, PointerEvent};
use yew::prelude::*;

/// Shards listed in the lineage; the rest are counted.
const LINEAGE_ROWS_MAX: usize = 32;

/// Pixels a pointer must travel before a press on a marker becomes a drag.
const DRAG_THRESHOLD_PX: f64 = 4.0;

/// Props of [`Timeline`].
#[derive(Properties, PartialEq, Clone)]
pub struct TimelineProps {
    /// The scenario: its scheduled events and the components they can be about.
    pub scenario: Rc<Scenario>,
    /// The run's simulated time, in ms.
    pub now_ms: u64,
    /// For each scheduled event (by index), AWS's message if the service refused it when it fired.
    #[prop_or_default]
    pub refusals: Vec<Option<String>>,
    /// The watched stream's status and lineage, when the pipeline runs.
    #[prop_or_default]
    pub lineage: Option<Lineage>,
    /// Shows the events without editing them (embedded players).
    #[prop_or_default]
    pub read_only: bool,
    /// Adds an event; the reason comes back when it is refused.
    pub on_add: Callback<ScheduledEvent, Result<(), String>>,
    /// Replaces the event at an index.
    pub on_replace: Callback<(usize, ScheduledEvent), Result<(), String>>,
    /// Removes the event at an index.
    pub on_remove: Callback<usize, Result<(), String>>,
    /// A form to open (the event's index, `None` for a new one; the time in ms): what the lite page asked for
    /// before the switch to the full module.
    #[prop_or_default]
    pub open_form: Option<(Option<usize>, u64)>,
    /// Asks for the form (the lite page, which leaves the form to the full module: `crate::modules`).
    #[prop_or_default]
    pub on_open_form: Callback<(Option<usize>, u64)>,
}

/// A press on a marker, becoming a drag once the pointer moves.
#[derive(Clone, Copy, Debug)]
struct Press {
    index: usize,
    start_x: f64,
    track_left: f64,
    track_width: f64,
    moved: bool,
}

/// The timeline.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let scenario = &props.scenario;
    let events = &scenario.scheduled;
    // The form: `None` closed; (the event edited, or `None` for a new one; its text).
    let form = use_state(|| None::<(Option<usize>, Draft)>);
    let apply_error = use_state(|| None::<String>);
    // Where a dragged marker is now (index, ms), drawn until the drop applies it.
    let preview = use_state(|| None::<(usize, u64)>);
    // A RefCell, not state: pointer events must see the gesture as it is now, not as of the last render.
    let press = use_mut_ref(|| None::<Press>);
    let suppress_click = use_mut_ref(|| false);
    let track_ref = use_node_ref();

    {
        let (form, scenario) = (form.clone(), scenario.clone());
        use_effect_with(props.open_form, move |open| match *open {
            _ if !crate::modules::FULL => {}
            Some((Some(i), _)) => {
                if let Some(event) = scenario.scheduled.get(i) {
                    form.set(Some((Some(i), Draft::of(event))));
                }
            }
            Some((None, at_ms)) => form.set(Draft::first(&scenario, at_ms).map(|d| (None, d))),
            None => {}
        });
    }

    // An event edited elsewhere (undo, a drag) may be gone: close a form about it.
    if let Some((Some(i), _)) = &*form
        && *i >= events.len()
    {
        form.set(None);
    }

    let horizon = horizon_ms(events, props.now_ms);
    let at_of = |i: usize, e: &ScheduledEvent| match *preview {
        Some((p, at)) if p == i => at,
        _ => e.at_ms,
    };
    let fractions: Vec<f64> = events.iter().enumerate().map(|(i, e)| fraction_of(at_of(i, e), horizon)).collect();
    let lane_of = lanes(&fractions);
    let statuses: Vec<Status> = events
        .iter()
        .enumerate()
        .map(|(i, e)| Status::of(e.at_ms, props.now_ms, props.refusals.get(i).cloned().flatten()))
        .collect();
    let can_add = !props.read_only && Draft::first(scenario, 0).is_some();

    let open_new = {
        let (form, scenario, apply_error) = (form.clone(), scenario.clone(), apply_error.clone());
        let on_open_form = props.on_open_form.clone();
        move |at_ms: u64| {
            apply_error.set(None);
            if crate::modules::FULL {
                form.set(Draft::first(&scenario, at_ms).map(|d| (None, d)));
            } else {
                on_open_form.emit((None, at_ms));
            }
        }
    };
    let on_add_button = {
        let (open_new, now_ms) = (open_new.clone(), props.now_ms);
        Callback::from(move |_: MouseEvent| open_new(now_ms))
    };
    let fraction_at = |track_left: f64, track_width: f64, client_x: f64| {
        if track_width > 0.0 { (client_x - track_left) / track_width } else { 0.0 }
    };
    let on_track_click = {
        let (open_new, track_ref, read_only) = (open_new.clone(), track_ref.clone(), props.read_only);
        Callback::from(move |e: MouseEvent| {
            if read_only {
                return;
            }
            if let Some(track) = track_ref.cast::<HtmlElement>() {
                let rect = track.get_bounding_client_rect();
                open_new(time_at(fraction_at(rect.left(), rect.width(), f64::from(e.client_x())), horizon));
            }
        })
    };

    let markers = events.iter().enumerate().map(|(i, event)| {
        let status = &statuses[i];
        let at_ms = at_of(i, event);
        let fraction = fractions[i];
        let editing = matches!(&*form, Some((Some(j), _)) if *j == i);
        let mut label = describe(&ScheduledEvent { at_ms, action: event.action.clone() }, scenario);
        label.push_str(&format!(", {}", status.word()));
        if let Status::Refused(message) = status {
            label.push_str(&format!(": {message}"));
        }
        let on_down = {
            let (press, track_ref, read_only) = (press.clone(), track_ref.clone(), props.read_only);
            Callback::from(move |e: PointerEvent| {
                if read_only || e.button() != 0 {
                    return;
                }
                let Some(track) = track_ref.cast::<HtmlElement>() else { return };
                let rect = track.get_bounding_client_rect();
                if let Some(target) = e.target_dyn_into::<web_sys::Element>() {
                    let _ = target.set_pointer_capture(e.pointer_id());
                }
                *press.borrow_mut() = Some(Press {
                    index: i,
                    start_x: f64::from(e.client_x()),
                    track_left: rect.left(),
                    track_width: rect.width(),
                    moved: false,
                });
            })
        };
        let on_move = {
            let (press, preview) = (press.clone(), preview.clone());
            Callback::from(move |e: PointerEvent| {
                let mut slot = press.borrow_mut();
                let Some(p) = slot.as_mut().filter(|p| p.index == i) else { return };
                // Only while a button is held: a lost pointerup must never leave a marker glued to the pointer.
                if e.buttons() == 0 {
                    *slot = None;
                    preview.set(None);
                    return;
                }
                let x = f64::from(e.client_x());
                if !p.moved && (x - p.start_x).abs() < DRAG_THRESHOLD_PX {
                    return;
                }
                p.moved = true;
                e.prevent_default();
                preview.set(Some((i, time_at(fraction_at(p.track_left, p.track_width, x), horizon))));
            })
        };
        let on_up = {
            let (press, preview, suppress_click) = (press.clone(), preview.clone(), suppress_click.clone());
            let (on_replace, event, apply_error) = (props.on_replace.clone(), event.clone(), apply_error.clone());
            Callback::from(move |e: PointerEvent| {
                let Some(p) = press.borrow_mut().take().filter(|p| p.index == i) else { return };
                preview.set(None);
                if !p.moved {
                    return;
                }
                *suppress_click.borrow_mut() = true;
                let at_ms = time_at(fraction_at(p.track_left, p.track_width, f64::from(e.client_x())), horizon);
                if at_ms != event.at_ms {
                    let moved = ScheduledEvent { at_ms, action: event.action.clone() };
                    apply_error.set(on_replace.emit((i, moved)).err());
                }
            })
        };
        let on_cancel = {
            let (press, preview) = (press.clone(), preview.clone());
            Callback::from(move |_: PointerEvent| {
                *press.borrow_mut() = None;
                preview.set(None);
            })
        };
        let on_click = {
            let (form, suppress_click, event, apply_error) =
                (form.clone(), suppress_click.clone(), event.clone(), apply_error.clone());
            let (read_only, on_open_form) = (props.read_only, props.on_open_form.clone());
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                if suppress_click.replace(false) || read_only {
                    return;
                }
                apply_error.set(None);
                if crate::modules::FULL {
                    form.set(Some((Some(i), Draft::of(&event))));
                } else {
                    on_open_form.emit((Some(i), event.at_ms));
                }
            })
        };
        let on_key = {
            let (on_replace, on_remove, event, apply_error, form) =
                (props.on_replace.clone(), props.on_remove.clone(), event.clone(), apply_error.clone(), form.clone());
            let read_only = props.read_only;
            Callback::from(move |e: KeyboardEvent| {
                if read_only {
                    return;
                }
                let key = e.key();
                let outcome = if let Some(at_ms) = nudge(event.at_ms, &key, e.shift_key()) {
                    (at_ms != event.at_ms)
                        .then(|| on_replace.emit((i, ScheduledEvent { at_ms, action: event.action.clone() })))
                } else if key == "Delete" || key == "Backspace" {
                    form.set(None);
                    Some(on_remove.emit(i))
                } else {
                    return;
                };
                // The page's own shortcuts (Delete removes the selected component) must not see it too.
                e.prevent_default();
                e.stop_propagation();
                if let Some(outcome) = outcome {
                    apply_error.set(outcome.err());
                }
            })
        };
        let class = classes!(
            "tl-marker",
            status.word(),
            editing.then_some("editing"),
            (fraction > 0.8).then_some("end"),
            preview.is_some_and(|(p, _)| p == i).then_some("dragging")
        );
        html! {
            <button key={i} {class} type="button" aria-label={label.clone()} title={label} aria-pressed={editing.to_string()}
                style={format!("left:{}%;top:{}px", Fixed(fraction * 100.0, 3), 4 + 24 * lane_of[i])}
                onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up} onpointercancel={on_cancel}
                onclick={on_click} onkeydown={on_key}>
                <span class="tl-diamond" aria-hidden="true"></span>
                <span class="tl-label">{ short_label(&event.action) }</span>
                <span class="tl-glyph" aria-hidden="true">{ match status {
                    Status::Pending => "",
                    Status::Fired => "✓",
                    Status::Refused(_) => "✗",
                } }</span>
            </button>
        }
    });

    let lanes_used = lane_of.iter().copied().max().map_or(1, |m| m + 1);
    let refused: Vec<(usize, &String)> = statuses
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            Status::Refused(m) => Some((i, m)),
            _ => None,
        })
        .collect();

    html! {
        <section class="timeline" aria-label="Timeline of scheduled changes">
            <div class="tl-head">
                <h2>{ "Scheduled changes" }</h2>
                <span class="note">
                    { format!("{} scheduled", events.len()) }
                    if !props.read_only {
                        { " · drag a marker, or focus it: ← → move 1 s (Shift: 10 s), Delete removes · an edit restarts the run at 0 s" }
                    }
                </span>
                if !props.read_only {
                    <button class="small" type="button" onclick={on_add_button} disabled={!can_add}
                        aria-expanded={matches!(&*form, Some((None, _))).to_string()}
                        title={if can_add { "Schedule a change at the playhead" } else { "Add a stream, producer, KCL consumer, agent or Firehose first" }}>
                        { "+ Add change" }
                    </button>
                }
            </div>
            <div class="tl-scroll" tabindex="0" role="group" aria-label="Scheduled changes over time">
                <div class="tl-track" ref={track_ref.clone()} onclick={on_track_click}
                    style={format!("height:{}px", 16 + 24 * lanes_used)}>
                    { for ticks(horizon).into_iter().map(|(ms, text)| {
                        // The first and last labels stay inside the track.
                        let edge = if ms == 0 { Some("first") } else if ms == horizon { Some("last") } else { None };
                        html! {
                            <span class={classes!("tl-tick", edge)} style={format!("left:{}%", Fixed(fraction_of(ms, horizon) * 100.0, 3))}>{ text }</span>
                        }
                    }) }
                    <span class="tl-playhead" aria-hidden="true" title={format!("now: {}", clock(props.now_ms))}
                        style={format!("left:{}%", Fixed(fraction_of(props.now_ms, horizon) * 100.0, 3))}></span>
                    { for markers }
                </div>
            </div>
            if events.is_empty() {
                <p class="note tl-empty">{ format!("Nothing scheduled in the first {}. ", tick_label(horizon)) }
                    if can_add { { "Add a change, or click the timeline at a time." } }
                </p>
            }
            { for refused.into_iter().map(|(i, message)| html! {
                <p class="field-error tl-refused">{ format!("{} was refused: {message}", describe(&events[i], scenario)) }</p>
            }) }
            if let Some(message) = &*apply_error {
                <p class="field-error" role="alert">{ message.clone() }</p>
            }
            if let Some((editing, draft)) = &*form {
                { change_form(props, &form, &apply_error, *editing, draft) }
            }
            if let Some(lineage) = &props.lineage {
                { lineage_view(lineage) }
            }
        </section>
    }
}

/// A change to the draft from a field's text.
type DraftEdit = dyn Fn(&mut Draft, String);

type FormState = UseStateHandle<Option<(Option<usize>, Draft)>>;

/// The form that adds a change or edits one: each field checked as typed through the scenario's validation.
fn change_form(
    props: &TimelineProps,
    form: &FormState,
    apply_error: &UseStateHandle<Option<String>>,
    editing: Option<usize>,
    draft: &Draft,
) -> Html {
    // The lite page never opens it: it asks the full module to (`TimelineProps::on_open_form`).
    if !crate::modules::FULL {
        return Html::default();
    }
    let scenario = &props.scenario;
    let checked = draft.check(scenario, editing);
    let problems = checked.as_ref().err().cloned().unwrap_or_default();
    let problem = |key: &str| problems.iter().find(|(k, _)| k == key).map(|(_, m)| m.clone());
    let update = |change: Rc<DraftEdit>| {
        let form = form.clone();
        move |text: String| {
            if let Some((editing, draft)) = &*form {
                let mut next = draft.clone();
                change(&mut next, text);
                form.set(Some((*editing, next)));
            }
        }
    };
    let on_kind = {
        let (form, scenario) = (form.clone(), scenario.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let (Some((editing, draft)), Some(kind)) = (&*form, Kind::from_id(&value)) {
                form.set(Some((*editing, draft.with_kind(kind, &scenario))));
            }
        })
    };
    let on_node = {
        let set = update(Rc::new(|d: &mut Draft, text: String| d.node = text.parse::<u32>().ok().map(NodeId)));
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_at = {
        let set = update(Rc::new(|d: &mut Draft, text: String| d.at = text));
        Callback::from(move |e: InputEvent| set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_submit = {
        let (form, apply_error, on_add, on_replace) =
            (form.clone(), apply_error.clone(), props.on_add.clone(), props.on_replace.clone());
        let checked = checked.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(event) = checked.clone() else { return };
            let outcome = match editing {
                Some(i) => on_replace.emit((i, event)),
                None => on_add.emit(event),
            };
            match outcome {
                Ok(()) => {
                    apply_error.set(None);
                    form.set(None);
                }
                Err(why) => apply_error.set(Some(why)),
            }
        })
    };
    let on_delete = {
        let (form, apply_error, on_remove) = (form.clone(), apply_error.clone(), props.on_remove.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = editing {
                apply_error.set(on_remove.emit(i).err());
                form.set(None);
            }
        })
    };
    let on_close = {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| form.set(None))
    };
    let kinds: Vec<Kind> =
        Kind::ALL.into_iter().filter(|k| scenario.pipeline.nodes.iter().any(|n| k.fits(&n.kind))).collect();
    let invalid = |key: &str| problem(key).is_some().to_string();
    let title = if editing.is_some() { "Edit the change" } else { "Add a change" };
    html! {
        <form class="tl-form" aria-label={title} onsubmit={on_submit}>
            <h3>{ title }</h3>
            <div class="tl-fields">
                <div class="field">
                    <label for="tl-kind">{ "Change" }</label>
                    <select id="tl-kind" onchange={on_kind}>
                        { for kinds.iter().map(|k| html! {
                            <option value={k.id()} selected={*k == draft.kind}>{ k.title() }</option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for="tl-node">{ "Component" }</label>
                    <select id="tl-node" onchange={on_node} aria-invalid={invalid(NODE)}>
                        { for scenario.pipeline.nodes.iter().filter(|n| draft.kind.fits(&n.kind)).map(|n| html! {
                            <option value={n.id.0.to_string()} selected={draft.node == Some(n.id)}>{ n.name.clone() }</option>
                        }) }
                    </select>
                    if let Some(message) = problem(NODE) { <p class="field-error" id={format!("tl-{}-error", NODE)} role="alert">{ message }</p> }
                </div>
                <div class="field">
                    <label for="tl-at">{ "At" }</label>
                    <div class="field-row">
                        <input id="tl-at" type="text" inputmode="text" value={draft.at.clone()} oninput={on_at}
                            aria-invalid={invalid(AT)} />
                    </div>
                    <p class="limit">{ "simulated time: seconds (30), 5m or mm:ss" }</p>
                    if let Some(message) = problem(AT) { <p class="field-error" id={format!("tl-{}-error", AT)} role="alert">{ message }</p> }
                </div>
                { for draft.kind.fields().iter().map(|field| {
                    let key = field.key;
                    let set = update(Rc::new(move |d: &mut Draft, text: String| d.set_field(key, text)));
                    let oninput = Callback::from(move |e: InputEvent| set(e.target_unchecked_into::<HtmlInputElement>().value()));
                    let id = format!("tl-{key}");
                    let set = update(Rc::new(move |d: &mut Draft, text: String| d.set_field(key, text)));
                    let onchange = Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()));
                    let inputmode = if field.kind == FieldKind::Count { "numeric" } else { "text" };
                    html! {
                        <div class="field" key={key}>
                            <label for={id.clone()}>{ field.label }</label>
                            <div class="field-row">
                                if let FieldKind::Choice(words) = field.kind {
                                    <select id={id.clone()} {onchange}>
                                        { for words.iter().map(|w| html! { <option value={*w} selected={draft.field(key) == *w}>{ *w }</option> }) }
                                    </select>
                                } else {
                                    <input id={id.clone()} type="text" {inputmode} value={draft.field(key).to_string()} {oninput}
                                        aria-invalid={invalid(key)} />
                                }
                                <span class="unit">{ field.unit }</span>
                            </div>
                            <p class="limit">{ field.limit }</p>
                            if let Some(message) = problem(key) { <p class="field-error" id={format!("tl-{}-error", key)} role="alert">{ message }</p> }
                        </div>
                    }
                }) }
            </div>
            <div class="tl-actions">
                <button type="submit" disabled={checked.is_err()}>{ if editing.is_some() { "Apply" } else { "Add" } }</button>
                if editing.is_some() {
                    <button type="button" class="danger" onclick={on_delete}>{ "Delete" }</button>
                }
                <button type="button" class="ghost" onclick={on_close}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

/// The watched stream's status and, once it has been resharded, each shard with its state and lineage.
fn lineage_view(lineage: &Lineage) -> Html {
    html! {
        <div class="tl-lineage" aria-label="Stream status and shard lineage" role="group">
            <p>
                { format!("Stream {} is ", lineage.stream) }
                <strong class={classes!("tl-status", lineage.status.to_ascii_lowercase())}>{ lineage.status }</strong>
                { format!(" with {} open shard{}.", lineage.open, if lineage.open == 1 { "" } else { "s" }) }
                if lineage.status == "UPDATING" {
                    { " A reshard is under way; reads and writes go on." }
                }
            </p>
            if lineage.changed() {
                <ul>
                    { for lineage.shards.iter().take(LINEAGE_ROWS_MAX).map(|s| {
                        let mut text = format!("{} {}", s.shard, s.state);
                        if !s.parents.is_empty() {
                            text.push_str(&format!(", from {}", s.parents.join(" + ")));
                        }
                        if !s.children.is_empty() {
                            text.push_str(&format!(", into {}", s.children.join(" + ")));
                        }
                        html! { <li class={s.state.to_ascii_lowercase()}>{ text }</li> }
                    }) }
                    if lineage.shards.len() > LINEAGE_ROWS_MAX {
                        <li>{ format!("… and {} more shards", lineage.shards.len() - LINEAGE_ROWS_MAX) }</li>
                    }
                </ul>
            }
        </div>
    }
}
