//! How the panels under the canvas (the data stream's, each Firehose's, each Analytics application's, each video
//! stream's) are laid out, remembered per browser in localStorage: as tabs, one at a time right under the
//! canvas, or stacked, all of them one after another.

use shardlab_scenario::NodeKind;

const STORAGE_KEY: &str = "shardlab.panels.v1";

/// The learner's choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PanelLayout {
    /// One panel at a time, chosen by a tab strip (the default: nothing hides below the fold).
    #[default]
    Tabs,
    /// Every panel, one after another.
    Stacked,
}

impl PanelLayout {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tabs => "tabs",
            Self::Stacked => "stacked",
        }
    }

    /// The stored form read back; anything else is the default.
    pub fn parse(text: &str) -> Self {
        if text == Self::Stacked.as_str() { Self::Stacked } else { Self::Tabs }
    }

    /// The other layout.
    pub fn toggled(self) -> Self {
        match self {
            Self::Tabs => Self::Stacked,
            Self::Stacked => Self::Tabs,
        }
    }

    /// The choice kept in this browser (the default when there is none or storage is off).
    pub fn load() -> Self {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .map_or_else(Self::default, |text| Self::parse(&text))
    }

    /// Keeps the choice in this browser; a browser without storage just forgets it.
    pub fn store(self) {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(STORAGE_KEY, self.as_str());
        }
    }
}

/// The key of the data streams' panel (it shows the selected stream, or the first).
pub const STREAM_PANEL: &str = "stream";

/// The key of the panel that shows a component, if one does: selecting it on the canvas opens that panel.
pub fn panel_key(kind: &NodeKind, name: &str) -> Option<String> {
    match kind {
        NodeKind::DataStream(_) => Some(STREAM_PANEL.into()),
        NodeKind::Firehose(_) => Some(firehose_key(name)),
        NodeKind::Analytics(_) => Some(analytics_key(name)),
        NodeKind::VideoStream(_) => Some(video_key(name)),
        _ => None,
    }
}

/// The panel key of the delivery stream `name`.
pub fn firehose_key(name: &str) -> String {
    format!("firehose:{name}")
}

/// The panel key of the Analytics application `name`.
pub fn analytics_key(name: &str) -> String {
    format!("analytics:{name}")
}

/// The panel key of the video stream `name`.
pub fn video_key(name: &str) -> String {
    format!("video:{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_round_trips_and_unknown_text_is_tabs() {
        for layout in [PanelLayout::Tabs, PanelLayout::Stacked] {
            assert_eq!(PanelLayout::parse(layout.as_str()), layout);
            assert_eq!(layout.toggled().toggled(), layout);
        }
        assert_ne!(PanelLayout::Tabs.toggled(), PanelLayout::Tabs);
        assert_eq!(PanelLayout::parse("sideways"), PanelLayout::Tabs);
    }

    #[test]
    fn selecting_a_stream_firehose_or_analytics_component_names_its_panel() {
        assert_eq!(panel_key(&NodeKind::data_stream(), "orders").as_deref(), Some(STREAM_PANEL));
        assert_eq!(panel_key(&NodeKind::firehose(), "to-s3"), Some(firehose_key("to-s3")));
        assert_eq!(panel_key(&NodeKind::analytics(), "app"), Some(analytics_key("app")));
        assert_eq!(panel_key(&NodeKind::producer(), "shop"), None);
        assert_ne!(firehose_key("x"), analytics_key("x"));
        assert_eq!(panel_key(&NodeKind::video_stream(), "door"), Some(video_key("door")));
        assert_ne!(video_key("x"), firehose_key("x"));
    }
}
