//! The timeline of scheduled changes (a module of the `web` browser-test binary, sharing its mount helpers).

use super::{mount_point, query, settle};
use shardlab_scenario::{Action, NodeKind, Scenario, ScheduledEvent};
use shardlab_web::timeline::{Timeline, TimelineProps};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit};
use yew::Callback;

fn press(target: &Element, key: &str, shift: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a key event");
    target.dispatch_event(&event).expect("dispatch");
}

/// The first-minute scenario with an UpdateShardCount to 4 shards at 30 s.
fn scenario() -> Scenario {
    let mut scenario = Scenario::default();
    let stream =
        scenario.pipeline.nodes.iter().find(|n| matches!(n.kind, NodeKind::DataStream(_))).expect("a stream").id;
    scenario
        .scheduled
        .push(ScheduledEvent { at_ms: 30_000, action: Action::UpdateShardCount { stream, target_shards: 4 } });
    scenario
}

#[wasm_bindgen_test]
async fn markers_move_with_the_arrow_keys_and_delete_removes_them() {
    let root = mount_point();
    let replaced = Rc::new(RefCell::new(Vec::<(usize, u64)>::new()));
    let removed = Rc::new(RefCell::new(Vec::<usize>::new()));
    let on_replace = {
        let replaced = replaced.clone();
        Callback::from(move |(i, e): (usize, ScheduledEvent)| {
            replaced.borrow_mut().push((i, e.at_ms));
            Ok(())
        })
    };
    let on_remove = {
        let removed = removed.clone();
        Callback::from(move |i: usize| {
            removed.borrow_mut().push(i);
            Ok(())
        })
    };
    let props = TimelineProps {
        scenario: Rc::new(scenario()),
        now_ms: 10_000,
        refusals: Vec::new(),
        lineage: None,
        read_only: false,
        on_add: Callback::from(|_| Ok(())),
        on_replace,
        on_remove,
        open_form: None,
        on_open_form: Callback::noop(),
    };
    yew::Renderer::<Timeline>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let marker = query(&root, "button.tl-marker");
    let label = marker.get_attribute("aria-label").unwrap_or_default();
    assert!(label.contains("UpdateShardCount of") && label.ends_with("at 00:00:30, pending"), "{label}");
    // 30 s of a 10-minute track is 5 % from the left.
    assert!(marker.get_attribute("style").unwrap_or_default().contains("left:5.000%"));
    press(&marker, "ArrowRight", true);
    press(&marker, "ArrowLeft", false);
    press(&marker, "Enter", false);
    press(&marker, "Delete", false);
    settle().await;
    assert_eq!(*replaced.borrow(), [(0, 40_000), (0, 29_000)], "Shift+→ is 10 s, ← is 1 s, from the event's time");
    assert_eq!(*removed.borrow(), [0]);
}

#[wasm_bindgen_test]
async fn a_refused_change_is_marked_with_the_services_message_and_the_form_checks_as_typed() {
    let root = mount_point();
    let added = Rc::new(RefCell::new(Vec::<ScheduledEvent>::new()));
    let on_add = {
        let added = added.clone();
        Callback::from(move |e: ScheduledEvent| {
            added.borrow_mut().push(e);
            Ok(())
        })
    };
    let props = TimelineProps {
        scenario: Rc::new(scenario()),
        now_ms: 31_000,
        refusals: vec![Some("LimitExceededException: too many scalings".into())],
        lineage: None,
        read_only: false,
        on_add,
        on_replace: Callback::from(|_| Ok(())),
        on_remove: Callback::from(|_| Ok(())),
        open_form: None,
        on_open_form: Callback::noop(),
    };
    yew::Renderer::<Timeline>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let marker = query(&root, "button.tl-marker");
    assert!(marker.class_list().contains("refused"));
    let refused = query(&root, ".tl-refused").text_content().unwrap_or_default();
    assert!(refused.contains("was refused: LimitExceededException: too many scalings"), "{refused}");
    // Add a change: 0 shards is refused next to the field, and Add stays disabled.
    let add: HtmlElement = query(&root, ".tl-head button").dyn_into().expect("a button");
    add.click();
    settle().await;
    let shards: web_sys::HtmlInputElement = query(&root, "#tl-target_shards").dyn_into().expect("an input");
    shards.set_value("0");
    shards.dispatch_event(&web_sys::InputEvent::new("input").expect("an event")).expect("dispatch");
    settle().await;
    // The field is the same element while its error comes and goes, so a learner typing keeps the focus.
    assert!(query(&root, "#tl-target_shards") == **shards, "the input is kept");
    let error = query(&root, "#tl-target_shards-error").text_content().unwrap_or_default();
    assert!(error.contains("allowed: 1 to 1,024 shards"), "{error}");
    let submit: HtmlElement = query(&root, ".tl-form button[type=submit]").dyn_into().expect("a button");
    assert!(submit.has_attribute("disabled"));
    shards.set_value("3");
    shards.dispatch_event(&web_sys::InputEvent::new("input").expect("an event")).expect("dispatch");
    settle().await;
    let submit: HtmlElement = query(&root, ".tl-form button[type=submit]").dyn_into().expect("a button");
    let errors = root.query_selector(".tl-form .field-error").ok().flatten().and_then(|e| e.text_content());
    assert!(!submit.has_attribute("disabled"), "3 shards can be added: {errors:?}");
    submit.click();
    settle().await;
    let added = added.borrow();
    assert_eq!(added.len(), 1);
    assert!(matches!(added[0].action, Action::UpdateShardCount { target_shards: 3, .. }), "{added:?}");
    assert_eq!(added[0].at_ms, 31_000, "a new change starts at the playhead");
}

#[wasm_bindgen_test]
async fn an_embedded_timeline_shows_the_changes_without_editing_them() {
    let root = mount_point();
    let edits = Rc::new(RefCell::new(0u32));
    let count = |edits: &Rc<RefCell<u32>>| {
        let edits = edits.clone();
        move || *edits.borrow_mut() += 1
    };
    let (replace, remove) = (count(&edits), count(&edits));
    let props = TimelineProps {
        scenario: Rc::new(scenario()),
        now_ms: 0,
        refusals: Vec::new(),
        lineage: None,
        read_only: true,
        on_add: Callback::from(|_| Ok(())),
        on_replace: Callback::from(move |_| {
            replace();
            Ok(())
        }),
        on_remove: Callback::from(move |_| {
            remove();
            Ok(())
        }),
        open_form: None,
        on_open_form: Callback::noop(),
    };
    yew::Renderer::<Timeline>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert!(root.query_selector(".tl-head button").expect("selector").is_none(), "no Add change");
    let marker: HtmlElement = query(&root, "button.tl-marker").dyn_into().expect("a button");
    marker.click();
    press(&marker, "ArrowRight", false);
    press(&marker, "Delete", false);
    settle().await;
    assert!(root.query_selector(".tl-form").expect("selector").is_none(), "no form opens");
    assert_eq!(*edits.borrow(), 0);
}

/// After the switch from the lite module the full one opens the form the learner asked for: an existing
/// change with its values, or a new one at the time asked.
#[wasm_bindgen_test]
async fn a_form_asked_for_before_the_switch_opens_with_its_values() {
    for (open_form, title, at) in [(Some(0), "Edit the change", "30s"), (None, "Add a change", "7s")] {
        let root = mount_point();
        let props = TimelineProps {
            scenario: Rc::new(scenario()),
            now_ms: 0,
            refusals: Vec::new(),
            lineage: None,
            read_only: false,
            on_add: Callback::from(|_| Ok(())),
            on_replace: Callback::from(|_| Ok(())),
            on_remove: Callback::from(|_| Ok(())),
            open_form: Some((open_form, 7_000)),
            on_open_form: Callback::noop(),
        };
        yew::Renderer::<Timeline>::with_root_and_props(root.clone(), props).render();
        // The first render, then the effect's.
        settle().await;
        settle().await;
        let form = query(&root, ".tl-form");
        assert_eq!(form.get_attribute("aria-label").as_deref(), Some(title));
        let field: web_sys::HtmlInputElement = query(&root, ".tl-form #tl-at").dyn_into().expect("an input");
        assert_eq!(field.value(), at, "{title}");
    }
}
