//! The pipeline canvas: components as boxes, connections as arrows, drawn in SVG. Click a box to select
//! it, drag it to move it, and drag from its output port (the dot on its right edge) onto another box to
//! connect them. The inspector offers the same connections for keyboard users, and a focused box moves with
//! the arrow keys. On touch screens one finger on the background pans and two fingers pinch to zoom; the zoom
//! buttons do the same for a mouse or a keyboard.

use crate::flow::{CHASE_PHASES, chase_layer_style, dot_spacing};
use crate::format::Fixed;
use shardlab_scenario::NodeId;
use wasm_bindgen::JsCast;
use web_sys::{Element, PointerEvent};
use yew::prelude::*;

/// A box's size in canvas units.
pub const NODE_WIDTH: i32 = 176;
/// See [`NODE_WIDTH`].
pub const NODE_HEIGHT: i32 = 60;
/// Canvas units an arrow key moves the focused box; with Shift, [`ARROW_STEP_FAR`].
pub const ARROW_STEP: i32 = 10;
/// See [`ARROW_STEP`].
pub const ARROW_STEP_FAR: i32 = 40;
/// The zoom range (CSS pixels per canvas unit) for pinching and the zoom buttons.
pub const ZOOM_MIN: f64 = 0.3;
/// See [`ZOOM_MIN`].
pub const ZOOM_MAX: f64 = 2.5;
/// Each press of a zoom button multiplies or divides the zoom by this.
const ZOOM_STEP: f64 = 1.25;

/// One component as the canvas draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanvasNode {
    /// Its id.
    pub id: NodeId,
    /// Its name.
    pub name: String,
    /// Its kind for CSS (`producer`, `stream`, ...).
    pub kind_class: &'static str,
    /// Its kind in words ("Data stream").
    pub kind_label: &'static str,
    /// A live figure ("1,500 rec/s"), or a note.
    pub figure: String,
    /// `over` when it is throttling or failing, `near` when close, else empty.
    pub state: &'static str,
    /// Where it is.
    pub x: i32,
    /// See [`Self::x`].
    pub y: i32,
}

/// Props of [`PipelineCanvas`].
#[derive(Properties, PartialEq, Clone)]
pub struct PipelineCanvasProps {
    /// The components.
    pub nodes: Vec<CanvasNode>,
    /// The connections, from -> to.
    pub edges: Vec<(NodeId, NodeId)>,
    /// The selected component.
    pub selected: Option<NodeId>,
    /// Whether the run is playing (the dots along the connections move).
    #[prop_or_default]
    pub running: bool,
    /// Records in motion along each connection (same order as `edges`; empty: none drawn).
    #[prop_or_default]
    pub flows: Vec<crate::flow::EdgeFlow>,
    /// An embedded player: nothing can be moved or connected.
    #[prop_or_default]
    pub read_only: bool,
    /// A click on a box (or on the background: `None`).
    pub on_select: Callback<Option<NodeId>>,
    /// A box dropped at a new place.
    pub on_move: Callback<(NodeId, i32, i32)>,
    /// A connection drawn from a port to a box.
    pub on_connect: Callback<(NodeId, NodeId)>,
}

/// What the pointer is doing.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Gesture {
    /// Moving a box; `dx`, `dy` is where it was grabbed within the box.
    Move { node: NodeId, dx: f64, dy: f64, x: f64, y: f64, moved: bool },
    /// Drawing a connection from a port.
    Link { from: NodeId, x: f64, y: f64 },
}

/// Where a box goes when an arrow key is pressed on it (`None` for any other key).
pub fn arrow_move(key: &str, far: bool, (x, y): (i32, i32)) -> Option<(i32, i32)> {
    let step = if far { ARROW_STEP_FAR } else { ARROW_STEP };
    let (dx, dy) = match key {
        "ArrowLeft" => (-step, 0),
        "ArrowRight" => (step, 0),
        "ArrowUp" => (0, -step),
        "ArrowDown" => (0, step),
        _ => return None,
    };
    Some(((x + dx).max(0), (y + dy).max(0)))
}

/// The zoom after a pinch: the zoom it started at, scaled by how far the fingers moved apart, within range.
pub fn pinch_zoom(start_zoom: f64, start_distance: f64, distance: f64) -> f64 {
    if start_distance <= 0.0 || !distance.is_finite() {
        return start_zoom;
    }
    (start_zoom * distance / start_distance).clamp(ZOOM_MIN, ZOOM_MAX)
}

/// Touches on the canvas background: one finger pans the canvas, two pinch it.
#[derive(Default)]
struct Touches {
    /// Pointer id and its last client position; at most two are kept.
    points: Vec<(i32, f64, f64)>,
    /// While pinching: the fingers' distance and the zoom when the pinch began.
    pinch: Option<(f64, f64)>,
}

impl Touches {
    fn distance(&self) -> Option<f64> {
        match self.points.as_slice() {
            [(_, x1, y1), (_, x2, y2), ..] => Some((x1 - x2).hypot(y1 - y2)),
            _ => None,
        }
    }
}

/// The canvas's smallest width in its own units: room for two boxes side by side with a connection, small
/// enough that a fitted canvas stays readable on a tablet.
pub const CANVAS_WIDTH_MIN: i32 = 640;

/// The canvas's size in its own units: enough for every box, at least [`CANVAS_WIDTH_MIN`] x 150.
pub fn canvas_size(nodes: &[CanvasNode]) -> (i32, i32) {
    let w = nodes.iter().map(|n| n.x + NODE_WIDTH + 40).max().unwrap_or(0).max(CANVAS_WIDTH_MIN);
    let h = nodes.iter().map(|n| n.y + NODE_HEIGHT + 24).max().unwrap_or(0).max(150);
    (w, h)
}

/// The box under a canvas point, if any.
pub fn node_at(nodes: &[CanvasNode], x: f64, y: f64) -> Option<NodeId> {
    nodes
        .iter()
        .rev()
        .find(|n| {
            x >= f64::from(n.x)
                && x <= f64::from(n.x + NODE_WIDTH)
                && y >= f64::from(n.y)
                && y <= f64::from(n.y + NODE_HEIGHT)
        })
        .map(|n| n.id)
}

/// A connection's path: out of the source's right edge, into the target's left edge.
pub fn edge_path(from: (i32, i32), to: (f64, f64)) -> String {
    let (x1, y1) = (f64::from(from.0 + NODE_WIDTH), f64::from(from.1 + NODE_HEIGHT / 2));
    let (x2, y2) = to;
    let bend = ((x2 - x1).abs() / 2.0).max(30.0);
    format!(
        "M{},{} C{},{} {},{} {},{}",
        Fixed(x1, 0),
        Fixed(y1, 0),
        Fixed(x1 + bend, 0),
        Fixed(y1, 0),
        Fixed(x2 - bend, 0),
        Fixed(y2, 0),
        Fixed(x2, 0),
        Fixed(y2, 0)
    )
}

/// The canvas.
#[component]
pub fn PipelineCanvas(props: &PipelineCanvasProps) -> Html {
    let svg_ref = use_node_ref();
    // A RefCell, not state: pointer events must see the gesture as it is now, not as of the last render.
    let gesture = use_mut_ref(|| None::<Gesture>);
    let touches = use_mut_ref(Touches::default);
    let scroll_ref = use_node_ref();
    // None: fit the canvas to the page's width; Some: CSS pixels per canvas unit, chosen by pinch or buttons.
    let zoom = use_state(|| None::<f64>);
    let redraw = use_force_update();
    let (width, height) = canvas_size(&props.nodes);
    // The zoom as drawn now, also when fitting.
    let current_zoom = {
        let (svg_ref, zoom) = (svg_ref.clone(), zoom.clone());
        move || -> f64 {
            zoom.unwrap_or_else(|| {
                svg_ref.cast::<Element>().map_or(1.0, |svg| svg.get_bounding_client_rect().width() / f64::from(width))
            })
        }
    };

    // Client pixels to canvas units (the SVG scales with the page).
    let to_canvas = {
        let svg_ref = svg_ref.clone();
        move |e: &PointerEvent| -> Option<(f64, f64)> {
            let svg = svg_ref.cast::<Element>()?;
            let rect = svg.get_bounding_client_rect();
            if rect.width() <= 0.0 || rect.height() <= 0.0 {
                return None;
            }
            let x = (f64::from(e.client_x()) - rect.left()) * f64::from(width) / rect.width();
            let y = (f64::from(e.client_y()) - rect.top()) * f64::from(height) / rect.height();
            Some((x, y))
        }
    };
    // Yew delegates events from the page's root, so the canvas is named by its ref, not by `current_target`:
    // the pointer stays with the canvas until it is lifted (a finger on a touch screen included).
    let capture = {
        let svg_ref = svg_ref.clone();
        move |e: &PointerEvent| {
            if let Some(svg) = svg_ref.cast::<Element>() {
                let _ = svg.set_pointer_capture(e.pointer_id());
            }
        }
    };

    // A finger on the background: one pans the scrolling canvas, two pinch to zoom.
    let on_touch_move = {
        let (touches, zoom, scroll_ref) = (touches.clone(), zoom.clone(), scroll_ref.clone());
        move |e: &PointerEvent| -> bool {
            let mut t = touches.borrow_mut();
            let Some(i) = t.points.iter().position(|p| p.0 == e.pointer_id()) else { return false };
            let (x, y) = (f64::from(e.client_x()), f64::from(e.client_y()));
            let (_, last_x, last_y) = t.points[i];
            t.points[i] = (e.pointer_id(), x, y);
            if let (Some((start_distance, start_zoom)), Some(distance)) = (t.pinch, t.distance()) {
                zoom.set(Some(pinch_zoom(start_zoom, start_distance, distance)));
            } else if let Some(scroller) = scroll_ref.cast::<Element>() {
                scroller.set_scroll_left(scroller.scroll_left() - (x - last_x).round() as i32);
                scroller.set_scroll_top(scroller.scroll_top() - (y - last_y).round() as i32);
            }
            true
        }
    };
    let on_touch_end = {
        let touches = touches.clone();
        Callback::from(move |e: PointerEvent| {
            let mut t = touches.borrow_mut();
            t.points.retain(|p| p.0 != e.pointer_id());
            t.pinch = None;
        })
    };

    let on_pointer_move = {
        let (gesture, to_canvas, redraw) = (gesture.clone(), to_canvas.clone(), redraw.clone());
        Callback::from(move |e: PointerEvent| {
            if on_touch_move(&e) {
                return;
            }
            // Only while a button is held: a lost pointerup must never leave a box glued to the pointer.
            if e.buttons() == 0 {
                gesture.borrow_mut().take();
                return;
            }
            let Some((x, y)) = to_canvas(&e) else { return };
            let next = match *gesture.borrow() {
                Some(Gesture::Move { node, dx, dy, .. }) => {
                    Gesture::Move { node, dx, dy, x: x - dx, y: y - dy, moved: true }
                }
                Some(Gesture::Link { from, .. }) => Gesture::Link { from, x, y },
                None => return,
            };
            *gesture.borrow_mut() = Some(next);
            redraw.force_update();
        })
    };
    let on_pointer_up = {
        let (gesture, to_canvas, props, redraw) = (gesture.clone(), to_canvas.clone(), props.clone(), redraw.clone());
        let on_touch_end = on_touch_end.clone();
        Callback::from(move |e: PointerEvent| {
            on_touch_end.emit(e.clone());
            let ended = gesture.borrow_mut().take();
            match ended {
                Some(Gesture::Move { node, x, y, moved: true, .. }) => {
                    props.on_move.emit((node, x.round() as i32, y.round() as i32));
                }
                Some(Gesture::Link { from, .. }) => {
                    if let Some((x, y)) = to_canvas(&e)
                        && let Some(to) = node_at(&props.nodes, x, y)
                        && to != from
                    {
                        props.on_connect.emit((from, to));
                    }
                }
                _ => {}
            }
            redraw.force_update();
        })
    };
    let on_background = {
        let (on_select, touches, current_zoom, svg_ref) =
            (props.on_select.clone(), touches.clone(), current_zoom.clone(), svg_ref.clone());
        let capture = capture.clone();
        Callback::from(move |e: PointerEvent| {
            let on_background = e.target().and_then(|t| t.dyn_into::<Element>().ok()) == svg_ref.cast::<Element>();
            if !on_background {
                return;
            }
            if e.pointer_type() == "touch" {
                capture(&e);
                let mut t = touches.borrow_mut();
                if t.points.len() < 2 {
                    t.points.push((e.pointer_id(), f64::from(e.client_x()), f64::from(e.client_y())));
                }
                if let Some(distance) = t.distance() {
                    t.pinch = Some((distance, current_zoom()));
                }
                // A second finger starts a pinch, not a deselection.
                if t.points.len() > 1 {
                    return;
                }
            }
            on_select.emit(None);
        })
    };
    let zoom_by = |factor: Option<f64>| {
        let (zoom, current_zoom) = (zoom.clone(), current_zoom.clone());
        Callback::from(move |_: MouseEvent| {
            zoom.set(factor.map(|f| (current_zoom() * f).clamp(ZOOM_MIN, ZOOM_MAX)));
        })
    };
    let svg_style = match *zoom {
        None => format!("max-width:{width}px"),
        Some(z) => format!("width:{}px;max-width:none;max-height:none", Fixed(f64::from(width) * z, 0)),
    };

    let position = |id: NodeId| -> Option<(i32, i32)> {
        if let Some(Gesture::Move { node, x, y, .. }) = *gesture.borrow()
            && node == id
        {
            return Some((x.round() as i32, y.round() as i32));
        }
        props.nodes.iter().find(|n| n.id == id).map(|n| (n.x, n.y))
    };

    // Each connection's path, with its flow when records move along it.
    let connections: Vec<(String, Option<&crate::flow::EdgeFlow>)> = props
        .edges
        .iter()
        .enumerate()
        .filter_map(|(i, &(from, to))| {
            let (a, b) = (position(from)?, position(to)?);
            let d = edge_path(a, (f64::from(b.0), f64::from(b.1 + NODE_HEIGHT / 2)));
            Some((d, props.flows.get(i).filter(|f| f.density > 0)))
        })
        .collect();
    let mut densities: Vec<u8> = connections.iter().filter_map(|(_, f)| f.map(|f| f.density)).collect();
    densities.sort_unstable();
    densities.dedup();
    // The dots, above the canvas in layers of their own (see `crate::flow`): per density level, one layer per
    // phase, laid over the canvas in the same grid cell, at the same size and scale.
    let flow_layers = densities.into_iter().flat_map(|density| {
        (0..CHASE_PHASES).map(move |phase| (density, phase))
    }).map(|(density, phase)| {
        let (dash_offset, timing) = chase_layer_style(density, phase);
        html! {
            <svg class={classes!("flow-layer", format!("phase-{phase}"), props.running.then_some("running"), zoom.is_some().then_some("zoomed"))}
                viewBox={format!("0 0 {width} {height}")} style={format!("{svg_style};{timing}")} aria-hidden="true">
                { for connections.iter().filter_map(|(d, f)| f.filter(|f| f.density == density).map(|f| html! {
                    <path class={classes!("flow", format!("rejected-{}", f.rejection))} d={d.clone()}
                        stroke-dasharray={format!("0 {}", dot_spacing(density))} stroke-dashoffset={dash_offset.clone()} />
                })) }
            </svg>
        }
    }).collect::<Vec<Html>>();

    html! {
        <div class="canvas-wrap">
            <div class="canvas-tools" role="group" aria-label="Zoom">
                <button class="small" aria-label="Zoom out" onclick={zoom_by(Some(1.0 / ZOOM_STEP))}>{ "−" }</button>
                <button class="small" aria-label="Zoom in" onclick={zoom_by(Some(ZOOM_STEP))}>{ "+" }</button>
                <button class="small" aria-label="Fit to width" aria-pressed={zoom.is_none().to_string()} onclick={zoom_by(None)}>{ "Fit" }</button>
            </div>
            <div class="canvas-scroll" ref={scroll_ref}>
            <div class="canvas-stack">
            <svg ref={svg_ref} class={classes!("pipeline-canvas", zoom.is_some().then_some("zoomed"))}
                viewBox={format!("0 0 {width} {height}")} style={svg_style} role="group" aria-label="Pipeline"
                onpointermove={on_pointer_move} onpointerup={on_pointer_up.clone()} onpointercancel={on_touch_end}
                onpointerdown={on_background}>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
                    </marker>
                </defs>
                { for connections.iter().map(|(d, flow)| html! {
                    <path class="edge" d={d.clone()} marker-end="url(#arrow)">
                        if let Some(f) = flow {
                            <title>{ f.label.clone() }</title>
                        }
                    </path>
                }) }
                if let Some(Gesture::Link { from, x, y }) = *gesture.borrow() {
                    if let Some(a) = position(from) {
                        <path class="edge drawing" d={edge_path(a, (x, y))} />
                    }
                }
                { for props.nodes.iter().map(|n| {
                    let (x, y) = position(n.id).unwrap_or((n.x, n.y));
                    let selected = props.selected == Some(n.id);
                    let on_down = {
                        let (gesture, to_canvas, on_select, id) = (gesture.clone(), to_canvas.clone(), props.on_select.clone(), n.id);
                        let capture = capture.clone();
                        Callback::from(move |e: PointerEvent| {
                            e.stop_propagation();
                            on_select.emit(Some(id));
                            if let Some((px, py)) = to_canvas(&e) {
                                capture(&e);
                                *gesture.borrow_mut() = Some(Gesture::Move {
                                    node: id, dx: px - f64::from(x), dy: py - f64::from(y), x: f64::from(x), y: f64::from(y), moved: false,
                                });
                            }
                        })
                    };
                    let on_port = {
                        let (gesture, to_canvas, id) = (gesture.clone(), to_canvas.clone(), n.id);
                        let capture = capture.clone();
                        Callback::from(move |e: PointerEvent| {
                            e.stop_propagation();
                            if let Some((px, py)) = to_canvas(&e) {
                                capture(&e);
                                *gesture.borrow_mut() = Some(Gesture::Link { from: id, x: px, y: py });
                            }
                        })
                    };
                    let on_key = {
                        let (on_select, on_move, id, read_only) = (props.on_select.clone(), props.on_move.clone(), n.id, props.read_only);
                        Callback::from(move |e: KeyboardEvent| {
                            if e.key() == "Enter" || e.key() == " " {
                                e.prevent_default();
                                e.stop_propagation();
                                on_select.emit(Some(id));
                            } else if !read_only && let Some((to_x, to_y)) = arrow_move(&e.key(), e.shift_key(), (x, y)) {
                                e.prevent_default();
                                on_move.emit((id, to_x, to_y));
                            }
                        })
                    };
                    html! {
                        <g class={classes!("canvas-node", n.kind_class, n.state, selected.then_some("selected"))}
                            transform={format!("translate({x},{y})")} data-node={n.id.to_string()}
                            role="button" tabindex="0" aria-pressed={selected.to_string()}
                            aria-label={format!("{} {}: {}", n.kind_label, n.name, n.figure)} onkeydown={on_key}>
                            <rect class="body" width={NODE_WIDTH.to_string()} height={NODE_HEIGHT.to_string()} rx="8"
                                onpointerdown={(!props.read_only).then_some(on_down)} />
                            <rect class="kind-bar" width="6" height={NODE_HEIGHT.to_string()} rx="3" />
                            // Each text ends in a space, so the box's words read apart as its accessible name does.
                            <text class="kind" x="14" y="17">{ format!("{} ", n.kind_label) }</text>
                            <text class="name" x="14" y="35">{ format!("{} ", clip(&n.name, 20)) }</text>
                            <text class="figure" x="14" y="52">{ clip(&n.figure, 26) }</text>
                            if !props.read_only {
                                <circle class="port" cx={NODE_WIDTH.to_string()} cy={(NODE_HEIGHT / 2).to_string()} r="7"
                                    onpointerdown={on_port} aria-hidden="true" />
                            }
                        </g>
                    }
                }) }
            </svg>
            { for flow_layers.into_iter() }
            </div>
            </div>
        </div>
    }
}

/// At most `chars` characters, with an ellipsis when cut. The cut falls after a whole word where there is one,
/// so what shows is a run of the full text's words (as its accessible name reads).
fn clip(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.into();
    }
    let head: String = text.chars().take(chars - 1).collect();
    // Words are split at ASCII spaces and punctuation; any other character belongs to a word (a name in any
    // script stays whole, and the first download needs no Unicode tables).
    let separator = |c: char| c.is_ascii() && !c.is_ascii_alphanumeric();
    let word_ends_here = text.chars().nth(chars - 1).is_some_and(separator);
    let kept = if word_ends_here {
        head.trim_end_matches(separator)
    } else {
        head.rfind(separator).map_or(head.as_str(), |i| head[..i].trim_end_matches(separator))
    };
    let kept = if kept.is_empty() { head.as_str() } else { kept };
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: u32, x: i32, y: i32) -> CanvasNode {
        CanvasNode {
            id: NodeId(id),
            name: "n".into(),
            kind_class: "producer",
            kind_label: "Producer",
            figure: String::new(),
            state: "",
            x,
            y,
        }
    }

    #[test]
    fn points_find_the_box_under_them() {
        let nodes = [node(1, 40, 40), node(2, 300, 40)];
        assert_eq!(node_at(&nodes, 50.0, 50.0), Some(NodeId(1)));
        assert_eq!(node_at(&nodes, 300.0 + 176.0, 100.0), Some(NodeId(2)));
        assert_eq!(node_at(&nodes, 250.0, 50.0), None);
    }

    #[test]
    fn the_canvas_grows_with_its_boxes() {
        assert_eq!(canvas_size(&[]), (CANVAS_WIDTH_MIN, 150));
        assert_eq!(canvas_size(&[node(1, 1_000, 400)]), (1_216, 484));
    }

    #[test]
    fn arrow_keys_move_a_box_and_never_past_the_top_left() {
        assert_eq!(arrow_move("ArrowRight", false, (40, 40)), Some((40 + ARROW_STEP, 40)));
        assert_eq!(arrow_move("ArrowDown", true, (40, 40)), Some((40, 40 + ARROW_STEP_FAR)));
        assert_eq!(arrow_move("ArrowLeft", true, (10, 40)), Some((0, 40)));
        assert_eq!(arrow_move("ArrowUp", false, (40, 5)), Some((40, 0)));
        assert_eq!(arrow_move("Enter", false, (40, 40)), None);
    }

    #[test]
    fn pinching_scales_the_zoom_within_its_range() {
        // Fingers twice as far apart double the zoom; a tenth as far stops at the minimum.
        assert!((pinch_zoom(0.5, 100.0, 200.0) - 1.0).abs() < 1e-9);
        assert!((pinch_zoom(1.0, 100.0, 10.0) - ZOOM_MIN).abs() < 1e-9);
        assert!((pinch_zoom(2.0, 100.0, 1_000.0) - ZOOM_MAX).abs() < 1e-9);
        assert!((pinch_zoom(0.8, 0.0, 50.0) - 0.8).abs() < 1e-9, "no distance to scale from");
    }

    #[test]
    fn edges_leave_the_right_edge_and_names_are_clipped() {
        assert_eq!(edge_path((0, 0), (300.0, 30.0)), "M176,30 C238,30 238,30 300,30");
        assert_eq!(clip("a-very-long-stream-name-indeed", 10), "a-very…");
        assert_eq!(clip("12.3 KiB buffered · 0 objects", 26), "12.3 KiB buffered · 0…");
        assert_eq!(clip("one two three", 9), "one two…", "the cut falls on a word's end");
        assert_eq!(clip("abcdefghijklmnop", 10), "abcdefghi…", "one long word is cut where it must be");
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("café-münchen-strom", 10), "café…", "letters outside ASCII belong to their word");
        assert_eq!(clip("müller-öl-straße-ost", 12), "müller-öl…");
    }
}
