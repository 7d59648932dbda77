//! Everything about the data stream while it runs: the hash key space with its keys, the shards
//! (cards, or a heatmap when there are many) and the time-series charts.

use super::{KeySpace, Series, ShardCard, ShardHeatmap, TimeChart, Unit};
use crate::format::bytes_per_sec;
use crate::runner::{ChartData, KeyDot, KeySegment, ShardView};
use std::rc::Rc;
use yew::prelude::*;

/// Above this many open shards the cards give way to a heatmap.
pub const CARDS_MAX: usize = 12;

/// Props of [`StreamWatch`].
#[derive(Properties, PartialEq, Clone)]
pub struct StreamWatchProps {
    /// The open shards.
    pub shards: Vec<ShardView>,
    /// The key space.
    pub segments: Vec<KeySegment>,
    /// Recent keys.
    pub dots: Vec<KeyDot>,
    /// The charts' series.
    pub charts: Rc<ChartData>,
    /// The stream's total write limit in bytes/s (open shards × 1 MiB/s), drawn on the throughput chart.
    pub write_limit_bytes_per_sec: u64,
    /// A second to mark on the charts.
    #[prop_or_default]
    pub marker_second: Option<u64>,
}

fn series(name: &str, colour: u8, values: &[f64]) -> Series {
    Series { name: name.to_string().into(), colour, values: values.into() }
}

/// The panel.
#[component]
pub fn StreamWatch(props: &StreamWatchProps) -> Html {
    let c = &props.charts;
    let ages: Vec<Series> =
        c.iterator_age_ms.iter().enumerate().map(|(i, (name, v))| series(name, (i % 4) as u8 + 2, v)).collect();
    html! {
        <div class="stream-watch">
            <KeySpace segments={props.segments.clone()} dots={props.dots.clone()} />
            <section class="shards-region" role="region" aria-label="Shards">
                if props.shards.len() > CARDS_MAX {
                    <ShardHeatmap views={props.shards.clone()} />
                } else {
                    <div role="list" class="shard-list shards">
                        { for props.shards.iter().cloned().map(|view| html! { <ShardCard {view} /> }) }
                    </div>
                }
            </section>
            <div class="charts">
                <TimeChart marker_second={props.marker_second} title="Throughput" unit={Unit::BytesPerSec} end_second={c.end_second}
                    series={vec![series("in", 0, &c.incoming_bytes), series("out", 1, &c.outgoing_bytes)]}
                    limit={Some((props.write_limit_bytes_per_sec as f64, AttrValue::from(format!("write limit {}",
                        bytes_per_sec(props.write_limit_bytes_per_sec)))))} />
                <TimeChart marker_second={props.marker_second} title="Throttles" unit={Unit::PerSec} end_second={c.end_second}
                    series={vec![series("rejected writes", 5, &c.write_throttled), series("refused reads", 3, &c.read_throttled)]} />
                <TimeChart marker_second={props.marker_second} title="Iterator age" unit={Unit::AgeMs} end_second={c.end_second}
                    series={ages} />
            </div>
        </div>
    }
}
