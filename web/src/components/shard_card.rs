//! One shard: its load against the write limits, its state in colour, icon and words.

use super::Meter;
use crate::format::{bytes_per_sec, records_per_sec, thousands};
use crate::runner::{Load, ShardView};
use shardlab_engine::limits::{
    GET_RECORDS_CALLS_PER_SEC as READ_CALLS_PER_SEC, SHARD_READ_BYTES_PER_SEC as READ_BYTES_PER_SEC,
};
use shardlab_engine::limits::{SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC};
use yew::prelude::*;

/// Props of [`ShardCard`].
#[derive(Properties, PartialEq, Clone)]
pub struct ShardCardProps {
    /// The shard's figures.
    pub view: ShardView,
}

/// A shard's card.
#[component]
pub fn ShardCard(props: &ShardCardProps) -> Html {
    let v = &props.view;
    let (class, badge) = match v.load {
        Load::Normal => ("shard normal", "✓ within limits"),
        Load::NearLimit => ("shard near", "▲ near limit (≥ 80 %)"),
        Load::Throttled => ("shard over", "✖ throttled"),
    };
    let share = format!("{}.{}% of keys", v.key_space_ppm / 10_000, v.key_space_ppm / 1_000 % 10);
    html! {
        <article class={class} data-testid="shard" role="listitem" aria-label={v.shard_id.clone()}>
            <header>
                <h3>{ &v.shard_id }</h3>
                <span class="badge" data-testid="shard-state">{ badge }</span>
            </header>
            <Meter label="Records" accepted={v.records_per_sec} rejected={v.throttled_per_sec}
                limit={SHARD_WRITE_RECORDS_PER_SEC}
                value_text={records_per_sec(v.records_per_sec)}
                limit_text={records_per_sec(SHARD_WRITE_RECORDS_PER_SEC)} />
            <Meter label="Bytes" accepted={v.bytes_per_sec} limit={SHARD_WRITE_BYTES_PER_SEC}
                value_text={bytes_per_sec(v.bytes_per_sec)}
                limit_text={bytes_per_sec(SHARD_WRITE_BYTES_PER_SEC)} />
            <Meter label="Read calls" accepted={v.read_calls_per_sec} rejected={v.read_throttled_per_sec}
                limit={READ_CALLS_PER_SEC}
                value_text={format!("{} calls/s", v.read_calls_per_sec)}
                limit_text={format!("{READ_CALLS_PER_SEC} calls/s")} />
            <Meter label="Read bytes" accepted={v.read_bytes_per_sec} limit={READ_BYTES_PER_SEC}
                value_text={bytes_per_sec(v.read_bytes_per_sec)}
                limit_text={bytes_per_sec(READ_BYTES_PER_SEC)} />
            <footer>
                <span>{ share }</span>
                <span data-testid="shard-throttled">
                    { format!("{} rejected/s · {} rejected in all", thousands(v.throttled_per_sec), thousands(v.throttled_total)) }
                </span>
            </footer>
        </article>
    }
}
