//! The playground page: top bar with the run controls, the pipeline's settings, the stream's live view
//! (key space, shards, charts), the consumers, and the tabs below (event log, records, API console, cost).

use crate::components::{
    ApiConsole, ConsumerCard, CostMeter, EventLog, HelpPanel, NumberField, RecordBrowser, RunTo, StreamWatch, Transport,
};
use crate::format::records_per_sec;
use crate::frame_loop::FrameLoop;
use crate::keys::{KeyListener, Shortcut};
use crate::pacing::{SPEED_DEFAULT_TENTHS, TIMERS_PER_FRAME_MAX, sim_delta};
use crate::runner::BrowsePage;
use crate::runner::{RATE_SLIDER_MAX, Runner, SHARDS_MAX, Settings};
use crate::theme::Theme;
use shardlab_engine::SimDuration;
use shardlab_engine::limits::{SHARD_WRITE_BYTES_PER_SEC, SIM_PRODUCER_RECORDS_PER_SEC_MAX};
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Records per page in the record browser (GetRecords `Limit`).
const BROWSE_LIMIT: u32 = 25;

/// Simulated time one frame of a "run to" may cover at most.
const RUN_TO_SLICE: SimDuration = SimDuration::from_secs(20);

/// The whole page.
#[component]
pub fn App() -> Html {
    // The default settings are valid by construction; a test in `runner` runs them.
    let runner = use_mut_ref(|| Runner::new(Settings::default()).expect("default settings are valid"));
    let playing = use_state(|| false);
    let speed = use_state(|| SPEED_DEFAULT_TENTHS);
    let run_to = use_state(|| None::<RunTo>);
    let error = use_state(|| None::<String>);
    let behind = use_mut_ref(|| Cell::new(false));
    let redraw = use_force_update();
    let tab = use_state(|| Tab::EventLog);
    let help_open = use_state(|| false);
    let theme = use_state(Theme::initial);
    let console_error = use_state(|| None::<AttrValue>);
    let browse_page = use_state(|| None::<BrowsePage>);
    let browse_error = use_state(|| None::<AttrValue>);

    let step_second: Rc<dyn Fn()> = {
        let (runner, redraw) = (runner.clone(), redraw.clone());
        Rc::new(move || {
            runner.borrow_mut().advance_by(SimDuration::SECOND, u32::MAX);
            redraw.force_update();
        })
    };
    let step_event: Rc<dyn Fn()> = {
        let (runner, redraw) = (runner.clone(), redraw.clone());
        Rc::new(move || {
            runner.borrow_mut().step_event();
            redraw.force_update();
        })
    };
    {
        // While playing (or fast-forwarding), each animation frame moves simulated time on in a bounded slice.
        let (runner, behind, redraw, run_to) = (runner.clone(), behind.clone(), redraw.clone(), run_to.clone());
        use_effect_with((*playing, *speed, *run_to), move |&(playing, speed, target)| {
            let frames = (playing || target.is_some()).then(|| {
                let last_ms = Cell::new(None::<f64>);
                FrameLoop::start(move |now_ms| {
                    let wall_ms = last_ms.replace(Some(now_ms)).map_or(0.0, |last| now_ms - last);
                    let mut r = runner.borrow_mut();
                    if let Some(run) = target {
                        if r.advance_toward(run.target_ms, RUN_TO_SLICE, TIMERS_PER_FRAME_MAX) {
                            run_to.set(None);
                        }
                    } else {
                        let reached = r.advance_by(sim_delta(wall_ms, speed), TIMERS_PER_FRAME_MAX);
                        behind.borrow().set(!reached);
                    }
                    drop(r);
                    redraw.force_update();
                })
            });
            move || drop(frames)
        });
    }
    {
        // Keyboard shortcuts (listed in the help panel); keys typed into fields never reach them.
        let (playing, help, step_second, step_event, run_to) =
            (playing.clone(), help_open.clone(), step_second.clone(), step_event.clone(), run_to.clone());
        use_effect_with((*playing, *help_open, *run_to), move |_| {
            let listener = KeyListener::install(move |key| match key {
                Shortcut::Key(" ") if run_to.is_none() => playing.set(!*playing),
                Shortcut::Key(".") if !*playing && run_to.is_none() => step_second(),
                Shortcut::Key(",") if !*playing && run_to.is_none() => step_event(),
                Shortcut::Key("?") => help.set(!*help),
                Shortcut::Key("Escape") => help.set(false),
                _ => {}
            });
            move || drop(listener)
        });
    }
    {
        let first = use_mut_ref(|| true);
        use_effect_with(*theme, move |theme| {
            // The first paint follows the stored or system choice; only a click is remembered.
            theme.apply(!first.replace(false));
        });
    }

    let restart_with = {
        let (runner, error, redraw, run_to) = (runner.clone(), error.clone(), redraw.clone(), run_to.clone());
        Rc::new(move |settings: Settings| {
            match runner.borrow_mut().restart(settings) {
                Ok(()) => {
                    error.set(None);
                    run_to.set(None);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            redraw.force_update();
        })
    };
    let on_play = {
        let playing = playing.clone();
        Callback::from(move |()| playing.set(!*playing))
    };
    let on_reset = {
        let (runner, restart_with) = (runner.clone(), restart_with.clone());
        Callback::from(move |()| {
            let settings = runner.borrow().settings();
            restart_with(settings);
        })
    };
    let on_step = Callback::from(move |()| step_second());
    let on_step_event = Callback::from(move |()| step_event());
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |v: u32| speed.set(v))
    };
    let on_run_to = {
        let (run_to, runner, playing) = (run_to.clone(), runner.clone(), playing.clone());
        Callback::from(move |target_ms: u64| {
            playing.set(false);
            run_to.set(Some(RunTo { from_ms: runner.borrow().sim().now().as_millis(), target_ms }));
        })
    };
    let on_cancel_run_to = {
        let run_to = run_to.clone();
        Callback::from(move |()| run_to.set(None))
    };
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| theme.set(theme.toggled()))
    };
    let on_help = {
        let help = help_open.clone();
        Callback::from(move |_: MouseEvent| help.set(!*help))
    };
    let on_close_help = {
        let help = help_open.clone();
        Callback::from(move |()| help.set(false))
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
    let (segments, dots) = r.key_space();
    let charts = Rc::new(r.chart_data());
    let consumers = r.consumer_views();
    let shard_ids = r.shard_ids();
    let cost_lines = r.sim().stream().map(|s| shardlab_engine::cost::estimate(&s.usage)).unwrap_or_default();
    let log: Vec<_> = r.log().rev().cloned().collect();
    let (_, producer) = r.sim().producers().next().map_or_else(Default::default, |(c, t)| (c.clone(), t));
    let throttled_total: u64 = views.iter().map(|v| v.throttled_total).sum();
    let capacity = u64::from(settings.shard_count) * 1_000;
    let write_limit = views.len() as u64 * SHARD_WRITE_BYTES_PER_SEC;

    html! {
        <div class="app">
            <header class="topbar">
                <h1>{ "Shardlab" }</h1>
                <span class="scenario-name">{ "Clickstream → Kinesis Data Stream" }</span>
                <Transport playing={*playing} speed_tenths={*speed} {now_ms} behind={behind.borrow().get()}
                    run_to={*run_to} {on_play} {on_reset} {on_step} {on_step_event} {on_speed} {on_run_to}
                    {on_cancel_run_to} />
                <div class="topbar-end">
                    <button class="ghost" onclick={on_theme} aria-label="Theme"
                        title={format!("Switch to the {} theme", theme.toggled().as_str())}>
                        { if *theme == Theme::Dark { "☀" } else { "☾" } }
                    </button>
                    <button class="ghost" onclick={on_help} aria-label="Help" aria-expanded={help_open.to_string()}>
                        { "?" }
                    </button>
                </div>
            </header>
            if *help_open {
                <HelpPanel on_close={on_close_help} />
            }
            if let Some(message) = &*error {
                <p class="error-banner" role="alert">{ format!("Not applied: {message}") }</p>
            }
            <div class="workspace">
                <aside class="inspector" aria-label="Settings">
                    <section class="node producer" aria-label="Producer">
                        <h2><span class="kind-dot" aria-hidden="true"></span>{ "Producer · clickstream" }</h2>
                        <NumberField id="producer-rate" label="Producer rate" unit="records/s" live=true
                            value={u64::from(settings.records_per_sec)} min=0 max={u64::from(SIM_PRODUCER_RECORDS_PER_SEC_MAX)}
                            on_value={set_rate} />
                        <input id="producer-rate-slider" type="range" min="0" max={RATE_SLIDER_MAX.to_string()} step="50"
                            aria-label="Producer rate slider" value={settings.records_per_sec.to_string()} oninput={on_slider} />
                        <NumberField id="record-bytes" label="Record size" unit="bytes" value={u64::from(settings.record_bytes)}
                            min=0 max=1_048_560 on_value={on_record_bytes} />
                        <p class="note">{ format!("Random keys user-0 … user-9999, PutRecord. {} calls, {} throttled.",
                            crate::format::thousands(producer.attempted), crate::format::thousands(throttled_total)) }</p>
                        <span hidden=true data-testid="throttled-total" data-value={throttled_total.to_string()}></span>
                    </section>
                    <section class="node stream" aria-label="Data stream">
                        <h2><span class="kind-dot" aria-hidden="true"></span>{ format!("Data stream · {}", r.sim().config().stream_name) }</h2>
                        <NumberField id="shard-count" label="Shards" value={u64::from(settings.shard_count)} min=1
                            max={u64::from(SHARDS_MAX)} on_value={on_shards} />
                        <NumberField id="seed" label="Seed" value={settings.seed} min=0 max={u64::MAX} on_value={on_seed} />
                        <p class="note">{ "Changing shards, seed or record size restarts the run at t = 0." }</p>
                    </section>
                    <section class="node consumer" aria-label="Consumer">
                        <h2><span class="kind-dot" aria-hidden="true"></span>{ "Consumer · analytics" }</h2>
                        <label class="field">{ "Reads with" }
                            <select aria-label="Read style" onchange={on_read_style}>
                                <option value="polling" selected={!settings.fan_out}>{ "GetRecords polling" }</option>
                                <option value="fan-out" selected={settings.fan_out}>{ "Enhanced fan-out" }</option>
                            </select>
                        </label>
                    </section>
                </aside>
                <main class="stage">
                    <p class="hint">
                        { format!("Press Play, then raise the producer rate past {} (the stream's {} shards × 1,000 records/s) and watch the shards throttle.",
                            records_per_sec(capacity), settings.shard_count) }
                    </p>
                    <StreamWatch shards={views} {segments} {dots} {charts} write_limit_bytes_per_sec={write_limit} />
                    <section class="consumers" aria-label="Consumers">
                        { for consumers.into_iter().map(|view| html! { <ConsumerCard {view} /> }) }
                    </section>
                </main>
            </div>
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

/// The panels under the stage.
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
