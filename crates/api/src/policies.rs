//! Resource policies: PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy, on a stream (kept by
//! the engine) or a consumer (kept here).

use crate::Call;
use crate::arn::{Resource, resource};
use crate::model::RESOURCE_ARN_MEMBER;
use crate::reply::{Reply, invalid_argument};
use crate::validate::{Member, Required, Shape, Text, text};
use alloc::string::{String, ToString};
use serde_json::{Value, json};

pub(crate) const RESOURCE_ONLY: &[Member] = &[RESOURCE_ARN_MEMBER];

pub(crate) const PUT_RESOURCE_POLICY: &[Member] =
    &[RESOURCE_ARN_MEMBER, Member { name: "Policy", shape: Shape::Text(Text::ANY), required: Required::Yes }];

/// The policy slot of the resource a request names.
fn policy_slot<'a>(call: &'a mut Call<'_>) -> Result<&'a mut Option<String>, Reply> {
    let arn = text(call.body, "ResourceARN").unwrap_or_default().to_string();
    match resource(call.kinesis(), &arn)? {
        Resource::Stream(name) => Ok(call.kinesis_mut().resource_policy_mut(&name)?),
        Resource::Consumer { arn } => Ok(&mut call.state.consumers.get_or_default(arn).policy),
    }
}

pub(crate) fn put_resource_policy(call: &mut Call<'_>) -> Result<Value, Reply> {
    let policy = text(call.body, "Policy").unwrap_or_default().to_string();
    if !serde_json::from_str::<Value>(&policy).is_ok_and(|v| v.is_object()) {
        return Err(invalid_argument("The Policy is not a valid JSON policy document."));
    }
    *policy_slot(call)? = Some(policy);
    Ok(json!({}))
}

pub(crate) fn get_resource_policy(call: &mut Call<'_>) -> Result<Value, Reply> {
    let policy = policy_slot(call)?.clone().unwrap_or_else(|| "{}".into());
    Ok(json!({ "Policy": policy }))
}

pub(crate) fn delete_resource_policy(call: &mut Call<'_>) -> Result<Value, Reply> {
    *policy_slot(call)? = None;
    Ok(json!({}))
}
