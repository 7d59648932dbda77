//! One Firehose delivery stream while it runs: its buffers against both hints, the transform's results, what
//! became of every record, the destination's health and what the destination received.
//! Everything that came from records is shown as text (escaped by Yew), never as HTML.

use super::{Series, TimeChart, Unit};
use crate::format::{Fixed, bytes_size, clock, count, thousands};
use crate::pipeline_views::{
    BufferFill, DestinationState, DestinationType, FirehoseView, FlushBy, ObjectView, RequestView, TransformCounts,
    seconds_text,
};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`FirehosePanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct FirehosePanelProps {
    /// The delivery stream's view data ([`crate::pipeline_views::firehose_views`]).
    pub view: Rc<FirehoseView>,
    /// A second to mark on the charts.
    #[prop_or_default]
    pub marker_second: Option<u64>,
}

/// A fill bar's share as a horizontal scale, which the compositor animates without repainting the page.
fn percent(permille: u32) -> String {
    format!("transform:scaleX({}.{:03})", permille.min(1000) / 1000, permille.min(1000) % 1000)
}

fn buffer(fill: &BufferFill) -> Html {
    let size_text = format!("{} of {}", bytes_size(fill.bytes), bytes_size(fill.size_hint_bytes));
    let age_text = if fill.records == 0 {
        format!("no records (interval {})", seconds_text(fill.interval_ms))
    } else {
        format!("{} of {}", seconds_text(fill.age_ms), seconds_text(fill.interval_ms))
    };
    let likely = |by: FlushBy| if fill.records > 0 && fill.next_flush == by { "likely" } else { "" };
    html! {
        <div class={classes!("buffer-fill", fill.processor.then_some("processor"))} data-testid="buffer">
            <div class="buffer-head">
                <span class="buffer-label">{ &fill.label }</span>
                <span class="buffer-count">{ format!("{} · {}", count(fill.records.into(), "record", "records"), bytes_size(fill.bytes)) }</span>
            </div>
            <div class="fill-row">
                <span class="fill-name">{ "Size" }</span>
                <div class={classes!("fill-bar", "size", likely(FlushBy::Size))} role="meter"
                    aria-label={format!("{}: size", fill.label)} aria-valuemin="0"
                    aria-valuenow={fill.bytes.to_string()} aria-valuemax={fill.size_hint_bytes.to_string()}
                    aria-valuetext={size_text.clone()}>
                    <div class="fill" style={percent(fill.size_permille)}></div>
                </div>
                <span class="fill-text">{ size_text }</span>
            </div>
            <div class="fill-row">
                <span class="fill-name">{ "Age" }</span>
                <div class={classes!("fill-bar", "age", likely(FlushBy::Interval))} role="meter"
                    aria-label={format!("{}: age", fill.label)} aria-valuemin="0"
                    aria-valuenow={fill.age_ms.to_string()} aria-valuemax={fill.interval_ms.to_string()}
                    aria-valuetext={age_text.clone()}>
                    <div class="fill" style={percent(fill.age_permille)}></div>
                </div>
                <span class="fill-text">{ age_text }</span>
            </div>
            <p class="buffer-words" data-testid="buffer-words">{ &fill.words }</p>
            if !fill.forecast.is_empty() {
                <p class="buffer-forecast">{ &fill.forecast }</p>
            }
        </div>
    }
}

fn transform(t: &TransformCounts) -> Html {
    let total = (t.ok + t.dropped + t.processing_failed).max(1);
    let share = |n: u64| format!("width:{}%", Fixed(n as f64 * 100.0 / total as f64, 1));
    html! {
        <section class="transform-results" aria-label="Transform results">
            <h3>{ "Transform results" }</h3>
            <div class="result-bar" aria-hidden="true">
                <div class="result ok" style={share(t.ok)}></div>
                <div class="result dropped" style={share(t.dropped)}></div>
                <div class="result failed" style={share(t.processing_failed)}></div>
            </div>
            <ul class="result-list" data-testid="transform-results">
                <li class="result ok" data-result="Ok">
                    <span aria-hidden="true">{ "✓ " }</span>{ "Ok " }<strong>{ thousands(t.ok) }</strong>
                    <span class="why">{ " delivered" }</span>
                </li>
                <li class="result dropped" data-result="Dropped">
                    <span aria-hidden="true">{ "⊘ " }</span>{ "Dropped " }<strong>{ thousands(t.dropped) }</strong>
                    <span class="why">{ " filtered out on purpose (counts as success)" }</span>
                </li>
                <li class="result failed" data-result="ProcessingFailed">
                    <span aria-hidden="true">{ "✖ " }</span>{ "ProcessingFailed " }<strong>{ thousands(t.processing_failed) }</strong>
                    <span class="why">{ " written under the error output prefix" }</span>
                </li>
            </ul>
            <p class="note">{ format!("{} Lambda invocations, {} failed (timeout or broken contract, retried)",
                thousands(t.invocations), thousands(t.invocation_failures)) }</p>
        </section>
    }
}

fn health(view: &FirehoseView) -> Html {
    let (class, text) = match view.health {
        DestinationState::Healthy => match view.last_error {
            Some(code) => ("near", format!("▲ The latest attempt failed ({code}): Firehose retries it.")),
            None => ("normal", "✓ Destination healthy".to_string()),
        },
        DestinationState::Down { remaining_ms } => (
            "over",
            format!(
                "✖ Destination down for {} more: every attempt fails ({}); records wait and are retried until the \
                 retry duration, then go to the S3 backup.",
                seconds_text(remaining_ms),
                view.last_error.unwrap_or("no attempt yet")
            ),
        ),
        DestinationState::Slow { delay_ms, remaining_ms } => (
            "near",
            format!(
                "▲ Destination slow for {} more: each attempt takes {delay_ms} ms longer.",
                seconds_text(remaining_ms)
            ),
        ),
    };
    html! { <p class={classes!("destination-health", class)} data-testid="destination-health">{ text }</p> }
}

fn fates(view: &FirehoseView) -> Html {
    let f = &view.fates;
    let mut rows: Vec<(&str, u64)> =
        vec![("Incoming", f.incoming), ("Delivered", f.delivered), ("Buffered or retrying", f.buffered)];
    let optional = [
        ("Dropped by the transform", f.dropped),
        ("Processing failed (error prefix)", f.processing_failed),
        ("Partitioning failed (error prefix)", f.partitioning_failed),
        ("Format conversion failed (error prefix)", f.conversion_failed),
        ("Backed up after the retry duration", f.backed_up),
        ("Expired (S3 down over 24 h)", f.expired),
        ("Duplicates delivered (at-least-once)", f.duplicates),
        ("Throttled by the Direct PUT quota", f.throttled),
    ];
    rows.extend(optional.into_iter().filter(|(_, n)| *n > 0));
    html! {
        <dl class="totals fates" data-testid="fates" aria-label="Record fates">
            { for rows.into_iter().map(|(label, n)| html! { <><dt>{ label }</dt><dd>{ thousands(n) }</dd></> }) }
        </dl>
    }
}

fn object(o: &ObjectView) -> Html {
    let sizes = if o.compression == "UNCOMPRESSED" {
        bytes_size(o.stored_bytes)
    } else {
        format!("{} → {} {}", bytes_size(o.uncompressed_bytes), bytes_size(o.stored_bytes), o.compression)
    };
    let flushed = match o.flushed_by {
        Some(FlushBy::Size) => " · flushed by size",
        Some(FlushBy::Interval) => " · flushed by time",
        None => "",
    };
    html! {
        <li class={classes!("s3-object", o.kind.split(' ').next().unwrap_or_default().to_string())} data-testid="s3-object">
            <details>
                <summary>
                    <span class="object-key mono">{ &o.key }</span>
                    <span class="object-meta">
                        { format!("{} · {} · {sizes} · written {}{flushed}", o.kind, count(o.records.into(), "record", "records"), clock(o.written_ms)) }
                        if let Some(kind) = o.error_output_type { { format!(" · {kind}") } }
                    </span>
                </summary>
                <p class="note">{ format!("Records arrived {} – {}", clock(o.first_arrival_ms), clock(o.last_arrival_ms)) }</p>
                if let Some(text) = &o.preview {
                    <pre class="object-preview" data-testid="object-preview"
                        aria-label={format!("Content of {}, decompressed", o.key)}>{ text }</pre>
                } else {
                    <p class="note">{ o.preview_note.unwrap_or("no preview") }</p>
                }
            </details>
        </li>
    }
}

fn request(r: &RequestView) -> Html {
    html! {
        <tr class={if r.error_code.is_some() { "failed" } else { "ok" }}>
            <td class="mono">{ clock(r.at_ms) }</td>
            <td>{ r.attempt }</td>
            <td>{ thousands(r.records.into()) }</td>
            <td>{ bytes_size(r.bytes) }</td>
            <td class="mono">{ r.target.clone().unwrap_or_default() }</td>
            <td data-testid="request-result">
                { match r.error_code {
                    None => "✓ delivered".to_string(),
                    Some(code) if r.received => format!("✖ {code} (the data arrived: the retry is a duplicate)"),
                    Some(code) => format!("✖ {code}"),
                } }
            </td>
            <td>
                if let Some(body) = &r.body_preview {
                    <details><summary>{ "body" }</summary><pre class="object-preview">{ body }</pre></details>
                }
            </td>
        </tr>
    }
}

fn received(view: &FirehoseView) -> Html {
    let summary = match view.destination_type {
        DestinationType::S3 => count(view.objects_total, "object", "objects"),
        DestinationType::Redshift => {
            format!(
                "{} loaded by {}",
                count(view.redshift_rows, "row", "rows"),
                count(view.requests_total, "COPY request", "COPY requests")
            )
        }
        DestinationType::OpenSearch => format!("{} indexed", count(view.documents, "document", "documents")),
        DestinationType::Http => format!("{} delivered", count(view.documents, "record", "records")),
        DestinationType::Splunk => format!("{} indexed", count(view.documents, "event", "events")),
    };
    html! {
        <section class="destination-contents" aria-label="What the destination received">
            <h3>{ "Received" }</h3>
            <p data-testid="received-summary">{ summary }</p>
            if !view.requests.is_empty() {
                <table class="requests" aria-label="Requests">
                    <thead><tr>
                        <th>{ "At" }</th><th>{ "Attempt" }</th><th>{ "Records" }</th><th>{ "Size" }</th>
                        <th>{ "Target" }</th><th>{ "Result" }</th><th></th>
                    </tr></thead>
                    <tbody>{ for view.requests.iter().map(request) }</tbody>
                </table>
            }
            if !view.objects.is_empty() {
                <h4>{ format!("S3 objects (newest first, {} in all)", thousands(view.objects_total)) }</h4>
                <ul class="s3-objects" aria-label="S3 objects">{ for view.objects.iter().map(object) }</ul>
            }
        </section>
    }
}

fn series(name: &str, colour: u8, values: &[f64]) -> Series {
    Series { name: name.to_string().into(), colour, values: values.into() }
}

/// The panel.
#[component]
pub fn FirehosePanel(props: &FirehosePanelProps) -> Html {
    let v = &props.view;
    let c = &v.charts;
    // The size hint drawn on the fill chart: only meaningful with a single destination buffer.
    let destination_buffers: Vec<&BufferFill> = v.buffers.iter().filter(|b| !b.processor).collect();
    let size_hint = match destination_buffers.as_slice() {
        [only] => Some(only.size_hint_bytes),
        _ => None,
    };
    html! {
        <section class="firehose-panel firehose" role="region" aria-label={format!("Firehose {}", v.name)}>
            <header class="panel-head">
                <h2><span class="kind-dot" aria-hidden="true"></span>{ &v.name }</h2>
                <span class="panel-status">{ v.status }</span>
            </header>
            <p class="route">{ format!("{} → {}", v.source, v.destination) }</p>
            { health(v) }
            <div class="buffers" aria-label="Buffers" role="group">{ for v.buffers.iter().map(buffer) }</div>
            if let Some(t) = &v.transform { { transform(t) } }
            { fates(v) }
            { received(v) }
            <div class="charts">
                <TimeChart marker_second={props.marker_second} title="Delivery" unit={Unit::BytesPerSec}
                    end_second={c.end_second}
                    series={vec![series("incoming", 0, &c.incoming_bytes), series("delivered", 1, &c.delivered_bytes)]} />
                if !c.buffered_bytes.is_empty() {
                    <TimeChart marker_second={props.marker_second} title="Buffer fill" unit={Unit::Bytes}
                        end_second={c.end_second} series={vec![series("buffered", 2, &c.buffered_bytes)]}
                        limit={size_hint.map(|b| (b as f64, AttrValue::from(format!("size hint {}", bytes_size(b)))))} />
                }
                <TimeChart marker_second={props.marker_second} title="Data freshness" unit={Unit::AgeMs}
                    end_second={c.end_second} series={vec![series("oldest record's age", 3, &c.data_freshness_ms)]} />
                <TimeChart marker_second={props.marker_second} title="Delivery attempts" unit={Unit::PerSec}
                    end_second={c.end_second}
                    series={vec![
                        series("delivered", 1, &c.attempts_delivered),
                        series("failed, retried", 4, &c.attempts_failed),
                        series("given up", 5, &c.attempts_given_up),
                    ]} />
            </div>
        </section>
    }
}
