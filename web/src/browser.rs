//! The few browser services the page uses beyond the DOM: the URL, file downloads, the clipboard and
//! reading a chosen file. Failures come back as words.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// `location.hash` and `location.search` (empty outside a browser).
pub fn location() -> (String, String) {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return (String::new(), String::new()) };
    (location.hash().unwrap_or_default(), location.search().unwrap_or_default())
}

/// The page's address without its fragment, for share links.
pub fn page_address() -> String {
    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// Wall-clock ms since the Unix epoch (for "saved at" only; the simulation never reads it).
pub fn unix_now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// Offers `text` as a file download named `file_name`.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |what: &str| format!("The download could not start ({what}).");
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail("no document"))?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| fail("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("object URL"))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| fail("link"))?.dyn_into().map_err(|_| fail("link"))?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Copies `text` to the clipboard; `Err` says the learner should copy it by hand.
pub async fn copy(text: &str) -> Result<(), String> {
    let refused = || "The browser did not allow copying; select the link and copy it yourself.".to_string();
    let clipboard = web_sys::window().map(|w| w.navigator().clipboard()).ok_or_else(refused)?;
    JsFuture::from(clipboard.write_text(text)).await.map(drop).map_err(|_| refused())
}

/// The text of the first file chosen in a file input.
pub async fn read_chosen_file(input: &web_sys::HtmlInputElement) -> Result<String, String> {
    let file = input.files().and_then(|files| files.get(0)).ok_or_else(|| "No file was chosen.".to_string())?;
    let text = JsFuture::from(file.text()).await.map_err(|_| format!("The file {} could not be read.", file.name()))?;
    text.as_string().ok_or_else(|| format!("The file {} is not text.", file.name()))
}

/// A listener for a window event, removed when dropped.
pub struct WindowListener {
    event: &'static str,
    closure: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

impl WindowListener {
    /// Calls `on_event` for each `event` on the window.
    pub fn install(event: &'static str, on_event: impl FnMut(web_sys::Event) + 'static) -> Self {
        let closure = wasm_bindgen::closure::Closure::new(on_event);
        if let Some(window) = web_sys::window() {
            let _ = window.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        }
        Self { event, closure }
    }
}

impl Drop for WindowListener {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(self.event, self.closure.as_ref().unchecked_ref());
        }
    }
}
