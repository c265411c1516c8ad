//! The crate's error type.

use std::path::PathBuf;

/// Why a plugin could not be loaded, or the host could not start.
///
/// Failures while a loaded plugin runs are [`ops_core::CheckError`]s, reported
/// by the runner like any other check's. Each error names the plugin by what
/// the host knows (its file, or the label it was loaded with); text the
/// plugin chose (its name, ids, import names, messages) is quoted cut to a
/// bounded length, the cut marked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PluginError {
    /// The plugin file could not be read.
    #[error("cannot read plugin {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The bytes are not a WebAssembly component wasmtime can compile.
    #[error("{plugin}: not a valid WebAssembly component: {message}")]
    InvalidComponent {
        /// The plugin's file name or label.
        plugin: String,
        /// What the compiler said.
        message: String,
    },
    /// The component imports something the host does not provide (WASI, say).
    #[error(
        "{plugin}: imports `{import}`, which this host does not provide \
         (plugins may import only ops:plugin/{{inventory,analysis,backups,access,incidents,log,types}}@0.1; no WASI)"
    )]
    UnknownImport {
        /// The plugin's file name or label.
        plugin: String,
        /// The import's name, such as `wasi:cli/environment@0.2.0`.
        import: String,
    },
    /// The component does not implement the `ops:plugin/check` world this host
    /// speaks (it lacks the `plugin` export, or its types differ).
    #[error("{plugin}: does not implement ops:plugin@0.1 (world `check`): {message}")]
    Incompatible {
        /// The plugin's file name or label.
        plugin: String,
        /// What did not match.
        message: String,
    },
    /// The plugin's `metadata()` trapped or ran out of a resource.
    #[error("{plugin}: metadata() failed: {message}")]
    Metadata {
        /// The plugin's file name or label.
        plugin: String,
        /// What went wrong.
        message: String,
    },
    /// The metadata is malformed (bad names, duplicate rules, ...).
    #[error("{plugin}: invalid metadata: {message}")]
    InvalidMetadata {
        /// The plugin's file name or label.
        plugin: String,
        /// What is wrong.
        message: String,
    },
    /// Two plugins declare the same name. Both are refused: their rule ids
    /// (`plugin:<name>/<rule>`) would clash, and the host cannot tell which
    /// one is the real one.
    #[error(
        "{plugin}: declares the name '{name}', as does {other}; plugin names must be unique \
         (rule ids are plugin:<name>/<rule>), so neither is loaded"
    )]
    DuplicateName {
        /// The plugin's file name or label.
        plugin: String,
        /// The name both declare.
        name: String,
        /// The other plugin's file name or label.
        other: String,
    },
    /// The WebAssembly engine could not be set up.
    #[error("cannot start the WebAssembly engine: {0}")]
    Engine(String),
}
