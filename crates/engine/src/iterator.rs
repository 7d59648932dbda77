//! Shard iterators: opaque tokens that carry a read position and expire after five minutes.

use crate::shard::ShardId;
use alloc::string::String;
use alloc::vec::Vec;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};

const VERSION: u8 = 1;

/// What a shard iterator stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IteratorToken {
    /// The stream's name.
    pub stream_name: String,
    /// The stream's creation time, so a token of a deleted and re-created stream is recognised.
    pub stream_created_unix_secs: u64,
    /// The shard.
    pub shard_id: ShardId,
    /// The sequence counter of the next record to read.
    pub position: u64,
    /// When the iterator was issued, simulated milliseconds.
    pub issued_at_ms: u64,
}

impl IteratorToken {
    /// The token as the opaque string the API returns (base64, well under the 512-character limit
    /// for any valid stream name).
    pub fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(30 + self.stream_name.len());
        bytes.push(VERSION);
        bytes.extend_from_slice(&self.stream_created_unix_secs.to_be_bytes());
        bytes.extend_from_slice(&self.shard_id.0.to_be_bytes());
        bytes.extend_from_slice(&self.position.to_be_bytes());
        bytes.extend_from_slice(&self.issued_at_ms.to_be_bytes());
        bytes.extend_from_slice(self.stream_name.as_bytes());
        let check = checksum(&bytes);
        bytes.extend_from_slice(&check);
        STANDARD.encode(bytes)
    }

    /// Reads a token back, or `None` if the string is not one [`Self::encode`] made.
    pub fn decode(text: &str) -> Option<Self> {
        let bytes = STANDARD.decode(text).ok()?;
        let (body, check) = bytes.split_at_checked(bytes.len().checked_sub(4)?)?;
        if checksum(body) != check {
            return None;
        }
        let (&version, rest) = body.split_first()?;
        if version != VERSION || rest.len() < 28 {
            return None;
        }
        let u64_at = |i: usize| rest.get(i..i + 8).and_then(|b| b.try_into().ok()).map(u64::from_be_bytes);
        let shard = rest.get(8..12).and_then(|b| b.try_into().ok()).map(u32::from_be_bytes)?;
        let stream_name = core::str::from_utf8(&rest[28..]).ok()?;
        if stream_name.is_empty() {
            return None;
        }
        Some(Self {
            stream_created_unix_secs: u64_at(0)?,
            shard_id: ShardId(shard),
            position: u64_at(12)?,
            issued_at_ms: u64_at(20)?,
            stream_name: stream_name.into(),
        })
    }
}

/// Four bytes of the MD5 of `bytes`: a truncated or altered token is rejected rather than misread.
fn checksum(bytes: &[u8]) -> [u8; 4] {
    let digest: [u8; 16] = Md5::digest(bytes).into();
    [digest[0], digest[1], digest[2], digest[3]]
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let token = IteratorToken {
            stream_name: "orders".into(),
            stream_created_unix_secs: 1_767_225_600,
            shard_id: ShardId(3),
            position: 42,
            issued_at_ms: 9_000,
        };
        let text = token.encode();
        assert!(text.len() <= 512);
        assert_eq!(IteratorToken::decode(&text), Some(token));
        for garbage in ["", "abc", "AAAA", "not base64 at all!", &text[..text.len() - 4]] {
            assert_eq!(IteratorToken::decode(garbage), None, "{garbage:?}");
        }
    }
}
