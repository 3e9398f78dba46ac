//! `Timestamp`'s own RFC 3339 printing and parsing (leads-core keeps a small `time.rs` rather
//! than a date library) checked against jiff over the whole range it supports.

use jiff::Timestamp as Jiff;
use leads_core::Timestamp;
use proptest::prelude::*;

/// Microseconds from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z.
const RANGE: std::ops::RangeInclusive<i64> = -62_167_219_200_000_000..=253_402_300_799_999_999;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    #[test]
    fn prints_and_parses_like_jiff(micros in RANGE) {
        let ours = Timestamp::from_micros(micros);
        let theirs = Jiff::from_microsecond(micros).unwrap();
        // jiff prints the fraction only as long as needed; we always print six digits.
        prop_assert_eq!(ours.to_string(), theirs.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string());
        prop_assert_eq!(ours.to_string().parse::<Timestamp>().unwrap(), ours);
        let theirs_text = theirs.to_string();
        prop_assert_eq!(theirs_text.parse::<Timestamp>().unwrap(), ours, "{}", theirs_text);
    }

    #[test]
    fn offsets_and_dates_parse_like_jiff(days in 0i64..3_652_058, secs in 0i64..86_400, offset_min in -1439i64..=1439) {
        let micros = RANGE.start() + days * 86_400_000_000 + secs * 1_000_000;
        let utc = Jiff::from_microsecond(micros).unwrap();
        let zoned = utc.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds((offset_min * 60) as i32).unwrap()));
        let text = zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        // Times whose local date falls outside 0000-9999 are not RFC 3339 for us.
        if let Ok(parsed) = text.parse::<Timestamp>() {
            prop_assert_eq!(parsed.as_micros(), utc.as_microsecond(), "{}", text);
        } else {
            prop_assert!(!(0..=9999).contains(&zoned.year()), "{} refused", text);
        }
        let date = utc.strftime("%Y-%m-%d").to_string();
        let midnight = micros - secs * 1_000_000;
        prop_assert_eq!(date.parse::<Timestamp>().unwrap().as_micros(), midnight, "{}", date);
    }
}
