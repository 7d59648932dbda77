//! The browser's localStorage: the autosaved scenario and the library. Storage that is full or
//! disabled is reported in words; it never stops the page.
//!
//! Both are kept in forms the lite module reads without JSON: the autosave as a share link (`s=…`), the library
//! as [`Library::to_text`]. Work saved by an earlier Shardlab in the older JSON forms (`….v1` keys) is read by
//! the full module only: the lite page finding it hands over ([`holds_older_forms`], `modules::Need::Saved`),
//! and the full module rewrites it in the new form, removing the older key once the new one is written.

use crate::library::{Library, link_format};
use crate::modules::FULL;
use shardlab_scenario::{FORMAT_VERSION, Scenario};

/// The autosaved scenario, as a share link.
const AUTOSAVE_KEY: &str = "shardlab.autosave.v2";
/// The library, as [`Library::to_text`].
const LIBRARY_KEY: &str = "shardlab.library.v2";
/// The autosave's older form: the scenario as a JSON file holds it (the full module reads it).
const OLDER_AUTOSAVE_KEY: &str = "shardlab.autosave.v1";
/// The library's older form: JSON (the full module reads it).
const OLDER_LIBRARY_KEY: &str = "shardlab.library.v1";

/// Why the browser would not store something.
pub const STORAGE_DISABLED: &str = "This browser does not let the page store data (private mode or a setting), so work is not kept between visits; \
     export scenarios as files to keep them.";

fn storage() -> Result<web_sys::Storage, String> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten()).ok_or_else(|| STORAGE_DISABLED.to_string())
}

fn read(key: &str) -> Option<String> {
    storage().ok()?.get_item(key).ok().flatten()
}

fn write(key: &str, value: &str) -> Result<(), String> {
    storage()?.set_item(key, value).map_err(|_| {
        "The browser's storage for this page is full: delete saved scenarios or export them as files.".to_string()
    })
}

/// Whether the browser holds saved work that only the full module reads: an autosave or library in the older
/// JSON form with none in the new one, or a link of an older format in either.
pub fn holds_older_forms() -> bool {
    let autosave = match read(AUTOSAVE_KEY) {
        Some(link) => link_format(&link).is_some_and(|format| format < FORMAT_VERSION),
        None => read(OLDER_AUTOSAVE_KEY).is_some(),
    };
    let library = match read(LIBRARY_KEY) {
        Some(text) => Library::from_text(&text).is_ok_and(|library| library.has_older_links()),
        None => read(OLDER_LIBRARY_KEY).is_some(),
    };
    autosave || library
}

/// The autosaved scenario, if there is one: `Err` when it cannot be read back (it is left in place). The full
/// module also reads the older form, and rewrites it as a link.
pub fn load_autosave() -> Option<Result<Scenario, String>> {
    let failed = |e: &dyn std::fmt::Display| format!("The autosaved scenario could not be opened: {e}");
    if let Some(link) = read(AUTOSAVE_KEY) {
        let opened =
            if FULL { shardlab_scenario::decode_link(&link) } else { shardlab_scenario::decode_current_link(&link) };
        return Some(opened.map_err(|e| failed(&e)));
    }
    if !FULL {
        return None;
    }
    let scenario = Scenario::from_json(&read(OLDER_AUTOSAVE_KEY)?).map_err(|e| failed(&e));
    if let Ok(scenario) = &scenario
        && store_autosave(scenario).is_ok()
        && let Ok(storage) = storage()
    {
        let _ = storage.remove_item(OLDER_AUTOSAVE_KEY);
    }
    Some(scenario)
}

/// Keeps `scenario` so a reload or a crash loses nothing.
pub fn store_autosave(scenario: &Scenario) -> Result<(), String> {
    write(AUTOSAVE_KEY, &shardlab_scenario::encode_link(scenario))
}

/// The saved scenarios (empty when there are none; `Err` says why storage is off or the list is damaged).
/// The full module also reads the older form and links of older formats, and rewrites them in the new form;
/// if the browser will not store that (full), the older form stays as it is and the next store of the
/// library, which reports why, tries again.
pub fn load_library() -> Result<Library, String> {
    let storage = storage()?;
    if let Some(text) = storage.get_item(LIBRARY_KEY).ok().flatten() {
        let mut library = Library::from_text(&text)?;
        if library.upgrade() {
            let _ = store_library(&library);
        }
        return Ok(library);
    }
    let Some(older) = storage.get_item(OLDER_LIBRARY_KEY).ok().flatten().and_then(|text| Library::from_json(&text))
    else {
        return Ok(Library::default());
    };
    let library = older?;
    if store_library(&library).is_ok() {
        let _ = storage.remove_item(OLDER_LIBRARY_KEY);
    }
    Ok(library)
}

/// Stores the saved scenarios.
pub fn store_library(library: &Library) -> Result<(), String> {
    write(LIBRARY_KEY, &library.to_text())
}
