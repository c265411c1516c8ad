//! Instants and durations as written in inventories.
//!
//! Instants are stored as UTC. Input is RFC 3339 with an offset, or a date
//! alone (midnight UTC). A leap second (`23:59:60`) is accepted and sorts
//! between the second before it and the one after.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Utc};

/// An instant, in UTC.
pub type Timestamp = DateTime<Utc>;

/// Parses an RFC 3339 instant with an offset, or a `YYYY-MM-DD` date
/// (taken as 00:00:00 UTC that day).
///
/// ```
/// use ops_core::time::parse_instant;
/// let t = parse_instant("2026-03-29T01:30:00+01:00")?;
/// assert_eq!(t.to_rfc3339(), "2026-03-29T00:30:00+00:00");
/// let leap = parse_instant("2016-12-31T23:59:60Z")?;
/// assert!(leap > parse_instant("2016-12-31T23:59:59Z")?);
/// assert!(leap < parse_instant("2017-01-01T00:00:00Z")?);
/// # Ok::<(), String>(())
/// ```
pub fn parse_instant(text: &str) -> Result<Timestamp, String> {
    let text = text.trim();
    // chrono's `%Y` also reads signed and short years (`-013-01-01`), which
    // print back as no RFC 3339 instant: insist on the shape first.
    let date_shaped = |date: &str| {
        date.len() == 10
            && date.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            })
    };
    if text.len() == 10 {
        if !date_shaped(text) {
            return Err(format!("invalid date '{text}': expected YYYY-MM-DD"));
        }
        return NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
            .ok_or_else(|| format!("invalid date '{text}': expected YYYY-MM-DD"));
    }
    match DateTime::parse_from_rfc3339(text) {
        Ok(t) => {
            let t = t.with_timezone(&Utc);
            // RFC 3339 has four-digit years: an offset must not push the UTC
            // instant out of them, or it would print as no valid instant.
            if !(0..=9999).contains(&t.year()) {
                return Err(format!(
                    "invalid instant '{text}': in UTC it falls outside the years 0000 to 9999"
                ));
            }
            // chrono accepts :60 at any minute; a real leap second is 23:59:60 UTC.
            if t.nanosecond() >= 1_000_000_000 && (t.hour(), t.minute()) != (23, 59) {
                return Err(format!(
                    "invalid instant '{text}': a leap second (:60) can only fall at 23:59:60 UTC"
                ));
            }
            Ok(t)
        }
        Err(e) => {
            let date = text.get(..10).unwrap_or("");
            if date_shaped(date) && NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() {
                return Err(format!("invalid instant '{text}': there is no date {date}"));
            }
            let missing_offset = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
                || chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").is_ok();
            if missing_offset {
                Err(format!(
                    "instant '{text}' has no UTC offset: add 'Z' or an offset such as '+02:00'"
                ))
            } else {
                Err(format!(
                    "invalid instant '{text}' ({e}): expected RFC 3339 such as 2026-03-01T09:30:00Z, or a date such as 2026-03-01"
                ))
            }
        }
    }
}

/// Parses a duration: one or more `<number><unit>` with units `s`, `m`
/// (minutes), `h`, `d` and `w`, largest first, such as `90s`, `1h30m`, `2w`.
///
/// Months and years are refused: they have no fixed length.
///
/// ```
/// use ops_core::time::parse_duration;
/// assert_eq!(parse_duration("1d12h")?.num_hours(), 36);
/// assert!(parse_duration("1y").is_err());
/// # Ok::<(), String>(())
/// ```
pub fn parse_duration(text: &str) -> Result<TimeDelta, String> {
    let bad = |why: &str| format!("invalid duration '{text}': {why}");
    let t = text.trim();
    if t.is_empty() {
        return Err(bad("it is empty"));
    }
    let mut total = TimeDelta::zero();
    let mut rest = t;
    let mut last_rank = usize::MAX;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad("expected a number, as in 90s, 15m, 4h, 1d12h or 2w"));
        }
        let n: i64 = rest[..digits].parse().map_err(|_| bad("number too large"))?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let (rank, seconds) = match unit {
            "w" => (4, 7 * 86_400),
            "d" => (3, 86_400),
            "h" => (2, 3_600),
            "m" => (1, 60),
            "s" => (0, 1),
            "" => return Err(bad("a number needs a unit: s, m, h, d or w")),
            "y" | "mo" | "M" => {
                return Err(bad("months and years have no fixed length; use days or weeks"));
            }
            other => return Err(bad(&format!("unknown unit '{other}'; use s, m, h, d or w"))),
        };
        if rank >= last_rank {
            return Err(bad("units must go from largest to smallest, each once"));
        }
        last_rank = rank;
        let part = n
            .checked_mul(seconds)
            .and_then(TimeDelta::try_seconds)
            .ok_or_else(|| bad("too long"))?;
        total = total.checked_add(&part).ok_or_else(|| bad("too long"))?;
    }
    Ok(total)
}

/// Formats a span of time for people, as precise as its size deserves:
/// hours and minutes under two days, days and hours under two weeks, whole
/// days beyond (`25h`, `3h30m`, `3d6h`, `259 days`).
///
/// ```
/// use chrono::TimeDelta;
/// use ops_core::time::format_span;
/// assert_eq!(format_span(TimeDelta::minutes(210)), "3h30m");
/// assert_eq!(format_span(TimeDelta::hours(78) + TimeDelta::minutes(5)), "3d6h");
/// assert_eq!(format_span(TimeDelta::days(3612) + TimeDelta::hours(9)), "3612 days");
/// ```
pub fn format_span(d: TimeDelta) -> String {
    if d < TimeDelta::hours(48) {
        let (h, m) = (d.num_hours(), d.num_minutes() % 60);
        if m == 0 { format!("{h}h") } else { format!("{h}h{m}m") }
    } else if d < TimeDelta::days(14) {
        format_duration(TimeDelta::hours(d.num_hours()))
    } else {
        format!("{} days", d.num_days())
    }
}

/// Formats a duration the way [`parse_duration`] reads it (`1d12h`, `0s`).
pub fn format_duration(d: TimeDelta) -> String {
    let mut secs = d.num_seconds();
    if secs == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    if secs < 0 {
        out.push('-');
        secs = -secs;
    }
    for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_stored_in_utc() {
        let t = parse_instant("2026-10-25T02:30:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-10-25T00:30:00+00:00");
        assert_eq!(
            parse_instant("2026-10-25").unwrap().to_rfc3339(),
            "2026-10-25T00:00:00+00:00"
        );
    }

    #[test]
    fn leap_seconds_parse_and_sort() {
        let mut v: Vec<Timestamp> = ["2017-01-01T00:00:00Z", "2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"]
            .iter()
            .map(|s| parse_instant(s).unwrap())
            .collect();
        v.sort();
        assert_eq!(v[1], parse_instant("2016-12-31T23:59:60Z").unwrap());
        // with an offset: the same leap second, written in Tokyo time
        assert_eq!(v[1], parse_instant("2017-01-01T08:59:60+09:00").unwrap());
    }

    #[test]
    fn leap_seconds_only_at_the_end_of_a_utc_day() {
        assert_eq!(
            parse_instant("2026-03-01T10:00:60Z").unwrap_err(),
            "invalid instant '2026-03-01T10:00:60Z': a leap second (:60) can only fall at 23:59:60 UTC"
        );
        assert!(parse_instant("2017-01-01T08:59:60+09:00").is_ok());
    }

    #[test]
    fn bad_instants_say_what_is_wrong() {
        assert_eq!(
            parse_instant("2026-02-30T10:00:00Z").unwrap_err(),
            "invalid instant '2026-02-30T10:00:00Z': there is no date 2026-02-30"
        );
        assert_eq!(
            parse_instant("2026-02-30").unwrap_err(),
            "invalid date '2026-02-30': expected YYYY-MM-DD"
        );
        assert_eq!(
            parse_instant("2026-03-01T10:00:00").unwrap_err(),
            "instant '2026-03-01T10:00:00' has no UTC offset: add 'Z' or an offset such as '+02:00'"
        );
        assert!(
            parse_instant("yesterday")
                .unwrap_err()
                .starts_with("invalid instant 'yesterday' (")
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s").unwrap(), TimeDelta::seconds(90));
        assert_eq!(parse_duration("1h30m").unwrap(), TimeDelta::minutes(90));
        assert_eq!(parse_duration("2w").unwrap(), TimeDelta::days(14));
        assert_eq!(format_duration(TimeDelta::hours(36)), "1d12h");
        assert_eq!(
            parse_duration("30").unwrap_err(),
            "invalid duration '30': a number needs a unit: s, m, h, d or w"
        );
        assert_eq!(
            parse_duration("1m1h").unwrap_err(),
            "invalid duration '1m1h': units must go from largest to smallest, each once"
        );
        assert_eq!(
            parse_duration("3x").unwrap_err(),
            "invalid duration '3x': unknown unit 'x'; use s, m, h, d or w"
        );
        assert!(parse_duration("99999999999999w").is_err());
    }
}
