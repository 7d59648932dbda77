//! Numbers for people: every number gets a unit and thousands separators.

/// `1234567` -> `"1,234,567"`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
