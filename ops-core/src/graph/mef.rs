//! The dependency model as an Open-PSA Model Exchange Format (MEF) fault tree,
//! so fault-tree tools can cross-check ops' analysis.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use super::compiled::{Compiled, NEVER};
use super::scc::sccs;
use crate::markup::escape;
use crate::{Component, Error, Idx, Inventory};

/// The most gates [`open_psa_mef`] writes before giving up with
/// [`Error::FaultTreeTooLarge`]. Acyclic models need one gate per component
/// (plus one per nested domain); only unfolding large dependency cycles comes
/// near it.
pub const MEF_GATE_LIMIT: usize = 100_000;

/// The most entries the unfolded gates' paths may hold together (about
/// 64 MiB): past it the export stops as it does at [`MEF_GATE_LIMIT`] gates.
const PATH_CELL_LIMIT: usize = 4_000_000;

/// Writes the failure model of `entry` (or, with `None`, of every entry
/// point) as an Open-PSA MEF document: one `define-fault-tree` whose top
/// gates are `down-<entry>`, and the basic events in `model-data`.
///
/// The translation follows ops' semantics exactly, so the fault tree's
/// minimal cut sets are ops' single points of failure, domain SPOFs and
/// double faults:
///
/// - basic event `fail-<c>`: component `c` fails on its own, with
///   probability `1 - availability` when `availability` is given (a logical
///   component has none: its gate is its rule and its domains alone);
/// - basic event `lost-<d>`: domain `d` is lost (no probability: ops has none
///   for domains). A nested domain is a gate `domain-<d>`, the OR of its own
///   loss and its parent's, since losing a domain loses every domain inside it;
/// - gate `down-<c>`: the OR of `fail-<c>`, the component's domains, and its
///   rule over its dependencies' `down-` gates: `all` is an OR (merged into
///   this one), `any` an AND, `at_least: k` of `n` an `atleast` with
///   `min = n - k + 1` (the component is down when fewer than `k` are up).
///   An AND or ATLEAST is a gate of its own, `rule-<c>`, so no formula nests
///   another: the document is valid under the Open-PSA MEF schema and under
///   SCRAM's stricter one, which accepts only events as arguments.
///
/// Names are ids with the characters MEF identifiers cannot hold escaped
/// (`_` as `__`, `.` `:` `/` `@` as `_d` `_c` `_s` `_a`, and a `-` that would
/// start a run of dashes or end the name as `_h`); each event's `ops-id`
/// attribute and each gate's label carry the id unchanged.
///
/// **Cycles.** A fault tree must be acyclic, and ops evaluates failure to the
/// least fixed point: a component is down only through a chain of reasons
/// that ends at a failure, never through a chain that comes back to itself.
/// Inside a dependency cycle the gate of a component is therefore unfolded
/// per path: `down-<c>_v<n>` stands for "`c` is down without counting on the
/// components above it on this path", and an edge back to one of those is
/// dropped (it would contribute nothing to a shortest chain of reasons). This
/// is exact, not an approximation, but can grow exponentially with the size
/// of a cycle; acyclic parts of the graph are shared, one gate per component.
///
/// # Errors
///
/// [`Error::FaultTreeTooLarge`] when unfolding cycles would need more than
/// [`MEF_GATE_LIMIT`] gates.
///
/// # Complexity
///
/// Linear in the size of the graph without cycles; with cycles, proportional
/// to the number of unfolded gates (bounded by the limit).
///
/// # Example
///
/// ```
/// use ops_core::{Format, Inventory};
/// use ops_core::graph::open_psa_mef;
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "
/// components:
///   - {id: shop, entry: true, requires: any, depends_on: [web-1, web-2]}
///   - {id: web-1, availability: 0.99}
///   - {id: web-2, availability: 0.99}
/// ")?;
/// let xml = open_psa_mef(&inv, inv.component_by_id("shop"))?;
/// assert!(xml.contains("<define-gate name=\"rule-shop\">"));
/// assert!(xml.contains("<and>\n        <gate name=\"down-web-1\"/>\n        <gate name=\"down-web-2\"/>"));
/// assert!(xml.contains("<float value=\"0.01\"/>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open_psa_mef(inv: &Inventory, entry: Option<Idx<Component>>) -> Result<String, Error> {
    let g = Compiled::new(inv);
    let tops: Vec<u32> = match entry {
        Some(e) => vec![e.index() as u32],
        None => g.entries.clone(),
    };
    let mut tree = Unfolding::new(inv, &g);
    for &t in &tops {
        tree.discover(t, Vec::new())?;
    }
    let mut next = 0;
    while next < tree.gates.len() {
        tree.expand(next)?;
        next += 1;
    }
    Ok(tree.write(entry.map(|e| inv.component(e).id.as_str())))
}

/// A reference in a formula.
#[derive(Clone, Debug)]
enum Formula {
    /// `fail-<c>`.
    Fail(u32),
    /// `lost-<d>`.
    Lost(u32),
    /// `domain-<d>`, a nested domain's gate.
    Domain(u32),
    /// An unfolded component gate, by position.
    Down(usize),
    /// The redundancy-rule gate of an unfolded component gate, by position.
    Rule(usize),
    Or(Vec<Formula>),
    And(Vec<Formula>),
    AtLeast(usize, Vec<Formula>),
    /// Never true: a logical component that nothing can take down here.
    False,
}

/// One unfolded gate: component `node`, not counting on `path` (the members
/// of its cycle above it on the path; empty outside cycles).
#[derive(Debug)]
struct Gate {
    node: u32,
    name: String,
    formula: Option<Formula>,
    /// An AND or ATLEAST over the dependencies, written as a gate of its own
    /// (`rule-…`) so that no formula nests another: some tools (SCRAM)
    /// accept only events as the arguments of a connective.
    rule: Option<Formula>,
}

struct Unfolding<'a> {
    inv: &'a Inventory,
    g: &'a Compiled,
    scc_of: Vec<u32>,
    cyclic: Vec<bool>,
    gates: Vec<Gate>,
    paths: Vec<Vec<u32>>,
    seen: HashMap<(u32, Vec<u32>), usize>,
    /// The total length of `paths`: unfolding a long cycle makes a gate per
    /// component with a path as long as the cycle, quadratic in its length.
    path_cells: usize,
    /// How many unfolded gates each component has had, for their names.
    copies: HashMap<u32, usize>,
    domains: BTreeSet<u32>,
}

impl<'a> Unfolding<'a> {
    fn new(inv: &'a Inventory, g: &'a Compiled) -> Self {
        let s = sccs(&g.deps);
        let cyclic = (0..s.count() as u32).map(|i| s.is_cyclic(i)).collect();
        Unfolding {
            inv,
            g,
            scc_of: s.of,
            cyclic,
            gates: Vec::new(),
            paths: Vec::new(),
            seen: HashMap::new(),
            path_cells: 0,
            copies: HashMap::new(),
            domains: BTreeSet::new(),
        }
    }

    /// The gate of `node` not counting on `path` (sorted), created if new.
    fn discover(&mut self, node: u32, path: Vec<u32>) -> Result<usize, Error> {
        let key = (node, path);
        if let Some(&i) = self.seen.get(&key) {
            return Ok(i);
        }
        self.path_cells += key.1.len();
        if self.gates.len() == MEF_GATE_LIMIT || self.path_cells > PATH_CELL_LIMIT {
            return Err(Error::FaultTreeTooLarge { limit: MEF_GATE_LIMIT });
        }
        let id = ident(&self.inv.component(Idx::new(node as usize)).id);
        let name = if key.1.is_empty() {
            format!("down-{id}")
        } else {
            let n = self.copies.entry(node).or_insert(0);
            *n += 1;
            format!("down-{id}_v{n}")
        };
        let i = self.gates.len();
        self.gates.push(Gate {
            node,
            name,
            formula: None,
            rule: None,
        });
        self.paths.push(key.1.clone());
        self.seen.insert(key, i);
        Ok(i)
    }

    fn expand(&mut self, i: usize) -> Result<(), Error> {
        let v = self.gates[i].node;
        let path = self.paths[i].clone();
        let component = self.inv.component(Idx::new(v as usize));
        // A logical component has no failure of its own: only its rule and domains.
        let mut terms = if self.g.can_fail(v) {
            vec![Formula::Fail(v)]
        } else {
            Vec::new()
        };
        for &d in &component.domains {
            terms.push(self.domain(d.index() as u32));
        }
        let scc = self.scc_of[v as usize];
        let mut children = Vec::new();
        for &w in self.g.deps.row(v) {
            let same = self.scc_of[w as usize] == scc && self.cyclic[scc as usize];
            if w == v || (same && path.binary_search(&w).is_ok()) {
                continue; // a way back up the path: never part of a shortest chain, so up
            }
            let below = if same {
                let mut p = path.clone();
                if let Err(at) = p.binary_search(&v) {
                    p.insert(at, v);
                }
                p
            } else {
                Vec::new()
            };
            children.push(Formula::Down(self.discover(w, below)?));
        }
        let threshold = self.g.threshold[v as usize];
        if threshold != NEVER && threshold as usize <= children.len() {
            match at_least(threshold as usize, children) {
                rule @ (Formula::And(_) | Formula::AtLeast(..)) => {
                    self.gates[i].rule = Some(rule);
                    terms.push(Formula::Rule(i));
                }
                other => terms.push(other),
            }
        }
        self.gates[i].formula = Some(or(terms));
        Ok(())
    }

    /// A reference to domain `d`'s failure, recording what to define.
    fn domain(&mut self, d: u32) -> Formula {
        let mut at = Some(d);
        while let Some(x) = at {
            if !self.domains.insert(x) {
                break;
            }
            at = self.inv.domain(Idx::new(x as usize)).parent.map(|p| p.index() as u32);
        }
        if self.inv.domain(Idx::new(d as usize)).parent.is_some() {
            Formula::Domain(d)
        } else {
            Formula::Lost(d)
        }
    }

    fn write(&self, entry: Option<&str>) -> String {
        let mut out = String::new();
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str("<!-- Written by ops: the failure model as an Open-PSA MEF fault tree. -->\n");
        out.push_str("<opsa-mef>\n");
        let (tree, label) = match entry {
            Some(id) => (format!("entry-{}", ident(id)), format!("Failure of {id}")),
            None => ("estate".to_owned(), "Failure of every entry point".to_owned()),
        };
        let _ = writeln!(out, "  <define-fault-tree name=\"{tree}\">");
        let _ = writeln!(out, "    <label>{}</label>", escape(&label));
        for (gate, path) in self.gates.iter().zip(&self.paths) {
            let id = &self.inv.component(Idx::new(gate.node as usize)).id;
            let _ = writeln!(out, "    <define-gate name=\"{}\">", gate.name);
            let mut label = format!("{id} is down");
            if !path.is_empty() {
                let above: Vec<&str> = path
                    .iter()
                    .map(|&c| self.inv.component(Idx::new(c as usize)).id.as_str())
                    .collect();
                let _ = write!(
                    label,
                    " (not counting on {}, above it in a cycle)",
                    crate::listing::join(&above, ", ")
                );
            }
            let _ = writeln!(out, "      <label>{}</label>", escape(&label));
            if let Some(f) = &gate.formula {
                self.write_formula(&mut out, f, 6);
            }
            out.push_str("    </define-gate>\n");
            if let Some(rule) = &gate.rule {
                let _ = writeln!(out, "    <define-gate name=\"{}\">", rule_name(&gate.name));
                let _ = writeln!(
                    out,
                    "      <label>too few dependencies of {} are up</label>",
                    escape(id)
                );
                self.write_formula(&mut out, rule, 6);
                out.push_str("    </define-gate>\n");
            }
        }
        for &d in &self.domains {
            let domain = self.inv.domain(Idx::new(d as usize));
            let Some(parent) = domain.parent else { continue };
            let _ = writeln!(out, "    <define-gate name=\"domain-{}\">", ident(&domain.id));
            let _ = writeln!(
                out,
                "      <label>domain {} is lost, or a domain it is in</label>",
                escape(&domain.id)
            );
            let parent = parent.index() as u32;
            let up = if self.inv.domain(Idx::new(parent as usize)).parent.is_some() {
                Formula::Domain(parent)
            } else {
                Formula::Lost(parent)
            };
            self.write_formula(&mut out, &Formula::Or(vec![Formula::Lost(d), up]), 6);
            out.push_str("    </define-gate>\n");
        }
        out.push_str("  </define-fault-tree>\n  <model-data>\n");
        let mut components: Vec<u32> = (self.gates.iter().map(|g| g.node))
            .filter(|&c| self.g.can_fail(c))
            .collect();
        components.sort_unstable();
        components.dedup();
        for c in components {
            let component = self.inv.component(Idx::new(c as usize));
            let _ = writeln!(out, "    <define-basic-event name=\"fail-{}\">", ident(&component.id));
            let label = match &component.name {
                Some(name) => format!("{} ({name}) fails on its own", component.id),
                None => format!("{} fails on its own", component.id),
            };
            let _ = writeln!(out, "      <label>{}</label>", escape(&label));
            write_attributes(&mut out, "component", &component.id);
            if let Some(a) = component.availability {
                let _ = writeln!(out, "      <float value=\"{}\"/>", probability(1.0 - a));
            }
            out.push_str("    </define-basic-event>\n");
        }
        for &d in &self.domains {
            let domain = self.inv.domain(Idx::new(d as usize));
            let _ = writeln!(out, "    <define-basic-event name=\"lost-{}\">", ident(&domain.id));
            let _ = writeln!(
                out,
                "      <label>{} ({}) is lost</label>",
                escape(&domain.id),
                escape(domain.kind.as_str())
            );
            write_attributes(&mut out, "domain", &domain.id);
            out.push_str("    </define-basic-event>\n");
        }
        out.push_str("  </model-data>\n</opsa-mef>\n");
        out
    }

    /// Recursive, but only as deep as a formula nests, which is at most
    /// two levels: gates refer to one another by name, and `or` flattens.
    fn write_formula(&self, out: &mut String, f: &Formula, indent: usize) {
        let pad = " ".repeat(indent);
        let inv = self.inv;
        let component = |c: &u32| ident(&inv.component(Idx::new(*c as usize)).id);
        let domain = |d: &u32| ident(&inv.domain(Idx::new(*d as usize)).id);
        let (open, args) = match f {
            Formula::Fail(c) => {
                let _ = writeln!(out, "{pad}<basic-event name=\"fail-{}\"/>", component(c));
                return;
            }
            Formula::Lost(d) => {
                let _ = writeln!(out, "{pad}<basic-event name=\"lost-{}\"/>", domain(d));
                return;
            }
            Formula::Domain(d) => {
                let _ = writeln!(out, "{pad}<gate name=\"domain-{}\"/>", domain(d));
                return;
            }
            Formula::Down(i) => {
                let _ = writeln!(out, "{pad}<gate name=\"{}\"/>", self.gates[*i].name);
                return;
            }
            Formula::Rule(i) => {
                let _ = writeln!(out, "{pad}<gate name=\"{}\"/>", rule_name(&self.gates[*i].name));
                return;
            }
            Formula::False => {
                let _ = writeln!(out, "{pad}<constant value=\"false\"/>");
                return;
            }
            Formula::Or(args) => ("or".to_owned(), args),
            Formula::And(args) => ("and".to_owned(), args),
            Formula::AtLeast(k, args) => (format!("atleast min=\"{k}\""), args),
        };
        let _ = writeln!(out, "{pad}<{open}>");
        for a in args {
            self.write_formula(out, a, indent + 2);
        }
        let close = open.split(' ').next().unwrap_or(&open);
        let _ = writeln!(out, "{pad}</{close}>");
    }
}

/// `down-x` -> `rule-x`.
fn rule_name(down: &str) -> String {
    format!("rule-{}", down.strip_prefix("down-").unwrap_or(down))
}

fn write_attributes(out: &mut String, kind: &str, id: &str) {
    let _ = writeln!(
        out,
        "      <attributes>\n        <attribute name=\"ops-{kind}\" value=\"{}\"/>\n      </attributes>",
        escape(id)
    );
}

/// OR of `terms`, flattening nested ORs; a single term stands alone.
fn or(terms: Vec<Formula>) -> Formula {
    let mut flat = Vec::with_capacity(terms.len());
    for t in terms {
        match t {
            Formula::Or(inner) => flat.extend(inner),
            t => flat.push(t),
        }
    }
    match <[Formula; 1]>::try_from(flat) {
        Ok([one]) => one,
        Err(flat) if flat.is_empty() => Formula::False,
        Err(flat) => Formula::Or(flat),
    }
}

/// At least `k` of `args` (1 ≤ k ≤ args.len()), as the simplest connective.
fn at_least(k: usize, args: Vec<Formula>) -> Formula {
    if k <= 1 {
        or(args)
    } else if k >= args.len() {
        match <[Formula; 1]>::try_from(args) {
            Ok([one]) => one,
            Err(args) => Formula::And(args),
        }
    } else {
        Formula::AtLeast(k, args)
    }
}

/// A probability with at most 15 decimals and no trailing zeros, so
/// `1 - 0.9995` prints as `0.0005` rather than its binary rounding error.
fn probability(p: f64) -> String {
    let p = p.clamp(0.0, 1.0);
    let s = format!("{p:.15}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() { "0".to_owned() } else { s.to_owned() }
}

/// An ops id as an MEF identifier (an XML name without `.`, `--`, or a
/// leading or trailing `-`); injective, so distinct ids stay distinct.
fn ident(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::with_capacity(id.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '_' => out.push_str("__"),
            '.' => out.push_str("_d"),
            ':' => out.push_str("_c"),
            '/' => out.push_str("_s"),
            '@' => out.push_str("_a"),
            '-' => {
                let next_ok = chars.get(i + 1).is_some_and(|n| *n != '-');
                if next_ok && !out.ends_with('-') && !out.is_empty() {
                    out.push('-');
                } else {
                    out.push_str("_h");
                }
            }
            c if c.is_ascii_alphanumeric() => out.push(c),
            c => {
                let _ = write!(out, "_u{:x}_", c as u32);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{ident, probability};

    #[test]
    fn identifiers_escape_what_mef_names_cannot_hold() {
        assert_eq!(ident("postgres-primary"), "postgres-primary");
        assert_eq!(ident("a_b.c:d/e@f"), "a__b_dc_cd_se_af");
        assert_eq!(ident("x--y-"), "x_h-y_h");
    }

    #[test]
    fn probabilities_print_without_rounding_noise() {
        assert_eq!(probability(1.0 - 0.9995), "0.0005");
        assert_eq!(probability(1.0 - 0.99999), "0.00001");
        assert_eq!(probability(0.0), "0");
        assert_eq!(probability(1.0), "1");
    }
}
