//! Numbers for people: every number gets a unit and thousands separators.

pub use shardlab_engine::format::{count, thousands};

/// A byte rate in binary units: `"512 B/s"`, `"1.3 KiB/s"`, `"1.0 MiB/s"`.
pub fn bytes_per_sec(bytes: u64) -> String {
    format!("{}/s", bytes_size(bytes))
}

/// A size in binary units: `"512 B"`, `"1.3 KiB"`, `"2.0 MiB"`.
pub fn bytes_size(bytes: u64) -> String {
    const KIB: u64 = 1_024;
    const MIB: u64 = 1_024 * 1_024;
    // Tenths, rounded half up, in integers so the text is the same on every platform.
    let tenths = |unit: u64| (bytes * 10 + unit / 2) / unit;
    if bytes < KIB {
        format!("{bytes} B")
    } else if bytes < MIB {
        let t = tenths(KIB);
        format!("{}.{} KiB", t / 10, t % 10)
    } else {
        let t = tenths(MIB);
        format!("{}.{} MiB", t / 10, t % 10)
    }
}

/// A record rate: `"1,000 rec/s"`.
pub fn records_per_sec(records: u64) -> String {
    format!("{} rec/s", thousands(records))
}

/// Simulated time as a clock: `"00:03:21"`.
pub fn clock(ms: u64) -> String {
    let secs = ms / 1_000;
    format!("{:02}:{:02}:{:02}", secs / 3_600, secs / 60 % 60, secs % 60)
}

/// The latest time "run to" accepts: the latest a scenario names (two simulated days).
pub const RUN_TO_MAX_MS: u64 = shardlab_scenario::TIME_MS_MAX;

/// A time typed by the learner, in simulated ms: `90` or `90s` (seconds), `5m`, `2h`, `mm:ss` or `h:mm:ss`.
pub fn parse_time(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let unreadable = || format!("\"{t}\" is not a time: type seconds (90), 5m, 2h, mm:ss or h:mm:ss");
    let number = |s: &str| s.parse::<u64>().ok().filter(|_| !s.is_empty() && s.len() <= 9);
    let secs = if t.contains(':') {
        let parts: Vec<&str> = t.split(':').collect();
        let values: Option<Vec<u64>> = parts.iter().map(|p| number(p)).collect();
        match values.as_deref() {
            Some([m, s]) if *s < 60 => m * 60 + s,
            Some([h, m, s]) if *m < 60 && *s < 60 => h * 3_600 + m * 60 + s,
            _ => return Err(unreadable()),
        }
    } else {
        let (digits, unit) = match t.char_indices().last() {
            Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c),
            _ => (t, 's'),
        };
        let value = number(digits.trim()).ok_or_else(unreadable)?;
        match unit {
            's' => value,
            'm' => value * 60,
            'h' => value * 3_600,
            _ => return Err(unreadable()),
        }
    };
    let ms = secs * 1_000;
    if ms > RUN_TO_MAX_MS {
        return Err(format!("{} is past the longest run the page offers, {}", clock(ms), clock(RUN_TO_MAX_MS)));
    }
    Ok(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_times_read_as_people_write_them() {
        assert_eq!(parse_time("90"), Ok(90_000));
        assert_eq!(parse_time(" 90s "), Ok(90_000));
        assert_eq!(parse_time("5m"), Ok(300_000));
        assert_eq!(parse_time("2h"), Ok(7_200_000));
        assert_eq!(parse_time("10:00"), Ok(600_000));
        assert_eq!(parse_time("1:02:03"), Ok(3_723_000));
        assert!(parse_time("1:75").is_err());
        assert!(parse_time("soon").expect_err("words").contains("type seconds (90), 5m"));
        assert!(parse_time("").is_err());
        assert!(parse_time("5d").is_err());
        assert_eq!(
            parse_time("49h").expect_err("too long"),
            "49:00:00 is past the longest run the page offers, 48:00:00"
        );
        assert!(parse_time("99999999999999999999").is_err());
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn byte_rates_use_binary_units() {
        assert_eq!(bytes_per_sec(512), "512 B/s");
        assert_eq!(bytes_per_sec(1_331), "1.3 KiB/s");
        assert_eq!(bytes_per_sec(1_048_576), "1.0 MiB/s");
        assert_eq!(bytes_per_sec(1_363_149), "1.3 MiB/s");
    }

    #[test]
    fn clocks_and_rates() {
        assert_eq!(clock(201_999), "00:03:21");
        assert_eq!(records_per_sec(980), "980 rec/s");
    }
}
