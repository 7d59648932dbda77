//! Every connection the playground's composer accepts, in one scenario, runs: records flow end to end and
//! every record is accounted for at every node (read, delivered, backed up, dropped or still on its way).

use shardlab_engine::firehose::DeliveryStream;
use shardlab_engine::{SimTime, Simulation};
use shardlab_scenario::{NodeId, NodeKind, NodeMap, Scenario};

/// How long records may be on their way and not yet counted by the next hop: the put-to-get delay, a reader's
/// 1 to 1.5 s between calls, and turns lost to the 5 GetRecords calls/s that four readers share per shard
/// (several in a row: the KCL reader of 'clicks' sees about two thirds of its calls throttled).
const IN_FLIGHT_SECS: u64 = 8;

struct Composed {
    scenario: Scenario,
    ids: Vec<(&'static str, NodeId)>,
}

impl Composed {
    fn add(&mut self, name: &'static str, kind: NodeKind, params: &[(&str, &str)]) -> NodeId {
        let id = self.scenario.add_node(kind);
        let node = self.scenario.pipeline.node_mut(id).expect("just added");
        node.set_param("name", name).expect("a valid name");
        for (key, value) in params {
            node.set_param(key, value).unwrap_or_else(|e| panic!("{name}.{key}: {e}"));
        }
        self.ids.push((name, id));
        id
    }

    fn connect(&mut self, from: &str, to: &str) {
        let (from, to) = (self.id(from), self.id(to));
        self.scenario.pipeline.connect(from, to).unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
    }

    fn id(&self, name: &str) -> NodeId {
        self.ids.iter().find(|(n, _)| *n == name).map(|(_, id)| *id).expect("a node of the test")
    }
}

/// Producer and agent into a stream; two producers and an agent into one Direct PUT delivery stream; the
/// stream read by an enhanced fan-out consumer, a Lambda writing on to a second stream, a KCL application
/// writing to a delivery stream, a delivery stream and an Analytics application writing to a third stream;
/// the second stream read by a polling consumer and two Analytics applications writing to a delivery stream
/// and to a bucket (no more than four shared readers a stream, under GetRecords' 5 calls/s per shard).
fn every_connection() -> Composed {
    let mut c = Composed { scenario: Scenario::empty(), ids: Vec::new() };
    let fast = [("records_per_sec", "200"), ("record_bytes", "200"), ("payload", "clickstream")];
    let agent = [("lines_per_sec", "50"), ("max_buffer_age_millis", "1000")];
    let s3_now = [("buffer_interval_s", "0")];
    c.add("web", NodeKind::producer(), &fast);
    c.add("app-log", NodeKind::kinesis_agent(), &agent);
    c.add("clicks", NodeKind::data_stream(), &[("shard_count", "4")]);
    c.add("shop", NodeKind::producer(), &[("records_per_sec", "50"), ("record_bytes", "100")]);
    c.add("mobile", NodeKind::producer(), &[("records_per_sec", "30"), ("record_bytes", "100")]);
    c.add("server-log", NodeKind::kinesis_agent(), &agent);
    c.add("direct", NodeKind::firehose(), &s3_now);
    c.add("direct-bucket", NodeKind::destination(), &[]);
    c.add("reader", NodeKind::consumer(), &[("style", "enhanced_fan_out")]);
    c.add("enrich", NodeKind::consumer(), &[("style", "lambda")]);
    c.add("enriched", NodeKind::data_stream(), &[("shard_count", "2")]);
    c.add("fan-out", NodeKind::consumer(), &[]);
    c.add("archiver", NodeKind::consumer(), &[("style", "kcl")]);
    c.add("archive", NodeKind::firehose(), &s3_now);
    c.add("archive-bucket", NodeKind::destination(), &[]);
    c.add("copy", NodeKind::firehose(), &s3_now);
    c.add("copy-bucket", NodeKind::destination(), &[]);
    c.add("counts", NodeKind::analytics(), &[("start", "TRIM_HORIZON")]);
    c.add("count-stream", NodeKind::data_stream(), &[("shard_count", "1")]);
    c.add("count-reader", NodeKind::consumer(), &[]);
    c.add("counts-to-firehose", NodeKind::analytics(), &[("start", "TRIM_HORIZON")]);
    c.add("count-delivery", NodeKind::firehose(), &s3_now);
    c.add("counts-to-bucket", NodeKind::analytics(), &[("start", "TRIM_HORIZON")]);
    c.add("count-bucket", NodeKind::destination(), &[]);
    for (from, to) in [
        ("web", "clicks"),
        ("app-log", "clicks"),
        ("shop", "direct"),
        ("mobile", "direct"),
        ("server-log", "direct"),
        ("direct", "direct-bucket"),
        ("clicks", "reader"),
        ("clicks", "enrich"),
        ("enrich", "enriched"),
        ("enriched", "fan-out"),
        ("clicks", "archiver"),
        ("archiver", "archive"),
        ("archive", "archive-bucket"),
        ("clicks", "copy"),
        ("copy", "copy-bucket"),
        ("clicks", "counts"),
        ("counts", "count-stream"),
        ("count-stream", "count-reader"),
        ("enriched", "counts-to-firehose"),
        ("counts-to-firehose", "count-delivery"),
        ("enriched", "counts-to-bucket"),
        ("counts-to-bucket", "count-bucket"),
    ] {
        c.connect(from, to);
    }
    c
}

fn stream_incoming(sim: &Simulation, map: &NodeMap, node: NodeId) -> u64 {
    let name = map.stream(node).expect("a stream node runs");
    let stream = sim.stream_named(name).expect("the stream exists");
    stream.shards().iter().map(|s| s.metrics.totals.incoming_records).sum()
}

/// Records written to the stream in the last [`IN_FLIGHT_SECS`] complete seconds.
fn stream_recent(sim: &Simulation, map: &NodeMap, node: NodeId) -> u64 {
    let name = map.stream(node).expect("a stream node runs");
    let stream = sim.stream_named(name).expect("the stream exists");
    let now = sim.now().as_secs();
    (now - IN_FLIGHT_SECS..=now)
        .flat_map(|s| stream.shards().iter().map(move |sh| sh.metrics.second(s).incoming_records))
        .sum()
}

fn delivery<'a>(sim: &'a Simulation, map: &NodeMap, node: NodeId) -> &'a DeliveryStream {
    let name = map.delivery_stream(node).expect("a Firehose node runs");
    sim.firehose().delivery_stream(name).expect("the delivery stream exists")
}

/// Every record a delivery stream took in has one fate, and what S3 holds is what it delivered.
fn assert_delivery_accounts(name: &str, d: &DeliveryStream) {
    assert_eq!(d.accounted_records(), d.totals.incoming_records, "{name}: {:?}", d.totals);
    let in_s3: u64 = d.s3_objects.iter().map(|o| u64::from(o.records)).sum();
    assert_eq!(in_s3, d.totals.delivered_records, "{name}");
}

#[test]
fn every_accepted_connection_runs_and_accounts_for_every_record() {
    let c = every_connection();
    assert_eq!(c.scenario.validate(), Ok(()));
    assert_eq!(c.scenario.not_simulated(), [], "every node runs");
    let (config, map) = c.scenario.to_sim_config().expect("converts");
    for (name, id) in &c.ids {
        assert!(map.get(*id).is_some(), "'{name}' has an engine entity");
    }
    let mut sim = Simulation::new(config).expect("valid");
    sim.advance_to(SimTime::from_secs(90));
    let id = |name| c.id(name);

    // Writers into 'clicks': each accepted record is in the stream exactly once (no timeouts, no retries).
    let web = sim.producers().nth(map.producer(id("web")).expect("runs")).expect("exists").1;
    let app_log = &sim.agents()[map.agent(id("app-log")).expect("runs")];
    let clicks = stream_incoming(&sim, &map, id("clicks"));
    assert!(web.accepted > 15_000 && app_log.totals.records_sent > 3_000, "{web:?} {:?}", app_log.totals);
    assert_eq!(clicks, web.accepted + app_log.totals.records_sent);
    assert_eq!(web.attempted, web.accepted + web.dropped, "a PutRecord client holds nothing back");

    // Readers of 'clicks' from the oldest record: all read but the last seconds' records.
    let recent = stream_recent(&sim, &map, id("clicks"));
    for reader in ["reader", "enrich", "archiver"] {
        let app = &sim.consumers()[map.consumer(id(reader)).expect("runs")];
        assert!(
            app.totals.records <= clicks && clicks - app.totals.records <= recent,
            "{reader}: {clicks} {recent} {:?}",
            app.totals
        );
    }

    // Enrichment: what 'enrich' read went on to 'enriched' (or waits), and 'fan-out' reads it there.
    let enrich = &sim.consumers()[map.consumer(id("enrich")).expect("runs")];
    let out = enrich.output_totals();
    assert_eq!(out.offered, enrich.totals.records);
    assert_eq!(out.offered, out.written + out.queued + out.dropped);
    assert_eq!(out.dropped, 0);
    let enriched = stream_incoming(&sim, &map, id("enriched"));
    assert_eq!(enriched, out.written);
    let fan_out = &sim.consumers()[map.consumer(id("fan-out")).expect("runs")];
    let enriched_recent = stream_recent(&sim, &map, id("enriched"));
    assert!(fan_out.totals.records <= enriched && enriched - fan_out.totals.records <= enriched_recent);

    // The KCL application's output is the 'archive' delivery stream's whole input.
    let archiver = &sim.consumers()[map.consumer(id("archiver")).expect("runs")];
    let archived = archiver.output_totals();
    assert_eq!(archived.offered, archived.written + archived.queued + archived.dropped);
    let archive = delivery(&sim, &map, id("archive"));
    assert_eq!(archive.totals.incoming_records, archived.written);
    assert_delivery_accounts("archive", archive);

    // Direct PUT from two producers and an agent into one delivery stream.
    let direct = delivery(&sim, &map, id("direct"));
    let server_log = &sim.agents()[map.agent(id("server-log")).expect("runs")];
    let mut from_feeds = 0;
    for producer in ["shop", "mobile"] {
        let (name, feed) = map.direct_put_feed(id(producer)).expect("a Direct PUT feed");
        assert_eq!(name, "direct");
        let totals = direct.feed_totals[feed];
        assert_eq!(totals.made, totals.accepted + totals.refused, "{producer}");
        assert!(totals.accepted > 0, "{producer}: {totals:?}");
        from_feeds += totals.accepted;
    }
    assert!(server_log.totals.records_sent > 0);
    assert_eq!(direct.totals.incoming_records, from_feeds + server_log.totals.records_sent);
    assert_delivery_accounts("direct", direct);
    assert_eq!(map.destination(id("direct-bucket")), Some(&["direct".to_string()][..]));

    // A delivery stream reading 'clicks' (from LATEST, so at most what the stream took in).
    let copy = delivery(&sim, &map, id("copy"));
    assert!(copy.totals.incoming_records > 0 && copy.totals.incoming_records <= clicks);
    assert_delivery_accounts("copy", copy);

    // Analytics outputs: every row went to its stream, delivery stream or bucket, or waits.
    for (app, took_in) in [
        ("counts", stream_incoming(&sim, &map, id("count-stream"))),
        ("counts-to-firehose", delivery(&sim, &map, id("count-delivery")).totals.incoming_records),
    ] {
        let a = &sim.analytics()[map.analytics(id(app)).expect("runs")];
        assert!(a.problems.is_empty(), "{app}: {:?}", a.problems);
        assert!(a.rows_total > 0, "{app} emitted rows");
        assert_eq!(a.rows_total, a.delivered + a.waiting_rows() + a.delivery_dropped, "{app}");
        assert_eq!(took_in, a.delivered, "{app}");
    }
    let to_bucket = &sim.analytics()[map.analytics(id("counts-to-bucket")).expect("runs")];
    let through = map.destination(id("count-bucket")).expect("the bucket receives");
    let implicit = sim.firehose().delivery_stream(&through[0]).expect("its delivery stream runs");
    assert_eq!(implicit.totals.incoming_records, to_bucket.delivered);
    assert_delivery_accounts("to count-bucket", implicit);
    let count_reader = &sim.consumers()[map.consumer(id("count-reader")).expect("runs")];
    assert!(count_reader.totals.records <= stream_incoming(&sim, &map, id("count-stream")));
}
