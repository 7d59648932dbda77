//! S3 object keys as Firehose names them (`docs/aws-behaviour.md` §5.9): prefixes with `!{namespace:value}`
//! expressions, the default `YYYY/MM/dd/HH/` prefix, and the fixed object-name suffix.

use crate::calendar::civil_from_days;
use crate::rng::Rng;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// Longest evaluated prefix AWS accepts.
pub const EVALUATED_PREFIX_CHARS_MAX: usize = 512;
/// The default prefix: UTC hour of the oldest record.
pub const DEFAULT_TIMESTAMP_PATTERN: &str = "yyyy/MM/dd/HH/";

/// One piece of a prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Text copied as is.
    Literal(String),
    /// `!{timestamp:<pattern>}`.
    Timestamp(String),
    /// `!{firehose:random-string}`.
    RandomString,
    /// `!{firehose:error-output-type}`.
    ErrorOutputType,
    /// `!{partitionKeyFromQuery:<key>}`.
    KeyFromQuery(String),
    /// `!{partitionKeyFromLambda:<key>}`.
    KeyFromLambda(String),
}

/// A parsed prefix.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prefix {
    /// Its pieces in order.
    pub parts: Vec<Part>,
}

/// What a prefix is evaluated with.
#[derive(Clone, Debug, Default)]
pub struct PrefixContext<'a> {
    /// The arrival time of the oldest record in the object, Unix milliseconds.
    pub oldest_unix_ms: u64,
    /// The error output type, in an error prefix.
    pub error_output_type: Option<&'a str>,
    /// Partition keys from inline parsing.
    pub query_keys: Option<&'a BTreeMap<String, String>>,
    /// Partition keys a transform returned.
    pub lambda_keys: Option<&'a BTreeMap<String, String>>,
}

impl Prefix {
    /// Parses `text`, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("!{") {
            if start > 0 {
                parts.push(Part::Literal(rest[..start].into()));
            }
            let Some(end) = rest[start..].find('}') else {
                return Err(format!("The prefix '{text}' has an unterminated '!{{' expression."));
            };
            let inner = &rest[start + 2..start + end];
            let (namespace, value) = inner.split_once(':').unwrap_or((inner, ""));
            parts.push(match (namespace, value) {
                ("timestamp", pattern) => {
                    format_timestamp(pattern, 0)?;
                    Part::Timestamp(pattern.into())
                }
                ("firehose", "random-string") => Part::RandomString,
                ("firehose", "error-output-type") => Part::ErrorOutputType,
                ("partitionKeyFromQuery", key) if !key.is_empty() => Part::KeyFromQuery(key.into()),
                ("partitionKeyFromLambda", key) if !key.is_empty() => Part::KeyFromLambda(key.into()),
                _ => {
                    return Err(format!(
                        "The expression '!{{{inner}}}' is not supported: use timestamp:<pattern>, firehose:random-string, \
                         firehose:error-output-type, partitionKeyFromQuery:<key> or partitionKeyFromLambda:<key>."
                    ));
                }
            });
            rest = &rest[start + end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.into()));
        }
        Ok(Self { parts })
    }

    /// Whether it has any expression.
    pub fn has_expressions(&self) -> bool {
        self.parts.iter().any(|p| !matches!(p, Part::Literal(_)))
    }

    /// Whether it has a `!{timestamp:...}` expression.
    pub fn has_timestamp(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Timestamp(_)))
    }

    /// Whether it uses partition keys.
    pub fn has_partition_keys(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::KeyFromQuery(_) | Part::KeyFromLambda(_)))
    }

    /// Whether it has `!{firehose:error-output-type}`.
    pub fn has_error_output_type(&self) -> bool {
        self.parts.contains(&Part::ErrorOutputType)
    }

    /// The prefix's text for one object: a prefix without expressions gets the default `YYYY/MM/dd/HH/`
    /// appended. Missing partition keys evaluate to an empty string.
    pub fn evaluate(&self, ctx: &PrefixContext<'_>, rng: &mut Rng) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Timestamp(pattern) => {
                    out.push_str(&format_timestamp(pattern, ctx.oldest_unix_ms).unwrap_or_default());
                }
                Part::RandomString => out.push_str(&random_string(rng, 11)),
                Part::ErrorOutputType => out.push_str(ctx.error_output_type.unwrap_or_default()),
                Part::KeyFromQuery(key) => {
                    out.push_str(ctx.query_keys.and_then(|k| k.get(key)).map_or("", String::as_str));
                }
                Part::KeyFromLambda(key) => {
                    out.push_str(ctx.lambda_keys.and_then(|k| k.get(key)).map_or("", String::as_str));
                }
            }
        }
        // A custom prefix with expressions replaces the default `YYYY/MM/dd/HH/`; only a prefix without any
        // (a literal, or none) gets it appended. An ErrorOutputPrefix with its own expressions is used as
        // evaluated (docs/aws-behaviour.md, Firehose S3 prefixes).
        if !self.has_expressions() {
            out.push_str(&format_timestamp(DEFAULT_TIMESTAMP_PATTERN, ctx.oldest_unix_ms).unwrap_or_default());
        }
        out
    }
}

/// The rules of `docs/aws-behaviour.md` §5.9 for a `Prefix` and `ErrorOutputPrefix` pair; every broken rule.
pub fn check_prefixes(prefix: Option<&str>, error_prefix: Option<&str>, dynamic_partitioning: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let parsed = prefix.map(Prefix::parse).transpose();
    let parsed_error = error_prefix.map(Prefix::parse).transpose();
    let (prefix_parts, error_parts) = match (parsed, parsed_error) {
        (Ok(p), Ok(e)) => (p, e),
        (p, e) => {
            problems.extend(p.err());
            problems.extend(e.err());
            return problems;
        }
    };
    if let Some(p) = &prefix_parts {
        if p.has_error_output_type() {
            problems.push("Prefix may not contain !{firehose:error-output-type}; only ErrorOutputPrefix may.".into());
        }
        if p.has_expressions() && error_parts.is_none() {
            problems.push(
                "ErrorOutputPrefix is required when Prefix has expressions (the console's default is \
                 '!{firehose:error-output-type}/')."
                    .into(),
            );
        }
    }
    if dynamic_partitioning && error_parts.is_none() && prefix_parts.as_ref().is_none_or(|p| !p.has_expressions()) {
        problems.push("Dynamic partitioning needs an ErrorOutputPrefix.".into());
    }
    if let Some(e) = &error_parts {
        if e.has_expressions() && !e.has_error_output_type() {
            problems
                .push("ErrorOutputPrefix has expressions, so it must contain !{firehose:error-output-type}.".into());
        }
        if e.has_partition_keys() {
            problems.push("ErrorOutputPrefix may not use partitionKeyFromQuery or partitionKeyFromLambda.".into());
        }
    }
    problems
}

/// The object name after the prefix: `<stream>-<version>-YYYY-MM-dd-HH-mm-ss-<uuid><extension>`.
pub fn object_name(stream: &str, version: u32, unix_ms: u64, rng: &mut Rng, extension: &str) -> String {
    let stamp = format_timestamp("yyyy-MM-dd-HH-mm-ss", unix_ms).unwrap_or_default();
    format!("{stream}-{version}-{stamp}-{}{extension}", uuid(rng))
}

/// A version-4 UUID from the simulation's random stream.
pub fn uuid(rng: &mut Rng) -> String {
    let (a, b) = (rng.next_u64(), rng.next_u64());
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

fn random_string(rng: &mut Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..len).map(|_| char::from(ALPHABET[rng.below(ALPHABET.len() as u64) as usize])).collect()
}

/// Formats a Unix time (UTC) with a subset of Java's `DateTimeFormatter` patterns: `yyyy`/`uuuu`, `yy`,
/// `MM`, `dd`, `HH`, `mm`, `ss`, `SSS`, `'quoted text'`, and any non-letter as is.
pub fn format_timestamp(pattern: &str, unix_ms: u64) -> Result<String, String> {
    let secs = unix_ms / 1_000;
    let (year, month, day) = civil_from_days(secs / 86_400);
    let (hour, minute, second) = (secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|x| **x == c).count();
        match c {
            '\'' => {
                let Some(end) = chars[i + 1..].iter().position(|x| *x == '\'') else {
                    return Err(format!("The timestamp pattern '{pattern}' has an unterminated quote."));
                };
                out.extend(&chars[i + 1..i + 1 + end]);
                i += end + 2;
                continue;
            }
            'y' | 'u' if run == 2 => {
                let _ = write!(out, "{:02}", year % 100);
            }
            'y' | 'u' if run == 4 => {
                let _ = write!(out, "{year:04}");
            }
            'M' if run == 2 => {
                let _ = write!(out, "{month:02}");
            }
            'd' if run == 2 => {
                let _ = write!(out, "{day:02}");
            }
            'H' if run == 2 => {
                let _ = write!(out, "{hour:02}");
            }
            'm' if run == 2 => {
                let _ = write!(out, "{minute:02}");
            }
            's' if run == 2 => {
                let _ = write!(out, "{second:02}");
            }
            'S' if run == 3 => {
                let _ = write!(out, "{:03}", unix_ms % 1_000);
            }
            c if c.is_ascii_alphabetic() => {
                return Err(format!(
                    "The timestamp pattern '{pattern}' uses '{}', which is not supported: use yyyy, yy, MM, dd, HH, mm, \
                     ss, SSS or 'quoted text'.",
                    chars[i..i + run].iter().collect::<String>()
                ));
            }
            _ => out.extend(&chars[i..i + run]),
        }
        i += run;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// 2018-08-27 10:30:00 UTC, the documentation's example instant (`docs/aws-behaviour.md` §5.9): 17,770 days after
    /// 1970-01-01, plus 10.5 h.
    const EXAMPLE_MS: u64 = (17_770 * 86_400 + 10 * 3_600 + 30 * 60) * 1_000;

    #[test]
    fn the_documented_examples_at_2018_08_27_10_30() {
        let mut rng = Rng::new(1);
        let ctx = PrefixContext { oldest_unix_ms: EXAMPLE_MS, ..PrefixContext::default() };
        // Prefix unspecified: the default hour prefix.
        assert_eq!(Prefix::default().evaluate(&ctx, &mut rng), "2018/08/27/10/");
        // A literal prefix gets the default timestamp appended (the rule text, not the guide's table).
        assert_eq!(Prefix::parse("myPrefix/").expect("valid").evaluate(&ctx, &mut rng), "myPrefix/2018/08/27/10/");
        let custom = "myPrefix/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/";
        assert_eq!(
            Prefix::parse(custom).expect("valid").evaluate(&ctx, &mut rng),
            "myPrefix/year=2018/month=08/day=27/hour=10/"
        );
        // `!{timestamp:yyyy/MM/dd}` with no ErrorOutputPrefix is invalid.
        assert_eq!(check_prefixes(Some("!{timestamp:yyyy/MM/dd}"), None, false).len(), 1);
        assert!(
            check_prefixes(Some("!{timestamp:yyyy/MM/dd}"), Some("!{firehose:error-output-type}/"), false).is_empty()
        );
    }

    #[test]
    fn the_object_name_has_the_fixed_suffix() {
        let mut rng = Rng::new(7);
        let name = object_name("mystream", 1, EXAMPLE_MS, &mut rng, ".gz");
        // mystream-1-2018-08-27-10-30-00-xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx.gz
        assert!(name.starts_with("mystream-1-2018-08-27-10-30-00-"), "{name}");
        assert!(name.ends_with(".gz"));
        let uuid = &name["mystream-1-2018-08-27-10-30-00-".len()..name.len() - 3];
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.as_bytes()[14], b'4');
        assert!(b"89ab".contains(&uuid.as_bytes()[19]));
    }

    #[test]
    fn prefix_rules_are_each_reported() {
        let problems = check_prefixes(Some("a/!{firehose:error-output-type}"), Some("e/!{timestamp:yyyy}"), false);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(check_prefixes(None, Some("!{partitionKeyFromQuery:c}"), false).len(), 2);
        assert_eq!(check_prefixes(Some("!{partitionKeyFromQuery:c}/"), None, true).len(), 1);
        assert!(Prefix::parse("!{nope:x}").is_err());
        assert!(Prefix::parse("a!{timestamp:yyyy").is_err());
        assert!(format_timestamp("yyyy-QQ", 0).is_err());
        assert_eq!(format_timestamp("'y='yyyy", EXAMPLE_MS).as_deref(), Ok("y=2018"));
    }

    #[test]
    fn error_prefix_evaluates_the_output_type() {
        let mut rng = Rng::new(1);
        let ctx = PrefixContext {
            oldest_unix_ms: EXAMPLE_MS,
            error_output_type: Some("processing-failed"),
            ..PrefixContext::default()
        };
        // Issue 17: an error output prefix with its own expressions gets no automatic timestamp.
        let p = Prefix::parse("errors/!{firehose:error-output-type}/").expect("valid");
        assert_eq!(p.evaluate(&ctx, &mut rng), "errors/processing-failed/");
        let p = Prefix::parse("errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM}/").expect("valid");
        assert_eq!(p.evaluate(&ctx, &mut rng), "errors/processing-failed/2018/08/");
        // Nor does a data prefix whose only expression is a random string: the custom prefix replaces the default.
        let p = Prefix::parse("r=!{firehose:random-string}/").expect("valid");
        let evaluated = p.evaluate(&ctx, &mut rng);
        assert_eq!(evaluated.len(), "r=".len() + 11 + 1, "{evaluated}");
        assert!(evaluated.starts_with("r=") && evaluated.ends_with('/'), "{evaluated}");
    }
}
