//! Pins down how the inventory loader reports problems: the exact message and
//! the exact `file:line:column` of every one, in YAML, TOML and JSON, and that
//! hostile input (huge files, deep nesting, alias bombs) fails fast and clearly.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ops_core::access::{PersonStatus, Principal};
use ops_core::backup::retention::Bucket;
use ops_core::backup::{CronSchedule, KeepCount, RetentionPolicy, Schedule};
use ops_core::graph::{ComponentKind, DomainKind, Requirement};
use ops_core::time::parse_instant;
use ops_core::{Error, Format, Inventory, LoadOptions, Location};

// ---------------------------------------------------------------- helpers

/// The problems of a failed load, as displayed; `dir` (if any) is shown as `<dir>`.
fn problems_of(result: Result<Inventory, Error>, dir: Option<&Path>) -> Vec<String> {
    match result {
        Ok(_) => panic!("expected problems, but the inventory loaded"),
        Err(Error::Invalid(diagnostics)) => diagnostics
            .iter()
            .map(|d| {
                let text = d.to_string();
                match dir {
                    Some(dir) => text.replace(&dir.display().to_string(), "<dir>"),
                    None => text,
                }
            })
            .collect(),
        Err(other) => panic!("expected Error::Invalid, got {other:?}"),
    }
}

fn yaml(text: &str) -> Vec<String> {
    problems_of(Inventory::from_text("inv.yaml", Format::Yaml, text), None)
}

fn toml(text: &str) -> Vec<String> {
    problems_of(Inventory::from_text("inv.toml", Format::Toml, text), None)
}

fn json(text: &str) -> Vec<String> {
    problems_of(Inventory::from_text("inv.json", Format::Json, text), None)
}

fn loads(name: &str, format: Format, text: &str) -> Inventory {
    Inventory::from_text(name, format, text).unwrap_or_else(|e| panic!("{name} should load: {e}"))
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("ops-core-validation-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn problems(&self) -> Vec<String> {
        problems_of(Inventory::load(std::slice::from_ref(&self.0)), Some(&self.0))
    }

    fn problems_with(&self, options: &LoadOptions) -> Vec<String> {
        problems_of(
            Inventory::load_with(std::slice::from_ref(&self.0), options),
            Some(&self.0),
        )
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `f`, asserting it takes less than a (generous) bound.
fn quickly<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "{what} took {took:?}");
    out
}

// ------------------------------------------------------ 1. syntax errors

#[test]
fn yaml_syntax_errors() {
    assert_eq!(
        yaml("components:\n  - id: web\n    depends_on: [db\n"),
        ["inv.yaml:4:1: invalid YAML: while parsing a flow sequence, expected ',' or ']'"]
    );
    // Without a final line break the end of the file is on the last line.
    assert_eq!(
        yaml("components:\n  - id: web\n    depends_on: [db"),
        ["inv.yaml:3:20: invalid YAML: while parsing a flow sequence, expected ',' or ']'"]
    );
    assert_eq!(
        yaml("components:\n  - {id: wéb, depends_on: [db"),
        ["inv.yaml:2:30: invalid YAML: while parsing a flow sequence, expected ',' or ']'"]
    );
    assert_eq!(
        yaml("components:\n  - id: web\n   kind: service\n"),
        ["inv.yaml:3:4: invalid YAML: while parsing a block collection, did not find expected '-' indicator"]
    );
    assert_eq!(
        yaml("components:\n  - id: \"web\n"),
        ["inv.yaml:2:9: invalid YAML: while scanning a quoted scalar, found unexpected end of stream"]
    );
    assert_eq!(
        yaml("components:\n  - id: web\n    id: api\n"),
        ["inv.yaml:3:5: duplicate key 'id' (first given at inv.yaml:2:5)"]
    );
    assert_eq!(
        yaml("components:\n  - id: web\n    tags: !!binary AAAA\n"),
        ["inv.yaml:3:11: unsupported YAML tag 'tag:yaml.org,2002:binary'"]
    );
}

#[test]
fn toml_syntax_errors() {
    assert_eq!(
        toml("[[components]]\nid = \"web\"\ndepends_on = [\"db\"\n"),
        ["inv.toml:3:19: invalid TOML: unclosed array, expected `]`"]
    );
    assert_eq!(
        toml("[[components]]\nid = web\n"),
        ["inv.toml:2:6: invalid TOML: string values must be quoted, expected literal string"]
    );
    assert_eq!(
        toml("[[components]]\nid = \"web\"\nid = \"api\"\n"),
        ["inv.toml:3:1: invalid TOML: duplicate key 'id'"]
    );
}

#[test]
fn json_syntax_errors() {
    assert_eq!(
        json("{\"components\": [{\"id\": \"web\",}]}"),
        ["inv.json:1:30: invalid JSON: expected a string key, found '}'"]
    );
    assert_eq!(
        json("{\n  \"components\": [\n    {\"id\": \"web\" \"kind\": \"service\"}\n  ]\n}"),
        ["inv.json:3:18: invalid JSON: expected ',' or '}', found '\"'"]
    );
    assert_eq!(
        json("{\"components\": [{\"id\": \"web\", \"id\": \"api\"}]}"),
        ["inv.json:1:31: duplicate key 'id' (first given at inv.json:1:18)"]
    );
    assert_eq!(
        json(""),
        ["inv.json:1:1: invalid JSON: expected a value, found the end of the file"]
    );
    assert_eq!(
        json("{\"components\": [{\"id\": 'web'}]}"),
        ["inv.json:1:24: invalid JSON: expected a value, found '''"]
    );
}

#[test]
fn a_document_that_is_not_a_mapping_of_sections() {
    assert_eq!(
        yaml("- id: web\n"),
        ["inv.yaml:1:1: expected a mapping of sections (components, domains, ...), found a list"]
    );
    assert_eq!(
        json("[]"),
        ["inv.json:1:1: expected a mapping of sections (components, domains, ...), found a list"]
    );
}

// ------------------------------------------------------- 2. unknown names

#[test]
fn unknown_field_with_a_hint_in_every_format() {
    assert_eq!(
        yaml("components:\n  - id: web\n    dependson: [db]\n  - id: db\n"),
        ["inv.yaml:3:5: unknown field 'dependson' (did you mean 'depends_on'?)"]
    );
    assert_eq!(
        toml("[[components]]\nid = \"web\"\ndependson = [\"db\"]\n\n[[components]]\nid = \"db\"\n"),
        ["inv.toml:3:1: unknown field 'dependson' (did you mean 'depends_on'?)"]
    );
    assert_eq!(
        json("{\"components\": [\n  {\"id\": \"web\", \"dependson\": [\"db\"]},\n  {\"id\": \"db\"}\n]}"),
        ["inv.json:2:17: unknown field 'dependson' (did you mean 'depends_on'?)"]
    );
}

#[test]
fn unknown_field_without_a_close_match_lists_the_fields() {
    assert_eq!(
        yaml("components:\n  - id: web\n    colour: red\n"),
        [
            "inv.yaml:3:5: unknown field 'colour'; expected one of: id, name, kind, description, entry, requires, \
             depends_on, logical, replicas, tier, owners, domains, stateful, availability, slo, tags"
        ]
    );
}

#[test]
fn unknown_field_in_a_nested_mapping() {
    assert_eq!(
        yaml(
            "components:\n  - id: db\nbackup_policies:\n  - id: nightly\n    protects: db\n    retention: {keep_dayly: 7}\n"
        ),
        ["inv.yaml:6:17: unknown field 'keep_dayly' (did you mean 'keep_daily'?)"]
    );
}

#[test]
fn unknown_value_of_a_closed_set() {
    assert_eq!(
        yaml("components:\n  - id: db\n    kind: databse\n"),
        [
            "inv.yaml:3:11: kind: unknown value 'databse' (did you mean 'database'?); expected one of: service, \
             database, queue, cache, object_store, file_store, dns, load_balancer, cdn, ci, network, compute, \
             external, other"
        ]
    );
}

#[test]
fn unknown_sections() {
    assert_eq!(
        yaml("componets:\n  - id: web\n"),
        ["inv.yaml:1:1: unknown section 'componets' (did you mean 'components'?)"]
    );
    assert_eq!(
        toml("[[servers]]\nid = \"web\"\n"),
        [
            "inv.toml:1:3: unknown section 'servers'; expected one of: components, domains, people, \
             service_accounts, groups, systems, grants, credentials, access_events, backup_policies, backup_runs, \
             restore_drills, jobs, job_runs, experiments, incidents, incident, problems, changes, waivers"
        ]
    );
}

// ----------------------------------------------------------- 3. duplicates

#[test]
fn duplicate_ids_in_one_file() {
    assert_eq!(
        yaml("components:\n  - id: web\n  - id: db\n  - id: web\n"),
        ["inv.yaml:4:9: duplicate component id 'web' (first defined at inv.yaml:2:9)"]
    );
    // across the documents of one YAML stream
    assert_eq!(
        yaml("people:\n  - id: dana\n---\npeople:\n  - id: dana\n"),
        ["inv.yaml:5:9: duplicate person id 'dana' (first defined at inv.yaml:2:9)"]
    );
}

#[test]
fn duplicate_id_written_through_a_yaml_alias_points_at_the_alias() {
    assert_eq!(
        yaml("components:\n  - &web {id: web}\n  - *web\n"),
        ["inv.yaml:3:5: duplicate component id 'web' (first defined at inv.yaml:2:15)"]
    );
    // Problems inside the copy are reported at the alias, each one once.
    assert_eq!(
        yaml("components:\n  - &x {id: a, nmae: A, tir: 1}\n  - *x\n"),
        [
            "inv.yaml:2:16: unknown field 'nmae' (did you mean 'name'?)",
            "inv.yaml:2:25: unknown field 'tir' (did you mean 'tier'?)",
            "inv.yaml:3:5: duplicate component id 'a' (first defined at inv.yaml:2:13)",
            "inv.yaml:3:5: unknown field 'nmae' (did you mean 'name'?)",
            "inv.yaml:3:5: unknown field 'tir' (did you mean 'tier'?)",
        ]
    );
}

#[test]
fn duplicate_ids_across_the_files_of_a_directory() {
    let dir = TempDir::new("dup");
    dir.write("a.yaml", "components:\n  - id: web\n  - id: db\n");
    dir.write("b/c.toml", "[[components]]\nid = \"db\"\n");
    dir.write("d.json", "{\"components\": [{\"id\": \"web\"}]}");
    assert_eq!(
        dir.problems(),
        [
            "<dir>/b/c.toml:2:6: duplicate component id 'db' (first defined at <dir>/a.yaml:3:9)",
            "<dir>/d.json:1:24: duplicate component id 'web' (first defined at <dir>/a.yaml:2:9)",
        ]
    );
}

#[test]
fn components_and_domains_share_one_namespace() {
    assert_eq!(
        yaml("components:\n  - id: eu\ndomains:\n  - id: eu\n    kind: region\n"),
        [
            "inv.yaml:4:9: domain id 'eu' is also used by the component at inv.yaml:2:9 (components and domains share one set of ids)"
        ]
    );
    // people, service accounts and groups share another
    assert_eq!(
        yaml("people:\n  - id: ops\ngroups:\n  - id: ops\n"),
        [
            "inv.yaml:4:9: group id 'ops' is also used by the person at inv.yaml:2:9 (people, service accounts and groups share one set of ids)"
        ]
    );
}

// ------------------------------------------------- 4. dangling references

#[test]
fn dangling_component_reference() {
    assert_eq!(
        yaml("components:\n  - id: web\n    depends_on: [dbb]\n  - id: db\n"),
        ["inv.yaml:3:18: unknown component 'dbb' (did you mean 'db'?)"]
    );
    // no plausible candidate: no hint
    assert_eq!(
        yaml("components:\n  - id: web\n    depends_on: [postgres]\n  - id: db\n"),
        ["inv.yaml:3:18: unknown component 'postgres'"]
    );
}

#[test]
fn dangling_references_of_every_kind() {
    let text = "\
components:
  - id: db
    domains: [zone-b]
    owners: [alcie]
domains:
  - {id: zone-a, kind: zone, parent: eu-wset}
  - {id: eu-west, kind: region}
people:
  - id: alice
service_accounts:
  - {id: backup-bot, owner: bakcup-bot}
systems:
  - {id: aws, component: dbx}
grants:
  - {principal: alice, system: awss, level: admin}
backup_policies:
  - id: nightly
    protects: db
    copies:
      - {location: s3, deletable_by: [alic]}
backup_runs:
  - {policy: nighlty, started_at: 2026-01-01T03:00:00Z, status: success}
";
    assert_eq!(
        yaml(text),
        [
            "inv.yaml:3:15: unknown domain 'zone-b' (did you mean 'zone-a'?)",
            "inv.yaml:4:14: unknown person, service account or group 'alcie' (did you mean 'alice'?)",
            "inv.yaml:6:38: unknown domain 'eu-wset' (did you mean 'eu-west'?)",
            "inv.yaml:11:29: unknown person 'bakcup-bot'",
            "inv.yaml:13:26: unknown component 'dbx' (did you mean 'db'?)",
            "inv.yaml:15:32: unknown system 'awss' (did you mean 'aws'?)",
            "inv.yaml:20:39: unknown principal or credential 'alic' (did you mean 'alice'?)",
            "inv.yaml:22:14: unknown backup policy 'nighlty' (did you mean 'nightly'?)",
        ]
    );
}

#[test]
fn references_to_an_entity_that_failed_to_read_are_not_reported_again() {
    // `db` is broken by its tier; `web` depending on it is not a second problem.
    assert_eq!(
        yaml("components:\n  - id: web\n    depends_on: [db]\n  - id: db\n    tier: high\n"),
        ["inv.yaml:5:11: tier: expected an integer, found the string 'high'"]
    );
    // Likewise for a principal or credential that may delete a backup copy.
    assert_eq!(
        yaml(
            "people:\n  - {id: dana, status: gone}\ncomponents:\n  - id: db\nbackup_policies:\n  - id: n\n    \
             protects: db\n    copies: [{location: s3, deletable_by: [dana]}]\n"
        ),
        ["inv.yaml:2:24: status: unknown value 'gone'; expected one of: active, on_leave, departed"]
    );
    // A whole section that cannot be read: its ids are unknown, so nothing
    // referring to them is called dangling.
    assert_eq!(
        yaml("components: {id: db}\nsystems:\n  - {id: pg, component: db}\n"),
        ["inv.yaml:1:13: expected a list, found a mapping"]
    );
}

// --------------------------------------------------- 5. impossible rules

#[test]
fn at_least_more_than_the_dependencies() {
    assert_eq!(
        yaml(
            "components:\n  - id: lb\n    requires: {at_least: 4}\n    depends_on: [a, b, c]\n  - id: a\n  - id: b\n  \
             - id: c\n"
        ),
        ["inv.yaml:3:26: at_least: 4 is impossible: component 'lb' has only 3 dependencies"]
    );
    assert_eq!(
        yaml("components:\n  - id: lb\n    requires: {at_least: 2}\n    depends_on: [a]\n  - id: a\n"),
        ["inv.yaml:3:26: at_least: 2 is impossible: component 'lb' has only 1 dependency"]
    );
}

#[test]
fn at_least_zero() {
    assert_eq!(
        yaml("components:\n  - id: lb\n    requires: {at_least: 0}\n    depends_on: [a]\n  - id: a\n"),
        ["inv.yaml:3:26: at_least must be 1 or more; found 0"]
    );
}

#[test]
fn requires_any_without_dependencies() {
    assert_eq!(
        yaml("components:\n  - id: lb\n    requires: any\n"),
        ["inv.yaml:3:15: component 'lb' requires any of its dependencies but has none"]
    );
}

#[test]
fn self_dependency_and_repeated_dependency() {
    assert_eq!(
        yaml("components:\n  - id: lb\n    depends_on: [a, lb]\n  - id: a\n"),
        ["inv.yaml:3:21: component 'lb' depends on itself"]
    );
    assert_eq!(
        yaml("components:\n  - id: lb\n    depends_on: [a, b, a]\n  - id: a\n  - id: b\n"),
        ["inv.yaml:3:24: 'a' is listed twice in depends_on (first at inv.yaml:3:18)"]
    );
}

#[test]
fn malformed_requires() {
    assert_eq!(
        yaml("components:\n  - id: lb\n    requires: at_least\n"),
        ["inv.yaml:3:15: requires: 'at_least' needs a value, as in 'at_least: ...'"]
    );
    assert_eq!(
        yaml("components:\n  - id: lb\n    requires: {any: 2}\n"),
        ["inv.yaml:3:16: requires: 'any' takes no value"]
    );
    assert_eq!(
        yaml("components:\n  - id: lb\n    requires: {at_least: 1, any: 2}\n"),
        ["inv.yaml:3:15: requires: expected a name or a mapping with one key, found a mapping with 2 keys"]
    );
    assert_eq!(
        yaml("components:\n  - id: lb\n    requires: {}\n"),
        ["inv.yaml:3:15: requires: expected a name or a mapping with one key, found an empty mapping"]
    );
    assert_eq!(
        yaml("components:\n  - id: lb\n    requires: {at_least: two}\n"),
        ["inv.yaml:3:26: requires.at_least: expected an integer, found the string 'two'"]
    );
}

// --------------------------------------------- 6. instants and durations

#[test]
fn bad_instants() {
    let person = |at: &str| format!("people:\n  - id: dana\n    status: departed\n    departed_at: {at}\n");
    assert_eq!(
        yaml(&person("2026-02-30")),
        ["inv.yaml:4:18: invalid date '2026-02-30': expected YYYY-MM-DD"]
    );
    assert_eq!(
        yaml(&person("2026-03-01T10:00:00")),
        ["inv.yaml:4:18: instant '2026-03-01T10:00:00' has no UTC offset: add 'Z' or an offset such as '+02:00'"]
    );
    assert_eq!(
        yaml(&person("yesterday")),
        [
            "inv.yaml:4:18: invalid instant 'yesterday' (premature end of input): expected RFC 3339 such as \
             2026-03-01T09:30:00Z, or a date such as 2026-03-01"
        ]
    );
    // TOML local date-times have no offset either.
    assert_eq!(
        toml("[[people]]\nid = \"dana\"\nstatus = \"departed\"\ndeparted_at = 2026-03-01T10:00:00\n"),
        ["inv.toml:4:15: instant '2026-03-01T10:00:00' has no UTC offset: add 'Z' or an offset such as '+02:00'"]
    );
}

#[test]
fn a_leap_second_is_accepted_in_every_format() {
    let expected = parse_instant("2016-12-31T23:59:60Z").unwrap();
    let inventories = [
        loads(
            "inv.yaml",
            Format::Yaml,
            "people:\n  - {id: dana, status: departed, departed_at: 2016-12-31T23:59:60Z}\n",
        ),
        loads(
            "inv.toml",
            Format::Toml,
            "[[people]]\nid = \"dana\"\nstatus = \"departed\"\ndeparted_at = 2016-12-31T23:59:60Z\n",
        ),
        loads(
            "inv.json",
            Format::Json,
            "{\"people\": [{\"id\": \"dana\", \"status\": \"departed\", \"departed_at\": \"2016-12-31T23:59:60Z\"}]}",
        ),
    ];
    for inv in &inventories {
        let at = inv.people()[0].departed_at.unwrap();
        assert_eq!(at, expected);
        assert!(at > parse_instant("2016-12-31T23:59:59Z").unwrap());
        assert!(at < parse_instant("2017-01-01T00:00:00Z").unwrap());
    }
}

#[test]
fn bad_durations() {
    let text = "\
components:
  - id: db
backup_policies:
  - id: nightly
    protects: db
    rpo: 3x
    rto: 0s
    drill_interval: 1y
    schedule: {every: 0m}
problems:
  - id: slow
    title: slow
    plan: {collect_for: 15}
";
    assert_eq!(
        yaml(text),
        [
            "inv.yaml:6:10: invalid duration '3x': unknown unit 'x'; use s, m, h, d or w",
            "inv.yaml:7:10: duration '0s' must be longer than zero",
            "inv.yaml:8:21: invalid duration '1y': months and years have no fixed length; use days or weeks",
            "inv.yaml:9:23: duration '0m' must be longer than zero",
            "inv.yaml:13:25: plan.collect_for: expected a string, found the integer 15",
        ]
    );
}

// ------------------------------------ 7. type errors, many problems at once

#[test]
fn type_errors() {
    assert_eq!(
        yaml("components:\n  - id: db\n    tier: high\n"),
        ["inv.yaml:3:11: tier: expected an integer, found the string 'high'"]
    );
    assert_eq!(
        yaml("components:\n  - id: db\n    availability: '0.99'\n"),
        ["inv.yaml:3:19: availability: expected a number, found the string '0.99'"]
    );
    assert_eq!(
        yaml("components:\n  - id: db\n    entry: yes\n"),
        ["inv.yaml:3:12: entry: expected a boolean, found the string 'yes'"]
    );
    assert_eq!(
        yaml("components:\n  - id: web\n    depends_on: db\n"),
        ["inv.yaml:3:17: depends_on: expected a list, found the string 'db'"]
    );
    assert_eq!(
        yaml("components:\n  - id: 42\n"),
        ["inv.yaml:2:9: id: expected a string, found the integer 42"]
    );
    assert_eq!(
        yaml("components:\n  - name: web\n"),
        ["inv.yaml:2:5: missing required field 'id'"]
    );
    assert_eq!(
        yaml("components: {id: web}\n"),
        ["inv.yaml:1:13: expected a list, found a mapping"]
    );
    assert_eq!(
        toml("[[components]]\nid = \"db\"\ntier = \"1\"\n"),
        ["inv.toml:3:8: tier: expected an integer, found the string '1'"]
    );
    assert_eq!(
        json("{\"components\": [{\"id\": \"db\", \"tier\": 1.5}]}"),
        ["inv.json:1:38: tier: expected an integer, found the number 1.5"]
    );
}

#[test]
fn every_problem_of_one_entity_is_reported_in_one_go() {
    // Including the unknown field that comes after the first type error.
    assert_eq!(
        yaml(
            "components:\n  - id: web\n    tier: high\n    requires: {at_leest: 1}\n    colour: red\n    \
             entry: 1\n"
        ),
        [
            "inv.yaml:3:11: tier: expected an integer, found the string 'high'",
            "inv.yaml:4:16: requires: unknown value 'at_leest' (did you mean 'at_least'?); expected one of: all, \
             any, at_least",
            "inv.yaml:5:5: unknown field 'colour'; expected one of: id, name, kind, description, entry, requires, \
             depends_on, logical, replicas, tier, owners, domains, stateful, availability, slo, tags",
            "inv.yaml:6:12: entry: expected a boolean, found the integer 1",
        ]
    );
}

#[test]
fn problems_across_entities_are_all_reported_sorted_by_location() {
    // Written so that the order of discovery (domains after components,
    // people after domains) differs from the order in the file.
    let text = "\
people:
  - id: dana
    status: departed
domains:
  - {id: zone-a, kind: zoen}
components:
  - id: web
    tier: 7
    depends_on: [dbb, web]
    availability: 2
  - id: db
    kind: databse
";
    assert_eq!(
        yaml(text),
        [
            "inv.yaml:3:13: person 'dana' is departed but has no departed_at",
            "inv.yaml:5:24: domain kind 'zoen' looks like a misspelling of 'zone'; pick a kind of your own that is \
             not this close to a built-in one",
            "inv.yaml:8:11: tier must be 1 (most critical) to 4; found 7",
            "inv.yaml:9:18: unknown component 'dbb'",
            "inv.yaml:9:23: component 'web' depends on itself",
            "inv.yaml:10:19: availability must be a probability in (0, 1], such as 0.999; found 2",
            "inv.yaml:12:11: kind: unknown value 'databse' (did you mean 'database'?); expected one of: service, \
             database, queue, cache, object_store, file_store, dns, load_balancer, cdn, ci, network, compute, \
             external, other",
        ]
    );
}

#[test]
fn problems_across_files_are_sorted_by_file_then_position() {
    let dir = TempDir::new("many");
    dir.write("b.json", "{\"components\": [\n  {\"id\": \"api\", \"tier\": 0}\n]}");
    dir.write(
        "a.yaml",
        "components:\n  - id: web\n    depends_on: [api, cache]\n    tier: 9\n",
    );
    dir.write("c.toml", "[[domains]]\nid = \"zone-a\"\n");
    assert_eq!(
        dir.problems(),
        [
            "<dir>/a.yaml:3:23: unknown component 'cache'",
            "<dir>/a.yaml:4:11: tier must be 1 (most critical) to 4; found 9",
            "<dir>/b.json:2:25: tier must be 1 (most critical) to 4; found 0",
            "<dir>/c.toml:1:1: missing required field 'kind'",
        ]
    );
}

// ----------------------------------------------------------------- 8. cycles

#[test]
fn domain_parent_cycles() {
    assert_eq!(
        yaml(
            "domains:\n  - {id: zone-a, kind: zone, parent: eu}\n  - {id: eu, kind: region, parent: aws}\n  - {id: \
             aws, kind: provider, parent: zone-a}\n"
        ),
        ["inv.yaml:2:10: domains nest in a cycle: zone-a -> eu -> aws -> zone-a"]
    );
    assert_eq!(
        yaml("domains:\n  - {id: eu, kind: region, parent: eu}\n"),
        ["inv.yaml:2:36: domain 'eu' is its own parent"]
    );
}

#[test]
fn group_membership_cycles() {
    assert_eq!(
        yaml(
            "people:\n  - id: dana\ngroups:\n  - {id: ops, members: [dana, sre]}\n  - {id: sre, members: [oncall]}\n  \
             - {id: oncall, members: [ops]}\n"
        ),
        ["inv.yaml:4:10: group membership forms a cycle: ops -> sre -> oncall -> ops"]
    );
    assert_eq!(
        yaml("groups:\n  - {id: ops, members: [ops]}\n"),
        ["inv.yaml:2:10: group membership forms a cycle: ops -> ops"]
    );
}

// ------------------------------------------------------- 9. person status

#[test]
fn person_status_consistency() {
    assert_eq!(
        yaml("people:\n  - id: dana\n    status: departed\n"),
        ["inv.yaml:3:13: person 'dana' is departed but has no departed_at"]
    );
    assert_eq!(
        yaml("people:\n  - id: dana\n    departed_at: 2026-06-30\n"),
        ["inv.yaml:3:18: person 'dana' has departed_at but status active; set status: departed"]
    );
    assert_eq!(
        yaml(
            "people:\n  - id: dana\n    status: on_leave\n    departed_at: 2026-06-30\n    leave: [{from: 2026-06-01}]\n"
        ),
        ["inv.yaml:4:18: person 'dana' has departed_at but status on_leave; set status: departed"]
    );
    assert_eq!(
        yaml("people:\n  - id: dana\n    status: on_leave\n"),
        ["inv.yaml:3:13: person 'dana' is on_leave but has no leave period"]
    );
    assert_eq!(
        yaml(
            "people:\n  - id: dana\n    status: on_leave\n    leave:\n      - {from: 2026-06-30, until: 2026-06-01}\n"
        ),
        ["inv.yaml:5:16: until (2026-06-01T00:00:00+00:00) is before from (2026-06-30T00:00:00+00:00)"]
    );
    assert_eq!(
        yaml("people:\n  - id: dana\n    status: left\n"),
        ["inv.yaml:3:13: status: unknown value 'left'; expected one of: active, on_leave, departed"]
    );
    let inv = loads(
        "inv.yaml",
        Format::Yaml,
        "people:\n  - {id: dana, status: departed, departed_at: 2026-06-30}\n  - {id: eli, status: on_leave, leave: \
         [{from: 2026-06-01}]}\n",
    );
    assert_eq!(inv.people()[0].status, PersonStatus::Departed);
    assert_eq!(inv.people()[1].status, PersonStatus::OnLeave);
}

// ------------------------------------------------------------------ 10. limits

#[test]
fn a_file_over_the_size_limit() {
    let dir = TempDir::new("size");
    dir.write("big.yaml", &format!("components:\n{}", "  - id: x\n".repeat(200)));
    dir.write("small.yaml", "components:\n  - id: y\n");
    let mut options = LoadOptions::default();
    options.limits.max_file_bytes = 1000;
    assert_eq!(
        quickly("size limit", || dir.problems_with(&options)),
        ["<dir>/big.yaml: file is 2012 bytes, over the limit of 1000 bytes"]
    );
}

#[test]
fn files_over_the_total_size_limit() {
    let dir = TempDir::new("total");
    dir.write("a.yaml", "components:\n  - id: a\n");
    dir.write("b.yaml", "components:\n  - id: b\n");
    let mut options = LoadOptions::default();
    options.limits.max_total_bytes = 30;
    assert_eq!(
        dir.problems_with(&options),
        ["<dir>/b.yaml: the inventory's files add up to more than 30 bytes"]
    );
}

#[test]
fn ten_thousand_deep_nesting_fails_fast_in_every_format() {
    let n = 10_000;
    let cases = [
        (
            "YAML flow sequences",
            Format::Yaml,
            format!("components: {}{}\n", "[".repeat(n), "]".repeat(n)),
            "inv:1:76: nesting deeper than 64 levels",
        ),
        (
            "YAML flow mappings",
            Format::Yaml,
            format!("components: {}x{}\n", "{a: ".repeat(n), "}".repeat(n)),
            "inv:1:265: nesting deeper than 64 levels",
        ),
        (
            "YAML block sequences",
            Format::Yaml,
            format!("components:\n{}x\n", "- ".repeat(n)),
            "inv:2:127: nesting deeper than 64 levels",
        ),
        (
            "JSON arrays",
            Format::Json,
            format!("{{\"components\": {}{}}}", "[".repeat(n), "]".repeat(n)),
            "inv:1:79: nesting deeper than 64 levels",
        ),
        (
            "JSON objects",
            Format::Json,
            format!("{{\"components\": {}1{}}}", "{\"a\": ".repeat(n), "}".repeat(n)),
            "inv:1:394: nesting deeper than 64 levels",
        ),
        (
            "TOML arrays",
            Format::Toml,
            format!("components = {}{}\n", "[".repeat(n), "]".repeat(n)),
            "inv:1:78: nesting deeper than 64 levels",
        ),
        (
            "TOML inline tables",
            Format::Toml,
            format!("components = {}1{}\n", "{a = ".repeat(n), "}".repeat(n)),
            "inv:1:334: nesting deeper than 64 levels",
        ),
        (
            "TOML dotted keys",
            Format::Toml,
            format!("{} = 1\n", vec!["a"; n].join(".")),
            "inv:1:130: nesting deeper than 64 levels",
        ),
        (
            "TOML table headers",
            Format::Toml,
            format!("[{}]\nx = 1\n", vec!["a"; n].join(".")),
            "inv:1:129: nesting deeper than 64 levels",
        ),
    ];
    for (what, format, text, expected) in cases {
        let problems = quickly(what, || problems_of(Inventory::from_text("inv", format, &text), None));
        assert_eq!(problems, [expected], "{what}");
    }
}

#[test]
fn toml_nesting_limit_holds_for_a_header_and_a_dotted_key_together() {
    // Neither alone is too deep; together they nest 80 tables.
    let text = format!("[{}]\n{} = 1\n", vec!["h"; 40].join("."), vec!["k"; 40].join("."));
    assert_eq!(toml(&text), ["inv.toml:2:49: nesting deeper than 64 levels"]);
}

#[test]
fn yaml_alias_bomb_fails_fast() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    assert_eq!(
        quickly("alias bomb", || yaml(&text)),
        ["inv.yaml:5:45: YAML aliases expand to more than 100000 nodes; refusing to expand further (an alias bomb?)"]
    );
}

// ------------------------------------------------------------ directory loads

#[test]
fn directory_loads_skip_hidden_and_foreign_files() {
    let dir = TempDir::new("skip");
    dir.write("a.yaml", "components:\n  - id: web\n    depends_on: [db]\n");
    dir.write("nested/db.JSON", "{\"components\": [{\"id\": \"db\"}]}");
    dir.write(".hidden.yaml", "not: [valid");
    dir.write("notes.txt", "not an inventory");
    let inv = Inventory::load(std::slice::from_ref(&dir.0)).unwrap();
    let ids: Vec<&str> = inv.components().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["web", "db"]);
    assert_eq!(
        inv.components()[1].location,
        Location::new(format!("{}/nested/db.JSON", dir.0.display()), 1, 24)
    );
}

#[test]
fn nothing_to_load() {
    let dir = TempDir::new("empty");
    dir.write("README.md", "# nothing here");
    assert_eq!(
        dir.problems(),
        ["no inventory files found (expected .yaml, .yml, .toml or .json files)"]
    );
    let missing = dir.0.join("missing.yaml");
    assert_eq!(
        problems_of(Inventory::load(&[missing]), Some(&dir.0)),
        ["<dir>/missing.yaml: no such file or directory"]
    );
    let readme = dir.0.join("README.md");
    assert_eq!(
        problems_of(Inventory::load(&[readme]), Some(&dir.0)),
        ["<dir>/README.md: unsupported file type: expected .yaml, .yml, .toml or .json"]
    );
}

// ---------------------------------------------- 11. one model, three formats

const SAME_YAML: &str = "\
components:
  - id: web
    entry: true
    requires: {at_least: 1}
    depends_on: [db, cache]
    tier: 1
    owners: [ops]
    domains: [zone-a]
    availability: 0.999
    tags: [public]
  - id: db
    kind: database
    domains: [zone-a]
  - id: cache
    kind: cache
    stateful: false
domains:
  - {id: zone-a, kind: zone, parent: eu}
  - {id: eu, kind: region}
people:
  - {id: dana, status: departed, departed_at: 2016-12-31T23:59:60Z}
  - {id: eli, email: eli@example.com}
groups:
  - {id: ops, members: [eli, dana]}
backup_policies:
  - id: db-nightly
    protects: db
    owner: ops
    rpo: 1d
    schedule: {cron: 0 3 * * *, timezone: Europe/Paris}
";

const SAME_TOML: &str = r#"
[[components]]
id = "web"
entry = true
requires = { at_least = 1 }
depends_on = ["db", "cache"]
tier = 1
owners = ["ops"]
domains = ["zone-a"]
availability = 0.999
tags = ["public"]

[[components]]
id = "db"
kind = "database"
domains = ["zone-a"]

[[components]]
id = "cache"
kind = "cache"
stateful = false

[[domains]]
id = "zone-a"
kind = "zone"
parent = "eu"

[[domains]]
id = "eu"
kind = "region"

[[people]]
id = "dana"
status = "departed"
departed_at = 2016-12-31T23:59:60Z

[[people]]
id = "eli"
email = "eli@example.com"

[[groups]]
id = "ops"
members = ["eli", "dana"]

[[backup_policies]]
id = "db-nightly"
protects = "db"
owner = "ops"
rpo = "1d"
schedule = { cron = "0 3 * * *", timezone = "Europe/Paris" }
"#;

const SAME_JSON: &str = r#"{
  "components": [
    {"id": "web", "entry": true, "requires": {"at_least": 1}, "depends_on": ["db", "cache"], "tier": 1,
     "owners": ["ops"], "domains": ["zone-a"], "availability": 0.999, "tags": ["public"]},
    {"id": "db", "kind": "database", "domains": ["zone-a"]},
    {"id": "cache", "kind": "cache", "stateful": false}
  ],
  "domains": [{"id": "zone-a", "kind": "zone", "parent": "eu"}, {"id": "eu", "kind": "region"}],
  "people": [
    {"id": "dana", "status": "departed", "departed_at": "2016-12-31T23:59:60Z"},
    {"id": "eli", "email": "eli@example.com"}
  ],
  "groups": [{"id": "ops", "members": ["eli", "dana"]}],
  "backup_policies": [
    {"id": "db-nightly", "protects": "db", "owner": "ops", "rpo": "1d",
     "schedule": {"cron": "0 3 * * *", "timezone": "Europe/Paris"}}
  ]
}"#;

#[test]
fn the_same_inventory_in_yaml_toml_and_json_loads_to_equal_models() {
    let y = loads("inv.yaml", Format::Yaml, SAME_YAML);
    let t = loads("inv.toml", Format::Toml, SAME_TOML);
    let j = loads("inv.json", Format::Json, SAME_JSON);

    // Everything but the locations is equal.
    let nowhere = Location::new("-", 0, 0);
    let components = |inv: &Inventory| {
        let mut cs = inv.components().to_vec();
        cs.iter_mut().for_each(|c| c.location = nowhere.clone());
        cs
    };
    let domains = |inv: &Inventory| {
        let mut ds = inv.domains().to_vec();
        ds.iter_mut().for_each(|d| d.location = nowhere.clone());
        ds
    };
    let people = |inv: &Inventory| {
        let mut ps = inv.people().to_vec();
        ps.iter_mut().for_each(|p| p.location = nowhere.clone());
        ps
    };
    let groups = |inv: &Inventory| {
        let mut gs = inv.groups().to_vec();
        gs.iter_mut().for_each(|g| g.location = nowhere.clone());
        gs
    };
    for other in [&t, &j] {
        assert_eq!(components(&y), components(other));
        assert_eq!(domains(&y), domains(other));
        assert_eq!(people(&y), people(other));
        assert_eq!(groups(&y), groups(other));
        let (a, b) = (&y.backup_policies()[0], &other.backup_policies()[0]);
        assert_eq!(
            (a.protects, a.owner, a.rpo, &a.schedule),
            (b.protects, b.owner, b.rpo, &b.schedule)
        );
    }

    // And the model is what was written.
    let web = y.component(y.component_by_id("web").unwrap());
    assert!(web.entry);
    assert_eq!(web.requires, Requirement::AtLeast(1));
    let deps: Vec<&str> = web.depends_on.iter().map(|&d| y.component(d).id.as_str()).collect();
    assert_eq!(deps, ["db", "cache"]);
    assert_eq!(web.tier, Some(1));
    assert_eq!(web.availability, Some(0.999));
    assert_eq!(web.owners, [y.principal_by_id("ops").unwrap()]);
    let db = y.component(y.component_by_id("db").unwrap());
    assert_eq!(db.kind, ComponentKind::Database);
    assert!(db.stateful);
    let zone = y.domain(y.domain_by_id("zone-a").unwrap());
    assert_eq!(zone.kind, DomainKind::Zone);
    assert_eq!(zone.parent, y.domain_by_id("eu"));
    assert_eq!(
        y.people()[0].departed_at,
        Some(parse_instant("2016-12-31T23:59:60Z").unwrap())
    );
    let Some(Principal::Group(ops)) = y.principal_by_id("ops") else {
        panic!("ops is a group")
    };
    assert_eq!(y.groups()[ops.index()].members.len(), 2);
    let policy = &y.backup_policies()[0];
    assert_eq!(policy.rpo.map(|d| d.num_hours()), Some(24));
    assert_eq!(
        policy.schedule,
        Some(Schedule::Cron(CronSchedule::new(
            "0 3 * * *".parse().unwrap(),
            "Europe/Paris".parse().unwrap()
        )))
    );

    // Locations are each file's own.
    assert_eq!(web.location, Location::new("inv.yaml", 2, 9));
    assert_eq!(
        t.component(t.component_by_id("web").unwrap()).location,
        Location::new("inv.toml", 3, 6)
    );
    assert_eq!(
        j.component(j.component_by_id("web").unwrap()).location,
        Location::new("inv.json", 3, 12)
    );
}

// ------------------------------------------------- 12. the spec's example

#[test]
fn the_exact_form_from_the_spec_loads() {
    let inv = loads(
        "spec.yaml",
        Format::Yaml,
        "\
components:
  - id: checkout
    entry: true
    depends_on: [api-lb]
  - id: api-lb
    requires: any
    depends_on: [api-1, api-2, api-3]
  - id: api-1
    depends_on: [db]
    domains: [zone-a]
  - id: api-2
  - id: api-3
  - id: db
domains:
  - id: zone-a
    kind: zone
",
    );
    let ids: Vec<&str> = inv.components().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["checkout", "api-lb", "api-1", "api-2", "api-3", "db"]);
    let name = |i| inv.component(i).id.as_str();
    let checkout = inv.component(inv.component_by_id("checkout").unwrap());
    assert!(checkout.entry);
    assert_eq!(checkout.requires, Requirement::All);
    assert_eq!(
        checkout.depends_on.iter().map(|&d| name(d)).collect::<Vec<_>>(),
        ["api-lb"]
    );
    let lb = inv.component(inv.component_by_id("api-lb").unwrap());
    assert!(!lb.entry);
    assert_eq!(lb.requires, Requirement::Any);
    assert_eq!(
        lb.depends_on.iter().map(|&d| name(d)).collect::<Vec<_>>(),
        ["api-1", "api-2", "api-3"]
    );
    let api1 = inv.component(inv.component_by_id("api-1").unwrap());
    assert_eq!(api1.domains, [inv.domain_by_id("zone-a").unwrap()]);
    assert_eq!(api1.depends_on.iter().map(|&d| name(d)).collect::<Vec<_>>(), ["db"]);
    assert_eq!(inv.domains().len(), 1);
    assert_eq!(inv.domains()[0].kind, DomainKind::Zone);
    assert_eq!(inv.domains()[0].location, Location::new("spec.yaml", 15, 9));
    // A plain component is a service, and not stateful.
    let db = inv.component(inv.component_by_id("db").unwrap());
    assert_eq!(db.kind, ComponentKind::Service);
    assert!(!db.stateful);
    assert_eq!(inv.component_by_id("zone-a"), None);
    assert!(inv.target_by_id("zone-a").is_some());
}

// ---------------------------------------------------------------- optional ids, backups, scratch keys

#[test]
fn optional_ids_are_checked_for_syntax_and_duplicates() {
    let text = "\
components: [{id: db}]
systems: [{id: prod-db}]
people: [{id: ann}]
grants:
  - {id: g1, principal: ann, system: prod-db, level: read}
  - {id: g1, principal: ann, system: prod-db, level: write}
  - {id: 'bad id', principal: ann, system: prod-db, level: read}
changes:
  - {id: d-1, at: 2026-01-01T00:00:00Z, component: db}
  - {id: d-1, at: 2026-01-02T00:00:00Z, component: db}
";
    assert_eq!(
        yaml(text),
        [
            "inv.yaml:6:10: duplicate grant id 'g1' (first defined at inv.yaml:5:10)",
            "inv.yaml:7:10: invalid grant id 'bad id': ' ' is not allowed; use letters, digits and - _ . : / @",
            "inv.yaml:10:10: duplicate change id 'd-1' (first defined at inv.yaml:9:10)",
        ]
    );
}

#[test]
fn backup_policy_values_are_checked() {
    let text = "\
components: [{id: db, kind: database}]
people: [{id: root}]
credentials: [{id: root, kind: shared}]
backup_policies:
  - id: nightly
    protects: db
    schedule: {every: 24h, timezone: Europe/London}
    retention: {keep_within: 2weeks, keep_within_daily: 1y6m}
    copies:
      - {location: s3://b, deletable_by: [root]}
  - {id: weekly, protects: db, retention: {keep_daily: 7.0}}
  - {id: monthly, protects: db, retention: {keep_weekly: forever, keep_monthly: -1}}
";
    assert_eq!(
        yaml(text),
        [
            "inv.yaml:7:38: timezone applies only to cron schedules; an `every` interval has no wall-clock times",
            "inv.yaml:8:30: invalid keep_within '2weeks': expected restic's duration syntax, numbers with y, m (months), d or h, such as 1y6m or 2d12h",
            "inv.yaml:10:43: 'root' names both a principal and a credential; rename one of them",
            "inv.yaml:11:56: retention.keep_daily: expected a count or 'unlimited', found the number 7.0",
            "inv.yaml:12:58: keep_weekly must be a count or 'unlimited'; found 'forever'",
            "inv.yaml:12:81: keep_monthly must be a count from 0 to 4294967295 or 'unlimited'; found -1",
        ]
    );
}

#[test]
fn retention_counts_may_be_unlimited() {
    let text = "\
components: [{id: db, kind: database}]
backup_policies:
  - {id: nightly, protects: db, retention: {keep_last: 0, keep_daily: 7, keep_monthly: unlimited}}
";
    let inv = loads("inv.yaml", Format::Yaml, text);
    let r = inv.backup_policies()[0].retention.as_ref().unwrap();
    assert_eq!(
        (r.keep_last, r.keep_daily, r.keep_monthly, r.keep_yearly),
        (
            Some(KeepCount::Off),
            Some(KeepCount::Count(7)),
            Some(KeepCount::Unlimited),
            None
        )
    );
    let policy = RetentionPolicy::from_retention(r).unwrap();
    assert_eq!(policy.count(Bucket::Monthly), KeepCount::Unlimited);
    assert_eq!(policy.count(Bucket::Last), KeepCount::Off);
    // The same in JSON and TOML.
    let json = r#"{"components": [{"id": "db", "kind": "database"}],
        "backup_policies": [{"id": "nightly", "protects": "db", "retention": {"keep_monthly": "unlimited"}}]}"#;
    let inv = loads("inv.json", Format::Json, json);
    let r = inv.backup_policies()[0].retention.as_ref().unwrap();
    assert_eq!(r.keep_monthly, Some(KeepCount::Unlimited));
    let toml = "[[components]]\nid = \"db\"\nkind = \"database\"\n\n[[backup_policies]]\nid = \"nightly\"\n\
        protects = \"db\"\nretention = { keep_yearly = \"unlimited\", keep_daily = 3 }\n";
    let inv = loads("inv.toml", Format::Toml, toml);
    let r = inv.backup_policies()[0].retention.as_ref().unwrap();
    assert_eq!(
        (r.keep_yearly, r.keep_daily),
        (Some(KeepCount::Unlimited), Some(KeepCount::Count(3)))
    );
}

#[test]
fn scratch_keys_hold_anchors_and_a_null_incident_is_empty() {
    let inv = loads(
        "inv.yaml",
        Format::Yaml,
        "\
x-web-deps: &web-deps [db, cache]
components:
  - {id: db}
  - {id: cache}
  - {id: web-1, depends_on: *web-deps}
  - {id: web-2, depends_on: *web-deps}
incident:
",
    );
    let web2 = inv.component_by_id("web-2").unwrap();
    assert_eq!(inv.component(web2).depends_on.len(), 2);
    assert!(inv.incidents().is_empty());
    let err = yaml("x-defaults: &w {depends_on: [db]}\ncomponents:\n  - {id: db}\n  - {id: web, extra: *w}\n");
    assert_eq!(
        err,
        [
            "inv.yaml:4:15: unknown field 'extra'; expected one of: id, name, kind, description, entry, requires, depends_on, logical, replicas, tier, owners, domains, stateful, availability, slo, tags"
        ]
    );
}

#[test]
fn a_byte_order_mark_is_not_content() {
    for (name, format, text) in [
        ("inv.json", Format::Json, "\u{feff}{\"components\": [{\"id\": \"db\"}]}"),
        ("inv.yaml", Format::Yaml, "\u{feff}components: [{id: db}]"),
        ("inv.toml", Format::Toml, "\u{feff}[[components]]\nid = \"db\"\n"),
    ] {
        assert_eq!(loads(name, format, text).components()[0].id, "db");
    }
}

#[test]
fn a_file_that_fails_to_parse_does_not_make_references_into_it_dangle() {
    let dir = TempDir::new("unparsable");
    std::fs::write(dir.0.join("a.yaml"), "components: [{id: db\n").unwrap();
    std::fs::write(dir.0.join("b.yaml"), "components: [{id: web, depends_on: [db]}]\n").unwrap();
    let problems = problems_of(Inventory::load(std::slice::from_ref(&dir.0)), Some(&dir.0));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("<dir>/a.yaml:"), "{problems:?}");
}

#[test]
fn an_anchored_section_list_is_kept_whole_for_its_aliases() {
    let inv = loads(
        "inv.yaml",
        Format::Yaml,
        "components: &all\n  - {id: a}\n  - {id: b, depends_on: [a]}\nx-copy: *all\n",
    );
    assert_eq!(inv.components().len(), 2);
}
