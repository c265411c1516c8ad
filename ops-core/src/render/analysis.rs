//! The JSON documents of the failure analysis: single points of failure per
//! entry point, and an outage (what a failure set takes down, and why).
//! `opsctl spof`/`simulate`/`blast-radius --format json` write them and the
//! Python package returns them, so the two cannot drift.

use serde_json::{Value, json};

use crate::graph::{Component, FailureAnalysis, Outage};
use crate::{Idx, Inventory};

/// How many steps of a component's chain `down[].why` shows from its end.
const WHY_STEPS: usize = 4;

/// `{"entries": [{"entry", "tier", "spofs", "domain_spofs"}, ...]}`: each
/// entry point (or only `only`) with the ids of its single points of failure
/// and of its domain SPOFs, each list sorted.
///
/// # Complexity
/// That of [`FailureAnalysis::spofs`] and [`FailureAnalysis::domain_spofs`],
/// plus sorting the ids.
///
/// # Example
/// ```
/// use ops_core::{Format, Inventory, graph::FailureAnalysis, render};
/// let inv = Inventory::from_text("i.yaml", Format::Yaml, "components: [{id: web, entry: true, depends_on: [db]}, {id: db}]")?;
/// let doc = render::spofs_to_json(&inv, &FailureAnalysis::new(&inv), None);
/// assert_eq!(doc["entries"][0]["spofs"][0], "db");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn spofs_to_json(inv: &Inventory, analysis: &FailureAnalysis, only: Option<Idx<Component>>) -> Value {
    let spofs = analysis.spofs();
    let domains = analysis.domain_spofs();
    let mut rows = Vec::new();
    for (rec, dom) in spofs.entries().iter().zip(&domains) {
        if only.is_some_and(|e| e != rec.entry) {
            continue;
        }
        let spof_ids = sorted_ids(inv, rec.spofs.iter().copied());
        let mut domain_ids: Vec<String> = dom.domains.iter().map(|&d| inv.domain(d).id.clone()).collect();
        domain_ids.sort();
        let entry = inv.component(rec.entry);
        rows.push(json!({
            "entry": entry.id,
            "tier": entry.tier,
            "spofs": spof_ids,
            "domain_spofs": domain_ids,
        }));
    }
    json!({"entries": rows})
}

/// `{"failed": [...], "entries_down": [...], "down": [{"component", "entry",
/// "why"}, ...]}`: an outage caused by failing `failed` (the ids as given),
/// the entry points it takes down (sorted), and every component down with
/// the last steps of why (a chain longer than eight steps is cut in the
/// middle, saying how many steps are left out, so the document stays linear
/// in the components down).
///
/// # Example
/// ```
/// use ops_core::{Format, Inventory, graph::{FailureAnalysis, component_target}, render};
/// let inv = Inventory::from_text("i.yaml", Format::Yaml, "components: [{id: web, entry: true, depends_on: [db]}, {id: db}]")?;
/// let outage = FailureAnalysis::new(&inv).blast_radius(component_target(&inv, "db")?);
/// let doc = render::outage_to_json(&inv, &outage, &["db"]);
/// assert_eq!(doc["entries_down"][0], "web");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn outage_to_json<S: AsRef<str>>(inv: &Inventory, outage: &Outage, failed: &[S]) -> Value {
    let down: Vec<Value> = outage
        .down()
        .into_iter()
        .map(|c| {
            // Cut in the middle when long: each component's chain is a
            // suffix of others', so whole chains would be quadratic output.
            let (near, left_out, far) = outage.explain_cut(inv, c, WHY_STEPS).unwrap_or_default();
            let mut why: Vec<String> = near.iter().map(|s| s.describe(inv)).collect();
            if left_out > 0 {
                why.push(format!(
                    "... {left_out} more step{} ...",
                    if left_out == 1 { "" } else { "s" }
                ));
            }
            why.extend(far.iter().map(|s| s.describe(inv)));
            json!({
                "component": inv.component(c).id,
                "entry": inv.component(c).entry,
                "why": why,
            })
        })
        .collect();
    let failed: Vec<&str> = failed.iter().map(AsRef::as_ref).collect();
    json!({
        "failed": failed,
        "entries_down": sorted_ids(inv, outage.entries_down().iter().copied()),
        "down": down,
    })
}

/// The ids of components, sorted.
fn sorted_ids(inv: &Inventory, cs: impl IntoIterator<Item = Idx<Component>>) -> Vec<String> {
    let mut v: Vec<String> = cs.into_iter().map(|c| inv.component(c).id.clone()).collect();
    v.sort_unstable();
    v
}
