//! Where each backup policy stands at an instant: its last run, its last
//! run that really produced data, the runs that claim success without it,
//! its next run and its drills. The backup checks and `opsctl backup
//! status` both read this.

use chrono::TimeDelta;

use super::{BackupPolicy, BackupRun, DrillOutcome, RestoreDrill, RunStatus};
use crate::{Idx, Inventory, Timestamp};

/// How many of a policy's latest runs are examined for suspicious results.
pub const RECENT_RUNS: usize = 10;

/// A run that reported success but whose artifact is missing, empty,
/// unusually small or unverifiable.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SuspiciousRun<'a> {
    /// The run.
    pub run: &'a BackupRun,
    /// What is wrong with it, one phrase each.
    pub reasons: Vec<String>,
    /// Whether the data is probably not there (missing, empty or small
    /// artifact), as opposed to only unverified (no checksum).
    pub lost: bool,
}

/// A backup policy's state at an instant.
///
/// ```
/// use ops_core::{Format, Inventory};
/// use ops_core::backup::BackupStatus;
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
/// components: [{id: db, kind: database}]
/// backup_policies: [{id: nightly, protects: db, rpo: 24h, schedule: {cron: '30 2 * * *'}}]
/// backup_runs:
///   - {policy: nightly, started_at: 2026-11-20T02:30:00Z, status: success, size_bytes: 4800000000, checksum: sha256:ab}
///   - {policy: nightly, started_at: 2026-11-21T02:30:00Z, status: success, size_bytes: 0}
/// ")?;
/// let status = BackupStatus::all(&inv, "2026-11-21T09:00:00Z".parse()?);
/// assert_eq!(status[0].last_good_run.map(|r| r.started_at.to_rfc3339()), Some("2026-11-20T02:30:00+00:00".into()));
/// assert_eq!(status[0].suspicious[0].reasons, ["empty artifact (0 bytes)", "no checksum"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BackupStatus<'a> {
    /// The policy.
    pub policy: &'a BackupPolicy,
    /// The latest run started at or before the instant.
    pub last_run: Option<&'a BackupRun>,
    /// The latest successful run whose data is probably there.
    pub last_good_run: Option<&'a BackupRun>,
    /// Among the latest [`RECENT_RUNS`] runs, those that reported success
    /// with something wrong, oldest first.
    pub suspicious: Vec<SuspiciousRun<'a>>,
    /// The next scheduled run after the instant (an interval schedule counts
    /// from the last run).
    pub next_run: Option<Timestamp>,
    /// The latest restore drill at or before the instant.
    pub last_drill: Option<&'a RestoreDrill>,
    /// The latest successful restore drill at or before the instant.
    pub last_good_drill: Option<&'a RestoreDrill>,
    /// Every drill at or before the instant, oldest first.
    pub drills: Vec<&'a RestoreDrill>,
}

impl<'a> BackupStatus<'a> {
    /// The status of every policy of `inventory` at `now`, in definition
    /// order. Linear in policies, runs and drills (plus sorting).
    pub fn all(inventory: &'a Inventory, now: Timestamp) -> Vec<BackupStatus<'a>> {
        let policies = inventory.backup_policies();
        let runs = crate::schedule::runs_by_owner(
            policies.len(),
            inventory.backup_runs(),
            |r| r.policy.index(),
            |r| r.started_at,
            now,
        );
        let mut drills: Vec<Vec<&RestoreDrill>> = vec![Vec::new(); policies.len()];
        for d in inventory.restore_drills().iter().filter(|d| d.at <= now) {
            drills[d.policy.index()].push(d);
        }
        policies
            .iter()
            .zip(runs)
            .zip(drills)
            .map(|((policy, runs), mut drills)| {
                drills.sort_by_key(|d| d.at);
                BackupStatus::from_parts(policy, &runs, drills, now)
            })
            .collect()
    }

    /// The status of one policy.
    pub fn of(inventory: &'a Inventory, policy: Idx<BackupPolicy>, now: Timestamp) -> BackupStatus<'a> {
        let mut runs: Vec<&BackupRun> = inventory
            .backup_runs()
            .iter()
            .filter(|r| r.policy == policy && r.started_at <= now)
            .collect();
        runs.sort_by_key(|r| r.started_at);
        let mut drills: Vec<&RestoreDrill> = inventory
            .restore_drills()
            .iter()
            .filter(|d| d.policy == policy && d.at <= now)
            .collect();
        drills.sort_by_key(|d| d.at);
        BackupStatus::from_parts(&inventory.backup_policies()[policy.index()], &runs, drills, now)
    }

    fn from_parts(
        policy: &'a BackupPolicy,
        runs: &[&'a BackupRun],
        drills: Vec<&'a RestoreDrill>,
        now: Timestamp,
    ) -> BackupStatus<'a> {
        let mut suspicious = Vec::new();
        let mut last_good_run = None;
        // Sizes of earlier good runs, for "unusually small".
        let mut sizes: Vec<u64> = Vec::new();
        let recent_from = runs.len().saturating_sub(RECENT_RUNS);
        for (i, &run) in runs.iter().enumerate() {
            if run.status != RunStatus::Success {
                continue;
            }
            let (reasons, lost) = judge(run, &sizes);
            if !lost {
                last_good_run = Some(run);
                if let Some(s) = run.size_bytes {
                    sizes.push(s);
                }
            }
            if !reasons.is_empty() && i >= recent_from {
                suspicious.push(SuspiciousRun { run, reasons, lost });
            }
        }
        let next_run = policy
            .schedule
            .as_ref()
            .and_then(|s| s.next_runs(now, runs.last().map(|r| r.started_at), 1).first().copied());
        BackupStatus {
            policy,
            last_run: runs.last().copied(),
            last_good_run,
            suspicious,
            next_run,
            last_drill: drills.last().copied(),
            last_good_drill: drills
                .iter()
                .rev()
                .find(|d| d.outcome == DrillOutcome::Success)
                .copied(),
            drills,
        }
    }

    /// How old the newest good backup is at `now`, measured from the start
    /// of its run (the recovery point).
    pub fn age(&self, now: Timestamp) -> Option<TimeDelta> {
        self.last_good_run.map(|r| now - r.started_at)
    }
}

/// What is wrong with a successful run, given the sizes of earlier good
/// runs; and whether its data is probably missing.
fn judge(run: &BackupRun, earlier: &[u64]) -> (Vec<String>, bool) {
    let mut reasons = Vec::new();
    let mut lost = false;
    match run.size_bytes {
        Some(0) => {
            reasons.push("empty artifact (0 bytes)".to_owned());
            lost = true;
        }
        None if run.artifact.is_none() => {
            reasons.push("no artifact recorded (no size, no location)".to_owned());
            lost = true;
        }
        Some(size) => {
            // Compare with the median of up to ten earlier good runs.
            let window = &earlier[earlier.len().saturating_sub(RECENT_RUNS)..];
            if window.len() >= 3 {
                let mut sorted = window.to_vec();
                sorted.sort_unstable();
                let median = sorted[sorted.len() / 2];
                if size.saturating_mul(2) < median {
                    reasons.push(format!(
                        "artifact of {size} bytes is under half the median ({median} bytes) of the {} runs before it",
                        window.len()
                    ));
                    lost = true;
                }
            }
        }
        None => {}
    }
    if run.checksum.is_none() {
        reasons.push("no checksum".to_owned());
    }
    (reasons, lost)
}
