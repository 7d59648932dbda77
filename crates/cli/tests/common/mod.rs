//! What the CLI's test files share.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `shardlab <args>` with `input` on stdin and waits for it.
pub(crate) fn shardlab_with_input(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shardlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the shardlab binary runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(input).expect("shardlab reads its input");
    drop(stdin);
    child.wait_with_output().expect("shardlab ends")
}
