//! The event log's words: each observation of the engine's account of the run, in plain English, with the
//! component it concerns and, for every problem, an explanation with the limit, the numbers at that moment and
//! the fixes. What counts as a problem, and when, is the engine's (`shardlab_engine::account`); this module only
//! words it.

use crate::format::{bytes_per_sec, bytes_size, count, records_per_sec, thousands};
use shardlab_engine::Observation;
use shardlab_engine::account::Observed;
use shardlab_engine::limits::{
    GET_RECORDS_CALLS_PER_SEC, SHARD_READ_BYTES_PER_SEC, SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC,
};
use shardlab_engine::throttle::WriteLimit;

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

/// An observation in words, or `None` for those the log does not show.
pub fn narrate(observation: &Observation) -> Option<LogLine> {
    let at_ms = observation.at.as_millis();
    let stream_line = |stream: &str| (format!("stream {stream}"), Some(stream.to_string()));
    let consumer_line = |consumer: &str| (format!("consumer {consumer}"), Some(consumer.to_string()));
    let line = match &observation.what {
        Observed::StreamCreated { stream, shard_count } => {
            let (component, node) = stream_line(stream);
            LogLine::info(
                at_ms,
                component,
                node,
                format!(
                    "Stream {stream} is ready with {}: it can take {} and {} of writes.",
                    count(u64::from(*shard_count), "shard", "shards"),
                    records_per_sec(u64::from(*shard_count) * SHARD_WRITE_RECORDS_PER_SEC),
                    bytes_per_sec(u64::from(*shard_count) * SHARD_WRITE_BYTES_PER_SEC),
                ),
            )
        }
        Observed::WriteThrottleStarted {
            stream,
            shard,
            throttled_records,
            accepted_records,
            asked_bytes_estimate,
            limit,
            ..
        } => {
            let (component, node) = stream_line(stream);
            let attempted = throttled_records + accepted_records;
            let numbers = format!(
                "In that second {shard} was asked to take {} (about {}) and accepted {}.",
                count(attempted, "record", "records"),
                bytes_size(*asked_bytes_estimate),
                thousands(*accepted_records)
            );
            let (limit_words, why) = match limit {
                WriteLimit::Records => ("1,000 records/s", "Each shard accepts at most 1,000 records per second."),
                WriteLimit::Bytes => ("1 MiB/s", "Each shard accepts at most 1 MiB (1,048,576 bytes) per second."),
                WriteLimit::InjectedFault => {
                    return Some(LogLine::warning(
                        at_ms,
                        component,
                        node,
                        format!(
                            "Shard {shard} rejected {} of {} with ProvisionedThroughputExceededException because \
                             the scenario injects extra throttling, not because of its limits. Retries ride it out.",
                            thousands(*throttled_records),
                            count(attempted, "put", "puts"),
                        ),
                        Explanation {
                            limit: "A fault injected by the scenario rejects a share of all writes.".into(),
                            numbers,
                            fixes: vec!["Retry with backoff (the SDKs do)", "Remove the fault from the scenario"],
                        },
                    ));
                }
            };
            LogLine::warning(
                at_ms,
                component,
                node,
                format!(
                    "Shard {shard} is over its write limit ({limit_words}): {} of {} were rejected with \
                     ProvisionedThroughputExceededException. Add shards, or spread writes over more partition keys.",
                    thousands(*throttled_records),
                    count(attempted, "put", "puts"),
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
            )
        }
        Observed::WriteThrottleEnded { stream, shard, seconds, throttled_records } => {
            let (component, node) = stream_line(stream);
            LogLine::info(
                at_ms,
                component,
                node,
                format!(
                    "Shard {shard} is within its write limits again, after {} s in which it rejected {}.",
                    thousands(*seconds),
                    count(*throttled_records, "put", "puts")
                ),
            )
        }
        Observed::ReadThrottleStarted { consumer, throttled_calls, busiest_shard_calls, busiest_shard_bytes, .. } => {
            let (component, node) = consumer_line(consumer);
            LogLine::warning(
                at_ms,
                component,
                node,
                format!(
                    "Consumer {consumer} had {} refused with ProvisionedThroughputExceededException \
                     in one second: the readers of a shard share 5 calls/s and 2 MiB/s.",
                    count(*throttled_calls, "GetRecords call", "GetRecords calls")
                ),
                Explanation {
                    limit: format!(
                        "GetRecords allows {GET_RECORDS_CALLS_PER_SEC} calls per second per shard and {} per shard, shared by every polling reader.",
                        bytes_per_sec(SHARD_READ_BYTES_PER_SEC)
                    ),
                    numbers: format!(
                        "In that second the busiest shard was called {busiest_shard_calls} times and returned {}.",
                        bytes_per_sec(*busiest_shard_bytes)
                    ),
                    fixes: vec![
                        "Use enhanced fan-out: each consumer gets its own 2 MiB/s per shard, pushed",
                        "Poll less often (every 1 s is enough for most readers)",
                        "Fewer polling applications on the same stream",
                    ],
                },
            )
        }
        Observed::ReadThrottleEnded { consumer, seconds, throttled_calls, .. } => {
            let (component, node) = consumer_line(consumer);
            LogLine::info(
                at_ms,
                component,
                node,
                format!(
                    "Consumer {consumer}'s reads are no longer refused ({} refused over {} s).",
                    count(*throttled_calls, "call", "calls"),
                    thousands(*seconds)
                ),
            )
        }
        Observed::FellBehind { consumer, iterator_age_ms, records_read, threshold_ms, .. } => {
            let (component, node) = consumer_line(consumer);
            LogLine::warning(
                at_ms,
                component,
                node,
                format!(
                    "Consumer {consumer} is falling behind: its iterator age reached {} s (records it reads were written that long ago).",
                    iterator_age_ms / 1_000
                ),
                Explanation {
                    limit: format!(
                        "A reader keeps up only if it reads as fast as records arrive; past {} s of iterator age it is said to fall behind here.",
                        threshold_ms / 1_000
                    ),
                    numbers: format!(
                        "It read {} in that second; iterator age {} ms.",
                        records_per_sec(*records_read),
                        thousands(*iterator_age_ms)
                    ),
                    fixes: vec![
                        "Process records faster, or add KCL workers (one per shard at most)",
                        "Add shards, so more workers can read in parallel",
                        "Use enhanced fan-out if reads are throttled",
                    ],
                },
            )
        }
        Observed::CaughtUp { consumer, threshold_ms, .. } => {
            let (component, node) = consumer_line(consumer);
            LogLine::info(
                at_ms,
                component,
                node,
                format!("Consumer {consumer} caught up: its iterator age is back under {} s.", threshold_ms / 1_000),
            )
        }
        Observed::IteratorExpired { consumer, count: expired, .. } => {
            let (component, node) = consumer_line(consumer);
            LogLine::warning(
                at_ms,
                component,
                node,
                format!(
                    "Consumer {consumer} held {} too long, past expiry (ExpiredIteratorException), and asked for new ones.",
                    count(*expired, "shard iterator", "shard iterators")
                ),
                Explanation {
                    limit: "A shard iterator expires 5 minutes after GetShardIterator or GetRecords returned it.".into(),
                    numbers: format!("{} expired in that second.", thousands(*expired)),
                    fixes: vec!["Call GetRecords sooner after getting an iterator", "Restart from the last checkpoint"],
                },
            )
        }
        Observed::RecordsGivenUpStarted { producer, records, total, .. } => LogLine::warning(
            at_ms,
            format!("producer {producer}"),
            Some(producer.clone()),
            format!(
                "Producer {producer} gave up on {} after its last retry: lost for good.",
                count(*records, "record", "records")
            ),
            Explanation {
                limit: "A producer retries a throttled record a few times, then gives up (or the KPL drops it after its RecordTtl of 30 s).".into(),
                numbers: format!("{} given up in that second, {} so far.", count(*records, "record", "records"), thousands(*total)),
                fixes: vec![
                    "Fix the throttling first: add shards or spread partition keys",
                    "Allow more attempts with longer backoff",
                ],
            },
        ),
        Observed::RecordsGivenUpEnded { producer, seconds, records } => LogLine::info(
            at_ms,
            format!("producer {producer}"),
            Some(producer.clone()),
            format!(
                "Producer {producer} stopped losing records: {} given up over {} s.",
                count(*records, "record", "records"),
                thousands(*seconds)
            ),
        ),
        Observed::Resharded { stream, from_shards, to_shards } => {
            let (component, node) = stream_line(stream);
            LogLine::info(
                at_ms,
                component,
                node,
                format!("Stream {stream} was resharded from {from_shards} to {to_shards} open shards."),
            )
        }
        Observed::OnDemandScaled {
            stream,
            from_shards,
            to_shards,
            peak_bytes_per_sec,
            peak_records_per_sec,
            capacity_bytes_per_sec,
            capacity_records_per_sec,
        } => {
            let (component, node) = stream_line(stream);
            LogLine::info(
                at_ms,
                component,
                node,
                format!(
                    "On-demand stream {stream} scaled from {from_shards} to {to_shards} shards: its peak write \
                     throughput reached {} and {}, and on-demand capacity follows up to twice the peak, so it can \
                     now take {} and {}.",
                    bytes_per_sec(*peak_bytes_per_sec),
                    records_per_sec(*peak_records_per_sec),
                    bytes_per_sec(*capacity_bytes_per_sec),
                    records_per_sec(*capacity_records_per_sec)
                ),
            )
        }
        Observed::StreamChangeAccepted { stream, change } => {
            let (component, node) = stream_line(stream);
            LogLine::info(at_ms, component, node, format!("Scheduled {change} of stream {stream}: accepted."))
        }
        Observed::StreamChangeRefused { stream, change, error_type, message } => {
            let (component, node) = stream_line(stream);
            LogLine::warning(
                at_ms,
                component,
                node,
                format!("Scheduled {change} of stream {stream} was refused: {error_type}: {message}"),
                Explanation {
                    limit: "A scheduled change goes through the service's own operation, so AWS's rules apply when it \
                            fires: UpdateShardCount goes to between half and double the open shards, at most 10 times \
                            in 24 hours; a stream switches capacity mode at most twice in 24 hours; resharding needs an \
                            ACTIVE provisioned stream and an open shard."
                        .into(),
                    numbers: format!("AWS answered {error_type}."),
                    fixes: vec![
                        "Move the event later, after the stream's previous change has finished",
                        "Change the target to within AWS's limits",
                        "Name a shard that is open at that time (the page's shard view shows the lineage)",
                    ],
                },
            )
        }
        Observed::FirehoseDelivered { delivery_stream, destination, records, bytes } => LogLine::info(
            at_ms,
            format!("firehose {delivery_stream}"),
            Some(delivery_stream.clone()),
            format!(
                "Firehose {delivery_stream} delivered {} ({}) to {destination}.",
                count(u64::from(*records), "record", "records"),
                bytes_size(*bytes)
            ),
        ),
        Observed::FirehoseDeliveryFailed { delivery_stream, error_code, attempt } => firehose_failure(
            at_ms,
            delivery_stream,
            format!("Firehose {delivery_stream}'s delivery attempt {attempt} failed with {error_code}; it will retry."),
            format!("Attempt {attempt} failed with {error_code}."),
        ),
        Observed::FirehoseBackedUp { delivery_stream, error_code, attempt } => firehose_failure(
            at_ms,
            delivery_stream,
            format!(
                "Firehose {delivery_stream} gave up after attempt {attempt} ({error_code}): the records went to the S3 backup under the error output prefix."
            ),
            format!("Attempt {attempt} failed with {error_code}."),
        ),
        Observed::AnalyticsStopped { app, problems } => LogLine::warning(
            at_ms,
            format!("analytics {app}"),
            Some(app.clone()),
            format!("Analytics application {app} stopped: its SQL does not fit the records it reads."),
            Explanation {
                limit: "An application's SQL is checked against the input schema discovered from the stream's first records.".into(),
                numbers: problems.join("; "),
                fixes: vec!["Fix the SQL named in the problem", "Check the input schema the application discovered"],
            },
        ),
        Observed::AgentSendsFailing { agent, records_failed, .. } => LogLine::warning(
            at_ms,
            format!("agent {agent}"),
            None,
            format!(
                "The Kinesis Agent tailing {agent} had {} refused; it retries with backoff.",
                count(*records_failed, "record", "records")
            ),
            Explanation {
                limit: "The Agent retries records its PutRecords (or PutRecordBatch) call could not write, backing off up to 10 s.".into(),
                numbers: format!("{} failed in that second.", count(*records_failed, "record", "records")),
                fixes: vec![
                    "Give the destination more capacity (add shards)",
                    "Send smaller batches less often (maxBufferAgeMillis, maxBufferSizeRecords)",
                ],
            },
        ),
        Observed::AgentSendsRecovered { agent, seconds, records_failed } => LogLine::info(
            at_ms,
            format!("agent {agent}"),
            None,
            format!(
                "The Kinesis Agent tailing {agent} sends without failures again ({} retried over {} s).",
                count(*records_failed, "record", "records"),
                thousands(*seconds)
            ),
        ),
        Observed::FirehoseSourceExpired { delivery_stream, source_stream, shard_id, records } => LogLine::warning(
            at_ms,
            format!("firehose {delivery_stream}"),
            Some(delivery_stream.clone()),
            format!(
                "{} of {source_stream} ({shard_id}) passed the stream's retention before Firehose \
                 {delivery_stream} read them: lost for good.",
                count(*records, "record", "records")
            ),
            Explanation {
                limit: "While Firehose retries a failed delivery it stops reading its source stream; the data \
                        waits there, and is trimmed once it is older than the stream's retention period."
                    .into(),
                numbers: format!("{} trimmed unread.", count(*records, "record", "records")),
                fixes: vec![
                    "Bring the destination back sooner, or shorten the retry duration",
                    "Increase the source stream's retention period",
                ],
            },
        ),
        video @ (Observed::VideoConnectionRefused { .. }
        | Observed::VideoConnectionDropped { .. }
        | Observed::VideoFragmentRefused { .. }
        | Observed::VideoIngestBehind { .. }
        | Observed::VideoConsumerRefused { .. }) => return crate::video_narration::narrate(at_ms, video),
        _ => return None,
    };
    Some(line)
}

/// A failed Firehose delivery, retried or given up on, explained.
fn firehose_failure(at_ms: u64, delivery_stream: &str, text: String, numbers: String) -> LogLine {
    LogLine::warning(
        at_ms,
        format!("firehose {delivery_stream}"),
        Some(delivery_stream.to_string()),
        text,
        Explanation {
            limit: "Firehose retries a failed delivery until the destination's retry duration runs out, then writes the records to S3 under the error output prefix.".into(),
            numbers,
            fixes: vec![
                "Bring the destination back, or give it more capacity",
                "Raise the retry duration so an outage is ridden out",
                "Replay what landed under the error output prefix",
            ],
        },
    )
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
    use shardlab_engine::account::BEHIND_ITERATOR_AGE_MS;
    use shardlab_engine::{ShardId, SimTime};

    fn observed(what: Observed) -> Observation {
        Observation { at: SimTime::from_secs(121), what }
    }

    #[test]
    fn a_failed_firehose_delivery_is_explained_and_giving_up_says_where_the_records_went() {
        let (delivery_stream, error_code) = (String::from("to-http"), "HttpEndpoint.DestinationException");
        let retrying = narrate(&observed(Observed::FirehoseDeliveryFailed {
            delivery_stream: delivery_stream.clone(),
            error_code,
            attempt: 7,
        }))
        .expect("a line");
        assert!(retrying.is_warning && retrying.text.ends_with("it will retry."), "{}", retrying.text);
        assert_eq!((retrying.component.as_str(), retrying.node.as_deref()), ("firehose to-http", Some("to-http")));
        let last =
            narrate(&observed(Observed::FirehoseBackedUp { delivery_stream, error_code, attempt: 7 })).expect("a line");
        assert!(last.text.contains("gave up after attempt 7 (HttpEndpoint.DestinationException)"), "{}", last.text);
        assert!(last.explanation.expect("why").numbers.contains("Attempt 7"));
    }

    #[test]
    fn a_bytes_throttle_names_the_mib_limit_and_its_end_is_news_not_a_warning() {
        let started = narrate(&observed(Observed::WriteThrottleStarted {
            stream: "orders".into(),
            shard: ShardId(1),
            second: 120,
            throttled_records: 100,
            accepted_records: 100,
            accepted_bytes: 1_048_576,
            asked_bytes_estimate: 2_097_152,
            limit: WriteLimit::Bytes,
        }))
        .expect("a line");
        assert!(started.text.contains("over its write limit (1 MiB/s): 100 of 200 puts"), "{}", started.text);
        assert_eq!(started.node.as_deref(), Some("orders"));
        let ended = narrate(&observed(Observed::WriteThrottleEnded {
            stream: "orders".into(),
            shard: ShardId(1),
            seconds: 3,
            throttled_records: 300,
        }))
        .expect("a line");
        assert!(!ended.is_warning && ended.explanation.is_none());
        assert!(ended.text.contains("after 3 s in which it rejected 300 puts"), "{}", ended.text);
    }

    #[test]
    fn an_on_demand_step_gives_the_peak_and_the_capacity_and_a_refusal_quotes_aws() {
        let line = narrate(&observed(Observed::OnDemandScaled {
            stream: "sales".into(),
            from_shards: 4,
            to_shards: 8,
            peak_bytes_per_sec: 4_194_304,
            peak_records_per_sec: 4_000,
            capacity_bytes_per_sec: 8 * 1_048_576,
            capacity_records_per_sec: 8_000,
        }))
        .expect("a line");
        assert_eq!(
            line.text,
            "On-demand stream sales scaled from 4 to 8 shards: its peak write throughput reached 4.0 MiB/s and \
             4,000 rec/s, and on-demand capacity follows up to twice the peak, so it can now take 8.0 MiB/s and \
             8,000 rec/s."
        );
        let message = "Stream s under account 000000000000 has already been scaled 10 times in the last 24 hours.";
        let refused = narrate(&observed(Observed::StreamChangeRefused {
            stream: "s".into(),
            change: "UpdateShardCount to 4 shards".into(),
            error_type: "LimitExceededException",
            message: message.into(),
        }))
        .expect("a line");
        assert!(refused.is_warning);
        assert!(refused.text.ends_with(&format!("was refused: LimitExceededException: {message}")), "{}", refused.text);
    }

    #[test]
    fn falling_behind_quotes_the_engines_threshold() {
        let line = narrate(&observed(Observed::FellBehind {
            stream: "s".into(),
            consumer: "reader".into(),
            second: 30,
            iterator_age_ms: 12_345,
            records_read: 100,
            threshold_ms: BEHIND_ITERATOR_AGE_MS,
        }))
        .expect("a line");
        assert!(line.text.starts_with("Consumer reader is falling behind: its iterator age reached 12 s"));
        let why = line.explanation.expect("why");
        assert!(why.limit.contains(&format!("past {} s", BEHIND_ITERATOR_AGE_MS / 1_000)), "{}", why.limit);
        assert!(why.numbers.contains("12,345 ms"), "{}", why.numbers);
    }
}
