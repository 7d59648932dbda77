//! Tags: AddTagsToStream, RemoveTagsFromStream, ListTagsForStream, and the ARN-based TagResource,
//! UntagResource, ListTagsForResource (streams and consumers).

use crate::arn::{Resource, resource};
use crate::model::{RESOURCE_ARN_MEMBER, STREAM_ARN_OPTIONAL, STREAM_NAME, TAG_KEYS, integer, tag_map};
use crate::reply::{Reply, invalid_argument};
use crate::validate::{Member, Required, Shape, Text, number, text, text_map, texts};
use crate::{Call, shapes};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use serde_json::{Value, json};

/// Tags a stream or consumer may have.
const TAGS_PER_RESOURCE_MAX: usize = 50;
/// Tags ListTagsForStream returns when no `Limit` is given: every tag a stream can have.
const LIST_TAGS_DEFAULT: i64 = 50;

pub(crate) const ADD_TAGS_TO_STREAM: &[Member] = &[tag_map(Required::Yes), STREAM_NAME, STREAM_ARN_OPTIONAL];

pub(crate) fn add_tags_to_stream(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let tags = text_map(call.body, "Tags");
    let now = call.now();
    call.kinesis_mut().add_tags(now, &name, &tags)?;
    Ok(json!({}))
}

pub(crate) const REMOVE_TAGS_FROM_STREAM: &[Member] = &[TAG_KEYS, STREAM_NAME, STREAM_ARN_OPTIONAL];

pub(crate) fn remove_tags_from_stream(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let keys = texts(call.body, "TagKeys");
    let now = call.now();
    call.kinesis_mut().remove_tags(now, &name, &keys)?;
    Ok(json!({}))
}

pub(crate) const LIST_TAGS_FOR_STREAM: &[Member] = &[
    integer("Limit", Some(1), Some(50), Required::No),
    Member { name: "ExclusiveStartTagKey", shape: Shape::Text(Text::len(1, 128)), required: Required::No },
    STREAM_NAME,
    STREAM_ARN_OPTIONAL,
];

pub(crate) fn list_tags_for_stream(call: &mut Call<'_>) -> Result<Value, Reply> {
    let name = call.stream_name()?;
    let limit = number(call.body, "Limit").unwrap_or(LIST_TAGS_DEFAULT).max(0) as usize;
    let after = text(call.body, "ExclusiveStartTagKey").map(String::from);
    let now = call.now();
    let tags = call.kinesis_mut().list_tags(now, &name)?;
    let listed: alloc::vec::Vec<_> =
        tags.iter().filter(|(k, _)| after.as_ref().is_none_or(|a| k.as_str() > a.as_str())).collect();
    Ok(json!({
        "Tags": shapes::tags(listed.iter().take(limit).copied()),
        "HasMoreTags": listed.len() > limit,
    }))
}

pub(crate) const TAG_RESOURCE: &[Member] = &[tag_map(Required::Yes), RESOURCE_ARN_MEMBER];

/// AddTagsToStream's rules, for consumers (whose tags this crate keeps).
fn add_consumer_tags(
    existing: &mut BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
    arn: &str,
    account: &str,
) -> Result<(), Reply> {
    if let Some(key) = tags.keys().find(|k| k.starts_with("aws:")) {
        return Err(invalid_argument(format!(
            "Tag key {key} is invalid: keys starting with aws: are reserved for use by AWS."
        )));
    }
    let new_keys = tags.keys().filter(|k| !existing.contains_key(*k)).count();
    if existing.len() + new_keys > TAGS_PER_RESOURCE_MAX {
        return Err(invalid_argument(format!(
            "Failed to add tags to consumer {arn} under account {account} because a given resource cannot have more than {TAGS_PER_RESOURCE_MAX} tags associated with it."
        )));
    }
    existing.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(())
}

pub(crate) fn tag_resource(call: &mut Call<'_>) -> Result<Value, Reply> {
    let arn = text(call.body, "ResourceARN").unwrap_or_default().to_string();
    let tags = text_map(call.body, "Tags");
    let now = call.now();
    match resource(call.kinesis(), &arn)? {
        Resource::Stream(name) => call.kinesis_mut().add_tags(now, &name, &tags)?,
        Resource::Consumer { arn } => {
            let account = call.account();
            let extras = call.state.consumers.get_or_default(arn.clone());
            add_consumer_tags(&mut extras.tags, &tags, &arn, &account)?;
        }
    }
    Ok(json!({}))
}

pub(crate) const UNTAG_RESOURCE: &[Member] = &[TAG_KEYS, RESOURCE_ARN_MEMBER];

pub(crate) fn untag_resource(call: &mut Call<'_>) -> Result<Value, Reply> {
    let arn = text(call.body, "ResourceARN").unwrap_or_default().to_string();
    let keys = texts(call.body, "TagKeys");
    let now = call.now();
    match resource(call.kinesis(), &arn)? {
        Resource::Stream(name) => call.kinesis_mut().remove_tags(now, &name, &keys)?,
        Resource::Consumer { arn } => {
            if let Some(extras) = call.state.consumers.get_mut(&arn) {
                for key in &keys {
                    extras.tags.remove(key);
                }
            }
        }
    }
    Ok(json!({}))
}

pub(crate) fn list_tags_for_resource(call: &mut Call<'_>) -> Result<Value, Reply> {
    let arn = text(call.body, "ResourceARN").unwrap_or_default().to_string();
    let now = call.now();
    let tags = match resource(call.kinesis(), &arn)? {
        Resource::Stream(name) => shapes::tags(call.kinesis_mut().list_tags(now, &name)?.iter()),
        Resource::Consumer { arn } => {
            let extras = call.state.consumers.get(&arn);
            shapes::tags(extras.into_iter().flat_map(|e| e.tags.iter()))
        }
    };
    Ok(json!({ "Tags": tags }))
}
