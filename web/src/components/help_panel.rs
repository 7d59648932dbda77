//! The help panel: keyboard shortcuts and how the page works, in a few lines.

use yew::prelude::*;

/// Every keyboard shortcut, as (keys, what it does). The page's key handler follows this list.
pub const SHORTCUTS: [(&str, &str); 9] = [
    ("Space", "Play or pause"),
    ("Tab, then Enter", "Focus a component on the canvas, then select it"),
    ("Arrow keys", "Move the focused component (with Shift: further)"),
    (".", "Step one simulated second"),
    (",", "Step to the next engine event"),
    ("Ctrl+Z", "Undo the last pipeline edit"),
    ("Ctrl+Shift+Z or Ctrl+Y", "Redo"),
    ("Delete", "Delete the selected component"),
    ("?", "Show or hide this help"),
];

/// Where the page links to `docs/aws-behaviour.md`, the reference of every AWS rule and number the simulation
/// models: `index.html` copies it next to the page, so the link is relative and works under any path.
pub const AWS_REFERENCE_HREF: &str = "aws-behaviour.md";

/// What [`help_panel`] needs.
pub struct HelpPanelProps {
    /// Closes the panel.
    pub on_close: Callback<()>,
}

/// The panel (a plain function: it is drawn only while open, and has no state of its own).
pub fn help_panel(props: &HelpPanelProps) -> Html {
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div class="help-panel" role="dialog" aria-label="Help" aria-modal="false">
            <header>
                <h2>{ "How Shardlab works" }</h2>
                <button onclick={close} aria-label="Close help">{ "✕" }</button>
            </header>
            <p>{ "Add components from the palette, connect them in the inspector or by dragging from a component's \
                  output port, and press Play. Every number on the page comes from a simulation of the AWS limits; \
                  the same scenario and seed always give the same run." }</p>
            <p>
                <a class="aws-reference" href={AWS_REFERENCE_HREF} target="_blank" rel="noopener">
                    { "How Shardlab matches AWS" }
                </a>
                { ": every limit and rule with its AWS documentation page, the code and test behind it, and where \
                   the simulation simplifies." }
            </p>
            <h3>{ "Keyboard shortcuts" }</h3>
            <table class="shortcuts">
                <tbody>
                    { for SHORTCUTS.iter().map(|(keys, what)| html! {
                        <tr><th scope="row"><kbd>{ *keys }</kbd></th><td>{ *what }</td></tr>
                    }) }
                </tbody>
            </table>
            <p class="note">{ "Shortcuts do nothing while you type in a field." }</p>
        </div>
    }
}
