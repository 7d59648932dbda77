//! The page's state as a reducer: [`PageState`] holds everything the page shows, [`Action`] is everything
//! that can happen to it, and [`PageState::update`] is the only way it changes. No DOM here: what needs the
//! browser (storage, downloads, focus, fetching the course) leaves as an [`Effect`] the page carries out, so
//! every transition is tested natively.

use crate::components::{LibraryAction, RunTo};
use crate::course::Progress;
use crate::course_content::CourseContent;
use crate::library::Library;
use crate::modules::{FULL, Need};
use crate::pacing::{PlayBudget, play_deadline_ms, run_to_deadline_ms, sim_delta};
use crate::panel_layout::PanelLayout;
use crate::runner::BrowsePage;
use crate::shard_log::ReplayRequest;
use crate::stage_views::StageViews;
use crate::theme::Theme;
use crate::workspace::Workspace;
use shardlab_engine::SimDuration;
use shardlab_lessons::{Grade, Grading, Lesson};
use shardlab_scenario::{NodeId, NodeKind, Scenario, ScheduledEvent};
use std::rc::Rc;

/// Records per page in the record browser (GetRecords `Limit`).
pub const BROWSE_LIMIT: u32 = 25;

/// Wall-clock milliseconds of grading work a frame may spend while a lesson is checked.
pub const GRADING_WORK_BUDGET_MS: f64 = 6.0;

/// While playing, the views are rebuilt at most this often (wall-clock ms), and only when a simulated second
/// completed: they show per-second figures, so more would redraw the same picture.
pub const VIEW_REFRESH_MIN_MS: f64 = 250.0;

/// At slow speeds (a simulated second lasting longer than this, in wall-clock ms) the views are rebuilt this
/// often anyway, so the event log and the shard log keep moving.
pub const VIEW_REFRESH_MAX_MS: f64 = 1_000.0;

/// During a run to a time the views are rebuilt this often (wall-clock ms), so the meters and charts follow the
/// run; rarely, since each rebuild is time the run does not advance.
pub const RUN_TO_VIEW_REFRESH_MS: f64 = 1_000.0;

/// The wall clock, in ms (`performance.now()` in the page; a counter in tests).
pub type Clock = Rc<dyn Fn() -> f64>;

/// The panels under the stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// The plain-English event log.
    EventLog,
    /// The record browser.
    Records,
    /// The API console.
    ApiConsole,
    /// The cost meter.
    Cost,
    /// The preset gallery.
    Presets,
    /// The learner's saved scenarios.
    Library,
    /// The course outline.
    Course,
}

impl Tab {
    /// Every tab, in the strip's order.
    pub const ALL: [Self; 7] =
        [Self::EventLog, Self::Records, Self::ApiConsole, Self::Cost, Self::Presets, Self::Library, Self::Course];

    /// Its label (also its `data-tab`).
    pub fn label(self) -> &'static str {
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

/// What Export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// The scenario file.
    ScenarioJson,
    /// A CloudFormation template.
    CloudFormation,
    /// An AWS CLI script.
    AwsCli,
    /// The Kinesis Agent's agent.json.
    AgentJson,
}

/// What to do once the course's lessons are here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AfterCourse {
    /// Open this lesson with its starting pipeline.
    OpenLesson(String),
    /// Show this lesson beside the pipeline already open (a shared attempt at it).
    ShowLesson(String),
    /// Open the first lesson (the tour's "Start the course").
    OpenFirstLesson,
}

/// Everything that can happen to the page.
pub enum Action {
    /// Play or pause.
    TogglePlay,
    /// Play (true) or pause.
    SetPlaying(bool),
    /// The speed, in tenths of real time.
    SetSpeed(u32),
    /// Pause and run fast to this simulated ms.
    RunTo(u64),
    /// Run to this simulated ms from wherever the run is, restarting it if that is later (embedded players).
    Seek(u64),
    /// Stop a run-to.
    CancelRunTo,
    /// Restart the run at t = 0.
    Reset,
    /// One simulated second on.
    StepSecond,
    /// On to the engine's next scheduled action.
    StepEvent,
    /// An animation frame while playing or running to a time: its timestamp `started_ms` (the clock's time
    /// base), and `wall_ms` since the last frame.
    Frame { started_ms: f64, wall_ms: f64, clock: Clock },
    /// An animation frame while a lesson is graded.
    GradeFrame { clock: Clock },
    /// Undo the last edit.
    Undo,
    /// Redo.
    Redo,
    /// Open a scenario (a preset, a library entry, an import, a link), with what to tell the learner.
    Open(Scenario, Option<String>),
    /// Open a preset by id, and show the event log.
    OpenPreset(&'static str),
    /// Add a component from the palette.
    Add(NodeKind),
    /// Select a component, or nothing.
    Select(Option<NodeId>),
    /// Move a component on the canvas.
    Move(NodeId, i32, i32),
    /// Connect two components.
    Connect(NodeId, NodeId),
    /// Connect the selected component to this one.
    ConnectSelected(NodeId),
    /// Remove a connection.
    Disconnect(NodeId, NodeId),
    /// Delete a component.
    Delete(NodeId),
    /// Delete the selected component.
    DeleteSelected,
    /// Set a component's parameter from its text.
    SetParam(NodeId, String, String),
    /// Set an Analytics application's SQL, by the application's name.
    SetSql(String, String),
    /// The scenario's seed.
    SetSeed(u64),
    /// Add a scheduled change.
    AddEvent(ScheduledEvent),
    /// Replace a scheduled change.
    ReplaceEvent(usize, ScheduledEvent),
    /// Remove a scheduled change.
    RemoveEvent(usize),
    /// Open the timeline's form: for the event at this index (`None`: a new one), at this time in ms. The
    /// timeline opens it itself; this action is the lite page's, which hands it over (`crate::modules`).
    OpenChangeForm(Option<usize>, u64),
    /// Send a request from the API console: operation and JSON body.
    CallApi(String, String),
    /// Read records in the record browser: stream, shard, iterator type, its argument.
    Browse(String, String, String, String),
    /// Read the record browser's next page.
    BrowseNext,
    /// Show or hide the shard log view.
    ToggleShardLog,
    /// Show the shard log's page starting at this shard index.
    ShardLogPage(usize),
    /// Move a consumer's position (a replay).
    Replay(ReplayRequest),
    /// Open a record of the watched stream's shard log in the record browser: shard index, position.
    OpenRecord(u32, u64),
    /// An event-log line was picked: its component's name, and when.
    PickLogLine(Option<String>, u64),
    /// Show a tab under the stage.
    ShowTab(Tab),
    /// Show a tab under the stage and bring it into view with focus on it (the top bar's Course button).
    RevealTab(Tab),
    /// The side panel shows the lesson (true) or the inspector.
    ShowLesson(bool),
    /// Open or close the help.
    ToggleHelp,
    /// Close the help (Escape).
    CloseHelp,
    /// Switch the theme.
    ToggleTheme,
    /// Open the share panel with this link, or close it if open.
    ToggleShare(String),
    /// Whether the link was copied.
    ShareCopied(String, Result<(), String>),
    /// Close the share panel.
    CloseShare,
    /// Open the share panel at its embed snippet (which the lite page hands over, `crate::modules`).
    OpenEmbed,
    /// Open the share panel with this link, its embed snippet open, without copying the link.
    ShowEmbed(String),
    /// Open or close the export menu.
    ToggleExport,
    /// Export the scenario.
    Export(ExportFormat),
    /// Something from the library panel, at this Unix time (ms).
    Library(LibraryAction, u64),
    /// A file to import was read: its scenario, or why not.
    Imported(Result<Scenario, String>),
    /// Fetch the course's lessons (the Course tab's retry, the quiet prefetch).
    LoadCourse,
    /// The course's lessons arrived, or why not.
    CourseLoaded(CourseContent),
    /// Open a lesson by id with its starting pipeline.
    OpenLesson(String),
    /// Grade the pipeline against the lesson.
    Check,
    /// Open the lesson's next hint.
    Hint,
    /// Put the lesson's reference solution on the canvas.
    ShowMe,
    /// Open the lesson again from its start.
    RestartLesson,
    /// A quiz question answered right.
    QuizRight(String),
    /// Forget the course progress (the learner's seed stays).
    ResetProgress,
    /// The tour's "Start the course".
    TourCourse,
    /// The tour's "Explore a preset".
    TourPresets,
    /// The tour closed.
    TourClose,
    /// Show this panel under the canvas.
    StagePanel(String),
    /// Lay out the panels under the canvas this way.
    SetPanelLayout(PanelLayout),
    /// Storing the autosave or the library failed: why.
    StorageFailed(String),
    /// The lite page needs the full module for this (it starts loading it, or says it is loading).
    NeedFull(Need),
    /// The full module could not be fetched: why.
    FullFailed(String),
    /// Try fetching the full module again.
    RetryFull,
    /// The page has started (what waits for it runs: a handover's requests, the lite page's first need).
    Started,
    /// Something the browser was asked to do failed (a download): why, for the notice.
    Failed(String),
}

/// What the page must do in the browser after an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Store the course progress.
    StoreProgress,
    /// Store the library.
    StoreLibrary,
    /// Store the panel layout.
    StorePanelLayout,
    /// Apply the theme and remember it.
    ApplyTheme,
    /// Download a file: name, MIME type, text.
    Download(String, &'static str, String),
    /// Copy this link to the clipboard (then send [`Action::ShareCopied`]).
    CopyLink(String),
    /// Fetch the course (then send [`Action::CourseLoaded`]).
    LoadCourse,
    /// Bring this element into view with focus on it.
    Reveal(String),
    /// Open the share panel with the share link at its embed snippet (then send [`Action::ShowEmbed`]).
    ShowEmbed,
    /// Fetch the full module (this attempt, from 0) and switch to it with the workspace.
    LoadFull(u32),
}

/// Where the page starts: what the URL, the storage and the system chose.
pub struct Start {
    /// The scenario to open.
    pub scenario: Scenario,
    /// Why it is not the one asked for, if it is not.
    pub notice: Option<String>,
    /// An embedded player.
    pub embed: bool,
    /// Play at once.
    pub playing: bool,
    /// The speed, in tenths.
    pub speed_tenths: u32,
    /// Run to this simulated ms at once.
    pub start_ms: Option<u64>,
    /// The learner's progress.
    pub progress: Progress,
    /// The learner's library, or why it cannot be read.
    pub library: Result<Library, String>,
    /// The theme.
    pub theme: Theme,
    /// The panels' layout.
    pub panel_layout: PanelLayout,
    /// Start with the tour.
    pub tour_open: bool,
    /// A lesson link: open it once the course is here.
    pub after_course: Option<AfterCourse>,
    /// What the learner asked for: in the lite page, what needs the full module at once; in the full module,
    /// what the lite page handed over, done once the run reaches the handed-over time.
    pub then: Vec<Need>,
}

/// The lite page fetching the full module ([`crate::modules`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullModuleLoad {
    /// What the learner asked for, in order (done again by the full module; at most `modules::NEEDS_MAX`).
    pub needs: Vec<Need>,
    /// Why the last attempt failed; `None` while it is loading.
    pub failed: Option<String>,
    /// Attempts so far.
    pub attempts: u32,
}

impl FullModuleLoad {
    /// After a failed attempt, starts the next one and returns its number (from 0); `None` while loading.
    fn retry(&mut self) -> Option<u32> {
        self.failed.take()?;
        self.attempts += 1;
        Some(self.attempts - 1)
    }
}

/// Everything the page shows.
pub struct PageState {
    /// The scenario, its history, the selection and the run.
    pub workspace: Workspace,
    /// An embedded player (no storage, no editing).
    pub embed: bool,
    /// Playing.
    pub playing: bool,
    /// Speed in tenths of real time.
    pub speed_tenths: u32,
    /// A run to a time in progress.
    pub run_to: Option<RunTo>,
    /// The last frame could not keep up with the speed.
    pub behind: bool,
    /// A message for the learner (an edit refused, a link that did not open).
    pub notice: Option<String>,
    /// The tab under the stage.
    pub tab: Tab,
    /// The help is open.
    pub help_open: bool,
    /// The tour is open.
    pub tour_open: bool,
    /// The theme.
    pub theme: Theme,
    /// The share panel: the link, and whether it was copied (once known).
    pub share: Option<(String, Option<Result<(), String>>)>,
    /// The share panel opens with its embed snippet open (asked for in the lite page).
    pub embed_snippet_open: bool,
    /// The export menu is open.
    pub export_open: bool,
    /// The second marked on the charts (from a picked log line).
    pub marked_second: Option<u64>,
    /// The course's lessons, once here.
    pub course: CourseContent,
    lessons: Vec<Rc<Lesson>>,
    after_course: Option<AfterCourse>,
    /// The lesson open, if any.
    pub lesson: Option<Rc<Lesson>>,
    /// The side panel shows the lesson.
    pub show_lesson: bool,
    /// The canvas holds the lesson's "Show me" solution (until the lesson is opened again).
    pub from_show_me: bool,
    /// The learner's progress.
    pub progress: Progress,
    /// The last grade.
    pub grade: Option<Grade>,
    grading: Option<Grading>,
    /// How far grading is, while it runs.
    pub grading_percent: Option<u32>,
    /// The learner's saved scenarios, or why they cannot be read.
    pub library: Result<Library, String>,
    /// The full module, once the lite page needed it: what for, and why its download failed (if it did).
    pub full_module: Option<FullModuleLoad>,
    /// What the lite page handed over, done once the handed-over run reaches its time (`run_to`).
    after_run_to: Vec<Need>,
    /// Why the last library action (or autosave) failed.
    pub library_error: Option<String>,
    /// Why the last console request could not be sent.
    pub console_error: Option<String>,
    /// The record browser's page.
    pub browse_page: Option<BrowsePage>,
    /// Why the record browser has no page.
    pub browse_error: Option<String>,
    /// The panels' layout.
    pub panel_layout: PanelLayout,
    /// The panel shown under the canvas (tabs layout).
    pub stage_panel: Option<String>,
    /// The shard log's first shard shown (`None`: closed).
    pub shard_log_page: Option<usize>,
    /// The timeline form the lite page asked for before the switch (see [`Action::OpenChangeForm`]).
    pub change_form: Option<(Option<usize>, u64)>,
    firehose_watch: crate::pipeline_views::FirehoseWatch,
    sampled_ms: u64,
    views: Rc<StageViews>,
    views_stale: bool,
    views_generation: u64,
    views_built_wall_ms: Option<f64>,
    views_second: Option<u64>,
    play_budget: PlayBudget,
    effects: Vec<Effect>,
}

impl PageState {
    /// The page as it opens.
    pub fn new(start: Start) -> Self {
        let run_to = start.start_ms.map(|target_ms| RunTo { from_ms: 0, target_ms });
        let mut state = Self {
            workspace: Workspace::new(start.scenario),
            embed: start.embed,
            playing: start.playing,
            speed_tenths: start.speed_tenths,
            run_to,
            behind: false,
            notice: start.notice,
            tab: Tab::EventLog,
            help_open: false,
            tour_open: start.tour_open,
            theme: start.theme,
            share: None,
            embed_snippet_open: false,
            export_open: false,
            marked_second: None,
            course: CourseContent::NotLoaded,
            lessons: Vec::new(),
            after_course: start.after_course,
            lesson: None,
            show_lesson: false,
            from_show_me: false,
            progress: start.progress,
            grade: None,
            grading: None,
            grading_percent: None,
            library: start.library,
            full_module: None,
            after_run_to: if FULL { start.then.clone() } else { Vec::new() },
            library_error: None,
            console_error: None,
            browse_page: None,
            browse_error: None,
            panel_layout: start.panel_layout,
            stage_panel: None,
            shard_log_page: None,
            change_form: None,
            firehose_watch: crate::pipeline_views::FirehoseWatch::default(),
            sampled_ms: 0,
            views: Rc::default(),
            views_stale: true,
            views_generation: 0,
            views_built_wall_ms: None,
            views_second: None,
            play_budget: PlayBudget::default(),
            effects: Vec::new(),
        };
        if let Some(need) = start.then.into_iter().next().filter(|_| !FULL) {
            state.need_full(need);
        }
        state.refresh_views(None);
        state
    }

    /// The views under and on the canvas, as of their last rebuild.
    pub fn views(&self) -> Rc<StageViews> {
        self.views.clone()
    }

    /// Counts rebuilds of [`Self::views`]: what is drawn from them changes only when this does.
    pub fn views_generation(&self) -> u64 {
        self.views_generation
    }

    /// The course's lessons, once here (each parsed once, shared).
    pub fn lessons(&self) -> &[Rc<Lesson>] {
        &self.lessons
    }

    /// The lesson after the open one: (id, title).
    pub fn next_lesson(&self) -> Option<(String, String)> {
        let order = self.lesson.as_ref()?.order;
        self.lessons.iter().find(|l| l.order > order).map(|l| (l.id.clone(), l.title.clone()))
    }

    /// Whether a lesson link waits for the course.
    pub fn lesson_link_waiting(&self) -> bool {
        self.after_course.is_some()
    }

    /// Whether saved work in an older form waits for the full module (`modules::Need::Saved`): the lite page
    /// then stores no autosave, so it never writes over work it cannot read.
    pub fn saved_work_waits(&self) -> bool {
        self.full_module.as_ref().is_some_and(|load| load.needs.iter().any(|n| matches!(n, Need::Saved { .. })))
    }

    /// Whether the simulation should be advanced by animation frames.
    pub fn running(&self) -> bool {
        self.playing || self.run_to.is_some()
    }

    /// Takes the effects the last updates asked for, oldest first.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// Applies `action`. `Err` says why an edit was refused (it is also the notice, or the field's error).
    pub fn update(&mut self, action: Action) -> Result<(), String> {
        let mut wall_ms_now = None;
        let outcome = match action {
            Action::Frame { started_ms, wall_ms, clock } => {
                // Whether the views are due is decided at the frame's start, so the frame knows its budget.
                let now_ms = clock();
                self.frame(started_ms, wall_ms, now_ms, &*clock);
                wall_ms_now = Some(now_ms);
                Ok(())
            }
            // The lite page never grades: lessons are the full module's.
            Action::GradeFrame { clock } if FULL => {
                self.grade_frame(&*clock);
                Ok(())
            }
            other => {
                self.views_stale = true;
                match crate::modules::need_of(&other).filter(|_| !FULL) {
                    Some(need) => {
                        self.need_full(need);
                        Ok(())
                    }
                    None => self.apply(other),
                }
            }
        };
        // What the lite page handed over is done once the run is back at the handed-over time.
        if self.run_to.is_none() && !self.after_run_to.is_empty() {
            for need in std::mem::take(&mut self.after_run_to) {
                if let Some(action) = need.action() {
                    let _ = self.apply(action);
                }
            }
            self.views_stale = true;
        }
        // A pipeline with components the lite page does not draw is the full module's (a preset, a file,
        // the library, undo); a frame changes no pipeline.
        if !FULL
            && wall_ms_now.is_none()
            && self.full_module.is_none()
            && !crate::modules::lite_draws(self.workspace.scenario())
        {
            self.need_full(Need::Scenario);
        }
        self.sample_firehose();
        self.refresh_views(wall_ms_now);
        outcome
    }

    /// Advances the run within the frame's budget: a run to a time takes most of the frame (the views follow
    /// it once a wall second); playing takes what drawing leaves ([`PlayBudget`]).
    fn frame(&mut self, started_ms: f64, wall_ms: f64, now_ms: f64, clock: &dyn Fn() -> f64) {
        let deadline_ms = if self.run_to.is_some() {
            run_to_deadline_ms(started_ms, now_ms)
        } else {
            play_deadline_ms(started_ms, now_ms, self.play_budget.next(wall_ms, self.views_due_at(now_ms)))
        };
        let mut out_of_time = || clock() > deadline_ms;
        if let Some(run) = self.run_to {
            let reached =
                self.workspace.runner_mut().is_none_or(|r| r.advance_toward_until(run.target_ms, &mut out_of_time));
            if reached {
                self.run_to = None;
                self.views_stale = true;
            }
        } else if self.playing {
            let reached = self.workspace.advance_by_until(sim_delta(wall_ms, self.speed_tenths), &mut out_of_time);
            self.behind = !reached;
        }
    }

    fn grade_frame(&mut self, clock: &dyn Fn() -> f64) {
        let Some(grading) = self.grading.as_mut() else { return };
        let done = crate::pacing::grade_within(grading, GRADING_WORK_BUDGET_MS, clock);
        match done {
            Some(grade) => {
                if grade.passed
                    && let Some(l) = &self.lesson
                {
                    self.progress.record_grade(&l.id, true, self.from_show_me);
                    self.effects.push(Effect::StoreProgress);
                }
                self.grade = Some(grade);
                self.grading = None;
                self.grading_percent = None;
            }
            None => self.grading_percent = Some(grading.progress_percent()),
        }
    }

    fn sample_firehose(&mut self) {
        if let Some(r) = self.workspace.runner().filter(|_| FULL) {
            let now_ms = r.sim().now().as_millis();
            // Time going back is a new run: its chart starts over.
            if now_ms < std::mem::replace(&mut self.sampled_ms, now_ms) {
                self.firehose_watch.reset();
            }
            self.firehose_watch.sample(r.sim());
        }
    }

    /// Whether a frame starting at `now_ms` (wall clock) may rebuild the views: the last rebuild is at least
    /// [`VIEW_REFRESH_MIN_MS`] old, or during a run to a time [`RUN_TO_VIEW_REFRESH_MS`] (which also rebuilds
    /// them when it ends).
    fn views_due_at(&self, now_ms: f64) -> bool {
        match self.run_to {
            Some(_) => self.views_built_wall_ms.is_some_and(|built| now_ms - built >= RUN_TO_VIEW_REFRESH_MS),
            None => self.views_built_wall_ms.is_none_or(|built| now_ms - built >= VIEW_REFRESH_MIN_MS),
        }
    }

    /// Rebuilds the views when something other than a frame changed them, or (while playing) when a simulated
    /// second completed and the last rebuild is at least [`VIEW_REFRESH_MIN_MS`] old.
    fn refresh_views(&mut self, wall_ms_now: Option<f64>) {
        let sim_ms = self.workspace.runner().map(|r| r.sim().now().as_millis());
        let second = sim_ms.map(|ms| ms / 1_000);
        let due = match (wall_ms_now, self.views_built_wall_ms) {
            (Some(now), Some(built)) => {
                let age_ms = now - built;
                self.views_due_at(now)
                    && (second != self.views_second
                        || (sim_ms != Some(self.views.now_ms) && age_ms >= VIEW_REFRESH_MAX_MS))
            }
            (Some(now), None) => self.views_due_at(now),
            (None, _) => false,
        };
        if !(self.views_stale || due) {
            return;
        }
        let selected = self.workspace.selected();
        self.views =
            Rc::new(StageViews::build(&self.workspace, selected, self.shard_log_page, &mut self.firehose_watch));
        self.views_stale = false;
        self.views_generation += 1;
        self.views_second = second;
        if wall_ms_now.is_some() {
            self.views_built_wall_ms = wall_ms_now;
        }
    }

    /// An edit of the workspace; its error becomes the notice.
    fn edit(&mut self, f: impl FnOnce(&mut Workspace) -> Result<(), String>) -> Result<(), String> {
        let outcome = f(&mut self.workspace);
        self.notice = outcome.clone().err();
        outcome
    }

    fn open_scenario(&mut self, scenario: Scenario) {
        self.workspace.open(scenario);
        self.notice = None;
    }

    /// The lite page starts fetching the full module for `need` (once; a later need replaces what is done
    /// after the switch).
    fn need_full(&mut self, need: Need) {
        match &mut self.full_module {
            Some(load) => {
                if load.needs.len() < crate::modules::NEEDS_MAX {
                    load.needs.push(need);
                }
                if let Some(attempt) = load.retry() {
                    self.effects.push(Effect::LoadFull(attempt));
                }
            }
            None => {
                self.effects.push(Effect::LoadFull(0));
                self.full_module = Some(FullModuleLoad { needs: vec![need], failed: None, attempts: 1 });
            }
        }
    }

    fn apply(&mut self, action: Action) -> Result<(), String> {
        // The arms marked `if FULL` are not in the lite build at all: `need_of` sends their actions to the
        // full module instead, and the last arm answers them there.
        match action {
            Action::Frame { .. } | Action::GradeFrame { .. } => Ok(()),
            Action::TogglePlay => {
                self.playing = !self.playing;
                Ok(())
            }
            Action::SetPlaying(on) => {
                self.playing = on;
                Ok(())
            }
            Action::SetSpeed(tenths) => {
                self.speed_tenths = tenths;
                Ok(())
            }
            Action::RunTo(target_ms) => {
                self.playing = false;
                let from_ms = self.now_ms();
                self.run_to = Some(RunTo { from_ms, target_ms });
                Ok(())
            }
            Action::Seek(target_ms) => {
                if self.now_ms() > target_ms {
                    self.workspace.restart();
                }
                self.run_to = Some(RunTo { from_ms: self.now_ms(), target_ms });
                Ok(())
            }
            Action::CancelRunTo => {
                self.run_to = None;
                Ok(())
            }
            Action::Reset => {
                self.run_to = None;
                self.workspace.restart();
                self.notice = None;
                Ok(())
            }
            Action::StepSecond => {
                self.workspace.advance_by(SimDuration::SECOND, u32::MAX);
                Ok(())
            }
            Action::StepEvent => {
                if let Some(r) = self.workspace.runner_mut() {
                    r.step_event();
                }
                Ok(())
            }
            Action::Undo => self.edit(|w| if w.undo() { Ok(()) } else { Err("Nothing to undo.".into()) }),
            Action::Redo => self.edit(|w| if w.redo() { Ok(()) } else { Err("Nothing to redo.".into()) }),
            Action::Open(scenario, message) => {
                self.open_scenario(scenario);
                self.notice = message;
                Ok(())
            }
            Action::OpenPreset(id) => {
                if let Some(preset) = shardlab_scenario::preset(id) {
                    self.open_scenario(preset.scenario());
                    self.tab = Tab::EventLog;
                }
                Ok(())
            }
            Action::Add(kind) => {
                self.workspace.add(kind);
                self.notice = None;
                Ok(())
            }
            Action::Select(id) => {
                // Selecting a component shows its inspector (also during a lesson) and its panel under the canvas.
                if id.is_some() {
                    self.show_lesson = false;
                }
                let scenario = self.workspace.scenario();
                let key = id
                    .and_then(|id| scenario.pipeline.node(id))
                    .and_then(|n| crate::panel_layout::panel_key(&n.kind, &n.name));
                if key.is_some() {
                    self.stage_panel = key;
                }
                self.workspace.select(id);
                Ok(())
            }
            Action::Move(id, x, y) => {
                self.workspace.move_node(id, x, y);
                Ok(())
            }
            Action::Connect(from, to) => {
                self.edit(|w| w.connect(from, to).map_err(|why| format!("Not connected: {why}.")))
            }
            Action::ConnectSelected(to) => match self.workspace.selected() {
                Some(from) => self.edit(|w| w.connect(from, to).map_err(|why| format!("Not connected: {why}."))),
                None => Ok(()),
            },
            Action::Disconnect(from, to) => self.edit(|w| w.disconnect(from, to)),
            Action::Delete(id) => self.edit(|w| w.delete(id)),
            Action::DeleteSelected => match self.workspace.selected() {
                Some(id) => self.edit(|w| w.delete(id)),
                None => Ok(()),
            },
            // The inspector shows a refused value beside its field, so it is not the notice too.
            Action::SetParam(id, key, text) => self.workspace.set_param(id, &key, &text),
            Action::SetSql(app, sql) => {
                let scenario = self.workspace.scenario();
                let id = scenario.pipeline.nodes.iter().find(|n| n.name == app).map(|n| n.id);
                let outcome = id.map_or_else(
                    || Err(format!("there is no component '{app}'")),
                    |id| self.workspace.set_param(id, "sql", &sql),
                );
                self.notice = outcome.clone().err().map(|why| format!("The SQL was not applied: {why}"));
                outcome
            }
            Action::SetSeed(seed) => {
                self.workspace.set_seed(seed);
                Ok(())
            }
            Action::AddEvent(event) => self.workspace.add_event(event),
            Action::ReplaceEvent(index, event) => self.workspace.replace_event(index, event),
            Action::RemoveEvent(index) => self.workspace.remove_event(index),
            Action::OpenChangeForm(editing, at_ms) if FULL => {
                self.change_form = Some((editing, at_ms));
                Ok(())
            }
            Action::CallApi(operation, body) if FULL => {
                let outcome = self.workspace.runner_mut().map(|r| r.call_console(&operation, &body));
                self.console_error = match outcome {
                    Some(Err(e)) => Some(e),
                    None => Some("The pipeline cannot run yet, so there is no simulation to call.".into()),
                    Some(Ok(())) => None,
                };
                Ok(())
            }
            Action::Browse(stream, shard, kind, argument) if FULL => {
                let outcome =
                    self.workspace.runner_mut().map(|r| r.browse(&stream, &shard, &kind, &argument, BROWSE_LIMIT));
                self.show_page(outcome);
                Ok(())
            }
            Action::BrowseNext if FULL => {
                let Some(iterator) = self.browse_page.as_ref().and_then(|p| p.next_shard_iterator.clone()) else {
                    return Ok(());
                };
                let outcome = self.workspace.runner_mut().map(|r| r.browse_next(&iterator, BROWSE_LIMIT));
                self.show_page(outcome);
                Ok(())
            }
            Action::ToggleShardLog if FULL => {
                self.shard_log_page = if self.shard_log_page.is_some() { None } else { Some(0) };
                Ok(())
            }
            Action::ShardLogPage(start) if FULL => {
                self.shard_log_page = Some(start);
                Ok(())
            }
            Action::Replay(request) if FULL => {
                self.edit(|w| w.runner_mut().map_or(Ok(()), |r| r.replay(request).map(drop)))
            }
            Action::OpenRecord(shard, position) if FULL => {
                let Some(stream) = self.views.stream.as_ref().map(|s| s.name.clone()) else { return Ok(()) };
                let outcome = self.workspace.runner_mut().map(|r| {
                    let seq = crate::shard_log::sequence_number_at(r.sim(), &stream, shard, position)
                        .ok_or_else(|| format!("Record #{position} is no longer retained."))?;
                    let shard_id = shardlab_engine::ShardId(shard).to_string();
                    r.browse(&stream, &shard_id, "AT_SEQUENCE_NUMBER", &seq, BROWSE_LIMIT)
                });
                self.tab = Tab::Records;
                self.show_page(outcome);
                Ok(())
            }
            Action::PickLogLine(node, at_ms) => {
                let id = node.and_then(|name| {
                    self.workspace.scenario().pipeline.nodes.iter().find(|n| n.name == name).map(|n| n.id)
                });
                if id.is_some() {
                    self.workspace.select(id);
                }
                // A line at t = N s reports the second that ended then.
                self.marked_second = Some((at_ms / 1_000).saturating_sub(1));
                Ok(())
            }
            Action::ShowTab(tab) => {
                self.tab = tab;
                if tab == Tab::Course {
                    self.load_course();
                }
                Ok(())
            }
            Action::RevealTab(tab) => {
                self.reveal_tab(tab);
                Ok(())
            }
            Action::ShowLesson(on) => {
                self.show_lesson = on;
                Ok(())
            }
            Action::ToggleHelp => {
                self.help_open = !self.help_open;
                Ok(())
            }
            Action::CloseHelp => {
                self.help_open = false;
                Ok(())
            }
            Action::ToggleTheme => {
                self.theme = self.theme.toggled();
                self.effects.push(Effect::ApplyTheme);
                Ok(())
            }
            Action::ToggleShare(link) => {
                self.embed_snippet_open = false;
                if self.share.take().is_none() {
                    self.share = Some((link.clone(), None));
                    self.effects.push(Effect::CopyLink(link));
                }
                Ok(())
            }
            Action::ShareCopied(link, copied) => {
                // A panel closed (or showing another link) meanwhile stays as it is.
                if self.share.as_ref().is_some_and(|(l, _)| *l == link) {
                    self.share = Some((link, Some(copied)));
                }
                Ok(())
            }
            Action::CloseShare => {
                self.share = None;
                self.embed_snippet_open = false;
                Ok(())
            }
            Action::OpenEmbed if FULL => {
                self.effects.push(Effect::ShowEmbed);
                Ok(())
            }
            Action::ShowEmbed(link) if FULL => {
                self.share = Some((link, None));
                self.embed_snippet_open = true;
                Ok(())
            }
            Action::ToggleExport => {
                self.export_open = !self.export_open;
                Ok(())
            }
            Action::Export(format) => {
                self.export_open = false;
                let outcome = self.export(format);
                self.notice = outcome.clone().err();
                outcome
            }
            Action::Library(action, now_unix_ms) if FULL => self.library_action(action, now_unix_ms),
            Action::Imported(Ok(scenario)) => {
                self.library_error = None;
                self.open_scenario(scenario);
                Ok(())
            }
            Action::Imported(Err(why)) => {
                self.library_error = Some(why.clone());
                Err(why)
            }
            Action::LoadCourse if FULL => {
                self.load_course();
                Ok(())
            }
            Action::CourseLoaded(content) if FULL => {
                self.course_loaded(content);
                Ok(())
            }
            Action::OpenLesson(id) if FULL => self.open_lesson(&id),
            Action::Check if FULL => {
                if let Some(l) = &self.lesson {
                    self.grading = Some(Grading::new(l, self.workspace.scenario()));
                    self.grading_percent = Some(0);
                }
                Ok(())
            }
            Action::Hint if FULL => {
                if let Some(l) = &self.lesson {
                    self.progress.show_hint(&l.id, u32::try_from(l.hints.len()).unwrap_or(u32::MAX));
                    self.effects.push(Effect::StoreProgress);
                }
                Ok(())
            }
            Action::ShowMe if FULL => {
                let Some(l) = self.lesson.clone() else { return Ok(()) };
                self.from_show_me = true;
                self.progress.show_me(&l.id);
                self.effects.push(Effect::StoreProgress);
                match shardlab_lessons::reference_scenario(&l) {
                    Ok(reference) => {
                        self.open_scenario(reference);
                        Ok(())
                    }
                    Err(why) => self.edit(|_| Err(format!("The reference solution could not be built: {why}"))),
                }
            }
            Action::RestartLesson if FULL => match self.lesson.as_ref().map(|l| l.id.clone()) {
                Some(id) => self.open_lesson(&id),
                None => Ok(()),
            },
            Action::QuizRight(question) if FULL => {
                if let Some(l) = &self.lesson {
                    let questions: Vec<String> = l.quiz.iter().map(|q| q.id.clone()).collect();
                    self.progress.answer_right_in(&l.id, &question, &questions, l.is_reading());
                    self.effects.push(Effect::StoreProgress);
                }
                Ok(())
            }
            Action::ResetProgress if FULL => {
                // The learner's seed stays: their choice orders do not change.
                let seed = self.progress.seed;
                self.progress = Progress::default();
                self.progress.seed = seed;
                self.effects.push(Effect::StoreProgress);
                Ok(())
            }
            Action::TourCourse if FULL => {
                self.tour_open = false;
                self.after_course = Some(AfterCourse::OpenFirstLesson);
                self.load_course();
                Ok(())
            }
            Action::TourPresets => {
                self.tour_open = false;
                self.reveal_tab(Tab::Presets);
                Ok(())
            }
            Action::TourClose => {
                self.tour_open = false;
                self.effects.push(Effect::Reveal("#course-button".into()));
                Ok(())
            }
            Action::StagePanel(key) => {
                self.stage_panel = Some(key);
                Ok(())
            }
            Action::SetPanelLayout(layout) => {
                self.panel_layout = layout;
                self.effects.push(Effect::StorePanelLayout);
                Ok(())
            }
            Action::StorageFailed(why) => {
                self.library_error = Some(why);
                Ok(())
            }
            Action::Failed(why) => {
                self.notice = Some(why);
                Ok(())
            }
            Action::NeedFull(need) => {
                self.need_full(need);
                Ok(())
            }
            Action::FullFailed(why) => {
                if let Some(load) = &mut self.full_module {
                    load.failed = Some(why);
                }
                Ok(())
            }
            Action::RetryFull => {
                if let Some(attempt) = self.full_module.as_mut().and_then(FullModuleLoad::retry) {
                    self.effects.push(Effect::LoadFull(attempt));
                }
                Ok(())
            }
            Action::Started => Ok(()),
            // Only in the lite build, for the actions `modules::need_of` hands over.
            _ => Ok(()),
        }
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.workspace.runner().map_or(0, |r| r.sim().now().as_millis())
    }

    /// Shows `target` under the stage and brings its tab into view (the top bar's Course button, the tour).
    fn reveal_tab(&mut self, target: Tab) {
        self.tab = target;
        if target == Tab::Course {
            self.load_course();
        }
        self.effects.push(Effect::Reveal(format!(".bottom [data-tab=\"{}\"]", target.label())));
    }

    fn show_page(&mut self, outcome: Option<Result<BrowsePage, String>>) {
        match outcome {
            Some(Ok(p)) => {
                self.browse_page = Some(p);
                self.browse_error = None;
            }
            Some(Err(e)) => self.browse_error = Some(e),
            None => self.browse_error = Some("The pipeline cannot run yet.".into()),
        }
    }

    fn export(&mut self, format: ExportFormat) -> Result<(), String> {
        let scenario = self.workspace.scenario();
        let findings = self.workspace.runner().map(|r| shardlab_scenario::Findings::from_simulation(r.sim()));
        let stem = file_stem(&scenario.name);
        let (file, mime, text) = match format {
            // The lite page hands every export over to the full module (`modules::need_of`): files are JSON.
            _ if !FULL => return Ok(()),
            ExportFormat::ScenarioJson => (format!("{stem}.json"), "application/json", scenario.to_json()),
            ExportFormat::CloudFormation => {
                (format!("{stem}.yaml"), "application/yaml", scenario.to_cloudformation(findings.as_ref()))
            }
            ExportFormat::AwsCli => {
                (format!("{stem}.sh"), "text/x-shellscript", scenario.to_aws_cli(findings.as_ref()))
            }
            ExportFormat::AgentJson => ("agent.json".to_string(), "application/json", scenario.to_agent_json()?),
        };
        self.effects.push(Effect::Download(file, mime, text));
        Ok(())
    }

    fn library_action(&mut self, action: LibraryAction, now: u64) -> Result<(), String> {
        let Ok(lib) = self.library.as_mut() else { return Ok(()) };
        let mut open = None;
        let outcome: Result<(), String> = match action {
            LibraryAction::SaveCurrent(name) => lib.save(&name, self.workspace.scenario(), now).map(drop),
            LibraryAction::Open(id) => lib.scenario(id).map(|scenario| open = Some(scenario)),
            LibraryAction::Rename(id, name) => lib.rename(id, &name),
            LibraryAction::Duplicate(id) => lib.duplicate(id, now).map(drop),
            LibraryAction::Delete(id) => lib.delete(id).map(drop),
            LibraryAction::UndoDelete => {
                lib.undo_delete();
                Ok(())
            }
            LibraryAction::ExportCurrent => self.export(ExportFormat::ScenarioJson),
        };
        if let Some(scenario) = open {
            self.open_scenario(scenario);
        }
        self.effects.push(Effect::StoreLibrary);
        self.library_error = outcome.clone().err();
        outcome
    }

    fn load_course(&mut self) {
        if FULL && matches!(self.course, CourseContent::NotLoaded | CourseContent::Failed(_)) {
            self.course = CourseContent::Loading;
            self.effects.push(Effect::LoadCourse);
        }
    }

    fn course_loaded(&mut self, content: CourseContent) {
        if let CourseContent::Ready(all) = &content {
            // Parsed once when fetched; each lesson is shared from here on, never parsed or copied again.
            self.lessons = all.iter().cloned().map(Rc::new).collect();
        }
        let failed = match &content {
            CourseContent::Failed(why) => Some(why.clone()),
            _ => None,
        };
        self.course = content;
        let Some(next) = self.after_course.take() else { return };
        if let Some(why) = failed {
            self.notice = Some(format!("The lesson did not open: the course could not be loaded ({why})."));
            return;
        }
        match next {
            AfterCourse::OpenLesson(id) => {
                let _ = self.open_lesson(&id);
            }
            AfterCourse::ShowLesson(id) => match self.find_lesson(&id) {
                Some(l) => {
                    // A link carrying the lesson's solution gives it away, as "Show me" does.
                    if shardlab_lessons::is_reference(&l, self.workspace.scenario()) {
                        self.from_show_me = true;
                        self.progress.show_me(&l.id);
                        self.effects.push(Effect::StoreProgress);
                    }
                    self.lesson = Some(l);
                    self.show_lesson = true;
                }
                None => self.notice = Some(no_such_lesson(&id)),
            },
            AfterCourse::OpenFirstLesson => {
                if let Some(first) = self.lessons.first().map(|l| l.id.clone()) {
                    let _ = self.open_lesson(&first);
                }
                self.effects.push(Effect::Reveal(".lesson-panel h2".into()));
            }
        }
    }

    fn find_lesson(&self, id: &str) -> Option<Rc<Lesson>> {
        self.lessons.iter().find(|l| l.id == id).cloned()
    }

    fn open_lesson(&mut self, id: &str) -> Result<(), String> {
        let Some(l) = self.find_lesson(id) else {
            let why = no_such_lesson(id);
            self.notice = Some(why.clone());
            return Err(why);
        };
        match shardlab_lessons::start_scenario(&l) {
            Ok(start) => {
                self.from_show_me = false;
                self.open_scenario(start);
                self.lesson = Some(l);
                self.grade = None;
                self.grading = None;
                self.grading_percent = None;
                self.show_lesson = true;
                Ok(())
            }
            Err(why) => {
                let why = format!("The lesson's pipeline could not be built: {why}");
                self.notice = Some(why.clone());
                Err(why)
            }
        }
    }
}

fn no_such_lesson(id: &str) -> String {
    format!("There is no lesson \"{id}\"; open the Course tab to pick one.")
}

/// A scenario name as a file name: letters, digits and dashes.
pub fn file_stem(name: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stage_views::StreamViews;
    use crate::workspace::UNDO_MAX;
    use std::cell::Cell;

    fn start(scenario: Scenario) -> Start {
        Start {
            scenario,
            notice: None,
            embed: false,
            playing: false,
            speed_tenths: crate::pacing::SPEED_DEFAULT_TENTHS,
            start_ms: None,
            progress: Progress::default(),
            library: Ok(Library::default()),
            theme: Theme::Light,
            panel_layout: PanelLayout::default(),
            tour_open: false,
            after_course: None,
            then: Vec::new(),
        }
    }

    fn page() -> PageState {
        PageState::new(start(Scenario::default()))
    }

    /// A wall clock that moves on `step_ms` each time it is read.
    fn ticking_clock(step_ms: f64) -> (Clock, Rc<Cell<u32>>) {
        let reads = Rc::new(Cell::new(0u32));
        let counter = reads.clone();
        let clock: Clock = Rc::new(move || {
            counter.set(counter.get() + 1);
            f64::from(counter.get()) * step_ms
        });
        (clock, reads)
    }

    fn course() -> CourseContent {
        CourseContent::Ready(Rc::new(shardlab_lessons::lessons()))
    }

    fn undo_depth(state: &mut PageState) -> usize {
        (0..=UNDO_MAX + 1).take_while(|_| state.update(Action::Undo).is_ok()).count()
    }

    #[test]
    fn repeated_rate_edits_keep_the_undo_limit() {
        let mut state = page();
        let producer = state.workspace.scenario().pipeline.nodes[0].id;
        for i in 0..3 * UNDO_MAX {
            let rate = (100 + i).to_string();
            state.update(Action::SetParam(producer, "records_per_sec".into(), rate)).expect("a valid rate");
        }
        assert_eq!(undo_depth(&mut state), UNDO_MAX, "only the last {UNDO_MAX} rate edits are kept");
        assert_eq!(state.notice.as_deref(), Some("Nothing to undo."));
    }

    #[test]
    fn a_refused_parameter_is_returned_to_its_field_and_changes_nothing() {
        let mut state = page();
        let producer = state.workspace.scenario().pipeline.nodes[0].id;
        let before = state.workspace.revision();
        let refused = state.update(Action::SetParam(producer, "records_per_sec".into(), "lots".into()));
        assert!(refused.is_err());
        assert_eq!(state.workspace.revision(), before);
        assert!(!state.workspace.can_undo());
    }

    #[test]
    fn a_lesson_link_opens_once_the_course_is_here_from_lessons_parsed_once() {
        let id = shardlab_lessons::lessons()[1].id.clone();
        let mut state = PageState::new(Start {
            after_course: Some(AfterCourse::OpenLesson(id.clone())),
            ..start(Scenario::default())
        });
        assert!(state.lesson.is_none(), "nothing to open before the course is here");
        state.update(Action::CourseLoaded(course())).expect("loaded");
        let opened = state.lesson.clone().expect("the linked lesson is open");
        assert_eq!(opened.id, id);
        assert!(state.show_lesson);
        // The open lesson is the course's own copy, and opening it again shares it rather than parsing it again.
        assert!(Rc::ptr_eq(&opened, &state.lessons()[1]));
        state.update(Action::RestartLesson).expect("reopened");
        assert!(Rc::ptr_eq(state.lesson.as_ref().expect("open"), &state.lessons()[1]));
        assert_eq!(state.next_lesson().map(|(id, _)| id), Some(state.lessons()[2].id.clone()));
    }

    #[test]
    fn the_course_tab_fetches_the_course_once() {
        let mut state = page();
        state.update(Action::ShowTab(Tab::Course)).expect("shown");
        state.update(Action::ShowTab(Tab::EventLog)).expect("shown");
        state.update(Action::ShowTab(Tab::Course)).expect("shown");
        assert_eq!(state.take_effects(), vec![Effect::LoadCourse], "one fetch while the first is on its way");
        state.update(Action::CourseLoaded(CourseContent::Failed("offline".into()))).expect("noted");
        state.update(Action::LoadCourse).expect("retried");
        assert_eq!(state.take_effects(), vec![Effect::LoadCourse], "a failed fetch is tried again");
    }

    #[test]
    fn a_failed_course_says_why_the_linked_lesson_did_not_open() {
        let mut state = PageState::new(Start {
            after_course: Some(AfterCourse::OpenLesson("write-limit".into())),
            ..start(Scenario::default())
        });
        state.update(Action::CourseLoaded(CourseContent::Failed("HTTP 404".into()))).expect("noted");
        assert!(state.lesson.is_none());
        assert!(state.notice.as_deref().is_some_and(|n| n.contains("HTTP 404")), "{:?}", state.notice);
    }

    #[test]
    fn grading_advances_a_bounded_slice_per_frame_until_graded() {
        let mut state = page();
        state.update(Action::CourseLoaded(course())).expect("loaded");
        let lesson = state.lessons()[1].clone();
        state.update(Action::OpenLesson(lesson.id.clone())).expect("opened");
        state.update(Action::Check).expect("grading");
        assert_eq!(state.grading_percent, Some(0));
        // Each read of the clock moves it 1 ms: a frame's 6 ms budget ends after its 6th slice of 5 simulated
        // seconds, so a frame grades 30 simulated seconds.
        let per_frame = GRADING_WORK_BUDGET_MS as u32 * crate::pacing::GRADING_SECONDS_PER_SLICE;
        let (clock, _) = ticking_clock(1.0);
        state.update(Action::GradeFrame { clock: clock.clone() }).expect("a frame");
        assert_eq!(state.grading_percent, Some(per_frame * 100 / lesson.run_s));
        let mut frames = 1;
        while state.grade.is_none() && frames < 1_000 {
            state.update(Action::GradeFrame { clock: clock.clone() }).expect("a frame");
            frames += 1;
        }
        assert_eq!(frames, lesson.run_s.div_ceil(per_frame), "the whole run, a budget's worth per frame");
        assert_eq!(state.grading_percent, None);
        assert!(state.grade.is_some());
    }

    #[test]
    fn a_frame_advances_by_wall_time_times_speed_unless_its_budget_runs_out() {
        let mut state = page();
        state.update(Action::SetSpeed(20)).expect("2x");
        state.update(Action::TogglePlay).expect("playing");
        // A clock that never moves never runs out: 250 ms of wall time at 2x is 500 simulated ms.
        let still: Clock = Rc::new(|| 0.0);
        state.update(Action::Frame { started_ms: 0.0, wall_ms: 250.0, clock: still }).expect("a frame");
        assert_eq!(state.workspace.runner().map(|r| r.sim().now().as_millis()), Some(500));
        assert!(!state.behind);
        // A clock that jumps past the budget at each read stops the frame after one chunk of work.
        let mut state = page();
        let nodes: Vec<NodeId> = state.workspace.scenario().pipeline.nodes.iter().map(|n| n.id).collect();
        state.update(Action::SetParam(nodes[1], "shard_count".into(), "100".into())).expect("100 shards");
        state.update(Action::SetParam(nodes[0], "records_per_sec".into(), "100000".into())).expect("a high rate");
        state.update(Action::SetSpeed(10_000)).expect("1000x");
        state.update(Action::TogglePlay).expect("playing");
        let (clock, _) = ticking_clock(crate::pacing::LIGHT_FRAME_BUDGET_MAX_MS + 1.0);
        state.update(Action::Frame { started_ms: 0.0, wall_ms: 250.0, clock }).expect("a frame");
        let reached_ms = state.workspace.runner().map_or(0, |r| r.sim().now().as_millis());
        assert!(reached_ms < 250_000, "stopped short of 250 simulated s: {reached_ms} ms");
        assert!(state.behind, "the page says it is slower than asked");
    }

    /// A page playing 100 shards at 100,000 records/s, at 1000x (no frame reaches its target).
    fn busy_page() -> PageState {
        let mut state = page();
        let nodes: Vec<NodeId> = state.workspace.scenario().pipeline.nodes.iter().map(|n| n.id).collect();
        state.update(Action::SetParam(nodes[1], "shard_count".into(), "100".into())).expect("100 shards");
        state.update(Action::SetParam(nodes[0], "records_per_sec".into(), "100000".into())).expect("a high rate");
        state.update(Action::SetSpeed(10_000)).expect("1000x");
        state
    }

    #[test]
    fn a_run_to_frame_takes_most_of_the_frame_and_leaves_fresh_views_alone() {
        let mut state = busy_page();
        state.update(Action::RunTo(3_600_000)).expect("run to 1h");
        let before = state.views();
        // The clock moves 1 ms per read and the frame started at 0: the frame reads it once to start, then
        // after each chunk of work until past 1000/60 - 3 = 13.67 ms, i.e. at its 14th read.
        let (clock, reads) = ticking_clock(1.0);
        state.update(Action::Frame { started_ms: 0.0, wall_ms: 16.7, clock }).expect("a frame");
        assert_eq!(reads.get(), 14);
        assert!(state.run_to.is_some(), "an hour of 100 busy shards takes more than a frame");
        assert!(Rc::ptr_eq(&before, &state.views()), "no views rebuilt while the run is on its way");
        // Stop answers between frames, and the views show where the run stopped.
        let stopped_ms = state.now_ms();
        assert!(stopped_ms > 0);
        state.update(Action::CancelRunTo).expect("stopped");
        assert!(state.run_to.is_none());
        assert_eq!(state.views().now_ms, stopped_ms);
    }

    #[test]
    fn a_run_to_redraws_its_views_once_a_wall_second() {
        let mut state = busy_page();
        // A playing frame at wall time 0 builds the views.
        state.update(Action::TogglePlay).expect("play");
        let (clock, _) = ticking_clock(1.0);
        state.update(Action::Frame { started_ms: 0.0, wall_ms: 16.7, clock }).expect("a playing frame");
        state.update(Action::TogglePlay).expect("pause");
        state.update(Action::RunTo(3_600_000)).expect("run to 1h");
        let frame_at = |state: &mut PageState, start_ms: f64| {
            let reads = Rc::new(Cell::new(0u32));
            let clock: Clock = Rc::new(move || {
                reads.set(reads.get() + 1);
                start_ms + f64::from(reads.get())
            });
            state.update(Action::Frame { started_ms: start_ms, wall_ms: 16.7, clock }).expect("a frame");
        };
        // 500 ms after the last rebuild: the views wait.
        let before = state.views();
        frame_at(&mut state, 500.0);
        assert!(state.run_to.is_some());
        assert!(Rc::ptr_eq(&before, &state.views()), "half a wall second after the last rebuild");
        // A wall second after it: the views show where the run is, and the run goes on.
        frame_at(&mut state, 1_100.0);
        assert!(state.run_to.is_some(), "an hour of 100 busy shards takes more than three frames");
        assert!(!Rc::ptr_eq(&before, &state.views()));
        assert_eq!(state.views().now_ms, state.now_ms());
        assert!(state.now_ms() > before.now_ms);
    }

    #[test]
    fn a_run_to_ends_with_its_views_rebuilt() {
        let mut state = page();
        state.update(Action::RunTo(2_000)).expect("run to 2 s");
        let still: Clock = Rc::new(|| 0.0);
        state.update(Action::Frame { started_ms: 0.0, wall_ms: 16.7, clock: still }).expect("a frame");
        assert!(state.run_to.is_none());
        assert_eq!(state.views().now_ms, 2_000);
    }

    #[test]
    fn playing_frames_that_only_redraw_the_clock_get_a_larger_budget_than_those_that_rebuild_the_views() {
        let mut state = busy_page();
        state.update(Action::TogglePlay).expect("playing");
        // The first frame rebuilds the views (none built yet): 2.5 ms, so 1 read to start and 3 after chunks.
        let (clock, reads) = ticking_clock(1.0);
        state.update(Action::Frame { started_ms: 0.0, wall_ms: 250.0, clock }).expect("a frame");
        assert_eq!(reads.get(), 4);
        let built = state.views();
        // Next frames start when the views were just built (the ticking clock starts again), so they are light:
        // the first after a rebuild frame has the least budget, 4.5 ms, and each after a light frame that kept
        // to its display interval 0.02 ms more.
        let (clock, reads) = ticking_clock(1.0);
        state.update(Action::Frame { started_ms: 0.0, wall_ms: 16.7, clock }).expect("a light frame");
        assert_eq!(reads.get(), 6);
        assert!(Rc::ptr_eq(&built, &state.views()), "a light frame draws no views");
        for _ in 0..50 {
            let (clock, _) = ticking_clock(1.0);
            state.update(Action::Frame { started_ms: 0.0, wall_ms: 16.7, clock }).expect("a light frame");
        }
        // After 51 light frames on time: 4.5 + 51 × 0.02 = 5.52 ms, so the frame reads the clock 1 + 6 times.
        let (clock, reads) = ticking_clock(1.0);
        state.update(Action::Frame { started_ms: 0.0, wall_ms: 16.7, clock }).expect("a light frame");
        assert_eq!(reads.get(), 7);
    }

    #[test]
    fn playing_rebuilds_the_views_only_when_a_second_completed_and_not_too_often() {
        let mut state = page();
        state.update(Action::TogglePlay).expect("playing");
        let wall = Rc::new(Cell::new(0.0f64));
        let frame = |state: &mut PageState, wall_ms: f64| {
            wall.set(wall.get() + wall_ms);
            let now = wall.get();
            state.update(Action::Frame { started_ms: now, wall_ms, clock: Rc::new(move || now) }).expect("a frame");
        };
        frame(&mut state, 16.0);
        let first = state.views();
        // Real time: 16 ms frames stay inside the first simulated second.
        for _ in 0..10 {
            frame(&mut state, 16.0);
        }
        assert!(Rc::ptr_eq(&first, &state.views()), "same second: same views");
        // Past the first second (1,024 ms at 1x), at least 250 ms of wall time after the last rebuild.
        for _ in 0..54 {
            frame(&mut state, 16.0);
        }
        let second = state.views();
        assert!(!Rc::ptr_eq(&first, &second), "a completed second is drawn");
        assert_eq!(second.now_ms / 1_000, 1);
        // An edit is drawn at once, mid-second.
        let producer = state.workspace.scenario().pipeline.nodes[0].id;
        state.update(Action::SetParam(producer, "records_per_sec".into(), "300".into())).expect("a rate");
        assert!(!Rc::ptr_eq(&second, &state.views()));
    }

    #[test]
    fn at_a_slow_speed_the_views_move_once_a_wall_second() {
        let mut state = page();
        state.update(Action::SetSpeed(1)).expect("0.1x");
        state.update(Action::TogglePlay).expect("playing");
        let mut wall_ms = 0.0;
        let mut frame = |state: &mut PageState| {
            wall_ms += 100.0;
            let now = wall_ms;
            state
                .update(Action::Frame { started_ms: now, wall_ms: 100.0, clock: Rc::new(move || now) })
                .expect("a frame");
        };
        frame(&mut state);
        let first = state.views();
        for _ in 0..9 {
            frame(&mut state);
        }
        assert!(Rc::ptr_eq(&first, &state.views()), "900 ms of wall time: not yet");
        frame(&mut state);
        // 1,000 ms of wall time at 0.1x: 100 simulated ms on, still inside the first second.
        assert_eq!(state.views().now_ms, 110);
    }

    #[test]
    fn views_say_one_shard_not_one_shards() {
        let mut state = page();
        let stream = state.workspace.scenario().pipeline.nodes[1].id;
        state.update(Action::SetParam(stream, "shard_count".into(), "1".into())).expect("one shard");
        state.update(Action::StepSecond).expect("a second");
        let hint = state.views().stream.as_ref().map(StreamViews::hint).expect("a stream");
        assert!(hint.contains("1 shard open"), "{hint}");
        let figure = &state.views().canvas_nodes[1].figure;
        assert!(figure.starts_with("1 shard ·"), "{figure}");
    }

    #[test]
    fn sharing_copies_the_link_and_a_late_answer_for_a_closed_panel_is_dropped() {
        let mut state = page();
        state.update(Action::ToggleShare("https://x/#a".into())).expect("open");
        assert_eq!(state.take_effects(), vec![Effect::CopyLink("https://x/#a".into())]);
        state.update(Action::CloseShare).expect("closed");
        state.update(Action::ShareCopied("https://x/#a".into(), Ok(()))).expect("late");
        assert_eq!(state.share, None);
    }

    #[test]
    fn a_handed_over_embed_opens_the_share_panel_at_its_snippet_without_copying() {
        let mut state = page();
        state.update(Action::OpenEmbed).expect("asked");
        // The app answers with the page's share link (it knows the address).
        assert_eq!(state.take_effects(), vec![Effect::ShowEmbed]);
        state.update(Action::ShowEmbed("https://x/#s".into())).expect("shown");
        assert_eq!(state.share, Some(("https://x/#s".into(), None)));
        assert!(state.embed_snippet_open);
        assert_eq!(state.take_effects(), vec![], "nothing copied without a click");
        state.update(Action::CloseShare).expect("closed");
        assert!(!state.embed_snippet_open, "the next Share opens with the snippet closed");
    }

    #[test]
    fn selecting_a_component_leaves_the_lesson_for_its_inspector_and_panel() {
        let mut state = page();
        state.update(Action::CourseLoaded(course())).expect("loaded");
        let id = state.lessons()[0].id.clone();
        state.update(Action::OpenLesson(id)).expect("opened");
        assert!(state.show_lesson);
        let stream =
            state.workspace.scenario().pipeline.nodes.iter().find(|n| matches!(n.kind, NodeKind::DataStream(_)));
        let stream = stream.map(|n| n.id);
        state.update(Action::Select(stream)).expect("selected");
        assert!(!state.show_lesson);
        assert_eq!(state.stage_panel.as_deref(), Some(crate::panel_layout::STREAM_PANEL));
    }
}
