//! A horizontal meter: accepted load, rejected load beyond it, and the AWS limit drawn as a labelled line.

use crate::format::Fixed;
use yew::prelude::*;

/// Props of [`Meter`].
#[derive(Properties, PartialEq, Clone)]
pub struct MeterProps {
    /// What is measured, e.g. "Records".
    pub label: AttrValue,
    /// Accepted amount per second.
    pub accepted: u64,
    /// Rejected amount per second (drawn past the accepted part).
    #[prop_or_default]
    pub rejected: u64,
    /// The limit per second.
    pub limit: u64,
    /// The accepted amount with its unit, e.g. "980 rec/s".
    pub value_text: AttrValue,
    /// The limit with its unit, e.g. "1,000 rec/s".
    pub limit_text: AttrValue,
}

/// The meter's scale is twice the limit, so the limit line sits in the middle and demand beyond it shows.
#[component]
pub fn Meter(props: &MeterProps) -> Html {
    let scale = props.limit.max(1) * 2;
    let pct = |v: u64| (v.min(scale) as f64 * 100.0 / scale as f64).clamp(0.0, 100.0);
    let accepted = pct(props.accepted);
    let rejected = pct(props.accepted + props.rejected) - accepted;
    // Each meter has its own state: a shard throttled by records may be nowhere near its byte limit.
    let state = if props.rejected > 0 {
        "over"
    } else if props.accepted * 10 >= props.limit * 8 {
        "near"
    } else {
        "normal"
    };
    html! {
        <div class={classes!("meter", state)} role="meter" aria-label={props.label.clone()}
            aria-valuenow={props.accepted.to_string()} aria-valuemin="0" aria-valuemax={props.limit.to_string()}>
            <div class="meter-head">
                <span class="meter-label">{ &props.label }</span>
                <span class="meter-value">{ &props.value_text }</span>
            </div>
            <div class="meter-track">
                // Scaled, not resized: a transform animates on the compositor, so 200 meters easing to new values
                // cost no layout or paint on the main thread.
                <div class="meter-accepted" style={format!("transform:scaleX({})", Fixed(accepted / 100.0, 3))}></div>
                <div class="meter-rejected" style={format!("left:{}%;width:{}%", Fixed(accepted, 1), Fixed(rejected, 1))}></div>
                <div class="meter-limit" title={format!("AWS limit: {}", props.limit_text)}></div>
            </div>
            <div class="meter-limit-label">{ format!("limit {}", props.limit_text) }</div>
        </div>
    }
}
