//! Writing a [`Report`](crate::Report) for people and machines: JSON, SARIF 2.1.0,
//! Markdown and a self-contained HTML page, plus the layered graph layout the
//! page draws its dependency graph with.
//!
//! Plain text with colours is the CLI's business; these formats are what
//! other tools and browsers read.

mod analysis;
mod controls;
mod diff;
mod graph_svg;
mod html;
mod html_drills;
mod html_tables;
mod json;
mod layout;
mod markdown;
mod retention;
mod sarif;
pub mod view;

pub use analysis::{outage_to_json, spofs_to_json};
pub use controls::{escape_controls, is_unsafe};
pub use diff::{ReportDiff, SeverityChange, baseline_fingerprints};
pub use html::{HtmlOptions, MAX_ENTRY_PICTURES, to_html, to_html_with};
pub use json::{JSON_FORMAT_VERSION, to_json, write_json};
pub use layout::{Layout, Placed, Routed, Spacing, layered_layout, layered_layout_sized};
pub use markdown::{to_markdown, write_markdown};
pub use retention::{RetentionDocument, restic_short_id, retention_document};
pub use sarif::{
    SARIF_FINGERPRINT_KEY, SARIF_INVALID_RULE, SARIF_MAX_RESULT_BYTES, SARIF_MAX_RESULTS, problems_to_sarif, to_sarif,
    write_sarif,
};

/// Writes `value` as pretty JSON and a newline to `out`, through a buffer of
/// its own, which is emptied into `out` at the end (`out` itself is not
/// flushed). serde_json writes a document a few bytes at a time, and `out`
/// is often a `dyn Write` (opsctl's output): every one of those writes was
/// a call through the trait object, 4% of `opsctl check`'s CPU at 1M
/// components (BENCHMARKS.md section 18.1). Through a `BufWriter` of a known
/// type they are copies into its buffer, and `out` gets 64 KiB at a time.
fn write_pretty<W: std::io::Write + ?Sized, T: serde::Serialize + ?Sized>(
    value: &T,
    out: &mut W,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, value)?;
    buffered.write_all(b"\n")?;
    buffered.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    Ok(())
}
