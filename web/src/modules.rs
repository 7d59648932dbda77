//! The page ships as two wasm modules built from these same sources (ARCHITECTURE.md, "Two modules"). The
//! first visit downloads the `lite` build (no `full` feature: the Kinesis Data Streams playground, producers,
//! streams and consumers, share links); the `full` build adds the Firehose, Analytics and Video Streams
//! panels, the API console, the course and the exports, and is fetched the first time the learner needs one
//! of them. The `full` feature gates web code only, so both compile the same engine with the same features
//! and a scenario computes the same run in either.
//!
//! The switch hands the workspace over: the lite page writes a [`Handover`] (the scenario as a share link,
//! the simulated time reached, speed, playing, and what the learner asked for) into `sessionStorage`, stops,
//! and starts the full module, which opens the handover instead of the URL and runs to the same simulated
//! time within its frame budget. Plain Rust here (tested natively); the browser glue is `fetch_full`,
//! `switch_to_full` and `take_handover` (wasm32 only).

use crate::page_state::{Action, ExportFormat, Tab};
use shardlab_scenario::{NodeKind, Scenario};

/// This build has everything (`full` feature): nothing is ever handed over.
pub const FULL: bool = cfg!(feature = "full");

/// The `sessionStorage` key of a pending handover (read once by the full module, then removed).
pub const HANDOVER_KEY: &str = "shardlab.handover.v1";

/// Why the full module is needed: what the learner asked for, done again by the full module after the switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
    /// The scenario has components the lite page does not draw (Firehose, Analytics, agents, video).
    Scenario,
    /// The address holds a link of an older format (`s=1.…` to `s=4.…`), which only the full module converts
    /// (`shardlab_scenario::decode_current_link`): it is handed over as it is, instead of the workspace.
    Link(String),
    /// A tab the lite page does not have (the record browser, the API console, the cost estimate, the library's
    /// panel, the course).
    Tab(Tab),
    /// The shard log (under the stream), which the lite page does not draw.
    ShardLog,
    /// The Share panel's embed snippet.
    Embed,
    /// The timeline's form: for the scheduled event at this index (`None`: a new one), at this time in ms.
    ChangeForm(Option<usize>, u64),
    /// A lesson, by id (a lesson link, the tour's "Start the course", the course button).
    Lesson(Option<String>),
    /// A component the lite palette does not add: its place in the palette.
    Add(usize),
    /// An export the lite page does not write (the scenario file is JSON, the full module's).
    Export(ExportFormat),
    /// The browser holds saved work in an older form (`storage::holds_older_forms`), which the full module reads
    /// and rewrites. `changed`: the learner changed the lite page's scenario meanwhile, so the full module opens
    /// that one (keeping the saved one in the library, as for a link); otherwise it opens as a fresh start would.
    Saved {
        /// The lite page's workspace was edited after the start.
        changed: bool,
    },
}

impl Need {
    /// What is loading, for the learner ("Loading the course…").
    pub fn describe(&self) -> &'static str {
        match self {
            Self::Scenario => "the panels for this pipeline",
            Self::Link(_) => "this link's older format",
            Self::Tab(Tab::ApiConsole) => "the API console",
            Self::Tab(Tab::Records) => "the record browser",
            Self::Tab(Tab::Cost) => "the cost estimate",
            Self::Tab(Tab::Library) => "the library",
            Self::ShardLog => "the shard log",
            Self::Embed => "the embed snippet",
            Self::ChangeForm(..) => "the timeline's form",
            Self::Tab(_) | Self::Lesson(_) => "the course",
            Self::Add(_) => "Firehose, Analytics, the Kinesis Agent and Video Streams",
            Self::Export(_) => "the exports",
            Self::Saved { .. } => "your saved work (kept in an older form)",
        }
    }

    /// Its text form in a handover (`then=`).
    fn encode(&self) -> String {
        match self {
            // The link itself travels as the handover's link ([`take_older_link`]).
            Self::Scenario | Self::Link(_) => "scenario".into(),
            Self::Tab(Tab::ApiConsole) => "tab-api".into(),
            Self::Tab(Tab::Records) => "tab-records".into(),
            Self::Tab(Tab::Cost) => "tab-cost".into(),
            Self::Tab(Tab::Library) => "tab-library".into(),
            Self::Tab(_) => "tab-course".into(),
            Self::ShardLog => "shard-log".into(),
            Self::Embed => "embed".into(),
            Self::ChangeForm(None, at_ms) => format!("change-new-{at_ms}"),
            Self::ChangeForm(Some(index), at_ms) => format!("change-{index}-{at_ms}"),
            Self::Lesson(None) => "course".into(),
            Self::Lesson(Some(id)) => format!("lesson-{id}"),
            Self::Add(index) => format!("add-{index}"),
            Self::Export(format) => format!("export-{}", export_index(*format)),
            Self::Saved { changed: false } => "saved".into(),
            Self::Saved { changed: true } => "saved-changed".into(),
        }
    }

    fn decode(text: &str) -> Option<Self> {
        Some(match text {
            "scenario" => Self::Scenario,
            "tab-api" => Self::Tab(Tab::ApiConsole),
            "tab-records" => Self::Tab(Tab::Records),
            "tab-cost" => Self::Tab(Tab::Cost),
            "tab-library" => Self::Tab(Tab::Library),
            "shard-log" => Self::ShardLog,
            "embed" => Self::Embed,
            "tab-course" => Self::Tab(Tab::Course),
            "course" => Self::Lesson(None),
            "saved" => Self::Saved { changed: false },
            "saved-changed" => Self::Saved { changed: true },
            _ => {
                if let Some((index, at_ms)) = text.strip_prefix("change-").and_then(|rest| rest.split_once('-')) {
                    // A click past the last time a change may have (the track can reach beyond it) opens the form
                    // at that last time rather than losing the handover.
                    let at_ms = at_ms.parse::<u64>().ok()?.min(shardlab_scenario::TIME_MS_MAX);
                    let index = match index {
                        "new" => None,
                        _ => Some(index.parse().ok().filter(|&i| i < shardlab_scenario::SCHEDULED_MAX)?),
                    };
                    Self::ChangeForm(index, at_ms)
                } else if let Some(id) = text.strip_prefix("lesson-") {
                    Self::Lesson(Some(id.to_string()).filter(|id| id.len() <= 64 && !id.is_empty()))
                } else if let Some(index) = text.strip_prefix("add-") {
                    Self::Add(index.parse().ok().filter(|&i| i < crate::page_view::PALETTE.len())?)
                } else {
                    let index: usize = text.strip_prefix("export-")?.parse().ok()?;
                    Self::Export(*EXPORTS.get(index)?)
                }
            }
        })
    }

    /// The action that does it in the full module, if there is one.
    pub fn action(&self) -> Option<Action> {
        match self {
            Self::Scenario | Self::Link(_) | Self::Saved { .. } => None,
            Self::Tab(tab) => Some(Action::RevealTab(*tab)),
            // Opens it (a toggle would close it again after a second click while loading).
            Self::ShardLog => Some(Action::ShardLogPage(0)),
            Self::Embed => Some(Action::OpenEmbed),
            Self::ChangeForm(index, at_ms) => Some(Action::OpenChangeForm(*index, *at_ms)),
            Self::Lesson(None) => Some(Action::TourCourse),
            Self::Lesson(Some(id)) => Some(Action::OpenLesson(id.clone())),
            Self::Add(index) => crate::page_view::PALETTE.get(*index).map(|(_, make)| Action::Add(make())),
            Self::Export(format) => Some(Action::Export(*format)),
        }
    }
}

const EXPORTS: [ExportFormat; 4] =
    [ExportFormat::ScenarioJson, ExportFormat::CloudFormation, ExportFormat::AwsCli, ExportFormat::AgentJson];

fn export_index(format: ExportFormat) -> usize {
    EXPORTS.iter().position(|f| *f == format).unwrap_or(0)
}

/// Whether the lite page draws every component of `scenario`.
pub fn lite_draws(scenario: &Scenario) -> bool {
    scenario.pipeline.nodes.iter().all(|n| lite_kind(&n.kind))
}

/// Whether the lite page draws and runs components of this kind: producers, data streams and consumers.
fn lite_kind(kind: &NodeKind) -> bool {
    matches!(kind, NodeKind::Producer(_) | NodeKind::DataStream(_) | NodeKind::Consumer(_))
}

/// Whether the lite page has this tab: the event log and the presets; the others are the full module's.
fn lite_tab(tab: Tab) -> bool {
    matches!(tab, Tab::EventLog | Tab::Presets)
}

/// The simulated time a handover asks the full module to reach: where a Run-to (a link's `t=`) was going, else
/// where the run is. The lite page's engine refuses Firehose and Analytics, so it never runs a pipeline with
/// them and a link's start time must travel as the target.
pub fn handover_ms(run_ms: u64, run_to_target_ms: Option<u64>) -> u64 {
    run_to_target_ms.map_or(run_ms, |target_ms| target_ms.max(run_ms))
}

/// Takes an older link the lite page left for the full module ([`Need::Link`]) out of `needs`: the handover
/// carries it instead of the workspace's scenario.
pub fn take_older_link(needs: &mut Vec<Need>) -> Option<String> {
    let link = needs.iter().find_map(|need| match need {
        Need::Link(link) => Some(link.clone()),
        _ => None,
    });
    needs.retain(|need| !matches!(need, Need::Link(_)));
    link
}

/// What `action` needs from the full module, if the lite page cannot do it itself.
pub fn need_of(action: &Action) -> Option<Need> {
    match action {
        Action::ShowTab(tab) | Action::RevealTab(tab) if !lite_tab(*tab) => Some(Need::Tab(*tab)),
        Action::CallApi(..) => Some(Need::Tab(Tab::ApiConsole)),
        Action::Browse(..) | Action::BrowseNext | Action::OpenRecord(..) => Some(Need::Tab(Tab::Records)),
        Action::ToggleShardLog | Action::ShardLogPage(_) | Action::Replay(_) => Some(Need::ShardLog),
        Action::OpenChangeForm(index, at_ms) => Some(Need::ChangeForm(*index, *at_ms)),
        Action::OpenEmbed | Action::ShowEmbed(_) => Some(Need::Embed),
        Action::LoadCourse | Action::CourseLoaded(_) | Action::TourCourse => Some(Need::Lesson(None)),
        Action::OpenLesson(id) => Some(Need::Lesson(Some(id.clone()))),
        Action::Check | Action::Hint | Action::ShowMe | Action::RestartLesson | Action::QuizRight(_) => {
            Some(Need::Lesson(None))
        }
        Action::ResetProgress => Some(Need::Tab(Tab::Course)),
        Action::SetSql(..) => Some(Need::Scenario),
        Action::Add(kind) => {
            let index = crate::page_view::PALETTE.iter().position(|(_, make)| make().noun() == kind.noun());
            (!lite_kind(kind)).then(|| Need::Add(index.unwrap_or(0)))
        }
        Action::Export(format) => Some(Need::Export(*format)),
        Action::Library(crate::components::LibraryAction::ExportCurrent, _) => {
            Some(Need::Export(ExportFormat::ScenarioJson))
        }
        // The library's panel and its actions (the autosave and the library's storage stay in the lite page).
        Action::Library(..) => Some(Need::Tab(Tab::Library)),
        _ => None,
    }
}

/// The lite page's state to carry into the full module: what is open, how far it ran, and what was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handover {
    /// The scenario as a share link (`s=…`).
    pub link: String,
    /// The simulated time the run had reached, in ms.
    pub now_ms: u64,
    /// The speed, in tenths of real time.
    pub speed_tenths: u32,
    /// It was playing.
    pub playing: bool,
    /// What the learner asked for, in order (at most [`NEEDS_MAX`]).
    pub then: Vec<Need>,
}

/// The most requests a handover carries (the lite page keeps the first ones while the full module loads).
pub const NEEDS_MAX: usize = 16;

/// The longest handover read back (a share link is at most 2,000,000 characters).
const HANDOVER_CHARS_MAX: usize = 2_100_000;

impl Handover {
    /// Its text form: `s=…&now_ms=N&speed=N&playing=0|1&then=…`.
    pub fn encode(&self) -> String {
        format!(
            "{}&now_ms={}&speed={}&playing={}&then={}",
            self.link,
            self.now_ms,
            self.speed_tenths,
            u8::from(self.playing),
            self.then.iter().map(Need::encode).collect::<Vec<_>>().join(",")
        )
    }

    /// Reads [`Handover::encode`]'s text; anything else is `None` (the page then opens as usual).
    pub fn decode(text: &str) -> Option<Self> {
        if text.len() > HANDOVER_CHARS_MAX {
            return None;
        }
        let (mut link, mut now_ms, mut speed, mut playing, mut then) = (None, None, None, None, None);
        for part in text.split('&') {
            let (key, value) = part.split_once('=')?;
            match key {
                "s" => link = Some(part.to_string()),
                "now_ms" => now_ms = value.parse::<u64>().ok().filter(|&ms| ms <= shardlab_scenario::TIME_MS_MAX),
                "speed" => speed = value.parse::<u32>().ok().filter(|t| (1..=10_000).contains(t)),
                "playing" => playing = Some(value == "1"),
                "then" => {
                    let needs: Option<Vec<Need>> = value.split(',').map(Need::decode).collect();
                    then = needs.filter(|n| n.len() <= NEEDS_MAX);
                }
                _ => return None,
            }
        }
        Some(Self { link: link?, now_ms: now_ms?, speed_tenths: speed?, playing: playing?, then: then? })
    }
}

/// Fetches and compiles the full module (`index.html`'s `shardlabFull.fetch`), without starting it: the
/// returned function starts it. `attempt` > 0 asks past any cached failure.
#[cfg(target_arch = "wasm32")]
pub async fn fetch_full(attempt: u32) -> Result<js_sys::Function, String> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window().ok_or("there is no browser window")?;
    let loader = js_sys::Reflect::get(&window, &"shardlabFull".into()).map_err(|_| "the page has no loader")?;
    let fetch = js_sys::Reflect::get(&loader, &"fetch".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or("the page's loader for the rest of Shardlab is missing (index.html)")?;
    let promise = fetch.call1(&loader, &attempt.into()).map_err(|e| describe(&e))?;
    let promise: js_sys::Promise = promise.dyn_into().map_err(|_| "the loader did not return a promise")?;
    let start = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|e| describe(&e))?;
    start.dyn_into::<js_sys::Function>().map_err(|_| "the loader did not return a start function".into())
}

/// Writes `handover` for the full module, stops this page (`stop`: the lite app is destroyed, its listeners
/// and frame loops dropped) and starts the full module with `start` (from [`fetch_full`]).
#[cfg(target_arch = "wasm32")]
pub fn switch_to_full(handover: &Handover, start: &js_sys::Function, stop: impl FnOnce()) -> Result<(), String> {
    let storage = web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .ok_or("this browser keeps no session storage for the page")?;
    storage.set_item(HANDOVER_KEY, &handover.encode()).map_err(|_| "the browser's storage is full")?;
    stop();
    start.call0(&wasm_bindgen::JsValue::NULL).map(|_| ()).map_err(|e| describe(&e))
}

/// The handover the lite page left for this (full) module, read once.
#[cfg(target_arch = "wasm32")]
pub fn take_handover() -> Option<Handover> {
    let storage = web_sys::window()?.session_storage().ok().flatten()?;
    let text = storage.get_item(HANDOVER_KEY).ok().flatten()?;
    let _ = storage.remove_item(HANDOVER_KEY);
    Handover::decode(&text)
}

#[cfg(target_arch = "wasm32")]
fn describe(error: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the download failed".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shardlab_scenario::encode_link;

    #[test]
    fn a_handover_reads_back_exactly() {
        let scenario = Scenario { seed: 11, ..Scenario::default() };
        for then in [
            Need::Scenario,
            Need::Tab(Tab::ApiConsole),
            Need::Tab(Tab::Course),
            Need::Tab(Tab::Records),
            Need::Tab(Tab::Cost),
            Need::Tab(Tab::Library),
            Need::ShardLog,
            Need::Embed,
            Need::ChangeForm(None, 30_000),
            Need::ChangeForm(Some(2), 5_000),
            Need::Lesson(None),
            Need::Lesson(Some("hot-keys".into())),
            Need::Add(3),
            Need::Export(ExportFormat::CloudFormation),
            Need::Saved { changed: false },
            Need::Saved { changed: true },
        ] {
            let handover = Handover {
                link: encode_link(&scenario),
                now_ms: 12_345,
                speed_tenths: 20,
                playing: true,
                then: vec![then],
            };
            assert_eq!(Handover::decode(&handover.encode()), Some(handover));
        }
    }

    #[test]
    fn a_damaged_handover_is_ignored() {
        let good = Handover {
            link: encode_link(&Scenario::default()),
            now_ms: 1_000,
            speed_tenths: 10,
            playing: false,
            then: vec![Need::Scenario, Need::Add(3)],
        }
        .encode();
        assert!(Handover::decode(&good).is_some());
        let late =
            good.replace("then=scenario", &format!("then=change-new-{}", shardlab_scenario::TIME_MS_MAX + 60_000));
        let late = Handover::decode(&late).expect("a form asked for past the last time still hands over");
        assert_eq!(late.then[0], Need::ChangeForm(None, shardlab_scenario::TIME_MS_MAX));
        for bad in [
            String::new(),
            good.replace("&then=scenario,add-3", ""),
            good.replace("now_ms=1000", "now_ms=-1"),
            good.replace("speed=10", "speed=0"),
            good.replace("then=scenario", "then=add-99"),
            good.replace("then=scenario", "then=change-new-x"),
            good.replace("then=scenario", &format!("then=change-{}-0", shardlab_scenario::SCHEDULED_MAX)),
            good.replace("then=scenario,add-3", &format!("then={}", ["scenario"; NEEDS_MAX + 1].join(","))),
            format!("{good}&script=1"),
            "x".repeat(HANDOVER_CHARS_MAX + 1),
        ] {
            assert_eq!(Handover::decode(&bad), None, "{bad:.80}");
        }
    }

    #[test]
    fn the_lite_page_draws_the_first_minute_only_with_kinesis_data_streams() {
        assert!(lite_draws(&Scenario::default()));
        let mut with_firehose = Scenario::default();
        with_firehose.pipeline.add_node(NodeKind::firehose());
        assert!(!lite_draws(&with_firehose));
    }

    #[test]
    fn a_handover_carries_where_a_run_to_was_going() {
        assert_eq!(handover_ms(12_000, None), 12_000);
        // A link's `t=30` to a pipeline the lite page refuses to run: the run stays at 0.
        assert_eq!(handover_ms(0, Some(30_000)), 30_000);
        assert_eq!(handover_ms(40_000, Some(30_000)), 40_000);
    }

    #[test]
    fn an_older_link_is_handed_over_as_it_is() {
        let mut needs = vec![Need::Link("s=1.abc".into()), Need::Tab(Tab::Course)];
        assert_eq!(take_older_link(&mut needs), Some("s=1.abc".into()));
        assert_eq!(needs, vec![Need::Tab(Tab::Course)]);
        assert_eq!(take_older_link(&mut needs), None);
        assert!(Need::Link("s=1.abc".into()).action().is_none());
    }

    #[test]
    fn what_the_lite_page_hands_over() {
        assert_eq!(need_of(&Action::ShowTab(Tab::Course)), Some(Need::Tab(Tab::Course)));
        // The first minute's tabs stay; the record browser, the cost estimate and the shard log are opened
        // only by a click.
        for tab in [Tab::EventLog, Tab::Presets] {
            assert_eq!(need_of(&Action::ShowTab(tab)), None, "{tab:?}");
        }
        assert_eq!(need_of(&Action::ShowTab(Tab::Cost)), Some(Need::Tab(Tab::Cost)));
        assert_eq!(need_of(&Action::RevealTab(Tab::Cost)), Some(Need::Tab(Tab::Cost)));
        assert!(matches!(Need::Tab(Tab::Cost).action(), Some(Action::RevealTab(Tab::Cost))));
        assert_eq!(Need::Tab(Tab::Cost).describe(), "the cost estimate");
        // The library's panel: its tab and its actions; the lite page still saves (autosave).
        assert_eq!(need_of(&Action::ShowTab(Tab::Library)), Some(Need::Tab(Tab::Library)));
        let rename = crate::components::LibraryAction::Rename(1, "Mine".into());
        assert_eq!(need_of(&Action::Library(rename, 0)), Some(Need::Tab(Tab::Library)));
        assert_eq!(
            need_of(&Action::Library(crate::components::LibraryAction::ExportCurrent, 0)),
            Some(Need::Export(ExportFormat::ScenarioJson))
        );
        assert!(matches!(Need::Tab(Tab::Library).action(), Some(Action::RevealTab(Tab::Library))));
        // The share link stays; its embed snippet opens in the full module, in the Share panel.
        assert_eq!(need_of(&Action::ToggleShare("https://x/#s=5.a".into())), None);
        assert_eq!(need_of(&Action::OpenEmbed), Some(Need::Embed));
        assert!(matches!(Need::Embed.action(), Some(Action::OpenEmbed)));
        assert_eq!(need_of(&Action::ShowTab(Tab::Records)), Some(Need::Tab(Tab::Records)));
        assert_eq!(need_of(&Action::BrowseNext), Some(Need::Tab(Tab::Records)));
        assert_eq!(need_of(&Action::OpenRecord(0, 3)), Some(Need::Tab(Tab::Records)));
        assert_eq!(need_of(&Action::ToggleShardLog), Some(Need::ShardLog));
        assert_eq!(need_of(&Action::ShardLogPage(4)), Some(Need::ShardLog));
        // Done again after the switch: the tab shown, the shard log opened (not toggled: it starts closed).
        assert!(matches!(Need::Tab(Tab::Records).action(), Some(Action::RevealTab(Tab::Records))));
        assert!(matches!(Need::ShardLog.action(), Some(Action::ShardLogPage(0))));
        // The timeline's form: the editor's own form opens again in the full module, for the same event.
        assert_eq!(need_of(&Action::OpenChangeForm(Some(1), 4_000)), Some(Need::ChangeForm(Some(1), 4_000)));
        assert!(matches!(Need::ChangeForm(None, 7_000).action(), Some(Action::OpenChangeForm(None, 7_000))));
        assert_eq!(need_of(&Action::Add(NodeKind::producer())), None);
        let firehose = crate::page_view::PALETTE.iter().position(|(text, _)| *text == "Firehose").expect("listed");
        assert_eq!(need_of(&Action::Add(NodeKind::firehose())), Some(Need::Add(firehose)));
        assert!(matches!(Need::Add(firehose).action(), Some(Action::Add(NodeKind::Firehose(_)))));
        assert_eq!(
            need_of(&Action::Export(ExportFormat::ScenarioJson)),
            Some(Need::Export(ExportFormat::ScenarioJson)),
            "scenario files are JSON, the full module's"
        );
    }
}
