//! Timestamps: microseconds since the Unix epoch, UTC, printed and parsed as RFC 3339.
//!
//! The core never reads the clock itself on wasm32 (where `SystemTime::now` panics): stores take
//! a [`Clock`], which bindings supply from the host.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time, UTC, with microsecond precision (PostgreSQL's `timestamptz`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(i64);

/// Where the current time comes from.
pub type Clock = std::sync::Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The system clock (native targets).
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[must_use]
pub fn system_clock() -> Clock {
    std::sync::Arc::new(Timestamp::now)
}

impl Timestamp {
    /// From microseconds since 1970-01-01T00:00:00Z.
    #[must_use]
    pub const fn from_micros(micros: i64) -> Self {
        Timestamp(micros)
    }

    /// Microseconds since 1970-01-01T00:00:00Z.
    #[must_use]
    pub const fn as_micros(self) -> i64 {
        self.0
    }

    /// Whether `micros` is a time of years 0000 to 9999, the range this type prints and parses.
    pub(crate) fn fits_micros(micros: i64) -> bool {
        const DAY: i64 = 86_400_000_000;
        (days_from_civil(0, 1, 1) * DAY..days_from_civil(10_000, 1, 1) * DAY).contains(&micros)
    }

    /// Whole seconds since the epoch (JWT `iat` / `exp`).
    #[must_use]
    pub const fn as_secs(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }

    /// Now, from the system clock.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    #[must_use]
    pub fn now() -> Self {
        let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Timestamp(i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
    }
}

/// Days since the epoch of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl fmt::Display for Timestamp {
    /// `2026-11-24T18:20:00.123456Z`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.div_euclid(1_000_000);
        let micros = self.0.rem_euclid(1_000_000);
        let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
        let s = secs.rem_euclid(86_400);
        write!(f, "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z", s / 3600, s / 60 % 60, s % 60)
    }
}

/// A text that is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an RFC 3339 timestamp such as 2026-01-31T09:30:00Z")]
pub struct BadTimestamp(String);

impl FromStr for Timestamp {
    type Err = BadTimestamp;

    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)` (a space may replace the `T`).
    fn from_str(text: &str) -> Result<Self, BadTimestamp> {
        let bad = || BadTimestamp(text.to_owned());
        let b = text.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Result<i64, BadTimestamp> {
            let part = b.get(r).ok_or_else(bad)?;
            if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            Ok(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
        };
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let days_in_month = [
            31,
            28 + i64::from(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)),
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if !(1..=12).contains(&mo)
            || d < 1
            || d > days_in_month[usize::try_from(mo - 1).map_err(|_| bad())?]
        {
            return Err(bad());
        }
        let mut micros = days_from_civil(y, mo, d) * 86_400_000_000;
        if b.len() == 10 {
            return Ok(Timestamp(micros));
        }
        if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 19 || b[13] != b':' || b[16] != b':' {
            return Err(bad());
        }
        let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if h > 23 || mi > 59 || s > 60 {
            return Err(bad());
        }
        micros += ((h * 60 + mi) * 60 + s) * 1_000_000;
        let mut i = 19;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(bad());
            }
            let digits = &b[start..i.min(start + 6)];
            let frac = digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0'));
            micros += frac * 10_i64.pow(6 - u32::try_from(digits.len()).map_err(|_| bad())?);
        }
        match b.get(i..) {
            Some(b"Z" | b"z") => {}
            Some([sign @ (b'+' | b'-'), ..]) if b.len() == i + 6 && b[i + 3] == b':' => {
                let offset = (num(i + 1..i + 3)? * 60 + num(i + 4..i + 6)?) * 60_000_000;
                micros -= if *sign == b'+' { offset } else { -offset };
            }
            _ => return Err(bad()),
        }
        Ok(Timestamp(micros))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_offsets() {
        for micros in [0, 1, 1_764_000_000_123_456, -86_400_000_000, 951_782_400_000_000] {
            let t = Timestamp(micros);
            assert_eq!(t.to_string().parse::<Timestamp>(), Ok(t), "{t}");
        }
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00.000000Z");
        let a: Timestamp = "2026-11-24T18:20:00+01:00".parse().unwrap();
        let b: Timestamp = "2026-11-24 17:20:00.000Z".parse().unwrap();
        assert_eq!(a, b);
        assert_eq!("2024-02-29".parse::<Timestamp>().unwrap().to_string(), "2024-02-29T00:00:00.000000Z");
        for bad in [
            "",
            "2023-02-29",
            "2026-13-01",
            "2026-11-24T25:00:00Z",
            "2026-11-24T10:00:00",
            "yesterday",
            "2026-11-24T10:00:00.Z",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
    }
}
