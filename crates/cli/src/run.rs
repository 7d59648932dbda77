//! `shardlab run SCENARIO.json --for 10m [--json]`: a scenario, headless, and its summary.

use crate::args::Args;
use crate::{Failure, duration, sql};
use serde_json::{Value, json};
use shardlab_engine::account::{DeliverySummary, Observed, ShardSummary, StreamSummary, VideoStreamSummary};
use shardlab_engine::analytics_app::{DestinationKind, SqlDialect};
use shardlab_engine::firehose::delivery::{FlushReason, ObjectKind};
use shardlab_engine::firehose::{DeliveryStream, Source};
use shardlab_engine::{Observation, RunSummary, SimConfig, SimTime, Simulation, StreamMode};
use std::fmt::Write as _;

/// What to run and how to report it.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    scenario_path: String,
    duration_ms: u64,
    json: bool,
    /// Stop after this many seconds of wall time, with the summary so far.
    max_wall_secs: Option<u64>,
}

fn parse_options(rest: &[String]) -> Result<Options, Failure> {
    let mut args = Args::new(rest);
    let mut path = None;
    let mut duration_ms = None;
    let mut json = false;
    let mut max_wall_secs = None;
    while let Some(arg) = args.next() {
        match arg {
            "--for" => {
                let text = args.value(arg)?;
                duration_ms = Some(duration::parse_ms(text).map_err(Failure::Usage)?);
            }
            "--json" => json = true,
            "--max-wall" => {
                let text = args.value(arg)?;
                let secs = text.parse::<u64>().ok().filter(|s| *s > 0).ok_or_else(|| {
                    Failure::Usage(format!("--max-wall takes a whole number of seconds above 0, not '{text}'"))
                })?;
                max_wall_secs = Some(secs);
            }
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
        max_wall_secs,
    })
}

pub(crate) fn main(rest: &[String]) -> Result<(), Failure> {
    let options = parse_options(rest)?;
    // A scenario saved by the playground, written by hand, or a share link (in a file or given as it is).
    let scenario = crate::export::load(&options.scenario_path)?;
    // Said plainly, never silently: what this run leaves out.
    for note in scenario.not_simulated() {
        eprintln!("{}: not simulated: {note}", options.scenario_path);
    }
    let (config, _) = scenario.to_sim_config().map_err(|problems| {
        Failure::Problems(problems.iter().map(|p| format!("{}: {p}", options.scenario_path)).collect())
    })?;
    for note in shardlab_engine::budget::notes(&config) {
        eprintln!("shardlab: note: {note}");
    }
    let wall_limit = options.max_wall_secs.map(std::time::Duration::from_secs);
    let summary = run(config, options.duration_ms, wall_limit)?;
    if options.json {
        println!("{}", summary.to_json());
    } else {
        print!("{}", summary.to_text());
    }
    Ok(())
}

/// What a run did: the engine's run summary, and the data the destinations and applications kept.
#[derive(Debug)]
struct Summary {
    config: SimConfig,
    duration_ms: u64,
    run: RunSummary,
    /// Per delivery stream (in the run summary's order): its source, destination, and what it received.
    delivery_data: Vec<DeliveryData>,
    /// Per analytics application (in the run summary's order): its dialect and the rows it kept.
    analytics_data: Vec<(&'static str, Vec<Value>)>,
    /// How the streams' capacity and settings changed: reshards, on-demand scaling steps, and scheduled changes
    /// accepted or refused (with AWS's error), in order.
    stream_changes: Vec<Observation>,
}

/// Stream changes kept for the summary at most (the first ones: a run that keeps resharding says so early).
const STREAM_CHANGES_MAX: usize = 200;

/// Whether an observation is a change of a stream's capacity or settings, which the summary lists.
fn is_stream_change(observation: &Observation) -> bool {
    matches!(
        observation.what,
        Observed::Resharded { .. }
            | Observed::OnDemandScaled { .. }
            | Observed::StreamChangeAccepted { .. }
            | Observed::StreamChangeRefused { .. }
    )
}

/// A stream change in one line.
fn stream_change_line(observation: &Observation) -> String {
    let at = format!("at {}", duration::describe(observation.at.as_millis()));
    match &observation.what {
        Observed::Resharded { stream, from_shards, to_shards } => {
            format!("{at}: {stream} resharded from {from_shards} to {to_shards} open shards")
        }
        Observed::OnDemandScaled {
            stream,
            from_shards,
            to_shards,
            peak_bytes_per_sec,
            peak_records_per_sec,
            capacity_bytes_per_sec,
            capacity_records_per_sec,
        } => format!(
            "{at}: on-demand {stream} scaled from {from_shards} to {to_shards} shards (peak {}/s and {} records/s; \
             capacity now {}/s and {} records/s, twice the peak)",
            bytes(*peak_bytes_per_sec),
            thousands(*peak_records_per_sec),
            bytes(*capacity_bytes_per_sec),
            thousands(*capacity_records_per_sec)
        ),
        Observed::StreamChangeAccepted { stream, change } => format!("{at}: scheduled {change} of {stream} accepted"),
        Observed::StreamChangeRefused { stream, change, error_type, message } => {
            format!("{at}: scheduled {change} of {stream} refused: {error_type}: {message}")
        }
        _ => String::new(),
    }
}

/// What a delivery stream's destination received, as JSON, with where it reads from and writes to.
#[derive(Debug)]
struct DeliveryData {
    source: String,
    destination: &'static str,
    /// The CloudWatch metric prefix of its destination (`DeliveryToS3`).
    metric_prefix: &'static str,
    s3_objects: Vec<Value>,
    requests: Vec<Value>,
    redshift_rows: Value,
}

/// Engine timers handled between looks at the wall clock under `--max-wall`.
const TIMERS_PER_CLOCK_CHECK: u32 = 2_000;

/// Runs `config` for `duration_ms` of simulated time, or until `wall_limit` of wall time has passed: then the
/// run stops where it is, says so on stderr, and the summary covers the simulated time reached.
fn run(config: SimConfig, duration_ms: u64, wall_limit: Option<std::time::Duration>) -> Result<Summary, Failure> {
    #[expect(clippy::disallowed_methods, reason = "--max-wall is wall time; the simulation never reads a clock")]
    let started = std::time::Instant::now();
    let mut sim = Simulation::new(config.clone()).map_err(|err| Failure::Problems(err.problems))?;
    let mut stream_changes = Vec::new();
    let mut drain = |sim: &mut Simulation| {
        while sim.poll_event().is_some() {}
        while let Some(observation) = sim.poll_observation() {
            if is_stream_change(&observation) && stream_changes.len() < STREAM_CHANGES_MAX {
                stream_changes.push(observation);
            }
        }
    };
    let mut duration_ms = duration_ms;
    // Advance a second at a time, draining events and observations so memory stays flat on long runs.
    let end = SimTime::from_millis(duration_ms);
    let mut at_ms = 0;
    while sim.now() < end {
        at_ms = (at_ms + 1_000).min(duration_ms);
        let target = SimTime::from_millis(at_ms);
        while sim.advance_to_bounded(target, TIMERS_PER_CLOCK_CHECK) == shardlab_engine::Advance::BudgetExhausted {
            if wall_limit.is_some_and(|limit| started.elapsed() >= limit) {
                break;
            }
            drain(&mut sim);
        }
        if sim.now() < target {
            let secs = wall_limit.map_or(0, |l| l.as_secs());
            duration_ms = sim.now().as_millis();
            eprintln!(
                "shardlab: stopped after --max-wall {secs} s of wall time, at {:.3} s of simulated time; \
                 the summary covers that much.",
                duration_ms as f64 / 1_000.0
            );
            drain(&mut sim);
            break;
        }
        drain(&mut sim);
    }
    let run = sim.summary();
    let epoch_ms = sim.config().epoch_unix_ms;
    let delivery_data = run
        .delivery_streams
        .iter()
        .filter_map(|d| sim.firehose().delivery_stream(&d.name))
        .map(|d| delivery_data(d, epoch_ms))
        .collect();
    let analytics_data = sim
        .analytics()
        .iter()
        .map(|a| {
            let dialect = match a.config.dialect {
                SqlDialect::Kda => "KDA SQL (historical)",
                SqlDialect::Flink => "Flink SQL",
            };
            let rows =
                a.application().map_or_else(Vec::new, |app| a.rows.iter().map(|r| sql::row_line(app, r)).collect());
            (dialect, rows)
        })
        .collect();
    Ok(Summary { config, duration_ms, run, delivery_data, analytics_data, stream_changes })
}

/// What one delivery stream's destination received.
fn delivery_data(d: &DeliveryStream, epoch_ms: u64) -> DeliveryData {
    let kind = &d.config.destination.kind;
    let ms = |unix_ms: u64| unix_ms.saturating_sub(epoch_ms);
    DeliveryData {
        source: match &d.config.source {
            Source::DirectPut => "DirectPut".to_string(),
            Source::KinesisStream { stream_name } => format!("KinesisStream:{stream_name}"),
        },
        destination: kind.metric_prefix().trim_start_matches("DeliveryTo"),
        metric_prefix: kind.metric_prefix(),
        s3_objects: d.s3_objects.iter().map(|o| json!({
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
        })).collect(),
        requests: d.requests.iter().map(|r| json!({
            "request_id": r.request_id,
            "at_ms": ms(r.at_unix_ms),
            "attempt": r.attempt,
            "records": r.records,
            "bytes": r.bytes,
            "target": r.target,
            "error_code": r.error_code,
            "received": r.received,
        })).collect(),
        redshift_rows: json!(d.redshift_rows),
    }
}

/// One delivery stream's results: its fates, metrics, and what each destination received.
fn delivery_json(d: &DeliverySummary, data: &DeliveryData) -> Value {
    let t = &d.totals;
    let metrics: serde_json::Map<String, Value> =
        d.metrics.named(data.metric_prefix).into_iter().map(|(name, value)| (name, json!(value))).collect();
    json!({
        "name": d.name,
        "source": data.source,
        "destination": data.destination,
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
            "source_expired_unread": t.source_expired_records,
            "buffered": d.buffered_records,
        },
        "delivery_delay_ms_max": d.delivery_delay_ms_max,
        "metrics": metrics,
        "s3_objects": data.s3_objects,
        "requests": data.requests,
        "redshift_rows": data.redshift_rows,
    })
}

use shardlab_engine::format::thousands;

/// Bytes in binary units with one decimal: `512 B`, `1.5 KiB`, `3.0 MiB`, `2.1 GiB`.
/// The Kinesis Video Streams part of the text summary: per video stream, its cameras and consumers.
fn video_text(streams: &[VideoStreamSummary], out: &mut String) {
    for s in streams {
        let retention = if s.retention_hours == 0 {
            "no retention: live readers only".to_string()
        } else {
            format!("retention {} h", thousands(u64::from(s.retention_hours)))
        };
        let _ = writeln!(
            out,
            "\nVideo stream {} ({retention}): {} in, {} fragments kept ({}).",
            s.name,
            bytes(s.incoming_bytes),
            thousands(s.fragments_kept),
            bytes(s.bytes_kept)
        );
        for (name, t) in &s.cameras {
            let _ = writeln!(
                out,
                "  camera {name}: {} fragments recorded, {} received, {} persisted, {} error acks, {} resent, {} dropped \
                 by the SDK; {} connections ({} refused, {} dropped)",
                thousands(t.fragments_recorded),
                thousands(t.fragments_received),
                thousands(t.fragments_persisted),
                thousands(t.error_acks),
                thousands(t.fragments_resent),
                thousands(t.fragments_dropped),
                t.connections,
                t.connections_refused,
                t.connection_drops
            );
        }
        for (name, kind, t) in &s.consumers {
            let latency =
                t.latency_ms.map_or_else(|| "no media yet".to_string(), |l| format!("{} ms behind", thousands(l)));
            let what = match t.error.as_deref() {
                Some(error) => format!("refused: {error}"),
                None => format!(
                    "{} fragments, {} read, {latency} (at most {} ms){}",
                    thousands(t.fragments_read),
                    bytes(t.bytes_read),
                    thousands(t.latency_max_ms),
                    if t.frames_or_images > 0 {
                        format!(", {} frames or images", thousands(t.frames_or_images))
                    } else {
                        String::new()
                    }
                ),
            };
            let _ = writeln!(out, "  {kind} {name}: {what}");
        }
    }
}

fn video_json(streams: &[VideoStreamSummary]) -> Value {
    Value::Array(
        streams
            .iter()
            .map(|s| {
                json!({
                    "name": s.name,
                    "retention_hours": s.retention_hours,
                    "incoming_bytes": s.incoming_bytes,
                    "fragments_kept": s.fragments_kept,
                    "bytes_kept": s.bytes_kept,
                    "cameras": s.cameras.iter().map(|(name, t)| json!({
                        "name": name,
                        "fragments_recorded": t.fragments_recorded,
                        "fragments_received": t.fragments_received,
                        "fragments_persisted": t.fragments_persisted,
                        "error_acks": t.error_acks,
                        "fragments_resent": t.fragments_resent,
                        "fragments_dropped": t.fragments_dropped,
                        "connections": t.connections,
                        "connections_refused": t.connections_refused,
                        "connection_drops": t.connection_drops,
                    })).collect::<Vec<_>>(),
                    "consumers": s.consumers.iter().map(|(name, kind, t)| json!({
                        "name": name,
                        "kind": kind,
                        "fragments_read": t.fragments_read,
                        "bytes_read": t.bytes_read,
                        "frames_or_images": t.frames_or_images,
                        "latency_ms": t.latency_ms,
                        "latency_max_ms": t.latency_max_ms,
                        "error": t.error,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

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
    /// The scenario's stream (the run summary lists it first), if it still exists.
    fn first_stream(&self) -> Option<&StreamSummary> {
        self.run.streams.first()
    }

    /// The largest GetRecords iterator age over every stream, if anything read one.
    fn iterator_age_ms_max(&self) -> Option<u64> {
        self.run.streams.iter().filter_map(|s| s.iterator_age_ms_max).max()
    }

    fn total_cost_micro_usd(&self) -> u64 {
        self.run.cost().iter().map(|l| l.cost_micro_usd).sum()
    }

    fn to_text(&self) -> String {
        let c = &self.config;
        let mut out = String::new();
        // Writing to a String cannot fail.
        if c.streams.is_empty() {
            let _ = writeln!(
                out,
                "No data stream, seed {}, ran {} of simulated time.",
                c.seed,
                duration::describe(self.duration_ms)
            );
        } else {
            let _ = writeln!(
                out,
                "Stream {} ({} at start), seed {}, ran {} of simulated time.",
                c.streams.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "),
                shardlab_engine::format::count(
                    c.streams.iter().map(|s| u64::from(s.shard_count)).sum::<u64>(),
                    "shard",
                    "shards"
                ),
                c.seed,
                duration::describe(self.duration_ms)
            );
        }
        let _ = writeln!(out, "\nProducers:");
        if self.run.producers.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for p in &self.run.producers {
            let t = &p.totals;
            let _ = writeln!(
                out,
                "  {}: {} records/s of {} -> attempted {}, accepted {}, throttled {}, failed {}",
                p.name,
                thousands(p.records_per_sec_peak.into()),
                bytes(p.record_bytes_max.into()),
                thousands(t.attempted),
                thousands(t.accepted),
                thousands(t.throttled),
                thousands(t.failed)
            );
        }
        for t in self.run.producers.iter().map(|p| &p.totals).filter(|t| t.retried + t.dropped + t.duplicates > 0) {
            let _ = writeln!(
                out,
                "    retried {}, dropped {}, duplicates written {}, mean latency {} ms",
                thousands(t.retried),
                thousands(t.dropped),
                thousands(t.duplicates),
                thousands(t.latency_ms_total / t.accepted.max(1))
            );
        }
        if !self.run.consumers.is_empty() {
            let _ = writeln!(out, "\nConsumers:");
        }
        for c in &self.run.consumers {
            let t = &c.totals;
            let _ = writeln!(
                out,
                "  {} ({}): {} records ({} user records, {}), {} throttled calls, {} duplicates, iterator age up to {} ms{}",
                c.name,
                c.style.words(),
                thousands(t.records),
                thousands(t.user_records),
                bytes(t.bytes),
                thousands(t.throttled_calls),
                thousands(t.duplicates),
                thousands(c.iterator_age_ms_max),
                if c.behind { ", behind at the end" } else { "" }
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
        if !self.run.agents.is_empty() {
            let _ = writeln!(out, "\nKinesis Agents:");
        }
        for a in &self.run.agents {
            let t = &a.totals;
            let _ = writeln!(
                out,
                "  {}: {} lines written, {} records parsed, {} sent, {} failed (retried), {} lines behind, {} restarts",
                a.name,
                thousands(t.lines_written),
                thousands(t.records_parsed),
                thousands(t.records_sent),
                thousands(t.records_failed),
                thousands(a.lines_behind),
                thousands(t.restarts)
            );
        }
        if !self.run.analytics.is_empty() {
            let _ = writeln!(out, "\nAnalytics applications:");
        }
        for (a, (dialect, _)) in self.run.analytics.iter().zip(&self.analytics_data) {
            let _ = writeln!(
                out,
                "  {} ({}): read {} records ({} throttled calls), emitted {} rows, {} late records dropped, {} error rows",
                a.name,
                dialect,
                thousands(a.records_read),
                thousands(a.throttled_calls),
                thousands(a.rows),
                thousands(a.late_records_dropped),
                thousands(a.error_rows)
            );
            if let Some(d) = &a.destination {
                let _ = writeln!(
                    out,
                    "    to {} {}: {} rows written, {} throttled writes, {} rows dropped",
                    match d.kind {
                        DestinationKind::DataStream => "stream",
                        DestinationKind::Firehose => "delivery stream",
                    },
                    d.name,
                    thousands(d.rows_written),
                    thousands(d.throttled_writes),
                    thousands(d.rows_dropped)
                );
            }
            for problem in &a.problems {
                let _ = writeln!(out, "    SQL problem: {problem}");
            }
        }
        if !self.stream_changes.is_empty() {
            let _ = writeln!(out, "\nStream changes:");
        }
        for change in &self.stream_changes {
            let _ = writeln!(out, "  {}", stream_change_line(change));
        }
        for stream in &self.run.streams {
            let _ = writeln!(out, "\nShards of {} (accepted / throttled records):", stream.name);
            for s in &stream.shards {
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
        }
        for (d, data) in self.run.delivery_streams.iter().zip(&self.delivery_data) {
            let t = &d.totals;
            let _ = writeln!(
                out,
                "\nDelivery stream {} ({} -> {}): {} records in, {} delivered, {} dropped, {} failed processing, \
                 {} backed up after retries, {} duplicates at the destination, {} buffered; {} S3 objects, {} requests.",
                d.name,
                data.source,
                data.destination,
                t.incoming_records,
                t.delivered_records,
                t.dropped_records,
                t.processing_failed_records,
                t.backed_up_failed_records,
                t.duplicate_records,
                d.buffered_records,
                data.s3_objects.len(),
                data.requests.len()
            );
            for o in data.s3_objects.iter().take(20) {
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
        video_text(&self.run.video_streams, &mut out);
        match self.iterator_age_ms_max() {
            Some(age) => {
                let _ = writeln!(out, "\nIterator age: at most {} ms.", thousands(age));
            }
            None => {
                let _ = writeln!(out, "\nIterator age: none (nothing read the stream).");
            }
        }
        let _ =
            writeln!(out, "\nCost at example us-east-1 prices (unconfirmed): {}", dollars(self.total_cost_micro_usd()));
        for line in &self.run.cost() {
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
        // Only runs with video streams have the key, so other runs' JSON is unchanged.
        if !self.run.video_streams.is_empty()
            && let Some(object) = summary.as_object_mut()
        {
            object.insert("video_streams".into(), video_json(&self.run.video_streams));
        }
        if !self.run.analytics.is_empty()
            && let Some(object) = summary.as_object_mut()
        {
            let apps = self.run.analytics.iter().zip(&self.analytics_data).map(|(a, (dialect, rows))| {
                json!({
                    "name": a.name,
                    "dialect": dialect,
                    "records_read": a.records_read,
                    "throttled_calls": a.throttled_calls,
                    "rows_total": a.rows,
                    "open_window_rows": a.open_window_rows,
                    "late_records_dropped": a.late_records_dropped,
                    "error_rows": a.error_rows,
                    "problems": a.problems,
                    "destination": a.destination.as_ref().map(|d| json!({
                        "stream_name": d.name,
                        "kind": match d.kind { DestinationKind::DataStream => "data_stream", DestinationKind::Firehose => "firehose" },
                        "delivered": d.rows_written,
                        "throttled_calls": d.throttled_writes,
                        "dropped": d.rows_dropped,
                    })),
                    "rows": rows,
                })
            });
            object.insert("analytics".into(), Value::Array(apps.collect()));
        }
        summary
    }

    fn to_json_without_analytics(&self) -> Value {
        let c = &self.config;
        let cost = self.run.cost();
        let shard_json = |s: &ShardSummary| {
            json!({
                "shard_id": s.shard_id.to_string(),
                "open": s.open,
                "accepted_records": s.accepted_records,
                "accepted_bytes": s.accepted_bytes,
                "throttled_records": s.throttled_records,
            })
        };
        json!({
            "seed": c.seed,
            "stream_name": c.streams.first().map(|s| s.name.as_str()),
            "shard_count": c.streams.first().map(|s| s.shard_count),
            "duration_ms": self.duration_ms,
            "producers": self.run.producers.iter().map(|p| json!({
                "name": p.name,
                "records_per_sec": p.records_per_sec_peak,
                "record_bytes": p.record_bytes_max,
                "attempted": p.totals.attempted,
                "accepted": p.totals.accepted,
                "throttled": p.totals.throttled,
                "failed": p.totals.failed,
                "retried": p.totals.retried,
                "dropped": p.totals.dropped,
                "duplicates": p.totals.duplicates,
                "latency_ms_total": p.totals.latency_ms_total,
                "latency_ms_max": p.totals.latency_ms_max,
            })).collect::<Vec<_>>(),
            "agents": self.run.agents.iter().map(|a| json!({
                "file_pattern": a.name,
                "lines_written": a.totals.lines_written,
                "records_parsed": a.totals.records_parsed,
                "records_sent": a.totals.records_sent,
                "records_failed": a.totals.records_failed,
                "duplicates": a.totals.duplicates,
                "restarts": a.totals.restarts,
                "lines_behind": a.lines_behind,
            })).collect::<Vec<_>>(),
            "consumers": self.run.consumers.iter().map(|c| json!({
                "name": c.name,
                "stream": c.stream,
                "style": c.style.words(),
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
                "behind": c.behind,
                "latency_ms": c.latency_ms.map(|[p50, p95, p99]| json!({"p50": p50, "p95": p95, "p99": p99})),
            })).collect::<Vec<_>>(),
            "shards": self.first_stream().map_or_else(Vec::new, |s| s.shards.iter().map(shard_json).collect()),
            "streams": self.run.streams.iter().map(|s| json!({
                "name": s.name,
                "mode": match s.mode { StreamMode::Provisioned => "PROVISIONED", StreamMode::OnDemand => "ON_DEMAND" },
                "open_shards": s.open_shards,
                "iterator_age_ms_max": s.iterator_age_ms_max,
                "shards": s.shards.iter().map(shard_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "iterator_age_ms_max": self.iterator_age_ms_max(),
            "stream_changes": self.stream_changes.iter().map(|o| json!({
                "at_ms": o.at.as_millis(),
                "text": stream_change_line(o),
            })).collect::<Vec<_>>(),
            "delivery_streams": self.run.delivery_streams.iter().zip(&self.delivery_data).map(|(d, data)| delivery_json(d, data)).collect::<Vec<_>>(),
            "cost": {
                "note": "example us-east-1 prices, unconfirmed",
                "total_micro_usd": self.total_cost_micro_usd(),
                "lines": cost.iter().map(|l| json!({
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
        assert_eq!(parse_options(&args(&["s.json", "--for", "10m", "--json"])).map(|o| o.max_wall_secs), Ok(None));
        assert_eq!(
            parse_options(&args(&["s.json", "--for", "10m", "--max-wall", "5"])).map(|o| o.max_wall_secs),
            Ok(Some(5))
        );
        assert_eq!(
            parse_options(&args(&["s.json", "--for", "10m", "--json"])),
            Ok(Options { scenario_path: "s.json".into(), duration_ms: 600_000, json: true, max_wall_secs: None })
        );
        for bad in [
            &["--for", "10m"][..],
            &["s.json"],
            &["s.json", "--for", "10x"],
            &["s.json", "t.json", "--for", "1m"],
            &["s.json", "--for", "1m", "--bogus"],
            &["s.json", "--for", "1m", "--max-wall", "0"],
            &["s.json", "--for", "1m", "--max-wall", "soon"],
        ] {
            assert!(matches!(parse_options(&args(bad)), Err(Failure::Usage(_))), "{bad:?}");
        }
    }

    #[test]
    fn the_summary_prints_the_video_figures() {
        use shardlab_engine::video::{
            CameraConfig, VideoConfig, VideoConsumerConfig, VideoConsumerKind, VideoStreamConfig,
        };
        let video = VideoConfig {
            streams: vec![VideoStreamConfig::new("door", 0)],
            cameras: vec![CameraConfig::new("cam", "door")],
            consumers: vec![VideoConsumerConfig {
                name: "viewer".into(),
                stream_name: "door".into(),
                kind: VideoConsumerKind::Hls {
                    mode: shardlab_engine::video::HlsPlaybackMode::Live,
                    max_playlist_fragments: 5,
                },
                start_at_ms: 0,
            }],
        };
        let config = SimConfig { streams: vec![], producers: vec![], video, ..SimConfig::default() };
        let summary = run(config, 60_000, None).expect("valid scenario");
        let text = summary.to_text();
        assert!(text.starts_with("No data stream, seed 42"), "{text}");
        assert!(text.contains("Video stream door (no retention: live readers only)"), "{text}");
        assert!(text.contains("camera cam: 31 fragments recorded"), "{text}");
        assert!(text.contains("hls viewer: refused: NoDataRetentionException"), "{text}");
        let json = summary.to_json();
        assert_eq!(json["video_streams"][0]["cameras"][0]["fragments_persisted"], 0);
    }

    #[test]
    fn a_shard_fed_1500_records_per_second_accepts_1000() {
        let config = SimConfig {
            streams: vec![shardlab_engine::StreamConfig::provisioned(shardlab_engine::DEFAULT_STREAM_NAME, 1)],
            producers: vec![ProducerConfig::steady("p", 1_500, 10, 10)],
            ..SimConfig::default()
        };
        let summary = run(config, 10_000, None).expect("valid scenario");
        // `docs/aws-behaviour.md` §1.1: 1,000 records/s per shard. Records are due at k/1500 s from t = 0 through
        // t = 10 s inclusive: 15,001 attempts; 10 full seconds accept 1,000 each, and t = 10 s opens a new one.
        let p = &summary.run.producers[0].totals;
        assert_eq!((p.attempted, p.accepted, p.throttled), (15_001, 10_001, 5_000));
        let shard = &summary.run.streams[0].shards[0];
        assert_eq!((shard.accepted_records, shard.throttled_records), (10_001, 5_000));
        assert_eq!(summary.iterator_age_ms_max(), None);
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
