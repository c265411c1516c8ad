//! CronJobs as jobs (or, with `ops.dev/backup-of`, backup policies), and
//! Velero Schedules and Backups as backup policies of the stateful
//! workloads in the namespaces they cover.

use super::Cluster;
use super::annotations;
use super::objects::{Object, as_str, items};
use crate::Location;
use crate::import::{EntityBuilder, Imported, Section, check_id};
use crate::source::node::{Node, Value};

/// The annotations ops reads on CronJobs.
const CRONJOB_ANNOTATIONS: &[&str] = &["owner", "backup-of"];

impl<'n> Cluster<'n> {
    /// CronJobs, then Velero objects.
    pub(super) fn batch(&mut self, out: &mut Imported) {
        for cj in self.of("CronJob") {
            self.cronjob(&cj, out);
        }
        for kind in ["Schedule", "Backup"] {
            for v in self.of(kind) {
                let api = v.str(&["apiVersion"]).unwrap_or_default();
                if !api.starts_with("velero.io/") {
                    self.note(
                        v.at(),
                        format!("skipped {}: ops reads {kind} objects of velero.io only", v.describe()),
                    );
                    continue;
                }
                self.velero(&v);
            }
        }
        for job in self.of("Job") {
            // A CronJob's Jobs are its runs; the CronJob speaks for them.
            self.note(
                job.at(),
                format!(
                    "skipped {}: ops reads CronJobs, not the Jobs they start",
                    job.describe()
                ),
            );
        }
    }

    fn cronjob(&mut self, cj: &Object<'n>, out: &mut Imported) {
        let Some(schedule_node) = cj.get(&["spec", "schedule"]) else {
            self.note(cj.at(), format!("skipped {}: no spec.schedule", cj.describe()));
            return;
        };
        let Some(cron) = as_str(schedule_node) else { return };
        if matches!(cj.get(&["spec", "suspend"]).map(|n| &n.value), Some(Value::Bool(true))) {
            self.note(cj.at(), format!("skipped {}: it is suspended", cj.describe()));
            return;
        }
        let id = format!("{}/{}", cj.ns(), cj.name);
        if let Err(why) = check_id(&id) {
            self.note(
                cj.at(),
                format!("skipped {}: '{id}' is not a valid inventory id ({why})", cj.describe()),
            );
            return;
        }
        let ops = annotations::read(cj, CRONJOB_ANNOTATIONS, out);
        let schedule = match schedule(cron, &schedule_node.at, cj.get(&["spec", "timeZone"])) {
            Ok(s) => s,
            Err(why) => {
                self.note(&schedule_node.at, format!("skipped {}: {why}", cj.describe()));
                return;
            }
        };
        let taken = if ops.backup_of.is_some() {
            &mut self.taken_policies
        } else {
            &mut self.taken_jobs
        };
        if !taken.insert(id.clone()) {
            self.note(
                cj.at(),
                format!("skipped {}: '{id}' is taken by an object before it", cj.describe()),
            );
            return;
        }
        let owner = self.owner_of(cj, ops.owner);
        if let Some((target, at)) = ops.backup_of {
            let mut p = EntityBuilder::new(cj.at().clone())
                .str("id", &id)
                .node("protects", Node::new(Value::Str(target.to_owned()), at.clone()));
            if let Some((o, at)) = owner {
                p = p.node("owner", Node::new(Value::Str(o.to_owned()), at.clone()));
            }
            self.push(Section::BackupPolicies, p.node("schedule", schedule).build());
            return;
        }
        let mut j = EntityBuilder::new(cj.at().clone()).str("id", &id);
        if let Some((o, at)) = owner {
            j = j.node("owner", Node::new(Value::Str(o.to_owned()), at.clone()));
        }
        j = j
            .node("schedule", schedule)
            .str("description", format!("Kubernetes {}", cj.describe()));
        self.push(Section::Jobs, j.build());
        // The cluster keeps when the last run succeeded: one run, delivered then.
        if let Some(done) = cj
            .get(&["status", "lastSuccessfulTime"])
            .and_then(as_str)
            .filter(|t| crate::time::parse_instant(t).is_ok())
        {
            let run = EntityBuilder::new(cj.at().clone())
                .str("job", &id)
                .str("started_at", done)
                .str("finished_at", done)
                .str("status", "success")
                .str("delivered_at", done)
                .build();
            self.push(Section::JobRuns, run);
        }
    }

    /// A Velero Schedule or Backup: a backup policy for each stateful
    /// workload in the namespaces it includes.
    fn velero(&mut self, v: &Object<'n>) {
        let spec = if v.kind == "Schedule" {
            v.get(&["spec", "template"])
        } else {
            v.get(&["spec"])
        };
        if v.kind == "Backup" && v.labels().contains_key("velero.io/schedule-name") {
            // Taken by a Schedule, which speaks for it.
            return;
        }
        let list =
            |key: &str| -> Vec<&'n str> { items(spec.and_then(|s| s.get(key))).iter().filter_map(as_str).collect() };
        let included = list("includedNamespaces");
        let excluded = list("excludedNamespaces");
        let covers = |ns: &str| {
            (included.is_empty() || included.iter().any(|i| *i == "*" || *i == ns)) && !excluded.contains(&ns)
        };
        let targets: Vec<String> = self
            .stateful_by_ns
            .iter()
            .filter(|(ns, _)| covers(ns))
            .flat_map(|(_, ids)| ids.iter().cloned())
            .collect();
        if targets.is_empty() {
            self.note(
                v.at(),
                format!("{} covers no stateful workload in the input", v.describe()),
            );
            return;
        }
        let cron = v.get(&["spec", "schedule"]);
        for target in targets {
            let id = format!("velero:{}:{target}", v.name);
            if check_id(&id).is_err() || !self.taken_policies.insert(id.clone()) {
                let message = format!(
                    "{}: policy id '{id}' is not a valid inventory id or is taken; left out",
                    v.describe()
                );
                self.note(v.at(), message);
                continue;
            }
            let mut p = EntityBuilder::new(v.at().clone())
                .str("id", id)
                .str("protects", &target);
            if let Some(c) = cron
                && let Some(text) = as_str(c)
            {
                match schedule(text, &c.at, None) {
                    Ok(s) => p = p.node("schedule", s),
                    Err(why) => self.note(&c.at, format!("{}: {why}; its policies have no schedule", v.describe())),
                }
            }
            self.push(Section::BackupPolicies, p.build());
        }
    }
}

/// A schedule: a cron expression (in `timeZone`, when given), or Velero's
/// `@every DURATION`; `Err` with why ops cannot read it.
fn schedule(cron: &str, at: &Location, zone: Option<&Node>) -> Result<Node, String> {
    let mut s = EntityBuilder::new(at.clone());
    match cron.trim().strip_prefix("@every ") {
        Some(every) => {
            // Go durations (`6h0m0s`) without their zero parts.
            let every = every.trim();
            let short = every.replace("0m0s", "").replace("m0s", "m");
            let text = if crate::time::parse_duration(every).is_ok() {
                every
            } else {
                short.as_str()
            };
            crate::time::parse_duration(text).map_err(|e| format!("schedule '{cron}': {e}"))?;
            s = s.str("every", text);
        }
        None => {
            cron.parse::<crate::schedule::CronExpr>()
                .map_err(|e| format!("schedule: {e}"))?;
            s = s.node("cron", Node::new(Value::Str(cron.to_owned()), at.clone()));
            if let Some(z) = zone
                && let Some(text) = as_str(z)
            {
                text.parse::<chrono_tz::Tz>()
                    .map_err(|_| format!("timeZone: unknown time zone '{text}'"))?;
                s = s.node("timezone", Node::new(Value::Str(text.to_owned()), z.at.clone()));
            }
        }
    }
    Ok(s.build())
}
