//! Replies: an HTTP status and a JSON body, success or AWS error.

use alloc::string::String;
use serde_json::{Value, json};
use shardlab_engine::StreamsError;

/// What the service answers: the HTTP status and the JSON body.
///
/// Errors have AWS's body `{"__type": "<Exception>", "message": "<text>"}`; `SerializationException`
/// spells it `Message`, and `UnknownOperationException` carries no message at all.
/// Operations that return nothing answer 200 with `{}` (AWS sends an empty body).
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// The HTTP status: 200, 400, or 500 for `InternalFailure`.
    pub status: u16,
    /// The JSON body.
    pub body: Value,
}

impl Reply {
    /// A 200 reply with `body`.
    pub fn ok(body: Value) -> Self {
        Self { status: 200, body }
    }

    /// The 200 reply of an operation that returns nothing.
    pub fn empty() -> Self {
        Self::ok(json!({}))
    }

    /// A 400 reply with AWS's error body.
    pub fn error(exception: &str, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Self { status: 400, body: json!({ "__type": exception, "message": message }) }
    }

    /// A 400 `SerializationException`, whose body says `Message` with a capital M.
    pub fn serialization(message: impl Into<String>) -> Self {
        let message: String = message.into();
        Self { status: 400, body: json!({ "__type": "SerializationException", "Message": message }) }
    }

    /// The reply to a target that names no Kinesis operation.
    pub fn unknown_operation() -> Self {
        Self { status: 400, body: json!({ "__type": "UnknownOperationException" }) }
    }

    /// Whether the status is 200.
    pub fn is_ok(&self) -> bool {
        self.status == 200
    }
}

impl From<StreamsError> for Reply {
    fn from(err: StreamsError) -> Self {
        let status = err.http_status();
        Self { status, body: json!({ "__type": err.kind.aws_name(), "message": err.message }) }
    }
}

/// Shorthands for the exceptions this crate raises itself.
pub(crate) fn invalid_argument(message: impl Into<String>) -> Reply {
    Reply::error("InvalidArgumentException", message)
}

pub(crate) fn not_found(message: impl Into<String>) -> Reply {
    Reply::error("ResourceNotFoundException", message)
}
