//! Component tests in real browsers (headless Chromium and Firefox through wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use shardlab_web::App;
use shardlab_web::components::{AWS_REFERENCE_HREF, HelpPanelProps, ShardCard, help_panel};
use shardlab_web::runner::{Load, ShardView};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};
use yew::Callback;
use yew::platform::time::sleep;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "web/timeline.rs"]
mod timeline;

/// A fresh element to mount a component in. The app autosaves to localStorage and opens what it finds
/// there, so each test starts with empty storage.
fn mount_point() -> Element {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        storage.clear().expect("clear localStorage");
    }
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    let root = document.create_element("div").expect("create div");
    document.body().expect("body").append_child(&root).expect("append");
    root
}

/// Lets Yew render pending updates.
async fn settle() {
    sleep(Duration::from_millis(30)).await;
}

fn query(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).expect("valid selector").unwrap_or_else(|| panic!("no {selector}"))
}

fn throttled_view() -> ShardView {
    ShardView {
        shard_id: "shardId-000000000001".into(),
        records_per_sec: 1_000,
        bytes_per_sec: 521_000,
        throttled_per_sec: 500,
        throttled_total: 1_500,
        key_space_ppm: 500_000,
        load: Load::Throttled,
        read_calls_per_sec: 5,
        read_bytes_per_sec: 1_048_576,
        read_throttled_per_sec: 2,
    }
}

#[wasm_bindgen_test]
async fn shard_card_shows_throttling_in_words_and_meters() {
    let root = mount_point();
    yew::Renderer::<ShardCard>::with_root_and_props(
        root.clone(),
        shardlab_web::components::ShardCardProps { view: throttled_view() },
    )
    .render();
    settle().await;
    assert_eq!(query(&root, "h3").text_content().as_deref(), Some("shardId-000000000001"));
    assert_eq!(query(&root, "[data-testid=shard-state]").text_content().as_deref(), Some("✖ throttled"));
    assert!(query(&root, "[data-testid=shard]").class_list().contains("over"));
    // 1,000 of a 2,000 rec/s scale is half the track; the 500 rejected take the next quarter.
    let accepted = query(&root, ".meter-accepted").get_attribute("style").unwrap_or_default();
    let rejected = query(&root, ".meter-rejected").get_attribute("style").unwrap_or_default();
    assert_eq!(accepted, "transform:scaleX(0.500)");
    assert_eq!(rejected, "left:50.0%;width:25.0%");
    let footer = query(&root, "[data-testid=shard-throttled]").text_content().unwrap_or_default();
    assert!(footer.contains("500 rejected/s") && footer.contains("1,500 rejected in all"), "{footer}");
}

#[wasm_bindgen_test]
async fn the_help_panel_links_to_the_aws_reference_beside_the_page() {
    let root = mount_point();
    /// The help panel is a plain function: a component to mount it alone.
    #[yew::component]
    fn Help() -> yew::Html {
        help_panel(&HelpPanelProps { on_close: Callback::noop() })
    }
    yew::Renderer::<Help>::with_root(root.clone()).render();
    settle().await;
    let link = query(&root, "a.aws-reference");
    assert_eq!(link.text_content().as_deref(), Some("How Shardlab matches AWS"));
    // Relative, so it resolves next to the page wherever the site is hosted (index.html copies the file there).
    assert_eq!(link.get_attribute("href").as_deref(), Some("aws-behaviour.md"));
    assert_eq!(AWS_REFERENCE_HREF, "aws-behaviour.md");
}

/// Selects a canvas node the way a keyboard user does: focus it and press Enter.
async fn select_node(root: &Element, name_prefix: &str) {
    let nodes = root.query_selector_all(".canvas-node").expect("selector");
    let node = (0..nodes.length())
        .filter_map(|i| nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()))
        .find(|n| n.get_attribute("aria-label").is_some_and(|l| l.starts_with(name_prefix)))
        .unwrap_or_else(|| panic!("no node {name_prefix}"));
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("an event");
    node.dispatch_event(&event).expect("dispatch");
    // Wait for this node's inspector (another node's may be showing already).
    for _ in 0..100 {
        let heading =
            root.query_selector("section[aria-label=Inspector] h2").ok().flatten().and_then(|h| h.text_content());
        if heading.is_some_and(|h| h.starts_with(name_prefix)) {
            return;
        }
        sleep(Duration::from_millis(30)).await;
    }
    panic!("the inspector did not show {name_prefix}");
}

fn type_into(root: &Element, selector: &str, text: &str, event: &str) -> web_sys::HtmlInputElement {
    let input: web_sys::HtmlInputElement = query(root, selector).dyn_into().expect("an input");
    input.set_value(text);
    let e = web_sys::Event::new(event).expect("an event");
    input.dispatch_event(&e).expect("dispatch");
    input
}

fn click(root: &Element, selector: &str) {
    let button: HtmlElement = query(root, selector).dyn_into().expect("a button");
    button.click();
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).expect("selector").length()
}

/// Waits (up to 3 s) until `selector` matches `expected` elements, then checks it: renders are
/// asynchronous, and a busy browser can take longer than one settle.
async fn expect_count(root: &Element, selector: &str, expected: u32) {
    for _ in 0..100 {
        if count(root, selector) == expected {
            return;
        }
        sleep(Duration::from_millis(30)).await;
    }
    assert_eq!(count(root, selector), expected, "{selector}");
}

#[wasm_bindgen_test]
async fn app_steps_one_second_and_applies_a_rate_past_the_limit() {
    let root = mount_point();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    expect_count(&root, "[role=region][aria-label=Shards] [role=listitem]", 2).await;
    let clock = || query(&root, "[data-testid=sim-clock]").get_attribute("data-ms");
    assert_eq!(clock().as_deref(), Some("0"));

    // The default scenario's producer is node 1. Raise it to 5,000 records/s: more than two shards can take.
    select_node(&root, "Producer").await;
    type_into(&root, "#param-1-records_per_sec", "5000", "input");
    settle().await;

    click(&root, "button[aria-label=Step]");
    settle().await;
    click(&root, "button[aria-label=Step]");
    settle().await;
    assert_eq!(clock().as_deref(), Some("2000"));
    let states = query(&root, "[aria-label=Shards]").text_content().unwrap_or_default();
    assert_eq!(states.matches("throttled").count(), 2, "both shards throttle: {states}");
    let log = query(&root, "[data-testid=event-log]").text_content().unwrap_or_default();
    assert!(log.contains("is over its write limit (1,000 records/s)"), "{log}");
}

#[wasm_bindgen_test]
async fn the_inspector_explains_a_bad_value_next_to_the_field_and_keeps_the_run() {
    let root = mount_point();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    select_node(&root, "Data stream").await;
    let shards = type_into(&root, "#param-2-shard_count", "5000", "input");
    settle().await;
    let error = query(&root, "#param-2-shard_count-error").text_content().unwrap_or_default();
    assert!(error.contains("1 to 1,024 shards"), "what is allowed: {error}");
    assert_eq!(shards.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(shards.value(), "5000", "what the learner typed stays in the field");
    type_into(&root, "#param-2-shard_count", "5000", "change");
    settle().await;
    expect_count(&root, "[aria-label=Shards] [role=listitem]", 2).await;
    // A good value applies and restarts the run with it.
    type_into(&root, "#param-2-shard_count", "3", "input");
    settle().await;
    expect_count(&root, "#param-2-shard_count-error", 0).await;
    type_into(&root, "#param-2-shard_count", "3", "change");
    settle().await;
    expect_count(&root, "[aria-label=Shards] [role=listitem]", 3).await;
}

#[wasm_bindgen_test]
async fn the_canvas_adds_connects_deletes_and_undoes() {
    let root = mount_point();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    click(&root, "button[aria-label='New empty pipeline']");
    settle().await;
    expect_count(&root, ".canvas-node", 0).await;
    click(&root, "button.palette-item.producer");
    settle().await;
    click(&root, "button.palette-item.stream");
    settle().await;
    expect_count(&root, ".canvas-node", 2).await;
    assert!(query(&root, ".canvas-node.stream").class_list().contains("selected"), "a new node is selected");

    // Connect the producer to the stream from the producer's inspector.
    select_node(&root, "Producer").await;
    let target: web_sys::HtmlSelectElement =
        query(&root, "select[aria-label='Connect to']").dyn_into().expect("a select");
    target.set_value(&query(&root, ".canvas-node.stream").get_attribute("data-node").expect("an id"));
    target.dispatch_event(&web_sys::Event::new("change").expect("an event")).expect("dispatch");
    settle().await;
    click(&root, ".connect-row button");
    settle().await;
    expect_count(&root, "path.edge", 1).await;
    expect_count(&root, "[aria-label=Shards] [role=listitem]", 2).await;

    // Delete the stream: its connection goes too; Undo brings both back.
    select_node(&root, "Data stream").await;
    click(&root, "button.danger");
    settle().await;
    expect_count(&root, ".canvas-node", 1).await;
    expect_count(&root, "path.edge", 0).await;
    click(&root, "button[aria-label=Undo]");
    settle().await;
    expect_count(&root, ".canvas-node", 2).await;
    expect_count(&root, "path.edge", 1).await;
    click(&root, "button[aria-label=Redo]");
    settle().await;
    expect_count(&root, ".canvas-node", 1).await;
}

#[wasm_bindgen_test]
async fn the_event_log_can_show_warnings_only() {
    use shardlab_web::components::{EventLog, EventLogProps};
    use shardlab_web::runner::LogLine;
    let root = mount_point();
    let lines = vec![
        LogLine::warning(
            2_000,
            "stream clickstream".into(),
            Some("clickstream".into()),
            "Shard shardId-000000000000 is over its write limit".into(),
            shardlab_web::narration::Explanation {
                limit: "Each shard accepts at most 1,000 records per second.".into(),
                numbers: "In that second shardId-000000000000 was asked to take 1,500 records".into(),
                fixes: vec!["Add shards"],
            },
        ),
        LogLine::info(0, "consumer reader".into(), Some("reader".into()), "Consumer reader caught up".into()),
    ];
    yew::Renderer::<EventLog>::with_root_and_props(root.clone(), EventLogProps { lines, on_pick: Callback::noop() })
        .render();
    settle().await;
    let count = |root: &Element| root.query_selector_all("[data-testid=event-log] li").expect("selector").length();
    assert_eq!(count(&root), 2);
    let filter: HtmlElement = query(&root, "input[aria-label='Warnings only']").dyn_into().expect("a checkbox");
    filter.click();
    settle().await;
    assert_eq!(count(&root), 1);
    let text = query(&root, "[data-testid=event-log] li").text_content().unwrap_or_default();
    assert!(text.contains("over its write limit"), "{text}");
    // Why? shows the limit, the numbers and the fixes.
    click(&root, "button.why");
    settle().await;
    let why = query(&root, "[data-testid=explanation]").text_content().unwrap_or_default();
    assert!(
        why.contains("1,000 records per second") && why.contains("1,500 records") && why.contains("Add shards"),
        "{why}"
    );
    // The component filter keeps only that component's lines.
    filter.click();
    settle().await;
    let component: web_sys::HtmlSelectElement =
        query(&root, "select[aria-label=Component]").dyn_into().expect("a select");
    component.set_value("consumer reader");
    component.dispatch_event(&web_sys::Event::new("change").expect("an event")).expect("dispatch");
    expect_count(&root, "[data-testid=event-log] > li", 1).await;
    assert!(query(&root, "[data-testid=event-log] li").text_content().unwrap_or_default().contains("caught up"));
}

#[wasm_bindgen_test]
async fn shard_card_shows_reads_against_the_shared_read_limits() {
    let root = mount_point();
    yew::Renderer::<ShardCard>::with_root_and_props(
        root.clone(),
        shardlab_web::components::ShardCardProps { view: throttled_view() },
    )
    .render();
    settle().await;
    let calls = query(&root, "[role=meter][aria-label='Read calls']");
    assert_eq!(calls.get_attribute("aria-valuemax").as_deref(), Some("5"), "5 GetRecords calls/s per shard");
    assert!(calls.class_list().contains("over"), "refused calls mark the meter");
    let bytes = query(&root, "[role=meter][aria-label='Read bytes']");
    assert_eq!(bytes.get_attribute("aria-valuemax").as_deref(), Some("2097152"), "2 MiB/s per shard");
    assert_eq!(bytes.get_attribute("aria-valuenow").as_deref(), Some("1048576"));
}

#[wasm_bindgen_test]
async fn many_shards_turn_into_a_heatmap_with_one_listitem_each() {
    use shardlab_web::components::{ShardHeatmap, ShardHeatmapProps};
    let root = mount_point();
    let views: Vec<ShardView> = (0..20)
        .map(|i| ShardView {
            shard_id: format!("shardId-{i:012}"),
            load: if i == 3 { Load::Throttled } else { Load::Normal },
            ..throttled_view()
        })
        .collect();
    yew::Renderer::<ShardHeatmap>::with_root_and_props(root.clone(), ShardHeatmapProps { views }).render();
    settle().await;
    assert_eq!(root.query_selector_all("[role=list] > [role=listitem]").expect("selector").length(), 20);
    let hot = query(&root, "[aria-label^='shardId-000000000003']");
    assert!(hot.class_list().contains("over"));
    assert!(
        hot.get_attribute("aria-label").unwrap_or_default().contains("throttled"),
        "state in words, not only colour"
    );
}

#[wasm_bindgen_test]
async fn charts_draw_one_line_per_series_with_a_legend() {
    use shardlab_web::components::{Series, TimeChart, TimeChartProps, Unit};
    let root = mount_point();
    let props = TimeChartProps {
        title: "Throughput".into(),
        unit: Unit::BytesPerSec,
        series: vec![
            Series { name: "in".into(), colour: 0, values: vec![0.0, 1_048_576.0, 2_097_152.0].into() },
            Series { name: "out".into(), colour: 1, values: vec![0.0, 0.0, 1_048_576.0].into() },
        ],
        end_second: 9,
        limit: Some((2_097_152.0, "write limit 2.0 MiB/s".into())),
        marker_second: Some(8),
    };
    yew::Renderer::<TimeChart>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert_eq!(root.query_selector_all("polyline.series").expect("selector").length(), 2);
    let legend = query(&root, ".legend").text_content().unwrap_or_default();
    assert!(legend.contains("in · 2.0 MiB/s") && legend.contains("out · 1.0 MiB/s"), "{legend}");
    // The x axis counts simulated seconds: the last of three values is second 9.
    let ticks = root.query_selector_all(".x-tick").expect("selector").length();
    assert_eq!(ticks, 3);
    assert!(query(&root, ".chart").text_content().unwrap_or_default().contains("9 s"));
    assert!(query(&root, ".limit-label").text_content().unwrap_or_default().contains("write limit"));
    // Second 8 of seconds 7 to 9 is the middle of the plot.
    let marker = query(&root, "line.marker");
    assert_eq!(marker.get_attribute("x1"), marker.get_attribute("x2"));
    let x: f64 = marker.get_attribute("x1").and_then(|v| v.parse().ok()).expect("a number");
    assert!((x - (58.0 + 294.0 / 2.0)).abs() < 0.1, "{x}");
}

#[wasm_bindgen_test]
async fn a_video_stream_connects_to_cameras_and_video_consumers_and_says_why_not_to_firehose() {
    let root = mount_point();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    click(&root, "button[aria-label='New empty pipeline']");
    settle().await;
    expect_count(&root, ".canvas-node", 0).await;
    for kind in ["camera", "video-stream", "video-consumer", "firehose"] {
        click(&root, &format!("button.palette-item.{kind}"));
        settle().await;
    }
    expect_count(&root, ".canvas-node", 4).await;
    let id_of = |kind: &str| query(&root, &format!(".canvas-node.{kind}")).get_attribute("data-node").expect("an id");
    let choose = |id: String| {
        let target: web_sys::HtmlSelectElement =
            query(&root, "select[aria-label='Connect to']").dyn_into().expect("a select");
        target.set_value(&id);
        target.dispatch_event(&web_sys::Event::new("change").expect("an event")).expect("dispatch");
    };

    // AWS: a video stream is read by video consumers only; Firehose reads records from data streams.
    select_node(&root, "Video stream").await;
    choose(id_of("firehose"));
    settle().await;
    let why = query(&root, ".connect-row + .field-error").text_content().unwrap_or_default();
    assert!(why.contains("cannot feed a Firehose delivery stream"), "{why}");
    assert!(why.contains("Firehose reads records from data streams"), "{why}");
    assert!(query(&root, ".connect-row button").has_attribute("disabled"), "the refused connection cannot be made");

    // A video consumer is allowed: no reason shown, and the connection is made.
    choose(id_of("video-consumer"));
    settle().await;
    expect_count(&root, ".connect-row + .field-error", 0).await;
    click(&root, ".connect-row button");
    settle().await;
    expect_count(&root, "path.edge", 1).await;

    // The camera sends to the stream; the stream's panel replaces the data stream's.
    select_node(&root, "Camera").await;
    choose(id_of("video-stream"));
    settle().await;
    click(&root, ".connect-row button");
    settle().await;
    expect_count(&root, "path.edge", 2).await;
    for _ in 0..4 {
        click(&root, "button[aria-label=Step]");
        settle().await;
    }
    expect_count(&root, ".video-panel", 1).await;
    let persisted = query(&root, ".video-panel [data-figure=persisted]").get_attribute("data-value");
    // Two-second fragments from 0 s: the first is stored by 4 s.
    assert!(persisted.and_then(|v| v.parse::<u64>().ok()).is_some_and(|n| n >= 1), "a fragment is persisted");
}
