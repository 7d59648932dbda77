//! The KPL's aggregated record format (`docs/aws-behaviour.md` §2.2): many user records in one Kinesis record.
//!
//! Layout: the magic bytes `F3 89 9A C2`, a protobuf (proto2) `AggregatedRecord`, and the MD5 of the
//! protobuf bytes. `AggregatedRecord { repeated string partition_key_table = 1; repeated string
//! explicit_hash_key_table = 2; repeated Record records = 3; }` and `Record { required uint64
//! partition_key_index = 1; optional uint64 explicit_hash_key_index = 2; required bytes data = 3; }`.
//! The protobuf is small enough to write by hand.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use md5::{Digest, Md5};

/// The four bytes every aggregated record starts with.
pub const MAGIC: [u8; 4] = [0xF3, 0x89, 0x9A, 0xC2];
/// The KPL's default `AggregationMaxSize`: an aggregated record stays under 51,200 bytes.
pub const AGGREGATION_MAX_BYTES: usize = 51_200;

/// One user record inside an aggregated record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    /// Its partition key.
    pub partition_key: String,
    /// Its explicit hash key, a decimal string.
    pub explicit_hash_key: Option<String>,
    /// Its data.
    pub data: Vec<u8>,
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_bytes(out: &mut Vec<u8>, field: u8, bytes: &[u8]) {
    out.push(field << 3 | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Encodes `records` as one aggregated record. Keys repeat as table indexes, in first-seen order.
pub fn aggregate(records: &[UserRecord]) -> Vec<u8> {
    let mut keys = KeyTable::default();
    let mut hash_keys = KeyTable::default();
    let mut bodies = Vec::with_capacity(records.len());
    for record in records {
        let mut body = Vec::new();
        body.push(1 << 3);
        put_varint(&mut body, keys.index_of(record.partition_key.as_str()));
        if let Some(ehk) = &record.explicit_hash_key {
            body.push(2 << 3);
            put_varint(&mut body, hash_keys.index_of(ehk.as_str()));
        }
        put_bytes(&mut body, 3, &record.data);
        bodies.push(body);
    }
    let mut message = Vec::new();
    for key in &keys.in_order {
        put_bytes(&mut message, 1, key.as_bytes());
    }
    for key in &hash_keys.in_order {
        put_bytes(&mut message, 2, key.as_bytes());
    }
    for body in &bodies {
        put_bytes(&mut message, 3, body);
    }
    let digest: [u8; 16] = Md5::digest(&message).into();
    let mut out = Vec::with_capacity(4 + message.len() + 16);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&message);
    out.extend_from_slice(&digest);
    out
}

/// A key table in first-seen order, with a keyed lookup.
#[derive(Default)]
struct KeyTable<'a> {
    in_order: Vec<&'a str>,
    index: BTreeMap<&'a str, u64>,
}

impl<'a> KeyTable<'a> {
    /// The index of `key`, appended if new.
    fn index_of(&mut self, key: &'a str) -> u64 {
        let next = self.in_order.len() as u64;
        *self.index.entry(key).or_insert_with(|| {
            self.in_order.push(key);
            next
        })
    }
}

/// The length of the aggregated record [`aggregate`] would make of user records with these partition keys
/// and data lengths (no explicit hash keys), without building it.
pub fn aggregated_len<'a>(records: impl IntoIterator<Item = (&'a str, u32)>) -> u64 {
    let mut len = AggregatedLen::default();
    for (key, data_len) in records {
        len.add(key, data_len);
    }
    len.bytes()
}

/// The length of an aggregated record kept up to date as user records (without explicit hash keys) join
/// it: each addition costs one keyed lookup, so filling an aggregate is linear in its user records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AggregatedLen {
    /// The partition key table: each key's index.
    keys: BTreeMap<String, u64>,
    /// Bytes of the protobuf message so far.
    message_bytes: u64,
}

impl AggregatedLen {
    /// The aggregated record's length: magic, message and MD5.
    pub fn bytes(&self) -> u64 {
        MAGIC.len() as u64 + self.message_bytes + 16
    }

    /// The length it would have with one more user record.
    pub fn bytes_with(&self, partition_key: &str, data_len: u32) -> u64 {
        self.bytes() + self.growth(partition_key, data_len)
    }

    /// Adds a user record.
    pub fn add(&mut self, partition_key: &str, data_len: u32) {
        self.message_bytes += self.growth(partition_key, data_len);
        if !self.keys.contains_key(partition_key) {
            let index = self.keys.len() as u64;
            self.keys.insert(String::from(partition_key), index);
        }
    }

    /// Distinct partition keys so far.
    pub fn keys(&self) -> usize {
        self.keys.len()
    }

    /// Bytes one more user record adds: its `Record` field, and a table entry for a new key.
    fn growth(&self, partition_key: &str, data_len: u32) -> u64 {
        let varint_len = |v: u64| u64::from((64 - (v | 1).leading_zeros()).div_ceil(7));
        let field_len = |len: u64| 1 + varint_len(len) + len;
        let (index, table) = match self.keys.get(partition_key) {
            Some(index) => (*index, 0),
            None => (self.keys.len() as u64, field_len(partition_key.len() as u64)),
        };
        table + field_len(1 + varint_len(index) + field_len(u64::from(data_len)))
    }
}

/// A cursor over protobuf bytes.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.varint()?).ok()?;
        let (value, rest) = self.bytes.split_at_checked(len)?;
        self.bytes = rest;
        Some(value)
    }

    /// The next `(field number, wire type)`, or `None` at the end.
    fn tag(&mut self) -> Option<Option<(u64, u8)>> {
        if self.bytes.is_empty() {
            return Some(None);
        }
        let tag = self.varint()?;
        Some(Some((tag >> 3, (tag & 7) as u8)))
    }

    fn skip(&mut self, wire_type: u8) -> Option<()> {
        match wire_type {
            0 => self.varint().map(drop),
            2 => self.bytes().map(drop),
            _ => None,
        }
    }
}

/// Decodes an aggregated record, or `None` if `blob` is not one (no magic, a bad MD5, or a malformed
/// protobuf): consumers then treat it as a plain record, as the KCL does.
pub fn deaggregate(blob: &[u8]) -> Option<Vec<UserRecord>> {
    let body = blob.strip_prefix(&MAGIC)?;
    let (message, digest) = body.split_at_checked(body.len().checked_sub(16)?)?;
    let expected: [u8; 16] = Md5::digest(message).into();
    if expected != digest {
        return None;
    }
    let mut keys = Vec::new();
    let mut hash_keys = Vec::new();
    let mut raw_records = Vec::new();
    let mut reader = Reader { bytes: message };
    while let Some((field, wire_type)) = reader.tag()? {
        match (field, wire_type) {
            (1, 2) => keys.push(String::from(core::str::from_utf8(reader.bytes()?).ok()?)),
            (2, 2) => hash_keys.push(String::from(core::str::from_utf8(reader.bytes()?).ok()?)),
            (3, 2) => raw_records.push(reader.bytes()?),
            _ => reader.skip(wire_type)?,
        }
    }
    let mut records = Vec::with_capacity(raw_records.len());
    for raw in raw_records {
        let (mut key, mut hash_key, mut data) = (None, None, None);
        let mut reader = Reader { bytes: raw };
        while let Some((field, wire_type)) = reader.tag()? {
            match (field, wire_type) {
                (1, 0) => key = Some(reader.varint()?),
                (2, 0) => hash_key = Some(reader.varint()?),
                (3, 2) => data = Some(reader.bytes()?),
                _ => reader.skip(wire_type)?,
            }
        }
        let lookup = |table: &[String], i: u64| usize::try_from(i).ok().and_then(|i| table.get(i)).cloned();
        records.push(UserRecord {
            partition_key: lookup(&keys, key?)?,
            explicit_hash_key: match hash_key {
                Some(i) => Some(lookup(&hash_keys, i)?),
                None => None,
            },
            data: data?.to_vec(),
        });
    }
    Some(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
    }

    fn user(key: &str, ehk: Option<&str>, data: &[u8]) -> UserRecord {
        UserRecord { partition_key: key.into(), explicit_hash_key: ehk.map(Into::into), data: data.to_vec() }
    }

    // Both vectors were produced by AWS's own aggregation library (PyPI aws-kinesis-agg 1.2.3,
    // `RecordAggregator.add_user_record` then `clear_and_get().get_contents()`).
    const THREE_RECORDS: &str = "f3899ac20a04706b2d610a04706b2d621a0908001a0568656c6c6f1a0908011a05776f726c641a0508001a0121f2e80aae0d2deed7b8fb2880b5416d32";
    const WITH_HASH_KEY: &str =
        "f3899ac20a026b310a026b3212033132331a08080010001a0200011a0408011a0049642a1c72d22aa952f9e5a7f062f457";

    #[test]
    fn aggregates_byte_for_byte_like_the_aws_library() {
        let records = [user("pk-a", None, b"hello"), user("pk-b", None, b"world"), user("pk-a", None, b"!")];
        assert_eq!(aggregate(&records), hex(THREE_RECORDS));
        let records = [user("k1", Some("123"), &[0, 1]), user("k2", None, b"")];
        assert_eq!(aggregate(&records), hex(WITH_HASH_KEY));
    }

    #[test]
    fn predicted_length_matches_the_encoding() {
        let records = [user("pk-a", None, b"hello"), user("pk-b", None, &[7; 300]), user("pk-a", None, b"!")];
        let predicted = aggregated_len(records.iter().map(|r| (r.partition_key.as_str(), r.data.len() as u32)));
        assert_eq!(predicted, aggregate(&records).len() as u64);
        assert_eq!(aggregated_len([]), 20, "magic and MD5 only");
    }

    #[test]
    fn deaggregates_what_the_aws_library_made() {
        let records = deaggregate(&hex(WITH_HASH_KEY)).expect("an aggregated record");
        assert_eq!(records, [user("k1", Some("123"), &[0, 1]), user("k2", None, b"")]);
    }

    #[test]
    fn anything_else_is_a_plain_record() {
        let mut damaged = hex(THREE_RECORDS);
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert_eq!(deaggregate(&damaged), None, "a bad MD5");
        assert_eq!(deaggregate(b"plain json {}"), None, "no magic");
        assert_eq!(deaggregate(&MAGIC), None, "too short");
        let truncated = hex(THREE_RECORDS)[..20].to_vec();
        assert_eq!(deaggregate(&truncated), None);
        assert_eq!(deaggregate(&aggregate(&[])), Some(vec![]));
    }
}
