//! `ops.Inventory`: a loaded, validated inventory and what ops-core computes
//! on it. Each method returns the document the matching `opsctl` command
//! prints with `--format json`.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use ops_core::access::{AccessReview, EffectiveAccess, OffboardingPlan};
use ops_core::graph::{FailureAnalysis, component_target, entry_target, failure_targets};
use ops_core::import::BackstageInference;
use ops_core::{Error, Format, LoadOptions, Runner, Timestamp, render};

use crate::convert::{instant_or, to_py};
use crate::errors::to_py_err;
use crate::retention;
use ops_core::backup::retention::GroupBy;

/// A loaded and validated inventory.
#[pyclass(module = "ops", frozen)]
#[derive(Debug)]
pub(crate) struct Inventory {
    inner: ops_core::Inventory,
    /// The instant the `person` failure domains were derived at, and the
    /// default instant of the checks and access documents.
    at: Option<Timestamp>,
}

/// The inventory format named by `format`.
fn format_named(format: &str) -> PyResult<Format> {
    match format {
        "yaml" => Ok(Format::Yaml),
        "json" => Ok(Format::Json),
        "toml" => Ok(Format::Toml),
        other => Err(PyValueError::new_err(format!(
            "unknown format '{other}': expected 'yaml', 'json' or 'toml'"
        ))),
    }
}

/// The Backstage inference named by `infer`, with `entry_types` if given.
fn inference(infer: &str, entry_types: Vec<String>) -> PyResult<BackstageInference> {
    match infer {
        "none" => Ok(BackstageInference::none()),
        "all" => {
            let mut inference = BackstageInference::default();
            if !entry_types.is_empty() {
                inference.entry_types = entry_types;
            }
            Ok(inference)
        }
        other => Err(PyValueError::new_err(format!(
            "unknown backstage_infer '{other}': expected 'all' or 'none'"
        ))),
    }
}

impl Inventory {
    fn load_with(py: Python<'_>, paths: &[PathBuf], options: &LoadOptions) -> PyResult<Inventory> {
        let at = options.at;
        let loaded = py.detach(|| ops_core::Inventory::load_with(paths, options));
        match loaded {
            Ok(inner) => Ok(Inventory { inner, at }),
            Err(e) => Err(to_py_err(py, e)),
        }
    }

    fn lookup<T>(py: Python<'_>, found: Result<T, Error>) -> PyResult<T> {
        found.map_err(|e| to_py_err(py, e))
    }
}

#[pymethods]
impl Inventory {
    /// Loads and validates inventory files and directories (read
    /// recursively), with the importers' sources as `opsctl` takes them.
    #[staticmethod]
    #[pyo3(signature = (
        paths, *, at=None, backstage=Vec::new(), backstage_infer="all", backstage_entry_types=Vec::new(),
        terraform=Vec::new(), kubernetes=Vec::new(), kubernetes_cluster=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn load(
        py: Python<'_>,
        paths: Vec<PathBuf>,
        at: Option<&Bound<'_, PyAny>>,
        backstage: Vec<PathBuf>,
        backstage_infer: &str,
        backstage_entry_types: Vec<String>,
        terraform: Vec<PathBuf>,
        kubernetes: Vec<PathBuf>,
        kubernetes_cluster: Option<String>,
    ) -> PyResult<Inventory> {
        let mut options = LoadOptions::default();
        options.at = at.filter(|a| !a.is_none()).map(crate::convert::instant).transpose()?;
        options.backstage = backstage;
        options.backstage_infer = inference(backstage_infer, backstage_entry_types)?;
        options.terraform = terraform;
        options.kubernetes = kubernetes;
        options.kubernetes_cluster = kubernetes_cluster;
        Inventory::load_with(py, &paths, &options)
    }

    /// Loads and validates one inventory from text; `name` is the file name
    /// its problems and findings are located in.
    #[staticmethod]
    #[pyo3(signature = (text, format="yaml", name="<input>", *, at=None))]
    fn from_text(
        py: Python<'_>,
        text: String,
        format: &str,
        name: &str,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Inventory> {
        let mut options = LoadOptions::default();
        options.at = at.filter(|a| !a.is_none()).map(crate::convert::instant).transpose()?;
        options.texts.push((name.to_owned(), format_named(format)?, text));
        Inventory::load_with(py, &[], &options)
    }

    /// The instant given when loading, or `None`.
    #[getter]
    fn at(&self) -> Option<String> {
        self.at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }

    /// What the loaders skipped, each as `file:line:column: note`.
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.inner.notes().iter().map(ToString::to_string).collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<ops.Inventory: {} components, {} domains, {} people>",
            self.inner.components().len(),
            self.inner.domains().len(),
            self.inner.people().len()
        )
    }

    /// Runs every built-in check at `at` (default: the load's `at`, else
    /// now): the report document of `opsctl check --format json`. The rules
    /// in `disable` are off: their checks do not run (`ops.toml`'s `"off"`);
    /// a rule that is not built in is `ops.NotFoundError`.
    #[pyo3(signature = (at=None, *, disable=Vec::new()))]
    fn check<'py>(
        &self,
        py: Python<'py>,
        at: Option<&Bound<'py, PyAny>>,
        disable: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = instant_or(at, self.at)?;
        let mut runner = Runner::with_builtin_checks();
        for id in &disable {
            if !runner.rules().any(|r| r.id() == id) {
                let hint = ops_core::suggest::did_you_mean(id, runner.rules().map(|r| r.id()))
                    .map(|m| format!(" (did you mean '{m}'?)"))
                    .unwrap_or_default();
                return Err(to_py_err(py, Error::Lookup(format!("no built-in rule '{id}'{hint}"))));
            }
            runner.disable(id);
        }
        let report = py.detach(|| runner.run(&self.inner, now));
        to_py(py, &render::to_json(&report))
    }

    /// The single points of failure of every entry point (or of `entry`):
    /// the `entries` of `opsctl spof --format json`.
    #[pyo3(signature = (entry=None))]
    fn spofs<'py>(&self, py: Python<'py>, entry: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let only = entry
            .map(|id| Inventory::lookup(py, entry_target(&self.inner, id)))
            .transpose()?;
        let doc = py.detach(|| render::spofs_to_json(&self.inner, &FailureAnalysis::new(&self.inner), only));
        to_py(py, &doc["entries"])
    }

    /// Fails components, instances (`web#2`) and domains together: what goes
    /// down and why, as `opsctl simulate --format json`.
    fn simulate<'py>(&self, py: Python<'py>, fail: Vec<String>) -> PyResult<Bound<'py, PyAny>> {
        let targets = Inventory::lookup(py, failure_targets(&self.inner, &fail))?;
        let doc = py.detach(|| {
            let outage = FailureAnalysis::new(&self.inner).simulate(&targets);
            render::outage_to_json(&self.inner, &outage, &fail)
        });
        to_py(py, &doc)
    }

    /// What fails when `component` fails, and why: `opsctl blast-radius --format json`.
    fn blast_radius<'py>(&self, py: Python<'py>, component: &str) -> PyResult<Bound<'py, PyAny>> {
        let c = Inventory::lookup(py, component_target(&self.inner, component))?;
        let doc = py.detach(|| {
            let outage = FailureAnalysis::new(&self.inner).blast_radius(c);
            render::outage_to_json(&self.inner, &outage, &[component])
        });
        to_py(py, &doc)
    }

    /// Who can reach each system (or only `system`), through grants, groups
    /// and credentials, flagged: `opsctl access review --format json`.
    #[pyo3(signature = (system=None, at=None))]
    fn access_review<'py>(
        &self,
        py: Python<'py>,
        system: Option<&str>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let system = match system {
            None => None,
            Some(id) => Some(
                self.inner
                    .system_by_id(id)
                    .ok_or_else(|| not_found(py, "system", id, self.inner.systems().iter().map(|s| s.id.as_str())))?,
            ),
        };
        let now = instant_or(at, self.at)?;
        let review = AccessReview::new(&EffectiveAccess::new(&self.inner), system, now);
        to_py(py, &review)
    }

    /// Everything `person` can reach, through which groups, and the
    /// checklist that removes it: `opsctl offboard --format json`.
    #[pyo3(signature = (person, at=None))]
    fn offboard<'py>(
        &self,
        py: Python<'py>,
        person: &str,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let idx = self
            .inner
            .person_by_id(person)
            .ok_or_else(|| not_found(py, "person", person, self.inner.people().iter().map(|p| p.id.as_str())))?;
        let now = instant_or(at, self.at)?;
        let plan = OffboardingPlan::new(&EffectiveAccess::new(&self.inner), idx, now);
        to_py(py, &plan)
    }

    /// What `restic forget` would keep of backup policy `policy`'s successful
    /// runs under its `retention`, and why: `opsctl backup retention PATH... POLICY --format json`.
    #[pyo3(signature = (policy, *, restic_version="current", tz=None, at=None))]
    fn forget<'py>(
        &self,
        py: Python<'py>,
        policy: &str,
        restic_version: &str,
        tz: Option<&str>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let idx = self.inner.backup_policy_by_id(policy).ok_or_else(|| {
            let known = self.inner.backup_policies().iter().map(|p| p.id.as_str());
            not_found(py, "backup policy", policy, known)
        })?;
        let (mut retention, snapshots) =
            ops_core::backup::policy_retention(&self.inner, idx).map_err(|e| to_py_err(py, e))?;
        retention.version = retention::version(restic_version)?;
        retention.zone = retention::zone(tz)?;
        let now = instant_or(at, None)?;
        retention::decide(py, &snapshots, &retention, GroupBy::default(), now)
    }
}

/// `ops.NotFoundError` for an id of `kind` that names nothing, with a
/// suggestion when one of `known` is close.
fn not_found<'a>(py: Python<'_>, kind: &str, id: &str, known: impl IntoIterator<Item = &'a str>) -> PyErr {
    let hint = ops_core::suggest::did_you_mean(id, known)
        .map(|m| format!(" (did you mean '{m}'?)"))
        .unwrap_or_default();
    to_py_err(py, Error::Lookup(format!("no {kind} '{id}' in the inventory{hint}")))
}
