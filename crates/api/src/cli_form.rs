//! The AWS CLI form of a call: `aws kinesis put-record --stream-name s --partition-key k --data aGk=`
//! read as an operation name and a JSON body, so learners can type what they would type against AWS.
//!
//! Values follow each member's shape: text, whole numbers, booleans (`--flag` / `--no-flag`), blobs as
//! base64 (as with `--cli-binary-format base64`), lists of text as separate words, and structures, lists of
//! structures and maps as JSON. The AWS CLI's shorthand syntax is not read.

use crate::OPERATIONS;
use crate::validate::{Member, Shape};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::{Map, Value};

/// Global options of the AWS CLI that take a value and mean nothing here.
const GLOBAL_OPTIONS: [&str; 6] =
    ["--region", "--profile", "--output", "--endpoint-url", "--cli-binary-format", "--query"];

/// Splits a command line into words, honouring '…' and "…" quotes and backslash escapes outside single quotes.
fn words(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("the command has an unterminated ' quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => word.push(chars.next().ok_or("the command ends in a backslash")?),
                        Some(c) => word.push(c),
                        None => return Err("the command has an unterminated \" quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next().ok_or("the command ends in a backslash")?);
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(core::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        out.push(word);
    }
    Ok(out)
}

/// `PutRecord` -> `put-record`, `StreamARN` -> `stream-arn`, `MaxRecordSizeInKiB` -> `max-record-size-in-ki-b`:
/// a new word starts at a capital after a small letter or digit, or at the last capital of a run before a
/// small letter (botocore's rule for CLI names).
fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let previous = chars[i - 1];
            let next_is_small = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if previous.is_ascii_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_ascii_uppercase() && next_is_small)
            {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn option_of(member: &Member) -> String {
    format!("--{}", kebab(member.name))
}

/// Reads `aws kinesis <command> [--option value]…` as `(operation, body)`, or says what is wrong.
pub fn parse_cli(line: &str) -> Result<(&'static str, Value), String> {
    let words = words(line)?;
    let mut rest = words.iter().map(String::as_str);
    if rest.next() != Some("aws") || rest.next() != Some("kinesis") {
        return Err("an AWS CLI command starts with `aws kinesis <command>`, for example \
                    `aws kinesis describe-stream-summary --stream-name clickstream`"
            .into());
    }
    let operations: Vec<(&'static str, &'static [Member])> = OPERATIONS.iter().map(|o| (o.name, o.input)).collect();
    parse_command(rest.collect(), "kinesis", "Kinesis", &operations)
}

/// Like [`parse_cli`], for `aws kinesis …` and `aws firehose …` (`aws firehose put-record
/// --delivery-stream-name s --record Data=aGk=`): the `X-Amz-Target` and the body.
pub fn parse_cli_target(line: &str) -> Result<(String, Value), String> {
    let words = words(line)?;
    match words.get(1).map(String::as_str) {
        Some("firehose") if words[0] == "aws" => {
            let operations = crate::firehose::operations();
            let (name, body) =
                parse_command(words[2..].iter().map(String::as_str).collect(), "firehose", "Firehose", &operations)?;
            Ok((format!("{}{name}", crate::firehose::TARGET_PREFIX), body))
        }
        Some(service @ ("kinesisvideo" | "kinesis-video-media" | "kinesis-video-archived-media"))
            if words[0] == "aws" =>
        {
            let operations = crate::video::operations();
            let (name, body) = parse_command(
                words[2..].iter().map(String::as_str).collect(),
                service,
                "Kinesis Video Streams",
                &operations,
            )?;
            Ok((format!("{}{name}", crate::video::TARGET_PREFIX), body))
        }
        _ => parse_cli(line).map(|(name, body)| (format!("{}{name}", crate::TARGET_PREFIX), body)),
    }
}

/// `Key=Value,Key=Value`: the AWS CLI's shorthand for a flat structure.
fn shorthand(text: &str) -> Option<Value> {
    let mut map = Map::new();
    for pair in text.split(',') {
        let (key, value) = pair.split_once('=')?;
        map.insert(key.trim().into(), Value::String(value.into()));
    }
    Some(Value::Object(map))
}

fn parse_command(
    rest: Vec<&str>,
    service: &str,
    service_name: &str,
    operations: &[(&'static str, &'static [Member])],
) -> Result<(&'static str, Value), String> {
    let mut rest = rest.into_iter();
    let Some(command) = rest.next() else {
        return Err(format!("name a command after `aws {service}`, for example `put-record`"));
    };
    let Some(&(operation_name, input)) = operations.iter().find(|(name, _)| kebab(name) == command) else {
        let known: Vec<String> = operations.iter().map(|(name, _)| kebab(name)).collect();
        return Err(format!("`{command}` is not a {service_name} command; the commands are {}", known.join(", ")));
    };
    let rest: Vec<&str> = rest.collect();
    let mut body = Map::new();
    let mut i = 0;
    while i < rest.len() {
        let option = rest[i];
        i += 1;
        if GLOBAL_OPTIONS.contains(&option) {
            i += 1;
            continue;
        }
        let Some(name) = option.strip_prefix("--") else {
            return Err(format!("`{option}` is not an option; options start with --"));
        };
        let negated = name.strip_prefix("no-");
        let member = input.iter().find(|m| kebab(m.name) == name).or_else(|| {
            negated.and_then(|n| input.iter().find(|m| kebab(m.name) == n && matches!(m.shape, Shape::Boolean)))
        });
        let Some(member) = member else {
            let options: Vec<String> = input.iter().map(option_of).collect();
            return Err(format!("{command} has no option {option}; its options are {}", options.join(", ")));
        };
        let takes_value = !matches!(member.shape, Shape::Boolean);
        let mut values = Vec::new();
        while takes_value && i < rest.len() && (values.is_empty() || !rest[i].starts_with("--")) {
            values.push(rest[i]);
            i += 1;
            if !matches!(member.shape, Shape::TextList { .. }) {
                break;
            }
        }
        let value = match (&member.shape, values.as_slice()) {
            (Shape::Boolean, _) => Value::Bool(negated.is_none()),
            (_, []) => return Err(format!("{option} needs a value")),
            (Shape::Number { .. }, [v]) => {
                Value::from(v.parse::<i64>().map_err(|_| format!("{option} takes a whole number, not `{v}`"))?)
            }
            (Shape::Timestamp, [v]) => serde_json::from_str::<Value>(v)
                .ok()
                .filter(Value::is_number)
                .ok_or_else(|| format!("{option} takes a time in epoch seconds, not `{v}`"))?,
            (Shape::TextList { .. }, list) if list.len() == 1 && list[0].starts_with('[') => {
                serde_json::from_str(list[0]).map_err(|e| format!("{option}: not a JSON list: {e}"))?
            }
            (Shape::TextList { .. }, list) => Value::Array(list.iter().map(|v| Value::String(v.to_string())).collect()),
            (Shape::Struct(_), [v]) if !v.trim_start().starts_with('{') => shorthand(v)
                .ok_or_else(|| format!("{option} takes JSON or Key=Value,Key=Value shorthand, not `{v}`"))?,
            (Shape::StructList { .. } | Shape::TextMap { .. } | Shape::Struct(_), [v]) => serde_json::from_str(v)
                .map_err(|e| format!("{option} takes JSON here (the CLI's shorthand syntax is not read): {e}"))?,
            (_, [v]) => Value::String(v.to_string()),
            (_, _) => return Err(format!("{option} takes one value")),
        };
        body.insert(member.name.into(), value);
    }
    Ok((operation_name, Value::Object(body)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_commands_as_the_aws_cli_does() {
        assert_eq!(
            parse_cli("aws kinesis put-record --stream-name s --partition-key k --data aGk= --region us-east-1"),
            Ok(("PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": "aGk="})))
        );
        assert_eq!(
            parse_cli("aws kinesis create-stream --stream-name 'my stream' --shard-count 3"),
            Ok(("CreateStream", json!({"StreamName": "my stream", "ShardCount": 3})))
        );
        assert_eq!(
            parse_cli(r#"aws kinesis put-records --stream-name s --records '[{"Data":"aGk=","PartitionKey":"a"}]'"#),
            Ok(("PutRecords", json!({"StreamName": "s", "Records": [{"Data": "aGk=", "PartitionKey": "a"}]})))
        );
        assert_eq!(
            parse_cli("aws kinesis delete-stream --stream-name s --enforce-consumer-deletion"),
            Ok(("DeleteStream", json!({"StreamName": "s", "EnforceConsumerDeletion": true})))
        );
        assert_eq!(
            parse_cli(
                "aws kinesis enable-enhanced-monitoring --stream-name s --shard-level-metrics IncomingBytes OutgoingBytes"
            ),
            Ok((
                "EnableEnhancedMonitoring",
                json!({"StreamName": "s", "ShardLevelMetrics": ["IncomingBytes", "OutgoingBytes"]})
            ))
        );
    }

    #[test]
    fn reads_firehose_commands_with_record_shorthand() {
        assert_eq!(
            parse_cli_target("aws firehose put-record --delivery-stream-name s --record Data=aGk="),
            Ok(("Firehose_20150804.PutRecord".into(), json!({"DeliveryStreamName": "s", "Record": {"Data": "aGk="}})))
        );
        assert_eq!(
            parse_cli_target("aws kinesis list-streams").map(|(t, _)| t),
            Ok("Kinesis_20131202.ListStreams".into())
        );
        assert!(
            parse_cli_target("aws firehose nope").expect_err("unknown").starts_with("`nope` is not a Firehose command")
        );
    }

    #[test]
    fn option_names_follow_the_aws_cli() {
        assert_eq!(kebab("StreamARN"), "stream-arn");
        assert_eq!(kebab("MaxRecordSizeInKiB"), "max-record-size-in-ki-b");
        assert_eq!(kebab("DescribeStreamSummary"), "describe-stream-summary");
        assert_eq!(
            parse_cli(
                "aws kinesis describe-stream-summary --stream-arn arn:aws:kinesis:us-east-1:000000000000:stream/s"
            ),
            Ok(("DescribeStreamSummary", json!({"StreamARN": "arn:aws:kinesis:us-east-1:000000000000:stream/s"})))
        );
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(parse_cli("kinesis put-record").expect_err("no aws").starts_with("an AWS CLI command starts with"));
        assert!(
            parse_cli("aws kinesis frobnicate")
                .expect_err("unknown")
                .starts_with("`frobnicate` is not a Kinesis command")
        );
        let bad_option = parse_cli("aws kinesis put-record --stream s").expect_err("unknown option");
        assert!(bad_option.starts_with("put-record has no option --stream; its options are"), "{bad_option}");
        assert_eq!(
            parse_cli("aws kinesis create-stream --stream-name s --shard-count two"),
            Err("--shard-count takes a whole number, not `two`".into())
        );
        assert_eq!(parse_cli("aws kinesis list-streams --limit"), Err("--limit needs a value".into()));
        assert_eq!(
            parse_cli("aws kinesis list-streams --limit '5"),
            Err("the command has an unterminated ' quote".into())
        );
    }
}
