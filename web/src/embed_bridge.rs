//! The embedded player's side of `postMessage` (format in `embed` and docs/embed.md): commands are taken
//! only from the page that frames the player, read as data by `embed::parse_host_message`, and never
//! touch the learner's library (an embedded player neither reads nor writes storage). The state goes to
//! the host whenever the simulated second, play/pause or the speed change, and when the host asks.

use crate::browser::WindowListener;
use crate::embed::{HostCommand, PlayerState, parse_host_message};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What a host command does to the player.
#[derive(Clone, PartialEq)]
pub struct EmbedControls {
    /// Play (`true`) or pause.
    pub set_playing: Callback<bool>,
    /// Move simulated time to this ms.
    pub seek: Callback<u64>,
    /// Tenths of real time.
    pub set_speed: Callback<u32>,
}

/// Installs the bridge when `enabled` (the page is an embedded player inside another page).
#[hook]
pub fn use_embed_bridge(enabled: bool, controls: EmbedControls, state: PlayerState) {
    let latest = use_mut_ref(PlayerState::default);
    *latest.borrow_mut() = state.clone();
    {
        let latest = latest.clone();
        use_effect_with(enabled, move |&enabled| {
            let listener = (enabled && host().is_some()).then(|| {
                WindowListener::install("message", move |event| {
                    let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else { return };
                    let (Some(source), Some(parent)) = (event.source(), host()) else { return };
                    if !js_sys::Object::is(&source, &parent) {
                        return;
                    }
                    let Some(text) = js_sys::JSON::stringify(&event.data()).ok().and_then(|t| t.as_string()) else {
                        return;
                    };
                    match parse_host_message(&text) {
                        Some(HostCommand::Play) => controls.set_playing.emit(true),
                        Some(HostCommand::Pause) => controls.set_playing.emit(false),
                        Some(HostCommand::Seek { at_ms }) => controls.seek.emit(at_ms),
                        Some(HostCommand::SetSpeed { speed_tenths }) => controls.set_speed.emit(speed_tenths),
                        Some(HostCommand::GetState) => post(&latest.borrow().message()),
                        None => {}
                    }
                })
            });
            move || drop(listener)
        });
    }
    // Reported on each new simulated second, and on play/pause and speed changes.
    let key = (state.time_ms / 1_000, state.playing, state.speed_tenths, state.throttled_shards.len());
    use_effect_with((enabled, key), move |&(enabled, _)| {
        if enabled {
            post(&state.message());
        }
    });
}

/// The page framing this one, if any.
fn host() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    (!js_sys::Object::is(&parent, &window)).then_some(parent)
}

/// Sends a message (JSON text) to the host as a plain object. The state of a shared scenario is not
/// secret, so any host may read it ("*"); nothing of the learner's is ever sent.
fn post(message: &str) {
    let Some(parent) = host() else { return };
    if let Ok(value) = js_sys::JSON::parse(message) {
        let _ = parent.post_message(&value, "*");
    }
}
