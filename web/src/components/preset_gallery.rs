//! The presets: ready scenarios that each teach one thing.

use yew::prelude::*;

/// What [`preset_gallery`] needs.
pub struct PresetGalleryProps {
    /// Opens the preset with this id.
    pub on_open: Callback<&'static str>,
}

/// The gallery (a plain function: it is drawn only while its tab is shown, and has no state of its own).
pub fn preset_gallery(props: &PresetGalleryProps) -> Html {
    html! {
        <ul class="preset-gallery" data-testid="presets">
            { for shardlab_scenario::presets().iter().map(|preset| {
                let (cb, id) = (props.on_open.clone(), preset.id);
                html! {
                    <li class="preset">
                        <h3>{ preset.title }</h3>
                        <p>{ preset.description }</p>
                        <button onclick={Callback::from(move |_: MouseEvent| cb.emit(id))} aria-label={format!("Open preset {}", preset.title)}>
                            { "Open" }
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}
