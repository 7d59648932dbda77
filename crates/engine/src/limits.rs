//! AWS limits the engine enforces, named once (facts sheet 0.1, 1.3, 1.4).

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
