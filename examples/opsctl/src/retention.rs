//! `opsctl backup retention`: what `restic forget` would keep and remove.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use ops_core::{
    Bucket, GroupBy, GroupDecision, Inventory, KeepCount, Limits, ResticDuration, ResticVersion, RetentionPolicy,
    RetentionSnapshot, RunStatus, SnapshotFilter, TagList, did_you_mean, forget, parse_restic_snapshots,
};
use serde::Serialize;

use crate::cli::{ResticVersionArg, RetentionArgs, RetentionFormat};

pub(crate) fn run(args: &RetentionArgs) -> Result<u8> {
    let version = match args.restic_version {
        ResticVersionArg::Current => ResticVersion::Current,
        ResticVersionArg::V0_14 => ResticVersion::V0_14,
    };
    let (mut policy, runs) = match args.inventory.split_last() {
        None => {
            let mut policy = RetentionPolicy::default();
            policy.version = version;
            (policy, None)
        }
        Some((_, [])) => bail!("expected PATH... POLICY: inventory files or directories, then a backup policy id"),
        Some((id, paths)) => from_inventory(paths, &id.to_string_lossy(), version)?,
    };
    apply_flags(&mut policy, args)?;

    let snapshots = match (&args.snapshots, runs) {
        (Some(file), _) => {
            let text = ops_core::import::read_input(file, &Limits::default())?;
            parse_restic_snapshots(&file.display().to_string(), &text)?
                .iter()
                .map(|s| s.to_retention_snapshot())
                .collect()
        }
        (None, Some(runs)) => runs,
        (None, None) => bail!(
            "no snapshots: give --snapshots FILE (the output of `restic snapshots --json`), or PATH... POLICY to use the policy's backup runs"
        ),
    };
    let mut filter = SnapshotFilter::default();
    filter.hosts.clone_from(&args.host);
    filter.tags = args.tag.iter().map(|t| TagList::parse(t)).collect();
    filter.paths.clone_from(&args.path);
    let snapshots: Vec<RetentionSnapshot> = snapshots.into_iter().filter(|s| filter.matches(s)).collect();
    let group_by = GroupBy::parse(&args.group_by).map_err(|e| anyhow!("--group-by: {e}"))?;
    let now = args.at.unwrap_or_else(chrono::Utc::now);
    let groups = forget(&snapshots, &policy, group_by, now)?;
    let out = match args.format {
        RetentionFormat::Text => text(&snapshots, &groups),
        RetentionFormat::Json => serde_json::to_string_pretty(&to_json(&snapshots, &groups))? + "\n",
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(e).context("cannot write the result");
    }
    Ok(0)
}

/// The policy's retention, and its successful runs as snapshots (in UTC).
fn from_inventory(
    paths: &[PathBuf],
    id: &str,
    version: ResticVersion,
) -> Result<(RetentionPolicy, Option<Vec<RetentionSnapshot>>)> {
    let inv = Inventory::load(paths)?;
    let Some(idx) = inv.backup_policy_by_id(id) else {
        let hint = did_you_mean(id, inv.backup_policies().iter().map(|p| p.id.as_str()))
            .map(|s| format!(" (did you mean '{s}'?)"))
            .unwrap_or_default();
        bail!("no backup policy '{id}' in the inventory{hint}");
    };
    let backup_policy = &inv.backup_policies()[idx.index()];
    let mut policy = match &backup_policy.retention {
        Some(r) => RetentionPolicy::from_retention(r).with_context(|| format!("backup policy '{id}'"))?,
        None => RetentionPolicy::default(),
    };
    policy.version = version;
    let runs = inv
        .backup_runs()
        .iter()
        .filter(|r| r.policy == idx && r.status == RunStatus::Success)
        .map(|r| {
            let id = r.id.clone().unwrap_or_else(|| r.started_at.to_rfc3339());
            RetentionSnapshot::new(id, r.started_at.fixed_offset())
        })
        .collect();
    Ok((policy, Some(runs)))
}

/// `--keep-*` flags replace the same rules of the policy.
fn apply_flags(policy: &mut RetentionPolicy, args: &RetentionArgs) -> Result<()> {
    let counts = [
        (Bucket::Last, &args.keep_last),
        (Bucket::Hourly, &args.keep_hourly),
        (Bucket::Daily, &args.keep_daily),
        (Bucket::Weekly, &args.keep_weekly),
        (Bucket::Monthly, &args.keep_monthly),
        (Bucket::Yearly, &args.keep_yearly),
    ];
    for (bucket, value) in counts {
        if let Some(v) = value {
            let count = KeepCount::parse(v, policy.version).map_err(|e| anyhow!("--keep-{}: {e}", bucket.name()))?;
            policy.set_count(bucket, count);
        }
    }
    let durations = [
        (Bucket::Last, "--keep-within", &args.keep_within),
        (Bucket::Hourly, "--keep-within-hourly", &args.keep_within_hourly),
        (Bucket::Daily, "--keep-within-daily", &args.keep_within_daily),
        (Bucket::Weekly, "--keep-within-weekly", &args.keep_within_weekly),
        (Bucket::Monthly, "--keep-within-monthly", &args.keep_within_monthly),
        (Bucket::Yearly, "--keep-within-yearly", &args.keep_within_yearly),
    ];
    for (bucket, flag, value) in durations {
        if let Some(v) = value {
            policy.set_within(bucket, ResticDuration::parse(v).map_err(|e| anyhow!("{flag}: {e}"))?);
        }
    }
    if !args.keep_tag.is_empty() {
        policy.tags = args.keep_tag.iter().map(|t| TagList::parse(t)).collect();
    }
    Ok(())
}

/// restic's short id for a restic id (64 hex digits); other ids (backup runs) whole.
fn short(id: &str) -> &str {
    if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        &id[..8]
    } else {
        id
    }
}

fn time(s: &RetentionSnapshot) -> String {
    s.time.format("%Y-%m-%d %H:%M:%S %:z").to_string()
}

/// restic-like tables: kept snapshots with their reasons, then removed ones.
fn text(snapshots: &[RetentionSnapshot], groups: &[GroupDecision]) -> String {
    let mut out = String::new();
    let (mut kept, mut removed) = (0, 0);
    for g in groups {
        let key = g.key.to_string();
        if !key.is_empty() {
            out.push_str(&format!("snapshots for {key}:\n"));
        }
        let keep: Vec<Vec<String>> = g
            .decision
            .keep
            .iter()
            .map(|k| {
                let s = &snapshots[k.index];
                let reasons: Vec<String> = k.reasons.iter().map(ToString::to_string).collect();
                vec![
                    short(&s.id).to_owned(),
                    time(s),
                    s.hostname.clone(),
                    s.tags.join(","),
                    reasons.join(", "),
                ]
            })
            .collect();
        let remove: Vec<Vec<String>> = g
            .decision
            .remove
            .iter()
            .map(|&i| {
                let s = &snapshots[i];
                vec![short(&s.id).to_owned(), time(s), s.hostname.clone(), s.tags.join(",")]
            })
            .collect();
        if !keep.is_empty() {
            out.push_str(&format!("keep {} snapshots:\n", keep.len()));
            out.push_str(&table(&["ID", "Time", "Host", "Tags", "Reasons"], &keep));
            out.push('\n');
        }
        if !remove.is_empty() {
            out.push_str(&format!("remove {} snapshots:\n", remove.len()));
            out.push_str(&table(&["ID", "Time", "Host", "Tags"], &remove));
            out.push('\n');
        }
        kept += keep.len();
        removed += remove.len();
    }
    out.push_str(&format!("{kept} kept, {removed} removed\n"));
    out
}

fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                l.push_str(&format!("{cell:<w$}  "));
            }
        }
        l.trim_end().to_owned() + "\n"
    };
    let mut out = line(header.to_vec());
    let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    out.push_str(&"-".repeat(total));
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[derive(Serialize)]
struct Output<'a> {
    keep: Vec<&'a str>,
    remove: Vec<&'a str>,
    groups: Vec<Group<'a>>,
}

#[derive(Serialize)]
struct Group<'a> {
    host: &'a str,
    paths: &'a [String],
    tags: &'a [String],
    keep: Vec<Snapshot<'a>>,
    remove: Vec<Snapshot<'a>>,
}

#[derive(Serialize)]
struct Snapshot<'a> {
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

fn to_json<'a>(snapshots: &'a [RetentionSnapshot], groups: &'a [GroupDecision]) -> Output<'a> {
    let snapshot = |i: usize| {
        let s = &snapshots[i];
        Snapshot {
            id: &s.id,
            short_id: short(&s.id),
            time: s.time.to_rfc3339(),
            hostname: &s.hostname,
            tags: &s.tags,
            reasons: None,
            counters: None,
        }
    };
    let mut out = Output {
        keep: Vec::new(),
        remove: Vec::new(),
        groups: Vec::new(),
    };
    for g in groups {
        let keep = g
            .decision
            .keep
            .iter()
            .map(|k| Snapshot {
                reasons: Some(k.reasons.iter().map(ToString::to_string).collect()),
                counters: Some(
                    Bucket::ALL
                        .iter()
                        .filter(|&&b| k.counters.get(b) != 0)
                        .map(|&b| (b.name(), k.counters.get(b)))
                        .collect(),
                ),
                ..snapshot(k.index)
            })
            .collect();
        let remove = g.decision.remove.iter().map(|&i| snapshot(i)).collect();
        out.keep
            .extend(g.decision.keep.iter().map(|k| snapshots[k.index].id.as_str()));
        out.remove
            .extend(g.decision.remove.iter().map(|&i| snapshots[i].id.as_str()));
        out.groups.push(Group {
            host: &g.key.hostname,
            paths: &g.key.paths,
            tags: &g.key.tags,
            keep,
            remove,
        });
    }
    out
}
