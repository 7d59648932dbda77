//! Per-shard write throttling.
//!
//! AWS documents the limits (1 MiB/s including partition keys, 1,000 records/s) but not the algorithm.
//! We use an exact sliding window: a put is accepted only if, together with everything the shard accepted
//! in the second before it, it stays within both limits. So no 1-second window ever exceeds a limit,
//! and a steady over-limit load is cut to exactly the limit. (A token bucket with a one-second burst
//! would let up to twice the limit through in some windows.) See "Divergences from AWS" in the crate docs.

use crate::limits::{SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC};
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
    accepted: VecDeque<(SimTime, u64)>,
    bytes_in_window: u64,
}

impl WriteWindow {
    /// Accepts a put of `bytes` at `now` if it fits, or names the limit it would break.
    ///
    /// `now` must not go backwards between calls; the simulation guarantees it.
    pub fn try_accept(&mut self, now: SimTime, bytes: u64) -> Result<(), WriteLimit> {
        self.forget_before(now);
        if self.accepted.len() as u64 >= SHARD_WRITE_RECORDS_PER_SEC {
            return Err(WriteLimit::Records);
        }
        if self.bytes_in_window + bytes > SHARD_WRITE_BYTES_PER_SEC {
            return Err(WriteLimit::Bytes);
        }
        self.accepted.push_back((now, bytes));
        self.bytes_in_window += bytes;
        Ok(())
    }

    /// Drops writes older than one second: the window is `(now - 1 s, now]`.
    fn forget_before(&mut self, now: SimTime) {
        let horizon = now.0.checked_sub(SimDuration::SECOND.0);
        while let Some(&(at, bytes)) = self.accepted.front() {
            if horizon.is_some_and(|h| at.0 <= h) {
                self.accepted.pop_front();
                self.bytes_in_window -= bytes;
            } else {
                break;
            }
        }
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
}
