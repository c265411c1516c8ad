//! Benchmark plugin: reads every backup policy's whole history through the
//! paged `backups` queries, as a plugin auditing backups would, and reports
//! each policy whose latest run did not succeed. Its native twin is in
//! ops-plugins/tests/native; the benchmark (ops-plugins/benches) shows what
//! reading a history costs as the number of policies grows.

use ops_plugin_sdk::{EntityKind, Finding, Metadata, Plugin, Rule, Severity, backups};

/// Runs and drills asked for per call.
const PAGE: u32 = 50;

struct BackupHistory;

impl Plugin for BackupHistory {
    fn metadata() -> Metadata {
        Metadata::new("bench-backup-history", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "last-run-failed",
            Severity::High,
            "A backup policy's latest run did not succeed",
        ))
    }

    fn run(_config: &str) -> Result<Vec<Finding>, String> {
        let mut found = Vec::new();
        for p in 0..backups::policy_count() {
            let Some(policy) = backups::policy_at(p) else {
                continue;
            };
            let mut latest = None;
            let mut runs = 0;
            let mut start = 0;
            loop {
                let page = backups::runs(p, start, PAGE);
                if page.is_empty() {
                    break;
                }
                start += page.len() as u32;
                runs += page.len();
                latest = page.into_iter().last();
            }
            let mut drills = 0;
            loop {
                let page = backups::drills(p, drills, PAGE);
                if page.is_empty() {
                    break;
                }
                drills += page.len() as u32;
            }
            let Some(run) = latest.filter(|r| r.status != "success") else {
                continue;
            };
            let message = format!(
                "{}: the latest of {runs} runs, at {}, ended {} ({drills} restore drills)",
                policy.id, run.started_at, run.status
            );
            found.push(Finding::new(
                "last-run-failed",
                EntityKind::BackupPolicy,
                &policy.id,
                message,
            ));
        }
        Ok(found)
    }
}

ops_plugin_sdk::export_plugin!(BackupHistory);
