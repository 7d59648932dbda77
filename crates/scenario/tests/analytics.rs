//! Analytics nodes reading the data stream run in the engine: the tumbling-vs-sliding preset emits rows.

use shardlab_engine::analytics_app::SqlDialect;
use shardlab_engine::{SimTime, Simulation};
use shardlab_scenario::preset;

#[test]
fn the_window_preset_runs_both_analytics_applications() {
    let scenario = preset("tumbling-vs-sliding-windows").expect("the preset exists").scenario();
    let (config, nodes) = scenario.to_sim_config().expect("valid");
    let names: Vec<(&str, SqlDialect)> = config.analytics.iter().map(|a| (a.name.as_str(), a.dialect)).collect();
    assert_eq!(names, [("tumbling-counts", SqlDialect::Kda), ("sliding-counts", SqlDialect::Kda)]);
    let mut sim = Simulation::new(config).expect("runs");
    sim.advance_to(SimTime::from_secs(130));
    let [tumbling, sliding] = sim.analytics() else { panic!("two applications") };
    assert!(tumbling.problems.is_empty() && sliding.problems.is_empty());
    // 50 clicks/s of four event types: the tumbling window emits one row per type for each of the two
    // minutes closed by 130 s (3,000 clicks a minute leave no type out); the sliding window one row per click.
    assert_eq!(tumbling.rows_total, 8);
    assert_eq!(sliding.rows_total, sliding.reader.totals.records);
    // Each application is connected straight to a bucket: its rows go there through a delivery stream.
    let bucket = scenario.pipeline.nodes.iter().find(|n| n.name == "tumbling-results").expect("in the preset");
    let through = nodes.destination(bucket.id).expect("the bucket receives");
    let delivery = sim.firehose().delivery_stream(&through[0]).expect("the delivery stream runs");
    assert_eq!(tumbling.delivered, 8, "every row was sent on");
    assert_eq!(delivery.totals.incoming_records, 8);
}
