//! Account settings: DescribeAccountSettings and UpdateAccountSettings (the On-demand Advantage minimum
//! throughput billing commitment), kept here because the engine does not model billing commitments.

use crate::model::one_of;
use crate::shapes::epoch_seconds;
use crate::validate::{Member, Required, Shape, object, text};
use crate::{Call, Reply};
use serde_json::{Map, Value, json};

/// The shortest a commitment may last once enabled (24 hours).
const COMMITMENT_MINIMUM_MS: u64 = 86_400_000;

/// The account's `MinimumThroughputBillingCommitment`, in Unix milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AccountSettings {
    /// When the commitment was enabled.
    started_ms: Option<u64>,
    /// When disabling was asked for.
    end_requested_ms: Option<u64>,
}

impl AccountSettings {
    fn earliest_end_ms(&self) -> Option<u64> {
        self.started_ms.map(|s| s + COMMITMENT_MINIMUM_MS)
    }

    /// The status at `now_ms`: `(Status, StartedAt, EndedAt)`.
    fn status(&self, now_ms: u64) -> (&'static str, Option<u64>) {
        match (self.started_ms, self.end_requested_ms, self.earliest_end_ms()) {
            (Some(_), None, _) => ("ENABLED", None),
            (Some(_), Some(asked), Some(earliest)) => {
                let end = asked.max(earliest);
                if now_ms < end { ("ENABLED_UNTIL_EARLIEST_ALLOWED_END", None) } else { ("DISABLED", Some(end)) }
            }
            _ => ("DISABLED", None),
        }
    }

    fn to_json(self, now_ms: u64) -> Value {
        let (status, ended) = self.status(now_ms);
        let mut out = Map::new();
        out.insert("Status".into(), json!(status));
        if let Some(started) = self.started_ms {
            out.insert("StartedAt".into(), epoch_seconds(started));
        }
        if let Some(ended) = ended {
            out.insert("EndedAt".into(), epoch_seconds(ended));
        }
        if let Some(earliest) = self.earliest_end_ms() {
            out.insert("EarliestAllowedEndAt".into(), epoch_seconds(earliest));
        }
        json!({ "MinimumThroughputBillingCommitment": out })
    }

    fn update(&mut self, enable: bool, now_ms: u64) {
        let (status, _) = self.status(now_ms);
        match (enable, status) {
            (true, "DISABLED") => *self = Self { started_ms: Some(now_ms), end_requested_ms: None },
            (true, _) => self.end_requested_ms = None,
            (false, "ENABLED") => self.end_requested_ms = Some(now_ms),
            (false, _) => {}
        }
    }
}

fn now_unix_ms(call: &Call<'_>) -> u64 {
    call.kinesis().unix_ms(call.now())
}

pub(crate) fn describe_account_settings(call: &mut Call<'_>) -> Result<Value, Reply> {
    Ok(call.state.account.to_json(now_unix_ms(call)))
}

pub(crate) const UPDATE_ACCOUNT_SETTINGS: &[Member] = &[Member {
    name: "MinimumThroughputBillingCommitment",
    shape: Shape::Struct(&[one_of("Status", &["ENABLED", "DISABLED"], Required::Yes)]),
    required: Required::Yes,
}];

pub(crate) fn update_account_settings(call: &mut Call<'_>) -> Result<Value, Reply> {
    // `docs/aws-behaviour.md` §1.9: UpdateAccountSettings allows 5 calls per second.
    let now = call.now();
    call.kinesis_mut().rate_limit(now, "UpdateAccountSettings", "", 5)?;
    let enable =
        object(call.body, "MinimumThroughputBillingCommitment").and_then(|c| text(c, "Status")) == Some("ENABLED");
    let now_ms = now_unix_ms(call);
    call.state.account.update(enable, now_ms);
    Ok(call.state.account.to_json(now_ms))
}
