//! Run lengths: `90s`, `10m`, `2h`.

/// The longest run `shardlab run` accepts (30 days), so a typo cannot run for ever.
const DURATION_MAX_MS: u64 = 30 * 86_400_000;

/// Milliseconds in a duration written as a whole number and a unit (`s`, `m` or `h`).
pub(crate) fn parse_ms(text: &str) -> Result<u64, String> {
    let bad = || format!("bad duration '{text}': use a whole number followed by s, m or h, such as 90s, 10m or 2h");
    let unit_at = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (digits, unit) = text.split_at(unit_at);
    let count: u64 = digits.parse().map_err(|_| bad())?;
    let unit_ms = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return Err(bad()),
    };
    let ms = count
        .checked_mul(unit_ms)
        .filter(|ms| *ms <= DURATION_MAX_MS)
        .ok_or_else(|| format!("duration '{text}' is too long: runs last at most 30 days (720h)"))?;
    if ms == 0 {
        return Err(format!("duration '{text}' is zero: give a run some time, such as 10m"));
    }
    Ok(ms)
}

/// A duration in words for the summary: `10m`, `90s`, `2h`, `1h 30m`.
pub(crate) fn describe(ms: u64) -> String {
    let secs = ms / 1_000;
    let (h, m, s) = (secs / 3_600, secs / 60 % 60, secs % 60);
    let parts: Vec<String> =
        [(h, "h"), (m, "m"), (s, "s")].iter().filter(|(n, _)| *n > 0).map(|(n, unit)| format!("{n}{unit}")).collect();
    if parts.is_empty() { "0s".into() } else { parts.join(" ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_ms("90s"), Ok(90_000));
        assert_eq!(parse_ms("10m"), Ok(600_000));
        assert_eq!(parse_ms("2h"), Ok(7_200_000));
        for bad in ["", "10", "m", "10x", "1.5h", "-1s", "10 m", "10ms"] {
            assert!(parse_ms(bad).is_err(), "{bad}");
        }
        assert!(parse_ms("0s").is_err());
        assert!(parse_ms("721h").is_err());
        assert!(parse_ms("99999999999999999999h").is_err());
    }

    #[test]
    fn descriptions() {
        assert_eq!(describe(600_000), "10m");
        assert_eq!(describe(5_400_000), "1h 30m");
        assert_eq!(describe(90_000), "1m 30s");
    }
}
