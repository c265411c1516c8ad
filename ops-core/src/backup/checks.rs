//! Built-in backup checks: data nobody backs up, schedules that cannot meet
//! their RPO, backups that stopped or "ran" without producing anything,
//! restores nobody rehearsed, copies that one accident or one person can
//! take away, and jobs nobody watches. All evaluated at the context's instant.

use chrono::TimeDelta;

use super::{DrillOutcome, Schedule};
use crate::check::BuiltinRule;
use crate::check::{Check, Context};
use crate::finding::{EntityKind, Finding, Severity, Subject};
use crate::rule::Rule;
use crate::{BackupPolicy, Inventory, Principal, Requirement, Timestamp, format_duration, format_span, listing};

/// The backup rules, in the order of the README's table.
pub(crate) static RULES: &[&dyn Check] = &[
    &UNPROTECTED_DATA,
    &STALE,
    &SUSPICIOUS_RUN,
    &NO_RECENT_DRILL,
    &DRILL_SLOWER_THAN_RTO,
    &NO_OFFSITE_COPY,
    &UNMONITORED,
    &UNENCRYPTED_OFFSITE_COPY,
    &DRILL_ONLY_BY_OWNER,
    &NO_IMMUTABLE_COPY,
    &SCHEDULE_EXCEEDS_RPO,
    &UNOWNED_POLICY,
];

fn minute(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn copies(n: usize) -> String {
    if n == 1 {
        "1 copy".to_owned()
    } else {
        format!("{n} copies")
    }
}

fn policy_subject(p: &BackupPolicy) -> Subject {
    Subject::new(EntityKind::BackupPolicy, &p.id)
}

/// `backup/unprotected-data`: stateful components no backup policy protects.
pub static UNPROTECTED_DATA: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "backup/unprotected-data",
        Severity::High,
        "A database, queue, object or file store (or `stateful: true`) no backup policy protects",
        r"
## What it checks
Components that hold data (kinds `database`, `queue`, `object_store`, `file_store`, or
`stateful: true`) that no backup policy `protects`. A component named as the place a
backup copy is kept (`copies[].component`) is a backup target, not unprotected data.

## Why it matters
Replicas copy mistakes and deletions faithfully; only a backup brings back yesterday.

## Example
```yaml
components:
  - {id: orders-db, kind: database}    # no backup policy protects it
```

## How to fix
Add a backup policy with `protects: orders-db`, a schedule, an RPO and an offsite copy,
or mark the component `stateful: false` if it holds nothing worth restoring.
",
    ),
    (),
    unprotected_data,
);

fn unprotected_data(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let inv = ctx.inventory();
    let groups = DataGroups::new(inv);
    let n = inv.components().len();
    let mut protected = vec![false; n];
    for p in inv.backup_policies() {
        protected[groups.root(p.protects.index())] = true;
        // Where copies are kept holds backups, not data of its own: backing
        // the vault up would back the backups up.
        for c in p.copies.iter().filter_map(|c| c.component) {
            protected[groups.root(c.index())] = true;
        }
    }
    // The members holding data, by group root; the group's name: its first
    // logical component (the cluster), else its only member.
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut name: Vec<Option<usize>> = vec![None; n];
    for (i, c) in inv.components().iter().enumerate() {
        let root = groups.root(i);
        if c.stateful {
            holders[root].push(i);
        }
        if c.logical || root == i {
            let named = &mut name[root];
            if named.is_none_or(|k| !inv.components()[k].logical) {
                *named = Some(i);
            }
        }
    }
    let mut out = Vec::new();
    for (root, members) in holders.iter().enumerate() {
        let Some(named) = name[root] else { continue };
        if members.is_empty() || protected[root] {
            continue;
        }
        let c = &inv.components()[named];
        let others: Vec<&str> = (members.iter())
            .filter(|&&m| m != named && inv.components()[m].instance.is_none())
            .map(|&m| inv.components()[m].id.as_str())
            .collect();
        let mut message = format!(
            "{} '{}' holds data but no backup policy protects it",
            c.kind.as_str(),
            c.id
        );
        if let Some(r) = &c.replicas {
            message.push_str(&format!(" or any of its {} replicas", r.count));
        }
        if !others.is_empty() {
            message.push_str(&format!(", nor any of {}", listing::join(&others, ", ")));
        }
        out.push(
            Finding::new(
                rule.shared_id(),
                Severity::High,
                Subject::new(EntityKind::Component, &c.id),
                message,
            )
            .with_remediation(format!("add a backup policy with `protects: {}`", c.id))
            .at(&c.location),
        );
    }
    out
}

/// Components that hold the same data: a logical component with an `any` or
/// `at_least` rule (a cluster, a replicated component) and its members, which
/// replicate one another, transitively. A backup of one protects them all.
struct DataGroups {
    parent: Vec<u32>,
}

impl DataGroups {
    fn new(inv: &Inventory) -> DataGroups {
        let mut groups = DataGroups {
            parent: (0..inv.components().len() as u32).collect(),
        };
        for (i, c) in inv.components().iter().enumerate() {
            if c.logical && c.requires != Requirement::All {
                for d in &c.depends_on {
                    groups.union(i, d.index());
                }
            }
        }
        groups
    }

    fn root(&self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            x = self.parent[x] as usize;
        }
        x
    }

    /// Joins the groups of `a` and `b`, pointing every node on the way from
    /// each at the joint root, so that chains stay short.
    fn union(&mut self, a: usize, b: usize) {
        let root = self.root(a).min(self.root(b));
        for mut x in [a, b] {
            while x != root {
                let next = self.parent[x] as usize;
                self.parent[x] = root as u32;
                x = next;
            }
        }
    }
}

/// `backup/schedule-exceeds-rpo`: the schedule leaves gaps longer than the RPO.
pub static SCHEDULE_EXCEEDS_RPO: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "backup/schedule-exceeds-rpo",
        Severity::Medium,
        "The longest gap between scheduled runs (DST included: a nightly job's autumn night is 25 hours) exceeds the RPO",
        r"
## What it checks
Policies with both a `schedule` and an `rpo` whose longest time between two scheduled runs
over the next year exceeds the RPO. Cron schedules are evaluated in their time zone, so the
night the clocks go back (25 hours between two 02:30 runs) counts.

## Why it matters
Losing the data just before the next run loses everything since the previous one: the RPO
is a promise the schedule has to keep on its worst day, not its average one.

## Example
```yaml
backup_policies:
  - id: nightly
    protects: orders-db
    schedule: {cron: '30 2 * * *', timezone: Europe/London}
    rpo: 24h          # the autumn night is 25 hours long
```

## How to fix
Run more often (`0 */12 * * *`), schedule in UTC, or state the RPO the schedule can keep.
",
    ),
    (),
    schedule_exceeds_rpo,
);

fn schedule_exceeds_rpo(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let now = ctx.now();
    ctx.backup_status()
        .iter()
        .flat_map(|status| {
            let p = status.policy;
            let (Some(schedule), Some(rpo)) = (&p.schedule, p.rpo) else {
                return Vec::new();
            };
            let Some((gap, from)) = schedule.longest_gap(now) else {
                return Vec::new();
            };
            if gap <= rpo {
                return Vec::new();
            }
            let when = match schedule {
                Schedule::Cron(_) => format!(" (after the run at {})", minute(from)),
                Schedule::Every(_) => String::new(),
            };
            vec![
                Finding::new(
                    rule.shared_id(),
                    Severity::Medium,
                    policy_subject(p),
                    format!(
                        "backup policy '{}' can go {} between runs{when}, longer than its RPO of {}",
                        p.id,
                        format_span(gap),
                        format_span(rpo)
                    ),
                )
                .with_evidence("longest_gap", format_duration(gap))
                .with_evidence("rpo", format_duration(rpo))
                .with_remediation("run more often, schedule in UTC, or state the RPO the schedule can keep")
                .at(&p.location),
            ]
        })
        .collect()
}

/// `backup/stale`: the newest good backup is older than the RPO.
pub static STALE: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "backup/stale",
        Severity::High,
        "The newest backup that produced data is older than the RPO (critical: never one)",
        r"
## What it checks
Policies with an `rpo` whose newest successful run that produced data (not empty, not
missing, not far smaller than usual; see `backup/suspicious-run`) started longer than the
RPO before the evaluation instant, or that have never had one. Critical when there has
never been a good run.

## Why it matters
A backup job that stopped, or that 'succeeds' without writing anything, looks exactly
like a working one until the day of the restore.

## Example
```yaml
backup_runs:
  - {policy: nightly, started_at: 2026-11-19T02:30:00Z, status: success, size_bytes: 4840226816}
  - {policy: nightly, started_at: 2026-11-20T02:30:00Z, status: success, size_bytes: 0}
```

## How to fix
Find out why the job stopped producing data, run it by hand, and alert on the artifact's
arrival and size rather than on the job's exit status.
",
    ),
    (),
    stale,
);

fn stale(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let now = ctx.now();
    ctx.backup_status()
        .iter()
        .flat_map(|status| {
            let p = status.policy;
            let Some(rpo) = p.rpo else { return Vec::new() };
            let (severity, message) = match (status.last_good_run, status.age(now)) {
                (Some(run), Some(age)) if age > rpo => {
                    let since = status
                        .suspicious
                        .iter()
                        .filter(|s| s.lost && s.run.started_at > run.started_at)
                        .count();
                    let claims = match since {
                        0 => String::new(),
                        1 => "; 1 run since reported success without data".to_owned(),
                        n => format!("; {n} runs since reported success without data"),
                    };
                    (
                        Severity::High,
                        format!(
                            "backup policy '{}': the newest good backup is from {}, {} ago, over its RPO of {}{claims}",
                            p.id,
                            minute(run.started_at),
                            format_span(age),
                            format_span(rpo)
                        ),
                    )
                }
                (None, _) => (
                    Severity::Critical,
                    format!("backup policy '{}' has no successful backup with data on record", p.id),
                ),
                _ => return Vec::new(),
            };
            vec![
                Finding::new(rule.shared_id(), severity, policy_subject(p), message)
                    .with_evidence("last_good_run", status.last_good_run.map(|r| r.started_at.to_rfc3339()))
                    .with_evidence("rpo", format_duration(rpo))
                    .with_remediation(
                        "find out why no data arrives, run it by hand, and alert on the artifact, not the exit code",
                    )
                    .at(&p.location),
            ]
        })
        .collect()
}

/// `backup/suspicious-run`: a run that reported success without a usable artifact.
pub static SUSPICIOUS_RUN: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "backup/suspicious-run",
        Severity::High,
        "A run reported success with an empty, missing or unusually small artifact (low: only no checksum)",
        r"
## What it checks
Among each policy's ten latest runs, those with `status: success` and an artifact that is
empty (0 bytes), not recorded at all (neither size nor location), under half the median size
of up to ten earlier good runs, or without a checksum. High when the data is probably
missing, low when only the checksum is.

## Why it matters
This is the nightly job that 'ran' after a credentials change while the upload failed
silently: green in the scheduler, nothing in the bucket.

## Example
```yaml
backup_runs:
  - {policy: nightly, started_at: 2026-11-20T02:30:00Z, status: success, size_bytes: 0}
```

## How to fix
Make the job fail when the artifact is missing or small, record size and checksum, and
have the monitor check the artifact itself.
",
    ),
    (),
    suspicious_run,
);

fn suspicious_run(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    ctx.backup_status()
        .iter()
        .flat_map(|status| {
            let p = status.policy;
            status
                .suspicious
                .iter()
                .map(|s| {
                    let label = s
                        .run
                        .id
                        .clone()
                        .unwrap_or_else(|| format!("{}@{}", p.id, s.run.started_at.format("%Y-%m-%dT%H:%MZ")));
                    Finding::new(
                        rule.shared_id(),
                        if s.lost { Severity::High } else { Severity::Low },
                        Subject::new(EntityKind::BackupRun, &label),
                        format!(
                            "backup run of '{}' at {} reported success but: {}",
                            p.id,
                            minute(s.run.started_at),
                            s.reasons.join("; ")
                        ),
                    )
                    .with_evidence("reasons", s.reasons.clone())
                    .with_evidence("size_bytes", s.run.size_bytes)
                    .with_remediation("make the job fail without an artifact, and record its size and checksum")
                    .at(&s.run.location)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `backup/no-recent-drill`: restores nobody rehearsed within the drill interval.
pub static NO_RECENT_DRILL: BuiltinRule<NoRecentDrillOptions> = BuiltinRule::new(
    Rule::from_static(
        "backup/no-recent-drill",
        Severity::High,
        "No successful restore drill within the drill interval (90 days unless set)",
        r"
## What it checks
Policies whose latest successful restore drill is older than their `drill_interval` (90
days when not set) at the evaluation instant, or that have none.

## Why it matters
A backup nobody has restored is a hope. Restores fail for reasons no backup log shows:
missing keys, wrong versions, a runbook that no longer matches.

## Example
```yaml
backup_policies: [{id: nightly, protects: orders-db, drill_interval: 13w}]
restore_drills: [{policy: nightly, at: 2026-03-10, by: maya, outcome: success}]
```

## How to fix
Restore into a scratch environment, verify the data, and record the drill.
",
    ),
    NoRecentDrillOptions::DEFAULT,
    no_recent_drill,
);

/// The options of [`NO_RECENT_DRILL`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NoRecentDrillOptions {
    /// Drill interval for policies that do not set `drill_interval` (default 90 days).
    pub default_interval: TimeDelta,
}

impl NoRecentDrillOptions {
    /// The defaults: 90 days.
    pub const DEFAULT: NoRecentDrillOptions = NoRecentDrillOptions {
        default_interval: TimeDelta::days(90),
    };

    /// These options, with `interval` for policies that set no `drill_interval`.
    pub fn with_default_interval(mut self, interval: TimeDelta) -> Self {
        self.default_interval = interval;
        self
    }
}

impl Default for NoRecentDrillOptions {
    fn default() -> Self {
        NoRecentDrillOptions::DEFAULT
    }
}

fn no_recent_drill(rule: &Rule, ctx: &Context<'_>, options: &NoRecentDrillOptions) -> Vec<Finding> {
    let now = ctx.now();
    let mut out = Vec::new();
    for status in ctx.backup_status() {
        let p = status.policy;
        let interval = p.drill_interval.unwrap_or(options.default_interval);
        let overdue = match status.last_good_drill {
            None => Some(format!(
                "backup policy '{}' has no successful restore drill on record",
                p.id
            )),
            Some(d) if now - d.at > interval => Some(format!(
                "backup policy '{}': the last successful restore drill was on {}, {} ago; drills are due every {}",
                p.id,
                d.at.format("%Y-%m-%d"),
                format_span(now - d.at),
                format_span(interval)
            )),
            Some(_) => None,
        };
        let Some(message) = overdue else { continue };
        let failed = status.last_drill.filter(|d| d.outcome != DrillOutcome::Success);
        let message = match failed {
            Some(d) => format!("{message} (the drill on {} did not succeed)", d.at.format("%Y-%m-%d")),
            None => message,
        };
        out.push(
            rule.finding(Severity::High, policy_subject(p), message)
                .with_evidence("drill_interval", format_duration(interval))
                .with_remediation("restore into a scratch environment, verify the data, and record the drill")
                .at(&p.location),
        );
    }
    out
}

/// `backup/drill-slower-than-rto`: the latest good restore drill took longer than the RTO.
pub static DRILL_SLOWER_THAN_RTO: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "backup/drill-slower-than-rto",
        Severity::High,
        "The latest restore drill took longer than the RTO",
        r"
## What it checks
Policies with an `rto` whose latest successful drill recorded a `duration` longer than it.

## Why it matters
The RTO is what the business was promised; the drill is what will actually happen.

## Example
```yaml
backup_policies: [{id: nightly, protects: orders-db, rto: 4h}]
restore_drills: [{policy: nightly, at: 2026-03-10, duration: 5h20m, outcome: success}]
```

## How to fix
Make the restore faster (smaller, more frequent backups; a warm standby; a practised
runbook) or agree on an RTO the restore can meet.
",
    ),
    (),
    drill_slower_than_rto,
);

fn drill_slower_than_rto(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let mut out = Vec::new();
    for status in ctx.backup_status() {
        let p = status.policy;
        if let (Some(rto), Some(d)) = (p.rto, status.last_good_drill)
            && let Some(took) = d.duration
            && took > rto
        {
            out.push(
                rule.finding(
                    Severity::High,
                    policy_subject(p),
                    format!(
                        "backup policy '{}': the restore drill on {} took {}, longer than its RTO of {}",
                        p.id,
                        d.at.format("%Y-%m-%d"),
                        format_span(took),
                        format_span(rto)
                    ),
                )
                .with_evidence("drill_duration", format_duration(took))
                .with_evidence("rto", format_duration(rto))
                .with_remediation("make the restore faster or agree on an RTO it can meet")
                .at(&d.location),
            );
        }
    }
    out
}

/// `backup/drill-only-by-owner`: restores only ever rehearsed by the policy's owner.
pub static DRILL_ONLY_BY_OWNER: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "backup/drill-only-by-owner",
        Severity::Medium,
        "Every restore drill was done by the policy's owner",
        r"
## What it checks
Policies owned by a person where every recorded drill (at least one) names that person in `by`.

## Why it matters
A restore only its author can perform fails when the author is the one who is away. A
drill by someone else tests the runbook, not the author's memory.

## Example
```yaml
backup_policies: [{id: nightly, protects: orders-db, owner: maya}]
restore_drills: [{policy: nightly, at: 2026-03-10, by: maya, outcome: success}]
```

## How to fix
Have someone else run the next drill from the written runbook.
",
    ),
    (),
    drill_only_by_owner,
);

fn drill_only_by_owner(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let mut out = Vec::new();
    for status in ctx.backup_status() {
        let p = status.policy;
        if let Some(Principal::Person(owner)) = p.owner
            && !status.drills.is_empty()
            && status.drills.iter().all(|d| d.by == Some(owner))
        {
            out.push(
                rule.finding(
                    Severity::Medium,
                    policy_subject(p),
                    format!(
                        "every restore drill of backup policy '{}' ({}) was done by its owner",
                        p.id,
                        status.drills.len()
                    ),
                )
                .with_remediation("have someone else run the next drill from the written runbook")
                .at(&p.location),
            );
        }
    }
    out
}

/// `backup/no-offsite-copy`: no copy of a policy's backups is kept offsite.
pub static NO_OFFSITE_COPY: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "backup/no-offsite-copy",
        Severity::High,
        "No copy kept offsite",
        r"
## What it checks
Backup policies with no copy marked `offsite: true` (including policies with no copies).

## Why it matters
A backup in the same building, account or region as the data burns, floods or gets
deleted with it.

## Example
```yaml
copies:
  - {location: s3://backups (eu-west-1), offsite: false}
```

## How to fix
Replicate to another region and another account, and record the copy with `offsite: true`.
",
    ),
    (),
    no_offsite_copy,
);

fn no_offsite_copy(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    ctx.inventory()
        .backup_policies()
        .iter()
        .filter(|p| !p.copies.iter().any(|c| c.offsite))
        .map(|p| {
            rule.finding(
                Severity::High,
                policy_subject(p),
                format!(
                    "backup policy '{}' keeps no copy offsite ({})",
                    p.id,
                    copies(p.copies.len())
                ),
            )
            .with_remediation("replicate to another region and account, and mark that copy `offsite: true`")
            .at(&p.location)
        })
        .collect()
}

/// `backup/no-immutable-copy`: no copy of a policy's backups is immutable.
pub static NO_IMMUTABLE_COPY: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "backup/no-immutable-copy",
        Severity::Medium,
        "No immutable (object-locked) copy",
        r"
## What it checks
Backup policies with no copy marked `immutable: true` (object lock, WORM storage, tape in a
safe), including policies with no copies.

## Why it matters
Ransomware and angry administrators delete backups first. A copy nobody can delete before
its retention ends is the one that survives.

## Example
```yaml
copies:
  - {location: s3://backups, immutable: false}
```

## How to fix
Enable object lock (compliance mode) on one copy, and record it with `immutable: true`.
",
    ),
    (),
    no_immutable_copy,
);

fn no_immutable_copy(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    ctx.inventory()
        .backup_policies()
        .iter()
        .filter(|p| !p.copies.iter().any(|c| c.immutable))
        .map(|p| {
            rule.finding(
                Severity::Medium,
                policy_subject(p),
                format!(
                    "backup policy '{}' has no immutable copy ({})",
                    p.id,
                    copies(p.copies.len())
                ),
            )
            .with_remediation("enable object lock on one copy and mark it `immutable: true`")
            .at(&p.location)
        })
        .collect()
}

/// `backup/unencrypted-offsite-copy`: an offsite copy not known to be encrypted.
pub static UNENCRYPTED_OFFSITE_COPY: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "backup/unencrypted-offsite-copy",
        Severity::High,
        "An offsite copy not marked `encrypted: true`",
        r"
## What it checks
Copies marked `offsite: true` that are not marked `encrypted: true` (left out counts as not
encrypted: nobody has recorded that it is).

## Why it matters
An offsite copy sits in someone else's account, building or vault: a full copy of the
data, outside the controls that protect the primary. A leaked bucket or a lost tape is
a breach unless the backup was encrypted before it left, with a key kept elsewhere.

## Example
```yaml
copies:
  - {location: b2://vault, offsite: true, immutable: true}   # encrypted?
```

## How to fix
Encrypt the backup client-side (restic and borg do by default) with a key that does not
live next to the copy, and record it with `encrypted: true`.
",
    ),
    (),
    unencrypted_offsite_copy,
);

fn unencrypted_offsite_copy(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in ctx.inventory().backup_policies() {
        for c in p.copies.iter().filter(|c| c.offsite && !c.encrypted) {
            out.push(
                rule.finding(
                    Severity::High,
                    policy_subject(p),
                    format!(
                        "backup policy '{}' keeps an offsite copy at {} that is not marked encrypted",
                        p.id, c.location_name
                    ),
                )
                .with_remediation(
                    "encrypt client-side with a key kept away from the copy, and mark the copy `encrypted: true`",
                )
                .at(&c.location),
            );
        }
    }
    out
}

/// `backup/unmonitored`: a policy no monitor watches.
pub static UNMONITORED: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "backup/unmonitored",
        Severity::High,
        "No monitor watches the backup",
        r"
## What it checks
Backup policies without a `monitor`.

## Why it matters
Without a monitor, the first person to learn that backups stopped is the one trying to
restore one.

## Example
```yaml
backup_policies: [{id: nightly, protects: orders-db}]   # no monitor
```

## How to fix
Add a dead man's switch that alerts when no fresh artifact of the expected size arrives,
and name it in `monitor`.
",
    ),
    (),
    unmonitored,
);

fn unmonitored(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    ctx.backup_status()
        .iter()
        .flat_map(|status| {
            let p = status.policy;
            if p.monitor.is_some() {
                return Vec::new();
            }
            vec![
                Finding::new(
                    rule.shared_id(),
                    Severity::High,
                    policy_subject(p),
                    format!("no monitor watches backup policy '{}'", p.id),
                )
                .with_remediation(
                    "add a dead man's switch on the artifact's arrival and size, and name it in `monitor`",
                )
                .at(&p.location),
            ]
        })
        .collect()
}

/// `backup/unowned-policy`: a backup policy nobody owns.
pub static UNOWNED_POLICY: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "backup/unowned-policy",
        Severity::Medium,
        "A backup policy has no owner",
        r"
## What it checks
Backup policies without an `owner`.

## Why it matters
A backup job nobody owns is nobody's alert when it fails, nobody's drill when it is due,
and nobody's decision when its storage bill or retention needs to change. Its runs keep
reporting success long after the data stopped arriving.

## Example
```yaml
backup_policies: [{id: nightly, protects: orders-db, rpo: 1d}]   # no owner
```

## How to fix
Name the person or team who answers for it in `owner`.
",
    ),
    (),
    unowned_policy,
);

fn unowned_policy(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    ctx.inventory()
        .backup_policies()
        .iter()
        .filter(|p| p.owner.is_none())
        .map(|p| {
            rule.finding(
                Severity::Medium,
                policy_subject(p),
                format!("backup policy '{}' has no owner", p.id),
            )
            .with_remediation("name the person or team who answers for it in `owner`")
            .at(&p.location)
        })
        .collect()
}
