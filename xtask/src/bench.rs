//! `cargo xtask bench`: the engine's throughput natively and through the JSON API, then the engine's
//! workloads in wasm (Node), then the page's frame times in headless Chromium,
//! so the README's performance table can be reproduced with one command.

use crate::cmd::Ctx;
use crate::setup::{self, WASM_TARGET};

/// `args`: `--seconds N` sets the simulated horizon of the 100-shard scenario (default 3,600: one hour);
/// `--native-only` stops after the native benches (to iterate on the engine).
pub(crate) fn run(ctx: &Ctx, args: &[String]) -> Result<(), String> {
    let mut seconds = String::from("3600");
    let mut native_only = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--seconds" => match rest.next().filter(|n| n.parse::<u64>().is_ok_and(|n| n > 0)) {
                Some(n) => seconds.clone_from(n),
                None => return Err("bench: --seconds needs a whole number of simulated seconds above 0".into()),
            },
            "--native-only" => native_only = true,
            other => return Err(format!("bench: unknown argument `{other}` (allowed: --seconds N, --native-only)")),
        }
    }
    println!("== native: 100 shards at full load for {seconds} simulated s (cargo bench, optimised) ==");
    let mut scale = ctx.command("cargo");
    scale.args(["bench", "-p", "shardlab-engine", "--bench", "scale", "--", "--seconds", &seconds]);
    ctx.run(&mut scale)?;
    if native_only {
        return Ok(());
    }
    setup::web_tools(ctx)?;
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
    ctx.run(ctx.command("node").arg("tests/e2e/frame_bench.mjs"))
}
