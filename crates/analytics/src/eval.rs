//! Checked expressions and how they evaluate; aggregate accumulators.

use crate::ast::BinOp;
use crate::value::{
    SqlType, TimeUnit, Value, align_down, extract, floor_timestamp, next_unit_start, parse_timestamp, to_text,
};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;

/// A checked expression: names resolved to column positions.
#[derive(Clone, Debug)]
pub(crate) enum RExpr {
    Lit(Value),
    /// A column of the input row.
    Col(u32),
    /// The row's `ROWTIME` (KDA) or processing time.
    Rowtime,
    /// `window_start` / `window_end` / `window_time` of a Flink window.
    WindowStart,
    WindowEnd,
    WindowTime,
    /// A `GROUP BY` (or stagger partition) value of the current group.
    Group(u32),
    /// The result of an aggregate.
    Agg(u32),
    Neg(Box<Self>),
    Not(Box<Self>),
    Bin(BinOp, Box<Self>, Box<Self>),
    IsNull(Box<Self>, bool),
    Like(Box<Self>, Box<Self>, bool),
    Between(Box<Self>, Box<Self>, Box<Self>, bool),
    Cast(Box<Self>, SqlType),
    Case(Vec<(Self, Self)>, Option<Box<Self>>),
    Step(Box<Self>, Box<Self>),
    Floor(Box<Self>, Option<TimeUnit>, bool),
    Extract(TimeUnit, Box<Self>),
    Func(Func, Vec<Self>),
}

/// Scalar functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    Upper,
    Lower,
    CharLength,
    Abs,
    Round,
    Coalesce,
    Substring,
    ToTimestamp,
    ToTimestampLtz,
    /// `PROCTIME()`, `CURRENT_ROW_TIMESTAMP`, `CURRENT_TIMESTAMP`: the processing time.
    Now,
}

impl Func {
    /// The function of a name, its result type given argument types, and its arity range.
    pub(crate) fn lookup(name: &str) -> Option<(Self, usize, usize)> {
        Some(match name.to_ascii_uppercase().as_str() {
            "UPPER" => (Self::Upper, 1, 1),
            "LOWER" => (Self::Lower, 1, 1),
            "CHAR_LENGTH" | "CHARACTER_LENGTH" | "LENGTH" => (Self::CharLength, 1, 1),
            "ABS" => (Self::Abs, 1, 1),
            "ROUND" => (Self::Round, 1, 2),
            "COALESCE" => (Self::Coalesce, 1, 16),
            "SUBSTRING" | "SUBSTR" => (Self::Substring, 2, 3),
            "TO_TIMESTAMP" => (Self::ToTimestamp, 1, 1),
            "TO_TIMESTAMP_LTZ" => (Self::ToTimestampLtz, 1, 2),
            "PROCTIME" | "CURRENT_ROW_TIMESTAMP" | "CURRENT_TIMESTAMP" | "NOW" => (Self::Now, 0, 0),
            _ => return None,
        })
    }

    pub(crate) fn result_type(self, args: &[SqlType]) -> SqlType {
        match self {
            Self::Upper | Self::Lower | Self::Substring => SqlType::Varchar,
            Self::CharLength => SqlType::Integer,
            Self::Abs | Self::Round | Self::Coalesce => args.first().copied().unwrap_or(SqlType::Null),
            Self::ToTimestamp | Self::ToTimestampLtz | Self::Now => SqlType::Timestamp,
        }
    }
}

/// What an expression can see while it is evaluated.
pub(crate) struct Ctx<'a> {
    pub(crate) row: &'a [Value],
    pub(crate) rowtime_ms: i64,
    pub(crate) window: Option<(i64, i64)>,
    pub(crate) group: &'a [Value],
    pub(crate) aggs: &'a [Value],
}

impl<'a> Ctx<'a> {
    pub(crate) fn row(row: &'a [Value], rowtime_ms: i64) -> Self {
        Self { row, rowtime_ms, window: None, group: &[], aggs: &[] }
    }
}

/// A runtime failure: the row goes to `error_stream` instead.
pub(crate) type EvalResult = Result<Value, String>;

fn truthy(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

/// Compares two non-null values of comparable kinds.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Timestamp(_), Value::Timestamp(_))
        | (Value::Interval(_), Value::Interval(_)) => Some(a.total_cmp(b)),
        _ => None,
    }
}

fn as_f64(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(x) => Some(*x),
        _ => None,
    }
}

/// SQL `LIKE` with `%` (any run) and `_` (one character).
fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    // Greedy matching with one backtrack point: linear in practice, never exponential.
    let (mut t, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '_' || pattern[p] == text[t]) {
            t += 1;
            p += 1;
        } else if p < pattern.len() && pattern[p] == '%' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '%')
}

/// Converts a value to a column type, as `CAST` and inserts into declared streams do.
pub(crate) fn coerce(value: Value, to: SqlType) -> EvalResult {
    Ok(match (to, value) {
        (_, Value::Null) => Value::Null,
        (SqlType::Integer, Value::Int(i)) => Value::Int(i),
        (SqlType::Integer, Value::Float(x)) if x.is_finite() && x.abs() < 9.2e18 => Value::Int(x as i64),
        (SqlType::Integer, Value::Str(s)) => {
            Value::Int(s.trim().parse().map_err(|_| format!("cannot convert '{s}' to INTEGER"))?)
        }
        (SqlType::Double, Value::Int(i)) => Value::Float(i as f64),
        (SqlType::Double, Value::Float(x)) => Value::Float(x),
        (SqlType::Double, Value::Str(s)) => {
            Value::Float(s.trim().parse().map_err(|_| format!("cannot convert '{s}' to DOUBLE"))?)
        }
        (SqlType::Varchar, v) => Value::Str(to_text(&v)),
        (SqlType::Boolean, Value::Bool(b)) => Value::Bool(b),
        (SqlType::Boolean, Value::Str(s)) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
        (SqlType::Boolean, Value::Str(s)) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
        (SqlType::Timestamp, Value::Timestamp(t)) => Value::Timestamp(t),
        (SqlType::Timestamp, Value::Int(ms)) => Value::Timestamp(ms),
        (SqlType::Timestamp, Value::Str(s)) => {
            Value::Timestamp(parse_timestamp(&s).ok_or_else(|| format!("cannot convert '{s}' to TIMESTAMP"))?)
        }
        (SqlType::Interval | SqlType::Null, v) => v,
        (to, v) => return Err(format!("cannot convert {v} to {}", to.name())),
    })
}

/// Converts a JSON field to a column type; `None` for a type it cannot take.
pub(crate) fn from_json(json: &serde_json::Value, to: SqlType) -> EvalResult {
    let value = match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::Str(s.clone()),
        other => Value::Str(other.to_string()),
    };
    coerce(value, to)
}

impl RExpr {
    /// Each compound kind is evaluated by its own function, so that the frame this recursion repeats per
    /// level of the expression stays small.
    pub(crate) fn eval(&self, ctx: &Ctx<'_>) -> EvalResult {
        Ok(match self {
            Self::Lit(v) => v.clone(),
            Self::Col(i) => ctx.row.get(*i as usize).cloned().unwrap_or(Value::Null),
            Self::Rowtime => Value::Timestamp(ctx.rowtime_ms),
            Self::WindowStart => ctx.window.map_or(Value::Null, |w| Value::Timestamp(w.0)),
            Self::WindowEnd => ctx.window.map_or(Value::Null, |w| Value::Timestamp(w.1)),
            Self::WindowTime => ctx.window.map_or(Value::Null, |w| Value::Timestamp(w.1.saturating_sub(1))),
            Self::Group(i) => ctx.group.get(*i as usize).cloned().unwrap_or(Value::Null),
            Self::Agg(i) => ctx.aggs.get(*i as usize).cloned().unwrap_or(Value::Null),
            Self::Neg(e) => negate(e.eval(ctx)?)?,
            Self::Not(e) => truthy(&e.eval(ctx)?).map_or(Value::Null, |b| Value::Bool(!b)),
            Self::Bin(op, a, b) => binary(*op, a, b, ctx)?,
            Self::IsNull(e, negated) => Value::Bool((e.eval(ctx)? == Value::Null) != *negated),
            Self::Like(e, p, negated) => like_values(e.eval(ctx)?, p.eval(ctx)?, *negated),
            Self::Between(e, low, high, negated) => between(e, low, high, *negated, ctx)?,
            Self::Cast(e, to) => coerce(e.eval(ctx)?, *to)?,
            Self::Case(whens, otherwise) => case(whens, otherwise.as_deref(), ctx)?,
            Self::Step(e, by) => step(e.eval(ctx)?, by.eval(ctx)?)?,
            Self::Floor(e, to, ceil) => floor(e.eval(ctx)?, *to, *ceil),
            Self::Extract(unit, e) => match e.eval(ctx)? {
                Value::Timestamp(t) => Value::Int(extract(t, *unit)),
                _ => Value::Null,
            },
            Self::Func(f, args) => function(*f, args, ctx)?,
        })
    }
}

#[inline(never)]
fn negate(value: Value) -> EvalResult {
    Ok(match value {
        Value::Int(i) => Value::Int(i.checked_neg().ok_or("integer overflow")?),
        Value::Float(x) => Value::Float(-x),
        Value::Interval(ms) => Value::Interval(ms.saturating_neg()),
        _ => Value::Null,
    })
}

#[inline(never)]
fn like_values(text: Value, pattern: Value, negated: bool) -> Value {
    match (text, pattern) {
        (Value::Str(s), Value::Str(p)) => Value::Bool(like(&s, &p) != negated),
        _ => Value::Null,
    }
}

#[inline(never)]
fn between(e: &RExpr, low: &RExpr, high: &RExpr, negated: bool, ctx: &Ctx<'_>) -> EvalResult {
    let v = e.eval(ctx)?;
    Ok(match (compare(&v, &low.eval(ctx)?), compare(&v, &high.eval(ctx)?)) {
        (Some(l), Some(h)) => Value::Bool((l != Ordering::Less && h != Ordering::Greater) != negated),
        _ => Value::Null,
    })
}

#[inline(never)]
fn case(whens: &[(RExpr, RExpr)], otherwise: Option<&RExpr>, ctx: &Ctx<'_>) -> EvalResult {
    for (condition, value) in whens {
        if truthy(&condition.eval(ctx)?) == Some(true) {
            return value.eval(ctx);
        }
    }
    otherwise.map_or(Ok(Value::Null), |e| e.eval(ctx))
}

#[inline(never)]
fn step(value: Value, by: Value) -> EvalResult {
    Ok(match (value, by) {
        (Value::Timestamp(t), Value::Interval(len)) if len > 0 => Value::Timestamp(align_down(t, len)),
        (Value::Int(x), Value::Int(len)) if len > 0 => Value::Int(align_down(x, len)),
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        _ => return Err("STEP needs a positive interval".into()),
    })
}

#[inline(never)]
fn floor(value: Value, to: Option<TimeUnit>, ceil: bool) -> Value {
    match (value, to) {
        (Value::Timestamp(t), Some(unit)) => {
            let floor = floor_timestamp(t, unit);
            Value::Timestamp(if ceil && floor != t { next_unit_start(floor, unit) } else { floor })
        }
        (Value::Float(x), None) => Value::Float(if ceil { libm_ceil(x) } else { libm_floor(x) }),
        (Value::Int(i), None) => Value::Int(i),
        _ => Value::Null,
    }
}

#[inline(never)]
fn function(f: Func, args: &[RExpr], ctx: &Ctx<'_>) -> EvalResult {
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        values.push(a.eval(ctx)?);
    }
    call(f, values, ctx)
}

/// `floor` without std: exact for every finite f64.
fn libm_floor(x: f64) -> f64 {
    if !x.is_finite() || x.abs() >= 4_503_599_627_370_496.0 {
        return x;
    }
    let truncated = (x as i64) as f64;
    if truncated > x { truncated - 1.0 } else { truncated }
}

fn libm_ceil(x: f64) -> f64 {
    -libm_floor(-x)
}

fn call(f: Func, args: Vec<Value>, ctx: &Ctx<'_>) -> EvalResult {
    let first = args.first().cloned().unwrap_or(Value::Null);
    Ok(match f {
        Func::Now => Value::Timestamp(ctx.rowtime_ms),
        Func::Coalesce => args.into_iter().find(|v| *v != Value::Null).unwrap_or(Value::Null),
        _ if first == Value::Null => Value::Null,
        Func::Upper => Value::Str(to_text(&first).to_uppercase()),
        Func::Lower => Value::Str(to_text(&first).to_lowercase()),
        Func::CharLength => Value::Int(to_text(&first).chars().count() as i64),
        Func::Abs => match first {
            Value::Int(i) => Value::Int(i.checked_abs().ok_or("integer overflow")?),
            Value::Float(x) => Value::Float(x.abs()),
            _ => Value::Null,
        },
        Func::Round => {
            let digits = match args.get(1) {
                Some(Value::Int(d)) => (*d).clamp(-15, 15),
                _ => 0,
            };
            match first {
                Value::Float(x) => {
                    let scale = (0..digits.unsigned_abs()).fold(1.0, |s, _| s * 10.0);
                    let scaled = if digits >= 0 { x * scale } else { x / scale };
                    let rounded = if scaled < 0.0 { -libm_floor(-scaled + 0.5) } else { libm_floor(scaled + 0.5) };
                    Value::Float(if digits >= 0 { rounded / scale } else { rounded * scale })
                }
                other => other,
            }
        }
        Func::Substring => {
            let text: Vec<char> = to_text(&first).chars().collect();
            let start = match args.get(1) {
                Some(Value::Int(s)) => usize::try_from((*s).max(1)).unwrap_or(usize::MAX).saturating_sub(1),
                _ => return Ok(Value::Null),
            };
            let len = match args.get(2) {
                Some(Value::Int(n)) => usize::try_from((*n).max(0)).unwrap_or(usize::MAX),
                Some(_) => return Ok(Value::Null),
                None => text.len(),
            };
            Value::Str(text.iter().skip(start).take(len).collect())
        }
        Func::ToTimestamp => coerce(first, SqlType::Timestamp)?,
        Func::ToTimestampLtz => match (first, args.get(1)) {
            (Value::Int(n), Some(Value::Int(0))) => Value::Timestamp(n.saturating_mul(1000)),
            (Value::Int(n), _) => Value::Timestamp(n),
            (other, _) => coerce(other, SqlType::Timestamp)?,
        },
    })
}

#[inline(never)]
fn binary(op: BinOp, a: &RExpr, b: &RExpr, ctx: &Ctx<'_>) -> EvalResult {
    let left = a.eval(ctx)?;
    // AND / OR use three-valued logic and short-circuit.
    if op == BinOp::And || op == BinOp::Or {
        let l = truthy(&left);
        let short = if op == BinOp::And { Some(false) } else { Some(true) };
        if l == short {
            return Ok(Value::Bool(l == Some(true)));
        }
        let r = truthy(&b.eval(ctx)?);
        return Ok(match (l, r) {
            (_, r) if r == short => Value::Bool(r == Some(true)),
            (Some(_), Some(r)) => Value::Bool(r),
            _ => Value::Null,
        });
    }
    let right = b.eval(ctx)?;
    if left == Value::Null || right == Value::Null {
        return Ok(Value::Null);
    }
    let ordering = || compare(&left, &right);
    Ok(match op {
        BinOp::Eq => ordering().map_or(Value::Null, |o| Value::Bool(o == Ordering::Equal)),
        BinOp::Ne => ordering().map_or(Value::Null, |o| Value::Bool(o != Ordering::Equal)),
        BinOp::Lt => ordering().map_or(Value::Null, |o| Value::Bool(o == Ordering::Less)),
        BinOp::Le => ordering().map_or(Value::Null, |o| Value::Bool(o != Ordering::Greater)),
        BinOp::Gt => ordering().map_or(Value::Null, |o| Value::Bool(o == Ordering::Greater)),
        BinOp::Ge => ordering().map_or(Value::Null, |o| Value::Bool(o != Ordering::Less)),
        BinOp::Concat => Value::Str(format!("{}{}", to_text(&left), to_text(&right))),
        _ => arithmetic(op, left, right)?,
    })
}

fn arithmetic(op: BinOp, left: Value, right: Value) -> EvalResult {
    let overflow = || String::from("integer overflow");
    Ok(match (left, right) {
        (Value::Int(x), Value::Int(y)) => Value::Int(match op {
            BinOp::Add => x.checked_add(y).ok_or_else(overflow)?,
            BinOp::Sub => x.checked_sub(y).ok_or_else(overflow)?,
            BinOp::Mul => x.checked_mul(y).ok_or_else(overflow)?,
            BinOp::Div if y == 0 => return Err("division by zero".into()),
            BinOp::Div => x.checked_div(y).ok_or_else(overflow)?,
            BinOp::Rem if y == 0 => return Err("division by zero".into()),
            BinOp::Rem => x.checked_rem(y).ok_or_else(overflow)?,
            _ => return Ok(Value::Null),
        }),
        (Value::Timestamp(t), Value::Interval(d)) => match op {
            BinOp::Add => Value::Timestamp(t.saturating_add(d)),
            BinOp::Sub => Value::Timestamp(t.saturating_sub(d)),
            _ => Value::Null,
        },
        (Value::Interval(d), Value::Timestamp(t)) if op == BinOp::Add => Value::Timestamp(t.saturating_add(d)),
        (Value::Interval(x), Value::Interval(y)) => match op {
            BinOp::Add => Value::Interval(x.saturating_add(y)),
            BinOp::Sub => Value::Interval(x.saturating_sub(y)),
            _ => Value::Null,
        },
        (l, r) => match (as_f64(&l), as_f64(&r)) {
            (Some(x), Some(y)) => Value::Float(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div if y == 0.0 => return Err("division by zero".into()),
                BinOp::Div => x / y,
                BinOp::Rem if y == 0.0 => return Err("division by zero".into()),
                BinOp::Rem => x % y,
                _ => return Ok(Value::Null),
            }),
            _ => Value::Null,
        },
    })
}

/// Aggregate functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AggFunc {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

impl AggFunc {
    pub(crate) fn lookup(name: &str) -> Option<Self> {
        Some(match name.to_ascii_uppercase().as_str() {
            "COUNT" => Self::Count,
            "SUM" => Self::Sum,
            "AVG" => Self::Avg,
            "MIN" => Self::Min,
            "MAX" => Self::Max,
            _ => return None,
        })
    }
}

/// One aggregate of a query: its function, argument (`None` for `COUNT(*)`), and sliding window.
#[derive(Clone, Debug)]
pub(crate) struct AggSpec {
    pub(crate) func: AggFunc,
    pub(crate) arg: Option<RExpr>,
    pub(crate) window: Option<u32>,
}

/// A running aggregate; accumulators of the same function merge (session windows).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Acc {
    Count(i64),
    Sum { int: i64, float: f64, any_float: bool, seen: bool },
    Avg { sum: f64, n: i64 },
    Min(Value),
    Max(Value),
}

impl Acc {
    pub(crate) fn new(func: AggFunc) -> Self {
        match func {
            AggFunc::Count => Self::Count(0),
            AggFunc::Sum => Self::Sum { int: 0, float: 0.0, any_float: false, seen: false },
            AggFunc::Avg => Self::Avg { sum: 0.0, n: 0 },
            AggFunc::Min => Self::Min(Value::Null),
            AggFunc::Max => Self::Max(Value::Null),
        }
    }

    /// Adds one row's argument (`None` for `COUNT(*)`); nulls are skipped.
    pub(crate) fn add(&mut self, value: Option<&Value>) {
        if value == Some(&Value::Null) {
            return;
        }
        match (self, value) {
            (Self::Count(n), _) => *n = n.saturating_add(1),
            (Self::Sum { int, float, any_float, seen }, Some(v)) => {
                *seen = true;
                match v {
                    Value::Int(i) => *int = int.saturating_add(*i),
                    other => {
                        *any_float = true;
                        *float += as_f64(other).unwrap_or(0.0);
                    }
                }
            }
            (Self::Avg { sum, n }, Some(v)) => {
                *sum += as_f64(v).unwrap_or(0.0);
                *n = n.saturating_add(1);
            }
            (Self::Min(m), Some(v)) if (*m == Value::Null || v.total_cmp(m) == Ordering::Less) => {
                *m = v.clone();
            }
            (Self::Max(m), Some(v)) if (*m == Value::Null || v.total_cmp(m) == Ordering::Greater) => {
                *m = v.clone();
            }
            _ => {}
        }
    }

    /// Folds another accumulator of the same function into this one.
    pub(crate) fn merge(&mut self, other: &Self) {
        match (self, other) {
            (Self::Count(a), Self::Count(b)) => *a = a.saturating_add(*b),
            (Self::Sum { int, float, any_float, seen }, Self::Sum { int: i2, float: f2, any_float: a2, seen: s2 }) => {
                *int = int.saturating_add(*i2);
                *float += f2;
                *any_float |= a2;
                *seen |= s2;
            }
            (Self::Avg { sum, n }, Self::Avg { sum: s2, n: n2 }) => {
                *sum += s2;
                *n = n.saturating_add(*n2);
            }
            (me @ Self::Min(_), Self::Min(v)) | (me @ Self::Max(_), Self::Max(v)) => me.add(Some(v)),
            _ => {}
        }
    }

    pub(crate) fn result(&self) -> Value {
        match self {
            Self::Count(n) => Value::Int(*n),
            Self::Sum { seen: false, .. } | Self::Avg { n: 0, .. } => Value::Null,
            Self::Sum { int, any_float: false, .. } => Value::Int(*int),
            Self::Sum { int, float, .. } => Value::Float(*int as f64 + float),
            Self::Avg { sum, n } => Value::Float(sum / *n as f64),
            Self::Min(v) | Self::Max(v) => v.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_matches_wildcards() {
        assert!(like("TECHNOLOGY", "%TECH%"));
        assert!(like("abc", "a_c"));
        assert!(!like("abc", "a_"));
        assert!(like("", "%"));
        assert!(like("aXbXc", "a%b%c"));
    }

    #[test]
    fn step_and_floor_on_numbers_follow_the_reference() {
        // `docs/aws-behaviour.md` §6.4: STEP(23 BY 5) = 20, STEP(30 BY 10) = 30, FLOOR(-3.3) = -4.
        let ctx = Ctx::row(&[], 0);
        let step = |x, by| RExpr::Step(Box::new(RExpr::Lit(Value::Int(x))), Box::new(RExpr::Lit(Value::Int(by))));
        assert_eq!(step(23, 5).eval(&ctx), Ok(Value::Int(20)));
        assert_eq!(step(30, 10).eval(&ctx), Ok(Value::Int(30)));
        let floor = RExpr::Floor(Box::new(RExpr::Lit(Value::Float(-3.3))), None, false);
        assert_eq!(floor.eval(&ctx), Ok(Value::Float(-4.0)));
        let null_step = RExpr::Step(Box::new(RExpr::Lit(Value::Null)), Box::new(RExpr::Lit(Value::Int(5))));
        assert_eq!(null_step.eval(&ctx), Ok(Value::Null));
    }

    #[test]
    fn accumulators_merge_like_one() {
        let mut a = Acc::new(AggFunc::Avg);
        let mut b = Acc::new(AggFunc::Avg);
        a.add(Some(&Value::Int(1)));
        b.add(Some(&Value::Int(2)));
        b.add(Some(&Value::Null));
        a.merge(&b);
        assert_eq!(a.result(), Value::Float(1.5));
    }
}
