//! The playground page as a component: it holds the page's state ([`PageState`]), sends it [`Action`]s from
//! the browser (clicks, keys, animation frames, the address bar, timers), carries out the [`Effect`]s it asks
//! for, and draws it with [`crate::page_view`]. Every change goes through [`PageState::update`].

use crate::browser;
use crate::components::LibraryAction;
use crate::frame_loop::FrameLoop;
use crate::keys::{KeyListener, Shortcut};
use crate::modules::Need;
use crate::pacing::SPEED_DEFAULT_TENTHS;
use crate::page_state::{Action, AfterCourse, Clock, Effect, ExportFormat, PageState, Start, Tab};
use crate::panel_layout::PanelLayout;
use crate::startup::{choose, parse_url};
use crate::storage;
use crate::theme::Theme;
use shardlab_scenario::{NodeId, Scenario};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// Wall-clock ms after the page starts before the course is fetched in the background.
const COURSE_PREFETCH_DELAY_MS: u32 = 2_000;

fn wall_now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}

/// The page's state and the way to change it: [`Store::send`] applies an action, carries out its effects
/// and redraws the page.
#[derive(Clone)]
pub(crate) struct Store {
    state: Rc<RefCell<PageState>>,
    redraw: UseReducerDispatcher<Drawn>,
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.state, &other.state)
    }
}

/// How many times the state changed: the page draws again when it moves on.
#[derive(Default, PartialEq)]
pub(crate) struct Drawn(u64);

impl Reducible for Drawn {
    type Action = ();
    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Self(self.0.wrapping_add(1)))
    }
}

impl Store {
    /// Applies `action` and draws the result; `Err` says why an edit was refused.
    pub(crate) fn send(&self, action: Action) -> Result<(), String> {
        let outcome = self.state.borrow_mut().update(action);
        let effects = self.state.borrow_mut().take_effects();
        for effect in effects {
            self.carry_out(effect);
        }
        self.redraw.dispatch(());
        outcome
    }

    /// A callback that sends the action `make` builds from its input.
    pub(crate) fn callback<In: 'static>(&self, make: impl Fn(In) -> Action + 'static) -> Callback<In> {
        let store = self.clone();
        Callback::from(move |input| {
            let _ = store.send(make(input));
        })
    }

    /// A button's click that sends `action`.
    pub(crate) fn click(&self, action: fn() -> Action) -> Callback<MouseEvent> {
        self.callback(move |_: MouseEvent| action())
    }

    /// The state, to read.
    pub(crate) fn state(&self) -> std::cell::Ref<'_, PageState> {
        self.state.borrow()
    }

    fn carry_out(&self, effect: Effect) {
        match effect {
            // Progress is stored as JSON, by the full module only (the course is there).
            Effect::StoreProgress if crate::modules::FULL => {
                let _ = self.state().progress.store();
            }
            Effect::StoreProgress => {}
            Effect::StoreLibrary => {
                let stored = self.state().library.as_ref().map_or(Ok(()), storage::store_library);
                if let Err(why) = stored {
                    let _ = self.send(Action::StorageFailed(why));
                }
            }
            Effect::StorePanelLayout => self.state().panel_layout.store(),
            Effect::ApplyTheme => self.state().theme.apply(true),
            Effect::Download(file, mime, text) => {
                if let Err(why) = browser::download(&file, mime, &text) {
                    let _ = self.send(Action::Failed(why));
                }
            }
            Effect::CopyLink(link) => {
                let store = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let copied = browser::copy(&link).await;
                    let _ = store.send(Action::ShareCopied(link, copied));
                });
            }
            Effect::LoadCourse if crate::modules::FULL => {
                let store = self.clone();
                crate::course_content::load(Callback::from(move |()| {
                    let _ = store.send(Action::CourseLoaded(crate::course_content::current()));
                }));
            }
            Effect::Reveal(selector) => crate::tour::reveal(&selector),
            Effect::ShowEmbed => {
                let link = share_link(&self.state());
                let _ = self.send(Action::ShowEmbed(link));
            }
            Effect::LoadCourse => {}
            Effect::LoadFull(attempt) => self.load_full(attempt),
        }
    }

    /// The lite page fetches the full module; once it is here, hands the workspace over and switches to it.
    fn load_full(&self, attempt: u32) {
        #[cfg(target_arch = "wasm32")]
        {
            let store = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match crate::modules::fetch_full(attempt).await {
                    Ok(start) => {
                        let handover = {
                            let s = store.state();
                            let mut needs = s.full_module.as_ref().map_or_else(Vec::new, |l| l.needs.clone());
                            let older_link = crate::modules::take_older_link(&mut needs);
                            for need in &mut needs {
                                if let crate::modules::Need::Saved { changed } = need {
                                    *changed = s.workspace.revision() > 0;
                                }
                            }
                            crate::modules::Handover {
                                link: older_link
                                    .unwrap_or_else(|| shardlab_scenario::encode_link(s.workspace.scenario())),
                                now_ms: crate::modules::handover_ms(s.now_ms(), s.run_to.map(|r| r.target_ms)),
                                speed_tenths: s.speed_tenths,
                                playing: s.playing,
                                then: needs,
                            }
                        };
                        if let Err(why) = crate::modules::switch_to_full(&handover, &start, crate::stop) {
                            let _ = store.send(Action::FullFailed(why));
                        }
                    }
                    Err(why) => {
                        let _ = store.send(Action::FullFailed(why));
                    }
                }
            });
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = attempt;
    }
}

/// What the lite page's library says while the full module loads to read saved work in an older form.
const SAVED_WORK_WAITS: &str =
    "Your saved scenarios are kept in an older form: they open once the rest of Shardlab has loaded.";

/// Where the page starts: the URL's link or preset, else the autosaved work, else the first-minute scenario.
fn start() -> Start {
    let (hash, search) = browser::location();
    let mut request = parse_url(&hash, &search);
    // The full module opens what the lite page handed over (`crate::modules`), not the address.
    #[cfg(target_arch = "wasm32")]
    let handover = crate::modules::take_handover().filter(|_| crate::modules::FULL);
    #[cfg(not(target_arch = "wasm32"))]
    let handover: Option<crate::modules::Handover> = None;
    // A lesson link's lesson still opens from the address, as it would have in the lite page.
    let (url_lesson, url_link) = (request.lesson.clone(), request.link.is_some());
    // Saved work in an older form, which the lite page handed over at once (`Need::Saved`): the full module
    // reads it, and opens as a fresh start would unless the learner changed the lite page's scenario meanwhile.
    let reads_saved = handover.as_ref().is_some_and(|h| h.then.iter().any(|n| matches!(n, Need::Saved { .. })));
    let fresh_start = handover.as_ref().is_some_and(|h| h.then.contains(&Need::Saved { changed: false }));
    if let Some(h) = handover.as_ref().filter(|_| !fresh_start) {
        request = crate::startup::UrlRequest {
            link: Some(h.link.clone()),
            embed: request.embed,
            start_ms: Some(h.now_ms).filter(|&ms| ms > 0),
            speed_tenths: Some(h.speed_tenths),
            autoplay: h.playing,
            ..crate::startup::UrlRequest::default()
        };
    }
    // An embedded player never reads or writes the learner's storage (docs/embed.md).
    let embed = request.embed;
    // The lite page reads no saved work in an older form, and writes none over it: the full module reads it.
    let older_storage = !crate::modules::FULL && !embed && handover.is_none() && storage::holds_older_forms();
    // A handover brings its own scenario: the autosave is neither read nor kept (unless it is older work).
    let saved =
        if embed || older_storage || (handover.is_some() && !reads_saved) { None } else { storage::load_autosave() };
    // Opening someone's link replaces the working copy; keep the learner's own in the library first.
    if (request.link.is_some() || request.preset.is_some())
        && let Some(Ok(own)) = &saved
        && let Ok(mut library) = storage::load_library()
        && !library.entries.iter().any(|e| e.scenario == shardlab_scenario::encode_link(own))
        && library.save(&crate::library::autosaved_name(&own.name), own, browser::unix_now_ms()).is_ok()
    {
        let _ = storage::store_library(&library);
    }
    // The lite module opens links of the current format only; an intact older one goes to the full module as
    // it is, and the learner's own work stays open meanwhile.
    let older_link = request.link.take_if(|link| {
        !crate::modules::FULL
            && matches!(shardlab_scenario::decode_current_link(link), Err(shardlab_scenario::LinkError::Older { .. }))
    });
    let (scenario, notice) = choose(&request, saved);
    // A lesson link opens the lesson once the course is fetched: with its own pipeline, or beside the
    // shared attempt the link carries.
    let after_course =
        url_lesson.map(|id| if url_link { AfterCourse::ShowLesson(id) } else { AfterCourse::OpenLesson(id) });
    // A first visit (no link, preset or lesson asked for) starts with the tour.
    let tour_open = handover.is_none()
        && request.link.is_none()
        && older_link.is_none()
        && request.preset.is_none()
        && request.lesson.is_none()
        && !embed
        && !crate::tour::seen();
    // What the learner asked the lite page for, done once the full module runs; in the lite page, a lesson
    // link or a pipeline it does not draw needs the full module at once.
    let then = match handover {
        // A lesson link's lesson opens once the course is here (`after_course`).
        Some(h) => h.then.into_iter().filter(|n| !matches!(n, crate::modules::Need::Lesson(Some(_)))).collect(),
        None if !crate::modules::FULL => {
            let mut needs: Vec<_> = older_storage.then_some(Need::Saved { changed: false }).into_iter().collect();
            needs.extend(older_link.map(Need::Link));
            match request.lesson.clone() {
                Some(id) => needs.push(crate::modules::Need::Lesson(Some(id))),
                None if !crate::modules::lite_draws(&scenario) => needs.push(crate::modules::Need::Scenario),
                None => {}
            }
            needs
        }
        None => Vec::new(),
    };
    Start {
        scenario,
        notice,
        embed,
        playing: request.autoplay,
        speed_tenths: request.speed_tenths.unwrap_or(SPEED_DEFAULT_TENTHS),
        start_ms: request.start_ms,
        // Progress is JSON, the full module's; the lite page reads how many lessons were passed, for its badge.
        progress: match (embed, crate::modules::FULL) {
            (true, _) => crate::course::Progress::default(),
            (false, true) => crate::course::Progress::load().0,
            (false, false) => crate::course::Progress::load_passed_count(),
        },
        library: match (embed, older_storage) {
            (true, _) => Ok(crate::library::Library::default()),
            (false, true) => Err(SAVED_WORK_WAITS.into()),
            (false, false) => storage::load_library(),
        },
        theme: Theme::initial(),
        panel_layout: PanelLayout::load(),
        tour_open,
        after_course,
        then,
    }
}

/// The page's callbacks, made once: the components they go to see the same callbacks on every draw, so a
/// component whose data did not change is not drawn again.
pub(crate) struct Handlers {
    /// The state, to send actions to.
    pub(crate) store: Store,
    pub(crate) on_play: Callback<()>,
    pub(crate) on_reset: Callback<()>,
    pub(crate) on_step: Callback<()>,
    pub(crate) on_step_event: Callback<()>,
    pub(crate) on_speed: Callback<u32>,
    pub(crate) on_run_to: Callback<u64>,
    pub(crate) on_cancel_run_to: Callback<()>,
    pub(crate) on_theme: Callback<MouseEvent>,
    pub(crate) on_help: Callback<MouseEvent>,
    pub(crate) on_close_help: Callback<()>,
    pub(crate) on_undo: Callback<MouseEvent>,
    pub(crate) on_redo: Callback<MouseEvent>,
    pub(crate) on_new: Callback<MouseEvent>,
    pub(crate) on_default: Callback<MouseEvent>,
    pub(crate) on_add: Vec<Callback<MouseEvent>>,
    pub(crate) on_select: Callback<Option<NodeId>>,
    pub(crate) on_move: Callback<(NodeId, i32, i32)>,
    pub(crate) on_connect: Callback<(NodeId, NodeId)>,
    pub(crate) on_param: Callback<(NodeId, String, String), Result<(), String>>,
    pub(crate) on_connect_selected: Callback<NodeId>,
    pub(crate) on_disconnect: Callback<(NodeId, NodeId)>,
    pub(crate) on_delete: Callback<NodeId>,
    pub(crate) on_seed: Callback<u64>,
    pub(crate) on_api: Callback<(String, String)>,
    pub(crate) on_browse: Callback<(String, String, String, String)>,
    pub(crate) on_browse_next: Callback<()>,
    pub(crate) shard_log: crate::components::ShardLogHooks,
    pub(crate) on_sql: Callback<(String, String)>,
    pub(crate) on_share: Callback<MouseEvent>,
    pub(crate) on_share_download: Callback<()>,
    pub(crate) on_share_close: Callback<()>,
    pub(crate) on_embed: Callback<()>,
    pub(crate) on_export: Callback<MouseEvent>,
    pub(crate) on_export_as: [Callback<MouseEvent>; 4],
    pub(crate) on_preset: Callback<&'static str>,
    pub(crate) on_library: Callback<LibraryAction>,
    pub(crate) on_import: Callback<web_sys::HtmlInputElement>,
    pub(crate) on_pick: Callback<(Option<String>, u64)>,
    pub(crate) on_open_lesson: Callback<String>,
    pub(crate) on_check: Callback<()>,
    pub(crate) on_hint: Callback<()>,
    pub(crate) on_show_me: Callback<()>,
    pub(crate) on_restart: Callback<()>,
    pub(crate) on_quiz_right: Callback<String>,
    pub(crate) on_reset_progress: Callback<()>,
    pub(crate) on_load_course: Callback<()>,
    pub(crate) on_retry_full: Callback<MouseEvent>,
    pub(crate) on_tab: [Callback<MouseEvent>; 7],
    pub(crate) on_show_lesson: [Callback<MouseEvent>; 2],
    pub(crate) on_course_button: Callback<MouseEvent>,
    pub(crate) on_tour_course: Callback<()>,
    pub(crate) on_tour_presets: Callback<()>,
    pub(crate) on_tour_close: Callback<()>,
    pub(crate) on_stage_panel: Callback<AttrValue>,
    pub(crate) on_panel_layout: Callback<PanelLayout>,
    pub(crate) timeline_add: Callback<shardlab_scenario::ScheduledEvent, Result<(), String>>,
    pub(crate) timeline_replace: Callback<(usize, shardlab_scenario::ScheduledEvent), Result<(), String>>,
    pub(crate) timeline_remove: Callback<usize, Result<(), String>>,
    pub(crate) timeline_open_form: Callback<(Option<usize>, u64)>,
}

impl PartialEq for Handlers {
    fn eq(&self, other: &Self) -> bool {
        self.store == other.store
    }
}

impl Handlers {
    fn new(store: &Store) -> Self {
        let s = store;
        let (st1, st2, st3, st4) = (store.clone(), store.clone(), store.clone(), store.clone());
        Self {
            store: store.clone(),
            on_play: s.callback(|()| Action::TogglePlay),
            on_reset: s.callback(|()| Action::Reset),
            on_step: s.callback(|()| Action::StepSecond),
            on_step_event: s.callback(|()| Action::StepEvent),
            on_speed: s.callback(Action::SetSpeed),
            on_run_to: s.callback(Action::RunTo),
            on_cancel_run_to: s.callback(|()| Action::CancelRunTo),
            on_theme: s.click(|| Action::ToggleTheme),
            on_help: s.click(|| Action::ToggleHelp),
            on_close_help: s.callback(|()| Action::CloseHelp),
            on_undo: s.click(|| Action::Undo),
            on_redo: s.click(|| Action::Redo),
            on_new: s.click(|| Action::Open(Scenario::empty(), None)),
            on_default: s.click(|| Action::Open(Scenario::default(), None)),
            on_add: crate::page_view::PALETTE
                .iter()
                .map(|(_, make)| {
                    let make = *make;
                    s.callback(move |_: MouseEvent| Action::Add(make()))
                })
                .collect(),
            on_select: s.callback(Action::Select),
            on_move: s.callback(|(id, x, y)| Action::Move(id, x, y)),
            on_connect: s.callback(|(from, to)| Action::Connect(from, to)),
            on_param: Callback::from(move |(id, key, text)| st1.send(Action::SetParam(id, key, text))),
            on_connect_selected: s.callback(Action::ConnectSelected),
            on_disconnect: s.callback(|(from, to)| Action::Disconnect(from, to)),
            on_delete: s.callback(Action::Delete),
            on_seed: s.callback(Action::SetSeed),
            on_api: s.callback(|(operation, body)| Action::CallApi(operation, body)),
            on_browse: s.callback(|(stream, shard, kind, argument)| Action::Browse(stream, shard, kind, argument)),
            on_browse_next: s.callback(|()| Action::BrowseNext),
            shard_log: crate::components::ShardLogHooks {
                on_toggle: s.callback(|()| Action::ToggleShardLog),
                on_page: s.callback(Action::ShardLogPage),
                on_replay: s.callback(Action::Replay),
                on_open: s.callback(|(shard, position)| Action::OpenRecord(shard, position)),
            },
            on_sql: s.callback(|(app, sql)| Action::SetSql(app, sql)),
            on_share: {
                let store = store.clone();
                Callback::from(move |_: MouseEvent| {
                    let link = share_link(&store.state());
                    let _ = store.send(Action::ToggleShare(link));
                })
            },
            on_share_download: s.callback(|()| Action::Export(ExportFormat::ScenarioJson)),
            on_share_close: s.callback(|()| Action::CloseShare),
            on_embed: s.callback(|()| Action::OpenEmbed),
            on_export: s.click(|| Action::ToggleExport),
            on_export_as: [
                ExportFormat::ScenarioJson,
                ExportFormat::CloudFormation,
                ExportFormat::AwsCli,
                ExportFormat::AgentJson,
            ]
            .map(|format| s.callback(move |_: MouseEvent| Action::Export(format))),
            on_preset: s.callback(Action::OpenPreset),
            on_library: s.callback(|action| Action::Library(action, browser::unix_now_ms())),
            // Only the library's panel imports, and it is the full module's (`crate::modules`).
            on_import: if !crate::modules::FULL {
                Callback::noop()
            } else {
                let store = store.clone();
                Callback::from(move |input: web_sys::HtmlInputElement| {
                    let store = store.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let loaded = browser::read_chosen_file(&input)
                            .await
                            .and_then(|text| Scenario::from_json(&text).map_err(|e| format!("Not imported: {e}.")));
                        input.set_value("");
                        let _ = store.send(Action::Imported(loaded));
                    });
                })
            },
            on_pick: s.callback(|(node, at_ms)| Action::PickLogLine(node, at_ms)),
            on_open_lesson: s.callback(Action::OpenLesson),
            on_check: s.callback(|()| Action::Check),
            on_hint: s.callback(|()| Action::Hint),
            on_show_me: s.callback(|()| Action::ShowMe),
            on_restart: s.callback(|()| Action::RestartLesson),
            on_quiz_right: s.callback(Action::QuizRight),
            on_reset_progress: s.callback(|()| Action::ResetProgress),
            on_load_course: s.callback(|()| Action::LoadCourse),
            on_retry_full: s.click(|| Action::RetryFull),
            on_tab: Tab::ALL.map(|tab| s.callback(move |_: MouseEvent| Action::ShowTab(tab))),
            on_show_lesson: [true, false].map(|on| s.callback(move |_: MouseEvent| Action::ShowLesson(on))),
            on_course_button: {
                let store = store.clone();
                Callback::from(move |_: MouseEvent| {
                    let _ = store.send(Action::RevealTab(Tab::Course));
                })
            },
            on_tour_course: s.callback(|()| Action::TourCourse),
            on_tour_presets: s.callback(|()| Action::TourPresets),
            on_tour_close: s.callback(|()| Action::TourClose),
            on_stage_panel: s.callback(|key: AttrValue| Action::StagePanel(key.to_string())),
            on_panel_layout: s.callback(Action::SetPanelLayout),
            timeline_add: Callback::from(move |event| st2.send(Action::AddEvent(event))),
            timeline_replace: Callback::from(move |(index, event)| st3.send(Action::ReplaceEvent(index, event))),
            timeline_remove: Callback::from(move |index| st4.send(Action::RemoveEvent(index))),
            timeline_open_form: s.callback(|(editing, at_ms)| Action::OpenChangeForm(editing, at_ms)),
        }
    }
}

/// The share link of the scenario on the canvas; in a lesson, the learner's attempt at it.
fn share_link(state: &PageState) -> String {
    let lesson_part = state.lesson.as_ref().map_or_else(String::new, |l| format!("&lesson={}", l.id));
    format!("{}#{}{lesson_part}", browser::page_address(), shardlab_scenario::encode_link(state.workspace.scenario()))
}

/// The whole page.
#[component]
pub fn App() -> Html {
    let state = use_mut_ref(|| PageState::new(start()));
    let drawn = use_reducer(Drawn::default);
    let store = Store { state: state.clone(), redraw: drawn.dispatcher() };
    let handlers = {
        let store = store.clone();
        use_memo((), move |()| Handlers::new(&store))
    };
    let (running, grading, embed, revision) = {
        let s = state.borrow();
        (s.running(), s.grading_percent.is_some(), s.embed, s.workspace.revision())
    };
    let clock: Clock = Rc::new(wall_now_ms);
    {
        // While playing (or running to a time), each animation frame moves simulated time on within the
        // frame's wall-clock budget.
        let (store, clock) = (store.clone(), clock.clone());
        use_effect_with(running, move |&running| {
            let frames = running.then(|| {
                let last_ms = Cell::new(None::<f64>);
                FrameLoop::start(move |now_ms| {
                    let wall_ms = last_ms.replace(Some(now_ms)).map_or(0.0, |last| now_ms - last);
                    let _ = store.send(Action::Frame { started_ms: now_ms, wall_ms, clock: clock.clone() });
                })
            });
            move || drop(frames)
        });
    }
    {
        // Grading runs the lesson's simulation within a budget per animation frame, so the page keeps drawing.
        let store = store.clone();
        use_effect_with(grading, move |&grading| {
            let frames = grading.then(|| {
                FrameLoop::start(move |_| {
                    let _ = store.send(Action::GradeFrame { clock: clock.clone() });
                })
            });
            move || drop(frames)
        });
    }
    {
        // Keyboard shortcuts (listed in the help panel); keys typed into fields never reach them.
        let store = store.clone();
        use_effect_with((), move |()| {
            let listener = KeyListener::install(move |key| {
                let (playing, idle) = {
                    let s = store.state();
                    (s.playing, s.run_to.is_none())
                };
                let action = match key {
                    Shortcut::Key(" ") if idle => Action::TogglePlay,
                    Shortcut::Key(".") if !playing && idle => Action::StepSecond,
                    Shortcut::Key(",") if !playing && idle => Action::StepEvent,
                    Shortcut::Key("?") => Action::ToggleHelp,
                    Shortcut::Key("Escape") => Action::CloseHelp,
                    Shortcut::Key("Delete" | "Backspace") => Action::DeleteSelected,
                    Shortcut::Undo => Action::Undo,
                    Shortcut::Redo => Action::Redo,
                    Shortcut::Key(_) => return,
                };
                let _ = store.send(action);
            });
            move || drop(listener)
        });
    }
    {
        // The first paint follows the stored or system choice; only a click is remembered.
        let theme = state.borrow().theme;
        use_effect_with((), move |()| theme.apply(false));
    }
    {
        // A link or preset pasted into the address bar of an open page opens too (the page does not reload).
        let store = store.clone();
        use_effect_with((), move |()| {
            let listener = browser::WindowListener::install("hashchange", move |_| {
                let (hash, search) = browser::location();
                let request = parse_url(&hash, &search);
                if request.link.is_none() && request.preset.is_none() {
                    return;
                }
                let current = store.state().workspace.scenario().clone();
                let (scenario, message) = choose(&request, Some(Ok(current)));
                let _ = store.send(Action::Open(scenario, message));
            });
            move || drop(listener)
        });
    }
    {
        // Autosave after every change, so a reload or a crash loses nothing. Embedded players do not save.
        let store = store.clone();
        use_effect_with(revision, move |_| {
            // Nor does a lite page whose saved work is in an older form: the full module reads that first.
            if embed || store.state().saved_work_waits() {
                return;
            }
            let saved = storage::store_autosave(store.state().workspace.scenario());
            if let Err(why) = saved {
                let _ = store.send(Action::StorageFailed(why));
            }
        });
    }
    {
        // What waits for the page to start: the lite page fetches the full module at once for a lesson link or
        // a pipeline it does not draw; the full module does what the lite page handed over (`Start::then`).
        let store = store.clone();
        use_effect_with((), move |()| {
            let _ = store.send(Action::Started);
        });
    }
    {
        // The course is data fetched beside the page: a lesson link asks for it at once; otherwise it is
        // fetched quietly once the page runs, so the Course tab opens at once (and offline, from the cache).
        let store = store.clone();
        use_effect_with((), move |()| {
            let waiting = store.state().lesson_link_waiting();
            let delay_ms = if waiting { 0 } else { COURSE_PREFETCH_DELAY_MS };
            // The lite page has no course: the full module has it (`crate::modules`).
            let prefetch = (!embed && crate::modules::FULL).then(|| {
                gloo_timers::callback::Timeout::new(delay_ms, move || {
                    let _ = store.send(Action::LoadCourse);
                })
            });
            move || drop(prefetch)
        });
    }
    // An embedded player's host page plays, pauses, seeks and sets the speed (docs/embed.md).
    let embed_controls = crate::embed_bridge::EmbedControls {
        set_playing: store.callback(Action::SetPlaying),
        set_speed: store.callback(Action::SetSpeed),
        seek: store.callback(Action::Seek),
    };
    let embed_state = {
        let s = state.borrow();
        if embed {
            crate::embed::PlayerState::of(s.workspace.runner(), s.running(), s.speed_tenths)
        } else {
            crate::embed::PlayerState::default()
        }
    };
    crate::embed_bridge::use_embed_bridge(embed, embed_controls, embed_state);

    // What is drawn from the run's views changes only when they are rebuilt (or the chart marker moves).
    let (generation, marked_second) = {
        let s = state.borrow();
        (s.views_generation(), s.marked_second)
    };
    let stage_panels = {
        let (state, handlers) = (state.clone(), handlers.clone());
        use_memo((generation, marked_second), move |_| crate::page_view::stage_panels(&state.borrow(), &handlers))
    };
    let s = state.borrow();
    crate::page_view::page(&s, &handlers, (*stage_panels).clone())
}
