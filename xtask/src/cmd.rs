//! Running child processes: the repository root, the PATH they see, echoing and timing.

use std::env;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Where things are, and the PATH every child process gets.
pub(crate) struct Ctx {
    /// The workspace root (the parent of `xtask/`).
    pub(crate) root: PathBuf,
    /// `$CARGO_HOME/bin` (usually `~/.cargo/bin`), where `cargo install` puts tools.
    pub(crate) cargo_bin: PathBuf,
    /// `node_modules/.bin`, then `cargo_bin`, then the inherited PATH.
    path: OsString,
}

impl Ctx {
    pub(crate) fn new() -> Result<Self, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or("xtask's manifest directory has no parent")?
            .to_path_buf();
        let cargo_home = match env::var_os("CARGO_HOME") {
            Some(home) => PathBuf::from(home),
            None => PathBuf::from(env::var_os("HOME").ok_or("neither CARGO_HOME nor HOME is set")?).join(".cargo"),
        };
        let cargo_bin = cargo_home.join("bin");
        // node_modules/.bin comes first so that Trunk finds npm's wasm-opt (binaryen 132) before
        // an older system one such as Debian's /usr/bin/wasm-opt.
        let mut dirs = vec![root.join("node_modules").join(".bin"), cargo_bin.clone()];
        dirs.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
        let path = env::join_paths(dirs).map_err(|err| format!("cannot build PATH: {err}"))?;
        Ok(Self { root, cargo_bin, path })
    }

    /// A command that runs in the repository root with our PATH (which is also used to find
    /// `program` itself).
    pub(crate) fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.current_dir(&self.root).env("PATH", &self.path);
        command
    }

    /// Echoes the command, runs it with inherited stdio, and fails unless it exits with 0.
    pub(crate) fn run(&self, command: &mut Command) -> Result<(), String> {
        let shown = show(command);
        println!("  $ {shown}");
        let status = command.status().map_err(|err| format!("cannot start `{shown}`: {err}"))?;
        if status.success() { Ok(()) } else { Err(format!("`{shown}` failed ({status})")) }
    }

    /// Like [`Ctx::run`], but also reads the child's stdout line by line (still printing every
    /// line) and returns how many lines contain `marker`.
    pub(crate) fn run_counting(&self, command: &mut Command, marker: &str) -> Result<usize, String> {
        let shown = show(command);
        println!("  $ {shown}");
        let mut child =
            command.stdout(Stdio::piped()).spawn().map_err(|err| format!("cannot start `{shown}`: {err}"))?;
        let stdout = child.stdout.take().ok_or("child has no stdout pipe")?;
        let marker = marker.to_owned();
        let reader = thread::spawn(move || {
            let mut count = 0;
            let mut out = std::io::stdout();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains(&marker) {
                    count += 1;
                }
                // Our own stdout going away (a closed pipe) must not stop the child's output
                // from being drained, so write errors are ignored here.
                let _ = writeln!(out, "{line}");
            }
            count
        });
        let status = child.wait().map_err(|err| format!("waiting for `{shown}`: {err}"))?;
        let count = reader.join().map_err(|_| "the thread reading the child's output panicked")?;
        if status.success() { Ok(count) } else { Err(format!("`{shown}` failed ({status})")) }
    }

    /// Runs the command quietly and returns its stdout; fails (with its stderr) unless it exits 0.
    pub(crate) fn output(&self, command: &mut Command) -> Result<String, String> {
        let shown = show(command);
        let out = command.stdin(Stdio::null()).output().map_err(|err| format!("cannot start `{shown}`: {err}"))?;
        if out.status.success() {
            String::from_utf8(out.stdout).map_err(|_| format!("`{shown}` printed invalid UTF-8"))
        } else {
            Err(format!("`{shown}` failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim()))
        }
    }

    /// The first line `program --version` prints, or `None` if it is missing or fails.
    pub(crate) fn version_line(&self, program: &str) -> Option<String> {
        let out = self.output(self.command(program).arg("--version")).ok()?;
        out.lines().next().map(|line| line.trim().to_owned())
    }
}

/// `KEY=value program arg…` as a shell would show it (PATH left out: it is always ours).
fn show(command: &Command) -> String {
    let mut parts: Vec<String> = command
        .get_envs()
        .filter(|(key, _)| *key != "PATH")
        .filter_map(|(key, value)| value.map(|value| format!("{}={}", key.to_string_lossy(), value.to_string_lossy())))
        .collect();
    parts.push(command.get_program().to_string_lossy().into_owned());
    parts.extend(command.get_args().map(|arg| arg.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// Wall-clock timing of steps.
pub(crate) struct Stopwatch(Instant);

impl Stopwatch {
    #[expect(
        clippy::disallowed_methods,
        reason = "clippy.toml bans wall clocks for the simulator; xtask only times its own steps"
    )]
    pub(crate) fn start() -> Self {
        Self(Instant::now())
    }

    pub(crate) fn elapsed(&self) -> String {
        format_duration(self.0.elapsed())
    }

    pub(crate) fn elapsed_duration(&self) -> Duration {
        self.0.elapsed()
    }
}

fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = duration.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(Duration::from_millis(1234)), "1.2s");
        assert_eq!(format_duration(Duration::from_secs(125)), "2m05s");
    }

    #[test]
    fn commands_are_shown_with_their_env() {
        let mut command = Command::new("cargo");
        command
            .args(["test", "--target", "wasm32-unknown-unknown"])
            .env("PATH", "/bin")
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env_remove("GECKODRIVER");
        assert_eq!(show(&command), "CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown");
    }
}
