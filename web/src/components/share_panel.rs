//! The Share panel: the link to this exact scenario, its length, and what to do when it is long.

use shardlab_scenario::LINK_CHARS_WARN;
use yew::prelude::*;

/// Above this many characters a link is offered as a file instead (address bars show about 32,000).
pub const LINK_CHARS_FILE: usize = 32_000;

/// What [`share_panel`] needs.
pub struct SharePanelProps {
    /// The full link.
    pub link: AttrValue,
    /// Whether it reached the clipboard (`None` while copying).
    pub copied: Option<Result<(), String>>,
    /// Downloads the scenario as a JSON file instead.
    pub on_download: Callback<()>,
    /// Closes the panel.
    pub on_close: Callback<()>,
    /// The scenario's name, for the embed snippet's frame title.
    pub title: AttrValue,
    /// Opens the embed snippet: in the lite page, it hands over to the full module (`crate::modules`).
    pub on_embed: Callback<()>,
    /// The embed snippet starts open.
    pub embed_open: bool,
}

/// The panel (a plain function: it is drawn only while open, and has no state of its own).
pub fn share_panel(props: &SharePanelProps) -> Html {
    let length = props.link.chars().count();
    let download = {
        let cb = props.on_download.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let embed = {
        let cb = props.on_embed.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div class="popover share-panel" role="dialog" aria-label="Share">
            <header>
                <h2>{ "Share this scenario" }</h2>
                <button class="close" onclick={close} aria-label="Close share">{ "✕" }</button>
            </header>
            <p class="note">{ "Whoever opens this link gets this pipeline, its settings and its seed, and sees the same run." }</p>
            <input class="share-link" type="text" readonly=true value={props.link.clone()} aria-label="Share link"
                data-testid="share-link" />
            <p class="share-length" data-testid="share-length">
                { format!("{} characters", crate::format::thousands(length as u64)) }
                { match &props.copied {
                    Some(Ok(())) => " · copied to the clipboard".to_string(),
                    Some(Err(why)) => format!(" · {why}"),
                    None => String::new(),
                } }
            </p>
            if length > LINK_CHARS_FILE {
                <p class="field-error" role="alert">
                    { "This link is too long for most address bars. Share the scenario as a file instead." }
                </p>
            } else if length > LINK_CHARS_WARN {
                <p class="warning-text" role="status">
                    { format!("Over {} characters: some chat apps cut links this long. A file is safer.",
                        crate::format::thousands(LINK_CHARS_WARN as u64)) }
                </p>
            }
            <button onclick={download}>{ "Download as a file (.json)" }</button>
            if crate::modules::FULL {
                <super::EmbedSnippet link={props.link.clone()} title={props.title.clone()} open={props.embed_open} />
            } else {
                <button class="ghost embed-snippet" onclick={embed}>{ "Embed in a page ▸" }</button>
            }
        </div>
    }
}
