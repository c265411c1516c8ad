//! Hostile test plugin: returns malformed output, chosen by its
//! configuration, so one plugin covers every case the host must refuse.
//!
//! | config | output |
//! |---|---|
//! | `undeclared-rule` | a finding for a rule it never declared |
//! | `huge-message` | a finding with a 1 MiB message |
//! | `bad-evidence` | evidence that is not JSON |
//! | `evidence-not-object` | evidence that is JSON but not an object |
//! | `too-many` | 100,000 findings |
//! | `empty-subject` | a finding about a component with an empty id |
//! | `unknown-subject` | a finding about a component the inventory does not have |
//! | `unknown-grant` | a finding about a grant the inventory does not have |
//! | `error` | `Err` with a message |
//! | anything else | one valid finding |

use ops_plugin_sdk::{EntityKind, Evidence, Finding, Metadata, Plugin, Rule, Severity};

struct BadOutput;

impl Plugin for BadOutput {
    fn metadata() -> Metadata {
        Metadata::new("hostile-bad-output", env!("CARGO_PKG_VERSION"))
            .rule(Rule::new("declared", Severity::Low, "The only rule it declares"))
            .config_schema(
                "one word: undeclared-rule, huge-message, bad-evidence, evidence-not-object, too-many, \
                 empty-subject, unknown-subject, unknown-grant, error",
            )
    }

    fn run(config: &str) -> Result<Vec<Finding>, String> {
        let ok = |message: String| Finding::new("declared", EntityKind::Inventory, "inventory", message);
        Ok(match config.trim() {
            "undeclared-rule" => vec![Finding::new(
                "sneaky",
                EntityKind::Inventory,
                "inventory",
                "not declared",
            )],
            "huge-message" => vec![ok("x".repeat(1 << 20))],
            "bad-evidence" => vec![ok("bad evidence".into()).evidence_json("{not json")],
            "evidence-not-object" => vec![ok("array evidence".into()).evidence_json("[1, 2, 3]")],
            "too-many" => (0..100_000).map(|i| ok(format!("finding {i}"))).collect(),
            "empty-subject" => vec![Finding::new("declared", EntityKind::Component, "", "about nothing")],
            "unknown-subject" => vec![Finding::new(
                "declared",
                EntityKind::Component,
                "no-such-component",
                "about something that is not there",
            )],
            "unknown-grant" => vec![Finding::new(
                "declared",
                EntityKind::Grant,
                "nobody->prod-db",
                "about a grant that is not there",
            )],
            "error" => return Err("refusing to run: the configuration says so".into()),
            _ => vec![ok("a valid finding".into()).evidence(Evidence::new().boolean("valid", true))],
        })
    }
}

ops_plugin_sdk::export_plugin!(BadOutput);
