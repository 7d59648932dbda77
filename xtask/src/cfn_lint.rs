//! The CloudFormation lint step: cfn-lint from PyPI, in a venv under `target/`, over the template that
//! `shardlab export` writes for every preset (and for a scenario that uses every Firehose destination).

use std::path::Path;

use crate::cmd::Ctx;

/// The pinned cfn-lint; a venv that already reports it is reused, so a second run costs seconds.
const CFN_LINT_VERSION: &str = "1.58.0";
const VENV: &str = "target/cfn-lint";
const TEMPLATES: &str = "target/cfn-templates";
/// A scenario file with a delivery stream to each destination kind (S3, Redshift, OpenSearch, HTTP).
const DESTINATIONS: &str = "crates/scenario/tests/fixtures/export-destinations.json";

pub(crate) fn run(ctx: &Ctx) -> Result<(), String> {
    let lint = install(ctx)?;
    let dir = ctx.root.join(TEMPLATES);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|err| format!("cannot clear {TEMPLATES}: {err}"))?;
    }
    let shardlab = ["run", "-q", "-p", "shardlab-cli", "--"];
    let mut presets = ctx.command("cargo");
    presets.args(shardlab).args(["export", "--all-presets", TEMPLATES, "--format", "cloudformation"]);
    ctx.run(&mut presets)?;
    let mut destinations = ctx.command("cargo");
    destinations.args(shardlab).args(["export", DESTINATIONS, "--format", "cloudformation"]);
    let template = ctx.output(&mut destinations)?;
    std::fs::write(dir.join("export-destinations.yaml"), template)
        .map_err(|err| format!("cannot write a template into {TEMPLATES}: {err}"))?;

    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|err| format!("cannot list {TEMPLATES}: {err}"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .map(|path| path.display().to_string())
        .collect();
    files.sort();
    if files.len() < 11 {
        return Err(format!("expected a template per preset in {TEMPLATES}, found {}", files.len()));
    }
    println!("  linting {} templates", files.len());
    // cfn-lint exits non-zero on errors and on warnings alike: both fail the step.
    ctx.run(ctx.command(&lint).args(&files))
}

/// Creates the venv and installs cfn-lint unless the pinned version is already there; returns its path.
fn install(ctx: &Ctx) -> Result<String, String> {
    let lint = ctx.root.join(VENV).join("bin").join("cfn-lint").display().to_string();
    if ctx.version_line(&lint).is_some_and(|line| line == format!("cfn-lint {CFN_LINT_VERSION}")) {
        println!("  ok  cfn-lint {CFN_LINT_VERSION} ({VENV})");
        return Ok(lint);
    }
    if !Path::new(&ctx.root.join(VENV).join("bin").join("pip")).exists() {
        println!("  creating a Python venv in {VENV}");
        ctx.run(ctx.command("python3").args(["-m", "venv", VENV])).map_err(|err| {
            format!("{err}\n  (Debian needs the python3-venv package: apt-get install -y python3-venv)")
        })?;
    }
    println!("  installing cfn-lint {CFN_LINT_VERSION} from PyPI (about 15 s)");
    let pip = ctx.root.join(VENV).join("bin").join("pip").display().to_string();
    ctx.run(ctx.command(&pip).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        &format!("cfn-lint=={CFN_LINT_VERSION}"),
    ]))?;
    match ctx.version_line(&lint) {
        Some(line) if line == format!("cfn-lint {CFN_LINT_VERSION}") => Ok(lint),
        found => {
            Err(format!("after the install, `{lint} --version` printed {found:?}, not cfn-lint {CFN_LINT_VERSION}"))
        }
    }
}
