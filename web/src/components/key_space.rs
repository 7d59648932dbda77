//! The hash key space (0 to 2^128 - 1) as a bar split into shard ranges, with recent partition keys as
//! dots at their MD5 position. Closed parent shards are drawn above their children, so a split or merge
//! shows its lineage.

use crate::format::{Fixed, fixed, short};
use crate::runner::{KeyDot, KeySegment, Load};
use yew::prelude::*;

const WIDTH: f64 = 960.0;
const ROW_HEIGHT: f64 = 16.0;

/// Props of [`KeySpace`].
#[derive(Properties, PartialEq, Clone)]
pub struct KeySpaceProps {
    /// Open shards and the closed parents still retained.
    pub segments: Vec<KeySegment>,
    /// Recent partition keys.
    pub dots: Vec<KeyDot>,
}

/// The bar.
#[component]
pub fn KeySpace(props: &KeySpaceProps) -> Html {
    let has_parents = props.segments.iter().any(|s| !s.open);
    let open_y = if has_parents { ROW_HEIGHT + 6.0 } else { 0.0 };
    let dots_y = open_y + ROW_HEIGHT + 9.0;
    let height = dots_y + 20.0;
    let hot: Vec<&KeyDot> = props.dots.iter().filter(|d| d.hot).collect();
    let summary = if hot.is_empty() {
        format!("Hash key space split between {} open shards.", props.segments.iter().filter(|s| s.open).count())
    } else {
        format!(
            "Hash key space split between {} open shards; hot keys: {}.",
            props.segments.iter().filter(|s| s.open).count(),
            hot.iter().map(|d| d.key.as_str()).collect::<Vec<_>>().join(", ")
        )
    };
    html! {
        <figure class="key-space" aria-label="Hash key space">
            <svg viewBox={format!("0 0 {} {}", short(WIDTH), short(height))} style={format!("max-width:{}px", short(WIDTH))} role="img" aria-label={summary}>
                { for props.segments.iter().map(|s| {
                    let x = s.start * WIDTH;
                    let w = ((s.end - s.start) * WIDTH - 1.0).max(1.0);
                    let y = if s.open { open_y } else { 0.0 };
                    let class = classes!("segment", if s.open { load_class(s.load) } else { "closed" });
                    html! {
                        <g>
                            <rect {class} x={fixed(x, 2)} y={short(y)} width={fixed(w, 2)}
                                height={short(ROW_HEIGHT)} rx="3">
                                <title>{ segment_title(s) }</title>
                            </rect>
                            if w > 70.0 {
                                <text class="segment-label" x={fixed(x + 4.0, 1)} y={fixed(y + 11.5, 1)}>
                                    { short_id(&s.shard_id) }
                                </text>
                            }
                        </g>
                    }
                }) }
                { for props.dots.iter().map(|d| {
                    let r = (2.0 + f64::from(d.count).sqrt()).min(7.0);
                    html! {
                        // Only hot keys carry a tooltip: hundreds of <title>s would cost every frame.
                        <circle class={classes!("key-dot", d.hot.then_some("hot"))} cx={fixed(d.position * WIDTH, 2)}
                            cy={fixed(dots_y, 1)} r={fixed(r, 1)}>
                            if d.hot {
                                <title>{ format!("{}: {} of the recent records", d.key, d.count) }</title>
                            }
                        </circle>
                    }
                }) }
                <line class="keys-lane" x1="0" x2={short(WIDTH)} y1={short(dots_y)} y2={short(dots_y)} />
                <text class="axis" x="0" y={short(height - 2.0)}>{ "0" }</text>
                <text class="axis" x={short(WIDTH)} y={short(height - 2.0)} text-anchor="end">{ "2¹²⁸ − 1" }</text>
                if !hot.is_empty() {
                    <text class="axis hot-label" x={short(WIDTH / 2.0)} y={short(height - 2.0)} text-anchor="middle">
                        { format!("hot key{}: {}", if hot.len() > 1 { "s" } else { "" },
                            hot.iter().take(3).map(|d| d.key.as_str()).collect::<Vec<_>>().join(", ")) }
                    </text>
                }
            </svg>
        </figure>
    }
}

/// `shardId-000000000003` -> `shard 3`.
pub fn short_id(shard_id: &str) -> String {
    let number = shard_id.trim_start_matches("shardId-").trim_start_matches('0');
    format!("shard {}", if number.is_empty() { "0" } else { number })
}

fn segment_title(s: &KeySegment) -> String {
    let share = format!("{}% of the key space", Fixed((s.end - s.start) * 100.0, 1));
    let lineage = match (&s.parent, s.open) {
        (Some(parent), true) => format!(", child of {parent}"),
        (_, false) => ", closed (its records stay readable until they expire)".into(),
        (None, true) => String::new(),
    };
    format!("{}: {share}{lineage}", s.shard_id)
}

fn load_class(load: Load) -> &'static str {
    match load {
        Load::Normal => "normal",
        Load::NearLimit => "near",
        Load::Throttled => "over",
    }
}

#[cfg(test)]
mod tests {
    use super::short_id;

    #[test]
    fn shard_ids_shorten() {
        assert_eq!(short_id("shardId-000000000000"), "shard 0");
        assert_eq!(short_id("shardId-000000000012"), "shard 12");
    }
}
