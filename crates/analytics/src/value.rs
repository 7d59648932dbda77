//! SQL values and types, timestamps and the calendar.

use alloc::format;
use alloc::string::{String, ToString};
use core::cmp::Ordering;
use core::fmt;

/// A value in a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// `BOOLEAN`.
    Bool(bool),
    /// Any integer type.
    Int(i64),
    /// `DOUBLE`, `REAL`, `FLOAT`, `DECIMAL`.
    Float(f64),
    /// `VARCHAR`, `CHAR`, `STRING`.
    Str(String),
    /// `TIMESTAMP`: milliseconds since 1970-01-01 00:00:00 UTC.
    Timestamp(i64),
    /// A day-time interval in milliseconds.
    Interval(i64),
}

impl Value {
    /// A total order for grouping keys and sorting: nulls first, then by kind, floats by `total_cmp`.
    pub fn total_cmp(&self, other: &Self) -> Ordering {
        fn rank(v: &Value) -> u8 {
            match v {
                Value::Null => 0,
                Value::Bool(_) => 1,
                Value::Int(_) | Value::Float(_) => 2,
                Value::Str(_) => 3,
                Value::Timestamp(_) => 4,
                Value::Interval(_) => 5,
            }
        }
        match (self, other) {
            (Self::Bool(a), Self::Bool(b)) => a.cmp(b),
            (Self::Int(a), Self::Int(b)) => a.cmp(b),
            (Self::Int(a), Self::Float(b)) => (*a as f64).total_cmp(b),
            (Self::Float(a), Self::Int(b)) => a.total_cmp(&(*b as f64)),
            (Self::Float(a), Self::Float(b)) => a.total_cmp(b),
            (Self::Str(a), Self::Str(b)) => a.cmp(b),
            (Self::Timestamp(a), Self::Timestamp(b)) | (Self::Interval(a), Self::Interval(b)) => a.cmp(b),
            _ => rank(self).cmp(&rank(other)),
        }
    }

    /// The value as JSON: timestamps as `"YYYY-MM-DD HH:MM:SS.mmm"`, intervals as milliseconds.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Null => serde_json::Value::Null,
            Self::Bool(b) => serde_json::Value::Bool(*b),
            Self::Int(i) => serde_json::Value::from(*i),
            Self::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
            Self::Str(s) => serde_json::Value::String(s.clone()),
            Self::Timestamp(ms) => serde_json::Value::String(format_timestamp(*ms)),
            Self::Interval(ms) => serde_json::Value::from(*ms),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("NULL"),
            Self::Bool(b) => f.write_str(if *b { "TRUE" } else { "FALSE" }),
            Self::Int(i) => write!(f, "{i}"),
            Self::Float(x) => write!(f, "{x}"),
            Self::Str(s) => f.write_str(s),
            Self::Timestamp(ms) => f.write_str(&format_timestamp(*ms)),
            Self::Interval(ms) => write!(f, "{ms} ms"),
        }
    }
}

/// A grouping key: values compared with [`Value::total_cmp`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Key(pub(crate) alloc::vec::Vec<Value>);

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.0.iter().zip(&other.0) {
            match a.total_cmp(b) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        self.0.len().cmp(&other.0.len())
    }
}

/// Column types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlType {
    /// `BOOLEAN`.
    Boolean,
    /// `TINYINT`, `SMALLINT`, `INTEGER`, `BIGINT`.
    Integer,
    /// `REAL`, `FLOAT`, `DOUBLE`, `DECIMAL`.
    Double,
    /// `VARCHAR(n)`, `CHAR(n)`, `STRING` (lengths are not enforced).
    Varchar,
    /// `TIMESTAMP`.
    Timestamp,
    /// Day-time intervals (literals only).
    Interval,
    /// The type of a bare `NULL`.
    Null,
}

impl SqlType {
    /// Whether arithmetic applies.
    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Integer | Self::Double | Self::Null)
    }

    /// The type's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Boolean => "BOOLEAN",
            Self::Integer => "INTEGER",
            Self::Double => "DOUBLE",
            Self::Varchar => "VARCHAR",
            Self::Timestamp => "TIMESTAMP",
            Self::Interval => "INTERVAL",
            Self::Null => "NULL",
        }
    }
}

/// Calendar units of `FLOOR(... TO unit)`, `EXTRACT` and interval literals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// `YEAR`.
    Year,
    /// `MONTH`.
    Month,
    /// `DAY`.
    Day,
    /// `HOUR`.
    Hour,
    /// `MINUTE`.
    Minute,
    /// `SECOND`.
    Second,
}

impl TimeUnit {
    /// Parses a unit keyword (singular or plural), ignoring case.
    pub fn parse(word: &str) -> Option<Self> {
        let upper = word.to_ascii_uppercase();
        Some(match upper.trim_end_matches('S') {
            "YEAR" => Self::Year,
            "MONTH" => Self::Month,
            "DAY" => Self::Day,
            "HOUR" => Self::Hour,
            "MINUTE" => Self::Minute,
            "SECOND" => Self::Second,
            _ => return None,
        })
    }

    /// The unit's length in milliseconds, for units of fixed length.
    pub fn fixed_ms(self) -> Option<i64> {
        match self {
            Self::Day => Some(86_400_000),
            Self::Hour => Some(3_600_000),
            Self::Minute => Some(60_000),
            Self::Second => Some(1_000),
            Self::Year | Self::Month => None,
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Count from 0000-03-01 so that the leap day ends each 4-year cycle.
    let (y, m) = if month <= 2 { (year - 1, i64::from(month) + 9) } else { (year, i64::from(month) - 3) };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * m + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01: (year, month 1–12, day 1–31).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DD HH:MM:SS.mmm` in UTC.
pub fn format_timestamp(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:03}",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` (or with `T`, and an optional `Z`) as UTC.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim().trim_end_matches('Z');
    let (date, time) = match text.find([' ', 'T']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(0..=9999).contains(&year) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day).checked_mul(86_400_000)?;
    if let Some(time) = time {
        let mut fields = time.split(':');
        let hour: i64 = fields.next()?.parse().ok()?;
        let minute: i64 = fields.next()?.parse().ok()?;
        let (second, millis) = match fields.next() {
            None => (0, 0),
            Some(s) => match s.split_once('.') {
                None => (s.parse().ok()?, 0),
                Some((whole, fraction)) => {
                    let digits: String = fraction.chars().chain("000".chars()).take(3).collect();
                    if !fraction.chars().all(|c| c.is_ascii_digit()) {
                        return None;
                    }
                    (whole.parse().ok()?, digits.parse::<i64>().ok()?)
                }
            },
        };
        if fields.next().is_some() || hour > 23 || minute > 59 || second > 59 || hour < 0 || minute < 0 || second < 0 {
            return None;
        }
        ms += ((hour * 60 + minute) * 60 + second) * 1000 + millis;
    }
    Some(ms)
}

/// The largest multiple of `len` (> 0) at or below `x`, saturating at `i64::MIN`.
pub(crate) fn align_down(x: i64, len: i64) -> i64 {
    x.saturating_sub(x.rem_euclid(len.max(1)))
}

/// Rounds a timestamp down to the start of its `unit`.
pub(crate) fn floor_timestamp(ms: i64, unit: TimeUnit) -> i64 {
    match unit.fixed_ms() {
        Some(len) => align_down(ms, len),
        None => {
            let (year, month, _) = civil_from_days(ms.div_euclid(86_400_000));
            let month = if unit == TimeUnit::Year { 1 } else { month };
            days_from_civil(year, month, 1).saturating_mul(86_400_000)
        }
    }
}

/// The start of the `unit` after the one holding `start` (which is already floored).
pub(crate) fn next_unit_start(start: i64, unit: TimeUnit) -> i64 {
    match unit.fixed_ms() {
        Some(len) => start.saturating_add(len),
        None => {
            let (year, month, _) = civil_from_days(start.div_euclid(86_400_000));
            let (year, month) = match unit {
                TimeUnit::Year => (year + 1, 1),
                _ if month == 12 => (year + 1, 1),
                _ => (year, month + 1),
            };
            days_from_civil(year, month, 1).saturating_mul(86_400_000)
        }
    }
}

/// `EXTRACT(unit FROM ts)`.
pub(crate) fn extract(ms: i64, unit: TimeUnit) -> i64 {
    let (year, month, day) = civil_from_days(ms.div_euclid(86_400_000));
    let in_day = ms.rem_euclid(86_400_000);
    match unit {
        TimeUnit::Year => year,
        TimeUnit::Month => i64::from(month),
        TimeUnit::Day => i64::from(day),
        TimeUnit::Hour => in_day / 3_600_000,
        TimeUnit::Minute => in_day / 60_000 % 60,
        TimeUnit::Second => in_day / 1000 % 60,
    }
}

/// A value's text for `||` and casts to `VARCHAR`.
pub(crate) fn to_text(value: &Value) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_text() {
        let ms = parse_timestamp("2004-09-30 13:48:23").unwrap();
        assert_eq!(format_timestamp(ms), "2004-09-30 13:48:23.000");
        // 2004-09-30 is day 12,691 since 1970: 34 years with 8 leap days (12,418 days), then 273 days into 2004.
        assert_eq!(ms, 12_691 * 86_400_000 + (13 * 3600 + 48 * 60 + 23) * 1000);
        assert_eq!(parse_timestamp("2026-01-01T00:00:00.5Z"), Some(1_767_225_600_500));
        assert_eq!(parse_timestamp("2026-13-01"), None);
        assert_eq!(format_timestamp(-1), "1969-12-31 23:59:59.999");
    }

    #[test]
    fn floor_to_each_unit_matches_the_sql_reference() {
        // `docs/aws-behaviour.md` §6.4: FLOOR(TIMESTAMP '2004-09-30 13:48:23' TO HOUR | MINUTE | DAY | YEAR).
        let ts = parse_timestamp("2004-09-30 13:48:23").unwrap();
        let floor = |unit| format_timestamp(floor_timestamp(ts, unit));
        assert_eq!(floor(TimeUnit::Hour), "2004-09-30 13:00:00.000");
        assert_eq!(floor(TimeUnit::Minute), "2004-09-30 13:48:00.000");
        assert_eq!(floor(TimeUnit::Day), "2004-09-30 00:00:00.000");
        assert_eq!(floor(TimeUnit::Year), "2004-01-01 00:00:00.000");
        assert_eq!(floor(TimeUnit::Month), "2004-09-01 00:00:00.000");
        assert_eq!(
            format_timestamp(next_unit_start(floor_timestamp(ts, TimeUnit::Month), TimeUnit::Month)),
            "2004-10-01 00:00:00.000"
        );
        assert_eq!(extract(ts, TimeUnit::Minute), 48);
    }
}
