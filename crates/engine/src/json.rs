//! The engine's one JSON reader and writer: record payloads (Firehose transforms, partition keys, format
//! conversion), the Kinesis Agent's CSVTOJSON/LOGTOJSON output, and NDJSON workload traces.
//!
//! Records are user data, so parsing is bounded: nesting deeper than [`DEPTH_MAX`] is an error.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// Nesting deeper than this is refused.
pub const DEPTH_MAX: u32 = 32;

/// A JSON value. Objects keep their members' order (as they came, new members last).
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, kept as its source text so it prints back unchanged.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Self>),
    /// An object.
    Object(Vec<(String, Self)>),
}

impl Json {
    /// Parses one value that fills `text` (surrounding whitespace allowed).
    pub fn parse(text: &str) -> Option<Self> {
        let mut p = Parser { s: text.as_bytes(), i: 0 };
        let v = p.value(0)?;
        p.ws();
        (p.i == p.s.len()).then_some(v)
    }

    /// Parses concatenated values (`{"a":1}{"a":2}` or newline-separated).
    pub fn parse_many(text: &str) -> Option<Vec<Self>> {
        let mut p = Parser { s: text.as_bytes(), i: 0 };
        let mut out = Vec::new();
        loop {
            p.ws();
            if p.i == p.s.len() {
                return Some(out);
            }
            out.push(p.value(0)?);
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value at a path of member names.
    pub fn at(&self, path: &[String]) -> Option<&Self> {
        path.iter().try_fold(self, |v, k| v.get(k))
    }

    /// Sets the value at a path, creating objects on the way; false if a step is not an object.
    pub fn set(&mut self, path: &[String], value: Self) -> bool {
        let Some((last, init)) = path.split_last() else {
            *self = value;
            return true;
        };
        let mut cur = self;
        for key in init {
            let Self::Object(members) = cur else { return false };
            let index = match members.iter().position(|(k, _)| k == key) {
                Some(i) => i,
                None => {
                    members.push((key.clone(), Self::Object(Vec::new())));
                    members.len() - 1
                }
            };
            cur = &mut members[index].1;
        }
        let Self::Object(members) = cur else { return false };
        match members.iter_mut().find(|(k, _)| k == last) {
            Some((_, v)) => *v = value,
            None => members.push((last.clone(), value)),
        }
        true
    }

    /// Removes the value at a path, if any.
    pub fn remove(&mut self, path: &[String]) {
        let Some((last, init)) = path.split_last() else { return };
        let mut cur = self;
        for key in init {
            let Self::Object(members) = cur else { return };
            let Some(next) = members.iter_mut().find(|(k, _)| k == key) else { return };
            cur = &mut next.1;
        }
        if let Self::Object(members) = cur {
            members.retain(|(k, _)| k != last);
        }
    }

    /// The value as text the way a partition key or CSV cell shows it: strings bare, others as JSON.
    pub fn as_text(&self) -> String {
        match self {
            Self::String(s) => s.clone(),
            other => other.to_json(),
        }
    }

    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Number(n) => out.push_str(n),
            Self::String(s) => write_string(out, s),
            Self::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Self::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Appends `s` as a JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|b| b.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &[u8]) -> bool {
        if self.s[self.i..].starts_with(lit) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: u32) -> Option<Json> {
        if depth > DEPTH_MAX {
            return None;
        }
        self.ws();
        match *self.s.get(self.i)? {
            b'n' => self.eat(b"null").then_some(Json::Null),
            b't' => self.eat(b"true").then_some(Json::Bool(true)),
            b'f' => self.eat(b"false").then_some(Json::Bool(false)),
            b'"' => self.string().map(Json::String),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat(b"]") {
                    return Some(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat(b"]") {
                        return Some(Json::Array(items));
                    }
                    if !self.eat(b",") {
                        return None;
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.eat(b"}") {
                    return Some(Json::Object(members));
                }
                loop {
                    self.ws();
                    if self.s.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let key = self.string()?;
                    self.ws();
                    if !self.eat(b":") {
                        return None;
                    }
                    let v = self.value(depth + 1)?;
                    members.push((key, v));
                    self.ws();
                    if self.eat(b"}") {
                        return Some(Json::Object(members));
                    }
                    if !self.eat(b",") {
                        return None;
                    }
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                self.i += 1;
                while self.s.get(self.i).is_some_and(|b| b.is_ascii_digit() || b"+-.eE".contains(b)) {
                    self.i += 1;
                }
                let text = core::str::from_utf8(&self.s[start..self.i]).ok()?;
                text.parse::<f64>().ok()?;
                Some(Json::Number(text.into()))
            }
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while self.s.get(self.i).is_some_and(|b| *b != b'"' && *b != b'\\') {
                self.i += 1;
            }
            out.push_str(core::str::from_utf8(&self.s[start..self.i]).ok()?);
            match *self.s.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                _ => {
                    self.i += 1;
                    let c = match *self.s.get(self.i)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = core::str::from_utf8(self.s.get(self.i + 1..self.i + 5)?).ok()?;
                            self.i += 4;
                            char::from_u32(u32::from_str_radix(hex, 16).ok()?).unwrap_or('\u{fffd}')
                        }
                        _ => return None,
                    };
                    self.i += 1;
                    out.push(c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn parses_and_prints_back() {
        let v = Json::parse(r#" {"a": 1, "b": [true, null, "x\"y"], "c": {"d": -2.5e3}} "#).expect("valid");
        assert_eq!(v.to_json(), r#"{"a":1,"b":[true,null,"x\"y"],"c":{"d":-2.5e3}}"#);
        assert_eq!(Json::parse_many(r#"{"a":1}{"a":2}"#).map(|v| v.len()), Some(2));
        assert!(Json::parse("{").is_none());
        assert!(Json::parse(&"[".repeat(100)).is_none());
    }
}
