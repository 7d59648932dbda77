//! Light and dark themes: the learner's choice is kept in localStorage; without one the system's
//! preference decides.

const STORAGE_KEY: &str = "shardlab.theme";

/// A colour theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on light panels.
    Light,
    /// Light text on dark panels.
    Dark,
}

impl Theme {
    /// The other one.
    pub fn toggled(self) -> Self {
        match self {
            Self::Light => Self::Dark,
            Self::Dark => Self::Light,
        }
    }

    /// The value of `<html data-theme>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// The learner's stored choice, else the system preference, else light.
    pub fn initial() -> Self {
        let window = web_sys::window();
        let stored = window
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        match stored.as_deref() {
            Some("dark") => Self::Dark,
            Some("light") => Self::Light,
            _ => {
                let prefers_dark = window
                    .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                    .is_some_and(|m| m.matches());
                if prefers_dark { Self::Dark } else { Self::Light }
            }
        }
    }

    /// Sets `<html data-theme>` and remembers the choice (a browser without storage just forgets it).
    pub fn apply(self, remember: bool) {
        let Some(window) = web_sys::window() else { return };
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-theme", self.as_str());
        }
        if remember && let Some(storage) = window.local_storage().ok().flatten() {
            let _ = storage.set_item(STORAGE_KEY, self.as_str());
        }
    }
}
