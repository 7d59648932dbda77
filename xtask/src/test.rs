//! `cargo xtask test`: every check, each step timed, going on after a failure so that the
//! summary at the end is complete.

use std::process::{Command, ExitCode};

use crate::cmd::{Ctx, Stopwatch};
use crate::setup::{self, CHROMEDRIVER, WASM_TARGET};
use crate::trunk;

struct Step {
    name: &'static str,
    /// A step that is pointless when this earlier one failed (it is then counted as failed).
    needs: Option<&'static str>,
    run: fn(&Ctx) -> Result<(), String>,
}

const STEPS: [Step; 11] = [
    Step { name: "fmt", needs: None, run: fmt },
    Step { name: "clippy (native)", needs: None, run: clippy_native },
    Step { name: "clippy (wasm32)", needs: None, run: clippy_wasm },
    Step { name: "tests (native)", needs: None, run: tests_native },
    Step { name: "no_std (5 crates)", needs: None, run: engine_no_std },
    Step { name: "fuzz (1 minute)", needs: None, run: crate::fuzz::one_minute },
    Step { name: "cfn-lint (exports)", needs: None, run: crate::cfn_lint::run },
    Step { name: "wasm tests (Chrome)", needs: None, run: wasm_tests_chrome },
    Step { name: "wasm tests (Firefox)", needs: None, run: wasm_tests_firefox },
    Step { name: "dist (release)", needs: None, run: trunk::dist },
    Step {
        name: "end-to-end (Chromium)",
        // Without a fresh dist/ the end-to-end tests would test a stale build.
        needs: Some("dist (release)"),
        run: end_to_end,
    },
];

const WASM_CRATES: [&str; 4] = ["-p", "shardlab-engine", "-p", "shardlab-web"];

pub(crate) fn run(ctx: &Ctx) -> ExitCode {
    let setup_clock = Stopwatch::start();
    if let Err(err) = setup::all(ctx) {
        eprintln!("xtask: error: {err}");
        println!("failed: set-up");
        println!("xtask test: 0 passed, 1 failed");
        return ExitCode::FAILURE;
    }
    let setup_time = setup_clock.elapsed();

    let mut results: Vec<(&str, Result<(), String>, String)> = Vec::new();
    for (number, step) in STEPS.iter().enumerate() {
        println!("\n==> [{}/{}] {}", number + 1, STEPS.len(), step.name);
        let clock = Stopwatch::start();
        let unmet =
            step.needs.filter(|needed| results.iter().any(|(name, result, _)| name == needed && result.is_err()));
        let result = match unmet {
            Some(needed) => Err(format!("not run: it needs `{needed}`, which failed")),
            None => (step.run)(ctx),
        };
        let time = clock.elapsed();
        match &result {
            Ok(()) => println!("<== {}: ok ({time})", step.name),
            Err(err) => println!("<== {}: FAILED ({time}): {err}", step.name),
        }
        results.push((step.name, result, time));
    }

    println!("\n==> summary");
    println!("  {:<8}{:<24}{setup_time}", "ok", "set-up");
    for (name, result, time) in &results {
        let status = if result.is_ok() { "ok" } else { "FAILED" };
        println!("  {status:<8}{name:<24}{time}");
    }
    let failed: Vec<&str> = results.iter().filter(|(_, result, _)| result.is_err()).map(|(name, _, _)| *name).collect();
    if !failed.is_empty() {
        println!("failed: {}", failed.join(", "));
    }
    println!("xtask test: {} passed, {} failed", results.len() - failed.len(), failed.len());
    if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn cargo(ctx: &Ctx, args: &[&str]) -> Command {
    let mut command = ctx.command("cargo");
    command.args(args);
    command
}

fn fmt(ctx: &Ctx) -> Result<(), String> {
    ctx.run(&mut cargo(ctx, &["fmt", "--all", "--", "--check"]))
}

fn clippy_native(ctx: &Ctx) -> Result<(), String> {
    ctx.run(&mut cargo(ctx, &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))
}

fn clippy_wasm(ctx: &Ctx) -> Result<(), String> {
    let mut command = cargo(ctx, &["clippy"]);
    // The api, scenario, analytics and lessons crates are no_std too (the playground uses them); their tests are native.
    command
        .args(WASM_CRATES)
        .args(["-p", "shardlab-api", "-p", "shardlab-scenario", "-p", "shardlab-analytics", "-p", "shardlab-lessons"])
        .args(["--target", WASM_TARGET, "--all-targets", "--", "-D", "warnings"]);
    ctx.run(&mut command)?;
    // The first visit's lite module is the page without its `full` feature (web/src/modules.rs).
    ctx.run(&mut cargo(
        ctx,
        &[
            "clippy",
            "-p",
            "shardlab-web",
            "--no-default-features",
            "--lib",
            "--bins",
            "--target",
            WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ],
    ))
}

fn tests_native(ctx: &Ctx) -> Result<(), String> {
    ctx.run(&mut cargo(ctx, &["test", "--workspace"]))?;
    // The engine as the lite module builds it (without `pipelines` and `video`) refuses Firehose, Analytics
    // and Video Streams.
    ctx.run(&mut cargo(
        ctx,
        &[
            "test",
            "-p",
            "shardlab-engine",
            "--no-default-features",
            "--lib",
            "--",
            "without_pipelines",
            "without_video",
        ],
    ))?;
    // The scenario crate as the lite module builds it: such nodes still decode, and are refused.
    ctx.run(&mut cargo(
        ctx,
        &["test", "-p", "shardlab-scenario", "--no-default-features", "--lib", "--", "without_pipelines"],
    ))
}

/// The engine must build for wasm32 without `std`: no crate in its (non-proc-macro) dependency
/// tree may have its `std` feature on. Proc-macros run on the host, so their `std` is harmless.
fn engine_no_std(ctx: &Ctx) -> Result<(), String> {
    // The api, scenario, analytics and lessons crates are no_std too: the playground runs them in the browser.
    for package in ["shardlab-engine", "shardlab-api", "shardlab-scenario", "shardlab-analytics", "shardlab-lessons"] {
        no_std_tree(ctx, package)?;
    }
    Ok(())
}

/// Fails if `package`'s wasm32 dependency tree turns on any `std` feature, or if it does not build there.
fn no_std_tree(ctx: &Ctx, package: &str) -> Result<(), String> {
    let tree_args = ["tree", "-p", package, "-e", "normal,features,no-proc-macro", "--target", WASM_TARGET];
    println!("  $ cargo {}", tree_args.join(" "));
    let tree = ctx.output(&mut cargo(ctx, &tree_args))?;
    let with_std: Vec<&str> = tree.lines().filter(|line| line.contains("feature \"std\"")).collect();
    if !with_std.is_empty() {
        return Err(format!(
            "the wasm32 dependency tree of {package} turns on `std`:\n{}\n  (see who enables it: \
             cargo tree -p {package} -e features --target {WASM_TARGET} -i CRATE)",
            with_std.join("\n")
        ));
    }
    println!("  ok: no `feature \"std\"` among {} lines of {package}'s tree", tree.lines().count());
    ctx.run(&mut cargo(ctx, &["build", "-p", package, "--target", WASM_TARGET]))
}

/// Environment variables through which wasm-bindgen-test-runner picks a browser. The runner
/// prefers geckodriver whenever GECKODRIVER is set, so each browser step clears all of them and
/// sets exactly one.
pub(crate) const DRIVER_VARS: [&str; 10] = [
    "GECKODRIVER",
    "GECKODRIVER_REMOTE",
    "CHROMEDRIVER",
    "CHROMEDRIVER_REMOTE",
    "SAFARIDRIVER",
    "SAFARIDRIVER_REMOTE",
    "MSEDGEDRIVER",
    "MSEDGEDRIVER_REMOTE",
    "NO_HEADLESS",
    "WASM_BINDGEN_TEST_ONLY_NODE",
];

fn wasm_tests_chrome(ctx: &Ctx) -> Result<(), String> {
    wasm_tests(ctx, "Chrome", "CHROMEDRIVER", CHROMEDRIVER.into())
}

fn wasm_tests_firefox(ctx: &Ctx) -> Result<(), String> {
    let geckodriver = ctx.cargo_bin.join("geckodriver");
    wasm_tests(ctx, "Firefox", "GECKODRIVER", geckodriver.display().to_string())
}

/// Seconds wasm-bindgen-test-runner allows one test binary in a browser.
const WASM_TEST_TIMEOUT_SECS: u32 = 600;

/// `cargo test --target wasm32-unknown-unknown`: .cargo/config.toml makes
/// wasm-bindgen-test-runner the runner, which drives the browser headless through its
/// WebDriver. No `-q`: the runner rejects the `--quiet` that cargo would pass on.
fn wasm_tests(ctx: &Ctx, browser: &str, driver_var: &str, driver: String) -> Result<(), String> {
    let mut command = cargo(ctx, &["test"]);
    command.args(WASM_CRATES).args(["--target", WASM_TARGET]);
    for var in DRIVER_VARS {
        command.env_remove(var);
    }
    command.env(driver_var, driver);
    // The runner's default budget for a whole test binary is 20 s; the engine's tests (debug build, simulated
    // minutes in some) take longer in a browser, and a request to the driver waits on a long synchronous test.
    command.env("WASM_BINDGEN_TEST_TIMEOUT", WASM_TEST_TIMEOUT_SECS.to_string());
    // The runner prints this line once for each test binary it runs in the browser.
    let marker = format!("Running headless tests in {browser}");
    let binaries = ctx.run_counting(&mut command, &marker)?;
    if binaries == 0 {
        return Err(format!(
            "the tests passed but none ran in {browser} (no \"{marker}\" line): do the test \
             crates call wasm_bindgen_test_configure!(run_in_browser)?"
        ));
    }
    println!("  ran {binaries} test binaries in headless {browser}");
    Ok(())
}

/// `node --test tests/e2e/`: Playwright drives Debian's Chromium against dist/ served from a
/// sub-path (see tests/e2e/harness.mjs).
fn end_to_end(ctx: &Ctx) -> Result<(), String> {
    ctx.run(ctx.command("node").args(["--test", "tests/e2e/"]))
}
