//! ops-core's integration tests, one module per area, linked into one test
//! binary instead of one binary per file, so the workspace links a handful.
//! `resources.rs` stays its own binary: CI runs it in release.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

mod access_checks;
mod access_effective;
mod availability;
mod backstage;
mod backup_checks;
mod backup_schedule;
mod docs;
mod double_faults;
mod experiments;
mod fuzz_regressions;
mod graph_checks;
mod graph_properties;
mod import;
mod incidents;
mod jobs;
mod kubernetes;
mod mef;
mod model_fidelity;
mod pictures;
mod render_output;
mod restic_retention;
mod retention_properties;
mod retention_zone;
mod rules;
mod runner;
mod structure;
mod systems_and_events;
mod terraform;
mod validation;
mod waivers;
