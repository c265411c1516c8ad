//! `opsctl validate`: load an inventory and report every problem, or what it holds.

use anyhow::Result;
use ops_core::{Diagnostics, Error, Inventory, render};
use serde_json::{Value, json};

use crate::shared::{self, Inputs};

/// Arguments of `opsctl validate`.
#[derive(Debug, clap::Args)]
pub(crate) struct ValidateArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Output format. With json or sarif, an invalid inventory's problems
    /// are also written to standard output, as data, each at its location
    /// (sarif: a log code scanning can show).
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub(crate) format: ValidateFormat,
}

/// Formats of `opsctl validate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ValidateFormat {
    /// For people.
    Text,
    /// For programs.
    Json,
    /// SARIF 2.1.0, for code scanning: one result per problem.
    Sarif,
}

/// Exit 0 when the inventory is valid, 2 when it is not.
pub(crate) fn run(args: &ValidateArgs) -> Result<u8> {
    let loaded = shared::load(&args.inputs);
    match (args.format, loaded) {
        (ValidateFormat::Text, loaded) => {
            let inv = loaded?;
            let c = counts(&inv);
            shared::emit(
                None,
                &format!(
                    "valid: {} components, {} domains, {} people, {} grants, {} backup policies, {} incidents\n",
                    c["components"], c["domains"], c["people"], c["grants"], c["backup_policies"], c["incidents"],
                ),
            )?;
            Ok(0)
        }
        (ValidateFormat::Sarif, Ok(_)) => {
            shared::emit_json(None, &render::problems_to_sarif(&Diagnostics::default()))?;
            Ok(0)
        }
        (ValidateFormat::Sarif, Err(e)) => {
            let Some(Error::Invalid(problems)) = e.downcast_ref::<Error>() else {
                return Err(e);
            };
            shared::emit_json(None, &render::problems_to_sarif(problems))?;
            Err(e)
        }
        (ValidateFormat::Json, Ok(inv)) => {
            shared::emit_json(None, &json!({"valid": true, "counts": counts(&inv), "problems": []}))?;
            Ok(0)
        }
        (ValidateFormat::Json, Err(e)) => {
            let Some(Error::Invalid(problems)) = e.downcast_ref::<Error>() else {
                return Err(e);
            };
            let problems: Vec<Value> = problems
                .iter()
                .map(|p| {
                    let location = p
                        .location
                        .as_ref()
                        .map(|l| json!({"file": l.file.as_ref(), "line": l.line, "column": l.column}));
                    json!({"location": location, "message": p.message})
                })
                .collect();
            shared::emit_json(None, &json!({"valid": false, "counts": null, "problems": problems}))?;
            // The problems also go to standard error, as without --format json.
            Err(e)
        }
    }
}

/// How many of each entity the inventory holds.
fn counts(inv: &Inventory) -> Value {
    json!({
        "components": inv.components().len(),
        "domains": inv.domains().len(),
        "people": inv.people().len(),
        "grants": inv.grants().len(),
        "backup_policies": inv.backup_policies().len(),
        "incidents": inv.incidents().len(),
    })
}
