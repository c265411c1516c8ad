//! Writing a [`Report`](crate::Report) for people and machines: JSON, SARIF 2.1.0 and Markdown.
//!
//! Plain text with colours is the CLI's business; these formats are what
//! other tools read.

mod json;
mod markdown;
mod sarif;

pub use json::{JSON_FORMAT_VERSION, to_json};
pub use markdown::to_markdown;
pub use sarif::to_sarif;
