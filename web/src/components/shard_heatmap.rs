//! Many shards at a glance: one cell per open shard, its colour the busier of its write limits
//! (records or bytes), with the figures in the cell's accessible name.

use crate::format::{bytes_per_sec, records_per_sec};
use crate::runner::{Load, ShardView};
use shardlab_engine::limits::{SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC};
use yew::prelude::*;

/// Props of [`ShardHeatmap`].
#[derive(Properties, PartialEq, Clone)]
pub struct ShardHeatmapProps {
    /// The open shards.
    pub views: Vec<ShardView>,
}

/// Percent of the busier write limit, 0 to 100 (demand past the limit shows as throttling, not here).
pub fn write_utilisation_percent(view: &ShardView) -> u64 {
    let records = view.records_per_sec * 100 / SHARD_WRITE_RECORDS_PER_SEC;
    let bytes = view.bytes_per_sec * 100 / SHARD_WRITE_BYTES_PER_SEC;
    records.max(bytes).min(100)
}

/// The heatmap.
#[component]
pub fn ShardHeatmap(props: &ShardHeatmapProps) -> Html {
    html! {
        <div class="heatmap shard-list" role="list">
            { for props.views.iter().map(|v| {
                let percent = write_utilisation_percent(v);
                let (state, word) = match v.load {
                    Load::Normal => ("normal", "within limits"),
                    Load::NearLimit => ("near", "near its limit"),
                    Load::Throttled => ("over", "throttled"),
                };
                let label = format!("{}: {word}, {}, {}, {} rejected/s", v.shard_id, records_per_sec(v.records_per_sec),
                    bytes_per_sec(v.bytes_per_sec), v.throttled_per_sec);
                html! {
                    <div class={classes!("heat-cell", state)} role="listitem" data-testid="shard" aria-label={label.clone()}
                        title={label} style={format!("--fill:{percent}%")}>
                        <span aria-hidden="true">{ if v.load == Load::Throttled { "✖" } else { "" } }</span>
                    </div>
                }
            }) }
        </div>
    }
}
