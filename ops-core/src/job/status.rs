//! Where each scheduled job stands at an instant: every scheduled delivery
//! since its first recorded run judged against its deadline, the misses
//! grouped into streaks, its last delivery and its next run. The job checks
//! and `opsctl job status` both read this.

use std::collections::VecDeque;

use chrono::TimeDelta;

use super::{Job, JobRun};
use crate::listing::EVIDENCE_ITEMS;
use crate::schedule::{RunStatus, Schedule};
use crate::{Inventory, Timestamp};

/// How far before the instant of evaluation deliveries are judged at most:
/// a year and a month, so that a yearly job's last delivery is judged,
/// and a schedule of every minute costs half a million instants, not more.
pub const MAX_LOOKBACK: TimeDelta = TimeDelta::days(400);

/// How early a run may start and still belong to the cron instant it was
/// early for: the scheduler's clock and the one that recorded the start may
/// disagree by a few seconds. Half a cron schedule's smallest gap (a minute),
/// so no run can belong to two instants.
pub const EARLY_START: TimeDelta = TimeDelta::seconds(30);

/// How many streaks of misses a job's status keeps, the latest; older ones
/// are only counted ([`JobStatus::earlier_streaks`]).
pub const MAX_STREAKS: usize = 20;

/// What went wrong with one scheduled delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Miss {
    /// No run started between the scheduled instant and the next one.
    NoRun,
    /// Runs started, but none delivered (no `delivered_at`, or one after the
    /// instant of evaluation): their last reported status.
    NotDelivered(RunStatus),
    /// The only delivery was empty (0 bytes).
    Empty,
    /// Delivered, this long after the deadline.
    Late(TimeDelta),
}

/// Consecutive scheduled deliveries that each missed their deadline.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MissStreak {
    /// The first scheduled instant of the streak.
    pub first: Timestamp,
    /// The last one.
    pub last: Timestamp,
    /// When the last one was due.
    pub last_due: Timestamp,
    /// How many scheduled deliveries were missed in a row.
    pub count: usize,
    /// Of which no run started.
    pub no_run: usize,
    /// Of which runs started but delivered nothing.
    pub not_delivered: usize,
    /// Of which the delivery was empty.
    pub empty: usize,
    /// Of which the delivery came late.
    pub late: usize,
    /// The latest a delivery came, past its deadline.
    pub most_late: Option<TimeDelta>,
    /// The first [`EVIDENCE_ITEMS`] scheduled instants of the streak.
    pub scheduled: Vec<Timestamp>,
    /// What was wrong with the delivery when the streak is one delivery long.
    pub only: Option<Miss>,
}

impl MissStreak {
    /// Whether every miss of the streak is a late delivery: the data arrived.
    pub fn only_late(&self) -> bool {
        self.late == self.count
    }
}

/// A scheduled job's state at an instant.
///
/// ```
/// use ops_core::{Format, Inventory};
/// use ops_core::job::JobStatus;
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
/// jobs: [{id: export, schedule: {cron: '0 2 * * *'}, deadline: 2h}]
/// job_runs:
///   - {job: export, started_at: 2026-11-19T02:00:00Z, status: success, delivered_at: 2026-11-19T02:40:00Z, size_bytes: 90}
///   - {job: export, started_at: 2026-11-20T02:00:00Z, status: success}
///   - {job: export, started_at: 2026-11-21T02:00:00Z, status: success, delivered_at: 2026-11-21T02:30:00Z, size_bytes: 0}
/// ")?;
/// let status = JobStatus::all(&inv, "2026-11-22T09:00:00Z".parse()?);
/// // 19th delivered; 20th nothing, 21st empty, 22nd no run: one streak of three.
/// assert_eq!((status[0].judged, status[0].streaks.len()), (4, 1));
/// let streak = &status[0].streaks[0];
/// assert_eq!((streak.count, streak.not_delivered, streak.empty, streak.no_run), (3, 1, 1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct JobStatus<'a> {
    /// The job.
    pub job: &'a Job,
    /// The latest run started at or before the instant.
    pub last_run: Option<&'a JobRun>,
    /// The run whose delivery arrived last, at or before the instant.
    pub last_delivery: Option<&'a JobRun>,
    /// The next scheduled run after the instant (an interval schedule
    /// counts from the last run).
    pub next_run: Option<Timestamp>,
    /// The first scheduled instant judged: the one the first recorded run
    /// (within [`MAX_LOOKBACK`]) belongs to.
    pub judged_from: Option<Timestamp>,
    /// How many scheduled deliveries were judged (those whose deadline had
    /// passed at the instant).
    pub judged: usize,
    /// The latest [`MAX_STREAKS`] streaks of missed deliveries, oldest first.
    pub streaks: Vec<MissStreak>,
    /// Older streaks, counted only.
    pub earlier_streaks: usize,
    /// The missed deliveries of those older streaks.
    pub earlier_misses: usize,
}

impl<'a> JobStatus<'a> {
    /// The status of every job of `inventory` at `now`, in definition
    /// order. Linear in runs and in the scheduled instants judged (at most
    /// [`MAX_LOOKBACK`] of them per job; an interval schedule's stretches
    /// without runs are counted, not walked).
    pub fn all(inventory: &'a Inventory, now: Timestamp) -> Vec<JobStatus<'a>> {
        let jobs = inventory.jobs();
        let runs = crate::schedule::runs_by_owner(
            jobs.len(),
            inventory.job_runs(),
            |r| r.job.index(),
            |r| r.started_at,
            now,
        );
        jobs.iter()
            .zip(runs)
            .map(|(job, runs)| JobStatus::from_runs(job, &runs, now))
            .collect()
    }

    fn from_runs(job: &'a Job, runs: &[&'a JobRun], now: Timestamp) -> JobStatus<'a> {
        let last_delivery = runs
            .iter()
            .filter_map(|r| r.delivered_by(now).map(|t| (t, *r)))
            .max_by_key(|(t, _)| *t)
            .map(|(_, r)| r);
        let next_run = job
            .schedule
            .next_runs(now, runs.last().map(|r| r.started_at), 1)
            .first()
            .copied();
        let mut status = JobStatus {
            job,
            last_run: runs.last().copied(),
            last_delivery,
            next_run,
            judged_from: None,
            judged: 0,
            streaks: Vec::new(),
            earlier_streaks: 0,
            earlier_misses: 0,
        };
        let from = now.checked_sub_signed(MAX_LOOKBACK).unwrap_or(Timestamp::MIN_UTC);
        let recent = &runs[runs.partition_point(|r| r.started_at < from)..];
        let mut streaks = Streaks::default();
        match &job.schedule {
            Schedule::Cron(c) => judge_cron(job, c, recent, now, &mut status, &mut streaks),
            Schedule::Every(step) => judge_every(job, *step, recent, now, &mut status, &mut streaks),
        }
        streaks.close();
        status.streaks = streaks.kept.into();
        status.earlier_streaks = streaks.earlier_streaks;
        status.earlier_misses = streaks.earlier_misses;
        status
    }
}

/// When the delivery for the instant `s` is due, the next instant being `next`.
fn due(job: &Job, s: Timestamp, next: Timestamp) -> Option<Timestamp> {
    match job.deadline {
        Some(d) => s.checked_add_signed(d),
        None => Some(next),
    }
}

/// What is wrong with the delivery due at `due` of the runs that belong to
/// its instant, if anything. Their reported status does not count.
fn verdict(runs: &[&JobRun], due: Timestamp, now: Timestamp) -> Option<Miss> {
    let Some(last) = runs.last() else {
        return Some(Miss::NoRun);
    };
    match runs.iter().filter_map(|r| r.delivered_by(now)).min() {
        Some(t) if t <= due => None,
        Some(t) => Some(Miss::Late(t - due)),
        None if runs.iter().any(|r| r.delivered_at.is_some_and(|t| t <= now)) => Some(Miss::Empty),
        None => Some(Miss::NotDelivered(last.status)),
    }
}

/// Cron: each run belongs to the latest scheduled instant at or before its
/// start (up to [`EARLY_START`] early); instants are judged from the first
/// run's on, while their deadline has passed at `now`.
fn judge_cron<'a>(
    job: &Job,
    c: &crate::schedule::CronSchedule,
    runs: &[&'a JobRun],
    now: Timestamp,
    status: &mut JobStatus<'a>,
    streaks: &mut Streaks,
) {
    let Some(first) = runs.first() else { return };
    // A run's start as if it were on time, when it is a little early.
    let start_of = |r: &JobRun| r.started_at.checked_add_signed(EARLY_START).unwrap_or(r.started_at);
    let at_or_before = start_of(first)
        .checked_add_signed(TimeDelta::nanoseconds(1))
        .and_then(|t| c.prev_before(t));
    let Some(start) = at_or_before.or_else(|| c.next_after(first.started_at)) else {
        return;
    };
    status.judged_from = Some(start);
    let mut instants = c.runs_between(start, now).peekable();
    let mut i = 0;
    while let Some(s) = instants.next() {
        let Some(next) = instants.peek().copied().or_else(|| c.next_after(s)) else {
            break;
        };
        let Some(due) = due(job, s, next) else { break };
        if due > now {
            break;
        }
        let from = i;
        while i < runs.len() && start_of(runs[i]) < next {
            i += 1;
        }
        // Runs before the first instant (only when none is at or before
        // the first run) belong to none.
        let mine: Vec<&JobRun> = runs[from..i].iter().filter(|r| start_of(r) >= s).copied().collect();
        status.judged += 1;
        streaks.push(s, due, verdict(&mine, due, now));
    }
}

/// An interval: the first run's start is the first instant; each instant's
/// window runs from it to one interval after the first run started in it
/// (or after the instant, when none did), which is the next instant.
fn judge_every<'a>(
    job: &Job,
    step: TimeDelta,
    runs: &[&'a JobRun],
    now: Timestamp,
    status: &mut JobStatus<'a>,
    streaks: &mut Streaks,
) {
    let Some(first) = runs.first() else { return };
    if step <= TimeDelta::zero() {
        return;
    }
    let mut s = first.started_at;
    status.judged_from = Some(s);
    let mut i = 0;
    while let Some(plain_next) = s.checked_add_signed(step) {
        let Some(due_at) = due(job, s, plain_next) else { break };
        if due_at > now {
            break;
        }
        if runs.get(i).is_none_or(|r| r.started_at >= plain_next) {
            // No run in this window: every instant up to the next run (or
            // while deadlines have passed) is missed without a run. Count
            // them rather than walk them: an interval of a second is
            // millions of instants.
            let until = runs.get(i).map(|r| r.started_at);
            let n = missed_without_runs(s, step, until, job.deadline, now);
            if n == 0 {
                break;
            }
            streaks.push_series(s, step, n, job.deadline);
            status.judged += n;
            let jump = i32::try_from(n).ok().and_then(|n| step.checked_mul(n));
            let Some(next) = jump.and_then(|d| s.checked_add_signed(d)) else {
                break;
            };
            s = next;
            continue;
        }
        let Some(next) = runs[i].started_at.checked_add_signed(step) else {
            break;
        };
        let from = i;
        while i < runs.len() && runs[i].started_at < next {
            i += 1;
        }
        // Without a deadline the delivery is due at the next instant, which
        // the run's start moved: judge only once that has passed too.
        let due_at = due(job, s, next).unwrap_or(due_at);
        if due_at > now {
            break;
        }
        status.judged += 1;
        streaks.push(s, due_at, verdict(&runs[from..i], due_at, now));
        s = next;
    }
}

/// How many instants `s`, `s + step`, ... have their whole window before
/// `until` (the next run's start, when there is one) and are due by `now`.
fn missed_without_runs(
    s: Timestamp,
    step: TimeDelta,
    until: Option<Timestamp>,
    deadline: Option<TimeDelta>,
    now: Timestamp,
) -> usize {
    let nanos = |d: TimeDelta| i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos());
    let step_n = nanos(step);
    // Instants k = 0, 1, ... with s + k·step + (deadline or step) <= now.
    let grace = nanos(deadline.unwrap_or(step));
    let room = nanos(now - s) - grace;
    if room < 0 {
        return 0;
    }
    let mut n = room / step_n + 1;
    if let Some(u) = until {
        // And no run in the window: s + (k+1)·step <= until.
        n = n.min(nanos(u - s) / step_n);
    }
    usize::try_from(n.max(0)).unwrap_or(usize::MAX)
}

/// Streaks of misses as they are found, the latest [`MAX_STREAKS`] kept.
#[derive(Debug, Default)]
struct Streaks {
    kept: VecDeque<MissStreak>,
    current: Option<MissStreak>,
    earlier_streaks: usize,
    earlier_misses: usize,
}

impl Streaks {
    fn push(&mut self, s: Timestamp, due: Timestamp, miss: Option<Miss>) {
        let Some(miss) = miss else {
            self.close();
            return;
        };
        let streak = self.current.get_or_insert_with(|| MissStreak {
            first: s,
            last: s,
            last_due: due,
            count: 0,
            no_run: 0,
            not_delivered: 0,
            empty: 0,
            late: 0,
            most_late: None,
            scheduled: Vec::new(),
            only: Some(miss),
        });
        streak.last = s;
        streak.last_due = due;
        streak.count += 1;
        if streak.count > 1 {
            streak.only = None;
        }
        if streak.scheduled.len() < EVIDENCE_ITEMS {
            streak.scheduled.push(s);
        }
        match miss {
            Miss::NoRun => streak.no_run += 1,
            Miss::NotDelivered(_) => streak.not_delivered += 1,
            Miss::Empty => streak.empty += 1,
            Miss::Late(by) => {
                streak.late += 1;
                streak.most_late = Some(streak.most_late.map_or(by, |m| m.max(by)));
            }
        }
    }

    /// `n` instants without a run, `step` apart from `s`: the first
    /// [`EVIDENCE_ITEMS`] one by one, the rest counted.
    fn push_series(&mut self, s: Timestamp, step: TimeDelta, n: usize, deadline: Option<TimeDelta>) {
        let at = |k: usize| {
            i32::try_from(k)
                .ok()
                .and_then(|k| step.checked_mul(k))
                .and_then(|d| s.checked_add_signed(d))
        };
        let due = |t: Timestamp| t.checked_add_signed(deadline.unwrap_or(step)).unwrap_or(t);
        let listed = n.min(EVIDENCE_ITEMS);
        for k in 0..listed {
            let Some(t) = at(k) else { return };
            self.push(t, due(t), Some(Miss::NoRun));
        }
        if let (Some(streak), Some(last)) = (&mut self.current, at(n.saturating_sub(1)))
            && n > listed
        {
            streak.count += n - listed;
            streak.no_run += n - listed;
            streak.last = last;
            streak.last_due = due(last);
        }
    }

    fn close(&mut self) {
        let Some(streak) = self.current.take() else { return };
        self.kept.push_back(streak);
        if self.kept.len() > MAX_STREAKS
            && let Some(old) = self.kept.pop_front()
        {
            self.earlier_streaks += 1;
            self.earlier_misses += old.count;
        }
    }
}
