//! A time-series line chart drawn as SVG: y axis with a "nice" scale and unit, x axis in simulated
//! seconds, an optional dashed limit line, and a legend. Values are per simulated second.

use crate::format::{Fixed, fixed, short};
use std::rc::Rc;
use yew::prelude::*;

/// Drawing area, in SVG user units (the SVG scales to its container).
const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 150.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 20.0;

/// One line.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Its name in the legend.
    pub name: AttrValue,
    /// Which palette colour: 0 to 5.
    pub colour: u8,
    /// One value per second, the last one for `end_second`.
    pub values: Rc<[f64]>,
}

/// Props of [`TimeChart`].
#[derive(Properties, PartialEq, Clone)]
pub struct TimeChartProps {
    /// The chart's title, which is also its accessible name.
    pub title: AttrValue,
    /// How to print a value with its unit.
    pub unit: Unit,
    /// The lines.
    pub series: Vec<Series>,
    /// The simulated second of each series' last value.
    pub end_second: u64,
    /// An AWS limit to draw, with its label.
    #[prop_or_default]
    pub limit: Option<(f64, AttrValue)>,
    /// A second to mark with a vertical line (picked in the event log).
    #[prop_or_default]
    pub marker_second: Option<u64>,
}

/// What a chart's values measure, and so how they print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Bytes per second: `1.0 MiB/s`.
    BytesPerSec,
    /// A count per second: `1,500/s`.
    PerSec,
    /// Milliseconds of delay: `850 ms`, `12.3 s`.
    AgeMs,
    /// An amount of bytes held (a buffer's fill): `1.0 MiB`.
    Bytes,
}

impl Unit {
    /// `value` with its unit, for axes and legends.
    pub fn format(self, value: f64) -> String {
        let v = if value.is_finite() { value.max(0.0) as u64 } else { 0 };
        match self {
            Self::BytesPerSec => crate::format::bytes_per_sec(v),
            Self::Bytes => crate::format::bytes_size(v),
            Self::PerSec => format!("{}/s", crate::format::thousands(v)),
            Self::AgeMs if v < 1_000 => format!("{v} ms"),
            Self::AgeMs => format!("{}.{} s", v / 1_000, v % 1_000 / 100),
        }
    }

    /// The top of the y axis for data up to `max`: a round number in this unit, never below a useful floor
    /// (1 KiB/s, 10/s, 1 s), so an idle chart still has readable ticks.
    pub fn axis_max(self, max: f64) -> f64 {
        const KIB: f64 = 1_024.0;
        const MIB: f64 = 1_048_576.0;
        match self {
            Self::BytesPerSec | Self::Bytes if max > MIB => nice_ceiling(max / MIB) * MIB,
            Self::BytesPerSec | Self::Bytes => nice_ceiling(max / KIB).max(1.0) * KIB,
            Self::PerSec => nice_ceiling(max).max(10.0),
            Self::AgeMs => nice_ceiling(max).max(1_000.0),
        }
    }
}

/// The smallest 1, 2 or 5 × 10^k at or above `max` (at least 1), so ticks land on round numbers.
pub fn nice_ceiling(max: f64) -> f64 {
    if !max.is_finite() || max <= 1.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|&v| v >= max).unwrap_or(10.0 * magnitude)
}

/// The chart.
#[component]
pub fn TimeChart(props: &TimeChartProps) -> Html {
    let points = props.series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let data_max = props.series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max);
    let limit_value = props.limit.as_ref().map_or(0.0, |(v, _)| *v);
    let y_max = props.unit.axis_max(data_max.max(limit_value * 1.1));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let span = points.saturating_sub(1).max(1) as f64;
    let x = |i: usize| LEFT + plot_w * i as f64 / span;
    let y = |v: f64| TOP + plot_h * (1.0 - (v / y_max).clamp(0.0, 1.0));
    let first_second = props.end_second.saturating_sub(points.saturating_sub(1) as u64);
    let x_ticks = [0, points / 2, points.saturating_sub(1)];
    let latest = |s: &Series| s.values.last().copied().unwrap_or(0.0);
    html! {
        <figure class="chart" aria-label={props.title.clone()}>
            <figcaption>{ &props.title }</figcaption>
            <svg viewBox={format!("0 0 {} {}", short(WIDTH), short(HEIGHT))} role="img"
                aria-label={format!("{}: {}", props.title, props.series.iter()
                    .map(|s| format!("{} {}", s.name, props.unit.format(latest(s)))).collect::<Vec<_>>().join(", "))}>
                { for [0.0, 0.5, 1.0].into_iter().map(|f| html! {
                    <g class="tick">
                        <line x1={short(LEFT)} x2={short(WIDTH - RIGHT)}
                            y1={fixed(y(y_max * f), 1)} y2={fixed(y(y_max * f), 1)} />
                        <text x={short(LEFT - 4.0)} y={fixed(y(y_max * f) + 3.0, 1)} text-anchor="end">
                            { props.unit.format(y_max * f) }
                        </text>
                    </g>
                }) }
                if points > 1 {
                    { for x_ticks.into_iter().map(|i| html! {
                        <text class="x-tick" x={fixed(x(i), 1)} y={short(HEIGHT - 6.0)} text-anchor="middle">
                            { format!("{} s", first_second + i as u64) }
                        </text>
                    }) }
                }
                if let Some((value, label)) = &props.limit {
                    <line class="limit" x1={short(LEFT)} x2={short(WIDTH - RIGHT)}
                        y1={fixed(y(*value), 1)} y2={fixed(y(*value), 1)} />
                    <text class="limit-label" x={short(WIDTH - RIGHT - 2.0)} y={fixed(y(*value) - 3.0, 1)}
                        text-anchor="end">{ label.clone() }</text>
                }
                if let Some(marked) = props.marker_second.filter(|m| (first_second..=props.end_second).contains(m)) {
                    <line class="marker" x1={fixed(x((marked - first_second) as usize), 1)}
                        x2={fixed(x((marked - first_second) as usize), 1)} y1={short(TOP)} y2={short(HEIGHT - BOTTOM)} />
                }
                { for props.series.iter().map(|s| html! {
                    <polyline class={format!("series c{}", s.colour)}
                        points={s.values.iter().enumerate().map(|(i, v)| format!("{},{}", Fixed(x(i), 1), Fixed(y(*v), 1)))
                            .collect::<Vec<_>>().join(" ")} />
                }) }
            </svg>
            <ul class="legend">
                { for props.series.iter().map(|s| html! {
                    <li><span class={format!("swatch c{}", s.colour)} aria-hidden="true"></span>
                        { format!("{} · {}", s.name, props.unit.format(latest(s))) }</li>
                }) }
            </ul>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::{Unit, nice_ceiling};

    #[test]
    fn values_print_with_their_units() {
        assert_eq!(Unit::BytesPerSec.format(1_048_576.0), "1.0 MiB/s");
        assert_eq!(Unit::PerSec.format(1_500.0), "1,500/s");
        assert_eq!(Unit::AgeMs.format(850.0), "850 ms");
        assert_eq!(Unit::AgeMs.format(12_345.0), "12.3 s");
        assert_eq!(Unit::PerSec.format(f64::NAN), "0/s");
        assert_eq!(Unit::Bytes.format(1_048_576.0), "1.0 MiB");
    }

    #[test]
    fn axes_end_on_round_numbers_of_their_unit() {
        // 2 shards' write limit, 2 MiB/s, with headroom: the axis ends at 5 MiB/s, not at 5,000,000 B/s.
        assert_eq!(Unit::BytesPerSec.axis_max(2.2 * 1_048_576.0), 5.0 * 1_048_576.0);
        assert_eq!(Unit::BytesPerSec.axis_max(0.0), 1_024.0);
        assert_eq!(Unit::BytesPerSec.axis_max(3_000.0), 5_120.0);
        assert_eq!(Unit::PerSec.axis_max(0.0), 10.0);
        assert_eq!(Unit::PerSec.axis_max(1_000.0), 1_000.0);
        assert_eq!(Unit::AgeMs.axis_max(1.0), 1_000.0);
    }

    #[test]
    fn scales_end_on_round_numbers() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
        assert_eq!(nice_ceiling(1_000.0), 1_000.0);
        assert_eq!(nice_ceiling(1_001.0), 2_000.0);
        assert_eq!(nice_ceiling(1_153_433.6), 2_000_000.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
    }
}
