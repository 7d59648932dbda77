//! A consumer application's output (the enrichment pattern): the records it processed, written on to a data
//! stream with PutRecords or to a Direct PUT delivery stream with PutRecordBatch, once a second, in order.
//! Refused records wait for the next second; beyond [`QUEUED_RECORDS_MAX`] the oldest are dropped.

use crate::analytics_app::DestinationKind;
use crate::consumer_app::RecordOutput;
use crate::firehose::Firehose;
use crate::firehose::config::{BATCH_BYTES_MAX, BATCH_RECORDS_MAX};
use crate::kinesis::{Kinesis, PutRecordsEntry, PutRecordsResultEntry};
use crate::limits::{PUT_RECORDS_BYTES_MAX, PUT_RECORDS_RECORDS_MAX};
use crate::shard::Payload;
use crate::time::SimTime;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

/// Records waiting for the output at most; beyond it the oldest are dropped (a simulator bound).
pub(crate) const QUEUED_RECORDS_MAX: usize = 100_000;

/// What an output has done with the records handed to it. At every instant
/// `offered = written + queued + dropped`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OutputTotals {
    /// Records handed to the output.
    pub offered: u64,
    /// Records the target accepted.
    pub written: u64,
    /// Records waiting to be written.
    pub queued: u64,
    /// Records dropped because the queue was full.
    pub dropped: u64,
    /// Calls made (PutRecords or PutRecordBatch).
    pub calls: u64,
    /// Record attempts the target refused (throttled or failed); each is tried again.
    pub refused: u64,
}

/// The records waiting for one output, with its totals.
#[derive(Clone, Debug, Default)]
pub(crate) struct Forwarder {
    queue: VecDeque<(String, Payload)>,
    pub(crate) totals: OutputTotals,
}

impl Forwarder {
    /// Queues a processed record (its partition key and data).
    pub(crate) fn offer(&mut self, partition_key: &str, data: &Payload) {
        if self.queue.len() == QUEUED_RECORDS_MAX {
            self.queue.pop_front();
            self.totals.dropped += 1;
        }
        self.queue.push_back((partition_key.into(), data.clone()));
        self.totals.offered += 1;
        self.totals.queued = self.queue.len() as u64;
    }

    /// Writes queued records in calls within the target API's limits until a call has a refused record
    /// (that record and those after it wait for the next turn).
    pub(crate) fn deliver(
        &mut self,
        output: &RecordOutput,
        kinesis: &mut Kinesis,
        firehose: &mut Firehose,
        now: SimTime,
    ) {
        let (records_max, bytes_max) = match output.kind {
            DestinationKind::DataStream => (PUT_RECORDS_RECORDS_MAX, PUT_RECORDS_BYTES_MAX),
            DestinationKind::Firehose => (BATCH_RECORDS_MAX, BATCH_BYTES_MAX),
        };
        while !self.queue.is_empty() {
            let mut take = 0;
            let mut bytes = 0;
            for (key, data) in self.queue.iter().take(records_max) {
                let size = data.len_bytes() + key.len() as u64;
                if take > 0 && bytes + size > bytes_max {
                    break;
                }
                bytes += size;
                take += 1;
            }
            let call: Vec<(String, Payload)> = self.queue.drain(..take).collect();
            self.totals.calls += 1;
            let accepted: Vec<bool> = match output.kind {
                DestinationKind::DataStream => {
                    let entries = call
                        .iter()
                        .map(|(key, data)| PutRecordsEntry {
                            partition_key: key.clone(),
                            data: data.clone(),
                            explicit_hash_key: None,
                        })
                        .collect();
                    match kinesis.put_records(now, &output.stream_name, entries) {
                        Ok(out) => out.records.iter().map(|r| matches!(r, PutRecordsResultEntry::Ok(_))).collect(),
                        Err(_) => alloc::vec![false; call.len()],
                    }
                }
                DestinationKind::Firehose => {
                    let records = call.iter().map(|(key, data)| data.to_bytes_for(key)).collect();
                    match firehose.put_record_batch(now, &output.stream_name, records) {
                        Ok(out) => {
                            out.entries.iter().map(|e| matches!(e, crate::firehose::BatchEntry::Ok(_))).collect()
                        }
                        Err(_) => alloc::vec![false; call.len()],
                    }
                }
            };
            let mut refused = Vec::new();
            for (record, ok) in call.into_iter().zip(accepted) {
                if ok {
                    self.totals.written += 1;
                } else {
                    self.totals.refused += 1;
                    refused.push(record);
                }
            }
            let stop = !refused.is_empty();
            for record in refused.into_iter().rev() {
                self.queue.push_front(record);
            }
            if stop {
                break;
            }
        }
        self.totals.queued = self.queue.len() as u64;
    }
}
