//! What hostile or huge inventories cost: each is refused quickly, with a
//! clear error, in bounded memory; a million components load and validate.
//!
//! The 10,000-deep nesting and the YAML alias bomb have their exact errors
//! pinned in `validation.rs` (`ten_thousand_deep_nesting_fails_fast_in_every_format`,
//! `yaml_alias_bomb_fails_fast`); here they are measured for memory.
//!
//! Memory is the process's peak resident set (`VmHWM` in /proc/self/status,
//! Linux only), so the tests in this file take a lock and run one at a time.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ops_core::access::{AccessReview, EffectiveAccess, OffboardingPlan};
use ops_core::graph::FailureAnalysis;
use ops_core::synth::{self, Extreme, Rules};
use ops_core::{Error, Format, Inventory, LoadOptions, Runner, render};

const MIB: u64 = 1024 * 1024;

/// One test at a time: the peak resident set is per process.
static SERIAL: Mutex<()> = Mutex::new(());

/// A line of /proc/self/status, in bytes (`None` off Linux).
fn status_bytes(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Runs `f`, and fails if it takes longer than `secs` or if the resident set
/// peaks more than `max_growth` bytes above where it was. Returns its
/// result, the time it took and that growth.
fn bounded<T>(what: &str, secs: u64, max_growth: u64, f: impl FnOnce() -> T) -> (T, Duration, u64) {
    // Writing 5 to clear_refs resets the peak (VmHWM) to the current RSS, so
    // the peak afterwards is this call's. Without it, measure from the old
    // peak (which can only under-count).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = if reset {
        status_bytes("VmRSS:")
    } else {
        status_bytes("VmHWM:")
    };
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    let growth = match (before, status_bytes("VmHWM:")) {
        (Some(b), Some(a)) => a.saturating_sub(b),
        _ => 0,
    };
    assert!(took < Duration::from_secs(secs), "{what} took {took:?}");
    assert!(
        growth <= max_growth,
        "{what} raised the peak resident set by {} MiB (bound {} MiB)",
        growth / MIB,
        max_growth / MIB
    );
    (out, took, growth)
}

fn problems(result: Result<Inventory, Error>) -> Vec<String> {
    match result {
        Err(Error::Invalid(d)) => d.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("expected Error::Invalid, got {other:?}"),
        Ok(_) => panic!("expected problems, but the inventory loaded"),
    }
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("ops-core-resources-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// 200 MB of inventory text (YAML components, as many as fit), written to `out`.
fn two_hundred_mb(out: &mut impl Write) {
    const SIZE: usize = 200_000_000;
    let head = "components:\n";
    out.write_all(head.as_bytes()).unwrap();
    let mut written = head.len();
    // Every line is 53 bytes (ids have eight digits).
    let mut i = 0u64;
    while written + 53 <= SIZE {
        let line = format!("  - {{id: c{i:08}, kind: service, depends_on: [db]}}\n");
        out.write_all(line.as_bytes()).unwrap();
        written += line.len();
        i += 1;
    }
    // A comment fills up to exactly 200,000,000 bytes.
    out.write_all(format!("{}\n", "#".repeat(SIZE - written - 1)).as_bytes())
        .unwrap();
}

#[test]
fn a_200_mb_inventory_is_refused_by_its_size() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = TempDir::new("200mb");
    // On disk: the size is known before reading, so nothing is read.
    let path = dir.0.join("huge.yaml");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        two_hundred_mb(&mut file);
        file.flush().unwrap();
    }
    let (got, took, growth) = bounded("a 200 MB file", 5, 16 * MIB, || {
        problems(Inventory::load(std::slice::from_ref(&path)))
    });
    println!("200 MB file refused in {took:?}, peak RSS +{} KiB", growth / 1024);
    assert_eq!(
        got,
        [format!(
            "{}: file is 200000000 bytes, over the limit of 134217728 bytes",
            path.display()
        )]
    );
    // In memory: refused before any parsing.
    let mut text = Vec::with_capacity(200_000_000);
    two_hundred_mb(&mut text);
    let text = String::from_utf8(text).unwrap();
    assert_eq!(text.len(), 200_000_000);
    let (got, took, growth) = bounded("200 MB of text", 5, 16 * MIB, || {
        problems(Inventory::from_text("huge.yaml", Format::Yaml, &text))
    });
    println!("200 MB of text refused in {took:?}, peak RSS +{} KiB", growth / 1024);
    assert_eq!(
        got,
        ["huge.yaml: file is 200000000 bytes, over the limit of 134217728 bytes"]
    );
}

/// A file that claims one size and reads as another: a pipe claims 0 bytes.
/// The loader used to read whatever came (a symlink to /dev/zero named
/// x.yaml: until memory ran out); now it stops at the limit.
#[cfg(target_os = "linux")]
#[test]
fn a_pipe_is_read_no_further_than_the_limit() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = TempDir::new("fifo");
    let fifo = dir.0.join("stream.yaml");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            // 1 MB of valid YAML; the reader may hang up early (a broken pipe).
            let mut file = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
            let _ = file.write_all("# a comment\n".repeat(100_000).as_bytes());
        })
    };
    let mut options = LoadOptions::default();
    options.limits.max_file_bytes = 1000;
    let (got, _, _) = bounded("a pipe", 5, 16 * MIB, || {
        problems(Inventory::load_with(std::slice::from_ref(&fifo), &options))
    });
    writer.join().unwrap();
    assert_eq!(
        got,
        [format!(
            "{}: file is over the limit of 1000 bytes (it grew while being read, or is not a regular file)",
            fifo.display()
        )]
    );
}

#[test]
fn deep_nesting_and_alias_bombs_fail_in_bounded_memory() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let n = 10_000;
    let deep = [
        (
            Format::Yaml,
            format!("components: {}{}\n", "[".repeat(n), "]".repeat(n)),
        ),
        (Format::Yaml, format!("components:\n{}x\n", "- ".repeat(n))),
        (
            Format::Json,
            format!("{{\"components\": {}{}}}", "[".repeat(n), "]".repeat(n)),
        ),
        (
            Format::Toml,
            format!("components = {}{}\n", "[".repeat(n), "]".repeat(n)),
        ),
    ];
    for (format, text) in &deep {
        let (got, _, _) = bounded("10,000-deep nesting", 5, 16 * MIB, || {
            problems(Inventory::from_text("inv", *format, text))
        });
        assert!(got[0].ends_with("nesting deeper than 64 levels"), "{got:?}");
    }
    // Ten levels of ten aliases each: 10^10 nodes if expanded.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{p}"); 10].join(", ")));
    }
    let (got, _, _) = bounded("an alias bomb", 5, 64 * MIB, || {
        problems(Inventory::from_text("inv.yaml", Format::Yaml, &bomb))
    });
    assert!(
        got[0].contains("refusing to expand further (an alias bomb?)"),
        "{got:?}"
    );
}

/// A million components (about 100 MB of JSON) load, validate and pass every
/// built-in check in bounded memory. Ignored by default: it takes minutes in a
/// debug build. Run it in release:
/// `cargo test --release -p ops-core --test resources -- --ignored --nocapture`
#[test]
#[ignore = "minutes in a debug build; run with --release -- --ignored"]
fn a_million_components_load_and_validate_in_bounded_memory() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let text = synth::generate_json(1_000_000, 42, Rules::Mixed);
    let bytes = text.len() as u64;
    assert!(
        bytes < 128 * MIB,
        "the generated inventory is over the per-file limit: {bytes} bytes"
    );
    let (inv, took, growth) = bounded("loading a million components", 600, 3 * 1024 * MIB, || {
        Inventory::from_text("synth.json", Format::Json, &text).unwrap()
    });
    assert_eq!(inv.components().len(), 1_000_000);
    let secs = took.as_secs_f64();
    println!(
        "1M components: {} MB of JSON loaded and validated in {secs:.2} s ({:.0} MB/s, {:.0} components/s); peak RSS +{} MiB",
        bytes / 1_000_000,
        bytes as f64 / 1e6 / secs,
        1e6 / secs,
        growth / MIB,
    );
    let at = "2026-11-22T09:00:00Z".parse().unwrap();
    let (report, took, growth) = bounded(
        "the built-in checks on a million components",
        600,
        3 * 1024 * MIB,
        || Runner::with_builtin_checks().run(&inv, at),
    );
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    println!(
        "1M components: every built-in check in {:.2} s; peak RSS +{} MiB more",
        took.as_secs_f64(),
        growth / MIB
    );
    // The JSON report is written a finding at a time: writing it costs
    // little memory beyond the report, however large the document.
    let (bytes, took, growth) = bounded("the JSON report of a million components", 600, 64 * MIB, || {
        let mut sink = Sink::default();
        render::write_json(&report, &mut sink).unwrap();
        sink.0
    });
    println!(
        "1M components: {} MB of JSON ({} findings) streamed in {:.2} s; peak RSS +{} MiB",
        bytes / 1_000_000,
        report.findings.len(),
        took.as_secs_f64(),
        growth / MIB
    );
}

/// Counts what is written to it, and keeps nothing.
#[derive(Default)]
struct Sink(u64);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What every opsctl command would do with `inv`, into sinks: `check` in
/// all four streamed formats, `spof`, `blast-radius` and `simulate` of the
/// middle component (as their JSON writes each chain), the whole chain of
/// the deepest single point of failure (`spof --explain --spof`),
/// `offboard` of every person, the access review, and the MEF export.
/// Returns (findings, the largest finding in JSON bytes, bytes of JSON).
fn every_command(inv: &Inventory) -> (usize, usize, u64) {
    let at = "2026-11-22T09:00:00Z".parse().unwrap();
    // The report is dropped before the other commands run, as it is when
    // each is a process of its own.
    let (findings, largest, json) = {
        let report = Runner::with_builtin_checks().run(inv, at);
        assert!(report.failures.is_empty(), "{:?}", report.failures);
        let largest = report
            .findings
            .iter()
            .map(|f| serde_json::to_string(f).unwrap().len())
            .max()
            .unwrap_or(0);
        let mut json = Sink::default();
        render::write_json(&report, &mut json).unwrap();
        render::write_sarif(&report, &mut Sink::default()).unwrap();
        render::write_markdown(&report, &mut Sink::default()).unwrap();
        (report.findings.len(), largest, json.0)
    };
    let analysis = FailureAnalysis::new(inv);
    let spofs = analysis.spofs();
    let _ = analysis.domain_spofs();
    let components = inv.components();
    let middle = inv.component_by_id(&components[components.len() / 2].id).unwrap();
    let outage = analysis.blast_radius(middle);
    for c in outage.down() {
        let _ = outage.explain_cut(inv, c, 4);
    }
    if let Some(rec) = spofs.entries().first()
        && let Some(&deepest) = rec.spofs.last()
    {
        let chain = analysis.blast_radius(deepest).explain(inv, rec.entry).unwrap();
        assert!(!chain.is_empty());
    }
    let access = EffectiveAccess::new(inv);
    for person in inv.people() {
        let plan = OffboardingPlan::new(&access, inv.person_by_id(&person.id).unwrap(), at);
        let _ = plan.to_markdown();
    }
    let review = AccessReview::new(&access, None, at);
    let _ = (review.to_csv(), review.to_markdown());
    let _ = ops_core::graph::open_psa_mef(inv, None);
    (findings, largest, json)
}

/// The shapes of issue 17 at `n`: each completes, its peak resident set
/// growing by at most `max_growth`, and no finding grows with the depth.
fn extreme_shapes(n: usize, secs: u64, max_growth: u64) {
    for shape in [
        Extreme::Chain,
        Extreme::Cycle,
        Extreme::NestedGroups,
        Extreme::NestedDomains,
    ] {
        let text = synth::extreme_json(shape, n);
        let ((findings, largest, bytes), took, growth) =
            bounded(&format!("{shape:?} of {n}"), secs, max_growth, || {
                let inv = Inventory::from_text("x.json", Format::Json, &text).unwrap();
                every_command(&inv)
            });
        println!(
            "{shape:?} of {n}: {findings} findings, the largest {largest} bytes, {bytes} bytes of JSON, \
             {:.1} s, peak RSS +{} MiB",
            took.as_secs_f64(),
            growth / MIB
        );
        assert!(findings > 0, "{shape:?}");
        assert!(largest < 2_000, "{shape:?}: a finding of {largest} bytes");
        assert!(
            bytes < 2_000 * findings as u64 + 10_000,
            "{shape:?}: {bytes} bytes for {findings} findings"
        );
    }
}

/// Chains, cycles and nestings of groups and domains 100,000 deep: every
/// command completes, none recursing as deep as the input, in bounded
/// memory, with bounded findings.
#[test]
fn a_hundred_thousand_deep_shapes_complete_with_bounded_findings() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    extreme_shapes(100_000, 600, 1024 * MIB);
}

/// The same shapes a million deep. Ignored by default (minutes in a debug
/// build); run in release with `--ignored`. The chain's two million findings
/// (a SPOF and an unowned component each) are held in memory to be sorted,
/// about 1.3 KB each with a SPOF's explanation: a few GiB, linear in them.
#[test]
#[ignore = "minutes in a debug build; run with --release -- --ignored"]
fn a_million_deep_shapes_complete_with_bounded_findings() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    extreme_shapes(1_000_000, 600, 4 * 1024 * MIB);
}
