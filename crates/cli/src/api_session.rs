//! `shardlab api`: Kinesis API calls as JSON Lines (see the crate docs for the line formats).

use crate::Failure;
use crate::args::Args;
use serde_json::{Value, json};
use shardlab_api::{KinesisApi, Reply};
use shardlab_engine::{KinesisConfig, SimTime, Simulation};
use std::io::{self, BufRead, Write};

/// The most one `advance_ms` line may move time (7 days), so a typo cannot run for ever.
const ADVANCE_MAX_MS: u64 = 7 * 86_400_000;

/// Options of `shardlab api`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Options {
    pub(crate) seed: u64,
    pub(crate) kinesis: KinesisConfig,
}

pub(crate) fn parse_options(rest: &[String]) -> Result<Options, Failure> {
    let mut options = Options { seed: 42, kinesis: KinesisConfig::default() };
    let mut args = Args::new(rest);
    while let Some(arg) = args.next() {
        match arg {
            "--seed" => options.seed = args.number(arg)?,
            "--create-delay-ms" => options.kinesis.transition_delay_ms = args.number(arg)?,
            "--account" => {
                let account = args.value(arg)?;
                if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Failure::Usage(format!("--account takes a 12-digit AWS account id, not '{account}'")));
                }
                options.kinesis.account_id = account.into();
            }
            "--region" => {
                let region = args.value(arg)?;
                let ok = !region.is_empty()
                    && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !ok {
                    return Err(Failure::Usage(format!(
                        "--region takes a Region name such as us-east-1, not '{region}'"
                    )));
                }
                options.kinesis.region = region.into();
            }
            other => {
                return Err(Failure::Usage(format!("shardlab api does not take '{other}'")));
            }
        }
    }
    Ok(options)
}

pub(crate) fn main(rest: &[String]) -> Result<(), Failure> {
    let options = parse_options(rest)?;
    let stdin = io::stdin().lock();
    let stdout = io::stdout().lock();
    let mut session = Session::new(&options);
    // A closed stdout (a pipe whose reader left) just ends the session.
    let _ = session.run(stdin, stdout);
    Ok(())
}

/// How much simulated time passes between hand-outs of subscription events during one `advance_ms`.
const EVENT_SLICE_MS: u64 = 1_000;

/// Longest input line read (16 MiB): a PutRecords call of 10 MiB, base64-encoded, fits.
const LINE_BYTES_MAX: usize = 16 << 20;

/// Reads the next line into `line` without its newline, keeping at most [`LINE_BYTES_MAX`] bytes; the rest
/// of a longer line is read and dropped. `Some(false)` for a line that was too long, `None` at the end.
fn read_line_limited(input: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<Option<bool>> {
    line.clear();
    let mut too_long = false;
    let mut read_any = false;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok(read_any.then_some(!too_long));
        }
        read_any = true;
        let (chunk, found) = match available.iter().position(|b| *b == b'\n') {
            Some(at) => (&available[..at], Some(at + 1)),
            None => (available, None),
        };
        if line.len() + chunk.len() > LINE_BYTES_MAX {
            too_long = true;
            line.clear();
        } else if !too_long {
            line.extend_from_slice(chunk);
        }
        let used = found.unwrap_or(available.len());
        input.consume(used);
        if found.is_some() {
            return Ok(Some(!too_long));
        }
    }
}

/// A simulated account answering JSON lines.
pub(crate) struct Session {
    sim: Simulation,
    api: KinesisApi,
}

impl Session {
    pub(crate) fn new(options: &Options) -> Self {
        Self { sim: Simulation::service_only(options.seed, options.kinesis.clone()), api: KinesisApi::new() }
    }

    /// Answers every line of `input` on `output`, flushing after each.
    pub(crate) fn run(&mut self, mut input: impl BufRead, mut output: impl Write) -> io::Result<()> {
        let mut line = Vec::new();
        while let Some(complete) = read_line_limited(&mut input, &mut line)? {
            if !complete {
                let message = format!(
                    "This line is longer than {LINE_BYTES_MAX} bytes (16 MiB, room for a 10 MiB PutRecords in \
                     base64); it was skipped. Send each call on its own shorter line."
                );
                writeln!(output, "{}", reply_line(&Reply::serialization(message)))?;
                output.flush()?;
                continue;
            }
            let text = String::from_utf8_lossy(&line);
            if text.trim().is_empty() {
                continue;
            }
            let mut failed = None;
            self.answer_each(&text, &mut |answer| {
                if failed.is_none() {
                    failed = writeln!(output, "{answer}").err();
                }
            });
            if let Some(err) = failed {
                return Err(err);
            }
            output.flush()?;
        }
        Ok(())
    }

    /// The output lines for one input line.
    #[cfg(test)]
    pub(crate) fn answer(&mut self, line: &str) -> Vec<String> {
        let mut lines = Vec::new();
        self.answer_each(line, &mut |answer| lines.push(answer));
        lines
    }

    /// Hands each output line for one input line to `emit` as soon as it exists.
    pub(crate) fn answer_each(&mut self, line: &str, emit: &mut dyn FnMut(String)) {
        let value: Value = match serde_json::from_str(line) {
            Ok(value) => value,
            Err(err) => return emit(reply_line(&Reply::serialization(format!("{err}")))),
        };
        if let Some(ms) = value.get("advance_ms") {
            return match ms.as_u64().filter(|ms| *ms <= ADVANCE_MAX_MS) {
                Some(ms) => self.advance(ms, emit),
                None => emit(reply_line(&Reply::serialization(format!(
                    "advance_ms must be a whole number of milliseconds from 0 to {ADVANCE_MAX_MS}, not {ms}."
                )))),
            };
        }
        let Some(target) = value.get("target").and_then(Value::as_str) else {
            return emit(reply_line(&Reply::serialization(
                "Each line is {\"target\": \"Kinesis_20131202.<Operation>\", \"body\": {...}} or {\"advance_ms\": N}.",
            )));
        };
        let body = value.get("body").cloned().unwrap_or_else(|| json!({}));
        let reply = self.api.handle(&mut self.sim, target, &body);
        emit(reply_line(&reply));
    }

    /// Moves time on a slice at a time, handing out each slice's subscription events as they occur, so a long
    /// advance never holds more than one slice's events.
    fn advance(&mut self, ms: u64, emit: &mut dyn FnMut(String)) {
        let end_ms = self.sim.now().as_millis().saturating_add(ms);
        loop {
            let slice_end_ms = self.sim.now().as_millis().saturating_add(EVENT_SLICE_MS).min(end_ms);
            self.sim.advance_to(SimTime::from_millis(slice_end_ms));
            while self.sim.poll_event().is_some() {}
            for id in self.api.subscription_ids() {
                for event in self.api.drain_subscription_events(&mut self.sim, id) {
                    emit(format!("{{\"subscription\":{id},\"event\":{event}}}"));
                }
            }
            if slice_end_ms >= end_ms {
                break;
            }
        }
        emit(format!("{{\"now_ms\":{}}}", self.sim.now().as_millis()));
    }
}

/// `{"status": ..., "body": ...}`, status first.
fn reply_line(reply: &Reply) -> String {
    format!("{{\"status\":{},\"body\":{}}}", reply.status, reply.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_longer_than_the_cap_is_refused_and_the_session_goes_on() {
        // Issue 22: a 100 MB line took 17 times its size in memory. One byte over the cap is enough to refuse.
        let mut input = alloc_line(LINE_BYTES_MAX + 1);
        input.extend_from_slice(b"\n{\"advance_ms\": 5}\n");
        let mut session = Session::new(&parse_options(&[]).expect("defaults"));
        let mut output = Vec::new();
        session.run(&input[..], &mut output).expect("in memory");
        let text = String::from_utf8(output).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("longer than 16777216 bytes"), "{}", &lines[0][..lines[0].len().min(300)]);
        assert_eq!(lines.last(), Some(&"{\"now_ms\":5}"));
    }

    fn alloc_line(len: usize) -> Vec<u8> {
        vec![b'x'; len]
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn options() {
        let options = parse_options(&args(&[
            "--seed",
            "7",
            "--create-delay-ms",
            "0",
            "--account",
            "123456789012",
            "--region",
            "eu-west-1",
        ]))
        .expect("valid options");
        assert_eq!(options.seed, 7);
        assert_eq!(options.kinesis.transition_delay_ms, 0);
        assert_eq!(options.kinesis.account_id, "123456789012");
        assert_eq!(options.kinesis.region, "eu-west-1");
        for bad in [&["--seed"][..], &["--seed", "x"], &["--account", "12"], &["--region", "EU WEST"], &["--bogus"]] {
            assert!(matches!(parse_options(&args(bad)), Err(Failure::Usage(_))), "{bad:?}");
        }
    }

    #[test]
    fn advance_lines() {
        let mut session = Session::new(&parse_options(&[]).expect("defaults"));
        assert_eq!(session.answer("{\"advance_ms\": 250}"), ["{\"now_ms\":250}"]);
        let refused = session.answer("{\"advance_ms\": -1}");
        assert!(refused[0].starts_with("{\"status\":400,"), "{refused:?}");
    }
}
