//! The inspector: every parameter of the selected component with its unit and its AWS limit, validated
//! as the learner types (the error stands next to the field and the typed text stays), plus its
//! connections.

use shardlab_scenario::{Node, NodeId, Param, ParamKind};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// A connection as the inspector lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The other end.
    pub other: NodeId,
    /// Its name.
    pub name: String,
    /// Whether the other end receives (`true`) or sends.
    pub outgoing: bool,
}

/// Props of [`Inspector`].
#[derive(Properties, PartialEq, Clone)]
pub struct InspectorProps {
    /// The selected component.
    pub node: Node,
    /// Its connections.
    pub links: Vec<Link>,
    /// Components it could connect to, with the reason when AWS would refuse.
    pub candidates: Vec<(NodeId, String, Result<(), String>)>,
    /// Applies a parameter: (node, key, text). Returns the reason when the value is refused.
    pub on_param: Callback<(NodeId, String, String), Result<(), String>>,
    /// Connects this component to another.
    pub on_connect: Callback<NodeId>,
    /// Removes a connection: (from, to).
    pub on_disconnect: Callback<(NodeId, NodeId)>,
    /// Deletes the component.
    pub on_delete: Callback<NodeId>,
}

/// The panel.
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let node = &props.node;
    let target = use_state(|| None::<NodeId>);
    let on_target = {
        let target = target.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            target.set(value.parse::<u32>().ok().map(NodeId));
        })
    };
    let chosen = (*target).filter(|t| props.candidates.iter().any(|(id, _, _)| id == t));
    let refusal =
        chosen.and_then(|t| props.candidates.iter().find(|(id, _, _)| *id == t)).and_then(|(_, _, r)| r.clone().err());
    // Reads the select itself at click time, so a click right after a choice never sees a stale render.
    let select_ref = use_node_ref();
    let on_connect = {
        let (cb, select_ref) = (props.on_connect.clone(), select_ref.clone());
        Callback::from(move |_: MouseEvent| {
            let picked = select_ref.cast::<HtmlSelectElement>().and_then(|s| s.value().parse::<u32>().ok()).map(NodeId);
            if let Some(t) = picked.or(chosen) {
                cb.emit(t);
            }
        })
    };
    let on_delete = {
        let (cb, id) = (props.on_delete.clone(), node.id);
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    html! {
        <section class="inspector-panel" aria-label="Inspector">
            <h2>{ format!("{} · {}", kind_word(node), node.name) }</h2>
            { for node.params().into_iter().map(|param| {
                let key = format!("{}-{}", node.id, param.key);
                html! { <ParamField {key} node={node.clone()} {param} on_param={props.on_param.clone()} /> }
            }) }
            <h3 class="inspector-heading">{ "Connections" }</h3>
            if props.links.is_empty() {
                <p class="note">{ "Not connected yet." }</p>
            }
            <ul class="links">
                { for props.links.iter().map(|link| {
                    let (from, to) = if link.outgoing { (node.id, link.other) } else { (link.other, node.id) };
                    let cb = props.on_disconnect.clone();
                    let arrow = if link.outgoing { format!("→ {}", link.name) } else { format!("← {}", link.name) };
                    html! {
                        <li>
                            <span>{ arrow.clone() }</span>
                            <button class="small" aria-label={format!("Disconnect {arrow}")}
                                onclick={Callback::from(move |_: MouseEvent| cb.emit((from, to)))}>{ "Disconnect" }</button>
                        </li>
                    }
                }) }
            </ul>
            if !props.candidates.is_empty() {
                <div class="connect-row">
                    <select ref={select_ref} aria-label="Connect to" onchange={on_target}>
                        <option value="" selected={chosen.is_none()}>{ "Connect to…" }</option>
                        { for props.candidates.iter().map(|(id, name, _)| html! {
                            <option value={id.0.to_string()} selected={chosen == Some(*id)}>{ name.clone() }</option>
                        }) }
                    </select>
                    <button onclick={on_connect} disabled={refusal.is_some()}>{ "Connect" }</button>
                </div>
                if let Some(reason) = refusal {
                    <p class="field-error" role="alert">{ format!("AWS would not allow this: {reason}.") }</p>
                }
            }
            <button class="danger" onclick={on_delete}>{ format!("Delete {}", node.name) }</button>
        </section>
    }
}

/// The component's kind in words.
pub fn kind_word(node: &Node) -> &'static str {
    use shardlab_scenario::NodeKind as K;
    match node.kind {
        K::Producer(_) => "Producer",
        K::DataStream(_) => "Data stream",
        K::Consumer(_) => "Consumer",
        K::KinesisAgent(_) => "Kinesis Agent",
        K::Firehose(_) => "Firehose",
        K::Analytics(_) => "Analytics",
        K::Destination(_) => "Destination",
        K::VideoStream(_) => "Video stream",
        K::Camera(_) => "Camera",
        K::VideoConsumer(_) => "Video consumer",
    }
}

/// Props of [`ParamField`].
#[derive(Properties, PartialEq, Clone)]
pub struct ParamFieldProps {
    /// The component (to check values against before applying them).
    pub node: Node,
    /// The parameter.
    pub param: Param,
    /// Applies a value.
    pub on_param: Callback<(NodeId, String, String), Result<(), String>>,
}

/// One parameter: label, field, unit, AWS limit, and the error next to the field.
#[component]
pub fn ParamField(props: &ParamFieldProps) -> Html {
    let p = &props.param;
    let draft = use_state(|| p.value.clone());
    let error = use_state(|| None::<String>);
    {
        // A value applied elsewhere (undo, a link) replaces the draft.
        let (draft, error) = (draft.clone(), error.clone());
        use_effect_with(p.value.clone(), move |value| {
            draft.set(value.clone());
            error.set(None);
        });
    }
    // The producer rate applies on every keystroke (it changes the run in place); the rest restart the
    // run, so they are checked as typed and applied on Enter or leaving the field.
    let live = p.key == "records_per_sec";
    let apply = {
        let (error, props) = (error.clone(), props.clone());
        move |text: String| match props.on_param.emit((props.node.id, props.param.key.into(), text)) {
            Ok(()) => error.set(None),
            Err(why) => error.set(Some(why)),
        }
    };
    let check = {
        let (error, node, key) = (error.clone(), props.node.clone(), p.key);
        move |text: &str| {
            let mut scratch = node.clone();
            error.set(scratch.set_param(key, text).err());
        }
    };
    let on_input = {
        let (draft, apply, check) = (draft.clone(), apply.clone(), check.clone());
        Callback::from(move |e: InputEvent| {
            let target = e.target_unchecked_into::<web_sys::Element>();
            let text = target
                .clone()
                .dyn_into_input()
                .map(|i| i.value())
                .or_else(|| target.dyn_into_textarea().map(|t| t.value()))
                .unwrap_or_default();
            draft.set(text.clone());
            if live { apply(text) } else { check(&text) }
        })
    };
    let on_change = {
        let apply = apply.clone();
        Callback::from(move |e: Event| {
            let target = e.target_unchecked_into::<web_sys::Element>();
            if let Some(select) = target.clone().dyn_into_select() {
                apply(select.value());
            } else if !live {
                let text = target
                    .clone()
                    .dyn_into_input()
                    .map(|i| i.value())
                    .or_else(|| target.dyn_into_textarea().map(|t| t.value()))
                    .unwrap_or_default();
                apply(text);
            }
        })
    };
    let id = format!("param-{}-{}", props.node.id, p.key);
    let error_id = format!("{id}-error");
    let described = error.is_some().then(|| AttrValue::from(error_id.clone()));
    let field = match p.kind {
        ParamKind::Choice => html! {
            <select id={id.clone()} onchange={on_change}>
                { for p.choices.iter().map(|c| html! { <option value={*c} selected={*c == p.value}>{ *c }</option> }) }
            </select>
        },
        ParamKind::Code => html! {
            <textarea id={id.clone()} rows="6" spellcheck="false" value={(*draft).clone()} oninput={on_input}
                onchange={on_change} aria-invalid={error.is_some().to_string()} aria-describedby={described} />
        },
        ParamKind::Number | ParamKind::Text => html! {
            <input id={id.clone()} type="text" inputmode={if p.kind == ParamKind::Number { "numeric" } else { "text" }}
                value={(*draft).clone()} oninput={on_input} onchange={on_change}
                aria-invalid={error.is_some().to_string()} aria-describedby={described} />
        },
    };
    html! {
        <div class={classes!("field", (p.kind == ParamKind::Code).then_some("code"))}>
            <label for={id.clone()}>{ p.label }</label>
            <div class="field-row">{ field }<span class="unit">{ p.unit }</span></div>
            if !p.limit.is_empty() {
                <p class="limit">{ p.limit.clone() }</p>
            }
            if let Some(message) = &*error {
                <p class="field-error" id={error_id} role="alert">{ message.clone() }</p>
            }
        </div>
    }
}

/// Casts to the form elements a parameter field can be.
trait FieldElement {
    fn dyn_into_input(self) -> Option<HtmlInputElement>;
    fn dyn_into_textarea(self) -> Option<HtmlTextAreaElement>;
    fn dyn_into_select(self) -> Option<HtmlSelectElement>;
}

impl FieldElement for web_sys::Element {
    fn dyn_into_input(self) -> Option<HtmlInputElement> {
        wasm_bindgen::JsCast::dyn_into(self).ok()
    }
    fn dyn_into_textarea(self) -> Option<HtmlTextAreaElement> {
        wasm_bindgen::JsCast::dyn_into(self).ok()
    }
    fn dyn_into_select(self) -> Option<HtmlSelectElement> {
        wasm_bindgen::JsCast::dyn_into(self).ok()
    }
}
