//! `opsctl backup retention`: what `restic forget` would keep and remove.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use clap::ValueEnum;
use ops_core::backup::retention::{Bucket, GroupBy, GroupDecision, SnapshotFilter, TagList};
use ops_core::backup::{
    KeepCount, ResticDuration, ResticVersion, RetentionPolicy, RetentionSnapshot, forget, policy_retention,
};
use ops_core::import::parse_restic_snapshots;
use ops_core::render::{restic_short_id, retention_document};
use ops_core::suggest::did_you_mean;
use ops_core::{Inventory, LoadLimits};

use crate::shared::{self, parse_at};

/// The long help of `opsctl backup retention`.
pub(crate) const RETENTION_HELP: &str = "\
Snapshots come from --snapshots (the output of `restic snapshots --json`) or,
without it, from the policy's backup_runs in the inventory (read in UTC). The
policy is the inventory policy's retention, if PATH... POLICY are given, with
any --keep-* flag given here replacing that rule; without an inventory the
flags alone are the policy. Values use restic's syntax: counts are numbers or
`unlimited`, durations are like 1y6m3d12h (m is months), --keep-tag a,b keeps
snapshots with both tags. --host, --tag and --path choose the snapshots
considered; they are grouped by host and paths, as restic does (--group-by).
--restic-version 0.14 reproduces restic 0.14 (Debian 12). --keep-within*
cut-offs are computed as restic computes them on a machine in the zone that
--tz names, or else the TZ environment variable: when the newest snapshot's
offset is that zone's, years, months and days go back on that zone's calendar
(across a daylight-saving change the cut-off moves by the change); otherwise,
and when neither names a zone, in the snapshot's recorded offset, as
`TZ=UTC restic forget`. restic with TZ unset uses /etc/localtime: pass --tz.

Exit codes: 0 computed (whatever it removes), 2 usage error, unreadable input,
or a policy restic refuses (empty, or removing every snapshot of a group).

Examples:
  restic snapshots --json > snapshots.json
  opsctl backup retention --snapshots snapshots.json --keep-daily 7 --keep-weekly 5 --keep-monthly 12
  opsctl backup retention --snapshots snapshots.json --keep-within 1y2m --keep-tag monthly --format json
  opsctl backup retention inventory/ orders-db-nightly --snapshots snapshots.json";

/// Arguments of `opsctl backup retention`: restic forget's flags.
#[derive(Debug, clap::Args)]
pub(crate) struct RetentionArgs {
    /// Inventory files or directories, then the id of a backup policy (optional).
    #[arg(value_name = "PATH... POLICY")]
    pub(crate) inventory: Vec<PathBuf>,
    /// The output of `restic snapshots --json`.
    #[arg(long, value_name = "FILE")]
    pub(crate) snapshots: Option<PathBuf>,
    /// Keep the last n snapshots.
    #[arg(long, short = 'l', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_last: Option<String>,
    /// Keep the last n hourly snapshots.
    #[arg(long, short = 'H', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_hourly: Option<String>,
    /// Keep the last n daily snapshots.
    #[arg(long, short = 'd', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_daily: Option<String>,
    /// Keep the last n weekly (ISO week) snapshots.
    #[arg(long, short = 'w', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_weekly: Option<String>,
    /// Keep the last n monthly snapshots.
    #[arg(long, short = 'm', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_monthly: Option<String>,
    /// Keep the last n yearly snapshots.
    #[arg(long, short = 'y', value_name = "n", allow_hyphen_values = true)]
    pub(crate) keep_yearly: Option<String>,
    /// Keep snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within: Option<String>,
    /// Keep hourly snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within_hourly: Option<String>,
    /// Keep daily snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within_daily: Option<String>,
    /// Keep weekly snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within_weekly: Option<String>,
    /// Keep monthly snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within_monthly: Option<String>,
    /// Keep yearly snapshots newer than duration relative to the newest snapshot.
    #[arg(long, value_name = "duration", allow_hyphen_values = true)]
    pub(crate) keep_within_yearly: Option<String>,
    /// Keep snapshots with this taglist, `tag[,tag...]` (repeatable).
    #[arg(long, value_name = "taglist")]
    pub(crate) keep_tag: Vec<String>,
    /// Only consider snapshots of this host (repeatable; restic 0.14's `--hostname` too).
    #[arg(long, value_name = "host", alias = "hostname")]
    pub(crate) host: Vec<String>,
    /// Only consider snapshots with this taglist, `tag[,tag...]` (repeatable: any of them).
    #[arg(long, value_name = "taglist")]
    pub(crate) tag: Vec<String>,
    /// Only consider snapshots that include this path (repeatable: all of them).
    #[arg(long, value_name = "path")]
    pub(crate) path: Vec<String>,
    /// Accepted for restic compatibility: this command never removes anything.
    #[arg(long, short = 'n')]
    pub(crate) dry_run: bool,
    /// Accepted for restic compatibility (no effect).
    #[arg(long, short = 'c')]
    pub(crate) compact: bool,
    /// Group snapshots by host, paths and/or tags, separated by commas ('' for no grouping).
    #[arg(long, short = 'g', value_name = "group", default_value = "host,paths")]
    pub(crate) group_by: String,
    /// Whose semantics: `current` (restic 0.18 and later) or `0.14`.
    #[arg(long, value_enum, default_value_t = ResticVersionArg::Current)]
    pub(crate) restic_version: ResticVersionArg,
    /// The time zone restic runs in, an IANA name (default: the TZ environment variable).
    #[arg(long, value_name = "ZONE")]
    pub(crate) tz: Option<String>,
    /// The instant of the run: snapshots after it are in the future (default: now).
    #[arg(long, value_name = "INSTANT", value_parser = parse_at)]
    pub(crate) at: Option<ops_core::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RetentionFormat::Text)]
    pub(crate) format: RetentionFormat,
}

/// restic release semantics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ResticVersionArg {
    /// restic 0.18 and later.
    Current,
    /// restic 0.14 (Debian 12).
    #[value(name = "0.14")]
    V0_14,
}

/// Output of `backup retention`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum RetentionFormat {
    /// Tables of kept snapshots with reasons and of removed snapshots.
    Text,
    /// `{"keep": [ids], "remove": [ids], "groups": [...]}`.
    Json,
}

/// What would be kept and removed; exit 0 once computed, whatever it removes.
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
    policy.zone = zone(args.tz.as_deref(), std::env::var("TZ").ok().as_deref())?;

    let snapshots = match (&args.snapshots, runs) {
        (Some(file), _) => {
            let text = ops_core::import::read_input(file, &LoadLimits::default())?;
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
    let now = shared::at_or_now(args.at);
    let groups = forget(&snapshots, &policy, group_by, now)?;
    match args.format {
        RetentionFormat::Text => shared::emit(None, &text(&snapshots, &groups))?,
        RetentionFormat::Json => shared::emit_json(None, &retention_document(&snapshots, &groups))?,
    }
    Ok(0)
}

/// The zone restic's `--keep-within*` arithmetic runs in: `--tz` (which must
/// name a zone), else `TZ` when it names one (Go reads `TZ=:Europe/London`
/// too; a `TZ` Go cannot load makes its local zone UTC, where every offset
/// is fixed, which is what `None` gives).
fn zone(flag: Option<&str>, env: Option<&str>) -> Result<Option<chrono_tz::Tz>> {
    if let Some(name) = flag {
        return match name.parse() {
            Ok(zone) => Ok(Some(zone)),
            Err(_) => {
                let hint = did_you_mean(name, chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()))
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                bail!("--tz: unknown time zone '{name}': expected an IANA name such as Europe/London{hint}")
            }
        };
    }
    Ok(env
        .map(|tz| tz.strip_prefix(':').unwrap_or(tz))
        .and_then(|tz| tz.parse().ok()))
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
    let (mut policy, runs) = policy_retention(&inv, idx).with_context(|| format!("backup policy '{id}'"))?;
    policy.version = version;
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

/// A snapshot's time in its own recorded offset, as restic prints it.
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
                    restic_short_id(&s.id).to_owned(),
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
                vec![
                    restic_short_id(&s.id).to_owned(),
                    time(s),
                    s.hostname.clone(),
                    s.tags.join(","),
                ]
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

/// A restic-like table: columns padded to their widest cell, a rule under the header.
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
