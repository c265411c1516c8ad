//! Reading `restic snapshots --json`: the snapshots themselves (for the
//! retention engine, [`crate::backup::forget`]), and the importer that turns
//! them into backup runs.
//!
//! The output is a JSON array of snapshot objects such as
//! `{"time": "2026-11-20T02:30:00.123456789+01:00", "tree": "…", "paths":
//! ["/srv"], "hostname": "db1", "username": "root", "tags": ["nightly"],
//! "id": "…", "short_id": "…"}`, with `parent`, `uid`, `gid`, `excludes`,
//! `program_version` and (restic 0.17 and later) `summary` when present.
//! Fields this reader does not know are ignored, since restic adds fields
//! over releases; `time` and `id` are required. The grouped form printed with
//! `--group-by` (`[{"group_key": {...}, "snapshots": [...]}]`) is read too.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Deserializer};

use super::{
    Column, EntityBuilder, Files, Imported, Importer, ImporterInfo, Input, Place, Section, one_input, within_limit,
};
use crate::backup::RetentionSnapshot;
use crate::source::Node;
use crate::{Error, LoadLimits, Location};

/// One snapshot of `restic snapshots --json`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ResticSnapshot {
    /// Snapshot id (64 hex digits).
    pub id: String,
    /// The first 8 hex digits, as restic prints it.
    #[serde(default)]
    pub short_id: Option<String>,
    /// When the snapshot was taken, with the offset restic recorded.
    #[serde(deserialize_with = "rfc3339")]
    pub time: DateTime<FixedOffset>,
    /// Id of the root tree: a SHA-256 of the backed-up content's top directory.
    #[serde(default)]
    pub tree: Option<String>,
    /// The previous snapshot of the same paths.
    #[serde(default)]
    pub parent: Option<String>,
    /// Backed-up paths.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub paths: Vec<String>,
    /// Host name.
    #[serde(default)]
    pub hostname: Option<String>,
    /// User who ran the backup.
    #[serde(default)]
    pub username: Option<String>,
    /// Tags.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tags: Vec<String>,
    /// `restic x.y.z` (restic 0.17 and later).
    #[serde(default)]
    pub program_version: Option<String>,
    /// Statistics of the backup run (restic 0.17 and later).
    #[serde(default)]
    pub summary: Option<ResticSummary>,
}

/// The `summary` of a snapshot (restic 0.17 and later).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ResticSummary {
    /// When the backup started.
    #[serde(default, deserialize_with = "optional_rfc3339")]
    pub backup_start: Option<DateTime<FixedOffset>>,
    /// When it ended.
    #[serde(default, deserialize_with = "optional_rfc3339")]
    pub backup_end: Option<DateTime<FixedOffset>>,
    /// Bytes of new data, before compression.
    #[serde(default)]
    pub data_added: Option<u64>,
    /// Bytes of new data as stored.
    #[serde(default)]
    pub data_added_packed: Option<u64>,
    /// Files read.
    #[serde(default)]
    pub total_files_processed: Option<u64>,
    /// Bytes read: the size of what the snapshot holds.
    #[serde(default)]
    pub total_bytes_processed: Option<u64>,
}

fn rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    let text = String::deserialize(d)?;
    DateTime::parse_from_rfc3339(&text).map_err(|e| {
        serde::de::Error::custom(format!(
            "invalid time '{text}' ({e}): expected RFC 3339 with an offset, such as 2026-11-20T02:30:00.123456789+01:00"
        ))
    })
}

fn optional_rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "rfc3339")] DateTime<FixedOffset>);
    Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
}

fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

/// Reads the output of `restic snapshots --json`.
///
/// # Arguments
///
/// `file` names the input in errors; `text` is the JSON.
///
/// # Returns
///
/// The snapshots in the order given, or [`Error::ResticJson`] with the line
/// and column of the first problem: malformed JSON, something other than an
/// array of objects, a snapshot without `time` or `id`, a time that is not
/// RFC 3339 with an offset.
///
/// # Example
///
/// ```
/// let json = r#"[{"time":"2026-11-20T02:30:00.5+01:00","tree":"aa","paths":["/srv"],
///   "hostname":"db1","tags":["nightly"],"id":"8b1f","short_id":"8b1f","new_field":1}]"#;
/// let snapshots = ops_core::import::parse_restic_snapshots("snapshots.json", json)?;
/// assert_eq!(snapshots[0].time.offset().local_minus_utc(), 3600);
/// let err = ops_core::import::parse_restic_snapshots("s.json", r#"[{"id": "8b1f"}]"#).unwrap_err();
/// assert_eq!(err.to_string(), "s.json:1:15: missing field `time`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_restic_snapshots(file: &str, text: &str) -> Result<Vec<ResticSnapshot>, Error> {
    /// One group of `restic snapshots --json --group-by ...`.
    #[derive(Deserialize)]
    struct Group {
        #[serde(deserialize_with = "null_as_empty_snapshots")]
        snapshots: Vec<ResticSnapshot>,
    }
    fn null_as_empty_snapshots<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ResticSnapshot>, D::Error> {
        Ok(Option::<Vec<ResticSnapshot>>::deserialize(d)?.unwrap_or_default())
    }
    // With --group-by, restic prints [{"group_key": {...}, "snapshots": [...]}].
    let parsed = match serde_json::from_str::<Vec<ResticSnapshot>>(text) {
        Err(_) if text.contains("\"group_key\"") => serde_json::from_str::<Vec<Group>>(text)
            .map(|groups| groups.into_iter().flat_map(|g| g.snapshots).collect()),
        other => other,
    };
    parsed.map_err(|e| {
        let full = e.to_string();
        // serde_json appends " at line L column C"; the position goes in front.
        let message = match full.rfind(" at line ") {
            Some(at) => full[..at].to_owned(),
            None => full,
        };
        let message = if message.starts_with("invalid type") && e.line() == 1 && e.column() <= 1 {
            format!("{message}; expected the JSON array printed by `restic snapshots --json`")
        } else {
            message
        };
        Error::ResticJson {
            file: file.to_owned(),
            line: e.line(),
            column: e.column(),
            message,
        }
    })
}

impl ResticSnapshot {
    /// The snapshot as the retention engine sees it.
    pub fn to_retention_snapshot(&self) -> RetentionSnapshot {
        RetentionSnapshot {
            id: self.id.clone(),
            time: self.time,
            hostname: self.hostname.clone().unwrap_or_default(),
            paths: self.paths.clone(),
            tags: self.tags.clone(),
        }
    }

    /// The short id: `short_id` if given, else the id's first 8 characters.
    pub fn short(&self) -> &str {
        match &self.short_id {
            Some(s) => s,
            None => self.id.get(..8).unwrap_or(&self.id),
        }
    }
}

/// How to import restic snapshots.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ResticSnapshotsOptions {
    /// Id of the inventory backup policy the snapshots belong to, such as
    /// `orders-db-nightly`; the policy must be defined in the inventory.
    pub policy: String,
    /// Bounds on the input (only `max_file_bytes` applies).
    pub limits: LoadLimits,
}

impl ResticSnapshotsOptions {
    /// Options for the runs of backup policy `policy`.
    pub fn new(policy: impl Into<String>) -> Self {
        ResticSnapshotsOptions {
            policy: policy.into(),
            limits: LoadLimits::default(),
        }
    }
}

impl AsRef<LoadLimits> for ResticSnapshotsOptions {
    fn as_ref(&self) -> &LoadLimits {
        &self.limits
    }
}

/// The restic importer (`restic-snapshots`): the output of `restic snapshots
/// --json` (any restic version, grouped or not) as `backup_runs` of one
/// policy, one run per snapshot, in the order given.
///
/// A snapshot exists only once its backup completed, so the status is
/// `success`; `started_at` is the summary's `backup_start` or else the
/// snapshot time, `finished_at` the summary's `backup_end`, `size_bytes` its
/// `total_bytes_processed`, and `checksum` the tree id (`sha256:<tree>`, a
/// hash of the backed-up content) when present. Instants are written in UTC.
///
/// A problem is what [`parse_restic_snapshots`] cannot read, with its line
/// and column.
///
/// ```
/// use ops_core::import::{Importer, Input, ResticSnapshots, ResticSnapshotsOptions};
/// let json = r#"[{"time":"2026-11-20T02:30:00.5+01:00","tree":"aa","id":"8b1f","paths":["/srv"]}]"#;
/// let options = ResticSnapshotsOptions::new("srv-nightly");
/// let imported = ResticSnapshots.import(&[Input::new("snapshots.json", json)], &options)?;
/// assert!(imported.to_inventory_json().contains(r#""started_at": "2026-11-20T01:30:00.500Z""#));
/// let err = ResticSnapshots.import(&[Input::new("s.json", r#"[{"id": "8b1f"}]"#)], &options).unwrap_err();
/// assert_eq!(err.to_string(), "the import found 1 problem:\ns.json:1:15: missing field `time`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Complexity
/// Linear in the size of the input.
#[derive(Clone, Copy, Debug, Default)]
pub struct ResticSnapshots;

const INFO: ImporterInfo = ImporterInfo {
    name: "restic-snapshots",
    reads: "the output of `restic snapshots --json`",
    files: Files::One,
    produces: &[Section::BackupRuns],
};

impl Importer for ResticSnapshots {
    type Options = ResticSnapshotsOptions;
    const INFO: &'static ImporterInfo = &INFO;

    fn read(&self, inputs: &[Input<'_>], options: &ResticSnapshotsOptions) -> Imported {
        let mut out = Imported::new();
        let Some(input) = one_input(&INFO, inputs, &mut out) else {
            return out;
        };
        if !within_limit(input, &options.limits, &mut out) {
            return out;
        }
        match parse_restic_snapshots(input.name, input.text) {
            Ok(snapshots) => {
                let at = Location::new(input.name, 1, 1);
                for s in &snapshots {
                    out.push(Section::BackupRuns, backup_run(s, &options.policy, at.clone()));
                }
            }
            Err(Error::ResticJson {
                file,
                line,
                column,
                message,
            }) => {
                let place = Place {
                    file: Some(file.into()),
                    line: Some(line as u64),
                    column: Some(Column::Char(u32::try_from(column).unwrap_or(u32::MAX))),
                };
                out.problem(place, message);
            }
            Err(other) => out.problem(Place::file(input.name), other.to_string()),
        }
        out
    }
}

/// A snapshot as a `backup_runs` entry of `policy` (see [`ResticSnapshots`]).
fn backup_run(snapshot: &ResticSnapshot, policy: &str, at: Location) -> Node {
    let utc = |t: DateTime<FixedOffset>| t.with_timezone(&Utc);
    let summary = snapshot.summary.as_ref();
    let started = summary.and_then(|s| s.backup_start).unwrap_or(snapshot.time);
    let finished = summary.and_then(|s| s.backup_end).filter(|end| *end >= started);
    // Fields in name order: the order this importer has always written.
    EntityBuilder::new(at)
        .opt_str("checksum", snapshot.tree.as_ref().map(|t| format!("sha256:{t}")))
        .instant("finished_at", finished.map(utc))
        .str("id", snapshot.id.clone())
        .str("policy", policy)
        .opt_u64("size_bytes", summary.and_then(|s| s.total_bytes_processed))
        .instant("started_at", Some(utc(started)))
        .str("status", "success")
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL: &str = r#"[{"time":"2021-03-28T02:17:00.123456789+01:00","parent":"aa","tree":"20fe5ce6","paths":["/srv"],"hostname":"h","username":"root","uid":0,"gid":0,"excludes":["*.tmp"],"tags":["daily"],"id":"47845ab382c4d741ff6b756c078321167e416472ce64b3857d69bbdf62f128e7","short_id":"47845ab3","program_version":"restic 0.17.3","summary":{"backup_start":"2021-03-28T02:17:00.1+01:00","backup_end":"2021-03-28T02:19:30+01:00","files_new":1,"data_added":10,"total_files_processed":3,"total_bytes_processed":4096,"a_future_field":{"x":[1]}}},
{"time":"2021-03-27T23:00:00Z","tree":"bb","paths":null,"tags":null,"id":"0e20d7c394d1851f90a29b95b0d32c98bd175fc6b488d1ea1f72194e69d00789"}]"#;

    #[test]
    fn reads_restic_output_and_ignores_unknown_fields() {
        let s = parse_restic_snapshots("s.json", REAL).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].time.to_rfc3339(), "2021-03-28T02:17:00.123456789+01:00");
        assert_eq!(s[0].summary.as_ref().unwrap().total_bytes_processed, Some(4096));
        assert_eq!(s[1].short(), "0e20d7c3");
        assert!(s[1].paths.is_empty() && s[1].tags.is_empty());
        let r = s[0].to_retention_snapshot();
        assert_eq!(
            (r.hostname.as_str(), r.tags.as_slice()),
            ("h", &["daily".to_owned()][..])
        );
    }

    #[test]
    fn reads_the_grouped_form() {
        let grouped = format!(
            r#"[{{"group_key":{{"hostname":"h","paths":["/srv"],"tags":null}},"snapshots":{REAL}}},{{"group_key":{{"hostname":"g"}},"snapshots":null}}]"#
        );
        assert_eq!(parse_restic_snapshots("s.json", &grouped).unwrap().len(), 2);
        let broken = grouped.replacen("\"time\"", "\"tim\"", 1);
        let err = parse_restic_snapshots("s.json", &broken).unwrap_err().to_string();
        assert!(
            err.starts_with("s.json:1:") && err.ends_with("missing field `time`"),
            "{err}"
        );
    }

    #[test]
    fn errors_say_where_and_what() {
        let e = |text: &str| parse_restic_snapshots("s.json", text).unwrap_err().to_string();
        assert_eq!(e(r#"[{"id": "ab"}]"#), "s.json:1:13: missing field `time`");
        assert_eq!(
            e("[\n{\"time\": \"2021-03-27T23:00:00Z\"}]"),
            "s.json:2:32: missing field `id`"
        );
        let bad_time = e(r#"[{"id": "ab", "time": "2021-03-27 23:00"}]"#);
        assert!(
            bad_time.starts_with("s.json:1:41: invalid time '2021-03-27 23:00' ("),
            "{bad_time}"
        );
        assert!(e("[{\"id\": \"ab\",").starts_with("s.json:1:13: EOF while parsing"));
        assert_eq!(
            e(r#"{"id": "ab"}"#),
            "s.json:1:0: invalid type: map, expected a sequence; expected the JSON array printed by `restic snapshots --json`"
        );
    }

    #[test]
    fn snapshots_become_backup_runs_that_load() {
        let options = ResticSnapshotsOptions::new("srv-nightly");
        let imported = ResticSnapshots.import(&[Input::new("s.json", REAL)], &options).unwrap();
        let doc = imported.to_inventory_json();
        let run = &serde_json::from_str::<serde_json::Value>(&doc).unwrap()["backup_runs"][0];
        assert_eq!(run["started_at"], "2021-03-28T01:17:00.100Z");
        assert_eq!(run["finished_at"], "2021-03-28T01:19:30Z");
        assert_eq!(run["size_bytes"], 4096);
        assert_eq!(run["checksum"], "sha256:20fe5ce6");
        let inventory = format!(
            "{{\"components\": [{{\"id\": \"srv\", \"kind\": \"database\"}}], \"backup_policies\": [{{\"id\": \"srv-nightly\", \"protects\": \"srv\"}}], {}",
            doc.trim_start_matches('{')
        );
        let inv = crate::Inventory::from_text("runs.json", crate::Format::Json, &inventory).unwrap();
        assert_eq!(inv.backup_runs().len(), 2);
    }

    #[test]
    fn a_run_is_written_field_by_field_in_name_order() {
        let options = ResticSnapshotsOptions::new("p");
        let imported = ResticSnapshots.import(&[Input::new("s.json", REAL)], &options).unwrap();
        assert_eq!(
            serde_json::to_string(&imported).unwrap(),
            r#"{"backup_runs":[{"checksum":"sha256:20fe5ce6","finished_at":"2021-03-28T01:19:30Z","id":"47845ab382c4d741ff6b756c078321167e416472ce64b3857d69bbdf62f128e7","policy":"p","size_bytes":4096,"started_at":"2021-03-28T01:17:00.100Z","status":"success"},{"checksum":"sha256:bb","id":"0e20d7c394d1851f90a29b95b0d32c98bd175fc6b488d1ea1f72194e69d00789","policy":"p","started_at":"2021-03-27T23:00:00Z","status":"success"}]}"#
        );
    }

    #[test]
    fn unreadable_json_is_one_problem_with_line_and_column() {
        let options = ResticSnapshotsOptions::new("p");
        let imported = ResticSnapshots.read(
            &[Input::new("s.json", "[\n{\"time\": \"2021-03-27T23:00:00Z\"}]")],
            &options,
        );
        let problems: Vec<String> = imported.problems().iter().map(ToString::to_string).collect();
        assert_eq!(problems, ["s.json:2:32: missing field `id`"]);
        assert!(imported.is_empty());
    }
}
