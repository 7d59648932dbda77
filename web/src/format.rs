//! Numbers for people: every number gets a unit and thousands separators.
//!
//! The page writes an `f64` with `fixed`, `Fixed` or `short` and reads one with `decimal`, never with `{:.N}`,
//! `{}`, `{:?}` or `parse::<f64>()`: any one of those brings core's float code (about 20 KB gzipped with its
//! tables) back into the lite module; `f64::clamp` with bounds known only at run time does too.

use std::fmt;

pub use shardlab_engine::format::{count, thousands};

/// `value` with `decimals` digits after the point (at most 9), the text `format!("{value:.N}")` gives: the
/// exact value of the `f64` rounded half to even, `-` for any negative value (`-0.0` too), `NaN`, `inf`,
/// `-inf`. Written here because core's float formatting (`flt2dec`, with its tables) costs the lite module
/// several KB; `Fixed` is the same as a `Display` value for `format!`.
pub fn fixed(value: f64, decimals: u32) -> String {
    let mut out = String::new();
    // Writing to a `String` cannot fail.
    let _ = write_fixed(&mut out, value, decimals);
    out
}

/// `value` to at most 3 decimals, trailing zeros left out: `"58"`, `"11.5"`, `"-0"`; for the page's drawing
/// constants, where it is the text `{value}` gives (for any value with at most 3 decimals, below 2^43).
pub fn short(value: f64) -> String {
    let mut text = fixed(value, 3);
    if text.contains('.') {
        text.truncate(text.trim_end_matches('0').trim_end_matches('.').len());
    }
    text
}

/// What `fixed(value, decimals)` returns, as a `Display` value: `format!("M{},0", Fixed(x, 1))`.
#[derive(Clone, Copy, Debug)]
pub struct Fixed(pub f64, pub u32);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_fixed(f, self.0, self.1)
    }
}

fn write_fixed(out: &mut dyn fmt::Write, value: f64, decimals: u32) -> fmt::Result {
    let decimals = decimals.min(9);
    if value.is_nan() {
        return out.write_str("NaN");
    }
    if value.is_sign_negative() {
        out.write_char('-')?;
    }
    if value.is_infinite() {
        return out.write_str("inf");
    }
    // |value| = mantissa * 2^exponent exactly.
    let bits = value.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 { (fraction, -1_074) } else { (fraction | 1 << 52, biased - 1_075) };
    if exponent >= 0 {
        // A whole number: its digits, then zeros.
        write_whole(out, mantissa, exponent.unsigned_abs())?;
        if decimals > 0 {
            out.write_char('.')?;
            for _ in 0..decimals {
                out.write_char('0')?;
            }
        }
        return Ok(());
    }
    // |value| * 10^decimals = scaled / 2^shift, with scaled below 2^83; rounded half to even.
    let scale = 10u64.pow(decimals);
    let scaled = u128::from(mantissa) * u128::from(scale);
    let shift = exponent.unsigned_abs();
    let rounded = if shift >= 128 {
        0
    } else {
        let (quotient, rest, half) = (scaled >> shift, scaled & ((1 << shift) - 1), 1u128 << (shift - 1));
        quotient + u128::from(rest > half || (rest == half && quotient & 1 == 1))
    };
    // Below 2^53 * 10^9 / 2, so both parts fit a u64.
    let (whole, part) = ((rounded / u128::from(scale)) as u64, (rounded % u128::from(scale)) as u64);
    if decimals == 0 {
        write!(out, "{whole}")
    } else {
        write!(out, "{whole}.{part:0width$}", width = decimals as usize)
    }
}

/// A decimal number as `text.parse::<f64>()` reads it (`2`, `+2.`, `.5`, `-0.25`, `1e3`, `2.5E-1`), without core's
/// float parser and its tables: the same `f64` when the number has at most 19 significant digits, below 2^53
/// once the point is dropped, and an exponent within ±22 of them (every speed, time or size a person types); any
/// other to within a few units in the last place. `None` for anything else, `inf` and `NaN` included.
pub fn decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let negative = match bytes.first() {
        Some(b'-') => true,
        Some(b'+') => false,
        _ => {
            at = usize::MAX;
            false
        }
    };
    at = at.wrapping_add(1);
    // The first 19 significant digits as an integer, and the power of ten it is to be scaled by.
    let (mut digits, mut significant, mut scale, mut any_digit, mut seen_point) = (0u64, 0u32, 0i32, false, false);
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'0'..=b'9' => {
                any_digit = true;
                if significant < 19 {
                    digits = digits * 10 + u64::from(byte - b'0');
                    significant += u32::from(digits > 0);
                    scale = scale.saturating_sub(i32::from(seen_point));
                } else {
                    scale = scale.saturating_add(i32::from(!seen_point));
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        at += 1;
    }
    if !any_digit {
        return None;
    }
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        let exponent_negative = bytes.get(at) == Some(&b'-');
        at += usize::from(matches!(bytes.get(at), Some(b'+' | b'-')));
        let start = at;
        let mut exponent = 0i32;
        while let Some(&byte @ b'0'..=b'9') = bytes.get(at) {
            // Past ±100,000 every value is 0 or infinite.
            exponent = (exponent * 10 + i32::from(byte - b'0')).min(100_000);
            at += 1;
        }
        if at == start {
            return None;
        }
        scale = scale.saturating_add(if exponent_negative { -exponent } else { exponent });
    }
    if at != bytes.len() {
        return None;
    }
    let mut value = digits as f64;
    if digits != 0 {
        // 10^22 is the largest power of ten an f64 holds exactly: one rounding for the common case.
        let (mut rest, exact_max) = (scale.clamp(-400, 400), 22);
        while rest != 0 {
            let step = rest.clamp(-exact_max, exact_max);
            let power = (0..step.unsigned_abs()).fold(1.0, |p, _| p * 10.0);
            value = if step > 0 { value * power } else { value / power };
            rest -= step;
        }
    }
    Some(if negative { -value } else { value })
}

/// The decimal digits of `mantissa * 2^shift` (at most 2^1024), by long division in base 10^9.
fn write_whole(out: &mut dyn fmt::Write, mantissa: u64, shift: u32) -> fmt::Result {
    const BILLION: u64 = 1_000_000_000;
    // Little-endian 32-bit limbs: 53 + 971 bits fit 33.
    let mut limbs = [0u32; 34];
    let (limb, bit) = ((shift / 32) as usize, shift % 32);
    let wide = u128::from(mantissa) << bit;
    for (i, slot) in limbs.iter_mut().skip(limb).take(3).enumerate() {
        *slot = (wide >> (32 * i)) as u32;
    }
    let mut groups = Vec::new();
    let mut top = limbs.len();
    loop {
        while top > 0 && limbs[top - 1] == 0 {
            top -= 1;
        }
        if top == 0 {
            break;
        }
        let mut rest = 0u64;
        for slot in limbs[..top].iter_mut().rev() {
            let current = rest << 32 | u64::from(*slot);
            *slot = (current / BILLION) as u32;
            rest = current % BILLION;
        }
        groups.push(rest as u32);
    }
    match groups.split_last() {
        None => out.write_char('0'),
        Some((first, rest)) => {
            write!(out, "{first}")?;
            rest.iter().rev().try_for_each(|group| write!(out, "{group:09}"))
        }
    }
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

    /// Core's `{:.N}` is the reference: the same text for any finite `f64`, at every precision the page uses.
    fn assert_as_core(value: f64) {
        for decimals in 0..=9 {
            let core = match decimals {
                0 => format!("{value:.0}"),
                1 => format!("{value:.1}"),
                2 => format!("{value:.2}"),
                3 => format!("{value:.3}"),
                _ => format!("{value:.*}", decimals as usize),
            };
            assert_eq!(fixed(value, decimals), core, "{value:e} to {decimals} decimals");
            assert_eq!(Fixed(value, decimals).to_string(), core);
        }
    }

    #[test]
    fn fixed_rounds_the_exact_value_half_to_even() {
        // Exact binary fractions that are ties: to the even last digit.
        assert_eq!(fixed(0.125, 2), "0.12");
        assert_eq!(fixed(0.375, 2), "0.38");
        assert_eq!(fixed(2.5, 0), "2");
        assert_eq!(fixed(3.5, 0), "4");
        assert_eq!(fixed(0.5, 0), "0");
        assert_eq!(fixed(1.0625, 3), "1.062");
        // 0.35 is stored as 0.34999999999999997779…, 1.45 as 1.4499999999999999555…: below the tie.
        assert_eq!(fixed(0.35, 1), "0.3");
        assert_eq!(fixed(1.45, 1), "1.4");
        // 0.15 is stored as 0.1499999999999999944…, 2.675 as 2.67499999999999982236431605997495353221893310546875.
        assert_eq!(fixed(0.15, 1), "0.1");
        assert_eq!(fixed(2.675, 2), "2.67");
        // 1.005 is 1.00499999999999989341858963598497211933135986328125, 0.45 is 0.450000000000000011102….
        assert_eq!(fixed(1.005, 2), "1.00");
        assert_eq!(fixed(0.45, 1), "0.5");
        assert_eq!(fixed(99.96, 1), "100.0");
        assert_eq!(fixed(12.0, 3), "12.000");
        assert_eq!(fixed(123.456, 0), "123");
        assert_eq!(fixed(0.0, 2), "0.00");
        assert_eq!(fixed(1.0 / 3.0, 9), "0.333333333");
        // Past 9 decimals the text stops at 9.
        assert_eq!(fixed(0.5, 12), "0.500000000");
    }

    #[test]
    fn fixed_writes_signs_and_non_finite_values_as_core_does() {
        assert_eq!(fixed(-0.0, 1), "-0.0");
        assert_eq!(fixed(-0.04, 1), "-0.0");
        assert_eq!(fixed(-1.25, 1), "-1.2");
        assert_eq!(fixed(-7.0, 0), "-7");
        assert_eq!(fixed(f64::NAN, 1), "NaN");
        assert_eq!(fixed(-f64::NAN, 2), "NaN");
        assert_eq!(fixed(f64::INFINITY, 1), "inf");
        assert_eq!(fixed(f64::NEG_INFINITY, 0), "-inf");
        assert_eq!(format!("M{},{} z", Fixed(1.25, 1), Fixed(-3.0, 0)), "M1.2,-3 z");
    }

    #[test]
    fn fixed_writes_large_whole_numbers_exactly() {
        // Powers of two worked by hand: 2^53, 2^64, 2^100.
        assert_eq!(fixed(9_007_199_254_740_992.0, 1), "9007199254740992.0");
        assert_eq!(fixed(18_446_744_073_709_551_616.0, 0), "18446744073709551616");
        assert_eq!(fixed(2f64.powi(100), 2), "1267650600228229401496703205376.00");
        assert_eq!(fixed(1e21, 0), "1000000000000000000000");
        assert_eq!(fixed(f64::MAX, 0).len(), 309);
        assert_eq!(fixed(f64::MIN_POSITIVE, 9), "0.000000000");
        assert_eq!(fixed(5e-324, 3), "0.000");
    }

    #[test]
    fn fixed_matches_core_on_the_page_ranges_and_any_bit_pattern() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            // SplitMix64.
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        for _ in 0..20_000 {
            let r = next();
            // Pixels, percentages and ratios as the page computes them: sums and quotients of small numbers.
            let pixels = (r % 2_000_000) as f64 / 1_000.0 - 500.0;
            let quotient = (r >> 20) as f64 % 100_000.0 / ((r % 997) as f64 + 1.0);
            // Ties at every precision: k / 2^n with few bits.
            let tie = ((r >> 8) % 4_096) as f64 / f64::from(1u32 << ((r % 12) as u32));
            let any_bits = f64::from_bits(r);
            for value in [pixels, quotient, tie, -tie, any_bits] {
                assert_as_core(value);
            }
        }
        for value in [0.05, 0.25, 0.45, 0.95, 9.995, 99.95, 999.9995, 1e15 + 0.5, 4_503_599_627_370_495.5] {
            assert_as_core(value);
            assert_as_core(-value);
        }
    }

    #[test]
    fn short_leaves_out_trailing_zeros() {
        assert_eq!(short(58.0), "58");
        assert_eq!(short(11.5), "11.5");
        assert_eq!(short(0.125), "0.125");
        assert_eq!(short(100.0), "100");
        assert_eq!(short(-0.0), "-0");
        assert_eq!(short(-2.25), "-2.25");
        // Four decimals are rounded to three, where `{}` would write them all.
        assert_eq!(short(0.0625), "0.062");
    }

    #[test]
    fn short_is_display_for_values_with_at_most_three_decimals() {
        let mut state = 7u64;
        for _ in 0..50_000 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let thousandths = (state >> 11) % 10_000_000_000;
            for value in [thousandths as f64 / 1_000.0, (thousandths % 100_000) as f64 / 1_000.0, (state >> 40) as f64]
            {
                assert_eq!(short(value), value.to_string());
                assert_eq!(short(-value), (-value).to_string());
            }
        }
    }

    #[test]
    fn decimal_reads_what_people_type_as_core_does() {
        for text in [
            "2",
            "+2",
            "2.",
            ".5",
            "-0.25",
            "0.1",
            "1000",
            "0.30000000000000004",
            "1e3",
            "2.5E-1",
            "1e+2",
            "007.50",
            "-0",
            "0.0",
            "123456789.123456789",
            "9007199254740993",
            "1e22",
            "1e-22",
            "4.35",
            "0.000001",
        ] {
            assert_eq!(decimal(text), text.parse::<f64>().ok(), "{text}");
        }
        assert_eq!(decimal("0.1"), Some(0.1));
        assert_eq!(decimal("-0").map(f64::is_sign_negative), Some(true));
        for text in
            ["", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "1,5", "0x10", " 1", "1 ", "inf", "NaN", "--1", "1e5x"]
        {
            assert_eq!(decimal(text), None, "{text:?}");
        }
    }

    #[test]
    fn decimal_is_within_a_few_units_in_the_last_place_elsewhere() {
        for text in ["1e300", "1e-300", "123456789012345678901234567890", "0.1234567890123456789012", "1e400"] {
            let (ours, core) = (decimal(text).expect("a number"), text.parse::<f64>().expect("a number"));
            assert!(ours == core || ((ours - core) / core).abs() < 1e-14, "{text}: {ours:e} against {core:e}");
        }
        assert_eq!(decimal("1e-400"), Some(0.0));
        assert_eq!(decimal("1e99999999999"), Some(f64::INFINITY));
        let mut state = 11u64;
        for _ in 0..20_000 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let (whole, part, places) = (state >> 44, (state >> 8) % 1_000_000, (state % 7) as usize);
            let text = format!("{whole}.{:0places$}", part % 10u64.pow(places as u32));
            assert_eq!(decimal(&text), text.parse::<f64>().ok(), "{text}");
        }
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
