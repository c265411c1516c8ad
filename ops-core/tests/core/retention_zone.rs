//! `--keep-within*` in the zone of the machine running `restic forget`
//! (`RetentionPolicy::zone`), across daylight-saving changes: exact kept and
//! removed sets, with restic's (Go's) arithmetic worked out in the comments.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ops_core::backup::{ResticDuration, ResticVersion, RetentionPolicy, RetentionSnapshot};

fn snapshots(times: &[(&str, &str)]) -> Vec<RetentionSnapshot> {
    times
        .iter()
        .map(|(id, t)| RetentionSnapshot::new(*id, DateTime::parse_from_rfc3339(t).unwrap()))
        .collect()
}

/// (kept ids, removed ids) for `--keep-within within` run in `zone`.
fn within(within: &str, zone: Option<Tz>, s: &[RetentionSnapshot]) -> (Vec<String>, Vec<String>) {
    let mut p = RetentionPolicy::default();
    p.version = ResticVersion::Current;
    p.within = ResticDuration::parse(within).unwrap();
    p.zone = zone;
    let now: DateTime<Utc> = "2030-01-01T00:00:00Z".parse().unwrap();
    let d = p.apply(s, now).unwrap();
    (
        d.keep.iter().map(|k| s[k.index].id.clone()).collect(),
        d.remove.iter().map(|&i| s[i].id.clone()).collect(),
    )
}

fn tz(name: &str) -> Option<Tz> {
    Some(name.parse().unwrap())
}

/// Recorded with restic 0.14.0 (see the module docs of
/// `ops_core::backup::retention`). London went to BST at 01:00 UTC on
/// 2021-03-28. The newest snapshot, 12:00+01:00, has London's offset, so
/// under `TZ=Europe/London` Go gives it the London zone, and 7 days back is
/// 2021-03-25 12:00 *London* time, which is GMT: 12:00 UTC. The 11:30 UTC
/// snapshot is not after it. Under `TZ=UTC` the offset is fixed: 12:00+01:00,
/// 11:00 UTC, and all three are kept.
#[test]
fn a_week_back_across_the_spring_change_in_london() {
    let s = snapshots(&[
        ("a", "2021-03-25T11:30:00Z"),
        ("b", "2021-03-25T12:30:00Z"),
        ("c", "2021-04-01T12:00:00+01:00"),
    ]);
    assert_eq!(
        within("7d", tz("Europe/London"), &s),
        (vec!["c".into(), "b".into()], vec!["a".into()])
    );
    assert_eq!(within("7d", None, &s).1, Vec::<String>::new());
    assert_eq!(within("7d", tz("UTC"), &s).1, Vec::<String>::new());
}

/// New York went back from 02:00 EDT to 01:00 EST at 06:00 UTC on
/// 2026-11-01, so 01:00-01:59 happened twice. The newest snapshot is
/// 2026-11-08 01:30 EST (-05:00, New York's offset then): 7 days back is the
/// wall time 2026-11-01 01:30. Go's `Date` looks the offset up at that wall
/// time read as UTC (01:30 UTC: still EDT, -4), then at 05:30 UTC (still
/// EDT): the cut-off is 01:30 EDT, 05:30 UTC, the *first* 01:30. The fixed
/// offset gives 01:30-05:00, 06:30 UTC. The two snapshots between 05:30 and
/// 06:30 UTC are kept in New York and removed with the fixed offset.
#[test]
fn a_week_back_into_the_repeated_hour_in_new_york() {
    let s = snapshots(&[
        ("newest", "2026-11-08T01:30:00-05:00"),
        ("edt-0115", "2026-11-01T01:15:00-04:00"), // 05:15 UTC: before both cut-offs
        ("edt-0145", "2026-11-01T01:45:00-04:00"), // 05:45 UTC
        ("est-0115", "2026-11-01T01:15:00-05:00"), // 06:15 UTC
        ("est-0145", "2026-11-01T01:45:00-05:00"), // 06:45 UTC: after both
    ]);
    assert_eq!(
        within("7d", tz("America/New_York"), &s),
        (
            vec!["newest".into(), "est-0145".into(), "est-0115".into(), "edt-0145".into()],
            vec!["edt-0115".into()]
        )
    );
    assert_eq!(
        within("7d", None, &s),
        (
            vec!["newest".into(), "est-0145".into()],
            vec!["est-0115".into(), "edt-0145".into(), "edt-0115".into()]
        )
    );
}

/// restic always calls `AddDate`, even with no years, months or days: for a
/// newest snapshot at the *second* 01:30 of the New York night above (06:30
/// UTC), `AddDate(0, 0, 0)` rebuilds the wall time 01:30 and gets the first
/// one, 05:30 UTC; `--keep-within 1h` then cuts at 04:30 UTC, not 05:30.
#[test]
fn hours_alone_still_go_through_the_calendar() {
    let s = snapshots(&[
        ("newest", "2026-11-01T01:30:00-05:00"),
        ("a", "2026-11-01T00:45:00-04:00"), // 04:45 UTC
        ("b", "2026-11-01T00:15:00-04:00"), // 04:15 UTC
    ]);
    assert_eq!(
        within("1h", tz("America/New_York"), &s),
        (vec!["newest".into(), "a".into()], vec!["b".into()])
    );
    assert_eq!(
        within("1h", None, &s),
        (vec!["newest".into()], vec!["a".into(), "b".into()])
    );
}

/// Only a newest snapshot whose offset is the zone's at that instant moves
/// to the zone: +02:00 in London is a fixed zone. And Go writes a zero offset
/// as `Z`, which it reads back as UTC, never as the local zone: a London
/// winter snapshot (GMT, offset 0) keeps UTC arithmetic. One month before
/// 2026-11-01 12:00 UTC is 2026-10-01 12:00 UTC; in London it would have
/// been 12:00 BST, 11:00 UTC, and kept the 11:30 snapshot.
#[test]
fn other_offsets_and_zero_offsets_stay_fixed() {
    let s = snapshots(&[("newest", "2021-04-01T12:00:00+02:00"), ("a", "2021-03-25T11:30:00Z")]);
    assert_eq!(within("7d", tz("Europe/London"), &s), within("7d", None, &s));
    assert_eq!(within("7d", None, &s).0, ["newest", "a"]);
    let s = snapshots(&[("newest", "2026-11-01T12:00:00Z"), ("a", "2026-10-01T11:30:00Z")]);
    assert_eq!(
        within("1m", tz("Europe/London"), &s),
        (vec!["newest".into()], vec!["a".into()])
    );
}

/// The bucket rules within a duration use the same cut-off: in London the
/// 25 March snapshot at 11:30 UTC is before the cut-off (12:00 UTC) and is
/// removed; with the fixed offset (cut-off 11:00 UTC) it opens 25 March
/// among the snapshots within 7 days and is kept.
#[test]
fn keep_within_daily_uses_the_zone_too() {
    let s = snapshots(&[
        ("c", "2021-04-01T12:00:00+01:00"),
        ("b", "2021-03-25T11:30:00Z"),
        ("a", "2021-03-24T11:30:00Z"),
    ]);
    let mut p = RetentionPolicy::default();
    p.within_daily = ResticDuration::parse("7d").unwrap();
    let now: DateTime<Utc> = "2030-01-01T00:00:00Z".parse().unwrap();
    let ids = |p: &RetentionPolicy| -> Vec<String> {
        p.apply(&s, now)
            .unwrap()
            .keep
            .iter()
            .map(|k| s[k.index].id.clone())
            .collect()
    };
    p.zone = tz("Europe/London");
    assert_eq!(ids(&p), ["c"]);
    p.zone = None;
    assert_eq!(ids(&p), ["c", "b"]);
}
