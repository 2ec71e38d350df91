//! Times in filters (`--created-at-before`, `--inactive-since`, ...): Clerk takes Unix
//! milliseconds, people write dates. A [`Time`] is read from an ISO 8601 date (`2024-01-31`,
//! midnight UTC) or date-time (`2024-01-31T09:00:00Z`, `2024-01-31T09:00:00+02:00`, or without an
//! offset for UTC), an age (`30d`, `12h`, `90m`, `2w`, `45s`: that long before now), or Unix
//! milliseconds, on the command line and in MCP parameters alike.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// A moment, as Unix milliseconds (what Clerk's filters take).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time(pub i64);

impl Time {
    /// Unix milliseconds.
    pub fn millis(self) -> i64 {
        self.0
    }
}

/// How a time may be written, for error messages and help.
pub const FORMS: &str = "an ISO 8601 date (2024-01-31) or date-time (2024-01-31T09:00:00Z), an age (30d, 12h, 90m, 2w) or Unix milliseconds";

/// Reads a time; ages count back from `now`.
pub fn parse(s: &str, now: OffsetDateTime) -> Result<Time, String> {
    let t = s.trim();
    let refuse = || format!("{s:?} is not a time: use {FORMS}");
    if t.is_empty() {
        return Err(refuse());
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().map(Time).map_err(|_| refuse());
    }
    if let Some(age) = age(t) {
        let age = age.ok_or_else(refuse)?;
        let at = now.checked_sub(age).ok_or_else(refuse)?;
        return Ok(Time(millis(at)));
    }
    if let Ok(at) = OffsetDateTime::parse(t, &Rfc3339) {
        return Ok(Time(millis(at)));
    }
    let mut with_t = t.replacen(' ', "T", 1);
    if let Some(utc) = with_t.strip_suffix(['Z', 'z']) {
        with_t = format!("{utc}+00:00");
    }
    // People write these too: a time without seconds, an offset without a colon.
    let offset = format_description!(
        "[year]-[month]-[day]T[hour]:[minute][optional [:[second][optional [.[subsecond]]]]][offset_hour sign:mandatory][optional [:]][offset_minute]"
    );
    if let Ok(at) = OffsetDateTime::parse(&with_t, offset) {
        return Ok(Time(millis(at)));
    }
    let naive = format_description!(
        "[year]-[month]-[day]T[hour]:[minute][optional [:[second][optional [.[subsecond]]]]]"
    );
    if let Ok(at) = PrimitiveDateTime::parse(&with_t, naive) {
        return Ok(Time(millis(at.assume_offset(UtcOffset::UTC))));
    }
    if let Ok(day) = Date::parse(t, format_description!("[year]-[month]-[day]")) {
        return Ok(Time(millis(day.midnight().assume_utc())));
    }
    Err(refuse())
}

/// `30d`, `12h`, `90m`, `2w`, `45s` (optionally followed by ` ago`): `Some(None)` for an age
/// too long to count back, `None` for text that is not an age.
fn age(t: &str) -> Option<Option<Duration>> {
    let t = t.strip_suffix("ago").map_or(t, str::trim_end);
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (n, unit) = t.split_at(digits);
    let unit_secs: i64 = match unit.trim() {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    Some(
        n.parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(unit_secs))
            .map(Duration::seconds),
    )
}

fn millis(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Unix milliseconds as ISO 8601 in UTC with milliseconds (`2024-01-31T09:00:00.000Z`): how
/// CSV exports write times, and what Clerk's create requests take (`created_at`).
pub fn iso(ms: i64) -> Option<String> {
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .ok()
}

impl std::str::FromStr for Time {
    type Err = String;
    fn from_str(s: &str) -> Result<Time, String> {
        parse(s, OffsetDateTime::now_utc())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            Millis(i64),
            Text(String),
        }
        match Given::deserialize(d)? {
            Given::Millis(ms) => Ok(Time(ms)),
            Given::Text(s) => s.parse().map_err(serde::de::Error::custom),
        }
    }
}

impl JsonSchema for Time {
    fn schema_name() -> Cow<'static, str> {
        "Time".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["integer", "string"],
            "examples": ["2024-01-31", "2024-01-31T09:00:00Z", "30d", 1706688000000i64]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2024-03-01 12:00:00 UTC);

    fn at(s: &str) -> Result<i64, String> {
        parse(s, NOW).map(Time::millis)
    }

    #[test]
    fn every_form_reads_the_same_moment() {
        let jan31 = 1_706_659_200_000; // 2024-01-31T00:00:00Z
        assert_eq!(at("1706659200000"), Ok(jan31));
        assert_eq!(at("2024-01-31"), Ok(jan31));
        assert_eq!(at(" 2024-01-31 "), Ok(jan31));
        assert_eq!(at("2024-01-31T00:00:00Z"), Ok(jan31));
        assert_eq!(at("2024-01-31T00:00:00.000Z"), Ok(jan31));
        assert_eq!(at("2024-01-31T00:00Z"), Ok(jan31));
        assert_eq!(at("2024-01-31T00:00:00"), Ok(jan31));
        assert_eq!(at("2024-01-31 00:00"), Ok(jan31));
        assert_eq!(at("2024-01-31T02:00:00+02:00"), Ok(jan31));
        assert_eq!(at("2024-01-31T02:00:00+0200"), Ok(jan31));
        assert_eq!(at("2024-01-30T19:00:00-05:00"), Ok(jan31));
    }

    #[test]
    fn ages_count_back_from_now() {
        let now = millis(NOW);
        assert_eq!(at("30d"), Ok(now - 30 * 86_400_000));
        assert_eq!(at("30d ago"), Ok(now - 30 * 86_400_000));
        assert_eq!(at("12h"), Ok(now - 12 * 3_600_000));
        assert_eq!(at("90m"), Ok(now - 90 * 60_000));
        assert_eq!(at("2w"), Ok(now - 14 * 86_400_000));
        assert_eq!(at("45s"), Ok(now - 45_000));
        assert_eq!(at("0d"), Ok(now));
    }

    #[test]
    fn anything_else_is_refused_with_the_forms_named() {
        for bad in [
            "",
            "yesterday",
            "30",
            "30x",
            "d30",
            "-5d",
            "2024-13-01",
            "2024-02-30",
            "31/01/2024",
            "99999999999999999999d",
            "2024-01-31T25:00:00Z",
        ] {
            let e = at(bad).map(|_| ()).err();
            if bad == "30" {
                // Thirty milliseconds after 1970 is a time, if an odd one.
                assert_eq!(e, None);
                continue;
            }
            let e = e.unwrap_or_else(|| panic!("{bad:?} was read as a time"));
            assert!(e.contains("ISO 8601") && e.contains("30d"), "{e}");
        }
    }

    #[test]
    fn json_takes_numbers_and_text() {
        let t: Time = serde_json::from_str("1706659200000").unwrap();
        assert_eq!(t, Time(1_706_659_200_000));
        let t: Time = serde_json::from_str("\"2024-01-31\"").unwrap();
        assert_eq!(t, Time(1_706_659_200_000));
        assert!(serde_json::from_str::<Time>("\"soon\"").is_err());
        assert!(serde_json::from_str::<Time>("true").is_err());
    }

    #[test]
    fn iso_writes_what_parse_reads() {
        assert_eq!(
            iso(1_706_659_200_123).as_deref(),
            Some("2024-01-31T00:00:00.123Z")
        );
        assert_eq!(at(&iso(1_706_659_200_123).unwrap()), Ok(1_706_659_200_123));
    }
}
