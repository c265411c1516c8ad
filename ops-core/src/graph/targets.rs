//! Naming what to fail: ids as people write them (`db`, `web#2`, `zone-a`,
//! `maya`) resolved to [`FailureTarget`]s, with the reason when an id cannot
//! be failed. `opsctl simulate`/`blast-radius`/`spof` and the Python package
//! share these, so they refuse the same ids with the same words.

use crate::graph::Component;
use crate::inventory::FailureTarget;
use crate::{Error, Idx, Inventory};

/// The failure targets named by `ids` (components, instances such as `web#2`,
/// domains), in order; surrounding whitespace is ignored.
///
/// # Errors
/// [`Error::Lookup`] for the first id that names nothing, or names a logical
/// or replicated component (which fails only through its members: the
/// message lists them).
///
/// # Complexity
/// O(ids), a hash lookup each.
///
/// # Example
/// ```
/// use ops_core::{Format, Inventory, graph::failure_targets};
/// let inv = Inventory::from_text("i.yaml", Format::Yaml, "components: [{id: web, entry: true, depends_on: [db]}, {id: db}]")?;
/// assert_eq!(failure_targets(&inv, &["db"])?.len(), 1);
/// assert_eq!(failure_targets(&inv, &["dbb"]).unwrap_err().to_string(), "no component or domain 'dbb' in the inventory");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn failure_targets<S: AsRef<str>>(inv: &Inventory, ids: &[S]) -> Result<Vec<FailureTarget>, Error> {
    let mut targets = Vec::with_capacity(ids.len());
    for id in ids {
        let id = id.as_ref().trim();
        match inv.target_by_id(id) {
            Some(FailureTarget::Component(c)) if inv.component(c).logical => {
                return Err(Error::Lookup(logical_refusal(inv, c)));
            }
            Some(t) => targets.push(t),
            None => return Err(Error::Lookup(format!("no component or domain '{id}' in the inventory"))),
        }
    }
    Ok(targets)
}

/// Why a logical component cannot be failed: it fails only through what
/// it stands for, which the message names.
fn logical_refusal(inv: &Inventory, c: Idx<Component>) -> String {
    let component = inv.component(c);
    let deps: Vec<&str> = (component.depends_on.iter())
        .map(|&d| inv.component(d).id.as_str())
        .collect();
    let (what, fail) = match &component.replicas {
        Some(r) => (format!("replicated ({} instances)", r.count), "its instances"),
        None => ("logical".to_owned(), "its dependencies"),
    };
    format!(
        "component '{}' is {what}: it never fails on its own, only through {fail}; fail some of those instead: {}",
        component.id,
        crate::listing::join(&deps, ", ")
    )
}

/// The component named `id` (an instance such as `web#2` too).
///
/// # Errors
/// [`Error::Lookup`] when `id` names a domain or nothing.
pub fn component_target(inv: &Inventory, id: &str) -> Result<Idx<Component>, Error> {
    match inv.target_by_id(id) {
        Some(FailureTarget::Component(c)) => Ok(c),
        Some(FailureTarget::Domain(_)) => Err(Error::Lookup(format!("'{id}' is a domain, not a component"))),
        None => Err(Error::Lookup(format!("no component '{id}' in the inventory"))),
    }
}

/// The entry point named `id`.
///
/// # Errors
/// [`Error::Lookup`] when `id` names no component, or one without `entry: true`.
pub fn entry_target(inv: &Inventory, id: &str) -> Result<Idx<Component>, Error> {
    let c = component_target(inv, id)?;
    if !inv.component(c).entry {
        return Err(Error::Lookup(format!("'{id}' is not an entry point (entry: true)")));
    }
    Ok(c)
}
