//! Data transformation: the Lambda contract (`docs/aws-behaviour.md` §5.5) around a small, sandboxed transform
//! language, so a transform from a shared link can run safely.
//!
//! # The transform language
//!
//! One statement per line; `#` starts a comment. Records that are JSON are seen as values (`.` is the
//! record, `.a.b` a member); other records are one string, `.`.
//!
//! ```text
//! drop if .level == "debug"          # result Dropped
//! keep if has .user                  # Dropped unless
//! fail if .amount < 0                # result ProcessingFailed
//! set .region = "eu-west-1"          # add or replace a member (enrich)
//! set .who = upper(.user)
//! del .password                      # remove a member
//! partition customer = .customer_id  # metadata.partitionKeys for !{partitionKeyFromLambda:customer}
//! csv .ts, .user, .amount            # the record becomes one CSV line; the program ends
//! ```
//!
//! Conditions compare with `==`, `!=`, `<`, `<=`, `>`, `>=`, `contains`, combine with `and`, `or`, `not` and
//! parentheses, and test presence with `has`. Values are paths, `"strings"`, numbers, `true`, `false`,
//! `null`, `arrival` (the record's arrival, epoch ms), `bucket` (0 to 99, a hash of the record's `recordId`:
//! `fail if bucket < 5` fails a steady 5 % of records, the same ones on every run), `upper(x)`, `lower(x)`.
//!
//! There are no loops, no calls out, no access to anything but the record. Every step costs fuel: a
//! program is at most [`PROGRAM_CHARS_MAX`] characters, and one invocation at most [`FUEL_PER_INVOCATION`]
//! steps; an invocation that runs out fails as a Lambda timeout would, and is retried like one.

use crate::json::Json;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

/// Longest program text.
pub const PROGRAM_CHARS_MAX: usize = 4_096;
/// Most statements in a program.
pub const STATEMENTS_MAX: usize = 64;
/// Steps one invocation may take (the simulated 5-minute Lambda timeout).
pub const FUEL_PER_INVOCATION: u64 = 2_000_000;

/// Ready transforms offered beside the editor: a name and the program.
pub const READY_TRANSFORMS: [(&str, &str); 5] = [
    ("Filter: keep only purchases", "keep if .event == \"purchase\""),
    ("Enrich: add the Region", "set .region = \"us-east-1\"\nset .received_ms = arrival"),
    ("JSON to CSV", "csv .ts, .user, .event"),
    ("Drop a field", "del .ip"),
    ("Fail on a condition", "fail if not has .user"),
];

/// `result` of one response record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TransformResult {
    /// `Ok`: delivered (with the returned data).
    Ok,
    /// `Dropped`: deliberately not delivered; counts as success.
    Dropped,
    /// `ProcessingFailed`: written under the error output prefix.
    ProcessingFailed,
}

impl TransformResult {
    /// The wire value.
    pub const fn aws_name(self) -> &'static str {
        match self {
            Self::Ok => "Ok",
            Self::Dropped => "Dropped",
            Self::ProcessingFailed => "ProcessingFailed",
        }
    }
}

/// One record of the invocation event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// `recordId`.
    pub record_id: String,
    /// `approximateArrivalTimestamp`, epoch ms.
    pub approximate_arrival_timestamp: u64,
    /// `data`, base64.
    pub data: String,
}

/// One record of the function's response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseRecord {
    /// `recordId`: must be one of the request's.
    pub record_id: String,
    /// `result`.
    pub result: TransformResult,
    /// `data`, base64.
    pub data: String,
    /// `metadata.partitionKeys`.
    pub partition_keys: BTreeMap<String, String>,
}

/// Why an invocation failed as a whole (it is retried, then every record fails).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvocationError {
    /// The `errorCode` written with the failed records.
    pub error_code: &'static str,
    /// The `errorMessage`.
    pub error_message: String,
}

/// What became of one request record after a valid response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The result.
    pub result: TransformResult,
    /// Decoded data (for `Ok`).
    pub data: Vec<u8>,
    /// Partition keys the transform returned.
    pub partition_keys: BTreeMap<String, String>,
}

/// Checks a response against its request as Firehose does: every recordId back exactly once, `Ok` data in
/// base64. Returns the outcome of each request record, in request order.
pub fn check_response(
    request: &[RequestRecord],
    response: Vec<ResponseRecord>,
) -> Result<Vec<Outcome>, InvocationError> {
    let mut by_id: BTreeMap<String, ResponseRecord> = BTreeMap::new();
    for record in response {
        let id = record.record_id.clone();
        if by_id.insert(id.clone(), record).is_some() {
            return Err(InvocationError {
                error_code: "Lambda.DuplicatedRecordId",
                error_message: format!("The response has recordId {id} more than once."),
            });
        }
    }
    let mut outcomes = Vec::with_capacity(request.len());
    for record in request {
        let Some(answer) = by_id.remove(&record.record_id) else {
            return Err(InvocationError {
                error_code: "Lambda.MissingRecordId",
                error_message: format!("The response has no record with recordId {}.", record.record_id),
            });
        };
        let data = if answer.result == TransformResult::Ok {
            BASE64.decode(answer.data.as_bytes()).map_err(|_| InvocationError {
                error_code: "Lambda.InvalidBase64",
                error_message: format!("The data of recordId {} is not valid base64.", record.record_id),
            })?
        } else {
            Vec::new()
        };
        outcomes.push(Outcome { result: answer.result, data, partition_keys: answer.partition_keys });
    }
    if let Some(extra) = by_id.keys().next() {
        return Err(InvocationError {
            error_code: "Lambda.InvalidRecordId",
            error_message: format!("The response has recordId {extra}, which was not in the request."),
        });
    }
    Ok(outcomes)
}

/// A compiled transform program.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    statements: Vec<Statement>,
    needs_json: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Statement {
    Drop(Cond),
    Keep(Cond),
    Fail(Cond),
    Set(Vec<String>, Expr),
    Del(Vec<String>),
    Partition(String, Expr),
    Csv(Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
enum Cond {
    Compare(Expr, Op, Expr),
    Has(Vec<String>),
    Not(Box<Self>),
    And(Box<Self>, Box<Self>),
    Or(Box<Self>, Box<Self>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Path(Vec<String>),
    Literal(Json),
    Arrival,
    Bucket,
    Upper(Box<Self>),
    Lower(Box<Self>),
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Path(Vec<String>),
    Str(String),
    Num(String),
    Sym(&'static str),
}

fn tokenize(line: &str, line_no: usize) -> Result<Vec<Token>, String> {
    let err = |what: &str| format!("Line {line_no}: {what}.");
    let chars: Vec<char> = line.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '#' {
            break;
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(err("a string is not closed")),
                    Some('"') => break,
                    Some('\\') => {
                        s.push(*chars.get(i + 1).ok_or_else(|| err("a string is not closed"))?);
                        i += 2;
                    }
                    Some(ch) => {
                        s.push(*ch);
                        i += 1;
                    }
                }
            }
            i += 1;
            tokens.push(Token::Str(s));
        } else if c == '.' {
            let mut path = Vec::new();
            while chars.get(i) == Some(&'.') {
                i += 1;
                let start = i;
                while chars.get(i).is_some_and(|ch| ch.is_alphanumeric() || *ch == '_' || *ch == '-') {
                    i += 1;
                }
                if i > start {
                    path.push(chars[start..i].iter().collect());
                } else if !path.is_empty() {
                    return Err(err("a path has an empty member name"));
                }
            }
            tokens.push(Token::Path(path));
        } else if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            i += 1;
            while chars.get(i).is_some_and(|ch| ch.is_ascii_digit() || *ch == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            text.parse::<f64>().map_err(|_| err("a number is malformed"))?;
            tokens.push(Token::Num(text));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while chars.get(i).is_some_and(|ch| ch.is_alphanumeric() || *ch == '_') {
                i += 1;
            }
            tokens.push(Token::Word(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let sym = ["==", "!=", "<=", ">="]
                .into_iter()
                .find(|s| *s == two)
                .or_else(|| ["<", ">", "=", "(", ")", ","].into_iter().find(|s| s.starts_with(c)));
            let Some(sym) = sym else { return Err(err(&format!("'{c}' is not understood"))) };
            i += sym.len();
            tokens.push(Token::Sym(sym));
        }
    }
    Ok(tokens)
}

struct Cursor {
    tokens: Vec<Token>,
    at: usize,
    line_no: usize,
}

impl Cursor {
    fn err(&self, what: &str) -> String {
        format!("Line {}: {what}.", self.line_no)
    }
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }
    fn word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Token::Word(x)) if x == w) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn sym(&mut self, s: &str) -> bool {
        if matches!(self.peek(), Some(Token::Sym(x)) if *x == s) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn path(&mut self) -> Result<Vec<String>, String> {
        match self.next() {
            Some(Token::Path(p)) if !p.is_empty() => Ok(p),
            _ => Err(self.err("expected a member path such as .user")),
        }
    }
    fn expr(&mut self, depth: u32) -> Result<Expr, String> {
        if depth > 8 {
            return Err(self.err("expressions nest too deeply"));
        }
        match self.next() {
            Some(Token::Path(p)) => Ok(Expr::Path(p)),
            Some(Token::Str(s)) => Ok(Expr::Literal(Json::String(s))),
            Some(Token::Num(n)) => Ok(Expr::Literal(Json::Number(n))),
            Some(Token::Word(w)) => match w.as_str() {
                "true" => Ok(Expr::Literal(Json::Bool(true))),
                "false" => Ok(Expr::Literal(Json::Bool(false))),
                "null" => Ok(Expr::Literal(Json::Null)),
                "arrival" => Ok(Expr::Arrival),
                "bucket" => Ok(Expr::Bucket),
                "upper" | "lower" => {
                    if !self.sym("(") {
                        return Err(self.err(&format!("expected '(' after {w}")));
                    }
                    let inner = Box::new(self.expr(depth + 1)?);
                    if !self.sym(")") {
                        return Err(self.err("expected ')'"));
                    }
                    Ok(if w == "upper" { Expr::Upper(inner) } else { Expr::Lower(inner) })
                }
                other => Err(self.err(&format!("'{other}' is not a value: use a path, \"text\", a number, true, false, null, arrival, bucket, upper() or lower()"))),
            },
            _ => Err(self.err("expected a value")),
        }
    }
    fn cond(&mut self, depth: u32) -> Result<Cond, String> {
        let mut left = self.and_cond(depth)?;
        while self.word("or") {
            left = Cond::Or(Box::new(left), Box::new(self.and_cond(depth)?));
        }
        Ok(left)
    }
    fn and_cond(&mut self, depth: u32) -> Result<Cond, String> {
        let mut left = self.atom(depth)?;
        while self.word("and") {
            left = Cond::And(Box::new(left), Box::new(self.atom(depth)?));
        }
        Ok(left)
    }
    fn atom(&mut self, depth: u32) -> Result<Cond, String> {
        if depth > 8 {
            return Err(self.err("conditions nest too deeply"));
        }
        if self.word("not") {
            return Ok(Cond::Not(Box::new(self.atom(depth + 1)?)));
        }
        if self.word("has") {
            return Ok(Cond::Has(self.path()?));
        }
        if self.sym("(") {
            let c = self.cond(depth + 1)?;
            if !self.sym(")") {
                return Err(self.err("expected ')'"));
            }
            return Ok(c);
        }
        let left = self.expr(0)?;
        let op = match self.next() {
            Some(Token::Sym("==")) => Op::Eq,
            Some(Token::Sym("!=")) => Op::Ne,
            Some(Token::Sym("<")) => Op::Lt,
            Some(Token::Sym("<=")) => Op::Le,
            Some(Token::Sym(">")) => Op::Gt,
            Some(Token::Sym(">=")) => Op::Ge,
            Some(Token::Word(w)) if w == "contains" => Op::Contains,
            _ => return Err(self.err("expected a comparison: == != < <= > >= contains")),
        };
        Ok(Cond::Compare(left, op, self.expr(0)?))
    }
}

impl Program {
    /// Compiles `source`, or says what is wrong and where.
    pub fn compile(source: &str) -> Result<Self, String> {
        if source.chars().count() > PROGRAM_CHARS_MAX {
            return Err(format!("The transform has more than {PROGRAM_CHARS_MAX} characters."));
        }
        let mut statements = Vec::new();
        for (index, line) in source.lines().enumerate() {
            let tokens = tokenize(line, index + 1)?;
            if tokens.is_empty() {
                continue;
            }
            let mut c = Cursor { tokens, at: 0, line_no: index + 1 };
            let statement = match c.next() {
                Some(Token::Word(w)) => match w.as_str() {
                    "drop" | "keep" | "fail" => {
                        if !c.word("if") {
                            return Err(c.err(&format!("expected 'if' after '{w}'")));
                        }
                        let cond = c.cond(0)?;
                        match w.as_str() {
                            "drop" => Statement::Drop(cond),
                            "keep" => Statement::Keep(cond),
                            _ => Statement::Fail(cond),
                        }
                    }
                    "set" => {
                        let path = c.path()?;
                        if !c.sym("=") {
                            return Err(c.err("expected '=' after the path"));
                        }
                        Statement::Set(path, c.expr(0)?)
                    }
                    "del" => Statement::Del(c.path()?),
                    "partition" => {
                        let Some(Token::Word(name)) = c.next() else {
                            return Err(c.err("expected a partition key name"));
                        };
                        if !c.sym("=") {
                            return Err(c.err("expected '=' after the key name"));
                        }
                        Statement::Partition(name, c.expr(0)?)
                    }
                    "csv" => {
                        let mut columns = alloc::vec![c.expr(0)?];
                        while c.sym(",") {
                            columns.push(c.expr(0)?);
                        }
                        Statement::Csv(columns)
                    }
                    other => {
                        return Err(c.err(&format!(
                            "'{other}' is not a statement: use drop if, keep if, fail if, set, del, partition or csv"
                        )));
                    }
                },
                _ => return Err(c.err("a statement starts with drop, keep, fail, set, del, partition or csv")),
            };
            if c.peek().is_some() {
                return Err(c.err("unexpected text at the end of the statement"));
            }
            statements.push(statement);
            if statements.len() > STATEMENTS_MAX {
                return Err(format!("The transform has more than {STATEMENTS_MAX} statements."));
            }
        }
        let needs_json = !statements.is_empty();
        Ok(Self { statements, needs_json })
    }

    /// Acts as the Lambda function: answers an invocation event, spending at most `fuel` steps.
    pub fn invoke(&self, request: &[RequestRecord], fuel: &mut u64) -> Result<Vec<ResponseRecord>, InvocationError> {
        let mut out = Vec::with_capacity(request.len());
        for record in request {
            let data = BASE64.decode(record.data.as_bytes()).unwrap_or_default();
            spend(fuel, 1 + data.len() as u64 / 64)?;
            let bucket = record
                .record_id
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
                % 100;
            let env = Env { arrival_ms: record.approximate_arrival_timestamp, bucket };
            let (result, data, partition_keys) = self.run(&data, &env, fuel)?;
            out.push(ResponseRecord {
                record_id: record.record_id.clone(),
                result,
                data: BASE64.encode(&data),
                partition_keys,
            });
        }
        Ok(out)
    }

    fn run(&self, data: &[u8], env: &Env, fuel: &mut u64) -> Result<RecordOutput, InvocationError> {
        let text = core::str::from_utf8(data).ok();
        let parsed = if self.needs_json { text.and_then(Json::parse) } else { None };
        let mut changed = false;
        let mut value = parsed.clone().unwrap_or_else(|| Json::String(text.unwrap_or_default().into()));
        let mut keys = BTreeMap::new();
        for statement in &self.statements {
            spend(fuel, 1)?;
            match statement {
                Statement::Drop(c) if env.cond(c, &value, fuel)? => {
                    return Ok((TransformResult::Dropped, Vec::new(), keys));
                }
                Statement::Keep(c) if !env.cond(c, &value, fuel)? => {
                    return Ok((TransformResult::Dropped, Vec::new(), keys));
                }
                Statement::Fail(c) if env.cond(c, &value, fuel)? => {
                    return Ok((TransformResult::ProcessingFailed, data.to_vec(), keys));
                }
                Statement::Set(path, e) => {
                    let v = env.eval(e, &value, fuel)?.unwrap_or(Json::Null);
                    changed |= value.set(path, v);
                }
                Statement::Del(path) => {
                    value.remove(path);
                    changed = true;
                }
                Statement::Partition(name, e) => {
                    let v = env.eval(e, &value, fuel)?.map(|v| v.as_text()).unwrap_or_default();
                    keys.insert(name.clone(), v);
                }
                Statement::Csv(columns) => {
                    let mut line = String::new();
                    for (i, column) in columns.iter().enumerate() {
                        if i > 0 {
                            line.push(',');
                        }
                        let cell = env.eval(column, &value, fuel)?.map(|v| v.as_text()).unwrap_or_default();
                        if cell.contains([',', '"', '\n']) {
                            line.push('"');
                            line.push_str(&cell.replace('"', "\"\""));
                            line.push('"');
                        } else {
                            line.push_str(&cell);
                        }
                    }
                    return Ok((TransformResult::Ok, line.into_bytes(), keys));
                }
                _ => {}
            }
        }
        let out = if changed && parsed.is_some() { value.to_json().into_bytes() } else { data.to_vec() };
        Ok((TransformResult::Ok, out, keys))
    }
}

/// One record's result, data and partition keys.
type RecordOutput = (TransformResult, Vec<u8>, BTreeMap<String, String>);

fn spend(fuel: &mut u64, steps: u64) -> Result<(), InvocationError> {
    if *fuel < steps {
        *fuel = 0;
        return Err(InvocationError {
            error_code: "Lambda.FunctionTimeout",
            error_message: format!(
                "The transform ran out of its {FUEL_PER_INVOCATION} steps for one invocation (the simulated 5-minute timeout)."
            ),
        });
    }
    *fuel -= steps;
    Ok(())
}

struct Env {
    arrival_ms: u64,
    /// 0 to 99: an FNV-1a hash of the recordId.
    bucket: u64,
}

impl Env {
    fn eval(&self, e: &Expr, value: &Json, fuel: &mut u64) -> Result<Option<Json>, InvocationError> {
        spend(fuel, 1)?;
        Ok(match e {
            Expr::Path(p) => value.at(p).cloned(),
            Expr::Literal(v) => Some(v.clone()),
            Expr::Arrival => Some(Json::Number(self.arrival_ms.to_string())),
            Expr::Bucket => Some(Json::Number(self.bucket.to_string())),
            Expr::Upper(inner) => self.eval(inner, value, fuel)?.map(|v| Json::String(v.as_text().to_uppercase())),
            Expr::Lower(inner) => self.eval(inner, value, fuel)?.map(|v| Json::String(v.as_text().to_lowercase())),
        })
    }

    fn cond(&self, c: &Cond, value: &Json, fuel: &mut u64) -> Result<bool, InvocationError> {
        spend(fuel, 1)?;
        Ok(match c {
            Cond::Has(p) => value.at(p).is_some(),
            Cond::Not(inner) => !self.cond(inner, value, fuel)?,
            Cond::And(a, b) => self.cond(a, value, fuel)? && self.cond(b, value, fuel)?,
            Cond::Or(a, b) => self.cond(a, value, fuel)? || self.cond(b, value, fuel)?,
            Cond::Compare(a, op, b) => {
                let (Some(a), Some(b)) = (self.eval(a, value, fuel)?, self.eval(b, value, fuel)?) else {
                    return Ok(*op == Op::Ne);
                };
                let ordering = match (a.as_f64(), b.as_f64()) {
                    (Some(x), Some(y)) => x.partial_cmp(&y),
                    _ => Some(a.as_text().cmp(&b.as_text())),
                };
                match op {
                    Op::Eq => a == b || (ordering == Some(core::cmp::Ordering::Equal) && a.as_f64().is_some()),
                    Op::Ne => !(a == b || (ordering == Some(core::cmp::Ordering::Equal) && a.as_f64().is_some())),
                    Op::Lt => ordering.is_some_and(|o| o.is_lt()),
                    Op::Le => ordering.is_some_and(|o| o.is_le()),
                    Op::Gt => ordering.is_some_and(|o| o.is_gt()),
                    Op::Ge => ordering.is_some_and(|o| o.is_ge()),
                    Op::Contains => a.as_text().contains(b.as_text().as_str()),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn request(records: &[&str]) -> Vec<RequestRecord> {
        records
            .iter()
            .enumerate()
            .map(|(i, d)| RequestRecord {
                record_id: format!("id{i}"),
                approximate_arrival_timestamp: 1_000,
                data: BASE64.encode(d),
            })
            .collect()
    }

    fn run(source: &str, records: &[&str]) -> Vec<(TransformResult, String)> {
        let program = Program::compile(source).expect("compiles");
        let req = request(records);
        let mut fuel = FUEL_PER_INVOCATION;
        let response = program.invoke(&req, &mut fuel).expect("within fuel");
        check_response(&req, response)
            .expect("contract kept")
            .into_iter()
            .map(|o| (o.result, String::from_utf8(o.data).expect("utf-8")))
            .collect()
    }

    #[test]
    fn the_three_results() {
        let source = "drop if .level == \"debug\"\nfail if .amount < 0\nset .region = \"eu\"\ndel .ip";
        let out = run(
            source,
            &[
                r#"{"level":"debug"}"#,
                r#"{"level":"info","amount":-5}"#,
                r#"{"level":"info","amount":5,"ip":"1.2.3.4"}"#,
            ],
        );
        assert_eq!(out[0].0, TransformResult::Dropped);
        assert_eq!(out[1].0, TransformResult::ProcessingFailed);
        assert_eq!(out[2], (TransformResult::Ok, r#"{"level":"info","amount":5,"region":"eu"}"#.into()));
    }

    #[test]
    fn a_mismatched_record_id_fails_the_invocation() {
        let req = request(&["a", "b"]);
        let mut fuel = FUEL_PER_INVOCATION;
        let mut response = Program::compile("").expect("empty").invoke(&req, &mut fuel).expect("runs");
        response[1].record_id = "not-in-request".into();
        let err = check_response(&req, response).expect_err("mismatch");
        assert_eq!(err.error_code, "Lambda.MissingRecordId");
        // An extra record is refused too, and so is bad base64 in an Ok record.
        let mut response = Program::compile("").expect("empty").invoke(&req, &mut fuel).expect("runs");
        response.push(ResponseRecord { record_id: "x".into(), ..response[0].clone() });
        assert_eq!(check_response(&req, response).map_err(|e| e.error_code), Err("Lambda.InvalidRecordId"));
        let mut response = Program::compile("").expect("empty").invoke(&req, &mut fuel).expect("runs");
        response[0].data = "!!!".into();
        assert_eq!(check_response(&req, response).map_err(|e| e.error_code), Err("Lambda.InvalidBase64"));
    }

    #[test]
    fn ready_transforms_compile_and_do_what_they_say() {
        for (name, source) in READY_TRANSFORMS {
            assert!(Program::compile(source).is_ok(), "{name}");
        }
        let rec = r#"{"ts":"t1","user":"ann","event":"purchase","ip":"9.9.9.9"}"#;
        assert_eq!(run(READY_TRANSFORMS[0].1, &[rec, r#"{"event":"view"}"#])[1].0, TransformResult::Dropped);
        assert_eq!(run(READY_TRANSFORMS[2].1, &[rec])[0].1, "t1,ann,purchase");
        assert_eq!(run(READY_TRANSFORMS[3].1, &[rec])[0].1, r#"{"ts":"t1","user":"ann","event":"purchase"}"#);
        assert_eq!(run(READY_TRANSFORMS[4].1, &[r#"{"a":1}"#])[0].0, TransformResult::ProcessingFailed);
        assert!(run(READY_TRANSFORMS[1].1, &[rec])[0].1.ends_with(r#""region":"us-east-1","received_ms":1000}"#));
    }

    #[test]
    fn bucket_fails_a_steady_share_of_records() {
        // FNV-1a spreads record ids evenly enough: about 10 % of 1,000 ids fall in buckets 0 to 9.
        let program = Program::compile("fail if bucket < 10").expect("compiles");
        let records: Vec<String> = (0..1_000).map(|i| format!("{i:056}")).collect();
        let req: Vec<RequestRecord> = records
            .iter()
            .map(|id| RequestRecord {
                record_id: id.clone(),
                approximate_arrival_timestamp: 0,
                data: BASE64.encode("{}"),
            })
            .collect();
        let mut fuel = FUEL_PER_INVOCATION;
        let out = program.invoke(&req, &mut fuel).expect("runs");
        let failed = out.iter().filter(|r| r.result == TransformResult::ProcessingFailed).count();
        assert!((60..=140).contains(&failed), "{failed}");
        // The same ids fail on every run.
        let mut fuel = FUEL_PER_INVOCATION;
        assert_eq!(program.invoke(&req, &mut fuel).expect("runs"), out);
    }

    #[test]
    fn fuel_bounds_an_invocation() {
        let program = Program::compile("keep if has .a\nset .b = upper(.a)").expect("compiles");
        let req = request(&[r#"{"a":"x"}"#; 100]);
        let mut fuel = 50;
        let err = program.invoke(&req, &mut fuel).expect_err("runs out");
        assert_eq!(err.error_code, "Lambda.FunctionTimeout");
    }

    #[test]
    fn bad_programs_say_where_and_why() {
        assert_eq!(Program::compile("drop .a").unwrap_err(), "Line 1: expected 'if' after 'drop'.");
        assert!(Program::compile("\nset a = 1").unwrap_err().starts_with("Line 2:"));
        assert!(Program::compile(&"del .a\n".repeat(65)).is_err());
        assert!(Program::compile(&"x".repeat(5_000)).is_err());
        assert!(Program::compile("keep if ((((((((((.a == 1))))))))))").is_err());
        assert!(Program::compile("csv .a, \"unterminated").is_err());
    }
}
