//! Control plane: create, delete, describe, tags, retention, encryption, monitoring, modes, policies.

use super::Kinesis;
use crate::error::{StreamsError, StreamsErrorKind};
use crate::limits::{
    MODE_SWITCHES_PER_DAY, ON_DEMAND_INITIAL_SHARDS, RETENTION_HOURS_MAX, RETENTION_HOURS_MIN, STREAM_SHARDS_MAX,
};
use crate::stream::{PendingChange, Stream, StreamMode, StreamStatus};
use crate::time::{SimDuration, SimTime};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// A CreateStream request, after model validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateStreamInput {
    /// `StreamName`.
    pub name: String,
    /// `ShardCount` (required in provisioned mode).
    pub shard_count: Option<u32>,
    /// `StreamModeDetails.StreamMode`; provisioned when absent.
    pub mode: StreamMode,
    /// `MaxRecordSizeInKiB`.
    pub max_record_size_kib: Option<u32>,
    /// `Tags`.
    pub tags: BTreeMap<String, String>,
    /// `WarmThroughputMiBps` (on-demand streams).
    pub warm_throughput_mibps: Option<u32>,
}

impl CreateStreamInput {
    /// A provisioned stream of `shard_count` shards with every other setting at its default.
    pub fn provisioned(name: &str, shard_count: u32) -> Self {
        Self {
            name: name.into(),
            shard_count: Some(shard_count),
            mode: StreamMode::Provisioned,
            max_record_size_kib: None,
            tags: BTreeMap::new(),
            warm_throughput_mibps: None,
        }
    }

    /// An on-demand stream with every other setting at its default.
    pub fn on_demand(name: &str) -> Self {
        Self { shard_count: None, mode: StreamMode::OnDemand, ..Self::provisioned(name, 0) }
    }
}

/// One entry of ListStreams' `StreamSummaries`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamSummary {
    /// `StreamName`.
    pub name: String,
    /// `StreamARN`.
    pub arn: String,
    /// `StreamStatus`.
    pub status: StreamStatus,
    /// `StreamModeDetails`.
    pub mode: StreamMode,
    /// `StreamCreationTimestamp`, seconds.
    pub created_unix_secs: u64,
}

/// DescribeLimits' answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `ShardLimit`.
    pub shard_limit: u32,
    /// `OpenShardCount`.
    pub open_shard_count: u32,
    /// `OnDemandStreamCount`.
    pub on_demand_stream_count: u32,
    /// `OnDemandStreamCountLimit`.
    pub on_demand_stream_count_limit: u32,
}

/// On-demand streams an account may have.
const ON_DEMAND_STREAMS_MAX: u32 = 50;
/// Streams in CREATING at once per account.
const STREAMS_CREATING_MAX: usize = 5;

impl Kinesis {
    /// CreateStream: the stream is CREATING, and ACTIVE with its shards after the transition delay.
    pub fn create_stream(&mut self, now: SimTime, input: CreateStreamInput) -> Result<(), StreamsError> {
        self.rate_limit(now, "CreateStream", "", 5)?;
        if self.streams.contains_key(&input.name) {
            return Err(StreamsError::new(
                StreamsErrorKind::ResourceInUse,
                format!("Stream {} under account {} already exists.", input.name, self.config.account_id),
            ));
        }
        let shard_count = match (input.mode, input.shard_count) {
            (StreamMode::Provisioned, Some(n)) => n,
            (StreamMode::Provisioned, None) => {
                return Err(StreamsError::new(
                    StreamsErrorKind::InvalidArgument,
                    "ShardCount is required for streams in PROVISIONED mode.",
                ));
            }
            // AWS's answer to a ShardCount with ON_DEMAND is unconfirmed; the count is ignored, as the mode decides.
            (StreamMode::OnDemand, _) => ON_DEMAND_INITIAL_SHARDS,
        };
        if shard_count == 0 || shard_count > STREAM_SHARDS_MAX {
            return Err(StreamsError::new(
                StreamsErrorKind::InvalidArgument,
                format!("ShardCount {shard_count} is invalid: a stream has 1 to {STREAM_SHARDS_MAX} shards."),
            ));
        }
        if self.streams.values().filter(|s| s.status == StreamStatus::Creating).count() >= STREAMS_CREATING_MAX {
            return Err(StreamsError::new(
                StreamsErrorKind::LimitExceeded,
                format!(
                    "Account {} already has {STREAMS_CREATING_MAX} streams in CREATING state; wait for one to become ACTIVE.",
                    self.config.account_id
                ),
            ));
        }
        if input.mode == StreamMode::OnDemand
            && self.streams.values().filter(|s| s.mode == StreamMode::OnDemand).count() as u32 >= ON_DEMAND_STREAMS_MAX
        {
            return Err(StreamsError::new(
                StreamsErrorKind::LimitExceeded,
                format!("Account {} already has {ON_DEMAND_STREAMS_MAX} on-demand streams.", self.config.account_id),
            ));
        }
        if self.shards_counted_in_account() + shard_count > self.config.shard_limit {
            return Err(self.shard_limit_error(shard_count));
        }
        if let Some(kib) = input.max_record_size_kib {
            check_max_record_size(kib)?;
        }
        let arn = format!("arn:aws:kinesis:{}:{}:stream/{}", self.config.region, self.config.account_id, input.name);
        let mut stream = Stream::new(input.name.clone(), arn, input.mode, self.unix_secs(now));
        stream.tags = input.tags;
        stream.warm_throughput_mibps = input.warm_throughput_mibps.filter(|_| input.mode == StreamMode::OnDemand);
        if let Some(kib) = input.max_record_size_kib {
            stream.max_record_size_kib = kib;
        }
        let done_at = self.transition_done_at(now);
        stream.pending = Some((done_at, PendingChange::Create { shard_count }));
        self.expect_change(done_at, &input.name);
        if input.mode == StreamMode::OnDemand {
            self.track_on_demand(&input.name);
        }
        self.streams.insert(input.name, stream);
        Ok(())
    }

    /// A stream created ACTIVE at once, for scenarios that start with their streams in place.
    pub fn create_active_stream(&mut self, now: SimTime, input: CreateStreamInput) -> Result<(), StreamsError> {
        let name = input.name.clone();
        self.create_stream(now, input)?;
        if let Some(stream) = self.stream_mut(&name) {
            stream.pending = stream.pending.take().map(|(_, change)| (now, change));
            self.expect_change(now, &name);
        }
        self.calls.clear();
        self.complete_due(now);
        Ok(())
    }

    /// DeleteStream.
    pub fn delete_stream(
        &mut self,
        now: SimTime,
        name: &str,
        enforce_consumer_deletion: bool,
    ) -> Result<(), StreamsError> {
        self.rate_limit(now, "DeleteStream", "", 5)?;
        let done_at = self.transition_done_at(now);
        let account = self.config.account_id.clone();
        let stream = self.existing(name)?;
        if !stream.consumers.is_empty() && !enforce_consumer_deletion {
            return Err(StreamsError::new(
                StreamsErrorKind::ResourceInUse,
                format!(
                    "Stream {name} under account {account} has registered consumers; deregister them or set \
                     EnforceConsumerDeletion to true."
                ),
            ));
        }
        let stream = self.stream_mut(name).expect("checked above");
        stream.status = StreamStatus::Deleting;
        stream.pending = Some((done_at, PendingChange::Delete));
        self.expect_change(done_at, name);
        Ok(())
    }

    /// DescribeStream, DescribeStreamSummary: the stream in any state.
    pub fn describe_stream(&mut self, now: SimTime, name: &str) -> Result<&Stream, StreamsError> {
        self.rate_limit(now, "DescribeStream", "", 10)?;
        self.existing(name)
    }

    /// DescribeStreamSummary.
    pub fn describe_stream_summary(&mut self, now: SimTime, name: &str) -> Result<&Stream, StreamsError> {
        self.rate_limit(now, "DescribeStreamSummary", "", 20)?;
        self.existing(name)
    }

    /// ListStreams: every stream, in name order.
    pub fn list_streams(&mut self, now: SimTime) -> Result<Vec<StreamSummary>, StreamsError> {
        self.rate_limit(now, "ListStreams", "", 5)?;
        Ok(self
            .streams
            .values()
            .map(|s| StreamSummary {
                name: s.name.clone(),
                arn: s.arn.clone(),
                status: s.status,
                mode: s.mode,
                created_unix_secs: s.created_unix_secs,
            })
            .collect())
    }

    /// DescribeLimits.
    pub fn describe_limits(&mut self, now: SimTime) -> Result<Limits, StreamsError> {
        self.rate_limit(now, "DescribeLimits", "", 1)?;
        Ok(Limits {
            shard_limit: self.config.shard_limit,
            open_shard_count: self.open_shards_in_account(),
            on_demand_stream_count: self.streams.values().filter(|s| s.mode == StreamMode::OnDemand).count() as u32,
            on_demand_stream_count_limit: ON_DEMAND_STREAMS_MAX,
        })
    }

    /// AddTagsToStream / TagResource: at most 50 tags per stream, none starting with `aws:`, only the characters
    /// AWS allows (see [`tag_characters_problem`]).
    pub fn add_tags(&mut self, now: SimTime, name: &str, tags: &BTreeMap<String, String>) -> Result<(), StreamsError> {
        self.rate_limit(now, "AddTagsToStream", "", 5)?;
        if let Some(key) = tags.keys().find(|k| k.starts_with("aws:")) {
            return Err(StreamsError::new(
                StreamsErrorKind::InvalidArgument,
                format!("Tag key {key} is invalid: keys starting with aws: are reserved for use by AWS."),
            ));
        }
        let account = self.config.account_id.clone();
        self.readable(name)?;
        let texts = tags.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]);
        if let Some(e) = tag_characters_problem(texts, "add tags to", name, &account) {
            return Err(e);
        }
        let stream = self.readable_mut(name)?;
        let new_keys = tags.keys().filter(|k| !stream.tags.contains_key(*k)).count();
        if stream.tags.len() + new_keys > 50 {
            return Err(StreamsError::new(
                StreamsErrorKind::InvalidArgument,
                format!(
                    "Failed to add tags to stream {name} under account {account} because a given stream cannot have more than 50 tags associated with it."
                ),
            ));
        }
        stream.tags.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(())
    }

    /// RemoveTagsFromStream / UntagResource: absent keys are ignored; keys are checked like AddTagsToStream's.
    pub fn remove_tags(&mut self, now: SimTime, name: &str, keys: &[String]) -> Result<(), StreamsError> {
        self.rate_limit(now, "RemoveTagsFromStream", "", 5)?;
        self.readable(name)?;
        let account = self.config.account_id.clone();
        if let Some(e) = tag_characters_problem(keys.iter().map(String::as_str), "remove tags from", name, &account) {
            return Err(e);
        }
        let stream = self.readable_mut(name)?;
        for key in keys {
            stream.tags.remove(key);
        }
        Ok(())
    }

    /// ListTagsForStream / ListTagsForResource.
    pub fn list_tags(&mut self, now: SimTime, name: &str) -> Result<&BTreeMap<String, String>, StreamsError> {
        self.rate_limit(now, "ListTagsForStream", "", 5)?;
        Ok(&self.existing(name)?.tags)
    }

    /// IncreaseStreamRetentionPeriod.
    pub fn increase_retention(&mut self, now: SimTime, name: &str, hours: u32) -> Result<(), StreamsError> {
        self.rate_limit(now, "IncreaseStreamRetentionPeriod", "", 5)?;
        check_retention_range(hours)?;
        let stream = self.active_mut(name)?;
        if hours < stream.retention_hours {
            return Err(StreamsError::new(
                StreamsErrorKind::InvalidArgument,
                format!(
                    "Requested retention period ({hours} hours) for stream {name} can not be shorter than existing \
                     retention period ({} hours). Use DecreaseRetentionPeriod API.",
                    stream.retention_hours
                ),
            ));
        }
        stream.retention_hours = hours;
        Ok(())
    }

    /// DecreaseStreamRetentionPeriod: older records become unreadable at once.
    pub fn decrease_retention(&mut self, now: SimTime, name: &str, hours: u32) -> Result<(), StreamsError> {
        self.rate_limit(now, "DecreaseStreamRetentionPeriod", "", 5)?;
        check_retention_range(hours)?;
        let stream = self.active_mut(name)?;
        if hours > stream.retention_hours {
            return Err(StreamsError::new(
                StreamsErrorKind::InvalidArgument,
                format!(
                    "Requested retention period ({hours} hours) for stream {name} can not be longer than existing \
                     retention period ({} hours). Use IncreaseRetentionPeriod API.",
                    stream.retention_hours
                ),
            ));
        }
        stream.retention_hours = hours;
        stream.trim(now);
        Ok(())
    }

    /// StartStreamEncryption (`Some(key)`) or StopStreamEncryption (`None`): UPDATING, then done.
    pub fn set_encryption(&mut self, now: SimTime, name: &str, key_id: Option<String>) -> Result<(), StreamsError> {
        self.rate_limit(now, "StreamEncryption", name, 5)?;
        let done_at = self.transition_done_at(now);
        let stream = self.active_mut(name)?;
        stream.status = StreamStatus::Updating;
        stream.pending = Some((done_at, PendingChange::Encryption(key_id)));
        self.expect_change(done_at, name);
        Ok(())
    }

    /// EnableEnhancedMonitoring / DisableEnhancedMonitoring: returns (current, desired) metric sets.
    pub fn set_enhanced_monitoring(
        &mut self,
        now: SimTime,
        name: &str,
        metrics: &[String],
        enable: bool,
    ) -> Result<(Vec<String>, Vec<String>), StreamsError> {
        self.rate_limit(now, "EnhancedMonitoring", "", 5)?;
        let stream = self.active_mut(name)?;
        let current: Vec<String> = stream.shard_level_metrics.iter().cloned().collect();
        let expanded: Vec<String> = if metrics.iter().any(|m| m == "ALL") {
            SHARD_LEVEL_METRICS.iter().map(|m| String::from(*m)).collect()
        } else {
            metrics.to_vec()
        };
        for metric in expanded {
            if enable {
                stream.shard_level_metrics.insert(metric);
            } else {
                stream.shard_level_metrics.remove(&metric);
            }
        }
        Ok((current, stream.shard_level_metrics.iter().cloned().collect()))
    }

    /// UpdateMaxRecordSize.
    pub fn update_max_record_size(&mut self, now: SimTime, name: &str, kib: u32) -> Result<(), StreamsError> {
        self.rate_limit(now, "UpdateMaxRecordSize", "", 5)?;
        check_max_record_size(kib)?;
        self.active_mut(name)?.max_record_size_kib = kib;
        Ok(())
    }

    /// UpdateStreamMode: at most twice per 24 hours; the shard count is kept. A warm throughput applies to
    /// on-demand mode only.
    pub fn update_stream_mode(
        &mut self,
        now: SimTime,
        name: &str,
        mode: StreamMode,
        warm_throughput_mibps: Option<u32>,
    ) -> Result<(), StreamsError> {
        self.rate_limit(now, "UpdateStreamMode", "", 5)?;
        let done_at = self.transition_done_at(now);
        let account = self.config.account_id.clone();
        let stream = self.active_mut(name)?;
        let day = SimDuration::from_secs(86_400);
        while stream.mode_switches.front().is_some_and(|t| now.saturating_since(*t) >= day) {
            stream.mode_switches.pop_front();
        }
        if stream.mode_switches.len() >= MODE_SWITCHES_PER_DAY {
            return Err(StreamsError::new(
                StreamsErrorKind::LimitExceeded,
                format!(
                    "Stream {name} under account {account} has already switched capacity mode \
                     {MODE_SWITCHES_PER_DAY} times in the last 24 hours."
                ),
            ));
        }
        if stream.mode == mode {
            return Err(StreamsError::new(
                StreamsErrorKind::InvalidArgument,
                format!("Stream {name} under account {account} is already in {} mode.", mode.as_str()),
            ));
        }
        stream.mode_switches.push_back(now);
        stream.status = StreamStatus::Updating;
        stream.pending = Some((done_at, PendingChange::Mode(mode)));
        stream.warm_throughput_mibps = warm_throughput_mibps.filter(|_| mode == StreamMode::OnDemand);
        self.expect_change(done_at, name);
        Ok(())
    }

    /// UpdateStreamWarmThroughput (on-demand streams only).
    pub fn update_warm_throughput(&mut self, now: SimTime, name: &str, mibps: u32) -> Result<(), StreamsError> {
        self.rate_limit(now, "UpdateStreamWarmThroughput", "", 5)?;
        let stream = self.active_mut(name)?;
        if stream.mode != StreamMode::OnDemand {
            return Err(StreamsError::new(
                StreamsErrorKind::Validation,
                "Warm throughput can only be set on streams in ON_DEMAND capacity mode.",
            ));
        }
        stream.warm_throughput_mibps = Some(mibps);
        Ok(())
    }

    /// PutResourcePolicy / GetResourcePolicy / DeleteResourcePolicy on a stream.
    pub fn resource_policy_mut(&mut self, name: &str) -> Result<&mut Option<String>, StreamsError> {
        let stream = self.existing_mut(name)?;
        Ok(&mut stream.resource_policy)
    }
}

/// The shard-level metrics enhanced monitoring can enable (`ALL` stands for all of them).
pub const SHARD_LEVEL_METRICS: [&str; 7] = [
    "IncomingBytes",
    "IncomingRecords",
    "IteratorAgeMilliseconds",
    "OutgoingBytes",
    "OutgoingRecords",
    "ReadProvisionedThroughputExceeded",
    "WriteProvisionedThroughputExceeded",
];

fn check_retention_range(hours: u32) -> Result<(), StreamsError> {
    if hours < RETENTION_HOURS_MIN {
        return Err(StreamsError::new(
            StreamsErrorKind::InvalidArgument,
            format!(
                "Minimum allowed retention period is {RETENTION_HOURS_MIN} hours. Requested retention period ({hours} hours) is too short."
            ),
        ));
    }
    if hours > RETENTION_HOURS_MAX {
        // AWS's text is unconfirmed (`docs/aws-behaviour.md` §1.8); ours mirrors the minimum's wording.
        return Err(StreamsError::new(
            StreamsErrorKind::InvalidArgument,
            format!(
                "Maximum allowed retention period is {RETENTION_HOURS_MAX} hours. Requested retention period ({hours} hours) is too long."
            ),
        ));
    }
    Ok(())
}

fn check_max_record_size(kib: u32) -> Result<(), StreamsError> {
    let rule = match kib {
        1_024..=10_240 => return Ok(()),
        0..1_024 => "greater than or equal to 1024",
        _ => "less than or equal to 10240",
    };
    Err(StreamsError::new(
        StreamsErrorKind::Validation,
        format!(
            "1 validation error detected: Value '{kib}' at 'maxRecordSizeInKiB' failed to satisfy constraint: \
             Member must have value {rule}"
        ),
    ))
}

/// Whether a character may appear in a tag key or value: letters and digits (ASCII, and the Unicode blocks
/// U+00C0-U+1FFF and U+2C00-U+D7FF), space, and `_ . / = + - @` (`%` passes this test but is refused
/// separately, as AWS does).
fn tag_character_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "_./=+-@% ".contains(c)
        || ('\u{C0}'..='\u{1FFF}').contains(&c)
        || ('\u{2C00}'..='\u{D7FF}').contains(&c)
}

/// AWS's refusal of tag keys or values with characters it does not allow (kinesalite's tests recorded the
/// texts against AWS; see `docs/aws-behaviour.md`): `;`, tab, newline, `,` and the like get "Some tags contain
/// invalid characters", and `%` its own message naming the operation (`action`: "add tags to" or "remove tags
/// from").
fn tag_characters_problem<'a>(
    mut texts: impl Iterator<Item = &'a str> + Clone,
    action: &str,
    name: &str,
    account: &str,
) -> Option<StreamsError> {
    if texts.clone().any(|t| !t.chars().all(tag_character_allowed)) {
        return Some(StreamsError::new(
            StreamsErrorKind::InvalidArgument,
            "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.",
        ));
    }
    texts.any(|t| t.contains('%')).then(|| {
        StreamsError::new(
            StreamsErrorKind::InvalidArgument,
            format!(
                "Failed to {action} stream {name} under account {account} because some tags contained illegal characters. \
                 The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'."
            ),
        )
    })
}
