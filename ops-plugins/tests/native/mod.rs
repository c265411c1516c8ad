//! The bench plugins' checks written natively, step for step, so the
//! benchmark compares like with like and the tests can check that each
//! plugin finds exactly what its twin finds. Shared by the plugin tests and
//! benches/plugins.rs.

use std::collections::BTreeMap;

use ops_core::synth::{Rules, generate_json};
use ops_core::{Check, CheckError, Context, EntityKind, Finding, Format, Inventory, Rule, Severity, Subject};

/// A synthetic estate of `n` components (`ops_core::synth`, mixed rules,
/// seed 42) in which every tenth component, from the fourth, holds data:
/// the generator marks none stateful, and a check with no findings would
/// leave out what findings cost a plugin (lifting and checking them).
pub(crate) fn estate(n: usize) -> Inventory {
    let text = generate_json(n, 42, Rules::Mixed);
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("synthetic estates are JSON");
    if let Some(components) = doc["components"].as_array_mut() {
        for c in components.iter_mut().skip(3).step_by(10) {
            c["stateful"] = serde_json::Value::Bool(true);
        }
    }
    Inventory::from_text("estate.json", Format::Json, &doc.to_string()).expect("synthetic estates are valid")
}

/// The rule both twins report, as the plugins declare it (without the
/// `plugin:<name>/` prefix the host adds).
fn rules() -> Vec<Rule> {
    vec![Rule::new(
        "stateful-spof",
        Severity::High,
        "A component holding data is a single point of failure",
        "",
    )]
}

/// The finding both twins make for stateful SPOF `id`, which takes down
/// `entries` entry points.
fn finding(id: &str, entries: usize) -> Finding {
    Finding::new(
        "stateful-spof",
        Severity::High,
        Subject::new(EntityKind::Component, id),
        format!("{id} holds data and alone takes down {entries} entry points"),
    )
}

/// `bench-stateful-spof`, natively: each entry's SPOFs one at a time into a
/// map from SPOF to the entries it takes down, then the stateful SPOFs.
#[derive(Debug)]
pub(crate) struct NativeStatefulSpof {
    rules: Vec<Rule>,
}

impl NativeStatefulSpof {
    /// The check.
    pub(crate) fn new() -> Self {
        NativeStatefulSpof { rules: rules() }
    }
}

impl Check for NativeStatefulSpof {
    fn name(&self) -> &str {
        "native"
    }
    fn rules(&self) -> &[Rule] {
        &self.rules
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        let inv = ctx.inventory();
        let analysis = ctx.failure_analysis();
        let mut spof_entries: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &e in inv.entries() {
            for s in analysis.spofs_of(e) {
                spof_entries.entry(s.index()).or_default().push(e.index());
            }
        }
        Ok(spof_entries
            .into_iter()
            .filter_map(|(s, entries)| {
                let c = &inv.components()[s];
                c.stateful.then(|| finding(&c.id, entries.len()))
            })
            .collect())
    }
}

/// `bench-stateful-spof-batched`, natively: every entry's SPOFs into one
/// flat list, sorted, counted in runs, then the stateful ones.
#[derive(Debug)]
pub(crate) struct NativeStatefulSpofBatched {
    rules: Vec<Rule>,
}

impl NativeStatefulSpofBatched {
    /// The check.
    pub(crate) fn new() -> Self {
        NativeStatefulSpofBatched { rules: rules() }
    }
}

impl Check for NativeStatefulSpofBatched {
    fn name(&self) -> &str {
        "native-batched"
    }
    fn rules(&self) -> &[Rule] {
        &self.rules
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        let inv = ctx.inventory();
        let analysis = ctx.failure_analysis();
        let mut spofs: Vec<u32> = Vec::new();
        for &e in inv.entries() {
            spofs.extend(analysis.spofs_of(e).into_iter().map(|s| s.index() as u32));
        }
        spofs.sort_unstable();
        let mut found = Vec::new();
        let mut i = 0;
        while i < spofs.len() {
            let s = spofs[i];
            let run = spofs[i..].iter().take_while(|&&x| x == s).count();
            let c = &inv.components()[s as usize];
            if c.stateful {
                found.push(finding(&c.id, run));
            }
            i += run;
        }
        Ok(found)
    }
}

/// An estate with `policies` backup policies of `runs_each` runs and 3
/// restore drills each, written interleaved (the first run of every policy,
/// then the second, ...), as a history exported by time would be; every
/// seventh run failed.
pub(crate) fn backup_estate(policies: usize, runs_each: usize) -> Inventory {
    use std::fmt::Write as _;
    let components = policies.div_ceil(4).max(1);
    let mut text = String::from("{\"components\": [");
    for c in 0..components {
        let sep = if c == 0 { "" } else { "," };
        let _ = write!(
            text,
            "{sep}{{\"id\": \"db{c}\", \"kind\": \"database\", \"entry\": true}}"
        );
    }
    text.push_str("], \"backup_policies\": [");
    for p in 0..policies {
        let sep = if p == 0 { "" } else { "," };
        let _ = write!(
            text,
            "{sep}{{\"id\": \"p{p}\", \"protects\": \"db{}\"}}",
            p % components
        );
    }
    text.push_str("], \"backup_runs\": [");
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").expect("a valid instant");
    let mut n = 0usize;
    for r in 0..runs_each {
        for p in 0..policies {
            let at = (start + chrono::TimeDelta::hours(r as i64)).to_rfc3339();
            let status = if n % 7 == 6 { "failed" } else { "success" };
            let sep = if n == 0 { "" } else { "," };
            let _ = write!(
                text,
                "{sep}{{\"policy\": \"p{p}\", \"started_at\": \"{at}\", \"status\": \"{status}\"}}"
            );
            n += 1;
        }
    }
    text.push_str("], \"restore_drills\": [");
    for d in 0..3 * policies {
        let at = (start + chrono::TimeDelta::days(d as i64 / policies as i64)).to_rfc3339();
        let sep = if d == 0 { "" } else { "," };
        let _ = write!(
            text,
            "{sep}{{\"policy\": \"p{}\", \"at\": \"{at}\", \"outcome\": \"success\"}}",
            d % policies
        );
    }
    text.push_str("]}");
    Inventory::from_text("backups.json", Format::Json, &text).expect("synthetic estates are valid")
}

/// `bench-backup-history`, natively: each policy's latest run (the last
/// of the ones that started latest, as the host orders them) and its
/// counts of runs and drills, reported when that run did not succeed.
#[derive(Debug)]
pub(crate) struct NativeBackupHistory {
    rules: Vec<Rule>,
}

impl NativeBackupHistory {
    /// The check.
    pub(crate) fn new() -> Self {
        NativeBackupHistory {
            rules: vec![Rule::new(
                "last-run-failed",
                Severity::High,
                "A backup policy's latest run did not succeed",
                "",
            )],
        }
    }
}

impl Check for NativeBackupHistory {
    fn name(&self) -> &str {
        "native-backup-history"
    }
    fn rules(&self) -> &[Rule] {
        &self.rules
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        let inv = ctx.inventory();
        let policies = inv.backup_policies();
        let mut latest: Vec<Option<&ops_core::backup::BackupRun>> = vec![None; policies.len()];
        let mut runs = vec![0usize; policies.len()];
        for r in inv.backup_runs() {
            let p = r.policy.index();
            runs[p] += 1;
            if latest[p].is_none_or(|l| r.started_at >= l.started_at) {
                latest[p] = Some(r);
            }
        }
        let mut drills = vec![0usize; policies.len()];
        for d in inv.restore_drills() {
            drills[d.policy.index()] += 1;
        }
        Ok(policies
            .iter()
            .enumerate()
            .filter_map(|(p, policy)| {
                let run = latest[p].filter(|r| r.status != ops_core::backup::RunStatus::Success)?;
                let status = match run.status {
                    ops_core::backup::RunStatus::Failed => "failed",
                    ops_core::backup::RunStatus::Partial => "partial",
                    ops_core::backup::RunStatus::Running => "running",
                    _ => "success",
                };
                let at = run.started_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let message = format!(
                    "{}: the latest of {} runs, at {at}, ended {status} ({} restore drills)",
                    policy.id, runs[p], drills[p]
                );
                Some(Finding::new(
                    "last-run-failed",
                    Severity::High,
                    Subject::new(EntityKind::BackupPolicy, &policy.id),
                    message,
                ))
            })
            .collect())
    }
}
