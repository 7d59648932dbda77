//! The library: saved scenarios with open, rename, duplicate and delete (with undo), plus JSON file import
//! and export. Names are shown as text, never as markup.

use crate::library::Entry;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What the learner asked the library to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LibraryAction {
    /// Save the scenario on the canvas under this name.
    SaveCurrent(String),
    /// Open an entry.
    Open(u64),
    /// Rename an entry.
    Rename(u64, String),
    /// Copy an entry.
    Duplicate(u64),
    /// Delete an entry.
    Delete(u64),
    /// Bring back the last deleted entry.
    UndoDelete,
    /// Download the scenario on the canvas as a JSON file.
    ExportCurrent,
}

/// Props of [`LibraryPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct LibraryPanelProps {
    /// The saved scenarios, newest first.
    pub entries: Vec<Entry>,
    /// The name of the entry an undo would restore.
    pub deleted: Option<String>,
    /// The current scenario's name (the default name to save under).
    pub current_name: AttrValue,
    /// A storage problem to show.
    pub error: Option<AttrValue>,
    /// Actions.
    pub on_action: Callback<LibraryAction>,
    /// A JSON file chosen for import.
    pub on_import: Callback<HtmlInputElement>,
}

/// The panel.
#[component]
pub fn LibraryPanel(props: &LibraryPanelProps) -> Html {
    let renaming = use_state(|| None::<(u64, String)>);
    let save_name = use_state(|| None::<String>);
    let act = |action: LibraryAction| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(action.clone()))
    };
    let name_now = (*save_name).clone().unwrap_or_else(|| props.current_name.to_string());
    let on_save_name = {
        let save_name = save_name.clone();
        Callback::from(move |e: InputEvent| save_name.set(Some(e.target_unchecked_into::<HtmlInputElement>().value())))
    };
    let on_save = {
        let (cb, name) = (props.on_action.clone(), name_now.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit(LibraryAction::SaveCurrent(name.clone()));
        })
    };
    let on_import = {
        let cb = props.on_import.clone();
        Callback::from(move |e: Event| cb.emit(e.target_unchecked_into::<HtmlInputElement>()))
    };
    html! {
        <div class="library-panel" data-testid="library">
            <div class="library-actions">
                <form class="save-form" onsubmit={on_save}>
                    <input type="text" aria-label="Save as" value={name_now} oninput={on_save_name} />
                    <button type="submit">{ "Save to library" }</button>
                </form>
                <button onclick={act(LibraryAction::ExportCurrent)}>{ "Export file (.json)" }</button>
                <label class="import">{ "Import file " }
                    <input type="file" accept=".json,application/json" aria-label="Import scenario file" onchange={on_import} />
                </label>
            </div>
            if let Some(error) = &props.error {
                <p class="field-error" role="alert">{ error.clone() }</p>
            }
            if let Some(name) = &props.deleted {
                <p class="undo-line" role="status">
                    { format!("Deleted \u{201c}{name}\u{201d}. ") }
                    <button class="small" onclick={act(LibraryAction::UndoDelete)}>{ "Undo" }</button>
                </p>
            }
            if props.entries.is_empty() {
                <p class="note">{ "Nothing saved yet. Your current work is kept automatically; save it here to keep several versions." }</p>
            }
            <ul class="library-list">
                { for props.entries.iter().map(|entry| {
                    let editing = renaming.as_ref().filter(|(id, _)| *id == entry.id).map(|(_, t)| t.clone());
                    let id = entry.id;
                    html! {
                        <li>
                            if let Some(text) = editing {
                                <form class="rename-form" onsubmit={{
                                    let (cb, renaming, text) = (props.on_action.clone(), renaming.clone(), text.clone());
                                    Callback::from(move |e: SubmitEvent| {
                                        e.prevent_default();
                                        cb.emit(LibraryAction::Rename(id, text.clone()));
                                        renaming.set(None);
                                    })
                                }}>
                                    <input type="text" aria-label="New name" value={text} oninput={{
                                        let renaming = renaming.clone();
                                        Callback::from(move |e: InputEvent| renaming.set(Some((id, e.target_unchecked_into::<HtmlInputElement>().value()))))
                                    }} />
                                    <button type="submit">{ "Rename" }</button>
                                </form>
                            } else {
                                <span class="entry-name">{ entry.name.clone() }</span>
                            }
                            <span class="entry-actions">
                                <button class="small" onclick={act(LibraryAction::Open(id))} aria-label={format!("Open {}", entry.name)}>{ "Open" }</button>
                                <button class="small" aria-label={format!("Rename {}", entry.name)} onclick={{
                                    let (renaming, name) = (renaming.clone(), entry.name.clone());
                                    Callback::from(move |_: MouseEvent| renaming.set(Some((id, name.clone()))))
                                }}>{ "Rename" }</button>
                                <button class="small" onclick={act(LibraryAction::Duplicate(id))} aria-label={format!("Duplicate {}", entry.name)}>{ "Duplicate" }</button>
                                <button class="small danger-text" onclick={act(LibraryAction::Delete(id))} aria-label={format!("Delete {}", entry.name)}>{ "Delete" }</button>
                            </span>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
