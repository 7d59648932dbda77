//! The Firehose and Analytics panels in real browsers (headless Chromium and Firefox through wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use shardlab_web::components::{AnalyticsPanel, AnalyticsPanelProps, FirehosePanel, FirehosePanelProps};
use shardlab_web::pipeline_views::{
    AnalyticsView, BufferFill, DestinationState, DestinationType, FirehoseCharts, FirehoseView, FlushBy, KDA_LABEL,
    ObjectView, RecordFates, RequestView, RowView, StreamRowsView, TransformCounts, WindowView,
};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};
use yew::Callback;
use yew::platform::time::sleep;

wasm_bindgen_test_configure!(run_in_browser);

fn mount_point() -> Element {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    let root = document.create_element("div").expect("create div");
    document.body().expect("body").append_child(&root).expect("append");
    root
}

async fn settle() {
    sleep(Duration::from_millis(30)).await;
}

fn query(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).expect("valid selector").unwrap_or_else(|| panic!("no {selector}"))
}

fn text(root: &Element, selector: &str) -> String {
    query(root, selector).text_content().unwrap_or_default()
}

/// Waits (up to 3 s) until `selector`'s text contains `needle`, then checks it.
async fn expect_text(root: &Element, selector: &str, needle: &str) {
    for _ in 0..100 {
        if root
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.text_content())
            .is_some_and(|t| t.contains(needle))
        {
            return;
        }
        sleep(Duration::from_millis(30)).await;
    }
    let found = text(root, selector);
    assert!(found.contains(needle), "{selector}: {found}");
}

fn firehose_view() -> FirehoseView {
    FirehoseView {
        name: "to-s3".into(),
        status: "ACTIVE",
        source: "Kinesis data stream clicks".into(),
        destination_type: DestinationType::S3,
        destination: "Amazon S3 bucket lake, prefix clicks/, GZIP".into(),
        buffers: vec![
            BufferFill {
                label: "Transform (Lambda) buffer".into(),
                processor: true,
                records: 0,
                bytes: 0,
                size_hint_bytes: 1_048_576,
                age_ms: 0,
                interval_ms: 60_000,
                flushes_in_ms: 60_000,
                next_flush: FlushBy::Interval,
                expected_in_ms: None,
                size_permille: 0,
                age_permille: 0,
                words: "empty: flushes 60 s after the first record, or at 1.0 MiB".into(),
                forecast: String::new(),
            },
            BufferFill {
                label: "Buffer".into(),
                processor: false,
                records: 2_300,
                bytes: 460_000,
                size_hint_bytes: 2_202_010,
                age_ms: 23_000,
                interval_ms: 60_000,
                flushes_in_ms: 37_000,
                next_flush: FlushBy::Interval,
                expected_in_ms: Some(37_000),
                size_permille: 208,
                age_permille: 383,
                words: "flushes in 37 s or at 2.1 MiB (1.7 MiB to go)".into(),
                forecast: "at this rate, by time in 37 s".into(),
            },
        ],
        transform: Some(TransformCounts {
            ok: 1_200,
            dropped: 340,
            processing_failed: 25,
            invocations: 14,
            invocation_failures: 1,
        }),
        fates: RecordFates {
            incoming: 1_565,
            delivered: 1_000,
            buffered: 200,
            dropped: 340,
            processing_failed: 25,
            ..RecordFates::default()
        },
        health: DestinationState::Down { remaining_ms: 70_000 },
        last_error: Some("S3.ServiceUnavailable"),
        objects: vec![ObjectView {
            key: "clicks/2026/01/01/00/to-s3-1-2026-01-01-00-00-00-abc.gz".into(),
            kind: "data",
            error_output_type: None,
            records: 3,
            uncompressed_bytes: 120,
            stored_bytes: 90,
            compression: "GZIP",
            written_ms: 61_000,
            first_arrival_ms: 1_000,
            last_arrival_ms: 60_000,
            flushed_by: Some(FlushBy::Interval),
            preview: Some("{\"user\":\"<b>ann</b>\"}\n{\"user\":\"bob\"}\n".into()),
            preview_note: None,
        }],
        objects_total: 1,
        requests: vec![RequestView {
            request_id: "r-1".into(),
            at_ms: 90_000,
            attempt: 2,
            records: 10,
            bytes: 2_000,
            target: None,
            error_code: Some("HttpEndpoint.ResponseTimeout"),
            received: true,
            body_preview: None,
        }],
        requests_total: 1,
        redshift_rows: 0,
        documents: 0,
        charts: FirehoseCharts {
            end_second: 2,
            incoming_bytes: vec![0.0, 1.0, 2.0],
            delivered_bytes: vec![0.0, 0.0, 1.0],
            delivered_records: vec![0.0, 0.0, 1.0],
            data_freshness_ms: vec![0.0, 0.0, 0.0],
            buffered_bytes: vec![0.0, 10.0, 20.0],
            attempts_delivered: vec![1.0, 0.0, 0.0],
            attempts_failed: vec![0.0, 1.0, 1.0],
            attempts_given_up: vec![0.0, 0.0, 0.0],
        },
    }
}

#[wasm_bindgen_test]
async fn the_firehose_panel_shows_buffers_in_words_transform_results_and_a_preview_as_text() {
    let root = mount_point();
    let props = FirehosePanelProps { view: Rc::new(firehose_view()), marker_second: None };
    yew::Renderer::<FirehosePanel>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let region = query(&root, "section[role=region][aria-label='Firehose to-s3']");
    assert!(region.class_list().contains("firehose"));
    // The buffer bar's words, and both bars as meters against their hints.
    let words = root.query_selector_all("[data-testid=buffer-words]").expect("selector");
    assert_eq!(words.length(), 2);
    assert_eq!(
        words.item(1).and_then(|w| w.text_content()).as_deref(),
        Some("flushes in 37 s or at 2.1 MiB (1.7 MiB to go)")
    );
    let size = query(&root, "[role=meter][aria-label='Buffer: size']");
    assert_eq!(size.get_attribute("aria-valuemax").as_deref(), Some("2202010"));
    assert_eq!(query(&size, ".fill").get_attribute("style").as_deref(), Some("transform:scaleX(0.208)"));
    let age = query(&root, "[role=meter][aria-label='Buffer: age']");
    assert_eq!(age.get_attribute("aria-valuetext").as_deref(), Some("23 s of 60 s"));
    assert!(age.class_list().contains("likely"), "the interval is the likely flush");
    // The transform's three results, each in its colour class and in words.
    let ok = query(&root, "[data-result=Ok]");
    assert!(ok.class_list().contains("ok"));
    assert!(ok.text_content().unwrap_or_default().contains("Ok 1,200"));
    assert!(text(&root, "[data-result=Dropped]").contains("Dropped 340"));
    let failed = query(&root, "[data-result=ProcessingFailed]");
    assert!(failed.class_list().contains("failed"));
    assert!(failed.text_content().unwrap_or_default().contains("ProcessingFailed 25"));
    // Fates and health in words.
    let fates = text(&root, "[data-testid=fates]");
    assert!(fates.contains("Dropped by the transform") && fates.contains("340"), "{fates}");
    assert!(!fates.contains("Expired"), "zero fates beyond the main ones stay hidden: {fates}");
    let health = query(&root, "[data-testid=destination-health]");
    assert!(health.class_list().contains("over"));
    assert!(health.text_content().unwrap_or_default().contains("down for 70 s more"));
    assert!(text(&root, "[data-testid=request-result]").contains("HttpEndpoint.ResponseTimeout (the data arrived"));
    // The object expands to its decompressed content, shown as text: markup in a record stays text.
    let object = query(&root, "[data-testid=s3-object]");
    assert!(object.text_content().unwrap_or_default().contains("120 B → 90 B GZIP"));
    let details = query(&object, "details");
    assert!(!details.has_attribute("open"));
    let summary: HtmlElement = query(&object, "summary").dyn_into().expect("an element");
    summary.click();
    settle().await;
    assert!(details.has_attribute("open"));
    let preview = query(&root, "[data-testid=object-preview]");
    assert_eq!(preview.text_content().as_deref(), Some("{\"user\":\"<b>ann</b>\"}\n{\"user\":\"bob\"}\n"));
    assert_eq!(preview.query_selector("b").expect("selector"), None, "never parsed as HTML");
    // Charts: delivery, buffer fill (with the size hint), freshness and delivery attempts.
    assert_eq!(root.query_selector_all("figure.chart").expect("selector").length(), 4);
    let attempts = root.query_selector_all("figure.chart").expect("selector").item(3).expect("a fourth chart");
    let legend = attempts.text_content().unwrap_or_default();
    assert!(legend.contains("Delivery attempts") && legend.contains("failed, retried"), "{legend}");
    assert!(text(&root, ".limit-label").contains("size hint 2.1 MiB"));
}

fn analytics_view() -> AnalyticsView {
    let schema = shardlab_analytics::discover_schema(&[serde_json::json!({"ticker_symbol": "AMZN", "price": 1.5})])
        .expect("a schema");
    AnalyticsView {
        name: "trades".into(),
        flink: false,
        dialect_label: KDA_LABEL,
        sql: shardlab_analytics::samples::SAMPLES[1].sql.into(),
        status: "running",
        problems: vec![],
        input_columns: vec![("ticker_symbol".into(), "VARCHAR".into()), ("price".into(), "DOUBLE".into())],
        schema: Some(schema),
        windows: vec![WindowView {
            query: "STREAM_PUMP".into(),
            target: "DESTINATION_SQL_STREAM".into(),
            start: "00:00:30".into(),
            end: "00:00:40".into(),
            key: String::new(),
            rows: 42,
        }],
        streams: vec![StreamRowsView {
            name: "DESTINATION_SQL_STREAM".into(),
            role: "in-application stream",
            columns: vec!["TICKER_SYMBOL".into(), "TICKER_COUNT".into(), "AVG_PRICE".into()],
            rows_total: 1,
            rows: vec![RowView {
                time: "00:00:30".into(),
                window: None,
                values: vec!["<i>AMZN</i>".into(), "7".into(), "1.5".into()],
            }],
        }],
        records_read: 49,
        rows_total: 1,
        error_rows: 0,
        late_dropped: vec![],
        late_dropped_total: 0,
        destination: None,
        delivered: 0,
        delivery_throttled: 0,
        end_second: 34,
        rows_per_sec: vec![0.0; 35],
    }
}

fn set_sql(root: &Element, sql: &str) {
    let editor: web_sys::HtmlTextAreaElement = query(root, "textarea.sql-editor").dyn_into().expect("a textarea");
    editor.set_value(sql);
    editor.dispatch_event(&web_sys::InputEvent::new("input").expect("an event")).expect("dispatch");
}

#[wasm_bindgen_test]
async fn the_sql_editor_shows_errors_with_line_and_column_as_the_learner_types_and_applies_good_sql() {
    let root = mount_point();
    let applied = Rc::new(RefCell::new(None::<String>));
    let on_sql = {
        let applied = applied.clone();
        Callback::from(move |sql: String| *applied.borrow_mut() = Some(sql))
    };
    let props = AnalyticsPanelProps { view: Rc::new(analytics_view()), on_sql, marker_second: None };
    yew::Renderer::<AnalyticsPanel>::with_root_and_props(root.clone(), props).render();
    settle().await;
    query(&root, "section[role=region][aria-label='Analytics trades']");
    assert!(text(&root, "[data-testid=dialect]").contains("historical (retired January 2026)"));
    assert!(text(&root, "[data-testid=sql-ok]").contains("No problems"));
    let apply: HtmlElement = query(&root, ".sql-actions button.primary").dyn_into().expect("a button");
    let disabled = |apply: &HtmlElement| apply.has_attribute("disabled");
    assert!(disabled(&apply), "nothing to apply yet");
    // A misspelt column on line 2, column 15.
    set_sql(
        &root,
        "CREATE OR REPLACE STREAM \"OUT\" (p DOUBLE);\nCREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\"\nSELECT STREAM prize FROM \"SOURCE_SQL_STREAM_001\";",
    );
    expect_text(&root, "[data-testid=sql-errors]", "line 3, column 15").await;
    let errors = text(&root, "[data-testid=sql-errors]");
    assert!(errors.contains("prize"), "{errors}");
    assert!(text(&root, ".sql-context").ends_with("              ^"), "a caret under the column");
    assert_eq!(query(&root, "textarea.sql-editor").get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(disabled(&apply), "SQL with errors cannot be applied");
    // Fixed: no errors, Apply sends the text.
    let good = "CREATE OR REPLACE STREAM \"OUT\" (p DOUBLE);\nCREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\"\nSELECT STREAM price FROM \"SOURCE_SQL_STREAM_001\";";
    set_sql(&root, good);
    expect_text(&root, "[data-testid=sql-ok]", "No problems").await;
    assert!(!disabled(&apply));
    apply.click();
    settle().await;
    assert_eq!(applied.borrow().as_deref(), Some(good));
    // Windows and rows, as text.
    assert!(text(&root, "[data-testid=open-windows]").contains("00:00:3000:00:40"));
    let rows = query(&root, "[data-testid=rows-table]");
    assert!(rows.text_content().unwrap_or_default().contains("<i>AMZN</i>"));
    assert_eq!(rows.query_selector("i").expect("selector"), None, "values are never HTML");
}

#[wasm_bindgen_test]
async fn the_samples_list_offers_the_documented_examples_of_the_dialect_and_loads_one() {
    let root = mount_point();
    let props = AnalyticsPanelProps { view: Rc::new(analytics_view()), on_sql: Callback::noop(), marker_second: None };
    yew::Renderer::<AnalyticsPanel>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let select: web_sys::HtmlSelectElement = query(&root, "select[aria-label=Samples]").dyn_into().expect("a select");
    let kda: Vec<&shardlab_analytics::samples::Sample> =
        shardlab_analytics::samples::SAMPLES.iter().filter(|s| s.dialect == shardlab_analytics::Dialect::Kda).collect();
    assert_eq!(select.length() as usize, kda.len() + 1, "a placeholder, then every KDA sample");
    let titles = select.text_content().unwrap_or_default();
    assert!(titles.contains("Tumbling window (STEP)") && titles.contains("Stagger window"), "{titles}");
    assert!(!titles.contains("TUMBLE"), "Flink samples belong to Flink applications: {titles}");
    select.set_value("kda-sliding");
    select.dispatch_event(&web_sys::Event::new("change").expect("an event")).expect("dispatch");
    settle().await;
    let editor: web_sys::HtmlTextAreaElement = query(&root, "textarea.sql-editor").dyn_into().expect("a textarea");
    for _ in 0..100 {
        if editor.value().contains("RANGE INTERVAL '1' MINUTE PRECEDING") {
            break;
        }
        sleep(Duration::from_millis(30)).await;
    }
    assert!(editor.value().contains("RANGE INTERVAL '1' MINUTE PRECEDING"), "{}", editor.value());
    assert!(text(&root, ".sample-about").contains("last minute"));
    // The sample checks against the discovered schema (ticker_symbol, price) with no problems.
    expect_text(&root, "[data-testid=sql-ok]", "No problems").await;
    assert!(!query(&root, ".sql-actions button.primary").has_attribute("disabled"));
}

/// A run of the camera preset's shape with one-second fragments, `seconds` long, as the video panel sees it.
fn video_view_after(seconds: u64) -> shardlab_web::video_view::VideoStreamView {
    use shardlab_engine::video::{
        CameraConfig, HlsPlaybackMode, StartSelector, VideoConfig, VideoConsumerConfig, VideoConsumerKind,
        VideoStreamConfig,
    };
    let consumer =
        |name: &str, kind| VideoConsumerConfig { name: name.into(), stream_name: "door".into(), kind, start_at_ms: 0 };
    let mut camera = CameraConfig::new("cam", "door");
    camera.fragment_duration_ms = 1_000;
    let video = VideoConfig {
        streams: vec![VideoStreamConfig::new("door", 24)],
        cameras: vec![camera],
        consumers: vec![
            consumer("viewer", VideoConsumerKind::Hls { mode: HlsPlaybackMode::Live, max_playlist_fragments: 5 }),
            consumer("reader", VideoConsumerKind::GetMedia { start: StartSelector::Now }),
        ],
    };
    let config = shardlab_engine::SimConfig { streams: vec![], producers: vec![], video, ..Default::default() };
    let mut sim = shardlab_engine::Simulation::new(config).expect("a video run");
    sim.advance_to(shardlab_engine::SimTime::from_secs(seconds));
    shardlab_web::video_view::video_stream_view(&sim, "door").expect("the stream")
}

#[wasm_bindgen_test]
async fn the_fragment_timeline_draws_bounded_blocks_by_state_and_each_consumer_as_a_marker() {
    use shardlab_web::components::{VideoPanel, VideoPanelProps};
    use shardlab_web::video_view::BLOCKS_MAX;
    let view = Rc::new(video_view_after(700));
    let root = mount_point();
    yew::Renderer::<VideoPanel>::with_root_and_props(root.clone(), VideoPanelProps { view: view.clone() }).render();
    settle().await;
    let count = |selector: &str| root.query_selector_all(selector).expect("selector").length();
    // The last minute of one-second fragments: one block each, the newest still on its way.
    let minute = count(".fragment-block");
    assert!((59..=61).contains(&minute), "{minute} blocks in a minute of 1-second fragments");
    assert!(count(".fragment-block[data-state=persisted]") >= 57);
    assert_eq!(count(".fragment-block[data-state=buffering]"), 1, "the fragment being recorded is on its way");
    // Ten minutes hold about 600 fragments: drawn as at most BLOCKS_MAX blocks.
    let ten = root.query_selector_all(".timeline-zoom button").expect("selector").item(1).expect("a second zoom");
    ten.dyn_into::<HtmlElement>().expect("a button").click();
    settle().await;
    let blocks = count(".fragment-block");
    assert!(blocks as usize <= BLOCKS_MAX && blocks >= 50, "{blocks} blocks");
    // Each consumer is a marker with its latency: GetMedia under a second (AWS: low latency); an HLS viewer
    // plays whole stored fragments from their start, so at least one fragment (1 s here) behind, and more than
    // the reader.
    let latency = |name: &str| -> u64 {
        query(&root, &format!(".timeline-marker[data-consumer={name}]"))
            .get_attribute("data-latency")
            .and_then(|v| v.parse().ok())
            .expect("a latency")
    };
    assert!(latency("reader") < 1_000, "{}", latency("reader"));
    assert!(latency("viewer") >= 1_000 && latency("viewer") > latency("reader"), "{}", latency("viewer"));
    assert_eq!(count(".timeline-marker.hls .marker-range"), 1, "the HLS playlist's window");
    // The table says the same: one row per block, one per consumer.
    assert_eq!(count(".fragment-table tbody tr[data-state]"), blocks);
    assert_eq!(count(".fragment-table tbody tr[data-consumer]"), 2);
    let label = query(&root, ".fragment-timeline-svg").get_attribute("aria-label").unwrap_or_default();
    assert!(label.contains("persisted"), "{label}");
}
