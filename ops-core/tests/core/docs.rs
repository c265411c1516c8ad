//! Keeps `docs/inventory-format.md` honest: every YAML, TOML and JSON example
//! in it loads, and every section, field and enumerated value of the file
//! format (as the JSON Schema generated from the loader's types describes it)
//! is documented, with a field table per entity that matches the types.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use ops_core::inventory::schema;
use ops_core::{Format, Inventory};
use serde_json::Value;

const DOC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/inventory-format.md");

fn doc() -> String {
    std::fs::read_to_string(DOC_PATH).unwrap_or_else(|e| panic!("cannot read {DOC_PATH}: {e}"))
}

/// A fenced code block: its info string, the line of its first content line
/// (1-based, in the document) and its text.
#[derive(Debug)]
struct Block {
    lang: String,
    line: usize,
    text: String,
}

fn code_blocks(doc: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in doc.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    open = Some(Block {
                        lang: info.trim().to_owned(),
                        line: i + 2,
                        text: String::new(),
                    });
                }
            }
            Some(block) => {
                if trimmed.trim_end() == "```" {
                    blocks.extend(open.take());
                } else {
                    block.text.push_str(line);
                    block.text.push('\n');
                }
            }
        }
    }
    if let Some(block) = open {
        panic!("code block opened at line {} is never closed", block.line - 1);
    }
    blocks
}

/// `text` with line numbers, the first being `first`.
fn numbered(text: &str, first: usize) -> String {
    text.lines().enumerate().fold(String::new(), |mut out, (i, line)| {
        let _ = writeln!(out, "{:5} | {line}", first + i);
        out
    })
}

#[test]
fn every_example_loads() {
    let doc = doc();
    let blocks = code_blocks(&doc);
    let mut failures = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for block in &blocks {
        let format = match block.lang.as_str() {
            "yaml" => Format::Yaml,
            "toml" => Format::Toml,
            "json" => Format::Json,
            // Shell commands, directory trees, error output, invalid examples.
            "text" => continue,
            other => {
                failures.push(format!(
                    "block at line {}: fence it as yaml, toml or json (loaded and checked) \
                     or as text (not checked), not as {other:?}",
                    block.line - 1
                ));
                continue;
            }
        };
        *counts.entry(block.lang.as_str()).or_default() += 1;
        // Blank lines in front, so that diagnostics give lines of the document.
        let text = format!("{}{}", "\n".repeat(block.line - 1), block.text);
        if let Err(e) = Inventory::from_text("docs/inventory-format.md", format, &text) {
            failures.push(format!("{}\n{e}\n", numbered(&block.text, block.line)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} example(s) in {DOC_PATH} do not load:\n\n{}",
        failures.len(),
        failures.join("\n----\n\n")
    );
    // Guard against the extraction silently finding nothing.
    assert!(
        counts.get("yaml").copied().unwrap_or(0) >= 15,
        "too few YAML examples: {counts:?}"
    );
    assert!(
        counts.get("toml").copied().unwrap_or(0) >= 1,
        "no TOML example: {counts:?}"
    );
    assert!(
        counts.get("json").copied().unwrap_or(0) >= 1,
        "no JSON example: {counts:?}"
    );
}

/// Everything an inventory holds, without source locations (which differ
/// between formats).
fn contents(inv: &Inventory) -> String {
    let mut text = format!(
        "{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}",
        inv.components(),
        inv.domains(),
        inv.people(),
        inv.service_accounts(),
        inv.groups(),
        inv.systems(),
        inv.grants(),
        inv.credentials(),
        inv.access_events(),
        inv.backup_policies(),
        inv.backup_runs(),
        inv.restore_drills(),
        inv.incidents(),
        inv.problems(),
        inv.changes(),
    );
    while let Some(start) = text.find("Location {") {
        let end = text[start..].find('}').map_or(text.len(), |e| start + e + 1);
        text.replace_range(start..end, "Location");
    }
    text
}

#[test]
fn the_yaml_toml_and_json_versions_agree() {
    let doc = doc();
    let heading = "## The same inventory in YAML, TOML and JSON";
    let start = doc.find(heading).expect("the doc has the three-format section");
    let end = doc[start + heading.len()..]
        .find("\n## ")
        .map_or(doc.len(), |e| start + heading.len() + e);
    let blocks = code_blocks(&doc[start..end]);
    let load = |lang: &str, format: Format| {
        let block = blocks
            .iter()
            .find(|b| b.lang == lang)
            .unwrap_or_else(|| panic!("no {lang} block under {heading:?}"));
        let inv = Inventory::from_text(lang, format, &block.text).unwrap_or_else(|e| panic!("{lang}: {e}"));
        assert!(!inv.components().is_empty());
        contents(&inv)
    };
    let yaml = load("yaml", Format::Yaml);
    for (lang, other) in [
        ("TOML", load("toml", Format::Toml)),
        ("JSON", load("json", Format::Json)),
    ] {
        let first_difference = yaml.lines().zip(other.lines()).enumerate().find(|(_, (a, b))| a != b);
        if let Some((i, _)) = first_difference {
            let context = |text: &str| {
                text.lines()
                    .skip(i.saturating_sub(8))
                    .take(10)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            panic!(
                "the YAML and {lang} versions differ; YAML loads as\n{}\n\nbut {lang} as\n{}",
                context(&yaml),
                context(&other)
            );
        }
        assert_eq!(
            yaml.lines().count(),
            other.lines().count(),
            "the YAML and {lang} versions differ"
        );
    }
}

fn definitions(schema: &Value) -> &serde_json::Map<String, Value> {
    schema
        .get("$defs")
        .or_else(|| schema.get("definitions"))
        .and_then(Value::as_object)
        .expect("the schema has $defs")
}

/// Field names and enumerated values anywhere in a schema, including the
/// branches of `oneOf` / `anyOf` / `allOf` (such as `requires: {at_least: k}`).
fn names_in(schema: &Value, fields: &mut BTreeSet<String>, values: &mut BTreeSet<String>) {
    let Some(obj) = schema.as_object() else { return };
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            fields.insert(name.clone());
            names_in(sub, fields, values);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for sub in obj.get(key).and_then(Value::as_array).into_iter().flatten() {
            names_in(sub, fields, values);
        }
    }
    if let Some(items) = obj.get("items") {
        names_in(items, fields, values);
    }
    for v in obj.get("enum").and_then(Value::as_array).into_iter().flatten() {
        values.extend(v.as_str().map(str::to_owned));
    }
    if let Some(v) = obj.get("const").and_then(Value::as_str) {
        values.insert(v.to_owned());
    }
}

#[test]
fn every_section_field_and_value_is_documented() {
    let doc = doc();
    let schema = schema();
    let mentioned = |name: &str| doc.contains(&format!("`{name}`"));

    let sections = schema["properties"].as_object().expect("the schema has properties");
    assert!(sections.len() >= 16, "{sections:?}");
    let mut missing: Vec<String> = sections
        .keys()
        .filter(|s| !mentioned(s))
        .map(|s| format!("section `{s}`"))
        .collect();

    for (def, sub) in definitions(&schema) {
        let mut fields = BTreeSet::new();
        let mut values = BTreeSet::new();
        names_in(sub, &mut fields, &mut values);
        missing.extend(
            fields
                .iter()
                .filter(|f| !mentioned(f))
                .map(|f| format!("field `{f}` of {def}")),
        );
        missing.extend(
            values
                .iter()
                .filter(|v| !mentioned(v))
                .map(|v| format!("value `{v}` of {def}")),
        );
    }
    assert!(
        missing.is_empty(),
        "{DOC_PATH} does not mention (in backticks):\n  {}",
        missing.join("\n  ")
    );
}

/// A Markdown table: its header cells and its rows' cells.
#[derive(Debug)]
struct Table {
    line: usize,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_owned()).collect()
}

fn tables(doc: &str) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut in_code = false;
    let mut current: Vec<(usize, &str)> = Vec::new();
    let lines: Vec<&str> = doc.lines().collect();
    for (i, line) in lines.iter().chain(std::iter::once(&"")).enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.trim_start().starts_with('|') {
            current.push((i + 1, line));
            continue;
        }
        if current.len() >= 2 {
            tables.push(Table {
                line: current[0].0,
                header: cells(current[0].1),
                rows: current[2..].iter().map(|(_, l)| cells(l)).collect(),
            });
        }
        current.clear();
    }
    tables
}

/// `name` from a cell holding exactly `` `name` ``.
fn code_name(cell: &str) -> Option<&str> {
    cell.strip_prefix('`')?.strip_suffix('`').filter(|s| !s.contains('`'))
}

#[test]
fn field_tables_match_the_types() {
    let doc = doc();
    let schema = schema();
    let tables = tables(&doc);
    let mut problems = Vec::new();

    // The table of sections lists exactly the top-level properties.
    let sections: BTreeSet<&str> = schema["properties"]
        .as_object()
        .expect("the schema has properties")
        .keys()
        .map(String::as_str)
        .collect();
    let section_tables: Vec<&Table> = tables
        .iter()
        .filter(|t| t.header.first().is_some_and(|h| h == "Section"))
        .collect();
    match section_tables.as_slice() {
        [t] => {
            let listed: BTreeSet<&str> = t.rows.iter().filter_map(|r| code_name(&r[0])).collect();
            if listed != sections {
                problems.push(format!(
                    "the table of sections (line {}) lists {listed:?}; the schema has {sections:?}",
                    t.line
                ));
            }
        }
        other => problems.push(format!("expected one table of sections, found {}", other.len())),
    }

    // Each entity and sub-object has a field table: exactly its fields, with
    // `yes` in the Required column exactly for the required ones.
    let field_tables: Vec<&Table> = tables
        .iter()
        .filter(|t| t.header.first().is_some_and(|h| h == "Field"))
        .collect();
    let mut used = vec![false; field_tables.len()];
    for (def, sub) in definitions(&schema) {
        let Some(props) = sub.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let fields: BTreeSet<&str> = props.keys().map(String::as_str).collect();
        let required: BTreeSet<&str> = sub
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let found = field_tables.iter().position(|t| {
            let listed: BTreeSet<&str> = t.rows.iter().filter_map(|r| code_name(&r[0])).collect();
            listed == fields
        });
        let Some(index) = found else {
            problems.push(format!("no field table lists exactly the fields of {def}: {fields:?}"));
            continue;
        };
        used[index] = true;
        let table = field_tables[index];
        let Some(column) = table.header.iter().position(|h| h == "Required") else {
            problems.push(format!("the field table at line {} has no Required column", table.line));
            continue;
        };
        for row in &table.rows {
            let name = code_name(&row[0]).unwrap_or_default();
            let expected = if required.contains(name) { "yes" } else { "no" };
            let actual = row.get(column).map_or("", String::as_str);
            if actual != expected {
                problems.push(format!(
                    "table at line {}: `{name}` of {def} should say Required: {expected}, not {actual:?}",
                    table.line
                ));
            }
        }
    }
    for (table, used) in field_tables.iter().zip(used) {
        if !used {
            problems.push(format!(
                "the field table at line {} matches no type in the schema (a field added, renamed or removed?)",
                table.line
            ));
        }
    }
    assert!(problems.is_empty(), "{DOC_PATH}:\n  {}", problems.join("\n  "));
}

#[test]
fn extraction_finds_blocks_and_tables() {
    let text =
        "a\n```yaml\nx: 1\n```\n| Field | Required |\n|---|---|\n| `id` | yes |\n\n```text\n| not | a table |\n```\n";
    let blocks = code_blocks(text);
    assert_eq!(blocks.len(), 2);
    assert_eq!(
        (blocks[0].lang.as_str(), blocks[0].line, blocks[0].text.as_str()),
        ("yaml", 3, "x: 1\n")
    );
    assert_eq!(blocks[1].lang, "text");
    let tables = tables(text);
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].header, ["Field", "Required"]);
    assert_eq!(tables[0].rows, [["`id`", "yes"]]);
    assert_eq!(code_name("`id`"), Some("id"));
    assert_eq!(code_name("id"), None);
}
