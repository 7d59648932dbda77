//! The Share panel's embed snippet: an `<iframe>` of this scenario for any page, with its size, start
//! time, speed and autoplay as options (the player's side is `embed` / `embed_bridge`, docs/embed.md).

use crate::embed::{EmbedOptions, FRAME_PX_MAX, FRAME_PX_MIN, SEEK_MS_MAX, embed_snippet};
use crate::pacing::{SPEEDS_TENTHS, speed_label};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`EmbedSnippet`].
#[derive(Properties, PartialEq, Clone)]
pub struct EmbedSnippetProps {
    /// The scenario's share link.
    pub link: AttrValue,
    /// The scenario's name (the frame's title).
    pub title: AttrValue,
    /// It starts open (asked for in the lite page, which hands the snippet over).
    #[prop_or_default]
    pub open: bool,
}

/// The options and the snippet to copy.
#[component]
pub fn EmbedSnippet(props: &EmbedSnippetProps) -> Html {
    let options = use_state(EmbedOptions::default);
    let number = |apply: fn(&mut EmbedOptions, u64)| {
        let options = options.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(value) = input.value().trim().parse::<u64>() {
                let mut next = (*options).clone();
                apply(&mut next, value);
                options.set(next);
            }
        })
    };
    let on_width =
        number(|o, v| o.width_px = u32::try_from(v).unwrap_or(FRAME_PX_MAX).clamp(FRAME_PX_MIN, FRAME_PX_MAX));
    let on_height =
        number(|o, v| o.height_px = u32::try_from(v).unwrap_or(FRAME_PX_MAX).clamp(FRAME_PX_MIN, FRAME_PX_MAX));
    let on_start = number(|o, v| o.start_s = v.min(SEEK_MS_MAX / 1_000));
    let on_autoplay = {
        let options = options.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            options.set(EmbedOptions { autoplay: input.checked(), ..(*options).clone() });
        })
    };
    let on_speed = {
        let options = options.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(tenths) = select.value().parse::<u32>().ok().filter(|t| SPEEDS_TENTHS.contains(t)) {
                options.set(EmbedOptions { speed_tenths: tenths, ..(*options).clone() });
            }
        })
    };
    let snippet = embed_snippet(&props.link, &props.title, &options);
    html! {
        <details class="embed-snippet" open={props.open}>
            <summary>{ "Embed in a page" }</summary>
            <div class="embed-options">
                <label>{ "Width " }<input type="number" aria-label="Embed width" min={FRAME_PX_MIN.to_string()}
                    max={FRAME_PX_MAX.to_string()} value={options.width_px.to_string()} oninput={on_width} /></label>
                <label>{ "Height " }<input type="number" aria-label="Embed height" min={FRAME_PX_MIN.to_string()}
                    max={FRAME_PX_MAX.to_string()} value={options.height_px.to_string()} oninput={on_height} /></label>
                <label>{ "Start at (s) " }<input type="number" aria-label="Embed start time" min="0"
                    value={options.start_s.to_string()} oninput={on_start} /></label>
                <label>{ "Speed " }<select aria-label="Embed speed" onchange={on_speed}>
                    { for SPEEDS_TENTHS.iter().map(|&t| html! {
                        <option value={t.to_string()} selected={t == options.speed_tenths}>{ speed_label(t) }</option>
                    }) }
                </select></label>
                <label><input type="checkbox" aria-label="Autoplay" checked={options.autoplay} onchange={on_autoplay} />{ " Autoplay" }</label>
            </div>
            <textarea class="share-link" readonly=true rows="3" aria-label="Embed snippet" data-testid="embed-snippet"
                value={snippet} />
            <p class="note">{ "The player takes play, pause, seek and speed commands from your page and reports its time and throttles: see docs/embed.md." }</p>
        </details>
    }
}
