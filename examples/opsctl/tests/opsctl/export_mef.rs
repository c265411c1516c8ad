//! `opsctl export mef` end to end on the example estate (the cut-set
//! round trip itself is in ops-core's tests/mef.rs).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use ops_core::Inventory;
use ops_core::graph::open_psa_mef;

use std::path::Path;

use crate::common;
use common::{opsctl, root};

#[test]
fn every_entry_to_standard_output() {
    let out = opsctl(&["export", "mef", "examples/inventories/startup"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let xml = String::from_utf8(out.stdout).unwrap();
    let inv = Inventory::load(&[root().join("examples/inventories/startup")]).unwrap();
    assert_eq!(xml, open_psa_mef(&inv, None).unwrap());
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    assert!(xml.contains("<define-fault-tree name=\"estate\">"));
    for top in ["storefront", "public-api", "ci"] {
        assert!(xml.contains(&format!("<define-gate name=\"down-{top}\">")), "{top}");
    }
}

#[test]
fn one_entry_to_a_file() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-mef");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("public-api.xml");
    let out = opsctl(&[
        "export",
        "mef",
        "examples/inventories/startup",
        "--entry",
        "public-api",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    let xml = std::fs::read_to_string(&file).unwrap();
    let inv = Inventory::load(&[root().join("examples/inventories/startup")]).unwrap();
    assert_eq!(xml, open_psa_mef(&inv, inv.component_by_id("public-api")).unwrap());
    assert!(xml.contains("<define-fault-tree name=\"entry-public-api\">"));
    assert!(!xml.contains("down-storefront"));
}

#[test]
fn not_an_entry_point() {
    for (id, message) in [
        ("dns", "error: 'dns' is not an entry point (entry: true)"),
        ("aws", "error: 'aws' is a domain, not a component"),
        ("nope", "error: no component 'nope' in the inventory"),
    ] {
        let out = opsctl(&["export", "mef", "examples/inventories/startup", "--entry", id]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), message);
        assert!(out.stdout.is_empty());
    }
}
