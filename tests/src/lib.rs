//! Shared helpers of the cross-crate tests live in the test files themselves; this crate has no library code.
