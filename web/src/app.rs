//! The playground page: the top bar (run controls, theme, help), the palette, the pipeline canvas with the
//! stream's live view under it, the inspector, and the tabs below (event log, records, API console, cost).

use crate::browser;
use crate::components::{
    AnalyticsPanel, ApiConsole, CanvasNode, ConsumerCard, CostMeter, CourseOutline, EventLog, FirehosePanel, HelpPanel,
    Inspector, LessonPanel, LibraryAction, LibraryPanel, Link, PipelineCanvas, PresetGallery, RecordBrowser, RunTo,
    ScenarioPanel, SharePanel, StagePanel, StagePanels, StreamWatch, Transport,
};
use crate::format::{bytes_per_sec, count, records_per_sec, thousands};
use crate::frame_loop::FrameLoop;
use crate::keys::{KeyListener, Shortcut};
use crate::pacing::{SPEED_DEFAULT_TENTHS, sim_delta};
use crate::panel_layout::PanelLayout;
use crate::runner::{BrowsePage, Load, Runner};
use crate::startup::{choose, parse_url};
use crate::storage;
use crate::theme::Theme;
use crate::workspace::Workspace;
use shardlab_engine::SimDuration;
use shardlab_engine::limits::SHARD_WRITE_BYTES_PER_SEC;
use shardlab_scenario::{NodeId, NodeKind, Scenario};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// Records per page in the record browser (GetRecords `Limit`).
const BROWSE_LIMIT: u32 = 25;

/// Wall-clock ms after the page starts before the course is fetched in the background.
const COURSE_PREFETCH_DELAY_MS: u32 = 2_000;

/// Simulated seconds a lesson's grading run covers per animation frame.
const GRADING_SECONDS_PER_FRAME: u32 = 5;

/// Wall-clock milliseconds of simulation work in a simulating frame (frames alternate between simulating
/// and drawing), well inside a 16.7 ms frame.
const FRAME_WORK_BUDGET_MS: f64 = 9.0;

fn wall_now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}

/// A palette button: its visible text (its accessible name is "Add" and the text), and what it adds.
type PaletteItem = (&'static str, fn() -> NodeKind);

/// The palette.
const PALETTE: [PaletteItem; 10] = [
    ("Producer", NodeKind::producer),
    ("Data stream", NodeKind::data_stream),
    ("Consumer", NodeKind::consumer),
    ("Firehose", NodeKind::firehose),
    ("Analytics app", NodeKind::analytics),
    ("Destination", NodeKind::destination),
    ("Kinesis Agent", NodeKind::kinesis_agent),
    ("Camera", NodeKind::camera),
    ("Video stream", NodeKind::video_stream),
    ("Video consumer", NodeKind::video_consumer),
];

type Shared = Rc<RefCell<Workspace>>;

/// A record-browser read: `None` when the pipeline cannot run.
type BrowseOutcome = Option<Result<BrowsePage, String>>;

/// The whole page.
#[component]
pub fn App() -> Html {
    // What to open: the URL's link or preset, else the autosaved work, else the first-minute scenario.
    let start = use_memo((), |()| {
        let (hash, search) = browser::location();
        let request = parse_url(&hash, &search);
        // An embedded player never reads or writes the learner's storage (docs/embed.md).
        let saved = if request.embed { None } else { storage::load_autosave() };
        // Opening someone's link replaces the working copy; keep the learner's own in the library first.
        if (request.link.is_some() || request.preset.is_some())
            && let Some(Ok(own)) = &saved
            && let Ok(mut library) = storage::load_library()
            && !library.entries.iter().any(|e| e.scenario_json == own.to_json())
            && library.save(&format!("{} (autosaved)", own.name), own, browser::unix_now_ms()).is_ok()
        {
            let _ = storage::store_library(&library);
        }
        let (scenario, notice) = choose(&request, saved);
        // A lesson link opens the lesson once the course is fetched (below).
        let lesson_link = request.lesson.clone().map(|id| (id, request.link.is_some()));
        (scenario, notice, request.embed, lesson_link, request)
    });
    let embed = start.2;
    let workspace: Shared = use_mut_ref(|| Workspace::new(start.0.clone()));
    let playing = use_state(|| start.4.autoplay);
    let speed = use_state(|| start.4.speed_tenths.unwrap_or(SPEED_DEFAULT_TENTHS));
    let run_to = use_state(|| start.4.start_ms.map(|target_ms| RunTo { from_ms: 0, target_ms }));
    let notice = use_state(|| start.1.clone());
    let library = use_mut_ref(|| if embed { Ok(crate::library::Library::default()) } else { storage::load_library() });
    let library_error = use_state(|| None::<AttrValue>);
    let share = use_state(|| None::<(String, Option<Result<(), String>>)>);
    let export_open = use_state(|| false);
    let marked_second = use_state(|| None::<u64>);
    let lesson = use_state(|| None::<Rc<shardlab_lessons::Lesson>>);
    let progress =
        use_mut_ref(|| if embed { crate::course::Progress::default() } else { crate::course::Progress::load().0 });
    // Whether the canvas holds the lesson's "Show me" solution (until the lesson is opened or started over).
    let from_show_me = use_mut_ref(|| false);
    let grade = use_state(|| None::<shardlab_lessons::Grade>);
    let grading = use_mut_ref(|| None::<shardlab_lessons::Grading>);
    let grading_percent = use_state(|| None::<u32>);
    let show_lesson = use_state(|| false);
    // Firehose buffers are sampled each frame for their chart; a new run (time going back) starts over.
    let firehose_watch = use_mut_ref(crate::pipeline_views::FirehoseWatch::default);
    let sampled_ms = use_mut_ref(|| Cell::new(0u64));
    let behind = use_mut_ref(|| Cell::new(false));
    let redraw = use_force_update();
    let tab = use_state(|| Tab::EventLog);
    let help_open = use_state(|| false);
    let theme = use_state(Theme::initial);
    let console_error = use_state(|| None::<AttrValue>);
    let browse_page = use_state(|| None::<BrowsePage>);
    let browse_error = use_state(|| None::<AttrValue>);
    let panel_layout = use_state(PanelLayout::load);
    let stage_panel = use_state(|| None::<AttrValue>);
    // How many lessons the course has (their files are fetched when first needed).
    let course_total = shardlab_lessons::LESSON_FILE_NAMES.len();
    // A first visit (no link, preset or lesson asked for) starts with the tour.
    let tour_open = use_state(|| {
        let request = {
            let (hash, search) = browser::location();
            parse_url(&hash, &search)
        };
        request.link.is_none()
            && request.preset.is_none()
            && request.lesson.is_none()
            && !request.embed
            && !crate::tour::seen()
    });
    let shard_log_page = use_state(|| None::<usize>);

    // Runs `f` on the workspace, then redraws; an Err is shown in the notice line.
    let act = {
        let (workspace, redraw, notice) = (workspace.clone(), redraw.clone(), notice.clone());
        Rc::new(move |f: &dyn Fn(&mut Workspace) -> Result<(), String>| {
            let outcome = f(&mut workspace.borrow_mut());
            notice.set(outcome.err());
            redraw.force_update();
        })
    };
    let step_second: Rc<dyn Fn()> = {
        let act = act.clone();
        Rc::new(move || {
            act(&|w| {
                w.advance_by(SimDuration::SECOND, u32::MAX);
                Ok(())
            })
        })
    };
    let step_event: Rc<dyn Fn()> = {
        let act = act.clone();
        Rc::new(move || {
            act(&|w| {
                if let Some(r) = w.runner_mut() {
                    r.step_event();
                }
                Ok(())
            })
        })
    };
    let undo: Rc<dyn Fn()> = {
        let act = act.clone();
        Rc::new(move || act(&|w| if w.undo() { Ok(()) } else { Err("Nothing to undo.".into()) }))
    };
    let redo: Rc<dyn Fn()> = {
        let act = act.clone();
        Rc::new(move || act(&|w| if w.redo() { Ok(()) } else { Err("Nothing to redo.".into()) }))
    };
    let delete_selected: Rc<dyn Fn()> = {
        let act = act.clone();
        Rc::new(move || act(&|w| w.selected().map_or(Ok(()), |id| w.delete(id))))
    };
    {
        // While playing (or fast-forwarding), each animation frame moves simulated time on in a bounded slice.
        let (workspace, behind, redraw, run_to) = (workspace.clone(), behind.clone(), redraw.clone(), run_to.clone());
        use_effect_with((*playing, *speed, *run_to), move |&(playing, speed, target)| {
            let frames = (playing || target.is_some()).then(|| {
                let last_ms = Cell::new(None::<f64>);
                // Frames alternate between simulating and drawing, so neither has to share a 16.7 ms frame
                // with the other: the page stays at the display's rate while the picture updates at half of it.
                let draw_next = Cell::new(false);
                let pending_ms = Cell::new(0.0);
                FrameLoop::start(move |now_ms| {
                    let wall_ms = last_ms.replace(Some(now_ms)).map_or(0.0, |last| now_ms - last);
                    if draw_next.replace(false) {
                        pending_ms.set(pending_ms.get() + wall_ms);
                        redraw.force_update();
                        return;
                    }
                    let wall_ms = pending_ms.replace(0.0) + wall_ms;
                    let mut w = workspace.borrow_mut();
                    // The frame's work stops once its wall-clock budget is spent, whatever the speed.
                    let deadline_ms = wall_now_ms() + FRAME_WORK_BUDGET_MS;
                    let mut out_of_time = || wall_now_ms() > deadline_ms;
                    if let Some(run) = target {
                        let done =
                            w.runner_mut().is_none_or(|r| r.advance_toward_until(run.target_ms, &mut out_of_time));
                        if done {
                            run_to.set(None);
                        }
                    } else {
                        let reached = w.advance_by_until(sim_delta(wall_ms, speed), &mut out_of_time);
                        behind.borrow().set(!reached);
                    }
                    draw_next.set(true);
                })
            });
            move || drop(frames)
        });
    }
    {
        // Keyboard shortcuts (listed in the help panel); keys typed into fields never reach them.
        let (playing, help, run_to) = (playing.clone(), help_open.clone(), run_to.clone());
        let (step_second, step_event, undo, redo, delete_selected) =
            (step_second.clone(), step_event.clone(), undo.clone(), redo.clone(), delete_selected.clone());
        use_effect_with((*playing, *help_open, *run_to), move |_| {
            let idle = run_to.is_none();
            let listener = KeyListener::install(move |key| match key {
                Shortcut::Key(" ") if idle => playing.set(!*playing),
                Shortcut::Key(".") if !*playing && idle => step_second(),
                Shortcut::Key(",") if !*playing && idle => step_event(),
                Shortcut::Key("?") => help.set(!*help),
                Shortcut::Key("Escape") => help.set(false),
                Shortcut::Key("Delete" | "Backspace") => delete_selected(),
                Shortcut::Undo => undo(),
                Shortcut::Redo => redo(),
                Shortcut::Key(_) => {}
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

    {
        // A link or preset pasted into the address bar of an open page opens too (the page does not reload).
        let (workspace, notice, redraw) = (workspace.clone(), notice.clone(), redraw.clone());
        use_effect_with((), move |()| {
            let listener = browser::WindowListener::install("hashchange", move |_| {
                let (hash, search) = browser::location();
                let request = parse_url(&hash, &search);
                if request.link.is_none() && request.preset.is_none() {
                    return;
                }
                let current = workspace.borrow().scenario().clone();
                let (scenario, message) = choose(&request, Some(Ok(current.clone())));
                if scenario != current {
                    workspace.borrow_mut().open(scenario);
                }
                notice.set(message);
                redraw.force_update();
            });
            move || drop(listener)
        });
    }
    {
        // Autosave after every change, so a reload or a crash loses nothing. Embedded players do not save.
        let (workspace, library_error) = (workspace.clone(), library_error.clone());
        let revision = workspace.borrow().revision();
        use_effect_with(revision, move |_| {
            if !embed && let Err(why) = storage::store_autosave(workspace.borrow().scenario()) {
                library_error.set(Some(why.into()));
            }
        });
    }

    let on_play = {
        let playing = playing.clone();
        Callback::from(move |()| playing.set(!*playing))
    };
    let on_reset = {
        let (act, run_to) = (act.clone(), run_to.clone());
        Callback::from(move |()| {
            run_to.set(None);
            act(&|w| {
                w.restart();
                Ok(())
            });
        })
    };
    let on_step = Callback::from(move |()| step_second());
    let on_step_event = Callback::from(move |()| step_event());
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |v: u32| speed.set(v))
    };
    let on_run_to = {
        let (run_to, workspace, playing) = (run_to.clone(), workspace.clone(), playing.clone());
        Callback::from(move |target_ms: u64| {
            playing.set(false);
            let from_ms = workspace.borrow().runner().map_or(0, |r| r.sim().now().as_millis());
            run_to.set(Some(RunTo { from_ms, target_ms }));
        })
    };
    // An embedded player's host page plays, pauses, seeks and sets the speed (docs/embed.md).
    let embed_controls = {
        let (playing, speed, run_to, act) = (playing.clone(), speed.clone(), run_to.clone(), act.clone());
        crate::embed_bridge::EmbedControls {
            set_playing: Callback::from(move |on: bool| playing.set(on)),
            set_speed: Callback::from(move |tenths: u32| speed.set(tenths)),
            seek: Callback::from(move |target_ms: u64| {
                let from_ms = Cell::new(0);
                act(&|w| {
                    if w.runner().is_some_and(|r| r.sim().now().as_millis() > target_ms) {
                        w.restart();
                    }
                    from_ms.set(w.runner().map_or(0, |r| r.sim().now().as_millis()));
                    Ok(())
                });
                run_to.set(Some(RunTo { from_ms: from_ms.get(), target_ms }));
            }),
        }
    };
    let embed_state = if embed {
        crate::embed::PlayerState::of(workspace.borrow().runner(), *playing || run_to.is_some(), *speed)
    } else {
        crate::embed::PlayerState::default()
    };
    crate::embed_bridge::use_embed_bridge(embed, embed_controls, embed_state);
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
    let click = |f: &Rc<dyn Fn()>| {
        let f = f.clone();
        Callback::from(move |_: MouseEvent| f())
    };
    let on_undo = click(&undo);
    let on_redo = click(&redo);
    let on_new = {
        let act = act.clone();
        Callback::from(move |_: MouseEvent| {
            act(&|w| {
                w.open(Scenario::empty());
                Ok(())
            })
        })
    };
    let on_default = {
        let act = act.clone();
        Callback::from(move |_: MouseEvent| {
            act(&|w| {
                w.open(Scenario::default());
                Ok(())
            })
        })
    };
    let on_select = {
        let (act, show_lesson, stage_panel, workspace) =
            (act.clone(), show_lesson.clone(), stage_panel.clone(), workspace.clone());
        Callback::from(move |id: Option<NodeId>| {
            // Selecting a component shows its inspector, also during a lesson, and its panel under the canvas.
            if id.is_some() {
                show_lesson.set(false);
            }
            let key = id.and_then(|id| {
                let w = workspace.borrow();
                w.scenario().pipeline.node(id).and_then(|n| crate::panel_layout::panel_key(&n.kind, &n.name))
            });
            if let Some(key) = key {
                stage_panel.set(Some(key.into()));
            }
            act(&|w| {
                w.select(id);
                Ok(())
            })
        })
    };
    let on_move = {
        let act = act.clone();
        Callback::from(move |(id, x, y): (NodeId, i32, i32)| {
            act(&|w| {
                w.move_node(id, x, y);
                Ok(())
            })
        })
    };
    let on_connect_pair = {
        let act = act.clone();
        Callback::from(move |(from, to): (NodeId, NodeId)| {
            act(&|w| w.connect(from, to).map_err(|why| format!("Not connected: {why}.")))
        })
    };
    let on_param = {
        let (workspace, redraw) = (workspace.clone(), redraw.clone());
        Callback::from(move |(id, key, text): (NodeId, String, String)| {
            let outcome = workspace.borrow_mut().set_param(id, &key, &text);
            redraw.force_update();
            outcome
        })
    };
    let on_inspector_connect = {
        let (act, workspace) = (act.clone(), workspace.clone());
        Callback::from(move |to: NodeId| {
            let Some(from) = workspace.borrow().selected() else { return };
            act(&|w| w.connect(from, to).map_err(|why| format!("Not connected: {why}.")))
        })
    };
    let on_disconnect = {
        let act = act.clone();
        Callback::from(move |(from, to): (NodeId, NodeId)| act(&|w| w.disconnect(from, to)))
    };
    let on_delete = {
        let act = act.clone();
        Callback::from(move |id: NodeId| act(&|w| w.delete(id)))
    };
    let on_seed = {
        let workspace = workspace.clone();
        let redraw = redraw.clone();
        Callback::from(move |seed: u64| {
            workspace.borrow_mut().set_seed(seed);
            redraw.force_update();
        })
    };
    let on_api = {
        let (workspace, redraw, console_error) = (workspace.clone(), redraw.clone(), console_error.clone());
        Callback::from(move |(operation, body): (String, String)| {
            let outcome = workspace.borrow_mut().runner_mut().map(|r| r.call_console(&operation, &body));
            console_error.set(match outcome {
                Some(Err(e)) => Some(e.into()),
                None => Some("The pipeline cannot run yet, so there is no simulation to call.".into()),
                Some(Ok(())) => None,
            });
            redraw.force_update();
        })
    };
    // A record-browser read: shows the page, or why there is none.
    let show_page: Rc<dyn Fn(BrowseOutcome)> = {
        let (redraw, page, error) = (redraw.clone(), browse_page.clone(), browse_error.clone());
        Rc::new(move |outcome| {
            match outcome {
                Some(Ok(p)) => {
                    page.set(Some(p));
                    error.set(None);
                }
                Some(Err(e)) => error.set(Some(e.into())),
                None => error.set(Some("The pipeline cannot run yet.".into())),
            }
            redraw.force_update();
        })
    };
    let on_browse = {
        let (workspace, show_page) = (workspace.clone(), show_page.clone());
        Callback::from(move |(stream, shard, kind, argument): (String, String, String, String)| {
            let outcome =
                workspace.borrow_mut().runner_mut().map(|r| r.browse(&stream, &shard, &kind, &argument, BROWSE_LIMIT));
            show_page(outcome);
        })
    };
    // The shard log view: open (from a shard index) or closed; replays and record links.
    let shard_log_open = {
        let (page, redraw) = (shard_log_page.clone(), redraw.clone());
        let toggle = Callback::from(move |()| {
            page.set(if page.is_some() { None } else { Some(0) });
            redraw.force_update();
        });
        let page = shard_log_page.clone();
        let on_page = Callback::from(move |start: usize| page.set(Some(start)));
        let act = act.clone();
        let on_replay = Callback::from(move |request: crate::shard_log::ReplayRequest| {
            act(&|w| w.runner_mut().map_or(Ok(()), |r| r.replay(request).map(drop)))
        });
        let (workspace, show_page, tab) = (workspace.clone(), show_page.clone(), tab.clone());
        let on_open = Callback::from(move |(stream, shard, position): (String, u32, u64)| {
            let mut w = workspace.borrow_mut();
            let outcome = w.runner_mut().map(|r| {
                let seq = crate::shard_log::sequence_number_at(r.sim(), &stream, shard, position)
                    .ok_or_else(|| format!("Record #{position} is no longer retained."))?;
                let shard_id = shardlab_engine::ShardId(shard).to_string();
                r.browse(&stream, &shard_id, "AT_SEQUENCE_NUMBER", &seq, BROWSE_LIMIT)
            });
            drop(w);
            tab.set(Tab::Records);
            show_page(outcome);
        });
        (*shard_log_page, toggle, on_page, on_replay, on_open)
    };
    let on_browse_next = {
        let (workspace, page) = (workspace.clone(), browse_page.clone());
        Callback::from(move |()| {
            let Some(iterator) = page.as_ref().and_then(|p| p.next_shard_iterator.clone()) else { return };
            let outcome = workspace.borrow_mut().runner_mut().map(|r| r.browse_next(&iterator, BROWSE_LIMIT));
            show_page(outcome);
        })
    };
    let on_share = {
        let (share, workspace) = (share.clone(), workspace.clone());
        let lesson_id = lesson.as_ref().map(|l| l.id.clone());
        Callback::from(move |_: MouseEvent| {
            if share.is_some() {
                share.set(None);
                return;
            }
            // In a lesson, the link is the learner's attempt at it.
            let lesson_part = lesson_id.as_ref().map_or_else(String::new, |id| format!("&lesson={id}"));
            let link = format!(
                "{}#{}{lesson_part}",
                browser::page_address(),
                shardlab_scenario::encode_link(workspace.borrow().scenario())
            );
            share.set(Some((link.clone(), None)));
            let share = share.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let copied = browser::copy(&link).await;
                share.set(Some((link, Some(copied))));
            });
        })
    };
    let download_json = {
        let (workspace, notice) = (workspace.clone(), notice.clone());
        Rc::new(move || {
            let w = workspace.borrow();
            let file = format!("{}.json", file_stem(&w.scenario().name));
            if let Err(why) = browser::download(&file, "application/json", &w.scenario().to_json()) {
                notice.set(Some(why));
            }
        })
    };
    let on_share_download = {
        let download_json = download_json.clone();
        Callback::from(move |()| download_json())
    };
    let on_share_close = {
        let share = share.clone();
        Callback::from(move |()| share.set(None))
    };
    let on_export = {
        let export_open = export_open.clone();
        Callback::from(move |_: MouseEvent| export_open.set(!*export_open))
    };
    let on_export_json = {
        let (download_json, export_open) = (download_json.clone(), export_open.clone());
        Callback::from(move |_: MouseEvent| {
            download_json();
            export_open.set(false);
        })
    };
    // CloudFormation, the AWS CLI script and agent.json, with notes where this run hit a limit.
    let export_as = |format: ExportFormat| {
        let (workspace, notice, export_open) = (workspace.clone(), notice.clone(), export_open.clone());
        Callback::from(move |_: MouseEvent| {
            let w = workspace.borrow();
            let scenario = w.scenario();
            let findings = w.runner().map(|r| shardlab_scenario::Findings::from_simulation(r.sim()));
            let stem = file_stem(&scenario.name);
            let (file, mime, text) = match format {
                ExportFormat::CloudFormation => {
                    (format!("{stem}.yaml"), "application/yaml", Ok(scenario.to_cloudformation(findings.as_ref())))
                }
                ExportFormat::AwsCli => {
                    (format!("{stem}.sh"), "text/x-shellscript", Ok(scenario.to_aws_cli(findings.as_ref())))
                }
                ExportFormat::AgentJson => ("agent.json".to_string(), "application/json", scenario.to_agent_json()),
            };
            let outcome = text.and_then(|text| browser::download(&file, mime, &text));
            notice.set(outcome.err());
            export_open.set(false);
        })
    };
    let on_preset = {
        let (act, tab) = (act.clone(), tab.clone());
        Callback::from(move |id: &'static str| {
            if let Some(preset) = shardlab_scenario::preset(id) {
                let scenario = preset.scenario();
                act(&|w| {
                    w.open(scenario.clone());
                    Ok(())
                });
                tab.set(Tab::EventLog);
            }
        })
    };
    let on_library = {
        let (library, library_error, act, redraw, download_json) =
            (library.clone(), library_error.clone(), act.clone(), redraw.clone(), download_json.clone());
        let workspace = workspace.clone();
        Callback::from(move |action: LibraryAction| {
            let mut guard = library.borrow_mut();
            let Ok(lib) = guard.as_mut() else { return };
            let now = browser::unix_now_ms();
            let outcome: Result<(), String> = match action {
                LibraryAction::SaveCurrent(name) => lib.save(&name, workspace.borrow().scenario(), now).map(drop),
                LibraryAction::Open(id) => lib.scenario(id).map(|scenario| {
                    act(&|w| {
                        w.open(scenario.clone());
                        Ok(())
                    })
                }),
                LibraryAction::Rename(id, name) => lib.rename(id, &name),
                LibraryAction::Duplicate(id) => lib.duplicate(id, now).map(drop),
                LibraryAction::Delete(id) => lib.delete(id).map(drop),
                LibraryAction::UndoDelete => {
                    lib.undo_delete();
                    Ok(())
                }
                LibraryAction::ExportCurrent => {
                    download_json();
                    Ok(())
                }
            };
            let stored = storage::store_library(lib);
            library_error.set(outcome.and(stored).err().map(AttrValue::from));
            drop(guard);
            redraw.force_update();
        })
    };
    let on_import = {
        let (act, library_error) = (act.clone(), library_error.clone());
        Callback::from(move |input: web_sys::HtmlInputElement| {
            let (act, library_error) = (act.clone(), library_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = browser::read_chosen_file(&input).await.and_then(|text| {
                    shardlab_scenario::Scenario::from_json(&text).map_err(|e| format!("Not imported: {e}."))
                });
                input.set_value("");
                match loaded {
                    Ok(scenario) => {
                        library_error.set(None);
                        act(&|w| {
                            w.open(scenario.clone());
                            Ok(())
                        });
                    }
                    Err(why) => library_error.set(Some(why.into())),
                }
            });
        })
    };
    let on_pick = {
        let (workspace, marked_second, redraw) = (workspace.clone(), marked_second.clone(), redraw.clone());
        Callback::from(move |(node, at_ms): (Option<String>, u64)| {
            let mut w = workspace.borrow_mut();
            let id = node.and_then(|name| w.scenario().pipeline.nodes.iter().find(|n| n.name == name).map(|n| n.id));
            if id.is_some() {
                w.select(id);
            }
            // A line at t = N s reports the second that ended then.
            marked_second.set(Some((at_ms / 1_000).saturating_sub(1)));
            drop(w);
            redraw.force_update();
        })
    };
    {
        // Grading runs the lesson's simulation a slice per animation frame, so the page keeps drawing.
        let (grading, grade, grading_percent, progress, lesson, from_show_me) = (
            grading.clone(),
            grade.clone(),
            grading_percent.clone(),
            progress.clone(),
            lesson.clone(),
            from_show_me.clone(),
        );
        use_effect_with(grading_percent.is_some(), move |&running| {
            let frames = running.then(|| {
                FrameLoop::start(move |_| {
                    let mut slot = grading.borrow_mut();
                    let Some(g) = slot.as_mut() else { return };
                    if let Some(done) = g.step(GRADING_SECONDS_PER_FRAME).cloned() {
                        if done.passed
                            && let Some(l) = lesson.as_ref()
                        {
                            let mut p = progress.borrow_mut();
                            p.record_grade(&l.id, done.passed, *from_show_me.borrow());
                            let _ = p.store();
                        }
                        grade.set(Some(done));
                        *slot = None;
                        grading_percent.set(None);
                    } else {
                        grading_percent.set(Some(g.progress_percent()));
                    }
                })
            });
            move || drop(frames)
        });
    }
    let open_lesson = {
        let (lesson, act, grade, show_lesson, notice, from_show_me) =
            (lesson.clone(), act.clone(), grade.clone(), show_lesson.clone(), notice.clone(), from_show_me.clone());
        Callback::from(move |id: String| {
            let Some(l) = crate::course_content::lesson(&id) else {
                notice.set(Some(format!("There is no lesson \"{id}\"; open the Course tab to pick one.")));
                return;
            };
            match shardlab_lessons::start_scenario(&l) {
                Ok(start) => {
                    *from_show_me.borrow_mut() = false;
                    act(&|w| {
                        w.open(start.clone());
                        Ok(())
                    });
                    lesson.set(Some(Rc::new(l)));
                    grade.set(None);
                    show_lesson.set(true);
                }
                Err(why) => notice.set(Some(format!("The lesson's pipeline could not be built: {why}"))),
            }
        })
    };
    {
        // The course is data fetched beside the page: a lesson link waits for it; otherwise it is fetched
        // quietly once the page runs, so the Course tab opens at once (and offline, from the cache).
        let (lesson_link, open_lesson, lesson, show_lesson, redraw, notice) =
            (start.3.clone(), open_lesson.clone(), lesson.clone(), show_lesson.clone(), redraw.clone(), notice.clone());
        use_effect_with((), move |()| {
            let delay_ms = if lesson_link.is_some() { 0 } else { COURSE_PREFETCH_DELAY_MS };
            let done = Callback::from(move |()| match (&lesson_link, crate::course_content::current()) {
                (Some(_), crate::course_content::CourseContent::Failed(why)) => {
                    notice.set(Some(format!("The lesson did not open: the course could not be loaded ({why}).")));
                }
                (Some((id, false)), _) => open_lesson.emit(id.clone()),
                (Some((id, true)), _) => match crate::course_content::lesson(id) {
                    Some(l) => {
                        lesson.set(Some(Rc::new(l)));
                        show_lesson.set(true);
                    }
                    None => notice.set(Some(format!("There is no lesson \"{id}\"; open the Course tab to pick one."))),
                },
                (None, _) => redraw.force_update(),
            });
            let prefetch = (!embed)
                .then(|| gloo_timers::callback::Timeout::new(delay_ms, move || crate::course_content::load(done)));
            move || drop(prefetch)
        });
    }
    let on_check = {
        let (lesson, workspace, grading, grading_percent) =
            (lesson.clone(), workspace.clone(), grading.clone(), grading_percent.clone());
        Callback::from(move |()| {
            let Some(l) = lesson.as_ref() else { return };
            *grading.borrow_mut() = Some(shardlab_lessons::Grading::new(l, workspace.borrow().scenario()));
            grading_percent.set(Some(0));
        })
    };
    let on_hint = {
        let (lesson, progress, redraw) = (lesson.clone(), progress.clone(), redraw.clone());
        Callback::from(move |()| {
            let Some(l) = lesson.as_ref() else { return };
            let mut p = progress.borrow_mut();
            p.show_hint(&l.id, u32::try_from(l.hints.len()).unwrap_or(u32::MAX));
            let _ = p.store();
            drop(p);
            redraw.force_update();
        })
    };
    let on_show_me = {
        let (lesson, act, progress, from_show_me) =
            (lesson.clone(), act.clone(), progress.clone(), from_show_me.clone());
        Callback::from(move |()| {
            let Some(l) = lesson.as_ref() else { return };
            *from_show_me.borrow_mut() = true;
            let mut p = progress.borrow_mut();
            p.show_me(&l.id);
            let _ = p.store();
            drop(p);
            match shardlab_lessons::reference_scenario(l) {
                Ok(reference) => act(&|w| {
                    w.open(reference.clone());
                    Ok(())
                }),
                Err(why) => act(&|_| Err(format!("The reference solution could not be built: {why}"))),
            }
        })
    };
    let on_restart = {
        let (lesson, open_lesson) = (lesson.clone(), open_lesson.clone());
        Callback::from(move |()| {
            if let Some(l) = lesson.as_ref() {
                open_lesson.emit(l.id.clone());
            }
        })
    };
    let on_quiz_right = {
        let (lesson, progress, redraw) = (lesson.clone(), progress.clone(), redraw.clone());
        Callback::from(move |question: String| {
            let Some(l) = lesson.as_ref() else { return };
            let questions: Vec<String> = l.quiz.iter().map(|q| q.id.clone()).collect();
            let mut p = progress.borrow_mut();
            p.answer_right_in(&l.id, &question, &questions, l.is_reading());
            let _ = p.store();
            drop(p);
            redraw.force_update();
        })
    };
    let on_reset_progress = {
        let (progress, redraw) = (progress.clone(), redraw.clone());
        Callback::from(move |()| {
            let mut p = progress.borrow_mut();
            // The learner's seed stays: their choice orders do not change.
            *p = crate::course::Progress { seed: p.seed, ..Default::default() };
            let _ = p.store();
            drop(p);
            redraw.force_update();
        })
    };
    let on_sql = {
        let (workspace, redraw, notice) = (workspace.clone(), redraw.clone(), notice.clone());
        Callback::from(move |(app, sql): (String, String)| {
            let mut w = workspace.borrow_mut();
            let id = w.scenario().pipeline.nodes.iter().find(|n| n.name == app).map(|n| n.id);
            let outcome =
                id.map_or_else(|| Err(format!("there is no component '{app}'")), |id| w.set_param(id, "sql", &sql));
            drop(w);
            notice.set(outcome.err().map(|why| format!("The SQL was not applied: {why}")));
            redraw.force_update();
        })
    };
    let show_tab = |value: bool| {
        let show_lesson = show_lesson.clone();
        Callback::from(move |_: MouseEvent| show_lesson.set(value))
    };
    let show = |target: Tab| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| tab.set(target))
    };
    // The top bar's Course button, and the tour's last step: a bottom tab, brought into view with focus on it.
    let reveal_tab = {
        let tab = tab.clone();
        Rc::new(move |target: Tab| {
            tab.set(target);
            crate::tour::reveal(&format!(".bottom [data-tab=\"{}\"]", target.label()));
        })
    };
    let on_course_button = {
        let reveal_tab = reveal_tab.clone();
        Callback::from(move |_: MouseEvent| reveal_tab(Tab::Course))
    };
    let on_tour_course = {
        let (tour_open, open_lesson) = (tour_open.clone(), open_lesson.clone());
        Callback::from(move |()| {
            tour_open.set(false);
            let open_lesson = open_lesson.clone();
            // The lessons are fetched on first use: open the first one once they are here.
            crate::course_content::load(Callback::from(move |()| {
                if let Some(first) = crate::course_content::lessons().first() {
                    open_lesson.emit(first.id.clone());
                }
                crate::tour::reveal(".lesson-panel h2");
            }));
        })
    };
    let on_tour_presets = {
        let (tour_open, reveal_tab) = (tour_open.clone(), reveal_tab.clone());
        Callback::from(move |()| {
            tour_open.set(false);
            reveal_tab(Tab::Presets);
        })
    };
    let on_tour_close = {
        let tour_open = tour_open.clone();
        Callback::from(move |()| {
            tour_open.set(false);
            crate::tour::reveal("#course-button");
        })
    };
    let on_stage_panel = {
        let stage_panel = stage_panel.clone();
        Callback::from(move |key: AttrValue| stage_panel.set(Some(key)))
    };
    let on_panel_layout = {
        let panel_layout = panel_layout.clone();
        Callback::from(move |layout: PanelLayout| {
            layout.store();
            panel_layout.set(layout);
        })
    };

    if let Some(r) = workspace.borrow().runner() {
        let now_ms = r.sim().now().as_millis();
        let mut fw = firehose_watch.borrow_mut();
        if now_ms < sampled_ms.borrow().replace(now_ms) {
            fw.reset();
        }
        fw.sample(r.sim());
    }
    let w = workspace.borrow();
    let scenario = w.scenario();
    let runner = w.runner();
    let selected = w.selected();
    let now_ms = runner.map_or(0, |r| r.sim().now().as_millis());
    let firehose_views: Vec<crate::pipeline_views::FirehoseView> =
        runner.map(|r| firehose_watch.borrow_mut().views(r.sim())).unwrap_or_default();
    let analytics_views = runner.map(|r| crate::pipeline_views::analytics_views(r.sim())).unwrap_or_default();
    let canvas_nodes = canvas_nodes(scenario, runner, &firehose_views, &analytics_views);
    let edges: Vec<(NodeId, NodeId)> = scenario.pipeline.edges.iter().map(|e| (e.from, e.to)).collect();
    let flows = crate::flow::edge_flows(scenario, runner);
    let selected_node = selected.and_then(|id| scenario.pipeline.node(id)).cloned();
    let inspector = selected_node.map(|node| {
        let links: Vec<Link> = scenario
            .pipeline
            .edges
            .iter()
            .filter(|e| e.from == node.id || e.to == node.id)
            .filter_map(|e| {
                let outgoing = e.from == node.id;
                let other = if outgoing { e.to } else { e.from };
                scenario.pipeline.node(other).map(|o| Link { other, name: o.name.clone(), outgoing })
            })
            .collect();
        let candidates = scenario
            .pipeline
            .nodes
            .iter()
            .filter(|n| n.id != node.id && !links.iter().any(|l| l.other == n.id))
            .map(|n| {
                let check = scenario.pipeline.check_connect(node.id, n.id).map_err(|e| e.reason);
                (n.id, format!("{} ({})", n.name, n.kind.noun()), check)
            })
            .collect::<Vec<_>>();
        let node_key = node.id.0;
        html! {
            <Inspector key={node_key} {node} {links} {candidates} on_param={on_param.clone()}
                on_connect={on_inspector_connect.clone()} on_disconnect={on_disconnect.clone()} on_delete={on_delete.clone()} />
        }
    });

    let video_views = runner.map(|r| crate::video_view::video_stream_views(r.sim())).unwrap_or_default();
    // A pipeline of video only has no data stream panel.
    let video_only = runner.is_some_and(|r| r.sim().stream().is_none()) && !video_views.is_empty();
    let mut stage_panels: Vec<StagePanel> = (!video_only)
        .then(|| StagePanel {
            key: crate::panel_layout::STREAM_PANEL.into(),
            label: "Data stream".into(),
            kind_class: "stream",
            body: stage_body(&w, *marked_second, shard_log_open),
        })
        .into_iter()
        .collect();
    stage_panels.extend(video_views.into_iter().map(|v| StagePanel {
        key: crate::panel_layout::video_key(&v.name).into(),
        label: format!("Video {}", v.name).into(),
        kind_class: "video-stream",
        body: html! { <crate::components::VideoPanel view={Rc::new(v)} /> },
    }));
    stage_panels.extend(firehose_views.into_iter().map(|v| StagePanel {
        key: crate::panel_layout::firehose_key(&v.name).into(),
        label: format!("Firehose {}", v.name).into(),
        kind_class: "firehose",
        body: html! { <FirehosePanel view={Rc::new(v)} marker_second={*marked_second} /> },
    }));
    stage_panels.extend(analytics_views.into_iter().map(|v| {
        let (cb, name) = (on_sql.clone(), v.name.clone());
        let on_sql = Callback::from(move |sql: String| cb.emit((name.clone(), sql)));
        StagePanel {
            key: crate::panel_layout::analytics_key(&v.name).into(),
            label: format!("Analytics {}", v.name).into(),
            kind_class: "analytics",
            body: html! { <AnalyticsPanel view={Rc::new(v)} {on_sql} marker_second={*marked_second} /> },
        }
    }));
    let passed = progress.borrow().passed_count();

    html! {
        <div class="app">
            <header class="topbar">
                <h1>{ "Shardlab" }</h1>
                <span class="scenario-name" title={scenario.name.clone()}>{ scenario.name.clone() }</span>
                <Transport playing={*playing} speed_tenths={*speed} {now_ms} behind={behind.borrow().get()}
                    run_to={*run_to} {on_play} {on_reset} {on_step} {on_step_event} {on_speed} {on_run_to}
                    {on_cancel_run_to} />
                <div class="topbar-end">
                    if !embed {
                        <button class="ghost" onclick={on_share} aria-label="Share" aria-expanded={share.is_some().to_string()}>{ "Share" }</button>
                        <button class="ghost" onclick={on_export} aria-label="Export" aria-expanded={export_open.to_string()}>{ "Export" }</button>
                    } else {
                        <a class="open-full" href={browser::page_address().replace("?embed", "") + "#" + &shardlab_scenario::encode_link(scenario)}
                            target="_blank" rel="noopener">{ "Open in Shardlab ↗" }</a>
                    }
                    if !embed {
                        <button class="ghost course-button" id="course-button" onclick={on_course_button}
                            title={format!("{passed} of {} passed", crate::format::count(course_total as u64, "lesson", "lessons"))}>
                            { "Course " }<span class="course-badge">{ format!("{passed}/{course_total}") }</span>
                            <span class="visually-hidden">{ " lessons passed" }</span>
                        </button>
                    }
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
            if *tour_open {
                <crate::tour::Tour lessons={course_total} on_course={on_tour_course} on_presets={on_tour_presets}
                    on_close={on_tour_close} />
            }
            if let Some((link, copied)) = &*share {
                <SharePanel link={link.clone()} title={scenario.name.clone()} copied={copied.clone()} on_download={on_share_download} on_close={on_share_close} />
            }
            if *export_open {
                <div class="popover export-menu" role="dialog" aria-label="Export">
                    <h2>{ "Export" }</h2>
                    <button onclick={on_export_json}>{ "Scenario file (.json)" }</button>
                    <button onclick={export_as(ExportFormat::CloudFormation)}>{ "CloudFormation template (.yaml)" }</button>
                    <button onclick={export_as(ExportFormat::AwsCli)}>{ "AWS CLI script (.sh)" }</button>
                    <button onclick={export_as(ExportFormat::AgentJson)}
                        disabled={!scenario.pipeline.nodes.iter().any(|n| matches!(n.kind, NodeKind::KinesisAgent(_)))}
                        title="For Kinesis Agent components">{ "Kinesis Agent agent.json" }</button>
                    <p class="note">{ "The template and script note where this run hit a limit, with the shard count that would fit." }</p>
                </div>
            }
            if !embed || !scenario.scheduled.is_empty() {
                { crate::timeline::timeline_for(&workspace, &redraw, embed) }
            }
            <div class={classes!("workspace", (!embed).then_some("with-palette"), embed.then_some("embedded"))}>
                if !embed {
                <nav class="palette" aria-label="Palette">
                    <h2>{ "Add" }</h2>
                    { for PALETTE.iter().map(|(text, make)| {
                        let (act, make) = (act.clone(), *make);
                        let onclick = Callback::from(move |_: MouseEvent| act(&|w| { w.add(make()); Ok(()) }));
                        html! {
                            <button class={classes!("palette-item", kind_class_of(&make()))} {onclick}>
                                <span class="kind-dot" aria-hidden="true"></span><span class="visually-hidden">{ "Add " }</span>{ *text }
                            </button>
                        }
                    }) }
                    <h2>{ "Edit" }</h2>
                    <div class="edit-row">
                        <button aria-label="Undo" title="Ctrl+Z" onclick={on_undo} disabled={!w.can_undo()}>{ "↶ Undo" }</button>
                        <button aria-label="Redo" title="Ctrl+Shift+Z" onclick={on_redo} disabled={!w.can_redo()}>{ "↷ Redo" }</button>
                    </div>
                    <button class="palette-item plain" onclick={on_new} aria-label="New empty pipeline">{ "New empty" }</button>
                    <button class="palette-item plain" onclick={on_default} aria-label="Open the first-minute scenario">{ "First minute" }</button>
                </nav>
                }
                <main class="stage">
                    if let Some(message) = &*notice {
                        <p class="error-banner" role="alert">{ message.clone() }</p>
                    }
                    <PipelineCanvas nodes={canvas_nodes} {edges} {flows} {selected} running={*playing} read_only={embed}
                        {on_select} {on_move} on_connect={on_connect_pair} />
                    <StagePanels layout={*panel_layout} active={(*stage_panel).clone()} panels={stage_panels}
                        on_pick={on_stage_panel} on_layout={on_panel_layout} />
                </main>
                if !embed {
                <aside class="inspector" aria-label="Settings">
                    if let Some(l) = lesson.as_ref() {
                        <div class="side-tabs" role="tablist">
                            <button role="tab" aria-selected={show_lesson.to_string()} onclick={show_tab(true)}>{ "Lesson" }</button>
                            <button role="tab" aria-selected={(!*show_lesson).to_string()} onclick={show_tab(false)}>{ "Inspector" }</button>
                        </div>
                        if *show_lesson {
                            <LessonPanel lesson={l.clone()} progress={progress.borrow().lesson(&l.id)} grade={(*grade).clone()}
                                grading_percent={*grading_percent} {on_check} {on_hint} {on_show_me} {on_restart} {on_quiz_right}
                                next={next_lesson(l)} on_open={open_lesson.clone()} seed={progress.borrow().seed} />
                        }
                    }
                    if lesson.is_some() && *show_lesson {
                    } else if let Some(panel) = inspector {
                        { panel }
                    } else {
                        <ScenarioPanel name={scenario.name.clone()} description={scenario.description.clone()}
                            seed={scenario.seed} problems={w.problems().iter().map(|p| p.to_string()).collect::<Vec<_>>()}
                            not_simulated={scenario.engine_note().into_iter()
                                .chain(scenario.not_simulated().into_iter().map(|n| n.reason))
                                .chain(runner.map(|r| shardlab_engine::budget::notes(r.sim().config())).unwrap_or_default())
                                .collect::<Vec<_>>()}
                            {on_seed} />
                    }
                </aside>
                }
            </div>
            if !embed {
            <section class="bottom">
                <div class="tabs" role="tablist">
                    { for [Tab::EventLog, Tab::Records, Tab::ApiConsole, Tab::Cost, Tab::Presets, Tab::Library, Tab::Course].into_iter().map(|t| html! {
                        <button role="tab" aria-selected={(*tab == t).to_string()} onclick={show(t)} data-tab={t.label()}>{ t.label() }</button>
                    }) }
                </div>
                { match *tab {
                    Tab::EventLog => html! { <EventLog lines={runner.map(|r| r.log().rev().cloned().collect::<Vec<_>>()).unwrap_or_default()} {on_pick} /> },
                    Tab::ApiConsole => html! {
                        <ApiConsole history={runner.map(|r| r.api_history().rev().cloned().collect::<Vec<_>>()).unwrap_or_default()}
                            on_send={on_api} error={(*console_error).clone()} />
                    },
                    Tab::Cost => html! {
                        <CostMeter lines={runner.map(cost_lines).unwrap_or_default()}
                            elapsed_ms={now_ms} />
                    },
                    Tab::Records => html! {
                        <RecordBrowser shard_ids={runner.map(Runner::shard_ids).unwrap_or_default()} page={(*browse_page).clone()}
                            error={(*browse_error).clone()} on_read={on_browse} on_next={on_browse_next} />
                    },
                    Tab::Presets => html! { <PresetGallery on_open={on_preset} /> },
                    Tab::Course if !matches!(crate::course_content::current(), crate::course_content::CourseContent::Ready(_)) => {
                        let redraw = redraw.clone();
                        let on_retry = Callback::from(move |()| {
                            let redraw = redraw.clone();
                            crate::course_content::load(Callback::from(move |()| redraw.force_update()));
                        });
                        if crate::course_content::current() == crate::course_content::CourseContent::NotLoaded {
                            on_retry.emit(());
                        }
                        html! { <crate::course_content::CourseStatus content={crate::course_content::current()} {on_retry} /> }
                    }
                    Tab::Course => {
                        let p = progress.borrow();
                        let lessons = crate::course_content::lessons()
                            .into_iter()
                            .map(|l| { let done = p.lesson(&l.id).passed; (l.id, l.order, l.title, done) })
                            .collect::<Vec<_>>();
                        html! {
                            <CourseOutline {lessons} current={lesson.as_ref().map(|l| l.id.clone())} on_open={open_lesson.clone()}
                                on_reset={on_reset_progress} progress={p.clone()} />
                        }
                    }
                    Tab::Library => {
                        let lib = library.borrow();
                        let (entries, deleted, load_error) = match &*lib {
                            Ok(l) => (l.entries.clone(), l.deleted_name().map(String::from), None),
                            Err(why) => (Vec::new(), None, Some(AttrValue::from(why.clone()))),
                        };
                        html! {
                            <LibraryPanel {entries} {deleted} current_name={scenario.name.clone()}
                                error={(*library_error).clone().or(load_error)} on_action={on_library} {on_import} />
                        }
                    }
                } }
            </section>
            }
        </div>
    }
}

/// Under the canvas: the stream's live view and the consumers, or why the pipeline cannot run.
fn stage_body(w: &Workspace, marker_second: Option<u64>, shard_log: ShardLogWiring) -> Html {
    let Some(r) = w.runner() else {
        return html! {
            <section class="cannot-run" aria-label="Why it cannot run">
                <h2>{ "This pipeline cannot run yet" }</h2>
                <ul>{ for w.problems().iter().map(|p| html! { <li>{ p.message.clone() }</li> }) }</ul>
                <p class="note">{ "Add a data stream, connect a producer to it, and press Play." }</p>
            </section>
        };
    };
    // The selected data stream, or the first.
    let selected = w.selected().and_then(|id| r.nodes().stream(id)).and_then(|name| r.sim().stream_named(name));
    let Some(stream) = selected.or_else(|| r.sim().stream()) else {
        return html! {
            <section class="cannot-run" aria-label="No data stream">
                <p class="note">{ "This pipeline has no data stream to watch: add one and connect a producer to it, \
                    or follow the Firehose and Analytics panels." }</p>
            </section>
        };
    };
    let (log_page, on_toggle, on_page, on_replay, on_open) = shard_log;
    let log_hooks = {
        let name = stream.name.clone();
        let on_open =
            Callback::from(move |(shard, position): (u32, u64)| on_open.emit((name.clone(), shard, position)));
        crate::components::ShardLogHooks { on_toggle, on_page, on_replay, on_open }
    };
    let log_view = log_page.and_then(|page| crate::shard_log::shard_log_view(r.sim(), &stream.name, page)).map(Rc::new);
    let stream = Some(stream);
    let views = r.shard_views_of(stream);
    let (segments, dots) = r.key_space_of(stream, &views);
    let write_limit = views.len() as u64 * SHARD_WRITE_BYTES_PER_SEC;
    let capacity = views.len() as u64 * 1_000;
    html! {
        <>
            <p class="hint">
                { format!("Stream {}: {} open, taking at most {} and {} of writes. Raise a producer's rate past that and watch it throttle.{}",
                    stream.map_or("", |s| s.name.as_str()), count(views.len() as u64, "shard", "shards"), records_per_sec(capacity), bytes_per_sec(write_limit),
                    if r.sim().config().streams.len() > 1 { " Select another data stream to watch it." } else { "" }) }
            </p>
            <StreamWatch shards={views} {segments} {dots} charts={Rc::new(r.chart_data_of(stream))} write_limit_bytes_per_sec={write_limit}
                {marker_second} />
            <crate::components::ShardLog view={log_view} hooks={log_hooks} />
            <section class="consumers" aria-label="Consumers">
                { for r.consumer_views().into_iter().map(|view| html! { <ConsumerCard {view} /> }) }
            </section>
        </>
    }
}

/// The shard log view's state and callbacks: the first shard shown (`None`: closed), open/close, page, replay,
/// and open a record (stream, shard index, position) in the record browser.
type ShardLogWiring = (
    Option<usize>,
    Callback<()>,
    Callback<usize>,
    Callback<crate::shard_log::ReplayRequest>,
    Callback<(String, u32, u64)>,
);

/// The CSS class of a kind.
fn kind_class_of(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Producer(_) => "producer",
        NodeKind::DataStream(_) => "stream",
        NodeKind::Consumer(_) => "consumer",
        NodeKind::KinesisAgent(_) => "agent",
        NodeKind::Firehose(_) => "firehose",
        NodeKind::Analytics(_) => "analytics",
        NodeKind::Destination(_) => "destination",
        NodeKind::VideoStream(_) => "video-stream",
        NodeKind::Camera(_) => "camera",
        NodeKind::VideoConsumer(_) => "video-consumer",
    }
}

/// Each component with its live figure.
fn canvas_nodes(
    scenario: &Scenario,
    runner: Option<&Runner>,
    firehose: &[crate::pipeline_views::FirehoseView],
    analytics: &[crate::pipeline_views::AnalyticsView],
) -> Vec<CanvasNode> {
    // Every figure is found through the run's node map, by node id.
    let nodes = runner.map(Runner::nodes);
    let agents = runner.map(|r| r.sim().agents()).unwrap_or_default();
    let consumer_views = runner.map(Runner::consumer_views).unwrap_or_default();
    let not_simulated = scenario.not_simulated();
    let firehose_named = |name: &str| firehose.iter().find(|f| f.name == name);
    scenario
        .pipeline
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let (x, y) = scenario.view.position(node.id).unwrap_or((40, 40 + 80 * i as i32));
            let idle = || {
                if not_simulated.iter().any(|n| n.node == node.id) {
                    "not in this run".to_string()
                } else {
                    "not connected".to_string()
                }
            };
            let (figure, state) = match &node.kind {
                NodeKind::Producer(p) => {
                    (format!("{} · {} B", records_per_sec(u64::from(p.records_per_sec)), p.record_bytes), "")
                }
                NodeKind::DataStream(_) => match (runner, nodes.and_then(|m| m.stream(node.id))) {
                    (Some(r), Some(name)) => {
                        let shard_views = r.shard_views_of(r.sim().stream_named(name));
                        let incoming: u64 = shard_views.iter().map(|v| v.bytes_per_sec).sum();
                        let over = shard_views.iter().any(|v| v.load == Load::Throttled);
                        let near = shard_views.iter().any(|v| v.load == Load::NearLimit);
                        (
                            format!(
                                "{} · {} in",
                                count(shard_views.len() as u64, "shard", "shards"),
                                bytes_per_sec(incoming)
                            ),
                            if over {
                                "over"
                            } else if near {
                                "near"
                            } else {
                                ""
                            },
                        )
                    }
                    _ => (idle(), ""),
                },
                NodeKind::Consumer(_) => match nodes
                    .and_then(|m| m.consumer(node.id))
                    .and_then(|i| consumer_views.get(i))
                {
                    Some(c) => (
                        format!("{} · {} ms behind", records_per_sec(c.records_per_sec), thousands(c.iterator_age_ms)),
                        if c.iterator_age_ms >= 10_000 { "over" } else { "" },
                    ),
                    None => (idle(), ""),
                },
                NodeKind::Firehose(_) => nodes
                    .and_then(|m| m.delivery_stream(node.id))
                    .and_then(firehose_named)
                    .map_or_else(|| (idle(), ""), |f| f.canvas_figure()),
                NodeKind::Analytics(_) => nodes
                    .and_then(|m| m.analytics(node.id))
                    .and_then(|i| analytics.get(i))
                    .map_or_else(|| (idle(), ""), |a| a.canvas_figure()),
                NodeKind::Destination(_) => {
                    let feeder = nodes
                        .and_then(|m| m.destination(node.id))
                        .and_then(|names| names.iter().find_map(|n| firehose_named(n)));
                    feeder.map_or_else(
                        || (idle(), ""),
                        |f| (f.canvas_figure().0.split(" · ").last().unwrap_or_default().to_string(), ""),
                    )
                }
                NodeKind::KinesisAgent(_) => match nodes.and_then(|m| m.agent(node.id)).and_then(|i| agents.get(i)) {
                    Some(a) => {
                        let t = &a.totals;
                        (
                            format!(
                                "{} parsed · {} sent · {} failed · {} behind",
                                thousands(t.records_parsed),
                                thousands(t.records_sent),
                                thousands(t.records_failed),
                                thousands(a.lines_behind())
                            ),
                            if t.records_failed > 0 { "near" } else { "" },
                        )
                    }
                    None => (idle(), ""),
                },
                NodeKind::VideoStream(_) | NodeKind::Camera(_) | NodeKind::VideoConsumer(_) => {
                    match (runner, nodes.and_then(|m| m.get(node.id))) {
                        (Some(r), Some(entity)) => crate::video_view::canvas_figure(r.sim(), entity),
                        _ => (idle(), ""),
                    }
                }
            };
            CanvasNode {
                id: node.id,
                name: node.name.clone(),
                kind_class: kind_class_of(&node.kind),
                kind_label: crate::components::kind_word(node),
                figure,
                state,
                x,
                y,
            }
        })
        .collect()
}

/// What Export can write besides the scenario file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExportFormat {
    CloudFormation,
    AwsCli,
    AgentJson,
}

/// The panels under the stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    EventLog,
    Records,
    ApiConsole,
    Cost,
    Presets,
    Library,
    Course,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Self::EventLog => "Event log",
            Self::Records => "Records",
            Self::ApiConsole => "API console",
            Self::Cost => "Cost",
            Self::Presets => "Presets",
            Self::Library => "Library",
            Self::Course => "Course",
        }
    }
}

/// The run's cost lines: the stream's, then each delivery stream's (GB ingested with 5 KB rounding).
fn cost_lines(r: &Runner) -> Vec<shardlab_engine::cost::CostLine> {
    let usage = r.sim().stream().map(|s| r.sim().kinesis().usage_of(s));
    let mut lines = usage.map(|u| shardlab_engine::cost::estimate(&u)).unwrap_or_default();
    for d in r.sim().firehose().delivery_streams() {
        lines.extend(shardlab_engine::cost::estimate_firehose(&d.usage));
    }
    lines
}

/// The lesson after `lesson` in the course: (id, title).
fn next_lesson(lesson: &shardlab_lessons::Lesson) -> Option<(String, String)> {
    crate::course_content::lessons().into_iter().find(|l| l.order > lesson.order).map(|l| (l.id, l.title))
}

/// A scenario name as a file name: letters, digits and dashes.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() { "scenario".into() } else { stem.chars().take(60).collect() }
}
