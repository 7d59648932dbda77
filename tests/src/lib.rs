//! Cross-crate tests live in `tests/*.rs`; the library holds the fuzz targets that the `shardlab-fuzz`
//! driver (`cargo xtask fuzz`) runs and that a test replays from `fuzz/regressions/`.

pub mod fuzz;
