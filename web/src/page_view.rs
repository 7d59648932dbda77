//! The playground page drawn from its state: the top bar (run controls, share, export, course, theme, help),
//! the palette, the pipeline canvas with the panels under it, the inspector or lesson, and the tabs below.
//! It reads [`PageState`] and wires the page's callbacks ([`Handlers`]); it changes nothing.

use crate::app::Handlers;
use crate::components::{
    AnalyticsPanel, ApiConsole, ConsumerCard, CostMeter, CourseOutline, EventLog, FirehosePanel, HelpPanelProps,
    Inspector, LessonPanel, LibraryPanel, Link, PipelineCanvas, PresetGalleryProps, RecordBrowser, ScenarioPanel,
    SharePanelProps, StagePanel, StagePanelsProps, StreamWatch, Transport, help_panel, preset_gallery, share_panel,
};
use crate::course_content::{CourseContent, CourseStatus};
use crate::page_state::{PageState, Tab};
use crate::stage_views::{StageViews, kind_class_of};
use crate::theme::Theme;
use shardlab_scenario::{NodeKind, Scenario};
use yew::prelude::*;

/// A palette button: its visible text (its accessible name is "Add" and the text), and what it adds.
pub(crate) type PaletteItem = (&'static str, fn() -> NodeKind);

/// The palette.
pub(crate) const PALETTE: [PaletteItem; 10] = [
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

/// The panels under the canvas: the watched data stream's (none for a pipeline of video only), then each video
/// stream's, Firehose's and Analytics application's.
pub(crate) fn stage_panels(s: &PageState, h: &Handlers) -> Vec<StagePanel> {
    let views = s.views();
    let marker_second = s.marked_second;
    let video_only = views.stream.is_none() && !views.video.is_empty();
    let mut panels: Vec<StagePanel> = (!video_only)
        .then(|| StagePanel {
            key: crate::panel_layout::STREAM_PANEL.into(),
            label: "Data stream".into(),
            kind_class: "stream",
            body: stream_body(s, &views, h),
        })
        .into_iter()
        .collect();
    if !crate::modules::FULL {
        // The lite page has no Firehose, Analytics or video panels (`crate::modules`).
        return panels;
    }
    panels.extend(views.video.iter().map(|v| StagePanel {
        key: crate::panel_layout::video_key(&v.name).into(),
        label: format!("Video {}", v.name).into(),
        kind_class: "video-stream",
        body: html! { <crate::components::VideoPanel view={v.clone()} /> },
    }));
    panels.extend(views.firehose.iter().map(|v| StagePanel {
        key: crate::panel_layout::firehose_key(&v.name).into(),
        label: format!("Firehose {}", v.name).into(),
        kind_class: "firehose",
        body: html! { <FirehosePanel view={v.clone()} {marker_second} /> },
    }));
    panels.extend(views.analytics.iter().map(|v| {
        let (cb, name) = (h.on_sql.clone(), v.name.clone());
        let on_sql = Callback::from(move |sql: String| cb.emit((name.clone(), sql)));
        StagePanel {
            key: crate::panel_layout::analytics_key(&v.name).into(),
            label: format!("Analytics {}", v.name).into(),
            kind_class: "analytics",
            body: html! { <AnalyticsPanel view={v.clone()} {on_sql} {marker_second} /> },
        }
    }));
    panels
}

/// Under the canvas: the stream's live view and the consumers, or why the pipeline cannot run.
fn stream_body(s: &PageState, views: &StageViews, h: &Handlers) -> Html {
    if s.workspace.runner().is_none() {
        return html! {
            <section class="cannot-run" aria-label="Why it cannot run">
                <h2>{ "This pipeline cannot run yet" }</h2>
                <ul>{ for s.workspace.problems().iter().map(|p| html! { <li>{ p.message.clone() }</li> }) }</ul>
                <p class="note">{ "Add a data stream, connect a producer to it, and press Play." }</p>
            </section>
        };
    }
    let Some(stream) = &views.stream else {
        return html! {
            <section class="cannot-run" aria-label="No data stream">
                <p class="note">{ "This pipeline has no data stream to watch: add one and connect a producer to it, \
                    or follow the Firehose and Analytics panels." }</p>
            </section>
        };
    };
    html! {
        <>
            <p class="hint">{ stream.hint() }</p>
            <StreamWatch shards={stream.shards.clone()} segments={stream.segments.clone()} dots={stream.dots.clone()}
                charts={stream.charts.clone()} write_limit_bytes_per_sec={stream.write_limit_bytes_per_sec}
                marker_second={s.marked_second} />
            if crate::modules::FULL {
                <crate::components::ShardLog view={stream.shard_log.clone()} hooks={h.shard_log.clone()} />
            } else {
                // The lite page shows the closed view only: opening it hands over (`crate::modules`).
                { crate::components::shard_log_closed(&h.shard_log.on_toggle) }
            }
            <section class="consumers" aria-label="Consumers">
                { for views.consumers.iter().map(|view| html! { <ConsumerCard view={view.clone()} /> }) }
            </section>
        </>
    }
}

/// The whole page.
pub(crate) fn page(s: &PageState, h: &Handlers, stage_panels: Vec<StagePanel>) -> Html {
    let views = s.views();
    let scenario = s.workspace.scenario();
    let embed = s.embed;
    let now_ms = s.workspace.runner().map_or(0, |r| r.sim().now().as_millis());
    html! {
        <div class="app">
            { top_bar(s, h, scenario, now_ms) }
            if s.help_open {
                { help_panel(&HelpPanelProps { on_close: h.on_close_help.clone() }) }
            }
            if s.tour_open {
                <crate::tour::Tour lessons={course_total()} on_course={h.on_tour_course.clone()}
                    on_presets={h.on_tour_presets.clone()} on_close={h.on_tour_close.clone()} />
            }
            if let Some((link, copied)) = &s.share {
                { share_panel(&SharePanelProps {
                    link: link.clone().into(),
                    title: scenario.name.clone().into(),
                    copied: copied.clone(),
                    on_download: h.on_share_download.clone(),
                    on_close: h.on_share_close.clone(),
                    on_embed: h.on_embed.clone(),
                    embed_open: s.embed_snippet_open,
                }) }
            }
            if s.export_open {
                { export_menu(scenario, h) }
            }
            if !embed || !scenario.scheduled.is_empty() {
                // The timeline's clock moves with the views, so it is not drawn again on every frame.
                <crate::timeline::Timeline scenario={views.scenario.clone()} now_ms={views.now_ms}
                    refusals={(*views.refusals).clone()} lineage={views.lineage.clone()} read_only={embed}
                    on_add={h.timeline_add.clone()} on_replace={h.timeline_replace.clone()}
                    on_remove={h.timeline_remove.clone()} open_form={s.change_form}
                    on_open_form={h.timeline_open_form.clone()} />
            }
            <div class={classes!("workspace", (!embed).then_some("with-palette"), embed.then_some("embedded"))}>
                if !embed {
                    { palette(s, h) }
                }
                <main class="stage">
                    if let Some(message) = &s.notice {
                        <p class="error-banner" role="alert">{ message.clone() }</p>
                    }
                    if let Some(load) = &s.full_module {
                        { full_module_status(load, h) }
                    }
                    <PipelineCanvas nodes={(*views.canvas_nodes).clone()} edges={(*views.edges).clone()}
                        flows={(*views.flows).clone()} selected={s.workspace.selected()} running={s.playing}
                        read_only={embed} on_select={h.on_select.clone()} on_move={h.on_move.clone()}
                        on_connect={h.on_connect.clone()} />
                    { crate::components::stage_panels(&StagePanelsProps {
                        layout: s.panel_layout,
                        active: s.stage_panel.clone().map(AttrValue::from),
                        panels: stage_panels,
                        on_pick: h.on_stage_panel.clone(),
                        on_layout: h.on_panel_layout.clone(),
                    }) }
                </main>
                if !embed {
                    { side(s, h, scenario) }
                }
            </div>
            if !embed {
                { bottom(s, h, &views, scenario) }
            }
        </div>
    }
}

/// The lite page fetching the rest of Shardlab: what is loading, or why it failed with a way to try again.
fn full_module_status(load: &crate::page_state::FullModuleLoad, h: &Handlers) -> Html {
    match &load.failed {
        None => html! {
            <p class="module-loading" role="status">{ format!("Loading {}…", describe(load)) }</p>
        },
        Some(why) => html! {
            <p class="error-banner module-failed" role="alert">
                { format!("The rest of Shardlab ({}) could not load: {why}. Check the connection, then ", describe(load)) }
                <button onclick={h.on_retry_full.clone()}>{ "Try again" }</button>
            </p>
        },
    }
}

/// What the lite page is loading, for the learner: the latest request's part of Shardlab.
fn describe(load: &crate::page_state::FullModuleLoad) -> &'static str {
    load.needs.last().map_or("the rest of Shardlab", crate::modules::Need::describe)
}

/// How many lessons the course has (their files are fetched when first needed).
fn course_total() -> usize {
    shardlab_lessons::LESSON_FILE_NAMES.len()
}

fn top_bar(s: &PageState, h: &Handlers, scenario: &Scenario, now_ms: u64) -> Html {
    let embed = s.embed;
    let passed = s.progress.passed_count();
    let total = course_total();
    html! {
        <header class="topbar">
            <h1>{ "Shardlab" }</h1>
            <span class="scenario-name" title={scenario.name.clone()}>{ scenario.name.clone() }</span>
            <Transport playing={s.playing} speed_tenths={s.speed_tenths} {now_ms} behind={s.behind}
                run_to={s.run_to} on_play={h.on_play.clone()} on_reset={h.on_reset.clone()} on_step={h.on_step.clone()}
                on_step_event={h.on_step_event.clone()} on_speed={h.on_speed.clone()} on_run_to={h.on_run_to.clone()}
                on_cancel_run_to={h.on_cancel_run_to.clone()} />
            <div class="topbar-end">
                if !embed {
                    <button class="ghost" onclick={h.on_share.clone()} aria-label="Share" aria-expanded={s.share.is_some().to_string()}>{ "Share" }</button>
                    <button class="ghost" onclick={h.on_export.clone()} aria-label="Export" aria-expanded={s.export_open.to_string()}>{ "Export" }</button>
                } else {
                    <a class="open-full" href={crate::browser::page_address().replace("?embed", "") + "#" + &shardlab_scenario::encode_link(scenario)}
                        target="_blank" rel="noopener">{ "Open in Shardlab ↗" }</a>
                }
                if !embed {
                    <button class="ghost course-button" id="course-button" onclick={h.on_course_button.clone()}
                        title={format!("{passed} of {} passed", crate::format::count(total as u64, "lesson", "lessons"))}>
                        { "Course " }<span class="course-badge">{ format!("{passed}/{total}") }</span>
                        <span class="visually-hidden">{ " lessons passed" }</span>
                    </button>
                }
                <button class="ghost" onclick={h.on_theme.clone()} aria-label="Theme"
                    title={format!("Switch to the {} theme", s.theme.toggled().as_str())}>
                    { if s.theme == Theme::Dark { "☀" } else { "☾" } }
                </button>
                <button class="ghost" onclick={h.on_help.clone()} aria-label="Help" aria-expanded={s.help_open.to_string()}>
                    { "?" }
                </button>
            </div>
        </header>
    }
}

fn export_menu(scenario: &Scenario, h: &Handlers) -> Html {
    let [json, cloudformation, cli, agent] = h.on_export_as.clone();
    html! {
        <div class="popover export-menu" role="dialog" aria-label="Export">
            <h2>{ "Export" }</h2>
            <button onclick={json}>{ "Scenario file (.json)" }</button>
            <button onclick={cloudformation}>{ "CloudFormation template (.yaml)" }</button>
            <button onclick={cli}>{ "AWS CLI script (.sh)" }</button>
            <button onclick={agent}
                disabled={!scenario.pipeline.nodes.iter().any(|n| matches!(n.kind, NodeKind::KinesisAgent(_)))}
                title="For Kinesis Agent components">{ "Kinesis Agent agent.json" }</button>
            <p class="note">{ "The template and script note where this run hit a limit, with the shard count that would fit." }</p>
        </div>
    }
}

fn palette(s: &PageState, h: &Handlers) -> Html {
    html! {
        <nav class="palette" aria-label="Palette">
            <h2>{ "Add" }</h2>
            { for PALETTE.iter().zip(&h.on_add).map(|((text, make), onclick)| html! {
                <button class={classes!("palette-item", kind_class_of(&make()))} onclick={onclick.clone()}>
                    <span class="kind-dot" aria-hidden="true"></span><span class="visually-hidden">{ "Add " }</span>{ *text }
                </button>
            }) }
            <h2>{ "Edit" }</h2>
            <div class="edit-row">
                <button aria-label="Undo" title="Ctrl+Z" onclick={h.on_undo.clone()} disabled={!s.workspace.can_undo()}>{ "↶ Undo" }</button>
                <button aria-label="Redo" title="Ctrl+Shift+Z" onclick={h.on_redo.clone()} disabled={!s.workspace.can_redo()}>{ "↷ Redo" }</button>
            </div>
            <button class="palette-item plain" onclick={h.on_new.clone()} aria-label="New empty pipeline">{ "New empty" }</button>
            <button class="palette-item plain" onclick={h.on_default.clone()} aria-label="Open the first-minute scenario">{ "First minute" }</button>
        </nav>
    }
}

/// The side panel: the lesson (when one is open and chosen), else the selected component's inspector, else
/// the scenario's settings.
fn side(s: &PageState, h: &Handlers, scenario: &Scenario) -> Html {
    let lesson_shown = s.lesson.is_some() && s.show_lesson;
    let [show_lesson, show_inspector] = h.on_show_lesson.clone();
    html! {
        <aside class="inspector" aria-label="Settings">
            if let Some(l) = s.lesson.as_ref().filter(|_| crate::modules::FULL) {
                <div class="side-tabs" role="tablist">
                    <button role="tab" aria-selected={s.show_lesson.to_string()} onclick={show_lesson}>{ "Lesson" }</button>
                    <button role="tab" aria-selected={(!s.show_lesson).to_string()} onclick={show_inspector}>{ "Inspector" }</button>
                </div>
                if s.show_lesson {
                    <LessonPanel lesson={l.clone()} progress={s.progress.lesson(&l.id)} grade={s.grade.clone()}
                        grading_percent={s.grading_percent} on_check={h.on_check.clone()} on_hint={h.on_hint.clone()}
                        on_show_me={h.on_show_me.clone()} on_restart={h.on_restart.clone()}
                        on_quiz_right={h.on_quiz_right.clone()} next={s.next_lesson()}
                        on_open={h.on_open_lesson.clone()} seed={s.progress.seed} />
                }
            }
            if lesson_shown {
            } else if let Some(panel) = inspector(s, h, scenario) {
                { panel }
            } else {
                <ScenarioPanel name={scenario.name.clone()} description={scenario.description.clone()}
                    seed={scenario.seed} problems={s.workspace.problems().iter().map(|p| p.to_string()).collect::<Vec<_>>()}
                    not_simulated={scenario.engine_note().into_iter()
                        .chain(scenario.not_simulated().into_iter().map(|n| n.reason))
                        .chain(s.workspace.runner().map(|r| shardlab_engine::budget::notes(r.sim().config())).unwrap_or_default())
                        .collect::<Vec<_>>()}
                    on_seed={h.on_seed.clone()} />
            }
        </aside>
    }
}

/// The selected component's inspector: its settings, its connections and what it could connect to.
fn inspector(s: &PageState, h: &Handlers, scenario: &Scenario) -> Option<Html> {
    let node = s.workspace.selected().and_then(|id| scenario.pipeline.node(id)).cloned()?;
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
    Some(html! {
        <Inspector key={node_key} {node} {links} {candidates} on_param={h.on_param.clone()}
            on_connect={h.on_connect_selected.clone()} on_disconnect={h.on_disconnect.clone()} on_delete={h.on_delete.clone()} />
    })
}

/// The tabs under the stage.
fn bottom(s: &PageState, h: &Handlers, views: &StageViews, scenario: &Scenario) -> Html {
    let body = match s.tab {
        Tab::EventLog => html! { <EventLog lines={(*views.log).clone()} on_pick={h.on_pick.clone()} /> },
        // The lite page hands these tabs over to the full module (`crate::modules`) and says so meanwhile.
        Tab::Records | Tab::ApiConsole | Tab::Cost | Tab::Library | Tab::Course if !crate::modules::FULL => html! {
            <p class="note">{ "Loading…" }</p>
        },
        Tab::ApiConsole => html! {
            <ApiConsole history={(*views.api_history).clone()} on_send={h.on_api.clone()}
                error={s.console_error.clone().map(AttrValue::from)} />
        },
        Tab::Cost => html! { <CostMeter lines={(*views.cost_lines).clone()} elapsed_ms={views.now_ms} /> },
        Tab::Records => html! {
            <RecordBrowser shard_ids={(*views.shard_ids).clone()} page={s.browse_page.clone()}
                error={s.browse_error.clone().map(AttrValue::from)} on_read={h.on_browse.clone()} on_next={h.on_browse_next.clone()} />
        },
        Tab::Presets => preset_gallery(&PresetGalleryProps { on_open: h.on_preset.clone() }),
        Tab::Course if !matches!(s.course, CourseContent::Ready(_)) => html! {
            <CourseStatus content={s.course.clone()} on_retry={h.on_load_course.clone()} />
        },
        Tab::Course => {
            let lessons = s
                .lessons()
                .iter()
                .map(|l| (l.id.clone(), l.order, l.title.clone(), s.progress.lesson(&l.id).passed))
                .collect::<Vec<_>>();
            html! {
                <CourseOutline {lessons} current={s.lesson.as_ref().map(|l| l.id.clone())} on_open={h.on_open_lesson.clone()}
                    on_reset={h.on_reset_progress.clone()} progress={s.progress.clone()} />
            }
        }
        Tab::Library => {
            let (entries, deleted, load_error) = match &s.library {
                Ok(l) => (l.entries.clone(), l.deleted_name().map(String::from), None),
                Err(why) => (Vec::new(), None, Some(AttrValue::from(why.clone()))),
            };
            html! {
                <LibraryPanel {entries} {deleted} current_name={scenario.name.clone()}
                    error={s.library_error.clone().map(AttrValue::from).or(load_error)} on_action={h.on_library.clone()}
                    on_import={h.on_import.clone()} />
            }
        }
    };
    html! {
        <section class="bottom">
            <div class="tabs" role="tablist">
                { for Tab::ALL.into_iter().zip(&h.on_tab).map(|(t, onclick)| html! {
                    <button role="tab" aria-selected={(s.tab == t).to_string()} onclick={onclick.clone()} data-tab={t.label()}>{ t.label() }</button>
                }) }
            </div>
            { body }
        </section>
    }
}
