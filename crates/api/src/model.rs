//! Members and value sets shared by many operations' inputs (the API model's shapes).

use crate::pattern::{CONSUMER_ARN, HASH_KEY, NAME, RESOURCE_ARN, SEQUENCE_NUMBER, STREAM_ARN};
use crate::validate::{Member, Required, Shape, Text};

/// `ShardIteratorType`, in the order AWS's enum message lists it (`docs/aws-behaviour.md` §1.10).
pub(crate) const SHARD_ITERATOR_TYPES: &[&str] =
    &["AFTER_SEQUENCE_NUMBER", "LATEST", "AT_TIMESTAMP", "AT_SEQUENCE_NUMBER", "TRIM_HORIZON"];

/// `MetricsName`.
pub(crate) const METRICS_NAMES: &[&str] = &[
    "IncomingBytes",
    "IncomingRecords",
    "OutgoingBytes",
    "OutgoingRecords",
    "WriteProvisionedThroughputExceeded",
    "ReadProvisionedThroughputExceeded",
    "IteratorAgeMilliseconds",
    "ALL",
];

/// `StreamMode`.
pub(crate) const STREAM_MODES: &[&str] = &["PROVISIONED", "ON_DEMAND"];

/// `EncryptionType`.
pub(crate) const ENCRYPTION_TYPES: &[&str] = &["NONE", "KMS"];

/// `ShardFilterType`.
pub(crate) const SHARD_FILTER_TYPES: &[&str] =
    &["AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP"];

/// `StreamName`, required unless `StreamARN` is given.
pub(crate) const STREAM_NAME: Member = Member {
    name: "StreamName",
    shape: Shape::Text(Text::pattern_len(&NAME, 1, 128)),
    required: Required::UnlessPresent("StreamARN"),
};

/// `StreamName` where it is optional.
pub(crate) const STREAM_NAME_OPTIONAL: Member = Member { required: Required::No, ..STREAM_NAME };

/// `StreamARN`, optional.
pub(crate) const STREAM_ARN_OPTIONAL: Member =
    Member { name: "StreamARN", shape: Shape::Text(Text::pattern_len(&STREAM_ARN, 1, 2048)), required: Required::No };

/// `StreamARN` where it is the only way to name the stream.
pub(crate) const STREAM_ARN_REQUIRED: Member = Member { required: Required::Yes, ..STREAM_ARN_OPTIONAL };

/// `ConsumerARN`.
pub(crate) const fn consumer_arn(required: Required) -> Member {
    Member { name: "ConsumerARN", shape: Shape::Text(Text::pattern_len(&CONSUMER_ARN, 1, 2048)), required }
}

/// `ConsumerName`.
pub(crate) const fn consumer_name(required: Required) -> Member {
    Member { name: "ConsumerName", shape: Shape::Text(Text::pattern_len(&NAME, 1, 128)), required }
}

/// `ResourceARN` (a stream or a consumer).
pub(crate) const RESOURCE_ARN_MEMBER: Member = Member {
    name: "ResourceARN",
    shape: Shape::Text(Text::pattern_len(&RESOURCE_ARN, 1, 2048)),
    required: Required::Yes,
};

/// A `ShardId` member.
pub(crate) const fn shard_id(name: &'static str, required: Required) -> Member {
    Member { name, shape: Shape::Text(Text::pattern_len(&NAME, 1, 128)), required }
}

/// A `HashKey` member.
pub(crate) const fn hash_key(name: &'static str, required: Required) -> Member {
    Member { name, shape: Shape::Text(Text::pattern(&HASH_KEY)), required }
}

/// A `SequenceNumber` member.
pub(crate) const fn sequence_number(name: &'static str) -> Member {
    Member { name, shape: Shape::Text(Text::pattern(&SEQUENCE_NUMBER)), required: Required::No }
}

/// A Java `Integer` member within `min..=max`.
pub(crate) const fn integer(name: &'static str, min: Option<i64>, max: Option<i64>, required: Required) -> Member {
    Member { name, shape: Shape::Number { java: "Integer", min, max }, required }
}

/// A string member with one of `values`.
pub(crate) const fn one_of(name: &'static str, values: &'static [&'static str], required: Required) -> Member {
    Member { name, shape: Shape::Text(Text::one_of(values)), required }
}

/// A timestamp member.
pub(crate) const fn timestamp(name: &'static str) -> Member {
    Member { name, shape: Shape::Timestamp, required: Required::No }
}

/// A `NextToken` member.
pub(crate) const NEXT_TOKEN: Member =
    Member { name: "NextToken", shape: Shape::Text(Text::len(1, 1_048_576)), required: Required::No };

/// A `TagMap`: 1 to 200 entries, keys of 1 to 128 characters, values of 0 to 256.
pub(crate) const fn tag_map(required: Required) -> Member {
    Member {
        name: "Tags",
        shape: Shape::TextMap { len_min: 1, len_max: 200, key: Text::len(1, 128), value: Text::len(0, 256) },
        required,
    }
}

/// A `TagKeyList`: 1 to 50 keys of 1 to 128 characters.
pub(crate) const TAG_KEYS: Member = Member {
    name: "TagKeys",
    shape: Shape::TextList { len_min: 1, len_max: 50, member: Text::len(1, 128) },
    required: Required::Yes,
};

const STREAM_MODE_DETAILS_MEMBERS: &[Member] = &[one_of("StreamMode", STREAM_MODES, Required::Yes)];

/// `StreamModeDetails`.
pub(crate) const fn stream_mode_details(required: Required) -> Member {
    Member { name: "StreamModeDetails", shape: Shape::Struct(STREAM_MODE_DETAILS_MEMBERS), required }
}
