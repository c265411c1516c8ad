//! opsctl's integration tests, one module per command area, linked into one
//! test binary that runs the built `opsctl`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

mod access_cli;
mod backstage_cli;
mod backup_cli;
mod backup_retention;
mod ci;
mod cli;
mod common;
mod experiment_cli;
mod export_mef;
mod import;
mod incident_cli;
mod job_cli;
mod json_output;
mod kubernetes_cli;
mod pipes;
mod plugin_cli;
mod polyglot;
mod report_html;
mod terraform_cli;
