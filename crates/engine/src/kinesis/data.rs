//! Data plane: PutRecord, PutRecords, GetShardIterator, GetRecords.

use super::Kinesis;
use crate::calendar::JavaDate;
use crate::error::{StreamsError, StreamsErrorKind};
use crate::iterator::IteratorToken;
use crate::limits::{GET_RECORDS_RECORDS_MAX, ITERATOR_LIFETIME_MS, PUT_RECORDS_BYTES_MAX, PUT_RECORDS_RECORDS_MAX};
use crate::partition_key::PARTITION_KEY_CHARS_MAX;
use crate::record_source::SourceSpec;
use crate::sequence::{AnyLayout, SequenceNumber};
use crate::shard::{Payload, ReadItem, Record, ShardId};
use crate::shard_log::WriteKey;
use crate::stream::{Origin, RoutedKey, Stream};
use crate::time::{SimDuration, SimTime};
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// A PutRecord request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutRecordInput {
    /// `PartitionKey`: 1 to 256 characters.
    pub partition_key: String,
    /// `Data`.
    pub data: Payload,
    /// `ExplicitHashKey`: overrides the MD5 of the partition key.
    pub explicit_hash_key: Option<u128>,
}

/// A successful PutRecord answer (also a successful PutRecords entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PutRecordOutput {
    /// `ShardId`.
    pub shard_id: ShardId,
    /// `SequenceNumber`.
    pub sequence_number: SequenceNumber,
    /// `EncryptionType` is `KMS` (true) or `NONE`.
    pub encrypted: bool,
}

/// One entry of a PutRecords request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutRecordsEntry {
    /// `PartitionKey`.
    pub partition_key: String,
    /// `Data`.
    pub data: Payload,
    /// `ExplicitHashKey`.
    pub explicit_hash_key: Option<u128>,
}

/// A PutRecords entry on its way in: [`PutRecordsEntry`], or a simulated producer's record whose numbered
/// key is not written out.
#[derive(Clone, Debug)]
pub(crate) struct WriteEntry {
    pub(crate) partition_key: WriteKey,
    pub(crate) data: Payload,
    pub(crate) explicit_hash_key: Option<u128>,
}

/// One entry of a PutRecords answer: a sequence number, or an error code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PutRecordsResultEntry {
    /// Written.
    Ok(PutRecordOutput),
    /// Not written; resend it.
    Failed {
        /// `ErrorCode`: `ProvisionedThroughputExceededException` or `InternalFailure`.
        error_code: &'static str,
        /// `ErrorMessage`.
        error_message: String,
    },
}

/// A PutRecords answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutRecordsOutput {
    /// `FailedRecordCount`.
    pub failed_record_count: u32,
    /// `Records`, one per request entry, in order.
    pub records: Vec<PutRecordsResultEntry>,
    /// `EncryptionType`: whether the stream encrypts.
    pub encrypted: bool,
}

/// Where a shard iterator starts (`ShardIteratorType` with its argument).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IteratorStart {
    /// `AT_SEQUENCE_NUMBER`.
    AtSequenceNumber(String),
    /// `AFTER_SEQUENCE_NUMBER`.
    AfterSequenceNumber(String),
    /// `TRIM_HORIZON`.
    TrimHorizon,
    /// `LATEST`.
    Latest,
    /// `AT_TIMESTAMP`, Unix milliseconds.
    AtTimestamp(u64),
}

/// A GetRecords answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetRecordsOutput<R = Record> {
    /// `Records`.
    pub records: Vec<R>,
    /// `NextShardIterator`: absent once a closed shard is fully read.
    pub next_shard_iterator: Option<String>,
    /// `MillisBehindLatest`.
    pub millis_behind_latest: u64,
    /// `ChildShards` (only at the end of a closed shard): id, parents, and hash-key range of each child.
    pub child_shards: Vec<(ShardId, Vec<ShardId>, crate::hash_range::HashKeyRange)>,
}

impl Kinesis {
    /// PutRecord. `sequence_number_for_ordering`, when given, must be a sequence number this stream issued
    /// that is not from the future.
    pub fn put_record(
        &mut self,
        now: SimTime,
        name: &str,
        input: PutRecordInput,
        sequence_number_for_ordering: Option<&str>,
    ) -> Result<PutRecordOutput, StreamsError> {
        self.put_record_from(now, name, input, sequence_number_for_ordering, None)
    }

    /// [`Self::put_record`] of a derivable producer's record `origin` (its first attempt).
    pub(crate) fn put_record_from(
        &mut self,
        now: SimTime,
        name: &str,
        input: PutRecordInput,
        sequence_number_for_ordering: Option<&str>,
        origin: Option<(&Arc<SourceSpec>, u64)>,
    ) -> Result<PutRecordOutput, StreamsError> {
        let epoch_unix_ms = self.config.epoch_unix_ms;
        if origin.is_some() && !self.compacting.contains(name) {
            self.compacting.insert(name.into());
        }
        let origin = origin.map(|(spec, index)| Origin { spec, index, epoch_unix_ms });
        let fault = self.injected_throttle(name);
        self.touch_in_use(now, name);
        let now_unix_secs = self.unix_secs(now);
        let account = self.config.account_id.as_str();
        let stream = self.streams.get(name).filter(|s| s.accepts_io()).ok_or_else(|| self.not_found(name))?;
        if let Some(ordering) = sequence_number_for_ordering {
            // Any layout AWS decodes is accepted, unless its time is in the future.
            let valid = match SequenceNumber::parse_any(ordering) {
                Some(AnyLayout::Current(s)) => s.arrival_unix_secs <= now_unix_secs,
                Some(AnyLayout::Older { time_unix_secs, .. }) => time_unix_secs <= now_unix_secs,
                None => false,
            };
            if !valid {
                return Err(StreamsError::new(
                    StreamsErrorKind::InvalidArgument,
                    format!(
                        "ExclusiveMinimumSequenceNumber {ordering} used in PutRecord on stream {name} under account {account} is invalid."
                    ),
                ));
            }
        }
        let partition_key = WriteKey::Text(input.partition_key);
        check_record(stream, account, &partition_key, input.explicit_hash_key, input.data.len_bytes())?;
        let encrypted = stream.encryption_key_id.is_some();
        let bytes = input.data.len_bytes() + partition_key.len_bytes();
        let stream = self.streams.get_mut(name).expect("checked readable above");
        let explicit = input.explicit_hash_key.map(RoutedKey::unrouted);
        match stream.append(now, now_unix_secs, partition_key, explicit, input.data, fault, origin) {
            Ok((shard_id, sequence_number)) => {
                let bucket = stream.metrics.at(now.as_secs());
                bucket.put_record_success += 1;
                bucket.put_record_bytes += bytes;
                Ok(PutRecordOutput { shard_id, sequence_number, encrypted })
            }
            Err((shard_id, _)) => Err(throttled(shard_id, name, account)),
        }
    }

    /// PutRecords: each entry succeeds or fails on its own; an invalid entry fails the whole request.
    pub fn put_records(
        &mut self,
        now: SimTime,
        name: &str,
        entries: Vec<PutRecordsEntry>,
    ) -> Result<PutRecordsOutput, StreamsError> {
        let entries: Vec<WriteEntry> = entries
            .into_iter()
            .map(|e| WriteEntry {
                partition_key: WriteKey::Text(e.partition_key),
                data: e.data,
                explicit_hash_key: e.explicit_hash_key,
            })
            .collect();
        let account = self.config.account_id.clone();
        let mut records = Vec::with_capacity(entries.len());
        let (failed_record_count, encrypted) = self.put_records_each(now, name, entries, None, |written| {
            records.push(match written {
                Ok((shard_id, sequence_number, encrypted)) => {
                    PutRecordsResultEntry::Ok(PutRecordOutput { shard_id, sequence_number, encrypted })
                }
                Err(shard_id) => PutRecordsResultEntry::Failed {
                    error_code: "ProvisionedThroughputExceededException",
                    error_message: throttled(shard_id, name, &account).message,
                },
            });
        })?;
        Ok(PutRecordsOutput { failed_record_count, records, encrypted })
    }

    /// [`Self::put_records`] from a derivable producer, without the answer's entries: `origins` gives its spec
    /// and, per entry, the record's index when this is its first attempt. `accepted` gets, per record in order, whether
    /// it was written (a refused one was throttled); returns the `FailedRecordCount`. A simulated producer
    /// reads nothing else, so no answer entry is built per record.
    pub(crate) fn put_records_accepted(
        &mut self,
        now: SimTime,
        name: &str,
        entries: Vec<WriteEntry>,
        origins: Option<(&Arc<SourceSpec>, &[Option<u64>])>,
        accepted: &mut Vec<bool>,
    ) -> Result<u32, StreamsError> {
        accepted.clear();
        accepted.reserve(entries.len());
        let (failed_record_count, _) =
            self.put_records_each(now, name, entries, origins, |written| accepted.push(written.is_ok()))?;
        Ok(failed_record_count)
    }

    /// PutRecords' work: validates the request, writes each record and hands `written` each record's result
    /// in order (its shard, sequence number and whether the stream encrypts, or the shard that refused it);
    /// returns the `FailedRecordCount` and whether the stream encrypts.
    fn put_records_each(
        &mut self,
        now: SimTime,
        name: &str,
        entries: Vec<WriteEntry>,
        origins: Option<(&Arc<SourceSpec>, &[Option<u64>])>,
        mut written: impl FnMut(Result<(ShardId, SequenceNumber, bool), ShardId>),
    ) -> Result<(u32, bool), StreamsError> {
        let epoch_unix_ms = self.config.epoch_unix_ms;
        if origins.is_some() && !self.compacting.contains(name) {
            self.compacting.insert(name.into());
        }
        let now_unix_secs = self.unix_secs(now);
        let stream = self.readable(name)?;
        if entries.is_empty() || entries.len() > PUT_RECORDS_RECORDS_MAX {
            return Err(StreamsError::new(
                StreamsErrorKind::Validation,
                format!(
                    "1 validation error detected: Value '[...]' at 'records' failed to satisfy constraint: Member must have \
                     length {} {}",
                    if entries.is_empty() { "greater than or equal to" } else { "less than or equal to" },
                    if entries.is_empty() { 1 } else { PUT_RECORDS_RECORDS_MAX }
                ),
            ));
        }
        let mut total = 0;
        for entry in &entries {
            let account = self.config.account_id.as_str();
            check_record(stream, account, &entry.partition_key, entry.explicit_hash_key, entry.data.len_bytes())?;
            total += entry.data.len_bytes() + entry.partition_key.len_bytes();
        }
        if total > PUT_RECORDS_BYTES_MAX {
            // The current limit is 10 MiB; AWS's text for it is unconfirmed, so this follows the legacy 5 MB wording.
            return Err(StreamsError::new(StreamsErrorKind::InvalidArgument, "Records size exceeds 10 MB limit"));
        }
        let encrypted = stream.encryption_key_id.is_some();
        let faults: Option<Vec<bool>> = if self.faults_of(name).extra_throttle_percent == 0 {
            None
        } else {
            Some(entries.iter().map(|_| self.injected_throttle(name)).collect())
        };
        let stream = self.stream_in_use(now, name).expect("checked readable above");
        // Hash keys first, in a loop of their own: the table lookups of a whole batch overlap in memory.
        let spec = origins.map(|(spec, _)| spec.as_ref());
        let routed_keys = stream.routed_keys_of(entries.iter().map(|e| (&e.partition_key, e.explicit_hash_key)), spec);
        let mut failed_record_count = 0;
        let mut bytes_written = 0;
        let total_records = entries.len() as u64;
        // Indexed rather than zipped: the zipped iterator moved each entry through a call of its own.
        for (i, e) in entries.into_iter().enumerate() {
            let routed = routed_keys[i];
            let fault = faults.as_ref().is_some_and(|f| f[i]);
            let bytes = e.data.len_bytes() + e.partition_key.len_bytes();
            let origin = origins.and_then(|(spec, indices)| {
                indices.get(i).copied().flatten().map(|index| Origin { spec, index, epoch_unix_ms })
            });
            match stream.append(now, now_unix_secs, e.partition_key, Some(routed), e.data, fault, origin) {
                Ok((shard_id, sequence_number)) => {
                    bytes_written += bytes;
                    written(Ok((shard_id, sequence_number, encrypted)));
                }
                Err((shard_id, _)) => {
                    failed_record_count += 1;
                    written(Err(shard_id));
                }
            }
        }
        let bucket = stream.metrics.at(now.as_secs());
        let throttled_records = u64::from(failed_record_count);
        bucket.put_records_success += u64::from(throttled_records < total_records);
        bucket.put_records_total_records += total_records;
        bucket.put_records_successful_records += total_records - throttled_records;
        bucket.put_records_throttled_records += throttled_records;
        bucket.put_records_bytes += bytes_written;
        Ok((failed_record_count, encrypted))
    }

    /// GetShardIterator, at most 5 calls per second per shard (`ProvisionedThroughputExceededException`).
    pub fn get_shard_iterator(
        &mut self,
        now: SimTime,
        name: &str,
        raw_shard_id: &str,
        start: IteratorStart,
    ) -> Result<String, StreamsError> {
        let known = ShardId::parse(raw_shard_id)
            .filter(|_| self.readable(name).is_ok())
            .and_then(|id| self.streams.get_mut(name)?.shard_mut(id));
        if let Some(shard) = known
            && !shard.admit_get_shard_iterator(now)
        {
            return Err(throttled(shard.id, name, &self.config.account_id));
        }
        self.start_iterator(now, name, raw_shard_id, start)
    }

    /// GetShardIterator's checks and result without its rate limit (SubscribeToShard uses them too).
    pub(crate) fn start_iterator(
        &mut self,
        now: SimTime,
        name: &str,
        raw_shard_id: &str,
        start: IteratorStart,
    ) -> Result<String, StreamsError> {
        let account = self.config.account_id.clone();
        let now_ms = self.unix_ms(now);
        let stream = self.readable(name)?;
        let shard = match ShardId::parse(raw_shard_id) {
            None => {
                return Err(StreamsError::new(
                    StreamsErrorKind::ResourceNotFound,
                    format!("Could not find shard {raw_shard_id} in stream {name} under account {account}."),
                ));
            }
            Some(id) => stream.shard(id).ok_or_else(|| {
                StreamsError::new(
                    StreamsErrorKind::ResourceNotFound,
                    format!("Shard {id} in stream {name} under account {account} does not exist"),
                )
            })?,
        };
        let shard_id = shard.id;
        let invalid_sequence = |seq: &str| {
            StreamsError::new(
                StreamsErrorKind::InvalidArgument,
                format!(
                    "StartingSequenceNumber {seq} used in GetShardIterator on shard {shard_id} in stream {name} under account {account} is invalid."
                ),
            )
        };
        let counter_of = |seq: &str| -> Result<u64, StreamsError> {
            let encodes_another_shard = |index: u32| {
                StreamsError::new(
                    StreamsErrorKind::InvalidArgument,
                    format!(
                        "Invalid StartingSequenceNumber. It encodes {}, while it was used in a call to a shard with {shard_id}",
                        ShardId(index)
                    ),
                )
            };
            let parsed = match SequenceNumber::parse_any(seq).ok_or_else(|| invalid_sequence(seq))? {
                AnyLayout::Current(parsed) => parsed,
                AnyLayout::Older { shard_index, .. } if shard_index != shard_id.0 => {
                    return Err(encodes_another_shard(shard_index));
                }
                // AWS fails on an older layout of the right shard (kinesalite records an InternalFailure).
                AnyLayout::Older { .. } => {
                    return Err(StreamsError::new(StreamsErrorKind::InternalFailure, "Internal Service Failure"));
                }
            };
            if parsed.shard_index != shard_id.0 {
                return Err(encodes_another_shard(parsed.shard_index));
            }
            if parsed.shard_created_unix_secs != shard.created_unix_secs {
                return Err(StreamsError::new(
                    StreamsErrorKind::InvalidArgument,
                    format!(
                        "StartingSequenceNumber {seq} used in GetShardIterator on shard {shard_id} in stream {name} under account \
                         {account} is invalid because it did not come from this stream."
                    ),
                ));
            }
            Ok(parsed.counter)
        };
        let position = match start {
            IteratorStart::AtSequenceNumber(seq) => counter_of(&seq)?,
            IteratorStart::AfterSequenceNumber(seq) => counter_of(&seq)?.saturating_add(1),
            IteratorStart::TrimHorizon => shard.first_position(),
            IteratorStart::Latest => shard.latest_position(),
            IteratorStart::AtTimestamp(unix_ms) => {
                if unix_ms > now_ms {
                    return Err(StreamsError::new(
                        StreamsErrorKind::InvalidArgument,
                        format!(
                            "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. \
                             timestampInMillis: {unix_ms}, currentTimestampInMillis: {now_ms}"
                        ),
                    ));
                }
                shard.position_at(self.sim_time_of_unix_ms(unix_ms))
            }
        };
        let token = IteratorToken {
            stream_name: name.into(),
            stream_created_unix_secs: stream.created_unix_secs,
            shard_id,
            position,
            issued_at_ms: now.as_millis(),
        };
        Ok(token.encode())
    }

    /// GetRecords: at most `limit` (1..=10,000) records and 10 MiB, under the shard's shared read limits.
    pub fn get_records(
        &mut self,
        now: SimTime,
        shard_iterator: &str,
        limit: Option<u32>,
    ) -> Result<GetRecordsOutput, StreamsError> {
        self.get_records_as(now, shard_iterator, limit, false)
    }

    /// [`Self::get_records`], records given as `R` (the simulated readers' [`crate::shard::ReadRecord`]s),
    /// with `runs` numbered records counted in runs ([`crate::shard::ReadRecord::Run`]).
    pub(crate) fn get_records_as<R: ReadItem>(
        &mut self,
        now: SimTime,
        shard_iterator: &str,
        limit: Option<u32>,
        runs: bool,
    ) -> Result<GetRecordsOutput<R>, StreamsError> {
        let account = self.config.account_id.clone();
        let invalid = || StreamsError::new(StreamsErrorKind::InvalidArgument, "Invalid ShardIterator.");
        let token = IteratorToken::decode(shard_iterator).ok_or_else(invalid)?;
        let age_ms = now.as_millis().saturating_sub(token.issued_at_ms);
        if age_ms > ITERATOR_LIFETIME_MS {
            let created = self.config.epoch_unix_ms + token.issued_at_ms;
            return Err(StreamsError::new(
                StreamsErrorKind::ExpiredIterator,
                format!(
                    "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the \
                     future than the tolerated delay of {ITERATOR_LIFETIME_MS} milliseconds.",
                    JavaDate(created),
                    JavaDate(self.unix_ms(now))
                ),
            ));
        }
        let name = token.stream_name.clone();
        if !self.streams.contains_key(&name) {
            // A deleted stream: AWS names the shard the iterator points into.
            return Err(StreamsError::new(
                StreamsErrorKind::ResourceNotFound,
                format!("Shard {} in stream {name} under account {account} does not exist", token.shard_id),
            ));
        }
        let stream = self.readable(&name)?;
        if stream.created_unix_secs != token.stream_created_unix_secs {
            return Err(invalid());
        }
        let Some(shard) = stream.shard(token.shard_id) else {
            return Err(StreamsError::new(
                StreamsErrorKind::ResourceNotFound,
                format!("Shard {} in stream {name} under account {account} does not exist", token.shard_id),
            ));
        };
        let children: Vec<_> = shard
            .child_shard_ids
            .iter()
            .filter_map(|id| stream.shard(*id))
            .map(|c| {
                (c.id, c.parent_shard_id.into_iter().chain(c.adjacent_parent_shard_id).collect(), c.hash_key_range)
            })
            .collect();
        let limit = limit.unwrap_or(GET_RECORDS_RECORDS_MAX).clamp(1, GET_RECORDS_RECORDS_MAX);
        let fault = self.injected_throttle(&name);
        let visibility_ms = self.faults_of(&name).get_records_visibility_ms;
        let stream = self.stream_in_use(now, &name).expect("checked readable above");
        let on_demand = stream.mode == crate::stream::StreamMode::OnDemand;
        let shard = stream.shard_mut(token.shard_id).expect("checked above");
        let batch = if fault {
            shard.metrics.record_read_throttled(now.as_secs());
            None
        } else {
            shard.get_records::<R>(now, token.position, limit, SimDuration::from_millis(visibility_ms), runs)
        };
        if let Some(batch) = batch.as_ref().filter(|_| on_demand) {
            stream.usage_billed.on_demand_bytes_out += batch.records.iter().map(R::size_bytes).sum::<u64>();
        }
        let Some(batch) = batch else {
            return Err(StreamsError::new(
                StreamsErrorKind::ProvisionedThroughputExceeded,
                format!("Rate exceeded for Shard - {account}/{name}/{}", token.shard_id),
            ));
        };
        let next_shard_iterator = (!batch.at_shard_end)
            .then(|| IteratorToken { position: batch.next_position, issued_at_ms: now.as_millis(), ..token }.encode());
        Ok(GetRecordsOutput {
            child_shards: if batch.at_shard_end { children } else { Vec::new() },
            records: batch.records,
            next_shard_iterator,
            millis_behind_latest: batch.millis_behind_latest,
        })
    }
}

fn throttled(shard_id: ShardId, name: &str, account: &str) -> StreamsError {
    StreamsError::new(
        StreamsErrorKind::ProvisionedThroughputExceeded,
        format!("Rate exceeded for shard {shard_id} in stream {name} under account {account}."),
    )
}

/// The checks AWS makes on one record beyond the API model: key length, hash key range, record size.
/// Inlined into the write path, which then builds an error only for a record that fails.
#[inline]
fn check_record(
    stream: &Stream,
    account: &str,
    partition_key: &WriteKey,
    explicit_hash_key: Option<u128>,
    data_len: u64,
) -> Result<(), StreamsError> {
    let key_chars = partition_key.char_count();
    let fits = data_len + partition_key.len_bytes() <= stream.max_record_bytes();
    if fits && (1..=PARTITION_KEY_CHARS_MAX).contains(&key_chars) {
        return Ok(());
    }
    record_refused(stream, account, partition_key, explicit_hash_key, data_len)
}

/// [`check_record`]'s answer for a record that fails.
#[cold]
fn record_refused(
    stream: &Stream,
    account: &str,
    partition_key: &WriteKey,
    explicit_hash_key: Option<u128>,
    data_len: u64,
) -> Result<(), StreamsError> {
    let key_chars = partition_key.char_count();
    if key_chars == 0 || key_chars > PARTITION_KEY_CHARS_MAX {
        let rule = if key_chars == 0 { "greater than or equal to 1" } else { "less than or equal to 256" };
        let partition_key = partition_key.to_text();
        return Err(StreamsError::new(
            StreamsErrorKind::Validation,
            format!(
                "1 validation error detected: Value '{partition_key}' at 'partitionKey' failed to satisfy constraint: Member must have length {rule}"
            ),
        ));
    }
    let _ = explicit_hash_key; // Every u128 is in [0, 2^128 - 1]; the api crate rejects larger decimals.
    let total = data_len + partition_key.len_bytes();
    let max = stream.max_record_bytes();
    if total > max {
        // AWS's wording for a record over the stream's maximum is unconfirmed (`docs/aws-behaviour.md` §8.2).
        return Err(StreamsError::new(
            StreamsErrorKind::InvalidArgument,
            format!(
                "Record size {total} bytes (data plus partition key) exceeds the maximum record size of {max} bytes for \
                 stream {} under account {account}.",
                stream.name
            ),
        ));
    }
    Ok(())
}
