//! Resharding: SplitShard, MergeShards, UpdateShardCount.

use super::Kinesis;
use crate::error::{StreamsError, StreamsErrorKind};
use crate::limits::{SCALING_OPERATIONS_PER_DAY, STREAM_SHARDS_MAX};
use crate::shard::ShardId;
use crate::stream::{PendingChange, StreamMode, StreamStatus};
use crate::time::{SimDuration, SimTime};
use alloc::format;
use alloc::string::ToString;

impl Kinesis {
    fn on_demand_refusal(&self, name: &str) -> Option<StreamsError> {
        // AWS's exact text is unconfirmed (`docs/aws-behaviour.md` §1.7); this says what the documentation says.
        self.stream(name).filter(|s| s.mode == StreamMode::OnDemand).map(|_| {
            StreamsError::new(
                StreamsErrorKind::Validation,
                format!("This API is not supported for data stream {name}, which is in the ON_DEMAND capacity mode."),
            )
        })
    }

    /// "Could not find shard ...", naming the shard as AWS does: normalised when `raw` parses as a shard id
    /// (`shardId-5` is `shardId-000000000005`), as given otherwise. AWS checks the shard before the stream, so
    /// an unknown stream gets this answer too.
    fn shard_not_found(&self, name: &str, raw: &str) -> StreamsError {
        let shown = ShardId::parse(raw).map_or_else(|| raw.into(), |id| id.to_string());
        StreamsError::new(
            StreamsErrorKind::ResourceNotFound,
            format!("Could not find shard {shown} in stream {name} under account {}.", self.config.account_id),
        )
    }

    fn open_shard_for_reshard(&self, name: &str, raw: &str) -> Result<ShardId, StreamsError> {
        let account = &self.config.account_id;
        let Some(shard) = ShardId::parse(raw).and_then(|id| self.existing(name).ok()?.shard(id)) else {
            return Err(self.shard_not_found(name, raw));
        };
        if !shard.is_open() {
            return Err(StreamsError::new(
                StreamsErrorKind::ResourceInUse,
                format!(
                    "Shard {} in stream {name} under account {account} has already been merged or split, and thus is not \
                     eligible for merging or splitting.",
                    shard.id
                ),
            ));
        }
        Ok(shard.id)
    }

    /// SplitShard: UPDATING now; the parent closes and two children open after the transition delay.
    pub fn split_shard(
        &mut self,
        now: SimTime,
        name: &str,
        raw_shard_id: &str,
        new_starting_hash_key: u128,
    ) -> Result<(), StreamsError> {
        self.rate_limit(now, "SplitShard", "", 5)?;
        if self.existing(name).is_err() {
            return Err(self.shard_not_found(name, raw_shard_id));
        }
        if let Some(e) = self.on_demand_refusal(name) {
            return Err(e);
        }
        let stream = self.existing(name)?;
        if stream.status != StreamStatus::Active {
            return Err(self.not_active(stream));
        }
        let shard_id = self.open_shard_for_reshard(name, raw_shard_id)?;
        let range = self.existing(name)?.shard(shard_id).expect("found above").hash_key_range;
        let fits = range.starting_hash_key.checked_add(1).is_some_and(|s| new_starting_hash_key > s)
            && new_starting_hash_key < range.ending_hash_key;
        if !fits {
            return Err(StreamsError::new(
                StreamsErrorKind::InvalidArgument,
                format!(
                    "NewStartingHashKey {new_starting_hash_key} used in SplitShard() on shard {shard_id} in stream {name} under \
                     account {} is not both greater than one plus the shard's StartingHashKey {} and less than the shard's \
                     EndingHashKey {}.",
                    self.config.account_id, range.starting_hash_key, range.ending_hash_key
                ),
            ));
        }
        if self.shards_counted_in_account() + 1 > self.config.shard_limit {
            return Err(self.shard_limit_error(1));
        }
        let done_at = self.transition_done_at(now);
        let stream = self.stream_mut(name).expect("exists");
        stream.status = StreamStatus::Updating;
        stream.pending = Some((done_at, PendingChange::Split { shard: shard_id, new_starting_hash_key }));
        self.expect_change(done_at, name);
        Ok(())
    }

    /// MergeShards: `shard`'s range must end right before `adjacent`'s begins.
    pub fn merge_shards(
        &mut self,
        now: SimTime,
        name: &str,
        raw_shard: &str,
        raw_adjacent: &str,
    ) -> Result<(), StreamsError> {
        self.rate_limit(now, "MergeShards", "", 5)?;
        if self.existing(name).is_err() {
            return Err(self.shard_not_found(name, raw_shard));
        }
        if let Some(e) = self.on_demand_refusal(name) {
            return Err(e);
        }
        let stream = self.existing(name)?;
        if stream.status != StreamStatus::Active {
            return Err(self.not_active(stream));
        }
        let shard = self.open_shard_for_reshard(name, raw_shard)?;
        let adjacent = self.open_shard_for_reshard(name, raw_adjacent)?;
        let stream = self.existing(name)?;
        let (a, b) = (stream.shard(shard).expect("found"), stream.shard(adjacent).expect("found"));
        if a.hash_key_range.ending_hash_key.checked_add(1) != Some(b.hash_key_range.starting_hash_key) {
            return Err(StreamsError::new(
                StreamsErrorKind::InvalidArgument,
                format!(
                    "Shards {shard} and {adjacent} in stream {name} under account {} are not an adjacent pair of shards \
                     eligible for merging",
                    self.config.account_id
                ),
            ));
        }
        let done_at = self.transition_done_at(now);
        let stream = self.stream_mut(name).expect("exists");
        stream.status = StreamStatus::Updating;
        stream.pending = Some((done_at, PendingChange::Merge { shard, adjacent }));
        self.expect_change(done_at, name);
        Ok(())
    }

    /// UpdateShardCount with UNIFORM_SCALING: returns the current open shard count.
    pub fn update_shard_count(&mut self, now: SimTime, name: &str, target: u32) -> Result<u32, StreamsError> {
        self.rate_limit(now, "UpdateShardCount", "", 10)?;
        if let Some(e) = self.on_demand_refusal(name) {
            return Err(e);
        }
        let account = self.config.account_id.clone();
        let stream = self.existing(name)?;
        if stream.status != StreamStatus::Active {
            return Err(self.not_active(stream));
        }
        let current = stream.open_shard_count();
        // AWS's texts for the ratio rules are unconfirmed (`docs/aws-behaviour.md` §1.7); these state the rule broken.
        let ratio_error = |why: &str| {
            StreamsError::new(
                StreamsErrorKind::InvalidArgument,
                format!(
                    "UpdateShardCount to {target} shards for stream {name} under account {account} is invalid: {why}"
                ),
            )
        };
        if u64::from(target) > 2 * u64::from(current) {
            return Err(ratio_error(&format!("the target may be at most double the current {current} open shards.")));
        }
        if u64::from(target) * 2 < u64::from(current) {
            return Err(ratio_error(&format!(
                "the target may be no less than half the current {current} open shards."
            )));
        }
        if target > STREAM_SHARDS_MAX {
            return Err(ratio_error(&format!("a stream may have at most {STREAM_SHARDS_MAX} shards.")));
        }
        if target > current && self.shards_counted_in_account() + (target - current) > self.config.shard_limit {
            return Err(self.shard_limit_error(target - current));
        }
        let done_at = self.transition_done_at(now);
        let stream = self.stream_mut(name).expect("exists");
        let day = SimDuration::from_secs(86_400);
        while stream.scaling_operations.front().is_some_and(|t| now.saturating_since(*t) >= day) {
            stream.scaling_operations.pop_front();
        }
        if stream.scaling_operations.len() >= SCALING_OPERATIONS_PER_DAY {
            return Err(StreamsError::new(
                StreamsErrorKind::LimitExceeded,
                format!(
                    "Stream {name} under account {account} has already been scaled {SCALING_OPERATIONS_PER_DAY} times in the \
                     last 24 hours."
                ),
            ));
        }
        stream.scaling_operations.push_back(now);
        stream.status = StreamStatus::Updating;
        stream.pending = Some((done_at, PendingChange::Scale { target }));
        self.expect_change(done_at, name);
        Ok(current)
    }
}
