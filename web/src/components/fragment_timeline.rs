//! The fragment timeline: a video stream's fragments on a producer-time axis ending now, coloured by state
//! (buffering, received, persisted, expired past the retention edge), with each consumer's place: a GetMedia
//! reader near live, an HLS viewer seconds behind with its playlist, a clip's range. A table says the same for
//! screen readers.

use crate::format::{Fixed, clock, fixed, short, thousands};
use crate::video_view::{FragmentState, FragmentTimeline, MarkerKind, TimelineMarker, seconds};
use std::rc::Rc;
use yew::prelude::*;

/// The SVG's width in its own units; the axis runs from [`AXIS_X0`] to [`AXIS_X0`] + [`AXIS_W`].
const VIEW_W: f64 = 640.0;
const AXIS_X0: f64 = 8.0;
const AXIS_W: f64 = 600.0;
/// The strip of fragments.
const STRIP_Y: f64 = 16.0;
const STRIP_H: f64 = 24.0;
/// Height of one consumer's row under the strip.
const ROW_H: f64 = 18.0;

/// Props of [`FragmentTimelineView`].
#[derive(Properties, PartialEq, Clone)]
pub struct FragmentTimelineProps {
    /// The stream's name.
    pub stream: AttrValue,
    /// The timeline.
    pub timeline: Rc<FragmentTimeline>,
}

/// Where producer instant `ms` is drawn (clamped to the axis).
fn x_of(t: &FragmentTimeline, ms: u64) -> f64 {
    let span = (t.window_end_ms - t.window_start_ms).max(1) as f64;
    let f = (ms.clamp(t.window_start_ms, t.window_end_ms) - t.window_start_ms) as f64 / span;
    AXIS_X0 + f * AXIS_W
}

/// A tick's label: `m:ss`, or `h:mm:ss` from the first hour.
pub fn short_clock(ms: u64) -> String {
    let secs = ms / 1_000;
    if secs >= 3_600 {
        format!("{}:{:02}:{:02}", secs / 3_600, secs / 60 % 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

/// A block's words, for its tooltip and the table.
fn block_words(state: FragmentState, fragments: u32, resent: bool) -> String {
    let what = match state {
        FragmentState::Buffering => "on its way (BUFFERING)",
        FragmentState::Received => "received (RECEIVED)",
        FragmentState::Persisted => "stored (PERSISTED)",
        FragmentState::Expired => "no longer kept: past the retention edge",
    };
    if fragments == 0 {
        return what.to_string();
    }
    let count = crate::format::count(u64::from(fragments), "fragment", "fragments");
    format!("{count} {what}{}", if resent { ", sent again after a dropped connection" } else { "" })
}

/// A marker's words.
fn marker_words(m: &TimelineMarker) -> String {
    let mut parts = Vec::new();
    if let Some(latency) = m.latency_ms {
        parts.push(format!("{} behind live", seconds(latency)));
    }
    if let Some((from, to)) = m.range {
        let what = if m.kind == MarkerKind::Hls { "playlist" } else { "clip" };
        parts.push(format!("{what} {} to {}", clock(from), clock(to)));
    }
    if parts.is_empty() {
        parts.push("nothing read yet".into());
    }
    format!("{}: {}", m.name, parts.join(" · "))
}

/// The timeline.
#[component]
pub fn FragmentTimelineView(props: &FragmentTimelineProps) -> Html {
    let t = &*props.timeline;
    let rows = t.markers.len().max(1) as f64;
    let height = STRIP_Y + STRIP_H + 8.0 + rows * ROW_H;
    let tick_ms: u64 = if t.window_end_ms - t.window_start_ms <= 60_000 { 10_000 } else { 60_000 };
    let ticks = (t.window_start_ms.div_ceil(tick_ms)..=t.window_end_ms / tick_ms).map(|i| {
        let x = x_of(t, i * tick_ms);
        let anchor = if i * tick_ms == t.window_end_ms {
            "end"
        } else if i * tick_ms == t.window_start_ms {
            "start"
        } else {
            "middle"
        };
        html! {
            <g class="tick">
                <line x1={fixed(x, 1)} x2={fixed(x, 1)} y1={fixed(STRIP_Y - 3.0, 1)} y2={fixed(STRIP_Y + STRIP_H, 1)} />
                <text x={fixed(x, 1)} y="10" text-anchor={anchor}>{ short_clock(i * tick_ms) }</text>
            </g>
        }
    });
    let blocks = t.blocks.iter().map(|b| {
        let (x0, x1) = (x_of(t, b.start_ms), x_of(t, b.end_ms));
        html! {
            <rect class={classes!("fragment-block", b.state.as_str(), b.resent.then_some("resent"))}
                x={fixed(x0, 1)} y={short(STRIP_Y)} width={fixed((x1 - x0 - 0.6).max(0.6), 1)}
                height={short(STRIP_H)} data-state={b.state.as_str()} data-fragments={b.fragments.to_string()}>
                <title>{ format!("{} to {}: {}", clock(b.start_ms), clock(b.end_ms), block_words(b.state, b.fragments, b.resent)) }</title>
            </rect>
        }
    });
    let now_x = x_of(t, t.now_ms);
    let edge = t.retention_edge_ms.filter(|e| *e > t.window_start_ms).map(|e| {
        let x = x_of(t, e);
        html! {
            <line class="retention-edge" x1={fixed(x, 1)} x2={fixed(x, 1)} y1={fixed(STRIP_Y - 4.0, 1)}
                y2={fixed(STRIP_Y + STRIP_H + 4.0, 1)}>
                <title>{ format!("Retention edge at {}: older media is no longer kept", clock(e)) }</title>
            </line>
        }
    });
    let markers = t.markers.iter().enumerate().map(|(row, m)| {
        let y = STRIP_Y + STRIP_H + 8.0 + row as f64 * ROW_H;
        let range = m.range.map(|(from, to)| {
            let (x0, x1) = (x_of(t, from), x_of(t, to));
            html! { <rect class="marker-range" x={fixed(x0, 1)} y={fixed(y + 2.0, 1)} width={fixed((x1 - x0).max(1.0), 1)} height="8" /> }
        });
        let point = m.at_ms.map(|at| {
            let x = x_of(t, at);
            html! { <path class="marker-point" d={format!("M{},{} l-5,9 h10 z", Fixed(x, 1), Fixed(y + 1.0, 1))} /> }
        });
        // The label goes beside what the marker draws (its point and its range), on the side with room.
        let drawn: Vec<f64> = m.at_ms.into_iter().chain(m.range.into_iter().flat_map(|(a, b)| [a, b])).map(|ms| x_of(t, ms)).collect();
        let left = drawn.iter().copied().fold(f64::INFINITY, f64::min).min(VIEW_W);
        let right = drawn.iter().copied().fold(AXIS_X0, f64::max);
        let (label_x, anchor) = if left - AXIS_X0 >= VIEW_W - right { (left - 9.0, "end") } else { (right + 9.0, "start") };
        html! {
            <g class={classes!("timeline-marker", m.kind.as_str())} data-consumer={m.name.clone()}
                data-at={m.at_ms.map(|a| a.to_string())} data-latency={m.latency_ms.map(|l| l.to_string())}>
                { for range }
                { for point }
                <text class="marker-label" x={fixed(label_x, 1)} y={fixed(y + 10.0, 1)} text-anchor={anchor}>{ marker_words(m) }</text>
            </g>
        }
    });
    let count_of =
        |state: FragmentState| -> u32 { t.blocks.iter().filter(|b| b.state == state).map(|b| b.fragments).sum() };
    let summary = format!(
        "{} of {} from {} to {}: {} persisted, {} received, {} on their way{}",
        crate::format::count(t.fragments_in_window as u64, "fragment", "fragments"),
        props.stream,
        clock(t.window_start_ms),
        clock(t.window_end_ms),
        thousands(u64::from(count_of(FragmentState::Persisted))),
        thousands(u64::from(count_of(FragmentState::Received))),
        thousands(u64::from(count_of(FragmentState::Buffering))),
        t.retention_edge_ms.map_or_else(String::new, |e| format!("; media before {} is no longer kept", clock(e))),
    );
    html! {
        <div class="fragment-timeline" data-zoom={t.zoom.label()}>
            // Scrolled to its right end (now) when narrower than the drawing: see the stylesheet.
            <div class="fragment-timeline-scroll">
            <svg class="fragment-timeline-svg" viewBox={format!("0 0 {} {}", short(VIEW_W), Fixed(height, 0))} role="img" aria-label={summary.clone()}>
                <rect class="strip-bg" x={short(AXIS_X0)} y={short(STRIP_Y)} width={short(AXIS_W)} height={short(STRIP_H)} />
                { for ticks }
                { for blocks }
                { for edge }
                <line class="now" x1={fixed(now_x, 1)} x2={fixed(now_x, 1)} y1={fixed(STRIP_Y - 4.0, 1)} y2={fixed(height, 0)}>
                    <title>{ format!("Now: {}", clock(t.now_ms)) }</title>
                </line>
                { for markers }
            </svg>
            </div>
            <ul class="fragment-legend" aria-hidden="true">
                { for [FragmentState::Buffering, FragmentState::Received, FragmentState::Persisted, FragmentState::Expired].into_iter().map(|s| html! {
                    <li><span class={classes!("swatch", s.as_str())}></span>{ s.as_str() }</li>
                }) }
            </ul>
            <details class="fragment-table-wrap">
                <summary>{ "The timeline as a table" }</summary>
                <table class="fragment-table">
                    <caption>{ summary }</caption>
                    <thead><tr><th scope="col">{ "Producer time" }</th><th scope="col">{ "State" }</th><th scope="col">{ "First fragment number" }</th></tr></thead>
                    <tbody>
                        { for t.blocks.iter().map(|b| html! {
                            <tr data-state={b.state.as_str()}>
                                <td>{ format!("{} to {}", clock(b.start_ms), clock(b.end_ms)) }</td>
                                <td>{ block_words(b.state, b.fragments, b.resent) }</td>
                                <td class="seq">{ b.first_number.clone() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                <table class="fragment-table">
                    <caption>{ "Consumers" }</caption>
                    <thead><tr><th scope="col">{ "Consumer" }</th><th scope="col">{ "At (producer time)" }</th><th scope="col">{ "Behind live" }</th></tr></thead>
                    <tbody>
                        { for t.markers.iter().map(|m| html! {
                            <tr data-consumer={m.name.clone()}>
                                <td>{ m.name.clone() }</td>
                                <td>{ m.at_ms.map_or_else(|| "not yet".to_string(), clock) }</td>
                                <td>{ m.latency_ms.map_or_else(|| "—".to_string(), seconds) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </div>
    }
}
