//! `shardlab-fuzz`, the in-process fuzz driver that `cargo xtask fuzz` starts and watches.
//!
//! `shardlab-fuzz <target> <seconds> <seed> <current-file> <regressions-dir>` generates inputs for one
//! target until `seconds` have passed. Before each input it writes the input to `current-file`, so that
//! when the process dies (a stack overflow aborts) or stalls or grows too large, the watcher can save the
//! input that did it. It saves, itself, under `<regressions-dir>/<target>/`, every input that panics,
//! takes longer than the target's per-input limit, or gives a different result when run again.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use shardlab_engine::rng::Rng;
use shardlab_tests::fuzz::{Target, generate, run};

#[expect(
    clippy::disallowed_methods,
    reason = "clippy.toml bans wall clocks for the simulator; the driver times its inputs"
)]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(("replay", files)) = args.split_first().map(|(first, rest)| (first.as_str(), rest)) {
        return replay(files);
    }
    let [target, seconds, seed, current, regressions] = args.as_slice() else {
        eprintln!("usage: shardlab-fuzz <target> <seconds> <seed> <current-file> <regressions-dir>");
        eprintln!("       shardlab-fuzz replay <saved-input>...  (each under a folder named after its target)");
        return ExitCode::from(2);
    };
    let (Some(target), Ok(seconds), Ok(seed)) = (Target::parse(target), seconds.parse::<u64>(), seed.parse::<u64>())
    else {
        eprintln!("shardlab-fuzz: expected a target (link, scenario, api, sql, transform), whole seconds and a seed");
        return ExitCode::from(2);
    };
    let dir = Path::new(regressions).join(target.name());
    let limit = Duration::from_millis(target.input_time_limit_ms());
    let mut rng = Rng::new(seed);
    let start = Instant::now();
    let (mut tried, mut saved) = (0u64, 0u64);
    let mut reported = Duration::ZERO;
    while start.elapsed() < Duration::from_secs(seconds) {
        // Progress, so that the watcher knows the count even if it has to stop the driver.
        if start.elapsed() >= reported + PROGRESS_EVERY {
            reported = start.elapsed();
            println!("fuzz: {}: {tried} inputs in {} s, {saved} saved", target.name(), reported.as_secs());
        }
        let input = generate(target, &mut rng);
        if let Err(err) = std::fs::write(current, &input) {
            eprintln!("shardlab-fuzz: cannot write {current}: {err}");
            return ExitCode::FAILURE;
        }
        tried += 1;
        let clock = Instant::now();
        let first = catch_unwind(AssertUnwindSafe(|| run(target, &input)));
        let took = clock.elapsed();
        let problem = match first {
            Err(_) => Some("panic"),
            Ok(_) if took > limit => Some("slow"),
            Ok(first) => match catch_unwind(AssertUnwindSafe(|| run(target, &input))) {
                Err(_) => Some("panic"),
                Ok(second) if second != first => Some("nondeterministic"),
                Ok(_) => None,
            },
        };
        if let Some(kind) = problem {
            saved += 1;
            match save(&dir, kind, &input) {
                Ok(path) => println!("fuzz: saved {} ({kind}, {} ms)", path.display(), took.as_millis()),
                Err(err) => eprintln!("shardlab-fuzz: cannot save an input that failed ({kind}): {err}"),
            }
        }
    }
    println!("fuzz: {}: {tried} inputs in {} s, {saved} saved", target.name(), start.elapsed().as_secs());
    ExitCode::SUCCESS
}

/// How often the driver reports its count.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// Saves `input` as `<dir>/<kind>-<hash>.txt` (FNV-1a of the input, so the same input is saved once).
fn save(dir: &Path, kind: &str, input: &[u8]) -> std::io::Result<PathBuf> {
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{kind}-{hash:016x}.txt"));
    std::fs::write(&path, input)?;
    Ok(path)
}

/// Runs saved inputs once each (the target is the name of the folder each is in) and prints how long each took,
/// to tell a slow input from a loaded machine.
#[expect(
    clippy::disallowed_methods,
    reason = "clippy.toml bans wall clocks for the simulator; the driver times its inputs"
)]
fn replay(files: &[String]) -> ExitCode {
    for file in files {
        let path = Path::new(file);
        let folder = path.parent().and_then(Path::file_name).and_then(|n| n.to_str()).unwrap_or_default();
        let (Some(target), Ok(input)) = (Target::parse(folder), std::fs::read(path)) else {
            eprintln!("shardlab-fuzz: {file} is not a readable input under a target's folder");
            return ExitCode::from(2);
        };
        let clock = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| run(target, &input)));
        let verdict = if outcome.is_ok() { "ran" } else { "panicked" };
        println!("{file}: {verdict} in {} ms", clock.elapsed().as_millis());
    }
    ExitCode::SUCCESS
}
