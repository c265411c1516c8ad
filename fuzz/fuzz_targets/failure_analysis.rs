//! The failure analysis on arbitrary small graphs (cycles, `all` / `any` /
//! `at_least` rules, components in several nested domains) against its
//! definition: fail something, apply every rule until nothing changes, look.
//!
//! Every answer of `FailureAnalysis` is compared with that brute force:
//! SPOFs of each entry (all at once and one entry at a time), the inverse
//! map, blast radii and their explanations, domain SPOFs, a simulated mix
//! of failed components and domains, and the double faults of one entry.
#![no_main]

use std::collections::BTreeSet;
use std::fmt::Write;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ops_core::{Format, Inventory};
use ops_core::graph::FailureAnalysis;
use ops_core::inventory::FailureTarget;

#[derive(Debug)]
enum Rule {
    All,
    Any,
    AtLeast(usize),
}

#[derive(Debug)]
struct Component {
    deps: Vec<usize>,
    rule: Rule,
    entry: bool,
    domains: Vec<usize>,
}

#[derive(Debug)]
struct Spec {
    components: Vec<Component>,
    /// Per domain, its parent: always a lower index, so nesting is acyclic
    /// as validation requires.
    domains: Vec<Option<usize>>,
    /// Targets to fail together: `(is_domain, index)`.
    picks: Vec<(bool, usize)>,
}

fn spec(u: &mut Unstructured<'_>) -> Result<Spec> {
    let n = u.int_in_range(1..=12usize)?;
    let nd = u.int_in_range(0..=4usize)?;
    let mut domains = Vec::with_capacity(nd);
    for i in 0..nd {
        let parent = if i > 0 && u.arbitrary()? {
            Some(u.choose_index(i)?)
        } else {
            None
        };
        domains.push(parent);
    }
    let mut components = Vec::with_capacity(n);
    for i in 0..n {
        let mut deps = BTreeSet::new();
        for _ in 0..u.int_in_range(0..=4usize)? {
            deps.insert(u.choose_index(n)?);
        }
        deps.remove(&i);
        let deps: Vec<usize> = deps.into_iter().collect();
        let rule = match (u.int_in_range(0..=2u8)?, deps.len()) {
            (_, 0) | (0, _) => Rule::All,
            (1, _) => Rule::Any,
            (_, len) => Rule::AtLeast(u.int_in_range(1..=len)?),
        };
        let entry = u.ratio(1, 3)?;
        let mut ds = BTreeSet::new();
        if nd > 0 {
            for _ in 0..u.int_in_range(0..=2usize)? {
                ds.insert(u.choose_index(nd)?);
            }
        }
        components.push(Component {
            deps,
            rule,
            entry,
            domains: ds.into_iter().collect(),
        });
    }
    let mut picks = Vec::new();
    for _ in 0..u.int_in_range(1..=3usize)? {
        let domain = nd > 0 && u.ratio(1, 3)?;
        let index = u.choose_index(if domain { nd } else { n })?;
        picks.push((domain, index));
    }
    Ok(Spec {
        components,
        domains,
        picks,
    })
}

fn to_json(s: &Spec) -> String {
    let ids = |prefix: &str, v: &[usize]| -> String {
        v.iter()
            .map(|i| format!("\"{prefix}{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut out = String::from("{\"components\": [");
    for (i, c) in s.components.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let requires = match c.rule {
            Rule::All => "\"all\"".to_owned(),
            Rule::Any => "\"any\"".to_owned(),
            Rule::AtLeast(k) => format!("{{\"at_least\": {k}}}"),
        };
        let _ = write!(
            out,
            "{{\"id\": \"c{i}\", \"entry\": {}, \"depends_on\": [{}], \"requires\": {requires}, \"domains\": [{}]}}",
            c.entry,
            ids("c", &c.deps),
            ids("d", &c.domains),
        );
    }
    out.push_str("], \"domains\": [");
    for (i, parent) in s.domains.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"id\": \"d{i}\", \"kind\": \"zone\"");
        if let Some(p) = parent {
            let _ = write!(out, ", \"parent\": \"d{p}\"");
        }
        out.push('}');
    }
    out.push_str("]}");
    out
}

use ops_testkit::{domain_members, down_set as brute_down};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = spec(&mut Unstructured::new(data)) else {
        return;
    };
    let text = to_json(&s);
    // Every spec is valid by construction: it must load.
    let inv = match Inventory::from_text("fuzz.json", Format::Json, &text) {
        Ok(inv) => inv,
        Err(e) => panic!("a valid graph failed to load: {e}\n{text}"),
    };
    let a = FailureAnalysis::new(&inv);
    let n = inv.components().len();
    let comp = |i: usize| inv.component_by_id(&format!("c{i}")).expect("component exists");
    let brute: Vec<BTreeSet<usize>> = (0..n).map(|x| brute_down(&inv, &BTreeSet::from([x]))).collect();
    let entries: Vec<usize> = (0..n).filter(|&i| inv.components()[i].entry).collect();

    // SPOFs of every entry, all at once and one at a time.
    let report = a.spofs();
    assert_eq!(report.entries().len(), entries.len());
    for (rec, &e) in report.entries().iter().zip(&entries) {
        assert_eq!(rec.entry.index(), e);
        let expected: Vec<usize> = (0..n).filter(|&x| x != e && brute[x].contains(&e)).collect();
        let got: Vec<usize> = rec.spofs.iter().map(|c| c.index()).collect();
        assert_eq!(got, expected, "SPOFs of c{e}\n{text}");
        let one: Vec<usize> = a.spofs_of(rec.entry).iter().map(|c| c.index()).collect();
        assert_eq!(one, expected, "spofs_of(c{e})\n{text}");
    }

    // The inverse map, blast radii, and explanations through violated rules.
    for (x, brute_x) in brute.iter().enumerate() {
        let c = comp(x);
        let got: Vec<usize> = report.entries_taken_down_by(c).map(|c| c.index()).collect();
        let expected: Vec<usize> = entries
            .iter()
            .copied()
            .filter(|&e| e != x && brute_x.contains(&e))
            .collect();
        assert_eq!(got, expected, "entries taken down by c{x}\n{text}");
        let outage = a.blast_radius(c);
        let got: BTreeSet<usize> = outage.down().iter().map(|c| c.index()).collect();
        assert_eq!(&got, brute_x, "blast radius of c{x}\n{text}");
        for &d in &outage.down() {
            let Some(chain) = outage.explain(&inv, d) else {
                panic!("no explanation for c{}", d.index())
            };
            assert_eq!(chain.first().map(|s| s.component()), Some(d));
            assert_eq!(chain.last().map(|s| s.component()), Some(c));
        }
    }

    // Domain SPOFs.
    let members: Vec<BTreeSet<usize>> = (0..inv.domains().len()).map(|d| domain_members(&inv, d)).collect();
    let domain_down: Vec<BTreeSet<usize>> = members.iter().map(|m| brute_down(&inv, m)).collect();
    for rec in a.domain_spofs() {
        let e = rec.entry.index();
        let expected: Vec<usize> = (0..members.len()).filter(|&d| domain_down[d].contains(&e)).collect();
        let got: Vec<usize> = rec.domains.iter().map(|d| d.index()).collect();
        assert_eq!(got, expected, "domain SPOFs of c{e}\n{text}");
    }

    // A mix of failed components and domains.
    let mut targets = Vec::new();
    let mut failed = BTreeSet::new();
    for &(domain, i) in &s.picks {
        if domain {
            targets.push(inv.target_by_id(&format!("d{i}")).expect("domain exists"));
            failed.extend(members[i].iter().copied());
        } else {
            targets.push(FailureTarget::Component(comp(i)));
            failed.insert(i);
        }
    }
    let got: BTreeSet<usize> = a.simulate(&targets).down().iter().map(|c| c.index()).collect();
    assert_eq!(got, brute_down(&inv, &failed), "simulate {:?}\n{text}", s.picks);

    // Double faults of the first entry: pairs, neither a SPOF, that take it down.
    if let Some(&e) = entries.first() {
        let single: Vec<bool> = (0..n).map(|x| brute[x].contains(&e)).collect();
        let mut expected = Vec::new();
        for x in 0..n {
            for y in x + 1..n {
                if x == e || y == e || single[x] || single[y] {
                    continue;
                }
                if brute_down(&inv, &BTreeSet::from([x, y])).contains(&e) {
                    expected.push((x, y));
                }
            }
        }
        let all = a.double_faults(comp(e), usize::MAX);
        let got: Vec<(usize, usize)> = all.pairs.iter().map(|(x, y)| (x.index(), y.index())).collect();
        assert_eq!(got, expected, "double faults of c{e}\n{text}");
        assert!(!all.truncated);
        if !expected.is_empty() {
            let one = a.double_faults(comp(e), 1);
            assert_eq!(one.pairs.len(), 1);
            assert_eq!(one.truncated, expected.len() > 1);
        }
    }
});
