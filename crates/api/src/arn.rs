//! Which stream or consumer a request names: by `StreamName`, `StreamARN`, `ConsumerARN` or `ResourceARN`.
//!
//! An ARN that passes the model's pattern but names another account, Region or partition is treated as
//! AWS treats a stream it cannot see: `ResourceNotFoundException`, naming the ARN's account.

use crate::reply::{Reply, invalid_argument, not_found};
use crate::validate::text;
use alloc::format;
use alloc::string::{String, ToString};
use serde_json::{Map, Value};
use shardlab_engine::Kinesis;

/// What a `ResourceARN` names.
pub(crate) enum Resource {
    /// A stream of this account, by name.
    Stream(String),
    /// A registered consumer, by ARN.
    Consumer { arn: String },
}

/// `arn:aws:kinesis:<region>:<account>:stream/` for this service.
fn own_prefix(kinesis: &Kinesis) -> String {
    format!("arn:aws:kinesis:{}:{}:stream/", kinesis.config().region, kinesis.config().account_id)
}

/// The account and resource part of an ARN the service does not own, for the not-found message.
fn foreign_parts(arn: &str) -> (&str, &str) {
    for (at, _) in arn.match_indices(":stream/") {
        let account =
            at.checked_sub(12).and_then(|start| arn.get(start..at)).filter(|a| a.bytes().all(|b| b.is_ascii_digit()));
        let colon = at.checked_sub(13).and_then(|i| arn.get(i..=i)) == Some(":");
        if let Some(account) = account.filter(|_| colon) {
            return (account, &arn[at + ":stream/".len()..]);
        }
    }
    ("", arn)
}

fn stream_not_found(name: &str, account: &str) -> Reply {
    not_found(format!("Stream {name} under account {account} not found."))
}

/// The name of the stream a request identifies by `StreamName` and/or `StreamARN`.
pub(crate) fn stream_name(kinesis: &Kinesis, body: &Map<String, Value>) -> Result<String, Reply> {
    let name = text(body, "StreamName");
    let Some(arn) = text(body, "StreamARN") else {
        return name
            .map(String::from)
            .ok_or_else(|| invalid_argument("Either StreamName or StreamARN should be provided."));
    };
    let own = arn.strip_prefix(own_prefix(kinesis).as_str()).filter(|rest| !rest.is_empty() && !rest.contains('/'));
    let Some(from_arn) = own else {
        let (account, name) = foreign_parts(arn);
        return Err(stream_not_found(name, account));
    };
    match name {
        Some(name) if name != from_arn => {
            Err(invalid_argument(format!("StreamARN {arn} and StreamName {name} do not name the same stream.")))
        }
        _ => Ok(from_arn.to_string()),
    }
}

/// The stream a `StreamARN` alone names (operations whose only stream member is the ARN).
pub(crate) fn stream_of_arn(kinesis: &Kinesis, arn: &str) -> Result<String, Reply> {
    let mut body = Map::new();
    body.insert("StreamARN".into(), Value::String(arn.into()));
    stream_name(kinesis, &body)
}

/// What a `ResourceARN` names; it must exist.
pub(crate) fn resource(kinesis: &Kinesis, arn: &str) -> Result<Resource, Reply> {
    let prefix = own_prefix(kinesis);
    let Some(rest) = arn.strip_prefix(prefix.as_str()) else {
        return Err(foreign(kinesis, arn));
    };
    if rest.contains("/consumer/") {
        let (_, consumer) = kinesis.consumer(None, None, Some(arn))?;
        return Ok(Resource::Consumer { arn: consumer.arn.clone() });
    }
    if rest.is_empty() || rest.contains('/') {
        return Err(foreign(kinesis, arn));
    }
    if kinesis.stream(rest).is_none() {
        return Err(stream_not_found(rest, &kinesis.config().account_id));
    }
    Ok(Resource::Stream(rest.to_string()))
}

fn foreign(kinesis: &Kinesis, arn: &str) -> Reply {
    if arn.contains("/consumer/") {
        return kinesis.consumer(None, None, Some(arn)).err().map_or_else(|| not_found(arn), Reply::from);
    }
    let (account, name) = foreign_parts(arn);
    stream_not_found(name, account)
}
