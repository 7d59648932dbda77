//! `shardlab export`: a playground scenario as CloudFormation, an AWS CLI script, or the Kinesis Agent's agent.json.

use crate::args::Args;
use crate::{Failure, duration};
use shardlab_engine::{SimTime, Simulation};
use shardlab_scenario::{Findings, Scenario, decode_link, preset, presets};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    CloudFormation,
    Cli,
    AgentJson,
}

impl Format {
    fn parse(text: &str) -> Result<Self, Failure> {
        match text {
            "cloudformation" => Ok(Self::CloudFormation),
            "cli" => Ok(Self::Cli),
            "agent-json" => Ok(Self::AgentJson),
            other => Err(Failure::Usage(format!("--format is cloudformation, cli or agent-json, not '{other}'"))),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::CloudFormation => "yaml",
            Self::Cli => "sh",
            Self::AgentJson => "json",
        }
    }
}

/// Where the scenario comes from.
#[derive(Debug, PartialEq, Eq)]
enum Source {
    /// A scenario JSON file or a share link.
    Input(String),
    /// A preset by id.
    Preset(String),
    /// Every preset, each written into this folder.
    AllPresets(String),
}

#[derive(Debug, PartialEq, Eq)]
struct Options {
    source: Source,
    format: Format,
    run_ms: Option<u64>,
}

fn parse_options(rest: &[String]) -> Result<Options, Failure> {
    let mut args = Args::new(rest);
    let (mut source, mut format, mut run_ms) = (None, None, None);
    while let Some(arg) = args.next() {
        let next = match arg {
            "--format" => {
                format = Some(Format::parse(args.value(arg)?)?);
                None
            }
            "--run" => {
                run_ms = Some(duration::parse_ms(args.value(arg)?).map_err(Failure::Usage)?);
                None
            }
            "--preset" => Some(Source::Preset(args.value(arg)?.into())),
            "--all-presets" => Some(Source::AllPresets(args.value(arg)?.into())),
            other if other.starts_with("--") => {
                return Err(Failure::Usage(format!("shardlab export does not take '{other}'")));
            }
            other => Some(Source::Input(other.into())),
        };
        if let Some(next) = next {
            if source.is_some() {
                return Err(Failure::Usage("shardlab export takes one scenario, preset or --all-presets".into()));
            }
            source = Some(next);
        }
    }
    Ok(Options {
        source: source
            .ok_or_else(|| Failure::Usage("shardlab export needs a SCENARIO.json, a link or --preset ID".into()))?,
        format: format
            .ok_or_else(|| Failure::Usage("shardlab export needs --format cloudformation|cli|agent-json".into()))?,
        run_ms,
    })
}

pub(crate) fn main(rest: &[String]) -> Result<(), Failure> {
    let options = parse_options(rest)?;
    match &options.source {
        Source::AllPresets(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|err| Failure::Problems(vec![format!("cannot create {dir}: {err}")]))?;
            for p in presets() {
                let scenario = p.scenario();
                let Ok(text) = export(&scenario, options.format, options.run_ms) else { continue };
                let path = Path::new(dir).join(format!("{}.{}", p.id, options.format.extension()));
                std::fs::write(&path, text)
                    .map_err(|err| Failure::Problems(vec![format!("cannot write {}: {err}", path.display())]))?;
            }
            Ok(())
        }
        Source::Preset(id) => {
            let Some(p) = preset(id) else {
                let ids: Vec<&str> = presets().iter().map(|p| p.id).collect();
                return Err(Failure::Usage(format!("there is no preset '{id}'; presets: {}", ids.join(", "))));
            };
            print!("{}", export(&p.scenario(), options.format, options.run_ms)?);
            Ok(())
        }
        Source::Input(input) => {
            let scenario = load(input)?;
            print!("{}", export(&scenario, options.format, options.run_ms)?);
            Ok(())
        }
    }
}

fn looks_like_link(text: &str) -> bool {
    let text = text.trim_start();
    text.starts_with("s=") || text.starts_with("preset=") || text.contains("#s=") || text.contains("#preset=")
}

/// A scenario from a share link (`s=1.…`, or a URL with `#s=…`), or from a JSON file (whose text may also be a link).
pub(crate) fn load(input: &str) -> Result<Scenario, Failure> {
    if looks_like_link(input) {
        return decode_link(input).map_err(|err| Failure::Problems(vec![err.to_string()]));
    }
    let text = crate::read_text_file(input, "scenario")?;
    if looks_like_link(&text) {
        return decode_link(&text).map_err(|err| Failure::Problems(vec![format!("{input}: {err}")]));
    }
    Scenario::from_json(&text).map_err(|err| Failure::Problems(vec![format!("{input}: {err}")]))
}

fn export(scenario: &Scenario, format: Format, run_ms: Option<u64>) -> Result<String, Failure> {
    let findings = match run_ms {
        Some(ms) => Some(findings(scenario, ms)?),
        None => None,
    };
    match format {
        Format::CloudFormation => Ok(scenario.to_cloudformation(findings.as_ref())),
        Format::Cli => Ok(scenario.to_aws_cli(findings.as_ref())),
        Format::AgentJson => scenario.to_agent_json().map_err(|why| Failure::Problems(vec![why])),
    }
}

/// Runs the scenario for `ms` simulated milliseconds and reads what it hit.
fn findings(scenario: &Scenario, ms: u64) -> Result<Findings, Failure> {
    let (config, _) = scenario
        .to_sim_config()
        .map_err(|problems| Failure::Problems(problems.iter().map(ToString::to_string).collect()))?;
    let mut sim = Simulation::new(config).map_err(|err| Failure::Problems(err.problems))?;
    sim.advance_to(SimTime::from_millis(ms));
    Ok(Findings::from_simulation(&sim))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_parse_and_mistakes_are_named() {
        let options = parse_options(&strings(&["s.json", "--format", "cli", "--run", "30s"])).unwrap();
        assert_eq!(
            options,
            Options { source: Source::Input("s.json".into()), format: Format::Cli, run_ms: Some(30_000) }
        );
        assert!(parse_options(&strings(&["s.json"])).is_err());
        assert_eq!(
            parse_options(&strings(&["s.json", "--format", "terraform"])),
            Err(Failure::Usage("--format is cloudformation, cli or agent-json, not 'terraform'".into()))
        );
        assert!(parse_options(&strings(&["a.json", "--preset", "x", "--format", "cli"])).is_err());
    }

    #[test]
    fn a_link_exports_and_a_run_adds_its_findings() {
        let link = shardlab_scenario::encode_link(&preset("hot-partition-key").unwrap().scenario());
        let scenario = load(&format!("https://example.org/#{link}")).unwrap();
        let template = export(&scenario, Format::CloudFormation, Some(10_000)).unwrap();
        assert!(template.contains("Type: AWS::Kinesis::Stream"));
        assert!(template.contains("Spread the partition keys"), "{template}");
    }

    #[test]
    fn agent_json_needs_an_agent() {
        let err = export(&Scenario::default(), Format::AgentJson, None).unwrap_err();
        assert_eq!(
            err,
            Failure::Problems(vec![
                "the scenario has no Kinesis Agent connected to a data stream or Firehose delivery stream".into()
            ])
        );
    }

    #[test]
    fn every_preset_script_is_valid_bash() {
        use std::io::Write as _;
        use std::process::{Command, Stdio};
        for p in presets() {
            let script = export(&p.scenario(), Format::Cli, None).unwrap();
            // `bash -n` parses without running anything.
            let mut bash = Command::new("bash").arg("-n").stdin(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
            bash.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
            let output = bash.wait_with_output().unwrap();
            assert!(output.status.success(), "{}: {}", p.id, String::from_utf8_lossy(&output.stderr));
        }
    }
}
