//! What differs between destinations when Firehose delivers: one method set on [`DestinationKind`], so the
//! delivery loop (`delivery.rs`) asks the destination instead of matching on its kind.

use super::config::DestinationKind;

/// An HTTP endpoint must answer within 3 minutes.
pub const HTTP_RESPONSE_TIMEOUT_SECS: u64 = 180;
/// Records in one HTTP endpoint request at most.
pub const HTTP_RECORDS_PER_REQUEST_MAX: usize = 10_000;

/// Where a destination's retry duration counts from (docs/aws-behaviour.md, Firehose delivery failures).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryClock {
    /// From the initial request, the first attempt included (Redshift, OpenSearch; S3 with its 24 h).
    FromInitialRequest,
    /// From the first failure, without the time spent waiting for each response (HTTP endpoints, Splunk).
    FromFirstFailureExcludingWaits,
}

impl DestinationKind {
    /// The error code and message of an attempt during a scheduled outage.
    pub const fn outage_error(&self) -> (&'static str, &'static str) {
        match self {
            Self::S3 => ("S3.ServiceUnavailable", "The S3 bucket is unavailable (scheduled outage)."),
            Self::Redshift { .. } => {
                ("Redshift.ConnectionFailed", "The Redshift cluster did not accept the connection (scheduled outage).")
            }
            Self::OpenSearch { .. } => {
                ("OS.ServiceUnavailable", "The OpenSearch domain is unavailable (scheduled outage).")
            }
            Self::HttpEndpoint { .. } => {
                ("HttpEndpoint.DestinationException", "The endpoint answered 503 (scheduled outage).")
            }
            Self::Splunk { .. } => ("Splunk.ServerError", "Splunk HEC answered 503 (scheduled outage)."),
        }
    }

    /// How long Firehose waits for an answer, and the error code when none comes (HTTP endpoints, Splunk).
    pub const fn response_timeout(&self) -> Option<(u64, &'static str)> {
        match self {
            Self::HttpEndpoint { .. } => Some((HTTP_RESPONSE_TIMEOUT_SECS, "HttpEndpoint.ResponseTimeout")),
            Self::Splunk { ack_timeout_secs, .. } => Some((*ack_timeout_secs as u64, "Splunk.AckTimeout")),
            _ => None,
        }
    }

    /// Whether deliveries are requests the page lists (everything but S3, whose deliveries are objects).
    pub const fn sends_requests(&self) -> bool {
        !matches!(self, Self::S3)
    }

    /// Whether a batch first goes to an intermediate S3 object (Redshift's `COPY` source).
    pub const fn writes_intermediate_object(&self) -> bool {
        matches!(self, Self::Redshift { .. })
    }

    /// The most records one request carries, if limited (HTTP endpoints: 10,000).
    pub const fn records_per_request_max(&self) -> Option<usize> {
        match self {
            Self::HttpEndpoint { .. } => Some(HTTP_RECORDS_PER_REQUEST_MAX),
            _ => None,
        }
    }

    /// Where the retry duration counts from.
    pub const fn retry_clock(&self) -> RetryClock {
        match self {
            Self::HttpEndpoint { .. } | Self::Splunk { .. } => RetryClock::FromFirstFailureExcludingWaits,
            _ => RetryClock::FromInitialRequest,
        }
    }
}
