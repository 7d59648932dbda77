//! Installs the pinned tools, or only checks them when they are already there.
//!
//! Every tool is checked first through `TOOL --version` (or the package manager), so a second
//! run costs seconds. Installs go to the user's cargo home (`cargo install`), to `node_modules/`
//! (`npm ci`), and, for the browsers only, to the system through Debian's apt-get (root only).

use std::path::Path;

use crate::cmd::{Ctx, Stopwatch};

pub(crate) const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Debian packages for the browser tests (the browsers and ChromeDriver) and for the cfn-lint venv.
const DEBIAN_PACKAGES: [&str; 4] = ["chromium", "chromium-driver", "firefox-esr", "python3-venv"];
/// Paths the test steps use; they come from the Debian packages above.
pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";
pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const FIREFOX: &str = "/usr/bin/firefox";

/// The version `wasm-opt --version` must report: npm `binaryen@132.0.0` (package.json). Trunk.toml
/// names the same version, and Trunk uses a wasm-opt from PATH only when the versions match.
const WASM_OPT_VERSION: &str = "version_132";

/// A tool installed with `cargo install` into `~/.cargo/bin`.
struct CargoTool {
    krate: &'static str,
    version: &'static str,
    /// The binaries it provides, each checked with `--version`.
    bins: &'static [&'static str],
    /// `--locked` where the crate's lock file resolves against today's registry.
    locked: bool,
    /// How long the install takes on this project's 2-core machines (told to the user).
    duration: &'static str,
}

/// Must equal the `wasm-bindgen` version in Cargo.lock (the workspace pins `=0.2.130`).
/// Not `--locked`: its lock names a webpki-roots version the registry no longer has.
const WASM_BINDGEN_CLI: CargoTool = CargoTool {
    krate: "wasm-bindgen-cli",
    version: "0.2.130",
    bins: &["wasm-bindgen", "wasm-bindgen-test-runner"],
    locked: false,
    duration: "2 to 4 minutes",
};

/// 0.21.14 is the newest Trunk that builds with Rust 1.95 (0.22 needs 1.96.1).
const TRUNK: CargoTool =
    CargoTool { krate: "trunk", version: "0.21.14", bins: &["trunk"], locked: true, duration: "7 to 9 minutes" };

const GECKODRIVER: CargoTool = CargoTool {
    krate: "geckodriver",
    version: "0.37.1",
    bins: &["geckodriver"],
    locked: false,
    duration: "about 3 minutes",
};

/// What `serve` and `dist` need: the wasm target, wasm-bindgen, Trunk and npm's wasm-opt.
pub(crate) fn web_tools(ctx: &Ctx) -> Result<(), String> {
    println!("==> set-up: web tools");
    let clock = Stopwatch::start();
    check_node(ctx)?;
    install_web_tools(ctx)?;
    println!("<== set-up: done in {}", clock.elapsed());
    Ok(())
}

/// Everything `test` needs: the web tools plus the browsers and their drivers.
pub(crate) fn all(ctx: &Ctx) -> Result<(), String> {
    println!("==> set-up: web tools, browsers and drivers");
    let clock = Stopwatch::start();
    check_node(ctx)?;
    // apt-get first: it is the one piece that can fail for want of root, and it should fail
    // before the long `cargo install`s rather than after them.
    debian_packages(ctx)?;
    install_web_tools(ctx)?;
    cargo_tool(ctx, &GECKODRIVER)?;
    println!("<== set-up: done in {}", clock.elapsed());
    Ok(())
}

fn install_web_tools(ctx: &Ctx) -> Result<(), String> {
    wasm_target(ctx)?;
    cargo_tool(ctx, &WASM_BINDGEN_CLI)?;
    cargo_tool(ctx, &TRUNK)?;
    npm_packages(ctx)
}

/// Node.js and npm come with the machine; they are not installed here.
fn check_node(ctx: &Ctx) -> Result<(), String> {
    let need = "Node.js 20 or newer with npm is needed (npm installs wasm-opt and Playwright; \
                the end-to-end tests run on Node's test runner)";
    let node = ctx.version_line("node").ok_or_else(|| format!("`node` was not found on PATH. {need}"))?;
    let major: u32 = node
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse().ok())
        .ok_or_else(|| format!("cannot read the version `node --version` printed: {node}"))?;
    if major < 20 {
        return Err(format!("found Node.js {node}. {need}"));
    }
    let npm = ctx.version_line("npm").ok_or_else(|| format!("`npm` was not found on PATH. {need}"))?;
    println!("  ok  node {node}, npm {npm}");
    Ok(())
}

/// The wasm32 target of the toolchain that rust-toolchain.toml selects.
fn wasm_target(ctx: &Ctx) -> Result<(), String> {
    let installed = ctx
        .output(ctx.command("rustup").args(["target", "list", "--installed"]))
        .map_err(|err| format!("cannot list the Rust targets through rustup: {err}"))?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        println!("  ok  Rust target {WASM_TARGET}");
        return Ok(());
    }
    println!("  installing the Rust target {WASM_TARGET}");
    ctx.run(ctx.command("rustup").args(["target", "add", WASM_TARGET]))
}

fn cargo_tool(ctx: &Ctx, tool: &CargoTool) -> Result<(), String> {
    let stale: Vec<String> = tool
        .bins
        .iter()
        .filter_map(|bin| match ctx.version_line(bin) {
            Some(line) if reports_version(&line, tool.version) => None,
            Some(line) => Some(format!("`{bin} --version` prints `{line}`")),
            None => Some(format!("`{bin}` is not installed")),
        })
        .collect();
    if stale.is_empty() {
        println!("  ok  {} {}", tool.krate, tool.version);
        return Ok(());
    }
    println!(
        "  installing {} {} into {} ({}; {} on 2 cores)",
        tool.krate,
        tool.version,
        ctx.cargo_bin.display(),
        stale.join(", "),
        tool.duration
    );
    let mut install = ctx.command("cargo");
    install.arg("install");
    if tool.locked {
        install.arg("--locked");
    }
    install.args([tool.krate, "--version", tool.version]);
    ctx.run(&mut install)?;
    for bin in tool.bins {
        match ctx.version_line(bin) {
            Some(line) if reports_version(&line, tool.version) => {}
            found => {
                return Err(format!(
                    "installed {} {} but `{bin} --version` prints {:?}: is another `{bin}` \
                     earlier on PATH than {}?",
                    tool.krate,
                    tool.version,
                    found.unwrap_or_default(),
                    ctx.cargo_bin.display()
                ));
            }
        }
    }
    Ok(())
}

/// `trunk 0.21.14`, `geckodriver 0.37.1 (hash date)`: the second word is the version.
fn reports_version(line: &str, version: &str) -> bool {
    line.split_whitespace().nth(1) == Some(version)
}

/// npm packages from package.json and package-lock.json: binaryen (wasm-opt), playwright-core and axe-core
/// (the end-to-end accessibility checks).
fn npm_packages(ctx: &Ctx) -> Result<(), String> {
    let has_lock = ctx.root.join("package-lock.json").is_file();
    if has_lock && node_modules_match_lock(ctx) {
        println!("  ok  npm packages (node_modules matches package-lock.json)");
    } else if has_lock {
        println!("  installing npm packages from package-lock.json");
        ctx.run(ctx.command("npm").args(["ci", "--no-audit", "--no-fund"]))?;
    } else {
        println!("  installing npm packages (no package-lock.json yet: npm install writes one)");
        ctx.run(ctx.command("npm").args(["install", "--no-audit", "--no-fund"]))?;
    }
    match ctx.version_line("wasm-opt") {
        Some(line) if line.contains(WASM_OPT_VERSION) => Ok(()),
        found => Err(format!(
            "`wasm-opt --version` prints {:?}, but Trunk needs {WASM_OPT_VERSION} from npm's \
             binaryen in node_modules/.bin; check package.json",
            found.unwrap_or_default()
        )),
    }
}

/// Whether every package in package-lock.json is installed at its locked version and the lock
/// was made from the current package.json (what `npm ci` would otherwise redo from scratch).
fn node_modules_match_lock(ctx: &Ctx) -> bool {
    const CHECK: &str = r#"
const fs = require('fs');
const read = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const lock = read('package-lock.json');
const manifest = read('package.json');
const same = (a, b) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
let ok = same(lock.packages[''].dependencies, manifest.dependencies)
  && same(lock.packages[''].devDependencies, manifest.devDependencies);
for (const [dir, pkg] of Object.entries(lock.packages)) {
  if (dir === '' || !ok) continue;
  try {
    ok = read(dir + '/package.json').version === pkg.version;
  } catch {
    ok = pkg.optional === true;
  }
}
process.exit(ok ? 0 : 1);
"#;
    ctx.output(ctx.command("node").args(["-e", CHECK])).is_ok()
}

/// Chromium, ChromeDriver and Firefox ESR from Debian; installing them needs root.
fn debian_packages(ctx: &Ctx) -> Result<(), String> {
    if ctx.version_line("dpkg-query").is_none() {
        return Err(format!(
            "`dpkg-query` was not found: the browser set-up uses Debian's packages ({}). On \
             another system install Chromium, ChromeDriver and Firefox so that {CHROMIUM}, \
             {CHROMEDRIVER} and {FIREFOX} exist",
            DEBIAN_PACKAGES.join(" ")
        ));
    }
    let missing: Vec<&str> = DEBIAN_PACKAGES.into_iter().filter(|package| !dpkg_installed(ctx, package)).collect();
    if !missing.is_empty() {
        let list = missing.join(" ");
        if !is_root(ctx) {
            return Err(format!(
                "the browser tests need the Debian packages {list}, which are not installed, and \
                 installing them needs root. Run this, then run xtask again:\n    \
                 sudo apt-get update && sudo apt-get install -y {list}"
            ));
        }
        println!("  installing Debian packages: {list}");
        ctx.run(ctx.command("apt-get").arg("update"))?;
        ctx.run(
            ctx.command("apt-get").env("DEBIAN_FRONTEND", "noninteractive").args(["install", "-y"]).args(&missing),
        )?;
    }
    for path in [CHROMIUM, CHROMEDRIVER, FIREFOX] {
        if !Path::new(path).exists() {
            return Err(format!(
                "{path} does not exist although the Debian packages {} are installed",
                DEBIAN_PACKAGES.join(" ")
            ));
        }
    }
    println!("  ok  Debian packages {}", DEBIAN_PACKAGES.join(", "));
    Ok(())
}

fn dpkg_installed(ctx: &Ctx, package: &str) -> bool {
    // dpkg-query fails for a package it has never heard of: that is "not installed" too.
    ctx.output(ctx.command("dpkg-query").args(["-W", "-f=${Status}", package]))
        .is_ok_and(|status| status.trim() == "install ok installed")
}

fn is_root(ctx: &Ctx) -> bool {
    ctx.output(ctx.command("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::reports_version;

    #[test]
    fn versions_are_matched_word_for_word() {
        assert!(reports_version("trunk 0.21.14", "0.21.14"));
        assert!(reports_version("geckodriver 0.37.1 (abc 2026-01-01)", "0.37.1"));
        assert!(!reports_version("trunk 0.21.140", "0.21.14"));
        assert!(!reports_version("trunk", "0.21.14"));
    }
}
