//! `opsctl report --html` and `opsctl export mef`: documents for people and
//! for fault-tree tools.

use anyhow::{Result, bail};
use ops_core::{Component, FailureTarget, Idx, Inventory, Runner, open_psa_mef, render};

use crate::cli::{MefArgs, ReportArgs};
use crate::write::{atomic_write, emit};

/// The entry point named `id`, or an error saying why it is not one.
fn entry(inv: &Inventory, id: &str) -> Result<Idx<Component>> {
    let c = match inv.target_by_id(id) {
        Some(FailureTarget::Component(c)) => c,
        Some(FailureTarget::Domain(_)) => bail!("'{id}' is a domain, not a component"),
        None => bail!("no component '{id}' in the inventory"),
    };
    if !inv.component(c).entry {
        bail!("'{id}' is not an entry point (entry: true)");
    }
    Ok(c)
}

/// `opsctl report PATH... --html FILE`: every built-in check at `--at`, written
/// as one self-contained page, atomically.
pub(crate) fn report(args: &ReportArgs) -> Result<u8> {
    let inv = Inventory::load(&args.paths)?;
    let selected = args.entry.as_deref().map(|id| entry(&inv, id)).transpose()?;
    let now = args.at.unwrap_or_else(chrono::Utc::now);
    let report = Runner::with_builtin_checks().run(&inv, now);
    atomic_write(&args.html, render::to_html(&inv, &report, selected).as_bytes())?;
    Ok(0)
}

/// `opsctl export mef PATH... [--entry ID] [--output FILE]`.
pub(crate) fn mef(args: &MefArgs) -> Result<u8> {
    let inv = Inventory::load(&args.paths)?;
    let selected = args.entry.as_deref().map(|id| entry(&inv, id)).transpose()?;
    if selected.is_none() && !inv.components().iter().any(|c| c.entry) {
        bail!("the inventory has no entry point (entry: true) to build a fault tree for");
    }
    emit(args.output.as_deref(), &open_psa_mef(&inv, selected)?)?;
    Ok(0)
}
