//! A `requestAnimationFrame` loop: the page advances the simulation once per displayed frame, in a bounded
//! slice, so it never freezes and never runs while the tab is hidden.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

type FrameCallback = Closure<dyn FnMut(f64)>;

/// Calls its callback with the frame's timestamp (ms) on every animation frame until dropped.
pub struct FrameLoop {
    request_id: Rc<Cell<Option<i32>>>,
    callback: Rc<RefCell<Option<FrameCallback>>>,
}

impl FrameLoop {
    /// Starts the loop. Without a browser window it does nothing.
    pub fn start(mut on_frame: impl FnMut(f64) + 'static) -> Self {
        let request_id = Rc::new(Cell::new(None));
        let callback: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
        let (id, again) = (request_id.clone(), callback.clone());
        *callback.borrow_mut() = Some(Closure::new(move |timestamp_ms: f64| {
            on_frame(timestamp_ms);
            if let Some(next) = again.borrow().as_ref() {
                id.set(request(next));
            }
        }));
        if let Some(first) = callback.borrow().as_ref() {
            request_id.set(request(first));
        }
        Self { request_id, callback }
    }
}

fn request(callback: &FrameCallback) -> Option<i32> {
    web_sys::window()?.request_animation_frame(callback.as_ref().unchecked_ref()).ok()
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        if let (Some(window), Some(id)) = (web_sys::window(), self.request_id.get()) {
            // Cancelling a frame that already ran is harmless.
            let _ = window.cancel_animation_frame(id);
        }
        // Breaks the callback's reference to itself so it is freed.
        self.callback.borrow_mut().take();
    }
}
