//! The runner: a parallel run reports exactly what a sequential one does,
//! failing and panicking checks included.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ops_core::{Check, CheckError, Context, EntityKind, Finding, Format, Inventory, Rule, Runner, Severity, Subject};

/// A check that finds one thing per component, fails, or panics, as told.
#[derive(Debug)]
struct Scripted {
    name: &'static str,
    behaviour: Behaviour,
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, Copy)]
enum Behaviour {
    Finds,
    Fails,
    Panics,
}

impl Scripted {
    fn boxed(name: &'static str, behaviour: Behaviour) -> Box<dyn Check> {
        Scripted::with_rules(name, behaviour, &[name])
    }

    /// A check declaring rules `test/RULE` for each of `rules` (it finds
    /// under the first).
    fn with_rules(name: &'static str, behaviour: Behaviour, rules: &[&str]) -> Box<dyn Check> {
        let rules = rules
            .iter()
            .map(|r| Rule::new(&format!("test/{r}"), Severity::Low, "scripted", ""))
            .collect();
        Box::new(Scripted { name, behaviour, rules })
    }
}

impl Check for Scripted {
    fn name(&self) -> &str {
        self.name
    }
    fn rules(&self) -> &[Rule] {
        &self.rules
    }
    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        match self.behaviour {
            Behaviour::Finds => Ok(ctx
                .inventory()
                .components()
                .iter()
                .map(|c| {
                    Finding::new(
                        // A check that declares no rule finds under one it did not declare.
                        self.rules.first().map_or("test/undeclared".into(), Rule::shared_id),
                        Severity::Low,
                        Subject::new(EntityKind::Component, &c.id),
                        format!("{} saw {}", self.name, c.id),
                    )
                })
                .collect()),
            Behaviour::Fails => Err(CheckError::Failed(format!("{} could not run", self.name))),
            Behaviour::Panics => panic!("{} panicked on purpose", self.name),
        }
    }
}

/// `(check, message)` of each failure of `report`, in order.
fn failures(report: &ops_core::Report) -> Vec<(&str, &str)> {
    report
        .failures
        .iter()
        .map(|f| (&*f.check, f.message.as_str()))
        .collect()
}

#[test]
fn a_parallel_run_reports_exactly_what_a_sequential_run_does() {
    let inv = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        "components: [{id: web, entry: true, depends_on: [db]}, {id: db, kind: database}]",
    )
    .unwrap();
    let mut runner = Runner::with_builtin_checks();
    runner.add(Scripted::boxed("first", Behaviour::Finds));
    runner.add(Scripted::boxed("broken", Behaviour::Fails));
    runner.add(Scripted::boxed("panicky", Behaviour::Panics));
    runner.add(Scripted::boxed("last", Behaviour::Finds));
    let at = "2026-11-22T00:00:00Z".parse().unwrap();
    let sequential = runner.run(&inv, at);
    assert_eq!(
        failures(&sequential),
        [("broken", "broken could not run"), ("panicky", "the check panicked")]
    );
    assert!(sequential.findings.iter().any(|f| f.message == "last saw db"));
    for threads in [1, 2, 5, 64] {
        let parallel = runner.run_parallel(&inv, at, NonZeroUsize::new(threads).unwrap());
        assert_eq!(parallel.findings, sequential.findings, "{threads} threads");
        assert_eq!(parallel.failures, sequential.failures, "{threads} threads");
        assert_eq!(parallel.rules, sequential.rules, "{threads} threads");
    }
}

/// A check that notes when it starts; a light one then waits (a few seconds
/// at most) for every heavy check to have started, and notes whether they had.
#[derive(Debug)]
struct Timed {
    name: &'static str,
    heavy: bool,
    started: Arc<Mutex<Vec<&'static str>>>,
    light_saw_heavy: Arc<Mutex<Vec<bool>>>,
    rules: Vec<Rule>,
}

impl Check for Timed {
    fn name(&self) -> &str {
        self.name
    }
    fn rules(&self) -> &[Rule] {
        &self.rules
    }
    fn heavy(&self) -> bool {
        self.heavy
    }
    fn run(&self, _: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        self.started.lock().unwrap().push(self.name);
        if !self.heavy {
            let deadline = Instant::now() + Duration::from_secs(3);
            let saw = loop {
                let heavy_started = self
                    .started
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|n| n.starts_with('h'))
                    .count();
                if heavy_started == 2 {
                    break true;
                }
                if Instant::now() > deadline {
                    break false;
                }
                std::thread::sleep(Duration::from_millis(1));
            };
            self.light_saw_heavy.lock().unwrap().push(saw);
        }
        Ok(Vec::new())
    }
}

#[test]
fn a_parallel_run_starts_heavy_checks_first_whatever_order_they_were_added_in() {
    let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, entry: true}]").unwrap();
    let started = Arc::default();
    let light_saw_heavy = Arc::default();
    let mut runner = Runner::new();
    for (name, heavy) in [
        ("l1", false),
        ("l2", false),
        ("l3", false),
        ("h1", true),
        ("l4", false),
        ("h2", true),
    ] {
        runner.add(Box::new(Timed {
            name,
            heavy,
            started: Arc::clone(&started),
            light_saw_heavy: Arc::clone(&light_saw_heavy),
            rules: vec![Rule::new(&format!("test/{name}"), Severity::Low, "timed", "")],
        }));
    }
    let at = "2026-11-22T00:00:00Z".parse().unwrap();
    let report = runner.run_parallel(&inv, at, NonZeroUsize::new(2).unwrap());
    assert!(report.failures.is_empty());
    // Two threads: had a light check been started before both heavy ones,
    // it would have waited in vain while holding one of the two threads.
    assert_eq!(*light_saw_heavy.lock().unwrap(), [true; 4]);
    let mut all = started.lock().unwrap().clone();
    all.sort_unstable();
    assert_eq!(all, ["h1", "h2", "l1", "l2", "l3", "l4"]);
}

#[test]
fn a_check_whose_every_rule_is_off_does_not_run() {
    let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, entry: true}]").unwrap();
    let mut runner = Runner::new();
    // Would panic, or fail, if run: every rule of each is off.
    runner.add(Scripted::with_rules("off-panicky", Behaviour::Panics, &["p1", "p2"]));
    runner.add(Scripted::boxed("off-broken", Behaviour::Fails));
    // One of two rules off: it runs, so its failure is reported.
    runner.add(Scripted::with_rules("half-broken", Behaviour::Fails, &["h1", "h2"]));
    // One of two rules off, the one it finds under on: it runs, its findings are dropped.
    runner.add(Scripted::with_rules("half-finder", Behaviour::Finds, &["f1", "f2"]));
    runner.add(Scripted::boxed("finder", Behaviour::Finds));
    for off in ["test/p1", "test/p2", "test/off-broken", "test/h2", "test/f1"] {
        runner.disable(off);
    }
    let at = "2026-11-22T00:00:00Z".parse().unwrap();
    for threads in [None, Some(1), Some(2), Some(8)] {
        let report = match threads {
            None => runner.run(&inv, at),
            Some(n) => runner.run_parallel(&inv, at, NonZeroUsize::new(n).unwrap()),
        };
        assert_eq!(
            failures(&report),
            [("half-broken", "half-broken could not run")],
            "{threads:?} threads"
        );
        let found: Vec<(&str, &str)> = report
            .findings
            .iter()
            .map(|f| (&*f.check, f.message.as_str()))
            .collect();
        assert_eq!(found, [("test/finder", "finder saw web")], "{threads:?} threads");
        let rules: Vec<&str> = report.rules.iter().map(Rule::id).collect();
        assert_eq!(rules, ["test/h1", "test/f2", "test/finder"], "{threads:?} threads");
    }
}

#[test]
fn a_check_that_declares_no_rule_still_runs_and_its_findings_are_refused() {
    let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, entry: true}]").unwrap();
    let mut runner = Runner::new();
    runner.add(Scripted::with_rules("ruleless", Behaviour::Finds, &[]));
    runner.disable("test/ruleless");
    let report = runner.run(&inv, "2026-11-22T00:00:00Z".parse().unwrap());
    assert!(report.findings.is_empty());
    assert_eq!(
        failures(&report),
        [(
            "ruleless",
            "invalid output: finding for undeclared rule 'test/undeclared'"
        )]
    );
}
