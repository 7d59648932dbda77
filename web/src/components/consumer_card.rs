//! The consumer: what it reads each second, how far behind it is, and its put-to-get latency.

use crate::format::{bytes_per_sec, records_per_sec, thousands};
use crate::runner::ConsumerView;
use yew::prelude::*;

/// Props of [`ConsumerCard`].
#[derive(Properties, PartialEq, Clone)]
pub struct ConsumerCardProps {
    /// The consumer's figures.
    pub view: ConsumerView,
}

/// A consumer's card.
#[component]
pub fn ConsumerCard(props: &ConsumerCardProps) -> Html {
    let v = &props.view;
    let behind = if v.iterator_age_ms >= 10_000 { "behind" } else { "ok" };
    html! {
        <div class={classes!("consumer-card", behind)} data-testid="consumer">
            <p class="note">{ v.style }</p>
            <dl class="totals">
                <dt>{ "Reading" }</dt>
                <dd>{ format!("{} · {}", records_per_sec(v.records_per_sec), bytes_per_sec(v.bytes_per_sec)) }</dd>
                <dt>{ "Behind the tip" }</dt>
                <dd data-testid="iterator-age">{ format!("{} ms", thousands(v.iterator_age_ms)) }</dd>
                <dt>{ "Put-to-get latency" }</dt>
                <dd data-testid="latency">
                    { v.latency_ms.map_or_else(
                        || "no records yet".to_string(),
                        |[p50, p95, p99]| format!("p50 {} · p95 {} · p99 {} ms", thousands(p50), thousands(p95), thousands(p99)),
                    ) }
                </dd>
                <dt>{ "Throttled calls" }</dt>
                <dd>{ format!("{}/s", thousands(v.throttled_calls_per_sec)) }</dd>
            </dl>
        </div>
    }
}
