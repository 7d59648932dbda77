//! The Kinesis Agent as a producer: it tails a growing, rotating application log, applies its data
//! processing options, buffers, sends batches to a data stream (PutRecords) or a Firehose delivery stream
//! (PutRecordBatch), retries what was throttled or failed, and checkpoints its position per file so a
//! restart resumes where it left off.
//!
//! Settings carry the Agent's own `agent.json` flow names (`filePattern`, `kinesisStream` or
//! `deliveryStream`, `partitionKeyOption`, `dataProcessingOptions`, `maxBufferAgeMillis`,
//! `maxBufferSizeRecords`, `maxBufferSizeBytes`), so what a learner sets transfers to a real agent.

use crate::error::ConfigError;
use crate::rng::Rng;
use crate::time::{SimDuration, SimTime};
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// What the simulated application writes, one line at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum LogSource {
    /// CSV rows `user_id,event,amount_cents`.
    Csv,
    /// Apache combined log format lines.
    ApacheCombined,
    /// BSD syslog lines: `Jan  1 00:00:00 host program[pid]: message`.
    Syslog,
}

/// One `dataProcessingOptions` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "optionName", rename_all = "SCREAMING_SNAKE_CASE")
)]
pub enum ProcessingOption {
    /// Remove line breaks and surrounding whitespace.
    Singleline,
    /// A CSV line to a JSON object with these field names (`customFieldNames`).
    Csvtojson {
        /// `customFieldNames`.
        #[cfg_attr(feature = "serde", serde(rename = "customFieldNames"))]
        custom_field_names: Vec<String>,
    },
    /// A log line in a known format to a JSON object (`logFormat`: COMMONAPACHELOG, COMBINEDAPACHELOG, SYSLOG).
    Logtojson {
        /// `logFormat`.
        #[cfg_attr(feature = "serde", serde(rename = "logFormat"))]
        log_format: String,
    },
}

/// `partitionKeyOption`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum PartitionKeyOption {
    /// A random key per record (the Agent's default).
    #[default]
    Random,
    /// The MD5-like hash of the record, so equal records share a shard.
    Deterministic,
}

/// One Agent flow.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(default, rename_all = "camelCase"))]
pub struct AgentConfig {
    /// `filePattern`: the file the application writes (rotated as `<pattern>.1`, `.2`, …).
    pub file_pattern: String,
    /// `kinesisStream`: the stream to send to (the scenario's stream); unused when `delivery_stream` is set.
    pub kinesis_stream: String,
    /// `deliveryStream`: when set, the flow sends to this Firehose delivery stream (Direct PUT) with
    /// PutRecordBatch instead of to `kinesis_stream`. `None` (the default) keeps the data stream.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub delivery_stream: Option<String>,
    /// `partitionKeyOption`.
    pub partition_key_option: PartitionKeyOption,
    /// `dataProcessingOptions`, applied in order.
    pub data_processing_options: Vec<ProcessingOption>,
    /// `maxBufferAgeMillis`: send a batch at least this often (1,000 to 900,000).
    pub max_buffer_age_millis: u32,
    /// `maxBufferSizeRecords`: records per batch (1 to 500).
    pub max_buffer_size_records: u32,
    /// `maxBufferSizeBytes`: bytes per batch (1 to 5 MiB for a stream's PutRecords).
    pub max_buffer_size_bytes: u32,
    /// The simulated application's write rate.
    pub lines_per_sec: u32,
    /// What it writes.
    pub source: LogSource,
    /// The log rotates after this many lines.
    pub rotate_every_lines: u32,
}

impl Default for AgentConfig {
    fn default() -> Self {
        Self {
            file_pattern: "/var/log/app/app.log".into(),
            kinesis_stream: "clickstream".into(),
            delivery_stream: None,
            partition_key_option: PartitionKeyOption::Random,
            data_processing_options: Vec::new(),
            // Agent defaults (unconfirmed here; see "Divergences from AWS").
            max_buffer_age_millis: 60_000,
            max_buffer_size_records: 500,
            max_buffer_size_bytes: 4_194_304,
            lines_per_sec: 100,
            source: LogSource::ApacheCombined,
            rotate_every_lines: 100_000,
        }
    }
}

/// Where an Agent flow sends its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentTarget<'a> {
    /// `kinesisStream`: a data stream, with PutRecords.
    KinesisStream(&'a str),
    /// `deliveryStream`: a Firehose delivery stream, with PutRecordBatch.
    DeliveryStream(&'a str),
}

impl AgentConfig {
    /// Where this flow sends: the delivery stream if one is named, else the data stream.
    pub fn target(&self) -> AgentTarget<'_> {
        match &self.delivery_stream {
            Some(name) => AgentTarget::DeliveryStream(name),
            None => AgentTarget::KinesisStream(&self.kinesis_stream),
        }
    }

    /// Every problem with this flow.
    pub(crate) fn problems(&self, out: &mut Vec<String>) {
        let file = &self.file_pattern;
        if !(1_000..=900_000).contains(&self.max_buffer_age_millis) {
            out.push(format!("Agent flow {file}: maxBufferAgeMillis must be 1000 to 900000."));
        }
        if !(1..=500).contains(&self.max_buffer_size_records) {
            out.push(format!("Agent flow {file}: maxBufferSizeRecords must be 1 to 500."));
        }
        if !(1..=5_242_880).contains(&self.max_buffer_size_bytes) {
            out.push(format!("Agent flow {file}: maxBufferSizeBytes must be 1 to 5242880."));
        }
        if self.lines_per_sec > 100_000 || self.rotate_every_lines == 0 {
            out.push(format!(
                "Agent flow {file}: the application writes 0 to 100000 lines/s and rotates after 1 line or more."
            ));
        }
        for option in &self.data_processing_options {
            if let ProcessingOption::Logtojson { log_format } = option
                && !["COMMONAPACHELOG", "COMBINEDAPACHELOG", "SYSLOG"].contains(&log_format.as_str())
            {
                out.push(format!(
                    "Agent flow {file}: logFormat {log_format} is not one of COMMONAPACHELOG, COMBINEDAPACHELOG, SYSLOG."
                ));
            }
        }
    }

    /// Checks this flow alone.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        self.problems(&mut problems);
        if problems.is_empty() { Ok(()) } else { Err(ConfigError { problems }) }
    }
}

/// What the Agent has done, as its own metrics name it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AgentTotals {
    /// Lines the application wrote.
    pub lines_written: u64,
    /// Records parsed from them.
    pub records_parsed: u64,
    /// Records sent and accepted.
    pub records_sent: u64,
    /// Record attempts that failed, throttled or otherwise (and were retried).
    pub records_failed: u64,
    /// Records sent twice because a restart came between a send and its checkpoint.
    pub duplicates: u64,
    /// Restarts.
    pub restarts: u64,
}

/// A line of a file, with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    /// Which file (0 = the first; each rotation opens the next).
    pub(crate) file: u32,
    /// The line number within it, from 0.
    pub(crate) number: u64,
    pub(crate) text: String,
}

/// A record waiting to be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pending {
    pub(crate) data: Vec<u8>,
    pub(crate) partition_key: String,
    /// The line it came from (all files counted), for checkpointing.
    pub(crate) index: u64,
    pub(crate) attempts: u32,
}

/// A running Agent.
#[derive(Clone, Debug)]
pub struct Agent {
    /// Its flow.
    pub config: AgentConfig,
    /// Its results so far.
    pub totals: AgentTotals,
    pub(crate) rng: Rng,
    /// Lines written so far (in all files), the one not yet tailed at the back.
    pub(crate) written: u64,
    /// Lines read by the Agent (its position), all files counted.
    pub(crate) read: u64,
    /// Lines confirmed sent, per the checkpoint (all files counted).
    pub checkpoint: u64,
    pub(crate) buffer: VecDeque<Pending>,
    pub(crate) buffer_since: Option<SimTime>,
    /// Lines whose records were sent while an earlier line still waited: a restart sends them again.
    pub(crate) sent_beyond_checkpoint: alloc::collections::BTreeSet<u64>,
    /// No send before this (backoff after a throttle).
    pub(crate) retry_after: SimTime,
}

impl Agent {
    pub(crate) fn new(config: AgentConfig, rng: Rng) -> Self {
        Self {
            config,
            totals: AgentTotals::default(),
            rng,
            written: 0,
            read: 0,
            checkpoint: 0,
            buffer: VecDeque::new(),
            buffer_since: None,
            sent_beyond_checkpoint: alloc::collections::BTreeSet::new(),
            retry_after: SimTime::ZERO,
        }
    }

    /// Lines written but not yet checkpointed: how far behind the Agent is.
    pub fn lines_behind(&self) -> u64 {
        self.written - self.checkpoint
    }

    /// The application's line `index` (all files counted), at Unix ms `unix_ms`.
    pub(crate) fn line(&self, index: u64, unix_ms: u64) -> Line {
        let per_file = u64::from(self.config.rotate_every_lines);
        let mut rng = Rng::new(index ^ 0x4147_454e_545f_4c4f); // "AGENT_LO"
        let user = rng.below(1_000);
        let text = match self.config.source {
            LogSource::Csv => {
                format!("user-{user},{},{}", ["view", "click", "buy"][rng.below(3) as usize], rng.below(10_000))
            }
            LogSource::ApacheCombined => {
                let secs = unix_ms / 1_000;
                let (y, m, d) = crate::calendar::civil_from_days(secs / 86_400);
                const MONTHS: [&str; 12] =
                    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
                format!(
                    "10.0.{}.{} - user-{user} [{d:02}/{}/{y}:{:02}:{:02}:{:02} +0000] \"GET /products/{} HTTP/1.1\" {} {} \"-\" \"Mozilla/5.0\"",
                    rng.below(256),
                    rng.below(256),
                    MONTHS[(m - 1) as usize],
                    secs / 3_600 % 24,
                    secs / 60 % 60,
                    secs % 60,
                    rng.below(500),
                    [200, 200, 200, 404, 500][rng.below(5) as usize],
                    rng.below(50_000),
                )
            }
            LogSource::Syslog => format!(
                "Jan  1 {:02}:{:02}:{:02} web-{} sshd[{}]: Accepted publickey for user-{user}",
                unix_ms / 3_600_000 % 24,
                unix_ms / 60_000 % 60,
                unix_ms / 1_000 % 60,
                rng.below(8),
                1_000 + rng.below(60_000),
            ),
        };
        Line { file: (index / per_file) as u32, number: index % per_file, text }
    }

    /// The record a line becomes after the processing options, or why it was skipped.
    pub(crate) fn process(&self, line: &str) -> Option<String> {
        let mut text = line.to_string();
        for option in &self.config.data_processing_options {
            text = match option {
                ProcessingOption::Singleline => text.split_whitespace().collect::<Vec<_>>().join(" "),
                ProcessingOption::Csvtojson { custom_field_names } => csv_to_json(&text, custom_field_names),
                ProcessingOption::Logtojson { log_format } => log_to_json(&text, log_format)?,
            };
        }
        Some(text)
    }
}

/// A JSON object of string fields, in order.
fn json_object(pairs: impl Iterator<Item = (String, String)>) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in pairs.enumerate() {
        if i > 0 {
            out.push(',');
        }
        crate::json::write_string(&mut out, &key);
        out.push(':');
        crate::json::write_string(&mut out, &value);
    }
    out.push('}');
    out
}

/// CSVTOJSON: the values of a comma-separated line under the given names (extra values are dropped,
/// missing ones left out, as the Agent does).
pub fn csv_to_json(line: &str, names: &[String]) -> String {
    json_object(names.iter().cloned().zip(line.split(',').map(|v| v.trim().to_string())))
}

/// LOGTOJSON for COMMONAPACHELOG, COMBINEDAPACHELOG and SYSLOG, with the Agent's field names;
/// `None` if the line does not match the format.
pub fn log_to_json(line: &str, format: &str) -> Option<String> {
    match format {
        "COMMONAPACHELOG" | "COMBINEDAPACHELOG" => {
            let (host, rest) = line.split_once(' ')?;
            let (ident, rest) = rest.split_once(' ')?;
            let (authuser, rest) = rest.split_once(" [")?;
            let (datetime, rest) = rest.split_once("] \"")?;
            let (request, rest) = rest.split_once("\" ")?;
            let mut parts = rest.splitn(3, ' ');
            let (response, bytes) = (parts.next()?, parts.next()?);
            let mut fields = alloc::vec![
                ("host", host),
                ("ident", ident),
                ("authuser", authuser),
                ("datetime", datetime),
                ("request", request),
                ("response", response),
                ("bytes", bytes),
            ];
            if format == "COMBINEDAPACHELOG" {
                let tail = parts.next()?.strip_prefix('"')?;
                let (referer, tail) = tail.split_once("\" \"")?;
                fields.push(("referer", referer));
                fields.push(("agent", tail.strip_suffix('"')?));
            }
            Some(json_object(fields.into_iter().map(|(k, v)| (k.to_string(), v.to_string()))))
        }
        "SYSLOG" => {
            let timestamp = line.get(..15)?;
            let rest = line.get(16..)?;
            let (hostname, rest) = rest.split_once(' ')?;
            let (program, message) = rest.split_once(": ")?;
            let (program, pid) = match program.split_once('[') {
                Some((name, pid)) => (name, pid.strip_suffix(']')?),
                None => (program, ""),
            };
            let fields = [
                ("timestamp", timestamp),
                ("hostname", hostname),
                ("program", program),
                ("processid", pid),
                ("message", message),
            ];
            Some(json_object(fields.into_iter().map(|(k, v)| (k.to_string(), v.to_string()))))
        }
        _ => None,
    }
}

/// How often the Agent looks at its file (`minTimeBetweenFilePollsMillis`, default 100 ms).
pub const POLL_INTERVAL: SimDuration = SimDuration::from_millis(100);

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn csvtojson_names_the_fields() {
        let names = vec!["user".to_string(), "event".to_string(), "amount".to_string()];
        assert_eq!(csv_to_json("user-7,buy,1250", &names), r#"{"user":"user-7","event":"buy","amount":"1250"}"#);
        assert_eq!(csv_to_json("a", &names), r#"{"user":"a"}"#);
    }

    #[test]
    fn logtojson_reads_apache_and_syslog_lines() {
        let combined = r#"10.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08""#;
        assert_eq!(
            log_to_json(combined, "COMBINEDAPACHELOG").as_deref(),
            Some(
                r#"{"host":"10.0.0.1","ident":"-","authuser":"frank","datetime":"10/Oct/2000:13:55:36 -0700","request":"GET /apache_pb.gif HTTP/1.0","response":"200","bytes":"2326","referer":"http://www.example.com/start.html","agent":"Mozilla/4.08"}"#
            )
        );
        let common = r#"127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 404 0"#;
        assert!(log_to_json(common, "COMMONAPACHELOG").is_some_and(|j| j.contains(r#""response":"404""#)));
        let syslog = "Mar  7 04:02:16 alphabox sshd[12345]: Accepted publickey for alice";
        assert_eq!(
            log_to_json(syslog, "SYSLOG").as_deref(),
            Some(
                r#"{"timestamp":"Mar  7 04:02:16","hostname":"alphabox","program":"sshd","processid":"12345","message":"Accepted publickey for alice"}"#
            )
        );
        assert_eq!(log_to_json("not a log line", "SYSLOG"), None);
    }
}
