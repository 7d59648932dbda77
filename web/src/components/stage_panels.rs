//! The panels under the canvas: as tabs (one at a time, right under the canvas, so the Firehose and Analytics
//! panels never hide below the fold) or stacked, as the learner chooses.

use crate::panel_layout::PanelLayout;
use yew::prelude::*;

/// One panel.
#[derive(Clone, Debug, PartialEq)]
pub struct StagePanel {
    /// Its key (`stream`, `firehose:NAME`, `analytics:NAME`).
    pub key: AttrValue,
    /// Its tab's words.
    pub label: AttrValue,
    /// Its kind for CSS (`stream`, `firehose`, `analytics`): the tab's colour.
    pub kind_class: &'static str,
    /// What it shows.
    pub body: Html,
}

/// What [`stage_panels`] needs.
pub struct StagePanelsProps {
    /// Tabs or stacked.
    pub layout: PanelLayout,
    /// The panel picked (the first when `None` or gone).
    pub active: Option<AttrValue>,
    /// The panels, the data stream's first.
    pub panels: Vec<StagePanel>,
    /// A tab picked.
    pub on_pick: Callback<AttrValue>,
    /// The layout switched.
    pub on_layout: Callback<PanelLayout>,
}

/// The panels (a plain function: their bodies change every frame, so a component's props check saved nothing).
pub fn stage_panels(props: &StagePanelsProps) -> Html {
    let active = props
        .active
        .as_ref()
        .filter(|key| props.panels.iter().any(|p| &p.key == *key))
        .or_else(|| props.panels.first().map(|p| &p.key))
        .cloned();
    let tabs = props.layout == PanelLayout::Tabs && props.panels.len() > 1;
    let on_layout = {
        let (cb, next) = (props.on_layout.clone(), props.layout.toggled());
        Callback::from(move |_: MouseEvent| cb.emit(next))
    };
    html! {
        <div class={classes!("stage-panels", tabs.then_some("tabbed"))}>
            if props.panels.len() > 1 {
                <div class="stage-panels-bar">
                    if tabs {
                        <div class="tabs stage-tabs" role="tablist" aria-label="Panels">
                            { for props.panels.iter().map(|p| {
                                let (cb, key) = (props.on_pick.clone(), p.key.clone());
                                let selected = active.as_ref() == Some(&p.key);
                                html! {
                                    <button role="tab" class={p.kind_class} aria-selected={selected.to_string()}
                                        onclick={Callback::from(move |_: MouseEvent| cb.emit(key.clone()))}>
                                        <span class="kind-dot" aria-hidden="true"></span>{ p.label.clone() }
                                    </button>
                                }
                            }) }
                        </div>
                    }
                    <button class="small layout-toggle" onclick={on_layout} aria-pressed={(!tabs).to_string()}
                        title="Show every panel one after another, or one at a time as tabs">
                        { "Show all panels" }
                    </button>
                </div>
            }
            { for props.panels.iter().filter(|p| !tabs || active.as_ref() == Some(&p.key)).map(|p| html! {
                <div class="stage-panel" role={tabs.then_some("tabpanel")} aria-label={tabs.then(|| p.label.clone())}
                    data-panel={p.key.clone()}>
                    { p.body.clone() }
                </div>
            }) }
        </div>
    }
}
