//! The `experiments:` section: failover drills and chaos experiments, every
//! reference resolved (what was failed, including instances `ID#N`, and the
//! entry points observed).

use std::collections::HashSet;

use super::{Namespace, Namespaces, Target, Validator};
use crate::graph::{Component, Experiment};
use crate::inventory::FailureTarget;
use crate::inventory::raw::{RawExperiment, RawId};
use crate::suggest::did_you_mean;
use crate::{Idx, Location};

/// The experiments, ids defined and references resolved against the
/// components (instances expanded) and domains.
pub(super) fn experiments(
    v: &mut Validator,
    ns: &Namespaces,
    raw: &[(Location, RawExperiment)],
    components: &[Component],
) -> Vec<Experiment> {
    let mut ids = Namespace::new("experiment", raw.len());
    for (i, (_, e)) in raw.iter().enumerate() {
        v.define(
            &mut ids,
            "experiment",
            &e.id.value,
            Idx::<Experiment>::new(i),
            |i: Idx<_>| raw[i.index()].1.id.at.clone(),
        );
    }
    raw.iter()
        .filter_map(|(at, e)| experiment(v, ns, at, e, components))
        .collect()
}

fn experiment(
    v: &mut Validator,
    ns: &Namespaces,
    at: &Location,
    e: &RawExperiment,
    components: &[Component],
) -> Option<Experiment> {
    let id = &e.id.value;
    let when = v.instant(&e.at);
    let by = e.by.as_ref().map(|b| v.resolve(ns.principals, b));
    if e.failed.is_empty() {
        v.error(
            at,
            format!(
                "experiment '{id}' fails nothing: list the components, instances (ID#N) or domains it failed in failed"
            ),
        );
    }
    let mut failed = Vec::with_capacity(e.failed.len());
    let mut seen = HashSet::with_capacity(e.failed.len());
    let mut ok = true;
    for r in &e.failed {
        match target(v, ns, r, components) {
            Some(t) => {
                if seen.insert(t) {
                    failed.push(t);
                }
            }
            None => ok = false,
        }
    }
    let stayed_up = entries(v, ns, id, "stayed_up", &e.stayed_up, components, &mut ok);
    let went_down = entries(v, ns, id, "went_down", &e.went_down, components, &mut ok);
    let down: HashSet<Idx<Component>> = went_down.iter().copied().collect();
    for (r, c) in e.stayed_up.iter().zip(&stayed_up) {
        if down.contains(c) {
            v.error(
                &r.at,
                format!(
                    "experiment '{id}' lists entry '{}' in both stayed_up and went_down",
                    r.value
                ),
            );
            ok = false;
        }
    }
    let duration = v.duration(&e.duration);
    if !ok || e.failed.is_empty() {
        return None;
    }
    Some(Experiment {
        id: id.clone(),
        at: when?,
        by: by.flatten(),
        failed,
        duration,
        stayed_up,
        went_down,
        notes: e.notes.clone(),
        link: e.link.clone(),
        location: e.id.at.clone(),
    })
}

/// What one `failed` reference names: a component, an instance `ID#N` of a
/// component written with `replicas:`, or a domain.
fn target(v: &mut Validator, ns: &Namespaces, r: &RawId, components: &[Component]) -> Option<FailureTarget> {
    if let Some((base, number)) = r.value.rsplit_once('#') {
        let c = v.resolved(
            &ns.components,
            base,
            || r.at.clone(),
            ns.components.all.get(base).and_then(component),
        )?;
        let Some(replicas) = &components[c.index()].replicas else {
            v.error(
                &r.at,
                format!(
                    "'{}' names no instance: component '{base}' is not written with replicas",
                    r.value
                ),
            );
            return None;
        };
        return match number.parse::<u32>() {
            Ok(n) if (1..=replicas.count).contains(&n) => Some(FailureTarget::Component(Idx::new(
                replicas.first.index() + n as usize - 1,
            ))),
            _ => {
                v.error(
                    &r.at,
                    format!(
                        "'{}' names no instance: component '{base}' has {} replicas, {base}#1 to {base}#{}",
                        r.value, replicas.count, replicas.count
                    ),
                );
                None
            }
        };
    }
    match ns.components.all.get(&r.value) {
        Some(Target::Component(c)) => Some(FailureTarget::Component(c)),
        Some(Target::Domain(d)) => Some(FailureTarget::Domain(d)),
        None => {
            if v.incomplete || v.broken.contains(r.value.as_str()) {
                return None;
            }
            let hint = if v.suggestions_left > 0 {
                v.suggestions_left -= 1;
                let candidates = ns.components.order.iter().chain(&ns.domains.order).copied();
                did_you_mean(&r.value, candidates)
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            v.error(&r.at, format!("unknown component or domain '{}'{hint}", r.value));
            None
        }
    }
}

fn component(t: Target) -> Option<Idx<Component>> {
    match t {
        Target::Component(c) => Some(c),
        Target::Domain(_) => None,
    }
}

/// The entry points one observation list names, each once; `ok` turns
/// false on any problem.
fn entries(
    v: &mut Validator,
    ns: &Namespaces,
    experiment: &str,
    field: &str,
    refs: &[RawId],
    components: &[Component],
    ok: &mut bool,
) -> Vec<Idx<Component>> {
    let mut out = Vec::with_capacity(refs.len());
    let mut seen = HashSet::with_capacity(refs.len());
    for r in refs {
        let Some(c) = v.resolve(&ns.components, r) else {
            *ok = false;
            continue;
        };
        if !components[c.index()].entry {
            v.error(
                &r.at,
                format!(
                    "experiment '{experiment}' lists '{}' in {field}, which is not an entry point (entry: true)",
                    r.value
                ),
            );
            *ok = false;
        } else if !seen.insert(c) {
            v.error(
                &r.at,
                format!("experiment '{experiment}' lists '{}' twice in {field}", r.value),
            );
            *ok = false;
        } else {
            out.push(c);
        }
    }
    out
}
