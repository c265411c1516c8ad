use std::io;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

use crate::{Finding, Report};

/// Version of the JSON document [`to_json`] writes. Bumped on any change that
/// could break a reader; adding fields does not bump it.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The report as the documented JSON document (see `docs/json-output.md`).
/// [`write_json`] writes the same document without building it in memory.
///
/// ```
/// use ops_core::{Format, Inventory, Runner, render};
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, entry: true}]")?;
/// let report = Runner::with_builtin_checks().run(&inv, "2026-11-22T00:00:00Z".parse()?);
/// let doc = render::to_json(&report);
/// assert_eq!(doc["version"], 1);
/// assert_eq!(doc["summary"]["medium"], 1);
/// assert_eq!(doc["findings"][0]["subject"]["id"], "web");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_json(report: &Report) -> Value {
    serde_json::to_value(Document(report)).unwrap_or(Value::Null)
}

/// Writes the report's JSON document (the one [`to_json`] returns,
/// pretty-printed, ending with a line break) to `out` as it goes: memory
/// stays bounded by the largest finding, however many there are. Wrap a
/// file or standard output in a [`std::io::BufWriter`].
///
/// ```
/// use ops_core::{Format, Inventory, Runner, render};
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, entry: true}]")?;
/// let report = Runner::with_builtin_checks().run(&inv, "2026-11-22T00:00:00Z".parse()?);
/// let mut out = Vec::new();
/// render::write_json(&report, &mut out)?;
/// let doc: serde_json::Value = serde_json::from_slice(&out)?;
/// assert_eq!(doc, render::to_json(&report));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_json<W: io::Write + ?Sized>(report: &Report, out: &mut W) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Document(report))?;
    out.write_all(b"\n")
}

/// The document, serialized with its keys in sorted order (as a
/// `serde_json::Value` would be), one finding at a time.
struct Document<'a>(&'a Report);

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let summary: serde_json::Map<String, Value> = report
            .counts()
            .iter()
            .rev()
            .map(|(s, n)| (s.as_str().to_owned(), Value::from(*n)))
            .collect();
        let mut map = s.serialize_map(Some(7))?;
        map.serialize_entry("absent", &report.absent)?;
        map.serialize_entry("errors", &report.failures)?;
        map.serialize_entry(
            "evaluated_at",
            &report.evaluated_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        )?;
        map.serialize_entry("findings", &Sorted(&report.findings))?;
        map.serialize_entry("summary", &summary)?;
        map.serialize_entry(
            "tool",
            &serde_json::json!({"name": "ops", "version": env!("CARGO_PKG_VERSION")}),
        )?;
        map.serialize_entry("version", &JSON_FORMAT_VERSION)?;
        map.end()
    }
}

/// Findings, each with its keys sorted and its fingerprint added: each is
/// made a `Value` (bounded, as a finding's evidence is) just before it is written.
struct Sorted<'a>(&'a [Finding]);

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for f in self.0 {
            let mut value = serde_json::to_value(f).map_err(serde::ser::Error::custom)?;
            if let Value::Object(map) = &mut value {
                map.insert("fingerprint".to_owned(), Value::from(f.fingerprint()));
            }
            seq.serialize_element(&value)?;
        }
        seq.end()
    }
}
