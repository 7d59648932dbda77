//! Share links: round trips, sizes, and hostile input.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use shardlab_scenario::model::CapacityMode;
use shardlab_scenario::{
    Action, LinkError, Node, NodeId, NodeKind, Scenario, ScheduledEvent, decode_link, decode_link_unchecked,
    encode_link, presets,
};

#[test]
fn the_default_scenario_round_trips_through_a_short_link() {
    let scenario = Scenario::default();
    let link = encode_link(&scenario);
    assert!(link.starts_with(&format!("s={}.", shardlab_scenario::FORMAT_VERSION)), "{link}");
    assert!(link.len() < 1_000, "{} characters", link.len());
    assert_eq!(decode_link(&link), Ok(scenario.clone()));
    assert_eq!(decode_link(&format!("https://example.org/shardlab/#{link}&embed")), Ok(scenario));
}

#[test]
fn every_preset_fits_well_under_2000_characters() {
    for preset in presets() {
        let link = encode_link(&preset.scenario());
        assert!(link.len() < 1_000, "{}: {} characters", preset.id, link.len());
    }
}

#[test]
fn broken_links_say_what_is_wrong() {
    let link = encode_link(&Scenario::default());
    assert_eq!(decode_link("https://example.org/"), Err(LinkError::NotShardlab));
    assert_eq!(decode_link("#x=1.abc"), Err(LinkError::NotShardlab));
    assert_eq!(decode_link("s=1"), Err(LinkError::CutShort));
    assert_eq!(decode_link("s=1."), Err(LinkError::CutShort));
    assert_eq!(decode_link(&link[..link.len() / 2]), Err(LinkError::CutShort));
    assert!(matches!(decode_link(&link.replacen('.', ".!!", 1)), Err(LinkError::Damaged(_))));
    assert_eq!(decode_link("s=7.abcd"), Err(LinkError::Newer { format: 7 }));
    assert_eq!(
        LinkError::Newer { format: 7 }.to_string(),
        format!(
            "this link was made by a newer version of Shardlab (format 7); this one reads up to {}: reload the page to \
             get the newest version",
            shardlab_scenario::FORMAT_VERSION
        )
    );
    assert_eq!(LinkError::CutShort.to_string(), "this link is cut short: copy the whole link and open it again");
}

#[test]
fn preset_links_open_the_preset() {
    let link = shardlab_scenario::preset_link("kpl-aggregation");
    assert_eq!(link, "preset=kpl-aggregation");
    let expected = shardlab_scenario::preset("kpl-aggregation").unwrap().scenario();
    assert_eq!(decode_link(&format!("https://example.org/#{link}&embed")), Ok(expected));
    let err = decode_link("#preset=nope").unwrap_err();
    assert_eq!(err, LinkError::UnknownPreset("nope".into()));
    assert!(
        err.to_string()
            .starts_with("this link names a preset 'nope' that does not exist; presets: hot-partition-key, ")
    );
}

#[test]
fn a_link_with_thousands_of_nodes_is_refused_by_count() {
    let mut scenario = Scenario::default();
    // Pushed directly: the editor's `add_node` looks for a free name, which is slow by design at this size.
    for id in 100..20_100 {
        scenario.pipeline.nodes.push(Node { id: NodeId(id), name: format!("d{id}"), kind: NodeKind::destination() });
    }
    let link = encode_link(&scenario);
    let Err(LinkError::Invalid(problems)) = decode_link(&link) else { panic!("must be refused") };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].message, "20003 nodes is too many; a scenario has at most 100");
    assert_eq!(problems[0].path, "pipeline.nodes");
}

#[test]
fn a_zip_bomb_is_refused() {
    // 4 MiB of zeros compresses to a few kilobytes; its inflated size exceeds the 1 MiB limit.
    let bomb = miniz_oxide::deflate::compress_to_vec(&vec![0u8; 4 << 20], 9);
    use base64::Engine;
    let link = format!("s=1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bomb));
    assert!(link.len() < 20_000);
    assert_eq!(decode_link(&link), Err(LinkError::TooLarge));
    assert_eq!(decode_link(&"s=1.".repeat(600_000)), Err(LinkError::TooLarge));
}

#[test]
fn an_invalid_scenario_in_a_link_lists_its_problems() {
    let mut scenario = Scenario::default();
    if let NodeKind::DataStream(s) = &mut scenario.pipeline.nodes[1].kind {
        s.shard_count = 5_000;
    }
    let Err(LinkError::Invalid(problems)) = decode_link(&encode_link(&scenario)) else { panic!("must be invalid") };
    assert_eq!(problems[0].path, "pipeline.nodes[1].params.shard_count");
    assert_eq!(decode_link_unchecked(&encode_link(&scenario)), Ok(scenario));
}

/// An edit the editor could make.
#[derive(Clone, Debug)]
enum Edit {
    Add(u8),
    Set { node: u8, param: u8, pick: u32, text: String },
    Connect(u8, u8),
    Remove(u8),
    Move(u8, i32, i32),
    Rename(u8, String),
    Schedule(u64, u8, u32),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => any::<u8>().prop_map(Edit::Add),
        4 => (any::<u8>(), any::<u8>(), any::<u32>(), ".{0,12}").prop_map(|(node, param, pick, text)| Edit::Set { node, param, pick, text }),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Edit::Connect(a, b)),
        1 => any::<u8>().prop_map(Edit::Remove),
        1 => (any::<u8>(), any::<i32>(), any::<i32>()).prop_map(|(n, x, y)| Edit::Move(n, x, y)),
        1 => (any::<u8>(), ".{0,20}").prop_map(|(n, s)| Edit::Rename(n, s)),
        1 => (any::<u64>(), any::<u8>(), any::<u32>()).prop_map(|(t, n, v)| Edit::Schedule(t, n, v)),
    ]
}

fn kind(k: u8) -> NodeKind {
    match k % 10 {
        0 => NodeKind::producer(),
        1 => NodeKind::data_stream(),
        2 => NodeKind::consumer(),
        3 => NodeKind::kinesis_agent(),
        4 => NodeKind::firehose(),
        5 => NodeKind::analytics(),
        6 => NodeKind::video_stream(),
        7 => NodeKind::camera(),
        8 => NodeKind::video_consumer(),
        _ => NodeKind::destination(),
    }
}

/// Scenarios reached by arbitrary edits, valid or not (renames and scheduled events bypass the checks).
fn scenario() -> impl Strategy<Value = Scenario> {
    (any::<u64>(), ".{0,30}", ".{0,80}", proptest::collection::vec(edit(), 0..40)).prop_map(
        |(seed, name, description, edits)| {
            let mut s = Scenario::empty();
            (s.seed, s.name, s.description) = (seed, name, description);
            for edit in edits {
                let count = s.pipeline.nodes.len();
                let pick = |i: u8| (count > 0).then(|| s.pipeline.nodes[usize::from(i) % count].id);
                match edit {
                    Edit::Add(k) => {
                        s.add_node(kind(k));
                    }
                    Edit::Set { node, param, pick: choice, text } => {
                        if let Some(id) = pick(node) {
                            let n = s.pipeline.node_mut(id).unwrap();
                            let params = n.params();
                            let p = &params[usize::from(param) % params.len()];
                            let value = match (choice % 3, p.choices.is_empty()) {
                                (_, false) => p.choices[choice as usize % p.choices.len()].to_string(),
                                (0, true) => choice.to_string(),
                                (1, true) => (choice % 2_000).to_string(),
                                _ => text,
                            };
                            let _ = n.set_param(p.key, &value);
                        }
                    }
                    Edit::Connect(a, b) => {
                        if let (Some(a), Some(b)) = (pick(a), pick(b)) {
                            let _ = s.pipeline.connect(a, b);
                        }
                    }
                    Edit::Remove(n) => {
                        if let Some(id) = pick(n) {
                            s.remove_node(id);
                        }
                    }
                    Edit::Move(n, x, y) => {
                        if let Some(id) = pick(n) {
                            s.view.set_position(id, x, y);
                        }
                    }
                    Edit::Rename(n, name) => {
                        if let Some(id) = pick(n) {
                            s.pipeline.node_mut(id).unwrap().name = name;
                        }
                    }
                    Edit::Schedule(at_ms, n, v) => {
                        let node = pick(n).unwrap_or(NodeId(v));
                        let action = match v % 11 {
                            0 => Action::SetProducerRate { producer: node, records_per_sec: v },
                            1 => Action::RestartAgent { agent: node },
                            2 => Action::AddWorker { consumer: node },
                            3 => Action::CrashWorker { consumer: node, worker: v },
                            4 => Action::UpdateShardCount { stream: node, target_shards: v },
                            5 => Action::DestinationOutage { firehose: node, duration_ms: at_ms / 3 },
                            6 => Action::DestinationSlowdown {
                                firehose: node,
                                delay_ms: u64::from(v),
                                duration_ms: at_ms,
                            },
                            7 => Action::SplitShard { stream: node, shard: v % 5 },
                            8 => Action::MergeShards { stream: node, shard: v % 4, adjacent_shard: v % 3 },
                            9 => Action::SetRetention { stream: node, hours: v },
                            _ => Action::SwitchCapacityMode {
                                stream: node,
                                mode: if v % 2 == 0 { CapacityMode::OnDemand } else { CapacityMode::Provisioned },
                            },
                        };
                        s.scheduled.push(ScheduledEvent { at_ms, action });
                    }
                }
            }
            s
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_scenario_round_trips_through_a_link(s in scenario()) {
        let link = encode_link(&s);
        prop_assert_eq!(decode_link_unchecked(&link), Ok(s.clone()));
        match s.validate() {
            Ok(()) => prop_assert_eq!(decode_link(&link), Ok(s.clone())),
            Err(problems) => prop_assert_eq!(decode_link(&link), Err(LinkError::Invalid(problems))),
        }
        // Files round trip as well.
        prop_assert_eq!(Scenario::from_json_unchecked(&s.to_json()), Ok(s));
    }

    #[test]
    fn arbitrary_strings_never_panic(text in ".{0,300}") {
        let _ = decode_link(&text);
        let _ = decode_link(&format!("s=1.{text}"));
        let _ = decode_link(&format!("s=2.{text}"));
        let _ = Scenario::from_json(&text);
    }

    #[test]
    fn arbitrary_payload_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        // Raw bytes as the compressed data, and deflated bytes as the binary scenario.
        let deflated = miniz_oxide::deflate::compress_to_vec(&bytes, 6);
        // Every format's decoder.
        for format in 1..=shardlab_scenario::FORMAT_VERSION {
            let _ = decode_link(&format!("s={format}.{}", engine.encode(&bytes)));
            let _ = decode_link(&format!("s={format}.{}", engine.encode(&deflated)));
        }
    }

    #[test]
    fn any_decodable_scenario_round_trips(s in scenario(), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        // Flipping bytes of a valid encoding reaches field values no edit makes (huge numbers, odd text).
        use base64::Engine;
        let mut bytes = shardlab_scenario::encode_binary(&s);
        for (at, value) in flips {
            let i = at % bytes.len();
            bytes[i] = value;
        }
        let deflated = miniz_oxide::deflate::compress_to_vec(&bytes, 6);
        let link = format!("s={}.{}", shardlab_scenario::FORMAT_VERSION, base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(deflated));
        if let Ok(mut decoded) = decode_link_unchecked(&link) {
            // Links and files record this engine's version.
            decoded.engine_version = shardlab_scenario::engine_stamp();
            prop_assert_eq!(decode_link_unchecked(&encode_link(&decoded)), Ok(decoded.clone()));
            prop_assert_eq!(Scenario::from_json_unchecked(&decoded.to_json()), Ok(decoded.clone()));
            let _ = decoded.validate();
            let _ = decoded.to_sim_config();
            let _ = decoded.to_cloudformation(None);
            let _ = decoded.to_aws_cli(None);
            let _ = decoded.to_agent_json();
            for node in &decoded.pipeline.nodes {
                let _ = node.params();
                let _ = node.param_problems();
            }
        }
    }

    #[test]
    fn damaged_and_truncated_links_never_panic(s in scenario(), cut in any::<usize>(), at in any::<usize>(), ch in proptest::char::any()) {
        let link = encode_link(&s);
        let _ = decode_link(&link[..cut % (link.len() + 1)]);
        let mut chars: Vec<char> = link.chars().collect();
        let i = at % chars.len();
        chars[i] = ch;
        let _ = decode_link(&chars.into_iter().collect::<String>());
    }
}
