//! A goal sketch beside "Passing looks like": a small static chart of the shape a passing run draws for one
//! metric check (the value against its target line), from the lesson's own bounds. Text only, never raw HTML.

use crate::format::{Fixed, fixed, short};
use shardlab_lessons::{SKETCH_POINTS, Sketch};
use yew::prelude::*;

const WIDTH: f64 = 120.0;
const HEIGHT: f64 = 40.0;
/// Room kept above and below the line so a stroke on the axis stays visible.
const PAD: f64 = 3.0;

/// Props of [`GoalSketch`].
#[derive(Properties, PartialEq)]
pub struct GoalSketchProps {
    /// The shape to draw.
    pub sketch: Sketch,
}

/// One sketch: the target line dashed, the passing value as a line.
#[function_component(GoalSketch)]
pub fn goal_sketch(props: &GoalSketchProps) -> Html {
    let s = &props.sketch;
    let x = |i: usize| PAD + (WIDTH - 2.0 * PAD) * i as f64 / (SKETCH_POINTS - 1) as f64;
    let y = |v: u32| HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * f64::from(v.min(100)) / 100.0;
    let points =
        s.values.iter().enumerate().map(|(i, v)| format!("{},{}", Fixed(x(i), 1), Fixed(y(*v), 1))).collect::<Vec<_>>();
    html! {
        <svg class="goal-sketch" viewBox={format!("0 0 {} {}", short(WIDTH), short(HEIGHT))} role="img" aria-label={s.caption.clone()}
            data-testid="goal-sketch">
            <line class="goal-target" x1={short(PAD)} x2={short(WIDTH - PAD)}
                y1={fixed(y(s.target), 1)} y2={fixed(y(s.target), 1)} />
            <polyline class="goal-value" points={points.join(" ")} />
        </svg>
    }
}
