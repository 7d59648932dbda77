//! The learner's scenario and its run: every edit goes through here, so undo/redo, validation and
//! restarting the simulation follow the same rules. No DOM here, so it is tested natively.

use crate::runner::Runner;
use shardlab_engine::SimDuration;
use shardlab_scenario::{NodeId, NodeKind, Problem, Scenario, ScheduledEvent};

/// Edits kept for undo.
pub const UNDO_MAX: usize = 100;

/// The scenario being edited, its history, the selection and the run.
pub struct Workspace {
    scenario: Scenario,
    undo: Vec<Scenario>,
    redo: Vec<Scenario>,
    selected: Option<NodeId>,
    runner: Option<Runner>,
    problems: Vec<Problem>,
    revision: u64,
}

impl Workspace {
    /// Opens `scenario` and starts its run at t = 0 (or lists why it cannot run).
    pub fn new(scenario: Scenario) -> Self {
        let mut workspace = Self {
            scenario,
            undo: Vec::new(),
            redo: Vec::new(),
            selected: None,
            runner: None,
            problems: Vec::new(),
            revision: 0,
        };
        workspace.restart();
        workspace
    }

    /// The scenario as edited.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Counts changes to the scenario (for autosave): any edit, undo or redo moves it on.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The run, when the scenario can run.
    pub fn runner(&self) -> Option<&Runner> {
        self.runner.as_ref()
    }

    /// The run, to advance it or call its API.
    pub fn runner_mut(&mut self) -> Option<&mut Runner> {
        self.runner.as_mut()
    }

    /// Why the scenario cannot run (empty when it runs).
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The selected node.
    pub fn selected(&self) -> Option<NodeId> {
        self.selected.filter(|id| self.scenario.pipeline.node(*id).is_some())
    }

    /// Selects a node, or nothing.
    pub fn select(&mut self, node: Option<NodeId>) {
        self.selected = node;
    }

    /// Whether there is an edit to undo / to redo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// See [`Self::can_undo`].
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Starts the run over at t = 0 from the scenario as it is.
    pub fn restart(&mut self) {
        match self.scenario.to_sim_config() {
            Ok((config, nodes)) => match Runner::new(config, nodes) {
                Ok(runner) => {
                    self.runner = Some(runner);
                    self.problems.clear();
                }
                Err(e) => {
                    self.runner = None;
                    self.problems =
                        e.problems.into_iter().map(|message| Problem { path: "engine".into(), message }).collect();
                }
            },
            Err(problems) => {
                self.runner = None;
                self.problems = problems;
            }
        }
    }

    /// Applies an edit as one undo step and restarts the run; on error nothing changes.
    fn edit(&mut self, apply: impl FnOnce(&mut Scenario) -> Result<(), String>) -> Result<(), String> {
        let mut next = self.scenario.clone();
        apply(&mut next)?;
        self.replace_scenario(next);
        self.restart();
        Ok(())
    }

    /// Makes `next` the scenario as one undo step, keeping at most [`UNDO_MAX`] steps; the run is untouched.
    /// The one place the undo history grows.
    fn replace_scenario(&mut self, next: Scenario) {
        self.revision += 1;
        self.undo.push(core::mem::replace(&mut self.scenario, next));
        if self.undo.len() > UNDO_MAX {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// Replaces the whole scenario (a preset, a link, a file) as one undo step.
    pub fn open(&mut self, scenario: Scenario) {
        let _ = self.edit(|s| {
            *s = scenario;
            Ok(())
        });
        self.selected = None;
    }

    /// Adds a node from the palette, selects it and returns its id.
    pub fn add(&mut self, kind: NodeKind) -> NodeId {
        let mut added = NodeId(0);
        let _ = self.edit(|s| {
            added = s.add_node(kind);
            Ok(())
        });
        self.selected = Some(added);
        added
    }

    /// Connects two nodes, or says why AWS would not allow it.
    pub fn connect(&mut self, from: NodeId, to: NodeId) -> Result<(), String> {
        self.edit(|s| s.pipeline.connect(from, to).map_err(|e| e.reason))
    }

    /// Removes a connection.
    pub fn disconnect(&mut self, from: NodeId, to: NodeId) -> Result<(), String> {
        self.edit(|s| if s.pipeline.disconnect(from, to) { Ok(()) } else { Err("there is no such connection".into()) })
    }

    /// Deletes a node with its connections.
    pub fn delete(&mut self, node: NodeId) -> Result<(), String> {
        self.edit(|s| s.remove_node(node).map(drop).ok_or_else(|| format!("there is no node {node}")))?;
        if self.selected == Some(node) {
            self.selected = None;
        }
        Ok(())
    }

    /// Moves a node on the canvas: an undo step, but the run goes on (layout is not semantics).
    pub fn move_node(&mut self, node: NodeId, x: i32, y: i32) {
        if self.scenario.view.position(node) == Some((x, y)) {
            return;
        }
        let mut next = self.scenario.clone();
        next.view.set_position(node, x.clamp(0, 4_000), y.clamp(0, 4_000));
        self.replace_scenario(next);
    }

    /// Sets a node's parameter from the inspector's text. A producer's rate changes the running simulation
    /// in place; any other change restarts it at t = 0. On error nothing changes and the reason comes back.
    pub fn set_param(&mut self, node: NodeId, key: &str, text: &str) -> Result<(), String> {
        let producer_index = self.producer_index(node);
        let mut next = self.scenario.clone();
        next.pipeline.node_mut(node).ok_or_else(|| format!("there is no node {node}"))?.set_param(key, text)?;
        if key == "records_per_sec"
            && let (Some(index), Some(runner)) = (producer_index, self.runner.as_mut())
            && let Some(NodeKind::Producer(p)) = next.pipeline.node(node).map(|n| &n.kind)
            && p.rate_shape == shardlab_scenario::model::RateShape::Constant
        {
            runner.set_rate(index, p.records_per_sec).map_err(|e| e.to_string())?;
            self.replace_scenario(next);
            return Ok(());
        }
        self.edit(|s| {
            *s = next;
            Ok(())
        })
    }

    /// Schedules an event (an undo step; restarts the run, so it fires in the new run).
    pub fn add_event(&mut self, event: ScheduledEvent) -> Result<(), String> {
        self.edit(|s| {
            s.scheduled.push(event);
            checked_event(s, s.scheduled.len() - 1)
        })
    }

    /// Replaces the scheduled event at `index` (moved or edited on the timeline).
    pub fn replace_event(&mut self, index: usize, event: ScheduledEvent) -> Result<(), String> {
        self.edit(|s| {
            *s.scheduled.get_mut(index).ok_or_else(|| format!("there is no scheduled event {index}"))? = event;
            checked_event(s, index)
        })
    }

    /// Removes the scheduled event at `index`.
    pub fn remove_event(&mut self, index: usize) -> Result<(), String> {
        self.edit(|s| {
            if index < s.scheduled.len() {
                s.scheduled.remove(index);
                Ok(())
            } else {
                Err(format!("there is no scheduled event {index}"))
            }
        })
    }

    /// Sets the seed (restarts the run).
    pub fn set_seed(&mut self, seed: u64) {
        let _ = self.edit(|s| {
            s.seed = seed;
            Ok(())
        });
    }

    /// Undoes the last edit; returns whether there was one.
    pub fn undo(&mut self) -> bool {
        let Some(previous) = self.undo.pop() else { return false };
        self.revision += 1;
        self.redo.push(core::mem::replace(&mut self.scenario, previous));
        self.restart();
        true
    }

    /// Redoes the last undone edit; returns whether there was one.
    pub fn redo(&mut self) -> bool {
        let Some(next) = self.redo.pop() else { return false };
        self.revision += 1;
        self.undo.push(core::mem::replace(&mut self.scenario, next));
        self.restart();
        true
    }

    /// The engine's index of a producer node writing to a data stream, from the run's node map.
    fn producer_index(&self, node: NodeId) -> Option<u32> {
        let index = self.runner.as_ref()?.nodes().producer(node)?;
        u32::try_from(index).ok()
    }

    /// Advances the run by `delta` until `out_of_time` says the frame's budget is spent; false if it fell behind.
    pub fn advance_by_until(&mut self, delta: SimDuration, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        self.runner.as_mut().is_none_or(|r| r.advance_by_until(delta, out_of_time))
    }

    /// Advances the run by `delta` with at most `timers_max` engine timers; false if it fell behind.
    pub fn advance_by(&mut self, delta: SimDuration, timers_max: u32) -> bool {
        self.runner.as_mut().is_none_or(|r| r.advance_by(delta, timers_max))
    }
}

/// The scenario's validation of its scheduled event at `index`: the first problem, or Ok.
fn checked_event(scenario: &Scenario, index: usize) -> Result<(), String> {
    let event = scenario.scheduled.get(index).ok_or_else(|| format!("there is no scheduled event {index}"))?;
    crate::timeline::event_problems(scenario, event, Some(index)).into_iter().next().map_or(Ok(()), |(_, why)| Err(why))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(w: &Workspace) -> (NodeId, NodeId, NodeId) {
        let nodes = &w.scenario().pipeline.nodes;
        (nodes[0].id, nodes[1].id, nodes[2].id)
    }

    #[test]
    fn the_default_scenario_runs() {
        let mut w = Workspace::new(Scenario::default());
        assert!(w.problems().is_empty(), "{:?}", w.problems());
        assert!(w.advance_by(SimDuration::from_secs(2), u32::MAX));
        let runner = w.runner().expect("runs");
        assert_eq!(runner.shard_views().len(), 2);
        assert_eq!(runner.sim().now().as_secs(), 2);
    }

    #[test]
    fn an_empty_page_says_what_is_missing_and_a_palette_pipeline_runs() {
        let mut w = Workspace::new(Scenario::empty());
        assert_eq!(w.runner().map(|r| r.sim().config().streams.len()), Some(0), "an empty pipeline runs empty");
        assert!(w.problems().is_empty(), "{:?}", w.problems());
        let producer = w.add(NodeKind::producer());
        let stream = w.add(NodeKind::data_stream());
        assert_eq!(w.selected(), Some(stream), "a new node is selected");
        w.connect(producer, stream).expect("a producer writes to a stream");
        assert!(w.runner().is_some(), "{:?}", w.problems());
        let consumer = w.add(NodeKind::consumer());
        let refused = w.connect(consumer, producer).expect_err("a consumer does not write to a producer");
        assert!(!refused.is_empty());
        w.connect(stream, consumer).expect("a stream feeds a consumer");
        assert_eq!(w.runner().map(|r| r.sim().consumers().len()), Some(1));
    }

    #[test]
    fn undo_and_redo_walk_the_edits_and_restart_the_run() {
        let mut w = Workspace::new(Scenario::default());
        let (_, stream, _) = ids(&w);
        w.advance_by(SimDuration::from_secs(3), u32::MAX);
        w.set_param(stream, "shard_count", "4").expect("4 shards");
        assert_eq!(w.runner().map(|r| r.shard_views().len()), Some(4));
        assert_eq!(w.runner().map(|r| r.sim().now().as_secs()), Some(0), "a stream change restarts");
        assert!(w.undo());
        assert_eq!(w.runner().map(|r| r.shard_views().len()), Some(2));
        assert!(w.redo());
        assert_eq!(w.runner().map(|r| r.shard_views().len()), Some(4));
        assert!(!w.redo(), "nothing more to redo");
        assert_eq!(w.revision(), 3, "an edit, an undo and a redo");
        w.delete(stream).expect("delete");
        assert_eq!(w.runner().map(|r| r.sim().stream().is_none()), Some(true), "no stream runs");
        assert!(w.undo());
        assert_eq!(w.scenario().pipeline.edges.len(), 2, "undo brings the node back with its connections");
    }

    #[test]
    fn a_refused_value_changes_nothing() {
        let mut w = Workspace::new(Scenario::default());
        let (producer, stream, _) = ids(&w);
        let before = w.scenario().clone();
        let error = w.set_param(stream, "shard_count", "0").expect_err("0 shards");
        assert!(error.contains("1 to"), "{error}");
        assert!(w.set_param(producer, "records_per_sec", "lots").is_err());
        assert_eq!(w.scenario(), &before);
        assert!(!w.can_undo());
    }

    #[test]
    fn a_producer_rate_applies_to_the_running_simulation() {
        let mut w = Workspace::new(Scenario::default());
        let (producer, _, _) = ids(&w);
        w.advance_by(SimDuration::from_secs(2), u32::MAX);
        w.set_param(producer, "records_per_sec", "3000").expect("3,000 records/s");
        assert_eq!(w.runner().map(|r| r.sim().now().as_secs()), Some(2), "the run goes on");
        w.advance_by(SimDuration::from_secs(2), u32::MAX);
        let views = w.runner().expect("runs").shard_views();
        // 3,000 records/s into 2 shards of 1,000 records/s each: both throttle.
        assert!(views.iter().all(|v| v.throttled_per_sec > 0), "{views:?}");
        assert!(w.can_undo());
    }

    #[test]
    fn moving_a_node_is_undoable_and_keeps_the_run() {
        let mut w = Workspace::new(Scenario::default());
        let (producer, _, _) = ids(&w);
        w.advance_by(SimDuration::from_secs(1), u32::MAX);
        w.move_node(producer, 300, 200);
        assert_eq!(w.scenario().view.position(producer), Some((300, 200)));
        assert_eq!(w.runner().map(|r| r.sim().now().as_secs()), Some(1));
        assert!(w.undo());
        assert_ne!(w.scenario().view.position(producer), Some((300, 200)));
    }

    #[test]
    fn scheduled_events_are_edits_undo_covers() {
        let mut w = Workspace::new(Scenario::default());
        let (_, stream, _) = ids(&w);
        let event = |at_ms, target_shards| ScheduledEvent {
            at_ms,
            action: shardlab_scenario::Action::UpdateShardCount { stream, target_shards },
        };
        w.advance_by(SimDuration::from_secs(3), u32::MAX);
        w.add_event(event(30_000, 4)).expect("UpdateShardCount to 4 at 30 s");
        assert_eq!(w.runner().map(|r| r.sim().now().as_secs()), Some(0), "a timeline edit restarts the run");
        w.replace_event(0, event(45_000, 4)).expect("moved to 45 s");
        assert_eq!(w.scenario().scheduled, [event(45_000, 4)]);
        let refused = w.replace_event(0, event(45_000, 0)).expect_err("0 shards");
        assert_eq!(refused, "allowed: 1 to 1,024 shards");
        assert!(w.replace_event(3, event(1_000, 4)).is_err(), "there is no event 3");
        w.remove_event(0).expect("removed");
        assert!(w.scenario().scheduled.is_empty());
        assert!(w.undo(), "undo the removal");
        assert_eq!(w.scenario().scheduled, [event(45_000, 4)]);
        assert!(w.undo(), "undo the move");
        assert_eq!(w.scenario().scheduled, [event(30_000, 4)]);
        assert!(w.undo(), "undo the addition");
        assert!(w.scenario().scheduled.is_empty());
        assert!(w.redo());
        assert_eq!(w.scenario().scheduled.len(), 1);
    }

    /// Counts the undo steps there are by undoing them all (bounded: one more than the limit allows).
    fn undo_depth(w: &mut Workspace) -> usize {
        (0..=UNDO_MAX + 1).take_while(|_| w.undo()).count()
    }

    #[test]
    fn rate_edits_and_moves_keep_the_undo_limit() {
        let mut w = Workspace::new(Scenario::default());
        let (producer, _, _) = ids(&w);
        // Twice the limit of rate edits on the running simulation, each a different value.
        for i in 0..2 * UNDO_MAX {
            w.set_param(producer, "records_per_sec", &(100 + i).to_string()).expect("a valid rate");
        }
        assert_eq!(undo_depth(&mut w), UNDO_MAX, "rate edits keep only the last {UNDO_MAX} steps");

        let mut w = Workspace::new(Scenario::default());
        for i in 0..2 * UNDO_MAX {
            w.move_node(producer, 10 + i as i32, 10);
        }
        assert_eq!(undo_depth(&mut w), UNDO_MAX, "moves keep only the last {UNDO_MAX} steps");
    }

    #[test]
    fn the_oldest_rate_edit_is_the_one_dropped() {
        let mut w = Workspace::new(Scenario::default());
        let (producer, _, _) = ids(&w);
        for i in 0..=UNDO_MAX {
            w.set_param(producer, "records_per_sec", &(200 + i).to_string()).expect("a valid rate");
        }
        assert_eq!(undo_depth(&mut w), UNDO_MAX);
        // UNDO_MAX + 1 edits from the default: the first edit's result is now the oldest state kept.
        let rate = match &w.scenario().pipeline.node(producer).map(|n| &n.kind) {
            Some(NodeKind::Producer(p)) => Some(p.records_per_sec),
            _ => None,
        };
        assert_eq!(rate, Some(200));
    }
}
