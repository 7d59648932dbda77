//! Per-shard write and shared-read throttling.
//!
//! Writes: AWS documents the limits (1 MiB/s including partition keys, 1,000 records/s) but not the
//! algorithm. We use an exact sliding window: a put is accepted only if, together with everything the shard
//! accepted in the second before it, it stays within both limits. So no 1-second window ever exceeds a limit,
//! and a steady over-limit load is cut to exactly the limit. (A token bucket with a one-second burst
//! would let up to twice the limit through in some windows.) See "Divergences from AWS" in the crate docs.
//!
//! Reads (GetRecords, shared by all polling consumers of a shard): 5 calls per rolling second and 2 MiB/s,
//! each call returning up to 10 MiB. The throughput is a budget that refills continuously at 2 MiB/s and holds
//! at most one second's worth. A call is refused while the budget is spent; a response may overdraw it and
//! the debt is repaid at 2 MiB/s. So a response of B bytes blocks the shard's reads for B / 2 MiB/s minus what
//! the last second already allowed, to the microsecond: after an idle second a 10 MiB response blocks
//! 4 s (the 5 seconds of throughput it used include the second before it; the GetRecords API page says
//! "the next 5 seconds", see `docs/aws-behaviour.md`).

use crate::limits::{
    GET_RECORDS_CALLS_PER_SEC, SHARD_READ_BYTES_PER_SEC, SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC,
};
use crate::time::{SimDuration, SimTime};
use alloc::collections::VecDeque;

/// Which write limit a rejected put would have broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WriteLimit {
    /// 1,000 records per second.
    Records,
    /// 1 MiB per second, data plus partition key.
    Bytes,
    /// No limit: a throttle injected by the scenario's extra-throttling fault.
    InjectedFault,
}

/// The writes a shard accepted during the last second.
#[derive(Clone, Debug, Default)]
pub struct WriteWindow {
    /// Writes accepted, oldest first, those of one instant together: (instant, records, bytes).
    accepted: VecDeque<(SimTime, u64, u64)>,
    records_in_window: u64,
    bytes_in_window: u64,
}

impl WriteWindow {
    /// Accepts a put of `bytes` at `now` if it fits, or names the limit it would break.
    ///
    /// `now` must not go backwards between calls; the simulation guarantees it.
    pub fn try_accept(&mut self, now: SimTime, bytes: u64) -> Result<(), WriteLimit> {
        self.forget_before(now);
        if self.records_in_window >= SHARD_WRITE_RECORDS_PER_SEC {
            return Err(WriteLimit::Records);
        }
        if self.bytes_in_window + bytes > SHARD_WRITE_BYTES_PER_SEC {
            return Err(WriteLimit::Bytes);
        }
        match self.accepted.back_mut() {
            Some((at, records, in_bytes)) if *at == now => {
                *records += 1;
                *in_bytes += bytes;
            }
            _ => self.accepted.push_back((now, 1, bytes)),
        }
        self.records_in_window += 1;
        self.bytes_in_window += bytes;
        Ok(())
    }

    /// Drops writes older than one second: the window is `(now - 1 s, now]`.
    fn forget_before(&mut self, now: SimTime) {
        let horizon = now.0.checked_sub(SimDuration::SECOND.0);
        while let Some(&(at, records, bytes)) = self.accepted.front() {
            if horizon.is_some_and(|h| at.0 <= h) {
                self.accepted.pop_front();
                self.records_in_window -= records;
                self.bytes_in_window -= bytes;
            } else {
                break;
            }
        }
    }
}

/// The calls of the last second, for a per-second call limit.
#[derive(Clone, Debug, Default)]
pub struct CallWindow {
    calls: VecDeque<SimTime>,
}

impl CallWindow {
    /// Admits a call at `now` if fewer than `per_sec` were admitted in the second before it (`(now - 1 s, now]`).
    ///
    /// `now` must not go backwards between calls; the simulation guarantees it.
    pub fn try_admit(&mut self, now: SimTime, per_sec: u64) -> bool {
        while self.calls.front().is_some_and(|t| now.saturating_since(*t) >= SimDuration::SECOND) {
            self.calls.pop_front();
        }
        let open = (self.calls.len() as u64) < per_sec;
        if open {
            self.calls.push_back(now);
        }
        open
    }
}

/// Which shared read limit refused a GetRecords call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadLimit {
    /// 5 calls per second.
    Calls,
    /// 2 MiB per second: the budget is spent.
    Bytes,
}

/// One second of shared read throughput, in millionths of a byte.
const READ_BUDGET_MAX_MICRO_BYTES: i64 = SHARD_READ_BYTES_PER_SEC as i64 * 1_000_000;

/// A shard's shared read limits: the calls of the last second and the throughput budget.
#[derive(Clone, Debug)]
pub struct ReadBudget {
    calls: CallWindow,
    /// Bytes that may still be returned, in millionths of a byte so that refilling never rounds.
    budget_micro_bytes: i64,
    budget_at: SimTime,
}

impl Default for ReadBudget {
    fn default() -> Self {
        Self { calls: CallWindow::default(), budget_micro_bytes: READ_BUDGET_MAX_MICRO_BYTES, budget_at: SimTime::ZERO }
    }
}

impl ReadBudget {
    /// Admits a GetRecords call at `now`, or names the limit that refuses it (the budget refuses while
    /// overdrawn). An admitted call must be
    /// [`charged`](Self::charge) with what it returned.
    ///
    /// `now` must not go backwards between calls; the simulation guarantees it.
    pub fn try_admit(&mut self, now: SimTime) -> Result<(), ReadLimit> {
        let refill = i64::try_from(now.saturating_since(self.budget_at).0.saturating_mul(SHARD_READ_BYTES_PER_SEC))
            .unwrap_or(i64::MAX);
        self.budget_micro_bytes = self.budget_micro_bytes.saturating_add(refill).min(READ_BUDGET_MAX_MICRO_BYTES);
        self.budget_at = now;
        if self.budget_micro_bytes < 0 {
            return Err(ReadLimit::Bytes);
        }
        if !self.calls.try_admit(now, GET_RECORDS_CALLS_PER_SEC) {
            return Err(ReadLimit::Calls);
        }
        Ok(())
    }

    /// Takes the `bytes` an admitted call returned from the budget (it may go below zero).
    pub fn charge(&mut self, bytes: u64) {
        let cost = i64::try_from(bytes.saturating_mul(1_000_000)).unwrap_or(i64::MAX);
        self.budget_micro_bytes = self.budget_micro_bytes.saturating_sub(cost);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_1001st_record_in_a_second_is_rejected() {
        let mut w = WriteWindow::default();
        for i in 0..1_000 {
            assert_eq!(w.try_accept(SimTime(i * 900), 10), Ok(()));
        }
        assert_eq!(w.try_accept(SimTime(999_999), 10), Err(WriteLimit::Records));
        // One second after the first accepted put, its slot is free again.
        assert_eq!(w.try_accept(SimTime(1_000_000), 10), Ok(()));
    }

    #[test]
    fn bytes_are_limited_to_one_mib_per_second() {
        let mut w = WriteWindow::default();
        assert_eq!(w.try_accept(SimTime(0), 1_048_000), Ok(()));
        assert_eq!(w.try_accept(SimTime(1), 577), Err(WriteLimit::Bytes));
        assert_eq!(w.try_accept(SimTime(2), 576), Ok(()));
    }

    #[test]
    fn a_single_full_mib_record_fits_an_empty_window() {
        let mut w = WriteWindow::default();
        assert_eq!(w.try_accept(SimTime(5), 1_048_576), Ok(()));
        assert_eq!(w.try_accept(SimTime(6), 1), Err(WriteLimit::Bytes));
    }

    /// After an idle second, admits a call, charges `bytes`, and finds the first microsecond at which the next
    /// call is admitted (bisection over `[0, 6 s]`, so the loop is bounded).
    fn blocked_for_after_response(bytes: u64) -> SimDuration {
        let mut budget = ReadBudget::default();
        let at = SimTime::from_secs(100);
        assert_eq!(budget.try_admit(at), Ok(()));
        budget.charge(bytes);
        if budget.clone().try_admit(at).is_ok() {
            return SimDuration::ZERO;
        }
        let (mut refused, mut admitted) = (0u64, 6_000_000u64);
        assert!(budget.clone().try_admit(at + SimDuration(admitted)).is_ok());
        while admitted - refused > 1 {
            let mid = (refused + admitted) / 2;
            if budget.clone().try_admit(at + SimDuration(mid)).is_ok() {
                admitted = mid;
            } else {
                refused = mid;
            }
        }
        SimDuration(admitted)
    }

    #[test]
    fn a_read_blocks_for_its_bytes_at_2_mib_per_second_minus_the_second_already_allowed() {
        // B / 2,097,152 B/s - 1 s (the idle second's allowance), to the microsecond: the next call is admitted
        // at the first microsecond by which the debt is repaid.
        // 10,485,760 B: 5 s - 1 s = 4 s exactly.
        assert_eq!(blocked_for_after_response(10_485_760), SimDuration::from_secs(4));
        // 50 bytes less: 4.999976158 s - 1 s = 3,999,976.2 us, not a cliff of a whole second.
        assert_eq!(blocked_for_after_response(10_485_710), SimDuration(3_999_977));
        // 10,000,010 B: 4.768376350 s - 1 s = 3,768,376.4 us.
        assert_eq!(blocked_for_after_response(10_000_010), SimDuration(3_768_377));
        // Within the second's allowance nothing blocks; one byte past it, under a microsecond.
        assert_eq!(blocked_for_after_response(2_097_152), SimDuration::ZERO);
        assert_eq!(blocked_for_after_response(2_097_153), SimDuration(1));
    }

    #[test]
    fn small_responses_share_a_second_of_2_mib() {
        let mut budget = ReadBudget::default();
        let t = SimTime::from_secs(10);
        // Three 700,000-byte responses at one instant: the third takes the second past 2 MiB.
        for _ in 0..3 {
            assert_eq!(budget.try_admit(t), Ok(()));
            budget.charge(700_000);
        }
        assert_eq!(budget.try_admit(t), Err(ReadLimit::Bytes));
        // 2,100,000 - 2,097,152 = 2,848 bytes overdrawn, repaid at 2 MiB/s in 1,358.03 us.
        assert_eq!(budget.try_admit(t + SimDuration(1_358)), Err(ReadLimit::Bytes));
        assert_eq!(budget.try_admit(t + SimDuration(1_359)), Ok(()));
    }

    #[test]
    fn the_sixth_call_in_a_second_is_refused() {
        let mut budget = ReadBudget::default();
        for i in 0..5 {
            assert_eq!(budget.try_admit(SimTime::from_millis(i * 10)), Ok(()), "call {i}");
        }
        assert_eq!(budget.try_admit(SimTime::from_millis(999)), Err(ReadLimit::Calls));
        assert_eq!(budget.try_admit(SimTime::from_millis(1_000)), Ok(()));
    }
}
