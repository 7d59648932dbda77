//! A video stream's panel under the canvas: its figures (ingest rate, fragments persisted, each consumer's
//! playback latency), the fragment timeline at a chosen zoom, and a card per camera and per consumer.

use super::fragment_timeline::FragmentTimelineView;
use crate::format::{bytes_size, clock, count, thousands};
use crate::video_view::{CameraView, TimelineZoom, VideoConsumerView, VideoStreamView, bits_per_sec, seconds};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`VideoPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct VideoPanelProps {
    /// The stream's view.
    pub view: Rc<VideoStreamView>,
}

/// The panel.
#[component]
pub fn VideoPanel(props: &VideoPanelProps) -> Html {
    let zoom = use_state(|| TimelineZoom::Minute);
    let v = &*props.view;
    let retention = if v.retention_hours == 0 {
        "keeps no media (retention 0): live GetMedia only, from a 5-minute host buffer".to_string()
    } else {
        format!("keeps {} of media", count(u64::from(v.retention_hours), "hour", "hours"))
    };
    let latencies: Vec<&VideoConsumerView> = v.consumers.iter().filter(|c| c.latency_ms.is_some()).collect();
    let timeline = v.timeline(*zoom).cloned().map(Rc::new);
    html! {
        <section class="video-panel" aria-label={format!("Video stream {}", v.name)} data-stream={v.name.clone()}>
            <h2>{ format!("Video stream {}", v.name) }</h2>
            <p class="note">{ format!("{} · {retention}. Fragments instead of records, indexed by time; read with \
                GetMedia, HLS or GetClip instead of shard iterators.", v.media_type) }</p>
            <dl class="video-figures">
                <div data-figure="ingest" data-value={v.ingest_bytes_per_sec.to_string()}>
                    <dt>{ "Ingest rate" }</dt>
                    <dd>{ format!("{} · {} in {}", bits_per_sec(v.ingest_bytes_per_sec),
                        count(u64::from(v.ingest_fragments), "fragment", "fragments"), count(v.ingest_window_secs, "second", "seconds")) }</dd>
                </div>
                <div data-figure="persisted" data-value={v.fragments_persisted.to_string()}>
                    <dt>{ "Fragments persisted" }</dt>
                    <dd>{ if v.retention_hours == 0 {
                        format!("none: {} in the host buffer", thousands(v.fragments_kept))
                    } else {
                        format!("{} ({} kept, {})", thousands(v.fragments_persisted), thousands(v.fragments_kept), bytes_size(v.bytes_kept))
                    } }</dd>
                </div>
                <div data-figure="latency">
                    <dt>{ "Playback latency" }</dt>
                    <dd>
                        if latencies.is_empty() {
                            { "no consumer has media yet" }
                        }
                        { for latencies.iter().enumerate().map(|(i, c)| html! {
                            <span class="latency" data-consumer={c.name.clone()} data-ms={c.latency_ms.unwrap_or_default().to_string()}>
                                { format!("{}{} {}", if i > 0 { " · " } else { "" }, c.name, seconds(c.latency_ms.unwrap_or_default())) }
                            </span>
                        }) }
                    </dd>
                </div>
                if v.error_acks > 0 {
                    <div data-figure="errors"><dt>{ "Error acknowledgements" }</dt><dd>{ thousands(v.error_acks) }</dd></div>
                }
            </dl>
            <div class="timeline-zoom" role="group" aria-label="Timeline span">
                { for TimelineZoom::ALL.into_iter().map(|z| {
                    let zoom = zoom.clone();
                    html! {
                        <button class="small" aria-pressed={(*zoom == z).to_string()} onclick={Callback::from(move |_: MouseEvent| zoom.set(z))}>{ z.label() }</button>
                    }
                }) }
            </div>
            if let Some(timeline) = timeline {
                <FragmentTimelineView stream={AttrValue::from(v.name.clone())} {timeline} />
            }
            <div class="video-cards">
                { for v.cameras.iter().map(camera_card) }
                { for v.consumers.iter().map(consumer_card) }
                if v.cameras.is_empty() {
                    <p class="note">{ "No camera sends to this stream: connect one to it." }</p>
                }
            </div>
        </section>
    }
}

fn camera_card(c: &CameraView) -> Html {
    let t = &c.totals;
    let ack = c.last_ack.map(|(at, event, error)| {
        format!("last ack {event}{} at {}", error.map_or_else(String::new, |e| format!(" {e}")), clock(at))
    });
    html! {
        <article class="video-card camera" data-camera={c.name.clone()}>
            <h3><span class="kind-dot" aria-hidden="true"></span>{ format!("Camera {}", c.name) }</h3>
            <p>{ format!("{} kbps · {} frames/s · {} fragments", thousands(u64::from(c.bitrate_kbps)), c.frame_rate, seconds(u64::from(c.fragment_duration_ms))) }</p>
            <p>{ if c.connected { "PutMedia connection open" } else { "Not connected" } }</p>
            <p>{ format!("{} received · {} persisted · {} waiting for an ack", thousands(t.fragments_received), thousands(t.fragments_persisted), thousands(c.unacknowledged as u64)) }</p>
            if t.connection_drops > 0 || t.fragments_resent > 0 {
                <p>{ format!("{} dropped · {} sent again", count(t.connection_drops, "connection", "connections"), count(t.fragments_resent, "fragment", "fragments")) }</p>
            }
            if t.error_acks > 0 || t.fragments_dropped > 0 {
                <p class="field-error">{ format!("{} error acks · {} dropped by the SDK", thousands(t.error_acks), thousands(t.fragments_dropped)) }</p>
            }
            if let Some(ack) = ack {
                <p class="note">{ ack }</p>
            }
        </article>
    }
}

fn consumer_card(c: &VideoConsumerView) -> Html {
    let status = if let Some(error) = &c.error {
        error.clone()
    } else if c.closed {
        "closed: a newer HLS session took its place".to_string()
    } else if !c.started {
        "waiting to start".to_string()
    } else {
        match (c.latency_ms, c.playhead_ms) {
            (Some(latency), Some(at)) => format!("at {} · {} behind live", clock(at), seconds(latency)),
            _ => format!("{} read", count(c.fragments_read, "fragment", "fragments")),
        }
    };
    html! {
        <article class="video-card video-consumer" data-video-consumer={c.name.clone()}>
            <h3><span class="kind-dot" aria-hidden="true"></span>{ c.name.clone() }</h3>
            <p>{ c.kind_label.clone() }</p>
            <p class={classes!(c.error.is_some().then_some("field-error"))}>{ status }</p>
            if let Some((fragments, window_ms)) = c.playlist {
                <p>{ format!("Playlist: {} spanning {}", count(u64::from(fragments), "fragment", "fragments"), seconds(window_ms)) }</p>
            }
            if c.frames_or_images > 0 {
                <p>{ format!("{} frames or images", thousands(c.frames_or_images)) }</p>
            }
            if c.stalled_seconds > 0 {
                <p>{ format!("Stalled {} with nothing kept to play", count(c.stalled_seconds, "second", "seconds")) }</p>
            }
        </article>
    }
}
