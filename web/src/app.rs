//! The playground page: transport bar, producer -> stream canvas, totals, event log.

use crate::components::{ApiConsole, ConsumerCard, CostMeter, EventLog, NumberField, RecordBrowser, ShardCard};
use crate::format::{clock, records_per_sec, thousands};
use crate::pacing::{SPEEDS, TIMERS_PER_FRAME_MAX, sim_delta};
use crate::runner::BrowsePage;
use crate::runner::{Load, RATE_SLIDER_MAX, Runner, SHARDS_MAX, Settings};
use gloo_timers::callback::Interval;
use shardlab_engine::SimDuration;
use shardlab_engine::limits::SIM_PRODUCER_RECORDS_PER_SEC_MAX;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Records per page in the record browser (GetRecords `Limit`).
const BROWSE_LIMIT: u32 = 25;

/// Wall-clock milliseconds between frames while playing.
const FRAME_INTERVAL_MS: u32 = 50;

fn wall_now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}

/// The whole page.
#[component]
pub fn App() -> Html {
    // The default settings are valid by construction; a test in `runner` runs them.
    let runner = use_mut_ref(|| Runner::new(Settings::default()).expect("default settings are valid"));
    let playing = use_state(|| false);
    let speed = use_state(|| 1u32);
    let error = use_state(|| None::<String>);
    let behind = use_mut_ref(|| Cell::new(false));
    let redraw = use_force_update();
    let tab = use_state(|| Tab::EventLog);
    let console_error = use_state(|| None::<AttrValue>);
    let browse_page = use_state(|| None::<BrowsePage>);
    let browse_error = use_state(|| None::<AttrValue>);

    {
        // While playing, a timer moves simulated time with the wall clock; dropping it stops the run.
        let (runner, behind, redraw) = (runner.clone(), behind.clone(), redraw.clone());
        use_effect_with((*playing, *speed), move |&(playing, speed)| {
            let interval = playing.then(|| {
                let last_ms = Cell::new(wall_now_ms());
                Interval::new(FRAME_INTERVAL_MS, move || {
                    let now_ms = wall_now_ms();
                    let delta = sim_delta(now_ms - last_ms.replace(now_ms), speed);
                    let reached = runner.borrow_mut().advance_by(delta, TIMERS_PER_FRAME_MAX);
                    behind.borrow().set(!reached);
                    redraw.force_update();
                })
            });
            move || drop(interval)
        });
    }

    let on_play = {
        let playing = playing.clone();
        Callback::from(move |_: MouseEvent| playing.set(!*playing))
    };
    let on_step = {
        let (runner, redraw) = (runner.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            runner.borrow_mut().advance_by(SimDuration::SECOND, u32::MAX);
            redraw.force_update();
        })
    };
    let restart_with = {
        let (runner, error, redraw) = (runner.clone(), error.clone(), redraw.clone());
        Rc::new(move |settings: Settings| {
            match runner.borrow_mut().restart(settings) {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e.to_string())),
            }
            redraw.force_update();
        })
    };
    let on_reset = {
        let (runner, restart_with) = (runner.clone(), restart_with.clone());
        Callback::from(move |_: MouseEvent| {
            let settings = runner.borrow().settings();
            restart_with(settings);
        })
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(v) = value.parse::<u32>() {
                speed.set(v);
            }
        })
    };
    let set_rate = {
        let (runner, error, redraw) = (runner.clone(), error.clone(), redraw.clone());
        Callback::from(move |rate: u64| {
            let rate = u32::try_from(rate).unwrap_or(u32::MAX);
            match runner.borrow_mut().set_rate(rate) {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e.to_string())),
            }
            redraw.force_update();
        })
    };
    let on_slider = {
        let set_rate = set_rate.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(v) = e.target_unchecked_into::<HtmlInputElement>().value().parse::<u64>() {
                set_rate.emit(v);
            }
        })
    };
    let setting = |apply: fn(&mut Settings, u64)| {
        let (runner, restart_with) = (runner.clone(), restart_with.clone());
        Callback::from(move |v: u64| {
            let mut settings = runner.borrow().settings();
            apply(&mut settings, v);
            restart_with(settings);
        })
    };
    let on_shards = setting(|s, v| s.shard_count = u32::try_from(v).unwrap_or(u32::MAX));
    let on_read_style = {
        let (runner, restart_with) = (runner.clone(), restart_with.clone());
        Callback::from(move |e: Event| {
            let mut settings = runner.borrow().settings();
            settings.fan_out = e.target_unchecked_into::<HtmlSelectElement>().value() == "fan-out";
            restart_with(settings);
        })
    };
    let on_seed = setting(|s, v| s.seed = v);
    let on_record_bytes = setting(|s, v| s.record_bytes = u32::try_from(v).unwrap_or(u32::MAX));

    let on_api = {
        let (runner, redraw, console_error) = (runner.clone(), redraw.clone(), console_error.clone());
        Callback::from(move |(operation, body): (String, String)| {
            let outcome = runner.borrow_mut().call_console(&operation, &body);
            console_error.set(outcome.err().map(AttrValue::from));
            redraw.force_update();
        })
    };
    let on_browse = {
        let (runner, redraw, page, error) = (runner.clone(), redraw.clone(), browse_page.clone(), browse_error.clone());
        Callback::from(move |(shard, kind, argument): (String, String, String)| {
            match runner.borrow_mut().browse(&shard, &kind, &argument, BROWSE_LIMIT) {
                Ok(p) => {
                    page.set(Some(p));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.into())),
            }
            redraw.force_update();
        })
    };
    let on_browse_next = {
        let (runner, redraw, page, error) = (runner.clone(), redraw.clone(), browse_page.clone(), browse_error.clone());
        Callback::from(move |()| {
            let Some(iterator) = page.as_ref().and_then(|p| p.next_shard_iterator.clone()) else { return };
            match runner.borrow_mut().browse_next(&iterator, BROWSE_LIMIT) {
                Ok(p) => {
                    page.set(Some(p));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.into())),
            }
            redraw.force_update();
        })
    };
    let show = |target: Tab| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| tab.set(target))
    };

    let r = runner.borrow();
    let api_history: Vec<_> = r.api_history().rev().cloned().collect();
    let settings = r.settings();
    let now_ms = r.sim().now().as_millis();
    let views = r.shard_views();
    let consumers = r.consumer_views();
    let shard_ids = r.shard_ids();
    let cost_lines = r.sim().stream().map(|s| shardlab_engine::cost::estimate(&s.usage)).unwrap_or_default();
    let log: Vec<_> = r.log().rev().cloned().collect();
    let (_, producer) = r.sim().producers().next().map_or_else(Default::default, |(c, t)| (c.clone(), t));
    let throttled_total: u64 = views.iter().map(|v| v.throttled_total).sum();
    let any_over = views.iter().any(|v| v.load == Load::Throttled);
    let capacity = u64::from(settings.shard_count) * 1_000;

    html! {
        <div class="app">
            <header class="topbar">
                <h1>{ "Shardlab" }</h1>
                <span class="scenario-name">{ "Clickstream → Kinesis Data Stream" }</span>
                <div class="transport" role="group" aria-label="Run controls">
                    <button onclick={on_reset} aria-label="Reset" title="Back to t = 0 with the same settings">
                        { icon("M2 2h2v8H2zM11 2v8L5 6z") }{ " Reset" }
                    </button>
                    <button class="primary" onclick={on_play} aria-label={if *playing { "Pause" } else { "Play" }}>
                        if *playing { { icon("M2 2h3v8H2zM7 2h3v8H7z") }{ " Pause" } } else { { icon("M2 1v10l9-5z") }{ " Play" } }
                    </button>
                    <button onclick={on_step} aria-label="Step" title="Advance one simulated second" disabled={*playing}>
                        { icon("M1 2v8l6-4zM8 2h2v8H8z") }{ " Step 1 s" }
                    </button>
                </div>
                <label class="speed">{ "Speed " }
                    <select aria-label="Speed" onchange={on_speed}>
                        { for SPEEDS.iter().map(|s| html! {
                            <option value={s.to_string()} selected={*s == *speed}>{ format!("{s}×") }</option>
                        }) }
                    </select>
                </label>
                <span class="clock" data-testid="sim-clock" data-ms={now_ms.to_string()} aria-label="Simulated time">
                    { format!("t = {}", clock(now_ms)) }
                </span>
                if behind.borrow().get() {
                    <span class="behind" role="status">{ "⚠ slower than real time at this speed" }</span>
                }
            </header>
            <p class="hint">
                { format!("Press Play, then raise the producer rate past {} (the stream's {} shards × 1,000 records/s) and watch the shards throttle.",
                    records_per_sec(capacity), settings.shard_count) }
            </p>
            if let Some(message) = &*error {
                <p class="error-banner" role="alert">{ format!("Not applied: {message}") }</p>
            }
            <main class="canvas">
                <section class="node producer" aria-label="Producer">
                    <h2><span class="kind-dot" aria-hidden="true"></span>{ "Producer · clickstream" }</h2>
                    <NumberField id="producer-rate" label="Producer rate" unit="records/s" live=true
                        value={u64::from(settings.records_per_sec)} min=0 max={u64::from(SIM_PRODUCER_RECORDS_PER_SEC_MAX)}
                        on_value={set_rate} />
                    <input id="producer-rate-slider" type="range" min="0" max={RATE_SLIDER_MAX.to_string()} step="50"
                        aria-label="Producer rate slider" value={settings.records_per_sec.to_string()} oninput={on_slider} />
                    <NumberField id="record-bytes" label="Record size" unit="bytes" value={u64::from(settings.record_bytes)}
                        min=0 max=1_048_560 on_value={on_record_bytes} />
                    <p class="note">{ "Random partition keys user-0 … user-9999. PutRecord, no retries." }</p>
                    <dl class="totals">
                        <dt>{ "PutRecord calls" }</dt><dd>{ thousands(producer.attempted) }</dd>
                        <dt>{ "Accepted" }</dt><dd>{ thousands(producer.accepted) }</dd>
                        <dt>{ "Throttled" }</dt>
                        <dd data-testid="throttled-total" data-value={throttled_total.to_string()}>{ thousands(throttled_total) }</dd>
                    </dl>
                </section>
                <div class={classes!("flow", playing.then_some("running"), any_over.then_some("over"))} aria-hidden="true">
                    <span class="dot"></span><span class="dot"></span><span class="dot"></span>
                </div>
                <section class="node stream" aria-label="Data stream">
                    <h2><span class="kind-dot" aria-hidden="true"></span>{ format!("Data stream · {} · provisioned", r.sim().config().stream_name) }</h2>
                    <div class="stream-settings">
                        <NumberField id="shard-count" label="Shards" value={u64::from(settings.shard_count)} min=1
                            max={u64::from(SHARDS_MAX)} on_value={on_shards} />
                        <NumberField id="seed" label="Seed" value={settings.seed} min=0 max={u64::MAX} on_value={on_seed} />
                        <p class="note">{ "Changing shards, seed or record size restarts the run at t = 0." }</p>
                    </div>
                    <div class="keymap" role="img" aria-label="Hash key space, split between shards">
                        { for views.iter().map(|v| html! {
                            <span class={classes!("key-segment", load_class(v.load))}
                                style={format!("flex-grow:{}", v.key_space_ppm.max(1))}
                                title={format!("{}: {}.{}% of the hash key space", v.shard_id, v.key_space_ppm / 10_000, v.key_space_ppm / 1_000 % 10)}></span>
                        }) }
                    </div>
                    <div class="shards">
                        { for views.into_iter().map(|view| html! { <ShardCard {view} /> }) }
                    </div>
                </section>
                <div class={classes!("flow", "out", playing.then_some("running"))} aria-hidden="true">
                    <span class="dot"></span><span class="dot"></span><span class="dot"></span>
                </div>
                <section class="node consumer" aria-label="Consumer">
                    <h2><span class="kind-dot" aria-hidden="true"></span>{ "Consumer · analytics" }</h2>
                    <label class="field">{ "Reads with" }
                        <select aria-label="Read style" onchange={on_read_style}>
                            <option value="polling" selected={!settings.fan_out}>{ "GetRecords polling" }</option>
                            <option value="fan-out" selected={settings.fan_out}>{ "Enhanced fan-out" }</option>
                        </select>
                    </label>
                    { for consumers.into_iter().map(|view| html! { <ConsumerCard {view} /> }) }
                </section>
            </main>
            <section class="bottom">
                <div class="tabs" role="tablist">
                    { for [Tab::EventLog, Tab::Records, Tab::ApiConsole, Tab::Cost].into_iter().map(|t| html! {
                        <button role="tab" aria-selected={(*tab == t).to_string()} onclick={show(t)}>{ t.label() }</button>
                    }) }
                </div>
                { match *tab {
                    Tab::EventLog => html! { <EventLog lines={log} /> },
                    Tab::ApiConsole => html! { <ApiConsole history={api_history} on_send={on_api} error={(*console_error).clone()} /> },
                    Tab::Cost => html! { <CostMeter lines={cost_lines} elapsed_ms={now_ms} /> },
                    Tab::Records => html! {
                        <RecordBrowser shard_ids={shard_ids} page={(*browse_page).clone()} error={(*browse_error).clone()}
                            on_read={on_browse} on_next={on_browse_next} />
                    },
                } }
            </section>
        </div>
    }
}

/// The panels under the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    EventLog,
    Records,
    ApiConsole,
    Cost,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Self::EventLog => "Event log",
            Self::Records => "Records",
            Self::ApiConsole => "API console",
            Self::Cost => "Cost",
        }
    }
}

/// A 12x12 transport icon drawn from an SVG path (no icon font needed).
fn icon(path: &'static str) -> Html {
    html! { <svg viewBox="0 0 12 12" aria-hidden="true"><path d={path} /></svg> }
}

fn load_class(load: Load) -> &'static str {
    match load {
        Load::Normal => "normal",
        Load::NearLimit => "near",
        Load::Throttled => "over",
    }
}
