//! `cargo xtask bench`: the engine's throughput natively and through the JSON API, then the engine's
//! workloads in wasm (Node), then the page's frame times in headless Chromium,
//! so the README's performance table can be reproduced with one command.

use crate::cmd::Ctx;
use crate::setup::{self, WASM_TARGET};

pub(crate) fn run(ctx: &Ctx) -> Result<(), String> {
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
