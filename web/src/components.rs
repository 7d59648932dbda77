//! View components. Each takes plain data as props and knows nothing of the engine's rules.

mod analytics_panel;
mod api_console;
mod chart;
mod consumer_card;
mod cost_meter;
mod embed_snippet;
mod event_log;
mod firehose_panel;
mod fragment_timeline;
mod goal_sketch;
mod help_panel;
mod inspector;
mod key_space;
mod lesson_panel;
mod library_panel;
mod meter;
mod number_field;
mod pipeline_canvas;
mod practice_exam_panel;
mod preset_gallery;
mod record_browser;
mod scenario_panel;
mod shard_card;
mod shard_heatmap;
mod shard_log;
mod share_panel;
mod stage_panels;
mod stream_watch;
mod transport;
mod video_panel;

pub use analytics_panel::{AnalyticsPanel, AnalyticsPanelProps};
pub use api_console::{ApiConsole, ApiConsoleProps, VIDEO_OPERATIONS, example_body, video_example_body};
pub use chart::{Series, TimeChart, TimeChartProps, Unit, nice_ceiling};
pub use consumer_card::{ConsumerCard, ConsumerCardProps};
pub use cost_meter::{CostMeter, CostMeterProps, cost_at, dollars, parse_dollars, per_month};
pub use embed_snippet::{EmbedSnippet, EmbedSnippetProps};
pub use event_log::{EventLog, EventLogProps};
pub use firehose_panel::{FirehosePanel, FirehosePanelProps};
pub use fragment_timeline::{FragmentTimelineProps, FragmentTimelineView, short_clock};
pub use goal_sketch::{GoalSketch, GoalSketchProps};
pub use help_panel::{AWS_REFERENCE_HREF, HelpPanelProps, SHORTCUTS, help_panel};
pub use inspector::{Inspector, InspectorProps, Link, ParamField, ParamFieldProps, kind_word};
pub use key_space::{KeySpace, KeySpaceProps, short_id};
pub use lesson_panel::{CourseOutline, CourseOutlineProps, LessonPanel, LessonPanelProps};
pub use library_panel::{LibraryAction, LibraryPanel, LibraryPanelProps};
pub use meter::{Meter, MeterProps};
pub use number_field::{NumberField, NumberFieldProps};
pub use pipeline_canvas::{
    ARROW_STEP, ARROW_STEP_FAR, CANVAS_WIDTH_MIN, CanvasNode, NODE_HEIGHT, NODE_WIDTH, PipelineCanvas,
    PipelineCanvasProps, ZOOM_MAX, ZOOM_MIN, arrow_move, canvas_size, edge_path, node_at, pinch_zoom,
};
pub use practice_exam_panel::{PracticeExamPanel, PracticeExamPanelProps};
pub use preset_gallery::{PresetGalleryProps, preset_gallery};
pub use record_browser::{RecordBrowser, RecordBrowserProps};
pub use scenario_panel::{ScenarioPanel, ScenarioPanelProps};
pub use shard_card::{ShardCard, ShardCardProps};
pub use shard_heatmap::{ShardHeatmap, ShardHeatmapProps, write_utilisation_percent};
pub use shard_log::{ShardLog, ShardLogHooks, ShardLogProps, shard_log_closed};
pub use share_panel::{LINK_CHARS_FILE, SharePanelProps, share_panel};
pub use stage_panels::{StagePanel, StagePanelsProps, stage_panels};
pub use stream_watch::{CARDS_MAX, StreamWatch, StreamWatchProps};
pub use transport::{RunTo, Transport, TransportProps, icon};
pub use video_panel::{VideoPanel, VideoPanelProps};
