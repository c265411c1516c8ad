//! `ops.forget`: what `restic forget` would keep and remove, and why, as
//! `opsctl backup retention --snapshots FILE --format json` prints it.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};

use ops_core::backup::retention::{Bucket, GroupBy, SnapshotFilter, TagList};
use ops_core::backup::{
    KeepCount, ResticDuration, ResticVersion, RetentionPolicy, RetentionSnapshot, forget as forget_,
};
use ops_core::{Error, render};

use crate::convert::{instant_or, to_py};
use crate::errors::to_py_err;

/// A `keep_<bucket>` count as restic's flag text: an int, or text such as `"unlimited"`.
fn count_text(name: &str, value: &Bound<'_, PyAny>) -> PyResult<String> {
    if value.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{name}: expected an int or 'unlimited', found a bool"
        )));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(value.str()?.to_cow()?.into_owned());
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_cow()?.into_owned());
    }
    Err(PyTypeError::new_err(format!(
        "{name}: expected an int or 'unlimited', found {}",
        value.get_type().name()?
    )))
}

/// The `restic snapshots --json` text `snapshots` (`name` locates its
/// problems), filtered by `host`/`tag`/`path` and grouped by `group_by`, and
/// the policy of the `keep_*` arguments (restic's flags, `--keep-tag a,b`
/// as `keep_tag=["a,b"]`), decided as `restic forget --dry-run` at `at`
/// (default now) in the time zone `tz`, as `restic_version` (`"current"` or
/// `"0.14"`) does.
#[pyfunction]
#[pyo3(signature = (
    snapshots, *, name="snapshots.json",
    keep_last=None, keep_hourly=None, keep_daily=None, keep_weekly=None, keep_monthly=None, keep_yearly=None,
    keep_within=None, keep_within_hourly=None, keep_within_daily=None, keep_within_weekly=None,
    keep_within_monthly=None, keep_within_yearly=None, keep_tag=Vec::new(),
    host=Vec::new(), tag=Vec::new(), path=Vec::new(), group_by="host,paths",
    restic_version="current", tz=None, at=None,
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn forget<'py>(
    py: Python<'py>,
    snapshots: &str,
    name: &str,
    keep_last: Option<&Bound<'py, PyAny>>,
    keep_hourly: Option<&Bound<'py, PyAny>>,
    keep_daily: Option<&Bound<'py, PyAny>>,
    keep_weekly: Option<&Bound<'py, PyAny>>,
    keep_monthly: Option<&Bound<'py, PyAny>>,
    keep_yearly: Option<&Bound<'py, PyAny>>,
    keep_within: Option<&str>,
    keep_within_hourly: Option<&str>,
    keep_within_daily: Option<&str>,
    keep_within_weekly: Option<&str>,
    keep_within_monthly: Option<&str>,
    keep_within_yearly: Option<&str>,
    keep_tag: Vec<String>,
    host: Vec<String>,
    tag: Vec<String>,
    path: Vec<String>,
    group_by: &str,
    restic_version: &str,
    tz: Option<&str>,
    at: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut policy = RetentionPolicy::default();
    policy.version = version(restic_version)?;
    let counts = [
        (Bucket::Last, keep_last),
        (Bucket::Hourly, keep_hourly),
        (Bucket::Daily, keep_daily),
        (Bucket::Weekly, keep_weekly),
        (Bucket::Monthly, keep_monthly),
        (Bucket::Yearly, keep_yearly),
    ];
    for (bucket, value) in counts {
        let Some(value) = value.filter(|v| !v.is_none()) else {
            continue;
        };
        let flag = format!("keep_{}", bucket.name());
        let count = KeepCount::parse(&count_text(&flag, value)?, policy.version)
            .map_err(|e| to_py_err(py, Error::InvalidRetention(format!("{flag}: {e}"))))?;
        policy.set_count(bucket, count);
    }
    let durations = [
        (Bucket::Last, "keep_within", keep_within),
        (Bucket::Hourly, "keep_within_hourly", keep_within_hourly),
        (Bucket::Daily, "keep_within_daily", keep_within_daily),
        (Bucket::Weekly, "keep_within_weekly", keep_within_weekly),
        (Bucket::Monthly, "keep_within_monthly", keep_within_monthly),
        (Bucket::Yearly, "keep_within_yearly", keep_within_yearly),
    ];
    for (bucket, flag, value) in durations {
        let Some(value) = value else { continue };
        let within =
            ResticDuration::parse(value).map_err(|e| to_py_err(py, Error::InvalidRetention(format!("{flag}: {e}"))))?;
        policy.set_within(bucket, within);
    }
    policy.tags = keep_tag.iter().map(|t| TagList::parse(t)).collect();
    policy.zone = zone(tz)?;
    let group_by = GroupBy::parse(group_by).map_err(|e| PyValueError::new_err(format!("group_by: {e}")))?;
    let now = instant_or(at, None)?;
    let parsed = ops_core::import::parse_restic_snapshots(name, snapshots).map_err(|e| to_py_err(py, e))?;
    let mut filter = SnapshotFilter::default();
    filter.hosts = host;
    filter.tags = tag.iter().map(|t| TagList::parse(t)).collect();
    filter.paths = path;
    let snapshots: Vec<RetentionSnapshot> = parsed
        .iter()
        .map(|s| s.to_retention_snapshot())
        .filter(|s| filter.matches(s))
        .collect();
    decide(py, &snapshots, &policy, group_by, now)
}

/// `restic_version` as ops-core's [`ResticVersion`].
pub(crate) fn version(restic_version: &str) -> PyResult<ResticVersion> {
    match restic_version {
        "current" => Ok(ResticVersion::Current),
        "0.14" => Ok(ResticVersion::V0_14),
        other => Err(PyValueError::new_err(format!(
            "restic_version: unknown version '{other}': expected 'current' or '0.14'"
        ))),
    }
}

/// The zone restic runs in, an IANA name, or none (restic under `TZ=UTC`).
pub(crate) fn zone(tz: Option<&str>) -> PyResult<Option<chrono_tz::Tz>> {
    let Some(name) = tz else { return Ok(None) };
    name.parse().map(Some).map_err(|_| {
        let hint = ops_core::suggest::did_you_mean(name, chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()))
            .map(|s| format!(" (did you mean '{s}'?)"))
            .unwrap_or_default();
        PyValueError::new_err(format!(
            "tz: unknown time zone '{name}': expected an IANA name such as Europe/London{hint}"
        ))
    })
}

/// `restic forget --dry-run` of `policy` on `snapshots`, as the retention document.
pub(crate) fn decide<'py>(
    py: Python<'py>,
    snapshots: &[RetentionSnapshot],
    policy: &RetentionPolicy,
    group_by: GroupBy,
    now: ops_core::Timestamp,
) -> PyResult<Bound<'py, PyAny>> {
    let groups = forget_(snapshots, policy, group_by, now).map_err(|e| to_py_err(py, e))?;
    to_py(py, &render::retention_document(snapshots, &groups))
}
