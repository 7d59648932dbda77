//! The browser's localStorage: the autosaved scenario and the library. Storage that is full or
//! disabled is reported in words; it never stops the page.

use crate::library::Library;
use shardlab_scenario::Scenario;

const AUTOSAVE_KEY: &str = "shardlab.autosave.v1";
const LIBRARY_KEY: &str = "shardlab.library.v1";

/// Why the browser would not store something.
pub const STORAGE_DISABLED: &str = "This browser does not let the page store data (private mode or a setting), so work is not kept between visits; \
     export scenarios as files to keep them.";

fn storage() -> Result<web_sys::Storage, String> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten()).ok_or_else(|| STORAGE_DISABLED.to_string())
}

fn write(key: &str, value: &str) -> Result<(), String> {
    storage()?.set_item(key, value).map_err(|_| {
        "The browser's storage for this page is full: delete saved scenarios or export them as files.".to_string()
    })
}

/// The autosaved scenario, if there is one: `Err` when it cannot be read back (it is left in place).
pub fn load_autosave() -> Option<Result<Scenario, String>> {
    let text = storage().ok()?.get_item(AUTOSAVE_KEY).ok().flatten()?;
    Some(Scenario::from_json(&text).map_err(|e| format!("The autosaved scenario could not be opened: {e}")))
}

/// Keeps `scenario` so a reload or a crash loses nothing.
pub fn store_autosave(scenario: &Scenario) -> Result<(), String> {
    write(AUTOSAVE_KEY, &scenario.to_json())
}

/// The saved scenarios (empty when there are none or storage is off).
pub fn load_library() -> Result<Library, String> {
    match storage()?.get_item(LIBRARY_KEY).ok().flatten() {
        Some(text) => Library::from_json(&text),
        None => Ok(Library::default()),
    }
}

/// Stores the saved scenarios.
pub fn store_library(library: &Library) -> Result<(), String> {
    write(LIBRARY_KEY, &library.to_json())
}
