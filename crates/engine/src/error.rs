//! Errors the Kinesis Data Streams facade returns, named after the AWS exceptions.

use alloc::string::String;
use core::fmt;

/// The AWS exception an error corresponds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StreamsErrorKind {
    /// `ProvisionedThroughputExceededException`: a shard's read or write limit.
    ProvisionedThroughputExceeded,
    /// `InvalidArgumentException`: a semantically wrong argument.
    InvalidArgument,
    /// `ValidationException`: a value that breaks the API model's constraints.
    Validation,
    /// `ResourceNotFoundException`: no such stream or shard.
    ResourceNotFound,
    /// `InternalFailure`: a fault of the service itself (HTTP 500).
    InternalFailure,
    /// `ResourceInUseException`: the stream or consumer is busy, exists already, or is in the wrong state.
    ResourceInUse,
    /// `LimitExceededException`: a quota or a control-plane rate.
    LimitExceeded,
    /// `ExpiredIteratorException`: a shard iterator older than five minutes.
    ExpiredIterator,
    /// `ExpiredNextTokenException`: a pagination token older than five minutes.
    ExpiredNextToken,
}

impl StreamsErrorKind {
    /// The exception name AWS puts in `__type`.
    pub const fn aws_name(self) -> &'static str {
        match self {
            Self::ProvisionedThroughputExceeded => "ProvisionedThroughputExceededException",
            Self::InvalidArgument => "InvalidArgumentException",
            Self::Validation => "ValidationException",
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::InternalFailure => "InternalFailure",
            Self::ResourceInUse => "ResourceInUseException",
            Self::LimitExceeded => "LimitExceededException",
            Self::ExpiredIterator => "ExpiredIteratorException",
            Self::ExpiredNextToken => "ExpiredNextTokenException",
        }
    }
}

/// An error answer of the Kinesis Data Streams API: the exception and AWS's message text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamsError {
    /// Which exception.
    pub kind: StreamsErrorKind,
    /// The message, worded as AWS words it.
    pub message: String,
}

impl StreamsError {
    /// An error of `kind` with `message`.
    pub fn new(kind: StreamsErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    /// The HTTP status AWS answers with: 500 for internal failures, 400 otherwise.
    pub const fn http_status(&self) -> u16 {
        match self.kind {
            StreamsErrorKind::InternalFailure => 500,
            _ => 400,
        }
    }
}

impl fmt::Display for StreamsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.aws_name(), self.message)
    }
}

impl core::error::Error for StreamsError {}

/// Why a simulation could not be configured or a command could not be applied: every problem found, in words
/// that say what is wrong and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// One sentence per problem.
    pub problems: alloc::vec::Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join(" "))
    }
}

impl core::error::Error for ConfigError {}
