//! The meta-test over every built-in rule, read from the registry
//! (`ops_core::builtin`):
//! - ids are unique, kebab-case, and start with the name of the module that owns them;
//! - the documentation has the four headings, in order;
//! - each rule has a positive and a negative fixture under
//!   `tests/fixtures/rules/<owner>/<name>/`: `positive.yaml` gives exactly the
//!   findings in `positive.json` (and at least one), `negative.yaml` gives none;
//!   no fixture directory is left without a rule;
//! - the README's rule table is the registry's.
//!
//! `OPS_BLESS=1 cargo test -p ops-core --test rules` rewrites `positive.json`
//! from what the rule finds: read every change before committing it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ops_core::{Check, Context, Format, Inventory, Rule, builtin};

/// The instant every fixture is evaluated at.
const AT: &str = "2026-11-22T09:00:00Z";

const HEADINGS: [&str; 4] = ["## What it checks", "## Why it matters", "## Example", "## How to fix"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

fn rule_of(check: &dyn Check) -> &Rule {
    let [rule] = check.rules() else {
        panic!(
            "built-in check {} has {} rules, not one",
            check.name(),
            check.rules().len()
        )
    };
    rule
}

/// The findings of `check` on the inventory in `path`, as JSON values, or
/// why the fixture could not be read.
fn findings(check: &dyn Check, path: &Path) -> Result<Vec<serde_json::Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = format!(
        "{}/{}",
        path.parent().unwrap().file_name().unwrap().to_string_lossy(),
        path.file_name().unwrap().to_string_lossy()
    );
    let inventory =
        Inventory::from_text(&name, Format::Yaml, &text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    let mut found = check.run(&Context::new(&inventory, AT.parse().unwrap())).unwrap();
    found.sort_by(|a, b| (&a.location, &a.subject, &a.message).cmp(&(&b.location, &b.subject, &b.message)));
    Ok(found.iter().map(|f| serde_json::to_value(f).unwrap()).collect())
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

#[test]
fn ids_are_unique_kebab_case_and_named_after_their_owner() {
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for (owner, check) in builtin::rules() {
        let id = rule_of(check).id();
        if check.name() != id {
            problems.push(format!("check {} reports rule {id}", check.name()));
        }
        if !seen.insert(id) {
            problems.push(format!("{id}: defined twice"));
        }
        match id.split_once('/') {
            Some((prefix, name)) if prefix == owner && is_kebab(name) => {}
            _ => problems.push(format!("{id}: expected '{owner}/<kebab-case-name>'")),
        }
    }
    assert!(seen.len() >= 40, "the registry lost rules: {seen:?}");
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn every_rule_is_documented_under_the_four_headings() {
    let mut problems = Vec::new();
    for (_, check) in builtin::rules() {
        let rule = rule_of(check);
        if rule.summary().is_empty() || rule.summary().contains('\n') {
            problems.push(format!("{}: the summary must be one line", rule.id()));
        }
        let mut from = 0;
        for heading in HEADINGS {
            match rule.explanation()[from..].find(heading) {
                Some(at) => from += at + heading.len(),
                None => problems.push(format!("{}: no '{heading}' (after the previous heading)", rule.id())),
            }
        }
    }
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn every_rule_has_a_positive_and_a_negative_fixture() {
    let bless = std::env::var_os("OPS_BLESS").is_some_and(|v| !v.is_empty());
    let mut problems = Vec::new();
    for (_, check) in builtin::rules() {
        let id = rule_of(check).id();
        let dir = fixtures().join(id);
        let (positive, expected, negative) = (
            dir.join("positive.yaml"),
            dir.join("positive.json"),
            dir.join("negative.yaml"),
        );
        for file in [&positive, &negative] {
            if !file.exists() {
                problems.push(format!("{id}: missing {}", file.display()));
            }
        }
        if !positive.exists() || !negative.exists() {
            continue;
        }
        let found = match findings(check, &positive) {
            Ok(found) => found,
            Err(e) => {
                problems.push(format!("{id}: {e}"));
                continue;
            }
        };
        if found.is_empty() {
            problems.push(format!("{id}: positive.yaml gives no finding"));
        }
        if bless {
            let text = serde_json::to_string_pretty(&found).unwrap() + "\n";
            std::fs::write(&expected, text).unwrap();
        }
        match std::fs::read_to_string(&expected) {
            Err(e) => problems.push(format!("{id}: {}: {e}", expected.display())),
            Ok(text) => {
                let want: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
                if want != found {
                    problems.push(format!(
                        "{id}: positive.yaml gives\n{}\nbut positive.json expects\n{}",
                        serde_json::to_string_pretty(&found).unwrap(),
                        text
                    ));
                }
            }
        }
        let quiet = match findings(check, &negative) {
            Ok(quiet) => quiet,
            Err(e) => {
                problems.push(format!("{id}: {e}"));
                continue;
            }
        };
        if !quiet.is_empty() {
            problems.push(format!(
                "{id}: negative.yaml gives findings:\n{}",
                serde_json::to_string_pretty(&quiet).unwrap()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn no_fixture_is_left_without_a_rule() {
    let ids: BTreeSet<String> = builtin::rules().map(|(_, c)| c.name().to_owned()).collect();
    let mut stray = Vec::new();
    for owner in std::fs::read_dir(fixtures()).unwrap() {
        let owner = owner.unwrap();
        for rule in std::fs::read_dir(owner.path()).unwrap() {
            let id = format!(
                "{}/{}",
                owner.file_name().to_string_lossy(),
                rule.unwrap().file_name().to_string_lossy()
            );
            if !ids.contains(&id) {
                stray.push(id);
            }
        }
    }
    assert_eq!(stray, Vec::<String>::new());
}

/// The README's table of rules, as the registry has it.
fn rule_table() -> String {
    let mut table = String::from("| rule | default | finds |\n|---|---|---|\n");
    for (_, check) in builtin::rules() {
        let rule = rule_of(check);
        table += &format!(
            "| `{}` | {} | {} |\n",
            rule.id(),
            rule.default_severity(),
            rule.summary()
        );
    }
    table
}

#[test]
fn the_readme_rule_table_is_the_registry() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    let start = readme
        .find("| rule | default | finds |")
        .expect("the README has a rule table");
    let end = readme[start..].find("\n\n").map_or(readme.len(), |n| start + n + 1);
    let want = rule_table();
    assert!(
        readme[start..end] == want,
        "the README's rule table differs from the registry; it should read:\n\n{want}"
    );
}

#[test]
fn renamed_ids_point_at_rules_that_exist() {
    for (old, new) in builtin::RENAMED {
        assert!(builtin::find(old).is_none(), "{old} still exists");
        assert!(
            builtin::find(new).is_some(),
            "{old} was renamed to {new}, which does not exist"
        );
    }
}
