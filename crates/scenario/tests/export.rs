//! Exports: the resources each scenario needs, with values from the scenario, and agent.json flows.

use shardlab_scenario::{Scenario, preset};

const DESTINATIONS: &str = include_str!("fixtures/export-destinations.json");

#[test]
fn the_default_scenario_exports_one_provisioned_stream() {
    let template = Scenario::default().to_cloudformation(None);
    assert!(template.starts_with("# Exported from the Shardlab scenario \"First minute\""));
    assert!(template.contains("AWSTemplateFormatVersion: \"2010-09-09\"\n"));
    assert!(template.contains(
        "  ClickstreamStream:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      Name: \"clickstream\"\n      ShardCount: 2\n      RetentionPeriodHours: 24\n"
    ));
    assert!(template.contains("        StreamMode: PROVISIONED\n"));
    assert!(template.contains("# Producer 'web-shop' (put_record, 1500 records/s of 1024 bytes) is application code"));
    assert!(!template.contains("AWS::KinesisFirehose"));
    let script = Scenario::default().to_aws_cli(None);
    assert!(script.contains("aws kinesis create-stream --stream-name 'clickstream' --shard-count 2\n"));
    assert!(!script.contains("register-stream-consumer"));
}

#[test]
fn fan_out_consumers_become_stream_consumers() {
    let scenario = preset("efo-vs-shared-reads").unwrap().scenario();
    let template = scenario.to_cloudformation(None);
    assert_eq!(template.matches("Type: AWS::Kinesis::StreamConsumer").count(), 1);
    assert!(template.contains("      ConsumerName: \"recommender\"\n      StreamARN:\n        Fn::GetAtt:\n          - ClicksStream\n          - Arn\n"));
    let script = scenario.to_aws_cli(None);
    assert!(
        script.contains(
            "aws kinesis register-stream-consumer --stream-arn \"$STREAM_ARN\" --consumer-name 'recommender'\n"
        )
    );
}

#[test]
fn firehose_to_s3_has_its_bucket_role_and_buffering() {
    let template = preset("firehose-buffering-s3").unwrap().scenario().to_cloudformation(None);
    for needed in [
        "Type: AWS::KinesisFirehose::DeliveryStream",
        "Type: AWS::IAM::Role",
        "Type: AWS::S3::Bucket",
        "      BucketName: \"shardlab-log-archive\"\n",
        "      DeliveryStreamType: KinesisStreamAsSource\n",
        "          IntervalInSeconds: 60\n          SizeInMBs: 5\n",
        "        CompressionFormat: GZIP\n",
        "        Prefix: \"logs/!{timestamp:yyyy/MM/dd}/\"\n",
        "Service: firehose.amazonaws.com",
        "\"kinesis:GetRecords\"",
    ] {
        assert!(template.contains(needed), "missing {needed:?} in\n{template}");
    }
}

#[test]
fn every_destination_kind_is_exported() {
    let scenario = Scenario::from_json(DESTINATIONS).unwrap();
    let template = scenario.to_cloudformation(None);
    for needed in [
        "RedshiftDestinationConfiguration:",
        "DataTableName: \"public.events\"",
        "AmazonopensearchserviceDestinationConfiguration:",
        "IndexName: \"events\"",
        "HttpEndpointDestinationConfiguration:",
        "Url: \"https://example.com/ingest\"",
        "ContentEncoding: GZIP",
        "StreamMode: ON_DEMAND",
        "RetentionPeriodHours: 168",
        "Type: AppendDelimiterToRecord",
        "Ref: TransformFunctionArn",
        "# Analytics application 'analytics-1' is not exported",
    ] {
        assert!(template.contains(needed), "missing {needed:?}");
    }
    // An on-demand stream has no shard count; the HTTP endpoint's buffer is within its 64 MiB.
    assert!(!template.contains("ShardCount"));
    let script = scenario.to_aws_cli(None);
    assert!(script.contains("--stream-mode-details StreamMode=ON_DEMAND"));
    assert!(script.contains("increase-stream-retention-period --stream-name 'stream-1' --retention-period-hours 168"));
    assert!(script.contains("only S3 destinations are scripted here"));
}

#[test]
fn hostile_text_stays_inside_quotes() {
    let scenario = Scenario { name: "x\"\ny: $(rm -rf /) '".into(), ..Scenario::default() };
    let template = scenario.to_cloudformation(None);
    assert!(template.contains("Description: \"Shardlab scenario: x\\\"\\ny: $(rm -rf /) '\"\n"), "{template}");
    let script = scenario.to_aws_cli(None);
    assert!(
        script.lines().nth(1).unwrap().starts_with("# Exported from the Shardlab scenario \"x\" y: $(rm -rf /) '\"")
    );
}

#[test]
fn agent_json_carries_the_agents_settings() {
    let text = preset("kinesis-agent-logs").unwrap().scenario().to_agent_json().unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let flow = &json["flows"][0];
    assert_eq!(flow["filePattern"], "/var/log/app/access.log");
    assert_eq!(flow["kinesisStream"], "access-logs");
    assert_eq!(flow["partitionKeyOption"], "RANDOM");
    assert_eq!(flow["maxBufferAgeMillis"], 5_000);
    assert_eq!(flow["maxBufferSizeRecords"], 500);
    assert_eq!(flow["dataProcessingOptions"][0]["optionName"], "LOGTOJSON");
    assert_eq!(flow["dataProcessingOptions"][0]["logFormat"], "COMBINEDAPACHELOG");
    assert!(Scenario::default().to_agent_json().is_err());
}

#[test]
fn a_run_on_too_few_shards_recommends_more() {
    use shardlab_engine::{SimTime, Simulation};
    use shardlab_scenario::Findings;
    let mut scenario = Scenario::default();
    let stream = scenario.pipeline.nodes[1].id;
    scenario.pipeline.node_mut(stream).unwrap().set_param("shard_count", "1").unwrap();
    // No retries, so each second asks for exactly the producer's 1,500 records.
    scenario.pipeline.nodes[0].set_param("retry_max_attempts", "1").unwrap();
    let mut sim = Simulation::new(scenario.to_sim_config().unwrap().0).unwrap();
    sim.advance_to(SimTime::from_secs(10));
    let findings = Findings::from_simulation(&sim);
    assert_eq!(findings.shards_open, 1);
    assert_eq!(findings.stream_demand_records_per_sec_peak, 1_500);
    assert!(findings.write_throttled_records >= 9 * 500, "{findings:?}");
    // 1,500 records of 1,024 bytes plus keys of up to 8 bytes: 1.47 to 1.48 MiB/s.
    let notes = scenario.limit_notes(Some(&findings));
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(
        notes[0],
        "The producers ask for up to 1500 records/s and 1.5 MiB/s at their peak; 1 shard(s) take 1000 records/s and 1.0 MiB/s: 2 shards recommended."
    );
    assert_eq!(notes[1], "This stream throttled at 1.5 MiB/s (1500 records/s): 2 shards recommended.");
}

#[test]
fn lambda_consumers_become_event_source_mappings() {
    let scenario = preset("replay-after-consumer-bug").unwrap().scenario();
    let template = scenario.to_cloudformation(None);
    assert!(template.contains("  LedgerLambdaConsumerFunctionName:\n    Type: String\n"));
    for needed in [
        "    Type: AWS::Lambda::EventSourceMapping\n",
        "        Ref: LedgerLambdaConsumerFunctionName\n",
        "      StartingPosition: LATEST\n",
        "      BisectBatchOnFunctionError: true\n",
        "      MaximumRetryAttempts: 2\n",
        "# In the scenario 20 % of its invocations fail",
    ] {
        assert!(template.contains(needed), "missing {needed:?} in\n{template}");
    }
    let script = scenario.to_aws_cli(None);
    assert!(script.contains("aws lambda create-event-source-mapping --function-name \"${LEDGER_LAMBDA_FUNCTION:?"));
    assert!(script.contains("--starting-position LATEST --batch-size 100"));
}

#[test]
fn a_video_stream_exports_with_its_retention_and_media_type() {
    let scenario = preset("camera-video-stream").unwrap().scenario();
    let template = scenario.to_cloudformation(None);
    assert!(template.contains("Type: AWS::KinesisVideo::Stream"), "{template}");
    assert!(template.contains("DataRetentionInHours: 24"), "{template}");
    assert!(template.contains("MediaType: \"video/h264\""), "{template}");
    let script = scenario.to_aws_cli(None);
    assert!(
        script.contains("aws kinesisvideo create-stream --stream-name 'front-door' --data-retention-in-hours 24"),
        "{script}"
    );
}
