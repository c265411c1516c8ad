//! Effective access against its definition on random nested groups, and the
//! documents built on it: person failure domains, offboarding plans, reviews.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::{BTreeMap, BTreeSet};

use ops_core::access::{AccessReview, EffectiveAccess, OffboardingPlan, Principal};
use ops_core::graph::{DomainKind, FailureAnalysis};
use ops_core::inventory::FailureTarget;
use ops_core::{Format, Inventory};
use proptest::prelude::*;

/// People, service accounts, groups (members by principal name; a group
/// only contains groups with a higher index, so there is no cycle) and
/// grants (principal name, system index).
#[derive(Clone, Debug)]
struct Spec {
    people: usize,
    accounts: usize,
    groups: Vec<Vec<String>>,
    grants: Vec<(String, usize)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..6, 0usize..3, 0usize..7).prop_flat_map(|(people, accounts, ngroups)| {
        let names = move |with_groups_from: usize| {
            let mut v: Vec<String> = (0..people).map(|i| format!("p{i}")).collect();
            v.extend((0..accounts).map(|i| format!("s{i}")));
            v.extend((with_groups_from..ngroups).map(|i| format!("g{i}")));
            v
        };
        let groups: Vec<_> = (0..ngroups)
            .map(|g| proptest::sample::subsequence(names(g + 1), 0..=names(g + 1).len().min(4)))
            .collect();
        let grant = (proptest::sample::select(names(0)), 0usize..3);
        (groups, proptest::collection::vec(grant, 0..12)).prop_map(move |(groups, grants)| Spec {
            people,
            accounts,
            groups,
            grants,
        })
    })
}

fn yaml(spec: &Spec) -> String {
    let mut y = String::from("people:\n");
    for i in 0..spec.people {
        y += &format!("  - {{id: p{i}}}\n");
    }
    if spec.accounts > 0 {
        y += "service_accounts:\n";
        for i in 0..spec.accounts {
            y += &format!("  - {{id: s{i}}}\n");
        }
    }
    if !spec.groups.is_empty() {
        y += "groups:\n";
        for (i, members) in spec.groups.iter().enumerate() {
            y += &format!("  - {{id: g{i}, members: [{}]}}\n", members.join(", "));
        }
    }
    y += "systems: [{id: sys0}, {id: sys1}, {id: sys2}]\n";
    if !spec.grants.is_empty() {
        y += "grants:\n";
        for (p, s) in &spec.grants {
            y += &format!("  - {{principal: {p}, system: sys{s}, level: read}}\n");
        }
    }
    y
}

/// The groups `x` is in, by the definition: a group that lists it, or that
/// lists a group it is in.
fn reach(spec: &Spec, x: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, members) in spec.groups.iter().enumerate() {
        if members.iter().any(|m| m == x) {
            let g = format!("g{i}");
            out.extend(reach(spec, &g));
            out.insert(g);
        }
    }
    out
}

/// Every chain of direct memberships from `x` up to `target`.
fn chains(spec: &Spec, x: &str, target: &str) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    for (i, members) in spec.groups.iter().enumerate() {
        if members.iter().any(|m| m == x) {
            let g = format!("g{i}");
            if g == target {
                out.insert(vec![x.to_owned(), g]);
            } else {
                for mut rest in chains(spec, &g, target) {
                    rest.insert(0, x.to_owned());
                    out.insert(rest);
                }
            }
        }
    }
    out
}

fn is_member(inv: &Inventory, member: Principal, group: Principal) -> bool {
    let Principal::Group(g) = group else { return false };
    inv.groups()[g.index()].members.contains(&member)
}

fn leaves(spec: &Spec) -> Vec<String> {
    (0..spec.people)
        .map(|i| format!("p{i}"))
        .chain((0..spec.accounts).map(|i| format!("s{i}")))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn effective_access_matches_the_definition(spec in spec()) {
        let inv = Inventory::from_text("inv.yaml", Format::Yaml, &yaml(&spec)).unwrap();
        let access = EffectiveAccess::new(&inv);
        let mut expected_count = 0;
        let all: Vec<String> = leaves(&spec).into_iter().chain((0..spec.groups.len()).map(|i| format!("g{i}"))).collect();
        for x in &all {
            let p = inv.principal_by_id(x).unwrap();
            let groups = reach(&spec, x);
            // The closure.
            let got: BTreeSet<String> = access.groups_of(p).map(|g| inv.groups()[g.index()].id.clone()).collect();
            prop_assert_eq!(&got, &groups);
            // Each grant exactly once, with a valid, shortest path.
            let mut expected: Vec<usize> = spec.grants.iter().enumerate()
                .filter(|(_, (holder, _))| holder == x || groups.contains(holder))
                .map(|(i, _)| i)
                .collect();
            let effective: Vec<_> = access.grants_of(p).collect();
            let mut got: Vec<usize> = effective.iter().map(|e| e.grant.index()).collect();
            expected.sort_unstable();
            got.sort_unstable();
            prop_assert_eq!(&got, &expected);
            if !x.starts_with('g') {
                expected_count += got.len();
            }
            for e in &effective {
                let path = access.path(e);
                prop_assert_eq!(path[0], p);
                prop_assert_eq!(*path.last().unwrap(), inv.grants()[e.grant.index()].principal);
                prop_assert_eq!(e.is_direct(), path.len() == 1);
                for w in path.windows(2) {
                    prop_assert!(is_member(&inv, w[0], w[1]));
                }
                let holder = inv.principal_id(*path.last().unwrap());
                let shortest = chains(&spec, x, holder).iter().map(Vec::len).min().unwrap_or(1);
                prop_assert_eq!(path.len(), shortest);
            }
            // Every chain to every group.
            for g in &groups {
                let gi = inv.principal_by_id(g).unwrap();
                let Principal::Group(gi) = gi else { unreachable!() };
                let got: BTreeSet<Vec<String>> = access.membership_paths(p, gi, usize::MAX)
                    .iter()
                    .map(|c| c.iter().map(|&q| inv.principal_id(q).to_owned()).collect())
                    .collect();
                prop_assert_eq!(got, chains(&spec, x, g));
            }
        }
        prop_assert_eq!(access.count(), expected_count);
        prop_assert_eq!(access.all().count(), expected_count);
        // Members of each group, and holders of each system, by the definition.
        for (i, _) in spec.groups.iter().enumerate() {
            let g = format!("g{i}");
            let Some(Principal::Group(gi)) = inv.principal_by_id(&g) else { unreachable!() };
            let members = access.members_of(gi);
            let got: BTreeSet<String> = members.iter().map(|(m, _)| inv.principal_id(*m).to_owned()).collect();
            let expected: BTreeSet<String> = leaves(&spec).into_iter().filter(|l| reach(&spec, l).contains(&g)).collect();
            prop_assert_eq!(got, expected);
            for (m, chain) in &members {
                prop_assert_eq!(chain[0], *m);
                prop_assert_eq!(*chain.last().unwrap(), Principal::Group(gi));
                for w in chain.windows(2) {
                    prop_assert!(is_member(&inv, w[0], w[1]));
                }
            }
        }
        for s in 0..3 {
            let sys = inv.system_by_id(&format!("sys{s}")).unwrap();
            let mut got: Vec<(String, usize)> = access.holders_of(sys).iter()
                .map(|e| (inv.principal_id(e.principal).to_owned(), e.grant.index()))
                .collect();
            let mut expected: Vec<(String, usize)> = Vec::new();
            for l in leaves(&spec) {
                let groups = reach(&spec, &l);
                for (i, (holder, gs)) in spec.grants.iter().enumerate() {
                    if *gs == s && (*holder == l || groups.contains(holder)) {
                        expected.push((l.clone(), i));
                    }
                }
            }
            got.sort();
            expected.sort();
            prop_assert_eq!(got, expected);
        }
    }
}

const AT: &str = "2026-11-22T09:00:00Z";

fn person_domains(inv: &Inventory) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, d) in inv.domains().iter().enumerate() {
        if d.kind == DomainKind::Person {
            let members = inv
                .components()
                .iter()
                .filter(|c| c.domains.iter().any(|x| x.index() == i))
                .map(|c| c.id.clone())
                .collect();
            out.insert(d.id.clone(), members);
        }
    }
    out
}

#[test]
fn sole_admins_become_person_domains_and_spofs() {
    let inv = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        "
people: [{id: maya, name: Maya}, {id: tom}, {id: dana, status: departed, departed_at: 2026-01-01}]
groups: [{id: ops, members: [maya]}]
components:
  - {id: shop, entry: true, depends_on: [db, cache]}
  - {id: db, kind: database}
  - {id: cache}
  - {id: tom}
systems:
  - {id: prod-db, component: db}
  - {id: redis, component: cache}
  - {id: aws}
grants:
  - {principal: ops, system: prod-db, level: owner}
  - {principal: dana, system: prod-db, level: admin}
  - {principal: tom, system: redis, level: admin}
  - {principal: maya, system: aws, level: admin}
",
    )
    .unwrap();
    // Tom's id is taken by a component, so his domain is person:tom.
    assert_eq!(
        person_domains(&inv),
        BTreeMap::from([
            ("maya".to_owned(), vec!["db".to_owned()]),
            ("person:tom".to_owned(), vec!["cache".to_owned()]),
        ])
    );
    let maya = inv.domain_by_id("maya").unwrap();
    assert_eq!(inv.domain(maya).name.as_deref(), Some("Maya"));
    let analysis = FailureAnalysis::new(&inv);
    let spofs = analysis.domain_spofs();
    let ids: BTreeSet<&str> = spofs[0].domains.iter().map(|&d| inv.domain(d).id.as_str()).collect();
    assert_eq!(ids, BTreeSet::from(["maya", "person:tom"]));
    let outage = analysis.simulate(&[FailureTarget::Domain(maya)]);
    assert_eq!(outage.entries_down().len(), 1);
}

#[test]
fn two_admins_or_a_declared_domain() {
    let inv = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        "
people: [{id: maya}, {id: tom}]
domains: [{id: maya, kind: person, name: Maya (on call)}]
components: [{id: db}, {id: ci}]
systems: [{id: prod-db, component: db}, {id: github, component: ci}]
grants:
  - {principal: maya, system: prod-db, level: owner}
  - {principal: maya, system: github, level: admin}
credentials:
  - {id: gh-token, kind: personal, system: github, level: owner, holders: [tom]}
",
    )
    .unwrap();
    assert_eq!(
        person_domains(&inv),
        BTreeMap::from([("maya".to_owned(), vec!["db".to_owned()])])
    );
    assert_eq!(inv.domains().len(), 1, "the declared domain is reused");
}

fn example() -> Inventory {
    Inventory::load(&[concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/inventories/startup")]).unwrap()
}

#[test]
fn offboarding_the_example_departed_developer_lists_every_path() {
    let inv = example();
    let access = EffectiveAccess::new(&inv);
    let plan = OffboardingPlan::new(&access, inv.person_by_id("dana").unwrap(), AT.parse().unwrap());
    let grants: Vec<(&str, &str, Vec<Vec<String>>)> = plan
        .grants
        .iter()
        .map(|g| (g.grant.as_str(), g.level, g.paths.clone()))
        .collect();
    let p = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        grants,
        [
            ("dana->prod-db", "write", vec![p(&["dana"])]),
            ("team-web->github", "write", vec![p(&["dana", "team-web"])]),
            (
                "engineering->grafana",
                "read",
                vec![p(&["dana", "team-web", "engineering"])]
            ),
        ]
    );
    let md = plan.to_markdown();
    let checklist: Vec<&str> = md.lines().filter(|l| l.starts_with("- [ ]")).collect();
    assert_eq!(
        checklist,
        [
            "- [ ] Revoke grant `dana->prod-db` (write on prod-db, role app_rw)",
            "- [ ] Remove `dana` from group `team-web` (cuts `team-web->github`, `engineering->grafana`)",
            "- [ ] Rotate shared credential `aws-root` (owner on aws-prod); last rotated 2025-01-15; remove `dana` from its holders",
            "- [ ] Hand over component `reports` to a new owner",
            "- [ ] Hand over service account `reports-bot` to a new owner",
        ]
    );
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["person"], "dana");
    assert_eq!(json["credentials"][0]["action"], "rotate");
    assert_eq!(json["credentials"][0]["rotated_since_departure"], false);
}

#[test]
fn offboarding_lists_every_chain_through_diamonds() {
    let inv = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        "
people: [{id: ana}]
groups:
  - {id: a, members: [ana]}
  - {id: b, members: [ana, a]}
  - {id: top, members: [a, b]}
systems: [{id: s}]
grants: [{principal: top, system: s, level: admin}]
",
    )
    .unwrap();
    let access = EffectiveAccess::new(&inv);
    let plan = OffboardingPlan::new(&access, inv.person_by_id("ana").unwrap(), AT.parse().unwrap());
    assert_eq!(
        plan.grants[0].paths,
        [
            vec!["ana", "a", "top"],
            vec!["ana", "b", "top"],
            vec!["ana", "a", "b", "top"],
        ]
    );
    let gives: Vec<(&str, &[String])> = plan
        .memberships
        .iter()
        .map(|m| (m.group.as_str(), m.gives.as_slice()))
        .collect();
    assert_eq!(
        gives,
        [("a", &["top->s".to_owned()][..]), ("b", &["top->s".to_owned()][..])]
    );
}

#[test]
fn nothing_left_to_offboard() {
    let inv = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        "people: [{id: ana, status: departed, departed_at: 2026-01-01}]\nsystems: [{id: s}]\n\
         grants: [{principal: ana, system: s, level: read, expires_at: 2026-01-01}]\n",
    )
    .unwrap();
    let plan = OffboardingPlan::new(
        &EffectiveAccess::new(&inv),
        inv.person_by_id("ana").unwrap(),
        AT.parse().unwrap(),
    );
    assert!(plan.is_empty());
    assert!(
        plan.to_markdown()
            .ends_with("Nothing to remove: no grant, membership, credential or ownership remains.\n")
    );
}

#[test]
fn access_review_of_the_example_database() {
    let inv = example();
    let access = EffectiveAccess::new(&inv);
    let review = AccessReview::new(&access, inv.system_by_id("prod-db"), AT.parse().unwrap());
    assert_eq!(
        review.to_csv(),
        "system,principal,principal_kind,status,level,role,source,via,last_used_at,expires_at,flags\n\
         prod-db,dana,person,departed,write,app_rw,grant:dana->prod-db,directly,2026-08-02T00:00:00Z,,departed unused-90d\n\
         prod-db,maya,person,active,owner,postgres,grant:maya->prod-db,directly,2026-11-18T00:00:00Z,,\n\
         prod-db,reports-bot,service_account,enabled,read,reports_ro,grant:reports-bot->prod-db,directly,2026-11-21T00:00:00Z,,\n\
         prod-db,tom,person,active,read,app_readonly,grant:tom->prod-db,directly,2026-11-12T00:00:00Z,,\n"
    );
    let md = review.to_markdown();
    assert!(md.contains("\n## prod-db\n"));
    assert!(md.contains("| [ ] | dana (person) | departed | write | app_rw | grant:dana->prod-db | directly | 2026-08-02 | departed, unused-90d |"));
}

#[test]
fn access_review_flags_idle_grants_only_where_uses_are_recorded() {
    let inv = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        "people: [{id: ana}, {id: bo}]\nsystems: [{id: s}]\n\
         grants:\n\
         - {principal: ana, system: s, level: admin, granted_at: 2024-01-01}\n\
         - {principal: bo, system: s, level: admin, granted_at: 2024-01-01, usage: unknown}\n",
    )
    .unwrap();
    assert_eq!(inv.grants()[1].usage, ops_core::access::GrantUsage::Unknown);
    let access = EffectiveAccess::new(&inv);
    let review = AccessReview::new(&access, inv.system_by_id("s"), AT.parse().unwrap());
    let flags: Vec<String> = review
        .to_csv()
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(flags, ["unused-90d", ""]);
}

#[test]
fn access_review_csv_escapes_and_defuses_formulas() {
    let inv = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        "people: [{id: ana}]\nsystems: [{id: s}]\n\
         grants: [{principal: ana, system: s, level: read, role: '=HYPERLINK(\"x\"), admin'}]\n",
    )
    .unwrap();
    let review = AccessReview::new(&EffectiveAccess::new(&inv), None, AT.parse().unwrap());
    assert_eq!(
        review.to_csv().lines().nth(1).unwrap(),
        "s,ana,person,active,read,\"'=HYPERLINK(\"\"x\"\"), admin\",grant:ana->s,directly,,,"
    );
}
