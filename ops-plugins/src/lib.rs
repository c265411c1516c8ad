//! # ops-plugins
//!
//! Checks written as sandboxed WebAssembly components.
//!
//! A plugin implements the `check` world of the WIT package `ops:plugin@0.1.1`
//! (in this crate's `wit/` folder): it exports its metadata (name, version,
//! rules) and a `run(config)` returning findings, and imports nothing but
//! read-only inventory queries (components, domains, backups, access,
//! incidents: indexed and paged, so a plugin pulls only what it reads), the
//! host's failure analysis (single points of failure, blast radius,
//! simulated outages) and a log. No WASI: a plugin cannot reach files, the
//! network, the environment, a clock or randomness.
//!
//! Plugins built against an older 0.1.x of the WIT keep working: 0.1.x
//! releases only add, and wasmtime resolves a plugin's `@0.1.0` imports and
//! exports to this host's `@0.1.1` (semver-compatible names).
//!
//! A [`PluginHost`] loads plugins into [`WasmCheck`]s, which implement
//! [`ops_core::Check`], so the runner treats them like built-in checks:
//!
//! ```no_run
//! use ops_core::{Inventory, Runner};
//! use ops_plugins::{PluginHost, PluginLimits};
//!
//! let host = PluginHost::new()?; // one engine, shared by every plugin and thread
//! let mut limits = PluginLimits::default();
//! limits.cpu_time = std::time::Duration::from_millis(250);
//! let wasm = std::fs::read("zone_spof.wasm")?;
//! let check = host.load_with_limits("zone_spof.wasm", &wasm, limits)?.with_config("max_tier = 2");
//! let mut runner = Runner::with_builtin_checks();
//! runner.add(Box::new(check)); // just another Check
//! let report = runner.run(&Inventory::load(&["inventory/"])?, chrono::Utc::now());
//! println!("{} findings, {} checks failed", report.findings.len(), report.failures.len());
//! for failure in &report.failures {
//!     eprintln!("{}: {}", failure.check, failure.message); // e.g. a plugin out of CPU time
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The sandbox
//!
//! On by default, per plugin ([`PluginLimits`]): a CPU time budget (default
//! 1 s) enforced with epoch interruption in wasm code and checked by every
//! host call, whose long analyses stop at it part way; a memory cap over all
//! of the plugin's memories (default 64 MiB; growing past it traps), which is
//! also the cap on what the host copies out of the plugin in one call; caps
//! on tables, on the number and size of findings, on the values of each
//! finding's evidence, and one output budget (default 16 MiB) for what the
//! host holds of a run's findings, parsed evidence and log; and per host
//! ([`HostConfig`]) a wasm stack cap. A component importing anything but the
//! ops interfaces is refused at load time, naming the import. Each run gets
//! a fresh store, so nothing carries over between runs.
//!
//! Errors name a plugin by what the host knows first (its file, or the label
//! it was loaded with), then by the name it declares, and quote any text the
//! plugin chose cut short. [`PluginHost::load_files`] refuses two plugins
//! declaring one name; [`FailedPlugin`] turns a plugin that did not load into
//! a check that fails, so the other checks still run.
//!
//! Plugin findings are namespaced `plugin:<name>/<rule>`; a finding for a
//! rule the plugin did not declare, about a subject that is not in the
//! inventory (or has an empty id), with evidence that is not a JSON object
//! or over its caps, fails that plugin's run with
//! [`ops_core::CheckError::InvalidOutput`].

mod bindings {
    //! Generated from `wit/`; private, so wasmtime's types stay out of the API.
    #![allow(missing_docs, unreachable_pub, missing_debug_implementations)]
    wasmtime::component::bindgen!({
        world: "check",
        path: "wit",
        imports: { default: trappable },
    });
}

// Each file imports only files after it in this order, so there are no
// import cycles: plugin_host, failed, check, subject, evidence, engine,
// host/, state, budget, limiter, cache, lend, limits, quote, error (and
// `bindings` above, which imports none of them).
mod budget; // OutputBudget: what a run's output makes the host hold
mod cache; // the on-disk cache of compiled plugins
mod check; // WasmCheck, PluginMetadata: a loaded plugin as an ops_core::Check
mod engine; // the engine, its epoch ticker and linker, one sandboxed call
mod error; // PluginError
mod evidence; // evidence JSON parsed under a value cap and the output budget
mod failed; // FailedPlugin: a plugin that did not load, as a failing check
mod host; // the host side of the imports, one file per WIT interface
mod lend; // the inventory lent to a store for one call
mod limiter; // Limiter: the ResourceLimiter of a store
mod limits; // PluginLimits, HostConfig, Pooling
mod plugin_host; // PluginHost: loading and inspecting plugins
mod quote; // plugin-provided text in error messages, cut short
mod state; // RunState: the data of a store
mod subject; // the subjects of plugin findings, checked against the inventory

pub use check::{PluginMetadata, WasmCheck};
pub use error::PluginError;
pub use failed::FailedPlugin;
pub use limits::{HostConfig, PluginLimits, Pooling};
pub use plugin_host::{PluginHost, PluginInfo};

/// The WIT package plugins implement, for tools that generate bindings.
pub const WIT: &str = include_str!("../wit/plugin.wit");
