//! The shard log view: each shard as a tape of records in sequence order, coloured by partition key, with the
//! trim horizon, the tip and every consumer's position. Drag a consumer's marker (or use the AT_SEQUENCE_NUMBER
//! / AT_TIMESTAMP control) to replay; click a block to open its records in the record browser. A table says
//! the same for screen readers.

use crate::format::{Fixed, clock, fixed, short, thousands};
use crate::shard_log::{ReplayRequest, SHARDS_PER_PAGE, ShardLogView, ShardTape, fraction, position_at};
use shardlab_engine::consumer_app::ReplayFrom;
use std::rc::Rc;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The SVG's width in its own units; the tape runs from [`TAPE_X0`] to [`TAPE_X0`] + [`TAPE_W`].
const VIEW_W: f64 = 640.0;
const TAPE_X0: f64 = 8.0;
const TAPE_W: f64 = 560.0;
const TAPE_Y: f64 = 4.0;
const TAPE_H: f64 = 22.0;
/// Height of one consumer's marker row under the tape.
const ROW_H: f64 = 16.0;

/// What the page does for the view.
#[derive(Clone, PartialEq)]
pub struct ShardLogHooks {
    /// Open or close the view.
    pub on_toggle: Callback<()>,
    /// Show the shards from this index.
    pub on_page: Callback<usize>,
    /// Move a consumer (a replay).
    pub on_replay: Callback<ReplayRequest>,
    /// Open the records from (shard index, position) in the record browser.
    pub on_open: Callback<(u32, u64)>,
}

/// Props of [`ShardLog`].
#[derive(Properties, PartialEq, Clone)]
pub struct ShardLogProps {
    /// The view, or `None` while it is closed.
    pub view: Option<Rc<ShardLogView>>,
    /// Callbacks.
    pub hooks: ShardLogHooks,
}

/// A marker being dragged: which, and where it would drop (a fraction of the tape).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Drag {
    consumer: u32,
    shard: u32,
    at: f64,
}

fn x_of(f: f64) -> f64 {
    TAPE_X0 + f * TAPE_W
}

/// The closed view: its button only (all the lite page draws of it, `crate::modules`).
pub fn shard_log_closed(on_toggle: &Callback<()>) -> Html {
    let on_toggle = on_toggle.clone();
    html! {
        <section class="shard-log closed" aria-label="Shard log">
            <button class="ghost shard-log-toggle" aria-expanded="false" onclick={move |_: MouseEvent| on_toggle.emit(())}>
                { "Show the shard log ▸" }
            </button>
        </section>
    }
}

/// The panel.
#[component]
pub fn ShardLog(props: &ShardLogProps) -> Html {
    let drag = use_state(|| None::<Drag>);
    let Some(view) = props.view.clone() else {
        return shard_log_closed(&props.hooks.on_toggle);
    };
    let toggle = {
        let on_toggle = props.hooks.on_toggle.clone();
        Callback::from(move |_: MouseEvent| on_toggle.emit(()))
    };
    let pager = (view.shard_count > SHARDS_PER_PAGE).then(|| {
        let last = (view.page_start + SHARDS_PER_PAGE).min(view.shard_count);
        let page = |to: usize| {
            let on_page = props.hooks.on_page.clone();
            Callback::from(move |_: MouseEvent| on_page.emit(to))
        };
        html! {
            <span class="shard-log-pager">
                <button class="ghost" disabled={view.page_start == 0} aria-label="Earlier shards"
                    onclick={page(view.page_start.saturating_sub(SHARDS_PER_PAGE))}>{ "‹" }</button>
                { format!("shards {} to {} of {}", view.page_start + 1, last, view.shard_count) }
                <button class="ghost" disabled={last >= view.shard_count} aria-label="Later shards"
                    onclick={page(view.page_start + SHARDS_PER_PAGE)}>{ "›" }</button>
            </span>
        }
    });
    let consumers: Vec<(u32, String, u64)> = view
        .tapes
        .first()
        .map(|t| t.markers.iter().map(|m| (m.consumer, m.name.clone(), m.read_again)).collect())
        .unwrap_or_default();
    html! {
        <section class="shard-log" aria-label="Shard log">
            <div class="shard-log-head">
                <button class="ghost shard-log-toggle" aria-expanded="true" onclick={toggle}>{ "Shard log ▾" }</button>
                <span class="note">{ format!("Stream {}: each shard's records in sequence order, coloured by partition key. \
                    Drag a consumer's marker back to replay.", view.stream) }</span>
                { for pager }
            </div>
            <div class="shard-log-tapes">
                { for view.tapes.iter().map(|tape| tape_html(tape, &drag, &props.hooks)) }
            </div>
            <p class="shard-log-consumers">
                { for consumers.iter().map(|(_, name, again)| html! {
                    <span class="shard-log-consumer" data-consumer={name.clone()}>
                        { format!("{name}: read again {}", thousands(*again)) }
                    </span>
                }) }
            </p>
            <ReplayControl consumers={consumers.iter().map(|(i, name, _)| (*i, name.clone())).collect::<Vec<_>>()}
                shards={view.tapes.iter().map(|t| (t.index, t.shard_id.clone())).collect::<Vec<_>>()}
                on_replay={props.hooks.on_replay.clone()} />
            { table(&view, &props.hooks.on_open) }
        </section>
    }
}

fn tape_html(tape: &ShardTape, drag: &UseStateHandle<Option<Drag>>, hooks: &ShardLogHooks) -> Html {
    let rows = tape.markers.len().max(1) as f64;
    let height = TAPE_Y + TAPE_H + 6.0 + rows * ROW_H;
    let (start, tip, horizon) = (tape.start, tape.tip, tape.trim_horizon);
    let shard = tape.index;
    // A fresh ref each render, bound to this render's SVG, so the callbacks below find it.
    let svg_ref = NodeRef::default();
    let fraction_of = {
        let svg_ref = svg_ref.clone();
        move |e: &PointerEvent| -> Option<f64> {
            let svg = svg_ref.cast::<Element>()?;
            let rect = svg.get_bounding_client_rect();
            (rect.width() > 0.0).then(|| {
                let x = (f64::from(e.client_x()) - rect.left()) * VIEW_W / rect.width();
                ((x - TAPE_X0) / TAPE_W).clamp(0.0, 1.0)
            })
        }
    };
    let on_move = {
        let (drag, fraction_of) = (drag.clone(), fraction_of.clone());
        Callback::from(move |e: PointerEvent| {
            let Some(d) = *drag else { return };
            if d.shard != shard {
                return;
            }
            if e.buttons() == 0 {
                drag.set(None);
                return;
            }
            if let Some(at) = fraction_of(&e) {
                drag.set(Some(Drag { at, ..d }));
            }
        })
    };
    let on_up = {
        let (drag, on_replay) = (drag.clone(), hooks.on_replay.clone());
        Callback::from(move |e: PointerEvent| {
            let Some(d) = *drag else { return };
            if d.shard != shard {
                return;
            }
            drag.set(None);
            let at = fraction_of(&e).unwrap_or(d.at);
            let counter = position_at(at, start, horizon, tip);
            on_replay.emit(ReplayRequest {
                consumer: d.consumer,
                shard,
                from: ReplayFrom::SequenceCounter { counter },
            });
        })
    };
    let heading = {
        let mut parts = vec![if tape.open { "open".to_string() } else { "closed".to_string() }];
        if !tape.parents.is_empty() {
            parts.push(format!("child of {}", tape.parents.join(" and ")));
        }
        if !tape.children.is_empty() {
            parts.push(format!("parent of {}: read to its end before them", tape.children.join(" and ")));
        }
        let owners: Vec<String> = tape
            .markers
            .iter()
            .filter_map(|m| m.lease_owner.map(|w| format!("{}'s lease: worker {w}", m.name)))
            .collect();
        parts.extend(owners);
        parts.join(" · ")
    };
    let blocks = tape.blocks.iter().map(|b| {
        let x0 = x_of(fraction(b.first, start, tip));
        let x1 = x_of(fraction(b.last + 1, start, tip));
        let class = match b.colour {
            None => classes!("log-block", "expired"),
            Some(c) => classes!("log-block", format!("key-{c}"), b.mixed.then_some("mixed")),
        };
        let title = if b.colour.is_none() {
            format!("#{} to #{}: expired (past the retention period)", b.first, b.last)
        } else {
            format!(
                "#{} to #{} · e.g. key {}{} · click to open",
                b.first,
                b.last,
                b.key,
                if b.mixed { " (mixed keys)" } else { "" }
            )
        };
        let onclick = {
            let on_open = hooks.on_open.clone();
            let first = b.first.max(horizon);
            let expired = b.colour.is_none();
            Callback::from(move |_: MouseEvent| {
                if !expired {
                    on_open.emit((shard, first));
                }
            })
        };
        html! {
            <rect {class} x={fixed(x0, 1)} y={short(TAPE_Y)} width={fixed((x1 - x0 - 0.5).max(0.5), 1)}
                height={short(TAPE_H)} {onclick} data-first={b.first.to_string()}>
                <title>{ title }</title>
            </rect>
        }
    });
    let horizon_x = x_of(fraction(horizon, start, tip));
    let tip_x = x_of(1.0);
    let markers = tape.markers.iter().enumerate().map(|(row, m)| {
        let y = TAPE_Y + TAPE_H + 6.0 + row as f64 * ROW_H;
        let dragging = drag.filter(|d| d.consumer == m.consumer && d.shard == shard);
        let Some(position) = m.position else {
            return html! {
                <text class="marker-label waiting" x={fixed(TAPE_X0, 1)} y={fixed(y + 11.0, 1)}>
                    { format!("{} waits for the parent shard to be read to its end", m.name) }
                </text>
            };
        };
        let f = dragging.map_or_else(|| fraction(position, start, tip), |d| d.at);
        let x = x_of(f);
        let label = if m.finished {
            format!("{}: read to its end", m.name)
        } else if let Some(d) = dragging {
            format!("{}: replay from #{}", m.name, position_at(d.at, start, horizon, tip))
        } else {
            format!("{}: #{} · {} behind · {} s", m.name, position, thousands(m.behind_records), m.behind_ms / 1_000)
        };
        let on_down = {
            let (drag, consumer, finished, svg_ref) = (drag.clone(), m.consumer, m.finished, svg_ref.clone());
            Callback::from(move |e: PointerEvent| {
                if finished {
                    return;
                }
                e.prevent_default();
                if let Some(svg) = svg_ref.cast::<Element>() {
                    let _ = svg.set_pointer_capture(e.pointer_id());
                }
                drag.set(Some(Drag { consumer, shard, at: f }));
            })
        };
        let on_key = {
            let (drag, on_replay, consumer) = (drag.clone(), hooks.on_replay.clone(), m.consumer);
            let step = 1.0 / crate::shard_log::BLOCKS_MAX as f64;
            Callback::from(move |e: KeyboardEvent| {
                let current = drag.filter(|d| d.consumer == consumer && d.shard == shard).map_or(f, |d| d.at);
                match e.key().as_str() {
                    "ArrowLeft" => drag.set(Some(Drag { consumer, shard, at: (current - step).max(0.0) })),
                    "ArrowRight" => drag.set(Some(Drag { consumer, shard, at: (current + step).min(1.0) })),
                    "Enter" | " " => {
                        drag.set(None);
                        let counter = position_at(current, start, horizon, tip);
                        on_replay.emit(ReplayRequest { consumer, shard, from: ReplayFrom::SequenceCounter { counter } });
                    }
                    "Escape" => drag.set(None),
                    _ => return,
                }
                // The key is the slider's: not a page shortcut (Space plays, Escape deselects).
                e.prevent_default();
                e.stop_propagation();
            })
        };
        let anchor = if x > VIEW_W * 0.55 { "end" } else { "start" };
        let label_x = if anchor == "end" { x - 8.0 } else { x + 8.0 };
        html! {
            <g class={classes!("log-marker", format!("consumer-{}", m.consumer % 4), dragging.is_some().then_some("dragging"))}
                data-consumer={m.name.clone()} data-position={position.to_string()}>
                if !m.finished && position < tip {
                    <line class="behind" x1={fixed(x, 1)} x2={fixed(tip_x, 1)}
                        y1={fixed(y + 6.0, 1)} y2={fixed(y + 6.0, 1)} />
                }
                <path class="handle" d={format!("M{},{} l-6,10 h12 z", Fixed(x, 1), Fixed(y, 1))} onpointerdown={on_down}
                    tabindex="0" role="slider" aria-label={format!("{} on {}: drag back to replay", m.name, tape.shard_id)}
                    aria-valuemin={start.to_string()} aria-valuemax={tip.to_string()} aria-valuenow={position.to_string()}
                    aria-valuetext={format!("next record #{position}, {} behind the tip", thousands(m.behind_records))}
                    onkeydown={on_key} />
                <text class="marker-label" x={fixed(label_x, 1)} y={fixed(y + 10.0, 1)} text-anchor={anchor}>{ label }</text>
            </g>
        }
    });
    html! {
        <div class="shard-tape" data-shard={tape.shard_id.clone()}>
            <div class="shard-tape-head"><strong>{ tape.shard_id.clone() }</strong>{ format!(" {heading}") }</div>
            <svg ref={svg_ref.clone()} class="shard-tape-svg" viewBox={format!("0 0 {} {}", short(VIEW_W), Fixed(height, 0))} role="group"
                aria-label={format!("{} records, oldest to newest", tape.shard_id)}
                onpointermove={on_move} onpointerup={on_up}>
                <rect class="tape-bg" x={short(TAPE_X0)} y={short(TAPE_Y)} width={short(TAPE_W)} height={short(TAPE_H)} />
                { for blocks }
                if horizon > start {
                    <line class="trim-horizon" x1={fixed(horizon_x, 1)} x2={fixed(horizon_x, 1)} y1="0" y2={fixed(TAPE_Y + TAPE_H + 4.0, 1)}>
                        <title>{ "Trim horizon: the oldest record retained" }</title>
                    </line>
                }
                <line class="tip" x1={fixed(tip_x, 1)} x2={fixed(tip_x, 1)} y1="0" y2={fixed(height, 0)} />
                <text class="tip-label" x={fixed(tip_x + 4.0, 1)} y="18">{ "tip" }</text>
                { for markers }
            </svg>
        </div>
    }
}

/// Props of [`ReplayControl`].
#[derive(Properties, PartialEq, Clone)]
struct ReplayControlProps {
    /// The stream's consumers: (index, name).
    consumers: Vec<(u32, String)>,
    /// The shards shown: (index, id).
    shards: Vec<(u32, String)>,
    on_replay: Callback<ReplayRequest>,
}

/// The small control: a consumer, a shard, AT_SEQUENCE_NUMBER or AT_TIMESTAMP, and a value. Its choices are
/// state, so they survive the view's redraws.
#[component]
fn ReplayControl(props: &ReplayControlProps) -> Html {
    let consumer = use_state(|| None::<u32>);
    let shard = use_state(|| None::<u32>);
    let at_timestamp = use_state(|| false);
    let value = use_state(String::new);
    let chosen_consumer = consumer.or_else(|| props.consumers.first().map(|c| c.0));
    let chosen_shard = shard.or_else(|| props.shards.first().map(|s| s.0));
    let pick = |state: UseStateHandle<Option<u32>>| {
        Callback::from(move |e: Event| state.set(e.target_unchecked_into::<HtmlSelectElement>().value().parse().ok()))
    };
    let on_kind = {
        let at_timestamp = at_timestamp.clone();
        Callback::from(move |e: Event| {
            at_timestamp.set(e.target_unchecked_into::<HtmlSelectElement>().value() == "AT_TIMESTAMP")
        })
    };
    let on_value = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| value.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let onsubmit = {
        let (on_replay, value, at_timestamp) = (props.on_replay.clone(), value.clone(), *at_timestamp);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(consumer), Some(shard), Ok(number)) =
                (chosen_consumer, chosen_shard, value.trim().replace(',', "").parse::<u64>())
            else {
                return;
            };
            let from = if at_timestamp {
                ReplayFrom::Timestamp { at_ms: number }
            } else {
                ReplayFrom::SequenceCounter { counter: number }
            };
            on_replay.emit(ReplayRequest { consumer, shard, from });
        })
    };
    html! {
        <form class="replay-control" {onsubmit} aria-label="Replay">
            <label>{ "Consumer " }
                <select onchange={pick(consumer.clone())}>
                    { for props.consumers.iter().map(|(i, name)| html! {
                        <option value={i.to_string()} selected={chosen_consumer == Some(*i)}>{ name.clone() }</option>
                    }) }
                </select>
            </label>
            <label>{ "Shard " }
                <select onchange={pick(shard.clone())}>
                    { for props.shards.iter().map(|(i, id)| html! {
                        <option value={i.to_string()} selected={chosen_shard == Some(*i)}>{ id.clone() }</option>
                    }) }
                </select>
            </label>
            <label>{ "From " }
                <select onchange={on_kind}>
                    <option value="AT_SEQUENCE_NUMBER" selected={!*at_timestamp}>{ "AT_SEQUENCE_NUMBER (record #)" }</option>
                    <option value="AT_TIMESTAMP" selected={*at_timestamp}>{ "AT_TIMESTAMP (simulated ms)" }</option>
                </select>
            </label>
            <input type="text" inputmode="numeric" aria-label="Record number or simulated ms" size="8"
                placeholder={if *at_timestamp { "e.g. 2000" } else { "e.g. 1" }} value={(*value).clone()} oninput={on_value} />
            <button type="submit">{ "Replay" }</button>
        </form>
    }
}

/// The text alternative: one row per shard, a column per consumer.
fn table(view: &ShardLogView, on_open: &Callback<(u32, u64)>) -> Html {
    let names: Vec<String> =
        view.tapes.first().map(|t| t.markers.iter().map(|m| m.name.clone()).collect()).unwrap_or_default();
    html! {
        <div class="shard-log-table-wrap">
            <table class="shard-log-table">
                <caption>{ format!("Shard log of {} at {}", view.stream, clock(view.now_ms)) }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Shard" }</th>
                        <th scope="col">{ "Oldest retained" }</th>
                        <th scope="col">{ "Newest" }</th>
                        <th scope="col">{ "Records" }</th>
                        { for names.iter().map(|n| html! { <th scope="col">{ n.clone() }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for view.tapes.iter().map(|t| {
                        let open = {
                            let (on_open, shard, first) = (on_open.clone(), t.index, t.trim_horizon);
                            Callback::from(move |_: MouseEvent| on_open.emit((shard, first)))
                        };
                        let (oldest, newest) = match (&t.sequence_numbers, t.span_ms) {
                            (Some((a, b)), Some((ta, tb))) => (
                                format!("#{} at {} ({a})", t.trim_horizon, clock(ta)),
                                format!("#{} at {} ({b})", t.tip - 1, clock(tb)),
                            ),
                            _ => ("none".to_string(), "none".to_string()),
                        };
                        html! {
                            <tr>
                                <th scope="row">
                                    { format!("{}{}", t.shard_id, if t.open { "" } else { " (closed)" }) }
                                    if t.retained() > 0 {
                                        <button class="ghost link" onclick={open}>{ "open records" }</button>
                                    }
                                </th>
                                <td class="seq">{ oldest }</td>
                                <td class="seq">{ newest }</td>
                                <td>{ thousands(t.retained()) }</td>
                                { for t.markers.iter().map(|m| html! {
                                    <td data-consumer={m.name.clone()} data-position={m.position.map(|p| p.to_string()).unwrap_or_default()}>
                                        { match m.position {
                                            None => "waits for its parent".to_string(),
                                            Some(_) if m.finished => "read to its end".to_string(),
                                            Some(p) => format!("next #{p}, {} behind ({} ms){}", crate::format::count(m.behind_records, "record", "records"),
                                                thousands(m.behind_ms), m.lease_owner.map_or_else(String::new, |w| format!(", worker {w}"))),
                                        } }
                                    </td>
                                }) }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}
