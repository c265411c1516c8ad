//! The HTML report's drills table: per entry point, the redundancies it
//! stands on, each with the date and outcome of its last experiment.
//! `None` when no entry point stands on a redundancy.

use std::collections::HashSet;

use maud::{Markup, html};

use crate::graph::{FailureAnalysis, is_redundancy};
use crate::{Component, Idx, Inventory, Requirement, Timestamp};

/// The most rows drawn: an estate of many entries over many redundancies
/// says how many more there are instead.
pub(crate) const MAX_DRILL_ROWS: usize = 1000;

/// Every redundancy each entry point stands on, nearest first, and the last
/// experiment on it at or before `now`.
pub(crate) fn drills(inv: &Inventory, analysis: &FailureAnalysis<'_>, now: Timestamp) -> Option<Markup> {
    let mut rows: Vec<(Idx<Component>, Idx<Component>)> = Vec::new();
    let mut total = 0usize;
    for &e in inv.entries() {
        let mut seen: HashSet<Idx<Component>> = HashSet::from([e]);
        let mut queue = std::collections::VecDeque::from([e]);
        while let Some(c) = queue.pop_front() {
            if is_redundancy(inv.component(c)) {
                total += 1;
                if rows.len() < MAX_DRILL_ROWS {
                    rows.push((e, c));
                }
            }
            for &d in &inv.component(c).depends_on {
                if seen.insert(d) {
                    queue.push_back(d);
                }
            }
        }
    }
    if rows.is_empty() {
        return None;
    }
    let last = analysis.last_experiments(now);
    let row = |(e, r): (Idx<Component>, Idx<Component>)| {
        let c = inv.component(r);
        let n = c.depends_on.len();
        let rule = match c.requires {
            Requirement::AtLeast(k) => format!("at least {k} of {n}"),
            _ => format!("any of {n}"),
        };
        let (when, id, outcome, bad) = match last.get(&r).map(|&x| inv.experiment(x)) {
            None => ("never".to_owned(), String::new(), "never exercised", true),
            Some(x) => {
                let (outcome, bad) = if x.went_down.contains(&e) {
                    ("the entry went down", true)
                } else if x.stayed_up.contains(&e) {
                    ("the entry stayed up", false)
                } else {
                    ("the entry was not observed", false)
                };
                (x.at.format("%Y-%m-%d").to_string(), x.id.clone(), outcome, bad)
            }
        };
        html! {
            tr {
                td { code { (inv.component(e).id) } }
                td { code { (c.id) } }
                td { (rule) }
                td { (when) }
                td { @if !id.is_empty() { code { (id) } } }
                td class=(if bad { "bad" } else { "ok" }) { (outcome) }
            }
            "\n"
        }
    };
    Some(html! {
        section id="drills" {
            "\n" h2 { "Drills" } "\n"
            p {
                "The redundancies each entry point stands on, with their last experiment."
                @if total > rows.len() { " The first " (rows.len()) " of " (total) " rows." }
            }
            "\n"
            table.drills {
                "\n"
                thead {
                    tr {
                        th { "Entry" } th { "Redundancy" } th { "Rule" } th { "Last experiment" } th { "Experiment" }
                        th { "Outcome" }
                    }
                }
                "\n"
                tbody { "\n" @for r in rows.iter().copied() { (row(r)) } }
                "\n"
            }
            "\n"
        }
        "\n"
    })
}
