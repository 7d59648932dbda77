//! AWS limits the engine enforces, named once (`docs/aws-behaviour.md` §1.1, which lists each with its source).

/// Per-shard write limit in bytes per second, data plus partition key (1 MiB/s).
pub const SHARD_WRITE_BYTES_PER_SEC: u64 = 1_048_576;
/// Per-shard write limit in records per second.
pub const SHARD_WRITE_RECORDS_PER_SEC: u64 = 1_000;
/// Default largest record: data plus partition key (1 MiB).
pub const RECORD_BYTES_MAX: u64 = 1_048_576;
/// Shards one simulated stream may have. AWS's account quota is higher; this bounds the simulator's work.
pub const SIM_SHARDS_MAX: u32 = 1_024;
/// Records per second one simulated producer may emit: a simulator bound, far above any lesson's need.
pub const SIM_PRODUCER_RECORDS_PER_SEC_MAX: u32 = 1_000_000;
/// Records one GetRecords call returns at most.
pub const GET_RECORDS_RECORDS_MAX: u32 = 10_000;
/// Bytes one GetRecords call returns at most (10 MiB).
pub const GET_RECORDS_BYTES_MAX: u64 = 10_485_760;
/// GetRecords calls per second per shard, shared by all polling consumers.
pub const GET_RECORDS_CALLS_PER_SEC: u64 = 5;
/// GetShardIterator calls per second per shard.
pub const GET_SHARD_ITERATOR_CALLS_PER_SEC: u64 = 5;
/// Shared read throughput per shard (2 MiB/s), and each enhanced fan-out consumer's own per shard.
pub const SHARD_READ_BYTES_PER_SEC: u64 = 2_097_152;
/// Records a simulated shard keeps for reading at most: a day at the shard's write limit (1,000 records/s for
/// 86,400 s), so only a retention beyond 24 hours at full load, or a scenario's memory ceiling
/// ([`crate::budget`]), drops records before retention trims them (a simulator bound).
pub const SIM_LOG_RECORDS_MAX_PER_SHARD: usize = 86_400_000;
/// How long a shard iterator stays valid (5 minutes).
pub const ITERATOR_LIFETIME_MS: u64 = 300_000;
/// Records in one PutRecords request at most.
pub const PUT_RECORDS_RECORDS_MAX: usize = 500;
/// Bytes in one PutRecords request at most, data plus partition keys (current limit: 10 MiB).
pub const PUT_RECORDS_BYTES_MAX: u64 = 10_485_760;
/// Retention bounds in hours (24 hours to 365 days).
pub const RETENTION_HOURS_MIN: u32 = 24;
/// See [`RETENTION_HOURS_MIN`].
pub const RETENTION_HOURS_MAX: u32 = 8_760;
/// Enhanced fan-out consumers per stream.
pub const CONSUMERS_PER_STREAM_MAX: usize = 20;
/// Consumers in CREATING per stream at once.
pub const CONSUMERS_CREATING_MAX: usize = 5;
/// How long one SubscribeToShard subscription lasts (5 minutes).
pub const SUBSCRIPTION_LIFETIME_MS: u64 = 300_000;
/// Default shard quota of an account in us-east-1, us-west-2 and eu-west-1 (current documentation).
pub const ACCOUNT_SHARD_LIMIT: u32 = 20_000;
/// Shards per stream at most for UpdateShardCount.
pub const STREAM_SHARDS_MAX: u32 = 10_000;
/// UpdateShardCount operations per stream per rolling 24 hours.
pub const SCALING_OPERATIONS_PER_DAY: usize = 10;
/// Capacity-mode switches per stream per rolling 24 hours.
pub const MODE_SWITCHES_PER_DAY: usize = 2;
/// Shards an on-demand stream starts with (4 MB/s of write capacity).
pub const ON_DEMAND_INITIAL_SHARDS: u32 = 4;
/// Default propagation delay of GetRecords in scenarios: records become readable this long after their
/// write, so that a consumer polling 5 times a second sees AWS's documented average of about 200 ms
/// (100 ms plus half the 200 ms between polls; see [`crate::latency`]).
pub const GET_RECORDS_VISIBILITY_MS: u64 = 100;
/// Default propagation delay of enhanced fan-out in scenarios: with a push every 50 ms, the documented
/// typical average of 70 ms (45 ms plus half of 50 ms; see [`crate::latency`]).
pub const FAN_OUT_VISIBILITY_MS: u64 = 45;
