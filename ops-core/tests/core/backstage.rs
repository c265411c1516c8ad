//! Backstage catalogs as an inventory source: entity references with
//! Backstage's default kinds and namespaces, the ops.dev annotations, overlays,
//! and every problem reported at once with its file, line and column.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::path::{Path, PathBuf};

use ops_core::graph::Requirement;
use ops_core::import::{Backstage, BackstageInference, BackstageOptions, Importer, Input, Section};
use ops_core::{Error, Inventory, LoadOptions};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backstage")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ops-backstage-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Loads the catalog files written into a fresh directory, plus native files.
fn load(name: &str, catalog: &[(&str, &str)], native: &[(&str, &str)]) -> Result<Inventory, Error> {
    let dir = temp_dir(name);
    let (cat, inv) = (dir.join("catalog"), dir.join("inventory"));
    std::fs::create_dir_all(&cat).unwrap();
    std::fs::create_dir_all(&inv).unwrap();
    for (file, text) in catalog {
        std::fs::write(cat.join(file), text).unwrap();
    }
    for (file, text) in native {
        std::fs::write(inv.join(file), text).unwrap();
    }
    let mut options = LoadOptions::default();
    options.backstage = vec![cat];
    let paths: Vec<PathBuf> = if native.is_empty() { vec![] } else { vec![inv] };
    let result = Inventory::load_with(&paths, &options);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Problems, with the file path made relative to the fixtures.
fn problems(err: Error) -> Vec<String> {
    let list: Vec<String> = match err {
        Error::Invalid(list) => list.iter().map(ToString::to_string).collect(),
        Error::Import(list) => list.iter().map(ToString::to_string).collect(),
        other => panic!("expected validation or import problems, got {other}"),
    };
    let base = format!("{}/", fixtures().display());
    list.iter().map(|d| d.replace(&base, "")).collect()
}

/// The Backstage importer on catalog files given as (name, text).
fn import(files: &[(&str, &str)]) -> Result<ops_core::import::Imported, Error> {
    let inputs: Vec<Input<'_>> = files.iter().map(|(name, text)| Input::new(name, text)).collect();
    Backstage.import(&inputs, &BackstageOptions::default())
}

const ORG: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: platform}
spec: {type: department, children: [shop/web]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: web, namespace: shop}
spec: {type: team, parent: default/platform, members: [ann], children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ann, namespace: shop}
spec: {profile: {displayName: Ann Lee, email: ann@shop.example}, memberOf: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: bo}
spec: {memberOf: [shop/web, group:default/platform]}
";

const SHOP: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: storefront
  namespace: shop
  title: Storefront
  annotations: {ops.dev/entry: 'true', ops.dev/tier: '1', ops.dev/requires: 'at_least:1'}
spec:
  type: website
  lifecycle: production
  owner: web
  system: shop
  dependsOn: ['component:api', 'resource:default/cdn']
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: api, namespace: shop}
spec: {type: service, lifecycle: production, owner: 'user:default/bo'}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: orders-db, namespace: shop, annotations: {ops.dev/id: orders-db, ops.dev/domains: 'zone-a, zone-b'}}
spec: {type: PostgreSQL, owner: web, system: shop, dependencyOf: ['component:api']}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: cdn}
spec: {type: cdn, owner: 'group:shop/web'}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: shop, namespace: shop}
spec: {owner: web, domain: 'default/retail'}
---
apiVersion: backstage.io/v1alpha1
kind: Domain
metadata: {name: retail}
spec: {owner: platform}
";

const DOMAINS: &str = "domains:\n  - {id: zone-a, kind: zone}\n  - {id: zone-b, kind: zone}\n";

#[test]
fn references_follow_backstage_default_kinds_and_namespaces() {
    let inv = load(
        "refs",
        &[("org.yaml", ORG), ("shop.yaml", SHOP)],
        &[("domains.yaml", DOMAINS)],
    )
    .unwrap();
    let ids = |list: &[ops_core::Idx<ops_core::graph::Component>]| -> Vec<String> {
        list.iter().map(|&c| inv.component(c).id.clone()).collect()
    };
    let ids_of: Vec<&str> = inv.components().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids_of, ["shop/storefront", "shop/api", "orders-db", "cdn"]);

    let storefront = inv.component(inv.component_by_id("shop/storefront").unwrap());
    assert_eq!(storefront.name.as_deref(), Some("Storefront"));
    assert!(storefront.entry);
    assert_eq!(storefront.tier, Some(1));
    assert_eq!(storefront.requires, Requirement::AtLeast(1));
    assert_eq!(ids(&storefront.depends_on), ["shop/api", "cdn"]);
    assert_eq!(storefront.tags, ["system:shop", "business-domain:retail"]);

    // dependencyOf on the database adds the edge to the API.
    let api = inv.component(inv.component_by_id("shop/api").unwrap());
    assert_eq!(ids(&api.depends_on), ["orders-db"]);
    let owner = |c: &ops_core::graph::Component| -> Vec<String> {
        c.owners.iter().map(|&p| inv.principal_id(p).to_owned()).collect()
    };
    assert_eq!(owner(api), ["bo"]);
    assert_eq!(owner(storefront), ["shop/web"]);

    // spec.type PostgreSQL is a database, so stateful; domains from the annotation.
    let db = inv.component(inv.component_by_id("orders-db").unwrap());
    assert!(db.stateful);
    assert_eq!(db.kind.as_str(), "database");
    let domains: Vec<&str> = db.domains.iter().map(|&d| inv.domain(d).id.as_str()).collect();
    assert_eq!(domains, ["zone-a", "zone-b"]);
    assert!(!inv.component(inv.component_by_id("cdn").unwrap()).stateful);

    // Members from spec.members, spec.children, memberOf and parent, without repeats.
    let members = |id: &str| -> Vec<String> {
        let g = inv.groups().iter().find(|g| g.id == id).unwrap();
        g.members.iter().map(|&p| inv.principal_id(p).to_owned()).collect()
    };
    assert_eq!(members("platform"), ["shop/web", "bo"]);
    assert_eq!(members("shop/web"), ["shop/ann", "bo"]);
    let ann = inv.person(inv.person_by_id("shop/ann").unwrap());
    assert_eq!(
        (ann.name.as_deref(), ann.email.as_deref()),
        (Some("Ann Lee"), Some("ann@shop.example"))
    );
    assert!(inv.notes().is_empty());
}

#[test]
fn an_overlay_adds_to_imported_entities_by_id() {
    let overlay = "\
components:
  - id: shop/api
    requires: any
    depends_on: [orders-db, replica]   # orders-db repeats the catalog's edge
    domains: [zone-a]
    tags: [overlaid]
  - id: replica
    kind: database
people:
  - {id: bo, status: departed, departed_at: 2026-01-31}
groups:
  - {id: platform, members: [shop/ann]}
";
    let inv = load(
        "overlay",
        &[("org.yaml", ORG), ("shop.yaml", SHOP)],
        &[("domains.yaml", DOMAINS), ("overlay.yaml", overlay)],
    )
    .unwrap();
    assert_eq!(inv.components().len(), 5);
    let api = inv.component(inv.component_by_id("shop/api").unwrap());
    assert_eq!(api.requires, Requirement::Any);
    let deps: Vec<&str> = api.depends_on.iter().map(|&c| inv.component(c).id.as_str()).collect();
    assert_eq!(deps, ["orders-db", "replica"]);
    assert_eq!(api.tags, ["overlaid"]);
    let bo = inv.person(inv.person_by_id("bo").unwrap());
    assert_eq!(bo.status, ops_core::access::PersonStatus::Departed);
    let platform = inv.groups().iter().find(|g| g.id == "platform").unwrap();
    let members: Vec<&str> = platform.members.iter().map(|&p| inv.principal_id(p)).collect();
    assert_eq!(members, ["shop/web", "bo", "shop/ann"]);
}

#[test]
fn unknown_kinds_are_skipped_with_a_note() {
    let catalog = "\
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: root}
spec: {targets: [./a.yaml]}
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: new-service}
spec: {steps: []}
---
kind: Widget
metadata: {name: w1}
extra: fields of a kind ops skips are not its business
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: db}
spec: {type: database, owner: 'user:ann'}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ann}
spec: {}
";
    let inv = load("notes", &[("catalog-info.yaml", catalog)], &[]).unwrap();
    let notes: Vec<String> = inv.notes().iter().map(|n| n.message.clone()).collect();
    assert_eq!(
        notes,
        [
            "skipped Location 'root': ops imports only Component, Resource, System, Domain, Group and User",
            "skipped Template 'new-service': ops imports only Component, Resource, System, Domain, Group and User",
            "skipped Widget 'w1': ops imports only Component, Resource, System, Domain, Group and User",
        ]
    );
    let lines: Vec<u32> = inv.notes().iter().map(|n| n.location.as_ref().unwrap().line).collect();
    assert_eq!(lines, [2, 7, 11]);
    assert_eq!(inv.components().len(), 1);
}

#[test]
fn what_backstage_loads_loads_with_notes() {
    // Fields written by Backstage's group ingestion and by plugins, and
    // references to entities another provider ingests: Backstage loads all of it.
    let catalog = "\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: infra}
spec: {type: team, parent: engineering, children: [infra-oncall], ancestors: [engineering], descendants: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: data}
spec: {type: team, children: [], members: [user:people/ravi], ancestors: [engineering]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ledger, namespace: money, annotations: {example.com/pagerduty: P123}, owner-email: x@y}
spec:
  type: service
  lifecycle: production
  owner: group:default/infra
  system: payments
  dependsOn: [resource:ledger-db, component:default/fx-rates]
  dependencyOf: [component:checkout]
  costCenter: cc-17
  dependOn: [resource:ledger-db]
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: ledger-db, namespace: money}
spec: {type: database, owner: team-dba, costCenter: cc-17}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: billing, namespace: money}
spec: {owner: finance-eng, domain: default/finance}
";
    let inv = load("lenient", &[("all.yaml", catalog)], &[]).unwrap();
    let notes: Vec<String> = inv.notes().iter().map(|n| n.to_string()).collect();
    let notes: Vec<&str> = notes.iter().map(|n| &n[n.find("all.yaml").unwrap()..]).collect();
    assert_eq!(
        notes,
        [
            "all.yaml:13:88: metadata.owner-email: not a field ops reads; ignored on 1 Component",
            "all.yaml:4:67: spec.ancestors: not a field ops reads; ignored on 2 Groups",
            "all.yaml:21:3: spec.costCenter: not a field ops reads; ignored on 2 entities (Component, Resource)",
            "all.yaml:22:3: spec.dependOn: not a field ops reads (did you mean 'dependsOn'?); ignored on 1 Component",
            "all.yaml:4:93: spec.descendants: not a field ops reads; ignored on 1 Group",
            "all.yaml:4:28: spec.parent: 'group:default/engineering' is not in the given files; ignored",
            "all.yaml:4:52: spec.children: 'group:default/infra-oncall' is not in the given files; ignored",
            "all.yaml:9:44: spec.members: 'user:people/ravi' is not in the given files; ignored",
            "all.yaml:18:11: spec.system: 'system:money/payments' is not in the given files; ignored",
            "all.yaml:19:35: spec.dependsOn: 'component:default/fx-rates' is not in the given files; ignored",
            "all.yaml:20:18: spec.dependencyOf: 'component:money/checkout' is not in the given files; ignored",
            "all.yaml:27:31: spec.owner: 'group:money/team-dba' is not in the given files; ignored",
            "all.yaml:32:15: spec.owner: 'group:money/finance-eng' is not in the given files; ignored",
            "all.yaml:32:36: spec.domain: 'domain:default/finance' is not in the given files; ignored",
        ]
    );
    // The rest is loaded, and checked.
    let ledger = inv.component(inv.component_by_id("money/ledger").unwrap());
    let deps: Vec<&str> = ledger
        .depends_on
        .iter()
        .map(|&c| inv.component(c).id.as_str())
        .collect();
    assert_eq!(deps, ["money/ledger-db"]);
    assert_eq!(inv.components().len(), 2);
    let owners: Vec<&str> = ledger.owners.iter().map(|&p| inv.principal_id(p)).collect();
    assert_eq!(owners, ["infra"]);

    // What makes the analysis impossible stays a located error.
    let err = load(
        "lenient-broken",
        &[(
            "all.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {title: no name}\nspec: {type: database, owner: 'group:'}\n",
        )],
        &[],
    )
    .unwrap_err();
    let list = problems(err);
    let list: Vec<&str> = list.iter().map(|n| &n[n.find("all.yaml").unwrap()..]).collect();
    assert_eq!(list, ["all.yaml:3:11: missing required field 'name'"]);
}

#[test]
fn every_problem_is_reported_at_once_with_its_location() {
    let mut options = LoadOptions::default();
    options.backstage = vec![fixtures().join("broken")];
    let err = Inventory::load_with(&Vec::<PathBuf>::new(), &options).unwrap_err();
    assert_eq!(
        problems(err),
        [
            "broken/a.yaml:6:20: ops.dev/entry: expected 'true' or 'false', found 'yes'",
            "broken/a.yaml:7:23: unknown annotation 'ops.dev/requries' (did you mean 'ops.dev/requires'?)",
            "broken/a.yaml:8:22: unknown domain 'zone-a'",
            "broken/a.yaml:8:22: unknown domain 'zone-q'",
            "broken/a.yaml:13:15: spec.dependsOn: 'payment-db' has no kind, and Backstage gives spec.dependsOn none by default; did you mean 'resource:payment-db'?",
            "broken/a.yaml:22:19: ops.dev/tier: expected a tier from 1 (most critical) to 4, found 'high'",
            "broken/a.yaml:32:23: at_least: 3 is impossible: component 'lb' has only 1 dependency",
            "broken/b.yaml:20:9: duplicate entity 'resource:default/payment-db' (first defined at broken/a.yaml:17:1)",
            "broken/b.yaml:28:9: 'resource:default/shop' and 'component:default/shop' (at broken/a.yaml:1:1) would both be 'shop' in the inventory; give one an 'ops.dev/id' annotation",
            "broken/b.yaml:33:13: unsupported apiVersion 'backstage.io/v1beta9' for kind System; expected backstage.io/v1alpha1 or backstage.io/v1beta1",
            "broken/b.yaml:40:1: missing required field 'apiVersion' (is this a Backstage catalog file?)",
            "broken/b.yaml:44:1: expected a Backstage entity (a mapping with apiVersion, kind, metadata and spec), found a list",
        ]
    );
}

#[test]
fn the_importer_reports_catalog_problems_and_writes_loadable_json() {
    let err = Backstage
        .import_paths(&[fixtures().join("broken")], &BackstageOptions::default())
        .unwrap_err();
    // Only what the catalog alone shows: unknown failure domains and the
    // impossible at_least need the rest of the inventory.
    assert_eq!(problems(err).len(), 9);

    let catalog = import(&[("org.yaml", ORG), ("shop.yaml", SHOP)]).unwrap();
    assert_eq!(
        catalog.sections().collect::<Vec<_>>(),
        [(Section::Components, 4), (Section::People, 2), (Section::Groups, 2)]
    );
    let json = catalog.to_inventory_json();
    let text = format!("{}\n", json.trim_end().trim_end_matches('}').trim_end())
        + ",\n\"domains\": [{\"id\": \"zone-a\", \"kind\": \"zone\"}, {\"id\": \"zone-b\", \"kind\": \"zone\"}]}\n";
    let inv = Inventory::from_text("backstage.json", ops_core::Format::Json, &text).unwrap();
    let ids: Vec<&str> = inv.components().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["shop/storefront", "shop/api", "orders-db", "cdn"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["components"][2],
        serde_json::json!({
            "id": "orders-db", "kind": "database", "owners": ["shop/web"],
            "domains": ["zone-a", "zone-b"], "tags": ["system:shop", "business-domain:retail"]
        })
    );
}

#[test]
fn yaml_bounds_apply_to_catalogs() {
    let mut bomb =
        String::from("apiVersion: backstage.io/v1alpha1\nkind: Component\nx-a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..8 {
        let p = i - 1;
        bomb.push_str(&format!(
            "x-a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let err = import(&[("bomb.yaml", &bomb)]).unwrap_err();
    assert_eq!(
        problems(err),
        ["bomb.yaml:7:47: YAML aliases expand to more than 100000 nodes; refusing to expand further (an alias bomb?)"]
    );
}

#[test]
fn annotation_values_must_be_strings_and_each_bad_one_is_reported() {
    let catalog = "\
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: db
  annotations:
    ops.dev/tier: 1
    ops.dev/entry: true
    ops.dev/availability: 0.999
    ops.dev/domains: [zone-a]
    backstage.io/techdocs-ref: dir:.
spec: {type: database}
";
    let err = import(&[("c.yaml", catalog)]).unwrap_err();
    assert_eq!(
        problems(err),
        [
            "c.yaml:6:19: annotations.ops.dev/tier: annotation values are strings in Backstage; quote it: ops.dev/tier: \"1\"",
            "c.yaml:7:20: annotations.ops.dev/entry: annotation values are strings in Backstage; quote it: ops.dev/entry: \"true\"",
            "c.yaml:8:27: annotations.ops.dev/availability: annotation values are strings in Backstage; quote it: ops.dev/availability: \"0.999\"",
            "c.yaml:9:22: annotations.ops.dev/domains: expected a string, found a list",
        ]
    );
}

/// Problems of a load from [`load`], with its temporary directory left out.
fn load_problems(name: &str, catalog: &[(&str, &str)], native: &[(&str, &str)]) -> Vec<String> {
    let base = format!("{}/", temp_dir(name).display());
    match load(name, catalog, native) {
        Ok(_) => panic!("expected problems"),
        Err(e) => problems(e).iter().map(|p| p.replace(&base, "")).collect(),
    }
}

#[test]
fn references_to_what_the_catalog_could_not_read_are_not_reported_again() {
    // The database is defined, but unreadably: the native file's reference to
    // it is not a second problem, and the catalog's own reference neither.
    let catalog = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: shop}
spec: {type: service, lifecycle: production, dependsOn: ['resource:payment-db']}
---
apiVersion: backstage.io/v1beta9
kind: Resource
metadata: {name: payment-db}
spec: {type: database}
";
    let native = "components:\n  - {id: reports, depends_on: [payment-db, paymnt-db]}\n";
    assert_eq!(
        load_problems("unreadable", &[("c.yaml", catalog)], &[("reports.yaml", native)]),
        [
            "catalog/c.yaml:6:13: unsupported apiVersion 'backstage.io/v1beta9' for kind Resource; expected \
             backstage.io/v1alpha1 or backstage.io/v1beta1",
            "inventory/reports.yaml:2:44: unknown component 'paymnt-db'",
        ]
    );
}

#[test]
fn a_catalog_file_that_does_not_parse_hides_its_ids() {
    // Its entities are unknown, so no reference can be called dangling.
    let catalog = "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: [payment-db}\n";
    let native = "components:\n  - {id: reports, depends_on: [payment-db]}\n";
    assert_eq!(
        load_problems("unparsable", &[("c.yaml", catalog)], &[("reports.yaml", native)]),
        ["catalog/c.yaml:3:29: invalid YAML: while parsing a flow sequence, expected ',' or ']'"]
    );
}

#[test]
fn a_catalog_file_that_cannot_be_read_hides_its_ids_too() {
    let dir = temp_dir("unreadable-file");
    std::fs::create_dir_all(dir.join("catalog")).unwrap();
    std::fs::write(
        dir.join("catalog/c.yaml"),
        b"kind: Resource\nmetadata: {name: payment-\xff}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("reports.yaml"),
        "components:\n  - {id: reports, depends_on: [payment-db]}\n",
    )
    .unwrap();
    let mut options = LoadOptions::default();
    options.backstage = vec![dir.join("catalog")];
    let err = Inventory::load_with(&[dir.join("reports.yaml")], &options).unwrap_err();
    let base = format!("{}/", dir.display());
    let _ = std::fs::remove_dir_all(&dir);
    let list: Vec<String> = problems(err).iter().map(|p| p.replace(&base, "")).collect();
    assert_eq!(list, ["catalog/c.yaml: not valid UTF-8 (at byte 40)"]);
}

#[test]
fn logical_and_replicas_annotations_describe_clusters() {
    let catalog = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
  annotations:
    ops.dev/entry: 'true'
    ops.dev/replicas: '3; min=2; spread=zone-a,zone-b'
spec: {type: website, lifecycle: production, owner: team, dependsOn: [resource:pg]}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: pg
  annotations: {ops.dev/logical: 'true', ops.dev/requires: any}
spec: {type: database, owner: team, dependsOn: [resource:pg-a, resource:pg-b]}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: pg-a}
spec: {type: database, owner: team}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: pg-b}
spec: {type: database, owner: team}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team}
spec: {type: team, children: []}
";
    let zones = "domains: [{id: zone-a, kind: zone}, {id: zone-b, kind: zone}]\n";
    let inv = load("clusters", &[("all.yaml", catalog)], &[("zones.yaml", zones)]).unwrap();
    let pg = inv.component(inv.component_by_id("pg").unwrap());
    assert!(pg.logical);
    let web = inv.component(inv.component_by_id("web").unwrap());
    assert_eq!(web.requires, Requirement::AtLeast(2));
    let web3 = inv.component(inv.component_by_id("web#3").unwrap());
    assert_eq!(inv.domain(web3.domains[0]).id, "zone-a");
    let spofs = ops_core::graph::FailureAnalysis::new(&inv).spofs();
    assert_eq!(spofs.entries()[0].spofs, []);

    let bad = catalog.replace("'3; min=2; spread=zone-a,zone-b'", "'3; most=2'");
    let got = problems(load("clusters-bad", &[("all.yaml", &bad)], &[("zones.yaml", zones)]).unwrap_err());
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].ends_with(
            "all.yaml:7:23: ops.dev/replicas: unknown part 'most=2'; expected a count, optionally with '; min=K' and \
             '; spread=DOMAIN,DOMAIN' (e.g. '3; min=2; spread=zone-a,zone-b,zone-c')"
        ),
        "{got:?}"
    );
}

/// The ids of the components that match, in inventory order.
fn component_ids(inv: &Inventory, keep: impl Fn(&ops_core::graph::Component) -> bool) -> Vec<&str> {
    inv.components()
        .iter()
        .filter(|c| keep(c))
        .map(|c| c.id.as_str())
        .collect()
}

fn dependencies<'a>(inv: &'a Inventory, id: &str) -> Vec<&'a str> {
    let c = inv.component(inv.component_by_id(id).unwrap());
    c.depends_on.iter().map(|&d| inv.component(d).id.as_str()).collect()
}

fn load_wild(infer: BackstageInference) -> Inventory {
    let mut options = LoadOptions::default();
    options.backstage = vec![fixtures().join("wild")];
    options.backstage_infer = infer;
    Inventory::load_with(&Vec::<PathBuf>::new(), &options).unwrap()
}

#[test]
fn an_unannotated_catalog_loads_with_notes_and_gives_entry_points_and_dependencies() {
    let inv = load_wild(BackstageInference::default());
    let base = format!("{}/", fixtures().display());
    let notes: Vec<String> = inv.notes().iter().map(|n| n.to_string().replace(&base, "")).collect();
    assert_eq!(
        notes,
        [
            "wild/booking.yaml:23:7: skipped API 'booking-api': ops imports only Component, Resource, System, Domain, Group and User",
            "wild/booking.yaml:63:7: skipped API 'fares-api': ops imports only Component, Resource, System, Domain, Group and User",
            "wild/systems.yaml:46:7: skipped Location 'harbourline-catalog': ops imports only Component, Resource, System, Domain, Group and User",
            "wild/org.yaml:22:3: spec.ancestors: not a field ops reads; ignored on 3 Groups",
            "wild/booking.yaml:20:3: spec.costCenter: not a field ops reads; ignored on 2 Components",
            "wild/org.yaml:23:3: spec.descendants: not a field ops reads; ignored on 1 Group",
            "wild/fleet.yaml:28:3: spec.pagerdutyService: not a field ops reads; ignored on 1 Component",
            "wild/booking.yaml:19:37: spec.dependsOn: 'component:marketing/cms' is not in the given files; ignored",
            "wild/booking.yaml:129:10: spec.owner: 'group:default/payments-team' is not in the given files; ignored",
            "wild/booking.yaml:138:31: spec.owner: 'group:default/payments-team' is not in the given files; ignored",
            "wild/org.yaml:62:28: spec.memberOf: 'group:default/oncall' is not in the given files; ignored",
            "wild/systems.yaml:33:10: spec.owner: 'group:default/payments-team' is not in the given files; ignored",
            "wild/systems.yaml:34:11: spec.domain: 'domain:default/finance' is not in the given files; ignored",
        ]
    );

    // Entry points from spec.type website; ops.dev/entry "false" still wins.
    let entries: Vec<&str> = inv.entries().iter().map(|&c| inv.component(c).id.as_str()).collect();
    assert_eq!(entries, ["booking-web", "fleet/tracker-web"]);
    let web = inv.component(inv.component_by_id("booking-web").unwrap());
    assert_eq!(
        web.tags,
        [
            "typescript",
            "system:booking",
            "business-domain:travel",
            "inferred:entry from spec.type website",
            "inferred:depends_on api:booking-api from spec.consumesApis api:default/booking-api",
            "inferred:depends_on fares from spec.consumesApis api:default/fares-api",
        ]
    );

    // consumesApis through the provider, or through a logical component
    // over several providers; subcomponentOf: the parent needs it.
    assert_eq!(
        dependencies(&inv, "booking-web"),
        ["harbour-dns", "api:booking-api", "fares"]
    );
    assert_eq!(
        dependencies(&inv, "api:booking-api"),
        ["booking-api-north", "booking-api-south"]
    );
    assert_eq!(dependencies(&inv, "fares"), ["fares-cache", "fares-importer"]);
    assert_eq!(
        dependencies(&inv, "booking-api-north"),
        ["bookings-db", "booking-events", "payment-gateway"]
    );
    assert_eq!(
        dependencies(&inv, "fleet/tracker-web"),
        ["harbour-dns", "api:fleet/positions-api"]
    );
    let api = inv.component(inv.component_by_id("api:booking-api").unwrap());
    assert!(api.logical);
    assert_eq!(api.requires, Requirement::Any);
    assert_eq!(
        api.tags,
        ["inferred:logical api:default/booking-api, provided by booking-api-north, booking-api-south"]
    );
    let owners: Vec<&str> = api.owners.iter().map(|&p| inv.principal_id(p)).collect();
    assert_eq!(owners, ["team-booking"]);
    assert_eq!(
        component_ids(&inv, |c| c.logical),
        ["api:booking-api", "api:fleet/positions-api"]
    );

    // Stateful by spec.type: databases, queues, buckets and storage, not caches.
    assert_eq!(
        component_ids(&inv, |c| c.stateful),
        [
            "bookings-db",
            "booking-events",
            "timetables-bucket",
            "payments-db",
            "fleet/positions-stream",
            "fleet/voyage-archive",
        ]
    );
}

#[test]
fn inference_can_be_turned_off_or_given_other_entry_types() {
    let inv = load_wild(BackstageInference::none());
    assert!(inv.entries().is_empty());
    assert_eq!(dependencies(&inv, "booking-web"), ["harbour-dns"]);
    assert_eq!(dependencies(&inv, "fares"), ["fares-cache"]);
    assert!(inv.component_by_id("api:booking-api").is_none());
    assert!(
        inv.components()
            .iter()
            .all(|c| c.tags.iter().all(|t| !t.starts_with("inferred:")))
    );

    let mut services = BackstageInference::default();
    services.entry_types = vec!["Service".to_owned()];
    let inv = load_wild(services);
    let entries: Vec<&str> = inv.entries().iter().map(|&c| inv.component(c).id.as_str()).collect();
    assert_eq!(
        entries,
        [
            "booking-api-north",
            "booking-api-south",
            "fares",
            "fares-importer",
            "payment-gateway",
            "fleet/positions-a",
            "fleet/positions-b",
        ]
    );
}

#[test]
fn inferred_dependencies_respect_written_rules_and_say_what_they_skip() {
    let catalog = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: edge
  annotations: {ops.dev/requires: any}
spec: {type: website, lifecycle: production, owner: 'user:ann', dependsOn: ['component:a', 'component:b'], consumesApis: [search]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: a}
spec: {type: service, lifecycle: production, owner: 'user:ann', providesApis: [search], consumesApis: [search, geo]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: b}
spec: {type: service, lifecycle: production, owner: 'user:ann', subcomponentOf: a, consumesApis: ['component:a']}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ann}
spec: {}
";
    let inv = load("infer-rules", &[("all.yaml", catalog)], &[]).unwrap();
    let notes: Vec<String> = inv.notes().iter().map(|n| n.to_string()).collect();
    let notes: Vec<&str> = notes.iter().map(|n| &n[n.find("all.yaml").unwrap()..]).collect();
    assert_eq!(
        notes,
        [
            "all.yaml:1:1: component:default/edge: ops.dev/requires 'any' is about the dependencies written in \
             dependsOn, so those inferred (a) are not added; write them in dependsOn if they belong under it",
            "all.yaml:11:112: spec.consumesApis: no component in the given files provides 'api:default/geo'; \
             no dependency inferred",
            "all.yaml:16:99: spec.consumesApis: 'component:a' is not an API; ignored",
        ]
    );
    // The written rule keeps its meaning; a consumes its own API: nothing.
    assert_eq!(dependencies(&inv, "edge"), ["a", "b"]);
    assert_eq!(dependencies(&inv, "a"), ["b"]);

    // A malformed API reference is an error, located.
    let err = load(
        "infer-broken",
        &[(
            "all.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: c}\n\
             spec: {type: service, lifecycle: production, providesApis: ['api:']}\n",
        )],
        &[],
    )
    .unwrap_err();
    let list = problems(err);
    let list: Vec<&str> = list.iter().map(|n| &n[n.find("all.yaml").unwrap()..]).collect();
    assert_eq!(
        list,
        ["all.yaml:4:61: spec.providesApis: 'api:' is not an entity reference: expected [kind:][namespace/]name"]
    );
}

#[test]
fn references_elsewhere_get_a_did_you_mean_search_only_up_to_a_bound() {
    let mut catalog = String::from(
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-web}\nspec: {type: team, children: []}\n",
    );
    for i in 0..101 {
        catalog.push_str(&format!(
            "---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {{name: r{i}}}\n\
             spec: {{type: cdn, owner: team-wbe}}\n"
        ));
    }
    let catalog = import(&[("all.yaml", &catalog)]).unwrap();
    let notes: Vec<String> = catalog.notes().iter().map(ToString::to_string).collect();
    assert_eq!(notes.len(), 101);
    assert_eq!(
        notes[99],
        "all.yaml:504:26: spec.owner: 'group:default/team-wbe' is not in the given files \
         (did you mean 'group:default/team-web'?); ignored"
    );
    assert_eq!(
        notes[100],
        "all.yaml:509:26: spec.owner: 'group:default/team-wbe' is not in the given files; ignored"
    );
}

#[test]
fn an_api_name_that_cannot_be_an_id_infers_nothing_and_says_so() {
    let catalog = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: web}
spec: {type: website, lifecycle: production, consumesApis: ['geo maps']}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: geo-1}
spec: {type: service, lifecycle: production, providesApis: ['geo maps']}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: geo-2}
spec: {type: service, lifecycle: production, providesApis: ['geo maps']}
";
    let inv = load("infer-bad-id", &[("all.yaml", catalog)], &[]).unwrap();
    let notes: Vec<String> = inv.notes().iter().map(|n| n.to_string()).collect();
    let notes: Vec<&str> = notes.iter().map(|n| &n[n.find("all.yaml").unwrap()..]).collect();
    assert_eq!(
        notes,
        [
            "all.yaml:4:61: spec.consumesApis: 'api:default/geo maps' is provided by 2 components, but 'api:geo maps' \
             cannot be the id of the logical component over them (' ' is not allowed; use letters, digits and - _ . : / @); \
             no dependency inferred"
        ]
    );
    assert_eq!(dependencies(&inv, "web"), Vec::<&str>::new());
    assert_eq!(inv.components().len(), 3);
}
