//! Built-in job checks: deliveries that did not arrive, arrived empty or
//! late, jobs that stopped delivering, and jobs nobody watches. All
//! evaluated at the context's instant.

use chrono::TimeDelta;

use super::{Job, Miss, MissStreak};
use crate::check::{BuiltinRule, Check, Context};
use crate::finding::{EntityKind, Finding, Severity, Subject};
use crate::rule::Rule;
use crate::{Timestamp, format_duration, format_span};

/// The job rules, in the order of the README's table.
pub(crate) static RULES: &[&dyn Check] = &[&MISSED_DELIVERY, &STALE, &UNMONITORED];

fn minute(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn job_subject(j: &Job) -> Subject {
    Subject::new(EntityKind::Job, &j.id)
}

/// `job/missed-delivery`: scheduled deliveries that are missing, empty or late.
pub static MISSED_DELIVERY: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "job/missed-delivery",
        Severity::High,
        "A scheduled delivery is missing, empty or late, whatever the run reported (medium: only late)",
        r"
## What it checks
Every scheduled instant of a job, from the one its first recorded run belongs to (at most
400 days back) until the last one whose deadline has passed: a run belongs to the latest
scheduled instant at or before its start, or up to 30 seconds after it (clocks disagree);
for an `every` schedule each instant is an interval after the run before it. The delivery is missed when no run started, when no run has a
`delivered_at` (a run that reported `success` without one delivered nothing), when the only
delivery was empty (`size_bytes: 0`), or when it arrived after the scheduled instant plus
`deadline` (until the next scheduled instant when there is no deadline). Consecutive misses
are one finding with their count and first and last instants; a job keeps its 20 latest
streaks. High, or medium when every miss of the streak arrived, late.

## Why it matters
This is the nightly file to the partner that 'ran' while the upload failed: green in the
scheduler, nothing on the other side, and the first to notice is the partner, days later.

## Example
```yaml
jobs:
  - {id: partner-export, schedule: {cron: '0 2 * * *'}, deadline: 2h, delivers_to: sftp://partner.example/in}
job_runs:
  - {job: partner-export, started_at: 2026-11-21T02:00:00Z, status: success}   # nothing delivered
```

## How to fix
Find out why the delivery did not arrive and deliver it; then make the job check the
destination (and fail without it), record `delivered_at` and `size_bytes` from the
destination's side, and alert on the delivery rather than on the exit code.
",
    ),
    (),
    missed_delivery,
);

/// What went wrong with one delivery, for a message.
fn miss_text(miss: Miss) -> String {
    match miss {
        Miss::NoRun => "no run started".to_owned(),
        Miss::NotDelivered(status) => {
            format!("the run reported {} but delivered nothing", status.as_str())
        }
        Miss::Empty => "the delivery was empty (0 bytes)".to_owned(),
        Miss::Late(by) => format!("the delivery arrived {} late", format_duration(by)),
    }
}

/// The kinds of miss of a streak, for a message: `2 without a run, 1 late`.
fn kinds(s: &MissStreak) -> String {
    let late = s
        .most_late
        .map(|m| format!(" by up to {}", format_duration(m)))
        .unwrap_or_default();
    let parts = [
        (s.no_run, "without a run".to_owned()),
        (s.not_delivered, "ran without delivering".to_owned()),
        (s.empty, "empty".to_owned()),
        (s.late, format!("late{late}")),
    ];
    parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn missed_delivery(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let mut out = Vec::new();
    for status in ctx.job_status() {
        let job = status.job;
        if status.earlier_streaks > 0 {
            out.push(
                rule.finding(
                    Severity::High,
                    job_subject(job),
                    format!(
                        "job '{}': {} more scheduled deliveries were missed in {} earlier streaks since {}, not listed one by one",
                        job.id,
                        status.earlier_misses,
                        status.earlier_streaks,
                        status.judged_from.map(minute).unwrap_or_default()
                    ),
                )
                .with_evidence("count", status.earlier_misses)
                .with_evidence("streaks", status.earlier_streaks)
                .with_key("earlier")
                .with_remediation("find out why deliveries keep failing; the latest streaks are listed")
                .at(&job.location),
            );
        }
        for s in &status.streaks {
            let severity = if s.only_late() {
                Severity::Medium
            } else {
                Severity::High
            };
            let message = match s.only {
                Some(miss) => format!(
                    "job '{}': the delivery scheduled at {} (due by {}) was missed: {}",
                    job.id,
                    minute(s.first),
                    minute(s.last_due),
                    miss_text(miss)
                ),
                None => format!(
                    "job '{}': {} scheduled deliveries in a row were missed, from {} to {} ({})",
                    job.id,
                    s.count,
                    minute(s.first),
                    minute(s.last),
                    kinds(s)
                ),
            };
            let mut f = rule
                .finding(severity, job_subject(job), message)
                .with_evidence("count", s.count)
                .with_evidence("first", s.first.to_rfc3339())
                .with_evidence("last", s.last.to_rfc3339())
                .with_evidence_list("scheduled", s.scheduled.iter().map(|t| t.to_rfc3339()).collect())
                // One job may miss in several streaks: each is told apart by where it began.
                .with_key(s.first.to_rfc3339());
            if s.count > s.scheduled.len() {
                f = f.with_evidence("scheduled_total", s.count);
            }
            if let Some(d) = job.deadline {
                f = f.with_evidence("deadline", format_duration(d));
            }
            if let Some(m) = s.most_late {
                f = f.with_evidence("most_late", format_duration(m));
            }
            out.push(
                f.with_remediation(
                    "deliver what is missing, and make the job check its destination and fail without the delivery",
                )
                .at(&job.location),
            );
        }
    }
    out
}

/// `job/stale`: nothing delivered within the schedule's longest gap plus the deadline.
pub static STALE: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "job/stale",
        Severity::High,
        "Nothing delivered within the schedule's longest gap plus the deadline (critical: never)",
        r"
## What it checks
Jobs whose latest delivery (a run's `delivered_at`, not empty) arrived longer ago than the
longest gap between two scheduled instants over the past year (daylight-saving nights
included) plus the `deadline` (plus that gap again when there is no deadline), and jobs
with no delivery on record at all (critical): no run, or runs for longer than that since
the first of them.

## Why it matters
A job that stopped, was disabled during an incident and never re-enabled, or lost its
scheduler, records no failed run: it records nothing. Only the age of the last delivery
shows it.

## Example
```yaml
jobs:
  - {id: partner-export, schedule: {cron: '0 2 * * *'}, deadline: 2h}
job_runs:   # the last run, a week ago
  - {job: partner-export, started_at: 2026-11-15T02:00:00Z, status: success, delivered_at: 2026-11-15T02:20:00Z, size_bytes: 48213}
```

## How to fix
Find out why the job stopped, run it, and have a dead man's switch alert when no delivery
arrives in time.
",
    ),
    (),
    stale,
);

fn stale(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    let now = ctx.now();
    let mut out = Vec::new();
    for status in ctx.job_status() {
        let job = status.job;
        let year_ago = now.checked_sub_signed(TimeDelta::days(366)).unwrap_or(now);
        let Some((gap, _)) = job.schedule.longest_gap(year_ago) else {
            continue;
        };
        let allowed = gap + job.deadline.unwrap_or(gap);
        let delivered = status.last_delivery.and_then(|r| r.delivered_by(now));
        let (severity, message) = match delivered {
            Some(t) if now - t > allowed => (
                Severity::High,
                format!(
                    "job '{}': the last delivery arrived at {}, {} ago; the schedule's longest gap plus the deadline is {}",
                    job.id,
                    minute(t),
                    format_span(now - t),
                    format_span(allowed)
                ),
            ),
            Some(_) => continue,
            // Runs, none delivered yet, but the first is recent: a new job
            // whose first delivery may still come.
            None if status.judged_from.is_some_and(|from| now - from <= allowed) => continue,
            None => (
                Severity::Critical,
                match status.last_run {
                    Some(r) => format!(
                        "job '{}' has no delivery on record (last run started at {})",
                        job.id,
                        minute(r.started_at)
                    ),
                    None => format!("job '{}' has no delivery on record (and no run)", job.id),
                },
            ),
        };
        out.push(
            rule.finding(severity, job_subject(job), message)
                .with_evidence("last_delivery", delivered.map(|t| t.to_rfc3339()))
                .with_evidence("allowed", format_duration(allowed))
                .with_remediation("find out why the job stopped, run it, and alert when no delivery arrives in time")
                .at(&job.location),
        );
    }
    out
}

/// `job/unmonitored`: a job no monitor watches.
pub static UNMONITORED: BuiltinRule = BuiltinRule::new(
    Rule::from_static(
        "job/unmonitored",
        Severity::Medium,
        "No monitor watches the job's deliveries",
        r"
## What it checks
Jobs without a `monitor`.

## Why it matters
Without a monitor on the delivery, the first to learn that the nightly file did not arrive
is whoever was waiting for it.

## Example
```yaml
jobs:
  - {id: partner-export, schedule: {cron: '0 2 * * *'}, deadline: 2h}   # no monitor
```

## How to fix
Add a check on the destination (the file's arrival and size by the deadline) that alerts,
and name it in `monitor`.
",
    ),
    (),
    unmonitored,
);

fn unmonitored(rule: &Rule, ctx: &Context<'_>, _: &()) -> Vec<Finding> {
    ctx.inventory()
        .jobs()
        .iter()
        .filter(|j| j.monitor.is_none())
        .map(|j| {
            rule.finding(
                Severity::Medium,
                job_subject(j),
                format!("no monitor watches the deliveries of job '{}'", j.id),
            )
            .with_remediation("alert on the delivery's arrival and size by its deadline, and name it in `monitor`")
            .at(&j.location)
        })
        .collect()
}
