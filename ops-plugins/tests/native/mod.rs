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
