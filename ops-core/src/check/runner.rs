//! The runner: runs checks (in parallel if asked), applies severity
//! overrides and disabled rules in one place, and collects the [`Report`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::num::NonZeroUsize;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use super::{Check, CheckError, Context};
use crate::inventory::waivers;
use crate::rule::Rule;
use crate::{BaselineState, Finding, Inventory, Severity, Timestamp};

/// A check that could not run, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckFailure {
    /// The check's name.
    pub check: String,
    /// What went wrong.
    pub message: String,
}

/// The outcome of running checks: every finding, plus the checks that failed.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The instant the inventory was evaluated at.
    pub evaluated_at: Timestamp,
    /// Every rule that was run, by id, for renderers that list them.
    pub rules: Vec<Rule>,
    /// Findings, most severe first, then by rule, location and subject.
    pub findings: Vec<Finding>,
    /// Checks that could not run; the others still did.
    pub failures: Vec<CheckFailure>,
    /// After [`Report::apply_baseline`]: the fingerprints of the baseline's
    /// findings that are no longer found, sorted.
    pub absent: Vec<String>,
}

impl Report {
    /// How many findings of each severity, most severe first.
    pub fn counts(&self) -> BTreeMap<Severity, usize> {
        let mut counts: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|&s| (s, 0)).collect();
        for f in &self.findings {
            *counts.entry(f.severity).or_default() += 1;
        }
        counts
    }

    /// The most severe finding's severity, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// The most severe severity among the findings that
    /// [count](Finding::counts) (neither waived nor unchanged since the
    /// baseline), if any: what `--fail-on` is compared with.
    pub fn worst_counted(&self) -> Option<Severity> {
        self.findings.iter().filter(|f| f.counts()).map(|f| f.severity).max()
    }

    /// Compares the findings with a baseline, the fingerprints of an earlier
    /// report's findings: each finding's [`Finding::baseline_state`] becomes
    /// `new` or `unchanged`, and [`Report::absent`] lists the baseline's
    /// fingerprints that no finding has any more.
    ///
    /// ```
    /// use ops_core::{BaselineState, Format, Inventory, Runner};
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, entry: true}]")?;
    /// let mut report = Runner::with_builtin_checks().run(&inv, "2026-11-22T00:00:00Z".parse()?);
    /// let old = report.findings[0].fingerprint();
    /// report.apply_baseline(&[old, "0123".to_owned()].into_iter().collect());
    /// assert_eq!(report.findings[0].baseline_state, Some(BaselineState::Unchanged));
    /// assert_eq!(report.absent, ["0123"]);
    /// assert_eq!(report.worst_counted(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_baseline(&mut self, baseline: &HashSet<String>) {
        let mut present = HashSet::with_capacity(self.findings.len());
        for f in &mut self.findings {
            let fp = f.fingerprint();
            f.baseline_state = Some(if baseline.contains(&fp) {
                BaselineState::Unchanged
            } else {
                BaselineState::New
            });
            present.insert(fp);
        }
        let mut absent: Vec<String> = baseline.iter().filter(|fp| !present.contains(*fp)).cloned().collect();
        absent.sort();
        self.absent = absent;
    }
}

/// Runs checks, applies severity overrides and disabled rules, and collects
/// the results. One failing check never stops the others.
///
/// ```
/// use ops_core::{Format, Inventory, Runner, Severity};
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, entry: true}]")?;
/// let mut runner = Runner::with_builtin_checks();
/// runner.override_severity("inventory/unowned-component", Severity::High);
/// let report = runner.run(&inv, "2026-11-22T00:00:00Z".parse()?);
/// assert_eq!(report.findings[0].check, "inventory/unowned-component");
/// assert_eq!(report.findings[0].severity, Severity::High);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct Runner {
    checks: Vec<Box<dyn Check>>,
    overrides: HashMap<String, Severity>,
    disabled: HashSet<String>,
}

impl Runner {
    /// A runner with no checks.
    pub fn new() -> Self {
        Runner::default()
    }

    /// Adds a check.
    pub fn add(&mut self, check: Box<dyn Check>) -> &mut Self {
        self.checks.push(check);
        self
    }

    /// Reports findings of rule `id` at `severity` instead of the check's choice.
    pub fn override_severity(&mut self, id: &str, severity: Severity) -> &mut Self {
        self.overrides.insert(id.to_owned(), severity);
        self
    }

    /// Turns rule `id` off: its findings are dropped, and a check whose
    /// every rule is off does not run at all (nor builds the analyses it
    /// would have asked for).
    pub fn disable(&mut self, id: &str) -> &mut Self {
        self.disabled.insert(id.to_owned());
        self
    }

    /// Every rule of every check added.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.checks.iter().flat_map(|c| c.rules())
    }

    /// Runs every check against `inventory` as of `now`. The failure
    /// analysis uses the inventory's `person` failure domains as they are:
    /// load with [`LoadOptions::at`](crate::LoadOptions::at) set to `now`, or
    /// call [`Inventory::derive_person_domains`], for the ones in force then.
    pub fn run(&self, inventory: &Inventory, now: Timestamp) -> Report {
        let ctx = Context::new(inventory, now);
        let outcomes = self
            .checks
            .iter()
            .map(|check| {
                if self.is_off(check.as_ref()) {
                    Ok(Vec::new())
                } else {
                    run_one(check.as_ref(), &ctx)
                }
            })
            .collect();
        // The shared analyses go before the findings are gathered and sorted.
        drop(ctx);
        self.report(inventory, outcomes, now)
    }

    /// Like [`Runner::run`], with the checks spread over up to `threads`
    /// threads (built-in and plugin checks alike; plugins share their host's
    /// engine). The report is the same as `run`'s: findings are sorted and
    /// failures listed in the order the checks were added, whichever thread
    /// finishes first. The failure analysis and effective access are still
    /// built once and shared.
    ///
    /// ```
    /// use std::num::NonZeroUsize;
    /// use ops_core::{Format, Inventory, Runner};
    /// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, entry: true}]")?;
    /// let runner = Runner::with_builtin_checks();
    /// let at = "2026-11-22T00:00:00Z".parse()?;
    /// let parallel = runner.run_parallel(&inv, at, NonZeroUsize::new(4).unwrap_or(NonZeroUsize::MIN));
    /// assert_eq!(parallel.findings, runner.run(&inv, at).findings);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run_parallel(&self, inventory: &Inventory, now: Timestamp, threads: NonZeroUsize) -> Report {
        // Checks take the next index from a shared counter, so a slow check
        // (a plugin near its CPU budget) does not hold up a fixed share of
        // others. Those that do not use the failure analysis come first, so
        // that while the first check to ask for it builds it, the other
        // threads run them instead of waiting; within each part heavy
        // checks come first, so that none starts last and runs alone while
        // the other threads idle.
        let mut order: Vec<usize> = (0..self.checks.len())
            .filter(|&i| !self.is_off(self.checks[i].as_ref()))
            .collect();
        let threads = threads.get().min(order.len());
        if threads <= 1 {
            return self.run(inventory, now);
        }
        let ctx = Context::new(inventory, now);
        order.sort_by_key(|&i| (self.checks[i].uses_failure_analysis(), !self.checks[i].heavy()));
        let next = AtomicUsize::new(0);
        let mut outcomes: Vec<Option<Result<Vec<Finding>, CheckError>>> =
            (0..self.checks.len()).map(|_| None).collect();
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                            done.push((i, run_one(self.checks[i].as_ref(), &ctx)));
                        }
                        done
                    })
                })
                .collect();
            for worker in workers {
                // run_one catches panics, so a worker only fails to join if
                // the runner itself is broken; its checks are reported below.
                if let Ok(done) = worker.join() {
                    for (i, outcome) in done {
                        outcomes[i] = Some(outcome);
                    }
                }
            }
        });
        let outcomes = outcomes
            .into_iter()
            .zip(&self.checks)
            .map(|(outcome, check)| match outcome {
                Some(outcome) => outcome,
                None if self.is_off(check.as_ref()) => Ok(Vec::new()),
                None => Err(CheckError::Failed("the check's thread panicked".to_owned())),
            })
            .collect();
        drop(ctx);
        self.report(inventory, outcomes, now)
    }

    /// Whether every rule of `check` is disabled, so running it could only
    /// make findings to drop. A check that declares no rule still runs: it
    /// can only fail, and that is reported.
    fn is_off(&self, check: &dyn Check) -> bool {
        let rules = check.rules();
        !rules.is_empty() && rules.iter().all(|r| self.disabled.contains(r.id()))
    }

    /// The report of `outcomes`, one per check in the order they were added,
    /// with the inventory's waivers applied.
    fn report(&self, inventory: &Inventory, outcomes: Vec<Result<Vec<Finding>, CheckError>>, now: Timestamp) -> Report {
        let mut accepted = Vec::with_capacity(outcomes.len());
        let mut failures = Vec::new();
        for (check, outcome) in self.checks.iter().zip(outcomes) {
            match outcome.and_then(|found| self.accept(check.as_ref(), found)) {
                Ok(found) => accepted.push(found),
                Err(e) => failures.push(CheckFailure {
                    check: check.name().to_owned(),
                    message: e.to_string(),
                }),
            }
        }
        let mut findings = gather(accepted);
        // Unused waivers are found against every other check's findings.
        let unused_id = waivers::UNUSED_WAIVER.rule().id();
        let unused =
            (self.checks.iter().any(|c| c.name() == unused_id) && !self.disabled.contains(unused_id)).then(|| {
                let severity = self.overrides.get(unused_id).copied().unwrap_or(Severity::Low);
                (waivers::UNUSED_WAIVER.rule(), severity)
            });
        waivers::apply(inventory, now, &mut findings, unused, &self.disabled);
        // In place: a stable sort would allocate half the findings again.
        // Findings that compare equal have the same message and fingerprint
        // (rule, subject, key); they keep no particular order, but the same
        // one for the same input, which `gather` makes from the checks'
        // findings in their order and with their arrays' capacities.
        findings.sort_unstable_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| cmp_shared(&a.check, &b.check))
                .then_with(|| match (&a.location, &b.location) {
                    // As `Location`'s order, with its file compared as
                    // `cmp_shared` does.
                    (Some(x), Some(y)) => (cmp_shared(&x.file, &y.file))
                        .then(x.line.cmp(&y.line))
                        .then(x.column.cmp(&y.column)),
                    (x, y) => x.cmp(y),
                })
                .then_with(|| a.subject.cmp(&b.subject))
                .then_with(|| a.message.cmp(&b.message))
                .then_with(|| a.key.cmp(&b.key))
        });
        let rules = self
            .rules()
            .filter(|r| !self.disabled.contains(r.id()))
            .cloned()
            .collect();
        Report {
            evaluated_at: now,
            rules,
            findings,
            failures,
            absent: Vec::new(),
        }
    }

    /// Checks that every finding names one of the check's rules, drops
    /// disabled rules and applies overrides.
    fn accept(&self, check: &dyn Check, found: Vec<Finding>) -> Result<Vec<Finding>, CheckError> {
        let declared: HashSet<&str> = check.rules().iter().map(Rule::id).collect();
        if let Some(f) = found.iter().find(|f| !declared.contains(&*f.check)) {
            return Err(CheckError::InvalidOutput(format!(
                "finding for undeclared rule '{}'",
                f.check
            )));
        }
        Ok(found
            .into_iter()
            .filter(|f| !self.disabled.contains(&*f.check))
            .map(|mut f| {
                if let Some(&s) = self.overrides.get(&*f.check) {
                    f.severity = s;
                }
                f
            })
            .collect())
    }
}

/// Every check's findings in one array: the array that can hold most of
/// them already, grown once for the others. A fresh array the size of them
/// all would hold every finding twice while they were moved (88 MiB more at
/// 300k components, BENCHMARKS.md section 18); a check's array, grown by
/// doubling as it found, often has room for the rest already. Where it has
/// not, growing it copies it while the others are still held, as much as
/// a fresh array would. The order is that array's findings, then the
/// others' in the checks' order.
fn gather(mut accepted: Vec<Vec<Finding>>) -> Vec<Finding> {
    let total: usize = accepted.iter().map(Vec::len).sum();
    let roomiest = (accepted.iter().enumerate())
        .max_by_key(|(i, found)| (found.capacity(), std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    let mut findings = roomiest.map_or_else(Vec::new, |i| std::mem::take(&mut accepted[i]));
    findings.reserve_exact(total - findings.len());
    for found in accepted {
        findings.extend(found);
    }
    findings
}

/// `a.cmp(b)`, answered without reading the texts when both are the same
/// text in memory: a built-in rule's findings share its id, and the
/// findings of one file its name, so sorting a report compares mostly
/// texts that are one (BENCHMARKS.md §21: 40% off sorting 480,000
/// findings).
fn cmp_shared(a: &str, b: &str) -> std::cmp::Ordering {
    if std::ptr::eq(a, b) {
        std::cmp::Ordering::Equal
    } else {
        a.cmp(b)
    }
}

/// Runs `check`, turning a panic into a failure, and compacts what it
/// found (on the check's own thread): findings are held until the report
/// is written, and a list of ids as one line of JSON takes a fraction of
/// the memory of its values.
fn run_one(check: &dyn Check, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
    // Found in `report`, from every other check's findings: running it here
    // would run the built-in checks a second time.
    if check.name() == waivers::UNUSED_WAIVER.rule().id() {
        return Ok(Vec::new());
    }
    let mut found = catch_unwind(AssertUnwindSafe(|| check.run(ctx)))
        .unwrap_or_else(|_| Err(CheckError::Failed("the check panicked".to_owned())))?;
    for f in &mut found {
        f.compact();
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EntityKind, Subject};

    fn findings(check: &'static str, n: usize, capacity: usize) -> Vec<Finding> {
        let mut v = Vec::with_capacity(capacity);
        v.extend((0..n).map(|i| {
            Finding::new(
                check,
                Severity::Low,
                Subject::new(EntityKind::Component, format!("c{i}")),
                "m",
            )
        }));
        v
    }

    fn names(found: &[Finding]) -> Vec<String> {
        found.iter().map(|f| format!("{}:{}", f.check, f.subject.id)).collect()
    }

    /// A check of one rule, `id`, that lists every component's id.
    #[derive(Debug)]
    struct Listing(Vec<Rule>);

    impl Listing {
        fn boxed(id: &str) -> Box<dyn Check> {
            Box::new(Listing(vec![Rule::new(id, Severity::Low, "lists", "")]))
        }
    }

    impl Check for Listing {
        fn name(&self) -> &str {
            self.0[0].id()
        }
        fn rules(&self) -> &[Rule] {
            &self.0
        }
        fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
            let ids: Vec<&str> = ctx.inventory().components().iter().map(|c| c.id.as_str()).collect();
            Ok(vec![
                Finding::new(
                    self.0[0].id().to_owned(),
                    Severity::Low,
                    Subject::new(EntityKind::Component, "web"),
                    "m",
                )
                .with_evidence_list("ids", ids)
                .with_evidence("count", 2),
            ])
        }
    }

    /// A built-in rule that does not say it uses the failure analysis
    /// never builds it, and each that says so builds it on some bundled
    /// estate: the hint `run_parallel` schedules by is true.
    #[test]
    fn built_in_rules_say_truly_whether_they_use_the_failure_analysis() {
        let at = "2026-11-22T09:00:00Z".parse().unwrap();
        let mut used = HashSet::new();
        for estate in ["startup", "fjordline"] {
            let dir = format!("{}/../examples/inventories/{estate}", env!("CARGO_MANIFEST_DIR"));
            let inv = Inventory::load(&[dir]).unwrap();
            for (_, check) in crate::builtin::rules() {
                let id = check.name();
                let ctx = Context::new(&inv, at);
                check.run(&ctx).unwrap();
                if ctx.failure_analysis_built() {
                    assert!(
                        check.uses_failure_analysis(),
                        "{id} builds the failure analysis on {estate}"
                    );
                    used.insert(id);
                }
            }
        }
        let said: HashSet<&str> = (crate::builtin::rules())
            .filter(|(_, check)| check.uses_failure_analysis())
            .map(|(_, check)| check.name())
            .collect();
        assert_eq!(said, used);
    }

    #[test]
    fn the_runner_keeps_the_evidence_of_what_checks_find_compact() {
        let inv = Inventory::from_text(
            "inv.yaml",
            crate::Format::Yaml,
            "components: [{id: web, entry: true}, {id: db}]",
        )
        .unwrap();
        let mut runner = Runner::new();
        runner.add(Listing::boxed("t/a")).add(Listing::boxed("t/b"));
        let at = "2026-11-22T00:00:00Z".parse().unwrap();
        let two = NonZeroUsize::MIN.saturating_add(1);
        for report in [runner.run(&inv, at), runner.run_parallel(&inv, at, two)] {
            assert_eq!(report.findings.len(), 2);
            for found in &report.findings {
                assert!(found.evidence.is_compact(), "{}", found.check);
                assert_eq!(
                    serde_json::to_string(&found.evidence).unwrap(),
                    r#"{"count":2,"ids":["web","db"]}"#
                );
            }
        }
    }

    #[test]
    fn texts_shared_or_not_compare_by_their_characters() {
        use std::cmp::Ordering::*;
        let text = String::from("abc");
        let copy = text.clone();
        assert_eq!(cmp_shared(&text, &text), Equal);
        assert_eq!(cmp_shared(&text, &copy), Equal);
        // The same start in memory, but not the same text.
        assert_eq!(cmp_shared(&text[..2], &text), Less);
        assert_eq!(cmp_shared(&text, &text[..2]), Greater);
        assert_eq!(cmp_shared("abd", &text), Greater);
    }

    #[test]
    fn gathering_moves_the_others_into_the_roomiest_array() {
        let roomy = findings("b", 2, 16);
        let at = roomy.as_ptr();
        let gathered = gather(vec![findings("a", 3, 3), roomy, Vec::new(), findings("c", 1, 4)]);
        assert_eq!(gathered.as_ptr(), at, "no second array of every finding");
        assert_eq!(names(&gathered), ["b:c0", "b:c1", "a:c0", "a:c1", "a:c2", "c:c0"]);
    }

    #[test]
    fn gathering_grows_the_roomiest_array_once_when_it_is_short() {
        let gathered = gather(vec![findings("a", 3, 3), findings("b", 2, 4)]);
        assert_eq!(names(&gathered), ["b:c0", "b:c1", "a:c0", "a:c1", "a:c2"]);
        assert_eq!(gathered.capacity(), 5);
        // Equal room: the first check's array, so the order is the same on every run.
        let gathered = gather(vec![findings("a", 1, 2), findings("b", 1, 2)]);
        assert_eq!(names(&gathered), ["a:c0", "b:c0"]);
        assert!(gather(Vec::new()).is_empty());
    }
}
