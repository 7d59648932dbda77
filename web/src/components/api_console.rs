//! The API console: any `Kinesis_20131202`, `Firehose_20150804` or Kinesis Video Streams
//! (`KinesisVideo_20170930`) operation as JSON or as an AWS CLI command, answered by the running simulation.

use crate::format::clock;
use crate::runner::ApiExchange;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Props of [`ApiConsole`].
#[derive(Properties, PartialEq, Clone)]
pub struct ApiConsoleProps {
    /// Calls made so far, newest first.
    pub history: Vec<ApiExchange>,
    /// Receives `(operation, body)` when the learner sends a request.
    pub on_send: Callback<(String, String)>,
    /// Why the last command could not be read, if it could not.
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

/// The Kinesis Video Streams operations the model answers (control plane, media and archived media), in the
/// console's list order.
pub const VIDEO_OPERATIONS: [&str; 10] = [
    "CreateStream",
    "DescribeStream",
    "ListStreams",
    "UpdateDataRetention",
    "GetDataEndpoint",
    "PutMedia",
    "GetMedia",
    "ListFragments",
    "GetHLSStreamingSessionURL",
    "GetClip",
];

/// A starting body for a Kinesis Video Streams operation, naming the camera preset's video stream.
pub fn video_example_body(operation: &str) -> &'static str {
    match operation {
        "CreateStream" => r#"{"StreamName": "porch", "DataRetentionInHours": 24, "MediaType": "video/h264"}"#,
        "ListStreams" => "{}",
        "UpdateDataRetention" => {
            r#"{"StreamName": "front-door", "CurrentVersion": "1", "Operation": "INCREASE_DATA_RETENTION", "DataRetentionChangeInHours": 24}"#
        }
        "GetDataEndpoint" => r#"{"StreamName": "front-door", "APIName": "GET_HLS_STREAMING_SESSION_URL"}"#,
        // The camera holds front-door's one PutMedia connection: send to the stream CreateStream makes.
        "PutMedia" => {
            r#"{"StreamName": "porch", "FragmentTimecodeType": "RELATIVE", "ShardlabFragments": [{"DurationInMilliseconds": 2000, "SizeInBytes": 500000}]}"#
        }
        "GetMedia" => r#"{"StreamName": "front-door", "StartSelector": {"StartSelectorType": "NOW"}}"#,
        "GetHLSStreamingSessionURL" => r#"{"StreamName": "front-door", "PlaybackMode": "LIVE"}"#,
        // The run's first 20 seconds: its clock starts at 2026-01-01T00:00:00Z.
        "GetClip" => {
            r#"{"StreamName": "front-door", "ClipFragmentSelector": {"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": {"StartTimestamp": 1767225600, "EndTimestamp": 1767225620}}}"#
        }
        _ => r#"{"StreamName": "front-door"}"#,
    }
}

/// A starting body for an operation, naming the playground's stream.
pub fn example_body(operation: &str) -> &'static str {
    if let Some(video) = operation.strip_prefix(shardlab_api::video::TARGET_PREFIX) {
        return video_example_body(video);
    }
    match operation {
        "PutRecord" => r#"{"StreamName": "clickstream", "PartitionKey": "user-1", "Data": "aGVsbG8="}"#,
        "PutRecords" => {
            r#"{"StreamName": "clickstream", "Records": [{"PartitionKey": "a", "Data": "aGk="}, {"PartitionKey": "b", "Data": "aGk="}]}"#
        }
        "GetShardIterator" => {
            r#"{"StreamName": "clickstream", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}"#
        }
        "GetRecords" => r#"{"ShardIterator": "paste NextShardIterator or ShardIterator here", "Limit": 10}"#,
        "CreateStream" => r#"{"StreamName": "orders", "ShardCount": 2}"#,
        "SplitShard" => {
            r#"{"StreamName": "clickstream", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "85070591730234615865843651857942052864"}"#
        }
        "UpdateShardCount" => {
            r#"{"StreamName": "clickstream", "TargetShardCount": 4, "ScalingType": "UNIFORM_SCALING"}"#
        }
        "ListStreams" | "DescribeLimits" | "DescribeAccountSettings" => "{}",
        _ => r#"{"StreamName": "clickstream"}"#,
    }
}

/// The console.
#[component]
pub fn ApiConsole(props: &ApiConsoleProps) -> Html {
    let operation = use_state(|| String::from("PutRecord"));
    let body = use_state(|| String::from(example_body("PutRecord")));
    let on_operation = {
        let (operation, body) = (operation.clone(), body.clone());
        Callback::from(move |e: Event| {
            let chosen = e.target_unchecked_into::<HtmlSelectElement>().value();
            body.set(example_body(&chosen).into());
            operation.set(chosen);
        })
    };
    let on_body = {
        let body = body.clone();
        Callback::from(move |e: InputEvent| body.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let on_send = {
        let (operation, body, send) = (operation.clone(), body.clone(), props.on_send.clone());
        Callback::from(move |_: MouseEvent| send.emit(((*operation).clone(), (*body).clone())))
    };
    html! {
        <div class="api-console">
            <div class="api-request">
                <label>{ "Operation " }
                    <select aria-label="Operation" onchange={on_operation}>
                        { for shardlab_api::operation_names().map(|name| html! {
                            <option value={name} selected={name == operation.as_str()}>{ format!("Kinesis_20131202.{name}") }</option>
                        }) }
                        { for shardlab_api::firehose::operation_names().map(|name| {
                            let value = format!("{}{name}", shardlab_api::firehose::TARGET_PREFIX);
                            let selected = value == *operation;
                            html! { <option value={value.clone()} {selected}>{ value }</option> }
                        }) }
                        { for VIDEO_OPERATIONS.iter().map(|name| {
                            let value = format!("{}{name}", shardlab_api::video::TARGET_PREFIX);
                            let selected = value == *operation;
                            html! { <option value={value.clone()} {selected}>{ value }</option> }
                        }) }
                    </select>
                </label>
                <textarea aria-label="Request body" spellcheck="false" value={(*body).clone()} oninput={on_body} />
                <button class="primary" aria-label="Send request" onclick={on_send}>{ "Send" }</button>
                if let Some(error) = &props.error {
                    <p class="field-error" role="alert" data-testid="api-error">{ error }</p>
                }
                <p class="note">{ "Type the JSON body of the chosen operation, or an AWS CLI command such as `aws kinesis describe-stream-summary --stream-name clickstream` or `aws kinesisvideo describe-stream --stream-name front-door`. Calls act on the running simulation at its current time; records become readable 200 ms after they are written." }</p>
            </div>
            <ol class="api-history" aria-label="API responses" data-testid="api-history">
                { for props.history.iter().map(|x| {
                    // Re-run sends the same request again, now (a second PutRecord writes a second record).
                    let rerun = {
                        let (send, op, request) = (props.on_send.clone(), x.operation.clone(), x.request.clone());
                        Callback::from(move |_: MouseEvent| send.emit((op.clone(), request.clone())))
                    };
                    html! {
                    <li class={if x.status == 200 { "ok" } else { "error" }}>
                        <div class="api-head">
                            <time>{ clock(x.at_ms) }</time>
                            <strong>{ &x.operation }</strong>
                            <span class="status" data-testid="api-status">{ format!("HTTP {}", x.status) }</span>
                            <button class="small" aria-label={format!("Re-run {}", x.operation)} onclick={rerun}>{ "Re-run" }</button>
                        </div>
                        <pre data-testid="api-response">{ &x.response }</pre>
                    </li>
                }
                }) }
            </ol>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Runner;
    use shardlab_engine::SimDuration;

    #[test]
    fn every_video_example_is_answered_by_the_camera_preset_in_list_order() {
        let scenario = shardlab_scenario::preset("camera-video-stream").expect("the camera preset").scenario();
        let (config, nodes) = scenario.to_sim_config().expect("it runs");
        let mut runner = Runner::new(config, nodes).expect("a runner");
        // Past the first 20 seconds, so GetClip's range is stored.
        runner.advance_by(SimDuration::from_secs(30), u32::MAX);
        for name in VIDEO_OPERATIONS {
            let target = format!("{}{name}", shardlab_api::video::TARGET_PREFIX);
            let exchange = runner.call_api(&target, example_body(&target));
            assert_eq!(exchange.status, 200, "{name}: {}", exchange.response);
        }
        // A second PutMedia to front-door is refused: its camera holds the stream's one connection.
        let target = format!("{}PutMedia", shardlab_api::video::TARGET_PREFIX);
        let body = example_body(&target).replace("porch", "front-door");
        let exchange = runner.call_api(&target, &body);
        assert_eq!(exchange.status, 400, "{}", exchange.response);
        assert!(exchange.response.contains("ConnectionLimitExceededException"), "{}", exchange.response);
    }
}
