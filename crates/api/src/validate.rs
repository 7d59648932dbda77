//! Request checking in AWS's order: member types first (`SerializationException`), then the model's
//! constraints (`ValidationException` listing up to ten failures), both in AWS's member order.
//!
//! Each operation declares its input as a list of [`Member`]s. Once a request passes, the accessors at
//! the end of this module read it without further checks.

use crate::pattern::Pattern;
use crate::reply::Reply;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

/// Failures one `ValidationException` lists at most.
const FAILURES_MAX: usize = 10;

/// The Java class name AWS's messages give a JSON number.
const NUMBER_CLASS: &str = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber";

/// One member of an input structure.
pub(crate) struct Member {
    /// Its name on the wire (`StreamName`).
    pub(crate) name: &'static str,
    /// Its type and constraints.
    pub(crate) shape: Shape,
    /// Whether it must be present.
    pub(crate) required: Required,
}

/// When a member must be present.
#[derive(Clone, Copy)]
pub(crate) enum Required {
    No,
    Yes,
    /// Required unless the named sibling is present (`StreamName` unless `StreamARN`).
    UnlessPresent(&'static str),
}

/// The constraints of a string.
pub(crate) struct Text {
    pub(crate) pattern: Option<&'static Pattern>,
    /// Length bounds in UTF-16 code units, as Java counts.
    pub(crate) len_min: Option<u64>,
    pub(crate) len_max: Option<u64>,
    /// The allowed values, in the order AWS lists them.
    pub(crate) values: Option<&'static [&'static str]>,
}

impl Text {
    /// A string with no constraint.
    pub(crate) const ANY: Self = Self { pattern: None, len_min: None, len_max: None, values: None };

    /// A string of `min..=max` characters.
    pub(crate) const fn len(min: u64, max: u64) -> Self {
        Self { pattern: None, len_min: Some(min), len_max: Some(max), values: None }
    }

    /// A string matching `pattern`, of `min..=max` characters.
    pub(crate) const fn pattern_len(pattern: &'static Pattern, min: u64, max: u64) -> Self {
        Self { pattern: Some(pattern), len_min: Some(min), len_max: Some(max), values: None }
    }

    /// A string matching `pattern`.
    pub(crate) const fn pattern(pattern: &'static Pattern) -> Self {
        Self { pattern: Some(pattern), len_min: None, len_max: None, values: None }
    }

    /// One of `values`.
    pub(crate) const fn one_of(values: &'static [&'static str]) -> Self {
        Self { pattern: None, len_min: None, len_max: None, values: Some(values) }
    }

    /// The failed rules for `value`, worded as AWS words them, in AWS's order.
    fn failures(&self, value: &str) -> Vec<String> {
        let mut out = Vec::new();
        let len = utf16_len(value);
        if let Some(p) = self.pattern
            && !p.matches(value)
        {
            out.push(format!("Member must satisfy regular expression pattern: {}", p.text));
        }
        if let Some(min) = self.len_min
            && len < min
        {
            out.push(format!("Member must have length greater than or equal to {min}"));
        }
        if let Some(max) = self.len_max
            && len > max
        {
            out.push(format!("Member must have length less than or equal to {max}"));
        }
        if let Some(values) = self.values
            && !values.contains(&value)
        {
            out.push(enum_rule(values));
        }
        out
    }

    /// All the rules, as the `[...]` of a list-member or map-entry constraint.
    fn all_rules(&self) -> String {
        let mut rules = Vec::new();
        if let Some(max) = self.len_max {
            rules.push(format!("Member must have length less than or equal to {max}"));
        }
        if let Some(min) = self.len_min {
            rules.push(format!("Member must have length greater than or equal to {min}"));
        }
        if let Some(p) = self.pattern {
            rules.push(format!("Member must satisfy regular expression pattern: {}", p.text));
        }
        if let Some(values) = self.values {
            rules.push(enum_rule(values));
        }
        format!("[{}]", rules.join(", "))
    }

    fn accepts(&self, value: &str) -> bool {
        self.failures(value).is_empty()
    }
}

fn enum_rule(values: &[&str]) -> String {
    format!("Member must satisfy enum value set: [{}]", values.join(", "))
}

/// A member's type with its constraints.
pub(crate) enum Shape {
    Text(Text),
    /// A whole number; `java` names the Java type in type errors (`Integer`, `Long`).
    Number {
        java: &'static str,
        min: Option<i64>,
        max: Option<i64>,
    },
    Boolean,
    /// Base64 bytes of at most `len_max` bytes once decoded.
    Blob {
        len_max: u64,
    },
    /// Epoch seconds, fraction allowed.
    Timestamp,
    /// A list of strings.
    TextList {
        len_min: u64,
        len_max: u64,
        member: Text,
    },
    /// A list of structures; `java` is the entry class AWS prints for the list's value.
    StructList {
        len_min: u64,
        len_max: u64,
        java: &'static str,
        members: &'static [Member],
    },
    /// A map of strings to strings.
    TextMap {
        len_min: u64,
        len_max: u64,
        key: Text,
        value: Text,
    },
    Struct(&'static [Member]),
}

/// Checks `body` against `members`: the first type error, or every constraint failure (up to ten).
pub(crate) fn check(body: &Map<String, Value>, members: &[Member]) -> Result<(), Reply> {
    check_types(body, members).map_err(Reply::serialization)?;
    let mut failures = Vec::new();
    check_members(body, members, "", &mut failures);
    if failures.is_empty() {
        return Ok(());
    }
    let count = failures.len();
    Err(Reply::error(
        "ValidationException",
        format!("{count} validation error{} detected: {}", if count == 1 { "" } else { "s" }, failures.join("; ")),
    ))
}

fn check_types(body: &Map<String, Value>, members: &[Member]) -> Result<(), String> {
    for member in members {
        match body.get(member.name) {
            None | Some(Value::Null) => {}
            Some(value) => check_type(value, &member.shape)?,
        }
    }
    Ok(())
}

/// What AWS says when a JSON value of the wrong kind arrives where `java` is expected.
fn mismatch(value: &Value, java: &str) -> String {
    match value {
        Value::Array(_) => "Start of list found where not expected".into(),
        Value::Object(_) => "Start of structure or map found where not expected.".into(),
        Value::Bool(_) => format!("class java.lang.Boolean can not be converted to {java}"),
        Value::Number(_) => format!("{NUMBER_CLASS} can not be converted to {java}"),
        Value::String(_) => format!("class java.lang.String can not be converted to {java}"),
        Value::Null => String::new(),
    }
}

fn check_type(value: &Value, shape: &Shape) -> Result<(), String> {
    match (shape, value) {
        // A whole number beyond its Java type cannot be read at all (Jackson's wording), rather than being
        // read as a nearby value and echoed wrong.
        (Shape::Number { java, .. }, Value::Number(n)) if out_of_java_range(n, java) => {
            let (kind, min, max) = match *java {
                "Integer" => ("int", i64::from(i32::MIN), i64::from(i32::MAX)),
                _ => ("long", i64::MIN, i64::MAX),
            };
            Err(format!("Numeric value ({n}) out of range of {kind} ({min} - {max})"))
        }
        (_, Value::Null)
        | (Shape::Text(_), Value::String(_))
        | (Shape::Number { .. } | Shape::Timestamp, Value::Number(_))
        | (Shape::Boolean, Value::Bool(_)) => Ok(()),
        (Shape::Text(_), _) => Err(mismatch(value, "an String")),
        (Shape::Number { java, .. }, _) => Err(mismatch(value, &format!("an {java}"))),
        // AWS reads a timestamp as milliseconds since the epoch, and says so (kinesalite's AWS-recorded texts).
        (Shape::Timestamp, _) => Err(mismatch(value, "milliseconds since epoch")),
        (Shape::Boolean, Value::String(s)) => Err(format!("'{}' can not be converted to an Boolean", s.to_uppercase())),
        (Shape::Boolean, _) => Err(mismatch(value, "an Boolean")),
        (Shape::Blob { .. }, Value::String(s)) => check_base64(s),
        (Shape::Blob { .. }, _) => Err(mismatch(value, "a Blob")),
        (Shape::TextList { .. }, Value::Array(items)) => {
            items.iter().try_for_each(|item| check_type(item, &Shape::Text(Text::ANY)))
        }
        (Shape::StructList { members, .. }, Value::Array(items)) => items.iter().try_for_each(|item| match item {
            Value::Object(fields) => check_types(fields, members),
            Value::Null => Ok(()),
            Value::Array(_) => Err("Start of list found where not expected".into()),
            _ => Err("Expected null".into()),
        }),
        (Shape::TextList { .. } | Shape::StructList { .. }, Value::Object(_)) => {
            Err("Start of structure or map found where not expected.".into())
        }
        (Shape::TextList { .. } | Shape::StructList { .. }, _) => Err("Expected list or null".into()),
        (Shape::TextMap { .. }, Value::Object(entries)) => {
            entries.values().try_for_each(|v| check_type(v, &Shape::Text(Text::ANY)))
        }
        (Shape::TextMap { .. }, Value::Array(_)) => Err("Start of list found where not expected".into()),
        (Shape::TextMap { .. }, _) => Err("Expected map or null".into()),
        (Shape::Struct(members), Value::Object(fields)) => check_types(fields, members),
        (Shape::Struct(_), Value::Array(_)) => Err("Start of list found where not expected".into()),
        (Shape::Struct(_), _) => Err("Expected null".into()),
    }
}

/// The three base64 complaints of `docs/aws-behaviour.md` §1.10, in the order AWS checks them.
fn check_base64(text: &str) -> Result<(), String> {
    let len = utf16_len(text);
    if !len.is_multiple_of(4) {
        return Err(format!(
            "'{text}' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: {len}"
        ));
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let bad = if c == '=' {
            chars.peek().is_some_and(|next| *next != '=')
        } else {
            !(c.is_ascii_alphanumeric() || c == '+' || c == '/')
        };
        if bad {
            return Err(format!("'{text}' can not be converted to a Blob: Invalid Base64 character: '{c}'"));
        }
    }
    if STANDARD.decode(text).is_err() {
        return Err(format!(
            "'{text}' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"
        ));
    }
    Ok(())
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| first.to_lowercase().chain(chars).collect())
}

fn push(failures: &mut Vec<String>, shown: Option<&str>, path: &str, rule: &str) {
    if failures.len() >= FAILURES_MAX {
        return;
    }
    let value = shown.map_or_else(|| "null".to_string(), |v| format!("'{v}'"));
    failures.push(format!("Value {value} at '{path}' failed to satisfy constraint: {rule}"));
}

fn check_members(body: &Map<String, Value>, members: &[Member], parent: &str, failures: &mut Vec<String>) {
    for member in members {
        let path =
            if parent.is_empty() { lower_first(member.name) } else { format!("{parent}.{}", lower_first(member.name)) };
        let value = body.get(member.name).filter(|v| !v.is_null());
        let Some(value) = value else {
            let required = match member.required {
                Required::No => false,
                Required::Yes => true,
                Required::UnlessPresent(other) => body.get(other).is_none_or(Value::is_null),
            };
            if required {
                push(failures, None, &path, "Member must not be null");
            }
            continue;
        };
        check_value(value, &member.shape, &path, failures);
    }
}

fn check_value(value: &Value, shape: &Shape, path: &str, failures: &mut Vec<String>) {
    match (shape, value) {
        (Shape::Text(rules), Value::String(s)) => {
            for rule in rules.failures(s) {
                push(failures, Some(s), path, &rule);
            }
        }
        (Shape::Number { min, max, .. }, Value::Number(n)) => {
            let n = whole(n);
            let shown = n.to_string();
            if let Some(min) = min
                && n < *min
            {
                let rule = format!("Member must have value greater than or equal to {min}");
                push(failures, Some(&shown), path, &rule);
            }
            if let Some(max) = max
                && n > *max
            {
                let rule = format!("Member must have value less than or equal to {max}");
                push(failures, Some(&shown), path, &rule);
            }
        }
        (Shape::Blob { len_max }, Value::String(s)) => {
            let len = STANDARD.decode(s).map_or(0, |b| b.len() as u64);
            if len > *len_max {
                let shown = format!("java.nio.HeapByteBuffer[pos=0 lim={len} cap={len}]");
                let rule = format!("Member must have length less than or equal to {len_max}");
                push(failures, Some(&shown), path, &rule);
            }
        }
        (Shape::TextList { len_min, len_max, member }, Value::Array(items)) => {
            let shown =
                format!("[{}]", items.iter().map(|i| i.as_str().unwrap_or("null")).collect::<Vec<_>>().join(", "));
            list_len(items.len() as u64, *len_min, *len_max, &shown, path, failures);
            if items.iter().any(|i| i.as_str().is_none_or(|s| !member.accepts(s))) {
                let rule = format!("Member must satisfy constraint: {}", member.all_rules());
                push(failures, Some(&shown), path, &rule);
            }
        }
        (Shape::StructList { len_min, len_max, java, members }, Value::Array(items)) => {
            let shown = format!(
                "[{}]",
                items.iter().map(|i| format!("{java}@{:08x}", identity_hash(i))).collect::<Vec<_>>().join(", ")
            );
            list_len(items.len() as u64, *len_min, *len_max, &shown, path, failures);
            for (i, item) in items.iter().enumerate() {
                let entry_path = format!("{path}.{}.member", i + 1);
                match item {
                    Value::Object(fields) => check_members(fields, members, &entry_path, failures),
                    _ => push(failures, None, &entry_path, "Member must not be null"),
                }
            }
        }
        (Shape::TextMap { len_min, len_max, key, value: value_rules }, Value::Object(entries)) => {
            let shown = format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("null")))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            list_len(entries.len() as u64, *len_min, *len_max, &shown, path, failures);
            if entries.keys().any(|k| !key.accepts(k)) {
                let rule = format!("Map keys must satisfy constraint: {}", key.all_rules());
                push(failures, Some(&shown), path, &rule);
            }
            if entries.values().any(|v| v.as_str().is_none_or(|s| !value_rules.accepts(s))) {
                let rule = format!("Map value must satisfy constraint: {}", value_rules.all_rules());
                push(failures, Some(&shown), path, &rule);
            }
        }
        (Shape::Struct(members), Value::Object(fields)) => {
            check_members(fields, members, path, failures);
        }
        _ => {}
    }
}

fn list_len(len: u64, min: u64, max: u64, shown: &str, path: &str, failures: &mut Vec<String>) {
    if len < min {
        let rule = format!("Member must have length greater than or equal to {min}");
        push(failures, Some(shown), path, &rule);
    }
    if len > max {
        let rule = format!("Member must have length less than or equal to {max}");
        push(failures, Some(shown), path, &rule);
    }
}

/// A stand-in for a Java object's identity hash: deterministic, derived from the entry's JSON.
fn identity_hash(value: &Value) -> u32 {
    let text = value.to_string();
    text.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// Java's `String.length()`: UTF-16 code units.
pub(crate) fn utf16_len(text: &str) -> u64 {
    text.encode_utf16().count() as u64
}

/// A JSON number as the whole number AWS reads it as (rounded down, saturating).
/// Whether whole number `n` does not fit the Java type (`Integer` or `Long`).
fn out_of_java_range(n: &serde_json::Number, java: &str) -> bool {
    match (n.as_i64(), java) {
        (Some(i), "Integer") => i32::try_from(i).is_err(),
        (Some(_), _) => false,
        // Beyond i64 (a u64 above i64::MAX); fractions are rounded elsewhere.
        (None, _) => n.as_u64().is_some(),
    }
}

fn whole(n: &serde_json::Number) -> i64 {
    if let Some(i) = n.as_i64() {
        i
    } else if n.as_u64().is_some() {
        i64::MAX
    } else {
        let f = n.as_f64().unwrap_or(0.0);
        if f.is_nan() {
            0
        } else {
            // `as` saturates at the i64 range.
            floor(f) as i64
        }
    }
}

/// `f64::floor` without std.
fn floor(f: f64) -> f64 {
    let t = f as i64 as f64;
    if !(-9.0e18..=9.0e18).contains(&f) {
        f
    } else if t > f {
        t - 1.0
    } else {
        t
    }
}

// Accessors for a request that passed `check`.

/// A string member.
pub(crate) fn text<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    body.get(name).and_then(Value::as_str)
}

/// A whole-number member.
pub(crate) fn number(body: &Map<String, Value>, name: &str) -> Option<i64> {
    match body.get(name) {
        Some(Value::Number(n)) => Some(whole(n)),
        _ => None,
    }
}

/// A boolean member.
pub(crate) fn boolean(body: &Map<String, Value>, name: &str) -> Option<bool> {
    body.get(name).and_then(Value::as_bool)
}

/// A blob member, decoded.
pub(crate) fn blob(body: &Map<String, Value>, name: &str) -> Option<Vec<u8>> {
    text(body, name).and_then(|s| STANDARD.decode(s).ok())
}

/// A timestamp member as Unix milliseconds (AWS keeps millisecond precision); before 1970 reads as 0.
pub(crate) fn timestamp_ms(body: &Map<String, Value>, name: &str) -> Option<u64> {
    match body.get(name) {
        Some(Value::Number(n)) => {
            let secs = n.as_f64().unwrap_or(0.0);
            let ms = floor(secs * 1_000.0 + 0.5);
            // `as` saturates: negative times read as 0, huge ones as u64::MAX.
            Some(if ms.is_nan() { 0 } else { ms as u64 })
        }
        _ => None,
    }
}

/// A structure member.
pub(crate) fn object<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a Map<String, Value>> {
    body.get(name).and_then(Value::as_object)
}

/// A list-of-strings member.
pub(crate) fn texts(body: &Map<String, Value>, name: &str) -> Vec<String> {
    body.get(name)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default()
}

/// A list-of-structures member.
pub(crate) fn objects<'a>(body: &'a Map<String, Value>, name: &str) -> impl Iterator<Item = &'a Map<String, Value>> {
    body.get(name).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object)
}

/// A map-of-strings member.
pub(crate) fn text_map(body: &Map<String, Value>, name: &str) -> alloc::collections::BTreeMap<String, String> {
    body.get(name)
        .and_then(Value::as_object)
        .map(|entries| entries.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), String::from(v)))).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_rounds_down() {
        assert_eq!(floor(1.5), 1.0);
        assert_eq!(floor(-1.5), -2.0);
        assert_eq!(floor(-2.0), -2.0);
        assert_eq!(floor(1e300), 1e300);
    }

    #[test]
    fn whole_numbers_beyond_their_java_type_are_refused_not_truncated() {
        // Issue 22: ShardCount 2^64-1 was read as 4294967295 and echoed so.
        let integer = Shape::Number { java: "Integer", min: Some(1), max: None };
        let long = Shape::Number { java: "Long", min: None, max: None };
        let n = |text: &str| serde_json::from_str::<Value>(text).expect("a number");
        assert_eq!(
            check_type(&n("18446744073709551615"), &integer),
            Err("Numeric value (18446744073709551615) out of range of int (-2147483648 - 2147483647)".into())
        );
        assert!(check_type(&n("2147483648"), &integer).is_err());
        assert_eq!(check_type(&n("2147483647"), &integer), Ok(()));
        assert_eq!(check_type(&n("2147483648"), &long), Ok(()));
        assert!(check_type(&n("9223372036854775808"), &long).is_err());
    }

    #[test]
    fn base64_messages() {
        assert!(check_base64("").is_ok());
        assert!(check_base64("YQ==").is_ok());
        assert!(check_base64("abc").unwrap_err().ends_with("found: 3"));
        assert!(check_base64("ab!c").unwrap_err().ends_with("character: '!'"));
        assert!(check_base64("a=bc").unwrap_err().ends_with("character: '='"));
        assert!(check_base64("YR==").unwrap_err().ends_with("dectected"));
    }
}
