//! The first-visit tour: four short steps pointing at a producer, the data stream, its shards and a consumer
//! on the page, then a choice between the course and the presets. It is a non-modal dialog: Next, Back and
//! Skip (or Escape) work from the keyboard, focus moves to each step's heading and back to the page when it
//! closes. Seen once, it stays closed (a flag in localStorage); the help panel can start it again.

use crate::format::{Fixed, bytes_size, thousands};
use shardlab_engine::limits::{
    RETENTION_HOURS_MIN, SHARD_READ_BYTES_PER_SEC, SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC,
};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, ScrollIntoViewOptions, ScrollLogicalPosition};
use yew::prelude::*;

const SEEN_KEY: &str = "shardlab.tour.v1";

/// One step: what it points at (a CSS selector; the step still shows when nothing matches), its title and words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The element it points at.
    pub target: &'static str,
    /// Its heading.
    pub title: &'static str,
    /// What it says.
    pub text: String,
}

/// The steps before the final choice, with the limits as the engine models them.
pub fn steps() -> Vec<Step> {
    vec![
        Step {
            target: ".canvas-node.producer",
            title: "A producer",
            text: "A producer writes records into a data stream. Each record carries a partition key, and the key \
                   decides which shard the record lands on."
                .into(),
        },
        Step {
            target: ".canvas-node.stream",
            title: "A data stream",
            text: format!(
                "A Kinesis data stream is an ordered log of records, split into shards. It keeps records for its \
                 retention period ({RETENTION_HOURS_MIN} hours by default), so readers can read them again."
            ),
        },
        Step {
            target: ".shards-region",
            title: "Its shards",
            text: format!(
                "Each shard takes at most {} records or {} of writes per second, and serves {} of reads per second. \
                 Past that, writes are throttled, and the shard turns red here.",
                thousands(SHARD_WRITE_RECORDS_PER_SEC),
                bytes_size(SHARD_WRITE_BYTES_PER_SEC),
                bytes_size(SHARD_READ_BYTES_PER_SEC)
            ),
        },
        Step {
            target: ".canvas-node.consumer",
            title: "A consumer",
            text: "A consumer reads each shard in order, from its own position. Its iterator age is how far behind \
                   the newest record it is."
                .into(),
        },
    ]
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Whether this browser has seen (or skipped) the tour. A browser without storage counts as having seen it,
/// so it is not shown on every visit.
pub fn seen() -> bool {
    storage().is_none_or(|s| s.get_item(SEEN_KEY).ok().flatten().is_some())
}

/// Remembers that the tour was seen.
pub fn mark_seen() {
    if let Some(s) = storage() {
        let _ = s.set_item(SEEN_KEY, "1");
    }
}

/// Scrolls `selector`'s element into view and moves focus to it (after the next render, so an element a state
/// change is about to show is there).
pub fn reveal(selector: &str) {
    let selector = selector.to_string();
    let Some(window) = web_sys::window() else { return };
    let focus = wasm_bindgen::closure::Closure::once_into_js(move || {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&selector).ok().flatten())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        if let Some(e) = element {
            if !e.has_attribute("tabindex") && e.tab_index() < 0 {
                e.set_tab_index(-1);
            }
            let options = ScrollIntoViewOptions::new();
            options.set_block(ScrollLogicalPosition::Nearest);
            e.scroll_into_view_with_scroll_into_view_options(&options);
            let _ = e.focus();
        }
    });
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(focus.unchecked_ref(), 50);
}

/// Where the pointed-at element is on the screen: (left, top, width, height) in CSS pixels.
type Rect = (f64, f64, f64, f64);

/// How often the ring follows its element while the page reflows.
const REPOINT_INTERVAL_MS: u32 = 250;

/// Where `selector`'s element is now, without scrolling.
fn measure(selector: &str) -> Option<Rect> {
    let element: Element = web_sys::window()?.document()?.query_selector(selector).ok()??;
    let r = element.get_bounding_client_rect();
    Some((r.left(), r.top(), r.width(), r.height()))
}

/// Scrolls `selector`'s element into view and returns where it is then.
fn locate(selector: &str) -> Option<Rect> {
    let element: Element = web_sys::window()?.document()?.query_selector(selector).ok()??;
    let options = ScrollIntoViewOptions::new();
    options.set_block(ScrollLogicalPosition::Nearest);
    options.set_inline(ScrollLogicalPosition::Nearest);
    element.scroll_into_view_with_scroll_into_view_options(&options);
    let r = element.get_bounding_client_rect();
    Some((r.left(), r.top(), r.width(), r.height()))
}

/// Props of [`Tour`].
#[derive(Properties, PartialEq, Clone)]
pub struct TourProps {
    /// How many lessons the course has.
    pub lessons: usize,
    /// "Start the course".
    pub on_course: Callback<()>,
    /// "Explore a preset".
    pub on_presets: Callback<()>,
    /// The tour closed (skipped or finished without a choice).
    pub on_close: Callback<()>,
}

/// The tour.
#[component]
pub fn Tour(props: &TourProps) -> Html {
    let steps = use_memo((), |()| steps());
    let step = use_state(|| 0usize);
    let target = use_state_eq(|| None::<Rect>);
    let heading = use_node_ref();
    let last = steps.len();
    {
        // Each step: point at its element and move focus to the step's heading.
        let (steps, target, heading) = (steps.clone(), target.clone(), heading.clone());
        use_effect_with(*step, move |&i| {
            target.set(steps.get(i).and_then(|s| locate(s.target)));
            if let Some(h) = heading.cast::<HtmlElement>() {
                let _ = h.focus();
            }
        });
    }
    {
        // The page may reflow (a resize, a rotation, panels filling in as the run starts): follow the element.
        let (steps, target) = (steps.clone(), target.clone());
        use_effect_with(*step, move |&i| {
            let selector = steps.get(i).map(|s| s.target);
            let interval = gloo_timers::callback::Interval::new(REPOINT_INTERVAL_MS, move || {
                target.set(selector.and_then(measure));
            });
            move || drop(interval)
        });
    }
    let finish = |then: Callback<()>| {
        Callback::from(move |_: MouseEvent| {
            mark_seen();
            then.emit(());
        })
    };
    let go = |to: usize| {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| step.set(to))
    };
    let on_key = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                mark_seen();
                on_close.emit(());
            }
        })
    };
    let i = (*step).min(last);
    // The card sits under the element it points at, or above it when there is no room below; the CSS puts it
    // along the bottom of the screen on phones.
    let (ring, card_style) = match *target {
        Some((left, top, width, height)) if i < last => {
            let window = web_sys::window();
            let view_h = window.as_ref().and_then(|w| w.inner_height().ok()).and_then(|v| v.as_f64()).unwrap_or(800.0);
            let view_w = window.as_ref().and_then(|w| w.inner_width().ok()).and_then(|v| v.as_f64()).unwrap_or(1200.0);
            // Not `f64::clamp`, whose check of its bounds formats floats with core's float code.
            let card_left = left.max(8.0).min((view_w - 348.0).max(8.0));
            let card_top = if top + height + 230.0 < view_h { top + height + 12.0 } else { (top - 230.0).max(8.0) };
            (
                Some(format!(
                    "left:{}px;top:{}px;width:{}px;height:{}px",
                    Fixed(left - 4.0, 0),
                    Fixed(top - 4.0, 0),
                    Fixed(width + 8.0, 0),
                    Fixed(height + 8.0, 0)
                )),
                format!("left:{}px;top:{}px", Fixed(card_left, 0), Fixed(card_top, 0)),
            )
        }
        _ => (None, String::new()),
    };
    let centred = card_style.is_empty();
    html! {
        <>
            if let Some(style) = ring {
                <div class="tour-ring" aria-hidden="true" {style}></div>
            }
            <div class={classes!("tour", centred.then_some("centred"))} style={card_style}
                role="dialog" aria-modal="false" aria-labelledby="tour-title" onkeydown={on_key} data-testid="tour">
                if let Some(s) = steps.get(i) {
                    <p class="tour-count">{ format!("{} of {}", i + 1, last) }</p>
                    <h2 id="tour-title" tabindex="-1" ref={heading}>{ s.title }</h2>
                    <p>{ s.text.clone() }</p>
                    <div class="tour-actions">
                        <button class="ghost" onclick={finish(props.on_close.clone())}>{ "Skip tour" }</button>
                        <span class="spacer"></span>
                        <button onclick={go(i.saturating_sub(1))} disabled={i == 0}>{ "Back" }</button>
                        <button class="primary" onclick={go(i + 1)}>{ "Next" }</button>
                    </div>
                } else {
                    <h2 id="tour-title" tabindex="-1" ref={heading}>{ "What next?" }</h2>
                    <p>{ "Learn Kinesis step by step in the course, or open a ready-made pipeline with a problem to find." }</p>
                    <div class="tour-choices">
                        <button class="primary" onclick={finish(props.on_course.clone())}>
                            { "Start the course" }
                            <span class="choice-note">{ crate::format::count(props.lessons as u64, "lesson", "lessons") }</span>
                        </button>
                        <button onclick={finish(props.on_presets.clone())}>
                            { "Explore a preset" }
                            <span class="choice-note">{ "hot keys, resharding, Firehose…" }</span>
                        </button>
                    </div>
                    <div class="tour-actions">
                        <button onclick={go(last - 1)}>{ "Back" }</button>
                        <span class="spacer"></span>
                        <button class="ghost" onclick={finish(props.on_close.clone())}>{ "Close" }</button>
                    </div>
                }
            </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tour_points_at_a_producer_a_stream_its_shards_and_a_consumer() {
        let steps = steps();
        let targets: Vec<&str> = steps.iter().map(|s| s.target).collect();
        assert_eq!(
            targets,
            [".canvas-node.producer", ".canvas-node.stream", ".shards-region", ".canvas-node.consumer"]
        );
        // The shard step states the documented per-shard limits: 1,000 records/s or 1 MiB/s in, 2 MiB/s out.
        assert!(steps[2].text.contains("1,000 records or 1.0 MiB of writes"), "{}", steps[2].text);
        assert!(steps[2].text.contains("2.0 MiB of reads"), "{}", steps[2].text);
        assert!(steps[1].text.contains("24 hours"), "{}", steps[1].text);
    }
}
