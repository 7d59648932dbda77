//! A shard's log, stored compactly: records are expanded into [`Record`]s only when someone reads them.
//!
//! Records in a log have consecutive counters, so a record's place gives its sequence number. The log has
//! two parts. The warm part, the newest records (what readers at the tip read), keeps 32 bytes a record:
//! a record with a numbered key `user-N` and data of zeros keeps its key's number, data length and hash key;
//! records arriving at the same instant share one arrival run; everything else (API bytes, templated and
//! aggregated data, other keys) is kept whole beside it. A record from a derivable producer also keeps its
//! origin (the producer's source and the record's index).
//!
//! The cold part holds the older records: [`crate::Stream`] compacts warm records older than its hot
//! window into it ([`ShardLog::compact`]). Consecutive records of one derivable source become one
//! [`ColdRun`]: a range of the source's record indices, whose records are the indices whose hash key falls
//! in the shard's range, less those the stream never saw and those this shard refused (holes, kept per
//! source until compaction). A run of a shard's records at full load costs a few bytes for thousands of
//! records; other records are kept whole. Reading a record rebuilds exactly what was written.

use crate::hash_range::HashKeyRange;
use crate::partition_key;
use crate::record_source::{ColdRun, SourceLog};
use crate::sequence::SequenceNumber;
use crate::shard::{NumberedRun, Payload, RUN_RECORDS_MAX, ReadRecord, Record};
use crate::time::SimTime;
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// The prefix of the numbered keys simulated producers use (`user-0`, `user-1`, ...).
const NUMBERED_KEY_PREFIX: &str = "user-";
/// [`Entry::key`] of a record kept whole in [`ShardLog::whole`].
const WHOLE: u32 = u32::MAX;
/// [`Entry::origin`] of a record no source can make again.
pub(crate) const NO_ORIGIN: u64 = u64::MAX;
/// Bits of an origin holding the record's index (the source's slot is above them).
const ORIGIN_INDEX_BITS: u32 = 48;

/// The origin of record `index` of the source in `slot` of its stream.
pub(crate) fn origin(slot: u32, index: u64) -> u64 {
    (u64::from(slot) << ORIGIN_INDEX_BITS) | index
}

fn origin_parts(origin: u64) -> (usize, u64) {
    ((origin >> ORIGIN_INDEX_BITS) as usize, origin & ((1 << ORIGIN_INDEX_BITS) - 1))
}

/// One warm record: a numbered key with zeros of `len_bytes` and its hash key, or [`WHOLE`]; and its origin.
/// The hash key is kept so readers at the tip look nothing up.
#[derive(Clone, Copy, Debug)]
struct Entry {
    key: u32,
    len_bytes: u32,
    origin: u64,
    hash_key: u128,
}

/// Records with consecutive counters from `first_counter` that arrived at the same instant.
#[derive(Clone, Copy, Debug)]
struct ArrivalRun {
    first_counter: u64,
    arrival: SimTime,
    arrival_unix_secs: u64,
}

/// A record whose key or data cannot be derived.
#[derive(Clone, Debug)]
struct WholeRecord {
    counter: u64,
    partition_key: String,
    hash_key: u128,
    data: Payload,
}

/// A stretch of the cold part: a run of a source's records, or one record kept whole.
#[derive(Clone, Debug)]
enum Cold {
    Run(ColdRun),
    Kept(Box<Record>),
}

impl Cold {
    fn first_counter(&self) -> u64 {
        match self {
            Self::Run(run) => run.first_counter,
            Self::Kept(record) => record.sequence_number.counter,
        }
    }

    fn len(&self) -> u64 {
        match self {
            Self::Run(run) => run.count,
            Self::Kept(_) => 1,
        }
    }

    fn last_arrival(&self) -> SimTime {
        match self {
            Self::Run(run) => run.chunk.arrival_of(run.last_index).0,
            Self::Kept(record) => record.arrival,
        }
    }
}

/// The records a shard keeps, oldest first, with consecutive counters.
#[derive(Clone, Debug)]
pub(crate) struct ShardLog {
    /// The shard's hash keys (what a cold run's records are filtered by).
    range: HashKeyRange,
    /// The counter of the oldest record kept (of the next one, when empty).
    first_counter: u64,
    /// The cold part, oldest first; it holds `cold_len` records, the warm part the rest.
    cold: VecDeque<Cold>,
    cold_len: u64,
    entries: VecDeque<Entry>,
    /// Arrival runs of the warm part, oldest first; the first one holds the oldest warm record.
    arrivals: VecDeque<ArrivalRun>,
    /// The warm records kept whole, by counter.
    whole: VecDeque<WholeRecord>,
    /// Per source slot: indices of the source's records this shard refused, not yet compacted, in order.
    holes: Vec<VecDeque<u64>>,
}

/// MD5 hash keys of numbered keys below a bound, indexed by number: what a stream's write path looks up
/// for every record (a dense table: one lookup, no probing). 0 marks a key not hashed yet (a key whose hash
/// key is 0 would be hashed each time).
#[derive(Clone, Debug, Default)]
pub(crate) struct DenseHashes {
    hashes: Vec<u128>,
}

impl DenseHashes {
    /// The MD5 hash key of `user-{number}`, remembered when `number` is below `numbers_max`.
    pub(crate) fn hash_key(&mut self, number: u32, numbers_max: usize) -> u128 {
        let index = number as usize;
        if index >= numbers_max {
            return partition_key::hash_key(&numbered_key(number));
        }
        if index >= self.hashes.len() {
            self.hashes.resize((index + 1).next_power_of_two().min(numbers_max), 0);
        }
        let slot = &mut self.hashes[index];
        if *slot == 0 {
            *slot = partition_key::hash_key(&numbered_key(number));
        }
        *slot
    }
}

/// `user-{number}`, written without the formatting machinery (this runs for every record read).
pub(crate) fn numbered_key(number: u32) -> String {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut rest = number;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut key = String::with_capacity(NUMBERED_KEY_PREFIX.len() + digits.len() - at);
    key.push_str(NUMBERED_KEY_PREFIX);
    key.extend(digits[at..].iter().map(|d| char::from(*d)));
    key
}

/// A record's partition key on the write path: text, or a numbered key (`user-N`) by its number, written
/// out only where the record is kept whole or an error names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum WriteKey {
    Text(String),
    Numbered(u32),
}

impl From<&str> for WriteKey {
    fn from(key: &str) -> Self {
        Self::Text(key.into())
    }
}

impl WriteKey {
    /// Its number when it is a numbered key (`user-N`, written the one way [`numbered_key`] writes it).
    pub(crate) fn number(&self) -> Option<u32> {
        match self {
            Self::Text(key) => key_number(key),
            Self::Numbered(number) => Some(*number).filter(|n| *n != WHOLE),
        }
    }

    /// Its length in bytes.
    pub(crate) fn len_bytes(&self) -> u64 {
        match self {
            Self::Text(key) => key.len() as u64,
            Self::Numbered(number) => numbered_key_len(*number),
        }
    }

    /// Its length in Unicode characters (what the API's 1 to 256 limit counts).
    pub(crate) fn char_count(&self) -> usize {
        match self {
            Self::Text(key) => partition_key::char_count(key),
            Self::Numbered(number) => numbered_key_len(*number) as usize,
        }
    }

    /// The key as text.
    pub(crate) fn into_string(self) -> String {
        match self {
            Self::Text(key) => key,
            Self::Numbered(number) => numbered_key(number),
        }
    }

    /// The key as text, copied.
    pub(crate) fn to_text(&self) -> String {
        self.clone().into_string()
    }
}

/// The length of `user-{number}` in bytes. The write path asks it several times per record, so the digits
/// are counted from the number's bit length and one comparison (no loop of divisions).
#[inline]
pub(crate) fn numbered_key_len(number: u32) -> u64 {
    const POWERS_OF_TEN: [u32; 10] =
        [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];
    // 0 and 1 have one digit alike, and setting the lowest bit moves no number across a power of ten.
    let number = number | 1;
    let bits = u32::BITS - number.leading_zeros();
    // floor(bits * log10(2)), at most 9: the digit count is this plus one, less one below its power of ten.
    let guess = (bits * 1_233) >> 12;
    let digits = guess + 1 - u32::from(number < POWERS_OF_TEN[guess as usize]);
    NUMBERED_KEY_PREFIX.len() as u64 + u64::from(digits)
}

/// `N` when `key` is `user-N` written the one way `format!` writes it (no sign, no leading zero), below [`WHOLE`].
pub(crate) fn key_number(key: &str) -> Option<u32> {
    let digits = key.strip_prefix(NUMBERED_KEY_PREFIX)?;
    let canonical = !digits.is_empty()
        && digits.len() <= 10
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    canonical.then(|| digits.parse::<u32>().ok()).flatten().filter(|n| *n != WHOLE)
}

impl ShardLog {
    /// An empty log for a shard owning `range`, whose first record will have `next_counter`.
    pub(crate) fn new(next_counter: u64, range: HashKeyRange) -> Self {
        Self {
            range,
            first_counter: next_counter,
            cold: VecDeque::new(),
            cold_len: 0,
            entries: VecDeque::new(),
            arrivals: VecDeque::new(),
            whole: VecDeque::new(),
            holes: Vec::new(),
        }
    }

    /// Records kept.
    pub(crate) fn len(&self) -> usize {
        usize::try_from(self.cold_len).unwrap_or(usize::MAX).saturating_add(self.entries.len())
    }

    /// The counter of the oldest record kept, or of the next one to come.
    pub(crate) fn first_counter(&self) -> u64 {
        self.first_counter
    }

    /// The counter of the oldest warm record (or of the next one to come).
    fn warm_first(&self) -> u64 {
        self.first_counter + self.cold_len
    }

    /// The counter the next record appended gets.
    fn next_counter(&self) -> u64 {
        self.warm_first() + self.entries.len() as u64
    }

    /// Appends the record with the next counter (the caller's, which must be [`Self::next_counter`]);
    /// `origin` says which source can make it again ([`NO_ORIGIN`] when none).
    pub(crate) fn push(
        &mut self,
        arrival: SimTime,
        arrival_unix_secs: u64,
        partition_key: WriteKey,
        hash_key: u128,
        data: Payload,
        origin: u64,
    ) {
        let counter = self.next_counter();
        let last = self.arrivals.back();
        if last.is_none_or(|run| run.arrival != arrival || run.arrival_unix_secs != arrival_unix_secs) {
            self.arrivals.push_back(ArrivalRun { first_counter: counter, arrival, arrival_unix_secs });
        }
        if let (Payload::Synthetic { len_bytes }, Some(number)) = (&data, partition_key.number()) {
            self.entries.push_back(Entry { key: number, len_bytes: *len_bytes, origin, hash_key });
            return;
        }
        let len_bytes = u32::try_from(data.len_bytes()).unwrap_or(u32::MAX);
        self.entries.push_back(Entry { key: WHOLE, len_bytes, origin, hash_key });
        let partition_key = partition_key.into_string();
        self.whole.push_back(WholeRecord { counter, partition_key, hash_key, data });
    }

    /// Takes note that the shard refused the record with `origin` (a hole in its source's runs).
    pub(crate) fn refuse(&mut self, origin: u64) {
        if origin == NO_ORIGIN {
            return;
        }
        let (slot, index) = origin_parts(origin);
        if self.holes.len() <= slot {
            self.holes.resize_with(slot + 1, VecDeque::new);
        }
        self.holes[slot].push_back(index);
    }

    /// Removes the oldest warm record (the caller moves the counters on).
    fn drop_warm_front(&mut self) {
        self.entries.pop_front();
        let first = self.warm_first() + 1;
        while self.arrivals.get(1).is_some_and(|next| next.first_counter <= first) {
            self.arrivals.pop_front();
        }
        if self.entries.is_empty() {
            self.arrivals.clear();
        }
        while self.whole.front().is_some_and(|w| w.counter < first) {
            self.whole.pop_front();
        }
    }

    /// Drops the oldest record.
    pub(crate) fn pop_front(&mut self) {
        if let Some(front) = self.cold.front_mut() {
            let empty = match front {
                Cold::Run(run) => {
                    run.pop_front(&self.range);
                    run.count == 0
                }
                Cold::Kept(_) => true,
            };
            if empty {
                self.cold.pop_front();
            }
            self.cold_len -= 1;
            self.first_counter += 1;
            return;
        }
        if self.entries.is_empty() {
            return;
        }
        self.drop_warm_front();
        self.first_counter += 1;
    }

    /// When the oldest record arrived.
    pub(crate) fn first_arrival(&self) -> Option<SimTime> {
        match self.cold.front() {
            Some(Cold::Run(run)) => Some(run.chunk.arrival_of(run.first_index).0),
            Some(Cold::Kept(record)) => Some(record.arrival),
            None => self.arrivals.front().map(|run| run.arrival),
        }
    }

    /// The counter of the first record that arrived at or after `at`, if any.
    pub(crate) fn counter_at(&self, at: SimTime) -> Option<u64> {
        let segment = self.cold.partition_point(|c| c.last_arrival() < at);
        match self.cold.get(segment) {
            Some(Cold::Kept(record)) => return Some(record.sequence_number.counter),
            Some(Cold::Run(run)) => {
                let mut index = run.first_index;
                for k in 0..run.count {
                    if run.chunk.arrival_of(index).0 >= at {
                        return Some(run.first_counter + k);
                    }
                    index = run.member_from(index + 1, &self.range).unwrap_or(run.last_index);
                }
            }
            None => {}
        }
        let run = self.arrivals.partition_point(|run| run.arrival < at);
        self.arrivals.get(run).map(|run| run.first_counter.max(self.warm_first()))
    }

    /// The index in `arrivals` of the run holding `counter` (a kept warm record's).
    fn run_of(&self, counter: u64) -> usize {
        // Readers at the tip ask for recent runs: gallop back from the newest to bracket the run, then
        // search the bracket (`lo` holds a run at or before `counter`, `hi` is past it).
        let runs = self.arrivals.len();
        let starts_at_or_before = |i: usize| self.arrivals[i].first_counter <= counter;
        let (mut lo, mut hi) = (0, runs);
        let mut step = 1;
        while step <= runs {
            if starts_at_or_before(runs - step) {
                lo = runs - step;
                break;
            }
            hi = runs - step;
            step *= 2;
        }
        if hi == 0 || !starts_at_or_before(lo) {
            return 0;
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if starts_at_or_before(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// When the record with `counter` (a kept one) arrived.
    pub(crate) fn arrival_of(&self, counter: u64) -> Option<SimTime> {
        if !self.contains(counter) {
            return None;
        }
        if counter < self.warm_first() {
            let sequence =
                SequenceNumber { shard_created_unix_secs: 0, counter: 0, arrival_unix_secs: 0, shard_index: 0 };
            return self.records_from(counter, sequence).next().map(|r| r.arrival);
        }
        self.arrivals.get(self.run_of(counter)).map(|run| run.arrival)
    }

    /// Whether the record with `counter` is kept.
    pub(crate) fn contains(&self, counter: u64) -> bool {
        (self.first_counter..self.next_counter()).contains(&counter)
    }

    /// Bytes the record with `counter` (a kept one) counts for against limits: data plus partition key.
    #[cfg(test)]
    pub(crate) fn size_bytes_of(&self, counter: u64) -> u64 {
        if counter < self.warm_first() {
            let sequence =
                SequenceNumber { shard_created_unix_secs: 0, counter: 0, arrival_unix_secs: 0, shard_index: 0 };
            return self.records_from(counter, sequence).next().map_or(0, |r| r.size_bytes());
        }
        let Some(entry) = self.entry(counter) else {
            return 0;
        };
        if entry.key == WHOLE {
            return self.whole_of(counter).map_or(0, |w| w.data.len_bytes() + w.partition_key.len() as u64);
        }
        u64::from(entry.len_bytes) + numbered_key_len(entry.key)
    }

    fn entry(&self, counter: u64) -> Option<Entry> {
        let index = usize::try_from(counter.checked_sub(self.warm_first())?).ok()?;
        self.entries.get(index).copied()
    }

    fn whole_of(&self, counter: u64) -> Option<&WholeRecord> {
        let index = self.whole.partition_point(|w| w.counter < counter);
        self.whole.get(index).filter(|w| w.counter == counter)
    }

    /// The warm record with `counter`, which `run` holds, as it was written; `sequence` gives the shard's
    /// part of its sequence number.
    fn expand(&self, counter: u64, run: &ArrivalRun, sequence: SequenceNumber) -> Option<Record> {
        let entry = self.entry(counter)?;
        let sequence_number = SequenceNumber { counter, arrival_unix_secs: run.arrival_unix_secs, ..sequence };
        let (partition_key, hash_key, data) = if entry.key == WHOLE {
            let whole = self.whole_of(counter)?;
            (whole.partition_key.clone(), whole.hash_key, whole.data.clone())
        } else {
            (numbered_key(entry.key), entry.hash_key, Payload::Synthetic { len_bytes: entry.len_bytes })
        };
        Some(Record { sequence_number, arrival: run.arrival, partition_key, hash_key, data })
    }

    /// Moves warm records that arrived at or before `cutoff` into the cold part, as runs where their
    /// source's chunk is frozen (`sources`, by slot) and whole otherwise; stops at the first record whose
    /// chunk is not frozen yet. `sequence` gives the shard's part of sequence numbers.
    pub(crate) fn compact(&mut self, cutoff: SimTime, sources: &[SourceLog], sequence: SequenceNumber) {
        while let Some(arrival) = self.arrivals.front().filter(|_| !self.entries.is_empty()).map(|r| r.arrival) {
            if arrival > cutoff {
                break;
            }
            let counter = self.warm_first();
            let entry = self.entries[0];
            let source = (entry.origin != NO_ORIGIN).then(|| origin_parts(entry.origin));
            if let Some((slot, index)) = source {
                let Some(log) = sources.get(slot) else {
                    break;
                };
                let Some(chunk) = log.chunk_of(index) else {
                    break;
                };
                let holes = self.holes.get_mut(slot);
                let mut between = Vec::new();
                if let Some(holes) = holes {
                    while holes.front().is_some_and(|h| *h < index) {
                        between.extend(holes.pop_front());
                    }
                }
                match self.cold.back_mut() {
                    Some(Cold::Run(run))
                        if Arc::ptr_eq(&run.spec, &log.spec)
                            && Arc::ptr_eq(&run.chunk, chunk)
                            && run.first_counter + run.count == counter
                            && index > run.last_index =>
                    {
                        run.add_holes(&between);
                        run.last_index = index;
                        run.count += 1;
                    }
                    _ => self.push_cold(Cold::Run(ColdRun {
                        spec: log.spec.clone(),
                        chunk: chunk.clone(),
                        first_counter: counter,
                        count: 1,
                        first_index: index,
                        last_index: index,
                        base_index: index,
                        holes: Vec::new(),
                        hole_ranges: Vec::new(),
                    })),
                }
            } else {
                let Some(record) = self.expand(counter, &self.arrivals[0], sequence) else {
                    break;
                };
                self.push_cold(Cold::Kept(Box::new(record)));
            }
            self.drop_warm_front();
            self.cold_len += 1;
        }
        if let Some(Cold::Run(run)) = self.cold.back_mut() {
            run.shrink_holes();
        }
    }

    /// Appends a stretch to the cold part, closing the run before it, whose holes then stop growing: their
    /// spare capacity goes back.
    fn push_cold(&mut self, cold: Cold) {
        if let Some(Cold::Run(run)) = self.cold.back_mut() {
            run.shrink_holes();
        }
        self.cold.push_back(cold);
    }

    /// The records kept from `counter` on, oldest first.
    pub(crate) fn records_from(&self, counter: u64, sequence: SequenceNumber) -> Records<'_> {
        let next = counter.max(self.first_counter).min(self.next_counter());
        Records { log: self, next, end: self.next_counter(), run: None, cold: None, sequence }
    }
}

/// Where a walk through a cold run is: the segment, and the counter and index of a record in it.
#[derive(Clone, Copy, Debug)]
struct ColdCursor {
    segment: usize,
    counter: u64,
    index: u64,
}

/// Records of a shard's log, oldest first, each expanded as it is reached; skipping (`nth`, `skip`, `last`)
/// expands only what is returned.
#[derive(Clone, Debug)]
pub struct Records<'a> {
    log: &'a ShardLog,
    /// The counter of the next record returned.
    next: u64,
    /// The counter after the last one.
    end: u64,
    /// The warm arrival run holding `next`, once found.
    run: Option<usize>,
    /// Where the walk through the cold part is, once started.
    cold: Option<ColdCursor>,
    sequence: SequenceNumber,
}

impl Records<'_> {
    /// The cold record with `counter`.
    fn cold_record(&mut self, counter: u64) -> Option<Record> {
        let log = self.log;
        let reusable = self.cold.filter(|c| {
            c.counter <= counter && log.cold.get(c.segment).is_some_and(|s| counter < s.first_counter() + s.len())
        });
        let mut cursor = match reusable {
            Some(cursor) => cursor,
            None => {
                let segment = log.cold.partition_point(|s| s.first_counter() <= counter).checked_sub(1)?;
                let index = match &log.cold[segment] {
                    Cold::Run(run) => run.first_index,
                    Cold::Kept(_) => 0,
                };
                ColdCursor { segment, counter: log.cold[segment].first_counter(), index }
            }
        };
        let record = match &log.cold[cursor.segment] {
            Cold::Kept(record) => Some(Record::clone(record)),
            Cold::Run(run) => {
                while cursor.counter < counter {
                    cursor.index = run.member_from(cursor.index + 1, &log.range)?;
                    cursor.counter += 1;
                }
                let (partition_key, hash_key, data) = run.spec.record(cursor.index);
                let (arrival, arrival_unix_secs) = run.chunk.arrival_of(cursor.index);
                let sequence_number = SequenceNumber { counter, arrival_unix_secs, ..self.sequence };
                Some(Record { sequence_number, arrival, partition_key, hash_key, data })
            }
        };
        self.cold = Some(cursor);
        record
    }
}

impl<'a> Records<'a> {
    /// The warm arrival run holding `counter` (a warm record's, at or after the last one asked for).
    fn warm_run(&mut self, counter: u64) -> Option<&'a ArrivalRun> {
        let log = self.log;
        let mut run = self.run.unwrap_or_else(|| log.run_of(counter));
        while log.arrivals.get(run + 1).is_some_and(|next| next.first_counter <= counter) {
            run += 1;
        }
        self.run = Some(run);
        log.arrivals.get(run)
    }

    /// The next warm records with numbered keys and data of zeros that arrived at one instant, at or before
    /// `visible_until`, as one run of at most `records_max` (and [`RUN_RECORDS_MAX`]) records whose bytes
    /// fit in `bytes_left` (the first one regardless when `first_free`); `None`, moving nothing on, when the
    /// next record is not such a record or does not fit.
    pub(crate) fn next_run(
        &mut self,
        records_max: u64,
        bytes_left: u64,
        first_free: bool,
        visible_until: SimTime,
    ) -> Option<NumberedRun> {
        let log = self.log;
        let first = self.next;
        if first >= self.end || first < log.warm_first() {
            return None;
        }
        let run = self.warm_run(first)?;
        if run.arrival > visible_until {
            return None;
        }
        // The run ends where the arrival run, the records kept or the caller's count end.
        let arrival_end = log.arrivals.get(self.run? + 1).map_or(self.end, |next| next.first_counter);
        let count_max = records_max.min(RUN_RECORDS_MAX as u64).min(arrival_end.min(self.end) - first);
        let mut key_numbers = [0u32; RUN_RECORDS_MAX];
        let mut bytes = 0u64;
        let mut count = 0u64;
        // The entries from `first` on, from whichever of the deque's two slices holds it.
        let at = usize::try_from(first - log.warm_first()).ok()?;
        let (front, back) = log.entries.as_slices();
        let entries = front.get(at..).filter(|e| !e.is_empty()).or_else(|| back.get(at - front.len()..))?;
        for entry in entries.iter().take(usize::try_from(count_max).unwrap_or(RUN_RECORDS_MAX)) {
            if entry.key == WHOLE {
                break;
            }
            let size = u64::from(entry.len_bytes) + numbered_key_len(entry.key);
            if (count > 0 || !first_free) && bytes + size > bytes_left {
                break;
            }
            key_numbers[count as usize] = entry.key;
            bytes += size;
            count += 1;
        }
        if count == 0 {
            return None;
        }
        self.next += count;
        Some(NumberedRun {
            first: SequenceNumber { counter: first, arrival_unix_secs: run.arrival_unix_secs, ..self.sequence },
            arrival: run.arrival,
            count: count as u32,
            bytes,
            key_numbers,
        })
    }

    /// The next record as a simulated reader gets it: a warm record with a numbered key and data of zeros
    /// unexpanded, any other expanded.
    pub(crate) fn next_read(&mut self) -> Option<ReadRecord> {
        if self.next >= self.end {
            return None;
        }
        let counter = self.next;
        if counter < self.log.warm_first() {
            self.next += 1;
            return self.cold_record(counter).map(|r| ReadRecord::Whole(Box::new(r)));
        }
        let entry = self.log.entry(counter)?;
        if entry.key == WHOLE {
            return self.next().map(|r| ReadRecord::Whole(Box::new(r)));
        }
        self.next += 1;
        let run = self.warm_run(counter)?;
        Some(ReadRecord::Numbered {
            sequence_number: SequenceNumber { counter, arrival_unix_secs: run.arrival_unix_secs, ..self.sequence },
            arrival: run.arrival,
            key: entry.key,
            len_bytes: entry.len_bytes,
            hash_key: entry.hash_key,
        })
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.next >= self.end {
            return None;
        }
        let counter = self.next;
        self.next += 1;
        if counter < self.log.warm_first() {
            return self.cold_record(counter);
        }
        let run = self.warm_run(counter)?;
        self.log.expand(counter, run, self.sequence)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.end - self.next).unwrap_or(usize::MAX);
        (left, Some(left))
    }

    fn nth(&mut self, n: usize) -> Option<Record> {
        self.next = self.next.saturating_add(n as u64).min(self.end);
        self.run = None;
        self.next()
    }

    fn last(mut self) -> Option<Record> {
        let left = usize::try_from(self.end.checked_sub(self.next)?.checked_sub(1)?).ok()?;
        self.nth(left)
    }
}

impl ExactSizeIterator for Records<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn numbered_keys_are_written_as_format_writes_them() {
        for number in [0, 7, 10, 99_999, 1_000_000, u32::MAX - 1] {
            assert_eq!(numbered_key(number), alloc::format!("user-{number}"));
        }
    }

    #[test]
    fn numbered_key_lengths_are_the_written_keys_lengths() {
        // Each power of ten and the number before it (where the digit count changes), and the ends.
        let mut numbers = alloc::vec![0, 1, 2, 3, u32::MAX - 1, u32::MAX];
        for power in 1..=9 {
            numbers.extend([10u32.pow(power) - 1, 10u32.pow(power), 10u32.pow(power) + 1]);
        }
        for number in numbers {
            let written = alloc::format!("user-{number}").len() as u64;
            assert_eq!(numbered_key_len(number), written, "user-{number}");
            assert_eq!(WriteKey::Numbered(number).len_bytes(), written, "user-{number}");
        }
    }

    #[test]
    fn the_dense_hash_key_table_answers_md5_and_grows_only_to_its_bound() {
        let mut table = DenseHashes::default();
        for number in [0, 5, 99_999, 131_071, 131_072, 4_000_000_000] {
            let md5 = partition_key::hash_key(&alloc::format!("user-{number}"));
            assert_eq!(table.hash_key(number, 131_072), md5, "user-{number}");
            assert_eq!(table.hash_key(number, 131_072), md5, "user-{number} again");
        }
        assert_eq!(table.hashes.len(), 131_072, "keys from 131,072 on are hashed each time, not stored");
    }

    #[test]
    fn skipping_records_expands_only_what_is_returned_and_agrees_with_walking() {
        let sequence = SequenceNumber { shard_created_unix_secs: 0, counter: 0, arrival_unix_secs: 0, shard_index: 0 };
        let mut log = ShardLog::new(1, crate::hash_range::initial_layout(1).next().expect("one range"));
        for i in 0..50u32 {
            let key = numbered_key(i % 7);
            let hash = partition_key::hash_key(&key);
            log.push(
                SimTime::from_millis(u64::from(i / 4)),
                0,
                WriteKey::Text(key),
                hash,
                Payload::Synthetic { len_bytes: i },
                NO_ORIGIN,
            );
        }
        let walked: Vec<Record> = log.records_from(0, sequence).collect();
        assert_eq!(walked.len(), 50);
        assert_eq!(log.records_from(0, sequence).len(), 50);
        for skip in [0, 1, 3, 4, 17, 49, 50, 60] {
            let skipped: Vec<Record> = log.records_from(0, sequence).skip(skip).collect();
            assert_eq!(skipped, walked[skip.min(50)..], "skip {skip}");
        }
        assert_eq!(log.records_from(0, sequence).last(), walked.last().cloned());
        assert_eq!(log.records_from(10, sequence).next().map(|r| r.sequence_number.counter), Some(10));
        assert_eq!(log.records_from(51, sequence).last(), None);
    }

    /// The arrival run holding a counter, found by galloping back from the newest run, is the last run
    /// starting at or before it (counters 1 to 300; run k starts at counter 1 + k * (k + 1) / 2).
    #[test]
    fn the_run_of_a_counter_is_the_last_one_starting_at_or_before_it() {
        let mut log = ShardLog::new(1, crate::hash_range::initial_layout(1).next().expect("one range"));
        let mut run = 0u64;
        let mut next_start = 1;
        for counter in 1..=300u64 {
            if counter == next_start {
                run += 1;
                next_start += run;
            }
            log.push(
                SimTime::from_millis(run),
                0,
                WriteKey::Numbered(0),
                0,
                Payload::Synthetic { len_bytes: 1 },
                NO_ORIGIN,
            );
        }
        for counter in 0..=310u64 {
            let expected = log.arrivals.iter().filter(|r| r.first_counter <= counter).count().saturating_sub(1);
            assert_eq!(log.run_of(counter), expected, "counter {counter}");
        }
        assert_eq!(ShardLog::new(1, log.range).run_of(5), 0, "an empty log");
    }

    #[test]
    fn only_canonical_numbered_keys_are_stored_by_number() {
        assert_eq!(key_number("user-0"), Some(0));
        assert_eq!(key_number("user-99999"), Some(99_999));
        assert_eq!(key_number("user-4294967294"), Some(4_294_967_294));
        for other in ["user-", "user-01", "user-+1", "user--1", "user-4294967295", "user-99999999999", "hot", "User-1"]
        {
            assert_eq!(key_number(other), None, "{other}");
        }
    }

    /// A day's retention kept whole: one shard, 2 records/s of 100 B over one key (`user-0`, from a uniform
    /// profile over 1 key). Record k (from 0) is made and written at k * 500 ms, with counter k + 1.
    #[test]
    fn get_records_from_trim_horizon_returns_the_first_record_kept_after_23_and_25_hours() {
        use crate::kinesis::IteratorStart;
        use crate::{DEFAULT_STREAM_NAME, ProducerConfig, SimConfig, SimTime, Simulation, StreamConfig};
        let config = SimConfig {
            streams: alloc::vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 1)],
            producers: alloc::vec![ProducerConfig::steady("p", 2, 100, 1)],
            ..SimConfig::default()
        };
        let epoch_secs = config.epoch_unix_ms / 1_000;
        let mut sim = Simulation::new(config).expect("valid");
        let first_kept = |sim: &mut Simulation, hours: u64| {
            sim.advance_to(SimTime::from_secs(hours * 3_600));
            let now = sim.now();
            let k = sim.kinesis_mut();
            let it = k.get_shard_iterator(now, DEFAULT_STREAM_NAME, "shardId-000000000000", IteratorStart::TrimHorizon);
            let out = k.get_records(now, &it.expect("an iterator"), Some(1)).expect("a read");
            assert_eq!(out.records.len(), 1, "at {hours} h");
            let count = sim.stream().expect("the stream").shards()[0].record_count();
            (out.records[0].clone(), count)
        };
        // At 23 h nothing has expired: records 0 to 165,600 (23 * 3,600 * 2) are kept, the first one first.
        let (first, count) = first_kept(&mut sim, 23);
        assert_eq!(count, 165_601);
        assert_eq!(first.sequence_number.counter, 1);
        assert_eq!(first.sequence_number.arrival_unix_secs, epoch_secs);
        assert_eq!(first.sequence_number.shard_created_unix_secs, epoch_secs);
        assert_eq!(first.arrival, SimTime::ZERO);
        assert_eq!((first.partition_key.as_str(), first.data.len_bytes(), first.size_bytes()), ("user-0", 100, 106));
        // At 25 h, records that arrived at or before 1 h are 24 hours old and trimmed (`docs/aws-behaviour.md`
        // §1.8): the first kept is record 7,201, written at 3,600.5 s, and 172,800 records (a day's) are kept.
        let (first, count) = first_kept(&mut sim, 25);
        assert_eq!(count, 172_800);
        assert_eq!(first.sequence_number.counter, 7_202);
        assert_eq!(first.arrival, SimTime::from_millis(3_600_500));
        assert_eq!(first.sequence_number.arrival_unix_secs, epoch_secs + 3_600);
        assert_eq!((first.partition_key.as_str(), first.data.len_bytes()), ("user-0", 100));
    }

    /// Two shards written at 3,000 records/s through PutRecords, over their 2,000: a shard's records older
    /// than the 5 s hot window become one run per closed second at most (not one per call or per record), the
    /// refused records are holes in them, and reading them back gives the reference's records.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_busy_shards_old_records_are_a_few_runs_with_holes() {
        use crate::producer::ClientStyle;
        use crate::{DEFAULT_STREAM_NAME, ProducerConfig, SimConfig, SimTime, Simulation, StreamConfig};
        let producer = ProducerConfig {
            client: ClientStyle::PutRecords { batch_max_records: 500, linger_ms: 100 },
            ..ProducerConfig::steady("p", 3_000, 100, 1_000)
        };
        let config = SimConfig {
            streams: alloc::vec![StreamConfig::provisioned(DEFAULT_STREAM_NAME, 2)],
            producers: alloc::vec![producer],
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).expect("valid");
        sim.advance_to(SimTime::from_secs(30));
        for shard in sim.stream().expect("the stream").shards() {
            let log = shard.log();
            // At most 1,000 records/s a shard: the last 5 to 6 s are warm, the rest (24 s and more) cold.
            assert!(log.cold_len >= 20_000 && log.entries.len() <= 6_000, "{} {}", log.cold_len, log.entries.len());
            assert!(log.cold.len() <= 30, "{} runs for {} records", log.cold.len(), log.cold_len);
            let holes: usize = log
                .cold
                .iter()
                .map(|c| match c {
                    Cold::Run(run) => run.holes.len() + run.hole_ranges.len(),
                    Cold::Kept(_) => panic!("a derivable producer's record kept whole"),
                })
                .sum();
            assert!(holes > 0, "3,000 records/s into 2,000 of capacity refuse some");
            // Stretches of refused records between two kept ones are one range each: fewer entries than refusals.
            let refused = shard.metrics.totals.write_provisioned_throughput_exceeded;
            assert!((holes as u64) < refused, "{holes} hole entries for {refused} refused records");
            shard.check_against_reference();
        }
    }

    /// Random small scenarios: every shard's compact log against the per-record reference each shard keeps
    /// in tests (`Shard::check_against_reference`), after every simulated second, and every read (polling,
    /// enhanced fan-out, the API's GetRecords) against the reference's answer (`Shard::read_from` checks it).
    #[cfg(not(target_arch = "wasm32"))]
    mod against_a_per_record_reference {
        use crate::consumer_app::{ConsumerAppConfig, ReadStyle};
        use crate::kinesis::{IteratorStart, PutRecordsEntry};
        use crate::producer::{ClientStyle, KplConfig, ProducerConfig, RetryPolicy};
        use crate::shard::Payload;
        use crate::template::PayloadTemplate;
        use crate::workload::{KeyProfile, SizeProfile};
        use crate::{DEFAULT_STREAM_NAME, SimConfig, SimTime, Simulation, StreamConfig};
        use alloc::string::ToString;
        use alloc::vec::Vec;
        use proptest::prelude::*;

        fn producer() -> impl Strategy<Value = ProducerConfig> {
            let keys = prop_oneof![
                (1u32..60).prop_map(|keys| KeyProfile::Uniform { keys }),
                (1u32..60).prop_map(|keys| KeyProfile::Zipf { keys }),
                (1u32..60, 0u8..=100).prop_map(|(keys, hot_percent)| KeyProfile::HotKey { keys, hot_percent }),
                Just(KeyProfile::RandomUuid),
                Just(KeyProfile::ExplicitHashKey),
            ];
            let size = prop_oneof![
                (1u32..3_000).prop_map(|bytes| SizeProfile::Fixed { bytes }),
                (1u32..2_000, 1u32..2_000).prop_map(|(min, max)| SizeProfile::Uniform { min, max }),
            ];
            let client = prop_oneof![
                Just(ClientStyle::PutRecord),
                (1u32..=500, 0u32..200).prop_map(|(batch_max_records, linger_ms)| ClientStyle::PutRecords {
                    batch_max_records,
                    linger_ms
                }),
                Just(ClientStyle::Kpl(KplConfig::default())),
            ];
            let payload = prop_oneof![
                4 => Just(PayloadTemplate::Zeros),
                1 => Just(PayloadTemplate::Clickstream),
            ];
            (1u32..3_000, size, keys, client, any::<bool>(), 0u8..20, payload).prop_map(
                |(rate, size, keys, client, retries, timeout_percent, payload)| ProducerConfig {
                    size,
                    keys,
                    client,
                    retry: if retries { RetryPolicy::SDK_STANDARD } else { RetryPolicy::NONE },
                    timeout_percent,
                    payload,
                    ..ProducerConfig::steady("p", rate, 1, 1)
                },
            )
        }

        fn consumer() -> impl Strategy<Value = ConsumerAppConfig> {
            prop_oneof![
                (1u32..1_500, 1u32..2_000).prop_map(|(interval_ms, limit)| ConsumerAppConfig {
                    style: ReadStyle::Polling { interval_ms, limit },
                    ..ConsumerAppConfig::polling("poller")
                }),
                Just(ConsumerAppConfig { style: ReadStyle::EnhancedFanOut, ..ConsumerAppConfig::polling("fan-out") }),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

            #[test]
            fn the_compact_log_keeps_and_returns_what_a_per_record_log_would(
                seed in any::<u64>(),
                shard_count in 1u32..4,
                log_records in prop_oneof![Just(100_000u32), 20u32..400],
                producers in proptest::collection::vec(producer(), 1..3),
                consumers in proptest::collection::vec(consumer(), 0..3),
                api_writes in proptest::collection::vec((0u32..40, 0usize..1_200, any::<bool>()), 0..20),
                seconds in 1u64..6,
                small_records_only in any::<bool>(),
            ) {
                let mut consumers = consumers;
                for (i, c) in consumers.iter_mut().enumerate() {
                    c.name = alloc::format!("c{i}");
                }
                let config = SimConfig {
                    seed,
                    streams: alloc::vec![StreamConfig {
                        log_records_max_per_shard: log_records,
                        ..StreamConfig::provisioned(DEFAULT_STREAM_NAME, shard_count)
                    }],
                    producers,
                    consumers,
                    ..SimConfig::default()
                };
                // A twin whose readers take every record one by one: what the runs they count must match.
                let mut sim = Simulation::new(config.clone()).expect("a valid scenario");
                let mut one_by_one = Simulation::new(config).expect("a valid scenario");
                for consumer in one_by_one.consumers_mut() {
                    consumer.runs_off = true;
                }
                for sim in [&mut sim, &mut one_by_one] {
                    // Records stay warm for 0 to 2 s, so reads and checks cross the cold part too.
                    let hot_window = crate::time::SimDuration::from_secs(seed % 3);
                    let stream = sim.kinesis_mut().stream_mut(DEFAULT_STREAM_NAME).expect("the stream");
                    stream.hot_window = hot_window;
                    if small_records_only {
                        // Calls holding a record over 1 KiB are refused whole: their records leave gaps in runs.
                        stream.max_record_size_kib = 1;
                    }
                }
                for second in 1..=seconds {
                    for sim in [&mut sim, &mut one_by_one] {
                        // API writes: numbered keys with bytes or zeros, and keys a producer never uses.
                        let entries: Vec<PutRecordsEntry> = api_writes
                            .iter()
                            .map(|&(key, len, zeros)| PutRecordsEntry {
                                partition_key: if key % 7 == 0 { alloc::format!("user-0{key}") } else { alloc::format!("user-{key}") },
                                data: if zeros {
                                    Payload::Synthetic { len_bytes: len as u32 }
                                } else {
                                    Payload::Bytes(alloc::vec![key as u8; len].into())
                                },
                                explicit_hash_key: (key % 5 == 0).then_some(u128::from(key) << 100),
                            })
                            .collect();
                        let now = sim.now();
                        if !entries.is_empty() {
                            let written = sim.kinesis_mut().put_records(now, DEFAULT_STREAM_NAME, entries);
                            assert!(written.is_ok() || small_records_only, "a valid request: {written:?}");
                        }
                        sim.advance_to(SimTime::from_secs(second));
                        let now = sim.now();
                        let stream = sim.stream().expect("the stream");
                        let ids: Vec<_> = stream.shards().iter().map(|s| s.id.to_string()).collect();
                        for shard in stream.shards() {
                            shard.check_against_reference();
                        }
                        for id in ids {
                            let start = if second % 2 == 0 { IteratorStart::TrimHorizon } else { IteratorStart::AtTimestamp(1) };
                            let k = sim.kinesis_mut();
                            if let Ok(iterator) = k.get_shard_iterator(now, DEFAULT_STREAM_NAME, &id, start) {
                                // The read itself is checked against the reference's inside `Shard::read_from`.
                                let _ = k.get_records(now, &iterator, Some(1 + (seed % 10_000) as u32));
                            }
                        }
                    }
                    // Readers counting runs saw what readers taking records one by one saw.
                    let shards: Vec<_> = sim.stream().expect("the stream").shards().iter().map(|s| s.id).collect();
                    for (runs, single) in sim.consumers().iter().zip(one_by_one.consumers()) {
                        let name = &runs.config.name;
                        prop_assert_eq!(runs.totals, single.totals, "{} totals", name);
                        prop_assert_eq!(&runs.latency, &single.latency, "{} latency", name);
                        prop_assert_eq!(runs.recent().collect::<Vec<_>>(), single.recent().collect::<Vec<_>>(), "{} recent", name);
                        prop_assert_eq!(runs.second(second - 1), single.second(second - 1), "{} second", name);
                        for shard in &shards {
                            prop_assert_eq!(runs.highest_processed(*shard), single.highest_processed(*shard));
                            prop_assert_eq!(runs.lowest_processed(*shard), single.lowest_processed(*shard));
                            prop_assert_eq!(runs.next_position(*shard), single.next_position(*shard));
                        }
                    }
                }
            }
        }
    }
}
