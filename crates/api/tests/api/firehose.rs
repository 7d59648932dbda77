//! `Firehose_20150804.*`: requests and replies. Expected values come from `docs/aws-behaviour.md` (section 5)
//! and hand calculation.

use crate::{Session, assert_json_eq};
use serde_json::{Value, json};
use shardlab_engine::SimTime;

fn fh(s: &mut Session, operation: &str, body: Value) -> shardlab_api::Reply {
    s.api.handle(&mut s.sim, &format!("Firehose_20150804.{operation}"), &body)
}

fn s3_stream(s: &mut Session, name: &str) {
    let reply = fh(
        s,
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": name,
            "ExtendedS3DestinationConfiguration": {
                "RoleARN": "arn:aws:iam::000000000000:role/r",
                "BucketARN": "arn:aws:s3:::b",
                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
                "CompressionFormat": "GZIP"
            }
        }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.body,
        json!({"DeliveryStreamARN": format!("arn:aws:firehose:us-east-1:000000000000:deliverystream/{name}")})
    );
}

#[test]
fn create_describe_put_and_deliver() {
    let mut s = Session::new();
    s3_stream(&mut s, "fh");
    let d = fh(&mut s, "DescribeDeliveryStream", json!({"DeliveryStreamName": "fh"})).body;
    assert_eq!(d["DeliveryStreamDescription"]["DeliveryStreamStatus"], "CREATING");
    s.advance_ms(500);
    let d = fh(&mut s, "DescribeDeliveryStream", json!({"DeliveryStreamName": "fh"})).body;
    let desc = &d["DeliveryStreamDescription"];
    assert_eq!(desc["DeliveryStreamStatus"], "ACTIVE");
    assert_eq!(desc["VersionId"], "1");
    assert_eq!(desc["DeliveryStreamType"], "DirectPut");
    assert_eq!(desc["CreateTimestamp"], json!(1_767_225_600.0));
    let dest = &desc["Destinations"][0];
    assert_eq!(dest["DestinationId"], "destinationId-000000000001");
    assert_json_eq(
        &dest["ExtendedS3DestinationDescription"]["BufferingHints"],
        &json!({"SizeInMBs": 1, "IntervalInSeconds": 60}),
    );
    let put = fh(&mut s, "PutRecord", json!({"DeliveryStreamName": "fh", "Record": {"Data": "aGk="}}));
    assert_eq!(put.status, 200);
    assert_eq!(put.body["Encrypted"], false);
    assert!(put.body["RecordId"].as_str().is_some_and(|id| id.len() == 48));
    let batch = fh(
        &mut s,
        "PutRecordBatch",
        json!({"DeliveryStreamName": "fh", "Records": [{"Data": "YQ=="}, {"Data": "Yg=="}]}),
    );
    assert_eq!(batch.body["FailedPutCount"], 0);
    assert_eq!(batch.body["RequestResponses"].as_array().map(Vec::len), Some(2));
    // The buffer was started at 0.5 s; IntervalInSeconds 60 flushes it at 60.5 s.
    s.sim.advance_to(SimTime::from_millis(60_499));
    assert!(s.sim.firehose().delivery_stream("fh").is_some_and(|d| d.s3_objects.is_empty()));
    s.sim.advance_to(SimTime::from_millis(60_500));
    let stream = s.sim.firehose().delivery_stream("fh").expect("exists");
    let object = &stream.s3_objects[0];
    assert!(object.key.starts_with("2026/01/01/00/fh-1-2026-01-01-00-00-00-"), "{}", object.key);
    assert!(object.key.ends_with(".gz"));
    assert_eq!((object.records, object.decompressed()), (3, Some(b"hiab".to_vec())));
}

#[test]
fn errors_use_aws_exception_names() {
    let mut s = Session::new();
    let r = fh(&mut s, "PutRecord", json!({"DeliveryStreamName": "nope", "Record": {"Data": "aGk="}}));
    assert_eq!(
        r.body,
        json!({"__type": "ResourceNotFoundException", "message": "Firehose nope under account 000000000000 not found."})
    );
    // Model constraints come first, as for Kinesis.
    let r = fh(&mut s, "PutRecord", json!({"DeliveryStreamName": "bad name!", "Record": {}}));
    assert_eq!(r.body["__type"], "ValidationException");
    assert_eq!(
        r.body["message"],
        "2 validation errors detected: Value 'bad name!' at 'deliveryStreamName' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value null at 'record.data' failed to \
         satisfy constraint: Member must not be null"
    );
    s3_stream(&mut s, "fh");
    let r = fh(
        &mut s,
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "fh", "ExtendedS3DestinationConfiguration": {"BucketARN": "arn:aws:s3:::b"}}),
    );
    assert_eq!(r.body["__type"], "ResourceInUseException");
    // Hints outside the model's S3 ranges (1-128 MiB, 0-900 s): ValidationException, before any service rule.
    let r = fh(
        &mut s,
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "h", "ExtendedS3DestinationConfiguration": {"BucketARN": "arn:aws:s3:::b", "BufferingHints": {"SizeInMBs": 129, "IntervalInSeconds": 300}}}),
    );
    assert_eq!(r.body["__type"], "ValidationException");
    assert_eq!(
        r.body["message"],
        "1 validation error detected: Value '129' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' \
         failed to satisfy constraint: Member must have value less than or equal to 128"
    );
    // Only one of the two hints.
    let r = fh(
        &mut s,
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "h", "ExtendedS3DestinationConfiguration": {"BucketARN": "arn:aws:s3:::b", "BufferingHints": {"SizeInMBs": 64}}}),
    );
    assert_eq!(r.body["message"], "BufferingHints must give both SizeInMBs and IntervalInSeconds, or neither.");
    // No destination, or two.
    let r = fh(&mut s, "CreateDeliveryStream", json!({"DeliveryStreamName": "x"}));
    assert_eq!(r.body["__type"], "InvalidArgumentException");
    // A stale version.
    s.advance_ms(500);
    let r = fh(
        &mut s,
        "UpdateDestination",
        json!({"DeliveryStreamName": "fh", "CurrentDeliveryStreamVersionId": "7", "DestinationId": "destinationId-000000000001", "ExtendedS3DestinationUpdate": {"Prefix": "p/"}}),
    );
    assert_eq!(r.body["__type"], "ConcurrentModificationException");
    let r = fh(
        &mut s,
        "UpdateDestination",
        json!({"DeliveryStreamName": "fh", "CurrentDeliveryStreamVersionId": "1", "DestinationId": "destinationId-000000000001", "ExtendedS3DestinationUpdate": {"Prefix": "p/"}}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let d = fh(&mut s, "DescribeDeliveryStream", json!({"DeliveryStreamName": "fh"})).body;
    assert_eq!(d["DeliveryStreamDescription"]["VersionId"], "2");
    assert_eq!(d["DeliveryStreamDescription"]["Destinations"][0]["ExtendedS3DestinationDescription"]["Prefix"], "p/");
    assert_eq!(
        d["DeliveryStreamDescription"]["Destinations"][0]["ExtendedS3DestinationDescription"]["CompressionFormat"],
        "GZIP"
    );
}

#[test]
fn list_tag_and_delete() {
    let mut s = Session::new();
    for name in ["b", "a", "c"] {
        s3_stream(&mut s, name);
    }
    let r = fh(&mut s, "ListDeliveryStreams", json!({"Limit": 2}));
    assert_eq!(r.body, json!({"DeliveryStreamNames": ["a", "b"], "HasMoreDeliveryStreams": true}));
    let r = fh(&mut s, "ListDeliveryStreams", json!({"ExclusiveStartDeliveryStreamName": "b"}));
    assert_eq!(r.body, json!({"DeliveryStreamNames": ["c"], "HasMoreDeliveryStreams": false}));
    assert_eq!(
        fh(
            &mut s,
            "TagDeliveryStream",
            json!({"DeliveryStreamName": "a", "Tags": [{"Key": "k", "Value": "v"}, {"Key": "j", "Value": "w"}]})
        )
        .status,
        200
    );
    assert_eq!(fh(&mut s, "UntagDeliveryStream", json!({"DeliveryStreamName": "a", "TagKeys": ["j"]})).status, 200);
    let r = fh(&mut s, "ListTagsForDeliveryStream", json!({"DeliveryStreamName": "a"}));
    assert_eq!(r.body, json!({"Tags": [{"Key": "k", "Value": "v"}], "HasMoreTags": false}));
    // Cannot delete while CREATING; can once ACTIVE, and it is gone after DELETING.
    assert_eq!(
        fh(&mut s, "DeleteDeliveryStream", json!({"DeliveryStreamName": "a"})).body["__type"],
        "ResourceInUseException"
    );
    s.advance_ms(500);
    assert_eq!(fh(&mut s, "DeleteDeliveryStream", json!({"DeliveryStreamName": "a"})).status, 200);
    s.advance_ms(500);
    let r = fh(&mut s, "ListDeliveryStreams", json!({}));
    assert_eq!(r.body["DeliveryStreamNames"], json!(["b", "c"]));
}

#[test]
fn a_kinesis_source_stream_refuses_direct_puts() {
    let mut s = Session::with_stream("src", 1);
    let r = fh(
        &mut s,
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "k",
            "DeliveryStreamType": "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration": {"KinesisStreamARN": crate::arn("src"), "RoleARN": "arn:aws:iam::000000000000:role/r"},
            "ExtendedS3DestinationConfiguration": {"BucketARN": "arn:aws:s3:::b"}
        }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    s.advance_ms(500);
    let r = fh(&mut s, "PutRecord", json!({"DeliveryStreamName": "k", "Record": {"Data": "aGk="}}));
    assert_eq!(
        r.body,
        json!({"__type": "InvalidArgumentException", "message": "This operation is not permitted on KinesisStreamAsSource type delivery stream."})
    );
    let d = fh(&mut s, "DescribeDeliveryStream", json!({"DeliveryStreamName": "k"})).body;
    assert_eq!(
        d["DeliveryStreamDescription"]["Source"]["KinesisStreamSourceDescription"]["KinesisStreamARN"],
        json!(crate::arn("src"))
    );
}

#[test]
fn a_transform_and_http_endpoint_from_the_api() {
    let mut s = Session::new();
    let r = fh(
        &mut s,
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "h",
            "HttpEndpointDestinationConfiguration": {
                "EndpointConfiguration": {"Url": "https://example.com/ingest"},
                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
                "RetryOptions": {"DurationInSeconds": 60},
                "S3Configuration": {"BucketARN": "arn:aws:s3:::backup"},
                "ProcessingConfiguration": {"Enabled": true, "Processors": [{
                    "Type": "Lambda",
                    "Parameters": [{"ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:us-east-1:000000000000:function:f"},
                                   {"ParameterName": "BufferIntervalInSeconds", "ParameterValue": "0"}],
                    "ShardlabTransform": "drop if .skip == true"
                }]}
            }
        }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    s.advance_ms(500);
    let batch = json!({"DeliveryStreamName": "h", "Records": [{"Data": "eyJza2lwIjp0cnVlfQ=="}, {"Data": "eyJza2lwIjpmYWxzZX0="}]});
    assert_eq!(fh(&mut s, "PutRecordBatch", batch).status, 200);
    s.advance_ms(0);
    let stream = s.sim.firehose().delivery_stream("h").expect("exists");
    assert_eq!((stream.totals.dropped_records, stream.totals.delivered_records), (1, 1));
    let body = String::from_utf8(stream.requests[0].body.clone().expect("kept")).expect("utf-8");
    // {"skip":false} in base64.
    assert!(body.contains("\"records\":[{\"data\":\"eyJza2lwIjpmYWxzZX0=\"}]"), "{body}");
}

#[test]
fn malformed_firehose_requests_never_panic() {
    let mut s = Session::with_stream("src", 1);
    s3_stream(&mut s, "fh");
    s.advance_ms(500);
    let members = [
        "DeliveryStreamName",
        "Record",
        "Records",
        "Data",
        "Limit",
        "Tags",
        "TagKeys",
        "DeliveryStreamType",
        "ExtendedS3DestinationConfiguration",
        "HttpEndpointDestinationConfiguration",
        "SplunkDestinationConfiguration",
        "BufferingHints",
        "SizeInMBs",
        "ProcessingConfiguration",
        "Processors",
        "CurrentDeliveryStreamVersionId",
        "DestinationId",
        "ExtendedS3DestinationUpdate",
        "KinesisStreamSourceConfiguration",
        "CompressionFormat",
        "Prefix",
    ];
    let values = [
        json!(null),
        json!(true),
        json!(-1),
        json!(0),
        json!(1e300),
        json!(""),
        json!("fh"),
        json!("aGk="),
        json!("!{x"),
        json!([]),
        json!([{"Data": "aGk="}]),
        json!({}),
        json!({"Data": 5}),
        json!({"SizeInMBs": -5}),
        json!({"Processors": [{"Type": "Lambda", "ShardlabTransform": "set . = "}]}),
        json!({"BucketARN": 1}),
    ];
    let operations: Vec<&str> = shardlab_api::firehose::operation_names().collect();
    assert_eq!(operations.len(), 10);
    let mut state = 1u64;
    let mut next = || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for _ in 0..3_000 {
        let operation = operations[next() % operations.len()];
        let mut body = serde_json::Map::new();
        for _ in 0..next() % 5 {
            let value = values[next() % values.len()].clone();
            body.insert(members[next() % members.len()].into(), value);
        }
        let reply = fh(&mut s, operation, Value::Object(body));
        assert!([200, 400, 503].contains(&reply.status), "{operation}: {}", reply.body);
    }
}

#[test]
fn the_processor_buffer_defaults_to_1_mb_and_256_kb_before_splunk() {
    // `docs/aws-behaviour.md` §5.4: the Lambda processor buffer defaults to 1 MB (Splunk: 256 KB).
    let mut s = Session::new();
    let lambda = json!({"Enabled": true, "Processors": [{"Type": "Lambda", "Parameters": [
        {"ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:us-east-1:000000000000:function:f"}]}]});
    let r = fh(
        &mut s,
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "sp", "SplunkDestinationConfiguration": {
        "HECEndpoint": "https://hec", "S3Configuration": {"BucketARN": "arn:aws:s3:::b"}, "ProcessingConfiguration": lambda.clone()}}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = fh(
        &mut s,
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "s3", "ExtendedS3DestinationConfiguration": {
        "BucketARN": "arn:aws:s3:::b", "ProcessingConfiguration": lambda}}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    for (name, member, size) in
        [("sp", "SplunkDestinationDescription", "0.25"), ("s3", "ExtendedS3DestinationDescription", "1")]
    {
        let d = fh(&mut s, "DescribeDeliveryStream", json!({"DeliveryStreamName": name})).body;
        let params = &d["DeliveryStreamDescription"]["Destinations"][0][member]["ProcessingConfiguration"]["Processors"]
            [0]["Parameters"];
        let buffer = params.as_array().into_iter().flatten().find(|p| p["ParameterName"] == "BufferSizeInMBs");
        assert_eq!(buffer.map(|p| &p["ParameterValue"]), Some(&json!(size)), "{name}");
    }
}

#[test]
fn destination_members_outside_the_model_get_validation_exception() {
    // Issue 17: Firehose checks members against the API model first (as Kinesis does), with the model's
    // message format; the service's own rules answer afterwards with their own exceptions.
    let mut s = Session::with_stream("src", 1);
    let create = |s: &mut Session, destination: &str, config: Value| {
        let mut body = serde_json::Map::new();
        body.insert("DeliveryStreamName".into(), json!("v"));
        body.insert(destination.into(), config);
        fh(s, "CreateDeliveryStream", Value::Object(body))
    };
    // Two failures in one structure, listed in the model's member order.
    let r = create(
        &mut s,
        "ExtendedS3DestinationConfiguration",
        json!({"BucketARN": "arn:aws:s3:::b", "BufferingHints": {"SizeInMBs": 0, "IntervalInSeconds": 901}}),
    );
    assert_eq!(r.body["__type"], "ValidationException");
    assert_eq!(
        r.body["message"],
        "2 validation errors detected: Value '0' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' \
         failed to satisfy constraint: Member must have value greater than or equal to 1; Value '901' at \
         'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: \
         Member must have value less than or equal to 900"
    );
    // Each destination has its own hint ranges: Splunk's are 1-5 MB and 0-60 s.
    let r = create(
        &mut s,
        "SplunkDestinationConfiguration",
        json!({"HECEndpoint": "https://h", "BufferingHints": {"SizeInMBs": 6, "IntervalInSeconds": 60}}),
    );
    assert_eq!(
        r.body["message"],
        "1 validation error detected: Value '6' at 'splunkDestinationConfiguration.bufferingHints.sizeInMBs' \
         failed to satisfy constraint: Member must have value less than or equal to 5"
    );
    // RetryOptions.DurationInSeconds is 0-7200; a prefix is at most 1,024 characters.
    let r = create(
        &mut s,
        "HttpEndpointDestinationConfiguration",
        json!({"EndpointConfiguration": {"Url": "https://x"}, "RetryOptions": {"DurationInSeconds": 7_201},
               "S3Configuration": {"BucketARN": "arn:aws:s3:::b", "Prefix": "p".repeat(1_025)}}),
    );
    assert_eq!(r.body["__type"], "ValidationException");
    let message = r.body["message"].as_str().expect("a message");
    assert!(message.starts_with("2 validation errors detected: Value '7201' at 'httpEndpointDestinationConfiguration.retryOptions.durationInSeconds' failed to satisfy constraint: Member must have value less than or equal to 7200; Value '"), "{message}");
    assert!(message.ends_with("' at 'httpEndpointDestinationConfiguration.s3Configuration.prefix' failed to satisfy constraint: Member must have length less than or equal to 1024"), "{message}");
    // An enum value outside the model's set.
    let r = create(
        &mut s,
        "S3DestinationConfiguration",
        json!({"BucketARN": "arn:aws:s3:::b", "CompressionFormat": "LZ4"}),
    );
    assert_eq!(
        r.body["message"],
        "1 validation error detected: Value 'LZ4' at 's3DestinationConfiguration.compressionFormat' failed to \
         satisfy constraint: Member must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]"
    );
    // A wrong type inside a structure is a SerializationException, as at the top level.
    let r = create(
        &mut s,
        "ExtendedS3DestinationConfiguration",
        json!({"BucketARN": "arn:aws:s3:::b", "BufferingHints": {"SizeInMBs": "5", "IntervalInSeconds": 60}}),
    );
    assert_eq!(r.body["__type"], "SerializationException");
    // Within the model, a service rule still answers with its own exception: Splunk's 5 MB within the
    // ranges passes validation, and a prefix with expressions but no error prefix is refused by the service.
    let r = create(
        &mut s,
        "ExtendedS3DestinationConfiguration",
        json!({"BucketARN": "arn:aws:s3:::b", "Prefix": "!{timestamp:yyyy}/"}),
    );
    assert_eq!(r.body["__type"], "InvalidArgumentException");
    // The same ranges apply to UpdateDestination.
    s3_stream(&mut s, "u");
    s.advance_ms(500);
    let r = fh(
        &mut s,
        "UpdateDestination",
        json!({"DeliveryStreamName": "u", "CurrentDeliveryStreamVersionId": "1", "DestinationId": "destinationId-000000000001",
               "ExtendedS3DestinationUpdate": {"BufferingHints": {"SizeInMBs": 200, "IntervalInSeconds": 60}}}),
    );
    assert_eq!(
        r.body["message"],
        "1 validation error detected: Value '200' at 'extendedS3DestinationUpdate.bufferingHints.sizeInMBs' \
         failed to satisfy constraint: Member must have value less than or equal to 128"
    );
}
