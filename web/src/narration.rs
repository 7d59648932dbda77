//! The event log's words: each notable thing that happened, in plain English, with the component it
//! concerns and, for every problem, an explanation with the limit, the numbers at that moment and the fixes.
//! Engine events are narrated as they come; read throttles, consumers falling behind and producers dropping
//! records are noticed from each completed second's metrics.

use crate::format::{bytes_per_sec, bytes_size, records_per_sec, thousands};
use shardlab_engine::limits::{
    GET_RECORDS_CALLS_PER_SEC, SHARD_READ_BYTES_PER_SEC, SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC,
};
use shardlab_engine::throttle::WriteLimit;
use shardlab_engine::{Event, Simulation};

/// Iterator age at which a consumer is said to fall behind.
pub const BEHIND_MS: u64 = 10_000;

/// Why something went wrong and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The AWS limit or rule, in words.
    pub limit: String,
    /// The numbers at that moment.
    pub numbers: String,
    /// Ways out, most likely first.
    pub fixes: Vec<&'static str>,
}

/// A log line: when, about what, and what happened in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// Simulated milliseconds.
    pub at_ms: u64,
    /// The text.
    pub text: String,
    /// Whether it reports a problem.
    pub is_warning: bool,
    /// What it concerns, for the filter ("stream clickstream", "consumer reader", "API console").
    pub component: String,
    /// The pipeline component's name, to select it (the stream for shard lines).
    pub node: Option<String>,
    /// For problems: the why.
    pub explanation: Option<Explanation>,
}

impl LogLine {
    /// An informational line.
    pub fn info(at_ms: u64, component: String, node: Option<String>, text: String) -> Self {
        Self { at_ms, text, is_warning: false, component, node, explanation: None }
    }

    /// A problem, with its explanation.
    pub fn warning(at_ms: u64, component: String, node: Option<String>, text: String, why: Explanation) -> Self {
        Self { at_ms, text, is_warning: true, component, node, explanation: Some(why) }
    }
}

/// An engine event in words, or `None` for events the log does not show.
pub fn narrate_event(event: &Event, sim: &Simulation) -> Option<LogLine> {
    let at_ms = event.at().as_millis();
    let stream = sim.config().streams.first().map(|s| s.name.clone()).unwrap_or_default();
    let component = format!("stream {stream}");
    match event {
        Event::StreamCreated { stream_name, shard_count, .. } => Some(LogLine::info(
            at_ms,
            component,
            Some(stream.clone()),
            format!(
                "Stream {stream_name} is ready with {shard_count} shards: it can take {} and {} of writes.",
                records_per_sec(u64::from(*shard_count) * SHARD_WRITE_RECORDS_PER_SEC),
                bytes_per_sec(u64::from(*shard_count) * SHARD_WRITE_BYTES_PER_SEC),
            ),
        )),
        Event::WriteThrottled { shard_id, throttled_records, accepted_records, limit, at, .. } => {
            let attempted = throttled_records + accepted_records;
            // The second the event closes; the shard's accepted bytes give the mean record size.
            let second = at.as_secs().saturating_sub(u64::from(at.as_millis() % 1_000 == 0));
            let accepted_bytes = sim
                .stream()
                .and_then(|s| s.shards().iter().find(|sh| sh.id == *shard_id))
                .map_or(0, |sh| sh.metrics.second(second).incoming_bytes);
            let asked_bytes =
                if *accepted_records == 0 { 0 } else { accepted_bytes.saturating_mul(attempted) / accepted_records };
            let numbers = format!(
                "In that second {shard_id} was asked to take {} records (about {}) and accepted {}.",
                thousands(attempted),
                bytes_size(asked_bytes),
                thousands(*accepted_records)
            );
            let (limit_words, why) = match limit {
                WriteLimit::Records => ("1,000 records/s", "Each shard accepts at most 1,000 records per second."),
                WriteLimit::Bytes => ("1 MiB/s", "Each shard accepts at most 1 MiB (1,048,576 bytes) per second."),
                WriteLimit::InjectedFault => {
                    return Some(LogLine::warning(
                        at_ms,
                        component,
                        Some(stream),
                        format!(
                            "Shard {shard_id} rejected {} of {} puts with ProvisionedThroughputExceededException because \
                             the scenario injects extra throttling, not because of its limits. Retries ride it out.",
                            thousands(*throttled_records),
                            thousands(attempted),
                        ),
                        Explanation {
                            limit: "A fault injected by the scenario rejects a share of all writes.".into(),
                            numbers,
                            fixes: vec!["Retry with backoff (the SDKs do)", "Remove the fault from the scenario"],
                        },
                    ));
                }
            };
            Some(LogLine::warning(
                at_ms,
                component,
                Some(stream),
                format!(
                    "Shard {shard_id} is over its write limit ({limit_words}): {} of {} puts were rejected with \
                     ProvisionedThroughputExceededException. Add shards, or spread writes over more partition keys.",
                    thousands(*throttled_records),
                    thousands(attempted),
                ),
                Explanation {
                    limit: why.into(),
                    numbers,
                    fixes: vec![
                        "Add shards (split the hot one, or UpdateShardCount)",
                        "Use more distinct partition keys, so writes spread over all shards",
                        "Batch with PutRecords, or aggregate small records with the KPL (fewer, larger records)",
                        "Switch the stream to on-demand capacity",
                    ],
                },
            ))
        }
        Event::FirehoseDelivered { delivery_stream, destination, records, bytes, .. } => Some(LogLine::info(
            at_ms,
            format!("firehose {delivery_stream}"),
            Some(delivery_stream.clone()),
            format!(
                "Firehose {delivery_stream} delivered {} records ({}) to {destination}.",
                thousands(u64::from(*records)),
                bytes_size(*bytes)
            ),
        )),
        Event::FirehoseDeliveryFailed { delivery_stream, error_code, attempt, gave_up, .. } => Some(LogLine::warning(
            at_ms,
            format!("firehose {delivery_stream}"),
            Some(delivery_stream.clone()),
            if *gave_up {
                format!(
                    "Firehose {delivery_stream} gave up after attempt {attempt} ({error_code}): the records went to the S3 backup under the error output prefix."
                )
            } else {
                format!("Firehose {delivery_stream}'s delivery attempt {attempt} failed with {error_code}; it will retry.")
            },
            Explanation {
                limit: "Firehose retries a failed delivery until the destination's retry duration runs out, then writes the records to S3 under the error output prefix.".into(),
                numbers: format!("Attempt {attempt} failed with {error_code}."),
                fixes: vec![
                    "Bring the destination back, or give it more capacity",
                    "Raise the retry duration so an outage is ridden out",
                    "Replay what landed under the error output prefix",
                ],
            },
        )),
        _ => None,
    }
}

/// What the previous second looked like, to notice changes.
#[derive(Clone, Debug, Default)]
pub struct Watch {
    /// The last second already looked at, plus one.
    next_second: u64,
    /// Consumers already reported as behind.
    behind: Vec<bool>,
    /// Producers' dropped totals at the last look.
    dropped: Vec<u64>,
}

/// Lines for every second that completed since the last call (read throttles, consumers falling behind or
/// catching up, producers giving records up).
pub fn narrate_seconds(sim: &Simulation, watch: &mut Watch) -> Vec<LogLine> {
    let mut lines = Vec::new();
    let complete = sim.now().as_secs();
    // A big jump (a fast-forward) is summarised from its last second only.
    let first = watch.next_second.max(complete.saturating_sub(1));
    for second in first..complete {
        let at_ms = (second + 1) * 1_000;
        let consumers = sim.consumers();
        watch.behind.resize(consumers.len(), false);
        for (i, app) in consumers.iter().enumerate() {
            let bucket = app.second(second);
            let name = &app.config.name;
            if bucket.throttled_calls > 0 {
                let shard_calls: Option<(u64, u64)> = sim.stream().map(|s| {
                    s.shards().iter().filter(|sh| sh.is_open()).fold((0, 0), |(calls, bytes), sh| {
                        let b = sh.metrics.second(second);
                        (
                            calls.max(b.get_records_success + b.read_provisioned_throughput_exceeded),
                            bytes.max(b.outgoing_bytes),
                        )
                    })
                });
                let (calls, bytes) = shard_calls.unwrap_or_default();
                lines.push(LogLine::warning(
                    at_ms,
                    format!("consumer {name}"),
                    Some(name.clone()),
                    format!(
                        "Consumer {name} had {} GetRecords calls refused with ProvisionedThroughputExceededException: \
                         the readers of a shard share 5 calls/s and 2 MiB/s.",
                        thousands(bucket.throttled_calls)
                    ),
                    Explanation {
                        limit: format!(
                            "GetRecords allows {GET_RECORDS_CALLS_PER_SEC} calls per second per shard and {} per shard, shared by every polling reader.",
                            bytes_per_sec(SHARD_READ_BYTES_PER_SEC)
                        ),
                        numbers: format!(
                            "In that second the busiest shard was called {calls} times and returned {}.",
                            bytes_per_sec(bytes)
                        ),
                        fixes: vec![
                            "Use enhanced fan-out: each consumer gets its own 2 MiB/s per shard, pushed",
                            "Poll less often (every 1 s is enough for most readers)",
                            "Fewer polling applications on the same stream",
                        ],
                    },
                ));
            }
            let behind = bucket.iterator_age_ms_max >= BEHIND_MS;
            if behind && !watch.behind[i] {
                lines.push(LogLine::warning(
                    at_ms,
                    format!("consumer {name}"),
                    Some(name.clone()),
                    format!(
                        "Consumer {name} is falling behind: its iterator age reached {} s (records it reads were written that long ago).",
                        bucket.iterator_age_ms_max / 1_000
                    ),
                    Explanation {
                        limit: format!(
                            "A reader keeps up only if it reads as fast as records arrive; past {} s of iterator age it is said to fall behind here.",
                            BEHIND_MS / 1_000
                        ),
                        numbers: format!(
                            "It read {} in that second; iterator age {} ms.",
                            records_per_sec(bucket.records),
                            thousands(bucket.iterator_age_ms_max)
                        ),
                        fixes: vec![
                            "Process records faster, or add KCL workers (one per shard at most)",
                            "Add shards, so more workers can read in parallel",
                            "Use enhanced fan-out if reads are throttled",
                        ],
                    },
                ));
            } else if !behind && watch.behind[i] {
                lines.push(LogLine::info(
                    at_ms,
                    format!("consumer {name}"),
                    Some(name.clone()),
                    format!("Consumer {name} caught up: its iterator age is back under {} s.", BEHIND_MS / 1_000),
                ));
            }
            watch.behind[i] = behind;
        }
    }
    let producers: Vec<_> = sim.producers().map(|(c, t)| (c.name.clone(), t.dropped)).collect();
    watch.dropped.resize(producers.len(), 0);
    for (i, (name, dropped)) in producers.into_iter().enumerate() {
        if dropped > watch.dropped[i] && complete > 0 {
            lines.push(LogLine::warning(
                complete * 1_000,
                format!("producer {name}"),
                Some(name.clone()),
                format!(
                    "Producer {name} gave up on {} records after its last retry: they are lost.",
                    thousands(dropped - watch.dropped[i])
                ),
                Explanation {
                    limit: "A producer retries a throttled record a few times, then gives up (or the KPL drops it after its RecordTtl of 30 s).".into(),
                    numbers: format!("{} records given up so far.", thousands(dropped)),
                    fixes: vec![
                        "Fix the throttling first: add shards or spread partition keys",
                        "Allow more attempts with longer backoff",
                    ],
                },
            ));
        }
        watch.dropped[i] = dropped;
    }
    watch.next_second = complete;
    lines
}

/// An API console error explained: (the limit or rule, what to do).
pub fn explain_api_error(error_type: &str) -> Option<Explanation> {
    let (limit, fixes): (&str, Vec<&'static str>) = match error_type {
        "ProvisionedThroughputExceededException" => (
            "A shard takes 1,000 records/s and 1 MiB/s of writes; its readers share 5 GetRecords calls/s and 2 MiB/s.",
            vec!["Retry with backoff", "Add shards or spread partition keys", "Use enhanced fan-out for reads"],
        ),
        "ExpiredIteratorException" => (
            "A shard iterator expires 5 minutes after it is returned.",
            vec!["Call GetShardIterator again, from the last sequence number you processed"],
        ),
        "ResourceNotFoundException" => (
            "The stream, shard or consumer must exist, in this account and Region.",
            vec!["Check the name with ListStreams / ListShards", "Wait until CreateStream finishes (CREATING)"],
        ),
        "ResourceInUseException" => (
            "The stream is not ACTIVE, or the resource is already being changed.",
            vec!["Wait until DescribeStreamSummary says ACTIVE"],
        ),
        "LimitExceededException" => (
            "An account or API rate limit was reached (for example 5 ListShards calls per second, or shard quotas).",
            vec!["Retry with backoff", "Ask for a quota increase"],
        ),
        "ValidationException" | "InvalidArgumentException" => (
            "A member breaks the API's constraints (the message lists which and why).",
            vec!["Fix the member named in the message"],
        ),
        _ => return None,
    };
    Some(Explanation { limit: limit.into(), numbers: String::new(), fixes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shardlab_engine::{SimConfig, SimTime};

    #[test]
    fn a_failed_firehose_delivery_is_explained_and_giving_up_says_where_the_records_went() {
        let sim = Simulation::new(SimConfig::default()).expect("the default config runs");
        let failed = |gave_up| Event::FirehoseDeliveryFailed {
            at: SimTime::from_secs(121),
            delivery_stream: "to-http".into(),
            error_code: "HttpEndpoint.DestinationException",
            attempt: 7,
            gave_up,
        };
        let retrying = narrate_event(&failed(false), &sim).expect("a line");
        assert!(retrying.is_warning && retrying.text.ends_with("it will retry."), "{}", retrying.text);
        assert_eq!((retrying.component.as_str(), retrying.node.as_deref()), ("firehose to-http", Some("to-http")));
        let last = narrate_event(&failed(true), &sim).expect("a line");
        assert!(last.text.contains("gave up after attempt 7 (HttpEndpoint.DestinationException)"), "{}", last.text);
        assert!(last.explanation.expect("why").numbers.contains("Attempt 7"));
    }
}
