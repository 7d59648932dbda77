//! `cargo xtask fuzz --minutes N [--target T]`: builds the `shardlab-fuzz` driver (profile `fuzz`) and
//! runs it for N minutes per target, watching it from outside: a child that dies (a stack overflow
//! aborts), stops writing new inputs for [`STALL_LIMIT`] or holds more than [`MEMORY_CEILING_BYTES`]
//! is killed, and the input it was on is saved under `tests/fuzz/regressions/<target>/`. The driver
//! saves inputs that panic, run past their per-input limit or give different results twice.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::cmd::{Ctx, Stopwatch};

/// The targets, in the driver's names.
const TARGETS: [&str; 5] = ["link", "scenario", "api", "sql", "transform"];

/// How long the driver may go without starting a new input (each runs twice, within 10 s each).
const STALL_LIMIT: Duration = Duration::from_secs(30);

/// Resident memory the driver may reach; one input that needs more is saved.
const MEMORY_CEILING_BYTES: u64 = 1 << 30;

/// How often the watcher looks at the child.
const POLL: Duration = Duration::from_millis(100);

/// What `cargo xtask fuzz` was asked for.
struct Request {
    seconds_per_target: u64,
    targets: Vec<&'static str>,
}

fn parse(args: &[String]) -> Result<Request, String> {
    let mut minutes = None;
    let mut targets: Vec<&'static str> = TARGETS.to_vec();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--minutes" => {
                let value = args.next().ok_or("--minutes needs a number of minutes, such as 1 or 0.5")?;
                minutes = Some(
                    value.parse::<f64>().ok().filter(|m| m.is_finite() && *m > 0.0 && *m <= 10_000.0).ok_or_else(
                        || {
                            format!(
                                "--minutes takes a number of minutes from 0 to 10000, such as 1 or 0.5, not `{value}`"
                            )
                        },
                    )?,
                );
            }
            "--target" => {
                let value = args.next().ok_or("--target needs a target name")?;
                let target = TARGETS
                    .into_iter()
                    .find(|t| t == value)
                    .ok_or_else(|| format!("unknown target `{value}`: the targets are {}", TARGETS.join(", ")))?;
                targets = vec![target];
            }
            other => return Err(format!("unknown argument `{other}`: fuzz takes --minutes N [--target T]")),
        }
    }
    let minutes = minutes.ok_or("fuzz needs --minutes N (minutes per target)")?;
    // Whole seconds, at least one.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let seconds_per_target = ((minutes * 60.0).round() as u64).max(1);
    Ok(Request { seconds_per_target, targets })
}

/// `cargo xtask fuzz` with its arguments.
pub(crate) fn run(ctx: &Ctx, args: &[String]) -> Result<(), String> {
    let request = parse(args)?;
    fuzz(ctx, &request.targets, request.seconds_per_target, seed_from_clock())
}

/// The seed of the pass in `cargo xtask test`: fixed, so a CI failure always reproduces with the same
/// inputs; long runs (`cargo xtask fuzz`) explore from a new seed each time.
const CI_SEED: u64 = 0x5EED_F022;

/// The `cargo xtask test` step: every target, a minute in all.
pub(crate) fn one_minute(ctx: &Ctx) -> Result<(), String> {
    fuzz(ctx, &TARGETS, 60 / TARGETS.len() as u64, CI_SEED)
}

fn fuzz(ctx: &Ctx, targets: &[&str], seconds: u64, seed: u64) -> Result<(), String> {
    ctx.run(ctx.command("cargo").args([
        "build",
        "--profile",
        "fuzz",
        "-p",
        "shardlab-tests",
        "--bin",
        "shardlab-fuzz",
    ]))?;
    let driver = ctx.root.join("target").join("fuzz").join("shardlab-fuzz");
    let regressions = ctx.root.join("tests").join("fuzz").join("regressions");
    let mut found = Vec::new();
    let mut lines = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let current = ctx.root.join("target").join("fuzz").join(format!("current-{target}.txt"));
        let seed = seed.wrapping_add(i as u64);
        println!("  fuzz {target} for {seconds} s (seed {seed})");
        let outcome = watch(&driver, target, seconds, seed, &current, &regressions)?;
        if let Some(kind) = outcome.killed {
            let saved = save_current(&current, &regressions.join(target), kind)?;
            println!("  fuzz: saved {} ({kind})", saved.display());
            found.push(saved);
        }
        found.extend(outcome.saved);
        let per_minute = outcome.tried.saturating_mul(60) / seconds.max(1);
        lines.push(format!("  {target:<10} {:>9} inputs   {per_minute:>9} per minute", outcome.tried));
    }
    println!("  fuzz summary ({seconds} s per target, seed {seed}):");
    for line in lines {
        println!("{line}");
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} input(s) saved under tests/fuzz/regressions/ (a test replays them): {}",
            found.len(),
            found.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ))
    }
}

/// A new seed for every run, printed so that a run can be told apart from another.
#[expect(
    clippy::disallowed_methods,
    reason = "clippy.toml bans wall clocks for the simulator; a fuzz seed is not simulated"
)]
fn seed_from_clock() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

struct Outcome {
    tried: u64,
    saved: Vec<PathBuf>,
    /// Why the watcher killed the driver or why it died, if it did.
    killed: Option<&'static str>,
}

fn watch(
    driver: &Path,
    target: &str,
    seconds: u64,
    seed: u64,
    current: &Path,
    regressions: &Path,
) -> Result<Outcome, String> {
    let _ = std::fs::remove_file(current);
    let mut child = Command::new(driver)
        .args([target, &seconds.to_string(), &seed.to_string()])
        .arg(current)
        .arg(regressions)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start {}: {err}", driver.display()))?;
    let stdout = child.stdout.take().ok_or("the driver has no stdout pipe")?;
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut lines = Vec::new();
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("  {line}");
            lines.push(line);
        }
        lines
    });
    let clock = Stopwatch::start();
    let deadline = Duration::from_secs(seconds) + STALL_LIMIT;
    let killed = loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break None,
            Ok(Some(status)) => {
                println!("  fuzz: the driver died ({status})");
                break Some("crash");
            }
            Ok(None) => {}
            Err(err) => return Err(format!("waiting for the driver: {err}")),
        }
        let stalled = std::fs::metadata(current)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|at| at.elapsed().ok())
            .is_some_and(|idle| idle > STALL_LIMIT);
        if stalled || clock.elapsed_duration() > deadline {
            println!("  fuzz: no new input for {} s: stopping the driver", STALL_LIMIT.as_secs());
            stop(&mut child);
            break Some("stall");
        }
        if resident_bytes(child.id()).is_some_and(|bytes| bytes > MEMORY_CEILING_BYTES) {
            println!("  fuzz: the driver holds more than {} MiB: stopping it", MEMORY_CEILING_BYTES >> 20);
            stop(&mut child);
            break Some("memory");
        }
        std::thread::sleep(POLL);
    };
    let lines = reader.join().map_err(|_| "the thread reading the driver's output panicked")?;
    let saved = lines
        .iter()
        .filter_map(|l| l.strip_prefix("fuzz: saved "))
        .map(|l| PathBuf::from(l.split(" (").next().unwrap_or(l)))
        .collect();
    // The last count the driver printed (it prints one every few seconds and one at the end).
    let tried = lines
        .iter()
        .rev()
        .find_map(|l| {
            l.strip_prefix(&format!("fuzz: {target}: ")).and_then(|rest| rest.split(' ').next()?.parse().ok())
        })
        .unwrap_or(0);
    Ok(Outcome { tried, saved, killed })
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// `VmRSS` of a process, from `/proc` (Linux); `None` elsewhere.
fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Copies the input the driver was on to `<dir>/<kind>-<hash>.txt`.
fn save_current(current: &Path, dir: &Path, kind: &str) -> Result<PathBuf, String> {
    let input = std::fs::read(current)
        .map_err(|err| format!("cannot read the input that failed ({}): {err}", current.display()))?;
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    std::fs::create_dir_all(dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    let path = dir.join(format!("{kind}-{hash:016x}.txt"));
    std::fs::write(&path, input).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn minutes_are_per_target_and_a_target_narrows_the_run() {
        let request = parse(&args("--minutes 0.5 --target sql")).expect("valid");
        assert_eq!((request.seconds_per_target, request.targets), (30, vec!["sql"]));
        let request = parse(&args("--minutes 30")).expect("valid");
        assert_eq!((request.seconds_per_target, request.targets.len()), (1_800, 5));
    }

    #[test]
    fn bad_arguments_say_what_is_allowed() {
        let error = |text| parse(&args(text)).err().expect("an error");
        assert_eq!(error(""), "fuzz needs --minutes N (minutes per target)");
        assert_eq!(
            error("--minutes 1 --target http"),
            "unknown target `http`: the targets are link, scenario, api, sql, transform"
        );
        assert!(error("--minutes -3").starts_with("--minutes takes a number of minutes from 0 to 10000"));
        assert!(error("--minutes 1 --fast").starts_with("unknown argument `--fast`"));
    }
}
