//! Issue 18's scenario (see `scale_load.rs`) as wasm in headless Chromium, through wasm-bindgen-test-runner:
//! the same figures as the native `scale.rs`, timed with the page's `performance.now()`. Peak memory is the
//! size of the wasm linear memory, which never shrinks, so at any moment it is the peak so far.
//!
//! `SHARDLAB_SCALE_SECONDS=60 CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=900 cargo test
//! -p shardlab-engine --profile bench --target wasm32-unknown-unknown --bench scale_wasm -- --nocapture`
//! (`cargo xtask bench` runs it so). The horizon is read when the bench is compiled; 60 simulated s by default.
#![cfg(target_arch = "wasm32")]

mod scale_load;

use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Simulated seconds when `SHARDLAB_SCALE_SECONDS` is unset at compile time: a minute, which a browser
/// finishes in well under the runner's timeout.
const SECONDS_DEFAULT: u64 = 60;

fn wall_secs() -> f64 {
    let performance = web_sys::window().and_then(|w| w.performance()).expect("a page has performance.now()");
    performance.now() / 1_000.0
}

fn linear_memory_bytes() -> Option<u64> {
    Some(core::arch::wasm32::memory_size::<0>() as u64 * 65_536)
}

/// Lets the page run its other tasks (the test runner's and the driver's): a task queued behind this one.
async fn yield_to_the_page() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let window = web_sys::window().expect("a page has a window");
        window.set_timeout_with_callback(&resolve).expect("setTimeout takes a function");
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.expect("a timer never fails");
}

/// Steps of a few simulated seconds with the page's tasks between them: a page that computes for more than
/// 30 s without a break stops answering chromedriver, which then fails the run.
#[wasm_bindgen_test]
async fn scale_in_chromium() {
    let seconds = option_env!("SHARDLAB_SCALE_SECONDS").and_then(|s| s.parse().ok()).unwrap_or(SECONDS_DEFAULT);
    let gauges = scale_load::Gauges { wall_secs: &wall_secs, peak_bytes: &linear_memory_bytes };
    let mut run = scale_load::ScaleRun::start("chromium (wasm32)", seconds, &gauges);
    while run.step(&gauges) {
        yield_to_the_page().await;
    }
    for line in run.finish("wasm linear memory", &gauges) {
        console_log!("{line}");
    }
}
