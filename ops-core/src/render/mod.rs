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
pub use json::{JSON_FORMAT_VERSION, to_json, write_json, write_json_parallel};
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
///
/// An error of `out` is returned as `out` gave it, even where it stopped
/// the writing inside a finding's compact evidence, which the serializer
/// reports as its own error (opsctl stays quiet on a broken pipe).
fn write_pretty<W: std::io::Write + ?Sized, T: serde::Serialize + ?Sized>(
    value: &T,
    out: &mut W,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut buffered = std::io::BufWriter::with_capacity(
        1 << 16,
        KeepError {
            inner: out,
            error: None,
        },
    );
    let written = serde_json::to_writer_pretty(&mut buffered, value)
        .map_err(std::io::Error::from)
        .and_then(|()| buffered.write_all(b"\n"))
        .and_then(|()| buffered.flush());
    written.map_err(|e| buffered.get_mut().error.take().unwrap_or(e))
}

/// A writer that keeps the first error of `inner` as it was, and passes on
/// only its kind.
struct KeepError<'a, W: ?Sized> {
    inner: &'a mut W,
    error: Option<std::io::Error>,
}

impl<W: std::io::Write + ?Sized> KeepError<'_, W> {
    fn keep(&mut self, e: std::io::Error) -> std::io::Error {
        let kind = e.kind();
        if kind != std::io::ErrorKind::Interrupted {
            self.error.get_or_insert(e);
        }
        std::io::Error::from(kind)
    }
}

impl<W: std::io::Write + ?Sized> std::io::Write for KeepError<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.keep(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // `out` itself is not flushed: the caller does that.
        Ok(())
    }
}
