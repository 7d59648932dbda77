//! Firehose's CloudWatch metrics in one-second buckets, and billing usage.

use crate::metrics::PerSecond;
use alloc::string::String;
use alloc::vec::Vec;

/// One delivery stream's counters for one second. Fields are the CloudWatch names in snake case;
/// `delivery_*` are `DeliveryTo<Destination>.*` (see [`Self::named`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FirehoseSecond {
    /// The second covered.
    pub second: u64,
    /// `IncomingBytes` (Direct PUT) or bytes read from the data stream.
    pub incoming_bytes: u64,
    /// `IncomingRecords`.
    pub incoming_records: u64,
    /// `IncomingPutRequests`.
    pub incoming_put_requests: u64,
    /// `ThrottledRecords`: records refused by the Direct PUT quota.
    pub throttled_records: u64,
    /// `DataReadFromKinesisStream.Records`.
    pub read_from_kinesis_records: u64,
    /// `DataReadFromKinesisStream.Bytes`.
    pub read_from_kinesis_bytes: u64,
    /// Lambda invocations, retries included (not a CloudWatch metric; shown as `ExecuteProcessing.Invocations`).
    pub execute_processing_invocations: u64,
    /// `ExecuteProcessing.Success`: invocations that kept the contract.
    pub execute_processing_success: u64,
    /// `ExecuteProcessing.Duration`, the longest this second, ms: 1 ms plus 1 ms per 1,000 transform steps
    /// (a model; the transform runs in no real time).
    pub execute_processing_duration_ms: u64,
    /// `KinesisMillisBehindLatest`: the largest `MillisBehindLatest` of this second's reads.
    pub kinesis_millis_behind_latest: u64,
    /// `SucceedProcessing.Records`: `Ok` and `Dropped` records.
    pub succeed_processing_records: u64,
    /// `SucceedProcessing.Bytes`: bytes of `Ok` records after the transform.
    pub succeed_processing_bytes: u64,
    /// Records the transform returned as `Dropped`.
    pub dropped_records: u64,
    /// Records that failed processing (result or invocation) and went to the error prefix.
    pub processing_failed_records: u64,
    /// `DeliveryTo….Records`.
    pub delivery_records: u64,
    /// `DeliveryTo….Bytes` (before compression).
    pub delivery_bytes: u64,
    /// Delivery attempts made.
    pub delivery_attempts: u64,
    /// `DeliveryTo….Success`: attempts that succeeded.
    pub delivery_success: u64,
    /// `DeliveryTo….DataFreshness`: age of the oldest record delivered this second, ms.
    pub data_freshness_ms: u64,
    /// `BackupToS3.Records`: records written to the backup or error prefix.
    pub backup_to_s3_records: u64,
    /// `PartitionCount`: active partitions at the end of the second.
    pub partition_count: u64,
    /// `PartitionCountExceeded`: records refused by the partition quota.
    pub partition_count_exceeded: u64,
}

impl PerSecond for FirehoseSecond {
    fn empty(second: u64) -> Self {
        Self { second, ..Self::default() }
    }
    fn second(&self) -> u64 {
        self.second
    }
}

impl FirehoseSecond {
    /// Adds `other`'s counters (freshness and partition count take the maximum).
    pub fn add(&mut self, other: &Self) {
        self.incoming_bytes += other.incoming_bytes;
        self.incoming_records += other.incoming_records;
        self.incoming_put_requests += other.incoming_put_requests;
        self.throttled_records += other.throttled_records;
        self.read_from_kinesis_records += other.read_from_kinesis_records;
        self.read_from_kinesis_bytes += other.read_from_kinesis_bytes;
        self.execute_processing_invocations += other.execute_processing_invocations;
        self.execute_processing_success += other.execute_processing_success;
        self.execute_processing_duration_ms =
            self.execute_processing_duration_ms.max(other.execute_processing_duration_ms);
        self.kinesis_millis_behind_latest = self.kinesis_millis_behind_latest.max(other.kinesis_millis_behind_latest);
        self.succeed_processing_records += other.succeed_processing_records;
        self.succeed_processing_bytes += other.succeed_processing_bytes;
        self.dropped_records += other.dropped_records;
        self.processing_failed_records += other.processing_failed_records;
        self.delivery_records += other.delivery_records;
        self.delivery_bytes += other.delivery_bytes;
        self.delivery_attempts += other.delivery_attempts;
        self.delivery_success += other.delivery_success;
        self.data_freshness_ms = self.data_freshness_ms.max(other.data_freshness_ms);
        self.backup_to_s3_records += other.backup_to_s3_records;
        self.partition_count = self.partition_count.max(other.partition_count);
        self.partition_count_exceeded += other.partition_count_exceeded;
    }

    /// The counters under their CloudWatch names, `delivery_prefix` being e.g. `DeliveryToS3`.
    pub fn named(&self, delivery_prefix: &str) -> Vec<(String, u64)> {
        let d = |suffix: &str| alloc::format!("{delivery_prefix}.{suffix}");
        alloc::vec![
            ("IncomingBytes".into(), self.incoming_bytes),
            ("IncomingRecords".into(), self.incoming_records),
            ("IncomingPutRequests".into(), self.incoming_put_requests),
            ("ThrottledRecords".into(), self.throttled_records),
            ("DataReadFromKinesisStream.Records".into(), self.read_from_kinesis_records),
            ("DataReadFromKinesisStream.Bytes".into(), self.read_from_kinesis_bytes),
            ("ExecuteProcessing.Invocations".into(), self.execute_processing_invocations),
            ("ExecuteProcessing.Success".into(), self.execute_processing_success),
            ("ExecuteProcessing.Duration".into(), self.execute_processing_duration_ms),
            ("KinesisMillisBehindLatest".into(), self.kinesis_millis_behind_latest),
            ("SucceedProcessing.Records".into(), self.succeed_processing_records),
            ("SucceedProcessing.Bytes".into(), self.succeed_processing_bytes),
            (d("Records"), self.delivery_records),
            (d("Bytes"), self.delivery_bytes),
            (d("Success"), self.delivery_success),
            (d("DataFreshness"), self.data_freshness_ms),
            ("BackupToS3.Records".into(), self.backup_to_s3_records),
            ("PartitionCount".into(), self.partition_count),
            ("PartitionCountExceeded".into(), self.partition_count_exceeded),
        ]
    }
}
