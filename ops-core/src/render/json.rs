use std::io;
use std::num::NonZeroUsize;

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
    serde_json::to_value(Document::of(report)).unwrap_or(Value::Null)
}

/// Writes the report's JSON document (the one [`to_json`] returns,
/// pretty-printed, ending with a line break) to `out` as it goes: memory
/// stays bounded by the largest finding, however many there are. The
/// writer gets the text in large pieces (it is buffered here), and is not
/// flushed.
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
    super::write_pretty(&Document::of(report), out)
}

/// At most this many threads render findings in [`write_json_parallel`].
const MAX_RENDER_THREADS: usize = 8;

/// The findings each thread of [`write_json_parallel`] renders at a time:
/// about 1.5 MB of text on served estates (some 700 bytes a finding), so
/// that a round holds a few MB per thread whatever the size of the report.
const CHUNK: usize = 2048;

/// Writes the same bytes as [`write_json`], rendering the findings on up to
/// `threads` threads (the calling thread among them): rendering is most of
/// the time of writing a large report (BENCHMARKS.md section 20). The
/// findings are rendered in rounds of 2,048 per thread (8 threads at
/// most), each into a buffer of its own, and written in order once the
/// round is done, so memory stays bounded by a round's text: a few MB per
/// thread. A thread the system refuses to start leaves its part to the
/// calling thread. `out` gets the text in large
/// pieces and is not flushed; its errors are returned as it gave them.
///
/// ```
/// use std::num::NonZeroUsize;
/// use ops_core::{Format, Inventory, Runner, render};
/// let inv = Inventory::from_text("inv.yaml", Format::Yaml, "components: [{id: web, entry: true}]")?;
/// let report = Runner::with_builtin_checks().run(&inv, "2026-11-22T00:00:00Z".parse()?);
/// let (mut one, mut two) = (Vec::new(), Vec::new());
/// render::write_json(&report, &mut one)?;
/// render::write_json_parallel(&report, &mut two, NonZeroUsize::new(2).unwrap_or(NonZeroUsize::MIN))?;
/// assert_eq!(one, two);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_json_parallel<W: io::Write + ?Sized>(
    report: &Report,
    out: &mut W,
    threads: NonZeroUsize,
) -> io::Result<()> {
    write_json_chunked(report, out, threads.get(), CHUNK)
}

/// [`write_json_parallel`] with `chunk` findings per thread and round.
fn write_json_chunked<W: io::Write + ?Sized>(
    report: &Report,
    out: &mut W,
    threads: usize,
    chunk: usize,
) -> io::Result<()> {
    let chunk = chunk.max(1);
    if threads <= 1 || report.findings.len() <= chunk {
        return write_json(report, out);
    }
    // The document around the findings: written with none, and cut where
    // they go. Only the summary and the tool follow them, so the last
    // empty list of findings is theirs.
    let mut frame = Vec::new();
    serde_json::to_writer_pretty(&mut frame, &Document { report, findings: &[] })?;
    const NONE: &[u8] = b"\"findings\": []";
    let cut = (frame.windows(NONE.len()).rposition(|w| w == NONE))
        .ok_or_else(|| io::Error::other("the report's frame has no list of findings"))?
        + NONE.len()
        - 1;
    let (head, tail) = frame.split_at(cut);
    out.write_all(head)?;
    let threads = threads.min(MAX_RENDER_THREADS);
    let mut buffers: Vec<Vec<u8>> = (0..threads).map(|_| Vec::new()).collect();
    for (round, findings) in report.findings.chunks(chunk * threads).enumerate() {
        let parts: Vec<&[Finding]> = findings.chunks(chunk).collect();
        let used = &mut buffers[..parts.len()];
        // Parts rendered here because the system refused to start a thread.
        let mut here: Vec<Option<Vec<u8>>> = parts.iter().map(|_| None).collect();
        std::thread::scope(|scope| {
            let (mine, theirs) = used.split_at_mut(1);
            let mut spawned = Vec::new();
            for (i, (&part, buffer)) in (1..).zip(parts[1..].iter().zip(theirs)) {
                let thread =
                    std::thread::Builder::new().spawn_scoped(scope, move || render_findings(part, buffer, false));
                match thread {
                    Ok(thread) => spawned.push(thread),
                    Err(_) => here[i] = Some(Vec::new()),
                }
            }
            let mut rendered = render_findings(parts[0], &mut mine[0], round == 0);
            for (i, buffer) in here.iter_mut().enumerate() {
                if let Some(buffer) = buffer {
                    rendered = rendered.and(render_findings(parts[i], buffer, false));
                }
            }
            for thread in spawned {
                let theirs =
                    (thread.join()).unwrap_or_else(|_| Err(io::Error::other("a thread rendering findings panicked")));
                rendered = rendered.and(theirs);
            }
            rendered
        })?;
        for (buffer, here) in used.iter().zip(&here) {
            out.write_all(here.as_deref().unwrap_or(buffer))?;
        }
    }
    out.write_all(b"\n  ")?;
    out.write_all(tail)?;
    out.write_all(b"\n")
}

/// Renders `findings` into `buffer` (emptied first) as the document has
/// them, each after a comma (unless it is the `first` of all) and a line
/// break, and indented to its depth.
fn render_findings(findings: &[Finding], buffer: &mut Vec<u8>, first: bool) -> io::Result<()> {
    buffer.clear();
    let mut alone = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        buffer.extend_from_slice(if first && i == 0 { b"\n    " } else { b",\n    " });
        alone.clear();
        serde_json::to_writer_pretty(&mut alone, &SortedFinding(f))?;
        indent(&alone, buffer);
    }
    Ok(())
}

/// Appends `text`, a finding serialized alone (so at depth 0), to `out`
/// with every line after the first indented by the finding's depth in the
/// document (two levels). A JSON text's only line breaks are its layout's:
/// in strings they are escaped.
fn indent(text: &[u8], out: &mut Vec<u8>) {
    let mut from = 0;
    for at in memchr::memchr_iter(b'\n', text) {
        out.extend_from_slice(&text[from..=at]);
        out.extend_from_slice(b"    ");
        from = at + 1;
    }
    out.extend_from_slice(&text[from..]);
}

/// The document, serialized with its keys in sorted order (as a
/// `serde_json::Value` would be), one finding at a time: the report's
/// findings, or none, for [`write_json_parallel`] to cut the frame around.
struct Document<'a> {
    report: &'a Report,
    findings: &'a [Finding],
}

impl<'a> Document<'a> {
    /// The whole report.
    fn of(report: &'a Report) -> Self {
        Document {
            report,
            findings: &report.findings,
        }
    }
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.report;
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
        map.serialize_entry("findings", &Sorted(self.findings))?;
        map.serialize_entry("summary", &summary)?;
        map.serialize_entry(
            "tool",
            &serde_json::json!({"name": "ops", "version": env!("CARGO_PKG_VERSION")}),
        )?;
        map.serialize_entry("version", &JSON_FORMAT_VERSION)?;
        map.end()
    }
}

/// Findings, each written with its keys in sorted order and its fingerprint
/// added, straight from the finding: nothing is copied to be written.
struct Sorted<'a>(&'a [Finding]);

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for f in self.0 {
            seq.serialize_element(&SortedFinding(f))?;
        }
        seq.end()
    }
}

/// One finding as the document writes it: the keys of the finding, its
/// subject, location and waiver in sorted order (as a `serde_json::Value`
/// would order them), plus `fingerprint`.
struct SortedFinding<'a>(&'a Finding);

impl Serialize for SortedFinding<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        let mut map = s.serialize_map(None)?;
        if let Some(state) = &f.baseline_state {
            map.serialize_entry("baseline_state", state)?;
        }
        map.serialize_entry("check", &f.check)?;
        map.serialize_entry("evidence", &f.evidence)?;
        map.serialize_entry("fingerprint", &f.fingerprint())?;
        if let Some(key) = &f.key {
            map.serialize_entry("key", key)?;
        }
        map.serialize_entry("location", &f.location.as_ref().map(SortedLocation))?;
        map.serialize_entry("message", &f.message)?;
        map.serialize_entry("remediation", &f.remediation)?;
        map.serialize_entry("severity", &f.severity)?;
        map.serialize_entry("subject", &SortedSubject(&f.subject))?;
        if let Some(w) = &f.waiver {
            map.serialize_entry("waiver", &SortedWaiver(w))?;
        }
        map.end()
    }
}

/// A subject with its keys in sorted order.
struct SortedSubject<'a>(&'a crate::Subject);

impl Serialize for SortedSubject<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("id", &self.0.id)?;
        map.serialize_entry("kind", &self.0.kind)?;
        map.end()
    }
}

/// A location with its keys in sorted order.
struct SortedLocation<'a>(&'a crate::Location);

impl Serialize for SortedLocation<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("column", &self.0.column)?;
        map.serialize_entry("file", &*self.0.file)?;
        map.serialize_entry("line", &self.0.line)?;
        map.end()
    }
}

/// A finding's waiver with its keys in sorted order.
struct SortedWaiver<'a>(&'a crate::AppliedWaiver);

impl Serialize for SortedWaiver<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let w = self.0;
        let mut map = s.serialize_map(Some(5))?;
        map.serialize_entry("approved_by", &w.approved_by)?;
        map.serialize_entry("expires", &w.expires)?;
        map.serialize_entry("location", &SortedLocation(&w.location))?;
        map.serialize_entry("owner", &w.owner)?;
        map.serialize_entry("reason", &w.reason)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppliedWaiver, BaselineState, EntityKind, Location, Report, Severity, Subject};

    /// A finding as the document first wrote it: the derived serialization
    /// made a `Value` (whose maps sort their keys), plus the fingerprint.
    fn reference(f: &Finding) -> Value {
        let mut value = serde_json::to_value(f).unwrap_or_default();
        if let Value::Object(map) = &mut value {
            map.insert("fingerprint".to_owned(), Value::from(f.fingerprint()));
        }
        value
    }

    /// A writer that takes `room` bytes, then fails with a broken pipe.
    struct Pipe {
        room: usize,
    }

    impl io::Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "reader gone"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_broken_pipe_inside_compact_evidence_is_reported_as_a_broken_pipe() {
        // 200k ids: the writer fails while the evidence is being written,
        // where the transcoder passes errors on as text.
        let ids: Vec<String> = (0..200_000).map(|i| format!("c{i}")).collect();
        let finding = Finding::new(
            "graph/spof",
            Severity::High,
            Subject::new(EntityKind::Component, "db"),
            "m",
        )
        .with_evidence("entries", ids)
        .compacted();
        let report = Report {
            evaluated_at: "2026-11-22T00:00:00Z".parse().unwrap_or_default(),
            rules: Vec::new(),
            findings: vec![finding],
            failures: Vec::new(),
            absent: Vec::new(),
        };
        let mut whole = Vec::new();
        write_json(&report, &mut whole).unwrap();
        let at_evidence = String::from_utf8_lossy(&whole).find("\"c100\"").unwrap();
        for room in [0, at_evidence, whole.len() / 2] {
            let err = write_json(&report, &mut Pipe { room }).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe, "after {room} bytes: {err}");
            assert_eq!(err.to_string(), "reader gone");
        }
        write_json(&report, &mut Pipe { room: whole.len() }).unwrap();
    }

    /// A waiver by sam until the end of 2026, for `reason`.
    fn waiver(reason: &str) -> Box<AppliedWaiver> {
        Box::new(AppliedWaiver {
            reason: reason.into(),
            owner: "sam".into(),
            approved_by: None,
            expires: "2026-12-31T00:00:00Z".parse().unwrap_or_default(),
            location: Location::new("ops.toml", 9, 1),
        })
    }

    /// A report of every built-in rule on a generated estate, with a
    /// waived finding whose message and evidence hold line breaks.
    fn busy_report() -> Report {
        use crate::synth::{Rules, estate_json, generate_served};
        let json = estate_json(&generate_served(300, 7, Rules::Mixed));
        let inv = crate::Inventory::from_text("served.json", crate::Format::Json, &json).unwrap();
        let mut report = crate::Runner::with_builtin_checks().run(&inv, "2026-11-22T09:00:00Z".parse().unwrap());
        let mut odd = Finding::new(
            "graph/spof",
            Severity::High,
            Subject::new(EntityKind::Component, "a\nb"),
            "line\nbreak \"quoted\"",
        )
        .with_evidence("nested", serde_json::json!({"b": [1, [2, {"c": "\n"}], null], "a": {}}))
        .with_evidence("empty", serde_json::json!([]))
        .compacted();
        odd.waiver = Some(waiver("accepted\nfor now"));
        report.findings.insert(report.findings.len() / 2, odd);
        report
    }

    #[test]
    fn findings_rendered_on_several_threads_are_the_bytes_rendered_on_one() {
        let report = busy_report();
        let n = report.findings.len();
        assert!(n > 300, "{n} findings");
        let mut one = Vec::new();
        write_json(&report, &mut one).unwrap();
        for (threads, chunk) in [(2, 1), (2, 7), (3, 5), (4, 64), (2, n - 1), (2, n), (8, n / 8 + 1)] {
            let mut many = Vec::new();
            write_json_chunked(&report, &mut many, threads, chunk).unwrap();
            assert!(many == one, "{threads} threads, {chunk} findings each");
        }
        let mut empty = report;
        empty.findings.clear();
        let (mut one, mut many) = (Vec::new(), Vec::new());
        write_json(&empty, &mut one).unwrap();
        write_json_chunked(&empty, &mut many, 2, 1).unwrap();
        assert_eq!(String::from_utf8(many).unwrap(), String::from_utf8(one).unwrap());
    }

    #[test]
    fn a_broken_pipe_while_findings_are_rendered_on_several_threads_is_reported_as_it_was() {
        let report = busy_report();
        let mut whole = Vec::new();
        write_json_chunked(&report, &mut whole, 2, 3).unwrap();
        for room in [0, 10, whole.len() / 2, whole.len() - 1] {
            let err = write_json_chunked(&report, &mut Pipe { room }, 2, 3).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe, "after {room} bytes: {err}");
            assert_eq!(err.to_string(), "reader gone");
        }
        write_json_chunked(&report, &mut Pipe { room: whole.len() }, 2, 3).unwrap();
    }

    #[test]
    fn findings_are_written_exactly_as_their_sorted_values() {
        let at = Location::new("inv/db \"x\".yaml", 3, 7);
        let plain = Finding::new(
            "graph/spof",
            Severity::High,
            Subject::new(EntityKind::Component, "db"),
            "m",
        );
        let full = Finding::new(
            "access/unused-grant",
            Severity::Low,
            Subject::new(EntityKind::ServiceAccount, "ns/ci-ü\u{1b}"),
            "line\nbreak \u{202e}",
        )
        .with_evidence("zeta", serde_json::json!({"b": [1, 2.5, null], "a": "x"}))
        .with_evidence("alpha", true)
        .with_key("2026-11-01")
        .with_remediation("do \"this\"")
        .at(&at);
        let mut waived = full.clone();
        waived.waiver = Some(waiver("accepted"));
        waived.baseline_state = Some(BaselineState::Unchanged);
        let mut approved = waived.clone();
        if let Some(w) = &mut approved.waiver {
            w.approved_by = Some("kim".into());
        }
        approved.baseline_state = Some(BaselineState::New);
        for f in [plain, full, waived, approved] {
            let written = serde_json::to_string_pretty(&SortedFinding(&f)).unwrap_or_default();
            let expected = serde_json::to_string_pretty(&reference(&f)).unwrap_or_default();
            assert_eq!(written, expected);
        }
    }
}
