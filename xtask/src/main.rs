//! Project automation for Shardlab, run as `cargo xtask <command>`.
//!
//! Plain `std`: every external tool is started as a child process, and the set-up installs the
//! pinned tools the first time and only checks their versions afterwards.

mod bench;
mod cfn_lint;
mod cmd;
mod fuzz;
mod setup;
mod size;
mod test;
mod trunk;

use std::process::ExitCode;

use cmd::Ctx;

const USAGE: &str = "\
Usage: cargo xtask <command>

Commands:
  serve   set up the web tools, then run the app at http://127.0.0.1:8080/ (dev build, live reload)
  dist    set up the web tools, then build the release site into dist/ (relative URLs: host it
          under any path)
  test    set up everything (web tools, Chromium, Firefox, drivers), then run every check:
          fmt, clippy (native and wasm32), native tests, no_std check, cfn-lint of the exports,
          wasm tests in headless Chromium and Firefox, the release dist, and end-to-end tests
  cfn-lint  only the CloudFormation step: export every preset and lint it (cfn-lint from PyPI
          in target/cfn-lint)
  bench [--seconds N] [--native-only]
          measure the 100-shard scenario natively (N simulated s, default 3600) and as wasm in
          headless Chromium (N, default 60), then the engine in wasm (Node) and the page in
          headless Chromium (frame times, playing speeds, Run to 1h)
  fuzz --minutes N [--target T]
          generate inputs for N minutes per target (link, scenario, api, sql, transform); save
          any that panics, aborts, stalls, exceeds its memory or differs when run again under
          tests/fuzz/regressions/<target>/, where a test replays them
  size    where the page's wasm bytes go, by crate: a release build with names, profiled with
          twiggy (`cargo install twiggy --version 0.8.0`; the web tools come from `dist`)
  setup   only install or check the tools that `test` needs
  help    show this text

Tools go to ~/.cargo/bin (cargo install) and node_modules/ (npm); Debian packages need root.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match args.as_slice() {
        [] => "help",
        [one] => one.as_str(),
        [first, ..] if first == "fuzz" => "fuzz",
        [first, ..] if first == "bench" => "bench",
        [first, ..] => {
            eprintln!("xtask: `{first}` takes no arguments\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let ctx = match Ctx::new() {
        Ok(ctx) => ctx,
        Err(err) => return fail(&err),
    };
    match command {
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        "serve" => done(setup::web_tools(&ctx).and_then(|()| trunk::serve(&ctx))),
        "dist" => done(setup::web_tools(&ctx).and_then(|()| trunk::dist(&ctx))),
        "setup" => done(setup::all(&ctx)),
        "size" => done(size::run(&ctx)),
        "bench" => done(bench::run(&ctx, &args[1..])),
        "cfn-lint" => done(cfn_lint::run(&ctx)),
        "test" => test::run(&ctx),
        "fuzz" => done(fuzz::run(&ctx, &args[1..])),
        other => {
            eprintln!("xtask: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn done(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err),
    }
}

fn fail(err: &str) -> ExitCode {
    eprintln!("xtask: error: {err}");
    ExitCode::FAILURE
}
