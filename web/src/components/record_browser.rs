//! The record browser: read a shard from any iterator type and page through it as GetRecords would.

use crate::format::{clock, count, thousands};
use crate::runner::BrowsePage;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`RecordBrowser`].
#[derive(Properties, PartialEq, Clone)]
pub struct RecordBrowserProps {
    /// Every stream with its shards, open and closed (the scenario's stream first).
    pub shard_ids: Vec<(String, Vec<String>)>,
    /// The page read last.
    pub page: Option<BrowsePage>,
    /// Why the last read failed, in AWS's words.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// Receives `(stream, shard, ShardIteratorType, argument)` for a first page.
    pub on_read: Callback<(String, String, String, String)>,
    /// Asks for the next page.
    pub on_next: Callback<()>,
}

const KINDS: [&str; 5] = ["TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "AT_TIMESTAMP"];

/// The browser.
#[component]
pub fn RecordBrowser(props: &RecordBrowserProps) -> Html {
    // A shard is chosen as "stream/shardId".
    let shard = use_state(|| {
        props.shard_ids.first().and_then(|(s, ids)| ids.first().map(|id| format!("{s}/{id}"))).unwrap_or_default()
    });
    let view = use_state(|| String::from("text"));
    let kind = use_state(|| String::from("TRIM_HORIZON"));
    let argument = use_state(String::new);
    let select = |state: UseStateHandle<String>| {
        Callback::from(move |e: Event| state.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_argument = {
        let argument = argument.clone();
        Callback::from(move |e: InputEvent| argument.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_read = {
        let (shard, kind, argument, read) = (shard.clone(), kind.clone(), argument.clone(), props.on_read.clone());
        Callback::from(move |_: MouseEvent| {
            let (stream, id) = shard.split_once('/').unwrap_or(("", shard.as_str()));
            read.emit((stream.to_string(), id.to_string(), (*kind).clone(), (*argument).clone()));
        })
    };
    let on_next = {
        let next = props.on_next.clone();
        Callback::from(move |_: MouseEvent| next.emit(()))
    };
    let needs_argument = kind.starts_with("AT_") || kind.starts_with("AFTER_");
    html! {
        <div class="record-browser">
            <div class="browse-controls">
                <select aria-label="Shard" onchange={select(shard.clone())}>
                    { for props.shard_ids.iter().flat_map(|(stream, ids)| ids.iter().map(move |id| (stream, id))).map(|(stream, id)| {
                        let value = format!("{stream}/{id}");
                        let selected = value == *shard;
                        html! { <option value={value} {selected}>{ format!("{stream} · {id}") }</option> }
                    }) }
                </select>
                <select aria-label="Shard iterator type" onchange={select(kind.clone())}>
                    { for KINDS.iter().map(|k| html! { <option value={*k} selected={*k == kind.as_str()}>{ *k }</option> }) }
                </select>
                if needs_argument {
                    <input aria-label="Sequence number or time" placeholder={if kind.as_str() == "AT_TIMESTAMP" { "simulated ms, e.g. 1500" } else { "sequence number" }}
                        value={(*argument).clone()} oninput={on_argument} />
                }
                <button class="primary" aria-label="Read records" onclick={on_read}>{ "Read" }</button>
                <select aria-label="Show data as" onchange={select(view.clone())}>
                    { for [("text", "text"), ("base64", "base64"), ("json", "pretty JSON")].into_iter()
                        // The lite module carries no JSON reader (`crate::modules`).
                        .filter(|(v, _)| crate::modules::FULL || *v != "json").map(|(v, label)| html! {
                        <option value={v} selected={*view == v}>{ label }</option>
                    }) }
                </select>
                <button aria-label="Next page" onclick={on_next}
                    disabled={props.page.as_ref().is_none_or(|p| p.next_shard_iterator.is_none())}>{ "Next page" }</button>
            </div>
            if let Some(error) = &props.error {
                <p class="field-error" role="alert">{ error }</p>
            }
            if let Some(page) = &props.page {
                <p class="note" data-testid="browse-summary">
                    { format!("{} · MillisBehindLatest {} · ", count(page.records.len() as u64, "record", "records"), thousands(page.millis_behind_latest)) }
                    { match &page.next_shard_iterator {
                        Some(_) => "NextShardIterator present".to_string(),
                        None => format!("end of a closed shard; ChildShards: {}", page.child_shards.join(", ")),
                    } }
                </p>
                <table data-testid="browse-records">
                    <thead><tr><th>{ "Sequence number" }</th><th>{ "Partition key" }</th><th>{ "Hash key" }</th><th>{ "Arrival" }</th><th>{ "Size" }</th><th>{ "Data" }</th></tr></thead>
                    <tbody>
                        { for page.records.iter().map(|r| html! {
                            <tr>
                                <td class="mono">{ &r.sequence_number }</td>
                                <td>{ &r.partition_key }</td>
                                <td class="mono hash-key" title={r.hash_key.clone()}>{ &r.hash_key }</td>
                                <td class="mono">{ clock(r.arrival_ms) }</td>
                                <td>{ format!("{} B", thousands(r.size_bytes)) }</td>
                                <td class="mono data" data-testid="record-data">
                                    { match view.as_str() {
                                        "base64" => html! { { r.base64.clone() } },
                                        "json" => match &r.json {
                                            Some(pretty) => html! { <pre>{ pretty.clone() }</pre> },
                                            None => html! { <span class="note">{ "not JSON" }</span> },
                                        },
                                        _ => html! { { r.text.clone() } },
                                    } }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
