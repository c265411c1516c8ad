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
