//! What a stream would cost on AWS: usage in billing units, and an estimate at example prices.
//!
//! Units follow the pricing pages (`docs/aws-behaviour.md` §7); the prices are the widely quoted us-east-1 list
//! prices (`docs/aws-behaviour.md` §8.7), which are unconfirmed: the estimate says so wherever it is shown.

use alloc::vec::Vec;

/// Bytes in one PUT payload unit. The pricing page's "1 MB record = 40 units" implies decimal
/// kilobytes (25,000 bytes); the byte basis is unconfirmed.
pub const PUT_PAYLOAD_UNIT_BYTES: u64 = 25_000;
/// On-demand data in is billed per record rounded up to the next KiB.
pub const ON_DEMAND_RECORD_ROUNDING_BYTES: u64 = 1_024;

/// Usage accrued by one stream, in AWS billing units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Usage {
    /// Open shards × seconds (provisioned streams).
    pub shard_seconds: u64,
    /// PUT payload units (provisioned streams): each record rounded up to 25 KB.
    pub put_payload_units: u64,
    /// Open shards × seconds while retention exceeds 24 hours (provisioned streams).
    pub extended_retention_shard_seconds: u64,
    /// Registered enhanced fan-out consumers × open shards × seconds.
    pub efo_consumer_shard_seconds: u64,
    /// Bytes pushed to enhanced fan-out consumers.
    pub efo_bytes: u64,
    /// Seconds the stream existed in on-demand mode.
    pub on_demand_stream_seconds: u64,
    /// Bytes written in on-demand mode, each record rounded up to 1 KiB.
    pub on_demand_bytes_in: u64,
    /// Bytes read with GetRecords in on-demand mode.
    pub on_demand_bytes_out: u64,
}

impl Usage {
    /// PUT payload units of one record of `bytes` (data plus key): at least 1.
    pub fn put_payload_units_of(bytes: u64) -> u64 {
        bytes.div_ceil(PUT_PAYLOAD_UNIT_BYTES).max(1)
    }

    /// Both usages together.
    pub fn plus(&self, other: &Self) -> Self {
        self.zip(other, u64::saturating_add)
    }

    /// What was used since `earlier` (a snapshot of the same counters).
    pub fn since(&self, earlier: &Self) -> Self {
        self.zip(earlier, u64::saturating_sub)
    }

    fn zip(&self, other: &Self, f: fn(u64, u64) -> u64) -> Self {
        Self {
            shard_seconds: f(self.shard_seconds, other.shard_seconds),
            put_payload_units: f(self.put_payload_units, other.put_payload_units),
            extended_retention_shard_seconds: f(
                self.extended_retention_shard_seconds,
                other.extended_retention_shard_seconds,
            ),
            efo_consumer_shard_seconds: f(self.efo_consumer_shard_seconds, other.efo_consumer_shard_seconds),
            efo_bytes: f(self.efo_bytes, other.efo_bytes),
            on_demand_stream_seconds: f(self.on_demand_stream_seconds, other.on_demand_stream_seconds),
            on_demand_bytes_in: f(self.on_demand_bytes_in, other.on_demand_bytes_in),
            on_demand_bytes_out: f(self.on_demand_bytes_out, other.on_demand_bytes_out),
        }
    }
}

/// One line of a cost estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CostLine {
    /// What is billed, e.g. "Shard hours".
    pub item: &'static str,
    /// How many units, in the unit's natural measure × 1,000 (so hours and GB keep three decimals).
    pub quantity_milli: u64,
    /// The unit, e.g. "shard-hour".
    pub unit: &'static str,
    /// The price per unit in millionths of a dollar.
    pub price_micro_usd: u64,
    /// The line's cost in millionths of a dollar.
    pub cost_micro_usd: u64,
}

const GB: u64 = 1_000_000_000;

/// The estimate for `usage` at the example us-east-1 prices. Costs are computed from the exact usage
/// (rounded up to the micro-dollar), not from the rounded quantities shown.
pub fn estimate(usage: &Usage) -> Vec<CostLine> {
    // `amount` units of which `per_unit` make one priced unit (3,600 shard-seconds make a shard-hour).
    let line = |item, unit, amount: u64, per_unit: u64, price_micro_usd: u64| CostLine {
        item,
        quantity_milli: (u128::from(amount) * 1_000 / u128::from(per_unit)) as u64,
        unit,
        price_micro_usd,
        cost_micro_usd: (u128::from(amount) * u128::from(price_micro_usd)).div_ceil(u128::from(per_unit)) as u64,
    };
    const HOUR: u64 = 3_600;
    let mut lines = Vec::new();
    if usage.shard_seconds > 0 {
        lines.push(line("Shard hours", "shard-hour", usage.shard_seconds, HOUR, 15_000));
        lines.push(line("PUT payload units", "million units", usage.put_payload_units, 1_000_000, 14_000));
    }
    if usage.extended_retention_shard_seconds > 0 {
        lines.push(line("Extended retention", "shard-hour", usage.extended_retention_shard_seconds, HOUR, 20_000));
    }
    if usage.efo_consumer_shard_seconds > 0 {
        lines.push(line("Enhanced fan-out", "consumer-shard-hour", usage.efo_consumer_shard_seconds, HOUR, 15_000));
        lines.push(line("Enhanced fan-out data", "GB", usage.efo_bytes, GB, 13_000));
    }
    if usage.on_demand_stream_seconds > 0 {
        lines.push(line("On-demand stream hours", "stream-hour", usage.on_demand_stream_seconds, HOUR, 40_000));
        lines.push(line("On-demand data in", "GB", usage.on_demand_bytes_in, GB, 80_000));
        lines.push(line("On-demand data out", "GB", usage.on_demand_bytes_out, GB, 40_000));
    }
    lines
}

/// Firehose bills each record rounded up to the next 5 KB (5,120 B).
pub const FIREHOSE_RECORD_ROUNDING_BYTES: u64 = 5_120;

/// The estimate for one Firehose delivery stream's usage at the example us-east-1 prices
/// (`docs/aws-behaviour.md` §8.7: $0.029/GB ingested, $0.018/GB converted, $0.020/GB plus $0.005 per 1,000 objects
/// for dynamic partitioning).
pub fn estimate_firehose(usage: &crate::firehose::delivery::FirehoseUsage) -> Vec<CostLine> {
    let line = |item, unit, amount: u64, per_unit: u64, price_micro_usd: u64| CostLine {
        item,
        quantity_milli: (u128::from(amount) * 1_000 / u128::from(per_unit)) as u64,
        unit,
        price_micro_usd,
        cost_micro_usd: (u128::from(amount) * u128::from(price_micro_usd)).div_ceil(u128::from(per_unit)) as u64,
    };
    let mut lines = alloc::vec![line("Firehose ingestion", "GB", usage.ingested_billed_bytes, GB, 29_000)];
    if usage.format_conversion_billed_bytes > 0 {
        lines.push(line("Firehose format conversion", "GB", usage.format_conversion_billed_bytes, GB, 18_000));
    }
    if usage.dynamic_partitioning_bytes > 0 {
        lines.push(line("Firehose dynamic partitioning", "GB", usage.dynamic_partitioning_bytes, GB, 20_000));
        lines.push(line(
            "Firehose partitioned objects",
            "1,000 objects",
            usage.dynamic_partitioning_objects,
            1_000,
            5_000,
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn put_payload_units_round_up_to_25_kb() {
        // The pricing page's examples: 5 KB = 1 unit, 45 KB = 2 units, 1 MB = 40 units.
        assert_eq!(Usage::put_payload_units_of(5_000), 1);
        assert_eq!(Usage::put_payload_units_of(45_000), 2);
        assert_eq!(Usage::put_payload_units_of(1_000_000), 40);
        assert_eq!(Usage::put_payload_units_of(0), 1);
    }

    #[test]
    fn short_runs_are_priced_exactly() {
        // 6 shard-seconds are 1/600 shard-hour: $0.015 / 600 = $0.000025, not rounded to 0.001 hour.
        let lines = estimate(&Usage { shard_seconds: 6, put_payload_units: 1_500, ..Usage::default() });
        assert_eq!((lines[0].quantity_milli, lines[0].cost_micro_usd), (1, 25));
        // 1,500 units at $0.014 per million: $0.000021.
        assert_eq!(lines[1].cost_micro_usd, 21);
    }

    #[test]
    fn a_shard_for_a_day_costs_36_cents() {
        // 24 shard-hours at $0.015.
        let usage = Usage { shard_seconds: 86_400, ..Usage::default() };
        let lines = estimate(&usage);
        assert_eq!(lines[0].quantity_milli, 24_000);
        assert_eq!(lines[0].cost_micro_usd, 360_000);
    }

    #[test]
    fn the_pricing_example_of_100_records_of_35_kb() {
        // `docs/aws-behaviour.md` §7: 100 records/s of 35 KB = 2 units each = 200 units/s; a month (30 days) is 518.4 M
        // units, at $0.014 per million = $7.2576.
        let units = 200 * 86_400 * 30;
        assert_eq!(units, 518_400_000);
        let lines = estimate(&Usage { shard_seconds: 1, put_payload_units: units, ..Usage::default() });
        assert_eq!(lines[1].cost_micro_usd, 7_257_600);
    }

    #[test]
    fn firehose_bills_each_record_rounded_up_to_5_kb() {
        use crate::firehose::delivery::{FirehoseUsage, billed_bytes_of};
        // A million 1 KB records bill as a million 5 KB records: 5.12 GB at $0.029 = $0.14848.
        let usage =
            FirehoseUsage { ingested_billed_bytes: 1_000_000 * billed_bytes_of(1_024), ..FirehoseUsage::default() };
        assert_eq!(usage.ingested_billed_bytes, 1_000_000 * FIREHOSE_RECORD_ROUNDING_BYTES);
        let lines = estimate_firehose(&usage);
        assert_eq!((lines.len(), lines[0].quantity_milli, lines[0].cost_micro_usd), (1, 5_120, 148_480));
        // 2,000 partitioned objects cost 2 × $0.005.
        let usage = FirehoseUsage {
            dynamic_partitioning_bytes: 1,
            dynamic_partitioning_objects: 2_000,
            ..FirehoseUsage::default()
        };
        assert_eq!(estimate_firehose(&usage)[2].cost_micro_usd, 10_000);
    }
}
