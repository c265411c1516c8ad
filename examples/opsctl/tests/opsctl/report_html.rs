//! `opsctl report --html` end to end: the page for the example estate is
//! self-contained, escapes inventory text, and renders in headless Chromium
//! with every key element present and visible; a screenshot is kept under
//! target/ (`CARGO_TARGET_TMPDIR/report-html/`).
//!
//! Chromium is Debian's `chromium` (`/usr/bin/chromium`, or `$OPS_CHROMIUM`).
//! Without it the browser test is skipped with a message, unless
//! `OPS_REQUIRE_CHROMIUM=1` (CI sets it), which makes its absence a failure.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{opsctl, root};
use std::time::{Duration, Instant};

use ops_core::graph::FailureAnalysis;
use ops_core::{CheckFailure, EntityKind, Finding, Format, Inventory, Rule, Runner, Severity, Subject, render};
use serde_json::Value;

const AT: &str = "2026-11-22T09:00:00Z";

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-html");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_report(inventory: &Path, html: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "report",
        inventory.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
        "--at",
        AT,
    ];
    args.extend_from_slice(extra);
    let out = opsctl(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    std::fs::read_to_string(html).unwrap()
}

/// Nothing that could make a browser fetch or run anything.
fn assert_self_contained(html: &str) {
    for forbidden in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "@import",
        "@font-face",
        " src=",
        "https:",
    ] {
        assert!(!html.contains(forbidden), "the page contains {forbidden:?}");
    }
    // The only URL is the SVG namespace name, which is never fetched.
    assert_eq!(
        html.matches("http:").count(),
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    for (i, _) in html.match_indices("url(") {
        assert!(
            html[i + 4..].starts_with('#'),
            "url() to something other than a fragment"
        );
    }
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
}

#[test]
fn example_report_is_complete_and_self_contained() {
    let dir = artifacts();
    let html_path = dir.join("report.html");
    // The whole estate fits one picture: every component is drawn.
    let html = write_report(Path::new("examples/inventories/startup"), &html_path, &[]);
    assert_self_contained(&html);

    let inv = Inventory::load(&[root().join("examples/inventories/startup")]).unwrap();
    let report = Runner::with_builtin_checks().run(&inv, AT.parse().unwrap());
    assert_eq!(html.matches("<article class=\"finding ").count(), report.findings.len());
    // Each rule's explanation once, with its first finding; the others link to it.
    let rules: std::collections::BTreeSet<&str> = report.findings.iter().map(|f| &*f.check).collect();
    assert_eq!(
        html.matches("<details class=\"explanation\" id=\"rule-").count(),
        rules.len()
    );
    assert_eq!(
        html.matches("<p class=\"about\">About <a href=\"#rule-").count(),
        report.findings.len() - rules.len()
    );
    for rule in &rules {
        let position = report.rules.iter().position(|r| r.id() == *rule).unwrap();
        assert_eq!(html.matches(&format!(" id=\"rule-{position}\"")).count(), 1, "{rule}");
    }
    assert_eq!(
        html.matches("<p class=\"remediation\">").count(),
        report.findings.iter().filter(|f| f.remediation.is_some()).count()
    );
    assert_eq!(html.matches(" data-id=").count(), inv.components().len());
    let analysis = FailureAnalysis::new(&inv);
    let mut spofs: Vec<&str> = analysis
        .spofs()
        .entries()
        .iter()
        .flat_map(|e| e.spofs.iter().map(|&c| inv.component(c).id.as_str()))
        .collect();
    spofs.sort_unstable();
    spofs.dedup();
    assert_eq!(
        spofs,
        ["api-lb", "dns", "postgres-primary", "redis", "uploads", "web-lb"]
    );
    for id in &spofs {
        let at = html.find(&format!("data-id=\"{id}\">")).unwrap();
        let class = &html[html[..at].rfind("<g class=\"").unwrap()..at];
        assert!(class.contains(" spof"), "{id}: {class}");
    }
    assert_eq!(html.matches("class=\"node spof").count(), spofs.len());
    for section in ["summary", "findings", "graph", "backups", "access", "incidents"] {
        assert!(html.contains(&format!("<section id=\"{section}\">")), "{section}");
    }
    assert!(html.contains("<code>postgres-nightly</code>"));

    // Written atomically: a second run replaces the file and leaves nothing else.
    write_report(Path::new("examples/inventories/startup"), &html_path, &[]);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn unknown_entry_is_a_usage_error() {
    let out = opsctl(&[
        "report",
        "examples/inventories/startup",
        "--html",
        "/nonexistent/x.html",
        "--entry",
        "dns",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: 'dns' is not an entry point (entry: true)"
    );
}

const HOSTILE: &str = r#"
people:
  - {id: ana, name: "Ana \"the admin\" <script>alert('p')</script>"}
components:
  - id: shop
    name: "<script>alert(\"x\")</script>"
    description: "</svg><script>alert(1)</script>"
    entry: true
    owners: [ana]
    depends_on: [db]
  - {id: db, kind: database, owners: [ana]}
systems: [{id: github}]
grants:
  - {principal: ana, system: github, level: write, role: "<script>alert('role')</script> & \"q\" </details>"}
backup_policies:
  - {id: nightly, protects: db, rpo: 24h, schedule: {cron: "30 2 * * *"}, monitor: "<b>\"mon\"</b>"}
incidents:
  - id: INC-1
    title: "<script>alert('incident')</script>"
    severity: sev2
    detected_by: customer
    started_at: 2026-11-01T09:00:00Z
    detected_at: 2026-11-01T09:30:00Z
    impacted: [shop]
"#;

fn hostile_report() -> (PathBuf, String) {
    let dir = artifacts().join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("estate.yaml"), HOSTILE).unwrap();
    let html_path = artifacts().join("hostile.html");
    let html = write_report(&dir, &html_path, &[]);
    (html_path, html)
}

#[test]
fn inventory_text_is_escaped() {
    let (_, html) = hostile_report();
    assert_self_contained(&html);
    // The page is built with maud, which escapes & < > and " but leaves ' as
    // is: it is plain text in element content and in the double-quoted
    // attributes maud writes.
    for escaped in [
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;",
        "<td>&lt;script&gt;alert('role')&lt;/script&gt; &amp; &quot;q&quot; &lt;/details&gt;</td>",
        "<td>&lt;b&gt;&quot;mon&quot;&lt;/b&gt;</td>",
    ] {
        assert!(html.contains(escaped), "{escaped}: {html}");
    }
}

// ---- headless Chromium ----

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("OPS_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("OPS_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
        panic!(
            "OPS_REQUIRE_CHROMIUM=1 but {} does not exist (apt-get install chromium)",
            path.display()
        );
    }
    eprintln!(
        "SKIPPED: headless Chromium test: {} not found (apt-get install chromium; CI sets OPS_REQUIRE_CHROMIUM=1)",
        path.display()
    );
    None
}

/// Runs headless Chromium on `page` with `args`, a fresh profile and no
/// network; returns its standard output (through a file: a pipe could fill
/// up while we wait). Fails after 90 seconds.
fn run_chromium(browser: &Path, page: &Path, args: &[String]) -> String {
    let profile = tempdir("profile");
    let dump = profile.with_extension("out");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            // Anything the page tried to resolve would fail instead of leaking.
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .stdout(std::fs::File::create(&dump).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = std::fs::read(&dump).unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    let _ = std::fs::remove_file(&dump);
    String::from_utf8_lossy(&out).into_owned()
}

fn tempdir(name: &str) -> PathBuf {
    let dir = artifacts().join(format!(
        "{name}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What the probe measures: for each named selector, how many elements
/// match and how many of them are visible (a non-empty box, not hidden).
const CHECKS: &[(&str, &str)] = &[
    ("summary", "#summary table.summary"),
    ("findings", "#findings article.finding"),
    ("remediations", "#findings .finding .remediation"),
    ("explanations", "#findings details.explanation > summary"),
    ("graph", "#graph svg.dependency-graph"),
    ("nodes", "#graph svg .node"),
    ("spof_nodes", "#graph svg .node.spof"),
    ("path_edges", "#graph svg .edge.on-path"),
    ("spof_table", "#graph table.spofs"),
    ("backups", "#backups table.backups"),
    ("access", "#access table.access"),
    ("incidents", "#incidents table.incidents"),
];

/// A copy of the page with a script that measures it and writes the result
/// into the DOM (the report itself has no script; its policy is relaxed in
/// the copy only to let the probe run).
fn probe_page(html: &str, path: &Path) {
    let checks = serde_json::to_string(CHECKS).unwrap();
    let measure = format!(
        r#"
  const visible = (el) => {{
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && parseFloat(s.opacity) > 0;
  }};
  for (const [name, sel] of {checks}) {{
    const els = Array.from(document.querySelectorAll(sel));
    out[name] = {{ count: els.length, visible: els.filter(visible).length }};
  }}
  const overflow = [];
  for (const g of document.querySelectorAll('#graph svg .node')) {{
    const box = g.querySelector('rect').getBBox();
    for (const t of g.querySelectorAll('text')) {{
      const b = t.getBBox();
      if (b.x < box.x || b.x + b.width > box.x + box.width) overflow.push(g.dataset.id);
    }}
  }}
  out.label_overflow = overflow;
  out.height = document.documentElement.scrollHeight;"#
    );
    with_probe(html, path, &measure);
}

/// A copy of the page that runs `measure` (JavaScript filling the object
/// `out`) and writes `out` as JSON into the DOM, with the page's number of
/// scripts (1: the probe's own).
fn with_probe(html: &str, path: &Path, measure: &str) {
    let script = format!(
        r#"<pre id="ops-probe"></pre><script>
(function () {{
  const out = {{}};{measure}
  out.scripts = document.scripts.length;
  document.getElementById('ops-probe').textContent = JSON.stringify(out);
}})();
</script>
</body>"#
    );
    let relaxed = html
        .replace(
            "style-src 'unsafe-inline'\"",
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'\"",
        )
        .replace("</body>", &script);
    std::fs::write(path, relaxed).unwrap();
}

fn probe_results(dom: &str) -> Value {
    let start = dom.find("<pre id=\"ops-probe\">").expect("probe element in the DOM") + "<pre id=\"ops-probe\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let text = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("probe did not run ({e}): {}", &dom[start..end]))
}

#[test]
fn renders_in_headless_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = artifacts();
    let page = dir.join("browser.html");
    let html = write_report(
        Path::new("examples/inventories/startup"),
        &page,
        &["--entry", "storefront"],
    );
    let inv = Inventory::load(&[root().join("examples/inventories/startup")]).unwrap();
    let report = Runner::with_builtin_checks().run(&inv, AT.parse().unwrap());

    let probe = dir.join("browser-probe.html");
    probe_page(&html, &probe);
    let dom = run_chromium(
        &browser,
        &probe,
        &["--window-size=1400,1000".to_owned(), "--dump-dom".to_owned()],
    );
    let r = probe_results(&dom);
    eprintln!("probe: {r}");
    let n = report.findings.len() as u64;
    let expect = |name: &str, count: u64| {
        assert_eq!(r[name]["count"], count, "{name}: {r}");
        assert_eq!(r[name]["visible"], count, "{name} visible: {r}");
    };
    expect("summary", 1);
    expect("findings", n);
    expect(
        "remediations",
        report.findings.iter().filter(|f| f.remediation.is_some()).count() as u64,
    );
    let rules: std::collections::BTreeSet<&str> = report.findings.iter().map(|f| &*f.check).collect();
    expect("explanations", rules.len() as u64);
    expect("graph", 1);
    // Focused on storefront: its cone of 8 of the 14 components, its 5
    // single points of failure red (the sixth is the admin site's alone).
    assert_eq!(inv.components().len(), 14);
    expect("nodes", 8);
    expect("spof_nodes", 5);
    expect("spof_table", 1);
    expect("backups", 1);
    expect("access", 1);
    expect("incidents", 1);
    let path_edges = r["path_edges"]["count"].as_u64().unwrap();
    assert!(path_edges >= 4, "storefront's failure paths: {r}");
    assert_eq!(r["path_edges"]["visible"], path_edges);
    assert_eq!(
        r["label_overflow"],
        serde_json::json!([]),
        "labels fit their boxes: {r}"
    );
    assert_eq!(r["scripts"], 1, "only the probe runs");

    // The page as written, policy intact: a screenshot of all of it.
    let height = r["height"].as_u64().unwrap().clamp(600, 16_000);
    let shot = dir.join("report.png");
    let _ = std::fs::remove_file(&shot);
    run_chromium(
        &browser,
        &page,
        &[
            format!("--window-size=1400,{height}"),
            format!("--screenshot={}", shot.display()),
        ],
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 50_000,
        "a screenshot of a whole page, not a blank one: {} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn hostile_text_runs_no_script_in_chromium() {
    let Some(browser) = chromium() else { return };
    let (page, _) = hostile_report();
    let dom = run_chromium(&browser, &page, &["--dump-dom".to_owned()]);
    assert!(dom.contains("<section id=\"findings\">"), "the page loaded: {dom}");
    assert!(!dom.contains("<script"), "no script element in the DOM");
    assert!(
        dom.contains("<td>&lt;script&gt;alert('role')&lt;/script&gt; &amp; \"q\" &lt;/details&gt;</td>"),
        "{dom}"
    );
    assert!(dom.contains("&lt;b&gt;\"mon\"&lt;/b&gt;"), "{dom}");
}

/// Markup, quotes of both kinds, an entity and an end tag that would close an
/// explanation early.
const PAYLOAD: &str = "<script>alert('x')</script>\"&amp;</details>";

/// A report from a check, or a plugin, whose every string is `PAYLOAD`, on
/// an estate whose components are named `PAYLOAD`: in a browser, each is
/// text where it belongs, including the SVG's tooltips, and the structure
/// around it is whole.
#[test]
fn hostile_report_strings_are_text_in_chromium() {
    let Some(browser) = chromium() else { return };
    let name = serde_json::to_string(PAYLOAD).unwrap();
    let inv = Inventory::from_text(
        "estate.json",
        Format::Json,
        &format!(
            r#"{{"components": [{{"id": "shop", "name": {name}, "entry": true, "depends_on": ["db"]}}, {{"id": "db", "name": {name}}}]}}"#
        ),
    )
    .unwrap();
    let mut report = Runner::with_builtin_checks().run(&inv, AT.parse().unwrap());
    let rule = format!("custom/{PAYLOAD}");
    report.rules.push(Rule::new(
        &rule,
        Severity::High,
        PAYLOAD,
        &format!("## {PAYLOAD}\n{PAYLOAD} `{PAYLOAD}`\n"),
    ));
    report.findings.insert(
        0,
        Finding::new(
            rule.clone(),
            Severity::Critical,
            Subject::new(EntityKind::Component, PAYLOAD),
            PAYLOAD,
        )
        .with_remediation(PAYLOAD),
    );
    report.failures.push(CheckFailure {
        check: PAYLOAD.to_owned(),
        message: PAYLOAD.to_owned(),
    });
    let html = render::to_html(&inv, &report, None);
    assert_self_contained(&html);

    let probe = artifacts().join("hostile-strings-probe.html");
    with_probe(
        &html,
        &probe,
        r#"
  const texts = (sel) => Array.from(document.querySelectorAll(sel), (e) => e.textContent);
  out.message = texts('.finding .message')[0];
  out.where = texts('.finding .where')[0];
  out.remediation = texts('.finding .remediation')[0];
  out.summary = texts('details.explanation > summary')[0];
  out.heading = texts('details.explanation > h4')[0];
  out.paragraph = texts('details.explanation > p')[0];
  out.failure = texts('.failures li')[0];
  out.tooltips = texts('#graph svg .node > title');
  out.findings = document.querySelectorAll('#findings > article.finding').length;
  out.explanations = document.querySelectorAll('#findings > article.finding > details.explanation').length;"#,
    );
    let r = probe_results(&run_chromium(&browser, &probe, &["--dump-dom".to_owned()]));
    eprintln!("probe: {r}");
    assert_eq!(r["scripts"], 1, "only the probe runs: {r}");
    assert_eq!(r["message"], format!("critical {PAYLOAD}"));
    assert_eq!(r["where"], format!("custom/{PAYLOAD} · component {PAYLOAD}"));
    assert_eq!(r["remediation"], format!("Fix: {PAYLOAD}"));
    assert_eq!(r["summary"], format!("About custom/{PAYLOAD}: {PAYLOAD}"));
    assert_eq!(r["heading"], PAYLOAD);
    assert_eq!(r["paragraph"], format!("{PAYLOAD} {PAYLOAD}"));
    assert_eq!(r["failure"], format!("{PAYLOAD}: {PAYLOAD}"));
    assert_eq!(
        r["tooltips"],
        serde_json::json!([
            format!("shop — {PAYLOAD} (service)"),
            format!("db — {PAYLOAD} (service); single point of failure")
        ])
    );
    // Every finding is a whole article in the findings section, the first of
    // each rule with its explanation: no </details> or </script> in the text
    // closed anything.
    let n = report.findings.len() as u64;
    let rules = report
        .findings
        .iter()
        .map(|f| &*f.check)
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(
        (r["findings"].as_u64(), r["explanations"].as_u64()),
        (Some(n), Some(rules.len() as u64)),
        "{r}"
    );
}

/// The estates, the options, and the largest page each may give (bytes):
/// the pictures are bounded, every table cuts its lists, and each rule is
/// explained once.
const SCALE_CASES: [(usize, &[&str], usize); 4] = [
    (50, &[], 250_000),
    (600, &[], 1_000_000),
    (5_000, &[], 5_500_000),
    (5_000, &["--group-by", "system"], 5_500_000),
];

/// Reports of estates of 50, 600 and 5,000 components (ops_core::synth's
/// systems estate) in headless Chromium, every picture opened: each picture
/// renders, is no wider than the window, shows its single points of failure
/// red, and no two node boxes (nor two group boxes) intersect; the last
/// case grouped by system, with group boxes. A screenshot of each page is
/// kept (`CARGO_TARGET_TMPDIR/report-html/scale/scale-CASE-N.png`).
#[test]
fn pictures_at_scale_render_readably_in_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = artifacts().join("scale");
    std::fs::create_dir_all(&dir).unwrap();
    for (case, (n, options, limit)) in SCALE_CASES.into_iter().enumerate() {
        let estate = dir.join(format!("estate-{n}.yaml"));
        std::fs::write(&estate, ops_core::synth::systems_yaml(n, 7)).unwrap();
        let page = dir.join(format!("scale-{case}-{n}.html"));
        let html = write_report(&estate, &page, options);
        assert!(html.len() <= limit, "{n}: {} bytes, over {limit}", html.len());
        assert_self_contained(&html);
        let inv = Inventory::load(&[&estate]).unwrap();
        let tier1 = inv.components().iter().filter(|c| c.entry && c.tier == Some(1)).count();
        let pictures = html.matches("<svg").count();
        if n <= 60 {
            assert_eq!(pictures, 1, "{n}: one picture of the whole estate");
        } else {
            assert_eq!(
                pictures,
                tier1.min(render::MAX_ENTRY_PICTURES),
                "{n}: one per tier-1 entry"
            );
        }

        let probe = dir.join(format!("scale-{case}-{n}-probe.html"));
        with_probe(
            &html,
            &probe,
            r#"
  for (const d of document.querySelectorAll('details.picture')) d.open = true;
  const red = getComputedStyle(document.documentElement).getPropertyValue('--high').trim();
  out.pictures = [];
  for (const svg of document.querySelectorAll('#graph svg.dependency-graph')) {
    const boxes = [];
    let visible = 0, spofs = 0, spofs_red = 0;
    for (const g of svg.querySelectorAll('.node')) {
      const rect = g.querySelector('rect');
      const r = rect.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) visible++;
      boxes.push([g.dataset.id, r.left, r.top, r.right, r.bottom]);
      if (g.classList.contains('spof')) {
        spofs++;
        const stroke = getComputedStyle(rect).stroke;
        const probe = document.createElement('div');
        probe.style.color = red;
        document.body.appendChild(probe);
        if (stroke === getComputedStyle(probe).color) spofs_red++;
        probe.remove();
      }
    }
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a[1] < b[3] && b[1] < a[3] && a[2] < b[4] && b[2] < a[4]) overlaps.push(a[0] + ' / ' + b[0]);
      }
    const groups = Array.from(svg.querySelectorAll('.group-box > rect'), (r) => r.getBoundingClientRect());
    for (let i = 0; i < groups.length; i++)
      for (let j = i + 1; j < groups.length; j++) {
        const a = groups[i], b = groups[j];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps.push('group ' + i + ' / ' + j);
      }
    out.pictures.push({nodes: boxes.length, visible, spofs, spofs_red, overlaps, groups: groups.length,
      width: svg.getBoundingClientRect().width});
  }
  out.height = document.documentElement.scrollHeight;"#,
        );
        let dom = run_chromium(
            &browser,
            &probe,
            &["--window-size=1400,1000".to_owned(), "--dump-dom".to_owned()],
        );
        let r = probe_results(&dom);
        let shown = r["pictures"].as_array().unwrap();
        assert_eq!(shown.len(), pictures, "{n}: {r}");
        for p in shown {
            let nodes = p["nodes"].as_u64().unwrap();
            assert!(
                nodes > 0 && nodes <= ops_core::render::view::DEFAULT_MAX_NODES as u64,
                "{n}: {p}"
            );
            assert_eq!(p["visible"], nodes, "{n}: every node box is drawn: {p}");
            assert!(p["spofs"].as_u64().unwrap() > 0, "{n}: {p}");
            assert_eq!(p["spofs_red"], p["spofs"], "{n}: single points of failure are red: {p}");
            assert_eq!(p["overlaps"], serde_json::json!([]), "{n}: {p}");
            assert!(p["width"].as_f64().unwrap() <= 1_300.0, "{n}: fits the window: {p}");
        }
        assert_eq!(r["scripts"], 1, "only the probe runs");
        if !options.is_empty() {
            let boxes: u64 = shown.iter().map(|p| p["groups"].as_u64().unwrap()).sum();
            assert!(boxes > 0, "grouped by system, some picture has group boxes: {r}");
        }

        let height = r["height"].as_u64().unwrap().clamp(600, 16_000);
        let shot = dir.join(format!("scale-{case}-{n}.png"));
        let _ = std::fs::remove_file(&shot);
        run_chromium(
            &browser,
            &probe,
            &[
                format!("--window-size=1400,{height}"),
                format!("--screenshot={}", shot.display()),
            ],
        );
        let png = std::fs::read(&shot).expect("a screenshot");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        eprintln!(
            "{n} components: {} bytes, {pictures} pictures, screenshot {}",
            html.len(),
            shot.display()
        );
    }
}

/// The drills section: per entry, each redundancy it stands on with its
/// last experiment's date and what that experiment saw of the entry.
#[test]
fn drills_show_each_entrys_redundancies_and_their_last_experiment() {
    let dir = artifacts();
    let html_path = dir.join("drills.html");
    let html = write_report(Path::new("examples/inventories/fjordline"), &html_path, &[]);
    assert_self_contained(&html);
    let start = html.find("<section id=\"drills\">").expect("a drills section");
    let end = start + html[start..].find("</section>").unwrap();
    let rows: Vec<String> = html[start..end]
        .split("<tr>")
        .skip(2) // before the table, the header row
        .map(|row| {
            let cells: Vec<String> = row
                .split("<td")
                .skip(1)
                .map(|cell| {
                    let text = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
                    text.replace("<code>", "").replace("</code>", "")
                })
                .collect();
            cells.join(" | ")
        })
        .collect();
    let storefront = [
        "storefront | dns | any of 2 | 2026-10-08 | dns-route53-withdrawn-2026-10 | the entry stayed up",
        "storefront | edge-lb | any of 3 | 2026-09-17 | zone-a-game-day-2026-09 | the entry stayed up",
        "storefront | web | at least 2 of 6 | 2026-09-17 | zone-a-game-day-2026-09 | the entry stayed up",
        "storefront | pg | any of 2 | 2026-11-10 | pg-failover-2026-11 | the entry went down",
        "storefront | redis | any of 3 | 2026-09-17 | zone-a-game-day-2026-09 | the entry stayed up",
        "storefront | etcd | at least 2 of 3 | 2026-09-17 | zone-a-game-day-2026-09 | the entry stayed up",
    ];
    let api: Vec<String> = storefront
        .iter()
        .map(|r| {
            r.replace("storefront", "tracking-api")
                .replace("| web |", "| api |")
                .replace("2 of 6", "2 of 4")
        })
        .collect();
    let expected: Vec<String> = storefront.iter().map(|r| (*r).to_owned()).chain(api).collect();
    assert_eq!(rows, expected);
    assert!(html.contains("<a href=\"#drills\">Drills</a>"));
}
