//! Unix timestamps as the civil dates AWS messages print (proleptic Gregorian, UTC).

use core::fmt;

/// A Unix time in milliseconds, displayed as Java's `EEE MMM dd HH:mm:ss 'UTC' yyyy`
/// (`Thu Jan 22 01:22:02 UTC 2015`), the form of AWS's ExpiredIteratorException message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct JavaDate(pub u64);

/// `(year, month 1..=12, day 1..=31)` of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for JavaDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let secs = self.0 / 1_000;
        let days = secs / 86_400;
        let (year, month, day) = civil_from_days(days);
        let (h, m, s) = (secs / 3_600 % 24, secs / 60 % 60, secs % 60);
        let weekday = WEEKDAYS[(days % 7) as usize];
        let month = MONTHS[(month - 1) as usize];
        write!(f, "{weekday} {month} {day:02} {h:02}:{m:02}:{s:02} UTC {year}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn formats_like_the_aws_expired_iterator_message() {
        // AWS's example (`docs/aws-behaviour.md` §1.5): "created at time Thu Jan 22 01:22:02 UTC 2015" = 1421889722 s.
        assert_eq!(JavaDate(1_421_889_722_000).to_string(), "Thu Jan 22 01:22:02 UTC 2015");
        assert_eq!(JavaDate(0).to_string(), "Thu Jan 01 00:00:00 UTC 1970");
        // 2024-02-29 is a leap day and a Thursday.
        assert_eq!(JavaDate(1_709_164_800_000).to_string(), "Thu Feb 29 00:00:00 UTC 2024");
    }
}
