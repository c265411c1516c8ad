//! Properties of the retention engine on random snapshots (mixed offsets,
//! several per bucket, some in the future) and random policies.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use ops_core::backup::retention::{Bucket, TagList};
use ops_core::backup::{KeepCount, ResticDuration, ResticVersion, RetentionPolicy, RetentionSnapshot};
use proptest::prelude::*;

fn snapshots() -> impl Strategy<Value = Vec<RetentionSnapshot>> {
    // within three years up to 2027 (so some are after `now`), offsets -11:00..+14:00 in quarter hours
    let one = (
        1_514_764_800i64..1_800_000_000,
        -44i32..=56,
        proptest::collection::vec(0usize..3, 0..3),
    );
    proptest::collection::vec(one, 1..60).prop_map(|v| {
        let mut seen = BTreeSet::new();
        v.into_iter()
            .filter(|(secs, _, _)| seen.insert(*secs))
            .enumerate()
            .map(|(i, (secs, quarters, tags))| {
                let offset = FixedOffset::east_opt(quarters * 900).unwrap();
                let time = offset.timestamp_opt(secs, 0).unwrap();
                let tags: BTreeSet<&str> = tags.into_iter().map(|t| ["a", "b", "c"][t]).collect();
                RetentionSnapshot::new(format!("s{i}"), time).with_tags(tags)
            })
            .collect()
    })
}

fn policy() -> impl Strategy<Value = RetentionPolicy> {
    let count = prop_oneof![
        Just(KeepCount::Off),
        (1u32..6).prop_map(KeepCount::Count),
        Just(KeepCount::Unlimited)
    ];
    let duration = prop_oneof![
        3 => Just(ResticDuration::default()),
        1 => (0i32..2, 0i32..13, 0i32..40, 0i32..48).prop_map(|(y, m, d, h)| {
            ResticDuration::parse(&format!("{y}y{m}m{d}d{h}h")).unwrap()
        }),
    ];
    (
        proptest::collection::vec(count, 6),
        proptest::collection::vec(duration, 6),
        proptest::collection::vec(prop_oneof![Just("a"), Just("a,b"), Just("")], 0..2),
    )
        .prop_map(|(counts, durations, tags)| {
            let mut p = RetentionPolicy::default();
            for (b, c) in Bucket::ALL.into_iter().zip(counts) {
                p.set_count(b, c);
            }
            for (b, d) in Bucket::ALL.into_iter().zip(durations) {
                p.set_within(b, d);
            }
            p.tags = tags.into_iter().map(TagList::parse).collect();
            p
        })
}

fn now() -> DateTime<Utc> {
    "2026-11-26T00:00:00Z".parse().unwrap()
}

fn kept(p: &RetentionPolicy, s: &[RetentionSnapshot]) -> BTreeSet<usize> {
    p.apply(s, now()).unwrap().keep.iter().map(|k| k.index).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Keep and remove split the snapshots, both newest first, and every kept
    /// snapshot has a reason.
    #[test]
    fn keep_and_remove_partition_the_snapshots(s in snapshots(), p in policy()) {
        let d = p.apply(&s, now()).unwrap();
        let mut all: Vec<usize> = d.keep.iter().map(|k| k.index).chain(d.remove.iter().copied()).collect();
        all.sort_unstable();
        prop_assert_eq!(all, (0..s.len()).collect::<Vec<_>>());
        prop_assert!(d.keep.iter().all(|k| !k.reasons.is_empty()));
        prop_assert!(d.keep.windows(2).all(|w| s[w[0].index].time >= s[w[1].index].time));
        prop_assert!(d.remove.windows(2).all(|w| s[w[0]].time >= s[w[1]].time));
    }

    /// Current releases keep what 0.14 keeps, and at most the oldest snapshot
    /// more (a policy without `unlimited`, which 0.14 does not know).
    #[test]
    fn current_keeps_at_most_the_oldest_more(s in snapshots(), p in policy()) {
        let mut old = p.clone();
        for b in Bucket::ALL {
            if old.count(b) == KeepCount::Unlimited {
                old.set_count(b, KeepCount::Count(1000));
            }
        }
        let current = kept(&old, &s);
        old.version = ResticVersion::V0_14;
        let v014 = kept(&old, &s);
        prop_assert!(v014.is_subset(&current));
        let oldest = (0..s.len()).min_by_key(|&i| s[i].time).unwrap();
        prop_assert!(current.difference(&v014).all(|&i| i == oldest));
    }

    /// The answer does not depend on the order snapshots are given in.
    #[test]
    fn input_order_does_not_matter(s in snapshots(), p in policy()) {
        let ids = |s: &[RetentionSnapshot]| -> BTreeSet<String> { kept(&p, s).into_iter().map(|i| s[i].id.clone()).collect() };
        let mut reversed = s.clone();
        reversed.reverse();
        prop_assert_eq!(ids(&s), ids(&reversed));
    }

    /// `--keep-last n` alone keeps the n newest (and, in current releases,
    /// the oldest while counts are left: never more than n anyway).
    #[test]
    fn keep_last_keeps_the_newest(s in snapshots(), n in 1u32..10) {
        let mut p = RetentionPolicy::default();
        p.last = KeepCount::Count(n);
        let mut by_time: Vec<usize> = (0..s.len()).collect();
        by_time.sort_by(|&a, &b| s[b].time.cmp(&s[a].time));
        let expected: BTreeSet<usize> = by_time.into_iter().take(n as usize).collect();
        prop_assert_eq!(kept(&p, &s), expected);
    }
}
