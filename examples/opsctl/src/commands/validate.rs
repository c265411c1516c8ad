//! `opsctl validate`: load an inventory and report every problem, or what it holds.

use anyhow::Result;
use ops_core::{Error, Inventory};
use serde_json::{Value, json};

use crate::shared::{self, AnalysisFormat, Inputs};

/// Arguments of `opsctl validate`.
#[derive(Debug, clap::Args)]
pub(crate) struct ValidateArgs {
    #[command(flatten)]
    pub(crate) inputs: Inputs,
    /// Output format. With json, an invalid inventory's problems are also
    /// written to standard output, as data.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub(crate) format: AnalysisFormat,
}

/// Exit 0 when the inventory is valid, 2 when it is not.
pub(crate) fn run(args: &ValidateArgs) -> Result<u8> {
    let loaded = shared::load(&args.inputs);
    match (args.format, loaded) {
        (AnalysisFormat::Text, loaded) => {
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
        (AnalysisFormat::Json, Ok(inv)) => {
            shared::emit_json(None, &json!({"valid": true, "counts": counts(&inv), "problems": []}))?;
            Ok(0)
        }
        (AnalysisFormat::Json, Err(e)) => {
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
