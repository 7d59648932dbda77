//! `cargo xtask bench`: issue 18's 100-shard scenario natively and as wasm in headless Chromium, side by
//! side; then the engine's throughput natively and through the JSON API, the engine's workloads in wasm
//! (Node), and the page in headless Chromium (frame times, playing speeds, "Run to 1h"),
//! so the README's performance table can be reproduced with one command.

use crate::cmd::Ctx;
use crate::setup::{self, CHROMEDRIVER, WASM_TARGET};

/// The 100-shard scenario's simulated horizon in Chromium unless `--seconds` is given: a minute, which
/// the browser finishes in well under a minute of wall time on these machines.
const CHROMIUM_SECONDS_DEFAULT: &str = "60";

/// Seconds the test runner allows the Chromium scale bench (its default, 20 s, is too short for it).
const CHROMIUM_TIMEOUT_SECS: u32 = 3_600;

/// `args`: `--seconds N` sets the simulated horizon of the 100-shard scenario, natively and in Chromium
/// (default 3,600, one hour, natively and 60 in Chromium); `--native-only` stops after the native scale bench
/// (to iterate on the engine).
pub(crate) fn run(ctx: &Ctx, args: &[String]) -> Result<(), String> {
    let mut seconds: Option<String> = None;
    let mut native_only = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--seconds" => match rest.next().filter(|n| n.parse::<u64>().is_ok_and(|n| n > 0)) {
                Some(n) => seconds = Some(n.clone()),
                None => return Err("bench: --seconds needs a whole number of simulated seconds above 0".into()),
            },
            "--native-only" => native_only = true,
            other => return Err(format!("bench: unknown argument `{other}` (allowed: --seconds N, --native-only)")),
        }
    }
    let native_seconds = seconds.as_deref().unwrap_or("3600");
    println!("== native: 100 shards at full load for {native_seconds} simulated s (cargo bench, optimised) ==");
    let mut scale = ctx.command("cargo");
    scale.args(["bench", "-p", "shardlab-engine", "--bench", "scale", "--", "--seconds", native_seconds]);
    ctx.run(&mut scale)?;
    if native_only {
        return Ok(());
    }
    setup::web_tools(ctx)?;
    let chromium_seconds = seconds.as_deref().unwrap_or(CHROMIUM_SECONDS_DEFAULT);
    println!("== wasm32 in headless Chromium: the same scenario for {chromium_seconds} simulated s ==");
    scale_in_chromium(ctx, chromium_seconds)?;
    println!("== native (cargo bench, optimised) ==");
    let mut native = ctx.command("cargo");
    native.args(["bench", "-p", "shardlab-engine", "--bench", "throughput"]);
    ctx.run(&mut native)?;
    let mut api = ctx.command("cargo");
    api.args(["bench", "-p", "shardlab-api", "--bench", "json_api"]);
    ctx.run(&mut api)?;
    println!("== wasm32 in Node (wasm-bindgen-test-runner) ==");
    let mut wasm = ctx.command("cargo");
    wasm.args(["bench", "-p", "shardlab-engine", "--bench", "wasm", "--target", WASM_TARGET]);
    // Without a browser driver variable the runner uses Node.
    for var in ["CHROMEDRIVER", "GECKODRIVER", "SAFARIDRIVER", "WASM_BINDGEN_USE_BROWSER"] {
        wasm.env_remove(var);
    }
    ctx.run(&mut wasm)?;
    println!("== the page in headless Chromium: frame times with 100 shards at 100x ==");
    crate::trunk::dist(ctx)?;
    ctx.run(ctx.command("node").arg("tests/e2e/frame_bench.mjs"))?;
    println!("== the page in headless Chromium: playing speeds and Run to 1h ==");
    ctx.run(ctx.command("node").arg("tests/e2e/page_speed_bench.mjs"))
}

/// `benches/scale_wasm.rs` through wasm-bindgen-test-runner and chromedriver, optimised like the native
/// benches (the bench profile). The horizon reaches the bench at compile time.
fn scale_in_chromium(ctx: &Ctx, seconds: &str) -> Result<(), String> {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        return Err(format!("bench: {CHROMEDRIVER} is missing (`cargo xtask test` installs Chromium and its driver)"));
    }
    let mut command = ctx.command("cargo");
    command.args(["test", "-p", "shardlab-engine", "--profile", "bench", "--target", WASM_TARGET]);
    command.args(["--bench", "scale_wasm", "--", "--nocapture"]);
    for var in crate::test::DRIVER_VARS.into_iter().chain(["WASM_BINDGEN_USE_BROWSER"]) {
        command.env_remove(var);
    }
    command.env("CHROMEDRIVER", CHROMEDRIVER);
    command.env("WASM_BINDGEN_TEST_TIMEOUT", CHROMIUM_TIMEOUT_SECS.to_string());
    command.env("SHARDLAB_SCALE_SECONDS", seconds);
    ctx.run(&mut command)
}
