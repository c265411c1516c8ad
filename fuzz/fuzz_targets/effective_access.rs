//! Effective access on arbitrary nested groups and grants against its
//! definition (a principal holds a grant made to it, or to any group it is
//! in, directly or through other groups).
//!
//! Memberships may form cycles: then loading must fail and name the cycle.
//! Otherwise the closure, each principal's grants and their shortest paths,
//! every membership chain, the members of each group and the holders of
//! each system must match brute force.
#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ops_core::{Error, Format, Inventory};
use ops_core::access::{EffectiveAccess, Principal};

const SYSTEMS: usize = 3;
const LEVELS: [&str; 4] = ["read", "write", "admin", "owner"];

#[derive(Debug)]
struct Spec {
    people: usize,
    accounts: usize,
    /// Per group, its direct members by name (no duplicates).
    groups: Vec<Vec<String>>,
    /// `(principal, system index, level)`.
    grants: Vec<(String, usize, &'static str)>,
}

impl Spec {
    fn leaves(&self) -> Vec<String> {
        (0..self.people)
            .map(|i| format!("p{i}"))
            .chain((0..self.accounts).map(|i| format!("s{i}")))
            .collect()
    }

    fn names(&self) -> Vec<String> {
        let mut v = self.leaves();
        v.extend((0..self.groups.len()).map(|i| format!("g{i}")));
        v
    }

    /// The groups that list `x` directly.
    fn parents<'s>(&'s self, x: &'s str) -> impl Iterator<Item = usize> + 's {
        (0..self.groups.len()).filter(move |&i| self.groups[i].iter().any(|m| m == x))
    }

    /// The groups `x` is in, by the definition (terminates on cycles too).
    fn reach(&self, x: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut todo = vec![x.to_owned()];
        while let Some(y) = todo.pop() {
            for g in self.parents(&y) {
                let g = format!("g{g}");
                if out.insert(g.clone()) {
                    todo.push(g);
                }
            }
        }
        out
    }

    fn has_cycle(&self) -> bool {
        (0..self.groups.len()).any(|i| {
            let g = format!("g{i}");
            self.reach(&g).contains(&g)
        })
    }

    /// Every chain of direct memberships from `x` up to `target` (acyclic only).
    fn chains(&self, x: &str, target: &str) -> BTreeSet<Vec<String>> {
        let mut out = BTreeSet::new();
        for g in self.parents(x) {
            let g = format!("g{g}");
            if g == target {
                out.insert(vec![x.to_owned(), g]);
            } else {
                for mut rest in self.chains(&g, target) {
                    rest.insert(0, x.to_owned());
                    out.insert(rest);
                }
            }
        }
        out
    }

    fn yaml(&self) -> String {
        let mut y = String::from("people:\n");
        for i in 0..self.people {
            y += &format!("  - {{id: p{i}}}\n");
        }
        if self.accounts > 0 {
            y += "service_accounts:\n";
            for i in 0..self.accounts {
                y += &format!("  - {{id: s{i}}}\n");
            }
        }
        if !self.groups.is_empty() {
            y += "groups:\n";
            for (i, members) in self.groups.iter().enumerate() {
                y += &format!("  - {{id: g{i}, members: [{}]}}\n", members.join(", "));
            }
        }
        y += "systems: [";
        y += &(0..SYSTEMS)
            .map(|s| format!("{{id: sys{s}}}"))
            .collect::<Vec<_>>()
            .join(", ");
        y += "]\n";
        if !self.grants.is_empty() {
            y += "grants:\n";
            for (p, s, level) in &self.grants {
                y += &format!("  - {{principal: {p}, system: sys{s}, level: {level}}}\n");
            }
        }
        y
    }
}

fn spec(u: &mut Unstructured<'_>) -> Result<Spec> {
    let people = u.int_in_range(1..=4usize)?;
    let accounts = u.int_in_range(0..=2usize)?;
    let ngroups = u.int_in_range(0..=6usize)?;
    // Mostly acyclic (members only from later groups), sometimes anything goes.
    let anything = u.ratio(1, 8)?;
    let mut s = Spec {
        people,
        accounts,
        groups: vec![Vec::new(); ngroups],
        grants: Vec::new(),
    };
    let names = s.names();
    let leaves = people + accounts;
    for g in 0..ngroups {
        let mut members = BTreeSet::new();
        for _ in 0..u.int_in_range(0..=4usize)? {
            let i = u.choose_index(names.len())?;
            if anything || i < leaves || i > leaves + g {
                members.insert(names[i].clone());
            }
        }
        s.groups[g] = members.into_iter().collect();
    }
    for _ in 0..u.int_in_range(0..=10usize)? {
        let p = names[u.choose_index(names.len())?].clone();
        s.grants.push((p, u.choose_index(SYSTEMS)?, *u.choose(&LEVELS)?));
    }
    Ok(s)
}

fn is_member(inv: &Inventory, member: Principal, group: Principal) -> bool {
    let Principal::Group(g) = group else { return false };
    inv.groups()[g.index()].members.contains(&member)
}

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = spec(&mut Unstructured::new(data)) else {
        return;
    };
    let text = spec.yaml();
    let loaded = Inventory::from_text("fuzz.yaml", Format::Yaml, &text);
    if spec.has_cycle() {
        let Err(Error::Invalid(problems)) = loaded else {
            panic!("a membership cycle loaded\n{text}")
        };
        assert!(
            problems.iter().any(|p| p.message.contains("cycle")),
            "the cycle is not named: {problems:?}\n{text}"
        );
        return;
    }
    let inv = match loaded {
        Ok(inv) => inv,
        Err(e) => panic!("a valid inventory failed to load: {e}\n{text}"),
    };
    let access = EffectiveAccess::new(&inv);
    let principal = |x: &str| inv.principal_by_id(x).expect("principal exists");
    let mut expected_count = 0;
    for x in spec.names() {
        let p = principal(&x);
        let groups = spec.reach(&x);
        let got: BTreeSet<String> = access
            .groups_of(p)
            .map(|g| inv.groups()[g.index()].id.clone())
            .collect();
        assert_eq!(got, groups, "groups of {x}\n{text}");
        // Each grant exactly once, along a valid, shortest chain.
        let expected: Vec<usize> = (0..spec.grants.len())
            .filter(|&i| spec.grants[i].0 == x || groups.contains(&spec.grants[i].0))
            .collect();
        let effective: Vec<_> = access.grants_of(p).collect();
        let mut got: Vec<usize> = effective.iter().map(|e| e.grant.index()).collect();
        got.sort_unstable();
        assert_eq!(got, expected, "grants of {x}\n{text}");
        if !x.starts_with('g') {
            expected_count += got.len();
        }
        for e in &effective {
            let path = access.path(e);
            assert_eq!(path.first(), Some(&p));
            let holder = inv.grants()[e.grant.index()].principal;
            assert_eq!(path.last(), Some(&holder));
            assert_eq!(e.is_direct(), path.len() == 1);
            for w in path.windows(2) {
                assert!(
                    is_member(&inv, w[0], w[1]),
                    "{path:?} is not a chain of memberships\n{text}"
                );
            }
            let shortest = spec
                .chains(&x, inv.principal_id(holder))
                .iter()
                .map(Vec::len)
                .min()
                .unwrap_or(1);
            assert_eq!(path.len(), shortest, "path of {x} to grant {}\n{text}", e.grant.index());
        }
        // Every chain to every group.
        for g in &groups {
            let Principal::Group(gi) = principal(g) else {
                panic!("{g} is not a group")
            };
            let got: BTreeSet<Vec<String>> = access
                .membership_paths(p, gi, usize::MAX)
                .iter()
                .map(|c| c.iter().map(|&q| inv.principal_id(q).to_owned()).collect())
                .collect();
            assert_eq!(got, spec.chains(&x, g), "chains from {x} to {g}\n{text}");
        }
    }
    assert_eq!(access.count(), expected_count);
    assert_eq!(access.all().count(), expected_count);
    // Members of each group.
    for i in 0..spec.groups.len() {
        let g = format!("g{i}");
        let Principal::Group(gi) = principal(&g) else {
            panic!("{g} is not a group")
        };
        let members = access.members_of(gi);
        let got: BTreeSet<String> = members.iter().map(|(m, _)| inv.principal_id(*m).to_owned()).collect();
        let expected: BTreeSet<String> = spec
            .leaves()
            .into_iter()
            .filter(|l| spec.reach(l).contains(&g))
            .collect();
        assert_eq!(got, expected, "members of {g}\n{text}");
        for (m, chain) in &members {
            assert_eq!(chain.first(), Some(m));
            assert_eq!(chain.last(), Some(&Principal::Group(gi)));
            for w in chain.windows(2) {
                assert!(is_member(&inv, w[0], w[1]));
            }
        }
    }
    // Holders of each system: every person or account, once per grant it holds.
    for s in 0..SYSTEMS {
        let sys = inv.system_by_id(&format!("sys{s}")).expect("system exists");
        let mut got: Vec<(String, usize)> = access
            .holders_of(sys)
            .iter()
            .map(|e| (inv.principal_id(e.principal).to_owned(), e.grant.index()))
            .collect();
        got.sort();
        let mut expected = Vec::new();
        for l in spec.leaves() {
            let groups = spec.reach(&l);
            for (i, (holder, gs, _)) in spec.grants.iter().enumerate() {
                if *gs == s && (*holder == l || groups.contains(holder)) {
                    expected.push((l.clone(), i));
                }
            }
        }
        expected.sort();
        assert_eq!(got, expected, "holders of sys{s}\n{text}");
    }
});
