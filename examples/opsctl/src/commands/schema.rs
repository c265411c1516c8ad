//! `opsctl schema`: the JSON Schema of inventory files, for editors.

use anyhow::Result;

use crate::shared;

/// Writes the schema to standard output.
pub(crate) fn run() -> Result<u8> {
    shared::emit_json(None, &ops_core::inventory::schema())?;
    Ok(0)
}
