//! A labelled number input that keeps what the learner typed, explains what is allowed,
//! and hands on only valid values.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`NumberField`].
#[derive(Properties, PartialEq, Clone)]
pub struct NumberFieldProps {
    /// The input's element id.
    pub id: AttrValue,
    /// The visible label.
    pub label: AttrValue,
    /// The unit shown after the input.
    #[prop_or_default]
    pub unit: AttrValue,
    /// The value in force.
    pub value: u64,
    /// The smallest allowed value.
    pub min: u64,
    /// The largest allowed value.
    pub max: u64,
    /// Apply on every keystroke (`true`) or when the learner commits with Enter or by leaving the field.
    #[prop_or_default]
    pub live: bool,
    /// Receives each valid value.
    pub on_value: Callback<u64>,
}

/// The field.
#[component]
pub fn NumberField(props: &NumberFieldProps) -> Html {
    let draft = use_state(|| props.value.to_string());
    let error = use_state(|| None::<String>);
    {
        // When the value in force changes elsewhere (the slider, a restart), show it.
        let (draft, error) = (draft.clone(), error.clone());
        use_effect_with(props.value, move |value| {
            draft.set(value.to_string());
            error.set(None);
        });
    }
    let handle = {
        let (draft, error, props) = (draft.clone(), error.clone(), props.clone());
        move |text: String| {
            match text.trim().parse::<u64>() {
                Ok(v) if (props.min..=props.max).contains(&v) => {
                    error.set(None);
                    props.on_value.emit(v);
                }
                _ => error
                    .set(Some(format!("{} must be a whole number from {} to {}.", props.label, props.min, props.max))),
            }
            draft.set(text);
        }
    };
    let on_input = {
        let (handle, draft, live) = (handle.clone(), draft.clone(), props.live);
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            if live { handle(text) } else { draft.set(text) }
        })
    };
    let on_change = {
        let live = props.live;
        Callback::from(move |e: Event| {
            if !live {
                handle(e.target_unchecked_into::<HtmlInputElement>().value());
            }
        })
    };
    let error_id = format!("{}-error", props.id);
    html! {
        <div class="field">
            <label for={props.id.clone()}>{ &props.label }</label>
            <div class="field-row">
                <input id={props.id.clone()} type="number" inputmode="numeric"
                    min={props.min.to_string()} max={props.max.to_string()}
                    value={(*draft).clone()} oninput={on_input} onchange={on_change}
                    aria-invalid={error.is_some().to_string()}
                    aria-describedby={error.is_some().then(|| AttrValue::from(error_id.clone()))} />
                <span class="unit">{ &props.unit }</span>
            </div>
            if let Some(message) = &*error {
                <p class="field-error" id={error_id} role="alert">{ message }</p>
            }
        </div>
    }
}
