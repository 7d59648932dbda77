//! Page-wide keyboard shortcuts. Keys typed into a field, or pressed with Ctrl, Alt or Meta (other than the
//! editing shortcuts), never reach the handler.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::KeyboardEvent;

/// A key as the handler sees it: the `key` value, with modifiers spelled out for the editing shortcuts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// A plain key: " ", ".", ",", "?", "Delete", "Escape".
    Key(&'static str),
    /// Ctrl+Z (or Cmd+Z).
    Undo,
    /// Ctrl+Shift+Z or Ctrl+Y (or Cmd).
    Redo,
}

/// Maps a key press to a shortcut, or `None` if it is not one.
pub fn shortcut(key: &str, ctrl_or_meta: bool, shift: bool, alt: bool) -> Option<Shortcut> {
    if alt {
        return None;
    }
    if ctrl_or_meta {
        return match (key, shift) {
            ("z" | "Z", false) => Some(Shortcut::Undo),
            ("z" | "Z", true) | ("y" | "Y", false) => Some(Shortcut::Redo),
            _ => None,
        };
    }
    [" ", ".", ",", "?", "Delete", "Backspace", "Escape"].into_iter().find(|k| *k == key).map(Shortcut::Key)
}

/// A keydown listener on the window, removed when dropped.
pub struct KeyListener {
    closure: Closure<dyn FnMut(KeyboardEvent)>,
}

impl KeyListener {
    /// Calls `on_shortcut` for each shortcut pressed outside editable fields.
    pub fn install(mut on_shortcut: impl FnMut(Shortcut) + 'static) -> Self {
        let closure = Closure::new(move |e: KeyboardEvent| {
            if typing(&e) {
                return;
            }
            if let Some(s) = shortcut(&e.key(), e.ctrl_key() || e.meta_key(), e.shift_key(), e.alt_key()) {
                e.prevent_default();
                on_shortcut(s);
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref());
        }
        Self { closure }
    }
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback("keydown", self.closure.as_ref().unchecked_ref());
        }
    }
}

/// Whether the key goes to a text field, select or button that handles keys itself.
fn typing(e: &KeyboardEvent) -> bool {
    let Some(element) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    let tag = element.tag_name().to_ascii_uppercase();
    // Space on a focused button presses it; let the button have it.
    let button_space = tag == "BUTTON" && e.key() == " ";
    matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || button_space
        || element.get_attribute("contenteditable").is_some_and(|v| v != "false")
}

#[cfg(test)]
mod tests {
    use super::{Shortcut, shortcut};

    #[test]
    fn keys_map_to_shortcuts() {
        assert_eq!(shortcut(" ", false, false, false), Some(Shortcut::Key(" ")));
        assert_eq!(shortcut("?", false, true, false), Some(Shortcut::Key("?")));
        assert_eq!(shortcut("z", true, false, false), Some(Shortcut::Undo));
        assert_eq!(shortcut("Z", true, true, false), Some(Shortcut::Redo));
        assert_eq!(shortcut("y", true, false, false), Some(Shortcut::Redo));
        assert_eq!(shortcut("a", false, false, false), None);
        assert_eq!(shortcut(".", false, false, true), None);
        assert_eq!(shortcut("c", true, false, false), None, "copy stays the browser's");
    }
}
