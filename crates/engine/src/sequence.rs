//! Sequence numbers in the layout real Kinesis uses.
//!
//! A sequence number is a decimal string of a 47-hex-digit number (`docs/aws-behaviour.md` §1.4):
//!
//! | hex digits | field |
//! |---|---|
//! | 0 | constant `2` |
//! | 1–9 | shard creation time, epoch seconds |
//! | 10 | low nibble of the shard index |
//! | 11–26 | per-shard 64-bit counter (top bit clear) |
//! | 27–28 | `00` |
//! | 29–37 | record arrival time, epoch seconds |
//! | 38–45 | shard index |
//! | 46 | layout version `2` |
//!
//! Within a shard, numeric order equals (length, lexicographic) order of the decimal strings.

use alloc::format;
use alloc::string::String;
use core::fmt::{self, Write};

/// The counter value a closed shard's `EndingSequenceNumber` carries.
pub(crate) const ENDING_COUNTER: u64 = 0x7fff_ffff_ffff_ffff;

const HEX_DIGITS: usize = 47;
const SECONDS_MAX: u64 = (1 << 36) - 1;

/// The decoded fields of a sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SequenceNumber {
    /// Shard creation time, seconds since the Unix epoch.
    pub shard_created_unix_secs: u64,
    /// The per-shard counter: 0 is the shard's `StartingSequenceNumber`.
    pub counter: u64,
    /// Record arrival time, seconds since the Unix epoch.
    pub arrival_unix_secs: u64,
    /// The shard's index (`shardId-000000000007` has index 7).
    pub shard_index: u32,
}

/// A sequence number as AWS decodes it, whatever its layout ([`SequenceNumber::parse_any`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnyLayout {
    /// The layout the service issues (version 2).
    Current(SequenceNumber),
    /// An older layout (version 0 or 1): only the shard it encodes and its time matter.
    Older {
        /// 0 or 1.
        version: u8,
        /// The shard index it encodes.
        shard_index: u32,
        /// Its record time (version 1) or shard creation time (version 0), seconds since the Unix epoch.
        time_unix_secs: u64,
    },
}

/// A decimal string of at most 129 digits without leading zeros, as a number, if it fits 192 bits.
fn wide_of_decimal(decimal: &str) -> Option<Wide> {
    if decimal.is_empty() || decimal.len() > 129 || (decimal.len() > 1 && decimal.starts_with('0')) {
        return None;
    }
    let mut wide = Wide::default();
    for b in decimal.bytes() {
        let digit = char::from(b).to_digit(10)?;
        wide = wide.mul_add(10, u64::from(digit))?;
    }
    Some(wide)
}

/// A 192-bit unsigned integer as three big-endian 64-bit limbs: just enough arithmetic for 47 hex digits.
#[derive(Clone, Copy, Default)]
struct Wide([u64; 3]);

impl Wide {
    /// Lower-case hex digits without leading zeros ("0" for zero).
    fn hex(self) -> String {
        let full = format!("{:016x}{:016x}{:016x}", self.0[0], self.0[1], self.0[2]);
        let digits = full.trim_start_matches('0');
        String::from(if digits.is_empty() { "0" } else { digits })
    }

    /// `self * factor + addend`, or `None` on overflow past 192 bits.
    fn mul_add(self, factor: u64, addend: u64) -> Option<Self> {
        let mut out = [0u64; 3];
        let mut carry = u128::from(addend);
        for i in (0..3).rev() {
            let v = u128::from(self.0[i]) * u128::from(factor) + carry;
            out[i] = v as u64; // low 64 bits; the rest carries
            carry = v >> 64;
        }
        (carry == 0).then_some(Self(out))
    }

    /// `(self / divisor, self % divisor)`.
    fn div_rem(self, divisor: u64) -> (Self, u64) {
        let mut out = [0u64; 3];
        let mut rem = 0u128;
        for (limb, quotient) in self.0.iter().zip(&mut out) {
            let v = (rem << 64) | u128::from(*limb);
            *quotient = (v / u128::from(divisor)) as u64; // < 2^64 because rem < divisor
            rem = v % u128::from(divisor);
        }
        (Self(out), rem as u64)
    }

    fn is_zero(self) -> bool {
        self.0 == [0; 3]
    }

    /// Hex digit `i` counting from the most significant of 47.
    fn nibble(self, i: usize) -> u64 {
        let bit = (HEX_DIGITS - 1 - i) * 4;
        (self.0[2 - bit / 64] >> (bit % 64)) & 0xf
    }

    /// Reads hex digits `from..to` (most significant first) as one number.
    fn field(self, from: usize, to: usize) -> u64 {
        (from..to).fold(0, |acc, i| (acc << 4) | self.nibble(i))
    }
}

impl SequenceNumber {
    /// The number as the decimal string the API shows.
    pub fn to_decimal(&self) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = write!(s, "{self}");
        s
    }

    fn to_wide(self) -> Wide {
        let fields: [(u64, usize); 8] = [
            (2, 1),
            (self.shard_created_unix_secs & SECONDS_MAX, 9),
            (u64::from(self.shard_index) & 0xf, 1),
            (self.counter, 16),
            (0, 2),
            (self.arrival_unix_secs & SECONDS_MAX, 9),
            (u64::from(self.shard_index), 8),
            (2, 1),
        ];
        let mut wide = Wide::default();
        for (value, digits) in fields {
            for i in (0..digits).rev() {
                let nibble = (value >> (i * 4)) & 0xf;
                // 47 nibbles fit in 192 bits, so this cannot overflow.
                wide = wide.mul_add(16, nibble).unwrap_or_default();
            }
        }
        wide
    }

    /// Decodes a decimal sequence number, or `None` if it is not one this layout produces.
    pub fn parse(decimal: &str) -> Option<Self> {
        Self::parse_wide(wide_of_decimal(decimal)?)
    }

    /// Decodes a decimal sequence number of any layout AWS accepts, as AWS decodes it (the layouts
    /// kinesalite reverse-engineered from AWS; see `docs/aws-behaviour.md`): the current one (version 2),
    /// version 1 (47 hex digits ending in 1), and version 0, which covers every number below 2^129 once
    /// 2^124 is added to those below 2^124, so a small number such as `5` encodes shard 5.
    pub fn parse_any(decimal: &str) -> Option<AnyLayout> {
        let mut wide = wide_of_decimal(decimal)?;
        if wide.0[0] == 0 && wide.0[1] < 1 << 60 {
            wide.0[1] += 1 << 60; // + 2^124
        }
        let hex = wide.hex();
        let field = |from: usize, to: usize| hex.get(from..to).and_then(|h| u64::from_str_radix(h, 16).ok());
        if wide.0[0] < 2 {
            // Below 2^129: version 0, 32 or 33 hex digits.
            let created = field(1, 10)?;
            return (created < 16_025_175_000).then_some(AnyLayout::Older {
                version: 0,
                shard_index: u32::try_from(field(28, 32)?).ok()?,
                time_unix_secs: created,
            });
        }
        match (hex.len(), hex.as_bytes()[0], hex.as_bytes()[hex.len() - 1]) {
            (HEX_DIGITS, b'2', b'1') => Some(AnyLayout::Older {
                version: 1,
                shard_index: u32::try_from(field(38, 46)?).ok()?,
                time_unix_secs: field(13, 22)?,
            }),
            (HEX_DIGITS, b'2', b'2') => Self::parse_wide(wide).map(AnyLayout::Current),
            _ => None,
        }
    }

    fn parse_wide(wide: Wide) -> Option<Self> {
        // Exactly 47 hex digits, the first being 2: 2*16^46 <= n < 3*16^46.
        // The top byte of the 192 bits holds the 4 bits above digit 0 (zero) and digit 0 itself.
        if wide.0[0] >> 56 != 2 {
            return None;
        }
        let shard_index = u32::try_from(wide.field(38, 46)).ok()?;
        let valid = wide.field(46, 47) == 2
            && wide.field(27, 29) == 0
            && wide.field(10, 11) == u64::from(shard_index) & 0xf
            && wide.field(11, 27) <= ENDING_COUNTER;
        valid.then(|| Self {
            shard_created_unix_secs: wide.field(1, 10),
            counter: wide.field(11, 27),
            arrival_unix_secs: wide.field(29, 38),
            shard_index,
        })
    }
}

impl fmt::Display for SequenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const CHUNK: u64 = 10_000_000_000_000_000_000; // 10^19
        let mut chunks = [0u64; 4]; // 188 bits < 10^57: three chunks, one spare
        let mut wide = self.to_wide();
        let mut used = 0;
        while !wide.is_zero() && used < chunks.len() {
            let (quotient, rem) = wide.div_rem(CHUNK);
            chunks[used] = rem;
            wide = quotient;
            used += 1;
        }
        let mut parts = chunks[..used.max(1)].iter().rev();
        if let Some(first) = parts.next() {
            write!(f, "{first}")?;
        }
        parts.try_for_each(|chunk| write!(f, "{chunk:019}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A sequence number returned by real AWS in 2019 (`docs/aws-behaviour.md` §1.4).
    const REAL: &str = "49594189147623985939251953501666965394405037144469929986";

    #[test]
    fn decodes_a_real_aws_sequence_number() {
        let seq = SequenceNumber::parse(REAL).expect("the documented layout decodes AWS's own number");
        // Field values read off the number's hex form by hand: 205c9993c 8 000000000000000c3 00 05c9993df 00000000 2.
        assert_eq!(seq.shard_created_unix_secs, 1_553_568_712);
        assert_eq!(seq.counter, 195);
        assert_eq!(seq.arrival_unix_secs, 1_553_568_735);
        assert_eq!(seq.shard_index, 0);
    }

    #[test]
    fn encodes_back_to_the_same_digits() {
        let seq = SequenceNumber::parse(REAL).expect("decodes");
        assert_eq!(seq.to_decimal(), REAL);
    }

    #[test]
    fn order_within_a_shard_follows_the_counter() {
        let at = |counter, arrival| SequenceNumber {
            shard_created_unix_secs: 1_767_225_600,
            counter,
            arrival_unix_secs: arrival,
            shard_index: 3,
        };
        let (a, b) = (at(9, 1_767_225_601).to_decimal(), at(10, 1_767_225_601).to_decimal());
        assert!(a.len() == b.len() && a < b, "{a} !< {b}");
        assert_eq!(SequenceNumber::parse(&b), Some(at(10, 1_767_225_601)));
        // Every number of the layout has 56 decimal digits: 2*16^46 > 10^55 and 3*16^46 < 10^56.
        assert_eq!(at(ENDING_COUNTER, 0).to_decimal().len(), 56);
        assert_eq!(at(0, 0).to_decimal().len(), 56);
    }

    #[test]
    fn rejects_what_it_did_not_produce() {
        for bad in ["", "0", "01", "12x", "49594189147623985939251953501666965394405037144469929987", "1"] {
            assert_eq!(SequenceNumber::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn older_layouts_decode_as_aws_decodes_them() {
        // Version 0: a number below 2^124 gets 2^124 added, giving 32 hex digits "1" + 31 zeros for 0;
        // hex digits 1..10 are the shard's creation time and 28..32 the shard index.
        let v0 = |shard_index, time_unix_secs| Some(AnyLayout::Older { version: 0, shard_index, time_unix_secs });
        assert_eq!(SequenceNumber::parse_any("0"), v0(0, 0));
        assert_eq!(SequenceNumber::parse_any("5"), v0(5, 0));
        // Version 1: hex 2 | 06955b900 (created 1,767,225,600) | 3 | 00 | 06955b93c (60 s later) |
        // 0123456789abcd | 07 | 00000003 (shard 3) | 1.
        assert_eq!(
            SequenceNumber::parse_any("49670424472798074336882154895930349817737680792854724657"),
            Some(AnyLayout::Older { version: 1, shard_index: 3, time_unix_secs: 1_767_225_660 })
        );
        // The current layout decodes as `parse` does.
        let current = "49594189147623985939251953501666965394405037144469929986";
        assert_eq!(SequenceNumber::parse_any(current), SequenceNumber::parse(current).map(AnyLayout::Current));
        // 2^130 is above version 0's range and below the 47-digit layouts: nothing decodes it.
        for bad in ["1361129467683753853853498429727072845824", "01", "12x", ""] {
            assert_eq!(SequenceNumber::parse_any(bad), None, "{bad:?}");
        }
    }
}
