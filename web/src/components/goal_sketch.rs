//! A goal sketch beside "Passing looks like": a small static chart of the shape a passing run draws for one
//! metric check (the value against its target line), from the lesson's own bounds. Text only, never raw HTML.

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
    let points = s.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect::<Vec<_>>();
    html! {
        <svg class="goal-sketch" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label={s.caption.clone()}
            data-testid="goal-sketch">
            <line class="goal-target" x1={PAD.to_string()} x2={(WIDTH - PAD).to_string()}
                y1={format!("{:.1}", y(s.target))} y2={format!("{:.1}", y(s.target))} />
            <polyline class="goal-value" points={points.join(" ")} />
        </svg>
    }
}
