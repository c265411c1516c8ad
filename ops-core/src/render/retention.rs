//! The JSON document of a retention decision (`restic forget --dry-run`):
//! `opsctl backup retention --format json` writes it and the Python package
//! returns it, so the two cannot drift.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::backup::RetentionSnapshot;
use crate::backup::retention::{Bucket, GroupDecision};

/// `{"keep": [ids], "remove": [ids], "groups": [...]}`: the ids kept and
/// removed over all groups, then each group with its decisions, kept
/// snapshots with restic's reasons and counters. Serialize it (its fields in
/// this order); build it with [`retention_document`].
#[derive(Debug, Serialize)]
pub struct RetentionDocument<'a> {
    keep: Vec<&'a str>,
    remove: Vec<&'a str>,
    groups: Vec<RetentionGroup<'a>>,
}

/// One group of snapshots (same host and paths, by default) and its decisions.
#[derive(Debug, Serialize)]
struct RetentionGroup<'a> {
    host: &'a str,
    paths: &'a [String],
    tags: &'a [String],
    keep: Vec<SnapshotRow<'a>>,
    remove: Vec<SnapshotRow<'a>>,
}

/// A snapshot in the document; kept ones with their reasons and counters.
#[derive(Debug, Serialize)]
struct SnapshotRow<'a> {
    id: &'a str,
    short_id: &'a str,
    time: String,
    hostname: &'a str,
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    reasons: Option<Vec<String>>,
    /// Counts left after this snapshot, as restic's `counters` (-1: unlimited, 0 left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    counters: Option<BTreeMap<&'static str, i64>>,
}

/// restic's short id for a restic id (64 hex digits: its first 8); any other
/// id (a backup run's) whole.
pub fn restic_short_id(id: &str) -> &str {
    match id.get(..8) {
        Some(short) if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) => short,
        _ => id,
    }
}

/// The document of `groups`, the result of [`forget`](crate::backup::forget)
/// on `snapshots`. Linear in the snapshots.
pub fn retention_document<'a>(
    snapshots: &'a [RetentionSnapshot],
    groups: &'a [GroupDecision],
) -> RetentionDocument<'a> {
    let row = |s: &'a RetentionSnapshot| SnapshotRow {
        id: &s.id,
        short_id: restic_short_id(&s.id),
        time: s.time.to_rfc3339(),
        hostname: &s.hostname,
        tags: &s.tags,
        reasons: None,
        counters: None,
    };
    let mut out = RetentionDocument {
        keep: Vec::new(),
        remove: Vec::new(),
        groups: Vec::new(),
    };
    for g in groups {
        let mut keep = Vec::with_capacity(g.decision.keep.len());
        for k in &g.decision.keep {
            let Some(s) = snapshots.get(k.index) else { continue };
            out.keep.push(&s.id);
            keep.push(SnapshotRow {
                reasons: Some(k.reasons.iter().map(ToString::to_string).collect()),
                counters: Some(
                    Bucket::ALL
                        .iter()
                        .filter(|&&b| k.counters.get(b) != 0)
                        .map(|&b| (b.name(), k.counters.get(b)))
                        .collect(),
                ),
                ..row(s)
            });
        }
        let mut remove = Vec::with_capacity(g.decision.remove.len());
        for s in g.decision.remove.iter().filter_map(|&i| snapshots.get(i)) {
            out.remove.push(&s.id);
            remove.push(row(s));
        }
        out.groups.push(RetentionGroup {
            host: &g.key.hostname,
            paths: &g.key.paths,
            tags: &g.key.tags,
            keep,
            remove,
        });
    }
    out
}
