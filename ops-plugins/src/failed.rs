//! `FailedPlugin`: a plugin that could not be loaded, as a check that fails.

use ops_core::{Check, CheckError, Context, Finding, Rule};

use crate::PluginError;

/// A plugin that could not be loaded, as an [`ops_core::Check`] that fails
/// with the reason.
///
/// Added to a runner in the loaded plugin's place, it makes a load failure
/// one more failed check of the report instead of the end of the run: every
/// other check still runs and reports, and the report says which plugin
/// failed and why.
///
/// ```no_run
/// use ops_core::{Check, Runner};
/// use ops_plugins::{FailedPlugin, PluginHost};
///
/// let host = PluginHost::new()?;
/// let mut runner = Runner::with_builtin_checks();
/// let paths = ["zone_spof.wasm".into(), "broken.wasm".into()];
/// for (path, loaded) in paths.iter().zip(host.load_files(&paths)) {
///     let check: Box<dyn Check> = match loaded {
///         Ok(check) => Box::new(check),
///         Err(error) => Box::new(FailedPlugin::new(path.display().to_string(), error)),
///     };
///     runner.add(check);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct FailedPlugin {
    /// `plugin:<label>`.
    check_name: String,
    /// Why it did not load.
    error: PluginError,
}

impl FailedPlugin {
    /// The failure of the plugin known as `label` (its file, say) to load.
    /// As a check it is called `plugin:<label>`: its declared name, if it
    /// has one, is not to be trusted.
    pub fn new(label: impl Into<String>, error: PluginError) -> Self {
        FailedPlugin {
            check_name: format!("plugin:{}", label.into()),
            error,
        }
    }

    /// Why the plugin did not load.
    pub fn error(&self) -> &PluginError {
        &self.error
    }
}

impl Check for FailedPlugin {
    fn name(&self) -> &str {
        &self.check_name
    }

    /// None: a plugin that did not load declares nothing.
    fn rules(&self) -> &[Rule] {
        &[]
    }

    /// Always [`CheckError::Failed`] with the load error, which names the
    /// plugin by its label.
    fn run(&self, _ctx: &Context<'_>) -> Result<Vec<Finding>, CheckError> {
        Err(CheckError::Failed(format!("not loaded: {}", self.error)))
    }
}
