//! Pagination tokens (`NextToken`): opaque to clients, self-contained, and dated so they expire.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// How long a ListShards or ListStreamConsumers `NextToken` stays valid (300 s).
pub(crate) const NEXT_TOKEN_LIFETIME_MS: u64 = 300_000;

/// Where a listing continues.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PageToken {
    /// Which listing: `ListShards`, `ListStreams`, `ListStreamConsumers`.
    pub(crate) operation: String,
    /// The stream listed (empty for ListStreams).
    pub(crate) stream: String,
    /// Its creation time, so a token of a deleted and re-created stream is recognised.
    pub(crate) stream_created_unix_secs: u64,
    /// The last item returned: a shard index, stream name or consumer name.
    pub(crate) after: String,
    /// When the token was issued, simulated milliseconds.
    pub(crate) issued_at_ms: u64,
    /// Extra state of the listing (ListShards' filter).
    pub(crate) extra: String,
}

impl PageToken {
    /// The token as the opaque string clients pass back.
    pub(crate) fn encode(&self) -> String {
        let body = self.fields().join("\n");
        let check = checksum(&body);
        STANDARD.encode(format!("{body}\n{check:016x}"))
    }

    fn fields(&self) -> [String; 6] {
        [
            self.operation.clone(),
            self.stream.clone(),
            self.stream_created_unix_secs.to_string(),
            self.after.clone(),
            self.issued_at_ms.to_string(),
            self.extra.clone(),
        ]
    }

    /// Reads a token [`Self::encode`] made, or `None`.
    pub(crate) fn decode(text: &str) -> Option<Self> {
        let bytes = STANDARD.decode(text).ok()?;
        let text = core::str::from_utf8(&bytes).ok()?;
        let (body, check) = text.rsplit_once('\n')?;
        if format!("{:016x}", checksum(body)) != check {
            return None;
        }
        let fields: Vec<&str> = body.split('\n').collect();
        let [operation, stream, created, after, issued, extra] = fields.as_slice() else {
            return None;
        };
        Some(Self {
            operation: (*operation).into(),
            stream: (*stream).into(),
            stream_created_unix_secs: created.parse().ok()?,
            after: (*after).into(),
            issued_at_ms: issued.parse().ok()?,
            extra: (*extra).into(),
        })
    }
}

/// FNV-1a: enough to reject a truncated or edited token (tokens are not secrets).
fn checksum(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_edits() {
        let token = PageToken {
            operation: "ListShards".into(),
            stream: "s".into(),
            stream_created_unix_secs: 1_767_225_600,
            after: "3".into(),
            issued_at_ms: 500,
            extra: "AT_LATEST".into(),
        };
        let text = token.encode();
        assert_eq!(PageToken::decode(&text), Some(token));
        for bad in ["", "abc", "AAAA", &text[..text.len() - 4]] {
            assert_eq!(PageToken::decode(bad), None, "{bad}");
        }
    }
}
