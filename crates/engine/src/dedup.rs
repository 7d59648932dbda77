//! An idempotent consumer: Kinesis delivers at least once (a producer's retry after a lost answer writes a
//! record twice, a restarted reader reads again), so an application that must count each event once remembers
//! the ids it has processed and skips a record whose id it has seen (`docs/aws-behaviour.md` §3.2).
//!
//! A record's id is what its producer put in it: its partition key and its templated data (each event's
//! content carries its own timestamp and random fields, and a retry resends the same bytes). Zero-filled data
//! and KPL aggregates carry no id here, so they are never recognised as copies.

use crate::shard::{Payload, Record};
use alloc::collections::{BTreeSet, VecDeque};

/// Ids an application remembers, the oldest forgotten first (a simulator bound: a real application keeps
/// them in a table; retries arrive within seconds, far inside this many records).
pub const SEEN_IDS_MAX: usize = 50_000;

/// What an application does with a record whose id it has already processed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum Deduplicate {
    /// Processes it again: its result counts twice.
    #[default]
    Off,
    /// Skips it: the id (partition key and data) was processed before.
    RecordId,
}

/// How many copies an application processed and skipped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DedupTotals {
    /// User records processed although their id had been processed before.
    pub duplicates_processed: u64,
    /// User records skipped because their id had been processed before.
    pub duplicates_skipped: u64,
}

/// A record's id: the hash key of its partition key, and its data's seed and timestamp.
type RecordId = (u128, u64, u64);

/// The ids an application has processed, at most [`SEEN_IDS_MAX`].
#[derive(Clone, Debug, Default)]
pub struct SeenIds {
    ids: BTreeSet<RecordId>,
    order: VecDeque<RecordId>,
}

impl SeenIds {
    /// Remembers `record`'s id; true if it was already remembered (the record is a copy). A record without
    /// an id is never a copy.
    pub fn seen_before(&mut self, record: &Record) -> bool {
        let Payload::Templated { seed, made_at_unix_ms, .. } = record.data else {
            return false;
        };
        let id = (record.hash_key, seed, made_at_unix_ms);
        if !self.ids.insert(id) {
            return true;
        }
        self.order.push_back(id);
        if self.order.len() > SEEN_IDS_MAX
            && let Some(oldest) = self.order.pop_front()
        {
            self.ids.remove(&oldest);
        }
        false
    }
}
