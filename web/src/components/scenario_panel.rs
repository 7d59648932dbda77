//! What the inspector shows when no component is selected: the scenario itself, its seed, and anything
//! that keeps it from running.

use super::NumberField;
use yew::prelude::*;

/// Props of [`ScenarioPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct ScenarioPanelProps {
    /// The scenario's name.
    pub name: AttrValue,
    /// What it teaches.
    pub description: AttrValue,
    /// Its seed.
    pub seed: u64,
    /// Why it cannot run, one line each.
    pub problems: Vec<String>,
    /// What to know before it runs: components the engine does not run yet, another engine's behaviour, and
    /// the engine's memory and speed notes (`shardlab_engine::budget::notes`).
    pub not_simulated: Vec<String>,
    /// A new seed (restarts the run).
    pub on_seed: Callback<u64>,
}

/// The panel.
#[component]
pub fn ScenarioPanel(props: &ScenarioPanelProps) -> Html {
    html! {
        <section class="inspector-panel" aria-label="Scenario">
            <h2>{ props.name.clone() }</h2>
            if !props.description.is_empty() {
                <p class="description">{ props.description.clone() }</p>
            }
            <NumberField id="seed" label="Seed" value={props.seed} min=0 max={u64::MAX} on_value={props.on_seed.clone()} />
            <p class="note">{ "The same scenario and seed always give the same run. Select a component on the canvas to edit it." }</p>
            if !props.problems.is_empty() {
                <h3 class="inspector-heading">{ "Why it cannot run" }</h3>
                <ul class="problems">{ for props.problems.iter().map(|p| html! { <li>{ p.clone() }</li> }) }</ul>
            }
            if !props.not_simulated.is_empty() {
                <h3 class="inspector-heading">{ "Before you run" }</h3>
                <ul class="problems muted">{ for props.not_simulated.iter().map(|p| html! { <li>{ p.clone() }</li> }) }</ul>
            }
        </section>
    }
}
