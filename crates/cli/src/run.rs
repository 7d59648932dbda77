//! `shardlab run SCENARIO.json --for 10m [--json]`: a scenario, headless, and its summary.

use crate::args::Args;
use crate::{Failure, duration, scenario, sql};
use serde_json::{Value, json};
use shardlab_engine::agent::AgentTotals;
use shardlab_engine::analytics_app::SqlDialect;
use shardlab_engine::consumer_app::{ConsumerTotals, ReadStyle};
use shardlab_engine::cost::{self, CostLine};
use shardlab_engine::firehose::delivery::{FlushReason, ObjectKind};
use shardlab_engine::firehose::metrics::FirehoseSecond;
use shardlab_engine::firehose::{DeliveryStream, Source};
use shardlab_engine::{ProducerTotals, SimConfig, SimTime, Simulation};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What to run and how to report it.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    scenario_path: String,
    duration_ms: u64,
    json: bool,
}

fn parse_options(rest: &[String]) -> Result<Options, Failure> {
    let mut args = Args::new(rest);
    let mut path = None;
    let mut duration_ms = None;
    let mut json = false;
    while let Some(arg) = args.next() {
        match arg {
            "--for" => {
                let text = args.value(arg)?;
                duration_ms = Some(duration::parse_ms(text).map_err(Failure::Usage)?);
            }
            "--json" => json = true,
            other if other.starts_with("--") => {
                return Err(Failure::Usage(format!("shardlab run does not take '{other}'")));
            }
            other if path.is_none() => path = Some(other.to_string()),
            other => {
                return Err(Failure::Usage(format!("shardlab run takes one scenario file, not also '{other}'")));
            }
        }
    }
    Ok(Options {
        scenario_path: path.ok_or_else(|| Failure::Usage("shardlab run needs a SCENARIO.json".into()))?,
        duration_ms: duration_ms.ok_or_else(|| Failure::Usage("shardlab run needs --for, such as --for 10m".into()))?,
        json,
    })
}

pub(crate) fn main(rest: &[String]) -> Result<(), Failure> {
    let options = parse_options(rest)?;
    let text = std::fs::read_to_string(&options.scenario_path)
        .map_err(|err| Failure::Problems(vec![format!("cannot read scenario {}: {err}", options.scenario_path)]))?;
    let config = if crate::export::is_playground_scenario(&text) {
        // A scenario saved by the playground, or a share link.
        crate::export::load(&options.scenario_path)?.to_sim_config().map_err(|problems| {
            Failure::Problems(problems.iter().map(|p| format!("{}: {p}", options.scenario_path)).collect())
        })?
    } else {
        scenario::parse(&text).map_err(|problems| {
            Failure::Problems(problems.into_iter().map(|p| format!("{}: {p}", options.scenario_path)).collect())
        })?
    };
    let summary = run(config, options.duration_ms)?;
    if options.json {
        println!("{}", summary.to_json());
    } else {
        print!("{}", summary.to_text());
    }
    Ok(())
}

/// One shard's results.
#[derive(Debug, PartialEq, Eq)]
struct ShardResult {
    shard_id: String,
    open: bool,
    accepted_records: u64,
    accepted_bytes: u64,
    throttled_records: u64,
}

/// One producer's results.
#[derive(Debug, PartialEq, Eq)]
struct ProducerResult {
    name: String,
    records_per_sec: u32,
    record_bytes: u32,
    attempted: u64,
    accepted: u64,
    throttled: u64,
    failed: u64,
    /// The client's full counters (retries, drops, duplicates, latency).
    totals: ProducerTotals,
}

/// What one consumer application did.
#[derive(Debug, PartialEq, Eq)]
struct ConsumerResult {
    name: String,
    style: &'static str,
    totals: ConsumerTotals,
    /// The largest iterator age in the last minute of the run.
    iterator_age_ms_max: u64,
    /// Put-to-get latency percentiles (p50, p95, p99) in ms, if it processed anything.
    latency_ms: Option<[u64; 3]>,
}

/// What one analytics application did.
#[derive(Debug, PartialEq, Eq)]
struct AnalyticsResult {
    name: String,
    dialect: &'static str,
    records_read: u64,
    throttled_calls: u64,
    rows_total: u64,
    /// Rows counted into windows that have not fired yet.
    open_window_rows: u64,
    late_records_dropped: u64,
    error_rows: u64,
    /// SQL problems found once the input schema was discovered.
    problems: Vec<String>,
    /// The destination stream, and rows written to it, throttled writes and dropped rows.
    destination: Option<(String, u64, u64, u64)>,
    /// The emitted rows kept, as `shardlab sql` prints them.
    rows: Vec<Value>,
}

/// What a run did.
#[derive(Debug, PartialEq, Eq)]
struct Summary {
    config: SimConfig,
    duration_ms: u64,
    producers: Vec<ProducerResult>,
    consumers: Vec<ConsumerResult>,
    /// Each Kinesis Agent's file and counters, and the lines it is behind.
    agents: Vec<(String, AgentTotals, u64)>,
    shards: Vec<ShardResult>,
    analytics: Vec<AnalyticsResult>,
    /// The largest GetRecords iterator age seen in the last ten minutes, if anything read.
    iterator_age_ms_max: Option<u64>,
    cost: Vec<CostLine>,
    /// Per delivery stream, what each destination received and its metrics, as JSON.
    delivery_streams: Vec<Value>,
}

fn run(config: SimConfig, duration_ms: u64) -> Result<Summary, Failure> {
    let mut sim = Simulation::new(config.clone()).map_err(|err| Failure::Problems(err.problems))?;
    // Advance a second at a time, draining events so memory stays flat on long runs.
    let end = SimTime::from_millis(duration_ms);
    let mut at_ms = 0;
    // Firehose metrics summed over the run, one closed second at a time (the history keeps ten minutes).
    let mut firehose_sums: BTreeMap<String, FirehoseSecond> = BTreeMap::new();
    while sim.now() < end {
        at_ms = (at_ms + 1_000).min(duration_ms);
        sim.advance_to(SimTime::from_millis(at_ms));
        while sim.poll_event().is_some() {}
        if at_ms % 1_000 == 0 {
            for stream in sim.firehose().delivery_streams() {
                let sum = firehose_sums.entry(stream.config.name.clone()).or_default();
                sum.add(&stream.metrics.second(at_ms / 1_000 - 1));
            }
        }
    }
    // The second that starts at the end holds what happened exactly at the end.
    for stream in sim.firehose().delivery_streams() {
        let sum = firehose_sums.entry(stream.config.name.clone()).or_default();
        sum.add(&stream.metrics.second(duration_ms.div_ceil(1_000)));
    }
    let producers = sim
        .producers()
        .map(|(p, totals)| ProducerResult {
            name: p.name.clone(),
            records_per_sec: p.rate.peak(),
            record_bytes: p.size.max_bytes(),
            attempted: totals.attempted,
            accepted: totals.accepted,
            throttled: totals.throttled,
            failed: totals.failed,
            totals,
        })
        .collect();
    let last_second = duration_ms / 1_000;
    let consumers = sim
        .consumers()
        .iter()
        .map(|app| ConsumerResult {
            name: app.config.name.clone(),
            style: match app.config.style {
                ReadStyle::Polling { .. } => "polling",
                ReadStyle::EnhancedFanOut => "enhanced fan-out",
                ReadStyle::Kcl(_) => "KCL",
                ReadStyle::Lambda(_) => "Lambda",
            },
            totals: app.totals,
            iterator_age_ms_max: (last_second.saturating_sub(60)..=last_second)
                .map(|s| app.second(s).iterator_age_ms_max)
                .max()
                .unwrap_or(0),
            latency_ms: [50, 95, 99]
                .iter()
                .map(|p| app.latency.percentile(*p))
                .collect::<Option<Vec<u64>>>()
                .and_then(|v| v.try_into().ok()),
        })
        .collect();
    let stream = sim.stream();
    let shards = stream
        .into_iter()
        .flat_map(|s| s.shards())
        .map(|shard| ShardResult {
            shard_id: shard.id.to_string(),
            open: shard.is_open(),
            accepted_records: shard.metrics.totals.incoming_records,
            accepted_bytes: shard.metrics.totals.incoming_bytes,
            throttled_records: shard.metrics.totals.write_provisioned_throughput_exceeded,
        })
        .collect();
    let read = stream.into_iter().flat_map(|s| s.shards()).any(|shard| shard.metrics.totals.outgoing_records > 0);
    let iterator_age_ms_max = read.then(|| {
        stream
            .into_iter()
            .flat_map(|s| s.shards())
            .flat_map(|shard| shard.metrics.history())
            .map(|second| second.iterator_age_ms_max)
            .max()
            .unwrap_or(0)
    });
    let mut cost = stream.map(|s| cost::estimate(&s.usage)).unwrap_or_default();
    let epoch_ms = sim.config().epoch_unix_ms;
    let delivery_streams = sim
        .firehose()
        .delivery_streams()
        .map(|d| {
            cost.extend(cost::estimate_firehose(&d.usage));
            delivery_json(d, firehose_sums.get(&d.config.name).copied().unwrap_or_default(), epoch_ms)
        })
        .collect();
    let agents = sim.agents().iter().map(|a| (a.config.file_pattern.clone(), a.totals, a.lines_behind())).collect();
    let analytics = sim
        .analytics()
        .iter()
        .map(|a| {
            let stats = a.application().map(|app| app.stats());
            AnalyticsResult {
                name: a.config.name.clone(),
                dialect: match a.config.dialect {
                    SqlDialect::Kda => "KDA SQL (historical)",
                    SqlDialect::Flink => "Flink SQL",
                },
                records_read: a.reader.totals.records,
                throttled_calls: a.reader.totals.throttled_calls,
                rows_total: a.rows_total,
                open_window_rows: a.application().map_or(0, |app| app.open_windows().iter().map(|w| w.rows).sum()),
                late_records_dropped: stats.as_ref().map_or(0, |s| s.late_records_dropped.iter().map(|(_, n)| n).sum()),
                error_rows: stats.as_ref().map_or(0, |s| s.errors),
                problems: a.problems.clone(),
                destination: a
                    .config
                    .destination
                    .as_ref()
                    .map(|d| (d.stream_name.clone(), a.delivered, a.delivery_throttled, a.delivery_dropped)),
                rows: a
                    .application()
                    .map_or_else(Vec::new, |app| a.rows.iter().map(|r| sql::row_line(app, r)).collect()),
            }
        })
        .collect();
    Ok(Summary {
        config,
        duration_ms,
        producers,
        consumers,
        agents,
        shards,
        analytics,
        iterator_age_ms_max,
        cost,
        delivery_streams,
    })
}

/// One delivery stream's results: its fates, metrics, and what each destination received.
fn delivery_json(d: &DeliveryStream, metrics: FirehoseSecond, epoch_ms: u64) -> Value {
    let t = &d.totals;
    let kind = &d.config.destination.kind;
    let ms = |unix_ms: u64| unix_ms.saturating_sub(epoch_ms);
    let metrics: serde_json::Map<String, Value> =
        metrics.named(kind.metric_prefix()).into_iter().map(|(name, value)| (name, json!(value))).collect();
    json!({
        "name": d.config.name,
        "source": match &d.config.source { Source::DirectPut => "DirectPut".to_string(), Source::KinesisStream { stream_name } => format!("KinesisStream:{stream_name}") },
        "destination": kind.metric_prefix().trim_start_matches("DeliveryTo"),
        "records": {
            "incoming": t.incoming_records,
            "throttled": t.throttled_records,
            "delivered": t.delivered_records,
            "duplicates_at_destination": t.duplicate_records,
            "dropped_by_transform": t.dropped_records,
            "processing_failed": t.processing_failed_records,
            "partitioning_failed": t.partitioning_failed_records,
            "conversion_failed": t.conversion_failed_records,
            "backed_up_after_retries": t.backed_up_failed_records,
            "expired": t.expired_records,
            "buffered": d.buffered_records(),
        },
        "metrics": metrics,
        "s3_objects": d.s3_objects.iter().map(|o| json!({
            "key": o.key,
            "kind": match o.kind {
                ObjectKind::Data => "data",
                ObjectKind::Intermediate => "intermediate",
                ObjectKind::Backup => "backup",
                ObjectKind::Error => "error",
                ObjectKind::ErrorManifest => "error-manifest",
            },
            "error_output_type": o.error_output_type,
            "flush_reason": o.flush_reason.map(|r| match r { FlushReason::Size => "size", FlushReason::Interval => "interval" }),
            "records": o.records,
            "uncompressed_bytes": o.uncompressed_bytes,
            "stored_bytes": o.stored_bytes,
            "compression": o.compression.aws_name(),
            "first_record_arrival_ms": ms(o.first_arrival_unix_ms),
            "last_record_arrival_ms": ms(o.last_arrival_unix_ms),
            "written_at_ms": ms(o.written_unix_ms),
        })).collect::<Vec<_>>(),
        "requests": d.requests.iter().map(|r| json!({
            "request_id": r.request_id,
            "at_ms": ms(r.at_unix_ms),
            "attempt": r.attempt,
            "records": r.records,
            "bytes": r.bytes,
            "target": r.target,
            "error_code": r.error_code,
            "received": r.received,
        })).collect::<Vec<_>>(),
        "redshift_rows": d.redshift_rows,
    })
}

use shardlab_engine::format::thousands;

/// Bytes in binary units with one decimal: `512 B`, `1.5 KiB`, `3.0 MiB`, `2.1 GiB`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1_024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1_024.0;
    let mut unit = 0;
    while value >= 1_024.0 && unit + 1 < UNITS.len() {
        value /= 1_024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Micro-dollars as `$1.234567`.
fn dollars(micro_usd: u64) -> String {
    format!("${}.{:06}", micro_usd / 1_000_000, micro_usd % 1_000_000)
}

impl Summary {
    fn total_cost_micro_usd(&self) -> u64 {
        self.cost.iter().map(|l| l.cost_micro_usd).sum()
    }

    fn to_text(&self) -> String {
        let c = &self.config;
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "Stream {} ({} shard{} at start), seed {}, ran {} of simulated time.",
            c.stream_name,
            c.shard_count,
            if c.shard_count == 1 { "" } else { "s" },
            c.seed,
            duration::describe(self.duration_ms)
        );
        let _ = writeln!(out, "\nProducers:");
        if self.producers.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for p in &self.producers {
            let _ = writeln!(
                out,
                "  {}: {} records/s of {} -> attempted {}, accepted {}, throttled {}, failed {}",
                p.name,
                thousands(p.records_per_sec.into()),
                bytes(p.record_bytes.into()),
                thousands(p.attempted),
                thousands(p.accepted),
                thousands(p.throttled),
                thousands(p.failed)
            );
        }
        for p in self.producers.iter().filter(|p| p.totals.retried + p.totals.dropped + p.totals.duplicates > 0) {
            let t = &p.totals;
            let _ = writeln!(
                out,
                "    retried {}, dropped {}, duplicates written {}, mean latency {} ms",
                thousands(t.retried),
                thousands(t.dropped),
                thousands(t.duplicates),
                thousands(t.latency_ms_total / t.accepted.max(1))
            );
        }
        if !self.consumers.is_empty() {
            let _ = writeln!(out, "\nConsumers:");
        }
        for c in &self.consumers {
            let t = &c.totals;
            let _ = writeln!(
                out,
                "  {} ({}): {} records ({} user records, {}), {} throttled calls, {} duplicates, iterator age up to {} ms in the last minute",
                c.name,
                c.style,
                thousands(t.records),
                thousands(t.user_records),
                bytes(t.bytes),
                thousands(t.throttled_calls),
                thousands(t.duplicates),
                thousands(c.iterator_age_ms_max)
            );
            if let Some([p50, p95, p99]) = c.latency_ms {
                let _ = writeln!(out, "    put-to-get latency p50 {p50} ms, p95 {p95} ms, p99 {p99} ms");
            }
            if t.invocations > 0 {
                let _ = writeln!(
                    out,
                    "    {} invocations, {} failed, {} records sent to the on-failure destination",
                    thousands(t.invocations),
                    thousands(t.failed_invocations),
                    thousands(t.sent_to_destination)
                );
            }
        }
        if !self.agents.is_empty() {
            let _ = writeln!(out, "\nKinesis Agents:");
        }
        for (file, t, behind) in &self.agents {
            let _ = writeln!(
                out,
                "  {file}: {} lines written, {} records parsed, {} sent, {} failed (retried), {} lines behind, {} restarts",
                thousands(t.lines_written),
                thousands(t.records_parsed),
                thousands(t.records_sent),
                thousands(t.records_failed),
                thousands(*behind),
                thousands(t.restarts)
            );
        }
        if !self.analytics.is_empty() {
            let _ = writeln!(out, "\nAnalytics applications:");
        }
        for a in &self.analytics {
            let _ = writeln!(
                out,
                "  {} ({}): read {} records ({} throttled calls), emitted {} rows, {} late records dropped, {} error rows",
                a.name,
                a.dialect,
                thousands(a.records_read),
                thousands(a.throttled_calls),
                thousands(a.rows_total),
                thousands(a.late_records_dropped),
                thousands(a.error_rows)
            );
            if let Some((stream, delivered, throttled, dropped)) = &a.destination {
                let _ = writeln!(
                    out,
                    "    to stream {stream}: {} rows written, {} throttled writes, {} rows dropped",
                    thousands(*delivered),
                    thousands(*throttled),
                    thousands(*dropped)
                );
            }
            for problem in &a.problems {
                let _ = writeln!(out, "    SQL problem: {problem}");
            }
        }
        let _ = writeln!(out, "\nShards (accepted / throttled records):");
        for s in &self.shards {
            let _ = writeln!(
                out,
                "  {}{}: accepted {} ({}), throttled {}",
                s.shard_id,
                if s.open { "" } else { " (closed)" },
                thousands(s.accepted_records),
                bytes(s.accepted_bytes),
                thousands(s.throttled_records)
            );
        }
        for d in &self.delivery_streams {
            let r = &d["records"];
            let objects = d["s3_objects"].as_array().map_or(0, Vec::len);
            let requests = d["requests"].as_array().map_or(0, Vec::len);
            let _ = writeln!(
                out,
                "\nDelivery stream {} ({} -> {}): {} records in, {} delivered, {} dropped, {} failed processing, \
                 {} backed up after retries, {} duplicates at the destination, {} buffered; {} S3 objects, {} requests.",
                d["name"].as_str().unwrap_or_default(),
                d["source"].as_str().unwrap_or_default(),
                d["destination"].as_str().unwrap_or_default(),
                r["incoming"],
                r["delivered"],
                r["dropped_by_transform"],
                r["processing_failed"],
                r["backed_up_after_retries"],
                r["duplicates_at_destination"],
                r["buffered"],
                objects,
                requests
            );
            for o in d["s3_objects"].as_array().into_iter().flatten().take(20) {
                let _ = writeln!(
                    out,
                    "  {} ({}): {} records, {} -> {} B",
                    o["key"].as_str().unwrap_or_default(),
                    o["kind"].as_str().unwrap_or_default(),
                    o["records"],
                    o["uncompressed_bytes"],
                    o["stored_bytes"]
                );
            }
        }
        match self.iterator_age_ms_max {
            Some(age) => {
                let _ = writeln!(out, "\nIterator age: at most {} ms.", thousands(age));
            }
            None => {
                let _ = writeln!(out, "\nIterator age: none (nothing read the stream).");
            }
        }
        let _ =
            writeln!(out, "\nCost at example us-east-1 prices (unconfirmed): {}", dollars(self.total_cost_micro_usd()));
        for line in &self.cost {
            let _ = writeln!(
                out,
                "  {}: {}.{:03} {} x {} = {}",
                line.item,
                line.quantity_milli / 1_000,
                line.quantity_milli % 1_000,
                line.unit,
                dollars(line.price_micro_usd),
                dollars(line.cost_micro_usd)
            );
        }
        out
    }

    fn to_json(&self) -> Value {
        let mut summary = self.to_json_without_analytics();
        if !self.analytics.is_empty()
            && let Some(object) = summary.as_object_mut()
        {
            let apps = self.analytics.iter().map(|a| {
                json!({
                    "name": a.name,
                    "dialect": a.dialect,
                    "records_read": a.records_read,
                    "throttled_calls": a.throttled_calls,
                    "rows_total": a.rows_total,
                    "open_window_rows": a.open_window_rows,
                    "late_records_dropped": a.late_records_dropped,
                    "error_rows": a.error_rows,
                    "problems": a.problems,
                "destination": a.destination.as_ref().map(|(stream, delivered, throttled, dropped)| json!({
                    "stream_name": stream,
                    "delivered": delivered,
                    "throttled_calls": throttled,
                    "dropped": dropped,
                })),
                    "rows": a.rows,
                })
            });
            object.insert("analytics".into(), Value::Array(apps.collect()));
        }
        summary
    }

    fn to_json_without_analytics(&self) -> Value {
        let c = &self.config;
        json!({
            "seed": c.seed,
            "stream_name": c.stream_name,
            "shard_count": c.shard_count,
            "duration_ms": self.duration_ms,
            "producers": self.producers.iter().map(|p| json!({
                "name": p.name,
                "records_per_sec": p.records_per_sec,
                "record_bytes": p.record_bytes,
                "attempted": p.attempted,
                "accepted": p.accepted,
                "throttled": p.throttled,
                "failed": p.failed,
                "retried": p.totals.retried,
                "dropped": p.totals.dropped,
                "duplicates": p.totals.duplicates,
                "latency_ms_total": p.totals.latency_ms_total,
                "latency_ms_max": p.totals.latency_ms_max,
            })).collect::<Vec<_>>(),
            "agents": self.agents.iter().map(|(file, t, behind)| json!({
                "file_pattern": file,
                "lines_written": t.lines_written,
                "records_parsed": t.records_parsed,
                "records_sent": t.records_sent,
                "records_failed": t.records_failed,
                "duplicates": t.duplicates,
                "restarts": t.restarts,
                "lines_behind": behind,
            })).collect::<Vec<_>>(),
            "consumers": self.consumers.iter().map(|c| json!({
                "name": c.name,
                "style": c.style,
                "records": c.totals.records,
                "user_records": c.totals.user_records,
                "bytes": c.totals.bytes,
                "throttled_calls": c.totals.throttled_calls,
                "duplicates": c.totals.duplicates,
                "checkpoints": c.totals.checkpoints,
                "invocations": c.totals.invocations,
                "failed_invocations": c.totals.failed_invocations,
                "sent_to_destination": c.totals.sent_to_destination,
                "iterator_age_ms_max": c.iterator_age_ms_max,
                "latency_ms": c.latency_ms.map(|[p50, p95, p99]| json!({"p50": p50, "p95": p95, "p99": p99})),
            })).collect::<Vec<_>>(),
            "shards": self.shards.iter().map(|s| json!({
                "shard_id": s.shard_id,
                "open": s.open,
                "accepted_records": s.accepted_records,
                "accepted_bytes": s.accepted_bytes,
                "throttled_records": s.throttled_records,
            })).collect::<Vec<_>>(),
            "iterator_age_ms_max": self.iterator_age_ms_max,
            "delivery_streams": self.delivery_streams,
            "cost": {
                "note": "example us-east-1 prices, unconfirmed",
                "total_micro_usd": self.total_cost_micro_usd(),
                "lines": self.cost.iter().map(|l| json!({
                    "item": l.item,
                    "unit": l.unit,
                    "quantity_milli": l.quantity_milli,
                    "price_micro_usd": l.price_micro_usd,
                    "cost_micro_usd": l.cost_micro_usd,
                })).collect::<Vec<_>>(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shardlab_engine::ProducerConfig;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn options() {
        assert_eq!(
            parse_options(&args(&["s.json", "--for", "10m", "--json"])),
            Ok(Options { scenario_path: "s.json".into(), duration_ms: 600_000, json: true })
        );
        for bad in [
            &["--for", "10m"][..],
            &["s.json"],
            &["s.json", "--for", "10x"],
            &["s.json", "t.json", "--for", "1m"],
            &["s.json", "--for", "1m", "--bogus"],
        ] {
            assert!(matches!(parse_options(&args(bad)), Err(Failure::Usage(_))), "{bad:?}");
        }
    }

    #[test]
    fn a_shard_fed_1500_records_per_second_accepts_1000() {
        let config = SimConfig {
            shard_count: 1,
            producers: vec![ProducerConfig::steady("p", 1_500, 10, 10)],
            ..SimConfig::default()
        };
        let summary = run(config, 10_000).expect("valid scenario");
        // Facts sheet 1.4: 1,000 records/s per shard. Records are due at k/1500 s from t = 0 through
        // t = 10 s inclusive: 15,001 attempts; 10 full seconds accept 1,000 each, and t = 10 s opens a new one.
        let p = &summary.producers[0];
        assert_eq!((p.attempted, p.accepted, p.throttled), (15_001, 10_001, 5_000));
        assert_eq!(summary.shards[0].accepted_records, 10_001);
        assert_eq!(summary.shards[0].throttled_records, 5_000);
        assert_eq!(summary.iterator_age_ms_max, None);
    }

    #[test]
    fn numbers_in_words() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1_536), "1.5 KiB");
        assert_eq!(dollars(1_500_000), "$1.500000");
    }
}
