//! A backup policy of the inventory as `restic forget` sees it: its
//! `retention` and its successful runs as snapshots. `opsctl backup
//! retention PATH... POLICY` and the Python package's `Inventory.forget`
//! both start here.

use crate::backup::{BackupPolicy, RetentionPolicy, RetentionSnapshot, RunStatus};
use crate::{Error, Idx, Inventory};

/// The retention of `policy` (empty when it has none: every rule off) and
/// its successful runs as snapshots, in UTC, each named by its recorded id
/// or else its start instant, in the order of the inventory.
///
/// # Errors
/// [`Error::InvalidRetention`] for a `keep_within*` that is not a restic duration.
///
/// # Complexity
/// O(runs).
///
/// # Example
/// ```
/// use ops_core::{Format, Inventory, backup::policy_retention};
/// let inv = Inventory::from_text("i.yaml", Format::Yaml, r"
/// components: [{id: db, kind: database}]
/// backup_policies:
///   - {id: nightly, protects: db, schedule: {cron: '0 2 * * *'}, rpo: 24h, retention: {keep_daily: 7}}
/// backup_runs:
///   - {policy: nightly, started_at: 2026-11-20T02:00:00Z, status: success, size_bytes: 10}
///   - {policy: nightly, started_at: 2026-11-21T02:00:00Z, status: failed}
/// ")?;
/// let nightly = inv.backup_policy_by_id("nightly").ok_or("no policy")?;
/// let (policy, snapshots) = policy_retention(&inv, nightly)?;
/// assert_eq!(snapshots.len(), 1);
/// assert!(!policy.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn policy_retention(
    inv: &Inventory,
    policy: Idx<BackupPolicy>,
) -> Result<(RetentionPolicy, Vec<RetentionSnapshot>), Error> {
    let retention = match &inv.backup_policies()[policy.index()].retention {
        Some(r) => RetentionPolicy::from_retention(r)?,
        None => RetentionPolicy::default(),
    };
    let runs = inv
        .backup_runs()
        .iter()
        .filter(|r| r.policy == policy && r.status == RunStatus::Success)
        .map(|r| {
            let id = r.id.clone().unwrap_or_else(|| r.started_at.to_rfc3339());
            RetentionSnapshot::new(id, r.started_at.fixed_offset())
        })
        .collect();
    Ok((retention, runs))
}
